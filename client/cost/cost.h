/*
 * client/cost/cost.h: what a Replicate run costs, as Replicate bills it. Pure
 * arithmetic over plain numbers and SKU strings: the price table (shipped
 * in client/cost/prices.tsv, compiled in, overridable by the user's prices file),
 * per-run estimates on every tier, the billing rules, the deployment
 * calculator and the batch forecast. libc only: no curl, no cJSON, no
 * ncurses; it lives in client/ only because the top-level folders are fixed.
 * Never prints, never exits, keeps no mutable globals; errors go to a
 * caller-owned `char *err, size_t errsz`. Formatting never depends on the
 * locale (numbers are built from integers), so LC_NUMERIC may be anything.
 *
 * Facts: tests/fixtures/replicate/PRICING.md (prices, billing rules, how the
 * model page's "costs approximately $X ... or N runs per $1" is built).
 */
#ifndef PG_CLIENT_COST_H
#define PG_CLIENT_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits (everything bounded). */
#define COST_MAX_ROWS		128	/* price table rows, shipped + user */
#define COST_SKU_MAX		48	/* bytes incl. NUL */
#define COST_NAME_MAX		64
#define COST_DATE_MAX		40
#define COST_SOURCE_MAX		96
#define COST_GPU_MAX		16	/* speed-table key */
#define COST_LABEL_MAX		256	/* file name used in messages */
#define COST_FILE_MAX		(64 * 1024)	/* user prices file bytes */
#define COST_LINE_MAX		512	/* bytes per line */
#define COST_MAX_USD_PER_SECOND	10.0	/* sanity cap on any price */
#define COST_MAX_GPUS		64
#define COST_MAX_GPU_MEMORY_GB	100000.0
#define COST_MAX_SECONDS	2592000.0	/* 30 days: a run, a request */
#define COST_MAX_RUNS		1000000000000ULL	/* 1e12 a batch */
#define COST_MAX_CONCURRENCY	100000u
#define COST_MAX_INSTANCES	10000u
#define COST_MAX_RPH		100000000.0	/* requests per hour */
#define COST_MAX_MEDIAN_SAMPLES	100000	/* own runs fed to cost_median() */
#define COST_DAYS_PER_MONTH	30.0	/* the deployment calculator's month */
#define COST_FMT_MAX		32	/* enough for any cost_fmt_* */

/*
 * The price table. Rows keep their SKU spelling exactly (gpu-a100-large-2x
 * but gpu-2x-l40s: match, never derive). usd_per_second is Replicate's list
 * price for public-model predict time and for the setup + idle + active time
 * of private models and deployments.
 */
enum cost_origin {
	COST_ORIGIN_SHIPPED,	/* client/cost/prices.tsv, compiled in */
	COST_ORIGIN_USER	/* the user's prices file */
};

struct cost_price {
	char		sku[COST_SKU_MAX];
	char		name[COST_NAME_MAX];
	double		usd_per_second;
	int		gpu_count;	/* 0 for CPU, -1 unknown */
	double		gpu_memory_gb;	/* all GPUs; 0 = none/unknown */
	char		date[COST_DATE_MAX];
	char		source[COST_SOURCE_MAX];
	char		gpu[COST_GPU_MAX];	/* speed-table key, "" = none */
	enum cost_origin origin;
};

struct cost_table {
	struct cost_price rows[COST_MAX_ROWS];
	size_t		n;
	char		date[COST_DATE_MAX];	/* the shipped table's date */
	char		source[COST_SOURCE_MAX];
	char		user_file[COST_LABEL_MAX];	/* "" if none */
	char		user_date[COST_DATE_MAX];	/* its @date, if any */
	size_t		n_user;		/* rows the user file set or added */
};

/*
 * Fill *t with the shipped table (embedded client/cost/prices.tsv). Returns 0;
 * -1 only if the embedded table is broken (a build bug), with err set.
 */
int		cost_table_init(struct cost_table *t, char *err, size_t errsz);

/*
 * Apply a prices file's text to *t. Two line formats, mixed freely; '#'
 * starts a comment line; blank lines are skipped; CRLF and a UTF-8 BOM are
 * accepted:
 *
 *   sku = PRICE[/s|/h]             e.g.  gpu-l40s = 0.000975
 *                                        gpu-t4 = 0.81/h
 *   sku<TAB>name<TAB>usd_per_second<TAB>gpu_count<TAB>gpu_memory_gb<TAB>date
 *       <TAB>source[<TAB>gpu]      (the format of client/cost/prices.tsv; "-" for
 *                                   an unknown memory, date, source, gpu)
 *   @date = TEXT                   the date shown for this file's prices
 *   @source = TEXT                 (shipped table only: its source)
 *
 * A row whose SKU exists replaces its price (the `=` form keeps the name and
 * GPU fields of the row it overrides); a new SKU is added. Later lines win.
 * PRICE is a plain decimal (no locale), > 0 and <= COST_MAX_USD_PER_SECOND.
 * All or nothing: on any error *t is left unchanged, -1 is returned and err
 * reads "LABEL:LINE: what is wrong". label names the file in messages.
 */
int		cost_table_parse(struct cost_table *t, const char *text,
		    size_t len, enum cost_origin origin, const char *label,
		    char *err, size_t errsz);

/*
 * Where the user's prices file lives: $R8PLAY_CONFIG_DIR/prices, else
 * $XDG_CONFIG_HOME/r8play/prices, else $HOME/.config/r8play/prices (empty
 * or relative XDG values are ignored, as the XDG spec says). The caller
 * passes the environment values (NULL when unset). Returns 0, or -1 when no
 * path can be built (no HOME, or too long for buf).
 */
int		cost_prices_path(char *buf, size_t bufsz,
		    const char *config_dir, const char *xdg_config_home,
		    const char *home);

/*
 * Read and apply the prices file at path. Returns 0 when applied, 1 when the
 * file does not exist (nothing changed), -1 on error (unreadable, larger than
 * COST_FILE_MAX, malformed: err says "PATH:LINE: ..."; *t unchanged).
 */
int		cost_table_load_file(struct cost_table *t, const char *path,
		    char *err, size_t errsz);

/*
 * cost_table_init() then the user's file found by cost_prices_path() from
 * getenv(). Returns 0 (whether or not a user file exists) or -1 with err
 * (then *t still holds the shipped table).
 */
int		cost_table_load(struct cost_table *t, char *err, size_t errsz);

/* Exact SKU lookup (case-sensitive); NULL when the table lacks it: show
 * "price unknown", never a made-up number. Borrowed pointer into t. */
const struct cost_price *cost_table_find(const struct cost_table *t,
		    const char *sku);

/* Lookup by display name as /v1/hardware and the model page print it
 * ("Nvidia L40S GPU"), ASCII case-insensitive. NULL when absent. */
const struct cost_price *cost_table_find_name(const struct cost_table *t,
		    const char *name);

/* "2024-08..2026-03-09 (replicate.com/pricing ...)" style line for display:
 * the shipped date and source, plus the user file when one was applied. */
void		cost_table_describe(const struct cost_table *t, char *buf,
		    size_t bufsz);

/*
 * Relative speed of GPUs, for carrying a time measured on one GPU to
 * another. No measured cross-GPU timings exist in the facts, so the table
 * holds public spec-sheet figures: FP16/BF16 dense tensor TFLOPS (half the
 * "with sparsity" figure; FP32 accumulate on GeForce cards) and memory
 * bandwidth. A carried time is an ESTIMATE: seconds x the geometric mean of
 * the two ratios, with the range [compute-bound, memory-bound] ratio.
 * Multi-GPU tiers are assumed to run one GPU's worth of work (no scaling).
 */
#define COST_SPEED_DATE		"2026-12-01"
#define COST_SPEED_SOURCE						\
	"NVIDIA spec sheets (dense FP16/BF16 tensor TFLOPS, memory bandwidth)"

struct cost_gpu {
	const char	*key;		/* "l40s" */
	const char	*name;		/* "NVIDIA L40S" */
	double		 tflops;	/* FP16/BF16 dense tensor */
	double		 mem_bw_gbs;	/* GB/s */
	double		 memory_gb;	/* per GPU */
	const char	*spec;		/* which spec sheet / variant */
};

size_t		 cost_gpu_count(void);
const struct cost_gpu *cost_gpu_at(size_t i);	/* NULL past the end */
/* By key ("rtx4090") or name, ASCII case-insensitive, ignoring "nvidia",
 * "geforce", spaces and dashes ("NVIDIA GeForce RTX 4090" works). */
const struct cost_gpu *cost_gpu_find(const char *name);

struct cost_carry {
	double		seconds;	/* central estimate */
	double		lo, hi;		/* range from the two ratios */
};

/* Carry seconds measured on `from` to `to`. Returns 0, or -1 (err set) for
 * a bad time or unknown GPU. */
int		cost_carry_seconds(double seconds, const struct cost_gpu *from,
		    const struct cost_gpu *to, struct cost_carry *out,
		    char *err, size_t errsz);

/*
 * Where a run's seconds come from, most trusted first. X(id, key, label).
 */
#define COST_SECONDS_SOURCES(X)						\
	X(OWN,		"own",		"median of your runs")		\
	X(OWN_CARRIED,	"own-carried",					\
	    "estimate from your runs on another tier")			\
	X(LOCAL,	"local",	"estimate from a run on your GPU") \
	X(EXAMPLE,	"example",	"from one example")		\
	X(TYPED,	"typed",	"the seconds you gave")		\
	X(NONE,		"none",		"no time known")

enum cost_seconds_source {
#define X(id, key, label) COST_SECONDS_##id,
	COST_SECONDS_SOURCES(X)
#undef X
	COST_SECONDS__COUNT
};

const char	*cost_seconds_key(enum cost_seconds_source s);
const char	*cost_seconds_label(enum cost_seconds_source s);

/*
 * Median of the finite, positive values of v[0..n) (others are skipped).
 * Returns 0 with *out, or -1 (err set) when none is usable, n exceeds
 * COST_MAX_MEDIAN_SAMPLES, or memory runs out.
 */
int		cost_median(const double *v, size_t n, double *out,
		    char *err, size_t errsz);

/*
 * What is known about a model's run time. Absent values are 0 (or NULL).
 * Replicate does not say which hardware a prediction ran on, so own runs
 * and the default example name their tier when the caller knows it.
 */
struct cost_timing {
	const double	*own;		/* metrics.predict_time of own runs */
	size_t		 n_own;
	const char	*own_sku;	/* tier they ran on (NULL: unknown) */
	double		 local_seconds;	/* one run measured on the user's GPU */
	const char	*local_gpu;	/* its name, for cost_gpu_find() */
	double		 example_seconds;	/* default_example metrics */
	const char	*example_sku;	/* NULL: used as is on every tier */
	double		 typed_seconds;
};

struct cost_seconds {
	double		seconds;	/* 0 when src is NONE */
	double		lo, hi;		/* = seconds unless carried */
	enum cost_seconds_source src;
	bool		estimate;	/* carried by the speed table */
	char		note[96];	/* "median of 5 runs", ... */
};

/*
 * Pick the most trusted seconds for one tier: own runs on that tier; own
 * runs carried from their tier; a local run carried from the user's GPU;
 * the default example (carried when example_sku names another tier); typed
 * seconds. Sources that cannot apply to the tier (no speed figure, e.g.
 * CPU) are skipped. Always returns 0; src is NONE when nothing applies.
 */
int		cost_seconds_pick(const struct cost_table *t,
		    const struct cost_timing *in, const struct cost_price *tier,
		    struct cost_seconds *out);

/*
 * One run's estimate, built as the model page builds it: usd = $/s x
 * seconds, shown to 2 significant figures ("$0.0028"); runs per $1 =
 * floor(1 / the shown cost) (0.0028 -> 357). Returns 0, or -1 (err set) for
 * a price or seconds that is not finite, <= 0, or past the limits.
 */
struct cost_run {
	double		usd;		/* exact product */
	double		usd_shown;	/* rounded to 2 significant figures */
	uint64_t	runs_per_dollar;
	bool		runs_overflow;	/* more than UINT64_MAX: shown ">" */
	char		usd_text[COST_FMT_MAX];	/* "$0.0028" */
	char		runs_text[COST_FMT_MAX];	/* "357" */
};

int		cost_run_estimate(double usd_per_second, double seconds,
		    struct cost_run *out, char *err, size_t errsz);

/*
 * Everything a tier's row shows, in one call (the TUI's Cost tab and the
 * CLI): the seconds picked for tier p from *in, then the run estimate.
 * ok is false when no time applies to the tier or the numbers are out of
 * range (err says why; a "price unknown" row is simply p == NULL, which
 * gives ok = false and err "price unknown").
 */
struct cost_tier_estimate {
	const struct cost_price *p;	/* borrowed from the table */
	struct cost_seconds secs;
	struct cost_run	 run;
	bool		 ok;
	char		 err[128];
};

void		cost_estimate_tier(const struct cost_table *t,
		    const struct cost_timing *in, const struct cost_price *p,
		    struct cost_tier_estimate *out);

/*
 * Formatting (locale-independent). Each writes a NUL-terminated string into
 * buf (bufsz >= COST_FMT_MAX always suffices) and returns buf. Non-finite or
 * negative input gives "?".
 *   cost_fmt_sig2:    2 significant figures, no '$': 0.0028275 -> "0.0028",
 *                     0.035 -> "0.035", 357.1 -> "360", 12 -> "12"
 *   cost_fmt_usd:     "$0.0028" below $1 (2 significant figures), else
 *                     dollars and cents with thousands separators
 *                     ("$1,234.56")
 *   cost_fmt_price:   a $/s price with the digits it has: "$0.000975/s"
 *   cost_fmt_seconds: "2.9 s", "4 min 35 s", "3 h 20 min", "2 d 4 h"
 */
char		*cost_fmt_sig2(double x, char *buf, size_t bufsz);
char		*cost_fmt_usd(double x, char *buf, size_t bufsz);
char		*cost_fmt_price(double usd_per_second, char *buf, size_t bufsz);
char		*cost_fmt_seconds(double s, char *buf, size_t bufsz);

/*
 * Billing rules (PRICING.md section 3). X(id, key, what is billed).
 */
#define COST_BILLING_MODES(X)						\
	X(PUBLIC,	"public",					\
	    "active time only; setup and idle are free; failed runs are free") \
	X(PRIVATE,	"private",					\
	    "setup + idle + active: all the time instances are online")	\
	X(DEPLOYMENT,	"deployment",					\
	    "setup + idle + active: all the time instances are online")	\
	X(FAST_BOOT,	"fast-boot",					\
	    "active time only (fine-tune served from a shared base model)") \
	X(PER_OUTPUT,	"per-output",					\
	    "priced per output (image, second of video), not per second") \
	X(PER_TOKEN,	"per-token",	"priced per token, not per second")

enum cost_billing_mode {
#define X(id, key, what) COST_BILL_##id,
	COST_BILLING_MODES(X)
#undef X
	COST_BILL__COUNT
};

const char	*cost_billing_key(enum cost_billing_mode m);
const char	*cost_billing_what(enum cost_billing_mode m);
/* By key ("public"); returns -1 when unknown, else the mode. */
int		 cost_billing_from_key(const char *key);
/* True for the modes a per-second price applies to. */
bool		 cost_billing_is_timed(enum cost_billing_mode m);

struct cost_billing {
	enum cost_billing_mode mode;
	double		unit_usd;	/* PER_OUTPUT/PER_TOKEN: $ per unit */
	const char	*unit;		/* "image", "token", ... */
};

enum cost_run_status {
	COST_RUN_SUCCEEDED,
	COST_RUN_FAILED,
	COST_RUN_CANCELED
};

struct cost_billed {
	bool		timed;		/* false: per-unit model, see units */
	double		seconds;	/* billed seconds */
	double		usd;		/* seconds x $/s; NaN when !timed */
	const char	*why;		/* the rule applied, static text */
};

/*
 * What one run bills, given its setup, active and idle seconds and final
 * status. Public: active only, failed runs free, canceled runs billed for
 * the time they ran (active). Private and deployments: setup + idle +
 * active whatever the status. Fast-booting fine-tunes: active only, also
 * when failed (the docs: "only ever charge you for the time the model is
 * active"; the failed-free rule is stated for public models). Per-output
 * and per-token models: timed = false (use cost_per_unit()). Returns 0, or
 * -1 (err) for negative or non-finite seconds or price.
 */
int		cost_billed_for_run(const struct cost_billing *b,
		    double usd_per_second, double setup_s, double active_s,
		    double idle_s, enum cost_run_status status,
		    struct cost_billed *out, char *err, size_t errsz);

/* units x b->unit_usd for per-output/per-token models; -1 otherwise or for
 * bad numbers. 8 tokens at $9.50 per million -> 0.000076. */
int		cost_per_unit(const struct cost_billing *b, double units,
		    double *usd, char *err, size_t errsz);

/*
 * The instance lifecycle (Offline, Booting, Active, Idle) and which phases
 * each mode pays for. X(id, name, what happens, public billed, private
 * billed). Booting takes "a few seconds" to "several minutes" (fetching
 * weights); idle lasts "a few minutes" (no exact figure is published).
 */
#define COST_PHASES(X)							\
	X(OFFLINE, "Offline",						\
	    "no instance: the next request cold-boots", 0, 0)		\
	X(BOOTING, "Booting",						\
	    "setting up: a few seconds to several minutes (weights)", 0, 1) \
	X(ACTIVE,  "Active",  "processing requests", 1, 1)		\
	X(IDLE,    "Idle",						\
	    "waiting a few minutes for a request, then offline", 0, 1)

enum cost_phase {
#define X(id, name, what, pub, priv) COST_PHASE_##id,
	COST_PHASES(X)
#undef X
	COST_PHASE__COUNT
};

const char	*cost_phase_name(enum cost_phase p);
const char	*cost_phase_what(enum cost_phase p);
bool		 cost_phase_billed(enum cost_phase p, enum cost_billing_mode m);

/*
 * A cold start in time and money: the wait is boot + active (what the user
 * sees from Offline to output); billed is what mode m pays for of boot,
 * active and the idle tail that follows.
 */
struct cost_cold_start {
	double		wait_s;
	double		billed_s;
	double		usd;
	double		usd_warm;	/* the same run on a warm instance */
};

int		cost_cold_start(enum cost_billing_mode m, double usd_per_second,
		    double boot_s, double active_s, double idle_s,
		    struct cost_cold_start *out, char *err, size_t errsz);

/*
 * Deployment calculator. The model (a month is COST_DAYS_PER_MONTH days):
 *
 *   load      = rph x seconds / 3600           busy instances on average
 *   needed    = ceil(load) clamped to [min, max]   (overloaded if ceil(load)
 *               > max: the max instances serve what they can, requests queue)
 *   per day, instance-seconds online (billed: setup + idle + active):
 *     base    = min x 86400                    min instances never scale down
 *     extra   = needed - min instances, online during the `hours` busy
 *               hours, plus one boot and one idle window a day each:
 *               extra x min(86400, hours x 3600 + boot + idle)
 *     sparse  = when needed = 1 above min = 0 and the gap between requests
 *               (3600 / rph) exceeds seconds + idle, the instance goes
 *               offline between requests: each request costs boot +
 *               seconds + idle instead (the cheaper of the two is taken)
 *   monthly   = (base + extra) x $/s x days
 *   public    = the same served requests on a public model (active only):
 *               rph_served x hours x seconds x $/s x days
 */
struct cost_deploy_in {
	unsigned	min_instances;	/* 0 = scale to zero */
	unsigned	max_instances;	/* >= 1, >= min */
	double		hours_per_day;	/* hours with traffic, 0..24 */
	double		rph;		/* requests per hour in those hours */
	double		seconds;	/* per request */
	double		idle_s;		/* idle window before scaling down */
	double		boot_s;		/* setup time per cold boot */
	double		usd_per_second;
};

struct cost_deploy_out {
	double		load;		/* busy instances, rph x s / 3600 */
	unsigned	instances;	/* needed, clamped */
	bool		overloaded;	/* ceil(load) > max */
	bool		sparse;		/* scales to zero between requests */
	double		rph_served;
	double		online_s_day;	/* billed instance-seconds per day */
	double		active_s_day;	/* of which processing requests */
	double		utilization;	/* active / online, 0..1 */
	double		monthly_usd;
	double		public_monthly_usd;
	double		per_request_usd;	/* monthly / requests served */
};

int		cost_deploy(const struct cost_deploy_in *in,
		    struct cost_deploy_out *out, char *err, size_t errsz);

/*
 * Parse "min=1,max=3,hours=8,rph=120,idle=300[,boot=60][,seconds=S]" into
 * *in (keys in any order; unknown keys, repeats or bad numbers are errors).
 * Fields not named keep the values *in had (set the defaults first).
 */
int		cost_deploy_parse(const char *spec, struct cost_deploy_in *in,
		    char *err, size_t errsz);

/*
 * Batch forecast: runs x seconds on one tier at a concurrency, before
 * anything is spent. Public and fast-boot: billed = runs x seconds. Private
 * and deployments: the lanes (min(concurrency, runs) instances) are online
 * for boot + wall + idle each. wall = ceil(runs / concurrency) x seconds
 * (+ boot when given). Returns -1 (err) past COST_MAX_RUNS or
 * COST_MAX_CONCURRENCY, for bad seconds or prices, or a per-unit mode.
 */
struct cost_batch_in {
	uint64_t	runs;
	double		seconds;
	double		usd_per_second;
	unsigned	concurrency;	/* >= 1 */
	enum cost_billing_mode mode;
	double		boot_s;		/* private/deployment: per lane */
	double		idle_s;		/* private/deployment: per lane */
};

struct cost_batch_out {
	double		billed_s;
	double		total_usd;
	double		wall_s;
	unsigned	lanes;
};

int		cost_batch(const struct cost_batch_in *in,
		    struct cost_batch_out *out, char *err, size_t errsz);

/*
 * Runs in a sweep: the product of the value counts of each swept input
 * (3 prompts x 4 seeds x 2 sizes = 24). Returns -1 (err) for no inputs, a
 * zero count or a product past COST_MAX_RUNS.
 */
int		cost_sweep_runs(const uint64_t *counts, size_t n,
		    uint64_t *runs, char *err, size_t errsz);

/*
 * Locale-independent number parsing for the CLI and the prices file: an
 * optional sign, digits, an optional '.' and digits, an optional exponent;
 * the whole string (no spaces). Returns 0 or -1.
 */
int		cost_parse_double(const char *s, double *out);
/* Decimal digits only, no sign; -1 on anything else or past UINT64_MAX. */
int		cost_parse_u64(const char *s, uint64_t *out);

#endif
