/*
 * client/forms/form_request.c: turning the form into typed request JSON:
 * converting each value by its field's kind (files, enums, arrays, unions),
 * validating with field-level messages, and listing the local files a
 * request reads so the uploader can send them first.
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
		form_msgf(msg, msgsz, "out of memory");
	return j;
}

static cJSON *
str_or_oom(const char *s, char *msg, size_t msgsz)
{
	cJSON *j = cJSON_CreateString(s);

	if (j == NULL)
		form_msgf(msg, msgsz, "out of memory");
	return j;
}

static cJSON *
conv_file(struct conv *cv, const char *text, char *msg, size_t msgsz)
{
	char path[4096], *uri, *url = NULL, uerr[FORM_MSG_MAX];
	enum form_file_form ff;
	off_t size;
	cJSON *j;

	if (form_blank(text)) {
		form_msgf(msg, msgsz, "empty file path or URL");
		return NULL;
	}
	ff = form_file_form(text, msg, msgsz);
	if (ff == FILE_BAD) {
		if (msg[0] == '\0')
			form_msgf(msg, msgsz, "a URL may not contain spaces");
		return NULL;
	}
	if (ff != FILE_LOCAL)
		return str_or_oom(text, msg, msgsz);
	form_local_path(text, path, sizeof path);
	if (form_stat_file(path, &size, msg, msgsz) != 0)
		return NULL;
	if (!cv->build || (cv->flags & FORM_REQ_NO_FILES)) {
		char at[4100];

		snprintf(at, sizeof at, "@%s", path);
		return str_or_oom(at, msg, msgsz);
	}
	if ((size_t)size <= FORM_DATA_URI_MAX ||
	    (cv->flags & FORM_REQ_INLINE_ALL)) {
		uri = form_data_uri(path, (size_t)size, msg, msgsz);
		if (uri == NULL)
			return NULL;
		j = str_or_oom(uri, msg, msgsz);
		free(uri);
		return j;
	}
	if (cv->upload == NULL) {
		form_msgf(msg, msgsz, "%s is %lld bytes, over the %u-byte data: URI "
		    "limit: it needs an upload", path, (long long)size,
		    FORM_DATA_URI_MAX);
		return NULL;
	}
	uerr[0] = '\0';
	if (cv->upload(cv->upload_ctx, cv->field, path, (size_t)size, &url,
	    uerr, sizeof uerr) != 0 || url == NULL) {
		form_msgf(msg, msgsz, "upload of %s failed: %s", path,
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
		if (form_check_string(fd, text, msg, msgsz) != 0)
			return NULL;
		return str_or_oom(text, msg, msgsz);
	case SCHEMA_KIND_FILE:
		return conv_file(cv, text, msg, msgsz);
	case SCHEMA_KIND_INTEGER:
		rc = form_parse_int(text, &iv);
		if (rc == -2) {
			form_msgf(msg, msgsz, "integer out of range");
			return NULL;
		}
		if (rc != 0) {
			if (form_parse_num(text, &dv) == 0)
				form_msgf(msg, msgsz, "must be a whole number");
			else
				form_msgf(msg, msgsz, "not an integer");
			return NULL;
		}
		if (form_check_range(fd, (double)iv, msg, msgsz) != 0)
			return NULL;
		snprintf(buf, sizeof buf, "%lld", iv);
		return raw_or_oom(buf, msg, msgsz);
	case SCHEMA_KIND_NUMBER:
		rc = form_parse_num(text, &dv);
		if (rc != 0) {
			form_msgf(msg, msgsz, rc == -2 ? "number out of range" :
			    "not a number");
			return NULL;
		}
		if (form_check_range(fd, dv, msg, msgsz) != 0)
			return NULL;
		return raw_or_oom(schema_num_text(dv, buf, sizeof buf), msg,
		    msgsz);
	case SCHEMA_KIND_BOOLEAN:
		if (form_parse_bool(text, &bv) != 0) {
			form_msgf(msg, msgsz, "not true or false");
			return NULL;
		}
		return bv ? cJSON_CreateTrue() : cJSON_CreateFalse();
	default:
		form_msgf(msg, msgsz, "not a plain value");
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
	t = form_trim(text, buf, sizeof buf);
	for (k = 0; k < fd->nchoices; k++) {
		if (strcmp(fd->choices[k].text, t) == 0)
			return &fd->choices[k];
		if (form_parse_num(t, &a) == 0 &&
		    form_parse_num(fd->choices[k].text, &b) == 0 && a == b)
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

	if (form_items_parse(text, &it, msg, msgsz) != 0)
		return NULL;
	arr = cJSON_CreateArray();
	if (arr == NULL) {
		form_items_free(&it);
		form_msgf(msg, msgsz, "out of memory");
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
			form_msgf(msg, msgsz, "item %zu: %s", k + 1, sub);
			form_items_free(&it);
			cJSON_Delete(arr);
			return NULL;
		}
	}
	form_items_free(&it);
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
		form_msgf(msg, msgsz, "not valid JSON (at byte %zu)",
		    end != NULL && end >= text ? (size_t)(end - text) : 0);
		return NULL;
	}
	while (end != NULL && *end != '\0' && isspace((unsigned char)*end))
		end++;
	if (end != NULL && *end != '\0') {
		form_msgf(msg, msgsz, "not valid JSON: extra text at byte %zu",
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
	bool is_blank = !v->set || (!form_string_kind(fd->kind) &&
	    fd->kind != SCHEMA_KIND_ENUM && form_blank(v->text)) ||
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
			form_msgf(msg, msgsz, "required");
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
		form_msgf(msg, sizeof msg, "invalid");
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
		form_msgf(err, errsz, "no form");
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
		form_msgf(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < f->nfields; i++) {
		j = field_json(f, i, &cv, &skip, msg, sizeof msg);
		if (skip)
			continue;
		if (j == NULL) {
			/* a file that changed since validation, an upload */
			form_msgf(err, errsz, "%s: %s", f->schema->fields[i].name,
			    msg);
			snprintf(f->values[i].error, sizeof f->values[i].error,
			    "%s", msg);
			cJSON_Delete(obj);
			return -1;
		}
		if (!cJSON_AddItemToObject(obj, f->schema->fields[i].name, j)) {
			cJSON_Delete(j);
			cJSON_Delete(obj);
			form_msgf(err, errsz, "out of memory");
			return -1;
		}
	}
	*json = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (*json == NULL) {
		form_msgf(err, errsz, "out of memory");
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

	if (form_blank(text) || form_file_form(text, msg, sizeof msg) != FILE_LOCAL)
		return 0;
	if (*n >= FORM_MAX_LOCAL_FILES)
		return 0;
	form_local_path(text, path, sizeof path);
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
		if (form_items_parse(text, &it, err, errsz) != 0) {
			form_local_files_free(v, got);
			return -1;
		}
		for (k = 0; k < it.n; k++)
			if (local_push(&v, &got, i, k, it.v[k]) != 0) {
				form_items_free(&it);
				goto oom;
			}
		form_items_free(&it);
	}
	*out = v;
	*n = got;
	return 0;
oom:
	form_local_files_free(v, got);
	form_msgf(err, errsz, "out of memory");
	return -1;
}
