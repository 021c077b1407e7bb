/*
 * tui/view/run.h: runs (predictions started from a form) and the run view.
 * tui/runs.c owns the runs' memory and bookkeeping (start, follow, save,
 * finish); tui/view/run.c draws them, takes the run view's keys and
 * handles the runs' network events.
 */
#ifndef PG_TUI_VIEW_RUN_H
#define PG_TUI_VIEW_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "client/cost/cost.h"
#include "client/gpu/energy.h"
#include "client/forms/schema.h"
#include "client/net/prediction.h"
#include "tui/target.h"

#define RUN_MSG_MAX	256

/* One run (prediction) started from a form. */
struct run {
	unsigned	 seq;		/* 1, 2, 3 ... shown to the user */
	bool		 local;
	size_t		 local_idx;
	struct target_id target;	/* where it ran (tui/target.h) */
	bool		 queued;	/* waits for a busy local server */
	bool		 unsent_canceled;	/* canceled while queued */
	char		 model[260];	/* owner/name or the local URL */
	char		 owner[128], name[128];
	char		*version;
	char		*input_json;	/* what was sent */
	unsigned	 req;		/* create / cog predict */
	unsigned	 req_follow, req_cancel, req_save;
	struct prediction pred;		/* latest copy */
	bool		 have_pred;
	bool		 done;		/* terminal, nothing more coming */
	bool		 cancel_asked;
	bool		 cancel_pending;	/* asked before the id was known */
	bool		 streaming;
	long long	 started_ms, ended_ms;	/* display clock */
	long long	 starting_since_ms;	/* monotonic, while "starting" */
	char		 error[RUN_MSG_MAX];
	char		**saved;	/* saved output paths */
	size_t		 nsaved;
	char		*saved_dir;
	char		 save_error[RUN_MSG_MAX];
	int		 log_top;	/* 0: follow the tail */
	struct image	*img;		/* first image output, decoded */
	char		 img_error[RUN_MSG_MAX];
	double		 cost_usd;	/* < 0 unknown */
	char		 hardware[COST_SKU_MAX];
	/* local runs: power sampled by tui/view/gpu.c while in flight */
	bool		 energy_on;	/* sampling started */
	bool		 energy_closed;	/* the last sample is in */
	struct gpu_energy energy;
	/* the history (tui/history.c) */
	long long	 hist_id;	/* row in the history, 0: not yet */
	int		 hist_status;	/* status last recorded, -1: none */
	bool		 past;		/* loaded from the history */
	bool		 saved_record;	/* run.json written */
	struct schema_output out_schema;	/* shape only (no fields) */
	bool		 have_out_schema;
	char		**secret_fields;	/* input keys kept out */
	size_t		 nsecret;
	char		*out_text;	/* record_text of the output */
	bool		 out_files;	/* the output is file(s): paths */
	/* the run view's panes (tui/view/run_out.c) */
	size_t		 img_idx;	/* which image output is shown */
	size_t		 nimgs;		/* image outputs among saved */
	int		 out_top;	/* first output row shown */
	bool		 marked;	/* marked in the history list */
};

/* The run view's own state. */
struct run_view {
	size_t		 cur;		/* index into app->runs shown */
	size_t		 strip_top;	/* first run in the strip */
	bool		 full;		/* output pane fills the view */
	bool		 logs_focus;	/* j/k scroll the logs */
	int		 out_rows;	/* output pane rows at the last layout */
	bool		 from_history;	/* opened from the runs list: Esc
					   goes back there */
};

struct app;

/* ---- view/run.c: the runs' requests */
/* Start a run of the page's model with input_json and show it; 0, or -1
 * with the reason on the status line. */
int run_start(struct app *app, const char *input_json);
/* Ask to cancel r (sent once its id is known). */
void run_cancel(struct app *app, struct run *r);

/* ---- runs.c */
/* A new run slot (the oldest finished run makes room), seq set. */
struct run *runs_new(struct app *app);
/* The run waiting for request req, or NULL. */
struct run *runs_by_req(struct app *app, unsigned req);
/* The run is over: timing, cost, the first image decoded. */
void runs_finish(struct app *app, struct run *r);
void runs_free_all(struct app *app);
/* Take a copy of p as the run's latest state. */
void runs_set_prediction(struct app *app, struct run *r,
    const struct prediction *p);
/* Decode image output number idx of r's saved files (by extension) as
 * r->img; counts them into r->nimgs. */
void runs_load_image(struct app *app, struct run *r, size_t idx);

#endif
