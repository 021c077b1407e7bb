/*
 * client/forms/share.c: exports of a form's request as shell commands and
 * programs. Works from the typed `input` object form_request() builds
 * (local files left as "@path"), so every export sends what r8play sends.
 */
#include "client/forms/share.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

static const struct {
	const char *name, *what;
} formats[] = {
#define X(id, name, what) { name, what },
	SHARE_FORMAT_LIST(X)
#undef X
};

int
share_format_from_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < SHARE__COUNT; i++)
		if (strcmp(name, formats[i].name) == 0)
			return (int)i;
	return -1;
}

const char *
share_format_name(enum share_format fmt)
{
	return (unsigned)fmt < SHARE__COUNT ? formats[fmt].name : "?";
}

const char *
share_format_what(enum share_format fmt)
{
	return (unsigned)fmt < SHARE__COUNT ? formats[fmt].what : "?";
}

/* ---- growing buffer ---- */

struct buf {
	char	*p;
	size_t	n, cap;
	bool	oom;
};

static void
buf_addn(struct buf *b, const char *s, size_t n)
{
	char *np;
	size_t cap;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->n + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
buf_add(struct buf *b, const char *s)
{
	buf_addn(b, s, strlen(s));
}

static void
buf_addf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_addn(b, tmp, (size_t)n);
		return;
	}
	b->oom = true;	/* only short fixed texts go through here */
}

/*
 * Length of the character at s[0..n) (1..4 bytes), with *bad set when it
 * must never reach a terminal raw through an export (pasted, copied with
 * OSC 52, or shown): C0 controls but tab and newline, DEL, C1 controls
 * (U+0080-U+009F), the bidi overrides U+202A-U+202E and U+2066-U+2069, and
 * any byte that is not part of valid UTF-8 (length 1).
 */
static size_t
char_len(const unsigned char *s, size_t n, bool *bad)
{
	unsigned c = s[0];
	size_t len, i;

	*bad = true;
	if (c < 0x80) {
		*bad = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 1;
	if (len > n)
		return 1;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 1;	/* overlong, surrogate, past U+10FFFF */
	/* C1; bidi embedding, override, isolate */
	*bad = (c == 0xc2 && s[1] <= 0x9f) || (c == 0xe2 &&
	    ((s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) ||
	    (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)));
	return len;
}

/*
 * The one shell quoting of every export: s[0..n) as the body of a word
 * already inside single quotes ('...'). A quote becomes '\'' and a run of
 * unsafe characters (char_len) leaves the quotes for "$(printf '\NNN...')",
 * POSIX sh, so the pasted text carries no control byte yet the command
 * receives the exact bytes. Nothing in s is ever expanded by the shell.
 */
static void
buf_sq_body(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	bool bad;

	while (i < n) {
		if (s[i] == '\'') {
			buf_addn(b, s + start, i - start);
			buf_add(b, "'\\''");
			start = ++i;
			continue;
		}
		k = char_len(u + i, n - i, &bad);
		if (!bad) {
			i += k;
			continue;
		}
		buf_addn(b, s + start, i - start);
		buf_add(b, "'\"$(printf '");
		do {
			while (k-- > 0)
				buf_addf(b, "\\%03o", u[i++]);
		} while (i < n && (k = char_len(u + i, n - i, &bad)) > 0 &&
		    bad);
		buf_add(b, "')\"'");
		start = i;
	}
	buf_addn(b, s + start, n - start);
}

static void
buf_sq(struct buf *b, const char *s)
{
	buf_add(b, "'");
	buf_sq_body(b, s, strlen(s));
	buf_add(b, "'");
}

/*
 * JSON text (cJSON's print) made inert: cJSON escapes C0 but leaves DEL,
 * C1, bidi overrides and invalid bytes raw; each becomes \u00XX / \u20XX
 * (an invalid byte B is read as U+00B). Valid JSON, Python and JavaScript
 * string literal text. Takes ownership of text; NULL when out of memory.
 */
static char *
json_inert(char *text)
{
	const unsigned char *u = (const unsigned char *)text;
	struct buf o = { NULL, 0, 0, false };
	size_t i = 0, start = 0, n, k;
	bool bad;

	if (text == NULL)
		return NULL;
	n = strlen(text);
	while (i < n) {
		k = char_len(u + i, n - i, &bad);
		if (!bad) {
			i += k;
			continue;
		}
		buf_addn(&o, text + start, i - start);
		if (k == 2)
			buf_addf(&o, "\\u%04x", (unsigned)(u[i] & 0x1f) << 6 |
			    (u[i + 1] & 0x3f));
		else if (k == 3)
			buf_addf(&o, "\\u%04x", (unsigned)(u[i] & 0x0f) << 12 |
			    (unsigned)(u[i + 1] & 0x3f) << 6 |
			    (u[i + 2] & 0x3f));
		else
			buf_addf(&o, "\\u%04x", u[i]);
		i += k;
		start = i;
	}
	buf_addn(&o, text + start, n - start);
	free(text);
	if (o.oom || o.p == NULL) {
		free(o.p);
		return o.oom ? NULL : strdup("");
	}
	return o.p;
}

/* cJSON_PrintUnformatted, inert (json_inert); caller frees. */
static char *
json_print(const cJSON *v)
{
	return json_inert(cJSON_PrintUnformatted(v));
}

char *
share_sh_quote(const char *s)
{
	struct buf b = { NULL, 0, 0, false };

	buf_sq(&b, s != NULL ? s : "");
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

const char *
share_secret_var(const char *field, char *buf, size_t bufsz)
{
	size_t o = 0;

	if (bufsz == 0)
		return buf;
	if (isdigit((unsigned char)field[0]) && o + 1 < bufsz)
		buf[o++] = '_';
	for (; *field != '\0' && o + 1 < bufsz; field++)
		buf[o++] = isalnum((unsigned char)*field) ?
		    (char)toupper((unsigned char)*field) : '_';
	if (o == 0 && bufsz > 7)
		o = (size_t)snprintf(buf, bufsz, "SECRET");
	buf[o] = '\0';
	return buf;
}

/* ---- the typed input with secrets and local files marked ---- */

enum mark { MARK_NONE, MARK_SECRET, MARK_FILE };

struct ctx {
	const struct form *f;
	cJSON		*input;		/* from form_request(NO_FILES) */
};

static const struct schema_field *
field_of(const struct ctx *c, const char *name)
{
	int i = schema_find(c->f->schema, name);

	return i < 0 ? NULL : &c->f->schema->fields[i];
}

/* What a value of field fd is: a secret, a local file ("@path"), plain. */
static enum mark
mark_of(const struct schema_field *fd, const cJSON *v)
{
	if (fd == NULL)
		return MARK_NONE;
	if (fd->kind == SCHEMA_KIND_SECRET)
		return MARK_SECRET;
	if ((fd->kind == SCHEMA_KIND_FILE || (fd->kind == SCHEMA_KIND_ARRAY &&
	    fd->item_kind == SCHEMA_KIND_FILE)) && cJSON_IsString(v) &&
	    v->valuestring[0] == '@')
		return MARK_FILE;
	return MARK_NONE;
}

/*
 * Replace marked values by sentinels "\x01S<n>" / "\x01F<n>" so a printed
 * body can be cut at them; paths[]/vars[] keep what they stand for.
 */
struct splice {
	char		*what[64];	/* path or env var */
	enum mark	kind[64];
	size_t		n;
};

static int
mark_value(struct splice *sp, cJSON *v, enum mark m, const char *field)
{
	char sent[32], var[128];

	if (sp->n >= 64)
		return -1;
	if (m == MARK_SECRET)
		sp->what[sp->n] = strdup(share_secret_var(field, var,
		    sizeof var));
	else
		sp->what[sp->n] = strdup(v->valuestring + 1);
	if (sp->what[sp->n] == NULL)
		return -1;
	sp->kind[sp->n] = m;
	snprintf(sent, sizeof sent, "\x01%c%zu", m == MARK_SECRET ? 'S' : 'F',
	    sp->n);
	sp->n++;
	return cJSON_SetValuestring(v, sent) != NULL ? 0 : -1;
}

static int
mark_all(const struct ctx *c, struct splice *sp)
{
	cJSON *m, *el;

	cJSON_ArrayForEach(m, c->input) {
		const struct schema_field *fd = field_of(c, m->string);

		if (cJSON_IsArray(m)) {
			cJSON_ArrayForEach(el, m)
				if (mark_of(fd, el) == MARK_FILE &&
				    mark_value(sp, el, MARK_FILE, m->string))
					return -1;
		} else if (mark_of(fd, m) != MARK_NONE &&
		    mark_value(sp, m, mark_of(fd, m), m->string) != 0)
			return -1;
	}
	return 0;
}

static void
splice_free(struct splice *sp)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		free(sp->what[i]);
	sp->n = 0;
}

/* Parse a printed sentinel at p ("\"\\u0001S12\""); returns its length. */
static size_t
sentinel_at(const char *p, size_t *idx)
{
	const char *q;
	size_t n = 0;

	if (strncmp(p, "\"\\u0001", 7) != 0 || (p[7] != 'S' && p[7] != 'F'))
		return 0;
	q = p + 8;
	if (!isdigit((unsigned char)*q))
		return 0;
	while (isdigit((unsigned char)*q))
		n = n * 10 + (size_t)(*q++ - '0');
	if (*q != '"')
		return 0;
	*idx = n;
	return (size_t)(q + 1 - p);
}

/* ---- curl ---- */

static void
curl_body(struct buf *b, const char *body, const struct splice *sp)
{
	const char *p = body, *start = body;
	size_t len, idx;

	buf_add(b, "'");
	while (*p != '\0') {
		len = sentinel_at(p, &idx);
		if (len == 0 || idx >= sp->n) {
			p++;
			continue;
		}
		buf_sq_body(b, start, (size_t)(p - start));
		if (sp->kind[idx] == MARK_SECRET)
			buf_addf(b, "\"'\"$%s\"'\"", sp->what[idx]);
		else {
			buf_addf(b, "\"'\"data:%s;base64,$(base64 < ",
			    form_mime_type(sp->what[idx]));
			buf_sq(b, sp->what[idx]);
			buf_add(b, " | tr -d '\\n')\"'\"");
		}
		p += len;
		start = p;
	}
	buf_sq_body(b, start, (size_t)(p - start));
	buf_add(b, "'");
}

static int
export_curl(struct ctx *c, enum share_format fmt, const struct share_target *t,
    struct buf *b, char *err, size_t errsz)
{
	struct splice sp = { { NULL }, { MARK_NONE }, 0 };
	cJSON *body = NULL;
	char *text = NULL, url[1024];
	const char *base = t->api_base ? t->api_base : SHARE_API_BASE;
	bool by_version = fmt == SHARE_CURL && t->version != NULL;
	int rc = -1;

	if (fmt != SHARE_CURL_COG && t->model == NULL && !by_version) {
		snprintf(err, errsz, "a Replicate export needs a model name or "
		    "a version");
		return -1;
	}
	if (mark_all(c, &sp) != 0)
		goto oom;
	body = cJSON_CreateObject();
	if (body == NULL)
		goto oom;
	if (by_version && cJSON_AddStringToObject(body, "version",
	    t->version) == NULL)
		goto oom;
	cJSON_AddItemReferenceToObject(body, "input", c->input);
	text = json_print(body);
	if (text == NULL)
		goto oom;
	if (fmt == SHARE_CURL_COG)
		snprintf(url, sizeof url, "%s/predictions", t->cog_url ?
		    t->cog_url : SHARE_COG_URL);
	else if (by_version)
		snprintf(url, sizeof url, "%s/predictions", base);
	else
		snprintf(url, sizeof url, "%s/models/%s/predictions", base,
		    t->model);
	buf_add(b, "curl -sS -X POST ");
	buf_sq(b, url);
	buf_add(b, " \\\n");
	if (fmt != SHARE_CURL_COG) {
		buf_add(b, "  -H \"Authorization: Bearer "
		    "$REPLICATE_API_TOKEN\" \\\n");
		buf_add(b, "  -H 'Prefer: wait' \\\n");
	}
	buf_add(b, "  -H 'Content-Type: application/json' \\\n  -d ");
	curl_body(b, text, &sp);
	buf_add(b, "\n");
	rc = b->oom ? -1 : 0;
	if (rc != 0)
		snprintf(err, errsz, "out of memory");
	goto out;
oom:
	snprintf(err, errsz, "out of memory");
out:
	free(text);
	cJSON_Delete(body);	/* input is a reference: not freed here */
	splice_free(&sp);
	return rc;
}

/* ---- key=value exports (cog predict, r8play run) ---- */

/* Text of a scalar for -i key=value. */
static char *
kv_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return json_print(v);
}

static void
kv_word(struct buf *b, const char *name, const char *value, bool cog)
{
	size_t n = strlen(value);
	struct buf w = { NULL, 0, 0, false };

	buf_add(&w, name);
	buf_add(&w, "=");
	/* cog predict strips one pair of surrounding double quotes */
	if (cog && n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		buf_add(&w, "\"");
		buf_add(&w, value);
		buf_add(&w, "\"");
	} else
		buf_add(&w, value);
	if (w.oom) {
		b->oom = true;
		return;
	}
	buf_add(b, " \\\n  -i ");
	buf_sq(b, w.p);
	free(w.p);
}

static int
export_kv(struct ctx *c, enum share_format fmt, const struct share_target *t,
    struct buf *b, char *err, size_t errsz)
{
	bool cog = fmt == SHARE_COG;
	cJSON *m, *el;
	char var[128];
	unsigned warned = 0;

	if (cog)
		buf_add(b, "cog predict");
	else if (t->cog_url != NULL && t->model == NULL) {
		buf_add(b, "r8play run --local ");
		buf_sq(b, t->cog_url);
	} else {
		if (t->model == NULL) {
			snprintf(err, errsz, "an r8play export needs a model "
			    "name or a --local URL");
			return -1;
		}
		buf_add(b, "r8play run ");
		if (t->version != NULL) {
			struct buf r = { NULL, 0, 0, false };

			buf_add(&r, t->model);
			buf_add(&r, ":");
			buf_add(&r, t->version);
			if (!r.oom)
				buf_sq(b, r.p);
			free(r.p);
		} else
			buf_sq(b, t->model);
	}
	cJSON_ArrayForEach(m, c->input) {
		const struct schema_field *fd = field_of(c, m->string);
		enum mark mk = mark_of(fd, m);
		char *text;

		if (mk == MARK_SECRET) {
			/* 'NAME='"$VAR": the name from the schema stays
			 * quoted; only the sanitised variable expands */
			struct buf w = { NULL, 0, 0, false };

			buf_add(&w, m->string);
			buf_add(&w, "=");
			buf_add(b, " \\\n  -i ");
			if (w.oom)
				b->oom = true;
			else
				buf_sq(b, w.p);
			free(w.p);
			buf_addf(b, "\"$%s\"", share_secret_var(m->string, var,
			    sizeof var));
			continue;
		}
		if (cJSON_IsArray(m) && fd != NULL &&
		    fd->item_kind == SCHEMA_KIND_FILE && cog &&
		    cJSON_GetArraySize(m) > 0) {
			/* repeated -i: each @file becomes a data: URL */
			cJSON_ArrayForEach(el, m) {
				text = kv_text(el);
				if (text == NULL) {
					b->oom = true;
					break;
				}
				kv_word(b, m->string, text, cog);
				free(text);
			}
			continue;
		}
		text = kv_text(m);
		if (text == NULL) {
			b->oom = true;
			break;
		}
		if (cog && cJSON_IsString(m) && text[0] == '@' &&
		    mk != MARK_FILE)
			warned |= 1;	/* cog reads any @value as a file */
		if (cog && fd != NULL && fd->kind == SCHEMA_KIND_ENUM &&
		    fd->value_type != SCHEMA_KIND_STRING)
			warned |= 2;	/* "50" is not the enum member 50 */
		kv_word(b, m->string, text, cog);
		free(text);
	}
	buf_add(b, "\n");
	if (warned) {
		struct buf nb = { NULL, 0, 0, false };

		if (warned & 1)
			buf_add(&nb, "# note: cog predict reads a value "
			    "starting with @ as a file name\n");
		if (warned & 2)
			buf_add(&nb, "# note: cog predict before 0.16 sends "
			    "every value as a string, and Cog\n# refuses a "
			    "string for integer choices: use the curl "
			    "export\n");
		buf_addn(&nb, b->p, b->n);
		if (nb.oom) {
			free(nb.p);
			b->oom = true;
		} else {
			free(b->p);
			*b = nb;
		}
	}
	if (b->oom) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- Python and JavaScript ---- */

static void
lit(struct ctx *c, struct buf *b, const cJSON *v, const struct schema_field *fd,
    bool py, int indent)
{
	const cJSON *el;
	char *s, var[128];
	enum mark mk = mark_of(fd, v);
	int k;

	if (mk == MARK_SECRET) {
		share_secret_var(fd->name, var, sizeof var);
		if (py)
			buf_addf(b, "os.environ[\"%s\"]", var);
		else
			buf_addf(b, "process.env.%s", var);
		return;
	}
	if (mk == MARK_FILE) {
		cJSON *p = cJSON_CreateString(v->valuestring + 1);

		s = p != NULL ? json_print(p) : NULL;
		cJSON_Delete(p);
		if (s == NULL) {
			b->oom = true;
			return;
		}
		buf_add(b, py ? "open(" : "await readFile(");
		buf_add(b, s);
		buf_add(b, py ? ", \"rb\")" : ")");
		free(s);
		return;
	}
	if (cJSON_IsBool(v)) {
		buf_add(b, cJSON_IsTrue(v) ? (py ? "True" : "true") :
		    (py ? "False" : "false"));
		return;
	}
	if (cJSON_IsNull(v)) {
		buf_add(b, py ? "None" : "null");
		return;
	}
	if (cJSON_IsArray(v)) {
		buf_add(b, "[");
		cJSON_ArrayForEach(el, v) {
			lit(c, b, el, fd, py, indent);
			if (el->next != NULL)
				buf_add(b, ", ");
		}
		buf_add(b, "]");
		return;
	}
	if (cJSON_IsObject(v)) {
		buf_add(b, "{");
		cJSON_ArrayForEach(el, v) {
			cJSON *key = cJSON_CreateString(el->string);

			s = key != NULL ? json_print(key) : NULL;
			cJSON_Delete(key);
			if (s == NULL) {
				b->oom = true;
				return;
			}
			buf_add(b, "\n");
			for (k = 0; k < indent + 4; k++)
				buf_add(b, " ");
			buf_add(b, s);
			buf_add(b, ": ");
			free(s);
			lit(c, b, el, indent == 4 ? field_of(c, el->string) :
			    NULL, py, indent + 4);
			buf_add(b, ",");
		}
		buf_add(b, "\n");
		for (k = 0; k < indent; k++)
			buf_add(b, " ");
		buf_add(b, "}");
		return;
	}
	/* strings and numbers: JSON text is a valid Python/JS literal */
	s = json_print(v);
	if (s == NULL) {
		b->oom = true;
		return;
	}
	buf_add(b, s);
	free(s);
}

static bool
uses(const struct ctx *c, enum mark want)
{
	const cJSON *m, *el;

	cJSON_ArrayForEach(m, c->input) {
		const struct schema_field *fd = field_of(c, m->string);

		if (mark_of(fd, m) == want)
			return true;
		if (cJSON_IsArray(m))
			cJSON_ArrayForEach(el, m)
				if (mark_of(fd, el) == want)
					return true;
	}
	return false;
}

static int
export_prog(struct ctx *c, bool py, const struct share_target *t,
    struct buf *b, char *err, size_t errsz)
{
	struct buf ref = { NULL, 0, 0, false };
	cJSON *js;
	char *q;

	if (t->model == NULL && t->version == NULL) {
		snprintf(err, errsz, "a %s export needs a model name",
		    py ? "Python" : "JavaScript");
		return -1;
	}
	if (t->model != NULL)
		buf_add(&ref, t->model);
	if (t->model != NULL && t->version != NULL)
		buf_add(&ref, ":");
	if (t->version != NULL)
		buf_add(&ref, t->version);
	js = ref.oom ? NULL : cJSON_CreateString(ref.p);
	q = js != NULL ? json_print(js) : NULL;
	cJSON_Delete(js);
	free(ref.p);
	if (q == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (py) {
		if (uses(c, MARK_SECRET))
			buf_add(b, "import os\n\n");
		buf_add(b, "import replicate\n\noutput = replicate.run(\n    ");
		buf_add(b, q);
		buf_add(b, ",\n    input=");
		lit(c, b, c->input, NULL, true, 4);
		buf_add(b, ",\n)\nprint(output)\n");
	} else {
		buf_add(b, "import Replicate from \"replicate\";\n");
		if (uses(c, MARK_FILE))
			buf_add(b, "import { readFile } from "
			    "\"node:fs/promises\";\n");
		buf_add(b, "\nconst replicate = new Replicate();\n"
		    "const output = await replicate.run(");
		buf_add(b, q);
		buf_add(b, ", {\n    input: ");
		lit(c, b, c->input, NULL, false, 4);
		buf_add(b, ",\n});\nconsole.log(output);\n");
	}
	free(q);
	if (b->oom) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

int
share_export(struct form *f, enum share_format fmt,
    const struct share_target *t, char **out, char *err, size_t errsz)
{
	static const struct share_target none = { NULL, NULL, NULL, NULL };
	struct buf b = { NULL, 0, 0, false };
	struct ctx c;
	char *json = NULL;
	int rc;

	*out = NULL;
	if (errsz > 0)
		err[0] = '\0';
	if (t == NULL)
		t = &none;
	if ((unsigned)fmt >= SHARE__COUNT) {
		snprintf(err, errsz, "unknown export format");
		return -1;
	}
	if (form_request(f, FORM_REQ_NO_FILES, NULL, NULL, &json, err,
	    errsz) != 0)
		return -1;
	c.f = f;
	c.input = cJSON_Parse(json);
	free(json);
	if (c.input == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	switch (fmt) {
	case SHARE_CURL:
	case SHARE_CURL_MODEL:
	case SHARE_CURL_COG:
		rc = export_curl(&c, fmt, t, &b, err, errsz);
		break;
	case SHARE_COG:
	case SHARE_R8PLAY:
		rc = export_kv(&c, fmt, t, &b, err, errsz);
		break;
	default:
		rc = export_prog(&c, fmt == SHARE_PYTHON, t, &b, err, errsz);
		break;
	}
	cJSON_Delete(c.input);
	if (rc != 0 || b.oom) {
		if (rc == 0)
			snprintf(err, errsz, "out of memory");
		free(b.p);
		return -1;
	}
	*out = b.p;
	return 0;
}
