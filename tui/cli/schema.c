/*
 * tui/cli/schema.c: `r8play schema`: a model's input form and output kind
 * as a table or JSON, plus the form logic on the command line (fill with
 * -i, show the request r8play would send, export it as curl / cog / Python
 * / JS / r8play, diff two versions). Schemas come from a file (offline),
 * Replicate (GET model or version) or a Cog server (/openapi.json).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/client.h"
#include "client/cog/cog.h"
#include "client/forms/form.h"
#include "client/replicate/replicate.h"
#include "client/forms/schema.h"
#include "client/forms/schema_diff.h"
#include "client/forms/share.h"
#include "tui/cli/cli.h"
#include "tui/cli/input.h"
#include "tui/cli/out.h"
#include "tui/cli/schema_print.h"
#include "tui/cli/session.h"

#define SCHEMA_CMD_TIMEOUT_MS	150000
#define SCHEMA_CMD_MAX_ARGS	256

struct opts {
	const char	*ref, *local, *file, *diff, *export_fmt;
	const char	*model, *version, *cog_url, *api_base;
	const char	*args[SCHEMA_CMD_MAX_ARGS];
	size_t		nargs;
	bool		json, example, request, defaults, inline_all;
	bool		reveal;
};

/*
 * One `r8play schema: [WHAT: ]MSG` line on stderr (WHAT: the file or
 * reference the message is about).
 */
static void
errline(const char *what, const char *msg)
{
	if (what != NULL)
		out_err("schema", "%s: %s", what, msg);
	else
		out_err("schema", "%s", msg);
}

/* ---- sources ---- */

struct fetch {
	char		*text;		/* the OpenAPI document */
	char		*version;
	char		*example;
	char		err[CLIENT_ERR_MAX];
};

/* strdup that passes NULL through (optional strings of struct opts). */
static char *
xdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* What the answer holds: the document, its version, the example. */
static void
fetch_take(const struct client_event *ev, const char *ev_err,
    struct fetch *f)
{
	if (ev->kind == CLIENT_EV_ERROR) {
		snprintf(f->err, sizeof f->err, "%s", ev_err[0] ? ev_err :
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

/* Start the request that answers with the document. */
static unsigned
fetch_start(const struct opts *o, struct session *ss, struct cog **g,
    char *err, size_t errsz)
{
	char owner[256], name[256], ver[256];

	if (o->local != NULL) {
		struct cog_config gc;

		memset(&gc, 0, sizeof gc);
		gc.base = o->local;
		*g = cog_new(ss->c, &gc, err, errsz);
		if (*g == NULL)
			return 0;
		return cog_openapi_get(*g, err, errsz);
	}
	if (replicate_ref_split(o->ref, owner, sizeof owner, name,
	    sizeof name, ver, sizeof ver) != 0) {
		snprintf(err, errsz, "'%s': expected OWNER/NAME[:VERSION]",
		    o->ref);
		return 0;
	}
	if (ver[0] != '\0')
		return replicate_version_get(ss->c, owner, name, ver, err,
		    errsz);
	return replicate_model_get(ss->c, owner, name, err, errsz);
}

/*
 * The schema from the network: Replicate (token and api_base as every
 * command reads them: tui/cli/session.h) or a Cog server (no token).
 * Prints its own errors; returns 0 or -1.
 */
static int
fetch_net(const struct opts *o, struct fetch *f)
{
	struct session_opts so;
	struct session ss;
	struct cog *g = NULL;
	char err[CLIENT_ERR_MAX * 2];
	unsigned id;
	int rc = -1, w;

	memset(f, 0, sizeof *f);
	memset(&so, 0, sizeof so);
	so.api_base = o->api_base;
	so.no_token = o->local != NULL;
	if (session_open(&ss, "schema", &so) != 0)
		goto out;
	err[0] = '\0';
	id = fetch_start(o, &ss, &g, err, sizeof err);
	if (id == 0) {
		errline(NULL, err);
		goto out;
	}
	w = session_wait(&ss, id, SCHEMA_CMD_TIMEOUT_MS, false);
	if (w != 0) {
		errline(NULL, w < 0 && ss.wait_rc == CLIENT_ETIMEOUT ?
		    "timed out fetching the schema" : ss.err);
		goto out;
	}
	fetch_take(&ss.got, ss.err, f);
	if (f->text == NULL) {
		errline(NULL, f->err[0] ? f->err : "out of memory");
		goto out;
	}
	rc = 0;
out:
	cog_free(g);
	session_close(&ss);
	return rc;
}

/* ---- main ---- */

/*
 * The flags and values of the command line into *o; the combinations that
 * make no sense are usage errors here, so schema_run() only runs.
 */
static int
opts_read(const struct cli_args *a, struct opts *o)
{
	size_t i;

	memset(o, 0, sizeof *o);
	o->ref = a->noperands > 0 ? a->operands[0] : NULL;
	o->json = cli_flag(a, "--json");
	o->example = cli_flag(a, "--example");
	o->request = cli_flag(a, "--request");
	o->defaults = cli_flag(a, "--defaults");
	o->inline_all = cli_flag(a, "--inline");
	o->reveal = cli_flag(a, "--reveal-secrets");
	o->local = cli_value(a, "--local");
	o->file = cli_value(a, "--file");
	o->diff = cli_value(a, "--diff");
	o->export_fmt = cli_value(a, "--export");
	o->model = cli_value(a, "--model");
	o->version = cli_value(a, "--version");
	o->cog_url = cli_value(a, "--cog-url");
	o->api_base = cli_value(a, "--api-base");
	for (i = 0; i < a->nargs; i++)
		if (cli_is(&a->args[i], "-i")) {
			if (o->nargs == SCHEMA_CMD_MAX_ARGS)
				return cli_usage_error(a->cmd, "too many -i");
			o->args[o->nargs++] = a->args[i].value;
		}
	if ((o->ref != NULL) + (o->local != NULL) + (o->file != NULL) != 1)
		return cli_usage_error(a->cmd, "give one of OWNER/NAME, "
		    "--local URL, --file PATH");
	if (o->export_fmt != NULL && share_format_from_name(o->export_fmt) < 0)
		return cli_usage_error(a->cmd, "unknown export format '%s'",
		    o->export_fmt);
	return 0;
}

/*
 * --diff FILE: what changed from the schema in FILE to s (fields added,
 * removed, retyped, new defaults), as text or --json. 0, or 1 when FILE
 * cannot be read or parsed.
 */
static int
do_diff(const struct schema *s, const struct opts *o)
{
	struct schema b;
	struct schema_diff d;
	char err[512], *text;
	size_t len, i;
	int n;

	text = cli_read_file(o->diff, CLI_MAX_FILE, &len, err, sizeof err);
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
			out_json_str(stdout, d.changes[i].field);
			fputs(",\"before\":", stdout);
			out_json_str(stdout, d.changes[i].before);
			fputs(",\"after\":", stdout);
			out_json_str(stdout, d.changes[i].after);
			fputs(",\"text\":", stdout);
			out_json_str(stdout, d.changes[i].text);
			putchar('}');
		}
		fputs("]}\n", stdout);
	} else if (d.n == 0)
		puts("no changes");
	else
		for (i = 0; i < d.n; i++) {
			out_flat(stdout, d.changes[i].text);
			putchar('\n');
		}
	schema_diff_done(&d);
	schema_done(&b);
	return 0;
}

/*
 * `r8play schema`: read the schema (--file, --local URL, or
 * OWNER/NAME[:VERSION] through the config's api_base and token), then print
 * what was asked: the fields (table or --json), a --diff against another
 * schema, an --export command line, or the request body built from the -i
 * values, the --example and the --defaults.
 */
static int
schema_run(const struct cli_args *a)
{
	struct opts o;
	struct schema s;
	struct fetch net;
	struct form *form = NULL;
	char err[1024], *text = NULL, *out = NULL;
	size_t len = 0, i;
	int rc;

	if ((rc = opts_read(a, &o)) != 0)
		return rc;
	memset(&net, 0, sizeof net);
	if (o.file != NULL) {
		text = cli_read_file(o.file, CLI_MAX_FILE, &len, err,
		    sizeof err);
		if (text == NULL) {
			errline(o.file, err);
			rc = 1;
			goto out;
		}
	} else if (fetch_net(&o, &net) == 0) {
		text = net.text;
		net.text = NULL;
		len = strlen(text);
	} else {
		rc = 1;		/* fetch_net said why */
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
			schema_print_json(&s);
		else
			schema_print_table(&s);
		rc = 0;
		goto done;
	}
	form = form_new_from_schema(&s);
	if (form == NULL) {
		out_err("schema", "out of memory");
		rc = 1;
		goto done;
	}
	if (o.example) {
		if (s.example_json == NULL) {
			out_err("schema", "no default_example in this source");
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
		t.api_base = o.api_base != NULL ? o.api_base :
		    getenv("R8PLAY_API_BASE");
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
		out_text(stdout, out, strlen(out));	/* controls visible */
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
		out_json_raw(stdout, out);	/* C0/C1 escaped in strings */
		putchar('\n');
		rc = 0;
		goto done;
	}
	schema_print_json(&s);
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

#define X(id, name, what) name " "
static const char export_words[] = SHARE_FORMAT_LIST(X);
#undef X

static const struct cli_opt schema_opts[] = {
	{ "--local", "URL", "ask a Cog server for /openapi.json", 0,
	    CLI_COMP_NONE, NULL },
	{ "--file", "PATH", "read a model object, a version object or an "
	    "OpenAPI document (- reads stdin)", 0, CLI_COMP_FILE, NULL },
	CLI_OPT_JSON,
	{ "--example", NULL, "fill the form with the model's default_example "
	    "first", 0, CLI_COMP_NONE, NULL },
	{ "-i", "KEY=VALUE", "set an input (as `r8play run -i`: @path for "
	    "files, a repeated key on an array input appends)", CLI_REPEAT,
	    CLI_COMP_NONE, NULL },
	{ "--request", NULL, "print the request's input object r8play would "
	    "send (validated; inputs left unset are not sent)", 0,
	    CLI_COMP_NONE, NULL },
	{ "--defaults", NULL, "with --request: send unset inputs' defaults "
	    "too", 0, CLI_COMP_NONE, NULL },
	{ "--inline", NULL, "with --request: local files as data: URIs of "
	    "any size (a Cog server; implied by --local)", 0, CLI_COMP_NONE,
	    NULL },
	{ "--reveal-secrets", NULL, "with --request: print secret inputs as "
	    "typed (they show as ********** otherwise; exports never hold "
	    "them)", 0, CLI_COMP_NONE, NULL },
	{ "--export", "FORMAT", "print the request as FORMAT: curl, "
	    "curl-model, curl-cog, cog, python, js or r8play", 0,
	    CLI_COMP_WORDS, export_words },
	{ "--model", "OWNER/NAME", "model name for exports (default: from "
	    "the source)", 0, CLI_COMP_NONE, NULL },
	{ "--version", "ID", "version id for exports (default: from the "
	    "source)", 0, CLI_COMP_NONE, NULL },
	{ "--cog-url", "URL", "Cog server for curl-cog and r8play exports",
	    0, CLI_COMP_NONE, NULL },
	{ "--diff", "PATH", "list what changed from this schema to PATH's",
	    0, CLI_COMP_FILE, NULL },
	CLI_OPT_API_BASE,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_schema = {
	"schema", "OWNER/NAME[:VERSION] | --local URL | --file PATH", 0, 1,
	CLI_COMP_NONE,
	"show a model's input and output schema",
	"Shows a model's inputs (name, kind, required, default, bounds, "
	"choices) and output kind. OWNER/NAME asks Replicate (token and "
	"api_base as every command reads them); --local asks a Cog server; "
	"--file reads a file. Exit status: 0 ok, 1 not a schema, invalid "
	"input or fetch failed, 2 usage.",
	schema_opts, schema_run
};
