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

int
cost_quote(const struct cost_quote_in *in, struct cost_quote *out,
    char *err, size_t errsz)
{
	const struct cost_tier_estimate *chosen;
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
	chosen = &out->rows[out->tier_index];
	if (in->runs > 0) {
		struct cost_batch_in bi;

		memset(&bi, 0, sizeof bi);
		bi.runs = in->runs;
		bi.seconds = chosen->secs.seconds;
		bi.usd_per_second = out->tier->usd_per_second;
		bi.concurrency = in->concurrency > 0 ? in->concurrency : 1;
		bi.mode = in->mode;
		bi.idle_s = in->idle_s > 0 ? in->idle_s : 300;
		bi.boot_s = in->boot_s > 0 ? in->boot_s : 60;
		if (chosen->secs.src == COST_SECONDS_NONE)
			snprintf(out->batch_err, sizeof out->batch_err,
			    "%s", chosen->err);
		else
			out->has_batch = cost_batch(&bi, &out->batch,
			    out->batch_err, sizeof out->batch_err) == 0;
	}
	if (in->rph > 0) {
		struct cost_deploy_in di;

		memset(&di, 0, sizeof di);
		di.min_instances = in->min_instances;
		di.max_instances = in->max_instances > 0 ? in->max_instances :
		    in->min_instances > 5 ? in->min_instances : 5;
		di.hours_per_day = in->hours_per_day > 0 ? in->hours_per_day :
		    24;
		di.rph = in->rph;
		di.seconds = chosen->secs.seconds;
		di.idle_s = in->idle_s > 0 ? in->idle_s : 300;
		di.boot_s = in->boot_s > 0 ? in->boot_s : 60;
		di.usd_per_second = out->tier->usd_per_second;
		if (chosen->secs.src == COST_SECONDS_NONE)
			snprintf(out->deploy_err, sizeof out->deploy_err,
			    "%s", chosen->err);
		else
			out->has_deploy = cost_deploy(&di, &out->deploy,
			    out->deploy_err, sizeof out->deploy_err) == 0;
	}
	return 0;
}
