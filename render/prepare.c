/*
 * render/prepare.c: bytes to a blob in one call (render_prepare), with the
 * decoder told the size the picture will be drawn at. `r8play show` and
 * the asynchronous worker (async.c) both go through here, so the two give
 * the same bytes.
 */
#include "render/render.h"

#include <stdio.h>
#include <string.h>

void
render_want_size(int src_w, int src_h, const struct render_opts *o, int *w,
    int *h)
{
	int cw, ch, uc, ur;

	*w = *h = 0;
	if (o == NULL || src_w < 1 || src_h < 1 || o->cols < 1 ||
	    o->rows < 1 || o->cols > 10000 || o->rows > 10000)
		return;
	cw = o->cell_w;
	ch = o->cell_h;
	if (cw < FIT_MIN_CELL || cw > FIT_MAX_CELL || ch < FIT_MIN_CELL ||
	    ch > FIT_MAX_CELL) {
		cw = FIT_DEFAULT_CELL_W;
		ch = FIT_DEFAULT_CELL_H;
	}
	switch (o->mode) {
	case RENDER_MODE_SIXEL:
	case RENDER_MODE_KITTY:
		fit_cells(src_w, src_h, o->cols, o->rows, cw, ch, o->upscale,
		    w, h, &uc, &ur);
		if (o->max_w > 0 && o->max_h > 0 && (*w > o->max_w ||
		    *h > o->max_h))
			fit_box(*w, *h, o->max_w, o->max_h, false, w, h);
		break;
	case RENDER_MODE_BLOCKS:
		/* a cell is one pixel wide and two high: never decode
		 * smaller than the grid can show */
		fit_box(src_w, src_h, o->cols * 2, o->rows * 4, false, w, h);
		break;
	case RENDER_MODE_NONE:
		break;
	}
}

int
render_prepare(const void *data, size_t len, uint32_t bg,
    const struct render_opts *o, struct render_blob *out,
    struct image **img_out, struct render_stats *st, char *err,
    size_t errsz)
{
	struct render_stats local;
	struct image *img;
	int sw = 0, sh = 0, ww = 0, wh = 0, rc;
	double t0;

	memset(out, 0, sizeof *out);
	if (img_out != NULL)
		*img_out = NULL;
	if (st == NULL) {
		memset(&local, 0, sizeof local);
		st = &local;
	}
	if (o == NULL) {
		snprintf(err, errsz, "render: no options");
		return -1;
	}
	if (image_probe(data, len, &sw, &sh) == 0)
		render_want_size(sw, sh, o, &ww, &wh);
	t0 = render_now_ms();
	img = image_decode_fit(data, len, bg, ww, wh, err, errsz);
	st->decode_ms += render_now_ms() - t0;
	if (img == NULL)
		return -1;
	/* only JPEG and WebP shrink while decoding; for the rest the
	 * decoder's size is the truth (a GIF's frame, say) */
	if (sw < 1 || sh < 1 || (ww == 0 && wh == 0) ||
	    (img->w >= sw && img->h >= sh)) {
		sw = img->w;
		sh = img->h;
	}
	st->src_w = sw;
	st->src_h = sh;
	st->dec_w = img->w;
	st->dec_h = img->h;
	rc = render_image_ex(img, sw, sh, o, out, st, err, errsz);
	if (img_out != NULL && rc == 0)
		*img_out = img;
	else
		image_free(img);
	return rc;
}
