/*
 * client/docker/docker_int.h: what the files of client/docker share and
 * nobody else may use: the handle, one operation's state and steps, and
 * the helpers each file lends the others. The public API is docker.h.
 */
#ifndef CLIENT_DOCKER_DOCKER_INT_H
#define CLIENT_DOCKER_DOCKER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client/docker/docker.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"

enum step {
	S_VERSION, S_MAIN, S_START, S_INSPECT, S_CLEANUP
};

struct docker {
	struct client *c;
	struct docker_endpoint ep;
	char	 api[16];		/* "" until negotiated */
	char	 server[64];
	char	*registry;		/* R8PLAY_REGISTRY or NULL */
	char	*auth_path;		/* docker config.json */
	char	 session[DOCKER_SESSION_LEN + 1];	/* DOCKER_LABEL_SESSION */
	long	 stall_ms, timeout_ms;
	struct dop *ops;
};

struct dop {
	struct dop *next;
	struct docker *d;
	enum docker_op op;
	enum step step;
	unsigned id, http;
	int	 busy;
	bool	 cancelled;
	char	 arg[DOCKER_MAX_REF];	/* ref or container id */
	char	 repo[DOCKER_MAX_REF], tag[DOCKER_MAX_REF];
	char	 auth[DOCKER_MAX_AUTH];
	char	*body;			/* create body */
	char	 cid[DOCKER_MAX_ID];
	bool	 force, follow;
	long	 tail;
	struct docker_pull_progress *pull;
	long long last_progress;
	struct docker_demux demux;
	char	*buf;			/* a 2xx body of a non-stream step */
	size_t	 len, alloc;
	enum client_rc sent_rc;		/* saved while cleaning up */
	long	 sent_status;
	bool	 gpu_refused, stream_failed;
	char	 err[CLIENT_ERR_MAX];
	long long t0;
	long	 ms[3];
};

void
dk_dop_free(struct dop *o);
struct dop *
dk_op_begin(struct docker *d, enum docker_op op, const char *arg, char *err,
    size_t errsz);
unsigned
dk_op_go(struct dop *o, char *err, size_t errsz);

enum client_rc
dk_parse_images(const char *body, size_t len, struct docker_image_list **out,
    char *err, size_t errsz);
enum client_rc
dk_parse_image(const char *body, size_t len, struct docker_image **out,
    char *err, size_t errsz);
enum client_rc
dk_parse_containers(const char *body, size_t len,
    struct docker_container_list **out, char *err, size_t errsz);
enum client_rc
dk_parse_container(const char *body, size_t len, struct docker_container **out,
    char *err, size_t errsz);
struct docker_result *
dk_result_new(const struct dop *o);
void
dk_finish(struct dop *o, enum client_rc rc, long status, const char *err,
    struct docker_result *r);
void
dk_fail(struct dop *o, enum client_rc rc, long status, const char *fmt,
    const char *msg);
void
dk_daemon_message(const struct http_response *res, char *out, size_t n);
void
dk_transport_message(const struct dop *o, const struct http_response *res,
    char *out, size_t n);
int
dk_send_req(struct dop *o, const char *method, const char *path,
    const char *body, bool stream, char *err, size_t errsz);
int
dk_send_main(struct dop *o, char *err, size_t errsz);
void
dk_log_line(int stream, const char *line, size_t len, void *arg);
bool
dk_on_data(struct client *c, unsigned id, const char *buf, size_t len,
    void *arg);
void
dk_on_done(struct client *c, unsigned id, struct http_response *res, void *arg);

const char *
dk_label(const cJSON *labels, const char *a, const char *b);
bool
dk_is_cog(const cJSON *labels);
int
dk_dup_str(const char *s, char **dst);

#endif
