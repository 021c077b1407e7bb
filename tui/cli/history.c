/*
 * tui/cli/history.c: the history commands of the command line.
 *   r8play history [--json] [--model M] [--status S] [--target T]
 *                  [--search TEXT] [--limit N]      runs, newest first
 *   r8play history show ID [--json]                 one run in full (ID: the
 *                                                   run number or its
 *                                                   prediction id)
 *   r8play get ID [--output-dir D] [--json]         fetch a Replicate
 *                                                   prediction, save its
 *                                                   outputs, record it
 * The history is client/history/ (SQLite); this file only reads options
 * and prints. Untrusted text reaches the terminal through tui/cli/out.h;
 * the API token is never printed and is scrubbed from what is recorded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/history/history.h"
#include "client/history/record.h"
#include "client/net/client.h"
#include "client/net/config.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"
#include "tui/cli/cli.h"
#include "tui/cli/out.h"
#include "tui/cli/remote.h"
#include "widgets/tw.h"

#define HIST_DEFAULT_LIMIT	50
#define HIST_MODEL_COLS		32
#define HIST_PATH_MAX		4096
#define HIST_LINE_MAX		4096	/* bytes of one printed line */

extern const struct cli_cmd cli_cmd_history, cli_cmd_get;

/* ---- printing */

/* Untrusted text, newlines kept, every line indented by ind. */
static void
put_block(FILE *fp, const char *s, const char *ind)
{
	size_t n;

	while (s != NULL && *s != '\0') {
		n = strcspn(s, "\r\n");
		if (n > HIST_LINE_MAX)
			n = HIST_LINE_MAX;
		fputs(ind, fp);
		out_text(fp, s, n);
		fputc('\n', fp);
		s += n;
		if (*s == '\r' || *s == '\n')
			s++;
	}
}

/* A column: untrusted text fitted to cols (padded). */
static void
put_col(const char *s, int cols)
{
	char safe[1024], buf[1024];

	out_safe_str(s != NULL ? s : "-", safe, sizeof safe);
	tw_fit(safe, cols, buf, sizeof buf, 1);
	fputs(buf, stdout);
	fputs("  ", stdout);
}

/* Open the default history database; on failure say why under cmd. */
static int
open_history(const char *cmd, struct history **h)
{
	char err[1024];

	if (history_open(NULL, h, err, sizeof err) != HISTORY_OK) {
		out_err(cmd, "%s", err);
		return -1;
	}
	return 0;
}

/* ---- history */

/*
 * One line of `r8play history`: id, when (minute precision, UTC), status,
 * model and target, each cut to its column, then the prediction id.
 */
static void
print_row(const struct history_run *r)
{
	char when[20];
	const char *c = r->created_at;

	printf("%6lld  ", r->id);
	/* "2026-01-01T10:20:30.123Z" -> "2026-01-01 10:20" */
	if (c != NULL && strlen(c) >= 16) {
		memcpy(when, c, 16);
		when[10] = ' ';
		when[16] = '\0';
	} else if (r->recorded > 0) {
		/* a local run has no created_at: when it was recorded */
		time_t t = (time_t)r->recorded;
		struct tm tm;

		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) == 0)
			snprintf(when, sizeof when, "-");
	} else
		snprintf(when, sizeof when, "-");
	put_col(when, 16);
	put_col(r->status, 10);
	put_col(r->model, HIST_MODEL_COLS);
	put_col(history_target_name(r->target_kind), 9);
	out_flat(stdout, r->remote_id != NULL ? r->remote_id : "-");
	fputc('\n', stdout);
}

/*
 * `r8play history [--model M] [--status S] [--target T] [--search Q]
 * [--limit N] [--json]`: the recorded runs, newest created first.
 */
static int
history_list_run(const struct cli_args *a)
{
	struct history_filter f;
	struct history_list l;
	struct history *h;
	char err[1024], *js;
	const char *v;
	size_t i;

	memset(&f, 0, sizeof f);
	f.limit = HIST_DEFAULT_LIMIT;
	f.model = cli_value(a, "--model");
	f.status = cli_value(a, "--status");
	f.target = cli_value(a, "--target");
	f.text = cli_value(a, "--search");
	if ((v = cli_value(a, "--limit")) != NULL) {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (*end != '\0' || errno != 0 || n <= 0 ||
		    n > HISTORY_MAX_LIST)
			return cli_usage_error(a->cmd, "--limit takes 1 to %d",
			    HISTORY_MAX_LIST);
		f.limit = (size_t)n;
	}
	if (open_history("history", &h) != 0)
		return CLI_FAIL;
	if (history_list(h, &f, &l, err, sizeof err) != HISTORY_OK) {
		out_err("history", "%s", err);
		history_close(h);
		return CLI_FAIL;
	}
	if (cli_flag(a, "--json")) {
		fputs("[", stdout);
		for (i = 0; i < l.n; i++) {
			if ((js = history_run_json(&l.runs[i], false)) == NULL)
				break;
			fputs(i > 0 ? ",\n" : "", stdout);
			out_json_raw(stdout, js);
			free(js);
		}
		fputs("]\n", stdout);
	} else {
		if (l.n == 0)
			out_err("history", "no runs recorded yet");
		for (i = 0; i < l.n; i++)
			print_row(&l.runs[i]);
	}
	history_list_done(&l);
	history_close(h);
	return CLI_OK;
}

/* A field line "label: value" (value sanitised), skipped when NULL. */
static void
field(const char *label, const char *v)
{
	if (v == NULL)
		return;
	printf("%-13s ", label);
	out_flat(stdout, v);
	fputc('\n', stdout);
}

/* A JSON column as its labelled text form, indented under label. */
static void
json_block(const char *label, const char *json)
{
	char *t;

	if (json == NULL)
		return;
	printf("%s:\n", label);
	t = record_text(json, NULL);
	put_block(stdout, t != NULL ? t : json, "  ");
	free(t);
}

/*
 * `r8play history show ID` as text: every recorded field, one per line,
 * then the input, metrics, output and files JSON and the logs.
 */
static void
show_run(const struct history_run *r)
{
	char num[64];

	snprintf(num, sizeof num, "%lld", r->id);
	field("run:", num);
	field("prediction:", r->remote_id);
	field("model:", r->model);
	field("version:", r->version);
	printf("%-13s %s ", "target:", history_target_name(r->target_kind));
	out_flat(stdout, r->target);
	fputc('\n', stdout);
	field("status:", r->status);
	field("created:", r->created_at);
	field("started:", r->started_at);
	field("completed:", r->completed_at);
	if (r->predict_time >= 0) {
		snprintf(num, sizeof num, "%.3f s", r->predict_time);
		field("predict time:", num);
	}
	if (r->cost >= 0) {
		snprintf(num, sizeof num, "$%.4f (estimate)", r->cost);
		field("cost:", num);
	}
	field("folder:", r->output_dir);
	field("error:", r->error);
	if (r->data_removed)
		field("data:", "removed by Replicate (input and output are "
		    "gone there)");
	json_block("input", r->input_json);
	json_block("metrics", r->metrics_json);
	json_block("output", r->output_json);
	json_block("files", r->saved_json);
	if (r->logs != NULL && r->logs[0] != '\0') {
		fputs("logs:\n", stdout);
		put_block(stdout, r->logs, "  ");
	}
}

/*
 * `history show ID|PREDICTION_ID`: a run by its number or its remote id, as
 * text or --json.
 */
static int
history_show_run(const struct cli_args *a, const char *id)
{
	struct history_run r;
	struct history *h;
	char err[1024], *end, *js;
	enum history_rc rc;
	long long n;

	if (open_history("history", &h) != 0)
		return CLI_FAIL;
	errno = 0;
	n = strtoll(id, &end, 10);
	if (*end == '\0' && errno == 0 && n > 0)
		rc = history_get(h, n, &r, err, sizeof err);
	else
		rc = history_get_remote(h, NULL, id, &r, err, sizeof err);
	if (rc != HISTORY_OK) {
		out_err("history", "%s", err);
		history_close(h);
		return CLI_FAIL;
	}
	if (cli_flag(a, "--json")) {
		js = history_run_json(&r, true);
		if (js != NULL) {
			out_json_raw(stdout, js);
			fputc('\n', stdout);
		}
		free(js);
	} else
		show_run(&r);
	history_run_done(&r);
	history_close(h);
	return CLI_OK;
}

/*
 * `r8play history`: lists the runs, or `history show ID` (which takes none
 * of the list's filters).
 */
static int
history_run(const struct cli_args *a)
{
	if (a->noperands == 0)
		return history_list_run(a);
	if (strcmp(a->operands[0], "show") != 0)
		return cli_usage_error(a->cmd, "unknown verb \"%s\" (show ID)",
		    a->operands[0]);
	if (a->noperands != 2)
		return cli_usage_error(a->cmd, "show needs one ID");
	if (cli_value(a, "--model") != NULL ||
	    cli_value(a, "--status") != NULL ||
	    cli_value(a, "--target") != NULL ||
	    cli_value(a, "--search") != NULL ||
	    cli_value(a, "--limit") != NULL)
		return cli_usage_error(a->cmd, "show takes only --json");
	return history_show_run(a, a->operands[1]);
}

static const struct cli_opt history_opts[] = {
	{ "--model", "OWNER/NAME", "only runs of this model", 0,
	    CLI_COMP_NONE, NULL },
	{ "--status", "STATUS", "only runs in this status", 0,
	    CLI_COMP_WORDS, "starting processing succeeded failed canceled "
	    "aborted" },
	{ "--target", "TARGET", "replicate, server, container, or a URL", 0,
	    CLI_COMP_WORDS, "replicate server container" },
	{ "--search", "TEXT", "runs whose model, id, input, output or error "
	    "has TEXT", 0, CLI_COMP_NONE, NULL },
	{ "--limit", "N", "at most N runs (default 50)", 0, CLI_COMP_NONE,
	    NULL },
	CLI_OPT_JSON,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_history = {
	"history", "[show ID]", 0, 2, CLI_COMP_NONE,
	"list the runs r8play recorded, or show one",
	"Lists the recorded runs, newest first (by when each was created, "
	"imported ones too): remote, local and in containers, with their "
	"status. `history show ID` prints one run in "
	"full (ID: the run number of the list, or a prediction id). The "
	"history is $R8PLAY_DATA_DIR/history.db, else "
	"$XDG_DATA_HOME/r8play/history.db. Exit status: 0 ok, 1 failed, 2 "
	"usage.",
	history_opts, history_run
};

/* ---- get */

/* Record p: its folder and its row. *hid gets the row (0 when none). */
static int
get_record(struct ctx *x, const struct prediction *p,
    const struct client_saved *saved, const char *dir, struct history **h,
    long long *hid)
{
	const char *token_vals[1];
	struct history_secrets sec = { NULL, 0, token_vals, 0 };
	struct record_run rr;
	struct record_files rf;
	char err[1024];
	int rc = CLI_OK;

	if (config_token(&x->s.cfg) != NULL) {
		token_vals[0] = config_token(&x->s.cfg);
		sec.n_values = 1;
	}
	memset(&rr, 0, sizeof rr);
	rr.p = p;
	rr.target_kind = HISTORY_TARGET_REPLICATE;
	rr.target = client_api_base(x->s.c);
	rr.saved = saved != NULL ? (const char *const *)saved->paths : NULL;
	rr.n_saved = saved != NULL ? saved->n : 0;
	rr.dir = dir;
	rr.cost = -1;
	rr.sec = &sec;
	if (record_save(&rr, &rf, err, sizeof err) != 0) {
		out_err("get", "%s", err);
		rc = CLI_FAIL;
	} else
		record_files_done(&rf);
	if (history_open(NULL, h, err, sizeof err) != HISTORY_OK)
		out_err("get", "%s", err);	/* the folder has the record */
	else if (record_history(*h, &rr, hid, err, sizeof err) != HISTORY_OK)
		out_err("get", "%s", err);
	return rc;
}

/* Save p's file outputs into dir; *saved gets them. */
static int
get_outputs(struct ctx *x, const struct prediction *p, const char *dir,
    struct client_saved **saved)
{
	char err[CLIENT_ERR_MAX];
	size_t i, nfiles = 0;
	unsigned rq;

	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind != PREDICTION_OUTPUT_TEXT)
			nfiles++;
	if (nfiles == 0)
		return CLI_OK;
	rq = outputs_save(x->s.c, p, dir, err, sizeof err);
	if (rq == 0) {
		out_err("get", "%s", err);
		return CLI_FAIL;
	}
	if (ctx_wait(x, rq, true) != 0) {
		out_err("get", "interrupted");
		return CLI_INTERRUPT;
	}
	if (x->s.got.kind == CLIENT_EV_ERROR)
		return ctx_report(x);
	*saved = x->s.got.saved;
	x->s.got.saved = NULL;
	return CLI_OK;
}

/*
 * What `r8play get` found, on stderr (stdout keeps the output for pipes):
 * the prediction's status, the history run it was recorded as, its error,
 * and the files saved to dir.
 */
static void
get_print(const struct prediction *p, const struct client_saved *saved,
    long long hid, const char *dir)
{
	char *t = record_text(p->output_json, NULL);
	size_t i;

	fputs("r8play get: prediction ", stderr);
	out_flat(stderr, p->id);
	fprintf(stderr, " %s", prediction_status_name(p->status));
	if (hid > 0)
		fprintf(stderr, ", recorded as run %lld", hid);
	fputc('\n', stderr);
	field("error:", p->error);
	if (saved != NULL && saved->n > 0) {
		for (i = 0; i < saved->n; i++) {
			out_flat(stdout, saved->paths[i]);
			fputc('\n', stdout);
		}
	} else if (t != NULL && p->output_json != NULL)
		put_block(stdout, t, "");
	free(t);
	fputs("r8play get: record in ", stderr);
	out_flat(stderr, dir);
	fputc('\n', stderr);
}

/*
 * `r8play get ID`: fetch a prediction, save its outputs while Replicate
 * still has them, and record it in the history (--json: the history run).
 */
static int
get_run(const struct cli_args *a)
{
	char err[CLIENT_ERR_MAX], msg[CLIENT_ERR_MAX], dir[HIST_PATH_MAX];
	const char *id = a->operands[0], *outdir;
	struct client_saved *saved = NULL;
	struct prediction *p = NULL;
	struct history *h = NULL;
	long long hid = 0;
	struct ctx x;
	unsigned rq;
	int rc = CLI_FAIL, w;

	if (session_signals_install() != 0) {
		out_err("get", "pipe: %s", strerror(errno));
		return CLI_FAIL;
	}
	if (ctx_open(&x, a, true) != 0)
		goto out;
	rq = replicate_prediction_get(x.s.c, id, err, sizeof err);
	if (rq == 0) {
		out_err("get", "%s: %s", id, err);
		goto out;
	}
	w = ctx_wait(&x, rq, true);
	if (w == 1) {
		out_err("get", "interrupted");
		rc = CLI_INTERRUPT;
		goto out;
	}
	if (w != 0 || x.s.got.kind == CLIENT_EV_ERROR) {
		out_err("get", "%s", client_emit_error(msg, sizeof msg,
		    x.s.got.rc, x.s.err, id));
		goto out;
	}
	p = x.s.got.prediction;
	x.s.got.prediction = NULL;
	session_got_free(&x.s);
	if (p == NULL) {
		out_err("get", "the server sent no prediction");
		goto out;
	}
	outdir = cli_value(a, "--output-dir");
	if (outdir != NULL)
		snprintf(dir, sizeof dir, "%s", outdir);
	else
		snprintf(dir, sizeof dir, "%s/%s", x.s.cfg.output_dir != NULL ?
		    x.s.cfg.output_dir : ".", p->id != NULL ? p->id : id);
	rc = CLI_OK;
	/* outputs while they exist (Replicate removes them after an hour) */
	if (p->status == PREDICTION_SUCCEEDED && !p->data_removed)
		rc = get_outputs(&x, p, dir, &saved);
	else if (p->data_removed)
		out_err("get", "its inputs and outputs were removed by "
		    "Replicate; recording what is left");
	if (rc == CLI_INTERRUPT)
		goto out;
	if (get_record(&x, p, saved, dir, &h, &hid) != CLI_OK)
		rc = CLI_FAIL;
	if (x.json && h != NULL && hid > 0) {
		struct history_run hr;

		if (history_get(h, hid, &hr, err, sizeof err) == HISTORY_OK) {
			char *js = history_run_json(&hr, true);

			if (js != NULL) {
				out_json_raw(stdout, js);
				fputc('\n', stdout);
			}
			free(js);
			history_run_done(&hr);
		}
	} else if (!x.json)
		get_print(p, saved, hid, dir);
out:
	history_close(h);
	client_saved_free(saved);
	prediction_free(p);
	ctx_close(&x);
	session_signals_restore();
	return rc;
}

static const struct cli_opt get_opts[] = {
	{ "--output-dir", "DIR", "where its outputs go (default: the "
	    "config's output_dir or ., then the prediction id)", 0,
	    CLI_COMP_DIR, NULL },
	{ "--json", NULL, "print the recorded run as JSON", 0, CLI_COMP_NONE,
	    NULL },
	CLI_OPT_API_BASE,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_get = {
	"get", "ID", 1, 1, CLI_COMP_NONE,
	"fetch a Replicate prediction, save its outputs, record it",
	"Fetches the prediction ID from Replicate, saves its file outputs "
	"and its record (run.json, output.txt, output.json) into a folder, "
	"and records it in the history. Replicate keeps inputs, outputs and "
	"logs of API runs for one hour; after that only the record r8play "
	"made is left. Exit status: 0 ok, 1 failed, 2 usage, 130 "
	"interrupted.",
	get_opts, get_run
};
