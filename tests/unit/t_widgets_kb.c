/* Unit tests for widgets/kb.c: key names and their round trip. */
#include "widgets/kb.h"

#include <string.h>

#include "tests/unit/t.h"

static const char *
name(int key)
{
	static char buf[KB_NAME_MAX + 1];

	kb_name(key, buf, sizeof buf);
	return buf;
}

static int
parse(const char *s)
{
	return kb_parse(s, strlen(s));
}

int
main(void)
{
	int k;

	T_EQ(parse(""), -1);
	T_STREQ(name('j'), "j");
	T_STREQ(name(KB_CTRL('r')), "<C-r>");
	T_STREQ(name('\r'), "<Enter>");
	T_STREQ(name(033), "<Esc>");
	/* the control keys that are not letters keep their caret form */
	T_STREQ(name(0), "<C-@>");
	T_STREQ(name(0x1c), "<C-\\>");
	T_STREQ(name(0x1d), "<C-]>");
	T_STREQ(name(0x1e), "<C-^>");
	T_STREQ(name(0x1f), "<C-_>");
	T_EQ(parse("<C-@>"), 0);
	T_EQ(parse("<C-_>"), 0x1f);
	/* every control key's name parses back to it and prints nothing raw */
	for (k = 0; k < 0x20; k++) {
		const char *n = name(k);
		size_t i;
		int raw = 0;

		for (i = 0; n[i] != '\0'; i++)
			raw |= (unsigned char)n[i] < 0x20 || n[i] == 0x7f;
		T_OK(!raw);
		T_STREQ(name(parse(n)), n);
	}
	return T_SUMMARY();
}
