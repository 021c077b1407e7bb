/*
 * tui/cli/cost_cmd.h: what `r8play cost` (tui/cli/cost.c) hands to its
 * printing (tui/cli/cost_print.c). Internal to tui/cli/.
 */
#ifndef PG_TUI_CLI_COST_CMD_H
#define PG_TUI_CLI_COST_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/net/client.h"
#include "client/cost/cost.h"

/* The options, validated. */
struct cost_opts {
	const char	*model;
	double		 seconds;
	bool		 have_seconds;
	char		 hardware[2048];
	bool		 have_hardware;
	uint64_t	 runs;
	bool		 have_runs;
	unsigned	 concurrency;
	enum cost_billing_mode mode;
	double		 boot_s, idle_s;
	bool		 have_idle;
	const char	*measured;
	char		 measured_gpu[64];
	double		 measured_s;
	const char	*deployment;
	bool		 json, gpus, available;
	const char	*api_base;	/* --api-base */
};

/* What the model lookup found. */
struct model_info {
	char		 from[320];	/* where the model object came from */
	bool		 ok;
	bool		 is_official, is_private;
	double		 example_s;	/* < 0: no default_example metrics */
	char		 err[CLIENT_ERR_MAX];
};

struct tier_row {
	const char	*sku;		/* as asked (or the table's) */
	const struct cost_price *p;	/* NULL: price unknown */
	const char	*api_name;	/* --available: the API's name */
	struct cost_seconds secs;
	struct cost_run run;
	bool		 have_run;
	struct cost_batch_out batch;
	bool		 have_batch;
	struct cost_deploy_out dep;
	bool		 have_dep;
	char		 err[160];
};

/* --gpus: the relative-speed table of GPUs --measured carries seconds by. */
void cost_print_gpus(bool json);
/*
 * The priced rows (rows[i].p NULL: "price unknown"), the model lookup mi
 * (NULL when --seconds made it unneeded) and the deployment spec dep (NULL
 * without --deployment), as one JSON object or as the tables.
 */
void cost_print_json(const struct cost_opts *o, const struct cost_table *t,
    const struct tier_row *rows, size_t n, const struct model_info *mi,
    const struct cost_deploy_in *dep);
void cost_print_table(const struct cost_opts *o, const struct cost_table *t,
    const struct tier_row *rows, size_t n, const struct model_info *mi,
    const struct cost_deploy_in *dep);
/* With one SKU and --boot: what a cold start costs in time and money. */
void cost_print_cold_start(const struct cost_opts *o,
    const struct tier_row *r);

#endif
