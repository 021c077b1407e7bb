/*
 * tui/cmd_local.h: `r8play run --local URL ...`, a prediction on a local
 * Cog server (client/cog/cog.h). cmd_run() hands its whole argv here when it
 * sees --local.
 */
#ifndef PG_TUI_CMD_LOCAL_H
#define PG_TUI_CMD_LOCAL_H

/*
 * argv[0] is "run". Returns the exit status: 0 succeeded, 1 the server or
 * the prediction failed (or was canceled), 2 usage or invalid input,
 * 130 interrupted (Ctrl-C, after canceling the prediction on the server).
 */
int cmd_run_local(int argc, char **argv);

#endif
