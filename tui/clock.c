/*
 * tui/clock.c: monotonic time for timers, and the display clock that
 * R8PLAY_CLOCK=N freezes for tests (elapsed times, spinners).
 */
#include "tui/app.h"

#include <stdlib.h>
#include <time.h>

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
