/*
 * client/gpu/energy.c: trapezoid integration of power samples.
 */
#include "client/gpu/energy.h"

#include <limits.h>
#include <math.h>
#include <string.h>

void
gpu_energy_init(struct gpu_energy *e)
{
	memset(e, 0, sizeof *e);
}

void
gpu_energy_add(struct gpu_energy *e, double t, double watts,
    unsigned long long vram_bytes)
{
	bool powered;

	if (!isfinite(t) || (e->n > 0 && t < e->t_last) || isnan(watts) ||
	    watts > GPU_ENERGY_MAX_WATTS) {
		e->n_dropped++;
		return;
	}
	powered = isfinite(watts) && watts >= 0;
	if (e->n == 0)
		e->t_first = t;
	if (powered) {
		/* a stretch is two consecutive powered samples */
		if (e->have_prev_power) {
			double dt = t - e->t_last;

			e->joules += (e->prev_w + watts) / 2.0 * dt;
			e->measured_s += dt;
		}
		e->prev_w = watts;
		e->n_power++;
		if (watts > e->peak_w)
			e->peak_w = watts;
	}
	e->have_prev_power = powered;
	if (vram_bytes != ULLONG_MAX) {
		if (!e->vram_known || vram_bytes > e->peak_vram)
			e->peak_vram = vram_bytes;
		e->vram_known = true;
	}
	e->t_last = t;
	e->n++;
}

void
gpu_energy_summary(const struct gpu_energy *e, struct gpu_energy_summary *out)
{
	memset(out, 0, sizeof *out);
	out->seconds = e->n ? e->t_last - e->t_first : 0;
	out->vram_known = e->vram_known;
	out->peak_vram = e->peak_vram;
	if (e->n_power == 0)
		return;
	out->power_known = true;
	out->peak_w = e->peak_w;
	if (e->measured_s <= 0) {
		/* one powered sample (or all at one instant): a power
		 * reading, but no duration to integrate over */
		out->avg_w = e->prev_w;
		return;
	}
	out->energy_known = true;
	out->wh = e->joules / 3600.0;
	out->avg_w = e->joules / e->measured_s;
	out->coverage = out->seconds > 0 ? e->measured_s / out->seconds : 1;
	if (out->coverage > 1)
		out->coverage = 1;
}
