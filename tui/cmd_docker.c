/*
 * tui/cmd_docker.c: `r8play local ...`, Cog models in the local Docker
 * Engine from the command line (client/docker/docker.h does the talking):
 *   local images [--json]          Cog images here, with their label schema
 *   local ps [--json]              containers of Cog images, ours and others'
 *   local pull REF                 pull (progress on stderr when a tty)
 *   local start REF [--gpus all|none|N|ID,...] [--port N] [--name NAME]
 *               [--timeout S] [--json]
 *                                  create+start, wait for READY, print the URL
 *   local stop ID|all              stop (and remove, when r8play started it)
 *   run --image REF [--gpus G] [--keep] ...   start or reuse, run, stop
 * Exit status: 0 ok, 1 failed, 2 usage, 130 interrupted.
 */
#include "tui/cmd_docker.h"

#include "tui/cli.h"
#include "tui/cmd_local.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/cog/cog.h"
#include "client/docker/docker.h"
#include "client/net/client.h"

#define LOCAL_READY_TIMEOUT_S	600	/* default wait for READY */
#define LOCAL_HEALTH_POLL_MS	250

static volatile sig_atomic_t interrupted;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
sigint_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;	/* no SA_RESTART: poll returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* JSON string (or null); escapes every control byte. */
static void
put_json_str(FILE *fp, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* Text for a terminal column: control bytes as '?'. */
static const char *
clean(const char *s, char *buf, size_t n)
{
	size_t i;

	if (s == NULL)
		s = "-";
	for (i = 0; s[i] != '\0' && i + 1 < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	buf[i] = '\0';
	return buf;
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

/* Run one operation to its end. 0 ok, 1 failed (message printed), 130. */
static int
run_op(struct client *c, struct wait *w, unsigned id, const char *err0,
    int timeout_ms)
{
	char err[CLIENT_ERR_MAX];
	enum client_rc rc;

	if (id == 0) {
		fprintf(stderr, "r8play: %s\n", err0);
		return 1;
	}
	w->id = id;
	rc = client_run_until(c, wait_done, w, on_event, w, NULL, 0,
	    timeout_ms, err, sizeof err);
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
		fprintf(stderr, "r8play: %s\n", err);
		return NULL;
	}
	*d = docker_new(c, NULL, err, sizeof err);
	if (*d == NULL) {
		fprintf(stderr, "r8play: %s\n", err);
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
			fprintf(stderr, "r8play: %s\n", w.err);
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
			put_json_str(stdout, im->id);
			printf(",\"ref\":");
			put_json_str(stdout, im->ref);
			printf(",\"tags\":[");
			for (k = 0; k < im->n_tags; k++) {
				if (k)
					fputc(',', stdout);
				put_json_str(stdout, im->tags[k]);
			}
			printf("],\"cog_version\":");
			put_json_str(stdout, im->cog_version);
			printf(",\"created\":%lld,\"size\":%lld,"
			    "\"has_schema\":%s,\"config\":", im->created,
			    im->size, im->schema ? "true" : "false");
			put_json_str(stdout, im->config);
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
			fprintf(stderr, "r8play: %s\n", w.err);
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
			put_json_str(stdout, ct->id);
			printf(",\"name\":");
			put_json_str(stdout, ct->name);
			printf(",\"image\":");
			put_json_str(stdout, ct->image);
			printf(",\"state\":");
			put_json_str(stdout, ct->state);
			printf(",\"status\":");
			put_json_str(stdout, ct->status);
			printf(",\"url\":");
			put_json_str(stdout, ct->url);
			printf(",\"port\":%d,\"r8play\":%s,\"gpus\":",
			    ct->host_port, ct->managed ? "true" : "false");
			put_json_str(stdout, ct->gpus);
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
		fprintf(stderr, "r8play: %s\n", w.err);
	else
		fprintf(stderr, "r8play: pull interrupted\n");
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
		(void)client_run_until(c, wait_done, &pause, on_event, &pause,
		    NULL, 0, LOCAL_HEALTH_POLL_MS, err, sizeof err);
	}
	if (interrupted)
		st = 130;
	cog_free(g);
	return st;
}

static int
local_start(struct client *c, struct docker *d, int argc, char **argv)
{
	struct docker_start_opts so;
	char err[CLIENT_ERR_MAX], msg[1024], id[DOCKER_MAX_ID];
	const char *ref = NULL;
	long timeout_s = LOCAL_READY_TIMEOUT_S;
	long long t_setup;
	bool json = false;
	struct wait w;
	int i, st;

	memset(&so, 0, sizeof so);
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0)
			json = true;
		else if (strcmp(a, "--gpus") == 0 && i + 1 < argc) {
			if (docker_gpus_parse(argv[++i], &so.gpus, err,
			    sizeof err) != 0) {
				fprintf(stderr, "r8play: %s\n", err);
				return 2;
			}
		} else if (strcmp(a, "--port") == 0 && i + 1 < argc) {
			char *end;
			long p = strtol(argv[++i], &end, 10);

			if (*end != '\0' || p < 1 || p > 65535) {
				fprintf(stderr, "r8play: --port: 1-65535\n");
				return 2;
			}
			so.host_port = (int)p;
		} else if (strcmp(a, "--name") == 0 && i + 1 < argc)
			so.name = argv[++i];
		else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			timeout_s = strtol(argv[++i], NULL, 10);
			if (timeout_s <= 0) {
				fprintf(stderr, "r8play: --timeout: seconds\n");
				return 2;
			}
		} else if (a[0] == '-' || ref != NULL)
			return cli_usage("local");
		else
			ref = a;
	}
	if (ref == NULL)
		return cli_usage("local");
	so.image = ref;
	memset(&w, 0, sizeof w);
	st = run_op(c, &w, docker_start(d, &so, err, sizeof err), err, 120000);
	if (st != 0) {
		if (st == 1)
			fprintf(stderr, "r8play: %s\n", w.err);
		wait_reset(&w);
		return st;
	}
	snprintf(id, sizeof id, "%s", w.res->container->id);
	if (w.res->container->url == NULL) {
		fprintf(stderr, "r8play: the container has no port on "
		    "127.0.0.1\n");
		discard(c, d, id);
		wait_reset(&w);
		return 1;
	}
	t_setup = now_ms();
	st = wait_ready(c, w.res->container->url, timeout_s, msg, sizeof msg);
	t_setup = now_ms() - t_setup;
	if (st != 0) {
		if (st == 1)
			fprintf(stderr, "r8play: %s: %s\n", ref, msg);
		discard(c, d, id);
		wait_reset(&w);
		return st;
	}
	if (json) {
		printf("{\"id\":");
		put_json_str(stdout, w.res->container->id);
		printf(",\"name\":");
		put_json_str(stdout, w.res->container->name);
		printf(",\"url\":");
		put_json_str(stdout, w.res->container->url);
		printf(",\"image\":");
		put_json_str(stdout, ref);
		printf(",\"port\":%d,\"gpus\":", w.res->container->host_port);
		put_json_str(stdout, w.res->container->gpus);
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
		fprintf(stderr, "r8play: %s\n", w.err);
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
				fprintf(stderr, "r8play: %s\n", w.err);
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
			fprintf(stderr, "r8play: no container of r8play's\n");
		wait_reset(&w);
		return interrupted ? 130 : worst;
	}
	st = run_op(c, &w, docker_inspect(d, what, err, sizeof err), err,
	    60000);
	if (st != 0) {
		if (st == 1)
			fprintf(stderr, "r8play: %s\n", w.err);
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

int
cmd_local(int argc, char **argv)
{
	struct docker *d = NULL;
	struct client *c;
	const char *sub = argc > 1 ? argv[1] : "";
	bool json = false;
	int st, i;

	if (strcmp(sub, "images") != 0 && strcmp(sub, "ps") != 0 &&
	    strcmp(sub, "pull") != 0 && strcmp(sub, "start") != 0 &&
	    strcmp(sub, "stop") != 0)
		return cli_usage("local");
	if (strcmp(sub, "images") == 0 || strcmp(sub, "ps") == 0) {
		for (i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--json") != 0)
				return cli_usage("local");
			json = true;
		}
	} else if (strcmp(sub, "start") != 0 && (argc != 3 ||
	    argv[2][0] == '-'))
		return cli_usage("local");
	sigint_install();
	c = new_client(&d);
	if (c == NULL)
		return 1;
	if (strcmp(sub, "images") == 0)
		st = local_images(c, d, json);
	else if (strcmp(sub, "ps") == 0)
		st = local_ps(c, d, json);
	else if (strcmp(sub, "pull") == 0)
		st = local_pull(c, d, argv[2]);
	else if (strcmp(sub, "start") == 0)
		st = local_start(c, d, argc, argv);
	else
		st = local_stop(c, d, argv[2]);
	docker_free(d);
	client_free(c);
	return st;
}

/* A running container of ref that r8play started: its id and URL. */
static bool
find_running(struct client *c, struct docker *d, const char *ref, char *id,
    size_t idn, char *url, size_t urln)
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
				found = true;
			}
		}
	wait_reset(&w);
	return found;
}

int
cmd_run_image(int argc, char **argv)
{
	static char opt_local[] = "--local", opt_no_webhooks[] =
	    "--no-webhooks";
	struct docker_start_opts so;
	struct docker *d = NULL;
	struct client *c;
	struct wait w;
	char err[CLIENT_ERR_MAX], msg[1024], id[DOCKER_MAX_ID] = "";
	char url[64] = "", **av = NULL;
	const char *ref = NULL;
	bool keep = false, started = false, hooks = true;
	int i, n = 0, st;

	memset(&so, 0, sizeof so);
	/* av: run --local URL [--no-webhooks] and the rest, in order */
	av = calloc((size_t)argc + 5, sizeof *av);
	if (av == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--image") == 0 && i + 1 < argc)
			ref = argv[++i];
		else if (strncmp(a, "--image=", 8) == 0)
			ref = a + 8;
		else if (strcmp(a, "--keep") == 0)
			keep = true;
		else if (strcmp(a, "--gpus") == 0 && i + 1 < argc) {
			if (docker_gpus_parse(argv[++i], &so.gpus, err,
			    sizeof err) != 0) {
				fprintf(stderr, "r8play: %s\n", err);
				free(av);
				return 2;
			}
		} else {
			/* the server can only reach a listener it can see */
			if (strcmp(a, "--async") == 0 ||
			    strcmp(a, "--listen") == 0 ||
			    strcmp(a, "--no-webhooks") == 0)
				hooks = false;
			av[4 + n++] = argv[i];
		}
	}
	if (ref == NULL || ref[0] == '\0') {
		free(av);
		return cli_usage("run");
	}
	sigint_install();
	c = new_client(&d);
	if (c == NULL) {
		free(av);
		return 1;
	}
	memset(&w, 0, sizeof w);
	if (!find_running(c, d, ref, id, sizeof id, url, sizeof url)) {
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
				fprintf(stderr, "r8play: %s\n", w.err);
			wait_reset(&w);
			goto out;
		}
		started = true;
		snprintf(id, sizeof id, "%s", w.res->container->id);
		snprintf(url, sizeof url, "%s", w.res->container->url ?
		    w.res->container->url : "");
		wait_reset(&w);
		fprintf(stderr, "r8play: started %.12s at %s, waiting for "
		    "READY\n", id, url);
		st = wait_ready(c, url, LOCAL_READY_TIMEOUT_S, msg, sizeof msg);
		if (st != 0) {
			if (st == 1)
				fprintf(stderr, "r8play: %s: %s\n", ref, msg);
			goto out;
		}
	}
	av[0] = argv[0];
	av[1] = opt_local;
	av[2] = url;
	av[3] = opt_no_webhooks;
	if (hooks)
		st = cmd_run_local(n + 4, av);
	else {
		memmove(&av[3], &av[4], (size_t)n * sizeof *av);
		st = cmd_run_local(n + 3, av);
	}
out:
	if (started && !keep && id[0] != '\0') {
		interrupted = 0;
		discard(c, d, id);
	} else if (started && id[0] != '\0')
		fprintf(stderr, "r8play: kept %.12s at %s\n", id, url);
	docker_free(d);
	client_free(c);
	free(av);
	return st;
}
