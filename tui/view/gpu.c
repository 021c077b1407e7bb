/*
 * tui/view/gpu.c: the GPU panel (VIEW_GPU), the title bar strip, and the
 * energy of local runs. NVML is synchronous and cheap, so sampling runs
 * on the view timer (tick/due_ms): a snapshot once a second, and while a
 * local run is in flight the power of every GPU four times a second,
 * integrated by client/gpu/energy.c into the run's struct gpu_energy.
 * Without a driver (gpu_open fails) there is no strip, the panel says so
 * once, and runs carry no energy.
 */
#include "tui/app.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/config.h"
#include "tui/view/look.h"
#include "widgets/paint.h"

/* A config price: a number >= 0, else -1 (not set or not a number). */
static double
price_of(const char *s)
{
	char *end;
	double v;

	if (s == NULL || s[0] == '\0')
		return -1;
	v = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == s || *end != '\0' || !isfinite(v) || v < 0)
		return -1;
	return v;
}

/* Read every GPU now; with containers (the panel is open), the
 * container of each process from its cgroup. */
static void
gpu_take(struct gpu_view *gv, bool containers)
{
	char err[256], id[GPU_CONTAINER_ID_MAX];
	size_t i, j;

	if (gv->g == NULL)
		return;
	if (gpu_sample(gv->g, &gv->snap, err, sizeof err) != 0) {
		gv->have_snap = false;
		return;
	}
	gv->have_snap = true;
	for (i = 0; containers && i < gv->snap.n; i++)
		for (j = 0; j < gv->snap.dev[i].n_procs; j++) {
			gv->cid[i][j][0] = '\0';
			if (gpu_pid_container(NULL, gv->snap.dev[i].procs[j].pid,
			    id, sizeof id) == 1)
				snprintf(gv->cid[i][j], sizeof gv->cid[i][j],
				    "%.*s", GPU_VIEW_CID_SHOWN, id);
		}
}

void
gpu_view_init(struct app *app)
{
	struct gpu_view *gv = &app->gpuv;
	struct config cfg;
	char err[512];

	memset(gv, 0, sizeof *gv);
	gv->electricity_price = gv->gpu_hour_price = -1;
	memset(&cfg, 0, sizeof cfg);
	if (config_load(&cfg, true, err, sizeof err) == CLIENT_OK) {
		gv->electricity_price = price_of(cfg.electricity_price);
		gv->gpu_hour_price = price_of(cfg.gpu_hour_price);
	}
	config_done(&cfg);
	gv->prices_state = cost_table_load(&gv->prices, err,
	    sizeof err) == 0 || gv->prices.n > 0 ? 1 : -1;
	gv->g = gpu_open(getenv("R8PLAY_NVML_LIB"), err, sizeof err);
	gpu_take(gv, false);
	if (gv->g != NULL)
		gv->next_ms = clock_mono_ms() + GPU_VIEW_SAMPLE_MS;
}

void
gpu_view_done(struct app *app)
{
	gpu_free(app->gpuv.g);
	app->gpuv.g = NULL;
	app->gpuv.have_snap = false;
}

void
gpu_view_open(struct app *app)
{
	if (app->view != VIEW_GPU)
		app->gpuv.back = app->view;
	app->view = VIEW_GPU;
	app->gpuv.top = 0;
	gpu_take(&app->gpuv, true);
	app->dirty |= DIRTY_ALL;
}

/* "3.2/24.0G": bytes used and total in GiB, one decimal. */
static void
fmt_vram(const struct gpu_dev *d, char *buf, size_t n)
{
	const double gib = 1024.0 * 1024.0 * 1024.0;

	if (!d->mem_ok)
		snprintf(buf, n, "?");
	else
		snprintf(buf, n, "%.1f/%.1fG", (double)d->mem_used / gib,
		    (double)d->mem_total / gib);
}

void
gpu_view_strip(const struct app *app, char *buf, size_t n, int maxw)
{
	const struct gpu_view *gv = &app->gpuv;
	size_t i, o = 0;

	if (n > 0)
		buf[0] = '\0';
	if (gv->g == NULL || !gv->have_snap)
		return;
	for (i = 0; i < gv->snap.n && o + 1 < n; i++) {
		const struct gpu_dev *d = &gv->snap.dev[i];
		char u[16], m[48];
		int w;

		if (d->util_ok)
			snprintf(u, sizeof u, "%u%%", d->util_pct);
		else
			snprintf(u, sizeof u, "?%%");
		fmt_vram(d, m, sizeof m);
		w = snprintf(buf + o, n - o, "%sgpu%u %s %s", i ? "  " : "",
		    d->index, u, m);
		if (w < 0 || (size_t)w >= n - o || (int)o + w > maxw) {
			buf[o] = '\0';
			break;
		}
		o += (size_t)w;
	}
}

/* ---- energy of local runs */

/*
 * The power of the GPUs together and their VRAM used. The local server
 * may use any of them, so every GPU that reports power counts (a board
 * that cannot report is left out); watts < 0 when none can, vram
 * ULLONG_MAX when no GPU says.
 */
static void
power_now(struct gpu_view *gv, double *watts, unsigned long long *vram)
{
	bool wk = false, vk = false;
	size_t i;

	*watts = 0;
	*vram = 0;
	for (i = 0; i < gv->snap.n; i++) {
		double w;
		unsigned long long v = ULLONG_MAX;

		if (gpu_power(gv->g, gv->snap.dev[i].index, &w, &v) == 0) {
			*watts += w;
			wk = true;
		} else if (gv->snap.dev[i].mem_ok)
			v = gv->snap.dev[i].mem_used;
		if (v != ULLONG_MAX) {
			*vram += v;
			vk = true;
		}
	}
	if (!wk)
		*watts = -1;
	if (!vk)
		*vram = ULLONG_MAX;
}

/* A sample for every local run in flight, and the closing one for a run
 * that has just ended. Returns whether a local run is still in flight. */
static bool
sample_runs(struct app *app, long long now)
{
	struct gpu_view *gv = &app->gpuv;
	bool any = false, took = false;
	double w = -1;
	unsigned long long v = ULLONG_MAX;
	size_t i;

	if (gv->g == NULL || !gv->have_snap)
		return false;
	for (i = 0; i < app->nruns; i++) {
		struct run *r = &app->runs[i];

		if (!r->local || r->energy_closed ||
		    (r->done && !r->energy_on))
			continue;
		if (!took) {
			power_now(gv, &w, &v);
			took = true;
		}
		if (!r->energy_on) {
			gpu_energy_init(&r->energy);
			r->energy_on = true;
		}
		gpu_energy_add(&r->energy, (double)now / 1000.0, w, v);
		if (r->done) {
			r->energy_closed = true;
			app->dirty |= DIRTY_ALL;
		} else
			any = true;
	}
	return any;
}

/*
 * Sample the GPUs every GPU_VIEW_SAMPLE_MS (each process's container only
 * while the panel is shown: that reads cgroups), and, while local runs are
 * in flight, their power every GPU_VIEW_POWER_MS for their energy figures.
 */
static void
gpu_tick(struct app *app, long long now)
{
	struct gpu_view *gv = &app->gpuv;

	if (gv->g == NULL)
		return;
	if (now >= gv->next_ms) {
		gpu_take(gv, app->view == VIEW_GPU);
		gv->next_ms = now + GPU_VIEW_SAMPLE_MS;
		app->dirty |= DIRTY_LAYOUT | (app->view == VIEW_GPU ?
		    DIRTY_ALL : 0);
	}
	if (gv->next_power_ms == 0 || now >= gv->next_power_ms)
		gv->next_power_ms = sample_runs(app, now) ?
		    now + GPU_VIEW_POWER_MS : 0;
}

/* A local run in flight, or one ended whose last sample is not in. */
static bool
runs_sampling(const struct app *app)
{
	size_t i;

	if (app->gpuv.g == NULL)
		return false;
	for (i = 0; i < app->nruns; i++) {
		const struct run *r = &app->runs[i];

		if (r->local && !r->energy_closed &&
		    (!r->done || r->energy_on))
			return true;
	}
	return false;
}

/* The next sample the loop must wake for (0: none). */
static long long
gpu_due_ms(const struct app *app)
{
	const struct gpu_view *gv = &app->gpuv;
	long long due = gv->g != NULL ? gv->next_ms : 0;

	if (runs_sampling(app)) {
		long long p = gv->next_power_ms != 0 ? gv->next_power_ms :
		    clock_mono_ms();

		if (due == 0 || p < due)
			due = p;
	}
	return due;
}

/* The screen waits for a finished local run's closing sample. */
static bool
gpu_busy(const struct app *app)
{
	size_t i;

	if (app->gpuv.g == NULL)
		return false;
	for (i = 0; i < app->nruns; i++)
		if (app->runs[i].local && app->runs[i].done &&
		    app->runs[i].energy_on && !app->runs[i].energy_closed)
			return true;
	return false;
}

/* ---- what a local run costs */

/* The price table loaded by gpu_view_init(), or NULL. */
static const struct cost_table *
prices(const struct app *app)
{
	return app->gpuv.prices_state == 1 ? &app->gpuv.prices : NULL;
}

/* The inputs of the local cost for seconds with energy e (NULL: none). */
static void
local_in(const struct gpu_view *gv, double seconds,
    const struct gpu_energy_summary *e, struct cost_local_in *in)
{
	memset(in, 0, sizeof *in);
	in->seconds = seconds;
	in->energy_known = e != NULL && e->energy_known;
	in->energy_wh = in->energy_known ? e->wh : 0;
	in->electricity_price = gv->electricity_price;
	in->gpu_hour_price = gv->gpu_hour_price;
}

int
gpu_view_draw_run(const struct app *app, const struct run *r, int row,
    int bottom)
{
	const struct gpu_view *gv = &app->gpuv;
	const struct cost_table *t;
	struct gpu_energy_summary s;
	struct cost_local_in in;
	struct cost_local lc;
	struct cost_local_row rows[COST_MAX_ROWS];
	char line[1024], a[COST_FMT_MAX], b[COST_FMT_MAX], err[160];
	char c[COST_LOCAL_NOTE_MAX + 64];
	size_t o, i, nr;
	double secs;

	if (gv->g == NULL || !r->local || !r->energy_on || !r->done ||
	    row >= bottom)
		return row;
	gpu_energy_summary(&r->energy, &s);
	if (s.energy_known) {
		o = (size_t)snprintf(line, sizeof line, "energy %.4f Wh \xc2\xb7 "
		    "avg %.0f W \xc2\xb7 peak %.0f W", s.wh, s.avg_w, s.peak_w);
	} else
		o = (size_t)snprintf(line, sizeof line, "energy: power cannot "
		    "be read on this GPU");
	if (s.vram_known && o < sizeof line) {
		char v[32];

		snprintf(line + o, sizeof line - o, " \xc2\xb7 peak VRAM %s",
		    gpu_fmt_bytes(s.peak_vram, v, sizeof v));
	}
	paint_text(row++, 1, app->cols - 2, line, ATTR(COST));
	if (row >= bottom)
		return row;
	secs = r->have_pred && r->pred.metrics.predict_time >= 0 ?
	    r->pred.metrics.predict_time : s.seconds;
	local_in(gv, secs, &s, &in);
	if (cost_local_compute(&in, &lc, err, sizeof err) != 0) {
		paint_text(row++, 1, app->cols - 2, err, ATTR(ERROR));
		return row;
	}
	cost_local_fmt(&lc, c, sizeof c);
	if (!lc.known)	/* cost_local_fmt gave what to set */
		snprintf(line, sizeof line, "this machine: %s", c);
	else
		snprintf(line, sizeof line, "this machine %s for %.2fs; the same "
		    "time on Replicate (x: times this machine):", c, secs);
	paint_text(row++, 1, app->cols - 2, line, ATTR(COST));
	if ((t = prices(app)) == NULL)
		return row;
	nr = cost_local_compare(t, &in, &lc, false, rows,
	    sizeof rows / sizeof rows[0]);
	/* the tiers in fixed cells, as many rows as GPU_VIEW_TIER_ROWS */
	{
		int cw = 38, per = (app->cols - 2) / cw, x = 0, used = 0;

		if (per < 1)
			per = 1;
		for (i = 0; i < nr && row < bottom; i++) {
			if (rows[i].ratio_known)
				snprintf(b, sizeof b, "%.1fx", rows[i].ratio);
			else
				snprintf(b, sizeof b, "-");
			snprintf(line, sizeof line, "%-20.20s %9s %6s",
			    rows[i].p->sku, cost_fmt_usd(rows[i].replicate_usd,
			    a, sizeof a), b);
			paint_text(row, 2 + x * cw, cw - 1, line, ATTR(NORMAL));
			if (++x == per) {
				x = 0;
				row++;
				if (++used == GPU_VIEW_TIER_ROWS)
					break;
			}
		}
		if (x > 0)
			row++;
	}
	return row;
}

bool
gpu_view_run_cost(const struct app *app, const struct run *r, char *buf,
    size_t n)
{
	const struct gpu_view *gv = &app->gpuv;
	struct gpu_energy_summary s;
	struct cost_local_in in;
	struct cost_local lc;
	char c[COST_LOCAL_NOTE_MAX], err[160];
	double secs;

	if (n > 0)
		buf[0] = '\0';
	if (gv->g == NULL || !r->local || !r->energy_on || !r->done)
		return false;
	gpu_energy_summary(&r->energy, &s);
	secs = r->have_pred && r->pred.metrics.predict_time >= 0 ?
	    r->pred.metrics.predict_time : s.seconds;
	local_in(gv, secs, &s, &in);
	if (cost_local_compute(&in, &lc, err, sizeof err) != 0)
		snprintf(c, sizeof c, "%s", err);
	else
		cost_local_fmt(&lc, c, sizeof c);
	if (s.energy_known)
		snprintf(buf, n, "%.4f Wh, this machine %s", s.wh, c);
	else
		snprintf(buf, n, "this machine %s", c);
	return true;
}

/* The last finished local run's average power, or the draw now. */
static bool
machine_watts(const struct app *app, double *w)
{
	const struct gpu_view *gv = &app->gpuv;
	size_t i, n;

	for (i = app->nruns; i-- > 0;) {
		struct gpu_energy_summary s;

		if (!app->runs[i].energy_closed)
			continue;
		gpu_energy_summary(&app->runs[i].energy, &s);
		if (s.energy_known) {
			*w = s.avg_w;
			return true;
		}
	}
	/* as power_now(): every GPU that reports power */
	*w = 0;
	n = 0;
	for (i = 0; gv->have_snap && i < gv->snap.n; i++)
		if (gv->snap.dev[i].power_ok) {
			*w += gv->snap.dev[i].power_w;
			n++;
		}
	return n > 0;
}

bool
gpu_view_machine_cell(const struct app *app, double seconds, char *buf,
    size_t n)
{
	const struct gpu_view *gv = &app->gpuv;
	struct gpu_energy_summary s;
	struct cost_local_in in;
	struct cost_local lc, per_s;
	char err[160], p[COST_FMT_MAX], c[COST_LOCAL_NOTE_MAX];
	double w;

	if (n > 0)
		buf[0] = '\0';
	if (gv->g == NULL && gv->gpu_hour_price < 0)
		return false;
	memset(&s, 0, sizeof s);
	if (gv->g != NULL && machine_watts(app, &w)) {
		s.energy_known = true;
		s.wh = w / 3600.0;	/* one second */
	}
	/* the price of one second, then of the run */
	local_in(gv, 1, &s, &in);
	if (cost_local_compute(&in, &per_s, err, sizeof err) != 0 ||
	    !per_s.known)
		snprintf(p, sizeof p, "-");
	else {
		char g[COST_FMT_MAX];

		/* two significant figures: the tiers' column width */
		snprintf(p, sizeof p, "$%s/s", cost_fmt_sig2(per_s.usd, g,
		    sizeof g));
	}
	s.wh *= seconds > 0 ? seconds : 0;
	local_in(gv, seconds > 0 ? seconds : 0, &s, &in);
	if (seconds <= 0)
		snprintf(c, sizeof c, "-");
	else if (cost_local_compute(&in, &lc, err, sizeof err) != 0)
		snprintf(c, sizeof c, "%s", err);
	else
		cost_local_fmt(&lc, c, sizeof c);
	snprintf(buf, n, "%12s %s", p, c);
	return true;
}

/* ---- the panel */

/* The panel's lines one at a time: what line i says, false past the end. */
static bool
panel_line(const struct gpu_view *gv, size_t i, char *t, size_t n,
    attr_t *a)
{
	size_t d;
	char x[32], y[32];

	*a = ATTR(NORMAL);
	if (i == 0) {
		snprintf(t, n, "driver %s \xc2\xb7 %zu GPU%s%s",
		    gv->snap.driver[0] ? gv->snap.driver : "unknown",
		    gv->snap.n_total, gv->snap.n_total == 1 ? "" : "s",
		    gv->snap.n < gv->snap.n_total ? " (first shown)" : "");
		*a = ATTR(DIM);
		return true;
	}
	i--;
	for (d = 0; d < gv->snap.n; d++) {
		const struct gpu_dev *g = &gv->snap.dev[d];
		size_t np = g->n_procs > 0 ? g->n_procs : 1;
		size_t lines = 4 + np;
		size_t o = 0;

		if (i >= lines) {
			i -= lines;
			continue;
		}
		if (i == 0) {
			t[0] = '\0';
			return true;
		}
		if (i == 1) {
			snprintf(t, n, "GPU %u  %s  %s", g->index, g->name,
			    g->uuid);
			*a = ATTR(HEADER);
			return true;
		}
		if (i == 2) {
			t[0] = '\0';
			if (g->util_ok)
				o += (size_t)snprintf(t + o, n - o, "util %u%%",
				    g->util_pct);
			else
				o += (size_t)snprintf(t + o, n - o, "util ?");
			if (g->mem_ok && o < n)
				o += (size_t)snprintf(t + o, n - o, " \xc2\xb7 "
				    "memory %s / %s", gpu_fmt_bytes(g->mem_used,
				    x, sizeof x), gpu_fmt_bytes(g->mem_total, y,
				    sizeof y));
			if (o < n)
				o += (size_t)(g->temp_ok ? snprintf(t + o, n - o,
				    " \xc2\xb7 %u\xc2\xb0" "C", g->temp_c) :
				    snprintf(t + o, n - o, " \xc2\xb7 temp ?"));
			if (o < n && g->power_ok && g->limit_ok)
				snprintf(t + o, n - o, " \xc2\xb7 power %.0f / "
				    "%.0f W", g->power_w, g->power_limit_w);
			else if (o < n && g->power_ok)
				snprintf(t + o, n - o, " \xc2\xb7 power %.0f W",
				    g->power_w);
			else if (o < n)
				snprintf(t + o, n - o, " \xc2\xb7 power cannot "
				    "be read");
			*a = ATTR(FIELD);
			return true;
		}
		if (i == 3) {
			if (!g->procs_ok)
				snprintf(t, n, "compute processes: cannot be "
				    "read");
			else if (g->n_procs_total > g->n_procs)
				snprintf(t, n, "compute processes: %zu (first "
				    "%zu shown)", g->n_procs_total, g->n_procs);
			else
				snprintf(t, n, "compute processes: %zu",
				    g->n_procs);
			*a = ATTR(DIM);
			return true;
		}
		i -= 4;
		if (g->n_procs == 0) {
			snprintf(t, n, "  none");
			*a = ATTR(DIM);
			return true;
		}
		{
			const struct gpu_proc *p = &g->procs[i];

			snprintf(t, n, "  pid %-8u %10s  %s%s", p->pid,
			    p->vram_known ? gpu_fmt_bytes(p->vram_bytes, x,
			    sizeof x) : "VRAM ?", gv->cid[d][i][0] ?
			    "container " : "", gv->cid[d][i]);
			return true;
		}
	}
	return false;
}

/*
 * Lines of the panel: a header, then per GPU four lines and one per process
 * (or "no processes"). Must agree with panel_line().
 */
static size_t
panel_count(const struct gpu_view *gv)
{
	size_t d, n = 1;

	for (d = 0; d < gv->snap.n; d++)
		n += 4 + (gv->snap.dev[d].n_procs > 0 ?
		    gv->snap.dev[d].n_procs : 1);
	return n;
}

/* Keep the scroll within the panel's lines (the snapshot can shrink). */
static void
gpu_layout(struct app *app, int y, int h)
{
	struct gpu_view *gv = &app->gpuv;
	size_t n = gv->have_snap ? panel_count(gv) : 0;

	(void)y;
	if (h <= 0)
		return;
	if (n <= (size_t)h)
		gv->top = 0;
	else if (gv->top > n - (size_t)h)
		gv->top = n - (size_t)h;
}

/* The panel from line top on, or why there is none. */
static void
gpu_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct gpu_view *gv = &app->gpuv;
	char t[512];
	attr_t a;
	int r;

	(void)fr;
	if (gv->g == NULL) {
		paint_text(y + 1, 2, app->cols - 4, "no NVIDIA GPU: the driver "
		    "(libnvidia-ml.so.1) is not there", ATTR(DIM));
		return;
	}
	if (!gv->have_snap) {
		paint_text(y + 1, 2, app->cols - 4, "the GPUs cannot be read "
		    "right now", ATTR(DIM));
		return;
	}
	for (r = 0; r < h && panel_line(gv, gv->top + (size_t)r, t, sizeof t,
	    &a); r++)
		paint_text(y + r, 1, app->cols - 2, t, a);
}

/* Scrolling keys; G goes past the end and gpu_layout clamps it. */
static void
gpu_action(struct app *app, enum action a)
{
	struct gpu_view *gv = &app->gpuv;

	switch (a) {
	case ACT_NEXT:
		gv->top++;
		break;
	case ACT_PREV:
		if (gv->top > 0)
			gv->top--;
		break;
	case ACT_PAGE_DOWN:
		gv->top += (size_t)(app->rows > 4 ? app->rows - 4 : 1);
		break;
	case ACT_PAGE_UP:
		gv->top = gv->top > (size_t)(app->rows - 4) ?
		    gv->top - (size_t)(app->rows - 4) : 0;
		break;
	case ACT_TOP:
		gv->top = 0;
		break;
	case ACT_BOTTOM:
		gv->top = (size_t)-1 / 2;
		break;
	default:
		return;
	}
	app->dirty |= DIRTY_ALL;
}

/* The GPU panel makes no client requests: NVML is read in gpu_tick. */
static bool
gpu_event(struct app *app, struct client_event *ev)
{
	(void)app;
	(void)ev;
	return false;
}

/* Key context of the GPU panel. */
static enum key_ctx
gpu_ctx(const struct app *app)
{
	(void)app;
	return CTX_GPU;
}

/* The title bar's breadcrumb. */
static void
gpu_title(const struct app *app, char *buf, size_t n)
{
	(void)app;
	snprintf(buf, n, " r8play \xe2\x80\xba gpu");
}

const struct view_ops gpu_view_ops = {
	.name = "gpu",
	.ctx = gpu_ctx,
	.action = gpu_action,
	.event = gpu_event,
	.layout = gpu_layout,
	.draw = gpu_draw,
	.title = gpu_title,
	.tick = gpu_tick,
	.due_ms = gpu_due_ms,
	.busy = gpu_busy,
};
