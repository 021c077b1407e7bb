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
#include "tui/view/compare.h"
#include "tui/view/dev.h"
#include "tui/view/explorer.h"
#include "tui/view/gpu.h"
#include "tui/view/model.h"
#include "tui/view/overlay.h"
#include "tui/view/run.h"
#include "tui/view/view.h"
#include "tui/xalloc.h"
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

/* The screens, each one file under tui/view/ (tui/view/view.h). */
enum view { VIEW_EXPLORER, VIEW_MODEL, VIEW_RUN, VIEW_GPU, VIEW_COMPARE,
    VIEW_DEV, VIEW__COUNT };

/* What is open over the screen (tui/view/overlay.c, tui/view/help.c). */
enum overlay { OV_NONE, OV_HELP, OV_CONFIRM_QUIT, OV_PROMPT, OV_CHOOSE };

/* A local Cog server given with --local. */
struct local_target {
	char		*url;
	struct cog	*cog;
	struct cog_health *health;	/* last answer, or NULL */
	char		 error[APP_MSG_MAX];	/* unreachable: why */
	unsigned	 req_health;
	long long	 next_health_ms;	/* 0: none scheduled */
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

	/* screens (tui/view/: each view owns its struct) */
	enum view	 view;
	struct explorer	 ex;
	struct mpage	 mp;
	struct run_view	 runv;
	struct gpu_view	 gpuv;		/* strip, panel, energy of runs */
	struct compare_view cmp;	/* two runs side by side */
	struct dev_view	 devv;		/* --dev: the Cog project served */

	/* the runs, shown by the run view (tui/runs.c owns them) */
	struct run	 runs[APP_MAX_RUNS];
	size_t		 nruns;
	unsigned	 run_seq;

	/* overlays (tui/view/overlay.c, tui/view/help.c) */
	enum overlay	 overlay;
	struct prompt_view prompt;
	struct chooser_view chooser;
	struct help_view help;

	/* $EDITOR */
	pid_t		 editor_pid;
	char		 editor_file[256];
	size_t		 editor_field;

	/* the demo's one-line hint over the model page, until the first
	 * run or H (R8PLAY_DEMO set, as tests/demo does) */
	bool		 demo_hint;

	/* status line */
	char		 msg[APP_MSG_MAX];
	bool		 msg_error;
	bool		 msg_sticky;	/* cleared by the next key */
	long long	 msg_until_ms;
	/* what the message tells of, so it goes when that changes: run
	 * #msg_run finishing, local server msg_local leaving msg_health */
	unsigned	 msg_run;	/* 0: no run */
	int		 msg_local;	/* -1: no server */
	int		 msg_health;	/* enum cog_health_state */
	/* a request waiting to be retried (HTTP 429 Retry-After, backoff),
	 * with its countdown, shown on the status line over the hints and
	 * any message but an error; "" when none. Redrawn at wait_due_ms. */
	char		 wait_msg[APP_MSG_MAX];
	long long	 wait_due_ms;

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
	const char	*dev_dir;	/* --dev DIR: serve a Cog project */
	const char	*serve_command;	/* config serve_command, or NULL */
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

/* One more local Cog server at url (health polled); 0, or -1 with err. */
int app_add_local(struct app *app, const char *url, char *err,
    size_t errsz);

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
/* The message just set tells of run #seq (it goes, or says how the run
 * ended, once the run is done) or of local server idx's health (it goes
 * when the server's state changes). */
void app_msg_about_run(struct app *app, unsigned seq);
void app_msg_about_local(struct app *app, size_t idx);

/* Local server idx as the screens name it: "host:port" of its URL (two
 * servers differ there, and it fits where the whole URL does not). */
void app_local_label(const struct app *app, size_t idx, char *buf,
    size_t n);

/* The key context for the current view, tab and overlay. */
enum key_ctx app_ctx(const struct app *app);
/* The update step before a frame (and after a resize): the current view
 * and overlay clamp their selections and scroll positions to the terminal
 * and record their hit boxes. Drawing then only reads. */
void app_layout(struct app *app);

/* ---- net.c: the routing of network events; local servers' health */
/* client_pump() callback: hand ev to whoever waits for its id. */
void net_on_event(struct client_event *ev, void *arg);
/* Ask local server idx for /health-check. */
void net_health(struct app *app, size_t idx);

/* Put text on the clipboard with OSC 52 after the next frame; text over
 * 100 kB is refused with a message. */
void app_copy(struct app *app, const char *text);

/* ---- upload.c: big local files go to /v1/files before the run */
size_t upload_start_needed(struct app *app);	/* started; (size_t)-1 err */
bool upload_event(struct app *app, struct client_event *ev);
void upload_clear(struct app *app);
int upload_hook(void *ctx, const char *field, const char *path, size_t size,
    char **url, char *err, size_t errsz);

/* ---- clock.c */
/* Milliseconds of CLOCK_MONOTONIC, for timers and deadlines. */
long long clock_mono_ms(void);
/* Display clock: R8PLAY_CLOCK=N freezes it at N seconds (tests). */
long long clock_display_ms(void);
/* R8PLAY_CLOCK is set: spinners and elapsed times stand still. */
bool clock_frozen(void);

#endif
