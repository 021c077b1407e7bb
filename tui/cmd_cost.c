/*
 * tui/cmd_cost.c: `r8play cost`: what a run costs on every hardware tier,
 * as Replicate bills it, plus batch and deployment forecasts. Glue only:
 * the arithmetic is client/cost.[ch]; a model's default_example metrics
 * come from client/replicate/replicate.h (GET /v1/models/{owner}/{name}). Prints to
 * stdout (the table, or one JSON object with --json), errors to stderr.
 * Exit status: 0 ok, 1 the estimate failed (network, prices file, no known
 * SKU), 2 usage.
 */
#include "tui/cli.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/net/client.h"
#include "client/net/config.h"
#include "client/cost/cost.h"
#include "client/replicate/replicate.h"

#define COST_CMD_MAX_SKUS	COST_MAX_ROWS	/* --hardware a,b,c */
#define COST_CMD_SWEEP_MAX	16		/* --sweep 3x4x2 */
#define COST_CMD_TIMEOUT_MS	30000		/* model get, whole */
#define COST_CMD_DEFAULT_IDLE	300.0	/* "a few minutes": an assumption */

static const char help_text[] =
"usage: r8play cost [OWNER/NAME] [--seconds S] [--hardware SKU[,SKU...]]\n"
"                   [--runs N | --sweep AxBxC] [--concurrency C]\n"
"                   [--private | --billing MODE] [--boot S] [--idle S]\n"
"                   [--measured GPU=S] [--deployment SPEC] [--json]\n"
"       r8play cost --gpus        the relative-speed table\n"
"\n"
"What one run costs on every Replicate hardware tier (or the SKUs given),\n"
"built as the model page builds it: cost = $/s x seconds, shown to 2\n"
"significant figures; runs per $1 = floor(1 / cost).\n"
"\n"
"Seconds, most trusted first:\n"
"  --measured GPU=S   a run timed on your GPU (e.g. rtx4090=3.2), carried\n"
"                     to each tier by spec-sheet speed ratios: an estimate\n"
"  OWNER/NAME         the model's default_example predict_time (\"from one\n"
"                     example\"): GET /v1/models/OWNER/NAME with\n"
"                     REPLICATE_API_TOKEN, else the offline catalogue\n"
"                     snapshot compiled in\n"
"  --seconds S        a number you give (used as is; skips the lookup)\n"
"\n"
"Options:\n"
"  --hardware LIST    only these SKUs; one the table lacks shows \"price\n"
"                     unknown\" (exit 1 when none is known)\n"
"  --available        only the SKUs GET /v1/hardware lists (needs a token)\n"
"  --runs N           batch total and wall time of N runs\n"
"  --sweep AxBxC      a sweep: runs = A x B x C (value counts of the inputs)\n"
"  --concurrency C    runs at once in a batch (default 1)\n"
"  --private          private model: setup + idle + active are billed\n"
"  --billing MODE     public (default), private, deployment, fast-boot\n"
"  --boot S           setup seconds of a cold boot (default 0); with one\n"
"                     SKU also prints what a cold start costs\n"
"  --idle S           idle seconds billed after a batch (private; default\n"
"                     300, assumed: Replicate says \"a few minutes\")\n"
"  --deployment SPEC  monthly cost of a deployment on each tier, e.g.\n"
"                     min=1,max=3,hours=8,rph=120,idle=300[,boot=60]\n"
"                     [,seconds=S]: min/max instances, busy hours a day,\n"
"                     requests per hour in them, idle window, boot time,\n"
"                     seconds per request (default: the run's seconds).\n"
"                     Defaults min=1 max=1 hours=24 rph=60 idle=300 boot=0;\n"
"                     a month is 30 days. Compared with the same requests\n"
"                     on a public model (active time only).\n"
"  --json             one JSON object (prices, tiers[], batch, deployment)\n"
"\n"
"Prices: compiled in from client/cost/prices.tsv (dated, sourced); yours in\n"
"$R8PLAY_CONFIG_DIR/prices, else $XDG_CONFIG_HOME/r8play/prices, else\n"
"~/.config/r8play/prices override or add rows, one per line:\n"
"  gpu-l40s = 0.000975       (USD per second; or 3.51/h per hour)\n"
"  sku<TAB>name<TAB>usd_per_second<TAB>gpu_count<TAB>gpu_memory_gb<TAB>date\n"
"     <TAB>source[<TAB>gpu]  (the shipped format; \"-\" = unknown)\n"
"  @date = 2026-11-30        (the date shown for your prices)\n";

struct opts {
	const char	*model;
	double		 seconds;
	bool		 have_seconds;
	char		 hardware[2048];
	bool		 have_hardware;
	uint64_t	 runs;
	bool		 have_runs;
	unsigned	 concurrency;
	enum cost_billing_mode mode;
	double		 boot_s, idle_s;
	bool		 have_idle;
	const char	*measured;
	char		 measured_gpu[64];
	double		 measured_s;
	const char	*deployment;
	bool		 json, gpus, available;
};

/* What the model lookup found. */
struct model_info {
	char		 from[320];	/* where the model object came from */
	bool		 ok;
	bool		 is_official, is_private;
	double		 example_s;	/* < 0: no default_example metrics */
	char		 err[CLIENT_ERR_MAX];
};

struct tier_row {
	const char	*sku;		/* as asked (or the table's) */
	const struct cost_price *p;	/* NULL: price unknown */
	const char	*api_name;	/* --available: the API's name */
	struct cost_seconds secs;
	struct cost_run run;
	bool		 have_run;
	struct cost_batch_out batch;
	bool		 have_batch;
	struct cost_deploy_out dep;
	bool		 have_dep;
	char		 err[160];
};

/* Text that goes to the terminal: control characters made visible. */
static const char *
safe(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ?
		    '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static int
usage_error(const char *msg, const char *arg)
{
	char b[128];

	fprintf(stderr, "r8play cost: %s%s%s%s\n", msg, arg ? " (got \"" : "",
	    arg ? safe(arg, b, sizeof b) : "", arg ? "\")" : "");
	fputs("usage: r8play cost [OWNER/NAME] [--seconds S] [--hardware SKU] "
	    "[--runs N] [--json]  (--help for more)\n", stderr);
	return 2;
}

static int
parse_seconds_arg(const char *opt, const char *v, double *out, bool zero_ok)
{
	char msg[96];

	if (cost_parse_double(v, out) != 0 || !isfinite(*out) ||
	    *out < 0 || (!zero_ok && *out == 0) || *out > COST_MAX_SECONDS) {
		snprintf(msg, sizeof msg, "%s must be a number of seconds, %s "
		    "0 and at most %.0f", opt, zero_ok ? "at least" :
		    "more than", COST_MAX_SECONDS);
		return usage_error(msg, v);
	}
	return 0;
}

static int
parse_sweep(const char *v, uint64_t *runs)
{
	uint64_t counts[COST_CMD_SWEEP_MAX];
	char buf[128], *p, *tok, err[128];
	size_t n = 0;

	if (strlen(v) >= sizeof buf)
		return usage_error("--sweep is too long", NULL);
	strcpy(buf, v);
	for (p = buf; (tok = strtok(p, "x,*")) != NULL; p = NULL) {
		if (n == COST_CMD_SWEEP_MAX)
			return usage_error("--sweep: at most 16 inputs", v);
		if (cost_parse_u64(tok, &counts[n++]) != 0)
			return usage_error("--sweep wants value counts like "
			    "3x4x2", v);
	}
	if (cost_sweep_runs(counts, n, runs, err, sizeof err) != 0)
		return usage_error(err, v);
	return 0;
}

static bool
takes_value(const char *name)
{
	static const char *const names[] = { "--seconds", "--hardware",
	    "--runs", "--sweep", "--concurrency", "--billing", "--boot",
	    "--idle", "--measured", "--deployment" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	o->concurrency = 1;
	o->mode = COST_BILL_PUBLIC;
	o->idle_s = COST_CMD_DEFAULT_IDLE;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq;
		char name[32];
		size_t nl;

		if (a[0] != '-' || a[1] != '-') {
			if (a[0] == '-' && a[1] != '\0')
				return usage_error("unknown option", a);
			if (o->model != NULL)
				return usage_error("one OWNER/NAME at most", a);
			if (strchr(a, '/') == NULL)
				return usage_error("expected OWNER/NAME", a);
			o->model = a;
			continue;
		}
		eq = strchr(a, '=');
		nl = eq ? (size_t)(eq - a) : strlen(a);
		if (nl >= sizeof name)
			return usage_error("unknown option", a);
		memcpy(name, a, nl);
		name[nl] = '\0';
		if (strcmp(name, "--help") == 0) {
			fputs(help_text, stdout);
			return -1;
		}
		if (strcmp(name, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (strcmp(name, "--gpus") == 0) {
			o->gpus = true;
			continue;
		}
		if (strcmp(name, "--available") == 0) {
			o->available = true;
			continue;
		}
		if (strcmp(name, "--private") == 0) {
			o->mode = COST_BILL_PRIVATE;
			continue;
		}
		if (!takes_value(name))
			return usage_error("unknown option", a);
		if (eq)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else
			return usage_error("option needs a value", a);
		if (strcmp(name, "--seconds") == 0) {
			if (parse_seconds_arg("--seconds", v, &o->seconds,
			    false) != 0)
				return 2;
			o->have_seconds = true;
		} else if (strcmp(name, "--hardware") == 0) {
			if (strlen(v) >= sizeof o->hardware)
				return usage_error("--hardware is too long",
				    NULL);
			strcpy(o->hardware, v);
			o->have_hardware = true;
		} else if (strcmp(name, "--runs") == 0) {
			if (cost_parse_u64(v, &o->runs) != 0 || o->runs == 0 ||
			    o->runs > COST_MAX_RUNS)
				return usage_error("--runs must be a whole "
				    "number 1..1000000000000", v);
			o->have_runs = true;
		} else if (strcmp(name, "--sweep") == 0) {
			if (parse_sweep(v, &o->runs) != 0)
				return 2;
			o->have_runs = true;
		} else if (strcmp(name, "--concurrency") == 0) {
			uint64_t c;

			if (cost_parse_u64(v, &c) != 0 || c < 1 ||
			    c > COST_MAX_CONCURRENCY)
				return usage_error("--concurrency must be "
				    "1..100000", v);
			o->concurrency = (unsigned)c;
		} else if (strcmp(name, "--billing") == 0) {
			int m = cost_billing_from_key(v);

			if (m < 0 || !cost_billing_is_timed(
			    (enum cost_billing_mode)m))
				return usage_error("--billing is public, "
				    "private, deployment or fast-boot", v);
			o->mode = (enum cost_billing_mode)m;
		} else if (strcmp(name, "--boot") == 0) {
			if (parse_seconds_arg("--boot", v, &o->boot_s, true))
				return 2;
		} else if (strcmp(name, "--idle") == 0) {
			if (parse_seconds_arg("--idle", v, &o->idle_s, true))
				return 2;
			o->have_idle = true;
		} else if (strcmp(name, "--measured") == 0) {
			const char *e = strrchr(v, '=');
			size_t gl = e ? (size_t)(e - v) : 0;

			if (e == NULL || gl == 0 ||
			    gl >= sizeof o->measured_gpu)
				return usage_error("--measured wants "
				    "GPU=SECONDS, e.g. rtx4090=3.2", v);
			memcpy(o->measured_gpu, v, gl);
			o->measured_gpu[gl] = '\0';
			if (cost_gpu_find(o->measured_gpu) == NULL)
				return usage_error("--measured: no speed "
				    "figure for that GPU (see --gpus)",
				    o->measured_gpu);
			if (parse_seconds_arg("--measured", e + 1,
			    &o->measured_s, false) != 0)
				return 2;
			o->measured = v;
		} else if (strcmp(name, "--deployment") == 0) {
			o->deployment = v;
		} else
			return usage_error("unknown option", a);
	}
	return 0;
}

/* ---- the model lookup and GET /v1/hardware ---------------------------- */

struct lookup {
	bool		 done;
	struct model_info *mi;		/* MODEL */
	struct hardware_list *hw;	/* HARDWARE, taken from the event */
	char		 err[CLIENT_ERR_MAX];
};

static void
on_event(struct client_event *ev, void *arg)
{
	struct lookup *lk = arg;
	struct model *m;

	if (ev->kind == CLIENT_EV_PROGRESS)
		return;
	lk->done = true;
	if (ev->kind == CLIENT_EV_ERROR) {
		snprintf(lk->err, sizeof lk->err, "%s",
		    ev->err ? ev->err : "request failed");
		return;
	}
	if (ev->req == CLIENT_REQ_HARDWARE && ev->hardware != NULL) {
		lk->hw = ev->hardware;
		ev->hardware = NULL;	/* ours now */
		return;
	}
	if (ev->req != CLIENT_REQ_MODEL || (m = ev->model) == NULL ||
	    lk->mi == NULL)
		return;
	lk->mi->ok = true;
	lk->mi->is_official = m->is_official;
	lk->mi->is_private = m->visibility != NULL &&
	    strcmp(m->visibility, "private") == 0;
	lk->mi->example_s = -1;
	if (m->default_example != NULL &&
	    m->default_example->metrics.predict_time > 0)
		lk->mi->example_s = m->default_example->metrics.predict_time;
}

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A client for the configured API with its token; NULL with err. */
static struct client *
open_client(const char *what, char *err, size_t errsz)
{
	char e[CLIENT_ERR_MAX];
	struct client_config cc;
	struct config cfg;
	struct client *c;
	const char *token;

	if (config_load(&cfg, true, e, sizeof e) != CLIENT_OK) {
		snprintf(err, errsz, "%s", e);
		return NULL;
	}
	token = config_token(&cfg);
	if (token == NULL || *token == '\0') {
		config_done(&cfg);
		snprintf(err, errsz, "%s needs REPLICATE_API_TOKEN", what);
		return NULL;
	}
	client_config_defaults(&cc);
	cc.api_base = config_api_base(&cfg);
	cc.token = token;
	cc.request_timeout_ms = COST_CMD_TIMEOUT_MS;
	c = client_new(&cc, e, sizeof e);
	config_done(&cfg);
	if (c == NULL)
		snprintf(err, errsz, "%s", e);
	return c;
}

/* Drive c until the one request started on it has answered. */
static void
wait_done(struct client *c, struct lookup *lk)
{
	double deadline = mono_s() + COST_CMD_TIMEOUT_MS / 1000.0 + 5;
	char err[CLIENT_ERR_MAX];

	while (!lk->done && mono_s() < deadline) {
		if (client_wait(c, NULL, 0, client_timeout_ms(c, 250), err,
		    sizeof err) != 0) {
			snprintf(lk->err, sizeof lk->err, "%s", err);
			return;
		}
		client_pump(c, on_event, lk);
	}
	if (!lk->done)
		snprintf(lk->err, sizeof lk->err, "no answer in %d s",
		    COST_CMD_TIMEOUT_MS / 1000 + 5);
}

/*
 * No token: the catalogue snapshot compiled into the binary. 0 when the
 * model is in it (mi filled, from says where the figure came from), else
 * -1 with mi->err.
 */
static int
snapshot_model(const char *owner, const char *name, struct model_info *mi)
{
	struct model_page pg;
	char err[CLIENT_ERR_MAX], src[256], date[32];
	size_t i;
	int rc = -1;

	memset(&pg, 0, sizeof pg);
	if (replicate_snapshot_models(&pg, err, sizeof err) != CLIENT_OK) {
		snprintf(mi->err, sizeof mi->err, "%s", err);
		return -1;
	}
	if (replicate_snapshot_info(src, sizeof src, date, sizeof date) != 0)
		snprintf(date, sizeof date, "?");
	for (i = 0; i < pg.n; i++) {
		const struct model *m = &pg.items[i];

		if (m->owner == NULL || m->name == NULL ||
		    strcmp(m->owner, owner) != 0 || strcmp(m->name, name) != 0)
			continue;
		mi->ok = true;
		mi->is_official = m->is_official;
		mi->is_private = m->visibility != NULL &&
		    strcmp(m->visibility, "private") == 0;
		mi->example_s = m->default_example != NULL &&
		    m->default_example->metrics.predict_time > 0 ?
		    m->default_example->metrics.predict_time : -1;
		snprintf(mi->from, sizeof mi->from, "the offline catalogue "
		    "snapshot of %s", date);
		rc = 0;
		break;
	}
	if (rc != 0)
		snprintf(mi->err, sizeof mi->err, "not in the offline "
		    "catalogue snapshot; set REPLICATE_API_TOKEN to look it "
		    "up, or give --seconds S");
	replicate_model_page_done(&pg);
	return rc;
}

static int
fetch_model(const char *ref, struct model_info *mi)
{
	char owner[128], name[128], version[128];
	struct lookup lk;
	struct client *c;

	memset(mi, 0, sizeof *mi);
	memset(&lk, 0, sizeof lk);
	mi->example_s = -1;
	lk.mi = mi;
	if (replicate_ref_split(ref, owner, sizeof owner, name, sizeof name,
	    version, sizeof version) != 0) {
		snprintf(mi->err, sizeof mi->err, "expected OWNER/NAME");
		return -1;
	}
	c = open_client("looking up the model's default example", mi->err,
	    sizeof mi->err);
	if (c == NULL) {
		if (strstr(mi->err, "REPLICATE_API_TOKEN") != NULL) {
			mi->err[0] = '\0';
			return snapshot_model(owner, name, mi);
		}
		return -1;
	}
	snprintf(mi->from, sizeof mi->from, "GET /v1/models/%s/%s", owner,
	    name);
	if (replicate_model_get(c, owner, name, lk.err, sizeof lk.err) != 0)
		wait_done(c, &lk);
	client_free(c);
	if (!mi->ok)
		snprintf(mi->err, sizeof mi->err, "%s", lk.err[0] ? lk.err :
		    "model get failed");
	return mi->ok ? 0 : -1;
}

/* GET /v1/hardware: the SKUs the account may select. Caller frees. */
static struct hardware_list *
fetch_hardware(char *err, size_t errsz)
{
	struct lookup lk;
	struct client *c;

	memset(&lk, 0, sizeof lk);
	c = open_client("--available (GET /v1/hardware)", err, errsz);
	if (c == NULL)
		return NULL;
	if (replicate_hardware_list(c, lk.err, sizeof lk.err) != 0)
		wait_done(c, &lk);
	client_free(c);
	if (lk.hw == NULL)
		snprintf(err, errsz, "%s", lk.err[0] ? lk.err :
		    "hardware list failed");
	return lk.hw;
}

/* ---- JSON --------------------------------------------------------------- */

static void
json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void
json_num(double v)
{
	if (isfinite(v))
		printf("%.10g", v);
	else
		fputs("null", stdout);
}

static void
json_kv_str(const char *k, const char *v, bool comma)
{
	printf("\"%s\":", k);
	if (v)
		json_str(v);
	else
		fputs("null", stdout);
	if (comma)
		putchar(',');
}

static void
json_kv_num(const char *k, double v, bool comma)
{
	printf("\"%s\":", k);
	json_num(v);
	if (comma)
		putchar(',');
}

/* ---- output ------------------------------------------------------------- */

static void
print_gpus(bool json)
{
	size_t i;

	if (json) {
		printf("{\"date\":");
		json_str(COST_SPEED_DATE);
		printf(",\"source\":");
		json_str(COST_SPEED_SOURCE);
		printf(",\"gpus\":[");
		for (i = 0; i < cost_gpu_count(); i++) {
			const struct cost_gpu *g = cost_gpu_at(i);

			printf("%s{", i ? "," : "");
			json_kv_str("key", g->key, true);
			json_kv_str("name", g->name, true);
			json_kv_num("tflops", g->tflops, true);
			json_kv_num("mem_bw_gbs", g->mem_bw_gbs, true);
			json_kv_num("memory_gb", g->memory_gb, true);
			json_kv_str("spec", g->spec, false);
			putchar('}');
		}
		printf("]}\n");
		return;
	}
	printf("relative speed for carrying a measured time between GPUs\n"
	    "source: %s, compiled %s.\nThese are spec-sheet figures, not "
	    "measurements: every carried time is an estimate.\n\n",
	    COST_SPEED_SOURCE, COST_SPEED_DATE);
	printf("%-10s %-24s %8s %9s %7s  %s\n", "KEY", "NAME", "TFLOPS",
	    "GB/S", "MEM GB", "SPEC");
	for (i = 0; i < cost_gpu_count(); i++) {
		const struct cost_gpu *g = cost_gpu_at(i);

		printf("%-10s %-24s %8.1f %9.0f %7.0f  %s\n", g->key, g->name,
		    g->tflops, g->mem_bw_gbs, g->memory_gb, g->spec);
	}
}

static void
print_json(const struct opts *o, const struct cost_table *t,
    const struct tier_row *rows, size_t n, const struct model_info *mi,
    const struct cost_deploy_in *dep)
{
	size_t i;

	printf("{\"prices\":{");
	json_kv_str("date", t->date, true);
	json_kv_str("source", t->source, true);
	json_kv_str("user_file", t->user_file[0] ? t->user_file : NULL, true);
	json_kv_str("user_date", t->user_date[0] ? t->user_date : NULL, false);
	printf("},");
	json_kv_str("model", o->model, true);
	if (mi != NULL && mi->ok) {
		printf("\"example_seconds\":");
		json_num(mi->example_s > 0 ? mi->example_s : NAN);
		printf(",");
		json_kv_str("model_from", mi->from, true);
	}
	json_kv_str("billing", cost_billing_key(o->mode), true);
	json_kv_str("billed", cost_billing_what(o->mode), true);
	if (o->have_runs)
		printf("\"runs\":%" PRIu64 ",\"concurrency\":%u,", o->runs,
		    o->concurrency);
	printf("\"tiers\":[");
	for (i = 0; i < n; i++) {
		const struct tier_row *r = &rows[i];

		printf("%s{", i ? "," : "");
		json_kv_str("sku", r->sku, true);
		if (r->p == NULL) {
			if (r->api_name)
				json_kv_str("name", r->api_name, true);
			printf("\"known\":false,\"price\":\"unknown\"}");
			continue;
		}
		printf("\"known\":true,");
		json_kv_str("name", r->p->name, true);
		json_kv_num("usd_per_second", r->p->usd_per_second, true);
		printf("\"gpu_count\":%d,", r->p->gpu_count);
		json_kv_num("gpu_memory_gb", r->p->gpu_memory_gb, true);
		json_kv_str("date", r->p->date, true);
		json_kv_str("source", r->p->source, true);
		json_kv_str("origin", r->p->origin == COST_ORIGIN_USER ?
		    "user" : "shipped", true);
		json_kv_str("seconds_source", cost_seconds_key(r->secs.src),
		    true);
		json_kv_str("seconds_note", r->secs.note, true);
		printf("\"estimate\":%s,", r->secs.estimate ? "true" : "false");
		if (!r->have_run) {
			json_kv_str("error", r->err, false);
			putchar('}');
			continue;
		}
		json_kv_num("seconds", r->secs.seconds, true);
		if (r->secs.estimate) {
			json_kv_num("seconds_lo", r->secs.lo, true);
			json_kv_num("seconds_hi", r->secs.hi, true);
		}
		json_kv_num("per_run_usd", r->run.usd, true);
		json_kv_str("per_run", r->run.usd_text, true);
		printf("\"runs_per_dollar\":%" PRIu64, r->run.runs_per_dollar);
		if (r->have_batch) {
			printf(",\"batch\":{");
			json_kv_num("billed_seconds", r->batch.billed_s, true);
			json_kv_num("total_usd", r->batch.total_usd, true);
			json_kv_num("wall_seconds", r->batch.wall_s, true);
			printf("\"lanes\":%u}", r->batch.lanes);
		}
		if (r->have_dep) {
			printf(",\"deployment\":{");
			printf("\"instances\":%u,", r->dep.instances);
			printf("\"overloaded\":%s,\"sparse\":%s,",
			    r->dep.overloaded ? "true" : "false",
			    r->dep.sparse ? "true" : "false");
			json_kv_num("load", r->dep.load, true);
			json_kv_num("rph_served", r->dep.rph_served, true);
			json_kv_num("online_seconds_per_day",
			    r->dep.online_s_day, true);
			json_kv_num("utilization", r->dep.utilization, true);
			json_kv_num("monthly_usd", r->dep.monthly_usd, true);
			json_kv_num("per_request_usd", r->dep.per_request_usd,
			    true);
			json_kv_num("public_monthly_usd",
			    r->dep.public_monthly_usd, false);
			putchar('}');
		}
		putchar('}');
	}
	printf("]");
	if (dep != NULL) {
		printf(",\"deployment\":{\"min\":%u,\"max\":%u,",
		    dep->min_instances, dep->max_instances);
		json_kv_num("hours", dep->hours_per_day, true);
		json_kv_num("rph", dep->rph, true);
		json_kv_num("idle", dep->idle_s, true);
		json_kv_num("boot", dep->boot_s, true);
		json_kv_num("days_per_month", COST_DAYS_PER_MONTH, false);
		putchar('}');
	}
	printf("}\n");
}

/* Where the seconds came from, once for the whole table. */
static void
print_seconds_note(const struct opts *o, const struct tier_row *rows,
    size_t n, const struct model_info *mi)
{
	char b[COST_FMT_MAX];
	bool seen[COST_SECONDS__COUNT] = { false }, first = true;
	size_t i;

	for (i = 0; i < n; i++) {
		enum cost_seconds_source s = rows[i].secs.src;

		if (!rows[i].have_run || seen[s])
			continue;
		seen[s] = true;
		printf("%sseconds: ", first ? "\n" : "");
		first = false;
		switch (s) {
		case COST_SECONDS_LOCAL: {
			const struct cost_gpu *g;

			g = cost_gpu_find(o->measured_gpu);

			printf("%s: %s on %s, carried to each tier\n",
			    cost_seconds_label(s),
			    cost_fmt_seconds(o->measured_s, b, sizeof b),
			    g ? g->name : "?");
			break;
		}
		case COST_SECONDS_EXAMPLE:
			printf("%s: the model's default_example took %s\n",
			    cost_seconds_label(s), mi && mi->example_s > 0 ?
			    cost_fmt_seconds(mi->example_s, b, sizeof b) : "?");
			break;
		default:
			printf("%s\n", rows[i].secs.note);
			break;
		}
	}
}

static void
print_table(const struct opts *o, const struct cost_table *t,
    const struct tier_row *rows, size_t n, const struct model_info *mi,
    const struct cost_deploy_in *dep)
{
	char desc[512], b1[COST_FMT_MAX], b2[COST_FMT_MAX], b3[COST_FMT_MAX];
	char sk[COST_SKU_MAX + 8];
	bool any_est = false, any_user = false, over = false, zero = false;
	size_t i;

	cost_table_describe(t, desc, sizeof desc);
	if (o->model != NULL) {
		char m[160];

		printf("model: %s", safe(o->model, m, sizeof m));
		if (mi != NULL && mi->ok && mi->example_s > 0)
			printf(" (default example: %s, from %s)",
			    cost_fmt_seconds(mi->example_s, b1, sizeof b1),
			    mi->from);
		putchar('\n');
	}
	printf("billing: %s: %s\n", cost_billing_key(o->mode),
	    cost_billing_what(o->mode));
	printf("%s\n", desc);
	if (o->have_runs)
		printf("batch: %" PRIu64 " run%s at concurrency %u%s\n",
		    o->runs, o->runs == 1 ? "" : "s", o->concurrency,
		    cost_billing_is_timed(o->mode) && o->mode !=
		    COST_BILL_PUBLIC && o->mode != COST_BILL_FAST_BOOT ?
		    (o->have_idle ? "" : " (idle 300 s assumed)") : "");
	putchar('\n');
	printf("%-18s %-26s %12s %9s %9s %8s", "SKU", "NAME", "$/S", "SECONDS",
	    "PER RUN", "RUNS/$1");
	if (o->have_runs)
		printf(" %12s %13s", "BATCH", "WALL");
	putchar('\n');
	for (i = 0; i < n; i++) {
		const struct tier_row *r = &rows[i];

		safe(r->sku, sk, sizeof sk);
		if (r->p == NULL) {
			char nm[COST_NAME_MAX];

			printf("%-18s %-26s %12s\n", sk, r->api_name ?
			    safe(r->api_name, nm, sizeof nm) : "?",
			    "price unknown");
			continue;
		}
		any_user |= r->p->origin == COST_ORIGIN_USER;
		if (r->p->origin == COST_ORIGIN_USER)
			strncat(sk, "*", sizeof sk - strlen(sk) - 1);
		printf("%-18s %-26s %12s", sk, r->p->name,
		    cost_fmt_price(r->p->usd_per_second, b1, sizeof b1));
		if (!r->have_run) {
			printf(" %9s  %s\n", "-", r->err);
			continue;
		}
		any_est |= r->secs.estimate;
		cost_fmt_seconds(r->secs.seconds, b2, sizeof b2);
		if (r->secs.estimate) {
			char est[COST_FMT_MAX + 2];

			snprintf(est, sizeof est, "~%s", b2);
			printf(" %9s", est);
		} else
			printf(" %9s", b2);
		printf(" %9s %8s", r->run.usd_text, r->run.runs_text);
		if (r->have_batch)
			printf(" %12s %13s",
			    cost_fmt_usd(r->batch.total_usd, b1, sizeof b1),
			    cost_fmt_seconds(r->batch.wall_s, b2, sizeof b2));
		putchar('\n');
	}
	print_seconds_note(o, rows, n, mi);
	if (any_est)
		printf("~ estimate: carried by the relative-speed table (%s, "
		    "%s); see --gpus\n", COST_SPEED_SOURCE, COST_SPEED_DATE);
	if (any_user)
		printf("* price from your prices file\n");
	if (dep != NULL) {
		printf("\ndeployment: min %u, max %u instances; %g h a day at "
		    "%g requests/h; idle %g s, boot %g s; 30-day month\n",
		    dep->min_instances, dep->max_instances, dep->hours_per_day,
		    dep->rph, dep->idle_s, dep->boot_s);
		printf("%-18s %9s %12s %6s %13s %11s %13s\n", "SKU",
		    "INSTANCES", "ONLINE/DAY", "BUSY", "MONTHLY", "PER REQ",
		    "PUBLIC");
		for (i = 0; i < n; i++) {
			const struct tier_row *r = &rows[i];
			char on[COST_FMT_MAX], busy[16];

			if (!r->have_dep)
				continue;
			snprintf(busy, sizeof busy, "%.0f%%",
			    r->dep.utilization * 100);
			printf("%-18s %8u%s %12s %6s %13s %11s %13s\n",
			    safe(r->sku, sk, sizeof sk), r->dep.instances,
			    r->dep.overloaded ? "!" : r->dep.sparse ? "z" : " ",
			    cost_fmt_seconds(r->dep.online_s_day, on,
			    sizeof on),
			    busy,
			    cost_fmt_usd(r->dep.monthly_usd, b1, sizeof b1),
			    cost_fmt_usd(r->dep.per_request_usd, b2, sizeof b2),
			    cost_fmt_usd(r->dep.public_monthly_usd, b3,
			    sizeof b3));
		}
		for (i = 0; i < n; i++)
			over |= rows[i].have_dep && rows[i].dep.overloaded,
			zero |= rows[i].have_dep && rows[i].dep.sparse;
		if (over)
			printf("! overloaded: max instances cannot keep up; "
			    "requests queue (only what they serve is "
			    "counted)\n");
		if (zero)
			printf("z scales to zero between requests: each one "
			    "boots, runs and idles\n");
		printf("PUBLIC: the same requests on a public model, active "
		    "time only\n");
	}
}

/* With one SKU and --boot: what a cold start costs in time and money. */
static void
print_cold_start(const struct opts *o, const struct tier_row *r)
{
	struct cost_cold_start cs;
	char b1[COST_FMT_MAX], b2[COST_FMT_MAX], b3[COST_FMT_MAX];
	char b4[COST_FMT_MAX], b5[COST_FMT_MAX], b6[COST_FMT_MAX];
	int ph;

	if (cost_cold_start(o->mode, r->p->usd_per_second, o->boot_s,
	    r->secs.seconds, o->idle_s, &cs, NULL, 0) != 0)
		return;
	printf("\ncold start on %s (%s):\n", r->p->sku,
	    cost_billing_key(o->mode));
	for (ph = 0; ph < COST_PHASE__COUNT; ph++)
		printf("  %-8s %-7s %s\n", cost_phase_name((enum cost_phase)ph),
		    cost_phase_billed((enum cost_phase)ph, o->mode) ?
		    "billed" : "free", cost_phase_what((enum cost_phase)ph));
	printf("  wait %s (boot %s + run %s); billed %s = %s; warm: %s\n",
	    cost_fmt_seconds(cs.wait_s, b1, sizeof b1),
	    cost_fmt_seconds(o->boot_s, b2, sizeof b2),
	    cost_fmt_seconds(r->secs.seconds, b3, sizeof b3),
	    cost_fmt_seconds(cs.billed_s, b4, sizeof b4),
	    cost_fmt_usd(cs.usd, b5, sizeof b5),
	    cost_fmt_usd(cs.usd_warm, b6, sizeof b6));
}

static void
fill_row(const struct opts *o, const struct cost_table *t,
    const struct cost_timing *tm, const struct cost_deploy_in *dep,
    struct tier_row *r)
{
	struct cost_batch_in bi;

	struct cost_tier_estimate te;

	if (r->p == NULL)
		return;
	cost_estimate_tier(t, tm, r->p, &te);
	r->secs = te.secs;
	r->run = te.run;
	snprintf(r->err, sizeof r->err, "%s", te.err);
	if (!te.ok)
		return;
	r->have_run = true;
	if (o->have_runs) {
		memset(&bi, 0, sizeof bi);
		bi.runs = o->runs;
		bi.seconds = r->secs.seconds;
		bi.usd_per_second = r->p->usd_per_second;
		bi.concurrency = o->concurrency;
		bi.mode = o->mode;
		bi.boot_s = o->boot_s;
		bi.idle_s = o->idle_s;
		r->have_batch = cost_batch(&bi, &r->batch, NULL, 0) == 0;
	}
	if (dep != NULL) {
		struct cost_deploy_in d = *dep;

		if (!(d.seconds > 0))
			d.seconds = r->secs.seconds;
		d.usd_per_second = r->p->usd_per_second;
		r->have_dep = cost_deploy(&d, &r->dep, r->err,
		    sizeof r->err) == 0;
	}
}

int
cmd_cost(int argc, char **argv)
{
	static struct cost_table table;
	static struct tier_row rows[COST_CMD_MAX_SKUS];
	struct cost_deploy_in dep, *depp = NULL;
	struct cost_timing tm;
	struct model_info mi, *mip = NULL;
	struct hardware_list *hw = NULL;
	static struct opts o;
	char err[512], ms[512];
	size_t n = 0, i, known = 0;
	int rc;

	setlocale(LC_NUMERIC, "C");	/* JSON numbers; our own text is
					   locale-free anyway */
	if ((rc = parse_args(argc, argv, &o)) != 0)
		return rc < 0 ? 0 : rc;
	if (o.gpus) {
		print_gpus(o.json);
		return 0;
	}
	safe(o.model ? o.model : "", ms, 160);
	if (cost_table_load(&table, err, sizeof err) != 0) {
		fprintf(stderr, "r8play cost: %s\n", safe(err, ms, sizeof ms));
		return 1;
	}
	memset(&dep, 0, sizeof dep);
	if (o.deployment != NULL) {
		dep.min_instances = 1;
		dep.max_instances = 1;
		dep.hours_per_day = 24;
		dep.rph = 60;
		dep.idle_s = COST_CMD_DEFAULT_IDLE;
		if (cost_deploy_parse(o.deployment, &dep, err, sizeof err) != 0)
			return usage_error(err, NULL);
		if (dep.max_instances < dep.min_instances ||
		    dep.max_instances < 1)
			return usage_error("--deployment: need max >= 1 and "
			    "min <= max", o.deployment);
		depp = &dep;
	}

	memset(&tm, 0, sizeof tm);
	if (o.have_seconds)
		tm.typed_seconds = o.seconds;
	if (o.measured != NULL) {
		tm.local_seconds = o.measured_s;
		tm.local_gpu = o.measured_gpu;
	}
	if (o.model != NULL && !o.have_seconds) {
		mip = &mi;
		if (fetch_model(o.model, &mi) != 0) {
			if (o.measured == NULL) {
				fprintf(stderr, "r8play cost: %s: %s\n",
				    ms, safe(mi.err, err, sizeof err));
				return 1;
			}
		} else {
			if (mi.is_official) {
				if (o.json) {
					printf("{\"model\":");
					json_str(o.model);
					printf(",\"billing\":\"per-output\","
					    "\"billed\":");
					json_str("official model: priced per "
					    "output or per token, not per "
					    "second");
					printf(",\"tiers\":[]}\n");
				} else
					printf("%s is an official model: "
					    "priced per output or per token, "
					    "not per second (see its model "
					    "page)\n", ms);
				return 0;
			}
			if (mi.is_private && o.mode == COST_BILL_PUBLIC)
				o.mode = COST_BILL_PRIVATE;
			if (mi.example_s > 0)
				tm.example_seconds = mi.example_s;
			else if (o.measured == NULL) {
				fprintf(stderr, "r8play cost: %s has no "
				    "default example timing; give --seconds "
				    "S\n", ms);
				return 1;
			}
		}
	}
	if (!o.have_seconds && o.measured == NULL && o.model == NULL &&
	    !(depp != NULL && dep.seconds > 0))
		return usage_error("how long does a run take? give --seconds "
		    "S, --measured GPU=S, or OWNER/NAME", NULL);
	if (depp != NULL && dep.seconds > 0 && !o.have_seconds &&
	    tm.example_seconds == 0 && o.measured == NULL)
		tm.typed_seconds = dep.seconds;

	if (o.available) {
		if (o.have_hardware)
			return usage_error("--available and --hardware are "
			    "exclusive", NULL);
		hw = fetch_hardware(err, sizeof err);
		if (hw == NULL) {
			fprintf(stderr, "r8play cost: %s\n",
			    safe(err, ms, sizeof ms));
			return 1;
		}
		for (i = 0; i < hw->n && n < COST_CMD_MAX_SKUS; i++) {
			if (hw->items[i].sku == NULL)
				continue;
			rows[n].sku = hw->items[i].sku;
			rows[n].api_name = hw->items[i].name;
			rows[n].p = cost_table_find(&table, rows[n].sku);
			n++;
		}
		if (n == 0) {
			replicate_hardware_free(hw);
			fprintf(stderr, "r8play cost: GET /v1/hardware listed "
			    "no SKU\n");
			return 1;
		}
	} else if (o.have_hardware) {
		char *p, *tok;

		for (p = o.hardware; (tok = strtok(p, ",")) != NULL; p = NULL) {
			if (n == COST_CMD_MAX_SKUS)
				return usage_error("--hardware: too many SKUs",
				    NULL);
			rows[n].sku = tok;
			rows[n].p = cost_table_find(&table, tok);
			n++;
		}
		if (n == 0)
			return usage_error("--hardware wants a SKU", NULL);
	} else
		for (i = 0; i < table.n; i++) {
			rows[n].sku = table.rows[i].sku;
			rows[n].p = &table.rows[i];
			n++;
		}
	for (i = 0; i < n; i++) {
		known += rows[i].p != NULL;
		fill_row(&o, &table, &tm, depp, &rows[i]);
	}
	if (known == 0) {
		char s[COST_SKU_MAX + 8];

		fprintf(stderr, "r8play cost: %s: price unknown (not in the "
		    "price table; add it to your prices file, see --help)\n",
		    safe(rows[0].sku, s, sizeof s));
		replicate_hardware_free(hw);
		return 1;
	}
	if (o.json)
		print_json(&o, &table, rows, n, mip, depp);
	else {
		print_table(&o, &table, rows, n, mip, depp);
		if (n == 1 && rows[0].have_run && o.boot_s > 0)
			print_cold_start(&o, &rows[0]);
	}
	replicate_hardware_free(hw);
	return 0;
}
