/* widgets/kb.c: key codes, names, and the non-blocking read. */
#include "widgets/kb.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	int		key;
	const char	*name;
} names[] = {
	{ '\r', "<Enter>" }, { '\n', "<Enter>" }, { 033, "<Esc>" },
	{ '\t', "<Tab>" }, { ' ', "<Space>" }, { '<', "<lt>" },
	{ 0x7f, "<BS>" }, { KB_FN | KEY_BACKSPACE, "<BS>" },
	{ KB_FN | KEY_BTAB, "<S-Tab>" }, { KB_FN | KEY_UP, "<Up>" },
	{ KB_FN | KEY_DOWN, "<Down>" }, { KB_FN | KEY_LEFT, "<Left>" },
	{ KB_FN | KEY_RIGHT, "<Right>" }, { KB_FN | KEY_HOME, "<Home>" },
	{ KB_FN | KEY_END, "<End>" }, { KB_FN | KEY_NPAGE, "<PgDn>" },
	{ KB_FN | KEY_PPAGE, "<PgUp>" }, { KB_FN | KEY_DC, "<Del>" },
	{ KB_FN | KEY_IC, "<Ins>" }, { KB_FN | KEY_ENTER, "<Enter>" },
	{ KB_FN | KEY_RESIZE, "<Resize>" }, { KB_FN | KEY_MOUSE, "<Mouse>" },
};

int
kb_read(void)
{
	wint_t wc;
	int r = get_wch(&wc);

	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES)
		return KB_FN | (int)wc;
	return (int)wc;
}

void
kb_name(int key, char *out, size_t outsz)
{
	size_t i;
	wchar_t w[2];

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].key == key) {
			snprintf(out, outsz, "%s", names[i].name);
			return;
		}
	if (key & KB_FN) {
		int k = key & ~KB_FN;

		if (k >= KEY_F(1) && k <= KEY_F(12))
			snprintf(out, outsz, "<F%d>", k - KEY_F0);
		else
			snprintf(out, outsz, "<key%d>", k);
		return;
	}
	if (key >= 0 && key < 0x20) {
		/* ^A..^Z as letters; ^@ ^[ ^\ ^] ^^ ^_ as their caret forms */
		snprintf(out, outsz, "<C-%c>", key >= 1 && key <= 26 ?
		    key + 0x60 : key + 0x40);
		return;
	}
	if (key < 0x80) {
		snprintf(out, outsz, "%c", key);
		return;
	}
	w[0] = (wchar_t)key;
	w[1] = 0;
	if (wcstombs(out, w, outsz) == (size_t)-1 || outsz == 0)
		snprintf(out, outsz, "<U+%04X>", (unsigned)key);
}

int
kb_parse(const char *s, size_t len)
{
	size_t i;
	wchar_t wc;
	int n;

	if (len == 0)
		return -1;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == len &&
		    strncmp(names[i].name, s, len) == 0)
			return names[i].key == '\n' ? '\r' : names[i].key;
	if (s[0] == '<' && len >= 3 && s[len - 1] == '>') {
		if (len == 5 && s[1] == 'C' && s[2] == '-')
			return KB_CTRL(s[3]);
		if (s[1] == 'F' && len <= 5) {
			int f = 0;

			for (i = 2; i < len - 1; i++) {
				if (s[i] < '0' || s[i] > '9')
					return -1;
				f = f * 10 + (s[i] - '0');
			}
			return f >= 1 && f <= 12 ? KB_FN | KEY_F(f) : -1;
		}
		return -1;
	}
	n = mbtowc(&wc, s, len);
	if (n <= 0 || (size_t)n != len)
		return -1;
	return (int)wc;
}
