/*
 * tests/fuzz/fuzz_client_diff.c: schema_diff() over two fuzzed schemas.
 * The input is OLD NUL NEW (JSON never holds a raw NUL); a missing NUL
 * diffs the whole input against itself mutated by nothing. Invariants: no
 * crash or leak; the count returned is out->n; every change has a kind in
 * range, one NUL-terminated line of text and a field (none for OUTPUT);
 * an ADDED field is in NEW and not OLD, a REMOVED one the other way round;
 * a schema diffed with itself has no changes; what OLD->NEW adds,
 * NEW->OLD removes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/forms/schema.h"
#include "client/forms/schema_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
count(const struct schema_diff *d, enum schema_change_kind k)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (d->changes[i].kind == k)
			n++;
	return n;
}

static void
check(const struct schema *a, const struct schema *b,
    const struct schema_diff *d, int r)
{
	size_t i;

	if (r < 0 || (size_t)r != d->n)
		abort();
	for (i = 0; i < d->n; i++) {
		const struct schema_change *c = &d->changes[i];

		if ((unsigned)c->kind >= SCHEMA_CHANGE__COUNT ||
		    c->text == NULL || strchr(c->text, '\n') != NULL ||
		    schema_change_name(c->kind) == NULL ||
		    (c->kind != SCHEMA_CHANGE_OUTPUT && c->field == NULL))
			abort();
		if (c->kind == SCHEMA_CHANGE_ADDED &&
		    (schema_find(b, c->field) < 0 ||
		    schema_find(a, c->field) >= 0))
			abort();
		if (c->kind == SCHEMA_CHANGE_REMOVED &&
		    (schema_find(a, c->field) < 0 ||
		    schema_find(b, c->field) >= 0))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nul = memchr(s, '\0', size);
	size_t la = nul != NULL ? (size_t)(nul - s) : size;
	const char *sb = nul != NULL ? nul + 1 : s;
	size_t lb = nul != NULL ? size - la - 1 : size;
	struct schema a, b;
	struct schema_diff ab, ba, same;
	char err[512];
	int r;

	if (schema_parse(s, la, &a, err, sizeof err) != 0) {
		if (memchr(err, '\0', sizeof err) == NULL)
			abort();
		return 0;
	}
	if (schema_parse(sb, lb, &b, err, sizeof err) != 0) {
		schema_done(&a);
		return 0;
	}
	r = schema_diff(&a, &b, &ab, err, sizeof err);
	check(&a, &b, &ab, r);
	r = schema_diff(&b, &a, &ba, err, sizeof err);
	check(&b, &a, &ba, r);
	if (count(&ab, SCHEMA_CHANGE_ADDED) != count(&ba, SCHEMA_CHANGE_REMOVED)
	    || count(&ab, SCHEMA_CHANGE_REMOVED) !=
	    count(&ba, SCHEMA_CHANGE_ADDED))
		abort();
	if (schema_diff(&b, &b, &same, err, sizeof err) != 0)
		abort();
	schema_diff_done(&same);
	schema_diff_done(&ab);
	schema_diff_done(&ba);
	schema_done(&a);
	schema_done(&b);
	return 0;
}
