/*
 * render/detect.c: terminal capability queries on a tty fd. The reply
 * parser is a small scanner over ESC sequences (CSI, DCS, APC); bytes it
 * does not recognise are skipped. Nothing read here is ever echoed back to
 * the terminal: the XTVERSION name is kept printable ASCII only.
 */
#include "render/detect.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "render/buf.h"
#include "render/fit.h"
#include "render/render.h"

static const char *const mode_names[] = {
#define X(id, name) name,
	RENDER_MODE_LIST(X)
#undef X
};

int
detect_mode_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
		if (strcmp(s, mode_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
detect_mode_name(enum render_mode m)
{
	if ((size_t)m >= sizeof mode_names / sizeof mode_names[0])
		return "?";
	return mode_names[m];
}

void
detect_env_load(struct detect_env *env)
{
	env->tmux = getenv("TMUX");
	env->sty = getenv("STY");
	env->term = getenv("TERM");
	env->colorterm = getenv("COLORTERM");
	env->graphics = getenv("R8PLAY_GRAPHICS");
}

static bool
set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* The queries the outer terminal answers; DA1 last, as the sentinel. */
static const char batch[] =
    "\033[>0q"					/* XTVERSION */
    "\033_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\033\\"	/* kitty */
    "\033[?1;1;0S"				/* XTSMGRAPHICS colours */
    "\033[?2;1;0S"				/* XTSMGRAPHICS geometry */
    "\033[16t"					/* cell size */
    "\033[14t"					/* text area size */
    "\033[c";					/* DA1 */

size_t
detect_queries(const struct detect_env *env, char *buf, size_t bufsz,
    int *sentinels)
{
	struct rbuf b = { 0 };
	size_t n = 0;
	int how = RENDER_PASS_NONE;

	if (set(env->tmux))
		how = RENDER_PASS_TMUX;
	else if (set(env->sty))
		how = RENDER_PASS_SCREEN;
	rbuf_wrap(&b, how, (const unsigned char *)batch, sizeof batch - 1,
	    RENDER_SCREEN_CHUNK);
	/*
	 * The multiplexer answers a plain DA1 itself: one reply is sure to
	 * come, and a second one only if passthrough reached the terminal.
	 */
	if (how != RENDER_PASS_NONE)
		rbuf_puts(&b, "\033[c");
	*sentinels = how != RENDER_PASS_NONE ? 2 : 1;
	if (!b.failed && b.len < bufsz) {
		memcpy(buf, b.data, b.len);
		buf[b.len] = '\0';
		n = b.len;
	}
	rbuf_done(&b);
	return n;
}

/* Parse "n;n;n" params of up to max numbers; returns the count. */
static int
params(const unsigned char *p, size_t n, int *v, int max)
{
	int k = 0;
	size_t i;

	if (max <= 0)
		return 0;
	v[0] = 0;
	for (i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (v[k] < 100000)
				v[k] = v[k] * 10 + (p[i] - '0');
		} else if (p[i] == ';') {
			if (k + 1 >= max)
				break;
			v[++k] = 0;
		}
	}
	return k + 1;
}

static void
csi_reply(struct detect_result *r, const unsigned char *p, size_t n,
    unsigned char final, int *da1)
{
	int v[32], k, i;
	bool priv = n > 0 && p[0] == '?';

	k = params(priv ? p + 1 : p, priv ? n - 1 : n, v, 32);
	if (final == 'c' && priv) {
		(*da1)++;
		for (i = 1; i < k; i++)	/* v[0] is the terminal class */
			if (v[i] == 4)
				r->sixel = true;
		return;
	}
	if (final == 'S' && priv && k >= 3 && v[1] == 0) {
		if (v[0] == 1 && v[2] > 0)
			r->color_registers = v[2];
		else if (v[0] == 2 && k >= 4) {
			r->max_w = v[2];
			r->max_h = v[3];
		}
		return;
	}
	if (final == 't' && !priv && k >= 3) {
		if (v[0] == 6) {
			r->cell16_h = v[1];
			r->cell16_w = v[2];
		} else if (v[0] == 4) {
			r->win14_h = v[1];
			r->win14_w = v[2];
		} else if (v[0] == 8 && r->cols == 0) {
			r->rows = v[1];
			r->cols = v[2];
		}
	}
}

static bool
has_id31(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if (memcmp(p + i, "i=31", 4) == 0 &&
		    (i + 4 == n || p[i + 4] == ',' || p[i + 4] == ';'))
			return true;
	return false;
}

/* A DCS or APC string body (between ESC P / ESC _ and ST). */
static void
string_reply(struct detect_result *r, unsigned char intro,
    const unsigned char *p, size_t n)
{
	size_t i, k = 0;

	if (intro == 'P' && n >= 2 && p[0] == '>' && p[1] == '|') {
		for (i = 2; i < n && k + 1 < sizeof r->term_name; i++)
			if (p[i] >= 0x20 && p[i] < 0x7f)
				r->term_name[k++] = (char)p[i];
		r->term_name[k] = '\0';
		return;
	}
	if (intro == '_' && n >= 1 && p[0] == 'G') {
		const unsigned char *semi = memchr(p, ';', n);

		if (semi != NULL && (size_t)(p + n - semi) >= 3 &&
		    memcmp(semi + 1, "OK", 2) == 0 &&
		    has_id31(p, (size_t)(semi - p)))
			r->kitty = true;
	}
}

int
detect_parse(const unsigned char *buf, size_t len, struct detect_result *r)
{
	size_t i = 0;
	int da1 = 0;

	while (i < len) {
		size_t s;

		if (buf[i] != 0x1b || i + 1 >= len) {
			i++;
			continue;
		}
		if (buf[i + 1] == '[') {
			s = i + 2;
			i = s;
			while (i < len && buf[i] >= 0x20 && buf[i] < 0x40)
				i++;
			if (i < len && buf[i] >= 0x40 && buf[i] <= 0x7e) {
				csi_reply(r, buf + s, i - s, buf[i], &da1);
				i++;
			}
			continue;
		}
		if (buf[i + 1] == 'P' || buf[i + 1] == '_') {
			unsigned char intro = buf[i + 1];
			size_t e;

			s = i + 2;
			for (e = s; e + 1 < len; e++)
				if (buf[e] == 0x1b && buf[e + 1] == '\\')
					break;
			if (e + 1 >= len)
				break;	/* unterminated: wait for more */
			string_reply(r, intro, buf + s, e - s);
			i = e + 2;
			continue;
		}
		i++;
	}
	r->answered = r->answered || len > 0;
	return da1;
}

int
detect_raw_enter(int fd, struct termios *saved)
{
	struct termios t;

	if (tcgetattr(fd, saved) != 0)
		return -1;
	t = *saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN);
	t.c_iflag &= ~(tcflag_t)(IXON | ICRNL | INLCR | IGNCR);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSANOW, &t);
}

int
detect_raw_leave(int fd, const struct termios *saved)
{
	return tcsetattr(fd, TCSANOW, saved);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read replies until `want` DA1 replies or the deadline; returns bytes. */
static size_t
exchange(int fd, const char *q, size_t qlen, int want, int timeout_ms,
    unsigned char *buf, size_t bufsz, int *da1, struct detect_result *r)
{
	long deadline = now_ms() + timeout_ms;
	size_t len = 0;

	*da1 = 0;
	if (write_all(fd, q, qlen) != 0)
		return 0;
	while (len < bufsz) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		struct detect_result tmp;
		ssize_t n;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) <= 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n = read(fd, buf + len, bufsz - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		tmp = *r;
		if ((*da1 = detect_parse(buf, len, &tmp)) >= want)
			break;
	}
	return len;
}

static void cell_from(struct detect_result *r);

static void
decide(struct detect_result *r, const struct detect_env *env)
{
	int m = detect_mode_parse(env->graphics);

	cell_from(r);
	r->depth = blocks_depth_from_env(env->colorterm, env->term);
	if (m >= 0) {
		r->mode = (enum render_mode)m;
		r->forced = true;
	} else if (r->kitty)
		r->mode = RENDER_MODE_KITTY;
	else if (r->sixel)
		r->mode = RENDER_MODE_SIXEL;
	else
		r->mode = RENDER_MODE_BLOCKS;
	if (set(env->graphics) && m < 0)
		snprintf(r->note, sizeof r->note, "R8PLAY_GRAPHICS: unknown "
		    "mode (use sixel, kitty, blocks or none)");
	else if ((r->in_tmux || r->in_screen) && !r->passthrough_ok &&
	    r->note[0] == '\0')
		snprintf(r->note, sizeof r->note, r->in_tmux ?
		    "tmux passthrough is off (set -g allow-passthrough on): "
		    "images as blocks" : "screen passthrough got no answer: "
		    "images as blocks");
}

static void
cell_from(struct detect_result *r)
{
	struct fit_geom g = {
		.cols = r->cols, .rows = r->rows,
		.xpixel = r->xpixel, .ypixel = r->ypixel,
		.cell16_w = r->cell16_w, .cell16_h = r->cell16_h,
		.win14_w = r->win14_w, .win14_h = r->win14_h,
	};

	fit_cell_size(&g, &r->cell_w, &r->cell_h);
}

int
detect_winsize(int fd, struct detect_result *r)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) != 0)
		return -1;
	/* the 14 t text area was for the old size: drop it */
	if (ws.ws_col != r->cols || ws.ws_row != r->rows)
		r->win14_w = r->win14_h = 0;
	r->cols = ws.ws_col;
	r->rows = ws.ws_row;
	r->xpixel = ws.ws_xpixel;
	r->ypixel = ws.ws_ypixel;
	cell_from(r);
	return 0;
}

int
detect_run(int fd, const struct detect_env *env, int timeout_ms,
    struct detect_result *out, char *err, size_t errsz)
{
	static const struct detect_env none = { 0 };
	unsigned char buf[DETECT_MAX_REPLY];
	char q[1024];
	struct termios saved;
	struct winsize ws;
	size_t qlen, len;
	int want, da1 = 0, m, rc = 0;

	memset(out, 0, sizeof *out);
	if (env == NULL)
		env = &none;
	if (timeout_ms <= 0)
		timeout_ms = DETECT_TIMEOUT_MS;
	out->in_tmux = set(env->tmux);
	out->in_screen = !out->in_tmux && set(env->sty);
	if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0) {
		out->cols = ws.ws_col;
		out->rows = ws.ws_row;
		out->xpixel = ws.ws_xpixel;
		out->ypixel = ws.ws_ypixel;
	}
	m = detect_mode_parse(env->graphics);
	if (m == RENDER_MODE_BLOCKS || m == RENDER_MODE_NONE)
		goto out;	/* nothing to ask */
	if (fd < 0 || !isatty(fd)) {
		snprintf(err, errsz, "detect: not a terminal");
		rc = -1;
		goto out;
	}
	if (detect_raw_enter(fd, &saved) != 0) {
		snprintf(err, errsz, "detect: cannot set raw mode: %s",
		    strerror(errno));
		rc = -1;
		goto out;
	}
	qlen = detect_queries(env, q, sizeof q, &want);
	len = exchange(fd, q, qlen, want, timeout_ms, buf, sizeof buf, &da1,
	    out);
	if (da1 < want)		/* late replies must not reach ncurses */
		tcflush(fd, TCIFLUSH);
	detect_raw_leave(fd, &saved);
	detect_parse(buf, len, out);
	if (out->in_tmux || out->in_screen) {
		/* the multiplexer answers one DA1; more came from outside */
		out->passthrough_ok = da1 >= 2 || out->term_name[0] != '\0' ||
		    out->color_registers > 0 || out->cell16_w > 0 ||
		    out->kitty;
		out->passthrough = out->passthrough_ok ? (out->in_tmux ?
		    RENDER_PASS_TMUX : RENDER_PASS_SCREEN) : RENDER_PASS_NONE;
		if (!out->passthrough_ok)
			out->kitty = false;
		/* without passthrough, sixel works only if tmux draws it */
	}
out:
	decide(out, env);
	return rc;
}
