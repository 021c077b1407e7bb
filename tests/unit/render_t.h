/*
 * tests/unit/render_t.h: helpers shared by the t_render_*.c tests: read a
 * fixture, PSNR of two RGB buffers, a tiny PNG writer (stored deflate,
 * RGBA or RGB, any claimed size) for crafted inputs.
 */
#ifndef PG_TESTS_RENDER_T_H
#define PG_TESTS_RENDER_T_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline unsigned char *
rt_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;

	*len = 0;
	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (p = malloc((size_t)n)) != NULL &&
	    fread(p, 1, (size_t)n, fp) == (size_t)n)
		*len = (size_t)n;
	else {
		free(p);
		p = NULL;
	}
	fclose(fp);
	return p;
}

static inline const void *
rt_memmem(const void *hay, size_t n, const void *needle, size_t m)
{
	const unsigned char *h = hay;
	size_t i;

	for (i = 0; m <= n && i <= n - m; i++)
		if (memcmp(h + i, needle, m) == 0)
			return h + i;
	return NULL;
}

static inline double
rt_psnr(const unsigned char *a, const unsigned char *b, size_t n)
{
	double se = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double d = (double)a[i] - b[i];

		se += d * d;
	}
	se /= (double)n;
	return se == 0 ? 99.0 : 10 * log10(255.0 * 255.0 / se);
}

static inline uint32_t
rt_crc(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

static inline void
rt_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline size_t
rt_chunk(unsigned char *o, const char *type, const unsigned char *d,
    size_t n)
{
	rt_be32(o, (uint32_t)n);
	memcpy(o + 4, type, 4);
	if (n)
		memcpy(o + 8, d, n);
	rt_be32(o + 8 + n, rt_crc(o + 4, n + 4));
	return n + 12;
}

/*
 * PNG claiming cw x ch, with pixel rows of w x h (comp 3 or 4) in one
 * stored-deflate IDAT (no pixels when px is NULL). malloc'd; *len set.
 */
static inline unsigned char *
rt_png(uint32_t cw, uint32_t ch, const unsigned char *px, int w, int h,
    int comp, size_t *len)
{
	size_t raw = px ? (size_t)h * ((size_t)w * comp + 1) : 0;
	size_t cap = 64 + raw + raw / 65535 * 5 + 64, o = 0, i, off;
	unsigned char *out = malloc(cap), *z = malloc(raw + raw / 65535 * 5 +
	    16), ihdr[13];
	uint32_t a = 1, b = 0;
	size_t zn = 0;
	int y;

	memcpy(out, "\x89PNG\r\n\x1a\n", 8);
	o = 8;
	rt_be32(ihdr, cw);
	rt_be32(ihdr + 4, ch);
	ihdr[8] = 8;
	ihdr[9] = comp == 4 ? 6 : 2;
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	o += rt_chunk(out + o, "IHDR", ihdr, 13);
	if (px) {
		unsigned char *r = malloc(raw);

		for (y = 0, off = 0; y < h; y++) {
			r[off++] = 0;
			memcpy(r + off, px + (size_t)y * w * comp,
			    (size_t)w * comp);
			off += (size_t)w * comp;
		}
		z[zn++] = 0x78;
		z[zn++] = 0x01;
		for (i = 0; i < raw || i == 0; ) {
			size_t n = raw - i > 65535 ? 65535 : raw - i;

			z[zn++] = i + n >= raw ? 1 : 0;
			z[zn++] = (unsigned char)n;
			z[zn++] = (unsigned char)(n >> 8);
			z[zn++] = (unsigned char)~n;
			z[zn++] = (unsigned char)(~n >> 8);
			memcpy(z + zn, r + i, n);
			zn += n;
			i += n;
			if (n == 0)
				break;
		}
		for (i = 0; i < raw; i++) {
			a = (a + r[i]) % 65521;
			b = (b + a) % 65521;
		}
		rt_be32(z + zn, b << 16 | a);
		zn += 4;
		free(r);
		o += rt_chunk(out + o, "IDAT", z, zn);
	}
	o += rt_chunk(out + o, "IEND", NULL, 0);
	free(z);
	*len = o;
	return out;
}

#endif
