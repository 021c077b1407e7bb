/*
 * client/history/record_text.c: a run's input and output as indented
 * text for history show: value shapes rendered as scalars, multi-line
 * strings, flat arrays and nested objects, within a byte bound.
 */
#include "client/history/record.h"
#include "client/history/record_int.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cJSON.h>

/* ---- text form */

struct buf {
	char	*p;
	size_t	 len, cap;
	bool	 oom, cut;
};

static void
buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->oom || b->cut)
		return;
	if (b->len + n > RECORD_MAX_TEXT) {
		n = RECORD_MAX_TEXT - b->len;
		b->cut = true;
	}
	if (b->len + n + 4 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		char *np;

		while (nc < b->len + n + 4)
			nc *= 2;
		if ((np = realloc(b->p, nc)) == NULL) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	if (b->cut) {
		memcpy(b->p + b->len, "...", 4);
		b->len += 3;
	}
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static void
indent(struct buf *b, int n)
{
	while (n-- > 0)
		buf_put(b, " ", 1);
}

/*
 * A number as the shortest text that reads back as the same double
 * (0.05907342955470085, not cJSON's 17-digit 0.059073429554700851), whole
 * numbers below 9e15 in full, with '.' whatever the locale's decimal
 * point is.
 */
static void
number(struct buf *b, double d)
{
	char t[64], dp = localeconv()->decimal_point[0];
	int prec;

	/* whole numbers in full (980, not 9.8e+02) */
	if (d > -9e15 && d < 9e15 && (double)(long long)d == d) {
		snprintf(t, sizeof t, "%lld", (long long)d);
		buf_str(b, t);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(t, sizeof t, "%.*g", prec, d);
		if (strtod(t, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(t, sizeof t, "%.17g", d);
	if (dp != '.' && dp != '\0') {
		char *c = strchr(t, dp);

		if (c != NULL)
			*c = '.';
	}
	buf_str(b, t);
}

/* A scalar as one piece of text (strings as they are). */
static void
scalar(struct buf *b, const cJSON *v)
{
	char *s;

	if (cJSON_IsString(v)) {
		buf_str(b, v->valuestring);
		return;
	}
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
		number(b, v->valuedouble);
		return;
	}
	if ((s = cJSON_PrintUnformatted(v)) == NULL) {
		b->oom = true;
		return;
	}
	buf_str(b, s);
	free(s);
}

/* A string at column col, continuation lines indented to ind. */
static void
multiline(struct buf *b, const char *s, int ind)
{
	const char *nl;

	for (;;) {
		nl = strchr(s, '\n');
		if (nl == NULL) {
			buf_str(b, s);
			return;
		}
		buf_put(b, s, (size_t)(nl - s) + 1);
		s = nl + 1;
		if (*s == '\0')
			return;
		indent(b, ind);
	}
}

static bool
is_scalar(const cJSON *v)
{
	return !cJSON_IsArray(v) && !cJSON_IsObject(v);
}

static void render_value(struct buf *b, const cJSON *v, int ind, int depth);

/* A non-empty array of numbers, bools and nulls only (shown inline). */
static bool
is_flat_array(const cJSON *v)
{
	const cJSON *it;

	if (!cJSON_IsArray(v) || v->child == NULL)
		return false;
	cJSON_ArrayForEach(it, v)
		if (!cJSON_IsNumber(it) && !cJSON_IsBool(it) &&
		    !cJSON_IsNull(it))
			return false;
	return true;
}

/* "[1, 2, 3]" */
static void
flat_array(struct buf *b, const cJSON *v)
{
	const cJSON *it;

	buf_put(b, "[", 1);
	cJSON_ArrayForEach(it, v) {
		scalar(b, it);
		if (it->next != NULL)
			buf_put(b, ", ", 2);
	}
	buf_put(b, "]", 1);
}

/* Fields of an object, one "key: value" a line at ind. */
static void
render_object(struct buf *b, const cJSON *o, int ind, int depth)
{
	const cJSON *it;
	bool first = true;

	cJSON_ArrayForEach(it, o) {
		if (!first)
			indent(b, ind);
		first = false;
		buf_str(b, it->string != NULL ? it->string : "");
		buf_put(b, ":", 1);
		if (is_scalar(it) && !(cJSON_IsString(it) &&
		    strchr(it->valuestring, '\n') != NULL)) {
			buf_put(b, " ", 1);
			scalar(b, it);
			buf_put(b, "\n", 1);
		} else if ((cJSON_IsArray(it) || cJSON_IsObject(it)) &&
		    it->child == NULL) {
			buf_str(b, cJSON_IsArray(it) ? " []\n" : " {}\n");
		} else if (is_flat_array(it)) {
			buf_put(b, " ", 1);
			flat_array(b, it);
			buf_put(b, "\n", 1);
		} else {
			buf_put(b, "\n", 1);
			indent(b, ind + 2);
			render_value(b, it, ind + 2, depth + 1);
		}
	}
	if (first)
		buf_str(b, "{}\n");
}

/* Items of an array, one "- item" a line at ind. */
static void
render_array(struct buf *b, const cJSON *a, int ind, int depth)
{
	const cJSON *it;
	bool first = true;

	cJSON_ArrayForEach(it, a) {
		if (!first)
			indent(b, ind);
		first = false;
		buf_str(b, "- ");
		render_value(b, it, ind + 2, depth + 1);
	}
	if (first)
		buf_str(b, "[]\n");
}

/* v at the current column (the caller indented the first line). */
static void
render_value(struct buf *b, const cJSON *v, int ind, int depth)
{
	if (depth > RECORD_MAX_DEPTH) {
		buf_str(b, "...\n");
		return;
	}
	if (cJSON_IsObject(v))
		render_object(b, v, ind, depth);
	else if (depth > 0 && is_flat_array(v)) {
		flat_array(b, v);
		buf_put(b, "\n", 1);
	} else if (cJSON_IsArray(v))
		render_array(b, v, ind, depth);
	else if (cJSON_IsString(v)) {
		multiline(b, v->valuestring, ind);
		if (v->valuestring[0] == '\0' ||
		    v->valuestring[strlen(v->valuestring) - 1] != '\n')
			buf_put(b, "\n", 1);
	} else {
		scalar(b, v);
		buf_put(b, "\n", 1);
	}
}

char *
record_text(const char *output_json, const struct schema_output *so)
{
	struct buf b = { 0 };
	const cJSON *it;
	cJSON *v;

	if (output_json == NULL)
		return strdup("null");
	if ((v = cJSON_ParseWithOpts(output_json, NULL, 0)) == NULL)
		return strdup(output_json);
	switch (rec_shape_of(v, so)) {
	case RECORD_NULL:
		buf_str(&b, "null");
		break;
	case RECORD_STRING:
	case RECORD_FILE:
	case RECORD_NUMBER:
	case RECORD_BOOL:
		scalar(&b, v);
		break;
	case RECORD_TEXT_STREAM:
		cJSON_ArrayForEach(it, v)
			buf_str(&b, it->valuestring);
		break;
	case RECORD_FILES:
	case RECORD_STRINGS:
		cJSON_ArrayForEach(it, v) {
			buf_str(&b, it->valuestring);
			if (it->next != NULL)
				buf_put(&b, "\n", 1);
		}
		break;
	case RECORD_OBJECT:
	case RECORD_LIST:
	default:
		render_value(&b, v, 0, 0);
		/* no trailing newline, like the other shapes */
		while (!b.cut && b.len > 0 && b.p[b.len - 1] == '\n')
			b.p[--b.len] = '\0';
		break;
	}
	cJSON_Delete(v);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p != NULL ? b.p : strdup("");
}
