/*
 * widgets/prompt.h: a one-line editor fed one key at a time (it never owns
 * the loop): insert, Left/Right, Home/End (C-a/C-e), BS/Del, C-u (kill to
 * start), C-k (kill to end), C-w (kill word). The text scrolls
 * horizontally to keep the cursor visible; secret prompts draw bullets.
 */
#ifndef PG_WIDGETS_PROMPT_H
#define PG_WIDGETS_PROMPT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "widgets/wr.h"

#define PROMPT_MAX	4096	/* bytes of text, NUL excluded */

struct prompt {
	char	buf[PROMPT_MAX + 1];
	size_t	len, cur;	/* bytes; cur on a code point boundary */
	bool	secret;
	bool	changed;	/* set by every edit; the owner clears it */
};

/* Start with text (copied, cut at PROMPT_MAX on a code point boundary). */
void prompt_set(struct prompt *p, const char *text, bool secret);

/* Feed a key (widgets/kb.h codes). */
enum wr prompt_key(struct prompt *p, int key);

/*
 * Draw label then the text in cols cells at (y,x); returns the screen
 * column of the cursor (the caller may show it).
 */
int prompt_draw(const struct prompt *p, int y, int x, int cols,
    const char *label, attr_t label_attr, attr_t text_attr);

#endif
