/*
 * render/blocks.h: the fallback that works everywhere: each cell is an
 * upper half block (U+2580) whose foreground is the top pixel and whose
 * background is the bottom pixel. Colours are 24-bit, or the nearest entry
 * of xterm's 256-colour palette, or of the 16 ANSI colours.
 */
#ifndef PG_RENDER_BLOCKS_H
#define PG_RENDER_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/image.h"

enum blocks_depth {
	BLOCKS_16,		/* ANSI 0..15 */
	BLOCKS_256,		/* xterm 16..255 (cube and greys) */
	BLOCKS_TRUECOLOR	/* 24-bit */
};

/*
 * One cell. utf8 is the glyph, NUL-terminated ("\u2580", or " " where the
 * cell is outside the picture). fg/bg are 0xRRGGBB; fg_index/bg_index the
 * palette entry for the grid's depth (for BLOCKS_TRUECOLOR the nearest
 * 256-colour entry, for terminals without direct colour). bg_index -1 (and
 * bg 0) means "terminal default": the bottom half of the last row of an
 * odd-height picture.
 */
struct cell {
	char		utf8[5];
	uint32_t	fg, bg;
	int		fg_index, bg_index;
};

/* cols x rows cells, row-major. Owns cells. */
struct cellgrid {
	int		 cols, rows;
	enum blocks_depth depth;
	struct cell	*cells;
};

/*
 * Fit img into cols x rows cells of cell_w x cell_h pixels (0: 10x20),
 * as large as the box allows with the aspect kept (the cell shape taken
 * from cell_w x cell_h), and build the grid: one sample per cell across,
 * two down. Without upscale a picture is never sampled finer than its
 * own pixels (a 16x16 icon gives 16x8 cells). The grid is only as big as
 * the picture (<= cols x rows). Returns a new grid (free
 * with cellgrid_free()) or NULL with err filled.
 */
struct cellgrid *blocks_render(const struct image *img, int cols, int rows,
    int cell_w, int cell_h, bool upscale, enum blocks_depth depth, char *err,
    size_t errsz);

void cellgrid_free(struct cellgrid *g);

/*
 * The grid as ANSI text for a plain stdout: SGR colours for g->depth, a
 * reset and "\n" after each row. *out malloc'd (caller frees with free()).
 * Returns 0, or -1 with err filled.
 */
int blocks_ansi(const struct cellgrid *g, unsigned char **out, size_t *outlen,
    char *err, size_t errsz);

/* BLOCKS_TRUECOLOR when COLORTERM is truecolor/24bit, BLOCKS_256 when
 * TERM mentions 256color, else BLOCKS_16. Either may be NULL. */
enum blocks_depth blocks_depth_from_env(const char *colorterm,
    const char *term);

/* Nearest xterm palette entry: 16..255 / 0..15 (squared RGB distance). */
int blocks_nearest256(uint32_t rgb);
int blocks_nearest16(uint32_t rgb);
/* xterm's default RGB for palette index 0..255 (0 outside). */
uint32_t blocks_palette(int index);

#endif
