/*
 * client/cost/local.c: the "this machine" row of the cost table.
 */
#include "client/cost/local.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int
cost_local_compute(const struct cost_local_in *in, struct cost_local *out,
    char *err, size_t errsz)
{
	bool kwh = in->electricity_price >= 0, hour = in->gpu_hour_price >= 0;

	memset(out, 0, sizeof *out);
	if (!isfinite(in->seconds) || in->seconds < 0 ||
	    in->seconds > COST_MAX_SECONDS) {
		snprintf(err, errsz, "run time out of range");
		return -1;
	}
	if (in->energy_known && (!isfinite(in->energy_wh) ||
	    in->energy_wh < 0)) {
		snprintf(err, errsz, "energy out of range");
		return -1;
	}
	if (isnan(in->electricity_price) ||
	    in->electricity_price > COST_LOCAL_MAX_KWH_PRICE) {
		snprintf(err, errsz, "electricity_price out of range "
		    "(0..%g $/kWh)", COST_LOCAL_MAX_KWH_PRICE);
		return -1;
	}
	if (isnan(in->gpu_hour_price) ||
	    in->gpu_hour_price > COST_LOCAL_MAX_HOUR_PRICE) {
		snprintf(err, errsz, "gpu_hour_price out of range "
		    "(0..%g $/h)", COST_LOCAL_MAX_HOUR_PRICE);
		return -1;
	}
	if (kwh && in->energy_known) {
		out->energy_part = true;
		out->energy_usd = in->energy_wh / 1000.0 *
		    in->electricity_price;
	}
	if (hour) {
		out->machine_part = true;
		out->machine_usd = in->seconds / 3600.0 * in->gpu_hour_price;
	}
	out->known = out->energy_part || out->machine_part;
	out->usd = out->energy_usd + out->machine_usd;
	if (!kwh && !hour)
		snprintf(out->note, sizeof out->note, "set electricity_price "
		    "($/kWh) or gpu_hour_price ($/h) to price local runs");
	else if (kwh && !in->energy_known)
		snprintf(out->note, sizeof out->note, "power cannot be read "
		    "on this GPU: energy not counted%s", hour ? "" :
		    "; set gpu_hour_price");
	else if (!kwh)
		snprintf(out->note, sizeof out->note, "electricity not "
		    "counted (set electricity_price)");
	else if (!hour)
		snprintf(out->note, sizeof out->note, "energy only (set "
		    "gpu_hour_price for a rented box)");
	return 0;
}

char *
cost_local_fmt(const struct cost_local *lc, char *buf, size_t bufsz)
{
	char t[COST_FMT_MAX], e[COST_FMT_MAX], m[COST_FMT_MAX];

	if (!lc->known)
		snprintf(buf, bufsz, "%s", lc->note);
	else if (lc->energy_part && lc->machine_part)
		snprintf(buf, bufsz, "%s (energy %s + machine %s)",
		    cost_fmt_usd(lc->usd, t, sizeof t),
		    cost_fmt_usd(lc->energy_usd, e, sizeof e),
		    cost_fmt_usd(lc->machine_usd, m, sizeof m));
	else
		snprintf(buf, bufsz, "%s (%s)", cost_fmt_usd(lc->usd, t,
		    sizeof t), lc->energy_part ? "energy" : "machine");
	return buf;
}

size_t
cost_local_compare(const struct cost_table *t, const struct cost_local_in *in,
    const struct cost_local *local, bool include_cpu,
    struct cost_local_row *rows, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n && n < max; i++) {
		const struct cost_price *p = &t->rows[i];
		struct cost_local_row *r;

		if (!include_cpu && p->gpu_count == 0)
			continue;
		r = &rows[n++];
		memset(r, 0, sizeof *r);
		r->p = p;
		r->replicate_usd = p->usd_per_second * in->seconds;
		if (local->known && local->usd > 0) {
			r->ratio_known = true;
			r->ratio = r->replicate_usd / local->usd;
		}
	}
	return n;
}
