/*
 * tui/cli/run_image.c: `r8play run --image REF ...` (tui/cli/local.h), a
 * prediction on a Cog image of the local Docker Engine: reuse a running
 * container of REF that r8play started, else pull and start one, then hand
 * the run to run_local() (tui/cli/run_local.h) with --local URL and, when
 * r8play can listen on the container's gateway, webhooks there
 * (tui/cli/image_args.h). The
 * request loop is `r8play local`'s (tui/cli/local_op.h).
 */
#include "tui/cli/local.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/image_args.h"
#include "tui/cli/local_op.h"
#include "tui/cli/out.h"
#include "tui/cli/run_local.h"
#include "tui/cli/session.h"

/* A running container of ref that r8play started: its id, URL and
 * network gateway ("" when none). */
static bool
find_running(struct local_ctx *x, const char *ref, char *id, size_t idn,
    char *url, size_t urln, char *gw, size_t gwn)
{
	char err[CLIENT_ERR_MAX];
	struct local_wait w;
	bool found = false;
	size_t i;

	memset(&w, 0, sizeof w);
	if (local_op_run(x, &w, docker_containers(x->d, err, sizeof err), err,
	    LOCAL_OP_TIMEOUT_MS) == 0)
		for (i = 0; i < w.res->containers->n && !found; i++) {
			const struct docker_container *ct =
			    &w.res->containers->items[i];

			if (ct->managed && ct->url != NULL && ct->image &&
			    strcmp(ct->image, ref) == 0 && ct->state &&
			    strcmp(ct->state, "running") == 0) {
				snprintf(id, idn, "%s", ct->id);
				snprintf(url, urln, "%s", ct->url);
				snprintf(gw, gwn, "%s", ct->gateway ?
				    ct->gateway : "");
				found = true;
			}
		}
	local_wait_reset(&w);
	return found;
}

int
run_image(const struct cli_args *a)
{
	struct docker_start_opts so;
	struct local_ctx x;
	struct cli_args *b = NULL;
	struct local_wait w;
	char err[CLIENT_ERR_MAX], msg[1024], id[DOCKER_MAX_ID] = "";
	char url[64] = "", gw[DOCKER_MAX_GATEWAY] = "";
	const char *ref = cli_value(a, "--image"), *v;
	bool keep = cli_flag(a, "--keep"), started = false;
	int st;

	memset(&so, 0, sizeof so);
	if (ref == NULL || ref[0] == '\0')
		return cli_usage_error(a->cmd, "--image needs an image "
		    "reference");
	if ((v = cli_value(a, "--gpus")) != NULL &&
	    docker_gpus_parse(v, &so.gpus, err, sizeof err) != 0)
		return cli_usage_error(a->cmd, "--gpus: %s", err);
	if ((st = local_ctx_open(&x, "run")) != 0)
		return st;
	memset(&w, 0, sizeof w);
	if (!find_running(&x, ref, id, sizeof id, url, sizeof url, gw,
	    sizeof gw)) {
		/* not here: pull it first */
		st = local_op_run(&x, &w, docker_image_inspect(x.d, ref, err,
		    sizeof err), err, LOCAL_OP_TIMEOUT_MS);
		local_wait_reset(&w);
		if (st == 1 && (st = local_pull(&x, ref)) != 0)
			goto out;
		so.image = ref;
		st = local_op_run(&x, &w, docker_start(x.d, &so, err,
		    sizeof err), err, LOCAL_START_TIMEOUT_MS);
		if (st != 0) {
			if (st == 1)
				out_err(x.cmd, "%s", w.err);
			local_wait_reset(&w);
			goto out;
		}
		started = true;
		snprintf(id, sizeof id, "%s", w.res->container->id);
		snprintf(url, sizeof url, "%s", w.res->container->url ?
		    w.res->container->url : "");
		snprintf(gw, sizeof gw, "%s", w.res->container->gateway ?
		    w.res->container->gateway : "");
		local_wait_reset(&w);
		out_err(x.cmd, "started %.12s at %s, waiting for READY", id,
		    url);
		st = local_wait_ready(&x, url, LOCAL_READY_TIMEOUT_S, msg,
		    sizeof msg);
		if (st != 0) {
			if (st == 1)
				out_err(x.cmd, "%s: %s", ref, msg);
			goto out;
		}
	}
	if ((b = image_run_args(a, url, gw)) == NULL) {
		out_err(x.cmd, "out of memory");
		st = CLI_FAIL;
		goto out;
	}
	/* run_local() installs and restores the signals itself */
	session_signals_restore();
	st = run_local(b);
	(void)session_signals_install();
out:
	if (started && !keep && id[0] != '\0') {
		x.interrupted = false;	/* a Ctrl-C still removes it */
		local_discard(&x, id);
	} else if (started && id[0] != '\0')
		out_err(x.cmd, "kept %.12s at %s", id, url);
	local_ctx_close(&x);
	free(b);
	return st;
}
