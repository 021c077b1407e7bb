/*
 * tui/view/overlay.c: the small overlays: the one-line prompt on the
 * status row (filter, search, a field's text, a file path, a cost input),
 * the chooser of an enum field's values, and the quit confirmation. Each
 * owns its keys, its layout and its drawing, reached through its struct
 * overlay_ops; the help overlay is tui/view/help.c.
 */
#include "tui/app.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/view/look.h"
#include "widgets/kb.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

void
overlay_prompt_open(struct app *app, enum prompt_kind k, const char *label,
    const char *text, bool secret, const char *hint)
{
	app->overlay = OV_PROMPT;
	app->prompt.kind = k;
	xsnprintf(app->prompt.label, sizeof app->prompt.label, "%s", label);
	xsnprintf(app->prompt.hint, sizeof app->prompt.hint, "%s",
	    hint ? hint : "");
	prompt_set(&app->prompt.edit, text, secret);
	app->prompt.selected = false;
	app->dirty |= DIRTY_ALL;
}

void
overlay_prompt_select_all(struct app *app)
{
	app->prompt.selected = app->prompt.edit.len > 0;
	app->dirty |= DIRTY_STATUS;
}

/* The prompt closed: whoever opened it takes the text (ok: Enter). */
static void
prompt_finish(struct app *app, bool ok)
{
	if (app->prompt.kind == PK_FILTER || app->prompt.kind == PK_SEARCH)
		explorer_prompt_done(app, ok);
	else if (app->prompt.kind == PK_HISTORY)
		hist_view_prompt_done(app, ok);
	else
		tab_play_prompt_done(app, ok);
	app->dirty |= DIRTY_ALL;
}

/* Keys edit the prompt's text; Enter, Esc and Tab reach its owner. */
static void
prompt_key_in(struct app *app, int key)
{
	/* a selected text goes at the first character typed or erased;
	 * any other key keeps it and ends the selection */
	bool erase = key == 0x7f || key == KB_CTRL('h') ||
	    key == (KB_FN | KEY_BACKSPACE) || key == (KB_FN | KEY_DC);
	bool typed = key >= 0x20 && key != 0x7f && key < KB_FN;

	if (app->prompt.selected) {
		app->prompt.selected = false;
		app->dirty |= DIRTY_STATUS;
		if (erase || typed) {
			prompt_set(&app->prompt.edit, "",
			    app->prompt.edit.secret);
			app->prompt.edit.changed = true;
			if (erase)
				key = 0;
		}
	}
	switch (key != 0 ? prompt_key(&app->prompt.edit, key) : WR_HANDLED) {
	case WR_SUBMIT:
		prompt_finish(app, true);
		return;
	case WR_CANCEL:
		prompt_finish(app, false);
		return;
	case WR_COMPLETE:
		if (app->prompt.kind == PK_PATH)
			tab_play_prompt_complete(app);
		break;
	case WR_HANDLED:
	case WR_IGNORED:
		break;
	}
	if (app->prompt.edit.changed) {
		app->prompt.edit.changed = false;
		if (app->prompt.kind == PK_FILTER ||
		    app->prompt.kind == PK_SEARCH)
			explorer_prompt_changed(app);
	}
	app->dirty |= DIRTY_STATUS;
}

/* Keys move in the chooser; Enter or Space takes, Esc leaves. */
static void
chooser_key(struct app *app, int key)
{
	enum action a = keys_lookup(CTX_GLOBAL, key);
	int page = app->rows / 2;

	switch (a) {
	case ACT_NEXT:
		app->chooser.sel++;
		break;
	case ACT_PREV:
		if (app->chooser.sel > 0)
			app->chooser.sel--;
		break;
	case ACT_PAGE_DOWN:
		app->chooser.sel += (size_t)page;
		break;
	case ACT_PAGE_UP:
		app->chooser.sel = app->chooser.sel > (size_t)page ?
		    app->chooser.sel - (size_t)page : 0;
		break;
	case ACT_TOP:
		app->chooser.sel = 0;
		break;
	case ACT_BOTTOM:
		app->chooser.sel = (size_t)-1 / 2;
		break;
	case ACT_OPEN:
		tab_play_choose_done(app, true);
		break;
	case ACT_BACK:
	case ACT_QUIT:
		tab_play_choose_done(app, false);
		break;
	default:
		if (key == ' ')
			tab_play_choose_done(app, true);
		break;
	}
	app->dirty |= DIRTY_ALL;
}

/* y quits, n or Esc stays. */
static void
confirm_key(struct app *app, int key)
{
	enum action a = keys_lookup(CTX_CONFIRM, key);

	if (a == ACT_YES)
		app->quit = true;
	else if (a == ACT_NO || a == ACT_BACK)
		app->overlay = OV_NONE;
	app->dirty |= DIRTY_ALL;
}

/* ---- drawing */

/* "N runs still in flight. Quit anyway?" */
static void
confirm_draw(const struct app *app)
{
	char q[128];
	int w = app->cols - 4 < 56 ? app->cols - 4 : 56;
	int y = app->rows / 2 - 2, x = (app->cols - w) / 2;
	size_t n = app_runs_in_flight(app);

	snprintf(q, sizeof q, "%zu run%s still in flight. Quit anyway?", n,
	    n == 1 ? " is" : "s are");
	paint_clear(y, x, 4, w, ATTR(NORMAL));
	paint_box(y, x, 4, w, ATTR(BORDER), "quit", ATTR(TITLE));
	paint_text(y + 1, x + 2, w - 4, q, ATTR(WARN));
	paint_text(y + 2, x + 2, w - 4, "y quit (runs continue)   "
	    "n stay", ATTR(DIM));
}

/* The prompt on the status row, its hint on the row above. */
static void
prompt_draw_row(const struct app *app)
{
	int y = app->rows - 1;
	int cx;

	paint_fill(y, 0, app->cols, ATTR(STATUS));
	if (app->prompt.edit.secret) {
		/* the same fixed mask as the form: typing does not tell the
		 * length */
		cx = paint_text(y, 0, app->cols, app->prompt.label,
		    ATTR(STATUS) | A_BOLD);
		cx += paint_text(y, cx, app->cols - cx,
		    app->prompt.edit.len ? SECRET_MASK : "", ATTR(STATUS));
	} else
		cx = prompt_draw(&app->prompt.edit, y, 0, app->cols,
		    app->prompt.label, ATTR(STATUS) | A_BOLD, ATTR(STATUS) |
		    (app->prompt.selected ? A_REVERSE : 0));
	if (!app->script_mode) {
		move(y, cx < app->cols ? cx : app->cols - 1);
		curs_set(1);
	}
	if (app->prompt.hint[0] != '\0' && app->rows > 3) {
		paint_fill(y - 1, 0, app->cols, ATTR(DIM));
		paint_text(y - 1, 1, app->cols - 2, app->prompt.hint, ATTR(DIM));
	}
}

/* The chooser's box, centred: the field, its width and height in cells,
 * the rows of choices it shows. */
struct chooser_geom {
	const struct schema_field *f;
	size_t	n;
	int	h, w, y, x, vis;
};

/* false: nothing to choose (no form, no choices, no room). */
static bool
chooser_geom(const struct app *app, struct chooser_geom *g)
{
	const struct mpage *mp = &app->mp;
	size_t i;

	memset(g, 0, sizeof *g);
	if (mp->form == NULL || mp->focus >= mp->form->nfields)
		return false;
	g->f = &mp->schema.fields[mp->focus];
	g->n = g->f->nchoices;
	if (g->n == 0)
		return false;
	g->w = 0;
	for (i = 0; i < g->n; i++)
		if (tw_width(g->f->choices[i].text) > g->w)
			g->w = tw_width(g->f->choices[i].text);
	g->w += 6;
	if (g->w < 24)
		g->w = 24;
	if (g->w > app->cols - 2)
		g->w = app->cols - 2;
	g->h = (int)g->n + 2;
	if (g->h > app->rows - 3)
		g->h = app->rows - 3;
	g->vis = g->h - 2;
	g->y = (app->rows - g->h) / 2;
	g->x = (app->cols - g->w) / 2;
	return g->vis >= 1;
}

/* Update step: the selection in range and in view. */
static void
chooser_layout(struct app *app)
{
	struct chooser_view *cv = &app->chooser;
	struct chooser_geom g;

	if (!chooser_geom(app, &g)) {
		if (g.n > 0 && cv->sel >= g.n)
			cv->sel = g.n - 1;
		return;
	}
	if (cv->sel >= g.n)
		cv->sel = g.n - 1;
	view_scroll_to(cv->sel, &cv->top, g.vis);
}

/* The box of choices, the selected one highlighted. */
static void
chooser_draw(const struct app *app)
{
	const struct chooser_view *cv = &app->chooser;
	struct chooser_geom g;
	int i;

	if (!chooser_geom(app, &g))
		return;
	paint_clear(g.y, g.x, g.h, g.w, ATTR(NORMAL));
	paint_box(g.y, g.x, g.h, g.w, ATTR(BORDER), g.f->name, ATTR(TITLE));
	for (i = 0; i < g.vis && cv->top + (size_t)i < g.n; i++) {
		size_t k = cv->top + (size_t)i;
		attr_t at = k == cv->sel ? ATTR(SELECTED) : ATTR(NORMAL);

		paint_text_pad(g.y + 1 + i, g.x + 1, g.w - 2, "", at);
		paint_text(g.y + 1 + i, g.x + 2, g.w - 4, g.f->choices[k].text,
		    at);
	}
}

const struct overlay_ops prompt_overlay_ops = {
	.name = "prompt",
	.key = prompt_key_in,
	.draw = prompt_draw_row,
	.on_status_row = true,
};

const struct overlay_ops chooser_overlay_ops = {
	.name = "chooser",
	.key = chooser_key,
	.layout = chooser_layout,
	.draw = chooser_draw,
};

const struct overlay_ops confirm_overlay_ops = {
	.name = "confirm",
	.key = confirm_key,
	.draw = confirm_draw,
};
