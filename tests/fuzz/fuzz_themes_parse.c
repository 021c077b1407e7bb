/*
 * tests/fuzz/fuzz_themes_parse.c: theme_parse() on arbitrary bytes. After
 * each input: no crash; the error message is NUL-terminated and, on
 * failure, starts with "LINE:COL: "; every role holds a valid colour.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "themes/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme th;
	char err[64];
	int r, i;

	memset(err, 'x', sizeof err);
	theme_init(&th);
	r = theme_parse((const char *)data, size, &th, err, sizeof err);
	if (memchr(err, '\0', sizeof err) == NULL)
		abort();
	if (r != 0 && (err[0] < '0' || err[0] > '9' || strchr(err, ':') ==
	    NULL))
		abort();
	for (i = 0; i < THEME__COUNT; i++) {
		const struct theme_style *s = &th.role[i];

		if (s->fg.kind == THEME_COLOR_INDEX && s->fg.value > 255)
			abort();
		if (s->bg.kind == THEME_COLOR_INDEX && s->bg.value > 255)
			abort();
		if (s->fg.kind == THEME_COLOR_RGB && s->fg.value > 0xffffff)
			abort();
		if (s->attrs & ~0x3fu)
			abort();
	}
	if (memchr(th.name, '\0', sizeof th.name) == NULL)
		abort();
	return 0;
}
