/*
 * tui/cli/cost.c: `r8play cost`: what a run costs on every hardware tier,
 * as Replicate bills it, plus batch and deployment forecasts. Glue only:
 * the arithmetic is client/cost/; a model's default_example metrics
 * come from client/replicate/replicate.h (GET /v1/models/{owner}/{name}). Prints to
 * stdout (the table, or one JSON object with --json), errors to stderr.
 * Exit status: 0 ok, 1 the estimate failed (network, prices file, no known
 * SKU), 2 usage.
 */

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
#include "client/cost/cost_quote.h"
#include "client/replicate/replicate.h"
#include "tui/cli/cli.h"
#include "tui/cli/cost_cmd.h"
#include "tui/cli/out.h"
#include "tui/cli/session.h"

extern const struct cli_cmd cli_cmd_cost;	/* at the end */

#define COST_CMD_MAX_SKUS	COST_MAX_ROWS	/* --hardware a,b,c */
#define COST_CMD_SWEEP_MAX	16		/* --sweep 3x4x2 */
#define COST_CMD_TIMEOUT_MS	30000		/* model get, whole */
#define COST_CMD_DEFAULT_IDLE	300.0	/* "a few minutes": an assumption */

/* "r8play cost: msg (got "arg")" and the usage; returns CLI_USAGE. */
static int
usage_error(const char *msg, const char *arg)
{
	if (arg != NULL)
		return cli_usage_error(&cli_cmd_cost, "%s (got \"%s\")", msg,
		    arg);
	return cli_usage_error(&cli_cmd_cost, "%s", msg);
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

/* The options, in argv order (later ones win), into o. */
static int
parse_args(const struct cli_args *args, struct cost_opts *o)
{
	size_t i;

	memset(o, 0, sizeof *o);
	o->concurrency = 1;
	o->mode = COST_BILL_PUBLIC;
	o->idle_s = COST_CMD_DEFAULT_IDLE;
	if (args->noperands > 0) {
		o->model = args->operands[0];
		if (strchr(o->model, '/') == NULL)
			return usage_error("expected OWNER/NAME", o->model);
	}
	o->json = cli_flag(args, "--json");
	o->gpus = cli_flag(args, "--gpus");
	o->available = cli_flag(args, "--available");
	o->api_base = cli_value(args, "--api-base");
	for (i = 0; i < args->nargs; i++) {
		const char *name = args->args[i].opt->name;
		const char *v = args->args[i].value;

		if (strcmp(name, "--private") == 0)
			o->mode = COST_BILL_PRIVATE;
		else if (v == NULL || strcmp(name, "--api-base") == 0)
			continue;	/* the flags above */
		else if (strcmp(name, "--seconds") == 0) {
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
		}
	}
	return 0;
}

/* ---- the model lookup and GET /v1/hardware ---------------------------- */

/* What the model's answer says about billing and timing. */
static void
take_model(const struct model *m, struct model_info *mi)
{
	mi->ok = true;
	mi->is_official = m->is_official;
	mi->is_private = m->visibility != NULL &&
	    strcmp(m->visibility, "private") == 0;
	mi->example_s = -1;
	if (m->default_example != NULL &&
	    m->default_example->metrics.predict_time > 0)
		mi->example_s = m->default_example->metrics.predict_time;
}

/*
 * A session for the configured API with its token (tui/cli/session.h,
 * as every command). 0, or -1 with err (empty when the session already
 * said why).
 */
static int
open_session(struct session *ss, const struct cost_opts *o, const char *what,
    char *err, size_t errsz)
{
	struct session_opts so;

	memset(&so, 0, sizeof so);
	so.api_base = o->api_base;
	so.request_timeout_ms = COST_CMD_TIMEOUT_MS;
	err[0] = '\0';
	if (session_open(ss, "cost", &so) != 0) {
		session_close(ss);
		return -1;
	}
	if (config_token(&ss->cfg) == NULL) {
		session_close(ss);
		snprintf(err, errsz, "%s needs REPLICATE_API_TOKEN", what);
		return -1;
	}
	return 0;
}

/* Wait for the one request started on ss; 0 when it succeeded. */
static int
wait_done(struct session *ss, unsigned id, char *err, size_t errsz)
{
	if (session_wait(ss, id, COST_CMD_TIMEOUT_MS + 5000, false) != 0) {
		snprintf(err, errsz, "%s", ss->wait_rc == CLIENT_ETIMEOUT ?
		    "no answer in time" : ss->err);
		return -1;
	}
	if (ss->got.kind == CLIENT_EV_ERROR) {
		snprintf(err, errsz, "%s", ss->err);
		return -1;
	}
	return 0;
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
fetch_model(const struct cost_opts *o, struct model_info *mi)
{
	char owner[128], name[128], version[128];
	struct session ss;
	unsigned id;

	memset(mi, 0, sizeof *mi);
	mi->example_s = -1;
	if (replicate_ref_split(o->model, owner, sizeof owner, name,
	    sizeof name, version, sizeof version) != 0) {
		snprintf(mi->err, sizeof mi->err, "expected OWNER/NAME");
		return -1;
	}
	if (open_session(&ss, o, "looking up the model's default example",
	    mi->err, sizeof mi->err) != 0) {
		if (strstr(mi->err, "REPLICATE_API_TOKEN") != NULL) {
			mi->err[0] = '\0';
			return snapshot_model(owner, name, mi);
		}
		return -1;
	}
	snprintf(mi->from, sizeof mi->from, "GET /v1/models/%s/%s", owner,
	    name);
	id = replicate_model_get(ss.c, owner, name, mi->err, sizeof mi->err);
	if (id != 0 && wait_done(&ss, id, mi->err, sizeof mi->err) == 0 &&
	    ss.got.model != NULL)
		take_model(ss.got.model, mi);
	session_close(&ss);
	if (!mi->ok && mi->err[0] == '\0')
		snprintf(mi->err, sizeof mi->err, "model get failed");
	return mi->ok ? 0 : -1;
}

/* GET /v1/hardware: the SKUs the account may select. Caller frees. */
static struct hardware_list *
fetch_hardware(const struct cost_opts *o, char *err, size_t errsz)
{
	struct hardware_list *hw = NULL;
	struct session ss;
	unsigned id;

	if (open_session(&ss, o, "--available (GET /v1/hardware)", err,
	    errsz) != 0)
		return NULL;
	id = replicate_hardware_list(ss.c, err, errsz);
	if (id != 0 && wait_done(&ss, id, err, errsz) == 0) {
		hw = ss.got.hardware;
		ss.got.hardware = NULL;	/* ours now */
	}
	session_close(&ss);
	if (hw == NULL && err[0] == '\0')
		snprintf(err, errsz, "hardware list failed");
	return hw;
}

/*
 * One row's figures, from the quote every caller shares (client/cost/
 * cost_quote.h): the per-run estimate, and the batch and deployment
 * forecasts when asked for and the tier has a time.
 */
static void
fill_row(const struct cost_quote_in *qin, struct tier_row *r)
{
	struct cost_quote_tier q;

	if (r->p == NULL)
		return;
	cost_quote_one(qin, r->p, &q);
	r->secs = q.row.secs;
	r->run = q.row.run;
	snprintf(r->err, sizeof r->err, "%s", q.row.err);
	if (!q.row.ok)
		return;
	r->have_run = true;
	r->have_batch = q.has_batch;
	r->batch = q.batch;
	if (qin->deploy != NULL) {
		r->have_dep = q.has_deploy;
		r->dep = q.deploy;
		if (!q.has_deploy)
			snprintf(r->err, sizeof r->err, "%s", q.deploy_err);
	}
}

/* The rows to price: --available, --hardware, or every SKU of the table.
 * Returns 0, or the exit status. */
static int
cost_rows(struct cost_opts *o, const struct cost_table *table,
    struct tier_row *rows, size_t *np, struct hardware_list **hwp)
{
	struct hardware_list *hw;
	char err[512];
	size_t n = 0, i;

	if (o->available) {
		if (o->have_hardware)
			return usage_error("--available and --hardware are "
			    "exclusive", NULL);
		hw = *hwp = fetch_hardware(o, err, sizeof err);
		if (hw == NULL) {
			if (err[0] != '\0')
				out_err("cost", "%s", err);
			return 1;
		}
		for (i = 0; i < hw->n && n < COST_CMD_MAX_SKUS; i++) {
			if (hw->items[i].sku == NULL)
				continue;
			rows[n].sku = hw->items[i].sku;
			rows[n].api_name = hw->items[i].name;
			rows[n].p = cost_table_find(table, rows[n].sku);
			n++;
		}
		if (n == 0) {
			out_err("cost", "GET /v1/hardware listed no SKU");
			return 1;
		}
	} else if (o->have_hardware) {
		char *p, *tok;

		for (p = o->hardware; (tok = strtok(p, ",")) != NULL;
		    p = NULL) {
			if (n == COST_CMD_MAX_SKUS)
				return usage_error("--hardware: too many SKUs",
				    NULL);
			rows[n].sku = tok;
			rows[n].p = cost_table_find(table, tok);
			n++;
		}
		if (n == 0)
			return usage_error("--hardware wants a SKU", NULL);
	} else
		for (i = 0; i < table->n; i++) {
			rows[n].sku = table->rows[i].sku;
			rows[n].p = &table->rows[i];
			n++;
		}
	*np = n;
	return 0;
}

/* An official model is priced per output: say so. */
static void
print_official(const struct cost_opts *o)
{
	if (o->json) {
		printf("{\"model\":");
		out_json_str(stdout, o->model);
		printf(",\"billing\":\"per-output\",\"billed\":");
		out_json_str(stdout, "official model: priced per output or "
		    "per token, not per second");
		printf(",\"tiers\":[]}\n");
		return;
	}
	out_flat(stdout, o->model);
	printf(" is an official model: priced per output or per token, not "
	    "per second (see its model page)\n");
}

/* Where the seconds come from (tm); -1 to go on, else the exit status
 * (0 after print_official). */
static int
cost_timing_of(struct cost_opts *o, struct cost_timing *tm,
    struct model_info *mi, const struct cost_deploy_in *depp)
{
	memset(tm, 0, sizeof *tm);
	if (o->have_seconds)
		tm->typed_seconds = o->seconds;
	if (o->measured != NULL) {
		tm->local_seconds = o->measured_s;
		tm->local_gpu = o->measured_gpu;
	}
	if (o->model != NULL && !o->have_seconds) {
		if (fetch_model(o, mi) != 0) {
			if (o->measured == NULL) {
				if (mi->err[0] != '\0')
					out_err("cost", "%s: %s", o->model,
					    mi->err);
				return 1;
			}
		} else {
			if (mi->is_official) {
				print_official(o);
				return 0;
			}
			if (mi->is_private && o->mode == COST_BILL_PUBLIC)
				o->mode = COST_BILL_PRIVATE;
			if (mi->example_s > 0)
				tm->example_seconds = mi->example_s;
			else if (o->measured == NULL) {
				out_err("cost", "%s has no default example "
				    "timing; give --seconds S", o->model);
				return 1;
			}
		}
	}
	if (!o->have_seconds && o->measured == NULL && o->model == NULL &&
	    !(depp != NULL && depp->seconds > 0))
		return usage_error("how long does a run take? give --seconds "
		    "S, --measured GPU=S, or OWNER/NAME", NULL);
	if (depp != NULL && depp->seconds > 0 && !o->have_seconds &&
	    tm->example_seconds == 0 && o->measured == NULL)
		tm->typed_seconds = depp->seconds;
	return -1;
}

/* --deployment SPEC into dep; 0 or the usage status. */
static int
cost_deployment(const struct cost_opts *o, struct cost_deploy_in *dep)
{
	char err[512];

	memset(dep, 0, sizeof *dep);
	dep->min_instances = 1;
	dep->max_instances = 1;
	dep->hours_per_day = 24;
	dep->rph = 60;
	dep->idle_s = COST_CMD_DEFAULT_IDLE;
	if (cost_deploy_parse(o->deployment, dep, err, sizeof err) != 0)
		return usage_error(err, NULL);
	if (dep->max_instances < dep->min_instances || dep->max_instances < 1)
		return usage_error("--deployment: need max >= 1 and min <= "
		    "max", o->deployment);
	return 0;
}

static int
cost_run(const struct cli_args *args)
{
	static struct cost_table table;
	static struct tier_row rows[COST_CMD_MAX_SKUS];
	static struct cost_opts o;
	struct cost_deploy_in dep, *depp = NULL;
	struct cost_batch_in bi;
	struct cost_quote_in qin;
	struct cost_timing tm;
	struct model_info mi, *mip;
	struct hardware_list *hw = NULL;
	char err[512];
	size_t n = 0, i, known = 0;
	int rc;

	setlocale(LC_NUMERIC, "C");	/* JSON numbers; our own text is
					   locale-free anyway */
	memset(rows, 0, sizeof rows);
	memset(&mi, 0, sizeof mi);
	if ((rc = parse_args(args, &o)) != 0)
		return rc;
	if (o.gpus) {
		cost_print_gpus(o.json);
		return 0;
	}
	if (cost_table_load(&table, err, sizeof err) != 0) {
		out_err("cost", "%s", err);
		return 1;
	}
	if (o.deployment != NULL) {
		if ((rc = cost_deployment(&o, &dep)) != 0)
			return rc;
		depp = &dep;
	}
	if ((rc = cost_timing_of(&o, &tm, &mi, depp)) >= 0)
		return rc;
	if ((rc = cost_rows(&o, &table, rows, &n, &hw)) != 0) {
		replicate_hardware_free(hw);
		return rc;
	}
	memset(&bi, 0, sizeof bi);
	bi.runs = o.runs;
	bi.concurrency = o.concurrency;
	bi.mode = o.mode;
	bi.boot_s = o.boot_s;
	bi.idle_s = o.idle_s;
	memset(&qin, 0, sizeof qin);
	qin.table = &table;
	qin.timing = &tm;
	qin.batch = o.have_runs ? &bi : NULL;
	qin.deploy = depp;
	for (i = 0; i < n; i++) {
		known += rows[i].p != NULL;
		fill_row(&qin, &rows[i]);
	}
	if (known == 0) {
		out_err("cost", "%s: price unknown (not in the price table; "
		    "add it to your prices file, see --help)", rows[0].sku);
		replicate_hardware_free(hw);
		return 1;
	}
	mip = o.model != NULL && !o.have_seconds ? &mi : NULL;
	if (o.json)
		cost_print_json(&o, &table, rows, n, mip, depp);
	else {
		cost_print_table(&o, &table, rows, n, mip, depp);
		if (n == 1 && rows[0].have_run && o.boot_s > 0)
			cost_print_cold_start(&o, &rows[0]);
	}
	replicate_hardware_free(hw);
	return 0;
}

static const struct cli_opt cost_opts[] = {
	{ "--seconds", "S", "seconds per run, used as is (skips the model "
	    "lookup)", 0, CLI_COMP_NONE, NULL },
	{ "--measured", "GPU=S", "a run timed on your GPU (e.g. "
	    "rtx4090=3.2), carried to each tier by spec-sheet speed ratios: "
	    "an estimate", 0, CLI_COMP_NONE, NULL },
	{ "--hardware", "SKU[,SKU...]", "only these SKUs; one the table "
	    "lacks shows \"price unknown\" (exit 1 when none is known)", 0,
	    CLI_COMP_NONE, NULL },
	{ "--available", NULL, "only the SKUs GET /v1/hardware lists (needs "
	    "a token)", 0, CLI_COMP_NONE, NULL },
	{ "--runs", "N", "batch total and wall time of N runs", 0,
	    CLI_COMP_NONE, NULL },
	{ "--sweep", "AxBxC", "a sweep: runs = A x B x C (value counts of "
	    "the inputs)", 0, CLI_COMP_NONE, NULL },
	{ "--concurrency", "C", "runs at once in a batch (default 1)", 0,
	    CLI_COMP_NONE, NULL },
	{ "--private", NULL, "private model: setup + idle + active are "
	    "billed", 0, CLI_COMP_NONE, NULL },
	{ "--billing", "MODE", "public (default), private, deployment, "
	    "fast-boot", 0, CLI_COMP_WORDS,
	    "public private deployment fast-boot" },
	{ "--boot", "S", "setup seconds of a cold boot (default 0); with one "
	    "SKU also prints what a cold start costs", 0, CLI_COMP_NONE,
	    NULL },
	{ "--idle", "S", "idle seconds billed after a batch (private; default "
	    "300, assumed: Replicate says \"a few minutes\")", 0,
	    CLI_COMP_NONE, NULL },
	{ "--deployment", "SPEC", "monthly cost of a deployment on each tier, "
	    "e.g. min=1,max=3,hours=8,rph=120,idle=300[,boot=60][,seconds=S]: "
	    "min/max instances, busy hours a day, requests per hour in them, "
	    "idle window, boot time, seconds per request (default: the run's "
	    "seconds). Defaults min=1 max=1 hours=24 rph=60 idle=300 boot=0; a "
	    "month is 30 days", 0, CLI_COMP_NONE, NULL },
	{ "--gpus", NULL, "print the relative-speed table of GPUs and exit",
	    0, CLI_COMP_NONE, NULL },
	{ "--json", NULL, "one JSON object (prices, tiers[], batch, "
	    "deployment)", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_API_BASE,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_cost = {
	"cost", "[OWNER/NAME]", 0, 1, CLI_COMP_NONE,
	"estimate what a run costs on every hardware tier",
	"What one run costs on every Replicate hardware tier (or the SKUs "
	"given), built as the model page builds it: cost = $/s x seconds, "
	"shown to 2 significant figures; runs per $1 = floor(1 / cost).\n\n"
	"Seconds, most trusted first: --measured GPU=S; OWNER/NAME, the "
	"model's default_example predict_time (GET /v1/models/OWNER/NAME "
	"with a token, else the offline catalogue snapshot compiled in); "
	"--seconds S.\n\n"
	"Prices: compiled in from client/cost/prices.tsv (dated, sourced); "
	"yours in $R8PLAY_CONFIG_DIR/prices, else "
	"$XDG_CONFIG_HOME/r8play/prices, else ~/.config/r8play/prices "
	"override or add rows, one per line: `gpu-l40s = 0.000975` (USD per "
	"second; or 3.51/h per hour), the shipped tab-separated format "
	"(sku, name, usd_per_second, gpu_count, gpu_memory_gb, date, "
	"source[, gpu]; \"-\" = unknown), or `@date = 2026-11-30` (the date "
	"shown for your prices).",
	cost_opts, cost_run
};
