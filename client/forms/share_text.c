/*
 * client/forms/share_text.c: the text of every export: a growing buffer,
 * the one shell quoting (share_buf_sq) and inert JSON (share_json_print).
 * Internal to client/forms/share.c; see share_text.h.
 */
#include "client/forms/share_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/forms/share.h"

/* ---- growing buffer ---- */

void
share_buf_addn(struct share_buf *b, const char *s, size_t n)
{
	char *np;
	size_t cap;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->n + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
share_buf_add(struct share_buf *b, const char *s)
{
	share_buf_addn(b, s, strlen(s));
}

void
share_buf_addf(struct share_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		share_buf_addn(b, tmp, (size_t)n);
		return;
	}
	b->oom = true;	/* only short fixed texts go through here */
}

/*
 * Length of the character at s[0..n) (1..4 bytes), with *bad set when it
 * must never reach a terminal raw through an export (pasted, copied with
 * OSC 52, or shown): C0 controls but tab and newline, DEL, C1 controls
 * (U+0080-U+009F), the bidi overrides U+202A-U+202E and U+2066-U+2069, and
 * any byte that is not part of valid UTF-8 (length 1).
 */
static size_t
char_len(const unsigned char *s, size_t n, bool *bad)
{
	unsigned c = s[0];
	size_t len, i;

	*bad = true;
	if (c < 0x80) {
		*bad = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 1;
	if (len > n)
		return 1;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 1;	/* overlong, surrogate, past U+10FFFF */
	/* C1; bidi embedding, override, isolate */
	*bad = (c == 0xc2 && s[1] <= 0x9f) || (c == 0xe2 &&
	    ((s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) ||
	    (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)));
	return len;
}

/*
 * The one shell quoting of every export: s[0..n) as the body of a word
 * already inside single quotes ('...'). A quote becomes '\'' and a run of
 * unsafe characters (char_len) leaves the quotes for "$(printf '\NNN...')",
 * POSIX sh, so the pasted text carries no control byte yet the command
 * receives the exact bytes. Nothing in s is ever expanded by the shell.
 */
void
share_buf_sq_body(struct share_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	bool bad;

	while (i < n) {
		if (s[i] == '\'') {
			share_buf_addn(b, s + start, i - start);
			share_buf_add(b, "'\\''");
			start = ++i;
			continue;
		}
		k = char_len(u + i, n - i, &bad);
		if (!bad) {
			i += k;
			continue;
		}
		share_buf_addn(b, s + start, i - start);
		share_buf_add(b, "'\"$(printf '");
		do {
			while (k-- > 0)
				share_buf_addf(b, "\\%03o", u[i++]);
		} while (i < n && (k = char_len(u + i, n - i, &bad)) > 0 &&
		    bad);
		share_buf_add(b, "')\"'");
		start = i;
	}
	share_buf_addn(b, s + start, n - start);
}

void
share_buf_sq(struct share_buf *b, const char *s)
{
	share_buf_add(b, "'");
	share_buf_sq_body(b, s, strlen(s));
	share_buf_add(b, "'");
}

/*
 * JSON text (cJSON's print) made inert: cJSON escapes C0 but leaves DEL,
 * C1, bidi overrides and invalid bytes raw; each becomes \u00XX / \u20XX
 * (an invalid byte B is read as U+00B). Valid JSON, Python and JavaScript
 * string literal text. Takes ownership of text; NULL when out of memory.
 */
static char *
json_inert(char *text)
{
	const unsigned char *u = (const unsigned char *)text;
	struct share_buf o = { NULL, 0, 0, false };
	size_t i = 0, start = 0, n, k;
	bool bad;

	if (text == NULL)
		return NULL;
	n = strlen(text);
	while (i < n) {
		k = char_len(u + i, n - i, &bad);
		if (!bad) {
			i += k;
			continue;
		}
		share_buf_addn(&o, text + start, i - start);
		if (k == 2)
			share_buf_addf(&o, "\\u%04x", (unsigned)(u[i] & 0x1f) << 6 |
			    (u[i + 1] & 0x3f));
		else if (k == 3)
			share_buf_addf(&o, "\\u%04x", (unsigned)(u[i] & 0x0f) << 12 |
			    (unsigned)(u[i + 1] & 0x3f) << 6 |
			    (u[i + 2] & 0x3f));
		else
			share_buf_addf(&o, "\\u%04x", u[i]);
		i += k;
		start = i;
	}
	share_buf_addn(&o, text + start, n - start);
	free(text);
	if (o.oom || o.p == NULL) {
		free(o.p);
		return o.oom ? NULL : strdup("");
	}
	return o.p;
}

/* cJSON_PrintUnformatted, inert (json_inert); caller frees. */
char *
share_json_print(const cJSON *v)
{
	return json_inert(cJSON_PrintUnformatted(v));
}

char *
share_sh_quote(const char *s)
{
	struct share_buf b = { NULL, 0, 0, false };

	share_buf_sq(&b, s != NULL ? s : "");
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
