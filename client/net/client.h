/*
 * client/net/client.h: the network client as tui/ sees it. One struct client
 * owns one curl multi handle; every request is non-blocking, returns an id
 * at once and completes later as an event delivered by client_pump(). The
 * caller's loop blocks in exactly one place, client_wait(), which polls the
 * network together with the caller's own descriptors (terminal, signal
 * pipe). No curl or cJSON type appears here.
 *
 *	c = client_new(&cfg, err, sizeof err);
 *	id = replicate_model_get(c, "stability-ai", "sdxl", err, sizeof err);
 *	for (;;) {
 *		client_wait(c, fds, 2, client_timeout_ms(c, 1000), err, n);
 *		client_pump(c, on_event, app);	// on_event sees ev->id == id
 *	}
 *	client_free(c);
 */
#ifndef PG_CLIENT_CLIENT_H
#define PG_CLIENT_CLIENT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "client/net/rc.h"

#define CLIENT_DEFAULT_API_BASE	"https://api.replicate.com/v1"
#define CLIENT_DEFAULT_LOCAL	"http://localhost:5000"
/* Limits (the config may lower them, never raise them past these). */
#define CLIENT_MAX_JSON_BYTES	(64u * 1024u * 1024u)	/* one JSON body */
#define CLIENT_MAX_FILE_BYTES	(1024u * 1024u * 1024u)	/* one file body */
#define CLIENT_MAX_RUN_BYTES	((size_t)4 << 30)	/* one run's files */
#define CLIENT_MAX_REQUESTS	256u	/* requests alive at once */
#define CLIENT_MAX_RETRIES	10u
/* No retry of one request starts later than this after its first attempt
 * (a 429 storm with Retry-After: 86400 ends in about two minutes). */
#define HTTP_RETRY_TOTAL_MS	120000L
#define CLIENT_ERR_MAX		256u	/* size of err buffers in events */
#define CLIENT_MAX_WAIT_FDS	16u	/* extra descriptors client_wait polls */

struct client_config {
	const char *api_base;	/* NULL: CLIENT_DEFAULT_API_BASE */
	const char *token;	/* copied; sent only to api_base; never in
				   any message. NULL: no Authorization */
	const char *user_agent;	/* NULL: "r8play/<version>" */
	const char *output_dir;	/* NULL: ./<prediction id> per run */
	long	connect_timeout_ms;	/* 0: 10000 */
	long	low_speed_time_s;	/* abort below 1 byte/s this long; 0: 30 */
	long	request_timeout_ms;	/* whole JSON request; 0: 120000 */
	long	stream_stall_ms;	/* SSE silent this long: fall back to
					   polling; a file download silent
					   this long fails; 0: 35000 */
	long	poll_min_ms;		/* polling backoff; 0: 500 */
	long	poll_max_ms;		/* 0: 5000 */
	long	retry_base_ms;		/* retry backoff base; 0: 500 */
	long	retry_max_ms;		/* cap of one wait; 0: 30000 */
	unsigned max_retries;		/* 0: 5 (at most CLIENT_MAX_RETRIES) */
	long	retry_total_ms;		/* no retry starts later than this
					   after the first attempt; 0:
					   HTTP_RETRY_TOTAL_MS */
	size_t	max_json_bytes;		/* 0: CLIENT_MAX_JSON_BYTES */
	size_t	max_file_bytes;		/* 0: CLIENT_MAX_FILE_BYTES */
	size_t	max_run_bytes;		/* all files of one prediction;
					   0: CLIENT_MAX_RUN_BYTES */
};

struct client;
struct model;
struct model_page;
struct collection;
struct collection_page;
struct version;
struct version_page;
struct prediction;
struct prediction_page;
struct hardware_list;
struct account;
struct replicate_file;
struct client_saved;

/* X(id, name): what a request was, echoed in its events. */
#define CLIENT_REQ_LIST(X)						\
	X(RAW,			"request")				\
	X(MODELS,		"models list")				\
	X(SEARCH,		"models search")			\
	X(COLLECTIONS,		"collections list")			\
	X(COLLECTION,		"collection get")			\
	X(MODEL,		"model get")				\
	X(VERSIONS,		"versions list")			\
	X(VERSION,		"version get")				\
	X(EXAMPLES,		"examples list")			\
	X(HARDWARE,		"hardware list")			\
	X(ACCOUNT,		"account get")				\
	X(CREATE,		"prediction create")			\
	X(PREDICTION,		"prediction get")			\
	X(PREDICTIONS,		"predictions list")			\
	X(CANCEL,		"prediction cancel")			\
	X(FOLLOW,		"prediction follow")			\
	X(UPLOAD,		"file upload")				\
	X(SAVE,			"outputs save")				\
	X(FETCH,		"fetch")				\
	X(COG,			"cog request")				\
	X(DOCKER,		"docker request")			\
	X(WEBHOOK,		"webhook")

enum client_req {
#define X(id, name) CLIENT_REQ_##id,
	CLIENT_REQ_LIST(X)
#undef X
	CLIENT_REQ__COUNT
};

/* Human name of a request kind ("model get"). */
const char *client_req_name(enum client_req req);

enum client_event_kind {
	CLIENT_EV_DONE,		/* request finished; payload below */
	CLIENT_EV_ERROR,	/* request failed; rc, http_status, err */
	CLIENT_EV_PROGRESS	/* followed prediction changed (see changed) */
};

/* Bits of client_event.changed for CLIENT_EV_PROGRESS. */
#define CLIENT_CHANGED_STATUS	0x1u
#define CLIENT_CHANGED_LOGS	0x2u
#define CLIENT_CHANGED_OUTPUT	0x4u
#define CLIENT_CHANGED_MODE	0x8u	/* follow fell back to polling */

/*
 * One event. Pointers are owned by the client and freed after the callback
 * returns, except that the callback may take any payload pointer by setting
 * the field to NULL (it then frees it with that type's *_free). PROGRESS
 * events lend the live prediction: read it, never take it. Exactly one
 * payload field is set for a DONE event (see each request's comment).
 */
struct client_event {
	enum client_event_kind kind;
	enum client_req req;
	unsigned id;		/* what the starter returned */
	enum client_rc rc;	/* CLIENT_OK unless ERROR */
	long	http_status;	/* last HTTP status seen, 0 if none */
	const char *err;	/* ERROR: one line naming the request */
	unsigned changed;	/* PROGRESS: CLIENT_CHANGED_* bits */
	bool	streaming;	/* FOLLOW: true while on SSE */
	/* payload (DONE; PROGRESS lends prediction) */
	struct model_page *models;		/* MODELS, SEARCH */
	struct model *model;			/* MODEL */
	struct collection_page *collections;	/* COLLECTIONS */
	struct collection *collection;		/* COLLECTION */
	struct version_page *versions;		/* VERSIONS */
	struct version *version;		/* VERSION */
	struct prediction_page *predictions;	/* PREDICTIONS, EXAMPLES */
	struct prediction *prediction;		/* CREATE, PREDICTION, CANCEL,
						   FOLLOW (terminal) */
	struct hardware_list *hardware;		/* HARDWARE */
	struct account *account;		/* ACCOUNT */
	struct replicate_file *file;		/* UPLOAD */
	struct client_saved *saved;		/* SAVE */
	char	*body;		/* RAW, COG, FETCH: response body
				   (NUL-terminated) */
	size_t	 body_len;
	void	*data;		/* COG/WEBHOOK: module-defined payload, */
	void	(*data_free)(void *);	/* freed with data_free */
};

typedef void (*client_event_fn)(struct client_event *ev, void *arg);

/* Fill every field of *cfg with its default (pointers NULL). */
void client_config_defaults(struct client_config *cfg);

/*
 * New client (caller frees with client_free()). NULL on failure with err
 * set (curl could not start, out of memory, bad api_base).
 */
struct client *client_new(const struct client_config *cfg, char *err,
    size_t errsz);

/* Abort every request, free everything; NULL is a no-op. */
void client_free(struct client *c);

/* The configured API base without trailing slash (borrowed). */
const char *client_api_base(const struct client *c);

/* The configured output directory or NULL (borrowed). */
const char *client_output_dir(const struct client *c);

/*
 * Block until the network, one of the n extra descriptors or a client timer
 * is ready, or timeout_ms passes (-1: no limit other than client timers).
 * Fills extra[i].revents. Returns 0, or -1 with err set (poll failed, or
 * more than CLIENT_MAX_WAIT_FDS extra descriptors); EINTR is not an error
 * (returns 0).
 */
int client_wait(struct client *c, struct pollfd *extra, unsigned n,
    int timeout_ms, char *err, size_t errsz);

/*
 * Drive transfers and timers without blocking and deliver every finished
 * or changed request to fn. fn may start requests and cancel any request,
 * the one whose event it is included; it must not call client_free() or
 * client_pump(). Returns the number of events delivered.
 */
int client_pump(struct client *c, client_event_fn fn, void *arg);

/* Milliseconds until the next client timer (capped by max_ms; -1 none). */
int client_timeout_ms(const struct client *c, int max_ms);

/* Requests still alive (transfers, retries waiting, follows). */
unsigned client_pending(const struct client *c);

/*
 * What the client is waiting for between two attempts of a request, for a
 * countdown in the CLI and the TUI: true while a retry is pending, with
 * why ("rate limited by api.replicate.com:443 (HTTP 429): retry 2", no
 * token; print it through the usual safe-text writer) and *left_ms, the
 * milliseconds until the soonest one starts. false, why "" and 0 when none.
 * Call it after client_pump() when the wait ends without an event.
 */
bool client_retry_wait(const struct client *c, char *why, size_t whysz,
    long *left_ms);

/*
 * Cancel a request locally: no more events for id; a follow stops (the
 * prediction keeps running on the server: use replicate_prediction_cancel).
 * Unknown ids are ignored.
 */
void client_cancel(struct client *c, unsigned id);

/*
 * For the command line: wait and pump, delivering events to fn, until
 * done(arg) is true (CLIENT_OK), an extra descriptor has revents (CLIENT_OK;
 * the caller looks at revents), or timeout_ms passes (-1: none;
 * CLIENT_ETIMEOUT with err set).
 */
enum client_rc client_run_until(struct client *c, bool (*done)(void *),
    void *done_arg, client_event_fn fn, void *fn_arg, struct pollfd *extra,
    unsigned n, int timeout_ms, char *err, size_t errsz);

/* Saved output files of one prediction (SAVE events). */
struct client_saved {
	char	**paths;	/* files written, in output order */
	size_t	  n;
	char	 *dir;		/* directory they are in */
};

/* Free a client_saved and its strings; NULL is a no-op. */
void client_saved_free(struct client_saved *s);

#endif
