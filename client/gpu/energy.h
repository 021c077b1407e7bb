/*
 * client/gpu/energy.h: what a run drew from the wall, from power samples.
 * The caller feeds (time, power, VRAM) samples a few times a second while a
 * local prediction is processing (from gpu_power(), or any other source);
 * the sampler integrates energy with the trapezoid rule and keeps average
 * and peak power and peak VRAM. Pure arithmetic: no NVML, no clock, no
 * allocation; struct gpu_energy is embedded (gpu_energy_init, no _done).
 *
 * Missing readings are first-class: a sample whose power is unknown ends
 * the current measured stretch, and a run with no two consecutive powered
 * samples reports energy_known = false ("power cannot be read"), never 0 Wh.
 */
#ifndef PG_CLIENT_GPU_ENERGY_H
#define PG_CLIENT_GPU_ENERGY_H

#include <stdbool.h>
#include <stddef.h>

#define GPU_ENERGY_MAX_WATTS	100000.0	/* readings above are dropped */

struct gpu_energy {
	size_t		n;		/* samples accepted */
	size_t		n_power;	/* of which had a power reading */
	size_t		n_dropped;	/* out of order or out of range */
	double		t_first, t_last;
	bool		have_prev_power;
	double		prev_w;		/* last powered sample */
	double		joules;		/* integral over measured stretches */
	double		measured_s;	/* seconds covered by the integral */
	double		peak_w;
	bool		vram_known;
	unsigned long long peak_vram;
};

/* What a run used, for display and the local cost. */
struct gpu_energy_summary {
	double		seconds;	/* first to last sample */
	bool		power_known;	/* at least one power reading */
	bool		energy_known;	/* false: power could not be read */
	double		wh;		/* energy in watt-hours */
	double		avg_w;		/* wh over the measured seconds */
	double		peak_w;
	double		coverage;	/* measured / total seconds, 0..1 */
	bool		vram_known;
	unsigned long long peak_vram;	/* bytes */
};

void		gpu_energy_init(struct gpu_energy *e);

/*
 * One sample: t in seconds on any monotonic clock, watts < 0 when power
 * cannot be read, vram_bytes ULLONG_MAX when unknown. A sample earlier than
 * the last one, or with non-finite or absurd values, is counted in
 * n_dropped and ignored.
 */
void		gpu_energy_add(struct gpu_energy *e, double t, double watts,
		    unsigned long long vram_bytes);

/*
 * The totals so far. Take a sample at the start and at the end of a run:
 * energy needs two powered samples.
 */
void		gpu_energy_summary(const struct gpu_energy *e,
		    struct gpu_energy_summary *out);

#endif
