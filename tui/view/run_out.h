/*
 * tui/view/run_out.h: the run view's output pane (tui/view/run_out.c):
 * the complete text form wrapped and scrolled, the images paged, the
 * output opened on the display.
 */
#ifndef PG_TUI_VIEW_RUN_OUT_H
#define PG_TUI_VIEW_RUN_OUT_H

#include <stdbool.h>

#include "widgets/style.h"

struct app;
struct run;
struct frame;

/* Wrap text to cols cells and paint rows [top, top + h) at (y, x) (y < 0:
 * only count); nowrap: one row a line, cut at the edge. Returns the rows the whole text takes. */
int run_out_wrap(int y, int x, int cols, int h, int top, const char *text,
    attr_t a, bool nowrap);
/* Columns the logs need at least to sit beside an image. */
#define RUN_OUT_SIDE_MIN	32
/*
 * The output text and the image (one of r->nimgs) from row; returns the
 * next free row. The image takes the rows down to bottom, as wide as its
 * shape and the cell shape make it, when RUN_OUT_SIDE_MIN columns are
 * left beside it: then *side_col is the column there (for the logs) and
 * the row returned is the image's top; else *side_col is 0 and the image
 * takes two thirds of the rows left, the logs going below.
 */
int run_out_draw(const struct app *app, const struct run *r, int row,
    int bottom, struct frame *fr, int *side_col);
/* Update step: clamp the output pane's scroll. */
void run_out_layout(struct app *app, struct run *r);
/* Open the shown output with $OPENER (else xdg-open) when there is a
 * display; its path goes to the clipboard either way. */
void run_out_open(struct app *app, const struct run *r);

#endif
