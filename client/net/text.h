/*
 * client/net/text.h: text that came over the network, made visible for a
 * one-line message. The client's messages (errors, schema changes) hold
 * server text; they must never carry a control sequence to a terminal nor
 * break into a second line.
 *
 * Ownership: the caller owns buf; nothing is allocated.
 */
#ifndef R8PLAY_CLIENT_TEXT_H
#define R8PLAY_CLIENT_TEXT_H

#include <stddef.h>

/*
 * Append s[0..len) to buf[*at..n) with control characters made visible:
 * line breaks and tabs as one space, other C0 and DEL as \xHH, C1
 * (U+0080-U+009F) and the bidi controls (U+202A-U+202E, U+2066-U+2069) as
 * \uHHHH, a byte that is not valid UTF-8 as \xHH. Stops at a whole
 * character or escape when buf is full; buf stays NUL-terminated (n > 0,
 * *at < n).
 */
void text_put_visible(char *buf, size_t n, size_t *at, const char *s,
    size_t len);

#endif
