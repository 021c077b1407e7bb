/*
 * tui/cli/predictions.c: `r8play predictions` (your recent predictions)
 * and `r8play cancel ID`; prediction_json(), the JSON form of a
 * prediction every Replicate command prints.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "client/replicate/replicate.h"
#include "tui/cli/cli.h"
#include "tui/cli/out.h"
#include "tui/cli/remote.h"


void
prediction_json(FILE *fp, const struct prediction *p,
    const struct client_saved *saved)
{
	size_t i;

	fputs("{\"id\":", fp);
	out_json_str(fp, p->id);
	fputs(",\"model\":", fp);
	out_json_str(fp, p->model);
	fputs(",\"version\":", fp);
	out_json_str(fp, p->version);
	fputs(",\"status\":", fp);
	out_json_str(fp, p->status_text != NULL ? p->status_text :
	    prediction_status_name(p->status));
	fputs(",\"created_at\":", fp);
	out_json_str(fp, p->created_at);
	fputs(",\"completed_at\":", fp);
	out_json_str(fp, p->completed_at);
	fputs(",\"error\":", fp);
	out_json_str(fp, p->error);
	fputs(",\"output\":", fp);
	out_json_raw(fp, p->output_json);
	fputs(",\"metrics\":{\"predict_time\":", fp);
	out_json_num(fp, p->metrics.predict_time);
	fputs(",\"total_time\":", fp);
	out_json_num(fp, p->metrics.total_time);
	fputs("},\"urls\":{\"get\":", fp);
	out_json_str(fp, p->url_get);
	fputs(",\"web\":", fp);
	out_json_str(fp, p->url_web);
	fputc('}', fp);
	if (saved != NULL) {
		fputs(",\"files\":[", fp);
		for (i = 0; i < saved->n; i++) {
			if (i > 0)
				fputc(',', fp);
			out_json_str(fp, saved->paths[i]);
		}
		fputc(']', fp);
	}
	fputc('}', fp);
}

/*
 * `r8play predictions [--page URL]`: one page of the account's predictions,
 * as a table or --json.
 */
static int
predictions_run(const struct cli_args *a)
{
	char err[CLIENT_ERR_MAX];
	struct ctx x;
	unsigned id;
	size_t k;
	int rc;

	if (ctx_open(&x, a, true) != 0) {
		ctx_close(&x);
		return CLI_FAIL;
	}
	if (cli_flag(a, "--import")) {
		rc = predictions_import(&x, a);
		ctx_close(&x);
		return rc;
	}
	if (cli_value(a, "--limit") != NULL) {
		ctx_close(&x);
		return cli_usage_error(a->cmd, "--limit goes with --import");
	}
	id = replicate_predictions_list(x.s.c, cli_value(a, "--page"), err,
	    sizeof err);
	if (id == 0) {
		out_err(x.cmd, "%s", err);
		ctx_close(&x);
		return CLI_FAIL;
	}
	if (ctx_wait(&x, id, true) != 0) {
		ctx_close(&x);
		return CLI_INTERRUPT;
	}
	if (x.s.got.kind == CLIENT_EV_ERROR) {
		rc = ctx_report(&x);
		ctx_close(&x);
		return rc;
	}
	if (x.json)
		fputs("{\"results\":[", stdout);
	for (k = 0; k < x.s.got.predictions->n; k++) {
		const struct prediction *p = &x.s.got.predictions->items[k];

		if (x.json) {
			if (k > 0)
				fputs(",\n", stdout);
			prediction_json(stdout, p, NULL);
			continue;
		}
		/* whole fields: ids and timestamps are never cut */
		out_flat(stdout, p->id != NULL ? p->id : "-");
		printf("  %-10s  ", prediction_status_name(p->status));
		out_flat(stdout, p->created_at != NULL ? p->created_at : "-");
		fputs("  ", stdout);
		out_flat(stdout, p->model != NULL ? p->model : "-");
		fputc('\n', stdout);
	}
	if (x.json) {
		fputs("],\n\"next\":", stdout);
		out_json_str(stdout, x.s.got.predictions->next);
		fputs("}\n", stdout);
	} else if (x.s.got.predictions->next != NULL) {
		fputs("(more: r8play predictions --page ", stderr);
		out_flat(stderr, x.s.got.predictions->next);
		fputs(")\n", stderr);
	}
	ctx_close(&x);
	return CLI_OK;
}

/*
 * `r8play cancel ID`: ask Replicate to cancel a prediction and print its
 * status afterwards.
 */
static int
cancel_run(const struct cli_args *a)
{
	const char *pid = a->operands[0];
	char err[CLIENT_ERR_MAX];
	struct ctx x;
	unsigned id;
	int rc = CLI_FAIL;

	if (ctx_open(&x, a, true) != 0) {
		ctx_close(&x);
		return CLI_FAIL;
	}
	id = replicate_prediction_cancel(x.s.c, pid, err, sizeof err);
	if (id == 0) {
		out_err(x.cmd, "%s", err);
		ctx_close(&x);
		return CLI_FAIL;
	}
	if (ctx_wait(&x, id, false) != 0) {
		out_err(x.cmd, "%s", x.s.err);
		ctx_close(&x);
		return CLI_FAIL;
	}
	if (x.s.got.kind == CLIENT_EV_ERROR)
		rc = ctx_report(&x);
	else {
		const struct prediction *p = x.s.got.prediction;

		if (x.json) {
			prediction_json(stdout, p, NULL);
			fputc('\n', stdout);
		} else {
			out_flat(stdout, p->id != NULL ? p->id : pid);
			printf(": %s\n", prediction_status_name(p->status));
		}
		rc = p->status == PREDICTION_CANCELED ? CLI_OK : CLI_FAIL;
		if (rc != CLI_OK && !x.json)
			out_err(x.cmd, "the prediction had already %s",
			    prediction_status_name(p->status));
	}
	ctx_close(&x);
	return rc;
}

static const struct cli_opt predictions_opts[] = {
	{ "--page", "URL", "a further page (the `next` URL of the last one)",
	    0, CLI_COMP_NONE, NULL },
	{ "--import", NULL, "record every page of them into the history "
	    "(r8play history lists them)", 0, CLI_COMP_NONE, NULL },
	{ "--limit", "N", "with --import: at most N predictions (default "
	    "1000, at most 100000)", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_JSON,
	CLI_OPT_API_BASE,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_predictions = {
	"predictions", "", 0, 0, CLI_COMP_NONE,
	"list your recent predictions",
	"Lists your recent predictions, newest first (one page of 100): id, "
	"status, created time (whole), model. --json prints {\"results\": "
	"[...], \"next\": URL or null}. With --import, every page (from "
	"--page when given) is recorded into the history instead, so the "
	"runs outlive Replicate's one hour: model, version, input, output "
	"(files as their URLs: r8play get ID saves them while they exist), "
	"status, times, metrics. A prediction already recorded is updated "
	"when it changed and skipped otherwise; one whose data Replicate "
	"removed is recorded as such. Prints how many were imported, "
	"updated and skipped (--json: an object with those counts). A page "
	"that fails ends the import (exit 1); what came before stays "
	"recorded.",
	predictions_opts, predictions_run
};

static const struct cli_opt cancel_opts[] = {
	CLI_OPT_JSON,
	CLI_OPT_API_BASE,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_cancel = {
	"cancel", "ID", 1, 1, CLI_COMP_NONE,
	"cancel a prediction",
	"Cancels a prediction. Exits 0 when it is canceled, 1 when it had "
	"already finished (its status is printed) or the request failed.",
	cancel_opts, cancel_run
};
