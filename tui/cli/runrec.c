/* tui/cli/runrec.c: see runrec.h. */
#include "tui/cli/runrec.h"

#include <string.h>

#include "client/history/record.h"
#include "tui/cli/out.h"

void
runrec_init(struct runrec *r, const char *cmd, enum history_target kind,
    const char *target, const char *token, const char *model,
    const struct schema *s)
{
	memset(r, 0, sizeof *r);
	r->cmd = cmd;
	r->kind = kind;
	r->target = target;
	r->token = token;
	r->model = model;
	r->s = s;
}

void
runrec_update(struct runrec *r, const struct prediction *p)
{
	const char *fields[HISTORY_MAX_SECRETS], *values[1];
	struct history_secrets sec = { fields, 0, values, 0 };
	struct record_run rr;
	char err[512];
	size_t i;

	if (p == NULL || p->id == NULL || r->failed ||
	    (r->written && p->status == r->last))
		return;
	if (r->h == NULL &&
	    history_open(NULL, &r->h, err, sizeof err) != HISTORY_OK) {
		out_err(r->cmd, "history: %s (the run goes on)", err);
		r->failed = true;
		r->h = NULL;
		return;
	}
	for (i = 0; r->s != NULL && i < r->s->nfields &&
	    sec.n_fields < HISTORY_MAX_SECRETS; i++)
		if (r->s->fields[i].kind == SCHEMA_KIND_SECRET)
			fields[sec.n_fields++] = r->s->fields[i].name;
	if (r->token != NULL && r->token[0] != '\0') {
		values[0] = r->token;
		sec.n_values = 1;
	}
	memset(&rr, 0, sizeof rr);
	rr.p = p;
	rr.so = r->s != NULL && r->s->has_output ? &r->s->output : NULL;
	rr.target_kind = r->kind;
	rr.target = r->target;
	rr.model = r->model;
	rr.cost = -1;
	rr.sec = &sec;
	if (record_history(r->h, &rr, &r->id, err, sizeof err) !=
	    HISTORY_OK) {
		out_err(r->cmd, "history: %s (the run goes on)", err);
		r->failed = true;
		return;
	}
	r->written = true;
	r->last = p->status;
}

void
runrec_finish(struct runrec *r, const struct prediction *p,
    const struct client_saved *saved, const char *dir)
{
	char err[1024];

	if (p == NULL)
		return;
	/* record_finish opens the history itself and finds the row by its
	 * target and prediction id */
	history_close(r->h);
	r->h = NULL;
	if (record_finish(p, r->s, r->kind, r->target, r->token, saved, dir,
	    err, sizeof err) != 0)
		out_err(r->cmd, "%s", err);
}

void
runrec_done(struct runrec *r)
{
	history_close(r->h);
	r->h = NULL;
}
