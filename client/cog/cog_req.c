/*
 * client/cog/cog_req.c: the requests a caller starts: health-check,
 * openapi.json and cancel (one small request each), and predictions.
 */
#include "client/cog/cog.h"
#include "client/files/files.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"
#include "client/net/prediction.h"
#include "client/forms/schema.h"
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

/* ---- health, openapi, cancel ---- */

static void
simple_free(struct cog_simple *s)
{
	struct cog_simple **sp;

	for (sp = &s->g->simples; *sp != NULL; sp = &(*sp)->next)
		if (*sp == s) {
			*sp = s->next;
			break;
		}
	client_op_remove(s->g->c, s->op);
	free(s);
}

static void
health_free_v(void *h)
{
	cog_health_free(h);
}

static void
on_simple_done(struct client *c, unsigned id, struct http_response *res,
    void *arg)
{
	struct cog_simple *s = arg;
	struct cog *g = s->g;
	struct client_event ev;
	char err[CLIENT_ERR_MAX];
	const char *what = cog_endpoints[s->kind].what;

	(void)c;
	(void)id;
	memset(&ev, 0, sizeof ev);
	ev.id = s->op;
	ev.http_status = res->status;
	ev.kind = CLIENT_EV_ERROR;
	if (res->rc != CLIENT_OK) {
		snprintf(err, sizeof err, "%s: %s", what,
		    res->err ? res->err : client_strerror(res->rc));
		ev.rc = res->rc;
		ev.err = err;
	} else if (s->kind == EP_HEALTH) {
		struct cog_health *h = calloc(1, sizeof *h);

		ev.rc = h == NULL ? CLIENT_ENOMEM :
		    cog_health_parse(res->status, res->body, res->len, h, err,
		    sizeof err);
		if (ev.rc == CLIENT_OK) {
			ev.kind = CLIENT_EV_DONE;
			ev.data = h;
			ev.data_free = health_free_v;
		} else {
			free(h);
			if (h == NULL)
				snprintf(err, sizeof err, "%s: out of memory",
				    what);
			ev.err = err;
		}
	} else if (res->status == 200) {
		ev.kind = CLIENT_EV_DONE;
		ev.body = res->body;
		ev.body_len = res->len;
		res->body = NULL;
	} else {
		ev.rc = cog_problem(what, res->status, res->body,
		    res->len, err, sizeof err);
		if (s->kind == EP_CANCEL && res->status == 404) {
			snprintf(err, sizeof err, "cog cancel: no such "
			    "prediction running (unknown or already finished)");
			ev.rc = CLIENT_ENOTFOUND;
		}
		ev.err = err;
	}
	s->http = 0;
	simple_free(s);
	cog_emit(g, &ev);
}

static void
on_simple_cancel(struct client *c, unsigned op, void *arg)
{
	struct cog_simple *s = arg;

	(void)op;
	if (s->http != 0)
		http_cancel(c, s->http);
	s->http = 0;
	simple_free(s);
}

static unsigned
simple_start(struct cog *g, enum cog_endpoint kind, const char *id,
    char *err, size_t errsz)
{
	struct cog_simple *s = calloc(1, sizeof *s);
	struct http_opts o;
	char url[HTTP_MAX_URL];

	if (s == NULL) {
		snprintf(err, errsz, "cog: out of memory");
		return 0;
	}
	s->g = g;
	s->kind = kind;
	s->op = client_next_id(g->c);
	if (cog_endpoint_url(g->base, kind, id, url, sizeof url) != 0) {
		snprintf(err, errsz, "%s: URL too long", cog_endpoints[kind].what);
		free(s);
		return 0;
	}
	memset(&o, 0, sizeof o);
	o.method = cog_endpoints[kind].method;
	o.url = url;
	o.sink = HTTP_SINK_JSON;
	/* no retries: the caller polls, and a refused connection must say
	 * "cannot reach the server" at once */
	o.no_retry = true;
	o.timeout_ms = 30000;
	if (kind == EP_CANCEL) {
		o.body = "{}";
		o.body_len = 2;
	}
	o.done = on_simple_done;
	o.arg = s;
	s->http = http_start(g->c, &o, err, errsz);
	if (s->http == 0 ||
	    client_op_add(g->c, s->op, on_simple_cancel, s) != 0) {
		if (s->http != 0) {
			http_cancel(g->c, s->http);
			snprintf(err, errsz, "cog: out of memory");
		}
		free(s);
		return 0;
	}
	s->next = g->simples;
	g->simples = s;
	return s->op;
}

unsigned
cog_health_get(struct cog *g, char *err, size_t errsz)
{
	return simple_start(g, EP_HEALTH, NULL, err, errsz);
}

unsigned
cog_openapi_get(struct cog *g, char *err, size_t errsz)
{
	return simple_start(g, EP_OPENAPI, NULL, err, errsz);
}

unsigned
cog_cancel(struct cog *g, const char *pred_id, char *err, size_t errsz)
{
	if (!cog_id_ok(pred_id)) {
		snprintf(err, errsz, "cog cancel: bad prediction id");
		return 0;
	}
	return simple_start(g, EP_CANCEL, pred_id, err, errsz);
}

/* ---- predictions ---- */

unsigned
cog_predict(struct cog *g, const struct cog_predict_opts *o, char *id_out,
    char *err, size_t errsz)
{
	struct cog_pred *p;
	struct http_opts ho;
	char url[HTTP_MAX_URL], hook[LISTENER_MAX_HOST + 128], events[96];
	char *body = NULL;
	size_t blen;
	const char *input = o->input_json ? o->input_json : "{}";
	cJSON *check;

	if (o->async && g->l == NULL) {
		snprintf(err, errsz, "cog prediction: async needs the "
		    "webhook listener");
		return 0;
	}
	if (o->id != NULL && !cog_id_ok(o->id)) {
		snprintf(err, errsz, "cog prediction: id must be 1-%d "
		    "characters of [A-Za-z0-9._-]", COG_MAX_ID);
		return 0;
	}
	check = json_parse(input, strlen(input), NULL, err, errsz);
	if (check == NULL || !cJSON_IsObject(check)) {
		if (check != NULL)
			snprintf(err, errsz, "cog prediction: input must be "
			    "a JSON object");
		cJSON_Delete(check);
		return 0;
	}
	cJSON_Delete(check);
	p = calloc(1, sizeof *p);
	if (p == NULL)
		goto nomem;
	p->g = g;
	p->async = o->async;
	if (o->id != NULL)
		snprintf(p->id, sizeof p->id, "%s", o->id);
	else {
		memcpy(p->id, "r8p-", 4);
		cog_random_hex(p->id + 4, 8);
	}
	cog_random_hex(p->token, 16);
	p->cur.status = PREDICTION_STARTING;
	if ((p->cur.id = strdup(p->id)) == NULL)
		goto nomem;
	/* ids and tokens are [A-Za-z0-9._-] only: no escaping needed;
	 * the input object was checked above and is spliced in as given */
	hook[0] = '\0';
	if (g->l != NULL && listener_url(g->l, p->token, hook, sizeof hook))
		goto nomem;
	events[0] = '\0';
	if (o->events != 0) {
		size_t at = 0;

		at += (size_t)snprintf(events, sizeof events,
		    ",\"webhook_events_filter\":[");
#define X(id, bit, name)						\
		if (o->events & bit)					\
			at += (size_t)snprintf(events + at, sizeof events - at,\
			    "%s\"%s\"", events[at - 1] == '[' ? "" : ",", name);
		COG_EVENT_LIST(X)
#undef X
		snprintf(events + at, sizeof events - at, "]");
	}
	blen = strlen(input) + strlen(p->id) + strlen(hook) + strlen(events) +
	    64;
	body = malloc(blen);
	if (body == NULL)
		goto nomem;
	if (g->l != NULL)
		snprintf(body, blen, "{\"id\":\"%s\",\"input\":%s,"
		    "\"webhook\":\"%s\"%s}", p->id, input, hook, events);
	else
		snprintf(body, blen, "{\"id\":\"%s\",\"input\":%s}", p->id,
		    input);
	blen = strlen(body);
	if (cog_endpoint_url(g->base, EP_PREDICT, p->id, url, sizeof url) != 0) {
		snprintf(err, errsz, "cog prediction: URL too long");
		goto fail;
	}
	memset(&ho, 0, sizeof ho);
	ho.method = cog_endpoints[EP_PREDICT].method;
	ho.url = url;
	if (o->async)
		ho.headers[0] = "Prefer: respond-async";
	ho.body = body;
	ho.body_len = blen;
	ho.sink = HTTP_SINK_STREAM;
	ho.on_data = cog_on_pred_data;
	ho.no_retry = true;	/* a PUT after the end runs it again */
	ho.timeout_ms = g->predict_timeout_ms > 0 ? g->predict_timeout_ms :
	    (o->async ? 60000 : 7L * 24 * 3600 * 1000);
	ho.done = cog_on_pred_put;
	ho.arg = p;
	p->op = client_next_id(g->c);
	p->http = http_start(g->c, &ho, err, errsz);
	free(body);
	body = NULL;
	if (p->http == 0)
		goto fail;
	if (client_op_add(g->c, p->op, cog_on_pred_cancel, p) != 0) {
		http_cancel(g->c, p->http);
		goto nomem;
	}
	p->next = g->preds;
	g->preds = p;
	p->sent_ms = client_now_ms();
	if (!o->async)		/* sync: watch the worker while we wait */
		cog_pred_arm(p, g->health_ms);
	if (id_out != NULL)
		snprintf(id_out, COG_MAX_ID + 1, "%s", p->id);
	return p->op;
nomem:
	snprintf(err, errsz, "cog prediction: out of memory");
fail:
	free(body);
	if (p != NULL)
		prediction_done(&p->cur);
	free(p);
	return 0;
}
