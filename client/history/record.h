/*
 * client/history/record.h: a run's outputs in every shape, and its record
 * on disk and in the history. Owns:
 *  - the shape of an output (from the output schema, else the value):
 *    null, string, number, bool, one file, a list of files, a list of
 *    strings (joined only when the schema says concatenate), an object,
 *    any other list;
 *  - its text form for the CLI and the TUI: labelled, recursive, files as
 *    their local paths (record_text);
 *  - the run's folder beside the downloaded files (client/net/outputs.c
 *    downloads them): output.txt (the text form), output.json (any
 *    structured value) and run.json (model, version, target, input with
 *    secrets removed, status, timings, metrics, cost, the output value
 *    with local paths), each written atomically (record_save);
 *  - the one-call hook the run paths use to write a prediction into the
 *    history (record_history).
 * No printing; every function fills a caller-owned message on failure.
 */
#ifndef PG_CLIENT_RECORD_H
#define PG_CLIENT_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "client/forms/schema.h"
#include "client/history/history.h"
#include "client/net/client.h"
#include "client/net/prediction.h"

#define RECORD_MAX_DEPTH	32		/* nesting rendered */
#define RECORD_MAX_TEXT		(16u << 20)	/* bytes of a text form */
#define RECORD_FORMAT		1		/* run.json "r8play_record" */

/* X(id, name) */
#define RECORD_SHAPE_LIST(X)						\
	X(NULL,		"null")						\
	X(STRING,	"string")					\
	X(NUMBER,	"number")					\
	X(BOOL,		"bool")						\
	X(FILE,		"file")						\
	X(FILES,	"files")					\
	X(STRINGS,	"strings")	/* one item a line */		\
	X(TEXT_STREAM,	"text-stream")	/* strings joined */		\
	X(OBJECT,	"object")					\
	X(LIST,		"list")		/* anything else in an array */

enum record_shape {
#define X(id, name) RECORD_##id,
	RECORD_SHAPE_LIST(X)
#undef X
	RECORD__SHAPE_COUNT
};

/* "files"; never NULL. */
const char *record_shape_name(enum record_shape s);

/* True for an http(s) URL or a data: URI (what outputs_save downloads). */
bool record_is_file(const char *s);

/*
 * The shape of output_json (NULL or "null": RECORD_NULL) as the output
 * schema so (may be NULL) declares it, else as the value looks. A value
 * that contradicts the schema is classified by the value.
 */
enum record_shape record_classify(const char *output_json,
    const struct schema_output *so);

/*
 * The text form of output_json (caller frees; NULL when out of memory):
 * a string as is; numbers and bools as JSON writes them; files one path a
 * line; strings one a line, or joined when the shape is TEXT_STREAM; an
 * object as "key: value" lines, nested values indented two spaces under
 * their label, list items as "- " (a nested list of numbers and bools
 * inline: "[1, 2]"); null as "null". Capped at
 * RECORD_MAX_TEXT and RECORD_MAX_DEPTH ("..." marks a cut).
 */
char *record_text(const char *output_json, const struct schema_output *so);

/*
 * output_json with every file value (record_is_file, in document order,
 * the order outputs_save saves them) replaced by saved[i]. When n_saved
 * does not match the number of file values the value is returned
 * unchanged (a copy). Caller frees; NULL when out of memory. NULL in,
 * NULL out.
 */
char *record_localize(const char *output_json, const char *const *saved,
    size_t n_saved);

/* What record_save() and record_history() need to know about a run. */
struct record_run {
	const struct prediction *p;	/* the prediction as last seen */
	const struct schema_output *so;	/* may be NULL */
	enum history_target target_kind;
	const char *target;		/* API base, server URL, container */
	const char *model;		/* overrides p->model when set */
	const char *const *saved;	/* saved file paths, output order */
	size_t	 n_saved;
	const char *dir;		/* the run's folder */
	double	 cost;			/* dollars, < 0 when unknown */
	const struct history_secrets *sec;	/* may be NULL */
};

/* The files record_save() wrote (paths: caller frees with _done). */
struct record_files {
	char	*text_path;	/* output.txt or NULL */
	char	*json_path;	/* output.json or NULL */
	char	*run_path;	/* run.json */
};

void record_files_done(struct record_files *f);

/*
 * Write r's record into r->dir (created 0755 when missing): output.txt
 * when the output has a text form (not for null, a file or files alone),
 * output.json when it is an array or object, and run.json always; each
 * replaced atomically, so calling again on each state change keeps the
 * newest. A name a saved output already uses gets a "run-" prefix.
 * Returns 0, or -1 with err naming the path.
 */
int record_save(const struct record_run *r, struct record_files *out,
    char *err, size_t errsz);

/*
 * The run.json text for r (caller frees; NULL when out of memory): the
 * input passes through history_redact_input() with r->sec.
 */
char *record_run_json(const struct record_run *r);

/*
 * Record r in the history h (NULL: nothing to do, returns HISTORY_OK):
 * inserted the first time (or matched by remote id), updated after.
 * *id (in/out, may be NULL) is the row; pass 0 the first time.
 */
enum history_rc record_history(struct history *h, const struct record_run *r,
    long long *id, char *err, size_t errsz);

/*
 * The one call a run path makes when a prediction ends (or changes
 * state): its folder (record_save) and its row in the default history
 * (record_history; opened and closed here). s (may be NULL) gives the
 * output shape and the secret fields (SCHEMA_KIND_SECRET); token (may be
 * NULL) is scrubbed from what is written. The folder is saved->dir when
 * files were saved, else dir; with neither (a text run given no folder)
 * only the history has the run, and a file output none of whose files
 * was saved (a path inside a server) gets no folder either. On failure (a
 * damaged history, a folder that cannot be written) returns -1 with err
 * set, after doing what it could: the run itself is not affected.
 */
int record_finish(const struct prediction *p, const struct schema *s,
    enum history_target kind, const char *target, const char *token,
    const struct client_saved *saved, const char *dir, char *err,
    size_t errsz);

/*
 * The file paths of a history row's saved_json (a JSON array of strings;
 * other items are skipped) into *paths (caller frees with
 * record_paths_free). NULL or "" is no paths. 0, or -1 when the text is
 * not an array or memory ran out (*paths NULL, *n 0).
 */
int record_paths(const char *saved_json, char ***paths, size_t *n);
void record_paths_free(char **paths, size_t n);

#endif
