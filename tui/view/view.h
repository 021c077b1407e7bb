/*
 * tui/view/view.h: how the program reaches a view. Every screen (explorer,
 * model page, runs) and every overlay (help, quit confirmation, field
 * chooser, prompt) lives in one file under tui/view/ that owns its state
 * struct, its key handler, its network-event handler and its drawing, and
 * publishes them as one table of operations (tig's view_ops, tmux's
 * window-*.c modes). app.c and draw.c dispatch through these tables and
 * know nothing of a view's insides.
 *
 * A frame has two steps. layout() is the update step: it clamps the view's
 * selections and scroll positions to what fits and records where things
 * landed on screen (the hit boxes that the next mouse click reads). draw()
 * then paints from a const struct app: drawing changes no state. The hit
 * boxes live in the view's own state rather than in a global the drawing
 * fills, so whatever reads them (mouse) sees the layout of the last frame
 * and nothing else can write them.
 */
#ifndef PG_TUI_VIEW_VIEW_H
#define PG_TUI_VIEW_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/actions.h"
#include "tui/keys.h"

struct app;
struct client_event;
struct image;

/* What a frame's drawing hands back to draw.c besides the cells: where
 * an image should go (rows == 0: none); draw.c emits it after doupdate(). */
struct image_slot {
	const struct image *img;
	const void	*key;	/* what it shows (to skip re-sending it) */
	int		 row, col, rows, cols;
};

struct frame {
	struct image_slot image;
	/* the run view's output pane: the furthest top that still fills it
	 * (-1: no pane drawn), for run out_run; draw_frame() clamps that
	 * run's out_top to it after painting, so k after G moves at once */
	int		 out_run, out_top_max;
};

/* A screen: one of enum view (tui/app.h). Any pointer may be NULL. */
struct view_ops {
	const char	*name;
	/* The key context for the bindings (tui/keys.c) and the hints. */
	enum key_ctx	(*ctx)(const struct app *app);
	/* A bound key's action (global actions are handled before). */
	void		(*action)(struct app *app, enum action a);
	/* A network event: true when one of this view's requests. */
	bool		(*event)(struct app *app, struct client_event *ev);
	/* Update step for rows [y, y + h): clamps, scroll, hit boxes. */
	void		(*layout)(struct app *app, int y, int h);
	/* Paint rows [y, y + h) from the state. */
	void		(*draw)(const struct app *app, int y, int h,
			    struct frame *fr);
	/* A button-1 click at screen cell (y, x), through the hit boxes. */
	void		(*mouse)(struct app *app, int y, int x);
	/* The title bar's left part (" r8play > ..."). */
	void		(*title)(const struct app *app, char *buf, size_t n);
	/* Whether a hinted action does anything now (NULL: all do); the
	 * status line leaves out the hints of those that do not. */
	bool		(*hint_ok)(const struct app *app, enum action a);
	/* Timers, for every view whether shown or not: run what is due at
	 * now (monotonic ms); due_ms() is the earliest pending (0: none). */
	void		(*tick)(struct app *app, long long now);
	long long	(*due_ms)(const struct app *app);
	/* Something of the view's is still to come: the screen is not final
	 * (app_idle). */
	bool		(*busy)(const struct app *app);
};

/* An overlay: one of enum overlay (tui/app.h), drawn over the screen. */
struct overlay_ops {
	const char	*name;
	/* A raw key (prompts edit text, so they see keys, not actions). */
	void		(*key)(struct app *app, int key);
	/* Update step for the whole terminal (rows x cols). */
	void		(*layout)(struct app *app);
	/* Paint over the screen; body rows are [1, rows - 1). */
	void		(*draw)(const struct app *app);
	bool		 covers_body;	/* the screen's view is not drawn */
	bool		 on_status_row;	/* drawn instead of the status line */
};

/* The table of each, indexed by enum view / enum overlay (NULL for
 * OV_NONE); VIEW__COUNT views. */
const struct view_ops *view_ops_of(int view);
const struct overlay_ops *view_overlay_ops_of(int overlay);

extern const struct view_ops explorer_view_ops;
extern const struct view_ops model_view_ops;
extern const struct view_ops run_view_ops;
extern const struct view_ops gpu_view_ops;
extern const struct view_ops compare_view_ops;
extern const struct view_ops dev_view_ops;
extern const struct view_ops history_view_ops;
extern const struct overlay_ops help_overlay_ops;
extern const struct overlay_ops confirm_overlay_ops;
extern const struct overlay_ops chooser_overlay_ops;
extern const struct overlay_ops prompt_overlay_ops;
extern const struct overlay_ops dock_quit_overlay_ops;
extern const struct overlay_ops dock_pull_overlay_ops;

/* tui/view/dock_pull.c: the boot panel under a local playground whose
 * container is Booting: its rows out of the h the page body has (0: none,
 * the page is not Booting), and its drawing at row y. */
int dock_boot_panel_rows(const struct app *app, int h);
void dock_boot_panel_draw(const struct app *app, int y, int rows);
/* The setup logs of local idx (a heading with the time in state, then
 * the newest lines) in at most rows rows from y; returns the rows used. */
int dock_boot_logs_draw(const struct app *app, size_t idx, int y, int rows);
extern const struct overlay_ops dock_cpu_overlay_ops;

/* Keep sel visible in a window of h rows starting at *top (h <= 0: no
 * change). Layout steps share it. */
void view_scroll_to(size_t sel, size_t *top, int h);

#endif
