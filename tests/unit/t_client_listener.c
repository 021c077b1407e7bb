/*
 * tests/unit/t_client_listener.c: the webhook listener, over real loopback
 * sockets: the recorded Cog webhook sequences (tests/fixtures/cog/webhooks)
 * replayed in their recorded order, then junk: garbage, oversized requests,
 * a slowloris peer, more connections than allowed, wrong paths/methods.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "client/net/listener.h"
#include "client/net/prediction.h"
#include "tests/unit/t.h"
#include "tests/unit/tfile.h"

#define MAX_GOT 64

struct got {
	char token[LISTENER_MAX_TOKEN + 1];
	enum prediction_status status;
	size_t logs_len, n_outputs;
	char *body;
	char *error;
	char *id;
};

static struct got got[MAX_GOT];
static int ngot;

static void
on_webhook(void *arg, const struct listener_webhook *wh)
{
	struct got *g;

	(void)arg;
	if (ngot >= MAX_GOT)
		return;
	g = &got[ngot++];
	snprintf(g->token, sizeof g->token, "%s", wh->token);
	g->status = wh->pred->status;
	g->logs_len = wh->pred->logs_len;
	g->n_outputs = wh->pred->n_outputs;
	g->body = strdup(wh->body);
	g->error = wh->pred->error ? strdup(wh->pred->error) : NULL;
	g->id = wh->pred->id ? strdup(wh->pred->id) : NULL;
}

static void
got_reset(void)
{
	int i;

	for (i = 0; i < ngot; i++) {
		free(got[i].body);
		free(got[i].error);
		free(got[i].id);
	}
	memset(got, 0, sizeof got);
	ngot = 0;
}

static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Poll the listener (and optionally one more fd) for up to ms. */
static void
pump(struct listener *l, int ms)
{
	struct pollfd fds[LISTENER_MAX_CONNS + 2];
	long long end = ms_now() + ms;

	for (;;) {
		unsigned n = listener_fds(l, fds, LISTENER_MAX_CONNS + 1);
		int left = (int)(end - ms_now()), t = listener_timeout_ms(l);

		if (left < 0)
			left = 0;
		if (t < 0 || t > left)
			t = left;
		poll(fds, n, t);
		listener_process(l, fds, n);
		if (ms_now() >= end)
			break;
	}
}

static int
connect_to(unsigned port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/*
 * Send req (len bytes) to the listener while pumping it, then read the
 * answer until the listener closes. Returns the HTTP status (0 when none
 * came). The answer text goes to resp when non-NULL.
 */
static int
exchange(struct listener *l, const char *req, size_t len, char *resp,
    size_t respsz)
{
	struct pollfd fds[LISTENER_MAX_CONNS + 2];
	char buf[4096];
	size_t off = 0, rlen = 0;
	long long end = ms_now() + 5000;
	int fd = connect_to(listener_port(l)), code = 0;
	bool eof = false;

	if (fd < 0)
		return -1;
	buf[0] = '\0';
	while (!eof && ms_now() < end) {
		unsigned n = listener_fds(l, fds, LISTENER_MAX_CONNS + 1);
		ssize_t r;

		fds[n].fd = fd;
		fds[n].events = POLLIN | (off < len ? POLLOUT : 0);
		fds[n].revents = 0;
		poll(fds, n + 1, 50);
		listener_process(l, fds, n);
		if (off < len) {
			r = send(fd, req + off, len - off, MSG_NOSIGNAL);
			if (r > 0)
				off += (size_t)r;
			else if (r < 0 && errno != EAGAIN)
				off = len;	/* peer closed on us */
		}
		while ((r = read(fd, buf + rlen, sizeof buf - 1 - rlen)) > 0)
			rlen += (size_t)r;
		if (r == 0 || (r < 0 && errno != EAGAIN))
			eof = true;
		buf[rlen] = '\0';
	}
	close(fd);
	if (resp != NULL)
		snprintf(resp, respsz, "%s", buf);
	if (strncmp(buf, "HTTP/1.1 ", 9) == 0) {
		/* skip an interim 100 Continue */
		const char *p = buf;

		while (strncmp(p, "HTTP/1.1 100", 12) == 0 &&
		    strstr(p, "\r\n\r\n") != NULL)
			p = strstr(p, "\r\n\r\n") + 4;
		code = atoi(p + 9);
	}
	return code;
}

static int
post(struct listener *l, const char *path, const char *body)
{
	char *req;
	size_t n = strlen(body) + strlen(path) + 256;
	int code, w;

	req = malloc(n);
	w = snprintf(req, n, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "user-agent: cog-worker/0.15.5 python-requests/2.28.1\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	    path, strlen(body), body);
	code = exchange(l, req, (size_t)w, NULL, 0);
	free(req);
	return code;
}


/*
 * Replay one recorded webhook file to /webhook/<name>, each line's JSON
 * body re-serialised. Returns the number of lines posted with 200.
 */
static int
replay(struct listener *l, const char *name)
{
	char path[512], *text, *line, *save = NULL;
	int ok = 0;

	snprintf(path, sizeof path, "tests/fixtures/cog/webhooks/%s.jsonl",
	    name);
	text = t_slurp(path, NULL);
	if (!T_OK(text != NULL))
		return 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		cJSON *rec = cJSON_Parse(line), *js;
		char url[128], *body;

		js = cJSON_GetObjectItemCaseSensitive(rec, "json");
		if (js == NULL) {
			cJSON_Delete(rec);
			continue;
		}
		body = cJSON_PrintUnformatted(js);
		snprintf(url, sizeof url, "/webhook/%s", name);
		if (post(l, url, body) == 200)
			ok++;
		free(body);
		cJSON_Delete(rec);
	}
	free(text);
	return ok;
}

#define PARSE(lit, max) listener_request_parse(lit, strlen(lit), max, &rq)

static void
test_parse(void)
{
	struct listener_request rq;
	const char *r1 = "POST /webhook/abc HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 2\r\n\r\n{}";
	char tok[LISTENER_MAX_TOKEN + 1];
	char big[LISTENER_MAX_HEADER_BYTES + 64];

	T_EQ(PARSE("", 1000), LISTENER_PARSE_MORE);
	T_EQ(listener_request_parse(r1, 10, 1000, &rq), LISTENER_PARSE_MORE);
	T_EQ(listener_request_parse(r1, strlen(r1) - 1, 1000, &rq),
	    LISTENER_PARSE_MORE);
	T_EQ(listener_request_parse(r1, strlen(r1), 1000, &rq),
	    LISTENER_PARSE_DONE);
	T_STREQ(rq.method, "POST");
	T_STREQ(rq.target, "/webhook/abc");
	T_EQ(rq.body_len, 2);
	T_EQ(rq.head_len, strlen(r1) - 2);
	/* bare LF line ends are accepted */
	T_EQ(PARSE("POST /webhook/a HTTP/1.0\nContent-Length: 0\n\n", 1000),
	    LISTENER_PARSE_DONE);
	T_EQ(listener_request_parse(r1, strlen(r1), 20, &rq),
	    LISTENER_PARSE_HEAD_BIG);
	T_EQ(listener_request_parse(r1, strlen(r1), strlen(r1), &rq),
	    LISTENER_PARSE_DONE);
	T_EQ(listener_request_parse(r1, strlen(r1), strlen(r1) - 1, &rq),
	    LISTENER_PARSE_BODY_BIG);
	T_EQ(PARSE("\x16\x03\x01\x02", 1000),
	    LISTENER_PARSE_BAD);
	T_EQ(PARSE("GARBAGE\r\n\r\n", 1000),
	    LISTENER_PARSE_BAD);
	T_EQ(PARSE("POST /x HTTP/2.0\r\n\r\n", 1000),
	    LISTENER_PARSE_BAD);
	T_EQ(PARSE("POST /x HTTP/1.1\r\n\r\n", 1000),
	    LISTENER_PARSE_NOLEN);
	T_EQ(PARSE("GET /x HTTP/1.1\r\n\r\n", 1000),
	    LISTENER_PARSE_DONE);
	T_EQ(PARSE("POST /x HTTP/1.1\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n", 1000), LISTENER_PARSE_UNSUPPORTED);
	T_EQ(PARSE("POST /x HTTP/1.1\r\nContent-Length: 2\r\n"
	    "Content-Length: 3\r\n\r\n", 1000), LISTENER_PARSE_BAD);
	T_EQ(PARSE("POST /x HTTP/1.1\r\nContent-Length: -1\r\n"
	    "\r\n", 1000), LISTENER_PARSE_BAD);
	T_EQ(PARSE("POST /x HTTP/1.1\r\nContent-Length: "
	    "99999999999999999999\r\n\r\n", 1000), LISTENER_PARSE_BAD);
	T_EQ(PARSE("POST /x HTTP/1.1\r\nNo colon\r\n\r\n", 1000),
	    LISTENER_PARSE_BAD);
	T_EQ(PARSE("POST /x HTTP/1.1\r\nA: b\x01\r\n\r\n", 1000),
	    LISTENER_PARSE_BAD);
	T_EQ(PARSE("POST /x HTTP/1.1\r\nExpect: 100-continue"
	    "\r\nContent-Length: 5\r\n\r\n", 1000),
	    LISTENER_PARSE_MORE);
	T_OK(rq.expect_continue);
	memset(big, 'a', sizeof big);
	memcpy(big, "POST /x HTTP/1.1\r\nX: ", 21);
	T_EQ(listener_request_parse(big, sizeof big, 1u << 20, &rq),
	    LISTENER_PARSE_HEAD_BIG);

	T_OK(listener_target_token("/webhook/abc-1_2.x", tok, sizeof tok));
	T_STREQ(tok, "abc-1_2.x");
	T_OK(listener_target_token("/webhook/abc?x=1", tok, sizeof tok));
	T_STREQ(tok, "abc");
	T_OK(!listener_target_token("/webhook/", tok, sizeof tok));
	T_OK(!listener_target_token("/webhook/a/b", tok, sizeof tok));
	T_OK(!listener_target_token("/webhook/../x", tok, sizeof tok) ||
	    strcmp(tok, "..") != 0);
	T_OK(!listener_target_token("/hook/abc", tok, sizeof tok));
	T_OK(!listener_target_token("/webhook/a%20b", tok, sizeof tok));
	T_OK(!listener_target_token("/webhook/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", tok, sizeof tok));
}

static void
test_open(void)
{
	struct listener_config cfg = { 0 };
	struct listener *l, *l2;
	char err[256], url[256];

	T_EQ(listener_open(&l, NULL, NULL, NULL, err, sizeof err), 0);
	T_OK(listener_port(l) > 0);
	T_STREQ(listener_advertise_host(l), "127.0.0.1");
	T_EQ(listener_url(l, "tok1", url, sizeof url), 0);
	{
		char want[128];

		snprintf(want, sizeof want, "http://127.0.0.1:%u/webhook/tok1",
		    listener_port(l));
		T_STREQ(url, want);
	}
	T_EQ(listener_url(l, "bad/tok", url, sizeof url), -1);
	T_EQ(listener_url(l, "", url, sizeof url), -1);
	T_EQ(listener_url(l, "tok1", url, 10), -1);
	T_EQ(listener_timeout_ms(l), -1);

	/* the same port again: a one-line error naming it */
	cfg.port = listener_port(l);
	T_EQ(listener_open(&l2, &cfg, NULL, NULL, err, sizeof err), -1);
	T_OK(l2 == NULL);
	T_OK(strstr(err, "bind 127.0.0.1:") != NULL);
	listener_free(l);

	/* a container-reachable host, only as text: nothing is sent there */
	cfg.port = 0;
	cfg.advertise_host = "172.17.0.1";
	T_EQ(listener_open(&l, &cfg, NULL, NULL, err, sizeof err), 0);
	T_EQ(listener_url(l, "p-1", url, sizeof url), 0);
	T_OK(strncmp(url, "http://172.17.0.1:", 18) == 0);
	listener_free(l);

	cfg.advertise_host = "fd00::1";
	T_EQ(listener_open(&l, &cfg, NULL, NULL, err, sizeof err), 0);
	T_EQ(listener_url(l, "p-1", url, sizeof url), 0);
	T_OK(strncmp(url, "http://[fd00::1]:", 17) == 0);
	listener_free(l);

	cfg.advertise_host = "evil/host";
	T_EQ(listener_open(&l, &cfg, NULL, NULL, err, sizeof err), -1);
	cfg.advertise_host = NULL;
	cfg.bind_addr = "not-an-ip";
	T_EQ(listener_open(&l, &cfg, NULL, NULL, err, sizeof err), -1);
	T_OK(strstr(err, "not-an-ip") != NULL);
	/* IPv6 loopback, where the machine has it */
	cfg.bind_addr = "::1";
	if (listener_open(&l, &cfg, NULL, NULL, err, sizeof err) == 0) {
		T_STREQ(listener_advertise_host(l), "::1");
		T_EQ(listener_url(l, "t", url, sizeof url), 0);
		T_OK(strncmp(url, "http://[::1]:", 13) == 0);
		listener_free(l);
	} else {
		T_OK(strstr(err, "::1") != NULL);
	}
	cfg.bind_addr = "0.0.0.0";
	T_EQ(listener_open(&l, &cfg, NULL, NULL, err, sizeof err), 0);
	T_STREQ(listener_advertise_host(l), "127.0.0.1");
	listener_free(l);
	listener_free(NULL);
}

static void
test_sequences(void)
{
	struct listener *l;
	struct listener_stats st;
	char err[256];
	int i;

	T_EQ(listener_open(&l, NULL, on_webhook, NULL, err, sizeof err), 0);

	/* logs + output [] arrive before start; the start has empty logs */
	T_EQ(replay(l, "text-cancel-1"), 5);
	T_EQ(ngot, 5);
	T_STREQ(got[0].token, "text-cancel-1");
	T_STREQ(got[0].id, "text-cancel-1");
	T_EQ(got[0].status, PREDICTION_PROCESSING);
	T_EQ(got[0].logs_len, 28);
	T_EQ(got[1].logs_len, 0);
	T_EQ(got[2].n_outputs, 6);
	T_EQ(got[3].n_outputs, 12);
	T_EQ(got[4].status, PREDICTION_CANCELED);
	T_EQ(got[4].n_outputs, 13);
	got_reset();

	/* throttled cumulative output: each payload holds all chunks so far */
	T_EQ(replay(l, "text-stream-1"), 6);
	T_EQ(ngot, 6);
	for (i = 2; i < ngot; i++)
		T_OK(got[i].n_outputs > got[i - 1].n_outputs);
	T_EQ(got[5].status, PREDICTION_SUCCEEDED);
	T_EQ(got[5].n_outputs, 20);
	got_reset();

	/* a filter without "completed": no terminal webhook ever */
	T_EQ(replay(l, "text-stream-2"), 2);
	T_EQ(ngot, 2);
	T_OK(!prediction_status_terminal(got[0].status));
	T_OK(!prediction_status_terminal(got[1].status));
	got_reset();

	/* failed then succeeded after an upload failure: both delivered */
	T_EQ(replay(l, "img-upload-fail"), 5);
	T_EQ(got[3].status, PREDICTION_FAILED);
	T_STREQ(got[3].error, "Cog: Got error trying to upload output files");
	T_EQ(got[4].status, PREDICTION_SUCCEEDED);
	got_reset();

	/* the async worker crash */
	T_EQ(replay(l, "crash-1"), 3);
	T_EQ(got[2].status, PREDICTION_FAILED);
	T_OK(got[2].error && strstr(got[2].error, "exitcode 137"));
	got_reset();

	/* no id in the body: the path token still names it */
	T_EQ(replay(l, "img-async-noid"), 1);
	T_STREQ(got[0].token, "img-async-noid");
	T_OK(got[0].id == NULL);
	T_EQ(got[0].n_outputs, 1);
	got_reset();

	{
		static const char *const rest[] = { "conc-a", "conc-b",
		    "err-1", "file-async-1", "img-async-all",
		    "img-async-filter", "img-cancel-1", "img-upload-1",
		    "img-upload-2", "put-async-1", "tokens-1" };
		static const int lines[] = { 4, 2, 3, 1, 4, 2, 3, 4, 1, 4, 5 };
		size_t k;

		for (k = 0; k < sizeof rest / sizeof rest[0]; k++) {
			T_EQ(replay(l, rest[k]), lines[k]);
			T_OK(prediction_status_terminal(got[ngot - 1].status));
			got_reset();
		}
	}
	listener_get_stats(l, &st);
	T_EQ(st.delivered, 5 + 6 + 2 + 5 + 3 + 1 + 33);
	T_EQ(st.bad + st.too_big + st.timeouts + st.refused, 0);
	listener_free(l);
}

static void
test_junk(void)
{
	struct listener_config cfg = { 0 };
	struct listener *l;
	struct listener_stats st;
	char err[256], resp[4096], *big;
	const char *ok_body = "{\"id\":\"x\",\"status\":\"processing\"}";
	size_t bigsz;
	int fd;

	cfg.max_request_bytes = 64 * 1024;
	cfg.timeout_ms = 2000;
	cfg.max_conns = 4;
	T_EQ(listener_open(&l, &cfg, on_webhook, NULL, err, sizeof err), 0);

	T_EQ(exchange(l, "\x16\x03\x01\x00\xa5\x01\x00\x00", 8, resp,
	    sizeof resp), 400);
	T_OK(strstr(resp, "Connection: close") != NULL);
	T_EQ(exchange(l, "hello there\r\n\r\n", 15, NULL, 0), 400);
	T_EQ(post(l, "/webhook/tok", "not json"), 400);
	T_EQ(post(l, "/webhook/tok", "[1,2]"), 400);
	T_EQ(post(l, "/webhook/tok", "{\"status\": \"succ"), 400);
	T_EQ(post(l, "/hook/tok", ok_body), 404);
	T_EQ(post(l, "/webhook/a/b", ok_body), 404);
	T_EQ(exchange(l, "GET /webhook/tok HTTP/1.1\r\n\r\n", 29, NULL, 0),
	    405);
	T_EQ(exchange(l, "POST /webhook/tok HTTP/1.1\r\n\r\n", 30, NULL, 0),
	    411);
	T_EQ(exchange(l, "POST /webhook/tok HTTP/1.1\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 69, NULL, 0), 501);
	T_EQ(ngot, 0);

	/* declared too big: 413 before any body byte is read */
	T_EQ(exchange(l, "POST /webhook/tok HTTP/1.1\r\nContent-Length: "
	    "99999999\r\n\r\n", 56, NULL, 0), 413);
	/* sent too big: 413 at the cap, the rest drained */
	bigsz = 300 * 1024;
	big = malloc(bigsz);
	memset(big, ' ', bigsz);
	{
		int w = snprintf(big, 128, "POST /webhook/tok HTTP/1.1\r\n"
		    "Content-Length: %zu\r\n\r\n", bigsz);

		big[w] = ' ';
	}
	T_EQ(exchange(l, big, bigsz, NULL, 0), 413);
	/* endless head */
	memset(big, 'x', bigsz);
	memcpy(big, "POST /webhook/tok HTTP/1.1\r\nX-Junk: ", 36);
	T_EQ(exchange(l, big, bigsz, NULL, 0), 431);
	free(big);

	/* Expect: 100-continue: the interim answer, then the body, then 200 */
	{
		char head[256], b[512];
		ssize_t r;
		size_t rl = 0;
		int w = snprintf(head, sizeof head,
		    "POST /webhook/cont HTTP/1.1\r\nExpect: 100-continue\r\n"
		    "Content-Length: %zu\r\n\r\n", strlen(ok_body));

		fd = connect_to(listener_port(l));
		T_OK(send(fd, head, (size_t)w, MSG_NOSIGNAL) == w);
		pump(l, 100);
		r = read(fd, b, sizeof b - 1);
		T_OK(r > 0 && strncmp(b, "HTTP/1.1 100 Continue\r\n\r\n",
		    25) == 0);
		T_OK(send(fd, ok_body, strlen(ok_body), MSG_NOSIGNAL) ==
		    (ssize_t)strlen(ok_body));
		pump(l, 100);
		while ((r = read(fd, b + rl, sizeof b - 1 - rl)) > 0)
			rl += (size_t)r;
		b[rl] = '\0';
		T_OK(strncmp(b, "HTTP/1.1 200 OK", 15) == 0);
		close(fd);
		T_EQ(ngot, 1);
		T_STREQ(got[0].token, "cont");
		got_reset();
	}

	/* slowloris: one byte a second, dropped at the 2 s deadline */
	{
		const char *slow = "POST /webhook/slow HTTP/1.1\r\n";
		long long t0 = ms_now(), t_closed = 0;
		size_t i = 0;
		char c;

		fd = connect_to(listener_port(l));
		while (ms_now() - t0 < 5000) {
			ssize_t r;

			if (send(fd, slow + i, 1, MSG_NOSIGNAL) == 1)
				i++;
			pump(l, 1000);
			r = read(fd, &c, 1);
			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				t_closed = ms_now();
				break;
			}
		}
		close(fd);
		T_OK(t_closed != 0);
		T_OK(t_closed - t0 >= 1900 && t_closed - t0 <= 3500);
		listener_get_stats(l, &st);
		T_EQ(st.timeouts, 1);
	}

	/* more connections than allowed: the extra ones get 503 */
	{
		int fds[10], i, n503 = 0;

		for (i = 0; i < 10; i++) {
			fds[i] = connect_to(listener_port(l));
			pump(l, 20);
		}
		pump(l, 100);
		for (i = 0; i < 10; i++) {
			char b[256];
			ssize_t r = read(fds[i], b, sizeof b - 1);

			if (r > 0) {
				b[r] = '\0';
				n503 += strncmp(b, "HTTP/1.1 503", 12) == 0;
			}
		}
		T_EQ(n503, 6);
		listener_get_stats(l, &st);
		T_EQ(st.refused, 6);
		/* the idle four time out; after that a webhook gets through */
		pump(l, 2300);
		listener_get_stats(l, &st);
		T_EQ(st.timeouts, 1 + 4);
		for (i = 0; i < 10; i++)
			close(fds[i]);
		T_EQ(post(l, "/webhook/after", ok_body), 200);
		T_EQ(ngot, 1);
		got_reset();
	}

	/* a peer that hangs up mid-body loses nothing else */
	fd = connect_to(listener_port(l));
	T_OK(send(fd, "POST /webhook/x HTTP/1.1\r\nContent-Length: 50\r\n\r\n{",
	    49, MSG_NOSIGNAL) == 49);
	pump(l, 50);
	close(fd);
	pump(l, 50);
	listener_get_stats(l, &st);
	T_EQ(st.dropped, 1);
	T_EQ(post(l, "/webhook/after2", ok_body), 200);
	T_EQ(ngot, 1);
	got_reset();
	listener_free(l);
}

/* Out of descriptors: accept fails, the listener pauses instead of
 * spinning on a readable socket, then takes the peer once fds are back. */
static void
test_emfile(void)
{
	struct listener *l;
	struct listener_stats st;
	struct pollfd fds[LISTENER_MAX_CONNS + 1];
	struct rlimit old, low;
	char err[256];
	int fd, t;
	unsigned n;

	T_EQ(listener_open(&l, NULL, on_webhook, NULL, err, sizeof err), 0);
	fd = connect_to(listener_port(l));
	T_OK(fd >= 0);
	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = (rlim_t)fd + 1;	/* no room for the accepted one */
	T_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
	n = listener_fds(l, fds, LISTENER_MAX_CONNS + 1);
	poll(fds, n, 200);
	listener_process(l, fds, n);
	T_EQ(listener_fds(l, fds, LISTENER_MAX_CONNS + 1), 0);
	t = listener_timeout_ms(l);
	T_OK(t >= 0 && t <= 100);
	setrlimit(RLIMIT_NOFILE, &old);
	pump(l, 200);
	listener_get_stats(l, &st);
	T_EQ(st.accepted, 1);
	close(fd);
	pump(l, 50);
	listener_free(l);
}

int
main(void)
{
	test_parse();
	test_open();
	test_sequences();
	test_junk();
	test_emfile();
	got_reset();
	return T_SUMMARY();
}
