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

struct items {
	char		**v;
	size_t		n;
};
enum file_form { FILE_URL, FILE_DATA, FILE_LOCAL, FILE_BAD };

void
msgf(char *msg, size_t msgsz, const char *fmt, ...);
bool
blank(const char *s);
const char *
trim(const char *s, char *buf, size_t bufsz);
bool
string_kind(enum schema_kind k);
void
items_free(struct items *it);
int
items_parse(const char *text, struct items *it, char *msg, size_t msgsz);
int
parse_int(const char *text, long long *out);
int
parse_num(const char *text, double *out);
int
parse_bool(const char *text, bool *out);
int
check_range(const struct schema_field *fd, double v, char *msg,
    size_t msgsz);
int
check_string(const struct schema_field *fd, const char *text, char *msg,
    size_t msgsz);
enum file_form
file_form(const char *v, char *msg, size_t msgsz);
const char *
local_path(const char *v, char *buf, size_t bufsz);
int
stat_file(const char *path, off_t *size, char *msg, size_t msgsz);
char *
data_uri(const char *path, size_t size, char *msg, size_t msgsz);

size_t
code_points(const char *s);

#endif
