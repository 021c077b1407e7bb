/*
 * tui/cli/local.c: `r8play local ...`, Cog models in the local Docker
 * Engine from the command line (client/docker/docker.h does the talking):
 *   local images [--json]          Cog images here, with their label schema
 *   local ps [--json]              containers of Cog images, ours and others'
 *   local pull REF                 pull (progress on stderr when a tty)
 *   local start REF [--gpus all|none|N|ID,...] [--port N] [--name NAME]
 *               [--timeout S] [--json]
 *                                  create+start, wait for READY, print the URL
 *   local stop ID|all              stop (and remove, when r8play started it)
 *   run --image REF [--gpus G] [--keep] ...   start or reuse, run, stop
 * Exit status: 0 ok, 1 failed, 2 usage, 130 interrupted. Names, states
 * and messages from the daemon are untrusted: they reach the terminal
 * through tui/cli/out.h. Ctrl-C comes through the session's self-pipe
 * (tui/cli/session.h).
 */
#include "tui/cli/local.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/cog/cog.h"
#include "client/docker/docker.h"
#include "client/net/client.h"
#include "tui/cli/cli.h"
#include "tui/cli/image_args.h"
#include "tui/cli/out.h"
#include "tui/cli/run_local.h"
#include "tui/cli/session.h"

#define LOCAL_READY_TIMEOUT_S	600	/* default wait for READY */
#define LOCAL_MAX_TIMEOUT_S	86400
#define LOCAL_HEALTH_POLL_MS	250

extern const struct cli_cmd cli_cmd_local;

/* Set when Ctrl-C arrived through the session's pipe (not a handler). */
static bool interrupted;
/* The command messages are said for: "local" or "run". */
static const char *cmd_name = "local";


static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Text for a terminal column: untrusted, "-" when absent. */
static const char *
clean(const char *s, char *buf, size_t n)
{
	return out_safe_str(s != NULL ? s : "-", buf, n);
}

struct wait {
	unsigned id;
	bool	 done;
	enum client_rc rc;
	char	 err[CLIENT_ERR_MAX];
	struct docker_result *res;
	struct cog_health *health;
	bool	 progress_tty;
	char	 ref[DOCKER_MAX_REF];
};

static void
on_event(struct client_event *ev, void *arg)
{
	struct wait *w = arg;
	struct docker_result *r;

	if (ev->id != w->id)
		return;
	if (ev->kind == CLIENT_EV_PROGRESS) {
		r = ev->data;
		if (w->progress_tty && r != NULL && r->pull != NULL) {
			const struct docker_pull_progress *p = r->pull;

			fprintf(stderr, "\r\033[Kpulling %.60s: %u/%u layers, "
			    "%.1f/%.1f MB", w->ref, p->layers_done,
			    p->n_layers, (double)p->bytes_done / 1e6,
			    (double)p->bytes_total / 1e6);
			fflush(stderr);
		}
		return;
	}
	w->done = true;
	w->rc = ev->rc;
	snprintf(w->err, sizeof w->err, "%s", ev->err ? ev->err :
	    client_strerror(ev->rc));
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
	return ((struct wait *)arg)->done || interrupted;
}

/*
 * Pump the client until w is done, Ctrl-C came (interrupted set) or
 * timeout_ms passed; client_run_until's code.
 */
static enum client_rc
pump(struct client *c, struct wait *w, int timeout_ms, char *err,
    size_t errsz)
{
	struct pollfd pfd = { session_signal_fd(), POLLIN, 0 };
	enum client_rc rc;

	for (;;) {
		pfd.revents = 0;
		rc = client_run_until(c, wait_done, w, on_event, w,
		    pfd.fd >= 0 ? &pfd : NULL, pfd.fd >= 0 ? 1 : 0,
		    timeout_ms, err, errsz);
		if (rc != CLIENT_OK || w->done || interrupted)
			return rc;
		if (pfd.revents != 0) {
			session_signals_drain();
			interrupted = true;
			return CLIENT_OK;
		}
	}
}

/* Run one operation to its end. 0 ok, 1 failed (message printed), 130. */
static int
run_op(struct client *c, struct wait *w, unsigned id, const char *err0,
    int timeout_ms)
{
	char err[CLIENT_ERR_MAX];
	enum client_rc rc;

	if (id == 0) {
		out_err(cmd_name, "%s", err0);
		return 1;
	}
	w->id = id;
	rc = pump(c, w, timeout_ms, err, sizeof err);
	if (interrupted && !w->done) {
		client_cancel(c, id);
		return 130;
	}
	if (rc != CLIENT_OK) {
		client_cancel(c, id);
		snprintf(w->err, sizeof w->err, "%s", err);
		w->rc = rc;
		return 1;
	}
	return w->rc == CLIENT_OK ? 0 : 1;
}

static void
wait_reset(struct wait *w)
{
	docker_result_free(w->res);
	cog_health_free(w->health);
	memset(w, 0, sizeof *w);
}

static struct client *
new_client(struct docker **d)
{
	struct client_config cfg;
	struct client *c;
	char err[CLIENT_ERR_MAX];

	client_config_defaults(&cfg);	/* no token: nothing here needs it */
	c = client_new(&cfg, err, sizeof err);
	if (c == NULL) {
		out_err(cmd_name, "%s", err);
		return NULL;
	}
	*d = docker_new(c, NULL, err, sizeof err);
	if (*d == NULL) {
		out_err(cmd_name, "%s", err);
		client_free(c);
		return NULL;
	}
	return c;
}

static void
fmt_size(long long b, char *buf, size_t n)
{
	if (b >= 1000LL * 1000 * 1000)
		snprintf(buf, n, "%.1fGB", (double)b / 1e9);
	else
		snprintf(buf, n, "%.1fMB", (double)b / 1e6);
}

static int
local_images(struct client *c, struct docker *d, bool json)
{
	char err[CLIENT_ERR_MAX], a[128], b[32], s[16];
	struct wait w;
	size_t i, k;
	int st;

	memset(&w, 0, sizeof w);
	st = run_op(c, &w, docker_images(d, err, sizeof err), err, 60000);
	if (st != 0) {
		if (st == 1)
			out_err(cmd_name, "%s", w.err);
		wait_reset(&w);
		return st;
	}
	if (!json)
		printf("%-60s %-8s %-12s %s\n", "IMAGE", "COG", "ID", "SIZE");
	else
		fputc('[', stdout);
	for (i = 0; i < w.res->images->n; i++) {
		const struct docker_image *im = &w.res->images->items[i];
		const char *h = im->id && strncmp(im->id, "sha256:", 7) == 0 ?
		    im->id + 7 : im->id ? im->id : "";

		if (json) {
			printf("%s{\"id\":", i ? "," : "");
			out_json_str(stdout, im->id);
			printf(",\"ref\":");
			out_json_str(stdout, im->ref);
			printf(",\"tags\":[");
			for (k = 0; k < im->n_tags; k++) {
				if (k)
					fputc(',', stdout);
				out_json_str(stdout, im->tags[k]);
			}
			printf("],\"cog_version\":");
			out_json_str(stdout, im->cog_version);
			printf(",\"created\":%lld,\"size\":%lld,"
			    "\"has_schema\":%s,\"config\":", im->created,
			    im->size, im->schema ? "true" : "false");
			out_json_str(stdout, im->config);
			fputc('}', stdout);
			continue;
		}
		fmt_size(im->size, s, sizeof s);
		printf("%-60s %-8s %-12.12s %s\n", clean(im->ref, a, sizeof a),
		    clean(im->cog_version, b, sizeof b), h, s);
	}
	if (json)
		puts("]");
	wait_reset(&w);
	return 0;
}

static int
local_ps(struct client *c, struct docker *d, bool json)
{
	char err[CLIENT_ERR_MAX], a[64], b[128], s[32], u[40];
	struct wait w;
	size_t i;
	int st;

	memset(&w, 0, sizeof w);
	st = run_op(c, &w, docker_containers(d, err, sizeof err), err, 60000);
	if (st != 0) {
		if (st == 1)
			out_err(cmd_name, "%s", w.err);
		wait_reset(&w);
		return st;
	}
	if (!json)
		printf("%-12s %-24s %-40s %-10s %-24s %s\n", "ID", "NAME",
		    "IMAGE", "STATE", "URL", "OWNER");
	else
		fputc('[', stdout);
	for (i = 0; i < w.res->containers->n; i++) {
		const struct docker_container *ct =
		    &w.res->containers->items[i];

		if (json) {
			printf("%s{\"id\":", i ? "," : "");
			out_json_str(stdout, ct->id);
			printf(",\"name\":");
			out_json_str(stdout, ct->name);
			printf(",\"image\":");
			out_json_str(stdout, ct->image);
			printf(",\"state\":");
			out_json_str(stdout, ct->state);
			printf(",\"status\":");
			out_json_str(stdout, ct->status);
			printf(",\"url\":");
			out_json_str(stdout, ct->url);
			printf(",\"port\":%d,\"r8play\":%s,\"gpus\":",
			    ct->host_port, ct->managed ? "true" : "false");
			out_json_str(stdout, ct->gpus);
			fputc('}', stdout);
			continue;
		}
		printf("%-12.12s %-24s %-40s %-10s %-24s %s\n", ct->id,
		    clean(ct->name, a, sizeof a), clean(ct->image, b,
		    sizeof b), clean(ct->state, s, sizeof s),
		    clean(ct->url, u, sizeof u), ct->managed ? "r8play" :
		    "other");
	}
	if (json)
		puts("]");
	wait_reset(&w);
	return 0;
}

static int
local_pull(struct client *c, struct docker *d, const char *ref)
{
	char err[CLIENT_ERR_MAX];
	struct wait w;
	int st;

	memset(&w, 0, sizeof w);
	w.progress_tty = isatty(STDERR_FILENO);
	snprintf(w.ref, sizeof w.ref, "%s", ref);
	st = run_op(c, &w, docker_pull(d, ref, err, sizeof err), err, -1);
	if (w.progress_tty)
		fputs("\r\033[K", stderr);
	if (st == 0 && w.res->pull != NULL)
		printf("%s %s%s%s%s\n", w.res->pull->up_to_date ?
		    "up to date:" : "pulled:", ref, w.res->pull->digest[0] ?
		    " (" : "", w.res->pull->digest, w.res->pull->digest[0] ?
		    ")" : "");
	else if (st == 1)
		out_err(cmd_name, "%s", w.err);
	else
		out_err(cmd_name, "pull interrupted");
	wait_reset(&w);
	return st;
}

/* Remove a container we made and gave up on (best effort). */
static void
discard(struct client *c, struct docker *d, const char *id)
{
	char err[CLIENT_ERR_MAX];
	struct wait w;

	memset(&w, 0, sizeof w);
	(void)run_op(c, &w, docker_remove(d, id, true, err, sizeof err), err,
	    30000);
	wait_reset(&w);
}

/* Poll /health-check until READY. 0, 1 (w->err), 130. */
static int
wait_ready(struct client *c, const char *url, long timeout_s, char *msg,
    size_t msgsz)
{
	struct cog_config cc;
	struct cog *g;
	struct wait w;
	char err[CLIENT_ERR_MAX];
	long long end = now_ms() + timeout_s * 1000;
	int st = 1;

	memset(&cc, 0, sizeof cc);
	cc.base = url;
	g = cog_new(c, &cc, err, sizeof err);
	if (g == NULL) {
		snprintf(msg, msgsz, "%s", err);
		return 1;
	}
	snprintf(msg, msgsz, "timed out after %ld s waiting for READY",
	    timeout_s);
	while (now_ms() < end && !interrupted) {
		struct wait pause;

		memset(&w, 0, sizeof w);
		st = run_op(c, &w, cog_health_get(g, err, sizeof err), err,
		    10000);
		if (st == 130)
			break;
		if (st == 0 && w.health != NULL) {
			enum cog_health_state s = w.health->state;

			if (cog_health_can_predict(w.health) ||
			    s == COG_HEALTH_BUSY) {
				wait_reset(&w);
				st = 0;
				break;
			}
			if (s == COG_HEALTH_SETUP_FAILED ||
			    s == COG_HEALTH_DEFUNCT) {
				snprintf(msg, msgsz, "the model's setup "
				    "failed (%s)%s%.400s", cog_health_name(s),
				    w.health->setup_logs ? ": " : "",
				    w.health->setup_logs ?
				    w.health->setup_logs : "");
				wait_reset(&w);
				st = 1;
				break;
			}
		}
		/* not up yet (docker-proxy resets until Cog listens) */
		wait_reset(&w);
		st = 1;
		memset(&pause, 0, sizeof pause);
		(void)pump(c, &pause, LOCAL_HEALTH_POLL_MS, err, sizeof err);
	}
	if (interrupted)
		st = 130;
	cog_free(g);
	return st;
}

static int
local_start(struct client *c, struct docker *d, const struct cli_args *a)
{
	struct docker_start_opts so;
	char err[CLIENT_ERR_MAX], msg[1024], id[DOCKER_MAX_ID];
	const char *ref = a->operands[1], *v;
	long timeout_s = LOCAL_READY_TIMEOUT_S;
	long long t_setup;
	bool json = cli_flag(a, "--json");
	struct wait w;
	int st;

	memset(&so, 0, sizeof so);
	if ((v = cli_value(a, "--gpus")) != NULL &&
	    docker_gpus_parse(v, &so.gpus, err, sizeof err) != 0)
		return cli_usage_error(a->cmd, "--gpus: %s", err);
	if ((v = cli_value(a, "--port")) != NULL) {
		char *end;
		long p;

		errno = 0;
		p = strtol(v, &end, 10);
		if (*end != '\0' || errno != 0 || p < 1 || p > 65535)
			return cli_usage_error(a->cmd, "--port takes 1 to "
			    "65535");
		so.host_port = (int)p;
	}
	so.name = cli_value(a, "--name");
	if ((v = cli_value(a, "--timeout")) != NULL) {
		char *end;

		errno = 0;
		timeout_s = strtol(v, &end, 10);
		if (*end != '\0' || errno != 0 || timeout_s <= 0 ||
		    timeout_s > LOCAL_MAX_TIMEOUT_S)
			return cli_usage_error(a->cmd, "--timeout takes 1 to "
			    "%d seconds", LOCAL_MAX_TIMEOUT_S);
	}
	so.image = ref;
	memset(&w, 0, sizeof w);
	st = run_op(c, &w, docker_start(d, &so, err, sizeof err), err, 120000);
	if (st != 0) {
		if (st == 1)
			out_err(cmd_name, "%s", w.err);
		wait_reset(&w);
		return st;
	}
	snprintf(id, sizeof id, "%s", w.res->container->id);
	if (w.res->container->url == NULL) {
		out_err(cmd_name, "the container has no port on 127.0.0.1");
		discard(c, d, id);
		wait_reset(&w);
		return 1;
	}
	t_setup = now_ms();
	st = wait_ready(c, w.res->container->url, timeout_s, msg, sizeof msg);
	t_setup = now_ms() - t_setup;
	if (st != 0) {
		if (st == 1)
			out_err(cmd_name, "%s: %s", ref, msg);
		discard(c, d, id);
		wait_reset(&w);
		return st;
	}
	if (json) {
		printf("{\"id\":");
		out_json_str(stdout, w.res->container->id);
		printf(",\"name\":");
		out_json_str(stdout, w.res->container->name);
		printf(",\"url\":");
		out_json_str(stdout, w.res->container->url);
		printf(",\"image\":");
		out_json_str(stdout, ref);
		printf(",\"port\":%d,\"gpus\":", w.res->container->host_port);
		out_json_str(stdout, w.res->container->gpus);
		printf(",\"ms\":{\"create\":%ld,\"start\":%ld,\"inspect\":%ld,"
		    "\"setup\":%lld}}\n", w.res->ms_create, w.res->ms_start,
		    w.res->ms_inspect, t_setup);
	} else
		printf("%s %.12s\n", w.res->container->url, id);
	wait_reset(&w);
	return 0;
}

/* Stop one container; remove it when r8play started it. */
static int
stop_one(struct client *c, struct docker *d, const char *id, bool managed)
{
	char err[CLIENT_ERR_MAX];
	struct wait w;
	int st;

	memset(&w, 0, sizeof w);
	st = run_op(c, &w, docker_stop(d, id, err, sizeof err), err, 60000);
	if (st == 0 && managed) {
		wait_reset(&w);
		st = run_op(c, &w, docker_remove(d, id, true, err, sizeof err),
		    err, 60000);
	}
	if (st == 0)
		printf("%s %.12s\n", managed ? "removed" : "stopped", id);
	else if (st == 1)
		out_err(cmd_name, "%s", w.err);
	wait_reset(&w);
	return st;
}

static int
local_stop(struct client *c, struct docker *d, const char *what)
{
	char err[CLIENT_ERR_MAX];
	struct wait w;
	size_t i;
	int st, worst = 0;

	memset(&w, 0, sizeof w);
	if (strcmp(what, "all") == 0) {
		unsigned n = 0;

		st = run_op(c, &w, docker_containers(d, err, sizeof err), err,
		    60000);
		if (st != 0) {
			if (st == 1)
				out_err(cmd_name, "%s", w.err);
			wait_reset(&w);
			return st;
		}
		/* all of r8play's; others' are left alone */
		for (i = 0; i < w.res->containers->n && !interrupted; i++) {
			const struct docker_container *ct =
			    &w.res->containers->items[i];

			if (!ct->managed)
				continue;
			n++;
			st = stop_one(c, d, ct->id, true);
			if (st > worst)
				worst = st;
		}
		if (n == 0)
			out_err(cmd_name, "no container of r8play's");
		wait_reset(&w);
		return interrupted ? 130 : worst;
	}
	st = run_op(c, &w, docker_inspect(d, what, err, sizeof err), err,
	    60000);
	if (st != 0) {
		if (st == 1)
			out_err(cmd_name, "%s", w.err);
		wait_reset(&w);
		return st;
	}
	{
		char id[DOCKER_MAX_ID];
		bool managed = w.res->container->managed;

		snprintf(id, sizeof id, "%s", w.res->container->id);
		wait_reset(&w);
		return stop_one(c, d, id, managed);
	}
}

/* The verbs and what each takes: operands after the verb, options. */
static const struct local_verb {
	const char *name;
	int	 nargs;		/* operands after the verb */
	bool	 json, start;	/* --json allowed; start's options */
} local_verbs[] = {
	{ "images", 0, true, false },
	{ "ps", 0, true, false },
	{ "pull", 1, false, false },
	{ "start", 1, true, true },
	{ "stop", 1, false, false },
};

static int
local_run(const struct cli_args *a)
{
	const struct local_verb *vb = NULL;
	const char *sub = a->operands[0];
	struct docker *d = NULL;
	struct client *c;
	size_t i;
	int st;

	cmd_name = "local";
	interrupted = false;
	for (i = 0; i < sizeof local_verbs / sizeof local_verbs[0]; i++)
		if (strcmp(sub, local_verbs[i].name) == 0)
			vb = &local_verbs[i];
	if (vb == NULL)
		return cli_usage_error(a->cmd, "unknown verb \"%s\" (images, "
		    "ps, pull, start, stop)", sub);
	if (a->noperands != (size_t)vb->nargs + 1)
		return cli_usage_error(a->cmd, vb->nargs == 0 ? "%s takes no "
		    "operand" : "%s takes one operand", sub);
	if (!vb->json && cli_flag(a, "--json"))
		return cli_usage_error(a->cmd, "%s has no --json", sub);
	if (!vb->start)
		for (i = 0; i < a->nargs; i++)
			if (!cli_is(&a->args[i], "--json"))
				return cli_usage_error(a->cmd, "%s is for "
				    "local start", a->args[i].opt->name);
	if (session_signals_install() != 0) {
		out_err(cmd_name, "pipe: %s", strerror(errno));
		return CLI_FAIL;
	}
	c = new_client(&d);
	if (c == NULL) {
		session_signals_restore();
		return CLI_FAIL;
	}
	if (strcmp(sub, "images") == 0)
		st = local_images(c, d, cli_flag(a, "--json"));
	else if (strcmp(sub, "ps") == 0)
		st = local_ps(c, d, cli_flag(a, "--json"));
	else if (strcmp(sub, "pull") == 0)
		st = local_pull(c, d, a->operands[1]);
	else if (strcmp(sub, "start") == 0)
		st = local_start(c, d, a);
	else
		st = local_stop(c, d, a->operands[1]);
	docker_free(d);
	client_free(c);
	session_signals_restore();
	return st;
}

static const struct cli_opt local_opts[] = {
	{ "--gpus", "all|none|N|ID,...", "start: the GPUs the container "
	    "gets (default none)", 0, CLI_COMP_WORDS, "all none" },
	{ "--port", "N", "start: the port on 127.0.0.1 (default: any free)",
	    0, CLI_COMP_NONE, NULL },
	{ "--name", "NAME", "start: the container's name", 0, CLI_COMP_NONE,
	    NULL },
	{ "--timeout", "S", "start: wait up to S seconds for READY (default "
	    "600)", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_JSON,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_local = {
	"local", "images|ps|pull REF|start REF|stop ID|all", 1, 2,
	CLI_COMP_NONE,
	"Cog models in the local Docker Engine",
	"`local images` lists the Cog images here with their Cog version; "
	"`local ps` the containers of Cog images, r8play's and others'; "
	"`local pull REF` pulls an image (progress on stderr when it is a "
	"terminal); `local start REF` creates and starts a container, waits "
	"for READY and prints its URL and id; `local stop ID|all` stops a "
	"container and removes it when r8play started it (all: every one of "
	"r8play's). `r8play run --image REF` does it all for one prediction. "
	"The Docker Engine is $DOCKER_HOST, else /var/run/docker.sock. Exit "
	"status: 0 ok, 1 failed, 2 usage, 130 interrupted.",
	local_opts, local_run
};

/* A running container of ref that r8play started: its id, URL and
 * network gateway ("" when none). */
static bool
find_running(struct client *c, struct docker *d, const char *ref, char *id,
    size_t idn, char *url, size_t urln, char *gw, size_t gwn)
{
	char err[CLIENT_ERR_MAX];
	struct wait w;
	bool found = false;
	size_t i;

	memset(&w, 0, sizeof w);
	if (run_op(c, &w, docker_containers(d, err, sizeof err), err,
	    60000) == 0)
		for (i = 0; i < w.res->containers->n && !found; i++) {
			const struct docker_container *ct =
			    &w.res->containers->items[i];

			if (ct->managed && ct->url != NULL && ct->image &&
			    strcmp(ct->image, ref) == 0 && ct->state &&
			    strcmp(ct->state, "running") == 0) {
				snprintf(id, idn, "%s", ct->id);
				snprintf(url, urln, "%s", ct->url);
				snprintf(gw, gwn, "%s", ct->gateway ?
				    ct->gateway : "");
				found = true;
			}
		}
	wait_reset(&w);
	return found;
}

int
run_image(const struct cli_args *a)
{
	struct docker_start_opts so;
	struct docker *d = NULL;
	struct cli_args *b = NULL;
	struct client *c;
	struct wait w;
	char err[CLIENT_ERR_MAX], msg[1024], id[DOCKER_MAX_ID] = "";
	char url[64] = "", gw[DOCKER_MAX_GATEWAY] = "";
	const char *ref = cli_value(a, "--image"), *v;
	bool keep = cli_flag(a, "--keep"), started = false;
	int st;

	cmd_name = "run";
	interrupted = false;
	memset(&so, 0, sizeof so);
	if (ref == NULL || ref[0] == '\0')
		return cli_usage_error(a->cmd, "--image needs an image "
		    "reference");
	if ((v = cli_value(a, "--gpus")) != NULL &&
	    docker_gpus_parse(v, &so.gpus, err, sizeof err) != 0)
		return cli_usage_error(a->cmd, "--gpus: %s", err);
	if (session_signals_install() != 0) {
		out_err(cmd_name, "pipe: %s", strerror(errno));
		return CLI_FAIL;
	}
	c = new_client(&d);
	if (c == NULL) {
		session_signals_restore();
		return CLI_FAIL;
	}
	memset(&w, 0, sizeof w);
	if (!find_running(c, d, ref, id, sizeof id, url, sizeof url, gw,
	    sizeof gw)) {
		/* not here: pull it first */
		st = run_op(c, &w, docker_image_inspect(d, ref, err,
		    sizeof err), err, 60000);
		wait_reset(&w);
		if (st == 1 && (st = local_pull(c, d, ref)) != 0)
			goto out;
		so.image = ref;
		st = run_op(c, &w, docker_start(d, &so, err, sizeof err), err,
		    120000);
		if (st != 0) {
			if (st == 1)
				out_err(cmd_name, "%s", w.err);
			wait_reset(&w);
			goto out;
		}
		started = true;
		snprintf(id, sizeof id, "%s", w.res->container->id);
		snprintf(url, sizeof url, "%s", w.res->container->url ?
		    w.res->container->url : "");
		snprintf(gw, sizeof gw, "%s", w.res->container->gateway ?
		    w.res->container->gateway : "");
		wait_reset(&w);
		out_err(cmd_name, "started %.12s at %s, waiting for READY", id,
		    url);
		st = wait_ready(c, url, LOCAL_READY_TIMEOUT_S, msg, sizeof msg);
		if (st != 0) {
			if (st == 1)
				out_err(cmd_name, "%s: %s", ref, msg);
			goto out;
		}
	}
	if ((b = image_run_args(a, url, gw)) == NULL) {
		out_err(cmd_name, "out of memory");
		st = CLI_FAIL;
		goto out;
	}
	/* run_local() installs and restores the signals itself */
	session_signals_restore();
	st = run_local(b);
	(void)session_signals_install();
out:
	if (started && !keep && id[0] != '\0') {
		interrupted = false;
		discard(c, d, id);
	} else if (started && id[0] != '\0')
		out_err(cmd_name, "kept %.12s at %s", id, url);
	docker_free(d);
	client_free(c);
	free(b);
	session_signals_restore();
	return st;
}
