/*
 * client/forms/form_int.h: what the files of client/forms/form*.c share
 * and nobody else may use: message and text helpers (form.c), array items,
 * scalar and file checks (form_check.c). The public API is client/forms/form.h.
 */
#ifndef CLIENT_FORMS_FORM_INT_H
#define CLIENT_FORMS_FORM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client/forms/form.h"

struct items {
	char		**v;
	size_t		n;
};
enum form_file_form { FILE_URL, FILE_DATA, FILE_LOCAL, FILE_BAD };

void
form_msgf(char *msg, size_t msgsz, const char *fmt, ...);
bool
form_blank(const char *s);
const char *
form_trim(const char *s, char *buf, size_t bufsz);
bool
form_string_kind(enum schema_kind k);
void
form_items_free(struct items *it);
int
form_items_parse(const char *text, struct items *it, char *msg, size_t msgsz);
int
form_parse_int(const char *text, long long *out);
int
form_parse_num(const char *text, double *out);
int
form_parse_bool(const char *text, bool *out);
int
form_check_range(const struct schema_field *fd, double v, char *msg,
    size_t msgsz);
int
form_check_string(const struct schema_field *fd, const char *text, char *msg,
    size_t msgsz);
enum form_file_form
form_file_form(const char *v, char *msg, size_t msgsz);
const char *
form_local_path(const char *v, char *buf, size_t bufsz);
int
form_stat_file(const char *path, off_t *size, char *msg, size_t msgsz);
char *
form_data_uri(const char *path, size_t size, char *msg, size_t msgsz);

size_t
form_code_points(const char *s);

#endif
