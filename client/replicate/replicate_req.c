/*
 * client/replicate/replicate_req.c: Replicate's endpoints as non-blocking requests
 * (each an operation with its own id, delivering one DONE or ERROR event),
 * the QUERY search with its GET /v1/search fallback, prediction create and
 * file uploads. Following a prediction lives in replicate_follow.c.
 */
#include "client/replicate/replicate.h"
#include "client/replicate/replicate_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/http.h"
#include "client/net/json.h"

#define QUERY_MAX	512u

/* "a: b" into err, cut to fit (snprintf would warn about truncation). */
void
rep_join(char *err, size_t n, const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);

	if (n == 0)
		return;
	if (al > n - 1)
		al = n - 1;
	memcpy(err, a, al);
	if (al + 2 < n) {
		memcpy(err + al, ": ", 2);
		al += 2;
		if (bl > n - 1 - al)
			bl = n - 1 - al;
		memcpy(err + al, b, bl);
		al += bl;
	}
	err[al] = '\0';
}

/* ---- one-shot requests */

struct rq {
	struct client *c;
	enum client_req kind;
	unsigned id;		/* public id (the operation) */
	unsigned http;		/* current HTTP request */
	bool	 via_search;	/* SEARCH: fell back to GET /v1/search */
	char	 what[160];
	char	 query[QUERY_MAX];
};

static void rq_done(struct client *c, unsigned hid, struct http_response *res,
    void *arg);

static void
rq_cancel(struct client *c, unsigned id, void *arg)
{
	struct rq *q = arg;

	(void)id;
	http_cancel(c, q->http);
	free(q);
}

void
rep_emit_error(struct client *c, enum client_req kind, unsigned id,
    enum client_rc rc, long status, const char *msg)
{
	struct client_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = CLIENT_EV_ERROR;
	ev.req = kind;
	ev.id = id;
	ev.rc = rc;
	ev.http_status = status;
	ev.err = msg;
	client_emit(c, &ev);
}

/* Parse a 2xx body into the event's payload field for q->kind. */
static enum client_rc
rq_parse(struct rq *q, const struct http_response *res,
    struct client_event *ev, char *err, size_t errsz)
{
	const char *b = res->body;
	size_t n = res->len;
	enum client_rc rc = CLIENT_ENOMEM;

#define PARSE(field, type, fn, freefn)					\
	do {								\
		ev->field = calloc(1, sizeof(type));			\
		if (ev->field == NULL)					\
			break;						\
		rc = fn(b, n, ev->field, err, errsz);			\
		if (rc != CLIENT_OK) {					\
			freefn(ev->field);				\
			ev->field = NULL;				\
		}							\
	} while (0)
	switch (q->kind) {
	case CLIENT_REQ_MODELS:
		PARSE(models, struct model_page, replicate_model_page_parse,
		    replicate_model_page_free);
		break;
	case CLIENT_REQ_SEARCH:
		if (q->via_search)
			PARSE(models, struct model_page,
			    replicate_search_parse, replicate_model_page_free);
		else
			PARSE(models, struct model_page,
			    replicate_model_page_parse,
			    replicate_model_page_free);
		break;
	case CLIENT_REQ_COLLECTIONS:
		PARSE(collections, struct collection_page,
		    replicate_collection_page_parse,
		    replicate_collection_page_free);
		break;
	case CLIENT_REQ_COLLECTION:
		PARSE(collection, struct collection,
		    replicate_collection_parse, replicate_collection_free);
		break;
	case CLIENT_REQ_MODEL:
		PARSE(model, struct model, replicate_model_parse,
		    replicate_model_free);
		break;
	case CLIENT_REQ_VERSIONS:
		PARSE(versions, struct version_page,
		    replicate_version_page_parse, replicate_version_page_free);
		break;
	case CLIENT_REQ_VERSION:
		PARSE(version, struct version, replicate_version_parse,
		    replicate_version_free);
		break;
	case CLIENT_REQ_EXAMPLES:
	case CLIENT_REQ_PREDICTIONS:
		PARSE(predictions, struct prediction_page,
		    replicate_prediction_page_parse,
		    replicate_prediction_page_free);
		break;
	case CLIENT_REQ_HARDWARE:
		PARSE(hardware, struct hardware_list, replicate_hardware_parse,
		    replicate_hardware_free);
		break;
	case CLIENT_REQ_ACCOUNT:
		PARSE(account, struct account, replicate_account_parse,
		    replicate_account_free);
		break;
	case CLIENT_REQ_CREATE:
	case CLIENT_REQ_PREDICTION:
	case CLIENT_REQ_CANCEL:
		PARSE(prediction, struct prediction, prediction_parse,
		    prediction_free);
		break;
	case CLIENT_REQ_UPLOAD:
		PARSE(file, struct replicate_file, replicate_file_parse,
		    replicate_file_free);
		break;
	default:
		ev->body = res->body;
		ev->body_len = res->len;
		res = NULL;
		rc = CLIENT_OK;
		break;
	}
#undef PARSE
	if (rc == CLIENT_ENOMEM && err[0] == '\0')
		snprintf(err, errsz, "out of memory");
	return rc;
}

static unsigned
rq_start_http(struct rq *q, const struct http_opts *o, char *err,
    size_t errsz)
{
	struct http_opts oo = *o;

	oo.done = rq_done;
	oo.arg = q;
	q->http = http_start(q->c, &oo, err, errsz);
	return q->http;
}

static bool
search_fallback(struct rq *q, long status)
{
	struct http_opts o;
	char url[HTTP_MAX_URL], esc[QUERY_MAX * 3 + 1], err[CLIENT_ERR_MAX];

	if (q->kind != CLIENT_REQ_SEARCH || q->via_search ||
	    (status != 404 && status != 405 && status != 501))
		return false;
	if (http_escape(q->query, esc, sizeof esc) != 0)
		return false;
	snprintf(url, sizeof url, "/search?query=%s&limit=50", esc);
	memset(&o, 0, sizeof o);
	o.url = url;
	o.idempotent = true;
	q->via_search = true;
	if (rq_start_http(q, &o, err, sizeof err) == 0)
		return false;
	return true;
}

static void
rq_done(struct client *c, unsigned hid, struct http_response *res, void *arg)
{
	struct rq *q = arg;
	struct client_event ev;
	char err[CLIENT_ERR_MAX], sub[CLIENT_ERR_MAX];
	enum client_rc rc;

	(void)hid;
	if (res->rc == CLIENT_OK && res->status >= 200 && res->status < 300) {
		memset(&ev, 0, sizeof ev);
		sub[0] = '\0';
		rc = rq_parse(q, res, &ev, sub, sizeof sub);
		if (ev.body != NULL)
			res->body = NULL;	/* taken */
		if (rc == CLIENT_OK) {
			ev.kind = CLIENT_EV_DONE;
			ev.req = q->kind;
			ev.id = q->id;
			ev.http_status = res->status;
			client_op_remove(c, q->id);
			client_emit(c, &ev);
			free(q);
			return;
		}
		rep_join(err, sizeof err, q->what, sub);
		client_op_remove(c, q->id);
		rep_emit_error(c, q->kind, q->id, rc, res->status, err);
		free(q);
		return;
	}
	if (res->rc == CLIENT_OK && search_fallback(q, res->status))
		return;
	if (res->rc != CLIENT_OK) {
		rc = res->rc;
		snprintf(err, sizeof err, "%s: %s", q->what,
		    res->err != NULL ? res->err : client_strerror(rc));
	} else {
		rc = http_status_rc(res->status);
		http_problem(q->what, res->status, res->body, res->len, err,
		    sizeof err);
	}
	client_op_remove(c, q->id);
	rep_emit_error(c, q->kind, q->id, rc, res->status, err);
	free(q);
}

/* Start a request of kind; what names it in messages. */
static unsigned
rq_start(struct client *c, enum client_req kind, const char *what,
    const struct http_opts *o, char *err, size_t errsz)
{
	char sub[CLIENT_ERR_MAX];
	struct rq *q = calloc(1, sizeof *q);

	if (q == NULL) {
		snprintf(err, errsz, "%s: out of memory", what);
		return 0;
	}
	q->c = c;
	q->kind = kind;
	snprintf(q->what, sizeof q->what, "%s", what);
	if (kind == CLIENT_REQ_SEARCH && o->body != NULL)
		snprintf(q->query, sizeof q->query, "%.*s", (int)o->body_len,
		    o->body);
	if (rq_start_http(q, o, sub, sizeof sub) == 0) {
		snprintf(err, errsz, "%s: %s", what, sub);
		free(q);
		return 0;
	}
	q->id = client_next_id(c);
	if (client_op_add(c, q->id, rq_cancel, q) != 0) {
		http_cancel(c, q->http);
		free(q);
		snprintf(err, errsz, "%s: out of memory", what);
		return 0;
	}
	return q->id;
}

static unsigned
get_json(struct client *c, enum client_req kind, const char *what,
    const char *url, char *err, size_t errsz)
{
	struct http_opts o;

	memset(&o, 0, sizeof o);
	o.url = url;
	o.idempotent = true;
	return rq_start(c, kind, what, &o, err, errsz);
}

/* "/models/{o}/{n}{suffix}" with escaped segments into buf. */
static int
model_path(char *buf, size_t n, const char *owner, const char *name,
    const char *suffix, char *err, size_t errsz)
{
	char eo[256], en[256];
	int w;

	if (owner == NULL || name == NULL || *owner == '\0' ||
	    *name == '\0' || http_escape(owner, eo, sizeof eo) != 0 ||
	    http_escape(name, en, sizeof en) != 0) {
		snprintf(err, errsz, "bad model name");
		return -1;
	}
	w = snprintf(buf, n, "/models/%s/%s%s", eo, en, suffix);
	if (w < 0 || (size_t)w >= n) {
		snprintf(err, errsz, "model name too long");
		return -1;
	}
	return 0;
}

/*
 * The GET endpoints, one row each: X(id, kind, what, path, bad). path has
 * up to three escaped arguments as %s; the "what" of messages names them
 * as "owner/name:version" (or the one slug); bad is the message for a
 * missing or unescapable argument. A paged one takes a next_url instead.
 */
#define REPLICATE_GET_LIST(X)						\
	X(MODELS, MODELS, "models list", "/models", NULL)		\
	X(COLLECTIONS, COLLECTIONS, "collections list", "/collections",	\
	    NULL)							\
	X(COLLECTION, COLLECTION, "collection get", "/collections/%s",	\
	    "bad slug")							\
	X(MODEL, MODEL, "model get", "/models/%s/%s", "bad model name")	\
	X(VERSIONS, VERSIONS, "versions list", "/models/%s/%s/versions", \
	    "bad model name")						\
	X(VERSION, VERSION, "version get", "/models/%s/%s/versions/%s",	\
	    "bad model name or version id")				\
	X(EXAMPLES, EXAMPLES, "examples list", "/models/%s/%s/examples", \
	    "bad model name")						\
	X(HARDWARE, HARDWARE, "hardware list", "/hardware", NULL)	\
	X(ACCOUNT, ACCOUNT, "account get", "/account", NULL)		\
	X(PREDICTIONS, PREDICTIONS, "predictions list", "/predictions",	\
	    NULL)

enum get_ep {
#define X(id, kind, what, path, bad) GET_##id,
	REPLICATE_GET_LIST(X)
#undef X
};

static const struct get_row {
	enum client_req kind;
	const char *what, *path, *bad;
} get_rows[] = {
#define X(id, kind, what, path, bad) { CLIENT_REQ_##kind, what, path, bad },
	REPLICATE_GET_LIST(X)
#undef X
};

/* Arguments a row's path takes (its "%s" count). */
static unsigned
get_nargs(const struct get_row *r)
{
	const char *p;
	unsigned n = 0;

	for (p = r->path; (p = strstr(p, "%s")) != NULL; p += 2)
		n++;
	return n;
}

/*
 * Start GET row ep with args (escaped into the path), or at next_url when
 * one is given (a page link). Returns the operation id, or 0 with err.
 */
static unsigned
get_start(struct client *c, enum get_ep ep, const char *const args[3],
    const char *next_url, char *err, size_t errsz)
{
	static const char *const seps[] = { " ", "/", ":" };
	const struct get_row *r = &get_rows[ep];
	char esc[3][256], url[1024], what[700];
	unsigned i, n = get_nargs(r);
	size_t at;
	int w;

	at = (size_t)snprintf(what, sizeof what, "%s", r->what);
	for (i = 0; i < n && at < sizeof what; i++)
		at += (size_t)snprintf(what + at, sizeof what - at, "%s%.200s",
		    seps[i], args[i] != NULL ? args[i] : "");
	if (next_url != NULL)
		return get_json(c, r->kind, what, next_url, err, errsz);
	for (i = 0; i < n; i++)
		if (args[i] == NULL || *args[i] == '\0' ||
		    http_escape(args[i], esc[i], sizeof esc[i]) != 0) {
			snprintf(err, errsz, "%s: %s", what, r->bad);
			return 0;
		}
	w = n == 0 ? snprintf(url, sizeof url, "%s", r->path) :
	    n == 1 ? snprintf(url, sizeof url, r->path, esc[0]) :
	    n == 2 ? snprintf(url, sizeof url, r->path, esc[0], esc[1]) :
	    snprintf(url, sizeof url, r->path, esc[0], esc[1], esc[2]);
	if (w < 0 || (size_t)w >= sizeof url) {
		snprintf(err, errsz, "%s: too long", what);
		return 0;
	}
	return get_json(c, r->kind, what, url, err, errsz);
}

unsigned
replicate_models_list(struct client *c, const char *next_url, char *err,
    size_t errsz)
{
	const char *const none[3] = { NULL, NULL, NULL };

	return get_start(c, GET_MODELS, none, next_url, err, errsz);
}

unsigned
replicate_models_search(struct client *c, const char *query, char *err,
    size_t errsz)
{
	struct http_opts o;
	char what[QUERY_MAX + 32];

	if (query == NULL || *query == '\0' || strlen(query) >= QUERY_MAX) {
		snprintf(err, errsz, "models search: the query must be 1 to "
		    "%u bytes", QUERY_MAX - 1);
		return 0;
	}
	snprintf(what, sizeof what, "models search \"%.80s\"", query);
	memset(&o, 0, sizeof o);
	o.method = "QUERY";
	o.url = "/models";
	o.body = query;
	o.body_len = strlen(query);
	o.content_type = "text/plain";
	o.idempotent = true;	/* QUERY is safe by definition */
	return rq_start(c, CLIENT_REQ_SEARCH, what, &o, err, errsz);
}

unsigned
replicate_collections_list(struct client *c, const char *next_url,
    char *err, size_t errsz)
{
	const char *const none[3] = { NULL, NULL, NULL };

	return get_start(c, GET_COLLECTIONS, none, next_url, err, errsz);
}

unsigned
replicate_collection_get(struct client *c, const char *slug, char *err,
    size_t errsz)
{
	const char *const a[3] = { slug, NULL, NULL };

	return get_start(c, GET_COLLECTION, a, NULL, err, errsz);
}

unsigned
replicate_model_get(struct client *c, const char *owner, const char *name,
    char *err, size_t errsz)
{
	const char *const a[3] = { owner, name, NULL };

	return get_start(c, GET_MODEL, a, NULL, err, errsz);
}

unsigned
replicate_versions_list(struct client *c, const char *owner, const char *name,
    const char *next_url, char *err, size_t errsz)
{
	const char *const a[3] = { owner, name, NULL };

	return get_start(c, GET_VERSIONS, a, next_url, err, errsz);
}

unsigned
replicate_version_get(struct client *c, const char *owner, const char *name,
    const char *id, char *err, size_t errsz)
{
	const char *const a[3] = { owner, name, id };

	return get_start(c, GET_VERSION, a, NULL, err, errsz);
}

unsigned
replicate_examples_list(struct client *c, const char *owner, const char *name,
    const char *next_url, char *err, size_t errsz)
{
	const char *const a[3] = { owner, name, NULL };

	return get_start(c, GET_EXAMPLES, a, next_url, err, errsz);
}

unsigned
replicate_model_readme_get(struct client *c, const char *owner,
    const char *name, char *err, size_t errsz)
{
	char url[700], what[600], sub[64];

	snprintf(what, sizeof what, "model readme %.200s/%.200s",
	    owner ? owner : "", name ? name : "");
	if (model_path(url, sizeof url, owner, name, "/readme", sub,
	    sizeof sub)) {
		snprintf(err, errsz, "%s: %s", what, sub);
		return 0;
	}
	return get_json(c, CLIENT_REQ_RAW, what, url, err, errsz);
}

unsigned
replicate_hardware_list(struct client *c, char *err, size_t errsz)
{
	const char *const none[3] = { NULL, NULL, NULL };

	return get_start(c, GET_HARDWARE, none, NULL, err, errsz);
}

unsigned
replicate_account_get(struct client *c, char *err, size_t errsz)
{
	const char *const none[3] = { NULL, NULL, NULL };

	return get_start(c, GET_ACCOUNT, none, NULL, err, errsz);
}

/* "/predictions/{id}{suffix}" or the URL itself when one is given. */
int
rep_prediction_url(const char *id_or_url, const char *suffix, char *buf,
    size_t n)
{
	char eid[256];
	int w;

	if (id_or_url == NULL || *id_or_url == '\0')
		return -1;
	if (strncmp(id_or_url, "http://", 7) == 0 ||
	    strncmp(id_or_url, "https://", 8) == 0)
		w = snprintf(buf, n, "%s", id_or_url);
	else {
		if (http_escape(id_or_url, eid, sizeof eid) != 0)
			return -1;
		w = snprintf(buf, n, "/predictions/%s%s", eid, suffix);
	}
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* Last path segment naming a prediction in messages. */
const char *
rep_short_id(const char *id_or_url)
{
	const char *s = strrchr(id_or_url, '/');

	if (s != NULL && strcmp(s, "/cancel") == 0 && s > id_or_url) {
		const char *p = s - 1;

		while (p > id_or_url && *p != '/')
			p--;
		return *p == '/' ? p + 1 : p;
	}
	return s != NULL ? s + 1 : id_or_url;
}

unsigned
replicate_prediction_get(struct client *c, const char *id_or_url, char *err,
    size_t errsz)
{
	char url[HTTP_MAX_URL], what[200];

	if (rep_prediction_url(id_or_url, "", url, sizeof url) != 0) {
		snprintf(err, errsz, "prediction get: bad id");
		return 0;
	}
	snprintf(what, sizeof what, "prediction get %.100s",
	    rep_short_id(id_or_url));
	return get_json(c, CLIENT_REQ_PREDICTION, what, url, err, errsz);
}

unsigned
replicate_predictions_list(struct client *c, const char *next_url, char *err,
    size_t errsz)
{
	const char *const none[3] = { NULL, NULL, NULL };

	return get_start(c, GET_PREDICTIONS, none, next_url, err, errsz);
}

unsigned
replicate_prediction_cancel(struct client *c, const char *id_or_url,
    char *err, size_t errsz)
{
	char url[HTTP_MAX_URL], what[200];
	struct http_opts o;

	if (rep_prediction_url(id_or_url, "/cancel", url, sizeof url) != 0) {
		snprintf(err, errsz, "prediction cancel: bad id");
		return 0;
	}
	snprintf(what, sizeof what, "prediction cancel %.100s",
	    rep_short_id(id_or_url));
	memset(&o, 0, sizeof o);
	o.method = "POST";
	o.url = url;
	/* cancelling twice is harmless: retry it like a GET */
	o.idempotent = true;
	return rq_start(c, CLIENT_REQ_CANCEL, what, &o, err, errsz);
}

static int
put(char **b, size_t *l, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*l + n + 1 > *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		char *nb;

		while (*l + n + 1 > nc)
			nc *= 2;
		nb = realloc(*b, nc);
		if (nb == NULL)
			return -1;
		*b = nb;
		*cap = nc;
	}
	memcpy(*b + *l, s, n + 1);
	*l += n;
	return 0;
}

static bool
valid_json(const char *s, bool want_array, char *err, size_t errsz)
{
	cJSON *j = json_parse(s, strlen(s), NULL, err, errsz);
	bool ok;

	if (j == NULL)
		return false;
	ok = want_array ? cJSON_IsArray(j) : cJSON_IsObject(j);
	if (!ok)
		snprintf(err, errsz, "expected a JSON %s",
		    want_array ? "array" : "object");
	cJSON_Delete(j);
	return ok;
}

unsigned
replicate_prediction_create(struct client *c,
    const struct replicate_create *rq, char *err, size_t errsz)
{
	char url[700], what[600], sub[CLIENT_ERR_MAX], prefer[32];
	char cancel_after[96];
	struct http_opts o;
	char *body = NULL;
	size_t bl = 0, bc = 0;
	unsigned id;
	int bad = 0, h = 0;

	snprintf(what, sizeof what, "prediction create %.200s/%.200s",
	    rq->owner ? rq->owner : "", rq->name ? rq->name : "");
	if (rq->input_json == NULL ||
	    !valid_json(rq->input_json, false, sub, sizeof sub)) {
		snprintf(err, errsz, "%s: input: %s", what, rq->input_json ?
		    sub : "missing");
		return 0;
	}
	if (rq->events_filter != NULL &&
	    !valid_json(rq->events_filter, true, sub, sizeof sub)) {
		snprintf(err, errsz, "%s: events filter: %s", what, sub);
		return 0;
	}
	if (rq->wait_s < 0 || rq->wait_s > REPLICATE_WAIT_MAX) {
		snprintf(err, errsz, "%s: wait must be 0 to %d seconds", what,
		    REPLICATE_WAIT_MAX);
		return 0;
	}
	if (rq->version != NULL && *rq->version != '\0') {
		snprintf(url, sizeof url, "/predictions");
		bad |= put(&body, &bl, &bc, "{\"version\":");
		bad |= json_buf_quote(&body, &bl, &bc, rq->version);
		bad |= put(&body, &bl, &bc, ",\"input\":");
	} else {
		if (model_path(url, sizeof url, rq->owner, rq->name,
		    "/predictions", sub, sizeof sub) != 0) {
			snprintf(err, errsz, "%s: %s", what, sub);
			return 0;
		}
		bad |= put(&body, &bl, &bc, "{\"input\":");
	}
	bad |= put(&body, &bl, &bc, rq->input_json);
	if (rq->webhook != NULL) {
		bad |= put(&body, &bl, &bc, ",\"webhook\":");
		bad |= json_buf_quote(&body, &bl, &bc, rq->webhook);
	}
	if (rq->events_filter != NULL) {
		bad |= put(&body, &bl, &bc, ",\"webhook_events_filter\":");
		bad |= put(&body, &bl, &bc, rq->events_filter);
	}
	bad |= put(&body, &bl, &bc, "}");
	if (bad) {
		free(body);
		snprintf(err, errsz, "%s: out of memory", what);
		return 0;
	}
	memset(&o, 0, sizeof o);
	o.method = "POST";
	o.url = url;
	o.body = body;
	o.body_len = bl;
	/* not idempotent: only a 429 (nothing was created) is retried */
	if (rq->wait_s > 0) {
		snprintf(prefer, sizeof prefer, "Prefer: wait=%d", rq->wait_s);
		o.headers[h++] = prefer;
		o.timeout_ms = 120000 + rq->wait_s * 1000L;
	}
	if (rq->cancel_after != NULL) {
		snprintf(cancel_after, sizeof cancel_after, "Cancel-After: %.64s",
		    rq->cancel_after);
		o.headers[h++] = cancel_after;
	}
	id = rq_start(c, CLIENT_REQ_CREATE, what, &o, err, errsz);
	free(body);
	return id;
}

unsigned
replicate_file_upload(struct client *c, const char *path,
    const char *content_type, char *err, size_t errsz)
{
	struct http_part parts[3];
	struct http_opts o;
	const char *base, *ct;
	char what[300];

	if (path == NULL || *path == '\0') {
		snprintf(err, errsz, "file upload: no path");
		return 0;
	}
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	ct = content_type != NULL ? content_type : "application/octet-stream";
	snprintf(what, sizeof what, "file upload %.200s", base);
	memset(parts, 0, sizeof parts);
	parts[0].name = "content";
	parts[0].filename = base;
	parts[0].content_type = ct;
	parts[0].path = path;
	parts[1].name = "type";
	parts[1].data = ct;
	parts[1].len = strlen(ct);
	parts[2].name = "filename";
	parts[2].data = base;
	parts[2].len = strlen(base);
	memset(&o, 0, sizeof o);
	o.method = "POST";
	o.url = "/files";
	o.parts = parts;
	o.n_parts = 3;
	o.timeout_ms = 600000;
	return rq_start(c, CLIENT_REQ_UPLOAD, what, &o, err, errsz);
}
