/*
 * client/forms/form.c: form values (text + set flag per field), validation with
 * field-level messages after Cog/pydantic's rules, typed request JSON,
 * example loading and local files as data: URIs or uploads.
 */
#include "client/forms/form.h"

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

#include "client/files/files.h"

/* ---- small helpers ---- */

/* A message stays one line: it may quote what was typed (a path, an
 * argument), so line breaks become spaces, other control bytes '?'. */
static void
one_line(char *p)
{
	for (; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void
msgf(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list ap;

	if (msgsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, msgsz, fmt, ap);
	va_end(ap);
	one_line(msg);
}

static void
wipe(char *s)
{
	volatile char *p = s;

	if (s == NULL)
		return;
	while (*p != '\0')
		*p++ = '\0';
}

static size_t
code_points(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool
blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Copy of s without leading/trailing white space, into buf. */
static const char *
trim(const char *s, char *buf, size_t bufsz)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= bufsz)
		n = bufsz - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

static bool
string_kind(enum schema_kind k)
{
	return k == SCHEMA_KIND_STRING || k == SCHEMA_KIND_TEXT ||
	    k == SCHEMA_KIND_SECRET;
}

/* ---- lifetime ---- */

struct form *
form_new_from_schema(const struct schema *s)
{
	struct form *f;

	if (s == NULL)
		return NULL;
	f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	f->schema = s;
	f->nfields = s->nfields;
	f->values = calloc(s->nfields ? s->nfields : 1, sizeof *f->values);
	if (f->values == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

static void
value_clear(struct form_value *v)
{
	wipe(v->text);
	free(v->text);
	v->text = NULL;
	v->set = false;
	v->from_arg = false;
	v->error[0] = '\0';
}

void
form_free(struct form *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nfields; i++)
		value_clear(&f->values[i]);
	free(f->values);
	free(f);
}

int
form_find(const struct form *f, const char *name)
{
	return f == NULL ? -1 : schema_find(f->schema, name);
}

int
form_set_index(struct form *f, size_t i, const char *text, char *err,
    size_t errsz)
{
	char *copy = NULL;

	if (f == NULL || i >= f->nfields) {
		msgf(err, errsz, "no such input");
		return -1;
	}
	if (text != NULL) {
		if (strlen(text) > FORM_VALUE_MAX) {
			msgf(err, errsz, "%s: value over %u bytes",
			    f->schema->fields[i].name, FORM_VALUE_MAX);
			return -1;
		}
		copy = strdup(text);
		if (copy == NULL) {
			msgf(err, errsz, "out of memory");
			return -1;
		}
	}
	value_clear(&f->values[i]);
	f->values[i].text = copy;
	f->values[i].set = copy != NULL;
	return 0;
}

static int
no_such(const struct form *f, const char *name, char *err, size_t errsz)
{
	size_t i, used;

	used = (size_t)snprintf(err, errsz, "no input named '%s'; inputs:",
	    name);
	for (i = 0; i < f->nfields && used < errsz; i++)
		used += (size_t)snprintf(err + used, errsz - used, "%s %s",
		    i ? "," : "", f->schema->fields[i].name);
	if (errsz > 0)
		one_line(err);
	return -1;
}

int
form_set(struct form *f, const char *name, const char *text, char *err,
    size_t errsz)
{
	int i = form_find(f, name);

	if (i < 0)
		return f == NULL ? -1 : no_such(f, name, err, errsz);
	return form_set_index(f, (size_t)i, text, err, errsz);
}

void
form_reset_index(struct form *f, size_t i)
{
	if (f != NULL && i < f->nfields)
		value_clear(&f->values[i]);
}

void
form_reset(struct form *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nfields; i++)
		value_clear(&f->values[i]);
}

const char *
form_text(const struct form *f, size_t i)
{
	const struct schema_field *fd;

	if (f == NULL || i >= f->nfields)
		return "";
	if (f->values[i].set)
		return f->values[i].text;
	fd = &f->schema->fields[i];
	return fd->default_text != NULL ? fd->default_text : "";
}

bool
form_is_set(const struct form *f, size_t i)
{
	return f != NULL && i < f->nfields && f->values[i].set;
}

const char *
form_display(const struct form *f, size_t i, char *buf, size_t bufsz)
{
	const char *t = form_text(f, i);
	size_t n, k;

	if (bufsz == 0)
		return buf;
	if (f == NULL || i >= f->nfields ||
	    f->schema->fields[i].kind != SCHEMA_KIND_SECRET) {
		snprintf(buf, bufsz, "%s", t);
		return buf;
	}
	n = code_points(t);
	for (k = 0; k < n && k + 1 < bufsz; k++)
		buf[k] = '*';
	buf[k] = '\0';
	return buf;
}

const char *
form_error(const struct form *f, size_t i)
{
	if (f == NULL || i >= f->nfields || f->values[i].error[0] == '\0')
		return NULL;
	return f->values[i].error;
}

/* ---- array text: a JSON array, or one item per line ---- */

struct items {
	char		**v;
	size_t		n;
};

static void
items_free(struct items *it)
{
	size_t i;

	for (i = 0; i < it->n; i++) {
		wipe(it->v[i]);
		free(it->v[i]);
	}
	free(it->v);
	it->v = NULL;
	it->n = 0;
}

static int
items_push(struct items *it, const char *s, size_t len)
{
	char **nv, *p;

	nv = realloc(it->v, (it->n + 1) * sizeof *nv);
	if (nv == NULL)
		return -1;
	it->v = nv;
	p = malloc(len + 1);
	if (p == NULL)
		return -1;
	memcpy(p, s, len);
	p[len] = '\0';
	it->v[it->n++] = p;
	return 0;
}

/* Split an array field's text. Returns 0, or -1 with msg set. */
static int
items_parse(const char *text, struct items *it, char *msg, size_t msgsz)
{
	const char *p = text, *nl;

	it->v = NULL;
	it->n = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[') {
		const char *end = NULL;
		cJSON *arr = cJSON_ParseWithLengthOpts(p, strlen(p), &end, 0);
		const cJSON *el;
		size_t k = 0;

		if (arr == NULL || !cJSON_IsArray(arr)) {
			msgf(msg, msgsz, "not a valid JSON array (byte %zu)",
			    end != NULL && end >= p ? (size_t)(end - text) : 0);
			cJSON_Delete(arr);
			return -1;
		}
		cJSON_ArrayForEach(el, arr) {
			char *s = NULL;
			int rc;

			if (cJSON_IsString(el))
				rc = items_push(it, el->valuestring,
				    strlen(el->valuestring));
			else if (cJSON_IsNumber(el) || cJSON_IsBool(el)) {
				s = cJSON_PrintUnformatted(el);
				rc = s == NULL ? -1 : items_push(it, s,
				    strlen(s));
				free(s);
			} else {
				msgf(msg, msgsz, "item %zu: not a plain value",
				    k + 1);
				cJSON_Delete(arr);
				items_free(it);
				return -1;
			}
			if (rc != 0) {
				msgf(msg, msgsz, "out of memory");
				cJSON_Delete(arr);
				items_free(it);
				return -1;
			}
			k++;
		}
		cJSON_Delete(arr);
		return 0;
	}
	p = text;
	while (*p != '\0') {
		size_t len;

		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0 && items_push(it, p, len) != 0) {
			msgf(msg, msgsz, "out of memory");
			items_free(it);
			return -1;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

int
form_append(struct form *f, const char *name, const char *item, char *err,
    size_t errsz)
{
	struct items it;
	cJSON *arr;
	char *text;
	size_t k;
	int i = form_find(f, name), rc;

	if (i < 0)
		return f == NULL ? -1 : no_such(f, name, err, errsz);
	if (f->schema->fields[i].kind != SCHEMA_KIND_ARRAY)
		return form_set_index(f, (size_t)i, item, err, errsz);
	it.v = NULL;
	it.n = 0;
	if (f->values[i].set && items_parse(f->values[i].text, &it, err,
	    errsz) != 0)
		return -1;
	if (items_push(&it, item, strlen(item)) != 0) {
		items_free(&it);
		msgf(err, errsz, "out of memory");
		return -1;
	}
	arr = cJSON_CreateArray();
	for (k = 0; arr != NULL && k < it.n; k++)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(it.v[k]))) {
			cJSON_Delete(arr);
			arr = NULL;
		}
	items_free(&it);
	text = arr != NULL ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	if (text == NULL) {
		msgf(err, errsz, "out of memory");
		return -1;
	}
	rc = form_set_index(f, (size_t)i, text, err, errsz);
	free(text);
	return rc;
}

int
form_set_arg(struct form *f, const char *arg, char *err, size_t errsz)
{
	const char *eq = strchr(arg, '=');
	char name[256];
	size_t n;
	int i;

	if (eq == NULL || eq == arg) {
		msgf(err, errsz, "'%s': expected key=value", arg);
		return -1;
	}
	n = (size_t)(eq - arg);
	if (n >= sizeof name) {
		msgf(err, errsz, "input name too long");
		return -1;
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	i = form_find(f, name);
	if (i < 0)
		return f == NULL ? -1 : no_such(f, name, err, errsz);
	if (f->schema->fields[i].kind == SCHEMA_KIND_ARRAY) {
		const char *p = eq + 1;
		int rc;

		while (isspace((unsigned char)*p))
			p++;
		/* the first -i of a key replaces, later ones append; a
		 * value that is a JSON array is the whole list */
		if (!f->values[i].from_arg) {
			form_reset_index(f, (size_t)i);
			rc = *p == '[' ? form_set_index(f, (size_t)i, eq + 1,
			    err, errsz) : form_append(f, name, eq + 1, err,
			    errsz);
		} else
			rc = form_append(f, name, eq + 1, err, errsz);
		if (rc == 0)
			f->values[i].from_arg = true;
		return rc;
	}
	return form_set_index(f, (size_t)i, eq + 1, err, errsz);
}

/* ---- scalar checks ---- */

static int
parse_int(const char *text, long long *out)
{
	char buf[64], *end;
	const char *t = trim(text, buf, sizeof buf);
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

static int
parse_num(const char *text, double *out)
{
	char buf[128], *end;
	const char *t = trim(text, buf, sizeof buf);

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

static int
parse_bool(const char *text, bool *out)
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
	t = trim(text, buf, sizeof buf);
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

static int
check_range(const struct schema_field *fd, double v, char *msg,
    size_t msgsz)
{
	char a[40];

	if (fd->has_min && (fd->min_exclusive ? v <= fd->minimum :
	    v < fd->minimum)) {
		msgf(msg, msgsz, fd->min_exclusive ? "must be greater than %s" :
		    "must be at least %s", schema_num_text(fd->minimum, a,
		    sizeof a));
		return -1;
	}
	if (fd->has_max && (fd->max_exclusive ? v >= fd->maximum :
	    v > fd->maximum)) {
		msgf(msg, msgsz, fd->max_exclusive ? "must be less than %s" :
		    "must be at most %s", schema_num_text(fd->maximum, a,
		    sizeof a));
		return -1;
	}
	if (fd->has_multiple_of) {
		double q = v / fd->multiple_of;

		if (fabs(q - nearbyint(q)) > 1e-9 * fmax(1.0, fabs(q))) {
			msgf(msg, msgsz, "must be a multiple of %s",
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
	msgf(msg, msgsz, "does not match the pattern %s", pattern);
	return -1;
}

static int
check_string(const struct schema_field *fd, const char *text, char *msg,
    size_t msgsz)
{
	long long n = (long long)code_points(text);

	if (fd->min_length >= 0 && n < fd->min_length) {
		msgf(msg, msgsz, "must be at least %lld characters (has %lld)",
		    fd->min_length, n);
		return -1;
	}
	if (fd->max_length >= 0 && n > fd->max_length) {
		msgf(msg, msgsz, "must be at most %lld characters (has %lld)",
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

enum file_form { FILE_URL, FILE_DATA, FILE_LOCAL, FILE_BAD };

static enum file_form
file_form(const char *v, char *msg, size_t msgsz)
{
	const char *p;

	if (strncasecmp(v, "http://", 7) == 0 ||
	    strncasecmp(v, "https://", 8) == 0)
		return v[strcspn(v, " \t\r\n")] == '\0' ? FILE_URL : FILE_BAD;
	if (strncasecmp(v, "data:", 5) == 0) {
		if (strchr(v, ',') == NULL) {
			msgf(msg, msgsz, "a data: URI needs a ',' before its "
			    "data");
			return FILE_BAD;
		}
		return FILE_DATA;
	}
	for (p = v; isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.'; p++)
		;
	if (p > v && strncmp(p, "://", 3) == 0) {
		msgf(msg, msgsz, "'%.*s' is not a valid URL scheme: use "
		    "http, https, data or a local path", (int)(p - v), v);
		return FILE_BAD;
	}
	return FILE_LOCAL;
}

/* "~/x" and "@x" forms of a local path, into buf. */
static const char *
local_path(const char *v, char *buf, size_t bufsz)
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

static int
stat_file(const char *path, off_t *size, char *msg, size_t msgsz)
{
	struct stat st;

	if (*path == '\0') {
		msgf(msg, msgsz, "empty file path");
		return -1;
	}
	if (stat(path, &st) != 0) {
		msgf(msg, msgsz, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		msgf(msg, msgsz, "%s is not a regular file", path);
		return -1;
	}
	if ((unsigned long long)st.st_size > FORM_FILE_MAX) {
		msgf(msg, msgsz, "%s is %lld bytes, over the %u limit", path,
		    (long long)st.st_size, FORM_FILE_MAX);
		return -1;
	}
	*size = st.st_size;
	return 0;
}

static char *
data_uri(const char *path, size_t size, char *msg, size_t msgsz)
{
	unsigned char *raw;
	char *out = NULL;
	size_t got;
	FILE *fp;

	fp = fopen(path, "rb");
	if (fp == NULL) {
		msgf(msg, msgsz, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	raw = malloc(size ? size : 1);
	if (raw == NULL) {
		msgf(msg, msgsz, "out of memory reading %s", path);
		goto out;
	}
	got = fread(raw, 1, size, fp);
	if (got != size || ferror(fp)) {
		msgf(msg, msgsz, "cannot read %s (changed while reading?)",
		    path);
		goto out;
	}
	out = files_data_uri(files_mime_type(path), raw, size);
	if (out == NULL)
		msgf(msg, msgsz, "out of memory reading %s", path);
out:
	fclose(fp);
	free(raw);
	return out;
}

/* ---- conversion of one value ---- */

struct conv {
	bool		build;		/* read files, make JSON */
	unsigned	flags;
	form_upload_fn	upload;
	void		*upload_ctx;
	const char	*field;
};

static cJSON *
raw_or_oom(const char *s, char *msg, size_t msgsz)
{
	cJSON *j = cJSON_CreateRaw(s);

	if (j == NULL)
		msgf(msg, msgsz, "out of memory");
	return j;
}

static cJSON *
str_or_oom(const char *s, char *msg, size_t msgsz)
{
	cJSON *j = cJSON_CreateString(s);

	if (j == NULL)
		msgf(msg, msgsz, "out of memory");
	return j;
}

static cJSON *
conv_file(struct conv *cv, const char *text, char *msg, size_t msgsz)
{
	char path[4096], *uri, *url = NULL, uerr[FORM_MSG_MAX];
	enum file_form ff;
	off_t size;
	cJSON *j;

	if (blank(text)) {
		msgf(msg, msgsz, "empty file path or URL");
		return NULL;
	}
	ff = file_form(text, msg, msgsz);
	if (ff == FILE_BAD) {
		if (msg[0] == '\0')
			msgf(msg, msgsz, "a URL may not contain spaces");
		return NULL;
	}
	if (ff != FILE_LOCAL)
		return str_or_oom(text, msg, msgsz);
	local_path(text, path, sizeof path);
	if (stat_file(path, &size, msg, msgsz) != 0)
		return NULL;
	if (!cv->build || (cv->flags & FORM_REQ_NO_FILES)) {
		char at[4100];

		snprintf(at, sizeof at, "@%s", path);
		return str_or_oom(at, msg, msgsz);
	}
	if ((size_t)size <= FORM_DATA_URI_MAX ||
	    (cv->flags & FORM_REQ_INLINE_ALL)) {
		uri = data_uri(path, (size_t)size, msg, msgsz);
		if (uri == NULL)
			return NULL;
		j = str_or_oom(uri, msg, msgsz);
		free(uri);
		return j;
	}
	if (cv->upload == NULL) {
		msgf(msg, msgsz, "%s is %lld bytes, over the %u-byte data: URI "
		    "limit: it needs an upload", path, (long long)size,
		    FORM_DATA_URI_MAX);
		return NULL;
	}
	uerr[0] = '\0';
	if (cv->upload(cv->upload_ctx, cv->field, path, (size_t)size, &url,
	    uerr, sizeof uerr) != 0 || url == NULL) {
		msgf(msg, msgsz, "upload of %s failed: %s", path,
		    uerr[0] ? uerr : "no URL");
		free(url);
		return NULL;
	}
	j = str_or_oom(url, msg, msgsz);
	free(url);
	return j;
}

static cJSON *
conv_scalar(struct conv *cv, const struct schema_field *fd,
    enum schema_kind kind, const char *text, char *msg, size_t msgsz)
{
	char buf[64];
	long long iv;
	double dv;
	bool bv;
	int rc;

	switch (kind) {
	case SCHEMA_KIND_STRING:
	case SCHEMA_KIND_TEXT:
	case SCHEMA_KIND_SECRET:
		if (check_string(fd, text, msg, msgsz) != 0)
			return NULL;
		return str_or_oom(text, msg, msgsz);
	case SCHEMA_KIND_FILE:
		return conv_file(cv, text, msg, msgsz);
	case SCHEMA_KIND_INTEGER:
		rc = parse_int(text, &iv);
		if (rc == -2) {
			msgf(msg, msgsz, "integer out of range");
			return NULL;
		}
		if (rc != 0) {
			if (parse_num(text, &dv) == 0)
				msgf(msg, msgsz, "must be a whole number");
			else
				msgf(msg, msgsz, "not an integer");
			return NULL;
		}
		if (check_range(fd, (double)iv, msg, msgsz) != 0)
			return NULL;
		snprintf(buf, sizeof buf, "%lld", iv);
		return raw_or_oom(buf, msg, msgsz);
	case SCHEMA_KIND_NUMBER:
		rc = parse_num(text, &dv);
		if (rc != 0) {
			msgf(msg, msgsz, rc == -2 ? "number out of range" :
			    "not a number");
			return NULL;
		}
		if (check_range(fd, dv, msg, msgsz) != 0)
			return NULL;
		return raw_or_oom(schema_num_text(dv, buf, sizeof buf), msg,
		    msgsz);
	case SCHEMA_KIND_BOOLEAN:
		if (parse_bool(text, &bv) != 0) {
			msgf(msg, msgsz, "not true or false");
			return NULL;
		}
		return bv ? cJSON_CreateTrue() : cJSON_CreateFalse();
	default:
		msgf(msg, msgsz, "not a plain value");
		return NULL;
	}
}

static const struct schema_choice *
find_choice(const struct schema_field *fd, const char *text)
{
	char buf[128];
	const char *t;
	double a, b;
	size_t k;

	for (k = 0; k < fd->nchoices; k++)
		if (strcmp(fd->choices[k].text, text) == 0)
			return &fd->choices[k];
	if (fd->value_type == SCHEMA_KIND_STRING)
		return NULL;
	/* numeric and boolean choices: "20.0" is 20, " true" is true */
	t = trim(text, buf, sizeof buf);
	for (k = 0; k < fd->nchoices; k++) {
		if (strcmp(fd->choices[k].text, t) == 0)
			return &fd->choices[k];
		if (parse_num(t, &a) == 0 &&
		    parse_num(fd->choices[k].text, &b) == 0 && a == b)
			return &fd->choices[k];
	}
	return NULL;
}

static void
choices_msg(const struct schema_field *fd, char *msg, size_t msgsz)
{
	size_t k, used;

	used = (size_t)snprintf(msg, msgsz, "not one of the choices:");
	for (k = 0; k < fd->nchoices && used + 1 < msgsz; k++)
		used += (size_t)snprintf(msg + used, msgsz - used, "%s %s",
		    k ? "," : "", fd->choices[k].text);
	if (used >= msgsz && msgsz > 4)
		memcpy(msg + msgsz - 4, "...", 4);
}

static cJSON *
conv_enum(const struct schema_field *fd, const char *text, char *msg,
    size_t msgsz)
{
	const struct schema_choice *ch = find_choice(fd, text);

	if (ch == NULL) {
		choices_msg(fd, msg, msgsz);
		return NULL;
	}
	return raw_or_oom(ch->json, msg, msgsz);
}

static cJSON *
conv_array(struct conv *cv, const struct schema_field *fd, const char *text,
    char *msg, size_t msgsz)
{
	struct items it;
	cJSON *arr, *el;
	char sub[FORM_MSG_MAX];
	size_t k;

	if (items_parse(text, &it, msg, msgsz) != 0)
		return NULL;
	arr = cJSON_CreateArray();
	if (arr == NULL) {
		items_free(&it);
		msgf(msg, msgsz, "out of memory");
		return NULL;
	}
	for (k = 0; k < it.n; k++) {
		sub[0] = '\0';
		if (fd->nchoices > 0)
			el = conv_enum(fd, it.v[k], sub, sizeof sub);
		else
			el = conv_scalar(cv, fd, fd->item_kind, it.v[k], sub,
			    sizeof sub);
		if (el == NULL || !cJSON_AddItemToArray(arr, el)) {
			cJSON_Delete(el);
			msgf(msg, msgsz, "item %zu: %s", k + 1, sub);
			items_free(&it);
			cJSON_Delete(arr);
			return NULL;
		}
	}
	items_free(&it);
	return arr;
}

static cJSON *
parse_json_text(const char *text, char *msg, size_t msgsz)
{
	const char *end = NULL;
	size_t len = strlen(text);
	cJSON *j;

	j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (j == NULL) {
		msgf(msg, msgsz, "not valid JSON (at byte %zu)",
		    end != NULL && end >= text ? (size_t)(end - text) : 0);
		return NULL;
	}
	while (end != NULL && *end != '\0' && isspace((unsigned char)*end))
		end++;
	if (end != NULL && *end != '\0') {
		msgf(msg, msgsz, "not valid JSON: extra text at byte %zu",
		    (size_t)(end - text));
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

static bool
branch_accepts(const struct schema_branch *b, const cJSON *j)
{
	const cJSON *el;

	switch (b->kind) {
	case SCHEMA_KIND_STRING:
	case SCHEMA_KIND_FILE:
		return cJSON_IsString(j);
	case SCHEMA_KIND_INTEGER:
		return cJSON_IsNumber(j) && j->valuedouble ==
		    floor(j->valuedouble);
	case SCHEMA_KIND_NUMBER:
		return cJSON_IsNumber(j);
	case SCHEMA_KIND_BOOLEAN:
		return cJSON_IsBool(j);
	case SCHEMA_KIND_ARRAY:
		if (!cJSON_IsArray(j))
			return false;
		cJSON_ArrayForEach(el, j) {
			struct schema_branch ib = { b->item_kind,
			    SCHEMA_KIND_JSON };

			if (b->item_kind != SCHEMA_KIND_JSON &&
			    !branch_accepts(&ib, el))
				return false;
		}
		return true;
	default:
		return true;
	}
}

static cJSON *
conv_union(const struct schema_field *fd, const char *text, char *msg,
    size_t msgsz)
{
	char tmp[FORM_MSG_MAX];
	cJSON *j = parse_json_text(text, tmp, sizeof tmp);
	size_t k, used;

	if (j != NULL) {
		for (k = 0; k < fd->nbranches; k++)
			if (branch_accepts(&fd->branches[k], j))
				return j;
		cJSON_Delete(j);
	}
	for (k = 0; k < fd->nbranches; k++)
		if (fd->branches[k].kind == SCHEMA_KIND_STRING ||
		    fd->branches[k].kind == SCHEMA_KIND_FILE)
			return str_or_oom(text, msg, msgsz);
	used = (size_t)snprintf(msg, msgsz, "must be one of:");
	for (k = 0; k < fd->nbranches && used < msgsz; k++)
		used += (size_t)snprintf(msg + used, msgsz - used, "%s %s%s%s",
		    k ? "," : "", schema_kind_name(fd->branches[k].kind),
		    fd->branches[k].kind == SCHEMA_KIND_ARRAY ? " of " : "",
		    fd->branches[k].kind == SCHEMA_KIND_ARRAY ?
		    schema_kind_name(fd->branches[k].item_kind) : "");
	return NULL;
}

/*
 * The JSON for field i, or NULL. *skip is set when the field is not sent
 * (unset, or blank on a non-string kind). msg gets the problem.
 */
static cJSON *
field_json(struct form *f, size_t i, struct conv *cv, bool *skip,
    char *msg, size_t msgsz)
{
	const struct schema_field *fd = &f->schema->fields[i];
	const struct form_value *v = &f->values[i];
	bool is_blank = !v->set || (!string_kind(fd->kind) &&
	    fd->kind != SCHEMA_KIND_ENUM && blank(v->text)) ||
	    (fd->kind == SCHEMA_KIND_ENUM && v->text[0] == '\0');

	*skip = false;
	msg[0] = '\0';
	cv->field = fd->name;
	if (is_blank) {
		*skip = true;
		if (fd->has_default && fd->default_json != NULL &&
		    ((cv->flags & FORM_REQ_DEFAULTS) || fd->required)) {
			/* a field both required and defaulted (inconsistent
			 * schemas): send the default rather than a 422 */
			*skip = false;
			return parse_json_text(fd->default_json, msg, msgsz);
		}
		if (fd->required && !fd->has_default) {
			*skip = false;
			msgf(msg, msgsz, "required");
			return NULL;
		}
		return NULL;
	}
	if (fd->kind == SCHEMA_KIND_SECRET && cv->build &&
	    (cv->flags & FORM_REQ_MASK_SECRETS)) {
		cJSON *j = conv_scalar(cv, fd, fd->kind, v->text, msg, msgsz);

		if (j == NULL)
			return NULL;
		cJSON_Delete(j);
		return str_or_oom("**********", msg, msgsz);
	}
	switch (fd->kind) {
	case SCHEMA_KIND_ENUM:
		return conv_enum(fd, v->text, msg, msgsz);
	case SCHEMA_KIND_ARRAY:
		return conv_array(cv, fd, v->text, msg, msgsz);
	case SCHEMA_KIND_UNION:
		return conv_union(fd, v->text, msg, msgsz);
	case SCHEMA_KIND_JSON:
		return parse_json_text(v->text, msg, msgsz);
	default:
		return conv_scalar(cv, fd, fd->kind, v->text, msg, msgsz);
	}
}

int
form_validate_index(struct form *f, size_t i)
{
	struct conv cv = { false, 0, NULL, NULL, NULL };
	char msg[FORM_MSG_MAX];
	bool skip;
	cJSON *j;

	if (f == NULL || i >= f->nfields)
		return -1;
	j = field_json(f, i, &cv, &skip, msg, sizeof msg);
	cJSON_Delete(j);
	if (j == NULL && !skip && msg[0] == '\0')
		msgf(msg, sizeof msg, "invalid");
	if (j == NULL && !skip) {
		snprintf(f->values[i].error, sizeof f->values[i].error, "%s",
		    msg);
		return -1;
	}
	f->values[i].error[0] = '\0';
	return 0;
}

int
form_validate(struct form *f)
{
	size_t i;
	int bad = 0;

	if (f == NULL)
		return 0;
	for (i = 0; i < f->nfields; i++)
		if (form_validate_index(f, i) != 0)
			bad++;
	return bad;
}

int
form_request(struct form *f, unsigned flags, form_upload_fn upload,
    void *upload_ctx, char **json, char *err, size_t errsz)
{
	struct conv cv = { true, flags, upload, upload_ctx, NULL };
	char msg[FORM_MSG_MAX];
	cJSON *obj, *j;
	size_t i, used = 0;
	int bad;
	bool skip;

	*json = NULL;
	if (errsz > 0)
		err[0] = '\0';
	if (f == NULL) {
		msgf(err, errsz, "no form");
		return -1;
	}
	bad = form_validate(f);
	if (bad > 0) {
		used = (size_t)snprintf(err, errsz, "%d invalid input%s:", bad,
		    bad == 1 ? "" : "s");
		for (i = 0; i < f->nfields && used < errsz; i++)
			if (f->values[i].error[0] != '\0')
				used += (size_t)snprintf(err + used, errsz -
				    used, " %s: %s;", f->schema->fields[i].name,
				    f->values[i].error);
		if (used < errsz && used > 0 && err[used - 1] == ';')
			err[used - 1] = '\0';
		return -1;
	}
	obj = cJSON_CreateObject();
	if (obj == NULL) {
		msgf(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < f->nfields; i++) {
		j = field_json(f, i, &cv, &skip, msg, sizeof msg);
		if (skip)
			continue;
		if (j == NULL) {
			/* a file that changed since validation, an upload */
			msgf(err, errsz, "%s: %s", f->schema->fields[i].name,
			    msg);
			snprintf(f->values[i].error, sizeof f->values[i].error,
			    "%s", msg);
			cJSON_Delete(obj);
			return -1;
		}
		if (!cJSON_AddItemToObject(obj, f->schema->fields[i].name, j)) {
			cJSON_Delete(j);
			cJSON_Delete(obj);
			msgf(err, errsz, "out of memory");
			return -1;
		}
	}
	*json = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (*json == NULL) {
		msgf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- the local files a request reads ---- */

void
form_local_files_free(struct form_local_file *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].path);
	free(v);
}

/* Append the local path of one value (skipped when a URL/data:/blank). */
static int
local_push(struct form_local_file **v, size_t *n, size_t field, size_t item,
    const char *text)
{
	char path[4096], msg[FORM_MSG_MAX];
	struct form_local_file *nv;
	struct stat st;

	if (blank(text) || file_form(text, msg, sizeof msg) != FILE_LOCAL)
		return 0;
	if (*n >= FORM_MAX_LOCAL_FILES)
		return 0;
	local_path(text, path, sizeof path);
	nv = realloc(*v, (*n + 1) * sizeof **v);
	if (nv == NULL)
		return -1;
	*v = nv;
	nv[*n].field = field;
	nv[*n].item = item;
	nv[*n].size = stat(path, &st) == 0 && S_ISREG(st.st_mode) ?
	    (long long)st.st_size : -1;
	nv[*n].path = strdup(path);
	if (nv[*n].path == NULL)
		return -1;
	(*n)++;
	return 0;
}

int
form_local_files(const struct form *f, struct form_local_file **out,
    size_t *n, char *err, size_t errsz)
{
	struct form_local_file *v = NULL;
	struct items it;
	size_t i, k, got = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; f != NULL && i < f->nfields; i++) {
		const struct schema_field *fd = &f->schema->fields[i];
		const char *text = f->values[i].text;

		if (!f->values[i].set || text == NULL)
			continue;
		if (fd->kind == SCHEMA_KIND_FILE) {
			if (local_push(&v, &got, i, 0, text) != 0)
				goto oom;
			continue;
		}
		if (fd->kind != SCHEMA_KIND_ARRAY ||
		    fd->item_kind != SCHEMA_KIND_FILE)
			continue;
		if (items_parse(text, &it, err, errsz) != 0) {
			form_local_files_free(v, got);
			return -1;
		}
		for (k = 0; k < it.n; k++)
			if (local_push(&v, &got, i, k, it.v[k]) != 0) {
				items_free(&it);
				goto oom;
			}
		items_free(&it);
	}
	*out = v;
	*n = got;
	return 0;
oom:
	form_local_files_free(v, got);
	msgf(err, errsz, "out of memory");
	return -1;
}

/* ---- examples ---- */

int
form_load_example(struct form *f, const char *json, size_t len, char *err,
    size_t errsz)
{
	const char *end = NULL;
	cJSON *root;
	const cJSON *in, *m;
	char ignored[256], *text, nbuf[64];
	size_t used = 0, nign = 0;
	int count = 0, idx;

	if (errsz > 0)
		err[0] = '\0';
	if (f == NULL || json == NULL || len == 0) {
		msgf(err, errsz, "empty example");
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (root == NULL) {
		msgf(err, errsz, "example: malformed JSON at byte %zu",
		    end != NULL && end >= json ? (size_t)(end - json) : 0);
		return -1;
	}
	in = root;
	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root,
	    "default_example")))
		in = cJSON_GetObjectItemCaseSensitive(root, "default_example");
	if (form_find(f, "input") < 0 &&
	    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(in, "input")))
		in = cJSON_GetObjectItemCaseSensitive(in, "input");
	if (!cJSON_IsObject(in)) {
		msgf(err, errsz, "example: not a JSON object");
		cJSON_Delete(root);
		return -1;
	}
	ignored[0] = '\0';
	cJSON_ArrayForEach(m, in) {
		const struct schema_field *fd;

		idx = form_find(f, m->string);
		if (idx < 0) {
			nign++;
			if (used < sizeof ignored)
				used += (size_t)snprintf(ignored + used,
				    sizeof ignored - used, "%s%s",
				    used ? ", " : "", m->string);
			continue;
		}
		fd = &f->schema->fields[idx];
		if (fd->kind == SCHEMA_KIND_SECRET || cJSON_IsNull(m) ||
		    (cJSON_IsString(m) && strcmp(m->valuestring,
		    "[REDACTED]") == 0))
			continue;
		if (cJSON_IsString(m) && fd->kind != SCHEMA_KIND_JSON)
			text = strdup(m->valuestring);
		else if (cJSON_IsNumber(m) && fd->kind != SCHEMA_KIND_JSON)
			text = strdup(schema_num_text(m->valuedouble, nbuf,
			    sizeof nbuf));
		else
			text = cJSON_PrintUnformatted(m);
		if (text == NULL || form_set_index(f, (size_t)idx, text, err,
		    errsz) != 0) {
			free(text);
			cJSON_Delete(root);
			if (errsz > 0 && err[0] == '\0')
				msgf(err, errsz, "out of memory");
			return -1;
		}
		free(text);
		count++;
	}
	cJSON_Delete(root);
	if (nign > 0)
		msgf(err, errsz, "ignored %zu unknown input%s: %s", nign,
		    nign == 1 ? "" : "s", ignored);
	return count;
}
