/*
 * tests/bench/render_tool.c: helpers for tests/bench/bench_render.py.
 *   render_tool gen SRC OUT.png        1024x1024 photo-like PNG from SRC:
 *                                       bilinear 2x upscale + fixed grain
 *   render_tool psnr SRC OUT.six [W H] decode OUT.six with libsixel, scale
 *                                       SRC (area average) to the decoded
 *                                       size, print "PSNR W H"
 *   render_tool scale SRC W H OUT.png  SRC area-averaged to W x H
 *   render_tool gen SRC OUT.png SIZE   as gen, SIZE x SIZE
 *   render_tool jpeg SRC OUT.jpg Q     SRC as JPEG (libjpeg-turbo, 4:2:0)
 *   render_tool webp SRC OUT.webp Q    SRC as lossy WebP (libwebp)
 *   render_tool stages FILE BOXW BOXH RUNS
 *                                      the stages of `r8play show --width
 *                                      BOXW --height BOXH` (render_prepare,
 *                                      the same code) RUNS times: median ms
 *                                      of read, decode, scale, quantise,
 *                                      encode, write, one line
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include <sixel.h>
#include <turbojpeg.h>
#include <webp/encode.h>

#include "render/fit.h"
#include "render/image.h"
#include "render/kitty.h"
#include "render/render.h"

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL ||
	    fread(p, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "render_tool: cannot read %s\n", path);
		exit(1);
	}
	fclose(fp);
	*len = (size_t)n;
	return p;
}

static struct image *
load(const char *path)
{
	char err[256];
	size_t len;
	unsigned char *p = slurp(path, &len);
	struct image *img = image_decode(p, len, 0, err, sizeof err);

	free(p);
	if (img == NULL) {
		fprintf(stderr, "render_tool: %s: %s\n", path, err);
		exit(1);
	}
	return img;
}

static void
save_png(const struct image *img, const char *path)
{
	char err[256];
	unsigned char *png;
	size_t len;
	FILE *fp;

	if (kitty_png_encode(img->rgb, img->w, img->h, &png, &len, err,
	    sizeof err) != 0 || (fp = fopen(path, "wb")) == NULL ||
	    fwrite(png, 1, len, fp) != len || fclose(fp) != 0) {
		fprintf(stderr, "render_tool: cannot write %s\n", path);
		exit(1);
	}
	free(png);
}

static int
gen(const char *src, const char *out, int size)
{
	struct image *s = load(src), *d;
	char err[256];
	uint32_t seed = 12345;
	int x, y, c;

	if ((d = image_new(size, size, err, sizeof err)) == NULL)
		return 1;
	for (y = 0; y < d->h; y++)
		for (x = 0; x < d->w; x++) {
			double fx = (x + .5) * s->w / d->w - .5;
			double fy = (y + .5) * s->h / d->h - .5;
			int x0 = fx < 0 ? 0 : (int)fx, y0 = fy < 0 ? 0 : (int)fy;
			int x1 = x0 + 1 < s->w ? x0 + 1 : x0;
			int y1 = y0 + 1 < s->h ? y0 + 1 : y0;
			double ax = fx - x0, ay = fy - y0;
			int g;

			if (ax < 0)
				ax = 0;
			if (ay < 0)
				ay = 0;
			seed = seed * 1103515245u + 12345u;
			g = (int)((seed >> 16) % 9) - 4;	/* film grain */
			for (c = 0; c < 3; c++) {
				double v = (1 - ay) * ((1 - ax) *
				    s->rgb[(y0 * s->w + x0) * 3 + c] + ax *
				    s->rgb[(y0 * s->w + x1) * 3 + c]) + ay *
				    ((1 - ax) * s->rgb[(y1 * s->w + x0) * 3 + c] +
				    ax * s->rgb[(y1 * s->w + x1) * 3 + c]) + g;

				d->rgb[(y * d->w + x) * 3 + c] = (unsigned char)
				    (v < 0 ? 0 : v > 255 ? 255 : v + .5);
			}
		}
	save_png(d, out);
	image_free(s);
	image_free(d);
	return 0;
}

static int
psnr(const char *src, const char *six)
{
	struct image *s = load(src), *ref;
	unsigned char *data, *px = NULL, *pal = NULL;
	char err[256];
	size_t len;
	int w, h, ncol, i;
	double se = 0;

	data = slurp(six, &len);
	if (sixel_decode_raw(data, (int)len, &px, &w, &h, &pal, &ncol, NULL) !=
	    SIXEL_OK) {
		fprintf(stderr, "render_tool: %s: not a decodable sixel\n", six);
		return 1;
	}
	if ((ref = fit_scale(s, w, h, err, sizeof err)) == NULL) {
		fprintf(stderr, "render_tool: %s\n", err);
		return 1;
	}
	for (i = 0; i < w * h; i++) {
		int c;

		for (c = 0; c < 3; c++) {
			double d = (double)pal[px[i] * 3 + c] - ref->rgb[i * 3 + c];

			se += d * d;
		}
	}
	se /= (double)w * h * 3;
	printf("%.2f %d %d\n", se > 0 ? 10 * log10(255.0 * 255.0 / se) : 99.0,
	    w, h);
	free(px);
	free(pal);
	free(data);
	image_free(s);
	image_free(ref);
	return 0;
}

static void
save(const char *path, const unsigned char *p, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(p, 1, len, fp) != len || fclose(fp) != 0) {
		fprintf(stderr, "render_tool: cannot write %s\n", path);
		exit(1);
	}
}

static int
enc_jpeg(const char *src, const char *out, int q)
{
	struct image *s = load(src);
	tjhandle tj = tjInitCompress();
	unsigned char *jpg = NULL;
	unsigned long len = 0;

	if (tj == NULL || tjCompress2(tj, s->rgb, s->w, s->w * 3, s->h, TJPF_RGB,
	    &jpg, &len, TJSAMP_420, q, 0) != 0) {
		fprintf(stderr, "render_tool: jpeg: %s\n", tjGetErrorStr2(tj));
		return 1;
	}
	save(out, jpg, len);
	tjFree(jpg);
	tjDestroy(tj);
	image_free(s);
	return 0;
}

static int
enc_webp(const char *src, const char *out, int q)
{
	struct image *s = load(src);
	uint8_t *w = NULL;
	size_t len = WebPEncodeRGB(s->rgb, s->w, s->h, s->w * 3, (float)q, &w);

	if (len == 0) {
		fprintf(stderr, "render_tool: webp: encoding failed\n");
		return 1;
	}
	save(out, w, len);
	WebPFree(w);
	image_free(s);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define STAGES	6
static int
stages(const char *path, int bw, int bh, int runs)
{
	static const char *name[STAGES] = { "read", "decode", "scale",
	    "quantise", "encode", "write" };
	double t[STAGES][64];
	struct render_opts o;
	struct render_stats st;
	int r, k;

	if (runs < 1 || runs > 64)
		runs = 9;
	memset(&o, 0, sizeof o);
	o.mode = RENDER_MODE_SIXEL;
	o.cell_w = FIT_DEFAULT_CELL_W;
	o.cell_h = FIT_DEFAULT_CELL_H;
	o.max_w = bw;
	o.max_h = bh;
	o.cols = (bw + o.cell_w - 1) / o.cell_w;
	o.rows = (bh + o.cell_h - 1) / o.cell_h;
	for (r = 0; r < runs; r++) {
		struct render_blob b;
		char err[256];
		unsigned char *data;
		size_t len;
		double t0 = render_now_ms();
		int fd;

		memset(&st, 0, sizeof st);
		data = slurp(path, &len);
		st.read_ms = render_now_ms() - t0;
		if (render_prepare(data, len, 0, &o, &b, NULL, &st, err,
		    sizeof err) != 0) {
			fprintf(stderr, "render_tool: %s: %s\n", path, err);
			return 1;
		}
		free(data);
		t0 = render_now_ms();
		fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || write(fd, b.data, b.len) != (ssize_t)b.len) {
			fprintf(stderr, "render_tool: write failed\n");
			return 1;
		}
		close(fd);
		t[5][r] = render_now_ms() - t0;
		t[0][r] = st.read_ms;
		t[1][r] = st.decode_ms;
		t[2][r] = st.scale_ms;
		t[3][r] = st.quant_ms;
		t[4][r] = st.encode_ms;
		render_blob_done(&b);
	}
	for (k = 0; k < STAGES; k++) {
		qsort(t[k], (size_t)runs, sizeof t[k][0], cmp_double);
		printf("%s%s %.1f", k ? " " : "", name[k], t[k][runs / 2]);
	}
	printf(" decoded %dx%d out %dx%d\n", st.dec_w, st.dec_h, st.out_w,
	    st.out_h);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], argv[3], 1024);
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], argv[3], atoi(argv[4]));
	if (argc == 5 && strcmp(argv[1], "jpeg") == 0)
		return enc_jpeg(argv[2], argv[3], atoi(argv[4]));
	if (argc == 5 && strcmp(argv[1], "webp") == 0)
		return enc_webp(argv[2], argv[3], atoi(argv[4]));
	if (argc == 6 && strcmp(argv[1], "stages") == 0)
		return stages(argv[2], atoi(argv[3]), atoi(argv[4]),
		    atoi(argv[5]));
	if (argc == 4 && strcmp(argv[1], "psnr") == 0)
		return psnr(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "scale") == 0) {
		struct image *s = load(argv[2]), *d;
		char err[256];

		d = fit_scale(s, atoi(argv[3]), atoi(argv[4]), err, sizeof err);
		if (d == NULL) {
			fprintf(stderr, "render_tool: %s\n", err);
			return 1;
		}
		save_png(d, argv[5]);
		return 0;
	}
	fputs("usage: render_tool gen SRC OUT [SIZE] | psnr SRC SIXEL | "
	    "scale SRC W H OUT | jpeg|webp SRC OUT Q | stages FILE W H RUNS\n",
	    stderr);
	return 2;
}
