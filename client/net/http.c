/*
 * client/net/http.c: one HTTP request on the client's multi handle: easy
 * handle setup, body caps, header capture, retries with backoff, stall
 * detection, and the one-line messages for error bodies. See http.h.
 */
#include "client/net/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/net/json.h"

#define RETRY_AFTER_MAX_MS	60000L
#define HTTP_ERROR_BODY_MAX	65536u	/* non-2xx body of a streamed file */
/* A refused or unreachable connection is retried only within this budget:
 * nothing listening on 127.0.0.1:9 will not start listening in a minute. */
#define CONNECT_FAIL_BUDGET_MS	2000L

static void
req_free(struct http_request *r)
{
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	if (r->mime != NULL)
		curl_mime_free(r->mime);
	curl_slist_free_all(r->hdrs);
	free(r->method);
	free(r->url);
	free(r->body);
	free(r->buf);
	free(r->content_type);
	free(r->location);
	free(r);
}

static struct http_request *
req_find(struct client *c, unsigned id)
{
	struct http_request *r;

	for (r = c->reqs; r != NULL; r = r->next)
		if (r->id == id && r->state != REQ_DEAD)
			return r;
	return NULL;
}

static void
req_reset_response(struct http_request *r)
{
	r->len = 0;
	if (r->buf != NULL)
		r->buf[0] = '\0';
	free(r->content_type);
	free(r->location);
	r->content_type = r->location = NULL;
	r->retry_after_ms = -1;
	r->over_cap = r->stream_abort = false;
	r->errbuf[0] = '\0';
}

static bool
is_2xx(struct http_request *r)
{
	long st = 0;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &st);
	return st >= 200 && st < 300;
}

static int
buf_append(struct http_request *r, const char *p, size_t n)
{
	if (r->len + n + 1 > r->alloc) {
		size_t na = r->alloc ? r->alloc : 4096;
		char *nb;

		while (r->len + n + 1 > na)
			na *= 2;
		nb = realloc(r->buf, na);
		if (nb == NULL)
			return -1;
		r->buf = nb;
		r->alloc = na;
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
	r->buf[r->len] = '\0';
	return 0;
}

/* A SINK_FILE request with on_data: the body goes to the caller as it
 * comes (decoded), counted against the file cap; nothing is buffered. */
static bool
file_streamed(const struct http_request *r)
{
	return r->sink == HTTP_SINK_FILE && r->on_data != NULL;
}

static size_t
on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct http_request *r = ud;
	size_t n = size * nmemb;

	r->last_byte_ms = client_now_ms();
	if ((r->sink == HTTP_SINK_STREAM || file_streamed(r)) && is_2xx(r)) {
		if (file_streamed(r) && (n > r->cap ||
		    r->streamed > r->cap - n)) {
			r->over_cap = true;	/* decoded size: gzip bombs */
			return 0;
		}
		r->streamed += n;
		if (!r->on_data(r->c, r->id, ptr, n, r->arg)) {
			r->stream_abort = true;
			return 0;
		}
		return n;
	}
	if (file_streamed(r) && r->len + n > HTTP_ERROR_BODY_MAX) {
		r->over_cap = true;	/* an error page is short */
		return 0;
	}
	if (r->len + n > r->cap) {
		r->over_cap = true;
		return 0;
	}
	if (buf_append(r, ptr, n) != 0) {
		r->over_cap = true;
		return 0;
	}
	return n;
}

static char *
header_value(const char *line, size_t n, const char *name)
{
	size_t nl = strlen(name), b, e;
	char *v;

	if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	b = nl + 1;
	e = n;
	while (b < e && (line[b] == ' ' || line[b] == '\t'))
		b++;
	while (e > b && (line[e - 1] == '\r' || line[e - 1] == '\n' ||
	    line[e - 1] == ' '))
		e--;
	v = malloc(e - b + 1);
	if (v == NULL)
		return NULL;
	memcpy(v, line + b, e - b);
	v[e - b] = '\0';
	return v;
}

static long
parse_retry_after(const char *v)
{
	const char *p;
	time_t when;

	for (p = v; *p >= '0' && *p <= '9'; p++)
		;
	if (p != v && *p == '\0') {
		long s = strtol(v, NULL, 10);

		return s > RETRY_AFTER_MAX_MS / 1000 ? RETRY_AFTER_MAX_MS :
		    s * 1000;
	}
	when = curl_getdate(v, NULL);
	if (when < 0)
		return -1;
	when -= time(NULL);
	if (when < 0)
		return 0;
	return when > RETRY_AFTER_MAX_MS / 1000 ? RETRY_AFTER_MAX_MS :
	    (long)when * 1000;
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct http_request *r = ud;
	size_t n = size * nmemb;
	char *v;

	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		/* a new response (after a redirect or 100): forget the old */
		free(r->content_type);
		free(r->location);
		r->content_type = r->location = NULL;
		r->retry_after_ms = -1;
		return n;
	}
	if ((v = header_value(ptr, n, "content-type")) != NULL) {
		free(r->content_type);
		r->content_type = v;
	} else if ((v = header_value(ptr, n, "location")) != NULL) {
		free(r->location);
		r->location = v;
	} else if ((v = header_value(ptr, n, "retry-after")) != NULL) {
		r->retry_after_ms = parse_retry_after(v);
		free(v);
	} else if (r->sink == HTTP_SINK_FILE &&
	    (v = header_value(ptr, n, "content-length")) != NULL) {
		/* refuse a body over the cap before its first byte */
		unsigned long long cl = strtoull(v, NULL, 10);

		free(v);
		if (is_2xx(r) && cl > r->cap) {
			r->over_cap = true;
			return 0;
		}
	}
	return n;
}

/*
 * Only the API base gets the token: never a download or stream host, and
 * never a path that climbs out of the base ("/v1/../../x": curl resolves
 * dot segments before sending, so the check runs on the resolved path).
 */
static bool
wants_auth(const struct client *c, const char *url)
{
	return c->token != NULL && http_url_under(c->api_base, url);
}

static int
add_header(struct curl_slist **l, const char *h)
{
	struct curl_slist *n = curl_slist_append(*l, h);

	if (n == NULL)
		return -1;
	*l = n;
	return 0;
}

static int
setup_easy(struct client *c, struct http_request *r, const struct http_opts *o)
{
	char line[512];
	CURL *e = r->easy;
	size_t i;
	long timeout;

	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->cfg.connect_timeout_ms);
	if (o->unix_socket != NULL)
		curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, o->unix_socket);
	if (o->sink == HTTP_SINK_FILE)
		curl_easy_setopt(e, CURLOPT_BUFFERSIZE, HTTP_FILE_BUFFER);
	if (o->sink != HTTP_SINK_STREAM) {
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
		    c->cfg.low_speed_time_s);
	}
	timeout = o->timeout_ms;
	if (timeout == 0 && o->sink == HTTP_SINK_JSON)
		timeout = c->cfg.request_timeout_ms;
	if (timeout > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
	if (o->follow_redirects && !r->has_auth) {
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	}
	if (r->has_auth) {
		int w = snprintf(line, sizeof line, "Authorization: Bearer %s",
		    c->token);
		int bad = w < 0 || (size_t)w >= sizeof line ||
		    add_header(&r->hdrs, line) != 0;

		memset(line, 0, sizeof line);
		if (bad)
			return -1;
	}
	if (add_header(&r->hdrs, "Expect:") != 0)
		return -1;
	for (i = 0; i < HTTP_MAX_HEADERS && o->headers[i] != NULL; i++)
		if (add_header(&r->hdrs, o->headers[i]) != 0)
			return -1;
	if (o->sink == HTTP_SINK_JSON && add_header(&r->hdrs,
	    "Accept: application/json") != 0)
		return -1;
	if (o->n_parts > 0) {
		r->mime = curl_mime_init(e);
		if (r->mime == NULL)
			return -1;
		for (i = 0; i < o->n_parts && i < HTTP_MAX_PARTS; i++) {
			const struct http_part *p = &o->parts[i];
			curl_mimepart *mp = curl_mime_addpart(r->mime);

			if (mp == NULL)
				return -1;
			curl_mime_name(mp, p->name);
			if (p->path != NULL) {
				if (curl_mime_filedata(mp, p->path) != CURLE_OK)
					return -1;
			} else
				curl_mime_data(mp, p->data != NULL ? p->data :
				    "", p->len);
			if (p->filename != NULL)
				curl_mime_filename(mp, p->filename);
			if (p->content_type != NULL)
				curl_mime_type(mp, p->content_type);
		}
		curl_easy_setopt(e, CURLOPT_MIMEPOST, r->mime);
		if (o->method != NULL && strcmp(o->method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
	} else if (o->body != NULL || (o->method != NULL &&
	    strcmp(o->method, "POST") == 0)) {
		snprintf(line, sizeof line, "Content-Type: %s",
		    o->content_type != NULL ? o->content_type :
		    "application/json");
		if (o->body != NULL && add_header(&r->hdrs, line) != 0)
			return -1;
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
		    r->body != NULL ? r->body : "");
		if (o->method != NULL && strcmp(o->method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
	} else if (o->method != NULL && strcmp(o->method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (o->method != NULL && strcmp(o->method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
	} else
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
	return 0;
}

unsigned
http_start(struct client *c, const struct http_opts *o, char *err,
    size_t errsz)
{
	char url[HTTP_MAX_URL];
	struct http_request *r;

	if (o->done == NULL || (o->sink == HTTP_SINK_STREAM &&
	    o->on_data == NULL)) {
		snprintf(err, errsz, "http: missing callback");
		return 0;
	}
	if (http_url(c, o->url, url, sizeof url) != 0) {
		snprintf(err, errsz, "http: bad or too long URL: %.80s",
		    o->url != NULL ? o->url : "(null)");
		return 0;
	}
	if (http_count(c) >= CLIENT_MAX_REQUESTS) {
		snprintf(err, errsz, "http: too many requests at once (%u)",
		    CLIENT_MAX_REQUESTS);
		return 0;
	}
	r = calloc(1, sizeof *r);
	if (r == NULL)
		goto oom;
	r->c = c;
	r->sink = o->sink;
	r->cap = o->sink == HTTP_SINK_FILE ? c->cfg.max_file_bytes :
	    c->cfg.max_json_bytes;
	r->idempotent = o->idempotent;
	r->no_retry = o->no_retry;
	r->stall_ms = o->stall_ms;
	if (r->stall_ms == 0 && o->sink == HTTP_SINK_FILE)
		r->stall_ms = c->cfg.stream_stall_ms;	/* a download never
							   hangs */
	r->on_data = o->on_data;
	r->done = o->done;
	r->arg = o->arg;
	r->retry_after_ms = -1;
	r->first_ms = client_now_ms();
	r->url = strdup(url);
	r->method = strdup(o->method != NULL ? o->method : "GET");
	if (r->url == NULL || r->method == NULL)
		goto oom;
	if (o->body != NULL) {
		r->body = malloc(o->body_len + 1);
		if (r->body == NULL)
			goto oom;
		memcpy(r->body, o->body, o->body_len);
		r->body[o->body_len] = '\0';
		r->body_len = o->body_len;
	}
	r->has_auth = !o->no_auth && wants_auth(c, r->url);
	r->easy = curl_easy_init();
	if (r->easy == NULL || setup_easy(c, r, o) != 0)
		goto oom;
	r->id = client_next_id(c);
	r->attempts = 1;
	r->last_byte_ms = client_now_ms();
	if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
		snprintf(err, errsz, "http: curl refused the request");
		req_free(r);
		return 0;
	}
	r->state = REQ_RUNNING;
	r->next = c->reqs;
	c->reqs = r;
	return r->id;
oom:
	snprintf(err, errsz, "http: out of memory");
	if (r != NULL)
		req_free(r);
	return 0;
}

void
http_cancel(struct client *c, unsigned id)
{
	struct http_request *r = req_find(c, id);

	if (r == NULL)
		return;
	if (r->state == REQ_RUNNING)
		curl_multi_remove_handle(c->multi, r->easy);
	r->state = REQ_DEAD;
}

unsigned
http_count(const struct client *c)
{
	const struct http_request *r;
	unsigned n = 0;

	for (r = c->reqs; r != NULL; r = r->next)
		if (r->state != REQ_DEAD)
			n++;
	return n;
}

static long
backoff_ms(struct client *c, unsigned attempt)
{
	long d = c->cfg.retry_base_ms;
	unsigned i;

	for (i = 1; i < attempt && d < c->cfg.retry_max_ms; i++)
		d *= 2;
	if (d > c->cfg.retry_max_ms)
		d = c->cfg.retry_max_ms;
	/* jitter: up to a quarter more, so clients do not march in step */
	return d + (long)client_rand(c, (unsigned long)(d / 4 + 1));
}

/*
 * A connection that never opened: "cannot connect to HOST:PORT (connection
 * refused)" into err, or 0 when res is not such a failure.
 */
static int
connect_failure(struct http_request *r, CURLcode res, char *err, size_t n)
{
	char hp[256];
	long oserr = 0;
	const char *what;

	if (res != CURLE_COULDNT_CONNECT)
		return 0;
	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
	what = oserr == ECONNREFUSED ? "connection refused" :
	    oserr == EHOSTUNREACH ? "host unreachable" :
	    oserr == ENETUNREACH ? "network unreachable" :
	    oserr == ETIMEDOUT ? "timed out" : "no connection";
	http_url_host_port(r->url, hp, sizeof hp);
	snprintf(err, n, "cannot connect to %.200s (%s)", hp, what);
	return 1;
}

/*
 * Finish r (or schedule its retry). why: our own reason (stall) or NULL.
 * Retries: 429 after Retry-After (or backoff); 5xx and transport errors of
 * idempotent requests with backoff; a connection refused or unreachable
 * only within CONNECT_FAIL_BUDGET_MS of the first attempt. No retry starts
 * later than cfg.retry_total_ms after the first attempt (a 429 storm with
 * huge Retry-After values ends with its 429 instead of waiting minutes).
 */
static void
finish(struct client *c, struct http_request *r, CURLcode res,
    const char *why)
{
	struct http_response resp;
	char err[CLIENT_ERR_MAX], hp[256];
	long status = 0, delay = -1;
	long long now = client_now_ms();
	bool transport, refused;

	if (res == CURLE_OK || why == NULL)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	transport = (res != CURLE_OK || why != NULL) && !r->over_cap &&
	    !r->stream_abort;
	refused = transport && why == NULL && res == CURLE_COULDNT_CONNECT;
	/* a stalled download is not tried again: each try would wait the
	 * whole stall limit once more */
	if (!r->no_retry && r->attempts <= c->cfg.max_retries &&
	    !(why != NULL && r->sink == HTTP_SINK_FILE)) {
		if (!transport && status == 429)
			delay = r->retry_after_ms >= 0 ? r->retry_after_ms :
			    backoff_ms(c, r->attempts);
		else if (r->idempotent && (transport || (status >= 500 &&
		    status != 501 && status != 505)))
			delay = !transport && r->retry_after_ms >= 0 ?
			    r->retry_after_ms : backoff_ms(c, r->attempts);
	}
	if (delay >= 0 && refused &&
	    now + delay - r->first_ms > CONNECT_FAIL_BUDGET_MS)
		delay = -1;
	if (delay >= 0 && now + delay - r->first_ms > c->cfg.retry_total_ms) {
		/* wait what is left of the budget once, then give up */
		delay = c->cfg.retry_total_ms - (long)(now - r->first_ms);
		if (delay <= 0)
			delay = -1;
	}
	curl_multi_remove_handle(c->multi, r->easy);
	if (delay >= 0) {
		http_url_host_port(r->url, hp, sizeof hp);
		if (!transport && status == 429)
			snprintf(r->wait_why, sizeof r->wait_why, "rate limited "
			    "by %.80s (HTTP 429): retry %u", hp, r->attempts);
		else if (!transport)
			snprintf(r->wait_why, sizeof r->wait_why, "%.80s answered "
			    "HTTP %ld: retry %u", hp, status, r->attempts);
		else
			snprintf(r->wait_why, sizeof r->wait_why, "no answer "
			    "from %.80s: retry %u", hp, r->attempts);
		r->attempts++;
		r->state = REQ_WAITING;
		r->retry_at = now + delay;
		return;
	}
	r->state = REQ_DEAD;
	memset(&resp, 0, sizeof resp);
	resp.status = transport ? 0 : status;
	resp.body = r->buf;
	resp.len = r->len;
	resp.content_type = r->content_type;
	resp.location = r->location;
	resp.retry_after_ms = r->retry_after_ms;
	resp.attempts = r->attempts;
	err[0] = '\0';
	if (r->over_cap) {
		resp.rc = CLIENT_ELIMIT;
		snprintf(err, sizeof err, "response larger than %zu bytes",
		    r->cap);
	} else if (r->stream_abort) {
		resp.rc = CLIENT_ECANCEL;
		snprintf(err, sizeof err, "stream closed by the client");
	} else if (transport) {
		resp.rc = why != NULL || res == CURLE_OPERATION_TIMEDOUT ?
		    CLIENT_ETIMEOUT : CLIENT_ENET;
		if (why != NULL || !connect_failure(r, res, err, sizeof err))
			snprintf(err, sizeof err, "%s", why != NULL ? why :
			    r->errbuf[0] ? r->errbuf :
			    curl_easy_strerror(res));
		if (r->attempts > 1) {
			size_t l = strlen(err);

			snprintf(err + l, sizeof err - l, " (after %u attempts)",
			    r->attempts);
		}
	} else
		resp.rc = CLIENT_OK;
	client_scrub(c, err);
	resp.err = err[0] ? err : NULL;
	r->done(c, r->id, &resp, r->arg);
	/* the callback may have taken the body */
	if (resp.body == NULL)
		r->buf = NULL;
}

bool
client_retry_wait(const struct client *c, char *why, size_t whysz,
    long *left_ms)
{
	const struct http_request *r, *first = NULL;

	if (whysz > 0)
		why[0] = '\0';
	if (left_ms != NULL)
		*left_ms = 0;
	for (r = c != NULL ? c->reqs : NULL; r != NULL; r = r->next)
		if (r->state == REQ_WAITING && (first == NULL ||
		    r->retry_at < first->retry_at))
			first = r;
	if (first == NULL)
		return false;
	if (whysz > 0)
		snprintf(why, whysz, "%s", first->wait_why);
	if (left_ms != NULL) {
		long long left = first->retry_at - client_now_ms();

		*left_ms = left > 0 ? (long)left : 0;
	}
	return true;
}

void
http_on_done(struct client *c, struct http_request *r, CURLcode res)
{
	if (r->state != REQ_RUNNING)
		return;
	finish(c, r, res, NULL);
}

void
http_check_stalls(struct client *c, long long now)
{
	struct http_request *r;
	char why[160], hp[96];

	for (r = c->reqs; r != NULL; r = r->next) {
		if (r->state != REQ_RUNNING || r->stall_ms <= 0 ||
		    now - r->last_byte_ms < r->stall_ms)
			continue;
		http_url_host_port(r->url, hp, sizeof hp);
		snprintf(why, sizeof why, "stalled: no data from %.80s for "
		    "%ld ms", hp, r->stall_ms);
		finish(c, r, CURLE_OPERATION_TIMEDOUT, why);
	}
}

void
http_start_due(struct client *c, long long now)
{
	struct http_request *r;

	for (r = c->reqs; r != NULL; r = r->next) {
		if (r->state != REQ_WAITING || r->retry_at > now)
			continue;
		req_reset_response(r);
		r->last_byte_ms = now;
		if (file_streamed(r) && r->streamed > 0) {
			/* the caller starts its file over */
			r->on_data(c, r->id, NULL, 0, r->arg);
			r->streamed = 0;
		}
		if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
			r->state = REQ_RUNNING;
			finish(c, r, CURLE_FAILED_INIT, "could not restart");
			continue;
		}
		r->state = REQ_RUNNING;
	}
}

long long
http_next_deadline(const struct client *c)
{
	const struct http_request *r;
	long long next = -1, d;

	for (r = c->reqs; r != NULL; r = r->next) {
		if (r->state == REQ_WAITING)
			d = r->retry_at;
		else if (r->state == REQ_RUNNING && r->stall_ms > 0)
			d = r->last_byte_ms + r->stall_ms;
		else
			continue;
		if (next < 0 || d < next)
			next = d;
	}
	return next;
}

void
http_reap(struct client *c)
{
	struct http_request **rp, *r;

	for (rp = &c->reqs; (r = *rp) != NULL;) {
		if (r->state == REQ_DEAD) {
			*rp = r->next;
			req_free(r);
		} else
			rp = &r->next;
	}
}

void
http_free_all(struct client *c)
{
	struct http_request *r;

	while ((r = c->reqs) != NULL) {
		c->reqs = r->next;
		if (r->state == REQ_RUNNING)
			curl_multi_remove_handle(c->multi, r->easy);
		req_free(r);
	}
}

