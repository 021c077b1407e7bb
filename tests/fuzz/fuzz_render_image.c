/*
 * tests/fuzz/fuzz_render_image.c: decode + fit + encode over untrusted
 * bytes. The first byte picks the mode (sixel, kitty, blocks), the box and
 * upscaling; the rest is the image. Invariants: a decoded image is within
 * the limits; a blob fits its box; sixel is framed ESC P ... ESC \, under
 * SIXEL_MAX_BYTES and decodes (libsixel) to the size it claims. The same
 * bytes also go through render_prepare() (header probe, decoding to the
 * drawn size: libjpeg-turbo's DCT scaling, libwebp's scaled decode, libspng)
 * with the same invariants, and image_decode_fit() with a size from the
 * option byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sixel.h>

#include "render/render.h"
#include "render/sixel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_blob(struct render_blob *b, const struct render_opts *o)
{
	if (b->cols < 1 || b->rows < 1 || b->cols > o->cols ||
	    b->rows > o->rows || b->len == 0)
		abort();
	if (o->mode == RENDER_MODE_SIXEL && o->passthrough ==
	    RENDER_PASS_NONE) {
		unsigned char *px = NULL, *pal = NULL;
		int w, h, n;

		if (b->len > SIXEL_MAX_BYTES || b->len < 4 ||
		    memcmp(b->data, "\033P", 2) != 0 ||
		    memcmp(b->data + b->len - 2, "\033\\", 2) != 0)
			abort();
		if (sixel_decode_raw(b->data, (int)b->len, &px, &w, &h,
		    &pal, &n, NULL) != SIXEL_OK || w > o->cols * 10 ||
		    h > o->rows * 20 || n > SIXEL_MAX_COLORS)
			abort();
		free(px);
		free(pal);
	}
	render_blob_done(b);
}

static void
check_image(const struct image *img)
{
	if (img->w < 1 || img->h < 1 || img->w > IMAGE_MAX_DIM ||
	    img->h > IMAGE_MAX_DIM || (long)img->w * img->h > IMAGE_MAX_PIXELS)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render_opts o = { .cell_w = 10, .cell_h = 20, .kitty_id = 3 };
	struct render_blob b;
	struct image *img, *kept = NULL;
	char err[256];
	unsigned opt;
	int want;

	if (size < 2)
		return 0;
	opt = data[0];
	o.mode = (opt & 3) == 0 ? RENDER_MODE_KITTY : (opt & 3) == 1 ?
	    RENDER_MODE_BLOCKS : RENDER_MODE_SIXEL;
	o.cols = 1 + (int)(opt >> 2 & 15) * 3;
	o.rows = 1 + (int)(opt >> 6 & 1) * 10;
	o.upscale = opt >> 7;
	o.passthrough = (opt & 3) == 3 ? RENDER_PASS_TMUX : RENDER_PASS_NONE;
	o.depth = (enum blocks_depth)(opt % 3);
	/* the one-call path, decoding to the drawn size */
	if (render_prepare(data + 1, size - 1, 0x336699, &o, &b, &kept, NULL,
	    err, sizeof err) == 0) {
		if (kept == NULL)
			abort();
		check_image(kept);
		check_blob(&b, &o);
		image_free(kept);
	} else if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0' ||
	    b.data != NULL)
		abort();
	/* a shrinking decode never gives less than asked (or the picture) */
	want = 1 + (int)(opt >> 2) * 5;
	img = image_decode_fit(data + 1, size - 1, 0, want, want, err,
	    sizeof err);
	if (img != NULL) {
		int w, h;

		check_image(img);
		if (image_probe(data + 1, size - 1, &w, &h) == 0 &&
		    (img->w < want && img->w < w))
			abort();
		image_free(img);
	}
	img = image_decode(data + 1, size - 1, 0x336699, err, sizeof err);
	if (img == NULL) {
		if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0')
			abort();	/* a failure always says why */
		return 0;
	}
	check_image(img);
	if (render_image(img, &o, &b, err, sizeof err) == 0)
		check_blob(&b, &o);
	image_free(img);
	return 0;
}
