/*
 * render/sixel.c: our sixel encoder.
 *
 * Why not libsixel's encoder (it is linked, and the tests decode with it):
 * measured on this machine, img2sixel spends most of its time in palette
 * construction and error diffusion, and Floyd-Steinberg noise both costs
 * PSNR against the source and defeats run-length coding (more bytes). With
 * dithering off libsixel's palette bands visibly. This encoder builds a
 * variance-minimising median-cut palette over a 15-bit histogram (split
 * each box where the two halves' squared error is least), maps every pixel
 * through a 32768-entry lookup table refined by one nearest-colour pass,
 * and writes bands with run-length coding, one colour at a time over that
 * colour's column span. It is faster than img2sixel and chafa, smaller
 * than img2sixel's output and at least as close to the source (see
 * tests/bench/bench_render.py). libsixel 1.10.3 also has an open heap
 * overflow in its encoder (libsixel#72), another reason not to feed it.
 */
#include "render/sixel.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "render/buf.h"
#include "render/par.h"

#define HBITS	5
#define HSIZE	SIXEL_LUT_SIZE
#define KEY(r, g, b) ((((unsigned)(r) >> 3) << 10) | \
	(((unsigned)(g) >> 3) << 5) | ((unsigned)(b) >> 3))

/*
 * One bin per 15-bit colour: pixel count and channel sums side by side
 * (one cache line per pixel). 32 bits hold the sums of up to
 * HIST_MAX_PIXELS pixels of 255.
 */
#define HIST_MAX_PIXELS	(UINT32_MAX / 255u)
struct hist {
	struct {
		uint32_t n, s[3];
	} b[HSIZE];
};

struct qbox {
	int		lo, hi;		/* range in the used-bin array */
	double		gain;		/* SSE removed by the best split */
	int		axis, cut;	/* split: channel value >> 3 < cut */
};

/* Mean of a bin, channel c (0..255). */
static double
bin_mean(const struct hist *hs, unsigned k, int c)
{
	return (double)hs->b[k].s[c] / hs->b[k].n;
}

/* Find the box's best split (largest drop in squared error). */
static void
box_eval(struct qbox *bx, const uint16_t *bins, const struct hist *hs)
{
	double cnt[32], s[32][3], sq[32];
	double best = -1, tot_n = 0, tot_s[3] = { 0, 0, 0 }, tot_sq = 0;
	int axis, i, t, c;

	bx->gain = -1;
	if (bx->hi - bx->lo < 2)
		return;
	for (axis = 0; axis < 3; axis++) {
		double ln = 0, ls[3] = { 0, 0, 0 }, lsq = 0;
		int shift = axis == 0 ? 10 : axis == 1 ? 5 : 0;

		memset(cnt, 0, sizeof cnt);
		memset(s, 0, sizeof s);
		memset(sq, 0, sizeof sq);
		for (i = bx->lo; i < bx->hi; i++) {
			unsigned k = bins[i];
			int q = (int)((k >> shift) & 31);
			double n = hs->b[k].n;

			cnt[q] += n;
			for (c = 0; c < 3; c++) {
				double m = bin_mean(hs, k, c);

				s[q][c] += n * m;
				sq[q] += n * m * m;
			}
		}
		if (axis == 0) {
			for (t = 0; t < 32; t++) {
				tot_n += cnt[t];
				tot_sq += sq[t];
				for (c = 0; c < 3; c++)
					tot_s[c] += s[t][c];
			}
		}
		for (t = 1; t < 32; t++) {
			double rn, e;

			ln += cnt[t - 1];
			lsq += sq[t - 1];
			for (c = 0; c < 3; c++)
				ls[c] += s[t - 1][c];
			rn = tot_n - ln;
			if (ln <= 0 || rn <= 0)
				continue;
			e = lsq - (ls[0] * ls[0] + ls[1] * ls[1] +
			    ls[2] * ls[2]) / ln;
			e += (tot_sq - lsq) - ((tot_s[0] - ls[0]) *
			    (tot_s[0] - ls[0]) + (tot_s[1] - ls[1]) *
			    (tot_s[1] - ls[1]) + (tot_s[2] - ls[2]) *
			    (tot_s[2] - ls[2])) / rn;
			if (best < 0 || e < best) {
				best = e;
				bx->axis = axis;
				bx->cut = t;
			}
		}
	}
	if (best >= 0)
		bx->gain = (tot_sq - (tot_s[0] * tot_s[0] + tot_s[1] *
		    tot_s[1] + tot_s[2] * tot_s[2]) / tot_n) - best;
}

/* Histogram of one half of the pixels (part 1 into its own table). */
struct hist_job {
	const unsigned char	*rgb;
	size_t			 npx;
	struct hist		*hs[2];
};

static void
hist_part(void *arg, int part)
{
	struct hist_job *j = arg;
	struct hist *hs = j->hs[part];
	const unsigned char *rgb;
	size_t lo, hi, p;

	par_split(j->npx, part, &lo, &hi);
	rgb = j->rgb + lo * 3;
	for (p = lo; p < hi; p++, rgb += 3) {
		unsigned k = KEY(rgb[0], rgb[1], rgb[2]);

		hs->b[k].n++;
		hs->b[k].s[0] += rgb[0];
		hs->b[k].s[1] += rgb[1];
		hs->b[k].s[2] += rgb[2];
	}
}

/*
 * nearest() over a palette sorted by green (the heaviest weight): start
 * where green matches and walk outwards both ways, stopping each way once
 * green alone is further than the best so far. The distance weighs
 * red 3, green 4, blue 2; ties go to the lower entry, as a plain scan
 * would give.
 */
struct gsort {
	int		 n;
	int		 idx[SIXEL_MAX_COLORS];
	int		 g[SIXEL_MAX_COLORS];
};

static int
nearest_g(const unsigned char *pal, const struct gsort *gs, int r, int g,
    int b)
{
	int lo = 0, hi = gs->n, up, dn, best = 0;
	long bd = -1;

	while (lo < hi) {	/* first entry with green >= g */
		int mid = (lo + hi) / 2;

		if (gs->g[mid] < g)
			lo = mid + 1;
		else
			hi = mid;
	}
	up = lo;
	dn = lo - 1;
	while (up < gs->n || dn >= 0) {
		int k;

		for (k = 0; k < 2; k++) {
			int j = k == 0 ? up : dn, i;
			long dr, dg, db, d;

			if (j < 0 || j >= gs->n)
				continue;
			dg = g - gs->g[j];
			if (bd >= 0 && dg * dg * 4 > bd) {
				if (k == 0)
					up = gs->n;
				else
					dn = -1;
				continue;
			}
			i = gs->idx[j];
			dr = r - pal[i * 3];
			db = b - pal[i * 3 + 2];
			d = dr * dr * 3 + dg * dg * 4 + db * db * 2;
			if (bd < 0 || d < bd || (d == bd && i < best)) {
				bd = d;
				best = i;
			}
			if (k == 0)
				up++;
			else
				dn--;
		}
	}
	return best;
}

static void
gsort_init(struct gsort *gs, const unsigned char *pal, int n)
{
	int i, j;

	gs->n = n;
	for (i = 0; i < n; i++) {	/* insertion sort: n <= 256 */
		int g = pal[i * 3 + 1];

		for (j = i; j > 0 && gs->g[j - 1] > g; j--) {
			gs->g[j] = gs->g[j - 1];
			gs->idx[j] = gs->idx[j - 1];
		}
		gs->g[j] = g;
		gs->idx[j] = i;
	}
}

/* The Lloyd step over one half of the used bins. */
struct lloyd_job {
	const struct hist	*hs;
	const uint16_t		*bins;
	int			 nb, nbox;
	const struct gsort	*gs;
	const unsigned char	*pal;
	uint8_t			*lut;
	uint64_t		(*acc[2])[4];
};

static void
lloyd_part(void *arg, int part)
{
	struct lloyd_job *l = arg;
	uint64_t (*acc)[4] = l->acc[part];
	size_t lo, hi, j;
	int c;

	par_split((size_t)l->nb, part, &lo, &hi);
	for (j = lo; j < hi; j++) {
		unsigned k = l->bins[j];
		int e = nearest_g(l->pal, l->gs,
		    (int)(bin_mean(l->hs, k, 0) + .5),
		    (int)(bin_mean(l->hs, k, 1) + .5),
		    (int)(bin_mean(l->hs, k, 2) + .5));

		l->lut[k] = (uint8_t)e;
		acc[e][3] += l->hs->b[k].n;
		for (c = 0; c < 3; c++)
			acc[e][c] += l->hs->b[k].s[c];
	}
}

/*
 * Palette and a bin -> entry table; 0 or -1 on ENOMEM. The histogram and
 * the Lloyd step run on two cores for big images; the result is the same
 * either way (sums are exact integers).
 */
static int
quantize(const unsigned char *rgb, size_t npx, int colors,
    unsigned char *pal, int *npal, uint8_t *lut)
{
	struct hist *hs, *hs2;
	void *hmem;
	struct hist_job hj;
	uint16_t *bins;
	struct qbox box[SIXEL_MAX_COLORS];
	int nb = 0, nbox, i, j, c;
	int two = npx >= (size_t)PAR_MIN_PIXELS;

	if (npx > HIST_MAX_PIXELS)
		return -1;
	/* both tables in one populated mapping: no fault per page */
	hmem = mmap(NULL, 2 * sizeof *hs, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (hmem == MAP_FAILED)
		return -1;
	hs = hmem;
	hs2 = hs + 1;
	if ((bins = malloc(HSIZE * sizeof *bins)) == NULL) {
		munmap(hmem, 2 * sizeof *hs);
		return -1;
	}
	hj.rgb = rgb;
	hj.npx = npx;
	hj.hs[0] = hs;
	hj.hs[1] = two ? hs2 : hs;
	if (two) {
		par_run2(hist_part, &hj);
		for (i = 0; i < HSIZE; i++) {
			if (hs2->b[i].n == 0)
				continue;
			hs->b[i].n += hs2->b[i].n;
			for (c = 0; c < 3; c++)
				hs->b[i].s[c] += hs2->b[i].s[c];
		}
	} else {
		hist_part(&hj, 0);
		hist_part(&hj, 1);
	}
	for (i = 0; i < HSIZE; i++)
		if (hs->b[i].n != 0)
			bins[nb++] = (uint16_t)i;
	box[0].lo = 0;
	box[0].hi = nb;
	box_eval(&box[0], bins, hs);
	nbox = 1;
	while (nbox < colors) {
		struct qbox *bx = NULL;
		int lo, hi, shift;

		for (i = 0; i < nbox; i++)
			if (box[i].gain > 0 && (bx == NULL ||
			    box[i].gain > bx->gain))
				bx = &box[i];
		if (bx == NULL)
			break;
		shift = bx->axis == 0 ? 10 : bx->axis == 1 ? 5 : 0;
		lo = bx->lo;
		hi = bx->hi - 1;
		while (lo <= hi) {	/* partition: below the cut first */
			if ((int)((bins[lo] >> shift) & 31) < bx->cut)
				lo++;
			else {
				uint16_t t = bins[lo];

				bins[lo] = bins[hi];
				bins[hi--] = t;
			}
		}
		box[nbox].lo = lo;
		box[nbox].hi = bx->hi;
		bx->hi = lo;
		box_eval(bx, bins, hs);
		box_eval(&box[nbox], bins, hs);
		nbox++;
	}
	for (i = 0; i < nbox; i++) {
		uint64_t n = 0, s[3] = { 0, 0, 0 };

		for (j = box[i].lo; j < box[i].hi; j++) {
			unsigned k = bins[j];

			n += hs->b[k].n;
			for (c = 0; c < 3; c++)
				s[c] += hs->b[k].s[c];
			lut[k] = (uint8_t)i;
		}
		for (c = 0; c < 3; c++)
			pal[i * 3 + c] = (unsigned char)(n ? (s[c] + n / 2) / n
			    : 0);
	}
	/*
	 * One Lloyd step: a bin may sit nearer another box's mean than its
	 * own (boxes are axis-aligned); remap it, then recompute the means.
	 * Only when there are enough pixels for the cost to pay off.
	 */
	if (nbox > 1 && npx > (size_t)nb * 2) {
		struct gsort gs;
		struct lloyd_job l = { hs, bins, nb, nbox, &gs, pal, lut,
		    { NULL, NULL } };

		gsort_init(&gs, pal, nbox);

		l.acc[0] = calloc((size_t)nbox, sizeof *l.acc[0]);
		l.acc[1] = calloc((size_t)nbox, sizeof *l.acc[1]);
		if (l.acc[0] != NULL && l.acc[1] != NULL) {
			if (nb >= 2048)
				par_run2(lloyd_part, &l);
			else {
				lloyd_part(&l, 0);
				lloyd_part(&l, 1);
			}
			for (i = 0; i < nbox; i++) {
				uint64_t *a = l.acc[0][i], *b = l.acc[1][i];

				for (c = 0; c < 4; c++)
					a[c] += b[c];
				if (a[3] != 0)
					for (c = 0; c < 3; c++)
						pal[i * 3 + c] = (unsigned char)
						    ((a[c] + a[3] / 2) / a[3]);
			}
		}
		free(l.acc[0]);
		free(l.acc[1]);
	}
	*npal = nbox;
	free(bins);
	munmap(hmem, 2 * sizeof *hs);
	return 0;
}

int
sixel_quantize(const unsigned char *rgb, int w, int h, int colors,
    unsigned char *pal, int *n, unsigned char *index)
{
	uint8_t *lut;
	size_t i, npx = (size_t)w * h;

	if (colors < SIXEL_MIN_COLORS)
		colors = SIXEL_MIN_COLORS;
	if (colors > SIXEL_MAX_COLORS)
		colors = SIXEL_MAX_COLORS;
	if ((lut = calloc(HSIZE, 1)) == NULL)
		return -1;
	if (quantize(rgb, npx, colors, pal, n, lut) != 0) {
		free(lut);
		return -1;
	}
	for (i = 0; i < npx; i++, rgb += 3)
		index[i] = lut[KEY(rgb[0], rgb[1], rgb[2])];
	free(lut);
	return 0;
}

/* 0..255 -> 0..100 as sixel colour registers take it. */
static unsigned
pct(unsigned v)
{
	return (v * 100 + 127) / 255;
}

/* Append "#i" + a run-length coded span of sixel characters. */
static char *
emit_span(char *o, int ci, const uint8_t *bits, int x0, int x1)
{
	int x = 0;

	*o++ = '#';
	o += rbuf_fmtu(o, (unsigned)ci);
	/* after '$' the sixel cursor is back at column 0: skip to x0 */
	if (x0 >= 4) {
		*o++ = '!';
		o += rbuf_fmtu(o, (unsigned)x0);
		*o++ = '?';
	} else
		for (; x < x0; x++)
			*o++ = '?';
	x = x0;
	while (x <= x1) {
		uint8_t v = bits[x];
		int n = 1;

		while (x + n <= x1 && bits[x + n] == v)
			n++;
		if (n >= 4) {
			*o++ = '!';
			o += rbuf_fmtu(o, (unsigned)n);
			*o++ = (char)(63 + v);
		} else {
			int k;

			for (k = 0; k < n; k++)
				*o++ = (char)(63 + v);
		}
		x += n;
	}
	return o;
}

int
sixel_palette(const unsigned char *rgb, int w, int h, int colors,
    struct sixel_pal *p)
{
	if (rgb == NULL || w < 1 || h < 1)
		return -1;
	if (colors <= 0 || colors > SIXEL_MAX_COLORS)
		colors = SIXEL_MAX_COLORS;
	if (colors < SIXEL_MIN_COLORS)
		colors = SIXEL_MIN_COLORS;
	memset(p->lut, 0, sizeof p->lut);
	return quantize(rgb, (size_t)w * h, colors, p->rgb, &p->n, p->lut);
}

int
sixel_encode_rgb(const unsigned char *rgb, int w, int h, int colors,
    unsigned char **out, size_t *outlen, char *err, size_t errsz)
{
	struct sixel_pal *p;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (rgb == NULL || w < 1 || h < 1 || w > 16384 || h > 16384) {
		snprintf(err, errsz, "sixel: bad image size %dx%d", w, h);
		return -1;
	}
	if ((p = malloc(sizeof *p)) == NULL ||
	    sixel_palette(rgb, w, h, colors, p) != 0) {
		free(p);
		snprintf(err, errsz, "sixel: out of memory for %dx%d", w, h);
		return -1;
	}
	rc = sixel_encode_pal(rgb, w, h, p, out, outlen, err, errsz);
	free(p);
	return rc;
}

int
sixel_encode_pal(const unsigned char *rgb, int w, int h,
    const struct sixel_pal *sp, unsigned char **out, size_t *outlen,
    char *err, size_t errsz)
{
	struct rbuf b = { 0 };
	const unsigned char *pal = sp->rgb;
	const uint8_t *lut = sp->lut;
	uint8_t *bits = NULL;
	int minx[SIXEL_MAX_COLORS], maxx[SIXEL_MAX_COLORS];
	int used[SIXEL_MAX_COLORS];
	int npal = sp->n, y0, i, x;

	*out = NULL;
	*outlen = 0;
	if (rgb == NULL || w < 1 || h < 1 || w > 16384 || h > 16384 ||
	    npal < 1 || npal > SIXEL_MAX_COLORS) {
		snprintf(err, errsz, "sixel: bad image size %dx%d", w, h);
		return -1;
	}
	bits = calloc((size_t)SIXEL_MAX_COLORS, (size_t)w);
	if (bits == NULL)
		goto nomem;
	rbuf_puts(&b, "\033P0;1;0q\"1;1;");
	rbuf_putu(&b, (unsigned)w);
	rbuf_putc(&b, ';');
	rbuf_putu(&b, (unsigned)h);
	for (i = 0; i < npal; i++) {
		rbuf_putc(&b, '#');
		rbuf_putu(&b, (unsigned)i);
		rbuf_puts(&b, ";2;");
		rbuf_putu(&b, pct(pal[i * 3]));
		rbuf_putc(&b, ';');
		rbuf_putu(&b, pct(pal[i * 3 + 1]));
		rbuf_putc(&b, ';');
		rbuf_putu(&b, pct(pal[i * 3 + 2]));
	}
	for (i = 0; i < SIXEL_MAX_COLORS; i++)
		minx[i] = -1;
	for (y0 = 0; y0 < h; y0 += 6) {
		int nused = 0, r, rows = h - y0 < 6 ? h - y0 : 6;
		char *o;

		for (r = 0; r < rows; r++) {
			const unsigned char *p = rgb + ((size_t)(y0 + r) * w) * 3;

			for (x = 0; x < w; x++, p += 3) {
				int ci = lut[KEY(p[0], p[1], p[2])];

				if (minx[ci] < 0) {
					minx[ci] = maxx[ci] = x;
					used[nused++] = ci;
				} else {
					if (x < minx[ci])
						minx[ci] = x;
					if (x > maxx[ci])
						maxx[ci] = x;
				}
				bits[(size_t)ci * w + x] |= (uint8_t)(1u << r);
			}
		}
		/* worst case per colour: #255 !NNNNN? + 1 char per column + $ */
		if (!rbuf_reserve(&b, (size_t)nused * ((size_t)w + 16) + 2))
			goto nomem;
		o = (char *)b.data + b.len;
		for (i = 0; i < nused; i++) {
			int ci = used[i];
			uint8_t *row = bits + (size_t)ci * w;

			o = emit_span(o, ci, row, minx[ci], maxx[ci]);
			*o++ = i + 1 < nused ? '$' : '-';
			memset(row + minx[ci], 0, (size_t)(maxx[ci] -
			    minx[ci] + 1));
			minx[ci] = -1;
		}
		b.len = (size_t)((unsigned char *)o - b.data);
	}
	if (b.len > 0 && b.data[b.len - 1] == '-')
		b.len--;	/* no graphics newline after the last band */
	rbuf_puts(&b, "\033\\");
	if (b.failed)
		goto nomem;
	free(bits);
	*out = b.data;
	*outlen = b.len;
	return 0;
nomem:
	free(bits);
	rbuf_done(&b);
	snprintf(err, errsz, "sixel: out of memory or over %u bytes for "
	    "%dx%d", RBUF_MAX, w, h);
	return -1;
}
