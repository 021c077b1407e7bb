/*
 * tui/view/explorer_rows.c: the explorer's rows: pages of models taken
 * from the answers (owned copies), the local filter that narrows them
 * without a request, and the mapping from a visible index to a local
 * server, a model or a collection.
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

/* The filter matches the model's owner/name or its description. */
static bool
row_matches(const struct model *m, const char *f)
{
	char full[300];

	snprintf(full, sizeof full, "%s/%s", m->owner ? m->owner : "",
	    m->name ? m->name : "");
	return contains(full, f) || contains(m->description, f);
}

size_t
explorer_local_rows(const struct app *app)
{
	size_t i, n = 0;

	for (i = 0; i < app->nlocals; i++)
		n += !app->locals[i].gone;
	return n;
}

int
explorer_local_at(const struct app *app, size_t row)
{
	size_t i;

	if (app->ex.mode == EXM_COLLECTIONS)
		return -1;
	for (i = 0; i < app->nlocals; i++)
		if (!app->locals[i].gone && row-- == 0)
			return (int)i;
	return -1;
}

size_t
explorer_count(const struct app *app)
{
	if (app->ex.mode == EXM_COLLECTIONS)
		return app->ex.ncolls;
	return explorer_local_rows(app) + app->ex.nvis;
}

const struct model *
explorer_model_at(const struct app *app, size_t i)
{
	size_t nl = explorer_local_rows(app);

	if (app->ex.mode == EXM_COLLECTIONS || i < nl)
		return NULL;
	i -= nl;
	return i < app->ex.nvis ? &app->ex.rows[app->ex.vis[i]] : NULL;
}

void
explorer_keep_begin(const struct app *app, struct explorer_keep *k)
{
	size_t nl = explorer_local_rows(app);

	k->row = app->ex.sel;
	k->row_only = false;
	k->local = explorer_local_at(app, app->ex.sel);
	k->model = app->ex.sel >= nl ? app->ex.sel - nl : 0;
}

void
explorer_keep_end(struct app *app, const struct explorer_keep *k)
{
	struct explorer *ex = &app->ex;
	size_t nl = explorer_local_rows(app), i, row = 0;

	if (ex->mode == EXM_COLLECTIONS)
		return;
	if (k->row_only)
		ex->sel = k->row;
	else if (k->local < 0)
		ex->sel = nl + k->model;
	else if ((size_t)k->local < app->nlocals &&
	    !app->locals[k->local].gone) {
		for (i = 0; i < (size_t)k->local; i++)
			row += !app->locals[i].gone;
		ex->sel = row;
	} else
		ex->sel = k->row;	/* it went: the row that took its place */
	explorer_refilter(app);	/* clamps, and the details follow */
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
			explorer_cover_changed(app);
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
	/* a decode still on the render worker would land on the new list */
	images_cancel_cover(app);
	images_free(app, ex->cover);
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
