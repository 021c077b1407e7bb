/*
 * tests/bench/bench_client.c: client/ figures, printed as tables (no
 * assertions): the parse time of every recorded Replicate body (median of
 * N runs) and the requests one remote run costs when followed over SSE and
 * when polled, counted from the fake's /_fake/requests log; then how long
 * a request to a port nothing listens on takes to fail.
 * BENCH_SUMMARY (a file): make bench's summary lines are appended to it
 * (the search page's parse time, the refused connection).
 *
 *	ROOT=. build/bench-client/bench/bench_client [runs]
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"
#include "tests/unit/fake.h"
#include "tests/unit/tfile.h"

#define FIX "tests/fixtures/replicate/"
#define TOKEN "r8_fake_0123456789abcdef"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}


static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * One make bench summary line (tests/bench/summary.sh): case, median, min,
 * max of t[n] in ms (sorted here), and a budget as the peer column.
 */
static void
summary(const char *name, double *t, int n, const char *peer, double budget)
{
	const char *out = getenv("BENCH_SUMMARY");
	FILE *f;

	if (out == NULL || *out == '\0' || n < 1)
		return;
	if ((f = fopen(out, "a")) == NULL)
		return;
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	fprintf(f, "%s\t%.1f\t%.1f\t%.1f\t%s\t%.1f\t%.1f\t%.1f\n", name,
	    t[n / 2] * 1e3, t[0] * 1e3, t[n - 1] * 1e3, peer, budget, budget,
	    budget);
	fclose(f);
}

/* Parse with the parser the file name calls for; 0 on success. */
static int
parse_one(const char *name, const char *b, size_t n)
{
	char err[256];
	int rc = -1;

	if (strncmp(name, "prediction.", 11) == 0 ||
	    strncmp(name, "training.", 9) == 0) {
		struct prediction p;

		rc = prediction_parse(b, n, &p, err, sizeof err);
		prediction_done(&p);
	} else if (strncmp(name, "models.", 7) == 0) {
		struct model_page p;

		rc = replicate_model_page_parse(b, n, &p, err, sizeof err);
		replicate_model_page_done(&p);
	} else if (strncmp(name, "model.", 6) == 0) {
		struct model m;

		rc = replicate_model_parse(b, n, &m, err, sizeof err);
		replicate_model_done(&m);
	} else if (strncmp(name, "collections.get", 15) == 0) {
		struct collection c;

		rc = replicate_collection_parse(b, n, &c, err, sizeof err);
		replicate_collection_done(&c);
	} else if (strncmp(name, "collections.list", 16) == 0) {
		struct collection_page c;

		rc = replicate_collection_page_parse(b, n, &c, err,
		    sizeof err);
		replicate_collection_page_done(&c);
	} else if (strncmp(name, "version.", 8) == 0) {
		struct version v;

		rc = replicate_version_parse(b, n, &v, err, sizeof err);
		replicate_version_done(&v);
	} else if (strncmp(name, "hardware.", 9) == 0) {
		struct hardware_list h;

		rc = replicate_hardware_parse(b, n, &h, err, sizeof err);
		replicate_hardware_done(&h);
	} else if (strncmp(name, "file.", 5) == 0) {
		struct replicate_file f;

		rc = replicate_file_parse(b, n, &f, err, sizeof err);
		replicate_file_done(&f);
	} else
		return 1;	/* no parser: errors, files list */
	return rc == CLIENT_OK ? 0 : -1;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
bench_dir(const char *root, const char *sub, int runs)
{
	char path[1024], *names[256];
	double *t = malloc(sizeof *t * (size_t)runs);
	struct dirent *de;
	size_t nn = 0, i;
	DIR *d;

	snprintf(path, sizeof path, "%s/" FIX "%s", root, sub);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && nn < 256)
		if (strstr(de->d_name, ".json") != NULL)
			names[nn++] = strdup(de->d_name);
	closedir(d);
	qsort(names, nn, sizeof *names, by_name);
	for (i = 0; i < nn; i++) {
		size_t len = 0;
		char *b;
		int r, rr = runs, ok;

		snprintf(path, sizeof path, "%s/" FIX "%s/%s", root, sub,
		    names[i]);
		b = t_slurp(path, &len);
		if (b == NULL)
			continue;
		/* model list items parse as models */
		ok = parse_one(strncmp(sub, "models", 6) == 0 ? "model." :
		    names[i], b, len);
		if (ok == 1) {
			free(b);
			continue;
		}
		if (len > 1000000 && rr > 11)
			rr = 11;
		for (r = 0; r < rr; r++) {
			double t0 = now_s();

			parse_one(strncmp(sub, "models", 6) == 0 ? "model." :
			    names[i], b, len);
			t[r] = now_s() - t0;
		}
		/* the 1.46 MB QUERY search page parsed in 24.7 ms before
		 * issue 14; its budget is a third of that */
		if (strncmp(names[i], "models.search.", 14) == 0)
			summary("client search page parse (1.46 MB)", t, rr,
			    "budget 1/3 of 24.7", 24.7 / 3);
		qsort(t, (size_t)rr, sizeof *t, cmp_d);
		printf("%-72.72s %9zu %9.3f %8.1f %s\n", names[i], len,
		    t[rr / 2] * 1e3, len / t[rr / 2] / 1e6, ok == 0 ? "" :
		    "(error)");
		free(b);
	}
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(t);
}

/* ---- requests per run */

struct w {
	unsigned id;
	bool done;
	struct prediction *p;
	char *body;
};

static void
on_ev(struct client_event *ev, void *arg)
{
	struct w *w = arg;

	if (ev->id != w->id || ev->kind == CLIENT_EV_PROGRESS)
		return;
	w->done = true;
	w->p = ev->prediction;
	ev->prediction = NULL;
}

static bool
is_done(void *arg)
{
	return ((struct w *)arg)->done;
}

static void
raw_done(struct client *c, unsigned id, struct http_response *res, void *arg)
{
	struct w *w = arg;

	(void)c;
	(void)id;
	w->done = true;
	w->body = res->body;
	res->body = NULL;
}

static char *
fake_get(struct client *c, const char *url)
{
	struct http_opts o;
	struct w w = { 0 };
	char err[256];

	memset(&o, 0, sizeof o);
	o.url = url;
	o.method = strstr(url, "reset") ? "POST" : "GET";
	o.done = raw_done;
	o.arg = &w;
	if (http_start(c, &o, err, sizeof err) == 0)
		return NULL;
	client_run_until(c, is_done, &w, NULL, NULL, NULL, 0, 10000, err,
	    sizeof err);
	return w.body;
}

static void
one_run(const char *base, const char *label, const char *owner,
    const char *name, const char *version, const char *input, bool sse,
    long poll_ms)
{
	struct client_config cc;
	char api[160], url[256], err[256];
	struct replicate_create rq = { owner, name, version, input, 0, NULL,
		NULL, NULL };
	struct client *c;
	struct w w = { 0 };
	int creates = 0, streams = 0, gets = 0;
	double t0;
	char *log;
	cJSON *root, *it;

	client_config_defaults(&cc);
	snprintf(api, sizeof api, "%s/v1", base);
	cc.api_base = api;
	cc.token = TOKEN;
	cc.poll_min_ms = poll_ms;
	c = client_new(&cc, err, sizeof err);
	snprintf(url, sizeof url, "%s/_fake/reset", base);
	free(fake_get(c, url));
	t0 = now_s();
	w.id = replicate_prediction_create(c, &rq, err, sizeof err);
	client_run_until(c, is_done, &w, on_ev, &w, NULL, 0, 30000, err,
	    sizeof err);
	if (w.p == NULL) {
		printf("%-28s create failed: %s\n", label, err);
		client_free(c);
		return;
	}
	if (!sse) {
		free(w.p->url_stream);
		w.p->url_stream = NULL;
	}
	{
		struct prediction *p = w.p;

		memset(&w, 0, sizeof w);
		w.id = replicate_prediction_follow(c, p, err, sizeof err);
		client_run_until(c, is_done, &w, on_ev, &w, NULL, 0, 60000,
		    err, sizeof err);
		prediction_free(p);
	}
	t0 = now_s() - t0;
	snprintf(url, sizeof url, "%s/_fake/requests", base);
	log = fake_get(c, url);
	root = log != NULL ? cJSON_Parse(log) : NULL;
	cJSON_ArrayForEach(it, root) {
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(it,
		    "method"));
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(it,
		    "path"));

		if (m == NULL || p == NULL)
			continue;
		if (strcmp(m, "POST") == 0 && strstr(p, "/predictions") != NULL)
			creates++;
		else if (strncmp(p, "/v1/streams/", 12) == 0)
			streams++;
		else if (strncmp(p, "/v1/predictions/", 16) == 0)
			gets++;
	}
	printf("%-28s %-10s %7d %7d %7d %7d %8.2f\n", label,
	    w.p != NULL ? prediction_status_name(w.p->status) : "?", creates,
	    streams, gets, creates + streams + gets, t0);
	cJSON_Delete(root);
	free(log);
	prediction_free(w.p);
	client_free(c);
}

/*
 * A request to 127.0.0.1:9 (nothing listens): the time to its ERROR
 * event, default config (retries as configured), runs times.
 */
static void
refused(int runs)
{
	struct client_config cc;
	double t[16];
	char err[256];
	int r, n = runs < 16 ? runs : 16;

	printf("refused connection (127.0.0.1:9, default config)\n");
	for (r = 0; r < n; r++) {
		struct client *c;
		struct w w = { 0 };
		double t0;

		client_config_defaults(&cc);
		cc.api_base = "http://127.0.0.1:9/v1";
		if ((c = client_new(&cc, err, sizeof err)) == NULL)
			return;
		t0 = now_s();
		w.id = replicate_models_list(c, NULL, err, sizeof err);
		if (w.id != 0)
			client_run_until(c, is_done, &w, on_ev, &w, NULL, 0,
			    60000, err, sizeof err);
		t[r] = now_s() - t0;
		prediction_free(w.p);
		client_free(c);
	}
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	printf("  fails in %.1f ms (median of %d, %.1f-%.1f)\n",
	    t[n / 2] * 1e3, n, t[0] * 1e3, t[n - 1] * 1e3);
	summary("client refused connection fails", t, n, "budget 2 s", 2000);
}

int
main(int argc, char **argv)
{
	const char *root = getenv("ROOT");
	const char *const extra[] = { "--quiet", NULL };
	int runs = argc > 1 ? atoi(argv[1]) : 31;
	char base[128];
	pid_t pid;

	if (root == NULL)
		root = ".";
	if (runs < 1)
		runs = 1;
	printf("parse time, median of %d runs (11 for bodies over 1 MB)\n",
	    runs);
	printf("%-72s %9s %9s %8s\n", "file", "bytes", "ms", "MB/s");
	bench_dir(root, "responses", runs);
	bench_dir(root, "models", runs);
	putchar('\n');
	if (fake_start("replicate.py", extra, &pid, base, sizeof base) != 0)
		return 1;
	printf("requests per remote run (fake at real speed: a 2 s run)\n");
	printf("%-28s %-10s %7s %7s %7s %7s %8s\n", "follow", "status",
	    "create", "stream", "get", "total", "wall s");
	one_run(base, "llm, SSE", "meta", "meta-llama-3-8b-instruct", NULL,
	    "{\"prompt\":\"hi\"}", true, 500);
	one_run(base, "llm, polling 500 ms+", "meta",
	    "meta-llama-3-8b-instruct", NULL, "{\"prompt\":\"hi\"}", false,
	    500);
	one_run(base, "sdxl, SSE", "stability-ai", "sdxl",
	    "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc",
	    "{\"prompt\":\"x\"}", true, 500);
	one_run(base, "sdxl, polling 500 ms+", "stability-ai", "sdxl",
	    "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc",
	    "{\"prompt\":\"x\"}", false, 500);
	one_run(base, "sdxl, polling 100 ms+", "stability-ai", "sdxl",
	    "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc",
	    "{\"prompt\":\"x\"}", false, 100);
	fake_stop(pid);
	putchar('\n');
	refused(5);
	return 0;
}
