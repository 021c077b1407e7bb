/*
 * client/docker/docker_step.c: the steps of one Docker operation after
 * the version is negotiated: the main request, start/inspect/cleanup for
 * a run, streamed pulls and logs, and the transport callbacks.
 */
#include "client/docker/docker.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"
#include "client/docker/docker_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* GET /version answered: negotiate, remember, go on. */
static void
step_version(struct dop *o, struct http_response *res)
{
	char e[CLIENT_ERR_MAX], api[16], minv[16];
	enum client_rc rc = CLIENT_OK;
	cJSON *j;

	j = json_parse(res->body, res->len, &rc, e, sizeof e);
	if (j == NULL) {
		dk_fail(o, CLIENT_ESHAPE, res->status, "%s: the Docker daemon's "
		    "/version is not JSON (%s)", e);
		return;
	}
	snprintf(api, sizeof api, "%s", json_str(j, "ApiVersion") ?
	    json_str(j, "ApiVersion") : "");
	snprintf(minv, sizeof minv, "%s", json_str(j, "MinAPIVersion") ?
	    json_str(j, "MinAPIVersion") : "");
	snprintf(o->d->server, sizeof o->d->server, "%s",
	    json_str(j, "Version") ? json_str(j, "Version") : "");
	cJSON_Delete(j);
	rc = docker_api_negotiate(api, minv, o->d->api, sizeof o->d->api, e,
	    sizeof e);
	if (rc != CLIENT_OK) {
		o->d->api[0] = '\0';
		dk_finish(o, rc, res->status, e, NULL);
		return;
	}
	if (o->op == DOCKER_OP_VERSION) {
		dk_finish(o, CLIENT_OK, res->status, NULL, NULL);
		return;
	}
	o->step = S_MAIN;
	if (dk_send_main(o, e, sizeof e) != 0)
		dk_finish(o, CLIENT_ENOMEM, 0, e, NULL);
}

static bool
gpu_message(const char *m)
{
	return strstr(m, "could not select device driver") != NULL ||
	    strstr(m, "nvidia-container-cli") != NULL;
}

/* START: the create, start, inspect and cleanup answers. */
static void
step_start(struct dop *o, struct http_response *res)
{
	char e[CLIENT_ERR_MAX], m[CLIENT_ERR_MAX], path[256];
	struct docker_result *r;
	long long now = client_now_ms();
	enum client_rc rc;
	cJSON *j;

	if (o->step == S_MAIN) {	/* create */
		o->ms[0] = (long)(now - o->t0);
		if (res->status != 201) {
			dk_daemon_message(res, m, sizeof m);
			if (res->status == 404 && strstr(m, "No such image"))
				snprintf(e, sizeof e, "start: image %.120s is not "
				    "here: pull it first", o->repo);
			else
				snprintf(e, sizeof e, "start: create: %.200s", m);
			dk_finish(o, http_status_rc(res->status), res->status, e,
			    NULL);
			return;
		}
		j = json_parse(res->body, res->len, NULL, e, sizeof e);
		if (j == NULL || json_str(j, "Id") == NULL ||
		    strlen(json_str(j, "Id")) >= sizeof o->cid) {
			cJSON_Delete(j);
			dk_finish(o, CLIENT_ESHAPE, res->status, "start: create "
			    "answered no container id", NULL);
			return;
		}
		snprintf(o->cid, sizeof o->cid, "%s", json_str(j, "Id"));
		cJSON_Delete(j);
		o->step = S_START;
		o->t0 = now;
		snprintf(path, sizeof path, "/containers/%s/start", o->cid);
		if (dk_send_req(o, "POST", path, NULL, false, e, sizeof e) != 0)
			dk_finish(o, CLIENT_ENOMEM, 0, e, NULL);
		return;
	}
	if (o->step == S_START) {
		o->ms[1] = (long)(now - o->t0);
		if (res->status != 204 && res->status != 304) {
			dk_daemon_message(res, m, sizeof m);
			o->gpu_refused = gpu_message(m);
			if (o->gpu_refused)
				snprintf(o->err, sizeof o->err, "start: no GPU "
				    "for the container: the Docker daemon has "
				    "no NVIDIA runtime (%.80s); install the NVIDIA "
				    "Container Toolkit, or start it on CPU "
				    "(--gpus none)", m);
			else
				snprintf(o->err, sizeof o->err, "start: %.200s", m);
			o->sent_rc = o->gpu_refused ? CLIENT_ECONFIG :
			    http_status_rc(res->status);
			o->sent_status = res->status;
			/* remove the half-made container, then report */
			o->step = S_CLEANUP;
			snprintf(path, sizeof path, "/containers/%s?force=1",
			    o->cid);
			if (dk_send_req(o, "DELETE", path, NULL, false, e,
			    sizeof e) != 0)
				dk_finish(o, o->sent_rc, o->sent_status, o->err,
				    NULL);
			return;
		}
		o->step = S_INSPECT;
		o->t0 = now;
		snprintf(path, sizeof path, "/containers/%s/json", o->cid);
		if (dk_send_req(o, "GET", path, NULL, false, e, sizeof e) != 0)
			dk_finish(o, CLIENT_ENOMEM, 0, e, NULL);
		return;
	}
	if (o->step == S_CLEANUP) {
		if (res->status != 204 && res->status != 404) {
			size_t l = strlen(o->err);

			dk_daemon_message(res, m, sizeof m);
			snprintf(o->err + l, sizeof o->err - l, " (and the "
			    "container %.12s could not be removed: %s)",
			    o->cid, m);
		}
		dk_finish(o, o->sent_rc, o->sent_status, o->err, NULL);
		return;
	}
	/* S_INSPECT */
	o->ms[2] = (long)(now - o->t0);
	r = dk_result_new(o);
	if (r == NULL) {
		dk_finish(o, CLIENT_ENOMEM, 0, "out of memory", NULL);
		return;
	}
	if (res->status != 200) {
		docker_result_free(r);
		dk_daemon_message(res, m, sizeof m);
		dk_fail(o, http_status_rc(res->status), res->status, "%s: inspect: "
		    "%s", m);
		return;
	}
	rc = dk_parse_container(res->body, res->len, &r->container, e, sizeof e);
	if (rc != CLIENT_OK) {
		docker_result_free(r);
		dk_fail(o, rc, res->status, "%s: inspect: %s", e);
		return;
	}
	r->ms_create = o->ms[0];
	r->ms_start = o->ms[1];
	r->ms_inspect = o->ms[2];
	dk_finish(o, CLIENT_OK, res->status, NULL, r);
}

static void
emit_progress(struct dop *o, struct docker_result *r)
{
	struct client_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = CLIENT_EV_PROGRESS;
	ev.req = CLIENT_REQ_DOCKER;
	ev.id = o->id;
	ev.data = r;
	ev.data_free = docker_result_free;
	o->busy++;
	client_emit(o->d->c, &ev);
	o->busy--;
}

static void
pull_progress(struct dop *o)
{
	struct docker_result *r = dk_result_new(o);

	if (r == NULL)
		return;
	r->pull = malloc(sizeof *r->pull);
	if (r->pull == NULL) {
		free(r);
		return;
	}
	*r->pull = *o->pull;
	r->pull->line = NULL;
	r->pull->line_len = r->pull->line_alloc = 0;
	emit_progress(o, r);
}

void
dk_log_line(int stream, const char *line, size_t len, void *arg)
{
	struct dop *o = arg;
	struct docker_result *r;

	if (o->cancelled)
		return;
	r = dk_result_new(o);
	if (r == NULL)
		return;
	r->log_line = malloc(len + 1);
	if (r->log_line == NULL) {
		free(r);
		return;
	}
	memcpy(r->log_line, line, len);
	r->log_line[len] = '\0';
	r->log_len = len;
	r->log_stream = stream;
	emit_progress(o, r);
}

/* Is the current request a stream read as it comes (pull, logs)? */
static bool
streaming(const struct dop *o)
{
	return (o->op == DOCKER_OP_PULL || o->op == DOCKER_OP_LOGS) &&
	    o->step == S_MAIN;
}

bool
dk_on_data(struct client *c, unsigned id, const char *buf, size_t len,
    void *arg)
{
	struct dop *o = arg;
	long long now;
	enum client_rc rc;

	(void)c;
	(void)id;
	if (o->cancelled || o->stream_failed)
		return false;
	if (!streaming(o)) {
		if (o->len + len + 1 > CLIENT_MAX_JSON_BYTES)
			return false;
		if (o->len + len + 1 > o->alloc) {
			size_t na = o->alloc ? o->alloc : 4096;
			char *t;

			while (na < o->len + len + 1)
				na *= 2;
			t = realloc(o->buf, na);
			if (t == NULL)
				return false;
			o->buf = t;
			o->alloc = na;
		}
		memcpy(o->buf + o->len, buf, len);
		o->len += len;
		o->buf[o->len] = '\0';
		return true;
	}
	if (o->op == DOCKER_OP_LOGS) {
		if (docker_demux_feed(&o->demux, buf, len, dk_log_line, o, o->err,
		    sizeof o->err) != 0) {
			o->stream_failed = true;
			o->sent_rc = CLIENT_EPARSE;
			return false;
		}
		return true;
	}
	rc = docker_pull_feed(o->pull, buf, len, o->err, sizeof o->err);
	if (rc != CLIENT_OK) {
		o->stream_failed = true;
		o->sent_rc = rc;
		return false;
	}
	now = client_now_ms();
	if (now - o->last_progress >= DOCKER_PROGRESS_MS) {
		o->last_progress = now;
		pull_progress(o);
	}
	return true;
}

/* A stream (pull, logs) ended. */
static void
step_stream(struct dop *o, struct http_response *res)
{
	char m[CLIENT_ERR_MAX];
	struct docker_result *r;

	if (o->stream_failed) {
		if (o->op == DOCKER_OP_LOGS)
			docker_demux_flush(&o->demux, dk_log_line, o);
		if (o->cancelled) {
			dk_dop_free(o);
			return;
		}
		dk_finish(o, o->sent_rc, res->status, o->err, NULL);
		return;
	}
	if (res->rc != CLIENT_OK && res->status == 0) {
		if (res->rc == CLIENT_ETIMEOUT && o->op == DOCKER_OP_PULL)
			snprintf(m, sizeof m, "pull of %.120s stalled: no word "
			    "from the Docker daemon for %ld s", o->arg,
			    (o->d->stall_ms + 999) / 1000);
		else if (o->op == DOCKER_OP_PULL && o->pull->lines > 0)
			snprintf(m, sizeof m, "pull: the Docker daemon ended "
			    "the pull of %.100s before it finished (%.80s)", o->arg,
			    res->err != NULL ? res->err : "connection lost");
		else
			dk_transport_message(o, res, m, sizeof m);
		dk_finish(o, res->rc, 0, m, NULL);
		return;
	}
	if (res->status != 200) {
		dk_daemon_message(res, m, sizeof m);
		if (o->op == DOCKER_OP_PULL && res->status == 404)
			dk_fail(o, CLIENT_ENOTFOUND, res->status, "%s: not in the "
			    "registry: %s", m);
		else
			dk_fail(o, http_status_rc(res->status), res->status,
			    "%s: %s", m);
		return;
	}
	if (o->op == DOCKER_OP_LOGS) {
		docker_demux_flush(&o->demux, dk_log_line, o);
		if (o->cancelled) {
			dk_dop_free(o);
			return;
		}
		dk_finish(o, CLIENT_OK, res->status, NULL, NULL);
		return;
	}
	/* a last line without its newline */
	if (o->pull->line_len > 0 && docker_pull_feed(o->pull, "\n", 1,
	    m, sizeof m) != CLIENT_OK) {
		dk_finish(o, CLIENT_EFAILED, res->status, m, NULL);
		return;
	}
	if (!o->pull->finished) {
		dk_fail(o, CLIENT_ENET, res->status, "%s: the Docker daemon ended "
		    "the pull of %s before it finished", o->arg);
		return;
	}
	r = dk_result_new(o);
	if (r != NULL) {
		r->pull = malloc(sizeof *r->pull);
		if (r->pull != NULL) {
			*r->pull = *o->pull;
			r->pull->line = NULL;
			r->pull->line_len = r->pull->line_alloc = 0;
		}
	}
	dk_finish(o, CLIENT_OK, res->status, NULL, r);
}

void
dk_on_done(struct client *c, unsigned id, struct http_response *res, void *arg)
{
	struct dop *o = arg;
	struct docker_result *r;
	char m[CLIENT_ERR_MAX], e[CLIENT_ERR_MAX];
	enum client_rc rc = CLIENT_OK;

	(void)c;
	(void)id;
	if (o->cancelled) {
		if (o->busy == 0)
			dk_dop_free(o);
		return;
	}
	if (streaming(o)) {
		step_stream(o, res);
		return;
	}
	if (res->rc == CLIENT_ECANCEL && res->status >= 200 &&
	    res->status < 300) {
		dk_fail(o, CLIENT_ELIMIT, res->status, "%s: answer larger than "
		    "%s", "the limit");
		return;
	}
	if (res->status >= 200 && res->status < 300) {
		/* the 2xx body went to dk_on_data; lend it to the steps */
		if (o->buf == NULL && (o->buf = calloc(1, 1)) == NULL) {
			dk_finish(o, CLIENT_ENOMEM, 0, "out of memory", NULL);
			return;
		}
		res->body = o->buf;
		res->len = o->len;
	}
	if (res->rc != CLIENT_OK && res->status == 0) {
		dk_transport_message(o, res, m, sizeof m);
		dk_finish(o, res->rc, 0, m, NULL);
		return;
	}
	if (o->step == S_VERSION) {
		if (res->status != 200) {
			dk_daemon_message(res, m, sizeof m);
			dk_fail(o, http_status_rc(res->status), res->status,
			    "%s: the Docker daemon answered /version with: %s",
			    m);
			return;
		}
		step_version(o, res);
		return;
	}
	if (o->op == DOCKER_OP_START) {
		step_start(o, res);
		return;
	}
	if (o->op == DOCKER_OP_VERSION) {
		dk_finish(o, CLIENT_OK, res->status, NULL, NULL);
		return;
	}
	/* stop: 304 already stopped; remove: 404 gone already is an error */
	if (res->status >= 300 && !(o->op == DOCKER_OP_STOP &&
	    res->status == 304)) {
		dk_daemon_message(res, m, sizeof m);
		dk_fail(o, http_status_rc(res->status), res->status, "%s: %s", m);
		return;
	}
	r = dk_result_new(o);
	if (r == NULL) {
		dk_finish(o, CLIENT_ENOMEM, 0, "out of memory", NULL);
		return;
	}
	e[0] = '\0';
	switch (o->op) {
	case DOCKER_OP_IMAGES:
		rc = dk_parse_images(res->body, res->len, &r->images, e, sizeof e);
		break;
	case DOCKER_OP_INSPECT_IMAGE:
		rc = dk_parse_image(res->body, res->len, &r->image, e, sizeof e);
		break;
	case DOCKER_OP_CONTAINERS:
		rc = dk_parse_containers(res->body, res->len, &r->containers, e,
		    sizeof e);
		break;
	case DOCKER_OP_INSPECT:
		rc = dk_parse_container(res->body, res->len, &r->container, e,
		    sizeof e);
		break;
	default:
		break;
	}
	if (rc != CLIENT_OK) {
		docker_result_free(r);
		dk_fail(o, rc, res->status, "%s: %s", e);
		return;
	}
	dk_finish(o, CLIENT_OK, res->status, NULL, r);
}
