/* tui/cli/stream.c: see stream.h. */
#include "tui/cli/stream.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cli/out.h"

void
out_stream_init(struct out_stream *st, FILE *fp, bool raw)
{
	memset(st, 0, sizeof *st);
	st->fp = fp;
	st->raw = raw;
}

/* n, less a UTF-8 sequence cut at s[n] (its lead byte and what follows). */
static size_t
whole_utf8(const char *s, size_t n)
{
	size_t i = n, need;
	unsigned char c;

	while (i > 0 && n - i < 4 &&
	    ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return n;
	c = (unsigned char)s[i - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (c >= 0xc0 && n - (i - 1) < need)
		return i - 1;
	return n;
}

/* Write text[st->len..upto) and remember it. */
static void
put_more(struct out_stream *st, const char *text, size_t upto)
{
	char *p;

	if (upto <= st->len)
		return;
	p = realloc(st->done, upto);
	if (p == NULL) {
		st->broken = true;
		return;
	}
	memcpy(p + st->len, text + st->len, upto - st->len);
	out_payload(st->fp, text + st->len, upto - st->len, st->raw);
	fflush(st->fp);
	st->done = p;
	st->len = upto;
}

void
out_stream_feed(struct out_stream *st, const char *text)
{
	size_t n;

	if (text == NULL || st->broken)
		return;
	n = strlen(text);
	if (n <= st->len || (st->len > 0 &&
	    memcmp(text, st->done, st->len) != 0))
		return;		/* not an extension: the end says it all */
	put_more(st, text, whole_utf8(text, n));
}

void
out_stream_break(struct out_stream *st)
{
	if (st->len == 0 || st->len == st->cut_at ||
	    st->done[st->len - 1] == '\n' || !isatty(fileno(st->fp)))
		return;
	fputc('\n', st->fp);
	fflush(st->fp);
	st->cut_at = st->len;
}

void
out_stream_end(struct out_stream *st, const char *text)
{
	size_t n = text != NULL ? strlen(text) : 0;

	if (st->len > 0 && (n < st->len || st->broken ||
	    memcmp(text, st->done, st->len) != 0)) {
		/* what was written is not its start: the value in full */
		if (st->done[st->len - 1] != '\n')
			fputc('\n', st->fp);
		if (n > 0)
			out_payload(st->fp, text, n, st->raw);
	} else if (n > 0) {
		size_t from = st->len;

		out_payload(st->fp, text + from, n - from, st->raw);
	}
	if (n > 0 && text[n - 1] != '\n')
		fputc('\n', st->fp);
	else if (n == 0 && st->len > 0 && st->done[st->len - 1] != '\n')
		fputc('\n', st->fp);
	fflush(st->fp);
}

void
out_stream_done(struct out_stream *st)
{
	free(st->done);
	st->done = NULL;
	st->len = 0;
}
