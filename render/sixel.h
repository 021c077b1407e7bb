/*
 * render/sixel.h: RGB888 -> sixel (DEC graphics), with an adaptive palette
 * of at most SIXEL_MAX_COLORS registers. No dithering: see sixel.c for why
 * this is our own encoder and not libsixel's.
 */
#ifndef PG_RENDER_SIXEL_H
#define PG_RENDER_SIXEL_H

#include <stddef.h>
#include <stdint.h>

/* tmux drops DCS sequences over about 1 MB: every image stays below. */
#define SIXEL_MAX_BYTES		(1000u * 1000u)
#define SIXEL_MAX_COLORS	256
#define SIXEL_MIN_COLORS	2

/*
 * Encode w x h packed RGB888 pixels as one sixel DCS sequence
 * (ESC P 0;1;0 q "1;1;w;h palette bands ESC \) with at most colors palette
 * registers (clamped to SIXEL_MIN_COLORS..SIXEL_MAX_COLORS). On success
 * *out is malloc'd (caller frees with free()), *outlen its size, returns 0;
 * on failure returns -1 with err filled and *out NULL.
 */
int sixel_encode_rgb(const unsigned char *rgb, int w, int h, int colors,
    unsigned char **out, size_t *outlen, char *err, size_t errsz);

/*
 * The two halves of sixel_encode_rgb(), for callers that time or reuse
 * them: a palette (entries in rgb, n of them) and the table from a pixel's
 * 15-bit colour (r>>3 << 10 | g>>3 << 5 | b>>3) to its entry.
 */
#define SIXEL_LUT_SIZE		32768
struct sixel_pal {
	int		n;
	unsigned char	rgb[SIXEL_MAX_COLORS * 3];
	uint8_t		lut[SIXEL_LUT_SIZE];
};

/* Build *p for w x h RGB888 pixels (colors clamped as above): 0, or -1
 * on ENOMEM. Uses the second core for big images. */
int sixel_palette(const unsigned char *rgb, int w, int h, int colors,
    struct sixel_pal *p);

/* Encode with a palette from sixel_palette(): as sixel_encode_rgb(). */
int sixel_encode_pal(const unsigned char *rgb, int w, int h,
    const struct sixel_pal *p, unsigned char **out, size_t *outlen,
    char *err, size_t errsz);

/*
 * Median-cut palette (exposed for tests): at most colors entries of RGB in
 * pal (3 bytes each), *n the count; index[i] is pixel i's palette entry
 * (w*h bytes). Returns 0, or -1 on ENOMEM.
 */
int sixel_quantize(const unsigned char *rgb, int w, int h, int colors,
    unsigned char *pal, int *n, unsigned char *index);

#endif
