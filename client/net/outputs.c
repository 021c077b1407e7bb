/*
 * client/net/outputs.c: saving a prediction's files: safe names, data: URI
 * decoding, atomic writes, concurrent downloads. See outputs.h.
 */
#include "client/net/outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/files/files.h"
#include "client/net/http.h"
#include "client/net/outputs_int.h"
#include "client/net/outputs_worker.h"

const char *
outputs_mime_ext(const char *mime)
{
	return files_mime_ext(mime);
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool
safe_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

/* Sanitise raw into buf: safe bytes only, no leading dots, capped. */
static void
sanitise(const char *raw, size_t rl, char *buf, size_t n)
{
	char tmp[OUTPUTS_MAX_NAME * 4];
	size_t i, o = 0, cap = n - 1 < OUTPUTS_MAX_NAME ? n - 1 :
	    OUTPUTS_MAX_NAME;
	const char *dot;
	size_t el;

	for (i = 0; i < rl && o + 1 < sizeof tmp; i++) {
		unsigned char ch = (unsigned char)raw[i];

		if (o == 0 && (ch == '.' || ch == ' '))
			continue;
		tmp[o++] = safe_byte(ch) ? (char)ch : '_';
	}
	while (o > 0 && (tmp[o - 1] == '.' || tmp[o - 1] == ' '))
		o--;
	tmp[o] = '\0';
	if (o == 0) {
		snprintf(buf, n, "output");
		return;
	}
	if (o <= cap) {
		memcpy(buf, tmp, o + 1);
		return;
	}
	/* too long: keep the head and a short extension */
	dot = strrchr(tmp, '.');
	el = dot != NULL ? strlen(dot) : 0;
	if (el > 16 || el >= cap)
		el = 0;
	memcpy(buf, tmp, cap - el);
	memcpy(buf + cap - el, dot != NULL ? dot : "", el);
	buf[cap] = '\0';
}

void
outputs_safe_name(const char *value, const char *key, char *buf, size_t n)
{
	char raw[OUTPUTS_MAX_NAME * 4], base[OUTPUTS_MAX_NAME + 1];
	const char *s, *e, *seg;
	size_t o = 0;

	if (n == 0)
		return;
	if (value == NULL) {
		snprintf(buf, n, "output");
		return;
	}
	if (strncmp(value, "data:", 5) == 0) {
		const char *mime = value + 5;
		size_t ml = strcspn(mime, ";,");
		char mt[80];
		const char *k = "output";
		size_t kl = 6;

		snprintf(mt, sizeof mt, "%.*s", (int)(ml < 79 ? ml : 79), mime);
		if (key != NULL && *key != '\0') {
			/* "images[0]" -> "images" */
			k = key;
			kl = strcspn(key, "[.");
			if (kl == 0) {
				k = "output";
				kl = 6;
			}
		}
		sanitise(k, kl, base, sizeof base);
		snprintf(buf, n, "%.*s%s", (int)(OUTPUTS_MAX_NAME - 8), base,
		    outputs_mime_ext(mt));
		return;
	}
	s = value;
	if ((e = strstr(s, "://")) != NULL)
		s = e + 3;
	e = s + strcspn(s, "?#");
	/* the last path segment only: never a directory from the server */
	seg = e;
	while (seg > s && seg[-1] != '/')
		seg--;
	if (memchr(s, '/', (size_t)(e - s)) == NULL && strstr(value, "://"))
		seg = e;	/* only a host: no name */
	for (; seg < e && o + 1 < sizeof raw; seg++) {
		if (*seg == '%' && seg + 2 < e && hexval(seg[1]) >= 0 &&
		    hexval(seg[2]) >= 0) {
			raw[o++] = (char)(hexval(seg[1]) * 16 + hexval(seg[2]));
			seg += 2;
		} else
			raw[o++] = *seg;
	}
	/* a decoded '/' must not make a path either */
	{
		size_t i, st = 0;

		for (i = 0; i < o; i++)
			if (raw[i] == '/' || raw[i] == '\\')
				st = i + 1;
		sanitise(raw + st, o - st, buf, n);
	}
}

enum client_rc
outputs_data_decode(const char *uri, size_t max, unsigned char **data,
    size_t *len, char **mime, char *err, size_t errsz)
{
	switch (files_data_decode(uri, max, data, len, mime, err, errsz)) {
	case FILES_OK:
		return CLIENT_OK;
	case FILES_ELIMIT:
		return CLIENT_ELIMIT;
	case FILES_ENOMEM:
		return CLIENT_ENOMEM;
	default:
		return CLIENT_EPARSE;
	}
}

static int
mkdir_p(const char *dir)
{
	char tmp[OUTPUTS_PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -1;
		tmp[i] = dir[i];
	}
	return 0;
}

/* "name.ext" + k -> "name-k.ext" (extension: the last dot, if any). */
static void
numbered(const char *name, unsigned k, char *buf, size_t n)
{
	const char *dot = strrchr(name, '.');
	size_t bl = dot != NULL && dot != name ? (size_t)(dot - name) :
	    strlen(name);

	if (k == 0)
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "%.*s-%u%s", (int)bl, name, k,
		    dot != NULL && dot != name ? dot : "");
}

int
outputs_part_open(const char *dir, char *tmp, size_t tmpsz, char *err,
    size_t errsz)
{
	int fd, w;

	if (mkdir_p(dir) != 0) {
		snprintf(err, errsz, "cannot create %.200s: %s", dir,
		    strerror(errno));
		return -1;
	}
	w = snprintf(tmp, tmpsz, "%s/" OUTPUTS_PART_PREFIX "XXXXXX", dir);
	if (w < 0 || (size_t)w >= tmpsz) {
		snprintf(err, errsz, "path too long in %.200s", dir);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd >= 0)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "cannot write in %.200s: %s", dir,
		    strerror(errno));
		return -1;
	}
	(void)flock(fd, LOCK_EX | LOCK_NB);
	return fd;
}

int
outputs_write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, p + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

enum client_rc
outputs_part_publish(int fd, const char *tmp, const char *dir,
    const char *name, char **path, char *err, size_t errsz)
{
	char fin[OUTPUTS_PATH_MAX], cand[OUTPUTS_MAX_NAME + 16];
	unsigned k;

	*path = NULL;
	fchmod(fd, 0644);
	if (fsync(fd) != 0 || close(fd) != 0) {
		snprintf(err, errsz, "writing %.200s: %s", tmp, strerror(errno));
		unlink(tmp);
		return CLIENT_EIO;
	}
	for (k = 0; k <= OUTPUTS_MAX_DUP; k++) {
		numbered(name, k, cand, sizeof cand);
		snprintf(fin, sizeof fin, "%s/%s", dir, cand);
		if (link(tmp, fin) == 0) {
			unlink(tmp);
			break;
		}
		if (errno == EEXIST)
			continue;
		/* no hard links here: check, then rename */
		if (access(fin, F_OK) == 0)
			continue;
		if (rename(tmp, fin) == 0)
			break;
		snprintf(err, errsz, "cannot rename to %.200s: %s", fin,
		    strerror(errno));
		unlink(tmp);
		return CLIENT_EIO;
	}
	if (k > OUTPUTS_MAX_DUP) {
		unlink(tmp);
		snprintf(err, errsz, "no free name for %.100s in %.200s", name,
		    dir);
		return CLIENT_EIO;
	}
	*path = strdup(fin);
	if (*path == NULL) {
		snprintf(err, errsz, "out of memory");
		return CLIENT_ENOMEM;
	}
	return CLIENT_OK;
}

enum client_rc
outputs_write(const char *dir, const char *name, const void *data,
    size_t len, char **path, char *err, size_t errsz)
{
	char tmp[OUTPUTS_PATH_MAX];
	int fd;

	*path = NULL;
	if (dir == NULL || *dir == '\0')
		dir = ".";
	if ((fd = outputs_part_open(dir, tmp, sizeof tmp, err, errsz)) < 0)
		return CLIENT_EIO;
	if (outputs_write_all(fd, data, len) != 0) {
		snprintf(err, errsz, "writing %.200s: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		return CLIENT_EIO;
	}
	return outputs_part_publish(fd, tmp, dir, name, path, err, errsz);
}

/* Remove the stale part files directly in dir; how many. */
static unsigned
clean_dir(const char *dir, unsigned depth)
{
	char path[OUTPUTS_PATH_MAX];
	unsigned removed = 0, seen = 0;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && seen++ < OUTPUTS_CLEAN_MAX) {
		int w = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);

		if (w < 0 || (size_t)w >= sizeof path)
			continue;
		if (strncmp(de->d_name, OUTPUTS_PART_PREFIX,
		    sizeof OUTPUTS_PART_PREFIX - 1) == 0) {
			int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
			    O_NONBLOCK);

			if (fd < 0)
				continue;
			/* a live writer holds the lock: leave its file */
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
			    unlink(path) == 0)
				removed++;
			close(fd);
			continue;
		}
		if (depth > 0 && de->d_name[0] != '.' &&
		    lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			removed += clean_dir(path, depth - 1);
	}
	closedir(d);
	return removed;
}

unsigned
outputs_clean_stale(const char *dir)
{
	return clean_dir(dir != NULL && *dir != '\0' ? dir : ".", 1);
}

/* ---- saving a prediction */

/*
 * The client's thread keeps the requests and the order of events; every
 * byte on disk goes through the save's worker (outputs_worker.h), so a
 * 10 MB output never costs the caller's loop a write or an fsync.
 */
struct save_item {
	char	*value;		/* URL or data: URI */
	char	 name[OUTPUTS_MAX_NAME + 16];
	unsigned http;
	bool	 done;		/* its download ended (or it needs none) */
};

struct save {
	struct client *c;
	unsigned id, timer;
	char	*dir;
	struct save_item *items;
	size_t	 n, left;
	struct outputs_worker *w;	/* NULL when nothing is saved */
	bool	 watched;		/* w's fd is on the client's watch */
	bool	 finishing;		/* w has its finish job */
	enum client_rc rc;
	char	 err[CLIENT_ERR_MAX];
};

/* Stop the worker: every part not published is removed. */
static void
save_free(struct save *s)
{
	size_t i;

	if (s->watched)
		client_fd_unwatch(s->c, outputs_worker_fd(s->w));
	outputs_worker_free(s->w);
	for (i = 0; i < s->n; i++)
		free(s->items[i].value);
	free(s->items);
	free(s->dir);
	free(s);
}

static void
save_cancel(struct client *c, unsigned id, void *arg)
{
	struct save *s = arg;
	size_t i;

	(void)id;
	for (i = 0; i < s->n; i++)
		if (!s->items[i].done)
			http_cancel(c, s->items[i].http);
	if (s->timer != 0)
		client_timer_stop(c, s->timer);
	save_free(s);
}

static void
save_fail(struct save *s, enum client_rc rc, const char *what,
    const char *msg)
{
	size_t l;

	if (s->rc != CLIENT_OK)
		return;		/* keep the first */
	s->rc = rc;
	snprintf(s->err, sizeof s->err, "outputs save: %.100s: ", what);
	l = strlen(s->err);
	snprintf(s->err + l, sizeof s->err - l, "%s", msg);
}

/* The worker is done (or there was none): the DONE or ERROR event. */
static void
save_finish(struct save *s)
{
	struct client_event ev;
	struct client_saved *sv;
	char msg[CLIENT_ERR_MAX];
	size_t i;

	memset(&ev, 0, sizeof ev);
	ev.req = CLIENT_REQ_SAVE;
	ev.id = s->id;
	client_op_remove(s->c, s->id);
	sv = calloc(1, sizeof *sv);
	if (sv != NULL)
		sv->paths = calloc(s->n > 0 ? s->n : 1, sizeof *sv->paths);
	if (sv == NULL || sv->paths == NULL) {
		free(sv);
		ev.kind = CLIENT_EV_ERROR;
		ev.rc = CLIENT_ENOMEM;
		ev.err = "outputs save: out of memory";
		client_emit(s->c, &ev);
		save_free(s);
		return;
	}
	if (s->w != NULL)
		outputs_worker_join(s->w);	/* the items are ours now */
	for (i = 0; s->w != NULL && i < s->n; i++) {
		char *path;
		enum client_rc rc = outputs_worker_take(s->w, i, &path, msg,
		    sizeof msg);

		if (rc != CLIENT_OK)
			save_fail(s, rc, s->items[i].name, msg);
		else if (path != NULL)
			sv->paths[sv->n++] = path;
	}
	sv->dir = s->dir;
	s->dir = NULL;
	ev.saved = sv;		/* also on ERROR: what was written */
	if (s->rc != CLIENT_OK) {
		ev.kind = CLIENT_EV_ERROR;
		ev.rc = s->rc;
		ev.err = s->err;
	} else
		ev.kind = CLIENT_EV_DONE;
	client_emit(s->c, &ev);
	save_free(s);
}

static void save_drain(struct save *s);

static void
save_timer(struct client *c, unsigned timer, void *arg)
{
	struct save *s = arg;

	(void)c;
	(void)timer;
	s->timer = 0;
	if (s->w == NULL) {
		save_finish(s);
		return;
	}
	if (!s->finishing) {	/* nothing was downloaded: data: URIs */
		save_drain(s);
		return;
	}
	/* no watch slot was free: look again shortly */
	{
		struct pollfd pfd = { outputs_worker_fd(s->w), POLLIN, 0 };

		if (poll(&pfd, 1, 0) == 1)
			save_finish(s);
		else if ((s->timer = client_timer_start(c, 5, save_timer,
		    s)) == 0)
			save_finish(s);	/* joins: waits, never loses */
	}
}

static void
save_ready(struct client *c, int fd, short revents, void *arg)
{
	(void)c;
	(void)fd;
	(void)revents;
	save_finish(arg);
}

/*
 * Every download ended: queue the worker's finish; the event follows
 * when the worker's fd says it is done (a watch, else a short timer).
 */
static void
save_drain(struct save *s)
{
	if (s->w != NULL && outputs_worker_finish(s->w) != 0) {
		/* no finish job: stop the worker rather than wait for it */
		save_fail(s, CLIENT_ENOMEM, "outputs", "out of memory");
		outputs_worker_free(s->w);
		s->w = NULL;
	}
	if (s->w == NULL) {
		save_finish(s);
		return;
	}
	s->finishing = true;
	if (client_fd_watch(s->c, outputs_worker_fd(s->w), POLLIN,
	    save_ready, s) == 0) {
		s->watched = true;
		return;
	}
	if ((s->timer = client_timer_start(s->c, 0, save_timer, s)) == 0)
		save_finish(s);
}

/* The item whose download is hid, NULL when it has ended. */
static struct save_item *
item_of(struct save *s, unsigned hid, size_t *idx)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->items[i].http == hid && !s->items[i].done) {
			*idx = i;
			return &s->items[i];
		}
	return NULL;
}

static void
dl_done(struct client *c, unsigned hid, struct http_response *res, void *arg)
{
	struct save *s = arg;
	struct save_item *it;
	char msg[CLIENT_ERR_MAX];
	size_t i;

	(void)c;
	if ((it = item_of(s, hid, &i)) == NULL)
		return;
	it->done = true;
	if (res->rc != CLIENT_OK)
		save_fail(s, res->rc, it->name, res->err != NULL ? res->err :
		    client_strerror(res->rc));
	else if (res->status < 200 || res->status >= 300) {
		http_problem("download", res->status, res->body, res->len, msg,
		    sizeof msg);
		save_fail(s, http_status_rc(res->status), it->name, msg);
	} else
		outputs_worker_publish(s->w, i, it->name);
	/* a failed item's part is removed by the worker (or at the end) */
	if (--s->left == 0)
		save_drain(s);
}

/* Download bytes straight to the worker: never the whole file in memory
 * (at most OUTPUTS_WORKER_QUEUE_MAX bytes queued). */
static bool
dl_data(struct client *c, unsigned hid, const char *buf, size_t len,
    void *arg)
{
	struct save *s = arg;
	struct save_item *it;
	char msg[CLIENT_ERR_MAX];
	enum client_rc rc;
	size_t i;

	(void)c;
	if ((it = item_of(s, hid, &i)) == NULL)
		return false;
	if (buf == NULL) {	/* a retry: start over */
		outputs_worker_reset(s->w, i);
		return true;
	}
	rc = outputs_worker_write(s->w, i, buf, len, msg, sizeof msg);
	if (rc != CLIENT_OK) {
		save_fail(s, rc, it->name, msg);
		return false;
	}
	return true;
}

/* The items of p (file outputs, names unique in output order) into s.
 * -1 when out of memory. */
static int
save_items(struct save *s, const struct prediction *p)
{
	size_t i, j, n = 0;

	s->items = calloc(p->n_outputs > 0 ? p->n_outputs : 1,
	    sizeof *s->items);
	if (s->items == NULL)
		return -1;
	for (i = 0; i < p->n_outputs && n < OUTPUTS_MAX_FILES; i++) {
		const struct prediction_output *o = &p->outputs[i];
		char nm[OUTPUTS_MAX_NAME + 1];
		unsigned k;

		if (o->kind == PREDICTION_OUTPUT_TEXT)
			continue;
		outputs_safe_name(o->value, o->key, nm, sizeof nm);
		for (k = 0;; k++) {
			numbered(nm, k, s->items[n].name,
			    sizeof s->items[n].name);
			for (j = 0; j < n; j++)
				if (strcmp(s->items[j].name,
				    s->items[n].name) == 0)
					break;
			if (j == n)
				break;
		}
		s->n = n + 1;	/* freed with s from here on */
		if ((s->items[n].value = strdup(o->value)) == NULL)
			return -1;
		n++;
	}
	s->n = n;
	return 0;
}

/* Start item it (index i): a download, or a data: URI for the worker. */
static void
save_start_item(struct save *s, size_t i, size_t max_file)
{
	struct save_item *it = &s->items[i];
	char sub[CLIENT_ERR_MAX];
	struct http_opts o;

	if (strncmp(it->value, "data:", 5) == 0) {
		outputs_worker_data(s->w, i, it->value, it->name, max_file);
		it->done = true;
		return;
	}
	memset(&o, 0, sizeof o);
	o.url = it->value;
	o.sink = HTTP_SINK_FILE;
	o.idempotent = true;
	o.follow_redirects = true;
	o.on_data = dl_data;
	o.done = dl_done;
	o.arg = s;
	it->http = http_start(s->c, &o, sub, sizeof sub);
	if (it->http == 0) {
		save_fail(s, CLIENT_ENET, it->name, sub);
		it->done = true;
	} else
		s->left++;
}

unsigned
outputs_save(struct client *c, const struct prediction *p, const char *dir,
    char *err, size_t errsz)
{
	const struct client_config *cf = client_config_get(c);
	char defdir[OUTPUTS_MAX_NAME + 8];
	struct save *s;
	size_t i;

	s = calloc(1, sizeof *s);
	if (s == NULL)
		goto oom;
	s->c = c;
	if (dir == NULL)
		dir = cf->output_dir;
	if (dir == NULL) {
		char safe[OUTPUTS_MAX_NAME + 1];

		sanitise(p->id != NULL ? p->id : "prediction",
		    strlen(p->id != NULL ? p->id : "prediction"), safe,
		    sizeof safe);
		snprintf(defdir, sizeof defdir, "./%s", safe);
		dir = defdir;
	}
	if ((s->dir = strdup(dir)) == NULL || save_items(s, p) != 0)
		goto oom;
	if (s->n > 0 && (s->w = outputs_worker_new(s->dir, s->n,
	    cf->max_run_bytes, err, errsz)) == NULL) {
		save_free(s);
		return 0;
	}
	s->id = client_next_id(c);
	for (i = 0; i < s->n; i++)
		save_start_item(s, i, cf->max_file_bytes);
	if (client_op_add(c, s->id, save_cancel, s) != 0) {
		save_cancel(c, s->id, s);
		snprintf(err, errsz, "outputs save: out of memory");
		return 0;
	}
	if (s->left == 0) {
		/* nothing to download: finish from the next pump */
		s->timer = client_timer_start(c, 0, save_timer, s);
		if (s->timer == 0) {
			client_op_remove(c, s->id);
			save_free(s);
			snprintf(err, errsz, "outputs save: out of memory");
			return 0;
		}
	}
	return s->id;
oom:
	if (s != NULL)
		save_free(s);
	snprintf(err, errsz, "outputs save: out of memory");
	return 0;
}
