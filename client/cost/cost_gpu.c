/*
 * client/cost/cost_gpu.c: the GPU catalogue (public spec-sheet figures),
 * carrying seconds measured on one GPU to another, medians of measured
 * seconds, and picking which seconds an estimate uses (see client/cost/cost.h).
 */
#include "client/cost/cost.h"
#include "client/cost/cost_int.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Public spec-sheet figures, not measurements (none exist in the facts).
 * Dense FP16/BF16 tensor throughput (half of NVIDIA's "with sparsity"
 * figure where the sheet gives that one) and memory bandwidth.
 */
static const struct cost_gpu gpus[] = {
	{ "t4", "NVIDIA T4", 65.0, 320.0, 16,
	    "T4 datasheet: 65 TFLOPS FP16 mixed, 320 GB/s" },
	{ "l4", "NVIDIA L4", 121.0, 300.0, 24,
	    "L4 datasheet: 242 FP16 sparse = 121 dense, 300 GB/s" },
	{ "a10", "NVIDIA A10", 125.0, 600.0, 24,
	    "A10 datasheet: 125 FP16 dense, 600 GB/s" },
	{ "a40", "NVIDIA A40", 149.7, 696.0, 48,
	    "A40 datasheet: 149.7 FP16/BF16 dense, 696 GB/s" },
	{ "a100-40gb", "NVIDIA A100 40GB", 312.0, 1555.0, 40,
	    "A100 datasheet (40GB): 312 FP16/BF16 dense, 1,555 GB/s" },
	{ "a100-80gb", "NVIDIA A100 80GB", 312.0, 2039.0, 80,
	    "A100 datasheet (80GB SXM): 312 FP16/BF16 dense, 2,039 GB/s" },
	{ "l40s", "NVIDIA L40S", 362.05, 864.0, 48,
	    "L40S datasheet: 362.05 FP16/BF16 dense, 864 GB/s" },
	{ "h100", "NVIDIA H100", 989.5, 3350.0, 80,
	    "H100 SXM datasheet: 1,979 BF16 sparse = 989.5 dense, 3.35 TB/s" },
	{ "h200", "NVIDIA H200", 989.5, 4800.0, 141,
	    "H200 SXM datasheet: 1,979 BF16 sparse = 989.5 dense, 4.8 TB/s" },
	{ "rtx3090", "NVIDIA GeForce RTX 3090", 71.0, 936.0, 24,
	    "GA102 whitepaper: 71 FP16 dense (FP32 accumulate), 936 GB/s" },
	{ "rtx4090", "NVIDIA GeForce RTX 4090", 165.2, 1008.0, 24,
	    "AD102 whitepaper: 165.2 FP16 dense (FP32 acc.), 1,008 GB/s" },
};

size_t
cost_gpu_count(void)
{
	return ARRAY_LEN(gpus);
}

const struct cost_gpu *
cost_gpu_at(size_t i)
{
	return i < ARRAY_LEN(gpus) ? &gpus[i] : NULL;
}

/* Lower-case alphanumeric tokens of s, minus vendor words. */
#define GPU_TOKENS	8
#define GPU_TOKEN_MAX	16

static size_t
gpu_tokens(const char *s, char tok[GPU_TOKENS][GPU_TOKEN_MAX])
{
	static const char *const drop[] = { "nvidia", "geforce", "tesla",
	    "gpu", "quadro" };
	size_t n = 0, len, i;
	bool skip;

	while (*s && n < GPU_TOKENS) {
		while (*s && !cost_is_alnum((unsigned char)*s))
			s++;
		len = 0;
		while (cost_is_alnum((unsigned char)*s)) {
			if (len + 1 < GPU_TOKEN_MAX)
				tok[n][len++] = (char)cost_lower((unsigned char)*s);
			s++;
		}
		if (len == 0)
			break;
		tok[n][len] = '\0';
		skip = false;
		for (i = 0; i < ARRAY_LEN(drop); i++)
			skip |= strcmp(tok[n], drop[i]) == 0;
		if (!skip)
			n++;
	}
	return n;
}

static const struct cost_gpu *
gpu_by_key(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(gpus); i++)
		if (strcmp(gpus[i].key, key) == 0)
			return &gpus[i];
	return NULL;
}

const struct cost_gpu *
cost_gpu_find(const char *name)
{
	char tok[GPU_TOKENS][GPU_TOKEN_MAX], joined[64], kj[32];
	const struct cost_gpu *g;
	size_t n, i, j;

	if (name == NULL || strlen(name) > 128)
		return NULL;
	if ((g = gpu_by_key(name)) != NULL)
		return g;
	n = gpu_tokens(name, tok);
	if (n == 0)
		return NULL;
	joined[0] = '\0';
	for (i = 0; i < n; i++)
		strncat(joined, tok[i], sizeof joined - strlen(joined) - 1);
	for (i = 0; i < ARRAY_LEN(gpus); i++) {
		size_t k = 0;

		for (j = 0; gpus[i].key[j] && k + 1 < sizeof kj; j++)
			if (cost_is_alnum((unsigned char)gpus[i].key[j]))
				kj[k++] = gpus[i].key[j];
		kj[k] = '\0';
		if (strcmp(joined, kj) == 0)
			return &gpus[i];
	}
	/* nvidia-smi spellings: "A100-SXM4-80GB", "H100 80GB HBM3" */
	for (i = 0; i < n; i++) {
		char t[2 * GPU_TOKEN_MAX];

		cost_copy_str(t, sizeof t, tok[i]);
		if (strcmp(t, "rtx") == 0 && i + 1 < n)
			snprintf(t, sizeof t, "rtx%s", tok[i + 1]);
		if (strcmp(t, "a100") == 0) {
			for (j = 0; j < n; j++)
				if (strcmp(tok[j], "40gb") == 0 ||
				    strcmp(tok[j], "40") == 0)
					return gpu_by_key("a100-40gb");
			return gpu_by_key("a100-80gb");
		}
		if (strcmp(t, "a10g") == 0)
			return gpu_by_key("a10");
		if ((g = gpu_by_key(t)) != NULL)
			return g;
	}
	return NULL;
}

int
cost_carry_seconds(double seconds, const struct cost_gpu *from,
    const struct cost_gpu *to, struct cost_carry *out, char *err,
    size_t errsz)
{
	double rc, rm;

	if (from == NULL || to == NULL) {
		cost_seterr(err, errsz, "no speed figure for that GPU");
		return -1;
	}
	if (!isfinite(seconds) || !(seconds > 0) ||
	    seconds > COST_MAX_SECONDS) {
		cost_seterr(err, errsz, "seconds must be more than 0 and at most %g",
		    COST_MAX_SECONDS);
		return -1;
	}
	rc = from->tflops / to->tflops;
	rm = from->mem_bw_gbs / to->mem_bw_gbs;
	out->seconds = seconds * sqrt(rc * rm);
	out->lo = seconds * (rc < rm ? rc : rm);
	out->hi = seconds * (rc < rm ? rm : rc);
	return 0;
}

/* ---- where the seconds come from ---------------------------------------- */

static const char *const seconds_keys[] = {
#define X(id, key, label) key,
	COST_SECONDS_SOURCES(X)
#undef X
};
static const char *const seconds_labels[] = {
#define X(id, key, label) label,
	COST_SECONDS_SOURCES(X)
#undef X
};

const char *
cost_seconds_key(enum cost_seconds_source s)
{
	return (unsigned)s < COST_SECONDS__COUNT ? seconds_keys[s] : "?";
}

const char *
cost_seconds_label(enum cost_seconds_source s)
{
	return (unsigned)s < COST_SECONDS__COUNT ? seconds_labels[s] : "?";
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of the usable samples; *used counts them. */
static int
median_n(const double *v, size_t n, double *out, size_t *used, char *err,
    size_t errsz)
{
	double *w;
	size_t i, k = 0;

	*used = 0;
	if (v == NULL || n == 0) {
		cost_seterr(err, errsz, "no run times");
		return -1;
	}
	if (n > COST_MAX_MEDIAN_SAMPLES) {
		cost_seterr(err, errsz, "%zu run times, more than %d", n,
		    COST_MAX_MEDIAN_SAMPLES);
		return -1;
	}
	w = malloc(n * sizeof *w);
	if (w == NULL) {
		cost_seterr(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (isfinite(v[i]) && v[i] > 0 && v[i] <= COST_MAX_SECONDS)
			w[k++] = v[i];
	if (k == 0) {
		free(w);
		cost_seterr(err, errsz, "no usable run time (all zero, negative or "
		    "not finite)");
		return -1;
	}
	qsort(w, k, sizeof *w, cmp_double);
	*out = k % 2 ? w[k / 2] : (w[k / 2 - 1] + w[k / 2]) / 2.0;
	*used = k;
	free(w);
	return 0;
}

int
cost_median(const double *v, size_t n, double *out, char *err, size_t errsz)
{
	size_t used;

	return median_n(v, n, out, &used, err, errsz);
}

static bool
secs_ok(double s)
{
	return isfinite(s) && s > 0 && s <= COST_MAX_SECONDS;
}

static const struct cost_gpu *
sku_gpu(const struct cost_table *t, const char *sku)
{
	const struct cost_price *p = cost_table_find(t, sku);

	return p != NULL && p->gpu[0] ? cost_gpu_find(p->gpu) : NULL;
}

static bool
carry_to(double s, const struct cost_gpu *from, const struct cost_gpu *to,
    enum cost_seconds_source src, const char *what, struct cost_seconds *out)
{
	struct cost_carry c;

	if (from == NULL || to == NULL ||
	    cost_carry_seconds(s, from, to, &c, NULL, 0) != 0)
		return false;
	out->seconds = c.seconds;
	out->lo = c.lo;
	out->hi = c.hi;
	out->src = src;
	out->estimate = from != to;
	snprintf(out->note, sizeof out->note, "%s, carried %s -> %s (spec "
	    "ratio)", what, from->key, to->key);
	return true;
}

static void
plain(struct cost_seconds *out, double s, enum cost_seconds_source src,
    const char *note)
{
	out->seconds = out->lo = out->hi = s;
	out->src = src;
	out->estimate = false;
	cost_copy_str(out->note, sizeof out->note, note);
}

int
cost_seconds_pick(const struct cost_table *t, const struct cost_timing *in,
    const struct cost_price *tier, struct cost_seconds *out)
{
	const struct cost_gpu *to = tier && tier->gpu[0] ?
	    cost_gpu_find(tier->gpu) : NULL;
	double med;
	size_t used;
	char what[64];

	memset(out, 0, sizeof *out);
	out->src = COST_SECONDS_NONE;
	cost_copy_str(out->note, sizeof out->note, cost_seconds_label(out->src));
	if (in == NULL)
		return 0;
	if (in->own != NULL && in->n_own > 0 &&
	    median_n(in->own, in->n_own, &med, &used, NULL, 0) == 0) {
		snprintf(what, sizeof what, "median of %zu run%s", used,
		    used == 1 ? "" : "s");
		if (in->own_sku == NULL) {
			strncat(what, " (tier unknown)",
			    sizeof what - strlen(what) - 1);
			plain(out, med, COST_SECONDS_OWN, what);
			return 0;
		}
		if (tier != NULL && strcmp(in->own_sku, tier->sku) == 0) {
			plain(out, med, COST_SECONDS_OWN, what);
			return 0;
		}
		if (carry_to(med, sku_gpu(t, in->own_sku), to,
		    COST_SECONDS_OWN_CARRIED, what, out)) {
			out->estimate = true;
			return 0;
		}
	}
	if (secs_ok(in->local_seconds) && in->local_gpu != NULL &&
	    carry_to(in->local_seconds, cost_gpu_find(in->local_gpu), to,
	    COST_SECONDS_LOCAL, "local run", out)) {
		out->estimate = true;
		return 0;
	}
	if (secs_ok(in->example_seconds)) {
		if (in->example_sku == NULL ||
		    (tier != NULL && strcmp(in->example_sku, tier->sku) == 0)) {
			plain(out, in->example_seconds, COST_SECONDS_EXAMPLE,
			    "from one example");
			return 0;
		}
		if (carry_to(in->example_seconds, sku_gpu(t, in->example_sku),
		    to, COST_SECONDS_EXAMPLE, "one example", out)) {
			out->estimate = true;
			return 0;
		}
	}
	if (secs_ok(in->typed_seconds)) {
		plain(out, in->typed_seconds, COST_SECONDS_TYPED,
		    cost_seconds_label(COST_SECONDS_TYPED));
		return 0;
	}
	return 0;
}
