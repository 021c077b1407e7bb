/*
 * client/cog/cog_int.h: what the files of client/cog share and nobody
 * else may use: the endpoint table, the handle and the per-request structs,
 * and the helpers each file lends the others. The public API is cog.h.
 */
#ifndef CLIENT_COG_COG_INT_H
#define CLIENT_COG_COG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client/cog/cog.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/listener.h"
#include "client/net/prediction.h"

/* X(id, method, path, what): every endpoint used; %s is a prediction id. */
#define COG_ENDPOINT_LIST(X)						\
	X(HEALTH, "GET", "/health-check", "cog health-check")		\
	X(OPENAPI, "GET", "/openapi.json", "cog openapi.json")		\
	X(PREDICT, "PUT", "/predictions/%s", "cog prediction")		\
	X(CANCEL, "POST", "/predictions/%s/cancel", "cog cancel")

/* The listener may hold at most this many connections when run inside
 * client_wait(), whose descriptor table is small. */
#define COG_LISTENER_CONNS	6u


enum cog_endpoint {
#define X(id, method, path, what) EP_##id,
	COG_ENDPOINT_LIST(X)
#undef X
};

/* One row of the endpoint table (cog.c), indexed by enum cog_endpoint. */
struct cog_endpoint_row {
	const char *method, *path, *what;
};
extern const struct cog_endpoint_row cog_endpoints[];

struct cog {
	struct client *c;
	char	*base;
	struct listener *l;
	long	 grace_ms, health_ms, idle_ms, predict_timeout_ms;
	int	 watched[COG_LISTENER_CONNS + 1];
	short	 watched_ev[COG_LISTENER_CONNS + 1];
	unsigned nwatched;
	unsigned ltimer;	/* listener deadline timer */
	struct cog_pred *preds;
	struct cog_simple *simples;
};
/* A health, openapi or cancel request. */
struct cog_simple {
	struct cog_simple *next;
	struct cog *g;
	unsigned op, http;
	enum cog_endpoint kind;
};
/* A prediction being followed. */
struct cog_pred {
	struct cog_pred *next;
	struct cog *g;
	unsigned op;		/* the id events carry */
	unsigned http;		/* the PUT */
	unsigned health;	/* async: a health-check in flight */
	unsigned timer;		/* async: grace / health poll */
	char	 id[COG_MAX_ID + 1];
	char	 token[33];
	bool	 async, accepted, got_webhook;
	bool	 hook_terminal;	/* a webhook said succeeded/failed/... */
	int	 ready_polls;	/* async: READY health answers in a row */
	long long accepted_ms, last_hook_ms, sent_ms;
	struct prediction cur;
	/* the PUT's answer, collected here: a sync PUT is silent for as
	 * long as the model runs, which the JSON sink's low-speed limit
	 * would take for a stall */
	char	*rbuf;
	size_t	 rlen, rcap;
	bool	 rover;
};

int
cog_endpoint_url(const char *base, enum cog_endpoint ep, const char *id,
    char *buf, size_t n);
void
cog_random_hex(char *out, size_t nbytes);
bool
cog_id_ok(const char *id);
void
cog_emit(struct cog *g, struct client_event *ev);
void
cog_pred_arm(struct cog_pred *p, long ms);
bool
cog_on_pred_data(struct client *c, unsigned id, const char *buf, size_t len,
    void *arg);
void
cog_on_pred_put(struct client *c, unsigned id, struct http_response *res,
    void *arg);
void
cog_on_pred_cancel(struct client *c, unsigned op, void *arg);

void
cog_put_str(char *buf, size_t n, size_t *at, const char *s);
bool
cog_effectively_failed(const struct prediction *p);
void
cog_emit_error(struct cog *g, unsigned op, enum client_rc rc, long status,
    const char *msg);
void
cog_pred_free(struct cog_pred *p);
void
cog_on_webhook(void *arg, const struct listener_webhook *wh);

#endif
