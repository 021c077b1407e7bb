/*
 * render/async.c: see async.h. A mutex guards the queue, the running job
 * and the done list; a condition variable wakes the worker; a pipe tells
 * the caller's poll() that results wait: one byte is written when the done
 * list becomes non-empty and the pipe is drained when it becomes empty, so
 * the fd is readable exactly while there is something to take.
 */
#include "render/async.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct job {
	struct job		*next;
	unsigned long		 id;
	unsigned char		*data;
	size_t			 len;
	char			*path;		/* file to read into data */
	struct image		*img;		/* input image (a copy, or
						   borrowed: see img_borrowed) */
	bool			 img_borrowed;	/* RENDER_JOB_BORROW_IMAGE */
	uint32_t		 bg;
	bool			 has_opts;
	struct render_opts	 opts;
	unsigned		 flags;
	bool			 cancelled;
	struct render_result	 res;
};

struct render_async {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	pthread_t	 thread;
	int		 pipe[2];
	bool		 quit;
	unsigned long	 next_id;
	struct job	*queue, *queue_tail;	/* waiting, oldest first */
	struct job	*running;
	struct job	*done, *done_tail;	/* finished, oldest first */
	int		 count;			/* all three together */
};

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->data);
	free(j->path);
	if (!j->img_borrowed)
		image_free(j->img);
	render_result_done(&j->res);
	free(j);
}

void
render_result_done(struct render_result *r)
{
	if (r == NULL)
		return;
	image_free(r->img);
	render_blob_done(&r->blob);
	memset(r, 0, sizeof *r);
}

/* Read j->path into j->data (at most IMAGE_MAX_INPUT bytes); 0 or -1. */
static int
read_path(struct job *j, char *err, size_t errsz)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd = open(j->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s: %s", j->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_size <= 0 || st.st_size > (off_t)IMAGE_MAX_INPUT) {
		snprintf(err, errsz, "%s: %s", j->path, st.st_size <= 0 ?
		    "empty" : "too big for an image");
		close(fd);
		return -1;
	}
	if ((j->data = malloc((size_t)st.st_size)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", j->path);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size && ((n = read(fd, j->data + got,
	    (size_t)st.st_size - got)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fd);
	j->len = got;
	if (got == 0) {
		snprintf(err, errsz, "%s: empty", j->path);
		return -1;
	}
	return 0;
}

static void
run_job(struct job *j)
{
	struct render_result *r = &j->res;

	r->id = j->id;
	if (j->path != NULL && read_path(j, r->err, sizeof r->err) != 0) {
		r->rc = -1;
		return;
	}
	if (j->img != NULL) {
		r->rc = render_image_ex(j->img, 0, 0, &j->opts, &r->blob,
		    &r->st, r->err, sizeof r->err);
		return;
	}
	if (!j->has_opts) {
		double t0 = render_now_ms();

		r->img = image_decode(j->data, j->len, j->bg, r->err,
		    sizeof r->err);
		r->st.decode_ms = render_now_ms() - t0;
		r->rc = r->img != NULL ? 0 : -1;
		/* the caller's cache lookups must not hash it */
		(void)render_image_hash(r->img);
		return;
	}
	r->rc = render_prepare(j->data, j->len, j->bg, &j->opts, &r->blob,
	    (j->flags & RENDER_JOB_KEEP_IMAGE) ? &r->img : NULL, &r->st,
	    r->err, sizeof r->err);
	(void)render_image_hash(r->img);
}

static void
notify(struct render_async *a)
{
	ssize_t n;

	do
		n = write(a->pipe[1], "", 1);
	while (n < 0 && errno == EINTR);
}

static void
drain(struct render_async *a)
{
	char buf[16];

	while (read(a->pipe[0], buf, sizeof buf) > 0)
		;
}

static void *
worker(void *arg)
{
	struct render_async *a = arg;
	struct job *j;

	/* Linux: the nice value is the calling thread's own */
	errno = 0;
	(void)nice(RENDER_ASYNC_NICE);
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (a->queue == NULL && !a->quit)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->quit)
			break;
		j = a->queue;
		a->queue = j->next;
		if (a->queue == NULL)
			a->queue_tail = NULL;
		j->next = NULL;
		a->running = j;
		pthread_mutex_unlock(&a->mu);
		run_job(j);
		/* the input is not needed any more */
		free(j->data);
		j->data = NULL;
		if (!j->img_borrowed)
			image_free(j->img);
		j->img = NULL;
		pthread_mutex_lock(&a->mu);
		a->running = NULL;
		if (j->cancelled || a->quit) {
			job_free(j);
			a->count--;
			continue;
		}
		if (a->done == NULL) {
			a->done = j;
			notify(a);
		} else
			a->done_tail->next = j;
		a->done_tail = j;
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

struct render_async *
render_async_new(char *err, size_t errsz)
{
	struct render_async *a = calloc(1, sizeof *a);
	int i;

	if (a == NULL) {
		snprintf(err, errsz, "render: out of memory");
		return NULL;
	}
	if (pipe(a->pipe) != 0) {
		snprintf(err, errsz, "render: pipe: %s", strerror(errno));
		free(a);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		fcntl(a->pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(a->pipe[i], F_SETFL, fcntl(a->pipe[i], F_GETFL) |
		    O_NONBLOCK);
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (pthread_create(&a->thread, NULL, worker, a) != 0) {
		snprintf(err, errsz, "render: cannot start a thread");
		close(a->pipe[0]);
		close(a->pipe[1]);
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		free(a);
		return NULL;
	}
	return a;
}

static void
free_list(struct job *j)
{
	while (j != NULL) {
		struct job *n = j->next;

		job_free(j);
		j = n;
	}
}

void
render_async_free(struct render_async *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->quit = true;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	free_list(a->queue);
	free_list(a->done);
	close(a->pipe[0]);
	close(a->pipe[1]);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}

int
render_async_fd(const struct render_async *a)
{
	return a ? a->pipe[0] : -1;
}

static struct image *
image_copy(const struct image *src, char *err, size_t errsz)
{
	struct image *c = image_new(src->w, src->h, err, errsz);

	if (c != NULL)
		memcpy(c->rgb, src->rgb, (size_t)src->w * src->h * 3);
	return c;
}

/* Queue j (freed here on failure); its id, or 0 with err filled. */
static unsigned long
enqueue(struct render_async *a, struct job *j, uint32_t bg,
    const struct render_opts *opts, unsigned flags, char *err, size_t errsz)
{
	unsigned long id;

	j->bg = bg;
	j->flags = flags;
	if (opts != NULL) {
		j->has_opts = true;
		j->opts = *opts;
	}
	pthread_mutex_lock(&a->mu);
	if (a->count >= RENDER_ASYNC_MAX_JOBS) {
		pthread_mutex_unlock(&a->mu);
		job_free(j);
		snprintf(err, errsz, "render: %d jobs pending already",
		    RENDER_ASYNC_MAX_JOBS);
		return 0;
	}
	id = j->id = ++a->next_id;
	if (a->queue_tail != NULL)
		a->queue_tail->next = j;
	else
		a->queue = j;
	a->queue_tail = j;
	a->count++;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return id;
}

unsigned long
render_async_submit(struct render_async *a, const void *data, size_t len,
    const struct image *img, uint32_t bg, const struct render_opts *opts,
    unsigned flags, char *err, size_t errsz)
{
	struct job *j;

	if (a == NULL || (data == NULL) == (img == NULL) ||
	    (data != NULL && len == 0) || (img != NULL && (opts == NULL ||
	    img->rgb == NULL))) {
		snprintf(err, errsz, "render: a job needs bytes or an image "
		    "(with options)");
		return 0;
	}
	if (data != NULL && len > (size_t)IMAGE_MAX_INPUT) {
		snprintf(err, errsz, "image of %zu bytes exceeds the %ld byte "
		    "limit", len, (long)IMAGE_MAX_INPUT);
		return 0;
	}
	pthread_mutex_lock(&a->mu);
	if (a->count >= RENDER_ASYNC_MAX_JOBS) {
		pthread_mutex_unlock(&a->mu);
		snprintf(err, errsz, "render: %d jobs pending already",
		    RENDER_ASYNC_MAX_JOBS);
		return 0;
	}
	pthread_mutex_unlock(&a->mu);
	if ((j = calloc(1, sizeof *j)) == NULL)
		goto nomem;
	if (data != NULL) {
		if ((j->data = malloc(len)) == NULL)
			goto nomem;
		memcpy(j->data, data, len);
		j->len = len;
	} else if (flags & RENDER_JOB_BORROW_IMAGE) {
		j->img = (struct image *)(uintptr_t)img;
		j->img_borrowed = true;
	} else if ((j->img = image_copy(img, err, errsz)) == NULL) {
		free(j);
		return 0;
	}
	return enqueue(a, j, bg, opts, flags, err, errsz);
nomem:
	job_free(j);
	snprintf(err, errsz, "render: out of memory");
	return 0;
}

unsigned long
render_async_submit_file(struct render_async *a, const char *path,
    uint32_t bg, const struct render_opts *opts, unsigned flags, char *err,
    size_t errsz)
{
	struct job *j;

	if (a == NULL || path == NULL || path[0] == '\0') {
		snprintf(err, errsz, "render: a file job needs a path");
		return 0;
	}
	if ((j = calloc(1, sizeof *j)) == NULL ||
	    (j->path = strdup(path)) == NULL) {
		free(j);
		snprintf(err, errsz, "render: out of memory");
		return 0;
	}
	return enqueue(a, j, bg, opts, flags & ~RENDER_JOB_BORROW_IMAGE, err,
	    errsz);
}

/* Unlink id from a list; the job, or NULL. */
static struct job *
unlink_id(struct job **head, struct job **tail, unsigned long id)
{
	struct job *j, *prev = NULL;

	for (j = *head; j != NULL; prev = j, j = j->next) {
		if (j->id != id)
			continue;
		if (prev != NULL)
			prev->next = j->next;
		else
			*head = j->next;
		if (*tail == j)
			*tail = prev;
		j->next = NULL;
		return j;
	}
	return NULL;
}

int
render_async_cancel(struct render_async *a, unsigned long id)
{
	struct job *j;
	int rc = -1;

	if (a == NULL || id == 0)
		return -1;
	pthread_mutex_lock(&a->mu);
	if ((j = unlink_id(&a->queue, &a->queue_tail, id)) != NULL) {
		job_free(j);
		a->count--;
		rc = 0;
	} else if (a->running != NULL && a->running->id == id &&
	    !a->running->cancelled) {
		a->running->cancelled = true;	/* the worker frees it */
		rc = 0;
	} else if ((j = unlink_id(&a->done, &a->done_tail, id)) != NULL) {
		job_free(j);
		a->count--;
		if (a->done == NULL)
			drain(a);
		rc = 0;
	}
	pthread_mutex_unlock(&a->mu);
	return rc;
}

int
render_async_take(struct render_async *a, struct render_result *r)
{
	struct job *j;

	memset(r, 0, sizeof *r);
	if (a == NULL)
		return 0;
	pthread_mutex_lock(&a->mu);
	if ((j = a->done) == NULL) {
		pthread_mutex_unlock(&a->mu);
		return 0;
	}
	a->done = j->next;
	if (a->done == NULL) {
		a->done_tail = NULL;
		drain(a);
	}
	a->count--;
	pthread_mutex_unlock(&a->mu);
	*r = j->res;
	memset(&j->res, 0, sizeof j->res);
	job_free(j);
	return 1;
}

int
render_async_pending(struct render_async *a)
{
	int n;

	if (a == NULL)
		return 0;
	pthread_mutex_lock(&a->mu);
	n = a->count;
	pthread_mutex_unlock(&a->mu);
	return n;
}
