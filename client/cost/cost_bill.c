/*
 * client/cost/cost_bill.c: the arithmetic on prices (see client/cost/cost.h):
 * one run's estimate, billing rules (what is billed per run, per unit,
 * per phase), cold starts, the deployment calculator and the batch forecast.
 * libc and libm only; the table and the GPU catalogue are read, never written.
 */
#include "client/cost/cost.h"
#include "client/cost/cost_int.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
check_price(double p, char *err, size_t errsz)
{
	if (!isfinite(p) || !(p > 0) || p > COST_MAX_USD_PER_SECOND) {
		cost_seterr(err, errsz, "price must be more than $0/s and at most "
		    "$10/s");
		return -1;
	}
	return 0;
}

static int
check_seconds(double s, char *err, size_t errsz)
{
	if (!isfinite(s) || !(s > 0)) {
		cost_seterr(err, errsz, "seconds must be a number more than 0");
		return -1;
	}
	if (s > COST_MAX_SECONDS) {
		cost_seterr(err, errsz, "seconds must be at most %.0f (30 days)",
		    COST_MAX_SECONDS);
		return -1;
	}
	return 0;
}

int
cost_run_estimate(double p, double seconds, struct cost_run *out, char *err,
    size_t errsz)
{
	char num[COST_FMT_MAX];
	int m, e, k;

	if (out == NULL) {
		cost_seterr(err, errsz, "cost_run_estimate: no output");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (check_price(p, err, errsz) != 0 ||
	    check_seconds(seconds, err, errsz) != 0)
		return -1;
	out->usd = p * seconds;
	if (cost_sig2(out->usd, &m, &e) != 0 || !isnormal(out->usd)) {
		cost_seterr(err, errsz, "cost too small to show");
		return -1;
	}
	out->usd_shown = cost_scale10((double)m, e - 1);
	snprintf(out->usd_text, sizeof out->usd_text, "$%s",
	    cost_fmt_sig2_parts(m, e, num, sizeof num));
	/* 1 / (m * 10^(e-1)) = 10^(1-e) / m, in integers: no rounding. */
	k = 1 - e;
	if (k < 0)
		out->runs_per_dollar = 0;
	else if (k < (int)ARRAY_LEN(cost_u10))
		out->runs_per_dollar = cost_u10[k] / (uint64_t)m;
	else {
		out->runs_per_dollar = UINT64_MAX;
		out->runs_overflow = true;
	}
	if (out->runs_overflow)
		snprintf(out->runs_text, sizeof out->runs_text, ">%" PRIu64,
		    UINT64_MAX);
	else
		snprintf(out->runs_text, sizeof out->runs_text, "%" PRIu64,
		    out->runs_per_dollar);
	return 0;
}

void
cost_estimate_tier(const struct cost_table *t, const struct cost_timing *in,
    const struct cost_price *p, struct cost_tier_estimate *out)
{
	memset(out, 0, sizeof *out);
	out->p = p;
	if (p == NULL) {
		cost_copy_str(out->err, sizeof out->err, "price unknown");
		return;
	}
	cost_seconds_pick(t, in, p, &out->secs);
	if (out->secs.src == COST_SECONDS_NONE) {
		cost_copy_str(out->err, sizeof out->err, "no time for this tier "
		    "(no speed figure to carry it)");
		return;
	}
	out->ok = cost_run_estimate(p->usd_per_second, out->secs.seconds,
	    &out->run, out->err, sizeof out->err) == 0;
}

/* ---- billing ------------------------------------------------------------ */

static const char *const billing_keys[] = {
#define X(id, key, what) key,
	COST_BILLING_MODES(X)
#undef X
};
static const char *const billing_whats[] = {
#define X(id, key, what) what,
	COST_BILLING_MODES(X)
#undef X
};

const char *
cost_billing_key(enum cost_billing_mode m)
{
	return (unsigned)m < COST_BILL__COUNT ? billing_keys[m] : "?";
}

const char *
cost_billing_what(enum cost_billing_mode m)
{
	return (unsigned)m < COST_BILL__COUNT ? billing_whats[m] : "?";
}

int
cost_billing_from_key(const char *key)
{
	int i;

	for (i = 0; key != NULL && i < COST_BILL__COUNT; i++)
		if (strcmp(key, billing_keys[i]) == 0)
			return i;
	return -1;
}

bool
cost_billing_is_timed(enum cost_billing_mode m)
{
	return m == COST_BILL_PUBLIC || m == COST_BILL_PRIVATE ||
	    m == COST_BILL_DEPLOYMENT || m == COST_BILL_FAST_BOOT;
}

static bool
nonneg(double s)
{
	return isfinite(s) && s >= 0 && s <= COST_MAX_SECONDS;
}

int
cost_billed_for_run(const struct cost_billing *b, double p, double setup_s,
    double active_s, double idle_s, enum cost_run_status status,
    struct cost_billed *out, char *err, size_t errsz)
{
	if (b == NULL || out == NULL || (unsigned)b->mode >= COST_BILL__COUNT) {
		cost_seterr(err, errsz, "cost_billed_for_run: bad arguments");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (!cost_billing_is_timed(b->mode)) {
		out->timed = false;
		out->usd = NAN;
		out->why = b->mode == COST_BILL_PER_TOKEN ?
		    "priced per token, not per second" :
		    "priced per output, not per second";
		return 0;
	}
	if (check_price(p, err, errsz) != 0)
		return -1;
	if (!nonneg(setup_s) || !nonneg(active_s) || !nonneg(idle_s)) {
		cost_seterr(err, errsz, "setup, active and idle seconds must be "
		    "0..%.0f", COST_MAX_SECONDS);
		return -1;
	}
	out->timed = true;
	switch (b->mode) {
	case COST_BILL_PUBLIC:
		if (status == COST_RUN_FAILED) {
			out->seconds = 0;
			out->why = "public model: failed runs are free";
		} else if (status == COST_RUN_CANCELED) {
			out->seconds = active_s;
			out->why = "public model: a canceled run is billed for "
			    "the time it ran";
		} else {
			out->seconds = active_s;
			out->why = "public model: active time only";
		}
		break;
	case COST_BILL_FAST_BOOT:
		out->seconds = active_s;
		out->why = "fast-booting fine-tune: active time only";
		break;
	default:
		out->seconds = setup_s + idle_s + active_s;
		out->why = b->mode == COST_BILL_DEPLOYMENT ?
		    "deployment: setup + idle + active" :
		    "private model: setup + idle + active";
		break;
	}
	out->usd = out->seconds * p;
	return 0;
}

int
cost_per_unit(const struct cost_billing *b, double units, double *usd,
    char *err, size_t errsz)
{
	if (b == NULL || usd == NULL || cost_billing_is_timed(b->mode)) {
		cost_seterr(err, errsz, "not a per-output or per-token model");
		return -1;
	}
	if (!isfinite(units) || units < 0 || units > 1e15 ||
	    !isfinite(b->unit_usd) || b->unit_usd < 0 || b->unit_usd > 1e6) {
		cost_seterr(err, errsz, "units and the unit price must be finite "
		    "and not negative");
		return -1;
	}
	*usd = units * b->unit_usd;
	return 0;
}

/* ---- lifecycle ---------------------------------------------------------- */

static const struct {
	const char	*name, *what;
	bool		 pub, priv;
} phases[] = {
#define X(id, name, what, pub, priv) { name, what, pub, priv },
	COST_PHASES(X)
#undef X
};

const char *
cost_phase_name(enum cost_phase p)
{
	return (unsigned)p < COST_PHASE__COUNT ? phases[p].name : "?";
}

const char *
cost_phase_what(enum cost_phase p)
{
	return (unsigned)p < COST_PHASE__COUNT ? phases[p].what : "?";
}

bool
cost_phase_billed(enum cost_phase p, enum cost_billing_mode m)
{
	if ((unsigned)p >= COST_PHASE__COUNT || !cost_billing_is_timed(m))
		return false;
	if (m == COST_BILL_PUBLIC || m == COST_BILL_FAST_BOOT)
		return phases[p].pub;
	return phases[p].priv;
}

int
cost_cold_start(enum cost_billing_mode m, double p, double boot_s,
    double active_s, double idle_s, struct cost_cold_start *out, char *err,
    size_t errsz)
{
	if (out == NULL || !cost_billing_is_timed(m)) {
		cost_seterr(err, errsz, "cold start: needs a per-second billing "
		    "mode");
		return -1;
	}
	if (check_price(p, err, errsz) != 0)
		return -1;
	if (!nonneg(boot_s) || !nonneg(active_s) || !nonneg(idle_s)) {
		cost_seterr(err, errsz, "boot, active and idle seconds must be "
		    "0..%.0f", COST_MAX_SECONDS);
		return -1;
	}
	out->wait_s = boot_s + active_s;
	boot_s = cost_phase_billed(COST_PHASE_BOOTING, m) ? boot_s : 0;
	active_s = cost_phase_billed(COST_PHASE_ACTIVE, m) ? active_s : 0;
	idle_s = cost_phase_billed(COST_PHASE_IDLE, m) ? idle_s : 0;
	out->billed_s = boot_s + active_s + idle_s;
	out->usd = out->billed_s * p;
	out->usd_warm = (active_s + idle_s) * p;
	return 0;
}

/* ---- deployments -------------------------------------------------------- */

int
cost_deploy(const struct cost_deploy_in *in, struct cost_deploy_out *out,
    char *err, size_t errsz)
{
	double need, per, extra, sparse_s, requests_day;
	unsigned inst;

	if (in == NULL || out == NULL) {
		cost_seterr(err, errsz, "cost_deploy: bad arguments");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (in->max_instances < 1 || in->max_instances > COST_MAX_INSTANCES ||
	    in->min_instances > in->max_instances) {
		cost_seterr(err, errsz, "instances: need 1 <= max <= %u and min <= "
		    "max", COST_MAX_INSTANCES);
		return -1;
	}
	if (!isfinite(in->hours_per_day) || in->hours_per_day < 0 ||
	    in->hours_per_day > 24) {
		cost_seterr(err, errsz, "hours per day must be 0..24");
		return -1;
	}
	if (!isfinite(in->rph) || in->rph < 0 || in->rph > COST_MAX_RPH) {
		cost_seterr(err, errsz, "requests per hour must be 0..%.0f",
		    COST_MAX_RPH);
		return -1;
	}
	if (check_seconds(in->seconds, err, errsz) != 0)
		return -1;
	if (!isfinite(in->idle_s) || in->idle_s < 0 || in->idle_s > 86400 ||
	    !isfinite(in->boot_s) || in->boot_s < 0 || in->boot_s > 86400) {
		cost_seterr(err, errsz, "idle and boot seconds must be 0..86400");
		return -1;
	}
	if (check_price(in->usd_per_second, err, errsz) != 0)
		return -1;

	out->load = in->rph * in->seconds / 3600.0;
	need = ceil(out->load);
	out->overloaded = need > in->max_instances;
	inst = out->overloaded ? in->max_instances : (unsigned)need;
	if (inst < in->min_instances)
		inst = in->min_instances;
	out->instances = inst;
	out->rph_served = out->overloaded ?
	    in->max_instances * 3600.0 / in->seconds : in->rph;
	if (in->hours_per_day == 0)
		out->rph_served = 0;

	extra = 0;
	if (inst > in->min_instances && in->hours_per_day > 0) {
		per = in->hours_per_day * 3600.0 + in->boot_s + in->idle_s;
		if (per > 86400)
			per = 86400;
		extra = (inst - in->min_instances) * per;
		if (inst == 1 && in->min_instances == 0 && in->rph > 0 &&
		    3600.0 / in->rph > in->seconds + in->idle_s) {
			sparse_s = in->rph * in->hours_per_day *
			    (in->boot_s + in->seconds + in->idle_s);
			if (sparse_s < extra) {
				extra = sparse_s;
				out->sparse = true;
			}
		}
	}
	out->online_s_day = in->min_instances * 86400.0 + extra;
	requests_day = out->rph_served * in->hours_per_day;
	out->active_s_day = requests_day * in->seconds;
	out->utilization = out->online_s_day > 0 ?
	    out->active_s_day / out->online_s_day : 0;
	if (out->utilization > 1)
		out->utilization = 1;
	out->monthly_usd = out->online_s_day * in->usd_per_second *
	    COST_DAYS_PER_MONTH;
	out->public_monthly_usd = out->active_s_day * in->usd_per_second *
	    COST_DAYS_PER_MONTH;
	out->per_request_usd = requests_day > 0 ?
	    out->monthly_usd / (requests_day * COST_DAYS_PER_MONTH) : 0;
	return 0;
}

int
cost_deploy_parse(const char *spec, struct cost_deploy_in *in, char *err,
    size_t errsz)
{
	static const char *const keys[] = { "min", "max", "hours", "rph",
	    "idle", "boot", "seconds" };
	char buf[256], *p, *item, *eq;
	unsigned seen = 0, k;
	struct cost_deploy_in v;
	uint64_t u;
	double d;

	if (spec == NULL || in == NULL || *spec == '\0') {
		cost_seterr(err, errsz, "deployment: empty (want min=1,max=3,"
		    "hours=8,rph=120,idle=300)");
		return -1;
	}
	if (strlen(spec) >= sizeof buf) {
		cost_seterr(err, errsz, "deployment: longer than %zu bytes",
		    sizeof buf - 1);
		return -1;
	}
	cost_copy_str(buf, sizeof buf, spec);
	v = *in;
	for (p = buf; p != NULL; ) {
		item = p;
		p = strchr(p, ',');
		if (p != NULL)
			*p++ = '\0';
		eq = strchr(item, '=');
		if (eq == NULL) {
			cost_seterr(err, errsz, "deployment: \"%.40s\" is not "
			    "key=value", item);
			return -1;
		}
		*eq++ = '\0';
		for (k = 0; k < ARRAY_LEN(keys); k++)
			if (strcmp(item, keys[k]) == 0)
				break;
		if (k == ARRAY_LEN(keys)) {
			cost_seterr(err, errsz, "deployment: unknown key \"%.40s\" "
			    "(min max hours rph idle boot seconds)", item);
			return -1;
		}
		if (seen & (1u << k)) {
			cost_seterr(err, errsz, "deployment: %s given twice",
			    keys[k]);
			return -1;
		}
		seen |= 1u << k;
		if (k < 2) {
			if (cost_parse_u64(eq, &u) != 0 ||
			    u > COST_MAX_INSTANCES) {
				cost_seterr(err, errsz, "deployment: %s must be a "
				    "whole number 0..%u", keys[k],
				    COST_MAX_INSTANCES);
				return -1;
			}
			if (k == 0)
				v.min_instances = (unsigned)u;
			else
				v.max_instances = (unsigned)u;
			continue;
		}
		if (cost_parse_double(eq, &d) != 0 || d < 0) {
			cost_seterr(err, errsz, "deployment: %s must be a number "
			    ">= 0", keys[k]);
			return -1;
		}
		switch (k) {
		case 2: v.hours_per_day = d; break;
		case 3: v.rph = d; break;
		case 4: v.idle_s = d; break;
		case 5: v.boot_s = d; break;
		default: v.seconds = d; break;
		}
	}
	*in = v;
	return 0;
}

/* ---- batches ------------------------------------------------------------ */

int
cost_batch(const struct cost_batch_in *in, struct cost_batch_out *out,
    char *err, size_t errsz)
{
	uint64_t waves;

	if (in == NULL || out == NULL) {
		cost_seterr(err, errsz, "cost_batch: bad arguments");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (!cost_billing_is_timed(in->mode)) {
		cost_seterr(err, errsz, "batch: a %s model is not billed by the "
		    "second", cost_billing_key(in->mode));
		return -1;
	}
	if (in->runs == 0 || in->runs > COST_MAX_RUNS) {
		cost_seterr(err, errsz, "runs must be 1..%llu",
		    (unsigned long long)COST_MAX_RUNS);
		return -1;
	}
	if (in->concurrency < 1 || in->concurrency > COST_MAX_CONCURRENCY) {
		cost_seterr(err, errsz, "concurrency must be 1..%u",
		    COST_MAX_CONCURRENCY);
		return -1;
	}
	if (check_seconds(in->seconds, err, errsz) != 0 ||
	    check_price(in->usd_per_second, err, errsz) != 0)
		return -1;
	if (!nonneg(in->boot_s) || !nonneg(in->idle_s)) {
		cost_seterr(err, errsz, "boot and idle seconds must be 0..%.0f",
		    COST_MAX_SECONDS);
		return -1;
	}
	out->lanes = in->runs < in->concurrency ? (unsigned)in->runs :
	    in->concurrency;
	waves = (in->runs + out->lanes - 1) / out->lanes;
	out->wall_s = in->boot_s + (double)waves * in->seconds;
	if (in->mode == COST_BILL_PUBLIC || in->mode == COST_BILL_FAST_BOOT)
		out->billed_s = (double)in->runs * in->seconds;
	else
		out->billed_s = out->lanes * (out->wall_s + in->idle_s);
	out->total_usd = out->billed_s * in->usd_per_second;
	return 0;
}

int
cost_sweep_runs(const uint64_t *counts, size_t n, uint64_t *runs, char *err,
    size_t errsz)
{
	uint64_t r = 1;
	size_t i;

	if (counts == NULL || n == 0 || runs == NULL) {
		cost_seterr(err, errsz, "sweep: no inputs");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (counts[i] == 0) {
			cost_seterr(err, errsz, "sweep: input %zu has no values",
			    i + 1);
			return -1;
		}
		if (counts[i] > COST_MAX_RUNS ||
		    r > COST_MAX_RUNS / counts[i]) {
			cost_seterr(err, errsz, "sweep: more than %llu runs",
			    (unsigned long long)COST_MAX_RUNS);
			return -1;
		}
		r *= counts[i];
	}
	*runs = r;
	return 0;
}
