/*
 * tui/net.c: the requests the TUI starts (model lists, search, opening a
 * model page, health polls, runs, cancels) and the routing of their
 * events. Starters return at once; net_on_event() (called from
 * client_pump() in the loop) hands an event to whoever waits for its id:
 * the local servers' health polls and the uploads here, then each view's
 * event handler (tui/view/). Stale answers (a search superseded, a page
 * closed) match nobody and are dropped.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/outputs.h"

/* A request could not start: say what and why. */
static void
start_failed(struct app *app, const char *what, const char *err)
{
	app_error(app, "%s: %s", what, err);
}

void
net_models_more(struct app *app)
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
		start_failed(app, "models", err);
	app->dirty |= DIRTY_STATUS;
}

void
net_search(struct app *app)
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
		start_failed(app, "search", err);
	app->dirty |= DIRTY_ALL;
}

void
net_collections(struct app *app)
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
		start_failed(app, "collections", err);
	app->dirty |= DIRTY_ALL;
}

void
net_collection(struct app *app, const char *slug, const char *name)
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
		start_failed(app, "collection", err);
	app->dirty |= DIRTY_ALL;
}

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
net_open_model(struct app *app, const char *owner, const char *name)
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
			start_failed(app, "model", err);
		mp->req_examples = replicate_examples_list(app->client, owner,
		    name, NULL, err, sizeof err);
		/* official models answer their versions listing with 404 */
		mp->req_versions = replicate_versions_list(app->client, owner,
		    name, NULL, err, sizeof err);
	} else if (mp->model == NULL) {
		snprintf(mp->error, sizeof mp->error,
		    "%s/%s is not in the offline snapshot: set "
		    "REPLICATE_API_TOKEN to open any model", owner, name);
	}
	app->dirty |= DIRTY_ALL;
}

void
net_open_local(struct app *app, size_t idx)
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
	snprintf(mp->name, sizeof mp->name, "%s", app->locals[idx].url);
	app->view = VIEW_MODEL;
	mp->tab = MTAB_PLAY;
	mp->req_openapi = cog_openapi_get(app->locals[idx].cog, err,
	    sizeof err);
	if (mp->req_openapi == 0)
		start_failed(app, "openapi", err);
	app->dirty |= DIRTY_ALL;
}

void
net_health(struct app *app, size_t idx)
{
	struct local_target *lt = &app->locals[idx];
	char err[CLIENT_ERR_MAX];

	if (lt->req_health != 0)
		return;
	lt->req_health = cog_health_get(lt->cog, err, sizeof err);
	if (lt->req_health == 0)
		snprintf(lt->error, sizeof lt->error, "%s", err);
}

int
net_run(struct app *app, const char *input_json)
{
	struct mpage *mp = &app->mp;
	char err[CLIENT_ERR_MAX];
	struct run *r;

	if (!mp->local && !app->have_token) {
		app_error(app, "running needs REPLICATE_API_TOKEN (or a local "
		    "Cog server: r8play --local http://localhost:5000)");
		return -1;
	}
	if (mp->local) {
		const struct local_target *lt = &app->locals[mp->local_idx];

		if (lt->health != NULL && !cog_health_can_predict(lt->health) &&
		    lt->health->state != COG_HEALTH_BUSY) {
			app_error(app, "the Cog server is %s: it cannot run "
			    "predictions yet", cog_health_name(lt->health->state));
			return -1;
		}
	}
	r = runs_new(app);
	r->local = mp->local;
	r->local_idx = mp->local_idx;
	r->input_json = xstrdup(input_json);
	snprintf(r->owner, sizeof r->owner, "%s", mp->owner);
	snprintf(r->name, sizeof r->name, "%s", mp->name);
	if (mp->local)
		snprintf(r->model, sizeof r->model, "%s",
		    app->locals[mp->local_idx].url);
	else
		snprintf(r->model, sizeof r->model, "%s/%s", mp->owner,
		    mp->name);
	if (mp->local) {
		struct cog_predict_opts po;
		char id[COG_MAX_ID + 1];

		memset(&po, 0, sizeof po);
		po.input_json = input_json;
		r->req = cog_predict(app->locals[mp->local_idx].cog, &po, id,
		    err, sizeof err);
		if (r->req != 0) {
			r->pred.id = xstrdup(id);
			r->pred.status = PREDICTION_STARTING;
			r->pred.metrics.predict_time = -1;
			r->pred.metrics.total_time = -1;
			r->pred.metrics.input_token_count = -1;
			r->pred.metrics.output_token_count = -1;
			r->have_pred = true;
		}
	} else {
		struct replicate_create rq;

		memset(&rq, 0, sizeof rq);
		rq.owner = mp->owner;
		rq.name = mp->name;
		/* API.md 14.3: official (is_official, or the versions
		 * listing said 404) or versionless models run by model */
		if (mp->model != NULL && !mp->model->is_official &&
		    !mp->official && mp->model->latest_version != NULL)
			rq.version = mp->model->latest_version->id;
		r->version = xstrdup(rq.version);
		rq.input_json = input_json;
		r->req = replicate_prediction_create(app->client, &rq, err,
		    sizeof err);
	}
	if (r->req == 0) {
		snprintf(r->error, sizeof r->error, "%s", err);
		r->done = true;
		r->ended_ms = clock_display_ms();
		app_error(app, "run: %s", err);
		return -1;
	}
	app->view = VIEW_RUN;
	app->dirty |= DIRTY_ALL;
	return 0;
}

void
net_cancel(struct app *app, struct run *r)
{
	char err[CLIENT_ERR_MAX];

	if (r->done || r->cancel_asked)
		return;
	if (r->local) {
		if (r->pred.id == NULL)
			return;
		r->req_cancel = cog_cancel(app->locals[r->local_idx].cog,
		    r->pred.id, err, sizeof err);
	} else {
		const char *id = r->pred.url_cancel ? r->pred.url_cancel :
		    r->pred.id;

		if (id == NULL) {
			/* sent as soon as the create answers with an id */
			r->cancel_pending = true;
			app_msg(app, "run #%u will be canceled once it is "
			    "created", r->seq);
			app->dirty |= DIRTY_ALL;
			return;
		}
		r->req_cancel = replicate_prediction_cancel(app->client, id,
		    err, sizeof err);
	}
	if (r->req_cancel == 0)
		app_error(app, "cancel: %s", err);
	else {
		r->cancel_asked = true;
		app_msg(app, "cancel asked for run #%u", r->seq);
	}
	app->dirty |= DIRTY_ALL;
}

/* ---- events */

/* A local server's health answered: keep polling while it starts
 * or is busy. */
static void
on_health(struct app *app, size_t i, struct client_event *ev)
{
	struct local_target *lt = &app->locals[i];
	bool poll = true;

	lt->req_health = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		snprintf(lt->error, sizeof lt->error, "%s", ev->err ? ev->err :
		    client_strerror(ev->rc));
		cog_health_free(lt->health);
		lt->health = NULL;
	} else if (ev->data != NULL) {
		cog_health_free(lt->health);
		lt->health = ev->data;
		ev->data = NULL;
		lt->error[0] = '\0';
		/* settled states need no more polling unless runs go on */
		poll = lt->health->state == COG_HEALTH_STARTING ||
		    lt->health->state == COG_HEALTH_BUSY ||
		    lt->health->state == COG_HEALTH_UNKNOWN;
	}
	/* STARTING is polled quickly (and counts as busy for tests) */
	if (poll && lt->health != NULL &&
	    lt->health->state == COG_HEALTH_STARTING)
		lt->next_health_ms = clock_mono_ms() + APP_HEALTH_POLL_MS / 4;
	else if (poll && !app->script_mode)
		lt->next_health_ms = clock_mono_ms() + APP_HEALTH_POLL_MS;
	app->dirty |= DIRTY_ALL;
}

void
net_on_event(struct client_event *ev, void *arg)
{
	static const int order[] = { VIEW_EXPLORER, VIEW_MODEL, VIEW_RUN };
	struct app *app = arg;
	size_t i;

	for (i = 0; i < app->nlocals; i++)
		if (ev->id != 0 && ev->id == app->locals[i].req_health) {
			on_health(app, i, ev);
			return;
		}
	if (upload_event(app, ev))
		return;
	/* each view knows its own requests */
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		const struct view_ops *v = view_ops_of(order[i]);

		if (v->event != NULL && v->event(app, ev))
			return;
	}
}
