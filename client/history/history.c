/*
 * client/history/history.c: the run history in SQLite (see history.h).
 * Schema changes go in migrations[] below, one step per user_version; a
 * file whose user_version is above ours is refused, never downgraded.
 * This file opens the database, scrubs secrets and writes runs; reading
 * them back lives in history_read.c (private: history_int.h).
 */
#include "client/history/history.h"
#include "client/history/history_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cJSON.h>
#include <sqlite3.h>

static const char *const rc_text[] = {
#define X(id, text) text,
	HISTORY_RC_LIST(X)
#undef X
};

const char *
history_strerror(enum history_rc rc)
{
	if ((unsigned)rc >= HISTORY__RC_COUNT)
		return "unknown error";
	return rc_text[rc];
}

const char *const hist_target_names[3] = { "replicate", "server",
	"container" };

const char *
history_target_name(enum history_target k)
{
	if ((unsigned)k >= sizeof hist_target_names / sizeof hist_target_names[0])
		return "replicate";
	return hist_target_names[k];
}

void
hist_seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* The code for a failed SQLite call, err naming what failed. */
enum history_rc
hist_dberr(sqlite3 *db, int rc, const char *what, char *err, size_t errsz)
{
	int prim = rc & 0xff;

	hist_seterr(err, errsz, "history: %s: %s", what,
	    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
		return HISTORY_ECORRUPT;
	if (prim == SQLITE_NOMEM)
		return HISTORY_ENOMEM;
	return HISTORY_EIO;
}

/* ---- paths */

enum history_rc
history_default_path(char *buf, size_t n, char *err, size_t errsz)
{
	const char *d = getenv("R8PLAY_DATA_DIR"), *x, *home;
	int w;

	if (d != NULL && d[0] != '\0')
		w = snprintf(buf, n, "%s/history.db", d);
	else if ((x = getenv("XDG_DATA_HOME")) != NULL && x[0] == '/')
		w = snprintf(buf, n, "%s/r8play/history.db", x);
	else if ((home = getenv("HOME")) != NULL && home[0] != '\0')
		w = snprintf(buf, n, "%s/.local/share/r8play/history.db",
		    home);
	else {
		hist_seterr(err, errsz, "history: neither HOME nor XDG_DATA_HOME "
		    "is set");
		return HISTORY_EINVAL;
	}
	if (w < 0 || (size_t)w >= n) {
		hist_seterr(err, errsz, "history: data path too long");
		return HISTORY_EINVAL;
	}
	return HISTORY_OK;
}

/* mkdir -p of path's directory (mode 0700: runs are private). */
static int
make_parent(const char *path)
{
	char buf[4096];
	size_t i, len = strlen(path);

	if (len >= sizeof buf)
		return -1;
	memcpy(buf, path, len + 1);
	for (i = len; i > 0 && buf[i] != '/'; i--)
		;
	if (i == 0)
		return 0;
	buf[i] = '\0';
	for (i = 1; buf[i] != '\0'; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		buf[i] = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* ---- schema */

/* migrations[v] takes a file from user_version v to v + 1. */
static const char *const migrations[] = {
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  target_kind INTEGER NOT NULL DEFAULT 0,"
	"  target TEXT,"
	"  remote_id TEXT,"
	"  model TEXT,"
	"  version TEXT,"
	"  input TEXT,"
	"  status TEXT,"
	"  created_at TEXT, started_at TEXT, completed_at TEXT,"
	"  predict_time REAL,"
	"  metrics TEXT,"
	"  error TEXT,"
	"  output TEXT,"
	"  saved TEXT,"
	"  output_dir TEXT,"
	"  cost REAL,"
	"  recorded INTEGER NOT NULL DEFAULT 0,"
	/* last: the bulk of a row, so scans and lists never read it */
	"  logs TEXT"
	");"
	"CREATE INDEX runs_model ON runs(model, id);"
	"CREATE INDEX runs_status ON runs(status, id);"
	"CREATE INDEX runs_target ON runs(target, id);"
	"CREATE UNIQUE INDEX runs_remote ON runs(target, remote_id)"
	"  WHERE remote_id IS NOT NULL;"
	"CREATE INDEX runs_remote_id ON runs(remote_id)"
	"  WHERE remote_id IS NOT NULL;",
	/* 2: Replicate deleted the run's data (predictions --import) */
	"ALTER TABLE runs ADD COLUMN data_removed INTEGER;",
	/*
	 * 3: the lists' order: at_ms, when the run was created (unix ms),
	 * from created_at, else (a local run has none) when it was last
	 * written; the list indexes walk it so a page is never a sort (the
	 * id indexes they replace served only the lists).
	 */
	"ALTER TABLE runs ADD COLUMN at_ms INTEGER NOT NULL DEFAULT 0;"
	"UPDATE runs SET at_ms = COALESCE(" HIST_AT_MS_OF("created_at") ","
	"  recorded * 1000);"
	"DROP INDEX IF EXISTS runs_model;"
	"DROP INDEX IF EXISTS runs_status;"
	"DROP INDEX IF EXISTS runs_target;"
	"CREATE INDEX runs_at ON runs(at_ms, id);"
	"CREATE INDEX runs_model_at ON runs(model, at_ms, id);"
	"CREATE INDEX runs_status_at ON runs(status, at_ms, id);"
	"CREATE INDEX runs_target_at ON runs(target, at_ms, id);"
	"CREATE INDEX runs_kind_at ON runs(target_kind, at_ms, id);",
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

static int
user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static enum history_rc
migrate(sqlite3 *db, const char *path, char *err, size_t errsz)
{
	char sql[64];
	int v = 0, rc;
	size_t i;

	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return hist_dberr(db, rc, "begin", err, errsz);
	/* read again inside the lock: another process may have migrated */
	if ((rc = user_version(db, &v)) != SQLITE_OK)
		goto fail;
	if (v > HISTORY_SCHEMA_VERSION) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		hist_seterr(err, errsz, "history: %s is from a newer r8play (schema "
		    "%d, this one knows up to %d); history is off and the file "
		    "is left as it is", path, v, HISTORY_SCHEMA_VERSION);
		return HISTORY_ENEWER;
	}
	for (i = (size_t)v; i < N_MIGRATIONS; i++)
		if ((rc = sqlite3_exec(db, migrations[i], NULL, NULL,
		    NULL)) != SQLITE_OK)
			goto fail;
	if ((size_t)v < N_MIGRATIONS) {
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
		    (int)N_MIGRATIONS);
		if ((rc = sqlite3_exec(db, sql, NULL, NULL, NULL)) !=
		    SQLITE_OK)
			goto fail;
	}
	if ((rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
		goto fail;
	return HISTORY_OK;
fail:
	{
		enum history_rc r = hist_dberr(db, rc, "schema", err, errsz);

		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
}

enum history_rc
history_open(const char *path, struct history **out, char *err,
    size_t errsz)
{
	char def[4096];
	struct history *h;
	sqlite3 *db = NULL;
	enum history_rc r;
	int rc, v = 0;
	bool mem;

	*out = NULL;
	if (path == NULL) {
		if ((r = history_default_path(def, sizeof def, err,
		    errsz)) != HISTORY_OK)
			return r;
		path = def;
	}
	mem = strcmp(path, ":memory:") == 0;
	if (!mem && make_parent(path) != 0) {
		hist_seterr(err, errsz, "history: cannot create the folder of %s: "
		    "%s", path, strerror(errno));
		return HISTORY_EIO;
	}
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = hist_dberr(db, rc, path, err, errsz);
		sqlite3_close(db);
		return r;
	}
	sqlite3_busy_timeout(db, HISTORY_BUSY_MS);
	/*
	 * Read the header before anything writes: a file that is not a
	 * database fails here (SQLITE_NOTADB) and is left untouched.
	 */
	if ((rc = user_version(db, &v)) != SQLITE_OK) {
		r = hist_dberr(db, rc, path, err, errsz);
		if (r == HISTORY_ECORRUPT)
			hist_seterr(err, errsz, "history: %s is damaged or not an "
			    "r8play history (%s); history is off and the file "
			    "is left as it is", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return r;
	}
	if (v > HISTORY_SCHEMA_VERSION) {
		hist_seterr(err, errsz, "history: %s is from a newer r8play (schema "
		    "%d, this one knows up to %d); history is off and the file "
		    "is left as it is", path, v, HISTORY_SCHEMA_VERSION);
		sqlite3_close(db);
		return HISTORY_ENEWER;
	}
	/* a damaged schema page shows here, before any write */
	if (v > 0 && (rc = sqlite3_exec(db, "SELECT count(*) FROM "
	    "sqlite_schema", NULL, NULL, NULL)) != SQLITE_OK) {
		r = hist_dberr(db, rc, path, err, errsz);
		if (r == HISTORY_ECORRUPT)
			hist_seterr(err, errsz, "history: %s is damaged (%s); "
			    "history is off and the file is left as it is",
			    path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return r;
	}
	if (!mem && (rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL,
	    NULL, NULL)) != SQLITE_OK) {
		r = hist_dberr(db, rc, "WAL mode", err, errsz);
		sqlite3_close(db);
		return r;
	}
	sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	if ((r = migrate(db, path, err, errsz)) != HISTORY_OK) {
		sqlite3_close(db);
		return r;
	}
	if ((h = calloc(1, sizeof *h)) == NULL) {
		sqlite3_close(db);
		hist_seterr(err, errsz, "history: out of memory");
		return HISTORY_ENOMEM;
	}
	h->db = db;
	*out = h;
	return HISTORY_OK;
}

void
history_close(struct history *h)
{
	if (h == NULL)
		return;
	sqlite3_close(h->db);
	free(h);
}

/* ---- secrets */

/* s with every occurrence of needle replaced by rep (s is freed). */
static char *
replace_all(char *s, const char *needle, const char *rep)
{
	size_t nl = strlen(needle), rl = strlen(rep), n = 0, len;
	char *p, *out, *o;

	if (s == NULL || nl == 0)
		return s;
	for (p = s; (p = strstr(p, needle)) != NULL; p += nl)
		n++;
	if (n == 0)
		return s;
	len = strlen(s);
	if ((out = malloc(len - n * nl + n * rl + 1)) == NULL) {
		free(s);
		return NULL;
	}
	o = out;
	for (p = s;;) {
		char *q = strstr(p, needle);

		if (q == NULL)
			break;
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, rep, rl);
		o += rl;
		p = q + nl;
	}
	strcpy(o, p);
	free(s);
	return out;
}

/*
 * Scrub secret values from text (a copy; caller frees). Values are also
 * matched in their JSON-escaped form so a value with a quote inside is
 * caught in JSON columns too. NULL in, NULL out.
 */
static char *
scrub(const char *text, const struct history_secrets *sec,
    const char *const *extra, size_t n_extra, bool *oom)
{
	char *s;
	size_t i;

	if (text == NULL)
		return NULL;
	if ((s = strdup(text)) == NULL) {
		*oom = true;
		return NULL;
	}
	for (i = 0; sec != NULL && i < sec->n_values &&
	    i < HISTORY_MAX_SECRETS; i++) {
		if (sec->values[i] == NULL || sec->values[i][0] == '\0')
			continue;
		if ((s = replace_all(s, sec->values[i], "<secret>")) == NULL) {
			*oom = true;
			return NULL;
		}
	}
	for (i = 0; i < n_extra; i++) {
		if (extra[i] == NULL || extra[i][0] == '\0')
			continue;
		if ((s = replace_all(s, extra[i], "<secret>")) == NULL) {
			*oom = true;
			return NULL;
		}
	}
	return s;
}

static bool
is_secret_field(const struct history_secrets *sec, const char *key)
{
	size_t i;

	for (i = 0; sec != NULL && i < sec->n_fields &&
	    i < HISTORY_MAX_SECRETS; i++)
		if (sec->fields[i] != NULL && key != NULL &&
		    strcmp(sec->fields[i], key) == 0)
			return true;
	return false;
}

/*
 * The string values of the secret fields of input (to scrub them from the
 * other columns too): up to HISTORY_MAX_SECRETS, pointers into *doc.
 */
static size_t
secret_values_of(const char *input, const struct history_secrets *sec,
    cJSON **doc, const char **vals, char **esc)
{
	const cJSON *it;
	size_t n = 0, ne = 0;

	*doc = NULL;
	if (input == NULL || sec == NULL || sec->n_fields == 0)
		return 0;
	if ((*doc = cJSON_Parse(input)) == NULL || !cJSON_IsObject(*doc))
		return 0;
	cJSON_ArrayForEach(it, *doc) {
		char *e;
		size_t el;

		if (ne >= HISTORY_MAX_SECRETS)
			break;
		if (!is_secret_field(sec, it->string) || !cJSON_IsString(it) ||
		    it->valuestring[0] == '\0')
			continue;
		vals[n++] = it->valuestring;
		/* the escaped form, without its quotes */
		if ((e = cJSON_PrintUnformatted(it)) == NULL)
			continue;
		el = strlen(e);
		if (el >= 2) {
			e[el - 1] = '\0';
			memmove(e, e + 1, el - 1);
		}
		esc[ne++] = e;
		vals[n++] = e;
	}
	return n;
}

char *
history_redact_input(const char *input_json,
    const struct history_secrets *sec)
{
	cJSON *doc, *it;
	char *out, *s;
	bool oom = false;

	if (input_json == NULL)
		return NULL;
	doc = cJSON_Parse(input_json);
	if (doc == NULL || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return scrub(input_json, sec, NULL, 0, &oom);
	}
	for (it = doc->child; it != NULL; it = it->next) {
		char name[256];
		cJSON *rep;

		if (!is_secret_field(sec, it->string))
			continue;
		snprintf(name, sizeof name, "<secret:%s>", it->string);
		if ((rep = cJSON_CreateString(name)) == NULL ||
		    (rep->string = strdup(it->string)) == NULL) {
			cJSON_Delete(rep);
			cJSON_Delete(doc);
			return NULL;
		}
		cJSON_ReplaceItemViaPointer(doc, it, rep);
		it = rep;
	}
	s = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (s == NULL)
		return NULL;
	out = scrub(s, sec, NULL, 0, &oom);
	free(s);
	return out;
}

char *
history_scrub(const char *text, const struct history_secrets *sec,
    const char *input_json)
{
	const char *vals[HISTORY_MAX_SECRETS * 2];
	char *esc[HISTORY_MAX_SECRETS + 1] = { 0 }, *out;
	cJSON *doc;
	size_t nv, i;
	bool oom = false;

	nv = secret_values_of(input_json, sec, &doc, vals, esc);
	out = scrub(text, sec, vals, nv, &oom);
	for (i = 0; i < HISTORY_MAX_SECRETS + 1; i++)
		free(esc[i]);
	cJSON_Delete(doc);
	return out;
}

/* The last HISTORY_MAX_LOG_BYTES of logs, starting on a UTF-8 lead byte. */
static const char *
log_tail(const char *logs)
{
	size_t len;
	const char *p;

	if (logs == NULL)
		return NULL;
	len = strlen(logs);
	if (len <= HISTORY_MAX_LOG_BYTES)
		return logs;
	p = logs + len - HISTORY_MAX_LOG_BYTES;
	while (*p != '\0' && ((unsigned char)*p & 0xc0) == 0x80)
		p++;
	return p;
}

/* ---- writing */

enum col {
	C_TARGET_KIND, C_TARGET, C_REMOTE_ID, C_MODEL, C_VERSION, C_INPUT,
	C_STATUS, C_CREATED, C_STARTED, C_COMPLETED, C_PREDICT_TIME,
	C_METRICS, C_ERROR, C_LOGS, C_OUTPUT, C_SAVED, C_OUTPUT_DIR, C_COST,
	C_RECORDED, C_DATA_REMOVED, C__COUNT
};

static const char *const col_names[C__COUNT] = {
	"target_kind", "target", "remote_id", "model", "version", "input",
	"status", "created_at", "started_at", "completed_at", "predict_time",
	"metrics", "error", "logs", "output", "saved", "output_dir", "cost",
	"recorded", "data_removed"
};

/* The scrubbed text columns of one write, owned here. */
struct cleaned {
	char	*text[C__COUNT];
};

static void
cleaned_done(struct cleaned *c)
{
	size_t i;

	for (i = 0; i < C__COUNT; i++)
		free(c->text[i]);
}

static int
clean_run(const struct history_run *r, const struct history_secrets *sec,
    struct cleaned *c)
{
	const char *vals[HISTORY_MAX_SECRETS * 2];
	char *esc[HISTORY_MAX_SECRETS + 1] = { 0 };
	const char *src[C__COUNT] = { 0 };
	cJSON *doc;
	size_t nv, i;
	bool oom = false;

	memset(c, 0, sizeof *c);
	nv = secret_values_of(r->input_json, sec, &doc, vals, esc);
	src[C_TARGET] = r->target;
	src[C_REMOTE_ID] = r->remote_id;
	src[C_MODEL] = r->model;
	src[C_VERSION] = r->version;
	src[C_STATUS] = r->status;
	src[C_CREATED] = r->created_at;
	src[C_STARTED] = r->started_at;
	src[C_COMPLETED] = r->completed_at;
	src[C_METRICS] = r->metrics_json;
	src[C_ERROR] = r->error;
	src[C_LOGS] = log_tail(r->logs);
	src[C_OUTPUT] = r->output_json;
	src[C_SAVED] = r->saved_json;
	src[C_OUTPUT_DIR] = r->output_dir;
	for (i = 0; i < C__COUNT && !oom; i++)
		c->text[i] = scrub(src[i], sec, vals, nv, &oom);
	if (!oom && r->input_json != NULL) {
		char *red = history_redact_input(r->input_json, sec);

		if (red == NULL)
			oom = true;
		else if ((c->text[C_INPUT] = scrub(red, NULL, vals, nv,
		    &oom)) == NULL)
			oom = true;
		free(red);
	}
	for (i = 0; i < HISTORY_MAX_SECRETS + 1; i++)
		free(esc[i]);
	cJSON_Delete(doc);
	if (oom) {
		cleaned_done(c);
		return -1;
	}
	return 0;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	size_t len;

	if (s == NULL) {
		sqlite3_bind_null(st, i);
		return;
	}
	len = strlen(s);
	if (len > HISTORY_MAX_TEXT)
		len = HISTORY_MAX_TEXT;
	sqlite3_bind_text(st, i, s, (int)len, SQLITE_TRANSIENT);
}

/* Bind the columns of r (1-based, C_* order). */
static void
bind_run(sqlite3_stmt *st, const struct history_run *r,
    const struct cleaned *c, long long now, bool update)
{
	int i;

	for (i = 0; i < C__COUNT; i++) {
		switch (i) {
		case C_TARGET_KIND:
			/* the kind goes with its target: kept when none */
			if (update && r->target == NULL)
				sqlite3_bind_null(st, i + 1);
			else
				sqlite3_bind_int(st, i + 1,
				    (int)r->target_kind);
			break;
		case C_PREDICT_TIME:
			if (r->predict_time >= 0)
				sqlite3_bind_double(st, i + 1, r->predict_time);
			else
				sqlite3_bind_null(st, i + 1);
			break;
		case C_COST:
			if (r->cost >= 0)
				sqlite3_bind_double(st, i + 1, r->cost);
			else
				sqlite3_bind_null(st, i + 1);
			break;
		case C_RECORDED:
			sqlite3_bind_int64(st, i + 1, now);
			break;
		case C_DATA_REMOVED:
			/* removed stays removed: false keeps what is stored */
			if (update && !r->data_removed)
				sqlite3_bind_null(st, i + 1);
			else
				sqlite3_bind_int(st, i + 1, r->data_removed);
			break;
		default:
			bind_text(st, i + 1, c->text[i]);
		}
	}
}

static long long
find_remote(sqlite3 *db, const char *target, const char *remote_id)
{
	sqlite3_stmt *st;
	long long id = 0;

	/* one statement a case, each on its index; with no target, the row
	 * recorded last for that prediction id (identity, not age) */
	if (sqlite3_prepare_v2(db, target != NULL ?
	    "SELECT id FROM runs WHERE target = ?2 AND remote_id = ?1" :
	    "SELECT id FROM runs WHERE remote_id = ?1 ORDER BY id DESC "
	    "LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, remote_id, -1, SQLITE_STATIC);
	if (target != NULL)
		sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* The wall clock in unix ms (the sort key of a run with no created_at). */
static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (long long)time(NULL) * 1000;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum history_rc
history_record(struct history *h, const struct history_run *r,
    const struct history_secrets *sec, long long *idp, char *err,
    size_t errsz)
{
	char sql[2048];
	struct cleaned c;
	sqlite3_stmt *st = NULL;
	long long id = r->id;
	size_t len = 0;
	int i, rc;

	if (h == NULL || r == NULL) {
		hist_seterr(err, errsz, "history: nothing to record");
		return HISTORY_EINVAL;
	}
	if (clean_run(r, sec, &c) != 0) {
		hist_seterr(err, errsz, "history: out of memory");
		return HISTORY_ENOMEM;
	}
	/* the lookup and the write under one write lock (no lost upsert) */
	if ((rc = sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL)) != SQLITE_OK) {
		cleaned_done(&c);
		return hist_dberr(h->db, rc, "begin", err, errsz);
	}
	if (id <= 0 && c.text[C_REMOTE_ID] != NULL)
		id = find_remote(h->db, c.text[C_TARGET], c.text[C_REMOTE_ID]);
	if (id > 0) {
		len = (size_t)snprintf(sql, sizeof sql, "UPDATE runs SET ");
		for (i = 0; i < C__COUNT; i++)
			len += (size_t)snprintf(sql + len, sizeof sql - len,
			    "%s%s = COALESCE(?%d, %s)", i ? ", " : "",
			    col_names[i], i + 1, col_names[i]);
		/* a created_at moves the key; none keeps it */
		snprintf(sql + len, sizeof sql - len, ", at_ms = COALESCE("
		    HIST_AT_MS_OF("?%d") ", at_ms) WHERE id = ?%d",
		    C_CREATED + 1, C_CREATED + 1, C__COUNT + 1);
	} else {
		len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO runs (");
		for (i = 0; i < C__COUNT; i++)
			len += (size_t)snprintf(sql + len, sizeof sql - len,
			    "%s%s", i ? ", " : "", col_names[i]);
		len += (size_t)snprintf(sql + len, sizeof sql - len,
		    ", at_ms) VALUES (");
		for (i = 0; i < C__COUNT; i++)
			len += (size_t)snprintf(sql + len, sizeof sql - len,
			    "%s?%d", i ? ", " : "", i + 1);
		/* the key: its created_at, else now (a local run has none) */
		snprintf(sql + len, sizeof sql - len, ", COALESCE("
		    HIST_AT_MS_OF("?%d") ", ?%d))", C_CREATED + 1,
		    C_CREATED + 1, C__COUNT + 1);
	}
	rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		bind_run(st, r, &c, (long long)time(NULL), id > 0);
		sqlite3_bind_int64(st, C__COUNT + 1, id > 0 ? id :
		    now_ms());
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
			if (id <= 0)
				id = sqlite3_last_insert_rowid(h->db);
			else if (sqlite3_changes(h->db) == 0) {
				sqlite3_finalize(st);
				sqlite3_exec(h->db, "ROLLBACK", NULL, NULL,
				    NULL);
				cleaned_done(&c);
				hist_seterr(err, errsz, "history: no run %lld", id);
				return HISTORY_ENOTFOUND;
			}
		}
	}
	sqlite3_finalize(st);
	cleaned_done(&c);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		enum history_rc e = hist_dberr(h->db, rc, "write", err, errsz);

		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		return e;
	}
	if (idp != NULL)
		*idp = id;
	return HISTORY_OK;
}
