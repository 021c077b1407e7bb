/*
 * tui/view/help.c: the key help overlay, generated from the binding
 * tables (tui/keys.c): opened at the section of the context it was asked
 * from, scrolled with the usual keys, closed with Esc, ? or q.
 */
#include "tui/app.h"

#include <stdio.h>

#include "tui/view/look.h"
#include "widgets/paint.h"

/* Keys in the help: scroll it, or close it. */
static void
help_key(struct app *app, int key)
{
	enum action a = keys_lookup(CTX_HELP, key);

	switch (a) {
	case ACT_BACK:
	case ACT_HELP:
	case ACT_QUIT:
		app->overlay = OV_NONE;
		break;
	case ACT_NEXT:
		app->help.top++;
		break;
	case ACT_PREV:
		if (app->help.top > 0)
			app->help.top--;
		break;
	case ACT_PAGE_DOWN:
		app->help.top += app->rows / 2;
		break;
	case ACT_PAGE_UP:
		app->help.top -= app->rows / 2;
		if (app->help.top < 0)
			app->help.top = 0;
		break;
	case ACT_TOP:
		app->help.top = 0;
		break;
	default:
		break;
	}
	if (app->help.top < 0)
		app->help.top = 0;
	app->dirty |= DIRTY_ALL;
}

/* ---- drawing */

/* What help_row() needs while it walks the binding tables. */
struct help_acc {
	const struct app *app;
	int		 y, y0, y1, line, kw;
	enum key_ctx	 last;
};

/* One binding: a section title when the context changes, then the keys
 * and what they do, when the line is in the window. */
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
		if (h->line >= h->app->help.top && h->y < h->y1) {
			char t[64];

			snprintf(t, sizeof t, "%s", keys_ctx_name(ctx));
			paint_text(h->y++, 2, w - 4, t, ATTR(HEADER));
		}
		h->line++;
		h->last = ctx;
	}
	if (h->line >= h->app->help.top && h->y < h->y1) {
		paint_text(h->y, 4, h->kw, keys, ATTR(KEY));
		if (w > h->kw + 8)
			paint_text(h->y, 5 + h->kw, w - h->kw - 7,
			    action_help(act), ATTR(NORMAL));
		h->y++;
	}
	h->line++;
}

/* Count the bindings (the help's length, less the section titles). */
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

/* keys_each() callback: note the line where want's section starts. */
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

/* Update step: a help opened at a context starts at its section; the
 * window never scrolls past the end. The body is rows [1, rows - 1). */
static void
help_layout(struct app *app)
{
	int total = 0, h = app->rows - 2;

	if (app->help.top < 0) {
		struct help_find f = { app->help.ctx, CTX__COUNT, 0, -1 };

		keys_each(help_find_row, &f);
		app->help.top = f.found > 0 ? f.found : 0;
	}
	keys_each(help_count, &total);
	total += CTX__COUNT * 2;
	if (app->help.top > total - (h - 1))
		app->help.top = total - (h - 1) > 0 ? total - (h - 1) : 0;
}

/* The title line, then the window of help lines from help.top. */
static void
help_draw(const struct app *app)
{
	struct help_acc acc;
	int y = 1, h = app->rows - 2;

	paint_clear(y, 0, h, app->cols, ATTR(NORMAL));
	paint_text(y, 1, app->cols - 2, "Keys (generated from the binding "
	    "tables; r8play --list-keys prints them)", ATTR(TITLE));
	acc.app = app;
	acc.y = y + 1;
	acc.y0 = y + 1;
	acc.y1 = y + h;
	acc.line = 0;
	acc.kw = app->cols >= 60 ? 22 : 12;
	acc.last = CTX__COUNT;
	keys_each(help_row, &acc);
}

const struct overlay_ops help_overlay_ops = {
	.name = "help",
	.key = help_key,
	.layout = help_layout,
	.draw = help_draw,
	.covers_body = true,
};
