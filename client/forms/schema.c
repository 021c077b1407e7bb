/*
 * client/forms/schema.c: Cog OpenAPI schema -> struct schema. Walks each property
 * through $ref/allOf (depth limit, cycle guard), collapses nullable
 * anyOf/oneOf, classifies it into one kind and copies everything out; the
 * cJSON tree never outlives schema_parse(). The document level (finding
 * Input and Output, schema_parse itself) lives in schema_doc.c.
 */
#include "client/forms/schema.h"
#include "client/forms/schema_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

static const char *const kind_names[] = {
#define X(id, name) name,
	SCHEMA_KIND_LIST(X)
#undef X
};

static const char *const out_kind_names[] = {
#define X(id, name) name,
	SCHEMA_OUT_LIST(X)
#undef X
};

const char *
schema_kind_name(enum schema_kind k)
{
	if ((unsigned)k >= SCHEMA_KIND__COUNT)
		return "json";
	return kind_names[k];
}

const char *
schema_out_kind_name(enum schema_out_kind k)
{
	if ((unsigned)k >= SCHEMA_OUT__COUNT)
		return "json";
	return out_kind_names[k];
}

char *
schema_num_text(double v, char *buf, size_t bufsz)
{
	if (bufsz == 0)
		return buf;
	if (!isfinite(v))
		snprintf(buf, bufsz, "%s", isnan(v) ? "nan" : v > 0 ? "inf" :
		    "-inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, bufsz, "%.0f", v);
	else {
		snprintf(buf, bufsz, "%.15g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, bufsz, "%.17g", v);
	}
	return buf;
}

char *
sch_dup(struct ctx *c, const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		c->oom = true;
	return p;
}

char *
sch_print_json(struct ctx *c, const cJSON *v)
{
	char *p = cJSON_PrintUnformatted(v);

	if (p == NULL)
		c->oom = true;
	return p;
}

/* Resolve a local JSON pointer "#/a/b" against the document root. */
static const cJSON *
resolve(const struct ctx *c, const char *ref)
{
	const cJSON *node = c->root;
	char tok[256];
	const char *p;
	size_t n;

	if (ref == NULL || ref[0] != '#')
		return NULL;
	p = ref + 1;
	if (*p == '\0')
		return node;
	while (*p == '/') {
		p++;
		n = 0;
		while (*p != '\0' && *p != '/') {
			char ch = *p++;

			if (ch == '~' && (*p == '0' || *p == '1'))
				ch = *p++ == '0' ? '~' : '/';
			if (n + 1 >= sizeof tok)
				return NULL;
			tok[n++] = ch;
		}
		tok[n] = '\0';
		if (cJSON_IsArray(node)) {
			char *end;
			long i = strtol(tok, &end, 10);

			if (*end != '\0' || i < 0)
				return NULL;
			node = cJSON_GetArrayItem(node, (int)i);
		} else
			node = cJSON_GetObjectItemCaseSensitive(node, tok);
		if (node == NULL)
			return NULL;
	}
	return *p == '\0' ? node : NULL;
}

static void
take(const cJSON **slot, const cJSON *node, const char *key)
{
	const cJSON *v;

	if (*slot != NULL)
		return;
	v = cJSON_GetObjectItemCaseSensitive(node, key);
	if (v != NULL)
		*slot = v;
}

void
sch_collect(struct ctx *c, const cJSON *node, struct view *v, int depth)
{
	const cJSON *ref, *all, *el;
	size_t i;

	if (depth > SCHEMA_MAX_DEPTH) {
		v->too_deep = true;
		return;
	}
	if (!cJSON_IsObject(node))
		return;
	if (depth == 0) {
		/* Presentation comes from the property itself, not from the
		 * enum component it points at ("An enumeration."). */
		take(&v->title, node, "title");
		take(&v->description, node, "description");
		take(&v->order, node, "x-order");
	}
	take(&v->type, node, "type");
	take(&v->format, node, "format");
	take(&v->enum_, node, "enum");
	take(&v->const_, node, "const");
	take(&v->items, node, "items");
	take(&v->minimum, node, "minimum");
	take(&v->minimum, node, "ge");
	take(&v->maximum, node, "maximum");
	take(&v->maximum, node, "le");
	take(&v->exmin, node, "exclusiveMinimum");
	take(&v->exmin, node, "gt");
	take(&v->exmax, node, "exclusiveMaximum");
	take(&v->exmax, node, "lt");
	take(&v->multiple, node, "multipleOf");
	take(&v->minlen, node, "minLength");
	take(&v->minlen, node, "min_length");
	take(&v->maxlen, node, "maxLength");
	take(&v->maxlen, node, "max_length");
	take(&v->pattern, node, "pattern");
	take(&v->pattern, node, "regex");
	take(&v->dflt, node, "default");
	take(&v->nullable, node, "nullable");
	take(&v->deprecated, node, "deprecated");
	take(&v->secret, node, "x-cog-secret");
	take(&v->anyof, node, "anyOf");
	take(&v->anyof, node, "oneOf");
	take(&v->properties, node, "properties");
	take(&v->required, node, "required");
	take(&v->array_type, node, "x-cog-array-type");
	take(&v->array_display, node, "x-cog-array-display");

	ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
	if (cJSON_IsString(ref)) {
		const cJSON *target = resolve(c, ref->valuestring);

		if (target == NULL) {
			if (!v->unresolved)
				snprintf(v->ref, sizeof v->ref, "%s",
				    ref->valuestring);
			v->unresolved = true;
		} else {
			for (i = 0; i < c->nstack; i++)
				if (c->stack[i] == target)
					break;
			if (i < c->nstack)
				v->cycle = true;
			else if (c->nstack >= SCHEMA_MAX_REF_HOPS)
				v->too_deep = true;
			else {
				c->stack[c->nstack++] = target;
				sch_collect(c, target, v, depth + 1);
				c->nstack--;
			}
		}
	}
	all = cJSON_GetObjectItemCaseSensitive(node, "allOf");
	cJSON_ArrayForEach(el, all)
		sch_collect(c, el, v, depth + 1);
}

/* The first non-"null" name of "type" (string or 3.1 array form). */
const char *
sch_view_type(const struct view *v, bool *null_too)
{
	const cJSON *t;
	const char *first = NULL;

	if (null_too != NULL)
		*null_too = false;
	if (cJSON_IsString(v->type))
		return v->type->valuestring;
	if (!cJSON_IsArray(v->type))
		return NULL;
	cJSON_ArrayForEach(t, v->type) {
		if (!cJSON_IsString(t))
			continue;
		if (strcmp(t->valuestring, "null") == 0) {
			if (null_too != NULL)
				*null_too = true;
		} else if (first == NULL)
			first = t->valuestring;
	}
	return first != NULL ? first : (null_too && *null_too) ? "null" : NULL;
}

static bool
is_true(const cJSON *b)
{
	return cJSON_IsTrue(b);
}

const char *
sch_str_or_null(const cJSON *s)
{
	return cJSON_IsString(s) ? s->valuestring : NULL;
}

static bool
name_is_prose(const char *name)
{
	static const char *const words[] = {
		"prompt", "text", "template", "message", "instruction",
		"caption",
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(name, words[i]) != NULL)
			return true;
	return false;
}

/* The kind of a scalar sub-schema (array items, union branches). */
static enum schema_kind
scalar_kind(const struct view *v)
{
	const char *t = sch_view_type(v, NULL);
	const char *fmt = sch_str_or_null(v->format);

	if (t == NULL)
		return SCHEMA_KIND_JSON;
	if (strcmp(t, "string") == 0)
		return fmt != NULL && strcmp(fmt, "uri") == 0 ?
		    SCHEMA_KIND_FILE : SCHEMA_KIND_STRING;
	if (strcmp(t, "integer") == 0)
		return SCHEMA_KIND_INTEGER;
	if (strcmp(t, "number") == 0)
		return SCHEMA_KIND_NUMBER;
	if (strcmp(t, "boolean") == 0)
		return SCHEMA_KIND_BOOLEAN;
	if (strcmp(t, "array") == 0)
		return SCHEMA_KIND_ARRAY;
	return SCHEMA_KIND_JSON;
}

/* Text of a scalar as the user would type it. */
static char *
scalar_text(struct ctx *c, const cJSON *v, enum schema_kind type)
{
	char buf[64];

	if (cJSON_IsString(v))
		return sch_dup(c, v->valuestring);
	if (cJSON_IsBool(v))
		return sch_dup(c, cJSON_IsTrue(v) ? "true" : "false");
	(void)type;
	if (cJSON_IsNumber(v))
		return sch_dup(c, schema_num_text(v->valuedouble, buf,
		    sizeof buf));
	return sch_print_json(c, v);
}

static int
copy_choices(struct ctx *c, struct schema_field *f, const cJSON *en,
    enum schema_kind type)
{
	const cJSON *el;
	size_t n = 0, max = (size_t)cJSON_GetArraySize(en);

	if (max > SCHEMA_MAX_CHOICES)
		return -1;
	f->choices = calloc(max ? max : 1, sizeof *f->choices);
	if (f->choices == NULL) {
		c->oom = true;
		return 0;
	}
	cJSON_ArrayForEach(el, en) {
		if (cJSON_IsNull(el)) {
			f->nullable = true;
			continue;
		}
		if (cJSON_IsObject(el) || cJSON_IsArray(el))
			return -1;
		f->choices[n].text = scalar_text(c, el, type);
		if (type == SCHEMA_KIND_INTEGER && cJSON_IsString(el)) {
			/* an integer enum listing "512": sent as 512 */
			f->choices[n].json = sch_dup(c, el->valuestring);
		} else
			f->choices[n].json = sch_print_json(c, el);
		f->nchoices = ++n;
	}
	return 0;
}

static void
drop_choices(struct schema_field *f)
{
	size_t k;

	for (k = 0; k < f->nchoices; k++) {
		free(f->choices[k].text);
		free(f->choices[k].json);
	}
	free(f->choices);
	f->choices = NULL;
	f->nchoices = 0;
}

static enum schema_kind
enum_type(const struct view *v, const cJSON *en)
{
	const char *t = sch_view_type(v, NULL);
	const cJSON *el;

	if (t != NULL) {
		if (strcmp(t, "integer") == 0)
			return SCHEMA_KIND_INTEGER;
		if (strcmp(t, "number") == 0)
			return SCHEMA_KIND_NUMBER;
		if (strcmp(t, "boolean") == 0)
			return SCHEMA_KIND_BOOLEAN;
		if (strcmp(t, "string") == 0)
			return SCHEMA_KIND_STRING;
	}
	cJSON_ArrayForEach(el, en) {
		if (cJSON_IsString(el))
			return SCHEMA_KIND_STRING;
		if (cJSON_IsBool(el))
			return SCHEMA_KIND_BOOLEAN;
		if (cJSON_IsNumber(el))
			return el->valuedouble == floor(el->valuedouble) ?
			    SCHEMA_KIND_INTEGER : SCHEMA_KIND_NUMBER;
	}
	return SCHEMA_KIND_STRING;
}

static void
set_note(struct ctx *c, struct schema_field *f, const char *fmt,
    const char *arg)
{
	char buf[256];

	if (f->note != NULL)
		return;
	snprintf(buf, sizeof buf, fmt, arg != NULL ? arg : "");
	f->note = sch_dup(c, buf);
}

static void
bounds(struct schema_field *f, const struct view *v)
{
	if (cJSON_IsNumber(v->minimum)) {
		f->has_min = true;
		f->minimum = v->minimum->valuedouble;
	}
	if (cJSON_IsNumber(v->maximum)) {
		f->has_max = true;
		f->maximum = v->maximum->valuedouble;
	}
	if (is_true(v->exmin) && f->has_min)
		f->min_exclusive = true;
	else if (cJSON_IsNumber(v->exmin) && (!f->has_min ||
	    v->exmin->valuedouble >= f->minimum)) {
		f->has_min = f->min_exclusive = true;
		f->minimum = v->exmin->valuedouble;
	}
	if (is_true(v->exmax) && f->has_max)
		f->max_exclusive = true;
	else if (cJSON_IsNumber(v->exmax) && (!f->has_max ||
	    v->exmax->valuedouble <= f->maximum)) {
		f->has_max = f->max_exclusive = true;
		f->maximum = v->exmax->valuedouble;
	}
	if (cJSON_IsNumber(v->multiple) && v->multiple->valuedouble > 0) {
		f->has_multiple_of = true;
		f->multiple_of = v->multiple->valuedouble;
	}
	if (f->format != NULL && f->kind == SCHEMA_KIND_INTEGER) {
		double lo = 0, hi = -1;

		if (strcmp(f->format, "uint8") == 0)
			hi = 255;
		else if (strcmp(f->format, "uint16") == 0)
			hi = 65535;
		else if (strcmp(f->format, "uint32") == 0)
			hi = 4294967295.0;
		else if (strcmp(f->format, "int32") == 0) {
			lo = -2147483648.0;
			hi = 2147483647.0;
		} else if (strcmp(f->format, "uint64") == 0 ||
		    strcmp(f->format, "uint") == 0)
			hi = 0;
		else
			return;
		if (!f->has_min) {
			f->has_min = true;
			f->minimum = lo;
		}
		if (hi > 0 && !f->has_max) {
			f->has_max = true;
			f->maximum = hi;
		}
	}
}

static void
lengths(struct schema_field *f, const struct view *v, struct ctx *c)
{
	if (cJSON_IsNumber(v->minlen) && v->minlen->valuedouble >= 0)
		f->min_length = (long long)v->minlen->valuedouble;
	if (cJSON_IsNumber(v->maxlen) && v->maxlen->valuedouble >= 0)
		f->max_length = v->maxlen->valuedouble > 9e15 ?
		    (long long)9e15 : (long long)v->maxlen->valuedouble;
	if (cJSON_IsString(v->pattern))
		f->pattern = sch_dup(c, v->pattern->valuestring);
}

static void classify(struct ctx *c, struct schema_field *f, struct view *v,
    int depth);

/* anyOf/oneOf: drop null branches; one left merges into the field, more
 * make a union. Returns true when it decided the kind. */
static bool
classify_anyof(struct ctx *c, struct schema_field *f, struct view *v,
    int depth)
{
	const cJSON *br, *only = NULL;
	struct view bv;
	size_t nonnull = 0;
	bool null_too;

	cJSON_ArrayForEach(br, v->anyof) {
		const char *t;

		memset(&bv, 0, sizeof bv);
		sch_collect(c, br, &bv, depth + 1);
		t = sch_view_type(&bv, &null_too);
		if (t != NULL && strcmp(t, "null") == 0) {
			f->nullable = true;
			continue;
		}
		if (null_too)
			f->nullable = true;
		nonnull++;
		only = br;
	}
	if (nonnull == 0) {
		f->kind = f->value_type = SCHEMA_KIND_JSON;
		set_note(c, f, "anyOf without a usable branch: edit as JSON%s",
		    NULL);
		return true;
	}
	if (nonnull == 1) {
		/* collapse: the branch's keywords under the outer ones */
		v->anyof = NULL;
		sch_collect(c, only, v, depth + 1);
		classify(c, f, v, depth + 1);
		return true;
	}
	f->kind = f->value_type = SCHEMA_KIND_UNION;
	cJSON_ArrayForEach(br, v->anyof) {
		struct schema_branch *b;
		const char *t;

		memset(&bv, 0, sizeof bv);
		sch_collect(c, br, &bv, depth + 1);
		t = sch_view_type(&bv, NULL);
		if (t != NULL && strcmp(t, "null") == 0)
			continue;
		if (f->nbranches >= SCHEMA_MAX_BRANCHES) {
			set_note(c, f, "more than %s union branches: the rest "
			    "are checked by the server", "8");
			break;
		}
		b = &f->branches[f->nbranches++];
		b->kind = scalar_kind(&bv);
		b->item_kind = SCHEMA_KIND_JSON;
		if (b->kind == SCHEMA_KIND_ARRAY) {
			struct view iv;

			memset(&iv, 0, sizeof iv);
			sch_collect(c, bv.items, &iv, depth + 2);
			b->item_kind = scalar_kind(&iv);
			if (b->item_kind == SCHEMA_KIND_ARRAY)
				b->item_kind = SCHEMA_KIND_JSON;
		}
	}
	return true;
}

static void
classify(struct ctx *c, struct schema_field *f, struct view *v, int depth)
{
	const char *t, *fmt;
	bool null_too;

	if (v->too_deep) {
		f->kind = f->value_type = SCHEMA_KIND_JSON;
		set_note(c, f, "schema nested too deep: edit as JSON%s", NULL);
		return;
	}
	t = sch_view_type(v, &null_too);
	if (null_too)
		f->nullable = true;
	fmt = sch_str_or_null(v->format);
	if (fmt != NULL && f->format == NULL)
		f->format = sch_dup(c, fmt);
	if (v->anyof != NULL && t == NULL && v->enum_ == NULL &&
	    cJSON_IsArray(v->anyof) && classify_anyof(c, f, v, depth))
		return;

	if ((cJSON_IsArray(v->enum_) && cJSON_GetArraySize(v->enum_) > 0) ||
	    (v->const_ != NULL && !cJSON_IsObject(v->const_) &&
	    !cJSON_IsArray(v->const_))) {
		cJSON *one = NULL;
		const cJSON *en = v->enum_;
		int rc;

		if (!cJSON_IsArray(en) || cJSON_GetArraySize(en) == 0) {
			one = cJSON_CreateArray();
			if (one == NULL || !cJSON_AddItemToArray(one,
			    cJSON_Duplicate(v->const_, 0))) {
				cJSON_Delete(one);
				c->oom = true;
				return;
			}
			en = one;
		}
		f->kind = SCHEMA_KIND_ENUM;
		f->value_type = enum_type(v, en);
		rc = copy_choices(c, f, en, f->value_type);
		cJSON_Delete(one);
		if (rc != 0) {
			drop_choices(f);
			f->kind = f->value_type = SCHEMA_KIND_JSON;
			set_note(c, f, "enum of non-scalar values: edit as "
			    "JSON%s", NULL);
		}
		bounds(f, v);
		lengths(f, v, c);
		return;
	}
	if (t == NULL) {
		f->kind = f->value_type = SCHEMA_KIND_JSON;
		if (v->cycle)
			set_note(c, f, "recursive $ref: edit as JSON%s", NULL);
		else if (v->unresolved)
			set_note(c, f, "unresolved $ref %s: edit as JSON",
			    v->ref);
		else if (v->properties != NULL)
			set_note(c, f, "object input: edit as JSON%s", NULL);
		else
			set_note(c, f, "no type in the schema: edit as JSON%s",
			    NULL);
		return;
	}
	if (strcmp(t, "string") == 0) {
		if ((fmt != NULL && strcmp(fmt, "password") == 0) ||
		    is_true(v->secret))
			f->kind = SCHEMA_KIND_SECRET;
		else if (fmt != NULL && strcmp(fmt, "uri") == 0)
			f->kind = SCHEMA_KIND_FILE;
		else
			f->kind = SCHEMA_KIND_STRING;
		f->value_type = f->kind;
		lengths(f, v, c);
		if (f->kind == SCHEMA_KIND_STRING && f->pattern == NULL &&
		    (f->max_length < 0 || f->max_length >= 64) &&
		    (name_is_prose(f->name) || f->max_length >= 256 ||
		    (cJSON_IsString(v->dflt) &&
		    strchr(v->dflt->valuestring, '\n') != NULL)))
			f->kind = f->value_type = SCHEMA_KIND_TEXT;
		return;
	}
	if (strcmp(t, "integer") == 0 || strcmp(t, "number") == 0) {
		f->kind = f->value_type = t[0] == 'i' ? SCHEMA_KIND_INTEGER :
		    SCHEMA_KIND_NUMBER;
		bounds(f, v);
		return;
	}
	if (strcmp(t, "boolean") == 0) {
		f->kind = f->value_type = SCHEMA_KIND_BOOLEAN;
		return;
	}
	if (strcmp(t, "array") == 0) {
		struct view iv;
		enum schema_kind ik;

		memset(&iv, 0, sizeof iv);
		sch_collect(c, v->items, &iv, depth + 1);
		ik = scalar_kind(&iv);
		if (cJSON_IsArray(iv.enum_) && cJSON_GetArraySize(iv.enum_) > 0
		    && copy_choices(c, f, iv.enum_, ik = enum_type(&iv,
		    iv.enum_)) != 0) {
			drop_choices(f);
			ik = SCHEMA_KIND_JSON;
		}
		if (ik == SCHEMA_KIND_STRING && (is_true(iv.secret) ||
		    (cJSON_IsString(iv.format) &&
		    strcmp(iv.format->valuestring, "password") == 0)))
			ik = SCHEMA_KIND_STRING;
		f->value_type = SCHEMA_KIND_ARRAY;
		if (ik == SCHEMA_KIND_ARRAY || ik == SCHEMA_KIND_JSON) {
			f->kind = f->value_type = SCHEMA_KIND_JSON;
			set_note(c, f, v->items == NULL ?
			    "array with untyped items: edit as JSON%s" :
			    "array of objects or arrays: edit as JSON%s", NULL);
			return;
		}
		f->kind = SCHEMA_KIND_ARRAY;
		f->item_kind = ik;
		return;
	}
	f->kind = f->value_type = SCHEMA_KIND_JSON;
	if (strcmp(t, "object") == 0)
		set_note(c, f, "object input: edit as JSON%s", NULL);
	else
		set_note(c, f, "unknown type '%s': edit as JSON", t);
}

static void
field_default(struct ctx *c, struct schema_field *f, const cJSON *d)
{
	if (d == NULL || cJSON_IsNull(d))
		return;
	f->has_default = true;
	f->default_json = sch_print_json(c, d);
	if (cJSON_IsNumber(d))
		f->default_number = d->valuedouble;
	if (cJSON_IsBool(d))
		f->default_bool = cJSON_IsTrue(d);
	if (cJSON_IsString(d) && f->value_type == SCHEMA_KIND_INTEGER) {
		/* enum of "512" with an integer type */
		f->default_number = strtod(d->valuestring, NULL);
	}
	f->default_text = scalar_text(c, d, f->value_type);
}

bool
sch_in_required(const cJSON *req, const char *name)
{
	const cJSON *el;

	cJSON_ArrayForEach(el, req)
		if (cJSON_IsString(el) && strcmp(el->valuestring, name) == 0)
			return true;
	return false;
}

void
sch_parse_field(struct ctx *c, struct schema_field *f, const char *name,
    const cJSON *prop, const cJSON *required)
{
	struct view v;

	memset(&v, 0, sizeof v);
	f->min_length = f->max_length = -1;
	f->name = sch_dup(c, name);
	if (f->name == NULL)
		return;
	c->nstack = 0;
	sch_collect(c, prop, &v, 0);
	f->title = sch_dup(c, sch_str_or_null(v.title));
	f->description = sch_dup(c, sch_str_or_null(v.description));
	if (cJSON_IsNumber(v.order)) {
		f->has_order = true;
		f->order = v.order->valuedouble > 1e9 ? 1000000000L :
		    v.order->valuedouble < -1e9 ? -1000000000L :
		    (long)v.order->valuedouble;
	}
	f->deprecated = is_true(v.deprecated);
	f->nullable = is_true(v.nullable);
	f->required = sch_in_required(required, name);
	if (!cJSON_IsObject(prop) && !cJSON_IsTrue(prop)) {
		f->kind = f->value_type = SCHEMA_KIND_JSON;
		set_note(c, f, "property is not a schema object: edit as "
		    "JSON%s", NULL);
	} else
		classify(c, f, &v, 0);
	field_default(c, f, v.dflt);
}

int
sch_field_cmp(const void *a, const void *b)
{
	const struct schema_field *x = a, *y = b;

	if (x->has_order != y->has_order)
		return x->has_order ? -1 : 1;
	if (x->has_order && x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}
