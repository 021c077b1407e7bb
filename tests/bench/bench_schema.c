/*
 * tests/bench/bench_schema.c: parse and build time per schema over every
 * recorded schema in tests/fixtures (Cog predictors' /openapi.json, model
 * objects, version and model GETs; list pages and the collection as the
 * sum over their models). "parse" is schema_parse() of the whole document;
 * "build" is form_new_from_schema() + form_request(FORM_REQ_DEFAULTS) +
 * the curl export. Prints a table; never asserts a time.
 *
 *	bench_schema [FIXTURES_DIR]
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "client/forms/form.h"
#include "client/forms/schema.h"
#include "client/forms/share.h"
#include "tests/unit/tfile.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}


struct cost {
	double	parse_us, build_us;
	size_t	fields, docs, bytes;
};

/* Time one document: mean over enough runs to pass ~20 ms. */
static int
time_doc(const char *doc, size_t len, struct cost *c)
{
	struct schema s;
	struct share_target t = { "o/n", "v", NULL, NULL };
	char err[512], *json, *out;
	double t0, t1, t2;
	int runs = 0, ok = 0;
	double parse = 0, build = 0;

	do {
		t0 = now_us();
		if (schema_parse(doc, len, &s, err, sizeof err) != 0)
			return -1;
		t1 = now_us();
		{
			struct form *f = form_new_from_schema(&s);

			if (form_request(f, FORM_REQ_DEFAULTS, NULL, NULL,
			    &json, err, sizeof err) == 0)
				free(json);
			if (share_export(f, SHARE_CURL_COG, &t, &out, err,
			    sizeof err) == 0) {
				free(out);
				ok = 1;
			}
			form_free(f);
		}
		t2 = now_us();
		parse += t1 - t0;
		build += t2 - t1;
		c->fields = s.nfields;
		schema_done(&s);
		runs++;
	} while (parse + build < 20000 && runs < 5000);
	(void)ok;
	c->parse_us += parse / runs;
	c->build_us += build / runs;
	c->docs++;
	c->bytes += len;
	return 0;
}

static void
row(const char *name, const struct cost *c, size_t fields)
{
	printf("%-58.58s %4zu %8zu %6zu %9.1f %9.1f\n", name, c->docs, c->bytes,
	    fields, c->parse_us, c->build_us);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
	static const char *const pats[] = {
		"cog/*/*openapi*.body", "cog/cog-0.16.12-shim/10-*.json",
		"replicate/models/*.json", "replicate/responses/model.get.*",
		"replicate/responses/version.get.*",
	};
	static const char *const pages[][2] = {
		{ "replicate/responses/models.list.page1.2023-11-16.json",
		    "results" },
		{ "replicate/responses/collections.get.text-to-image.2023-11-16"
		    ".json", "models" },
		{ "replicate/responses/models.search.QUERY-llama.2024-07-19."
		    "json", "results" },
	};
	struct cost total = { 0, 0, 0, 0, 0 };
	size_t p, i, total_fields = 0;
	char pat[512];

	printf("%-58s %4s %8s %6s %9s %9s\n", "schema", "docs", "bytes",
	    "fields", "parse_us", "build_us");
	for (p = 0; p < sizeof pats / sizeof pats[0]; p++) {
		glob_t g;

		snprintf(pat, sizeof pat, "%s/%s", dir, pats[p]);
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (i = 0; i < g.gl_pathc; i++) {
			struct cost c = { 0, 0, 0, 0, 0 };
			size_t len;
			char *doc = t_slurp(g.gl_pathv[i], &len);
			const char *name = g.gl_pathv[i] + strlen(dir) + 1;

			if (doc == NULL || time_doc(doc, len, &c) != 0) {
				printf("%-58.58s (not a schema)\n", name);
				free(doc);
				continue;
			}
			row(name, &c, c.fields);
			total.parse_us += c.parse_us;
			total.build_us += c.build_us;
			total.docs++;
			total.bytes += len;
			total_fields += c.fields;
			free(doc);
		}
		globfree(&g);
	}
	for (p = 0; p < sizeof pages / sizeof pages[0]; p++) {
		struct cost c = { 0, 0, 0, 0, 0 };
		size_t len, fields = 0;
		char *doc;
		cJSON *root, *m;

		snprintf(pat, sizeof pat, "%s/%s", dir, pages[p][0]);
		doc = t_slurp(pat, &len);
		root = doc ? cJSON_Parse(doc) : NULL;
		free(doc);
		cJSON_ArrayForEach(m, cJSON_GetObjectItem(root, pages[p][1])) {
			char *one = cJSON_PrintUnformatted(m);

			if (one != NULL && time_doc(one, strlen(one), &c) == 0)
				fields += c.fields;
			free(one);
		}
		cJSON_Delete(root);
		row(pages[p][0], &c, fields);
		total.parse_us += c.parse_us;
		total.build_us += c.build_us;
		total.docs += c.docs;
		total.bytes += c.bytes;
		total_fields += fields;
	}
	row("TOTAL", &total, total_fields);
	printf("mean per schema: parse %.1f us, build %.1f us over %zu "
	    "schemas\n", total.docs ? total.parse_us / (double)total.docs : 0,
	    total.docs ? total.build_us / (double)total.docs : 0, total.docs);
	return 0;
}
