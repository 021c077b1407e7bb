/*
 * client/replicate/replicate_page.c: Replicate list and object answers into
 * structs (see replicate.h): the generic page walker (items, next/previous
 * links), each page and object parser, search results and owner/name refs.
 */
#include "client/replicate/replicate.h"
#include "client/net/json.h"
#include "client/replicate/replicate_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- generic page walking */

typedef enum client_rc (*item_fn)(const cJSON *obj, void *item, char *err,
    size_t errsz);
typedef void (*item_done_fn)(void *item);

struct page_spec {
	const char *what;	/* "models page" */
	size_t	size;		/* sizeof item */
	item_fn	from;
	item_done_fn done;
};

static enum client_rc
model_item_from(const cJSON *o, void *it, char *err, size_t errsz)
{
	return rep_model_from_json(o, it, 0, err, errsz);
}

/* A model as a page lists it: default_example without its output. */
static enum client_rc
model_page_item_from(const cJSON *o, void *it, char *err, size_t errsz)
{
	return rep_model_from_json(o, it, PREDICTION_NO_OUTPUT, err, errsz);
}

static void
model_item_done(void *it)
{
	replicate_model_done(it);
}

static enum client_rc
collection_item_from(const cJSON *o, void *it, char *err, size_t errsz)
{
	return rep_collection_from_json(o, it, err, errsz);
}

static void
collection_item_done(void *it)
{
	replicate_collection_done(it);
}

static enum client_rc
version_item_from(const cJSON *o, void *it, char *err, size_t errsz)
{
	return rep_version_from_json(o, it, err, errsz);
}

static void
version_item_done(void *it)
{
	replicate_version_done(it);
}

static enum client_rc
prediction_item_from(const cJSON *o, void *it, char *err, size_t errsz)
{
	return prediction_from_json(o, it, err, errsz);
}

static void
prediction_item_done(void *it)
{
	prediction_done(it);
}

static enum client_rc
hardware_item_from(const cJSON *o, void *it, char *err, size_t errsz)
{
	return rep_hardware_from_json(o, it, err, errsz);
}

static void
hardware_item_done(void *it)
{
	struct hardware *h = it;

	free(h->sku);
	free(h->name);
}

/* Walk arr into a fresh array of items; pick (optional) selects a member. */
static enum client_rc
items_from(const struct page_spec *sp, const cJSON *arr, const char *pick,
    void **items, size_t *n, char *err, size_t errsz)
{
	char sub[CLIENT_ERR_MAX];
	const cJSON *it;
	enum client_rc rc;
	int cnt = cJSON_GetArraySize(arr);
	size_t i;
	char *base;

	*items = NULL;
	*n = 0;
	if (cnt > (int)REPLICATE_MAX_PAGE_ITEMS)
		cnt = (int)REPLICATE_MAX_PAGE_ITEMS;
	base = calloc(cnt > 0 ? (size_t)cnt : 1, sp->size);
	if (base == NULL)
		return rep_oom(err, errsz, sp->what);
	i = 0;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *obj = it;

		if (i >= (size_t)cnt)
			break;
		if (pick != NULL)
			obj = json_obj(it, pick);
		rc = sp->from(obj, base + i * sp->size, sub, sizeof sub);
		if (rc != CLIENT_OK) {
			snprintf(err, errsz, "%s: item %zu: %s", sp->what, i,
			    sub);
			while (i > 0)
				sp->done(base + --i * sp->size);
			free(base);
			return rc;
		}
		i++;
	}
	*items = base;
	*n = i;
	return CLIENT_OK;
}

static int
dup_link(const cJSON *obj, const char *key, char **dst)
{
	const char *s = json_str(obj, key);

	*dst = NULL;
	/* the spec's example shows the string "null" for the end */
	if (s == NULL || *s == '\0' || strcmp(s, "null") == 0)
		return 0;
	*dst = strdup(s);
	return *dst == NULL ? -1 : 0;
}

struct page_out {
	void	**items;
	size_t	*n;
	char	**next, **previous;
};

/*
 * json_parse() of a body that lists models (a page, a search, a
 * collection): their default_example outputs are blanked in a copy first
 * (json_blank_members), since a page never draws them and a search page's
 * embeddings would dominate the parse. replicate_model_get keeps them.
 */
static cJSON *
models_json_parse(const char *json, size_t len, enum client_rc *rc,
    char *err, size_t errsz)
{
	cJSON *root;
	char *copy;

	if (json == NULL || (copy = malloc(len + 1)) == NULL)
		return json_parse(json, len, rc, err, errsz);
	memcpy(copy, json, len);
	copy[len] = '\0';
	json_blank_members(copy, len, "default_example", "output");
	root = json_parse(copy, len, rc, err, errsz);
	free(copy);
	return root;
}

static enum client_rc
page_parse(const struct page_spec *sp, const char *json, size_t len,
    struct page_out *po, char *err, size_t errsz)
{
	char jerr[160];
	const cJSON *results;
	enum client_rc rc;
	cJSON *root;

	root = sp->from == model_page_item_from ? models_json_parse(json, len, &rc,
	    jerr, sizeof jerr) : json_parse(json, len, &rc, jerr, sizeof jerr);
	if (root == NULL) {
		snprintf(err, errsz, "%s: %s", sp->what, jerr);
		return rc;
	}
	results = json_arr(root, "results");
	if (!cJSON_IsObject(root) || results == NULL) {
		snprintf(err, errsz, "%s: expected {\"results\": [...]}",
		    sp->what);
		cJSON_Delete(root);
		return CLIENT_ESHAPE;
	}
	rc = items_from(sp, results, NULL, po->items, po->n, err, errsz);
	if (rc == CLIENT_OK && (dup_link(root, "next", po->next) != 0 ||
	    dup_link(root, "previous", po->previous) != 0))
		rc = rep_oom(err, errsz, sp->what);
	cJSON_Delete(root);
	return rc;
}

static const struct page_spec model_page_spec = {
	"models page", sizeof(struct model), model_page_item_from, model_item_done };
static const struct page_spec collection_page_spec = {
	"collections page", sizeof(struct collection), collection_item_from, collection_item_done };
static const struct page_spec version_page_spec = {
	"versions page", sizeof(struct version), version_item_from, version_item_done };
static const struct page_spec prediction_page_spec = {
	"predictions page", sizeof(struct prediction), prediction_item_from, prediction_item_done };
static const struct page_spec hardware_spec = {
	"hardware", sizeof(struct hardware), hardware_item_from, hardware_item_done };

enum client_rc
replicate_model_page_parse(const char *json, size_t len,
    struct model_page *out, char *err, size_t errsz)
{
	struct page_out po = { (void **)&out->items, &out->n, &out->next,
		&out->previous };
	enum client_rc rc;

	memset(out, 0, sizeof *out);
	rc = page_parse(&model_page_spec, json, len, &po, err, errsz);
	if (rc != CLIENT_OK)
		replicate_model_page_done(out);
	return rc;
}

enum client_rc
replicate_collection_page_parse(const char *json, size_t len,
    struct collection_page *out, char *err, size_t errsz)
{
	struct page_out po = { (void **)&out->items, &out->n, &out->next,
		&out->previous };
	enum client_rc rc;

	memset(out, 0, sizeof *out);
	rc = page_parse(&collection_page_spec, json, len, &po, err, errsz);
	if (rc != CLIENT_OK)
		replicate_collection_page_done(out);
	return rc;
}

enum client_rc
replicate_version_page_parse(const char *json, size_t len,
    struct version_page *out, char *err, size_t errsz)
{
	struct page_out po = { (void **)&out->items, &out->n, &out->next,
		&out->previous };
	enum client_rc rc;

	memset(out, 0, sizeof *out);
	rc = page_parse(&version_page_spec, json, len, &po, err, errsz);
	if (rc != CLIENT_OK)
		replicate_version_page_done(out);
	return rc;
}

enum client_rc
replicate_prediction_page_parse(const char *json, size_t len,
    struct prediction_page *out, char *err, size_t errsz)
{
	struct page_out po = { (void **)&out->items, &out->n, &out->next,
		&out->previous };
	enum client_rc rc;

	memset(out, 0, sizeof *out);
	rc = page_parse(&prediction_page_spec, json, len, &po, err, errsz);
	if (rc != CLIENT_OK)
		replicate_prediction_page_done(out);
	return rc;
}

enum client_rc
replicate_search_parse(const char *json, size_t len, struct model_page *out,
    char *err, size_t errsz)
{
	const struct page_spec sp = { "search", sizeof(struct model), model_page_item_from,
		model_item_done };
	const cJSON *models;
	char jerr[160];
	enum client_rc rc;
	cJSON *root;

	memset(out, 0, sizeof *out);
	root = models_json_parse(json, len, &rc, jerr, sizeof jerr);
	if (root == NULL) {
		snprintf(err, errsz, "search: %s", jerr);
		return rc;
	}
	models = json_arr(root, "models");
	if (models == NULL) {
		snprintf(err, errsz, "search: expected {\"models\": [...]}");
		cJSON_Delete(root);
		return CLIENT_ESHAPE;
	}
	rc = items_from(&sp, models, "model", (void **)&out->items, &out->n,
	    err, errsz);
	cJSON_Delete(root);
	return rc;
}

/* One object body -> one struct via from(). */
static enum client_rc
object_parse(const char *what, item_fn from, const char *json, size_t len,
    void *out, char *err, size_t errsz)
{
	char jerr[160], sub[CLIENT_ERR_MAX];
	enum client_rc rc;
	cJSON *root;

	root = from == collection_item_from ? models_json_parse(json, len, &rc, jerr,
	    sizeof jerr) : json_parse(json, len, &rc, jerr, sizeof jerr);
	if (root == NULL) {
		snprintf(err, errsz, "%s: %s", what, jerr);
		return rc;
	}
	rc = from(root, out, sub, sizeof sub);
	if (rc != CLIENT_OK)
		snprintf(err, errsz, "%s", sub);
	cJSON_Delete(root);
	return rc;
}

enum client_rc
replicate_model_parse(const char *json, size_t len, struct model *out,
    char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	return object_parse("model", model_item_from, json, len, out, err, errsz);
}

enum client_rc
replicate_collection_parse(const char *json, size_t len,
    struct collection *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	return object_parse("collection", collection_item_from, json, len, out, err, errsz);
}

enum client_rc
replicate_version_parse(const char *json, size_t len, struct version *out,
    char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	return object_parse("version", version_item_from, json, len, out, err, errsz);
}

enum client_rc
replicate_hardware_parse(const char *json, size_t len,
    struct hardware_list *out, char *err, size_t errsz)
{
	char jerr[160];
	enum client_rc rc;
	cJSON *root;

	memset(out, 0, sizeof *out);
	root = json_parse(json, len, &rc, jerr, sizeof jerr);
	if (root == NULL) {
		snprintf(err, errsz, "hardware: %s", jerr);
		return rc;
	}
	if (!cJSON_IsArray(root)) {
		snprintf(err, errsz, "hardware: expected an array");
		cJSON_Delete(root);
		return CLIENT_ESHAPE;
	}
	rc = items_from(&hardware_spec, root, NULL, (void **)&out->items,
	    &out->n, err, errsz);
	cJSON_Delete(root);
	return rc;
}

static enum client_rc
account_from(const cJSON *obj, void *it, char *err, size_t errsz)
{
	struct account *a = it;
	int bad = 0;

	if (!cJSON_IsObject(obj)) {
		snprintf(err, errsz, "account: expected an object");
		return CLIENT_ESHAPE;
	}
	bad |= json_dup(obj, "type", &a->type);
	bad |= json_dup(obj, "username", &a->username);
	bad |= json_dup(obj, "name", &a->name);
	bad |= json_dup(obj, "github_url", &a->github_url);
	bad |= json_dup(obj, "avatar_url", &a->avatar_url);
	if (bad) {
		replicate_account_done(a);
		return rep_oom(err, errsz, "account");
	}
	if (a->username == NULL) {
		replicate_account_done(a);
		snprintf(err, errsz, "account: missing username");
		return CLIENT_ESHAPE;
	}
	return CLIENT_OK;
}

enum client_rc
replicate_account_parse(const char *json, size_t len, struct account *out,
    char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	return object_parse("account", account_from, json, len, out, err,
	    errsz);
}

static enum client_rc
file_from(const cJSON *obj, void *it, char *err, size_t errsz)
{
	struct replicate_file *f = it;
	int bad = 0;

	if (!cJSON_IsObject(obj)) {
		snprintf(err, errsz, "file: expected an object");
		return CLIENT_ESHAPE;
	}
	bad |= json_dup(obj, "id", &f->id);
	bad |= json_dup(obj, "name", &f->name);
	bad |= json_dup(obj, "content_type", &f->content_type);
	bad |= json_dup(json_obj(obj, "urls"), "get", &f->url_get);
	bad |= json_dup(obj, "created_at", &f->created_at);
	bad |= json_dup(obj, "expires_at", &f->expires_at);
	f->size = json_int(obj, "size", -1);
	if (bad) {
		replicate_file_done(f);
		return rep_oom(err, errsz, "file");
	}
	if (f->url_get == NULL) {
		replicate_file_done(f);
		snprintf(err, errsz, "file: missing urls.get");
		return CLIENT_ESHAPE;
	}
	return CLIENT_OK;
}

enum client_rc
replicate_file_parse(const char *json, size_t len, struct replicate_file *out,
    char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	return object_parse("file", file_from, json, len, out, err, errsz);
}

int
replicate_ref_split(const char *ref, char *owner, size_t on, char *name,
    size_t nn, char *version, size_t vn)
{
	const char *slash, *colon;
	size_t ol, nl, vl;

	if (ref == NULL || (slash = strchr(ref, '/')) == NULL)
		return -1;
	colon = strchr(slash + 1, ':');
	ol = (size_t)(slash - ref);
	nl = colon != NULL ? (size_t)(colon - slash - 1) : strlen(slash + 1);
	vl = colon != NULL ? strlen(colon + 1) : 0;
	if (ol == 0 || nl == 0 || ol >= on || nl >= nn || vl >= vn ||
	    (colon != NULL && vl == 0) || strchr(slash + 1, '/') != NULL)
		return -1;
	memcpy(owner, ref, ol);
	owner[ol] = '\0';
	memcpy(name, slash + 1, nl);
	name[nl] = '\0';
	if (colon != NULL)
		memcpy(version, colon + 1, vl);
	version[vl] = '\0';
	return 0;
}
