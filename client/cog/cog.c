/*
 * client/cog/cog.c: the Cog server backend (see cog.h): parsing health-check
 * answers, the handle (cog_new/cog_free), the endpoint table and the glue that
 * lets the webhook listener run inside client_wait()/client_pump(). Messages
 * and schema-less input live in cog_msg.c, followed predictions and webhooks
 * in cog_pred.c, the requests themselves in cog_req.c (private: cog_int.h).
 */
#include "client/cog/cog.h"
#include "client/cog/cog_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/files/files.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"
#include "client/net/prediction.h"
#include "client/forms/schema.h"

static const char *const health_names[] = {
#define X(id, name) name,
	COG_HEALTH_LIST(X)
#undef X
};

const char *
cog_health_name(enum cog_health_state st)
{
	if ((unsigned)st >= COG_HEALTH__COUNT)
		return "UNKNOWN";
	return health_names[st];
}

bool
cog_health_can_predict(const struct cog_health *h)
{
	return h->state == COG_HEALTH_READY || h->state == COG_HEALTH_UNHEALTHY;
}

void
cog_health_done(struct cog_health *h)
{
	if (h == NULL)
		return;
	free(h->status_text);
	free(h->setup_status);
	free(h->setup_logs);
	free(h->setup_started_at);
	free(h->setup_completed_at);
	free(h->user_healthcheck_error);
	free(h->cog_version);
	memset(h, 0, sizeof *h);
}

void
cog_health_free(struct cog_health *h)
{
	cog_health_done(h);
	free(h);
}

enum client_rc
cog_health_parse(long status, const char *body, size_t len,
    struct cog_health *out, char *err, size_t errsz)
{
	enum client_rc rc = CLIENT_OK;
	const cJSON *setup, *ver;
	char jerr[160];
	cJSON *root;
	bool oom = false;
	size_t i;

	memset(out, 0, sizeof *out);
	out->http_status = status;
	if (status != 200 && status != 503) {
		cog_problem("health-check", status, body, len, err, errsz);
		return http_status_rc(status) == CLIENT_OK ? CLIENT_EHTTP :
		    http_status_rc(status);
	}
	root = json_parse(body, len, &rc, jerr, sizeof jerr);
	if (root == NULL) {
		if (status == 503) {
			/* newer Cog, not ready, body not JSON */
			out->state = COG_HEALTH_STARTING;
			return CLIENT_OK;
		}
		snprintf(err, errsz, "health-check: %s", jerr);
		return rc;
	}
	if (!cJSON_IsObject(root)) {
		snprintf(err, errsz, "health-check: expected an object");
		cJSON_Delete(root);
		return CLIENT_ESHAPE;
	}
	oom |= json_dup(root, "status", &out->status_text) != 0;
	out->state = status == 503 ? COG_HEALTH_STARTING : COG_HEALTH_UNKNOWN;
	if (out->status_text != NULL)
		for (i = 1; i < COG_HEALTH__COUNT; i++)
			if (strcmp(out->status_text, health_names[i]) == 0)
				out->state = (enum cog_health_state)i;
	if (out->status_text == NULL && status == 200) {
		snprintf(err, errsz, "health-check: no \"status\" in the body");
		cJSON_Delete(root);
		cog_health_done(out);
		out->http_status = status;
		return CLIENT_ESHAPE;
	}
	setup = json_obj(root, "setup");
	oom |= json_dup(setup, "status", &out->setup_status) != 0;
	oom |= json_dup(setup, "logs", &out->setup_logs) != 0;
	oom |= json_dup(setup, "started_at", &out->setup_started_at) != 0;
	oom |= json_dup(setup, "completed_at", &out->setup_completed_at) != 0;
	oom |= json_dup(root, "user_healthcheck_error",
	    &out->user_healthcheck_error) != 0;
	ver = json_obj(root, "version");
	oom |= json_dup(ver, "cog", &out->cog_version) != 0;
	cJSON_Delete(root);
	if (oom) {
		cog_health_done(out);
		snprintf(err, errsz, "health-check: out of memory");
		return CLIENT_ENOMEM;
	}
	return CLIENT_OK;
}

/* ---- the server, on the transport ---- */

const struct cog_endpoint_row cog_endpoints[] = {
#define X(id, method, path, what) { method, path, what },
	COG_ENDPOINT_LIST(X)
#undef X
};

/* base + the endpoint's path (with id) into buf; -1 when too long. */
int
cog_endpoint_url(const char *base, enum cog_endpoint ep, const char *id,
    char *buf, size_t n)
{
	char path[COG_MAX_ID + 64];
	int w;

	snprintf(path, sizeof path, cog_endpoints[ep].path, id ? id : "");
	w = snprintf(buf, n, "%s%s", base, path);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

static void cog_sync_fds(struct cog *g);

void
cog_random_hex(char *out, size_t nbytes)
{
	unsigned char b[32];
	size_t i;

	if (nbytes > sizeof b)
		nbytes = sizeof b;
	if (getrandom(b, nbytes, 0) != (ssize_t)nbytes) {
		/* no entropy source: still unique per process and time */
		unsigned long long x = (unsigned long long)client_now_ms() ^
		    ((unsigned long long)getpid() << 32) ^ (uintptr_t)out;

		for (i = 0; i < nbytes; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			b[i] = (unsigned char)(x >> 56);
		}
	}
	for (i = 0; i < nbytes; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

bool
cog_id_ok(const char *id)
{
	size_t n = strlen(id), i;

	if (n == 0 || n > COG_MAX_ID)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)id[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.'))
			return false;
	}
	return true;
}

void
cog_emit(struct cog *g, struct client_event *ev)
{
	ev->req = CLIENT_REQ_COG;
	client_emit(g->c, ev);
}

void
cog_emit_error(struct cog *g, unsigned op, enum client_rc rc, long status,
    const char *msg)
{
	struct client_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = CLIENT_EV_ERROR;
	ev.id = op;
	ev.rc = rc;
	ev.http_status = status;
	ev.err = msg;
	cog_emit(g, &ev);
}

/* ---- listener glue: its fds live in the client's watch table ---- */

static void
on_listener_fd(struct client *c, int fd, short revents, void *arg)
{
	struct cog *g = arg;
	struct pollfd p;

	(void)c;
	p.fd = fd;
	p.events = 0;
	p.revents = revents;
	listener_process(g->l, &p, 1);
	cog_sync_fds(g);
}

static void
on_listener_timer(struct client *c, unsigned timer, void *arg)
{
	struct cog *g = arg;

	(void)c;
	if (g->ltimer == timer)
		g->ltimer = 0;
	listener_process(g->l, NULL, 0);
	cog_sync_fds(g);
}

static void
cog_sync_fds(struct cog *g)
{
	struct pollfd fds[COG_LISTENER_CONNS + 1];
	unsigned n, i, j;
	int t;

	if (g->l == NULL)
		return;
	n = listener_fds(g->l, fds, COG_LISTENER_CONNS + 1);
	for (i = 0; i < g->nwatched; i++) {
		for (j = 0; j < n; j++)
			if (fds[j].fd == g->watched[i])
				break;
		if (j == n)
			client_fd_unwatch(g->c, g->watched[i]);
	}
	g->nwatched = 0;
	for (j = 0; j < n; j++) {
		if (client_fd_watch(g->c, fds[j].fd, fds[j].events,
		    on_listener_fd, g) != 0)
			continue;	/* table full: served on a later pass */
		g->watched[g->nwatched] = fds[j].fd;
		g->watched_ev[g->nwatched++] = fds[j].events;
	}
	if (g->ltimer != 0) {
		client_timer_stop(g->c, g->ltimer);
		g->ltimer = 0;
	}
	t = listener_timeout_ms(g->l);
	if (t >= 0)
		g->ltimer = client_timer_start(g->c, t + 1, on_listener_timer,
		    g);
}

struct cog *
cog_new(struct client *c, const struct cog_config *cfg, char *err,
    size_t errsz)
{
	static const struct cog_config defaults;
	struct cog *g;
	size_t n;

	if (cfg == NULL)
		cfg = &defaults;
	g = calloc(1, sizeof *g);
	if (g == NULL) {
		snprintf(err, errsz, "cog: out of memory");
		return NULL;
	}
	g->c = c;
	g->base = strdup(cfg->base ? cfg->base : CLIENT_DEFAULT_LOCAL);
	if (g->base == NULL) {
		free(g);
		snprintf(err, errsz, "cog: out of memory");
		return NULL;
	}
	n = strlen(g->base);
	while (n > 0 && g->base[n - 1] == '/')
		g->base[--n] = '\0';
	if (strncmp(g->base, "http://", 7) != 0 &&
	    strncmp(g->base, "https://", 8) != 0) {
		snprintf(err, errsz, "cog: \"%.100s\" is not an http(s) URL",
		    g->base);
		cog_free(g);
		return NULL;
	}
	g->grace_ms = cfg->webhook_grace_ms > 0 ? cfg->webhook_grace_ms :
	    COG_WEBHOOK_GRACE_MS;
	g->idle_ms = cfg->idle_ms > 0 ? cfg->idle_ms : COG_IDLE_MS;
	g->health_ms = cfg->health_poll_ms > 0 ? cfg->health_poll_ms :
	    COG_HEALTH_POLL_MS;
	g->predict_timeout_ms = cfg->predict_timeout_ms;
	if (cfg->webhooks) {
		struct listener_config lc = cfg->listener;

		if (lc.max_conns == 0 || lc.max_conns > COG_LISTENER_CONNS)
			lc.max_conns = COG_LISTENER_CONNS;
		if (listener_open(&g->l, &lc, cog_on_webhook, g, err, errsz) != 0) {
			cog_free(g);
			return NULL;
		}
		cog_sync_fds(g);
		if (g->nwatched == 0) {
			snprintf(err, errsz, "cog: the client watches too many "
			    "descriptors to add the webhook listener");
			cog_free(g);
			return NULL;
		}
	}
	return g;
}

void
cog_free(struct cog *g)
{
	unsigned i;

	if (g == NULL)
		return;
	while (g->preds != NULL)
		cog_pred_free(g->preds);
	while (g->simples != NULL) {
		struct cog_simple *s = g->simples;

		g->simples = s->next;
		if (s->http != 0)
			http_cancel(g->c, s->http);
		client_op_remove(g->c, s->op);
		free(s);
	}
	for (i = 0; i < g->nwatched; i++)
		client_fd_unwatch(g->c, g->watched[i]);
	if (g->ltimer != 0)
		client_timer_stop(g->c, g->ltimer);
	listener_free(g->l);
	free(g->base);
	free(g);
}

const char *
cog_base(const struct cog *g)
{
	return g->base;
}

struct listener *
cog_listener(struct cog *g)
{
	return g->l;
}
