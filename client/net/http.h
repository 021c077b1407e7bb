/*
 * client/net/http.h: the request layer under every client/ API (Replicate and
 * Cog alike). One easy handle per request on the client's multi handle:
 * caller-owned error buffer, NOSIGNAL, response caps (JSON and files apart)
 * enforced in the write callback, connect and low-speed timeouts, TLS
 * verification on, gzip, connection reuse, proxies from the environment.
 * Retries (429 after Retry-After; 5xx and network errors for idempotent
 * requests, capped exponential backoff with jitter) and timers run inside
 * client_wait()/client_pump(). The Authorization header is added only for
 * URLs under the API base and is never copied into any message.
 * For client/ sources only; no curl type appears here.
 */
#ifndef PG_CLIENT_HTTP_H
#define PG_CLIENT_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "client/net/client.h"
#include "client/net/rc.h"

#define HTTP_MAX_HEADERS	16u	/* extra request headers */
#define HTTP_MAX_PARTS		8u	/* multipart parts */
#define HTTP_MAX_URL		4096u
/* A file download's receive buffer. libcurl reads up to 100 buffers from a
 * readable socket in one curl_multi_perform(): 4 KiB keeps one loop pass
 * at 400 KiB (a 16 KiB default took 1.6 MB, milliseconds of the caller's
 * loop on a busy machine, while a 10 MB output came in over loopback). */
#define HTTP_FILE_BUFFER	4096L

enum http_sink {
	HTTP_SINK_JSON,		/* buffer, capped at max_json_bytes */
	HTTP_SINK_FILE,		/* buffer, capped at max_file_bytes; with
				   on_data: streamed to it instead (see
				   http_opts.on_data) */
	HTTP_SINK_STREAM	/* hand chunks to on_data; nothing kept */
};

/* One multipart/form-data part: from a file (path) or from memory. */
struct http_part {
	const char *name;
	const char *filename;		/* NULL: none */
	const char *content_type;	/* NULL: curl's default */
	const char *path;		/* read from this file, or */
	const char *data;		/* these bytes */
	size_t	    len;
};

/* What a finished request hands its done callback (all borrowed). */
struct http_response {
	enum client_rc rc;	/* OK for any HTTP status; transport errors */
	long	status;		/* HTTP status, 0 if no response */
	char	*body;		/* NUL-terminated (SINK_JSON/FILE), may be
				   taken by setting to NULL (free()) */
	size_t	 len;
	const char *content_type;	/* or NULL */
	const char *location;		/* Location header or NULL */
	long	 retry_after_ms;	/* Retry-After, -1 when absent */
	const char *err;	/* transport error / problem one-liner */
	unsigned attempts;	/* 1 + retries made */
};

struct http_request;

/*
 * url with the dot segments of its path removed (RFC 3986 5.2.4; "." and
 * ".." also as %2e), scheme, authority, query and fragment kept, into
 * out. -1 when url has no "://" or out is too small.
 */
int http_url_normalise(const char *url, char *out, size_t outsz);

/*
 * True when url, once normalised, is base itself or below it (base's
 * trailing '/' ignored): the one test that decides whether a request
 * carries the API token.
 */
bool http_url_under(const char *base, const char *url);

/* "HOST:PORT" of url (the scheme's port when none) into buf, for
 * messages; "the server" when url does not parse. */
void http_url_host_port(const char *url, char *buf, size_t n);

typedef void (*http_done_fn)(struct client *c, unsigned id,
    struct http_response *res, void *arg);
/* Streaming body chunk; return false to abort the transfer (rc ECANCEL). */
typedef bool (*http_data_fn)(struct client *c, unsigned id, const char *buf,
    size_t len, void *arg);

struct http_opts {
	const char *method;	/* "GET" (NULL), "POST", "PUT", "QUERY", ... */
	const char *url;	/* absolute, or "/path" under the API base */
	const char *headers[HTTP_MAX_HEADERS];	/* "Name: value", NULL-ended */
	const char *body;	/* request body (copied), or NULL */
	size_t	    body_len;
	const char *content_type;	/* of body; NULL: application/json
					   when body is set */
	const struct http_part *parts;	/* multipart instead of body */
	size_t	    n_parts;
	enum http_sink sink;
	bool	idempotent;	/* retry 5xx and network errors too */
	bool	no_retry;	/* never retry, not even 429 */
	bool	follow_redirects;	/* downloads only (never with auth) */
	bool	no_auth;	/* no token even under the API base (SSE
				   capability URLs) */
	long	timeout_ms;	/* whole transfer; 0: config default
				   (none for SINK_STREAM and SINK_FILE) */
	long	stall_ms;	/* abort when no byte arrives this long;
				   0: none, SINK_FILE cfg.stream_stall_ms
				   (a stalled download is not retried) */
	const char *unix_socket;	/* connect to this socket path instead
					   of the URL's host (Docker); copied */
	http_data_fn on_data;	/* SINK_STREAM; SINK_FILE streamed: 2xx
				   body bytes as they come (decoded), the
				   total capped at max_file_bytes, a
				   Content-Length over it refused before
				   any byte (ELIMIT); before a retry that
				   follows bytes, on_data(NULL, 0) says
				   "start the file over" */
	http_done_fn done;	/* called exactly once unless cancelled */
	void	*arg;
};

/*
 * Start a request. Returns its id (> 0), or 0 with err set when it could
 * not be started (bad URL, too many requests, out of memory). The done
 * callback runs from client_pump(); after it returns the body is freed.
 */
unsigned http_start(struct client *c, const struct http_opts *o, char *err,
    size_t errsz);

/* Abort a request or pending retry: its done callback will not run. */
void http_cancel(struct client *c, unsigned id);

/*
 * One-line message for a non-2xx response: problem+json becomes
 * "title: detail" (detail arrays from pydantic become "loc: msg; ..."),
 * a plain {"detail": ...} its detail, anything else "HTTP 503". Prefixed
 * with what ("model get: Unauthenticated: You did not pass ...").
 */
void http_problem(const char *what, long status, const char *body,
    size_t len, char *err, size_t errsz);

/* Map an HTTP status to a code: 401/403 EAUTH, 404 ENOTFOUND, 429 ERATE,
 * other >= 400 EHTTP, else OK. */
enum client_rc http_status_rc(long status);

/* Absolute URL for url (as in http_opts.url) into buf; -1 when too long. */
int http_url(const struct client *c, const char *url, char *buf, size_t n);

/* Percent-encode s for a path segment or query value into buf; -1 if long. */
int http_escape(const char *s, char *buf, size_t n);

/*
 * Timers and extra descriptors for modules built on the client (polling,
 * the webhook listener). Timer callbacks run once from client_pump();
 * fd callbacks run from client_pump() when client_wait() saw revents.
 */
typedef void (*client_timer_fn)(struct client *c, unsigned timer, void *arg);
typedef void (*client_fd_fn)(struct client *c, int fd, short revents,
    void *arg);

/* Returns the timer id (> 0), or 0 when out of memory. */
unsigned client_timer_start(struct client *c, long delay_ms,
    client_timer_fn fn, void *arg);
void client_timer_stop(struct client *c, unsigned timer);

/* Watch fd (POLLIN/POLLOUT) in client_wait(); 0 or -1 (table full). */
int client_fd_watch(struct client *c, int fd, short events, client_fd_fn fn,
    void *arg);
void client_fd_unwatch(struct client *c, int fd);

/*
 * Deliver an event to the callback of the client_pump() now running (the
 * only place events go out). Payload fields still set after the callback
 * are freed with their types' free functions; data with data_free.
 */
void client_emit(struct client *c, struct client_event *ev);

/* A fresh request id for modules that emit events of their own. */
unsigned client_next_id(struct client *c);

/*
 * A logical operation made of several requests (a follow, a save): while
 * registered, client_cancel(id) calls cancel(c, id, arg) and
 * client_pending() counts it. 0, or -1 when out of memory.
 */
typedef void (*client_op_cancel_fn)(struct client *c, unsigned id, void *arg);
int client_op_add(struct client *c, unsigned id, client_op_cancel_fn cancel,
    void *arg);
void client_op_remove(struct client *c, unsigned id);

/* The effective configuration (defaults filled in; borrowed). */
const struct client_config *client_config_get(const struct client *c);

/* Milliseconds since an arbitrary start (CLOCK_MONOTONIC). */
long long client_now_ms(void);

#endif
