/*
 * tests/unit/t_client_history.c: the run history (client/history/history.c)
 * on real files in a scratch R8PLAY_DATA_DIR: insert and update, filters,
 * last input per model, in-flight runs, secrets never stored, two
 * processes writing at once, and damaged or newer files left untouched.
 */
#include "client/history/history.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

/* A literal into a field the struct types as owned (never freed here). */
static char *
S(const char *s)
{
	return (char *)(uintptr_t)s;
}

static char dir[256], path[512];

static char *
slurp(const char *p, size_t *len)
{
	FILE *fp = fopen(p, "rb");
	char *buf;
	long n;

	*len = 0;
	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *p, const void *data, size_t len)
{
	FILE *fp = fopen(p, "wb");

	fwrite(data, 1, len, fp);
	fclose(fp);
}

static bool
file_has(const char *p, const char *needle)
{
	size_t len, nl = strlen(needle), i;
	char *buf = slurp(p, &len);
	bool found = false;

	for (i = 0; buf != NULL && i + nl <= len && !found; i++)
		found = memcmp(buf + i, needle, nl) == 0;
	free(buf);
	return found;
}

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

static struct history_run
run_of(const char *model, const char *status, const char *remote)
{
	struct history_run r;

	memset(&r, 0, sizeof r);
	r.target_kind = HISTORY_TARGET_REPLICATE;
	r.target = S("https://api.replicate.com/v1");
	r.model = S(model);
	r.status = S(status);
	r.remote_id = S(remote);
	r.input_json = S("{\"prompt\":\"a cat\"}");
	r.predict_time = -1;
	r.cost = -1;
	return r;
}

static void
test_paths(void)
{
	char buf[512], err[256];

	setenv("R8PLAY_DATA_DIR", "/x/y", 1);
	T_EQ(history_default_path(buf, sizeof buf, err, sizeof err), 0);
	T_STREQ(buf, "/x/y/history.db");
	unsetenv("R8PLAY_DATA_DIR");
	setenv("XDG_DATA_HOME", "/d", 1);
	T_EQ(history_default_path(buf, sizeof buf, err, sizeof err), 0);
	T_STREQ(buf, "/d/r8play/history.db");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/u", 1);
	T_EQ(history_default_path(buf, sizeof buf, err, sizeof err), 0);
	T_STREQ(buf, "/home/u/.local/share/r8play/history.db");
	setenv("R8PLAY_DATA_DIR", dir, 1);
}

static void
test_record_and_query(void)
{
	struct history *h;
	struct history_run r, got;
	struct history_list l;
	struct history_filter f;
	char err[256], *in;
	long long id, id2, id3;
	size_t n;

	rm_db();
	T_EQ(history_open(NULL, &h, err, sizeof err), HISTORY_OK);
	if (h == NULL) {
		printf("     %s\n", err);
		return;
	}
	r = run_of("owner/flux", "starting", "p1");
	r.created_at = S("2026-01-01T00:00:00Z");
	T_EQ(history_record(h, &r, NULL, &id, err, sizeof err), HISTORY_OK);
	T_OK(id > 0);
	/* an update keeps what it does not name */
	memset(&r, 0, sizeof r);
	r.id = id;
	r.status = S("succeeded");
	r.predict_time = 2.5;
	r.cost = 0.0031;
	r.output_json = S("[\"out.png\"]");
	r.metrics_json = S("{\"predict_time\":2.5}");
	T_EQ(history_record(h, &r, NULL, &id2, err, sizeof err), HISTORY_OK);
	T_EQ(id2, id);
	T_EQ(history_get(h, id, &got, err, sizeof err), HISTORY_OK);
	T_STREQ(got.model, "owner/flux");
	T_STREQ(got.status, "succeeded");
	T_STREQ(got.created_at, "2026-01-01T00:00:00Z");
	T_STREQ(got.input_json, "{\"prompt\":\"a cat\"}");
	T_STREQ(got.output_json, "[\"out.png\"]");
	T_OK(got.predict_time == 2.5);
	T_OK(got.cost == 0.0031);
	T_OK(got.started_at == NULL);
	T_OK(got.recorded > 0);
	history_run_done(&got);

	/* the same remote id (same target) updates, never duplicates */
	r = run_of("owner/flux", "failed", "p1");
	r.error = S("CUDA out of memory");
	T_EQ(history_record(h, &r, NULL, &id3, err, sizeof err), HISTORY_OK);
	T_EQ(id3, id);
	T_EQ(history_get_remote(h, NULL, "p1", &got, err, sizeof err),
	    HISTORY_OK);
	T_STREQ(got.error, "CUDA out of memory");
	history_run_done(&got);
	T_EQ(history_get_remote(h, NULL, "nope", &got, err, sizeof err),
	    HISTORY_ENOTFOUND);
	T_EQ(history_get(h, 9999, &got, err, sizeof err), HISTORY_ENOTFOUND);

	/* more runs: two models, a local server, in-flight ones */
	r = run_of("owner/sdxl", "processing", "p2");
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);
	r = run_of("owner/sdxl", "succeeded", "p3");
	r.input_json = S("{\"prompt\":\"a dog\",\"seed\":7}");
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);
	r = run_of("local", "starting", "p4");
	r.target_kind = HISTORY_TARGET_SERVER;
	r.target = S("http://127.0.0.1:5000");
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);

	T_EQ(history_list(h, NULL, &l, err, sizeof err), HISTORY_OK);
	T_EQ(l.n, 4);
	if (l.n == 4) {
		T_STREQ(l.runs[0].remote_id, "p4");	/* newest first */
		T_STREQ(l.runs[3].remote_id, "p1");
		T_EQ(l.runs[0].target_kind, HISTORY_TARGET_SERVER);
	}
	history_list_done(&l);
	memset(&f, 0, sizeof f);
	f.model = "owner/sdxl";
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_EQ(l.n, 2);
	history_list_done(&l);
	f.status = "succeeded";
	T_EQ(history_count(h, &f, &n, err, sizeof err), HISTORY_OK);
	T_EQ(n, 1);
	memset(&f, 0, sizeof f);
	f.target = "server";
	T_EQ(history_count(h, &f, &n, err, sizeof err), HISTORY_OK);
	T_EQ(n, 1);
	f.target = "https://api.replicate.com/v1";
	T_EQ(history_count(h, &f, &n, err, sizeof err), HISTORY_OK);
	T_EQ(n, 3);
	memset(&f, 0, sizeof f);
	f.text = "a dog";
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_EQ(l.n, 1);
	if (l.n == 1)
		T_STREQ(l.runs[0].remote_id, "p3");
	history_list_done(&l);
	f.text = "out of memory";
	T_EQ(history_count(h, &f, &n, err, sizeof err), HISTORY_OK);
	T_EQ(n, 1);
	memset(&f, 0, sizeof f);
	f.limit = 2;
	f.offset = 1;
	T_EQ(history_list(h, &f, &l, err, sizeof err), HISTORY_OK);
	T_EQ(l.n, 2);
	if (l.n == 2) {
		T_STREQ(l.runs[0].remote_id, "p3");
		T_STREQ(l.runs[1].remote_id, "p2");
	}
	history_list_done(&l);

	T_EQ(history_last_input(h, "owner/sdxl", &in, err, sizeof err),
	    HISTORY_OK);
	T_STREQ(in, "{\"prompt\":\"a dog\",\"seed\":7}");
	free(in);
	T_EQ(history_last_input(h, "owner/none", &in, err, sizeof err),
	    HISTORY_ENOTFOUND);
	T_OK(in == NULL);

	/* an update without a target keeps the run's kind */
	memset(&r, 0, sizeof r);
	r.remote_id = S("p4");
	r.status = S("starting");
	r.predict_time = r.cost = -1;
	T_EQ(history_get_remote(h, NULL, "p4", &got, err, sizeof err),
	    HISTORY_OK);
	r.id = got.id;
	history_run_done(&got);
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);
	T_EQ(history_get_remote(h, NULL, "p4", &got, err, sizeof err),
	    HISTORY_OK);
	T_EQ(got.target_kind, HISTORY_TARGET_SERVER);
	T_STREQ(got.target, "http://127.0.0.1:5000");
	history_run_done(&got);

	/* in flight: remote runs still starting/processing (not the server) */
	T_EQ(history_in_flight(h, &l, err, sizeof err), HISTORY_OK);
	T_EQ(l.n, 1);
	if (l.n == 1)
		T_STREQ(l.runs[0].remote_id, "p2");
	history_list_done(&l);
	history_close(h);
	{
		char wal[600];
		struct stat sb;

		snprintf(wal, sizeof wal, "%s-wal", path);
		/* WAL mode is in the file header: bytes 18 and 19 are 2 */
		size_t len;
		char *b = slurp(path, &len);

		T_OK(b != NULL && len > 100 && b[18] == 2 && b[19] == 2);
		free(b);
		(void)sb;
	}
}

static void
test_logs_tail(void)
{
	struct history *h;
	struct history_run r, got;
	char err[256], *logs;
	long long id;
	size_t big = HISTORY_MAX_LOG_BYTES * 3;

	rm_db();
	T_EQ(history_open(path, &h, err, sizeof err), HISTORY_OK);
	logs = malloc(big + 1);
	memset(logs, 'a', big);
	memcpy(logs + big - 4, "END\n", 4);
	logs[big] = '\0';
	r = run_of("m/logs", "processing", NULL);
	r.logs = logs;
	T_EQ(history_record(h, &r, NULL, &id, err, sizeof err), HISTORY_OK);
	T_EQ(history_get(h, id, &got, err, sizeof err), HISTORY_OK);
	T_EQ(strlen(got.logs), HISTORY_MAX_LOG_BYTES);
	T_OK(strcmp(got.logs + strlen(got.logs) - 4, "END\n") == 0);
	history_run_done(&got);
	free(logs);
	history_close(h);
}

static void
test_secrets(void)
{
	static const char *const fields[] = { "api_key", "hf_token" };
	static const char *const values[] = { "r8_TOKENVALUE123" };
	struct history_secrets sec = { fields, 2, values, 1 };
	struct history *h;
	struct history_run r, got;
	char err[256], wal[600], *red;
	long long id;

	rm_db();
	T_EQ(history_open(path, &h, err, sizeof err), HISTORY_OK);
	r = run_of("m/secret", "processing", "s1");
	r.input_json = S("{\"prompt\":\"hi\",\"api_key\":"
	    "\"sk-SECRET\\\"QUOTE\",\"hf_token\":\"hf_ABCDEFG\"}");
	r.logs = S("using key sk-SECRET\"QUOTE and hf_ABCDEFG, "
	    "token r8_TOKENVALUE123\n");
	r.error = S("auth failed for hf_ABCDEFG");
	r.output_json = S("\"echo sk-SECRET\\\"QUOTE\"");
	T_EQ(history_record(h, &r, &sec, &id, err, sizeof err), HISTORY_OK);
	T_EQ(history_get(h, id, &got, err, sizeof err), HISTORY_OK);
	T_STREQ(got.input_json, "{\"prompt\":\"hi\",\"api_key\":"
	    "\"<secret:api_key>\",\"hf_token\":\"<secret:hf_token>\"}");
	T_STREQ(got.logs, "using key <secret> and <secret>, token "
	    "<secret>\n");
	T_STREQ(got.error, "auth failed for <secret>");
	T_STREQ(got.output_json, "\"echo <secret>\"");
	history_run_done(&got);
	history_close(h);
	snprintf(wal, sizeof wal, "%s-wal", path);
	T_OK(!file_has(path, "sk-SECRET"));
	T_OK(!file_has(path, "hf_ABCDEFG"));
	T_OK(!file_has(path, "r8_TOKENVALUE123"));
	T_OK(!file_has(wal, "sk-SECRET"));
	T_OK(!file_has(wal, "hf_ABCDEFG"));

	red = history_redact_input("{\"a\":1,\"api_key\":[1,2]}", &sec);
	T_STREQ(red, "{\"a\":1,\"api_key\":\"<secret:api_key>\"}");
	free(red);
	red = history_redact_input("not json r8_TOKENVALUE123", &sec);
	T_STREQ(red, "not json <secret>");
	free(red);
}

#define PER_CHILD 150

static int
child(int k)
{
	struct history *h;
	struct history_run r;
	char err[256], model[32], rid[32];
	long long id;
	int i;

	if (history_open(path, &h, err, sizeof err) != HISTORY_OK) {
		fprintf(stderr, "child %d: %s\n", k, err);
		return 1;
	}
	snprintf(model, sizeof model, "proc/%d", k);
	for (i = 0; i < PER_CHILD; i++) {
		snprintf(rid, sizeof rid, "c%d-%d", k, i);
		r = run_of(model, "starting", rid);
		if (history_record(h, &r, NULL, &id, err, sizeof err) != 0)
			goto fail;
		memset(&r, 0, sizeof r);
		r.id = id;
		r.status = S("succeeded");
		r.predict_time = r.cost = -1;
		if (history_record(h, &r, NULL, NULL, err, sizeof err) != 0)
			goto fail;
	}
	history_close(h);
	return 0;
fail:
	fprintf(stderr, "child %d: %s\n", k, err);
	history_close(h);
	return 1;
}

static void
test_two_processes(void)
{
	struct history *h;
	struct history_filter f;
	pid_t pid[2];
	char err[256];
	size_t n;
	int k, st;

	rm_db();
	fflush(stdout);
	for (k = 0; k < 2; k++)
		if ((pid[k] = fork()) == 0)
			_exit(child(k));
	for (k = 0; k < 2; k++) {
		T_OK(waitpid(pid[k], &st, 0) == pid[k]);
		T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	T_EQ(history_open(path, &h, err, sizeof err), HISTORY_OK);
	if (h == NULL)
		return;
	T_EQ(history_count(h, NULL, &n, err, sizeof err), HISTORY_OK);
	T_EQ(n, 2 * PER_CHILD);
	memset(&f, 0, sizeof f);
	f.status = "succeeded";
	f.model = "proc/1";
	T_EQ(history_count(h, &f, &n, err, sizeof err), HISTORY_OK);
	T_EQ(n, PER_CHILD);
	f.model = "proc/0";
	T_EQ(history_count(h, &f, &n, err, sizeof err), HISTORY_OK);
	T_EQ(n, PER_CHILD);
	history_close(h);
}

/* The file is refused with the code and message, and left byte for byte. */
static void
check_refused(const char *what, enum history_rc want, const char *needle)
{
	struct history *h = (struct history *)1;
	char err[512], wal[600];
	size_t l0, l1;
	char *before = slurp(path, &l0), *after;
	struct stat sb;
	enum history_rc rc;

	rc = history_open(path, &h, err, sizeof err);
	if (!T_EQ(rc, want))
		printf("     %s: %s\n", what, err);
	T_OK(h == NULL);
	T_OK(strstr(err, needle) != NULL);
	T_OK(strstr(err, "left as it is") != NULL);
	after = slurp(path, &l1);
	T_EQ(l1, l0);
	T_OK(before != NULL && after != NULL && memcmp(before, after, l0) == 0);
	snprintf(wal, sizeof wal, "%s-wal", path);
	T_OK(stat(wal, &sb) != 0 || sb.st_size == 0);
	free(before);
	free(after);
}

static void
test_refused_files(void)
{
	struct history *h;
	struct history_run r;
	char err[256], *b;
	size_t len, i;

	/* not a database at all */
	rm_db();
	b = malloc(8192);
	for (i = 0; i < 8192; i++)
		b[i] = (char)(i * 7 + 3);
	spit(path, b, 8192);
	free(b);
	check_refused("garbage", HISTORY_ECORRUPT, "damaged");

	/* a real history whose pages were damaged */
	rm_db();
	T_EQ(history_open(path, &h, err, sizeof err), HISTORY_OK);
	r = run_of("m/x", "succeeded", NULL);
	T_EQ(history_record(h, &r, NULL, NULL, err, sizeof err), HISTORY_OK);
	history_close(h);
	b = slurp(path, &len);
	T_OK(len >= 4096);
	for (i = 100; i < 4096 && i < len; i++)
		b[i] = (char)0xa5;
	spit(path, b, len);
	free(b);
	check_refused("damaged", HISTORY_ECORRUPT, "damaged");

	/* a history from a newer schema: user_version at byte 60 */
	rm_db();
	T_EQ(history_open(path, &h, err, sizeof err), HISTORY_OK);
	history_close(h);
	b = slurp(path, &len);
	T_OK(len > 100);
	b[60] = 0;
	b[61] = 0;
	b[62] = 0;
	b[63] = HISTORY_SCHEMA_VERSION + 1;
	spit(path, b, len);
	free(b);
	check_refused("newer", HISTORY_ENEWER, "newer r8play");
	rm_db();
}

/* Replicate removed a run's data: the flag is stored, the input an earlier
 * write had is kept (a NULL column keeps), and an update that does not say
 * removed never clears it. */
static void
test_data_removed(void)
{
	struct history *h;
	struct history_run r, got;
	char err[256], *js;
	long long id, id2;

	rm_db();
	T_EQ(history_open(NULL, &h, err, sizeof err), HISTORY_OK);
	if (h == NULL)
		return;
	r = run_of("owner/flux", "succeeded", "gone1");
	T_EQ(history_record(h, &r, NULL, &id, err, sizeof err), HISTORY_OK);
	T_EQ(history_get(h, id, &got, err, sizeof err), HISTORY_OK);
	T_OK(!got.data_removed);
	js = history_run_json(&got, false);
	T_OK(js != NULL && strstr(js, "data_removed") == NULL);
	free(js);
	history_run_done(&got);
	r = run_of("owner/flux", "succeeded", "gone1");
	r.input_json = NULL;
	r.data_removed = true;
	T_EQ(history_record(h, &r, NULL, &id2, err, sizeof err), HISTORY_OK);
	T_EQ(id2, id);
	r = run_of("owner/flux", "succeeded", "gone1");
	r.input_json = NULL;
	T_EQ(history_record(h, &r, NULL, &id2, err, sizeof err), HISTORY_OK);
	T_EQ(history_get(h, id, &got, err, sizeof err), HISTORY_OK);
	T_OK(got.data_removed);
	T_STREQ(got.input_json, "{\"prompt\":\"a cat\"}");
	js = history_run_json(&got, false);
	T_OK(js != NULL && strstr(js, "\"data_removed\":true") != NULL);
	free(js);
	history_run_done(&got);
	history_close(h);
	rm_db();
}

int
main(void)
{
	char tmpl[] = "/tmp/r8play-history-XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return 1;
	snprintf(dir, sizeof dir, "%s/sub/dir", tmpl);
	snprintf(path, sizeof path, "%s/history.db", dir);
	test_paths();
	test_record_and_query();
	test_logs_tail();
	test_secrets();
	test_two_processes();
	test_refused_files();
	test_data_removed();
	T_EQ(history_strerror(HISTORY_ENEWER)[0] != '\0', 1);
	rm_db();
	rmdir(dir);
	{
		char p[300];

		snprintf(p, sizeof p, "%s/sub", tmpl);
		rmdir(p);
	}
	rmdir(tmpl);
	return T_SUMMARY();
}
