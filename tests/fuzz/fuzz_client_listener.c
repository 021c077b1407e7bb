/*
 * tests/fuzz/fuzz_client_listener.c: the webhook listener's HTTP request
 * parser (listener_request_parse, listener_target_token) and the Cog
 * bodies parsed next to it (health-check, 422 detail lines). The first
 * byte picks the target and the size limit (cJSON's fuzzer trick).
 * Invariants: offsets stay inside the input and under the limit, strings
 * are NUL-terminated, tokens hold only [A-Za-z0-9._-].
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/cog/cog.h"
#include "client/net/listener.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
fuzz_request(const char *buf, size_t len, size_t max)
{
	struct listener_request rq;
	enum listener_parse pr;
	char tok[LISTENER_MAX_TOKEN + 1];
	size_t i;

	pr = listener_request_parse(buf, len, max, &rq);
	check(memchr(rq.method, '\0', sizeof rq.method) != NULL);
	check(memchr(rq.target, '\0', sizeof rq.target) != NULL);
	check(rq.head_len <= len);
	if (pr == LISTENER_PARSE_DONE) {
		check(rq.head_len > 0);
		check(rq.head_len + rq.body_len <= len);
		check(rq.head_len + rq.body_len <= max);
		check(rq.head_len <= LISTENER_MAX_HEADER_BYTES);
		check(rq.method[0] != '\0' && rq.target[0] != '\0');
	}
	if (pr == LISTENER_PARSE_BODY_BIG)
		check(rq.has_length);
	if (listener_target_token(rq.target, tok, sizeof tok)) {
		check(tok[0] != '\0' && strlen(tok) <= LISTENER_MAX_TOKEN);
		for (i = 0; tok[i]; i++)
			check(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
			    "OPQRSTUVWXYZ0123456789._-", tok[i]) != NULL);
	}
	/* every prefix parses too, and never claims more than it has */
	if (len > 1) {
		pr = listener_request_parse(buf, len / 2, max, &rq);
		check(rq.head_len <= len / 2);
		if (pr == LISTENER_PARSE_DONE)
			check(rq.head_len + rq.body_len <= len / 2);
	}
}

static void
fuzz_bodies(const char *buf, size_t len, unsigned sel)
{
	struct cog_health h;
	const char *lines[16];
	char lb[512], err[256];
	size_t n, i;

	if (sel & 1) {
		if (cog_health_parse(sel & 2 ? 503 : 200, buf, len, &h, err,
		    sizeof err) == CLIENT_OK)
			check((unsigned)h.state < COG_HEALTH__COUNT);
		else
			check(memchr(err, '\0', sizeof err) != NULL &&
			    h.status_text == NULL);
		cog_health_done(&h);
	} else {
		n = cog_validation_lines(buf, len, lb, sizeof lb, lines, 16);
		check(n <= 16);
		for (i = 0; i < n; i++) {
			check(lines[i] >= lb && lines[i] < lb + sizeof lb);
			check(memchr(lines[i], '\0',
			    (size_t)(lb + sizeof lb - lines[i])) != NULL);
			check(strpbrk(lines[i], "\n\r\x1b") == NULL);
		}
		cog_problem("fuzz", 422, buf, len, err, sizeof err);
		check(memchr(err, '\0', sizeof err) != NULL);
		check(strpbrk(err, "\n\r\x1b") == NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[] = { 64, 4096, LISTENER_MAX_HEADER_BYTES,
	    LISTENER_MAX_REQUEST_BYTES };
	char *buf;
	unsigned sel;

	if (size < 1)
		return 0;
	sel = data[0];
	/* a copy without slack, so ASan sees any read past the end */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if ((sel & 0xc0) != 0xc0)
		fuzz_request(buf, size - 1, limits[sel & 3]);
	else
		fuzz_bodies(buf, size - 1, sel);
	free(buf);
	return 0;
}
