/*
 * tui/cli/image_args.h: the arguments `run --image` hands to run_local()
 * (tui/cli/run_local.h) once its container serves: --local URL, and how
 * the server reports back. A container cannot reach 127.0.0.1 on the host,
 * so r8play's webhook listener binds the container's network gateway (the
 * host's end of the bridge, e.g. 172.17.0.1) when it can.
 */
#ifndef PG_TUI_CLI_IMAGE_ARGS_H
#define PG_TUI_CLI_IMAGE_ARGS_H

#include "tui/cli/cli.h"

/*
 * a with --local url added and, unless the caller chose how the server
 * reports (--async, --listen, --no-webhooks), --listen gw when r8play can
 * listen on gw (the webhook URLs then name it), else --no-webhooks (the
 * sync answer; said on stderr). gw may be "" (none known). The caller
 * frees the copy (its strings are borrowed from a, url and gw, which must
 * outlive it). NULL when out of memory.
 */
struct cli_args *image_run_args(const struct cli_args *a, const char *url,
    const char *gw);

#endif
