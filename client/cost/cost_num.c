/*
 * client/cost/cost_num.c: numbers without the C library's locale (see
 * client/cost/cost.h): parsing decimals and integers, and formatting prices,
 * dollars, seconds and two-significant-digit figures. A comma-decimal
 * LC_NUMERIC changes nothing.
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

/* ---- numbers ------------------------------------------------------------ */

static const double p10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

const uint64_t cost_u10[] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL
};

/* x * 10^k without overflowing the intermediate power. */
double
cost_scale10(double x, int k)
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
	for (; cost_is_digit((unsigned char)*s); s++) {
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
		for (s++; cost_is_digit((unsigned char)*s); s++) {
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
		if (!cost_is_digit((unsigned char)*s))
			return -1;
		for (; cost_is_digit((unsigned char)*s); s++)
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
		v = cost_scale10((double)m, exp10);
	if (!isfinite(v))
		return -1;
	*out = neg ? -v : v;
	return 0;
}

int
cost_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || !cost_is_digit((unsigned char)*s))
		return -1;
	for (; *s; s++) {
		if (!cost_is_digit((unsigned char)*s))
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
int
cost_sig2(double x, int *mp, int *ep)
{
	double scaled;
	int e, m, tries;

	if (!(x > 0) || !isfinite(x))
		return -1;
	e = (int)floor(log10(x));
	for (tries = 0; tries < 4; tries++) {
		scaled = cost_scale10(x, 1 - e);
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

char *
cost_fmt_sig2_parts(int m, int e, char *buf, size_t bufsz)
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
	if (cost_sig2(x, &m, &e) != 0) {
		snprintf(buf, bufsz, "?");
		return buf;
	}
	return cost_fmt_sig2_parts(m, e, buf, bufsz);
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
	cost_copy_str(buf, bufsz, out);
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
