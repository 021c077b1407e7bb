/*
 * tests/unit/t_client_net.c: the transport and the Replicate API against
 * the fake server (tests/fakes/replicate.py): every endpoint, every
 * prediction status, SSE and its fallback to polling on a drop or a
 * stall, 429/500/drop/truncate/slow injection and the retry rules, caps,
 * cancel, saved outputs byte-identical to what the fake served, uploads,
 * and the token staying out of every message. Counts requests through the
 * fake's /_fake/requests log.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cJSON.h>

#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/internal.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"
#include "tests/unit/fake.h"
#include "tests/unit/t.h"
#include "tests/unit/tfile.h"

#define TOKEN	"r8_fake_0123456789abcdef"

static char base[128];		/* http://127.0.0.1:PORT */

/* what a test waits for */
struct waiter {
	unsigned id;
	bool	 done;
	struct client_event ev;		/* payload taken */
	char	 err[CLIENT_ERR_MAX];
	int	 progress, mode_changes, output_changes, log_changes;
	size_t	 max_outputs;	/* most output items seen in PROGRESS */
	bool	 saw_streaming;
};

static void
on_event(struct client_event *ev, void *arg)
{
	struct waiter *w = arg;

	if (ev->id != w->id)
		return;
	if (ev->kind == CLIENT_EV_PROGRESS) {
		w->progress++;
		if (ev->changed & CLIENT_CHANGED_MODE)
			w->mode_changes++;
		if (ev->changed & CLIENT_CHANGED_OUTPUT)
			w->output_changes++;
		if (ev->changed & CLIENT_CHANGED_LOGS)
			w->log_changes++;
		if (ev->streaming)
			w->saw_streaming = true;
		if (ev->prediction != NULL &&
		    ev->prediction->n_outputs > w->max_outputs)
			w->max_outputs = ev->prediction->n_outputs;
		return;
	}
	w->ev = *ev;
	w->ev.err = NULL;
	if (ev->err != NULL)
		snprintf(w->err, sizeof w->err, "%s", ev->err);
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
	w->done = true;
}

static bool
w_done(void *arg)
{
	return ((struct waiter *)arg)->done;
}

static void
w_free(struct waiter *w)
{
	replicate_model_page_free(w->ev.models);
	replicate_model_free(w->ev.model);
	replicate_collection_page_free(w->ev.collections);
	replicate_collection_free(w->ev.collection);
	replicate_version_page_free(w->ev.versions);
	replicate_version_free(w->ev.version);
	replicate_prediction_page_free(w->ev.predictions);
	prediction_free(w->ev.prediction);
	replicate_hardware_free(w->ev.hardware);
	replicate_account_free(w->ev.account);
	replicate_file_free(w->ev.file);
	client_saved_free(w->ev.saved);
	free(w->ev.body);
	memset(w, 0, sizeof *w);
}

/* Wait for request id; true when its final event came in time. */
static bool
wait_id(struct client *c, struct waiter *w, unsigned id, int timeout_ms)
{
	char err[CLIENT_ERR_MAX];

	w_free(w);
	w->id = id;
	if (id == 0)
		return false;
	if (client_run_until(c, w_done, w, on_event, w, NULL, 0, timeout_ms,
	    err, sizeof err) != CLIENT_OK) {
		printf("     wait: %s\n", err);
		return false;
	}
	return w->done;
}

/* Two requests in flight at once: each event goes to its own waiter. */
struct waiter_pair {
	struct waiter *a, *b;
};

static void
on_event_pair(struct client_event *ev, void *arg)
{
	struct waiter_pair *wp = arg;

	on_event(ev, ev->id == wp->a->id ? wp->a : wp->b);
}

static bool
pair_done(void *arg)
{
	struct waiter_pair *wp = arg;

	return wp->a->done && wp->b->done;
}

/* Wait for both a (request ida) and b (idb): an event of one that comes
 * while the other is awaited is kept, not dropped. */
static bool
wait_two(struct client *c, struct waiter *a, unsigned ida, struct waiter *b,
    unsigned idb, int timeout_ms)
{
	struct waiter_pair wp = { a, b };
	char err[CLIENT_ERR_MAX];

	w_free(a);
	w_free(b);
	a->id = ida;
	b->id = idb;
	if (ida == 0 || idb == 0)
		return false;
	if (client_run_until(c, pair_done, &wp, on_event_pair, &wp, NULL, 0,
	    timeout_ms, err, sizeof err) != CLIENT_OK) {
		printf("     wait: %s\n", err);
		return false;
	}
	return a->done && b->done;
}

static struct client *
new_client(const char *token, void (*tweak)(struct client_config *))
{
	struct client_config cc;
	char api[160], err[CLIENT_ERR_MAX];
	struct client *c;

	client_config_defaults(&cc);
	snprintf(api, sizeof api, "%s/v1", base);
	cc.api_base = api;
	cc.token = token;
	cc.retry_base_ms = 50;
	cc.poll_min_ms = 50;
	cc.poll_max_ms = 200;
	if (tweak != NULL)
		tweak(&cc);
	c = client_new(&cc, err, sizeof err);
	if (c == NULL)
		printf("     client_new: %s\n", err);
	return c;
}

/* ---- talking to the fake's control interface */

struct raw {
	bool	 done;
	long	 status;
	char	*body;
};

static void
raw_done(struct client *c, unsigned id, struct http_response *res, void *arg)
{
	struct raw *r = arg;

	(void)c;
	(void)id;
	r->done = true;
	r->status = res->status;
	r->body = res->body;
	res->body = NULL;
}

static bool
raw_is_done(void *arg)
{
	return ((struct raw *)arg)->done;
}

static char *
fake_call(struct client *c, const char *method, const char *path,
    const char *body)
{
	char url[256], err[CLIENT_ERR_MAX];
	struct http_opts o;
	struct raw r = { 0 };

	snprintf(url, sizeof url, "%s%s", base, path);
	memset(&o, 0, sizeof o);
	o.method = method;
	o.url = url;
	o.body = body;
	o.body_len = body != NULL ? strlen(body) : 0;
	o.no_retry = true;
	o.done = raw_done;
	o.arg = &r;
	if (http_start(c, &o, err, sizeof err) == 0)
		return NULL;
	client_run_until(c, raw_is_done, &r, NULL, NULL, NULL, 0, 10000, err,
	    sizeof err);
	return r.body;
}

static void
fake_reset(struct client *c)
{
	free(fake_call(c, "POST", "/_fake/reset", NULL));
}

static void
fault(struct client *c, const char *json)
{
	free(fake_call(c, "POST", "/_fake/faults", json));
}

/* Requests the fake saw with this method whose path matches prefix. */
static int
count_requests(struct client *c, const char *method, const char *prefix)
{
	char *body = fake_call(c, "GET", "/_fake/requests", NULL);
	cJSON *root = body != NULL ? cJSON_Parse(body) : NULL, *it;
	int n = 0;

	cJSON_ArrayForEach(it, root) {
		const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(it,
		    "method"));
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(it,
		    "path"));

		if (m != NULL && p != NULL && strcmp(m, method) == 0 &&
		    strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
	}
	cJSON_Delete(root);
	free(body);
	return n;
}

/* True when a request to prefix carried an Authorization header. */
static bool
sent_auth(struct client *c, const char *prefix)
{
	char *body = fake_call(c, "GET", "/_fake/requests", NULL);
	cJSON *root = body != NULL ? cJSON_Parse(body) : NULL, *it;
	bool seen = false;

	cJSON_ArrayForEach(it, root) {
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(it,
		    "path"));
		cJSON *h = cJSON_GetObjectItem(it, "headers");

		if (p != NULL && strncmp(p, prefix, strlen(prefix)) == 0 &&
		    (cJSON_GetObjectItem(h, "Authorization") != NULL ||
		    cJSON_GetObjectItem(h, "authorization") != NULL))
			seen = true;
	}
	cJSON_Delete(root);
	free(body);
	return seen;
}


/* ---- tests */

static void
test_endpoints(struct client *c)
{
	struct waiter w = { 0 };
	char err[CLIENT_ERR_MAX], next[1024];

	T_OK(wait_id(c, &w, replicate_account_get(c, err, sizeof err), 5000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_EQ(w.ev.req, CLIENT_REQ_ACCOUNT);
	T_STREQ(w.ev.account->username, "acme");

	T_OK(wait_id(c, &w, replicate_hardware_list(c, err, sizeof err), 5000));
	T_EQ(w.ev.hardware->n, 4);

	T_OK(wait_id(c, &w, replicate_models_list(c, NULL, err, sizeof err),
	    5000));
	T_OK(w.ev.models != NULL && w.ev.models->n == 25);
	T_OK(w.ev.models->next != NULL);
	snprintf(next, sizeof next, "%s", w.ev.models->next);
	T_OK(wait_id(c, &w, replicate_models_list(c, next, err, sizeof err),
	    5000));
	T_OK(w.ev.models != NULL && w.ev.models->n > 0);
	T_OK(w.ev.models->previous != NULL);

	T_OK(wait_id(c, &w, replicate_models_search(c, "llama", err,
	    sizeof err), 5000));
	T_EQ(w.ev.req, CLIENT_REQ_SEARCH);
	T_OK(w.ev.models != NULL && w.ev.models->n == 25);
	T_EQ(count_requests(c, "QUERY", "/v1/models"), 1);

	T_OK(wait_id(c, &w, replicate_collections_list(c, NULL, err,
	    sizeof err), 5000));
	T_OK(w.ev.collections != NULL && w.ev.collections->n == 19);
	T_OK(wait_id(c, &w, replicate_collection_get(c, "text-to-image", err,
	    sizeof err), 5000));
	T_OK(w.ev.collection != NULL && w.ev.collection->n_models == 38);

	T_OK(wait_id(c, &w, replicate_model_get(c, "stability-ai", "sdxl", err,
	    sizeof err), 5000));
	T_OK(w.ev.model != NULL && w.ev.model->latest_version != NULL);
	snprintf(next, sizeof next, "%s", w.ev.model->latest_version->id);
	T_OK(wait_id(c, &w, replicate_version_get(c, "stability-ai", "sdxl",
	    next, err, sizeof err), 5000));
	T_OK(w.ev.version != NULL && strcmp(w.ev.version->id, next) == 0);
	T_OK(wait_id(c, &w, replicate_versions_list(c, "stability-ai", "sdxl",
	    NULL, err, sizeof err), 5000));
	T_OK(w.ev.versions != NULL && w.ev.versions->n >= 1);
	T_OK(wait_id(c, &w, replicate_examples_list(c, "stability-ai", "sdxl",
	    NULL, err, sizeof err), 5000));
	T_OK(w.ev.predictions != NULL && w.ev.predictions->n == 1);
	T_OK(wait_id(c, &w, replicate_predictions_list(c, NULL, err,
	    sizeof err), 5000));
	T_OK(w.ev.predictions != NULL && w.ev.predictions->n >= 5);
	T_OK(wait_id(c, &w, replicate_prediction_get(c,
	    "azaq55dbukgxg6kubr4k6g3pby", err, sizeof err), 5000));
	T_OK(w.ev.prediction != NULL && w.ev.prediction->status ==
	    PREDICTION_SUCCEEDED);

	/* official models have no version list: a clear 404 */
	T_OK(wait_id(c, &w, replicate_versions_list(c, "meta",
	    "meta-llama-3-8b-instruct", NULL, err, sizeof err), 5000));
	T_EQ(w.ev.kind, CLIENT_EV_ERROR);
	T_EQ(w.ev.rc, CLIENT_ENOTFOUND);
	T_STREQ(w.err, "versions list meta/meta-llama-3-8b-instruct: Official "
	    "models don't have a list of versions. (HTTP 404)");
	T_OK(wait_id(c, &w, replicate_model_get(c, "nobody", "nothing", err,
	    sizeof err), 5000));
	T_EQ(w.ev.rc, CLIENT_ENOTFOUND);
	T_OK(strncmp(w.err, "model get nobody/nothing: ", 26) == 0);
	/* bad arguments fail at once with a message */
	T_EQ(replicate_model_get(c, "", "x", err, sizeof err), 0);
	T_OK(strstr(err, "bad model name") != NULL);
	T_EQ(replicate_prediction_get(c, "", err, sizeof err), 0);
	w_free(&w);
}

static void
test_auth(void)
{
	struct client *bad = new_client("r8_wrong_token_zz9", NULL);
	struct client *none = new_client(NULL, NULL);
	struct waiter w = { 0 };
	char err[CLIENT_ERR_MAX];

	T_OK(wait_id(bad, &w, replicate_account_get(bad, err, sizeof err),
	    5000));
	T_EQ(w.ev.rc, CLIENT_EAUTH);
	T_EQ(w.ev.http_status, 401);
	T_STREQ(w.err, "account get: Unauthenticated: You did not pass a valid "
	    "authentication token (HTTP 401)");
	T_OK(strstr(w.err, "r8_wrong") == NULL);
	T_OK(wait_id(none, &w, replicate_hardware_list(none, err, sizeof err),
	    5000));
	T_EQ(w.ev.rc, CLIENT_EAUTH);
	w_free(&w);
	client_free(bad);
	client_free(none);
}

static void
test_faults(struct client *c)
{
	struct waiter w = { 0 };
	char err[CLIENT_ERR_MAX];
	long long t0;

	/* 429 waits Retry-After, then succeeds */
	fake_reset(c);
	fault(c, "{\"kind\":\"429\",\"path\":\"/v1/account\",\"retry_after\":1}");
	t0 = client_now_ms();
	T_OK(wait_id(c, &w, replicate_account_get(c, err, sizeof err), 8000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_OK(client_now_ms() - t0 >= 950);
	T_EQ(count_requests(c, "GET", "/v1/account"), 2);

	/* 500 and a dropped connection: a GET is retried */
	fake_reset(c);
	fault(c, "[{\"kind\":\"500\",\"path\":\"/v1/hardware\"},"
	    "{\"kind\":\"drop\",\"path\":\"/v1/hardware\"},"
	    "{\"kind\":\"503\",\"path\":\"/v1/hardware\"}]");
	T_OK(wait_id(c, &w, replicate_hardware_list(c, err, sizeof err), 8000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_OK(w.ev.hardware != NULL && w.ev.hardware->n == 4);
	T_EQ(count_requests(c, "GET", "/v1/hardware"), 4);

	/* a 503 with Retry-After: 1 waits that long */
	fake_reset(c);
	fault(c, "{\"kind\":\"503\",\"path\":\"/v1/hardware\","
	    "\"retry_after\":\"1\"}");
	t0 = client_now_ms();
	T_OK(wait_id(c, &w, replicate_hardware_list(c, err, sizeof err), 8000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_OK(client_now_ms() - t0 >= 950);

	/* 500 forever: the retries end, with the server's message */
	fake_reset(c);
	fault(c, "{\"kind\":\"500\",\"path\":\"/v1/hardware\",\"count\":50}");
	T_OK(wait_id(c, &w, replicate_hardware_list(c, err, sizeof err),
	    15000));
	T_EQ(w.ev.kind, CLIENT_EV_ERROR);
	T_EQ(w.ev.rc, CLIENT_EHTTP);
	T_STREQ(w.err, "hardware list: Internal server error (HTTP 500)");
	T_EQ(count_requests(c, "GET", "/v1/hardware"), 6);	/* 1 + 5 */

	/* a create is retried on 429 only, never on an ambiguous 500/drop */
	fake_reset(c);
	fault(c, "{\"kind\":\"429\",\"path\":\"/v1/predictions$\","
	    "\"method\":\"POST\",\"retry_after\":0}");
	{
		struct replicate_create rq = { "stability-ai", "sdxl",
			"7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd"
			"46c929f9bdc", "{\"prompt\":\"x\"}", 0, NULL, NULL,
			NULL };

		T_OK(wait_id(c, &w, replicate_prediction_create(c, &rq, err,
		    sizeof err), 8000));
		T_EQ(w.ev.kind, CLIENT_EV_DONE);
		T_EQ(count_requests(c, "POST", "/v1/predictions"), 2);
		fake_reset(c);
		fault(c, "{\"kind\":\"500\",\"path\":\"/v1/predictions$\","
		    "\"method\":\"POST\"}");
		T_OK(wait_id(c, &w, replicate_prediction_create(c, &rq, err,
		    sizeof err), 8000));
		T_EQ(w.ev.kind, CLIENT_EV_ERROR);
		T_EQ(count_requests(c, "POST", "/v1/predictions"), 1);
		fake_reset(c);
		fault(c, "{\"kind\":\"drop\",\"path\":\"/v1/predictions$\","
		    "\"method\":\"POST\"}");
		T_OK(wait_id(c, &w, replicate_prediction_create(c, &rq, err,
		    sizeof err), 8000));
		T_EQ(w.ev.kind, CLIENT_EV_ERROR);
		T_EQ(w.ev.rc, CLIENT_ENET);
		T_OK(strncmp(w.err, "prediction create stability-ai/sdxl: ",
		    37) == 0);
		T_EQ(count_requests(c, "POST", "/v1/predictions"), 1);
		/* input that is not JSON never leaves */
		rq.input_json = "{\"prompt\":";
		T_EQ(replicate_prediction_create(c, &rq, err, sizeof err), 0);
		T_OK(strstr(err, "input: malformed JSON") != NULL);
	}

	/* a truncated body: malformed JSON with its byte offset */
	fake_reset(c);
	fault(c, "{\"kind\":\"truncate\",\"path\":\"/v1/models/stability-ai/"
	    "sdxl$\",\"bytes\":\"500\"}");
	T_OK(wait_id(c, &w, replicate_model_get(c, "stability-ai", "sdxl", err,
	    sizeof err), 8000));
	T_EQ(w.ev.kind, CLIENT_EV_ERROR);
	T_EQ(w.ev.rc, CLIENT_EPARSE);
	printf("     e.g. \"%s\"\n", w.err);
	T_OK(strstr(w.err, "model get stability-ai/sdxl: model: malformed JSON")
	    != NULL && strstr(w.err, "of 500") != NULL);
	w_free(&w);
}

static void
total_1500(struct client_config *cc)
{
	cc->retry_total_ms = 1500;
}

/*
 * Nothing listening: the error names HOST:PORT and the reason after a few
 * quick attempts (about 2 s), not 6 attempts over 18 s; a 429 says what is
 * waited for and how long; a huge Retry-After ends at the total cap.
 */
static void
test_waits(struct client *c0)
{
	struct client_config cc;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct waiter w = { 0 };
	char err[CLIENT_ERR_MAX], api[96], want[96], why[160];
	const char *at;
	struct client *c;
	long left = -1;
	int fd, i, port = 0;
	bool waiting = false;

	/* a port that was free a moment ago */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	client_config_defaults(&cc);
	snprintf(api, sizeof api, "http://127.0.0.1:%d/v1", port);
	cc.api_base = api;
	c = client_new(&cc, err, sizeof err);
	if (T_OK(c != NULL && port > 0)) {
		T_OK(wait_id(c, &w, replicate_account_get(c, err, sizeof err),
		    20000));
		T_EQ(w.ev.kind, CLIENT_EV_ERROR);
		T_EQ(w.ev.rc, CLIENT_ENET);
		snprintf(want, sizeof want, "cannot connect to 127.0.0.1:%d "
		    "(connection refused)", port);
		if (!T_OK(strstr(w.err, want) != NULL))
			printf("     got \"%s\"\n", w.err);
		/* the default backoff (0.5 s, 1 s, ...) fits 3 in 2 s */
		at = strstr(w.err, "(after ");
		T_OK(at == NULL || atoi(at + 7) <= 3);
		w_free(&w);
	}
	client_free(c);

	/* a 429 tells what is waited for, and for how long */
	fake_reset(c0);
	fault(c0, "{\"kind\":\"429\",\"path\":\"/v1/account\","
	    "\"retry_after\":2}");
	w.id = replicate_account_get(c0, err, sizeof err);
	T_OK(!client_retry_wait(c0, why, sizeof why, &left));
	T_STREQ(why, "");
	for (i = 0; i < 500 && !waiting && !w.done; i++) {
		client_wait(c0, NULL, 0, 10, err, sizeof err);
		client_pump(c0, on_event, &w);
		waiting = client_retry_wait(c0, why, sizeof why, &left);
	}
	T_OK(waiting);
	if (!T_OK(strstr(why, "rate limited by 127.0.0.1:") != NULL &&
	    strstr(why, "(HTTP 429): retry 1") != NULL))
		printf("     why \"%s\"\n", why);
	T_OK(left > 0 && left <= 2000);
	T_OK(wait_id(c0, &w, w.id, 8000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_OK(!client_retry_wait(c0, why, sizeof why, &left));
	T_EQ(left, 0);

	/* Retry-After: 3600 (capped at 60 s per wait) ends at the total */
	c = new_client(TOKEN, total_1500);
	if (T_OK(c != NULL)) {
		fake_reset(c);
		fault(c, "{\"kind\":\"429\",\"path\":\"/v1/account\","
		    "\"retry_after\":3600,\"count\":50}");
		T_OK(wait_id(c, &w, replicate_account_get(c, err, sizeof err),
		    10000));
		T_EQ(w.ev.kind, CLIENT_EV_ERROR);
		T_EQ(count_requests(c, "GET", "/v1/account"), 2);
		T_OK(strstr(w.err, "429") != NULL);
		w_free(&w);
		fake_reset(c);
	}
	client_free(c);
}

static void
short_timeout(struct client_config *cc)
{
	cc->request_timeout_ms = 400;
	cc->max_retries = 1;
}

static void
small_cap(struct client_config *cc)
{
	cc->max_json_bytes = 4096;
}

static void
test_limits(struct client *c)
{
	struct client *t = new_client(TOKEN, short_timeout);
	struct client *s = new_client(TOKEN, small_cap);
	struct waiter w = { 0 };
	char err[CLIENT_ERR_MAX];
	long long t0;

	/*
	 * a slow server: the request times out (and one retry too). Two 400 ms
	 * attempts and a backoff take about 1.5 s; the server would answer
	 * after 10 s, so a generous bound still tells the two apart.
	 */
	fake_reset(c);
	fault(c, "{\"kind\":\"slow\",\"path\":\"/v1/account\",\"delay\":10,"
	    "\"count\":2}");
	t0 = client_now_ms();
	T_OK(wait_id(t, &w, replicate_account_get(t, err, sizeof err), 9000));
	T_EQ(w.ev.kind, CLIENT_EV_ERROR);
	T_EQ(w.ev.rc, CLIENT_ETIMEOUT);
	T_OK(client_now_ms() - t0 < 6000);
	T_OK(strstr(w.err, "after 2 attempts") != NULL);
	printf("     e.g. \"%s\"\n", w.err);

	/* a body over the cap is cut off in the write callback */
	T_OK(wait_id(s, &w, replicate_models_list(s, NULL, err, sizeof err),
	    5000));
	T_EQ(w.ev.kind, CLIENT_EV_ERROR);
	T_EQ(w.ev.rc, CLIENT_ELIMIT);
	T_STREQ(w.err, "models list: response larger than 4096 bytes");
	w_free(&w);
	client_free(t);
	client_free(s);
}

/* Create a prediction and return it (caller frees), NULL on failure. */
static struct prediction *
create(struct client *c, const char *owner, const char *name,
    const char *version, const char *input, int wait_s)
{
	struct replicate_create rq = { owner, name, version, input, wait_s,
		NULL, NULL, NULL };
	struct waiter w = { 0 };
	struct prediction *p;
	char err[CLIENT_ERR_MAX];

	if (!wait_id(c, &w, replicate_prediction_create(c, &rq, err,
	    sizeof err), 70000) || w.ev.kind != CLIENT_EV_DONE) {
		printf("     create: %s %s\n", err, w.err);
		w_free(&w);
		return NULL;
	}
	p = w.ev.prediction;
	w.ev.prediction = NULL;
	w_free(&w);
	return p;
}

static const char *SDXL = "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96e"
    "efd46c929f9bdc";

static void
test_follow(struct client *c)
{
	struct waiter w = { 0 };
	struct prediction *p;
	char err[CLIENT_ERR_MAX], *s;

	/* SSE all the way: create, one stream, one final GET */
	fake_reset(c);
	p = create(c, "meta", "meta-llama-3-8b-instruct", NULL,
	    "{\"prompt\":\"haiku\",\"max_tokens\":20}", 0);
	T_OK(p != NULL && p->url_stream != NULL);
	T_OK(wait_id(c, &w, replicate_prediction_follow(c, p, err, sizeof err),
	    10000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_EQ(w.ev.req, CLIENT_REQ_FOLLOW);
	T_OK(w.saw_streaming);
	T_EQ(w.mode_changes, 0);
	T_OK(w.output_changes >= 2);
	T_EQ(w.ev.prediction->status, PREDICTION_SUCCEEDED);
	T_EQ(w.ev.prediction->n_outputs, 20);
	T_OK(w.ev.prediction->metrics.output_token_count == 20);
	T_EQ(count_requests(c, "GET", "/v1/streams/"), 1);
	T_EQ(count_requests(c, "GET", "/v1/predictions/"), 1);
	T_OK(!sent_auth(c, "/v1/streams/"));	/* a capability URL */
	T_OK(sent_auth(c, "/v1/predictions/"));
	s = prediction_join_text(w.ev.prediction, "");
	T_OK(s != NULL && strlen(s) > 10);
	free(s);
	prediction_free(p);

	/* the stream drops after 3 events: polling takes over */
	fake_reset(c);
	fault(c, "{\"kind\":\"drop_sse\",\"events\":3}");
	p = create(c, "meta", "meta-llama-3-8b-instruct", NULL,
	    "{\"prompt\":\"haiku\",\"max_tokens\":20}", 0);
	T_OK(wait_id(c, &w, replicate_prediction_follow(c, p, err, sizeof err),
	    10000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_EQ(w.mode_changes, 1);
	T_EQ(w.ev.prediction->status, PREDICTION_SUCCEEDED);
	T_EQ(w.ev.prediction->n_outputs, 20);	/* nothing lost */
	T_OK(count_requests(c, "GET", "/v1/predictions/") >= 1);
	prediction_free(p);

	/* no stream URL: polling from the start, with backoff */
	fake_reset(c);
	p = create(c, "stability-ai", "sdxl", SDXL, "{\"prompt\":\"x\"}", 0);
	free(p->url_stream);
	p->url_stream = NULL;
	T_OK(wait_id(c, &w, replicate_prediction_follow(c, p, err, sizeof err),
	    10000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_OK(!w.saw_streaming);
	T_EQ(w.ev.prediction->status, PREDICTION_SUCCEEDED);
	T_EQ(count_requests(c, "GET", "/v1/streams/"), 0);
	T_OK(count_requests(c, "GET", "/v1/predictions/") >= 2);
	T_OK(w.log_changes >= 1);
	prediction_free(p);
	w_free(&w);
}

struct stopper {
	struct client *c;
	unsigned id;
	int	 progress, after;
};

/* Cancels the follow from inside its first PROGRESS callback. */
static void
on_stop(struct client_event *ev, void *arg)
{
	struct stopper *st = arg;

	if (ev->id != st->id)
		return;
	if (st->progress++ == 0) {
		client_cancel(st->c, st->id);
		return;
	}
	st->after++;
}

static void
test_cancel_inside(struct client *c)
{
	struct stopper st = { c, 0, 0, 0 };
	struct prediction *p;
	char err[CLIENT_ERR_MAX];
	long long end;

	fake_reset(c);
	p = create(c, "meta", "meta-llama-3-8b-instruct", NULL,
	    "{\"prompt\":\"haiku\",\"max_tokens\":20}", 0);
	st.id = replicate_prediction_follow(c, p, err, sizeof err);
	T_OK(st.id != 0);
	end = client_now_ms() + 1500;
	while (client_now_ms() < end) {
		client_wait(c, NULL, 0, 50, err, sizeof err);
		client_pump(c, on_stop, &st);
	}
	T_EQ(st.progress, 1);
	T_EQ(st.after, 0);
	T_EQ(client_pending(c), 0);
	prediction_free(p);
}

static void
short_stall(struct client_config *cc)
{
	cc->stream_stall_ms = 300;
	cc->poll_min_ms = 50;
	cc->poll_max_ms = 200;
}

static void
test_stall(struct client *c)
{
	struct client *s = new_client(TOKEN, short_stall);
	struct waiter w = { 0 };
	struct prediction *p;
	char err[CLIENT_ERR_MAX];

	fake_reset(c);
	fault(c, "{\"kind\":\"stall_sse\",\"events\":1}");
	p = create(s, "meta", "meta-llama-3-8b-instruct", NULL,
	    "{\"prompt\":\"haiku\",\"max_tokens\":10}", 0);
	T_OK(wait_id(s, &w, replicate_prediction_follow(s, p, err, sizeof err),
	    10000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_EQ(w.mode_changes, 1);
	T_EQ(w.ev.prediction->status, PREDICTION_SUCCEEDED);
	T_EQ(w.ev.prediction->n_outputs, 10);
	prediction_free(p);
	w_free(&w);
	client_free(s);
}

static bool
same_file(const char *path, const char *fixture)
{
	size_t a = 0, b = 0;
	char *x = t_slurp(fixture, &b), *y = t_slurp(path, &a);
	bool same = x != NULL && y != NULL && a == b && memcmp(x, y, a) == 0;

	free(x);
	free(y);
	return same;
}

static void
test_statuses_outputs(struct client *c)
{
	struct waiter w = { 0 };
	struct prediction *p;
	char err[CLIENT_ERR_MAX], dir[] = "/tmp/t_client_net.XXXXXX";
	size_t i;

	T_OK(mkdtemp(dir) != NULL);
	/* succeeded, 2 files: saved byte-identical to what the fake served */
	fake_reset(c);
	p = create(c, "stability-ai", "sdxl", SDXL,
	    "{\"prompt\":\"corgi\",\"num_outputs\":2}", 0);
	T_OK(wait_id(c, &w, replicate_prediction_follow(c, p, err, sizeof err),
	    10000));
	prediction_free(p);
	p = w.ev.prediction;
	w.ev.prediction = NULL;
	T_EQ(p->status, PREDICTION_SUCCEEDED);
	T_EQ(p->n_outputs, 2);
	T_OK(wait_id(c, &w, outputs_save(c, p, dir, err, sizeof err), 10000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_OK(w.ev.saved != NULL && w.ev.saved->n == 2);
	for (i = 0; w.ev.saved != NULL && i < w.ev.saved->n; i++) {
		T_OK(same_file(w.ev.saved->paths[i],
		    "tests/fixtures/images/sdxl-corgi-512.png"));
		T_OK(strstr(w.ev.saved->paths[i], "/out-") != NULL);
		remove(w.ev.saved->paths[i]);
	}
	T_OK(!sent_auth(c, "/files/"));		/* no token to file hosts */
	prediction_free(p);

	/* Prefer: wait with data: URI outputs, decoded to the same bytes */
	p = create(c, "stability-ai", "sdxl", SDXL,
	    "{\"prompt\":\"DATAURI corgi\",\"output_format\":\"webp\"}", 10);
	T_OK(p != NULL && p->n_outputs == 1 &&
	    p->outputs[0].kind == PREDICTION_OUTPUT_DATA);
	T_OK(wait_id(c, &w, outputs_save(c, p, dir, err, sizeof err), 10000));
	T_OK(w.ev.saved != NULL && w.ev.saved->n == 1);
	if (w.ev.saved != NULL && w.ev.saved->n == 1) {
		T_OK(strstr(w.ev.saved->paths[0], "/output.webp") != NULL);
		T_OK(same_file(w.ev.saved->paths[0],
		    "tests/fixtures/images/sdxl-corgi-512.webp"));
		remove(w.ev.saved->paths[0]);
	}
	prediction_free(p);

	/* failed: the model's error, no outputs */
	p = create(c, "stability-ai", "sdxl", SDXL, "{\"prompt\":\"FAIL\"}",
	    0);
	T_OK(wait_id(c, &w, replicate_prediction_follow(c, p, err, sizeof err),
	    10000));
	T_EQ(w.ev.kind, CLIENT_EV_DONE);
	T_EQ(w.ev.prediction->status, PREDICTION_FAILED);
	T_STREQ(w.ev.prediction->error, "NSFW content detected. Try running it "
	    "again, or try a different prompt.");
	prediction_free(p);

	/* canceled while followed */
	p = create(c, "stability-ai", "sdxl", SDXL, "{\"prompt\":\"x\"}", 0);
	{
		struct waiter cw = { 0 };
		unsigned fid = replicate_prediction_follow(c, p, err,
		    sizeof err);

		/* the follow may end before the cancel's answer is read:
		 * both are awaited together */
		T_OK(wait_two(c, &cw, replicate_prediction_cancel(c, p->id, err,
		    sizeof err), &w, fid, 15000));
		T_EQ(cw.ev.kind, CLIENT_EV_DONE);
		T_OK(cw.ev.prediction != NULL &&
		    cw.ev.prediction->status == PREDICTION_CANCELED);
		w_free(&cw);
		T_EQ(w.ev.kind, CLIENT_EV_DONE);
		T_OK(w.ev.prediction != NULL &&
		    w.ev.prediction->status == PREDICTION_CANCELED);
	}
	prediction_free(p);

	/* cancel an unknown prediction: 404, named */
	T_OK(wait_id(c, &w, replicate_prediction_cancel(c, "nope", err,
	    sizeof err), 5000));
	T_EQ(w.ev.rc, CLIENT_ENOTFOUND);
	T_OK(strncmp(w.err, "prediction cancel nope: ", 24) == 0);

	/* a local cancel: no event ever comes for it */
	{
		unsigned id = replicate_hardware_list(c, err, sizeof err);

		client_cancel(c, id);
		T_OK(!wait_id(c, &w, id, 300));
		T_EQ(client_pending(c), 0);
	}

	/* upload: the fake stores what we sent */
	{
		char path[128];
		FILE *fp;

		snprintf(path, sizeof path, "%s/in put.txt", dir);
		fp = fopen(path, "w");
		fputs("hello upload\n", fp);
		fclose(fp);
		T_OK(wait_id(c, &w, replicate_file_upload(c, path, "text/plain",
		    err, sizeof err), 5000));
		T_EQ(w.ev.kind, CLIENT_EV_DONE);
		T_STREQ(w.ev.file->name, "in put.txt");
		T_STREQ(w.ev.file->content_type, "text/plain");
		T_EQ(w.ev.file->size, 13);
		T_OK(w.ev.file->url_get != NULL);
		remove(path);
	}
	rmdir(dir);
	w_free(&w);
}

/* Prefer: wait returned some tokens; the stream replays them all from
 * the start: no token may be counted twice, even for a moment. */
static void
replay_test(void)
{
	const char *const extra[] = { "--speed", "0.5", "--quiet", NULL };
	char url[128], saved[128], err[CLIENT_ERR_MAX];
	struct client *c;
	struct waiter w = { 0 };
	struct prediction *p;
	pid_t pid;

	if (!T_OK(fake_start("replicate.py", extra, &pid, url, sizeof url) ==
	    0))
		return;
	snprintf(saved, sizeof saved, "%s", base);
	snprintf(base, sizeof base, "%s", url);
	c = new_client(TOKEN, NULL);
	p = create(c, "meta", "meta-llama-3-8b-instruct", NULL,
	    "{\"prompt\":\"haiku\",\"max_tokens\":40}", 1);
	T_OK(p != NULL && p->status == PREDICTION_PROCESSING &&
	    p->n_outputs > 0 && p->n_outputs < 40);
	if (p != NULL) {
		T_OK(wait_id(c, &w, replicate_prediction_follow(c, p, err,
		    sizeof err), 15000));
		T_OK(w.ev.prediction != NULL &&
		    w.ev.prediction->n_outputs == 40);
		T_OK(w.saw_streaming);
		T_OK(w.max_outputs <= 40);
	}
	prediction_free(p);
	w_free(&w);
	client_free(c);
	fake_stop(pid);
	snprintf(base, sizeof base, "%s", saved);
}

static void
slow_fake_test(void)
{
	const char *const extra[] = { "--speed", "0.05", "--quiet", NULL };
	char url[128], saved[128], err[CLIENT_ERR_MAX];
	struct client *c;
	struct waiter w = { 0 };
	struct replicate_create rq = { "stability-ai", "sdxl", SDXL,
		"{\"prompt\":\"x\"}", 0, NULL, NULL, "5s" };
	pid_t pid;

	/* aborted: Cancel-After passes before the prediction starts */
	if (!T_OK(fake_start("replicate.py", extra, &pid, url, sizeof url) ==
	    0))
		return;
	snprintf(saved, sizeof saved, "%s", base);
	snprintf(base, sizeof base, "%s", url);
	c = new_client(TOKEN, NULL);
	T_OK(wait_id(c, &w, replicate_prediction_create(c, &rq, err,
	    sizeof err), 5000));
	T_OK(w.ev.prediction != NULL);
	if (w.ev.prediction != NULL) {
		struct prediction *p = w.ev.prediction;

		w.ev.prediction = NULL;
		T_OK(wait_id(c, &w, replicate_prediction_follow(c, p, err,
		    sizeof err), 15000));
		T_EQ(w.ev.kind, CLIENT_EV_DONE);
		T_EQ(w.ev.prediction->status, PREDICTION_ABORTED);
		T_OK(prediction_status_terminal(w.ev.prediction->status));
		prediction_free(p);
	}
	w_free(&w);
	client_free(c);
	fake_stop(pid);
	snprintf(base, sizeof base, "%s", saved);
}

static void
test_scrub(void)
{
	struct client *c = new_client("r8_abc_secret_77", NULL);
	char msg[128];

	/* a server echoing the token back never gets it into a message */
	snprintf(msg, sizeof msg, "bad token r8_abc_secret_77, again "
	    "r8_abc_secret_77.");
	client_scrub(c, msg);
	T_STREQ(msg, "bad token [token], again [token].");
	client_free(c);
}

static void
test_wait_fds(struct client *c)
{
	struct pollfd pfd;
	char err[CLIENT_ERR_MAX];
	long long t0;
	int fds[2];

	/* the caller's descriptors are polled with the network */
	T_OK(pipe(fds) == 0);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	T_OK(write(fds[1], "x", 1) == 1);
	T_EQ(client_wait(c, &pfd, 1, 2000, err, sizeof err), 0);
	T_OK(pfd.revents & POLLIN);
	/* nothing ready: the timeout is honoured */
	{
		char b;

		T_OK(read(fds[0], &b, 1) == 1);
	}
	t0 = client_now_ms();
	T_EQ(client_wait(c, &pfd, 1, 150, err, sizeof err), 0);
	T_OK(pfd.revents == 0);
	T_OK(client_now_ms() - t0 >= 140);
	close(fds[0]);
	close(fds[1]);
	/* the last of the 16 it takes is seen too; 17 is refused */
	{
		struct pollfd many[CLIENT_MAX_WAIT_FDS + 1];
		int p[2];
		unsigned i;

		T_OK(pipe(p) == 0);
		for (i = 0; i <= CLIENT_MAX_WAIT_FDS; i++) {
			many[i].fd = i == CLIENT_MAX_WAIT_FDS - 1 ? p[0] : -1;
			many[i].events = POLLIN;
		}
		T_OK(write(p[1], "y", 1) == 1);
		T_EQ(client_wait(c, many, CLIENT_MAX_WAIT_FDS, 1000, err,
		    sizeof err), 0);
		T_OK(many[CLIENT_MAX_WAIT_FDS - 1].revents & POLLIN);
		T_EQ(client_wait(c, many, CLIENT_MAX_WAIT_FDS + 1, 10, err,
		    sizeof err), -1);
		T_OK(strstr(err, "at most 16") != NULL);
		close(p[0]);
		close(p[1]);
	}
}

int
main(void)
{
	const char *const extra[] = { "--speed", "4", "--quiet", NULL };
	struct client *c;
	pid_t pid;

	if (fake_start("replicate.py", extra, &pid, base, sizeof base) != 0) {
		T_OK(!"fake started");
		return T_SUMMARY();
	}
	c = new_client(TOKEN, NULL);
	if (T_OK(c != NULL)) {
		test_endpoints(c);
		test_auth();
		test_faults(c);
		test_waits(c);
		test_limits(c);
		test_follow(c);
		test_stall(c);
		test_cancel_inside(c);
		test_statuses_outputs(c);
		test_wait_fds(c);
		test_scrub();
	}
	client_free(c);
	fake_stop(pid);
	replay_test();
	slow_fake_test();
	return T_SUMMARY();
}
