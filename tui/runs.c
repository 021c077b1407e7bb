/*
 * tui/runs.c: runs (predictions) started from the playground: several at
 * once, each followed to its end, its file outputs saved and the first
 * image decoded for the run view (render/). Owns struct run's memory.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/history/record.h"
#include "render/render.h"
#include "tui/term.h"

/* Cancel a run's requests and free what it owns. */
static void
run_done(struct app *app, struct run *r)
{
	size_t i;

	if (r->req)
		client_cancel(app->client, r->req);
	if (r->req_follow)
		client_cancel(app->client, r->req_follow);
	if (r->req_save)
		client_cancel(app->client, r->req_save);
	if (r->req_cancel)
		client_cancel(app->client, r->req_cancel);
	prediction_done(&r->pred);
	free(r->input_json);
	free(r->version);
	for (i = 0; i < r->nsaved; i++)
		free(r->saved[i]);
	free(r->saved);
	free(r->saved_dir);
	images_cancel_run(app, r->seq);
	images_free(app, r->img);
	for (i = 0; i < r->nsecret; i++)
		free(r->secret_fields[i]);
	free(r->secret_fields);
	free(r->out_text);
	memset(r, 0, sizeof *r);
}

void
runs_free_all(struct app *app)
{
	size_t i;

	for (i = 0; i < app->nruns; i++)
		run_done(app, &app->runs[i]);
	app->nruns = 0;
}

struct run *
runs_new(struct app *app)
{
	struct run *r;
	size_t i;

	if (app->nruns == APP_MAX_RUNS) {
		/* drop the oldest finished run */
		for (i = 0; i < app->nruns && !app->runs[i].done; i++)
			;
		if (i == app->nruns)
			i = 0;
		if (app->shown.key == &app->runs[i] ||
		    app->shown.key == app->runs[i].img)
			app->shown.key = NULL;
		run_done(app, &app->runs[i]);
		memmove(&app->runs[i], &app->runs[i + 1],
		    (app->nruns - i - 1) * sizeof app->runs[0]);
		app->nruns--;
		memset(&app->runs[app->nruns], 0, sizeof app->runs[0]);
	}
	r = &app->runs[app->nruns++];
	memset(r, 0, sizeof *r);
	r->seq = ++app->run_seq;
	r->started_ms = clock_display_ms();
	r->starting_since_ms = clock_mono_ms();
	r->cost_usd = -1;
	r->hist_status = -1;
	app->runv.cur = app->nruns - 1;
	return r;
}

struct run *
runs_by_req(struct app *app, unsigned req)
{
	size_t i;

	if (req == 0)
		return NULL;
	for (i = 0; i < app->nruns; i++) {
		struct run *r = &app->runs[i];

		if (r->req == req || r->req_follow == req ||
		    r->req_cancel == req || r->req_save == req)
			return r;
	}
	return NULL;
}

void
runs_set_prediction(struct app *app, struct run *r,
    const struct prediction *p)
{
	struct prediction cp;
	char *keep_id = NULL;

	if (prediction_copy(&cp, p) != 0)
		die("out of memory");
	/* a Cog sync answer may have no id: keep the one we chose */
	if (cp.id == NULL && r->pred.id != NULL)
		keep_id = xstrdup(r->pred.id);
	prediction_done(&r->pred);
	r->pred = cp;
	if (keep_id != NULL)
		r->pred.id = keep_id;
	r->have_pred = true;
	if (r->pred.status != PREDICTION_STARTING)
		r->starting_since_ms = 0;
	/* the complete labelled text of the output (tui/view/run_out.c) */
	free(r->out_text);
	if (r->pred.output_json != NULL)
		r->out_text = record_text(r->pred.output_json,
		    r->have_out_schema ? &r->out_schema : NULL);
	else if (r->pred.n_outputs > 0)	/* streamed so far */
		r->out_text = prediction_join_text(&r->pred, "");
	else if (r->pred.status == PREDICTION_SUCCEEDED)
		r->out_text = record_text(NULL, NULL);	/* "null", said */
	else
		r->out_text = NULL;
	/* a state change (or the first id) goes into the history */
	if ((int)r->pred.status != r->hist_status ||
	    (r->hist_id == 0 && r->pred.id != NULL))
		hist_record(app, r);
	app->dirty |= DIRTY_ALL;
}

/* A saved output that render/ can decode, by its extension. */
static bool
is_image_path(const char *p)
{
	static const char *const ext[] = { ".png", ".jpg", ".jpeg", ".webp",
		".gif", ".bmp" };
	size_t i, n = strlen(p), k;

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		k = strlen(ext[i]);
		if (n > k && strcasecmp(p + n - k, ext[i]) == 0)
			return true;
	}
	return false;
}

/*
 * Queue the decode of r's first image output from saved file index from
 * on (the render worker, tui/images.c); a file that cannot be read or
 * decoded passes on to the next one.
 */
void
runs_image_from(struct app *app, struct run *r, size_t from)
{
	size_t i;

	for (i = from; i < r->nsaved && r->img == NULL; i++)
		if (is_image_path(r->saved[i]) &&
		    images_decode_run(app, r, i))
			return;
}

/*
 * Show r's image output number idx (0-based among its image files): the
 * shown one is dropped and the new one decoded on the render worker.
 */
void
runs_load_image(struct app *app, struct run *r, size_t idx)
{
	size_t i, k = 0;

	r->nimgs = 0;
	for (i = 0; i < r->nsaved; i++)
		if (is_image_path(r->saved[i]))
			r->nimgs++;
	if (r->nimgs == 0)
		return;
	if (idx >= r->nimgs)
		idx = r->nimgs - 1;
	for (i = 0; i < r->nsaved; i++) {
		if (!is_image_path(r->saved[i]) || k++ != idx)
			continue;
		if (app->shown.key == r->img)
			app->shown.key = NULL;
		images_cancel_run(app, r->seq);
		images_free(app, r->img);
		r->img = NULL;
		r->img_error[0] = '\0';
		r->img_idx = idx;
		(void)images_decode_run(app, r, i);	/* error in img_error */
		break;
	}
	app->dirty |= DIRTY_ALL | DIRTY_IMAGE;
}

void
runs_finish(struct app *app, struct run *r)
{
	if (r->done)
		return;
	r->done = true;
	r->ended_ms = clock_display_ms();
	r->starting_since_ms = 0;
	runs_load_image(app, r, 0);
	if (r->have_pred && r->nsaved > 0 && r->pred.output_json != NULL) {
		/* the text form names the saved files, not the URLs */
		char *loc = record_localize(r->pred.output_json,
		    (const char *const *)r->saved, r->nsaved);

		if (loc != NULL) {
			enum record_shape sh = record_classify(
			    r->pred.output_json,
			    r->have_out_schema ? &r->out_schema : NULL);

			r->out_files = sh == RECORD_FILE || sh == RECORD_FILES;
			free(r->out_text);
			r->out_text = record_text(loc, r->have_out_schema ?
			    &r->out_schema : NULL);
			free(loc);
		}
	}
	/* the cost tab's seconds: the median of this model's own runs */
	if (r->have_pred && r->pred.status == PREDICTION_SUCCEEDED &&
	    app->mp.active && app->mp.local == r->local &&
	    strcmp(app->mp.owner, r->owner) == 0 &&
	    strcmp(app->mp.name, r->name) == 0) {
		double t[APP_MAX_RUNS], med;
		size_t n = 0, k;
		char e[64];

		for (k = 0; k < app->nruns; k++) {
			const struct run *o = &app->runs[k];

			if ((o->done || o == r) && o->have_pred &&
			    o->pred.status == PREDICTION_SUCCEEDED &&
			    o->pred.metrics.predict_time > 0 &&
			    strcmp(o->owner, r->owner) == 0 &&
			    strcmp(o->name, r->name) == 0)
				t[n++] = o->pred.metrics.predict_time;
		}
		if (n > 0 && cost_median(t, n, &med, e, sizeof e) == 0) {
			app->mp.cost.seconds = med;
			xsnprintf(app->mp.cost.seconds_src,
			    sizeof app->mp.cost.seconds_src, "median of your "
			    "%zu run%s", n, n == 1 ? "" : "s");
		}
	}
	/* what this run cost, on the tier chosen in the cost tab */
	if (r->have_pred && r->pred.metrics.predict_time > 0 &&
	    app->mp.cost.loaded && app->mp.cost.table.n > 0) {
		const struct cost_state *cs = &app->mp.cost;
		const struct cost_price *pr = cs->sel >= 4 &&
		    cs->sel - 4 < cs->table.n ? &cs->table.rows[cs->sel - 4] :
		    cost_table_find(&cs->table, "gpu-l40s");
		struct cost_run est;
		char err[128];

		if (pr != NULL && cost_run_estimate(pr->usd_per_second,
		    r->pred.metrics.predict_time, &est, err, sizeof err) == 0) {
			r->cost_usd = est.usd;
			snprintf(r->hardware, sizeof r->hardware, "%s",
			    pr->sku);
		}
	}
	hist_record(app, r);
	app->dirty |= DIRTY_ALL | DIRTY_IMAGE;
	if (r->local)
		target_run_ended(app, r);	/* the queue moves on */
	if (app->view != VIEW_RUN || app->runs + app->runv.cur != r)
		app_msg(app, "run #%u %s", r->seq,
		    r->have_pred ? prediction_status_name(r->pred.status) :
		    "failed");
}

