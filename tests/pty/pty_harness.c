/*
 * tests/pty/pty_harness.c: drives the real r8play on a pseudo-terminal and
 * replays what it writes in libvterm, answering the terminal queries a
 * sixel-capable xterm would answer (DA1 with 4, CSI 16 t, XTSMGRAPHICS).
 * One scenario per run; prints "ok"/"FAIL" lines and "N passed, N failed".
 *
 *	pty_harness storm   R8PLAY [ARGS...]   50 resizes 20x5..300x100
 *	pty_harness restore SIGNAME R8PLAY [ARGS...]
 *	pty_harness sixel   R8PLAY [ARGS...]   an image run on a local server
 *
 * The child's environment is the harness's (the test script sets it).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#define LOG_MAX	(64u << 20)

static int pass, fail;
static int master = -1, slave = -1;
static pid_t child;
static VTerm *vt;
static VTermScreen *vs;
static int rows = 24, cols = 80;
static unsigned char *out;	/* everything the child wrote */
static size_t outlen;
static size_t answered;		/* queries answered up to this offset */

static int
check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		pass++;
	else
		fail++;
	return ok;
}

static void screen_text(char *buf, size_t bufsz);

/* The screen as text, for a failure's context. */
static void
dump_screen(void)
{
	static char buf[1 << 20];

	screen_text(buf, sizeof buf);
	printf("---- screen %dx%d ----\n%s\n----\n", cols, rows, buf);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
put(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(master, s, n);

		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
	}
}

/* Answer the queries a VT340-mode xterm answers (TERMINALS.md). */
static void
answer_queries(void)
{
	static const struct {
		const char *q, *a;
	} qa[] = {
		{ "\033[c", "\033[?63;1;2;4;6;9;15;16;22;28c" },
		{ "\033[0c", "\033[?63;1;2;4;6;9;15;16;22;28c" },
		{ "\033[16t", "\033[6;20;10t" },
		{ "\033[14t", NULL },		/* built from the size */
		{ "\033[18t", NULL },
		{ "\033[?1;1;0S", "\033[?1;0;256S" },
		{ "\033[?2;1;0S", "\033[?2;0;1000;1000S" },
		{ "\033[>0q", "\033P>|XTerm(379)\033\\" },
	};
	size_t i, j;
	char buf[64];

	for (i = answered; i < outlen; i++) {
		if (out[i] != 033)
			continue;
		for (j = 0; j < sizeof qa / sizeof qa[0]; j++) {
			size_t n = strlen(qa[j].q);

			if (i + n > outlen) {
				/* maybe a query cut across reads: wait */
				if (memcmp(out + i, qa[j].q, outlen - i) == 0) {
					answered = i;
					return;
				}
				continue;
			}
			if (memcmp(out + i, qa[j].q, n) != 0)
				continue;
			if (strcmp(qa[j].q, "\033[14t") == 0) {
				snprintf(buf, sizeof buf, "\033[4;%d;%dt",
				    rows * 20, cols * 10);
				put(buf);
			} else if (strcmp(qa[j].q, "\033[18t") == 0) {
				snprintf(buf, sizeof buf, "\033[8;%d;%dt",
				    rows, cols);
				put(buf);
			} else
				put(qa[j].a);
		}
	}
	answered = outlen;
}

/* Read what is there for up to ms; returns bytes read. */
static size_t
pump(int ms)
{
	long long end = now_ms() + ms;
	size_t got = 0;
	unsigned char buf[65536];

	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		long long left = end - now_ms();
		ssize_t n;

		if (left < 0)
			left = 0;
		if (poll(&p, 1, (int)left) <= 0)
			break;
		n = read(master, buf, sizeof buf);
		if (n <= 0)
			break;
		if (outlen + (size_t)n <= LOG_MAX) {
			memcpy(out + outlen, buf, (size_t)n);
			outlen += (size_t)n;
		}
		vterm_input_write(vt, (const char *)buf, (size_t)n);
		got += (size_t)n;
		answer_queries();
		if (left == 0)
			break;
	}
	return got;
}

static void
screen_text(char *buf, size_t bufsz)
{
	VTermRect r = { .start_row = 0, .end_row = rows, .start_col = 0,
		.end_col = cols };
	size_t n = vterm_screen_get_text(vs, buf, bufsz - 1, r);

	buf[n < bufsz ? n : bufsz - 1] = '\0';
}

static int
screen_has(const char *s)
{
	static char buf[1 << 20];

	screen_text(buf, sizeof buf);
	return strstr(buf, s) != NULL;
}

/* Pump until the screen shows s (or ms pass). */
static int
wait_text(const char *s, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		pump(50);
		if (screen_has(s))
			return 1;
	}
	return 0;
}

/* Pump until nothing arrives for quiet_ms. */
static void
settle(int quiet_ms, int max_ms)
{
	long long end = now_ms() + max_ms;

	while (now_ms() < end && pump(quiet_ms) > 0)
		;
}

static void
set_size(int r, int c)
{
	struct winsize ws = { .ws_row = (unsigned short)r,
		.ws_col = (unsigned short)c, .ws_xpixel = (unsigned short)(c * 10),
		.ws_ypixel = (unsigned short)(r * 20) };

	rows = r;
	cols = c;
	ioctl(master, TIOCSWINSZ, &ws);
	vterm_set_size(vt, r, c);
}

static void
start(char **argv)
{
	struct termios tio;

	if (openpty(&master, &slave, NULL, NULL, NULL) != 0) {
		perror("openpty");
		exit(2);
	}
	tcgetattr(slave, &tio);
	vt = vterm_new(rows, cols);
	vterm_set_utf8(vt, 1);
	vs = vterm_obtain_screen(vt);
	vterm_screen_reset(vs, 1);
	set_size(rows, cols);
	out = malloc(LOG_MAX);
	child = fork();
	if (child < 0) {
		perror("fork");
		exit(2);
	}
	if (child == 0) {
		struct rlimit rl = { 0, 0 };

		setrlimit(RLIMIT_CORE, &rl);
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		if (slave > 2)
			close(slave);
		execv(argv[0], argv);
		_exit(127);
	}
}

static int
alive(void)
{
	int st;

	return waitpid(child, &st, WNOHANG) == 0;
}

static int
reap(int ms, int *status)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		pump(20);
		if (waitpid(child, status, WNOHANG) == child)
			return 1;
	}
	return 0;
}

static int
storm(char **argv)
{
	unsigned seed = 12345;
	int i, st;

	start(argv);
	check(wait_text("r8play", 5000), "first frame drawn");
	for (i = 0; i < 50; i++) {
		int r, c;

		seed = seed * 1103515245u + 12345u;
		c = 20 + (int)((seed >> 8) % 281);
		seed = seed * 1103515245u + 12345u;
		r = 5 + (int)((seed >> 8) % 96);
		if (i == 10) {
			r = 5;
			c = 20;
		} else if (i == 11) {
			r = 100;
			c = 300;
		}
		set_size(r, c);
		pump(i % 5 == 0 ? 30 : 2);
	}
	set_size(30, 100);
	settle(300, 5000);
	check(alive(), "alive after 50 resizes");
	check(screen_has("r8play") && screen_has("explorer"),
	    "final frame at 100x30 shows the explorer");
	check(screen_has("Models"), "final frame lists models");
	/* the too-small notice, then recovery */
	set_size(5, 20);
	check(wait_text("too small", 3000), "20x5 shows the too-small notice");
	set_size(24, 80);
	check(wait_text("Models", 3000), "80x24 draws the list again");
	put("q");
	st = -1;
	if (!check(reap(5000, &st) && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "q quits with status 0 (status 0x%x)", st))
		dump_screen();
	return 0;
}

static int
tios_equal(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	    a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	    memcmp(a->c_cc, b->c_cc, sizeof a->c_cc) == 0;
}

static int
ends_with_restore(void)
{
	static const char leave[] = "\033[?1049l", show[] = "\033[?25h";
	size_t tail = outlen > 256 ? outlen - 256 : 0, i;
	int have_leave = 0;

	/* ignore trailing CR/LF the shell might add */
	while (outlen > 0 && (out[outlen - 1] == '\n' || out[outlen - 1] == '\r'))
		outlen--;
	for (i = tail; i + sizeof leave - 1 <= outlen; i++)
		if (memcmp(out + i, leave, sizeof leave - 1) == 0)
			have_leave = 1;
	return have_leave && outlen >= sizeof show - 1 &&
	    memcmp(out + outlen - (sizeof show - 1), show, sizeof show - 1) == 0;
}

static int
restore(const char *signame, char **argv)
{
	struct termios before, after, during;
	int sig = strcmp(signame, "SEGV") == 0 ? SIGSEGV :
	    strcmp(signame, "ABRT") == 0 ? SIGABRT :
	    strcmp(signame, "HUP") == 0 ? SIGHUP :
	    strcmp(signame, "INT") == 0 ? SIGINT : SIGTERM;
	int st;

	start(argv);
	tcgetattr(slave, &before);
	check(wait_text("r8play", 5000), "first frame drawn");
	settle(200, 2000);
	tcgetattr(slave, &during);
	check(!tios_equal(&before, &during), "r8play changed the modes");
	kill(child, sig);
	check(reap(5000, &st), "exits after SIG%s", signame);
	if (sig == SIGSEGV || sig == SIGABRT)
		check(WIFSIGNALED(st) && WTERMSIG(st) == sig,
		    "dies of SIG%s (re-raised)", signame);
	else
		check(WIFSIGNALED(st) || WIFEXITED(st), "ended");
	tcgetattr(slave, &after);
	check(tios_equal(&before, &after), "termios restored after SIG%s",
	    signame);
	check(ends_with_restore(), "output ends with \\e[?1049l ... \\e[?25h");
	return 0;
}

/* Find the last DCS sixel and the CUP just before it. */
static int
find_sixel(size_t from, int *row, int *col, size_t *len, int *w, int *h)
{
	size_t i, start = (size_t)-1;

	for (i = from; i + 2 < outlen; i++)
		if (out[i] == 033 && out[i + 1] == 'P') {
			size_t k = i + 2;

			while (k < outlen && ((out[k] >= '0' && out[k] <= '9') ||
			    out[k] == ';'))
				k++;
			if (k < outlen && out[k] == 'q')
				start = i;
		}
	if (start == (size_t)-1)
		return 0;
	*row = *col = -1;
	for (i = start; i > 0 && start - i < 64; i--)
		if (out[i - 1] == 033 && out[i] == '[') {
			if (sscanf((const char *)out + i + 1, "%d;%dH", row,
			    col) == 2)
				break;
		}
	for (i = start; i + 1 < outlen; i++)
		if (out[i] == 033 && out[i + 1] == '\\')
			break;
	*len = i + 2 - start;
	*w = *h = 0;
	{
		const char *ra = memchr(out + start, '"', *len);

		if (ra != NULL)
			sscanf(ra, "\"%*d;%*d;%d;%d", w, h);
	}
	return 1;
}

static int
sixel(char **argv)
{
	int row, col, w, h, st;
	size_t len, mark;

	rows = 40;
	cols = 120;
	start(argv);
	check(wait_text("Playground", 8000), "local playground shown");
	settle(300, 3000);
	put("\r");		/* edit the prompt (required) */
	usleep(100000);
	put("a red fox");
	put("\r");
	usleep(100000);
	put("\022");		/* Ctrl-R */
	check(wait_text("succeeded", 20000), "the run succeeds");
	settle(500, 8000);
	check(find_sixel(0, &row, &col, &len, &w, &h), "a sixel image is "
	    "written");
	check(row >= 2 && row < rows && col >= 1 && col < cols,
	    "placed with CUP inside the screen (row %d col %d)", row, col);
	check(row + (h + 19) / 20 < rows, "ends above the last line (%dx%d "
	    "px from row %d)", w, h, row);
	check(w > 0 && h > 0 && w <= cols * 10, "raster %dx%d fits", w, h);
	/* a resize repaints everything: the image must be sent again */
	mark = outlen;
	set_size(44, 130);
	settle(300, 5000);
	check(find_sixel(mark, &row, &col, &len, &w, &h),
	    "re-sent after a resize (row %d col %d)", row, col);
	mark = outlen;
	put("\033");		/* back to the model page: image cleared */
	usleep(100000);
	settle(300, 3000);
	{
		/* the rows the image covered were rewritten */
		size_t i;
		int rewrote = 0;

		for (i = mark; i + 3 < outlen; i++)
			if (out[i] == 033 && out[i + 1] == '[') {
				int r2 = 0;

				if (sscanf((const char *)out + i + 2, "%d", &r2) ==
				    1 && r2 >= row && r2 <= row + h / 20)
					rewrote = 1;
			}
		check(rewrote, "the image's rows are overwritten on leaving");
		check(find_sixel(mark, &row, &col, &len, &w, &h) == 0,
		    "no image drawn on the model page");
	}
	put("q");
	reap(3000, &st);
	if (alive()) {
		put("y");
		reap(3000, &st);
	}
	return 0;
}

/* Offset of the first DCS sixel start at or after from, or -1. */
static long
dcs_start(size_t from)
{
	size_t i;

	for (i = from; i + 2 < outlen; i++)
		if (out[i] == 033 && out[i + 1] == 'P') {
			size_t k = i + 2;

			while (k < outlen && ((out[k] >= '0' && out[k] <= '9') ||
			    out[k] == ';'))
				k++;
			if (k < outlen && out[k] == 'q')
				return (long)i;
		}
	return -1;
}

/*
 * A fatal signal while a sixel DCS is open: get an image on screen, make
 * r8play send it again (a resize), read only until its DCS has begun and
 * then stop reading, so r8play blocks inside that write with the string
 * open; then the signal. The bytes after the DCS start must hold CAN ST
 * before the alternate screen is left, and end with the cursor shown.
 */
static int
sixelcrash(const char *signame, char **argv)
{
	int sig = strcmp(signame, "ABRT") == 0 ? SIGABRT : SIGSEGV;
	int row, col, w, h, st, found = 0;
	size_t len, mark, i, can = 0, leave = 0;
	long ds = -1;
	long long end;

	rows = 40;
	cols = 120;
	start(argv);
	check(wait_text("Playground", 8000), "local playground shown");
	settle(300, 3000);
	put("\r");
	usleep(100000);
	put("a red fox");
	put("\r");
	usleep(100000);
	put("\022");		/* Ctrl-R */
	check(wait_text("succeeded", 20000), "the run succeeds");
	settle(500, 8000);
	check(find_sixel(0, &row, &col, &len, &w, &h), "a sixel image is "
	    "written");
	mark = outlen;
	set_size(48, 160);	/* bigger: sent again, and larger */
	end = now_ms() + 10000;
	while (now_ms() < end && (ds = dcs_start(mark)) < 0) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		unsigned char buf[256];
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		if ((n = read(master, buf, sizeof buf)) <= 0)
			break;
		if (outlen + (size_t)n <= LOG_MAX) {
			memcpy(out + outlen, buf, (size_t)n);
			outlen += (size_t)n;
		}
		vterm_input_write(vt, (const char *)buf, (size_t)n);
	}
	check(ds >= 0, "the image is sent again after the resize");
	usleep(500000);		/* r8play fills the pty and blocks */
	for (i = (size_t)(ds < 0 ? 0 : ds); i + 1 < outlen; i++)
		if (out[i] == 033 && out[i + 1] == '\\')
			found = 1;
	check(ds >= 0 && !found, "the DCS is still open when the signal comes");
	kill(child, sig);
	check(reap(5000, &st), "exits after SIG%s", signame);
	check(WIFSIGNALED(st) && WTERMSIG(st) == sig, "dies of SIG%s",
	    signame);
	for (i = (size_t)(ds < 0 ? 0 : ds); i + 2 < outlen; i++) {
		if (!can && out[i] == 030 && out[i + 1] == 033 &&
		    out[i + 2] == '\\')
			can = i;
		if (memcmp(out + i, "\033[?1049l", 8) == 0)
			leave = i;
	}
	check(can > 0, "CAN ST closes the open DCS");
	check(can > 0 && leave > can, "then the alternate screen is left");
	check(ends_with_restore(), "output ends with \\e[?1049l ... \\e[?25h");
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: pty_harness storm|restore SIG|sixel|sixelcrash SIG "
		    "R8PLAY [ARGS]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "storm") == 0)
		storm(argv + 2);
	else if (strcmp(argv[1], "restore") == 0 && argc >= 4)
		restore(argv[2], argv + 3);
	else if (strcmp(argv[1], "sixel") == 0)
		sixel(argv + 2);
	else if (strcmp(argv[1], "sixelcrash") == 0 && argc >= 4)
		sixelcrash(argv[2], argv + 3);
	else {
		fprintf(stderr, "pty_harness: unknown scenario %s\n", argv[1]);
		return 2;
	}
	if (child > 0 && alive()) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail != 0;
}
