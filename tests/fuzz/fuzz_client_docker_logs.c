/*
 * tests/fuzz/fuzz_client_docker_logs.c: the multiplexed log stream
 * demuxer (docker_demux_feed in client/docker/stream.c). Byte 0 sets the
 * chunk size; the rest is the stream. Fed whole and in chunks. Invariants:
 * no crash or leak; every line handed out is at most DOCKER_MAX_LOG_LINE
 * bytes on stream 1 or 2; both feeds hand out the same lines (count and a
 * running hash) and fail alike; docker_log_text() of every line is
 * terminated within its buffer and holds no newline.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/docker/docker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	unsigned long n;
	unsigned long long hash;
};

static void
on_line(int stream, const char *line, size_t len, void *arg)
{
	struct seen *s = arg;
	size_t i;

	char text[256];

	if ((stream != 1 && stream != 2) || len > DOCKER_MAX_LOG_LINE)
		abort();
	/* what the TUI shows of it: bounded, terminated, one line */
	if (docker_log_text(line, len, text, sizeof text) >= sizeof text ||
	    memchr(text, '\n', strlen(text)) != NULL)
		abort();
	s->n++;
	s->hash = s->hash * 31 + (unsigned long long)stream;
	for (i = 0; i < len; i++)
		s->hash = s->hash * 131 + (unsigned char)line[i];
	s->hash = s->hash * 7 + 10;
}

static int
feed(const char *buf, size_t len, size_t chunk, struct seen *s)
{
	struct docker_demux m;
	char err[128];
	size_t at = 0;
	int rc = 0;

	memset(s, 0, sizeof *s);
	docker_demux_init(&m);
	while (at < len && rc == 0) {
		size_t n = len - at < chunk ? len - at : chunk;

		rc = docker_demux_feed(&m, buf + at, n, on_line, s, err,
		    sizeof err);
		at += n;
	}
	if (rc == 0)
		docker_demux_flush(&m, on_line, s);
	docker_demux_done(&m);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen a, b;
	int ra, rb;

	if (size < 1)
		return 0;
	ra = feed((const char *)data + 1, size - 1, size, &a);
	rb = feed((const char *)data + 1, size - 1, (size_t)data[0] % 32 + 1,
	    &b);
	/* lines cut at DOCKER_MAX_LOG_LINE land alike whatever the chunks */
	if (ra != rb || (ra == 0 && (a.n != b.n || a.hash != b.hash)))
		abort();
	return 0;
}
