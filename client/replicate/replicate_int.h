/*
 * client/replicate/replicate_int.h: what replicate_req.c and replicate_follow.c
 * share and nobody else may use: the SSE event bound and the request helpers
 * (URL joins, error events, prediction URLs). The public API is replicate.h.
 */
#ifndef CLIENT_REPLICATE_REPLICATE_INT_H
#define CLIENT_REPLICATE_REPLICATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client/replicate/replicate.h"
#include "client/net/http.h"
#include "client/net/json.h"

#define SSE_MAX_EVENT	(8u * 1024u * 1024u)	/* one event's data */

void
rep_join(char *err, size_t n, const char *a, const char *b);
void
rep_emit_error(struct client *c, enum client_req kind, unsigned id,
    enum client_rc rc, long status, const char *msg);
int
rep_prediction_url(const char *id_or_url, const char *suffix, char *buf,
    size_t n);
const char *
rep_short_id(const char *id_or_url);

enum client_rc
rep_oom(char *err, size_t errsz, const char *what);
enum client_rc
rep_version_from_json(const cJSON *obj, struct version *v, char *err,
    size_t errsz);
enum client_rc
rep_model_from_json(const cJSON *obj, struct model *m, unsigned pflags, char *err,
    size_t errsz);
enum client_rc
rep_collection_from_json(const cJSON *obj, struct collection *col, char *err,
    size_t errsz);
enum client_rc
rep_hardware_from_json(const cJSON *obj, struct hardware *h, char *err,
    size_t errsz);

#endif
