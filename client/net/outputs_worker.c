/*
 * client/net/outputs_worker.c: outputs_save()'s writes, fsyncs, renames
 * and data: URI decodes on a thread of their own. See outputs_worker.h
 * for who owns what.
 */
#include "client/net/outputs_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/net/outputs.h"
#include "client/net/outputs_int.h"

enum job_kind {
	JOB_WRITE,	/* bytes to the item's part file */
	JOB_RESET,	/* empty the part file: a retry starts over */
	JOB_PUBLISH,	/* final name for the part file */
	JOB_DATA,	/* decode and save a data: URI */
	JOB_FINISH	/* no more jobs: signal the fd and exit */
};

struct job {
	struct job *next;
	enum job_kind kind;
	size_t	 item;
	size_t	 len;		/* bytes of data (WRITE) */
	size_t	 cap;		/* bytes data holds (WRITE) */
	size_t	 max_file;	/* DATA */
	char	*name;		/* PUBLISH, DATA */
	unsigned char *data;	/* WRITE: the bytes; DATA: the URI */
};

/* One item. fd, tmp and path: the worker's until the join; rc, err, got:
 * under the mutex. */
struct witem {
	int	 fd;		/* part file, or -1 */
	char	 tmp[OUTPUTS_PATH_MAX];
	char	*path;		/* published */
	size_t	 got;		/* bytes counted against the run cap */
	enum client_rc rc;	/* CLIENT_OK, or why it failed */
	char	 err[CLIENT_ERR_MAX];
};

struct outputs_worker {
	pthread_t thread;
	bool	 started, joined;
	pthread_mutex_t mu;
	pthread_cond_t	job_cv;		/* a job was queued, or stop */
	pthread_cond_t	room_cv;	/* queued bytes went down */
	struct job *head, **tail, *last;	/* queue; last: its tail job */
	struct job *pool;		/* spent write jobs, to be reused */
	size_t	 queued;		/* buffer bytes of WRITE jobs queued */
	bool	 idle;			/* the worker waits on job_cv */
	bool	 stop;			/* outputs_worker_free(): drop all */
	size_t	 total, run_cap;	/* the run's bytes, its cap */
	char	*dir;
	struct witem *items;
	size_t	 n;
	int	 pipe[2];		/* [0] readable once finished */
};

/* Record item's first failure (under the mutex) and remove its part. */
static void
item_fail(struct outputs_worker *w, struct witem *it, enum client_rc rc,
    const char *msg)
{
	if (it->fd >= 0) {
		close(it->fd);
		unlink(it->tmp);
		it->fd = -1;
	}
	pthread_mutex_lock(&w->mu);
	if (it->rc == CLIENT_OK) {
		it->rc = rc;
		snprintf(it->err, sizeof it->err, "%s", msg);
	}
	pthread_mutex_unlock(&w->mu);
}

static bool
item_failed(struct outputs_worker *w, struct witem *it)
{
	bool f;

	pthread_mutex_lock(&w->mu);
	f = it->rc != CLIENT_OK;
	pthread_mutex_unlock(&w->mu);
	return f;
}

/* A data: URI: decode, count against the cap, write and publish. */
static void
run_data(struct outputs_worker *w, struct witem *it, const struct job *j)
{
	char msg[CLIENT_ERR_MAX];
	unsigned char *data;
	size_t len;
	enum client_rc rc;

	rc = outputs_data_decode((const char *)j->data, j->max_file, &data,
	    &len, NULL, msg, sizeof msg);
	if (rc != CLIENT_OK) {
		item_fail(w, it, rc, msg);
		return;
	}
	pthread_mutex_lock(&w->mu);
	if (len > w->run_cap || w->total > w->run_cap - len)
		rc = CLIENT_ELIMIT;
	else {
		w->total += len;
		it->got = len;
	}
	pthread_mutex_unlock(&w->mu);
	if (rc != CLIENT_OK) {
		snprintf(msg, sizeof msg, "the outputs of this run are over "
		    "the %zu-byte limit", w->run_cap);
		item_fail(w, it, rc, msg);
	} else if ((rc = outputs_write(w->dir, j->name, data, len, &it->path,
	    msg, sizeof msg)) != CLIENT_OK)
		item_fail(w, it, rc, msg);
	free(data);
}

/* One job, on the worker's thread. */
static void
run_job(struct outputs_worker *w, const struct job *j)
{
	struct witem *it = &w->items[j->item];
	char msg[CLIENT_ERR_MAX];
	enum client_rc rc;

	if (j->kind == JOB_DATA) {
		run_data(w, it, j);
		return;
	}
	if (item_failed(w, it))
		return;		/* its part is gone already */
	switch (j->kind) {
	case JOB_WRITE:
		if (it->fd < 0 && (it->fd = outputs_part_open(w->dir, it->tmp,
		    sizeof it->tmp, msg, sizeof msg)) < 0) {
			item_fail(w, it, CLIENT_EIO, msg);
			break;
		}
		if (outputs_write_all(it->fd, j->data, j->len) != 0) {
			snprintf(msg, sizeof msg, "writing %.200s: %s", it->tmp,
			    strerror(errno));
			item_fail(w, it, CLIENT_EIO, msg);
		}
		break;
	case JOB_RESET:
		if (it->fd >= 0 && (ftruncate(it->fd, 0) != 0 ||
		    lseek(it->fd, 0, SEEK_SET) != 0)) {
			snprintf(msg, sizeof msg, "writing %.200s: %s", it->tmp,
			    strerror(errno));
			item_fail(w, it, CLIENT_EIO, msg);
		}
		break;
	case JOB_PUBLISH:
		/* an empty body still makes an (empty) file */
		if (it->fd < 0 && (it->fd = outputs_part_open(w->dir, it->tmp,
		    sizeof it->tmp, msg, sizeof msg)) < 0) {
			item_fail(w, it, CLIENT_EIO, msg);
			break;
		}
		rc = outputs_part_publish(it->fd, it->tmp, w->dir, j->name,
		    &it->path, msg, sizeof msg);
		it->fd = -1;	/* closed, and published or removed */
		if (rc != CLIENT_OK)
			item_fail(w, it, rc, msg);
		break;
	default:
		break;
	}
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->kind == JOB_WRITE && j->data != NULL)
		munmap(j->data, j->cap);
	else
		free(j->data);
	free(j->name);
	free(j);
}

/*
 * A spent job (under the mutex): a write job of OUTPUTS_WORKER_CHUNK goes
 * to the pool for the next bytes, so a long download allocates its
 * buffers once (at most OUTPUTS_WORKER_QUEUE_MAX of them) rather than one
 * per chunk; anything else is freed.
 */
static void
job_recycle(struct outputs_worker *w, struct job *j)
{
	if (j->kind != JOB_WRITE || j->cap != OUTPUTS_WORKER_CHUNK) {
		job_free(j);
		return;
	}
	j->len = 0;
	j->next = w->pool;
	w->pool = j;
}

static void *
worker_main(void *arg)
{
	struct outputs_worker *w = arg;
	struct job *j;
	bool finish = false;
	ssize_t wr;

	errno = 0;
	(void)nice(OUTPUTS_WORKER_NICE);
	pthread_mutex_lock(&w->mu);
	while (!finish) {
		while (w->head == NULL && !w->stop) {
			w->idle = true;
			pthread_cond_wait(&w->job_cv, &w->mu);
			w->idle = false;
		}
		if (w->stop)
			break;
		j = w->head;
		if ((w->head = j->next) == NULL) {
			w->tail = &w->head;
			w->last = NULL;
		}
		if (j->kind == JOB_WRITE) {
			w->queued -= j->cap;
			pthread_cond_signal(&w->room_cv);
		}
		pthread_mutex_unlock(&w->mu);
		if (j->kind == JOB_FINISH)
			finish = true;
		else
			run_job(w, j);
		pthread_mutex_lock(&w->mu);
		job_recycle(w, j);
	}
	pthread_mutex_unlock(&w->mu);
	if (finish) {
		wr = write(w->pipe[1], "x", 1);
		(void)wr;
	}
	return NULL;
}

struct outputs_worker *
outputs_worker_new(const char *dir, size_t n, size_t run_cap, char *err,
    size_t errsz)
{
	struct outputs_worker *w = calloc(1, sizeof *w);
	size_t i;

	if (w == NULL)
		goto oom;
	w->pipe[0] = w->pipe[1] = -1;
	w->tail = &w->head;
	w->run_cap = run_cap;
	w->n = n;
	w->dir = strdup(dir);
	w->items = calloc(n > 0 ? n : 1, sizeof *w->items);
	if (w->dir == NULL || w->items == NULL)
		goto oom;
	for (i = 0; i < n; i++)
		w->items[i].fd = -1;
	if (pipe(w->pipe) != 0) {
		snprintf(err, errsz, "outputs save: pipe: %s",
		    strerror(errno));
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		(void)fcntl(w->pipe[i], F_SETFD, FD_CLOEXEC);
		(void)fcntl(w->pipe[i], F_SETFL, O_NONBLOCK);
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->job_cv, NULL);
	pthread_cond_init(&w->room_cv, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		snprintf(err, errsz, "outputs save: cannot start a thread");
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->job_cv);
		pthread_cond_destroy(&w->room_cv);
		goto fail;
	}
	w->started = true;
	return w;
oom:
	snprintf(err, errsz, "outputs save: out of memory");
fail:
	if (w != NULL) {
		if (w->pipe[0] >= 0)
			close(w->pipe[0]);
		if (w->pipe[1] >= 0)
			close(w->pipe[1]);
		free(w->items);
		free(w->dir);
		free(w);
	}
	return NULL;
}

void
outputs_worker_join(struct outputs_worker *w)
{
	size_t i;

	if (w->joined)
		return;
	pthread_join(w->thread, NULL);
	w->joined = true;
	/* what was never published (a failed download) goes now */
	for (i = 0; i < w->n; i++)
		if (w->items[i].fd >= 0) {
			close(w->items[i].fd);
			unlink(w->items[i].tmp);
			w->items[i].fd = -1;
		}
}

void
outputs_worker_free(struct outputs_worker *w)
{
	struct job *j;
	size_t i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->job_cv);
	pthread_mutex_unlock(&w->mu);
	outputs_worker_join(w);
	while ((j = w->head) != NULL) {
		w->head = j->next;
		job_free(j);
	}
	while ((j = w->pool) != NULL) {
		w->pool = j->next;
		job_free(j);
	}
	for (i = 0; i < w->n; i++) {
		if (w->items[i].fd >= 0) {
			close(w->items[i].fd);
			unlink(w->items[i].tmp);
		}
		free(w->items[i].path);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->job_cv);
	pthread_cond_destroy(&w->room_cv);
	close(w->pipe[0]);
	close(w->pipe[1]);
	free(w->items);
	free(w->dir);
	free(w);
}

int
outputs_worker_fd(const struct outputs_worker *w)
{
	return w->pipe[0];
}

/* Queue j (under the mutex) and wake the worker. */
static void
enqueue(struct outputs_worker *w, struct job *j)
{
	*w->tail = j;
	w->tail = &j->next;
	w->last = j;
	if (j->kind == JOB_WRITE)
		w->queued += j->cap;
	if (w->idle)
		pthread_cond_signal(&w->job_cv);
}

/* Out of memory for a job of item: the item fails instead. */
static void
item_oom(struct outputs_worker *w, size_t item)
{
	pthread_mutex_lock(&w->mu);
	if (w->items[item].rc == CLIENT_OK) {
		w->items[item].rc = CLIENT_ENOMEM;
		snprintf(w->items[item].err, sizeof w->items[item].err,
		    "out of memory");
	}
	pthread_mutex_unlock(&w->mu);
}

/* A job of kind for item; name copied when given. NULL when out of
 * memory: the item is failed instead. */
static struct job *
job_new(struct outputs_worker *w, enum job_kind kind, size_t item,
    const char *name)
{
	struct job *j = calloc(1, sizeof *j);

	if (j != NULL && name != NULL && (j->name = strdup(name)) == NULL) {
		free(j);
		j = NULL;
	}
	if (j == NULL) {
		item_oom(w, item);
		return NULL;
	}
	j->kind = kind;
	j->item = item;
	return j;
}

/*
 * Append len bytes for item to the last queued job when it is a write of
 * the same item with room (under the mutex): curl hands 16 KiB at a time,
 * the worker takes OUTPUTS_WORKER_CHUNK. false when a new job is needed.
 */
static bool
append_tail(struct outputs_worker *w, size_t item, const void *buf,
    size_t len)
{
	struct job *t = w->last;

	if (t == NULL || t->kind != JOB_WRITE || t->item != item || t->cap - t->len < len)
		return false;
	memcpy(t->data + t->len, buf, len);
	t->len += len;		/* its buffer is counted in queued already */
	return true;
}

enum client_rc
outputs_worker_write(struct outputs_worker *w, size_t item, const void *buf,
    size_t len, char *err, size_t errsz)
{
	struct witem *it = &w->items[item];
	struct job *j = NULL;
	enum client_rc rc = CLIENT_OK;

	pthread_mutex_lock(&w->mu);
	if (it->rc != CLIENT_OK) {
		rc = it->rc;
		snprintf(err, errsz, "%s", it->err);
	} else if (len > w->run_cap || w->total > w->run_cap - len) {
		rc = CLIENT_ELIMIT;
		snprintf(err, errsz, "the outputs of this run are over the "
		    "%zu-byte limit", w->run_cap);
	}
	if (rc != CLIENT_OK) {
		pthread_mutex_unlock(&w->mu);
		return rc;
	}
	w->total += len;
	it->got += len;
	if (append_tail(w, item, buf, len)) {
		pthread_mutex_unlock(&w->mu);
		return CLIENT_OK;
	}
	/* bounded memory (the buffers of queued jobs, used or not): a disk
	 * slower than the network waits here */
	while (w->queued > 0 &&
	    w->queued + OUTPUTS_WORKER_CHUNK > OUTPUTS_WORKER_QUEUE_MAX)
		pthread_cond_wait(&w->room_cv, &w->mu);
	if (len <= OUTPUTS_WORKER_CHUNK && (j = w->pool) != NULL) {
		w->pool = j->next;
		j->next = NULL;
		j->item = item;
	}
	pthread_mutex_unlock(&w->mu);
	/* a new job, filled before the worker can see it */
	if (j == NULL && (j = job_new(w, JOB_WRITE, item, NULL)) != NULL) {
		j->cap = len > OUTPUTS_WORKER_CHUNK ? len :
		    OUTPUTS_WORKER_CHUNK;
		/* mapped: a finished save gives its buffers back to the
		 * system at once (no heap growth, no allocator quarantine) */
		j->data = mmap(NULL, j->cap, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (j->data == MAP_FAILED) {
			j->data = NULL;
			job_free(j);
			j = NULL;
			item_oom(w, item);
		}
	}
	if (j == NULL) {
		snprintf(err, errsz, "out of memory");
		return CLIENT_ENOMEM;
	}
	memcpy(j->data, buf, len);
	j->len = len;
	pthread_mutex_lock(&w->mu);
	enqueue(w, j);
	pthread_mutex_unlock(&w->mu);
	return CLIENT_OK;
}

void
outputs_worker_reset(struct outputs_worker *w, size_t item)
{
	struct job *j = job_new(w, JOB_RESET, item, NULL);

	pthread_mutex_lock(&w->mu);
	w->total -= w->items[item].got;
	w->items[item].got = 0;
	if (j != NULL)
		enqueue(w, j);
	pthread_mutex_unlock(&w->mu);
}

void
outputs_worker_publish(struct outputs_worker *w, size_t item,
    const char *name)
{
	struct job *j = job_new(w, JOB_PUBLISH, item, name);

	if (j == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	enqueue(w, j);
	pthread_mutex_unlock(&w->mu);
}

void
outputs_worker_data(struct outputs_worker *w, size_t item, const char *uri,
    const char *name, size_t max_file)
{
	struct job *j = job_new(w, JOB_DATA, item, name);

	if (j == NULL)
		return;
	if ((j->data = (unsigned char *)strdup(uri)) == NULL) {
		job_free(j);
		item_oom(w, item);
		return;
	}
	j->max_file = max_file;
	pthread_mutex_lock(&w->mu);
	enqueue(w, j);
	pthread_mutex_unlock(&w->mu);
}

int
outputs_worker_finish(struct outputs_worker *w)
{
	struct job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return -1;
	j->kind = JOB_FINISH;
	pthread_mutex_lock(&w->mu);
	enqueue(w, j);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

enum client_rc
outputs_worker_take(struct outputs_worker *w, size_t item, char **path,
    char *err, size_t errsz)
{
	struct witem *it = &w->items[item];

	*path = NULL;
	if (it->rc != CLIENT_OK) {
		snprintf(err, errsz, "%s", it->err);
		return it->rc;
	}
	*path = it->path;
	it->path = NULL;
	return CLIENT_OK;
}
