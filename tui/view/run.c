/*
 * tui/view/run.c: the run view: the strip of runs, the shown run's state,
 * progress, metrics and cost, its saved files, image, text and logs; its
 * keys (switch run, scroll logs, cancel, run again, copy) and the runs'
 * network events (create, follow, cancel, save). The runs themselves are
 * tui/runs.c's.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/outputs.h"
#include "tui/view/look.h"
#include "tui/view/run_out.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

/* j/k, pages and ends: the output pane, or the logs (L; up goes back in
 * time there). */
static void
run_scroll(struct app *app, struct run *r, enum action a)
{
	int page = app->rows / 2 > 1 ? app->rows / 2 : 1;

	if (app->runv.logs_focus || r->out_text == NULL) {
		switch (a) {
		case ACT_PREV:
			r->log_top++;
			break;
		case ACT_NEXT:
			if (r->log_top > 0)
				r->log_top--;
			break;
		case ACT_PAGE_UP:
			r->log_top += page;
			break;
		case ACT_PAGE_DOWN:
			r->log_top -= page;
			if (r->log_top < 0)
				r->log_top = 0;
			break;
		case ACT_BOTTOM:
			r->log_top = 0;
			break;
		default:
			break;
		}
		return;
	}
	switch (a) {
	case ACT_PREV:
		r->out_top--;
		break;
	case ACT_NEXT:
		r->out_top++;
		break;
	case ACT_PAGE_UP:
		r->out_top -= page;
		break;
	case ACT_PAGE_DOWN:
		r->out_top += page;
		break;
	case ACT_TOP:
		r->out_top = 0;
		break;
	case ACT_BOTTOM:
		r->out_top = 1 << 30;	/* clamped by the layout */
		break;
	default:
		break;
	}
	if (r->out_top < 0)
		r->out_top = 0;
}

/* A bound key in the run view: switch runs, scroll the logs (up
 * goes back in time), cancel, run the same input again, copy. */
static void
run_action(struct app *app, enum action a)
{
	struct run *r;

	if (app->nruns == 0)
		return;
	if (app->runv.cur >= app->nruns)
		app->runv.cur = app->nruns - 1;
	r = &app->runs[app->runv.cur];
	switch (a) {
	case ACT_TAB_NEXT:
	case ACT_PANE:
		app->runv.cur = (app->runv.cur + 1) % app->nruns;
		break;
	case ACT_TAB_PREV:
	case ACT_PANE_PREV:
		app->runv.cur = (app->runv.cur + app->nruns - 1) % app->nruns;
		break;
	case ACT_PREV:
	case ACT_NEXT:
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
	case ACT_TOP:
	case ACT_BOTTOM:
		run_scroll(app, r, a);
		break;
	case ACT_IMG_NEXT:
	case ACT_IMG_PREV:
		if (r->nimgs < 2) {
			app_msg(app, "run #%u has %s image", r->seq,
			    r->nimgs == 1 ? "one" : "no");
			break;
		}
		runs_load_image(app, r, a == ACT_IMG_NEXT ?
		    (r->img_idx + 1) % r->nimgs :
		    (r->img_idx + r->nimgs - 1) % r->nimgs);
		break;
	case ACT_FULL:
		app->runv.full = !app->runv.full;
		break;
	case ACT_LOGS:
		app->runv.logs_focus = !app->runv.logs_focus;
		break;
	case ACT_OPEN_EXT:
		run_out_open(app, r);
		break;
	case ACT_LOAD_INPUT:
		hist_load_input(app, r);
		break;
	case ACT_CANCEL_RUN:
		if (r->done)
			app_msg(app, "run #%u has already finished", r->seq);
		else
			run_cancel(app, r);
		break;
	case ACT_RUN_AGAIN:
		/* on the run's own target, whatever page is open */
		target_run_again(app, r);
		break;
	case ACT_MARK:
		compare_mark(app, r->seq);
		break;
	case ACT_COMPARE:
		compare_open_marked(app, r->seq);
		break;
	case ACT_COPY:
		if (r->nsaved > 0)
			app_copy(app, r->saved[r->img_idx < r->nsaved &&
			    r->nimgs == r->nsaved ? r->img_idx : 0]);
		else if (r->have_pred) {
			char *t = prediction_join_text(&r->pred, "");

			if (t != NULL && t[0] != '\0')
				app_copy(app, t);
			else
				app_msg(app, "nothing to copy yet");
			free(t);
		}
		break;
	default:
		break;
	}
	app->dirty |= DIRTY_ALL | DIRTY_IMAGE;
}

/* ---- network: starting, canceling, following a run */

int
run_start(struct app *app, const char *input_json)
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
			app_msg_about_local(app, mp->local_idx);
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
		app_local_label(app, mp->local_idx, r->model,
		    sizeof r->model);
	else
		snprintf(r->model, sizeof r->model, "%s/%s", mp->owner,
		    mp->name);
	hist_run_schema(app, r);
	if (mp->local) {
		app->view = VIEW_RUN;
		app->runv.from_history = false;
		app->dirty |= DIRTY_ALL;
		if (target_submit_local(app, r) != 0) {
			app_error(app, "run: %s", r->error);
			return -1;
		}
		if (r->queued)
			app_msg(app, "run #%u queued: the server is busy",
			    r->seq);
		return 0;
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
		target_id_set(&r->target, TARGET_REPLICATE, r->model);
		rq.input_json = input_json;
		r->req = replicate_prediction_create(app->client, &rq, err,
		    sizeof err);
	}
	if (r->req == 0) {
		snprintf(r->error, sizeof r->error, "%s", err);
		r->done = true;
		r->ended_ms = clock_display_ms();
		app_error(app, "run: %s", err);
		hist_record(app, r);
		return -1;
	}
	hist_record(app, r);	/* created */
	app->view = VIEW_RUN;
	app->runv.from_history = false;
	app->dirty |= DIRTY_ALL;
	return 0;
}

void
run_cancel(struct app *app, struct run *r)
{
	char err[CLIENT_ERR_MAX];

	if (r->done || r->cancel_asked)
		return;
	if (r->queued) {
		target_unqueue(app, r);
		return;
	}
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
			app_msg_about_run(app, r->seq);
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
		app_msg_about_run(app, r->seq);
	}
	app->dirty |= DIRTY_ALL;
}

/* A run's request answered: created, progress, done, canceled, saved. */
static bool
run_event(struct app *app, struct client_event *ev)
{
	struct run *r = runs_by_req(app, ev->id);
	char err[CLIENT_ERR_MAX];

	if (r == NULL)
		return false;
	if (ev->id == r->req_cancel) {
		r->req_cancel = 0;
		if (ev->kind == CLIENT_EV_ERROR)
			app_error(app, "cancel: %s", ev->err ? ev->err : "");
		else if (ev->prediction != NULL && !r->local && !r->done)
			runs_set_prediction(app, r, ev->prediction);
		app->dirty |= DIRTY_ALL;
		return true;
	}
	if (ev->id == r->req_save) {
		r->req_save = 0;
		if (ev->kind == CLIENT_EV_ERROR)
			snprintf(r->save_error, sizeof r->save_error, "%s",
			    ev->err ? ev->err : "");
		else if (ev->saved != NULL) {
			r->saved = ev->saved->paths;
			r->nsaved = ev->saved->n;
			r->saved_dir = ev->saved->dir;
			ev->saved->paths = NULL;
			ev->saved->n = 0;
			ev->saved->dir = NULL;
		}
		runs_finish(app, r);
		app->dirty |= DIRTY_ALL;
		return true;
	}
	/* create / follow / cog predict */
	if (ev->prediction != NULL)
		runs_set_prediction(app, r, ev->prediction);
	if (ev->kind == CLIENT_EV_PROGRESS) {
		r->streaming = ev->streaming;
		app->dirty |= DIRTY_ALL;
		return true;
	}
	if (ev->kind == CLIENT_EV_ERROR) {
		client_emit_error(r->error, sizeof r->error, ev->rc, ev->err,
		    NULL);
		if (r->have_pred && !prediction_status_terminal(r->pred.status))
			r->pred.status = ev->rc == CLIENT_ECANCEL ?
			    PREDICTION_CANCELED : PREDICTION_FAILED;
	}
	if (ev->id == r->req && !r->local && ev->kind == CLIENT_EV_DONE &&
	    r->have_pred && !prediction_status_terminal(r->pred.status)) {
		/* created: follow it (SSE, else polling) */
		r->req = 0;
		if (r->cancel_pending) {
			r->cancel_pending = false;
			run_cancel(app, r);
		}
		r->req_follow = replicate_prediction_follow(app->client,
		    &r->pred, err, sizeof err);
		if (r->req_follow == 0) {
			snprintf(r->error, sizeof r->error, "%s", err);
			runs_finish(app, r);
		}
		app->dirty |= DIRTY_ALL;
		return true;
	}
	if (ev->id == r->req)
		r->req = 0;
	if (ev->id == r->req_follow)
		r->req_follow = 0;
	/* terminal: save the file outputs, then finish */
	if (r->have_pred && ev->kind == CLIENT_EV_DONE &&
	    r->pred.status == PREDICTION_SUCCEEDED) {
		char dir[1400];

		/* one directory per run: <output dir>/<prediction id> */
		if (r->pred.id != NULL && strchr(r->pred.id, '/') == NULL &&
		    r->pred.id[0] != '.')
			xsnprintf(dir, sizeof dir, "%s/%s", app->output_dir,
			    r->pred.id);
		else
			xsnprintf(dir, sizeof dir, "%s/run-%u", app->output_dir,
			    r->seq);
		r->req_save = outputs_save(app->client, &r->pred, dir, err,
		    sizeof err);
		if (r->req_save == 0) {
			snprintf(r->save_error, sizeof r->save_error, "%s",
			    err);
			runs_finish(app, r);
		}
	} else
		runs_finish(app, r);
	app->dirty |= DIRTY_ALL;
	return true;
}

/* ---- drawing */

/* Seconds since the run started (until it ended). */
static double
elapsed_s(const struct run *r)
{
	long long end = r->done ? r->ended_ms : clock_display_ms();

	return (double)(end - r->started_ms) / 1000.0;
}

/* The colour of a run's status: ok, error, warning or in flight. */
static attr_t
status_attr(const struct run *r)
{
	if (!r->have_pred)
		return r->unsent_canceled ? ATTR(WARN) : r->error[0] ?
		    ATTR(ERROR) : ATTR(DIM);
	switch (r->pred.status) {
	case PREDICTION_SUCCEEDED:
		return ATTR(OK);
	case PREDICTION_FAILED:
	case PREDICTION_ABORTED:
		return ATTR(ERROR);
	case PREDICTION_CANCELED:
		return ATTR(WARN);
	default:
		return ATTR(NOTICE);
	}
}

/* "starting", "failed" or the prediction's status. */
static const char *
run_status(const struct run *r)
{
	if (r->queued)
		return "queued";
	if (!r->have_pred)
		return r->unsent_canceled ? "canceled" : r->error[0] ?
		    "failed" : "starting";
	return prediction_status_name(r->pred.status);
}

/* The strip of runs: " #1 ✓ #2 ⠋ ..." with the shown one highlighted. */
static void
draw_run_strip(const struct app *app, int y)
{
	int x = 1;
	size_t i;

	if (app->runv.strip_top > 0)
		paint_text(y, 0, 1, "\xe2\x80\xb9", ATTR(DIM));
	for (i = app->runv.strip_top; i < app->nruns; i++) {
		const struct run *r = &app->runs[i];
		char t[96];
		int w;

		snprintf(t, sizeof t, " %s#%u %s%s ", compare_marked(app,
		    r->seq) ? "*" : "", r->seq, r->done ? "" : view_spinner(),
		    r->done ? run_status(r) : "");
		w = tw_width(t);
		if (x + w >= app->cols) {
			paint_text(y, app->cols - 1, 1, "\xe2\x80\xba",
			    ATTR(DIM));
			break;
		}
		paint_text(y, x, w, t, i == app->runv.cur ? ATTR(TAB_ACTIVE) :
		    status_attr(r));
		x += w + 1;
	}
}

/* Lines of text, the last max lines that fit (from the tail, minus top). */
static int
draw_tail(int y, int x, int w, int h, const char *text, int top, attr_t a)
{
	const char *end = text + strlen(text), *p = end;
	int lines = 0, r, want = h + top;

	if (h <= 0)
		return 0;
	while (end > text && end[-1] == '\n')
		end--;
	p = end;
	while (p > text && lines < want) {
		p--;
		if (*p == '\n' && p < end - 1)
			lines++;
		if (*p == '\r') {
			/* tqdm redraws with CR: keep only the last state */
			;
		}
	}
	if (p > text || (p == text && *p == '\n'))
		p++;
	r = 0;
	while (p < end && r < h) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		const char *cr;
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p);
		char line[PAINT_LINE_MAX];

		/* text after the last CR is what a terminal would show */
		for (cr = p + len; cr > p; cr--)
			if (cr[-1] == '\r')
				break;
		len -= (size_t)(cr - p);
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, cr, len);
		line[len] = '\0';
		paint_text(y + r++, x, w, line, a);
		p = e ? e + 1 : end;
	}
	return r;
}

/* The run's heading, state, errors, progress bar and metrics from row;
 * returns the next free row. */
static int
draw_run_state(const struct app *app, const struct run *r, int row,
    int bottom)
{
	char t[1024], a[COST_FMT_MAX];
	int done_n, total_n;
	double pct;

	snprintf(t, sizeof t, "run #%u \xc2\xb7 %s%s%s \xc2\xb7 %.1fs%s%s",
	    r->seq, r->model, r->local ? " (local)" : "", "", elapsed_s(r),
	    r->have_pred && r->pred.id ? " \xc2\xb7 " : "",
	    r->have_pred && r->pred.id ? r->pred.id : "");
	paint_text(row++, 1, app->cols - 2, t, ATTR(HEADER));
	snprintf(t, sizeof t, "%s%s%s%s", r->done ? "" : view_spinner(),
	    r->done ? "" : " ", run_status(r),
	    (r->cancel_asked || r->cancel_pending) && !r->done ?
	    " (cancel asked)" : r->streaming && !r->done ? " (streaming)" :
	    "");
	paint_text(row++, 1, app->cols - 2, t, status_attr(r));
	if (r->queued && row < bottom) {
		size_t ahead = target_queue_place(app, r);

		bool boot = r->local_idx < app->nlocals &&
		    dock_state_of(&app->locals[r->local_idx]) == DOCK_BOOTING;
		bool ask = app->overlay == OV_GPU_CPU &&
		    app->dock.cpu_idx == r->local_idx;

		snprintf(t, sizeof t, "waiting for %s: %s (%zu queued "
		    "ahead)", r->model, ask ? "the daemon has no GPU for it, "
		    "start it on the CPU?" : boot ? "it is booting" :
		    "it is busy", ahead > 0 ? ahead - 1 : 0);
		paint_text(row++, 1, app->cols - 2, t, ATTR(DIM));
		/* what the container says while it boots */
		if (boot && (app->locals[r->local_idx].log.req != 0 ||
		    app->locals[r->local_idx].log.n > 0) && bottom - row > 2)
			row += dock_boot_logs_draw(app, r->local_idx, row + 1,
			    bottom - row - 1 < DOCK_BOOT_PANEL_MAX ?
			    bottom - row - 1 : DOCK_BOOT_PANEL_MAX) + 1;
	}
	if (!r->done && r->have_pred && r->pred.status == PREDICTION_STARTING &&
	    r->starting_since_ms != 0 &&
	    clock_mono_ms() - r->starting_since_ms > APP_COLD_START_MS)
		paint_text(row++, 1, app->cols - 2, "still starting: the model "
		    "is probably booting cold (this can take minutes; you are "
		    "not billed for it on public models)", ATTR(WARN));
	if (r->error[0] != '\0' && row < bottom)
		row += paint_wrap(row, 1, app->cols - 2, 3, r->error, ATTR(ERROR));
	/* the client's error often quotes the prediction's ("prediction
	 * failed: ..."): the same words once */
	if (r->have_pred && r->pred.error != NULL && row < bottom &&
	    strstr(r->error, r->pred.error) == NULL)
		row += paint_wrap(row, 1, app->cols - 2, 3, r->pred.error,
		    ATTR(ERROR));
	/* progress from tqdm lines */
	if (r->have_pred && prediction_progress(&r->pred, &done_n, &total_n,
	    &pct) && row < bottom) {
		int bw = app->cols - 20 > 10 ? app->cols - 20 : 10;

		if (bw > 60)
			bw = 60;
		paint_bar(row, 1, bw, pct / 100.0, ATTR(PROGRESS));
		if (total_n > 0)
			snprintf(t, sizeof t, "%3.0f%% %d/%d", pct, done_n,
			    total_n);
		else
			snprintf(t, sizeof t, "%3.0f%%", pct);
		paint_text(row++, bw + 2, app->cols - bw - 3, t, ATTR(PROGRESS));
	}
	/* metrics and cost */
	if (r->done && r->have_pred && row < bottom &&
	    (r->pred.metrics.predict_time >= 0 || r->cost_usd >= 0)) {
		size_t o = 0;

		t[0] = '\0';
		if (r->pred.metrics.predict_time >= 0)
			o += (size_t)snprintf(t + o, sizeof t - o,
			    "predict %.2fs", r->pred.metrics.predict_time);
		if (r->cost_usd >= 0 && o < sizeof t)
			o += (size_t)snprintf(t + o, sizeof t - o,
			    " \xc2\xb7 about %s on %s",
			    cost_fmt_usd(r->cost_usd, a, sizeof a),
			    r->hardware);
		if (r->pred.metrics.output_token_count >= 0 && o < sizeof t)
			snprintf(t + o, sizeof t - o, " \xc2\xb7 %lld tokens",
			    r->pred.metrics.output_token_count);
		paint_text(row++, 1, app->cols - 2, t, ATTR(COST));
	}
	/* local runs: energy and the cost here beside Replicate's */
	row = gpu_view_draw_run(app, r, row, bottom);
	return row;
}

/* Below the state: the output pane (tui/view/run_out.c), the logs. */
static void
draw_run_outputs(const struct app *app, const struct run *r, int row,
    int bottom, struct frame *fr)
{
	int x = 1, w;

	row = run_out_draw(app, r, row, bottom, fr, &x);
	if (app->runv.full)
		return;
	/* logs: the tail, scrollable; beside the image where it left room */
	x = x > 0 ? x : 1;
	w = app->cols - x - 1;
	if (r->have_pred && r->pred.logs != NULL && bottom - row >= 2) {
		char t[160];

		snprintf(t, sizeof t, "logs%s%s", r->pred.logs_truncated ?
		    " (older lines dropped)" : "", app->runv.logs_focus ?
		    " \xc2\xb7 j/k scroll, L: the output" :
		    " \xc2\xb7 L to scroll");
		paint_text(row++, x, w, t,
		    app->runv.logs_focus ? ATTR(HEADER) : ATTR(DIM));
		draw_tail(row, x + 1, w - 1, bottom - row, r->pred.logs,
		    r->log_top, ATTR(LOG));
	}
}

/* The strip of runs, then the shown run's state and outputs. */
static void
run_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct run *r;
	int row = y, bottom = y + h;

	if (app->nruns == 0) {
		paint_text(y + 1, 2, app->cols - 4, "no runs yet", ATTR(DIM));
		return;
	}
	r = &app->runs[app->runv.cur < app->nruns ? app->runv.cur :
	    app->nruns - 1];
	if (app->runv.full) {
		char t[400];

		snprintf(t, sizeof t, "run #%u \xc2\xb7 %s \xc2\xb7 f: back",
		    r->seq, r->model);
		paint_text(row++, 1, app->cols - 2, t, ATTR(HEADER));
		draw_run_outputs(app, r, row, bottom, fr);
		return;
	}
	draw_run_strip(app, row++);
	row++;
	row = draw_run_state(app, r, row, bottom);
	row++;
	draw_run_outputs(app, r, row, bottom, fr);
}

/* Update step: the shown run is one that exists. */
static void
run_layout(struct app *app, int y, int h)
{
	struct run_view *rv = &app->runv;
	size_t i;
	int x;

	(void)y;
	(void)h;
	if (app->nruns == 0)
		return;
	if (rv->cur >= app->nruns)
		rv->cur = app->nruns - 1;
	/* the strip starts where the shown run still fits in it */
	if (rv->strip_top > rv->cur)
		rv->strip_top = rv->cur;
	for (;;) {
		x = 1;
		for (i = rv->strip_top; i <= rv->cur; i++) {
			const struct run *r = &app->runs[i];
			char t[96];

			snprintf(t, sizeof t, " #%u %s%s ", r->seq,
			    r->done ? "" : view_spinner(),
			    r->done ? run_status(r) : "");
			x += tw_width(t) + 1;
		}
		if (x <= app->cols - 1 || rv->strip_top >= rv->cur)
			break;
		rv->strip_top++;
	}
	run_out_layout(app, &app->runs[rv->cur]);
}

/* The run view has one key context. */
static enum key_ctx
run_ctx(const struct app *app)
{
	(void)app;
	return CTX_RUN;
}

/* " r8play > runs" */
static void
run_title(const struct app *app, char *buf, size_t n)
{
	(void)app;
	snprintf(buf, n, " r8play \xe2\x80\xba runs");
}

/* C cancel is hinted only while the shown run is in flight. */
static bool
run_hint_ok(const struct app *app, enum action a)
{
	const struct run_view *rv = &app->runv;

	if (a != ACT_CANCEL_RUN)
		return true;
	return rv->cur < app->nruns && !app->runs[rv->cur].done;
}

const struct view_ops run_view_ops = {
	.name = "run",
	.ctx = run_ctx,
	.action = run_action,
	.event = run_event,
	.layout = run_layout,
	.draw = run_draw,
	.title = run_title,
	.hint_ok = run_hint_ok,
};
