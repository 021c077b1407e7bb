/*
 * tui/draw.c: the frame: title bar, the view, overlays (help, prompt,
 * chooser, quit confirmation), the status line; then, after doupdate(),
 * the image blob and OSC 52 bytes straight to the tty.
 */
#include "tui/draw.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/kitty.h"
#include "tui/app.h"
#include "tui/term.h"
#include "widgets/kb.h"
#include "widgets/paint.h"
#include "widgets/style.h"
#include "widgets/tw.h"

struct image_slot draw_slot;

#define A(r) style_attr(THEME_##r)

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

static void
draw_title(struct app *app)
{
	char left[512], right[256];
	size_t inflight = app_runs_in_flight(app);
	int rw;

	paint_fill(0, 0, app->cols, A(TITLE) | A_REVERSE);
	switch (app->view) {
	case VIEW_EXPLORER:
		snprintf(left, sizeof left, " r8play \xe2\x80\xba explorer");
		break;
	case VIEW_MODEL:
		snprintf(left, sizeof left, " r8play \xe2\x80\xba %s%s%s",
		    app->mp.local ? "" : app->mp.owner,
		    app->mp.local ? "" : "/", app->mp.name);
		break;
	case VIEW_RUN:
		snprintf(left, sizeof left, " r8play \xe2\x80\xba runs");
		break;
	}
	if (app->ex.snapshot && app->nlocals == 0)
		snprintf(right, sizeof right, "offline snapshot ");
	else if (app->ex.snapshot)
		snprintf(right, sizeof right, "local ");
	else
		snprintf(right, sizeof right, "replicate ");
	if (inflight > 0) {
		char t[sizeof right];

		xsnprintf(t, sizeof t, "%zu running \xe2\x80\xa2 %s", inflight,
		    right);
		memcpy(right, t, sizeof right);
	}
	rw = tw_width(right);
	if (rw > app->cols / 2)
		rw = 0;
	paint_text(0, 0, app->cols - rw - 1, left, A(TITLE) | A_REVERSE);
	if (rw > 0)
		paint_text_right(0, app->cols - rw, rw, right,
		    A(TITLE) | A_REVERSE);
}

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

static void
draw_hints(struct app *app, int y, int x, int w)
{
	enum key_ctx ctx = app_ctx(app);
	const enum action *acts = keys_hints(ctx);
	char keys[KB_NAME_MAX];
	size_t j;
	int used = 0;

	for (j = 0; acts[j] != ACT_NONE; j++) {
		int kw, nw;

		if (keys_hint(ctx, acts[j], keys, sizeof keys) != 0)
			continue;
		kw = tw_width(keys);
		nw = tw_width(short_name(acts[j]));
		if (used + kw + nw + 3 > w)
			break;
		paint_text(y, x + used, kw, keys, A(STATUS) | A_BOLD);
		paint_text(y, x + used + kw + 1, nw, short_name(acts[j]),
		    A(STATUS));
		used += kw + nw + 3;
	}
}

static void
draw_status(struct app *app)
{
	int y = app->rows - 1;

	paint_fill(y, 0, app->cols, A(STATUS));
	if (app->overlay == OV_PROMPT) {
		int cx = prompt_draw(&app->prompt, y, 0, app->cols,
		    app->prompt_label, A(STATUS) | A_BOLD, A(STATUS));

		if (!app->script_mode) {
			move(y, cx < app->cols ? cx : app->cols - 1);
			curs_set(1);
		}
		if (app->prompt_hint[0] != '\0' && app->rows > 3) {
			paint_fill(y - 1, 0, app->cols, A(DIM));
			paint_text(y - 1, 1, app->cols - 2, app->prompt_hint,
			    A(DIM));
		}
		return;
	}
	if (app->msg[0] != '\0') {
		paint_text(y, 1, app->cols - 2, app->msg,
		    app->msg_error ? A(ERROR) : A(STATUS));
		return;
	}
	draw_hints(app, y, 1, app->cols - 2);
}

/* ---- help: generated from the key tables */

struct help_acc {
	struct app	*app;
	int		 y, y0, y1, line, kw;
	enum key_ctx	 last;
};

static void
help_row(enum key_ctx ctx, const char *keys, enum action act, void *arg)
{
	struct help_acc *h = arg;
	int w = h->app->cols;

	if (ctx == CTX_HELP)
		return;
	if (ctx != h->last) {
		if (h->last != CTX__COUNT)
			h->line++;
		if (h->line >= h->app->help_top && h->y < h->y1) {
			char t[64];

			snprintf(t, sizeof t, "%s", keys_ctx_name(ctx));
			paint_text(h->y++, 2, w - 4, t, A(HEADER));
		}
		h->line++;
		h->last = ctx;
	}
	if (h->line >= h->app->help_top && h->y < h->y1) {
		paint_text(h->y, 4, h->kw, keys, A(KEY));
		if (w > h->kw + 8)
			paint_text(h->y, 5 + h->kw, w - h->kw - 7,
			    action_help(act), A(NORMAL));
		h->y++;
	}
	h->line++;
}

static void
help_count(enum key_ctx ctx, const char *keys, enum action act, void *arg)
{
	int *n = arg;

	(void)keys;
	(void)act;
	if (ctx != CTX_HELP)
		(*n)++;
}

/* Line of the help text where ctx's section starts (-1: none). */
struct help_find {
	enum key_ctx	 want, last;
	int		 line, found;
};

static void
help_find_row(enum key_ctx ctx, const char *keys, enum action act, void *arg)
{
	struct help_find *f = arg;

	(void)keys;
	(void)act;
	if (ctx == CTX_HELP)
		return;
	if (ctx != f->last) {
		if (f->last != CTX__COUNT)
			f->line++;
		if (ctx == f->want && f->found < 0)
			f->found = f->line;
		f->line++;
		f->last = ctx;
	}
	f->line++;
}

static void
draw_help(struct app *app, int y, int h)
{
	struct help_acc acc;
	int total = 0;

	if (app->help_top < 0) {
		struct help_find f = { app->help_ctx, CTX__COUNT, 0, -1 };

		keys_each(help_find_row, &f);
		app->help_top = f.found > 0 ? f.found : 0;
	}

	paint_clear(y, 0, h, app->cols, A(NORMAL));
	paint_text(y, 1, app->cols - 2, "Keys (generated from the binding "
	    "tables; r8play --list-keys prints them)", A(TITLE));
	keys_each(help_count, &total);
	total += CTX__COUNT * 2;
	if (app->help_top > total - (h - 1))
		app->help_top = total - (h - 1) > 0 ? total - (h - 1) : 0;
	acc.app = app;
	acc.y = y + 1;
	acc.y0 = y + 1;
	acc.y1 = y + h;
	acc.line = 0;
	acc.kw = app->cols >= 60 ? 22 : 12;
	acc.last = CTX__COUNT;
	keys_each(help_row, &acc);
}

static void
draw_confirm(struct app *app)
{
	char q[128];
	int w = app->cols - 4 < 56 ? app->cols - 4 : 56;
	int y = app->rows / 2 - 2, x = (app->cols - w) / 2;
	size_t n = app_runs_in_flight(app);

	snprintf(q, sizeof q, "%zu run%s still in flight. Quit anyway?", n,
	    n == 1 ? " is" : "s are");
	paint_clear(y, x, 4, w, A(NORMAL));
	paint_box(y, x, 4, w, A(BORDER), "quit", A(TITLE));
	paint_text(y + 1, x + 2, w - 4, q, A(WARN));
	paint_text(y + 2, x + 2, w - 4, "y quit   n stay (runs go on "
	    "on the server)", A(DIM));
}

static void
draw_chooser(struct app *app)
{
	const struct mpage *mp = &app->mp;
	const struct schema_field *f;
	int h, w, y, x, i, vis;
	size_t n;

	if (mp->form == NULL || mp->focus >= mp->form->nfields)
		return;
	f = &mp->schema.fields[mp->focus];
	n = f->nchoices;
	if (n == 0)
		return;
	if (app->choose_sel >= n)
		app->choose_sel = n - 1;
	w = 0;
	for (i = 0; (size_t)i < n; i++)
		if (tw_width(f->choices[i].text) > w)
			w = tw_width(f->choices[i].text);
	w += 6;
	if (w < 24)
		w = 24;
	if (w > app->cols - 2)
		w = app->cols - 2;
	h = (int)n + 2;
	if (h > app->rows - 3)
		h = app->rows - 3;
	vis = h - 2;
	if (vis < 1)
		return;
	if (app->choose_sel < app->choose_top)
		app->choose_top = app->choose_sel;
	if (app->choose_sel >= app->choose_top + (size_t)vis)
		app->choose_top = app->choose_sel - (size_t)vis + 1;
	y = (app->rows - h) / 2;
	x = (app->cols - w) / 2;
	paint_clear(y, x, h, w, A(NORMAL));
	paint_box(y, x, h, w, A(BORDER), f->name, A(TITLE));
	for (i = 0; i < vis && app->choose_top + (size_t)i < n; i++) {
		size_t k = app->choose_top + (size_t)i;

		paint_text_pad(y + 1 + i, x + 1, w - 2, "", k == app->choose_sel ?
		    A(SELECTED) : A(NORMAL));
		paint_text(y + 1 + i, x + 2, w - 4, f->choices[k].text,
		    k == app->choose_sel ? A(SELECTED) : A(NORMAL));
	}
}

/* ---- images: written after doupdate(), cleared by overwriting cells */

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

static void
emit_image(struct app *app)
{
	const struct image_slot *s = &draw_slot;
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
	b = render_cache_get(app->rcache, s->img, &ro, err, sizeof err);
	if (b == NULL) {
		app_error(app, "image: %s", err);
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

void
draw_frame(struct app *app)
{
	int body_y = 1, body_h;

	app->rows = LINES;
	app->cols = COLS;
	app->too_small = app->rows < APP_MIN_ROWS || app->cols < APP_MIN_COLS;
	memset(&draw_slot, 0, sizeof draw_slot);
	memset(&draw_layout, 0, sizeof draw_layout);
	draw_layout.tabs_y = -1;
	curs_set(0);
	erase();
	if (app->too_small) {
		char t[96];

		snprintf(t, sizeof t, "terminal too small: %dx%d (need %dx%d)",
		    app->cols, app->rows, APP_MIN_COLS, APP_MIN_ROWS);
		paint_wrap(app->rows / 2 > 0 ? app->rows / 2 - 1 : 0, 0,
		    app->cols, app->rows, t, A(WARN));
		clear_shown(app);
		refresh();
		app->dirty = 0;
		return;
	}
	draw_title(app);
	body_h = app->rows - 2;
	if (app->overlay == OV_HELP)
		draw_help(app, body_y, body_h);
	else {
		switch (app->view) {
		case VIEW_EXPLORER:
			draw_explorer(app, body_y, body_h);
			break;
		case VIEW_MODEL:
			draw_model(app, body_y, body_h);
			break;
		case VIEW_RUN:
			draw_run(app, body_y, body_h);
			break;
		}
	}
	if (app->overlay == OV_CONFIRM_QUIT)
		draw_confirm(app);
	else if (app->overlay == OV_CHOOSE)
		draw_chooser(app);
	/* graphics images leave their cells blank; blocks draw glyphs */
	if (draw_slot.img != NULL && (app->det.mode == RENDER_MODE_BLOCKS ||
	    app->det.mode == RENDER_MODE_NONE || app->script_mode))
		draw_blocks(app, &draw_slot);
	draw_status(app);
	refresh();
	if (!app->script_mode) {
		if (app->det.mode == RENDER_MODE_SIXEL ||
		    app->det.mode == RENDER_MODE_KITTY)
			emit_image(app);
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
