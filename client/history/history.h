/*
 * client/history/history.h: the durable record of every run, in SQLite.
 * This module is the only one that includes <sqlite3.h>; it owns the
 * schema and its migrations (versioned with PRAGMA user_version).
 *
 * The file is $R8PLAY_DATA_DIR/history.db, else
 * $XDG_DATA_HOME/r8play/history.db, else ~/.local/share/r8play/history.db.
 * WAL mode and a busy timeout let several r8play processes write at once
 * without losing a row. A file that is not a database, is damaged, or
 * comes from a newer schema is never written: history_open() says why and
 * the caller goes on without history.
 *
 * A run is inserted when it is created and updated on each state change
 * (history_record()). Secret inputs are replaced by their names before
 * anything is stored, and secret values are scrubbed from every text
 * column (logs, error, output), so no secret value ever reaches the file.
 */
#ifndef PG_CLIENT_HISTORY_H
#define PG_CLIENT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#define HISTORY_SCHEMA_VERSION	3
#define HISTORY_MAX_LOG_BYTES	(32u * 1024u)	/* log tail kept per run */
#define HISTORY_MAX_TEXT	(4u * 1024u * 1024u)	/* one text column */
#define HISTORY_MAX_LIST	100000u		/* rows one list returns */
#define HISTORY_MAX_SECRETS	64u		/* secret fields / values */
#define HISTORY_BUSY_MS		5000		/* busy timeout */

/* X(id, text) */
#define HISTORY_RC_LIST(X)						\
	X(OK,		"ok")						\
	X(EIO,		"cannot open or write the history")		\
	X(ECORRUPT,	"the history file is damaged or not a database") \
	X(ENEWER,	"the history file is from a newer r8play")	\
	X(ENOTFOUND,	"no such run")					\
	X(EINVAL,	"invalid argument")				\
	X(ENOMEM,	"out of memory")

enum history_rc {
#define X(id, text) HISTORY_##id,
	HISTORY_RC_LIST(X)
#undef X
	HISTORY__RC_COUNT
};

/* Static text for a code; never NULL. */
const char *history_strerror(enum history_rc rc);

enum history_target {
	HISTORY_TARGET_REPLICATE,	/* target: API base URL */
	HISTORY_TARGET_SERVER,		/* target: Cog server URL */
	HISTORY_TARGET_CONTAINER	/* target: container name or image */
};

/* "replicate", "server", "container"; never NULL. */
const char *history_target_name(enum history_target k);

/*
 * One run as stored. Every string is owned by the struct (history_run_done
 * frees them) when it comes from this module; when passed in, the caller
 * keeps ownership. NULL means absent (on update: keep the stored value).
 */
struct history_run {
	long long id;			/* row id, > 0 once stored */
	enum history_target target_kind;
	char	*target;		/* API base, server URL or container */
	char	*remote_id;		/* prediction id or NULL */
	char	*model;			/* "owner/name" or a label */
	char	*version;
	char	*input_json;		/* secrets already replaced */
	char	*status;		/* "starting" ... "succeeded" */
	char	*created_at, *started_at, *completed_at;	/* ISO 8601 */
	double	 predict_time;		/* seconds, < 0 when absent */
	char	*metrics_json;		/* object or NULL */
	char	*error;
	char	*logs;			/* tail, HISTORY_MAX_LOG_BYTES */
	char	*output_json;		/* output value (local paths) */
	char	*saved_json;		/* JSON array of saved file paths */
	char	*output_dir;		/* the run's folder or NULL */
	double	 cost;			/* dollars, < 0 when absent */
	long long recorded;		/* unix time of the last write */
	bool	 data_removed;		/* Replicate deleted its input and
					   output (after an hour); once
					   stored, an update never clears it */
};

/* Which input fields and which values are secret (any may be empty). */
struct history_secrets {
	const char *const *fields;	/* input keys whose values are secret */
	size_t	 n_fields;
	const char *const *values;	/* e.g. the API token */
	size_t	 n_values;
};

/* Filters for history_list(); NULL/0 fields do not filter. */
struct history_filter {
	const char *model;	/* exact "owner/name" */
	const char *status;	/* exact status */
	const char *target;	/* exact target, or a kind name ("server"):
				 * the kind, not a target of that name */
	const char *text;	/* substring of model, id, input, output, error */
	size_t	 limit;		/* 0: HISTORY_MAX_LIST */
	size_t	 offset;
	bool	 with_logs;	/* list: fill logs too (history_get does) */
};

struct history_list {
	struct history_run *runs;	/* newest first */
	size_t	 n;
};

struct history;

/*
 * Path of the history file into buf: see the file comment. Returns
 * HISTORY_OK or HISTORY_EINVAL (no HOME, path too long) with err.
 */
enum history_rc history_default_path(char *buf, size_t n, char *err,
    size_t errsz);

/*
 * Open (creating when missing, with its directory) and migrate the
 * history at path (NULL: history_default_path(); ":memory:" for a private
 * in-memory one). *out is set on HISTORY_OK (close with history_close());
 * otherwise NULL, err says what and the file is left as it was:
 * ECORRUPT (not a database, damaged), ENEWER (user_version above
 * HISTORY_SCHEMA_VERSION), EIO.
 */
enum history_rc history_open(const char *path, struct history **out,
    char *err, size_t errsz);

/* Close; NULL is a no-op. */
void history_close(struct history *h);

/*
 * Write run r. r->id > 0 updates that row; otherwise a row with the same
 * target and remote_id is updated when there is one, else a row is
 * inserted. On update NULL strings and negative numbers keep what is
 * stored (and target_kind is kept when target is NULL). The input has sec's fields replaced by "<secret:NAME>" and
 * every secret value is replaced by "<secret>" in every text column; logs
 * keep their last HISTORY_MAX_LOG_BYTES. *id (may be NULL) gets the row id.
 */
enum history_rc history_record(struct history *h,
    const struct history_run *r, const struct history_secrets *sec,
    long long *id, char *err, size_t errsz);

/*
 * Runs matching f, newest first: by when the run was created (its
 * created_at, else when it was recorded: a local run has none), whatever
 * its source, so an import of old predictions lands below newer runs;
 * ties newest recorded first (release with history_list_done()).
 */
enum history_rc history_list(struct history *h,
    const struct history_filter *f, struct history_list *out, char *err,
    size_t errsz);

/*
 * SQLite's plan for history_list(h, f) into buf[n], one step a line (the
 * EXPLAIN QUERY PLAN details): how the tests check that every list is an
 * index walk, never a sort of the whole table.
 */
enum history_rc history_list_plan(struct history *h,
    const struct history_filter *f, char *buf, size_t n, char *err,
    size_t errsz);

/* Number of runs matching f (limit/offset ignored). */
enum history_rc history_count(struct history *h,
    const struct history_filter *f, size_t *n, char *err, size_t errsz);

/* One run by row id (release with history_run_done()); ENOTFOUND. */
enum history_rc history_get(struct history *h, long long id,
    struct history_run *out, char *err, size_t errsz);

/* One run by target (NULL: any) and remote prediction id; ENOTFOUND. */
enum history_rc history_get_remote(struct history *h, const char *target,
    const char *remote_id, struct history_run *out, char *err,
    size_t errsz);

/*
 * The input JSON of model's newest run (to restore its form) into *json
 * (caller frees); ENOTFOUND when the model was never run.
 */
enum history_rc history_last_input(struct history *h, const char *model,
    char **json, char *err, size_t errsz);

/*
 * Remote (Replicate) runs still "starting" or "processing" with a
 * remote_id, oldest first: a later start follows them again.
 */
enum history_rc history_in_flight(struct history *h,
    struct history_list *out, char *err, size_t errsz);

/*
 * Input JSON with sec's fields replaced by "<secret:NAME>" and secret
 * values scrubbed (caller frees); NULL when out of memory. Input that is
 * not a JSON object is scrubbed as text.
 */
char *history_redact_input(const char *input_json,
    const struct history_secrets *sec);

/*
 * text with every secret value replaced by "<secret>": sec's values and
 * the values of sec's fields in input_json (may be NULL). Caller frees;
 * NULL when out of memory or text is NULL.
 */
char *history_scrub(const char *text, const struct history_secrets *sec,
    const char *input_json);

/*
 * r as one JSON object (caller frees; NULL when out of memory): id,
 * target {kind, url}, prediction_id, model, version, input, status,
 * created_at, started_at, completed_at, predict_time, metrics, error,
 * logs, output, files, output_dir, cost_estimate, recorded, and
 * data_removed (true) when Replicate deleted the data. Columns that
 * hold JSON are embedded as JSON (as strings when they do not parse).
 * pretty: indented.
 */
char *history_run_json(const struct history_run *r, bool pretty);

void history_run_done(struct history_run *r);
void history_list_done(struct history_list *l);

#endif
