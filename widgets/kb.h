/*
 * widgets/kb.h: one integer per key press. A character is its code point;
 * a curses function key (KEY_DOWN, KEY_F(1)...) is KB_FN | KEY_*, so the
 * two never collide. Names are what the help screen, --list-keys and test
 * scripts use: "j", "<Down>", "<C-r>", "<Enter>", "<Esc>", "<Tab>", "<S-Tab>".
 */
#ifndef PG_WIDGETS_KB_H
#define PG_WIDGETS_KB_H

#include <stddef.h>

#define KB_FN		(1 << 24)
#define KB_CTRL(c)	((c) & 0x1f)
#define KB_NAME_MAX	24

/* Read one key without waiting: returns the key, or -1 when none is ready. */
int kb_read(void);

/* Name of a key ("<C-r>", "é"); writes at most outsz bytes. */
void kb_name(int key, char *out, size_t outsz);

/* Key from a name as kb_name() writes it (also "<Space>", "<lt>"), or -1. */
int kb_parse(const char *name, size_t len);

#endif
