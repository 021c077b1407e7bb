/*
 * tests/unit/t_client_cost.c: client/cost.[ch]. The model-page figures of
 * tests/fixtures/replicate/PRICING.md section 4 must come out exactly; the
 * shipped table must match the facts; deployment and batch figures are
 * worked by hand in the comments next to each check.
 */
#include "client/cost/cost.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/cost/cost_quote.h"
#include "tests/unit/t.h"

#define NEAR(a, b)	near((double)(a), (double)(b))

static int
near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1);
}

static struct cost_table tab;
static char err[512];

static double
price(const char *sku)
{
	const struct cost_price *p = cost_table_find(&tab, sku);

	return p ? p->usd_per_second : -1;
}

static void
test_numbers(void)
{
	double d = -1;
	uint64_t u = 0;
	char b[COST_FMT_MAX];

	T_OK(cost_parse_double("0.000975", &d) == 0 && d == 0.000975);
	T_OK(cost_parse_double("2.9", &d) == 0 && d == 2.9);
	T_OK(cost_parse_double("-1.5e3", &d) == 0 && d == -1500);
	T_OK(cost_parse_double("1e-3", &d) == 0 && d == 0.001);
	T_OK(cost_parse_double(".5", &d) == 0 && d == 0.5);
	T_OK(cost_parse_double("7.", &d) == 0 && d == 7);
	T_OK(cost_parse_double("0.00000000000000000000000001", &d) == 0 &&
	    d == 1e-26);
	T_OK(cost_parse_double("123456789012345678901234", &d) == 0 &&
	    NEAR(d, 1.23456789012345678e23));
	T_OK(cost_parse_double("", &d) != 0);
	T_OK(cost_parse_double(".", &d) != 0);
	T_OK(cost_parse_double("1,5", &d) != 0);
	T_OK(cost_parse_double("nan", &d) != 0);
	T_OK(cost_parse_double("inf", &d) != 0);
	T_OK(cost_parse_double("1e999", &d) != 0);
	T_OK(cost_parse_double("1e", &d) != 0);
	T_OK(cost_parse_double(" 1", &d) != 0);
	T_OK(cost_parse_double("1 ", &d) != 0);
	T_OK(cost_parse_u64("18446744073709551615", &u) == 0 &&
	    u == UINT64_MAX);
	T_OK(cost_parse_u64("18446744073709551616", &u) != 0);
	T_OK(cost_parse_u64("-1", &u) != 0);
	T_OK(cost_parse_u64("12a", &u) != 0);
	T_OK(cost_parse_u64("", &u) != 0);

	T_STREQ(cost_fmt_sig2(0.0028275, b, sizeof b), "0.0028");
	T_STREQ(cost_fmt_sig2(0.035, b, sizeof b), "0.035");
	T_STREQ(cost_fmt_sig2(0.42, b, sizeof b), "0.42");
	T_STREQ(cost_fmt_sig2(357.14, b, sizeof b), "360");
	T_STREQ(cost_fmt_sig2(12, b, sizeof b), "12");
	T_STREQ(cost_fmt_sig2(1.0, b, sizeof b), "1.0");
	T_STREQ(cost_fmt_sig2(0.03, b, sizeof b), "0.030");
	T_STREQ(cost_fmt_sig2(0.00995, b, sizeof b), "0.010");	/* carries */
	T_STREQ(cost_fmt_sig2(0.00285, b, sizeof b), "0.0029");	/* tie up */
	T_STREQ(cost_fmt_sig2(0, b, sizeof b), "0");
	T_STREQ(cost_fmt_sig2(-1, b, sizeof b), "?");
	T_STREQ(cost_fmt_sig2(NAN, b, sizeof b), "?");
	T_STREQ(cost_fmt_sig2(INFINITY, b, sizeof b), "?");
	T_STREQ(cost_fmt_sig2(1e-30, b, sizeof b), "1.0e-30");
	T_STREQ(cost_fmt_sig2(1e30, b, sizeof b), "1.0e+30");
	T_STREQ(cost_fmt_usd(0.0028275, b, sizeof b), "$0.0028");
	T_STREQ(cost_fmt_usd(2527.2, b, sizeof b), "$2,527.20");
	T_STREQ(cost_fmt_usd(1234567.891, b, sizeof b), "$1,234,567.89");
	T_STREQ(cost_fmt_usd(1, b, sizeof b), "$1.00");
	T_STREQ(cost_fmt_usd(0, b, sizeof b), "$0");
	T_STREQ(cost_fmt_usd(NAN, b, sizeof b), "?");
	T_STREQ(cost_fmt_price(0.000975, b, sizeof b), "$0.000975/s");
	T_STREQ(cost_fmt_price(0.0001, b, sizeof b), "$0.0001/s");
	T_STREQ(cost_fmt_price(0.0122, b, sizeof b), "$0.0122/s");
	T_STREQ(cost_fmt_seconds(2.9, b, sizeof b), "2.9 s");
	T_STREQ(cost_fmt_seconds(0.128, b, sizeof b), "0.13 s");
	T_STREQ(cost_fmt_seconds(275, b, sizeof b), "4 min 35 s");
	T_STREQ(cost_fmt_seconds(12000, b, sizeof b), "3 h 20 min");
	T_STREQ(cost_fmt_seconds(187200, b, sizeof b), "2 d 4 h");
	T_STREQ(cost_fmt_seconds(-1, b, sizeof b), "?");

	/* a comma-decimal locale changes nothing (when one is installed) */
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL ||
	    setlocale(LC_NUMERIC, "fr_FR.UTF-8") != NULL) {
		T_OK(cost_parse_double("0.000975", &d) == 0 && d == 0.000975);
		T_STREQ(cost_fmt_sig2(0.0028275, b, sizeof b), "0.0028");
		T_STREQ(cost_fmt_seconds(2.9, b, sizeof b), "2.9 s");
		setlocale(LC_NUMERIC, "C");
	}
}

/* The shipped table against PRICING.md section 2, newest snapshot (C). */
static void
test_table(void)
{
	static const struct { const char *sku; double p; int n; double mem; }
	    want[] = {
		{ "cpu", 0.000100, 0, 0 },
		{ "gpu-t4", 0.000225, 1, 16 },
		{ "gpu-a40-small", 0.000575, 1, 48 },
		{ "gpu-a40-large", 0.000725, 1, 48 },
		{ "gpu-a40-large-2x", 0.001450, 2, 96 },
		{ "gpu-a40-large-4x", 0.002900, 4, 192 },
		{ "gpu-a40-large-8x", 0.005800, 8, 384 },
		{ "gpu-a100-large", 0.001400, 1, 80 },
		{ "gpu-a100-large-2x", 0.002800, 2, 160 },
		{ "gpu-a100-large-4x", 0.005600, 4, 320 },
		{ "gpu-a100-large-8x", 0.011200, 8, 640 },
		{ "gpu-l40s", 0.000975, 1, 48 },
		{ "gpu-2x-l40s", 0.001950, 2, 96 },
		{ "gpu-4x-l40s", 0.003900, 4, 192 },
		{ "gpu-8x-l40s", 0.007800, 8, 384 },
		{ "gpu-h100", 0.001525, 1, 80 },
		{ "gpu-h100-2x", 0.003050, 2, 160 },
		{ "gpu-h100-4x", 0.006100, 4, 320 },
		{ "gpu-h100-8x", 0.012200, 8, 640 },
	};
	/* every multi-GPU row and the single-GPU row it multiplies */
	static const struct { const char *multi, *single; int n; } pairs[] = {
		{ "gpu-a40-large-2x", "gpu-a40-large", 2 },
		{ "gpu-a40-large-4x", "gpu-a40-large", 4 },
		{ "gpu-a40-large-8x", "gpu-a40-large", 8 },
		{ "gpu-a100-large-2x", "gpu-a100-large", 2 },
		{ "gpu-a100-large-4x", "gpu-a100-large", 4 },
		{ "gpu-a100-large-8x", "gpu-a100-large", 8 },
		{ "gpu-2x-l40s", "gpu-l40s", 2 },
		{ "gpu-4x-l40s", "gpu-l40s", 4 },
		{ "gpu-8x-l40s", "gpu-l40s", 8 },
		{ "gpu-h100-2x", "gpu-h100", 2 },
		{ "gpu-h100-4x", "gpu-h100", 4 },
		{ "gpu-h100-8x", "gpu-h100", 8 },
	};
	const struct cost_price *p, *s;
	char d[256];
	size_t i, j;
	int multi = 0;

	T_OK(cost_table_find(NULL, "gpu-t4") == NULL);
	T_OK(cost_table_init(&tab, err, sizeof err) == 0);
	T_EQ(tab.n, sizeof want / sizeof want[0]);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		p = cost_table_find(&tab, want[i].sku);
		if (!T_OK(p != NULL)) {
			printf("     missing %s\n", want[i].sku);
			continue;
		}
		T_OK(p->usd_per_second == want[i].p);
		T_EQ(p->gpu_count, want[i].n);
		T_OK(p->gpu_memory_gb == want[i].mem);
		T_OK(p->date[0] != '\0' && p->source[0] != '\0');
		T_OK(p->origin == COST_ORIGIN_SHIPPED);
		T_OK((p->gpu[0] != '\0') == (want[i].n > 0));
		T_OK(p->gpu[0] == '\0' || cost_gpu_find(p->gpu) != NULL);
	}
	/* n x the single price, for every multi-GPU row in the table */
	for (i = 0; i < tab.n; i++) {
		p = &tab.rows[i];
		if (p->gpu_count <= 1)
			continue;
		multi++;
		for (j = 0; j < sizeof pairs / sizeof pairs[0]; j++)
			if (strcmp(pairs[j].multi, p->sku) == 0)
				break;
		if (!T_OK(j < sizeof pairs / sizeof pairs[0])) {
			printf("     no single-GPU pair for %s\n", p->sku);
			continue;
		}
		s = cost_table_find(&tab, pairs[j].single);
		T_OK(s != NULL && s->gpu_count == 1);
		T_EQ(p->gpu_count, pairs[j].n);
		T_OK(s && NEAR(p->usd_per_second, pairs[j].n *
		    s->usd_per_second));
		T_OK(s && NEAR(p->gpu_memory_gb, pairs[j].n *
		    s->gpu_memory_gb));
		T_OK(s && strcmp(p->gpu, s->gpu) == 0);
	}
	T_EQ(multi, 12);
	/* exact spelling: the irregular ones are not derived */
	T_OK(cost_table_find(&tab, "gpu-l40s-2x") == NULL);
	T_OK(cost_table_find(&tab, "gpu-2x-a100-large") == NULL);
	T_OK(cost_table_find(&tab, "GPU-T4") == NULL);
	/* the /v1/hardware fixture's names resolve; an unknown SKU is NULL */
	T_OK(cost_table_find_name(&tab, "Nvidia A40 (Large) GPU") ==
	    cost_table_find(&tab, "gpu-a40-large"));
	T_OK(cost_table_find_name(&tab, "nvidia t4 gpu") ==
	    cost_table_find(&tab, "gpu-t4"));
	T_OK(cost_table_find(&tab, "gpu-a100-40gb") == NULL);
	T_OK(cost_table_find(&tab, "gpu-b200") == NULL);
	T_OK(cost_table_find(&tab, "") == NULL);
	/* the compiled-in table is exactly client/cost/prices.tsv (run from the
	 * repository root, as tests/run does) */
	{
		static struct cost_table fresh;
		FILE *fp = fopen("client/cost/prices.tsv", "rb");
		static char text[COST_FILE_MAX];
		size_t len = fp ? fread(text, 1, sizeof text, fp) : 0;

		if (fp)
			fclose(fp);
		memset(&fresh, 0, sizeof fresh);
		T_OK(len > 0 && cost_table_parse(&fresh, text, len,
		    COST_ORIGIN_SHIPPED, "client/cost/prices.tsv", err,
		    sizeof err) == 0);
		T_OK(memcmp(&fresh, &tab, sizeof tab) == 0);
	}
	T_STREQ(tab.date, "2024-08..2026-03-09");
	T_OK(strstr(tab.source, "replicate.com/pricing") != NULL);
	cost_table_describe(&tab, d, sizeof d);
	T_OK(strstr(d, "2024-08..2026-03-09") != NULL);
	T_OK(strstr(d, "replicate.com/pricing") != NULL);
}

/* PRICING.md section 4: the model-page figures, exactly. */
static void
test_model_page(void)
{
	struct cost_run r;

	/* lucataco/moondream2: L40S ~2.9 s -> $0.0028, 357 runs per $1
	 * (0.000975 x 2.9 = 0.0028275 -> 0.0028; 1 / 0.0028 = 357.1) */
	T_OK(cost_run_estimate(price("gpu-l40s"), 2.9, &r, err,
	    sizeof err) == 0);
	T_STREQ(r.usd_text, "$0.0028");
	T_EQ(r.runs_per_dollar, 357);
	T_STREQ(r.runs_text, "357");
	T_OK(NEAR(r.usd, 0.0028275));
	T_OK(NEAR(r.usd_shown, 0.0028));
	/* openai/whisper: T4 ~21.5 s -> $0.0048, 208 (floor(1 / 0.0048)) */
	T_OK(cost_run_estimate(price("gpu-t4"), 21.5, &r, err,
	    sizeof err) == 0);
	T_STREQ(r.usd_text, "$0.0048");
	T_EQ(r.runs_per_dollar, 208);
	/* firtoz/trellis: A100 (80GB) 25 s -> $0.035, 28 */
	T_OK(cost_run_estimate(price("gpu-a100-large"), 25, &r, err,
	    sizeof err) == 0);
	T_STREQ(r.usd_text, "$0.035");
	T_EQ(r.runs_per_dollar, 28);
	/* lightricks/ltx-video: L40S ~13 s -> $0.013, 76 */
	T_OK(cost_run_estimate(price("gpu-l40s"), 13, &r, err,
	    sizeof err) == 0);
	T_STREQ(r.usd_text, "$0.013");
	T_EQ(r.runs_per_dollar, 76);
	/* genmoai/mochi-1: H100 ~275 s -> $0.42, 2 */
	T_OK(cost_run_estimate(price("gpu-h100"), 275, &r, err,
	    sizeof err) == 0);
	T_STREQ(r.usd_text, "$0.42");
	T_EQ(r.runs_per_dollar, 2);
	/* runs per $1 computed in integers: 1 / 0.0025 is exactly 400 */
	T_OK(cost_run_estimate(0.0001, 25, &r, err, sizeof err) == 0);
	T_STREQ(r.usd_text, "$0.0025");
	T_EQ(r.runs_per_dollar, 400);
	/* over $1 a run: 0 runs per $1; $1.0 exactly: 1 */
	T_OK(cost_run_estimate(price("gpu-h100-8x"), 1000, &r, err,
	    sizeof err) == 0);
	T_STREQ(r.usd_text, "$12");
	T_EQ(r.runs_per_dollar, 0);
	T_OK(cost_run_estimate(0.001, 1000, &r, err, sizeof err) == 0);
	T_STREQ(r.usd_text, "$1.0");
	T_EQ(r.runs_per_dollar, 1);
	/* tiny cost: many runs, still exact integers */
	T_OK(cost_run_estimate(0.0001, 0.001, &r, err, sizeof err) == 0);
	T_STREQ(r.usd_text, "$0.00000010");
	T_EQ(r.runs_per_dollar, 10000000);
	/* beyond uint64: flagged, never wrapped */
	T_OK(cost_run_estimate(1e-300, 1e-10, &r, err, sizeof err) == -1 ||
	    r.runs_overflow);
	T_OK(cost_run_estimate(1e-15, 1e-6, &r, err, sizeof err) == 0);
	T_OK(r.runs_overflow && r.runs_per_dollar == UINT64_MAX);
	T_OK(r.runs_text[0] == '>');

	/* bad seconds and prices */
	T_OK(cost_run_estimate(0.000975, 0, &r, err, sizeof err) == -1);
	T_OK(strstr(err, "more than 0") != NULL);
	T_OK(cost_run_estimate(0.000975, -3, &r, err, sizeof err) == -1);
	T_OK(cost_run_estimate(0.000975, NAN, &r, err, sizeof err) == -1);
	T_OK(cost_run_estimate(0.000975, INFINITY, &r, err, sizeof err) == -1);
	T_OK(cost_run_estimate(0.000975, 1e12, &r, err, sizeof err) == -1);
	T_OK(strstr(err, "at most") != NULL);
	T_OK(cost_run_estimate(0, 2.9, &r, err, sizeof err) == -1);
	T_OK(cost_run_estimate(-1, 2.9, &r, err, sizeof err) == -1);
	T_OK(cost_run_estimate(NAN, 2.9, &r, err, sizeof err) == -1);
	T_OK(cost_run_estimate(11, 2.9, &r, err, sizeof err) == -1);
	T_OK(cost_run_estimate(0.1, 2.9, NULL, err, sizeof err) == -1);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

static void
test_user_file(void)
{
	struct cost_table t;
	const struct cost_price *p;
	char path[COST_LABEL_MAX], dir[] = "/tmp/t_client_cost.XXXXXX";
	char file[300], big[COST_FILE_MAX + 100];
	const char *txt;
	size_t n_before;

	/* where it lives: R8PLAY_CONFIG_DIR > XDG_CONFIG_HOME > HOME */
	T_OK(cost_prices_path(path, sizeof path, "/c", "/x", "/h") == 0);
	T_STREQ(path, "/c/prices");
	T_OK(cost_prices_path(path, sizeof path, NULL, "/x", "/h") == 0);
	T_STREQ(path, "/x/r8play/prices");
	T_OK(cost_prices_path(path, sizeof path, "", "rel", "/h") == 0);
	/* a relative XDG_CONFIG_HOME is ignored */
	T_STREQ(path, "/h/.config/r8play/prices");
	T_OK(cost_prices_path(path, sizeof path, NULL, NULL, NULL) == -1);
	T_OK(cost_prices_path(path, 8, "/long/dir", NULL, NULL) == -1);

	/* both formats, override precedence: user beats shipped; later lines
	 * beat earlier ones; `=` keeps the shipped name and GPU fields */
	t = tab;
	txt = "# my prices\n"
	    "@date = 2026-11-30\n"
	    "gpu-l40s = 0.001\n"
	    "gpu-t4 = 0.81/h\n"
	    "gpu-l40s = 0.0009\n"
	    "gpu-b200\tNvidia B200 GPU\t0.0025\t1\t192\t2026-11\tmy invoice\n"
	    "\r\n"
	    "   \n";
	T_OK(cost_table_parse(&t, txt, strlen(txt), COST_ORIGIN_USER,
	    "prices", err, sizeof err) == 0);
	p = cost_table_find(&t, "gpu-l40s");
	T_OK(p && p->usd_per_second == 0.0009);
	T_OK(p && p->origin == COST_ORIGIN_USER);
	T_STREQ(p ? p->name : NULL, "Nvidia L40S GPU");
	T_STREQ(p ? p->gpu : NULL, "l40s");
	T_STREQ(p ? p->date : NULL, "2026-11-30");
	p = cost_table_find(&t, "gpu-t4");
	T_OK(p && NEAR(p->usd_per_second, 0.000225));
	p = cost_table_find(&t, "gpu-b200");
	T_OK(p && p->usd_per_second == 0.0025 && p->gpu_count == 1 &&
	    p->gpu_memory_gb == 192);
	T_STREQ(p ? p->source : NULL, "my invoice");
	T_EQ(t.n, tab.n + 1);
	T_EQ(t.n_user, 3);
	T_STREQ(t.user_date, "2026-11-30");
	T_STREQ(t.user_file, "prices");
	p = cost_table_find(&t, "gpu-h100");
	T_OK(p && p->origin == COST_ORIGIN_SHIPPED);

	/* malformed: a clear message with the line number; table unchanged */
#define BAD(text, want)							\
	do {								\
		struct cost_table u = tab;				\
		T_OK(cost_table_parse(&u, text, strlen(text),		\
		    COST_ORIGIN_USER, "~/.config/r8play/prices", err,	\
		    sizeof err) == -1);					\
		if (!T_OK(strstr(err, want) != NULL))			\
			printf("     err: %s\n", err);			\
		T_OK(memcmp(&u, &tab, sizeof u) == 0);			\
	} while (0)
	BAD("gpu-t4 = 0.0002\ngpu-l40s = abc\n",
	    "~/.config/r8play/prices:2: price is not a number");
	BAD("# c\n\ngpu-t4 = -1\n", "prices:3: price must be more than 0");
	BAD("gpu-t4 = 0\n", ":1: price must be more than 0");
	BAD("gpu-t4 = nan\n", ":1: price is not a number");
	BAD("gpu-t4 = 1e999\n", ":1: price is not a number");
	BAD("gpu-t4 = 11\n", ":1: price is over");
	BAD("gpu-t4 = 1/min\n", ":1: unit must be /s or /h");
	BAD("gpu-t4 = 0,000225\n", ":1: price is not a number");
	BAD("= 0.1\n", ":1: missing SKU");
	BAD("gpu t4 = 0.1\n", ":1: bad SKU");
	BAD("just words\n", ":1: expected `sku = price` or a tab-separated");
	BAD("a\tb\tc\n", ":1: 3 columns, want 7 or 8");
	BAD("a\tb\t1\t1\t1\td\ts\tt4\textra\n", ":1: too many columns");
	BAD("a\tb\t0.1\tx\t1\td\ts\n", ":1: gpu_count must be");
	BAD("a\tb\t0.1\t1\t-5\td\ts\n", ":1: gpu_memory_gb must be");
	BAD("a\tb\t0.1\t1\t1\td\ts\tb9000\n", ":1: unknown gpu \"b9000\"");
	BAD("a\tb\x1b[2J\t0.1\t1\t1\td\ts\n", ":1: control character");
	BAD("a\t\xff\xfe\t0.1\t1\t1\td\ts\n",
	    ":1: control character or bad UTF-8");
	BAD("@colour = red\n", ":1: unknown directive @colour");
	BAD("@co\x1b[2Jl = red\n", ":1: unknown directive @co?[2Jl");
	{
		static const char nul[] = "ok = 0.1\nx = 1\0\n";
		struct cost_table u = tab;

		T_OK(cost_table_parse(&u, nul, sizeof nul - 1,
		    COST_ORIGIN_USER, "p", err, sizeof err) == -1);
		T_OK(strstr(err, "p:2: NUL byte") != NULL);
		T_OK(memcmp(&u, &tab, sizeof u) == 0);
	}
	memset(big, 'a', 600);
	memcpy(big + 600, " = 1\n", 6);
	BAD(big, ":1: line longer than 512 bytes");

	/* too many rows */
	{
		struct cost_table u = tab;
		char *many = malloc(COST_MAX_ROWS * 24 + 1), *q = many;
		int i;

		for (i = 0; many && i < COST_MAX_ROWS; i++)
			q += sprintf(q, "sku-%d = 0.001\n", i);
		T_OK(many && cost_table_parse(&u, many, strlen(many),
		    COST_ORIGIN_USER, "p", err, sizeof err) == -1);
		T_OK(strstr(err, "too many rows") != NULL);
		T_OK(strstr(err, "p:110:") != NULL);	/* 128 - 19 + 1 */
		free(many);
	}
	/* over the byte limit */
	{
		struct cost_table u = tab;

		memset(big, '#', sizeof big);
		T_OK(cost_table_parse(&u, big, sizeof big, COST_ORIGIN_USER,
		    "p", err, sizeof err) == -1);
		T_OK(strstr(err, "more than the 65536 allowed") != NULL);
	}
	/* a UTF-8 BOM and CRLF are fine */
	t = tab;
	txt = "\xef\xbb\xbfgpu-t4 = 0.0003\r\n";
	T_OK(cost_table_parse(&t, txt, strlen(txt), COST_ORIGIN_USER, "p",
	    err, sizeof err) == 0);
	T_OK(price("gpu-t4") == 0.000225);	/* tab untouched */
	T_OK(cost_table_find(&t, "gpu-t4")->usd_per_second == 0.0003);

	/* files: missing = 1, loaded = 0, malformed = -1 naming PATH:LINE */
	if (!T_OK(mkdtemp(dir) != NULL))
		return;
	snprintf(file, sizeof file, "%s/prices", dir);
	t = tab;
	T_EQ(cost_table_load_file(&t, file, err, sizeof err), 1);
	write_file(file, "gpu-h100 = 0.002\n");
	T_EQ(cost_table_load_file(&t, file, err, sizeof err), 0);
	T_OK(cost_table_find(&t, "gpu-h100")->usd_per_second == 0.002);
	T_STREQ(t.user_file, file);
	write_file(file, "gpu-h100 = 0.002\n\ngpu-t4 = cheap\n");
	n_before = t.n;
	T_EQ(cost_table_load_file(&t, file, err, sizeof err), -1);
	{
		char want[400];

		snprintf(want, sizeof want, "%s:3: price is not a number",
		    file);
		T_OK(strstr(err, want) == err);
	}
	T_EQ(t.n, n_before);
	/* cost_table_load() honours R8PLAY_CONFIG_DIR */
	write_file(file, "gpu-t4 = 0.0005\n");
	setenv("R8PLAY_CONFIG_DIR", dir, 1);
	T_OK(cost_table_load(&t, err, sizeof err) == 0);
	T_OK(cost_table_find(&t, "gpu-t4")->usd_per_second == 0.0005);
	T_EQ(t.n_user, 1);
	cost_table_describe(&t, file, sizeof file);
	T_OK(strstr(file, "1 row from") != NULL);
	snprintf(file, sizeof file, "%s/prices", dir);
	write_file(file, "gpu-t4 = \n");
	T_OK(cost_table_load(&t, err, sizeof err) == -1);
	T_OK(strstr(err, ":1: price is not a number") != NULL);
	T_OK(cost_table_find(&t, "gpu-t4")->usd_per_second == 0.000225);
	unsetenv("R8PLAY_CONFIG_DIR");
	unlink(file);
	rmdir(dir);
}

static void
test_seconds(void)
{
	const double runs[] = { 3.1, NAN, 2.8, -1, 2.9, 0, INFINITY, 3.0 };
	const double odd[] = { 5, 1, 3 };
	const struct cost_price *l40s = cost_table_find(&tab, "gpu-l40s");
	const struct cost_price *t4 = cost_table_find(&tab, "gpu-t4");
	const struct cost_price *cpu = cost_table_find(&tab, "cpu");
	const struct cost_price *h100x2 = cost_table_find(&tab, "gpu-h100-2x");
	const struct cost_gpu *g4090, *gl40s, *gt4;
	struct cost_timing in;
	struct cost_seconds s;
	struct cost_carry c;
	double m = 0;
	int i;

	/* the median skips what is not a time */
	T_OK(cost_median(runs, 8, &m, err, sizeof err) == 0);
	T_OK(m == 2.95);	/* of 2.8 2.9 3.0 3.1 */
	T_OK(cost_median(odd, 3, &m, err, sizeof err) == 0 && m == 3);
	T_OK(cost_median(runs + 3, 1, &m, err, sizeof err) == -1);
	T_OK(cost_median(NULL, 0, &m, err, sizeof err) == -1);
	T_OK(cost_median(runs, (size_t)COST_MAX_MEDIAN_SAMPLES + 1, &m, err,
	    sizeof err) == -1);

	/* labels, in trust order */
	T_STREQ(cost_seconds_label(COST_SECONDS_EXAMPLE), "from one example");
	T_STREQ(cost_seconds_key(COST_SECONDS_OWN), "own");
	T_STREQ(cost_seconds_key(COST_SECONDS__COUNT), "?");
	T_OK(COST_SECONDS_OWN < COST_SECONDS_LOCAL &&
	    COST_SECONDS_LOCAL < COST_SECONDS_EXAMPLE &&
	    COST_SECONDS_EXAMPLE < COST_SECONDS_TYPED);

	/* GPU names as people and nvidia-smi write them */
	g4090 = cost_gpu_find("NVIDIA GeForce RTX 4090");
	T_STREQ(g4090 ? g4090->key : NULL, "rtx4090");
	gl40s = cost_gpu_find("l40s");
	gt4 = cost_gpu_find("Tesla T4");
	T_STREQ(gt4 ? gt4->key : NULL, "t4");
	T_STREQ(cost_gpu_find("NVIDIA A100-SXM4-80GB")->key, "a100-80gb");
	T_STREQ(cost_gpu_find("NVIDIA A100-PCIE-40GB")->key, "a100-40gb");
	T_STREQ(cost_gpu_find("A100 (80GB)")->key, "a100-80gb");
	T_STREQ(cost_gpu_find("NVIDIA H100 80GB HBM3")->key, "h100");
	T_STREQ(cost_gpu_find("NVIDIA H200")->key, "h200");
	T_STREQ(cost_gpu_find("NVIDIA A10G")->key, "a10");
	T_OK(cost_gpu_find("Radeon 7900") == NULL);
	T_OK(cost_gpu_find("") == NULL);
	T_OK(cost_gpu_find(NULL) == NULL);
	for (i = 0; i < (int)cost_gpu_count(); i++) {
		const struct cost_gpu *g = cost_gpu_at((size_t)i);

		T_OK(g->tflops > 0 && g->mem_bw_gbs > 0 && g->spec[0]);
		T_OK(cost_gpu_find(g->key) == g);
		T_OK(cost_gpu_find(g->name) == g);
	}
	T_OK(cost_gpu_at(cost_gpu_count()) == NULL);

	/* carrying 10 s from an RTX 4090 (165.2 TFLOPS, 1008 GB/s) to an
	 * L40S (362.05, 864): ratios 0.45629 and 1.16667, geometric mean
	 * sqrt(0.53234) = 0.72962 -> 7.2962 s, range 4.563 .. 11.667 s */
	T_OK(cost_carry_seconds(10, g4090, gl40s, &c, err, sizeof err) == 0);
	T_OK(fabs(c.seconds - 7.2962) < 1e-3);
	T_OK(fabs(c.lo - 4.5629) < 1e-3 && fabs(c.hi - 11.6667) < 1e-3);
	T_OK(cost_carry_seconds(10, g4090, gl40s, &c, err, sizeof err) == 0);
	T_OK(cost_carry_seconds(0, g4090, gl40s, &c, err, sizeof err) == -1);
	T_OK(cost_carry_seconds(10, NULL, gl40s, &c, err, sizeof err) == -1);

	/* order of trust */
	memset(&in, 0, sizeof in);
	in.typed_seconds = 4;
	cost_seconds_pick(&tab, &in, l40s, &s);
	T_OK(s.src == COST_SECONDS_TYPED && s.seconds == 4 && !s.estimate);
	in.example_seconds = 0.57;
	cost_seconds_pick(&tab, &in, l40s, &s);
	T_OK(s.src == COST_SECONDS_EXAMPLE && s.seconds == 0.57);
	T_STREQ(s.note, "from one example");
	in.local_seconds = 10;
	in.local_gpu = "RTX 4090";
	cost_seconds_pick(&tab, &in, l40s, &s);
	T_OK(s.src == COST_SECONDS_LOCAL && s.estimate);
	T_OK(fabs(s.seconds - 7.2962) < 1e-3);
	T_OK(strstr(s.note, "rtx4090 -> l40s") != NULL);
	/* no speed figure for CPU: the local run cannot be carried there */
	cost_seconds_pick(&tab, &in, cpu, &s);
	T_OK(s.src == COST_SECONDS_EXAMPLE);
	/* multi-GPU: one GPU's worth of work, same figure as single */
	cost_seconds_pick(&tab, &in, h100x2, &s);
	T_OK(s.src == COST_SECONDS_LOCAL && s.estimate);
	in.own = runs;
	in.n_own = 8;
	in.own_sku = "gpu-l40s";
	cost_seconds_pick(&tab, &in, l40s, &s);
	T_OK(s.src == COST_SECONDS_OWN && s.seconds == 2.95 && !s.estimate);
	T_STREQ(s.note, "median of 4 runs");
	/* own runs on L40S carried to T4: L40S is faster on both counts */
	cost_seconds_pick(&tab, &in, t4, &s);
	T_OK(s.src == COST_SECONDS_OWN_CARRIED && s.estimate);
	T_OK(s.seconds > 2.95 && s.lo <= s.seconds && s.seconds <= s.hi);
	/* own runs, tier unknown: as is */
	in.own_sku = NULL;
	cost_seconds_pick(&tab, &in, t4, &s);
	T_OK(s.src == COST_SECONDS_OWN && s.seconds == 2.95);
	/* example carried when its tier is known and differs */
	memset(&in, 0, sizeof in);
	in.example_seconds = 10;
	in.example_sku = "gpu-a100-large";
	cost_seconds_pick(&tab, &in, cost_table_find(&tab, "gpu-a100-large"),
	    &s);
	T_OK(s.src == COST_SECONDS_EXAMPLE && !s.estimate && s.seconds == 10);
	cost_seconds_pick(&tab, &in, t4, &s);
	T_OK(s.src == COST_SECONDS_EXAMPLE && s.estimate && s.seconds > 10);
	/* nothing usable */
	memset(&in, 0, sizeof in);
	in.typed_seconds = -2;
	in.example_seconds = NAN;
	cost_seconds_pick(&tab, &in, t4, &s);
	T_OK(s.src == COST_SECONDS_NONE && s.seconds == 0);
	cost_seconds_pick(&tab, NULL, t4, &s);
	T_OK(s.src == COST_SECONDS_NONE);

	/* one call per row, as the Cost tab uses it */
	{
		struct cost_tier_estimate te;

		memset(&in, 0, sizeof in);
		in.typed_seconds = 2.9;
		cost_estimate_tier(&tab, &in, l40s, &te);
		T_OK(te.ok && te.p == l40s);
		T_STREQ(te.run.usd_text, "$0.0028");
		T_EQ(te.run.runs_per_dollar, 357);
		T_OK(te.secs.src == COST_SECONDS_TYPED);
		cost_estimate_tier(&tab, &in, NULL, &te);
		T_OK(!te.ok);
		T_STREQ(te.err, "price unknown");
		memset(&in, 0, sizeof in);
		in.local_seconds = 3;
		in.local_gpu = "rtx4090";
		cost_estimate_tier(&tab, &in, cpu, &te);
		T_OK(!te.ok && strstr(te.err, "no time") != NULL);
		in.typed_seconds = 1e9;	/* past 30 days, from a typo */
		cost_estimate_tier(&tab, &in, cpu, &te);
		T_OK(!te.ok && te.secs.src == COST_SECONDS_NONE);
	}
}

static void
test_billing(void)
{
	struct cost_billing b = { COST_BILL_PUBLIC, 0, NULL };
	struct cost_billed o;
	struct cost_cold_start cs;
	double usd = 0;

	T_STREQ(cost_billing_key(COST_BILL_FAST_BOOT), "fast-boot");
	T_EQ(cost_billing_from_key("deployment"), COST_BILL_DEPLOYMENT);
	T_EQ(cost_billing_from_key("nope"), -1);
	T_OK(!cost_billing_is_timed(COST_BILL_PER_TOKEN));

	/* public L40S, setup 30 s, active 2.9 s, idle 300 s */
	T_OK(cost_billed_for_run(&b, 0.000975, 30, 2.9, 300,
	    COST_RUN_SUCCEEDED, &o, err, sizeof err) == 0);
	T_OK(o.timed && o.seconds == 2.9 && NEAR(o.usd, 0.0028275));
	T_OK(cost_billed_for_run(&b, 0.000975, 30, 2.9, 300, COST_RUN_FAILED,
	    &o, err, sizeof err) == 0);
	T_OK(o.seconds == 0 && o.usd == 0);
	T_OK(strstr(o.why, "failed runs are free") != NULL);
	T_OK(cost_billed_for_run(&b, 0.000975, 30, 1.5, 300,
	    COST_RUN_CANCELED, &o, err, sizeof err) == 0);
	T_OK(o.seconds == 1.5);
	/* private: 30 + 300 + 2.9 = 332.9 s x 0.000975 = 0.32457750 */
	b.mode = COST_BILL_PRIVATE;
	T_OK(cost_billed_for_run(&b, 0.000975, 30, 2.9, 300, COST_RUN_FAILED,
	    &o, err, sizeof err) == 0);
	T_OK(NEAR(o.seconds, 332.9) && NEAR(o.usd, 0.3245775));
	b.mode = COST_BILL_DEPLOYMENT;
	T_OK(cost_billed_for_run(&b, 0.000975, 30, 2.9, 300,
	    COST_RUN_SUCCEEDED, &o, err, sizeof err) == 0);
	T_OK(NEAR(o.seconds, 332.9));
	b.mode = COST_BILL_FAST_BOOT;
	T_OK(cost_billed_for_run(&b, 0.000975, 30, 2.9, 300,
	    COST_RUN_SUCCEEDED, &o, err, sizeof err) == 0);
	T_OK(o.seconds == 2.9);
	/* per-output / per-token: no per-second figure */
	b.mode = COST_BILL_PER_TOKEN;
	T_OK(cost_billed_for_run(&b, 0.000975, 30, 2.9, 300,
	    COST_RUN_SUCCEEDED, &o, err, sizeof err) == 0);
	T_OK(!o.timed && isnan(o.usd));
	T_OK(strstr(o.why, "per token") != NULL);
	/* meta-llama-3.1-405b: 8 input tokens at $9.50 per million =
	 * $0.0000760; 43 output tokens = $0.0004085 (PRICING.md 3) */
	b.unit_usd = 9.5e-6;
	b.unit = "token";
	T_OK(cost_per_unit(&b, 8, &usd, err, sizeof err) == 0 &&
	    NEAR(usd, 0.000076));
	T_OK(cost_per_unit(&b, 43, &usd, err, sizeof err) == 0 &&
	    NEAR(usd, 0.0004085));
	T_OK(cost_per_unit(&b, -1, &usd, err, sizeof err) == -1);
	b.mode = COST_BILL_PUBLIC;
	T_OK(cost_per_unit(&b, 8, &usd, err, sizeof err) == -1);
	T_OK(cost_billed_for_run(&b, 0.000975, -1, 2.9, 0,
	    COST_RUN_SUCCEEDED, &o, err, sizeof err) == -1);
	T_OK(cost_billed_for_run(&b, 0.000975, 0, NAN, 0,
	    COST_RUN_SUCCEEDED, &o, err, sizeof err) == -1);
	T_OK(cost_billed_for_run(&b, 0, 0, 1, 0, COST_RUN_SUCCEEDED, &o, err,
	    sizeof err) == -1);

	/* lifecycle */
	T_STREQ(cost_phase_name(COST_PHASE_BOOTING), "Booting");
	T_OK(!cost_phase_billed(COST_PHASE_BOOTING, COST_BILL_PUBLIC));
	T_OK(cost_phase_billed(COST_PHASE_BOOTING, COST_BILL_PRIVATE));
	T_OK(cost_phase_billed(COST_PHASE_IDLE, COST_BILL_DEPLOYMENT));
	T_OK(!cost_phase_billed(COST_PHASE_IDLE, COST_BILL_FAST_BOOT));
	T_OK(cost_phase_billed(COST_PHASE_ACTIVE, COST_BILL_PUBLIC));
	T_OK(!cost_phase_billed(COST_PHASE_OFFLINE, COST_BILL_PRIVATE));
	/* cold start, A100 $0.0014/s, boot 180 s, run 25 s, idle 300 s:
	 * public waits 205 s, pays 25 s = $0.035; private pays 505 s =
	 * $0.707, warm 325 s = $0.455 */
	T_OK(cost_cold_start(COST_BILL_PUBLIC, 0.0014, 180, 25, 300, &cs,
	    err, sizeof err) == 0);
	T_OK(cs.wait_s == 205 && cs.billed_s == 25 && NEAR(cs.usd, 0.035));
	T_OK(cost_cold_start(COST_BILL_PRIVATE, 0.0014, 180, 25, 300, &cs,
	    err, sizeof err) == 0);
	T_OK(cs.billed_s == 505 && NEAR(cs.usd, 0.707) &&
	    NEAR(cs.usd_warm, 0.455));
	T_OK(cost_cold_start(COST_BILL_PER_OUTPUT, 0.0014, 1, 1, 1, &cs, err,
	    sizeof err) == -1);
}

static void
test_deploy(void)
{
	struct cost_deploy_in in;
	struct cost_deploy_out o;

	/* A: min=1 max=3, 8 h/day of 120 rph x 10 s, idle 300, L40S.
	 *   load = 120 x 10 / 3600 = 0.333 -> 1 instance = min
	 *   online = 1 x 86400 s/day; 30 days x 0.000975 = $2,527.20/month
	 *   public = 120 x 8 x 10 = 9600 s/day -> $280.80/month
	 *   per request = 2527.2 / (960 x 30) = $0.08775 */
	memset(&in, 0, sizeof in);
	T_OK(cost_deploy_parse("min=1,max=3,hours=8,rph=120,idle=300,"
	    "seconds=10", &in, err, sizeof err) == 0);
	in.usd_per_second = 0.000975;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == 0);
	T_EQ(o.instances, 1);
	T_OK(!o.overloaded && !o.sparse);
	T_OK(o.online_s_day == 86400);
	T_OK(NEAR(o.monthly_usd, 2527.2));
	T_OK(NEAR(o.public_monthly_usd, 280.8));
	T_OK(NEAR(o.per_request_usd, 0.08775));
	T_OK(NEAR(o.utilization, 9600.0 / 86400));

	/* B: min=0 max=3, 8 h of 1800 rph x 10 s, idle 300, boot 60, T4.
	 *   load = 5 > 3: overloaded, 3 instances serve 3 x 3600/10 = 1080
	 *   online = 3 x (28800 + 60 + 300) = 87480 s/day
	 *   monthly = 87480 x 0.000225 x 30 = $590.49
	 *   public (same 1080 rph) = 1080 x 8 x 10 = 86400 s -> $583.20 */
	memset(&in, 0, sizeof in);
	T_OK(cost_deploy_parse("rph=1800,max=3,min=0,hours=8,idle=300,boot=60"
	    ",seconds=10", &in, err, sizeof err) == 0);
	in.usd_per_second = 0.000225;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == 0);
	T_OK(o.overloaded && o.instances == 3 && NEAR(o.rph_served, 1080));
	T_OK(NEAR(o.online_s_day, 87480));
	T_OK(NEAR(o.monthly_usd, 590.49));
	T_OK(NEAR(o.public_monthly_usd, 583.2));

	/* C: scale to zero, sparse: min=0 max=1, 10 h of 2 rph x 20 s, idle
	 * 300, boot 30, A100 $0.0014/s. Gap 1800 s > 20 + 300: each request
	 * costs 30 + 20 + 300 = 350 s; 20 a day = 7000 s (< 36330 s warm)
	 *   monthly = 7000 x 0.0014 x 30 = $294.00
	 *   public = 20 x 20 = 400 s/day -> $16.80 */
	memset(&in, 0, sizeof in);
	T_OK(cost_deploy_parse("min=0,max=1,hours=10,rph=2,idle=300,boot=30,"
	    "seconds=20", &in, err, sizeof err) == 0);
	in.usd_per_second = 0.0014;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == 0);
	T_OK(o.sparse && o.instances == 1);
	T_OK(NEAR(o.online_s_day, 7000));
	T_OK(NEAR(o.monthly_usd, 294));
	T_OK(NEAR(o.public_monthly_usd, 16.8));

	/* D: 24 h busy: an extra instance is capped at 86400 s a day.
	 * min=1 max=2, 24 h of 600 rph x 10 s (load 1.67 -> 2), T4:
	 *   online = 86400 + min(86400, 86400 + 0 + 300) = 172800 s/day
	 *   monthly = 172800 x 0.000225 x 30 = $1,166.40 */
	memset(&in, 0, sizeof in);
	T_OK(cost_deploy_parse("min=1,max=2,hours=24,rph=600,idle=300,"
	    "seconds=10", &in, err, sizeof err) == 0);
	in.usd_per_second = 0.000225;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == 0);
	T_OK(o.instances == 2 && o.online_s_day == 172800);
	T_OK(NEAR(o.monthly_usd, 1166.4));

	/* errors */
	T_OK(cost_deploy_parse("min=1,max", &in, err, sizeof err) == -1);
	T_OK(strstr(err, "not key=value") != NULL);
	T_OK(cost_deploy_parse("min=1,min=2", &in, err, sizeof err) == -1);
	T_OK(strstr(err, "min given twice") != NULL);
	T_OK(cost_deploy_parse("mim=1", &in, err, sizeof err) == -1);
	T_OK(strstr(err, "unknown key \"mim\"") != NULL);
	T_OK(cost_deploy_parse("max=-1", &in, err, sizeof err) == -1);
	T_OK(cost_deploy_parse("hours=x", &in, err, sizeof err) == -1);
	T_OK(cost_deploy_parse("", &in, err, sizeof err) == -1);
	memset(&in, 0, sizeof in);
	in.max_instances = 1;
	in.seconds = 1;
	in.usd_per_second = 0.001;
	in.min_instances = 2;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == -1);
	in.min_instances = 0;
	in.hours_per_day = 25;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == -1);
	in.hours_per_day = 8;
	in.seconds = 0;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == -1);
	in.seconds = 1;
	in.rph = INFINITY;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == -1);
	in.rph = 0;
	T_OK(cost_deploy(&in, &o, err, sizeof err) == 0);
	T_OK(o.monthly_usd == 0 && o.instances == 0);
}

static void
test_batch(void)
{
	struct cost_batch_in in;
	struct cost_batch_out o;
	uint64_t counts[3] = { 3, 4, 2 }, runs = 0, huge[2];

	/* 1000 runs x 2.9 s on L40S at concurrency 4, public:
	 *   billed 2900 s x 0.000975 = $2.8275; wall 250 waves x 2.9 = 725 s */
	memset(&in, 0, sizeof in);
	in.runs = 1000;
	in.seconds = 2.9;
	in.usd_per_second = 0.000975;
	in.concurrency = 4;
	in.mode = COST_BILL_PUBLIC;
	T_OK(cost_batch(&in, &o, err, sizeof err) == 0);
	T_OK(NEAR(o.billed_s, 2900) && NEAR(o.total_usd, 2.8275));
	T_OK(NEAR(o.wall_s, 725) && o.lanes == 4);
	/* private, boot 60, idle 300: 4 lanes x (60 + 725 + 300) = 4340 s
	 *   = $4.2315, wall 785 s */
	in.mode = COST_BILL_PRIVATE;
	in.boot_s = 60;
	in.idle_s = 300;
	T_OK(cost_batch(&in, &o, err, sizeof err) == 0);
	T_OK(NEAR(o.billed_s, 4340) && NEAR(o.total_usd, 4.2315));
	T_OK(NEAR(o.wall_s, 785));
	/* 3 runs at concurrency 10: 3 lanes, one wave */
	in.mode = COST_BILL_PUBLIC;
	in.boot_s = in.idle_s = 0;
	in.runs = 3;
	in.concurrency = 10;
	T_OK(cost_batch(&in, &o, err, sizeof err) == 0);
	T_OK(o.lanes == 3 && NEAR(o.wall_s, 2.9));
	/* 7 runs at 2: 4 waves */
	in.runs = 7;
	in.concurrency = 2;
	T_OK(cost_batch(&in, &o, err, sizeof err) == 0);
	T_OK(NEAR(o.wall_s, 11.6));
	/* a sweep: 3 prompts x 4 seeds x 2 sizes = 24 runs x 2.9 s = 69.6 s
	 *   x 0.000975 = $0.06786 */
	T_OK(cost_sweep_runs(counts, 3, &runs, err, sizeof err) == 0);
	T_EQ(runs, 24);
	in.runs = runs;
	in.concurrency = 1;
	T_OK(cost_batch(&in, &o, err, sizeof err) == 0);
	T_OK(NEAR(o.total_usd, 0.06786) && NEAR(o.wall_s, 69.6));
	/* overflow-sized: rejected, never wrapped */
	huge[0] = 4294967296ULL;
	huge[1] = 4294967296ULL;	/* 2^64 */
	T_OK(cost_sweep_runs(huge, 2, &runs, err, sizeof err) == -1);
	T_OK(strstr(err, "more than") != NULL);
	huge[0] = 1000000;
	huge[1] = 1000001;	/* 1e12 + 1e6 > COST_MAX_RUNS */
	T_OK(cost_sweep_runs(huge, 2, &runs, err, sizeof err) == -1);
	huge[1] = 1000000;	/* exactly the limit */
	T_OK(cost_sweep_runs(huge, 2, &runs, err, sizeof err) == 0);
	T_EQ(runs, COST_MAX_RUNS);
	counts[1] = 0;
	T_OK(cost_sweep_runs(counts, 3, &runs, err, sizeof err) == -1);
	T_OK(cost_sweep_runs(counts, 0, &runs, err, sizeof err) == -1);
	in.runs = UINT64_MAX;
	T_OK(cost_batch(&in, &o, err, sizeof err) == -1);
	T_OK(strstr(err, "runs must be 1..") != NULL);
	in.runs = COST_MAX_RUNS;	/* the largest batch stays finite */
	in.seconds = COST_MAX_SECONDS;
	in.usd_per_second = COST_MAX_USD_PER_SECOND;
	T_OK(cost_batch(&in, &o, err, sizeof err) == 0);
	T_OK(isfinite(o.total_usd) && isfinite(o.wall_s));
	in.runs = 0;
	T_OK(cost_batch(&in, &o, err, sizeof err) == -1);
	in.runs = 5;
	in.concurrency = 0;
	T_OK(cost_batch(&in, &o, err, sizeof err) == -1);
	in.concurrency = 1;
	in.seconds = -1;
	T_OK(cost_batch(&in, &o, err, sizeof err) == -1);
	in.seconds = 1;
	in.mode = COST_BILL_PER_OUTPUT;
	T_OK(cost_batch(&in, &o, err, sizeof err) == -1);
	T_OK(strstr(err, "not billed by the second") != NULL);
}

/*
 * cost_quote(): every row as cost_estimate_tier() gives it, the chosen
 * tier (by SKU, else gpu-l40s), and the batch and deployment forecasts
 * equal to calling cost_batch() / cost_deploy() with the same numbers.
 */
static void
test_quote(void)
{
	static struct cost_table t;
	static struct cost_quote q;
	struct cost_tier_estimate one;
	struct cost_timing tm;
	struct cost_quote_in in;
	struct cost_batch_in bi;
	struct cost_batch_out bo;
	struct cost_deploy_in di;
	struct cost_deploy_out dout;
	size_t i;

	T_EQ(cost_table_init(&t, err, sizeof err), 0);
	memset(&tm, 0, sizeof tm);
	tm.example_seconds = 4.0;
	memset(&in, 0, sizeof in);
	T_EQ(cost_quote(&in, &q, err, sizeof err), -1);	/* no table */
	in.table = &t;
	in.timing = &tm;
	T_EQ(cost_quote(&in, &q, err, sizeof err), 0);
	T_EQ(q.n, t.n);
	for (i = 0; i < q.n; i++) {
		cost_estimate_tier(&t, &tm, &t.rows[i], &one);
		T_EQ(q.rows[i].ok, one.ok);
		T_STREQ(q.rows[i].run.usd_text, one.run.usd_text);
	}
	T_STREQ(q.tier != NULL ? q.tier->sku : NULL, COST_QUOTE_DEFAULT_SKU);
	T_OK(!q.has_batch && !q.has_deploy);
	T_STREQ(q.batch_err, "");
	/* a chosen tier, a batch and a deployment */
	in.sku = "gpu-a100-large";
	in.runs = 1000;
	in.concurrency = 4;
	in.rph = 120;
	in.min_instances = 1;
	T_EQ(cost_quote(&in, &q, err, sizeof err), 0);
	T_STREQ(q.tier != NULL ? q.tier->sku : NULL, "gpu-a100-large");
	T_OK(q.has_batch && q.has_deploy);
	memset(&bi, 0, sizeof bi);
	bi.runs = 1000;
	bi.seconds = 4.0;
	bi.usd_per_second = q.tier->usd_per_second;
	bi.concurrency = 4;
	bi.mode = COST_BILL_PUBLIC;
	bi.idle_s = 300;
	bi.boot_s = 60;
	T_EQ(cost_batch(&bi, &bo, err, sizeof err), 0);
	T_OK(NEAR(q.batch.total_usd, bo.total_usd));
	memset(&di, 0, sizeof di);
	di.min_instances = 1;
	di.max_instances = 5;
	di.hours_per_day = 24;
	di.rph = 120;
	di.seconds = 4.0;
	di.idle_s = 300;
	di.boot_s = 60;
	di.usd_per_second = q.tier->usd_per_second;
	T_EQ(cost_deploy(&di, &dout, err, sizeof err), 0);
	T_OK(NEAR(q.deploy.monthly_usd, dout.monthly_usd));
	T_EQ(q.deploy.instances, dout.instances);
	/* an unknown SKU falls back; no time known: rows and forecasts say
	 * why instead of inventing numbers */
	in.sku = "gpu-nonexistent";
	tm.example_seconds = 0;
	T_EQ(cost_quote(&in, &q, err, sizeof err), 0);
	T_STREQ(q.tier != NULL ? q.tier->sku : NULL, COST_QUOTE_DEFAULT_SKU);
	T_OK(!q.has_batch && q.batch_err[0] != '\0');
	T_OK(!q.has_deploy && q.deploy_err[0] != '\0');
	T_OK(q.n > 0 && !q.rows[0].ok);
}

/*
 * cost_quote_one(): one tier as cost_quote() quotes its chosen tier, and
 * exact batch / deployment inputs taken as they are (zeros mean zero, a
 * deployment's own seconds win), as `r8play cost` passes them.
 */
static void
test_quote_one(void)
{
	static struct cost_table t;
	static struct cost_quote q;
	struct cost_quote_tier one;
	struct cost_timing tm;
	struct cost_quote_in in;
	struct cost_batch_in bi, bx;
	struct cost_batch_out bo;
	struct cost_deploy_in di, dx;
	struct cost_deploy_out dout;
	const struct cost_price *p;

	T_EQ(cost_table_init(&t, err, sizeof err), 0);
	memset(&tm, 0, sizeof tm);
	tm.typed_seconds = 3.0;
	memset(&in, 0, sizeof in);
	in.table = &t;
	in.timing = &tm;
	in.sku = "gpu-a100-large";
	in.runs = 50;
	in.rph = 30;
	T_EQ(cost_quote(&in, &q, err, sizeof err), 0);
	cost_quote_one(&in, q.tier, &one);
	T_OK(one.row.ok && one.has_batch && one.has_deploy);
	T_STREQ(one.row.run.usd_text, q.rows[q.tier_index].run.usd_text);
	T_OK(NEAR(one.batch.total_usd, q.batch.total_usd));
	T_OK(NEAR(one.deploy.monthly_usd, q.deploy.monthly_usd));
	/* exact inputs: a private batch with boot 0 and idle 0 */
	p = cost_table_find(&t, "gpu-t4");
	T_OK(p != NULL);
	memset(&bi, 0, sizeof bi);
	bi.runs = 10;
	bi.concurrency = 2;
	bi.mode = COST_BILL_PRIVATE;
	memset(&di, 0, sizeof di);
	di.min_instances = 1;
	di.max_instances = 1;
	di.hours_per_day = 8;
	di.rph = 60;
	di.seconds = 7.0;	/* the deployment's own seconds */
	in.batch = &bi;
	in.deploy = &di;
	cost_quote_one(&in, p, &one);
	T_OK(one.has_batch && one.has_deploy);
	bx = bi;
	bx.seconds = 3.0;
	bx.usd_per_second = p->usd_per_second;
	T_EQ(cost_batch(&bx, &bo, err, sizeof err), 0);
	T_OK(NEAR(one.batch.total_usd, bo.total_usd));
	T_OK(NEAR(one.batch.wall_s, bo.wall_s));	/* no 60 s boot added */
	dx = di;
	dx.usd_per_second = p->usd_per_second;
	T_EQ(cost_deploy(&dx, &dout, err, sizeof err), 0);
	T_OK(NEAR(one.deploy.monthly_usd, dout.monthly_usd));
	/* a price the table lacks: the row says so, nothing else computed */
	cost_quote_one(&in, NULL, &one);
	T_OK(!one.row.ok && !one.has_batch && !one.has_deploy);
	T_STREQ(one.row.err, "price unknown");
}

int
main(void)
{
	test_quote();
	test_quote_one();
	test_numbers();
	test_table();
	test_model_page();
	test_user_file();
	test_seconds();
	test_billing();
	test_deploy();
	test_batch();
	return T_SUMMARY();
}
