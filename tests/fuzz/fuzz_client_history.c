/*
 * tests/fuzz/fuzz_client_history.c: the history reader on corrupted rows.
 * A history is created in a scratch file (history_open makes its schema),
 * one to three rows are written into its runs table straight through
 * SQLite with fuzzed values of every storage class (NULL, integer, real,
 * text with any bytes, blob), as a damaged or hand-edited file would hold
 * them, and the history is opened again; then everything that reads rows
 * runs over them: list (with filters from the input), count, get,
 * get by prediction id, last input, in flight, the JSON of a run and the
 * text form of its output and input; then a run recorded with the fourth
 * field as its created_at (the sort key's parser) is listed first.
 *
 * Input: fields separated by 0xff; the first byte of a field picks its
 * storage class (byte % 5), the rest is its value. Invariants: no crash
 * or leak; list and count agree; every run read has a target kind in
 * range, predict time and cost either -1 or >= 0, and a JSON form.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "client/history/history.h"
#include "client/history/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const cols[] = { "target_kind", "target", "remote_id",
	"model", "version", "input", "status", "created_at", "started_at",
	"completed_at", "predict_time", "metrics", "error", "logs", "output",
	"saved", "output_dir", "cost", "recorded", "data_removed", "at_ms" };
#define NCOLS (sizeof cols / sizeof cols[0])

static void
bind_field(sqlite3_stmt *st, int i, const uint8_t *p, size_t n)
{
	long long v = 0;
	double d;
	size_t k;

	if (n == 0) {
		sqlite3_bind_null(st, i);
		return;
	}
	switch (p[0] % 5) {
	case 0:
		sqlite3_bind_null(st, i);
		break;
	case 1:
		for (k = 1; k < n && k < 9; k++)
			v = (long long)((unsigned long long)v << 8 | p[k]);
		sqlite3_bind_int64(st, i, v);
		break;
	case 2:
		d = 0;
		if (n >= 9)
			memcpy(&d, p + 1, sizeof d);
		else
			d = (double)(n - 1) - 2.5;
		sqlite3_bind_double(st, i, d);	/* NaN, inf, negatives */
		break;
	case 3:
		sqlite3_bind_text(st, i, (const char *)p + 1, (int)(n - 1),
		    SQLITE_TRANSIENT);
		break;
	default:
		sqlite3_bind_blob(st, i, p + 1, (int)(n - 1), SQLITE_TRANSIENT);
		break;
	}
}

static char dir[64], path[128], fuzz_model[] = "fuzz/created";

/* The scratch folder goes when the fuzzer exits. */
static void
cleanup(void)
{
	char p[160];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	rmdir(dir);
}

static void
check_run(const struct history_run *r)
{
	char *js, *t;

	if ((unsigned)r->target_kind > HISTORY_TARGET_CONTAINER)
		abort();
	if (!(r->predict_time == -1 || r->predict_time >= 0) ||
	    !(r->cost == -1 || r->cost >= 0))
		abort();
	js = history_run_json(r, r->id % 2 == 0);
	if (js == NULL)
		abort();
	free(js);
	t = record_text(r->output_json, NULL);
	free(t);
	t = record_text(r->input_json, NULL);
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history *h;
	struct history_list l;
	struct history_filter f;
	struct history_run r;
	sqlite3_stmt *st;
	char err[256], sql[512], *in = NULL, filt[4][32];
	const uint8_t *p = data, *end = data + size, *q;
	size_t i, len = 0, n, rows;
	int c;

	sqlite3 *db;

	if (size > 1 << 16)
		return 0;
	if (dir[0] == '\0') {
		/* memory-backed when there is one: a history per input */
		snprintf(dir, sizeof dir, "%s/r8play-fuzz-history-XXXXXX",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof path, "%s/history.db", dir);
		atexit(cleanup);
	}
	unlink(path);
	if (history_open(path, &h, err, sizeof err) != HISTORY_OK)
		abort();
	history_close(h);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		abort();
	len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO runs (");
	for (i = 0; i < NCOLS; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s",
		    i ? "," : "", cols[i]);
	len += (size_t)snprintf(sql + len, sizeof sql - len, ") VALUES (");
	for (i = 0; i < NCOLS; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s?",
		    i ? "," : "");
	snprintf(sql + len, sizeof sql - len, ")");
	/* filters: the first four fields as short strings */
	memset(filt, 0, sizeof filt);
	for (rows = 0; rows < 3 && p < end; rows++) {
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			abort();
		for (c = 0; c < (int)NCOLS; c++) {
			q = memchr(p, 0xff, (size_t)(end - p));
			if (q == NULL)
				q = end;
			bind_field(st, c + 1, p, (size_t)(q - p));
			if (rows == 0 && c < 4 && q > p + 1) {
				size_t fl = (size_t)(q - p - 1);

				if (fl >= sizeof filt[c])
					fl = sizeof filt[c] - 1;
				memcpy(filt[c], p + 1, fl);
				filt[c][fl] = '\0';
			}
			p = q < end ? q + 1 : end;
		}
		/* a NOT NULL column given NULL fails: the row is just absent */
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	if (history_open(path, &h, err, sizeof err) != HISTORY_OK)
		abort();

	memset(&f, 0, sizeof f);
	if (history_list(h, &f, &l, err, sizeof err) == HISTORY_OK) {
		if (history_count(h, &f, &n, err, sizeof err) != HISTORY_OK ||
		    n != l.n)
			abort();
		for (i = 0; i < l.n; i++) {
			check_run(&l.runs[i]);
			if (history_get(h, l.runs[i].id, &r, err, sizeof err) ==
			    HISTORY_OK) {
				check_run(&r);
				history_run_done(&r);
			}
			if (l.runs[i].remote_id != NULL &&
			    history_get_remote(h, l.runs[i].target,
			    l.runs[i].remote_id, &r, err, sizeof err) ==
			    HISTORY_OK)
				history_run_done(&r);
			if (history_last_input(h, l.runs[i].model, &in, err,
			    sizeof err) == HISTORY_OK)
				free(in);
		}
		history_list_done(&l);
	}
	f.model = filt[0][0] ? filt[0] : NULL;
	f.status = filt[1][0] ? filt[1] : NULL;
	f.target = filt[2][0] ? filt[2] : NULL;
	f.text = filt[3][0] ? filt[3] : NULL;
	f.limit = 2;
	if (history_list(h, &f, &l, err, sizeof err) == HISTORY_OK) {
		if (l.n > 2)
			abort();
		history_list_done(&l);
	}
	if (history_in_flight(h, &l, err, sizeof err) == HISTORY_OK) {
		for (i = 0; i < l.n; i++)
			check_run(&l.runs[i]);
		history_list_done(&l);
	}
	/* any created_at gets a key (a date's, else now): the run is listed */
	memset(&r, 0, sizeof r);
	r.model = fuzz_model;
	r.created_at = filt[3];
	r.predict_time = r.cost = -1;
	if (history_record(h, &r, NULL, NULL, err, sizeof err) == HISTORY_OK) {
		memset(&f, 0, sizeof f);
		f.model = "fuzz/created";
		if (history_list(h, &f, &l, err, sizeof err) == HISTORY_OK) {
			if (l.n < 1)
				abort();
			history_list_done(&l);
		}
	}
	history_close(h);
	return 0;
}
