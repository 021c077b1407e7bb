/*
 * widgets/tw.h: text width. The ONE place that decides how many terminal
 * cells a string takes, how it is cut to fit, and how untrusted text (model
 * names, descriptions, logs from the network) is made safe to print:
 * control characters become visible (^[, ^?), invalid UTF-8, C1 and bidi
 * overrides become U+FFFD.
 * Plain libc (wcwidth under the caller's locale; call setlocale first).
 */
#ifndef PG_WIDGETS_TW_H
#define PG_WIDGETS_TW_H

#include <stddef.h>
#include <stdint.h>

/* Longest output tw_sanitize() can make of one input byte (^X = 2 bytes,
 * U+FFFD = 3 bytes). Size buffers as len * TW_EXPAND + 1. */
#define TW_EXPAND 3

/*
 * Decode one code point from s[0..len). Returns the bytes used (>= 1 when
 * len > 0, 0 when len == 0). Invalid or truncated sequences, overlongs and
 * surrogates give U+FFFD and consume one byte.
 */
size_t tw_decode(const char *s, size_t len, uint32_t *cp);

/* Cells taken by one code point as printed after sanitising: control
 * characters 2 (caret form), wcwidth() < 0 counts as 1. */
int tw_cp_width(uint32_t cp);

/* Cells taken by the sanitised form of the NUL-terminated s. */
int tw_width(const char *s);
int tw_width_n(const char *s, size_t len);

/*
 * Copy s[0..len) into out (outsz bytes, always NUL-terminated when
 * outsz > 0) with C0/DEL shown as ^X, C1, invalid bytes and the bidi
 * controls U+202A-U+202E, U+2066-U+2069 as U+FFFD.
 * When flat is nonzero, tab, CR and LF become single spaces instead.
 * Returns the bytes written (excluding the NUL); stops early, at a code
 * point boundary, when out is full.
 */
size_t tw_sanitize(const char *s, size_t len, char *out, size_t outsz,
    int flat);

/*
 * Sanitise (flat) and fit s into at most cols cells: when it does not fit,
 * cut at a code point boundary and end with "…" (one cell); a wide
 * character that would straddle the edge is dropped. With pad nonzero the
 * result is padded with spaces to exactly cols cells. Returns the cells
 * used. out must hold cols * 4 + 4 bytes to never truncate.
 */
int tw_fit(const char *s, int cols, char *out, size_t outsz, int pad);

/* Byte offset in s where the first `cols` cells end (for scrolling text). */
size_t tw_skip_cols(const char *s, int cols);

#endif
