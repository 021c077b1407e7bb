/*
 * render/render.h: bytes -> pixels -> terminal output, and the contract with
 * tui/. render/ knows nothing of HTTP or ncurses; it never prints, never
 * exits and keeps no mutable globals. Every function that can fail fills a
 * caller-owned `char *err, size_t errsz` with one line.
 *
 * Pieces (one header each, all included here):
 *   image.h   decode PNG/JPEG/GIF/BMP (stb_image) and WebP (libwebp)
 *   fit.h     cell pixel size, fit into a box of cells, area-average scaling
 *   sixel.h   sixel encoder (own median-cut palette + RLE; see sixel.c)
 *   kitty.h   kitty graphics protocol (PNG, base64, chunked)
 *   blocks.h  Unicode half-block fallback as a cell grid, or ANSI text
 *   detect.h  terminal queries (DA1, XTSMGRAPHICS, CSI 16 t, XTVERSION,
 *             kitty) before ncurses takes the terminal
 *
 * Contract with tui/ (how an image blob reaches the screen):
 *   1. tui/ draws its frame with ncurses and calls doupdate().
 *   2. Then, for each visible image, it writes the blob's bytes to the tty
 *      wrapped as ESC 7, CUP row;col, blob, ESC 8 (render_blob_wrap_cup()
 *      builds exactly that), so ncurses' idea of the cursor stays right.
 *   3. The blob covers blob.cols x blob.rows cells from that position; tui/
 *      keeps those cells blank in ncurses so a normal refresh never paints
 *      over them.
 *   4. To remove an image, overwrite its cells with glyphs (spaces) via
 *      ncurses (touch those lines); never rely on erase sequences, which
 *      leave sixel pixels behind. For kitty also write kitty_delete()'s
 *      bytes (delete by id).
 *   5. After a resize, clear() or any full repaint the image is gone:
 *      re-emit the blob (cached bytes; see render_cache) after doupdate().
 *   6. Never let an image scroll the screen: row + blob.rows must stay above
 *      the last line (render_blob_wrap_cup() refuses otherwise).
 *   7. In tmux / GNU screen, render with opts.passthrough NONE and place
 *      with render_place(how = detect_result.passthrough, the pane's
 *      offset): the cursor save, CUP and image all go through passthrough
 *      to the outer terminal, whose coordinates include the pane offset
 *      (tmux display -p '#{pane_top} #{pane_left}'). tmux does not track
 *      the image, so any tmux redraw wipes it: re-emit as in 5. (A blob
 *      rendered with opts.passthrough set is wrapped already, for writing
 *      at the outer cursor as `r8play show` does.)
 */
#ifndef PG_RENDER_RENDER_H
#define PG_RENDER_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/image.h"
#include "render/fit.h"
#include "render/blocks.h"
#include "render/detect.h"
#include "render/kitty.h"
#include "render/sixel.h"

/* Largest blob any encoder produces (bytes). */
#define RENDER_MAX_BLOB	(64u * 1024 * 1024)

/*
 * Bytes to write to the terminal and the cells they cover. Owned by whoever
 * received it; free with render_blob_done() (safe on a zeroed blob).
 */
struct render_blob {
	unsigned char	*data;
	size_t		 len;
	int		 cols, rows;
};

void render_blob_done(struct render_blob *b);

/* What render_image() should produce and for which box. */
struct render_opts {
	enum render_mode	 mode;		/* SIXEL, KITTY, BLOCKS */
	int			 cols, rows;	/* box in cells (>= 1) */
	int			 cell_w, cell_h; /* cell pixels (0: 10x20) */
	int			 max_w, max_h;	/* sixel max geometry, 0: none */
	int			 colors;	/* sixel palette, 0: 256 */
	bool			 upscale;	/* grow small images to the box */
	enum render_passthrough	 passthrough;
	unsigned		 kitty_id;	/* kitty image id (0: 1) */
	enum blocks_depth	 depth;		/* for RENDER_MODE_BLOCKS */
};

/*
 * Fit img into opts' box and encode it for opts.mode (SIXEL: under
 * SIXEL_MAX_BYTES, shrinking until it fits; KITTY: PNG chunks; BLOCKS:
 * ANSI text). Fills *out (caller frees with render_blob_done()) and returns
 * 0; on failure returns -1, *out zeroed, message in err.
 */
int render_image(const struct image *img, const struct render_opts *opts,
    struct render_blob *out, char *err, size_t errsz);

/* Milliseconds per stage, filled by render_image_ex() and render_prepare()
 * (each adds to what is there: zero it first). */
struct render_stats {
	double	read_ms, decode_ms, scale_ms, quant_ms, encode_ms;
	int	src_w, src_h;	/* the picture's own size */
	int	dec_w, dec_h;	/* as decoded (smaller when the decoder
				   shrank it) */
	int	out_w, out_h;	/* as encoded (pixels) */
};

/* CLOCK_MONOTONIC in milliseconds (for stage timings). */
double render_now_ms(void);

/*
 * render_image() for an image that a decoder may have shrunk already:
 * the fitted size is computed from src_w x src_h (the picture's own size;
 * <= 0: img's), then img is scaled to it. Adds stage times to *st.
 */
int render_image_ex(const struct image *img, int src_w, int src_h,
    const struct render_opts *opts, struct render_blob *out,
    struct render_stats *st, char *err, size_t errsz);

/*
 * Encoded bytes (data, len) to a blob for opts in one go: the size the
 * picture will be drawn at is worked out from its header first, so JPEG
 * and WebP decode straight to (about) that size; then scale and encode
 * (on two cores where it pays). bg as for image_decode(). When img_out is
 * not NULL it receives the decoded image (caller frees; it may be smaller
 * than the picture, see image_decode_fit()). st may be NULL. 0, or -1 with
 * err filled and *out zeroed.
 */
int render_prepare(const void *data, size_t len, uint32_t bg,
    const struct render_opts *opts, struct render_blob *out,
    struct image **img_out, struct render_stats *st, char *err,
    size_t errsz);

/* The pixel size render_prepare() would decode for: the fitted size of a
 * src_w x src_h picture in opts' box (blocks: 1 x 2 pixels per cell).
 * 0 x 0 when unknown. */
void render_want_size(int src_w, int src_h, const struct render_opts *opts,
    int *w, int *h);

/*
 * Wrap a blob for a multiplexer (enum render_passthrough in detect.h):
 * TMUX: ESC P tmux; payload with every ESC doubled ESC \. SCREEN: the
 * payload cut into ESC P chunk ESC \ pieces of at most
 * RENDER_SCREEN_CHUNK bytes, cut between an ESC and a following '\' so
 * no inner ST ends an outer string early. NONE: a copy. Fills *out (free
 * with render_blob_done(); cols and rows copied). Returns 0, or -1.
 */
#define RENDER_SCREEN_CHUNK	512
int render_wrap(enum render_passthrough how, const struct render_blob *in,
    struct render_blob *out, char *err, size_t errsz);

/*
 * Build ESC 7, CSI row+1;col+1 H, blob, ESC 8 into *out (free with
 * render_blob_done()). row/col are 0-based cells; screen_rows is the
 * terminal's height. Returns -1 (message in err) when the image would reach
 * the last line (and so could scroll the screen) or lies off screen.
 */
int render_blob_wrap_cup(const struct render_blob *blob, int row, int col,
    int screen_rows, struct render_blob *out, char *err, size_t errsz);

/*
 * render_blob_wrap_cup() for a multiplexer: the same bytes with the CUP
 * moved by (off_row, off_col) (the pane's place in the outer terminal) and
 * the whole wrapped for how. row/col/screen_rows stay pane coordinates.
 * blob must be unwrapped (rendered with passthrough NONE).
 */
int render_place(const struct render_blob *blob, int row, int col,
    int screen_rows, enum render_passthrough how, int off_row, int off_col,
    struct render_blob *out, char *err, size_t errsz);

/*
 * Cache of encoded blobs per (image pixels, options), so a redraw is a
 * write. Keyed by a hash of the pixels plus every field of render_opts.
 * Holds at most RENDER_CACHE_ENTRIES blobs, least recently used evicted.
 */
#define RENDER_CACHE_ENTRIES	16
struct render_cache;

/* New empty cache (free with render_cache_free()); NULL on ENOMEM. */
struct render_cache *render_cache_new(void);
void render_cache_free(struct render_cache *c);
/* Drop every entry (after a resize changes cell sizes, say). */
void render_cache_clear(struct render_cache *c);
/*
 * The blob for (img, opts): cached or rendered now and cached. Returned
 * pointer is borrowed, valid until the next call on c. NULL on failure with
 * err filled.
 */
const struct render_blob *render_cache_get(struct render_cache *c,
    const struct image *img, const struct render_opts *opts, char *err,
    size_t errsz);
/*
 * Hash img's pixels once and keep the hash in img (a 2048x2048 image takes
 * milliseconds): render_cache_* then never hash img again. The pixels
 * must not change afterwards. render/async.c calls it on its worker for
 * every image it hands back, so a caller's cache lookups cost nothing.
 */
uint64_t render_image_hash(struct image *img);
/*
 * For a caller that renders elsewhere (render/async.h): the cached blob
 * for (img, opts) or NULL, never rendering; and storing a blob rendered
 * for (img, opts): the cache takes *blob over (zeroed here), replacing
 * any entry for the same key. Both borrowed pointers as above; put
 * returns NULL (blob untouched) on bad arguments.
 */
const struct render_blob *render_cache_peek(struct render_cache *c,
    const struct image *img, const struct render_opts *opts);
const struct render_blob *render_cache_put(struct render_cache *c,
    const struct image *img, const struct render_opts *opts,
    struct render_blob *blob);
/* Number of renders done (cache misses), for tests. */
unsigned long render_cache_misses(const struct render_cache *c);

#endif
