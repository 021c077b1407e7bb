/*
 * tui/view/explorer.c: the explorer view, the models list. Rows come a
 * page at a time (the next page is fetched as the selection nears the
 * end), from search results, or from a collection; the local filter
 * narrows what is shown without a request. Local Cog servers are listed
 * first. Owns the list's keys, its network events (pages, search,
 * collections), its layout (selection kept in view, the list's hit box)
 * and its drawing; the details pane beside the list (text and cover
 * image) is explorer_details.c's.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/docker/docker.h"
#include "tui/draw.h"
#include "tui/view/look.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

/* Move the selection by delta rows; near the end, fetch the next page. */
static void
move_sel(struct app *app, long delta)
{
	struct explorer *ex = &app->ex;
	size_t n = explorer_count(app);
	long s = (long)ex->sel + delta;

	if (ex->pane == 1) {
		ex->detail_top += (int)delta;
		if (ex->detail_top < 0)
			ex->detail_top = 0;
		app->dirty |= DIRTY_LIST;
		return;
	}
	if (n == 0)
		return;
	if (s < 0)
		s = 0;
	if (s >= (long)n)
		s = (long)n - 1;
	if ((size_t)s != ex->sel) {
		ex->detail_top = 0;
		ex->sel = (size_t)s;
		explorer_cover_changed(app);
	}
	app->dirty |= DIRTY_LIST | DIRTY_IMAGE;
	/* page on demand: near the end of what is loaded, fetch the next */
	if (ex->mode == EXM_ALL && ex->next != NULL && ex->req == 0 &&
	    ex->sel + APP_PAGE_AHEAD >= n)
		explorer_load_more(app);
}

/* Enter: open a model's page, a local server's, or a collection. */
static void
open_selected(struct app *app)
{
	struct explorer *ex = &app->ex;
	const struct model *m;

	if (ex->mode == EXM_COLLECTIONS) {
		if (ex->sel < ex->ncolls)
			explorer_load_collection(app, ex->colls[ex->sel].slug,
			    ex->colls[ex->sel].name);
		return;
	}
	if (explorer_local_at(app, ex->sel) >= 0) {
		model_open_local(app, (size_t)explorer_local_at(app, ex->sel));
		return;
	}
	m = explorer_model_at(app, ex->sel);
	if (m != NULL && m->owner != NULL && m->name != NULL)
		model_open(app, m->owner, m->name);
}

/* A bound key in the explorer. */
static void
explorer_action(struct app *app, enum action a)
{
	struct explorer *ex = &app->ex;
	int page = app->rows - 5 > 1 ? app->rows - 5 : 1;

	switch (a) {
	case ACT_NEXT:
		move_sel(app, 1);
		break;
	case ACT_PREV:
		move_sel(app, -1);
		break;
	case ACT_PAGE_DOWN:
		move_sel(app, page);
		break;
	case ACT_PAGE_UP:
		move_sel(app, -page);
		break;
	case ACT_TOP:
		move_sel(app, -(long)explorer_count(app));
		break;
	case ACT_BOTTOM:
		move_sel(app, (long)explorer_count(app));
		break;
	case ACT_PANE:
	case ACT_PANE_PREV:
		ex->pane = !ex->pane;
		app->dirty |= DIRTY_LIST;
		break;
	case ACT_OPEN:
		open_selected(app);
		break;
	case ACT_FILTER:
		overlay_prompt_open(app, PK_FILTER, "filter: ", ex->filter, false,
		    "narrows the list as you type; Enter keeps it, Esc clears");
		break;
	case ACT_SEARCH:
		if (ex->snapshot) {
			app_error(app, "search needs REPLICATE_API_TOKEN; "
			    "use / to filter the snapshot");
			break;
		}
		ex->pre_mode = ex->mode;
		ex->pre_sel = ex->sel;
		xsnprintf(ex->pre_query, sizeof ex->pre_query, "%s",
		    ex->mode == EXM_SEARCH ? ex->query : "");
		overlay_prompt_open(app, PK_SEARCH, "search: ", ex->pre_query,
		    false, ex->pre_query[0] ? "searches all of Replicate as "
		    "you type (typing replaces the last search; Esc goes "
		    "back)" : "searches all of Replicate as you type");
		overlay_prompt_select_all(app);
		break;
	case ACT_COLLECTIONS:
		if (ex->snapshot) {
			app_error(app, "collections need REPLICATE_API_TOKEN");
			break;
		}
		explorer_load_collections(app);
		break;
	case ACT_ALL_MODELS:
	case ACT_RELOAD:
		if (a == ACT_ALL_MODELS && ex->mode == EXM_ALL)
			break;
		ex->mode = EXM_ALL;
		ex->query[0] = '\0';
		ex->title[0] = '\0';
		explorer_clear(app);
		explorer_load_more(app);
		break;
	case ACT_BACK:
		if (ex->filter[0] != '\0') {
			ex->filter[0] = '\0';
			explorer_refilter(app);
		} else if (ex->mode == EXM_COLLECTION) {
			explorer_load_collections(app);
		} else if (ex->mode != EXM_ALL) {
			explorer_action(app, ACT_ALL_MODELS);
		}
		break;
	default:
		break;
	}
}

/* Live: the filter applies at each key; search is debounced. */
void
explorer_prompt_changed(struct app *app)
{
	struct explorer *ex = &app->ex;

	if (app->prompt.kind == PK_FILTER) {
		snprintf(ex->filter, sizeof ex->filter, "%s", app->prompt.edit.buf);
		ex->sel = 0;
		ex->top = 0;
		explorer_refilter(app);
	} else if (app->prompt.kind == PK_SEARCH) {
		snprintf(ex->query, sizeof ex->query, "%s", app->prompt.edit.buf);
		ex->search_due_ms = clock_mono_ms() + APP_SEARCH_DEBOUNCE_MS;
	}
}

/* Esc on the search prompt: the list goes back to what it was when the
 * prompt opened (the catalogue at its selection, or the last search). */
static void
search_cancelled(struct app *app)
{
	struct explorer *ex = &app->ex;

	if (ex->mode == ex->pre_mode && (ex->mode != EXM_SEARCH ||
	    strcmp(ex->query, ex->pre_query) == 0)) {
		xsnprintf(ex->query, sizeof ex->query, "%s", ex->pre_query);
		return;
	}
	xsnprintf(ex->query, sizeof ex->query, "%s", ex->pre_query);
	if (ex->pre_mode == EXM_SEARCH && ex->query[0] != '\0') {
		explorer_search(app);
		return;
	}
	if (ex->pre_mode == EXM_COLLECTIONS) {
		explorer_load_collections(app);
		return;
	}
	if (ex->req != 0)
		client_cancel(app->client, ex->req);
	ex->req = 0;
	ex->mode = EXM_ALL;
	ex->query[0] = '\0';
	ex->title[0] = '\0';
	explorer_clear(app);
	ex->restore_sel = true;
	explorer_load_more(app);
}

void
explorer_prompt_done(struct app *app, bool ok)
{
	struct explorer *ex = &app->ex;

	app->overlay = OV_NONE;
	if (app->prompt.kind == PK_FILTER) {
		if (!ok) {
			ex->filter[0] = '\0';
			explorer_refilter(app);
		}
	} else if (app->prompt.kind == PK_SEARCH) {
		if (ok) {
			snprintf(ex->query, sizeof ex->query, "%s",
			    app->prompt.edit.buf);
			ex->search_due_ms = 0;
			if (ex->query[0] != '\0')
				explorer_search(app);
			else
				explorer_action(app, ACT_ALL_MODELS);
		} else {
			ex->search_due_ms = 0;
			search_cancelled(app);
		}
	}
	app->dirty |= DIRTY_ALL;
}

/* ---- network: the list's requests and their answers */

void
explorer_load_more(struct app *app)
{
	struct explorer *ex = &app->ex;
	char err[CLIENT_ERR_MAX];

	if (ex->snapshot || ex->req != 0)
		return;
	if (ex->n > 0 && ex->next == NULL)
		return;
	ex->req = replicate_models_list(app->client, ex->next, err,
	    sizeof err);
	if (ex->req == 0)
		app_error(app, "%s: %s", "models", err);
	app->dirty |= DIRTY_STATUS;
}

void
explorer_search(struct app *app)
{
	struct explorer *ex = &app->ex;
	char err[CLIENT_ERR_MAX];

	if (ex->req != 0)
		client_cancel(app->client, ex->req);
	if (ex->mode == EXM_ALL)
		ex->saved_sel = ex->sel;
	ex->mode = EXM_SEARCH;
	ex->req = replicate_models_search(app->client, ex->query, err,
	    sizeof err);
	if (ex->req == 0)
		app_error(app, "%s: %s", "search", err);
	app->dirty |= DIRTY_ALL;
}

void
explorer_load_collections(struct app *app)
{
	struct explorer *ex = &app->ex;
	char err[CLIENT_ERR_MAX];

	if (ex->req != 0)
		client_cancel(app->client, ex->req);
	explorer_clear(app);
	ex->mode = EXM_COLLECTIONS;
	ex->title[0] = '\0';
	ex->req = replicate_collections_list(app->client, NULL, err,
	    sizeof err);
	if (ex->req == 0)
		app_error(app, "%s: %s", "collections", err);
	app->dirty |= DIRTY_ALL;
}

void
explorer_load_collection(struct app *app, const char *slug, const char *name)
{
	struct explorer *ex = &app->ex;
	char err[CLIENT_ERR_MAX];
	char s[256];

	xsnprintf(s, sizeof s, "%s", slug ? slug : "");
	xsnprintf(ex->title, sizeof ex->title, "%s", name ? name : s);
	if (ex->req != 0)
		client_cancel(app->client, ex->req);
	explorer_clear(app);
	ex->mode = EXM_COLLECTION;
	ex->req = replicate_collection_get(app->client, s, err, sizeof err);
	if (ex->req == 0)
		app_error(app, "%s: %s", "collection", err);
	app->dirty |= DIRTY_ALL;
}

/* A page of models, search results or collections arrived (or failed). */
static void
on_list(struct app *app, struct client_event *ev)
{
	struct explorer *ex = &app->ex;

	ex->req = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		client_emit_error(ex->error, sizeof ex->error, ev->rc, ev->err,
		    NULL);
		/* the list's header says it; the status line too only when
		 * the list is shown (a --local playground in front has no
		 * use for a catalogue that could not load) */
		if (app->view == VIEW_EXPLORER)
			app_error(app, "%s", ex->error);
		/* the rows shown are still the catalogue's: say so */
		if (ev->req == CLIENT_REQ_SEARCH && ex->n > 0) {
			ex->mode = EXM_ALL;
			ex->error[0] = '\0';
		}
		app->dirty |= DIRTY_ALL;
		return;
	}
	ex->error[0] = '\0';
	switch (ev->req) {
	case CLIENT_REQ_MODELS:
		if (ev->models != NULL)
			explorer_take_page(app, ev->models, false);
		if (ex->restore_sel) {
			ex->restore_sel = false;
			ex->sel = ex->pre_sel;	/* layout clamps it */
		}
		break;
	case CLIENT_REQ_SEARCH:
		if (ev->models != NULL) {
			ev->models->next = NULL;
			explorer_take_page(app, ev->models, true);
			ex->sel = 0;
			ex->top = 0;
		}
		break;
	case CLIENT_REQ_COLLECTIONS:
		if (ev->collections != NULL) {
			ex->colls = ev->collections->items;
			ex->ncolls = ev->collections->n;
			ev->collections->items = NULL;
			ev->collections->n = 0;
			ex->sel = 0;
		}
		break;
	case CLIENT_REQ_COLLECTION:
		if (ev->collection != NULL) {
			struct model_page pg;

			memset(&pg, 0, sizeof pg);
			pg.items = ev->collection->models;
			pg.n = ev->collection->n_models;
			explorer_take_page(app, &pg, true);
			if (ev->collection->name != NULL)
				snprintf(ex->title, sizeof ex->title, "%s",
				    ev->collection->name);
			ex->sel = 0;
		}
		break;
	default:
		break;
	}
	app->dirty |= DIRTY_ALL;
}

/* ---- drawing */

/* One row of the list: a model, a collection or a local server. */
static void
explorer_row(const struct app *app, size_t i, int y, int w, int name_w,
    int runs_w)
{
	const struct model *m = explorer_model_at(app, i);
	bool sel = i == app->ex.sel;
	attr_t base = sel ? (app->ex.pane == 0 ? ATTR(SELECTED) : ATTR(FIELD_FOCUS)) :
	    ATTR(NORMAL);
	char name[300], runs[32];
	int desc_w = w - name_w - runs_w - 3;

	paint_text_pad(y, 0, w, "", base);
	if (app->ex.mode == EXM_COLLECTIONS) {
		const struct collection *c = &app->ex.colls[i];

		paint_text(y, 1, name_w, or_empty(c->slug), base);
		if (desc_w > 4)
			paint_text(y, name_w + runs_w + 3, desc_w,
			    or_empty(c->name), sel ? base : ATTR(DIM));
		return;
	}
	if (m == NULL) {
		int li = explorer_local_at(app, i);
		const struct local_target *lt = &app->locals[li < 0 ? 0 : li];
		const char *st = lt->health ?
		    cog_health_name(lt->health->state) :
		    lt->error[0] ? "DOWN" : "?";
		char hp[128], desc[300];
		char what[180] = "local Cog server";

		if (li < 0)
			return;
		/* a --local URL: its model's image where a container
		 * publishes it (the name column keeps host:port) */
		if (lt->image == NULL && lt->served_image[0] != '\0')
			snprintf(what, sizeof what, "%s", lt->served_image);
		if (lt->image != NULL) {	/* a Docker target */
			char since[64];

			st = dock_state_name(dock_state_of(lt));
			dock_state_text_of(app, (size_t)li, since, sizeof since);
			xsnprintf(desc, sizeof desc, "for %s \xc2\xb7 %s",
			    strchr(since, ' ') ? strchr(since, ' ') + 1 : since,
			    lt->error[0] && lt->cog == NULL ? lt->error :
			    lt->container[0] ? lt->url : "Cog image (Enter: its form; Ctrl-R "
			    "there boots it)");
		} else if (dock_state_of(lt) != DOCK_NONE) {
			char since[64];	/* a server by URL: the same words */

			st = dock_state_name(dock_state_of(lt));
			dock_state_text_of(app, (size_t)li, since, sizeof since);
			xsnprintf(desc, sizeof desc, "for %s \xc2\xb7 %s",
			    strchr(since, ' ') ? strchr(since, ' ') + 1 : since,
			    lt->health == NULL && lt->error[0] ? lt->error :
			    what);
		} else
			snprintf(desc, sizeof desc, "%s", lt->error[0] ?
			    lt->error : what);
		if (lt->image != NULL) {
			/* too narrow: the reference without its registry
			 * host, which the details pane shows whole */
			snprintf(name, sizeof name, "image %s", lt->image);
			if (tw_width(name) > name_w)
				snprintf(name, sizeof name, "%s",
				    docker_ref_path(lt->image));
		} else {
			/* host:port whole, "local" only where it fits too */
			app_local_label(app, (size_t)li, hp, sizeof hp);
			snprintf(name, sizeof name, "local %s", hp);
			if (tw_width(name) > name_w)
				snprintf(name, sizeof name, "%s", hp);
		}
		paint_text(y, 1, name_w, name, base | A_BOLD);
		paint_text_right(y, name_w + 2, runs_w, st, sel ? base :
		    (lt->health && lt->health->state == COG_HEALTH_READY) ||
		    (lt->image != NULL && dock_state_of(lt) == DOCK_OFFLINE) ?
		    ATTR(OK) : ATTR(WARN));
		if (desc_w > 4)
			paint_text(y, name_w + runs_w + 3, desc_w,
			    desc,
			    sel ? base : ATTR(DIM));
		return;
	}
	snprintf(name, sizeof name, "%s/%s", or_empty(m->owner), or_empty(m->name));
	paint_text(y, 1, name_w, name, base);
	paint_text_right(y, name_w + 2, runs_w, draw_count(m->run_count, runs,
	    sizeof runs), sel ? base : ATTR(COST));
	if (desc_w > 4)
		paint_text(y, name_w + runs_w + 3, desc_w, or_empty(m->description),
		    sel ? base : ATTR(DIM));
}

/* The offline notice above the list (the snapshot, no token). */
static void
explorer_note(const struct app *app, char *note, size_t n)
{
	const struct explorer *ex = &app->ex;

	snprintf(note, n, "Offline: the catalogue snapshot bundled with "
	    "r8play (%zu models%s%s). Set REPLICATE_API_TOKEN for the live "
	    "catalogue and runs, or use --local http://localhost:5000 for a "
	    "Cog server.", ex->n, ex->snap_date[0] ? ", " : "",
	    ex->snap_date);
}

/* Where the explorer's parts go in rows [y, y + h) (shared by the
 * layout and the drawing so both agree). */
struct explorer_geom {
	int	note_y, note_rows;	/* the offline notice */
	int	head_y;			/* "Models · 123" */
	int	detail_y, detail_h;	/* details pane; detail_h 0: none */
	int	cols_y;			/* column titles */
	int	list_y, list_rows, list_w, name_w, runs_w;
};

/*
 * Where the explorer's parts go for a body of h rows from y: the snapshot
 * note (as many rows as its words need, up to 4), the header, the column
 * titles and the list, with the detail pane beside it from 100 columns on.
 * Computed from the state alone, so layout, drawing and clicks agree.
 */
static void
explorer_geom(const struct app *app, int y, int h, struct explorer_geom *g)
{
	const struct explorer *ex = &app->ex;

	memset(g, 0, sizeof *g);
	g->list_w = app->cols;
	g->runs_w = 7;
	g->note_y = y;
	if (ex->snapshot && h > 6) {
		char note[512];

		explorer_note(app, note, sizeof note);
		/* as many rows as the words need (up to 4): cut at no width */
		g->note_rows = paint_wrap(-1, 1, app->cols - 2, h < 16 ? 1 : 4,
		    note, 0);
		y += g->note_rows;
		h -= g->note_rows;
	}
	g->head_y = y;
	y++;
	h--;
	g->list_rows = -1;
	if (h <= 0)
		return;
	if (app->cols >= 100) {
		g->list_w = app->cols * 3 / 5;
		g->detail_y = y;
		g->detail_h = h;
	}
	g->name_w = g->list_w * 2 / 5;
	if (g->name_w > 40)
		g->name_w = 40;
	if (g->name_w < 12)
		g->name_w = g->list_w - g->runs_w - 3;
	if (g->list_w < 50)
		g->runs_w = 6;
	g->cols_y = y;
	g->list_y = y + 1;
	g->list_rows = h - 1;
}

/* Update step: keep the selection in range and in view; the list's
 * hit box for clicks. */
static void
explorer_layout(struct app *app, int y, int h)
{
	struct explorer *ex = &app->ex;
	struct explorer_geom g;
	size_t n = explorer_count(app);
	int rows;

	explorer_geom(app, y, h, &g);
	memset(&ex->hits, 0, sizeof ex->hits);
	if (g.list_rows < 0)
		return;
	rows = g.list_rows;
	ex->hits.list_y = g.list_y;
	ex->hits.list_rows = rows;
	ex->hits.list_w = g.list_w;
	if (n == 0)
		return;
	if (ex->sel >= n)
		ex->sel = n - 1;
	view_scroll_to(ex->sel, &ex->top, rows);
	if (ex->top + (size_t)rows > n)
		ex->top = n > (size_t)rows ? n - (size_t)rows : 0;
}

/* The list's header line: what is listed, how many, the filter. */
static void
explorer_heading(const struct app *app, char *line, size_t n)
{
	const struct explorer *ex = &app->ex;
	char head[512], cnt[64];
	bool failed;

	switch (ex->mode) {
	case EXM_ALL:
		snprintf(head, sizeof head, "Models");
		break;
	case EXM_SEARCH:
		xsnprintf(head, sizeof head, "Search \xe2\x80\x9c%s\xe2\x80\x9d",
		    ex->query);
		break;
	case EXM_COLLECTIONS:
		snprintf(head, sizeof head, "Collections");
		break;
	case EXM_COLLECTION:
	default:
		snprintf(head, sizeof head, "Collection: %s", ex->title);
		break;
	}
	if (ex->mode == EXM_COLLECTIONS)
		snprintf(cnt, sizeof cnt, "%zu", ex->ncolls);
	else if (ex->filter[0] != '\0')
		snprintf(cnt, sizeof cnt, "%zu of %zu", ex->nvis, ex->n);
	else
		snprintf(cnt, sizeof cnt, "%zu%s", ex->n, ex->next ? "+" : "");
	/* a list that failed beside rows that are still shown (local
	 * servers, images): its error here (an empty list says it) */
	failed = ex->req == 0 && ex->error[0] && explorer_count(app) > 0;
	xsnprintf(line, n, "%s \xc2\xb7 %s%s%s%s%s%s", head, cnt,
	    ex->filter[0] ? " \xc2\xb7 filter: " : "", ex->filter,
	    ex->req != 0 ? " \xc2\xb7 loading\xe2\x80\xa6" : "",
	    failed ? " \xc2\xb7 " : "", failed ? ex->error : "");
}

/* The notice, the heading, the column titles, the rows and the
 * details pane beside them when the terminal is wide enough. */
static void
explorer_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct explorer *ex = &app->ex;
	struct explorer_geom g;
	size_t n = explorer_count(app), i;
	int rows, r;
	char line[700];

	explorer_geom(app, y, h, &g);
	if (g.note_rows > 0) {
		char note[512];

		explorer_note(app, note, sizeof note);
		paint_wrap(g.note_y, 1, app->cols - 2, g.note_rows, note,
		    ATTR(NOTICE));
	}
	explorer_heading(app, line, sizeof line);
	paint_text(g.head_y, 1, app->cols - 2, line, ATTR(HEADER));
	if (g.list_rows < 0)
		return;
	if (g.detail_h > 0)
		explorer_details_draw(app, g.detail_y, g.list_w, g.detail_h,
		    app->cols - g.list_w, fr);
	paint_text(g.cols_y, 1, g.name_w, ex->mode == EXM_COLLECTIONS ?
	    "SLUG" : "MODEL", ATTR(DIM));
	paint_text_right(g.cols_y, g.name_w + 2, g.runs_w,
	    ex->mode == EXM_COLLECTIONS ? "" : "RUNS", ATTR(DIM));
	if (g.list_w - g.name_w - g.runs_w - 3 > 4)
		paint_text(g.cols_y, g.name_w + g.runs_w + 3, g.list_w -
		    g.name_w - g.runs_w - 3, ex->mode == EXM_COLLECTIONS ?
		    "NAME" : "DESCRIPTION", ATTR(DIM));
	rows = g.list_rows;
	if (n == 0) {
		const char *what = ex->req != 0 ? "loading\xe2\x80\xa6" :
		    ex->error[0] ? ex->error : ex->filter[0] ?
		    "nothing matches the filter (Esc clears it)" :
		    "no models";

		paint_wrap(g.list_y, 2, g.list_w - 3, rows, what,
		    ex->error[0] && ex->req == 0 ? ATTR(ERROR) : ATTR(DIM));
		return;
	}
	for (r = 0, i = ex->top; r < rows && i < n; r++, i++)
		explorer_row(app, i, g.list_y + r, g.list_w, g.name_w,
		    g.runs_w);
	if (r < rows && ex->req != 0)
		paint_text(g.list_y + r, 2, g.list_w - 3,
		    "loading more\xe2\x80\xa6", ATTR(DIM));
}

/* A click in the list selects a row; a click on the selected row opens
 * it. */
static void
explorer_mouse(struct app *app, int y, int x)
{
	const struct explorer_hits *hits = &app->ex.hits;
	size_t want;

	if (y < hits->list_y || y >= hits->list_y + hits->list_rows ||
	    x >= hits->list_w)
		return;
	want = app->ex.top + (size_t)(y - hits->list_y);
	if (want >= explorer_count(app))
		return;
	if (want == app->ex.sel)
		explorer_action(app, ACT_OPEN);	/* 2nd click */
	else {
		app->ex.sel = want;
		app->ex.pane = 0;
		explorer_cover_changed(app);
	}
	app->dirty |= DIRTY_ALL;
}

/* The list's request (page, search, collections) or the cover's. */
static bool
explorer_event(struct app *app, struct client_event *ev)
{
	if (ev->id != 0 && ev->id == app->ex.req) {
		on_list(app, ev);
		return true;
	}
	return explorer_cover_event(app, ev);
}

/* The explorer has one key context. */
static enum key_ctx
explorer_ctx(const struct app *app)
{
	(void)app;
	return CTX_EXPLORER;
}

/* " r8play > explorer" */
static void
explorer_title(const struct app *app, char *buf, size_t n)
{
	(void)app;
	snprintf(buf, n, " r8play \xe2\x80\xba explorer");
}

/* The search typed-ahead fires once the debounce expires; the cover is
 * fetched once the selection settles. */
static void
explorer_tick(struct app *app, long long now)
{
	struct explorer *ex = &app->ex;

	if (ex->search_due_ms != 0 && now >= ex->search_due_ms) {
		ex->search_due_ms = 0;
		if (ex->query[0] != '\0')
			explorer_search(app);
	}
	explorer_cover_tick(app);
}

/*
 * The next timer the explorer waits for: a typed search's debounce or the
 * cover image's delay, whichever comes first (0: none).
 */
static long long
explorer_due_ms(const struct app *app)
{
	const struct explorer *ex = &app->ex;

	if (ex->search_due_ms != 0 && (ex->cover_due_ms == 0 ||
	    ex->search_due_ms < ex->cover_due_ms))
		return ex->search_due_ms;
	return ex->cover_due_ms;
}

/* A search is due, or a cover that will be shown (the pane is only there
 * on a wide explorer). */
static bool
explorer_busy(const struct app *app)
{
	const struct explorer *ex = &app->ex;

	return ex->search_due_ms != 0 || (ex->cover_due_ms != 0 &&
	    app->view == VIEW_EXPLORER && app->cols >= 100);
}

const struct view_ops explorer_view_ops = {
	.name = "explorer",
	.ctx = explorer_ctx,
	.action = explorer_action,
	.event = explorer_event,
	.layout = explorer_layout,
	.draw = explorer_draw,
	.mouse = explorer_mouse,
	.title = explorer_title,
	.tick = explorer_tick,
	.due_ms = explorer_due_ms,
	.busy = explorer_busy,
};
