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

void
hist_seterr(char *err, size_t errsz, const char *fmt, ...);
enum history_rc
hist_dberr(sqlite3 *db, int rc, const char *what, char *err, size_t errsz);

#endif
