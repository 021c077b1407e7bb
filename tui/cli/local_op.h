/*
 * tui/cli/local_op.h: what `r8play local` (tui/cli/local.c,
 * local_list.c) and `r8play run --image` (tui/cli/run_image.c) share:
 * one context per command run, and "start a Docker or Cog request and
 * wait for it" with Ctrl-C. Private to those files.
 *
 * Every function that fails says so itself with out_err() under x->cmd,
 * unless its comment says the message is handed back instead.
 */
#ifndef PG_TUI_CLI_LOCAL_OP_H
#define PG_TUI_CLI_LOCAL_OP_H

#include <stdbool.h>
#include <stddef.h>

#include "client/cog/cog.h"
#include "client/docker/docker.h"
#include "client/net/client.h"

#define LOCAL_READY_TIMEOUT_S	600	/* default wait for READY */
#define LOCAL_MAX_TIMEOUT_S	86400
#define LOCAL_HEALTH_POLL_MS	250
#define LOCAL_OP_TIMEOUT_MS	60000	/* list, inspect, stop, remove */
#define LOCAL_START_TIMEOUT_MS	120000	/* create + start + inspect */

/*
 * One command run. Owns the client and the Docker handle (local_ctx_open
 * makes them, local_ctx_close frees them) and holds what used to be
 * file-level state: who messages are said for and whether Ctrl-C came.
 */
struct local_ctx {
	struct client	*c;
	struct docker	*d;
	const char	*cmd;		/* "local" or "run" */
	bool		 interrupted;	/* Ctrl-C came (session pipe) */
};

/*
 * One request in flight and its outcome. The result (res or health) is
 * owned here until local_wait_reset(), which also zeroes the struct.
 */
struct local_wait {
	struct local_ctx *x;		/* set by local_pump() */
	unsigned	 id;
	bool		 done;
	enum client_rc	 rc;
	char		 err[CLIENT_ERR_MAX];
	struct docker_result *res;
	struct cog_health *health;
	bool		 progress_tty;	/* pull: progress line on stderr */
	char		 ref[DOCKER_MAX_REF];
};

/*
 * Install the session's SIGINT pipe and make the client and the Docker
 * handle (no token: nothing here needs it). 0, or CLI_FAIL with the
 * message said and nothing left installed.
 */
int local_ctx_open(struct local_ctx *x, const char *cmd);
/* Free what local_ctx_open made and restore the signals. */
void local_ctx_close(struct local_ctx *x);

/* Monotonic milliseconds (the READY wait and setup timings). */
long long local_now_ms(void);

/*
 * Pump the client until w is done, Ctrl-C came (x->interrupted set) or
 * timeout_ms passed (-1: no limit); client_run_until's code.
 */
enum client_rc local_pump(struct local_ctx *x, struct local_wait *w,
    int timeout_ms, char *err, size_t errsz);
/*
 * Run the request id (0: it did not start, err0 says why, printed here)
 * to its end: 0 ok, 1 failed (w->err holds why, not printed), 130
 * interrupted (the request cancelled).
 */
int local_op_run(struct local_ctx *x, struct local_wait *w, unsigned id,
    const char *err0, int timeout_ms);
/* Free w's result and zero w. */
void local_wait_reset(struct local_wait *w);

/* Pull ref, progress on stderr when it is a tty. 0, 1, 130 (said). */
int local_pull(struct local_ctx *x, const char *ref);
/* Remove a container we made and gave up on (best effort, silent). */
void local_discard(struct local_ctx *x, const char *id);
/*
 * Poll url's /health-check until READY, the setup failed or timeout_s
 * passed. 0, 1 (msg says why, not printed), 130.
 */
int local_wait_ready(struct local_ctx *x, const char *url, long timeout_s,
    char *msg, size_t msgsz);

/* `local images` and `local ps` (tui/cli/local_list.c). 0, 1, 130. */
int local_images(struct local_ctx *x, bool json);
int local_ps(struct local_ctx *x, bool json);

#endif
