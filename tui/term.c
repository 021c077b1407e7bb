/* tui/term.c: ncurses start-up and a terminal that is always restored. */
#include "tui/term.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_tio;
static bool have_tio;
static volatile sig_atomic_t active;
static bool headless;
static SCREEN *screen;
static FILE *null_in, *null_out;

/* Written raw so that it is safe from a signal handler: reset SGR, show the
 * cursor, mouse and bracketed paste off, leave the alternate screen, and
 * show the cursor once more last (what the pty test checks for). */
static const char restore_seq[] =
    "\033[0m\033[?1000l\033[?1002l\033[?1006l\033[?2004l\033[?1049l\033[?25h";

int
term_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
term_restore(void)
{
	if (!active)
		return;
	active = 0;
	endwin();
	if (headless)
		return;
	(void)term_write_all(STDOUT_FILENO, restore_seq,
	    sizeof restore_seq - 1);
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
}

bool
term_active(void)
{
	return active != 0;
}

bool
term_headless(void)
{
	return headless;
}

/*
 * A fatal signal can land in the middle of an image write, inside an open
 * DCS (sixel) or APC (kitty) string, which would swallow the restore
 * sequence whole. CAN aborts any escape sequence or control string, and
 * ST ends one in terminals that ignore CAN inside strings; outside a
 * string both do nothing.
 */
static const char end_string_seq[] = "\030\033\\";

/* From a fatal signal: only async-signal-safe calls (no endwin()). */
static void
on_fatal(int sig)
{
	if (active && !headless) {
		active = 0;
		(void)term_write_all(STDOUT_FILENO, end_string_seq,
		    sizeof end_string_seq - 1);
		(void)term_write_all(STDOUT_FILENO, restore_seq,
		    sizeof restore_seq - 1);
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	/* SA_RESETHAND put the default action back: re-raise for the core. */
	raise(sig);
}

/*
 * A crash restores the terminal before the default action (SA_RESETHAND:
 * the handler runs once), and so does exit(). ESC alone waits 25 ms for the
 * rest of an escape sequence unless $ESCDELAY says otherwise.
 */
static void
install_fatal(void)
{
	static const int fatal[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	atexit(term_restore);
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
}

/*
 * Raw-ish keys (no line buffering, no echo, no CR->NL), function keys
 * decoded, non-blocking reads (the loop polls the descriptor), no cursor.
 */
static void
setup_modes(void)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
}

int
term_init(char *err, unsigned errsz)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errsz, "not a terminal (try r8play --help)");
		return -1;
	}
	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		have_tio = true;
	install_fatal();
	if (initscr() == NULL) {
		snprintf(err, errsz, "cannot start ncurses (TERM=%s)",
		    getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	active = 1;
	setup_modes();
	return 0;
}

int
term_init_headless(const char *term_name, int cols, int rows, char *err,
    unsigned errsz)
{
	char n[16];

	null_in = fopen("/dev/null", "r");
	null_out = fopen("/dev/null", "w");
	if (null_in == NULL || null_out == NULL) {
		snprintf(err, errsz, "/dev/null: %s", strerror(errno));
		return -1;
	}
	/* the virtual size comes from the environment (use_env) */
	snprintf(n, sizeof n, "%d", rows);
	setenv("LINES", n, 1);
	snprintf(n, sizeof n, "%d", cols);
	setenv("COLUMNS", n, 1);
	install_fatal();
	headless = true;
	screen = newterm(term_name, null_out, null_in);
	if (screen == NULL) {
		snprintf(err, errsz, "cannot start ncurses (TERM=%s)",
		    term_name ? term_name : getenv("TERM") ?
		    getenv("TERM") : "");
		return -1;
	}
	set_term(screen);
	active = 1;
	setup_modes();
	if (LINES != rows || COLS != cols)
		resizeterm(rows, cols);
	return 0;
}

void
term_suspend(void)
{
	if (!active)
		return;
	def_prog_mode();
	endwin();
}

void
term_resume(void)
{
	if (!active)
		return;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
}

int
term_size(int *rows, int *cols, int *xpixel, int *ypixel)
{
	struct winsize ws;

	if (headless || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 ||
	    ws.ws_row == 0 || ws.ws_col == 0)
		return -1;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	*xpixel = ws.ws_xpixel;
	*ypixel = ws.ws_ypixel;
	return 0;
}

void
term_resize(int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	resizeterm(rows, cols);
}

void
term_write(const void *buf, size_t len)
{
	sigset_t all, old;

	if (headless || !active)
		return;
	sigfillset(&all);
	/* a crash while writing must still reach on_fatal() */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	sigprocmask(SIG_BLOCK, &all, &old);
	(void)term_write_all(STDOUT_FILENO, buf, len);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void
term_exit_signal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
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

void
term_pane_offset(int *row, int *col)
{
	FILE *fp;
	int r, c;

	*row = *col = 0;
	if (getenv("TMUX") == NULL)
		return;
	fp = popen("tmux display-message -p '#{pane_top} #{pane_left}' "
	    "2>/dev/null", "r");
	if (fp == NULL)
		return;
	if (fscanf(fp, "%d %d", &r, &c) == 2 && r >= 0 && c >= 0 &&
	    r < 10000 && c < 10000) {
		*row = r;
		*col = c;
	}
	pclose(fp);
}
