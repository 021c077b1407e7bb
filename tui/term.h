/*
 * tui/term.h: the terminal. Owns ncurses' screen, the saved termios and the
 * handlers that put the terminal back however r8play ends: normal exit
 * (atexit), die(), SIGINT/SIGTERM/SIGHUP (through the loop's self-pipe,
 * then term_exit_signal()) and fatal signals (SIGSEGV, SIGABRT, SIGBUS,
 * SIGFPE, SIGILL: restore, re-raise).
 */
#ifndef PG_TUI_TERM_H
#define PG_TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Take the terminal: save termios, install the fatal-signal handlers, start
 * ncurses on the controlling tty. Returns 0, or -1 with a message in err.
 */
int term_init(char *err, unsigned errsz);

/*
 * Headless (screen-dump tests): ncurses on /dev/null for input and output
 * with a virtual screen of cols x rows; term_name NULL means $TERM.
 */
int term_init_headless(const char *term_name, int cols, int rows, char *err,
    unsigned errsz);

/* Give the terminal back. Idempotent and async-signal-tolerant. */
void term_restore(void);

/* True between term_init() and term_restore(). */
bool term_active(void);
bool term_headless(void);

/* Lend the terminal to a child ($EDITOR) and take it back. */
void term_suspend(void);
void term_resume(void);

/* Current tty size (TIOCGWINSZ), with pixel sizes when the terminal gives
 * them (0 otherwise). Returns -1 when not a tty. */
int term_size(int *rows, int *cols, int *xpixel, int *ypixel);

/* Apply a new size to ncurses (resizeterm). */
void term_resize(int rows, int cols);

/* Write all len bytes to fd, again after EINTR and short writes (also
 * safe from a signal handler). 0, or -1 when a write fails. */
int term_write_all(int fd, const void *buf, size_t len);

/* Write all bytes to the terminal with signals blocked (image blobs,
 * OSC 52). No-op when headless. */
void term_write(const void *buf, size_t len);

/* Restore, then die of sig with the default action (SIGTERM, SIGHUP...). */
void term_exit_signal(int sig) __attribute__((noreturn));

/*
 * Inside tmux ($TMUX set), where the current pane starts in the outer
 * terminal (0-based rows and columns), asked of `tmux display`; 0,0 when
 * that fails or outside tmux. Runs a short child process: call it before
 * the loop starts, never from it.
 */
void term_pane_offset(int *row, int *col);

/* Restore the terminal, print "r8play: MESSAGE" to stderr, exit 1. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
