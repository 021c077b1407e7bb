/* render/buf.c: the bounded growable buffer behind every render/ encoder. */
#include "render/buf.h"

#include <stdlib.h>
#include <string.h>

bool
rbuf_reserve(struct rbuf *b, size_t n)
{
	size_t cap;
	unsigned char *p;

	if (b->failed)
		return false;
	if (n <= b->cap - b->len)
		return true;
	if (n > RBUF_MAX || b->len > RBUF_MAX - n) {
		b->failed = true;
		return false;
	}
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	if (cap > RBUF_MAX)
		cap = RBUF_MAX;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
rbuf_put(struct rbuf *b, const void *p, size_t n)
{
	if (n == 0 || !rbuf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
rbuf_puts(struct rbuf *b, const char *s)
{
	rbuf_put(b, s, strlen(s));
}

void
rbuf_putc(struct rbuf *b, int c)
{
	if (!rbuf_reserve(b, 1))
		return;
	b->data[b->len++] = (unsigned char)c;
}

size_t
rbuf_fmtu(char *p, unsigned v)
{
	char tmp[12];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

void
rbuf_putu(struct rbuf *b, unsigned v)
{
	char tmp[12];

	rbuf_put(b, tmp, rbuf_fmtu(tmp, v));
}

void
rbuf_done(struct rbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void
rbuf_wrap(struct rbuf *b, int how, const unsigned char *p, size_t n,
    size_t chunk)
{
	size_t i, start;

	if (how == 1) {
		rbuf_puts(b, "\033Ptmux;");
		for (i = 0; i < n; i++) {
			if (p[i] == 0x1b)
				rbuf_putc(b, 0x1b);
			rbuf_putc(b, p[i]);
		}
		rbuf_puts(b, "\033\\");
		return;
	}
	if (how != 2) {
		rbuf_put(b, p, n);
		return;
	}
	if (chunk < 2)
		chunk = 2;
	for (start = 0; start < n; start = i) {
		i = start;
		while (i < n && i - start < chunk) {
			/* end the chunk after an ESC that starts an ST */
			if (p[i] == 0x1b && i + 1 < n && p[i + 1] == '\\') {
				i++;
				break;
			}
			i++;
		}
		rbuf_puts(b, "\033P");
		rbuf_put(b, p + start, i - start);
		rbuf_puts(b, "\033\\");
	}
}
