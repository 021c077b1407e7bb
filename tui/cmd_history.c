/*
 * tui/cmd_history.c: the history commands of the command line.
 *   r8play history [--json] [--model M] [--status S] [--target T]
 *                  [--search TEXT] [--limit N]      runs, newest first
 *   r8play history show ID [--json]                 one run in full (ID: the
 *                                                   run number or its
 *                                                   prediction id)
 *   r8play get ID [--output-dir D] [--json]         fetch a Replicate
 *                                                   prediction, save its
 *                                                   outputs, record it
 * The history is client/history/ (SQLite); this file only parses options
 * and prints. Untrusted text is sanitised; the API token is never printed
 * and is scrubbed from what is recorded.
 */
#include "tui/cli.h"

#include <errno.h>
#include <poll.h>
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
#include "widgets/tw.h"

#define HIST_DEFAULT_LIMIT	50
#define HIST_MODEL_COLS		32
#define HIST_PATH_MAX		4096

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* ---- printing */

static void
put_flat(FILE *fp, const char *s)
{
	char buf[1024 * TW_EXPAND + 1];

	if (s == NULL)
		return;
	tw_sanitize(s, strlen(s), buf, sizeof buf, 1);
	fputs(buf, fp);
}

/* Sanitised text, newlines kept, every line after the first indented. */
static void
put_block(FILE *fp, const char *s, const char *ind)
{
	char buf[4096 * TW_EXPAND + 1];
	size_t n;

	while (s != NULL && *s != '\0') {
		n = strcspn(s, "\r\n");
		if (n > 4096)
			n = 4096;
		tw_sanitize(s, n, buf, sizeof buf, 1);
		fputs(ind, fp);
		fputs(buf, fp);
		fputc('\n', fp);
		s += n;
		if (*s == '\r' || *s == '\n')
			s++;
	}
}

static void
die_msg(const char *msg)
{
	fputs("r8play: ", stderr);
	put_flat(stderr, msg);
	fputc('\n', stderr);
}

static bool
is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

static void
help(const char *name, const char *more)
{
#define X(n, fn, usage, summary)					\
	if (strcmp(name, n) == 0)					\
		printf("usage: r8play %s\n%s\n", usage, summary);
	CLI_COMMANDS(X)
#undef X
	fputs(more, stdout);
}

/* The value of an option taking one (--opt V or --opt=V); NULL if not. */
static const char *
opt_val(int argc, char **argv, int *i, const char *name, bool *bad)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*bad = true;
		return NULL;
	}
	return argv[++*i];
}

static int
open_history(struct history **h)
{
	char err[1024];

	if (history_open(NULL, h, err, sizeof err) != HISTORY_OK) {
		die_msg(err);
		return -1;
	}
	return 0;
}

/* ---- history */

static void
print_row(const struct history_run *r)
{
	char buf[256], when[20];
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
	tw_fit(when, 16, buf, sizeof buf, 1);
	fputs(buf, stdout);
	fputs("  ", stdout);
	tw_fit(r->status != NULL ? r->status : "-", 10, buf, sizeof buf, 1);
	fputs(buf, stdout);
	fputs("  ", stdout);
	tw_fit(r->model != NULL ? r->model : "-", HIST_MODEL_COLS, buf,
	    sizeof buf, 1);
	fputs(buf, stdout);
	fputs("  ", stdout);
	tw_fit(history_target_name(r->target_kind), 9, buf, sizeof buf, 1);
	fputs(buf, stdout);
	fputs("  ", stdout);
	put_flat(stdout, r->remote_id != NULL ? r->remote_id : "-");
	fputc('\n', stdout);
}

static int
history_list_cmd(int argc, char **argv)
{
	struct history_filter f;
	struct history_list l;
	struct history *h;
	char err[1024], *js;
	bool json = false, bad = false;
	const char *v;
	size_t i;
	int k;

	memset(&f, 0, sizeof f);
	f.limit = HIST_DEFAULT_LIMIT;
	for (k = 1; k < argc; k++) {
		if (is_help(argv[k])) {
			help("history", "\n  --model M     only runs of model "
			    "M (owner/name)\n  --status S    only runs in "
			    "status S (succeeded, failed, ...)\n  --target T  "
			    "  replicate, server, container, or a URL\n"
			    "  --search TEXT runs whose model, id, input, "
			    "output or error has TEXT\n  --limit N     at most "
			    "N runs (default 50)\n  --json        one JSON "
			    "array\n  show ID       one run in full\n"
			    "history: $R8PLAY_DATA_DIR/history.db, else "
			    "$XDG_DATA_HOME/r8play/history.db\n");
			return EXIT_OK;
		}
		if (strcmp(argv[k], "--json") == 0)
			json = true;
		else if ((v = opt_val(argc, argv, &k, "--model", &bad)))
			f.model = v;
		else if ((v = opt_val(argc, argv, &k, "--status", &bad)))
			f.status = v;
		else if ((v = opt_val(argc, argv, &k, "--target", &bad)))
			f.target = v;
		else if ((v = opt_val(argc, argv, &k, "--search", &bad)))
			f.text = v;
		else if ((v = opt_val(argc, argv, &k, "--limit", &bad))) {
			char *end;
			long n = strtol(v, &end, 10);

			if (*end != '\0' || n <= 0 || n > HISTORY_MAX_LIST)
				return cli_usage("history");
			f.limit = (size_t)n;
		} else
			return cli_usage("history");
		if (bad)
			return cli_usage("history");
	}
	if (open_history(&h) != 0)
		return EXIT_FAIL;
	if (history_list(h, &f, &l, err, sizeof err) != HISTORY_OK) {
		die_msg(err);
		history_close(h);
		return EXIT_FAIL;
	}
	if (json) {
		fputs("[", stdout);
		for (i = 0; i < l.n; i++) {
			if ((js = history_run_json(&l.runs[i], false)) == NULL)
				break;
			fputs(i > 0 ? ",\n" : "", stdout);
			fputs(js, stdout);
			free(js);
		}
		fputs("]\n", stdout);
	} else {
		if (l.n == 0)
			fputs("r8play: no runs recorded yet\n", stderr);
		for (i = 0; i < l.n; i++)
			print_row(&l.runs[i]);
	}
	history_list_done(&l);
	history_close(h);
	return EXIT_OK;
}

/* A field line "label: value" (value sanitised), skipped when NULL. */
static void
field(const char *label, const char *v)
{
	if (v == NULL)
		return;
	printf("%-13s ", label);
	put_flat(stdout, v);
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
	put_flat(stdout, r->target);
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
	json_block("input", r->input_json);
	json_block("metrics", r->metrics_json);
	json_block("output", r->output_json);
	json_block("files", r->saved_json);
	if (r->logs != NULL && r->logs[0] != '\0') {
		fputs("logs:\n", stdout);
		put_block(stdout, r->logs, "  ");
	}
}

static int
history_show_cmd(int argc, char **argv)
{
	struct history_run r;
	struct history *h;
	const char *id = NULL;
	char err[1024], *end, *js;
	bool json = false;
	enum history_rc rc;
	long long n;
	int k;

	for (k = 2; k < argc; k++) {
		if (is_help(argv[k])) {
			help("history", "\nshow ID: ID is the run number of "
			    "`r8play history` or a prediction id\n");
			return EXIT_OK;
		}
		if (strcmp(argv[k], "--json") == 0)
			json = true;
		else if (argv[k][0] == '-' || id != NULL)
			return cli_usage("history");
		else
			id = argv[k];
	}
	if (id == NULL)
		return cli_usage("history");
	if (open_history(&h) != 0)
		return EXIT_FAIL;
	errno = 0;
	n = strtoll(id, &end, 10);
	if (*end == '\0' && errno == 0 && n > 0)
		rc = history_get(h, n, &r, err, sizeof err);
	else
		rc = history_get_remote(h, NULL, id, &r, err, sizeof err);
	if (rc != HISTORY_OK) {
		die_msg(err);
		history_close(h);
		return EXIT_FAIL;
	}
	if (json) {
		js = history_run_json(&r, true);
		if (js != NULL) {
			fputs(js, stdout);
			fputc('\n', stdout);
		}
		free(js);
	} else
		show_run(&r);
	history_run_done(&r);
	history_close(h);
	return EXIT_OK;
}

int
cmd_history(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return history_show_cmd(argc, argv);
	return history_list_cmd(argc, argv);
}

/* ---- get */

struct wait {
	unsigned id;
	bool	 done;
	struct client_event got;
};

static void
on_event(struct client_event *ev, void *arg)
{
	struct wait *w = arg;

	if (ev->id != w->id || ev->kind == CLIENT_EV_PROGRESS)
		return;
	w->got = *ev;
	/* take the payloads get needs; the client frees the rest */
	ev->prediction = NULL;
	ev->saved = NULL;
	w->got.err = NULL;
	w->done = true;
}

static bool
is_done(void *arg)
{
	return ((struct wait *)arg)->done;
}

/* Wait for request id; 0 when it came (w->got), -1 with err otherwise. */
static int
wait_id(struct client *c, unsigned id, struct wait *w, char *err,
    size_t errsz)
{
	memset(w, 0, sizeof *w);
	w->id = id;
	if (client_run_until(c, is_done, w, on_event, w, NULL, 0, -1, err,
	    errsz) != CLIENT_OK)
		return -1;
	if (w->got.kind == CLIENT_EV_ERROR) {
		snprintf(err, errsz, "%s", client_strerror(w->got.rc));
		return -1;
	}
	return 0;
}

static struct client *
get_client(struct config *cfg, const char *api_base, char *err,
    size_t errsz)
{
	struct client_config cc;

	if (config_load(cfg, true, err, errsz) != CLIENT_OK)
		return NULL;
	client_config_defaults(&cc);
	cc.api_base = api_base != NULL ? api_base : config_api_base(cfg);
	cc.token = config_token(cfg);
	cc.output_dir = cfg->output_dir;
	if (cc.token == NULL) {
		snprintf(err, errsz, "no API token: set REPLICATE_API_TOKEN "
		    "or put `token = ...` in the config file (mode 0600)");
		return NULL;
	}
	return client_new(&cc, err, errsz);
}

int
cmd_get(int argc, char **argv)
{
	char err[CLIENT_ERR_MAX * 2], dir[HIST_PATH_MAX], herr[1024];
	const char *id = NULL, *outdir = NULL, *api_base = NULL, *v;
	const char *token_vals[1];
	struct history_secrets sec = { NULL, 0, token_vals, 0 };
	struct client_saved *saved = NULL;
	struct prediction *p = NULL;
	struct history *h = NULL;
	struct record_run rr;
	struct record_files rf;
	struct config cfg;
	struct client *c;
	struct wait w;
	bool json = false, bad = false;
	long long hid = 0;
	unsigned rq;
	int k, rc = EXIT_FAIL;

	memset(&cfg, 0, sizeof cfg);
	for (k = 1; k < argc; k++) {
		if (is_help(argv[k])) {
			help("get", "\n  --output-dir D  where to save its "
			    "outputs (default: the config's output_dir or .,\n"
			    "                  then the prediction id)\n"
			    "  --json          print the recorded run as JSON\n"
			    "Replicate keeps inputs, outputs and logs of API "
			    "runs for one hour;\nafter that only the record "
			    "r8play made is left.\n");
			return EXIT_OK;
		}
		if (strcmp(argv[k], "--json") == 0)
			json = true;
		else if ((v = opt_val(argc, argv, &k, "--output-dir", &bad)))
			outdir = v;
		else if ((v = opt_val(argc, argv, &k, "--api-base", &bad)))
			api_base = v;
		else if (argv[k][0] == '-' || id != NULL)
			return cli_usage("get");
		else
			id = argv[k];
		if (bad)
			return cli_usage("get");
	}
	if (id == NULL)
		return cli_usage("get");
	if ((c = get_client(&cfg, api_base, err, sizeof err)) == NULL) {
		die_msg(err);
		config_done(&cfg);
		return EXIT_FAIL;
	}
	if (config_token(&cfg) != NULL) {
		token_vals[0] = config_token(&cfg);
		sec.n_values = 1;
	}
	rq = replicate_prediction_get(c, id, err, sizeof err);
	if (rq == 0 || wait_id(c, rq, &w, err, sizeof err) != 0) {
		fputs("r8play: get ", stderr);
		put_flat(stderr, id);
		fputs(": ", stderr);
		put_flat(stderr, err);
		fputc('\n', stderr);
		goto out;
	}
	p = w.got.prediction;
	if (p == NULL) {
		die_msg("get: the server sent no prediction");
		goto out;
	}
	if (outdir != NULL)
		snprintf(dir, sizeof dir, "%s", outdir);
	else
		snprintf(dir, sizeof dir, "%s/%s", cfg.output_dir != NULL ?
		    cfg.output_dir : ".", p->id != NULL ? p->id : id);
	rc = EXIT_OK;
	/* outputs while they exist (Replicate removes them after an hour) */
	if (p->status == PREDICTION_SUCCEEDED && !p->data_removed) {
		size_t i, nfiles = 0;

		for (i = 0; i < p->n_outputs; i++)
			if (p->outputs[i].kind != PREDICTION_OUTPUT_TEXT)
				nfiles++;
		if (nfiles > 0) {
			rq = outputs_save(c, p, dir, err, sizeof err);
			if (rq == 0 || wait_id(c, rq, &w, err, sizeof err) !=
			    0) {
				die_msg(err);
				rc = EXIT_FAIL;
			} else
				saved = w.got.saved;
		}
	} else if (p->data_removed)
		fputs("r8play: its inputs and outputs were removed by "
		    "Replicate; recording what is left\n", stderr);
	memset(&rr, 0, sizeof rr);
	rr.p = p;
	rr.target_kind = HISTORY_TARGET_REPLICATE;
	rr.target = client_api_base(c);
	rr.saved = saved != NULL ? (const char *const *)saved->paths : NULL;
	rr.n_saved = saved != NULL ? saved->n : 0;
	rr.dir = dir;
	rr.cost = -1;
	rr.sec = &sec;
	if (record_save(&rr, &rf, err, sizeof err) != 0) {
		die_msg(err);
		rc = EXIT_FAIL;
	} else
		record_files_done(&rf);
	if (history_open(NULL, &h, herr, sizeof herr) != HISTORY_OK)
		die_msg(herr);	/* go on: the folder has the record */
	else if (record_history(h, &rr, &hid, herr, sizeof herr) !=
	    HISTORY_OK)
		die_msg(herr);
	if (json && h != NULL && hid > 0) {
		struct history_run hr;

		if (history_get(h, hid, &hr, herr, sizeof herr) == HISTORY_OK) {
			char *js = history_run_json(&hr, true);

			if (js != NULL)
				printf("%s\n", js);
			free(js);
			history_run_done(&hr);
		}
	} else if (!json) {
		char *t = record_text(p->output_json, NULL);
		size_t i;

		fputs("r8play: prediction ", stderr);
		put_flat(stderr, p->id);
		fprintf(stderr, " %s", prediction_status_name(p->status));
		if (hid > 0)
			fprintf(stderr, ", recorded as run %lld", hid);
		fputc('\n', stderr);
		if (p->error != NULL)
			field("error:", p->error);
		if (saved != NULL && saved->n > 0) {
			for (i = 0; i < saved->n; i++) {
				put_flat(stdout, saved->paths[i]);
				fputc('\n', stdout);
			}
		} else if (t != NULL && p->output_json != NULL)
			put_block(stdout, t, "");
		free(t);
		fputs("r8play: record in ", stderr);
		put_flat(stderr, dir);
		fputc('\n', stderr);
	}
out:
	history_close(h);
	client_saved_free(saved);
	prediction_free(p);
	client_free(c);
	config_done(&cfg);
	return rc;
}
