/*
 * tui/cli/cost_print.c: what `r8play cost` prints: the tier table, the
 * cold-start lines, the GPU speed table, and --json's one object.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tui/cli/cost_cmd.h"
#include "tui/cli/out.h"

/* ---- JSON --------------------------------------------------------------- */

/* A JSON string; NULL prints as "". */
static void
json_str(const char *s)
{
	out_json_str(stdout, s != NULL ? s : "");
}

/* A JSON number to 10 significant digits; NaN and infinities print as null. */
static void
json_num(double v)
{
	if (isfinite(v))
		printf("%.10g", v);
	else
		fputs("null", stdout);
}

/* "key":"value" (null for NULL), then a comma when more follow. */
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

/* "key":number (json_num), then a comma when more follow. */
static void
json_kv_num(const char *k, double v, bool comma)
{
	printf("\"%s\":", k);
	json_num(v);
	if (comma)
		putchar(',');
}

/* ---- output ------------------------------------------------------------- */

void
cost_print_gpus(bool json)
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

void
cost_print_json(const struct cost_opts *o, const struct cost_table *t,
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
print_seconds_note(const struct cost_opts *o, const struct tier_row *rows,
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

void
cost_print_table(const struct cost_opts *o, const struct cost_table *t,
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

		printf("model: %s", out_safe_str(o->model, m, sizeof m));
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

		out_safe_str(r->sku, sk, sizeof sk);
		if (r->p == NULL) {
			char nm[COST_NAME_MAX];

			printf("%-18s %-26s %12s\n", sk, r->api_name ?
			    out_safe_str(r->api_name, nm, sizeof nm) : "?",
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
			    out_safe_str(r->sku, sk, sizeof sk), r->dep.instances,
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
void
cost_print_cold_start(const struct cost_opts *o, const struct tier_row *r)
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

