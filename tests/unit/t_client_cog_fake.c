/*
 * tests/unit/t_client_cog_fake.c: client/cog/cog.c against the fake Cog server
 * (tests/fakes/cog.py): every health state, 409 while starting and busy,
 * sync runs with saved outputs byte-identical to the data: URIs served,
 * async runs followed through webhooks into our listener, cancel of a
 * running sync and async prediction, 422, a failed prediction (HTTP 200),
 * a worker crash then DEFUNCT, SETUP_FAILED, UNHEALTHY, concurrent async
 * predictions, a webhook that cannot reach us, a listener flooded while
 * it follows a prediction, and the API token never reaching the server.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client/net/client.h"
#include "client/cog/cog.h"
#include "client/net/http.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/forms/schema.h"
#include "tests/unit/fake.h"
#include "tests/unit/t.h"

#define SECRET "r8_FAKESECRETTOKEN0123456789"

struct ctx {
	unsigned waiting;
	bool	 done;
	enum client_rc rc;
	long	 http;
	char	 err[1024];
	struct prediction *pred;
	struct cog_health *health;
	char	*body;
	size_t	 blen;
	struct client_saved *saved;
	int	 progress, progress_logs, progress_output;
	unsigned progress_id;
};

static struct ctx cx;
static struct client *cl;

/* Final events that arrived while another id was awaited. */
#define MAX_PARKED 8
static struct ctx parked[MAX_PARKED];
static unsigned parked_id[MAX_PARKED];

static void
ctx_reset(void)
{
	prediction_free(cx.pred);
	cog_health_free(cx.health);
	free(cx.body);
	client_saved_free(cx.saved);
	memset(&cx, 0, sizeof cx);
}

static void
on_event(struct client_event *ev, void *arg)
{
	(void)arg;
	if (ev->kind == CLIENT_EV_PROGRESS) {
		cx.progress++;
		cx.progress_id = ev->id;
		if (ev->changed & CLIENT_CHANGED_LOGS)
			cx.progress_logs++;
		if (ev->changed & CLIENT_CHANGED_OUTPUT)
			cx.progress_output++;
		return;
	}
	if (ev->id != cx.waiting) {
		int i;

		for (i = 0; i < MAX_PARKED; i++)
			if (parked_id[i] == 0) {
				struct ctx save = cx;

				memset(&cx, 0, sizeof cx);
				cx.waiting = ev->id;
				on_event(ev, arg);
				parked[i] = cx;
				parked_id[i] = ev->id;
				cx = save;
				break;
			}
		return;
	}
	cx.done = true;
	cx.rc = ev->kind == CLIENT_EV_DONE ? CLIENT_OK : ev->rc;
	cx.http = ev->http_status;
	snprintf(cx.err, sizeof cx.err, "%s", ev->err ? ev->err : "");
	cx.pred = ev->prediction;
	ev->prediction = NULL;
	if (ev->data != NULL) {
		cx.health = ev->data;
		ev->data = NULL;
	}
	cx.body = ev->body;
	cx.blen = ev->body_len;
	ev->body = NULL;
	cx.saved = ev->saved;
	ev->saved = NULL;
}

static bool
is_done(void *arg)
{
	(void)arg;
	return cx.done;
}

/* Wait for id; keep progress counters. Returns cx.rc (ETIMEOUT if none). */
static enum client_rc
wait_id(unsigned id, int ms)
{
	char err[256];
	int pr = cx.progress, pl = cx.progress_logs, po = cx.progress_output;

	prediction_free(cx.pred);
	cog_health_free(cx.health);
	free(cx.body);
	client_saved_free(cx.saved);
	memset(&cx, 0, sizeof cx);
	cx.progress = pr;
	cx.progress_logs = pl;
	cx.progress_output = po;
	if (!T_OK(id != 0))
		return CLIENT_EINVAL;
	for (int i = 0; i < MAX_PARKED; i++)
		if (parked_id[i] == id) {
			cx = parked[i];
			cx.progress = pr;
			cx.progress_logs = pl;
			cx.progress_output = po;
			parked_id[i] = 0;
			return cx.rc;
		}
	cx.waiting = id;
	if (client_run_until(cl, is_done, NULL, on_event, NULL, NULL, 0, ms,
	    err, sizeof err) != CLIENT_OK) {
		printf("     wait: %s\n", err);
		return CLIENT_ETIMEOUT;
	}
	return cx.rc;
}

/* Pump the client for ms (webhooks and timers keep running). */
static void
spin(int ms)
{
	char err[256];

	client_run_until(cl, NULL, NULL, on_event, NULL, NULL, 0, ms, err,
	    sizeof err);
}

static enum cog_health_state
health(struct cog *g)
{
	char err[256];

	if (wait_id(cog_health_get(g, err, sizeof err), 5000) != CLIENT_OK ||
	    cx.health == NULL) {
		printf("     health: %s\n", cx.err);
		return COG_HEALTH__COUNT;
	}
	return cx.health->state;
}

static bool
wait_state(struct cog *g, enum cog_health_state want, int ms)
{
	long end = fake_now_ms() + ms;

	while (fake_now_ms() < end) {
		if (health(g) == want)
			return true;
		spin(100);
	}
	return false;
}

static unsigned
predict(struct cog *g, const char *input, bool async, char *id_out)
{
	struct cog_predict_opts o = { NULL, input, async, 0 };
	char err[256];
	unsigned id = cog_predict(g, &o, id_out, err, sizeof err);

	if (id == 0)
		printf("     predict: %s\n", err);
	return id;
}

/* Body of GET url with plain libcurl (caller frees). */
static size_t
grow(char *p, size_t sz, size_t n, void *arg)
{
	char **buf = arg;
	size_t have = *buf ? strlen(*buf) : 0;
	char *nb = realloc(*buf, have + sz * n + 1);

	memcpy(nb + have, p, sz * n);
	nb[have + sz * n] = '\0';
	*buf = nb;
	return sz * n;
}

static char *
fetch(const char *base, const char *path, const char *post)
{
	char url[512], *buf = NULL;
	CURL *e = curl_easy_init();

	snprintf(url, sizeof url, "%s%s", base, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, grow);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &buf);
	if (post != NULL)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, post);
	curl_easy_perform(e);
	curl_easy_cleanup(e);
	return buf ? buf : strdup("");
}

static struct cog *
cog_on(const char *url, bool webhooks)
{
	struct cog_config gc;
	char err[256];
	struct cog *g;

	memset(&gc, 0, sizeof gc);
	gc.base = url;
	gc.webhooks = webhooks;
	g = cog_new(cl, &gc, err, sizeof err);
	if (!T_OK(g != NULL))
		printf("     cog_new: %s\n", err);
	return g;
}

static bool
file_equals(const char *path, const unsigned char *data, size_t len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	size_t n;
	bool same;

	if (fp == NULL)
		return false;
	buf = malloc(len + 1);
	n = fread(buf, 1, len + 1, fp);
	fclose(fp);
	same = n == len && memcmp(buf, data, len) == 0;
	free(buf);
	return same;
}

static void
test_image(void)
{
	const char *const extra[] = { "--predictor", "image",
	    "--setup-seconds", "1.5", "--quiet", NULL };
	char url[128], id[COG_MAX_ID + 1], id2[COG_MAX_ID + 1], err[256];
	char dir[] = "/tmp/t_cog_outXXXXXX";
	struct cog *g;
	unsigned pid, op;
	pid_t fp;
	size_t i;

	if (!T_EQ(fake_start("cog.py", extra, &fp, url, sizeof url), 0))
		return;
	g = cog_on(url, false);

	/* setup running: STARTING, and a prediction gets 409 */
	T_EQ(health(g), COG_HEALTH_STARTING);
	T_OK(!cog_health_can_predict(cx.health));
	T_EQ(wait_id(predict(g, "{\"prompt\":\"early\"}", false, id), 5000),
	    CLIENT_EHTTP);
	T_EQ(cx.http, 409);
	T_OK(strstr(cx.err, "busy") != NULL);
	T_OK(wait_state(g, COG_HEALTH_READY, 8000));
	T_STREQ(cx.health->setup_status, "succeeded");

	/* sync, two images, saved byte for byte */
	T_EQ(wait_id(predict(g, "{\"prompt\":\"blue\",\"width\":64,"
	    "\"height\":64,\"num_outputs\":2}", false, id), 15000), CLIENT_OK);
	if (T_OK(cx.pred != NULL)) {
		struct prediction *p = cx.pred;

		cx.pred = NULL;
		T_EQ(p->status, PREDICTION_SUCCEEDED);
		T_STREQ(p->id, id);
		T_OK(strncmp(id, "r8p-", 4) == 0);
		T_EQ(p->n_outputs, 2);
		T_OK(mkdtemp(dir) != NULL);
		T_EQ(wait_id(outputs_save(cl, p, dir, err, sizeof err), 10000),
		    CLIENT_OK);
		if (T_OK(cx.saved != NULL) && T_EQ(cx.saved->n, 2))
			for (i = 0; i < 2; i++) {
				unsigned char *data;
				size_t len;
				char *mime;

				T_EQ(outputs_data_decode(p->outputs[i].value,
				    1u << 26, &data, &len, &mime, err,
				    sizeof err), CLIENT_OK);
				T_OK(file_equals(cx.saved->paths[i], data,
				    len));
				T_OK(len > 8 &&
				    memcmp(data, "\x89PNG", 4) == 0);
				unlink(cx.saved->paths[i]);
				free(data);
				free(mime);
			}
		rmdir(dir);
		prediction_free(p);
	}

	/* a running sync prediction: BUSY, 409 for another, then cancel */
	pid = predict(g, "{\"prompt\":\"slow\",\"width\":64,\"height\":64}",
	    false, id);
	spin(300);
	T_EQ(health(g), COG_HEALTH_BUSY);
	T_EQ(wait_id(predict(g, "{\"prompt\":\"second\"}", false, id2), 5000),
	    CLIENT_EHTTP);
	T_EQ(cx.http, 409);
	op = cog_cancel(g, id, err, sizeof err);
	T_EQ(wait_id(op, 5000), CLIENT_OK);
	T_EQ(wait_id(pid, 10000), CLIENT_ECANCEL);
	T_OK(cx.pred != NULL && cx.pred->status == PREDICTION_CANCELED);
	T_OK(strstr(cx.err, "canceled") != NULL);
	/* cancel again: gone */
	T_EQ(wait_id(cog_cancel(g, id, err, sizeof err), 5000),
	    CLIENT_ENOTFOUND);
	T_EQ(cog_cancel(g, "bad/id", err, sizeof err), 0);

	/* 422: one line per field */
	T_EQ(wait_id(predict(g, "{\"prompt\":\"x\",\"width\":6400,"
	    "\"guidance_scale\":0.1}", false, id), 5000), CLIENT_EINVAL);
	T_EQ(cx.http, 422);
	T_OK(strstr(cx.err, "width: ensure this value is less than or equal "
	    "to 1024") != NULL);
	T_OK(strstr(cx.err, "; guidance_scale: ") != NULL);
	if (T_OK(cx.body != NULL)) {
		const char *lines[8];
		char buf[2048];

		T_EQ(cog_validation_lines(cx.body, cx.blen, buf, sizeof buf,
		    lines, 8), 2);
	}
	/* the openapi document is handed on as text */
	T_EQ(wait_id(cog_openapi_get(g, err, sizeof err), 5000), CLIENT_OK);
	{
		struct schema s;

		T_EQ(schema_parse(cx.body, cx.blen, &s, err, sizeof err), 0);
		T_EQ(s.output.kind, SCHEMA_OUT_FILES);
		T_OK(schema_find(&s, "prompt") >= 0);
		schema_done(&s);
	}
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));

	/* bad inputs are refused before any request */
	{
		struct cog_predict_opts o = { "has space", "{}", false, 0 };

		T_EQ(cog_predict(g, &o, NULL, err, sizeof err), 0);
		o.id = NULL;
		o.input_json = "[1]";
		T_EQ(cog_predict(g, &o, NULL, err, sizeof err), 0);
		o.input_json = "{\"a\":";
		T_EQ(cog_predict(g, &o, NULL, err, sizeof err), 0);
		T_OK(strstr(err, "byte") != NULL);
		o.input_json = "{}";
		o.async = true;	/* no listener */
		T_EQ(cog_predict(g, &o, NULL, err, sizeof err), 0);
	}
	cog_free(g);
	fake_stop(fp);
}

static void
test_text_async(void)
{
	const char *const extra[] = { "--predictor", "text",
	    "--setup-seconds", "0.1", "--quiet", NULL };
	char url[128], id[COG_MAX_ID + 1], err[256], *doc, *text, *want;
	struct listener_stats st;
	struct schema s;
	struct cog *g;
	unsigned pid;
	pid_t fp;

	if (!T_EQ(fake_start("cog.py", extra, &fp, url, sizeof url), 0))
		return;
	g = cog_on(url, true);
	T_OK(cog_listener(g) != NULL);
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	T_EQ(wait_id(cog_openapi_get(g, err, sizeof err), 5000), CLIENT_OK);
	doc = cx.body;
	cx.body = NULL;
	T_EQ(schema_parse(doc, strlen(doc), &s, err, sizeof err), 0);
	free(doc);
	T_OK(s.output.concatenate);

	/* async: 202, webhooks (logs, cumulative output), then completed */
	cx.progress = cx.progress_logs = cx.progress_output = 0;
	pid = predict(g, "{\"prompt\":\"hi\",\"max_tokens\":10,"
	    "\"token_delay\":0.15}", true, id);
	T_EQ(wait_id(pid, 15000), CLIENT_OK);
	T_OK(cx.progress >= 3);
	T_OK(cx.progress_logs >= 1);
	T_OK(cx.progress_output >= 2);
	T_EQ(cx.progress_id, pid);
	if (T_OK(cx.pred != NULL)) {
		T_EQ(cx.pred->status, PREDICTION_SUCCEEDED);
		T_EQ(cx.pred->n_outputs, 10);
		text = cog_output_text(cx.pred, &s);
		want = prediction_join_text(cx.pred, "");
		T_STREQ(text, want);
		T_OK(text && strchr(text, '\n') == NULL && strchr(text, ' '));
		free(text);
		free(want);
		T_OK(cx.pred->logs && strstr(cx.pred->logs, "done\n"));
	}
	listener_get_stats(cog_listener(g), &st);
	T_OK(st.delivered >= 3);
	T_EQ(st.bad + st.too_big, 0);

	/* sync on the same server: the answer is the result */
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	T_EQ(wait_id(predict(g, "{\"prompt\":\"sync\",\"max_tokens\":4,"
	    "\"token_delay\":0}", false, id), 10000), CLIENT_OK);
	T_OK(cx.pred && cx.pred->n_outputs == 4);

	/* async cancel mid-stream keeps the partial output */
	cx.progress_output = 0;
	pid = predict(g, "{\"prompt\":\"long\",\"max_tokens\":200,"
	    "\"token_delay\":0.05}", true, id);
	{
		long end = fake_now_ms() + 5000;

		while (cx.progress_output < 2 && fake_now_ms() < end)
			spin(50);
	}
	T_OK(cx.progress_output >= 2);
	T_EQ(wait_id(cog_cancel(g, id, err, sizeof err), 5000), CLIENT_OK);
	T_EQ(wait_id(pid, 10000), CLIENT_ECANCEL);
	if (T_OK(cx.pred != NULL)) {
		T_EQ(cx.pred->status, PREDICTION_CANCELED);
		T_OK(cx.pred->n_outputs > 0 && cx.pred->n_outputs < 200);
	}
	schema_done(&s);
	cog_free(g);
	fake_stop(fp);
}

static void
test_failures(void)
{
	const char *const e_err[] = { "--predictor", "predict-error",
	    "--setup-seconds", "0.1", "--quiet", NULL };
	const char *const e_crash[] = { "--predictor", "crash",
	    "--setup-seconds", "0.1", "--await-explicit-shutdown", "--quiet",
	    NULL };
	const char *const e_setup[] = { "--predictor", "setup-fails",
	    "--setup-seconds", "0.3", "--await-explicit-shutdown", "--quiet",
	    NULL };
	const char *const e_hc[] = { "--predictor", "healthcheck",
	    "--cog-version", "0.16.12", "--setup-seconds", "0.1", "--quiet",
	    NULL };
	char url[128], id[COG_MAX_ID + 1], *r;
	struct cog *g;
	pid_t fp;

	/* HTTP 200 with status failed */
	if (T_EQ(fake_start("cog.py", e_err, &fp, url, sizeof url), 0)) {
		g = cog_on(url, true);
		T_OK(wait_state(g, COG_HEALTH_READY, 5000));
		T_EQ(wait_id(predict(g, "{\"prompt\":\"boom\",\"fail\":true}",
		    false, id), 10000), CLIENT_EFAILED);
		T_EQ(cx.http, 200);
		T_OK(strstr(cx.err, "prediction failed: something went wrong")
		    != NULL);
		T_OK(cx.pred && cx.pred->status == PREDICTION_FAILED);
		T_OK(cx.pred && cx.pred->logs &&
		    strstr(cx.pred->logs, "Traceback"));
		/* the same through webhooks */
		T_EQ(wait_id(predict(g, "{\"prompt\":\"boom\",\"fail\":true}",
		    true, id), 10000), CLIENT_EFAILED);
		T_OK(strstr(cx.err, "something went wrong") != NULL);
		/* errors leave the server READY (its terminal webhook may
		 * come a moment before it is done) */
		T_OK(wait_state(g, COG_HEALTH_READY, 3000));
		T_EQ(wait_id(predict(g, "{\"prompt\":\"fine\",\"fail\":false}",
		    false, id), 10000), CLIENT_OK);
		{
			char *t = cog_output_text(cx.pred, NULL);

			T_STREQ(t, "FINE");
			free(t);
		}
		cog_free(g);
		fake_stop(fp);
	}

	/* the worker dies: 500, then DEFUNCT, then 500 for anything */
	if (T_EQ(fake_start("cog.py", e_crash, &fp, url, sizeof url), 0)) {
		g = cog_on(url, false);
		T_OK(wait_state(g, COG_HEALTH_READY, 5000));
		T_EQ(wait_id(predict(g, "{\"delay\":0.2}", false, id), 10000),
		    CLIENT_EHTTP);
		T_EQ(cx.http, 500);
		T_OK(strstr(cx.err, "HTTP 500") != NULL);
		T_EQ(health(g), COG_HEALTH_DEFUNCT);
		T_EQ(wait_id(predict(g, "{}", false, id), 5000), CLIENT_EHTTP);
		T_EQ(cx.http, 500);
		cog_free(g);
		fake_stop(fp);
	}

	/* setup() raises: STARTING then SETUP_FAILED with the traceback */
	if (T_EQ(fake_start("cog.py", e_setup, &fp, url, sizeof url), 0)) {
		g = cog_on(url, false);
		T_OK(wait_state(g, COG_HEALTH_SETUP_FAILED, 5000));
		T_STREQ(cx.health->setup_status, "failed");
		T_OK(cx.health->setup_logs &&
		    strstr(cx.health->setup_logs, "Traceback"));
		T_EQ(wait_id(predict(g, "{\"prompt\":\"x\"}", false, id), 5000),
		    CLIENT_EHTTP);
		cog_free(g);
		fake_stop(fp);
	}

	/* Cog 0.16: UNHEALTHY with the user's message; predictions run */
	if (T_EQ(fake_start("cog.py", e_hc, &fp, url, sizeof url), 0)) {
		g = cog_on(url, false);
		T_OK(wait_state(g, COG_HEALTH_READY, 5000));
		r = fetch(url, "/_fake/health", "{\"unhealthy\":true}");
		free(r);
		T_EQ(health(g), COG_HEALTH_UNHEALTHY);
		T_OK(cx.health->user_healthcheck_error != NULL);
		T_OK(cog_health_can_predict(cx.health));
		T_EQ(wait_id(predict(g, "{\"text\":\"abc\"}", false, id), 5000),
		    CLIENT_OK);
		cog_free(g);
		fake_stop(fp);
	}

	/* nothing listening */
	g = cog_on("http://127.0.0.1:9", false);
	T_EQ(health(g), COG_HEALTH__COUNT);
	T_EQ(cx.rc, CLIENT_ENET);
	T_OK(strstr(cx.err, "cog health-check") != NULL);
	cog_free(g);
	{
		struct cog_config gc = { 0 };
		char err[256];

		gc.base = "ftp://x";
		T_OK(cog_new(cl, &gc, err, sizeof err) == NULL);
		T_OK(strstr(err, "not an http(s) URL") != NULL);
	}
	/* more listeners than the client can watch: a clear refusal */
	{
		struct cog_config gc = { 0 };
		struct cog *many[64];
		char err[256] = "";
		int n = 0, i;

		gc.base = "http://127.0.0.1:9";
		gc.webhooks = true;
		while (n < 64 && (many[n] = cog_new(cl, &gc, err,
		    sizeof err)) != NULL)
			n++;
		T_OK(n > 0 && n < 64);
		T_OK(strstr(err, "too many descriptors") != NULL);
		for (i = 0; i < n; i++)
			cog_free(many[i]);
		g = cog_new(cl, &gc, err, sizeof err);
		T_OK(g != NULL);
		cog_free(g);
	}
}

static void
test_concurrent(void)
{
	const char *const extra[] = { "--predictor", "async-concurrent",
	    "--setup-seconds", "0.1", "--quiet", NULL };
	char url[128], a[COG_MAX_ID + 1], b[COG_MAX_ID + 1], c3[COG_MAX_ID + 1];
	struct cog *g;
	unsigned pa, pb;
	pid_t fp;

	if (!T_EQ(fake_start("cog.py", extra, &fp, url, sizeof url), 0))
		return;
	g = cog_on(url, true);
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	pa = predict(g, "{\"text\":\"one two three four\",\"delay\":0.2}",
	    true, a);
	pb = predict(g, "{\"text\":\"five six seven\",\"delay\":0.2}", true,
	    b);
	spin(200);
	T_EQ(health(g), COG_HEALTH_BUSY);
	T_EQ(wait_id(predict(g, "{\"text\":\"x\"}", true, c3), 5000),
	    CLIENT_EHTTP);
	T_EQ(cx.http, 409);
	T_EQ(wait_id(pa, 10000), CLIENT_OK);
	{
		char *t = cog_output_text(cx.pred, NULL);

		T_STREQ(t, "one\n two\n three\n four");
		free(t);
	}
	T_EQ(wait_id(pb, 10000), CLIENT_OK);
	T_STREQ(cx.pred ? cx.pred->id : NULL, b);
	cog_free(g);
	fake_stop(fp);
}

static void
test_unreachable_webhook(void)
{
	const char *const extra[] = { "--predictor", "text",
	    "--setup-seconds", "0.1", "--quiet", NULL };
	struct cog_config gc;
	char url[128], id[COG_MAX_ID + 1], err[256];
	struct cog *g;
	pid_t fp;

	if (!T_EQ(fake_start("cog.py", extra, &fp, url, sizeof url), 0))
		return;
	/* the listener is on 127.0.0.1; the server is told 127.0.0.3 (also
	 * loopback, where nothing listens): no webhook ever arrives */
	memset(&gc, 0, sizeof gc);
	gc.base = url;
	gc.webhooks = true;
	gc.listener.advertise_host = "127.0.0.3";
	gc.webhook_grace_ms = 800;
	gc.health_poll_ms = 300;
	g = cog_new(cl, &gc, err, sizeof err);
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	T_EQ(wait_id(predict(g, "{\"prompt\":\"x\",\"max_tokens\":40,"
	    "\"token_delay\":0.1}", true, id), 10000), CLIENT_ENET);
	T_OK(strstr(cx.err, "no webhook reached 127.0.0.3") != NULL);
	cog_free(g);
	fake_stop(fp);

	/* a filter without "completed": progress, then no terminal webhook;
	 * once the server is idle again that is an error, not a hang */
	if (!T_EQ(fake_start("cog.py", extra, &fp, url, sizeof url), 0))
		return;
	gc.base = url;
	gc.listener.advertise_host = NULL;
	gc.idle_ms = 800;
	g = cog_new(cl, &gc, err, sizeof err);
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	{
		struct cog_predict_opts o = { NULL, "{\"prompt\":\"x\","
		    "\"max_tokens\":6,\"token_delay\":0.1}", true,
		    COG_EVENT_START | COG_EVENT_OUTPUT | COG_EVENT_LOGS };
		unsigned pid;
		char *log;

		cx.progress_output = 0;
		pid = cog_predict(g, &o, id, err, sizeof err);
		T_EQ(wait_id(pid, 10000), CLIENT_ENET);
		T_OK(strstr(cx.err, "final webhook never arrived") != NULL);
		T_OK(cx.progress_output >= 1);
		log = fetch(url, "/_fake/requests", NULL);
		T_OK(strstr(log, "\"webhook_events_filter\": [\"start\", "
		    "\"output\", \"logs\"]") != NULL ||
		    strstr(log, "\"webhook_events_filter\":[\"start\","
		    "\"output\",\"logs\"]") != NULL);
		free(log);
	}
	cog_free(g);
	fake_stop(fp);
}

/*
 * A sync PUT whose answer stalls halfway after the final webhook said
 * succeeded: the webhook's terminal state is the result and the stalled
 * request is cancelled (no timing assertion: the wait bound is generous).
 */
static void
test_sync_stall(void)
{
	const char *const extra[] = { "--predictor", "text",
	    "--setup-seconds", "0.1", "--quiet", NULL };
	struct cog_config gc;
	char url[128], id[COG_MAX_ID + 1], err[256], *r;
	struct cog *g;
	pid_t fp;

	if (!T_EQ(fake_start("cog.py", extra, &fp, url, sizeof url), 0))
		return;
	memset(&gc, 0, sizeof gc);
	gc.base = url;
	gc.webhooks = true;
	gc.health_poll_ms = 300;
	g = cog_new(cl, &gc, err, sizeof err);
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	r = fetch(url, "/_fake/faults", "{\"kind\":\"stall_body\","
	    "\"method\":\"PUT\",\"path\":\"^/predictions/\","
	    "\"delay\":60}");
	free(r);
	T_EQ(wait_id(predict(g, "{\"prompt\":\"x\",\"max_tokens\":5,"
	    "\"token_delay\":0.05}", false, id), 30000), CLIENT_OK);
	T_OK(cx.pred != NULL && cx.pred->status == PREDICTION_SUCCEEDED);
	T_OK(cx.pred != NULL && cx.pred->output_json != NULL);
	/* and the client holds no request to the stalled PUT any more */
	T_EQ(client_pending(cl), 0);
	cog_free(g);
	fake_stop(fp);
}

/* A connected, idle TCP socket to port on loopback, or -1. */
static int
idle_conn(unsigned port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
test_flood(void)
{
	const char *const extra[] = { "--predictor", "text",
	    "--setup-seconds", "0.1", "--quiet", NULL };
	struct cog_config gc;
	struct listener_stats st;
	char url[128], id[COG_MAX_ID + 1], err[256];
	struct cog *g;
	int fds[20], i;
	unsigned pid;
	pid_t fp;

	if (!T_EQ(fake_start("cog.py", extra, &fp, url, sizeof url), 0))
		return;
	memset(&gc, 0, sizeof gc);
	gc.base = url;
	gc.webhooks = true;
	gc.listener.timeout_ms = 1500;
	g = cog_new(cl, &gc, err, sizeof err);
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	/* every slot taken by idle peers, junk on top, while it runs: the
	 * idle ones are dropped at their deadline, the junk answered, and
	 * Cog's retried terminal webhook still gets through */
	pid = predict(g, "{\"prompt\":\"x\",\"max_tokens\":8,"
	    "\"token_delay\":0.1}", true, id);
	for (i = 0; i < 20; i++) {
		fds[i] = idle_conn(listener_port(cog_listener(g)));
		if (i % 2 == 1 && fds[i] >= 0 &&
		    write(fds[i], "\x16\x03\x01junk\r\n\r\n", 11) < 0)
			T_OK(0);
	}
	T_EQ(wait_id(pid, 30000), CLIENT_OK);
	T_OK(cx.pred && cx.pred->n_outputs == 8);
	listener_get_stats(cog_listener(g), &st);
	T_OK(st.refused + st.bad + st.timeouts >= 12);
	T_OK(st.delivered >= 1);
	for (i = 0; i < 20; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	cog_free(g);
	fake_stop(fp);
}

static void
test_token_never_sent(void)
{
	const char *const extra[] = { "--predictor", "tokens",
	    "--setup-seconds", "0.1", "--quiet", NULL };
	struct client_config cc;
	struct client *saved = cl;
	char url[128], id[COG_MAX_ID + 1], err[256], *log;
	struct cog *g;
	pid_t fp;

	if (!T_EQ(fake_start("cog.py", extra, &fp, url, sizeof url), 0))
		return;
	/* even a client that holds a token sends it only to the API base */
	client_config_defaults(&cc);
	cc.token = SECRET;
	cl = client_new(&cc, err, sizeof err);
	g = cog_on(url, true);
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	T_EQ(wait_id(predict(g, "{\"count\":3,\"delay\":0.05}", true, id),
	    10000), CLIENT_OK);
	T_OK(wait_state(g, COG_HEALTH_READY, 5000));
	T_EQ(wait_id(predict(g, "{\"count\":2,\"delay\":0}", false, id),
	    10000), CLIENT_OK);
	T_EQ(wait_id(predict(g, "{\"count\":-1}", false, id), 10000),
	    CLIENT_EINVAL);
	T_OK(strstr(cx.err, SECRET) == NULL);
	log = fetch(url, "/_fake/requests", NULL);
	T_OK(strstr(log, "/predictions/") != NULL);
	T_OK(strstr(log, SECRET) == NULL);
	T_OK(strstr(log, "uthorization") == NULL);
	free(log);
	cog_free(g);
	client_free(cl);
	cl = saved;
	fake_stop(fp);
}

int
main(void)
{
	struct client_config cc;
	char err[256];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	client_config_defaults(&cc);
	cl = client_new(&cc, err, sizeof err);
	if (!T_OK(cl != NULL))
		return T_SUMMARY();
	test_image();
	test_text_async();
	test_failures();
	test_concurrent();
	test_unreachable_webhook();
	test_sync_stall();
	test_flood();
	test_token_never_sent();
	ctx_reset();
	client_free(cl);
	curl_global_cleanup();
	return T_SUMMARY();
}
