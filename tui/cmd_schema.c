/*
 * tui/cmd_schema.c: `r8play schema`: a model's input form and output kind
 * as a table or JSON, plus the form logic on the command line (fill with
 * -i, show the request r8play would send, export it as curl / cog / Python
 * / JS / r8play, diff two versions). Schemas come from a file (offline),
 * Replicate (GET model or version) or a Cog server (/openapi.json).
 */
#include "tui/cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/net/client.h"
#include "client/cog/cog.h"
#include "client/forms/form.h"
#include "client/replicate/replicate.h"
#include "client/forms/schema.h"
#include "client/forms/schema_diff.h"
#include "client/forms/share.h"
#include "widgets/tw.h"

#define SCHEMA_CMD_MAX_FILE	(64u << 20)
#define SCHEMA_CMD_TIMEOUT_S	150
#define SCHEMA_CMD_MAX_ARGS	256

static const char usage_long[] =
"usage: r8play schema OWNER/NAME[:VERSION] | --local URL | --file PATH\n"
"                     [--json] [--example] [-i KEY=VALUE]...\n"
"                     [--request [--defaults] [--inline]]\n"
"                     [--export FORMAT] [--diff PATH]\n"
"\n"
"Show a model's inputs (name, kind, required, default, bounds, choices)\n"
"and output kind. PATH holds a model object, a version object or an\n"
"OpenAPI document (\"-\" reads stdin); OWNER/NAME asks Replicate\n"
"(REPLICATE_API_TOKEN, R8PLAY_API_BASE); --local asks a Cog server for\n"
"/openapi.json.\n"
"\n"
"  --json          print {\"fields\":[...],\"output\":{...}}\n"
"  --example       fill the form with the model's default_example first\n"
"  -i KEY=VALUE    set an input (as `r8play run -i`: @path for files, a\n"
"                  repeated key on an array input appends)\n"
"  --request       print the request's input object r8play would send\n"
"                  (validated; inputs left unset are not sent)\n"
"  --defaults      with --request: send unset inputs' defaults too\n"
"  --inline        with --request: local files as data: URIs of any size\n"
"                  (a Cog server; implied by --local)\n"
"  --reveal-secrets  with --request: print secret inputs as typed (they\n"
"                  show as ********** otherwise; exports never hold them)\n"
"  --export FORMAT print the request as FORMAT:\n"
"%s"
"  --model O/N     model name for exports (default: from the source)\n"
"  --version ID    version id for exports (default: from the source)\n"
"  --cog-url URL   Cog server for curl-cog and r8play exports\n"
"  --diff PATH     list what changed from this schema to PATH's\n"
"\n"
"Exit status: 0 ok, 1 not a schema / invalid input / fetch failed,\n"
"2 usage.\n";

struct opts {
	const char	*ref, *local, *file, *diff, *export_fmt;
	const char	*model, *version, *cog_url;
	const char	*args[SCHEMA_CMD_MAX_ARGS];
	size_t		nargs;
	bool		json, example, request, defaults, inline_all;
	bool		reveal;
};

static void
print_usage(FILE *fp)
{
	char fmts[1024];
	size_t u = 0;
	int k;

	fmts[0] = '\0';
	for (k = 0; k < SHARE__COUNT; k++)
		u += (size_t)snprintf(fmts + u, sizeof fmts - u,
		    "                    %-11s %s\n",
		    share_format_name((enum share_format)k),
		    share_format_what((enum share_format)k));
	fprintf(fp, usage_long, fmts);
}

/* ---- output helpers ---- */

static bool out_tty;

/* One line on stderr, control characters made visible (messages can
 * quote names and text from the network). */
static void
put_ctrl(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f)
			fprintf(fp, "^%c", ch == 0x7f ? '?' : ch + '@');
		else
			fputc(ch, fp);
	}
}

static void
errline(const char *what, const char *msg)
{
	fputs("r8play schema: ", stderr);
	if (what != NULL) {
		put_ctrl(stderr, what);
		fputs(": ", stderr);
	}
	put_ctrl(stderr, msg);
	fputc('\n', stderr);
}

/* Untrusted text to stdout: control characters made visible on a tty. */
static void
put_safe(const char *s)
{
	const char *p;

	if (!out_tty) {
		fputs(s, stdout);
		return;
	}
	for (p = s; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
			printf("^%c", ch == 0x7f ? '?' : ch + '@');
		else
			putchar(*p);
	}
}

static void
put_json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p == '\r')
			fputs("\\r", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void
put_num(const char *key, bool has, double v)
{
	char b[64];

	printf(",\"%s\":", key);
	fputs(has ? schema_num_text(v, b, sizeof b) : "null", stdout);
}

static void
print_json(const struct schema *s)
{
	size_t i, k;

	fputs("{\"model\":", stdout);
	put_json_str(s->model);
	fputs(",\"version\":", stdout);
	put_json_str(s->version);
	fputs(",\"fields\":[", stdout);
	for (i = 0; i < s->nfields; i++) {
		const struct schema_field *f = &s->fields[i];

		fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
		put_json_str(f->name);
		fputs(",\"title\":", stdout);
		put_json_str(f->title);
		printf(",\"kind\":\"%s\",\"type\":\"%s\"",
		    schema_kind_name(f->kind), schema_kind_name(f->value_type));
		if (f->kind == SCHEMA_KIND_ARRAY)
			printf(",\"items\":\"%s\"",
			    schema_kind_name(f->item_kind));
		printf(",\"required\":%s,\"nullable\":%s,\"deprecated\":%s",
		    f->required ? "true" : "false",
		    f->nullable ? "true" : "false",
		    f->deprecated ? "true" : "false");
		printf(",\"default\":%s", f->has_default ? f->default_json :
		    "null");
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
			put_json_str(f->pattern);
		}
		if (f->format != NULL) {
			fputs(",\"format\":", stdout);
			put_json_str(f->format);
		}
		fputs(",\"choices\":", stdout);
		if (f->nchoices == 0)
			fputs("null", stdout);
		else {
			putchar('[');
			for (k = 0; k < f->nchoices; k++)
				printf("%s%s", k ? "," : "",
				    f->choices[k].json);
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
		put_json_str(f->description);
		if (f->note != NULL) {
			fputs(",\"note\":", stdout);
			put_json_str(f->note);
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
			put_json_str(s->output.fields[k].name);
			printf(",\"kind\":\"%s\",\"required\":%s}",
			    schema_out_kind_name(s->output.fields[k].kind),
			    s->output.fields[k].required ? "true" : "false");
		}
		putchar(']');
	}
	if (s->output.note != NULL) {
		fputs(",\"note\":", stdout);
		put_json_str(s->output.note);
	}
	fputs("}}\n", stdout);
}

static void
cell_pad(const char *s, int cols, int pad)
{
	char buf[512];

	tw_fit(s != NULL ? s : "", cols, buf, sizeof buf, pad);
	fputs(buf, stdout);
}

static void
cell(const char *s, int cols)
{
	char buf[512];

	tw_fit(s != NULL ? s : "", cols, buf, sizeof buf, 1);
	fputs(buf, stdout);
}

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

static void
print_table(const struct schema *s)
{
	char kind[48], cons[256], line[1024];
	size_t i;

	if (s->model != NULL || s->version != NULL) {
		snprintf(line, sizeof line, "%s%s%s\n", s->model ? s->model :
		    "", s->model && s->version ? "  version " : s->version ?
		    "version " : "", s->version ? s->version : "");
		put_safe(line);
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

/* ---- sources ---- */

static char *
read_file(const char *path, size_t *len, char *err, size_t errsz)
{
	bool std_in = strcmp(path, "-") == 0;
	FILE *fp = std_in ? stdin : fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0, got;

	if (fp == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 131072;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				snprintf(err, errsz, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 65536, fp);
		n += got;
		if (n > SCHEMA_CMD_MAX_FILE) {
			snprintf(err, errsz, "%s: over %u bytes", path,
			    SCHEMA_CMD_MAX_FILE);
			goto fail;
		}
		if (got < 65536)
			break;
	}
	if (ferror(fp)) {
		snprintf(err, errsz, "%s: read error", path);
		goto fail;
	}
	if (!std_in)
		fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	if (!std_in)
		fclose(fp);
	free(buf);
	return NULL;
}

struct fetch {
	unsigned	id;
	bool		done;
	char		*text;		/* the OpenAPI document */
	char		*version;
	char		*example;
	char		err[CLIENT_ERR_MAX];
};

static char *
xdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
on_event(struct client_event *ev, void *arg)
{
	struct fetch *f = arg;

	if (ev->id != f->id || ev->kind == CLIENT_EV_PROGRESS)
		return;
	f->done = true;
	if (ev->kind == CLIENT_EV_ERROR) {
		snprintf(f->err, sizeof f->err, "%s", ev->err ? ev->err :
		    "request failed");
		return;
	}
	if (ev->model != NULL) {
		const struct model *m = ev->model;

		if (m->latest_version == NULL ||
		    m->latest_version->openapi_schema == NULL) {
			snprintf(f->err, sizeof f->err, "model %s/%s has no "
			    "versions, so no schema", m->owner ? m->owner : "",
			    m->name ? m->name : "");
			return;
		}
		f->text = xdup(m->latest_version->openapi_schema);
		f->version = xdup(m->latest_version->id);
		if (m->default_example != NULL)
			f->example = xdup(m->default_example->input_json);
	} else if (ev->version != NULL) {
		f->text = xdup(ev->version->openapi_schema);
		f->version = xdup(ev->version->id);
		if (f->text == NULL)
			snprintf(f->err, sizeof f->err, "version has no "
			    "openapi_schema");
	} else if (ev->body != NULL)
		f->text = xdup(ev->body);
	else
		snprintf(f->err, sizeof f->err, "empty answer");
}

static int
fetch_net(const struct opts *o, struct fetch *f, char *err, size_t errsz)
{
	struct client_config cfg;
	struct client *c;
	struct cog *g = NULL;
	char owner[256], name[256], ver[256];
	time_t start = time(NULL);
	int rc = -1;

	memset(f, 0, sizeof *f);
	client_config_defaults(&cfg);
	if (o->local == NULL) {
		cfg.api_base = getenv("R8PLAY_API_BASE");
		if (cfg.api_base != NULL && cfg.api_base[0] == '\0')
			cfg.api_base = NULL;
		cfg.token = getenv("REPLICATE_API_TOKEN");
	}
	c = client_new(&cfg, err, errsz);
	if (c == NULL)
		return -1;
	if (o->local != NULL) {
		struct cog_config gc;

		memset(&gc, 0, sizeof gc);
		gc.base = o->local;
		g = cog_new(c, &gc, err, errsz);
		if (g == NULL)
			goto out;
		f->id = cog_openapi_get(g, err, errsz);
	} else {
		if (replicate_ref_split(o->ref, owner, sizeof owner, name,
		    sizeof name, ver, sizeof ver) != 0) {
			snprintf(err, errsz, "'%s': expected "
			    "OWNER/NAME[:VERSION]", o->ref);
			goto out;
		}
		if (ver[0] != '\0')
			f->id = replicate_version_get(c, owner, name, ver, err,
			    errsz);
		else
			f->id = replicate_model_get(c, owner, name, err, errsz);
	}
	if (f->id == 0)
		goto out;
	while (!f->done) {
		if (time(NULL) - start > SCHEMA_CMD_TIMEOUT_S) {
			snprintf(err, errsz, "timed out fetching the schema");
			goto out;
		}
		if (client_wait(c, NULL, 0, 500, err, errsz) != 0)
			goto out;
		client_pump(c, on_event, f);
	}
	if (f->text == NULL) {
		snprintf(err, errsz, "%s", f->err[0] ? f->err :
		    "out of memory");
		goto out;
	}
	rc = 0;
out:
	cog_free(g);
	client_free(c);
	return rc;
}

/* ---- main ---- */

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_usage(stdout);
			return 1;
		} else if (strcmp(a, "--json") == 0)
			o->json = true;
		else if (strcmp(a, "--example") == 0)
			o->example = true;
		else if (strcmp(a, "--request") == 0)
			o->request = true;
		else if (strcmp(a, "--defaults") == 0)
			o->defaults = true;
		else if (strcmp(a, "--inline") == 0)
			o->inline_all = true;
		else if (strcmp(a, "--reveal-secrets") == 0)
			o->reveal = true;
		else if (strcmp(a, "--local") == 0 && more)
			o->local = argv[++i];
		else if (strcmp(a, "--file") == 0 && more)
			o->file = argv[++i];
		else if (strcmp(a, "--diff") == 0 && more)
			o->diff = argv[++i];
		else if (strcmp(a, "--export") == 0 && more)
			o->export_fmt = argv[++i];
		else if (strcmp(a, "--model") == 0 && more)
			o->model = argv[++i];
		else if (strcmp(a, "--version") == 0 && more)
			o->version = argv[++i];
		else if (strcmp(a, "--cog-url") == 0 && more)
			o->cog_url = argv[++i];
		else if (strcmp(a, "-i") == 0 && more) {
			if (o->nargs == SCHEMA_CMD_MAX_ARGS) {
				fprintf(stderr, "r8play schema: too many -i\n");
				return 2;
			}
			o->args[o->nargs++] = argv[++i];
		} else if (a[0] != '-' && o->ref == NULL)
			o->ref = a;
		else {
			fprintf(stderr, "r8play schema: unexpected '%s'\n", a);
			return 2;
		}
	}
	if ((o->ref != NULL) + (o->local != NULL) + (o->file != NULL) != 1) {
		fprintf(stderr, "r8play schema: give one of OWNER/NAME, "
		    "--local URL, --file PATH\n");
		return 2;
	}
	if (o->export_fmt != NULL && share_format_from_name(o->export_fmt) < 0)
	{
		fprintf(stderr, "r8play schema: unknown export format '%s'\n",
		    o->export_fmt);
		return 2;
	}
	return 0;
}

static int
do_diff(const struct schema *s, const struct opts *o)
{
	struct schema b;
	struct schema_diff d;
	char err[512], *text;
	size_t len, i;
	int n;

	text = read_file(o->diff, &len, err, sizeof err);
	if (text == NULL || schema_parse(text, len, &b, err, sizeof err) != 0) {
		errline(o->diff, err);
		free(text);
		return 1;
	}
	free(text);
	n = schema_diff(s, &b, &d, err, sizeof err);
	if (n < 0) {
		errline(NULL, err);
		schema_done(&b);
		return 1;
	}
	if (o->json) {
		fputs("{\"changes\":[", stdout);
		for (i = 0; i < d.n; i++) {
			printf("%s{\"change\":\"%s\",\"field\":", i ? "," : "",
			    schema_change_name(d.changes[i].kind));
			put_json_str(d.changes[i].field);
			fputs(",\"before\":", stdout);
			put_json_str(d.changes[i].before);
			fputs(",\"after\":", stdout);
			put_json_str(d.changes[i].after);
			fputs(",\"text\":", stdout);
			put_json_str(d.changes[i].text);
			putchar('}');
		}
		fputs("]}\n", stdout);
	} else if (d.n == 0)
		puts("no changes");
	else
		for (i = 0; i < d.n; i++) {
			put_safe(d.changes[i].text);
			putchar('\n');
		}
	schema_diff_done(&d);
	schema_done(&b);
	return 0;
}

int
cmd_schema(int argc, char **argv)
{
	struct opts o;
	struct schema s;
	struct fetch net;
	struct form *form = NULL;
	char err[1024], *text = NULL, *out = NULL;
	size_t len = 0, i;
	int rc;

	out_tty = isatty(STDOUT_FILENO);
	rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	memset(&net, 0, sizeof net);
	if (o.file != NULL)
		text = read_file(o.file, &len, err, sizeof err);
	else if (fetch_net(&o, &net, err, sizeof err) == 0) {
		text = net.text;
		net.text = NULL;
		len = strlen(text);
	}
	if (text == NULL) {
		errline(NULL, err);
		rc = 1;
		goto out;
	}
	if (schema_parse(text, len, &s, err, sizeof err) != 0) {
		errline(o.file ? o.file : o.local ? o.local : o.ref, err);
		rc = 1;
		goto out;
	}
	/* what the network told us beyond the document */
	if (s.version == NULL && net.version != NULL) {
		s.version = net.version;
		net.version = NULL;
	}
	if (s.example_json == NULL && net.example != NULL) {
		s.example_json = net.example;
		net.example = NULL;
	}
	if (s.model == NULL && o.ref != NULL) {
		s.model = strdup(o.ref);
		if (s.model != NULL && strchr(s.model, ':') != NULL)
			*strchr(s.model, ':') = '\0';
	}
	if (o.diff != NULL) {
		rc = do_diff(&s, &o);
		goto done;
	}
	if (!o.request && o.export_fmt == NULL && !o.example && o.nargs == 0) {
		if (o.json)
			print_json(&s);
		else
			print_table(&s);
		rc = 0;
		goto done;
	}
	form = form_new_from_schema(&s);
	if (form == NULL) {
		fprintf(stderr, "r8play schema: out of memory\n");
		rc = 1;
		goto done;
	}
	if (o.example) {
		if (s.example_json == NULL) {
			fprintf(stderr, "r8play schema: no default_example in "
			    "this source\n");
			rc = 1;
			goto done;
		}
		if (form_load_example(form, s.example_json,
		    strlen(s.example_json), err, sizeof err) < 0) {
			errline(NULL, err);
			rc = 1;
			goto done;
		}
		if (err[0] != '\0')
			errline("example", err);
	}
	for (i = 0; i < o.nargs; i++)
		if (form_set_arg(form, o.args[i], err, sizeof err) != 0) {
			errline("-i", err);
			rc = 1;
			goto done;
		}
	if (o.export_fmt != NULL) {
		struct share_target t;

		t.model = o.model ? o.model : s.model;
		t.version = o.version ? o.version : s.version;
		t.api_base = getenv("R8PLAY_API_BASE");
		if (t.api_base != NULL && t.api_base[0] == '\0')
			t.api_base = NULL;
		t.cog_url = o.cog_url ? o.cog_url : o.local;
		enum share_format fmt = (enum share_format)
		    share_format_from_name(o.export_fmt);

		if (share_export(form, fmt, &t, &out, err, sizeof err) != 0) {
			errline(NULL, err);
			rc = 1;
			goto done;
		}
		put_safe(out);
		rc = 0;
		goto done;
	}
	if (o.request || !o.json) {
		unsigned fl = (o.defaults ? FORM_REQ_DEFAULTS : 0) |
		    (o.inline_all || o.local ? FORM_REQ_INLINE_ALL : 0) |
		    (o.reveal ? 0 : FORM_REQ_MASK_SECRETS);

		if (form_request(form, fl, NULL, NULL, &out, err,
		    sizeof err) != 0) {
			errline(NULL, err);	/* names every field */
			rc = 1;
			goto done;
		}
		put_safe(out);
		putchar('\n');
		rc = 0;
		goto done;
	}
	print_json(&s);
	rc = 0;
done:
	schema_done(&s);
out:
	form_free(form);
	free(out);
	free(text);
	free(net.text);
	free(net.version);
	free(net.example);
	return rc;
}
