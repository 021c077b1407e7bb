/*
 * client/history/history_int.h: what history.c and history_read.c share and
 * nobody else may use: the database handle, the column list every SELECT
 * reads, the target names and the error helpers. The public API is history.h.
 */
#ifndef CLIENT_HISTORY_HISTORY_INT_H
#define CLIENT_HISTORY_HISTORY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

/* "replicate", "server", "container", by enum history_target (history.c). */
extern const char *const hist_target_names[3];

#include "client/history/history.h"

struct history {
	sqlite3	*db;
};
#define SELECT_COLS_A "id, target_kind, target, remote_id, model, " \
	"version, input, status, created_at, started_at, completed_at, " \
	"predict_time, metrics, error, "
#define SELECT_COLS_B ", output, saved, output_dir, cost, recorded, " \
	"data_removed"
#define SELECT_COLS SELECT_COLS_A "logs" SELECT_COLS_B

/*
 * SQL for the sort key of an ISO 8601 time x (created_at): unix ms, or
 * NULL when x is not a date. julianday() takes "YYYY-MM-DD", a "T" or a
 * space, any number of fraction digits (ms kept), "Z" or "+HH:MM"; the
 * GLOB keeps it from reading a bare number as a Julian day.
 */
#define HIST_AT_MS_OF(x) "(CASE WHEN " x " GLOB '[0-9][0-9][0-9][0-9]-" \
	"[0-9][0-9]-[0-9][0-9]*' THEN CAST(round((julianday(" x ") - " \
	"2440587.5) * 86400000.0) AS INTEGER) END)"

/* The order of every list: newest created first, then newest recorded. */
#define HIST_LIST_ORDER "ORDER BY at_ms DESC, id DESC"

void
hist_seterr(char *err, size_t errsz, const char *fmt, ...);
enum history_rc
hist_dberr(sqlite3 *db, int rc, const char *what, char *err, size_t errsz);

#endif
