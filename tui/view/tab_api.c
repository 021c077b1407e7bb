/*
 * tui/view/tab_api.c: the model page's API tab: the current form as "share
 * as" commands (client/forms/share.h), a format bar to pick one, scrolling
 * and copying with OSC 52. A Replicate model and a local Cog server offer
 * different formats; which list applies is the page's own mp->local, so a
 * format's name never depends on what was drawn before. The token never
 * appears: exports always say $REPLICATE_API_TOKEN.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/forms/share.h"
#include "tui/view/look.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

/* The formats offered, for Replicate models and for a local server. */
static const enum share_format remote_fmts[API_FORMATS] = { SHARE_CURL,
	SHARE_PYTHON, SHARE_JS, SHARE_R8PLAY };
static const enum share_format local_fmts[API_FORMATS] = { SHARE_CURL_COG,
	SHARE_COG, SHARE_PYTHON, SHARE_R8PLAY };

const char *
tab_api_format_name(bool local, int fmt)
{
	const enum share_format *f = local ? local_fmts : remote_fmts;

	if (fmt < 0 || fmt >= API_FORMATS)
		return "?";
	return share_format_name(f[fmt]);
}

char *
tab_api_text(const struct app *app, int fmt, char *err, size_t errsz)
{
	const struct mpage *mp = &app->mp;
	struct share_target t;
	char model[300];
	char *out = NULL;
	enum share_format f;

	if (mp->form == NULL) {
		snprintf(err, errsz, "no form yet");
		return NULL;
	}
	if (fmt < 0 || fmt >= API_FORMATS)
		fmt = 0;
	f = mp->local ? local_fmts[fmt] : remote_fmts[fmt];
	memset(&t, 0, sizeof t);
	snprintf(model, sizeof model, "%s/%s", mp->owner, mp->name);
	if (!mp->local) {
		t.model = model;
		if (mp->model != NULL && mp->model->latest_version != NULL &&
		    !mp->model->is_official)
			t.version = mp->model->latest_version->id;
		if (f == SHARE_CURL && t.version == NULL)
			f = SHARE_CURL_MODEL;
	} else
		t.cog_url = app->locals[mp->local_idx].url;
	t.api_base = strcmp(app->api_base, SHARE_API_BASE) == 0 ? NULL :
	    app->api_base;
	if (share_export(mp->form, f, &t, &out, err, errsz) != 0)
		return NULL;
	return out;
}

void
tab_api_copy(struct app *app)
{
	char err[1024];
	char *text = tab_api_text(app, app->mp.api_fmt, err, sizeof err);

	if (text == NULL) {
		app_error(app, "%s", err);
		return;
	}
	app_copy(app, text);
	free(text);
}

void
tab_api_cycle_format(struct app *app, int dir)
{
	struct mpage *mp = &app->mp;

	mp->api_fmt = (mp->api_fmt + (dir > 0 ? 1 : API_FORMATS - 1)) %
	    API_FORMATS;
	mp->api_top = 0;
}

/* Up / down scroll the text. */
static void
api_move(struct app *app, long d)
{
	struct mpage *mp = &app->mp;

	mp->api_top += (int)d;
	if (mp->api_top < 0)
		mp->api_top = 0;
}

/* ---- drawing */

/* The format bar, then the text of the chosen format scrolled by
 * api_top. */
static void
api_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct mpage *mp = &app->mp;
	char err[1024];
	char *text;
	const char *p;
	int r = 0, skip, x = 1, i;

	(void)fr;
	for (i = 0; i < API_FORMATS; i++) {
		char t[64];
		int w;

		snprintf(t, sizeof t, " %s ", tab_api_format_name(mp->local, i));
		w = tw_width(t);
		if (x + w >= app->cols)
			break;
		paint_text(y, x, w, t, i == mp->api_fmt ? ATTR(TAB_ACTIVE) :
		    ATTR(TAB));
		x += w + 1;
	}
	r = 2;
	if (mp->form == NULL) {
		paint_text(y + r, 2, app->cols - 4, "no form yet", ATTR(DIM));
		return;
	}
	text = tab_api_text(app, mp->api_fmt, err, sizeof err);
	if (text == NULL) {
		paint_wrap(y + r, 2, app->cols - 4, h - r, err, ATTR(ERROR));
		return;
	}
	skip = mp->api_top;
	for (p = text; *p && r < h;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char line[PAINT_LINE_MAX];

		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (skip > 0)
			skip--;
		else
			r += paint_wrap(y + r, 2, app->cols - 3, h - r, line[0] ?
			    line : " ", ATTR(FIELD));
		p = e ? e + 1 : p + len;
	}
	free(text);
}

const struct tab_ops api_tab_ops = {
	.title = "API",
	.ctx = CTX_API,
	.move_by = api_move,
	.draw = api_draw,
};
