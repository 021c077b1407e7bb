/*
 * client/cost/cost.c: the price table (see client/cost/cost.h): the shipped
 * table, parsing a user's prices file over it, lookups by SKU and name, and
 * the small text helpers the cost files share (client/cost/cost_int.h).
 * Numbers live in cost_num.c, the GPU catalogue in cost_gpu.c, billing and
 * forecasts in cost_bill.c. libc and libm only.
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

/* The shipped table, generated from client/cost/prices.tsv (tests/mk/cost.mk). */
#include "client/cost/prices.inc"

void
cost_seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

void
cost_copy_str(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
cost_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
cost_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int
cost_is_alnum(int c)
{
	c = cost_lower(c);
	return cost_is_digit(c) || (c >= 'a' && c <= 'z');
}

static bool
streq_nocase(const char *a, const char *b)
{
	while (*a && cost_lower((unsigned char)*a) == cost_lower((unsigned char)*b))
		a++, b++;
	return *a == '\0' && *b == '\0';
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

	if (!cost_is_alnum((unsigned char)*s))
		return false;
	for (; s[n]; n++)
		if (!cost_is_alnum((unsigned char)s[n]) && s[n] != '-' &&
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
	cost_seterr(c->err, c->errsz, "%s:%u: %s", c->label, c->line, msg);
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
	cost_copy_str(r->sku, sizeof r->sku, sku);
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
			cost_copy_str(c->t->date, sizeof c->t->date, val);
		else
			cost_copy_str(c->t->user_date, sizeof c->t->user_date, val);
		return 0;
	}
	if (strcmp(key, "source") == 0) {
		if (strlen(val) >= COST_SOURCE_MAX)
			return perr(c, "@source is too long", NULL);
		cost_copy_str(c->source, sizeof c->source, val);
		c->have_source = true;
		if (c->origin == COST_ORIGIN_SHIPPED)
			cost_copy_str(c->t->source, sizeof c->t->source, val);
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
		cost_copy_str(r->name, sizeof r->name, sku);
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
	cost_copy_str(row.sku, sizeof row.sku, f[0]);
	if (*f[1] == '\0' || strlen(f[1]) >= COST_NAME_MAX)
		return perr(c, "name is empty or longer than 63 bytes", NULL);
	cost_copy_str(row.name, sizeof row.name, f[1]);
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
	cost_copy_str(row.date, sizeof row.date, strcmp(f[5], "-") ? f[5] : "");
	if (strlen(f[6]) >= COST_SOURCE_MAX)
		return perr(c, "source is longer than 95 bytes", NULL);
	cost_copy_str(row.source, sizeof row.source, strcmp(f[6], "-") ? f[6] : "");
	if (nf == 8 && *f[7] && strcmp(f[7], "-") != 0) {
		const struct cost_gpu *g = cost_gpu_find(f[7]);

		if (g == NULL)
			return perr(c, "unknown gpu \"%s\" (see `r8play cost "
			    "--gpus`)", f[7]);
		cost_copy_str(row.gpu, sizeof row.gpu, g->key);
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
		cost_seterr(err, errsz, "cost_table_parse: no table or text");
		return -1;
	}
	if (label == NULL)
		label = "prices";
	if (len > COST_FILE_MAX) {
		cost_seterr(err, errsz, "%s: %zu bytes, more than the %d allowed",
		    label, len, COST_FILE_MAX);
		return -1;
	}
	/* All or nothing: parse into a copy. */
	c = calloc(1, sizeof *c);
	if (c == NULL || (c->t = malloc(sizeof *t)) == NULL) {
		free(c);
		cost_seterr(err, errsz, "%s: out of memory", label);
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
			cost_copy_str(r->date, sizeof r->date,
			    origin == COST_ORIGIN_USER ? c->t->user_date :
			    c->t->date);
		if (c->nodate[i] || (r->source[0] == '\0' && c->have_source))
			cost_copy_str(r->source, sizeof r->source,
			    c->have_source ? c->source :
			    origin == COST_ORIGIN_USER ? "your prices file" :
			    c->t->source);
	}
	if (origin == COST_ORIGIN_USER) {
		size_t nu = 0;

		for (i = 0; i < c->t->n; i++)
			nu += c->t->rows[i].origin == COST_ORIGIN_USER;
		c->t->n_user = nu;
		cost_copy_str(c->t->user_file, sizeof c->t->user_file, label);
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
		cost_seterr(err, errsz, "cost_table_init: no table");
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
		cost_seterr(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(COST_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(fp);
		cost_seterr(err, errsz, "%s: out of memory", path);
		return -1;
	}
	len = fread(buf, 1, COST_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		cost_seterr(err, errsz, "%s: %s", path, strerror(errno));
		rc = -1;
	} else if (len > COST_FILE_MAX) {
		cost_seterr(err, errsz, "%s: larger than %d bytes", path,
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

