/*
 * tui/view/explorer_cover.c: the cover image of the model selected in
 * the explorer, shown in the details pane. Fetched a moment after the
 * selection settles (so scrolling fires no downloads) into memory with
 * client_fetch() (capped at COVER_MAX_BYTES), then decoded by render/. One cover at a
 * time. Only with a token: the snapshot's URLs point at the real CDN.
 */
#include "tui/app.h"

#include <stdio.h>
#include <string.h>

#include "client/net/fetch.h"

#define COVER_SETTLE_MS	150
#define COVER_MAX_BYTES	(8u << 20)

/* Decode the fetched bytes into the explorer's cover. */
static void
cover_decode(struct app *app, const char *buf, size_t len)
{
	struct explorer *ex = &app->ex;

	image_free(ex->cover);
	ex->cover = image_decode((const unsigned char *)buf, len,
	    IMAGE_DEFAULT_BG, ex->cover_error, sizeof ex->cover_error);
	app->dirty |= DIRTY_LIST | DIRTY_IMAGE;
}

void
cover_selection_changed(struct app *app)
{
	struct explorer *ex = &app->ex;

	if (ex->cover_req != 0)
		client_cancel(app->client, ex->cover_req);
	ex->cover_req = 0;
	image_free(ex->cover);
	ex->cover = NULL;
	ex->cover_error[0] = '\0';
	ex->cover_for[0] = '\0';
	ex->cover_due_ms = app->have_token && !ex->snapshot ?
	    clock_mono_ms() + COVER_SETTLE_MS : 0;
}

void
cover_tick(struct app *app)
{
	struct explorer *ex = &app->ex;
	const struct model *m;
	char err[CLIENT_ERR_MAX];

	if (ex->cover_due_ms == 0 || clock_mono_ms() < ex->cover_due_ms)
		return;
	ex->cover_due_ms = 0;
	if (app->view != VIEW_EXPLORER || app->cols < 100)
		return;
	m = explorer_model_at(app, ex->sel);
	if (m == NULL || m->cover_image_url == NULL)
		return;
	xsnprintf(ex->cover_for, sizeof ex->cover_for, "%s/%s",
	    m->owner ? m->owner : "", m->name ? m->name : "");
	ex->cover_req = client_fetch(app->client, m->cover_image_url,
	    COVER_MAX_BYTES, err, sizeof err);
	if (ex->cover_req == 0)
		xsnprintf(ex->cover_error, sizeof ex->cover_error, "cover: %s",
		    err);
}

bool
cover_event(struct app *app, struct client_event *ev)
{
	struct explorer *ex = &app->ex;

	if (ev->id == 0 || ev->id != ex->cover_req)
		return false;
	ex->cover_req = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		xsnprintf(ex->cover_error, sizeof ex->cover_error, "cover: %s",
		    ev->err ? ev->err : "");
		app->dirty |= DIRTY_LIST;
		return true;
	}
	if (ev->body != NULL)
		cover_decode(app, ev->body, ev->body_len);
	return true;
}
