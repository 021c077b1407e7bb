/*
 * tui/cli/models.c: `r8play models` (a page of models, a search, a
 * collection, or the built-in catalogue) and `r8play model OWNER/NAME`.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/forms/schema.h"
#include "client/replicate/replicate.h"
#include "tui/cli/cli.h"
#include "tui/cli/out.h"
#include "tui/cli/remote.h"
#include "widgets/tw.h"

#define MODELS_NAME_COLS	40	/* OWNER/NAME on a terminal */
#define MODELS_DESC_MAX		400	/* description cells at most */


/* ---- models */

/*
 * One model as a JSON object; full adds what only `r8play model` shows (the
 * latest version's schema, the model's links and its default example).
 */
static void
model_json(FILE *fp, const struct model *m, bool full)
{
	fputs("{\"owner\":", fp);
	out_json_str(fp, m->owner);
	fputs(",\"name\":", fp);
	out_json_str(fp, m->name);
	fputs(",\"description\":", fp);
	out_json_str(fp, m->description);
	fputs(",\"visibility\":", fp);
	out_json_str(fp, m->visibility);
	fputs(",\"run_count\":", fp);
	if (m->run_count >= 0)
		fprintf(fp, "%lld", m->run_count);
	else
		fputs("null", fp);
	fputs(",\"url\":", fp);
	out_json_str(fp, m->url);
	fputs(",\"cover_image_url\":", fp);
	out_json_str(fp, m->cover_image_url);
	fprintf(fp, ",\"is_official\":%s", m->is_official ? "true" : "false");
	fputs(",\"latest_version\":", fp);
	if (m->latest_version == NULL)
		fputs("null", fp);
	else {
		fputs("{\"id\":", fp);
		out_json_str(fp, m->latest_version->id);
		fputs(",\"created_at\":", fp);
		out_json_str(fp, m->latest_version->created_at);
		fputs(",\"cog_version\":", fp);
		out_json_str(fp, m->latest_version->cog_version);
		if (full) {
			fputs(",\"openapi_schema\":", fp);
			out_json_raw(fp, m->latest_version->openapi_schema);
		}
		fputc('}', fp);
	}
	if (full) {
		fputs(",\"github_url\":", fp);
		out_json_str(fp, m->github_url);
		fputs(",\"paper_url\":", fp);
		out_json_str(fp, m->paper_url);
		fputs(",\"license_url\":", fp);
		out_json_str(fp, m->license_url);
		fputs(",\"default_example\":", fp);
		if (m->default_example == NULL)
			fputs("null", fp);
		else {
			fputs("{\"id\":", fp);
			out_json_str(fp, m->default_example->id);
			fputs(",\"status\":", fp);
			out_json_str(fp, prediction_status_name(
			    m->default_example->status));
			fputs(",\"input\":", fp);
			out_json_raw(fp, m->default_example->input_json);
			fputs(",\"output\":", fp);
			out_json_raw(fp, m->default_example->output_json);
			fputc('}', fp);
		}
	}
	fputc('}', fp);
}

/*
 * Column widths on a terminal: COLUMNS (else 80) shared between the name
 * (at most MODELS_NAME_COLS), the runs (10) and the description. Returns
 * false in a pipe: whole fields, tab-separated.
 */
static bool
tty_columns(int *name_cols, int *desc_cols)
{
	const char *env = getenv("COLUMNS");
	int cols = env != NULL ? atoi(env) : 0;

	if (!isatty(STDOUT_FILENO))
		return false;
	if (cols <= 0)
		cols = 80;
	if (cols > MODELS_DESC_MAX)
		cols = MODELS_DESC_MAX;
	*name_cols = cols * 2 / 5 < MODELS_NAME_COLS ? cols * 2 / 5 :
	    MODELS_NAME_COLS;
	if (*name_cols < 1)
		*name_cols = 1;
	*desc_cols = cols - *name_cols - 1 - 10 - 2;
	return true;
}

/*
 * A page of models: --json as one object with results[] and next; on a
 * terminal a table cut to $COLUMNS (80 by default); in a pipe whole fields
 * separated by tabs. The next page's URL goes to stderr.
 */
static void
models_print(struct ctx *x, const struct model_page *p)
{
	char cell[MODELS_DESC_MAX * 4 + 4];
	int name_cols = 0, cols = 0;
	bool tty = tty_columns(&name_cols, &cols);
	size_t i;

	if (x->json) {
		fputs("{\"results\":[", stdout);
		for (i = 0; i < p->n; i++) {
			if (i > 0)
				fputs(",\n", stdout);
			model_json(stdout, &p->items[i], false);
		}
		fputs("],\n\"next\":", stdout);
		out_json_str(stdout, p->next);
		fputs("}\n", stdout);
		return;
	}
	for (i = 0; i < p->n; i++) {
		const struct model *m = &p->items[i];
		const char *desc = m->description != NULL ? m->description : "";
		char name[512], runs[32];

		snprintf(name, sizeof name, "%s/%s", m->owner, m->name);
		if (m->run_count >= 0)
			snprintf(runs, sizeof runs, "%lld", m->run_count);
		else
			snprintf(runs, sizeof runs, "-");
		if (!tty) {
			/* a pipe: whole fields, one tab between them */
			out_flat(stdout, name);
			printf("\t%s\t", runs);
			out_flat(stdout, desc);
		} else {
			tw_fit(name, name_cols, cell, sizeof cell, 1);
			fputs(cell, stdout);
			printf(" %10s  ", runs);
			if (cols > 0) {
				tw_fit(desc, cols, cell, sizeof cell, 0);
				fputs(cell, stdout);
			}
		}
		fputc('\n', stdout);
	}
	if (p->next != NULL) {
		fputs("(more: r8play models --page ", stderr);
		out_flat(stderr, p->next);
		fputs(")\n", stderr);
	}
}

/* --offline: the catalogue snapshot compiled into r8play, no network. */
static int
models_offline(struct ctx *x)
{
	struct model_page mp;
	char err[CLIENT_ERR_MAX];

	if (replicate_snapshot_models(&mp, err, sizeof err) != CLIENT_OK) {
		out_err(x->cmd, "%s", err);
		return CLI_FAIL;
	}
	models_print(x, &mp);
	replicate_model_page_done(&mp);
	return CLI_OK;
}

/*
 * `r8play models [--search Q | --collection SLUG] [--page URL]`: one page
 * of the list, search or collection.
 */
static int
models_run(const struct cli_args *a)
{
	const char *search = cli_value(a, "--search");
	const char *collection = cli_value(a, "--collection");
	char err[CLIENT_ERR_MAX];
	struct ctx x;
	unsigned id;
	int rc = CLI_FAIL;

	if (cli_flag(a, "--offline")) {
		memset(&x, 0, sizeof x);
		x.cmd = a->cmd->name;
		x.json = cli_flag(a, "--json");
		return models_offline(&x);
	}
	if (ctx_open(&x, a, true) != 0) {
		ctx_close(&x);
		return CLI_FAIL;
	}
	if (search != NULL)
		id = replicate_models_search(x.s.c, search, err, sizeof err);
	else if (collection != NULL)
		id = replicate_collection_get(x.s.c, collection, err,
		    sizeof err);
	else
		id = replicate_models_list(x.s.c, cli_value(a, "--page"), err,
		    sizeof err);
	if (id == 0) {
		out_err(x.cmd, "%s", err);
		ctx_close(&x);
		return CLI_FAIL;
	}
	if (ctx_wait(&x, id, true) != 0) {
		if (x.s.err[0])
			out_err(x.cmd, "%s", x.s.err);
		ctx_close(&x);
		return CLI_INTERRUPT;
	}
	if (x.s.got.kind == CLIENT_EV_ERROR)
		rc = ctx_report(&x);
	else if (x.s.got.collection != NULL) {
		struct model_page mp = { x.s.got.collection->models,
			x.s.got.collection->n_models, NULL, NULL };

		models_print(&x, &mp);
		rc = CLI_OK;
	} else if (x.s.got.models != NULL) {
		models_print(&x, x.s.got.models);
		rc = CLI_OK;
	}
	ctx_close(&x);
	return rc;
}

static const struct cli_opt models_opts[] = {
	{ "--search", "Q", "search: QUERY /v1/models (falls back to GET "
	    "/v1/search)", 0, CLI_COMP_NONE, NULL },
	{ "--collection", "SLUG", "the models of one collection", 0,
	    CLI_COMP_NONE, NULL },
	{ "--page", "URL", "a further page (the `next` URL of the last one)",
	    0, CLI_COMP_NONE, NULL },
	{ "--offline", NULL, "the catalogue built into r8play (no network, "
	    "no token)", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_JSON,
	CLI_OPT_API_BASE,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_models = {
	"models", "", 0, 0, CLI_COMP_NONE,
	"list or search Replicate models",
	"Lists one page of Replicate models (name, runs, description), the "
	"results of a search, or a collection. On a terminal the description "
	"is cut to its width (COLUMNS); in a pipe every field is whole and "
	"tab-separated. --json prints {\"results\": [...], \"next\": URL or "
	"null}; pass next to --page for the following page.",
	models_opts, models_run
};

/* ---- model */

/* "LABEL value" on one line, the value sanitised; nothing when it is absent. */
static void
print_field(const char *label, const char *s)
{
	if (s == NULL)
		return;
	fputs(label, stdout);
	out_flat(stdout, s);
	fputc('\n', stdout);
}

/*
 * `r8play model OWNER/NAME` as text: the model's facts, its latest version
 * and the input fields of that version's schema.
 */
static void
model_print(const struct model *m)
{
	const struct version *v = m->latest_version;

	fputs("model:        ", stdout);
	out_flat(stdout, m->owner);
	fputc('/', stdout);
	out_flat(stdout, m->name);
	fputc('\n', stdout);
	if (m->description != NULL) {
		fputs("description:  ", stdout);
		out_flat(stdout, m->description);
		fputc('\n', stdout);
	}
	print_field("visibility:   ", m->visibility);
	print_field("url:          ", m->url);
	print_field("github:       ", m->github_url);
	print_field("paper:        ", m->paper_url);
	print_field("license:      ", m->license_url);
	if (m->run_count >= 0)
		printf("runs:         %lld\n", m->run_count);
	if (m->is_official)
		puts("official:     yes (runs without a version)");
	if (v == NULL)
		puts("version:      none (this model cannot be run)");
	else {
		fputs("version:      ", stdout);
		out_flat(stdout, v->id);
		if (v->created_at != NULL) {
			fputs(" (", stdout);
			out_flat(stdout, v->created_at);
			fputc(')', stdout);
		}
		fputc('\n', stdout);
		if (v->cog_version != NULL) {
			fputs("cog:          ", stdout);
			out_flat(stdout, v->cog_version);
			fputc('\n', stdout);
		}
		if (v->openapi_schema != NULL) {
			struct schema s;
			char err[CLIENT_ERR_MAX];
			size_t i;

			if (schema_parse(v->openapi_schema,
			    strlen(v->openapi_schema), &s, err,
			    sizeof err) == 0) {
				printf("inputs:       %zu:", s.nfields);
				for (i = 0; i < s.nfields; i++) {
					fputc(' ', stdout);
					out_flat(stdout, s.fields[i].name);
				}
				fputc('\n', stdout);
				schema_done(&s);
			}
		}
	}
	if (m->default_example != NULL) {
		fputs("example:      ", stdout);
		out_flat(stdout, m->default_example->id);
		printf(" (%s)\n", prediction_status_name(
		    m->default_example->status));
	}
}

/*
 * `r8play model OWNER/NAME`: GET the model and print it (--json: the model
 * object as r8play understood it).
 */
static int
model_run(const struct cli_args *a)
{
	char owner[128], name[128], ver[128], err[CLIENT_ERR_MAX];
	const char *ref = a->operands[0];
	struct ctx x;
	unsigned id;
	int rc = CLI_FAIL;

	if (replicate_ref_split(ref, owner, sizeof owner, name, sizeof name,
	    ver, sizeof ver) != 0 || ver[0] != '\0')
		return cli_usage_error(a->cmd, "expected OWNER/NAME");
	if (ctx_open(&x, a, true) != 0) {
		ctx_close(&x);
		return CLI_FAIL;
	}
	id = replicate_model_get(x.s.c, owner, name, err, sizeof err);
	if (id == 0) {
		out_err(x.cmd, "%s", err);
		ctx_close(&x);
		return CLI_FAIL;
	}
	if (ctx_wait(&x, id, true) != 0) {
		ctx_close(&x);
		return CLI_INTERRUPT;
	}
	if (x.s.got.kind == CLIENT_EV_ERROR)
		rc = ctx_report(&x);
	else if (x.s.got.model != NULL) {
		if (x.json) {
			model_json(stdout, x.s.got.model, true);
			fputc('\n', stdout);
		} else
			model_print(x.s.got.model);
		rc = CLI_OK;
	}
	ctx_close(&x);
	return rc;
}

static const struct cli_opt model_opts[] = {
	CLI_OPT_JSON,
	CLI_OPT_API_BASE,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_model = {
	"model", "OWNER/NAME", 1, 1, CLI_COMP_NONE,
	"show one model",
	"Shows one model: description, links, runs, latest version, inputs. "
	"--json prints the model with its OpenAPI schema.",
	model_opts, model_run
};
