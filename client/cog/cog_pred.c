/*
 * client/cog/cog_pred.c: following one prediction on a Cog server: the
 * PUT and its collected answer, webhooks matched by token, async health polls
 * and grace timers, progress and the final event.
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

static struct cog_pred *
pred_by_token(struct cog *g, const char *token)
{
	struct cog_pred *p;

	for (p = g->preds; p != NULL; p = p->next)
		if (strcmp(p->token, token) == 0)
			return p;
	return NULL;
}

void
cog_pred_free(struct cog_pred *p)
{
	struct cog *g = p->g;
	struct cog_pred **pp;

	for (pp = &g->preds; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	if (p->http != 0)
		http_cancel(g->c, p->http);
	if (p->health != 0)
		http_cancel(g->c, p->health);
	if (p->timer != 0)
		client_timer_stop(g->c, p->timer);
	client_op_remove(g->c, p->op);
	prediction_done(&p->cur);
	free(p->rbuf);
	free(p);
}

/* The prediction reached its end: one DONE or ERROR event, then gone. */
static void
pred_finish(struct cog_pred *p)
{
	struct client_event ev;
	char msg[CLIENT_ERR_MAX];
	struct prediction *copy;
	struct cog *g;

	memset(&ev, 0, sizeof ev);
	ev.id = p->op;
	ev.http_status = 200;
	copy = malloc(sizeof *copy);
	if (copy == NULL || prediction_copy(copy, &p->cur) != 0) {
		free(copy);
		cog_emit_error(p->g, p->op, CLIENT_ENOMEM, 0,
		    "cog prediction: out of memory");
		cog_pred_free(p);
		return;
	}
	ev.prediction = copy;
	if (copy->status == PREDICTION_SUCCEEDED && !cog_effectively_failed(copy)) {
		ev.kind = CLIENT_EV_DONE;
	} else {
		size_t at = 0;

		ev.kind = CLIENT_EV_ERROR;
		ev.rc = copy->status == PREDICTION_CANCELED ? CLIENT_ECANCEL :
		    CLIENT_EFAILED;
		msg[0] = '\0';
		cog_put_str(msg, sizeof msg, &at, "prediction ");
		cog_put_str(msg, sizeof msg, &at, copy->status_text &&
		    copy->status == PREDICTION_CANCELED ? "canceled" :
		    prediction_status_name(copy->status));
		if (copy->error != NULL) {
			cog_put_str(msg, sizeof msg, &at, ": ");
			cog_put_str(msg, sizeof msg, &at, copy->error);
		}
		ev.err = msg;
	}
	g = p->g;
	cog_pred_free(p);
	cog_emit(g, &ev);
}

static void
emit_progress(struct cog_pred *p, unsigned changed)
{
	struct client_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = CLIENT_EV_PROGRESS;
	ev.id = p->op;
	ev.changed = changed;
	ev.prediction = &p->cur;	/* lent */
	cog_emit(p->g, &ev);
}

/* Merge upd into p; PROGRESS when something changed. Returns -1 on OOM. */
static int
pred_apply(struct cog_pred *p, const struct prediction *upd)
{
	int ch = cog_merge(&p->cur, upd);

	if (ch < 0)
		return -1;
	if (ch > 0)
		emit_progress(p, (unsigned)ch);
	return 0;
}


void
cog_on_webhook(void *arg, const struct listener_webhook *wh)
{
	struct cog *g = arg;
	struct cog_pred *p = pred_by_token(g, wh->token);

	if (p == NULL)
		return;	/* a late webhook of something finished: answered 200 */
	if (wh->pred->id != NULL && strcmp(wh->pred->id, p->id) != 0)
		return;	/* not about this prediction: ignored */
	p->got_webhook = true;
	p->last_hook_ms = client_now_ms();
	if (pred_apply(p, wh->pred) != 0) {
		cog_emit_error(g, p->op, CLIENT_ENOMEM, 0,
		    "cog prediction: out of memory");
		cog_pred_free(p);
		return;
	}
	/* a sync PUT's answer is the result; async ends at its last webhook */
	if (p->accepted &&
	    prediction_status_terminal(p->cur.status))
		pred_finish(p);
	else if (!p->accepted && prediction_status_terminal(p->cur.status) &&
	    !p->hook_terminal) {
		/* sync: the answer should follow at once; if it stalls, the
		 * webhook's terminal state is the result (on_pred_timer) */
		p->hook_terminal = true;
		cog_pred_arm(p, COG_SYNC_ANSWER_MS);
	}
}

/*
 * A sync PUT whose final webhook came COG_SYNC_ANSWER_MS ago and whose
 * answer has not finished (stalled mid-body): take the webhook's terminal
 * state, cancel the stalled request. true when p was finished (and freed).
 */
static bool
sync_take_webhook(struct cog_pred *p)
{
	if (p->accepted || !p->hook_terminal ||
	    client_now_ms() - p->last_hook_ms < COG_SYNC_ANSWER_MS)
		return false;
	if (p->http != 0) {
		http_cancel(p->g->c, p->http);
		p->http = 0;
	}
	if (cog_effectively_failed(&p->cur))
		p->cur.status = PREDICTION_FAILED;
	pred_finish(p);
	return true;
}

static void
on_pred_health(struct client *c, unsigned id, struct http_response *res,
    void *arg)
{
	struct cog_pred *p = arg;
	struct cog_health h;
	char err[CLIENT_ERR_MAX];
	long long quiet;

	(void)c;
	(void)id;
	p->health = 0;
	if (res->rc != CLIENT_OK) {
		snprintf(err, sizeof err, "cog prediction %s: the server went "
		    "away while it ran (%s)", p->id,
		    res->err ? res->err : "no answer");
		cog_emit_error(p->g, p->op, CLIENT_ENET, 0, err);
		cog_pred_free(p);
		return;
	}
	if (cog_health_parse(res->status, res->body, res->len, &h, err,
	    sizeof err) != CLIENT_OK) {
		cog_pred_arm(p, p->g->health_ms);
		return;
	}
	quiet = client_now_ms() - (p->got_webhook ? p->last_hook_ms :
	    p->accepted_ms);
	if (h.state == COG_HEALTH_DEFUNCT ||
	    h.state == COG_HEALTH_SETUP_FAILED) {
		snprintf(err, sizeof err, "cog prediction %s: the server is %s "
		    "(the model's worker died)", p->id,
		    cog_health_name(h.state));
		cog_health_done(&h);
		cog_emit_error(p->g, p->op, CLIENT_EFAILED, 0, err);
		cog_pred_free(p);
		return;
	}
	if (!p->accepted) {
		/* sync: the PUT carries the answer; health only tells a dead
		 * worker (above) or, after a final webhook, that the server
		 * is done while our answer stalls */
		cog_health_done(&h);
		if (!sync_take_webhook(p))
			cog_pred_arm(p, p->g->health_ms);
		return;
	}
	if (!p->got_webhook && quiet >= p->g->grace_ms) {
		snprintf(err, sizeof err, "cog prediction %s: no webhook "
		    "reached %s:%u in %ld ms (is it reachable from the "
		    "server? set the advertised host)", p->id,
		    listener_advertise_host(p->g->l), listener_port(p->g->l),
		    p->g->grace_ms);
		cog_health_done(&h);
		cog_emit_error(p->g, p->op, CLIENT_ENET, 0, err);
		cog_pred_free(p);
		return;
	}
	/* READY twice in a row and nothing heard for long: with one slot
	 * ours is over, and its last webhook is not coming */
	p->ready_polls = h.state == COG_HEALTH_READY ? p->ready_polls + 1 : 0;
	if (p->ready_polls >= 2 && quiet >= p->g->idle_ms) {
		snprintf(err, sizeof err, "cog prediction %s: the server is "
		    "idle but the final webhook never arrived", p->id);
		cog_health_done(&h);
		cog_emit_error(p->g, p->op, CLIENT_ENET, 0, err);
		cog_pred_free(p);
		return;
	}
	cog_health_done(&h);
	cog_pred_arm(p, p->g->health_ms);
}

static void
on_pred_timer(struct client *c, unsigned timer, void *arg)
{
	struct cog_pred *p = arg;
	struct http_opts o;
	char url[HTTP_MAX_URL], err[CLIENT_ERR_MAX];

	(void)c;
	if (p->timer == timer)
		p->timer = 0;
	if (sync_take_webhook(p))
		return;
	if (p->health != 0)
		return;
	memset(&o, 0, sizeof o);
	cog_endpoint_url(p->g->base, EP_HEALTH, NULL, url, sizeof url);
	o.url = url;
	o.sink = HTTP_SINK_JSON;
	o.no_retry = true;
	o.timeout_ms = 10000;
	o.done = on_pred_health;
	o.arg = p;
	p->health = http_start(p->g->c, &o, err, sizeof err);
	if (p->health == 0)
		cog_pred_arm(p, p->g->health_ms);
}

void
cog_pred_arm(struct cog_pred *p, long ms)
{
	if (p->timer != 0)
		client_timer_stop(p->g->c, p->timer);
	p->timer = client_timer_start(p->g->c, ms, on_pred_timer, p);
}

bool
cog_on_pred_data(struct client *c, unsigned id, const char *buf, size_t len,
    void *arg)
{
	struct cog_pred *p = arg;

	(void)c;
	(void)id;
	if (p->rlen + len > COG_MAX_RESPONSE_BYTES) {
		p->rover = true;
		return false;
	}
	if (p->rlen + len + 1 > p->rcap) {
		size_t cap = p->rcap ? p->rcap : 16384;
		char *nb;

		while (cap < p->rlen + len + 1)
			cap *= 2;
		nb = realloc(p->rbuf, cap);
		if (nb == NULL) {
			p->rover = true;
			return false;
		}
		p->rbuf = nb;
		p->rcap = cap;
	}
	memcpy(p->rbuf + p->rlen, buf, len);
	p->rlen += len;
	p->rbuf[p->rlen] = '\0';
	return true;
}

void
cog_on_pred_put(struct client *c, unsigned id, struct http_response *res,
    void *arg)
{
	struct cog_pred *p = arg;
	struct prediction upd;
	char err[CLIENT_ERR_MAX];
	enum client_rc rc;
	struct cog *g;

	(void)c;
	(void)id;
	p->http = 0;
	if (p->rover) {
		snprintf(err, sizeof err, "cog prediction %s: the answer is "
		    "larger than %u MiB", p->id, COG_MAX_RESPONSE_BYTES >> 20);
		cog_emit_error(p->g, p->op, CLIENT_ELIMIT, res->status, err);
		cog_pred_free(p);
		return;
	}
	if (res->rc != CLIENT_OK) {
		snprintf(err, sizeof err, "cog prediction %s: %s", p->id,
		    res->err ? res->err : client_strerror(res->rc));
		cog_emit_error(p->g, p->op, res->rc, res->status, err);
		cog_pred_free(p);
		return;
	}
	if (res->status != 200 && res->status != 202) {
		struct client_event ev;
		char what[COG_MAX_ID + 32];

		snprintf(what, sizeof what, "cog prediction %s", p->id);
		memset(&ev, 0, sizeof ev);
		ev.kind = CLIENT_EV_ERROR;
		ev.id = p->op;
		ev.http_status = res->status;
		/* error bodies come buffered in res (the stream sink hands on
		 * 2xx bodies only) */
		if (p->rbuf == NULL && res->body != NULL) {
			p->rbuf = res->body;
			p->rlen = res->len;
			res->body = NULL;
		}
		ev.rc = cog_problem(what, res->status, p->rbuf, p->rlen, err,
		    sizeof err);
		ev.err = err;
		ev.body = p->rbuf;	/* the raw 422 detail, for lines */
		ev.body_len = p->rlen;
		p->rbuf = NULL;
		g = p->g;
		cog_pred_free(p);
		cog_emit(g, &ev);
		return;
	}
	rc = prediction_parse(p->rbuf, p->rlen, &upd, err, sizeof err);
	if (rc != CLIENT_OK) {
		char msg[CLIENT_ERR_MAX];

		snprintf(msg, sizeof msg, "cog prediction %s: %.160s", p->id,
		    err);
		cog_emit_error(p->g, p->op, rc, res->status, msg);
		cog_pred_free(p);
		return;
	}
	if (res->status == 200 || prediction_status_terminal(upd.status)) {
		/* the sync answer is the result, whatever webhooks said */
		prediction_done(&p->cur);
		p->cur = upd;
		if (p->cur.id == NULL && (p->cur.id = strdup(p->id)) == NULL) {
			cog_emit_error(p->g, p->op, CLIENT_ENOMEM, 0,
			    "cog prediction: out of memory");
			cog_pred_free(p);
			return;
		}
		if (cog_effectively_failed(&p->cur))
			p->cur.status = PREDICTION_FAILED;
		pred_finish(p);
		return;
	}
	/* 202: running; webhooks carry the rest (a sync PUT gets 202 too
	 * when its id is already running) */
	if (p->g->l == NULL) {
		prediction_done(&upd);
		snprintf(err, sizeof err, "cog prediction %s: already running "
		    "on the server (HTTP 202) and no webhooks to follow it",
		    p->id);
		cog_emit_error(p->g, p->op, CLIENT_EHTTP, res->status, err);
		cog_pred_free(p);
		return;
	}
	p->accepted = true;
	p->accepted_ms = client_now_ms();
	if (pred_apply(p, &upd) != 0) {
		prediction_done(&upd);
		cog_emit_error(p->g, p->op, CLIENT_ENOMEM, 0,
		    "cog prediction: out of memory");
		cog_pred_free(p);
		return;
	}
	prediction_done(&upd);
	if (prediction_status_terminal(p->cur.status)) {
		pred_finish(p);	/* a terminal webhook came before the 202 */
		return;
	}
	cog_pred_arm(p, p->g->grace_ms < p->g->health_ms ? p->g->grace_ms :
	    p->g->health_ms);
}

void
cog_on_pred_cancel(struct client *c, unsigned op, void *arg)
{
	(void)c;
	(void)op;
	cog_pred_free(arg);	/* local only: cog_cancel() tells the server */
}
