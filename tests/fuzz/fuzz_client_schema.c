/*
 * tests/fuzz/fuzz_client_schema.c: the schema parser and everything built
 * on it. Byte 0 picks what runs on the rest: bit 0 also fills a form from
 * the schema (values chosen by the input), validates it, builds the request
 * and two exports; bit 1 loads the input as an example into that form.
 * Invariants: every field has a name and a kind in range, counts within
 * the limits, a schema diffed with itself has no changes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/forms/form.h"
#include "client/forms/schema.h"
#include "client/forms/schema_diff.h"
#include "client/forms/share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const values[] = {
	"1", "-5", "abc", "true", "[\"a\",\"b\"]", "{}", "https://x.test/y",
	"", "1e3", "0.5", "data:,x", "K_EULER", "20", "\"q\"\n'$`", "[1,2]",
	"99999999999999999999", "a\nb\n", "{\"k\":[1,{\"z\":null}]}",
};

static void
exercise(struct schema *s, const uint8_t *data, size_t size, unsigned mode)
{
	struct form *f = form_new_from_schema(s);
	struct share_target t = { "o/n", "v", NULL, NULL };
	char err[512], *json = NULL, *out = NULL;
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nfields; i++) {
		uint8_t b = size ? data[i % size] : 0;
		const char *v = (b & 0x80) && s->fields[i].default_text ?
		    s->fields[i].default_text :
		    values[b % (sizeof values / sizeof values[0])];

		if (b & 0x40)
			continue;
		form_set_index(f, i, v, err, sizeof err);
	}
	if (mode & 2)
		form_load_example(f, (const char *)data, size, err, sizeof err);
	form_validate(f);
	if (form_request(f, FORM_REQ_DEFAULTS | FORM_REQ_NO_FILES, NULL, NULL,
	    &json, err, sizeof err) == 0)
		free(json);
	if (share_export(f, SHARE_CURL, &t, &out, err, sizeof err) == 0)
		free(out);
	if (share_export(f, SHARE_PYTHON, &t, &out, err, sizeof err) == 0)
		free(out);
	if (share_export(f, SHARE_COG, &t, &out, err, sizeof err) == 0)
		free(out);
	form_free(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema s;
	struct schema_diff d;
	char err[512];
	unsigned mode;
	size_t i;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (schema_parse((const char *)data, size, &s, err, sizeof err) != 0) {
		if (memchr(err, '\0', sizeof err) == NULL)
			abort();
		return 0;
	}
	if (s.nfields > SCHEMA_MAX_FIELDS ||
	    s.output.nfields > SCHEMA_MAX_OUT_FIELDS)
		abort();
	for (i = 0; i < s.nfields; i++) {
		const struct schema_field *f = &s.fields[i];

		if (f->name == NULL ||
		    (unsigned)f->kind >= SCHEMA_KIND__COUNT ||
		    f->nchoices > SCHEMA_MAX_CHOICES ||
		    f->nbranches > SCHEMA_MAX_BRANCHES ||
		    (f->has_default && (f->default_json == NULL ||
		    f->default_text == NULL)))
			abort();
	}
	if (schema_diff(&s, &s, &d, err, sizeof err) != 0)
		abort();
	schema_diff_done(&d);
	if (mode & 1)
		exercise(&s, data, size, mode);
	schema_done(&s);
	return 0;
}
