/* widgets/paint.c: text, fills, boxes, wrapping and bars on stdscr. */
#include "widgets/paint.h"

#include <string.h>

#include "widgets/tw.h"

static int
put(int y, int x, int cols, const char *s, attr_t a, int pad)
{
	char buf[PAINT_LINE_MAX];
	int w;

	if (cols <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (x + cols > COLS)
		cols = COLS - x;
	w = tw_fit(s, cols, buf, sizeof buf, pad);
	attrset(a);
	mvaddstr(y, x, buf);
	attrset(A_NORMAL);
	return w;
}

int
paint_text(int y, int x, int cols, const char *s, attr_t a)
{
	return put(y, x, cols, s, a, 0);
}

int
paint_text_pad(int y, int x, int cols, const char *s, attr_t a)
{
	return put(y, x, cols, s, a, 1);
}

int
paint_text_right(int y, int x, int cols, const char *s, attr_t a)
{
	int w = tw_width(s);

	if (w >= cols)
		return put(y, x, cols, s, a, 0);
	return put(y, x + cols - w, w, s, a, 0);
}

void
paint_fill(int y, int x, int cols, attr_t a)
{
	put(y, x, cols, "", a, 1);
}

void
paint_clear(int y, int x, int rows, int cols, attr_t a)
{
	int i;

	for (i = 0; i < rows; i++)
		paint_fill(y + i, x, cols, a);
}

void
paint_box(int y, int x, int rows, int cols, attr_t a, const char *title,
    attr_t title_attr)
{
	int i;

	if (rows < 2 || cols < 2)
		return;
	/* wide-character lines: real box drawing in a UTF-8 locale */
	attrset(a);
	mvadd_wch(y, x, WACS_ULCORNER);
	mvhline_set(y, x + 1, WACS_HLINE, cols - 2);
	mvadd_wch(y, x + cols - 1, WACS_URCORNER);
	for (i = 1; i < rows - 1; i++) {
		mvadd_wch(y + i, x, WACS_VLINE);
		mvadd_wch(y + i, x + cols - 1, WACS_VLINE);
	}
	mvadd_wch(y + rows - 1, x, WACS_LLCORNER);
	mvhline_set(y + rows - 1, x + 1, WACS_HLINE, cols - 2);
	mvadd_wch(y + rows - 1, x + cols - 1, WACS_LRCORNER);
	attrset(A_NORMAL);
	if (title != NULL && title[0] != '\0' && cols > 6) {
		char t[PAINT_LINE_MAX];

		tw_fit(title, cols - 6, t, sizeof t, 0);
		mvaddch(y, x + 2, ' ');
		put(y, x + 3, cols - 6, t, title_attr, 0);
		mvaddch(y, x + 3 + tw_width(t), ' ');
	}
}

int
paint_wrap(int y, int x, int cols, int max_rows, const char *s, attr_t a)
{
	char line[PAINT_LINE_MAX];
	size_t len, i = 0, n, lb, best;
	int rows = 0, w, bw;
	uint32_t cp;

	if (s == NULL || cols <= 0 || max_rows <= 0)
		return 0;
	len = strlen(s);
	while (i < len && rows < max_rows) {
		/* take as many code points as fit; remember the last space */
		size_t j = i;

		w = 0;
		best = 0;
		bw = 0;
		lb = i;		/* an empty line ends where it starts */
		while (j < len && (n = tw_decode(s + j, len - j, &cp)) > 0) {
			int cw;

			if (cp == '\n')
				break;
			cw = tw_cp_width(cp);
			if (w + cw > cols)
				break;
			w += cw;
			j += n;
			if (cp == ' ') {
				best = j;
				bw = w;
			}
			lb = j;
		}
		if (j < len && s[j] != '\n' && best > i && bw > 0)
			lb = best;
		else if (lb == i && j < len && s[j] != '\n') {
			/* a single code point wider than cols */
			lb = i + tw_decode(s + i, len - i, &cp);
		}
		if (rows == max_rows - 1 && lb < len && !(s[lb] == '\n' &&
		    lb + 1 >= len)) {
			/* last row: cut with an ellipsis */
			size_t k = len - i < sizeof line - 1 ? len - i :
			    sizeof line - 1;

			memcpy(line, s + i, k);
			line[k] = '\0';
			for (n = 0; n < k; n++)
				if (line[n] == '\n')
					line[n] = ' ';
			if (y >= 0)
				put(y + rows, x, cols, line, a, 0);
			rows++;
			break;
		}
		n = lb - i < sizeof line - 1 ? lb - i : sizeof line - 1;
		memcpy(line, s + i, n);
		line[n] = '\0';
		if (y >= 0)
			put(y + rows, x, cols, line, a, 0);
		rows++;
		i = lb;
		while (i < len && s[i] == ' ')
			i++;
		if (i < len && s[i] == '\n')
			i++;
	}
	return rows;
}

void
paint_bar(int y, int x, int cols, double frac, attr_t a)
{
	static const char *const part[8] = { "", "\u258f", "\u258e", "\u258d",
		"\u258c", "\u258b", "\u258a", "\u2589" };
	char buf[PAINT_LINE_MAX];
	size_t o = 0;
	int eighths, full, i;

	if (cols <= 0)
		return;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	eighths = (int)(frac * cols * 8 + 0.5);
	full = eighths / 8;
	for (i = 0; i < full && o + 4 < sizeof buf; i++) {
		memcpy(buf + o, "\u2588", 3);
		o += 3;
	}
	if (full < cols && eighths % 8 && o + 4 < sizeof buf) {
		memcpy(buf + o, part[eighths % 8], 3);
		o += 3;
		full++;
	}
	for (i = full; i < cols && o + 1 < sizeof buf; i++)
		buf[o++] = ' ';
	buf[o] = '\0';
	put(y, x, cols, buf, a, 1);
}
