/*
 * client/forms/schema_int.h: what schema.c and schema_doc.c share and
 * nobody else may use: the $ref-resolving context, the flattened view of one
 * property and the field parser. The public API is schema.h.
 */
#ifndef CLIENT_FORMS_SCHEMA_INT_H
#define CLIENT_FORMS_SCHEMA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client/forms/schema.h"

#include <cJSON.h>

/* Everything one property says, gathered through $ref/allOf; the first
 * (outermost) occurrence of a keyword wins. */
struct view {
	const cJSON	*type, *format, *enum_, *const_, *items;
	const cJSON	*minimum, *maximum, *exmin, *exmax, *multiple;
	const cJSON	*minlen, *maxlen, *pattern, *dflt;
	const cJSON	*title, *description, *nullable, *deprecated, *order;
	const cJSON	*secret, *anyof, *properties, *required;
	const cJSON	*array_type, *array_display;
	bool		cycle, too_deep, unresolved;
	char		ref[96];	/* first unresolved $ref */
};
struct ctx {
	const cJSON	*root;		/* the OpenAPI document */
	const cJSON	*stack[SCHEMA_MAX_REF_HOPS];
	size_t		nstack;
	bool		oom;
};

char *
sch_dup(struct ctx *c, const char *s);
char *
sch_print_json(struct ctx *c, const cJSON *v);
void
sch_collect(struct ctx *c, const cJSON *node, struct view *v, int depth);
const char *
sch_view_type(const struct view *v, bool *null_too);
const char *
sch_str_or_null(const cJSON *s);
bool
sch_in_required(const cJSON *req, const char *name);
void
sch_parse_field(struct ctx *c, struct schema_field *f, const char *name,
    const cJSON *prop, const cJSON *required);
int
sch_field_cmp(const void *a, const void *b);

#endif
