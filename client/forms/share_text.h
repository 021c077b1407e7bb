/*
 * client/forms/share_text.h: text building for client/forms/share.c (not a
 * public API): a growing buffer that records running out of memory, the one
 * shell quoting of every export, and JSON text made inert (no DEL, C1,
 * bidi control or invalid byte raw).
 */
#ifndef PG_CLIENT_FORMS_SHARE_TEXT_H
#define PG_CLIENT_FORMS_SHARE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

struct share_buf {
	char	*p;
	size_t	n, cap;
	bool	oom;		/* a write failed: p is incomplete */
};

void share_buf_addn(struct share_buf *b, const char *s, size_t n);
void share_buf_add(struct share_buf *b, const char *s);
/* Short fixed texts only (under 512 bytes); longer sets oom. */
void share_buf_addf(struct share_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s[0..n) as the body of a word already inside single quotes. */
void share_buf_sq_body(struct share_buf *b, const char *s, size_t n);
/* s as one single-quoted shell word. */
void share_buf_sq(struct share_buf *b, const char *s);
/* cJSON_PrintUnformatted(v) made inert; caller frees; NULL on OOM. */
char *share_json_print(const cJSON *v);

#endif
