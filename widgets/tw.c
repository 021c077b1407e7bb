/* widgets/tw.c: UTF-8 decoding, display width, sanitising, fitting. */
#include "widgets/tw.h"

#include <string.h>
#include <wchar.h>

size_t
tw_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	if (len == 0)
		return 0;
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (len < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

static int
is_c0(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f;
}

/*
 * Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
 * invisible, and they reorder what follows (a file name "x\u202Egnp.exe"
 * reads "xexe.png"). Untrusted text shows them as U+FFFD instead.
 */
static int
is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069);
}

int
tw_cp_width(uint32_t cp)
{
	int w;

	if (is_c0(cp))
		return 2;
	if ((cp >= 0x80 && cp < 0xa0) || is_bidi(cp))
		return 1;		/* shown as U+FFFD */
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
tw_width_n(const char *s, size_t len)
{
	uint32_t cp;
	size_t n;
	int w = 0;

	while (len > 0 && (n = tw_decode(s, len, &cp)) > 0) {
		w += tw_cp_width(cp);
		s += n;
		len -= n;
	}
	return w;
}

int
tw_width(const char *s)
{
	return s ? tw_width_n(s, strlen(s)) : 0;
}

/* Sanitised bytes for one code point into b (at most 4 bytes + NUL). */
static size_t
put_cp(uint32_t cp, char *b, int flat)
{
	if (flat && (cp == '\t' || cp == '\n' || cp == '\r')) {
		b[0] = ' ';
		return 1;
	}
	if (is_c0(cp)) {
		b[0] = '^';
		b[1] = cp == 0x7f ? '?' : (char)(cp + 0x40);
		return 2;
	}
	if ((cp >= 0x80 && cp < 0xa0) || cp == 0xfffd || is_bidi(cp) ||
	    wcwidth((wchar_t)cp) < 0)
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | (cp >> 18));
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Width of the sanitised output of cp (flat rule applied). */
static int
out_width(uint32_t cp, int flat)
{
	if (flat && (cp == '\t' || cp == '\n' || cp == '\r'))
		return 1;
	return tw_cp_width(cp);
}

size_t
tw_sanitize(const char *s, size_t len, char *out, size_t outsz, int flat)
{
	size_t o = 0, n, k;
	uint32_t cp;
	char b[4];

	if (outsz == 0)
		return 0;
	while (len > 0 && (n = tw_decode(s, len, &cp)) > 0) {
		k = put_cp(cp, b, flat);
		if (o + k >= outsz)
			break;
		memcpy(out + o, b, k);
		o += k;
		s += n;
		len -= n;
	}
	out[o] = '\0';
	return o;
}

int
tw_fit(const char *s, int cols, char *out, size_t outsz, int pad)
{
	static const char ell[] = "\xe2\x80\xa6";	/* … */
	size_t len, o = 0, n, k, mark = 0;
	int w = 0, wmark = 0, cw;
	uint32_t cp;
	char b[4];
	int total;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	if (cols <= 0)
		return 0;
	if (s == NULL)
		s = "";
	len = strlen(s);
	/* tabs/newlines become 1-cell spaces in flat mode */
	total = 0;
	{
		const char *p = s;
		size_t l = len;

		while (l > 0 && (n = tw_decode(p, l, &cp)) > 0) {
			total += out_width(cp, 1);
			p += n;
			l -= n;
		}
	}
	while (len > 0 && (n = tw_decode(s, len, &cp)) > 0) {
		cw = out_width(cp, 1);
		if (total > cols && w + cw > cols - 1)
			break;
		if (w + cw > cols)
			break;
		k = put_cp(cp, b, 1);
		/* room kept for what still follows: the ellipsis and the
		 * padding (zero-width marks would otherwise fill out) */
		if (o + k + (total > cols ? 3 : 0) + (size_t)(pad ?
		    cols - (w + cw) : 0) >= outsz)
			break;
		memcpy(out + o, b, k);
		o += k;
		w += cw;
		s += n;
		len -= n;
		mark = o;
		wmark = w;
	}
	o = mark;
	w = wmark;
	if (total > cols && o + 3 < outsz) {
		memcpy(out + o, ell, 3);
		o += 3;
		w++;
	}
	while (pad && w < cols && o + 1 < outsz) {
		out[o++] = ' ';
		w++;
	}
	out[o] = '\0';
	return w;
}

size_t
tw_skip_cols(const char *s, int cols)
{
	size_t len = strlen(s), off = 0, n;
	uint32_t cp;
	int w = 0;

	while (off < len && w < cols &&
	    (n = tw_decode(s + off, len - off, &cp)) > 0) {
		w += tw_cp_width(cp);
		off += n;
	}
	return off;
}
