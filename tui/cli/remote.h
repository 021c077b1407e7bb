/*
 * tui/cli/remote.h: what the Replicate commands (models, model,
 * predictions, cancel, run) share: their context over a session
 * (tui/cli/session.h), its opening from the parsed options, and the JSON
 * form of a prediction. Internal to tui/cli/.
 */
#ifndef PG_TUI_CLI_REMOTE_H
#define PG_TUI_CLI_REMOTE_H

#include <stdbool.h>
#include <stdio.h>

#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "tui/cli/cli.h"
#include "tui/cli/logs.h"
#include "tui/cli/session.h"

struct runrec;
struct out_stream;

struct ctx {
	struct session s;
	const char *cmd;	/* the command's name, for messages */
	bool	 json;		/* --json */
	bool	 raw;		/* --raw: untrusted output as it is */
	/* a followed prediction */
	struct log_cursor logs;
	enum prediction_status shown;
	struct runrec *rec;	/* run: its history row; NULL otherwise */
	struct out_stream *stream;	/* run: text output as it comes */
	const char *stream_sep;	/* between text outputs ("" or "\n") */
};

/*
 * Zero x, read --json/--api-base from a (when the table has them), open
 * the session. Returns 0, or -1 after printing why (x is then safe to
 * ctx_close()).
 */
int ctx_open(struct ctx *x, const struct cli_args *a, bool need_token);
void ctx_close(struct ctx *x);
/* The one-line error of the last ERROR event; returns CLI_FAIL. */
int ctx_report(struct ctx *x);
/* Waits for request id with session_wait (no timeout). */
int ctx_wait(struct ctx *x, unsigned id, bool interruptible);

/*
 * `predictions --import` (tui/cli/import.c) over an open ctx: every page
 * of your predictions into the history. Returns the exit status.
 */
int predictions_import(struct ctx *x, const struct cli_args *a);

/* {"id":...,"status":...,"output":...}; saved may be NULL. */
void prediction_json(FILE *fp, const struct prediction *p,
    const struct client_saved *saved);

#endif
