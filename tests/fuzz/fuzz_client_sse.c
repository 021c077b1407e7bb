/*
 * tests/fuzz/fuzz_client_sse.c: the prediction stream's event-stream
 * (SSE) parser in client/replicate/replicate_req.c (static, so the file is
 * included; nothing else of the archive's copy is then pulled in). Byte 0
 * sets the chunk size the stream arrives in; the rest is the stream. The
 * same bytes are fed once whole and once in chunks, as curl may split
 * them anywhere. Invariants: no crash or leak; the line and event buffers
 * stay under SSE_MAX_EVENT and the names NUL-terminated; logs and outputs
 * within the prediction limits; both feeds end in the same state (outputs,
 * logs, error, done and its reason).
 */
#include "client/replicate/replicate_follow.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct follow *f)
{
	size_t i;

	if (f->line_len >= SSE_MAX_EVENT || f->data_len > SSE_MAX_EVENT ||
	    memchr(f->event, '\0', sizeof f->event) == NULL ||
	    memchr(f->last_id, '\0', sizeof f->last_id) == NULL ||
	    memchr(f->done_reason, '\0', sizeof f->done_reason) == NULL ||
	    f->live.n_outputs > PREDICTION_MAX_OUTPUTS ||
	    f->live.logs_len > PREDICTION_MAX_LOG_BYTES ||
	    (f->live.logs != NULL && strlen(f->live.logs) > f->live.logs_len))
		abort();
	for (i = 0; i < f->live.n_outputs; i++)
		if (f->live.outputs[i].value == NULL)
			abort();
}

static void
feed(struct follow *f, const char *buf, size_t len, size_t chunk)
{
	size_t at = 0;

	memset(f, 0, sizeof *f);
	f->live.status = PREDICTION_STARTING;
	f->ptimer = 1;	/* a PROGRESS "pending": no client timer needed */
	while (at < len) {
		size_t n = len - at < chunk ? len - at : chunk;
		bool more = sse_data(NULL, 0, buf + at, n, f);

		check(f);
		at += n;
		if (!more)
			break;
	}
}

static void
release(struct follow *f)
{
	prediction_done(&f->live);
	free(f->line);
	free(f->data);
}

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct follow whole, parts;
	size_t chunk, i;

	if (size < 1)
		return 0;
	chunk = (size_t)(data[0] % 16) + 1;
	feed(&whole, (const char *)data + 1, size - 1, size);
	feed(&parts, (const char *)data + 1, size - 1, chunk);
	if (!whole.sse_overflow && !parts.sse_overflow) {
		if (whole.got_done != parts.got_done ||
		    strcmp(whole.done_reason, parts.done_reason) != 0 ||
		    strcmp(whole.last_id, parts.last_id) != 0 ||
		    whole.live.status != parts.live.status ||
		    whole.live.n_outputs != parts.live.n_outputs ||
		    whole.live.logs_len != parts.live.logs_len ||
		    !same_str(whole.live.logs, parts.live.logs) ||
		    !same_str(whole.live.error, parts.live.error))
			abort();
		for (i = 0; i < whole.live.n_outputs; i++)
			if (strcmp(whole.live.outputs[i].value,
			    parts.live.outputs[i].value) != 0)
				abort();
	}
	release(&whole);
	release(&parts);
	return 0;
}
