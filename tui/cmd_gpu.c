/*
 * tui/cmd_gpu.c: `r8play gpu`: what the NVIDIA GPUs of this machine are
 * doing (client/gpu through NVML, loaded at run time), once, or every
 * interval with --watch; and, with --measure, the energy the GPU draws over
 * a stretch of time and what that costs here beside every Replicate tier.
 * stdout: a table, or JSON (one object; one per line with --watch).
 * No driver: one line on stderr, exit 1.
 *
 * Settings: electricity_price ($/kWh) and gpu_hour_price ($/h) from the
 * config file (client/net/config.h) or the flags of the same names.
 * R8PLAY_NVML_LIB names another NVML library (default libnvidia-ml.so.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/cost/cost.h"
#include "client/cost/local.h"
#include "client/gpu/energy.h"
#include "client/gpu/gpu.h"
#include "client/net/config.h"
#include "tui/cli.h"

#define GPU_CMD_MAX_INTERVAL_MS	3600000L
#define GPU_CMD_MAX_MEASURE_S	86400.0

struct gpu_opts {
	bool		json, watch;
	long		interval_ms;	/* --watch and --measure spacing */
	long		count;		/* --watch frames; 0 = until ^C */
	double		measure_s;	/* > 0: measure mode */
	unsigned	gpu;		/* --gpu for --measure */
	double		kwh_price, hour_price;	/* < 0 unset */
};

static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int
usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "r8play gpu: %s%s%s%s\n", msg, arg ? " (got \"" : "",
	    arg ? arg : "", arg ? "\")" : "");
	return cli_usage("gpu");
}

static void
print_help(void)
{
	fputs(
"usage: r8play gpu [--json] [--watch [--interval MS] [--count N]]\n"
"       r8play gpu --measure SECONDS [--gpu I] [--interval MS]\n"
"                  [--electricity-price USD_PER_KWH] [--gpu-hour-price USD]\n"
"\n"
"Per GPU: utilisation, memory used/total, temperature, power draw and\n"
"limit, and the compute processes with their memory (and the container\n"
"each runs in). --watch repeats every --interval (default 1000 ms).\n"
"--measure samples power for SECONDS and prints the energy (Wh), average\n"
"and peak power, peak memory, and the local cost beside what the same\n"
"time costs on each Replicate GPU tier. electricity_price and\n"
"gpu_hour_price may also be set in the config file.\n"
"Needs the NVIDIA driver (libnvidia-ml.so.1); R8PLAY_NVML_LIB names\n"
"another library.\n", stdout);
}

static int
parse_num(const char *opt, const char *v, double lo, double hi, double *out)
{
	char msg[96];

	if (v == NULL || cost_parse_double(v, out) != 0 || !isfinite(*out) ||
	    *out < lo || *out > hi) {
		snprintf(msg, sizeof msg, "%s needs a number from %g to %g",
		    opt, lo, hi);
		usage_error(msg, v);
		return -1;
	}
	return 0;
}

/* config file keys this command reads (unknown keys are other modules') */
static int
config_line(const char *key, const char *value, unsigned line, void *arg,
    char *err, size_t errsz)
{
	struct gpu_opts *o = arg;
	double v;

	(void)line;
	if (strcmp(key, "electricity_price") == 0 && o->kwh_price < 0) {
		if (cost_parse_double(value, &v) != 0 || v < 0 ||
		    v > COST_LOCAL_MAX_KWH_PRICE) {
			snprintf(err, errsz, "electricity_price must be $/kWh "
			    "(0..%g)", COST_LOCAL_MAX_KWH_PRICE);
			return -1;
		}
		o->kwh_price = v;
	} else if (strcmp(key, "gpu_hour_price") == 0 && o->hour_price < 0) {
		if (cost_parse_double(value, &v) != 0 || v < 0 ||
		    v > COST_LOCAL_MAX_HOUR_PRICE) {
			snprintf(err, errsz, "gpu_hour_price must be $/h "
			    "(0..%g)", COST_LOCAL_MAX_HOUR_PRICE);
			return -1;
		}
		o->hour_price = v;
	}
	return 0;
}

/* Prices from the config file where the flags did not set them. */
static int
load_prices(struct gpu_opts *o)
{
	char path[CONFIG_MAX_PATH], err[512] = "", *buf;
	ssize_t r;
	size_t len = 0;
	int fd, rc;

	if (config_path(path, sizeof path, err, sizeof err) != 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	buf = malloc(CONFIG_MAX_BYTES);
	if (buf == NULL) {
		close(fd);
		return -1;
	}
	while (len < CONFIG_MAX_BYTES &&
	    (r = read(fd, buf + len, CONFIG_MAX_BYTES - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)r;
	}
	close(fd);
	rc = config_parse(buf, len, path, config_line, o, err, sizeof err);
	free(buf);
	if (rc != 0)
		fprintf(stderr, "r8play gpu: %s\n", err);
	return rc;
}

/* ---- output ------------------------------------------------------------- */

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
json_num(bool ok, double v)
{
	if (ok && isfinite(v))
		printf("%.10g", v);
	else
		fputs("null", stdout);
}

static void
json_bytes(bool ok, unsigned long long v)
{
	if (ok)
		printf("%llu", v);
	else
		fputs("null", stdout);
}

static void
print_json(const struct gpu_snapshot *s)
{
	fputs("{\"driver\":", stdout);
	if (s->driver[0])
		json_str(s->driver);
	else
		fputs("null", stdout);
	printf(",\"gpu_count\":%zu,\"gpus\":[", s->n_total);
	for (size_t i = 0; i < s->n; i++) {
		const struct gpu_dev *d = &s->dev[i];

		printf("%s{\"index\":%u,\"name\":", i ? "," : "", d->index);
		json_str(d->name);
		fputs(",\"uuid\":", stdout);
		json_str(d->uuid);
		fputs(",\"utilization_gpu\":", stdout);
		json_num(d->util_ok, d->util_pct);
		fputs(",\"utilization_memory\":", stdout);
		json_num(d->util_ok, d->mem_util_pct);
		fputs(",\"memory_used\":", stdout);
		json_bytes(d->mem_ok, d->mem_used);
		fputs(",\"memory_total\":", stdout);
		json_bytes(d->mem_ok, d->mem_total);
		fputs(",\"temperature_c\":", stdout);
		json_num(d->temp_ok, d->temp_c);
		fputs(",\"power_w\":", stdout);
		json_num(d->power_ok, d->power_w);
		fputs(",\"power_limit_w\":", stdout);
		json_num(d->limit_ok, d->power_limit_w);
		fputs(",\"processes\":", stdout);
		if (!d->procs_ok)
			fputs("null", stdout);
		else {
			putchar('[');
			for (size_t k = 0; k < d->n_procs; k++) {
				const struct gpu_proc *p = &d->procs[k];
				char id[GPU_CONTAINER_ID_MAX];

				printf("%s{\"pid\":%u,\"memory_used\":",
				    k ? "," : "", p->pid);
				json_bytes(p->vram_known, p->vram_bytes);
				fputs(",\"container\":", stdout);
				if (gpu_pid_container(NULL, p->pid, id,
				    sizeof id) == 1)
					json_str(id);
				else
					fputs("null", stdout);
				putchar('}');
			}
			putchar(']');
		}
		putchar('}');
	}
	fputs("]}\n", stdout);
}

static void
print_table(const struct gpu_snapshot *s)
{
	char a[32], b[32];

	printf("driver %s, %zu GPU%s\n", s->driver[0] ? s->driver : "?",
	    s->n_total, s->n_total == 1 ? "" : "s");
	for (size_t i = 0; i < s->n; i++) {
		const struct gpu_dev *d = &s->dev[i];

		printf("GPU %u  %s  %s\n", d->index, d->name, d->uuid);
		if (d->util_ok)
			printf("  util     %u%% (memory %u%%)\n", d->util_pct,
			    d->mem_util_pct);
		else
			printf("  util     not reported\n");
		if (d->mem_ok)
			printf("  memory   %s / %s\n",
			    gpu_fmt_bytes(d->mem_used, a, sizeof a),
			    gpu_fmt_bytes(d->mem_total, b, sizeof b));
		else
			printf("  memory   not reported\n");
		if (d->temp_ok)
			printf("  temp     %u C\n", d->temp_c);
		else
			printf("  temp     not reported\n");
		if (d->power_ok)
			printf("  power    %.1f W", d->power_w);
		else
			printf("  power    cannot be read on this GPU");
		if (d->limit_ok)
			printf(" (limit %.0f W)", d->power_limit_w);
		putchar('\n');
		if (!d->procs_ok) {
			printf("  processes not reported\n");
			continue;
		}
		if (d->n_procs == 0)
			printf("  no compute processes\n");
		for (size_t k = 0; k < d->n_procs; k++) {
			const struct gpu_proc *p = &d->procs[k];
			char id[GPU_CONTAINER_ID_MAX];

			printf("  pid %-8u %10s", p->pid, p->vram_known ?
			    gpu_fmt_bytes(p->vram_bytes, a, sizeof a) : "?");
			if (gpu_pid_container(NULL, p->pid, id,
			    sizeof id) == 1)
				printf("  container %.12s", id);
			putchar('\n');
		}
		if (d->n_procs_total > d->n_procs)
			printf("  ... and %zu more\n",
			    d->n_procs_total - d->n_procs);
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (!stop_flag && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- --measure ---------------------------------------------------------- */

static int
measure(struct gpu *g, const struct gpu_opts *o)
{
	struct gpu_energy e;
	struct gpu_energy_summary s;
	struct cost_local_in in;
	struct cost_local lc;
	struct cost_local_row rows[COST_MAX_ROWS];
	struct cost_table *t;
	char err[256], a[COST_FMT_MAX], b[COST_FMT_MAX], m[32];
	double t0, tn;
	size_t n;

	gpu_energy_init(&e);
	t0 = now_s();
	for (;;) {
		double w = -1;
		unsigned long long vram = ULLONG_MAX;

		tn = now_s();
		if (gpu_power(g, o->gpu, &w, &vram) != 0)
			w = -1;
		gpu_energy_add(&e, tn - t0, w, vram);
		if (stop_flag || tn - t0 >= o->measure_s)
			break;
		{
			double left = (o->measure_s - (tn - t0)) * 1000.0;
			long ms = left < (double)o->interval_ms ?
			    (long)ceil(left) : o->interval_ms;

			sleep_ms(ms > 0 ? ms : 1);
		}
	}
	gpu_energy_summary(&e, &s);
	in = (struct cost_local_in){ .seconds = s.seconds,
	    .energy_known = s.energy_known, .energy_wh = s.wh,
	    .electricity_price = o->kwh_price,
	    .gpu_hour_price = o->hour_price };
	if (cost_local_compute(&in, &lc, err, sizeof err) != 0) {
		fprintf(stderr, "r8play gpu: %s\n", err);
		return 1;
	}
	t = malloc(sizeof *t);
	if (t == NULL || cost_table_load(t, err, sizeof err) != 0) {
		fprintf(stderr, "r8play gpu: %s\n", t ? err : "out of memory");
		free(t);
		return 1;
	}
	n = cost_local_compare(t, &in, &lc, false, rows, COST_MAX_ROWS);
	if (o->json) {
		printf("{\"gpu\":%u,\"seconds\":", o->gpu);
		json_num(true, s.seconds);
		printf(",\"samples\":%zu,\"power_known\":%s,\"energy_wh\":",
		    e.n, s.power_known ? "true" : "false");
		json_num(s.energy_known, s.wh);
		fputs(",\"avg_power_w\":", stdout);
		json_num(s.energy_known, s.avg_w);
		fputs(",\"peak_power_w\":", stdout);
		json_num(s.power_known, s.peak_w);
		fputs(",\"peak_memory_used\":", stdout);
		json_bytes(s.vram_known, s.peak_vram);
		fputs(",\"local\":{\"usd\":", stdout);
		json_num(lc.known, lc.usd);
		fputs(",\"energy_usd\":", stdout);
		json_num(lc.energy_part, lc.energy_usd);
		fputs(",\"machine_usd\":", stdout);
		json_num(lc.machine_part, lc.machine_usd);
		fputs(",\"note\":", stdout);
		json_str(lc.note);
		fputs("},\"tiers\":[", stdout);
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"sku\":", i ? "," : "");
			json_str(rows[i].p->sku);
			fputs(",\"usd\":", stdout);
			json_num(true, rows[i].replicate_usd);
			fputs(",\"ratio\":", stdout);
			json_num(rows[i].ratio_known, rows[i].ratio);
			putchar('}');
		}
		fputs("]}\n", stdout);
	} else {
		printf("GPU %u over %s (%zu samples)\n", o->gpu,
		    cost_fmt_seconds(s.seconds, a, sizeof a), e.n);
		if (s.energy_known)
			printf("  energy   %.4f Wh (%.0f%% of the time "
			    "measured)\n  power    average %.1f W, peak %.1f "
			    "W\n", s.wh, s.coverage * 100, s.avg_w, s.peak_w);
		else
			printf("  energy   power cannot be read on this "
			    "GPU\n");
		if (s.vram_known)
			printf("  memory   peak %s\n", gpu_fmt_bytes(s.peak_vram,
			    m, sizeof m));
		{
			char cell[COST_LOCAL_NOTE_MAX + 64];

			printf("  this machine  %s\n", cost_local_fmt(&lc,
			    cell, sizeof cell));
		}
		if (lc.known && lc.note[0])
			printf("  (%s)\n", lc.note);
		printf("  %-22s %12s  %s\n", "Replicate tier", "same time",
		    "vs this machine");
		for (size_t i = 0; i < n; i++) {
			if (rows[i].ratio_known)
				snprintf(b, sizeof b, "%.1fx",
				    rows[i].ratio);
			else
				snprintf(b, sizeof b, "-");
			printf("  %-22s %12s  %s\n", rows[i].p->sku,
			    cost_fmt_usd(rows[i].replicate_usd, a, sizeof a),
			    b);
		}
	}
	free(t);
	return 0;
}

/* ---- entry -------------------------------------------------------------- */

int
cmd_gpu(int argc, char **argv)
{
	struct gpu_opts o = { .interval_ms = 1000, .kwh_price = -1,
	    .hour_price = -1 };
	struct gpu_snapshot *s;
	struct gpu *g;
	char err[512] = "";
	const char *lib;
	double v;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] :
		    NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help();
			return 0;
		} else if (strcmp(a, "--json") == 0)
			o.json = true;
		else if (strcmp(a, "--watch") == 0)
			o.watch = true;
		else if (strcmp(a, "--interval") == 0) {
			if (parse_num(a, val, 10, GPU_CMD_MAX_INTERVAL_MS,
			    &v) != 0)
				return 2;
			o.interval_ms = (long)v;
			i++;
		} else if (strcmp(a, "--count") == 0) {
			if (parse_num(a, val, 1, 1e9, &v) != 0)
				return 2;
			o.count = (long)v;
			i++;
		} else if (strcmp(a, "--measure") == 0) {
			if (parse_num(a, val, 0.001, GPU_CMD_MAX_MEASURE_S,
			    &v) != 0)
				return 2;
			o.measure_s = v;
			i++;
		} else if (strcmp(a, "--gpu") == 0) {
			if (parse_num(a, val, 0, GPU_MAX_DEVICES - 1, &v) != 0)
				return 2;
			o.gpu = (unsigned)v;
			i++;
		} else if (strcmp(a, "--electricity-price") == 0) {
			if (parse_num(a, val, 0, COST_LOCAL_MAX_KWH_PRICE,
			    &o.kwh_price) != 0)
				return 2;
			i++;
		} else if (strcmp(a, "--gpu-hour-price") == 0) {
			if (parse_num(a, val, 0, COST_LOCAL_MAX_HOUR_PRICE,
			    &o.hour_price) != 0)
				return 2;
			i++;
		} else
			return usage_error("unknown argument", a);
	}
	if (o.watch && o.measure_s > 0)
		return usage_error("--watch and --measure do not mix", NULL);
	if (load_prices(&o) != 0)
		return 2;

	lib = getenv("R8PLAY_NVML_LIB");
	g = gpu_open(lib, err, sizeof err);
	if (g == NULL) {
		fprintf(stderr, "r8play gpu: %s\n", err);
		return 1;
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	if (o.measure_s > 0) {
		rc = measure(g, &o);
		gpu_free(g);
		return rc;
	}
	s = malloc(sizeof *s);
	if (s == NULL) {
		gpu_free(g);
		fputs("r8play gpu: out of memory\n", stderr);
		return 1;
	}
	for (long frame = 0; !stop_flag; frame++) {
		if (gpu_sample(g, s, err, sizeof err) != 0) {
			fprintf(stderr, "r8play gpu: %s\n", err);
			rc = 1;
			break;
		}
		if (o.watch && !o.json && frame > 0)
			putchar('\n');
		if (o.json)
			print_json(s);
		else
			print_table(s);
		fflush(stdout);
		if (!o.watch || (o.count > 0 && frame + 1 >= o.count))
			break;
		sleep_ms(o.interval_ms);
	}
	free(s);
	gpu_free(g);
	return rc;
}
