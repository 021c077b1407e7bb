/*
 * client/docker/docker.c: Docker Engine operations on the client's
 * transport (client/net/http.h). Each operation is a small state machine
 * (negotiate the version once, then one or more requests) registered as a
 * client op, so client_cancel() and client_pending() see it, and it ends
 * with exactly one DONE or ERROR event unless cancelled. JSON answers are
 * copied into plain structs here; no cJSON pointer leaves this file.
 */
#include "client/docker/docker.h"
#include "client/docker/docker_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"

static const char *const op_names[] = {
#define X(id, name) name,
	DOCKER_OP_LIST(X)
#undef X
};

const char *
docker_op_name(enum docker_op op)
{
	return (unsigned)op < DOCKER_OP__COUNT ? op_names[op] : "docker";
}

/* ------------------------------------------------------------ results */

static void
image_done(struct docker_image *im)
{
	size_t i;

	free(im->id);
	free(im->ref);
	for (i = 0; i < im->n_tags; i++)
		free(im->tags[i]);
	free(im->tags);
	free(im->schema);
	free(im->config);
	free(im->cog_version);
	memset(im, 0, sizeof *im);
}

void
docker_image_free(struct docker_image *im)
{
	if (im == NULL)
		return;
	image_done(im);
	free(im);
}

void
docker_image_list_free(struct docker_image_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		image_done(&l->items[i]);
	free(l->items);
	free(l);
}

static void
container_done(struct docker_container *ct)
{
	free(ct->id);
	free(ct->name);
	free(ct->image);
	free(ct->state);
	free(ct->status);
	free(ct->url);
	free(ct->gpus);
	free(ct->session);
	free(ct->cog_version);
	free(ct->gateway);
	memset(ct, 0, sizeof *ct);
}

void
docker_container_free(struct docker_container *ct)
{
	if (ct == NULL)
		return;
	container_done(ct);
	free(ct);
}

void
docker_container_list_free(struct docker_container_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		container_done(&l->items[i]);
	free(l->items);
	free(l);
}

void
docker_result_free(void *p)
{
	struct docker_result *r = p;

	if (r == NULL)
		return;
	docker_image_list_free(r->images);
	docker_image_free(r->image);
	docker_container_list_free(r->containers);
	docker_container_free(r->container);
	if (r->pull != NULL)
		docker_pull_progress_done(r->pull);
	free(r->pull);
	free(r->log_line);
	free(r);
}

/* ------------------------------------------------------ label parsing */

const char *
dk_label(const cJSON *labels, const char *a, const char *b)
{
	const char *v = labels != NULL ? json_str(labels, a) : NULL;

	if (v == NULL && b != NULL && labels != NULL)
		v = json_str(labels, b);
	if (v != NULL && strlen(v) > DOCKER_MAX_LABEL)
		return NULL;
	return v;
}

bool
dk_is_cog(const cJSON *labels)
{
	const cJSON *e;

	if (labels == NULL || !cJSON_IsObject(labels))
		return false;
	cJSON_ArrayForEach(e, labels) {
		if (e->string == NULL)
			continue;
		if (strcmp(e->string, "run.cog.openapi_schema") == 0 ||
		    strcmp(e->string, "run.cog.config") == 0 ||
		    strncmp(e->string, "org.cogmodel.", 13) == 0)
			return true;
	}
	return false;
}

int
dk_dup_str(const char *s, char **dst)
{
	bool oom = false;

	*dst = json_strdup(s, &oom);
	return oom ? -1 : 0;
}

/* RFC 3339 "2026-12-01T10:00:00.123Z" -> unix seconds, 0 if not one */

/* ----------------------------------------------------------- handle */

/* A process's session id: random hex (getrandom), else time and pid. */
static void
session_id(char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[DOCKER_SESSION_LEN / 2];
	size_t i;

	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		unsigned long long x = (unsigned long long)time(NULL) << 24 ^
		    (unsigned long long)getpid();

		for (i = 0; i < sizeof r; i++, x >>= 8)
			r[i] = (unsigned char)x;
	}
	for (i = 0; i < sizeof r && 2 * i + 2 < n; i++) {
		buf[2 * i] = hex[r[i] >> 4];
		buf[2 * i + 1] = hex[r[i] & 15];
	}
	buf[2 * i] = '\0';
}

struct docker *
docker_new(struct client *c, const struct docker_config *cfg, char *err,
    size_t errsz)
{
	struct docker_config dflt;
	struct docker *d;
	const char *reg, *host, *home, *dc;
	char path[DOCKER_MAX_PATH * 2];

	if (cfg == NULL) {
		memset(&dflt, 0, sizeof dflt);
		cfg = &dflt;
	}
	d = calloc(1, sizeof *d);
	if (d == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	d->c = c;
	session_id(d->session, sizeof d->session);
	host = cfg->host != NULL ? cfg->host : getenv("DOCKER_HOST");
	if (docker_endpoint_resolve(host, getenv("XDG_RUNTIME_DIR"), &d->ep,
	    err, errsz) != CLIENT_OK) {
		free(d);
		return NULL;
	}
	/* mirrors of r8.im: the environment wins over the config */
	reg = getenv("R8PLAY_REGISTRY");
	if (reg == NULL || reg[0] == '\0')
		reg = cfg->registry;
	path[0] = '\0';
	if (cfg->docker_config != NULL)
		snprintf(path, sizeof path, "%s", cfg->docker_config);
	else if ((dc = getenv("DOCKER_CONFIG")) != NULL && dc[0] != '\0')
		snprintf(path, sizeof path, "%s/config.json", dc);
	else if ((home = getenv("HOME")) != NULL && home[0] != '\0')
		snprintf(path, sizeof path, "%s/.docker/config.json", home);
	if ((reg != NULL && reg[0] != '\0' && dk_dup_str(reg, &d->registry) !=
	    0) || (path[0] != '\0' && dk_dup_str(path, &d->auth_path) != 0)) {
		docker_free(d);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	d->stall_ms = cfg->pull_stall_ms > 0 ? cfg->pull_stall_ms :
	    DOCKER_PULL_STALL_MS;
	d->timeout_ms = cfg->request_timeout_ms > 0 ?
	    cfg->request_timeout_ms : DOCKER_REQUEST_TIMEOUT_MS;
	return d;
}

const char *
docker_registry(const struct docker *d)
{
	return d->registry;
}

bool
docker_container_mine(const struct docker *d,
    const struct docker_container *ct)
{
	return ct->managed && ct->session != NULL &&
	    strcmp(ct->session, d->session) == 0;
}

void
docker_free(struct docker *d)
{
	if (d == NULL)
		return;
	while (d->ops != NULL) {
		struct dop *o = d->ops;

		/* client_cancel unlinks and frees it through op_cancel */
		client_cancel(d->c, o->id);
		if (d->ops == o) {
			d->ops = o->next;
			dk_dop_free(o);
		}
	}
	free(d->registry);
	free(d->auth_path);
	free(d);
}

const char *
docker_name(const struct docker *d)
{
	return d->ep.name;
}

/* The socket is there and ours to open? Words for the two usual no's. */
static int
preflight(const struct docker *d, char *err, size_t errsz)
{
	struct stat st;

	if (d->ep.socket[0] == '\0')
		return 0;
	if (stat(d->ep.socket, &st) != 0) {
		snprintf(err, errsz, "no Docker daemon at %s: the socket does "
		    "not exist (is dockerd running?)", d->ep.name);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errsz, "no Docker daemon at %s: not a socket",
		    d->ep.name);
		return -1;
	}
	if (access(d->ep.socket, R_OK | W_OK) != 0 && errno == EACCES) {
		snprintf(err, errsz, "permission denied on %s: add yourself "
		    "to the docker group (sudo usermod -aG docker $USER, then "
		    "log in again)", d->ep.socket);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ ops */

void
dk_dop_free(struct dop *o)
{
	if (o == NULL)
		return;
	free(o->body);
	free(o->buf);
	if (o->pull != NULL)
		docker_pull_progress_done(o->pull);
	free(o->pull);
	docker_demux_done(&o->demux);
	memset(o->auth, 0, sizeof o->auth);
	free(o);
}

static void
dop_unlink(struct dop *o)
{
	struct dop **pp;

	for (pp = &o->d->ops; *pp != NULL; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			return;
		}
}

/* client_cancel(id): stop the current request; free unless in use. */
static void
op_cancel(struct client *c, unsigned id, void *arg)
{
	struct dop *o = arg;

	(void)id;
	http_cancel(c, o->http);
	o->cancelled = true;
	dop_unlink(o);
	if (o->busy == 0)
		dk_dop_free(o);
}

struct docker_result *
dk_result_new(const struct dop *o)
{
	struct docker_result *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->op = o->op;
	snprintf(r->api, sizeof r->api, "%s", o->d->api);
	snprintf(r->server, sizeof r->server, "%s", o->d->server);
	return r;
}

/* The op's last event (DONE or ERROR); frees o. */
void
dk_finish(struct dop *o, enum client_rc rc, long status, const char *err,
    struct docker_result *r)
{
	struct client *c = o->d->c;
	struct client_event ev;

	client_op_remove(c, o->id);
	dop_unlink(o);
	if (r == NULL)
		r = dk_result_new(o);
	if (r != NULL)
		r->gpu_refused = o->gpu_refused;
	/* a failed pull tells how far it got */
	if (r != NULL && r->pull == NULL && o->op == DOCKER_OP_PULL &&
	    o->pull != NULL && (r->pull = malloc(sizeof *r->pull)) != NULL) {
		*r->pull = *o->pull;
		r->pull->line = NULL;
		r->pull->line_len = r->pull->line_alloc = 0;
	}
	memset(&ev, 0, sizeof ev);
	ev.kind = rc == CLIENT_OK ? CLIENT_EV_DONE : CLIENT_EV_ERROR;
	ev.req = CLIENT_REQ_DOCKER;
	ev.id = o->id;
	ev.rc = rc;
	ev.http_status = status;
	ev.err = rc == CLIENT_OK ? NULL : err;
	ev.data = r;
	ev.data_free = docker_result_free;
	o->busy++;
	client_emit(c, &ev);
	o->busy--;
	dk_dop_free(o);
}

void
dk_fail(struct dop *o, enum client_rc rc, long status, const char *fmt,
    const char *msg)
{
	char e[CLIENT_ERR_MAX];

	snprintf(e, sizeof e, fmt, docker_op_name(o->op), msg);
	dk_finish(o, rc, status, e, NULL);
}

/* One line for a daemon error answer: its message, JSON or plain. */
void
dk_daemon_message(const struct http_response *res, char *out, size_t n)
{
	cJSON *j = NULL;
	const char *m = NULL;
	size_t i;

	if (res->body != NULL && res->len > 0) {
		j = json_parse(res->body, res->len, NULL, out, n);
		if (j != NULL)
			m = json_str(j, "message");
	}
	if (m != NULL)
		snprintf(out, n, "%s", m);
	else if (res->body != NULL && res->len > 0 && j == NULL)
		snprintf(out, n, "%.*s", (int)(res->len < 400 ? res->len :
		    400), res->body);
	else
		snprintf(out, n, "HTTP %ld", res->status);
	cJSON_Delete(j);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20)
			out[i] = ' ';
	i = strlen(out);
	while (i > 0 && out[i - 1] == ' ')
		out[--i] = '\0';
}

/* A transport failure in words (the socket is the usual suspect). */
void
dk_transport_message(const struct dop *o, const struct http_response *res,
    char *out, size_t n)
{
	if (preflight(o->d, out, n) != 0)
		return;
	if (res->rc == CLIENT_ETIMEOUT)
		snprintf(out, n, "the Docker daemon at %s stopped answering "
		    "(%s)", o->d->ep.name, res->err ? res->err : "timed out");
	else if (o->step == S_VERSION || (res->err != NULL &&
	    (strstr(res->err, "onnect") != NULL)))
		snprintf(out, n, "no Docker daemon at %s: %s", o->d->ep.name,
		    o->d->ep.socket[0] ? "nothing answers on the socket (is "
		    "dockerd running?)" : res->err ? res->err : "no answer");
	else
		snprintf(out, n, "the Docker daemon at %s closed the "
		    "connection: %s", o->d->ep.name, res->err ? res->err :
		    "no answer");
}

/* Send a request under the negotiated version ("" path prefix when none). */
int
dk_send_req(struct dop *o, const char *method, const char *path,
    const char *body, bool stream, char *err, size_t errsz)
{
	struct http_opts h;
	char url[HTTP_MAX_URL], auth[DOCKER_MAX_AUTH + 32];
	int w;

	memset(&h, 0, sizeof h);
	if (o->d->api[0] != '\0')
		w = snprintf(url, sizeof url, "%s/v%s%s", o->d->ep.base,
		    o->d->api, path);
	else
		w = snprintf(url, sizeof url, "%s%s", o->d->ep.base, path);
	if (w < 0 || (size_t)w >= sizeof url) {
		snprintf(err, errsz, "%s: request too long",
		    docker_op_name(o->op));
		return -1;
	}
	h.method = method;
	h.url = url;
	h.body = body;
	h.body_len = body != NULL ? strlen(body) : 0;
	/* every answer comes through dk_on_data: the daemon may be silent for
	   long (a stop waits for the container, a remove deletes its files
	   on vfs), which the JSON sink's low-speed limit would call dead */
	h.sink = HTTP_SINK_STREAM;
	h.no_retry = true;
	h.no_auth = true;
	h.unix_socket = o->d->ep.socket[0] ? o->d->ep.socket : NULL;
	h.timeout_ms = stream ? 0 : o->d->timeout_ms;
	if (stream && o->op == DOCKER_OP_PULL)
		h.stall_ms = o->d->stall_ms;
	h.on_data = dk_on_data;
	o->len = 0;
	h.done = dk_on_done;
	h.arg = o;
	if (o->op == DOCKER_OP_PULL && o->auth[0] != '\0') {
		snprintf(auth, sizeof auth, "X-Registry-Auth: %s", o->auth);
		h.headers[0] = auth;
	}
	o->http = http_start(o->d->c, &h, err, errsz);
	memset(auth, 0, sizeof auth);
	return o->http != 0 ? 0 : -1;
}

static int
esc(const char *s, char *buf, size_t n)
{
	return http_escape(s, buf, n);
}

/* The request of the op's main step (after the version is known). */
int
dk_send_main(struct dop *o, char *err, size_t errsz)
{
	char path[HTTP_MAX_URL], a[DOCKER_MAX_REF * 3], b[DOCKER_MAX_REF * 3];

	switch (o->op) {
	case DOCKER_OP_VERSION:
		return dk_send_req(o, "GET", "/version", NULL, false, err, errsz);
	case DOCKER_OP_IMAGES:
		return dk_send_req(o, "GET", "/images/json", NULL, false, err,
		    errsz);
	case DOCKER_OP_CONTAINERS:
		return dk_send_req(o, "GET", "/containers/json?all=1", NULL,
		    false, err, errsz);
	case DOCKER_OP_INSPECT_IMAGE:
		/* names with host:port/ go into the path as they are */
		snprintf(path, sizeof path, "/images/%s/json", o->arg);
		return dk_send_req(o, "GET", path, NULL, false, err, errsz);
	case DOCKER_OP_PULL:
		if (esc(o->repo, a, sizeof a) != 0 || esc(o->tag, b,
		    sizeof b) != 0)
			break;
		snprintf(path, sizeof path, "/images/create?fromImage=%s&tag=%s",
		    a, b);
		return dk_send_req(o, "POST", path, NULL, true, err, errsz);
	case DOCKER_OP_START:
		o->t0 = client_now_ms();
		return dk_send_req(o, "POST", o->arg[0] ? o->arg :
		    "/containers/create", o->body, false, err, errsz);
	case DOCKER_OP_INSPECT:
		if (esc(o->arg, a, sizeof a) != 0)
			break;
		snprintf(path, sizeof path, "/containers/%s/json", a);
		return dk_send_req(o, "GET", path, NULL, false, err, errsz);
	case DOCKER_OP_STOP:
		if (esc(o->arg, a, sizeof a) != 0)
			break;
		snprintf(path, sizeof path, "/containers/%s/stop?t=%d", a,
		    DOCKER_STOP_TIMEOUT_S);
		return dk_send_req(o, "POST", path, NULL, false, err, errsz);
	case DOCKER_OP_REMOVE:
		if (esc(o->arg, a, sizeof a) != 0)
			break;
		snprintf(path, sizeof path, "/containers/%s%s", a,
		    o->force ? "?force=1" : "");
		return dk_send_req(o, "DELETE", path, NULL, false, err, errsz);
	case DOCKER_OP_REMOVE_IMAGE:
		snprintf(path, sizeof path, "/images/%s?force=1", o->arg);
		return dk_send_req(o, "DELETE", path, NULL, false, err, errsz);
	case DOCKER_OP_LOGS:
		if (esc(o->arg, a, sizeof a) != 0)
			break;
		if (o->tail >= 0)
			snprintf(b, sizeof b, "&tail=%ld", o->tail);
		else
			b[0] = '\0';
		snprintf(path, sizeof path, "/containers/%s/logs?stdout=1&"
		    "stderr=1&follow=%d%s", a, o->follow ? 1 : 0, b);
		return dk_send_req(o, "GET", path, NULL, true, err, errsz);
	case DOCKER_OP__COUNT:
		break;
	}
	snprintf(err, errsz, "%s: argument too long", docker_op_name(o->op));
	return -1;
}

struct dop *
dk_op_begin(struct docker *d, enum docker_op op, const char *arg, char *err,
    size_t errsz)
{
	struct dop *o;

	if (d == NULL) {
		snprintf(err, errsz, "docker: no handle");
		return NULL;
	}
	if (preflight(d, err, errsz) != 0)
		return NULL;
	if (arg != NULL && (arg[0] == '\0' || strlen(arg) >= DOCKER_MAX_REF)) {
		snprintf(err, errsz, "%s: %s", docker_op_name(op),
		    arg[0] ? "argument too long" : "empty argument");
		return NULL;
	}
	o = calloc(1, sizeof *o);
	if (o == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	o->d = d;
	o->op = op;
	if (arg != NULL)
		snprintf(o->arg, sizeof o->arg, "%s", arg);
	docker_demux_init(&o->demux);
	return o;
}

/* Register and send the first request; 0 (o freed) on failure. */
unsigned
dk_op_go(struct dop *o, char *err, size_t errsz)
{
	struct docker *d = o->d;
	int rc;

	o->id = client_next_id(d->c);
	if (client_op_add(d->c, o->id, op_cancel, o) != 0) {
		snprintf(err, errsz, "out of memory");
		dk_dop_free(o);
		return 0;
	}
	o->next = d->ops;
	d->ops = o;
	if (d->api[0] == '\0') {
		o->step = S_VERSION;
		rc = dk_send_req(o, "GET", "/version", NULL, false, err, errsz);
	} else {
		o->step = S_MAIN;
		rc = dk_send_main(o, err, errsz);
	}
	if (rc != 0) {
		client_op_remove(d->c, o->id);
		dop_unlink(o);
		dk_dop_free(o);
		return 0;
	}
	return o->id;
}
