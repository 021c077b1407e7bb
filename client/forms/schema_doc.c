/*
 * client/forms/schema_doc.c: the document level of an OpenAPI schema (see
 * schema.h): the Output's kind, finding the Input and Output in a Cog or
 * Replicate document, parsing it into a struct schema, and lookups.
 */
#include "client/forms/schema.h"
#include "client/forms/schema_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>

/* ---- output ---- */

static enum schema_out_kind
out_kind(struct ctx *c, const cJSON *node, int depth, struct schema_output *o)
{
	struct view v;
	const char *t, *fmt;

	memset(&v, 0, sizeof v);
	sch_collect(c, node, &v, depth);
	t = sch_view_type(&v, NULL);
	fmt = sch_str_or_null(v.format);
	if (o != NULL) {
		o->iterator = cJSON_IsString(v.array_type) &&
		    strcmp(v.array_type->valuestring, "iterator") == 0;
		o->concatenate = cJSON_IsString(v.array_display) &&
		    strcmp(v.array_display->valuestring, "concatenate") == 0;
	}
	if (v.too_deep || v.cycle)
		return SCHEMA_OUT_JSON;
	if (t == NULL)
		return v.properties != NULL ? SCHEMA_OUT_OBJECT :
		    SCHEMA_OUT_JSON;
	if (strcmp(t, "string") == 0)
		return fmt != NULL && strcmp(fmt, "uri") == 0 ?
		    SCHEMA_OUT_FILE : SCHEMA_OUT_STRING;
	if (strcmp(t, "integer") == 0)
		return SCHEMA_OUT_INTEGER;
	if (strcmp(t, "number") == 0)
		return SCHEMA_OUT_NUMBER;
	if (strcmp(t, "boolean") == 0)
		return SCHEMA_OUT_BOOLEAN;
	if (strcmp(t, "object") == 0)
		return SCHEMA_OUT_OBJECT;
	if (strcmp(t, "array") == 0) {
		enum schema_out_kind ik;

		ik = v.items != NULL && depth < SCHEMA_MAX_DEPTH ?
		    out_kind(c, v.items, depth + 1, NULL) : SCHEMA_OUT_JSON;
		if (o == NULL)	/* a property of an object output */
			return ik == SCHEMA_OUT_FILE ? SCHEMA_OUT_FILES :
			    SCHEMA_OUT_ARRAY;
		o->item_kind = ik;
		if (o->iterator)
			return ik == SCHEMA_OUT_STRING && o->concatenate ?
			    SCHEMA_OUT_TEXT_STREAM : SCHEMA_OUT_ITERATOR;
		return ik == SCHEMA_OUT_FILE ? SCHEMA_OUT_FILES :
		    SCHEMA_OUT_ARRAY;
	}
	return SCHEMA_OUT_JSON;
}

static void
parse_output(struct ctx *c, const cJSON *node, struct schema_output *o)
{
	struct view v;
	const cJSON *p;
	size_t n = 0, max;

	c->nstack = 0;
	o->item_kind = SCHEMA_OUT_JSON;
	o->kind = out_kind(c, node, 0, o);
	if (o->kind == SCHEMA_OUT_JSON)
		o->note = sch_dup(c, "no usable type in the Output schema: shown "
		    "as JSON");
	if (o->kind != SCHEMA_OUT_OBJECT)
		return;
	memset(&v, 0, sizeof v);
	c->nstack = 0;
	sch_collect(c, node, &v, 0);
	max = (size_t)cJSON_GetArraySize(v.properties);
	if (max > SCHEMA_MAX_OUT_FIELDS) {
		max = SCHEMA_MAX_OUT_FIELDS;
		o->note = sch_dup(c, "object output has too many fields: the "
		    "rest are shown as JSON");
	}
	if (max == 0)
		return;
	o->fields = calloc(max, sizeof *o->fields);
	if (o->fields == NULL) {
		c->oom = true;
		return;
	}
	cJSON_ArrayForEach(p, v.properties) {
		if (n == max)
			break;
		o->fields[n].name = sch_dup(c, p->string);
		c->nstack = 0;
		o->fields[n].kind = out_kind(c, p, 1, NULL);
		o->fields[n].required = sch_in_required(v.required, p->string);
		n++;
	}
	o->nfields = n;
}

/* ---- document ---- */

static const cJSON *
member(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static int
find_doc(const cJSON *root, struct schema *s, const cJSON **doc,
    struct ctx *c, char *err, size_t errsz)
{
	const cJSON *lv, *ex, *in;

	*doc = NULL;
	if (!cJSON_IsObject(root)) {
		snprintf(err, errsz, "not a schema: the document is not a "
		    "JSON object");
		return -1;
	}
	if (cJSON_IsObject(member(root, "components"))) {
		s->source = SCHEMA_SRC_OPENAPI;
		*doc = root;
		return 0;
	}
	if (cJSON_IsObject(member(root, "openapi_schema"))) {
		s->source = SCHEMA_SRC_VERSION;
		s->version = sch_dup(c, sch_str_or_null(member(root, "id")));
		s->cog_version = sch_dup(c, sch_str_or_null(member(root,
		    "cog_version")));
		*doc = member(root, "openapi_schema");
		return 0;
	}
	if (member(root, "latest_version") != NULL ||
	    cJSON_IsString(member(root, "owner"))) {
		const char *o = sch_str_or_null(member(root, "owner"));
		const char *n = sch_str_or_null(member(root, "name"));

		s->source = SCHEMA_SRC_MODEL;
		if (o != NULL && n != NULL) {
			size_t len = strlen(o) + strlen(n) + 2;

			s->model = malloc(len);
			if (s->model == NULL)
				c->oom = true;
			else
				snprintf(s->model, len, "%s/%s", o, n);
		}
		ex = member(root, "default_example");
		in = member(ex, "input");
		if (cJSON_IsObject(in))
			s->example_json = sch_print_json(c, in);
		lv = member(root, "latest_version");
		if (!cJSON_IsObject(lv)) {
			snprintf(err, errsz, "model %s has no versions, so no "
			    "schema", s->model != NULL ? s->model : "");
			return -1;
		}
		s->version = sch_dup(c, sch_str_or_null(member(lv, "id")));
		s->cog_version = sch_dup(c, sch_str_or_null(member(lv,
		    "cog_version")));
		*doc = member(lv, "openapi_schema");
		if (!cJSON_IsObject(*doc)) {
			snprintf(err, errsz, "not a schema: latest_version has "
			    "no openapi_schema");
			return -1;
		}
		return 0;
	}
	if (cJSON_IsArray(member(root, "results")) ||
	    cJSON_IsArray(member(root, "models"))) {
		const cJSON *l = member(root, "results");

		if (l == NULL)
			l = member(root, "models");
		snprintf(err, errsz, "not a schema: a list of %d models; give "
		    "one model, version or OpenAPI document",
		    cJSON_GetArraySize(l));
		return -1;
	}
	snprintf(err, errsz, "not a schema: no components, openapi_schema or "
	    "latest_version");
	return -1;
}

void
schema_done(struct schema *s)
{
	size_t i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfields; i++) {
		struct schema_field *f = &s->fields[i];

		free(f->name);
		free(f->title);
		free(f->description);
		free(f->default_json);
		free(f->default_text);
		free(f->format);
		free(f->pattern);
		free(f->note);
		for (j = 0; j < f->nchoices; j++) {
			free(f->choices[j].text);
			free(f->choices[j].json);
		}
		free(f->choices);
	}
	free(s->fields);
	for (i = 0; i < s->output.nfields; i++)
		free(s->output.fields[i].name);
	free(s->output.fields);
	free(s->output.note);
	free(s->model);
	free(s->version);
	free(s->cog_version);
	free(s->example_json);
	memset(s, 0, sizeof *s);
}

static bool
only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return false;
	return true;
}

int
schema_parse(const char *json, size_t len, struct schema *out, char *err,
    size_t errsz)
{
	struct ctx c;
	cJSON *root = NULL;
	const cJSON *doc, *schemas, *input, *props, *p, *req;
	const char *end = NULL;
	struct view iv;
	size_t n, max;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&c, 0, sizeof c);
	if (errsz > 0)
		err[0] = '\0';
	if (json == NULL || len == 0) {
		snprintf(err, errsz, "not a schema: empty document");
		return -1;
	}
	if (len > SCHEMA_MAX_DOC_BYTES) {
		snprintf(err, errsz, "schema document is %zu bytes, over the "
		    "%u limit", len, SCHEMA_MAX_DOC_BYTES);
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (root == NULL) {
		size_t off = end != NULL && end >= json ? (size_t)(end - json) :
		    0;

		snprintf(err, errsz, "malformed JSON at byte %zu of %zu", off,
		    len);
		return -1;
	}
	if (end != NULL && end > json && (size_t)(end - json) < len &&
	    !only_space(end, json + len) && *end != '\0') {
		while (*end == ' ' || *end == '\t' || *end == '\n' ||
		    *end == '\r')
			end++;
		snprintf(err, errsz, "malformed JSON: trailing data at byte "
		    "%zu of %zu", (size_t)(end - json), len);
		goto out;
	}
	if (find_doc(root, out, &doc, &c, err, errsz) != 0)
		goto out;
	c.root = doc;
	schemas = member(member(doc, "components"), "schemas");
	input = member(schemas, "Input");
	if (!cJSON_IsObject(input)) {
		snprintf(err, errsz, "not a schema: no components.schemas."
		    "Input");
		goto out;
	}
	/* Input itself may be a $ref or allOf wrapper */
	memset(&iv, 0, sizeof iv);
	sch_collect(&c, input, &iv, 0);
	props = iv.properties;
	req = iv.required;
	if (props != NULL && !cJSON_IsObject(props)) {
		snprintf(err, errsz, "not a schema: Input.properties is not "
		    "an object");
		goto out;
	}
	max = (size_t)cJSON_GetArraySize(props);
	if (max > SCHEMA_MAX_FIELDS) {
		snprintf(err, errsz, "schema has %zu inputs, over the %d "
		    "limit", max, SCHEMA_MAX_FIELDS);
		goto out;
	}
	out->fields = calloc(max ? max : 1, sizeof *out->fields);
	if (out->fields == NULL) {
		c.oom = true;
		goto out;
	}
	n = 0;
	cJSON_ArrayForEach(p, props) {
		size_t k;

		/* a repeated key: cJSON keeps both; the first one is what
		 * lookups find, so skip later duplicates */
		for (k = 0; k < n; k++)
			if (out->fields[k].name != NULL &&
			    strcmp(out->fields[k].name, p->string) == 0)
				break;
		if (k < n)
			continue;
		sch_parse_field(&c, &out->fields[n], p->string, p, req);
		n++;
		if (c.oom)
			break;
	}
	out->nfields = n;
	if (c.oom)
		goto out;
	qsort(out->fields, n, sizeof *out->fields, sch_field_cmp);
	p = member(schemas, "Output");
	if (p != NULL) {
		out->has_output = true;
		parse_output(&c, p, &out->output);
	} else
		out->output.kind = SCHEMA_OUT_JSON;
	if (!c.oom)
		rc = 0;
out:
	if (c.oom) {
		snprintf(err, errsz, "out of memory reading the schema");
		rc = -1;
	}
	if (rc != 0)
		schema_done(out);
	cJSON_Delete(root);
	return rc;
}

struct schema *
schema_new(const char *json, size_t len, char *err, size_t errsz)
{
	struct schema *s = calloc(1, sizeof *s);

	if (s == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (schema_parse(json, len, s, err, errsz) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void
schema_free(struct schema *s)
{
	if (s == NULL)
		return;
	schema_done(s);
	free(s);
}

int
schema_find(const struct schema *s, const char *name)
{
	size_t i;

	if (s == NULL || name == NULL)
		return -1;
	for (i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}
