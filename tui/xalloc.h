/*
 * tui/xalloc.h: allocation that dies on failure (die(): tui/term.h), for
 * tui/ only; tui/xalloc.c.
 */
#ifndef PG_TUI_XALLOC_H
#define PG_TUI_XALLOC_H

#include <stddef.h>

/* calloc / realloc / strdup that never return NULL (a NULL s gives NULL;
 * a size of 0 allocates 1 byte). */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* snprintf for text that may be cut on purpose (no truncation warning). */
void xsnprintf(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
