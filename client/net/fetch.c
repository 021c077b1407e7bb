/* client/net/fetch.c: client_fetch(), one URL into a capped memory buffer. */
#include "client/net/fetch.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/http.h"

struct fetch {
	struct client	*c;
	unsigned	 id;
	char		*buf;
	size_t		 len, alloc, cap;
	bool		 over;
};

static void
fetch_free(struct fetch *f)
{
	if (f == NULL)
		return;
	free(f->buf);
	free(f);
}

static bool
fetch_data(struct client *c, unsigned id, const char *buf, size_t len,
    void *arg)
{
	struct fetch *f = arg;
	size_t na;
	char *nb;

	(void)c;
	(void)id;
	if (len > f->cap - f->len) {
		f->over = true;
		return false;
	}
	if (f->len + len + 1 > f->alloc) {
		na = f->alloc ? f->alloc : 16384;
		while (na < f->len + len + 1)
			na *= 2;
		if ((nb = realloc(f->buf, na)) == NULL) {
			f->over = true;
			return false;
		}
		f->buf = nb;
		f->alloc = na;
	}
	memcpy(f->buf + f->len, buf, len);
	f->len += len;
	f->buf[f->len] = '\0';
	return true;
}

static void
fetch_done(struct client *c, unsigned id, struct http_response *res,
    void *arg)
{
	struct fetch *f = arg;
	struct client_event ev;
	char msg[CLIENT_ERR_MAX];

	client_op_remove(c, id);
	memset(&ev, 0, sizeof ev);
	ev.req = CLIENT_REQ_FETCH;
	ev.id = id;
	ev.http_status = res->status;
	ev.kind = CLIENT_EV_ERROR;
	ev.err = msg;
	if (f->over) {
		ev.rc = CLIENT_ELIMIT;
		snprintf(msg, sizeof msg, "fetch: more than %zu bytes", f->cap);
	} else if (res->rc != CLIENT_OK) {
		ev.rc = res->rc;
		snprintf(msg, sizeof msg, "fetch: %s", res->err != NULL ?
		    res->err : client_strerror(res->rc));
	} else if (res->status < 200 || res->status >= 300) {
		ev.rc = http_status_rc(res->status);
		http_problem("fetch", res->status, res->body, res->len, msg,
		    sizeof msg);
	} else {
		ev.kind = CLIENT_EV_DONE;
		ev.err = NULL;
		if (f->buf == NULL)
			f->buf = calloc(1, 1);
		if (f->buf == NULL) {
			ev.kind = CLIENT_EV_ERROR;
			ev.rc = CLIENT_ENOMEM;
			ev.err = "fetch: out of memory";
		}
		ev.body = f->buf;
		ev.body_len = f->len;
		f->buf = NULL;
	}
	/* the event takes the body: client_emit frees it unless taken */
	client_emit(c, &ev);
	fetch_free(f);
}

static void
fetch_cancel(struct client *c, unsigned id, void *arg)
{
	(void)c;
	(void)id;
	fetch_free(arg);
}

unsigned
client_fetch(struct client *c, const char *url, size_t cap, char *err,
    size_t errsz)
{
	struct http_opts o;
	struct fetch *f;

	if ((f = calloc(1, sizeof *f)) == NULL) {
		snprintf(err, errsz, "fetch: out of memory");
		return 0;
	}
	f->c = c;
	f->cap = cap == 0 || cap > FETCH_MAX_BYTES ? FETCH_MAX_BYTES : cap;
	memset(&o, 0, sizeof o);
	o.url = url;
	o.sink = HTTP_SINK_STREAM;	/* the cap is ours, checked as it comes */
	o.follow_redirects = true;
	o.timeout_ms = FETCH_TIMEOUT_MS;
	o.stall_ms = FETCH_STALL_MS;
	o.on_data = fetch_data;
	o.done = fetch_done;
	o.arg = f;
	f->id = http_start(c, &o, err, errsz);
	if (f->id == 0) {
		fetch_free(f);
		return 0;
	}
	if (client_op_add(c, f->id, fetch_cancel, f) != 0) {
		http_cancel(c, f->id);
		fetch_free(f);
		snprintf(err, errsz, "fetch: out of memory");
		return 0;
	}
	return f->id;
}
