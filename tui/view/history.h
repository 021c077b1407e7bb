/*
 * tui/view/history.h: the runs' durable record in the TUI.
 *  - tui/history.c records every run (remote and local) in the history
 *    database (client/history) when it is created and on each state
 *    change, writes its folder's record (record_save) when it ends, loads
 *    past runs back as runs, restores a model's form, and follows again
 *    the remote runs a previous r8play left in flight;
 *  - tui/view/history.c is the history screen (R): this session's and
 *    past runs, newest first, filtered, opened, re-run, marked.
 * Every database call happens in key or network-event handlers, never
 * while drawing.
 */
#ifndef PG_TUI_VIEW_HISTORY_H
#define PG_TUI_VIEW_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "client/history/history.h"

#define HIST_MSG_MAX	256
#define HIST_FILTER_MAX	256
#define HIST_PAGE	500	/* rows kept around the selection */
#define HIST_FORMS_MAX	64	/* models whose forms are kept in memory */

/* A model's form values kept while r8play runs (model_close). */
struct hist_form {
	char	*model;		/* "owner/name" or the server URL */
	char	*input_json;
};

/* The history connection (owned by tui/history.c). */
struct hist {
	struct history	*db;		/* NULL: running without history */
	char		 error[HIST_MSG_MAX];	/* why there is none */
	char		*token;		/* scrubbed from what is written */
	char		*pending_input;	/* for the next form built (e) */
	struct hist_form forms[HIST_FORMS_MAX];
	size_t		 nforms;
};

/* The history screen's state (tui/view/history.c). */
struct hist_view {
	struct history_list list;	/* rows [base, base + n) of the match */
	size_t		 base;		/* index of list.runs[0] */
	size_t		 total;		/* rows matching the filter */
	size_t		 sel, top;	/* indexes into the whole match */
	char		 filter[HIST_FILTER_MAX];	/* as typed */
	long long	 marked[2];	/* row ids marked (0: none) */
	char		 error[HIST_MSG_MAX];
	double		 load_ms;	/* the last query, for the bench */
	int		 list_rows;	/* rows of the list at the last layout */
};

struct app;
struct run;

/* ---- tui/history.c */
/* Open the default history; on failure one status message and r8play
 * goes on without it. token (may be NULL) is never written. */
void hist_open(struct app *app, const char *token);
void hist_close(struct app *app);
/* Write r's row (created, or a state change); when r is over and
 * finished saving, its folder's record too. */
void hist_record(struct app *app, struct run *r);
/* Take the secret fields and output shape of the page's schema into r
 * (at its start, while the page is r's model). */
void hist_run_schema(struct app *app, struct run *r);
/* Load stored run id as a run (outputs from its saved paths) and show
 * it; 0, or -1 with a status message. */
int hist_open_run(struct app *app, long long id);
/* Follow again the remote runs a previous r8play left in flight. */
void hist_resume(struct app *app);
/* The form of the page's model: keep its values (model_close) / put back
 * the kept values, else the newest run's input (a new form). */
void hist_form_keep(struct app *app);
/* e: put r's input into its model's form (opening the page when another
 * is shown) and show the Playground. */
void hist_load_input(struct app *app, const struct run *r);
void hist_form_restore(struct app *app);

/* ---- tui/view/history.c */
/* Show the history screen (reloads the list). */
void hist_view_show(struct app *app);
/* Reload the list with the current filter. */
void hist_view_reload(struct app *app);
/* The filter prompt was closed. */
void hist_view_prompt_done(struct app *app, bool ok);
/* "model:M status:S target:T words" into f (pointing into buf). */
void hist_parse_filter(const char *text, char *buf, size_t bufsz,
    struct history_filter *f);
void hist_view_done(struct app *app);

#endif
