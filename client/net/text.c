/*
 * client/net/text.c: untrusted text made safe to show, for messages the
 * client composes from what a server sent (see text.h).
 */
#include <stdio.h>
#include <string.h>

#include "client/net/text.h"

void
text_put_visible(char *buf, size_t n, size_t *at, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, j;

	while (i < len && *at + 1 < n) {
		unsigned ch = u[i];
		char esc[8];
		size_t el;

		if (ch == '\n' || ch == '\t' || ch == '\r')
			ch = ' ';
		k = ch < 0x80 ? 1 : ch >= 0xc2 && ch <= 0xdf ? 2 :
		    ch >= 0xe0 && ch <= 0xef ? 3 : ch >= 0xf0 && ch <= 0xf4 ?
		    4 : 0;
		for (j = 1; j < k; j++)
			if (i + j >= len || (u[i + j] & 0xc0) != 0x80)
				k = 0;
		esc[0] = '\0';
		if (ch < 0x20 || ch == 0x7f || k == 0)
			snprintf(esc, sizeof esc, "\\x%02x", ch);
		else if (k == 2 && ch == 0xc2 && u[i + 1] <= 0x9f)
			snprintf(esc, sizeof esc, "\\u%04x", u[i + 1]);
		else if (k == 3 && ch == 0xe2 && ((u[i + 1] == 0x80 &&
		    u[i + 2] >= 0xaa && u[i + 2] <= 0xae) || (u[i + 1] == 0x81 &&
		    u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9)))
			snprintf(esc, sizeof esc, "\\u%04x", 0x2000u |
			    (unsigned)(u[i + 1] & 0x3f) << 6 | (u[i + 2] & 0x3f));
		if (esc[0] != '\0') {
			el = strlen(esc);
			if (*at + el + 1 >= n)
				break;
			memcpy(buf + *at, esc, el);
			*at += el;
			i += k == 0 ? 1 : k;
			continue;
		}
		if (*at + k + 1 >= n)
			break;
		buf[(*at)++] = (char)ch;
		for (j = 1; j < k; j++)
			buf[(*at)++] = (char)u[i + j];
		i += k;
	}
	buf[*at] = '\0';
}

