/*
 * render/fit.h: geometry. How many pixels a cell has, how big an image may
 * be drawn in a box of cells (aspect kept, no upscaling unless asked), and
 * an area-averaging scaler that does not alias. Pure functions.
 */
#ifndef PG_RENDER_FIT_H
#define PG_RENDER_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "render/image.h"

/* Cell size used when nothing better is known. */
#define FIT_DEFAULT_CELL_W	10
#define FIT_DEFAULT_CELL_H	20
/* Plausible cell sizes; anything outside is ignored as garbage. */
#define FIT_MIN_CELL		2
#define FIT_MAX_CELL		200

/* What is known of the terminal's geometry; 0 means unknown. */
struct fit_geom {
	int cols, rows;		/* TIOCGWINSZ ws_col / ws_row */
	int xpixel, ypixel;	/* TIOCGWINSZ ws_xpixel / ws_ypixel */
	int cell16_w, cell16_h;	/* CSI 16 t reply: cell width, height */
	int win14_w, win14_h;	/* CSI 14 t reply: text area width, height */
};

/*
 * Cell pixel size: TIOCGWINSZ pixels / grid, else the CSI 16 t reply, else
 * CSI 14 t / grid, else FIT_DEFAULT_CELL_W x _H. Never returns a size
 * outside FIT_MIN_CELL..FIT_MAX_CELL.
 */
void fit_cell_size(const struct fit_geom *g, int *cell_w, int *cell_h);

/*
 * Largest w x h with the aspect of img_w x img_h inside box_w x box_h
 * pixels; without upscale it is also at most img_w x img_h. Results >= 1
 * (0 when an input is <= 0).
 */
void fit_box(int img_w, int img_h, int box_w, int box_h, bool upscale,
    int *out_w, int *out_h);

/*
 * Fit into cols x rows cells of cell_w x cell_h pixels: the pixel size
 * (*px_w, *px_h) and the cells it covers (*used_cols, *used_rows, the
 * pixel size rounded up to whole cells, never more than cols x rows).
 */
void fit_cells(int img_w, int img_h, int cols, int rows, int cell_w,
    int cell_h, bool upscale, int *px_w, int *px_h, int *used_cols,
    int *used_rows);

/*
 * New image of w x h (caller frees with image_free()) from src by area
 * averaging (each output pixel is the coverage-weighted mean of the source
 * pixels under it; for upscaling this is a box/bilinear blend). Returns NULL
 * with err filled on bad sizes or ENOMEM.
 */
struct image *fit_scale(const struct image *src, int w, int h, char *err,
    size_t errsz);

#endif
