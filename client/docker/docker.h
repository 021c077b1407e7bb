/*
 * client/docker/docker.h: the Docker Engine as r8play sees it. The only
 * module that speaks to the Docker socket (libcurl over a unix socket or a
 * loopback TCP port, on the client's multi handle: every operation is
 * non-blocking and ends as one event from client_pump()). Owns: finding the
 * daemon (DOCKER_HOST, /var/run/docker.sock, $XDG_RUNTIME_DIR/docker.sock),
 * API version negotiation from GET /version, Cog image and container lists
 * (run.cog.* and old org.cogmodel.* labels), pulls with their JSON-lines
 * progress stream, registry credentials from ~/.docker/config.json,
 * create+start with GPU device requests and a loopback port, logs (the
 * multiplexed stream), stop and remove. Errors are one line in words.
 * No terminal; cJSON only inside client/docker/.
 *
 *	d = docker_new(client, NULL, err, sizeof err);
 *	id = docker_pull(d, "r8.im/acme/model@sha256:...", err, sizeof err);
 *	// events: req CLIENT_REQ_DOCKER, data a struct docker_result *
 */
#ifndef PG_CLIENT_DOCKER_H
#define PG_CLIENT_DOCKER_H

#include <stdbool.h>
#include <stddef.h>

#include "client/net/rc.h"

struct client;

#define DOCKER_DEFAULT_SOCKET	"/var/run/docker.sock"
#define DOCKER_API_MAX		"1.44"	/* newest API we speak */
#define DOCKER_API_MIN		"1.41"	/* oldest we accept (Debian's 20.10) */
#define DOCKER_COG_PORT		5000	/* the port Cog listens on inside */
#define DOCKER_SHM_SIZE		(6LL << 30)	/* /dev/shm, as cog predict */
#define DOCKER_LABEL_MANAGED	"dev.r8play.managed"	/* "1" on ours */
#define DOCKER_LABEL_GPUS	"dev.r8play.gpus"	/* the --gpus asked */
#define DOCKER_LABEL_SESSION	"dev.r8play.session"	/* who started it */
#define DOCKER_SESSION_LEN	16	/* hex digits of a session id */
#define DOCKER_R8_REGISTRY	"r8.im"
#define DOCKER_MAX_PATH		256	/* socket path */
#define DOCKER_MAX_REF		512	/* image reference */
#define DOCKER_MAX_ID		80	/* container/image id or name */
#define DOCKER_MAX_LAYERS	256	/* layers tracked in one pull */
#define DOCKER_MAX_LINE		(64u << 10)	/* one pull-stream line */
#define DOCKER_MAX_LOG_LINE	(16u << 10)	/* longer log lines are cut */
#define DOCKER_MAX_ITEMS	1024	/* images/containers listed */
#define DOCKER_MAX_LABEL	(4u << 20)	/* one label value kept */
#define DOCKER_MAX_GPU_IDS	16
#define DOCKER_MAX_AUTH		4096	/* X-Registry-Auth header value */
#define DOCKER_MAX_GATEWAY	46	/* INET6_ADDRSTRLEN: gateway + NUL */
#define DOCKER_STOP_TIMEOUT_S	10	/* SIGTERM grace before SIGKILL */
#define DOCKER_PULL_STALL_MS	120000	/* a silent pull is a dead pull */
#define DOCKER_REQUEST_TIMEOUT_MS 600000	/* one call (a remove on vfs
						   can take minutes) */
#define DOCKER_PROGRESS_MS	100	/* pull PROGRESS events at most this
					   often */

/* ------------------------------------------------------------------ */
/* Finding the daemon (pure; also used by docker_new).                 */

struct docker_endpoint {
	char	socket[DOCKER_MAX_PATH];	/* unix socket, or "" for TCP */
	char	base[DOCKER_MAX_PATH];		/* "http://localhost" or
						   "http://127.0.0.1:2375" */
	char	name[DOCKER_MAX_PATH + 8];	/* for messages:
						   unix:///var/run/docker.sock */
};

/*
 * Where the daemon is: docker_host (DOCKER_HOST's value) when set and not
 * empty: unix:///path, or tcp://HOST:PORT with HOST on loopback (127.x,
 * localhost, [::1]); anything else (ssh://, a remote host, tls) is
 * ECONFIG with err saying so. Otherwise the first of
 * DOCKER_DEFAULT_SOCKET and xdg_runtime_dir/docker.sock that exists,
 * DOCKER_DEFAULT_SOCKET when neither does. CLIENT_OK and *out filled.
 */
enum client_rc docker_endpoint_resolve(const char *docker_host,
    const char *xdg_runtime_dir, struct docker_endpoint *out, char *err,
    size_t errsz);

/*
 * Negotiated API version: min(DOCKER_API_MAX, api_version), refused
 * (ECONFIG, err in words) when below min_api_version or below
 * DOCKER_API_MIN. Versions are "major.minor". CLIENT_OK and out filled.
 */
enum client_rc docker_api_negotiate(const char *api_version,
    const char *min_api_version, char *out, size_t n, char *err,
    size_t errsz);

/* ------------------------------------------------------------------ */
/* References and credentials (pure).                                  */

/*
 * Split ref into what POST /images/create wants: fromImage and tag
 * ("repo@sha256:x" -> repo + "sha256:x"; "repo:t" -> repo + t; "repo" ->
 * repo + "latest", never an empty tag, which would pull every tag). A
 * leading "r8.im/" becomes registry + "/" when registry is set and not
 * empty (R8PLAY_REGISTRY). full gets the reference to name the image by
 * afterwards (the rewritten ref, ":latest" added when it had no tag).
 * EINVAL with err set on an empty or malformed reference.
 */
enum client_rc docker_ref_split(const char *ref, const char *registry,
    char *repo, size_t repo_n, char *tag, size_t tag_n, char *full,
    size_t full_n, char *err, size_t errsz);

/* The registry host of a reference ("docker.io" when it names none). */
void docker_ref_registry(const char *ref, char *out, size_t n);
/* ref past its registry host ("127.0.0.1:5400/acme/x" -> "acme/x"; ref
 * itself when it names none). */
const char *docker_ref_path(const char *ref);
/* ref for a screen: a digest ("@sha256:" and 64 hex digits) cut to its
 * first 12 digits and an ellipsis, as docker shows image ids; else ref
 * itself (cut to n - 1 bytes). */
void docker_ref_short(const char *ref, char *out, size_t n);

/*
 * X-Registry-Auth value for registry from a ~/.docker/config.json text
 * (auths: "auth" base64 user:pass, or username/password, or
 * identitytoken): base64url of {"username","password","serveraddress"}.
 * Returns 1 and fills out, 0 when the file has no entry for registry, -1
 * with err set when the file or the entry is malformed or too long.
 */
int docker_auth_header(const char *config_json, size_t len,
    const char *registry, char *out, size_t n, char *err, size_t errsz);

/* ------------------------------------------------------------------ */
/* The pull stream (pure; fuzzed).                                     */

enum docker_layer_state {
	DOCKER_LAYER_WAITING,		/* Pulling fs layer, Waiting */
	DOCKER_LAYER_DOWNLOADING,
	DOCKER_LAYER_DOWNLOADED,	/* Verifying, Download complete */
	DOCKER_LAYER_EXTRACTING,
	DOCKER_LAYER_DONE		/* Pull complete, Already exists */
};

struct docker_layer {
	char	id[24];
	enum docker_layer_state state;
	unsigned long long current, total;	/* download bytes */
};

/* Progress of one pull, updated line by line. */
struct docker_pull_progress {
	struct docker_layer layers[DOCKER_MAX_LAYERS];
	unsigned n_layers;		/* layers seen (capped) */
	unsigned layers_done;
	unsigned long long bytes_done, bytes_total;	/* over all layers
							   with a known size */
	char	status[256];		/* last status line, sanitised */
	char	digest[96];		/* "sha256:..." once known */
	bool	finished;		/* the closing "Status: ..." line */
	bool	up_to_date;		/* "Image is up to date" */
	unsigned long lines;
	/* line assembly */
	char	*line;
	size_t	 line_len, line_alloc;
};

void docker_pull_progress_init(struct docker_pull_progress *p);
void docker_pull_progress_done(struct docker_pull_progress *p);

/*
 * Feed stream bytes (any split). Complete lines (\n or \r\n) are parsed:
 * progress lines update p; an {"error"...} line is EFAILED with its
 * message in err ("no space left on device" and the like); a line that is
 * not JSON is EPARSE; a line longer than DOCKER_MAX_LINE is ELIMIT. After
 * an error the parser refuses more input with the same code.
 */
enum client_rc docker_pull_feed(struct docker_pull_progress *p,
    const char *buf, size_t len, char *err, size_t errsz);

/* ------------------------------------------------------------------ */
/* The log stream (pure; fuzzed).                                      */

/*
 * Demultiplexer for GET /containers/{id}/logs: 8-byte stdcopy headers
 * [stream, 0, 0, 0, len BE32] then the payload, frames independent of
 * chunks. A body whose first header is not one (a TTY container) is
 * passed through raw as stdout. Complete lines are handed to fn
 * (stream 1 stdout, 2 stderr; no newline; lines longer than
 * DOCKER_MAX_LOG_LINE are cut into pieces).
 */
typedef void (*docker_line_fn)(int stream, const char *line, size_t len,
    void *arg);

struct docker_demux {
	unsigned char hdr[8];
	size_t	hdr_len;
	unsigned long long left;	/* payload bytes of this frame */
	int	stream;
	int	mode;			/* 0 unknown, 1 framed, 2 raw */
	bool	failed;
	char	*acc[3];		/* partial line per stream */
	size_t	 acc_len[3];
};

void docker_demux_init(struct docker_demux *m);
void docker_demux_done(struct docker_demux *m);

/*
 * Feed bytes. 0, or -1 with err set when a later header is malformed
 * (stream byte not 0-2 or padding not zero) or memory runs out; after
 * that it refuses more. docker_demux_flush hands out partial lines.
 */
int docker_demux_feed(struct docker_demux *m, const char *buf, size_t len,
    docker_line_fn fn, void *arg, char *err, size_t errsz);
void docker_demux_flush(struct docker_demux *m, docker_line_fn fn, void *arg);

/*
 * What a person reads of one log line, into out (n bytes, NUL-terminated,
 * cut): without a leading RFC 3339 timestamp; a JSON object with a
 * "message" (Cog's and uvicorn's structured logs) as that message, with
 * its "severity"/"level" before it unless INFO or DEBUG; anything else as
 * it is. Newlines become spaces; other bytes are the caller's to
 * sanitise. Returns the length written.
 */
size_t docker_log_text(const char *line, size_t len, char *out, size_t n);

/* ------------------------------------------------------------------ */
/* Results.                                                            */

struct docker_image {
	char	*id;		/* "sha256:..." */
	char	*ref;		/* first RepoTag, else first RepoDigest,
				   else the short id */
	char	**tags;		/* RepoTags then RepoDigests */
	size_t	  n_tags;
	long long created;	/* unix seconds */
	long long size;		/* bytes */
	char	*schema;	/* OpenAPI JSON from the label, or NULL */
	char	*config;	/* run.cog.config (cog.yaml as JSON) or NULL */
	char	*cog_version;	/* run.cog.version or NULL */
};

struct docker_image_list {
	struct docker_image *items;
	size_t	 n;
};

struct docker_container {
	char	*id;
	char	*name;		/* without the leading '/' */
	char	*image;		/* as created (the reference) */
	char	*state;		/* created, running, exited, ... */
	char	*status;	/* "Up 3 minutes" (lists only) */
	char	*url;		/* http://127.0.0.1:PORT or NULL */
	/*
	 * The gateway of the container's network (the host's side of the
	 * bridge, e.g. "172.17.0.1": where the container reaches r8play's
	 * webhook listener), an IP literal; NULL when the daemon gave none.
	 */
	char	*gateway;
	int	 host_port;	/* 0 when not published/running */
	bool	 managed;	/* carries DOCKER_LABEL_MANAGED */
	char	*gpus;		/* DOCKER_LABEL_GPUS or NULL */
	char	*session;	/* DOCKER_LABEL_SESSION or NULL */
	char	*cog_version;
	long long created;
};

struct docker_container_list {
	struct docker_container *items;
	size_t	 n;
};

/* X(id, name) */
#define DOCKER_OP_LIST(X)						\
	X(VERSION,	"version")					\
	X(IMAGES,	"images list")					\
	X(INSPECT_IMAGE, "image inspect")				\
	X(CONTAINERS,	"containers list")				\
	X(PULL,		"pull")						\
	X(START,	"start")					\
	X(INSPECT,	"container inspect")				\
	X(STOP,		"stop")						\
	X(REMOVE,	"remove")					\
	X(REMOVE_IMAGE,	"image remove")					\
	X(LOGS,		"logs")

enum docker_op {
#define X(id, name) DOCKER_OP_##id,
	DOCKER_OP_LIST(X)
#undef X
	DOCKER_OP__COUNT
};

const char *docker_op_name(enum docker_op op);

/*
 * The payload of every docker event (ev->req CLIENT_REQ_DOCKER, ev->data;
 * free with docker_result_free, which is ev->data_free; take it by setting
 * ev->data = NULL). DONE sets the field of its op; PROGRESS carries a
 * snapshot of the pull (PULL, at most every DOCKER_PROGRESS_MS) or one log
 * line (LOGS); a PULL's ERROR carries how far it got in pull. Every
 * pointer is owned by the result.
 */
struct docker_result {
	enum docker_op op;
	char	api[16];			/* negotiated version */
	char	server[64];			/* VERSION: "20.10.24+dfsg1" */
	struct docker_image_list *images;	/* IMAGES */
	struct docker_image *image;		/* INSPECT_IMAGE */
	struct docker_container_list *containers;	/* CONTAINERS */
	struct docker_container *container;	/* START, INSPECT */
	struct docker_pull_progress *pull;	/* PULL (line buffer NULL) */
	bool	gpu_refused;	/* START: ERROR because the daemon has no
				   GPU driver; the container was removed */
	int	 log_stream;	/* LOGS progress: 1 stdout, 2 stderr */
	char	*log_line;			/* NUL-terminated */
	size_t	 log_len;
	/* START timings (ms): create, start, inspect */
	long	 ms_create, ms_start, ms_inspect;
};

void docker_result_free(void *r);
void docker_image_list_free(struct docker_image_list *l);
void docker_image_free(struct docker_image *im);
void docker_container_list_free(struct docker_container_list *l);
void docker_container_free(struct docker_container *ct);

/* ------------------------------------------------------------------ */
/* Operations.                                                         */

struct docker_config {
	const char *host;		/* NULL: getenv("DOCKER_HOST") */
	const char *registry;		/* config registry, or NULL;
					   R8PLAY_REGISTRY wins when set */
	const char *docker_config;	/* config.json path; NULL:
					   $DOCKER_CONFIG/config.json, else
					   ~/.docker/config.json */
	long	pull_stall_ms;		/* 0: DOCKER_PULL_STALL_MS */
	long	request_timeout_ms;	/* non-stream calls; 0:
					   DOCKER_REQUEST_TIMEOUT_MS */
};

struct docker;

/*
 * A handle on the daemon for client c (borrowed; outlives the handle).
 * Resolves the endpoint only: nothing is sent until an operation starts.
 * NULL with err set (ECONFIG-style message) on a bad DOCKER_HOST or out
 * of memory. Free with docker_free().
 */
struct docker *docker_new(struct client *c, const struct docker_config *cfg,
    char *err, size_t errsz);
void docker_free(struct docker *d);	/* cancels its operations; NULL ok */
/* The registry that replaces r8.im (R8PLAY_REGISTRY, else the config's),
 * or NULL; d's until docker_free(). */
const char *docker_registry(const struct docker *d);

/*
 * Every container d starts carries DOCKER_LABEL_SESSION: a random id drawn
 * by docker_new(), one per r8play process. True when ct was started
 * through d (this process), so a TUI stops on quit or when idle only what
 * it started, never the containers of another r8play still using them.
 */
bool docker_container_mine(const struct docker *d,
    const struct docker_container *ct);

/* The endpoint's name for messages ("unix:///var/run/docker.sock"). */
const char *docker_name(const struct docker *d);

/*
 * Every operation returns an event id (> 0), or 0 with err set (the socket
 * is missing or not ours to open, a bad argument, out of memory). The
 * first one negotiates the API version (GET /version) and keeps it.
 * client_cancel(id) aborts an operation (a pull's connection is closed,
 * which makes the daemon stop it); no event follows.
 */
unsigned docker_version(struct docker *d, char *err, size_t errsz);
/* Cog images only (their labels); DONE: images. */
unsigned docker_images(struct docker *d, char *err, size_t errsz);
/* One image by reference or id, Cog or not; DONE: image. */
unsigned docker_image_inspect(struct docker *d, const char *ref, char *err,
    size_t errsz);
/* Containers of Cog images, r8play's and others', all states; DONE:
   containers. */
unsigned docker_containers(struct docker *d, char *err, size_t errsz);
/* Pull ref (see docker_ref_split); PROGRESS per line, DONE at the end. */
unsigned docker_pull(struct docker *d, const char *ref, char *err,
    size_t errsz);

enum docker_gpus {
	DOCKER_GPUS_NONE,
	DOCKER_GPUS_ALL,
	DOCKER_GPUS_COUNT,
	DOCKER_GPUS_IDS
};

struct docker_gpu_request {
	enum docker_gpus kind;
	int	count;				/* COUNT */
	char	ids[DOCKER_MAX_GPU_IDS][32];	/* IDS */
	unsigned n_ids;
};

/*
 * Parse --gpus: "all", "none" (or ""), a count "2", or device ids
 * "0,1" / "GPU-uuid,...". 0, or -1 with err set.
 */
int docker_gpus_parse(const char *s, struct docker_gpu_request *out,
    char *err, size_t errsz);

struct docker_start_opts {
	const char *image;		/* reference or id (must be local) */
	struct docker_gpu_request gpus;
	int	host_port;		/* 0: a free one, picked by the daemon */
	const char *name;		/* NULL: the daemon names it */
};

/*
 * Create and start a container of a Cog image: port DOCKER_COG_PORT
 * published on 127.0.0.1 (host_port, or a free one read back from
 * inspect), ShmSize DOCKER_SHM_SIZE, DeviceRequests from gpus, labelled
 * DOCKER_LABEL_MANAGED. When start fails the half-made container is
 * removed before the ERROR; a daemon without a GPU driver sets
 * gpu_refused. DONE: container (url set) and the three timings.
 */
unsigned docker_start(struct docker *d, const struct docker_start_opts *o,
    char *err, size_t errsz);
/* Inspect one container; DONE: container. */
unsigned docker_inspect(struct docker *d, const char *id, char *err,
    size_t errsz);
/* Stop (SIGTERM, DOCKER_STOP_TIMEOUT_S, SIGKILL); already stopped is OK. */
unsigned docker_stop(struct docker *d, const char *id, char *err,
    size_t errsz);
/* Remove a container (force: even a running one). */
unsigned docker_remove(struct docker *d, const char *id, bool force,
    char *err, size_t errsz);
/* Remove an image by reference or id (force). */
unsigned docker_image_remove(struct docker *d, const char *ref, char *err,
    size_t errsz);
/*
 * Logs of a container (stdout and stderr), the last tail lines (-1: all);
 * follow: keep going until the container stops or the id is cancelled.
 * PROGRESS per line, DONE when the stream ends.
 */
unsigned docker_logs(struct docker *d, const char *id, long tail,
    bool follow, char *err, size_t errsz);

#endif
