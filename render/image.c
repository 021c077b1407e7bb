/*
 * render/image.c: PNG through libspng, JPEG through libjpeg-turbo (DCT
 * scaling straight to the size asked for), WebP through libwebp (its scaled
 * decode), GIF and BMP through stb_image (the one stb_image translation
 * unit; its JPEG decoder is left out: stb 2.27's has Huffman overflows
 * the fuzzer finds, libjpeg-turbo does not). Limits
 * are checked against the header before any pixel is decoded, so a header
 * claiming 100000x100000 costs nothing. libspng and libjpeg-turbo decode a
 * 1024x1024 photo in about half of stb_image's time (see
 * tests/bench/bench_render.py, the stage table).
 */
#include "render/image.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <spng.h>
#include <turbojpeg.h>
#include <webp/decode.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_GIF
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS IMAGE_MAX_DIM
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

const char *
image_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (p == NULL)
		return NULL;
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "png";
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "jpeg";
	if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0))
		return "gif";
	if (len >= 2 && p[0] == 'B' && p[1] == 'M')
		return "bmp";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return "webp";
	return NULL;
}

static int
check_size(const char *fmt, long w, long h, char *err, size_t errsz)
{
	if (w <= 0 || h <= 0) {
		seterr(err, errsz, "%s: bad dimensions %ldx%ld", fmt, w, h);
		return -1;
	}
	if (w > IMAGE_MAX_DIM || h > IMAGE_MAX_DIM) {
		seterr(err, errsz, "%s: %ldx%ld exceeds the %d px limit", fmt,
		    w, h, IMAGE_MAX_DIM);
		return -1;
	}
	if (w * h > IMAGE_MAX_PIXELS) {
		seterr(err, errsz, "%s: %ldx%ld exceeds the %ld pixel budget",
		    fmt, w, h, (long)IMAGE_MAX_PIXELS);
		return -1;
	}
	return 0;
}

/*
 * Pixel buffers of a megabyte or more are mapped with MAP_POPULATE: the
 * kernel hands over every page in one call instead of one fault per 4 KiB
 * page on first touch, which on a virtual machine cost a tenth of a
 * 1024x1024 decode. The pages come zeroed, as calloc's would.
 */
#define IMAGE_MAP_MIN	(1u << 20)

static unsigned char *
pixels_alloc(size_t n, size_t *mapped)
{
	void *p;

	*mapped = 0;
	if (n >= IMAGE_MAP_MIN) {
		p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p != MAP_FAILED) {
			*mapped = n;
			return p;
		}
	}
	return calloc(n, 1);
}

struct image *
image_new(int w, int h, char *err, size_t errsz)
{
	struct image *img;

	if (check_size("image", w, h, err, errsz) != 0)
		return NULL;
	img = calloc(1, sizeof *img);
	if (img == NULL || (img->rgb = pixels_alloc((size_t)w * (size_t)h * 3,
	    &img->mapped)) == NULL) {
		free(img);
		seterr(err, errsz, "out of memory for %dx%d image", w, h);
		return NULL;
	}
	img->w = w;
	img->h = h;
	return img;
}

void
image_free(struct image *img)
{
	if (img == NULL)
		return;
	if (img->mapped != 0)
		munmap(img->rgb, img->mapped);
	else
		free(img->rgb);
	free(img);
}

/* src: n pixels of RGBA; dst: RGB composited on bg. */
static void
composite(unsigned char *dst, const unsigned char *src, size_t n,
    uint32_t bg)
{
	unsigned bgc[3] = { (bg >> 16) & 0xff, (bg >> 8) & 0xff, bg & 0xff };
	size_t i;
	int c;

	for (i = 0; i < n; i++, src += 4, dst += 3) {
		unsigned a = src[3];

		for (c = 0; c < 3; c++)
			dst[c] = (unsigned char)((src[c] * a +
			    bgc[c] * (255 - a) + 127) / 255);
	}
}

/*
 * WebP: libwebp scales while decoding (area averaging when shrinking), so
 * a want_w x want_h smaller than the picture decodes straight to that size
 * (aspect kept: the caller asks for the fitted size).
 */
static struct image *
decode_webp(const unsigned char *p, size_t len, uint32_t bg, int want_w,
    int want_h, char *err, size_t errsz)
{
	WebPDecoderConfig cfg;
	struct image *img;
	unsigned char *rgba = NULL;
	int w, h, ow, oh;

	if (WebPGetInfo(p, len, &w, &h) == 0 ||
	    WebPInitDecoderConfig(&cfg) == 0 ||
	    WebPGetFeatures(p, len, &cfg.input) != VP8_STATUS_OK) {
		seterr(err, errsz, "webp: truncated or corrupt header");
		return NULL;
	}
	if (check_size("webp", w, h, err, errsz) != 0)
		return NULL;
	if (cfg.input.has_animation) {
		seterr(err, errsz, "webp: animated WebP is not supported");
		return NULL;
	}
	ow = w;
	oh = h;
	if (want_w > 0 && want_h > 0 && want_w < w && want_h < h) {
		ow = want_w;
		oh = want_h;
		cfg.options.use_scaling = 1;
		cfg.options.scaled_width = ow;
		cfg.options.scaled_height = oh;
	}
	cfg.options.use_threads = 1;	/* filtering on a second core */
	if ((img = image_new(ow, oh, err, errsz)) == NULL)
		return NULL;
	cfg.output.is_external_memory = 1;
	if (!cfg.input.has_alpha) {
		cfg.output.colorspace = MODE_RGB;
		cfg.output.u.RGBA.rgba = img->rgb;
		cfg.output.u.RGBA.stride = ow * 3;
		cfg.output.u.RGBA.size = (size_t)ow * oh * 3;
	} else {
		if ((rgba = malloc((size_t)ow * oh * 4)) == NULL) {
			image_free(img);
			seterr(err, errsz, "out of memory for %dx%d image", ow,
			    oh);
			return NULL;
		}
		cfg.output.colorspace = MODE_RGBA;
		cfg.output.u.RGBA.rgba = rgba;
		cfg.output.u.RGBA.stride = ow * 4;
		cfg.output.u.RGBA.size = (size_t)ow * oh * 4;
	}
	if (WebPDecode(p, len, &cfg) != VP8_STATUS_OK) {
		WebPFreeDecBuffer(&cfg.output);
		free(rgba);
		image_free(img);
		seterr(err, errsz, "webp: truncated or corrupt data");
		return NULL;
	}
	WebPFreeDecBuffer(&cfg.output);
	if (rgba != NULL) {
		composite(img->rgb, rgba, (size_t)ow * oh, bg);
		free(rgba);
	}
	return img;
}

/* PNG through libspng: every colour type and depth to RGB8, alpha and
 * tRNS composited on bg. */
static struct image *
decode_png(const unsigned char *p, size_t len, uint32_t bg, char *err,
    size_t errsz)
{
	struct spng_ihdr ihdr;
	struct spng_trns trns;
	struct image *img = NULL;
	unsigned char *rgba = NULL;
	spng_ctx *ctx;
	int rc, alpha;

	/*
	 * Checksums catch transmission damage, not malice: a file whose data
	 * is damaged decodes to damaged pixels, as in a browser. Skipping
	 * them saves about a tenth of the decode.
	 */
	if ((ctx = spng_ctx_new(SPNG_CTX_IGNORE_ADLER32)) == NULL) {
		seterr(err, errsz, "png: out of memory");
		return NULL;
	}
	spng_set_crc_action(ctx, SPNG_CRC_USE, SPNG_CRC_USE);
	spng_set_image_limits(ctx, IMAGE_MAX_DIM, IMAGE_MAX_DIM);
	/* ancillary chunks: at most 1 MiB each, 4 MiB kept in all */
	spng_set_chunk_limits(ctx, 1u << 20, 4u << 20);
	if ((rc = spng_set_png_buffer(ctx, p, len)) != 0 ||
	    (rc = spng_get_ihdr(ctx, &ihdr)) != 0) {
		seterr(err, errsz, "png: truncated or corrupt header (%s)",
		    spng_strerror(rc));
		goto out;
	}
	if (check_size("png", (long)ihdr.width, (long)ihdr.height, err,
	    errsz) != 0)
		goto out;
	alpha = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA ||
	    ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA ||
	    spng_get_trns(ctx, &trns) == 0;
	if ((img = image_new((int)ihdr.width, (int)ihdr.height, err, errsz)) ==
	    NULL)
		goto out;
	if (!alpha)
		rc = spng_decode_image(ctx, img->rgb, (size_t)img->w * img->h *
		    3, SPNG_FMT_RGB8, 0);
	else if ((rgba = malloc((size_t)img->w * img->h * 4)) == NULL)
		rc = SPNG_EMEM;
	else if ((rc = spng_decode_image(ctx, rgba, (size_t)img->w * img->h *
	    4, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS)) == 0)
		composite(img->rgb, rgba, (size_t)img->w * img->h, bg);
	if (rc != 0) {
		seterr(err, errsz, "png: truncated or corrupt data (%s)",
		    spng_strerror(rc));
		image_free(img);
		img = NULL;
	}
out:
	free(rgba);
	spng_ctx_free(ctx);
	return img;
}

/*
 * JPEG through libjpeg-turbo, shrunk in the DCT by the smallest of its
 * n/8 factors that still gives at least want_w x want_h (no shrinking
 * when either is 0). NULL with err filled when the image is over the
 * limits, CMYK, or corrupt.
 */
static struct image *
decode_jpeg(const unsigned char *p, size_t len, int want_w, int want_h,
    char *err, size_t errsz)
{
	tjhandle tj;
	tjscalingfactor *sf, best = { 1, 1 };
	struct image *img = NULL;
	int w = 0, h = 0, sub = 0, cs = -1, nsf, i, ow, oh;

	if ((tj = tjInitDecompress()) == NULL) {
		seterr(err, errsz, "jpeg: out of memory");
		return NULL;
	}
	if (tjDecompressHeader3(tj, p, (unsigned long)len, &w, &h, &sub,
	    &cs) != 0) {
		seterr(err, errsz, "jpeg: truncated or corrupt header (%s)",
		    tjGetErrorStr2(tj));
		goto out;
	}
	if (cs == TJCS_CMYK || cs == TJCS_YCCK) {
		seterr(err, errsz, "jpeg: CMYK is not supported");
		goto out;
	}
	/* a header cut short can "succeed" without a size */
	if (w < 1 || h < 1) {
		seterr(err, errsz, "jpeg: truncated or corrupt header");
		goto out;
	}
	if (check_size("jpeg", w, h, err, errsz) != 0)
		goto out;
	if (want_w > 0 && want_h > 0 &&
	    (sf = tjGetScalingFactors(&nsf)) != NULL) {
		for (i = 0; i < nsf; i++) {
			int sw = TJSCALED(w, sf[i]), sh = TJSCALED(h, sf[i]);

			if (sf[i].num > sf[i].denom || sw < want_w ||
			    sh < want_h)
				continue;
			if (sw < TJSCALED(w, best))
				best = sf[i];
		}
	}
	ow = TJSCALED(w, best);
	oh = TJSCALED(h, best);
	if ((img = image_new(ow, oh, err, errsz)) == NULL)
		goto out;
	/* a progressive file with hundreds of scans is refused (DoS) */
	if (tjDecompress2(tj, p, (unsigned long)len, img->rgb, ow, ow * 3, oh,
	    TJPF_RGB, TJFLAG_LIMITSCANS) != 0 &&
	    tjGetErrorCode(tj) == TJERR_FATAL) {
		seterr(err, errsz, "jpeg: truncated or corrupt data (%s)",
		    tjGetErrorStr2(tj));
		image_free(img);
		img = NULL;
	}
out:
	tjDestroy(tj);
	return img;
}

/*
 * Dimensions from the header, read here rather than trusted to
 * stbi_info_from_memory(), which tries every format in turn and so loses
 * the reason ("too large") for the one that matched. 0 if found.
 */
static int
header_size(const char *fmt, const unsigned char *p, size_t len, long *w,
    long *h)
{
	size_t i;

	if (strcmp(fmt, "png") == 0 && len >= 24 &&
	    memcmp(p + 12, "IHDR", 4) == 0) {
		*w = (long)((unsigned long)p[16] << 24 | (unsigned long)p[17] <<
		    16 | (unsigned long)p[18] << 8 | p[19]);
		*h = (long)((unsigned long)p[20] << 24 | (unsigned long)p[21] <<
		    16 | (unsigned long)p[22] << 8 | p[23]);
		return 0;
	}
	if (strcmp(fmt, "gif") == 0 && len >= 10) {
		*w = p[6] | p[7] << 8;
		*h = p[8] | p[9] << 8;
		return 0;
	}
	if (strcmp(fmt, "bmp") == 0 && len >= 26) {
		int32_t bw = (int32_t)((uint32_t)p[18] | (uint32_t)p[19] << 8 |
		    (uint32_t)p[20] << 16 | (uint32_t)p[21] << 24);
		int32_t bh = (int32_t)((uint32_t)p[22] | (uint32_t)p[23] << 8 |
		    (uint32_t)p[24] << 16 | (uint32_t)p[25] << 24);

		*w = bw;
		*h = bh < 0 ? -(long)bh : bh;	/* negative: top-down */
		return 0;
	}
	if (strcmp(fmt, "jpeg") == 0) {
		for (i = 2; i + 9 < len; ) {
			unsigned m;

			if (p[i] != 0xff)
				return -1;
			while (i < len && p[i] == 0xff)
				i++;
			if (i + 8 >= len)
				return -1;
			m = p[i];
			if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
			    m != 0xcc) {
				*h = p[i + 4] << 8 | p[i + 5];
				*w = p[i + 6] << 8 | p[i + 7];
				return 0;
			}
			if (m == 0xda || m == 0xd9)
				return -1;
			i += 1 + (size_t)(p[i + 1] << 8 | p[i + 2]);
		}
	}
	return -1;
}

static struct image *
decode_stb(const char *fmt, const unsigned char *p, size_t len, uint32_t bg,
    char *err, size_t errsz)
{
	struct image *img;
	unsigned char *px;
	int w, h, comp, n;
	long hw, hh;

	if (header_size(fmt, p, len, &hw, &hh) == 0 &&
	    check_size(fmt, hw, hh, err, errsz) != 0)
		return NULL;
	if (stbi_info_from_memory(p, (int)len, &w, &h, &comp) == 0) {
		seterr(err, errsz, "%s: truncated or corrupt header", fmt);
		return NULL;
	}
	if (check_size(fmt, w, h, err, errsz) != 0)
		return NULL;
	/* alpha is composited by us; grey and RGB decode straight to RGB */
	n = (comp == 2 || comp == 4) ? 4 : 3;
	px = stbi_load_from_memory(p, (int)len, &w, &h, &comp, n);
	if (px == NULL) {
		const char *why = stbi_failure_reason();

		seterr(err, errsz, "%s: truncated or corrupt data (%s)", fmt,
		    why ? why : "unknown");
		return NULL;
	}
	if (check_size(fmt, w, h, err, errsz) != 0 ||
	    (img = calloc(1, sizeof *img)) == NULL) {
		stbi_image_free(px);
		if (err && errsz && err[0] == '\0')
			seterr(err, errsz, "out of memory");
		return NULL;
	}
	img->w = w;
	img->h = h;
	if (n == 3) {
		img->rgb = px;	/* stb allocates with malloc: free() is fine */
		return img;
	}
	if ((img->rgb = malloc((size_t)w * h * 3)) == NULL) {
		stbi_image_free(px);
		free(img);
		seterr(err, errsz, "out of memory for %dx%d image", w, h);
		return NULL;
	}
	composite(img->rgb, px, (size_t)w * h, bg);
	stbi_image_free(px);
	return img;
}

int
image_probe(const void *data, size_t len, int *w, int *h)
{
	const char *fmt = image_sniff(data, len);
	long hw, hh;
	int ww, wh;

	*w = *h = 0;
	if (fmt == NULL)
		return -1;
	if (strcmp(fmt, "webp") == 0) {
		if (WebPGetInfo(data, len, &ww, &wh) == 0)
			return -1;
		*w = ww;
		*h = wh;
		return 0;
	}
	if (header_size(fmt, data, len, &hw, &hh) != 0 || hw <= 0 ||
	    hh <= 0 || hw > IMAGE_MAX_DIM || hh > IMAGE_MAX_DIM)
		return -1;
	*w = (int)hw;
	*h = (int)hh;
	return 0;
}

struct image *
image_decode_fit(const void *data, size_t len, uint32_t bg, int want_w,
    int want_h, char *err, size_t errsz)
{
	const char *fmt;

	if (err && errsz)
		err[0] = '\0';
	if (data == NULL || len == 0) {
		seterr(err, errsz, "empty image");
		return NULL;
	}
	if (len > (size_t)IMAGE_MAX_INPUT) {
		seterr(err, errsz, "image of %zu bytes exceeds the %ld byte "
		    "limit", len, (long)IMAGE_MAX_INPUT);
		return NULL;
	}
	if ((fmt = image_sniff(data, len)) == NULL) {
		seterr(err, errsz, "unknown image format (not PNG, JPEG, GIF, "
		    "BMP or WebP)");
		return NULL;
	}
	if (strcmp(fmt, "webp") == 0)
		return decode_webp(data, len, bg, want_w, want_h, err, errsz);
	if (strcmp(fmt, "png") == 0)
		return decode_png(data, len, bg, err, errsz);
	if (strcmp(fmt, "jpeg") == 0)
		return decode_jpeg(data, len, want_w, want_h, err, errsz);
	return decode_stb(fmt, data, len, bg, err, errsz);
}

struct image *
image_decode(const void *data, size_t len, uint32_t bg, char *err,
    size_t errsz)
{
	return image_decode_fit(data, len, bg, 0, 0, err, errsz);
}
