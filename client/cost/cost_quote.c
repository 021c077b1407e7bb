/*
 * client/cost/cost_quote.c: one quote for the CLI and the Cost tab. See
 * cost_quote.h.
 */
#include "client/cost/cost_quote.h"

#include <stdio.h>
#include <string.h>

/* The chosen tier: by SKU, else the default SKU, else the first row. */
static size_t
pick_tier(const struct cost_table *t, const char *sku)
{
	const struct cost_price *p = NULL;

	if (sku != NULL)
		p = cost_table_find(t, sku);
	if (p == NULL)
		p = cost_table_find(t, COST_QUOTE_DEFAULT_SKU);
	return p != NULL ? (size_t)(p - t->rows) : 0;
}

/* The batch forecast on one tier (in->runs > 0 or in->batch set). */
static void
quote_batch(const struct cost_quote_in *in, struct cost_quote_tier *q)
{
	const struct cost_tier_estimate *row = &q->row;
	struct cost_batch_in bi;

	if (in->batch != NULL)
		bi = *in->batch;
	else {
		memset(&bi, 0, sizeof bi);
		bi.runs = in->runs;
		bi.concurrency = in->concurrency > 0 ? in->concurrency : 1;
		bi.mode = in->mode;
		bi.idle_s = in->idle_s > 0 ? in->idle_s : 300;
		bi.boot_s = in->boot_s > 0 ? in->boot_s : 60;
	}
	bi.seconds = row->secs.seconds;
	bi.usd_per_second = row->p->usd_per_second;
	if (row->secs.src == COST_SECONDS_NONE)
		snprintf(q->batch_err, sizeof q->batch_err, "%s", row->err);
	else
		q->has_batch = cost_batch(&bi, &q->batch, q->batch_err,
		    sizeof q->batch_err) == 0;
}

/* The deployment forecast on one tier (in->rph > 0 or in->deploy set). */
static void
quote_deploy(const struct cost_quote_in *in, struct cost_quote_tier *q)
{
	const struct cost_tier_estimate *row = &q->row;
	struct cost_deploy_in di;

	if (in->deploy != NULL)
		di = *in->deploy;
	else {
		memset(&di, 0, sizeof di);
		di.min_instances = in->min_instances;
		di.max_instances = in->max_instances > 0 ?
		    in->max_instances : in->min_instances > 5 ?
		    in->min_instances : 5;
		di.hours_per_day = in->hours_per_day > 0 ?
		    in->hours_per_day : 24;
		di.rph = in->rph;
		di.idle_s = in->idle_s > 0 ? in->idle_s : 300;
		di.boot_s = in->boot_s > 0 ? in->boot_s : 60;
	}
	if (!(di.seconds > 0) || in->deploy == NULL)
		di.seconds = row->secs.seconds;
	di.usd_per_second = row->p->usd_per_second;
	if (row->secs.src == COST_SECONDS_NONE)
		snprintf(q->deploy_err, sizeof q->deploy_err, "%s", row->err);
	else
		q->has_deploy = cost_deploy(&di, &q->deploy, q->deploy_err,
		    sizeof q->deploy_err) == 0;
}

void
cost_quote_one(const struct cost_quote_in *in, const struct cost_price *p,
    struct cost_quote_tier *out)
{
	memset(out, 0, sizeof *out);
	cost_estimate_tier(in->table, in->timing, p, &out->row);
	if (p == NULL)
		return;
	if (in->runs > 0 || in->batch != NULL)
		quote_batch(in, out);
	if (in->rph > 0 || in->deploy != NULL)
		quote_deploy(in, out);
}

int
cost_quote(const struct cost_quote_in *in, struct cost_quote *out,
    char *err, size_t errsz)
{
	struct cost_quote_tier one;
	size_t i;

	memset(out, 0, sizeof *out);
	if (in == NULL || in->table == NULL || in->timing == NULL) {
		snprintf(err, errsz, "cost quote: no price table or timing");
		return -1;
	}
	out->n = in->table->n < COST_MAX_ROWS ? in->table->n : COST_MAX_ROWS;
	for (i = 0; i < out->n; i++)
		cost_estimate_tier(in->table, in->timing, &in->table->rows[i],
		    &out->rows[i]);
	if (out->n == 0)
		return 0;
	out->tier_index = pick_tier(in->table, in->sku);
	if (out->tier_index >= out->n)
		out->tier_index = 0;
	out->tier = &in->table->rows[out->tier_index];
	/* the chosen tier's forecasts, as a per-tier caller gets them */
	cost_quote_one(in, out->tier, &one);
	out->has_batch = one.has_batch;
	out->has_deploy = one.has_deploy;
	out->batch = one.batch;
	out->deploy = one.deploy;
	memcpy(out->batch_err, one.batch_err, sizeof out->batch_err);
	memcpy(out->deploy_err, one.deploy_err, sizeof out->deploy_err);
	return 0;
}
