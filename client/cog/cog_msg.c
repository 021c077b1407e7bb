/*
 * client/cog/cog_msg.c: the pure text parts of the Cog backend: problem
 * and validation messages, merging out-of-order webhooks into a prediction,
 * output text, and schema-less input built from NAME=VALUE pairs.
 */
#include "client/cog/cog.h"
#include "client/files/files.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"
#include "client/net/prediction.h"
#include "client/net/text.h"
#include "client/forms/schema.h"
#include "client/cog/cog_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- messages ---- */

void
cog_put_str(char *buf, size_t n, size_t *at, const char *s)
{
	text_put_visible(buf, n, at, s, strlen(s));
}

/* "width" from ["body","input","width"], "body" from ["body", 9]. */
static void
loc_name(const cJSON *loc, char *buf, size_t n)
{
	const cJSON *it;
	size_t at = 0;
	int idx = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(it, loc) {
		char tmp[32];

		if (idx == 0 && cJSON_IsString(it) &&
		    strcmp(it->valuestring, "body") == 0 &&
		    it->next != NULL) {
			idx++;
			continue;
		}
		if (idx == 1 && cJSON_IsString(it) &&
		    strcmp(it->valuestring, "input") == 0 &&
		    it->next != NULL && at == 0) {
			idx++;
			continue;
		}
		idx++;
		if (cJSON_IsString(it)) {
			if (at > 0)
				cog_put_str(buf, n, &at, ".");
			cog_put_str(buf, n, &at, it->valuestring);
		} else if (cJSON_IsNumber(it)) {
			snprintf(tmp, sizeof tmp, "[%d]", it->valueint);
			cog_put_str(buf, n, &at, tmp);
		}
	}
	if (at == 0)
		snprintf(buf, n, "body");
}

size_t
cog_validation_lines(const char *body, size_t len, char *buf, size_t bufsz,
    const char **lines, size_t max)
{
	const cJSON *detail, *it;
	size_t at = 0, count = 0;
	cJSON *root;

	if (bufsz == 0)
		return 0;
	buf[0] = '\0';
	root = json_parse(body, len, NULL, buf, bufsz);
	buf[0] = '\0';
	if (root == NULL)
		return 0;
	detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
	if (cJSON_IsString(detail) && max > 0) {
		lines[count++] = buf;
		cog_put_str(buf, bufsz, &at, detail->valuestring);
	}
	if (cJSON_IsArray(detail))
		cJSON_ArrayForEach(it, detail) {
			const char *msg = json_str(it, "msg");
			char name[128];

			if (count >= max || at + 2 >= bufsz)
				break;
			loc_name(cJSON_GetObjectItemCaseSensitive(it, "loc"),
			    name, sizeof name);
			lines[count++] = buf + at;
			cog_put_str(buf, bufsz, &at, name);
			cog_put_str(buf, bufsz, &at, ": ");
			cog_put_str(buf, bufsz, &at, msg ? msg : "invalid");
			if (at + 1 < bufsz)
				at++;	/* keep the NUL: next line after it */
			else
				break;
		}
	cJSON_Delete(root);
	return count;
}

enum client_rc
cog_problem(const char *what, long status, const char *body, size_t len,
    char *err, size_t errsz)
{
	enum client_rc rc = http_status_rc(status);
	const char *detail = NULL, *errtext = NULL;
	cJSON *root = NULL;
	size_t at = 0;

	if (errsz == 0)
		return rc;
	if (rc == CLIENT_OK)
		rc = CLIENT_EHTTP;
	err[0] = '\0';
	cog_put_str(err, errsz, &at, what);
	cog_put_str(err, errsz, &at, ": ");
	if (body != NULL && len > 0 && (body[0] == '{' || body[0] == '['))
		root = json_parse(body, len, NULL, NULL, 0);
	if (root != NULL) {
		detail = json_str(root, "detail");
		errtext = json_str(root, "error");
	}
	if (status == 422) {
		const char *lines[32];
		char lb[COG_MAX_MESSAGE];
		size_t n = cog_validation_lines(body, len, lb, sizeof lb,
		    lines, 32), i;

		rc = CLIENT_EINVAL;
		cog_put_str(err, errsz, &at, "invalid input: ");
		for (i = 0; i < n; i++) {
			if (i > 0)
				cog_put_str(err, errsz, &at, "; ");
			cog_put_str(err, errsz, &at, lines[i]);
		}
		if (n == 0)
			cog_put_str(err, errsz, &at, "HTTP 422");
	} else if (status == 409) {
		cog_put_str(err, errsz, &at, "the server is busy");
		if (detail || errtext) {
			cog_put_str(err, errsz, &at, " (");
			cog_put_str(err, errsz, &at, detail ? detail : errtext);
			cog_put_str(err, errsz, &at, ")");
		}
		cog_put_str(err, errsz, &at,
		    "; another prediction or setup is running");
	} else if (status == 404) {
		cog_put_str(err, errsz, &at, "no such prediction (HTTP 404)");
	} else if (status == 503) {
		cog_put_str(err, errsz, &at, "the server is not ready (HTTP 503)");
		if (detail || errtext) {
			cog_put_str(err, errsz, &at, ": ");
			cog_put_str(err, errsz, &at, detail ? detail : errtext);
		}
	} else if (status >= 500) {
		char code[32];

		snprintf(code, sizeof code, "HTTP %ld", status);
		cog_put_str(err, errsz, &at, code);
		if (detail || errtext) {
			cog_put_str(err, errsz, &at, ": ");
			cog_put_str(err, errsz, &at, detail ? detail : errtext);
		} else {
			cog_put_str(err, errsz, &at, " (the model's worker died or "
			    "setup failed; see /health-check)");
		}
	} else {
		char code[32];

		snprintf(code, sizeof code, "HTTP %ld", status);
		cog_put_str(err, errsz, &at, code);
		if (detail || errtext) {
			cog_put_str(err, errsz, &at, ": ");
			cog_put_str(err, errsz, &at, detail ? detail : errtext);
		}
	}
	cJSON_Delete(root);
	return rc;
}

/* ---- following a prediction ---- */

bool
cog_effectively_failed(const struct prediction *p)
{
	return p->status == PREDICTION_SUCCEEDED && p->error != NULL &&
	    p->error[0] != '\0';
}

int
cog_merge(struct prediction *cur, const struct prediction *upd)
{
	struct prediction tmp;
	unsigned changed = 0;

	if (prediction_status_terminal(cur->status) &&
	    cur->status_text != NULL)
		return 0;
	if (!prediction_status_terminal(upd->status)) {
		if (upd->logs_len < cur->logs_len ||
		    upd->n_outputs < cur->n_outputs)
			return 0;	/* an older payload, arrived late */
	}
	if (prediction_copy(&tmp, upd) != 0)
		return -1;
	if (cog_effectively_failed(&tmp))
		tmp.status = PREDICTION_FAILED;
	if (tmp.status != cur->status || cur->status_text == NULL)
		changed |= CLIENT_CHANGED_STATUS;
	if (tmp.logs_len != cur->logs_len)
		changed |= CLIENT_CHANGED_LOGS;
	if (tmp.n_outputs != cur->n_outputs ||
	    (tmp.output_json == NULL) != (cur->output_json == NULL) ||
	    (tmp.output_json != NULL &&
	    strcmp(tmp.output_json, cur->output_json) != 0))
		changed |= CLIENT_CHANGED_OUTPUT;
	/* keep the id we chose when a payload has none */
	if (tmp.id == NULL && cur->id != NULL) {
		tmp.id = cur->id;
		cur->id = NULL;
	}
	prediction_done(cur);
	*cur = tmp;
	return (int)changed;
}

char *
cog_output_text(const struct prediction *p, const struct schema *s)
{
	size_t i, ntext = 0;

	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind == PREDICTION_OUTPUT_TEXT)
			ntext++;
	if (ntext == 0)
		return NULL;
	if (s != NULL && s->has_output && s->output.concatenate)
		return prediction_join_text(p, "");
	if (p->output_json != NULL && p->output_json[0] == '"')
		return prediction_join_text(p, "");
	return prediction_join_text(p, "\n");
}

/* ---- schema-less input ---- */

/* "data:<mime>;base64,<...>" of a file (caller frees), or NULL + err. */
static char *
file_data_uri(const char *key, const char *path, enum client_rc *rc,
    char *err, size_t errsz)
{
	const char *mime = files_mime_type(path);
	unsigned char *data = NULL;
	struct stat st;
	size_t n = 0;
	char *out = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "input %s: cannot read %s: %s", key, path,
		    fd < 0 ? strerror(errno) : "not a regular file");
		*rc = CLIENT_EIO;
		goto out;
	}
	if ((unsigned long long)st.st_size > COG_MAX_FILE_INPUT) {
		snprintf(err, errsz, "input %s: %s is larger than %u MiB", key,
		    path, COG_MAX_FILE_INPUT >> 20);
		*rc = CLIENT_EINVAL;
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (data == NULL)
		goto nomem;
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, data + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out = files_data_uri(mime, data, n);
	if (out == NULL)
		goto nomem;
	goto out;
nomem:
	snprintf(err, errsz, "input %s: out of memory", key);
	*rc = CLIENT_ENOMEM;
out:
	if (fd >= 0)
		close(fd);
	free(data);
	return out;
}

enum client_rc
cog_input_build(const char *const *pairs, size_t n, char **json, char *err,
    size_t errsz)
{
	enum client_rc rc = CLIENT_OK;
	cJSON *root = cJSON_CreateObject();
	size_t i;

	*json = NULL;
	if (root == NULL)
		goto nomem;
	if (n > COG_MAX_INPUTS) {
		snprintf(err, errsz, "too many inputs (at most %d)",
		    COG_MAX_INPUTS);
		rc = CLIENT_EINVAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *eq = strchr(pairs[i], '=');
		char key[128], *uri = NULL;
		cJSON *val, *old;

		if (eq == NULL || eq == pairs[i] ||
		    (size_t)(eq - pairs[i]) >= sizeof key) {
			snprintf(err, errsz, "input \"%.64s\": expected "
			    "key=value", pairs[i]);
			rc = CLIENT_EINVAL;
			goto out;
		}
		memcpy(key, pairs[i], (size_t)(eq - pairs[i]));
		key[eq - pairs[i]] = '\0';
		if (eq[1] == '@') {
			uri = file_data_uri(key, eq + 2, &rc, err, errsz);
			if (uri == NULL)
				goto out;
			val = cJSON_CreateString(uri);
			free(uri);
		} else {
			val = cJSON_CreateString(eq + 1);
		}
		if (val == NULL)
			goto nomem;
		old = cJSON_GetObjectItemCaseSensitive(root, key);
		if (old == NULL) {
			cJSON_AddItemToObject(root, key, val);
		} else if (cJSON_IsArray(old)) {
			cJSON_AddItemToArray(old, val);
		} else {
			cJSON *arr = cJSON_CreateArray();

			if (arr == NULL) {
				cJSON_Delete(val);
				goto nomem;
			}
			cJSON_DetachItemViaPointer(root, old);
			cJSON_AddItemToArray(arr, old);
			cJSON_AddItemToArray(arr, val);
			cJSON_AddItemToObject(root, key, arr);
		}
	}
	*json = cJSON_PrintUnformatted(root);
	if (*json == NULL)
		goto nomem;
	goto out;
nomem:
	snprintf(err, errsz, "input: out of memory");
	rc = CLIENT_ENOMEM;
out:
	cJSON_Delete(root);
	return rc;
}
