/*
 * tui/target.c: targets (tui/target.h): their identity, the queue of runs
 * waiting for a busy local server, and the health polls that keep a local
 * target's state true while it is on screen.
 */
#include "tui/app.h"
#include "tui/target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/project/project.h"

/* ---- identity */

void
target_id_set(struct target_id *t, enum target_kind kind, const char *ref)
{
	t->kind = kind;
	snprintf(t->ref, sizeof t->ref, "%s", ref ? ref : "");
}

/* Length of a ref without the trailing slashes of a URL. */
static size_t
ref_len(const struct target_id *t)
{
	size_t n = strlen(t->ref);

	if (t->kind == TARGET_URL)
		while (n > 0 && t->ref[n - 1] == '/')
			n--;
	return n;
}

bool
target_id_same(const struct target_id *a, const struct target_id *b)
{
	size_t n;

	if (a->kind != b->kind)
		return false;
	if (a->kind == TARGET_NONE)
		return true;
	n = ref_len(a);
	return n == ref_len(b) && memcmp(a->ref, b->ref, n) == 0;
}

const char *
target_kind_name(enum target_kind kind)
{
	switch (kind) {
	case TARGET_REPLICATE:
		return "replicate";
	case TARGET_URL:
		return "url";
	case TARGET_CONTAINER:
		return "container";
	default:
		return "none";
	}
}

void
target_id_format(const struct target_id *t, char *buf, size_t n)
{
	if (n == 0)
		return;
	if (t->kind == TARGET_NONE)
		snprintf(buf, n, "none");
	else
		snprintf(buf, n, "%s:%.*s", target_kind_name(t->kind),
		    (int)ref_len(t), t->ref);
}

/* ---- targets of the app */

/* The identity of local idx: a Docker target is its image, a server
 * given by URL its URL. */
static void
local_id(const struct app *app, size_t idx, struct target_id *t)
{
	const struct local_target *lt = &app->locals[idx];

	if (lt->image != NULL)
		target_id_set(t, TARGET_CONTAINER, lt->image);
	else
		target_id_set(t, TARGET_URL, lt->url);
}

void
target_of_page(const struct app *app, struct target_id *t)
{
	const struct mpage *mp = &app->mp;
	char ref[TARGET_REF_MAX];

	if (!mp->active) {
		target_id_set(t, TARGET_NONE, "");
		return;
	}
	if (mp->local && mp->local_idx < app->nlocals) {
		local_id(app, mp->local_idx, t);
		return;
	}
	snprintf(ref, sizeof ref, "%s/%s", mp->owner, mp->name);
	target_id_set(t, TARGET_REPLICATE, ref);
}

int
target_local_index(const struct app *app, const struct target_id *t)
{
	struct target_id u;
	size_t i;

	if (t->kind != TARGET_URL && t->kind != TARGET_CONTAINER)
		return -1;
	for (i = 0; i < app->nlocals; i++) {
		local_id(app, i, &u);
		if (target_id_same(&u, t))
			return (int)i;
	}
	return -1;
}

/* r is a run on local idx. */
static bool
run_on(const struct run *r, size_t idx)
{
	return r->local && r->local_idx == idx;
}

bool
target_local_busy(const struct app *app, size_t idx)
{
	const struct local_target *lt = &app->locals[idx];
	size_t i;

	for (i = 0; i < app->nruns; i++) {
		const struct run *r = &app->runs[i];

		/* sent and not yet answered (saving outputs frees it) */
		if (run_on(r, idx) && !r->done && !r->queued && r->req != 0)
			return true;
	}
	return lt->health != NULL && lt->health->state == COG_HEALTH_BUSY;
}

size_t
target_queue_len(const struct app *app, size_t idx)
{
	size_t i, n = 0;

	for (i = 0; i < app->nruns; i++)
		if (run_on(&app->runs[i], idx) && app->runs[i].queued)
			n++;
	return n;
}

size_t
target_queue_place(const struct app *app, const struct run *r)
{
	size_t i, n = 0;

	if (!r->queued)
		return 0;
	/* app->runs is in the order the runs were made */
	for (i = 0; i < app->nruns; i++) {
		const struct run *o = &app->runs[i];

		if (run_on(o, r->local_idx) && o->queued)
			n++;
		if (o == r)
			return n;
	}
	return 0;
}

/* PUT the run to its server now. 0, or -1 with r->error set. */
static int
send_local(struct app *app, struct run *r)
{
	struct cog_predict_opts po;
	char id[COG_MAX_ID + 1], err[CLIENT_ERR_MAX];

	memset(&po, 0, sizeof po);
	po.input_json = r->input_json;
	r->queued = false;
	r->req = cog_predict(app->locals[r->local_idx].cog, &po, id, err,
	    sizeof err);
	if (r->req == 0) {
		snprintf(r->error, sizeof r->error, "%s", err);
		return -1;
	}
	free(r->pred.id);
	r->pred.id = xstrdup(id);
	r->pred.status = PREDICTION_STARTING;
	r->pred.metrics.predict_time = -1;
	r->pred.metrics.total_time = -1;
	r->pred.metrics.input_token_count = -1;
	r->pred.metrics.output_token_count = -1;
	r->have_pred = true;
	r->starting_since_ms = clock_mono_ms();
	app->dirty |= DIRTY_ALL;
	return 0;
}

int
target_submit_local(struct app *app, struct run *r)
{
	if (r->local_idx >= app->nlocals) {
		snprintf(r->error, sizeof r->error, "no such local server");
		runs_finish(app, r);
		return -1;
	}
	local_id(app, r->local_idx, &r->target);
	if (app->locals[r->local_idx].cog == NULL) {
		/* an Offline image: boot it, the run waits for READY */
		if (dock_boot(app, r->local_idx) != 0) {
			snprintf(r->error, sizeof r->error, "%s",
			    app->locals[r->local_idx].error);
			runs_finish(app, r);
			return -1;
		}
		r->queued = true;
		app->dirty |= DIRTY_ALL;
		return 0;
	}
	if (target_local_busy(app, r->local_idx) ||
	    target_queue_len(app, r->local_idx) > 0) {
		r->queued = true;
		app->dirty |= DIRTY_ALL;
		return 0;
	}
	if (send_local(app, r) != 0) {
		runs_finish(app, r);
		return -1;
	}
	return 0;
}

/* Send the oldest run queued on local idx when the server is free. */
static void
pump(struct app *app, size_t idx)
{
	const struct local_target *lt = &app->locals[idx];
	size_t i;

	if (lt->cog == NULL || target_local_busy(app, idx))
		return;
	if (lt->health != NULL && !cog_health_can_predict(lt->health))
		return;
	for (i = 0; i < app->nruns; i++) {
		struct run *r = &app->runs[i];

		if (!run_on(r, idx) || !r->queued)
			continue;
		if (send_local(app, r) != 0) {
			runs_finish(app, r);	/* moves on to the next */
			return;
		}
		app_msg(app, "run #%u sent to %s", r->seq, lt->url);
		return;
	}
}

int
target_run_again(struct app *app, const struct run *r)
{
	struct target_id page, id = r->target;
	char *input = xstrdup(r->input_json ? r->input_json : "{}");
	char model[sizeof r->model], owner[sizeof r->owner];
	char name[sizeof r->name];
	struct run *n;
	int idx, rc;

	if (id.kind == TARGET_NONE) {
		/* a run made before targets had identities */
		if (r->local && r->local_idx < app->nlocals)
			local_id(app, r->local_idx, &id);
		else {
			snprintf(model, sizeof model, "%s/%s", r->owner,
			    r->name);
			target_id_set(&id, TARGET_REPLICATE, model);
		}
	}
	if (id.kind == TARGET_REPLICATE) {
		target_of_page(app, &page);
		if (!target_id_same(&page, &id)) {
			app_error(app, "run again: open %s first", r->model);
			free(input);
			return -1;
		}
		rc = run_start(app, input);
		free(input);
		return rc;
	}
	idx = target_local_index(app, &id);
	if (idx < 0) {
		app_error(app, "run again: %s is no longer a target", r->model);
		free(input);
		return -1;
	}
	/* runs_new() may move the runs: copy what r holds first */
	snprintf(model, sizeof model, "%s", r->model);
	snprintf(owner, sizeof owner, "%s", r->owner);
	snprintf(name, sizeof name, "%s", r->name);
	n = runs_new(app);
	n->local = true;
	n->local_idx = (size_t)idx;
	n->input_json = input;
	snprintf(n->model, sizeof n->model, "%s", model);
	snprintf(n->owner, sizeof n->owner, "%s", owner);
	snprintf(n->name, sizeof n->name, "%s", name);
	app->view = VIEW_RUN;
	app->runv.from_history = false;
	app->dirty |= DIRTY_ALL;
	if (target_submit_local(app, n) != 0) {
		app_error(app, "run: %s", n->error);
		return -1;
	}
	if (n->queued)
		app_msg(app, "run #%u queued: %s is busy", n->seq, model);
	return 0;
}

void
target_unqueue(struct app *app, struct run *r)
{
	if (!r->queued)
		return;
	r->queued = false;
	r->unsent_canceled = true;
	snprintf(r->error, sizeof r->error, "canceled while queued");
	runs_finish(app, r);
	app_msg(app, "run #%u canceled before it was sent", r->seq);
}

/* ---- events and timers */

void
target_run_ended(struct app *app, const struct run *r)
{
	size_t idx = r->local_idx;
	bool failed;

	if (!r->local || idx >= app->nlocals || r->queued)
		return;
	if (!r->have_pred) {
		/* never sent (canceled or failed in the queue) */
		pump(app, idx);
		return;
	}
	failed = r->error[0] != '\0' || (r->have_pred &&
	    r->pred.status == PREDICTION_FAILED);
	/* a failure may mean the server died: ask at once; runs waiting
	 * need to know the server is free (its BUSY may be stale) */
	if (failed || target_queue_len(app, idx) > 0) {
		app->locals[idx].next_health_ms = 0;
		net_health(app, idx);
	}
	pump(app, idx);
}

void
target_fail_queue(struct app *app, size_t idx, const char *why)
{
	size_t i;

	for (i = 0; i < app->nruns; i++) {
		struct run *r = &app->runs[i];

		if (!run_on(r, idx) || !r->queued)
			continue;
		r->queued = false;
		snprintf(r->error, sizeof r->error, "%s", why);
		runs_finish(app, r);
	}
}

void
target_health_seen(struct app *app, size_t idx, bool was_ok)
{
	struct local_target *lt = &app->locals[idx];
	struct mpage *mp = &app->mp;
	char err[CLIENT_ERR_MAX];

	(void)was_ok;
	if (lt->health == NULL)
		return;
	/* came up late: the page that failed to load its schema asks again */
	if (mp->active && mp->local && mp->local_idx == idx &&
	    mp->form == NULL && mp->req_openapi == 0) {
		mp->schema_error[0] = '\0';
		mp->req_openapi = cog_openapi_get(lt->cog, err, sizeof err);
		if (mp->req_openapi == 0)
			snprintf(mp->schema_error, sizeof mp->schema_error,
			    "%s", err);
	}
	if (lt->health->state == COG_HEALTH_SETUP_FAILED ||
	    lt->health->state == COG_HEALTH_DEFUNCT) {
		char why[APP_MSG_MAX];

		snprintf(why, sizeof why, "the Cog server is %s: it cannot "
		    "run predictions", cog_health_name(lt->health->state));
		target_fail_queue(app, idx, why);
		return;
	}
	pump(app, idx);
}

static void
drop_project(struct local_target *lt)
{
	project_done(lt->project);
	free(lt->project);
	lt->project = NULL;
	lt->project_err[0] = '\0';
}

void
target_local_config(struct local_target *lt, const char *json)
{
	char err[256];

	drop_project(lt);
	if (json == NULL || json[0] == '\0')
		return;
	lt->project = xcalloc(1, sizeof *lt->project);
	if (project_parse(json, strlen(json), lt->project, err,
	    sizeof err) != 0) {
		drop_project(lt);
		xsnprintf(lt->project_err, sizeof lt->project_err,
		    "run.cog.config: %s", err);
	}
}

void
target_local_project(struct local_target *lt, const char *dir)
{
	char err[512];

	drop_project(lt);
	lt->project = xcalloc(1, sizeof *lt->project);
	if (project_load(dir, lt->project, err, sizeof err) != 0) {
		drop_project(lt);
		xsnprintf(lt->project_err, sizeof lt->project_err, "%s", err);
	}
}

void
target_local_done(struct local_target *lt)
{
	cog_free(lt->cog);
	lt->cog = NULL;
	cog_health_free(lt->health);
	lt->health = NULL;
	free(lt->url);
	free(lt->image);
	free(lt->schema);
	free(lt->cog_version);
	lt->url = lt->image = lt->schema = lt->cog_version = NULL;
	drop_project(lt);
}

/* Local idx is on screen: its page, or the explorer that lists it. */
static bool
shown(const struct app *app, size_t idx)
{
	if (app->view == VIEW_EXPLORER)
		return true;
	return app->view == VIEW_MODEL && app->mp.active && app->mp.local &&
	    app->mp.local_idx == idx;
}

void
target_tick(struct app *app, long long now)
{
	size_t i;

	dock_tick(app);
	for (i = 0; i < app->nlocals; i++) {
		struct local_target *lt = &app->locals[i];

		if ((int)dock_state_of(lt) != lt->shown_state) {
			/* the time in state starts again */
			lt->shown_state = (int)dock_state_of(lt);
			lt->state_since_ms = clock_display_ms();
			app->dirty |= DIRTY_ALL;
		}
		if (lt->cog == NULL || lt->req_health != 0 ||
		    lt->next_health_ms != 0)
			continue;
		/* a container booting: its server may not listen yet */
		if (lt->image != NULL && lt->health == NULL) {
			lt->next_health_ms = now + APP_HEALTH_POLL_MS / 4;
			continue;
		}
		/* scripts (tests) poll only for a queue or a server that has
		 * never answered, so that screens stay the same from one run
		 * to the next */
		if (target_queue_len(app, i) > 0 || (shown(app, i) &&
		    (!app->script_mode || lt->health == NULL)))
			lt->next_health_ms = now + APP_HEALTH_POLL_MS;
	}
}
