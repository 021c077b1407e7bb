/*
 * render/par.c: see par.h. One short-lived pthread per call: starting one
 * costs about 20 us, the stages it splits take milliseconds.
 */
#include "render/par.h"

#include <pthread.h>

struct par_job {
	void	(*fn)(void *, int);
	void	*arg;
};

static void *
par_main(void *p)
{
	struct par_job *j = p;

	j->fn(j->arg, 1);
	return NULL;
}

void
par_run2(void (*fn)(void *arg, int part), void *arg)
{
	struct par_job j = { fn, arg };
	pthread_t t;

	if (pthread_create(&t, NULL, par_main, &j) != 0) {
		fn(arg, 0);
		fn(arg, 1);
		return;
	}
	fn(arg, 0);
	pthread_join(t, NULL);
}

void
par_split(size_t n, int part, size_t *lo, size_t *hi)
{
	*lo = part == 0 ? 0 : n / 2;
	*hi = part == 0 ? n / 2 : n;
}
