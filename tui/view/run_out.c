/*
 * tui/view/run_out.c: the run view's output pane: the run's output in its
 * complete labelled text form (record_text: objects labelled and
 * recursive, one string a line), wrapped by display width and scrolled
 * (never cut with "..."), the image outputs one at a time ("image 2/4",
 * n/p), and the output opened with $OPENER / xdg-open.
 */
#include "tui/app.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/view/look.h"
#include "tui/view/run_out.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

/*
 * Wrap text into rows of at most cols cells (a line breaks at its last
 * space that fits, else mid-word; newlines break lines; CR is dropped)
 * and paint rows [top, top + h) at (y, x); y < 0 only counts. A line
 * that starts indented (a nested field of an object) continues two cells
 * further in, so a wrapped value stays under its label. Returns the
 * number of rows the whole text takes.
 */
int
run_out_wrap(int y, int x, int cols, int h, int top, const char *text,
    attr_t a, bool nowrap)
{
	size_t len, i = 0;
	int rows = 0, hang = 0, cw0 = cols, x0 = x;
	bool line_start = true;

	if (text == NULL || cols <= 0)
		return 0;
	len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		len--;
	while (i < len) {
		size_t j = i, lb = i, best = 0, n;
		uint32_t cp;
		int w = 0;

		if (line_start) {
			for (n = i; n < len && text[n] == ' '; n++)
				;
			hang = n > i && !nowrap ? (int)(n - i) + 2 : 0;
			if (hang > cw0 / 2)
				hang = cw0 / 2;
			cols = cw0;
			x = x0;
		} else {
			cols = cw0 - hang;
			x = x0 + hang;
		}

		while (j < len && (n = tw_decode(text + j, len - j, &cp)) > 0) {
			int cw;

			if (cp == '\n')
				break;
			cw = cp == '\r' ? 0 : tw_cp_width(cp);
			if (cw < 0)
				cw = 1;
			if (w + cw > cols && !nowrap)
				break;
			w += cw;
			j += n;
			if (cp == ' ')
				best = j;
			lb = j;
		}
		if (nowrap)
			;	/* one row a line, cut by paint_text */
		else if (j < len && text[j] != '\n' && best > i)
			lb = best;
		else if (lb == i && j < len && text[j] != '\n') {
			/* a code point wider than cols */
			n = tw_decode(text + i, len - i, &cp);
			lb = i + (n > 0 ? n : 1);
		}
		if (y >= 0 && rows >= top && rows < top + h) {
			char line[PAINT_LINE_MAX];
			size_t k = lb - i, o = 0, m;

			for (m = 0; m < k && o < sizeof line - 1; m++)
				if (text[i + m] != '\r' && text[i + m] != '\n')
					line[o++] = text[i + m];
			line[o] = '\0';
			paint_text(y + rows - top, x, cols, line, a);
		}
		rows++;
		i = lb;
		line_start = i >= len || text[i] == '\n';
		if (i < len && text[i] == '\n')
			i++;
	}
	return rows;
}

/*
 * Cells across a picture of img's shape takes h rows high, with the cell
 * shape (cell_w x cell_h pixels; a half block is half a cell high).
 */
static int
img_cols_at(const struct app *app, const struct image *img, int h)
{
	long long cw = app->cell_w > 0 ? app->cell_w : 10;
	long long ch = app->cell_h > 0 ? app->cell_h : 20;

	if (img->w <= 0 || img->h <= 0 || h <= 0)
		return h > 0 ? (int)(h * ch / cw) : 0;
	return (int)((long long)h * ch * img->w / ((long long)img->h * cw));
}

int
run_out_draw(const struct app *app, const struct run *r, int row,
    int bottom, struct frame *fr, int *side_col)
{
	const struct run_view *rv = &app->runv;
	char t[1024];
	int text_rows, h, top, w = app->cols - 4;

	*side_col = 0;
	if (r->save_error[0] != '\0' && row < bottom)
		row += paint_wrap(row, 1, app->cols - 2, 2, r->save_error,
		    ATTR(ERROR));
	if (r->img_error[0] != '\0' && row < bottom)
		paint_text(row++, 1, app->cols - 2, r->img_error, ATTR(ERROR));
	if (r->out_text == NULL || r->out_text[0] == '\0' || row >= bottom)
		goto image;
	if (r->out_files)
		w = app->cols - 3;
	text_rows = run_out_wrap(-1, 2, w, 0, 0, r->out_text, 0,
	    r->out_files);
	if (r->out_files)
		snprintf(t, sizeof t, "saved %zu file%s in %s",
		    r->nsaved, r->nsaved == 1 ? "" : "s",
		    or_empty(r->saved_dir));
	else if (r->nsaved > 0)
		snprintf(t, sizeof t, "output \xc2\xb7 %zu file%s in %s",
		    r->nsaved, r->nsaved == 1 ? "" : "s",
		    or_empty(r->saved_dir));
	else
		snprintf(t, sizeof t, "output");
	h = bottom - row - 1;
	if ((r->img != NULL || (!rv->full && r->have_pred &&
	    r->pred.logs != NULL)) && h > 6)
		h = h / 2 > 3 ? h / 2 : 3;	/* room for the image, logs */
	if (h > text_rows)
		h = text_rows;
	/* the end (G) shows a full pane, not its last row alone */
	top = r->out_top;
	if (top > text_rows - h)
		top = text_rows - h > 0 ? text_rows - h : 0;
	fr->out_run = (int)(r - app->runs);
	fr->out_top_max = text_rows - h > 0 ? text_rows - h : 0;
	if (text_rows > h && h > 0) {
		char more[96];

		snprintf(more, sizeof more, " (%d-%d of %d rows \xc2\xb7 "
		    "j/k%s)", top + 1, top + h, text_rows,
		    rv->full ? "" : ", f full screen");
		xsnprintf(t + strlen(t), sizeof t - strlen(t), "%s", more);
	}
	paint_text(row++, 1, app->cols - 2, t, rv->logs_focus ? ATTR(DIM) :
	    ATTR(HEADER));
	run_out_wrap(row, 2, w, h, top, r->out_text, r->out_files ?
	    ATTR(LINK) : ATTR(FIELD), r->out_files);
	row += h;
image:
	if (r->img != NULL && bottom - row >= 4) {
		int ih, iw, img_top;

		if (r->nimgs > 1) {
			snprintf(t, sizeof t, "image %zu/%zu \xc2\xb7 n/p",
			    r->img_idx + 1, r->nimgs);
			paint_text(row++, 1, app->cols - 2, t, ATTR(HEADER));
		}
		/* full screen or with the logs beside it: every row left */
		ih = bottom - row - 1;
		iw = img_cols_at(app, r->img, ih);
		img_top = row;
		if (rv->full) {
			ih = bottom - row - 2;
			iw = img_cols_at(app, r->img, ih);
		} else if (iw <= app->cols - 4 - RUN_OUT_SIDE_MIN - 2)
			*side_col = 2 + iw + 2;
		else {
			/* too wide for the logs beside it: the logs below */
			ih = (bottom - row) * 2 / 3;
			iw = img_cols_at(app, r->img, ih);
		}
		if (iw > app->cols - 4)
			iw = app->cols - 4;
		if (ih > 0 && iw > 0) {
			fr->image.img = r->img;
			fr->image.key = r->img;
			fr->image.row = row;
			fr->image.col = 2;
			fr->image.rows = ih;
			fr->image.cols = iw;
			row += ih + 1;
		}
		if (*side_col > 0)
			row = img_top;
	}
	return row;
}

void
run_out_layout(struct app *app, struct run *r)
{
	int rows;

	if (r->out_text == NULL) {
		r->out_top = 0;
		return;
	}
	rows = run_out_wrap(-1, 0, app->cols - 4, 0, 0, r->out_text, 0,
	    r->out_files);
	if (r->out_top > rows - 1)
		r->out_top = rows > 0 ? rows - 1 : 0;
	if (r->out_top < 0)
		r->out_top = 0;
}

/* The saved file to open or copy: the image shown, else the first. */
static const char *
shown_path(const struct run *r)
{
	size_t i, k = 0;
	static const char *const ext[] = { ".png", ".jpg", ".jpeg", ".webp",
		".gif", ".bmp" };

	for (i = 0; i < r->nsaved; i++) {
		size_t n = strlen(r->saved[i]), e;
		bool img = false;

		for (e = 0; e < sizeof ext / sizeof ext[0]; e++)
			if (n > strlen(ext[e]) && strcasecmp(r->saved[i] + n -
			    strlen(ext[e]), ext[e]) == 0)
				img = true;
		if (img && k++ == r->img_idx)
			return r->saved[i];
	}
	return r->nsaved > 0 ? r->saved[0] : NULL;
}

void
run_out_open(struct app *app, const struct run *r)
{
	const char *path = shown_path(r), *opener;
	char text_path[1400];
	pid_t pid;

	if (path == NULL && r->saved_dir != NULL) {
		/* a text output: its output.txt */
		xsnprintf(text_path, sizeof text_path, "%s/output.txt",
		    r->saved_dir);
		if (access(text_path, R_OK) == 0)
			path = text_path;
	}
	if (path == NULL) {
		app_msg(app, "run #%u has no saved output to open", r->seq);
		return;
	}
	app_copy(app, path);
	if (getenv("DISPLAY") == NULL && getenv("WAYLAND_DISPLAY") == NULL) {
		app_msg(app, "no display to open it on: path copied (%s)",
		    path);
		return;
	}
	opener = getenv("OPENER");
	if (opener == NULL || opener[0] == '\0')
		opener = "xdg-open";
	pid = fork();
	if (pid == 0) {
		/* detached from the terminal (the viewer is on the display)
		 * and reparented at once: nothing here waits for it */
		int fd;

		if (fork() != 0)
			_exit(0);
		setsid();
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp(opener, opener, path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (pid < 0)
		app_error(app, "%s: cannot start it", opener);
	else
		app_msg(app, "opened with %s (path copied): %s", opener, path);
}
