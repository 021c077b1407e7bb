/*
 * client/cog/cog.h: a local Cog prediction server (`python -m cog.server.http`,
 * default http://localhost:5000) on the client's transport. Owns the Cog
 * wire rules (tests/fixtures/cog/HTTP-API.md): health states, the OpenAPI
 * document, predictions sent with a client-chosen id through
 * PUT /predictions/{id} (so they can be canceled), webhooks into the
 * listener r8play runs itself (listener.h), cancel, 200 bodies that say
 * failed/canceled, 409/422/500/503 turned into one-line messages, iterator
 * output joined as x-cog-array-display says. The API token is never sent:
 * callers give a client whose config has no token for the Cog server.
 * No terminal; cJSON only inside cog.c.
 */
#ifndef PG_CLIENT_COG_H
#define PG_CLIENT_COG_H

#include <stdbool.h>
#include <stddef.h>

#include "client/net/listener.h"
#include "client/net/rc.h"

#define COG_MAX_ID		64	/* prediction id we choose or accept */
#define COG_MAX_INPUTS		256	/* -i key=value pairs */
#define COG_MAX_FILE_INPUT	(64u << 20)	/* @file read for a data URI */
#define COG_MAX_MESSAGE		1024	/* one error line (422: all fields) */
#define COG_MAX_RESPONSE_BYTES	(256u << 20)	/* a prediction answer: sync
						   outputs are data: URIs */
#define COG_WEBHOOK_GRACE_MS	5000	/* async: no webhook this long after
					   the 202 means none will come */
#define COG_HEALTH_POLL_MS	2000	/* health checks while waiting */
#define COG_SYNC_ANSWER_MS	2000	/* sync: the answer may lag the final
					   webhook this long; then the webhook
					   is the result and the PUT cancelled */
#define COG_IDLE_MS		30000	/* async: READY and no webhook this
					   long: the last webhook was lost */

struct client;
struct prediction;
struct schema;

/* X(id, wire name) */
#define COG_HEALTH_LIST(X)						\
	X(UNKNOWN,	"UNKNOWN")					\
	X(STARTING,	"STARTING")					\
	X(READY,	"READY")					\
	X(BUSY,		"BUSY")						\
	X(SETUP_FAILED,	"SETUP_FAILED")					\
	X(DEFUNCT,	"DEFUNCT")					\
	X(UNHEALTHY,	"UNHEALTHY")

enum cog_health_state {
#define X(id, name) COG_HEALTH_##id,
	COG_HEALTH_LIST(X)
#undef X
	COG_HEALTH__COUNT
};

struct cog_health {
	enum cog_health_state state;
	char	*status_text;		/* raw "status" or NULL */
	long	 http_status;		/* 200; 503 from newer Cog: not ready */
	char	*setup_status;		/* "succeeded", "failed" or NULL */
	char	*setup_logs;		/* setup output (traceback) or NULL */
	char	*setup_started_at, *setup_completed_at;
	char	*user_healthcheck_error;	/* UNHEALTHY (Cog 0.16+) */
	char	*cog_version;		/* newest Cog's version.cog, or NULL */
};

/* Wire name of a state ("SETUP_FAILED"); never NULL. */
const char *cog_health_name(enum cog_health_state st);

/* True when a prediction may start now (READY or UNHEALTHY). */
bool cog_health_can_predict(const struct cog_health *h);

/*
 * Parse a /health-check answer (status and body). A 503 (newer Cog while
 * not ready) keeps the state its body names, STARTING when it names none.
 * CLIENT_OK and *out filled (cog_health_done()), or EPARSE/ESHAPE/EHTTP
 * with err set and *out zeroed.
 */
enum client_rc cog_health_parse(long status, const char *body, size_t len,
    struct cog_health *out, char *err, size_t errsz);
void cog_health_done(struct cog_health *h);
void cog_health_free(struct cog_health *h);	/* done + free; NULL ok */

/*
 * One line for a failed Cog request: 422 bodies give "name: msg" per field
 * joined by "; " ("width: ensure this value is less than or equal to 1024;
 * guidance_scale: ensure ..."), 409 "the server is busy (Already running a
 * prediction)", 404 "no such prediction", 500 "internal server error (the
 * model crashed or setup failed; check /health-check)", newer Cog's
 * {"error": ...} its text; prefixed with what. Control characters are
 * made visible. Returns the client code for the status.
 */
enum client_rc cog_problem(const char *what, long status, const char *body,
    size_t len, char *err, size_t errsz);

/*
 * The 422 messages one per field, for the command line: fills lines[0..max)
 * with pointers into buf ("width: ensure this value ..."); returns how many.
 */
size_t cog_validation_lines(const char *body, size_t len, char *buf,
    size_t bufsz, const char **lines, size_t max);

/*
 * Apply a webhook payload (or a 202 body) to the prediction being followed.
 * Payloads are cumulative and may arrive out of order: a non-terminal one
 * is taken only when its logs and outputs are at least as long as what we
 * have; the first terminal one wins and nothing changes after it (a
 * "succeeded" that carries an error counts as failed). Returns the
 * CLIENT_CHANGED_* bits of what changed, 0 when ignored, -1 when out of
 * memory.
 */
int cog_merge(struct prediction *cur, const struct prediction *upd);

/*
 * The text to show for an output (caller frees): iterator output with
 * x-cog-array-display: concatenate (schema->output.concatenate) joined with
 * "", other iterator/array text items joined with "\n", a string as is;
 * NULL when the output has no text items or out of memory. s may be NULL
 * (then strings are joined with "" only for a lone string).
 */
char *cog_output_text(const struct prediction *p, const struct schema *s);

/*
 * Build the prediction "input" JSON object (caller frees) from "key=value"
 * pairs when no schema is known (a server whose /openapi.json failed; with
 * a schema, client/forms/form.h types the values): every value is sent as a
 * string, as `cog predict` does, and the server coerces it. A value
 * "@path" becomes a data: URI of the file (MIME from the extension); a key
 * given twice becomes an array. CLIENT_OK, or EINVAL/EIO/ENOMEM with err
 * naming the key.
 */
enum client_rc cog_input_build(const char *const *pairs, size_t n,
    char **json, char *err, size_t errsz);

/* ---- requests on the transport ---- */

struct cog;

struct cog_config {
	const char *base;	/* NULL: CLIENT_DEFAULT_LOCAL */
	bool	 webhooks;	/* run the listener and ask for webhooks */
	struct listener_config listener;	/* when webhooks */
	long	 webhook_grace_ms;	/* 0: COG_WEBHOOK_GRACE_MS */
	long	 health_poll_ms;	/* 0: COG_HEALTH_POLL_MS */
	long	 idle_ms;		/* 0: COG_IDLE_MS */
	long	 predict_timeout_ms;	/* 0: none */
};

/*
 * A Cog server seen through client c (which must outlive it and should
 * carry no token). With cfg->webhooks the listener is opened and its fds
 * are watched inside client_wait(); a bind failure is an error. NULL with
 * err set on failure; free with cog_free().
 */
struct cog *cog_new(struct client *c, const struct cog_config *cfg,
    char *err, size_t errsz);

/* Stop following everything (the server is not told) and free. NULL ok. */
void cog_free(struct cog *g);

/* Base URL without trailing slash (borrowed). */
const char *cog_base(const struct cog *g);

/* The listener, or NULL without webhooks (borrowed). */
struct listener *cog_listener(struct cog *g);

/*
 * GET /health-check. DONE: ev->data is a struct cog_health * (take it by
 * setting ev->data = NULL, free with cog_health_free). ERROR when the
 * server cannot be reached or answers something that is not a health body.
 * Returns the request id, or 0 with err set.
 */
unsigned cog_health_get(struct cog *g, char *err, size_t errsz);

/* GET /openapi.json. DONE: ev->body/body_len is the document text. */
unsigned cog_openapi_get(struct cog *g, char *err, size_t errsz);

/* webhook_events_filter bits (cog_predict_opts.events); 0 means all */
#define COG_EVENT_LIST(X)						\
	X(START,	0x1u,	"start")				\
	X(OUTPUT,	0x2u,	"output")				\
	X(LOGS,		0x4u,	"logs")					\
	X(COMPLETED,	0x8u,	"completed")

enum cog_event {
#define X(id, bit, name) COG_EVENT_##id = bit,
	COG_EVENT_LIST(X)
#undef X
};

struct cog_predict_opts {
	const char *id;		/* NULL: a fresh "r8p-<random hex>" */
	const char *input_json;	/* the "input" object text; NULL: {} */
	bool	async;		/* Prefer: respond-async, follow webhooks */
	unsigned events;	/* COG_EVENT_* bits; 0: all four */
};

/*
 * Start a prediction: PUT /predictions/{id} with {"id", "input"} and, when
 * the listener runs, "webhook": http://<advertised-host>:<port>/webhook/
 * <token> (a random token per prediction). Sync: the PUT returns the
 * result, webhooks only add live PROGRESS on the way (so nothing is lost
 * when none arrives). Async: 202 then webhooks; the terminal webhook ends
 * it. There is no GET for a prediction, so when no webhook arrives within
 * the grace time, or the server answers READY twice with nothing heard for
 * idle_ms (a filter without "completed", a lost webhook), it fails (ENET)
 * with a message saying so; the server is not told (cog_cancel it).
 *   PROGRESS  ev->prediction lent (status, logs, output so far)
 *   DONE      succeeded: ev->prediction (may be taken)
 *   ERROR     rc EFAILED/ECANCEL with ev->prediction set and err
 *             "prediction failed: <error>"; EHTTP 409 busy, EINVAL 422
 *             (err from cog_problem, ev->body the raw 422 body), ENET ...
 * The id actually used is copied to id_out (COG_MAX_ID + 1) when non-NULL.
 * Returns the request id, or 0 with err set.
 */
unsigned cog_predict(struct cog *g, const struct cog_predict_opts *o,
    char *id_out, char *err, size_t errsz);

/*
 * POST /predictions/{id}/cancel. DONE on 200 ({}); ERROR ENOTFOUND on 404
 * (unknown or already finished). The prediction's own request then ends
 * with ECANCEL.
 */
unsigned cog_cancel(struct cog *g, const char *pred_id, char *err,
    size_t errsz);

#endif
