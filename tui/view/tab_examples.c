/*
 * tui/view/tab_examples.c: the model page's Examples tab: the model's
 * example predictions (or its default example), the selected one's input
 * and outputs, and loading an example's input into the form.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/fetch.h"
#include "tui/view/look.h"
#include "widgets/paint.h"

#define EXAMPLE_IMG_MAX_BYTES	(8u << 20)

/* Examples listed: the listing's, else the default example (1) or 0. */
static size_t
examples_count(const struct app *app)
{
	const struct mpage *mp = &app->mp;

	if (mp->examples != NULL && mp->examples->n > 0)
		return mp->examples->n;
	return mp->model != NULL && mp->model->default_example != NULL ? 1 : 0;
}

void
tab_examples_load(struct app *app)
{
	struct mpage *mp = &app->mp;
	const struct prediction *p = model_example_at(app, mp->ex_sel);
	char err[APP_MSG_MAX];
	int n;

	if (p == NULL || p->input_json == NULL || mp->form == NULL) {
		app_error(app, "no example to load");
		return;
	}
	form_reset(mp->form);
	n = form_load_example(mp->form, p->input_json, strlen(p->input_json),
	    err, sizeof err);
	if (n < 0) {
		app_error(app, "example: %s", err);
		return;
	}
	form_validate(mp->form);
	mp->tab = MTAB_PLAY;
	mp->focus = 0;
	if (err[0] != '\0' && n >= 0)
		app_msg(app, "example loaded: %d inputs set (%s)", n, err);
	else
		app_msg(app, "example loaded: %d inputs set", n);
	app->dirty |= DIRTY_ALL;
}

/* The example's first output when it is a URL (what a run's image would
 * be), else NULL. */
static const char *
image_url(const struct prediction *p)
{
	const char *v;

	if (p == NULL || p->n_outputs == 0 || p->outputs[0].value == NULL)
		return NULL;
	v = p->outputs[0].value;
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
		return NULL;
	return v;
}

/* Fetch the selected example's output image unless it is the one held
 * or coming. */
static void
image_want(struct app *app)
{
	struct mpage *mp = &app->mp;
	const char *url = image_url(model_example_at(app, mp->ex_sel));
	char err[CLIENT_ERR_MAX];

	if (url == NULL || strcmp(url, mp->ex_img_url) == 0)
		return;
	if (mp->req_ex_img != 0)
		client_cancel(app->client, mp->req_ex_img);
	image_free(mp->ex_img);
	mp->ex_img = NULL;
	mp->ex_img_error[0] = '\0';
	xsnprintf(mp->ex_img_url, sizeof mp->ex_img_url, "%s", url);
	mp->req_ex_img = client_fetch(app->client, url, EXAMPLE_IMG_MAX_BYTES,
	    err, sizeof err);
	if (mp->req_ex_img == 0)
		xsnprintf(mp->ex_img_error, sizeof mp->ex_img_error,
		    "image: %s", err);
}

bool
tab_examples_busy(const struct app *app)
{
	const struct mpage *mp = &app->mp;
	const char *url;

	if (!mp->active || mp->tab != MTAB_EXAMPLES)
		return false;
	url = image_url(model_example_at(app, mp->ex_sel));
	return url != NULL && strcmp(url, mp->ex_img_url) != 0;
}

bool
tab_examples_event(struct app *app, struct client_event *ev)
{
	struct mpage *mp = &app->mp;

	if (ev->id == 0 || ev->id != mp->req_ex_img)
		return false;
	mp->req_ex_img = 0;
	if (ev->kind == CLIENT_EV_ERROR)
		client_emit_error(mp->ex_img_error, sizeof mp->ex_img_error,
		    ev->rc, ev->err, "image");
	else if (ev->body != NULL) {
		image_free(mp->ex_img);
		mp->ex_img = image_decode((const unsigned char *)ev->body,
		    ev->body_len, IMAGE_DEFAULT_BG, mp->ex_img_error,
		    sizeof mp->ex_img_error);
	}
	app->dirty |= DIRTY_FORM | DIRTY_IMAGE;
	return true;
}

/* ---- drawing */

/*
 * A JSON object's top-level members as "key: value" lines (strings shown
 * unquoted) into a new string; anything else is returned as is. The text
 * is still sanitised when painted.
 */
static char *
json_lines(const char *j)
{
	size_t n = strlen(j), o = 0, i = 0;
	char *out = xcalloc(1, n * 2 + 8);
	int depth = 0;
	bool in_str = false, key = true;

	while (i < n && (j[i] == ' ' || j[i] == '\n'))
		i++;
	if (i >= n || j[i] != '{') {
		memcpy(out, j, n);
		return out;
	}
	for (i++; i < n; i++) {
		char c = j[i];

		if (in_str) {
			if (c == '\\' && i + 1 < n) {
				char e = j[++i];

				out[o++] = e == 'n' ? ' ' : e == 't' ? ' ' : e;
				continue;
			}
			if (c == '"') {
				in_str = false;
				if (depth > 0)
					out[o++] = c;
				continue;
			}
			out[o++] = c;
			continue;
		}
		if (c == '"') {
			in_str = true;
			if (depth > 0)
				out[o++] = c;
			continue;
		}
		if (depth == 0 && c == ':' && key) {
			out[o++] = ':';
			out[o++] = ' ';
			key = false;
			continue;
		}
		if (depth == 0 && (c == ',' || c == '}')) {
			out[o++] = '\n';
			key = true;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		if (c != ' ' || depth > 0)
			out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

/* The list (a third of the tab), then the selected example's input
 * as key: value lines and its outputs. */
static void
examples_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct mpage *mp = &app->mp;
	size_t n = examples_count(app), i;
	const struct prediction *p;
	int r = 0, list_h;
	char t[512];

	if (n == 0) {
		paint_text(y + 1, 2, app->cols - 4, mp->req_examples ?
		    "loading examples\xe2\x80\xa6" : "this model has no "
		    "examples", ATTR(DIM));
		return;
	}
	list_h = (int)n < h / 3 ? (int)n : h / 3 > 0 ? h / 3 : 1;
	for (i = 0; i < n && r < list_h; i++) {
		bool sel = i == mp->ex_sel;
		const char *txt;

		p = model_example_at(app, i);
		if (p == NULL)
			break;
		txt = p->input_json ? p->input_json : "";
		xsnprintf(t, sizeof t, "#%zu  %-9s %s", i + 1,
		    prediction_status_name(p->status), txt);
		paint_text_pad(y + r, 1, app->cols - 2, t, sel ? ATTR(SELECTED) :
		    ATTR(NORMAL));
		r++;
	}
	r++;
	p = model_example_at(app, mp->ex_sel);
	if (p == NULL || r >= h)
		return;
	paint_text(y + r++, 1, app->cols - 2, "input (Enter loads it into "
	    "the form)", ATTR(HEADER));
	if (p->input_json != NULL && r < h) {
		char *lines = json_lines(p->input_json);
		/* an output image leaves the input a third of the rows */
		int room = mp->ex_img != NULL ? (h - r) / 3 : (h - r) * 2 / 3;

		r += paint_wrap(y + r, 2, app->cols - 4, room > 0 ? room : 1,
		    lines, ATTR(FIELD));
		free(lines);
	}
	if (r + 1 < h && p->n_outputs > 0) {
		r++;
		paint_text(y + r++, 1, app->cols - 2, "output", ATTR(HEADER));
		for (i = 0; i < p->n_outputs && r < h; i++)
			paint_text(y + r++, 2, app->cols - 4,
			    p->outputs[i].value, ATTR(LINK));
	}
	/* the output image inline, as a run's, in the rows left */
	if (mp->ex_img != NULL && h - r >= 4 && app->cols >= 20 &&
	    image_url(p) != NULL && strcmp(image_url(p), mp->ex_img_url) == 0) {
		int ih = h - r, iw = app->cols - 4;
		int cw = app->cell_w > 0 ? app->cell_w : 10;

		if (iw > ih * app->cell_h / cw)
			iw = ih * app->cell_h / cw;
		fr->image.img = mp->ex_img;
		fr->image.key = mp->ex_img;
		fr->image.row = y + r;
		fr->image.col = 2;
		fr->image.rows = ih;
		fr->image.cols = iw;
	} else if (mp->ex_img_error[0] != '\0' && r < h)
		paint_text(y + r, 2, app->cols - 4, mp->ex_img_error,
		    ATTR(DIM));
}

/* Update step: the selection in range. */
static void
examples_layout(struct app *app, int y, int h)
{
	size_t n = examples_count(app);

	(void)y;
	(void)h;
	if (n > 0 && app->mp.ex_sel >= n)
		app->mp.ex_sel = n - 1;
	image_want(app);
}

/* Up / down move the selection. */
static void
examples_move(struct app *app, long d)
{
	struct mpage *mp = &app->mp;
	long n = (long)examples_count(app), s;

	s = (long)mp->ex_sel + d;
	if (s < 0)
		s = 0;
	if (s >= n)
		s = n > 0 ? n - 1 : 0;
	mp->ex_sel = (size_t)s;
}

const struct tab_ops examples_tab_ops = {
	.title = "Examples",
	.ctx = CTX_EXAMPLES,
	.move_by = examples_move,
	.open = tab_examples_load,
	.layout = examples_layout,
	.draw = examples_draw,
};
