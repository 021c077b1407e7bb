/*
 * tests/unit/t_render_detect.c: terminal detection through a pty. A child
 * process plays the terminal on the master side: it answers the query
 * batch as xterm 379 does (replies from TERMINALS.md), as kitty does, only
 * DA1, or never; or plays tmux with passthrough on or off. The child also
 * checks that the queries it got are the ones it should have got.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "render/detect.h"
#include "render/render.h"
#include "tests/unit/render_t.h"
#include "tests/unit/t.h"

enum play { XTERM, KITTY, DA1_ONLY, SILENT, TMUX_ON, TMUX_OFF, NOTHING };

static const char *const xterm_replies[] = {
	"\033P>|XTerm(379)\033\\",
	"\033[?1;0;1024S",
	"\033[?2;0;600;455S",
	"\033[6;13;6t",
	"\033[4;455;600t",
	"\033[?63;1;2;4;6;9;15;16;22;28c",
};

static void
put(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static bool
has(const char *buf, size_t len, const char *s)
{
	return rt_memmem(buf, len, s, strlen(s)) != NULL;
}

/* The terminal side; exit status 0 when the queries were as expected. */
static int
terminal(int fd, enum play play)
{
	char buf[4096];
	size_t len = 0;
	bool ok = true;
	unsigned k;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0)
			break;
		n = read(fd, buf + len, sizeof buf - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len >= 3 && memcmp(buf + len - 3, "\033[c", 3) == 0)
			break;
	}
	if (play == NOTHING)
		return len == 0 ? 0 : 4;
	if (play == TMUX_ON || play == TMUX_OFF) {
		/* wrapped batch with ESC doubled, then a plain DA1 */
		ok = len > 10 && memcmp(buf, "\033Ptmux;\033\033[>0q", 13) == 0 &&
		    has(buf, len, "\033\033_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA"
		    "\033\033\\") && has(buf, len, "\033\033[?2;1;0S") &&
		    has(buf, len, "\033\033[c\033\\\033[c");
		put(fd, "\033[?1;2c");	/* tmux answers DA1 itself */
		if (play == TMUX_ON)
			for (k = 0; k < 6; k++)
				put(fd, xterm_replies[k]);
	} else {
		ok = has(buf, len, "\033[>0q") && has(buf, len,
		    "\033_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\033\\") &&
		    has(buf, len, "\033[?1;1;0S") && has(buf, len,
		    "\033[?2;1;0S") && has(buf, len, "\033[16t") &&
		    has(buf, len, "\033[14t") && len >= 3 &&
		    memcmp(buf + len - 3, "\033[c", 3) == 0 &&
		    !has(buf, len, "tmux");
		if (play == XTERM) {
			/* one reply at a time, as a slow link would */
			for (k = 0; k < 6; k++) {
				struct timespec ts = { 0, 3000000 };

				put(fd, xterm_replies[k]);
				nanosleep(&ts, NULL);
			}
		} else if (play == KITTY)
			put(fd, "\033_Gi=31;OK\033\\\033[?62;c");
		else if (play == DA1_ONLY)
			put(fd, "\033[?1;2c");
	}
	/* wait for the other side to hang up */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 2000) <= 0 || read(fd, buf, sizeof buf) <= 0)
			break;
	}
	return ok ? 0 : 3;
}

static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) /
	    1e6;
}

/* Run detection against a played terminal; returns the child's status. */
/*
 * The detection timeout used by run(). Tests that must end on DA1 use a long
 * one and assert they finished far before it, so that a loaded machine
 * cannot make them flake; tests of the silent terminal use the real 100 ms.
 */
static int detect_timeout_ms = 3000;

static int
run(enum play play, const struct detect_env *env, int xpixel,
    struct detect_result *r, double *ms)
{
	struct winsize ws = { .ws_row = 35, .ws_col = 100 };
	struct timespec t0;
	char err[128];
	int master, slave, status = -1;
	pid_t pid;

	ws.ws_xpixel = (unsigned short)xpixel;
	ws.ws_ypixel = (unsigned short)(xpixel ? 700 : 0);
	if (openpty(&master, &slave, NULL, NULL, &ws) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		close(slave);
		_exit(terminal(master, play));
	}
	close(master);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	detect_run(slave, env, detect_timeout_ms, r, err, sizeof err);
	*ms = elapsed_ms(&t0);
	close(slave);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_xterm(void)
{
	struct detect_env env = { .term = "xterm-256color" };
	struct detect_result r;
	double ms;

	T_EQ(run(XTERM, &env, 0, &r, &ms), 0);
	T_EQ(r.mode, RENDER_MODE_SIXEL);
	T_OK(r.sixel && !r.kitty && r.answered && !r.forced);
	T_STREQ(r.term_name, "XTerm(379)");
	T_EQ(r.color_registers, 1024);
	T_EQ(r.max_w, 600);
	T_EQ(r.max_h, 455);
	T_EQ(r.cell16_w, 6);
	T_EQ(r.cell16_h, 13);
	T_EQ(r.win14_w, 600);
	T_EQ(r.win14_h, 455);
	/* no pixels in TIOCGWINSZ: the cell from CSI 16 t */
	T_EQ(r.cell_w, 6);
	T_EQ(r.cell_h, 13);
	T_EQ(r.cols, 100);
	T_EQ(r.rows, 35);
	T_EQ(r.depth, BLOCKS_256);
	T_EQ(r.passthrough, RENDER_PASS_NONE);
	T_STREQ(r.note, "");
	T_OK(ms < 1500);	/* DA1 ended it, not the 3 s timeout */

	/* with TIOCGWINSZ pixels, they win: 1000x700 / 100x35 */
	T_EQ(run(XTERM, &env, 1000, &r, &ms), 0);
	T_EQ(r.cell_w, 10);
	T_EQ(r.cell_h, 20);
	T_EQ(r.xpixel, 1000);
}

static void
test_kitty_partial_silent(void)
{
	struct detect_env env = { .colorterm = "truecolor" };
	struct detect_result r;
	double ms;

	T_EQ(run(KITTY, &env, 0, &r, &ms), 0);
	T_EQ(r.mode, RENDER_MODE_KITTY);
	T_OK(r.kitty && !r.sixel);
	T_EQ(r.depth, BLOCKS_TRUECOLOR);
	T_EQ(r.cell_w, 10);	/* nothing known: the default */

	T_EQ(run(DA1_ONLY, &env, 0, &r, &ms), 0);
	T_EQ(r.mode, RENDER_MODE_BLOCKS);
	T_OK(r.answered && !r.sixel);
	T_STREQ(r.term_name, "");
	T_EQ(r.color_registers, 0);
	T_OK(ms < 1500);

	detect_timeout_ms = 100;
	T_EQ(run(SILENT, &env, 0, &r, &ms), 0);
	T_EQ(r.mode, RENDER_MODE_BLOCKS);
	T_OK(!r.answered);
	T_OK(ms >= 95 && ms < 1500);	/* the timeout ended it */

	/* forced: a silent terminal still costs only the timeout ... */
	env.graphics = "sixel";
	T_EQ(run(SILENT, &env, 0, &r, &ms), 0);
	T_EQ(r.mode, RENDER_MODE_SIXEL);
	T_OK(r.forced);
	/* ... and blocks asks nothing at all */
	env.graphics = "blocks";
	detect_timeout_ms = 3000;
	T_EQ(run(NOTHING, &env, 0, &r, &ms), 0);
	T_EQ(r.mode, RENDER_MODE_BLOCKS);
	T_OK(r.forced && ms < 1500);	/* no query, so no 3 s wait */
	env.graphics = "bogus";
	T_EQ(run(DA1_ONLY, &env, 0, &r, &ms), 0);
	T_EQ(r.mode, RENDER_MODE_BLOCKS);
	T_OK(strstr(r.note, "R8PLAY_GRAPHICS") != NULL);
}

static void
test_tmux(void)
{
	struct detect_env env = { .tmux = "/tmp/tmux-0/default,42,0",
	    .term = "tmux-256color" };
	struct detect_result r;
	double ms;

	detect_timeout_ms = 3000;

	T_EQ(run(TMUX_ON, &env, 0, &r, &ms), 0);
	T_OK(r.in_tmux && r.passthrough_ok);
	T_EQ(r.passthrough, RENDER_PASS_TMUX);
	T_EQ(r.mode, RENDER_MODE_SIXEL);
	T_STREQ(r.term_name, "XTerm(379)");
	T_EQ(r.cell_w, 6);
	T_STREQ(r.note, "");
	T_OK(ms < 1500);

	T_EQ(run(TMUX_OFF, &env, 0, &r, &ms), 0);
	T_OK(r.in_tmux && !r.passthrough_ok);
	T_EQ(r.passthrough, RENDER_PASS_NONE);
	T_EQ(r.mode, RENDER_MODE_BLOCKS);
	T_OK(strstr(r.note, "allow-passthrough") != NULL);
}

static void
test_not_a_tty(void)
{
	struct detect_env env = { 0 };
	struct detect_result r;
	char err[128] = "";
	int p[2];

	T_EQ(pipe(p), 0);
	T_EQ(detect_run(p[0], &env, 50, &r, err, sizeof err), -1);
	T_EQ(r.mode, RENDER_MODE_BLOCKS);
	T_STREQ(err, "detect: not a terminal");
	close(p[0]);
	close(p[1]);
	T_EQ(detect_run(-1, NULL, 50, &r, err, sizeof err), -1);
}

static void
test_winsize(void)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	struct detect_result r;
	int master, slave;

	T_EQ(openpty(&master, &slave, NULL, NULL, &ws), 0);
	memset(&r, 0, sizeof r);
	r.cell16_w = 7;
	r.cell16_h = 15;
	r.win14_w = 560;
	r.win14_h = 360;
	T_EQ(detect_winsize(slave, &r), 0);
	T_EQ(r.cols, 80);
	T_EQ(r.cell_w, 7);	/* no pixels: the 16 t reply still holds */
	ws.ws_col = 120;
	ws.ws_row = 40;
	ws.ws_xpixel = 1080;
	ws.ws_ypixel = 720;
	T_EQ(ioctl(master, TIOCSWINSZ, &ws), 0);
	T_EQ(detect_winsize(slave, &r), 0);
	T_EQ(r.cols, 120);
	T_EQ(r.rows, 40);
	T_EQ(r.cell_w, 9);
	T_EQ(r.cell_h, 18);
	T_EQ(r.win14_w, 0);	/* stale after the resize */
	close(master);
	close(slave);
	T_EQ(detect_winsize(-1, &r), -1);
	T_EQ(r.cols, 120);
}

static void
test_parse_and_queries(void)
{
	static const char replies[] = "junk\033[?62;4;22c\033[6;20;10t"
	    "\033P>|Wez\x07Term 2024\033\\\033_Gi=31;ENOTSUP\033\\\033[?1;3;0S"
	    "\033[?2;0;4096;4096S\033P>|unterminated";
	struct detect_result r;
	struct detect_env env = { 0 };
	char q[1024];
	size_t n;
	int want;

	memset(&r, 0, sizeof r);
	T_EQ(detect_parse((const unsigned char *)replies, sizeof replies - 1,
	    &r), 1);
	T_OK(r.sixel);
	T_OK(!r.kitty);		/* kitty answered, but not OK */
	T_EQ(r.cell16_w, 10);
	T_EQ(r.cell16_h, 20);
	T_STREQ(r.term_name, "WezTerm 2024");	/* BEL dropped */
	T_EQ(r.color_registers, 0);	/* status 3: failure */
	T_EQ(r.max_w, 4096);

	n = detect_queries(&env, q, sizeof q, &want);
	T_EQ(want, 1);
	T_STREQ(q, "\033[>0q\033_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\033\\"
	    "\033[?1;1;0S\033[?2;1;0S\033[16t\033[14t\033[c");
	T_EQ(n, strlen(q));
	env.sty = "1234.pts-0.host";
	n = detect_queries(&env, q, sizeof q, &want);
	T_EQ(want, 2);
	T_OK(strncmp(q, "\033P\033[>0q", 7) == 0);
	T_OK(n > 6 && strcmp(q + n - 3, "\033[c") == 0);
	T_EQ(detect_queries(&env, q, 8, &want), 0);

	T_EQ(detect_mode_parse("kitty"), RENDER_MODE_KITTY);
	T_EQ(detect_mode_parse("none"), RENDER_MODE_NONE);
	T_EQ(detect_mode_parse("Sixel"), -1);
	T_EQ(detect_mode_parse(NULL), -1);
	T_STREQ(detect_mode_name(RENDER_MODE_BLOCKS), "blocks");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_parse_and_queries();
	test_xterm();
	test_kitty_partial_silent();
	test_tmux();
	test_not_a_tty();
	test_winsize();
	return T_SUMMARY();
}
