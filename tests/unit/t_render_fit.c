/*
 * tests/unit/t_render_fit.c: cell size fallbacks, fitting arithmetic and
 * the area-averaging scaler (exact means, flat areas exact, no aliasing).
 */
#include <stdlib.h>
#include <string.h>

#include "render/fit.h"
#include "tests/unit/t.h"

static void
test_cell_size(void)
{
	struct fit_geom g;
	int w, h;

	fit_cell_size(NULL, &w, &h);
	T_EQ(w, 10);
	T_EQ(h, 20);
	/* TIOCGWINSZ pixels win */
	memset(&g, 0, sizeof g);
	g.cols = 100; g.rows = 35; g.xpixel = 600; g.ypixel = 455;
	g.cell16_w = 7; g.cell16_h = 14;
	fit_cell_size(&g, &w, &h);
	T_EQ(w, 6);
	T_EQ(h, 13);
	/* no pixels: CSI 16 t */
	g.xpixel = g.ypixel = 0;
	fit_cell_size(&g, &w, &h);
	T_EQ(w, 7);
	T_EQ(h, 14);
	/* no 16 t: CSI 14 t over the grid */
	g.cell16_w = g.cell16_h = 0;
	g.win14_w = 800; g.win14_h = 700;
	fit_cell_size(&g, &w, &h);
	T_EQ(w, 8);
	T_EQ(h, 20);
	/* garbage (tmux with no client reports 0; absurd sizes) ignored */
	g.win14_w = 100000; g.win14_h = 5;
	g.cell16_w = 1; g.cell16_h = 1000;
	fit_cell_size(&g, &w, &h);
	T_EQ(w, 10);
	T_EQ(h, 20);
	/* ws pixels without a grid cannot be divided */
	memset(&g, 0, sizeof g);
	g.xpixel = 640; g.ypixel = 480;
	fit_cell_size(&g, &w, &h);
	T_EQ(w, 10);
}

static void
test_box(void)
{
	int w, h, c, r;

	fit_box(1024, 1024, 640, 640, false, &w, &h);
	T_EQ(w, 640); T_EQ(h, 640);
	fit_box(1024, 1024, 800, 480, false, &w, &h);
	T_EQ(w, 480); T_EQ(h, 480);
	fit_box(1920, 1080, 800, 800, false, &w, &h);
	T_EQ(w, 800); T_EQ(h, 450);
	fit_box(1080, 1920, 800, 800, false, &w, &h);
	T_EQ(w, 450); T_EQ(h, 800);
	/* rounding: 1000x333 into 100 wide -> 33.3 -> 33 */
	fit_box(1000, 333, 100, 100, false, &w, &h);
	T_EQ(w, 100); T_EQ(h, 33);
	/* small image: natural size unless upscaling is asked */
	fit_box(64, 32, 640, 640, false, &w, &h);
	T_EQ(w, 64); T_EQ(h, 32);
	fit_box(64, 32, 640, 640, true, &w, &h);
	T_EQ(w, 640); T_EQ(h, 320);
	/* extreme aspect never gives 0 */
	fit_box(8000, 1, 100, 100, false, &w, &h);
	T_EQ(w, 100); T_EQ(h, 1);
	fit_box(0, 10, 100, 100, false, &w, &h);
	T_EQ(w, 0); T_EQ(h, 0);
	fit_box(10, 10, -1, 100, false, &w, &h);
	T_EQ(w, 0);

	/* 80x24 cells of 10x20: 800x480 px; a square fits 480x480 = 48x24 */
	fit_cells(1024, 1024, 80, 24, 10, 20, false, &w, &h, &c, &r);
	T_EQ(w, 480); T_EQ(h, 480); T_EQ(c, 48); T_EQ(r, 24);
	/* partial cells round up */
	fit_cells(95, 41, 80, 24, 10, 20, false, &w, &h, &c, &r);
	T_EQ(w, 95); T_EQ(h, 41); T_EQ(c, 10); T_EQ(r, 3);
	/* xterm's 6x13 cells, 100x34 pane */
	fit_cells(512, 512, 100, 34, 6, 13, false, &w, &h, &c, &r);
	T_EQ(h, 442); T_EQ(w, 442); T_EQ(c, 74); T_EQ(r, 34);
	fit_cells(512, 512, 0, 34, 6, 13, false, &w, &h, &c, &r);
	T_EQ(c, 0);
	/* 0 cell size: the default 10x20 */
	fit_cells(1024, 1024, 80, 24, 0, 0, false, &w, &h, &c, &r);
	T_EQ(w, 480);
}

static struct image *
filled(int w, int h, int (*f)(int x, int y, int c))
{
	char err[128];
	struct image *img = image_new(w, h, err, sizeof err);
	int x, y, c;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			for (c = 0; c < 3; c++)
				img->rgb[((size_t)y * w + x) * 3 + c] =
				    (unsigned char)f(x, y, c);
	return img;
}

static int
checker(int x, int y, int c)
{
	(void)c;
	return (x + y) % 2 ? 255 : 0;
}

static int
flat(int x, int y, int c)
{
	(void)x;
	(void)y;
	return c == 0 ? 200 : c == 1 ? 17 : 99;
}

static int
quad(int x, int y, int c)
{
	static const int v[4][3] = { { 0, 0, 0 }, { 255, 0, 0 },
	    { 0, 255, 0 }, { 10, 20, 30 } };

	return v[(y >= 2) * 2 + (x >= 2)][c];
}

static void
test_scale(void)
{
	char err[128];
	struct image *src, *d;
	int i, lo = 255, hi = 0;

	/* 2x2 blocks averaged exactly */
	src = filled(4, 4, quad);
	d = fit_scale(src, 2, 2, err, sizeof err);
	T_OK(d != NULL);
	T_EQ(d->rgb[0], 0);
	T_EQ(d->rgb[3], 255);
	T_EQ(d->rgb[7], 255);
	T_EQ(d->rgb[9], 10);
	T_EQ(d->rgb[10], 20);
	T_EQ(d->rgb[11], 30);
	image_free(d);
	/* 4x4 -> 1x1 is the mean: (0+255+0+10)/4 etc. */
	d = fit_scale(src, 1, 1, err, sizeof err);
	T_EQ(d->rgb[0], 66);	/* 265/4 = 66.25 */
	T_EQ(d->rgb[1], 69);	/* 275/4 = 68.75 */
	T_EQ(d->rgb[2], 8);	/* 30/4 = 7.5 -> 8 */
	image_free(d);
	image_free(src);

	/* a checkerboard must become grey, not a moire of 0 and 255 */
	src = filled(64, 64, checker);
	d = fit_scale(src, 10, 10, err, sizeof err);
	for (i = 0; i < 10 * 10 * 3; i++) {
		if (d->rgb[i] < lo)
			lo = d->rgb[i];
		if (d->rgb[i] > hi)
			hi = d->rgb[i];
	}
	T_OK(lo >= 110);
	T_OK(hi <= 145);
	image_free(d);
	image_free(src);

	/* flat stays exactly flat, down and up, at odd ratios */
	src = filled(97, 53, flat);
	d = fit_scale(src, 31, 17, err, sizeof err);
	for (i = 0, lo = 1; i < 31 * 17; i++)
		lo &= d->rgb[i * 3] == 200 && d->rgb[i * 3 + 1] == 17 &&
		    d->rgb[i * 3 + 2] == 99;
	T_OK(lo);
	image_free(d);
	d = fit_scale(src, 301, 160, err, sizeof err);
	for (i = 0, lo = 1; i < 301 * 160; i++)
		lo &= d->rgb[i * 3] == 200 && d->rgb[i * 3 + 1] == 17 &&
		    d->rgb[i * 3 + 2] == 99;
	T_OK(lo);
	image_free(d);
	/* same size is a copy */
	d = fit_scale(src, 97, 53, err, sizeof err);
	T_OK(memcmp(d->rgb, src->rgb, 97 * 53 * 3) == 0);
	image_free(d);
	/* 1x1 up to 3x2: every pixel the source */
	image_free(src);
	src = filled(1, 1, flat);
	d = fit_scale(src, 3, 2, err, sizeof err);
	T_EQ(d->rgb[15], 200);
	image_free(d);
	/* refused */
	T_OK(fit_scale(src, 0, 5, err, sizeof err) == NULL);
	T_OK(fit_scale(NULL, 5, 5, err, sizeof err) == NULL);
	T_OK(fit_scale(src, IMAGE_MAX_DIM + 1, 5, err, sizeof err) == NULL);
	image_free(src);
}

int
main(void)
{
	test_cell_size();
	test_box();
	test_scale();
	return T_SUMMARY();
}
