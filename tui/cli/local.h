/*
 * tui/cli/local.h: `r8play run --image REF ...`, a prediction on a Cog
 * image of the local Docker Engine (tui/cli/run_image.c, beside `r8play
 * local`). The run command (tui/cli/run.c) hands its parsed arguments here
 * when --image is given.
 */
#ifndef PG_TUI_CLI_LOCAL_H
#define PG_TUI_CLI_LOCAL_H

#include "tui/cli/cli.h"

/*
 * Reuses a running container of REF that r8play started, else pulls REF
 * when it is not here and starts it (--gpus as in `local start`), waits
 * for READY, runs the prediction through run_local() (tui/cli/run_local.h)
 * with a's other options, then stops and removes what it started unless
 * --keep. Returns the exit status of the run (1 when the container could
 * not be had, 2 usage, 130 interrupted).
 */
int run_image(const struct cli_args *a);

#endif
