/*
 * client/net/client.c: the client loop. Owns the curl multi handle, client
 * timers, watched descriptors and logical operations; client_wait() is the
 * one blocking call, client_pump() delivers events. Requests themselves are
 * in http.c.
 */
#include "client/net/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"

#ifndef R8PLAY_VERSION
#define R8PLAY_VERSION "0"
#endif

static const char *const req_names[] = {
#define X(id, name) name,
	CLIENT_REQ_LIST(X)
#undef X
};

const char *
client_req_name(enum client_req req)
{
	if ((unsigned)req >= CLIENT_REQ__COUNT)
		return "request";
	return req_names[req];
}

long long
client_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
client_config_defaults(struct client_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->connect_timeout_ms = 10000;
	cfg->low_speed_time_s = 30;
	cfg->request_timeout_ms = 120000;
	cfg->stream_stall_ms = 35000;
	cfg->poll_min_ms = 500;
	cfg->poll_max_ms = 5000;
	cfg->retry_base_ms = 500;
	cfg->retry_max_ms = 30000;
	cfg->retry_total_ms = HTTP_RETRY_TOTAL_MS;
	cfg->max_retries = 5;
	cfg->max_json_bytes = CLIENT_MAX_JSON_BYTES;
	cfg->max_file_bytes = CLIENT_MAX_FILE_BYTES;
	cfg->max_run_bytes = CLIENT_MAX_RUN_BYTES;
}

static char *
dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = true;
	return d;
}

struct client *
client_new(const struct client_config *cfg, char *err, size_t errsz)
{
	struct client_config def;
	struct client *c;
	bool oom = false;
	size_t n;

	client_config_defaults(&def);
	if (cfg == NULL)
		cfg = &def;
	if (cfg->token != NULL) {
		/* a CR/LF would end the Authorization header and start
		 * another: refuse any control byte, naming none of the
		 * token's own bytes */
		const unsigned char *t = (const unsigned char *)cfg->token;

		for (; *t != '\0'; t++)
			if (*t < 0x20 || *t == 0x7f) {
				snprintf(err, errsz, "the API token (from "
				    "REPLICATE_API_TOKEN or the config file) "
				    "contains a %s: refusing to send it; "
				    "set it again without it", *t == '\r' ||
				    *t == '\n' ? "line break (CR/LF)" :
				    "control character");
				return NULL;
			}
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errsz, "client: curl could not start");
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		curl_global_cleanup();
		snprintf(err, errsz, "client: out of memory");
		return NULL;
	}
	c->cfg = *cfg;
#define DEF(f) if (c->cfg.f == 0) c->cfg.f = def.f
	DEF(connect_timeout_ms);
	DEF(low_speed_time_s);
	DEF(request_timeout_ms);
	DEF(stream_stall_ms);
	DEF(poll_min_ms);
	DEF(poll_max_ms);
	DEF(retry_base_ms);
	DEF(retry_max_ms);
	DEF(max_retries);
	DEF(retry_total_ms);
	DEF(max_json_bytes);
	DEF(max_file_bytes);
	DEF(max_run_bytes);
#undef DEF
	if (c->cfg.max_retries > CLIENT_MAX_RETRIES)
		c->cfg.max_retries = CLIENT_MAX_RETRIES;
	if (c->cfg.max_json_bytes > CLIENT_MAX_JSON_BYTES)
		c->cfg.max_json_bytes = CLIENT_MAX_JSON_BYTES;
	if (c->cfg.max_file_bytes > CLIENT_MAX_FILE_BYTES)
		c->cfg.max_file_bytes = CLIENT_MAX_FILE_BYTES;
	if (c->cfg.max_run_bytes > CLIENT_MAX_RUN_BYTES)
		c->cfg.max_run_bytes = CLIENT_MAX_RUN_BYTES;
	if (c->cfg.poll_max_ms < c->cfg.poll_min_ms)
		c->cfg.poll_max_ms = c->cfg.poll_min_ms;
	c->api_base = dup_or_null(cfg->api_base != NULL && *cfg->api_base ?
	    cfg->api_base : CLIENT_DEFAULT_API_BASE, &oom);
	c->token = dup_or_null(cfg->token != NULL && *cfg->token ?
	    cfg->token : NULL, &oom);
	c->user_agent = dup_or_null(cfg->user_agent != NULL ?
	    cfg->user_agent : "r8play/" R8PLAY_VERSION, &oom);
	c->output_dir = dup_or_null(cfg->output_dir, &oom);
	c->cfg.api_base = c->api_base;
	c->cfg.token = c->token;
	c->cfg.user_agent = c->user_agent;
	c->cfg.output_dir = c->output_dir;
	c->queue_tail = &c->queue;
	c->rng = (unsigned long long)client_now_ms() * 6364136223846793005ULL ^
	    (unsigned long long)getpid() ^ (unsigned long long)(size_t)c;
	if (c->rng == 0)
		c->rng = 0x9e3779b97f4a7c15ULL;
	/* part files a killed r8play left behind (outputs.h) */
	if (!oom)
		(void)outputs_clean_stale(c->output_dir);
	if (oom) {
		snprintf(err, errsz, "client: out of memory");
		client_free(c);
		return NULL;
	}
	n = strlen(c->api_base);
	while (n > 0 && c->api_base[n - 1] == '/')
		c->api_base[--n] = '\0';
	if (strncmp(c->api_base, "http://", 7) != 0 &&
	    strncmp(c->api_base, "https://", 8) != 0) {
		snprintf(err, errsz, "client: API base must be an http(s) URL: "
		    "%.120s", c->api_base);
		client_free(c);
		return NULL;
	}
	c->multi = curl_multi_init();
	if (c->multi == NULL) {
		snprintf(err, errsz, "client: curl_multi_init failed");
		client_free(c);
		return NULL;
	}
	return c;
}

static void
free_event_payload(struct client_event *ev)
{
	if (ev->kind != CLIENT_EV_PROGRESS)
		prediction_free(ev->prediction);
	replicate_model_page_free(ev->models);
	replicate_model_free(ev->model);
	replicate_collection_page_free(ev->collections);
	replicate_collection_free(ev->collection);
	replicate_version_page_free(ev->versions);
	replicate_version_free(ev->version);
	replicate_prediction_page_free(ev->predictions);
	replicate_hardware_free(ev->hardware);
	replicate_account_free(ev->account);
	replicate_file_free(ev->file);
	client_saved_free(ev->saved);
	free(ev->body);
	if (ev->data != NULL && ev->data_free != NULL)
		ev->data_free(ev->data);
}

void
client_free(struct client *c)
{
	struct client_timer *t;
	struct client_op *op;
	struct client_queued *q;

	if (c == NULL)
		return;
	while ((op = c->ops) != NULL) {
		c->ops = op->next;
		if (op->cancel != NULL)
			op->cancel(c, op->id, op->arg);
		free(op);
	}
	http_free_all(c);
	while ((t = c->timers) != NULL) {
		c->timers = t->next;
		free(t);
	}
	while ((q = c->queue) != NULL) {
		c->queue = q->next;
		free_event_payload(&q->ev);
		free(q);
	}
	if (c->multi != NULL)
		curl_multi_cleanup(c->multi);
	if (c->token != NULL) {
		/* do not leave the token in freed memory */
		volatile char *p = c->token;

		while (*p != '\0')
			*p++ = '\0';
	}
	free(c->api_base);
	free(c->token);
	free(c->user_agent);
	free(c->output_dir);
	free(c);
	curl_global_cleanup();	/* balances client_new's init */
}

const char *
client_api_base(const struct client *c)
{
	return c->api_base;
}

const struct client_config *
client_config_get(const struct client *c)
{
	return &c->cfg;
}

const char *
client_output_dir(const struct client *c)
{
	return c->output_dir;
}

unsigned long
client_rand(struct client *c, unsigned long n)
{
	unsigned long long x = c->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	return n == 0 ? 0 : (unsigned long)(x % n);
}

void
client_scrub(const struct client *c, char *s)
{
	size_t tl;
	char *p;

	if (c == NULL || c->token == NULL || s == NULL)
		return;
	tl = strlen(c->token);
	if (tl == 0)
		return;
	while ((p = strstr(s, c->token)) != NULL) {
		static const char mask[] = "[token]";
		size_t ml = sizeof mask - 1;

		if (tl >= ml) {
			memcpy(p, mask, ml);
			memmove(p + ml, p + tl, strlen(p + tl) + 1);
		} else
			memset(p, '*', tl);
	}
}

unsigned
client_next_id(struct client *c)
{
	if (++c->next_id == 0)
		c->next_id = 1;
	return c->next_id;
}

/* ---- timers */

unsigned
client_timer_start(struct client *c, long delay_ms, client_timer_fn fn,
    void *arg)
{
	struct client_timer *t = calloc(1, sizeof *t);

	if (t == NULL)
		return 0;
	t->id = client_next_id(c);
	t->due = client_now_ms() + (delay_ms > 0 ? delay_ms : 0);
	t->fn = fn;
	t->arg = arg;
	t->next = c->timers;
	c->timers = t;
	return t->id;
}

void
client_timer_stop(struct client *c, unsigned timer)
{
	struct client_timer **tp, *t;

	for (tp = &c->timers; (t = *tp) != NULL; tp = &t->next)
		if (t->id == timer) {
			*tp = t->next;
			free(t);
			return;
		}
}

static void
timers_fire(struct client *c, long long now)
{
	struct client_timer **tp, *t;

	/* one due timer at a time: callbacks may start or stop timers */
	for (;;) {
		for (tp = &c->timers; (t = *tp) != NULL; tp = &t->next)
			if (t->due <= now)
				break;
		if (t == NULL)
			return;
		*tp = t->next;
		t->fn(c, t->id, t->arg);
		free(t);
	}
}

/* ---- descriptors */

int
client_fd_watch(struct client *c, int fd, short events, client_fd_fn fn,
    void *arg)
{
	unsigned i;

	for (i = 0; i < c->n_watch; i++)
		if (c->watch[i].fd == fd) {
			c->watch[i].events = events;
			c->watch[i].fn = fn;
			c->watch[i].arg = arg;
			return 0;
		}
	if (c->n_watch >= CLIENT_MAX_FDS)
		return -1;
	c->watch[c->n_watch].fd = fd;
	c->watch[c->n_watch].events = events;
	c->watch[c->n_watch].revents = 0;
	c->watch[c->n_watch].fn = fn;
	c->watch[c->n_watch].arg = arg;
	c->n_watch++;
	return 0;
}

void
client_fd_unwatch(struct client *c, int fd)
{
	unsigned i;

	for (i = 0; i < c->n_watch; i++)
		if (c->watch[i].fd == fd) {
			c->watch[i] = c->watch[--c->n_watch];
			return;
		}
}

/* ---- operations */

int
client_op_add(struct client *c, unsigned id, client_op_cancel_fn cancel,
    void *arg)
{
	struct client_op *op = calloc(1, sizeof *op);

	if (op == NULL)
		return -1;
	op->id = id;
	op->cancel = cancel;
	op->arg = arg;
	op->next = c->ops;
	c->ops = op;
	return 0;
}

void
client_op_remove(struct client *c, unsigned id)
{
	struct client_op **opp, *op;

	for (opp = &c->ops; (op = *opp) != NULL; opp = &op->next)
		if (op->id == id) {
			*opp = op->next;
			free(op);
			return;
		}
}

void
client_cancel(struct client *c, unsigned id)
{
	struct client_op **opp, *op;

	if (c == NULL || id == 0)
		return;
	http_cancel(c, id);
	for (opp = &c->ops; (op = *opp) != NULL; opp = &op->next)
		if (op->id == id) {
			*opp = op->next;
			if (op->cancel != NULL)
				op->cancel(c, id, op->arg);
			free(op);
			return;
		}
}

unsigned
client_pending(const struct client *c)
{
	const struct client_op *op;
	unsigned n = http_count(c);

	for (op = c->ops; op != NULL; op = op->next)
		n++;
	return n;
}

/* ---- events */

static void
deliver(struct client *c, struct client_event *ev)
{
	if (c->fn != NULL) {
		c->fn(ev, c->fn_arg);
		c->delivered++;
	}
	free_event_payload(ev);
}

void
client_emit(struct client *c, struct client_event *ev)
{
	struct client_queued *q;
	char scrubbed[CLIENT_ERR_MAX];

	if (ev->err != NULL) {
		char *p;

		snprintf(scrubbed, sizeof scrubbed, "%s", ev->err);
		client_scrub(c, scrubbed);
		for (p = scrubbed; *p != '\0'; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		ev->err = scrubbed;
	}
	if (!c->in_curl) {
		deliver(c, ev);
		return;
	}
	/* inside a curl callback: the receiver may start requests, which
	 * curl forbids there, so deliver after curl_multi_perform() */
	q = calloc(1, sizeof *q);
	if (q == NULL) {
		free_event_payload(ev);
		return;
	}
	q->ev = *ev;
	if (ev->err != NULL) {
		snprintf(q->err, sizeof q->err, "%s", ev->err);
		q->ev.err = q->err;
	}
	*c->queue_tail = q;
	c->queue_tail = &q->next;
}

static void
flush_queue(struct client *c)
{
	struct client_queued *q;

	while ((q = c->queue) != NULL) {
		c->queue = q->next;
		if (c->queue == NULL)
			c->queue_tail = &c->queue;
		deliver(c, &q->ev);
		free(q);
	}
}

/* ---- the loop */

int
client_timeout_ms(const struct client *c, int max_ms)
{
	long long next = http_next_deadline(c), now, d;
	const struct client_timer *t;

	for (t = c->timers; t != NULL; t = t->next)
		if (next < 0 || t->due < next)
			next = t->due;
	if (c->queue != NULL)
		return 0;
	if (next < 0)
		return max_ms;
	now = client_now_ms();
	d = next > now ? next - now : 0;
	if (max_ms >= 0 && d > max_ms)
		d = max_ms;
	return d > INT_MAX ? INT_MAX : (int)d;
}

int
client_wait(struct client *c, struct pollfd *extra, unsigned n,
    int timeout_ms, char *err, size_t errsz)
{
	struct curl_waitfd wfd[CLIENT_MAX_WAIT_FDS + CLIENT_MAX_FDS];
	unsigned i, nw = 0, ne;
	int t, numfds = 0;
	CURLMcode mc;

	if (n > CLIENT_MAX_WAIT_FDS) {
		snprintf(err, errsz, "client: at most %u descriptors to wait on",
		    CLIENT_MAX_WAIT_FDS);
		return -1;
	}
	t = client_timeout_ms(c, timeout_ms < 0 ? 3600000 : timeout_ms);
	for (i = 0; i < n; i++) {
		wfd[nw].fd = extra[i].fd;
		wfd[nw].events = (short)(((extra[i].events & POLLIN) ?
		    CURL_WAIT_POLLIN : 0) | ((extra[i].events & POLLPRI) ?
		    CURL_WAIT_POLLPRI : 0) | ((extra[i].events & POLLOUT) ?
		    CURL_WAIT_POLLOUT : 0));
		wfd[nw].revents = 0;
		extra[i].revents = 0;
		nw++;
	}
	ne = nw;
	for (i = 0; i < c->n_watch; i++) {
		wfd[nw].fd = c->watch[i].fd;
		wfd[nw].events = (short)(((c->watch[i].events & POLLIN) ?
		    CURL_WAIT_POLLIN : 0) | ((c->watch[i].events & POLLOUT) ?
		    CURL_WAIT_POLLOUT : 0));
		wfd[nw].revents = 0;
		c->watch[i].revents = 0;
		nw++;
	}
	mc = curl_multi_poll(c->multi, nw > 0 ? wfd : NULL, nw, t, &numfds);
	if (mc != CURLM_OK) {
		if (errno == EINTR)
			return 0;
		snprintf(err, errsz, "client: poll failed: %s",
		    curl_multi_strerror(mc));
		return -1;
	}
	for (i = 0; i < nw; i++) {
		short rev = 0;

		if (wfd[i].revents & CURL_WAIT_POLLIN)
			rev |= POLLIN;
		if (wfd[i].revents & CURL_WAIT_POLLPRI)
			rev |= POLLPRI;
		if (wfd[i].revents & CURL_WAIT_POLLOUT)
			rev |= POLLOUT;
		if (i < ne)
			extra[i].revents = rev;
		else
			c->watch[i - ne].revents = rev;
	}
	return 0;
}

int
client_pump(struct client *c, client_event_fn fn, void *arg)
{
	client_event_fn ofn = c->fn;
	void *oarg = c->fn_arg;
	int running = 0, left, delivered, prev = c->delivered;
	struct CURLMsg *msg;
	long long now;
	unsigned i;

	c->fn = fn;
	c->fn_arg = arg;
	now = client_now_ms();
	http_start_due(c, now);
	c->in_curl = true;
	curl_multi_perform(c->multi, &running);
	c->in_curl = false;
	flush_queue(c);
	while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
		struct http_request *r = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&r);
		if (r != NULL)
			http_on_done(c, r, msg->data.result);
	}
	now = client_now_ms();
	http_check_stalls(c, now);
	timers_fire(c, now);
	for (i = 0; i < c->n_watch; i++) {
		short rev = c->watch[i].revents;

		if (rev != 0) {
			c->watch[i].revents = 0;
			c->watch[i].fn(c, c->watch[i].fd, rev,
			    c->watch[i].arg);
		}
	}
	flush_queue(c);
	http_reap(c);
	delivered = c->delivered - prev;
	c->fn = ofn;
	c->fn_arg = oarg;
	return delivered;
}

enum client_rc
client_run_until(struct client *c, bool (*done)(void *), void *done_arg,
    client_event_fn fn, void *fn_arg, struct pollfd *extra, unsigned n,
    int timeout_ms, char *err, size_t errsz)
{
	long long end = timeout_ms >= 0 ? client_now_ms() + timeout_ms : -1;
	unsigned i;

	for (;;) {
		int t = -1;

		client_pump(c, fn, fn_arg);
		if (done != NULL && done(done_arg))
			return CLIENT_OK;
		if (end >= 0) {
			long long left = end - client_now_ms();

			if (left <= 0) {
				snprintf(err, errsz, "timed out after %d ms",
				    timeout_ms);
				return CLIENT_ETIMEOUT;
			}
			t = left > INT_MAX ? INT_MAX : (int)left;
		}
		if (client_wait(c, extra, n, t, err, errsz) != 0)
			return CLIENT_ENET;
		for (i = 0; i < n; i++)
			if (extra[i].revents != 0)
				return CLIENT_OK;
	}
}

void
client_saved_free(struct client_saved *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->dir);
	free(s);
}
