/*
 * tui/draw.c: the frame. draw_frame() runs the update step (app_layout),
 * then paints from a const struct app: the title bar, the current view or
 * an overlay through their tables (tui/view/view.h), the status line;
 * then, after doupdate(), the image blob and OSC 52 bytes straight to the
 * tty. The frame's image slot is a local handed from the view's drawing
 * to the emitter, not a global.
 */
#include "tui/draw.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/kitty.h"
#include "tui/app.h"
#include "tui/term.h"
#include "tui/view/look.h"
#include "widgets/kb.h"
#include "widgets/paint.h"
#include "widgets/style.h"
#include "widgets/tw.h"


const char *
draw_count(long long n, char *buf, size_t bufsz)
{
	if (n < 0)
		snprintf(buf, bufsz, "-");
	else if (n >= 1000000000LL)
		snprintf(buf, bufsz, "%.1fB", (double)n / 1e9);
	else if (n >= 1000000)
		snprintf(buf, bufsz, "%.1fM", (double)n / 1e6);
	else if (n >= 10000)
		snprintf(buf, bufsz, "%.1fk", (double)n / 1e3);
	else
		snprintf(buf, bufsz, "%lld", n);
	return buf;
}

/* The title bar: where we are on the left, runs and the source right. */
static void
draw_title(const struct app *app)
{
	char left[512], right[256];
	size_t inflight = app_runs_in_flight(app);
	int rw;

	paint_fill(0, 0, app->cols, ATTR(TITLE) | A_REVERSE);
	view_ops_of(app->view)->title(app, left, sizeof left);
	if (app->ex.snapshot && app->nlocals == 0)
		snprintf(right, sizeof right, "offline snapshot ");
	else if (app->ex.snapshot)
		snprintf(right, sizeof right, "local ");
	else
		snprintf(right, sizeof right, "replicate ");
	{
		char gs[160], t[sizeof right];

		/* the GPU strip, when there is a driver and room for it */
		gpu_view_strip(app, gs, sizeof gs, app->cols / 2 -
		    tw_width(right) - 3);
		if (gs[0] != '\0') {
			xsnprintf(t, sizeof t, "%s \xe2\x80\xa2 %s", gs, right);
			memcpy(right, t, sizeof right);
		}
	}
	if (inflight > 0) {
		char t[sizeof right];

		xsnprintf(t, sizeof t, "%zu running \xe2\x80\xa2 %s", inflight,
		    right);
		memcpy(right, t, sizeof right);
	}
	rw = tw_width(right);
	if (rw > app->cols / 2)
		rw = 0;
	paint_text(0, 0, app->cols - rw - 1, left, ATTR(TITLE) | A_REVERSE);
	if (rw > 0)
		paint_text_right(0, app->cols - rw, rw, right,
		    ATTR(TITLE) | A_REVERSE);
}

/* The word a hint shows for an action (its name when none). */
static const char *
short_name(enum action a)
{
	switch (a) {
	case ACT_OPEN:
		return "open";
	case ACT_EDIT:
		return "edit";
	case ACT_RESET_FORM:
		return "reset";
	case ACT_TAB_NEXT:
		return "tab";
	case ACT_LOAD_EXAMPLE:
		return "load";
	case ACT_CANCEL_RUN:
		return "cancel";
	case ACT_RUN_AGAIN:
		return "again";
	case ACT_INC:
		return "more";
	case ACT_DEC:
		return "less";
	case ACT_COLLECTIONS:
		return "collections";
	case ACT_FMT_NEXT:
		return "format";
	default:
		return action_name(a);
	}
}

/* The current context's hint keys, as many as fit in w cells. */
static void
draw_hints(const struct app *app, int y, int x, int w)
{
	enum key_ctx ctx = app_ctx(app);
	const enum action *acts = keys_hints(ctx);
	const struct view_ops *v = view_ops_of(app->view);
	char keys[KB_NAME_MAX];
	size_t j;
	int used = 0;

	for (j = 0; acts[j] != ACT_NONE; j++) {
		int kw, nw;

		if (keys_hint(ctx, acts[j], keys, sizeof keys) != 0 ||
		    (app->overlay == OV_NONE && v->hint_ok != NULL &&
		    !v->hint_ok(app, acts[j])))
			continue;
		kw = tw_width(keys);
		nw = tw_width(short_name(acts[j]));
		if (used + kw + nw + 3 > w)
			break;
		paint_text(y, x + used, kw, keys, ATTR(STATUS) | A_BOLD);
		paint_text(y, x + used + kw + 1, nw, short_name(acts[j]),
		    ATTR(STATUS));
		used += kw + nw + 3;
	}
}

/* The status line: an error, a retry wait's countdown, the message, else
 * the key hints of the context. */
static void
draw_status(const struct app *app)
{
	int y = app->rows - 1;

	paint_fill(y, 0, app->cols, ATTR(STATUS));
	if (app->wait_msg[0] != '\0' && !(app->msg[0] != '\0' &&
	    app->msg_error)) {
		paint_text(y, 1, app->cols - 2, app->wait_msg, ATTR(STATUS));
		return;
	}
	if (app->msg[0] != '\0') {
		paint_text(y, 1, app->cols - 2, app->msg,
		    app->msg_error ? ATTR(ERROR) : ATTR(STATUS));
		return;
	}
	draw_hints(app, y, 1, app->cols - 2);
}

/* ---- half blocks into ncurses cells */

void
draw_blocks(const struct app *app, const struct image_slot *s)
{
	struct cellgrid *g;
	char err[128];
	int x, y;

	g = blocks_render(s->img, s->cols, s->rows, app->cell_w, app->cell_h,
	    false, style_depth() >= STYLE_256 ? BLOCKS_256 : BLOCKS_16, err,
	    sizeof err);
	if (g == NULL)
		return;
	for (y = 0; y < g->rows && s->row + y < LINES - 1; y++)
		for (x = 0; x < g->cols && s->col + x < COLS; x++) {
			const struct cell *c = &g->cells[y * g->cols + x];
			int pair = 0;
			cchar_t cc;
			wchar_t w[2] = { 0, 0 };

			if (style_depth() != STYLE_MONO && c->fg_index >= 0)
				pair = alloc_pair(c->fg_index, c->bg_index);
			if (mbtowc(&w[0], c->utf8, strlen(c->utf8)) <= 0)
				w[0] = L' ';
			setcchar(&cc, w, A_NORMAL, 0, &pair);
			mvadd_wch(s->row + y, s->col + x, &cc);
		}
	cellgrid_free(g);
}

/* ---- images: written after doupdate(), cleared by overwriting cells */

/* Make the terminal forget the image on screen (cells, kitty id). */
static void
clear_shown(struct app *app)
{
	if (!app->shown.on)
		return;
	/* make ncurses rewrite the cells the image covered; kitty keeps
	 * images apart from the text, so delete it by id as well */
	if (!app->script_mode) {
		wredrawln(stdscr, app->shown.row, app->shown.rows);
		if (app->det.mode == RENDER_MODE_KITTY) {
			char del[64];
			size_t n = kitty_delete(1, del, sizeof del);

			term_write(del, n);
		}
	}
	app->shown.on = false;
}

/* Send the frame's image (sixel / kitty) unless it is already there. */
static void
emit_image(struct app *app, const struct image_slot *s)
{
	struct render_opts ro;
	const struct render_blob *b;
	struct render_blob wrapped;
	char err[APP_MSG_MAX];

	if (s->img == NULL || s->rows <= 0 || s->cols <= 0) {
		if (app->shown.on) {
			clear_shown(app);
			refresh();
		}
		return;
	}
	if (app->shown.on && app->shown.key == s->key &&
	    app->shown.row == s->row && app->shown.col == s->col &&
	    app->shown.rows == s->rows && app->shown.cols == s->cols)
		return;		/* still there: ncurses left its cells alone */
	if (app->shown.on) {
		clear_shown(app);
		refresh();
	}
	memset(&ro, 0, sizeof ro);
	ro.mode = app->det.mode;
	ro.cols = s->cols;
	ro.rows = s->rows;
	ro.cell_w = app->cell_w;
	ro.cell_h = app->cell_h;
	ro.max_w = app->det.max_w;
	ro.max_h = app->det.max_h;
	ro.colors = app->det.color_registers > 0 &&
	    app->det.color_registers < 256 ? app->det.color_registers : 256;
	/* unwrapped: render_place() wraps cursor moves and image together */
	ro.passthrough = RENDER_PASS_NONE;
	ro.kitty_id = 1;
	ro.depth = app->det.depth;
	/* encoded on the render worker: until its blob is cached the
	 * cells stay blank; images_update() queues the encode */
	b = images_blob(app, s->img, &ro);
	if (b == NULL) {
		app->imgs.want = true;
		app->imgs.want_img = s->img;
		app->imgs.want_ro = ro;
		return;
	}
	/* Inside tmux the save, CUP and image all pass through to the outer
	 * terminal, whose coordinates include the pane's offset. */
	if (render_place(b, s->row, s->col, app->rows, app->det.passthrough,
	    app->pane_row, app->pane_col, &wrapped, err, sizeof err) != 0)
		return;
	term_write(wrapped.data, wrapped.len);
	render_blob_done(&wrapped);
	app->shown.on = true;
	app->shown.key = s->key;
	app->shown.row = s->row;
	app->shown.col = s->col;
	app->shown.rows = b->rows > 0 ? b->rows : s->rows;
	app->shown.cols = b->cols > 0 ? b->cols : s->cols;
}

/* Paint the frame from the state: title, view (or help), overlays, the
 * half-block image, the status line. Changes nothing in app. */
static void
paint_frame(const struct app *app, struct frame *fr)
{
	const struct overlay_ops *ov = view_overlay_ops_of(app->overlay);

	draw_title(app);
	if (ov == NULL || !ov->covers_body)
		view_ops_of(app->view)->draw(app, 1, app->rows - 2, fr);
	if (ov != NULL && !ov->on_status_row)
		ov->draw(app);
	/* graphics images leave their cells blank; blocks draw glyphs */
	if (fr->image.img != NULL && (app->det.mode == RENDER_MODE_BLOCKS ||
	    app->det.mode == RENDER_MODE_NONE || app->script_mode))
		draw_blocks(app, &fr->image);
	if (ov != NULL && ov->on_status_row)
		ov->draw(app);
	else
		draw_status(app);
}

void
draw_frame(struct app *app)
{
	struct frame fr;

	app->rows = LINES;
	app->cols = COLS;
	/* the update step: clamps, scroll positions, hit boxes */
	app_layout(app);
	memset(&fr, 0, sizeof fr);
	fr.out_top_max = -1;
	curs_set(0);
	erase();
	if (app->too_small) {
		char t[96];

		snprintf(t, sizeof t, "terminal too small: %dx%d (need %dx%d)",
		    app->cols, app->rows, APP_MIN_COLS, APP_MIN_ROWS);
		paint_wrap(app->rows / 2 > 0 ? app->rows / 2 - 1 : 0, 0,
		    app->cols, app->rows, t, ATTR(WARN));
		clear_shown(app);
		refresh();
		app->dirty = 0;
		return;
	}
	paint_frame(app, &fr);
	/* the output pane's scroll past its end (G, or a shrunk pane) comes
	 * back to the last top that fills it: the next k moves */
	if (fr.out_top_max >= 0 && fr.out_run >= 0 &&
	    (size_t)fr.out_run < app->nruns
	    && app->runs[fr.out_run].out_top > fr.out_top_max)
		app->runs[fr.out_run].out_top = fr.out_top_max;
	refresh();
	if (!app->script_mode) {
		if (app->det.mode == RENDER_MODE_SIXEL ||
		    app->det.mode == RENDER_MODE_KITTY)
			emit_image(app, &fr.image);
		if (app->osc52 != NULL) {
			term_write(app->osc52, strlen(app->osc52));
			free(app->osc52);
			app->osc52 = NULL;
		}
	} else {
		free(app->osc52);
		app->osc52 = NULL;
	}
	app->dirty = 0;
}
