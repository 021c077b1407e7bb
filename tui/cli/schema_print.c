/*
 * tui/cli/schema_print.c: the two views of a parsed schema that
 * `r8play schema` prints: the table (name, kind, required, default,
 * bounds, choices) and --json's {"fields":[...],"output":{...}}.
 */
#include "tui/cli/schema_print.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/out.h"
#include "widgets/tw.h"

/* ,"key":number in the schema's own text (null when the field has none). */
static void
put_num(const char *key, bool has, double v)
{
	char b[64];

	printf(",\"%s\":", key);
	fputs(has ? schema_num_text(v, b, sizeof b) : "null", stdout);
}

void
schema_print_json(const struct schema *s)
{
	size_t i, k;

	fputs("{\"model\":", stdout);
	out_json_str(stdout, s->model);
	fputs(",\"version\":", stdout);
	out_json_str(stdout, s->version);
	fputs(",\"fields\":[", stdout);
	for (i = 0; i < s->nfields; i++) {
		const struct schema_field *f = &s->fields[i];

		fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
		out_json_str(stdout, f->name);
		fputs(",\"title\":", stdout);
		out_json_str(stdout, f->title);
		printf(",\"kind\":\"%s\",\"type\":\"%s\"",
		    schema_kind_name(f->kind), schema_kind_name(f->value_type));
		if (f->kind == SCHEMA_KIND_ARRAY)
			printf(",\"items\":\"%s\"",
			    schema_kind_name(f->item_kind));
		printf(",\"required\":%s,\"nullable\":%s,\"deprecated\":%s",
		    f->required ? "true" : "false",
		    f->nullable ? "true" : "false",
		    f->deprecated ? "true" : "false");
		fputs(",\"default\":", stdout);
		out_json_raw(stdout, f->has_default ? f->default_json : NULL);
		put_num("minimum", f->has_min, f->minimum);
		put_num("maximum", f->has_max, f->maximum);
		printf(",\"exclusive_minimum\":%s,\"exclusive_maximum\":%s",
		    f->min_exclusive ? "true" : "false",
		    f->max_exclusive ? "true" : "false");
		put_num("multiple_of", f->has_multiple_of, f->multiple_of);
		if (f->min_length >= 0)
			printf(",\"min_length\":%lld", f->min_length);
		if (f->max_length >= 0)
			printf(",\"max_length\":%lld", f->max_length);
		if (f->pattern != NULL) {
			fputs(",\"pattern\":", stdout);
			out_json_str(stdout, f->pattern);
		}
		if (f->format != NULL) {
			fputs(",\"format\":", stdout);
			out_json_str(stdout, f->format);
		}
		fputs(",\"choices\":", stdout);
		if (f->nchoices == 0)
			fputs("null", stdout);
		else {
			putchar('[');
			for (k = 0; k < f->nchoices; k++) {
				if (k > 0)
					putchar(',');
				out_json_raw(stdout, f->choices[k].json);
			}
			putchar(']');
		}
		if (f->kind == SCHEMA_KIND_UNION) {
			fputs(",\"branches\":[", stdout);
			for (k = 0; k < f->nbranches; k++)
				printf("%s\"%s%s%s\"", k ? "," : "",
				    schema_kind_name(f->branches[k].kind),
				    f->branches[k].kind == SCHEMA_KIND_ARRAY ?
				    " of " : "",
				    f->branches[k].kind == SCHEMA_KIND_ARRAY ?
				    schema_kind_name(f->branches[k].item_kind) :
				    "");
			putchar(']');
		}
		fputs(",\"description\":", stdout);
		out_json_str(stdout, f->description);
		if (f->note != NULL) {
			fputs(",\"note\":", stdout);
			out_json_str(stdout, f->note);
		}
		if (f->has_order)
			printf(",\"order\":%ld", f->order);
		putchar('}');
	}
	printf("],\"output\":{\"kind\":\"%s\"",
	    schema_out_kind_name(s->output.kind));
	if (s->output.kind == SCHEMA_OUT_ARRAY ||
	    s->output.kind == SCHEMA_OUT_ITERATOR ||
	    s->output.kind == SCHEMA_OUT_FILES ||
	    s->output.kind == SCHEMA_OUT_TEXT_STREAM)
		printf(",\"items\":\"%s\"",
		    schema_out_kind_name(s->output.item_kind));
	printf(",\"iterator\":%s,\"concatenate\":%s",
	    s->output.iterator ? "true" : "false",
	    s->output.concatenate ? "true" : "false");
	if (s->output.nfields > 0) {
		fputs(",\"fields\":[", stdout);
		for (k = 0; k < s->output.nfields; k++) {
			fputs(k ? ",{\"name\":" : "{\"name\":", stdout);
			out_json_str(stdout, s->output.fields[k].name);
			printf(",\"kind\":\"%s\",\"required\":%s}",
			    schema_out_kind_name(s->output.fields[k].kind),
			    s->output.fields[k].required ? "true" : "false");
		}
		putchar(']');
	}
	if (s->output.note != NULL) {
		fputs(",\"note\":", stdout);
		out_json_str(stdout, s->output.note);
	}
	fputs("}}\n", stdout);
}

/* A table cell cut or padded to cols terminal columns (pad 0: cut only). */
static void
cell_pad(const char *s, int cols, int pad)
{
	char buf[512];

	tw_fit(s != NULL ? s : "", cols, buf, sizeof buf, pad);
	fputs(buf, stdout);
}

/* A table cell of exactly cols terminal columns. */
static void
cell(const char *s, int cols)
{
	char buf[512];

	tw_fit(s != NULL ? s : "", cols, buf, sizeof buf, 1);
	fputs(buf, stdout);
}

/*
 * A field's constraints in one cell: its choices a|b|c, else its range ([
 * or ( by exclusiveness), its length limits and its /pattern/.
 */
static void
constraint_text(const struct schema_field *f, char *buf, size_t n)
{
	char lo[40], hi[40];
	size_t u = 0, k;

	buf[0] = '\0';
	if (f->nchoices > 0) {
		for (k = 0; k < f->nchoices && u + 1 < n; k++)
			u += (size_t)snprintf(buf + u, n - u, "%s%s",
			    k ? "|" : "", f->choices[k].text);
		return;
	}
	if (f->has_min || f->has_max)
		u += (size_t)snprintf(buf, n, "%s%s..%s%s",
		    f->has_min ? (f->min_exclusive ? "(" : "[") : "",
		    f->has_min ? schema_num_text(f->minimum, lo, sizeof lo) :
		    "", f->has_max ? schema_num_text(f->maximum, hi,
		    sizeof hi) : "",
		    f->has_max ? (f->max_exclusive ? ")" : "]") : "");
	if (f->min_length >= 0 || f->max_length >= 0)
		u += (size_t)snprintf(buf + u, n > u ? n - u : 0,
		    "%slen %lld..%s", u ? " " : "",
		    f->min_length >= 0 ? f->min_length : 0,
		    f->max_length >= 0 ? (snprintf(hi, sizeof hi, "%lld",
		    f->max_length), hi) : "");
	if (f->pattern != NULL && u < n)
		snprintf(buf + u, n - u, "%s/%s/", u ? " " : "", f->pattern);
}

void
schema_print_table(const struct schema *s)
{
	char kind[48], cons[256], line[1024];
	size_t i;

	if (s->model != NULL || s->version != NULL) {
		snprintf(line, sizeof line, "%s%s%s\n", s->model ? s->model :
		    "", s->model && s->version ? "  version " : s->version ?
		    "version " : "", s->version ? s->version : "");
		out_text(stdout, line, strlen(line));
	}
	printf("%zu input%s\n", s->nfields, s->nfields == 1 ? "" : "s");
	cell("NAME", 24);
	cell(" KIND", 16);
	cell(" REQ", 5);
	cell(" DEFAULT", 22);
	fputs(" RANGE/CHOICES\n", stdout);
	for (i = 0; i < s->nfields; i++) {
		const struct schema_field *f = &s->fields[i];
		char desc[240];

		if (f->kind == SCHEMA_KIND_ARRAY)
			snprintf(kind, sizeof kind, "array<%s>",
			    schema_kind_name(f->item_kind));
		else if (f->kind == SCHEMA_KIND_ENUM)
			snprintf(kind, sizeof kind, "enum<%s>",
			    schema_kind_name(f->value_type));
		else
			snprintf(kind, sizeof kind, "%s",
			    schema_kind_name(f->kind));
		constraint_text(f, cons, sizeof cons);
		cell(f->name, 24);
		putchar(' ');
		cell(kind, 15);
		putchar(' ');
		cell(f->required ? "yes" : "", 4);
		putchar(' ');
		cell(f->kind == SCHEMA_KIND_SECRET && f->has_default &&
		    f->default_text[0] != '\0' ? "****" : f->default_text, 21);
		putchar(' ');
		cell_pad(cons, 40, 0);
		fputs("\n", stdout);
		if (f->description != NULL || f->note != NULL ||
		    f->deprecated) {
			snprintf(desc, sizeof desc, "%s%s%s%s%s",
			    f->deprecated ? "(deprecated) " : "",
			    f->description ? f->description : "",
			    f->description && f->note ? " " : "",
			    f->note ? "[" : "", f->note ? f->note : "");
			if (f->note != NULL && strlen(desc) + 1 < sizeof desc)
				strcat(desc, "]");
			fputs("    ", stdout);
			cell_pad(desc, 100, 0);
			fputs("\n", stdout);
		}
	}
	printf("output: %s", schema_out_kind_name(s->output.kind));
	if (s->output.kind == SCHEMA_OUT_ITERATOR ||
	    s->output.kind == SCHEMA_OUT_ARRAY)
		printf(" of %s", schema_out_kind_name(s->output.item_kind));
	if (s->output.nfields > 0) {
		size_t k;

		fputs(" {", stdout);
		for (k = 0; k < s->output.nfields; k++) {
			printf("%s", k ? ", " : "");
			cell_pad(s->output.fields[k].name, tw_width(
			    s->output.fields[k].name) > 40 ? 40 :
			    tw_width(s->output.fields[k].name), 0);
			printf(": %s", schema_out_kind_name(
			    s->output.fields[k].kind));
		}
		fputs("}", stdout);
	}
	fputs("\n", stdout);
}

