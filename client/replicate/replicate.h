/*
 * client/replicate/replicate.h: Replicate's HTTP API (v1) as plain C structs and
 * non-blocking request starters. Each starter returns a request id (0 with
 * err set when it could not start) and later delivers one CLIENT_EV_DONE
 * event carrying the payload named in its comment, or CLIENT_EV_ERROR with
 * a one-line message naming the request. Parsers take borrowed bytes and
 * fill caller-owned structs; release them with the matching *_done()
 * (embedded) or *_free() (heap, from events). No curl or cJSON type here.
 */
#ifndef PG_CLIENT_REPLICATE_H
#define PG_CLIENT_REPLICATE_H

#include <stdbool.h>
#include <stddef.h>

#include "client/net/client.h"
#include "client/net/prediction.h"
#include "client/net/rc.h"

#define REPLICATE_MAX_PAGE_ITEMS	1000u	/* results kept from one page */
#define REPLICATE_WAIT_MAX		60	/* Prefer: wait=N, 1..60 */

struct version {
	char	*id;
	char	*created_at;
	char	*cog_version;
	char	*openapi_schema;	/* raw JSON text for the forms module,
					   or NULL */
};

struct model {
	char	*owner, *name;
	char	*description;
	char	*visibility;		/* "public" | "private" */
	char	*url, *github_url, *paper_url, *license_url, *weights_url;
	char	*cover_image_url;
	char	*created_at;
	long long run_count;		/* -1 when absent */
	bool	 is_official;
	struct prediction *default_example;	/* NULL when none; in a page
				   (list, search, collection) without its
				   output: replicate_model_get has it */
	struct version *latest_version;		/* NULL: no runnable version */
};

struct model_page {
	struct model *items;
	size_t	 n;
	char	*next, *previous;	/* absolute URLs or NULL ("null" too) */
};

struct collection {
	char	*name, *slug, *description, *full_description;
	struct model *models;		/* only from collection get */
	size_t	 n_models;
};

struct collection_page {
	struct collection *items;
	size_t	 n;
	char	*next, *previous;
};

struct version_page {
	struct version *items;
	size_t	 n;
	char	*next, *previous;
};

struct prediction_page {
	struct prediction *items;
	size_t	 n;
	char	*next, *previous;
};

struct hardware {
	char	*sku, *name;
};

struct hardware_list {
	struct hardware *items;
	size_t	 n;
};

struct account {
	char	*type, *username, *name, *github_url, *avatar_url;
};

struct replicate_file {
	char	*id, *name, *content_type, *url_get, *created_at, *expires_at;
	long long size;
};

/* ---- parsers: CLIENT_OK and *out filled, or a code, *out zeroed, err. */
enum client_rc replicate_model_parse(const char *json, size_t len,
    struct model *out, char *err, size_t errsz);
/* A paginated {next, previous, results:[model]} page. */
enum client_rc replicate_model_page_parse(const char *json, size_t len,
    struct model_page *out, char *err, size_t errsz);
/* GET /v1/search: {models:[{model:{...}}]} as a page (next NULL). */
enum client_rc replicate_search_parse(const char *json, size_t len,
    struct model_page *out, char *err, size_t errsz);
enum client_rc replicate_collection_parse(const char *json, size_t len,
    struct collection *out, char *err, size_t errsz);
enum client_rc replicate_collection_page_parse(const char *json, size_t len,
    struct collection_page *out, char *err, size_t errsz);
enum client_rc replicate_version_parse(const char *json, size_t len,
    struct version *out, char *err, size_t errsz);
enum client_rc replicate_version_page_parse(const char *json, size_t len,
    struct version_page *out, char *err, size_t errsz);
enum client_rc replicate_prediction_page_parse(const char *json, size_t len,
    struct prediction_page *out, char *err, size_t errsz);
/* GET /v1/hardware: a bare array of {sku, name}. */
enum client_rc replicate_hardware_parse(const char *json, size_t len,
    struct hardware_list *out, char *err, size_t errsz);
enum client_rc replicate_account_parse(const char *json, size_t len,
    struct account *out, char *err, size_t errsz);
enum client_rc replicate_file_parse(const char *json, size_t len,
    struct replicate_file *out, char *err, size_t errsz);

/* The catalogue compiled into the binary (client/replicate/snapshot.json), parsed
 * with replicate_model_page_parse(). */
enum client_rc replicate_snapshot_models(struct model_page *out, char *err,
    size_t errsz);
/* Where and when the snapshot came from (its "source" and "date" header
 * fields) into the buffers; 0, or -1 when they cannot be read. */
int replicate_snapshot_info(char *source, size_t sn, char *date, size_t dn);

/* ---- release (NULL and zeroed structs are fine) */
void replicate_version_done(struct version *v);
void replicate_version_free(struct version *v);
void replicate_model_done(struct model *m);
void replicate_model_free(struct model *m);
void replicate_model_page_done(struct model_page *p);
void replicate_model_page_free(struct model_page *p);
void replicate_collection_done(struct collection *col);
void replicate_collection_free(struct collection *col);
void replicate_collection_page_done(struct collection_page *p);
void replicate_collection_page_free(struct collection_page *p);
void replicate_version_page_done(struct version_page *p);
void replicate_version_page_free(struct version_page *p);
void replicate_prediction_page_done(struct prediction_page *p);
void replicate_prediction_page_free(struct prediction_page *p);
void replicate_hardware_done(struct hardware_list *h);
void replicate_hardware_free(struct hardware_list *h);
void replicate_account_done(struct account *a);
void replicate_account_free(struct account *a);
void replicate_file_done(struct replicate_file *f);
void replicate_file_free(struct replicate_file *f);

/* "owner/name[:version]" split into buffers; -1 when malformed. */
int replicate_ref_split(const char *ref, char *owner, size_t on, char *name,
    size_t nn, char *version, size_t vn);

/* ---- requests (payload of the DONE event in brackets) */
/* GET /v1/models, or next_url verbatim [models]. */
unsigned replicate_models_list(struct client *c, const char *next_url,
    char *err, size_t errsz);
/* QUERY /v1/models (text/plain); on 404/405/501 GET /v1/search [models]. */
unsigned replicate_models_search(struct client *c, const char *query,
    char *err, size_t errsz);
/* GET /v1/collections or next_url [collections]. */
unsigned replicate_collections_list(struct client *c, const char *next_url,
    char *err, size_t errsz);
/* GET /v1/collections/{slug} [collection]. */
unsigned replicate_collection_get(struct client *c, const char *slug,
    char *err, size_t errsz);
/* GET /v1/models/{owner}/{name} [model]. */
unsigned replicate_model_get(struct client *c, const char *owner,
    const char *name, char *err, size_t errsz);
/* GET /v1/models/{owner}/{name}/versions or next_url [versions]. */
unsigned replicate_versions_list(struct client *c, const char *owner,
    const char *name, const char *next_url, char *err, size_t errsz);
/* GET /v1/models/{owner}/{name}/versions/{id} [version]. */
unsigned replicate_version_get(struct client *c, const char *owner,
    const char *name, const char *id, char *err, size_t errsz);
/* GET /v1/models/{owner}/{name}/examples or next_url [predictions]. */
unsigned replicate_examples_list(struct client *c, const char *owner,
    const char *name, const char *next_url, char *err, size_t errsz);
/* GET /v1/models/{owner}/{name}/readme: the model's README, Markdown
 * text (CLIENT_REQ_RAW: ev->body, ev->body_len; 404 when it has none). */
unsigned replicate_model_readme_get(struct client *c, const char *owner,
    const char *name, char *err, size_t errsz);
/* GET /v1/hardware [hardware]. */
unsigned replicate_hardware_list(struct client *c, char *err, size_t errsz);
/* GET /v1/account [account]. */
unsigned replicate_account_get(struct client *c, char *err, size_t errsz);

struct replicate_create {
	const char *owner, *name;	/* the model */
	const char *version;	/* 64-hex id: POST /v1/predictions; NULL:
				   POST /v1/models/{owner}/{name}/predictions */
	const char *input_json;	/* the input object as JSON text ("{}") */
	int	 wait_s;	/* Prefer: wait=N (1..60); 0: async */
	const char *webhook;	/* NULL: none */
	const char *events_filter;	/* JSON array text or NULL */
	const char *cancel_after;	/* Cancel-After value or NULL */
};

/* Create a prediction; retried only on 429 [prediction]. */
unsigned replicate_prediction_create(struct client *c,
    const struct replicate_create *rq, char *err, size_t errsz);
/* GET /v1/predictions/{id}, or a full urls.get URL [prediction]. */
unsigned replicate_prediction_get(struct client *c, const char *id_or_url,
    char *err, size_t errsz);
/* GET /v1/predictions or next_url [predictions]. */
unsigned replicate_predictions_list(struct client *c, const char *next_url,
    char *err, size_t errsz);
/* POST /v1/predictions/{id}/cancel, or urls.cancel [prediction]. */
unsigned replicate_prediction_cancel(struct client *c, const char *id_or_url,
    char *err, size_t errsz);

/*
 * Follow a prediction until it is terminal: SSE at urls.stream when there
 * is one (output/logs events), else, or when the stream drops, errors or
 * stays silent past stream_stall_ms, polling urls.get with backoff
 * (poll_min_ms doubling to poll_max_ms). PROGRESS events lend the live
 * prediction; the last event is DONE [prediction: the final GET] whatever
 * the terminal status, or ERROR when following itself failed. p is copied.
 */
unsigned replicate_prediction_follow(struct client *c,
    const struct prediction *p, char *err, size_t errsz);

/* POST /v1/files multipart (content, type, filename) [file]. */
unsigned replicate_file_upload(struct client *c, const char *path,
    const char *content_type, char *err, size_t errsz);

#endif
