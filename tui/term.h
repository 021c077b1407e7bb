/*
 * tui/term.h: the terminal. Owns ncurses' screen, the saved termios and the
 * handlers that put the terminal back however r8play ends: normal exit
 * (atexit), die(), SIGINT/SIGTERM/SIGHUP (through the loop's self-pipe) and
 * fatal signals (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL: restore, re-raise).
 */
#ifndef PG_TUI_TERM_H
#define PG_TUI_TERM_H

#include <stdbool.h>

/*
 * Take the terminal: save termios, install the fatal-signal handlers, start
 * ncurses on the controlling tty. Returns 0, or -1 with a message in err.
 */
int term_init(char *err, unsigned errsz);

/* Give the terminal back. Idempotent and async-signal-tolerant. */
void term_restore(void);

/* True between term_init() and term_restore(). */
bool term_active(void);

/* Restore the terminal, print "r8play: MESSAGE" to stderr, exit 1. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
