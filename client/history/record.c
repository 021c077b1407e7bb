/*
 * client/history/record.c: output shapes, the run's folder (output.txt,
 * output.json, run.json) and the history hook. See record.h; the text form
 * of values lives in record_text.c.
 */
#include "client/history/record.h"
#include "client/history/record_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

static const char *const shape_names[] = {
#define X(id, name) name,
	RECORD_SHAPE_LIST(X)
#undef X
};

const char *
record_shape_name(enum record_shape s)
{
	if ((unsigned)s >= RECORD__SHAPE_COUNT)
		return "unknown";
	return shape_names[s];
}

bool
record_is_file(const char *s)
{
	return s != NULL && (strncmp(s, "https://", 8) == 0 ||
	    strncmp(s, "http://", 7) == 0 || strncmp(s, "data:", 5) == 0);
}

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* ---- shapes */

static enum record_shape
shape_of_value(const cJSON *v, const struct schema_output *so)
{
	const cJSON *it;
	bool all_str = true, all_file = true;
	size_t n = 0;

	if (v == NULL || cJSON_IsNull(v))
		return RECORD_NULL;
	if (cJSON_IsString(v))
		return record_is_file(v->valuestring) ? RECORD_FILE :
		    RECORD_STRING;
	if (cJSON_IsNumber(v))
		return RECORD_NUMBER;
	if (cJSON_IsBool(v))
		return RECORD_BOOL;
	if (cJSON_IsObject(v))
		return RECORD_OBJECT;
	if (!cJSON_IsArray(v))
		return RECORD_NULL;
	cJSON_ArrayForEach(it, v) {
		n++;
		if (!cJSON_IsString(it)) {
			all_str = all_file = false;
			break;
		}
		if (!record_is_file(it->valuestring))
			all_file = false;
	}
	if (!all_str)
		return RECORD_LIST;
	if (so != NULL && (so->kind == SCHEMA_OUT_TEXT_STREAM ||
	    ((so->kind == SCHEMA_OUT_ITERATOR || so->kind == SCHEMA_OUT_ARRAY)
	    && so->concatenate)))
		return RECORD_TEXT_STREAM;
	if (so != NULL && so->kind == SCHEMA_OUT_FILES)
		return all_file ? RECORD_FILES : RECORD_STRINGS;
	if (n > 0 && all_file)
		return RECORD_FILES;
	return RECORD_STRINGS;
}

/* The schema's word when the value agrees with it, else the value's. */
enum record_shape
rec_shape_of(const cJSON *v, const struct schema_output *so)
{
	enum record_shape by_value = shape_of_value(v, so);

	if (so == NULL || by_value == RECORD_NULL)
		return by_value;
	switch (so->kind) {
	case SCHEMA_OUT_STRING:
		/* a plain string that happens to look like a URL is text */
		if (by_value == RECORD_FILE)
			return RECORD_STRING;
		break;
	case SCHEMA_OUT_FILE:
		if (by_value == RECORD_STRING)
			return RECORD_FILE;	/* a Cog path given relative */
		break;
	case SCHEMA_OUT_ITERATOR:
	case SCHEMA_OUT_ARRAY:
		/* a stream of strings that are URLs by accident */
		if (by_value == RECORD_FILES &&
		    so->item_kind == SCHEMA_OUT_STRING)
			return so->concatenate ? RECORD_TEXT_STREAM :
			    RECORD_STRINGS;
		break;
	default:
		break;
	}
	return by_value;
}

enum record_shape
record_classify(const char *output_json, const struct schema_output *so)
{
	enum record_shape s;
	cJSON *v;

	if (output_json == NULL)
		return RECORD_NULL;
	v = cJSON_ParseWithOpts(output_json, NULL, 0);
	if (v == NULL)
		return RECORD_STRING;	/* not JSON: shown as it is */
	s = rec_shape_of(v, so);
	cJSON_Delete(v);
	return s;
}

/* ---- local paths */

static size_t
count_files(const cJSON *v, int depth)
{
	const cJSON *it;
	size_t n = 0;

	if (depth > RECORD_MAX_DEPTH)
		return 0;
	if (cJSON_IsString(v))
		return record_is_file(v->valuestring) ? 1 : 0;
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		cJSON_ArrayForEach(it, v)
			n += count_files(it, depth + 1);
	return n;
}

static int
swap_files(cJSON *v, const char *const *saved, size_t *i, int depth)
{
	cJSON *it;

	if (depth > RECORD_MAX_DEPTH)
		return 0;
	if (cJSON_IsString(v) && record_is_file(v->valuestring)) {
		char *s = strdup(saved[(*i)++]);

		if (s == NULL)
			return -1;
		free(v->valuestring);
		v->valuestring = s;
		return 0;
	}
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		cJSON_ArrayForEach(it, v)
			if (swap_files(it, saved, i, depth + 1) != 0)
				return -1;
	return 0;
}

char *
record_localize(const char *output_json, const char *const *saved,
    size_t n_saved)
{
	cJSON *v;
	char *out;
	size_t i = 0;

	if (output_json == NULL)
		return NULL;
	v = cJSON_ParseWithOpts(output_json, NULL, 0);
	if (v == NULL || n_saved == 0 || count_files(v, 0) != n_saved) {
		cJSON_Delete(v);
		return strdup(output_json);
	}
	if (swap_files(v, saved, &i, 0) != 0) {
		cJSON_Delete(v);
		return NULL;
	}
	out = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	return out;
}

/* ---- run.json */

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void
add_num(cJSON *o, const char *k, double v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* Parsed JSON text or null (a value that is not JSON as a string). */
static cJSON *
json_or_null(const char *text)
{
	cJSON *v;

	if (text == NULL)
		return cJSON_CreateNull();
	if ((v = cJSON_ParseWithOpts(text, NULL, 0)) == NULL)
		return cJSON_CreateString(text);
	return v;
}

static cJSON *
metrics_of(const struct prediction *p)
{
	cJSON *m = cJSON_CreateObject();
	const struct prediction_metrics *pm = &p->metrics;

	if (m == NULL)
		return NULL;
	if (pm->predict_time >= 0)
		cJSON_AddNumberToObject(m, "predict_time", pm->predict_time);
	if (pm->total_time >= 0)
		cJSON_AddNumberToObject(m, "total_time", pm->total_time);
	if (pm->input_token_count >= 0)
		cJSON_AddNumberToObject(m, "input_token_count",
		    (double)pm->input_token_count);
	if (pm->output_token_count >= 0)
		cJSON_AddNumberToObject(m, "output_token_count",
		    (double)pm->output_token_count);
	return m;
}

static const char *
model_of(const struct record_run *r)
{
	if (r->model != NULL)
		return r->model;
	return r->p != NULL ? r->p->model : NULL;
}

char *
record_run_json(const struct record_run *r)
{
	const struct prediction *p = r->p;
	cJSON *o, *t, *files;
	char *local, *red, *out;
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddNumberToObject(o, "r8play_record", RECORD_FORMAT);
	add_str(o, "id", p->id);
	add_str(o, "model", model_of(r));
	add_str(o, "version", p->version);
	t = cJSON_AddObjectToObject(o, "target");
	if (t != NULL) {
		cJSON_AddStringToObject(t, "kind",
		    history_target_name(r->target_kind));
		add_str(t, "url", r->target);
	}
	red = history_redact_input(p->input_json, r->sec);
	cJSON_AddItemToObject(o, "input", json_or_null(red));
	free(red);
	cJSON_AddStringToObject(o, "status", prediction_status_name(p->status));
	add_str(o, "created_at", p->created_at);
	add_str(o, "started_at", p->started_at);
	add_str(o, "completed_at", p->completed_at);
	add_num(o, "predict_time", p->metrics.predict_time);
	cJSON_AddItemToObject(o, "metrics", metrics_of(p));
	add_str(o, "error", p->error);
	if (p->data_removed)
		cJSON_AddTrueToObject(o, "data_removed");
	add_num(o, "cost_estimate", r->cost);
	cJSON_AddStringToObject(o, "output_shape", record_shape_name(
	    record_classify(p->output_json, r->so)));
	local = record_localize(p->output_json, r->saved, r->n_saved);
	cJSON_AddItemToObject(o, "output", json_or_null(local));
	free(local);
	files = cJSON_AddArrayToObject(o, "files");
	for (i = 0; files != NULL && i < r->n_saved; i++)
		cJSON_AddItemToArray(files, cJSON_CreateString(r->saved[i]));
	out = cJSON_Print(o);
	cJSON_Delete(o);
	if (out == NULL)
		return NULL;
	/* secrets the model echoed (error, output) are scrubbed too */
	if (r->sec != NULL) {
		char *s = history_scrub(out, r->sec, p->input_json);

		free(out);
		out = s;
	}
	return out;
}

/* ---- the run's folder */

static int
make_dir(const char *dir)
{
	char buf[4096];
	size_t i, len = strlen(dir);

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, dir, len + 1);
	for (i = 1; i < len; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		buf[i] = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* dir/name, or dir/run-name when a saved output already has that path. */
static char *
record_path(const struct record_run *r, const char *name)
{
	char buf[4096];
	size_t i;
	bool taken = false;

	snprintf(buf, sizeof buf, "%s/%s", r->dir, name);
	for (i = 0; i < r->n_saved; i++)
		if (r->saved[i] != NULL && strcmp(r->saved[i], buf) == 0)
			taken = true;
	if (taken)
		snprintf(buf, sizeof buf, "%s/run-%s", r->dir, name);
	return strdup(buf);
}

/* Write text to path through a temporary file and rename. */
static int
write_atomic(const char *path, const char *text, char *err, size_t errsz)
{
	char tmp[4200];
	size_t len = strlen(text), off = 0;
	int fd;

	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			goto fail;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		goto fail;
	}
	return 0;
fail:
	seterr(err, errsz, "record: %s: %s", path, strerror(errno));
	return -1;
}

void
record_files_done(struct record_files *f)
{
	if (f == NULL)
		return;
	free(f->text_path);
	free(f->json_path);
	free(f->run_path);
	memset(f, 0, sizeof *f);
}

int
record_save(const struct record_run *r, struct record_files *out,
    char *err, size_t errsz)
{
	struct record_files f = { 0 };
	enum record_shape shape;
	char *text = NULL, *local = NULL, *pretty = NULL, *run = NULL;
	cJSON *v = NULL;
	int rc = -1;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (r == NULL || r->p == NULL || r->dir == NULL) {
		seterr(err, errsz, "record: no run or no folder");
		return -1;
	}
	if (make_dir(r->dir) != 0) {
		seterr(err, errsz, "record: cannot create %s: %s", r->dir,
		    strerror(errno));
		return -1;
	}
	shape = record_classify(r->p->output_json, r->so);
	local = record_localize(r->p->output_json, r->saved, r->n_saved);
	if (r->p->output_json != NULL && local == NULL)
		goto oom;
	if (shape != RECORD_NULL && shape != RECORD_FILE &&
	    shape != RECORD_FILES) {
		size_t tl;

		if ((text = record_text(local, r->so)) == NULL)
			goto oom;
		tl = strlen(text);
		/* a text file ends with a newline */
		if (tl > 0 && text[tl - 1] != '\n') {
			char *t2 = realloc(text, tl + 2);

			if (t2 == NULL)
				goto oom;
			text = t2;
			memcpy(text + tl, "\n", 2);
		}
		if ((f.text_path = record_path(r, "output.txt")) == NULL)
			goto oom;
		if (write_atomic(f.text_path, text, err, errsz) != 0)
			goto out;
	}
	if (local != NULL && (v = cJSON_ParseWithOpts(local, NULL, 0)) !=
	    NULL && (cJSON_IsArray(v) || cJSON_IsObject(v))) {
		size_t pl;

		if ((pretty = cJSON_Print(v)) == NULL)
			goto oom;
		pl = strlen(pretty);
		if ((f.json_path = record_path(r, "output.json")) == NULL)
			goto oom;
		pretty = realloc(pretty, pl + 2);
		if (pretty == NULL)
			goto oom;
		memcpy(pretty + pl, "\n", 2);
		if (write_atomic(f.json_path, pretty, err, errsz) != 0)
			goto out;
	}
	if ((run = record_run_json(r)) == NULL)
		goto oom;
	{
		size_t rl = strlen(run);
		char *r2 = realloc(run, rl + 2);

		if (r2 == NULL)
			goto oom;
		run = r2;
		memcpy(run + rl, "\n", 2);
	}
	if ((f.run_path = record_path(r, "run.json")) == NULL)
		goto oom;
	if (write_atomic(f.run_path, run, err, errsz) != 0)
		goto out;
	rc = 0;
	goto out;
oom:
	seterr(err, errsz, "record: out of memory");
out:
	cJSON_Delete(v);
	free(text);
	free(local);
	free(pretty);
	free(run);
	if (rc == 0 && out != NULL)
		*out = f;
	else
		record_files_done(&f);
	return rc;
}

/* ---- history */

enum history_rc
record_history(struct history *h, const struct record_run *r, long long *id,
    char *err, size_t errsz)
{
	const struct prediction *p = r->p;
	struct history_run hr;
	char *metrics = NULL, *local = NULL, *saved = NULL;
	cJSON *m, *a;
	enum history_rc rc;
	size_t i;

	if (h == NULL)
		return HISTORY_OK;
	memset(&hr, 0, sizeof hr);
	hr.id = id != NULL ? *id : 0;
	hr.target_kind = r->target_kind;
	hr.target = (char *)(uintptr_t)r->target;
	hr.remote_id = p->id;
	hr.model = (char *)(uintptr_t)model_of(r);
	hr.version = p->version;
	hr.input_json = p->input_json;
	hr.status = (char *)(uintptr_t)prediction_status_name(p->status);
	hr.created_at = p->created_at;
	hr.started_at = p->started_at;
	hr.completed_at = p->completed_at;
	hr.predict_time = p->metrics.predict_time;
	hr.error = p->error;
	hr.logs = p->logs;
	hr.cost = r->cost;
	hr.output_dir = (char *)(uintptr_t)r->dir;
	hr.data_removed = p->data_removed;
	if ((m = metrics_of(p)) != NULL) {
		if (m->child != NULL)
			metrics = cJSON_PrintUnformatted(m);
		cJSON_Delete(m);
	}
	hr.metrics_json = metrics;
	local = record_localize(p->output_json, r->saved, r->n_saved);
	hr.output_json = local;
	if (r->n_saved > 0 && (a = cJSON_CreateArray()) != NULL) {
		for (i = 0; i < r->n_saved; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(
			    r->saved[i]));
		saved = cJSON_PrintUnformatted(a);
		cJSON_Delete(a);
	}
	hr.saved_json = saved;
	rc = history_record(h, &hr, r->sec, id, err, errsz);
	free(metrics);
	free(local);
	free(saved);
	return rc;
}

int
record_finish(const struct prediction *p, const struct schema *s,
    enum history_target kind, const char *target, const char *token,
    const struct client_saved *saved, const char *dir, char *err,
    size_t errsz)
{
	const char *fields[HISTORY_MAX_SECRETS], *values[1];
	struct history_secrets sec = { fields, 0, values, 0 };
	struct record_run r;
	struct history *h;
	char folder[4096], e2[512];
	enum record_shape shape;
	long long id = 0;
	size_t i;
	int rc = 0;

	if (p == NULL)
		return 0;
	for (i = 0; s != NULL && i < s->nfields &&
	    sec.n_fields < HISTORY_MAX_SECRETS; i++)
		if (s->fields[i].kind == SCHEMA_KIND_SECRET)
			fields[sec.n_fields++] = s->fields[i].name;
	if (token != NULL && token[0] != '\0') {
		values[0] = token;
		sec.n_values = 1;
	}
	folder[0] = '\0';
	if (saved != NULL && saved->n > 0 && saved->dir != NULL)
		snprintf(folder, sizeof folder, "%s", saved->dir);
	else if (dir != NULL)
		snprintf(folder, sizeof folder, "%s", dir);
	memset(&r, 0, sizeof r);
	r.p = p;
	r.so = s != NULL && s->has_output ? &s->output : NULL;
	r.target_kind = kind;
	r.target = target;
	r.saved = saved != NULL ? (const char *const *)saved->paths : NULL;
	r.n_saved = saved != NULL ? saved->n : 0;
	r.dir = folder[0] != '\0' ? folder : NULL;
	r.cost = -1;
	r.sec = &sec;
	shape = record_classify(p->output_json, r.so);
	/* file outputs none of which is ours (a path inside a server): no
	   folder to describe; the history still has the run */
	if (r.dir != NULL && !((shape == RECORD_FILE || shape == RECORD_FILES)
	    && r.n_saved == 0) && record_save(&r, NULL, err, errsz) != 0)
		rc = -1;
	if (history_open(NULL, &h, e2, sizeof e2) != HISTORY_OK ||
	    record_history(h, &r, &id, e2, sizeof e2) != HISTORY_OK) {
		if (rc == 0)
			seterr(err, errsz, "%s", e2);
		rc = -1;
	}
	history_close(h);
	return rc;
}

int
record_paths(const char *saved_json, char ***paths, size_t *n)
{
	cJSON *a, *it;
	size_t k = 0, cap;
	char **v;

	*paths = NULL;
	*n = 0;
	if (saved_json == NULL || saved_json[0] == '\0')
		return 0;
	a = cJSON_Parse(saved_json);
	if (a == NULL || !cJSON_IsArray(a)) {
		cJSON_Delete(a);
		return -1;
	}
	cap = (size_t)cJSON_GetArraySize(a);
	if (cap == 0) {
		cJSON_Delete(a);
		return 0;
	}
	if ((v = calloc(cap, sizeof *v)) == NULL) {
		cJSON_Delete(a);
		return -1;
	}
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0')
			continue;
		if ((v[k] = strdup(it->valuestring)) == NULL) {
			record_paths_free(v, k);
			cJSON_Delete(a);
			return -1;
		}
		k++;
	}
	cJSON_Delete(a);
	if (k == 0) {
		free(v);
		return 0;
	}
	*paths = v;
	*n = k;
	return 0;
}

void
record_paths_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
