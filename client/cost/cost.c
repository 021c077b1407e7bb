/*
 * client/cost/cost.c: the price table, per-run estimates, billing rules, the
 * deployment calculator and the batch forecast (see client/cost/cost.h). libc
 * and libm only. Numbers are parsed and printed without the C library's
 * locale-dependent routines (strtod, %f), so a comma-decimal LC_NUMERIC
 * changes nothing.
 */
#include "client/cost/cost.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shipped table, generated from client/cost/prices.tsv (tests/mk/cost.mk). */
#include "client/cost/prices.inc"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static void	seterr(char *err, size_t errsz, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static void
copy_str(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	c = lower(c);
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

static bool
streq_nocase(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
		a++, b++;
	return *a == '\0' && *b == '\0';
}

/* ---- numbers ------------------------------------------------------------ */

static const double p10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static const uint64_t u10[] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL
};

/* x * 10^k without overflowing the intermediate power. */
static double
scale10(double x, int k)
{
	int h;

	if (k >= 0 && k < (int)ARRAY_LEN(p10))
		return x * p10[k];
	if (k < 0 && -k < (int)ARRAY_LEN(p10))
		return x / p10[-k];
	h = k / 2;
	return x * pow(10.0, h) * pow(10.0, k - h);
}

int
cost_parse_double(const char *s, double *out)
{
	uint64_t m = 0;
	int digits = 0, exp10 = 0, eexp = 0, any = 0;
	bool neg = false, eneg = false;
	double v;

	if (s == NULL)
		return -1;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; is_digit((unsigned char)*s); s++) {
		any = 1;
		if (digits < 19) {
			if (m != 0 || *s != '0') {
				m = m * 10 + (uint64_t)(*s - '0');
				digits++;
			}
		} else
			exp10++;	/* digits past 19 are dropped */
	}
	if (*s == '.') {
		for (s++; is_digit((unsigned char)*s); s++) {
			any = 1;
			if (digits < 19) {
				if (m != 0 || *s != '0')
					digits++;
				m = m * 10 + (uint64_t)(*s - '0');
				exp10--;
			}
		}
	}
	if (!any)
		return -1;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			eneg = *s++ == '-';
		if (!is_digit((unsigned char)*s))
			return -1;
		for (; is_digit((unsigned char)*s); s++)
			if (eexp < 100000)
				eexp = eexp * 10 + (*s - '0');
		exp10 += eneg ? -eexp : eexp;
	}
	if (*s != '\0')
		return -1;
	if (m == 0)
		v = 0.0;
	else if (exp10 > 400)
		return -1;
	else if (exp10 < -400)
		v = 0.0;
	else
		v = scale10((double)m, exp10);
	if (!isfinite(v))
		return -1;
	*out = neg ? -v : v;
	return 0;
}

int
cost_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || !is_digit((unsigned char)*s))
		return -1;
	for (; *s; s++) {
		if (!is_digit((unsigned char)*s))
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/*
 * x > 0 rounded to 2 significant figures: x ~= m * 10^(e - 1), 10 <= m <=
 * 99, e = the exponent of the leading digit. Ties round up (a tiny nudge
 * keeps 0.00285, stored as 0.0028499..., rounding as written).
 */
static int
sig2(double x, int *mp, int *ep)
{
	double scaled;
	int e, m, tries;

	if (!(x > 0) || !isfinite(x))
		return -1;
	e = (int)floor(log10(x));
	for (tries = 0; tries < 4; tries++) {
		scaled = scale10(x, 1 - e);
		if (scaled < 10.0)
			e--;
		else if (scaled >= 100.0)
			e++;
		else
			break;
	}
	m = (int)floor(scaled + 0.5 + 1e-9);
	if (m >= 100) {
		m = 10;
		e++;
	}
	if (m < 10)
		m = 10;
	*mp = m;
	*ep = e;
	return 0;
}

static char *
fmt_sig2_parts(int m, int e, char *buf, size_t bufsz)
{
	int d1 = m / 10, d2 = m % 10;
	size_t i = 0;
	int z;

	if (e > 20 || e < -20) {
		snprintf(buf, bufsz, "%d.%de%c%d", d1, d2, e < 0 ? '-' : '+',
		    e < 0 ? -e : e);
		return buf;
	}
	if (e >= 1) {
		snprintf(buf, bufsz, "%d", m);
		i = strlen(buf);
		for (z = 0; z < e - 1 && i + 1 < bufsz; z++)
			buf[i++] = '0';
		buf[i] = '\0';
	} else if (e == 0)
		snprintf(buf, bufsz, "%d.%d", d1, d2);
	else {
		if (bufsz < (size_t)(-e) + 4) {
			snprintf(buf, bufsz, "?");
			return buf;
		}
		buf[i++] = '0';
		buf[i++] = '.';
		for (z = 0; z < -e - 1; z++)
			buf[i++] = '0';
		buf[i++] = (char)('0' + d1);
		buf[i++] = (char)('0' + d2);
		buf[i] = '\0';
	}
	return buf;
}

char *
cost_fmt_sig2(double x, char *buf, size_t bufsz)
{
	int m, e;

	if (bufsz == 0)
		return buf;
	if (x == 0.0) {
		snprintf(buf, bufsz, "0");
		return buf;
	}
	if (sig2(x, &m, &e) != 0) {
		snprintf(buf, bufsz, "?");
		return buf;
	}
	return fmt_sig2_parts(m, e, buf, bufsz);
}

/* Group an integer's digits by thousands: 1234567 -> "1,234,567". */
static void
fmt_grouped(uint64_t v, char *buf, size_t bufsz)
{
	char tmp[32], out[40];
	size_t n, i, o = 0;

	snprintf(tmp, sizeof tmp, "%" PRIu64, v);
	n = strlen(tmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	copy_str(buf, bufsz, out);
}

char *
cost_fmt_usd(double x, char *buf, size_t bufsz)
{
	char num[COST_FMT_MAX];
	uint64_t cents;

	if (bufsz == 0)
		return buf;
	if (!isfinite(x) || x < 0) {
		snprintf(buf, bufsz, "?");
		return buf;
	}
	if (x < 1.0) {
		snprintf(buf, bufsz, "$%s", cost_fmt_sig2(x, num, sizeof num));
		return buf;
	}
	if (x >= 1e15) {
		snprintf(buf, bufsz, "$%s", cost_fmt_sig2(x, num, sizeof num));
		return buf;
	}
	cents = (uint64_t)floor(x * 100.0 + 0.5);
	fmt_grouped(cents / 100, num, sizeof num);
	snprintf(buf, bufsz, "$%s.%02u", num, (unsigned)(cents % 100));
	return buf;
}

char *
cost_fmt_price(double p, char *buf, size_t bufsz)
{
	char num[COST_FMT_MAX];
	uint64_t nano;
	char frac[16];
	int i;

	if (bufsz == 0)
		return buf;
	if (!isfinite(p) || p < 0 || p > 1e9) {
		snprintf(buf, bufsz, "?");
		return buf;
	}
	nano = (uint64_t)floor(p * 1e9 + 0.5);
	if (nano == 0 && p > 0) {
		snprintf(buf, bufsz, "$%s/s",
		    cost_fmt_sig2(p, num, sizeof num));
		return buf;
	}
	snprintf(frac, sizeof frac, "%09u", (unsigned)(nano % 1000000000ULL));
	for (i = 8; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	snprintf(buf, bufsz, "$%" PRIu64 ".%s/s",
	    (uint64_t)(nano / 1000000000ULL), frac);
	return buf;
}

char *
cost_fmt_seconds(double s, char *buf, size_t bufsz)
{
	uint64_t v;

	if (bufsz == 0)
		return buf;
	if (!isfinite(s) || s < 0 || s > 1e15) {
		snprintf(buf, bufsz, "?");
		return buf;
	}
	if (s < 1.0) {
		v = (uint64_t)floor(s * 100.0 + 0.5);
		if (v < 100) {
			snprintf(buf, bufsz, "0.%02u s", (unsigned)v);
			return buf;
		}
	}
	if (s < 59.95) {
		v = (uint64_t)floor(s * 10.0 + 0.5);
		snprintf(buf, bufsz, "%u.%u s", (unsigned)(v / 10),
		    (unsigned)(v % 10));
		return buf;
	}
	v = (uint64_t)floor(s + 0.5);
	if (v < 3600)
		snprintf(buf, bufsz, "%u min %u s", (unsigned)(v / 60),
		    (unsigned)(v % 60));
	else if (v < 86400) {
		v = (uint64_t)floor(s / 60.0 + 0.5);
		snprintf(buf, bufsz, "%u h %u min", (unsigned)(v / 60),
		    (unsigned)(v % 60));
	} else {
		v = (uint64_t)floor(s / 3600.0 + 0.5);
		snprintf(buf, bufsz, "%" PRIu64 " d %u h", v / 24,
		    (unsigned)(v % 24));
	}
	return buf;
}

/* ---- the price table ---------------------------------------------------- */

/* Valid UTF-8 with no control characters (C0, DEL, C1). */
static bool
text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	int n, i;

	while (*p) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			n = 1, cp = *p & 0x1f;
		else if ((*p & 0xf0) == 0xe0)
			n = 2, cp = *p & 0x0f;
		else if ((*p & 0xf8) == 0xf0)
			n = 3, cp = *p & 0x07;
		else
			return false;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp < 0xa0))
			return false;
		p += n + 1;
	}
	return true;
}

static bool
sku_ok(const char *s)
{
	size_t n = 0;

	if (!is_alnum((unsigned char)*s))
		return false;
	for (; s[n]; n++)
		if (!is_alnum((unsigned char)s[n]) && s[n] != '-' &&
		    s[n] != '_' && s[n] != '.')
			return false;
	return n < COST_SKU_MAX;
}

/* Trim spaces and tabs at both ends, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static struct cost_price *
table_find_mut(struct cost_table *t, const char *sku)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].sku, sku) == 0)
			return &t->rows[i];
	return NULL;
}

const struct cost_price *
cost_table_find(const struct cost_table *t, const char *sku)
{
	size_t i;

	if (t == NULL || sku == NULL)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].sku, sku) == 0)
			return &t->rows[i];
	return NULL;
}

const struct cost_price *
cost_table_find_name(const struct cost_table *t, const char *name)
{
	size_t i;

	if (t == NULL || name == NULL)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (streq_nocase(t->rows[i].name, name))
			return &t->rows[i];
	return NULL;
}

/* A price: decimal, then "/s" (default), "/h" or "/hr" (divided by 3600). */
static int
parse_price(char *s, double *out, const char **why)
{
	char *slash = strchr(s, '/');
	double div = 1.0, v;

	if (slash != NULL) {
		char *unit = trim(slash + 1);

		*slash = '\0';
		if (strcmp(unit, "s") == 0 || strcmp(unit, "sec") == 0)
			div = 1.0;
		else if (strcmp(unit, "h") == 0 || strcmp(unit, "hr") == 0)
			div = 3600.0;
		else {
			*why = "unit must be /s or /h";
			return -1;
		}
	}
	s = trim(s);
	if (*s == '$')
		s++;
	if (cost_parse_double(s, &v) != 0) {
		*why = "price is not a number";
		return -1;
	}
	v /= div;
	if (!(v > 0)) {
		*why = "price must be more than 0";
		return -1;
	}
	if (v > COST_MAX_USD_PER_SECOND) {
		*why = "price is over the $10/s sanity limit";
		return -1;
	}
	*out = v;
	return 0;
}

struct parse_ctx {
	struct cost_table *t;
	enum cost_origin origin;
	const char	*label;
	char		*err;
	size_t		 errsz;
	unsigned	 line;
	bool		 touched[COST_MAX_ROWS];	/* set by this parse */
	bool		 nodate[COST_MAX_ROWS];	/* `=` rows: date from @date */
	char		 source[COST_SOURCE_MAX];	/* its @source */
	bool		 have_source;
};

/* "LABEL:LINE: what"; bytes from the file are quoted with control
 * characters made visible, so the message is safe on a terminal. */
static int
perr(struct parse_ctx *c, const char *fmt, const char *arg)
{
	char msg[160];
	size_t i;

	snprintf(msg, sizeof msg, fmt, arg ? arg : "");
	for (i = 0; msg[i]; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	seterr(c->err, c->errsz, "%s:%u: %s", c->label, c->line, msg);
	return -1;
}

static struct cost_price *
row_for(struct parse_ctx *c, const char *sku, bool *is_new)
{
	struct cost_price *r = table_find_mut(c->t, sku);

	*is_new = r == NULL;
	if (r != NULL)
		return r;
	if (c->t->n >= COST_MAX_ROWS)
		return NULL;
	r = &c->t->rows[c->t->n++];
	memset(r, 0, sizeof *r);
	copy_str(r->sku, sizeof r->sku, sku);
	return r;
}

static int
parse_directive(struct parse_ctx *c, char *s)
{
	char *eq = strchr(s, '='), *key, *val;

	if (eq == NULL)
		return perr(c, "expected @date = TEXT or @source = TEXT", NULL);
	*eq = '\0';
	key = trim(s + 1);
	val = trim(eq + 1);
	if (!text_ok(val))
		return perr(c, "control character or bad UTF-8 in @%s", key);
	if (strcmp(key, "date") == 0) {
		if (strlen(val) >= COST_DATE_MAX)
			return perr(c, "@date is too long", NULL);
		if (c->origin == COST_ORIGIN_SHIPPED)
			copy_str(c->t->date, sizeof c->t->date, val);
		else
			copy_str(c->t->user_date, sizeof c->t->user_date, val);
		return 0;
	}
	if (strcmp(key, "source") == 0) {
		if (strlen(val) >= COST_SOURCE_MAX)
			return perr(c, "@source is too long", NULL);
		copy_str(c->source, sizeof c->source, val);
		c->have_source = true;
		if (c->origin == COST_ORIGIN_SHIPPED)
			copy_str(c->t->source, sizeof c->t->source, val);
		return 0;
	}
	return perr(c, "unknown directive @%s (known: @date, @source)", key);
}

static int
parse_assign(struct parse_ctx *c, char *s)
{
	char *eq = strchr(s, '='), *sku;
	struct cost_price *r;
	const char *why = NULL;
	double price;
	bool is_new;

	*eq = '\0';
	sku = trim(s);
	if (*sku == '\0')
		return perr(c, "missing SKU before '='", NULL);
	if (!sku_ok(sku))
		return perr(c, "bad SKU \"%s\" (letters, digits, - _ . only; "
		    "at most 47)", text_ok(sku) ? sku : "?");
	if (parse_price(eq + 1, &price, &why) != 0)
		return perr(c, "%s (want sku = 0.000975 or sku = 3.51/h)", why);
	r = row_for(c, sku, &is_new);
	if (r == NULL)
		return perr(c, "too many rows (at most %s)", "128");
	if (is_new) {
		copy_str(r->name, sizeof r->name, sku);
		r->gpu_count = -1;
	}
	r->usd_per_second = price;
	r->origin = c->origin;
	r->date[0] = '\0';
	r->source[0] = '\0';
	c->touched[r - c->t->rows] = true;
	c->nodate[r - c->t->rows] = true;
	return 0;
}

#define TSV_COLS 8

static int
parse_tsv(struct parse_ctx *c, char *s)
{
	static const char *const names[TSV_COLS] = { "sku", "name",
	    "usd_per_second", "gpu_count", "gpu_memory_gb", "date", "source",
	    "gpu" };
	char *f[TSV_COLS];
	struct cost_price *r, row;
	const char *why = NULL;
	uint64_t n;
	size_t nf = 0, i;
	bool is_new;
	char *p = s;

	for (;;) {
		char *tab = strchr(p, '\t');

		if (nf == TSV_COLS)
			return perr(c, "too many columns (want 7 or 8, "
			    "tab-separated)", NULL);
		f[nf++] = p;
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	if (nf < 7)
		return perr(c, "%s columns, want 7 or 8 (sku name "
		    "usd_per_second "
		    "gpu_count gpu_memory_gb date source [gpu])",
		    nf == 2 ? "2" : nf == 3 ? "3" : nf == 4 ? "4" :
		    nf == 5 ? "5" : "6");
	for (i = 0; i < nf; i++) {
		f[i] = trim(f[i]);
		if (!text_ok(f[i]))
			return perr(c, "control character or bad UTF-8 in %s",
			    names[i]);
	}
	memset(&row, 0, sizeof row);
	if (!sku_ok(f[0]))
		return perr(c, "bad SKU \"%s\" (letters, digits, - _ . only; "
		    "at most 47)", f[0]);
	copy_str(row.sku, sizeof row.sku, f[0]);
	if (*f[1] == '\0' || strlen(f[1]) >= COST_NAME_MAX)
		return perr(c, "name is empty or longer than 63 bytes", NULL);
	copy_str(row.name, sizeof row.name, f[1]);
	if (parse_price(f[2], &row.usd_per_second, &why) != 0)
		return perr(c, "usd_per_second: %s", why);
	if (strcmp(f[3], "-") == 0)
		row.gpu_count = -1;
	else if (cost_parse_u64(f[3], &n) != 0 || n > COST_MAX_GPUS)
		return perr(c, "gpu_count must be 0..64 or -", NULL);
	else
		row.gpu_count = (int)n;
	if (strcmp(f[4], "-") == 0)
		row.gpu_memory_gb = 0;
	else if (cost_parse_double(f[4], &row.gpu_memory_gb) != 0 ||
	    row.gpu_memory_gb < 0 ||
	    row.gpu_memory_gb > COST_MAX_GPU_MEMORY_GB)
		return perr(c, "gpu_memory_gb must be a number of GB or -",
		    NULL);
	if (strlen(f[5]) >= COST_DATE_MAX)
		return perr(c, "date is longer than 39 bytes", NULL);
	copy_str(row.date, sizeof row.date, strcmp(f[5], "-") ? f[5] : "");
	if (strlen(f[6]) >= COST_SOURCE_MAX)
		return perr(c, "source is longer than 95 bytes", NULL);
	copy_str(row.source, sizeof row.source, strcmp(f[6], "-") ? f[6] : "");
	if (nf == 8 && *f[7] && strcmp(f[7], "-") != 0) {
		const struct cost_gpu *g = cost_gpu_find(f[7]);

		if (g == NULL)
			return perr(c, "unknown gpu \"%s\" (see `r8play cost "
			    "--gpus`)", f[7]);
		copy_str(row.gpu, sizeof row.gpu, g->key);
	}
	row.origin = c->origin;
	r = row_for(c, row.sku, &is_new);
	if (r == NULL)
		return perr(c, "too many rows (at most %s)", "128");
	*r = row;
	c->touched[r - c->t->rows] = true;
	c->nodate[r - c->t->rows] = false;
	return 0;
}

static int
parse_line(struct parse_ctx *c, char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ')
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '@')
		return parse_directive(c, s);
	if (strchr(s, '\t') != NULL)
		return parse_tsv(c, s);
	if (strchr(s, '=') != NULL)
		return parse_assign(c, s);
	return perr(c, "expected `sku = price` or a tab-separated row", NULL);
}

int
cost_table_parse(struct cost_table *t, const char *text, size_t len,
    enum cost_origin origin, const char *label, char *err, size_t errsz)
{
	struct parse_ctx *c;
	char line[COST_LINE_MAX + 1];
	size_t pos = 0, i;
	int rc = -1;

	if (t == NULL || (text == NULL && len > 0)) {
		seterr(err, errsz, "cost_table_parse: no table or text");
		return -1;
	}
	if (label == NULL)
		label = "prices";
	if (len > COST_FILE_MAX) {
		seterr(err, errsz, "%s: %zu bytes, more than the %d allowed",
		    label, len, COST_FILE_MAX);
		return -1;
	}
	/* All or nothing: parse into a copy. */
	c = calloc(1, sizeof *c);
	if (c == NULL || (c->t = malloc(sizeof *t)) == NULL) {
		free(c);
		seterr(err, errsz, "%s: out of memory", label);
		return -1;
	}
	*c->t = *t;
	c->origin = origin;
	c->label = label;
	c->err = err;
	c->errsz = errsz;
	if (origin == COST_ORIGIN_USER)
		c->t->user_date[0] = '\0';
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t ll = end - pos;

		c->line++;
		if (ll > COST_LINE_MAX) {
			perr(c, "line longer than %s bytes", "512");
			goto out;
		}
		memcpy(line, text + pos, ll);
		line[ll] = '\0';
		if (memchr(line, '\0', ll) != NULL) {
			perr(c, "NUL byte in the line", NULL);
			goto out;
		}
		if (parse_line(c, line) != 0)
			goto out;
		pos = end + 1;
	}
	for (i = 0; i < c->t->n; i++) {
		struct cost_price *r = &c->t->rows[i];

		if (!c->touched[i])
			continue;
		if (c->nodate[i])
			copy_str(r->date, sizeof r->date,
			    origin == COST_ORIGIN_USER ? c->t->user_date :
			    c->t->date);
		if (c->nodate[i] || (r->source[0] == '\0' && c->have_source))
			copy_str(r->source, sizeof r->source,
			    c->have_source ? c->source :
			    origin == COST_ORIGIN_USER ? "your prices file" :
			    c->t->source);
	}
	if (origin == COST_ORIGIN_USER) {
		size_t nu = 0;

		for (i = 0; i < c->t->n; i++)
			nu += c->t->rows[i].origin == COST_ORIGIN_USER;
		c->t->n_user = nu;
		copy_str(c->t->user_file, sizeof c->t->user_file, label);
	}
	*t = *c->t;
	rc = 0;
out:
	free(c->t);
	free(c);
	return rc;
}

int
cost_table_init(struct cost_table *t, char *err, size_t errsz)
{
	if (t == NULL) {
		seterr(err, errsz, "cost_table_init: no table");
		return -1;
	}
	memset(t, 0, sizeof *t);
	return cost_table_parse(t, cost_prices_tsv, sizeof cost_prices_tsv - 1,
	    COST_ORIGIN_SHIPPED, "client/cost/prices.tsv", err, errsz);
}

int
cost_prices_path(char *buf, size_t bufsz, const char *config_dir,
    const char *xdg, const char *home)
{
	int n;

	if (buf == NULL || bufsz == 0)
		return -1;
	buf[0] = '\0';
	if (config_dir != NULL && *config_dir)
		n = snprintf(buf, bufsz, "%s/prices", config_dir);
	else if (xdg != NULL && *xdg == '/')
		n = snprintf(buf, bufsz, "%s/r8play/prices", xdg);
	else if (home != NULL && *home)
		n = snprintf(buf, bufsz, "%s/.config/r8play/prices", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= bufsz) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

int
cost_table_load_file(struct cost_table *t, const char *path, char *err,
    size_t errsz)
{
	FILE *fp;
	char *buf;
	size_t len;
	int rc;

	fp = fopen(path, "rb");
	if (fp == NULL) {
		if (errno == ENOENT)
			return 1;
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(COST_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(fp);
		seterr(err, errsz, "%s: out of memory", path);
		return -1;
	}
	len = fread(buf, 1, COST_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		rc = -1;
	} else if (len > COST_FILE_MAX) {
		seterr(err, errsz, "%s: larger than %d bytes", path,
		    COST_FILE_MAX);
		rc = -1;
	} else
		rc = cost_table_parse(t, buf, len, COST_ORIGIN_USER, path, err,
		    errsz);
	free(buf);
	fclose(fp);
	return rc;
}

int
cost_table_load(struct cost_table *t, char *err, size_t errsz)
{
	char path[COST_LABEL_MAX];

	if (cost_table_init(t, err, errsz) != 0)
		return -1;
	if (cost_prices_path(path, sizeof path, getenv("R8PLAY_CONFIG_DIR"),
	    getenv("XDG_CONFIG_HOME"), getenv("HOME")) != 0)
		return 0;
	return cost_table_load_file(t, path, err, errsz) < 0 ? -1 : 0;
}

void
cost_table_describe(const struct cost_table *t, char *buf, size_t bufsz)
{
	if (buf == NULL || bufsz == 0)
		return;
	if (t == NULL) {
		buf[0] = '\0';
		return;
	}
	if (t->user_file[0])
		snprintf(buf, bufsz,
		    "prices of %s (%s); %zu row%s from %s%s%s%s",
		    t->date, t->source, t->n_user, t->n_user == 1 ? "" : "s",
		    t->user_file, t->user_date[0] ? " (" : "", t->user_date,
		    t->user_date[0] ? ")" : "");
	else
		snprintf(buf, bufsz, "prices of %s (%s)", t->date, t->source);
}

/* ---- relative speed ----------------------------------------------------- */

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
		while (*s && !is_alnum((unsigned char)*s))
			s++;
		len = 0;
		while (is_alnum((unsigned char)*s)) {
			if (len + 1 < GPU_TOKEN_MAX)
				tok[n][len++] = (char)lower((unsigned char)*s);
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
			if (is_alnum((unsigned char)gpus[i].key[j]))
				kj[k++] = gpus[i].key[j];
		kj[k] = '\0';
		if (strcmp(joined, kj) == 0)
			return &gpus[i];
	}
	/* nvidia-smi spellings: "A100-SXM4-80GB", "H100 80GB HBM3" */
	for (i = 0; i < n; i++) {
		char t[2 * GPU_TOKEN_MAX];

		copy_str(t, sizeof t, tok[i]);
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
		seterr(err, errsz, "no speed figure for that GPU");
		return -1;
	}
	if (!isfinite(seconds) || !(seconds > 0) ||
	    seconds > COST_MAX_SECONDS) {
		seterr(err, errsz, "seconds must be more than 0 and at most %g",
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
		seterr(err, errsz, "no run times");
		return -1;
	}
	if (n > COST_MAX_MEDIAN_SAMPLES) {
		seterr(err, errsz, "%zu run times, more than %d", n,
		    COST_MAX_MEDIAN_SAMPLES);
		return -1;
	}
	w = malloc(n * sizeof *w);
	if (w == NULL) {
		seterr(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (isfinite(v[i]) && v[i] > 0 && v[i] <= COST_MAX_SECONDS)
			w[k++] = v[i];
	if (k == 0) {
		free(w);
		seterr(err, errsz, "no usable run time (all zero, negative or "
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
	copy_str(out->note, sizeof out->note, note);
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
	copy_str(out->note, sizeof out->note, cost_seconds_label(out->src));
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

/* ---- one run ------------------------------------------------------------ */

static int
check_price(double p, char *err, size_t errsz)
{
	if (!isfinite(p) || !(p > 0) || p > COST_MAX_USD_PER_SECOND) {
		seterr(err, errsz, "price must be more than $0/s and at most "
		    "$10/s");
		return -1;
	}
	return 0;
}

static int
check_seconds(double s, char *err, size_t errsz)
{
	if (!isfinite(s) || !(s > 0)) {
		seterr(err, errsz, "seconds must be a number more than 0");
		return -1;
	}
	if (s > COST_MAX_SECONDS) {
		seterr(err, errsz, "seconds must be at most %.0f (30 days)",
		    COST_MAX_SECONDS);
		return -1;
	}
	return 0;
}

int
cost_run_estimate(double p, double seconds, struct cost_run *out, char *err,
    size_t errsz)
{
	char num[COST_FMT_MAX];
	int m, e, k;

	if (out == NULL) {
		seterr(err, errsz, "cost_run_estimate: no output");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (check_price(p, err, errsz) != 0 ||
	    check_seconds(seconds, err, errsz) != 0)
		return -1;
	out->usd = p * seconds;
	if (sig2(out->usd, &m, &e) != 0 || !isnormal(out->usd)) {
		seterr(err, errsz, "cost too small to show");
		return -1;
	}
	out->usd_shown = scale10((double)m, e - 1);
	snprintf(out->usd_text, sizeof out->usd_text, "$%s",
	    fmt_sig2_parts(m, e, num, sizeof num));
	/* 1 / (m * 10^(e-1)) = 10^(1-e) / m, in integers: no rounding. */
	k = 1 - e;
	if (k < 0)
		out->runs_per_dollar = 0;
	else if (k < (int)ARRAY_LEN(u10))
		out->runs_per_dollar = u10[k] / (uint64_t)m;
	else {
		out->runs_per_dollar = UINT64_MAX;
		out->runs_overflow = true;
	}
	if (out->runs_overflow)
		snprintf(out->runs_text, sizeof out->runs_text, ">%" PRIu64,
		    UINT64_MAX);
	else
		snprintf(out->runs_text, sizeof out->runs_text, "%" PRIu64,
		    out->runs_per_dollar);
	return 0;
}

void
cost_estimate_tier(const struct cost_table *t, const struct cost_timing *in,
    const struct cost_price *p, struct cost_tier_estimate *out)
{
	memset(out, 0, sizeof *out);
	out->p = p;
	if (p == NULL) {
		copy_str(out->err, sizeof out->err, "price unknown");
		return;
	}
	cost_seconds_pick(t, in, p, &out->secs);
	if (out->secs.src == COST_SECONDS_NONE) {
		copy_str(out->err, sizeof out->err, "no time for this tier "
		    "(no speed figure to carry it)");
		return;
	}
	out->ok = cost_run_estimate(p->usd_per_second, out->secs.seconds,
	    &out->run, out->err, sizeof out->err) == 0;
}

/* ---- billing ------------------------------------------------------------ */

static const char *const billing_keys[] = {
#define X(id, key, what) key,
	COST_BILLING_MODES(X)
#undef X
};
static const char *const billing_whats[] = {
#define X(id, key, what) what,
	COST_BILLING_MODES(X)
#undef X
};

const char *
cost_billing_key(enum cost_billing_mode m)
{
	return (unsigned)m < COST_BILL__COUNT ? billing_keys[m] : "?";
}

const char *
cost_billing_what(enum cost_billing_mode m)
{
	return (unsigned)m < COST_BILL__COUNT ? billing_whats[m] : "?";
}

int
cost_billing_from_key(const char *key)
{
	int i;

	for (i = 0; key != NULL && i < COST_BILL__COUNT; i++)
		if (strcmp(key, billing_keys[i]) == 0)
			return i;
	return -1;
}

bool
cost_billing_is_timed(enum cost_billing_mode m)
{
	return m == COST_BILL_PUBLIC || m == COST_BILL_PRIVATE ||
	    m == COST_BILL_DEPLOYMENT || m == COST_BILL_FAST_BOOT;
}

static bool
nonneg(double s)
{
	return isfinite(s) && s >= 0 && s <= COST_MAX_SECONDS;
}

int
cost_billed_for_run(const struct cost_billing *b, double p, double setup_s,
    double active_s, double idle_s, enum cost_run_status status,
    struct cost_billed *out, char *err, size_t errsz)
{
	if (b == NULL || out == NULL || (unsigned)b->mode >= COST_BILL__COUNT) {
		seterr(err, errsz, "cost_billed_for_run: bad arguments");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (!cost_billing_is_timed(b->mode)) {
		out->timed = false;
		out->usd = NAN;
		out->why = b->mode == COST_BILL_PER_TOKEN ?
		    "priced per token, not per second" :
		    "priced per output, not per second";
		return 0;
	}
	if (check_price(p, err, errsz) != 0)
		return -1;
	if (!nonneg(setup_s) || !nonneg(active_s) || !nonneg(idle_s)) {
		seterr(err, errsz, "setup, active and idle seconds must be "
		    "0..%.0f", COST_MAX_SECONDS);
		return -1;
	}
	out->timed = true;
	switch (b->mode) {
	case COST_BILL_PUBLIC:
		if (status == COST_RUN_FAILED) {
			out->seconds = 0;
			out->why = "public model: failed runs are free";
		} else if (status == COST_RUN_CANCELED) {
			out->seconds = active_s;
			out->why = "public model: a canceled run is billed for "
			    "the time it ran";
		} else {
			out->seconds = active_s;
			out->why = "public model: active time only";
		}
		break;
	case COST_BILL_FAST_BOOT:
		out->seconds = active_s;
		out->why = "fast-booting fine-tune: active time only";
		break;
	default:
		out->seconds = setup_s + idle_s + active_s;
		out->why = b->mode == COST_BILL_DEPLOYMENT ?
		    "deployment: setup + idle + active" :
		    "private model: setup + idle + active";
		break;
	}
	out->usd = out->seconds * p;
	return 0;
}

int
cost_per_unit(const struct cost_billing *b, double units, double *usd,
    char *err, size_t errsz)
{
	if (b == NULL || usd == NULL || cost_billing_is_timed(b->mode)) {
		seterr(err, errsz, "not a per-output or per-token model");
		return -1;
	}
	if (!isfinite(units) || units < 0 || units > 1e15 ||
	    !isfinite(b->unit_usd) || b->unit_usd < 0 || b->unit_usd > 1e6) {
		seterr(err, errsz, "units and the unit price must be finite "
		    "and not negative");
		return -1;
	}
	*usd = units * b->unit_usd;
	return 0;
}

/* ---- lifecycle ---------------------------------------------------------- */

static const struct {
	const char	*name, *what;
	bool		 pub, priv;
} phases[] = {
#define X(id, name, what, pub, priv) { name, what, pub, priv },
	COST_PHASES(X)
#undef X
};

const char *
cost_phase_name(enum cost_phase p)
{
	return (unsigned)p < COST_PHASE__COUNT ? phases[p].name : "?";
}

const char *
cost_phase_what(enum cost_phase p)
{
	return (unsigned)p < COST_PHASE__COUNT ? phases[p].what : "?";
}

bool
cost_phase_billed(enum cost_phase p, enum cost_billing_mode m)
{
	if ((unsigned)p >= COST_PHASE__COUNT || !cost_billing_is_timed(m))
		return false;
	if (m == COST_BILL_PUBLIC || m == COST_BILL_FAST_BOOT)
		return phases[p].pub;
	return phases[p].priv;
}

int
cost_cold_start(enum cost_billing_mode m, double p, double boot_s,
    double active_s, double idle_s, struct cost_cold_start *out, char *err,
    size_t errsz)
{
	if (out == NULL || !cost_billing_is_timed(m)) {
		seterr(err, errsz, "cold start: needs a per-second billing "
		    "mode");
		return -1;
	}
	if (check_price(p, err, errsz) != 0)
		return -1;
	if (!nonneg(boot_s) || !nonneg(active_s) || !nonneg(idle_s)) {
		seterr(err, errsz, "boot, active and idle seconds must be "
		    "0..%.0f", COST_MAX_SECONDS);
		return -1;
	}
	out->wait_s = boot_s + active_s;
	boot_s = cost_phase_billed(COST_PHASE_BOOTING, m) ? boot_s : 0;
	active_s = cost_phase_billed(COST_PHASE_ACTIVE, m) ? active_s : 0;
	idle_s = cost_phase_billed(COST_PHASE_IDLE, m) ? idle_s : 0;
	out->billed_s = boot_s + active_s + idle_s;
	out->usd = out->billed_s * p;
	out->usd_warm = (active_s + idle_s) * p;
	return 0;
}

/* ---- deployments -------------------------------------------------------- */

int
cost_deploy(const struct cost_deploy_in *in, struct cost_deploy_out *out,
    char *err, size_t errsz)
{
	double need, per, extra, sparse_s, requests_day;
	unsigned inst;

	if (in == NULL || out == NULL) {
		seterr(err, errsz, "cost_deploy: bad arguments");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (in->max_instances < 1 || in->max_instances > COST_MAX_INSTANCES ||
	    in->min_instances > in->max_instances) {
		seterr(err, errsz, "instances: need 1 <= max <= %u and min <= "
		    "max", COST_MAX_INSTANCES);
		return -1;
	}
	if (!isfinite(in->hours_per_day) || in->hours_per_day < 0 ||
	    in->hours_per_day > 24) {
		seterr(err, errsz, "hours per day must be 0..24");
		return -1;
	}
	if (!isfinite(in->rph) || in->rph < 0 || in->rph > COST_MAX_RPH) {
		seterr(err, errsz, "requests per hour must be 0..%.0f",
		    COST_MAX_RPH);
		return -1;
	}
	if (check_seconds(in->seconds, err, errsz) != 0)
		return -1;
	if (!isfinite(in->idle_s) || in->idle_s < 0 || in->idle_s > 86400 ||
	    !isfinite(in->boot_s) || in->boot_s < 0 || in->boot_s > 86400) {
		seterr(err, errsz, "idle and boot seconds must be 0..86400");
		return -1;
	}
	if (check_price(in->usd_per_second, err, errsz) != 0)
		return -1;

	out->load = in->rph * in->seconds / 3600.0;
	need = ceil(out->load);
	out->overloaded = need > in->max_instances;
	inst = out->overloaded ? in->max_instances : (unsigned)need;
	if (inst < in->min_instances)
		inst = in->min_instances;
	out->instances = inst;
	out->rph_served = out->overloaded ?
	    in->max_instances * 3600.0 / in->seconds : in->rph;
	if (in->hours_per_day == 0)
		out->rph_served = 0;

	extra = 0;
	if (inst > in->min_instances && in->hours_per_day > 0) {
		per = in->hours_per_day * 3600.0 + in->boot_s + in->idle_s;
		if (per > 86400)
			per = 86400;
		extra = (inst - in->min_instances) * per;
		if (inst == 1 && in->min_instances == 0 && in->rph > 0 &&
		    3600.0 / in->rph > in->seconds + in->idle_s) {
			sparse_s = in->rph * in->hours_per_day *
			    (in->boot_s + in->seconds + in->idle_s);
			if (sparse_s < extra) {
				extra = sparse_s;
				out->sparse = true;
			}
		}
	}
	out->online_s_day = in->min_instances * 86400.0 + extra;
	requests_day = out->rph_served * in->hours_per_day;
	out->active_s_day = requests_day * in->seconds;
	out->utilization = out->online_s_day > 0 ?
	    out->active_s_day / out->online_s_day : 0;
	if (out->utilization > 1)
		out->utilization = 1;
	out->monthly_usd = out->online_s_day * in->usd_per_second *
	    COST_DAYS_PER_MONTH;
	out->public_monthly_usd = out->active_s_day * in->usd_per_second *
	    COST_DAYS_PER_MONTH;
	out->per_request_usd = requests_day > 0 ?
	    out->monthly_usd / (requests_day * COST_DAYS_PER_MONTH) : 0;
	return 0;
}

int
cost_deploy_parse(const char *spec, struct cost_deploy_in *in, char *err,
    size_t errsz)
{
	static const char *const keys[] = { "min", "max", "hours", "rph",
	    "idle", "boot", "seconds" };
	char buf[256], *p, *item, *eq;
	unsigned seen = 0, k;
	struct cost_deploy_in v;
	uint64_t u;
	double d;

	if (spec == NULL || in == NULL || *spec == '\0') {
		seterr(err, errsz, "deployment: empty (want min=1,max=3,"
		    "hours=8,rph=120,idle=300)");
		return -1;
	}
	if (strlen(spec) >= sizeof buf) {
		seterr(err, errsz, "deployment: longer than %zu bytes",
		    sizeof buf - 1);
		return -1;
	}
	copy_str(buf, sizeof buf, spec);
	v = *in;
	for (p = buf; p != NULL; ) {
		item = p;
		p = strchr(p, ',');
		if (p != NULL)
			*p++ = '\0';
		eq = strchr(item, '=');
		if (eq == NULL) {
			seterr(err, errsz, "deployment: \"%.40s\" is not "
			    "key=value", item);
			return -1;
		}
		*eq++ = '\0';
		for (k = 0; k < ARRAY_LEN(keys); k++)
			if (strcmp(item, keys[k]) == 0)
				break;
		if (k == ARRAY_LEN(keys)) {
			seterr(err, errsz, "deployment: unknown key \"%.40s\" "
			    "(min max hours rph idle boot seconds)", item);
			return -1;
		}
		if (seen & (1u << k)) {
			seterr(err, errsz, "deployment: %s given twice",
			    keys[k]);
			return -1;
		}
		seen |= 1u << k;
		if (k < 2) {
			if (cost_parse_u64(eq, &u) != 0 ||
			    u > COST_MAX_INSTANCES) {
				seterr(err, errsz, "deployment: %s must be a "
				    "whole number 0..%u", keys[k],
				    COST_MAX_INSTANCES);
				return -1;
			}
			if (k == 0)
				v.min_instances = (unsigned)u;
			else
				v.max_instances = (unsigned)u;
			continue;
		}
		if (cost_parse_double(eq, &d) != 0 || d < 0) {
			seterr(err, errsz, "deployment: %s must be a number "
			    ">= 0", keys[k]);
			return -1;
		}
		switch (k) {
		case 2: v.hours_per_day = d; break;
		case 3: v.rph = d; break;
		case 4: v.idle_s = d; break;
		case 5: v.boot_s = d; break;
		default: v.seconds = d; break;
		}
	}
	*in = v;
	return 0;
}

/* ---- batches ------------------------------------------------------------ */

int
cost_batch(const struct cost_batch_in *in, struct cost_batch_out *out,
    char *err, size_t errsz)
{
	uint64_t waves;

	if (in == NULL || out == NULL) {
		seterr(err, errsz, "cost_batch: bad arguments");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (!cost_billing_is_timed(in->mode)) {
		seterr(err, errsz, "batch: a %s model is not billed by the "
		    "second", cost_billing_key(in->mode));
		return -1;
	}
	if (in->runs == 0 || in->runs > COST_MAX_RUNS) {
		seterr(err, errsz, "runs must be 1..%llu",
		    (unsigned long long)COST_MAX_RUNS);
		return -1;
	}
	if (in->concurrency < 1 || in->concurrency > COST_MAX_CONCURRENCY) {
		seterr(err, errsz, "concurrency must be 1..%u",
		    COST_MAX_CONCURRENCY);
		return -1;
	}
	if (check_seconds(in->seconds, err, errsz) != 0 ||
	    check_price(in->usd_per_second, err, errsz) != 0)
		return -1;
	if (!nonneg(in->boot_s) || !nonneg(in->idle_s)) {
		seterr(err, errsz, "boot and idle seconds must be 0..%.0f",
		    COST_MAX_SECONDS);
		return -1;
	}
	out->lanes = in->runs < in->concurrency ? (unsigned)in->runs :
	    in->concurrency;
	waves = (in->runs + out->lanes - 1) / out->lanes;
	out->wall_s = in->boot_s + (double)waves * in->seconds;
	if (in->mode == COST_BILL_PUBLIC || in->mode == COST_BILL_FAST_BOOT)
		out->billed_s = (double)in->runs * in->seconds;
	else
		out->billed_s = out->lanes * (out->wall_s + in->idle_s);
	out->total_usd = out->billed_s * in->usd_per_second;
	return 0;
}

int
cost_sweep_runs(const uint64_t *counts, size_t n, uint64_t *runs, char *err,
    size_t errsz)
{
	uint64_t r = 1;
	size_t i;

	if (counts == NULL || n == 0 || runs == NULL) {
		seterr(err, errsz, "sweep: no inputs");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (counts[i] == 0) {
			seterr(err, errsz, "sweep: input %zu has no values",
			    i + 1);
			return -1;
		}
		if (counts[i] > COST_MAX_RUNS ||
		    r > COST_MAX_RUNS / counts[i]) {
			seterr(err, errsz, "sweep: more than %llu runs",
			    (unsigned long long)COST_MAX_RUNS);
			return -1;
		}
		r *= counts[i];
	}
	*runs = r;
	return 0;
}
