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
#define DOCK_REFRESH_MS	3000	/* the lists again while the explorer shows */

enum dock_state {
	DOCK_NONE,		/* not known yet (a --local URL not asked) */
	DOCK_OFFLINE,
	DOCK_BOOTING,
	DOCK_ACTIVE,
	DOCK_IDLE,
	DOCK_FAILED
};

struct dock {
	struct docker	*d;		/* NULL: no daemon asked */
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

#endif
