/*
 * client/forms/schema_diff.h: what changed between two versions of a model's
 * schema: inputs added, removed or retyped; defaults, bounds (range,
 * lengths, pattern), choices and required-ness that changed; the output
 * kind. Plain data out, in the order of the newer schema's fields.
 */
#ifndef PG_CLIENT_SCHEMA_DIFF_H
#define PG_CLIENT_SCHEMA_DIFF_H

#include <stddef.h>

#include "client/forms/schema.h"

/* X(id, name) */
#define SCHEMA_CHANGE_LIST(X)						\
	X(ADDED,	"added")					\
	X(REMOVED,	"removed")					\
	X(RETYPED,	"retyped")					\
	X(DEFAULT,	"default")					\
	X(BOUNDS,	"bounds")					\
	X(CHOICES,	"choices")					\
	X(REQUIRED,	"required")					\
	X(OUTPUT,	"output")

enum schema_change_kind {
#define X(id, name) SCHEMA_CHANGE_##id,
	SCHEMA_CHANGE_LIST(X)
#undef X
	SCHEMA_CHANGE__COUNT
};

struct schema_change {
	enum schema_change_kind kind;
	char		*field;		/* input name; NULL for OUTPUT */
	char		*before;	/* old value as text, or NULL */
	char		*after;		/* new value as text, or NULL */
	char		*text;		/* "width: default 512 -> 1024" */
};

struct schema_diff {
	struct schema_change *changes;
	size_t		n;
};

/*
 * Compare old a with new b into *out (free with schema_diff_done()).
 * Returns the number of changes (0: same inputs), or -1 when out of memory
 * (err set, *out zeroed).
 */
int schema_diff(const struct schema *a, const struct schema *b,
    struct schema_diff *out, char *err, size_t errsz);
void schema_diff_done(struct schema_diff *d);

/* Static name of a change kind ("added", …). */
const char *schema_change_name(enum schema_change_kind k);

#endif
