/*
 * client/net/outputs_worker.h: the disk side of outputs_save() on a thread
 * of its own, so the caller's loop (the TUI's input path, the curl multi
 * loop) never waits for a write(), an fsync(), a link() or a data: URI
 * decode. One worker per save; it takes jobs in order (write bytes to an
 * item's part file, start it over, publish it under its final name, save a
 * data: URI) and exits after the finish job, making outputs_worker_fd()
 * readable.
 *
 * Ownership and the hand-off between the two threads:
 *   - the handle belongs to the thread that made it (the client's); every
 *     function below is called from that thread only;
 *   - a job's bytes are copied when queued: the caller's buffer is free
 *     again on return; a write job still queued may grow (the caller
 *     appends the next bytes of the same item to it, under the mutex);
 *     once the worker has taken a job off the queue, under the mutex, the
 *     job is the worker's alone and nothing touches it again;
 *   - an item's part file (descriptor, temporary path) and its published
 *     path are the worker's alone until outputs_worker_join() returns;
 *     join is the hand-off: afterwards outputs_worker_take() reads them
 *     on the caller's thread with no lock (the join orders the memory);
 *   - under the handle's mutex, shared by both threads: the job queue,
 *     the byte counts of the run cap, and each item's failure (its rc and
 *     message; the worker sets it, outputs_worker_write() reads it so a
 *     failed download stops early).
 * Bounded: at most OUTPUTS_WORKER_QUEUE_MAX bytes of job buffers queued
 * (spent buffers are reused, not freed, until the worker goes); past that
 * outputs_worker_write() waits for the worker (only when the disk is
 * slower than the network, or an earlier item's fsync holds the queue).
 * Every failure removes the item's part file; outputs_worker_free()
 * before the finish removes the unpublished ones.
 */
#ifndef PG_CLIENT_OUTPUTS_WORKER_H
#define PG_CLIENT_OUTPUTS_WORKER_H

#include <stddef.h>

#include "client/net/rc.h"

#define OUTPUTS_WORKER_QUEUE_MAX	((size_t)1 << 20)	/* buffer bytes queued */
#define OUTPUTS_WORKER_CHUNK		((size_t)64 << 10)	/* one write job */
/* The worker runs this much nicer than its caller (Linux: per thread), so
 * an interactive caller gets the CPU first on a busy machine. */
#define OUTPUTS_WORKER_NICE		10

struct outputs_worker;

/*
 * A worker for n items saved into dir (copied), all of them together
 * capped at run_cap bytes; its thread started. NULL with err filled.
 */
struct outputs_worker *outputs_worker_new(const char *dir, size_t n,
    size_t run_cap, char *err, size_t errsz);

/*
 * Stop the worker (queued jobs are dropped, a running one finishes), join
 * it, remove every part file not yet published, free everything. Paths
 * published and not taken stay on disk. NULL is a no-op.
 */
void outputs_worker_free(struct outputs_worker *w);

/* Readable (POLLIN) once the worker has run its finish job. */
int outputs_worker_fd(const struct outputs_worker *w);

/*
 * Queue len bytes (copied) for item's part file (opened with the first
 * bytes). CLIENT_ELIMIT when they would take the run past its cap, or the
 * item's own rc once the worker failed it: err names why, and the caller
 * stops that download. CLIENT_OK otherwise.
 */
enum client_rc outputs_worker_write(struct outputs_worker *w, size_t item,
    const void *buf, size_t len, char *err, size_t errsz);

/* Start item over (a retried download): its bytes leave the run's count
 * now, its part file is emptied by the worker. */
void outputs_worker_reset(struct outputs_worker *w, size_t item);

/* Give item's part file (an empty one when no byte came) its final name
 * in dir: name, name-1, ... (name copied). */
void outputs_worker_publish(struct outputs_worker *w, size_t item,
    const char *name);

/* Decode the data: URI uri (copied; at most max_file bytes) and save it
 * as item under name, counted against the run cap. */
void outputs_worker_data(struct outputs_worker *w, size_t item,
    const char *uri, const char *name, size_t max_file);

/* No more jobs: the worker exits after the queued ones. 0, or -1 when
 * out of memory (the caller frees the worker and fails the save). */
int outputs_worker_finish(struct outputs_worker *w);

/* Wait for the worker to exit (after outputs_worker_fd() is readable it
 * returns at once) and remove the part files never published (failed
 * downloads). The hand-off: item results are the caller's now. */
void outputs_worker_join(struct outputs_worker *w);

/*
 * After outputs_worker_join(): item's result. Returns CLIENT_OK with
 * *path set (caller frees; NULL when the item was never published), or
 * the failure's rc with its message copied into err.
 */
enum client_rc outputs_worker_take(struct outputs_worker *w, size_t item,
    char **path, char *err, size_t errsz);

#endif
