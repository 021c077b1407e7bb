/*
 * tests/unit/t_render_image.c: decoding every format (the fixture corgi as
 * PNG, JPEG and WebP; BMP and GIF written here), alpha compositing, and
 * refusing corrupt, truncated, oversized and random input quickly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/image.h"
#include "tests/unit/render_t.h"
#include "tests/unit/t.h"

#define CORGI "tests/fixtures/images/sdxl-corgi-512"

static struct image *
load(const char *path, char *err, size_t errsz)
{
	size_t len;
	unsigned char *p = rt_slurp(path, &len);
	struct image *img;

	if (p == NULL) {
		snprintf(err, errsz, "cannot read %s", path);
		return NULL;
	}
	img = image_decode(p, len, 0, err, errsz);
	free(p);
	return img;
}

static void
test_fixtures(void)
{
	char err[256] = "";
	struct image *png = load(CORGI ".png", err, sizeof err);
	struct image *jpg = load(CORGI ".jpg", err, sizeof err);
	struct image *webp = load(CORGI ".webp", err, sizeof err);

	T_OK(png != NULL);
	T_OK(jpg != NULL);
	T_OK(webp != NULL);
	if (!png || !jpg || !webp) {
		printf("     %s\n", err);
		goto out;
	}
	T_EQ(png->w, 512);
	T_EQ(png->h, 512);
	T_EQ(jpg->w, 512);
	T_EQ(webp->h, 512);
	/* same picture: lossy copies stay close to the PNG */
	T_OK(rt_psnr(png->rgb, jpg->rgb, 512 * 512 * 3) > 30);
	T_OK(rt_psnr(png->rgb, webp->rgb, 512 * 512 * 3) > 28);
	/* and not trivially: a flipped picture is far off */
	{
		unsigned char *flip = malloc(512 * 512 * 3);
		int y;

		for (y = 0; y < 512; y++)
			memcpy(flip + (size_t)y * 1536, png->rgb +
			    (size_t)(511 - y) * 1536, 1536);
		T_OK(rt_psnr(flip, jpg->rgb, 512 * 512 * 3) < 20);
		free(flip);
	}
out:
	image_free(png);
	image_free(jpg);
	image_free(webp);
}

static const unsigned char pix6[2][3][3] = {
	{ { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 } },
	{ { 255, 255, 255 }, { 0, 0, 0 }, { 10, 20, 30 } },
};

static void
test_bmp(void)
{
	/* 3x2 24-bit BMP: bottom-up rows, BGR, padded to 4 bytes */
	unsigned char b[54 + 2 * 12];
	char err[256] = "";
	struct image *img;
	int x, y, off = 54;

	memset(b, 0, sizeof b);
	b[0] = 'B';
	b[1] = 'M';
	b[2] = sizeof b;
	b[10] = 54;
	b[14] = 40;
	b[18] = 3;
	b[22] = 2;
	b[26] = 1;
	b[28] = 24;
	for (y = 1; y >= 0; y--) {
		for (x = 0; x < 3; x++) {
			b[off++] = pix6[y][x][2];
			b[off++] = pix6[y][x][1];
			b[off++] = pix6[y][x][0];
		}
		off += 3;
	}
	img = image_decode(b, sizeof b, 0, err, sizeof err);
	T_OK(img != NULL);
	if (img == NULL) {
		printf("     %s\n", err);
		return;
	}
	T_EQ(img->w, 3);
	T_EQ(img->h, 2);
	T_OK(memcmp(img->rgb, pix6, sizeof pix6) == 0);
	image_free(img);
}

/* LZW bit writer for the GIF test: codes LSB first. */
struct bits {
	unsigned char	buf[256];
	int		n, acc, nacc;
};

static void
put_code(struct bits *b, int code, int width)
{
	b->acc |= code << b->nacc;
	b->nacc += width;
	while (b->nacc >= 8) {
		b->buf[b->n++] = (unsigned char)(b->acc & 0xff);
		b->acc >>= 8;
		b->nacc -= 8;
	}
}

static void
test_gif(void)
{
	/* 3x2, 4-colour palette; a clear code every 2 pixels keeps LZW at
	 * 3-bit codes with no dictionary growth that matters */
	static const unsigned char pal[4][3] = {
		{ 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 255 }
	};
	static const int idx[6] = { 0, 1, 2, 3, 0, 2 };
	unsigned char g[128];
	struct bits bw = { .n = 0 };
	char err[256] = "";
	struct image *img;
	int n = 0, i;

	memcpy(g, "GIF89a", 6);
	n = 6;
	g[n++] = 3; g[n++] = 0; g[n++] = 2; g[n++] = 0;
	g[n++] = 0x81;		/* global table, 2^(1+1) = 4 entries */
	g[n++] = 0; g[n++] = 0;
	memcpy(g + n, pal, sizeof pal);
	n += sizeof pal;
	g[n++] = 0x2c;
	memset(g + n, 0, 4);
	n += 4;
	g[n++] = 3; g[n++] = 0; g[n++] = 2; g[n++] = 0;
	g[n++] = 0;
	g[n++] = 2;		/* LZW minimum code size */
	for (i = 0; i < 6; i++) {
		if (i % 2 == 0)
			put_code(&bw, 4, 3);
		put_code(&bw, idx[i], 3);
	}
	put_code(&bw, 5, 3);
	if (bw.nacc > 0)
		bw.buf[bw.n++] = (unsigned char)bw.acc;
	g[n++] = (unsigned char)bw.n;
	memcpy(g + n, bw.buf, (size_t)bw.n);
	n += bw.n;
	g[n++] = 0;
	g[n++] = 0x3b;
	img = image_decode(g, (size_t)n, 0, err, sizeof err);
	T_OK(img != NULL);
	if (img == NULL) {
		printf("     %s\n", err);
		return;
	}
	T_EQ(img->w, 3);
	T_EQ(img->h, 2);
	for (i = 0; i < 6; i++)
		T_OK(memcmp(img->rgb + i * 3, pal[idx[i]], 3) == 0);
	image_free(img);
}

static void
test_alpha(void)
{
	/* RGBA 2x1: opaque red, half-transparent white */
	static const unsigned char px[8] = { 255, 0, 0, 255, 255, 255, 255,
	    128 };
	char err[256] = "";
	size_t len;
	unsigned char *png = rt_png(2, 1, px, 2, 1, 4, &len);
	struct image *img = image_decode(png, len, 0x000080, err, sizeof err);

	T_OK(img != NULL);
	if (img) {
		T_EQ(img->rgb[0], 255);
		T_EQ(img->rgb[1], 0);
		T_EQ(img->rgb[2], 0);
		/* 255*128/255 + bg*(127)/255: 128, 128, 128 + 64 */
		T_EQ(img->rgb[3], 128);
		T_EQ(img->rgb[4], 128);
		T_EQ(img->rgb[5], (255 * 128 + 128 * 127 + 127) / 255);
	} else
		printf("     %s\n", err);
	image_free(img);
	free(png);
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) /
	    1e6;
}

static void
test_refused(void)
{
	char err[256];
	size_t len, flen;
	unsigned char *p, *f;
	struct timespec t0;
	struct image *img;
	unsigned char rnd[4096];
	uint32_t seed = 7;
	int i;

	err[0] = 'x';
	T_OK(image_decode(NULL, 0, 0, err, sizeof err) == NULL);
	T_STREQ(err, "empty image");

	/* a header claiming 100000x100000: refused before any pixel */
	p = rt_png(100000, 100000, NULL, 0, 0, 3, &len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	img = image_decode(p, len, 0, err, sizeof err);
	T_OK(img == NULL);
	/* 10^10 pixels would take minutes; the bound only has to survive a
	 * loaded CI machine under ASan */
	T_OK(ms_since(&t0) < 1000);
	T_OK(strstr(err, "png") != NULL && strstr(err, "limit") != NULL);
	free(p);

	/* inside the side limit but over the pixel budget */
	p = rt_png(8000, 8000, NULL, 0, 0, 3, &len);
	img = image_decode(p, len, 0, err, sizeof err);
	T_OK(img == NULL);
	T_STREQ(err, "png: 8000x8000 exceeds the 16777216 pixel budget");
	free(p);

	/* zero width */
	p = rt_png(0, 10, NULL, 0, 0, 3, &len);
	T_OK(image_decode(p, len, 0, err, sizeof err) == NULL);
	T_OK(strncmp(err, "png: ", 5) == 0);
	free(p);

	/* truncated fixtures, every format */
	f = rt_slurp(CORGI ".png", &flen);
	T_OK(f != NULL);
	if (f) {
		T_OK(image_decode(f, flen / 2, 0, err, sizeof err) == NULL);
		T_OK(strstr(err, "png: truncated or corrupt") == err);
		T_OK(image_decode(f, 20, 0, err, sizeof err) == NULL);
		T_OK(strncmp(err, "png: ", 5) == 0);
		free(f);
	}
	f = rt_slurp(CORGI ".jpg", &flen);
	if (f) {
		img = image_decode(f, 200, 0, err, sizeof err);
		T_OK(img == NULL);
		T_OK(strncmp(err, "jpeg: ", 6) == 0);
		image_free(img);
		free(f);
	}
	f = rt_slurp(CORGI ".webp", &flen);
	if (f) {
		T_OK(image_decode(f, flen / 2, 0, err, sizeof err) == NULL);
		T_OK(strncmp(err, "webp: ", 6) == 0);
		T_OK(image_decode(f, 16, 0, err, sizeof err) == NULL);
		T_STREQ(err, "webp: truncated or corrupt header");
		free(f);
	}
	/* a webp header claiming 16383x16383 (VP8L) */
	{
		unsigned char w[32] = "RIFF\x18\0\0\0WEBPVP8L\x0c\0\0\0\x2f";
		unsigned v = 16382u | 16382u << 14;

		w[21] = (unsigned char)v;
		w[22] = (unsigned char)(v >> 8);
		w[23] = (unsigned char)(v >> 16);
		w[24] = (unsigned char)(v >> 24);
		T_OK(image_decode(w, 32, 0, err, sizeof err) == NULL);
		T_OK(strstr(err, "webp: ") == err);
	}

	/* a Huffman table whose counts add up past 256 (stb 2.27 overflowed
	 * on it; JPEG now goes to libjpeg-turbo, which refuses it) */
	{
		unsigned char j[64] = "\xff\xd8\xff\xc4\x00\x13\x00";
		int k;

		for (k = 0; k < 16; k++)
			j[7 + k] = 19;
		memcpy(j + 23, "\xff\xd9", 2);
		T_OK(image_decode(j, 25, 0, err, sizeof err) == NULL);
		T_OK(strstr(err, "jpeg: ") == err &&
		    strstr(err, "Huffman") != NULL);
	}

	/* random bytes, with and without a PNG signature in front */
	for (i = 0; i < (int)sizeof rnd; i++) {
		seed = seed * 1103515245u + 12345u;
		rnd[i] = (unsigned char)(seed >> 16);
	}
	T_OK(image_decode(rnd, sizeof rnd, 0, err, sizeof err) == NULL);
	T_OK(strstr(err, "unknown image format") == err);
	memcpy(rnd, "\x89PNG\r\n\x1a\n", 8);
	T_OK(image_decode(rnd, sizeof rnd, 0, err, sizeof err) == NULL);
	T_OK(strncmp(err, "png: ", 5) == 0);
	memcpy(rnd, "GIF89a", 6);
	T_OK(image_decode(rnd, sizeof rnd, 0, err, sizeof err) == NULL);
	memcpy(rnd, "BM", 2);
	T_OK(image_decode(rnd, sizeof rnd, 0, err, sizeof err) == NULL);

	/* image_new limits */
	T_OK(image_new(0, 5, err, sizeof err) == NULL);
	T_OK(image_new(IMAGE_MAX_DIM + 1, 1, err, sizeof err) == NULL);
	T_OK(strstr(err, "limit") != NULL);
	image_free(NULL);
}

static void
test_sniff(void)
{
	T_STREQ(image_sniff("\x89PNG\r\n\x1a\n", 8), "png");
	T_STREQ(image_sniff("\xff\xd8\xff\xe0", 4), "jpeg");
	T_STREQ(image_sniff("GIF87a", 6), "gif");
	T_STREQ(image_sniff("BM", 2), "bmp");
	T_STREQ(image_sniff("RIFF\0\0\0\0WEBP", 12), "webp");
	T_OK(image_sniff("RIFF\0\0\0\0WAVE", 12) == NULL);
	T_OK(image_sniff("\x89PN", 3) == NULL);
	T_OK(image_sniff(NULL, 0) == NULL);
}

int
main(void)
{
	test_sniff();
	test_fixtures();
	test_bmp();
	test_gif();
	test_alpha();
	test_refused();
	return T_SUMMARY();
}
