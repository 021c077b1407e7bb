/*
 * render/image.h: decoding untrusted image bytes into RGB888 pixels.
 * PNG through libspng, JPEG through libjpeg-turbo, GIF (first frame) and
 * BMP through stb_image (this module's only stb_image translation unit,
 * with our limits), WebP through libwebp. The
 * header is read first and anything over the limits is refused before a
 * pixel buffer is allocated.
 */
#ifndef PG_RENDER_IMAGE_H
#define PG_RENDER_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Limits: a side, the pixel budget (w*h), the encoded input size. */
#define IMAGE_MAX_DIM		8192
#ifdef R8PLAY_FUZZ
#define IMAGE_MAX_PIXELS	(1024L * 1024L)	/* keeps fuzz runs fast */
#else
#define IMAGE_MAX_PIXELS	(4096L * 4096L)
#endif
#define IMAGE_MAX_INPUT		(64L * 1024 * 1024)
/* Background that transparent pixels are composited on (0xRRGGBB). */
#define IMAGE_DEFAULT_BG	0x000000u

/* Packed RGB888, rows top to bottom, stride w*3. Owns rgb. Make and
 * free images with image_new() / image_free() only (rgb may be mapped:
 * mapped is then its length, else 0 and rgb came from malloc). */
struct image {
	int		 w, h;
	unsigned char	*rgb;
	size_t		 mapped;
	/* the pixels' hash for render_cache_*, once render_image_hash()
	 * has stored it (pixels never change after a decode) */
	uint64_t	 hash;
	int		 hashed;
};

/*
 * Decode data (len bytes: PNG, JPEG, GIF, BMP or WebP, sniffed from the
 * magic bytes) into a new image, compositing alpha on bg (0xRRGGBB).
 * Returns the image (caller frees with image_free()), or NULL with a one-line
 * message in err ("png: 100000x100000 exceeds the 8192 px limit", "webp:
 * truncated or corrupt data", "unknown image format").
 */
struct image *image_decode(const void *data, size_t len, uint32_t bg,
    char *err, size_t errsz);

/*
 * image_decode() for a picture that will be shown at want_w x want_h (the
 * fitted size, aspect kept): JPEG is shrunk in the DCT to the smallest
 * n/8 size still at least that big, WebP decodes straight to that size
 * when it is smaller than the picture; other formats decode whole. The
 * result is never smaller than want_w x want_h unless the picture is.
 * want_w or want_h <= 0: full size (image_decode()).
 */
struct image *image_decode_fit(const void *data, size_t len, uint32_t bg,
    int want_w, int want_h, char *err, size_t errsz);

/* The picture's size from its header, nothing decoded: 0, or -1 when
 * the format is unknown or the header unreadable or over the limits. */
int image_probe(const void *data, size_t len, int *w, int *h);

/* New w x h image, pixels zeroed; NULL (err filled) when over the limits. */
struct image *image_new(int w, int h, char *err, size_t errsz);

/* Free img and its pixels; NULL is a no-op. */
void image_free(struct image *img);

/* "png", "jpeg", "gif", "bmp", "webp" or NULL, from the first bytes. */
const char *image_sniff(const void *data, size_t len);

#endif
