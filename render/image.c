/*
 * render/image.c: the one stb_image translation unit, plus WebP through
 * libwebp. Limits are checked against the header (stbi_info_from_memory,
 * WebPGetInfo) before any pixel is decoded, so a header claiming
 * 100000x100000 costs nothing.
 */
#include "render/image.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_GIF
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS IMAGE_MAX_DIM
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

const char *
image_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (p == NULL)
		return NULL;
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "png";
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "jpeg";
	if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0))
		return "gif";
	if (len >= 2 && p[0] == 'B' && p[1] == 'M')
		return "bmp";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return "webp";
	return NULL;
}

static int
check_size(const char *fmt, long w, long h, char *err, size_t errsz)
{
	if (w <= 0 || h <= 0) {
		seterr(err, errsz, "%s: bad dimensions %ldx%ld", fmt, w, h);
		return -1;
	}
	if (w > IMAGE_MAX_DIM || h > IMAGE_MAX_DIM) {
		seterr(err, errsz, "%s: %ldx%ld exceeds the %d px limit", fmt,
		    w, h, IMAGE_MAX_DIM);
		return -1;
	}
	if (w * h > IMAGE_MAX_PIXELS) {
		seterr(err, errsz, "%s: %ldx%ld exceeds the %ld pixel budget",
		    fmt, w, h, (long)IMAGE_MAX_PIXELS);
		return -1;
	}
	return 0;
}

struct image *
image_new(int w, int h, char *err, size_t errsz)
{
	struct image *img;

	if (check_size("image", w, h, err, errsz) != 0)
		return NULL;
	img = calloc(1, sizeof *img);
	if (img == NULL || (img->rgb = calloc((size_t)w * (size_t)h, 3)) ==
	    NULL) {
		free(img);
		seterr(err, errsz, "out of memory for %dx%d image", w, h);
		return NULL;
	}
	img->w = w;
	img->h = h;
	return img;
}

void
image_free(struct image *img)
{
	if (img == NULL)
		return;
	free(img->rgb);
	free(img);
}

/* src: n pixels of RGBA; dst: RGB composited on bg. */
static void
composite(unsigned char *dst, const unsigned char *src, size_t n,
    uint32_t bg)
{
	unsigned bgc[3] = { (bg >> 16) & 0xff, (bg >> 8) & 0xff, bg & 0xff };
	size_t i;
	int c;

	for (i = 0; i < n; i++, src += 4, dst += 3) {
		unsigned a = src[3];

		for (c = 0; c < 3; c++)
			dst[c] = (unsigned char)((src[c] * a +
			    bgc[c] * (255 - a) + 127) / 255);
	}
}

static struct image *
decode_webp(const unsigned char *p, size_t len, uint32_t bg, char *err,
    size_t errsz)
{
	WebPBitstreamFeatures feat;
	struct image *img;
	unsigned char *rgba;
	int w, h;

	if (WebPGetInfo(p, len, &w, &h) == 0 ||
	    WebPGetFeatures(p, len, &feat) != VP8_STATUS_OK) {
		seterr(err, errsz, "webp: truncated or corrupt header");
		return NULL;
	}
	if (check_size("webp", w, h, err, errsz) != 0)
		return NULL;
	if (feat.has_animation) {
		seterr(err, errsz, "webp: animated WebP is not supported");
		return NULL;
	}
	if ((img = image_new(w, h, err, errsz)) == NULL)
		return NULL;
	if (!feat.has_alpha) {
		if (WebPDecodeRGBInto(p, len, img->rgb, (size_t)w * h * 3,
		    w * 3) == NULL)
			goto corrupt;
		return img;
	}
	if ((rgba = malloc((size_t)w * h * 4)) == NULL) {
		image_free(img);
		seterr(err, errsz, "out of memory for %dx%d image", w, h);
		return NULL;
	}
	if (WebPDecodeRGBAInto(p, len, rgba, (size_t)w * h * 4, w * 4) ==
	    NULL) {
		free(rgba);
		goto corrupt;
	}
	composite(img->rgb, rgba, (size_t)w * h, bg);
	free(rgba);
	return img;
corrupt:
	image_free(img);
	seterr(err, errsz, "webp: truncated or corrupt data");
	return NULL;
}

/*
 * Dimensions from the header, read here rather than trusted to
 * stbi_info_from_memory(), which tries every format in turn and so loses
 * the reason ("too large") for the one that matched. 0 if found.
 */
static int
header_size(const char *fmt, const unsigned char *p, size_t len, long *w,
    long *h)
{
	size_t i;

	if (strcmp(fmt, "png") == 0 && len >= 24 &&
	    memcmp(p + 12, "IHDR", 4) == 0) {
		*w = (long)((unsigned long)p[16] << 24 | (unsigned long)p[17] <<
		    16 | (unsigned long)p[18] << 8 | p[19]);
		*h = (long)((unsigned long)p[20] << 24 | (unsigned long)p[21] <<
		    16 | (unsigned long)p[22] << 8 | p[23]);
		return 0;
	}
	if (strcmp(fmt, "gif") == 0 && len >= 10) {
		*w = p[6] | p[7] << 8;
		*h = p[8] | p[9] << 8;
		return 0;
	}
	if (strcmp(fmt, "bmp") == 0 && len >= 26) {
		int32_t bw = (int32_t)((uint32_t)p[18] | (uint32_t)p[19] << 8 |
		    (uint32_t)p[20] << 16 | (uint32_t)p[21] << 24);
		int32_t bh = (int32_t)((uint32_t)p[22] | (uint32_t)p[23] << 8 |
		    (uint32_t)p[24] << 16 | (uint32_t)p[25] << 24);

		*w = bw;
		*h = bh < 0 ? -(long)bh : bh;	/* negative: top-down */
		return 0;
	}
	if (strcmp(fmt, "jpeg") == 0) {
		for (i = 2; i + 9 < len; ) {
			unsigned m;

			if (p[i] != 0xff)
				return -1;
			while (i < len && p[i] == 0xff)
				i++;
			if (i + 8 >= len)
				return -1;
			m = p[i];
			if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
			    m != 0xcc) {
				*h = p[i + 4] << 8 | p[i + 5];
				*w = p[i + 6] << 8 | p[i + 7];
				return 0;
			}
			if (m == 0xda || m == 0xd9)
				return -1;
			i += 1 + (size_t)(p[i + 1] << 8 | p[i + 2]);
		}
	}
	return -1;
}

/*
 * stb_image 2.27 (Debian 12) overflows its Huffman size list when a DHT
 * table's 16 counts add up to more than 256 (fixed upstream in 2.28), and
 * a DHT may come between progressive scans. Walk every marker segment,
 * skipping entropy-coded data, and refuse such tables before stb sees them.
 */
static int
jpeg_check(const unsigned char *p, size_t len)
{
	size_t i = 2;

	while (i + 4 <= len) {
		unsigned m;
		size_t seg, j;

		if (p[i] != 0xff) {
			i++;	/* entropy-coded data */
			continue;
		}
		m = p[i + 1];
		if (m == 0x00 || m == 0xff || (m >= 0xd0 && m <= 0xd7) ||
		    m == 0x01) {
			i += m == 0xff ? 1 : 2;
			continue;
		}
		if (m == 0xd9)
			break;
		seg = (size_t)(p[i + 2] << 8 | p[i + 3]);
		if (seg < 2)
			return -1;
		if (m == 0xc4) {
			/* as stb reads it: tables while the length lasts,
			 * bytes past the end of the input read as 0 */
			long left = (long)seg - 2;

			for (j = i + 4; left > 0 && j < len; ) {
				unsigned n = 0, k;

				for (k = 0; k < 16; k++)
					n += j + 1 + k < len ? p[j + 1 + k] : 0;
				if (n > 256)
					return -1;
				j += 17 + n;
				left -= 17 + (long)n;
			}
		}
		i += 2 + seg;
	}
	return 0;
}

static struct image *
decode_stb(const char *fmt, const unsigned char *p, size_t len, uint32_t bg,
    char *err, size_t errsz)
{
	struct image *img;
	unsigned char *px;
	int w, h, comp, n;
	long hw, hh;

	if (header_size(fmt, p, len, &hw, &hh) == 0 &&
	    check_size(fmt, hw, hh, err, errsz) != 0)
		return NULL;
	if (strcmp(fmt, "jpeg") == 0 && jpeg_check(p, len) != 0) {
		seterr(err, errsz, "jpeg: corrupt Huffman table");
		return NULL;
	}
	if (stbi_info_from_memory(p, (int)len, &w, &h, &comp) == 0) {
		seterr(err, errsz, "%s: truncated or corrupt header", fmt);
		return NULL;
	}
	if (check_size(fmt, w, h, err, errsz) != 0)
		return NULL;
	/* alpha is composited by us; grey and RGB decode straight to RGB */
	n = (comp == 2 || comp == 4) ? 4 : 3;
	px = stbi_load_from_memory(p, (int)len, &w, &h, &comp, n);
	if (px == NULL) {
		const char *why = stbi_failure_reason();

		seterr(err, errsz, "%s: truncated or corrupt data (%s)", fmt,
		    why ? why : "unknown");
		return NULL;
	}
	if (check_size(fmt, w, h, err, errsz) != 0 ||
	    (img = calloc(1, sizeof *img)) == NULL) {
		stbi_image_free(px);
		if (err && errsz && err[0] == '\0')
			seterr(err, errsz, "out of memory");
		return NULL;
	}
	img->w = w;
	img->h = h;
	if (n == 3) {
		img->rgb = px;	/* stb allocates with malloc: free() is fine */
		return img;
	}
	if ((img->rgb = malloc((size_t)w * h * 3)) == NULL) {
		stbi_image_free(px);
		free(img);
		seterr(err, errsz, "out of memory for %dx%d image", w, h);
		return NULL;
	}
	composite(img->rgb, px, (size_t)w * h, bg);
	stbi_image_free(px);
	return img;
}

struct image *
image_decode(const void *data, size_t len, uint32_t bg, char *err,
    size_t errsz)
{
	const char *fmt;

	if (err && errsz)
		err[0] = '\0';
	if (data == NULL || len == 0) {
		seterr(err, errsz, "empty image");
		return NULL;
	}
	if (len > (size_t)IMAGE_MAX_INPUT) {
		seterr(err, errsz, "image of %zu bytes exceeds the %ld byte "
		    "limit", len, (long)IMAGE_MAX_INPUT);
		return NULL;
	}
	if ((fmt = image_sniff(data, len)) == NULL) {
		seterr(err, errsz, "unknown image format (not PNG, JPEG, GIF, "
		    "BMP or WebP)");
		return NULL;
	}
	if (strcmp(fmt, "webp") == 0)
		return decode_webp(data, len, bg, err, errsz);
	return decode_stb(fmt, data, len, bg, err, errsz);
}
