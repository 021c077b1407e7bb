/*
 * client/project/dev.h: the Cog dev loop's supervisor. Serves a project
 * folder with the first of
 *   1. `cog serve -p PORT`            when `cog` is on PATH
 *   2. `python3 -m cog.server.http`   with PORT set, when the cog Python
 *                                     package is importable
 *   3. the configured serve_command   (run by /bin/sh, PORT set)
 * and says which (dev_how()). Watches the folder with inotify (*.py,
 * cog.yaml, requirements*) and restarts the server, debounced, when one
 * changes; a server that exits (a syntax error, a setup failure) stays down
 * until the next change. Its stdout and stderr go into a bounded ring.
 *
 * Non-blocking, for the TUI's poll loop: dev_pollfds() gives the fds to
 * watch, dev_timeout_ms() how long poll may sleep, and dev_step() does
 * whatever is due and hands back one event per call. Only dev_new() may
 * block, briefly, to ask python3 whether the cog package is there. The
 * server runs in its own process group; dev_free() stops it (SIGTERM, then
 * SIGKILL after DEV_KILL_MS). No globals, no printing; one struct dev per
 * project.
 */
#ifndef PG_CLIENT_PROJECT_DEV_H
#define PG_CLIENT_PROJECT_DEV_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DEV_RING_DEFAULT	(64 * 1024)	/* output bytes kept */
#define DEV_RING_MAX		(16 * 1024 * 1024)
#define DEV_DEBOUNCE_DEFAULT_MS	300
#define DEV_KILL_MS		3000	/* SIGTERM -> SIGKILL */
#define DEV_HOW_MAX		512
#define DEV_CMD_MAX		1024
#define DEV_NAME_MAX		256	/* a changed file's name */
#define DEV_MAX_POLLFDS		2
#define DEV_QUEUE		32	/* events pending */

enum dev_how {
	DEV_HOW_COG,		/* cog serve -p PORT */
	DEV_HOW_PYTHON,		/* python3 -m cog.server.http */
	DEV_HOW_COMMAND		/* serve_command */
};

struct dev_config {
	const char	*dir;		/* the project folder */
	unsigned	 port;		/* 0: a free port is picked */
	const char	*serve_command;	/* config serve_command, or NULL */
	const char	*path;		/* PATH to search; NULL: $PATH */
	unsigned	 debounce_ms;	/* 0: DEV_DEBOUNCE_DEFAULT_MS */
	size_t		 ring_bytes;	/* 0: DEV_RING_DEFAULT */
};

enum dev_event_kind {
	DEV_EV_STARTED,		/* pid: the server was spawned */
	DEV_EV_CHANGED,		/* name: a watched file changed */
	DEV_EV_RESTARTING,	/* the server is being stopped to restart */
	DEV_EV_EXITED,		/* status: the server ended (waitpid) */
	DEV_EV_OUTPUT,		/* new bytes in the output ring */
	DEV_EV_ERROR		/* text: spawning or watching failed */
};

struct dev_event {
	enum dev_event_kind kind;
	pid_t		 pid;
	int		 status;	/* waitpid status for EXITED */
	bool		 restart;	/* EXITED: stopped by us to restart */
	char		 text[DEV_NAME_MAX];	/* name or message */
};

struct dev;

/*
 * Choose how to serve cfg->dir (see above), pick the port and set up the
 * inotify watch; nothing is spawned yet. Returns a handle (dev_free()), or
 * NULL with err: no folder, no way to serve ("neither cog on PATH nor the
 * cog Python package, and no serve_command in the config"), inotify
 * failing.
 */
struct dev	*dev_new(const struct dev_config *cfg, char *err, size_t errsz);

/* Stop the server (SIGTERM to its group, SIGKILL after DEV_KILL_MS; this
 * one waits), close everything. dev_free(NULL) is a no-op. */
void		 dev_free(struct dev *d);

enum dev_how	 dev_how(const struct dev *d);
/* "cog serve -p 8393 (cog is /usr/local/bin/cog)": borrowed from d. */
const char	*dev_how_text(const struct dev *d);
unsigned	 dev_port(const struct dev *d);
/* pid of the running server, or 0. */
pid_t		 dev_pid(const struct dev *d);

/* Spawn the server now (the first start; later ones follow changes).
 * Returns 0 or -1 with err. Queues DEV_EV_STARTED. */
int		 dev_start(struct dev *d, char *err, size_t errsz);

/* Fill fds[] (at most DEV_MAX_POLLFDS) with what to poll for POLLIN: the
 * inotify fd and the server's output pipe. Returns how many. */
size_t		 dev_pollfds(const struct dev *d, struct pollfd *fds,
		    size_t max);

/* Milliseconds until dev_step() has timed work (debounce, kill, a check
 * on the child), or -1 when nothing is due. now_ms: a monotonic clock. */
int		 dev_timeout_ms(const struct dev *d, uint64_t now_ms);

/*
 * Do what is due (read inotify and output without blocking, reap the
 * server, restart after the debounce, escalate to SIGKILL) and return the
 * next event: 1 with *ev filled, 0 when none is pending. Call it after
 * poll() returns (whatever it says) until it returns 0.
 */
int		 dev_step(struct dev *d, uint64_t now_ms, struct dev_event *ev);

/*
 * Copy output from byte position *pos (0 at the start; every byte the
 * server ever wrote has a position) into buf, advancing *pos. Bytes that
 * already left the ring are skipped: *lost (if non-NULL) says how many.
 * Returns the bytes copied.
 */
size_t		 dev_output_read(const struct dev *d, uint64_t *pos, char *buf,
		    size_t bufsz, uint64_t *lost);

/* Does a changed file's name concern the server? (*.py, cog.yaml,
 * requirements*) */
bool		 dev_watch_match(const char *name);

#endif
