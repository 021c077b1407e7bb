/*
 * tests/unit/t_client_gpu_energy.c: the energy sampler's arithmetic
 * (client/gpu/energy.c) and the local cost beside Replicate's tiers
 * (client/cost/local.c): exact integrals of piecewise-linear power, gaps
 * where power cannot be read, dropped samples, and the cost parts that
 * are counted or named as missing.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "client/cost/cost.h"
#include "client/cost/local.h"
#include "client/gpu/energy.h"
#include "tests/unit/t.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static void
test_energy(void)
{
	struct gpu_energy e;
	struct gpu_energy_summary s;

	/* nothing fed: nothing known */
	gpu_energy_init(&e);
	gpu_energy_summary(&e, &s);
	T_OK(!s.power_known && !s.energy_known && !s.vram_known);
	T_OK(s.seconds == 0);

	/* constant 250 W for 3.6 s: 0.25 Wh whatever the spacing */
	gpu_energy_init(&e);
	gpu_energy_add(&e, 100.0, 250, ULLONG_MAX);
	gpu_energy_add(&e, 100.1, 250, 5);
	gpu_energy_add(&e, 102.0, 250, 9);
	gpu_energy_add(&e, 103.6, 250, 7);
	gpu_energy_summary(&e, &s);
	T_OK(s.energy_known);
	T_OK(NEAR(s.wh, 0.25));
	T_OK(NEAR(s.avg_w, 250));
	T_OK(NEAR(s.seconds, 3.6));
	T_OK(s.vram_known && s.peak_vram == 9);

	/* ramp 0 -> 360 W over 10 s: trapezoid exact, 1800 J = 0.5 Wh */
	gpu_energy_init(&e);
	for (int i = 0; i <= 10; i++)
		gpu_energy_add(&e, i, 36.0 * i, ULLONG_MAX);
	gpu_energy_summary(&e, &s);
	T_OK(NEAR(s.wh, 0.5));
	T_OK(NEAR(s.peak_w, 360));
	T_OK(NEAR(s.avg_w, 180));
	T_OK(!s.vram_known);

	/* a gap: power unreadable at t=2 ends the stretch; 0..1 and 3..4
	 * are measured (100 W each second): 200 J over 2 of 4 seconds */
	gpu_energy_init(&e);
	gpu_energy_add(&e, 0, 100, ULLONG_MAX);
	gpu_energy_add(&e, 1, 100, ULLONG_MAX);
	gpu_energy_add(&e, 2, -1, ULLONG_MAX);
	gpu_energy_add(&e, 3, 100, ULLONG_MAX);
	gpu_energy_add(&e, 4, 100, ULLONG_MAX);
	gpu_energy_summary(&e, &s);
	T_OK(s.energy_known);
	T_OK(NEAR(s.wh, 200.0 / 3600));
	T_OK(NEAR(s.coverage, 0.5));
	T_OK(NEAR(s.avg_w, 100));

	/* power never readable: unknown, not 0 */
	gpu_energy_init(&e);
	gpu_energy_add(&e, 0, -1, 100);
	gpu_energy_add(&e, 5, -1, 200);
	gpu_energy_summary(&e, &s);
	T_OK(!s.power_known && !s.energy_known);
	T_OK(NEAR(s.seconds, 5));
	T_OK(s.peak_vram == 200);

	/* one powered sample: a reading, no energy */
	gpu_energy_init(&e);
	gpu_energy_add(&e, 0, 300, ULLONG_MAX);
	gpu_energy_summary(&e, &s);
	T_OK(s.power_known && !s.energy_known);
	T_OK(NEAR(s.peak_w, 300));

	/* out of order, NaN, infinite and absurd samples are dropped */
	gpu_energy_init(&e);
	gpu_energy_add(&e, 10, 100, ULLONG_MAX);
	gpu_energy_add(&e, 9, 100, ULLONG_MAX);
	gpu_energy_add(&e, NAN, 100, ULLONG_MAX);
	gpu_energy_add(&e, 11, NAN, ULLONG_MAX);
	gpu_energy_add(&e, 11, 1e9, ULLONG_MAX);
	gpu_energy_add(&e, INFINITY, 100, ULLONG_MAX);
	gpu_energy_add(&e, 12, 100, ULLONG_MAX);
	T_EQ(e.n_dropped, 5);
	T_EQ(e.n, 2);
	gpu_energy_summary(&e, &s);
	T_OK(NEAR(s.wh, 200.0 / 3600));
}

static void
test_local(void)
{
	struct cost_local_in in = { .seconds = 3600, .energy_known = true,
	    .energy_wh = 500, .electricity_price = 0.30,
	    .gpu_hour_price = -1 };
	struct cost_local out;
	char err[128] = "";

	char fb[256];

	/* 0.5 kWh at $0.30 */
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), 0);
	T_OK(out.known && out.energy_part && !out.machine_part);
	T_OK(NEAR(out.usd, 0.15));
	T_OK(strstr(out.note, "gpu_hour_price") != NULL);
	T_STREQ(cost_local_fmt(&out, fb, sizeof fb), "$0.15 (energy)");

	/* plus a rented box at $2/h */
	in.gpu_hour_price = 2.0;
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), 0);
	T_OK(out.energy_part && out.machine_part);
	T_OK(NEAR(out.machine_usd, 2.0));
	T_OK(NEAR(out.usd, 2.15));
	T_STREQ(out.note, "");
	T_STREQ(cost_local_fmt(&out, fb, sizeof fb),
	    "$2.15 (energy $0.15 + machine $2.00)");

	/* power unreadable: energy named as not counted, hour part stays */
	in.energy_known = false;
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), 0);
	T_OK(out.known && !out.energy_part);
	T_OK(NEAR(out.usd, 2.0));
	T_OK(strstr(out.note, "power cannot be read") != NULL);
	T_STREQ(cost_local_fmt(&out, fb, sizeof fb), "$2.00 (machine)");
	in.gpu_hour_price = -1;
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), 0);
	T_OK(!out.known);
	T_OK(strstr(out.note, "power cannot be read") != NULL);
	T_STREQ(cost_local_fmt(&out, fb, sizeof fb), out.note);

	/* nothing configured */
	in.energy_known = true;
	in.electricity_price = -1;
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), 0);
	T_OK(!out.known);
	T_OK(strstr(out.note, "electricity_price") != NULL);

	/* out of range */
	in.electricity_price = 1000;
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), -1);
	T_OK(strstr(err, "electricity_price") != NULL);
	in.electricity_price = 0.3;
	in.seconds = -1;
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), -1);
	in.seconds = NAN;
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), -1);
	in.seconds = 10;
	in.energy_wh = NAN;
	T_EQ(cost_local_compute(&in, &out, err, sizeof err), -1);
}

static void
test_compare(void)
{
	struct cost_table *t = malloc(sizeof *t);
	struct cost_local_in in = { .seconds = 10, .energy_known = true,
	    .energy_wh = 1, .electricity_price = 0.5,
	    .gpu_hour_price = -1 };
	struct cost_local lc;
	struct cost_local_row rows[COST_MAX_ROWS];
	char err[256];
	size_t n, n_all, i;
	bool l40s = false;

	T_EQ(cost_table_init(t, err, sizeof err), 0);
	T_EQ(cost_local_compute(&in, &lc, err, sizeof err), 0);
	T_OK(NEAR(lc.usd, 0.0005));
	n = cost_local_compare(t, &in, &lc, false, rows, COST_MAX_ROWS);
	n_all = cost_local_compare(t, &in, &lc, true, rows, COST_MAX_ROWS);
	T_OK(n > 0 && n < n_all);
	T_EQ(n_all, t->n);
	n = cost_local_compare(t, &in, &lc, false, rows, COST_MAX_ROWS);
	for (i = 0; i < n; i++) {
		T_OK(rows[i].p->gpu_count != 0);
		T_OK(NEAR(rows[i].replicate_usd,
		    rows[i].p->usd_per_second * 10));
		T_OK(rows[i].ratio_known);
		T_OK(NEAR(rows[i].ratio, rows[i].replicate_usd / 0.0005));
		if (strcmp(rows[i].p->sku, "gpu-l40s") == 0)
			l40s = true;
	}
	T_OK(l40s);
	/* bounded by max */
	T_EQ(cost_local_compare(t, &in, &lc, true, rows, 2), 2);
	/* no local cost: no ratio */
	in.electricity_price = -1;
	T_EQ(cost_local_compute(&in, &lc, err, sizeof err), 0);
	n = cost_local_compare(t, &in, &lc, false, rows, COST_MAX_ROWS);
	T_OK(n > 0 && !rows[0].ratio_known);
	free(t);
}

int
main(void)
{
	test_energy();
	test_local();
	test_compare();
	return T_SUMMARY();
}
