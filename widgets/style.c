/* widgets/style.c: colour pairs for theme roles, with graceful degrading. */
#include "widgets/style.h"

#include <stdlib.h>
#include <string.h>

/* The only mutable state in widgets/: the attributes chosen at start-up. */
static attr_t role_attr[THEME__COUNT];
static enum style_depth cur_depth;

static const unsigned char cube[6] = { 0, 95, 135, 175, 215, 255 };

/* RGB of an xterm-256 index (for nearest-colour searches). */
static unsigned
index_rgb(int i)
{
	static const unsigned ansi[16] = { 0x000000, 0x800000, 0x008000,
		0x808000, 0x000080, 0x800080, 0x008080, 0xc0c0c0, 0x808080,
		0xff0000, 0x00ff00, 0xffff00, 0x0000ff, 0xff00ff, 0x00ffff,
		0xffffff };
	unsigned g;

	if (i < 16)
		return ansi[i];
	if (i < 232) {
		i -= 16;
		return (unsigned)cube[i / 36] << 16 |
		    (unsigned)cube[(i / 6) % 6] << 8 | cube[i % 6];
	}
	g = (unsigned)(8 + (i - 232) * 10);
	return g << 16 | g << 8 | g;
}

static long
dist(unsigned a, unsigned b)
{
	long dr = (long)(a >> 16 & 255) - (long)(b >> 16 & 255);
	long dg = (long)(a >> 8 & 255) - (long)(b >> 8 & 255);
	long db = (long)(a & 255) - (long)(b & 255);

	return 2 * dr * dr + 4 * dg * dg + 3 * db * db;
}

int
style_rgb_to_256(unsigned rgb)
{
	int i, best = 16;
	long d, bd = -1;

	for (i = 16; i < 256; i++) {
		d = dist(rgb, index_rgb(i));
		if (bd < 0 || d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

int
style_rgb_to_8(unsigned rgb)
{
	/* the 8 colours at full intensity, which is how most terminals
	 * draw them; grey levels go to black or white */
	static const unsigned eight[8] = { 0x000000, 0xcd0000, 0x00cd00,
		0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5 };
	int i, best = 0;
	long d, bd = -1;

	for (i = 0; i < 8; i++) {
		d = dist(rgb, eight[i]);
		if (bd < 0 || d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

int
style_index_to_8(int idx)
{
	if (idx < 8)
		return idx;
	if (idx < 16)
		return idx - 8;
	return style_rgb_to_8(index_rgb(idx));
}

enum style_depth
style_detect(void)
{
	const char *nc = getenv("NO_COLOR"), *ct = getenv("COLORTERM");
	/* COLORS is only set by start_color(): ask terminfo */
	int colors = tigetnum("colors");

	if (nc != NULL && nc[0] != '\0')
		return STYLE_MONO;
	if (!has_colors() || colors < 0)
		return STYLE_MONO;
	/* direct colour (xterm-direct and the like): RGB values are colour
	 * numbers; the 256 palette is never redefined */
	if (colors >= 0x1000000 || (colors > 256 && ct != NULL &&
	    (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0)))
		return STYLE_TRUE;
	if (colors >= 256)
		return STYLE_256;
	if (colors >= 8)
		return STYLE_8;
	return STYLE_MONO;
}

static attr_t
curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & THEME_ATTR_BOLD)
		r |= A_BOLD;
	if (a & THEME_ATTR_DIM)
		r |= A_DIM;
	if (a & THEME_ATTR_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_ATTR_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_ATTR_ITALIC)
		r |= A_ITALIC;
	if (a & THEME_ATTR_BLINK)
		r |= A_BLINK;
	return r;
}

/* Roles that need an attribute to be seen at all when colour is gone. */
static unsigned
mono_fallback(enum theme_role r)
{
	switch (r) {
	case THEME_SELECTED:
	case THEME_FIELD_FOCUS:
	case THEME_TAB_ACTIVE:
	case THEME_STATUS:
		return THEME_ATTR_REVERSE;
	case THEME_TITLE:
	case THEME_KEY:
	case THEME_ERROR:
	case THEME_HEADER:
		return THEME_ATTR_BOLD;
	case THEME_DIM:
	case THEME_BORDER:
		return THEME_ATTR_DIM;
	default:
		return 0;
	}
}

/* Map one theme colour to a curses colour number at depth; -1 default. */
static int
map_color(struct theme_color c, enum style_depth d)
{
	int i;

	switch (c.kind) {
	case THEME_COLOR_DEFAULT:
		return -1;
	case THEME_COLOR_INDEX:
		i = (int)c.value;
		if (d == STYLE_8)
			i = style_index_to_8(i);
		return i;
	case THEME_COLOR_RGB:
		if (d == STYLE_TRUE)
			return (int)(c.value & 0xffffff);
		if (d == STYLE_8)
			return style_rgb_to_8(c.value);
		return style_rgb_to_256(c.value);
	}
	return -1;
}

enum style_depth
style_init(const struct theme *th, enum style_depth depth)
{
	enum style_depth have = style_detect();
	unsigned a;
	int r;

	if (depth > have)
		depth = have;
	if (depth != STYLE_MONO) {
		start_color();
		use_default_colors();
	}
	cur_depth = depth;
	for (r = 0; r < THEME__COUNT; r++) {
		const struct theme_style *s = &th->role[r];
		bool colour = s->fg.kind != THEME_COLOR_DEFAULT ||
		    s->bg.kind != THEME_COLOR_DEFAULT;

		a = s->attrs;
		if (depth == STYLE_MONO) {
			if (colour || a == 0)
				a |= mono_fallback((enum theme_role)r);
			role_attr[r] = curses_attrs(a);
			continue;
		}
		role_attr[r] = curses_attrs(a);
		if (colour && r + 1 < COLOR_PAIRS) {
			int fg = map_color(s->fg, depth);
			int bg = map_color(s->bg, depth);

			init_extended_pair(r + 1, fg, bg);
			role_attr[r] |= COLOR_PAIR(r + 1);
		}
	}
	return depth;
}

attr_t
style_attr(enum theme_role role)
{
	return (unsigned)role < THEME__COUNT ? role_attr[role] : A_NORMAL;
}

enum style_depth
style_depth(void)
{
	return cur_depth;
}

const char *
style_depth_name(enum style_depth d)
{
	static const char *const n[] = { "mono", "8", "256", "truecolor" };

	return (unsigned)d < 4 ? n[d] : "?";
}
