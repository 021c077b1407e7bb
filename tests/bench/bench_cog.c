/*
 * tests/bench/bench_cog.c: the webhook path's cost. Prints a table:
 * listener_request_parse on a recorded webhook request, prediction parse +
 * cog_merge of each recorded payload, and whole webhooks per second
 * through the listener over loopback (connect, send, parse, deliver, 200).
 * Run from the repo root: `make bench-cog`. No timed assertions.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/cog/cog.h"
#include "client/net/listener.h"
#include "client/net/prediction.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The end of the JSON object starting at p (strings skipped), or NULL. */
static char *
object_end(char *p)
{
	int depth = 0;
	bool str = false;

	for (; *p; p++) {
		if (str) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				str = false;
		} else if (*p == '"') {
			str = true;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}' && --depth == 0) {
			return p + 1;
		}
	}
	return NULL;
}

/* The "json" member of each recorded line, as text. */
static int
load_bodies(const char *path, char **bodies, int max)
{
	FILE *fp = fopen(path, "r");
	char line[1 << 16];
	int n = 0;

	if (fp == NULL)
		return 0;
	while (n < max && fgets(line, sizeof line, fp) != NULL) {
		char *j = strstr(line, "\"json\": "), *e;

		if (j == NULL || (e = object_end(j + 8)) == NULL)
			continue;
		*e = '\0';
		bodies[n++] = strdup(j + 8);
	}
	fclose(fp);
	return n;
}

static int delivered;

static void
on_hook(void *arg, const struct listener_webhook *wh)
{
	(void)arg;
	(void)wh;
	delivered++;
}

int
main(void)
{
	char *bodies[16], req[1 << 16], err[256];
	struct listener_request rq;
	struct listener *l;
	int n, i, k, reps, len;
	double t0, dt;

	n = load_bodies("tests/fixtures/cog/webhooks/text-stream-1.jsonl",
	    bodies, 16);
	if (n == 0) {
		fprintf(stderr, "bench_cog: run from the repo root\n");
		return 1;
	}
	printf("%-44s %12s\n", "what", "per op");

	len = snprintf(req, sizeof req, "POST /webhook/bench HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nuser-agent: cog-worker/0.15.5 "
	    "python-requests/2.28.1\r\nAccept-Encoding: gzip, deflate\r\n"
	    "Accept: */*\r\nConnection: keep-alive\r\nContent-Length: %zu\r\n"
	    "Content-Type: application/json\r\n\r\n%s", strlen(bodies[n - 1]),
	    bodies[n - 1]);
	reps = 200000;
	t0 = now_s();
	for (i = 0; i < reps; i++)
		listener_request_parse(req, (size_t)len, 1 << 20, &rq);
	dt = now_s() - t0;
	printf("%-44s %9.2f us\n", "listener_request_parse (webhook, 1 KiB)",
	    dt / reps * 1e6);

	reps = 2000;
	t0 = now_s();
	for (k = 0; k < reps; k++) {
		struct prediction cur;

		memset(&cur, 0, sizeof cur);
		for (i = 0; i < n; i++) {
			struct prediction upd;

			if (prediction_parse(bodies[i], strlen(bodies[i]), &upd,
			    err, sizeof err) == CLIENT_OK) {
				cog_merge(&cur, &upd);
				prediction_done(&upd);
			}
		}
		prediction_done(&cur);
	}
	dt = now_s() - t0;
	printf("%-44s %9.2f us\n", "prediction_parse + cog_merge (per payload)",
	    dt / (reps * n) * 1e6);

	if (listener_open(&l, NULL, on_hook, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "bench_cog: %s\n", err);
		return 1;
	}
	reps = 2000;
	t0 = now_s();
	for (i = 0; i < reps; i++) {
		struct sockaddr_in sin;
		struct pollfd fds[LISTENER_MAX_CONNS + 2];
		char ans[256];
		int fd = socket(AF_INET, SOCK_STREAM, 0), got = 0;

		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)listener_port(l));
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
		    write(fd, req, (size_t)len) != len) {
			close(fd);
			break;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		while (!got) {
			unsigned m = listener_fds(l, fds,
			    LISTENER_MAX_CONNS + 1);

			fds[m].fd = fd;
			fds[m].events = POLLIN;
			poll(fds, m + 1, 100);
			listener_process(l, fds, m);
			if (read(fd, ans, sizeof ans) > 0)
				got = 1;
		}
		close(fd);
	}
	dt = now_s() - t0;
	printf("%-44s %9.2f us  (%.0f/s, %d delivered)\n",
	    "webhook over loopback (connect..200)", dt / reps * 1e6,
	    reps / dt, delivered);
	listener_free(l);
	for (i = 0; i < n; i++)
		free(bodies[i]);
	return 0;
}
