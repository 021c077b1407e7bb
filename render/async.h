/*
 * render/async.h: image preparation off the caller's thread, so a TUI
 * never decodes or encodes on its input path. One worker thread per
 * struct render_async takes jobs in order: bytes to decode (and, with
 * options, to encode through render_prepare(), the same code as the
 * synchronous path, so the same bytes come out), or an image to encode
 * (render_image()). The caller polls render_async_fd() next to its input
 * and takes finished results with render_async_take().
 *
 * Typical use from a loop:
 *   a = render_async_new(err, sizeof err);
 *   id = render_async_submit(a, bytes, len, NULL, bg, &opts,
 *       RENDER_JOB_KEEP_IMAGE, err, sizeof err);
 *   ... poll({input, render_async_fd(a)}) ...
 *   while (render_async_take(a, &res) == 1) { use res; render_result_done(&res); }
 *   render_async_cancel(a, id);	(when the picture is no longer wanted)
 *   render_async_free(a);		(cancels the rest, joins the worker)
 * Ownership: the handle belongs to one thread (the caller's); only the
 * worker inside it is another thread. Bounded: at most
 * RENDER_ASYNC_MAX_JOBS jobs queued, running or waiting to be taken.
 */
#ifndef PG_RENDER_ASYNC_H
#define PG_RENDER_ASYNC_H

#include <stddef.h>
#include <stdint.h>

#include "render/render.h"

#define RENDER_ASYNC_MAX_JOBS	16
/* The worker (and the helper threads it starts, which inherit it) runs
 * this much nicer than the caller: on a busy machine the caller's input
 * path gets the CPU first when a key comes in. */
#define RENDER_ASYNC_NICE	10

/* Job flags. */
#define RENDER_JOB_KEEP_IMAGE	0x1u	/* hand back the decoded image too */
/* img is read in place, not copied: the caller keeps it alive and
 * unchanged until it has taken this job's result, or until
 * render_async_free() returns (cancelling does not end the loan: a
 * running job still reads it) */
#define RENDER_JOB_BORROW_IMAGE	0x2u

struct render_async;

/* A finished job. Owned by the taker: free with render_result_done(). */
struct render_result {
	unsigned long		 id;	/* as render_async_submit() gave it */
	int			 rc;	/* 0, or -1 with err filled */
	struct image		*img;	/* decoded image (KEEP_IMAGE or
					   decode-only jobs), else NULL */
	struct render_blob	 blob;	/* encoded bytes (jobs with opts) */
	struct render_stats	 st;	/* stage timings */
	char			 err[256];
};

/* New handle with its worker started; NULL with err filled. */
struct render_async *render_async_new(char *err, size_t errsz);

/*
 * Cancel every job, wait for the worker (a job already running is
 * finished and thrown away), free everything. NULL is a no-op.
 */
void render_async_free(struct render_async *a);

/* Readable while at least one result waits to be taken. */
int render_async_fd(const struct render_async *a);

/*
 * Queue a job. Exactly one of data (len bytes of PNG/JPEG/GIF/BMP/WebP,
 * copied; composited on bg) or img (copied unless
 * BORROW_IMAGE) is given. opts (copied) says
 * what to encode; NULL with data: decode only (the result carries img).
 * Returns the job's id (> 0), or 0 with err filled (bad arguments, queue
 * full, out of memory).
 */
unsigned long render_async_submit(struct render_async *a, const void *data,
    size_t len, const struct image *img, uint32_t bg,
    const struct render_opts *opts, unsigned flags, char *err, size_t errsz);

/*
 * render_async_submit() of the file at path (copied), read by the worker
 * (at most IMAGE_MAX_INPUT bytes), so a big output is not read on the
 * caller's thread either. A file that cannot be read is the job's error.
 */
unsigned long render_async_submit_file(struct render_async *a,
    const char *path, uint32_t bg, const struct render_opts *opts,
    unsigned flags, char *err, size_t errsz);

/*
 * Drop job id: a queued job never runs, a running one's result is thrown
 * away, a finished one not yet taken is freed. Returns 0, or -1 when no
 * such job is pending (taken already, or never submitted).
 */
int render_async_cancel(struct render_async *a, unsigned long id);

/* Take the oldest finished result into *r: 1, or 0 when none is ready. */
int render_async_take(struct render_async *a, struct render_result *r);

/* Jobs queued, running or finished and not taken. */
int render_async_pending(struct render_async *a);

/* Free what a result owns (image, blob); safe on a zeroed result. */
void render_result_done(struct render_result *r);

#endif
