/*
 * tests/bench/render_tool.c: helpers for tests/bench/bench_render.sh.
 *   render_tool gen SRC OUT.png        1024x1024 photo-like PNG from SRC:
 *                                       bilinear 2x upscale + fixed grain
 *   render_tool psnr SRC OUT.six [W H] decode OUT.six with libsixel, scale
 *                                       SRC (area average) to the decoded
 *                                       size, print "PSNR W H"
 *   render_tool scale SRC W H OUT.png  SRC area-averaged to W x H
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sixel.h>

#include "render/fit.h"
#include "render/image.h"
#include "render/kitty.h"

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL ||
	    fread(p, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "render_tool: cannot read %s\n", path);
		exit(1);
	}
	fclose(fp);
	*len = (size_t)n;
	return p;
}

static struct image *
load(const char *path)
{
	char err[256];
	size_t len;
	unsigned char *p = slurp(path, &len);
	struct image *img = image_decode(p, len, 0, err, sizeof err);

	free(p);
	if (img == NULL) {
		fprintf(stderr, "render_tool: %s: %s\n", path, err);
		exit(1);
	}
	return img;
}

static void
save_png(const struct image *img, const char *path)
{
	char err[256];
	unsigned char *png;
	size_t len;
	FILE *fp;

	if (kitty_png_encode(img->rgb, img->w, img->h, &png, &len, err,
	    sizeof err) != 0 || (fp = fopen(path, "wb")) == NULL ||
	    fwrite(png, 1, len, fp) != len || fclose(fp) != 0) {
		fprintf(stderr, "render_tool: cannot write %s\n", path);
		exit(1);
	}
	free(png);
}

static int
gen(const char *src, const char *out)
{
	struct image *s = load(src), *d;
	char err[256];
	uint32_t seed = 12345;
	int x, y, c;

	if ((d = image_new(1024, 1024, err, sizeof err)) == NULL)
		return 1;
	for (y = 0; y < d->h; y++)
		for (x = 0; x < d->w; x++) {
			double fx = (x + .5) * s->w / d->w - .5;
			double fy = (y + .5) * s->h / d->h - .5;
			int x0 = fx < 0 ? 0 : (int)fx, y0 = fy < 0 ? 0 : (int)fy;
			int x1 = x0 + 1 < s->w ? x0 + 1 : x0;
			int y1 = y0 + 1 < s->h ? y0 + 1 : y0;
			double ax = fx - x0, ay = fy - y0;
			int g;

			if (ax < 0)
				ax = 0;
			if (ay < 0)
				ay = 0;
			seed = seed * 1103515245u + 12345u;
			g = (int)((seed >> 16) % 9) - 4;	/* film grain */
			for (c = 0; c < 3; c++) {
				double v = (1 - ay) * ((1 - ax) *
				    s->rgb[(y0 * s->w + x0) * 3 + c] + ax *
				    s->rgb[(y0 * s->w + x1) * 3 + c]) + ay *
				    ((1 - ax) * s->rgb[(y1 * s->w + x0) * 3 + c] +
				    ax * s->rgb[(y1 * s->w + x1) * 3 + c]) + g;

				d->rgb[(y * d->w + x) * 3 + c] = (unsigned char)
				    (v < 0 ? 0 : v > 255 ? 255 : v + .5);
			}
		}
	save_png(d, out);
	image_free(s);
	image_free(d);
	return 0;
}

static int
psnr(const char *src, const char *six)
{
	struct image *s = load(src), *ref;
	unsigned char *data, *px = NULL, *pal = NULL;
	char err[256];
	size_t len;
	int w, h, ncol, i;
	double se = 0;

	data = slurp(six, &len);
	if (sixel_decode_raw(data, (int)len, &px, &w, &h, &pal, &ncol, NULL) !=
	    SIXEL_OK) {
		fprintf(stderr, "render_tool: %s: not a decodable sixel\n", six);
		return 1;
	}
	if ((ref = fit_scale(s, w, h, err, sizeof err)) == NULL) {
		fprintf(stderr, "render_tool: %s\n", err);
		return 1;
	}
	for (i = 0; i < w * h; i++) {
		int c;

		for (c = 0; c < 3; c++) {
			double d = (double)pal[px[i] * 3 + c] - ref->rgb[i * 3 + c];

			se += d * d;
		}
	}
	se /= (double)w * h * 3;
	printf("%.2f %d %d\n", se > 0 ? 10 * log10(255.0 * 255.0 / se) : 99.0,
	    w, h);
	free(px);
	free(pal);
	free(data);
	image_free(s);
	image_free(ref);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "psnr") == 0)
		return psnr(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "scale") == 0) {
		struct image *s = load(argv[2]), *d;
		char err[256];

		d = fit_scale(s, atoi(argv[3]), atoi(argv[4]), err, sizeof err);
		if (d == NULL) {
			fprintf(stderr, "render_tool: %s\n", err);
			return 1;
		}
		save_png(d, argv[5]);
		return 0;
	}
	fputs("usage: render_tool gen SRC OUT | psnr SRC SIXEL | "
	    "scale SRC W H OUT\n", stderr);
	return 2;
}
