/*
 * client/docker/docker_parse.c: Docker Engine JSON into r8play's structs:
 * image and container lists and inspections, Cog labels, RFC 3339 times.
 */
#include "client/docker/docker.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"
#include "client/docker/docker_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

	if (dk_dup_str(json_str(j, "Id"), &im->id) != 0)
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
			if (dk_dup_str(e->valuestring, &im->tags[im->n_tags]) !=
			    0)
				return -1;
			im->n_tags++;
		}
	if (im->n_tags > 0) {
		if (dk_dup_str(im->tags[0], &im->ref) != 0)
			return -1;
	} else if (im->id != NULL) {
		char s[20];
		const char *h = strncmp(im->id, "sha256:", 7) == 0 ?
		    im->id + 7 : im->id;

		snprintf(s, sizeof s, "%.12s", h);
		if (dk_dup_str(s, &im->ref) != 0)
			return -1;
	}
	created = json_str(j, "Created");
	im->created = created != NULL ? rfc3339(created) :
	    json_int(j, "Created", 0);
	im->size = json_int(j, "Size", 0);
	if (dk_dup_str(dk_label(labels, "run.cog.openapi_schema",
	    "org.cogmodel.openapi_schema"), &im->schema) != 0 ||
	    dk_dup_str(dk_label(labels, "run.cog.config", "org.cogmodel.config"),
	    &im->config) != 0 ||
	    dk_dup_str(dk_label(labels, "run.cog.version",
	    "org.cogmodel.cog_version"), &im->cog_version) != 0)
		return -1;
	return 0;
}

/*
 * The body of a list answer: a JSON array (the caller deletes it), and
 * how many of its items to keep (*n, at most DOCKER_MAX_ITEMS). NULL with
 * *rc and err set when it is not one.
 */
static cJSON *
parse_list(const char *body, size_t len, const char *what, size_t *n,
    enum client_rc *rc, char *err, size_t errsz)
{
	cJSON *j = json_parse(body, len, rc, err, errsz);

	if (j == NULL)
		return NULL;
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		snprintf(err, errsz, "%s: expected an array", what);
		*rc = CLIENT_ESHAPE;
		return NULL;
	}
	*n = (size_t)cJSON_GetArraySize(j);
	if (*n > DOCKER_MAX_ITEMS)
		*n = DOCKER_MAX_ITEMS;
	return j;
}

enum client_rc
dk_parse_images(const char *body, size_t len, struct docker_image_list **out,
    char *err, size_t errsz)
{
	struct docker_image_list *l;
	enum client_rc rc = CLIENT_OK;
	const cJSON *e;
	cJSON *j;
	size_t n;

	j = parse_list(body, len, "images list", &n, &rc, err, errsz);
	if (j == NULL)
		return rc;
	l = calloc(1, sizeof *l);
	if (l == NULL || (n > 0 && (l->items = calloc(n, sizeof *l->items)) ==
	    NULL))
		goto oom;
	cJSON_ArrayForEach(e, j) {
		const cJSON *labels = json_obj(e, "Labels");

		if (l->n >= n)
			break;
		if (!cJSON_IsObject(e) || !dk_is_cog(labels))
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

enum client_rc
dk_parse_image(const char *body, size_t len, struct docker_image **out,
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
	return dk_dup_str(u, &ct->url);
}

/* g when it is an IPv4 or IPv6 literal (it is bound by the listener). */
static const char *
ip_literal(const char *g)
{
	unsigned char a[sizeof(struct in6_addr)];

	if (g == NULL || g[0] == '\0' || strlen(g) >= DOCKER_MAX_GATEWAY)
		return NULL;
	if (inet_pton(AF_INET, g, a) == 1 || inet_pton(AF_INET6, g, a) == 1)
		return g;
	return NULL;
}

/* The network gateway: NetworkSettings.Gateway (inspect, the default
 * bridge), else the first network's Gateway (lists; user networks). */
static int
set_gateway(struct docker_container *ct, const cJSON *ns)
{
	const char *g = ip_literal(json_str(ns, "Gateway"));
	const cJSON *n;

	cJSON_ArrayForEach(n, json_obj(ns, "Networks")) {
		if (g != NULL)
			break;
		g = ip_literal(json_str(n, "Gateway"));
	}
	return dk_dup_str(g, &ct->gateway);
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
		    json_int(p, "PublicPort", 0) > 0 &&
		    json_int(p, "PublicPort", 0) <= 65535) {
			const char *ip = json_str(p, "IP");

			/* prefer the loopback binding */
			if (port == 0 || (ip != NULL &&
			    strncmp(ip, "127.", 4) == 0))
				port = (int)json_int(p, "PublicPort", 0);
		}
	}
	ct->created = json_int(e, "Created", 0);
	ct->managed = dk_label(labels, DOCKER_LABEL_MANAGED, NULL) != NULL;
	if (dk_dup_str(json_str(e, "Id"), &ct->id) != 0 ||
	    dk_dup_str(name, &ct->name) != 0 ||
	    dk_dup_str(json_str(e, "Image"), &ct->image) != 0 ||
	    dk_dup_str(json_str(e, "State"), &ct->state) != 0 ||
	    dk_dup_str(json_str(e, "Status"), &ct->status) != 0 ||
	    dk_dup_str(dk_label(labels, DOCKER_LABEL_GPUS, NULL), &ct->gpus) != 0 ||
	    dk_dup_str(dk_label(labels, DOCKER_LABEL_SESSION, NULL),
	    &ct->session) != 0 ||
	    dk_dup_str(dk_label(labels, "run.cog.version",
	    "org.cogmodel.cog_version"), &ct->cog_version) != 0 ||
	    set_gateway(ct, json_obj(e, "NetworkSettings")) != 0 ||
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
			if (hp != NULL && atoi(hp) > 0 && atoi(hp) <= 65535 &&
			    (port == 0 ||
			    (ip != NULL && strncmp(ip, "127.", 4) == 0)))
				port = atoi(hp);
		}
	}
	if (name != NULL && name[0] == '/')
		name++;
	ct->created = rfc3339(json_str(j, "Created"));
	ct->managed = dk_label(labels, DOCKER_LABEL_MANAGED, NULL) != NULL;
	if (dk_dup_str(json_str(j, "Id"), &ct->id) != 0 ||
	    dk_dup_str(name, &ct->name) != 0 ||
	    dk_dup_str(json_str(cfg, "Image"), &ct->image) != 0 ||
	    dk_dup_str(json_str(json_obj(j, "State"), "Status"), &ct->state) !=
	    0 ||
	    dk_dup_str(dk_label(labels, DOCKER_LABEL_GPUS, NULL), &ct->gpus) != 0 ||
	    dk_dup_str(dk_label(labels, DOCKER_LABEL_SESSION, NULL),
	    &ct->session) != 0 ||
	    dk_dup_str(dk_label(labels, "run.cog.version",
	    "org.cogmodel.cog_version"), &ct->cog_version) != 0 ||
	    set_gateway(ct, json_obj(j, "NetworkSettings")) != 0 ||
	    set_url(ct, port) != 0)
		return -1;
	return 0;
}

enum client_rc
dk_parse_containers(const char *body, size_t len,
    struct docker_container_list **out, char *err, size_t errsz)
{
	struct docker_container_list *l;
	enum client_rc rc = CLIENT_OK;
	const cJSON *e;
	cJSON *j;
	size_t n;

	j = parse_list(body, len, "containers list", &n, &rc, err, errsz);
	if (j == NULL)
		return rc;
	l = calloc(1, sizeof *l);
	if (l == NULL || (n > 0 && (l->items = calloc(n, sizeof *l->items)) ==
	    NULL))
		goto oom;
	cJSON_ArrayForEach(e, j) {
		const cJSON *labels = json_obj(e, "Labels");

		if (l->n >= n)
			break;
		if (!cJSON_IsObject(e) || (!dk_is_cog(labels) &&
		    dk_label(labels, DOCKER_LABEL_MANAGED, NULL) == NULL))
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

enum client_rc
dk_parse_container(const char *body, size_t len, struct docker_container **out,
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
