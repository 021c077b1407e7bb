/*
 * tests/unit/t_render_sixel.c: the sixel encoder, checked by decoding its
 * output with libsixel (sixel_decode_raw, the same pixels as sixel2png and,
 * per TERMINALS.md, as xterm draws) and comparing with the scaled source by
 * PSNR; framing and raster attributes; the palette limit; the 1 MB cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sixel.h>

#include "render/fit.h"
#include "render/image.h"
#include "render/render.h"
#include "render/sixel.h"
#include "tests/unit/render_t.h"
#include "tests/unit/t.h"

/* Palette definitions: "#N;" (a colour selector "#N" is not followed by ;) */
static int
count_defs(const unsigned char *p, size_t len)
{
	size_t i, j;
	int n = 0;

	for (i = 0; i < len; i++) {
		if (p[i] != '#')
			continue;
		for (j = i + 1; j < len && p[j] >= '0' && p[j] <= '9'; j++)
			;
		if (j < len && p[j] == ';')
			n++;
	}
	return n;
}

/* Decode sixel bytes to RGB888; NULL if libsixel refuses them. */
static unsigned char *
decode(const unsigned char *six, size_t len, int *w, int *h, int *ncolors)
{
	unsigned char *px = NULL, *pal = NULL, *rgb;
	int i;

	if (sixel_decode_raw((unsigned char *)(uintptr_t)six, (int)len, &px, w,
	    h, &pal, ncolors, NULL) != SIXEL_OK)
		return NULL;
	rgb = malloc((size_t)*w * *h * 3);
	for (i = 0; i < *w * *h; i++)
		memcpy(rgb + i * 3, pal + px[i] * 3, 3);
	free(px);
	free(pal);
	return rgb;
}

static struct image *
corgi(void)
{
	char err[256];
	size_t len;
	unsigned char *p = rt_slurp("tests/fixtures/images/sdxl-corgi-512.png",
	    &len);
	struct image *img = p ? image_decode(p, len, 0, err, sizeof err) : NULL;

	free(p);
	return img;
}

static void
test_round_trip(void)
{
	char err[256];
	struct image *src = corgi(), *s;
	unsigned char *six, *back;
	size_t len;
	int w, h, n, sizes[][2] = { { 200, 200 }, { 317, 317 }, { 97, 41 } };
	unsigned k;

	T_OK(src != NULL);
	if (src == NULL)
		return;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		s = fit_scale(src, sizes[k][0], sizes[k][1], err, sizeof err);
		T_OK(sixel_encode_rgb(s->rgb, s->w, s->h, 256, &six, &len, err,
		    sizeof err) == 0);
		T_OK(len > 20 && memcmp(six, "\033P0;1;0q\"1;1;", 13) == 0);
		T_OK(memcmp(six + len - 2, "\033\\", 2) == 0);
		back = decode(six, len, &w, &h, &n);
		T_OK(back != NULL);
		if (back) {
			double q = rt_psnr(back, s->rgb, (size_t)w * h * 3);

			T_EQ(w, s->w);
			T_EQ(h, s->h);
			T_OK(n <= 256);
			if (!T_OK(q >= 32.0))
				printf("     PSNR %.2f at %dx%d\n", q, w, h);
		}
		free(back);
		free(six);
		image_free(s);
	}
	image_free(src);
}

static void
test_few_colours(void)
{
	/* 8 exact colours: palette has them all; percent registers round
	 * each channel by at most 255/200 */
	static const unsigned char cols[8][3] = {
		{ 0, 0, 0 }, { 255, 255, 255 }, { 255, 0, 0 }, { 0, 255, 0 },
		{ 0, 0, 255 }, { 128, 64, 32 }, { 12, 200, 150 }, { 250, 240, 5 }
	};
	char err[256];
	struct image *img = image_new(37, 23, err, sizeof err);
	unsigned char *six, *back;
	size_t len;
	int x, y, w, h, n, worst = 0, i;

	for (y = 0; y < 23; y++)
		for (x = 0; x < 37; x++)
			memcpy(img->rgb + (y * 37 + x) * 3, cols[(x / 5 + y / 3) %
			    8], 3);
	T_OK(sixel_encode_rgb(img->rgb, 37, 23, 256, &six, &len, err,
	    sizeof err) == 0);
	back = decode(six, len, &w, &h, &n);
	T_OK(back != NULL);
	if (back) {
		T_EQ(w, 37);
		T_EQ(h, 23);
		for (i = 0; i < 37 * 23 * 3; i++) {
			int d = abs(back[i] - img->rgb[i]);

			worst = d > worst ? d : worst;
		}
		T_OK(worst <= 2);
	}
	T_EQ(count_defs(six, len), 8);
	free(back);
	free(six);

	/* colours scattered at random (spans start at every column, bands
	 * end part way): still every pixel exact */
	{
		unsigned seed = 3;

		for (i = 0; i < 37 * 23; i++) {
			seed = seed * 1103515245u + 12345u;
			memcpy(img->rgb + i * 3, cols[(seed >> 16) % 8], 3);
		}
		T_OK(sixel_encode_rgb(img->rgb, 37, 23, 256, &six, &len, err,
		    sizeof err) == 0);
		back = decode(six, len, &w, &h, &n);
		T_OK(back != NULL);
		for (i = 0, worst = 0; back && i < 37 * 23 * 3; i++) {
			int d = abs(back[i] - img->rgb[i]);

			worst = d > worst ? d : worst;
		}
		T_OK(back && worst <= 2);
		free(back);
		free(six);
	}

	/* at most `colors` registers */
	T_OK(sixel_encode_rgb(img->rgb, 37, 23, 4, &six, &len, err,
	    sizeof err) == 0);
	T_EQ(count_defs(six, len), 4);
	back = decode(six, len, &w, &h, &n);
	T_OK(back != NULL && n <= 4);
	free(back);
	free(six);
	image_free(img);
}

static void
test_quantize(void)
{
	/* a smooth ramp of 4096 colours into 16: every pixel's entry must be
	 * close (median cut keeps error bounded) */
	char err[256];
	struct image *img = image_new(64, 64, err, sizeof err);
	unsigned char pal[256 * 3], idx[64 * 64];
	int n, i, worst = 0;

	for (i = 0; i < 64 * 64; i++) {
		img->rgb[i * 3] = (unsigned char)(i % 64 * 4);
		img->rgb[i * 3 + 1] = (unsigned char)(i / 64 * 4);
		img->rgb[i * 3 + 2] = 128;
	}
	T_EQ(sixel_quantize(img->rgb, 64, 64, 16, pal, &n, idx), 0);
	T_EQ(n, 16);
	for (i = 0; i < 64 * 64; i++) {
		int c;

		for (c = 0; c < 3; c++) {
			int d = abs(pal[idx[i] * 3 + c] - img->rgb[i * 3 + c]);

			worst = d > worst ? d : worst;
		}
	}
	T_OK(worst <= 40);
	image_free(img);
}

static void
test_limits(void)
{
	char err[256];
	struct render_opts o = { .mode = RENDER_MODE_SIXEL, .cols = 200,
	    .rows = 100, .cell_w = 10, .cell_h = 20 };
	struct render_blob b;
	struct image *img = image_new(1000, 1000, err, sizeof err);
	uint32_t seed = 99;
	unsigned char *six, *back;
	size_t len, i;
	int w, h, n;

	T_OK(sixel_encode_rgb(NULL, 1, 1, 256, &six, &len, err, sizeof err) ==
	    -1);
	T_OK(six == NULL);
	T_OK(sixel_encode_rgb(img->rgb, 0, 1, 256, &six, &len, err,
	    sizeof err) == -1);
	/* noise is incompressible: 1000x1000 of it is far over 1 MB, so
	 * render_image must shrink it until it fits */
	for (i = 0; i < 1000 * 1000 * 3; i++) {
		seed = seed * 1103515245u + 12345u;
		img->rgb[i] = (unsigned char)(seed >> 16);
	}
	T_OK(render_image(img, &o, &b, err, sizeof err) == 0);
	T_OK(b.len <= SIXEL_MAX_BYTES);
	T_OK(b.len > SIXEL_MAX_BYTES / 2);
	back = decode(b.data, b.len, &w, &h, &n);
	T_OK(back != NULL);
	T_OK(w < 1000 && w > 300 && w == h);
	T_EQ(b.cols, (w + 9) / 10);
	T_EQ(b.rows, (h + 19) / 20);
	free(back);
	render_blob_done(&b);
	/* max geometry (XTSMGRAPHICS) caps the size */
	o.max_w = 300;
	o.max_h = 200;
	T_OK(render_image(img, &o, &b, err, sizeof err) == 0);
	back = decode(b.data, b.len, &w, &h, &n);
	T_EQ(w, 200);
	T_EQ(h, 200);
	free(back);
	render_blob_done(&b);
	image_free(img);
}

int
main(void)
{
	test_round_trip();
	test_few_colours();
	test_quantize();
	test_limits();
	return T_SUMMARY();
}
