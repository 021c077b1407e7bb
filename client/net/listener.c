/*
 * client/net/listener.c: the webhook listener (see listener.h). One request per
 * connection: read until the head and Content-Length body are in, answer,
 * close. A connection has one deadline from accept, so a client trickling
 * bytes (slowloris) is dropped at it whatever its pace. Parsing a
 * request lives in listener_parse.c.
 */
#include "client/net/listener.h"
#include "client/net/listener_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/net/prediction.h"

#define LISTENER_READ_CHUNK	65536

/*
 * READ the request, WRITE the answer, then DRAIN: discard what the peer
 * still sends until it closes (or a short grace passes), so that closing
 * with unread bytes does not reset the connection before it read the
 * answer.
 */
enum conn_state { CONN_READ, CONN_WRITE, CONN_DRAIN };

#define LISTENER_DRAIN_MS	1000
#define LISTENER_PAUSE_MS	100	/* accept failed for lack of fds */

struct conn {
	int fd;
	enum conn_state state;
	long long deadline;	/* monotonic ms */
	char *buf;		/* request bytes, NUL-terminated */
	size_t len, cap;
	const char *out;	/* answer being written (static text) */
	size_t outlen, outoff;
	bool sent_continue;
	bool close_after;	/* drop once the answer is out */
};

struct listener {
	int fd;
	unsigned port;
	char host[LISTENER_MAX_HOST];
	size_t max_bytes;
	unsigned max_conns;
	int timeout_ms;
	listener_fn fn;
	void *arg;
	struct conn *conns;	/* max_conns slots; fd -1 when free */
	unsigned nconns;
	long long accept_pause;	/* out of descriptors: retry accept then */
	struct listener_stats st;
};

/* The answers, Connection: close each. */
#define ANSWER(code, text, body)					\
	"HTTP/1.1 " code " " text "\r\n"				\
	"Content-Type: application/json\r\n"				\
	"Content-Length: " #body "\r\n"					\
	"Connection: close\r\n\r\n"

static const char ans_200[] = ANSWER("200", "OK", 2) "{}";
static const char ans_400[] = ANSWER("400", "Bad Request", 2) "{}";
static const char ans_404[] = ANSWER("404", "Not Found", 2) "{}";
static const char ans_405[] = ANSWER("405", "Method Not Allowed", 2) "{}";
static const char ans_411[] = ANSWER("411", "Length Required", 2) "{}";
static const char ans_413[] = ANSWER("413", "Payload Too Large", 2) "{}";
static const char ans_431[] =
    ANSWER("431", "Request Header Fields Too Large", 2) "{}";
static const char ans_501[] = ANSWER("501", "Not Implemented", 2) "{}";
static const char ans_503[] = ANSWER("503", "Service Unavailable", 2) "{}";
static const char ans_100[] = "HTTP/1.1 100 Continue\r\n\r\n";

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the socket side ---- */

static void
conn_close(struct listener *l, struct conn *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	l->nconns--;
}

static void
conn_answer(struct conn *c, const char *ans, size_t len, bool close_after)
{
	c->state = CONN_WRITE;
	c->out = ans;
	c->outlen = len;
	c->outoff = 0;
	c->close_after = close_after;
}

#define ANSWER_OF(a) (a), sizeof(a) - 1

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
listener_open(struct listener **out, const struct listener_config *cfg,
    listener_fn fn, void *arg, char *err, size_t errsz)
{
	static const struct listener_config defaults;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct listener *l;
	const char *bind_addr, *adv;
	int one = 1, fd = -1;
	unsigned i;

	*out = NULL;
	if (cfg == NULL)
		cfg = &defaults;
	bind_addr = cfg->bind_addr ? cfg->bind_addr : "127.0.0.1";
	if (cfg->port > 65535) {
		snprintf(err, errsz, "listener: port %u out of range",
		    cfg->port);
		return -1;
	}
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, bind_addr,
	    &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)cfg->port);
		sl = sizeof *sin;
	} else if (inet_pton(AF_INET6, bind_addr,
	    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)cfg->port);
		sl = sizeof *sin6;
	} else {
		snprintf(err, errsz,
		    "listener: bind address \"%.64s\" is not an IP address",
		    bind_addr);
		return -1;
	}
	adv = cfg->advertise_host;
	if (adv == NULL)
		adv = strcmp(bind_addr, "0.0.0.0") == 0 ? "127.0.0.1" :
		    strcmp(bind_addr, "::") == 0 ? "::1" : bind_addr;
	if (*adv == '\0' || strlen(adv) >= LISTENER_MAX_HOST ||
	    strpbrk(adv, "/?#@ \t\r\n") != NULL) {
		snprintf(err, errsz, "listener: bad advertised host");
		return -1;
	}
	l = calloc(1, sizeof *l);
	if (l == NULL)
		goto nomem;
	l->fd = -1;
	l->max_bytes = cfg->max_request_bytes ? cfg->max_request_bytes :
	    LISTENER_MAX_REQUEST_BYTES;
	l->max_conns = cfg->max_conns ? cfg->max_conns : LISTENER_MAX_CONNS;
	if (l->max_conns > LISTENER_MAX_CONNS)
		l->max_conns = LISTENER_MAX_CONNS;
	l->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms :
	    LISTENER_TIMEOUT_MS;
	l->fn = fn;
	l->arg = arg;
	snprintf(l->host, sizeof l->host, "%s", adv);
	l->conns = calloc(l->max_conns, sizeof *l->conns);
	if (l->conns == NULL)
		goto nomem;
	for (i = 0; i < l->max_conns; i++)
		l->conns[i].fd = -1;
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || set_nonblock(fd) < 0) {
		snprintf(err, errsz, "listener: socket: %s", strerror(errno));
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		snprintf(err, errsz, "listener: bind %.64s:%u: %s", bind_addr,
		    cfg->port, strerror(errno));
		goto fail;
	}
	if (listen(fd, 64) < 0) {
		snprintf(err, errsz, "listener: listen: %s", strerror(errno));
		goto fail;
	}
	sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(err, errsz, "listener: getsockname: %s",
		    strerror(errno));
		goto fail;
	}
	l->port = ss.ss_family == AF_INET ?
	    ntohs(((struct sockaddr_in *)&ss)->sin_port) :
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	l->fd = fd;
	*out = l;
	return 0;
nomem:
	snprintf(err, errsz, "listener: out of memory");
fail:
	if (fd >= 0)
		close(fd);
	if (l != NULL)
		free(l->conns);
	free(l);
	return -1;
}

void
listener_free(struct listener *l)
{
	unsigned i;

	if (l == NULL)
		return;
	for (i = 0; i < l->max_conns; i++)
		conn_close(l, &l->conns[i]);
	if (l->fd >= 0)
		close(l->fd);
	free(l->conns);
	free(l);
}

unsigned
listener_port(const struct listener *l)
{
	return l->port;
}

const char *
listener_advertise_host(const struct listener *l)
{
	return l->host;
}

int
listener_url(const struct listener *l, const char *token, char *buf,
    size_t bufsz)
{
	size_t i, n = strlen(token);
	int w;

	if (n == 0 || n > LISTENER_MAX_TOKEN)
		return -1;
	for (i = 0; i < n; i++)
		if (!lsn_is_token_char((unsigned char)token[i]))
			return -1;
	w = snprintf(buf, bufsz, strchr(l->host, ':') ?
	    "http://[%s]:%u" LISTENER_PATH_PREFIX "%s" :
	    "http://%s:%u" LISTENER_PATH_PREFIX "%s", l->host, l->port, token);
	return w < 0 || (size_t)w >= bufsz ? -1 : 0;
}

unsigned
listener_fds(const struct listener *l, struct pollfd *fds, unsigned max)
{
	unsigned i, n = 0;

	/* polled even when full: extra peers get 503 rather than a queue */
	if (n < max && (l->accept_pause == 0 || now_ms() >= l->accept_pause)) {
		fds[n].fd = l->fd;
		fds[n].events = POLLIN;
		fds[n++].revents = 0;
	}
	for (i = 0; i < l->max_conns && n < max; i++) {
		const struct conn *c = &l->conns[i];

		if (c->fd < 0)
			continue;
		fds[n].fd = c->fd;
		fds[n].events = c->state == CONN_WRITE ? POLLOUT : POLLIN;
		fds[n++].revents = 0;
	}
	return n;
}

int
listener_timeout_ms(const struct listener *l)
{
	long long now = now_ms(), best = -1;
	unsigned i;

	if (l->accept_pause != 0 && l->accept_pause > now)
		best = l->accept_pause - now;
	for (i = 0; i < l->max_conns; i++) {
		const struct conn *c = &l->conns[i];
		long long left;

		if (c->fd < 0)
			continue;
		left = c->deadline - now;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best > 0x7fffffff ? 0x7fffffff : (int)best;
}

static void
do_accept(struct listener *l)
{
	for (;;) {
		struct conn *c = NULL;
		unsigned i;
		int fd = accept(l->fd, NULL, NULL);

		if (fd < 0) {
			/* out of descriptors: the socket stays readable, so
			 * stop polling it a moment instead of spinning */
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				l->accept_pause = now_ms() + LISTENER_PAUSE_MS;
			return;	/* EAGAIN, or a peer that already left */
		}
		if (set_nonblock(fd) < 0) {
			close(fd);
			continue;
		}
		l->st.accepted++;
		for (i = 0; i < l->max_conns; i++)
			if (l->conns[i].fd < 0) {
				c = &l->conns[i];
				break;
			}
		if (c == NULL) {
			/* best effort: a fresh socket's buffer is empty */
			if (write(fd, ans_503, sizeof ans_503 - 1) < 0)
				l->st.dropped++;
			close(fd);
			l->st.refused++;
			continue;
		}
		memset(c, 0, sizeof *c);
		c->fd = fd;
		c->state = CONN_READ;
		c->deadline = now_ms() + l->timeout_ms;
		l->nconns++;
	}
}

/* A complete request is in c->buf: check it, deliver it, answer. */
static int
conn_finish(struct listener *l, struct conn *c,
    const struct listener_request *req)
{
	struct prediction pred;
	struct listener_webhook wh;
	char tok[LISTENER_MAX_TOKEN + 1], perr[256];
	char *body;

	if (strcmp(req->method, "POST") != 0) {
		l->st.bad++;
		conn_answer(c, ANSWER_OF(ans_405), true);
		return 0;
	}
	if (!listener_target_token(req->target, tok, sizeof tok)) {
		l->st.bad++;
		conn_answer(c, ANSWER_OF(ans_404), true);
		return 0;
	}
	body = c->buf + req->head_len;
	body[req->body_len] = '\0';
	if (prediction_parse(body, req->body_len, &pred, perr,
	    sizeof perr) != CLIENT_OK) {
		l->st.bad++;
		conn_answer(c, ANSWER_OF(ans_400), true);
		return 0;
	}
	wh.token = tok;
	wh.body = body;
	wh.len = req->body_len;
	wh.pred = &pred;
	l->st.delivered++;
	conn_answer(c, ANSWER_OF(ans_200), true);
	if (l->fn != NULL)
		l->fn(l->arg, &wh);
	prediction_done(&pred);
	return 1;
}

/* Answer for a parse outcome other than MORE/DONE. */
static void
conn_reject(struct listener *l, struct conn *c, enum listener_parse pr)
{
	switch (pr) {
	case LISTENER_PARSE_NOLEN:
		l->st.bad++;
		conn_answer(c, ANSWER_OF(ans_411), true);
		break;
	case LISTENER_PARSE_UNSUPPORTED:
		l->st.bad++;
		conn_answer(c, ANSWER_OF(ans_501), true);
		break;
	case LISTENER_PARSE_HEAD_BIG:
		l->st.too_big++;
		conn_answer(c, ANSWER_OF(ans_431), true);
		break;
	case LISTENER_PARSE_BODY_BIG:
		l->st.too_big++;
		conn_answer(c, ANSWER_OF(ans_413), true);
		break;
	default:
		l->st.bad++;
		conn_answer(c, ANSWER_OF(ans_400), true);
		break;
	}
}

static int
conn_read(struct listener *l, struct conn *c)
{
	struct listener_request req;
	enum listener_parse pr = LISTENER_PARSE_MORE;
	char tmp[LISTENER_READ_CHUNK];

	for (;;) {
		ssize_t r;
		size_t want;

		r = read(c->fd, tmp, sizeof tmp);
		if (r == 0) {
			l->st.dropped++;
			conn_close(l, c);
			return 0;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			l->st.dropped++;
			conn_close(l, c);
			return 0;
		}
		want = c->len + (size_t)r;
		if (want > l->max_bytes) {
			/* more than any request may be: keep what fits, so
			 * the parse below says which limit was passed */
			r = (ssize_t)(l->max_bytes - c->len);
			want = l->max_bytes;
		}
		if (want + 1 > c->cap) {
			size_t cap = c->cap ? c->cap : 4096;
			char *nb;

			while (cap < want + 1)
				cap *= 2;
			if (cap > l->max_bytes + 1)
				cap = l->max_bytes + 1;
			nb = realloc(c->buf, cap);
			if (nb == NULL) {
				l->st.dropped++;
				conn_close(l, c);
				return 0;
			}
			c->buf = nb;
			c->cap = cap;
		}
		memcpy(c->buf + c->len, tmp, (size_t)r);
		c->len += (size_t)r;
		c->buf[c->len] = '\0';
		pr = listener_request_parse(c->buf, c->len, l->max_bytes,
		    &req);
		if (pr != LISTENER_PARSE_MORE)
			break;
		if (c->len >= l->max_bytes) {
			/* full and still incomplete */
			pr = req.head_len ? LISTENER_PARSE_BODY_BIG :
			    LISTENER_PARSE_HEAD_BIG;
			break;
		}
	}
	switch (pr) {
	case LISTENER_PARSE_MORE:
		if (c->len > 0 && !c->sent_continue &&
		    listener_request_parse(c->buf, c->len, l->max_bytes,
		    &req) == LISTENER_PARSE_MORE && req.expect_continue) {
			c->sent_continue = true;
			conn_answer(c, ANSWER_OF(ans_100), false);
		}
		return 0;
	case LISTENER_PARSE_DONE:
		return conn_finish(l, c, &req);
	default:
		conn_reject(l, c, pr);
		return 0;
	}
}

static void
conn_write(struct listener *l, struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t w = send(c->fd, c->out + c->outoff,
		    c->outlen - c->outoff, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			l->st.dropped++;
			conn_close(l, c);
			return;
		}
		c->outoff += (size_t)w;
	}
	if (c->close_after) {
		long long grace = now_ms() + LISTENER_DRAIN_MS;

		shutdown(c->fd, SHUT_WR);
		c->state = CONN_DRAIN;
		if (grace < c->deadline)
			c->deadline = grace;
	} else {
		c->state = CONN_READ;	/* after 100 Continue: the body */
	}
}

static void
conn_drain(struct listener *l, struct conn *c)
{
	char tmp[4096];

	for (;;) {
		ssize_t r = read(c->fd, tmp, sizeof tmp);

		if (r > 0)
			continue;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		conn_close(l, c);	/* EOF or error: the peer is done */
		return;
	}
}

int
listener_process(struct listener *l, const struct pollfd *fds, unsigned n)
{
	long long now;
	unsigned i, j;
	int delivered = 0;

	for (i = 0; i < n; i++) {
		short re = fds[i].revents;

		if (re == 0 || fds[i].fd < 0)
			continue;
		if (fds[i].fd == l->fd) {
			do_accept(l);
			continue;
		}
		for (j = 0; j < l->max_conns; j++) {
			struct conn *c = &l->conns[j];

			if (c->fd != fds[i].fd)
				continue;
			if (c->state == CONN_READ &&
			    (re & (POLLIN | POLLHUP | POLLERR)))
				delivered += conn_read(l, c);
			if (c->state == CONN_DRAIN &&
			    (re & (POLLIN | POLLHUP | POLLERR)))
				conn_drain(l, c);
			if (c->fd >= 0 && c->state == CONN_WRITE)
				conn_write(l, c);
			break;
		}
	}
	now = now_ms();
	for (j = 0; j < l->max_conns; j++) {
		struct conn *c = &l->conns[j];

		if (c->fd >= 0 && now >= c->deadline) {
			if (c->state != CONN_DRAIN)
				l->st.timeouts++;
			conn_close(l, c);
		}
	}
	return delivered;
}

void
listener_get_stats(const struct listener *l, struct listener_stats *st)
{
	*st = l->st;
}
