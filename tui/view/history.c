/*
 * tui/view/history.c: the history screen (R): this session's and past
 * runs from the history database, newest first, loaded a page at a time
 * and filtered with one prompt ("model:M status:S target:T words");
 * Enter opens a run (its outputs from disk), e loads its input into the
 * model's form, space marks two runs for a compare (d).
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/view/look.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

/* Monotonic milliseconds with a fraction (the query times). */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void
hist_parse_filter(const char *text, char *buf, size_t bufsz,
    struct history_filter *f)
{
	size_t half = bufsz / 2, wl = 0;
	char *words = buf + half, *tok, *save = NULL;

	memset(f, 0, sizeof *f);
	if (half == 0)
		return;
	/* the tokens in buf's first half, the plain words in its second */
	xsnprintf(buf, half, "%s", text);
	words[0] = '\0';
	for (tok = strtok_r(buf, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		size_t n;

		if (strncmp(tok, "model:", 6) == 0 && tok[6])
			f->model = tok + 6;
		else if (strncmp(tok, "status:", 7) == 0 && tok[7])
			f->status = tok + 7;
		else if (strncmp(tok, "target:", 7) == 0 && tok[7])
			f->target = tok + 7;
		else if ((n = strlen(tok)) + wl + 2 < bufsz - half) {
			if (wl > 0)
				words[wl++] = ' ';
			memcpy(words + wl, tok, n + 1);
			wl += n;
		}
	}
	if (wl > 0)
		f->text = words;
}

/* Load the window of rows [offset, offset + HIST_PAGE) (and the count
 * with it when count): the list only ever holds that window, so a
 * history of any size opens and scrolls in one query. */
static void
load_window(struct app *app, size_t offset, bool count)
{
	struct hist_view *hv = &app->histv;
	struct history_filter f;
	char buf[HIST_FILTER_MAX * 2 + 8], err[HIST_MSG_MAX];
	double t0 = now_ms();

	hist_parse_filter(hv->filter, buf, sizeof buf, &f);
	history_list_done(&hv->list);
	hv->base = offset;
	f.limit = HIST_PAGE;
	f.offset = offset;
	if (history_list(app->hist.db, &f, &hv->list, err, sizeof err) !=
	    HISTORY_OK) {
		xsnprintf(hv->error, sizeof hv->error, "%s", err);
		return;
	}
	if (count && history_count(app->hist.db, &f, &hv->total, err,
	    sizeof err) != HISTORY_OK)
		hv->total = hv->list.n;
	hv->load_ms = now_ms() - t0;
}

/* The row at index i of the match, or NULL when not loaded. */
static const struct history_run *
row_at(const struct hist_view *hv, size_t i)
{
	if (i < hv->base || i - hv->base >= hv->list.n)
		return NULL;
	return &hv->list.runs[i - hv->base];
}

/* The window holds the selection and a screen of rows around it. */
static void
cover(struct app *app)
{
	struct hist_view *hv = &app->histv;
	size_t margin = (size_t)(app->rows > 0 ? app->rows : 24);
	size_t lo = hv->sel > margin ? hv->sel - margin : 0;
	size_t hi = hv->sel + margin;

	if (app->hist.db == NULL || hv->total == 0)
		return;
	if (hi > hv->total)
		hi = hv->total;
	if (lo >= hv->base && hi <= hv->base + hv->list.n)
		return;
	load_window(app, hv->sel > HIST_PAGE / 2 ? hv->sel - HIST_PAGE / 2 :
	    0, false);
}

void
hist_view_reload(struct app *app)
{
	struct hist_view *hv = &app->histv;

	history_list_done(&hv->list);
	hv->total = 0;
	hv->error[0] = '\0';
	if (app->hist.db == NULL)
		return;
	load_window(app, 0, true);
	if (hv->sel >= hv->total)
		hv->sel = hv->total > 0 ? hv->total - 1 : 0;
	cover(app);
	app->dirty |= DIRTY_ALL;
}

void
hist_view_show(struct app *app)
{
	if (app->hist.db == NULL) {
		/* no database: this session's runs only */
		if (app->nruns == 0) {
			app_msg(app, "no runs yet: Ctrl-R runs the form "
			    "(no history: %s)", app->hist.error);
			return;
		}
		app->view = VIEW_RUN;
		app->dirty |= DIRTY_ALL;
		return;
	}
	app->view = VIEW_HISTORY;
	app->histv.sel = 0;
	app->histv.top = 0;
	hist_view_reload(app);
	app_msg(app, "%zu run%s (%.1f ms)", app->histv.total,
	    app->histv.total == 1 ? "" : "s", app->histv.load_ms);
}

void
hist_view_done(struct app *app)
{
	history_list_done(&app->histv.list);
	memset(&app->histv, 0, sizeof app->histv);
}

void
hist_view_prompt_done(struct app *app, bool ok)
{
	struct hist_view *hv = &app->histv;

	app->overlay = OV_NONE;
	if (!ok)
		return;
	xsnprintf(hv->filter, sizeof hv->filter, "%s", app->prompt.edit.buf);
	hv->sel = hv->top = 0;
	hist_view_reload(app);
	app_msg(app, "%zu run%s match (%.1f ms)", hv->total,
	    hv->total == 1 ? "" : "s", hv->load_ms);
}

/* A stored run as a struct run for hist_load_input (borrowed strings). */
static void
load_input(struct app *app, const struct history_run *hr)
{
	struct run r;
	const char *sl;

	memset(&r, 0, sizeof r);
	r.local = hr->target_kind != HISTORY_TARGET_REPLICATE;
	xsnprintf(r.model, sizeof r.model, "%s", hr->model ? hr->model : "");
	sl = hr->model ? strchr(hr->model, '/') : NULL;
	if (!r.local && sl != NULL && (size_t)(sl - hr->model) <
	    sizeof r.owner) {
		memcpy(r.owner, hr->model, (size_t)(sl - hr->model));
		r.owner[sl - hr->model] = '\0';
		xsnprintf(r.name, sizeof r.name, "%s", sl + 1);
	}
	r.input_json = hr->input_json;
	r.seq = 0;
	hist_load_input(app, &r);
}

/* Space: mark the row (two at most; a third replaces the older). */
static void
mark(struct app *app, long long id)
{
	struct hist_view *hv = &app->histv;

	if (hv->marked[0] == id) {
		hv->marked[0] = hv->marked[1];
		hv->marked[1] = 0;
	} else if (hv->marked[1] == id)
		hv->marked[1] = 0;
	else if (hv->marked[0] == 0)
		hv->marked[0] = id;
	else if (hv->marked[1] == 0)
		hv->marked[1] = id;
	else {
		hv->marked[0] = hv->marked[1];
		hv->marked[1] = id;
	}
}

/*
 * The history list's keys: moving, reloading, / filters, Enter opens the
 * run, the form takes its input back, space marks and d compares two marked
 * runs. The rows the selection reaches are read from the database here
 * (cover), never while drawing.
 */
static void
history_action(struct app *app, enum action a)
{
	struct hist_view *hv = &app->histv;
	size_t page = app->rows > 6 ? (size_t)app->rows - 6 : 1;
	const struct history_run *hr = row_at(hv, hv->sel);

	switch (a) {
	case ACT_NEXT:
		hv->sel++;
		break;
	case ACT_PREV:
		if (hv->sel > 0)
			hv->sel--;
		break;
	case ACT_PAGE_DOWN:
		hv->sel += page;
		break;
	case ACT_PAGE_UP:
		hv->sel = hv->sel > page ? hv->sel - page : 0;
		break;
	case ACT_TOP:
		hv->sel = 0;
		break;
	case ACT_BOTTOM:
		hv->sel = hv->total > 0 ? hv->total - 1 : 0;
		break;
	case ACT_RELOAD:
		hist_view_reload(app);
		break;
	case ACT_FILTER:
		overlay_prompt_open(app, PK_HISTORY, "filter runs: ",
		    hv->filter, false, "words, model:OWNER/NAME, status:failed, "
		    "target:server (Enter: apply, empty: all)");
		break;
	case ACT_OPEN:
		if (hr != NULL && hist_open_run(app, hr->id) == 0)
			app->runv.from_history = true;
		break;
	case ACT_LOAD_INPUT:
		if (hr != NULL)
			load_input(app, hr);
		break;
	case ACT_MARK:
		if (hr != NULL) {
			mark(app, hr->id);
			hv->sel++;
		}
		break;
	case ACT_COMPARE:
		if (hv->marked[0] == 0 || hv->marked[1] == 0)
			app_msg(app, "mark two runs with space first");
		else {
			/* both loaded as runs (from the database when past),
			 * then side by side; Esc comes back here */
			unsigned seq[2];
			int k;

			for (k = 0; k < 2; k++) {
				if (hist_open_run(app, hv->marked[k]) != 0)
					break;
				seq[k] = app->runs[app->runv.cur].seq;
			}
			app->view = VIEW_HISTORY;
			if (k == 2)
				compare_open(app, seq[0], seq[1]);
		}
		break;
	default:
		break;
	}
	if (hv->sel >= hv->total)
		hv->sel = hv->total > 0 ? hv->total - 1 : 0;
	cover(app);	/* the database is read here, never while drawing */
	app->dirty |= DIRTY_ALL;
}

/* Clamp the selection to what the filter matched and scroll it into view. */
static void
history_layout(struct app *app, int y, int h)
{
	struct hist_view *hv = &app->histv;

	(void)y;
	hv->list_rows = h - 2;
	if (hv->sel >= hv->total)
		hv->sel = hv->total > 0 ? hv->total - 1 : 0;
	view_scroll_to(hv->sel, &hv->top, hv->list_rows);
	/* rows outside the window are drawn once the next key loads them */
	if (hv->top < hv->base)
		hv->top = hv->base;
}

/* "2026-12-05 04:40" from an ISO 8601 time. */
static void
short_time(const char *iso, char *buf, size_t n)
{
	if (iso == NULL || strlen(iso) < 16) {
		xsnprintf(buf, n, "%s", iso ? iso : "");
		return;
	}
	xsnprintf(buf, n, "%.10s %.5s", iso, iso + 11);
}

/* When r was made, "YYYY-MM-DD HH:MM" UTC: its created_at, else its
 * started_at (a Cog server sends no created_at), else when r8play
 * recorded it. */
static void
run_time(const struct history_run *r, char *buf, size_t n)
{
	const char *iso = r->created_at != NULL && r->created_at[0] ?
	    r->created_at : r->started_at;
	time_t t = (time_t)r->recorded;
	struct tm tm;

	if (iso != NULL && iso[0] != '\0')
		short_time(iso, buf, n);
	else if (r->recorded > 0 && gmtime_r(&t, &tm) != NULL)
		strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	else
		buf[0] = '\0';
}

/* The colour of a recorded run's status word. */
static attr_t
status_attr(const char *s)
{
	if (s == NULL)
		return ATTR(DIM);
	if (strcmp(s, "succeeded") == 0)
		return ATTR(OK);
	if (strcmp(s, "failed") == 0 || strcmp(s, "aborted") == 0)
		return ATTR(ERROR);
	if (strcmp(s, "canceled") == 0)
		return ATTR(WARN);
	return ATTR(NOTICE);
}

/*
 * The count line, then one row per recorded run in the window: mark, id,
 * when, status, model, and on wide screens the target and the input. Reads
 * only the rows history_action loaded.
 */
static void
history_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct hist_view *hv = &app->histv;
	char t[512], tm[32];
	size_t i;
	int row = y, w = app->cols - 2;

	(void)fr;
	if (hv->filter[0])
		snprintf(t, sizeof t, "%zu run%s match \"%s\" \xc2\xb7 newest "
		    "first", hv->total, hv->total == 1 ? "" : "s",
		    hv->filter);
	else
		snprintf(t, sizeof t, "%zu run%s \xc2\xb7 newest first",
		    hv->total, hv->total == 1 ? "" : "s");
	paint_text(row++, 1, w, t, ATTR(HEADER));
	if (hv->error[0]) {
		paint_wrap(row, 1, w, 2, hv->error, ATTR(ERROR));
		return;
	}
	if (hv->total == 0 || hv->list.n == 0) {
		paint_text(row + 1, 2, w - 1, hv->filter[0] ? "no run matches "
		    "(/ changes the filter)" : "no runs yet: Ctrl-R on a "
		    "model's form runs it", ATTR(DIM));
		return;
	}
	row++;
	for (i = hv->top; row_at(hv, i) != NULL && row < y + h; i++) {
		const struct history_run *r = row_at(hv, i);
		bool mk = r->id == hv->marked[0] || r->id == hv->marked[1];
		attr_t a = i == hv->sel ? ATTR(SELECTED) : ATTR(NORMAL);
		int x = 1, cw;

		paint_fill(row, 0, app->cols, a);
		snprintf(t, sizeof t, "%s%6lld", mk ? "*" : " ", r->id);
		x += paint_text(row, x, 8, t, a) + 1;
		if (app->cols >= 60) {	/* a column of its own */
			run_time(r, tm, sizeof tm);
			paint_text(row, x, 16, tm, i == hv->sel ? a :
			    ATTR(DIM));
			x += 17;
		}
		cw = paint_text(row, x, 10, r->status ? r->status : "?",
		    i == hv->sel ? a : status_attr(r->status));
		x += (cw < 10 ? 10 : cw) + 1;
		if (x < app->cols - 1)
			x += paint_text(row, x, app->cols - x - 1, r->model ?
			    r->model : "?", a) + 1;
		if (app->cols >= 80 && x < app->cols - 12) {
			snprintf(t, sizeof t, "%s %s",
			    history_target_name(r->target_kind),
			    r->input_json ? r->input_json : "");
			paint_text(row, x, app->cols - x - 1, t, i == hv->sel ?
			    a : ATTR(DIM));
		}
		row++;
	}
}

/* The history screen sends no requests (the database is local). */
static bool
history_event(struct app *app, struct client_event *ev)
{
	(void)app;
	(void)ev;
	return false;
}

/* Key context of the history list (its bindings in tui/keys.c). */
static enum key_ctx
history_ctx(const struct app *app)
{
	(void)app;
	return CTX_HISTORY;
}

/* The title bar's breadcrumb. */
static void
history_title(const struct app *app, char *buf, size_t n)
{
	(void)app;
	snprintf(buf, n, " r8play \xe2\x80\xba history");
}

const struct view_ops history_view_ops = {
	.name = "history",
	.ctx = history_ctx,
	.action = history_action,
	.event = history_event,
	.layout = history_layout,
	.draw = history_draw,
	.title = history_title,
};
