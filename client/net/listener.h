/*
 * client/net/listener.h: the small HTTP/1.1 server r8play runs itself to receive
 * Cog webhooks (POST /webhook/<token> with a prediction JSON body). It never
 * blocks: the caller polls the fds it exposes (listener_fds) together with
 * the terminal and the network, then calls listener_process(). Every request
 * is bounded (header bytes, body bytes, time from accept to last byte), the
 * number of connections is bounded, junk gets 4xx and the connection closed.
 * One request per connection (the answer says Connection: close). Bodies
 * sent with Transfer-Encoding are refused (Cog sends Content-Length).
 * Plain libc + cJSON through prediction_parse(); no curl, no terminal.
 */
#ifndef PG_CLIENT_LISTENER_H
#define PG_CLIENT_LISTENER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#define LISTENER_MAX_REQUEST_BYTES	(8u << 20)	/* headers + body */
#define LISTENER_MAX_HEADER_BYTES	(16u << 10)
#define LISTENER_MAX_CONNS		32u
#define LISTENER_TIMEOUT_MS		10000	/* accept to whole request */
#define LISTENER_MAX_TOKEN		64	/* [A-Za-z0-9._-] */
#define LISTENER_MAX_HOST		256
#define LISTENER_PATH_PREFIX		"/webhook/"

struct listener;
struct prediction;

struct listener_config {
	const char *bind_addr;	/* IPv4 or IPv6 literal; NULL: "127.0.0.1" */
	unsigned port;		/* 0: any free port */
	/*
	 * Host put into webhook URLs, e.g. "172.17.0.1" so a container can
	 * reach us; NULL: the bind address, or 127.0.0.1 when bound to any.
	 */
	const char *advertise_host;
	size_t max_request_bytes;	/* 0: LISTENER_MAX_REQUEST_BYTES */
	unsigned max_conns;		/* 0: LISTENER_MAX_CONNS */
	int timeout_ms;			/* 0: LISTENER_TIMEOUT_MS */
};

/* One webhook as delivered; everything is borrowed for the callback only. */
struct listener_webhook {
	const char *token;		/* path token, NUL-terminated */
	const char *body;		/* raw JSON body, NUL-terminated */
	size_t len;
	const struct prediction *pred;	/* parsed body */
};

/* Called from listener_process() for each valid webhook. */
typedef void (*listener_fn)(void *arg, const struct listener_webhook *wh);

/* Counters, for tests and the status line. */
struct listener_stats {
	unsigned long accepted;		/* connections accepted */
	unsigned long delivered;	/* webhooks handed to the callback */
	unsigned long bad;		/* 400/404/405/411/501: junk */
	unsigned long too_big;		/* 413/431 */
	unsigned long timeouts;		/* dropped at their deadline */
	unsigned long refused;		/* 503: too many connections */
	unsigned long dropped;		/* peer went away or I/O error */
};

/* The outcome of parsing the bytes of one request received so far. */
enum listener_parse {
	LISTENER_PARSE_MORE,		/* incomplete: read more */
	LISTENER_PARSE_DONE,		/* a whole request */
	LISTENER_PARSE_BAD,		/* malformed: 400 */
	LISTENER_PARSE_NOLEN,		/* POST without Content-Length: 411 */
	LISTENER_PARSE_UNSUPPORTED,	/* Transfer-Encoding: 501 */
	LISTENER_PARSE_HEAD_BIG,	/* header section too big: 431 */
	LISTENER_PARSE_BODY_BIG		/* declared body too big: 413 */
};

/* A parsed request head; offsets point into the caller's buffer. */
struct listener_request {
	char method[8];
	char target[LISTENER_MAX_TOKEN + 64];	/* longer targets: BAD */
	size_t head_len;	/* bytes up to and including the blank line */
	size_t body_len;	/* Content-Length */
	bool has_length;
	bool expect_continue;	/* Expect: 100-continue */
};

/*
 * Parse an HTTP/1.1 request from buf[0..len): the head, then wait for
 * Content-Length body bytes. max bounds head + body. Pure; never reads past
 * len. *req is filled once the head is complete (also for BODY_BIG/NOLEN).
 */
enum listener_parse listener_request_parse(const char *buf, size_t len,
    size_t max, struct listener_request *req);

/*
 * The token of a target "/webhook/<token>[?query]" copied into tok (size
 * LISTENER_MAX_TOKEN + 1); false when the target is anything else.
 */
bool listener_target_token(const char *target, char *tok, size_t toksz);

/*
 * Bind and listen (non-blocking). cfg may be NULL for the defaults.
 * On success *out is the listener (free with listener_free()) and 0 is
 * returned; on failure -1, *out is NULL and err says why ("bind
 * 127.0.0.1:5000: Address already in use").
 */
int listener_open(struct listener **out, const struct listener_config *cfg,
    listener_fn fn, void *arg, char *err, size_t errsz);

/* Close every connection and the socket. NULL is a no-op. */
void listener_free(struct listener *l);

/* The port actually bound. */
unsigned listener_port(const struct listener *l);

/* The host put into webhook URLs (borrowed, valid while l lives). */
const char *listener_advertise_host(const struct listener *l);

/*
 * Write "http://<advertise-host>:<port>/webhook/<token>" into buf (IPv6
 * hosts in brackets). -1 when buf is too small or token has characters
 * outside [A-Za-z0-9._-] or is longer than LISTENER_MAX_TOKEN.
 */
int listener_url(const struct listener *l, const char *token, char *buf,
    size_t bufsz);

/*
 * Fill fds[0..max) with what to poll (the listening socket while there is
 * room for a connection, every connection for reading or writing); returns
 * how many were filled. LISTENER_MAX_CONNS + 1 entries always suffice.
 */
unsigned listener_fds(const struct listener *l, struct pollfd *fds,
    unsigned max);

/* Milliseconds until the next connection deadline; -1 when none. */
int listener_timeout_ms(const struct listener *l);

/*
 * Handle whatever fds[0..n) reported (entries that are not the listener's
 * are ignored, so the caller may pass its whole poll array), then drop the
 * connections past their deadline. Never blocks. Calls fn for each valid
 * webhook. Returns how many webhooks were delivered.
 */
int listener_process(struct listener *l, const struct pollfd *fds,
    unsigned n);

/* Counters since listener_open(). */
void listener_get_stats(const struct listener *l, struct listener_stats *st);

#endif
