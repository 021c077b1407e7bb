/*
 * client/net/prediction.c: prediction JSON -> struct prediction, live updates
 * (logs, output chunks) and tqdm progress. See prediction.h.
 */
#include "client/net/prediction.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/json.h"

static const char *const status_names[] = {
#define X(id, name) name,
	PREDICTION_STATUS_LIST(X)
#undef X
};

const char *
prediction_status_name(enum prediction_status st)
{
	if ((unsigned)st >= PREDICTION__STATUS_COUNT)
		return "unknown";
	return status_names[st];
}

enum prediction_status
prediction_status_parse(const char *name)
{
	unsigned i;

	if (name == NULL)
		return PREDICTION_UNKNOWN;
	for (i = 0; i < PREDICTION_UNKNOWN; i++)
		if (strcmp(name, status_names[i]) == 0)
			return (enum prediction_status)i;
	return PREDICTION_UNKNOWN;
}

bool
prediction_status_terminal(enum prediction_status st)
{
	return st != PREDICTION_STARTING && st != PREDICTION_PROCESSING;
}

static enum prediction_output_kind
output_kind(const char *s)
{
	if (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0)
		return PREDICTION_OUTPUT_URL;
	if (strncmp(s, "data:", 5) == 0)
		return PREDICTION_OUTPUT_DATA;
	return PREDICTION_OUTPUT_TEXT;
}

static int
outputs_push(struct prediction *p, const char *value, size_t len,
    const char *key)
{
	struct prediction_output *o;
	char *v, *k = NULL;

	if (p->n_outputs >= PREDICTION_MAX_OUTPUTS)
		return 0;
	if (p->n_outputs == p->outputs_cap) {
		size_t nc = p->outputs_cap ? p->outputs_cap * 2 : 8;

		o = realloc(p->outputs, nc * sizeof *o);
		if (o == NULL)
			return -1;
		p->outputs = o;
		p->outputs_cap = nc;
	}
	v = malloc(len + 1);
	if (v == NULL)
		return -1;
	memcpy(v, value, len);
	v[len] = '\0';
	if (key != NULL && (k = strdup(key)) == NULL) {
		free(v);
		return -1;
	}
	o = &p->outputs[p->n_outputs++];
	o->kind = output_kind(v);
	o->value = v;
	o->key = k;
	return 0;
}

/* Collect every string under it, naming where each was. */
static int
walk_output(struct prediction *p, const cJSON *it, const char *path)
{
	char sub[256];
	const cJSON *ch;
	int i = 0;

	if (cJSON_IsString(it) && it->valuestring != NULL)
		return outputs_push(p, it->valuestring,
		    strlen(it->valuestring), path);
	if (cJSON_IsArray(it)) {
		cJSON_ArrayForEach(ch, it) {
			if (path != NULL)
				snprintf(sub, sizeof sub, "%s[%d]", path, i);
			if (walk_output(p, ch, path != NULL ? sub : NULL) != 0)
				return -1;
			i++;
		}
	} else if (cJSON_IsObject(it)) {
		cJSON_ArrayForEach(ch, it) {
			const char *k = ch->string != NULL ? ch->string : "";

			if (path != NULL)
				snprintf(sub, sizeof sub, "%s.%s", path, k);
			else
				snprintf(sub, sizeof sub, "%s", k);
			if (walk_output(p, ch, sub) != 0)
				return -1;
		}
	}
	return 0;
}

static int
set_logs(struct prediction *p, const char *s, size_t len)
{
	size_t start = 0;

	free(p->logs);
	p->logs = NULL;
	p->logs_len = 0;
	if (len > PREDICTION_MAX_LOG_BYTES) {
		start = len - PREDICTION_MAX_LOG_BYTES;
		/* do not start inside a UTF-8 sequence */
		while (start < len && ((unsigned char)s[start] & 0xc0) == 0x80)
			start++;
		p->logs_truncated = true;
	}
	p->logs = malloc(len - start + 1);
	if (p->logs == NULL)
		return -1;
	memcpy(p->logs, s + start, len - start);
	p->logs[len - start] = '\0';
	p->logs_len = len - start;
	return 0;
}

enum client_rc
prediction_from_json(const struct cJSON *obj, struct prediction *out,
    char *err, size_t errsz)
{
	return prediction_from_json_flags(obj, out, 0, err, errsz);
}

enum client_rc
prediction_from_json_flags(const struct cJSON *obj, struct prediction *out,
    unsigned flags, char *err, size_t errsz)
{
	const cJSON *in, *output, *metrics, *urls, *e, *logs;
	bool oom = false;

	memset(out, 0, sizeof *out);
	out->metrics.predict_time = out->metrics.total_time = -1;
	out->metrics.input_token_count = out->metrics.output_token_count = -1;
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errsz, "prediction: expected an object");
		return CLIENT_ESHAPE;
	}
	oom |= json_dup(obj, "id", &out->id) != 0;
	oom |= json_dup(obj, "model", &out->model) != 0;
	oom |= json_dup(obj, "version", &out->version) != 0;
	oom |= json_dup(obj, "status", &out->status_text) != 0;
	out->status = prediction_status_parse(out->status_text);
	in = cJSON_GetObjectItemCaseSensitive(obj, "input");
	if (in != NULL && !cJSON_IsNull(in))
		oom |= (out->input_json = json_print(in)) == NULL;
	output = cJSON_GetObjectItemCaseSensitive(obj, "output");
	if (output != NULL && !cJSON_IsNull(output) &&
	    !(flags & PREDICTION_NO_OUTPUT)) {
		oom |= (out->output_json = json_print(output)) == NULL;
		oom |= walk_output(out, output, NULL) != 0;
	}
	logs = cJSON_GetObjectItemCaseSensitive(obj, "logs");
	if (cJSON_IsString(logs) && logs->valuestring != NULL)
		oom |= set_logs(out, logs->valuestring,
		    strlen(logs->valuestring)) != 0;
	e = cJSON_GetObjectItemCaseSensitive(obj, "error");
	if (cJSON_IsString(e) && e->valuestring != NULL)
		oom |= (out->error = strdup(e->valuestring)) == NULL;
	else if (e != NULL && !cJSON_IsNull(e))
		oom |= (out->error = json_print(e)) == NULL;
	metrics = json_obj(obj, "metrics");
	if (metrics != NULL) {
		out->metrics.predict_time = json_num(metrics, "predict_time",
		    -1);
		out->metrics.total_time = json_num(metrics, "total_time", -1);
		out->metrics.input_token_count = json_int(metrics,
		    "input_token_count", -1);
		out->metrics.output_token_count = json_int(metrics,
		    "output_token_count", -1);
	}
	oom |= json_dup(obj, "created_at", &out->created_at) != 0;
	oom |= json_dup(obj, "started_at", &out->started_at) != 0;
	oom |= json_dup(obj, "completed_at", &out->completed_at) != 0;
	urls = json_obj(obj, "urls");
	oom |= json_dup(urls, "get", &out->url_get) != 0;
	oom |= json_dup(urls, "cancel", &out->url_cancel) != 0;
	oom |= json_dup(urls, "stream", &out->url_stream) != 0;
	oom |= json_dup(urls, "web", &out->url_web) != 0;
	out->data_removed = json_bool(obj, "data_removed", false);
	oom |= json_dup(obj, "source", &out->source) != 0;
	if (oom) {
		prediction_done(out);
		snprintf(err, errsz, "prediction: out of memory");
		return CLIENT_ENOMEM;
	}
	return CLIENT_OK;
}

enum client_rc
prediction_parse(const char *json, size_t len, struct prediction *out,
    char *err, size_t errsz)
{
	enum client_rc rc;
	char jerr[160];
	cJSON *root;

	memset(out, 0, sizeof *out);
	root = json_parse(json, len, &rc, jerr, sizeof jerr);
	if (root == NULL) {
		snprintf(err, errsz, "prediction: %s", jerr);
		return rc;
	}
	rc = prediction_from_json(root, out, err, errsz);
	cJSON_Delete(root);
	return rc;
}

void
prediction_done(struct prediction *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_outputs; i++) {
		free(p->outputs[i].value);
		free(p->outputs[i].key);
	}
	free(p->outputs);
	free(p->id);
	free(p->model);
	free(p->version);
	free(p->status_text);
	free(p->input_json);
	free(p->output_json);
	free(p->logs);
	free(p->error);
	free(p->created_at);
	free(p->started_at);
	free(p->completed_at);
	free(p->url_get);
	free(p->url_cancel);
	free(p->url_stream);
	free(p->url_web);
	free(p->source);
	memset(p, 0, sizeof *p);
}

void
prediction_free(struct prediction *p)
{
	if (p == NULL)
		return;
	prediction_done(p);
	free(p);
}

static int
dup_into(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst == NULL ? -1 : 0;
}

int
prediction_copy(struct prediction *dst, const struct prediction *src)
{
	int bad = 0;
	size_t i;

	memset(dst, 0, sizeof *dst);
	dst->status = src->status;
	dst->metrics = src->metrics;
	dst->data_removed = src->data_removed;
	dst->logs_truncated = src->logs_truncated;
	bad |= dup_into(&dst->id, src->id);
	bad |= dup_into(&dst->model, src->model);
	bad |= dup_into(&dst->version, src->version);
	bad |= dup_into(&dst->status_text, src->status_text);
	bad |= dup_into(&dst->input_json, src->input_json);
	bad |= dup_into(&dst->output_json, src->output_json);
	bad |= dup_into(&dst->error, src->error);
	bad |= dup_into(&dst->created_at, src->created_at);
	bad |= dup_into(&dst->started_at, src->started_at);
	bad |= dup_into(&dst->completed_at, src->completed_at);
	bad |= dup_into(&dst->url_get, src->url_get);
	bad |= dup_into(&dst->url_cancel, src->url_cancel);
	bad |= dup_into(&dst->url_stream, src->url_stream);
	bad |= dup_into(&dst->url_web, src->url_web);
	bad |= dup_into(&dst->source, src->source);
	if (src->logs != NULL) {
		dst->logs = malloc(src->logs_len + 1);
		if (dst->logs == NULL)
			bad = -1;
		else {
			memcpy(dst->logs, src->logs, src->logs_len + 1);
			dst->logs_len = src->logs_len;
		}
	}
	for (i = 0; bad == 0 && i < src->n_outputs; i++)
		bad |= outputs_push(dst, src->outputs[i].value,
		    strlen(src->outputs[i].value), src->outputs[i].key);
	if (bad != 0) {
		prediction_done(dst);
		return -1;
	}
	return 0;
}

int
prediction_append_logs(struct prediction *p, const char *text, size_t len)
{
	size_t keep, total = p->logs_len + len;
	char *nl;

	if (len == 0)
		return 0;
	if (total <= PREDICTION_MAX_LOG_BYTES) {
		nl = realloc(p->logs, total + 1);
		if (nl == NULL)
			return -1;
		memcpy(nl + p->logs_len, text, len);
		nl[total] = '\0';
		p->logs = nl;
		p->logs_len = total;
		return 0;
	}
	/* over the limit: rebuild from the tail of old + new */
	keep = PREDICTION_MAX_LOG_BYTES;
	nl = malloc(total + 1);
	if (nl == NULL)
		return -1;
	if (p->logs_len > 0)
		memcpy(nl, p->logs, p->logs_len);
	memcpy(nl + p->logs_len, text, len);
	nl[total] = '\0';
	p->logs_truncated = true;
	{
		size_t start = total - keep;
		int rc;

		while (start < total && ((unsigned char)nl[start] & 0xc0) ==
		    0x80)
			start++;
		rc = set_logs(p, nl + start, total - start);
		p->logs_truncated = true;
		free(nl);
		return rc;
	}
}

int
prediction_append_output(struct prediction *p, const char *text, size_t len)
{
	return outputs_push(p, text, len, NULL);
}

char *
prediction_join_text(const struct prediction *p, const char *sep)
{
	size_t i, n = 1, sl = sep != NULL ? strlen(sep) : 0, at = 0;
	bool first = true;
	char *s;

	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind == PREDICTION_OUTPUT_TEXT)
			n += strlen(p->outputs[i].value) + sl;
	s = malloc(n);
	if (s == NULL)
		return NULL;
	for (i = 0; i < p->n_outputs; i++) {
		size_t vl;

		if (p->outputs[i].kind != PREDICTION_OUTPUT_TEXT)
			continue;
		if (!first && sl > 0) {
			memcpy(s + at, sep, sl);
			at += sl;
		}
		vl = strlen(p->outputs[i].value);
		memcpy(s + at, p->outputs[i].value, vl);
		at += vl;
		first = false;
	}
	s[at] = '\0';
	return s;
}

/* Parse one tqdm line [b, e): " 58%|█▊  | 29/50 [...]". */
static bool
tqdm_line(const char *b, const char *e, int *done, int *total, double *pct)
{
	const char *bar, *q, *num;
	long d, t;
	char *end;
	double pc;

	for (bar = b; bar + 1 < e; bar++)
		if (bar[0] == '%' && bar[1] == '|')
			break;
	if (bar + 1 >= e)
		return false;
	num = bar;
	while (num > b && ((num[-1] >= '0' && num[-1] <= '9') ||
	    num[-1] == '.'))
		num--;
	if (num == bar)
		return false;
	pc = strtod(num, NULL);
	if (!isfinite(pc))
		return false;	/* "999…9%|": no percentage to show */
	d = t = -1;
	for (q = bar + 2; q < e && *q != '|'; q++)
		;
	if (q < e) {
		q++;
		while (q < e && *q == ' ')
			q++;
		if (q < e && *q >= '0' && *q <= '9') {
			d = strtol(q, &end, 10);
			if (end < e && *end == '/' && end + 1 < e &&
			    end[1] >= '0' && end[1] <= '9')
				t = strtol(end + 1, &end, 10);
			else
				d = -1;
		}
	}
	if (pct != NULL)
		*pct = pc;
	if (done != NULL)
		*done = d > 0x7fffffff ? -1 : (int)d;
	if (total != NULL)
		*total = t > 0x7fffffff ? -1 : (int)t;
	return true;
}

bool
prediction_progress(const struct prediction *p, int *done, int *total,
    double *pct)
{
	const char *s, *e, *b, *lim;

	if (p == NULL || p->logs == NULL || p->logs_len == 0)
		return false;
	s = p->logs;
	e = s + p->logs_len;
	/* look at the last 16 KiB only: progress lines are recent */
	lim = p->logs_len > 16384 ? e - 16384 : s;
	while (e > lim) {
		b = e;
		while (b > lim && b[-1] != '\n' && b[-1] != '\r')
			b--;
		if (b < e && tqdm_line(b, e, done, total, pct))
			return true;
		e = b > lim ? b - 1 : lim;
	}
	return false;
}
