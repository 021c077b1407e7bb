/*
 * tui/view/gpu.h: the GPUs of this machine in the TUI (client/gpu through
 * NVML, loaded at run time). Owns: the NVML handle, the last snapshot
 * (sampled once a second on the view timer, never blocking the loop), the
 * GPU panel (VIEW_GPU, key U), the compact strip in the title bar, the
 * power sampling of local runs while they are in flight (a few times a
 * second, into struct run's energy), and what a local run costs
 * (client/cost/local.h with config electricity_price / gpu_hour_price).
 * Without a driver every part shows nothing and says no error.
 */
#ifndef PG_TUI_VIEW_GPU_H
#define PG_TUI_VIEW_GPU_H

#include <stdbool.h>
#include <stddef.h>

#include "client/cost/cost.h"
#include "client/cost/local.h"
#include "client/gpu/gpu.h"

#define GPU_VIEW_SAMPLE_MS	1000	/* the strip and the panel */
#define GPU_VIEW_POWER_MS	250	/* local runs in flight: 4 a second */
#define GPU_VIEW_CID_SHOWN	12	/* container id digits shown */
#define GPU_VIEW_TIER_ROWS	3	/* run view: rows of Replicate tiers */

struct gpu_view {
	struct gpu	*g;		/* NULL: no driver, nothing shown */
	struct gpu_snapshot snap;
	bool		 have_snap;
	long long	 next_ms;	/* next snapshot (monotonic) */
	long long	 next_power_ms;	/* next power sample of runs */
	/* the container of each process, by the pid's cgroup ("" none) */
	char		 cid[GPU_MAX_DEVICES][GPU_MAX_PROCS]
			    [GPU_VIEW_CID_SHOWN + 1];
	int		 back;		/* enum view Esc returns to */
	size_t		 top;		/* panel scroll, in lines */
	/* config: $/kWh and $/h, < 0 when not set */
	double		 electricity_price, gpu_hour_price;
	struct cost_table prices;	/* shipped + user prices */
	int		 prices_state;	/* 1 loaded, -1 failed */
};

struct app;
struct run;

/* Open NVML (R8PLAY_NVML_LIB names another library), take the first
 * snapshot, read the prices from the config. Never fails. */
void	gpu_view_init(struct app *app);
void	gpu_view_done(struct app *app);
/* Key U: show the panel (Esc returns where it was opened). */
void	gpu_view_open(struct app *app);

/* The title bar strip, "gpu0 37% 3.2/24.0G  gpu1 ...", as many GPUs as
 * fit in maxw cells, into buf ("" without a driver). */
void	gpu_view_strip(const struct app *app, char *buf, size_t n, int maxw);

/*
 * The lines the run view shows under a finished local run: energy, average
 * and peak power, peak VRAM; the local cost beside each Replicate GPU tier
 * and the ratio. Paints from row (below bottom nothing) and returns the
 * next free row; nothing without a driver or for a remote run.
 */
int	gpu_view_draw_run(const struct app *app, const struct run *r, int row,
	    int bottom);

/* A finished local run's energy and local cost on one line ("0.0123 Wh,
 * this machine $0.0037 (energy)"); false (buf "") when not measured. */
bool	gpu_view_run_cost(const struct app *app, const struct run *r,
	    char *buf, size_t n);

/*
 * The cost tab's "this machine" row after the name: the price of a second
 * ("%12s", as the tiers') and the cost of seconds of predict time, from
 * the average power of the last measured local run (else the power drawn
 * now) and the configured prices, into buf. Returns false (buf "") when
 * there is nothing to say: no driver and no gpu_hour_price.
 */
bool	gpu_view_machine_cell(const struct app *app, double seconds,
	    char *buf, size_t n);

#endif
