/*
 * tui/explorer.c: the models list. Rows come a page at a time (the next
 * page is fetched as the selection nears the end), from search results,
 * or from a collection; the local filter narrows what is shown without a
 * request. Local Cog servers are listed first.
 */
#include "tui/app.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Case-insensitive substring (ASCII folding; UTF-8 bytes compare as is). */
static bool
contains(const char *hay, const char *needle)
{
	size_t i, j, n = strlen(needle);

	if (n == 0)
		return true;
	if (hay == NULL)
		return false;
	for (i = 0; hay[i]; i++) {
		for (j = 0; j < n && hay[i + j]; j++)
			if (tolower((unsigned char)hay[i + j]) !=
			    tolower((unsigned char)needle[j]))
				break;
		if (j == n)
			return true;
	}
	return false;
}

static bool
row_matches(const struct model *m, const char *f)
{
	char full[300];

	snprintf(full, sizeof full, "%s/%s", m->owner ? m->owner : "",
	    m->name ? m->name : "");
	return contains(full, f) || contains(m->description, f);
}

size_t
explorer_count(const struct app *app)
{
	if (app->ex.mode == EXM_COLLECTIONS)
		return app->ex.ncolls;
	return app->nlocals + app->ex.nvis;
}

const struct model *
explorer_model_at(const struct app *app, size_t i)
{
	if (app->ex.mode == EXM_COLLECTIONS || i < app->nlocals)
		return NULL;
	i -= app->nlocals;
	return i < app->ex.nvis ? &app->ex.rows[app->ex.vis[i]] : NULL;
}

void
explorer_refilter(struct app *app)
{
	struct explorer *ex = &app->ex;
	size_t i, n = explorer_count(app);

	free(ex->vis);
	ex->vis = xcalloc(ex->n ? ex->n : 1, sizeof *ex->vis);
	ex->nvis = 0;
	for (i = 0; i < ex->n; i++)
		if (row_matches(&ex->rows[i], ex->filter))
			ex->vis[ex->nvis++] = i;
	n = explorer_count(app);
	if (ex->sel >= n)
		ex->sel = n ? n - 1 : 0;
	{
		const struct model *m = explorer_model_at(app, ex->sel);
		char key[260];

		xsnprintf(key, sizeof key, "%s/%s", m && m->owner ? m->owner :
		    "", m && m->name ? m->name : "");
		if (m == NULL || strcmp(key, ex->cover_for) != 0)
			cover_selection_changed(app);
	}
	app->dirty |= DIRTY_LIST | DIRTY_STATUS;
}

void
explorer_clear(struct app *app)
{
	struct explorer *ex = &app->ex;
	size_t i;

	for (i = 0; i < ex->n; i++)
		replicate_model_done(&ex->rows[i]);
	free(ex->rows);
	ex->rows = NULL;
	ex->n = ex->cap = 0;
	for (i = 0; i < ex->ncolls; i++)
		replicate_collection_done(&ex->colls[i]);
	free(ex->colls);
	ex->colls = NULL;
	ex->ncolls = 0;
	free(ex->next);
	ex->next = NULL;
	free(ex->vis);
	ex->vis = NULL;
	ex->nvis = 0;
	ex->sel = ex->top = 0;
	ex->error[0] = '\0';
	if (ex->cover_req != 0)
		client_cancel(app->client, ex->cover_req);
	ex->cover_req = 0;
	ex->cover_due_ms = 0;
	image_free(ex->cover);
	ex->cover = NULL;
	ex->cover_for[0] = '\0';
	app->dirty |= DIRTY_ALL;
}

/* Move the page's models into the explorer (the page keeps zeroed items). */
void
explorer_take_page(struct app *app, struct model_page *pg, bool replace)
{
	struct explorer *ex = &app->ex;
	size_t i;

	if (replace) {
		for (i = 0; i < ex->n; i++)
			replicate_model_done(&ex->rows[i]);
		ex->n = 0;
	}
	for (i = 0; i < pg->n && ex->n < APP_MAX_MODELS; i++) {
		if (ex->n == ex->cap) {
			ex->cap = ex->cap ? ex->cap * 2 : 64;
			ex->rows = xrealloc(ex->rows, ex->cap * sizeof *ex->rows);
		}
		ex->rows[ex->n++] = pg->items[i];
		memset(&pg->items[i], 0, sizeof pg->items[i]);
	}
	free(ex->next);
	ex->next = NULL;
	if (pg->next != NULL && ex->n < APP_MAX_MODELS) {
		ex->next = pg->next;
		pg->next = NULL;
	}
	explorer_refilter(app);
}

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
		cover_selection_changed(app);
	}
	app->dirty |= DIRTY_LIST | DIRTY_IMAGE;
	/* page on demand: near the end of what is loaded, fetch the next */
	if (ex->mode == EXM_ALL && ex->next != NULL && ex->req == 0 &&
	    ex->sel + APP_PAGE_AHEAD >= n)
		net_models_more(app);
}

static void
open_prompt(struct app *app, enum prompt_kind k, const char *label,
    const char *text, const char *hint)
{
	app->overlay = OV_PROMPT;
	app->prompt_kind = k;
	xsnprintf(app->prompt_label, sizeof app->prompt_label, "%s", label);
	xsnprintf(app->prompt_hint, sizeof app->prompt_hint, "%s",
	    hint ? hint : "");
	prompt_set(&app->prompt, text, false);
	app->dirty |= DIRTY_STATUS | DIRTY_LIST;
}

static void
open_selected(struct app *app)
{
	struct explorer *ex = &app->ex;
	const struct model *m;

	if (ex->mode == EXM_COLLECTIONS) {
		if (ex->sel < ex->ncolls)
			net_collection(app, ex->colls[ex->sel].slug,
			    ex->colls[ex->sel].name);
		return;
	}
	if (ex->sel < app->nlocals) {
		net_open_local(app, ex->sel);
		return;
	}
	m = explorer_model_at(app, ex->sel);
	if (m != NULL && m->owner != NULL && m->name != NULL)
		net_open_model(app, m->owner, m->name);
}

void
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
		open_prompt(app, PK_FILTER, "filter: ", ex->filter,
		    "narrows the list as you type; Enter keeps it, Esc clears");
		break;
	case ACT_SEARCH:
		if (ex->snapshot) {
			app_error(app, "search needs REPLICATE_API_TOKEN; "
			    "use / to filter the snapshot");
			break;
		}
		open_prompt(app, PK_SEARCH, "search: ", ex->query,
		    "searches all of Replicate as you type");
		break;
	case ACT_COLLECTIONS:
		if (ex->snapshot) {
			app_error(app, "collections need REPLICATE_API_TOKEN");
			break;
		}
		net_collections(app);
		break;
	case ACT_ALL_MODELS:
	case ACT_RELOAD:
		if (a == ACT_ALL_MODELS && ex->mode == EXM_ALL)
			break;
		ex->mode = EXM_ALL;
		ex->query[0] = '\0';
		ex->title[0] = '\0';
		explorer_clear(app);
		net_models_more(app);
		break;
	case ACT_BACK:
		if (ex->filter[0] != '\0') {
			ex->filter[0] = '\0';
			explorer_refilter(app);
		} else if (ex->mode == EXM_COLLECTION) {
			net_collections(app);
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

	if (app->prompt_kind == PK_FILTER) {
		snprintf(ex->filter, sizeof ex->filter, "%s", app->prompt.buf);
		ex->sel = 0;
		ex->top = 0;
		explorer_refilter(app);
	} else if (app->prompt_kind == PK_SEARCH) {
		snprintf(ex->query, sizeof ex->query, "%s", app->prompt.buf);
		ex->search_due_ms = clock_mono_ms() + APP_SEARCH_DEBOUNCE_MS;
	}
}

void
explorer_prompt_done(struct app *app, bool ok)
{
	struct explorer *ex = &app->ex;

	app->overlay = OV_NONE;
	if (app->prompt_kind == PK_FILTER) {
		if (!ok) {
			ex->filter[0] = '\0';
			explorer_refilter(app);
		}
	} else if (app->prompt_kind == PK_SEARCH) {
		if (ok) {
			snprintf(ex->query, sizeof ex->query, "%s",
			    app->prompt.buf);
			ex->search_due_ms = 0;
			if (ex->query[0] != '\0')
				net_search(app);
			else
				explorer_action(app, ACT_ALL_MODELS);
		} else {
			ex->search_due_ms = 0;
		}
	}
	app->dirty |= DIRTY_ALL;
}
