/*
 * render/kitty.h: the kitty graphics protocol (kitty, WezTerm, Ghostty).
 * An image is sent as PNG (f=100), base64 in chunks of at most KITTY_CHUNK
 * bytes (m=1 ... m=0), transmitted and placed at the cursor in one go
 * (a=T), the cursor not moved (C=1), replies suppressed (q=2), and deleted
 * by its id (a=d,d=I).
 */
#ifndef PG_RENDER_KITTY_H
#define PG_RENDER_KITTY_H

#include <stddef.h>

#define KITTY_CHUNK	4096

/*
 * PNG (zlib-compressed, via stb_image_write) of w x h RGB888. *png is
 * malloc'd (caller frees with free()); returns 0, or -1 with err filled.
 */
int kitty_png_encode(const unsigned char *rgb, int w, int h,
    unsigned char **png, size_t *pnglen, char *err, size_t errsz);

/*
 * The escape sequences that transmit png (pnglen bytes) as image id and
 * place it at the cursor. *out malloc'd (free()), returns 0 or -1.
 */
int kitty_encode(const unsigned char *png, size_t pnglen, unsigned id,
    unsigned char **out, size_t *outlen, char *err, size_t errsz);

/* ESC _G a=d,d=I,i=ID,q=2 ESC \ into buf (>= 40 bytes); returns length. */
size_t kitty_delete(unsigned id, char *buf, size_t bufsz);

#endif
