/*
 * tests/fuzz/fuzz_client_prices.c: the prices-file parser of client/cost/cost.c
 * (cost_table_parse), plus the number and --deployment parsers it shares
 * with the CLI. The first byte picks the origin (user / shipped) and
 * whether the rest also goes through cost_deploy_parse. Invariants after
 * each input: 0 or -1; on -1 the table is byte-identical and err is one
 * NUL-terminated line starting with the label; on 0 every row is a valid
 * priced row with NUL-terminated fields, and the estimate of a run on it
 * is finite.
 */
#include "client/cost/cost.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_str(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cost_table base, t;
	static int ready;
	char err[256];
	struct cost_run run;
	enum cost_origin origin;
	size_t i;
	int rc;

	if (!ready) {
		if (cost_table_init(&base, err, sizeof err) != 0)
			abort();
		ready = 1;
	}
	if (size == 0)
		return 0;
	origin = (data[0] & 1) ? COST_ORIGIN_SHIPPED : COST_ORIGIN_USER;
	t = base;
	memset(err, 0x55, sizeof err);
	rc = cost_table_parse(&t, (const char *)data + 1, size - 1, origin,
	    "fuzz", err, sizeof err);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1) {
		check_str(err, sizeof err);
		if (strncmp(err, "fuzz", 4) != 0 || strchr(err, '\n'))
			abort();
		if (memcmp(&t, &base, sizeof t) != 0)
			abort();
	} else {
		if (t.n > COST_MAX_ROWS || t.n < base.n)
			abort();
		for (i = 0; i < t.n; i++) {
			const struct cost_price *p = &t.rows[i];

			check_str(p->sku, sizeof p->sku);
			check_str(p->name, sizeof p->name);
			check_str(p->date, sizeof p->date);
			check_str(p->source, sizeof p->source);
			check_str(p->gpu, sizeof p->gpu);
			if (p->sku[0] == '\0' || !(p->usd_per_second > 0) ||
			    p->usd_per_second > COST_MAX_USD_PER_SECOND ||
			    p->gpu_count < -1 || p->gpu_count > COST_MAX_GPUS)
				abort();
			if (cost_table_find(&t, p->sku) != p)
				abort();
			if (p->gpu[0] && cost_gpu_find(p->gpu) == NULL)
				abort();
			if (cost_run_estimate(p->usd_per_second, 2.9, &run,
			    err, sizeof err) == 0 && !isfinite(run.usd))
				abort();
		}
		check_str(t.date, sizeof t.date);
		check_str(t.user_date, sizeof t.user_date);
	}
	if (data[0] & 2) {
		struct cost_deploy_in in;
		struct cost_deploy_out out;
		char spec[300];
		size_t n = size - 1 < sizeof spec - 1 ? size - 1 :
		    sizeof spec - 1;

		memcpy(spec, data + 1, n);
		spec[n] = '\0';
		memset(&in, 0, sizeof in);
		in.max_instances = 1;
		memset(err, 0x55, sizeof err);
		if (cost_deploy_parse(spec, &in, err, sizeof err) != 0)
			check_str(err, sizeof err);
		else {
			if (!(in.seconds > 0))
				in.seconds = 2.9;
			in.usd_per_second = 0.000975;
			if (cost_deploy(&in, &out, err, sizeof err) == 0 &&
			    (!isfinite(out.monthly_usd) ||
			    out.monthly_usd < 0 || out.instances >
			    in.max_instances + in.min_instances))
				abort();
		}
	}
	return 0;
}
