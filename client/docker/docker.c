/*
 * client/docker/docker.c: Docker Engine operations on the client's
 * transport (client/net/http.h). Each operation is a small state machine
 * (negotiate the version once, then one or more requests) registered as a
 * client op, so client_cancel() and client_pending() see it, and it ends
 * with exactly one DONE or ERROR event unless cancelled. JSON answers are
 * copied into plain structs here; no cJSON pointer leaves this file.
 */
#include "client/docker/docker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct docker {
	struct client *c;
	struct docker_endpoint ep;
	char	 api[16];		/* "" until negotiated */
	char	 server[64];
	char	*registry;		/* R8PLAY_REGISTRY or NULL */
	char	*auth_path;		/* docker config.json */
	long	 stall_ms, timeout_ms;
	struct dop *ops;
};

enum step {
	S_VERSION, S_MAIN, S_START, S_INSPECT, S_CLEANUP
};

struct dop {
	struct dop *next;
	struct docker *d;
	enum docker_op op;
	enum step step;
	unsigned id, http;
	int	 busy;
	bool	 cancelled;
	char	 arg[DOCKER_MAX_REF];	/* ref or container id */
	char	 repo[DOCKER_MAX_REF], tag[DOCKER_MAX_REF];
	char	 auth[DOCKER_MAX_AUTH];
	char	*body;			/* create body */
	char	 cid[DOCKER_MAX_ID];
	bool	 force, follow;
	long	 tail;
	struct docker_pull_progress *pull;
	long long last_progress;
	struct docker_demux demux;
	char	*buf;			/* a 2xx body of a non-stream step */
	size_t	 len, alloc;
	enum client_rc sent_rc;		/* saved while cleaning up */
	long	 sent_status;
	bool	 gpu_refused, stream_failed;
	char	 err[CLIENT_ERR_MAX];
	long long t0;
	long	 ms[3];
};

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
	free(ct->cog_version);
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

static const char *
label(const cJSON *labels, const char *a, const char *b)
{
	const char *v = labels != NULL ? json_str(labels, a) : NULL;

	if (v == NULL && b != NULL && labels != NULL)
		v = json_str(labels, b);
	if (v != NULL && strlen(v) > DOCKER_MAX_LABEL)
		return NULL;
	return v;
}

static bool
is_cog(const cJSON *labels)
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

static int
dup_str(const char *s, char **dst)
{
	bool oom = false;

	*dst = json_strdup(s, &oom);
	return oom ? -1 : 0;
}

/* RFC 3339 "2026-12-01T10:00:00.123Z" -> unix seconds, 0 if not one */
static long long
rfc3339(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, se;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h,
	    &mi, &se) != 6)
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	return (long long)timegm(&tm);
}

/* Fill im from a list summary or an inspect object (labels apart). */
static int
image_fill(struct docker_image *im, const cJSON *j, const cJSON *labels)
{
	const cJSON *arrs[2], *e;
	const char *created;
	size_t cap = 0, k;

	if (dup_str(json_str(j, "Id"), &im->id) != 0)
		return -1;
	arrs[0] = json_arr(j, "RepoTags");
	arrs[1] = json_arr(j, "RepoDigests");
	for (k = 0; k < 2; k++)
		cap += (size_t)cJSON_GetArraySize(arrs[k]);
	if (cap > 0) {
		im->tags = calloc(cap, sizeof *im->tags);
		if (im->tags == NULL)
			return -1;
	}
	for (k = 0; k < 2; k++)
		cJSON_ArrayForEach(e, arrs[k]) {
			if (!cJSON_IsString(e) || im->n_tags >= cap ||
			    strcmp(e->valuestring, "<none>:<none>") == 0 ||
			    strcmp(e->valuestring, "<none>@<none>") == 0)
				continue;
			if (dup_str(e->valuestring, &im->tags[im->n_tags]) !=
			    0)
				return -1;
			im->n_tags++;
		}
	if (im->n_tags > 0) {
		if (dup_str(im->tags[0], &im->ref) != 0)
			return -1;
	} else if (im->id != NULL) {
		char s[20];
		const char *h = strncmp(im->id, "sha256:", 7) == 0 ?
		    im->id + 7 : im->id;

		snprintf(s, sizeof s, "%.12s", h);
		if (dup_str(s, &im->ref) != 0)
			return -1;
	}
	created = json_str(j, "Created");
	im->created = created != NULL ? rfc3339(created) :
	    json_int(j, "Created", 0);
	im->size = json_int(j, "Size", 0);
	if (dup_str(label(labels, "run.cog.openapi_schema",
	    "org.cogmodel.openapi_schema"), &im->schema) != 0 ||
	    dup_str(label(labels, "run.cog.config", "org.cogmodel.config"),
	    &im->config) != 0 ||
	    dup_str(label(labels, "run.cog.version",
	    "org.cogmodel.cog_version"), &im->cog_version) != 0)
		return -1;
	return 0;
}

static enum client_rc
parse_images(const char *body, size_t len, struct docker_image_list **out,
    char *err, size_t errsz)
{
	struct docker_image_list *l;
	enum client_rc rc = CLIENT_OK;
	const cJSON *e;
	cJSON *j;
	size_t n;

	j = json_parse(body, len, &rc, err, errsz);
	if (j == NULL)
		return rc;
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		snprintf(err, errsz, "images list: expected an array");
		return CLIENT_ESHAPE;
	}
	l = calloc(1, sizeof *l);
	n = (size_t)cJSON_GetArraySize(j);
	if (n > DOCKER_MAX_ITEMS)
		n = DOCKER_MAX_ITEMS;
	if (l == NULL || (n > 0 && (l->items = calloc(n, sizeof *l->items)) ==
	    NULL))
		goto oom;
	cJSON_ArrayForEach(e, j) {
		const cJSON *labels = json_obj(e, "Labels");

		if (l->n >= n)
			break;
		if (!cJSON_IsObject(e) || !is_cog(labels))
			continue;
		if (image_fill(&l->items[l->n++], e, labels) != 0)
			goto oom;
	}
	cJSON_Delete(j);
	*out = l;
	return CLIENT_OK;
oom:
	cJSON_Delete(j);
	docker_image_list_free(l);
	snprintf(err, errsz, "out of memory");
	return CLIENT_ENOMEM;
}

static enum client_rc
parse_image(const char *body, size_t len, struct docker_image **out,
    char *err, size_t errsz)
{
	struct docker_image *im;
	enum client_rc rc = CLIENT_OK;
	cJSON *j;

	j = json_parse(body, len, &rc, err, errsz);
	if (j == NULL)
		return rc;
	im = calloc(1, sizeof *im);
	if (im == NULL || image_fill(im, j, json_obj(json_obj(j, "Config"),
	    "Labels")) != 0) {
		cJSON_Delete(j);
		docker_image_free(im);
		snprintf(err, errsz, "out of memory");
		return CLIENT_ENOMEM;
	}
	cJSON_Delete(j);
	*out = im;
	return CLIENT_OK;
}

static int
set_url(struct docker_container *ct, int port)
{
	char u[64];

	ct->host_port = port;
	if (port <= 0)
		return 0;
	snprintf(u, sizeof u, "http://127.0.0.1:%d", port);
	return dup_str(u, &ct->url);
}

/* A summary of GET /containers/json (Ports[] numbers). */
static int
container_fill_summary(struct docker_container *ct, const cJSON *e)
{
	const cJSON *labels = json_obj(e, "Labels"), *p, *names;
	const char *name = NULL;
	int port = 0;

	names = json_arr(e, "Names");
	if (names != NULL && cJSON_IsString(cJSON_GetArrayItem(names, 0)))
		name = cJSON_GetArrayItem(names, 0)->valuestring;
	if (name != NULL && name[0] == '/')
		name++;
	cJSON_ArrayForEach(p, json_arr(e, "Ports")) {
		if (json_int(p, "PrivatePort", 0) == DOCKER_COG_PORT &&
		    json_int(p, "PublicPort", 0) > 0) {
			const char *ip = json_str(p, "IP");

			/* prefer the loopback binding */
			if (port == 0 || (ip != NULL &&
			    strncmp(ip, "127.", 4) == 0))
				port = (int)json_int(p, "PublicPort", 0);
		}
	}
	ct->created = json_int(e, "Created", 0);
	ct->managed = label(labels, DOCKER_LABEL_MANAGED, NULL) != NULL;
	if (dup_str(json_str(e, "Id"), &ct->id) != 0 ||
	    dup_str(name, &ct->name) != 0 ||
	    dup_str(json_str(e, "Image"), &ct->image) != 0 ||
	    dup_str(json_str(e, "State"), &ct->state) != 0 ||
	    dup_str(json_str(e, "Status"), &ct->status) != 0 ||
	    dup_str(label(labels, DOCKER_LABEL_GPUS, NULL), &ct->gpus) != 0 ||
	    dup_str(label(labels, "run.cog.version",
	    "org.cogmodel.cog_version"), &ct->cog_version) != 0 ||
	    set_url(ct, port) != 0)
		return -1;
	return 0;
}

/* GET /containers/{id}/json (HostPort a string). */
static int
container_fill_inspect(struct docker_container *ct, const cJSON *j)
{
	const cJSON *cfg = json_obj(j, "Config"), *labels, *b;
	const char *name = json_str(j, "Name"), *hp;
	char key[16];
	int port = 0;

	labels = json_obj(cfg, "Labels");
	snprintf(key, sizeof key, "%d/tcp", DOCKER_COG_PORT);
	b = json_arr(json_obj(json_obj(j, "NetworkSettings"), "Ports"), key);
	if (b != NULL) {
		const cJSON *e;

		cJSON_ArrayForEach(e, b) {
			const char *ip = json_str(e, "HostIp");

			hp = json_str(e, "HostPort");
			if (hp != NULL && atoi(hp) > 0 && (port == 0 ||
			    (ip != NULL && strncmp(ip, "127.", 4) == 0)))
				port = atoi(hp);
		}
	}
	if (name != NULL && name[0] == '/')
		name++;
	ct->created = rfc3339(json_str(j, "Created"));
	ct->managed = label(labels, DOCKER_LABEL_MANAGED, NULL) != NULL;
	if (dup_str(json_str(j, "Id"), &ct->id) != 0 ||
	    dup_str(name, &ct->name) != 0 ||
	    dup_str(json_str(cfg, "Image"), &ct->image) != 0 ||
	    dup_str(json_str(json_obj(j, "State"), "Status"), &ct->state) !=
	    0 ||
	    dup_str(label(labels, DOCKER_LABEL_GPUS, NULL), &ct->gpus) != 0 ||
	    dup_str(label(labels, "run.cog.version",
	    "org.cogmodel.cog_version"), &ct->cog_version) != 0 ||
	    set_url(ct, port) != 0)
		return -1;
	return 0;
}

static enum client_rc
parse_containers(const char *body, size_t len,
    struct docker_container_list **out, char *err, size_t errsz)
{
	struct docker_container_list *l;
	enum client_rc rc = CLIENT_OK;
	const cJSON *e;
	cJSON *j;
	size_t n;

	j = json_parse(body, len, &rc, err, errsz);
	if (j == NULL)
		return rc;
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		snprintf(err, errsz, "containers list: expected an array");
		return CLIENT_ESHAPE;
	}
	l = calloc(1, sizeof *l);
	n = (size_t)cJSON_GetArraySize(j);
	if (n > DOCKER_MAX_ITEMS)
		n = DOCKER_MAX_ITEMS;
	if (l == NULL || (n > 0 && (l->items = calloc(n, sizeof *l->items)) ==
	    NULL))
		goto oom;
	cJSON_ArrayForEach(e, j) {
		const cJSON *labels = json_obj(e, "Labels");

		if (l->n >= n)
			break;
		if (!cJSON_IsObject(e) || (!is_cog(labels) &&
		    label(labels, DOCKER_LABEL_MANAGED, NULL) == NULL))
			continue;
		if (container_fill_summary(&l->items[l->n++], e) != 0)
			goto oom;
	}
	cJSON_Delete(j);
	*out = l;
	return CLIENT_OK;
oom:
	cJSON_Delete(j);
	docker_container_list_free(l);
	snprintf(err, errsz, "out of memory");
	return CLIENT_ENOMEM;
}

static enum client_rc
parse_container(const char *body, size_t len, struct docker_container **out,
    char *err, size_t errsz)
{
	struct docker_container *ct;
	enum client_rc rc = CLIENT_OK;
	cJSON *j;

	j = json_parse(body, len, &rc, err, errsz);
	if (j == NULL)
		return rc;
	if (!cJSON_IsObject(j) || json_str(j, "Id") == NULL) {
		cJSON_Delete(j);
		snprintf(err, errsz, "container inspect: no Id");
		return CLIENT_ESHAPE;
	}
	ct = calloc(1, sizeof *ct);
	if (ct == NULL || container_fill_inspect(ct, j) != 0) {
		cJSON_Delete(j);
		docker_container_free(ct);
		snprintf(err, errsz, "out of memory");
		return CLIENT_ENOMEM;
	}
	cJSON_Delete(j);
	*out = ct;
	return CLIENT_OK;
}

/* ----------------------------------------------------------- handle */

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
	host = cfg->host != NULL ? cfg->host : getenv("DOCKER_HOST");
	if (docker_endpoint_resolve(host, getenv("XDG_RUNTIME_DIR"), &d->ep,
	    err, errsz) != CLIENT_OK) {
		free(d);
		return NULL;
	}
	reg = cfg->registry != NULL ? cfg->registry :
	    getenv("R8PLAY_REGISTRY");
	path[0] = '\0';
	if (cfg->docker_config != NULL)
		snprintf(path, sizeof path, "%s", cfg->docker_config);
	else if ((dc = getenv("DOCKER_CONFIG")) != NULL && dc[0] != '\0')
		snprintf(path, sizeof path, "%s/config.json", dc);
	else if ((home = getenv("HOME")) != NULL && home[0] != '\0')
		snprintf(path, sizeof path, "%s/.docker/config.json", home);
	if ((reg != NULL && reg[0] != '\0' && dup_str(reg, &d->registry) !=
	    0) || (path[0] != '\0' && dup_str(path, &d->auth_path) != 0)) {
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

static void dop_free(struct dop *o);

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
			dop_free(o);
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

static void
dop_free(struct dop *o)
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
		dop_free(o);
}

static struct docker_result *
result_new(const struct dop *o)
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
static void
finish(struct dop *o, enum client_rc rc, long status, const char *err,
    struct docker_result *r)
{
	struct client *c = o->d->c;
	struct client_event ev;

	client_op_remove(c, o->id);
	dop_unlink(o);
	if (r == NULL)
		r = result_new(o);
	if (r != NULL)
		r->gpu_refused = o->gpu_refused;
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
	dop_free(o);
}

/* A message that did not fit in buf (snprintf said len) ends in "...". */
static void
mark_cut(char *buf, size_t n, int len)
{
	if (len >= 0 && (size_t)len >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
}

static void
fail(struct dop *o, enum client_rc rc, long status, const char *fmt,
    const char *msg)
{
	char e[CLIENT_ERR_MAX];

	mark_cut(e, sizeof e, snprintf(e, sizeof e, fmt,
	    docker_op_name(o->op), msg));
	finish(o, rc, status, e, NULL);
}

/* One line for a daemon error answer: its message, JSON or plain. */
static void
daemon_message(const struct http_response *res, char *out, size_t n)
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
static void
transport_message(const struct dop *o, const struct http_response *res,
    char *out, size_t n)
{
	int len;

	if (preflight(o->d, out, n) != 0)
		return;
	if (res->rc == CLIENT_ETIMEOUT)
		len = snprintf(out, n, "the Docker daemon at %s stopped "
		    "answering (%s)", o->d->ep.name, res->err ? res->err :
		    "timed out");
	else if (o->step == S_VERSION || (res->err != NULL &&
	    (strstr(res->err, "onnect") != NULL)))
		len = snprintf(out, n, "no Docker daemon at %s: %s",
		    o->d->ep.name, o->d->ep.socket[0] ? "nothing answers on "
		    "the socket (is dockerd running?)" : res->err ? res->err :
		    "no answer");
	else
		len = snprintf(out, n, "the Docker daemon at %s closed the "
		    "connection: %s", o->d->ep.name, res->err ? res->err :
		    "no answer");
	mark_cut(out, n, len);
}

static void on_done(struct client *c, unsigned id, struct http_response *res,
    void *arg);
static bool on_data(struct client *c, unsigned id, const char *buf,
    size_t len, void *arg);

/* Send a request under the negotiated version ("" path prefix when none). */
static int
send_req(struct dop *o, const char *method, const char *path,
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
	/* every answer comes through on_data: the daemon may be silent for
	   long (a stop waits for the container, a remove deletes its files
	   on vfs), which the JSON sink's low-speed limit would call dead */
	h.sink = HTTP_SINK_STREAM;
	h.no_retry = true;
	h.no_auth = true;
	h.unix_socket = o->d->ep.socket[0] ? o->d->ep.socket : NULL;
	h.timeout_ms = stream ? 0 : o->d->timeout_ms;
	if (stream && o->op == DOCKER_OP_PULL)
		h.stall_ms = o->d->stall_ms;
	h.on_data = on_data;
	o->len = 0;
	h.done = on_done;
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
static int
send_main(struct dop *o, char *err, size_t errsz)
{
	char path[HTTP_MAX_URL], a[DOCKER_MAX_REF * 3], b[DOCKER_MAX_REF * 3];

	switch (o->op) {
	case DOCKER_OP_VERSION:
		return send_req(o, "GET", "/version", NULL, false, err, errsz);
	case DOCKER_OP_IMAGES:
		return send_req(o, "GET", "/images/json", NULL, false, err,
		    errsz);
	case DOCKER_OP_CONTAINERS:
		return send_req(o, "GET", "/containers/json?all=1", NULL,
		    false, err, errsz);
	case DOCKER_OP_INSPECT_IMAGE:
		/* names with host:port/ go into the path as they are */
		snprintf(path, sizeof path, "/images/%s/json", o->arg);
		return send_req(o, "GET", path, NULL, false, err, errsz);
	case DOCKER_OP_PULL:
		if (esc(o->repo, a, sizeof a) != 0 || esc(o->tag, b,
		    sizeof b) != 0)
			break;
		snprintf(path, sizeof path, "/images/create?fromImage=%s&tag=%s",
		    a, b);
		return send_req(o, "POST", path, NULL, true, err, errsz);
	case DOCKER_OP_START:
		o->t0 = client_now_ms();
		return send_req(o, "POST", o->arg[0] ? o->arg :
		    "/containers/create", o->body, false, err, errsz);
	case DOCKER_OP_INSPECT:
		if (esc(o->arg, a, sizeof a) != 0)
			break;
		snprintf(path, sizeof path, "/containers/%s/json", a);
		return send_req(o, "GET", path, NULL, false, err, errsz);
	case DOCKER_OP_STOP:
		if (esc(o->arg, a, sizeof a) != 0)
			break;
		snprintf(path, sizeof path, "/containers/%s/stop?t=%d", a,
		    DOCKER_STOP_TIMEOUT_S);
		return send_req(o, "POST", path, NULL, false, err, errsz);
	case DOCKER_OP_REMOVE:
		if (esc(o->arg, a, sizeof a) != 0)
			break;
		snprintf(path, sizeof path, "/containers/%s%s", a,
		    o->force ? "?force=1" : "");
		return send_req(o, "DELETE", path, NULL, false, err, errsz);
	case DOCKER_OP_REMOVE_IMAGE:
		snprintf(path, sizeof path, "/images/%s?force=1", o->arg);
		return send_req(o, "DELETE", path, NULL, false, err, errsz);
	case DOCKER_OP_LOGS:
		if (esc(o->arg, a, sizeof a) != 0)
			break;
		if (o->tail >= 0)
			snprintf(b, sizeof b, "&tail=%ld", o->tail);
		else
			b[0] = '\0';
		snprintf(path, sizeof path, "/containers/%s/logs?stdout=1&"
		    "stderr=1&follow=%d%s", a, o->follow ? 1 : 0, b);
		return send_req(o, "GET", path, NULL, true, err, errsz);
	case DOCKER_OP__COUNT:
		break;
	}
	snprintf(err, errsz, "%s: argument too long", docker_op_name(o->op));
	return -1;
}

static struct dop *
op_begin(struct docker *d, enum docker_op op, const char *arg, char *err,
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
static unsigned
op_go(struct dop *o, char *err, size_t errsz)
{
	struct docker *d = o->d;
	int rc;

	o->id = client_next_id(d->c);
	if (client_op_add(d->c, o->id, op_cancel, o) != 0) {
		snprintf(err, errsz, "out of memory");
		dop_free(o);
		return 0;
	}
	o->next = d->ops;
	d->ops = o;
	if (d->api[0] == '\0') {
		o->step = S_VERSION;
		rc = send_req(o, "GET", "/version", NULL, false, err, errsz);
	} else {
		o->step = S_MAIN;
		rc = send_main(o, err, errsz);
	}
	if (rc != 0) {
		client_op_remove(d->c, o->id);
		dop_unlink(o);
		dop_free(o);
		return 0;
	}
	return o->id;
}

/* GET /version answered: negotiate, remember, go on. */
static void
step_version(struct dop *o, struct http_response *res)
{
	char e[CLIENT_ERR_MAX], api[16], minv[16];
	enum client_rc rc = CLIENT_OK;
	cJSON *j;

	j = json_parse(res->body, res->len, &rc, e, sizeof e);
	if (j == NULL) {
		fail(o, CLIENT_ESHAPE, res->status, "%s: the Docker daemon's "
		    "/version is not JSON (%s)", e);
		return;
	}
	snprintf(api, sizeof api, "%s", json_str(j, "ApiVersion") ?
	    json_str(j, "ApiVersion") : "");
	snprintf(minv, sizeof minv, "%s", json_str(j, "MinAPIVersion") ?
	    json_str(j, "MinAPIVersion") : "");
	snprintf(o->d->server, sizeof o->d->server, "%s",
	    json_str(j, "Version") ? json_str(j, "Version") : "");
	cJSON_Delete(j);
	rc = docker_api_negotiate(api, minv, o->d->api, sizeof o->d->api, e,
	    sizeof e);
	if (rc != CLIENT_OK) {
		o->d->api[0] = '\0';
		finish(o, rc, res->status, e, NULL);
		return;
	}
	if (o->op == DOCKER_OP_VERSION) {
		finish(o, CLIENT_OK, res->status, NULL, NULL);
		return;
	}
	o->step = S_MAIN;
	if (send_main(o, e, sizeof e) != 0)
		finish(o, CLIENT_ENOMEM, 0, e, NULL);
}

static bool
gpu_message(const char *m)
{
	return strstr(m, "could not select device driver") != NULL ||
	    strstr(m, "nvidia-container-cli") != NULL;
}

/* START: the create, start, inspect and cleanup answers. */
static void
step_start(struct dop *o, struct http_response *res)
{
	char e[CLIENT_ERR_MAX], m[CLIENT_ERR_MAX], path[256];
	struct docker_result *r;
	long long now = client_now_ms();
	enum client_rc rc;
	cJSON *j;

	if (o->step == S_MAIN) {	/* create */
		o->ms[0] = (long)(now - o->t0);
		if (res->status != 201) {
			daemon_message(res, m, sizeof m);
			if (res->status == 404 && strstr(m, "No such image"))
				snprintf(e, sizeof e, "start: image %.120s is not "
				    "here: pull it first", o->repo);
			else
				snprintf(e, sizeof e, "start: create: %.200s", m);
			finish(o, http_status_rc(res->status), res->status, e,
			    NULL);
			return;
		}
		j = json_parse(res->body, res->len, NULL, e, sizeof e);
		if (j == NULL || json_str(j, "Id") == NULL ||
		    strlen(json_str(j, "Id")) >= sizeof o->cid) {
			cJSON_Delete(j);
			finish(o, CLIENT_ESHAPE, res->status, "start: create "
			    "answered no container id", NULL);
			return;
		}
		snprintf(o->cid, sizeof o->cid, "%s", json_str(j, "Id"));
		cJSON_Delete(j);
		o->step = S_START;
		o->t0 = now;
		snprintf(path, sizeof path, "/containers/%s/start", o->cid);
		if (send_req(o, "POST", path, NULL, false, e, sizeof e) != 0)
			finish(o, CLIENT_ENOMEM, 0, e, NULL);
		return;
	}
	if (o->step == S_START) {
		o->ms[1] = (long)(now - o->t0);
		if (res->status != 204 && res->status != 304) {
			daemon_message(res, m, sizeof m);
			o->gpu_refused = gpu_message(m);
			if (o->gpu_refused)
				snprintf(o->err, sizeof o->err, "start: no GPU "
				    "for the container: the Docker daemon has "
				    "no NVIDIA runtime (%.80s); install the NVIDIA "
				    "Container Toolkit, or start it on CPU "
				    "(--gpus none)", m);
			else
				snprintf(o->err, sizeof o->err, "start: %.200s", m);
			o->sent_rc = o->gpu_refused ? CLIENT_ECONFIG :
			    http_status_rc(res->status);
			o->sent_status = res->status;
			/* remove the half-made container, then report */
			o->step = S_CLEANUP;
			snprintf(path, sizeof path, "/containers/%s?force=1",
			    o->cid);
			if (send_req(o, "DELETE", path, NULL, false, e,
			    sizeof e) != 0)
				finish(o, o->sent_rc, o->sent_status, o->err,
				    NULL);
			return;
		}
		o->step = S_INSPECT;
		o->t0 = now;
		snprintf(path, sizeof path, "/containers/%s/json", o->cid);
		if (send_req(o, "GET", path, NULL, false, e, sizeof e) != 0)
			finish(o, CLIENT_ENOMEM, 0, e, NULL);
		return;
	}
	if (o->step == S_CLEANUP) {
		if (res->status != 204 && res->status != 404) {
			size_t l = strlen(o->err);

			daemon_message(res, m, sizeof m);
			snprintf(o->err + l, sizeof o->err - l, " (and the "
			    "container %.12s could not be removed: %s)",
			    o->cid, m);
		}
		finish(o, o->sent_rc, o->sent_status, o->err, NULL);
		return;
	}
	/* S_INSPECT */
	o->ms[2] = (long)(now - o->t0);
	r = result_new(o);
	if (r == NULL) {
		finish(o, CLIENT_ENOMEM, 0, "out of memory", NULL);
		return;
	}
	if (res->status != 200) {
		docker_result_free(r);
		daemon_message(res, m, sizeof m);
		fail(o, http_status_rc(res->status), res->status, "%s: inspect: "
		    "%s", m);
		return;
	}
	rc = parse_container(res->body, res->len, &r->container, e, sizeof e);
	if (rc != CLIENT_OK) {
		docker_result_free(r);
		fail(o, rc, res->status, "%s: inspect: %s", e);
		return;
	}
	r->ms_create = o->ms[0];
	r->ms_start = o->ms[1];
	r->ms_inspect = o->ms[2];
	finish(o, CLIENT_OK, res->status, NULL, r);
}

static void
emit_progress(struct dop *o, struct docker_result *r)
{
	struct client_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = CLIENT_EV_PROGRESS;
	ev.req = CLIENT_REQ_DOCKER;
	ev.id = o->id;
	ev.data = r;
	ev.data_free = docker_result_free;
	o->busy++;
	client_emit(o->d->c, &ev);
	o->busy--;
}

static void
pull_progress(struct dop *o)
{
	struct docker_result *r = result_new(o);

	if (r == NULL)
		return;
	r->pull = malloc(sizeof *r->pull);
	if (r->pull == NULL) {
		free(r);
		return;
	}
	*r->pull = *o->pull;
	r->pull->line = NULL;
	r->pull->line_len = r->pull->line_alloc = 0;
	emit_progress(o, r);
}

static void
log_line(int stream, const char *line, size_t len, void *arg)
{
	struct dop *o = arg;
	struct docker_result *r;

	if (o->cancelled)
		return;
	r = result_new(o);
	if (r == NULL)
		return;
	r->log_line = malloc(len + 1);
	if (r->log_line == NULL) {
		free(r);
		return;
	}
	memcpy(r->log_line, line, len);
	r->log_line[len] = '\0';
	r->log_len = len;
	r->log_stream = stream;
	emit_progress(o, r);
}

/* Is the current request a stream read as it comes (pull, logs)? */
static bool
streaming(const struct dop *o)
{
	return (o->op == DOCKER_OP_PULL || o->op == DOCKER_OP_LOGS) &&
	    o->step == S_MAIN;
}

static bool
on_data(struct client *c, unsigned id, const char *buf, size_t len,
    void *arg)
{
	struct dop *o = arg;
	long long now;
	enum client_rc rc;

	(void)c;
	(void)id;
	if (o->cancelled || o->stream_failed)
		return false;
	if (!streaming(o)) {
		if (o->len + len + 1 > CLIENT_MAX_JSON_BYTES)
			return false;
		if (o->len + len + 1 > o->alloc) {
			size_t na = o->alloc ? o->alloc : 4096;
			char *t;

			while (na < o->len + len + 1)
				na *= 2;
			t = realloc(o->buf, na);
			if (t == NULL)
				return false;
			o->buf = t;
			o->alloc = na;
		}
		memcpy(o->buf + o->len, buf, len);
		o->len += len;
		o->buf[o->len] = '\0';
		return true;
	}
	if (o->op == DOCKER_OP_LOGS) {
		if (docker_demux_feed(&o->demux, buf, len, log_line, o, o->err,
		    sizeof o->err) != 0) {
			o->stream_failed = true;
			o->sent_rc = CLIENT_EPARSE;
			return false;
		}
		return true;
	}
	rc = docker_pull_feed(o->pull, buf, len, o->err, sizeof o->err);
	if (rc != CLIENT_OK) {
		o->stream_failed = true;
		o->sent_rc = rc;
		return false;
	}
	now = client_now_ms();
	if (now - o->last_progress >= DOCKER_PROGRESS_MS) {
		o->last_progress = now;
		pull_progress(o);
	}
	return true;
}

/* A stream (pull, logs) ended. */
static void
step_stream(struct dop *o, struct http_response *res)
{
	char m[CLIENT_ERR_MAX];
	struct docker_result *r;

	if (o->stream_failed) {
		if (o->op == DOCKER_OP_LOGS)
			docker_demux_flush(&o->demux, log_line, o);
		if (o->cancelled) {
			dop_free(o);
			return;
		}
		finish(o, o->sent_rc, res->status, o->err, NULL);
		return;
	}
	if (res->rc != CLIENT_OK && res->status == 0) {
		if (res->rc == CLIENT_ETIMEOUT && o->op == DOCKER_OP_PULL)
			snprintf(m, sizeof m, "pull of %.120s stalled: no word "
			    "from the Docker daemon for %ld s", o->arg,
			    (o->d->stall_ms + 999) / 1000);
		else if (o->op == DOCKER_OP_PULL && o->pull->lines > 0)
			snprintf(m, sizeof m, "pull: the Docker daemon ended "
			    "the pull of %.100s before it finished (%.80s)", o->arg,
			    res->err != NULL ? res->err : "connection lost");
		else
			transport_message(o, res, m, sizeof m);
		finish(o, res->rc, 0, m, NULL);
		return;
	}
	if (res->status != 200) {
		daemon_message(res, m, sizeof m);
		if (o->op == DOCKER_OP_PULL && res->status == 404)
			fail(o, CLIENT_ENOTFOUND, res->status, "%s: not in the "
			    "registry: %s", m);
		else
			fail(o, http_status_rc(res->status), res->status,
			    "%s: %s", m);
		return;
	}
	if (o->op == DOCKER_OP_LOGS) {
		docker_demux_flush(&o->demux, log_line, o);
		if (o->cancelled) {
			dop_free(o);
			return;
		}
		finish(o, CLIENT_OK, res->status, NULL, NULL);
		return;
	}
	/* a last line without its newline */
	if (o->pull->line_len > 0 && docker_pull_feed(o->pull, "\n", 1,
	    m, sizeof m) != CLIENT_OK) {
		finish(o, CLIENT_EFAILED, res->status, m, NULL);
		return;
	}
	if (!o->pull->finished) {
		fail(o, CLIENT_ENET, res->status, "%s: the Docker daemon ended "
		    "the pull of %s before it finished", o->arg);
		return;
	}
	r = result_new(o);
	if (r != NULL) {
		r->pull = malloc(sizeof *r->pull);
		if (r->pull != NULL) {
			*r->pull = *o->pull;
			r->pull->line = NULL;
			r->pull->line_len = r->pull->line_alloc = 0;
		}
	}
	finish(o, CLIENT_OK, res->status, NULL, r);
}

static void
on_done(struct client *c, unsigned id, struct http_response *res, void *arg)
{
	struct dop *o = arg;
	struct docker_result *r;
	char m[CLIENT_ERR_MAX], e[CLIENT_ERR_MAX];
	enum client_rc rc = CLIENT_OK;

	(void)c;
	(void)id;
	if (o->cancelled) {
		if (o->busy == 0)
			dop_free(o);
		return;
	}
	if (streaming(o)) {
		step_stream(o, res);
		return;
	}
	if (res->rc == CLIENT_ECANCEL && res->status >= 200 &&
	    res->status < 300) {
		fail(o, CLIENT_ELIMIT, res->status, "%s: answer larger than "
		    "%s", "the limit");
		return;
	}
	if (res->status >= 200 && res->status < 300) {
		/* the 2xx body went to on_data; lend it to the steps */
		if (o->buf == NULL && (o->buf = calloc(1, 1)) == NULL) {
			finish(o, CLIENT_ENOMEM, 0, "out of memory", NULL);
			return;
		}
		res->body = o->buf;
		res->len = o->len;
	}
	if (res->rc != CLIENT_OK && res->status == 0) {
		transport_message(o, res, m, sizeof m);
		finish(o, res->rc, 0, m, NULL);
		return;
	}
	if (o->step == S_VERSION) {
		if (res->status != 200) {
			daemon_message(res, m, sizeof m);
			fail(o, http_status_rc(res->status), res->status,
			    "%s: the Docker daemon answered /version with: %s",
			    m);
			return;
		}
		step_version(o, res);
		return;
	}
	if (o->op == DOCKER_OP_START) {
		step_start(o, res);
		return;
	}
	if (o->op == DOCKER_OP_VERSION) {
		finish(o, CLIENT_OK, res->status, NULL, NULL);
		return;
	}
	/* stop: 304 already stopped; remove: 404 gone already is an error */
	if (res->status >= 300 && !(o->op == DOCKER_OP_STOP &&
	    res->status == 304)) {
		daemon_message(res, m, sizeof m);
		fail(o, http_status_rc(res->status), res->status, "%s: %s", m);
		return;
	}
	r = result_new(o);
	if (r == NULL) {
		finish(o, CLIENT_ENOMEM, 0, "out of memory", NULL);
		return;
	}
	e[0] = '\0';
	switch (o->op) {
	case DOCKER_OP_IMAGES:
		rc = parse_images(res->body, res->len, &r->images, e, sizeof e);
		break;
	case DOCKER_OP_INSPECT_IMAGE:
		rc = parse_image(res->body, res->len, &r->image, e, sizeof e);
		break;
	case DOCKER_OP_CONTAINERS:
		rc = parse_containers(res->body, res->len, &r->containers, e,
		    sizeof e);
		break;
	case DOCKER_OP_INSPECT:
		rc = parse_container(res->body, res->len, &r->container, e,
		    sizeof e);
		break;
	default:
		break;
	}
	if (rc != CLIENT_OK) {
		docker_result_free(r);
		fail(o, rc, res->status, "%s: %s", e);
		return;
	}
	finish(o, CLIENT_OK, res->status, NULL, r);
}

/* ------------------------------------------------------- public ops */

unsigned
docker_version(struct docker *d, char *err, size_t errsz)
{
	struct dop *o = op_begin(d, DOCKER_OP_VERSION, NULL, err, errsz);

	if (o == NULL)
		return 0;
	if (d->api[0] != '\0')
		d->api[0] = '\0';	/* asked explicitly: ask again */
	return op_go(o, err, errsz);
}

unsigned
docker_images(struct docker *d, char *err, size_t errsz)
{
	struct dop *o = op_begin(d, DOCKER_OP_IMAGES, NULL, err, errsz);

	return o != NULL ? op_go(o, err, errsz) : 0;
}

unsigned
docker_containers(struct docker *d, char *err, size_t errsz)
{
	struct dop *o = op_begin(d, DOCKER_OP_CONTAINERS, NULL, err, errsz);

	return o != NULL ? op_go(o, err, errsz) : 0;
}

/* Image references go into paths unescaped (the daemon wants that), so
   they must be plain reference characters. */
static bool
plain_ref(const char *s)
{
	for (; *s != '\0'; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && strchr("._-/:@", *s) == NULL)
			return false;
	return true;
}

unsigned
docker_image_inspect(struct docker *d, const char *ref, char *err,
    size_t errsz)
{
	struct dop *o;

	if (ref == NULL || !plain_ref(ref)) {
		snprintf(err, errsz, "image inspect: bad reference");
		return 0;
	}
	o = op_begin(d, DOCKER_OP_INSPECT_IMAGE, ref, err, errsz);
	return o != NULL ? op_go(o, err, errsz) : 0;
}

unsigned
docker_image_remove(struct docker *d, const char *ref, char *err,
    size_t errsz)
{
	struct dop *o;

	if (ref == NULL || !plain_ref(ref)) {
		snprintf(err, errsz, "image remove: bad reference");
		return 0;
	}
	o = op_begin(d, DOCKER_OP_REMOVE_IMAGE, ref, err, errsz);
	return o != NULL ? op_go(o, err, errsz) : 0;
}

/* The X-Registry-Auth for repo's registry from the docker config, if any. */
static int
load_auth(struct dop *o, char *err, size_t errsz)
{
	char reg[DOCKER_MAX_REF], *buf = NULL;
	FILE *f;
	long n;
	int rc = 0;

	if (o->d->auth_path == NULL)
		return 0;
	f = fopen(o->d->auth_path, "rb");
	if (f == NULL)
		return 0;	/* no config: anonymous */
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > (1L << 20) || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errsz, "pull: cannot read %s", o->d->auth_path);
		rc = -1;
		goto out;
	}
	buf[n] = '\0';
	docker_ref_registry(o->repo, reg, sizeof reg);
	if (docker_auth_header(buf, (size_t)n, reg, o->auth, sizeof o->auth,
	    err, errsz) < 0)
		rc = -1;
out:
	if (buf != NULL) {
		memset(buf, 0, (size_t)(n > 0 ? n : 0));
		free(buf);
	}
	fclose(f);
	return rc;
}

unsigned
docker_pull(struct docker *d, const char *ref, char *err, size_t errsz)
{
	struct dop *o = op_begin(d, DOCKER_OP_PULL, ref, err, errsz);

	if (o == NULL)
		return 0;
	if (docker_ref_split(ref, d->registry, o->repo, sizeof o->repo, o->tag,
	    sizeof o->tag, o->arg, sizeof o->arg, err, errsz) != CLIENT_OK ||
	    load_auth(o, err, errsz) != 0) {
		dop_free(o);
		return 0;
	}
	o->pull = malloc(sizeof *o->pull);
	if (o->pull == NULL) {
		dop_free(o);
		snprintf(err, errsz, "out of memory");
		return 0;
	}
	docker_pull_progress_init(o->pull);
	return op_go(o, err, errsz);
}

static char *
create_body(const struct docker_start_opts *so, const char *gpus)
{
	cJSON *b = cJSON_CreateObject(), *labels, *exposed, *hc, *pb, *arr,
	    *bind, *dr, *caps, *cap, *ids;
	char key[16];
	char *out = NULL;
	unsigned i;

	if (b == NULL)
		return NULL;
	snprintf(key, sizeof key, "%d/tcp", DOCKER_COG_PORT);
	if (cJSON_AddStringToObject(b, "Image", so->image) == NULL ||
	    (labels = cJSON_AddObjectToObject(b, "Labels")) == NULL ||
	    cJSON_AddStringToObject(labels, DOCKER_LABEL_MANAGED, "1") ==
	    NULL ||
	    cJSON_AddStringToObject(labels, DOCKER_LABEL_GPUS, gpus) == NULL ||
	    (exposed = cJSON_AddObjectToObject(b, "ExposedPorts")) == NULL ||
	    cJSON_AddObjectToObject(exposed, key) == NULL ||
	    (hc = cJSON_AddObjectToObject(b, "HostConfig")) == NULL ||
	    (pb = cJSON_AddObjectToObject(hc, "PortBindings")) == NULL ||
	    (arr = cJSON_AddArrayToObject(pb, key)) == NULL ||
	    (bind = cJSON_CreateObject()) == NULL)
		goto out;
	cJSON_AddItemToArray(arr, bind);
	if (so->host_port > 0)
		snprintf(key, sizeof key, "%d", so->host_port);
	else
		key[0] = '\0';	/* the daemon picks a free one at start */
	if (cJSON_AddStringToObject(bind, "HostIp", "127.0.0.1") == NULL ||
	    cJSON_AddStringToObject(bind, "HostPort", key) == NULL ||
	    cJSON_AddNumberToObject(hc, "ShmSize", (double)DOCKER_SHM_SIZE) ==
	    NULL)
		goto out;
	if (so->gpus.kind != DOCKER_GPUS_NONE) {
		if ((arr = cJSON_AddArrayToObject(hc, "DeviceRequests")) ==
		    NULL || (dr = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, dr);
		if (cJSON_AddStringToObject(dr, "Driver", "") == NULL ||
		    cJSON_AddNumberToObject(dr, "Count", so->gpus.kind ==
		    DOCKER_GPUS_ALL ? -1 : so->gpus.kind == DOCKER_GPUS_COUNT ?
		    so->gpus.count : 0) == NULL)
			goto out;
		if (so->gpus.kind == DOCKER_GPUS_IDS) {
			if ((ids = cJSON_AddArrayToObject(dr, "DeviceIDs")) ==
			    NULL)
				goto out;
			for (i = 0; i < so->gpus.n_ids; i++)
				cJSON_AddItemToArray(ids,
				    cJSON_CreateString(so->gpus.ids[i]));
		}
		if ((caps = cJSON_AddArrayToObject(dr, "Capabilities")) ==
		    NULL || (cap = cJSON_CreateArray()) == NULL)
			goto out;
		cJSON_AddItemToArray(caps, cap);
		cJSON_AddItemToArray(cap, cJSON_CreateString("gpu"));
	}
	out = cJSON_PrintUnformatted(b);
out:
	cJSON_Delete(b);
	return out;
}

unsigned
docker_start(struct docker *d, const struct docker_start_opts *so,
    char *err, size_t errsz)
{
	char gpus[DOCKER_MAX_GPU_IDS * 33 + 8], name[DOCKER_MAX_ID * 3];
	struct dop *o;
	unsigned i;

	if (so == NULL || so->image == NULL || !plain_ref(so->image)) {
		snprintf(err, errsz, "start: bad image reference");
		return 0;
	}
	if (so->host_port < 0 || so->host_port > 65535) {
		snprintf(err, errsz, "start: port %d out of range",
		    so->host_port);
		return 0;
	}
	o = op_begin(d, DOCKER_OP_START, so->image, err, errsz);
	if (o == NULL)
		return 0;
	snprintf(o->repo, sizeof o->repo, "%s", so->image);
	o->arg[0] = '\0';
	if (so->name != NULL && so->name[0] != '\0') {
		if (strlen(so->name) >= DOCKER_MAX_ID || http_escape(so->name,
		    name, sizeof name) != 0) {
			snprintf(err, errsz, "start: name too long");
			dop_free(o);
			return 0;
		}
		snprintf(o->arg, sizeof o->arg, "/containers/create?name=%s",
		    name);
	}
	switch (so->gpus.kind) {
	case DOCKER_GPUS_ALL:
		snprintf(gpus, sizeof gpus, "all");
		break;
	case DOCKER_GPUS_COUNT:
		snprintf(gpus, sizeof gpus, "%d", so->gpus.count);
		break;
	case DOCKER_GPUS_IDS:
		gpus[0] = '\0';
		for (i = 0; i < so->gpus.n_ids && i < DOCKER_MAX_GPU_IDS; i++)
			snprintf(gpus + strlen(gpus), sizeof gpus -
			    strlen(gpus), "%s%s", i ? "," : "",
			    so->gpus.ids[i]);
		break;
	default:
		snprintf(gpus, sizeof gpus, "none");
	}
	o->body = create_body(so, gpus);
	if (o->body == NULL) {
		snprintf(err, errsz, "out of memory");
		dop_free(o);
		return 0;
	}
	return op_go(o, err, errsz);
}

static unsigned
container_op(struct docker *d, enum docker_op op, const char *id, char *err,
    size_t errsz, struct dop **out)
{
	struct dop *o;

	if (id == NULL || strlen(id) >= DOCKER_MAX_ID) {
		snprintf(err, errsz, "%s: bad container id",
		    docker_op_name(op));
		return 0;
	}
	o = op_begin(d, op, id, err, errsz);
	if (o == NULL)
		return 0;
	*out = o;
	return 1;
}

unsigned
docker_inspect(struct docker *d, const char *id, char *err, size_t errsz)
{
	struct dop *o = NULL;

	if (!container_op(d, DOCKER_OP_INSPECT, id, err, errsz, &o))
		return 0;
	return op_go(o, err, errsz);
}

unsigned
docker_stop(struct docker *d, const char *id, char *err, size_t errsz)
{
	struct dop *o = NULL;

	if (!container_op(d, DOCKER_OP_STOP, id, err, errsz, &o))
		return 0;
	/* the daemon answers once the container is down */
	return op_go(o, err, errsz);
}

unsigned
docker_remove(struct docker *d, const char *id, bool force, char *err,
    size_t errsz)
{
	struct dop *o = NULL;

	if (!container_op(d, DOCKER_OP_REMOVE, id, err, errsz, &o))
		return 0;
	o->force = force;
	return op_go(o, err, errsz);
}

unsigned
docker_logs(struct docker *d, const char *id, long tail, bool follow,
    char *err, size_t errsz)
{
	struct dop *o = NULL;

	if (!container_op(d, DOCKER_OP_LOGS, id, err, errsz, &o))
		return 0;
	o->tail = tail;
	o->follow = follow;
	return op_go(o, err, errsz);
}
