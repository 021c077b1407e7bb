/*
 * render/buf.h: a growable byte buffer for render/'s encoders (internal to
 * render/). Bounded by RBUF_MAX; on overflow or ENOMEM the buffer is marked
 * failed and further appends are ignored, so encoders check once at the end.
 */
#ifndef PG_RENDER_BUF_H
#define PG_RENDER_BUF_H

#include <stdbool.h>
#include <stddef.h>

#define RBUF_MAX	(64u * 1024 * 1024)

struct rbuf {
	unsigned char	*data;
	size_t		 len, cap;
	bool		 failed;
};

/* Make room for n more bytes; false (and failed set) if it cannot. */
bool rbuf_reserve(struct rbuf *b, size_t n);
void rbuf_put(struct rbuf *b, const void *p, size_t n);
void rbuf_puts(struct rbuf *b, const char *s);
void rbuf_putc(struct rbuf *b, int c);
/* Decimal of a non-negative int. */
void rbuf_putu(struct rbuf *b, unsigned v);
/* Free the bytes; the buffer is reusable afterwards. */
void rbuf_done(struct rbuf *b);
/* Write the decimal of v at p (no NUL); returns the number of digits. */
size_t rbuf_fmtu(char *p, unsigned v);

/*
 * Append p (n bytes) wrapped for a multiplexer: how is an enum
 * render_passthrough (0 none, 1 tmux, 2 screen); see render_wrap().
 */
void rbuf_wrap(struct rbuf *b, int how, const unsigned char *p, size_t n,
    size_t screen_chunk);

#endif
