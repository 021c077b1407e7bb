/*
 * tui/history.c: the TUI's runs in the history database (client/history):
 * each run recorded when created and on every state change, its folder's
 * record (output.txt, output.json, run.json) written when it ends, past
 * runs loaded back as runs, the model forms kept and restored, and the
 * remote runs a previous r8play left in flight followed again. Called from
 * key and network-event handlers only, never while drawing.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/history/record.h"

void
hist_open(struct app *app, const char *token)
{
	struct hist *h = &app->hist;
	char err[HIST_MSG_MAX];

	h->token = token != NULL && token[0] != '\0' ? xstrdup(token) : NULL;
	enum history_rc rc;

	rc = history_open(NULL, &h->db, err, sizeof err);
	if (rc != HISTORY_OK) {
		h->db = NULL;
		xsnprintf(h->error, sizeof h->error, "%s", err);
		/* the short reason first: the path may not fit the line */
		app_error(app, "history off: %s; runs are not recorded, the "
		    "file is left as it is (%s)", history_strerror(rc), err);
	}
}

void
hist_close(struct app *app)
{
	struct hist *h = &app->hist;
	size_t i;

	history_close(h->db);
	h->db = NULL;
	free(h->token);
	h->token = NULL;
	free(h->pending_input);
	h->pending_input = NULL;
	for (i = 0; i < h->nforms; i++) {
		free(h->forms[i].model);
		free(h->forms[i].input_json);
	}
	h->nforms = 0;
}

void
hist_run_schema(struct app *app, struct run *r)
{
	const struct mpage *mp = &app->mp;
	size_t i;

	if (!mp->have_schema)
		return;
	if (mp->schema.has_output) {
		r->out_schema = mp->schema.output;
		r->out_schema.fields = NULL;
		r->out_schema.nfields = 0;
		r->out_schema.note = NULL;
		r->have_out_schema = true;
	}
	for (i = 0; i < mp->schema.nfields; i++)
		if (mp->schema.fields[i].kind == SCHEMA_KIND_SECRET &&
		    r->nsecret < HISTORY_MAX_SECRETS) {
			r->secret_fields = xrealloc(r->secret_fields,
			    (r->nsecret + 1) * sizeof *r->secret_fields);
			r->secret_fields[r->nsecret++] =
			    xstrdup(mp->schema.fields[i].name);
		}
}

/* The run's folder: where its files were saved, else <output dir>/<id>. */
static void
run_folder(const struct app *app, const struct run *r, char *buf, size_t n)
{
	const char *id = r->have_pred ? r->pred.id : NULL;

	if (r->saved_dir != NULL)
		xsnprintf(buf, n, "%s", r->saved_dir);
	else if (id != NULL && id[0] != '\0' && id[0] != '.' &&
	    strchr(id, '/') == NULL)
		xsnprintf(buf, n, "%s/%s", app->output_dir, id);
	else
		xsnprintf(buf, n, "%s/run-%u", app->output_dir, r->seq);
}

void
hist_record(struct app *app, struct run *r)
{
	struct hist *h = &app->hist;
	const char *values[1];
	struct history_secrets sec;
	struct record_run rr;
	struct prediction p;
	char dir[1400], err[HIST_MSG_MAX];
	enum record_shape shape;
	bool ended;

	if (r->past)
		return;
	memset(&p, 0, sizeof p);
	if (r->have_pred)
		p = r->pred;	/* shallow: only read */
	else {
		p.status = r->unsent_canceled ? PREDICTION_CANCELED :
		    r->error[0] ? PREDICTION_FAILED : PREDICTION_STARTING;
		p.error = r->error[0] ? r->error : NULL;
		p.metrics.predict_time = -1;
	}
	p.input_json = r->input_json;
	if (p.version == NULL)
		p.version = r->version;
	ended = r->done && prediction_status_terminal(p.status);
	if (!r->have_pred && r->error[0])
		ended = r->done;
	if (h->db == NULL && !ended)
		return;
	memset(&sec, 0, sizeof sec);
	sec.fields = (const char *const *)r->secret_fields;
	sec.n_fields = r->nsecret;
	if (h->token != NULL) {
		values[0] = h->token;
		sec.values = values;
		sec.n_values = 1;
	}
	run_folder(app, r, dir, sizeof dir);
	memset(&rr, 0, sizeof rr);
	rr.p = &p;
	rr.so = r->have_out_schema ? &r->out_schema : NULL;
	rr.target_kind = r->local ? HISTORY_TARGET_SERVER :
	    HISTORY_TARGET_REPLICATE;
	rr.target = r->local ? app->locals[r->local_idx].url : app->api_base;
	rr.model = r->model;
	rr.saved = (const char *const *)r->saved;
	rr.n_saved = r->nsaved;
	rr.cost = r->cost_usd;
	rr.sec = &sec;
	/* the folder once the run is over: not for a failed run, nor for
	 * file outputs none of which is ours (a path inside a server) */
	shape = record_classify(p.output_json, rr.so);
	if (ended && !r->saved_record && p.status == PREDICTION_SUCCEEDED &&
	    !((shape == RECORD_FILE || shape == RECORD_FILES) &&
	    r->nsaved == 0)) {
		rr.dir = dir;
		if (record_save(&rr, NULL, err, sizeof err) != 0)
			xsnprintf(r->save_error, sizeof r->save_error, "%s",
			    err);
		else {
			r->saved_record = true;
			if (r->saved_dir == NULL)
				r->saved_dir = xstrdup(dir);
		}
	}
	if (r->saved_record)
		rr.dir = r->saved_dir;
	if (h->db == NULL)
		return;
	if (record_history(h->db, &rr, &r->hist_id, err, sizeof err) !=
	    HISTORY_OK) {
		/* say it once: the run itself goes on */
		if (h->error[0] == '\0')
			app_error(app, "history: %s", err);
		xsnprintf(h->error, sizeof h->error, "%s", err);
		return;
	}
	r->hist_status = (int)p.status;
}

/* The image outputs of r among its saved files. */
static void
load_outputs(struct app *app, struct run *r)
{
	runs_load_image(app, r, 0);
}

int
hist_open_run(struct app *app, long long id)
{
	struct hist *h = &app->hist;
	struct history_run hr;
	char err[HIST_MSG_MAX];
	struct run *r;
	size_t i;

	for (i = 0; i < app->nruns; i++)
		if (app->runs[i].hist_id == id) {
			app->runv.cur = i;
			app->view = VIEW_RUN;
			app->dirty |= DIRTY_ALL | DIRTY_IMAGE;
			return 0;
		}
	if (h->db == NULL) {
		app_error(app, "no history: %s", h->error);
		return -1;
	}
	if (history_get(h->db, id, &hr, err, sizeof err) != HISTORY_OK) {
		app_error(app, "history: %s", err);
		return -1;
	}
	r = runs_new(app);
	r->past = true;
	r->done = true;
	r->hist_id = hr.id;
	r->local = hr.target_kind != HISTORY_TARGET_REPLICATE;
	xsnprintf(r->model, sizeof r->model, "%s", hr.model ? hr.model : "?");
	if (!r->local && hr.model != NULL) {
		const char *sl = strchr(hr.model, '/');

		if (sl != NULL && (size_t)(sl - hr.model) < sizeof r->owner) {
			memcpy(r->owner, hr.model, (size_t)(sl - hr.model));
			r->owner[sl - hr.model] = '\0';
			xsnprintf(r->name, sizeof r->name, "%s", sl + 1);
		}
	}
	r->version = hr.version ? xstrdup(hr.version) : NULL;
	r->input_json = xstrdup(hr.input_json ? hr.input_json : "{}");
	r->have_pred = true;
	r->pred.id = hr.remote_id ? xstrdup(hr.remote_id) : NULL;
	r->pred.status = PREDICTION_FAILED;
	for (i = 0; i < PREDICTION__STATUS_COUNT; i++)
		if (hr.status != NULL && strcmp(hr.status,
		    prediction_status_name((enum prediction_status)i)) == 0)
			r->pred.status = (enum prediction_status)i;
	r->pred.error = hr.error ? xstrdup(hr.error) : NULL;
	r->pred.logs = hr.logs ? xstrdup(hr.logs) : NULL;
	r->pred.output_json = hr.output_json ? xstrdup(hr.output_json) : NULL;
	r->pred.metrics.predict_time = hr.predict_time;
	r->pred.metrics.total_time = -1;
	r->pred.metrics.input_token_count = -1;
	r->pred.metrics.output_token_count = -1;
	r->cost_usd = hr.cost;
	r->started_ms = r->ended_ms = 0;
	if (hr.output_dir != NULL)
		r->saved_dir = xstrdup(hr.output_dir);
	if (record_paths(hr.saved_json, &r->saved, &r->nsaved) != 0)
		xsnprintf(r->save_error, sizeof r->save_error, "the saved "
		    "paths of this run cannot be read");
	r->out_text = r->pred.output_json != NULL ?
	    record_text(r->pred.output_json, NULL) : NULL;
	if (r->pred.output_json != NULL) {
		enum record_shape sh = record_classify(r->pred.output_json,
		    NULL);

		/* stored with local paths: strings that were the files */
		r->out_files = r->nsaved > 0 && (sh == RECORD_FILE ||
		    sh == RECORD_FILES || sh == RECORD_STRING ||
		    sh == RECORD_STRINGS);
	}
	load_outputs(app, r);
	history_run_done(&hr);
	app->view = VIEW_RUN;
	app->dirty |= DIRTY_ALL | DIRTY_IMAGE;
	return 0;
}

void
hist_resume(struct app *app)
{
	struct hist *h = &app->hist;
	struct history_list l;
	char err[HIST_MSG_MAX];
	size_t i, n = 0;

	if (h->db == NULL || !app->have_token)
		return;
	if (history_in_flight(h->db, &l, err, sizeof err) != HISTORY_OK) {
		app_error(app, "history: %s", err);
		return;
	}
	for (i = 0; i < l.n && n < APP_MAX_RUNS / 2; i++) {
		const struct history_run *hr = &l.runs[i];
		struct run *r;
		const char *sl;

		if (hr->target == NULL || strcmp(hr->target, app->api_base) != 0)
			continue;	/* another API's run */
		r = runs_new(app);
		r->hist_id = hr->id;
		r->hist_status = -1;
		xsnprintf(r->model, sizeof r->model, "%s",
		    hr->model ? hr->model : "?");
		sl = hr->model ? strchr(hr->model, '/') : NULL;
		if (sl != NULL && (size_t)(sl - hr->model) < sizeof r->owner) {
			memcpy(r->owner, hr->model, (size_t)(sl - hr->model));
			r->owner[sl - hr->model] = '\0';
			xsnprintf(r->name, sizeof r->name, "%s", sl + 1);
		}
		r->version = hr->version ? xstrdup(hr->version) : NULL;
		r->input_json = xstrdup(hr->input_json ? hr->input_json :
		    "{}");
		/* GET it; run_event follows it (as after a create) */
		r->req = replicate_prediction_get(app->client, hr->remote_id,
		    err, sizeof err);
		if (r->req == 0) {
			xsnprintf(r->error, sizeof r->error, "%s", err);
			r->done = true;
			continue;
		}
		n++;
	}
	history_list_done(&l);
	if (n > 0)
		app_msg(app, "following %zu run%s left in flight (R)", n,
		    n == 1 ? "" : "s");
}

/* ---- forms */

/* The key of the page's model: owner/name, or the server URL. */
static void
page_key(const struct app *app, char *buf, size_t n)
{
	if (app->mp.local)
		xsnprintf(buf, n, "%s", app->locals[app->mp.local_idx].url);
	else
		xsnprintf(buf, n, "%s/%s", app->mp.owner, app->mp.name);
}

/* The kept entry of model key, or NULL. */
static struct hist_form *
form_of(struct hist *h, const char *key)
{
	size_t i;

	for (i = 0; i < h->nforms; i++)
		if (strcmp(h->forms[i].model, key) == 0)
			return &h->forms[i];
	return NULL;
}

/*
 * The kept values: "name\x1ftext\x1e" per set field (the form's own texts,
 * so a value comes back exactly as typed).
 */
void
hist_form_keep(struct app *app)
{
	struct hist *h = &app->hist;
	const struct form *f = app->mp.form;
	struct hist_form *e;
	char key[600];
	size_t i, len = 0, cap = 256;
	char *buf;

	if (!app->mp.active || f == NULL)
		return;
	page_key(app, key, sizeof key);
	buf = xcalloc(1, cap);
	for (i = 0; i < f->nfields; i++) {
		const char *name = f->schema->fields[i].name;
		const char *t = form_text(f, i);
		size_t need;

		if (!form_is_set(f, i) || t == NULL)
			continue;
		need = strlen(name) + strlen(t) + 3;
		if (len + need >= cap) {
			cap = (len + need) * 2;
			buf = xrealloc(buf, cap);
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s\x1f%s\x1e",
		    name, t);
	}
	if ((e = form_of(h, key)) == NULL) {
		if (h->nforms == HIST_FORMS_MAX) {
			/* forget the oldest */
			free(h->forms[0].model);
			free(h->forms[0].input_json);
			memmove(&h->forms[0], &h->forms[1],
			    (HIST_FORMS_MAX - 1) * sizeof h->forms[0]);
			h->nforms--;
		}
		e = &h->forms[h->nforms++];
		e->model = xstrdup(key);
		e->input_json = NULL;
	}
	free(e->input_json);
	e->input_json = buf;
}

void
hist_form_restore(struct app *app)
{
	struct hist *h = &app->hist;
	struct form *f = app->mp.form;
	struct hist_form *e;
	char key[600], err[HIST_MSG_MAX];
	char *json = NULL;

	if (f == NULL)
		return;
	if (h->pending_input != NULL) {
		int n = form_load_example(f, h->pending_input,
		    strlen(h->pending_input), err, sizeof err);

		free(h->pending_input);
		h->pending_input = NULL;
		form_validate(f);
		if (n >= 0)
			app_msg(app, "the run's input is in the form: %d "
			    "input%s set", n, n == 1 ? "" : "s");
		return;
	}
	page_key(app, key, sizeof key);
	if ((e = form_of(h, key)) != NULL) {
		char *p = e->input_json;

		while (p != NULL && *p != '\0') {
			char *us = strchr(p, '\x1f'), *rs;

			if (us == NULL || (rs = strchr(us, '\x1e')) == NULL)
				break;
			*us = *rs = '\0';
			form_set(f, p, us + 1, err, sizeof err);
			*us = '\x1f';
			*rs = '\x1e';
			p = rs + 1;
		}
		form_validate(f);
		return;
	}
	if (h->db == NULL || history_last_input(h->db, key, &json, err,
	    sizeof err) != HISTORY_OK)
		return;
	if (form_load_example(f, json, strlen(json), err, sizeof err) > 0) {
		form_validate(f);
		app_msg(app, "the form has the inputs of your last run");
	}
	free(json);
}

/* Local idx is the target a run names as model: runs name a server by
 * host:port (app_local_label), older records by its whole URL. */
static bool
local_is(const struct app *app, size_t idx, const char *model)
{
	char label[256];

	if (idx >= app->nlocals)
		return false;
	app_local_label(app, idx, label, sizeof label);
	return strcmp(app->locals[idx].url, model) == 0 ||
	    strcmp(label, model) == 0;
}

void
hist_load_input(struct app *app, const struct run *r)
{
	struct mpage *mp = &app->mp;
	char key[600];
	size_t i;

	if (r->input_json == NULL) {
		app_error(app, "run #%u has no input", r->seq);
		return;
	}
	if (mp->active) {
		page_key(app, key, sizeof key);
		if ((mp->local ? local_is(app, mp->local_idx, r->model) :
		    strcmp(key, r->model) == 0) && mp->form != NULL) {
			char err[HIST_MSG_MAX];
			int n;

			form_reset(mp->form);
			n = form_load_example(mp->form, r->input_json,
			    strlen(r->input_json), err, sizeof err);
			form_validate(mp->form);
			if (n < 0)
				app_error(app, "input: %s", err);
			else
				app_msg(app, "run #%u's input is in the form: "
				    "%d input%s set (Ctrl-R runs it)", r->seq,
				    n, n == 1 ? "" : "s");
			mp->tab = MTAB_PLAY;
			mp->focus = 0;
			app->view = VIEW_MODEL;
			app->dirty |= DIRTY_ALL;
			return;
		}
	}
	/* another model: open its page; the form takes the input once built */
	free(app->hist.pending_input);
	app->hist.pending_input = xstrdup(r->input_json);
	if (r->local || strchr(r->model, '/') == NULL || r->owner[0] == '\0') {
		for (i = 0; i < app->nlocals; i++)
			if (local_is(app, i, r->model))
				break;
		if (i == app->nlocals) {
			free(app->hist.pending_input);
			app->hist.pending_input = NULL;
			app_error(app, "%s is not a server of this session "
			    "(r8play --local %s%s)", r->model,
			    strstr(r->model, "://") || strchr(r->model, '/') ?
			    "" : "http://",
			    r->model);
			return;
		}
		model_close(app);
		model_open_local(app, i);
	} else {
		model_close(app);
		model_open(app, r->owner, r->name);
	}
	app->mp.tab = MTAB_PLAY;
	app->view = VIEW_MODEL;
	app->dirty |= DIRTY_ALL;
}
