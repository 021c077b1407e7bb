/*
 * tui/view/compare.c: two runs side by side. Each half shows one run's
 * heading, status, time, cost (Replicate's estimate, or for a local run
 * the measured energy and this machine's cost), its first image (half
 * blocks, so both sit next to each other whatever the terminal draws) or
 * its text output, and the tail of its logs; under both, the inputs key
 * by key with the keys that differ marked. The runs are found by their
 * seq in app->runs; everything drawn comes from two const struct run.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/view/look.h"
#include "widgets/paint.h"

/* ---- marks and entry points */

/* The index of run seq in app->runs, or app->nruns when not kept. */
static size_t
index_of(const struct app *app, unsigned seq)
{
	size_t i;

	for (i = 0; seq != 0 && i < app->nruns; i++)
		if (app->runs[i].seq == seq)
			return i;
	return app->nruns;
}

/* The run with sequence number seq, or NULL when it is gone. */
static struct run *
run_of(struct app *app, unsigned seq)
{
	size_t i = index_of(app, seq);

	return i < app->nruns ? &app->runs[i] : NULL;
}

/* run_of for the drawing side (a const app). */
static const struct run *
crun_of(const struct app *app, unsigned seq)
{
	size_t i = index_of(app, seq);

	return i < app->nruns ? &app->runs[i] : NULL;
}

bool
compare_marked(const struct app *app, unsigned seq)
{
	return seq != 0 && (app->cmp.mark[0] == seq ||
	    app->cmp.mark[1] == seq);
}

void
compare_mark(struct app *app, unsigned seq)
{
	struct compare_view *cv = &app->cmp;

	if (cv->mark[0] == seq) {
		cv->mark[0] = cv->mark[1];
		cv->mark[1] = 0;
		app_msg(app, "run #%u unmarked", seq);
	} else if (cv->mark[1] == seq) {
		cv->mark[1] = 0;
		app_msg(app, "run #%u unmarked", seq);
	} else {
		if (cv->mark[1] != 0) {
			cv->mark[0] = cv->mark[1];
			cv->mark[1] = 0;
		}
		cv->mark[cv->mark[0] == 0 ? 0 : 1] = seq;
		app_msg(app, "run #%u marked%s", seq, cv->mark[1] != 0 ?
		    ": d compares the two" : ": mark another, or d compares "
		    "it with the run shown");
	}
	app->dirty |= DIRTY_ALL;
}

void
compare_open(struct app *app, unsigned a, unsigned b)
{
	struct compare_view *cv = &app->cmp;

	if (run_of(app, a) == NULL || run_of(app, b) == NULL || a == b) {
		app_error(app, "compare: two different runs are needed");
		return;
	}
	cv->seq[0] = a;
	cv->seq[1] = b;
	cv->waiting = false;
	if (app->view != VIEW_COMPARE)
		cv->back = app->view;
	app->view = VIEW_COMPARE;
	app->dirty |= DIRTY_ALL;
}

void
compare_open_marked(struct app *app, unsigned shown_seq)
{
	struct compare_view *cv = &app->cmp;

	if (run_of(app, cv->mark[0]) == NULL)
		cv->mark[0] = 0;
	if (run_of(app, cv->mark[1]) == NULL)
		cv->mark[1] = 0;
	if (cv->mark[0] != 0 && cv->mark[1] != 0)
		compare_open(app, cv->mark[0], cv->mark[1]);
	else if (cv->mark[0] != 0 && cv->mark[0] != shown_seq)
		compare_open(app, cv->mark[0], shown_seq);
	else
		app_error(app, "compare: mark two runs with m first");
}

void
compare_run_both(struct app *app)
{
	struct mpage *mp = &app->mp;
	struct compare_view *cv = &app->cmp;
	char err[1024];
	char *json = NULL;
	unsigned a;
	bool was_local;
	size_t was_idx;

	if (!mp->active || mp->local || app->nlocals == 0) {
		app_error(app, "run on both: open a Replicate model page with "
		    "a local server of the same model (--local URL)");
		return;
	}
	if (mp->form == NULL) {
		app_error(app, "no form yet: the schema is loading");
		return;
	}
	/* files inline: the same bytes reach both */
	if (form_request(mp->form, FORM_REQ_INLINE_ALL, NULL, NULL, &json,
	    err, sizeof err) != 0) {
		mp->tab = MTAB_PLAY;
		app_error(app, "%s", err);
		return;
	}
	if (run_start(app, json) != 0) {
		free(json);
		return;
	}
	a = app->runs[app->nruns - 1].seq;
	/* the same input on the local server, as its page would send it */
	was_local = mp->local;
	was_idx = mp->local_idx;
	mp->local = true;
	mp->local_idx = 0;
	if (run_start(app, json) == 0) {
		cv->seq[0] = a;
		cv->seq[1] = app->runs[app->nruns - 1].seq;
		cv->waiting = true;
		app_msg(app, "running on Replicate (#%u) and locally (#%u): "
		    "the comparison opens when both end", cv->seq[0],
		    cv->seq[1]);
	}
	mp->local = was_local;
	mp->local_idx = was_idx;
	free(json);
}

/* ---- the inputs, key by key */

/* The end of the JSON value at p (strings, nesting), or NULL. */
static const char *
value_end(const char *p)
{
	int depth = 0;
	bool str = false;

	for (; *p; p++) {
		if (str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				str = false;
			continue;
		}
		switch (*p) {
		case '"':
			str = true;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return p;
			depth--;
			break;
		case ',':
			if (depth == 0)
				return p;
			break;
		default:
			break;
		}
	}
	return depth == 0 && !str ? p : NULL;
}

/* Past JSON whitespace. */
static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Copy a JSON string body (at p, after the quote) into out unescaped
 * enough to read; returns after the closing quote, or NULL. */
static const char *
read_str(const char *p, char *out, size_t n)
{
	size_t o = 0;

	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (o + 1 < n)
			out[o++] = *p;
	}
	if (n > 0)
		out[o < n ? o : n - 1] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

/* Walk the top-level object text, calling fn for each key and value. */
static int
each_pair(const char *text, void (*fn)(const char *key, const char *v,
    size_t vlen, void *arg), void *arg)
{
	const char *p = skip_ws(text ? text : "");
	char key[64];

	if (*p++ != '{')
		return -1;
	p = skip_ws(p);
	if (*p == '}')
		return 0;
	for (;;) {
		const char *v, *e;

		if (*p != '"' || (p = read_str(p + 1, key, sizeof key)) == NULL)
			return -1;
		p = skip_ws(p);
		if (*p++ != ':')
			return -1;
		v = skip_ws(p);
		if ((e = value_end(v)) == NULL)
			return -1;
		p = e;
		while (e > v && (e[-1] == ' ' || e[-1] == '\n' ||
		    e[-1] == '\t' || e[-1] == '\r'))
			e--;
		fn(key, v, (size_t)(e - v), arg);
		p = skip_ws(p);
		if (*p == ',') {
			p = skip_ws(p + 1);
			continue;
		}
		return *p == '}' ? 0 : -1;
	}
}

struct diff_ctx {
	struct compare_diff *out;
	size_t n, max;
	int side;
};

/* A value as shown: strings without quotes, cut to the cell. */
static void
show_value(const char *v, size_t len, char *out, size_t n)
{
	if (len >= 2 && v[0] == '"') {
		read_str(v + 1, out, n);
		return;
	}
	snprintf(out, n, "%.*s", (int)(len < n ? len : n - 1), v);
}

/*
 * Walk callback: one input key and its value on one side of the diff; the
 * key's row is made on first sight (up to max), the value shown cut to
 * COMPARE_VALUE_MAX.
 */
static void
add_pair(const char *key, const char *v, size_t vlen, void *arg)
{
	struct diff_ctx *c = arg;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->out[i].key, key) == 0)
			break;
	if (i == c->n) {
		if (c->n == c->max)
			return;
		memset(&c->out[i], 0, sizeof c->out[i]);
		snprintf(c->out[i].key, sizeof c->out[i].key, "%s", key);
		c->n++;
	}
	show_value(v, vlen, c->side == 0 ? c->out[i].a : c->out[i].b,
	    COMPARE_VALUE_MAX);
}

size_t
compare_input_diff(const char *a, const char *b, struct compare_diff *out,
    size_t max)
{
	struct diff_ctx c = { out, 0, max, 0 };
	size_t i;

	if (each_pair(a, add_pair, &c) != 0)
		return (size_t)-1;
	c.side = 1;
	if (each_pair(b, add_pair, &c) != 0)
		return (size_t)-1;
	for (i = 0; i < c.n; i++)
		out[i].differs = strcmp(out[i].a, out[i].b) != 0;
	return c.n;
}

/* ---- drawing */

/* A run's status word, also before the server answered. */
static const char *
status_of(const struct run *r)
{
	if (!r->have_pred)
		return r->error[0] ? "failed" : "starting";
	return prediction_status_name(r->pred.status);
}

/* Running: notice; succeeded: ok; anything else that ended: error. */
static attr_t
status_attr_of(const struct run *r)
{
	if (!r->done)
		return ATTR(NOTICE);
	if (r->have_pred && r->pred.status == PREDICTION_SUCCEEDED)
		return ATTR(OK);
	return ATTR(ERROR);
}

/* The last h lines of text (CR-rewritten lines as a terminal shows). */
static void
draw_log_tail(int y, int x, int w, int h, const char *text)
{
	const char *end, *p;
	int lines = 0;

	if (text == NULL || h <= 0)
		return;
	end = text + strlen(text);
	while (end > text && end[-1] == '\n')
		end--;
	p = end;
	while (p > text && lines < h) {
		p--;
		if (*p == '\n')
			lines++;
	}
	if (*p == '\n')
		p++;
	while (p < end && h-- > 0) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p);
		const char *cr = p + len;
		char line[PAINT_LINE_MAX];

		while (cr > p && cr[-1] != '\r')
			cr--;
		len -= (size_t)(cr - p);
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, cr, len);
		line[len] = '\0';
		paint_text(y++, x, w, line, ATTR(LOG));
		p = e ? e + 1 : end;
	}
}

/* One run in columns [x, x + w), rows [y, y + h). */
static void
draw_side(const struct app *app, const struct run *r, int y, int x, int w,
    int h)
{
	char t[512], a[COST_FMT_MAX];
	int row = y, bottom = y + h;
	char *text = NULL;

	if (r == NULL) {
		paint_text(row, x, w, "(the run is no longer kept)", ATTR(DIM));
		return;
	}
	snprintf(t, sizeof t, "#%u %s%s", r->seq, r->model,
	    r->local ? " (local)" : "");
	paint_text(row++, x, w, t, ATTR(HEADER));
	snprintf(t, sizeof t, "%s%s%s", r->done ? "" : view_spinner(),
	    r->done ? "" : " ", status_of(r));
	paint_text(row++, x, w, t, status_attr_of(r));
	if (r->have_pred && r->pred.metrics.predict_time >= 0)
		snprintf(t, sizeof t, "predict %.2fs", r->pred.metrics.predict_time);
	else
		snprintf(t, sizeof t, "predict time unknown");
	paint_text(row++, x, w, t, ATTR(FIELD));
	if (r->local) {
		if (!gpu_view_run_cost(app, r, t, sizeof t))
			snprintf(t, sizeof t, "cost: not measured (no GPU power)");
	} else if (r->cost_usd >= 0)
		snprintf(t, sizeof t, "about %s on %s",
		    cost_fmt_usd(r->cost_usd, a, sizeof a), r->hardware);
	else
		snprintf(t, sizeof t, "cost unknown");
	paint_text(row++, x, w, t, ATTR(COST));
	if (r->error[0] != '\0' && row < bottom)
		row += paint_wrap(row, x, w, 2, r->error, ATTR(ERROR));
	else if (r->have_pred && r->pred.error != NULL && row < bottom)
		row += paint_wrap(row, x, w, 2, r->pred.error, ATTR(ERROR));
	row++;
	/* the output: the image, else the text */
	if (r->img != NULL && bottom - row >= 4) {
		struct image_slot s;
		int ih = (bottom - row) * 3 / 5, iw;

		iw = ih * app->cell_h / (app->cell_w > 0 ? app->cell_w : 10);
		if (iw > w)
			iw = w;
		memset(&s, 0, sizeof s);
		s.img = r->img;
		s.key = r->img;
		s.row = row;
		s.col = x;
		s.rows = ih;
		s.cols = iw;
		if (ih > 0 && iw > 0) {
			draw_blocks(app, &s);
			row += ih + 1;
		}
	} else {
		if (r->have_pred)
			text = prediction_join_text(&r->pred, "");
		if (text != NULL && text[0] != '\0' && row < bottom) {
			int th = (bottom - row) / 2 > 1 ? (bottom - row) / 2 : 1;

			row += paint_wrap(row, x, w, th, text, ATTR(FIELD));
			row++;
		} else if (r->nsaved > 0 && row < bottom)
			paint_text(row++, x, w, r->saved[0], ATTR(LINK));
		free(text);
	}
	if (r->have_pred && r->pred.logs != NULL && bottom - row >= 2) {
		paint_text(row++, x, w, "logs", ATTR(HEADER));
		draw_log_tail(row, x + 1, w - 1, bottom - row, r->pred.logs);
	}
}

void
compare_draw_pair(const struct app *app, const struct run *l,
    const struct run *r, int y, int h)
{
	struct compare_diff d[COMPARE_DIFF_MAX];
	size_t n = (size_t)-1, i, ndiff = 0;
	int half = (app->cols - 3) / 2, dh, row;
	char t[512];

	if (l != NULL && r != NULL)
		n = compare_input_diff(l->input_json, r->input_json, d,
		    COMPARE_DIFF_MAX);
	for (i = 0; n != (size_t)-1 && i < n; i++)
		ndiff += d[i].differs;
	/* the inputs take the bottom: a heading and the keys that differ */
	dh = n == (size_t)-1 ? 1 : 1 + (int)(ndiff > 0 ? ndiff : 1);
	if (dh > h / 3)
		dh = h / 3 > 1 ? h / 3 : 1;
	draw_side(app, l, y, 1, half, h - dh - 1);
	for (row = y; row < y + h - dh - 1; row++)
		paint_text(row, half + 1, 1, "\xe2\x94\x82", ATTR(DIM));
	draw_side(app, r, y, half + 2, app->cols - half - 3, h - dh - 1);
	row = y + h - dh;
	if (n == (size_t)-1) {
		paint_text(row, 1, app->cols - 2, "inputs: cannot be compared",
		    ATTR(DIM));
		return;
	}
	snprintf(t, sizeof t, "inputs: %zu key%s, %zu differ%s", n,
	    n == 1 ? "" : "s", ndiff, ndiff == 1 ? "s" : "");
	paint_text(row++, 1, app->cols - 2, t, ATTR(HEADER));
	if (ndiff == 0 && row < y + h) {
		paint_text(row, 2, app->cols - 3, "the same input", ATTR(DIM));
		return;
	}
	for (i = 0; i < n && row < y + h; i++) {
		if (!d[i].differs)
			continue;
		snprintf(t, sizeof t, "%s: %s \xe2\x86\x92 %s", d[i].key,
		    d[i].a[0] ? d[i].a : "(unset)",
		    d[i].b[0] ? d[i].b : "(unset)");
		paint_text(row++, 2, app->cols - 3, t, ATTR(FIELD));
	}
}

/*
 * The two runs side by side (compare_draw_pair); a run forgotten since is
 * drawn as gone.
 */
static void
compare_draw(const struct app *app, int y, int h, struct frame *fr)
{
	(void)fr;
	compare_draw_pair(app, crun_of(app, app->cmp.seq[0]),
	    crun_of(app, app->cmp.seq[1]), y, h);
}

static void
compare_layout(struct app *app, int y, int h)
{
	(void)app;
	(void)y;
	(void)h;
}

/* Run-both: open the comparison once both runs have ended. */
static void
compare_tick(struct app *app, long long now)
{
	struct compare_view *cv = &app->cmp;
	const struct run *a, *b;

	(void)now;
	if (!cv->waiting)
		return;
	a = run_of(app, cv->seq[0]);
	b = run_of(app, cv->seq[1]);
	if (a == NULL || b == NULL) {
		cv->waiting = false;
		return;
	}
	/* a local run's energy is complete once its last sample is in */
	if (!a->done || !b->done || (b->local && b->energy_on &&
	    !b->energy_closed))
		return;
	compare_open(app, cv->seq[0], cv->seq[1]);
}

static long long
compare_due_ms(const struct app *app)
{
	/* both ended: look again shortly (a local run's last power
	 * sample may still be due) */
	return app->cmp.waiting && app_runs_in_flight(app) == 0 ?
	    clock_mono_ms() + COMPARE_CHECK_MS : 0;
}

static bool
compare_busy(const struct app *app)
{
	return app->cmp.waiting;
}

static void
compare_action(struct app *app, enum action a)
{
	struct compare_view *cv = &app->cmp;
	unsigned t;

	switch (a) {
	case ACT_PANE:
	case ACT_PANE_PREV:
		/* swap the sides */
		t = cv->seq[0];
		cv->seq[0] = cv->seq[1];
		cv->seq[1] = t;
		app->dirty |= DIRTY_ALL;
		break;
	default:
		break;
	}
}

static bool
compare_event(struct app *app, struct client_event *ev)
{
	(void)app;
	(void)ev;
	return false;
}

static enum key_ctx
compare_ctx(const struct app *app)
{
	(void)app;
	return CTX_COMPARE;
}

static void
compare_title(const struct app *app, char *buf, size_t n)
{
	snprintf(buf, n, " r8play \xe2\x80\xba compare #%u and #%u",
	    app->cmp.seq[0], app->cmp.seq[1]);
}

const struct view_ops compare_view_ops = {
	.name = "compare",
	.ctx = compare_ctx,
	.action = compare_action,
	.event = compare_event,
	.layout = compare_layout,
	.draw = compare_draw,
	.title = compare_title,
	.tick = compare_tick,
	.due_ms = compare_due_ms,
	.busy = compare_busy,
};
