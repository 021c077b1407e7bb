/*
 * client/cost/cost_quote.h: one quote of what running a model costs, the
 * same for the command line (`r8play cost`) and the TUI's Cost tab: the
 * per-run estimate of every price tier (seconds picked per tier from what
 * is known), and on one chosen tier the batch forecast and the deployment
 * forecast. Pure arithmetic over client/cost/cost.h; libc only.
 */
#ifndef PG_CLIENT_COST_QUOTE_H
#define PG_CLIENT_COST_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/cost/cost.h"

#define COST_QUOTE_DEFAULT_SKU	"gpu-l40s"	/* tier when none is chosen */
#define COST_QUOTE_ERR_MAX	128

/*
 * What to quote. Zero fields take the defaults named here, so
 * `struct cost_quote_in in = { .table = &t, .timing = &tm };` quotes the
 * per-run rows only.
 */
struct cost_quote_in {
	const struct cost_table	 *table;	/* required */
	const struct cost_timing *timing;	/* required: what is known */
	const char	*sku;		/* chosen tier; NULL or unknown:
					   COST_QUOTE_DEFAULT_SKU, else the
					   table's first row */
	/* batch forecast (skipped when runs == 0) */
	uint64_t	 runs;
	unsigned	 concurrency;	/* 0: 1 */
	enum cost_billing_mode mode;	/* COST_BILL_PUBLIC by default (0) */
	/* deployment forecast (skipped when rph <= 0) */
	double		 rph;		/* requests per hour */
	unsigned	 min_instances;	/* 0: scale to zero */
	unsigned	 max_instances;	/* 0: max(min_instances, 5) */
	double		 hours_per_day;	/* 0: 24 */
	double		 idle_s;	/* 0: 300 (also the batch lanes') */
	double		 boot_s;	/* 0: 60 (also the batch lanes') */
	/*
	 * Exact inputs instead of the defaulted fields above, for callers
	 * whose zeros mean zero (the command line's --boot 0, --idle 0,
	 * --deployment SPEC). batch set: the batch forecast takes it as it
	 * is, its seconds and price being the tier's (runs..boot_s above
	 * unused). deploy set: the deployment forecast takes it as it is,
	 * its price the tier's and its seconds the tier's unless > 0 (rph..
	 * boot_s above unused). Borrowed for the call.
	 */
	const struct cost_batch_in  *batch;
	const struct cost_deploy_in *deploy;
};

/* One tier quoted: its per-run row, and its batch and deployment. */
struct cost_quote_tier {
	struct cost_tier_estimate row;
	bool		 has_batch, has_deploy;	/* computed and valid */
	struct cost_batch_out batch;
	struct cost_deploy_out deploy;
	char		 batch_err[COST_QUOTE_ERR_MAX];	/* "" or why not */
	char		 deploy_err[COST_QUOTE_ERR_MAX];
};

struct cost_quote {
	size_t		 n;		/* rows, in table order */
	struct cost_tier_estimate rows[COST_MAX_ROWS];
	const struct cost_price *tier;	/* the chosen tier (NULL: empty
					   table); borrowed from the table */
	size_t		 tier_index;	/* its row */
	bool		 has_batch, has_deploy;	/* computed and valid */
	struct cost_batch_out batch;
	struct cost_deploy_out deploy;
	char		 batch_err[COST_QUOTE_ERR_MAX];	/* "" or why not */
	char		 deploy_err[COST_QUOTE_ERR_MAX];
};

/*
 * Fill *out (caller-owned; about 60 KiB, allocate it rather than put it on
 * a small stack) from *in. The chosen tier's seconds are rows[tier_index]
 * .secs; the batch and deployment use them. Returns 0, or -1 with err set
 * when table or timing is NULL. A tier without a time, or a forecast out
 * of range, is not an error: its row has ok = false and err, and
 * has_batch / has_deploy stay false with batch_err / deploy_err saying why
 * (both "" when the forecast was not asked for).
 */
int cost_quote(const struct cost_quote_in *in, struct cost_quote *out,
    char *err, size_t errsz);

/*
 * Quote one tier p of in->table (in->sku is not used): the row, batch and
 * deployment exactly as cost_quote() gives them for its chosen tier. For
 * callers that forecast on every tier (`r8play cost --runs N`). p NULL:
 * the row says "price unknown" and nothing else is computed.
 */
void cost_quote_one(const struct cost_quote_in *in,
    const struct cost_price *p, struct cost_quote_tier *out);

#endif
