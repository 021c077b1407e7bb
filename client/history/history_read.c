/*
 * client/history/history_read.c: reading the run history (see history.h):
 * rows to structs, filters (model, status, target, text), listing, counting,
 * one run by id or remote id, the last input of a model, runs still in
 * flight, and a run as JSON.
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

/* ---- reading */

/* A column as an owned string (any storage class), NULL when NULL. */
static int
col_text(sqlite3_stmt *st, int i, char **out)
{
	const unsigned char *t;
	int n;

	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	t = sqlite3_column_text(st, i);
	n = sqlite3_column_bytes(st, i);
	if (t == NULL)
		return n > 0 ? -1 : 0;
	if ((size_t)n > HISTORY_MAX_TEXT)
		n = (int)HISTORY_MAX_TEXT;
	if ((*out = malloc((size_t)n + 1)) == NULL)
		return -1;
	memcpy(*out, t, (size_t)n);
	(*out)[n] = '\0';
	return 0;
}

static double
col_real(sqlite3_stmt *st, int i)
{
	double d;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	d = sqlite3_column_double(st, i);
	return d >= 0 && d < 1e300 ? d : -1;	/* NaN and junk are absent */
}

static int
read_row(sqlite3_stmt *st, struct history_run *r)
{
	char **s[] = { &r->target, &r->remote_id, &r->model, &r->version,
		&r->input_json, &r->status, &r->created_at, &r->started_at,
		&r->completed_at };
	char **t[] = { &r->metrics_json, &r->error, &r->logs,
		&r->output_json, &r->saved_json, &r->output_dir };
	long long k;
	size_t i;
	int fail = 0;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	k = sqlite3_column_int64(st, 1);
	r->target_kind = k >= 0 && k <= HISTORY_TARGET_CONTAINER ?
	    (enum history_target)k : HISTORY_TARGET_REPLICATE;
	for (i = 0; i < sizeof s / sizeof s[0]; i++)
		fail |= col_text(st, 2 + (int)i, s[i]);
	r->predict_time = col_real(st, 11);
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		fail |= col_text(st, 12 + (int)i, t[i]);
	r->cost = col_real(st, 18);
	r->recorded = sqlite3_column_int64(st, 19);
	r->data_removed = sqlite3_column_int(st, 20) != 0;
	if (fail) {
		history_run_done(r);
		return -1;
	}
	return 0;
}

/* Step st into a list (at most max rows). */
static enum history_rc
collect(sqlite3 *db, sqlite3_stmt *st, size_t max, struct history_list *out,
    char *err, size_t errsz)
{
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n < max) {
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct history_run *nr = realloc(out->runs,
			    nc * sizeof *nr);

			if (nr == NULL)
				goto oom;
			out->runs = nr;
			cap = nc;
		}
		if (read_row(st, &out->runs[out->n]) != 0)
			goto oom;
		out->n++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		enum history_rc e = hist_dberr(db, rc, "read", err, errsz);

		history_list_done(out);
		return e;
	}
	return HISTORY_OK;
oom:
	history_list_done(out);
	hist_seterr(err, errsz, "history: out of memory");
	return HISTORY_ENOMEM;
}

/* The kind f->target names ("replicate", ...), else -1 (an exact target). */
static int
filter_kind(const struct history_filter *f)
{
	size_t i;

	if (f == NULL || f->target == NULL)
		return -1;
	for (i = 0; i < sizeof hist_target_names / sizeof hist_target_names[0];
	    i++)
		if (strcmp(f->target, hist_target_names[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * WHERE clause for f into buf, naming only the filters f sets (so SQLite
 * can use an index), with parameters ?1..?5 (model, status, target, text,
 * target kind) bound by bind_filter(). A target that is a kind name means
 * that kind, else that exact target: one index each, both in list order.
 */
static void
filter_where(const struct history_filter *f, char *buf, size_t n)
{
	size_t len = 0;
	const char *and = " WHERE ";

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (f->model != NULL && f->model[0] != '\0') {
		len += (size_t)snprintf(buf + len, n - len, "%smodel = ?1", and);
		and = " AND ";
	}
	if (f->status != NULL && f->status[0] != '\0' && len < n) {
		len += (size_t)snprintf(buf + len, n - len, "%sstatus = ?2",
		    and);
		and = " AND ";
	}
	if (f->target != NULL && f->target[0] != '\0' && len < n) {
		/* a kind holds many runs: with a model or status, walk theirs */
		len += (size_t)snprintf(buf + len, n - len, "%s%s", and,
		    filter_kind(f) < 0 ? "target = ?3" : len > 0 ?
		    "+target_kind = ?5" : "target_kind = ?5");
		and = " AND ";
	}
	if (f->text != NULL && f->text[0] != '\0' && len < n)
		snprintf(buf + len, n - len, "%s(instr(coalesce(model,''), ?4)"
		    " > 0 OR instr(coalesce(remote_id,''), ?4) > 0"
		    " OR instr(coalesce(input,''), ?4) > 0"
		    " OR instr(coalesce(output,''), ?4) > 0"
		    " OR instr(coalesce(error,''), ?4) > 0)", and);
}

static void
bind_filter(sqlite3_stmt *st, const struct history_filter *f)
{
	if (f == NULL)
		return;
	if (f->model != NULL && f->model[0] != '\0')
		sqlite3_bind_text(st, 1, f->model, -1, SQLITE_STATIC);
	if (f->status != NULL && f->status[0] != '\0')
		sqlite3_bind_text(st, 2, f->status, -1, SQLITE_STATIC);
	if (f->target != NULL && f->target[0] != '\0')
		sqlite3_bind_text(st, 3, f->target, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, filter_kind(f));
	if (f->text != NULL && f->text[0] != '\0')
		sqlite3_bind_text(st, 4, f->text, -1, SQLITE_STATIC);
}

/* The SQL of history_list() for f into sql[n]. */
static void
list_sql(const struct history_filter *f, char *sql, size_t n)
{
	char where[768];

	filter_where(f, where, sizeof where);
	/*
	 * logs (the bulk of a row) only when asked for; newest created
	 * first, an index walk for every filter (the runs_*_at indexes)
	 */
	snprintf(sql, n, "SELECT " SELECT_COLS_A "%s" SELECT_COLS_B
	    " FROM runs%s " HIST_LIST_ORDER " LIMIT ?6 OFFSET ?7",
	    f != NULL && f->with_logs ? "logs" : "NULL", where);
}

enum history_rc
history_list(struct history *h, const struct history_filter *f,
    struct history_list *out, char *err, size_t errsz)
{
	char sql[1536];
	sqlite3_stmt *st;
	size_t limit = f != NULL && f->limit > 0 ? f->limit : HISTORY_MAX_LIST;
	enum history_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	if (limit > HISTORY_MAX_LIST)
		limit = HISTORY_MAX_LIST;
	list_sql(f, sql, sizeof sql);
	rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return hist_dberr(h->db, rc, "list", err, errsz);
	bind_filter(st, f);
	sqlite3_bind_int64(st, 6, (long long)limit);
	sqlite3_bind_int64(st, 7, f != NULL ? (long long)f->offset : 0);
	r = collect(h->db, st, limit, out, err, errsz);
	sqlite3_finalize(st);
	return r;
}

enum history_rc
history_list_plan(struct history *h, const struct history_filter *f,
    char *buf, size_t n, char *err, size_t errsz)
{
	char sql[1600];
	sqlite3_stmt *st;
	size_t len = 0;
	int rc;

	if (n == 0)
		return HISTORY_EINVAL;
	buf[0] = '\0';
	len = (size_t)snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN ");
	list_sql(f, sql + len, sizeof sql - len);
	rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return hist_dberr(h->db, rc, "plan", err, errsz);
	bind_filter(st, f);
	len = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && len < n) {
		const unsigned char *d = sqlite3_column_text(st, 3);

		len += (size_t)snprintf(buf + len, n - len, "%s%s",
		    len > 0 ? "\n" : "", d != NULL ? (const char *)d : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return hist_dberr(h->db, rc, "plan", err, errsz);
	return HISTORY_OK;
}

enum history_rc
history_count(struct history *h, const struct history_filter *f, size_t *n,
    char *err, size_t errsz)
{
	char sql[1024], where[768];
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	filter_where(f, where, sizeof where);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM runs%s", where);
	if ((rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return hist_dberr(h->db, rc, "count", err, errsz);
	bind_filter(st, f);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return hist_dberr(h->db, rc, "count", err, errsz);
	return HISTORY_OK;
}

/* The first row of st into *out; ENOTFOUND when there is none. */
static enum history_rc
one_row(sqlite3 *db, sqlite3_stmt *st, struct history_run *out,
    const char *what, char *err, size_t errsz)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		if (read_row(st, out) != 0) {
			hist_seterr(err, errsz, "history: out of memory");
			return HISTORY_ENOMEM;
		}
		return HISTORY_OK;
	}
	if (rc == SQLITE_DONE) {
		hist_seterr(err, errsz, "history: no run %s", what);
		return HISTORY_ENOTFOUND;
	}
	return hist_dberr(db, rc, "read", err, errsz);
}

enum history_rc
history_get(struct history *h, long long id, struct history_run *out,
    char *err, size_t errsz)
{
	char what[32];
	sqlite3_stmt *st;
	enum history_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	rc = sqlite3_prepare_v2(h->db, "SELECT " SELECT_COLS " FROM runs "
	    "WHERE id = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return hist_dberr(h->db, rc, "get", err, errsz);
	sqlite3_bind_int64(st, 1, id);
	snprintf(what, sizeof what, "%lld", id);
	r = one_row(h->db, st, out, what, err, errsz);
	sqlite3_finalize(st);
	return r;
}

enum history_rc
history_get_remote(struct history *h, const char *target,
    const char *remote_id, struct history_run *out, char *err, size_t errsz)
{
	sqlite3_stmt *st;
	enum history_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	if (remote_id == NULL) {
		hist_seterr(err, errsz, "history: no prediction id");
		return HISTORY_EINVAL;
	}
	/* the row recorded last for that prediction (identity, not age) */
	rc = sqlite3_prepare_v2(h->db, "SELECT " SELECT_COLS " FROM runs "
	    "WHERE remote_id = ?1 AND (?2 IS NULL OR target = ?2) "
	    "ORDER BY id DESC LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return hist_dberr(h->db, rc, "get", err, errsz);
	sqlite3_bind_text(st, 1, remote_id, -1, SQLITE_STATIC);
	if (target != NULL)
		sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	r = one_row(h->db, st, out, remote_id, err, errsz);
	sqlite3_finalize(st);
	return r;
}

enum history_rc
history_last_input(struct history *h, const char *model, char **json,
    char *err, size_t errsz)
{
	sqlite3_stmt *st;
	int rc;

	*json = NULL;
	/* the newest created run, as the list shows it (not an import) */
	rc = sqlite3_prepare_v2(h->db, "SELECT input FROM runs WHERE model = ?1"
	    " AND input IS NOT NULL " HIST_LIST_ORDER " LIMIT 1", -1, &st,
	    NULL);
	if (rc != SQLITE_OK)
		return hist_dberr(h->db, rc, "last input", err, errsz);
	sqlite3_bind_text(st, 1, model != NULL ? model : "", -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (col_text(st, 0, json) != 0) {
			sqlite3_finalize(st);
			hist_seterr(err, errsz, "history: out of memory");
			return HISTORY_ENOMEM;
		}
		sqlite3_finalize(st);
		if (*json == NULL) {
			hist_seterr(err, errsz, "history: no input for %s", model);
			return HISTORY_ENOTFOUND;
		}
		return HISTORY_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		hist_seterr(err, errsz, "history: %s was never run", model);
		return HISTORY_ENOTFOUND;
	}
	return hist_dberr(h->db, rc, "last input", err, errsz);
}

enum history_rc
history_in_flight(struct history *h, struct history_list *out, char *err,
    size_t errsz)
{
	sqlite3_stmt *st;
	enum history_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	/*
	 * oldest created first (any order would do), found through
	 * runs_status_at: the unary + keeps SQLite off runs_kind_at, which
	 * holds nearly every row under kind 0; ordered by that index's
	 * columns, rows past the LIMIT are dropped before they are read
	 */
	rc = sqlite3_prepare_v2(h->db, "SELECT " SELECT_COLS " FROM runs "
	    "WHERE +target_kind = 0 AND remote_id IS NOT NULL AND status IN "
	    "('starting', 'processing') ORDER BY at_ms, id LIMIT 1000", -1, &st,
	    NULL);
	if (rc != SQLITE_OK)
		return hist_dberr(h->db, rc, "in flight", err, errsz);
	r = collect(h->db, st, 1000, out, err, errsz);
	sqlite3_finalize(st);
	return r;
}

static void
json_str(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void
json_embed(cJSON *o, const char *k, const char *v)
{
	cJSON *j;

	if (v == NULL) {
		cJSON_AddNullToObject(o, k);
		return;
	}
	if ((j = cJSON_ParseWithOpts(v, NULL, 1)) == NULL)
		j = cJSON_CreateString(v);
	cJSON_AddItemToObject(o, k, j);
}

static void
json_num(cJSON *o, const char *k, double v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

char *
history_run_json(const struct history_run *r, bool pretty)
{
	cJSON *o, *t;
	char *s;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	if ((t = cJSON_AddObjectToObject(o, "target")) != NULL) {
		cJSON_AddStringToObject(t, "kind",
		    history_target_name(r->target_kind));
		json_str(t, "url", r->target);
	}
	json_str(o, "prediction_id", r->remote_id);
	json_str(o, "model", r->model);
	json_str(o, "version", r->version);
	json_embed(o, "input", r->input_json);
	json_str(o, "status", r->status);
	json_str(o, "created_at", r->created_at);
	json_str(o, "started_at", r->started_at);
	json_str(o, "completed_at", r->completed_at);
	json_num(o, "predict_time", r->predict_time);
	json_embed(o, "metrics", r->metrics_json);
	json_str(o, "error", r->error);
	json_str(o, "logs", r->logs);
	json_embed(o, "output", r->output_json);
	json_embed(o, "files", r->saved_json);
	json_str(o, "output_dir", r->output_dir);
	json_num(o, "cost_estimate", r->cost);
	cJSON_AddNumberToObject(o, "recorded", (double)r->recorded);
	if (r->data_removed)
		cJSON_AddTrueToObject(o, "data_removed");
	s = pretty ? cJSON_Print(o) : cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

void
history_run_done(struct history_run *r)
{
	if (r == NULL)
		return;
	free(r->target);
	free(r->remote_id);
	free(r->model);
	free(r->version);
	free(r->input_json);
	free(r->status);
	free(r->created_at);
	free(r->started_at);
	free(r->completed_at);
	free(r->metrics_json);
	free(r->error);
	free(r->logs);
	free(r->output_json);
	free(r->saved_json);
	free(r->output_dir);
	memset(r, 0, sizeof *r);
}

void
history_list_done(struct history_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		history_run_done(&l->runs[i]);
	free(l->runs);
	memset(l, 0, sizeof *l);
}
