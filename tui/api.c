/*
 * tui/api.c: the model page's API tab: the current form as "share as"
 * commands (client/forms/share.h) and copying them with OSC 52. The token never
 * appears: exports always say $REPLICATE_API_TOKEN.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/forms/share.h"

/* The formats offered, for Replicate models and for a local server. */
static const enum share_format remote_fmts[API_FORMATS] = { SHARE_CURL,
	SHARE_PYTHON, SHARE_JS, SHARE_R8PLAY };
static const enum share_format local_fmts[API_FORMATS] = { SHARE_CURL_COG,
	SHARE_COG, SHARE_PYTHON, SHARE_R8PLAY };

static bool api_local;

const char *
model_api_format_name(int fmt)
{
	const enum share_format *f = api_local ? local_fmts : remote_fmts;

	if (fmt < 0 || fmt >= API_FORMATS)
		return "?";
	return share_format_name(f[fmt]);
}

char *
model_api_text(struct app *app, int fmt, char *err, size_t errsz)
{
	struct mpage *mp = &app->mp;
	struct share_target t;
	char model[300];
	char *out = NULL;
	enum share_format f;

	api_local = mp->local;
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
model_copy_api(struct app *app)
{
	char err[1024];
	char *text = model_api_text(app, app->mp.api_fmt, err, sizeof err);

	if (text == NULL) {
		app_error(app, "%s", err);
		return;
	}
	app_copy(app, text);
	free(text);
}
