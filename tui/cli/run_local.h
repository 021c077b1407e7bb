/*
 * tui/cli/run_local.h: `r8play run --local URL ...`, a prediction on a
 * local Cog server (client/cog/cog.h). The run command (tui/cli/run.c)
 * hands its parsed arguments here when --local is given.
 */
#ifndef PG_TUI_CLI_RUN_LOCAL_H
#define PG_TUI_CLI_RUN_LOCAL_H

#include "tui/cli/cli.h"

/*
 * Returns the exit status: 0 succeeded, 1 the server or the prediction
 * failed (or was canceled), 2 usage or invalid input, 130 interrupted
 * (Ctrl-C, after canceling the prediction on the server).
 */
int run_local(const struct cli_args *a);

#endif
