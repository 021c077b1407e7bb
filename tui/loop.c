/* tui/loop.c: poll, signals, keys, network, timers, one draw per pass. */
#include "tui/loop.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/draw.h"
#include "tui/script.h"
#include "tui/term.h"
#include "widgets/kb.h"

static int sigpipe_fd[2] = { -1, -1 };

/* Async-signal-safe: one write, errno saved. */
static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t n = write(sigpipe_fd[1], &b, 1);

	(void)n;
	errno = saved;
}

int
loop_signals_init(char *err, size_t errsz)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP,
		SIGCHLD };
	struct sigaction sa;
	size_t i;

	if (pipe(sigpipe_fd) != 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		fcntl(sigpipe_fd[i], F_SETFL, O_NONBLOCK);
		fcntl(sigpipe_fd[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* SIGWINCH: ask the terminal its size (cells and pixels), resize
 * ncurses and the app. */
static void
handle_resize(struct app *app)
{
	int rows, cols, xp, yp;

	if (term_size(&rows, &cols, &xp, &yp) != 0)
		return;
	term_resize(rows, cols);
	if (xp > 0 && yp > 0 && cols > 0 && rows > 0) {
		app->cell_w = xp / cols;
		app->cell_h = yp / rows;
	}
	app_resize(app, rows, cols);
}

/* Act on the signals the self-pipe carried: resize, the editor child,
 * or leave cleanly on INT / TERM / HUP. */
static void
drain_signals(struct app *app)
{
	unsigned char b[64];
	ssize_t n, i;
	bool winch = false;

	while ((n = read(sigpipe_fd[0], b, sizeof b)) > 0)
		for (i = 0; i < n; i++) {
			switch (b[i]) {
			case SIGWINCH:
				winch = true;
				break;
			case SIGCHLD:
				app_child(app);
				break;
			case SIGINT:
			case SIGTERM:
			case SIGHUP:
				app_done(app);
				term_exit_signal(b[i]);
			default:
				break;
			}
		}
	if (winch)
		handle_resize(app);
}

/*
 * A terminal reply that arrives late (DA1, CSI 16 t, DCS answers to the
 * graphics queries, after detection gave up) reaches us as keys: ESC then
 * '[' / 'P' / ']' / '_' in the same burst. Swallow it up to its final
 * byte so it never acts as keys. A lone ESC (the Esc key) reads as ESC
 * then nothing; Alt-[ is the one chord lost.
 */
static void
swallow_reply(int intro)
{
	int k, n = 0, prev = 0;

	while (n++ < 4096 && (k = kb_read()) >= 0) {
		if (intro == '[' && k >= 0x40 && k <= 0x7e)
			return;
		if (intro != '[' && (k == 7 || (prev == 033 && k == '\\')))
			return;
		prev = k;
	}
}

/* Read the keys waiting on stdin and hand them to the app (mouse
 * reports go to app_mouse, late terminal replies are swallowed). */
static void
drain_keys(struct app *app)
{
	int k, n = 0, next;

	/* bounded so a paste cannot starve the network */
	while (n++ < 4096 && (k = kb_read()) >= 0) {
		/* resizeterm() queues KEY_RESIZE: the size is already
		 * applied (SIGWINCH came through the self-pipe) */
		if (k == (KB_FN | KEY_RESIZE)) {
			app->dirty |= DIRTY_ALL;
			continue;
		}
		if (k == (KB_FN | KEY_MOUSE)) {
			MEVENT me;

			if (getmouse(&me) != OK)
				continue;
			if (me.bstate & BUTTON4_PRESSED)
				app_mouse(app, me.y, me.x, -1);
			else if (me.bstate & BUTTON5_PRESSED)
				app_mouse(app, me.y, me.x, 1);
			else if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
				app_mouse(app, me.y, me.x, 0);
			continue;
		}
		if (k == 033 && (next = kb_read()) >= 0) {
			if (next == '[' || next == 'P' || next == ']' ||
			    next == '_') {
				swallow_reply(next);
				continue;
			}
			app_key(app, k);
			k = next;
		}
		app_key(app, k);
	}
}

int
loop_run(struct app *app)
{
	struct pollfd fds[3 + DEV_VIEW_MAX_FDS];
	char err[CLIENT_ERR_MAX];
	unsigned nfds, kin;
	int timeout;

	app_resize(app, LINES, COLS);
	while (!app->quit) {
		if (app->dirty && app->editor_pid == 0)
			draw_frame(app);
		/* the update step after the frame: queue the encode it
		 * wanted (drawing only peeks the cache) */
		images_update(app);
		nfds = 0;
		kin = 0;	/* the terminal's slot, 0: not polled */
		fds[nfds].fd = sigpipe_fd[0];
		fds[nfds].events = POLLIN;
		fds[nfds++].revents = 0;
		/* the render worker's results: decoded and encoded images */
		fds[nfds].fd = images_fd(app);
		fds[nfds].events = POLLIN;
		fds[nfds++].revents = 0;
		if (!app->script_mode && app->editor_pid == 0) {
			kin = nfds;
			fds[nfds].fd = STDIN_FILENO;
			fds[nfds].events = POLLIN;
			fds[nfds++].revents = 0;
		}
		/* --dev: the project's watch and its server's output */
		nfds += (unsigned)dev_view_pollfds(app, fds + nfds,
		    DEV_VIEW_MAX_FDS);
		timeout = app_timeout_ms(app, 1000);
		if (app->script != NULL)
			timeout = script_timeout_ms(app->script, app, timeout);
		if (client_wait(app->client, fds, nfds, timeout, err,
		    sizeof err) != 0)
			app_error(app, "%s", err);
		if (fds[0].revents & POLLIN)
			drain_signals(app);
		if (kin != 0 && (fds[kin].revents & (POLLIN | POLLHUP)))
			drain_keys(app);
		images_take(app);	/* cheap when none is ready */
		client_pump(app->client, net_on_event, app);
		app_tick(app);
		if (app->script != NULL && script_step(app->script, app) != 0)
			break;
	}
	return app->exit_code;
}
