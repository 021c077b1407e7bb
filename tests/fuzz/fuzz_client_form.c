/*
 * tests/fuzz/fuzz_client_form.c: what a person types into a fixed form.
 * Byte 0 bit 0 picks the schema (tests/fixtures: the Cog schema zoo, with
 * an enum, a pattern, a secret and a file array; or SDXL's, with files,
 * bounds and choices), bit 1 adds FORM_REQ_DEFAULTS; every other line of
 * the rest is one `-i key=value` argument for form_set_arg() ('@' paths are
 * never read: requests use FORM_REQ_NO_FILES). Then the form is validated,
 * the request built and every share format exported.
 * Invariants: no crash or leak; every error is one NUL-terminated line
 * (also when it quotes a typed path or argument); form_validate() counts
 * the fields with a message; a request is a JSON object whose
 * keys are fields and whose secrets are masked when asked; every export
 * ends with a newline and never holds a secret typed into the form; shell
 * exports are balanced words (single/double quotes, $(...)) with no raw
 * control character outside single quotes and no stray line break;
 * Python and JavaScript exports hold no raw C0 control but '\n' (DEL
 * is valid in their string literals, as JSON leaves it).
 * Run from the repository root (tests/fuzz/run does) or set R8PLAY_ROOT.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "client/forms/form.h"
#include "client/forms/schema.h"
#include "client/forms/share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS	32
/* an invariant broke: say which before aborting */
#define FAIL()	(fprintf(stderr, "fuzz_client_form.c:%d: invariant\n", \
    __LINE__), abort())

static const char *const schema_files[2] = {
	"tests/fixtures/cog/schema-zoo/01-openapi.body",
	"tests/fixtures/replicate/responses/"
	    "model.get.stability-ai__sdxl.2024-10-04.json",
};

static struct schema *schemas[2];
static char *schema_text[2];

static char *
slurp(const char *rel, size_t *len)
{
	const char *root = getenv("R8PLAY_ROOT");
	char path[4096];
	FILE *fp;
	char *b;
	long n;

	snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
	fp = fopen(path, "rb");
	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (b = malloc((size_t)n + 1)) == NULL ||
	    fread(b, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "fuzz_client_form: cannot read %s (run from "
		    "the repository root or set R8PLAY_ROOT)\n", path);
		FAIL();
	}
	fclose(fp);
	b[n] = '\0';
	*len = (size_t)n;
	return b;
}

static struct schema *
schema_get(unsigned i)
{
	char err[256];
	size_t len;

	if (schemas[i] == NULL) {
		schema_text[i] = slurp(schema_files[i], &len);
		schemas[i] = schema_new(schema_text[i], len, err, sizeof err);
		if (schemas[i] == NULL) {
			fprintf(stderr, "fuzz_client_form: %s: %s\n",
			    schema_files[i], err);
			FAIL();
		}
	}
	return schemas[i];
}

static void
check_line(const char *s, size_t n)
{
	if (memchr(s, '\0', n) == NULL || strchr(s, '\n') != NULL)
		FAIL();
}

/*
 * Scan shell words from p: returns the end, or NULL when a quote or $( is
 * unbalanced or a raw control character stands outside single quotes.
 * depth > 0: inside $( ), ends at the matching ')'.
 */
static const char *
sh_scan(const char *p, int depth)
{
	bool line_start = true;

	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (c == '\0')
			return depth == 0 ? p : NULL;
		if (depth > 0 && c == ')')
			return p + 1;
		if (line_start && c == '#' && depth == 0) {
			for (; *p != '\n' && *p != '\0'; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					return NULL;
			if (*p == '\n')
				p++;
			continue;
		}
		line_start = false;
		if (c == '\'') {
			p = strchr(p + 1, '\'');
			if (p == NULL)
				return NULL;
			p++;
		} else if (c == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0' || (unsigned char)*p < 0x20 ||
				    *p == 0x7f)
					return NULL;
				if (*p == '\\' && p[1] != '\0')
					p++;
				else if (p[0] == '$' && p[1] == '(') {
					p = sh_scan(p + 2, depth + 1);
					if (p == NULL)
						return NULL;
					p--;
				}
			}
			p++;
		} else if (c == '\\') {
			if (p[1] == '\0')
				return NULL;
			p += 2;
		} else if (c == '$' && p[1] == '(') {
			p = sh_scan(p + 2, depth + 1);
			if (p == NULL)
				return NULL;
		} else if (c == '\n') {
			/* a command ends only at the very end */
			if (depth > 0 || p[1] != '\0')
				if (p[1] != '#')
					return NULL;
			line_start = true;
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			return NULL;
		} else
			p++;
	}
}

static bool
plain_secret(const struct form *f, size_t i, const char *schema_json)
{
	const char *t = f->values[i].text;
	size_t j, n;

	if (!f->values[i].set || t == NULL || (n = strlen(t)) < 12)
		return false;
	for (j = 0; j < n; j++)
		if (!isalnum((unsigned char)t[j]))
			return false;
	if (strstr(schema_json, t) != NULL)
		return false;
	for (j = 0; j < f->nfields; j++)
		if (j != i && f->values[j].text != NULL &&
		    strstr(f->values[j].text, t) != NULL)
			return false;
	return true;
}

static void
check_request(const struct form *f, const char *json, bool masked)
{
	cJSON *j = cJSON_Parse(json), *it;

	if (!cJSON_IsObject(j))
		FAIL();
	cJSON_ArrayForEach(it, j) {
		int i = form_find(f, it->string);

		if (i < 0)
			FAIL();
		if (masked && f->schema->fields[i].kind == SCHEMA_KIND_SECRET &&
		    f->values[i].set && cJSON_IsString(it) &&
		    strspn(it->valuestring, "*") != strlen(it->valuestring))
			FAIL();
	}
	cJSON_Delete(j);
}

static void
exports(struct form *f, const char *schema_json)
{
	struct share_target t = { "o/n", NULL, NULL, NULL };
	char err[512], *out;
	size_t i, n;
	int fmt;

	for (fmt = 0; fmt < SHARE__COUNT; fmt++) {
		err[0] = '\0';
		t.version = (fmt & 1) ? "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b"
		    "66206b55cca93cb72c9bf15ccaa" : NULL;
		if (share_export(f, (enum share_format)fmt, &t, &out, err,
		    sizeof err) != 0) {
			check_line(err, sizeof err);
			continue;
		}
		n = strlen(out);
		if (n == 0 || out[n - 1] != '\n')
			FAIL();
		for (i = 0; i < f->nfields; i++)
			if (f->schema->fields[i].kind == SCHEMA_KIND_SECRET &&
			    plain_secret(f, i, schema_json) &&
			    strstr(out, f->values[i].text) != NULL)
				FAIL();
		if (fmt == SHARE_PYTHON || fmt == SHARE_JS) {
			for (i = 0; i < n; i++)
				if ((unsigned char)out[i] < 0x20 &&
				    out[i] != '\n')
					FAIL();
		} else if (sh_scan(out, 0) == NULL)
			FAIL();
		free(out);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema *s;
	struct form *f;
	char err[512], *json = NULL, *arg;
	size_t at = 0, n = 0, i;
	unsigned flags;
	int bad, count;

	if (size < 1)
		return 0;
	s = schema_get(data[0] & 1);
	flags = FORM_REQ_NO_FILES | ((data[0] & 2) ? FORM_REQ_DEFAULTS : 0);
	f = form_new_from_schema(s);
	if (f == NULL)
		return 0;
	while (at < size - 1 && n < MAX_ARGS) {
		const char *p = (const char *)data + 1 + at;
		const char *nl = memchr(p, '\n', size - 1 - at);
		size_t len = nl != NULL ? (size_t)(nl - p) : size - 1 - at;

		/* "\\n" in an argument stands for a newline in the value */
		arg = malloc(len + 1);
		if (arg == NULL)
			break;
		for (i = 0; i < len; i++)
			arg[i] = p[i];
		arg[len] = '\0';
		for (i = 0; i + 1 < len; i++)
			if (arg[i] == '\\' && arg[i + 1] == 'n')
				arg[i] = '\n', arg[i + 1] = ' ';
		err[0] = '\0';
		if (form_set_arg(f, arg, err, sizeof err) != 0)
			check_line(err, sizeof err);
		free(arg);
		at += len + 1;
		n++;
	}
	bad = form_validate(f);
	count = 0;
	for (i = 0; i < f->nfields; i++) {
		check_line(f->values[i].error, sizeof f->values[i].error);
		if (form_error(f, i) != NULL)
			count++;
		(void)form_text(f, i);
	}
	if (bad != count)
		FAIL();
	err[0] = '\0';
	if (form_request(f, flags, NULL, NULL, &json, err, sizeof err) == 0) {
		check_request(f, json, false);
		free(json);
		if (form_request(f, flags | FORM_REQ_MASK_SECRETS, NULL, NULL,
		    &json, err, sizeof err) != 0)
			FAIL();
		check_request(f, json, true);
		free(json);
		exports(f, schema_text[data[0] & 1]);
	} else
		check_line(err, sizeof err);
	form_free(f);
	return 0;
}
