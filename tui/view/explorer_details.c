/*
 * tui/view/explorer_details.c: the explorer's details pane: the selected
 * model's card (or a collection's, or a local server's health) and the
 * model's cover image. The cover is fetched a moment after the selection
 * settles (so scrolling fires no downloads) into memory with
 * client_fetch() (capped at COVER_MAX_BYTES), then decoded by render/.
 * One cover at a time. Only with a token: the snapshot's URLs point at
 * the real CDN.
 */
#include "tui/app.h"

#include <stdio.h>
#include <string.h>

#include "client/net/fetch.h"
#include "tui/draw.h"
#include "tui/view/look.h"
#include "widgets/paint.h"

#define COVER_SETTLE_MS	150
#define COVER_MAX_BYTES	(8u << 20)

/* Decode the fetched bytes into the explorer's cover, on the render
 * worker (tui/images.c sets ex->cover when it is done). */
static void
cover_decode(struct app *app, const char *buf, size_t len)
{
	struct explorer *ex = &app->ex;

	images_cancel_cover(app);
	images_free(app, ex->cover);
	ex->cover = NULL;
	images_decode_cover(app, buf, len);
	app->dirty |= DIRTY_LIST | DIRTY_IMAGE;
}

void
explorer_cover_changed(struct app *app)
{
	struct explorer *ex = &app->ex;

	if (ex->cover_req != 0)
		client_cancel(app->client, ex->cover_req);
	ex->cover_req = 0;
	images_cancel_cover(app);
	images_free(app, ex->cover);
	ex->cover = NULL;
	ex->cover_error[0] = '\0';
	ex->cover_for[0] = '\0';
	ex->cover_due_ms = app->have_token && !ex->snapshot ?
	    clock_mono_ms() + COVER_SETTLE_MS : 0;
}

void
explorer_cover_tick(struct app *app)
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
explorer_cover_event(struct app *app, struct client_event *ev)
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

/* ---- drawing */

void
explorer_details_draw(const struct app *app, int y, int x, int h, int w,
    struct frame *fr)
{
	const struct explorer *ex = &app->ex;
	const struct model *m = explorer_model_at(app, ex->sel);
	char t[512], n[32];
	int r = y + 1, bottom = y + h - 1, skip = ex->detail_top;

	paint_box(y, x, h, w, ex->pane == 1 ? ATTR(TITLE) : ATTR(BORDER),
	    "details", ATTR(TITLE));
	x += 2;
	w -= 4;
	if (ex->mode == EXM_COLLECTIONS) {
		const struct collection *c = ex->sel < ex->ncolls ?
		    &ex->colls[ex->sel] : NULL;

		if (c == NULL)
			return;
		paint_text(r++, x, w, or_empty(c->name), ATTR(TITLE));
		paint_text(r++, x, w, or_empty(c->slug), ATTR(DIM));
		r++;
		paint_wrap(r, x, w, bottom - r, or_empty(c->description), ATTR(NORMAL));
		return;
	}
	if (m == NULL && explorer_local_at(app, ex->sel) >= 0) {
		const struct local_target *lt =
		    &app->locals[explorer_local_at(app, ex->sel)];

		char st[64];

		paint_text(r++, x, w, lt->image ? "Cog image (Docker)" :
		    "local Cog server", ATTR(TITLE));
		paint_text(r++, x, w, lt->image ? lt->image : lt->url,
		    ATTR(LINK));
		/* the lifecycle words, a server by URL's too */
		dock_state_text(lt, st, sizeof st);
		paint_text(r++, x, w, st, ATTR(DIM));
		if (lt->image != NULL && lt->container[0] != '\0')
			paint_text(r++, x, w, lt->url, ATTR(LINK));
		if (lt->image == NULL && lt->served_image[0] != '\0') {
			char by[200];

			snprintf(by, sizeof by, "a container of %s",
			    lt->served_image);
			paint_text(r++, x, w, by, ATTR(NORMAL));
		}
		r++;
		if (lt->image != NULL && lt->cog == NULL)
			paint_wrap(r, x, w, bottom - r, lt->error[0] ?
			    lt->error : "Offline: nothing runs. Enter opens "
			    "the form from the image's schema label; Ctrl-R "
			    "there starts a container and runs once it is "
			    "READY.", lt->error[0] ? ATTR(ERROR) : ATTR(NORMAL));
		else if (lt->image != NULL && lt->health == NULL)
			paint_wrap(r, x, w, bottom - r, "booting: waiting for "
			    "its Cog server to answer /health-check\xe2\x80\xa6",
			    ATTR(DIM));
		else if (lt->health != NULL) {
			snprintf(t, sizeof t, "health: %s",
			    cog_health_name(lt->health->state));
			paint_text(r++, x, w, t, lt->health->state ==
			    COG_HEALTH_READY ? ATTR(OK) : ATTR(WARN));
			if (lt->health->setup_logs != NULL &&
			    lt->health->state == COG_HEALTH_SETUP_FAILED)
				paint_wrap(r, x, w, bottom - r,
				    lt->health->setup_logs, ATTR(LOG));
		} else if (lt->error[0] != '\0')
			paint_wrap(r, x, w, bottom - r, lt->error, ATTR(ERROR));
		else
			paint_text(r, x, w, "asking /health-check\xe2\x80\xa6",
			    ATTR(DIM));
		return;
	}
	if (m == NULL)
		return;
	/* the cover takes the lower part of the pane */
	if (ex->cover != NULL && h >= 16 && w >= 16) {
		int ih = (h - 2) / 2, iw = w;

		if (iw > ih * app->cell_h / (app->cell_w > 0 ? app->cell_w : 10))
			iw = ih * app->cell_h / (app->cell_w > 0 ?
			    app->cell_w : 10);
		fr->image.img = ex->cover;
		fr->image.key = ex->cover;
		fr->image.row = y + h - 1 - ih;
		fr->image.col = x;
		fr->image.rows = ih;
		fr->image.cols = iw;
		bottom = fr->image.row - 1;
	} else if (ex->cover_error[0] != '\0' && h > 6) {
		paint_text(bottom - 1, x, w, ex->cover_error, ATTR(DIM));
		bottom--;
	}
	/* the text scrolls with the details pane focused */
#define LINE(txt, attr) do {						\
		if (skip > 0)						\
			skip--;						\
		else if (r < bottom)					\
			paint_text(r++, x, w, (txt), (attr));		\
	} while (0)
	snprintf(t, sizeof t, "%s/%s", or_empty(m->owner), or_empty(m->name));
	LINE(t, ATTR(TITLE));
	snprintf(t, sizeof t, "%s runs \xc2\xb7 %s%s", draw_count(m->run_count,
	    n, sizeof n), or_empty(m->visibility), m->is_official ? " \xc2\xb7 "
	    "official" : "");
	LINE(t, ATTR(DIM));
	LINE("", ATTR(NORMAL));
	if (m->description != NULL) {
		int need = paint_wrap(-1, x, w, 1000, m->description, 0);

		if (skip >= need)
			skip -= need;
		else if (r < bottom) {
			r += paint_wrap(r, x, w, bottom - r, m->description,
			    ATTR(NORMAL));
			skip = 0;
		}
		LINE("", ATTR(NORMAL));
	}
	if (m->latest_version != NULL && m->latest_version->id != NULL) {
		snprintf(t, sizeof t, "version %.12s  %.10s",
		    m->latest_version->id, or_empty(m->latest_version->created_at));
		LINE(t, ATTR(DIM));
	}
	if (m->url != NULL)
		LINE(m->url, ATTR(LINK));
	if (m->github_url != NULL)
		LINE(m->github_url, ATTR(LINK));
	if (m->paper_url != NULL)
		LINE(m->paper_url, ATTR(LINK));
#undef LINE
}
