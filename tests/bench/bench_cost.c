/*
 * tests/bench/bench_cost.c: how long the cost module's work takes, printed
 * as a table (never asserted): loading the shipped table, a full prices
 * file at the size limit, one estimate, a whole tier table, a deployment.
 *   make bench-cost
 */
#include "client/cost/cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile double sink;

int
main(void)
{
	static struct cost_table base, t;
	struct cost_timing tm;
	struct cost_seconds s;
	struct cost_run r;
	struct cost_deploy_in din;
	struct cost_deploy_out dout;
	char err[256], *file;
	size_t len = 0, i, rows = 0;
	double t0, dt;
	int k, n;

	printf("%-40s %10s %14s\n", "operation", "runs", "us per run");
	n = 2000;
	t0 = now_s();
	for (k = 0; k < n; k++)
		if (cost_table_init(&base, err, sizeof err) != 0)
			return 1;
	dt = now_s() - t0;
	printf("%-40s %10d %14.2f\n", "cost_table_init (19 shipped rows)", n,
	    dt / n * 1e6);

	/* a user file just under COST_FILE_MAX, 100 new rows + overrides */
	file = malloc(COST_FILE_MAX);
	for (i = 0; len + 64 < COST_FILE_MAX; i++) {
		if (rows < 100 && i % 8 == 0) {
			len += (size_t)sprintf(file + len,
			    "sku-%zu = 0.00%zu\n", rows, rows % 9 + 1);
			rows++;
		} else if (i % 8 == 1)
			len += (size_t)sprintf(file + len,
			    "gpu-l40s = 3.51/h\n");
		else
			len += (size_t)sprintf(file + len, "# comment line "
			    "padding the file to its size limit\n");
	}
	n = 200;
	t0 = now_s();
	for (k = 0; k < n; k++) {
		t = base;
		if (cost_table_parse(&t, file, len, COST_ORIGIN_USER, "bench",
		    err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	}
	dt = now_s() - t0;
	printf("%-40s %10d %14.2f\n", "cost_table_parse (64 KiB user file)", n,
	    dt / n * 1e6);

	n = 1000000;
	t0 = now_s();
	for (k = 0; k < n; k++) {
		cost_run_estimate(0.000975, 2.9 + k * 1e-7, &r, err,
		    sizeof err);
		sink = r.usd_shown;
	}
	dt = now_s() - t0;
	printf("%-40s %10d %14.3f\n", "cost_run_estimate (one tier)", n,
	    dt / n * 1e6);

	memset(&tm, 0, sizeof tm);
	tm.local_seconds = 10;
	tm.local_gpu = "NVIDIA GeForce RTX 4090";
	n = 20000;
	t0 = now_s();
	for (k = 0; k < n; k++)
		for (i = 0; i < base.n; i++) {
			cost_seconds_pick(&base, &tm, &base.rows[i], &s);
			if (s.src != COST_SECONDS_NONE)
				cost_run_estimate(base.rows[i].usd_per_second,
				    s.seconds, &r, err, sizeof err);
		}
	dt = now_s() - t0;
	printf("%-40s %10d %14.2f\n", "all tiers, carried from a local run", n,
	    dt / n * 1e6);

	memset(&din, 0, sizeof din);
	cost_deploy_parse("min=1,max=3,hours=8,rph=120,idle=300,seconds=10",
	    &din, err, sizeof err);
	din.usd_per_second = 0.000975;
	n = 1000000;
	t0 = now_s();
	for (k = 0; k < n; k++) {
		din.rph = 120 + k % 1000;
		cost_deploy(&din, &dout, err, sizeof err);
		sink = dout.monthly_usd;
	}
	dt = now_s() - t0;
	printf("%-40s %10d %14.3f\n", "cost_deploy", n, dt / n * 1e6);
	free(file);
	return 0;
}
