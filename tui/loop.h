/*
 * tui/loop.h: the event loop, the program's only blocking call. One poll
 * (through client_wait()) over the terminal, a signal self-pipe (SIGWINCH,
 * SIGINT, SIGTERM, SIGHUP, SIGCHLD) and the network; one draw per pass.
 */
#ifndef PG_TUI_LOOP_H
#define PG_TUI_LOOP_H

#include <stddef.h>

struct app;

/* Create the self-pipe and install the handlers: before ncurses starts
 * (ncurses installs its own SIGWINCH handler only if none is set). */
int loop_signals_init(char *err, size_t errsz);

/* Run until app->quit. Returns the exit status. */
int loop_run(struct app *app);

#endif
