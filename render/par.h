/*
 * render/par.h: the two cores. par_run2() runs fn(arg, 0) on the calling
 * thread and fn(arg, 1) on a second thread, and returns when both are
 * done; when no thread can be started it runs both parts in turn, so a
 * caller never depends on the second thread for correctness. Each part
 * must touch only its own half of the output.
 */
#ifndef PG_RENDER_PAR_H
#define PG_RENDER_PAR_H

#include <stddef.h>

/* Work smaller than this many pixels stays on one thread. */
#define PAR_MIN_PIXELS	(96L * 1024)

void par_run2(void (*fn)(void *arg, int part), void *arg);

/* [*lo, *hi) of n items for part (0 or 1). */
void par_split(size_t n, int part, size_t *lo, size_t *hi);

#endif
