/*
 * render/render.c: one entry point from an image to terminal bytes for a
 * box of cells (render_image), the multiplexer wrapping, the cursor
 * placement wrapper and the blob cache.
 */
#include "render/render.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/buf.h"
#include "render/kitty.h"
#include "render/sixel.h"

void
render_blob_done(struct render_blob *b)
{
	if (b == NULL)
		return;
	free(b->data);
	memset(b, 0, sizeof *b);
}

int
render_wrap(enum render_passthrough how, const struct render_blob *in,
    struct render_blob *out, char *err, size_t errsz)
{
	struct rbuf b = { 0 };

	memset(out, 0, sizeof *out);
	if (in == NULL || (in->data == NULL && in->len > 0)) {
		snprintf(err, errsz, "wrap: no blob");
		return -1;
	}
	rbuf_wrap(&b, (int)how, in->data, in->len, RENDER_SCREEN_CHUNK);
	if (b.failed || b.data == NULL) {
		rbuf_done(&b);
		snprintf(err, errsz, "wrap: out of memory");
		return -1;
	}
	out->data = b.data;
	out->len = b.len;
	out->cols = in->cols;
	out->rows = in->rows;
	return 0;
}

int
render_blob_wrap_cup(const struct render_blob *blob, int row, int col,
    int screen_rows, struct render_blob *out, char *err, size_t errsz)
{
	return render_place(blob, row, col, screen_rows, RENDER_PASS_NONE, 0,
	    0, out, err, errsz);
}

int
render_place(const struct render_blob *blob, int row, int col,
    int screen_rows, enum render_passthrough how, int off_row, int off_col,
    struct render_blob *out, char *err, size_t errsz)
{
	struct rbuf b = { 0 }, w = { 0 };
	char cup[32];

	memset(out, 0, sizeof *out);
	if (blob == NULL || blob->data == NULL) {
		snprintf(err, errsz, "place: no blob");
		return -1;
	}
	if (row < 0 || col < 0 || screen_rows < 1 ||
	    row + blob->rows > screen_rows - 1) {
		snprintf(err, errsz, "place: %d rows at row %d would reach the "
		    "last line of %d", blob->rows, row, screen_rows);
		return -1;
	}
	if (off_row < 0 || off_col < 0 || off_row > 10000 || off_col > 10000) {
		snprintf(err, errsz, "place: bad pane offset %d,%d", off_row,
		    off_col);
		return -1;
	}
	snprintf(cup, sizeof cup, "\0337\033[%d;%dH", off_row + row + 1,
	    off_col + col + 1);
	rbuf_puts(&b, cup);
	rbuf_put(&b, blob->data, blob->len);
	rbuf_puts(&b, "\0338");
	if (how != RENDER_PASS_NONE && !b.failed) {
		rbuf_wrap(&w, (int)how, b.data, b.len, RENDER_SCREEN_CHUNK);
		rbuf_done(&b);
		b = w;
	}
	if (b.failed) {
		rbuf_done(&b);
		snprintf(err, errsz, "place: out of memory");
		return -1;
	}
	out->data = b.data;
	out->len = b.len;
	out->cols = blob->cols;
	out->rows = blob->rows;
	return 0;
}

double
render_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/*
 * Pixel size for a graphics mode: fit the box, then the max geometry.
 * sw x sh is the picture's own size (the image may have been shrunk by
 * its decoder already).
 */
static void
graphics_size(int sw, int sh, const struct render_opts *o, int cw, int ch,
    int *w, int *h)
{
	int uc, ur;

	fit_cells(sw, sh, o->cols, o->rows, cw, ch, o->upscale, w, h,
	    &uc, &ur);
	if (o->max_w > 0 && o->max_h > 0 && (*w > o->max_w || *h > o->max_h))
		fit_box(*w, *h, o->max_w, o->max_h, false, w, h);
}

static int
finish(struct render_blob *out, unsigned char *data, size_t len, int cols,
    int rows, const struct render_opts *o, char *err, size_t errsz)
{
	struct render_blob raw = { data, len, cols, rows };

	if (o->passthrough == RENDER_PASS_NONE) {
		*out = raw;
		return 0;
	}
	if (render_wrap(o->passthrough, &raw, out, err, errsz) != 0) {
		free(data);
		return -1;
	}
	free(data);
	return 0;
}

/* The scaled picture: img itself when it has the size already. */
static struct image *
scaled(const struct image *img, int w, int h, struct render_stats *st,
    char *err, size_t errsz)
{
	struct image *s;
	double t0 = render_now_ms();

	if (img->w == w && img->h == h)
		return (struct image *)(uintptr_t)img;	/* not freed */
	s = fit_scale(img, w, h, err, errsz);
	st->scale_ms += render_now_ms() - t0;
	return s;
}

static void
unscaled(const struct image *img, struct image *s)
{
	if (s != img)
		image_free(s);
}

static int
render_sixel(const struct image *img, int sw, int sh,
    const struct render_opts *o, int cw, int ch, struct render_blob *out,
    struct render_stats *st, char *err, size_t errsz)
{
	unsigned char *data = NULL;
	size_t len = 0;
	struct sixel_pal *pal;
	int w, h, tries;

	if ((pal = malloc(sizeof *pal)) == NULL) {
		snprintf(err, errsz, "sixel: out of memory");
		return -1;
	}
	graphics_size(sw, sh, o, cw, ch, &w, &h);
	for (tries = 0; tries < 8; tries++) {
		struct image *s = scaled(img, w, h, st, err, errsz);
		double f, t0, t1;
		int rc;

		if (s == NULL)
			break;
		free(data);
		data = NULL;
		t0 = render_now_ms();
		rc = sixel_palette(s->rgb, s->w, s->h, o->colors, pal);
		t1 = render_now_ms();
		if (rc != 0)
			snprintf(err, errsz, "sixel: out of memory");
		else
			rc = sixel_encode_pal(s->rgb, s->w, s->h, pal, &data,
			    &len, err, errsz);
		st->quant_ms += t1 - t0;
		st->encode_ms += render_now_ms() - t1;
		st->out_w = s->w;
		st->out_h = s->h;
		unscaled(img, s);
		if (rc != 0)
			break;
		if (len <= SIXEL_MAX_BYTES) {
			free(pal);
			return finish(out, data, len, (w + cw - 1) / cw,
			    (h + ch - 1) / ch, o, err, errsz);
		}
		/* bytes grow with area: shrink both sides, a bit extra */
		f = sqrt((double)SIXEL_MAX_BYTES / (double)len) * 0.95;
		fit_box(w, h, (int)(w * f), (int)(h * f), false, &w, &h);
		if (w < 1 || h < 1) {
			tries = 8;
			break;
		}
	}
	free(pal);
	free(data);
	if (tries >= 8)
		snprintf(err, errsz, "sixel: cannot fit the image in %u bytes",
		    SIXEL_MAX_BYTES);
	return -1;
}

static int
render_kitty(const struct image *img, int sw, int sh,
    const struct render_opts *o, int cw, int ch, struct render_blob *out,
    struct render_stats *st, char *err, size_t errsz)
{
	unsigned char *png, *data;
	size_t pnglen, len;
	struct image *s;
	int w, h, rc;
	double t0;

	graphics_size(sw, sh, o, cw, ch, &w, &h);
	if ((s = scaled(img, w, h, st, err, errsz)) == NULL)
		return -1;
	t0 = render_now_ms();
	st->out_w = s->w;
	st->out_h = s->h;
	rc = kitty_png_encode(s->rgb, s->w, s->h, &png, &pnglen, err, errsz);
	st->encode_ms += render_now_ms() - t0;
	unscaled(img, s);
	if (rc != 0)
		return -1;
	rc = kitty_encode(png, pnglen, o->kitty_id, &data, &len, err, errsz);
	free(png);
	if (rc != 0)
		return -1;
	return finish(out, data, len, (w + cw - 1) / cw, (h + ch - 1) / ch, o,
	    err, errsz);
}

int
render_image(const struct image *img, const struct render_opts *o,
    struct render_blob *out, char *err, size_t errsz)
{
	struct render_stats st;

	memset(&st, 0, sizeof st);
	return render_image_ex(img, img ? img->w : 0, img ? img->h : 0, o,
	    out, &st, err, errsz);
}

int
render_image_ex(const struct image *img, int src_w, int src_h,
    const struct render_opts *o, struct render_blob *out,
    struct render_stats *st, char *err, size_t errsz)
{
	struct cellgrid *g;
	unsigned char *data;
	size_t len;
	int cw, ch, rc;
	double t0;

	memset(out, 0, sizeof *out);
	if (img == NULL || img->rgb == NULL || o == NULL || o->cols < 1 ||
	    o->rows < 1 || o->cols > 10000 || o->rows > 10000) {
		snprintf(err, errsz, "render: no image or an empty box");
		return -1;
	}
	if (src_w < 1 || src_h < 1) {
		src_w = img->w;
		src_h = img->h;
	}
	cw = o->cell_w;
	ch = o->cell_h;
	if (cw < FIT_MIN_CELL || cw > FIT_MAX_CELL || ch < FIT_MIN_CELL ||
	    ch > FIT_MAX_CELL) {
		cw = FIT_DEFAULT_CELL_W;
		ch = FIT_DEFAULT_CELL_H;
	}
	switch (o->mode) {
	case RENDER_MODE_SIXEL:
		return render_sixel(img, src_w, src_h, o, cw, ch, out, st,
		    err, errsz);
	case RENDER_MODE_KITTY:
		return render_kitty(img, src_w, src_h, o, cw, ch, out, st, err,
		    errsz);
	case RENDER_MODE_BLOCKS:
		t0 = render_now_ms();
		g = blocks_render(img, o->cols, o->rows, cw, ch, o->upscale,
		    o->depth, err, errsz);
		st->scale_ms += render_now_ms() - t0;
		if (g == NULL)
			return -1;
		t0 = render_now_ms();
		rc = blocks_ansi(g, &data, &len, err, errsz);
		st->encode_ms += render_now_ms() - t0;
		if (rc == 0) {
			out->data = data;
			out->len = len;
			out->cols = g->cols;
			out->rows = g->rows;
		}
		cellgrid_free(g);
		return rc;
	case RENDER_MODE_NONE:
		break;
	}
	snprintf(err, errsz, "render: graphics are off");
	return -1;
}

/* ---- cache */

struct cache_entry {
	bool			used;
	uint64_t		hash;
	int			w, h;
	struct render_opts	opts;
	struct render_blob	blob;
	unsigned long		stamp;
};

struct render_cache {
	struct cache_entry	e[RENDER_CACHE_ENTRIES];
	unsigned long		clock, misses;
};

struct render_cache *
render_cache_new(void)
{
	return calloc(1, sizeof(struct render_cache));
}

void
render_cache_clear(struct render_cache *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < RENDER_CACHE_ENTRIES; i++) {
		render_blob_done(&c->e[i].blob);
		c->e[i].used = false;
	}
}

void
render_cache_free(struct render_cache *c)
{
	render_cache_clear(c);
	free(c);
}

unsigned long
render_cache_misses(const struct render_cache *c)
{
	return c ? c->misses : 0;
}

/* FNV-1a over 8-byte words: ~1 ms for a 1024x1024 image; the one kept
 * in img when render_image_hash() stored it. */
static uint64_t
pixel_hash(const struct image *img)
{
	size_t n = (size_t)img->w * img->h * 3, i;
	uint64_t h = 1469598103934665603ull;

	if (img->hashed)
		return img->hash;
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t v;

		memcpy(&v, img->rgb + i, 8);
		h = (h ^ v) * 1099511628211ull;
	}
	for (; i < n; i++)
		h = (h ^ img->rgb[i]) * 1099511628211ull;
	return h;
}

uint64_t
render_image_hash(struct image *img)
{
	if (img != NULL && img->rgb != NULL && !img->hashed) {
		img->hash = pixel_hash(img);
		img->hashed = 1;
	}
	return img != NULL ? img->hash : 0;
}

static bool
same_opts(const struct render_opts *a, const struct render_opts *b)
{
	return a->mode == b->mode && a->cols == b->cols && a->rows == b->rows &&
	    a->cell_w == b->cell_w && a->cell_h == b->cell_h &&
	    a->max_w == b->max_w && a->max_h == b->max_h &&
	    a->colors == b->colors && a->upscale == b->upscale &&
	    a->passthrough == b->passthrough && a->kitty_id == b->kitty_id &&
	    a->depth == b->depth;
}

/* The entry for (h, img, opts), or NULL; *victim: where a new one goes. */
static struct cache_entry *
cache_find(struct render_cache *c, uint64_t h, const struct image *img,
    const struct render_opts *opts, struct cache_entry **victim)
{
	int i;

	*victim = NULL;
	c->clock++;
	for (i = 0; i < RENDER_CACHE_ENTRIES; i++) {
		struct cache_entry *e = &c->e[i];

		if (e->used && e->hash == h && e->w == img->w &&
		    e->h == img->h && same_opts(&e->opts, opts)) {
			e->stamp = c->clock;
			return e;
		}
		/* victim: a free slot, else the least recently used */
		if (!e->used) {
			if (*victim == NULL || (*victim)->used)
				*victim = e;
		} else if (*victim == NULL || ((*victim)->used &&
		    e->stamp < (*victim)->stamp))
			*victim = e;
	}
	return NULL;
}

static void
cache_fill(struct render_cache *c, struct cache_entry *v, uint64_t h,
    const struct image *img, const struct render_opts *opts)
{
	v->used = true;
	v->hash = h;
	v->w = img->w;
	v->h = img->h;
	v->opts = *opts;
	v->stamp = c->clock;
}

const struct render_blob *
render_cache_get(struct render_cache *c, const struct image *img,
    const struct render_opts *opts, char *err, size_t errsz)
{
	struct cache_entry *e, *victim;
	uint64_t h;

	if (c == NULL || img == NULL || img->rgb == NULL || opts == NULL) {
		snprintf(err, errsz, "render: no cache or image");
		return NULL;
	}
	h = pixel_hash(img);
	if ((e = cache_find(c, h, img, opts, &victim)) != NULL)
		return &e->blob;
	c->misses++;
	render_blob_done(&victim->blob);
	victim->used = false;
	if (render_image(img, opts, &victim->blob, err, errsz) != 0)
		return NULL;
	cache_fill(c, victim, h, img, opts);
	return &victim->blob;
}

const struct render_blob *
render_cache_peek(struct render_cache *c, const struct image *img,
    const struct render_opts *opts)
{
	struct cache_entry *e, *victim;

	if (c == NULL || img == NULL || img->rgb == NULL || opts == NULL)
		return NULL;
	e = cache_find(c, pixel_hash(img), img, opts, &victim);
	return e != NULL ? &e->blob : NULL;
}

const struct render_blob *
render_cache_put(struct render_cache *c, const struct image *img,
    const struct render_opts *opts, struct render_blob *blob)
{
	struct cache_entry *e, *victim;
	uint64_t h;

	if (c == NULL || img == NULL || img->rgb == NULL || opts == NULL ||
	    blob == NULL || blob->data == NULL)
		return NULL;
	h = pixel_hash(img);
	if ((e = cache_find(c, h, img, opts, &victim)) == NULL)
		e = victim;
	render_blob_done(&e->blob);
	e->blob = *blob;
	memset(blob, 0, sizeof *blob);
	cache_fill(c, e, h, img, opts);
	return &e->blob;
}
