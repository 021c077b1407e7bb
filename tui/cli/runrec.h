/*
 * tui/cli/runrec.h: a run of `r8play run` in the history, from its
 * creation to its end (client/history/). The row is written when the
 * prediction is created, updated on each state change (runrec_update),
 * and completed with the run's folder when it ends (runrec_finish, through
 * record_finish in client/history/record.h), whether it succeeded, failed
 * or was canceled. A history that cannot be opened or written is said
 * once on stderr; the run itself goes on. The API token and the schema's
 * secret inputs never reach the history. Internal to tui/cli/.
 */
#ifndef PG_TUI_CLI_RUNREC_H
#define PG_TUI_CLI_RUNREC_H

#include <stdbool.h>

#include "client/forms/schema.h"
#include "client/history/history.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"

struct runrec {
	const char	*cmd;		/* for messages */
	struct history	*h;		/* NULL until opened, or unusable */
	long long	 id;		/* the row; 0 until written */
	enum history_target kind;
	const char	*target;	/* API base or server URL (borrowed) */
	const char	*token;		/* scrubbed; may be NULL (borrowed) */
	const char	*model;		/* overrides p->model; may be NULL */
	const struct schema *s;		/* secret fields; may be NULL */
	enum prediction_status last;	/* status last written */
	bool		 written, failed;
};

/* Set up (nothing is opened yet). All strings are borrowed. */
void runrec_init(struct runrec *r, const char *cmd, enum history_target kind,
    const char *target, const char *token, const char *model,
    const struct schema *s);

/* Write p when it was never written or its status changed. */
void runrec_update(struct runrec *r, const struct prediction *p);

/*
 * The run ended: its row gets the final state, saved files and folder
 * (saved->dir, else dir), and the folder its record (record_finish).
 */
void runrec_finish(struct runrec *r, const struct prediction *p,
    const struct client_saved *saved, const char *dir);

/* Close the history (safe after runrec_finish, and when never opened). */
void runrec_done(struct runrec *r);

#endif
