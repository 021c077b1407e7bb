/*
 * tui/cli/run.c: `r8play run OWNER/NAME[:VERSION] -i key=value ...` on
 * Replicate: resolve the version and schema, type the inputs (uploading
 * big files), create the prediction, follow it (status and logs to
 * stderr), save its outputs. Ctrl-C cancels it on the server. With
 * --local the command is tui/cli/run_local.c's; with --image (a Cog
 * image in the local Docker Engine) tui/cli/local.c's.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/forms/form.h"
#include "client/forms/schema.h"
#include "client/replicate/replicate.h"
#include "tui/cli/cli.h"
#include "tui/cli/local.h"
#include "tui/cli/out.h"
#include "tui/cli/remote.h"
#include "tui/cli/run_local.h"
#include "tui/cli/runrec.h"
#include "tui/cli/stream.h"

#define RUN_MAX_INPUTS		256
#define RUN_CANCEL_WAIT_MS	15000	/* after Ctrl-C, for the server */

/* New logs to stderr: what follows what was printed last time. */
static void
print_logs(struct ctx *x, const struct prediction *p)
{
	if (x->stream != NULL && p->logs_len > x->logs.printed)
		out_stream_break(x->stream);	/* a terminal's open line */
	log_cursor_feed(&x->logs, stderr, x->cmd, p->logs, p->logs_len);
}

/* Say a status change of p on stderr (once per status). */
static void
print_status(struct ctx *x, const struct prediction *p)
{
	/* a failure is said once, with its error, when the run ends */
	if (p->status != x->shown && p->status != PREDICTION_FAILED) {
		x->shown = p->status;
		if (x->stream != NULL)
			out_stream_break(x->stream);
		out_err(x->cmd, "status: %s",
		    prediction_status_name(p->status));
	}
}

/* Text output so far to stdout (file outputs wait for the end). */
static void
stream_text(struct ctx *x, const struct prediction *p)
{
	char *text;
	size_t i;

	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind != PREDICTION_OUTPUT_TEXT)
			return;
	text = prediction_join_text(p, x->stream_sep);
	out_stream_feed(x->stream, text);
	free(text);
}

/* session progress callback: the followed prediction changed */
static void
on_progress(const struct client_event *ev, void *arg)
{
	struct ctx *x = arg;

	if (ev->prediction == NULL)
		return;
	/* logs and output first: a status line closes what led to it */
	print_logs(x, ev->prediction);
	if (x->rec != NULL)
		runrec_update(x->rec, ev->prediction);
	if (x->stream != NULL && (ev->changed & CLIENT_CHANGED_OUTPUT))
		stream_text(x, ev->prediction);
	print_status(x, ev->prediction);
}

/* form_upload_fn: a local file too big to inline goes to POST /v1/files */
static int
upload_file(void *arg, const char *field, const char *path, size_t size,
    char **url, char *err, size_t errsz)
{
	struct ctx *x = arg;
	char sub[CLIENT_ERR_MAX];
	unsigned id;

	out_err(x->cmd, "uploading %s (%zu bytes) for %s", path, size,
	    field);
	id = replicate_file_upload(x->s.c, path, form_mime_type(path), sub,
	    sizeof sub);
	if (id == 0) {
		snprintf(err, errsz, "%s", sub);
		return -1;
	}
	if (ctx_wait(x, id, false) != 0 || x->s.got.kind == CLIENT_EV_ERROR) {
		snprintf(err, errsz, "%s", x->s.err);
		return -1;
	}
	*url = strdup(x->s.got.file->url_get);
	session_got_free(&x->s);
	return *url != NULL ? 0 : -1;
}

/* After Ctrl-C: cancel on the server, wait a little, say so. */
static int
interrupt_cancel(struct ctx *x, const struct prediction *p)
{
	char err[CLIENT_ERR_MAX];
	const char *what = p->url_cancel != NULL ? p->url_cancel : p->id;
	unsigned id;
	int rc;

	fputs("r8play run: interrupted: canceling ", stderr);
	out_flat(stderr, p->id);
	fputc('\n', stderr);
	id = replicate_prediction_cancel(x->s.c, what, err, sizeof err);
	if (id == 0) {
		out_err(x->cmd, "%s", err);
		return CLI_INTERRUPT;
	}
	rc = session_wait(&x->s, id, RUN_CANCEL_WAIT_MS, false);
	if (rc != 0 || x->s.got.kind == CLIENT_EV_ERROR)
		out_err(x->cmd, "%s", x->s.err);
	else if (x->s.got.prediction != NULL) {
		fputs("r8play run: ", stderr);
		out_flat(stderr, p->id);
		fprintf(stderr, ": %s\n", prediction_status_name(
		    x->s.got.prediction->status));
		if (x->rec != NULL)
			runrec_finish(x->rec, x->s.got.prediction, NULL, NULL);
	}
	return CLI_INTERRUPT;
}

struct run_opts {
	const char *ref, *output_dir;
	bool	 raw;
	const char *inputs[RUN_MAX_INPUTS];
	int	 n_inputs;
	int	 wait_s;
};

/* Find the schema and version to run ref with. */
static int
run_resolve(struct ctx *x, const char *owner, const char *name,
    const char *ver, char **schema, char **version_id)
{
	char err[CLIENT_ERR_MAX];
	unsigned id;

	*schema = *version_id = NULL;
	if (ver[0] != '\0')
		id = replicate_version_get(x->s.c, owner, name, ver, err,
		    sizeof err);
	else
		id = replicate_model_get(x->s.c, owner, name, err, sizeof err);
	if (id == 0) {
		out_err(x->cmd, "%s", err);
		return CLI_FAIL;
	}
	if (ctx_wait(x, id, true) != 0)
		return CLI_INTERRUPT;
	if (x->s.got.kind == CLIENT_EV_ERROR)
		return ctx_report(x);
	if (x->s.got.version != NULL) {
		*version_id = strdup(x->s.got.version->id != NULL ?
		    x->s.got.version->id : ver);
		if (x->s.got.version->openapi_schema != NULL)
			*schema = strdup(x->s.got.version->openapi_schema);
	} else {
		const struct model *m = x->s.got.model;

		if (m->latest_version == NULL && !m->is_official) {
			out_err(x->cmd, "%s/%s has no version to run", owner,
			    name);
			return CLI_FAIL;
		}
		if (m->latest_version != NULL) {
			if (!m->is_official && m->latest_version->id != NULL)
				*version_id = strdup(m->latest_version->id);
			if (m->latest_version->openapi_schema != NULL)
				*schema = strdup(
				    m->latest_version->openapi_schema);
		}
	}
	session_got_free(&x->s);
	return CLI_OK;
}

/* Type the -i values by the schema (client/forms/form.h) into input JSON. */
static int
run_inputs(struct ctx *x, const struct run_opts *ro, const char *schema_text,
    struct schema *s, char **input)
{
	char err[CLIENT_ERR_MAX * 2];
	struct form *f;
	int i;

	*input = NULL;
	if (schema_text == NULL) {
		if (ro->n_inputs > 0) {
			fputs("r8play run: this model publishes no input "
			    "schema, so -i values cannot be typed\n", stderr);
			return CLI_USAGE;
		}
		*input = strdup("{}");
		return CLI_OK;
	}
	if (schema_parse(schema_text, strlen(schema_text), s, err,
	    sizeof err) != 0) {
		fputs("r8play run: input schema: ", stderr);
		out_flat(stderr, err);
		fputc('\n', stderr);
		return CLI_FAIL;
	}
	f = form_new_from_schema(s);
	if (f == NULL) {
		fputs("r8play run: out of memory\n", stderr);
		return CLI_FAIL;
	}
	for (i = 0; i < ro->n_inputs; i++)
		if (form_set_arg(f, ro->inputs[i], err, sizeof err) != 0) {
			fputs("r8play run: -i ", stderr);
			out_flat(stderr, ro->inputs[i]);
			fputs(": ", stderr);
			out_flat(stderr, err);
			fputc('\n', stderr);
			form_free(f);
			return CLI_USAGE;
		}
	if (form_request(f, 0, upload_file, x, input, err, sizeof err) != 0) {
		fputs("r8play run: ", stderr);
		out_flat(stderr, err);
		fputc('\n', stderr);
		form_free(f);
		return CLI_USAGE;
	}
	form_free(f);
	return CLI_OK;
}

/* Succeeded: save file outputs, print text and paths. */
static int
run_outputs(struct ctx *x, struct prediction *p, const struct run_opts *ro,
    const struct schema *s)
{
	struct client_saved *saved = NULL;
	char err[CLIENT_ERR_MAX];
	unsigned id;
	size_t i, nfiles = 0;
	int rc = CLI_OK;
	char *text;

	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind != PREDICTION_OUTPUT_TEXT)
			nfiles++;
	if (nfiles > 0) {
		id = outputs_save(x->s.c, p, ro->output_dir, err, sizeof err);
		if (id == 0) {
			out_err(x->cmd, "%s", err);
			return CLI_FAIL;
		}
		if (ctx_wait(x, id, true) != 0)
			return CLI_INTERRUPT;
		saved = x->s.got.saved;
		x->s.got.saved = NULL;
		if (x->s.got.kind == CLIENT_EV_ERROR) {
			out_err(x->cmd, "%s", x->s.err);
			rc = CLI_FAIL;
		}
	}
	if (x->rec != NULL)
		runrec_finish(x->rec, p, saved, ro->output_dir);
	if (x->json) {
		prediction_json(stdout, p, saved);
		fputc('\n', stdout);
	} else {
		/* text outputs: tokens joined as the schema says */
		bool join = s == NULL || !s->has_output ||
		    s->output.concatenate || s->output.kind == SCHEMA_OUT_STRING;
		struct out_stream own;

		text = prediction_join_text(p, join ? "" : "\n");
		if (x->stream != NULL)
			out_stream_end(x->stream, text);
		else {
			out_stream_init(&own, stdout, ro->raw);
			out_stream_end(&own, text);
		}
		free(text);
		for (i = 0; saved != NULL && i < saved->n; i++) {
			out_flat(stdout, saved->paths[i]);
			fputc('\n', stdout);
		}
	}
	client_saved_free(saved);
	return rc;
}

/*
 * A prediction on Replicate: resolve the model's version and schema, build
 * the input (run_inputs), create it (waiting up to --wait seconds in the
 * create), follow it to its end (Ctrl-C cancels it) and save its outputs.
 * The run is in the history from the create on. Returns the exit status.
 */
static int
run_remote(struct ctx *x, const struct run_opts *ro)
{
	char owner[128], name[128], ver[128], err[CLIENT_ERR_MAX];
	char *schema_text = NULL, *version_id = NULL, *input = NULL;
	char model[260];
	struct replicate_create rq;
	struct prediction *p = NULL;
	struct runrec rec;
	struct out_stream os;
	struct schema s;
	unsigned id;
	int rc, w;

	memset(&s, 0, sizeof s);
	memset(&rec, 0, sizeof rec);
	if (replicate_ref_split(ro->ref, owner, sizeof owner, name,
	    sizeof name, ver, sizeof ver) != 0) {
		fputs("r8play run: expected OWNER/NAME[:VERSION]\n", stderr);
		return CLI_USAGE;
	}
	rc = run_resolve(x, owner, name, ver, &schema_text, &version_id);
	if (rc != CLI_OK)
		goto out;
	rc = run_inputs(x, ro, schema_text, &s, &input);
	if (rc != CLI_OK)
		goto out;
	if (!x->json) {
		/* text outputs: tokens joined as the schema says */
		out_stream_init(&os, stdout, ro->raw);
		x->stream = &os;
		x->stream_sep = !s.has_output || s.output.concatenate ||
		    s.output.kind == SCHEMA_OUT_STRING ? "" : "\n";
	}
	if (x->s.sigint) {
		/* Ctrl-C during an upload: nothing was created yet */
		fputs("r8play run: interrupted\n", stderr);
		rc = CLI_INTERRUPT;
		goto out;
	}
	memset(&rq, 0, sizeof rq);
	rq.owner = owner;
	rq.name = name;
	rq.version = version_id;
	rq.input_json = input;
	rq.wait_s = ro->wait_s;
	id = replicate_prediction_create(x->s.c, &rq, err, sizeof err);
	if (id == 0) {
		out_err(x->cmd, "%s", err);
		rc = CLI_FAIL;
		goto out;
	}
	/* a create is not interrupted half-way: we need its id to cancel */
	w = ctx_wait(x, id, false);
	if (w != 0 || x->s.got.kind == CLIENT_EV_ERROR) {
		rc = ctx_report(x);
		goto out;
	}
	p = x->s.got.prediction;
	x->s.got.prediction = NULL;
	/* in the history from now on, updated on each state change */
	snprintf(model, sizeof model, "%s/%s", owner, name);
	runrec_init(&rec, x->cmd, HISTORY_TARGET_REPLICATE,
	    client_api_base(x->s.c), config_token(&x->s.cfg), model, &s);
	x->rec = &rec;
	runrec_update(&rec, p);
	fputs("r8play run: prediction ", stderr);
	out_flat(stderr, p->id);
	fprintf(stderr, " %s", prediction_status_name(p->status));
	if (p->url_web != NULL) {
		fputs(" ", stderr);
		out_flat(stderr, p->url_web);
	}
	fputc('\n', stderr);
	x->shown = p->status;
	print_logs(x, p);
	if (!prediction_status_terminal(p->status)) {
		id = replicate_prediction_follow(x->s.c, p, err, sizeof err);
		if (id == 0) {
			out_err(x->cmd, "%s", err);
			rc = CLI_FAIL;
			goto out;
		}
		w = ctx_wait(x, id, true);
		if (w == 1) {
			rc = interrupt_cancel(x, p);
			goto out;
		}
		if (w != 0 || x->s.got.kind == CLIENT_EV_ERROR) {
			rc = ctx_report(x);
			goto out;
		}
		prediction_free(p);
		p = x->s.got.prediction;
		x->s.got.prediction = NULL;
		print_logs(x, p);
		print_status(x, p);
		runrec_update(&rec, p);
	}
	if (p->status == PREDICTION_SUCCEEDED) {
		rc = run_outputs(x, p, ro, s.nfields > 0 || s.has_output ? &s :
		    NULL);
		goto out;
	}
	if (x->json) {
		prediction_json(stdout, p, NULL);
		fputc('\n', stdout);
	}
	fputs("r8play run: prediction ", stderr);
	out_flat(stderr, p->id);
	fprintf(stderr, " %s", prediction_status_name(p->status));
	if (p->error != NULL) {
		fputs(": ", stderr);
		out_flat(stderr, p->error);
	}
	fputc('\n', stderr);
	runrec_finish(&rec, p, NULL, ro->output_dir);
	rc = CLI_FAIL;
out:
	if (x->stream != NULL)
		out_stream_done(x->stream);
	x->stream = NULL;
	x->rec = NULL;
	runrec_done(&rec);
	prediction_free(p);
	schema_done(&s);
	free(schema_text);
	free(version_id);
	free(input);
	return rc;
}

/*
 * `r8play run`: check the options that select where the run goes, then hand
 * it to run_local() (--local URL), run_image() (--image REF) or
 * run_remote().
 */
static int
run_run(const struct cli_args *a)
{
	const char *wait = cli_value(a, "--wait");
	struct run_opts ro;
	struct ctx x;
	size_t i;
	int rc;

	bool local = cli_value(a, "--local") != NULL;
	bool image = cli_value(a, "--image") != NULL;

	if (local && image)
		return cli_usage_error(a->cmd, "give --local URL or --image "
		    "REF, not both");
	if ((local || image) && a->noperands > 0)
		return cli_usage_error(a->cmd, "give OWNER/NAME or %s, not "
		    "both", local ? "--local URL" : "--image REF");
	for (i = 0; i < a->nargs; i++) {
		unsigned f = a->args[i].opt->flags;

		if ((f & CLI_LOCAL) && !local && !image)
			return cli_usage_error(a->cmd, "%s needs --local or "
			    "--image", a->args[i].opt->name);
		if ((f & CLI_IMAGE) && !image)
			return cli_usage_error(a->cmd, "%s needs --image",
			    a->args[i].opt->name);
	}
	/* a local Cog server: the whole command is tui/cli/run_local.c's;
	 * a Docker image: tui/cli/local.c's (which then runs run_local) */
	if (local)
		return run_local(a);
	if (image)
		return run_image(a);
	if (a->noperands != 1)
		return cli_usage_error(a->cmd, "give OWNER/NAME[:VERSION], "
		    "--local URL or --image REF");
	memset(&ro, 0, sizeof ro);
	ro.ref = a->operands[0];
	ro.output_dir = cli_value(a, "--output-dir");
	ro.raw = cli_flag(a, "--raw");
	for (i = 0; i < a->nargs; i++)
		if (cli_is(&a->args[i], "-i")) {
			if (ro.n_inputs >= RUN_MAX_INPUTS)
				return cli_usage_error(a->cmd, "more than %d "
				    "inputs", RUN_MAX_INPUTS);
			ro.inputs[ro.n_inputs++] = a->args[i].value;
		}
	if (wait != NULL) {
		char *end;
		long v = strtol(wait, &end, 10);

		if (*end != '\0' || v < 1 || v > REPLICATE_WAIT_MAX)
			return cli_usage_error(a->cmd, "--wait takes 1 to %d "
			    "seconds", REPLICATE_WAIT_MAX);
		ro.wait_s = (int)v;
	}
	if (session_signals_install() != 0) {
		out_err(a->cmd->name, "pipe: %s", strerror(errno));
		return CLI_FAIL;
	}
	if (ctx_open(&x, a, true) != 0) {
		ctx_close(&x);
		session_signals_restore();
		return CLI_FAIL;
	}
	x.s.on_progress = on_progress;
	x.s.progress_arg = &x;
	rc = run_remote(&x, &ro);
	ctx_close(&x);
	session_signals_restore();
	return rc;
}

/* Options flagged CLI_LOCAL are refused without --local. */
static const struct cli_opt run_opts[] = {
	{ "-i", "KEY=VALUE", "an input, typed by the model's schema; "
	    "KEY=@FILE reads a file (inline when small, else uploaded); "
	    "repeat a key for a list", CLI_REPEAT, CLI_COMP_NONE, NULL },
	{ "--output-dir", "DIR", "where files go (default ./<prediction id>)",
	    0, CLI_COMP_DIR, NULL },
	{ "--wait", "N", "hold the create request up to N s (Prefer: "
	    "wait=N)", 0, CLI_COMP_NONE, NULL },
	{ "--raw", NULL, "write text output as the server sent it (else "
	    "control characters are made visible, in a pipe too)", 0,
	    CLI_COMP_NONE, NULL },
	CLI_OPT_JSON,
	CLI_OPT_API_BASE,
	{ "--local", "URL", "run on a local Cog server instead, e.g. "
	    "http://localhost:5000 (no token is sent)", 0, CLI_COMP_NONE,
	    NULL },
	{ "--image", "REF", "run on a Cog image of the local Docker Engine: "
	    "reuse r8play's running container of REF, else pull REF when "
	    "missing and start one; it is stopped and removed after the run "
	    "unless --keep", 0, CLI_COMP_NONE, NULL },
	{ "--gpus", "all|none|N|ID,...", "the GPUs a started container gets "
	    "(default none)", CLI_IMAGE, CLI_COMP_WORDS, "all none" },
	{ "--keep", NULL, "leave the started container running", CLI_IMAGE,
	    CLI_COMP_NONE, NULL },
	{ "--async", NULL, "Prefer: respond-async and follow the "
	    "webhooks", CLI_LOCAL, CLI_COMP_NONE, NULL },
	{ "--id", "ID", "the prediction's id", CLI_LOCAL, CLI_COMP_NONE,
	    NULL },
	{ "--wait-ready", "S", "wait up to S seconds for setup "
	    "(default 300)", CLI_LOCAL, CLI_COMP_NONE, NULL },
	{ "--listen", "ADDR[:PORT]", "webhook listener bind "
	    "address (default 127.0.0.1:0)", CLI_LOCAL, CLI_COMP_NONE, NULL },
	{ "--advertise", "HOST", "host the server reaches the "
	    "listener at (e.g. 172.17.0.1 for a container; env "
	    "R8PLAY_WEBHOOK_HOST)", CLI_LOCAL, CLI_COMP_NONE, NULL },
	{ "--no-webhooks", NULL, "sync only, no live logs", CLI_LOCAL,
	    CLI_COMP_NONE, NULL },
	{ "--no-schema", NULL, "send every value as a string (the "
	    "server coerces)", CLI_LOCAL, CLI_COMP_NONE, NULL },
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_run = {
	"run", "OWNER/NAME[:VERSION] | --local URL | --image REF", 0, 1,
	CLI_COMP_NONE,
	"run a prediction and save its outputs",
	"Runs a prediction on Replicate (or on a local Cog server with "
	"--local, or on a Cog image of the local Docker Engine with --image) "
	"and saves its outputs. Inputs are typed by the model's "
	"schema. Logs go to stderr; text output and saved file paths to "
	"stdout, control characters made visible unless --raw. Ctrl-C "
	"cancels the prediction on the server. Exit status: 0 succeeded, 1 "
	"failed or canceled, 2 usage, 130 interrupted.",
	run_opts, run_run
};
