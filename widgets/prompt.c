/* widgets/prompt.c: the one-line editor. */
#include "widgets/prompt.h"

#include <string.h>

#include "widgets/kb.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

static size_t
prev_cp(const struct prompt *p, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)p->buf[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static size_t
next_cp(const struct prompt *p, size_t i)
{
	uint32_t cp;

	if (i >= p->len)
		return p->len;
	return i + tw_decode(p->buf + i, p->len - i, &cp);
}

static void
cut(struct prompt *p, size_t a, size_t b)
{
	if (b <= a)
		return;
	memmove(p->buf + a, p->buf + b, p->len - b + 1);
	p->len -= b - a;
	if (p->cur > b)
		p->cur -= b - a;
	else if (p->cur > a)
		p->cur = a;
	p->changed = true;
}

void
prompt_set(struct prompt *p, const char *text, bool secret)
{
	size_t n = text ? strlen(text) : 0;

	if (n > PROMPT_MAX) {
		n = PROMPT_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(p->buf, text, n);
	p->buf[n] = '\0';
	p->len = p->cur = n;
	p->secret = secret;
	p->changed = false;
}

static void
insert(struct prompt *p, int key)
{
	char b[8];
	size_t n;
	uint32_t c = (uint32_t)key;

	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else if (c < 0x110000) {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	} else
		return;
	if (p->len + n > PROMPT_MAX)
		return;
	memmove(p->buf + p->cur + n, p->buf + p->cur, p->len - p->cur + 1);
	memcpy(p->buf + p->cur, b, n);
	p->len += n;
	p->cur += n;
	p->changed = true;
}

enum wr
prompt_key(struct prompt *p, int key)
{
	size_t i;

	switch (key) {
	case '\r':
	case '\n':
	case KB_FN | KEY_ENTER:
		return WR_SUBMIT;
	case 033:
		return WR_CANCEL;
	case '\t':
		return WR_COMPLETE;
	case KB_FN | KEY_LEFT:
	case KB_CTRL('b'):
		p->cur = prev_cp(p, p->cur);
		return WR_HANDLED;
	case KB_FN | KEY_RIGHT:
	case KB_CTRL('f'):
		p->cur = next_cp(p, p->cur);
		return WR_HANDLED;
	case KB_FN | KEY_HOME:
	case KB_CTRL('a'):
		p->cur = 0;
		return WR_HANDLED;
	case KB_FN | KEY_END:
	case KB_CTRL('e'):
		p->cur = p->len;
		return WR_HANDLED;
	case 0x7f:
	case KB_CTRL('h'):
	case KB_FN | KEY_BACKSPACE:
		cut(p, prev_cp(p, p->cur), p->cur);
		return WR_HANDLED;
	case KB_FN | KEY_DC:
	case KB_CTRL('d'):
		cut(p, p->cur, next_cp(p, p->cur));
		return WR_HANDLED;
	case KB_CTRL('u'):
		cut(p, 0, p->cur);
		return WR_HANDLED;
	case KB_CTRL('k'):
		cut(p, p->cur, p->len);
		return WR_HANDLED;
	case KB_CTRL('w'):
		i = p->cur;
		while (i > 0 && p->buf[i - 1] == ' ')
			i--;
		while (i > 0 && p->buf[i - 1] != ' ')
			i--;
		cut(p, i, p->cur);
		return WR_HANDLED;
	}
	if ((key & KB_FN) || key < 0x20 || key == 0x7f)
		return WR_IGNORED;
	insert(p, key);
	return WR_HANDLED;
}

int
prompt_draw(const struct prompt *p, int y, int x, int cols,
    const char *label, attr_t label_attr, attr_t text_attr)
{
	char view[PAINT_LINE_MAX];
	int lw = label ? paint_text(y, x, cols, label, label_attr) : 0;
	int room = cols - lw, curw, skip = 0;
	size_t off;

	if (room <= 1)
		return x + lw;
	if (p->secret) {
		size_t i, n = 0, o = 0;

		for (i = 0; i < p->len; i = next_cp(p, i))
			n++;
		for (i = 0; i < n && o + 4 < sizeof view; i++) {
			memcpy(view + o, "\u2022", 3);
			o += 3;
		}
		view[o] = '\0';
		curw = 0;
		for (i = 0; i < p->cur; i = next_cp(p, i))
			curw++;
	} else {
		size_t n = p->len < sizeof view ? p->len : sizeof view - 1;

		memcpy(view, p->buf, n);
		view[n] = '\0';
		curw = tw_width_n(p->buf, p->cur);
	}
	if (curw >= room)
		skip = curw - room + 1;
	off = tw_skip_cols(view, skip);
	paint_text_pad(y, x + lw, room, view + off, text_attr);
	return x + lw + (curw - tw_width_n(view, off));
}
