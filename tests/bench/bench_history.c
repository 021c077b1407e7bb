/*
 * tests/bench/bench_history.c: how long the history takes with 100,000
 * runs, printed as a table (never asserted): recording them, then what
 * the history screen and `r8play history` do: the first page, every run,
 * filters by model, status and target, free-text search, counts, the last
 * input of a model, the in-flight runs, reopening the file, and opening
 * it as a schema 2 file (the migration that adds the sort keys).
 *   make bench-history        (BENCH_HISTORY_RUNS=N to change the size)
 */
#include "client/history/history.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *const models[] = { "stability-ai/sdxl",
	"black-forest-labs/flux-schnell", "meta/meta-llama-3-8b-instruct",
	"openai/whisper", "nightmareai/real-esrgan", "local/zoo" };
static const char *const statuses[] = { "succeeded", "succeeded",
	"succeeded", "failed", "canceled", "processing" };

static void
row(const char *what, size_t n, double dt, size_t got)
{
	printf("%-44s %8zu %12.2f %10zu\n", what, n, dt * 1e3, got);
}

/* One history_list() timed and printed. */
static int
time_list(struct history *h, const struct history_filter *f,
    const char *label, size_t n)
{
	struct history_list l;
	char err[512];
	double t0 = now_s();
	size_t got;

	if (history_list(h, f, &l, err, sizeof err) != HISTORY_OK) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	got = l.n;
	history_list_done(&l);
	row(label, n, now_s() - t0, got);
	return 0;
}

/*
 * The file back to schema 2 (no sort key, the id indexes), as a history
 * made before it was, so the next open times the migration.
 */
static int
to_schema2(const char *path)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, "DROP INDEX runs_at; DROP INDEX runs_model_at;"
	    "DROP INDEX runs_status_at; DROP INDEX runs_target_at;"
	    "DROP INDEX runs_kind_at; ALTER TABLE runs DROP COLUMN at_ms;"
	    "CREATE INDEX runs_model ON runs(model, id);"
	    "CREATE INDEX runs_status ON runs(status, id);"
	    "CREATE INDEX runs_target ON runs(target, id);"
	    "PRAGMA user_version = 2;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "schema 2: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static char *
S(const char *s)
{
	return (char *)(uintptr_t)s;
}

int
main(void)
{
	char dir[] = "/tmp/r8play-bench-history-XXXXXX", path[256], err[512];
	char input[256], out[128], rid[32], logs[2048], cmd[300];
	const char *env = getenv("BENCH_HISTORY_RUNS");
	size_t n = env != NULL ? (size_t)atol(env) : 100000, i, got;
	struct history *h;
	struct history_run r;
	struct history_list l;
	struct history_filter f;
	char *in;
	double t0;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/history.db", dir);
	memset(logs, 'x', sizeof logs - 1);
	logs[sizeof logs - 1] = '\0';
	printf("%-44s %8s %12s %10s\n", "operation", "runs", "ms", "rows");
	t0 = now_s();
	if (history_open(path, &h, err, sizeof err) != HISTORY_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	row("open (create + migrate)", 0, now_s() - t0, 0);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof r);
		r.target_kind = i % 6 == 5 ? HISTORY_TARGET_SERVER :
		    HISTORY_TARGET_REPLICATE;
		r.target = S(i % 6 == 5 ? "http://127.0.0.1:5000" :
		    "https://api.replicate.com/v1");
		snprintf(rid, sizeof rid, "p%08zu", i);
		r.remote_id = rid;
		r.model = S(models[i % 6]);
		r.status = S(statuses[(i / 6) % 6]);
		snprintf(input, sizeof input, "{\"prompt\":\"run %zu of a "
		    "corgi in the style %zu\",\"seed\":%zu}", i, i % 97, i);
		r.input_json = input;
		snprintf(out, sizeof out, "[\"./p%08zu/out-0.png\"]", i);
		r.output_json = out;
		r.logs = logs;
		r.created_at = S("2026-12-05T04:00:00.000Z");
		r.predict_time = (double)(i % 50) / 10;
		r.cost = 0.001;
		if (history_record(h, &r, NULL, NULL, err, sizeof err) !=
		    HISTORY_OK) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	}
	row("record (insert, one transaction each)", n, now_s() - t0, n);

	memset(&f, 0, sizeof f);
	f.limit = 100;
	if (time_list(h, &f, "list newest 100 (screen opens)", n) != 0)
		return 1;
	f.offset = n / 2;
	if (time_list(h, &f, "list 100 at offset n/2 (scrolled)", n) != 0)
		return 1;
	f.offset = 0;
	f.limit = 0;
	if (time_list(h, &f, "list every run", n) != 0)
		return 1;
	f.limit = 100;
	f.model = "openai/whisper";
	if (time_list(h, &f, "filter model, 100", n) != 0)
		return 1;
	f.model = NULL;
	f.status = "failed";
	if (time_list(h, &f, "filter status, 100", n) != 0)
		return 1;
	f.status = NULL;
	f.target = "server";
	if (time_list(h, &f, "filter target kind, 100", n) != 0)
		return 1;
	f.target = NULL;
	f.text = "style 42\"";
	if (time_list(h, &f, "search text, 100 (full scan)", n) != 0)
		return 1;
	f.text = "no such text anywhere";
	if (time_list(h, &f, "search text, no match (full scan)", n) != 0)
		return 1;
	f.text = NULL;
	t0 = now_s();
	history_count(h, &f, &got, err, sizeof err);
	row("count all", n, now_s() - t0, got);
	f.model = "stability-ai/sdxl";
	f.status = "succeeded";
	t0 = now_s();
	history_count(h, &f, &got, err, sizeof err);
	row("count model + status", n, now_s() - t0, got);
	t0 = now_s();
	if (history_last_input(h, "local/zoo", &in, err, sizeof err) == 0)
		free(in);
	row("last input of a model", n, now_s() - t0, 1);
	t0 = now_s();
	history_in_flight(h, &l, err, sizeof err);
	got = l.n;
	history_list_done(&l);
	row("in-flight runs (first 1000)", n, now_s() - t0, got);
	t0 = now_s();
	history_get(h, (long long)n / 3, &r, err, sizeof err);
	history_run_done(&r);
	row("get one by id", n, now_s() - t0, 1);
	history_close(h);
	t0 = now_s();
	if (history_open(path, &h, err, sizeof err) == HISTORY_OK)
		history_close(h);
	row("reopen", n, now_s() - t0, 0);
	if (to_schema2(path) != 0)
		return 1;
	t0 = now_s();
	if (history_open(path, &h, err, sizeof err) != HISTORY_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	history_close(h);
	row("reopen a schema 2 file (migrate: sort keys)", n, now_s() - t0, n);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
