/*
 * tui/dock.h: the Docker daemon's Cog images and containers as local
 * targets (tui/target.h). Each Cog image is an entry of app->locals:
 * Offline while it has no container (its form comes from the image's
 * label schema), Booting from Ctrl-R (docker_start, then /health-check
 * STARTING), Active while BUSY, Idle while READY, with the time in state.
 * Containers of Cog images already running are listed the same way, and
 * the lists are asked again while the explorer shows them.
 * Only asks the daemon when DOCKER_HOST is set, or outside script mode
 * when the default socket exists (test screens stay the same).
 */
#ifndef PG_TUI_DOCK_H
#define PG_TUI_DOCK_H

#include <stdbool.h>
#include <stddef.h>

#define DOCK_MSG_MAX	256
#define DOCK_REF_MAX	512	/* an image reference (DOCKER_MAX_REF) */
#define DOCK_LOG_LINES	32	/* setup log lines kept while Booting */
#define DOCK_LOG_WIDTH	512	/* bytes kept of one log line */
#define DOCK_BOOT_PANEL_MAX 10	/* rows of the boot panel (logs) */
#define DOCK_REFRESH_MS	3000	/* the lists again while the explorer shows */

enum dock_state {
	DOCK_NONE,		/* not known yet (a --local URL not asked) */
	DOCK_OFFLINE,
	DOCK_BOOTING,
	DOCK_ACTIVE,
	DOCK_IDLE,
	DOCK_FAILED
};

struct docker_pull_progress;

/* The setup logs of a container r8play started, followed while it boots
 * (tui/dock_pull.c); a ring of the last DOCK_LOG_LINES, oldest at head. */
struct dock_log {
	unsigned	 req;		/* docker_logs (follow) in flight */
	char		*lines[DOCK_LOG_LINES];	/* owned, cut to
						   DOCK_LOG_WIDTH */
	size_t		 head, n;
};

/* L on a Replicate model page: the pull of that version's image, then
 * its start (tui/dock_pull.c). One at a time; shown by OV_PULL. */
struct dock_pull {
	unsigned	 req;		/* docker_pull in flight */
	unsigned	 req_inspect;	/* then the image's labels */
	char		 ref[DOCK_REF_MAX];	/* r8.im/OWNER/NAME@sha256:V */
	char		 image[DOCK_REF_MAX];	/* as the daemon names it
						   (registry rewritten) */
	char		*schema;	/* the page's schema: the form when
					   the image has no label; owned */
	struct docker_pull_progress *prog;	/* last snapshot or NULL */
	long long	 started_ms;	/* display clock */
	char		 error[DOCK_MSG_MAX];	/* the pull failed: why */
};

struct dock {
	struct docker	*d;		/* NULL: no daemon asked */
	char		 registry[256];	/* config registry, or ""
					   (docker_registry(): in use) */
	struct dock_pull pull;
	long long	 idle_stop_ms;	/* 0: containers are not stopped */
	bool		 quit_asked;	/* the quit question was answered */
	bool		 quit_after;	/* quit once the stops are done */
	size_t		 stopping;	/* stops in flight */
	size_t		 cpu_idx;	/* OV_GPU_CPU asks about this local */
	unsigned	 req_images, req_containers;
	unsigned	 list_seq;	/* containers lists asked so far */
	bool		 listed_once;	/* the first lists are in */
	long long	 next_list_ms;	/* the next refresh (monotonic) */
	char		 error[DOCK_MSG_MAX];	/* the daemon's, or "" */
};

struct app;
struct client_event;
struct local_target;
struct docker;

/* Find the daemon and list its Cog images (see above). */
void dock_init(struct app *app);
void dock_done(struct app *app);
/* A docker event: true when it was one of ours. */
bool dock_event(struct app *app, struct client_event *ev);
/* Config idle_stop (minutes, "" or NULL or "0": off). 0, or -1 with
 * err set when it is not a whole number of minutes (1 to 10080). */
int dock_set_idle_stop(struct app *app, const char *v, char *err,
    size_t errsz);
/* Timers: stop containers r8play started that stayed Idle idle_stop;
 * while the explorer is shown, ask the daemon's lists again every
 * DOCK_REFRESH_MS (one request at a time): images pulled or containers
 * started outside r8play appear, removed ones go (their entries stay for
 * the runs and pages that name them, unlisted), the selection stays on
 * its item. dock_due_ms(): when the next refresh is due (0: none). */
void dock_tick(struct app *app);
long long dock_due_ms(const struct app *app);
/* Ask the lists again now (after r8play started, stopped or pulled
 * something); once the lists in flight are in when they are. */
void dock_refresh(struct app *app);
/* Running containers r8play started. */
size_t dock_managed_running(const struct app *app);
/* Quit: true when the question about them is shown (OV_CONTAINERS). */
bool dock_ask_quit(struct app *app);
/* Stop (and remove) the containers r8play started; quit when done. */
void dock_stop_all(struct app *app, bool quit_after);
/* Start a container of Offline local idx (GPU unless refused before);
 * 0, or -1 with the reason in the target's error. */
int dock_boot(struct app *app, size_t idx);
/* The lifecycle state of a local target, and its name ("OFFLINE"...).
 * A server given by URL has the same words from its /health-check:
 * Booting (STARTING), Active (BUSY), Idle (READY), Offline (unreachable),
 * Failed (SETUP_FAILED, DEFUNCT); DOCK_NONE before its first answer. */
enum dock_state dock_state_of(const struct local_target *lt);
const char *dock_state_name(enum dock_state st);
/* "IDLE 3m" / "BOOTING 12s": the state and the time in it, into buf. */
void dock_state_text(const struct local_target *lt, char *buf, size_t n);
/* The same with the idle stop's countdown: "IDLE 3m, stops in 7m". */
void dock_state_text_of(const struct app *app, size_t idx, char *buf,
    size_t n);
/* The local target of image ref, or of the same image under another of
 * its names in ref's repository (aliases: its RepoTags and RepoDigests as
 * inspected, may be NULL): its index; else one added (Offline, with
 * schema), or -1 when the list is full. */
int dock_target_for(struct app *app, const char *ref, char *const *aliases,
    size_t naliases, const char *schema, const char *config,
    const char *cog_version);

/* ---- tui/dock_pull.c: L (pull, start, open) and the setup logs */
/* L on a Replicate model page: pull r8.im/OWNER/NAME@sha256:VERSION of
 * the page's version (registry rewritten), shown by OV_PULL; when pulled,
 * start it (as Ctrl-R on an Offline image) and open its playground. No
 * daemon, no version: said on the status line. */
void dock_pull_page(struct app *app);
/* Esc on OV_PULL: cancel the pull in flight, or close a finished one. */
void dock_pull_cancel(struct app *app);
/* A pull's or a log stream's event: true when it was one of these. */
bool dock_pull_event(struct app *app, struct client_event *ev);
/* Follow the logs of local idx's container while it boots; stop. */
void dock_log_follow(struct app *app, size_t idx);
void dock_log_stop(struct app *app, size_t idx);
/* Timers: stop following the logs of containers no longer Booting. */
void dock_log_tick(struct app *app);
/* Release the pull and the logs (dock_done). */
void dock_pull_done(struct app *app);
/* The i-th kept log line of local idx (0: oldest), or NULL. */
const char *dock_log_line(const struct app *app, size_t idx, size_t i);

#endif
