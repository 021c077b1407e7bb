/* tui/cli/session.c: see session.h. */
#include "tui/cli/session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"
#include "tui/cli/out.h"

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t sig_count;

/*
 * SIGINT/SIGTERM: one byte down the self-pipe, errno kept; the wait loops
 * see it with their other descriptors.
 */
static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	sig_count++;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0)
		(void)0;
	errno = saved;
}

int
session_signals_install(void)
{
	struct sigaction sa;
	int i;

	if (sig_pipe[0] >= 0)
		return 0;
	if (pipe(sig_pipe) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	sig_count = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void
session_signals_restore(void)
{
	if (sig_pipe[0] < 0)
		return;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
}

int
session_signal_fd(void)
{
	return sig_pipe[0];
}

unsigned
session_signal_count(void)
{
	return (unsigned)sig_count;
}

void
session_signals_drain(void)
{
	unsigned char b[64];

	if (sig_pipe[0] >= 0)
		while (read(sig_pipe[0], b, sizeof b) > 0)
			;
}

/* R8PLAY_* knobs for tests and slow links. */
static void
env_knobs(struct client_config *cc)
{
	const char *env;

	if ((env = getenv("R8PLAY_STREAM_STALL_MS")) != NULL)
		cc->stream_stall_ms = atol(env);
	if ((env = getenv("R8PLAY_POLL_MS")) != NULL)
		cc->poll_min_ms = atol(env);
	if ((env = getenv("R8PLAY_RETRY_MS")) != NULL)
		cc->retry_base_ms = atol(env);
	if ((env = getenv("R8PLAY_TIMEOUT_MS")) != NULL)
		cc->request_timeout_ms = atol(env);
}

int
session_open(struct session *s, const char *cmd,
    const struct session_opts *o)
{
	struct client_config cc;
	char err[CLIENT_ERR_MAX * 2];

	memset(s, 0, sizeof *s);
	s->cmd = cmd;
	if (config_load(&s->cfg, true, err, sizeof err) != CLIENT_OK) {
		out_err(cmd, "%s", err);
		return -1;
	}
	client_config_defaults(&cc);
	if (o->request_timeout_ms > 0)
		cc.request_timeout_ms = o->request_timeout_ms;
	env_knobs(&cc);
	cc.output_dir = o->output_dir != NULL ? o->output_dir :
	    s->cfg.output_dir;
	if (o->no_token) {
		cc.token = NULL;
	} else {
		cc.api_base = o->api_base != NULL ? o->api_base :
		    config_api_base(&s->cfg);
		cc.token = config_token(&s->cfg);
	}
	if (o->need_token && cc.token == NULL) {
		char path[CONFIG_MAX_PATH];

		if (config_path(path, sizeof path, err, sizeof err) != 0)
			snprintf(path, sizeof path, "the config file");
		out_err(cmd, "no API token: set REPLICATE_API_TOKEN or put "
		    "`token = ...` in %s (mode 0600); without one, `r8play "
		    "models --offline` lists the catalogue built into r8play "
		    "and `r8play run --local URL` runs on a Cog server", path);
		return -1;
	}
	s->c = client_new(&cc, err, sizeof err);
	if (s->c == NULL) {
		out_err(cmd, "%s", err);
		return -1;
	}
	return 0;
}

void
session_got_free(struct session *s)
{
	struct client_event *g = &s->got;

	replicate_model_page_free(g->models);
	replicate_model_free(g->model);
	replicate_collection_page_free(g->collections);
	replicate_collection_free(g->collection);
	replicate_version_page_free(g->versions);
	replicate_version_free(g->version);
	replicate_prediction_page_free(g->predictions);
	prediction_free(g->prediction);
	replicate_hardware_free(g->hardware);
	replicate_account_free(g->account);
	replicate_file_free(g->file);
	client_saved_free(g->saved);
	free(g->body);
	if (g->data != NULL && g->data_free != NULL)
		g->data_free(g->data);
	memset(g, 0, sizeof *g);
}

void
session_close(struct session *s)
{
	session_got_free(s);
	client_free(s->c);
	s->c = NULL;
	config_done(&s->cfg);
}

#define SESSION_TICK_MS	250	/* retry countdown redraws */

/* Keep the event's payloads: the client frees what is left. */
static void
take(struct session *s, struct client_event *ev)
{
	s->got = *ev;
	ev->models = NULL;
	ev->model = NULL;
	ev->collections = NULL;
	ev->collection = NULL;
	ev->versions = NULL;
	ev->version = NULL;
	ev->predictions = NULL;
	ev->prediction = NULL;
	ev->hardware = NULL;
	ev->account = NULL;
	ev->file = NULL;
	ev->saved = NULL;
	ev->body = NULL;
	ev->data = NULL;
	s->got.err = NULL;
	if (ev->kind == CLIENT_EV_ERROR)
		client_emit_error(s->err, sizeof s->err, ev->rc, ev->err,
		    NULL);
	else if (ev->err != NULL)
		snprintf(s->err, sizeof s->err, "%s", ev->err);
	s->done = true;
}

/* Erase the retry countdown line. */
static void
retry_clear(struct session *s)
{
	if (!s->retry_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	s->retry_shown = false;
}

/*
 * Say a pending retry (HTTP 429 and its Retry-After, 5xx backoff): on a
 * terminal one countdown line rewritten in place and erased when the
 * client waits for nothing; in a pipe one line per wait.
 */
static void
retry_show(struct session *s, bool tty)
{
	char why[256];
	long left = 0;

	if (!client_retry_wait(s->c, why, sizeof why, &left)) {
		retry_clear(s);
		return;
	}
	if (!tty) {
		if (strcmp(why, s->retry_said) == 0)
			return;
		snprintf(s->retry_said, sizeof s->retry_said, "%s", why);
		fprintf(stderr, "r8play %s: ", s->cmd);
		out_flat(stderr, why);
		fprintf(stderr, ": next try in %ld s\n", (left + 999) / 1000);
		fflush(stderr);
		return;
	}
	fputs("\r\033[K", stderr);
	fprintf(stderr, "r8play %s: ", s->cmd);
	out_flat(stderr, why);
	fprintf(stderr, ": next try in %ld s", (left + 999) / 1000);
	fflush(stderr);
	s->retry_shown = true;
}

/* Monotonic milliseconds (wall-clock jumps do not end a wait early). */
static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The client's callback: progress of the awaited request goes to the
 * caller's hook; its end is taken into s->got (take).
 */
static void
on_event(struct client_event *ev, void *arg)
{
	struct session *s = arg;

	if (ev->id != s->waiting)
		return;
	retry_clear(s);
	if (ev->kind == CLIENT_EV_PROGRESS) {
		if (s->on_progress != NULL)
			s->on_progress(ev, s->progress_arg);
		return;
	}
	take(s, ev);
}

/* client_run_until's stop test: the awaited request ended. */
static bool
is_done(void *arg)
{
	return ((struct session *)arg)->done;
}

/*
 * Pump the client until the awaited request ends (0), timeout_ms passes
 * (-1: never) or, when interruptible, Ctrl-C comes (1). A pending retry is
 * said once a second (retry_show). Returns 0, 1, or -1 with s->err set.
 */
static int
wait_loop(struct session *s, int timeout_ms, bool interruptible)
{
	struct pollfd pfd = { sig_pipe[0], POLLIN, 0 };
	bool tty = isatty(STDERR_FILENO);
	long long end = timeout_ms >= 0 ? mono_ms() + timeout_ms : -1;
	enum client_rc rc;
	int slice;

	for (;;) {
		pfd.revents = 0;
		/* wake each second: a retry wait is said, with a countdown */
		{
			long long left = end >= 0 ? end - mono_ms() : -1;

			if (end >= 0 && left < 0)
				left = 0;
			slice = left >= 0 && left < SESSION_TICK_MS ?
			    (int)left : SESSION_TICK_MS;
		}
		rc = client_run_until(s->c, is_done, s, on_event, s,
		    sig_pipe[0] >= 0 ? &pfd : NULL, sig_pipe[0] >= 0 ? 1 : 0,
		    slice, s->err, sizeof s->err);
		if (s->done)
			return 0;
		if (rc == CLIENT_ETIMEOUT && (end < 0 || mono_ms() < end)) {
			s->err[0] = '\0';
			retry_show(s, tty);
			continue;
		}
		if (rc != CLIENT_OK) {
			s->wait_rc = rc;
			return -1;
		}
		if (pfd.revents != 0) {
			session_signals_drain();
			if (interruptible)
				return 1;
			s->sigint = true;	/* acted on at the next chance */
		}
	}
}

int
session_wait(struct session *s, unsigned id, int timeout_ms,
    bool interruptible)
{
	int rc;

	session_got_free(s);
	s->waiting = id;
	s->done = false;
	s->err[0] = '\0';
	if (interruptible && s->sigint)
		return 1;
	rc = wait_loop(s, timeout_ms, interruptible);
	retry_clear(s);
	return rc;
}

enum client_rc
session_rc(const struct session *s)
{
	return s->got.kind == CLIENT_EV_ERROR ? s->got.rc : CLIENT_OK;
}
