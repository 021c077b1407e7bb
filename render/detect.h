/*
 * render/detect.h: what the terminal can draw, asked before ncurses takes
 * it. One batch of queries (XTVERSION, the kitty query, XTSMGRAPHICS for
 * colour registers and maximum geometry, CSI 16 t, CSI 14 t) ends with DA1
 * as the sentinel: terminals answer in order, so DA1's reply means every
 * answer that will come has come; a silent terminal costs the timeout.
 * Inside tmux ($TMUX) or GNU screen ($STY) the batch is wrapped in
 * passthrough. R8PLAY_GRAPHICS=sixel|kitty|blocks|none overrides the mode.
 */
#ifndef PG_RENDER_DETECT_H
#define PG_RENDER_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "render/blocks.h"

#define DETECT_TIMEOUT_MS	100
#define DETECT_MAX_REPLY	4096

#define RENDER_MODE_LIST(X)			\
	X(NONE,		"none")			\
	X(BLOCKS,	"blocks")		\
	X(SIXEL,	"sixel")		\
	X(KITTY,	"kitty")

enum render_mode {
#define X(id, name) RENDER_MODE_##id,
	RENDER_MODE_LIST(X)
#undef X
};

/* How output is wrapped for a multiplexer between us and the terminal. */
enum render_passthrough {
	RENDER_PASS_NONE,
	RENDER_PASS_TMUX,	/* ESC P tmux; <ESC doubled> ESC \ */
	RENDER_PASS_SCREEN	/* GNU screen: DCS chunks, split at ST */
};

/* The environment detection reads; any field may be NULL. Borrowed. */
struct detect_env {
	const char *tmux;	/* $TMUX */
	const char *sty;	/* $STY (GNU screen) */
	const char *term;	/* $TERM */
	const char *colorterm;	/* $COLORTERM */
	const char *graphics;	/* $R8PLAY_GRAPHICS */
};

struct detect_result {
	enum render_mode	mode;		/* what to draw with */
	bool			forced;		/* R8PLAY_GRAPHICS decided */
	bool			answered;	/* the terminal replied at all */
	bool			sixel;		/* DA1 attribute 4 */
	bool			kitty;		/* kitty query answered OK */
	int			cols, rows;	/* grid (TIOCGWINSZ / 18 t) */
	int			xpixel, ypixel;	/* TIOCGWINSZ pixels */
	int			cell_w, cell_h;	/* chosen cell size */
	int			cell16_w, cell16_h; /* CSI 16 t reply */
	int			win14_w, win14_h; /* CSI 14 t reply */
	int			color_registers; /* XTSMGRAPHICS, 0 unknown */
	int			max_w, max_h;	/* XTSMGRAPHICS geometry */
	bool			in_tmux, in_screen;
	bool			passthrough_ok;	/* outer terminal answered */
	enum render_passthrough	passthrough;	/* wrap output this way */
	enum blocks_depth	depth;		/* colours for blocks */
	char			term_name[64];	/* XTVERSION, sanitised */
	char			note[160];	/* for the status line, or "" */
};

/* Fill env from the process environment (getenv). */
void detect_env_load(struct detect_env *env);

/*
 * Query the terminal on fd (a tty opened read/write; the caller's termios
 * is saved, the line put in raw mode for the exchange and restored) and
 * decide the mode. timeout_ms <= 0 means DETECT_TIMEOUT_MS. Not a tty: no
 * queries, mode from R8PLAY_GRAPHICS or blocks. Always fills *out; returns
 * 0, or -1 with err filled when fd cannot be used (then out says blocks).
 */
int detect_run(int fd, const struct detect_env *env, int timeout_ms,
    struct detect_result *out, char *err, size_t errsz);

/*
 * After a resize (SIGWINCH), with ncurses running: no queries, just
 * TIOCGWINSZ on fd; updates r's grid and pixel sizes and recomputes
 * cell_w/cell_h from them and the replies kept in r. 0, or -1 if the ioctl
 * fails (r unchanged).
 */
int detect_winsize(int fd, struct detect_result *r);

/*
 * The query batch for env (wrapped for tmux/screen as needed) into buf;
 * returns its length (0 if bufsz is too small). *sentinels: how many DA1
 * replies end the exchange.
 */
size_t detect_queries(const struct detect_env *env, char *buf, size_t bufsz,
    int *sentinels);

/*
 * Parse terminal replies (as read, any order, garbage skipped) into r's
 * reply fields; returns the number of DA1 replies seen.
 */
int detect_parse(const unsigned char *buf, size_t len,
    struct detect_result *r);

/* Raw mode for the exchange: save *saved and set raw; restore it. 0/-1. */
int detect_raw_enter(int fd, struct termios *saved);
int detect_raw_leave(int fd, const struct termios *saved);

/* "sixel" -> RENDER_MODE_SIXEL etc.; -1 for anything else (or NULL). */
int detect_mode_parse(const char *s);
const char *detect_mode_name(enum render_mode m);

#endif
