/*
 * tests/unit/t_render_blocks.c: half-block cells (exact colours for known
 * pixels), the 256 and 16 colour mappings, the ANSI text, depth from the
 * environment, and an odd pixel height.
 */
#include <stdlib.h>
#include <string.h>

#include "render/blocks.h"
#include "render/render.h"
#include "tests/unit/render_t.h"
#include "tests/unit/t.h"

static void
test_palette(void)
{
	T_EQ(blocks_palette(16), 0x000000);
	T_EQ(blocks_palette(196), 0xff0000);
	T_EQ(blocks_palette(231), 0xffffff);
	T_EQ(blocks_palette(59), 0x5f5f5f);
	T_EQ(blocks_palette(232), 0x080808);
	T_EQ(blocks_palette(255), 0xeeeeee);
	T_EQ(blocks_palette(9), 0xff0000);
	T_EQ(blocks_palette(256), 0);

	T_EQ(blocks_nearest256(0xff0000), 196);
	T_EQ(blocks_nearest256(0x00ff00), 46);
	T_EQ(blocks_nearest256(0x0000ff), 21);
	T_EQ(blocks_nearest256(0xffffff), 231);
	T_EQ(blocks_nearest256(0x000000), 16);
	T_EQ(blocks_nearest256(0x808080), 244);	/* grey 128 exactly */
	T_EQ(blocks_nearest256(0x646464), 241);	/* 100: grey 98 beats 95 */
	T_EQ(blocks_nearest256(0xd7875f), 173);	/* exact cube entry */
	T_EQ(blocks_nearest256(0xda8a60), 173);	/* near it */

	T_EQ(blocks_nearest16(0xff0000), 9);
	T_EQ(blocks_nearest16(0xc80000), 1);
	T_EQ(blocks_nearest16(0x0000ff), 4);
	T_EQ(blocks_nearest16(0xffffff), 15);
	T_EQ(blocks_nearest16(0x101010), 0);
	T_EQ(blocks_nearest16(0x808080), 8);
	T_EQ(blocks_nearest16(0x6060ff), 12);

	T_EQ(blocks_depth_from_env("truecolor", "xterm"), BLOCKS_TRUECOLOR);
	T_EQ(blocks_depth_from_env("24bit", NULL), BLOCKS_TRUECOLOR);
	T_EQ(blocks_depth_from_env(NULL, "xterm-256color"), BLOCKS_256);
	T_EQ(blocks_depth_from_env("yes", "screen-256color"), BLOCKS_256);
	T_EQ(blocks_depth_from_env(NULL, "xterm"), BLOCKS_16);
	T_EQ(blocks_depth_from_env(NULL, NULL), BLOCKS_16);
}

/* 2x2: red green / blue white */
static struct image *
quad(void)
{
	static const unsigned char px[12] = { 255, 0, 0, 0, 255, 0, 0, 0, 255,
	    255, 255, 255 };
	char err[128];
	struct image *img = image_new(2, 2, err, sizeof err);

	memcpy(img->rgb, px, sizeof px);
	return img;
}

static void
test_grid(void)
{
	char err[128];
	struct image *img = quad();
	struct cellgrid *g;
	unsigned char *txt;
	size_t len;

	/* 2 cols x 1 row of 10x20 px, upscaled: one pixel per half cell */
	g = blocks_render(img, 2, 1, 10, 20, true, BLOCKS_TRUECOLOR, err,
	    sizeof err);
	T_OK(g != NULL);
	if (g == NULL)
		return;
	T_EQ(g->cols, 2);
	T_EQ(g->rows, 1);
	T_STREQ(g->cells[0].utf8, "\xe2\x96\x80");
	T_EQ(g->cells[0].fg, 0xff0000);
	T_EQ(g->cells[0].bg, 0x0000ff);
	T_EQ(g->cells[1].fg, 0x00ff00);
	T_EQ(g->cells[1].bg, 0xffffff);
	T_EQ(g->cells[0].fg_index, 196);	/* 256 fallback in truecolor */
	T_EQ(g->cells[1].bg_index, 231);
	T_EQ(blocks_ansi(g, &txt, &len, err, sizeof err), 0);
	T_OK(len == strlen("\033[38;2;255;0;0m\033[48;2;0;0;255m\xe2\x96\x80"
	    "\033[38;2;0;255;0m\033[48;2;255;255;255m\xe2\x96\x80\033[0m\n"));
	T_OK(memcmp(txt, "\033[38;2;255;0;0m\033[48;2;0;0;255m\xe2\x96\x80"
	    "\033[38;2;0;255;0m\033[48;2;255;255;255m\xe2\x96\x80\033[0m\n",
	    len) == 0);
	free(txt);
	cellgrid_free(g);

	g = blocks_render(img, 2, 1, 10, 20, true, BLOCKS_256, err, sizeof err);
	T_EQ(g->cells[0].fg_index, 196);
	T_EQ(g->cells[0].bg_index, 21);
	T_EQ(g->cells[1].fg_index, 46);
	T_EQ(blocks_ansi(g, &txt, &len, err, sizeof err), 0);
	T_OK(rt_memmem(txt, len, "\033[38;5;196m\033[48;5;21m\xe2\x96\x80"
	    "\033[38;5;46m\033[48;5;231m\xe2\x96\x80\033[0m\n", len) != NULL);
	free(txt);
	cellgrid_free(g);

	g = blocks_render(img, 2, 1, 10, 20, true, BLOCKS_16, err, sizeof err);
	T_EQ(g->cells[0].fg_index, 9);
	T_EQ(g->cells[0].bg_index, 4);
	T_EQ(g->cells[1].fg_index, 10);
	T_EQ(g->cells[1].bg_index, 15);
	T_EQ(blocks_ansi(g, &txt, &len, err, sizeof err), 0);
	T_OK(len == strlen("\033[91m\033[44m\xe2\x96\x80\033[92m\033[107m"
	    "\xe2\x96\x80\033[0m\n") && memcmp(txt, "\033[91m\033[44m\xe2\x96"
	    "\x80\033[92m\033[107m\xe2\x96\x80\033[0m\n", len) == 0);
	free(txt);
	cellgrid_free(g);
	image_free(img);
}

static void
test_fit_and_odd(void)
{
	char err[128];
	struct image *img = image_new(300, 100, err, sizeof err);
	struct cellgrid *g;
	struct render_opts o = { .mode = RENDER_MODE_BLOCKS, .cols = 30,
	    .rows = 30, .cell_w = 10, .cell_h = 20, .depth = BLOCKS_256 };
	struct render_blob b;
	int i, odd = 0;

	memset(img->rgb, 200, 300 * 100 * 3);
	/* 300x100 px at 10x20 cells: 30 cells wide, 10 half rows = 5 rows */
	g = blocks_render(img, 30, 30, 10, 20, false, BLOCKS_256, err,
	    sizeof err);
	T_EQ(g->cols, 30);
	T_EQ(g->rows, 5);
	cellgrid_free(g);
	/* a box 15 cells wide halves it: 150x50 px -> 15 x 5 half rows:
	 * the last row's bottom half is the terminal's default */
	g = blocks_render(img, 15, 30, 10, 20, false, BLOCKS_256, err,
	    sizeof err);
	T_EQ(g->cols, 15);
	T_EQ(g->rows, 3);
	for (i = 0; i < g->cols; i++)
		odd += g->cells[2 * g->cols + i].bg_index == -1;
	T_EQ(odd, 15);
	T_EQ(g->cells[0].bg_index, blocks_nearest256(0xc8c8c8));
	cellgrid_free(g);
	/* through render_image: the ANSI text has rows lines */
	T_EQ(render_image(img, &o, &b, err, sizeof err), 0);
	T_EQ(b.cols, 30);
	T_EQ(b.rows, 5);
	for (i = 0, odd = 0; i < (int)b.len; i++)
		odd += b.data[i] == '\n';
	T_EQ(odd, 5);
	render_blob_done(&b);
	T_OK(blocks_render(NULL, 1, 1, 10, 20, false, BLOCKS_16, err,
	    sizeof err) == NULL);
	T_OK(blocks_render(img, 0, 1, 10, 20, false, BLOCKS_16, err,
	    sizeof err) == NULL);
	cellgrid_free(NULL);
	image_free(img);
}

/* The pane's space is used, not the picture's pixel count at the
 * terminal's cell size (a 512x512 picture was 51x26 cells in 98x28). */
static void
test_fill_pane(void)
{
	char err[128];
	struct image *img = image_new(512, 512, err, sizeof err);
	struct image *icon = image_new(16, 16, err, sizeof err);
	struct cellgrid *g;

	/* 98x28 cells of 10x20: 560x560 px square -> 56 x 28 cells */
	g = blocks_render(img, 98, 28, 10, 20, false, BLOCKS_256, err,
	    sizeof err);
	T_EQ(g->cols, 56);
	T_EQ(g->rows, 28);
	cellgrid_free(g);
	/* 8x16 cells: the same shape, the same grid */
	g = blocks_render(img, 98, 28, 8, 16, false, BLOCKS_256, err,
	    sizeof err);
	T_EQ(g->cols, 56);
	T_EQ(g->rows, 28);
	cellgrid_free(g);
	/* square cells (10x10): a square picture is as wide as it is
	 * tall in cells, two samples per cell down */
	g = blocks_render(img, 98, 28, 10, 10, false, BLOCKS_256, err,
	    sizeof err);
	T_EQ(g->cols, 28);
	T_EQ(g->rows, 28);
	cellgrid_free(g);
	/* a narrow pane: the width bounds it */
	g = blocks_render(img, 40, 28, 10, 20, false, BLOCKS_256, err,
	    sizeof err);
	T_EQ(g->cols, 40);
	T_EQ(g->rows, 20);
	cellgrid_free(g);
	/* a 16x16 icon is not sampled finer than its pixels... */
	g = blocks_render(icon, 98, 28, 10, 20, false, BLOCKS_256, err,
	    sizeof err);
	T_EQ(g->cols, 16);
	T_EQ(g->rows, 8);
	cellgrid_free(g);
	/* ...unless asked to grow */
	g = blocks_render(icon, 98, 28, 10, 20, true, BLOCKS_256, err,
	    sizeof err);
	T_EQ(g->cols, 56);
	T_EQ(g->rows, 28);
	cellgrid_free(g);
	image_free(img);
	image_free(icon);
}

int
main(void)
{
	test_fill_pane();
	test_palette();
	test_grid();
	test_fit_and_odd();
	return T_SUMMARY();
}
