/* tui/term.c: ncurses start-up and a terminal that is always restored. */
#include "tui/term.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_tio;
static bool have_tio;
static volatile sig_atomic_t active;

/* Written raw so that it is safe from a signal handler: reset SGR, show the
 * cursor, mouse and bracketed paste off, leave the alternate screen. */
static const char restore_seq[] =
    "\033[0m\033[?1000l\033[?1002l\033[?1006l\033[?2004l\033[?1049l\033[?25h";

void
term_restore(void)
{
	ssize_t n;

	if (!active)
		return;
	active = 0;
	endwin();
	n = write(STDOUT_FILENO, restore_seq, sizeof restore_seq - 1);
	(void)n;
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
}

bool
term_active(void)
{
	return active != 0;
}

static void
on_fatal(int sig)
{
	term_restore();
	/* SA_RESETHAND put the default action back: re-raise for the core. */
	raise(sig);
}

int
term_init(char *err, unsigned errsz)
{
	static const int fatal[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;
	size_t i;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errsz, "not a terminal (try r8play --help)");
		return -1;
	}
	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		have_tio = true;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	atexit(term_restore);
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	if (initscr() == NULL) {
		snprintf(err, errsz, "cannot start ncurses (TERM=%s)",
		    getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	active = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	return 0;
}

void
die(const char *fmt, ...)
{
	va_list ap;

	term_restore();
	fputs("r8play: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
