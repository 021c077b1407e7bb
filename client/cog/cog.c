/*
 * client/cog/cog.c: the Cog server backend (see cog.h). The pure parts (health,
 * problems, merge of out-of-order webhooks, output text, schema-less input)
 * come first; then the requests on client/net/http.h and the glue that lets the
 * webhook listener run inside client_wait()/client_pump().
 */
#include "client/cog/cog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/files/files.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"
#include "client/net/prediction.h"
#include "client/forms/schema.h"

static const char *const health_names[] = {
#define X(id, name) name,
	COG_HEALTH_LIST(X)
#undef X
};

const char *
cog_health_name(enum cog_health_state st)
{
	if ((unsigned)st >= COG_HEALTH__COUNT)
		return "UNKNOWN";
	return health_names[st];
}

bool
cog_health_can_predict(const struct cog_health *h)
{
	return h->state == COG_HEALTH_READY || h->state == COG_HEALTH_UNHEALTHY;
}

void
cog_health_done(struct cog_health *h)
{
	if (h == NULL)
		return;
	free(h->status_text);
	free(h->setup_status);
	free(h->setup_logs);
	free(h->setup_started_at);
	free(h->setup_completed_at);
	free(h->user_healthcheck_error);
	free(h->cog_version);
	memset(h, 0, sizeof *h);
}

void
cog_health_free(struct cog_health *h)
{
	cog_health_done(h);
	free(h);
}

enum client_rc
cog_health_parse(long status, const char *body, size_t len,
    struct cog_health *out, char *err, size_t errsz)
{
	enum client_rc rc = CLIENT_OK;
	const cJSON *setup, *ver;
	char jerr[160];
	cJSON *root;
	bool oom = false;
	size_t i;

	memset(out, 0, sizeof *out);
	out->http_status = status;
	if (status != 200 && status != 503) {
		cog_problem("health-check", status, body, len, err, errsz);
		return http_status_rc(status) == CLIENT_OK ? CLIENT_EHTTP :
		    http_status_rc(status);
	}
	root = json_parse(body, len, &rc, jerr, sizeof jerr);
	if (root == NULL) {
		if (status == 503) {
			/* newer Cog, not ready, body not JSON */
			out->state = COG_HEALTH_STARTING;
			return CLIENT_OK;
		}
		snprintf(err, errsz, "health-check: %s", jerr);
		return rc;
	}
	if (!cJSON_IsObject(root)) {
		snprintf(err, errsz, "health-check: expected an object");
		cJSON_Delete(root);
		return CLIENT_ESHAPE;
	}
	oom |= json_dup(root, "status", &out->status_text) != 0;
	out->state = status == 503 ? COG_HEALTH_STARTING : COG_HEALTH_UNKNOWN;
	if (out->status_text != NULL)
		for (i = 1; i < COG_HEALTH__COUNT; i++)
			if (strcmp(out->status_text, health_names[i]) == 0)
				out->state = (enum cog_health_state)i;
	if (out->status_text == NULL && status == 200) {
		snprintf(err, errsz, "health-check: no \"status\" in the body");
		cJSON_Delete(root);
		cog_health_done(out);
		out->http_status = status;
		return CLIENT_ESHAPE;
	}
	setup = json_obj(root, "setup");
	oom |= json_dup(setup, "status", &out->setup_status) != 0;
	oom |= json_dup(setup, "logs", &out->setup_logs) != 0;
	oom |= json_dup(setup, "started_at", &out->setup_started_at) != 0;
	oom |= json_dup(setup, "completed_at", &out->setup_completed_at) != 0;
	oom |= json_dup(root, "user_healthcheck_error",
	    &out->user_healthcheck_error) != 0;
	ver = json_obj(root, "version");
	oom |= json_dup(ver, "cog", &out->cog_version) != 0;
	cJSON_Delete(root);
	if (oom) {
		cog_health_done(out);
		snprintf(err, errsz, "health-check: out of memory");
		return CLIENT_ENOMEM;
	}
	return CLIENT_OK;
}

/* ---- messages ---- */

/*
 * Append s to buf[*at..n) with control characters made visible: C0 and DEL
 * as \xHH, C1 (U+0080-U+009F) and the bidi controls (U+202A-U+202E,
 * U+2066-U+2069) as \uHHHH, and a byte that is not valid UTF-8 as \xHH.
 */
static void
put_visible(char *buf, size_t n, size_t *at, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, j;

	while (i < len && *at + 1 < n) {
		unsigned ch = u[i];
		char esc[8];
		size_t el;

		if (ch == '\n' || ch == '\t' || ch == '\r')
			ch = ' ';
		k = ch < 0x80 ? 1 : ch >= 0xc2 && ch <= 0xdf ? 2 :
		    ch >= 0xe0 && ch <= 0xef ? 3 : ch >= 0xf0 && ch <= 0xf4 ?
		    4 : 0;
		for (j = 1; j < k; j++)
			if (i + j >= len || (u[i + j] & 0xc0) != 0x80)
				k = 0;
		esc[0] = '\0';
		if (ch < 0x20 || ch == 0x7f || k == 0)
			snprintf(esc, sizeof esc, "\\x%02x", ch);
		else if (k == 2 && ch == 0xc2 && u[i + 1] <= 0x9f)
			snprintf(esc, sizeof esc, "\\u%04x", u[i + 1]);
		else if (k == 3 && ch == 0xe2 && ((u[i + 1] == 0x80 &&
		    u[i + 2] >= 0xaa && u[i + 2] <= 0xae) || (u[i + 1] == 0x81 &&
		    u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9)))
			snprintf(esc, sizeof esc, "\\u%04x", 0x2000u |
			    (unsigned)(u[i + 1] & 0x3f) << 6 | (u[i + 2] & 0x3f));
		if (esc[0] != '\0') {
			el = strlen(esc);
			if (*at + el + 1 >= n)
				break;
			memcpy(buf + *at, esc, el);
			*at += el;
			i += k == 0 ? 1 : k;
			continue;
		}
		if (*at + k + 1 >= n)
			break;
		buf[(*at)++] = (char)ch;
		for (j = 1; j < k; j++)
			buf[(*at)++] = (char)u[i + j];
		i += k;
	}
	buf[*at] = '\0';
}

static void
put_str(char *buf, size_t n, size_t *at, const char *s)
{
	put_visible(buf, n, at, s, strlen(s));
}

/* "width" from ["body","input","width"], "body" from ["body", 9]. */
static void
loc_name(const cJSON *loc, char *buf, size_t n)
{
	const cJSON *it;
	size_t at = 0;
	int idx = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(it, loc) {
		char tmp[32];

		if (idx == 0 && cJSON_IsString(it) &&
		    strcmp(it->valuestring, "body") == 0 &&
		    it->next != NULL) {
			idx++;
			continue;
		}
		if (idx == 1 && cJSON_IsString(it) &&
		    strcmp(it->valuestring, "input") == 0 &&
		    it->next != NULL && at == 0) {
			idx++;
			continue;
		}
		idx++;
		if (cJSON_IsString(it)) {
			if (at > 0)
				put_str(buf, n, &at, ".");
			put_str(buf, n, &at, it->valuestring);
		} else if (cJSON_IsNumber(it)) {
			snprintf(tmp, sizeof tmp, "[%d]", it->valueint);
			put_str(buf, n, &at, tmp);
		}
	}
	if (at == 0)
		snprintf(buf, n, "body");
}

size_t
cog_validation_lines(const char *body, size_t len, char *buf, size_t bufsz,
    const char **lines, size_t max)
{
	const cJSON *detail, *it;
	size_t at = 0, count = 0;
	cJSON *root;

	if (bufsz == 0)
		return 0;
	buf[0] = '\0';
	root = json_parse(body, len, NULL, buf, bufsz);
	buf[0] = '\0';
	if (root == NULL)
		return 0;
	detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
	if (cJSON_IsString(detail) && max > 0) {
		lines[count++] = buf;
		put_str(buf, bufsz, &at, detail->valuestring);
	}
	if (cJSON_IsArray(detail))
		cJSON_ArrayForEach(it, detail) {
			const char *msg = json_str(it, "msg");
			char name[128];

			if (count >= max || at + 2 >= bufsz)
				break;
			loc_name(cJSON_GetObjectItemCaseSensitive(it, "loc"),
			    name, sizeof name);
			lines[count++] = buf + at;
			put_str(buf, bufsz, &at, name);
			put_str(buf, bufsz, &at, ": ");
			put_str(buf, bufsz, &at, msg ? msg : "invalid");
			if (at + 1 < bufsz)
				at++;	/* keep the NUL: next line after it */
			else
				break;
		}
	cJSON_Delete(root);
	return count;
}

enum client_rc
cog_problem(const char *what, long status, const char *body, size_t len,
    char *err, size_t errsz)
{
	enum client_rc rc = http_status_rc(status);
	const char *detail = NULL, *errtext = NULL;
	cJSON *root = NULL;
	size_t at = 0;

	if (errsz == 0)
		return rc;
	if (rc == CLIENT_OK)
		rc = CLIENT_EHTTP;
	err[0] = '\0';
	put_str(err, errsz, &at, what);
	put_str(err, errsz, &at, ": ");
	if (body != NULL && len > 0 && (body[0] == '{' || body[0] == '['))
		root = json_parse(body, len, NULL, NULL, 0);
	if (root != NULL) {
		detail = json_str(root, "detail");
		errtext = json_str(root, "error");
	}
	if (status == 422) {
		const char *lines[32];
		char lb[COG_MAX_MESSAGE];
		size_t n = cog_validation_lines(body, len, lb, sizeof lb,
		    lines, 32), i;

		rc = CLIENT_EINVAL;
		put_str(err, errsz, &at, "invalid input: ");
		for (i = 0; i < n; i++) {
			if (i > 0)
				put_str(err, errsz, &at, "; ");
			put_str(err, errsz, &at, lines[i]);
		}
		if (n == 0)
			put_str(err, errsz, &at, "HTTP 422");
	} else if (status == 409) {
		put_str(err, errsz, &at, "the server is busy");
		if (detail || errtext) {
			put_str(err, errsz, &at, " (");
			put_str(err, errsz, &at, detail ? detail : errtext);
			put_str(err, errsz, &at, ")");
		}
		put_str(err, errsz, &at,
		    "; another prediction or setup is running");
	} else if (status == 404) {
		put_str(err, errsz, &at, "no such prediction (HTTP 404)");
	} else if (status == 503) {
		put_str(err, errsz, &at, "the server is not ready (HTTP 503)");
		if (detail || errtext) {
			put_str(err, errsz, &at, ": ");
			put_str(err, errsz, &at, detail ? detail : errtext);
		}
	} else if (status >= 500) {
		char code[32];

		snprintf(code, sizeof code, "HTTP %ld", status);
		put_str(err, errsz, &at, code);
		if (detail || errtext) {
			put_str(err, errsz, &at, ": ");
			put_str(err, errsz, &at, detail ? detail : errtext);
		} else {
			put_str(err, errsz, &at, " (the model's worker died or "
			    "setup failed; see /health-check)");
		}
	} else {
		char code[32];

		snprintf(code, sizeof code, "HTTP %ld", status);
		put_str(err, errsz, &at, code);
		if (detail || errtext) {
			put_str(err, errsz, &at, ": ");
			put_str(err, errsz, &at, detail ? detail : errtext);
		}
	}
	cJSON_Delete(root);
	return rc;
}

/* ---- following a prediction ---- */

static bool
effectively_failed(const struct prediction *p)
{
	return p->status == PREDICTION_SUCCEEDED && p->error != NULL &&
	    p->error[0] != '\0';
}

int
cog_merge(struct prediction *cur, const struct prediction *upd)
{
	struct prediction tmp;
	unsigned changed = 0;

	if (prediction_status_terminal(cur->status) &&
	    cur->status_text != NULL)
		return 0;
	if (!prediction_status_terminal(upd->status)) {
		if (upd->logs_len < cur->logs_len ||
		    upd->n_outputs < cur->n_outputs)
			return 0;	/* an older payload, arrived late */
	}
	if (prediction_copy(&tmp, upd) != 0)
		return -1;
	if (effectively_failed(&tmp))
		tmp.status = PREDICTION_FAILED;
	if (tmp.status != cur->status || cur->status_text == NULL)
		changed |= CLIENT_CHANGED_STATUS;
	if (tmp.logs_len != cur->logs_len)
		changed |= CLIENT_CHANGED_LOGS;
	if (tmp.n_outputs != cur->n_outputs ||
	    (tmp.output_json == NULL) != (cur->output_json == NULL) ||
	    (tmp.output_json != NULL &&
	    strcmp(tmp.output_json, cur->output_json) != 0))
		changed |= CLIENT_CHANGED_OUTPUT;
	/* keep the id we chose when a payload has none */
	if (tmp.id == NULL && cur->id != NULL) {
		tmp.id = cur->id;
		cur->id = NULL;
	}
	prediction_done(cur);
	*cur = tmp;
	return (int)changed;
}

char *
cog_output_text(const struct prediction *p, const struct schema *s)
{
	size_t i, ntext = 0;

	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].kind == PREDICTION_OUTPUT_TEXT)
			ntext++;
	if (ntext == 0)
		return NULL;
	if (s != NULL && s->has_output && s->output.concatenate)
		return prediction_join_text(p, "");
	if (p->output_json != NULL && p->output_json[0] == '"')
		return prediction_join_text(p, "");
	return prediction_join_text(p, "\n");
}

/* ---- schema-less input ---- */

/* "data:<mime>;base64,<...>" of a file (caller frees), or NULL + err. */
static char *
file_data_uri(const char *key, const char *path, enum client_rc *rc,
    char *err, size_t errsz)
{
	const char *mime = files_mime_type(path);
	unsigned char *data = NULL;
	struct stat st;
	size_t n = 0;
	char *out = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "input %s: cannot read %s: %s", key, path,
		    fd < 0 ? strerror(errno) : "not a regular file");
		*rc = CLIENT_EIO;
		goto out;
	}
	if ((unsigned long long)st.st_size > COG_MAX_FILE_INPUT) {
		snprintf(err, errsz, "input %s: %s is larger than %u MiB", key,
		    path, COG_MAX_FILE_INPUT >> 20);
		*rc = CLIENT_EINVAL;
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (data == NULL)
		goto nomem;
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, data + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out = files_data_uri(mime, data, n);
	if (out == NULL)
		goto nomem;
	goto out;
nomem:
	snprintf(err, errsz, "input %s: out of memory", key);
	*rc = CLIENT_ENOMEM;
out:
	if (fd >= 0)
		close(fd);
	free(data);
	return out;
}

enum client_rc
cog_input_build(const char *const *pairs, size_t n, char **json, char *err,
    size_t errsz)
{
	enum client_rc rc = CLIENT_OK;
	cJSON *root = cJSON_CreateObject();
	size_t i;

	*json = NULL;
	if (root == NULL)
		goto nomem;
	if (n > COG_MAX_INPUTS) {
		snprintf(err, errsz, "too many inputs (at most %d)",
		    COG_MAX_INPUTS);
		rc = CLIENT_EINVAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *eq = strchr(pairs[i], '=');
		char key[128], *uri = NULL;
		cJSON *val, *old;

		if (eq == NULL || eq == pairs[i] ||
		    (size_t)(eq - pairs[i]) >= sizeof key) {
			snprintf(err, errsz, "input \"%.64s\": expected "
			    "key=value", pairs[i]);
			rc = CLIENT_EINVAL;
			goto out;
		}
		memcpy(key, pairs[i], (size_t)(eq - pairs[i]));
		key[eq - pairs[i]] = '\0';
		if (eq[1] == '@') {
			uri = file_data_uri(key, eq + 2, &rc, err, errsz);
			if (uri == NULL)
				goto out;
			val = cJSON_CreateString(uri);
			free(uri);
		} else {
			val = cJSON_CreateString(eq + 1);
		}
		if (val == NULL)
			goto nomem;
		old = cJSON_GetObjectItemCaseSensitive(root, key);
		if (old == NULL) {
			cJSON_AddItemToObject(root, key, val);
		} else if (cJSON_IsArray(old)) {
			cJSON_AddItemToArray(old, val);
		} else {
			cJSON *arr = cJSON_CreateArray();

			if (arr == NULL) {
				cJSON_Delete(val);
				goto nomem;
			}
			cJSON_DetachItemViaPointer(root, old);
			cJSON_AddItemToArray(arr, old);
			cJSON_AddItemToArray(arr, val);
			cJSON_AddItemToObject(root, key, arr);
		}
	}
	*json = cJSON_PrintUnformatted(root);
	if (*json == NULL)
		goto nomem;
	goto out;
nomem:
	snprintf(err, errsz, "input: out of memory");
	rc = CLIENT_ENOMEM;
out:
	cJSON_Delete(root);
	return rc;
}

/* ---- the server, on the transport ---- */

/* X(id, method, path, what): every endpoint used; %s is a prediction id. */
#define COG_ENDPOINT_LIST(X)						\
	X(HEALTH, "GET", "/health-check", "cog health-check")		\
	X(OPENAPI, "GET", "/openapi.json", "cog openapi.json")		\
	X(PREDICT, "PUT", "/predictions/%s", "cog prediction")		\
	X(CANCEL, "POST", "/predictions/%s/cancel", "cog cancel")

enum cog_endpoint {
#define X(id, method, path, what) EP_##id,
	COG_ENDPOINT_LIST(X)
#undef X
};

static const struct {
	const char *method, *path, *what;
} endpoints[] = {
#define X(id, method, path, what) { method, path, what },
	COG_ENDPOINT_LIST(X)
#undef X
};

/* base + the endpoint's path (with id) into buf; -1 when too long. */
static int
endpoint_url(const char *base, enum cog_endpoint ep, const char *id,
    char *buf, size_t n)
{
	char path[COG_MAX_ID + 64];
	int w;

	snprintf(path, sizeof path, endpoints[ep].path, id ? id : "");
	w = snprintf(buf, n, "%s%s", base, path);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* The listener may hold at most this many connections when run inside
 * client_wait(), whose descriptor table is small. */
#define COG_LISTENER_CONNS	6u

struct cog_pred;

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

static void cog_sync_fds(struct cog *g);

static void
random_hex(char *out, size_t nbytes)
{
	unsigned char b[32];
	size_t i;

	if (nbytes > sizeof b)
		nbytes = sizeof b;
	if (getrandom(b, nbytes, 0) != (ssize_t)nbytes) {
		/* no entropy source: still unique per process and time */
		unsigned long long x = (unsigned long long)client_now_ms() ^
		    ((unsigned long long)getpid() << 32) ^ (uintptr_t)out;

		for (i = 0; i < nbytes; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			b[i] = (unsigned char)(x >> 56);
		}
	}
	for (i = 0; i < nbytes; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static bool
id_ok(const char *id)
{
	size_t n = strlen(id), i;

	if (n == 0 || n > COG_MAX_ID)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)id[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.'))
			return false;
	}
	return true;
}

static void
emit(struct cog *g, struct client_event *ev)
{
	ev->req = CLIENT_REQ_COG;
	client_emit(g->c, ev);
}

static void
emit_error(struct cog *g, unsigned op, enum client_rc rc, long status,
    const char *msg)
{
	struct client_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = CLIENT_EV_ERROR;
	ev.id = op;
	ev.rc = rc;
	ev.http_status = status;
	ev.err = msg;
	emit(g, &ev);
}

/* ---- listener glue: its fds live in the client's watch table ---- */

static void
on_listener_fd(struct client *c, int fd, short revents, void *arg)
{
	struct cog *g = arg;
	struct pollfd p;

	(void)c;
	p.fd = fd;
	p.events = 0;
	p.revents = revents;
	listener_process(g->l, &p, 1);
	cog_sync_fds(g);
}

static void
on_listener_timer(struct client *c, unsigned timer, void *arg)
{
	struct cog *g = arg;

	(void)c;
	if (g->ltimer == timer)
		g->ltimer = 0;
	listener_process(g->l, NULL, 0);
	cog_sync_fds(g);
}

static void
cog_sync_fds(struct cog *g)
{
	struct pollfd fds[COG_LISTENER_CONNS + 1];
	unsigned n, i, j;
	int t;

	if (g->l == NULL)
		return;
	n = listener_fds(g->l, fds, COG_LISTENER_CONNS + 1);
	for (i = 0; i < g->nwatched; i++) {
		for (j = 0; j < n; j++)
			if (fds[j].fd == g->watched[i])
				break;
		if (j == n)
			client_fd_unwatch(g->c, g->watched[i]);
	}
	g->nwatched = 0;
	for (j = 0; j < n; j++) {
		if (client_fd_watch(g->c, fds[j].fd, fds[j].events,
		    on_listener_fd, g) != 0)
			continue;	/* table full: served on a later pass */
		g->watched[g->nwatched] = fds[j].fd;
		g->watched_ev[g->nwatched++] = fds[j].events;
	}
	if (g->ltimer != 0) {
		client_timer_stop(g->c, g->ltimer);
		g->ltimer = 0;
	}
	t = listener_timeout_ms(g->l);
	if (t >= 0)
		g->ltimer = client_timer_start(g->c, t + 1, on_listener_timer,
		    g);
}

static struct cog_pred *
pred_by_token(struct cog *g, const char *token)
{
	struct cog_pred *p;

	for (p = g->preds; p != NULL; p = p->next)
		if (strcmp(p->token, token) == 0)
			return p;
	return NULL;
}

static void
pred_free(struct cog_pred *p)
{
	struct cog *g = p->g;
	struct cog_pred **pp;

	for (pp = &g->preds; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	if (p->http != 0)
		http_cancel(g->c, p->http);
	if (p->health != 0)
		http_cancel(g->c, p->health);
	if (p->timer != 0)
		client_timer_stop(g->c, p->timer);
	client_op_remove(g->c, p->op);
	prediction_done(&p->cur);
	free(p->rbuf);
	free(p);
}

/* The prediction reached its end: one DONE or ERROR event, then gone. */
static void
pred_finish(struct cog_pred *p)
{
	struct client_event ev;
	char msg[CLIENT_ERR_MAX];
	struct prediction *copy;
	struct cog *g;

	memset(&ev, 0, sizeof ev);
	ev.id = p->op;
	ev.http_status = 200;
	copy = malloc(sizeof *copy);
	if (copy == NULL || prediction_copy(copy, &p->cur) != 0) {
		free(copy);
		emit_error(p->g, p->op, CLIENT_ENOMEM, 0,
		    "cog prediction: out of memory");
		pred_free(p);
		return;
	}
	ev.prediction = copy;
	if (copy->status == PREDICTION_SUCCEEDED && !effectively_failed(copy)) {
		ev.kind = CLIENT_EV_DONE;
	} else {
		size_t at = 0;

		ev.kind = CLIENT_EV_ERROR;
		ev.rc = copy->status == PREDICTION_CANCELED ? CLIENT_ECANCEL :
		    CLIENT_EFAILED;
		msg[0] = '\0';
		put_str(msg, sizeof msg, &at, "prediction ");
		put_str(msg, sizeof msg, &at, copy->status_text &&
		    copy->status == PREDICTION_CANCELED ? "canceled" :
		    prediction_status_name(copy->status));
		if (copy->error != NULL) {
			put_str(msg, sizeof msg, &at, ": ");
			put_str(msg, sizeof msg, &at, copy->error);
		}
		ev.err = msg;
	}
	g = p->g;
	pred_free(p);
	emit(g, &ev);
}

static void
emit_progress(struct cog_pred *p, unsigned changed)
{
	struct client_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = CLIENT_EV_PROGRESS;
	ev.id = p->op;
	ev.changed = changed;
	ev.prediction = &p->cur;	/* lent */
	emit(p->g, &ev);
}

/* Merge upd into p; PROGRESS when something changed. Returns -1 on OOM. */
static int
pred_apply(struct cog_pred *p, const struct prediction *upd)
{
	int ch = cog_merge(&p->cur, upd);

	if (ch < 0)
		return -1;
	if (ch > 0)
		emit_progress(p, (unsigned)ch);
	return 0;
}

static void pred_arm(struct cog_pred *p, long ms);

static void
on_webhook(void *arg, const struct listener_webhook *wh)
{
	struct cog *g = arg;
	struct cog_pred *p = pred_by_token(g, wh->token);

	if (p == NULL)
		return;	/* a late webhook of something finished: answered 200 */
	if (wh->pred->id != NULL && strcmp(wh->pred->id, p->id) != 0)
		return;	/* not about this prediction: ignored */
	p->got_webhook = true;
	p->last_hook_ms = client_now_ms();
	if (pred_apply(p, wh->pred) != 0) {
		emit_error(g, p->op, CLIENT_ENOMEM, 0,
		    "cog prediction: out of memory");
		pred_free(p);
		return;
	}
	/* a sync PUT's answer is the result; async ends at its last webhook */
	if (p->accepted &&
	    prediction_status_terminal(p->cur.status))
		pred_finish(p);
	else if (!p->accepted && prediction_status_terminal(p->cur.status) &&
	    !p->hook_terminal) {
		/* sync: the answer should follow at once; if it stalls, the
		 * webhook's terminal state is the result (on_pred_timer) */
		p->hook_terminal = true;
		pred_arm(p, COG_SYNC_ANSWER_MS);
	}
}

/*
 * A sync PUT whose final webhook came COG_SYNC_ANSWER_MS ago and whose
 * answer has not finished (stalled mid-body): take the webhook's terminal
 * state, cancel the stalled request. true when p was finished (and freed).
 */
static bool
sync_take_webhook(struct cog_pred *p)
{
	if (p->accepted || !p->hook_terminal ||
	    client_now_ms() - p->last_hook_ms < COG_SYNC_ANSWER_MS)
		return false;
	if (p->http != 0) {
		http_cancel(p->g->c, p->http);
		p->http = 0;
	}
	if (effectively_failed(&p->cur))
		p->cur.status = PREDICTION_FAILED;
	pred_finish(p);
	return true;
}

static void
on_pred_health(struct client *c, unsigned id, struct http_response *res,
    void *arg)
{
	struct cog_pred *p = arg;
	struct cog_health h;
	char err[CLIENT_ERR_MAX];
	long long quiet;

	(void)c;
	(void)id;
	p->health = 0;
	if (res->rc != CLIENT_OK) {
		snprintf(err, sizeof err, "cog prediction %s: the server went "
		    "away while it ran (%s)", p->id,
		    res->err ? res->err : "no answer");
		emit_error(p->g, p->op, CLIENT_ENET, 0, err);
		pred_free(p);
		return;
	}
	if (cog_health_parse(res->status, res->body, res->len, &h, err,
	    sizeof err) != CLIENT_OK) {
		pred_arm(p, p->g->health_ms);
		return;
	}
	quiet = client_now_ms() - (p->got_webhook ? p->last_hook_ms :
	    p->accepted_ms);
	if (h.state == COG_HEALTH_DEFUNCT ||
	    h.state == COG_HEALTH_SETUP_FAILED) {
		snprintf(err, sizeof err, "cog prediction %s: the server is %s "
		    "(the model's worker died)", p->id,
		    cog_health_name(h.state));
		cog_health_done(&h);
		emit_error(p->g, p->op, CLIENT_EFAILED, 0, err);
		pred_free(p);
		return;
	}
	if (!p->accepted) {
		/* sync: the PUT carries the answer; health only tells a dead
		 * worker (above) or, after a final webhook, that the server
		 * is done while our answer stalls */
		cog_health_done(&h);
		if (!sync_take_webhook(p))
			pred_arm(p, p->g->health_ms);
		return;
	}
	if (!p->got_webhook && quiet >= p->g->grace_ms) {
		snprintf(err, sizeof err, "cog prediction %s: no webhook "
		    "reached %s:%u in %ld ms (is it reachable from the "
		    "server? set the advertised host)", p->id,
		    listener_advertise_host(p->g->l), listener_port(p->g->l),
		    p->g->grace_ms);
		cog_health_done(&h);
		emit_error(p->g, p->op, CLIENT_ENET, 0, err);
		pred_free(p);
		return;
	}
	/* READY twice in a row and nothing heard for long: with one slot
	 * ours is over, and its last webhook is not coming */
	p->ready_polls = h.state == COG_HEALTH_READY ? p->ready_polls + 1 : 0;
	if (p->ready_polls >= 2 && quiet >= p->g->idle_ms) {
		snprintf(err, sizeof err, "cog prediction %s: the server is "
		    "idle but the final webhook never arrived", p->id);
		cog_health_done(&h);
		emit_error(p->g, p->op, CLIENT_ENET, 0, err);
		pred_free(p);
		return;
	}
	cog_health_done(&h);
	pred_arm(p, p->g->health_ms);
}

static void
on_pred_timer(struct client *c, unsigned timer, void *arg)
{
	struct cog_pred *p = arg;
	struct http_opts o;
	char url[HTTP_MAX_URL], err[CLIENT_ERR_MAX];

	(void)c;
	if (p->timer == timer)
		p->timer = 0;
	if (sync_take_webhook(p))
		return;
	if (p->health != 0)
		return;
	memset(&o, 0, sizeof o);
	endpoint_url(p->g->base, EP_HEALTH, NULL, url, sizeof url);
	o.url = url;
	o.sink = HTTP_SINK_JSON;
	o.no_retry = true;
	o.timeout_ms = 10000;
	o.done = on_pred_health;
	o.arg = p;
	p->health = http_start(p->g->c, &o, err, sizeof err);
	if (p->health == 0)
		pred_arm(p, p->g->health_ms);
}

static void
pred_arm(struct cog_pred *p, long ms)
{
	if (p->timer != 0)
		client_timer_stop(p->g->c, p->timer);
	p->timer = client_timer_start(p->g->c, ms, on_pred_timer, p);
}

static bool
on_pred_data(struct client *c, unsigned id, const char *buf, size_t len,
    void *arg)
{
	struct cog_pred *p = arg;

	(void)c;
	(void)id;
	if (p->rlen + len > COG_MAX_RESPONSE_BYTES) {
		p->rover = true;
		return false;
	}
	if (p->rlen + len + 1 > p->rcap) {
		size_t cap = p->rcap ? p->rcap : 16384;
		char *nb;

		while (cap < p->rlen + len + 1)
			cap *= 2;
		nb = realloc(p->rbuf, cap);
		if (nb == NULL) {
			p->rover = true;
			return false;
		}
		p->rbuf = nb;
		p->rcap = cap;
	}
	memcpy(p->rbuf + p->rlen, buf, len);
	p->rlen += len;
	p->rbuf[p->rlen] = '\0';
	return true;
}

static void
on_pred_put(struct client *c, unsigned id, struct http_response *res,
    void *arg)
{
	struct cog_pred *p = arg;
	struct prediction upd;
	char err[CLIENT_ERR_MAX];
	enum client_rc rc;
	struct cog *g;

	(void)c;
	(void)id;
	p->http = 0;
	if (p->rover) {
		snprintf(err, sizeof err, "cog prediction %s: the answer is "
		    "larger than %u MiB", p->id, COG_MAX_RESPONSE_BYTES >> 20);
		emit_error(p->g, p->op, CLIENT_ELIMIT, res->status, err);
		pred_free(p);
		return;
	}
	if (res->rc != CLIENT_OK) {
		snprintf(err, sizeof err, "cog prediction %s: %s", p->id,
		    res->err ? res->err : client_strerror(res->rc));
		emit_error(p->g, p->op, res->rc, res->status, err);
		pred_free(p);
		return;
	}
	if (res->status != 200 && res->status != 202) {
		struct client_event ev;
		char what[COG_MAX_ID + 32];

		snprintf(what, sizeof what, "cog prediction %s", p->id);
		memset(&ev, 0, sizeof ev);
		ev.kind = CLIENT_EV_ERROR;
		ev.id = p->op;
		ev.http_status = res->status;
		/* error bodies come buffered in res (the stream sink hands on
		 * 2xx bodies only) */
		if (p->rbuf == NULL && res->body != NULL) {
			p->rbuf = res->body;
			p->rlen = res->len;
			res->body = NULL;
		}
		ev.rc = cog_problem(what, res->status, p->rbuf, p->rlen, err,
		    sizeof err);
		ev.err = err;
		ev.body = p->rbuf;	/* the raw 422 detail, for lines */
		ev.body_len = p->rlen;
		p->rbuf = NULL;
		g = p->g;
		pred_free(p);
		emit(g, &ev);
		return;
	}
	rc = prediction_parse(p->rbuf, p->rlen, &upd, err, sizeof err);
	if (rc != CLIENT_OK) {
		char msg[CLIENT_ERR_MAX];

		snprintf(msg, sizeof msg, "cog prediction %s: %.160s", p->id,
		    err);
		emit_error(p->g, p->op, rc, res->status, msg);
		pred_free(p);
		return;
	}
	if (res->status == 200 || prediction_status_terminal(upd.status)) {
		/* the sync answer is the result, whatever webhooks said */
		prediction_done(&p->cur);
		p->cur = upd;
		if (p->cur.id == NULL && (p->cur.id = strdup(p->id)) == NULL) {
			emit_error(p->g, p->op, CLIENT_ENOMEM, 0,
			    "cog prediction: out of memory");
			pred_free(p);
			return;
		}
		if (effectively_failed(&p->cur))
			p->cur.status = PREDICTION_FAILED;
		pred_finish(p);
		return;
	}
	/* 202: running; webhooks carry the rest (a sync PUT gets 202 too
	 * when its id is already running) */
	if (p->g->l == NULL) {
		prediction_done(&upd);
		snprintf(err, sizeof err, "cog prediction %s: already running "
		    "on the server (HTTP 202) and no webhooks to follow it",
		    p->id);
		emit_error(p->g, p->op, CLIENT_EHTTP, res->status, err);
		pred_free(p);
		return;
	}
	p->accepted = true;
	p->accepted_ms = client_now_ms();
	if (pred_apply(p, &upd) != 0) {
		prediction_done(&upd);
		emit_error(p->g, p->op, CLIENT_ENOMEM, 0,
		    "cog prediction: out of memory");
		pred_free(p);
		return;
	}
	prediction_done(&upd);
	if (prediction_status_terminal(p->cur.status)) {
		pred_finish(p);	/* a terminal webhook came before the 202 */
		return;
	}
	pred_arm(p, p->g->grace_ms < p->g->health_ms ? p->g->grace_ms :
	    p->g->health_ms);
}

static void
on_pred_cancel(struct client *c, unsigned op, void *arg)
{
	(void)c;
	(void)op;
	pred_free(arg);	/* local only: cog_cancel() tells the server */
}

struct cog *
cog_new(struct client *c, const struct cog_config *cfg, char *err,
    size_t errsz)
{
	static const struct cog_config defaults;
	struct cog *g;
	size_t n;

	if (cfg == NULL)
		cfg = &defaults;
	g = calloc(1, sizeof *g);
	if (g == NULL) {
		snprintf(err, errsz, "cog: out of memory");
		return NULL;
	}
	g->c = c;
	g->base = strdup(cfg->base ? cfg->base : CLIENT_DEFAULT_LOCAL);
	if (g->base == NULL) {
		free(g);
		snprintf(err, errsz, "cog: out of memory");
		return NULL;
	}
	n = strlen(g->base);
	while (n > 0 && g->base[n - 1] == '/')
		g->base[--n] = '\0';
	if (strncmp(g->base, "http://", 7) != 0 &&
	    strncmp(g->base, "https://", 8) != 0) {
		snprintf(err, errsz, "cog: \"%.100s\" is not an http(s) URL",
		    g->base);
		cog_free(g);
		return NULL;
	}
	g->grace_ms = cfg->webhook_grace_ms > 0 ? cfg->webhook_grace_ms :
	    COG_WEBHOOK_GRACE_MS;
	g->idle_ms = cfg->idle_ms > 0 ? cfg->idle_ms : COG_IDLE_MS;
	g->health_ms = cfg->health_poll_ms > 0 ? cfg->health_poll_ms :
	    COG_HEALTH_POLL_MS;
	g->predict_timeout_ms = cfg->predict_timeout_ms;
	if (cfg->webhooks) {
		struct listener_config lc = cfg->listener;

		if (lc.max_conns == 0 || lc.max_conns > COG_LISTENER_CONNS)
			lc.max_conns = COG_LISTENER_CONNS;
		if (listener_open(&g->l, &lc, on_webhook, g, err, errsz) != 0) {
			cog_free(g);
			return NULL;
		}
		cog_sync_fds(g);
		if (g->nwatched == 0) {
			snprintf(err, errsz, "cog: the client watches too many "
			    "descriptors to add the webhook listener");
			cog_free(g);
			return NULL;
		}
	}
	return g;
}

void
cog_free(struct cog *g)
{
	unsigned i;

	if (g == NULL)
		return;
	while (g->preds != NULL)
		pred_free(g->preds);
	while (g->simples != NULL) {
		struct cog_simple *s = g->simples;

		g->simples = s->next;
		if (s->http != 0)
			http_cancel(g->c, s->http);
		client_op_remove(g->c, s->op);
		free(s);
	}
	for (i = 0; i < g->nwatched; i++)
		client_fd_unwatch(g->c, g->watched[i]);
	if (g->ltimer != 0)
		client_timer_stop(g->c, g->ltimer);
	listener_free(g->l);
	free(g->base);
	free(g);
}

const char *
cog_base(const struct cog *g)
{
	return g->base;
}

struct listener *
cog_listener(struct cog *g)
{
	return g->l;
}

/* ---- health, openapi, cancel ---- */

static void
simple_free(struct cog_simple *s)
{
	struct cog_simple **sp;

	for (sp = &s->g->simples; *sp != NULL; sp = &(*sp)->next)
		if (*sp == s) {
			*sp = s->next;
			break;
		}
	client_op_remove(s->g->c, s->op);
	free(s);
}

static void
health_free_v(void *h)
{
	cog_health_free(h);
}

static void
on_simple_done(struct client *c, unsigned id, struct http_response *res,
    void *arg)
{
	struct cog_simple *s = arg;
	struct cog *g = s->g;
	struct client_event ev;
	char err[CLIENT_ERR_MAX];
	const char *what = endpoints[s->kind].what;

	(void)c;
	(void)id;
	memset(&ev, 0, sizeof ev);
	ev.id = s->op;
	ev.http_status = res->status;
	ev.kind = CLIENT_EV_ERROR;
	if (res->rc != CLIENT_OK) {
		snprintf(err, sizeof err, "%s: %s", what,
		    res->err ? res->err : client_strerror(res->rc));
		ev.rc = res->rc;
		ev.err = err;
	} else if (s->kind == EP_HEALTH) {
		struct cog_health *h = calloc(1, sizeof *h);

		ev.rc = h == NULL ? CLIENT_ENOMEM :
		    cog_health_parse(res->status, res->body, res->len, h, err,
		    sizeof err);
		if (ev.rc == CLIENT_OK) {
			ev.kind = CLIENT_EV_DONE;
			ev.data = h;
			ev.data_free = health_free_v;
		} else {
			free(h);
			if (h == NULL)
				snprintf(err, sizeof err, "%s: out of memory",
				    what);
			ev.err = err;
		}
	} else if (res->status == 200) {
		ev.kind = CLIENT_EV_DONE;
		ev.body = res->body;
		ev.body_len = res->len;
		res->body = NULL;
	} else {
		ev.rc = cog_problem(what, res->status, res->body,
		    res->len, err, sizeof err);
		if (s->kind == EP_CANCEL && res->status == 404) {
			snprintf(err, sizeof err, "cog cancel: no such "
			    "prediction running (unknown or already finished)");
			ev.rc = CLIENT_ENOTFOUND;
		}
		ev.err = err;
	}
	s->http = 0;
	simple_free(s);
	emit(g, &ev);
}

static void
on_simple_cancel(struct client *c, unsigned op, void *arg)
{
	struct cog_simple *s = arg;

	(void)op;
	if (s->http != 0)
		http_cancel(c, s->http);
	s->http = 0;
	simple_free(s);
}

static unsigned
simple_start(struct cog *g, enum cog_endpoint kind, const char *id,
    char *err, size_t errsz)
{
	struct cog_simple *s = calloc(1, sizeof *s);
	struct http_opts o;
	char url[HTTP_MAX_URL];

	if (s == NULL) {
		snprintf(err, errsz, "cog: out of memory");
		return 0;
	}
	s->g = g;
	s->kind = kind;
	s->op = client_next_id(g->c);
	if (endpoint_url(g->base, kind, id, url, sizeof url) != 0) {
		snprintf(err, errsz, "%s: URL too long", endpoints[kind].what);
		free(s);
		return 0;
	}
	memset(&o, 0, sizeof o);
	o.method = endpoints[kind].method;
	o.url = url;
	o.sink = HTTP_SINK_JSON;
	/* no retries: the caller polls, and a refused connection must say
	 * "cannot reach the server" at once */
	o.no_retry = true;
	o.timeout_ms = 30000;
	if (kind == EP_CANCEL) {
		o.body = "{}";
		o.body_len = 2;
	}
	o.done = on_simple_done;
	o.arg = s;
	s->http = http_start(g->c, &o, err, errsz);
	if (s->http == 0 ||
	    client_op_add(g->c, s->op, on_simple_cancel, s) != 0) {
		if (s->http != 0) {
			http_cancel(g->c, s->http);
			snprintf(err, errsz, "cog: out of memory");
		}
		free(s);
		return 0;
	}
	s->next = g->simples;
	g->simples = s;
	return s->op;
}

unsigned
cog_health_get(struct cog *g, char *err, size_t errsz)
{
	return simple_start(g, EP_HEALTH, NULL, err, errsz);
}

unsigned
cog_openapi_get(struct cog *g, char *err, size_t errsz)
{
	return simple_start(g, EP_OPENAPI, NULL, err, errsz);
}

unsigned
cog_cancel(struct cog *g, const char *pred_id, char *err, size_t errsz)
{
	if (!id_ok(pred_id)) {
		snprintf(err, errsz, "cog cancel: bad prediction id");
		return 0;
	}
	return simple_start(g, EP_CANCEL, pred_id, err, errsz);
}

/* ---- predictions ---- */

unsigned
cog_predict(struct cog *g, const struct cog_predict_opts *o, char *id_out,
    char *err, size_t errsz)
{
	struct cog_pred *p;
	struct http_opts ho;
	char url[HTTP_MAX_URL], hook[LISTENER_MAX_HOST + 128], events[96];
	char *body = NULL;
	size_t blen;
	const char *input = o->input_json ? o->input_json : "{}";
	cJSON *check;

	if (o->async && g->l == NULL) {
		snprintf(err, errsz, "cog prediction: async needs the "
		    "webhook listener");
		return 0;
	}
	if (o->id != NULL && !id_ok(o->id)) {
		snprintf(err, errsz, "cog prediction: id must be 1-%d "
		    "characters of [A-Za-z0-9._-]", COG_MAX_ID);
		return 0;
	}
	check = json_parse(input, strlen(input), NULL, err, errsz);
	if (check == NULL || !cJSON_IsObject(check)) {
		if (check != NULL)
			snprintf(err, errsz, "cog prediction: input must be "
			    "a JSON object");
		cJSON_Delete(check);
		return 0;
	}
	cJSON_Delete(check);
	p = calloc(1, sizeof *p);
	if (p == NULL)
		goto nomem;
	p->g = g;
	p->async = o->async;
	if (o->id != NULL)
		snprintf(p->id, sizeof p->id, "%s", o->id);
	else {
		memcpy(p->id, "r8p-", 4);
		random_hex(p->id + 4, 8);
	}
	random_hex(p->token, 16);
	p->cur.status = PREDICTION_STARTING;
	if ((p->cur.id = strdup(p->id)) == NULL)
		goto nomem;
	/* ids and tokens are [A-Za-z0-9._-] only: no escaping needed;
	 * the input object was checked above and is spliced in as given */
	hook[0] = '\0';
	if (g->l != NULL && listener_url(g->l, p->token, hook, sizeof hook))
		goto nomem;
	events[0] = '\0';
	if (o->events != 0) {
		size_t at = 0;

		at += (size_t)snprintf(events, sizeof events,
		    ",\"webhook_events_filter\":[");
#define X(id, bit, name)						\
		if (o->events & bit)					\
			at += (size_t)snprintf(events + at, sizeof events - at,\
			    "%s\"%s\"", events[at - 1] == '[' ? "" : ",", name);
		COG_EVENT_LIST(X)
#undef X
		snprintf(events + at, sizeof events - at, "]");
	}
	blen = strlen(input) + strlen(p->id) + strlen(hook) + strlen(events) +
	    64;
	body = malloc(blen);
	if (body == NULL)
		goto nomem;
	if (g->l != NULL)
		snprintf(body, blen, "{\"id\":\"%s\",\"input\":%s,"
		    "\"webhook\":\"%s\"%s}", p->id, input, hook, events);
	else
		snprintf(body, blen, "{\"id\":\"%s\",\"input\":%s}", p->id,
		    input);
	blen = strlen(body);
	if (endpoint_url(g->base, EP_PREDICT, p->id, url, sizeof url) != 0) {
		snprintf(err, errsz, "cog prediction: URL too long");
		goto fail;
	}
	memset(&ho, 0, sizeof ho);
	ho.method = endpoints[EP_PREDICT].method;
	ho.url = url;
	if (o->async)
		ho.headers[0] = "Prefer: respond-async";
	ho.body = body;
	ho.body_len = blen;
	ho.sink = HTTP_SINK_STREAM;
	ho.on_data = on_pred_data;
	ho.no_retry = true;	/* a PUT after the end runs it again */
	ho.timeout_ms = g->predict_timeout_ms > 0 ? g->predict_timeout_ms :
	    (o->async ? 60000 : 7L * 24 * 3600 * 1000);
	ho.done = on_pred_put;
	ho.arg = p;
	p->op = client_next_id(g->c);
	p->http = http_start(g->c, &ho, err, errsz);
	free(body);
	body = NULL;
	if (p->http == 0)
		goto fail;
	if (client_op_add(g->c, p->op, on_pred_cancel, p) != 0) {
		http_cancel(g->c, p->http);
		goto nomem;
	}
	p->next = g->preds;
	g->preds = p;
	p->sent_ms = client_now_ms();
	if (!o->async)		/* sync: watch the worker while we wait */
		pred_arm(p, g->health_ms);
	if (id_out != NULL)
		snprintf(id_out, COG_MAX_ID + 1, "%s", p->id);
	return p->op;
nomem:
	snprintf(err, errsz, "cog prediction: out of memory");
fail:
	free(body);
	if (p != NULL)
		prediction_done(&p->cur);
	free(p);
	return 0;
}
