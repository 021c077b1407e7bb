/*
 * tui/cli/local_op.c: the request loop under `r8play local` and `r8play
 * run --image` (tui/cli/local_op.h): one context per command, one wait
 * per request, Ctrl-C through the session's self-pipe (tui/cli/session.h),
 * plus the three steps both commands take: pull, wait for READY, discard.
 */
#include "tui/cli/local_op.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/net/config.h"
#include "tui/cli/cli.h"
#include "tui/cli/out.h"
#include "tui/cli/session.h"

long long
local_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The daemon's handle with config registry (R8PLAY_REGISTRY, which
 * docker_new() prefers, aside; a config that does not load is the
 * session's to report: here it only has no registry). */
static struct docker *
new_docker(struct client *c, char *err, size_t errsz)
{
	struct docker_config dc;
	struct config conf;
	struct docker *d;
	char e[CLIENT_ERR_MAX];

	memset(&dc, 0, sizeof dc);
	memset(&conf, 0, sizeof conf);
	if (config_load(&conf, true, e, sizeof e) == CLIENT_OK)
		dc.registry = conf.registry;
	d = docker_new(c, &dc, err, errsz);
	config_done(&conf);
	return d;
}

int
local_ctx_open(struct local_ctx *x, const char *cmd)
{
	struct client_config cfg;
	char err[CLIENT_ERR_MAX];

	memset(x, 0, sizeof *x);
	x->cmd = cmd;
	if (session_signals_install() != 0) {
		out_err(cmd, "pipe: %s", strerror(errno));
		return CLI_FAIL;
	}
	client_config_defaults(&cfg);	/* no token: nothing here needs it */
	x->c = client_new(&cfg, err, sizeof err);
	if (x->c != NULL)
		x->d = new_docker(x->c, err, sizeof err);
	if (x->c == NULL || x->d == NULL) {
		out_err(cmd, "%s", err);
		client_free(x->c);
		x->c = NULL;
		session_signals_restore();
		return CLI_FAIL;
	}
	return 0;
}

void
local_ctx_close(struct local_ctx *x)
{
	docker_free(x->d);
	client_free(x->c);
	x->d = NULL;
	x->c = NULL;
	session_signals_restore();
}

/* A pull's progress line: one line rewritten in place on a terminal. */
static void
show_pull_progress(const struct local_wait *w,
    const struct docker_result *r)
{
	const struct docker_pull_progress *p;

	if (!w->progress_tty || r == NULL || r->pull == NULL)
		return;
	p = r->pull;
	fprintf(stderr, "\r\033[Kpulling %.60s: %u/%u layers, %.1f/%.1f MB",
	    w->ref, p->layers_done, p->n_layers, (double)p->bytes_done / 1e6,
	    (double)p->bytes_total / 1e6);
	fflush(stderr);
}

/* The client's callback: the end of w's request takes its result. */
static void
on_event(struct client_event *ev, void *arg)
{
	struct local_wait *w = arg;

	if (ev->id != w->id)
		return;
	if (ev->kind == CLIENT_EV_PROGRESS) {
		show_pull_progress(w, ev->data);
		return;
	}
	w->done = true;
	w->rc = ev->rc;
	client_emit_error(w->err, sizeof w->err, ev->rc, ev->err, NULL);
	if (ev->req == CLIENT_REQ_DOCKER) {
		w->res = ev->data;
		ev->data = NULL;
	} else if (ev->req == CLIENT_REQ_COG && ev->kind == CLIENT_EV_DONE) {
		w->health = ev->data;
		ev->data = NULL;
	}
}

static bool
wait_done(void *arg)
{
	const struct local_wait *w = arg;

	return w->done || w->x->interrupted;
}

enum client_rc
local_pump(struct local_ctx *x, struct local_wait *w, int timeout_ms,
    char *err, size_t errsz)
{
	struct pollfd pfd = { session_signal_fd(), POLLIN, 0 };
	enum client_rc rc;

	w->x = x;
	for (;;) {
		pfd.revents = 0;
		rc = client_run_until(x->c, wait_done, w, on_event, w,
		    pfd.fd >= 0 ? &pfd : NULL, pfd.fd >= 0 ? 1 : 0,
		    timeout_ms, err, errsz);
		if (rc != CLIENT_OK || w->done || x->interrupted)
			return rc;
		if (pfd.revents != 0) {
			session_signals_drain();
			x->interrupted = true;
			return CLIENT_OK;
		}
	}
}

int
local_op_run(struct local_ctx *x, struct local_wait *w, unsigned id,
    const char *err0, int timeout_ms)
{
	char err[CLIENT_ERR_MAX];
	enum client_rc rc;

	if (id == 0) {
		out_err(x->cmd, "%s", err0);
		return 1;
	}
	w->id = id;
	rc = local_pump(x, w, timeout_ms, err, sizeof err);
	if (x->interrupted && !w->done) {
		client_cancel(x->c, id);
		return 130;
	}
	if (rc != CLIENT_OK) {
		client_cancel(x->c, id);
		snprintf(w->err, sizeof w->err, "%s", err);
		w->rc = rc;
		return 1;
	}
	return w->rc == CLIENT_OK ? 0 : 1;
}

void
local_wait_reset(struct local_wait *w)
{
	docker_result_free(w->res);
	cog_health_free(w->health);
	memset(w, 0, sizeof *w);
}

int
local_pull(struct local_ctx *x, const char *ref)
{
	char err[CLIENT_ERR_MAX];
	struct local_wait w;
	int st;

	memset(&w, 0, sizeof w);
	w.progress_tty = isatty(STDERR_FILENO);
	snprintf(w.ref, sizeof w.ref, "%s", ref);
	st = local_op_run(x, &w, docker_pull(x->d, ref, err, sizeof err), err,
	    -1);
	if (w.progress_tty)
		fputs("\r\033[K", stderr);
	if (st == 0 && w.res->pull != NULL)
		printf("%s %s%s%s%s\n", w.res->pull->up_to_date ?
		    "up to date:" : "pulled:", ref, w.res->pull->digest[0] ?
		    " (" : "", w.res->pull->digest, w.res->pull->digest[0] ?
		    ")" : "");
	else if (st == 1)
		out_err(x->cmd, "%s", w.err);
	else
		out_err(x->cmd, "pull interrupted");
	local_wait_reset(&w);
	return st;
}

void
local_discard(struct local_ctx *x, const char *id)
{
	char err[CLIENT_ERR_MAX];
	struct local_wait w;

	memset(&w, 0, sizeof w);
	(void)local_op_run(x, &w, docker_remove(x->d, id, true, err,
	    sizeof err), err, 30000);
	local_wait_reset(&w);
}

/*
 * One health answer: 0 ready (or busy: it got past setup), 1 failed for
 * good (msg says why), -1 not up yet.
 */
static int
health_verdict(const struct cog_health *h, char *msg, size_t msgsz)
{
	enum cog_health_state s = h->state;

	if (cog_health_can_predict(h) || s == COG_HEALTH_BUSY)
		return 0;
	if (s == COG_HEALTH_SETUP_FAILED || s == COG_HEALTH_DEFUNCT) {
		snprintf(msg, msgsz, "the model's setup failed (%s)%s%.400s",
		    cog_health_name(s), h->setup_logs ? ": " : "",
		    h->setup_logs ? h->setup_logs : "");
		return 1;
	}
	return -1;
}

int
local_wait_ready(struct local_ctx *x, const char *url, long timeout_s,
    char *msg, size_t msgsz)
{
	struct cog_config cc;
	struct cog *g;
	struct local_wait w;
	char err[CLIENT_ERR_MAX];
	long long end = local_now_ms() + timeout_s * 1000;
	int st = 1, v;

	memset(&cc, 0, sizeof cc);
	cc.base = url;
	g = cog_new(x->c, &cc, err, sizeof err);
	if (g == NULL) {
		snprintf(msg, msgsz, "%s", err);
		return 1;
	}
	snprintf(msg, msgsz, "timed out after %ld s waiting for READY",
	    timeout_s);
	while (local_now_ms() < end && !x->interrupted) {
		struct local_wait pause;

		memset(&w, 0, sizeof w);
		st = local_op_run(x, &w, cog_health_get(g, err, sizeof err),
		    err, 10000);
		if (st == 130)
			break;
		v = st == 0 && w.health != NULL ?
		    health_verdict(w.health, msg, msgsz) : -1;
		local_wait_reset(&w);
		if (v >= 0) {
			st = v;
			break;
		}
		/* not up yet (docker-proxy resets until Cog listens) */
		st = 1;
		memset(&pause, 0, sizeof pause);
		(void)local_pump(x, &pause, LOCAL_HEALTH_POLL_MS, err,
		    sizeof err);
	}
	if (x->interrupted)
		st = 130;
	cog_free(g);
	return st;
}
