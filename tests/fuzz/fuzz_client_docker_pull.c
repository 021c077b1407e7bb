/*
 * tests/fuzz/fuzz_client_docker_pull.c: the pull progress stream parser
 * (docker_pull_feed in client/docker/stream.c). Byte 0 sets the chunk size
 * the stream arrives in (curl may split it anywhere); the rest is the
 * stream. The same bytes are fed whole and in chunks. Invariants: no crash
 * or leak; layer count, status and digest stay bounded and NUL-terminated;
 * bytes_done never exceeds bytes_total; both feeds end in the same result
 * (code, layers, bytes, finished).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/docker/docker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum client_rc
feed(struct docker_pull_progress *p, const char *buf, size_t len,
    size_t chunk)
{
	char err[256];
	enum client_rc rc = CLIENT_OK;
	size_t at = 0, i;

	err[0] = '\0';
	docker_pull_progress_init(p);
	while (at < len && rc == CLIENT_OK) {
		size_t n = len - at < chunk ? len - at : chunk;

		rc = docker_pull_feed(p, buf + at, n, err, sizeof err);
		if (memchr(err, '\0', sizeof err) == NULL)
			abort();
		at += n;
	}
	if (p->n_layers > DOCKER_MAX_LAYERS || p->layers_done > p->n_layers ||
	    p->bytes_done > p->bytes_total ||
	    memchr(p->status, '\0', sizeof p->status) == NULL ||
	    memchr(p->digest, '\0', sizeof p->digest) == NULL)
		abort();
	for (i = 0; i < p->n_layers; i++)
		if (memchr(p->layers[i].id, '\0', sizeof p->layers[i].id) ==
		    NULL)
			abort();
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_pull_progress *a, *b;
	enum client_rc ra, rb;
	size_t chunk;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	a = malloc(sizeof *a);
	b = malloc(sizeof *b);
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return 0;
	}
	ra = feed(a, (const char *)data + 1, size - 1, size);
	rb = feed(b, (const char *)data + 1, size - 1, chunk);
	if (ra != rb || (ra == CLIENT_OK && (a->n_layers != b->n_layers ||
	    a->bytes_done != b->bytes_done || a->finished != b->finished ||
	    strcmp(a->status, b->status) != 0)))
		abort();
	docker_pull_progress_done(a);
	docker_pull_progress_done(b);
	free(a);
	free(b);
	return 0;
}
