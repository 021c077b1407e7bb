/*
 * tui/cli/import.c: `r8play predictions --import`: your account's recent
 * predictions (GET /v1/predictions, following `next`) recorded into the
 * history (client/history/), so they outlive Replicate's one hour:
 * model, version, input, output (file outputs as their URLs), status,
 * timings, metrics, error, created/started/completed.
 *
 * Idempotent by prediction id: a prediction already recorded for this
 * API base is updated only when Replicate says something new (another
 * status or end time, or its data now removed), else skipped. A
 * prediction whose data Replicate removed is recorded with data_removed
 * set; what an earlier record holds of its input and output is kept.
 * Bounded: at most --limit predictions and IMPORT_MAX_PAGES pages. The
 * pages are fetched first and recorded oldest first; `r8play history`
 * lists runs newest created first, below any newer local run, and the
 * recording order keeps Replicate's order among runs created in the same
 * millisecond or with no readable created_at. A page that fails
 * (after the client's retries) or Ctrl-C ends the fetching with one line
 * saying so; the pages before it are still recorded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/history/history.h"
#include "client/history/record.h"
#include "client/net/client.h"
#include "client/net/config.h"
#include "client/replicate/replicate.h"
#include "tui/cli/cli.h"
#include "tui/cli/out.h"
#include "tui/cli/remote.h"

#define IMPORT_DEFAULT_LIMIT	1000u
#define IMPORT_MAX_LIMIT	100000u
#define IMPORT_MAX_PAGES	1000u	/* even when pages come back empty */

enum import_what { IMPORT_ADDED, IMPORT_UPDATED, IMPORT_SKIPPED };

struct import {
	struct history	*h;
	const char	*target;	/* the API base (borrowed) */
	struct history_secrets sec;	/* the token, scrubbed */
	const char	*token_vals[1];
	size_t		 n[3];		/* by enum import_what */
	unsigned	 pages;
};

static bool
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Record one listed prediction; 0, or -1 with err (a history failure). */
static int
import_one(struct import *im, const struct prediction *p, char *err,
    size_t errsz)
{
	struct history_run old;
	struct prediction q;
	struct record_run rr;
	long long id = 0;
	enum history_rc rc;
	enum import_what what = IMPORT_ADDED;

	if (p->id == NULL || p->id[0] == '\0') {
		im->n[IMPORT_SKIPPED]++;	/* nothing to key it by */
		return 0;
	}
	rc = history_get_remote(im->h, im->target, p->id, &old, err, errsz);
	if (rc == HISTORY_OK) {
		bool same = old.status != NULL &&
		    strcmp(old.status, prediction_status_name(p->status)) == 0 &&
		    same_str(old.completed_at, p->completed_at) &&
		    (old.data_removed || !p->data_removed);

		id = old.id;
		history_run_done(&old);
		if (same) {
			im->n[IMPORT_SKIPPED]++;
			return 0;
		}
		what = IMPORT_UPDATED;
	} else if (rc != HISTORY_ENOTFOUND)
		return -1;
	/* removed data: keep what an earlier record has of input and output
	 * (a NULL column keeps the stored value; the output is NULL already) */
	q = *p;
	if (p->data_removed && id > 0)
		q.input_json = NULL;
	memset(&rr, 0, sizeof rr);
	rr.p = &q;
	rr.target_kind = HISTORY_TARGET_REPLICATE;
	rr.target = im->target;
	rr.cost = -1;
	rr.sec = &im->sec;
	if (record_history(im->h, &rr, &id, err, errsz) != HISTORY_OK)
		return -1;
	im->n[what]++;
	return 0;
}

static void
import_say(const struct ctx *x, const struct import *im, const char *end)
{
	if (x->json) {
		printf("{\"imported\":%zu,\"updated\":%zu,\"skipped\":%zu,"
		    "\"pages\":%u,\"complete\":%s}\n", im->n[IMPORT_ADDED],
		    im->n[IMPORT_UPDATED], im->n[IMPORT_SKIPPED], im->pages,
		    end == NULL ? "true" : "false");
		return;
	}
	printf("%zu imported, %zu updated, %zu skipped (%u page%s)%s\n",
	    im->n[IMPORT_ADDED], im->n[IMPORT_UPDATED], im->n[IMPORT_SKIPPED],
	    im->pages, im->pages == 1 ? "" : "s", end != NULL ? end : "");
}

static int
parse_limit(const struct cli_args *a, size_t *limit)
{
	const char *v = cli_value(a, "--limit");
	char *end;
	long n;

	*limit = IMPORT_DEFAULT_LIMIT;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || errno != 0 || n <= 0 || n > (long)IMPORT_MAX_LIMIT)
		return -1;
	*limit = (size_t)n;
	return 0;
}

/*
 * The fetched pages, newest first as listed, recorded oldest first (the
 * history's tie-break: newest recorded first) so that it lists them in
 * Replicate's order; only the newest `limit` of them.
 */
static int
import_pages(struct import *im, struct prediction_page **pg, size_t npg,
    size_t limit, char *err, size_t errsz)
{
	size_t i, k, seen = 0, take;

	for (i = 0; i < npg; i++)
		seen += pg[i]->n;
	take = seen < limit ? seen : limit;
	for (i = npg; i-- > 0;) {
		for (k = pg[i]->n; k-- > 0;) {
			/* index of item k among all fetched, newest first */
			if (--seen >= take)
				continue;
			if (import_one(im, &pg[i]->items[k], err, errsz) != 0)
				return -1;
		}
	}
	return 0;
}

/*
 * Fetch pages from `next` (NULL: the first) into *pg until the last one,
 * limit predictions or IMPORT_MAX_PAGES. Returns CLI_OK, or the status
 * after saying which page failed (the pages before it are in *pg).
 */
static int
fetch_pages(struct ctx *x, char *next, size_t limit,
    struct prediction_page **pg, size_t *npg, const char **stop)
{
	char err[CLIENT_ERR_MAX];
	size_t seen = 0;
	unsigned rq;
	int w;

	*stop = NULL;
	for (;;) {
		if (*npg >= IMPORT_MAX_PAGES) {
			*stop = "; stopped at the page limit";
			break;
		}
		rq = replicate_predictions_list(x->s.c, next, err, sizeof err);
		free(next);
		next = NULL;
		if (rq == 0) {
			out_err(x->cmd, "%s", err);
			return CLI_FAIL;
		}
		w = ctx_wait(x, rq, true);
		if (w != 0 || x->s.got.kind == CLIENT_EV_ERROR) {
			out_err(x->cmd, "page %zu: %s%s", *npg + 1, w == 1 ?
			    "interrupted" : x->s.err[0] ? x->s.err :
			    client_strerror(x->s.got.rc), *npg > 0 ?
			    "; what the pages before it had is recorded" : "");
			return w == 1 ? CLI_INTERRUPT : CLI_FAIL;
		}
		pg[(*npg)++] = x->s.got.predictions;
		x->s.got.predictions = NULL;
		seen += pg[*npg - 1]->n;
		if (seen >= limit) {
			*stop = pg[*npg - 1]->next != NULL ?
			    "; stopped at --limit" : NULL;
			break;
		}
		if (pg[*npg - 1]->next == NULL)
			break;
		if ((next = strdup(pg[*npg - 1]->next)) == NULL) {
			out_err(x->cmd, "out of memory");
			return CLI_FAIL;
		}
		session_got_free(&x->s);
	}
	return CLI_OK;
}

int
predictions_import(struct ctx *x, const struct cli_args *a)
{
	struct prediction_page **pg;
	char err[1024], *first = NULL;
	const char *stop = NULL;
	struct import im;
	size_t limit, npg = 0, i;
	int rc;

	if (parse_limit(a, &limit) != 0)
		return cli_usage_error(a->cmd, "--limit takes 1 to %u",
		    IMPORT_MAX_LIMIT);
	memset(&im, 0, sizeof im);
	im.target = client_api_base(x->s.c);
	if (config_token(&x->s.cfg) != NULL) {
		im.token_vals[0] = config_token(&x->s.cfg);
		im.sec.values = im.token_vals;
		im.sec.n_values = 1;
	}
	if (history_open(NULL, &im.h, err, sizeof err) != HISTORY_OK) {
		out_err(x->cmd, "%s; nothing imported", err);
		return CLI_FAIL;
	}
	/* Ctrl-C ends the fetching; what came is still recorded */
	if (session_signals_install() != 0) {
		out_err(x->cmd, "pipe: %s", strerror(errno));
		history_close(im.h);
		return CLI_FAIL;
	}
	pg = calloc(IMPORT_MAX_PAGES, sizeof *pg);
	if (pg == NULL || (cli_value(a, "--page") != NULL &&
	    (first = strdup(cli_value(a, "--page"))) == NULL)) {
		out_err(x->cmd, "out of memory");
		free(pg);
		history_close(im.h);
		session_signals_restore();
		return CLI_FAIL;
	}
	rc = fetch_pages(x, first, limit, pg, &npg, &stop);
	im.pages = (unsigned)npg;
	/* what was fetched is recorded, also when a later page failed */
	if (import_pages(&im, pg, npg, limit, err, sizeof err) != 0) {
		out_err(x->cmd, "%s", err);
		rc = CLI_FAIL;
	}
	import_say(x, &im, rc != CLI_OK ? "; incomplete" : stop);
	for (i = 0; i < npg; i++)
		replicate_prediction_page_free(pg[i]);
	free(pg);
	history_close(im.h);
	session_signals_restore();
	return rc;
}
