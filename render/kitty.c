/*
 * render/kitty.c: kitty graphics protocol output. PNG because every
 * terminal that speaks the protocol decodes it and it is compressed (over
 * SSH raw RGB would be 3-4x larger); written by stb_image_write, whose
 * implementation lives only here, compiled static (no global symbols).
 */
#include "render/kitty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/buf.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBI_WRITE_NO_STDIO
#if defined(__GNUC__)
/* left off for the file: stb declares static functions it never defines */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void
png_sink(void *ctx, void *data, int size)
{
	if (size > 0)
		rbuf_put(ctx, data, (size_t)size);
}

int
kitty_png_encode(const unsigned char *rgb, int w, int h,
    unsigned char **png, size_t *pnglen, char *err, size_t errsz)
{
	struct rbuf b = { 0 };

	*png = NULL;
	*pnglen = 0;
	if (rgb == NULL || w < 1 || h < 1 || w > 16384 || h > 16384) {
		snprintf(err, errsz, "png: bad image size %dx%d", w, h);
		return -1;
	}
	if (stbi_write_png_to_func(png_sink, &b, w, h, 3, rgb, w * 3) == 0 ||
	    b.failed) {
		rbuf_done(&b);
		snprintf(err, errsz, "png: encoding %dx%d failed", w, h);
		return -1;
	}
	*png = b.data;
	*pnglen = b.len;
	return 0;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of n bytes into o (4 * ceil(n / 3) bytes); returns the length. */
static size_t
base64(char *o, const unsigned char *p, size_t n)
{
	char *start = o;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 |
		    p[i + 2];

		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
		*o++ = b64[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16 |
		    (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);

		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	return (size_t)(o - start);
}

int
kitty_encode(const unsigned char *png, size_t pnglen, unsigned id,
    unsigned char **out, size_t *outlen, char *err, size_t errsz)
{
	/* KITTY_CHUNK base64 characters carry this many input bytes */
	const size_t per = KITTY_CHUNK / 4 * 3;
	struct rbuf b = { 0 };
	size_t off = 0;
	char head[64];

	*out = NULL;
	*outlen = 0;
	if (png == NULL || pnglen == 0) {
		snprintf(err, errsz, "kitty: no image data");
		return -1;
	}
	if (id == 0)
		id = 1;
	do {
		size_t n = pnglen - off < per ? pnglen - off : per;
		int more = off + n < pnglen;

		if (off == 0)
			snprintf(head, sizeof head,
			    "\033_Ga=T,f=100,i=%u,q=2,C=1,m=%d;", id, more);
		else
			snprintf(head, sizeof head, "\033_Gm=%d;", more);
		rbuf_puts(&b, head);
		if (!rbuf_reserve(&b, KITTY_CHUNK + 2))
			break;
		b.len += base64((char *)b.data + b.len, png + off, n);
		rbuf_puts(&b, "\033\\");
		off += n;
	} while (off < pnglen);
	if (b.failed) {
		rbuf_done(&b);
		snprintf(err, errsz, "kitty: out of memory or over %u bytes",
		    RBUF_MAX);
		return -1;
	}
	*out = b.data;
	*outlen = b.len;
	return 0;
}

size_t
kitty_delete(unsigned id, char *buf, size_t bufsz)
{
	int n = snprintf(buf, bufsz, "\033_Ga=d,d=I,i=%u,q=2\033\\",
	    id ? id : 1);

	return n < 0 ? 0 : (size_t)n < bufsz ? (size_t)n : bufsz - 1;
}
