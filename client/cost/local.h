/*
 * client/cost/local.h: what a run costs on this machine, beside what the
 * same predict time costs on each Replicate tier. Pure arithmetic like
 * cost.h (libc only, no globals, no printing).
 *
 * The local cost has two parts, each optional:
 *   energy:  measured energy (Wh) x electricity_price ($/kWh)
 *   machine: predict seconds x gpu_hour_price ($/h) / 3600, for a box
 *            that is rented (or amortised) by the hour
 * A part whose inputs are missing is left out and named; when power could
 * not be read the energy part says so instead of counting 0.
 */
#ifndef PG_CLIENT_COST_LOCAL_H
#define PG_CLIENT_COST_LOCAL_H

#include <stdbool.h>
#include <stddef.h>

#include "client/cost/cost.h"

#define COST_LOCAL_MAX_KWH_PRICE	100.0	/* $/kWh sanity cap */
#define COST_LOCAL_MAX_HOUR_PRICE	10000.0	/* $/h sanity cap */
#define COST_LOCAL_NOTE_MAX		160

/* Inputs; a price < 0 means "not configured". */
struct cost_local_in {
	double		seconds;	/* predict time of the run */
	bool		energy_known;	/* false: power could not be read */
	double		energy_wh;
	double		electricity_price;	/* $/kWh, < 0 unset */
	double		gpu_hour_price;		/* $/h, < 0 unset */
};

struct cost_local {
	bool		energy_part;	/* energy_usd is counted */
	double		energy_usd;
	bool		machine_part;	/* machine_usd is counted */
	double		machine_usd;
	bool		known;		/* at least one part counted */
	double		usd;		/* the sum of the counted parts */
	char		note[COST_LOCAL_NOTE_MAX];	/* what is left out */
};

/*
 * Compute the local cost. Returns 0 (known may still be false: note says
 * why, e.g. "power cannot be read on this GPU; set gpu_hour_price"), or -1
 * with err for inputs out of range (negative or non-finite seconds or
 * energy, prices past the caps).
 */
int		cost_local_compute(const struct cost_local_in *in,
		    struct cost_local *out, char *err, size_t errsz);

/*
 * The "this machine" cell of the cost table, in buf: "$2.2 (energy $0.15 +
 * machine $2.00)", "$0.15 (energy)", or, when nothing is counted, the
 * note ("power cannot be read on this GPU: ..."). Returns buf.
 */
char		*cost_local_fmt(const struct cost_local *lc, char *buf,
		    size_t bufsz);

/* One Replicate tier beside the local run. */
struct cost_local_row {
	const struct cost_price *p;	/* borrowed from the table */
	double		replicate_usd;	/* the same seconds on this tier */
	bool		ratio_known;	/* local cost known and > 0 */
	double		ratio;		/* replicate_usd / local usd */
};

/*
 * Fill rows[] (up to max) with every GPU tier of t (gpu_count != 0: unknown counts are kept), or
 * every row when include_cpu, priced for in->seconds of predict time, and
 * the ratio to local->usd (> 1: Replicate costs more than this machine).
 * Returns the number of rows written.
 */
size_t		cost_local_compare(const struct cost_table *t,
		    const struct cost_local_in *in,
		    const struct cost_local *local, bool include_cpu,
		    struct cost_local_row *rows, size_t max);

#endif
