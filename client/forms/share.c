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

#include "client/forms/share_text.h"

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
curl_body(struct share_buf *b, const char *body, const struct splice *sp)
{
	const char *p = body, *start = body;
	size_t len, idx;

	share_buf_add(b, "'");
	while (*p != '\0') {
		len = sentinel_at(p, &idx);
		if (len == 0 || idx >= sp->n) {
			p++;
			continue;
		}
		share_buf_sq_body(b, start, (size_t)(p - start));
		if (sp->kind[idx] == MARK_SECRET)
			share_buf_addf(b, "\"'\"$%s\"'\"", sp->what[idx]);
		else {
			share_buf_addf(b, "\"'\"data:%s;base64,$(base64 < ",
			    form_mime_type(sp->what[idx]));
			share_buf_sq(b, sp->what[idx]);
			share_buf_add(b, " | tr -d '\\n')\"'\"");
		}
		p += len;
		start = p;
	}
	share_buf_sq_body(b, start, (size_t)(p - start));
	share_buf_add(b, "'");
}

static int
export_curl(struct ctx *c, enum share_format fmt, const struct share_target *t,
    struct share_buf *b, char *err, size_t errsz)
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
	text = share_json_print(body);
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
	share_buf_add(b, "curl -sS -X POST ");
	share_buf_sq(b, url);
	share_buf_add(b, " \\\n");
	if (fmt != SHARE_CURL_COG) {
		share_buf_add(b, "  -H \"Authorization: Bearer "
		    "$REPLICATE_API_TOKEN\" \\\n");
		share_buf_add(b, "  -H 'Prefer: wait' \\\n");
	}
	share_buf_add(b, "  -H 'Content-Type: application/json' \\\n  -d ");
	curl_body(b, text, &sp);
	share_buf_add(b, "\n");
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
	return share_json_print(v);
}

static void
kv_word(struct share_buf *b, const char *name, const char *value, bool cog)
{
	size_t n = strlen(value);
	struct share_buf w = { NULL, 0, 0, false };

	share_buf_add(&w, name);
	share_buf_add(&w, "=");
	/* cog predict strips one pair of surrounding double quotes */
	if (cog && n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		share_buf_add(&w, "\"");
		share_buf_add(&w, value);
		share_buf_add(&w, "\"");
	} else
		share_buf_add(&w, value);
	if (w.oom) {
		b->oom = true;
		return;
	}
	share_buf_add(b, " \\\n  -i ");
	share_buf_sq(b, w.p);
	free(w.p);
}

static int
export_kv(struct ctx *c, enum share_format fmt, const struct share_target *t,
    struct share_buf *b, char *err, size_t errsz)
{
	bool cog = fmt == SHARE_COG;
	cJSON *m, *el;
	char var[128];
	unsigned warned = 0;

	if (cog)
		share_buf_add(b, "cog predict");
	else if (t->cog_url != NULL && t->model == NULL) {
		share_buf_add(b, "r8play run --local ");
		share_buf_sq(b, t->cog_url);
	} else {
		if (t->model == NULL) {
			snprintf(err, errsz, "an r8play export needs a model "
			    "name or a --local URL");
			return -1;
		}
		share_buf_add(b, "r8play run ");
		if (t->version != NULL) {
			struct share_buf r = { NULL, 0, 0, false };

			share_buf_add(&r, t->model);
			share_buf_add(&r, ":");
			share_buf_add(&r, t->version);
			if (!r.oom)
				share_buf_sq(b, r.p);
			free(r.p);
		} else
			share_buf_sq(b, t->model);
	}
	cJSON_ArrayForEach(m, c->input) {
		const struct schema_field *fd = field_of(c, m->string);
		enum mark mk = mark_of(fd, m);
		char *text;

		if (mk == MARK_SECRET) {
			/* 'NAME='"$VAR": the name from the schema stays
			 * quoted; only the sanitised variable expands */
			struct share_buf w = { NULL, 0, 0, false };

			share_buf_add(&w, m->string);
			share_buf_add(&w, "=");
			share_buf_add(b, " \\\n  -i ");
			if (w.oom)
				b->oom = true;
			else
				share_buf_sq(b, w.p);
			free(w.p);
			share_buf_addf(b, "\"$%s\"", share_secret_var(m->string, var,
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
	share_buf_add(b, "\n");
	if (warned) {
		struct share_buf nb = { NULL, 0, 0, false };

		if (warned & 1)
			share_buf_add(&nb, "# note: cog predict reads a value "
			    "starting with @ as a file name\n");
		if (warned & 2)
			share_buf_add(&nb, "# note: cog predict before 0.16 sends "
			    "every value as a string, and Cog\n# refuses a "
			    "string for integer choices: use the curl "
			    "export\n");
		share_buf_addn(&nb, b->p, b->n);
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

/* v as a Python (py) or JavaScript literal, nested objects indented. */
static void
put_literal(struct ctx *c, struct share_buf *b, const cJSON *v,
    const struct schema_field *fd, bool py, int indent)
{
	const cJSON *el;
	char *s, var[128];
	enum mark mk = mark_of(fd, v);
	int k;

	if (mk == MARK_SECRET) {
		share_secret_var(fd->name, var, sizeof var);
		if (py)
			share_buf_addf(b, "os.environ[\"%s\"]", var);
		else
			share_buf_addf(b, "process.env.%s", var);
		return;
	}
	if (mk == MARK_FILE) {
		cJSON *p = cJSON_CreateString(v->valuestring + 1);

		s = p != NULL ? share_json_print(p) : NULL;
		cJSON_Delete(p);
		if (s == NULL) {
			b->oom = true;
			return;
		}
		share_buf_add(b, py ? "open(" : "await readFile(");
		share_buf_add(b, s);
		share_buf_add(b, py ? ", \"rb\")" : ")");
		free(s);
		return;
	}
	if (cJSON_IsBool(v)) {
		share_buf_add(b, cJSON_IsTrue(v) ? (py ? "True" : "true") :
		    (py ? "False" : "false"));
		return;
	}
	if (cJSON_IsNull(v)) {
		share_buf_add(b, py ? "None" : "null");
		return;
	}
	if (cJSON_IsArray(v)) {
		share_buf_add(b, "[");
		cJSON_ArrayForEach(el, v) {
			put_literal(c, b, el, fd, py, indent);
			if (el->next != NULL)
				share_buf_add(b, ", ");
		}
		share_buf_add(b, "]");
		return;
	}
	if (cJSON_IsObject(v)) {
		share_buf_add(b, "{");
		cJSON_ArrayForEach(el, v) {
			cJSON *key = cJSON_CreateString(el->string);

			s = key != NULL ? share_json_print(key) : NULL;
			cJSON_Delete(key);
			if (s == NULL) {
				b->oom = true;
				return;
			}
			share_buf_add(b, "\n");
			for (k = 0; k < indent + 4; k++)
				share_buf_add(b, " ");
			share_buf_add(b, s);
			share_buf_add(b, ": ");
			free(s);
			put_literal(c, b, el, indent == 4 ? field_of(c, el->string) :
			    NULL, py, indent + 4);
			share_buf_add(b, ",");
		}
		share_buf_add(b, "\n");
		for (k = 0; k < indent; k++)
			share_buf_add(b, " ");
		share_buf_add(b, "}");
		return;
	}
	/* strings and numbers: JSON text is a valid Python/JS literal */
	s = share_json_print(v);
	if (s == NULL) {
		b->oom = true;
		return;
	}
	share_buf_add(b, s);
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
    struct share_buf *b, char *err, size_t errsz)
{
	struct share_buf ref = { NULL, 0, 0, false };
	cJSON *js;
	char *q;

	if (t->model == NULL && t->version == NULL) {
		snprintf(err, errsz, "a %s export needs a model name",
		    py ? "Python" : "JavaScript");
		return -1;
	}
	if (t->model != NULL)
		share_buf_add(&ref, t->model);
	if (t->model != NULL && t->version != NULL)
		share_buf_add(&ref, ":");
	if (t->version != NULL)
		share_buf_add(&ref, t->version);
	js = ref.oom ? NULL : cJSON_CreateString(ref.p);
	q = js != NULL ? share_json_print(js) : NULL;
	cJSON_Delete(js);
	free(ref.p);
	if (q == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (py) {
		if (uses(c, MARK_SECRET))
			share_buf_add(b, "import os\n\n");
		share_buf_add(b, "import replicate\n\noutput = replicate.run(\n    ");
		share_buf_add(b, q);
		share_buf_add(b, ",\n    input=");
		put_literal(c, b, c->input, NULL, true, 4);
		share_buf_add(b, ",\n)\nprint(output)\n");
	} else {
		share_buf_add(b, "import Replicate from \"replicate\";\n");
		if (uses(c, MARK_FILE))
			share_buf_add(b, "import { readFile } from "
			    "\"node:fs/promises\";\n");
		share_buf_add(b, "\nconst replicate = new Replicate();\n"
		    "const output = await replicate.run(");
		share_buf_add(b, q);
		share_buf_add(b, ", {\n    input: ");
		put_literal(c, b, c->input, NULL, false, 4);
		share_buf_add(b, ",\n});\nconsole.log(output);\n");
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
	struct share_buf b = { NULL, 0, 0, false };
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
