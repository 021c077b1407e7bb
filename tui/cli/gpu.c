/*
 * tui/cli/gpu.c: `r8play gpu`: what the NVIDIA GPUs of this machine are
 * doing (client/gpu through NVML, loaded at run time), once, or every
 * interval with --watch; and, with --measure, the energy the GPU draws over
 * a stretch of time and what that costs here beside every Replicate tier.
 * stdout: a table, or JSON (one object; one per line with --watch).
 * No driver: one line on stderr, exit 1.
 *
 * Settings: electricity_price ($/kWh) and gpu_hour_price ($/h) from the
 * config file (client/net/config.h) or the flags of the same names.
 * R8PLAY_NVML_LIB names another NVML library (default libnvidia-ml.so.1).
 * Names, UUIDs and the driver version come from the driver: they reach
 * stdout only through tui/cli/out.h.
 */
#include "tui/cli/cli.h"

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
#include "tui/cli/out.h"

#define GPU_CMD_MAX_INTERVAL_MS	3600000L
#define GPU_CMD_MAX_COUNT	1e9
#define GPU_CMD_MAX_MEASURE_S	86400.0

extern const struct cli_cmd cli_cmd_gpu;

struct gpu_opts {
	bool		json, watch;
	long		interval_ms;	/* --watch and --measure spacing */
	long		count;		/* --watch frames; 0 = until ^C */
	double		measure_s;	/* > 0: measure mode */
	unsigned	gpu;		/* --gpu for --measure */
	double		kwh_price, hour_price;	/* < 0 unset */
};

static volatile sig_atomic_t stop_flag;

/*
 * SIGINT/SIGTERM during --watch or --measure: end the loop, print what was
 * gathered.
 */
static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* The number option `name` into *out when given; 0, or CLI_USAGE. */
static int
opt_num(const struct cli_args *a, const char *name, double lo, double hi,
    double *out)
{
	const char *v = cli_value(a, name);
	double d;

	if (v == NULL)
		return 0;
	if (cost_parse_double(v, &d) != 0 || !isfinite(d) || d < lo ||
	    d > hi)
		return cli_usage_error(&cli_cmd_gpu, "%s needs a number from "
		    "%.10g to %.10g (got \"%s\")", name, lo, hi, v);
	*out = d;
	return 0;
}

/* The options into *o; 0, or CLI_USAGE after the message. */
static int
read_opts(const struct cli_args *a, struct gpu_opts *o)
{
	double interval = 1000, count = 0, gpu = 0;

	*o = (struct gpu_opts){ .kwh_price = -1, .hour_price = -1 };
	o->json = cli_flag(a, "--json");
	o->watch = cli_flag(a, "--watch");
	if (opt_num(a, "--interval", 10, GPU_CMD_MAX_INTERVAL_MS,
	    &interval) != 0 ||
	    opt_num(a, "--count", 1, GPU_CMD_MAX_COUNT, &count) != 0 ||
	    opt_num(a, "--measure", 0.001, GPU_CMD_MAX_MEASURE_S,
	    &o->measure_s) != 0 ||
	    opt_num(a, "--gpu", 0, GPU_MAX_DEVICES - 1, &gpu) != 0 ||
	    opt_num(a, "--electricity-price", 0, COST_LOCAL_MAX_KWH_PRICE,
	    &o->kwh_price) != 0 ||
	    opt_num(a, "--gpu-hour-price", 0, COST_LOCAL_MAX_HOUR_PRICE,
	    &o->hour_price) != 0)
		return CLI_USAGE;
	o->interval_ms = (long)interval;
	o->count = (long)count;
	o->gpu = (unsigned)gpu;
	if (o->watch && o->measure_s > 0)
		return cli_usage_error(&cli_cmd_gpu, "--watch and --measure "
		    "do not mix");
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
		out_err("gpu", "out of memory");
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
		out_err("gpu", "%s", err);
	return rc;
}

/* ---- output ------------------------------------------------------------- */

/* A measurement, null when the driver did not report it. */
static void
json_num(bool ok, double v)
{
	out_json_num(stdout, ok ? v : -1);
}

/* A byte count, or null when the driver did not report it. */
static void
json_bytes(bool ok, unsigned long long v)
{
	if (ok)
		out_json_uint(stdout, v);
	else
		fputs("null", stdout);
}

/*
 * A GPU's compute processes as a JSON array (pid, memory, the container it
 * runs in), or null when the driver does not list them.
 */
static void
print_json_procs(const struct gpu_dev *d)
{
	if (!d->procs_ok) {
		fputs("null", stdout);
		return;
	}
	putchar('[');
	for (size_t k = 0; k < d->n_procs; k++) {
		const struct gpu_proc *p = &d->procs[k];
		char id[GPU_CONTAINER_ID_MAX];

		printf("%s{\"pid\":%u,\"memory_used\":", k ? "," : "", p->pid);
		json_bytes(p->vram_known, p->vram_bytes);
		fputs(",\"container\":", stdout);
		out_json_str(stdout, gpu_pid_container(NULL, p->pid, id,
		    sizeof id) == 1 ? id : NULL);
		putchar('}');
	}
	putchar(']');
}

/*
 * `r8play gpu --json`: the driver and one object per GPU; what NVML did not
 * report is null, never 0.
 */
static void
print_json(const struct gpu_snapshot *s)
{
	fputs("{\"driver\":", stdout);
	out_json_str(stdout, s->driver[0] ? s->driver : NULL);
	printf(",\"gpu_count\":%zu,\"gpus\":[", s->n_total);
	for (size_t i = 0; i < s->n; i++) {
		const struct gpu_dev *d = &s->dev[i];

		printf("%s{\"index\":%u,\"name\":", i ? "," : "", d->index);
		out_json_str(stdout, d->name);
		fputs(",\"uuid\":", stdout);
		out_json_str(stdout, d->uuid);
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
		print_json_procs(d);
		putchar('}');
	}
	fputs("]}\n", stdout);
}

/* A GPU's compute processes under its line, one a line. */
static void
print_table_procs(const struct gpu_dev *d)
{
	char a[32], safe[GPU_CONTAINER_ID_MAX];

	if (!d->procs_ok) {
		printf("  processes not reported\n");
		return;
	}
	if (d->n_procs == 0)
		printf("  no compute processes\n");
	for (size_t k = 0; k < d->n_procs; k++) {
		const struct gpu_proc *p = &d->procs[k];
		char id[GPU_CONTAINER_ID_MAX];

		printf("  pid %-8u %10s", p->pid, p->vram_known ?
		    gpu_fmt_bytes(p->vram_bytes, a, sizeof a) : "?");
		if (gpu_pid_container(NULL, p->pid, id, sizeof id) == 1)
			printf("  container %.12s",
			    out_safe_str(id, safe, sizeof safe));
		putchar('\n');
	}
	if (d->n_procs_total > d->n_procs)
		printf("  ... and %zu more\n", d->n_procs_total - d->n_procs);
}

/*
 * `r8play gpu`: the driver, then per GPU its name and UUID, use, memory,
 * temperature, power and limit ("not reported" where NVML says nothing),
 * and its processes.
 */
static void
print_table(const struct gpu_snapshot *s)
{
	char a[32], b[32];

	fputs("driver ", stdout);
	out_flat(stdout, s->driver[0] ? s->driver : "?");
	printf(", %zu GPU%s\n", s->n_total, s->n_total == 1 ? "" : "s");
	for (size_t i = 0; i < s->n; i++) {
		const struct gpu_dev *d = &s->dev[i];

		printf("GPU %u  ", d->index);
		out_flat(stdout, d->name);
		fputs("  ", stdout);
		out_flat(stdout, d->uuid);
		putchar('\n');
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
		print_table_procs(d);
	}
}

/* Monotonic seconds, for the sampling loop. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep ms, resumed after other signals, cut short by on_stop. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (!stop_flag && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- --measure ---------------------------------------------------------- */

/* What one --measure run found and what it costs. */
struct measured {
	struct gpu_energy	 e;
	struct gpu_energy_summary s;
	struct cost_local	 lc;
	struct cost_local_row	 rows[COST_MAX_ROWS];
	size_t			 n;
};

/* Sample power every interval for measure_s seconds (or until ^C). */
static void
measure_sample(struct gpu *g, const struct gpu_opts *o, struct gpu_energy *e)
{
	double t0, tn;

	gpu_energy_init(e);
	t0 = now_s();
	for (;;) {
		double w = -1, left;
		unsigned long long vram = ULLONG_MAX;
		long ms;

		tn = now_s();
		if (gpu_power(g, o->gpu, &w, &vram) != 0)
			w = -1;
		gpu_energy_add(e, tn - t0, w, vram);
		if (stop_flag || tn - t0 >= o->measure_s)
			break;
		left = (o->measure_s - (tn - t0)) * 1000.0;
		ms = left < (double)o->interval_ms ? (long)ceil(left) :
		    o->interval_ms;
		sleep_ms(ms > 0 ? ms : 1);
	}
}

/*
 * --measure --json: time, samples, energy and power (null when unknown),
 * peak memory, and what the run would cost on each Replicate tier.
 */
static void
measure_json(const struct gpu_opts *o, const struct measured *m)
{
	printf("{\"gpu\":%u,\"seconds\":", o->gpu);
	json_num(true, m->s.seconds);
	printf(",\"samples\":%zu,\"power_known\":%s,\"energy_wh\":",
	    m->e.n, m->s.power_known ? "true" : "false");
	json_num(m->s.energy_known, m->s.wh);
	fputs(",\"avg_power_w\":", stdout);
	json_num(m->s.energy_known, m->s.avg_w);
	fputs(",\"peak_power_w\":", stdout);
	json_num(m->s.power_known, m->s.peak_w);
	fputs(",\"peak_memory_used\":", stdout);
	json_bytes(m->s.vram_known, m->s.peak_vram);
	fputs(",\"local\":{\"usd\":", stdout);
	json_num(m->lc.known, m->lc.usd);
	fputs(",\"energy_usd\":", stdout);
	json_num(m->lc.energy_part, m->lc.energy_usd);
	fputs(",\"machine_usd\":", stdout);
	json_num(m->lc.machine_part, m->lc.machine_usd);
	fputs(",\"note\":", stdout);
	out_json_str(stdout, m->lc.note);
	fputs("},\"tiers\":[", stdout);
	for (size_t i = 0; i < m->n; i++) {
		printf("%s{\"sku\":", i ? "," : "");
		out_json_str(stdout, m->rows[i].p->sku);
		fputs(",\"usd\":", stdout);
		json_num(true, m->rows[i].replicate_usd);
		fputs(",\"ratio\":", stdout);
		json_num(m->rows[i].ratio_known, m->rows[i].ratio);
		putchar('}');
	}
	fputs("]}\n", stdout);
}

/*
 * --measure as text: the energy and power measured, what the stretch cost
 * here (electricity, and the GPU hour when its price is set), and the
 * Replicate tiers beside it.
 */
static void
measure_table(const struct gpu_opts *o, const struct measured *m)
{
	char a[COST_FMT_MAX], b[COST_FMT_MAX], mem[32], sku[COST_SKU_MAX];
	char cell[COST_LOCAL_NOTE_MAX + 64];

	printf("GPU %u over %s (%zu samples)\n", o->gpu,
	    cost_fmt_seconds(m->s.seconds, a, sizeof a), m->e.n);
	if (m->s.energy_known)
		printf("  energy   %.4f Wh (%.0f%% of the time measured)\n"
		    "  power    average %.1f W, peak %.1f W\n", m->s.wh,
		    m->s.coverage * 100, m->s.avg_w, m->s.peak_w);
	else
		printf("  energy   power cannot be read on this GPU\n");
	if (m->s.vram_known)
		printf("  memory   peak %s\n", gpu_fmt_bytes(m->s.peak_vram,
		    mem, sizeof mem));
	printf("  this machine  %s\n", cost_local_fmt(&m->lc, cell,
	    sizeof cell));
	if (m->lc.known && m->lc.note[0])
		printf("  (%s)\n", m->lc.note);
	printf("  %-22s %12s  %s\n", "Replicate tier", "same time",
	    "vs this machine");
	for (size_t i = 0; i < m->n; i++) {
		if (m->rows[i].ratio_known)
			snprintf(b, sizeof b, "%.1fx", m->rows[i].ratio);
		else
			snprintf(b, sizeof b, "-");
		printf("  %-22s %12s  %s\n",
		    out_safe_str(m->rows[i].p->sku, sku, sizeof sku),
		    cost_fmt_usd(m->rows[i].replicate_usd, a, sizeof a), b);
	}
}

/*
 * --measure: sample one GPU for the stretch asked (or until Ctrl-C), then
 * price the energy and time (client/cost/local.h) against the price table.
 * The buffers are on the heap: a struct cost_table is large.
 */
static int
measure(struct gpu *g, const struct gpu_opts *o)
{
	struct cost_local_in in;
	struct cost_table *t;
	struct measured *m;
	char err[256];

	m = calloc(1, sizeof *m);
	t = malloc(sizeof *t);
	if (m == NULL || t == NULL) {
		out_err("gpu", "out of memory");
		free(m);
		free(t);
		return CLI_FAIL;
	}
	measure_sample(g, o, &m->e);
	gpu_energy_summary(&m->e, &m->s);
	in = (struct cost_local_in){ .seconds = m->s.seconds,
	    .energy_known = m->s.energy_known, .energy_wh = m->s.wh,
	    .electricity_price = o->kwh_price,
	    .gpu_hour_price = o->hour_price };
	if (cost_local_compute(&in, &m->lc, err, sizeof err) != 0 ||
	    cost_table_load(t, err, sizeof err) != 0) {
		out_err("gpu", "%s", err);
		free(m);
		free(t);
		return CLI_FAIL;
	}
	m->n = cost_local_compare(t, &in, &m->lc, false, m->rows,
	    COST_MAX_ROWS);
	if (o->json)
		measure_json(o, m);
	else
		measure_table(o, m);
	free(m);
	free(t);
	return CLI_OK;
}

/* ---- entry -------------------------------------------------------------- */

/* Print the GPUs once, or every interval with --watch. */
static int
snapshots(struct gpu *g, const struct gpu_opts *o)
{
	struct gpu_snapshot *s;
	char err[512] = "";
	int rc = CLI_OK;

	s = malloc(sizeof *s);
	if (s == NULL) {
		out_err("gpu", "out of memory");
		return CLI_FAIL;
	}
	for (long frame = 0; !stop_flag; frame++) {
		if (gpu_sample(g, s, err, sizeof err) != 0) {
			out_err("gpu", "%s", err);
			rc = CLI_FAIL;
			break;
		}
		if (o->watch && !o->json && frame > 0)
			putchar('\n');
		if (o->json)
			print_json(s);
		else
			print_table(s);
		fflush(stdout);
		if (!o->watch || (o->count > 0 && frame + 1 >= o->count))
			break;
		sleep_ms(o->interval_ms);
	}
	free(s);
	return rc;
}

/*
 * `r8play gpu`: open NVML ($R8PLAY_NVML_LIB or the system's), then one
 * snapshot, --watch, or --measure.
 */
static int
gpu_run(const struct cli_args *a)
{
	struct gpu_opts o;
	struct gpu *g;
	char err[512] = "";
	int rc;

	if (read_opts(a, &o) != 0)
		return CLI_USAGE;
	if (load_prices(&o) != 0)
		return CLI_USAGE;
	g = gpu_open(getenv("R8PLAY_NVML_LIB"), err, sizeof err);
	if (g == NULL) {
		out_err("gpu", "%s", err);
		return CLI_FAIL;
	}
	stop_flag = 0;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	rc = o.measure_s > 0 ? measure(g, &o) : snapshots(g, &o);
	gpu_free(g);
	return rc;
}

static const struct cli_opt gpu_opts[] = {
	CLI_OPT_JSON,
	{ "--watch", NULL, "repeat every --interval until ^C (or --count "
	    "frames)", 0, CLI_COMP_NONE, NULL },
	{ "--interval", "MS", "milliseconds between --watch frames and "
	    "--measure samples (10..3600000, default 1000)", 0,
	    CLI_COMP_NONE, NULL },
	{ "--count", "N", "--watch: stop after N frames (default: until ^C)",
	    0, CLI_COMP_NONE, NULL },
	{ "--measure", "SECONDS", "sample power for SECONDS (0.001..86400) "
	    "and print the energy and its cost", 0, CLI_COMP_NONE, NULL },
	{ "--gpu", "I", "--measure: the GPU's index (default 0)", 0,
	    CLI_COMP_NONE, NULL },
	{ "--electricity-price", "USD_PER_KWH", "--measure: electricity "
	    "price in $/kWh (default: the config file's electricity_price)",
	    0, CLI_COMP_NONE, NULL },
	{ "--gpu-hour-price", "USD", "--measure: what an hour of this "
	    "machine costs in $ (default: the config file's "
	    "gpu_hour_price)", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_gpu = {
	"gpu", "", 0, 0, CLI_COMP_NONE,
	"what this machine's NVIDIA GPUs are doing; measure their energy",
	"Per GPU: utilisation, memory used/total, temperature, power draw "
	"and limit, and the compute processes with their memory (and the "
	"container each runs in). --watch repeats every --interval (default "
	"1000 ms).\n"
	"--measure samples power for SECONDS and prints the energy (Wh), "
	"average and peak power, peak memory, and the local cost beside what "
	"the same time costs on each Replicate GPU tier. electricity_price "
	"and gpu_hour_price may also be set in the config file.\n"
	"Needs the NVIDIA driver (libnvidia-ml.so.1); $R8PLAY_NVML_LIB names "
	"another library. No driver: one line on stderr, exit 1.",
	gpu_opts, gpu_run
};
