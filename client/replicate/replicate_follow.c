/*
 * client/replicate/replicate_follow.c: following one prediction (see replicate.h):
 * the SSE stream first (line framing, event dispatch, output diffs), polling
 * with backoff after it ends or fails, progress timers and the final event.
 */
#include "client/replicate/replicate.h"
#include "client/net/http.h"
#include "client/net/json.h"
#include "client/replicate/replicate_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- follow: SSE first, polling with backoff after */

struct follow {
	struct client *c;
	unsigned id;
	unsigned http, timer;
	struct prediction live;
	bool	 streaming;
	bool	 got_done;
	long	 poll_ms;
	char	 done_reason[32];
	/* SSE parser */
	char	*line;		/* the line being read */
	size_t	 line_len, line_cap;
	char	*data;		/* the event's data lines joined */
	size_t	 data_len, data_cap;
	unsigned data_lines;	/* data lines so far ("" ones count) */
	char	 event[32];
	char	 last_id[128];
	bool	 sse_overflow;
	unsigned changed;	/* since the last PROGRESS */
	unsigned ptimer;	/* PROGRESS due (from inside curl) */
	int	 in_emit;	/* a PROGRESS callback is running */
	bool	 cancelled;	/* ... and it cancelled us */
	char	 what[160];
};

static void follow_poll_now(struct follow *f);

static void
follow_free(struct follow *f)
{
	if (f->timer != 0)
		client_timer_stop(f->c, f->timer);
	if (f->ptimer != 0)
		client_timer_stop(f->c, f->ptimer);
	prediction_done(&f->live);
	free(f->line);
	free(f->data);
	free(f);
}

static void
follow_cancel(struct client *c, unsigned id, void *arg)
{
	struct follow *f = arg;

	(void)id;
	if (f->http != 0)
		http_cancel(c, f->http);
	f->http = 0;
	if (f->in_emit > 0) {
		/* inside our own PROGRESS callback: free when it returns */
		f->cancelled = true;
		return;
	}
	follow_free(f);
}

/*
 * Deliver a PROGRESS event for what changed. Returns false when the
 * receiver cancelled the follow: f is freed then and must not be touched.
 */
static bool
follow_progress(struct follow *f)
{
	struct client_event ev;

	if (f->changed == 0)
		return true;
	memset(&ev, 0, sizeof ev);
	ev.kind = CLIENT_EV_PROGRESS;
	ev.req = CLIENT_REQ_FOLLOW;
	ev.id = f->id;
	ev.changed = f->changed;
	ev.streaming = f->streaming;
	ev.prediction = &f->live;	/* lent */
	f->changed = 0;
	f->in_emit++;
	client_emit(f->c, &ev);
	f->in_emit--;
	if (f->cancelled) {
		follow_free(f);
		return false;
	}
	return true;
}

static void
progress_timer(struct client *c, unsigned timer, void *arg)
{
	struct follow *f = arg;

	(void)c;
	(void)timer;
	f->ptimer = 0;
	follow_progress(f);
}

/* From inside curl's write callback: deliver from the next timer pass,
 * where the receiver may start or cancel requests. */
static void
follow_schedule(struct follow *f)
{
	if (f->changed != 0 && f->ptimer == 0)
		f->ptimer = client_timer_start(f->c, 0, progress_timer, f);
}

static void
follow_finish(struct follow *f)
{
	struct client_event ev;
	struct prediction *p;

	if (!follow_progress(f))
		return;
	memset(&ev, 0, sizeof ev);
	p = malloc(sizeof *p);
	client_op_remove(f->c, f->id);
	if (p == NULL) {
		rep_emit_error(f->c, CLIENT_REQ_FOLLOW, f->id, CLIENT_ENOMEM, 0,
		    "prediction follow: out of memory");
		follow_free(f);
		return;
	}
	*p = f->live;	/* hand the live prediction over */
	memset(&f->live, 0, sizeof f->live);
	ev.kind = CLIENT_EV_DONE;
	ev.req = CLIENT_REQ_FOLLOW;
	ev.id = f->id;
	ev.prediction = p;
	client_emit(f->c, &ev);
	follow_free(f);
}

static void
follow_fail(struct follow *f, enum client_rc rc, long status, const char *msg)
{
	client_op_remove(f->c, f->id);
	if (!follow_progress(f))
		return;
	rep_emit_error(f->c, CLIENT_REQ_FOLLOW, f->id, rc, status, msg);
	follow_free(f);
}

/* What changed between the live prediction and a fresh one. */
static unsigned
diff(const struct prediction *a, const struct prediction *b)
{
	unsigned ch = 0;

	if (a->status != b->status)
		ch |= CLIENT_CHANGED_STATUS;
	if (a->logs_len != b->logs_len || (a->logs != NULL && b->logs != NULL &&
	    memcmp(a->logs, b->logs, a->logs_len) != 0) ||
	    (a->logs == NULL) != (b->logs == NULL))
		ch |= CLIENT_CHANGED_LOGS;
	if (a->n_outputs != b->n_outputs || (a->output_json == NULL) !=
	    (b->output_json == NULL) || (a->output_json != NULL &&
	    strcmp(a->output_json, b->output_json) != 0))
		ch |= CLIENT_CHANGED_OUTPUT;
	return ch;
}

static void
poll_timer(struct client *c, unsigned timer, void *arg)
{
	struct follow *f = arg;

	(void)c;
	(void)timer;
	f->timer = 0;
	follow_poll_now(f);
}

static void
poll_done(struct client *c, unsigned hid, struct http_response *res,
    void *arg)
{
	struct follow *f = arg;
	char err[CLIENT_ERR_MAX], sub[CLIENT_ERR_MAX];
	struct prediction np;
	unsigned ch;
	enum client_rc rc;

	(void)hid;
	f->http = 0;
	if (res->rc != CLIENT_OK || res->status < 200 || res->status >= 300) {
		if (f->got_done) {
			/* the stream said it ended: keep what it told us */
			f->live.status = strcmp(f->done_reason, "canceled") == 0 ?
			    PREDICTION_CANCELED : strcmp(f->done_reason,
			    "error") == 0 ? PREDICTION_FAILED :
			    PREDICTION_SUCCEEDED;
			f->changed |= CLIENT_CHANGED_STATUS;
			follow_finish(f);
			return;
		}
		if (res->rc != CLIENT_OK) {
			snprintf(err, sizeof err, "%s: %s", f->what,
			    res->err != NULL ? res->err :
			    client_strerror(res->rc));
			follow_fail(f, res->rc, 0, err);
		} else {
			http_problem(f->what, res->status, res->body, res->len,
			    err, sizeof err);
			follow_fail(f, http_status_rc(res->status),
			    res->status, err);
		}
		return;
	}
	rc = prediction_parse(res->body, res->len, &np, sub, sizeof sub);
	if (rc != CLIENT_OK) {
		rep_join(err, sizeof err, f->what, sub);
		follow_fail(f, rc, res->status, err);
		return;
	}
	ch = diff(&f->live, &np);
	prediction_done(&f->live);
	f->live = np;
	f->changed |= ch;
	if (prediction_status_terminal(f->live.status)) {
		follow_finish(f);
		return;
	}
	if (!follow_progress(f))
		return;
	/* backoff: back to the minimum on news, doubling while quiet */
	{
		const struct client_config *cf = client_config_get(c);

		if (ch != 0 || f->got_done || f->poll_ms <= 0)
			f->poll_ms = cf->poll_min_ms;
		else if ((f->poll_ms *= 2) > cf->poll_max_ms)
			f->poll_ms = cf->poll_max_ms;
	}
	f->timer = client_timer_start(c, f->poll_ms, poll_timer, f);
	if (f->timer == 0)
		follow_fail(f, CLIENT_ENOMEM, 0, "prediction follow: out of "
		    "memory");
}

static void
follow_poll_now(struct follow *f)
{
	char url[HTTP_MAX_URL], err[CLIENT_ERR_MAX];
	struct http_opts o;

	if (rep_prediction_url(f->live.url_get != NULL ? f->live.url_get :
	    f->live.id, "", url, sizeof url) != 0) {
		follow_fail(f, CLIENT_EINVAL, 0, "prediction follow: the "
		    "prediction has neither urls.get nor an id");
		return;
	}
	memset(&o, 0, sizeof o);
	o.url = url;
	o.idempotent = true;
	o.done = poll_done;
	o.arg = f;
	f->http = http_start(f->c, &o, err, sizeof err);
	if (f->http == 0) {
		char msg[CLIENT_ERR_MAX * 2];

		snprintf(msg, sizeof msg, "%s: %s", f->what, err);
		follow_fail(f, CLIENT_ENET, 0, msg);
	}
}

static int
grow(char **b, size_t *cap, size_t need)
{
	char *nb;
	size_t nc;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 256;
	while (nc < need)
		nc *= 2;
	nb = realloc(*b, nc);
	if (nb == NULL)
		return -1;
	*b = nb;
	*cap = nc;
	return 0;
}

/* error event data: {"detail": "..."} or plain text */
static void
sse_error(struct follow *f)
{
	char jerr[64];
	cJSON *j = json_parse(f->data, f->data_len, NULL, jerr, sizeof jerr);
	const char *d = json_str(j, "detail");

	free(f->live.error);
	f->live.error = strdup(d != NULL ? d : f->data);
	cJSON_Delete(j);
}

/* A blank line: dispatch the event collected so far. */
static void
sse_dispatch(struct follow *f)
{
	const char *ev = f->event[0] != '\0' ? f->event : "message";

	if (f->data == NULL && grow(&f->data, &f->data_cap, 1) != 0)
		return;
	f->data[f->data_len] = '\0';
	if (strcmp(ev, "output") == 0) {
		if (prediction_append_output(&f->live, f->data,
		    f->data_len) == 0)
			f->changed |= CLIENT_CHANGED_OUTPUT;
	} else if (strcmp(ev, "logs") == 0) {
		if (prediction_append_logs(&f->live, f->data,
		    f->data_len) == 0 &&
		    prediction_append_logs(&f->live, "\n", 1) == 0)
			f->changed |= CLIENT_CHANGED_LOGS;
	} else if (strcmp(ev, "error") == 0) {
		sse_error(f);
	} else if (strcmp(ev, "done") == 0) {
		char jerr[64];
		cJSON *j = json_parse(f->data, f->data_len, NULL, jerr,
		    sizeof jerr);
		const char *r = json_str(j, "reason");

		snprintf(f->done_reason, sizeof f->done_reason, "%s",
		    r != NULL ? r : "");
		cJSON_Delete(j);
		f->got_done = true;
	}
	if ((f->changed & (CLIENT_CHANGED_OUTPUT | CLIENT_CHANGED_LOGS)) &&
	    f->live.status == PREDICTION_STARTING) {
		f->live.status = PREDICTION_PROCESSING;
		f->changed |= CLIENT_CHANGED_STATUS;
	}
	f->data_len = 0;
	f->data_lines = 0;
	f->event[0] = '\0';
	follow_schedule(f);
}

static void
sse_line(struct follow *f, const char *l, size_t n)
{
	const char *v;
	size_t fl, vl;

	if (n == 0) {
		if (f->data_lines > 0 || f->event[0] != '\0')
			sse_dispatch(f);
		return;
	}
	if (l[0] == ':')
		return;		/* comment (": hi", ":408: ...") */
	v = memchr(l, ':', n);
	fl = v != NULL ? (size_t)(v - l) : n;
	if (v != NULL) {
		v++;
		if (v < l + n && *v == ' ')
			v++;
		vl = (size_t)(l + n - v);
	} else {
		v = "";
		vl = 0;
	}
	if (fl == 5 && memcmp(l, "event", 5) == 0)
		snprintf(f->event, sizeof f->event, "%.*s", (int)vl, v);
	else if (fl == 4 && memcmp(l, "data", 4) == 0) {
		size_t need = f->data_len + vl + 2;

		if (need > SSE_MAX_EVENT) {
			f->sse_overflow = true;
			return;
		}
		if (grow(&f->data, &f->data_cap, need) != 0) {
			f->sse_overflow = true;
			return;
		}
		/* lines joined by "\n": two empty ones are one newline */
		if (f->data_lines++ > 0)
			f->data[f->data_len++] = '\n';
		memcpy(f->data + f->data_len, v, vl);
		f->data_len += vl;
	} else if (fl == 2 && memcmp(l, "id", 2) == 0)
		snprintf(f->last_id, sizeof f->last_id, "%.*s", (int)vl, v);
}

static bool
sse_data(struct client *c, unsigned hid, const char *buf, size_t len,
    void *arg)
{
	struct follow *f = arg;
	size_t i;

	(void)c;
	(void)hid;
	for (i = 0; i < len; i++) {
		char ch = buf[i];

		if (ch == '\n') {
			size_t n = f->line_len;

			if (n > 0 && f->line[n - 1] == '\r')
				n--;
			sse_line(f, f->line, n);
			f->line_len = 0;
			if (f->got_done)
				return false;	/* all said: close it */
			if (f->sse_overflow)
				return false;
			continue;
		}
		if (f->line_len + 2 > SSE_MAX_EVENT ||
		    grow(&f->line, &f->line_cap, f->line_len + 2) != 0) {
			f->sse_overflow = true;
			return false;
		}
		f->line[f->line_len++] = ch;
	}
	return true;
}

static void
sse_done(struct client *c, unsigned hid, struct http_response *res,
    void *arg)
{
	struct follow *f = arg;

	(void)hid;
	(void)res;
	f->http = 0;
	f->streaming = false;
	if (!f->got_done) {
		/* dropped, stalled, refused or never a stream: poll */
		f->changed |= CLIENT_CHANGED_MODE;
		if (!follow_progress(f))
			return;
	}
	f->poll_ms = client_config_get(c)->poll_min_ms;
	/* after done, one GET brings the final prediction; else poll */
	follow_poll_now(f);
}

unsigned
replicate_prediction_follow(struct client *c, const struct prediction *p,
    char *err, size_t errsz)
{
	struct follow *f;
	struct http_opts o;
	char sub[CLIENT_ERR_MAX];

	if (p == NULL || (p->url_get == NULL && p->id == NULL)) {
		snprintf(err, errsz, "prediction follow: no prediction id");
		return 0;
	}
	f = calloc(1, sizeof *f);
	if (f == NULL || prediction_copy(&f->live, p) != 0) {
		free(f);
		snprintf(err, errsz, "prediction follow: out of memory");
		return 0;
	}
	f->c = c;
	snprintf(f->what, sizeof f->what, "prediction follow %.100s",
	    p->id != NULL ? p->id : rep_short_id(p->url_get));
	f->poll_ms = client_config_get(c)->poll_min_ms;
	f->id = client_next_id(c);
	if (client_op_add(c, f->id, follow_cancel, f) != 0) {
		follow_free(f);
		snprintf(err, errsz, "prediction follow: out of memory");
		return 0;
	}
	if (p->url_stream != NULL && !prediction_status_terminal(p->status)) {
		memset(&o, 0, sizeof o);
		o.url = p->url_stream;
		o.sink = HTTP_SINK_STREAM;
		o.no_retry = true;
		o.no_auth = true;	/* a capability URL, as JS and Go do */
		o.stall_ms = client_config_get(c)->stream_stall_ms;
		o.headers[0] = "Accept: text/event-stream";
		o.headers[1] = "Cache-Control: no-cache";
		o.on_data = sse_data;
		o.done = sse_done;
		o.arg = f;
		f->http = http_start(c, &o, sub, sizeof sub);
		if (f->http != 0) {
			size_t i;

			/* the stream replays from the start: what a Prefer:
			 * wait create already returned would come twice */
			for (i = 0; i < f->live.n_outputs; i++) {
				free(f->live.outputs[i].value);
				free(f->live.outputs[i].key);
			}
			f->live.n_outputs = 0;
			free(f->live.logs);
			f->live.logs = NULL;
			f->live.logs_len = 0;
			f->streaming = true;
			return f->id;
		}
	}
	/* no stream (or it could not start): poll, first one at once */
	f->timer = client_timer_start(c, 0, poll_timer, f);
	if (f->timer == 0) {
		client_op_remove(c, f->id);
		follow_free(f);
		snprintf(err, errsz, "prediction follow: out of memory");
		return 0;
	}
	return f->id;
}
