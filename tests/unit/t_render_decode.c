/*
 * tests/unit/t_render_decode.c: decoding to the drawn size
 * (image_decode_fit): JPEG shrunk in the DCT by n/8 to at least the size
 * asked, WebP decoded straight to it, PNG (libspng) whole; the result
 * close to full decode plus area averaging; image_probe() sizes; and
 * render_prepare() giving the bytes of decode + render_image() when
 * nothing shrinks, a fitted size from the picture's own size when it does.
 */
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "tests/unit/render_t.h"
#include "tests/unit/t.h"

#define DIR	"tests/fixtures/images/"

/* PSNR of a (shrunk) decode against the full decode area-averaged. */
static double
close_to_full(const unsigned char *p, size_t len, const struct image *small)
{
	char err[256];
	struct image *full = image_decode(p, len, 0, err, sizeof err);
	struct image *ref = full ? fit_scale(full, small->w, small->h, err,
	    sizeof err) : NULL;
	double q = ref ? rt_psnr(ref->rgb, small->rgb,
	    (size_t)small->w * small->h * 3) : 0;

	image_free(full);
	image_free(ref);
	return q;
}

static void
test_jpeg(void)
{
	char err[256];
	size_t len;
	unsigned char *p = rt_slurp(DIR "sdxl-corgi-512.jpg", &len);
	struct image *img;
	int w, h;

	T_OK(p != NULL);
	T_EQ(image_probe(p, len, &w, &h), 0);
	T_EQ(w, 512);
	T_EQ(h, 512);
	img = image_decode_fit(p, len, 0, 0, 0, err, sizeof err);
	T_OK(img && img->w == 512 && img->h == 512);
	image_free(img);
	/* 256 is 4/8 exactly */
	img = image_decode_fit(p, len, 0, 256, 256, err, sizeof err);
	T_OK(img && img->w == 256 && img->h == 256);
	T_OK(img && close_to_full(p, len, img) > 30);
	image_free(img);
	/* 300 needs 5/8 (320): never smaller than asked */
	img = image_decode_fit(p, len, 0, 300, 300, err, sizeof err);
	T_OK(img && img->w == 320 && img->h == 320);
	image_free(img);
	/* 40 gets 1/8 (64) */
	img = image_decode_fit(p, len, 0, 40, 40, err, sizeof err);
	T_OK(img && img->w == 64 && img->h == 64);
	image_free(img);
	/* bigger than the picture: full size, never grown */
	img = image_decode_fit(p, len, 0, 900, 900, err, sizeof err);
	T_OK(img && img->w == 512);
	image_free(img);
	/* truncated: an error or a picture, never a crash */
	img = image_decode_fit(p, len / 3, 0, 100, 100, err, sizeof err);
	T_OK(img != NULL || err[0] != '\0');
	image_free(img);
	img = image_decode_fit(p, 40, 0, 100, 100, err, sizeof err);
	T_OK(img == NULL && err[0] != '\0');
	free(p);
}

static void
test_webp_png(void)
{
	char err[256];
	size_t len;
	unsigned char *p = rt_slurp(DIR "sdxl-corgi-512.webp", &len);
	struct image *img;
	int w, h;

	T_OK(p != NULL);
	T_EQ(image_probe(p, len, &w, &h), 0);
	T_OK(w == 512 && h == 512);
	img = image_decode_fit(p, len, 0, 200, 200, err, sizeof err);
	T_OK(img && img->w == 200 && img->h == 200);
	T_OK(img && close_to_full(p, len, img) > 30);
	image_free(img);
	free(p);

	p = rt_slurp(DIR "sdxl-corgi-512.png", &len);
	T_OK(p != NULL);
	T_EQ(image_probe(p, len, &w, &h), 0);
	T_OK(w == 512 && h == 512);
	/* PNG decodes whole whatever is asked */
	img = image_decode_fit(p, len, 0, 100, 100, err, sizeof err);
	T_OK(img && img->w == 512 && img->h == 512);
	image_free(img);
	T_EQ(image_probe("nope", 4, &w, &h), -1);
	T_EQ(w, 0);
	free(p);
}

static void
test_prepare(void)
{
	char err[256];
	size_t len;
	unsigned char *p = rt_slurp(DIR "sdxl-corgi-512.png", &len);
	unsigned char *j = NULL;
	struct render_opts o;
	struct render_blob a, b;
	struct render_stats st;
	struct image *img, *kept;

	memset(&o, 0, sizeof o);
	o.mode = RENDER_MODE_SIXEL;
	o.cols = 20;
	o.rows = 8;
	o.cell_w = 10;
	o.cell_h = 20;
	/* PNG: the same bytes as decode + render_image */
	img = image_decode(p, len, 0, err, sizeof err);
	T_EQ(render_image(img, &o, &a, err, sizeof err), 0);
	memset(&st, 0, sizeof st);
	T_EQ(render_prepare(p, len, 0, &o, &b, &kept, &st, err, sizeof err),
	    0);
	T_OK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	T_OK(kept != NULL && kept->w == 512);
	T_OK(st.src_w == 512 && st.dec_w == 512 && st.out_w == 160 &&
	    st.out_h == 160);
	T_OK(st.decode_ms > 0 && st.quant_ms > 0 && st.encode_ms > 0);
	render_blob_done(&a);
	render_blob_done(&b);
	image_free(kept);
	image_free(img);
	free(p);
	/* JPEG: shrunk to 192 (3/8) while decoding, drawn at 160 like the
	 * full decode would be, in as many cells */
	p = rt_slurp(DIR "sdxl-corgi-512.jpg", &len);
	img = image_decode(p, len, 0, err, sizeof err);
	T_EQ(render_image(img, &o, &a, err, sizeof err), 0);
	memset(&st, 0, sizeof st);
	T_EQ(render_prepare(p, len, 0, &o, &b, NULL, &st, err, sizeof err),
	    0);
	T_EQ(st.dec_w, 192);
	T_EQ(st.out_w, 160);
	T_EQ(st.out_h, 160);
	T_OK(a.cols == b.cols && a.rows == b.rows);
	render_blob_done(&a);
	render_blob_done(&b);
	image_free(img);
	/* errors leave *out zeroed */
	T_EQ(render_prepare("zz", 2, 0, &o, &b, NULL, NULL, err, sizeof err),
	    -1);
	T_OK(b.data == NULL && err[0] != '\0');
	T_EQ(render_prepare(p, len, 0, NULL, &b, NULL, NULL, err, sizeof err),
	    -1);
	free(p);
	free(j);
}

int
main(void)
{
	test_jpeg();
	test_webp_png();
	test_prepare();
	return T_SUMMARY();
}
