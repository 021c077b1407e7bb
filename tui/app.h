/*
 * tui/app.h: all mutable state of the interactive program. Events (keys,
 * resizes, network events, timers) update a struct app and set dirty bits;
 * draw_frame() reads it once per loop pass. Nothing here touches the
 * terminal except through draw.c and term.c.
 */
#ifndef PG_TUI_APP_H
#define PG_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "client/net/client.h"
#include "client/cog/cog.h"
#include "client/cost/cost.h"
#include "client/forms/form.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"
#include "client/forms/schema.h"
#include "client/forms/schema_diff.h"
#include "render/render.h"
#include "themes/theme.h"
#include "tui/actions.h"
#include "tui/keys.h"
#include "widgets/prompt.h"

/* Limits. */
#define APP_MIN_COLS		30	/* below: "terminal too small" */
#define APP_MIN_ROWS		8
#define APP_MAX_MODELS		100000	/* rows kept in the explorer */
#define APP_MAX_RUNS		32	/* runs kept (oldest finished dropped) */
#define APP_MAX_LOCALS		8	/* --local servers */
#define APP_MSG_MAX		256	/* status line message */
#define APP_SEARCH_DEBOUNCE_MS	250	/* search as you type */
#define APP_COLD_START_MS	8000	/* "starting" this long: cold-start hint */
#define APP_HEALTH_POLL_MS	2000	/* local server health while not READY */
#define APP_PAGE_AHEAD		20	/* rows from the end: fetch next page */
#define APP_MAX_CHOICES		SCHEMA_MAX_CHOICES

enum dirty {
	DIRTY_LAYOUT = 1u << 0,
	DIRTY_LIST = 1u << 1,
	DIRTY_FORM = 1u << 2,
	DIRTY_STATUS = 1u << 3,
	DIRTY_IMAGE = 1u << 4,
	DIRTY_ALL = 0x1fu
};

enum view { VIEW_EXPLORER, VIEW_MODEL, VIEW_RUN };

enum overlay { OV_NONE, OV_HELP, OV_CONFIRM_QUIT, OV_PROMPT, OV_CHOOSE };

enum prompt_kind { PK_FILTER, PK_SEARCH, PK_FIELD, PK_PATH, PK_COST };

/* Model page tabs, as on Replicate: X(ID, title) */
#define MTAB_LIST(X)							\
	X(PLAY,		"Playground")					\
	X(API,		"API")						\
	X(EXAMPLES,	"Examples")					\
	X(COST,		"Cost")						\
	X(INFO,		"Info")

enum mtab {
#define X(id, title) MTAB_##id,
	MTAB_LIST(X)
#undef X
	MTAB__COUNT
};

enum ex_mode { EXM_ALL, EXM_SEARCH, EXM_COLLECTIONS, EXM_COLLECTION };

/* A local Cog server given with --local. */
struct local_target {
	char		*url;
	struct cog	*cog;
	struct cog_health *health;	/* last answer, or NULL */
	char		 error[APP_MSG_MAX];	/* unreachable: why */
	unsigned	 req_health;
	long long	 next_health_ms;	/* 0: none scheduled */
};

struct explorer {
	enum ex_mode	 mode;
	bool		 snapshot;	/* no token: the bundled catalogue */
	struct model	*rows;		/* owned */
	size_t		 n, cap;
	struct collection *colls;	/* EXM_COLLECTIONS, owned */
	size_t		 ncolls;
	char		*next;		/* next page URL or NULL */
	unsigned	 req;		/* request in flight or 0 */
	char		 error[APP_MSG_MAX];
	size_t		*vis;		/* rows passing the filter */
	size_t		 nvis;
	size_t		 sel, top;	/* over locals + visible rows */
	int		 pane;		/* 0 list, 1 details */
	int		 detail_top;
	char		 filter[PROMPT_MAX + 1];
	char		 query[PROMPT_MAX + 1];
	long long	 search_due_ms;	/* debounce deadline, 0 none */
	char		 title[128];	/* collection name */
	char		 snap_date[64];	/* of the bundled snapshot */
	size_t		 saved_sel;	/* selection before search/collection */
	/* cover image of the selected model (cover.c) */
	struct image	*cover;
	char		 cover_for[260];
	char		 cover_error[APP_MSG_MAX];
	unsigned	 cover_req;
	long long	 cover_due_ms;
};

struct cost_state {
	struct cost_table table;
	bool		 loaded;
	char		 error[APP_MSG_MAX];
	size_t		 sel;		/* row: tier / calculator input */
	double		 seconds;	/* predict seconds per run */
	char		 seconds_src[64];	/* where they come from */
	double		 runs;		/* batch runs */
	double		 rph;		/* deployment: requests per hour */
	unsigned	 min_instances;
	int		 field;		/* 0 tier table, 1 seconds, 2 runs,
					   3 rph, 4 min instances */
};

/* A local file uploaded (POST /v1/files) before a Replicate run. */
struct upload {
	char		*path;
	char		*url;		/* urls.get once done */
	unsigned	 req;		/* in flight, or 0 */
};

struct mpage {
	bool		 active;
	bool		 local;		/* a Cog server, not Replicate */
	size_t		 local_idx;
	char		 owner[128], name[128];
	struct model	*model;		/* owned or NULL */
	unsigned	 req_model, req_examples, req_openapi;
	unsigned	 req_versions;	/* a 404 here: an official model */
	bool		 official;	/* runs by model, not by version */
	char		 error[APP_MSG_MAX];
	struct schema	 schema;
	bool		 have_schema;
	char		 schema_error[APP_MSG_MAX];
	struct form	*form;
	struct schema_diff diff;	/* since the version first shown */
	char		 diff_from[80];	/* that version's id */
	size_t		 focus, top;
	enum mtab	 tab;
	struct prediction_page *examples;	/* owned */
	size_t		 ex_sel;
	int		 info_top, api_top;
	int		 api_fmt;	/* 0 curl, 1 python, 2 cog, 3 http */
	struct cost_state cost;
	struct upload	*uploads;
	size_t		 nuploads;
	bool		 run_waiting;	/* Ctrl-R waits for uploads */
};

/* One run (prediction) started from a form. */
struct run {
	unsigned	 seq;		/* 1, 2, 3 ... shown to the user */
	bool		 local;
	size_t		 local_idx;
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
	char		 error[APP_MSG_MAX];
	char		**saved;	/* saved output paths */
	size_t		 nsaved;
	char		*saved_dir;
	char		 save_error[APP_MSG_MAX];
	int		 log_top;	/* 0: follow the tail */
	struct image	*img;		/* first image output, decoded */
	char		 img_error[APP_MSG_MAX];
	double		 cost_usd;	/* < 0 unknown */
	char		 hardware[COST_SKU_MAX];
};

/* The image currently on screen (sixel/kitty), to clear and re-emit. */
struct shown_image {
	bool		 on;
	int		 row, col, rows, cols;
	const void	*key;		/* what it shows */
};

struct script;

struct app {
	/* terminal */
	int		 rows, cols;
	unsigned	 dirty;
	bool		 quit;
	int		 exit_code;
	bool		 too_small;
	bool		 script_mode;
	struct script	*script;
	struct theme	 theme;
	struct detect_result det;	/* graphics: mode, cell size... */
	int		 cell_w, cell_h;
	int		 pane_row, pane_col;	/* tmux pane's place, 0-based */
	struct render_cache *rcache;
	struct shown_image shown;

	/* network */
	struct client	*client;
	bool		 have_token;
	char		 api_base[512];
	struct local_target locals[APP_MAX_LOCALS];
	size_t		 nlocals;
	char		 output_dir[1024];

	/* screens */
	enum view	 view;
	enum overlay	 overlay;
	struct explorer	 ex;
	struct mpage	 mp;
	struct run	 runs[APP_MAX_RUNS];
	size_t		 nruns;
	size_t		 cur_run;
	unsigned	 run_seq;
	int		 help_top;
	enum key_ctx	 help_ctx;	/* where help was asked from */

	/* overlays */
	struct prompt	 prompt;
	enum prompt_kind prompt_kind;
	char		 prompt_label[128];
	char		 prompt_hint[APP_MSG_MAX];
	size_t		 choose_sel, choose_top;

	/* $EDITOR */
	pid_t		 editor_pid;
	char		 editor_file[256];
	size_t		 editor_field;

	/* status line */
	char		 msg[APP_MSG_MAX];
	bool		 msg_error;
	bool		 msg_sticky;	/* cleared by the next key */
	long long	 msg_until_ms;

	/* clipboard: bytes to write after the next frame (OSC 52) */
	char		*osc52;
};

/* ---- app.c: life cycle and events */

struct app_options {
	const char	*api_base;	/* NULL: config / default */
	const char	*token;		/* NULL: none */
	const char	*theme;		/* name or path; NULL: dark */
	const char	*locals[APP_MAX_LOCALS];
	size_t		 nlocals;
	const char	*open_model;	/* OWNER/NAME or NULL */
	const char	*output_dir;	/* NULL: ./r8play-outputs */
	bool		 script_mode;
	struct detect_result det;	/* what the terminal can draw */
	int		 pane_row, pane_col;	/* inside tmux: the pane's offset */
};

/*
 * The theme spec names: a shipped theme ("dark"), or a theme file when it
 * holds a '/' or ends in ".theme" (roles it leaves out stay dark's). NULL or
 * "" is dark. 0, or -1 with "FILE:LINE:COL: what" (or "FILE: why") in err.
 */
int app_theme_load(const char *spec, struct theme *th, char *err,
    size_t errsz);

/* Set up state and start the first requests. 0, or -1 with err set. */
int app_init(struct app *app, const struct app_options *o, char *err,
    size_t errsz);
void app_done(struct app *app);

/* A key press (widgets/kb.h code). */
void app_key(struct app *app, int key);
/* The terminal is now rows x cols (already resized in ncurses). */
void app_resize(struct app *app, int rows, int cols);
/* Timers: debounce, health polls, message expiry, spinners. */
void app_tick(struct app *app);
/* Milliseconds until the next app timer, capped by max_ms. */
int app_timeout_ms(const struct app *app, int max_ms);
/* No request in flight, no timer pending: the screen is final. */
bool app_idle(const struct app *app);
/* Runs not finished. */
size_t app_runs_in_flight(const struct app *app);
/* A mouse event at screen cell (y, x): button 1 click, or the wheel
 * (wheel -1 up, +1 down). Only with --mouse (or from test scripts). */
void app_mouse(struct app *app, int y, int x, int wheel);
/* The editor child exited (from SIGCHLD). */
void app_child(struct app *app);

/* Status line message (printf-style); errors stay until the next key. */
void app_msg(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void app_error(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The key context for the current view, tab and overlay. */
enum key_ctx app_ctx(const struct app *app);

/* ---- net.c: the client's events */
void net_on_event(struct client_event *ev, void *arg);
void net_models_more(struct app *app);
void net_search(struct app *app);
void net_collections(struct app *app);
void net_collection(struct app *app, const char *slug, const char *name);
void net_open_model(struct app *app, const char *owner, const char *name);
void net_open_local(struct app *app, size_t idx);
void net_health(struct app *app, size_t idx);
int net_run(struct app *app, const char *input_json);
void net_cancel(struct app *app, struct run *r);

/* ---- explorer.c */
void explorer_refilter(struct app *app);
size_t explorer_count(const struct app *app);
/* The model at visible index i, or NULL for a local entry. */
const struct model *explorer_model_at(const struct app *app, size_t i);
void explorer_take_page(struct app *app, struct model_page *pg, bool replace);
void explorer_clear(struct app *app);
void explorer_action(struct app *app, enum action a);
void explorer_prompt_changed(struct app *app);
void explorer_prompt_done(struct app *app, bool ok);

/* ---- model.c */
void model_close(struct app *app);
void model_set_model(struct app *app, struct model *m);
void model_set_schema_text(struct app *app, const char *json, size_t len);
void model_action(struct app *app, enum action a);
void model_prompt_done(struct app *app, bool ok);
/* Example i of the Examples tab (the listing, else the model's default
 * example as 0), or NULL; borrowed from the page. */
const struct prediction *model_example_at(const struct app *app, size_t i);
void model_prompt_complete(struct app *app);
void model_choose_done(struct app *app, bool ok);
void model_editor_done(struct app *app, bool ok);
/* API tab (api.c): the share-as text for the current form; copy it. */
void model_copy_api(struct app *app);
char *model_api_text(struct app *app, int fmt, char *err, size_t errsz);
#define API_FORMATS 4
const char *model_api_format_name(int fmt);
int model_visible_fields(const struct app *app);

/* ---- runs.c */
struct run *runs_new(struct app *app);
struct run *runs_by_req(struct app *app, unsigned req);
void runs_action(struct app *app, enum action a);
void runs_finish(struct app *app, struct run *r);
void runs_free_all(struct app *app);
void runs_set_prediction(struct app *app, struct run *r,
    const struct prediction *p);
/* Put text on the clipboard with OSC 52 after the next frame. */
void app_copy(struct app *app, const char *text);

/* ---- upload.c: big local files go to /v1/files before the run */
size_t upload_start_needed(struct app *app);	/* started; (size_t)-1 err */
bool upload_event(struct app *app, struct client_event *ev);
void upload_clear(struct app *app);
int upload_hook(void *ctx, const char *field, const char *path, size_t size,
    char **url, char *err, size_t errsz);

/* ---- cover.c: the selected model's cover image in the explorer */
void cover_selection_changed(struct app *app);
void cover_tick(struct app *app);
bool cover_event(struct app *app, struct client_event *ev);

/* ---- clock.c */
long long clock_mono_ms(void);
/* Display clock: R8PLAY_CLOCK=N freezes it at N seconds (tests). */
long long clock_display_ms(void);
bool clock_frozen(void);

/* ---- util */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* snprintf for text that may be cut on purpose (no truncation warning). */
void xsnprintf(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
