/*
 * tests/unit/t.h: the unit-test harness. One binary per module; each check
 * prints "ok" or "FAIL file:line: expr"; T_SUMMARY() prints the closing line
 * "N passed, N failed" that tests/run sums, and returns the exit status.
 * A crash (SIGSEGV, SIGBUS, SIGFPE) says after which check it came, since
 * passing checks print nothing (not under a sanitizer, which reports it).
 *
 *	int main(void) { T_OK(1 + 1 == 2); T_STREQ(f(), "x"); return T_SUMMARY(); }
 */
#ifndef PG_TESTS_T_H
#define PG_TESTS_T_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int t_pass, t_fail;
static const char *t_last_file;	/* the last check, for a crash report */
static int t_last_line;

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
static void
t_crash(int sig)
{
	char buf[512];
	int n;

	fflush(stdout);
	n = snprintf(buf, sizeof buf, "CRASH signal %d after %d checks, the "
	    "last at %s:%d\n", sig, t_pass + t_fail,
	    t_last_file ? t_last_file : "(none)", t_last_line);
	if (n > 0)
		(void)!write(2, buf, (size_t)n < sizeof buf ? (size_t)n :
		    sizeof buf - 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

__attribute__((constructor)) static void
t_crash_init(void)
{
	signal(SIGSEGV, t_crash);
	signal(SIGBUS, t_crash);
	signal(SIGFPE, t_crash);
}
#endif

static inline int
t_check(int ok, const char *file, int line, const char *expr)
{
	t_last_file = file;
	t_last_line = line;
	if (ok)
		t_pass++;
	else {
		t_fail++;
		printf("FAIL %s:%d: %s\n", file, line, expr);
	}
	return ok;
}

static inline int
t_check_str(const char *a, const char *b, const char *file, int line,
    const char *expr)
{
	int ok = (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);

	if (!t_check(ok, file, line, expr))
		printf("     got \"%s\"\n     want \"%s\"\n", a ? a : "(null)",
		    b ? b : "(null)");
	return ok;
}

static inline int
t_check_long(long long a, long long b, const char *file, int line,
    const char *expr)
{
	int ok = a == b;

	if (!t_check(ok, file, line, expr))
		printf("     got %lld, want %lld\n", a, b);
	return ok;
}

#define T_OK(c)		t_check(!!(c), __FILE__, __LINE__, #c)
#define T_STREQ(a, b)	t_check_str((a), (b), __FILE__, __LINE__, #a " == " #b)
#define T_EQ(a, b)	t_check_long((long long)(a), (long long)(b), __FILE__, \
			    __LINE__, #a " == " #b)
#define T_SUMMARY()	(printf("%d passed, %d failed\n", t_pass, t_fail), \
			    t_fail != 0)

#endif
