/*
 * tui/draw.h: one frame from the state. draw_frame() lays out the title
 * bar, the current view, overlays and the status line with ncurses, calls
 * doupdate(), then writes image blobs (sixel/kitty) at saved cursor
 * positions and any pending OSC 52. It changes no state except the dirty
 * bits and what is on screen (app->shown).
 */
#ifndef PG_TUI_DRAW_H
#define PG_TUI_DRAW_H

#include <stddef.h>

struct app;

void draw_frame(struct app *app);

/* Views (draw_views.c); each draws rows [y, y + h) of the screen. */
void draw_explorer(struct app *app, int y, int h);
void draw_model(struct app *app, int y, int h);
void draw_run(struct app *app, int y, int h);

/* The image area of the current view: where an image should be, or
 * rows == 0 when none (draw_views.c fills it; draw.c emits it). */
struct image;
struct image_slot {
	const struct image *img;
	const void	*key;
	int		 row, col, rows, cols;
};
extern struct image_slot draw_slot;

/* Where the last frame put its lists (for mouse clicks): the screen row
 * of the first visible item and how many rows; list_w the width. */
struct draw_layout {
	int	list_y, list_rows, list_w;
	int	form_y, form_rows;
	int	tabs_y;
};
extern struct draw_layout draw_layout;

/* Draw img into the cells of the slot with half blocks (no graphics). */
void draw_blocks(const struct app *app, const struct image_slot *s);

/* "1.2M", "34.5k", "999" (or "-" for < 0) into buf. */
const char *draw_count(long long n, char *buf, size_t bufsz);

#endif
