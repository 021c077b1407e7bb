/*
 * client/forms/form_check.c: checking one value after Cog/pydantic's rules:
 * integers, numbers, booleans, ranges, string lengths and patterns (JSON
 * Schema regexes turned into POSIX EREs), and the files a value names
 * (URL, data: URI or local path, read into a data: URI).
 */
#include "client/forms/form.h"
#include "client/files/files.h"
#include "client/forms/form_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <cJSON.h>

/* ---- scalar checks ---- */

int
form_parse_int(const char *text, long long *out)
{
	char buf[64], *end;
	const char *t = form_trim(text, buf, sizeof buf);
	const char *p = t;

	if (strlen(text) >= sizeof buf + 32)
		return -1;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	errno = 0;
	*out = strtoll(t, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return -2;
	return 0;
}

int
form_parse_num(const char *text, double *out)
{
	char buf[128], *end;
	const char *t = form_trim(text, buf, sizeof buf);

	if (*t == '\0' || strlen(text) >= sizeof buf + 32)
		return -1;
	/* strtod also takes hex, "inf" and "nan": JSON takes none */
	if (strpbrk(t, "xXiInN") != NULL)
		return -1;
	errno = 0;
	*out = strtod(t, &end);
	if (*end != '\0' || end == t)
		return -1;
	if (!isfinite(*out))
		return -2;
	return 0;
}

int
form_parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", "y",
	    "t" };
	static const char *const no[] = { "false", "no", "off", "0", "n",
	    "f" };
	char buf[16];
	const char *t;
	size_t k;

	if (strlen(text) > 64)
		return -1;
	t = form_trim(text, buf, sizeof buf);
	for (k = 0; k < sizeof yes / sizeof yes[0]; k++) {
		if (strcasecmp(t, yes[k]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(t, no[k]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int
form_check_range(const struct schema_field *fd, double v, char *msg,
    size_t msgsz)
{
	char a[40];

	if (fd->has_min && (fd->min_exclusive ? v <= fd->minimum :
	    v < fd->minimum)) {
		form_msgf(msg, msgsz, fd->min_exclusive ? "must be greater than %s" :
		    "must be at least %s", schema_num_text(fd->minimum, a,
		    sizeof a));
		return -1;
	}
	if (fd->has_max && (fd->max_exclusive ? v >= fd->maximum :
	    v > fd->maximum)) {
		form_msgf(msg, msgsz, fd->max_exclusive ? "must be less than %s" :
		    "must be at most %s", schema_num_text(fd->maximum, a,
		    sizeof a));
		return -1;
	}
	if (fd->has_multiple_of) {
		double q = v / fd->multiple_of;

		if (fabs(q - nearbyint(q)) > 1e-9 * fmax(1.0, fabs(q))) {
			form_msgf(msg, msgsz, "must be a multiple of %s",
			    schema_num_text(fd->multiple_of, a, sizeof a));
			return -1;
		}
	}
	return 0;
}

/*
 * Translate a Python regex to POSIX ERE for the common subset (\d \w \s and
 * their negations, \A \Z, lazy quantifiers, {,n}). Returns 0, or -1 when it
 * uses something POSIX cannot express (lookaround, backrefs, (?flags)):
 * then the server alone checks it.
 */
static int
pattern_to_ere(const char *py, char *out, size_t outsz)
{
	size_t o = 0;
	bool in_br = false, after_quant = false;
	const char *p;

#define PUT(s) do {							\
		size_t l_ = strlen(s);					\
		if (o + l_ >= outsz)					\
			return -1;					\
		memcpy(out + o, (s), l_);				\
		o += l_;						\
	} while (0)
	for (p = py; *p != '\0'; p++) {
		char one[2] = { *p, '\0' };
		bool quant = after_quant;

		after_quant = false;
		if (*p == '\\') {
			char e = p[1];

			if (e == '\0')
				return -1;
			p++;
			if (in_br) {
				if (e == 'd')
					PUT("0-9");
				else if (e == 'w')
					PUT("[:alnum:]_");
				else if (e == 's')
					PUT("[:space:]");
				else if (e == 'n')
					PUT("\n");
				else if (e == 't')
					PUT("\t");
				else if (strchr(".*+?()|{}$^/", e) != NULL) {
					one[0] = e;
					PUT(one);
				} else
					return -1;
				continue;
			}
			switch (e) {
			case 'd': PUT("[0-9]"); break;
			case 'D': PUT("[^0-9]"); break;
			case 'w': PUT("[[:alnum:]_]"); break;
			case 'W': PUT("[^[:alnum:]_]"); break;
			case 's': PUT("[[:space:]]"); break;
			case 'S': PUT("[^[:space:]]"); break;
			case 'A': PUT("^"); break;
			case 'Z': case 'z': PUT("$"); break;
			case 'n': PUT("\n"); break;
			case 't': PUT("\t"); break;
			default:
				if (isalnum((unsigned char)e))
					return -1;	/* \b, \1, \p{…} */
				one[0] = '\\';
				PUT(one);
				one[0] = e;
				PUT(one);
			}
			continue;
		}
		if (in_br) {
			if (*p == ']')
				in_br = false;
			if (*p == '[' && p[1] == ':')
				return -1;
			PUT(one);
			continue;
		}
		if (*p == '[') {
			in_br = true;
			PUT("[");
			if (p[1] == '^') {
				PUT("^");
				p++;
			}
			if (p[1] == ']') {
				PUT("]");
				p++;
			}
			continue;
		}
		if (*p == '(' && p[1] == '?')
			return -1;
		if (*p == '?' && quant)
			continue;	/* lazy: same match set */
		if (*p == '{' && p[1] == ',') {
			PUT("{0");
			continue;
		}
		after_quant = strchr("*+?}", *p) != NULL;
		PUT(one);
	}
#undef PUT
	if (in_br)
		return -1;
	out[o] = '\0';
	return 0;
}

/* pydantic 1 uses re.match: a match must start at the beginning. */
static int
check_pattern(const char *pattern, const char *value, char *msg,
    size_t msgsz)
{
	char ere[FORM_PATTERN_MAX * 4];
	regex_t re;
	regmatch_t m;
	int rc;

	if (strlen(pattern) > FORM_PATTERN_MAX || strlen(value) > 65536 ||
	    pattern_to_ere(pattern, ere, sizeof ere) != 0)
		return 0;
	if (regcomp(&re, ere, REG_EXTENDED) != 0)
		return 0;
	rc = regexec(&re, value, 1, &m, 0);
	regfree(&re);
	if (rc == 0 && m.rm_so == 0)
		return 0;
	form_msgf(msg, msgsz, "does not match the pattern %s", pattern);
	return -1;
}

int
form_check_string(const struct schema_field *fd, const char *text, char *msg,
    size_t msgsz)
{
	long long n = (long long)form_code_points(text);

	if (fd->min_length >= 0 && n < fd->min_length) {
		form_msgf(msg, msgsz, "must be at least %lld characters (has %lld)",
		    fd->min_length, n);
		return -1;
	}
	if (fd->max_length >= 0 && n > fd->max_length) {
		form_msgf(msg, msgsz, "must be at most %lld characters (has %lld)",
		    fd->max_length, n);
		return -1;
	}
	if (fd->pattern != NULL)
		return check_pattern(fd->pattern, text, msg, msgsz);
	return 0;
}

/* ---- files ---- */

/* The MIME table lives in client/files (one owner for every module). */
const char *
form_mime_type(const char *path)
{
	return files_mime_type(path);
}

enum form_file_form
form_file_form(const char *v, char *msg, size_t msgsz)
{
	const char *p;

	if (strncasecmp(v, "http://", 7) == 0 ||
	    strncasecmp(v, "https://", 8) == 0)
		return v[strcspn(v, " \t\r\n")] == '\0' ? FILE_URL : FILE_BAD;
	if (strncasecmp(v, "data:", 5) == 0) {
		if (strchr(v, ',') == NULL) {
			form_msgf(msg, msgsz, "a data: URI needs a ',' before its "
			    "data");
			return FILE_BAD;
		}
		return FILE_DATA;
	}
	for (p = v; isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.'; p++)
		;
	if (p > v && strncmp(p, "://", 3) == 0) {
		form_msgf(msg, msgsz, "'%.*s' is not a valid URL scheme: use "
		    "http, https, data or a local path", (int)(p - v), v);
		return FILE_BAD;
	}
	return FILE_LOCAL;
}

/* "~/x" and "@x" forms of a local path, into buf. */
const char *
form_local_path(const char *v, char *buf, size_t bufsz)
{
	const char *home;

	if (*v == '@')
		v++;
	if (v[0] == '~' && v[1] == '/' && (home = getenv("HOME")) != NULL) {
		snprintf(buf, bufsz, "%s%s", home, v + 1);
		return buf;
	}
	snprintf(buf, bufsz, "%s", v);
	return buf;
}

int
form_stat_file(const char *path, off_t *size, char *msg, size_t msgsz)
{
	struct stat st;

	if (*path == '\0') {
		form_msgf(msg, msgsz, "empty file path");
		return -1;
	}
	if (stat(path, &st) != 0) {
		form_msgf(msg, msgsz, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		form_msgf(msg, msgsz, "%s is not a regular file", path);
		return -1;
	}
	if ((unsigned long long)st.st_size > FORM_FILE_MAX) {
		form_msgf(msg, msgsz, "%s is %lld bytes, over the %u limit", path,
		    (long long)st.st_size, FORM_FILE_MAX);
		return -1;
	}
	*size = st.st_size;
	return 0;
}

char *
form_data_uri(const char *path, size_t size, char *msg, size_t msgsz)
{
	unsigned char *raw;
	char *out = NULL;
	size_t got;
	FILE *fp;

	fp = fopen(path, "rb");
	if (fp == NULL) {
		form_msgf(msg, msgsz, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	raw = malloc(size ? size : 1);
	if (raw == NULL) {
		form_msgf(msg, msgsz, "out of memory reading %s", path);
		goto out;
	}
	got = fread(raw, 1, size, fp);
	if (got != size || ferror(fp)) {
		form_msgf(msg, msgsz, "cannot read %s (changed while reading?)",
		    path);
		goto out;
	}
	out = files_data_uri(files_mime_type(path), raw, size);
	if (out == NULL)
		form_msgf(msg, msgsz, "out of memory reading %s", path);
out:
	fclose(fp);
	free(raw);
	return out;
}
