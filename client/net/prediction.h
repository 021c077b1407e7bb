/*
 * client/net/prediction.h: the prediction object as plain C data, parsed from
 * every recorded shape: Replicate's (old predictions lack data_removed and
 * urls.web; official models report odd versions) and the Cog server's (the
 * same object with fewer fields, id/version may be null). Also the live
 * updates a follower applies (SSE logs and output chunks) and the tqdm
 * progress found in logs. No curl; cJSON only inside prediction.c.
 */
#ifndef PG_CLIENT_PREDICTION_H
#define PG_CLIENT_PREDICTION_H

#include <stdbool.h>
#include <stddef.h>

#include "client/net/rc.h"

/* Logs kept per prediction: the tail beyond this is kept, the head cut. */
#define PREDICTION_MAX_LOG_BYTES	(256u * 1024u)
/* Output items collected from one output value (URLs, data: URIs, text). */
#define PREDICTION_MAX_OUTPUTS		4096u

/* X(id, wire name); terminal states are SUCCEEDED..ABORTED and UNKNOWN. */
#define PREDICTION_STATUS_LIST(X)					\
	X(STARTING,	"starting")					\
	X(PROCESSING,	"processing")					\
	X(SUCCEEDED,	"succeeded")					\
	X(FAILED,	"failed")					\
	X(CANCELED,	"canceled")					\
	X(ABORTED,	"aborted")					\
	X(UNKNOWN,	"unknown")

enum prediction_status {
#define X(id, name) PREDICTION_##id,
	PREDICTION_STATUS_LIST(X)
#undef X
	PREDICTION__STATUS_COUNT
};

enum prediction_output_kind {
	PREDICTION_OUTPUT_URL,		/* http(s) URL of a file */
	PREDICTION_OUTPUT_DATA,		/* data: URI (file inline) */
	PREDICTION_OUTPUT_TEXT		/* any other string (tokens, text) */
};

struct prediction_output {
	enum prediction_output_kind kind;
	char	*value;		/* the string as sent */
	char	*key;		/* where it was: "markdown", "segments[0].text",
				   NULL for a top-level string/array item */
};

struct prediction_metrics {
	double	predict_time;	/* seconds; < 0 when absent */
	double	total_time;	/* seconds; < 0 when absent */
	long long input_token_count;	/* < 0 when absent */
	long long output_token_count;	/* < 0 when absent */
};

struct prediction {
	char	*id;		/* may be NULL (Cog sync without id) */
	char	*model;		/* "owner/name" or NULL */
	char	*version;	/* 64-hex, "dp-…", "hidden" or NULL */
	enum prediction_status status;
	char	*status_text;	/* raw status as sent (for UNKNOWN) */
	char	*input_json;	/* compact JSON text of "input" or NULL */
	char	*output_json;	/* compact JSON of "output"; NULL when null */
	struct prediction_output *outputs;	/* every string in output, */
	size_t	 n_outputs;			/* in document order */
	size_t	 outputs_cap;		/* allocated items (internal) */
	char	*logs;		/* NUL-terminated, tail-bounded, or NULL */
	size_t	 logs_len;
	bool	 logs_truncated;	/* the head was cut to the limit */
	char	*error;		/* error text (objects as JSON) or NULL */
	struct prediction_metrics metrics;
	char	*created_at, *started_at, *completed_at;	/* ISO 8601 */
	char	*url_get, *url_cancel, *url_stream, *url_web;
	bool	 data_removed;
	char	*source;	/* "api", "web" or NULL */
};

/* Wire name of a status ("processing"); never NULL. */
const char *prediction_status_name(enum prediction_status st);

/* Status from its wire name; anything unrecognised is UNKNOWN. */
enum prediction_status prediction_status_parse(const char *name);

/* True for succeeded, failed, canceled, aborted and unknown. */
bool prediction_status_terminal(enum prediction_status st);

/*
 * Parse one prediction object. On success fills *out (release with
 * prediction_done()) and returns CLIENT_OK; on failure *out is zeroed and
 * err says what and where ("malformed JSON at byte 40 of 100", "prediction:
 * expected an object"). Missing fields are NULL/absent, never an error,
 * except that the value must be an object.
 */
enum client_rc prediction_parse(const char *json, size_t len,
    struct prediction *out, char *err, size_t errsz);

/* cJSON-level entry for the page parsers; obj is a const cJSON *. */
struct cJSON;
enum client_rc prediction_from_json(const struct cJSON *obj,
    struct prediction *out, char *err, size_t errsz);

/*
 * The same with flags: PREDICTION_NO_OUTPUT leaves the output out
 * (output_json NULL, no outputs), for a model page's default_example,
 * whose output nothing on a page draws (a search page's embeddings are
 * ~40,000 floats that re-printing would dominate the parse).
 */
#define PREDICTION_NO_OUTPUT	1u
enum client_rc prediction_from_json_flags(const struct cJSON *obj,
    struct prediction *out, unsigned flags, char *err, size_t errsz);

/* Free every member and zero *p; NULL and zeroed structs are fine. */
void prediction_done(struct prediction *p);

/* prediction_done() then free(p); NULL is a no-op. */
void prediction_free(struct prediction *p);

/* Deep copy; returns 0 or -1 when out of memory (*dst zeroed then). */
int prediction_copy(struct prediction *dst, const struct prediction *src);

/*
 * Append log text (SSE "logs" events): keeps at most
 * PREDICTION_MAX_LOG_BYTES, dropping the oldest bytes. Returns 0 or -1.
 */
int prediction_append_logs(struct prediction *p, const char *text,
    size_t len);

/* Append one output chunk (SSE "output" event) as an item. 0 or -1. */
int prediction_append_output(struct prediction *p, const char *text,
    size_t len);

/*
 * Join every TEXT item with sep (iterator + concatenate outputs: sep "").
 * Returns a string the caller frees ("" when none), NULL when out of memory.
 */
char *prediction_join_text(const struct prediction *p, const char *sep);

/*
 * Progress from the last tqdm-style line of the logs (" 58%|█▊ | 29/50
 * [00:02<00:01, 16.72it/s]"). Returns true and fills the non-NULL
 * pointers when one is found; done/total are -1 when the line has a
 * percentage only.
 */
bool prediction_progress(const struct prediction *p, int *done, int *total,
    double *pct);

#endif
