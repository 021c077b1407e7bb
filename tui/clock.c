/* tui/clock.c: monotonic time for timers, a display clock tests can freeze,
 * and the allocation helpers that die() on exhaustion (tui/ only). */
#include "tui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/term.h"

long long
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
clock_frozen(void)
{
	const char *s = getenv("R8PLAY_CLOCK");

	return s != NULL && s[0] != '\0';
}

long long
clock_display_ms(void)
{
	const char *s = getenv("R8PLAY_CLOCK");

	if (s != NULL && s[0] != '\0')
		return strtoll(s, NULL, 10) * 1000;
	return clock_mono_ms();
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		die("out of memory");
	return d;
}

void
xsnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}
