/*
 * tui/cli/run_local.c: `r8play run --local URL -i key=value ...` against a Cog
 * server (which serves one model, so no name). Waits for setup, reads
 * /openapi.json to type the inputs (client/forms/form.h), runs the prediction
 * with a client-chosen id, streams its logs to stderr (webhooks into our
 * listener), saves file outputs, prints text output and the saved paths.
 * Ctrl-C cancels the prediction on the server before exiting. The client
 * used here carries no API token: nothing of the token can reach a local
 * server or its output.
 */
#include "tui/cli/run_local.h"

#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/net/client.h"
#include "client/cog/cog.h"
#include "client/forms/form.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/forms/schema.h"
#include "tui/cli/logs.h"
#include "tui/cli/out.h"
#include "tui/cli/runrec.h"
#include "tui/cli/session.h"
#include "tui/cli/stream.h"

#define LOCAL_WAIT_READY_S	300	/* setup may download weights */
#define LOCAL_POLL_MS		500
#define LOCAL_CANCEL_WAIT_MS	15000	/* after Ctrl-C, for the server */

struct local {
	struct session s;	/* the client, the signal pipe, the waits */
	struct client *c;	/* s.c */
	struct cog *g;
	bool	 json, quiet_logs, raw;
	enum client_rc rc;
	long	 http_status;
	char	 err[COG_MAX_MESSAGE];
	char	*body;
	size_t	 body_len;
	void	*data;
	struct prediction *pred;
	struct client_saved *saved;
	/* the prediction's live view */
	unsigned pred_op;
	char	 id[COG_MAX_ID + 1];
	struct log_cursor logs;
	enum prediction_status shown_status;
	struct runrec rec;	/* its history row, from creation on */
	struct out_stream stream;	/* text output as it comes */
	const struct schema *schema;	/* may be NULL */
	const char *input;	/* the input JSON sent (borrowed) */
};

/* Monotonic milliseconds, for the READY wait. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
/* The prediction's new log lines on stderr (not with --json --quiet). */
static void
show_logs(struct local *st, const struct prediction *p)
{
	if (st->quiet_logs)
		return;
	if (p->logs_len > st->logs.printed)
		out_stream_break(&st->stream);
	log_cursor_feed(&st->logs, stderr, "run", p->logs, p->logs_len);
}

/*
 * A status change on stderr (once per status), and the progress the logs
 * carry (a tqdm bar's n/total).
 */
static void
show_status(struct local *st, const struct prediction *p)
{
	int done, total;
	double pct;

	/* a failure is said once, with its error, when the run ends, and
	 * success with its time (report_success) */
	if (p->status != st->shown_status && p->status != PREDICTION_FAILED &&
	    p->status != PREDICTION_SUCCEEDED) {
		st->shown_status = p->status;
		out_stream_break(&st->stream);
		fprintf(stderr, "r8play run: %s %s\n", st->id,
		    prediction_status_name(p->status));
	}
	if (prediction_progress(p, &done, &total, &pct) && total > 0)
		fprintf(stderr, "r8play run: progress %d/%d (%.0f%%)\n", done,
		    total, pct);
}

/* Text output so far to stdout (file outputs wait for the end). */
static void
stream_text(struct local *st, const struct prediction *p)
{
	char *text;
	size_t i;

	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind != PREDICTION_OUTPUT_TEXT ||
		    p->outputs[i].value[0] == '/')
			return;
	if (st->schema != NULL && (st->schema->output.kind ==
	    SCHEMA_OUT_FILE || st->schema->output.kind == SCHEMA_OUT_FILES))
		return;
	text = cog_output_text(p, st->schema);
	out_stream_feed(&st->stream, text);
	free(text);
}

/* session progress callback: the prediction changed */
static void
on_progress(const struct client_event *ev, void *arg)
{
	struct local *st = arg;

	if (ev->prediction == NULL)
		return;
	/* logs and output first: a status line closes what led to it */
	if (ev->changed & CLIENT_CHANGED_LOGS)
		show_logs(st, ev->prediction);
	runrec_update(&st->rec, ev->prediction);
	if (!st->json && (ev->changed & CLIENT_CHANGED_OUTPUT))
		stream_text(st, ev->prediction);
	if (ev->changed & CLIENT_CHANGED_STATUS)
		show_status(st, ev->prediction);
}

/*
 * Free what the last event handed over (body, health, prediction, saved
 * files) before the next request.
 */
static void
result_reset(struct local *st)
{
	free(st->body);
	st->body = NULL;
	st->body_len = 0;
	if (st->data != NULL)
		cog_health_free(st->data);	/* only health carries data */
	st->data = NULL;
	prediction_free(st->pred);
	st->pred = NULL;
	client_saved_free(st->saved);
	st->saved = NULL;
	st->err[0] = '\0';
	st->rc = CLIENT_OK;
}

/*
 * Wait for request id (already started) to end and take what its event
 * carried. Returns 0, 1 when a signal arrived first (the request is still
 * running), -1 on a loop error or after timeout_ms.
 */
static int
wait_for(struct local *st, unsigned id, int timeout_ms)
{
	struct client_event *g = &st->s.got;
	int w = session_wait(&st->s, id, timeout_ms, true);

	snprintf(st->err, sizeof st->err, "%s", st->s.err);
	if (w < 0)
		st->rc = st->s.wait_rc;
	if (w != 0)
		return w;
	st->rc = session_rc(&st->s);
	st->http_status = g->http_status;
	st->body = g->body;
	st->body_len = g->body_len;
	g->body = NULL;
	st->data = g->data;
	g->data = NULL;
	st->pred = g->prediction;
	g->prediction = NULL;
	st->saved = g->saved;
	g->saved = NULL;
	return 0;
}

/* Wait for the server to finish setup; returns an exit status or -1. */
static int
wait_ready(struct local *st, int wait_s)
{
	long long end = now_ms() + (long long)wait_s * 1000;
	bool said = false;

	for (;;) {
		struct cog_health *h;
		unsigned id;
		char err[256];
		int w;

		result_reset(st);
		id = cog_health_get(st->g, err, sizeof err);
		if (id == 0) {
			out_err("run", "%s", err);
			return CLI_FAIL;
		}
		w = wait_for(st, id, -1);
		if (w == 1)
			return CLI_INTERRUPT;
		if (w < 0 || st->rc != CLIENT_OK) {
			out_err("run", "%s", st->err);
			return CLI_FAIL;
		}
		h = st->data;
		switch (h->state) {
		case COG_HEALTH_READY:
			return -1;
		case COG_HEALTH_UNHEALTHY:
			fputs("r8play run: warning: the server reports UNHEALTHY",
			    stderr);
			if (h->user_healthcheck_error != NULL) {
				fputs(": ", stderr);
				out_text(stderr, h->user_healthcheck_error,
				    strlen(h->user_healthcheck_error));
			}
			fputs(" (running anyway)\n", stderr);
			return -1;
		case COG_HEALTH_SETUP_FAILED:
			fputs("r8play run: the model's setup failed "
			    "(SETUP_FAILED)\n", stderr);
			if (h->setup_logs != NULL)
				out_text(stderr, h->setup_logs,
				    strlen(h->setup_logs));
			return CLI_FAIL;
		case COG_HEALTH_DEFUNCT:
			fputs("r8play run: the server's worker died (DEFUNCT); "
			    "restart it\n", stderr);
			return CLI_FAIL;
		default:
			break;
		}
		if (now_ms() >= end) {
			fprintf(stderr, "r8play run: the server is still %s after "
			    "%d s\n", cog_health_name(h->state), wait_s);
			return CLI_FAIL;
		}
		if (!said) {
			fprintf(stderr, "r8play run: waiting for the server "
			    "(%s)...\n", cog_health_name(h->state));
			said = true;
		}
		/* sleep, but wake for Ctrl-C */
		{
			struct pollfd pfd = { session_signal_fd(), POLLIN, 0 };

			if (poll(&pfd, 1, LOCAL_POLL_MS) > 0) {
				session_signals_drain();
				return CLI_INTERRUPT;
			}
		}
	}
}

/* "ADDR[:PORT]" / "[v6]:PORT" / ":PORT" into the listener config. */
static int
parse_listen(const char *s, struct listener_config *lc, char *addr,
    size_t addrsz)
{
	const char *colon;
	char *end;
	long port = 0;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || (size_t)(rb - s - 1) >= addrsz)
			return -1;
		memcpy(addr, s + 1, (size_t)(rb - s - 1));
		addr[rb - s - 1] = '\0';
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb[1] != '\0' && colon == NULL)
			return -1;
	} else {
		colon = strrchr(s, ':');
		if (colon != NULL && strchr(s, ':') != colon)
			colon = NULL;	/* a bare v6 address */
		if ((size_t)(colon ? colon - s : (long)strlen(s)) >= addrsz)
			return -1;
		snprintf(addr, addrsz, "%.*s",
		    (int)(colon ? colon - s : (long)strlen(s)), s);
	}
	if (colon != NULL) {
		port = strtol(colon + 1, &end, 10);
		if (*end != '\0' || port < 0 || port > 65535)
			return -1;
	}
	lc->bind_addr = addr[0] ? addr : NULL;
	lc->port = (unsigned)port;
	return 0;
}

/*
 * --json: the finished prediction as one object (id, status, output, error,
 * the files saved, predict time and logs).
 */
static void
print_json_result(const struct prediction *p, const struct client_saved *sv)
{
	size_t i;

	fputs("{\"id\":", stdout);
	out_json_str(stdout, p->id);
	fputs(",\"status\":", stdout);
	out_json_str(stdout, prediction_status_name(p->status));
	fputs(",\"output\":", stdout);
	out_json_raw(stdout, p->output_json);
	fputs(",\"error\":", stdout);
	out_json_str(stdout, p->error);
	fputs(",\"files\":[", stdout);
	for (i = 0; sv != NULL && i < sv->n; i++) {
		if (i > 0)
			fputc(',', stdout);
		out_json_str(stdout, sv->paths[i]);
	}
	fputs("]", stdout);
	if (p->metrics.predict_time >= 0)
		printf(",\"metrics\":{\"predict_time\":%.6f}",
		    p->metrics.predict_time);
	fputs(",\"logs\":", stdout);
	out_json_str(stdout, p->logs ? p->logs : "");
	fputs("}\n", stdout);
}

/* Build the input object: typed per the schema when there is one. */
static int
build_input(struct local *st, const struct schema *s, const char **pairs,
    size_t n, char **json)
{
	char err[COG_MAX_MESSAGE];
	size_t i;

	*json = NULL;
	if (s == NULL) {
		if (cog_input_build(pairs, n, json, err,
		    sizeof err) != CLIENT_OK) {
			out_err("run", "%s", err);
			return -1;
		}
		return 0;
	} else {
		struct form *f = form_new_from_schema(s);
		int rc = 0;

		if (f == NULL) {
			fputs("r8play run: out of memory\n", stderr);
			return -1;
		}
		for (i = 0; i < n && rc == 0; i++)
			if (form_set_arg(f, pairs[i], err, sizeof err) != 0) {
				fputs("r8play run: ", stderr);
				out_text(stderr, err, strlen(err));
				fputc('\n', stderr);
				rc = -1;
			}
		if (rc == 0 && form_request(f, FORM_REQ_INLINE_ALL, NULL, NULL,
		    json, err, sizeof err) != 0) {
			fputs("r8play run: ", stderr);
			out_text(stderr, err, strlen(err));
			fputc('\n', stderr);
			rc = -1;
		}
		form_free(f);
		(void)st;
		return rc;
	}
}

/*
 * The run as the server last told it, or, when it told nothing (it
 * refused the request, the connection broke), what we know: its id, its
 * input, the error.
 */
static void
record_failure(struct local *st, bool interrupted, const char *outdir)
{
	struct prediction p;
	char msg[sizeof st->err];

	if (st->pred != NULL) {
		if (st->pred->id == NULL)
			st->pred->id = strdup(st->id);
		runrec_finish(&st->rec, st->pred, NULL, outdir);
		return;
	}
	memset(&p, 0, sizeof p);
	p.id = st->id;
	p.status = interrupted && st->rc == CLIENT_ECANCEL ?
	    PREDICTION_CANCELED : PREDICTION_FAILED;
	p.input_json = (char *)(uintptr_t)st->input;
	p.error = (char *)(uintptr_t)client_emit_error(msg, sizeof msg,
	    st->rc, st->err, NULL);
	p.metrics.predict_time = p.metrics.total_time = -1;
	p.metrics.input_token_count = p.metrics.output_token_count = -1;
	runrec_finish(&st->rec, &p, NULL, outdir);
}

/* Report a failed prediction; returns the exit status. */
static int
report_failure(struct local *st, bool interrupted)
{
	if (st->pred != NULL)
		show_logs(st, st->pred);
	if (st->json && st->pred != NULL)
		print_json_result(st->pred, NULL);
	fputs("r8play run: ", stderr);
	out_text(stderr, st->err, strlen(st->err));
	fputc('\n', stderr);
	if (st->http_status == 422 && st->body != NULL) {
		const char *lines[64];
		char buf[8192];
		size_t n = cog_validation_lines(st->body, st->body_len, buf,
		    sizeof buf, lines, 64), i;

		for (i = 0; i < n; i++)
		{
			fputs("  - ", stderr);
			out_flat(stderr, lines[i]);
			fputc('\n', stderr);
		}
	}
	if (st->rc == CLIENT_ECANCEL && interrupted)
		return CLI_INTERRUPT;
	return st->rc == CLIENT_EINVAL ? CLI_USAGE : CLI_FAIL;
}

/* The prediction succeeded: save files, print text and paths. */
static int
report_success(struct local *st, const struct schema *s, const char *outdir)
{
	struct prediction *p = st->pred;
	struct client_saved *sv = NULL;
	char err[CLIENT_ERR_MAX], *text;
	unsigned id;
	size_t i;
	int status = CLI_OK;

	st->pred = NULL;
	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind == PREDICTION_OUTPUT_TEXT &&
		    p->outputs[i].value[0] == '/' && s != NULL &&
		    (s->output.kind == SCHEMA_OUT_FILE ||
		    s->output.kind == SCHEMA_OUT_FILES)) {
			fputs("r8play run: warning: output ", stderr);
			out_text(stderr, p->outputs[i].value,
			    strlen(p->outputs[i].value));
			fputs(" is a path inside the server (async outputs "
			    "need cog's --upload-url)\n", stderr);
		}
	id = outputs_save(st->c, p, outdir, err, sizeof err);
	if (id == 0) {
		out_err("run", "%s", err);
		status = CLI_FAIL;
	} else {
		result_reset(st);
		if (wait_for(st, id, -1) != 0) {
			fputs("r8play run: interrupted while saving\n", stderr);
			status = CLI_INTERRUPT;
		}
		sv = st->saved;
		st->saved = NULL;
		if (status == CLI_OK && st->rc != CLIENT_OK) {
			fputs("r8play run: ", stderr);
			out_text(stderr, st->err, strlen(st->err));
			fputc('\n', stderr);
			status = CLI_FAIL;
		}
	}
	if (st->json) {
		print_json_result(p, sv);
	} else {
		text = cog_output_text(p, s);
		out_stream_end(&st->stream, text);
		free(text);
		for (i = 0; sv != NULL && i < sv->n; i++) {
			out_text(stdout, sv->paths[i], strlen(sv->paths[i]));
			fputc('\n', stdout);
		}
	}
	show_logs(st, p);	/* the last lines, after the output they follow */
	if (p->metrics.predict_time >= 0)
		fprintf(stderr, "r8play run: %s succeeded in %.2f s\n", st->id,
		    p->metrics.predict_time);
	else
		fprintf(stderr, "r8play run: %s succeeded\n", st->id);
	fflush(stdout);
	if (p->id == NULL)
		p->id = strdup(st->id);
	runrec_finish(&st->rec, p, sv, outdir);
	client_saved_free(sv);
	prediction_free(p);
	return status;
}

/* What the command line asked for. */
struct local_args {
	const char	*url, *outdir, *pid;
	const char	**pairs;
	size_t		 npairs;
	int		 wait_s;
	bool		 async, webhooks, use_schema;
	struct listener_config listener;
	char		 addr[128];
};

/*
 * The options of `run --local URL` into *la: usage errors for what only
 * Replicate takes, the webhook listener's address, and the -i pairs in
 * order (la->pairs is the caller's to free).
 */
static int
local_args_read(const struct cli_args *a, struct local_args *la)
{
	const char *v;
	size_t i;

	memset(la, 0, sizeof *la);
	la->url = cli_value(a, "--local");
	la->outdir = cli_value(a, "--output-dir");
	la->pid = cli_value(a, "--id");
	la->async = cli_flag(a, "--async");
	la->webhooks = !cli_flag(a, "--no-webhooks");
	la->use_schema = !cli_flag(a, "--no-schema");
	la->wait_s = LOCAL_WAIT_READY_S;
	if ((v = cli_value(a, "--wait-ready")) != NULL)
		la->wait_s = atoi(v);
	if (cli_value(a, "--wait") != NULL)
		return cli_usage_error(a->cmd, "--wait is for Replicate; "
		    "--local uses --wait-ready");
	la->listener.advertise_host = getenv("R8PLAY_WEBHOOK_HOST");
	if ((v = cli_value(a, "--advertise")) != NULL)
		la->listener.advertise_host = v;
	if ((v = cli_value(a, "--listen")) != NULL &&
	    parse_listen(v, &la->listener, la->addr, sizeof la->addr) != 0)
		return cli_usage_error(a->cmd, "--listen wants ADDR[:PORT]");
	if (la->async && !la->webhooks)
		return cli_usage_error(a->cmd, "--async needs the webhooks");
	la->pairs = calloc(a->nargs + 1, sizeof *la->pairs);
	if (la->pairs == NULL)
		return CLI_FAIL;
	for (i = 0; i < a->nargs; i++)
		if (cli_is(&a->args[i], "-i"))
			la->pairs[la->npairs++] = a->args[i].value;
	return 0;
}

/* The session (no token), the Cog handle, the server ready. Returns -1 to
 * go on, else the exit status. */
static int
local_connect(struct local *st, const struct local_args *la)
{
	struct session_opts so;
	struct cog_config gc;
	char err[COG_MAX_MESSAGE];

	memset(&so, 0, sizeof so);
	so.no_token = true;	/* a local server never sees it */
	so.output_dir = la->outdir;
	if (session_open(&st->s, "run", &so) != 0)
		return CLI_FAIL;
	st->c = st->s.c;
	st->s.on_progress = on_progress;
	st->s.progress_arg = st;
	memset(&gc, 0, sizeof gc);
	gc.listener = la->listener;
	gc.base = la->url;
	gc.webhooks = la->webhooks;
	st->g = cog_new(st->c, &gc, err, sizeof err);
	if (st->g == NULL) {
		out_err("run", "%s", err);
		return strstr(err, "not an http") ? CLI_USAGE : CLI_FAIL;
	}
	return wait_ready(st, la->wait_s);
}

/* The server's schema into *schema; false when there is none usable. */
static int
local_schema(struct local *st, struct schema *schema, bool *have)
{
	char err[COG_MAX_MESSAGE];
	unsigned id;
	int w;

	*have = false;
	result_reset(st);
	err[0] = '\0';
	id = cog_openapi_get(st->g, err, sizeof err);
	w = id ? wait_for(st, id, -1) : -1;
	if (w == 1)
		return CLI_INTERRUPT;
	if (w == 0 && st->rc == CLIENT_OK &&
	    schema_parse(st->body, st->body_len, schema, err, sizeof err) == 0)
		*have = true;
	else {
		fputs("r8play run: warning: no usable /openapi.json (", stderr);
		out_flat(stderr, st->err[0] ? st->err : err);
		fputs("); inputs are sent as strings\n", stderr);
	}
	return -1;
}

/* Wait for the prediction to end; Ctrl-C cancels it on the server.
 * Returns -1 when it ended (st->pred / st->rc say how), else a status. */
static int
local_follow(struct local *st, bool *interrupted)
{
	char err[COG_MAX_MESSAGE];
	int w;

	for (;;) {
		w = wait_for(st, st->pred_op, *interrupted ?
		    LOCAL_CANCEL_WAIT_MS : -1);
		if (w == 0)
			return -1;
		if (w < 0) {
			out_err("run", "%s", *interrupted ?
			    "the server did not confirm the cancel" : st->err);
			return *interrupted ? CLI_INTERRUPT : CLI_FAIL;
		}
		if (*interrupted || session_signal_count() > 1) {
			fputs("r8play run: interrupted again; leaving\n",
			    stderr);
			return CLI_INTERRUPT;
		}
		*interrupted = true;
		fprintf(stderr, "r8play run: canceling %s on the server...\n",
		    st->id);
		if (cog_cancel(st->g, st->id, err, sizeof err) == 0)
			out_err("run", "%s", err);
		/* the cancel's own answer is not waited for: the
		 * prediction's end says it all */
	}
}

/* Start the prediction, follow it, report. Returns the exit status. */
static int
local_predict(struct local *st, const struct local_args *la,
    const struct schema *s, const char *input)
{
	struct cog_predict_opts po;
	char err[COG_MAX_MESSAGE];
	bool interrupted = false;
	int status;

	result_reset(st);
	memset(&po, 0, sizeof po);
	po.id = la->pid;
	po.input_json = input;
	po.async = la->async;
	st->pred_op = cog_predict(st->g, &po, st->id, err, sizeof err);
	if (st->pred_op == 0) {
		out_err("run", "%s", err);
		return CLI_FAIL;
	}
	/* in the history from now on, updated on each state change */
	runrec_init(&st->rec, "run", HISTORY_TARGET_SERVER, cog_base(st->g),
	    NULL, NULL, s);
	st->schema = s;
	st->input = input;
	{
		struct prediction created;

		memset(&created, 0, sizeof created);
		created.id = st->id;
		created.status = PREDICTION_STARTING;
		created.input_json = (char *)(uintptr_t)input;
		created.metrics.predict_time = created.metrics.total_time = -1;
		created.metrics.input_token_count = -1;
		created.metrics.output_token_count = -1;
		runrec_update(&st->rec, &created);
	}
	st->shown_status = PREDICTION_STARTING;
	fprintf(stderr, "r8play run: prediction %s on ", st->id);
	out_flat(stderr, cog_base(st->g));
	fputc('\n', stderr);
	if ((status = local_follow(st, &interrupted)) >= 0)
		return status;
	if (st->rc == CLIENT_OK && st->pred != NULL) {
		status = report_success(st, s, la->outdir);
	} else {
		bool lost = la->async && st->rc == CLIENT_ENET;
		unsigned id;

		status = report_failure(st, interrupted);
		record_failure(st, interrupted, la->outdir);
		if (lost) {
			/* its result cannot reach us: free the server */
			fprintf(stderr, "r8play run: canceling %s on the "
			    "server\n", st->id);
			result_reset(st);
			id = cog_cancel(st->g, st->id, err, sizeof err);
			if (id != 0)
				wait_for(st, id, 5000);
		}
	}
	if (interrupted && status == CLI_OK)
		status = CLI_INTERRUPT;
	return status;
}

int
run_local(const struct cli_args *a)
{
	struct local st;
	struct local_args la;
	struct schema schema;
	bool have_schema = false;
	char *input = NULL;
	int status;

	memset(&st, 0, sizeof st);
	memset(&schema, 0, sizeof schema);
	if ((status = local_args_read(a, &la)) != 0)
		return status;
	st.json = cli_flag(a, "--json");
	st.raw = cli_flag(a, "--raw");
	out_stream_init(&st.stream, stdout, st.raw);
	if (session_signals_install() != 0) {
		out_err("run", "pipe: %s", strerror(errno));
		free(la.pairs);
		return CLI_FAIL;
	}
	if ((status = local_connect(&st, &la)) >= 0)
		goto out;
	if ((status = local_schema(&st, &schema, &have_schema)) >= 0)
		goto out;
	if (build_input(&st, have_schema && la.use_schema ? &schema : NULL,
	    la.pairs, la.npairs, &input) != 0) {
		status = CLI_USAGE;
		goto out;
	}
	status = local_predict(&st, &la, la.use_schema && have_schema ?
	    &schema : NULL, input);
	if (la.addr[0] != '\0' && cog_listener(st.g) != NULL) {
		struct listener_stats ls;

		/* where --listen put the listener, and what came there */
		listener_get_stats(cog_listener(st.g), &ls);
		fprintf(stderr, "r8play run: %lu webhook%s received on %s:%u\n",
		    ls.delivered, ls.delivered == 1 ? "" : "s", la.addr,
		    listener_port(cog_listener(st.g)));
	}
out:
	runrec_done(&st.rec);
	out_stream_done(&st.stream);
	result_reset(&st);
	free(input);
	schema_done(&schema);
	cog_free(st.g);
	session_close(&st.s);
	free(la.pairs);
	session_signals_restore();
	return status;
}
