/*
 * tui/cmd_client.c: the Replicate commands of the command line: models,
 * model, run, predictions, cancel. Each builds a client (token from
 * $REPLICATE_API_TOKEN or the 0600 config file), starts requests and waits
 * for their events, prints results (untrusted text sanitised, JSON on
 * --json) and returns the exit status. `run --local` is tui/cmd_local.c.
 * The token is never printed, not even in errors.
 */
#include "tui/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/net/client.h"
#include "client/net/config.h"
#include "client/forms/form.h"
#include "client/history/record.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"
#include "client/forms/schema.h"
#include "tui/cmd_local.h"
#include "widgets/tw.h"

#define CMD_MAX_INPUTS		256
#define CMD_CANCEL_WAIT_MS	15000	/* after Ctrl-C, for the server */
#define CMD_DESC_COLS		72

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_INTERRUPT = 130 };

struct ctx {
	struct client *c;
	struct config cfg;
	bool	 json;
	const char *api_base;	/* --api-base */
	/* the request being waited for */
	unsigned waiting;
	bool	 done;
	struct client_event got;	/* payload taken from the event */
	char	 err[CLIENT_ERR_MAX];
	/* a followed prediction */
	size_t	 logs_printed;
	char	 logs_tail[128];
	size_t	 tail_len;
	enum prediction_status shown;
	bool	 sigint;	/* a signal came while it could not act */
};

static int sig_pipe[2] = { -1, -1 };

static void
on_sigint(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t n = write(sig_pipe[1], &b, 1);

	(void)n;
	errno = saved;
}

static int
sig_setup(void)
{
	struct sigaction sa;
	int i;

	if (pipe(sig_pipe) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return 0;
}

/* ---- printing untrusted text */

/* Sanitised text, newlines kept (CR shown as a newline too). */
static void
put_safe(FILE *fp, const char *s, size_t len)
{
	char buf[4096 * TW_EXPAND + 1];

	while (len > 0) {
		size_t n = 0, chunk;

		while (n < len && n < 4096 && s[n] != '\n' && s[n] != '\r')
			n++;
		chunk = n;
		if (chunk > 0) {
			tw_sanitize(s, chunk, buf, sizeof buf, 0);
			fputs(buf, fp);
		}
		if (n < len && (s[n] == '\n' || s[n] == '\r')) {
			fputc('\n', fp);
			n++;
		}
		s += n;
		len -= n;
	}
}

static void
put_flat(FILE *fp, const char *s)
{
	char buf[1024 * TW_EXPAND + 1];

	if (s == NULL)
		return;
	tw_sanitize(s, strlen(s), buf, sizeof buf, 1);
	fputs(buf, fp);
}

/* JSON string (or null); escapes every control byte. */
static void
put_json_str(FILE *fp, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* Raw JSON text from the server (already valid JSON), or null. */
static void
put_json_raw(FILE *fp, const char *s)
{
	fputs(s != NULL ? s : "null", fp);
}

static void
put_json_num(FILE *fp, double v)
{
	if (v < 0)
		fputs("null", fp);
	else
		fprintf(fp, "%.6g", v);
}

static void
die_msg(const char *msg)
{
	fputs("r8play: ", stderr);
	put_flat(stderr, msg);
	fputc('\n', stderr);
}

/* ---- the client and its events */

static void
ctx_take(struct ctx *x, struct client_event *ev)
{
	x->got = *ev;
	/* take every payload: the client frees what is left */
	ev->models = NULL;
	ev->model = NULL;
	ev->collections = NULL;
	ev->collection = NULL;
	ev->versions = NULL;
	ev->version = NULL;
	ev->predictions = NULL;
	ev->prediction = NULL;
	ev->hardware = NULL;
	ev->account = NULL;
	ev->file = NULL;
	ev->saved = NULL;
	ev->body = NULL;
	ev->data = NULL;
	x->got.err = NULL;
	if (ev->err != NULL)
		snprintf(x->err, sizeof x->err, "%s", ev->err);
	x->done = true;
}

static void
got_free(struct ctx *x)
{
	struct client_event *g = &x->got;

	replicate_model_page_free(g->models);
	replicate_model_free(g->model);
	replicate_collection_page_free(g->collections);
	replicate_collection_free(g->collection);
	replicate_version_page_free(g->versions);
	replicate_version_free(g->version);
	replicate_prediction_page_free(g->predictions);
	prediction_free(g->prediction);
	replicate_hardware_free(g->hardware);
	replicate_account_free(g->account);
	replicate_file_free(g->file);
	client_saved_free(g->saved);
	free(g->body);
	if (g->data != NULL && g->data_free != NULL)
		g->data_free(g->data);
	memset(g, 0, sizeof *g);
}

static void print_progress(struct ctx *x, const struct prediction *p);

static void
on_event(struct client_event *ev, void *arg)
{
	struct ctx *x = arg;

	if (ev->id != x->waiting)
		return;
	if (ev->kind == CLIENT_EV_PROGRESS) {
		print_progress(x, ev->prediction);
		return;
	}
	ctx_take(x, ev);
}

static bool
is_done(void *arg)
{
	return ((struct ctx *)arg)->done;
}

/*
 * Wait for the event of request id. Returns 0 when it came (x->got holds
 * it; ERROR when x->got.kind says so), 1 when interrupted by a signal,
 * -1 with x->err set on a local failure.
 */
static int
wait_for(struct ctx *x, unsigned id, bool interruptible)
{
	struct pollfd pfd = { sig_pipe[0], POLLIN, 0 };
	enum client_rc rc;

	got_free(x);
	x->waiting = id;
	x->done = false;
	x->err[0] = '\0';
	if (interruptible && x->sigint)
		return 1;
	for (;;) {
		rc = client_run_until(x->c, is_done, x, on_event, x,
		    sig_pipe[0] >= 0 ? &pfd : NULL, sig_pipe[0] >= 0 ? 1 : 0,
		    -1, x->err, sizeof x->err);
		if (rc != CLIENT_OK)
			return -1;
		if (x->done)
			return 0;
		if (pfd.revents != 0) {
			unsigned char b[16];

			while (read(sig_pipe[0], b, sizeof b) > 0)
				;
			if (interruptible)
				return 1;
			x->sigint = true;	/* acted on at the next chance */
		}
	}
}

static int
setup(struct ctx *x, bool need_token)
{
	struct client_config cc;
	char err[CLIENT_ERR_MAX * 2];
	const char *env;

	if (config_load(&x->cfg, true, err, sizeof err) != CLIENT_OK) {
		die_msg(err);
		return -1;
	}
	client_config_defaults(&cc);
	cc.api_base = x->api_base != NULL ? x->api_base :
	    config_api_base(&x->cfg);
	cc.token = config_token(&x->cfg);
	cc.output_dir = x->cfg.output_dir;
	/* knobs for tests and slow links */
	if ((env = getenv("R8PLAY_STREAM_STALL_MS")) != NULL)
		cc.stream_stall_ms = atol(env);
	if ((env = getenv("R8PLAY_POLL_MS")) != NULL)
		cc.poll_min_ms = atol(env);
	if ((env = getenv("R8PLAY_RETRY_MS")) != NULL)
		cc.retry_base_ms = atol(env);
	if ((env = getenv("R8PLAY_TIMEOUT_MS")) != NULL)
		cc.request_timeout_ms = atol(env);
	if (need_token && cc.token == NULL) {
		char path[CONFIG_MAX_PATH];

		if (config_path(path, sizeof path, err, sizeof err) != 0)
			snprintf(path, sizeof path, "the config file");
		fprintf(stderr, "r8play: no API token: set REPLICATE_API_TOKEN "
		    "or put `token = ...` in %s (mode 0600); without one, "
		    "`r8play models --offline` lists the catalogue built into "
		    "r8play and `r8play run --local URL` runs on a Cog server\n",
		    path);
		return -1;
	}
	x->c = client_new(&cc, err, sizeof err);
	if (x->c == NULL) {
		die_msg(err);
		return -1;
	}
	return 0;
}

static void
teardown(struct ctx *x)
{
	got_free(x);
	client_free(x->c);
	x->c = NULL;
	config_done(&x->cfg);
}

/* Common options; returns 1 when argv[*i] was one, -1 on a bad one. */
static int
common_opt(struct ctx *x, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (strcmp(a, "--json") == 0) {
		x->json = true;
		return 1;
	}
	if (strcmp(a, "--api-base") == 0) {
		if (*i + 1 >= argc)
			return -1;
		x->api_base = argv[++*i];
		return 1;
	}
	if (strncmp(a, "--api-base=", 11) == 0) {
		x->api_base = a + 11;
		return 1;
	}
	return 0;
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
	fputs("\ncommon options:\n"
	    "  --api-base URL   API base (default $R8PLAY_API_BASE, the config "
	    "file's\n"
	    "                   api_base, else https://api.replicate.com/v1)\n"
	    "  --json           machine-readable output\n"
	    "token: $REPLICATE_API_TOKEN, else `token = ...` in the config "
	    "file\n"
	    "(~/.config/r8play/config, mode 0600; $R8PLAY_CONFIG_DIR "
	    "overrides the folder)\n", stdout);
}

/*
 * Arguments of a command that takes the common options and exactly one
 * operand (model, cancel). Sets *arg and returns -1 to go on; otherwise
 * returns the exit status (help printed, or usage).
 */
static int
one_operand(struct ctx *x, int argc, char **argv, const char *name,
    const char *more, const char **arg)
{
	int i;

	*arg = NULL;
	for (i = 1; i < argc; i++) {
		int r = common_opt(x, argc, argv, &i);

		if (r < 0)
			return cli_usage(name);
		if (r > 0)
			continue;
		if (is_help(argv[i])) {
			help(name, more);
			return EXIT_OK;
		}
		if (argv[i][0] == '-' || *arg != NULL)
			return cli_usage(name);
		*arg = argv[i];
	}
	return *arg != NULL ? -1 : cli_usage(name);
}

/* The one-line error of an ERROR event, or a fallback. */
static int
report(struct ctx *x)
{
	die_msg(x->err[0] ? x->err : client_strerror(x->got.rc));
	return EXIT_FAIL;
}

/* ---- models */

static void
model_json(FILE *fp, const struct model *m, bool full)
{
	fputs("{\"owner\":", fp);
	put_json_str(fp, m->owner);
	fputs(",\"name\":", fp);
	put_json_str(fp, m->name);
	fputs(",\"description\":", fp);
	put_json_str(fp, m->description);
	fputs(",\"visibility\":", fp);
	put_json_str(fp, m->visibility);
	fputs(",\"run_count\":", fp);
	if (m->run_count >= 0)
		fprintf(fp, "%lld", m->run_count);
	else
		fputs("null", fp);
	fputs(",\"url\":", fp);
	put_json_str(fp, m->url);
	fputs(",\"cover_image_url\":", fp);
	put_json_str(fp, m->cover_image_url);
	fprintf(fp, ",\"is_official\":%s", m->is_official ? "true" : "false");
	fputs(",\"latest_version\":", fp);
	if (m->latest_version == NULL)
		fputs("null", fp);
	else {
		fputs("{\"id\":", fp);
		put_json_str(fp, m->latest_version->id);
		fputs(",\"created_at\":", fp);
		put_json_str(fp, m->latest_version->created_at);
		fputs(",\"cog_version\":", fp);
		put_json_str(fp, m->latest_version->cog_version);
		if (full) {
			fputs(",\"openapi_schema\":", fp);
			put_json_raw(fp, m->latest_version->openapi_schema);
		}
		fputc('}', fp);
	}
	if (full) {
		fputs(",\"github_url\":", fp);
		put_json_str(fp, m->github_url);
		fputs(",\"paper_url\":", fp);
		put_json_str(fp, m->paper_url);
		fputs(",\"license_url\":", fp);
		put_json_str(fp, m->license_url);
		fputs(",\"default_example\":", fp);
		if (m->default_example == NULL)
			fputs("null", fp);
		else {
			fputs("{\"id\":", fp);
			put_json_str(fp, m->default_example->id);
			fputs(",\"status\":", fp);
			put_json_str(fp, prediction_status_name(
			    m->default_example->status));
			fputs(",\"input\":", fp);
			put_json_raw(fp, m->default_example->input_json);
			fputs(",\"output\":", fp);
			put_json_raw(fp, m->default_example->output_json);
			fputc('}', fp);
		}
	}
	fputc('}', fp);
}

static void
models_print(struct ctx *x, const struct model_page *p)
{
	char name[256], desc[CMD_DESC_COLS * 4 + 4];
	size_t i;

	if (x->json) {
		fputs("[", stdout);
		for (i = 0; i < p->n; i++) {
			if (i > 0)
				fputs(",\n", stdout);
			model_json(stdout, &p->items[i], false);
		}
		fputs("]\n", stdout);
		return;
	}
	for (i = 0; i < p->n; i++) {
		const struct model *m = &p->items[i];
		char runs[32];

		snprintf(name, sizeof name, "%s/%s", m->owner, m->name);
		tw_fit(name, 40, desc, sizeof desc, 1);
		fputs(desc, stdout);
		if (m->run_count >= 0)
			snprintf(runs, sizeof runs, "%lld", m->run_count);
		else
			snprintf(runs, sizeof runs, "-");
		printf(" %10s  ", runs);
		tw_fit(m->description != NULL ? m->description : "",
		    CMD_DESC_COLS, desc, sizeof desc, 0);
		fputs(desc, stdout);
		fputc('\n', stdout);
	}
	if (p->next != NULL && !x->json) {
		fputs("(more: r8play models --page ", stderr);
		put_flat(stderr, p->next);
		fputs(")\n", stderr);
	}
}

int
cmd_models(int argc, char **argv)
{
	const char *search = NULL, *collection = NULL, *page = NULL;
	struct ctx x;
	bool offline = false;
	char err[CLIENT_ERR_MAX];
	unsigned id;
	int i, rc = EXIT_FAIL;

	memset(&x, 0, sizeof x);
	for (i = 1; i < argc; i++) {
		int r = common_opt(&x, argc, argv, &i);

		if (r < 0)
			return cli_usage("models");
		if (r > 0)
			continue;
		if (is_help(argv[i])) {
			help("models", "\nList Replicate models (one page), "
			    "search them, or list a collection.\n"
			    "  --search Q        QUERY /v1/models (falls back to "
			    "GET /v1/search)\n"
			    "  --collection SLUG the models of one collection\n"
			    "  --page URL        a further page (its `next` URL)\n"
			    "  --offline         the catalogue built into r8play "
			    "(no network)\n");
			return EXIT_OK;
		} else if (strcmp(argv[i], "--search") == 0 && i + 1 < argc)
			search = argv[++i];
		else if (strcmp(argv[i], "--collection") == 0 && i + 1 < argc)
			collection = argv[++i];
		else if (strcmp(argv[i], "--page") == 0 && i + 1 < argc)
			page = argv[++i];
		else if (strcmp(argv[i], "--offline") == 0)
			offline = true;
		else
			return cli_usage("models");
	}
	if (offline) {
		struct model_page mp;

		if (replicate_snapshot_models(&mp, err, sizeof err) !=
		    CLIENT_OK) {
			die_msg(err);
			return EXIT_FAIL;
		}
		models_print(&x, &mp);
		replicate_model_page_done(&mp);
		return EXIT_OK;
	}
	if (setup(&x, true) != 0) {
		teardown(&x);
		return EXIT_FAIL;
	}
	if (search != NULL)
		id = replicate_models_search(x.c, search, err, sizeof err);
	else if (collection != NULL)
		id = replicate_collection_get(x.c, collection, err, sizeof err);
	else
		id = replicate_models_list(x.c, page, err, sizeof err);
	if (id == 0) {
		die_msg(err);
		teardown(&x);
		return EXIT_FAIL;
	}
	if (wait_for(&x, id, true) != 0) {
		if (x.err[0])
			die_msg(x.err);
		teardown(&x);
		return EXIT_INTERRUPT;
	}
	if (x.got.kind == CLIENT_EV_ERROR)
		rc = report(&x);
	else if (x.got.collection != NULL) {
		struct model_page mp = { x.got.collection->models,
			x.got.collection->n_models, NULL, NULL };

		models_print(&x, &mp);
		rc = EXIT_OK;
	} else if (x.got.models != NULL) {
		models_print(&x, x.got.models);
		rc = EXIT_OK;
	}
	teardown(&x);
	return rc;
}

/* ---- model */

static void
print_field(const char *label, const char *s)
{
	if (s == NULL)
		return;
	fputs(label, stdout);
	put_flat(stdout, s);
	fputc('\n', stdout);
}

static void
model_print(const struct model *m)
{
	const struct version *v = m->latest_version;

	fputs("model:        ", stdout);
	put_flat(stdout, m->owner);
	fputc('/', stdout);
	put_flat(stdout, m->name);
	fputc('\n', stdout);
	if (m->description != NULL) {
		fputs("description:  ", stdout);
		put_flat(stdout, m->description);
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
		put_flat(stdout, v->id);
		if (v->created_at != NULL) {
			fputs(" (", stdout);
			put_flat(stdout, v->created_at);
			fputc(')', stdout);
		}
		fputc('\n', stdout);
		if (v->cog_version != NULL) {
			fputs("cog:          ", stdout);
			put_flat(stdout, v->cog_version);
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
					put_flat(stdout, s.fields[i].name);
				}
				fputc('\n', stdout);
				schema_done(&s);
			}
		}
	}
	if (m->default_example != NULL) {
		fputs("example:      ", stdout);
		put_flat(stdout, m->default_example->id);
		printf(" (%s)\n", prediction_status_name(
		    m->default_example->status));
	}
}

int
cmd_model(int argc, char **argv)
{
	char owner[128], name[128], ver[128], err[CLIENT_ERR_MAX];
	const char *ref = NULL;
	struct ctx x;
	unsigned id;
	int i, rc = EXIT_FAIL;

	memset(&x, 0, sizeof x);
	if ((i = one_operand(&x, argc, argv, "model", "\nShow one model: "
	    "description, links, runs, latest version, inputs.\n"
	    "--json prints the model with its OpenAPI schema.\n", &ref)) >= 0)
		return i;
	if (ref == NULL || replicate_ref_split(ref, owner, sizeof owner, name,
	    sizeof name, ver, sizeof ver) != 0 || ver[0] != '\0') {
		fputs("r8play: model: expected OWNER/NAME\n", stderr);
		return cli_usage("model");
	}
	if (setup(&x, true) != 0) {
		teardown(&x);
		return EXIT_FAIL;
	}
	id = replicate_model_get(x.c, owner, name, err, sizeof err);
	if (id == 0) {
		die_msg(err);
		teardown(&x);
		return EXIT_FAIL;
	}
	if (wait_for(&x, id, true) != 0) {
		teardown(&x);
		return EXIT_INTERRUPT;
	}
	if (x.got.kind == CLIENT_EV_ERROR)
		rc = report(&x);
	else if (x.got.model != NULL) {
		if (x.json) {
			model_json(stdout, x.got.model, true);
			fputc('\n', stdout);
		} else
			model_print(x.got.model);
		rc = EXIT_OK;
	}
	teardown(&x);
	return rc;
}

/* ---- predictions, cancel */

static void
prediction_json(FILE *fp, const struct prediction *p,
    const struct client_saved *saved)
{
	size_t i;

	fputs("{\"id\":", fp);
	put_json_str(fp, p->id);
	fputs(",\"model\":", fp);
	put_json_str(fp, p->model);
	fputs(",\"version\":", fp);
	put_json_str(fp, p->version);
	fputs(",\"status\":", fp);
	put_json_str(fp, p->status_text != NULL ? p->status_text :
	    prediction_status_name(p->status));
	fputs(",\"created_at\":", fp);
	put_json_str(fp, p->created_at);
	fputs(",\"completed_at\":", fp);
	put_json_str(fp, p->completed_at);
	fputs(",\"error\":", fp);
	put_json_str(fp, p->error);
	fputs(",\"output\":", fp);
	put_json_raw(fp, p->output_json);
	fputs(",\"metrics\":{\"predict_time\":", fp);
	put_json_num(fp, p->metrics.predict_time);
	fputs(",\"total_time\":", fp);
	put_json_num(fp, p->metrics.total_time);
	fputs("},\"urls\":{\"get\":", fp);
	put_json_str(fp, p->url_get);
	fputs(",\"web\":", fp);
	put_json_str(fp, p->url_web);
	fputc('}', fp);
	if (saved != NULL) {
		fputs(",\"files\":[", fp);
		for (i = 0; i < saved->n; i++) {
			if (i > 0)
				fputc(',', fp);
			put_json_str(fp, saved->paths[i]);
		}
		fputc(']', fp);
	}
	fputc('}', fp);
}

int
cmd_predictions(int argc, char **argv)
{
	const char *page = NULL;
	char err[CLIENT_ERR_MAX], cell[256];
	struct ctx x;
	unsigned id;
	size_t k;
	int i, rc = EXIT_FAIL;

	memset(&x, 0, sizeof x);
	for (i = 1; i < argc; i++) {
		int r = common_opt(&x, argc, argv, &i);

		if (r < 0)
			return cli_usage("predictions");
		if (r > 0)
			continue;
		if (is_help(argv[i])) {
			help("predictions", "\nList your recent predictions, "
			    "newest first (one page of 100).\n"
			    "  --page URL   a further page (its `next` URL)\n");
			return EXIT_OK;
		} else if (strcmp(argv[i], "--page") == 0 && i + 1 < argc)
			page = argv[++i];
		else
			return cli_usage("predictions");
	}
	if (setup(&x, true) != 0) {
		teardown(&x);
		return EXIT_FAIL;
	}
	id = replicate_predictions_list(x.c, page, err, sizeof err);
	if (id == 0) {
		die_msg(err);
		teardown(&x);
		return EXIT_FAIL;
	}
	if (wait_for(&x, id, true) != 0) {
		teardown(&x);
		return EXIT_INTERRUPT;
	}
	if (x.got.kind == CLIENT_EV_ERROR) {
		rc = report(&x);
		teardown(&x);
		return rc;
	}
	if (x.json)
		fputs("[", stdout);
	for (k = 0; k < x.got.predictions->n; k++) {
		const struct prediction *p = &x.got.predictions->items[k];

		if (x.json) {
			if (k > 0)
				fputs(",\n", stdout);
			prediction_json(stdout, p, NULL);
			continue;
		}
		tw_fit(p->id != NULL ? p->id : "-", 26, cell, sizeof cell, 1);
		fputs(cell, stdout);
		printf("  %-10s  ", prediction_status_name(p->status));
		tw_fit(p->created_at != NULL ? p->created_at : "", 24, cell,
		    sizeof cell, 1);
		fputs(cell, stdout);
		fputs("  ", stdout);
		tw_fit(p->model != NULL ? p->model : "", 50, cell, sizeof cell,
		    0);
		fputs(cell, stdout);
		fputc('\n', stdout);
	}
	if (x.json)
		fputs("]\n", stdout);
	else if (x.got.predictions->next != NULL) {
		fputs("(more: r8play predictions --page ", stderr);
		put_flat(stderr, x.got.predictions->next);
		fputs(")\n", stderr);
	}
	teardown(&x);
	return EXIT_OK;
}

int
cmd_cancel(int argc, char **argv)
{
	const char *pid = NULL;
	char err[CLIENT_ERR_MAX];
	struct ctx x;
	unsigned id;
	int i, rc = EXIT_FAIL;

	memset(&x, 0, sizeof x);
	if ((i = one_operand(&x, argc, argv, "cancel", "\nCancel a "
	    "prediction. Exits 0 when it is canceled, 1 when it had already\n"
	    "finished (its status is printed) or the request failed.\n",
	    &pid)) >= 0)
		return i;
	if (setup(&x, true) != 0) {
		teardown(&x);
		return EXIT_FAIL;
	}
	id = replicate_prediction_cancel(x.c, pid, err, sizeof err);
	if (id == 0) {
		die_msg(err);
		teardown(&x);
		return EXIT_FAIL;
	}
	if (wait_for(&x, id, false) != 0) {
		die_msg(x.err);
		teardown(&x);
		return EXIT_FAIL;
	}
	if (x.got.kind == CLIENT_EV_ERROR)
		rc = report(&x);
	else {
		const struct prediction *p = x.got.prediction;

		if (x.json) {
			prediction_json(stdout, p, NULL);
			fputc('\n', stdout);
		} else {
			put_flat(stdout, p->id != NULL ? p->id : pid);
			printf(": %s\n", prediction_status_name(p->status));
		}
		rc = p->status == PREDICTION_CANCELED ? EXIT_OK : EXIT_FAIL;
		if (rc != EXIT_OK && !x.json)
			fprintf(stderr, "r8play: cancel: the prediction had "
			    "already %s\n", prediction_status_name(p->status));
	}
	teardown(&x);
	return rc;
}

/* ---- run */

/* Last occurrence of needle in hay (memmem is a GNU extension). */
static const char *
find_last(const char *hay, size_t hl, const char *needle, size_t nl)
{
	size_t i;

	if (nl == 0 || nl > hl)
		return NULL;
	for (i = hl - nl + 1; i > 0; i--)
		if (memcmp(hay + i - 1, needle, nl) == 0)
			return hay + i - 1;
	return NULL;
}

/* New logs to stderr: what follows what was printed last time. */
static void
print_logs(struct ctx *x, const struct prediction *p)
{
	size_t from = p->logs_len;
	const char *hit;

	if (p->logs == NULL || p->logs_len == 0)
		return;
	if (x->logs_printed <= p->logs_len && x->tail_len <= x->logs_printed &&
	    (x->tail_len == 0 || memcmp(p->logs + x->logs_printed -
	    x->tail_len, x->logs_tail, x->tail_len) == 0))
		from = x->logs_printed;
	else if (x->tail_len > 0 && (hit = find_last(p->logs, p->logs_len,
	    x->logs_tail, x->tail_len)) != NULL)
		/* the head was cut (long logs) or replaced: find our place */
		from = (size_t)(hit - p->logs) + x->tail_len;
	else if (p->logs_len < x->logs_printed)
		return;		/* a stream replaying from the start: wait */
	if (from < p->logs_len) {
		put_safe(stderr, p->logs + from, p->logs_len - from);
		fflush(stderr);
	}
	x->logs_printed = p->logs_len;
	x->tail_len = p->logs_len < sizeof x->logs_tail ? p->logs_len :
	    sizeof x->logs_tail;
	memcpy(x->logs_tail, p->logs + p->logs_len - x->tail_len,
	    x->tail_len);
}

static void
print_progress(struct ctx *x, const struct prediction *p)
{
	if (p == NULL)
		return;
	if (p->status != x->shown) {
		x->shown = p->status;
		fprintf(stderr, "r8play: status: %s\n",
		    prediction_status_name(p->status));
	}
	print_logs(x, p);
}

struct upload_ctx {
	struct ctx *x;
};

/* form_upload_fn: a local file too big to inline goes to POST /v1/files */
static int
upload_file(void *arg, const char *field, const char *path, size_t size,
    char **url, char *err, size_t errsz)
{
	struct ctx *x = arg;
	char sub[CLIENT_ERR_MAX];
	unsigned id;

	fprintf(stderr, "r8play: uploading %s (%zu bytes) for %s\n", path,
	    size, field);
	id = replicate_file_upload(x->c, path, form_mime_type(path), sub,
	    sizeof sub);
	if (id == 0) {
		snprintf(err, errsz, "%s", sub);
		return -1;
	}
	if (wait_for(x, id, false) != 0 || x->got.kind == CLIENT_EV_ERROR) {
		snprintf(err, errsz, "%s", x->err);
		return -1;
	}
	*url = strdup(x->got.file->url_get);
	got_free(x);
	return *url != NULL ? 0 : -1;
}

/* After Ctrl-C: cancel on the server, wait a little, say so. */
static int
interrupt_cancel(struct ctx *x, const struct prediction *p)
{
	char err[CLIENT_ERR_MAX];
	const char *what = p->url_cancel != NULL ? p->url_cancel : p->id;
	unsigned id;
	enum client_rc rc;

	fputs("r8play: interrupted: canceling ", stderr);
	put_flat(stderr, p->id);
	fputc('\n', stderr);
	id = replicate_prediction_cancel(x->c, what, err, sizeof err);
	if (id == 0) {
		die_msg(err);
		return EXIT_INTERRUPT;
	}
	got_free(x);
	x->waiting = id;
	x->done = false;
	rc = client_run_until(x->c, is_done, x, on_event, x, NULL, 0,
	    CMD_CANCEL_WAIT_MS, x->err, sizeof x->err);
	if (rc != CLIENT_OK || x->got.kind == CLIENT_EV_ERROR)
		die_msg(x->err);
	else if (x->got.prediction != NULL) {
		fputs("r8play: ", stderr);
		put_flat(stderr, p->id);
		fprintf(stderr, ": %s\n", prediction_status_name(
		    x->got.prediction->status));
	}
	return EXIT_INTERRUPT;
}

struct run_opts {
	const char *ref, *output_dir;
	const char *inputs[CMD_MAX_INPUTS];
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
		id = replicate_version_get(x->c, owner, name, ver, err,
		    sizeof err);
	else
		id = replicate_model_get(x->c, owner, name, err, sizeof err);
	if (id == 0) {
		die_msg(err);
		return EXIT_FAIL;
	}
	if (wait_for(x, id, true) != 0)
		return EXIT_INTERRUPT;
	if (x->got.kind == CLIENT_EV_ERROR)
		return report(x);
	if (x->got.version != NULL) {
		*version_id = strdup(x->got.version->id != NULL ?
		    x->got.version->id : ver);
		if (x->got.version->openapi_schema != NULL)
			*schema = strdup(x->got.version->openapi_schema);
	} else {
		const struct model *m = x->got.model;

		if (m->latest_version == NULL && !m->is_official) {
			fprintf(stderr, "r8play: %s/%s has no version to run\n",
			    owner, name);
			return EXIT_FAIL;
		}
		if (m->latest_version != NULL) {
			if (!m->is_official && m->latest_version->id != NULL)
				*version_id = strdup(m->latest_version->id);
			if (m->latest_version->openapi_schema != NULL)
				*schema = strdup(
				    m->latest_version->openapi_schema);
		}
	}
	got_free(x);
	return EXIT_OK;
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
			fputs("r8play: run: this model publishes no input "
			    "schema, so -i values cannot be typed\n", stderr);
			return EXIT_USAGE;
		}
		*input = strdup("{}");
		return EXIT_OK;
	}
	if (schema_parse(schema_text, strlen(schema_text), s, err,
	    sizeof err) != 0) {
		fputs("r8play: run: input schema: ", stderr);
		put_flat(stderr, err);
		fputc('\n', stderr);
		return EXIT_FAIL;
	}
	f = form_new_from_schema(s);
	if (f == NULL) {
		fputs("r8play: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	for (i = 0; i < ro->n_inputs; i++)
		if (form_set_arg(f, ro->inputs[i], err, sizeof err) != 0) {
			fputs("r8play: run: -i ", stderr);
			put_flat(stderr, ro->inputs[i]);
			fputs(": ", stderr);
			put_flat(stderr, err);
			fputc('\n', stderr);
			form_free(f);
			return EXIT_USAGE;
		}
	if (form_request(f, 0, upload_file, x, input, err, sizeof err) != 0) {
		fputs("r8play: run: ", stderr);
		put_flat(stderr, err);
		fputc('\n', stderr);
		form_free(f);
		return EXIT_USAGE;
	}
	form_free(f);
	return EXIT_OK;
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
	int rc = EXIT_OK;
	char *text;

	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind != PREDICTION_OUTPUT_TEXT)
			nfiles++;
	if (nfiles > 0) {
		id = outputs_save(x->c, p, ro->output_dir, err, sizeof err);
		if (id == 0) {
			die_msg(err);
			return EXIT_FAIL;
		}
		if (wait_for(x, id, true) != 0)
			return EXIT_INTERRUPT;
		saved = x->got.saved;
		x->got.saved = NULL;
		if (x->got.kind == CLIENT_EV_ERROR) {
			die_msg(x->err);
			rc = EXIT_FAIL;
		}
	}
	if (x->json) {
		prediction_json(stdout, p, saved);
		fputc('\n', stdout);
	} else {
		/* text outputs: tokens joined as the schema says */
		bool join = s == NULL || !s->has_output ||
		    s->output.concatenate || s->output.kind == SCHEMA_OUT_STRING;

		text = prediction_join_text(p, join ? "" : "\n");
		if (text != NULL && text[0] != '\0') {
			put_safe(stdout, text, strlen(text));
			if (text[strlen(text) - 1] != '\n')
				fputc('\n', stdout);
		}
		free(text);
		for (i = 0; saved != NULL && i < saved->n; i++) {
			put_flat(stdout, saved->paths[i]);
			fputc('\n', stdout);
		}
	}
	if (record_finish(p, s, HISTORY_TARGET_REPLICATE, client_api_base(x->c),
	    config_token(&x->cfg), saved, ro->output_dir, err, sizeof err) != 0)
		die_msg(err);
	client_saved_free(saved);
	return rc;
}

static int
run_remote(struct ctx *x, const struct run_opts *ro)
{
	char owner[128], name[128], ver[128], err[CLIENT_ERR_MAX];
	char *schema_text = NULL, *version_id = NULL, *input = NULL;
	struct replicate_create rq;
	struct prediction *p = NULL;
	struct schema s;
	unsigned id;
	int rc, w;

	memset(&s, 0, sizeof s);
	if (replicate_ref_split(ro->ref, owner, sizeof owner, name,
	    sizeof name, ver, sizeof ver) != 0) {
		fputs("r8play: run: expected OWNER/NAME[:VERSION]\n", stderr);
		return EXIT_USAGE;
	}
	rc = run_resolve(x, owner, name, ver, &schema_text, &version_id);
	if (rc != EXIT_OK)
		goto out;
	rc = run_inputs(x, ro, schema_text, &s, &input);
	if (rc != EXIT_OK)
		goto out;
	if (x->sigint) {
		/* Ctrl-C during an upload: nothing was created yet */
		fputs("r8play: interrupted\n", stderr);
		rc = EXIT_INTERRUPT;
		goto out;
	}
	memset(&rq, 0, sizeof rq);
	rq.owner = owner;
	rq.name = name;
	rq.version = version_id;
	rq.input_json = input;
	rq.wait_s = ro->wait_s;
	id = replicate_prediction_create(x->c, &rq, err, sizeof err);
	if (id == 0) {
		die_msg(err);
		rc = EXIT_FAIL;
		goto out;
	}
	/* a create is not interrupted half-way: we need its id to cancel */
	w = wait_for(x, id, false);
	if (w != 0 || x->got.kind == CLIENT_EV_ERROR) {
		rc = report(x);
		goto out;
	}
	p = x->got.prediction;
	x->got.prediction = NULL;
	fputs("r8play: prediction ", stderr);
	put_flat(stderr, p->id);
	fprintf(stderr, " %s", prediction_status_name(p->status));
	if (p->url_web != NULL) {
		fputs(" ", stderr);
		put_flat(stderr, p->url_web);
	}
	fputc('\n', stderr);
	x->shown = p->status;
	print_logs(x, p);
	if (!prediction_status_terminal(p->status)) {
		id = replicate_prediction_follow(x->c, p, err, sizeof err);
		if (id == 0) {
			die_msg(err);
			rc = EXIT_FAIL;
			goto out;
		}
		w = wait_for(x, id, true);
		if (w == 1) {
			rc = interrupt_cancel(x, p);
			goto out;
		}
		if (w != 0 || x->got.kind == CLIENT_EV_ERROR) {
			rc = report(x);
			goto out;
		}
		prediction_free(p);
		p = x->got.prediction;
		x->got.prediction = NULL;
		print_progress(x, p);
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
	fputs("r8play: prediction ", stderr);
	put_flat(stderr, p->id);
	fprintf(stderr, " %s", prediction_status_name(p->status));
	if (p->error != NULL) {
		fputs(": ", stderr);
		put_flat(stderr, p->error);
	}
	fputc('\n', stderr);
	if (record_finish(p, &s, HISTORY_TARGET_REPLICATE, client_api_base(x->c),
	    config_token(&x->cfg), NULL, ro->output_dir, err, sizeof err) != 0)
		die_msg(err);
	rc = EXIT_FAIL;
out:
	prediction_free(p);
	schema_done(&s);
	free(schema_text);
	free(version_id);
	free(input);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	struct run_opts ro;
	struct ctx x;
	int i, rc;

	/* a local Cog server: the whole command is tui/cmd_local.c's */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--local") == 0 ||
		    strncmp(argv[i], "--local=", 8) == 0)
			return cmd_run_local(argc, argv);
	memset(&x, 0, sizeof x);
	memset(&ro, 0, sizeof ro);
	for (i = 1; i < argc; i++) {
		int r = common_opt(&x, argc, argv, &i);

		if (r < 0)
			return cli_usage("run");
		if (r > 0)
			continue;
		if (is_help(argv[i])) {
			help("run", "\nRun a prediction on Replicate and save "
			    "its outputs. Inputs are typed by the\nmodel's "
			    "schema; @file reads a local file (sent inline "
			    "when small, else\nuploaded to /v1/files). Logs go "
			    "to stderr, text output and saved file paths\nto "
			    "stdout. Ctrl-C cancels the prediction on the "
			    "server.\n"
			    "  -i key=value     an input (repeat; key=@file for "
			    "files)\n"
			    "  --output-dir DIR where files go (default "
			    "./<prediction id>)\n"
			    "  --wait N         hold the create request up to N "
			    "s (Prefer: wait=N)\n"
			    "  --local URL      run on a local Cog server "
			    "instead\n"
			    "exit status: 0 succeeded, 1 failed or canceled, 2 "
			    "usage, 130 interrupted\n");
			return EXIT_OK;
		}
		if (strcmp(argv[i], "-i") == 0 && i + 1 < argc) {
			if (ro.n_inputs >= CMD_MAX_INPUTS) {
				fprintf(stderr, "r8play: run: more than %d "
				    "inputs\n", CMD_MAX_INPUTS);
				return EXIT_USAGE;
			}
			ro.inputs[ro.n_inputs++] = argv[++i];
		} else if (strncmp(argv[i], "-i", 2) == 0 && argv[i][2] != '\0'
		    && ro.n_inputs < CMD_MAX_INPUTS)
			ro.inputs[ro.n_inputs++] = argv[i] + 2;
		else if (strcmp(argv[i], "--output-dir") == 0 && i + 1 < argc)
			ro.output_dir = argv[++i];
		else if (strcmp(argv[i], "--wait") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end != '\0' || v < 1 || v > REPLICATE_WAIT_MAX) {
				fprintf(stderr, "r8play: run: --wait takes 1 "
				    "to %d seconds\n", REPLICATE_WAIT_MAX);
				return EXIT_USAGE;
			}
			ro.wait_s = (int)v;
		} else if (argv[i][0] == '-' || ro.ref != NULL)
			return cli_usage("run");
		else
			ro.ref = argv[i];
	}
	if (ro.ref == NULL)
		return cli_usage("run");
	if (sig_setup() != 0) {
		perror("r8play: pipe");
		return EXIT_FAIL;
	}
	if (setup(&x, true) != 0) {
		teardown(&x);
		return EXIT_FAIL;
	}
	rc = run_remote(&x, &ro);
	teardown(&x);
	return rc;
}
