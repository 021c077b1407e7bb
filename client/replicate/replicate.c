/*
 * client/replicate/replicate.c: Replicate's JSON bodies -> plain structs (models,
 * pages, collections, versions, hardware, account, files) and their
 * release functions. The request starters are in replicate_req.c.
 */
#include "client/replicate/replicate.h"
#include "client/replicate/replicate_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/json.h"

/* ---- release */

void
replicate_version_done(struct version *v)
{
	if (v == NULL)
		return;
	free(v->id);
	free(v->created_at);
	free(v->cog_version);
	free(v->openapi_schema);
	memset(v, 0, sizeof *v);
}

void
replicate_version_free(struct version *v)
{
	replicate_version_done(v);
	free(v);
}

void
replicate_model_done(struct model *m)
{
	if (m == NULL)
		return;
	free(m->owner);
	free(m->name);
	free(m->description);
	free(m->visibility);
	free(m->url);
	free(m->github_url);
	free(m->paper_url);
	free(m->license_url);
	free(m->weights_url);
	free(m->cover_image_url);
	free(m->created_at);
	prediction_free(m->default_example);
	replicate_version_free(m->latest_version);
	memset(m, 0, sizeof *m);
}

void
replicate_model_free(struct model *m)
{
	replicate_model_done(m);
	free(m);
}

void
replicate_model_page_done(struct model_page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		replicate_model_done(&p->items[i]);
	free(p->items);
	free(p->next);
	free(p->previous);
	memset(p, 0, sizeof *p);
}

void
replicate_model_page_free(struct model_page *p)
{
	replicate_model_page_done(p);
	free(p);
}

void
replicate_collection_done(struct collection *col)
{
	size_t i;

	if (col == NULL)
		return;
	free(col->name);
	free(col->slug);
	free(col->description);
	free(col->full_description);
	for (i = 0; i < col->n_models; i++)
		replicate_model_done(&col->models[i]);
	free(col->models);
	memset(col, 0, sizeof *col);
}

void
replicate_collection_free(struct collection *col)
{
	replicate_collection_done(col);
	free(col);
}

void
replicate_collection_page_done(struct collection_page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		replicate_collection_done(&p->items[i]);
	free(p->items);
	free(p->next);
	free(p->previous);
	memset(p, 0, sizeof *p);
}

void
replicate_collection_page_free(struct collection_page *p)
{
	replicate_collection_page_done(p);
	free(p);
}

void
replicate_version_page_done(struct version_page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		replicate_version_done(&p->items[i]);
	free(p->items);
	free(p->next);
	free(p->previous);
	memset(p, 0, sizeof *p);
}

void
replicate_version_page_free(struct version_page *p)
{
	replicate_version_page_done(p);
	free(p);
}

void
replicate_prediction_page_done(struct prediction_page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		prediction_done(&p->items[i]);
	free(p->items);
	free(p->next);
	free(p->previous);
	memset(p, 0, sizeof *p);
}

void
replicate_prediction_page_free(struct prediction_page *p)
{
	replicate_prediction_page_done(p);
	free(p);
}

void
replicate_hardware_done(struct hardware_list *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		free(h->items[i].sku);
		free(h->items[i].name);
	}
	free(h->items);
	memset(h, 0, sizeof *h);
}

void
replicate_hardware_free(struct hardware_list *h)
{
	replicate_hardware_done(h);
	free(h);
}

void
replicate_account_done(struct account *a)
{
	if (a == NULL)
		return;
	free(a->type);
	free(a->username);
	free(a->name);
	free(a->github_url);
	free(a->avatar_url);
	memset(a, 0, sizeof *a);
}

void
replicate_account_free(struct account *a)
{
	replicate_account_done(a);
	free(a);
}

void
replicate_file_done(struct replicate_file *f)
{
	if (f == NULL)
		return;
	free(f->id);
	free(f->name);
	free(f->content_type);
	free(f->url_get);
	free(f->created_at);
	free(f->expires_at);
	memset(f, 0, sizeof *f);
}

void
replicate_file_free(struct replicate_file *f)
{
	replicate_file_done(f);
	free(f);
}

/* ---- cJSON -> structs */

enum client_rc
rep_oom(char *err, size_t errsz, const char *what)
{
	snprintf(err, errsz, "%s: out of memory", what);
	return CLIENT_ENOMEM;
}

enum client_rc
rep_version_from_json(const cJSON *obj, struct version *v, char *err,
    size_t errsz)
{
	const cJSON *schema;
	int bad = 0;

	memset(v, 0, sizeof *v);
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errsz, "version: expected an object");
		return CLIENT_ESHAPE;
	}
	bad |= json_dup(obj, "id", &v->id);
	bad |= json_dup(obj, "created_at", &v->created_at);
	bad |= json_dup(obj, "cog_version", &v->cog_version);
	schema = cJSON_GetObjectItemCaseSensitive(obj, "openapi_schema");
	if (schema != NULL && !cJSON_IsNull(schema))
		bad |= (v->openapi_schema = json_print(schema)) == NULL;
	if (bad) {
		replicate_version_done(v);
		return rep_oom(err, errsz, "version");
	}
	return CLIENT_OK;
}

enum client_rc
rep_model_from_json(const cJSON *obj, struct model *m, unsigned pflags, char *err,
    size_t errsz)
{
	const cJSON *de, *lv;
	enum client_rc rc;
	int bad = 0;

	memset(m, 0, sizeof *m);
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errsz, "model: expected an object");
		return CLIENT_ESHAPE;
	}
	bad |= json_dup(obj, "owner", &m->owner);
	bad |= json_dup(obj, "name", &m->name);
	bad |= json_dup(obj, "description", &m->description);
	bad |= json_dup(obj, "visibility", &m->visibility);
	bad |= json_dup(obj, "url", &m->url);
	bad |= json_dup(obj, "github_url", &m->github_url);
	bad |= json_dup(obj, "paper_url", &m->paper_url);
	bad |= json_dup(obj, "license_url", &m->license_url);
	bad |= json_dup(obj, "weights_url", &m->weights_url);
	bad |= json_dup(obj, "cover_image_url", &m->cover_image_url);
	bad |= json_dup(obj, "created_at", &m->created_at);
	m->run_count = json_int(obj, "run_count", -1);
	m->is_official = json_bool(obj, "is_official", false);
	if (bad) {
		replicate_model_done(m);
		return rep_oom(err, errsz, "model");
	}
	if (m->owner == NULL || m->name == NULL) {
		replicate_model_done(m);
		snprintf(err, errsz, "model: missing owner or name");
		return CLIENT_ESHAPE;
	}
	de = json_obj(obj, "default_example");
	if (de != NULL) {
		m->default_example = calloc(1, sizeof *m->default_example);
		if (m->default_example == NULL) {
			replicate_model_done(m);
			return rep_oom(err, errsz, "model");
		}
		rc = prediction_from_json_flags(de, m->default_example, pflags,
		    err, errsz);
		if (rc != CLIENT_OK) {
			replicate_model_done(m);
			return rc;
		}
	}
	lv = json_obj(obj, "latest_version");
	if (lv != NULL) {
		m->latest_version = calloc(1, sizeof *m->latest_version);
		if (m->latest_version == NULL) {
			replicate_model_done(m);
			return rep_oom(err, errsz, "model");
		}
		rc = rep_version_from_json(lv, m->latest_version, err, errsz);
		if (rc != CLIENT_OK) {
			replicate_model_done(m);
			return rc;
		}
	}
	return CLIENT_OK;
}

enum client_rc
rep_collection_from_json(const cJSON *obj, struct collection *col, char *err,
    size_t errsz)
{
	const cJSON *models, *it;
	enum client_rc rc;
	int bad = 0, n;
	char sub[CLIENT_ERR_MAX];

	memset(col, 0, sizeof *col);
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errsz, "collection: expected an object");
		return CLIENT_ESHAPE;
	}
	bad |= json_dup(obj, "name", &col->name);
	bad |= json_dup(obj, "slug", &col->slug);
	bad |= json_dup(obj, "description", &col->description);
	bad |= json_dup(obj, "full_description", &col->full_description);
	if (bad) {
		replicate_collection_done(col);
		return rep_oom(err, errsz, "collection");
	}
	models = json_arr(obj, "models");
	if (models == NULL)
		return CLIENT_OK;
	n = cJSON_GetArraySize(models);
	if (n > (int)REPLICATE_MAX_PAGE_ITEMS)
		n = (int)REPLICATE_MAX_PAGE_ITEMS;
	col->models = calloc(n > 0 ? (size_t)n : 1, sizeof *col->models);
	if (col->models == NULL) {
		replicate_collection_done(col);
		return rep_oom(err, errsz, "collection");
	}
	cJSON_ArrayForEach(it, models) {
		if (col->n_models >= (size_t)n)
			break;
		rc = rep_model_from_json(it, &col->models[col->n_models],
		    PREDICTION_NO_OUTPUT, sub, sizeof sub);
		if (rc != CLIENT_OK) {
			snprintf(err, errsz, "collection: models[%zu]: %s",
			    col->n_models, sub);
			replicate_collection_done(col);
			return rc;
		}
		col->n_models++;
	}
	return CLIENT_OK;
}

enum client_rc
rep_hardware_from_json(const cJSON *obj, struct hardware *h, char *err,
    size_t errsz)
{
	memset(h, 0, sizeof *h);
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errsz, "hardware: expected an object");
		return CLIENT_ESHAPE;
	}
	if (json_dup(obj, "sku", &h->sku) != 0 ||
	    json_dup(obj, "name", &h->name) != 0) {
		free(h->sku);
		free(h->name);
		memset(h, 0, sizeof *h);
		return rep_oom(err, errsz, "hardware");
	}
	if (h->sku == NULL) {
		free(h->name);
		memset(h, 0, sizeof *h);
		snprintf(err, errsz, "hardware: missing sku");
		return CLIENT_ESHAPE;
	}
	return CLIENT_OK;
}
