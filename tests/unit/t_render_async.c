/*
 * tests/unit/t_render_async.c: the worker thread of render/async.h gives
 * the same bytes as the synchronous path (render_prepare, render_image),
 * in submission order, with a pollable fd that is readable exactly while
 * results wait; cancel of queued, running and finished jobs; free while
 * the worker is busy; the bound on pending jobs; errors as results;
 * file jobs (the worker reads the file) and borrowed images.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "render/async.h"
#include "render/render.h"
#include "tests/unit/render_t.h"
#include "tests/unit/t.h"

#define CORGI	"tests/fixtures/images/sdxl-corgi-512.png"
#define CORGI_J	"tests/fixtures/images/sdxl-corgi-512.jpg"

static int
readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* Wait (up to 20 s) for one result. */
static int
wait_take(struct render_async *a, struct render_result *r)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (render_async_take(a, r) == 1)
			return 1;
		readable(render_async_fd(a), 100);
	}
	return 0;
}

static struct render_opts
sixel_opts(int cols, int rows)
{
	struct render_opts o;

	memset(&o, 0, sizeof o);
	o.mode = RENDER_MODE_SIXEL;
	o.cols = cols;
	o.rows = rows;
	o.cell_w = 10;
	o.cell_h = 20;
	return o;
}

static void
test_same_as_sync(void)
{
	char err[256];
	size_t len, jlen;
	unsigned char *png = rt_slurp(CORGI, &len);
	unsigned char *jpg = rt_slurp(CORGI_J, &jlen);
	struct render_opts o = sixel_opts(30, 10);
	struct render_blob sync_png, sync_jpg, sync_img;
	struct render_result r;
	struct render_async *a;
	struct image *img;
	unsigned long id1, id2, id3, id4;

	T_OK(png != NULL && jpg != NULL);
	T_EQ(render_prepare(png, len, 0, &o, &sync_png, NULL, NULL, err,
	    sizeof err), 0);
	T_EQ(render_prepare(jpg, jlen, 0, &o, &sync_jpg, NULL, NULL, err,
	    sizeof err), 0);
	img = image_decode(png, len, 0, err, sizeof err);
	T_OK(img != NULL);
	T_EQ(render_image(img, &o, &sync_img, err, sizeof err), 0);

	a = render_async_new(err, sizeof err);
	T_OK(a != NULL);
	T_OK(render_async_fd(a) >= 0);
	T_OK(!readable(render_async_fd(a), 0));
	T_EQ(render_async_take(a, &r), 0);
	id1 = render_async_submit(a, png, len, NULL, 0, &o,
	    RENDER_JOB_KEEP_IMAGE, err, sizeof err);
	id2 = render_async_submit(a, jpg, jlen, NULL, 0, &o, 0, err,
	    sizeof err);
	id3 = render_async_submit(a, NULL, 0, img, 0, &o, 0, err, sizeof err);
	id4 = render_async_submit(a, png, len, NULL, 0, NULL, 0, err,
	    sizeof err);
	T_OK(id1 > 0 && id2 > id1 && id3 > id2 && id4 > id3);
	/* the caller's copies may go at once: the jobs hold their own */
	free(png);
	free(jpg);

	T_OK(wait_take(a, &r));
	T_EQ(r.id, id1);
	T_EQ(r.rc, 0);
	T_EQ(r.blob.len, sync_png.len);
	T_OK(r.blob.len == sync_png.len &&
	    memcmp(r.blob.data, sync_png.data, r.blob.len) == 0);
	T_OK(r.img != NULL && r.img->w == 512 && r.img->h == 512);
	T_OK(r.st.decode_ms > 0);
	render_result_done(&r);

	T_OK(wait_take(a, &r));
	T_EQ(r.id, id2);
	T_OK(r.rc == 0 && r.blob.len == sync_jpg.len &&
	    memcmp(r.blob.data, sync_jpg.data, r.blob.len) == 0);
	T_OK(r.img == NULL);
	render_result_done(&r);

	T_OK(wait_take(a, &r));
	T_EQ(r.id, id3);
	T_OK(r.rc == 0 && r.blob.len == sync_img.len &&
	    memcmp(r.blob.data, sync_img.data, r.blob.len) == 0);
	render_result_done(&r);

	/* decode only: the image, pixel for pixel, and no blob */
	T_OK(wait_take(a, &r));
	T_EQ(r.id, id4);
	T_OK(r.rc == 0 && r.img != NULL && r.blob.data == NULL);
	T_OK(r.img != NULL && r.img->w == img->w && memcmp(r.img->rgb,
	    img->rgb, (size_t)img->w * img->h * 3) == 0);
	render_result_done(&r);

	/* nothing left: the fd is quiet again */
	T_OK(!readable(render_async_fd(a), 50));
	T_EQ(render_async_pending(a), 0);
	T_EQ(render_async_cancel(a, id1), -1);	/* taken already */
	render_async_free(a);
	render_blob_done(&sync_png);
	render_blob_done(&sync_jpg);
	render_blob_done(&sync_img);
	image_free(img);
}

static struct image *
big_image(void)
{
	char err[128];
	struct image *img = image_new(2048, 2048, err, sizeof err);
	size_t i, n = (size_t)2048 * 2048 * 3;
	uint32_t seed = 7;

	for (i = 0; img != NULL && i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		img->rgb[i] = (unsigned char)((i / 3 % 2048) / 8 +
		    (seed >> 24) % 32);
	}
	return img;
}

static void
test_cancel_and_free(void)
{
	char err[256];
	struct image *img = big_image();
	struct render_opts o = sixel_opts(100, 50);
	struct render_result r;
	struct render_async *a = render_async_new(err, sizeof err);
	unsigned long ids[4];
	int i, got = 0;

	T_OK(img != NULL && a != NULL);
	for (i = 0; i < 4; i++)
		ids[i] = render_async_submit(a, NULL, 0, img, 0, &o, 0, err,
		    sizeof err);
	T_OK(ids[3] > 0);
	/* the first is running or queued; cancel the second and third */
	T_EQ(render_async_cancel(a, ids[1]), 0);
	T_EQ(render_async_cancel(a, ids[2]), 0);
	T_EQ(render_async_cancel(a, ids[2]), -1);
	T_EQ(render_async_cancel(a, 9999), -1);
	while (wait_take(a, &r)) {
		T_OK(r.id == ids[0] || r.id == ids[3]);
		T_EQ(r.rc, 0);
		got++;
		render_result_done(&r);
		if (got == 2)
			break;
	}
	T_EQ(got, 2);
	T_EQ(render_async_pending(a), 0);

	/* cancel while running: submit, wait until it has started */
	ids[0] = render_async_submit(a, NULL, 0, img, 0, &o, 0, err,
	    sizeof err);
	ids[1] = render_async_submit(a, NULL, 0, img, 0, &o, 0, err,
	    sizeof err);
	T_EQ(render_async_cancel(a, ids[0]), 0);	/* running or queued */
	T_OK(wait_take(a, &r));
	T_EQ(r.id, ids[1]);
	render_result_done(&r);
	T_OK(!readable(render_async_fd(a), 20));

	/* a finished result not taken can be cancelled: the fd goes quiet */
	ids[0] = render_async_submit(a, NULL, 0, img, 0, &o, 0, err,
	    sizeof err);
	T_OK(readable(render_async_fd(a), 20000));
	T_EQ(render_async_cancel(a, ids[0]), 0);
	T_OK(!readable(render_async_fd(a), 0));
	T_EQ(render_async_pending(a), 0);

	/* the bound */
	for (i = 0; i < RENDER_ASYNC_MAX_JOBS; i++)
		T_OK(render_async_submit(a, NULL, 0, img, 0, &o, 0, err,
		    sizeof err) > 0);
	T_EQ(render_async_submit(a, NULL, 0, img, 0, &o, 0, err, sizeof err),
	    0);
	T_OK(strstr(err, "pending") != NULL);
	/* free while busy: the running job finishes, the rest are dropped
	 * (ASan and the leak checker watch this) */
	render_async_free(a);
	image_free(img);
}

static void
test_errors(void)
{
	char err[256];
	struct render_opts o = sixel_opts(10, 5);
	struct render_result r;
	struct render_async *a = render_async_new(err, sizeof err);
	unsigned long id;

	T_OK(a != NULL);
	/* bad calls refuse at once */
	T_EQ(render_async_submit(a, NULL, 0, NULL, 0, &o, 0, err, sizeof err),
	    0);
	T_EQ(render_async_submit(a, "x", 0, NULL, 0, &o, 0, err, sizeof err),
	    0);
	/* a bad image is a result with its message */
	id = render_async_submit(a, "not an image", 12, NULL, 0, &o, 0, err,
	    sizeof err);
	T_OK(id > 0);
	T_OK(wait_take(a, &r));
	T_EQ(r.id, id);
	T_EQ(r.rc, -1);
	T_OK(strstr(r.err, "unknown image format") != NULL);
	T_OK(r.blob.data == NULL && r.img == NULL);
	render_result_done(&r);
	render_result_done(NULL);
	render_async_free(a);
	render_async_free(NULL);
	T_EQ(render_async_take(NULL, &r), 0);
	T_EQ(render_async_fd(NULL), -1);
}

/* The TUI's path: peek the cache, render on the worker, put the blob. */
static void
test_cache_handoff(void)
{
	char err[256];
	size_t len;
	unsigned char *png = rt_slurp(CORGI, &len);
	struct image *img = image_decode(png, len, 0, err, sizeof err);
	struct render_opts o = sixel_opts(20, 8);
	struct render_cache *c = render_cache_new();
	struct render_async *a = render_async_new(err, sizeof err);
	const struct render_blob *b;
	struct render_blob sync;
	struct render_result r;

	T_OK(img != NULL && c != NULL && a != NULL);
	T_OK(render_cache_peek(c, img, &o) == NULL);
	T_OK(render_async_submit(a, NULL, 0, img, 0, &o, 0, err, sizeof err) >
	    0);
	T_OK(wait_take(a, &r));
	T_EQ(r.rc, 0);
	b = render_cache_put(c, img, &o, &r.blob);
	T_OK(b != NULL && r.blob.data == NULL);
	render_result_done(&r);
	T_OK(render_cache_peek(c, img, &o) == b);
	T_EQ(render_cache_misses(c), 0);
	/* what the synchronous path would have drawn */
	T_EQ(render_image(img, &o, &sync, err, sizeof err), 0);
	T_OK(b->len == sync.len && memcmp(b->data, sync.data, b->len) == 0);
	/* render_cache_get() finds it without rendering */
	T_OK(render_cache_get(c, img, &o, err, sizeof err) == b);
	T_EQ(render_cache_misses(c), 0);
	T_OK(render_cache_put(c, img, &o, NULL) == NULL);
	/* the worker hands its images back hashed (the TUI's lookups never
	 * hash 12 MB), with the hash a lookup of the same pixels computes */
	T_OK(!img->hashed);
	T_OK(render_async_submit(a, png, len, NULL, 0, NULL, 0, err,
	    sizeof err) > 0);
	T_OK(wait_take(a, &r));
	T_OK(r.rc == 0 && r.img != NULL && r.img->hashed);
	T_OK(r.img != NULL && render_cache_peek(c, r.img, &o) == b);
	T_EQ(render_cache_misses(c), 0);
	render_result_done(&r);
	render_blob_done(&sync);
	render_async_free(a);
	render_cache_free(c);
	image_free(img);
	free(png);
}

/* A file job decodes what a bytes job decodes; a missing file is the
 * job's error; a borrowed image encodes like a copied one. */
static void
test_file_and_borrow(void)
{
	char err[256];
	size_t len;
	unsigned char *png = rt_slurp(CORGI, &len);
	struct render_opts o = sixel_opts(30, 10);
	struct render_blob sync_img;
	struct render_result r;
	struct render_async *a;
	struct image *img;
	unsigned long id1, id2, id3;

	T_OK(png != NULL);
	img = image_decode(png, len, 0, err, sizeof err);
	T_OK(img != NULL);
	T_EQ(render_image(img, &o, &sync_img, err, sizeof err), 0);
	a = render_async_new(err, sizeof err);
	T_OK(a != NULL);
	T_EQ(render_async_submit_file(a, NULL, 0, NULL, 0, err, sizeof err),
	    0);
	id1 = render_async_submit_file(a, CORGI, 0, NULL, 0, err, sizeof err);
	id2 = render_async_submit_file(a, "tests/fixtures/images/no-such.png",
	    0, NULL, 0, err, sizeof err);
	id3 = render_async_submit(a, NULL, 0, img, 0, &o,
	    RENDER_JOB_BORROW_IMAGE, err, sizeof err);
	T_OK(id1 > 0 && id2 > id1 && id3 > id2);

	T_OK(wait_take(a, &r));
	T_EQ(r.id, id1);
	T_OK(r.rc == 0 && r.img != NULL && r.img->w == img->w &&
	    r.img->h == img->h && memcmp(r.img->rgb, img->rgb,
	    (size_t)img->w * img->h * 3) == 0);
	render_result_done(&r);

	T_OK(wait_take(a, &r));
	T_EQ(r.id, id2);
	T_EQ(r.rc, -1);
	T_OK(strstr(r.err, "no-such.png") != NULL);
	T_OK(r.img == NULL);
	render_result_done(&r);

	T_OK(wait_take(a, &r));
	T_EQ(r.id, id3);
	T_OK(r.rc == 0 && r.blob.len == sync_img.len &&
	    memcmp(r.blob.data, sync_img.data, r.blob.len) == 0);
	render_result_done(&r);
	/* the loan is over: the image is still the caller's, intact */
	T_OK(img->rgb != NULL && img->w == 512);

	/* a queued borrowed job cancelled: the image is not freed */
	id1 = render_async_submit(a, NULL, 0, img, 0, &o,
	    RENDER_JOB_BORROW_IMAGE, err, sizeof err);
	id2 = render_async_submit(a, NULL, 0, img, 0, &o,
	    RENDER_JOB_BORROW_IMAGE, err, sizeof err);
	T_OK(id1 > 0 && id2 > id1);
	T_EQ(render_async_cancel(a, id2), 0);
	render_async_free(a);	/* joins: every loan over */
	T_OK(img->rgb != NULL);
	image_free(img);
	render_blob_done(&sync_img);
	free(png);
}

int
main(void)
{
	test_cache_handoff();
	test_file_and_borrow();
	test_same_as_sync();
	test_cancel_and_free();
	test_errors();
	return T_SUMMARY();
}
