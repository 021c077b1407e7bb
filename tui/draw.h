/*
 * tui/draw.h: one frame from the state. draw_frame() runs the update step
 * (app_layout: clamps, scroll positions, hit boxes), paints the title bar,
 * the current view, overlays and the status line with ncurses from a const
 * struct app, calls doupdate(), then writes image blobs (sixel/kitty) at
 * saved cursor positions and any pending OSC 52. Beyond the layout it
 * changes only the dirty bits and what is on screen (app->shown).
 */
#ifndef PG_TUI_DRAW_H
#define PG_TUI_DRAW_H

#include <stddef.h>

#include "tui/view/view.h"

struct app;

/* Lay out, paint and flush one frame. */
void draw_frame(struct app *app);

/* Draw img into the cells of the slot with half blocks (no graphics). */
void draw_blocks(const struct app *app, const struct image_slot *s);

/* "1.2M", "34.5k", "999" (or "-" for < 0) into buf. */
const char *draw_count(long long n, char *buf, size_t bufsz);

#endif
