/* Unit tests for widgets/prompt.c (editing) and widgets/style.c (colour
 * arithmetic). No terminal needed. */
#include "widgets/prompt.h"

#include <curses.h>
#include <locale.h>
#include <string.h>

#include "widgets/kb.h"
#include "widgets/paint.h"
#include "widgets/style.h"
#include "tests/unit/t.h"

static void
feed(struct prompt *p, const char *s)
{
	while (*s)
		prompt_key(p, (unsigned char)*s++);
}

int
main(void)
{
	struct prompt p;
	char big[PROMPT_MAX + 10];

	setlocale(LC_ALL, "C.UTF-8");
	/* empty, then typing */
	prompt_set(&p, NULL, false);
	T_EQ(p.len, 0);
	T_EQ(prompt_key(&p, KB_FN | KEY_BACKSPACE), WR_HANDLED);
	T_EQ(p.len, 0);
	feed(&p, "helo");
	T_OK(p.changed);
	T_EQ(prompt_key(&p, KB_FN | KEY_LEFT), WR_HANDLED);
	feed(&p, "l");
	T_STREQ(p.buf, "hello");
	T_EQ(p.cur, 4);
	/* UTF-8: insert and delete whole code points */
	prompt_key(&p, KB_CTRL('e'));
	prompt_key(&p, 0x4f5c);		/* 作 */
	T_STREQ(p.buf, "hello\xe4\xbd\x9c");
	prompt_key(&p, KB_FN | KEY_LEFT);
	T_EQ(p.cur, 5);
	prompt_key(&p, KB_FN | KEY_DC);
	T_STREQ(p.buf, "hello");
	prompt_key(&p, 0x7f);
	T_STREQ(p.buf, "hell");
	/* kills */
	prompt_set(&p, "one two three", false);
	prompt_key(&p, KB_CTRL('w'));
	T_STREQ(p.buf, "one two ");
	prompt_key(&p, KB_CTRL('a'));
	prompt_key(&p, KB_CTRL('k'));
	T_STREQ(p.buf, "");
	prompt_set(&p, "abc", false);
	prompt_key(&p, KB_FN | KEY_LEFT);
	prompt_key(&p, KB_CTRL('u'));
	T_STREQ(p.buf, "c");
	T_EQ(p.cur, 0);
	/* results */
	T_EQ(prompt_key(&p, '\r'), WR_SUBMIT);
	T_EQ(prompt_key(&p, 033), WR_CANCEL);
	T_EQ(prompt_key(&p, '\t'), WR_COMPLETE);
	T_EQ(prompt_key(&p, KB_FN | KEY_F(3)), WR_IGNORED);
	T_EQ(prompt_key(&p, 1 /* C-a */), WR_HANDLED);
	T_EQ(prompt_key(&p, 2 /* C-b */), WR_HANDLED);
	T_EQ(prompt_key(&p, 0x1b + 1 /* C-\ */), WR_IGNORED);
	/* bounded: a set longer than PROMPT_MAX is cut, typing stops */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	prompt_set(&p, big, false);
	T_EQ(p.len, PROMPT_MAX);
	prompt_key(&p, 'y');
	T_EQ(p.len, PROMPT_MAX);
	/* a cut never splits a code point */
	memset(big, 'x', sizeof big - 1);
	memcpy(big + PROMPT_MAX - 1, "\xe4\xbd\x9c", 3);
	big[PROMPT_MAX + 2] = '\0';
	prompt_set(&p, big, false);
	T_EQ(p.len, PROMPT_MAX - 1);

	/* wrapping, measured (y < 0 draws nothing) */
	T_EQ(paint_wrap(-1, 0, 10, 10, NULL, 0), 0);
	T_EQ(paint_wrap(-1, 0, 10, 10, "", 0), 0);
	T_EQ(paint_wrap(-1, 0, 10, 10, "short", 0), 1);
	T_EQ(paint_wrap(-1, 0, 10, 10, "one two three four", 0), 2);
	T_EQ(paint_wrap(-1, 0, 10, 10, "a\n\nb", 0), 3);	/* empty line */
	T_EQ(paint_wrap(-1, 0, 10, 10, "a\n\n\nb\n", 0), 4);
	T_EQ(paint_wrap(-1, 0, 10, 2, "a\nb\nc\nd", 0), 2);	/* bounded */
	T_EQ(paint_wrap(-1, 0, 4, 10, "abcdefghij", 0), 3);	/* no space */
	T_EQ(paint_wrap(-1, 0, 4, 10, "\xe4\xbd\x9c\xe8\x80\x85\xe4\xbd\x9c", 0),
	    2);						/* CJK 2+2 | 2 */

	/* colours: nearest palette entries */
	T_EQ(style_rgb_to_256(0x000000), 16);
	T_EQ(style_rgb_to_256(0xffffff), 231);
	T_EQ(style_rgb_to_256(0x87afff), 111);
	T_EQ(style_rgb_to_256(0x005f87), 24);
	T_EQ(style_rgb_to_256(0x808080), 244);
	T_EQ(style_rgb_to_8(0xff0000), COLOR_RED);
	T_EQ(style_rgb_to_8(0x00ff00), COLOR_GREEN);
	T_EQ(style_rgb_to_8(0x1010f0), COLOR_BLUE);
	T_EQ(style_rgb_to_8(0x000000), COLOR_BLACK);
	T_EQ(style_rgb_to_8(0xf0f0f0), COLOR_WHITE);
	T_EQ(style_index_to_8(3), 3);
	T_EQ(style_index_to_8(12), 4);
	T_EQ(style_index_to_8(196), COLOR_RED);
	T_STREQ(style_depth_name(STYLE_MONO), "mono");
	T_STREQ(style_depth_name(STYLE_TRUE), "truecolor");
	return T_SUMMARY();
}
