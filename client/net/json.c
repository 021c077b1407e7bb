/*
 * client/net/json.c: cJSON behind a depth limit, byte offsets in errors, and
 * getters that copy out. See json.h.
 */
#include "client/net/json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
is_space_c(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Bytes that matter to the lexers below outside strings: 1, else 0. */
static const unsigned char lex_special[256] = {
	['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1,
};

/* Index of the '"' closing the string whose body starts at i, or len. */
static size_t
string_end(const char *buf, size_t len, size_t i)
{
	const char *q;

	while (i < len && (q = memchr(buf + i, '"', len - i)) != NULL) {
		size_t at = (size_t)(q - buf), bs = 0;

		while (at - bs > i && buf[at - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return at;
		i = at + 1;
	}
	return len;
}

bool
json_depth_ok(const char *buf, size_t len, unsigned max, size_t *offset)
{
	unsigned depth = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char ch = buf[i];

		if (!lex_special[(unsigned char)ch])
			continue;
		switch (ch) {
		case '"':
			i = string_end(buf, len, i + 1);
			break;
		case '{':
		case '[':
			if (++depth > max) {
				if (offset != NULL)
					*offset = i;
				return false;
			}
			break;
		default:	/* '}' ']' */
			if (depth > 0)
				depth--;
			break;
		}
	}
	return true;
}

/* End (exclusive) of the JSON value starting at i (after spaces), or 0. */
static size_t
value_end(const char *buf, size_t len, size_t i)
{
	unsigned depth = 0;

	if (i >= len)
		return 0;
	if (buf[i] != '{' && buf[i] != '[') {
		if (buf[i] == '"') {
			i = string_end(buf, len, i + 1);
			return i < len ? i + 1 : 0;
		}
		while (i < len && buf[i] != ',' && buf[i] != '}' &&
		    buf[i] != ']' && buf[i] != ' ' && buf[i] != '\n' &&
		    buf[i] != '\r' && buf[i] != '\t')
			i++;
		return i;
	}
	for (; i < len; i++) {
		char ch = buf[i];

		if (!lex_special[(unsigned char)ch])
			continue;
		if (ch == '"')
			i = string_end(buf, len, i + 1);
		else if (ch == '{' || ch == '[')
			depth++;
		else if (--depth == 0)
			return i + 1;
	}
	return 0;
}

size_t
json_blank_members(char *buf, size_t len, const char *parent,
    const char *key)
{
	/* per open container: opened as the value of `parent` (objects) */
	bool under[CLIENT_JSON_MAX_DEPTH + 2];
	size_t i, pl = strlen(parent), kl = strlen(key), n = 0;
	size_t kstart = 0, klen = 0;	/* the last string read */
	unsigned depth = 0;

	under[0] = false;
	for (i = 0; i < len; i++) {
		char ch = buf[i];
		size_t e, j;

		if (!lex_special[(unsigned char)ch] && ch != ':')
			continue;
		switch (ch) {
		case '"':
			e = string_end(buf, len, i + 1);
			kstart = i + 1;
			klen = e - kstart;
			i = e;
			break;
		case ':':
			/* the string before ':' was a key */
			for (j = i + 1; j < len && is_space_c(buf[j]); j++)
				;
			if (depth > 0 && under[depth] && klen == kl &&
			    memcmp(buf + kstart, key, kl) == 0 &&
			    (e = value_end(buf, len, j)) > j + 4) {
				memcpy(buf + j, "null", 4);
				memset(buf + j + 4, ' ', e - j - 4);
				n++;
				i = e - 1;
				klen = 0;
				break;
			}
			if (j < len && buf[j] == '{' && depth + 1 <=
			    CLIENT_JSON_MAX_DEPTH && klen == pl &&
			    memcmp(buf + kstart, parent, pl) == 0) {
				under[++depth] = true;
				i = j;
			}
			klen = 0;
			break;
		case '{':
		case '[':
			if (depth + 1 > CLIENT_JSON_MAX_DEPTH)
				return n;	/* json_parse refuses it */
			under[++depth] = false;
			klen = 0;
			break;
		default:	/* '}' ']' */
			if (depth > 0)
				depth--;
			klen = 0;
			break;
		}
	}
	return n;
}

static bool
is_space(char ch)
{
	return is_space_c(ch);
}

cJSON *
json_parse(const char *buf, size_t len, enum client_rc *rc, char *err,
    size_t errsz)
{
	const char *end = NULL;
	size_t off, i;
	cJSON *root;

	if (rc != NULL)
		*rc = CLIENT_EPARSE;
	for (i = 0; i < len && is_space(buf[i]); i++)
		;
	if (buf == NULL || i == len) {
		snprintf(err, errsz, "empty body where JSON was expected");
		return NULL;
	}
	if (!json_depth_ok(buf, len, CLIENT_JSON_MAX_DEPTH, &off)) {
		if (rc != NULL)
			*rc = CLIENT_ELIMIT;
		snprintf(err, errsz, "JSON nested deeper than %d at byte %zu",
		    CLIENT_JSON_MAX_DEPTH, off);
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root == NULL) {
		off = end != NULL && end >= buf ? (size_t)(end - buf) : 0;
		if (off > len)
			off = len;
		if (off >= len)
			snprintf(err, errsz, "malformed JSON: truncated at byte "
			    "%zu of %zu", off, len);
		else
			snprintf(err, errsz, "malformed JSON at byte %zu of %zu",
			    off, len);
		return NULL;
	}
	off = (size_t)(end - buf);
	while (off < len && (is_space(buf[off]) || buf[off] == '\0'))
		off++;
	if (off < len) {
		cJSON_Delete(root);
		snprintf(err, errsz, "malformed JSON: trailing data at byte %zu "
		    "of %zu", off, len);
		return NULL;
	}
	if (rc != NULL)
		*rc = CLIENT_OK;
	return root;
}

const char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON *it;

	if (obj == NULL || !cJSON_IsObject(obj))
		return NULL;
	it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsString(it) || it->valuestring == NULL)
		return NULL;
	return it->valuestring;
}

char *
json_strdup(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL && oom != NULL)
		*oom = true;
	return d;
}

int
json_dup(const cJSON *obj, const char *key, char **dst)
{
	const char *s = json_str(obj, key);

	*dst = NULL;
	if (s == NULL)
		return 0;
	*dst = strdup(s);
	return *dst == NULL ? -1 : 0;
}

double
json_num(const cJSON *obj, const char *key, double dflt)
{
	const cJSON *it;

	if (obj == NULL || !cJSON_IsObject(obj))
		return dflt;
	it = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(it) ? it->valuedouble : dflt;
}

long long
json_int(const cJSON *obj, const char *key, long long dflt)
{
	double d = json_num(obj, key, (double)dflt);

	if (d != d)
		return dflt;
	if (d >= (double)LLONG_MAX)
		return LLONG_MAX;
	if (d <= (double)LLONG_MIN)
		return LLONG_MIN;
	return (long long)d;
}

bool
json_bool(const cJSON *obj, const char *key, bool dflt)
{
	const cJSON *it;

	if (obj == NULL || !cJSON_IsObject(obj))
		return dflt;
	it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsBool(it))
		return dflt;
	return cJSON_IsTrue(it);
}

char *
json_print(const cJSON *item)
{
	if (item == NULL)
		return NULL;
	return cJSON_PrintUnformatted(item);
}

const cJSON *
json_obj(const cJSON *obj, const char *key)
{
	const cJSON *it;

	if (obj == NULL || !cJSON_IsObject(obj))
		return NULL;
	it = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsObject(it) ? it : NULL;
}

const cJSON *
json_arr(const cJSON *obj, const char *key)
{
	const cJSON *it;

	if (obj == NULL || !cJSON_IsObject(obj))
		return NULL;
	it = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsArray(it) ? it : NULL;
}

static int
buf_put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = *cap ? *cap : 64;
		char *nb;

		while (*len + n + 1 > ncap)
			ncap *= 2;
		nb = realloc(*buf, ncap);
		if (nb == NULL)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

int
json_buf_quote(char **buf, size_t *len, size_t *cap, const char *s)
{
	const unsigned char *p;
	char esc[8];

	if (buf_put(buf, len, cap, "\"", 1) != 0)
		return -1;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		const char *rep = NULL;
		size_t rl = 2;

		switch (*p) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof esc, "\\u%04x", *p);
				rep = esc;
				rl = 6;
			}
			break;
		}
		if (rep != NULL) {
			if (buf_put(buf, len, cap, rep, rl) != 0)
				return -1;
		} else if (buf_put(buf, len, cap, (const char *)p, 1) != 0)
			return -1;
	}
	return buf_put(buf, len, cap, "\"", 1);
}
