/*
 * widgets/style.h: theme roles -> ncurses attributes. Degrades step by
 * step: direct colour (a terminfo with 2^24 colours such as xterm-direct,
 * or more than 256 with COLORTERM=truecolor|24bit) -> 256 colours -> 8
 * colours -> monochrome with attributes; NO_COLOR (any non-empty value)
 * forces monochrome. The terminal's palette is never redefined. Call
 * after initscr()/newterm().
 */
#ifndef PG_WIDGETS_STYLE_H
#define PG_WIDGETS_STYLE_H

#include <curses.h>

#include "themes/theme.h"

enum style_depth { STYLE_MONO, STYLE_8, STYLE_256, STYLE_TRUE };

/* What the terminal and environment allow (reads NO_COLOR, COLORTERM). */
enum style_depth style_detect(void);

/*
 * Set up colour pairs for th at depth (clamped to what the terminal has).
 * The theme is copied. Returns the depth in use.
 */
enum style_depth style_init(const struct theme *th, enum style_depth depth);

/* Attributes (colour pair included) for a role. */
attr_t style_attr(enum theme_role role);

/* The depth in use and its name ("256", "mono"). */
enum style_depth style_depth(void);
const char *style_depth_name(enum style_depth d);

/* Pure colour arithmetic (tested): nearest xterm-256 index, nearest of
 * the 8 ANSI colours, for 0xRRGGBB; an index >= 8 mapped into 0-7. */
int style_rgb_to_256(unsigned rgb);
int style_rgb_to_8(unsigned rgb);
int style_index_to_8(int idx);

#endif
