/*
 * client/cost/cost_int.h: what the files of client/cost share and nobody
 * else may use: the small text helpers (cost.c), the exact powers of ten and
 * the two-significant-digit split (cost_num.c), the price and seconds checks
 * (cost_bill.c). The public API is client/cost/cost.h.
 */
#ifndef CLIENT_COST_COST_INT_H
#define CLIENT_COST_COST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/cost/cost.h"

/* 10^0 .. 10^19, exact (cost_num.c). */
extern const uint64_t cost_u10[20];

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

void	cost_seterr(char *err, size_t errsz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void
cost_copy_str(char *dst, size_t dstsz, const char *src);
double
cost_scale10(double x, int k);
int
cost_sig2(double x, int *mp, int *ep);
char *
cost_fmt_sig2_parts(int m, int e, char *buf, size_t bufsz);

int
cost_lower(int c);
int
cost_is_alnum(int c);

int
cost_is_digit(int c);

#endif
