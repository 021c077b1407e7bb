/*
 * client/forms/schema_diff.c: field-by-field comparison of two parsed schemas.
 */
#include "client/forms/schema_diff.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/text.h"

static const char *const change_names[] = {
#define X(id, name) name,
	SCHEMA_CHANGE_LIST(X)
#undef X
};

const char *
schema_change_name(enum schema_change_kind k)
{
	return (unsigned)k < SCHEMA_CHANGE__COUNT ? change_names[k] : "?";
}

struct acc {
	struct schema_diff *d;
	size_t		cap;
	bool		oom;
};

static char *
dup_or_null(struct acc *a, const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		a->oom = true;
	return p;
}

/*
 * The change's line: names, defaults and choices come from the server's
 * schema, so a control character is made visible (a line break in a field
 * name would otherwise start a fake second change).
 */
static char *
visible_or_null(struct acc *a, const char *s)
{
	size_t len, n, at = 0;
	char *p;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	n = len * 6 + 1;	/* an escape is at most 6 bytes per byte */
	if ((p = malloc(n)) == NULL) {
		a->oom = true;
		return NULL;
	}
	text_put_visible(p, n, &at, s, len);
	return p;
}

static void
add(struct acc *a, enum schema_change_kind k, const char *field,
    const char *before, const char *after, const char *text)
{
	struct schema_change *c;

	if (a->oom)
		return;
	if (a->d->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct schema_change *nc = realloc(a->d->changes,
		    cap * sizeof *nc);

		if (nc == NULL) {
			a->oom = true;
			return;
		}
		a->d->changes = nc;
		a->cap = cap;
	}
	c = &a->d->changes[a->d->n++];
	c->kind = k;
	c->field = dup_or_null(a, field);
	c->before = dup_or_null(a, before);
	c->after = dup_or_null(a, after);
	c->text = visible_or_null(a, text);
}

static void
type_text(const struct schema_field *f, char *buf, size_t n)
{
	if (f->kind == SCHEMA_KIND_ARRAY)
		snprintf(buf, n, "array of %s", schema_kind_name(f->item_kind));
	else if (f->kind == SCHEMA_KIND_ENUM)
		snprintf(buf, n, "enum of %s", schema_kind_name(f->value_type));
	else
		snprintf(buf, n, "%s", schema_kind_name(f->kind));
}

/* TEXT and STRING are one type shown two ways: not a retype. */
static enum schema_kind
base_kind(enum schema_kind k)
{
	return k == SCHEMA_KIND_TEXT ? SCHEMA_KIND_STRING : k;
}

static void
bounds_text(const struct schema_field *f, char *buf, size_t n)
{
	char lo[40], hi[40], ml[80] = "", pat[200] = "";

	if (f->has_min || f->has_max)
		snprintf(buf, n, "%s%s, %s%s", f->has_min ? (f->min_exclusive ?
		    "(" : "[") : "(", f->has_min ? schema_num_text(f->minimum,
		    lo, sizeof lo) : "-inf", f->has_max ?
		    schema_num_text(f->maximum, hi, sizeof hi) : "inf",
		    f->has_max ? (f->max_exclusive ? ")" : "]") : ")");
	else
		snprintf(buf, n, "unbounded");
	if (f->has_multiple_of) {
		size_t u = strlen(buf);

		snprintf(buf + u, n - u, " step %s", schema_num_text(
		    f->multiple_of, lo, sizeof lo));
	}
	if (f->max_length >= 0)
		snprintf(ml, sizeof ml, " length %lld..%lld",
		    f->min_length >= 0 ? f->min_length : 0, f->max_length);
	else if (f->min_length >= 0)
		snprintf(ml, sizeof ml, " length %lld..", f->min_length);
	if (f->pattern != NULL)
		snprintf(pat, sizeof pat, " pattern %.180s", f->pattern);
	if (ml[0] != '\0' || pat[0] != '\0') {
		size_t u = strlen(buf);

		snprintf(buf + u, n - u, "%s%s", ml, pat);
	}
}

static bool
has_choice(const struct schema_field *f, const char *text)
{
	size_t k;

	for (k = 0; k < f->nchoices; k++)
		if (strcmp(f->choices[k].text, text) == 0)
			return true;
	return false;
}

static void
list_missing(const struct schema_field *from, const struct schema_field *in,
    char *buf, size_t n)
{
	size_t k, u = strlen(buf);

	for (k = 0; k < from->nchoices && u + 1 < n; k++)
		if (!has_choice(in, from->choices[k].text))
			u += (size_t)snprintf(buf + u, n - u, "%s%s",
			    u ? ", " : "", from->choices[k].text);
}

static void
choices_text(const struct schema_field *f, char *buf, size_t n)
{
	size_t k, u = 0;

	buf[0] = '\0';
	for (k = 0; k < f->nchoices && u + 1 < n; k++)
		u += (size_t)snprintf(buf + u, n - u, "%s%s", k ? ", " : "",
		    f->choices[k].text);
}

static void
compare(struct acc *a, const struct schema_field *o,
    const struct schema_field *n)
{
	char x[512], y[512], t[1200];

	if (base_kind(o->kind) != base_kind(n->kind) ||
	    (o->kind == SCHEMA_KIND_ARRAY && o->item_kind != n->item_kind) ||
	    (o->kind == SCHEMA_KIND_ENUM && o->value_type != n->value_type)) {
		type_text(o, x, sizeof x);
		type_text(n, y, sizeof y);
		snprintf(t, sizeof t, "%s: type %s -> %s", n->name, x, y);
		add(a, SCHEMA_CHANGE_RETYPED, n->name, x, y, t);
	}
	if (o->has_default != n->has_default || (o->has_default &&
	    strcmp(o->default_json, n->default_json) != 0)) {
		snprintf(t, sizeof t, "%s: default %s -> %s", n->name,
		    o->has_default ? o->default_json : "none",
		    n->has_default ? n->default_json : "none");
		add(a, SCHEMA_CHANGE_DEFAULT, n->name, o->default_json,
		    n->default_json, t);
	}
	bounds_text(o, x, sizeof x);
	bounds_text(n, y, sizeof y);
	if (strcmp(x, y) != 0) {
		snprintf(t, sizeof t, "%s: bounds %s -> %s", n->name, x, y);
		add(a, SCHEMA_CHANGE_BOUNDS, n->name, x, y, t);
	}
	if (o->nchoices > 0 || n->nchoices > 0) {
		char plus[400] = "", minus[400] = "";

		list_missing(n, o, plus, sizeof plus);
		list_missing(o, n, minus, sizeof minus);
		if (plus[0] != '\0' || minus[0] != '\0') {
			choices_text(o, x, sizeof x);
			choices_text(n, y, sizeof y);
			snprintf(t, sizeof t, "%s: choices%s%s%s%s", n->name,
			    plus[0] ? " added " : "", plus,
			    minus[0] ? (plus[0] ? "; removed " : " removed ") :
			    "", minus);
			add(a, SCHEMA_CHANGE_CHOICES, n->name, x, y, t);
		}
	}
	if (o->required != n->required) {
		snprintf(t, sizeof t, "%s: %s", n->name, n->required ?
		    "now required" : "no longer required");
		add(a, SCHEMA_CHANGE_REQUIRED, n->name, o->required ? "yes" :
		    "no", n->required ? "yes" : "no", t);
	}
}

int
schema_diff(const struct schema *a, const struct schema *b,
    struct schema_diff *out, char *err, size_t errsz)
{
	struct acc acc = { out, 0, false };
	char t[600], x[64], y[64];
	size_t i;
	int j;

	memset(out, 0, sizeof *out);
	for (i = 0; i < b->nfields; i++) {
		const struct schema_field *n = &b->fields[i];

		j = schema_find(a, n->name);
		if (j < 0) {
			type_text(n, x, sizeof x);
			snprintf(t, sizeof t, "%s: added (%s%s%s)", n->name, x,
			    n->has_default ? ", default " : "",
			    n->has_default ? n->default_json : "");
			add(&acc, SCHEMA_CHANGE_ADDED, n->name, NULL, x, t);
		} else
			compare(&acc, &a->fields[j], n);
	}
	for (i = 0; i < a->nfields; i++)
		if (schema_find(b, a->fields[i].name) < 0) {
			type_text(&a->fields[i], x, sizeof x);
			snprintf(t, sizeof t, "%s: removed (was %s)",
			    a->fields[i].name, x);
			add(&acc, SCHEMA_CHANGE_REMOVED, a->fields[i].name, x,
			    NULL, t);
		}
	if (a->output.kind != b->output.kind ||
	    a->output.item_kind != b->output.item_kind) {
		snprintf(x, sizeof x, "%s", schema_out_kind_name(
		    a->output.kind));
		snprintf(y, sizeof y, "%s", schema_out_kind_name(
		    b->output.kind));
		snprintf(t, sizeof t, "output: %s -> %s", x, y);
		add(&acc, SCHEMA_CHANGE_OUTPUT, NULL, x, y, t);
	}
	if (acc.oom) {
		schema_diff_done(out);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return (int)out->n;
}

void
schema_diff_done(struct schema_diff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->changes[i].field);
		free(d->changes[i].before);
		free(d->changes[i].after);
		free(d->changes[i].text);
	}
	free(d->changes);
	d->changes = NULL;
	d->n = 0;
}
