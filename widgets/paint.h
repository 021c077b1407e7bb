/*
 * widgets/paint.h: drawing primitives on stdscr. Every string goes through
 * tw_fit() (sanitised, cut to the cells given) so nothing from the network
 * reaches the terminal raw and nothing overruns its box.
 */
#ifndef PG_WIDGETS_PAINT_H
#define PG_WIDGETS_PAINT_H

#include <curses.h>

/* Longest line painted at once, in bytes after fitting. */
#define PAINT_LINE_MAX	4096

/* Text at (y,x) cut to cols cells; returns cells drawn. */
int paint_text(int y, int x, int cols, const char *s, attr_t a);
/* Same, padded with spaces (in a) to exactly cols cells. */
int paint_text_pad(int y, int x, int cols, const char *s, attr_t a);
/* Right-aligned in cols cells. */
int paint_text_right(int y, int x, int cols, const char *s, attr_t a);
/* cols blank cells in attribute a. */
void paint_fill(int y, int x, int cols, attr_t a);
/* A rectangle of blanks. */
void paint_clear(int y, int x, int rows, int cols, attr_t a);
/* A box outline with ACS lines, optional title on the top edge. */
void paint_box(int y, int x, int rows, int cols, attr_t a, const char *title,
    attr_t title_attr);

/*
 * Word-wrap s into at most max_rows lines of cols cells starting at (y,x);
 * the last line ends with "…" when text remains. Newlines break lines.
 * Returns the rows used. With y < 0 nothing is drawn (measure only).
 */
int paint_wrap(int y, int x, int cols, int max_rows, const char *s, attr_t a);

/* A bar of cols cells filled to frac (0..1) with block characters. */
void paint_bar(int y, int x, int cols, double frac, attr_t a);

#endif
