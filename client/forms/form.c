/*
 * client/forms/form.c: form values (text + set flag per field): lifetime,
 * setting, resetting and reading values, array text (a JSON array or one
 * item per line) and loading an example. Checks live in form_check.c, the
 * request JSON and local files in form_request.c (see client/forms/form.h).
 */
#include "client/forms/form.h"
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

void
form_msgf(char *msg, size_t msgsz, const char *fmt, ...)
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

size_t
form_code_points(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool
form_blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Copy of s without leading/trailing white space, into buf. */
const char *
form_trim(const char *s, char *buf, size_t bufsz)
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

bool
form_string_kind(enum schema_kind k)
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
		form_msgf(err, errsz, "no such input");
		return -1;
	}
	if (text != NULL) {
		if (strlen(text) > FORM_VALUE_MAX) {
			form_msgf(err, errsz, "%s: value over %u bytes",
			    f->schema->fields[i].name, FORM_VALUE_MAX);
			return -1;
		}
		copy = strdup(text);
		if (copy == NULL) {
			form_msgf(err, errsz, "out of memory");
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
	n = form_code_points(t);
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

void
form_items_free(struct items *it)
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
int
form_items_parse(const char *text, struct items *it, char *msg, size_t msgsz)
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
			form_msgf(msg, msgsz, "not a valid JSON array (byte %zu)",
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
				form_msgf(msg, msgsz, "item %zu: not a plain value",
				    k + 1);
				cJSON_Delete(arr);
				form_items_free(it);
				return -1;
			}
			if (rc != 0) {
				form_msgf(msg, msgsz, "out of memory");
				cJSON_Delete(arr);
				form_items_free(it);
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
			form_msgf(msg, msgsz, "out of memory");
			form_items_free(it);
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
	if (f->values[i].set && form_items_parse(f->values[i].text, &it, err,
	    errsz) != 0)
		return -1;
	if (items_push(&it, item, strlen(item)) != 0) {
		form_items_free(&it);
		form_msgf(err, errsz, "out of memory");
		return -1;
	}
	arr = cJSON_CreateArray();
	for (k = 0; arr != NULL && k < it.n; k++)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(it.v[k]))) {
			cJSON_Delete(arr);
			arr = NULL;
		}
	form_items_free(&it);
	text = arr != NULL ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	if (text == NULL) {
		form_msgf(err, errsz, "out of memory");
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
		form_msgf(err, errsz, "'%s': expected key=value", arg);
		return -1;
	}
	n = (size_t)(eq - arg);
	if (n >= sizeof name) {
		form_msgf(err, errsz, "input name too long");
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
		form_msgf(err, errsz, "empty example");
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (root == NULL) {
		form_msgf(err, errsz, "example: malformed JSON at byte %zu",
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
		form_msgf(err, errsz, "example: not a JSON object");
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
				form_msgf(err, errsz, "out of memory");
			return -1;
		}
		free(text);
		count++;
	}
	cJSON_Delete(root);
	if (nign > 0)
		form_msgf(err, errsz, "ignored %zu unknown input%s: %s", nign,
		    nign == 1 ? "" : "s", ignored);
	return count;
}
