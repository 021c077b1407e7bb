/* tui/cli/out.c: see out.h. */
#include "tui/cli/out.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "widgets/tw.h"

/* Length of the valid UTF-8 sequence at s, or 0 (invalid, overlong,
 * surrogate, truncated). */
static size_t
utf8_len(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* The body of a JSON string (no quotes); returns the bytes consumed. */
static void
json_chars(FILE *fp, const char *str, size_t len, bool keep_escapes)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (keep_escapes && s[i] == '\\' && i + 1 < len) {
			/* an escape of the server's: as it is */
			fputc('\\', fp);
			fputc(s[i + 1], fp);
			i += 2;
			continue;
		}
		n = utf8_len(s + i, len - i, &cp);
		if (n == 0) {
			fprintf(fp, "\\u%04x", s[i]);	/* a stray byte */
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(fp, "\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", fp);
		else if (cp == '\t')
			fputs("\\t", fp);
		else if (cp == '\r')
			fputs("\\r", fp);
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			fprintf(fp, "\\u%04x", (unsigned)cp);
		else
			fwrite(s + i, 1, n, fp);
		i += n;
	}
}

void
out_json_strn(FILE *fp, const char *s, size_t len)
{
	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	json_chars(fp, s, len, false);
	fputc('"', fp);
}

void
out_json_str(FILE *fp, const char *s)
{
	out_json_strn(fp, s, s != NULL ? strlen(s) : 0);
}

void
out_json_raw(FILE *fp, const char *s)
{
	const char *p, *start;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	for (p = s; *p != '\0';) {
		if (*p != '"') {
			/* outside strings JSON is ASCII: drop anything else */
			if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
				fputc(*p, fp);
			else if (*p == '\n' || *p == '\t' || *p == '\r')
				fputc(*p, fp);
			p++;
			continue;
		}
		start = ++p;
		while (*p != '\0' && *p != '"') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			p++;
		}
		fputc('"', fp);
		json_chars(fp, start, (size_t)(p - start), true);
		fputc('"', fp);
		if (*p == '"')
			p++;
	}
}

void
out_json_num(FILE *fp, double v)
{
	if (v < 0 || !isfinite(v))
		fputs("null", fp);
	else
		fprintf(fp, "%.10g", v);
}

void
out_json_uint(FILE *fp, unsigned long long v)
{
	fprintf(fp, "%llu", v);
}

#define OUT_CHUNK 4096

/* Sanitise s[0..len) in chunks that never cut a UTF-8 sequence. */
static void
sanitized(FILE *fp, const char *s, size_t len, int flat)
{
	char buf[OUT_CHUNK * TW_EXPAND + 1];

	while (len > 0) {
		size_t k = len > OUT_CHUNK ? OUT_CHUNK : len;

		while (k < len && k > OUT_CHUNK - 4 &&
		    ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
		tw_sanitize(s, k, buf, sizeof buf, flat);
		fputs(buf, fp);
		s += k;
		len -= k;
	}
}

void
out_text(FILE *fp, const char *s, size_t len)
{
	while (len > 0) {
		size_t n = 0;

		while (n < len && s[n] != '\n' && s[n] != '\t' && s[n] != '\r')
			n++;
		sanitized(fp, s, n, 0);
		if (n < len) {
			fputc(s[n] == '\t' ? '\t' : '\n', fp);
			/* CRLF is one newline */
			if (s[n] == '\r' && n + 1 < len && s[n + 1] == '\n')
				n++;
			n++;
		}
		s += n;
		len -= n;
	}
}

void
out_flat(FILE *fp, const char *s)
{
	if (s != NULL)
		sanitized(fp, s, strlen(s), 1);
}

const char *
out_safe_str(const char *s, char *buf, size_t n)
{
	if (n == 0)
		return "";
	tw_sanitize(s != NULL ? s : "", s != NULL ? strlen(s) : 0, buf, n, 1);
	return buf;
}

void
out_payload(FILE *fp, const char *s, size_t len, bool raw)
{
	if (raw)
		fwrite(s, 1, len, fp);
	else
		out_text(fp, s, len);
}

void
out_err(const char *cmd, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fputs("r8play", stderr);
	if (cmd != NULL) {
		fputc(' ', stderr);
		fputs(cmd, stderr);
	}
	fputs(": ", stderr);
	out_flat(stderr, msg);
	fputc('\n', stderr);
}
