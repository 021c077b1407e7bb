/*
 * tui/view/model.c: the model page shell. Owns the page's model, its
 * schema and the form built from it (client/forms/), the tab bar, the
 * page's requests (model, versions, examples, OpenAPI schema) and their
 * events, and hands each key to the current tab through its struct
 * tab_ops (tab_play.c, tab_api.c, tab_examples.c, tab_cost.c,
 * tab_info.c).
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/docker/docker.h"
#include "tui/term.h"
#include "tui/view/look.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

/* The tabs, in the order of enum mtab. */
static const struct tab_ops *const tabs[MTAB__COUNT] = {
	[MTAB_PLAY] = &play_tab_ops,
	[MTAB_API] = &api_tab_ops,
	[MTAB_EXAMPLES] = &examples_tab_ops,
	[MTAB_COST] = &cost_tab_ops,
	[MTAB_INFO] = &info_tab_ops,
};

/* The current tab's operations (the Playground when out of range). */
static const struct tab_ops *
cur_tab(const struct app *app)
{
	return tabs[app->mp.tab < MTAB__COUNT ? app->mp.tab : 0];
}

/* Move the current tab's selection or scroll by d rows. */
static void
move_focus(struct app *app, long d)
{
	const struct tab_ops *t = cur_tab(app);

	if (t->move_by != NULL)
		t->move_by(app, d);
	app->dirty |= DIRTY_FORM;
}

void
model_close(struct app *app)
{
	struct mpage *mp = &app->mp;
	struct cost_state keep = mp->cost;

	upload_clear(app);
	if (mp->req_model)
		client_cancel(app->client, mp->req_model);
	if (mp->req_examples)
		client_cancel(app->client, mp->req_examples);
	if (mp->req_openapi)
		client_cancel(app->client, mp->req_openapi);
	if (mp->req_versions)
		client_cancel(app->client, mp->req_versions);
	if (mp->req_readme)
		client_cancel(app->client, mp->req_readme);
	if (mp->req_ex_img)
		client_cancel(app->client, mp->req_ex_img);
	image_free(mp->ex_img);
	free(mp->readme);
	hist_form_keep(app);	/* the values come back when reopened */
	form_free(mp->form);
	schema_diff_done(&mp->diff);
	schema_done(&mp->schema);
	replicate_model_free(mp->model);
	replicate_prediction_page_free(mp->examples);
	memset(mp, 0, sizeof *mp);
	/* the price table is the same for every model */
	mp->cost.table = keep.table;
	mp->cost.loaded = keep.loaded;
	memcpy(mp->cost.error, keep.error, sizeof mp->cost.error);
	mp->cost.runs = 100;
	mp->cost.rph = 60;
}

void
model_set_schema_text(struct app *app, const char *json, size_t len)
{
	struct mpage *mp = &app->mp;
	char err[APP_MSG_MAX];
	struct form *old = mp->form;
	struct schema old_schema = mp->schema;
	bool had = mp->have_schema;

	memset(&mp->schema, 0, sizeof mp->schema);
	if (schema_parse(json, len, &mp->schema, err, sizeof err) != 0) {
		mp->schema = old_schema;
		if (!had)
			xsnprintf(mp->schema_error, sizeof mp->schema_error,
			    "schema: %s", err);
		app->dirty |= DIRTY_ALL;
		return;
	}
	mp->have_schema = true;
	mp->schema_error[0] = '\0';
	mp->form = form_new_from_schema(&mp->schema);
	if (mp->form == NULL)
		die("out of memory");
	/* keep what the user typed when the schema is refreshed */
	if (old != NULL) {
		size_t i;

		for (i = 0; i < old->nfields; i++)
			if (old->values[i].set && old->values[i].text)
				form_set(mp->form, old->schema->fields[i].name,
				    old->values[i].text, err, sizeof err);
		form_free(old);
	} else
		hist_form_restore(app);	/* kept values, else the last run's */
	if (had) {
		/* a new version: say what changed (Info tab) */
		struct schema_diff d;
		char e[APP_MSG_MAX];

		memset(&d, 0, sizeof d);
		if (schema_diff(&old_schema, &mp->schema, &d, e, sizeof e) > 0) {
			schema_diff_done(&mp->diff);
			mp->diff = d;
			xsnprintf(mp->diff_from, sizeof mp->diff_from, "%s",
			    old_schema.version ? old_schema.version : "?");
			app_msg(app, "the model has a new version: %zu input "
			    "change%s (5 Info)", d.n, d.n == 1 ? "" : "s");
		} else
			schema_diff_done(&d);
		schema_done(&old_schema);
	}
	if (mp->focus >= mp->form->nfields)
		mp->focus = 0;
	app->dirty |= DIRTY_ALL;
}

void
model_set_model(struct app *app, struct model *m)
{
	struct mpage *mp = &app->mp;
	const char *old_ver = mp->model && mp->model->latest_version ?
	    mp->model->latest_version->id : NULL;
	bool same = old_ver != NULL && m->latest_version != NULL &&
	    m->latest_version->id != NULL &&
	    strcmp(old_ver, m->latest_version->id) == 0 && mp->have_schema;

	replicate_model_free(mp->model);
	mp->model = m;
	if (!same && m->latest_version != NULL &&
	    m->latest_version->openapi_schema != NULL)
		model_set_schema_text(app, m->latest_version->openapi_schema,
		    strlen(m->latest_version->openapi_schema));
	else if (m->latest_version == NULL && !mp->have_schema)
		snprintf(mp->schema_error, sizeof mp->schema_error,
		    "this model has no runnable version");
	tab_cost_defaults(app);
	app->dirty |= DIRTY_ALL;
}

const struct prediction *
model_example_at(const struct app *app, size_t i)
{
	const struct mpage *mp = &app->mp;

	if (mp->examples != NULL && mp->examples->n > 0)
		return i < mp->examples->n ? &mp->examples->items[i] : NULL;
	if (i == 0 && mp->model != NULL)
		return mp->model->default_example;
	return NULL;
}

void
model_action(struct app *app, enum action a)
{
	struct mpage *mp = &app->mp;
	int page = app->rows / 2 > 1 ? app->rows / 2 : 1;

	switch (a) {
	case ACT_HIDE_HINT:
		app->demo_hint = false;
		break;
	case ACT_TAB_NEXT:
	case ACT_PANE:
		mp->tab = (enum mtab)((mp->tab + 1) % MTAB__COUNT);
		break;
	case ACT_TAB_PREV:
	case ACT_PANE_PREV:
		mp->tab = (enum mtab)((mp->tab + MTAB__COUNT - 1) %
		    MTAB__COUNT);
		break;
	case ACT_TAB_PLAY:
	case ACT_TAB_API:
	case ACT_TAB_EXAMPLES:
	case ACT_TAB_COST:
	case ACT_TAB_INFO:
		/* the ACT_TAB_* actions are declared in enum mtab's order */
		mp->tab = (enum mtab)(a - ACT_TAB_PLAY);
		break;
	case ACT_RUN:
		tab_play_run_form(app);
		return;
	case ACT_RUN_BOTH:
		compare_run_both(app);
		return;
	case ACT_RUN_LOCAL:
		dock_pull_page(app);	/* tui/dock_pull.c */
		return;
	/* moving is the tab's own: the form's focus, a list, a scroll */
	case ACT_NEXT:
		move_focus(app, 1);
		return;
	case ACT_PREV:
		move_focus(app, -1);
		return;
	case ACT_PAGE_DOWN:
		move_focus(app, page);
		return;
	case ACT_PAGE_UP:
		move_focus(app, -page);
		return;
	case ACT_TOP:
		move_focus(app, -100000);
		return;
	case ACT_BOTTOM:
		move_focus(app, 100000);
		return;
	case ACT_EDIT:
	case ACT_OPEN:
		if (cur_tab(app)->open != NULL)
			cur_tab(app)->open(app);
		return;
	case ACT_EDITOR:
		tab_play_editor_start(app);
		return;
	case ACT_TOGGLE:
		tab_play_toggle(app);
		return;
	case ACT_INC:
	case ACT_DEC:
		if (cur_tab(app)->step != NULL)
			cur_tab(app)->step(app, a == ACT_INC ? 1 : -1);
		else
			tab_play_step(app, a == ACT_INC ? 1 : -1);
		return;
	case ACT_RESET_FIELD:
		tab_play_reset_field(app);
		break;
	case ACT_RESET_FORM:
		tab_play_reset_form(app);
		break;
	case ACT_LOAD_EXAMPLE:
		tab_examples_load(app);
		return;
	case ACT_FMT_NEXT:
	case ACT_FMT_PREV:
		tab_api_cycle_format(app, a == ACT_FMT_NEXT ? 1 : -1);
		break;
	case ACT_COPY:
		tab_api_copy(app);
		return;
	default:
		return;
	}
	app->dirty |= DIRTY_ALL;
}

/* ---- network: opening a page, the page's requests and answers */

/* Deep copy of a model (the explorer keeps its own). */
static struct model *
model_dup(const struct model *m)
{
	struct model *d = xcalloc(1, sizeof *d);

	d->owner = xstrdup(m->owner);
	d->name = xstrdup(m->name);
	d->description = xstrdup(m->description);
	d->visibility = xstrdup(m->visibility);
	d->url = xstrdup(m->url);
	d->github_url = xstrdup(m->github_url);
	d->paper_url = xstrdup(m->paper_url);
	d->license_url = xstrdup(m->license_url);
	d->weights_url = xstrdup(m->weights_url);
	d->cover_image_url = xstrdup(m->cover_image_url);
	d->created_at = xstrdup(m->created_at);
	d->run_count = m->run_count;
	d->is_official = m->is_official;
	if (m->default_example != NULL) {
		d->default_example = xcalloc(1, sizeof *d->default_example);
		if (prediction_copy(d->default_example,
		    m->default_example) != 0) {
			free(d->default_example);
			d->default_example = NULL;
		}
	}
	if (m->latest_version != NULL) {
		d->latest_version = xcalloc(1, sizeof *d->latest_version);
		d->latest_version->id = xstrdup(m->latest_version->id);
		d->latest_version->created_at =
		    xstrdup(m->latest_version->created_at);
		d->latest_version->cog_version =
		    xstrdup(m->latest_version->cog_version);
		d->latest_version->openapi_schema =
		    xstrdup(m->latest_version->openapi_schema);
	}
	return d;
}

void
model_open(struct app *app, const char *owner, const char *name)
{
	struct mpage *mp = &app->mp;
	char err[CLIENT_ERR_MAX];
	size_t i;

	model_close(app);
	mp->active = true;
	snprintf(mp->owner, sizeof mp->owner, "%s", owner);
	snprintf(mp->name, sizeof mp->name, "%s", name);
	app->view = VIEW_MODEL;
	mp->tab = MTAB_PLAY;
	/* what the list already has shows at once */
	for (i = 0; i < app->ex.n; i++) {
		const struct model *m = &app->ex.rows[i];

		if (m->owner && m->name && strcmp(m->owner, owner) == 0 &&
		    strcmp(m->name, name) == 0) {
			model_set_model(app, model_dup(m));
			break;
		}
	}
	if (app->have_token) {
		mp->req_model = replicate_model_get(app->client, owner, name,
		    err, sizeof err);
		if (mp->req_model == 0)
			app_error(app, "%s: %s", "model", err);
		mp->req_examples = replicate_examples_list(app->client, owner,
		    name, NULL, err, sizeof err);
		/* official models answer their versions listing with 404 */
		mp->req_versions = replicate_versions_list(app->client, owner,
		    name, NULL, err, sizeof err);
		mp->req_readme = replicate_model_readme_get(app->client, owner,
		    name, err, sizeof err);
		if (mp->req_readme == 0)
			xsnprintf(mp->readme_error, sizeof mp->readme_error,
			    "%s", err);
	} else if (mp->model == NULL) {
		snprintf(mp->error, sizeof mp->error,
		    "%s/%s is not in the offline snapshot: set "
		    "REPLICATE_API_TOKEN to open any model", owner, name);
	}
	app->dirty |= DIRTY_ALL;
}

void
model_open_local(struct app *app, size_t idx)
{
	struct mpage *mp = &app->mp;
	char err[CLIENT_ERR_MAX];

	if (idx >= app->nlocals)
		return;
	model_close(app);
	mp->active = true;
	mp->local = true;
	mp->local_idx = idx;
	snprintf(mp->owner, sizeof mp->owner, "local");
	app_local_label(app, idx, mp->name, sizeof mp->name);
	app->view = VIEW_MODEL;
	mp->tab = MTAB_PLAY;
	/* the price table: the cost tab and each run's cost line need it
	 * (a Replicate model page loads it in model_set_model()) */
	tab_cost_defaults(app);
	if (app->locals[idx].cog == NULL) {
		/* an Offline Cog image: the form from its label, nothing
		 * started (tui/dock.c) */
		const char *sc = app->locals[idx].schema;

		if (sc != NULL)
			model_set_schema_text(app, sc, strlen(sc));
		else
			snprintf(mp->schema_error, sizeof mp->schema_error,
			    "the image has no schema label");
		app->dirty |= DIRTY_ALL;
		return;
	}
	mp->req_openapi = cog_openapi_get(app->locals[idx].cog, err,
	    sizeof err);
	if (mp->req_openapi == 0)
		app_error(app, "%s: %s", "openapi", err);
	app->dirty |= DIRTY_ALL;
}

/* The model answered: show it (a failed refresh keeps the old one). */
static void
on_model(struct app *app, struct client_event *ev)
{
	struct mpage *mp = &app->mp;

	mp->req_model = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		client_emit_error(mp->error, sizeof mp->error, ev->rc,
		    ev->err, NULL);
		if (mp->model == NULL)
			app_error(app, "%s", mp->error);
		return;
	}
	if (ev->model != NULL) {
		struct model *m = ev->model;

		ev->model = NULL;
		mp->error[0] = '\0';
		model_set_model(app, m);
	}
	app->dirty |= DIRTY_ALL;
}

/* The versions listing answered; a 404 means an official model,
 * which runs by model name rather than by version. */
static void
on_versions(struct app *app, struct client_event *ev)
{
	struct mpage *mp = &app->mp;

	mp->req_versions = 0;
	if (ev->kind == CLIENT_EV_ERROR && ev->rc == CLIENT_ENOTFOUND)
		mp->official = true;
}

/* The example predictions arrived (a failure keeps the default one). */
static void
on_examples(struct app *app, struct client_event *ev)
{
	struct mpage *mp = &app->mp;

	mp->req_examples = 0;
	if (ev->kind == CLIENT_EV_ERROR)
		return;		/* the default example still shows */
	if (ev->predictions != NULL) {
		replicate_prediction_page_free(mp->examples);
		mp->examples = ev->predictions;
		ev->predictions = NULL;
	}
	app->dirty |= DIRTY_FORM;
}

/* The README arrived (a 404: the model has none). */
static void
on_readme(struct app *app, struct client_event *ev)
{
	struct mpage *mp = &app->mp;

	mp->req_readme = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		client_emit_error(mp->readme_error, sizeof mp->readme_error,
		    ev->rc, ev->rc == CLIENT_ENOTFOUND ?
		    "this model has no README" : ev->err, NULL);
		app->dirty |= DIRTY_FORM;
		return;
	}
	free(mp->readme);
	mp->readme = tab_info_readme(ev->body ? ev->body : "",
	    ev->body ? ev->body_len : 0);
	app->dirty |= DIRTY_FORM;
}

/* A local server's OpenAPI schema arrived: build the form from it. */
static void
on_openapi(struct app *app, struct client_event *ev)
{
	struct mpage *mp = &app->mp;

	mp->req_openapi = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		client_emit_error(mp->schema_error, sizeof mp->schema_error,
		    ev->rc, ev->err, NULL);
		app->dirty |= DIRTY_ALL;
		return;
	}
	if (ev->body != NULL)
		model_set_schema_text(app, ev->body, ev->body_len);
	app->dirty |= DIRTY_ALL;
}

/* ---- drawing */

/* The page's header line: the model (or local server) and its state. */
static void
page_heading(const struct app *app, char *t, size_t n)
{
	const struct mpage *mp = &app->mp;

	if (mp->local) {
		const struct local_target *lt = &app->locals[mp->local_idx];
		char st[64];

		if (lt->image != NULL) {	/* a Docker target */
			char ref[DOCK_REF_MAX];

			docker_ref_short(lt->image, ref, sizeof ref);
			dock_state_text_of(app, mp->local_idx, st, sizeof st);
			xsnprintf(t, n, "%s \xc2\xb7 %s%s%s", ref, st,
			    lt->cog != NULL ? "" : lt->error[0] ?
			    " \xc2\xb7 " : " (Ctrl-R boots it and runs)",
			    lt->cog != NULL ? "" : lt->error);
			return;
		}
		/* a server given by URL: the same lifecycle words */
		dock_state_text_of(app, mp->local_idx, st, sizeof st);
		if (lt->health != NULL &&
		    dock_state_of(lt) == DOCK_FAILED)	/* which failure */
			snprintf(t, n, "%s \xc2\xb7 %s (%s)", lt->url, st,
			    cog_health_name(lt->health->state));
		else
			snprintf(t, n, "%s \xc2\xb7 %s%s%s", lt->url, st,
			    lt->health == NULL && lt->error[0] ?
			    " \xc2\xb7 " : "",
			    lt->health == NULL ? lt->error : "");
	} else if (mp->model != NULL && mp->model->description != NULL)
		snprintf(t, n, "%s/%s \xc2\xb7 %s", mp->owner, mp->name,
		    mp->model->description);
	else
		snprintf(t, n, "%s/%s%s", mp->owner, mp->name,
		    mp->req_model ? " \xc2\xb7 loading\xe2\x80\xa6" : "");
}

/* A tab's label in the bar: " N Title " (titles cut to 4 when narrow). */
static void
tab_label(const struct app *app, int i, char *t, size_t n)
{
	if (app->cols < 60)
		snprintf(t, n, " %d %.4s ", i + 1, tabs[i]->title);
	else
		snprintf(t, n, " %d %s ", i + 1, tabs[i]->title);
}

/* Update step: where the tab bar's labels and the tab's rows are (the
 * hit boxes), then the current tab's own layout. */
static void
model_layout(struct app *app, int y, int h)
{
	struct mpage_hits *hits = &app->mp.hits;
	int x = 1, i, w;
	char t[64];

	memset(hits, 0, sizeof *hits);
	hits->tabs_y = -1;
	if (h < 3)
		return;
	hits->tabs_y = y + 1;
	for (i = 0; i < MTAB__COUNT; i++) {
		tab_label(app, i, t, sizeof t);
		w = tw_width(t);
		if (x + w >= app->cols)
			break;
		hits->tab_x[i] = x;
		hits->tab_w[i] = w;
		x += w + 1;
	}
	/* a Booting container's setup logs take the bottom rows */
	h -= dock_boot_panel_rows(app, h - 3);
	hits->body_y = y + 3;
	hits->body_rows = h - 3;
	if (cur_tab(app)->layout != NULL)
		cur_tab(app)->layout(app, y + 3, h - 3);
}

/* The heading, the tab bar (as laid out) and the current tab. */
static void
model_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct mpage *mp = &app->mp;
	int boot = h >= 3 ? dock_boot_panel_rows(app, h - 3) : 0;
	char t[512];
	int i;

	page_heading(app, t, sizeof t);
	paint_text(y, 1, app->cols - 2, t, ATTR(HEADER));
	if (h < 3)
		return;
	for (i = 0; i < MTAB__COUNT && mp->hits.tab_w[i] > 0; i++) {
		tab_label(app, i, t, sizeof t);
		paint_text(y + 1, mp->hits.tab_x[i], mp->hits.tab_w[i], t,
		    (enum mtab)i == mp->tab ? ATTR(TAB_ACTIVE) : ATTR(TAB));
	}
	/* the demo's first screen says what to do, until the first run */
	if (app->demo_hint && app->nruns == 0)
		paint_text(y + 2, 1, app->cols - 2, "demo: Enter types a "
		    "prompt, Ctrl-R runs it, h: the catalogue, H hides this", ATTR(WARN));
	if (cur_tab(app)->draw != NULL)
		cur_tab(app)->draw(app, y + 3, h - 3 - boot, fr);
	if (boot > 0)
		dock_boot_panel_draw(app, y + h - boot, boot);
}

/* A click on a tab label switches to it; the rest goes to the tab. */
static void
model_mouse(struct app *app, int y, int x)
{
	const struct mpage_hits *hits = &app->mp.hits;
	int i;

	if (y == hits->tabs_y) {
		for (i = 0; i < MTAB__COUNT; i++)
			if (hits->tab_w[i] > 0 && x >= hits->tab_x[i] &&
			    x < hits->tab_x[i] + hits->tab_w[i]) {
				app->mp.tab = (enum mtab)i;
				app->dirty |= DIRTY_ALL;
				return;
			}
		return;
	}
	if (y >= hits->body_y && y < hits->body_y + hits->body_rows &&
	    cur_tab(app)->mouse != NULL)
		cur_tab(app)->mouse(app, y, x);
}

/* The page's own requests: model, examples, versions, schema. */
static bool
model_event(struct app *app, struct client_event *ev)
{
	struct mpage *mp = &app->mp;

	if (ev->id == 0)
		return false;
	if (ev->id == mp->req_model)
		on_model(app, ev);
	else if (ev->id == mp->req_examples)
		on_examples(app, ev);
	else if (ev->id == mp->req_versions)
		on_versions(app, ev);
	else if (ev->id == mp->req_openapi)
		on_openapi(app, ev);
	else if (ev->id == mp->req_readme)
		on_readme(app, ev);
	else if (tab_examples_event(app, ev))
		return true;
	else
		return false;
	return true;
}

/* Keys on the page are the current tab's. */
static enum key_ctx
model_ctx(const struct app *app)
{
	return cur_tab(app)->ctx;
}

/* " r8play > owner/name"; a local server "local HOST:PORT", a Docker
 * image its reference. */
static void
model_title(const struct app *app, char *buf, size_t n)
{
	const struct mpage *mp = &app->mp;
	bool image = mp->local && mp->local_idx < app->nlocals &&
	    app->locals[mp->local_idx].image != NULL;
	char title[128 + 160];

	/* a --local URL a container publishes: its image beside host:port */
	if (mp->local && !image && mp->local_idx < app->nlocals)
		app_local_title(app, mp->local_idx, title, sizeof title);
	else if (image)
		docker_ref_short(app->locals[mp->local_idx].image, title,
		    sizeof title);
	else
		snprintf(title, sizeof title, "%s", mp->name);
	snprintf(buf, n, " r8play \xe2\x80\xba %s%s%s", mp->local ?
	    (image ? "" : "local ") : mp->owner, mp->local ? "" : "/",
	    title);
}

/* Something the page shows is still to come. */
static bool
model_busy(const struct app *app)
{
	return tab_examples_busy(app);
}

const struct view_ops model_view_ops = {
	.name = "model",
	.ctx = model_ctx,
	.action = model_action,
	.event = model_event,
	.layout = model_layout,
	.draw = model_draw,
	.mouse = model_mouse,
	.title = model_title,
	.busy = model_busy,
};
