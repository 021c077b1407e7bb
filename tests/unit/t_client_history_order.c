/*
 * tests/unit/t_client_history_order.c: the order of the run history
 * (client/history/): newest created first whatever the source, so runs
 * imported from Replicate (created months ago) list below newer local
 * runs; the schema 3 migration of a file made by schema 2 (rows keep
 * their data and get their sort key from created_at in the formats that
 * occur, else from when they were recorded); and the plans of the lists
 * (every filter an index walk: never "USE TEMP B-TREE FOR ORDER BY").
 */
#include "client/history/history.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "t.h"

/* A literal into a field the struct types as owned (never freed here). */
static char *
S(const char *s)
{
	return (char *)(uintptr_t)s;
}

static char dir[256], path[512];

static void
rm_db(void)
{
	char p[600];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

/* The schema 2 file as r8play made it (migrations 1 and 2, verbatim). */
static const char v2_schema[] =
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
	"  logs TEXT"
	");"
	"CREATE INDEX runs_model ON runs(model, id);"
	"CREATE INDEX runs_status ON runs(status, id);"
	"CREATE INDEX runs_target ON runs(target, id);"
	"CREATE UNIQUE INDEX runs_remote ON runs(target, remote_id)"
	"  WHERE remote_id IS NOT NULL;"
	"CREATE INDEX runs_remote_id ON runs(remote_id)"
	"  WHERE remote_id IS NOT NULL;"
	"ALTER TABLE runs ADD COLUMN data_removed INTEGER;"
	"PRAGMA user_version = 2;";

/*
 * The rows of the old file: created_at as Replicate and Cog write it (6,
 * 3, 9 and no fraction digits, "Z" or an offset), none (a local run),
 * and two that are no date (an elided recording, a bare number).
 */
static const struct v2row {
	const char *remote_id, *model, *created_at;
	long long recorded, at_ms;	/* at_ms: the key it must get */
} v2rows[] = {
	{ "imp-a", "owner/flux", "2025-06-01T10:00:00.123456Z", 1764000000,
	    1748772000123 },
	{ NULL, "local/zoo", NULL, 1750000000, 1750000000000 },
	{ "imp-c", "owner/flux", "2024-01-01T00:00:00+00:00", 1764000001,
	    1704067200000 },
	{ "imp-d", "owner/sdxl", "2025-07-01T00:00:00.123456789Z",
	    1764000002, 1751328000123 },
	{ "imp-e", "owner/sdxl", "2023-08-16T18:57:08.\xe2\x80\xa6Z",
	    1700000000, 1700000000000 },
	{ "imp-f", "owner/sdxl", "2025", 1700000001, 1700000001000 },
	{ "imp-g", "owner/flux", "2025-06-01T12:00:00.5+02:00", 1764000003,
	    1748772000500 },
	{ "imp-h", "owner/flux", "2025-06-01T10:00:00.250Z", 1764000004,
	    1748772000250 },
	{ NULL, "local/zoo", NULL, 0, 0 },	/* never stamped */
};
#define N_V2 (sizeof v2rows / sizeof v2rows[0])

static int
make_v2(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;
	int ok = 1;

	rm_db();
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 0;
	ok &= sqlite3_exec(db, v2_schema, NULL, NULL, NULL) == SQLITE_OK;
	ok &= sqlite3_prepare_v2(db, "INSERT INTO runs (target_kind, target,"
	    " remote_id, model, input, status, created_at, output, recorded,"
	    " logs) VALUES (?1, ?2, ?3, ?4, '{\"prompt\":\"p\"}', 'succeeded',"
	    " ?5, '[\"o.png\"]', ?6, 'log line')", -1, &st, NULL) ==
	    SQLITE_OK;
	for (i = 0; ok && i < N_V2; i++) {
		const struct v2row *r = &v2rows[i];

		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, r->remote_id != NULL ? 0 : 1);
		sqlite3_bind_text(st, 2, r->remote_id != NULL ?
		    "https://api.replicate.com/v1" : "http://127.0.0.1:5000",
		    -1, SQLITE_STATIC);
		if (r->remote_id != NULL)
			sqlite3_bind_text(st, 3, r->remote_id, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_text(st, 4, r->model, -1, SQLITE_STATIC);
		if (r->created_at != NULL)
			sqlite3_bind_text(st, 5, r->created_at, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_int64(st, 6, r->recorded);
		ok &= sqlite3_step(st) == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ok;
}

/* One integer from sql on the file (-1 when it fails). */
static long long
query_int(const char *sql, long long arg)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, arg);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static void
test_migration(void)
{
	struct history *h;
	struct history_run got;
	struct history_list l;
	char err[256];
	size_t i, n;
	/* ids by key, newest first (ties: newest recorded first) */
	static const long long order[N_V2] = { 4, 2, 7, 8, 1, 3, 6, 5, 9 };

	T_OK(make_v2());
	T_EQ(history_open(NULL, &h, err, sizeof err), HISTORY_OK);
	if (h == NULL) {
		printf("     %s\n", err);
		return;
	}
	T_EQ(query_int("PRAGMA user_version", 0), 3);
	T_EQ(query_int("SELECT count(*) FROM runs WHERE at_ms IS NULL", 0), 0);
	for (i = 0; i < N_V2; i++) {
		long long id = (long long)i + 1;

		T_EQ(query_int("SELECT at_ms FROM runs WHERE id = ?1", id),
		    v2rows[i].at_ms);
		/* the rest of the row is as it was */
		T_EQ(history_get(h, id, &got, err, sizeof err), HISTORY_OK);
		T_STREQ(got.model, v2rows[i].model);
		T_OK((got.created_at == NULL) == (v2rows[i].created_at ==
		    NULL));
		if (got.created_at != NULL && v2rows[i].created_at != NULL)
			T_STREQ(got.created_at, v2rows[i].created_at);
		T_STREQ(got.input_json, "{\"prompt\":\"p\"}");
		T_STREQ(got.output_json, "[\"o.png\"]");
		T_STREQ(got.logs, "log line");
		T_EQ(got.recorded, v2rows[i].recorded);
		history_run_done(&got);
	}
	/* the id indexes gave way to the key's */
	T_EQ(query_int("SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'index' AND name IN ('runs_model', 'runs_status', "
	    "'runs_target')", 0), 0);
	T_EQ(query_int("SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'index' AND name LIKE 'runs_%_at'", 0), 4);
	T_EQ(history_list(h, NULL, &l, err, sizeof err), HISTORY_OK);
	T_EQ(l.n, N_V2);
	for (i = 0, n = 0; i < l.n && i < N_V2; i++)
		n += l.runs[i].id == order[i];
	T_EQ(n, N_V2);
	history_list_done(&l);
	history_close(h);
	/* opening it again migrates nothing and changes no key */
	T_EQ(history_open(NULL, &h, err, sizeof err), HISTORY_OK);
	history_close(h);
	T_EQ(query_int("SELECT at_ms FROM runs WHERE id = 1", 0),
	    v2rows[0].at_ms);
}

static struct history_run
remote_run(const char *model, const char *rid, const char *created_at)
{
	struct history_run r;

	memset(&r, 0, sizeof r);
	r.target_kind = HISTORY_TARGET_REPLICATE;
	r.target = S("https://api.replicate.com/v1");
	r.model = S(model);
	r.remote_id = S(rid);
	r.status = S("succeeded");
	r.created_at = S(created_at);
	r.input_json = S("{\"prompt\":\"old\"}");
	r.predict_time = -1;
	r.cost = -1;
	return r;
}

/* The remote ids (or "local") of a list, space separated, into buf. */
static const char *
ids_of(const struct history_list *l, char *buf, size_t n)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < l->n && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
		    i ? " " : "", l->runs[i].remote_id != NULL ?
		    l->runs[i].remote_id : "local");
	return buf;
}

static void
test_mixed_order(void)
{
	struct history *h;
	struct history_run r;
	struct history_list l;
	struct history_filter f;
	char err[256], buf[256], *in = NULL;
	long long local_id, id;

	rm_db();
	T_EQ(history_open(NULL, &h, err, sizeof err), HISTORY_OK);
	if (h == NULL) {
		printf("     %s\n", err);
		return;
	}
	/* a local run today (no created_at: the key is now) */
	memset(&r, 0, sizeof r);
	r.target_kind = HISTORY_TARGET_SERVER;
	r.target = S("http://127.0.0.1:5000");
	r.model = S("owner/flux");
	r.status = S("starting");
	r.input_json = S("{\"prompt\":\"mine\"}");
	r.predict_time = r.cost = -1;
	T_EQ(history_record(h, &r, NULL, &local_id, err, sizeof err),
	    HISTORY_OK);
	/* then an import of predictions created months ago */
	r = remote_run("owner/flux", "old-1", "2025-01-02T03:04:05.678901Z");
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);
	r = remote_run("owner/sdxl", "old-2", "2025-03-01T00:00:00.5Z");
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);
	r = remote_run("owner/flux", "old-3", "2024-12-31T23:59:59+00:00");
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);
	/* a later update of the local run keeps its place */
	memset(&r, 0, sizeof r);
	r.id = local_id;
	r.status = S("succeeded");
	r.predict_time = r.cost = -1;
	T_EQ(history_record(h, &r, NULL, &id, err, sizeof err), HISTORY_OK);
	/* re-importing a prediction (an update) keeps its place too */
	r = remote_run("owner/flux", "old-3", "2024-12-31T23:59:59+00:00");
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);

	T_EQ(history_list(h, NULL, &l, err, sizeof err), HISTORY_OK);
	T_STREQ(ids_of(&l, buf, sizeof buf), "local old-2 old-1 old-3");
	history_list_done(&l);
	memset(&f, 0, sizeof f);
	f.model = "owner/flux";
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_STREQ(ids_of(&l, buf, sizeof buf), "local old-1 old-3");
	history_list_done(&l);
	f.offset = 1;
	f.limit = 1;
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_STREQ(ids_of(&l, buf, sizeof buf), "old-1");
	history_list_done(&l);
	memset(&f, 0, sizeof f);
	f.target = "replicate";
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_STREQ(ids_of(&l, buf, sizeof buf), "old-2 old-1 old-3");
	history_list_done(&l);
	f.target = "https://api.replicate.com/v1";
	f.status = "succeeded";
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_STREQ(ids_of(&l, buf, sizeof buf), "old-2 old-1 old-3");
	history_list_done(&l);
	f.target = "server";
	f.status = NULL;
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_STREQ(ids_of(&l, buf, sizeof buf), "local");
	history_list_done(&l);
	/* the last input of a model is its newest run's, not the import's */
	T_EQ(history_last_input(h, "owner/flux", &in, err, sizeof err),
	    HISTORY_OK);
	T_STREQ(in, "{\"prompt\":\"mine\"}");
	free(in);
	/* runs created at the same time: the newest recorded first */
	r = remote_run("owner/sdxl", "same-1", "2025-03-01T00:00:00.500Z");
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);
	memset(&f, 0, sizeof f);
	f.model = "owner/sdxl";
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_STREQ(ids_of(&l, buf, sizeof buf), "same-1 old-2");
	history_list_done(&l);
	history_close(h);
}

/* The plan of the list for f: an index walk, never a sort. */
static void
check_plan(struct history *h, const struct history_filter *f,
    const char *want_index)
{
	char plan[1024], err[256];

	T_EQ(history_list_plan(h, f, plan, sizeof plan, err, sizeof err),
	    HISTORY_OK);
	T_OK(strstr(plan, "TEMP B-TREE") == NULL);
	T_OK(strstr(plan, want_index) != NULL);
	if (strstr(plan, "TEMP B-TREE") != NULL ||
	    strstr(plan, want_index) == NULL)
		printf("     plan (want %s):\n%s\n", want_index, plan);
}

static void
test_plans(void)
{
	static const struct {
		const char *model, *status, *target, *text, *index;
	} cases[] = {
		{ NULL, NULL, NULL, NULL, "runs_at" },
		{ "owner/flux", NULL, NULL, NULL, "runs_model_at" },
		{ NULL, "failed", NULL, NULL, "runs_status_at" },
		{ NULL, NULL, "http://127.0.0.1:5000", NULL, "runs_target_at" },
		{ NULL, NULL, "server", NULL, "runs_kind_at" },
		{ NULL, NULL, NULL, "cat", "runs_at" },
		{ "owner/flux", NULL, NULL, "cat", "runs_model_at" },
		{ "owner/flux", "failed", NULL, NULL, "_at" },
		{ NULL, "failed", "replicate", NULL, "runs_status_at" },
		{ "owner/flux", NULL, "server", NULL, "runs_model_at" },
		{ "owner/flux", "failed", "container", "cat", "_at" },
	};
	struct history *h;
	struct history_filter f;
	char err[256];
	size_t i;

	T_OK(make_v2());	/* a migrated file: its indexes are the ones */
	T_EQ(history_open(NULL, &h, err, sizeof err), HISTORY_OK);
	if (h == NULL) {
		printf("     %s\n", err);
		return;
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&f, 0, sizeof f);
		f.model = cases[i].model;
		f.status = cases[i].status;
		f.target = cases[i].target;
		f.text = cases[i].text;
		f.limit = 50;
		f.offset = 100;
		check_plan(h, &f, cases[i].index);
		f.with_logs = true;
		check_plan(h, &f, cases[i].index);
	}
	history_close(h);
	/* a new file has the same indexes */
	rm_db();
	T_EQ(history_open(NULL, &h, err, sizeof err), HISTORY_OK);
	if (h != NULL) {
		check_plan(h, NULL, "runs_at");
		memset(&f, 0, sizeof f);
		f.model = "owner/flux";
		check_plan(h, &f, "runs_model_at");
		history_close(h);
	}
}

int
main(void)
{
	char tmpl[] = "/tmp/r8play-histord-XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return 1;
	snprintf(dir, sizeof dir, "%s", tmpl);
	snprintf(path, sizeof path, "%s/history.db", dir);
	setenv("R8PLAY_DATA_DIR", dir, 1);
	test_migration();
	test_mixed_order();
	test_plans();
	rm_db();
	rmdir(dir);
	return T_SUMMARY();
}
