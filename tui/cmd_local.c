/*
 * tui/cmd_local.c: `r8play run --local URL -i key=value ...` against a Cog
 * server (which serves one model, so no name). Waits for setup, reads
 * /openapi.json to type the inputs (client/forms/form.h), runs the prediction
 * with a client-chosen id, streams its logs to stderr (webhooks into our
 * listener), saves file outputs, prints text output and the saved paths.
 * Ctrl-C cancels the prediction on the server before exiting. The client
 * used here carries no API token: nothing of the token can reach a local
 * server or its output.
 */
#include "tui/cmd_local.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/net/client.h"
#include "client/cog/cog.h"
#include "client/forms/form.h"
#include "client/history/record.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/forms/schema.h"
#include "tui/cli.h"
#include "widgets/tw.h"

#define LOCAL_WAIT_READY_S	300	/* setup may download weights */
#define LOCAL_POLL_MS		500
#define LOCAL_CANCEL_WAIT_MS	15000	/* after Ctrl-C, for the server */

enum local_exit { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2,
    EXIT_INTERRUPT = 130 };

struct local {
	struct client *c;
	struct cog *g;
	bool	 json, quiet_logs;
	/* the request being waited for */
	unsigned waiting;
	bool	 done;
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
	size_t	 logs_printed;
	enum prediction_status shown_status;
};

static int sig_pipe[2] = { -1, -1 };

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
static volatile sig_atomic_t sig_count;

static void
on_signal(int sig)
{
	int saved = errno;
	char b = (char)sig;

	sig_count++;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0)
		(void)0;
	errno = saved;
}

static int
signals_install(void)
{
	struct sigaction sa;
	int i;

	if (pipe(sig_pipe) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void
signals_drain(void)
{
	char b[64];

	while (read(sig_pipe[0], b, sizeof b) > 0)
		;
}

/*
 * Untrusted text to fp with control characters made visible; newlines and
 * tabs are kept. To a file or pipe (not a terminal) when raw is set, the
 * bytes go as they are.
 */
static void
put_text_raw(FILE *fp, const char *s, size_t len, bool raw)
{
	char buf[4096 * TW_EXPAND + 1];

	if (raw && !isatty(fileno(fp))) {
		fwrite(s, 1, len, fp);
		return;
	}
	while (len > 0) {
		size_t n = 0, off = 0;

		while (n < len && s[n] != '\n' && s[n] != '\t')
			n++;
		while (off < n) {
			size_t k = n - off > 4096 ? 4096 : n - off;

			/* never cut a UTF-8 sequence in two */
			while (k < n - off && k > 0 &&
			    ((unsigned char)s[off + k] & 0xc0) == 0x80)
				k--;
			if (k == 0)
				k = n - off > 4096 ? 4096 : n - off;
			tw_sanitize(s + off, k, buf, sizeof buf, 1);
			fputs(buf, fp);
			off += k;
		}
		if (n < len) {
			fputc(s[n], fp);	/* the newline or tab */
			n++;
		}
		s += n;
		len -= n;
	}
}

static void
put_text(FILE *fp, const char *s, size_t len)
{
	put_text_raw(fp, s, len, false);
}

static void
put_json_str(FILE *fp, const char *s)
{
	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(fp, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", fp);
		else if (ch == '\t')
			fputs("\\t", fp);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(fp, "\\u%04x", ch);
		else
			fputc(ch, fp);
	}
	fputc('"', fp);
}

static void
show_logs(struct local *st, const struct prediction *p)
{
	if (st->quiet_logs || p->logs == NULL)
		return;
	if (p->logs_len < st->logs_printed)
		st->logs_printed = 0;	/* the head was cut: start over */
	if (p->logs_len > st->logs_printed) {
		put_text(stderr, p->logs + st->logs_printed,
		    p->logs_len - st->logs_printed);
		st->logs_printed = p->logs_len;
		fflush(stderr);
	}
}

static void
show_status(struct local *st, const struct prediction *p)
{
	int done, total;
	double pct;

	if (p->status != st->shown_status) {
		st->shown_status = p->status;
		fprintf(stderr, "r8play: %s %s\n", st->id,
		    prediction_status_name(p->status));
	}
	if (prediction_progress(p, &done, &total, &pct) && total > 0)
		fprintf(stderr, "r8play: progress %d/%d (%.0f%%)\n", done,
		    total, pct);
}

static void
on_event(struct client_event *ev, void *arg)
{
	struct local *st = arg;

	if (ev->kind == CLIENT_EV_PROGRESS) {
		if (ev->id == st->pred_op && ev->prediction != NULL) {
			if (ev->changed & CLIENT_CHANGED_STATUS)
				show_status(st, ev->prediction);
			if (ev->changed & CLIENT_CHANGED_LOGS)
				show_logs(st, ev->prediction);
		}
		return;
	}
	if (ev->id != st->waiting)
		return;
	st->done = true;
	st->rc = ev->kind == CLIENT_EV_DONE ? CLIENT_OK : ev->rc;
	st->http_status = ev->http_status;
	snprintf(st->err, sizeof st->err, "%s", ev->err ? ev->err : "");
	st->body = ev->body;
	st->body_len = ev->body_len;
	ev->body = NULL;
	st->data = ev->data;
	ev->data = NULL;
	st->pred = ev->prediction;
	ev->prediction = NULL;
	st->saved = ev->saved;
	ev->saved = NULL;
}

static bool
is_done(void *arg)
{
	return ((struct local *)arg)->done;
}

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
	st->done = false;
}

/*
 * Wait for request id (already started) to end. Returns 0, 1 when a
 * signal arrived first (the request is still running), -1 on a loop error.
 */
static int
wait_for(struct local *st, unsigned id, int timeout_ms)
{
	struct pollfd pfd;
	enum client_rc rc;
	char err[256];

	st->waiting = id;
	st->done = false;
	pfd.fd = sig_pipe[0];
	pfd.events = POLLIN;
	pfd.revents = 0;
	rc = client_run_until(st->c, is_done, st, on_event, st, &pfd, 1,
	    timeout_ms, err, sizeof err);
	if (st->done)
		return 0;
	if (pfd.revents != 0) {
		signals_drain();
		return 1;
	}
	snprintf(st->err, sizeof st->err, "%s", err);
	st->rc = rc;
	return -1;
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
			fprintf(stderr, "r8play: %s\n", err);
			return EXIT_FAIL;
		}
		w = wait_for(st, id, -1);
		if (w == 1)
			return EXIT_INTERRUPT;
		if (w < 0 || st->rc != CLIENT_OK) {
			fprintf(stderr, "r8play: %s\n", st->err);
			return EXIT_FAIL;
		}
		h = st->data;
		switch (h->state) {
		case COG_HEALTH_READY:
			return -1;
		case COG_HEALTH_UNHEALTHY:
			fputs("r8play: warning: the server reports UNHEALTHY",
			    stderr);
			if (h->user_healthcheck_error != NULL) {
				fputs(": ", stderr);
				put_text(stderr, h->user_healthcheck_error,
				    strlen(h->user_healthcheck_error));
			}
			fputs(" (running anyway)\n", stderr);
			return -1;
		case COG_HEALTH_SETUP_FAILED:
			fputs("r8play: the model's setup failed "
			    "(SETUP_FAILED)\n", stderr);
			if (h->setup_logs != NULL)
				put_text(stderr, h->setup_logs,
				    strlen(h->setup_logs));
			return EXIT_FAIL;
		case COG_HEALTH_DEFUNCT:
			fputs("r8play: the server's worker died (DEFUNCT); "
			    "restart it\n", stderr);
			return EXIT_FAIL;
		default:
			break;
		}
		if (now_ms() >= end) {
			fprintf(stderr, "r8play: the server is still %s after "
			    "%d s\n", cog_health_name(h->state), wait_s);
			return EXIT_FAIL;
		}
		if (!said) {
			fprintf(stderr, "r8play: waiting for the server "
			    "(%s)...\n", cog_health_name(h->state));
			said = true;
		}
		/* sleep, but wake for Ctrl-C */
		{
			struct pollfd pfd = { sig_pipe[0], POLLIN, 0 };

			if (poll(&pfd, 1, LOCAL_POLL_MS) > 0) {
				signals_drain();
				return EXIT_INTERRUPT;
			}
		}
	}
}

static void
usage_local(void)
{
	fputs("usage: r8play run --local URL -i key=value -i key=@file "
	    "[--output-dir DIR]\n"
	    "                  [--json] [--async] [--id ID] [--wait-ready S]\n"
	    "                  [--listen ADDR[:PORT]] [--advertise HOST] "
	    "[--no-webhooks]\n"
	    "                  [--no-schema]\n"
	    "  URL          the Cog server, e.g. http://localhost:5000\n"
	    "  -i key=value an input, typed per the server's openapi.json; "
	    "@file sends\n"
	    "               the file as a data: URI; repeat a key for a "
	    "list\n"
	    "  --output-dir where files go (default ./<prediction id>)\n"
	    "  --json       print the result as JSON on stdout\n"
	    "  --async      Prefer: respond-async and follow the webhooks\n"
	    "  --listen     webhook listener bind address (default "
	    "127.0.0.1:0)\n"
	    "  --advertise  host the server reaches the listener at "
	    "(e.g. 172.17.0.1\n"
	    "               for a container; env R8PLAY_WEBHOOK_HOST)\n"
	    "  --no-webhooks  sync only, no live logs\n"
	    "  --no-schema  send every value as a string (the server "
	    "coerces)\n", stderr);
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

static void
print_json_result(const struct prediction *p, const struct client_saved *sv)
{
	size_t i;

	fputs("{\"id\":", stdout);
	put_json_str(stdout, p->id);
	fputs(",\"status\":", stdout);
	put_json_str(stdout, prediction_status_name(p->status));
	fputs(",\"output\":", stdout);
	fputs(p->output_json ? p->output_json : "null", stdout);
	fputs(",\"error\":", stdout);
	put_json_str(stdout, p->error);
	fputs(",\"files\":[", stdout);
	for (i = 0; sv != NULL && i < sv->n; i++) {
		if (i > 0)
			fputc(',', stdout);
		put_json_str(stdout, sv->paths[i]);
	}
	fputs("]", stdout);
	if (p->metrics.predict_time >= 0)
		printf(",\"metrics\":{\"predict_time\":%.6f}",
		    p->metrics.predict_time);
	fputs(",\"logs\":", stdout);
	put_json_str(stdout, p->logs ? p->logs : "");
	fputs("}\n", stdout);
}

/* Build the input object: typed per the schema when there is one. */
static int
build_input(struct local *st, const struct schema *s, char **pairs,
    size_t n, char **json)
{
	char err[COG_MAX_MESSAGE];
	size_t i;

	*json = NULL;
	if (s == NULL) {
		if (cog_input_build((const char *const *)pairs, n, json, err,
		    sizeof err) != CLIENT_OK) {
			fprintf(stderr, "r8play: %s\n", err);
			return -1;
		}
		return 0;
	} else {
		struct form *f = form_new_from_schema(s);
		int rc = 0;

		if (f == NULL) {
			fputs("r8play: out of memory\n", stderr);
			return -1;
		}
		for (i = 0; i < n && rc == 0; i++)
			if (form_set_arg(f, pairs[i], err, sizeof err) != 0) {
				fputs("r8play: ", stderr);
				put_text(stderr, err, strlen(err));
				fputc('\n', stderr);
				rc = -1;
			}
		if (rc == 0 && form_request(f, FORM_REQ_INLINE_ALL, NULL, NULL,
		    json, err, sizeof err) != 0) {
			fputs("r8play: ", stderr);
			put_text(stderr, err, strlen(err));
			fputc('\n', stderr);
			rc = -1;
		}
		form_free(f);
		(void)st;
		return rc;
	}
}

/* Report a failed prediction; returns the exit status. */
static int
report_failure(struct local *st, bool interrupted)
{
	if (st->pred != NULL)
		show_logs(st, st->pred);
	if (st->json && st->pred != NULL)
		print_json_result(st->pred, NULL);
	fputs("r8play: ", stderr);
	put_text(stderr, st->err, strlen(st->err));
	fputc('\n', stderr);
	if (st->http_status == 422 && st->body != NULL) {
		const char *lines[64];
		char buf[8192];
		size_t n = cog_validation_lines(st->body, st->body_len, buf,
		    sizeof buf, lines, 64), i;

		for (i = 0; i < n; i++)
			fprintf(stderr, "  - %s\n", lines[i]);
	}
	if (st->rc == CLIENT_ECANCEL && interrupted)
		return EXIT_INTERRUPT;
	return st->rc == CLIENT_EINVAL ? EXIT_USAGE : EXIT_FAIL;
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
	int status = EXIT_OK;

	st->pred = NULL;
	show_logs(st, p);
	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind == PREDICTION_OUTPUT_TEXT &&
		    p->outputs[i].value[0] == '/' && s != NULL &&
		    (s->output.kind == SCHEMA_OUT_FILE ||
		    s->output.kind == SCHEMA_OUT_FILES)) {
			fputs("r8play: warning: output ", stderr);
			put_text(stderr, p->outputs[i].value,
			    strlen(p->outputs[i].value));
			fputs(" is a path inside the server (async outputs "
			    "need cog's --upload-url)\n", stderr);
		}
	id = outputs_save(st->c, p, outdir, err, sizeof err);
	if (id == 0) {
		fprintf(stderr, "r8play: %s\n", err);
		status = EXIT_FAIL;
	} else {
		result_reset(st);
		if (wait_for(st, id, -1) != 0) {
			fputs("r8play: interrupted while saving\n", stderr);
			status = EXIT_INTERRUPT;
		}
		sv = st->saved;
		st->saved = NULL;
		if (status == EXIT_OK && st->rc != CLIENT_OK) {
			fputs("r8play: ", stderr);
			put_text(stderr, st->err, strlen(st->err));
			fputc('\n', stderr);
			status = EXIT_FAIL;
		}
	}
	if (st->json) {
		print_json_result(p, sv);
	} else {
		text = cog_output_text(p, s);
		if (text != NULL) {
			put_text_raw(stdout, text, strlen(text), true);
			if (text[0] != '\0' && text[strlen(text) - 1] != '\n')
				fputc('\n', stdout);
		}
		free(text);
		for (i = 0; sv != NULL && i < sv->n; i++) {
			put_text(stdout, sv->paths[i], strlen(sv->paths[i]));
			fputc('\n', stdout);
		}
	}
	if (p->metrics.predict_time >= 0)
		fprintf(stderr, "r8play: %s succeeded in %.2f s\n", st->id,
		    p->metrics.predict_time);
	fflush(stdout);
	if (record_finish(p, s, HISTORY_TARGET_SERVER, cog_base(st->g), NULL, sv,
	    outdir, err, sizeof err) != 0)
		fprintf(stderr, "r8play: %s\n", err);
	client_saved_free(sv);
	prediction_free(p);
	return status;
}

int
cmd_run_local(int argc, char **argv)
{
	struct local st;
	struct client_config cc;
	struct cog_config gc;
	struct cog_predict_opts po;
	struct schema schema, *s = NULL;
	const char *url = NULL, *outdir = NULL, *pid = NULL;
	char **pairs = NULL, err[COG_MAX_MESSAGE], addr[128], *input = NULL;
	size_t npairs = 0;
	int i, status = EXIT_FAIL, wait_s = LOCAL_WAIT_READY_S, w;
	bool async = false, webhooks = true, interrupted = false;
	bool use_schema = true;
	unsigned id;

	memset(&st, 0, sizeof st);
	memset(&gc, 0, sizeof gc);
	memset(&schema, 0, sizeof schema);
	pairs = calloc((size_t)argc + 1, sizeof *pairs);
	if (pairs == NULL)
		return EXIT_FAIL;
	gc.listener.advertise_host = getenv("R8PLAY_WEBHOOK_HOST");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage_local();
			free(pairs);
			return 0;
		} else if (strcmp(a, "--local") == 0 && more) {
			url = argv[++i];
		} else if (strncmp(a, "--local=", 8) == 0) {
			url = a + 8;
		} else if (strcmp(a, "-i") == 0 && more) {
			pairs[npairs++] = argv[++i];
		} else if (strncmp(a, "-i", 2) == 0 && a[2] != '\0') {
			pairs[npairs++] = argv[i] + 2;
		} else if (strcmp(a, "--output-dir") == 0 && more) {
			outdir = argv[++i];
		} else if (strcmp(a, "--json") == 0) {
			st.json = true;
		} else if (strcmp(a, "--async") == 0) {
			async = true;
		} else if (strcmp(a, "--no-webhooks") == 0) {
			webhooks = false;
		} else if (strcmp(a, "--no-schema") == 0) {
			use_schema = false;
		} else if (strcmp(a, "--id") == 0 && more) {
			pid = argv[++i];
		} else if (strcmp(a, "--wait-ready") == 0 && more) {
			wait_s = atoi(argv[++i]);
		} else if (strcmp(a, "--advertise") == 0 && more) {
			gc.listener.advertise_host = argv[++i];
		} else if (strcmp(a, "--listen") == 0 && more) {
			if (parse_listen(argv[++i], &gc.listener, addr,
			    sizeof addr) != 0) {
				fprintf(stderr, "r8play: --listen wants "
				    "ADDR[:PORT]\n");
				free(pairs);
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "r8play: run --local: unexpected "
			    "argument \"%.80s\"\n", a);
			usage_local();
			free(pairs);
			return EXIT_USAGE;
		}
	}
	if (url == NULL) {
		usage_local();
		free(pairs);
		return EXIT_USAGE;
	}
	if (async && !webhooks) {
		fputs("r8play: --async needs the webhooks\n", stderr);
		free(pairs);
		return EXIT_USAGE;
	}
	if (signals_install() != 0) {
		fprintf(stderr, "r8play: pipe: %s\n", strerror(errno));
		free(pairs);
		return EXIT_FAIL;
	}
	/* no token: a local server never sees it */
	client_config_defaults(&cc);
	cc.token = NULL;
	cc.output_dir = outdir;
	st.c = client_new(&cc, err, sizeof err);
	if (st.c == NULL) {
		fprintf(stderr, "r8play: %s\n", err);
		goto out;
	}
	gc.base = url;
	gc.webhooks = webhooks;
	st.g = cog_new(st.c, &gc, err, sizeof err);
	if (st.g == NULL) {
		fprintf(stderr, "r8play: %s\n", err);
		status = strstr(err, "not an http") ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	status = wait_ready(&st, wait_s);
	if (status >= 0)
		goto out;

	/* the schema types the inputs; without it values go as strings */
	result_reset(&st);
	err[0] = '\0';
	id = cog_openapi_get(st.g, err, sizeof err);
	w = id ? wait_for(&st, id, -1) : -1;
	if (w == 1) {
		status = EXIT_INTERRUPT;
		goto out;
	}
	if (w == 0 && st.rc == CLIENT_OK &&
	    schema_parse(st.body, st.body_len, &schema, err, sizeof err) == 0)
		s = &schema;
	else {
		fputs("r8play: warning: no usable /openapi.json (", stderr);
		put_text(stderr, st.err[0] ? st.err : err,
		    strlen(st.err[0] ? st.err : err));
		fputs("); inputs are sent as strings\n", stderr);
	}
	if (!use_schema)
		s = NULL;	/* as `cog predict` does */
	if (build_input(&st, s, pairs, npairs, &input) != 0) {
		status = EXIT_USAGE;
		goto out;
	}

	result_reset(&st);
	memset(&po, 0, sizeof po);
	po.id = pid;
	po.input_json = input;
	po.async = async;
	st.pred_op = cog_predict(st.g, &po, st.id, err, sizeof err);
	if (st.pred_op == 0) {
		fprintf(stderr, "r8play: %s\n", err);
		status = EXIT_FAIL;
		goto out;
	}
	st.shown_status = PREDICTION_STARTING;
	fprintf(stderr, "r8play: prediction %s on %s\n", st.id,
	    cog_base(st.g));
	for (;;) {
		w = wait_for(&st, st.pred_op, interrupted ?
		    LOCAL_CANCEL_WAIT_MS : -1);
		if (w == 0)
			break;
		if (w < 0) {
			fprintf(stderr, "r8play: %s\n", interrupted ?
			    "the server did not confirm the cancel" : st.err);
			status = interrupted ? EXIT_INTERRUPT : EXIT_FAIL;
			goto out;
		}
		if (interrupted || sig_count > 1) {
			fputs("r8play: interrupted again; leaving\n", stderr);
			status = EXIT_INTERRUPT;
			goto out;
		}
		interrupted = true;
		fprintf(stderr, "r8play: canceling %s on the server...\n",
		    st.id);
		if (cog_cancel(st.g, st.id, err, sizeof err) == 0)
			fprintf(stderr, "r8play: %s\n", err);
		/* the cancel's own answer is not waited for: the
		 * prediction's end says it all */
	}
	if (st.rc == CLIENT_OK && st.pred != NULL) {
		status = report_success(&st, s, outdir);
	} else {
		bool lost = async && st.rc == CLIENT_ENET;

		status = report_failure(&st, interrupted);
		if (lost) {
			/* its result cannot reach us: free the server */
			fprintf(stderr, "r8play: canceling %s on the server\n",
			    st.id);
			result_reset(&st);
			id = cog_cancel(st.g, st.id, err, sizeof err);
			if (id != 0)
				wait_for(&st, id, 5000);
		}
	}
	if (interrupted && status == EXIT_OK)
		status = EXIT_INTERRUPT;
out:
	result_reset(&st);
	free(input);
	schema_done(&schema);
	cog_free(st.g);
	client_free(st.c);
	free(pairs);
	if (sig_pipe[0] >= 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
	return status;
}
