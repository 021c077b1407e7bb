/*
 * tui/images.c: the TUI's image work on the render worker (render/async.h),
 * so no key waits for a decode or an encode. Decodes: a finished run's
 * first image output and the explorer's cover, matched back by job id
 * (a run by its seq, the cover by the model it was fetched for). Encode:
 * draw only peeks the blob cache; on a miss it records what the frame
 * wanted, and images_update() (after the frame, in the loop) queues one
 * encode for it; the result goes into app->rcache and the next frame
 * writes it. One encode at a time. Big buffers are not copied on the
 * input path: the worker reads a run's file itself and a run's image is
 * lent to the worker (BORROW_IMAGE); a lent image whose run goes
 * away is parked until the encode is taken (images_free()). Owns struct
 * image_jobs.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/async.h"

int
images_init(struct app *app, char *err, size_t errsz)
{
	memset(&app->imgs, 0, sizeof app->imgs);
	app->imgs.ra = render_async_new(err, errsz);
	return app->imgs.ra != NULL ? 0 : -1;
}

void
images_done(struct app *app)
{
	render_async_free(app->imgs.ra);	/* joins: loans end */
	image_free(app->imgs.parked);
	render_blob_done(&app->imgs.memo_blob);
	memset(&app->imgs, 0, sizeof app->imgs);
}

void
images_free(struct app *app, struct image *img)
{
	struct image_jobs *ij = &app->imgs;

	if (img == NULL)
		return;
	if (ij->want_img == img)
		ij->want = false;
	if (ij->fail_img == img)
		ij->fail_img = NULL;
	if (ij->memo_img == img) {
		render_blob_done(&ij->memo_blob);
		ij->memo_img = NULL;
	}
	if (ij->enc_id != 0 && ij->enc_img == img) {
		if (ij->enc_borrowed) {
			/* the worker may be reading it: free it with the
			 * result */
			image_free(ij->parked);
			ij->parked = img;
			ij->enc_img = NULL;
			return;
		}
		render_async_cancel(ij->ra, ij->enc_id);
		ij->enc_id = 0;
		ij->enc_img = NULL;
	}
	image_free(img);
}

int
images_fd(const struct app *app)
{
	return app->imgs.ra != NULL ? render_async_fd(app->imgs.ra) : -1;
}

int
images_pending(const struct app *app)
{
	return render_async_pending(app->imgs.ra);
}

/* Queue a decode of data, or of the file at path, for run seq (0: the
 * cover); the job's id or 0. */
static unsigned long
decode_job(struct app *app, unsigned seq, size_t saved, const void *data,
    size_t len, const char *path, char *err, size_t errsz)
{
	struct image_jobs *ij = &app->imgs;
	unsigned long id;

	if (ij->ndec == APP_MAX_IMG_JOBS) {
		snprintf(err, errsz, "image: too many decodes pending");
		return 0;
	}
	id = path != NULL ? render_async_submit_file(ij->ra, path,
	    IMAGE_DEFAULT_BG, NULL, 0, err, errsz) : render_async_submit(ij->ra,
	    data, len, NULL, IMAGE_DEFAULT_BG, NULL, 0, err, errsz);
	if (id == 0)
		return 0;
	ij->dec[ij->ndec].id = id;
	ij->dec[ij->ndec].run_seq = seq;
	ij->dec[ij->ndec].saved = saved;
	ij->ndec++;
	return id;
}

/* Drop decode job i, keeping the queue's order (jobs are few). */
static void
dec_remove(struct image_jobs *ij, size_t i)
{
	memmove(&ij->dec[i], &ij->dec[i + 1],
	    (ij->ndec - i - 1) * sizeof ij->dec[0]);
	ij->ndec--;
}

bool
images_decode_run(struct app *app, struct run *r, size_t saved)
{
	return decode_job(app, r->seq, saved, NULL, 0, r->saved[saved],
	    r->img_error, sizeof r->img_error) != 0;
}

void
images_decode_cover(struct app *app, const void *data, size_t len)
{
	struct explorer *ex = &app->ex;

	images_cancel_cover(app);
	if (decode_job(app, 0, 0, data, len, NULL, ex->cover_error,
	    sizeof ex->cover_error) != 0)
		snprintf(app->imgs.cover_for, sizeof app->imgs.cover_for,
		    "%s", ex->cover_for);
}

/* Cancel the decodes for run seq (0: the cover). */
static void
cancel_dec(struct app *app, unsigned seq)
{
	struct image_jobs *ij = &app->imgs;
	size_t i = 0;

	while (i < ij->ndec)
		if (ij->dec[i].run_seq == seq) {
			render_async_cancel(ij->ra, ij->dec[i].id);
			dec_remove(ij, i);
		} else
			i++;
}

void
images_cancel_run(struct app *app, unsigned seq)
{
	if (seq != 0)
		cancel_dec(app, seq);
}

void
images_cancel_cover(struct app *app)
{
	cancel_dec(app, 0);
	app->imgs.cover_for[0] = '\0';
}

/* img is one the app still holds (a run's or the cover). */
static bool
image_live(const struct app *app, const struct image *img)
{
	size_t i;

	if (img == NULL)
		return false;
	if (img == app->ex.cover)
		return true;
	for (i = 0; i < app->nruns; i++)
		if (app->runs[i].img == img)
			return true;
	return false;
}

void
images_update(struct app *app)
{
	struct image_jobs *ij = &app->imgs;
	char err[APP_MSG_MAX];

	if (!ij->want)
		return;
	if (!image_live(app, ij->want_img)) {
		ij->want = false;
		return;
	}
	if ((ij->enc_id != 0 && ij->enc_img == ij->want_img &&
	    memcmp(&ij->enc_ro, &ij->want_ro, sizeof ij->enc_ro) == 0) ||
	    (ij->fail_img == ij->want_img &&
	    memcmp(&ij->fail_ro, &ij->want_ro, sizeof ij->fail_ro) == 0)) {
		ij->want = false;
		return;		/* already on its way, or failed: once */
	}
	if (ij->enc_id != 0)
		return;		/* one at a time: after the one in flight */
	ij->want = false;
	ij->enc_img = ij->want_img;
	ij->enc_w = ij->want_img->w;
	ij->enc_h = ij->want_img->h;
	ij->enc_ro = ij->want_ro;
	/* a run's image is lent (no 12 MB copy for a 2048x2048); the
	 * cover, which the explorer may free at any time, is copied */
	ij->enc_borrowed = ij->want_img != app->ex.cover;
	ij->enc_id = render_async_submit(ij->ra, NULL, 0, ij->want_img, 0,
	    &ij->want_ro, ij->enc_borrowed ? RENDER_JOB_BORROW_IMAGE : 0, err,
	    sizeof err);
	if (ij->enc_id == 0)
		app_error(app, "image: %s", err);
}

/* A decode finished: the run's image (or its next file) or the cover. */
static void
take_decode(struct app *app, size_t i, struct render_result *res)
{
	struct image_jobs *ij = &app->imgs;
	unsigned seq = ij->dec[i].run_seq;
	size_t saved = ij->dec[i].saved, k;

	dec_remove(ij, i);
	if (seq == 0) {
		struct explorer *ex = &app->ex;

		if (strcmp(ij->cover_for, ex->cover_for) != 0 ||
		    ex->cover != NULL)
			return;
		ij->cover_for[0] = '\0';
		if (res->rc == 0) {
			ex->cover = res->img;
			res->img = NULL;
		} else
			snprintf(ex->cover_error, sizeof ex->cover_error, "%s",
			    res->err);
		app->dirty |= DIRTY_LIST | DIRTY_IMAGE;
		return;
	}
	for (k = 0; k < app->nruns; k++) {
		struct run *r = &app->runs[k];

		if (r->seq != seq || r->img != NULL)
			continue;
		if (res->rc == 0) {
			r->img = res->img;
			res->img = NULL;
		} else {
			snprintf(r->img_error, sizeof r->img_error, "%s",
			    res->err);
			runs_image_from(app, r, saved + 1);
		}
		app->dirty |= DIRTY_ALL | DIRTY_IMAGE;
		return;
	}
}

/* Keep a copy of the run image's blob just encoded (enc_img, enc_ro):
 * a run image is freed only through images_free(), which drops it. */
static void
memo_keep(struct image_jobs *ij, const struct render_blob *b)
{
	unsigned char *d = malloc(b->len > 0 ? b->len : 1);

	render_blob_done(&ij->memo_blob);
	ij->memo_img = NULL;
	if (d == NULL)
		return;
	memcpy(d, b->data, b->len);
	ij->memo_blob = *b;
	ij->memo_blob.data = d;
	ij->memo_img = ij->enc_img;
	ij->memo_ro = ij->enc_ro;
}

const struct render_blob *
images_blob(const struct app *app, const struct image *img,
    const struct render_opts *ro)
{
	const struct image_jobs *ij = &app->imgs;

	if (ij->memo_img != NULL && ij->memo_img == img &&
	    memcmp(&ij->memo_ro, ro, sizeof *ro) == 0)
		return &ij->memo_blob;
	return render_cache_peek(app->rcache, img, ro);
}

void
images_take(struct app *app)
{
	struct image_jobs *ij = &app->imgs;
	struct render_result res;
	size_t i;

	if (ij->ra == NULL)
		return;
	while (render_async_take(ij->ra, &res) == 1) {
		for (i = 0; i < ij->ndec && ij->dec[i].id != res.id; i++)
			;
		if (i < ij->ndec)
			take_decode(app, i, &res);
		else if (res.id == ij->enc_id) {
			ij->enc_id = 0;
			image_free(ij->parked);	/* its loan is over */
			ij->parked = NULL;
			/* the next frame wants the next encode, if any */
			app->dirty |= DIRTY_IMAGE;
			if (res.rc != 0) {
				app_error(app, "image: %s", res.err);
				ij->fail_img = ij->enc_img;
				ij->fail_ro = ij->enc_ro;
			}
			else if (image_live(app, ij->enc_img) &&
			    ij->enc_img->w == ij->enc_w &&
			    ij->enc_img->h == ij->enc_h) {
				if (ij->enc_borrowed)
					memo_keep(ij, &res.blob);
				render_cache_put(app->rcache, ij->enc_img,
				    &ij->enc_ro, &res.blob);
				app->dirty |= DIRTY_IMAGE;
			}
		}
		render_result_done(&res);
	}
}
