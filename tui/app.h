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
#include "tui/dock.h"
#include "tui/keys.h"
#include "tui/view/compare.h"
#include "tui/view/dev.h"
#include "tui/view/explorer.h"
#include "tui/view/gpu.h"
#include "tui/view/history.h"
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
#define APP_MAX_LOCALS		32	/* --local servers, Cog images */
#define APP_MSG_MAX		256	/* status line message */
#define APP_SEARCH_DEBOUNCE_MS	250	/* search as you type */
#define APP_COLD_START_MS	8000	/* "starting" this long: cold-start hint */
#define APP_HEALTH_POLL_MS	2000	/* local server health while not READY */
#define APP_DEV_POLL_MS		50	/* the dev server restarting (loopback):
					   its READY is the reload's end */
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
    VIEW_DEV, VIEW_HISTORY, VIEW__COUNT };

/* What is open over the screen (tui/view/overlay.c, tui/view/help.c). */
enum overlay { OV_NONE, OV_HELP, OV_CONFIRM_QUIT, OV_PROMPT, OV_CHOOSE,
	OV_CONTAINERS, OV_PULL, OV_GPU_CPU };

/* A local Cog server given with --local, or a Cog image of the Docker
 * daemon and its container (tui/dock.c). An image not started (Offline)
 * has no cog and its url is the image reference until it boots. */
struct local_target {
	char		*url;
	struct cog	*cog;		/* NULL: Offline (an image only) */
	char		*image;		/* reference; NULL: a --local URL */
	char		*schema;	/* the image's OpenAPI label or NULL */
	char		*cog_version;	/* the image's run.cog.version or NULL */
	struct project	*project;	/* its cog.yaml (the image's
					   run.cog.config label, or the --dev
					   folder's file), or NULL */
	char		 project_err[APP_MSG_MAX];	/* why not, or "" */
	bool		 gone;		/* no longer on the daemon: not listed
					   (kept: runs and pages name it) */
	bool		 listed;	/* in the daemon's last image list */
	unsigned	 attach_seq;	/* dock.list_seq when attached */
	char		 container[96];	/* "" while Offline */
	/* a --local URL's model as far as the daemon tells it: the image of
	 * the running container publishing that port (tui/dock.c), past its
	 * registry host; "" when none does (Cog's schema title is always
	 * "Cog": it names nothing) */
	char		 served_image[128];
	bool		 managed;	/* this process started the container
					   (docker_container_mine): idle stop,
					   the quit question */
	bool		 cpu_ok;	/* no GPU here: boot on CPU */
	unsigned	 req_start;	/* docker_start in flight */
	unsigned	 req_stop;	/* docker_stop, then remove */
	long long	 state_since_ms;	/* display clock */
	int		 shown_state;	/* enum dock_state last seen */
	struct cog_health *health;	/* last answer, or NULL */
	char		 error[APP_MSG_MAX];	/* unreachable: why */
	unsigned	 req_health;
	long long	 next_health_ms;	/* 0: none scheduled */
	struct dock_log	 log;		/* setup logs while Booting */
};

/* The image currently on screen (sixel/kitty), to clear and re-emit. */
struct shown_image {
	bool		 on;
	int		 row, col, rows, cols;
	const void	*key;		/* what it shows */
};

struct script;
struct project;
struct render_async;

/*
 * Image work on the render worker (tui/images.c, render/async.h): the
 * runs' and the cover's decodes, and the one encode the frame waits for.
 */
#define APP_MAX_IMG_JOBS	16
struct image_jobs {
	struct render_async *ra;
	struct {
		unsigned long	 id;
		unsigned	 run_seq;	/* 0: the explorer's cover */
		size_t		 saved;		/* run: index of the file */
	}		 dec[APP_MAX_IMG_JOBS];
	size_t		 ndec;
	char		 cover_for[260];	/* the cover job's model */
	unsigned long	 enc_id;		/* 0: none */
	const struct image *enc_img;
	int		 enc_w, enc_h;	/* its size then (a cheap check) */
	bool		 enc_borrowed;	/* enc_img lent, not copied */
	/* the last run image encoded, kept here too: its redraw (after an
	 * overlay, say) needs no hash of its pixels (render_cache_peek) */
	const struct image *memo_img;
	struct render_opts memo_ro;
	struct render_blob memo_blob;
	const struct image *fail_img;	/* the last encode that failed: */
	struct render_opts fail_ro;	/* not asked again */
	struct image	*parked;	/* lent, its owner gone: freed when
					   the encode is taken */
	struct render_opts enc_ro;
	bool		 want;		/* the frame wants want_img encoded */
	const struct image *want_img;
	struct render_opts want_ro;
};

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
	struct image_jobs imgs;
	struct shown_image shown;

	/* network */
	struct client	*client;
	bool		 have_token;
	char		 api_base[512];
	struct local_target locals[APP_MAX_LOCALS];
	size_t		 nlocals;
	struct dock	 dock;		/* the Docker daemon (tui/dock.c) */
	char		 output_dir[1024];

	/* screens (tui/view/: each view owns its struct) */
	enum view	 view;
	struct explorer	 ex;
	struct mpage	 mp;
	struct run_view	 runv;
	struct gpu_view	 gpuv;		/* strip, panel, energy of runs */
	struct compare_view cmp;	/* two runs side by side */
	struct dev_view	 devv;		/* --dev: the Cog project served */
	struct hist_view histv;

	/* the history database (tui/history.c) */
	struct hist	 hist;

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
	 * #msg_run finishing, local server msg_local leaving msg_health
	 * or msg_dock (a Docker image's boot, an unreachable server) */
	unsigned	 msg_run;	/* 0: no run */
	int		 msg_local;	/* -1: no server */
	int		 msg_health;	/* enum cog_health_state; -1: none */
	int		 msg_dock;	/* enum dock_state */
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
	const char	*idle_stop;	/* config idle_stop: minutes, NULL off */
	const char	*registry;	/* config registry (R8PLAY_REGISTRY
					   wins), NULL: r8.im */
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

/* Local target idx as the screens name it: "host:port" of a server's URL
 * (two servers differ there, and it fits where the whole URL does not);
 * a Docker image its reference. */
void app_local_label(const struct app *app, size_t idx, char *buf,
    size_t n);
/* The label, then " · IMAGE" where a Docker container publishes a --local
 * URL (served_image): the page title (runs keep the label alone: it is
 * how they find their target again). */
void app_local_title(const struct app *app, size_t idx, char *buf,
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

/* ---- images.c: decodes and encodes off the input path */
/* Start the worker; 0, or -1 with err set. Stopped by images_done(). */
int images_init(struct app *app, char *err, size_t errsz);
void images_done(struct app *app);
/* The fd to poll next to the tty (readable: results wait). */
int images_fd(const struct app *app);
/* Decode saved file r->saved[saved] into r->img, later (the worker reads
 * it); false with r->img_error set when it could not be queued. */
bool images_decode_run(struct app *app, struct run *r, size_t saved);
/* Decode data (copied) into the explorer's cover, later. */
void images_decode_cover(struct app *app, const void *data, size_t len);
/* Free an image of the app (one the worker may be reading). */
void images_free(struct app *app, struct image *img);
/* Forget the decodes of run seq / of the cover. */
void images_cancel_run(struct app *app, unsigned seq);
void images_cancel_cover(struct app *app);
/* The update step after a frame: queue the encode the frame wanted. */
void images_update(struct app *app);
/* The encoded blob for (img, ro), or NULL while it is being prepared:
 * read only, for drawing. */
const struct render_blob *images_blob(const struct app *app,
    const struct image *img, const struct render_opts *ro);
/* Take the finished results into the runs, the cover and the cache. */
void images_take(struct app *app);
/* Jobs queued, running or not yet taken. */
int images_pending(const struct app *app);
/* runs.c: decode r's first image output from saved file index from on. */
void runs_image_from(struct app *app, struct run *r, size_t from);

/* ---- clock.c */
/* Milliseconds of CLOCK_MONOTONIC, for timers and deadlines. */
long long clock_mono_ms(void);
/* Display clock: R8PLAY_CLOCK=N freezes it at N seconds (tests). */
long long clock_display_ms(void);
/* R8PLAY_CLOCK is set: spinners and elapsed times stand still. */
bool clock_frozen(void);

#endif
