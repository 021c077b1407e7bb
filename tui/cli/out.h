/*
 * tui/cli/out.h: the one JSON writer and the one safe-text writer of every
 * command. Text from the network is untrusted: it reaches stdout/stderr
 * only through these.
 *
 *   JSON: U+0000-U+001F, U+007F-U+009F (raw bytes 0x80-0x9F and their
 *         UTF-8 forms alike) and invalid UTF-8 bytes become \u00XX; the
 *         output is valid JSON whatever the input.
 *   Text: control characters become visible (^X, U+FFFD for C1 and
 *         invalid bytes, widgets/tw.h's tw_sanitize); newlines and tabs
 *         are kept by out_text, flattened to spaces by out_flat.
 *   Errors: one format for every command, `r8play COMMAND: message`.
 */
#ifndef PG_TUI_CLI_OUT_H
#define PG_TUI_CLI_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A JSON string of s, or null when s is NULL. */
void out_json_str(FILE *fp, const char *s);
void out_json_strn(FILE *fp, const char *s, size_t len);
/*
 * JSON text from a server (already JSON) written with the same escapes
 * inside its strings; NULL writes null.
 */
void out_json_raw(FILE *fp, const char *s);
/* A number (10 significant digits), or null when v < 0 (unknown) or
 * not finite. */
void out_json_num(FILE *fp, double v);
/* An exact count (bytes), as a JSON integer. */
void out_json_uint(FILE *fp, unsigned long long v);

/* Untrusted text, controls made visible, newlines and tabs kept. */
void out_text(FILE *fp, const char *s, size_t len);
/* Untrusted text on one line (NULL writes nothing). */
void out_flat(FILE *fp, const char *s);
/* out_flat into buf (always NUL-terminated), for printf columns. */
const char *out_safe_str(const char *s, char *buf, size_t n);
/*
 * Untrusted output meant for a pipe (a run's text output): out_text,
 * unless raw is set, then the bytes as they are.
 */
void out_payload(FILE *fp, const char *s, size_t len, bool raw);

/* "r8play CMD: message\n" on stderr, the message sanitised. */
void out_err(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
