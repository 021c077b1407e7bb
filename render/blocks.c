/*
 * render/blocks.c: half-block cell grids and their ANSI text. Palette
 * values are xterm's defaults (its 16 colours, the 6x6x6 cube of levels
 * 0,95,135,...,255, the greys 8,18,...,238); 256-colour lookups search only
 * 16..255, whose values terminals agree on, unlike the 16 themable ones.
 */
#include "render/blocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/buf.h"
#include "render/fit.h"

static const uint32_t ansi16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd,
	0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff,
	0x00ffff, 0xffffff
};
static const int cube[6] = { 0, 95, 135, 175, 215, 255 };

uint32_t
blocks_palette(int i)
{
	if (i < 0 || i > 255)
		return 0;
	if (i < 16)
		return ansi16[i];
	if (i < 232) {
		i -= 16;
		return (uint32_t)cube[i / 36] << 16 |
		    (uint32_t)cube[i / 6 % 6] << 8 | (uint32_t)cube[i % 6];
	}
	i = 8 + (i - 232) * 10;
	return (uint32_t)i << 16 | (uint32_t)i << 8 | (uint32_t)i;
}

static long
dist(uint32_t a, uint32_t b)
{
	long dr = (long)(a >> 16 & 255) - (long)(b >> 16 & 255);
	long dg = (long)(a >> 8 & 255) - (long)(b >> 8 & 255);
	long db = (long)(a & 255) - (long)(b & 255);

	return dr * dr + dg * dg + db * db;
}

/* Index of the cube level nearest v. */
static int
cube_level(int v)
{
	int i, best = 0;

	for (i = 1; i < 6; i++)
		if (abs(cube[i] - v) < abs(cube[best] - v))
			best = i;
	return best;
}

int
blocks_nearest256(uint32_t rgb)
{
	int r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;
	/* the cube is separable: nearest level per channel is nearest */
	int ci = 16 + 36 * cube_level(r) + 6 * cube_level(g) + cube_level(b);
	int avg = (r + g + b) / 3, gi, k, best = ci;
	long bd = dist(rgb, blocks_palette(ci));

	gi = (avg - 8 + 5) / 10;
	for (k = gi - 1; k <= gi + 1; k++) {
		if (k < 0 || k > 23)
			continue;
		if (dist(rgb, blocks_palette(232 + k)) < bd) {
			bd = dist(rgb, blocks_palette(232 + k));
			best = 232 + k;
		}
	}
	return best;
}

int
blocks_nearest16(uint32_t rgb)
{
	int i, best = 0;

	for (i = 1; i < 16; i++)
		if (dist(rgb, ansi16[i]) < dist(rgb, ansi16[best]))
			best = i;
	return best;
}

enum blocks_depth
blocks_depth_from_env(const char *colorterm, const char *term)
{
	if (colorterm && (strcmp(colorterm, "truecolor") == 0 ||
	    strcmp(colorterm, "24bit") == 0))
		return BLOCKS_TRUECOLOR;
	if (term && strstr(term, "256color") != NULL)
		return BLOCKS_256;
	return BLOCKS_16;
}

static int
index_for(uint32_t rgb, enum blocks_depth depth)
{
	return depth == BLOCKS_16 ? blocks_nearest16(rgb) :
	    blocks_nearest256(rgb);
}

static uint32_t
px(const struct image *im, int x, int y)
{
	const unsigned char *p = im->rgb + ((size_t)y * im->w + x) * 3;

	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

struct cellgrid *
blocks_render(const struct image *img, int cols, int rows, int cell_w,
    int cell_h, bool upscale, enum blocks_depth depth, char *err,
    size_t errsz)
{
	struct cellgrid *g;
	struct image *s;
	int pw, ph, uc, ur, gw, gh, x, y;

	if (img == NULL || img->rgb == NULL || cols < 1 || rows < 1 ||
	    cols > 10000 || rows > 10000) {
		snprintf(err, errsz, "blocks: bad image or box %dx%d", cols,
		    rows);
		return NULL;
	}
	if (cell_w <= 0 || cell_h <= 0) {
		cell_w = FIT_DEFAULT_CELL_W;
		cell_h = FIT_DEFAULT_CELL_H;
	}
	/*
	 * A cell shows one sample across and two down, so the pane holds
	 * cols x rows*2 samples whatever the image's pixel count: fit the
	 * picture into the pane's physical size (cell shape from cell_w x
	 * cell_h, aspect kept) and sample that. Growing is free here; only
	 * a picture with fewer pixels than samples stays at one sample per
	 * pixel unless upscale asks otherwise.
	 */
	fit_cells(img->w, img->h, cols, rows, cell_w, cell_h, true, &pw,
	    &ph, &uc, &ur);
	gw = (pw + cell_w / 2) / cell_w;
	gh = (ph * 2 + cell_h / 2) / cell_h;
	gw = gw < 1 ? 1 : gw > cols ? cols : gw;
	gh = gh < 1 ? 1 : gh > rows * 2 ? rows * 2 : gh;
	if (!upscale && (gw > img->w || gh > img->h)) {
		/* shrink both by the same factor: aspect kept */
		if ((long long)img->w * gh <= (long long)img->h * gw) {
			gh = (int)((long long)gh * img->w / gw);
			gw = img->w;
		} else {
			gw = (int)((long long)gw * img->h / gh);
			gh = img->h;
		}
		gw = gw < 1 ? 1 : gw;
		gh = gh < 1 ? 1 : gh;
	}
	if ((s = fit_scale(img, gw, gh, err, errsz)) == NULL)
		return NULL;
	if ((g = calloc(1, sizeof *g)) == NULL ||
	    (g->cells = calloc((size_t)gw * ((gh + 1) / 2), sizeof *g->cells))
	    == NULL) {
		free(g);
		image_free(s);
		snprintf(err, errsz, "blocks: out of memory");
		return NULL;
	}
	g->cols = gw;
	g->rows = (gh + 1) / 2;
	g->depth = depth;
	for (y = 0; y < g->rows; y++)
		for (x = 0; x < gw; x++) {
			struct cell *c = &g->cells[(size_t)y * gw + x];

			memcpy(c->utf8, "\xe2\x96\x80", 4);	/* U+2580 */
			c->fg = px(s, x, 2 * y);
			c->fg_index = index_for(c->fg, depth);
			if (2 * y + 1 < gh) {
				c->bg = px(s, x, 2 * y + 1);
				c->bg_index = index_for(c->bg, depth);
			} else {
				c->bg = 0;
				c->bg_index = -1;
			}
		}
	image_free(s);
	return g;
}

void
cellgrid_free(struct cellgrid *g)
{
	if (g == NULL)
		return;
	free(g->cells);
	free(g);
}

/* SGR for one colour: fg (base 38 / 30 / 90) or bg (48 / 40 / 100). */
static void
sgr(struct rbuf *b, bool fg, uint32_t rgb, int index, enum blocks_depth d)
{
	char tmp[32];

	if (index < 0)
		snprintf(tmp, sizeof tmp, "\033[%dm", fg ? 39 : 49);
	else if (d == BLOCKS_TRUECOLOR)
		snprintf(tmp, sizeof tmp, "\033[%d;2;%u;%u;%um", fg ? 38 : 48,
		    rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255);
	else if (d == BLOCKS_256)
		snprintf(tmp, sizeof tmp, "\033[%d;5;%dm", fg ? 38 : 48, index);
	else
		snprintf(tmp, sizeof tmp, "\033[%dm", (fg ? 30 : 40) +
		    (index < 8 ? index : 60 + index - 8));
	rbuf_puts(b, tmp);
}

int
blocks_ansi(const struct cellgrid *g, unsigned char **out, size_t *outlen,
    char *err, size_t errsz)
{
	struct rbuf b = { 0 };
	int x, y;

	*out = NULL;
	*outlen = 0;
	if (g == NULL || g->cells == NULL) {
		snprintf(err, errsz, "blocks: no grid");
		return -1;
	}
	for (y = 0; y < g->rows; y++) {
		const struct cell *prev = NULL;

		for (x = 0; x < g->cols; x++) {
			const struct cell *c = &g->cells[(size_t)y * g->cols + x];
			bool tc = g->depth == BLOCKS_TRUECOLOR;

			if (prev == NULL || (tc ? prev->fg != c->fg :
			    prev->fg_index != c->fg_index))
				sgr(&b, true, c->fg, c->fg_index, g->depth);
			if (prev == NULL || prev->bg_index != c->bg_index ||
			    (tc && prev->bg != c->bg))
				sgr(&b, false, c->bg, c->bg_index, g->depth);
			rbuf_puts(&b, c->utf8);
			prev = c;
		}
		rbuf_puts(&b, "\033[0m\n");
	}
	if (b.failed) {
		rbuf_done(&b);
		snprintf(err, errsz, "blocks: out of memory");
		return -1;
	}
	*out = b.data;
	*outlen = b.len;
	return 0;
}
