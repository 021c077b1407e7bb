/*
 * tui/view/tab_cost.c: the model page's Cost tab: the calculator inputs
 * (enum cost_row: seconds per run, batch runs, requests per hour, min
 * instances), a batch and deployment forecast on the chosen hardware, and
 * the price table with each tier's cost per run (client/cost/).
 */
#include "tui/app.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cost/cost_quote.h"
#include "tui/view/look.h"
#include "widgets/paint.h"

/* The calculator's input rows, in the order of enum cost_row: the label
 * shown in the tab and the one its prompt asks with. */
static const struct {
	const char	*label, *prompt;
} cost_inputs[COST_ROW__INPUTS] = {
	[COST_ROW_SECONDS] = { "seconds per run", "seconds per run: " },
	[COST_ROW_RUNS] = { "runs in the batch", "runs in the batch: " },
	[COST_ROW_RPH] = { "requests per hour (deployment)",
	    "requests per hour: " },
	[COST_ROW_MIN_INSTANCES] = { "min instances (deployment)",
	    "min instances: " },
};

void
tab_cost_defaults(struct app *app)
{
	struct cost_state *cs = &app->mp.cost;
	const struct model *m = app->mp.model;

	if (!cs->loaded) {
		char err[APP_MSG_MAX];

		if (cost_table_load(&cs->table, err, sizeof err) != 0)
			snprintf(cs->error, sizeof cs->error, "%s", err);
		cs->loaded = true;
	}
	if (cs->seconds <= 0 && m != NULL && m->default_example != NULL &&
	    m->default_example->metrics.predict_time > 0) {
		cs->seconds = m->default_example->metrics.predict_time;
		xsnprintf(cs->seconds_src, sizeof cs->seconds_src, "%s",
		    cost_seconds_label(COST_SECONDS_EXAMPLE));
	}
	if (cs->runs <= 0)
		cs->runs = 100;
	if (cs->rph <= 0)
		cs->rph = 60;
}

/* + / - on an input: seconds by 25%, runs by 10x, requests per hour
 * by 2x, instances by one; each within its bounds. */
static void
cost_step(struct app *app, int dir)
{
	struct cost_state *cs = &app->mp.cost;

	switch (cs->sel) {
	case COST_ROW_SECONDS:
		cs->seconds = cs->seconds <= 0 ? 1 : cs->seconds *
		    (dir > 0 ? 1.25 : 0.8);
		xsnprintf(cs->seconds_src, sizeof cs->seconds_src, "%s",
		    cost_seconds_label(COST_SECONDS_TYPED));
		cs->seconds = round(cs->seconds * 100) / 100;
		if (cs->seconds < 0.01)
			cs->seconds = 0.01;
		break;
	case COST_ROW_RUNS:
		cs->runs = dir > 0 ? cs->runs * 10 : cs->runs / 10;
		if (cs->runs < 1)
			cs->runs = 1;
		if (cs->runs > 1e9)
			cs->runs = 1e9;
		break;
	case COST_ROW_RPH:
		cs->rph = dir > 0 ? cs->rph * 2 : cs->rph / 2;
		if (cs->rph < 1)
			cs->rph = 1;
		if (cs->rph > 1e6)
			cs->rph = 1e6;
		break;
	case COST_ROW_MIN_INSTANCES:
		if (dir > 0 && cs->min_instances < 100)
			cs->min_instances++;
		else if (dir < 0 && cs->min_instances > 0)
			cs->min_instances--;
		break;
	default:
		break;
	}
	app->dirty |= DIRTY_FORM;
}

/* Enter on an input: type its value in the prompt. */
static void
cost_edit(struct app *app)
{
	struct cost_state *cs = &app->mp.cost;
	char cur[64];

	if (cs->sel >= COST_ROW__INPUTS)
		return;
	switch (cs->sel) {
	case COST_ROW_SECONDS:
		snprintf(cur, sizeof cur, "%g", cs->seconds);
		break;
	case COST_ROW_RUNS:
		snprintf(cur, sizeof cur, "%.0f", cs->runs);
		break;
	case COST_ROW_RPH:
		snprintf(cur, sizeof cur, "%g", cs->rph);
		break;
	default:
		snprintf(cur, sizeof cur, "%u", cs->min_instances);
		break;
	}
	overlay_prompt_open(app, PK_COST, cost_inputs[cs->sel].prompt, cur, false, NULL);
}

void
tab_cost_prompt_done(struct app *app)
{
	struct cost_state *cs = &app->mp.cost;
	double v;

	if (cost_parse_double(app->prompt.edit.buf, &v) != 0 || !(v >= 0)) {
		app_error(app, "'%s' is not a number", app->prompt.edit.buf);
		return;
	}
	switch (cs->sel) {
	case COST_ROW_SECONDS:
		if (v <= 0 || v > COST_MAX_SECONDS) {
			app_error(app, "seconds must be > 0 and at most %g",
			    COST_MAX_SECONDS);
			return;
		}
		cs->seconds = v;
		xsnprintf(cs->seconds_src, sizeof cs->seconds_src, "%s",
		    cost_seconds_label(COST_SECONDS_TYPED));
		break;
	case COST_ROW_RUNS:
		if (v < 1 || v > 1e12) {
			app_error(app, "runs must be 1 to 1e12");
			return;
		}
		cs->runs = floor(v);
		break;
	case COST_ROW_RPH:
		if (v <= 0 || v > COST_MAX_RPH) {
			app_error(app, "requests per hour must be > 0");
			return;
		}
		cs->rph = v;
		break;
	case COST_ROW_MIN_INSTANCES:
		if (v > COST_MAX_INSTANCES) {
			app_error(app, "at most %u instances",
			    COST_MAX_INSTANCES);
			return;
		}
		cs->min_instances = (unsigned)v;
		break;
	default:
		break;
	}
}

/* ---- drawing */

/* The calculator's input rows from row r on; returns the next row. */
static int
cost_draw_inputs(const struct app *app, int y, int h, int r)
{
	const struct cost_state *cs = &app->mp.cost;
	char t[512], a[COST_FMT_MAX];
	size_t i;

	for (i = 0; i < COST_ROW__INPUTS && r < h; i++) {
		bool sel = cs->sel == i;

		switch (i) {
		case COST_ROW_SECONDS:
			if (cs->seconds > 0) {
				char f[COST_FMT_MAX];

				xsnprintf(a, sizeof a, "%s%s%s%s",
				    cost_fmt_seconds(cs->seconds, f, sizeof f),
				    cs->seconds_src[0] ? " (" : "",
				    cs->seconds_src, cs->seconds_src[0] ? ")" :
				    "");
			} else
				snprintf(a, sizeof a, "unknown (Enter sets it)");
			break;
		case COST_ROW_RUNS:
			snprintf(a, sizeof a, "%.0f", cs->runs);
			break;
		case COST_ROW_RPH:
			snprintf(a, sizeof a, "%g", cs->rph);
			break;
		default:
			snprintf(a, sizeof a, "%u", cs->min_instances);
			break;
		}
		snprintf(t, sizeof t, "%-32s %s", cost_inputs[i].label, a);
		paint_text_pad(y + r, 1, app->cols - 2, t, sel ? ATTR(SELECTED) :
		    ATTR(FIELD));
		r++;
	}
	return r;
}

/*
 * The batch and deployment forecast on the quote's tier (the selected
 * one, else the quote's default), from row r on; returns the next row.
 */
static int
cost_draw_forecast(const struct app *app, const struct cost_quote *q, int y,
    int h, int r)
{
	const struct cost_state *cs = &app->mp.cost;
	char t[512], a[COST_FMT_MAX], b[COST_FMT_MAX], c[COST_FMT_MAX];

	if (!(cs->seconds > 0 && r + 2 < h && q->tier != NULL))
		return r;
	if (q->has_batch)
		snprintf(t, sizeof t, "batch of %.0f on %s: %s, %s of compute",
		    cs->runs, q->tier->name,
		    cost_fmt_usd(q->batch.total_usd, a, sizeof a),
		    cost_fmt_seconds(q->batch.billed_s, b, sizeof b));
	else
		snprintf(t, sizeof t, "batch: %s", q->batch_err);
	paint_text(y + r++, 1, app->cols - 2, t, ATTR(COST));
	if (q->has_deploy)
		snprintf(t, sizeof t, "deployment at %g req/h: %u instance%s, "
		    "%s/month (public model: %s)", cs->rph, q->deploy.instances,
		    q->deploy.instances == 1 ? "" : "s",
		    cost_fmt_usd(q->deploy.monthly_usd, a, sizeof a),
		    cost_fmt_usd(q->deploy.public_monthly_usd, c, sizeof c));
	else
		snprintf(t, sizeof t, "deployment: %s", q->deploy_err);
	paint_text(y + r++, 1, app->cols - 2, t, ATTR(COST));
	return r;
}

/*
 * The price table from row r on, this machine's GPUs first, scrolled to
 * the selected tier, each tier with the quote's cost per run.
 */
static void
cost_draw_tiers(const struct app *app, const struct cost_quote *q, int y,
    int h, int r)
{
	const struct cost_state *cs = &app->mp.cost;
	char t[512], a[COST_FMT_MAX];
	size_t i, ntier = cs->table.n, top;
	int rows;

	snprintf(t, sizeof t, "%-26s %12s %10s %10s", "HARDWARE", "PRICE",
	    "PER RUN", "RUNS/$1");
	paint_text(y + r++, 1, app->cols - 2, t, ATTR(HEADER));
	/* this machine's GPUs beside the tiers (tui/view/gpu.c) */
	if (r < h - 1) {
		char m[160];

		if (gpu_view_machine_cell(app, cs->seconds, m, sizeof m)) {
			snprintf(t, sizeof t, "%-26s %s", "this machine", m);
			paint_text_pad(y + r++, 1, app->cols - 2, t, ATTR(COST));
		}
	}
	rows = h - r - 1;
	top = 0;
	if (cs->sel >= COST_ROW__INPUTS)
		view_scroll_to(cs->sel - COST_ROW__INPUTS, &top, rows);
	for (i = top; i < ntier && i < q->n && r < h - 1; i++) {
		const struct cost_tier_estimate *est = &q->rows[i];

		cost_fmt_price(est->p->usd_per_second, a, sizeof a);
		snprintf(t, sizeof t, "%-26s %12s %10s %10s", est->p->name, a,
		    est->ok ? est->run.usd_text : "-",
		    est->ok ? est->run.runs_text : "-");
		paint_text_pad(y + r++, 1, app->cols - 2, t,
		    cs->sel == i + COST_ROW__INPUTS ? ATTR(SELECTED) :
		    ATTR(NORMAL));
	}
}

/*
 * The quote the tab shows: the typed (or example) seconds on every tier,
 * the batch and deployment on the selected tier. Heap: a quote holds a row
 * per tier. NULL when out of memory.
 */
static struct cost_quote *
cost_tab_quote(const struct cost_state *cs)
{
	struct cost_quote_in in;
	struct cost_timing tm;
	struct cost_quote *q;
	char err[COST_QUOTE_ERR_MAX];

	if ((q = calloc(1, sizeof *q)) == NULL)
		return NULL;
	memset(&tm, 0, sizeof tm);
	tm.typed_seconds = cs->seconds > 0 ? cs->seconds : 0;
	memset(&in, 0, sizeof in);
	in.table = &cs->table;
	in.timing = &tm;
	if (cs->sel >= COST_ROW__INPUTS &&
	    cs->sel - COST_ROW__INPUTS < cs->table.n)
		in.sku = cs->table.rows[cs->sel - COST_ROW__INPUTS].sku;
	in.runs = (uint64_t)cs->runs;
	in.rph = cs->rph;
	in.min_instances = cs->min_instances;
	if (cost_quote(&in, q, err, sizeof err) != 0) {
		free(q);
		return NULL;
	}
	return q;
}

/* The inputs, the forecast on the chosen tier, the price table
 * scrolled to the selected tier, and where the prices come from. */
static void
cost_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct cost_state *cs = &app->mp.cost;
	struct cost_quote *q;
	char t[512];
	int r = 0;

	(void)fr;
	if (!cs->loaded) {
		paint_text(y + 1, 2, app->cols - 4, "no price table", ATTR(DIM));
		return;
	}
	if (cs->error[0] != '\0')
		paint_text(y + r++, 1, app->cols - 2, cs->error, ATTR(ERROR));
	r = cost_draw_inputs(app, y, h, r);
	if ((q = cost_tab_quote(cs)) == NULL)
		return;
	r = cost_draw_forecast(app, q, y, h, r);
	r++;	/* a blank row; a screen this short shows no table */
	if (r < h)
		cost_draw_tiers(app, q, y, h, r);
	free(q);
	if (r >= h)
		return;
	cost_table_describe(&cs->table, t, sizeof t);
	paint_text(y + h - 1, 1, app->cols - 2, t, ATTR(DIM));
}

/* Up / down move between the inputs and the tiers. */
static void
cost_move(struct app *app, long d)
{
	struct cost_state *cs = &app->mp.cost;
	long n = COST_ROW__INPUTS + (long)cs->table.n, s;

	s = (long)cs->sel + d;
	if (s < 0)
		s = 0;
	if (s >= n)
		s = n - 1;
	cs->sel = (size_t)s;
}

const struct tab_ops cost_tab_ops = {
	.title = "Cost",
	.ctx = CTX_COST,
	.move_by = cost_move,
	.open = cost_edit,
	.step = cost_step,
	.draw = cost_draw,
};
