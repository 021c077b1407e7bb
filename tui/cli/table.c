/*
 * tui/cli/table.c: the commands of the command line, in the order
 * `r8play --help` lists them. Each row is a struct cli_cmd defined in its
 * own file (tui/cli/<command>.c); adding a command is that file plus one
 * row here.
 */
#include "tui/cli/cli.h"

#include <stddef.h>

const struct cli_cmd *const cli_commands[] = {
	&cli_cmd_models,
	&cli_cmd_model,
	&cli_cmd_run,
	&cli_cmd_predictions,
	&cli_cmd_cancel,
	&cli_cmd_schema,
	&cli_cmd_show,
	&cli_cmd_cost,
	NULL
};
