/*
 * render/fit.c: cell geometry and the area-averaging scaler. The scaler is
 * separable and streams: each source row is scaled horizontally once (rows
 * shared by two output rows are kept), then blended into the output row
 * with its vertical coverage weight. Weights are fixed point (FIT_ONE) and
 * each output's weights sum to exactly FIT_ONE, so flat areas stay exact.
 */
#include "render/fit.h"
#include "render/par.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIT_SHIFT	11
#define FIT_ONE		(1u << FIT_SHIFT)

static int
cell_ok(int w, int h)
{
	return w >= FIT_MIN_CELL && w <= FIT_MAX_CELL && h >= FIT_MIN_CELL &&
	    h <= FIT_MAX_CELL;
}

void
fit_cell_size(const struct fit_geom *g, int *cell_w, int *cell_h)
{
	int w = FIT_DEFAULT_CELL_W, h = FIT_DEFAULT_CELL_H;

	if (g != NULL) {
		if (g->cols > 0 && g->rows > 0 && g->xpixel > 0 &&
		    g->ypixel > 0 && cell_ok(g->xpixel / g->cols,
		    g->ypixel / g->rows)) {
			w = g->xpixel / g->cols;
			h = g->ypixel / g->rows;
		} else if (cell_ok(g->cell16_w, g->cell16_h)) {
			w = g->cell16_w;
			h = g->cell16_h;
		} else if (g->cols > 0 && g->rows > 0 && g->win14_w > 0 &&
		    g->win14_h > 0 && cell_ok(g->win14_w / g->cols,
		    g->win14_h / g->rows)) {
			w = g->win14_w / g->cols;
			h = g->win14_h / g->rows;
		}
	}
	*cell_w = w;
	*cell_h = h;
}

void
fit_box(int img_w, int img_h, int box_w, int box_h, bool upscale,
    int *out_w, int *out_h)
{
	long long w, h;

	if (img_w <= 0 || img_h <= 0 || box_w <= 0 || box_h <= 0) {
		*out_w = *out_h = 0;
		return;
	}
	if (!upscale && img_w <= box_w && img_h <= box_h) {
		*out_w = img_w;
		*out_h = img_h;
		return;
	}
	/* compare img_w/img_h with box_w/box_h without rounding */
	if ((long long)img_w * box_h >= (long long)box_w * img_h) {
		w = box_w;
		h = ((long long)img_h * box_w + img_w / 2) / img_w;
	} else {
		h = box_h;
		w = ((long long)img_w * box_h + img_h / 2) / img_h;
	}
	*out_w = w < 1 ? 1 : (int)w;
	*out_h = h < 1 ? 1 : (int)h;
}

void
fit_cells(int img_w, int img_h, int cols, int rows, int cell_w, int cell_h,
    bool upscale, int *px_w, int *px_h, int *used_cols, int *used_rows)
{
	int w, h;

	if (cell_w <= 0 || cell_h <= 0) {
		cell_w = FIT_DEFAULT_CELL_W;
		cell_h = FIT_DEFAULT_CELL_H;
	}
	if (cols < 1 || rows < 1 || cols > 100000 || rows > 100000) {
		*px_w = *px_h = *used_cols = *used_rows = 0;
		return;
	}
	fit_box(img_w, img_h, cols * cell_w, rows * cell_h, upscale, &w, &h);
	*px_w = w;
	*px_h = h;
	*used_cols = (w + cell_w - 1) / cell_w;
	*used_rows = (h + cell_h - 1) / cell_h;
}

/* Coverage weights of one axis: output i reads n[i] sources from first[i]. */
struct axis {
	int		*first, *n;
	uint16_t	*w;	/* concatenated weights, FIT_ONE per output */
	size_t		*off;
};

static void
axis_done(struct axis *a)
{
	free(a->first);
	free(a->n);
	free(a->w);
	free(a->off);
}

static int
axis_init(struct axis *a, int src, int dst)
{
	size_t total = 0;
	int i;

	memset(a, 0, sizeof *a);
	a->first = calloc((size_t)dst, sizeof *a->first);
	a->n = calloc((size_t)dst, sizeof *a->n);
	a->off = calloc((size_t)dst, sizeof *a->off);
	/* each output covers at most src/dst + 2 sources */
	a->w = calloc((size_t)src + 2 * (size_t)dst, sizeof *a->w);
	if (!a->first || !a->n || !a->off || !a->w) {
		axis_done(a);
		return -1;
	}
	for (i = 0; i < dst; i++) {
		/* output i covers source [i*src/dst, (i+1)*src/dst) */
		uint64_t lo = (uint64_t)i * src * FIT_ONE / dst;
		uint64_t hi = (uint64_t)(i + 1) * src * FIT_ONE / dst;
		uint64_t span = hi - lo, acc = 0;
		int j, k = 0, big = 0;
		uint16_t *w = a->w + total;

		a->first[i] = (int)(lo >> FIT_SHIFT);
		a->off[i] = total;
		for (j = a->first[i]; span > 0 && j < src &&
		    ((uint64_t)j << FIT_SHIFT) < hi; j++) {
			uint64_t s0 = (uint64_t)j << FIT_SHIFT, s1 = s0 + FIT_ONE;
			uint64_t cov;

			if (s0 < lo)
				s0 = lo;
			if (s1 > hi)
				s1 = hi;
			cov = (s1 - s0) * FIT_ONE / span;
			w[k] = (uint16_t)cov;
			acc += cov;
			if (w[k] > w[big])
				big = k;
			k++;
		}
		if (k == 0) {	/* cannot happen for dst, src >= 1; be safe */
			w[0] = FIT_ONE;
			k = 1;
			acc = FIT_ONE;
			if (a->first[i] >= src)
				a->first[i] = src - 1;
		}
		w[big] = (uint16_t)(w[big] + (FIT_ONE - acc));
		a->n[i] = k;
		total += (size_t)k;
	}
	return 0;
}

/* One source row scaled horizontally into out (dst_w*3 values, x FIT_ONE). */
static void
hscale(const unsigned char *row, const struct axis *ax, int dst_w,
    uint32_t *out)
{
	int x, k;

	for (x = 0; x < dst_w; x++) {
		const unsigned char *p = row + (size_t)ax->first[x] * 3;
		const uint16_t *w = ax->w + ax->off[x];
		uint32_t r = 0, g = 0, b = 0;

		for (k = 0; k < ax->n[x]; k++, p += 3) {
			r += p[0] * (uint32_t)w[k];
			g += p[1] * (uint32_t)w[k];
			b += p[2] * (uint32_t)w[k];
		}
		out[x * 3] = r;
		out[x * 3 + 1] = g;
		out[x * 3 + 2] = b;
	}
}

/* One thread's share of fit_scale: output rows [y0, y1). */
struct scale_job {
	const struct image	*src;
	struct image		*dst;
	const struct axis	*ax, *ay;
	int			 failed;
};

static int
scale_rows(const struct image *src, struct image *dst, const struct axis *ax,
    const struct axis *ay, int y0, int y1)
{
	uint32_t *rows[2], *acc;
	int have[2] = { -1, -1 };
	int y, x, k, slot = 0, w = dst->w;
	size_t rowlen = (size_t)w * 3;

	rows[0] = malloc(rowlen * sizeof(uint32_t));
	rows[1] = malloc(rowlen * sizeof(uint32_t));
	acc = malloc(rowlen * sizeof(uint32_t));
	if (!rows[0] || !rows[1] || !acc) {
		free(rows[0]);
		free(rows[1]);
		free(acc);
		return -1;
	}
	for (y = y0; y < y1; y++) {
		const uint16_t *wy = ay->w + ay->off[y];
		unsigned char *o = dst->rgb + (size_t)y * rowlen;

		memset(acc, 0, rowlen * sizeof *acc);
		for (k = 0; k < ay->n[y]; k++) {
			int sy = ay->first[y] + k;
			uint32_t *hr;

			/* keep the last two scaled rows: neighbours share */
			if (have[0] == sy)
				hr = rows[0];
			else if (have[1] == sy)
				hr = rows[1];
			else {
				hr = rows[slot];
				have[slot] = sy;
				slot ^= 1;
				hscale(src->rgb + (size_t)sy * src->w * 3, ax,
				    w, hr);
			}
			for (x = 0; x < (int)rowlen; x++)
				acc[x] += (hr[x] >> 3) * wy[k];
		}
		for (x = 0; x < (int)rowlen; x++) {
			uint32_t v = (acc[x] + (1u << (2 * FIT_SHIFT - 4))) >>
			    (2 * FIT_SHIFT - 3);

			o[x] = (unsigned char)(v > 255 ? 255 : v);
		}
	}
	free(rows[0]);
	free(rows[1]);
	free(acc);
	return 0;
}

static void
scale_part(void *arg, int part)
{
	struct scale_job *j = arg;
	size_t lo, hi;

	par_split((size_t)j->dst->h, part, &lo, &hi);
	if (scale_rows(j->src, j->dst, j->ax, j->ay, (int)lo, (int)hi) != 0)
		j->failed = 1;	/* each part sets it only to 1 */
}

struct image *
fit_scale(const struct image *src, int w, int h, char *err, size_t errsz)
{
	struct image *dst;
	struct axis ax, ay;
	struct scale_job job;

	if (src == NULL || src->rgb == NULL || src->w < 1 || src->h < 1) {
		snprintf(err, errsz, "scale: no source image");
		return NULL;
	}
	if ((dst = image_new(w, h, err, errsz)) == NULL)
		return NULL;
	if (w == src->w && h == src->h) {
		memcpy(dst->rgb, src->rgb, (size_t)w * h * 3);
		return dst;
	}
	if (axis_init(&ax, src->w, w) != 0) {
		image_free(dst);
		snprintf(err, errsz, "scale: out of memory");
		return NULL;
	}
	if (axis_init(&ay, src->h, h) != 0) {
		axis_done(&ax);
		image_free(dst);
		snprintf(err, errsz, "scale: out of memory");
		return NULL;
	}
	job.src = src;
	job.dst = dst;
	job.ax = &ax;
	job.ay = &ay;
	job.failed = 0;
	/* the two halves of the output on the two cores */
	if (h >= 2 && (long)src->w * src->h + (long)w * h >= PAR_MIN_PIXELS)
		par_run2(scale_part, &job);
	else if (scale_rows(src, dst, &ax, &ay, 0, h) != 0)
		job.failed = 1;
	if (job.failed) {
		snprintf(err, errsz, "scale: out of memory");
		image_free(dst);
		dst = NULL;
	}
	axis_done(&ax);
	axis_done(&ay);
	return dst;
}
