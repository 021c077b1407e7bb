/*
 * tui/cli/local.c: `r8play local ...`, Cog models in the local Docker
 * Engine from the command line (client/docker/docker.h does the talking):
 *   local images [--json]          Cog images here, with their label schema
 *   local ps [--json]              containers of Cog images, ours and others'
 *                                  (both in tui/cli/local_list.c)
 *   local pull REF                 pull (progress on stderr when a tty)
 *   local start REF [--gpus all|none|N|ID,...] [--port N] [--name NAME]
 *               [--timeout S] [--json]
 *                                  create+start, wait for READY, print the URL
 *   local stop ID|all              stop (and remove, when r8play started it)
 * `run --image REF` (tui/cli/run_image.c) shares the request loop of
 * tui/cli/local_op.h. Exit status: 0 ok, 1 failed, 2 usage, 130
 * interrupted. Names, states and messages from the daemon are untrusted:
 * they reach the terminal through tui/cli/out.h. Ctrl-C comes through the
 * session's self-pipe (tui/cli/session.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/cli.h"
#include "tui/cli/local_op.h"
#include "tui/cli/out.h"

extern const struct cli_cmd cli_cmd_local;

/*
 * `local start`: create and start a container of REF, wait for READY,
 * print its URL and id (or --json with the timings); a container that
 * never got ready is removed again.
 */
static int
local_start(struct local_ctx *x, const struct cli_args *a)
{
	struct docker_start_opts so;
	char err[CLIENT_ERR_MAX], msg[1024], id[DOCKER_MAX_ID];
	const char *ref = a->operands[1], *v;
	long timeout_s = LOCAL_READY_TIMEOUT_S;
	long long t_setup;
	bool json = cli_flag(a, "--json");
	struct local_wait w;
	int st;

	memset(&so, 0, sizeof so);
	if ((v = cli_value(a, "--gpus")) != NULL &&
	    docker_gpus_parse(v, &so.gpus, err, sizeof err) != 0)
		return cli_usage_error(a->cmd, "--gpus: %s", err);
	if ((v = cli_value(a, "--port")) != NULL) {
		char *end;
		long p;

		errno = 0;
		p = strtol(v, &end, 10);
		if (*end != '\0' || errno != 0 || p < 1 || p > 65535)
			return cli_usage_error(a->cmd, "--port takes 1 to "
			    "65535");
		so.host_port = (int)p;
	}
	so.name = cli_value(a, "--name");
	if ((v = cli_value(a, "--timeout")) != NULL) {
		char *end;

		errno = 0;
		timeout_s = strtol(v, &end, 10);
		if (*end != '\0' || errno != 0 || timeout_s <= 0 ||
		    timeout_s > LOCAL_MAX_TIMEOUT_S)
			return cli_usage_error(a->cmd, "--timeout takes 1 to "
			    "%d seconds", LOCAL_MAX_TIMEOUT_S);
	}
	so.image = ref;
	memset(&w, 0, sizeof w);
	st = local_op_run(x, &w, docker_start(x->d, &so, err, sizeof err),
	    err, LOCAL_START_TIMEOUT_MS);
	if (st != 0) {
		if (st == 1)
			out_err(x->cmd, "%s", w.err);
		local_wait_reset(&w);
		return st;
	}
	snprintf(id, sizeof id, "%s", w.res->container->id);
	if (w.res->container->url == NULL) {
		out_err(x->cmd, "the container has no port on 127.0.0.1");
		local_discard(x, id);
		local_wait_reset(&w);
		return 1;
	}
	t_setup = local_now_ms();
	st = local_wait_ready(x, w.res->container->url, timeout_s, msg,
	    sizeof msg);
	t_setup = local_now_ms() - t_setup;
	if (st != 0) {
		if (st == 1)
			out_err(x->cmd, "%s: %s", ref, msg);
		local_discard(x, id);
		local_wait_reset(&w);
		return st;
	}
	if (json) {
		printf("{\"id\":");
		out_json_str(stdout, w.res->container->id);
		printf(",\"name\":");
		out_json_str(stdout, w.res->container->name);
		printf(",\"url\":");
		out_json_str(stdout, w.res->container->url);
		printf(",\"image\":");
		out_json_str(stdout, ref);
		printf(",\"port\":%d,\"gpus\":", w.res->container->host_port);
		out_json_str(stdout, w.res->container->gpus);
		printf(",\"ms\":{\"create\":%ld,\"start\":%ld,\"inspect\":%ld,"
		    "\"setup\":%lld}}\n", w.res->ms_create, w.res->ms_start,
		    w.res->ms_inspect, t_setup);
	} else
		printf("%s %.12s\n", w.res->container->url, id);
	local_wait_reset(&w);
	return 0;
}

/* Stop one container; remove it when r8play started it. */
static int
stop_one(struct local_ctx *x, const char *id, bool managed)
{
	char err[CLIENT_ERR_MAX];
	struct local_wait w;
	int st;

	memset(&w, 0, sizeof w);
	st = local_op_run(x, &w, docker_stop(x->d, id, err, sizeof err), err,
	    LOCAL_OP_TIMEOUT_MS);
	if (st == 0 && managed) {
		local_wait_reset(&w);
		st = local_op_run(x, &w, docker_remove(x->d, id, true, err,
		    sizeof err), err, LOCAL_OP_TIMEOUT_MS);
	}
	if (st == 0)
		printf("%s %.12s\n", managed ? "removed" : "stopped", id);
	else if (st == 1)
		out_err(x->cmd, "%s", w.err);
	local_wait_reset(&w);
	return st;
}

/* `local stop ID|all`: one container, or every one r8play started. */
static int
local_stop(struct local_ctx *x, const char *what)
{
	char err[CLIENT_ERR_MAX];
	struct local_wait w;
	size_t i;
	int st, worst = 0;

	memset(&w, 0, sizeof w);
	if (strcmp(what, "all") == 0) {
		unsigned n = 0;

		st = local_op_run(x, &w, docker_containers(x->d, err,
		    sizeof err), err, LOCAL_OP_TIMEOUT_MS);
		if (st != 0) {
			if (st == 1)
				out_err(x->cmd, "%s", w.err);
			local_wait_reset(&w);
			return st;
		}
		/* all of r8play's; others' are left alone */
		for (i = 0; i < w.res->containers->n && !x->interrupted; i++) {
			const struct docker_container *ct =
			    &w.res->containers->items[i];

			if (!ct->managed)
				continue;
			n++;
			st = stop_one(x, ct->id, true);
			if (st > worst)
				worst = st;
		}
		if (n == 0)
			out_err(x->cmd, "no container of r8play's");
		local_wait_reset(&w);
		return x->interrupted ? 130 : worst;
	}
	st = local_op_run(x, &w, docker_inspect(x->d, what, err, sizeof err),
	    err, LOCAL_OP_TIMEOUT_MS);
	if (st != 0) {
		if (st == 1)
			out_err(x->cmd, "%s", w.err);
		local_wait_reset(&w);
		return st;
	}
	{
		char id[DOCKER_MAX_ID];
		bool managed = w.res->container->managed;

		snprintf(id, sizeof id, "%s", w.res->container->id);
		local_wait_reset(&w);
		return stop_one(x, id, managed);
	}
}

static int
verb_images(struct local_ctx *x, const struct cli_args *a)
{
	return local_images(x, cli_flag(a, "--json"));
}

static int
verb_ps(struct local_ctx *x, const struct cli_args *a)
{
	return local_ps(x, cli_flag(a, "--json"));
}

static int
verb_pull(struct local_ctx *x, const struct cli_args *a)
{
	return local_pull(x, a->operands[1]);
}

static int
verb_stop(struct local_ctx *x, const struct cli_args *a)
{
	return local_stop(x, a->operands[1]);
}

/* The verbs, what each takes (operands after the verb, options) and does. */
static const struct local_verb {
	const char *name;
	int	 nargs;		/* operands after the verb */
	bool	 json, start;	/* --json allowed; start's options */
	int	(*run)(struct local_ctx *, const struct cli_args *);
} local_verbs[] = {
	{ "images", 0, true, false, verb_images },
	{ "ps", 0, true, false, verb_ps },
	{ "pull", 1, false, false, verb_pull },
	{ "start", 1, true, true, local_start },
	{ "stop", 1, false, false, verb_stop },
};

/* Check the verb's operands and options, then run it in a fresh context. */
static int
local_run(const struct cli_args *a)
{
	const struct local_verb *vb = NULL;
	const char *sub = a->operands[0];
	struct local_ctx x;
	size_t i;
	int st;

	for (i = 0; i < sizeof local_verbs / sizeof local_verbs[0]; i++)
		if (strcmp(sub, local_verbs[i].name) == 0)
			vb = &local_verbs[i];
	if (vb == NULL)
		return cli_usage_error(a->cmd, "unknown verb \"%s\" (images, "
		    "ps, pull, start, stop)", sub);
	if (a->noperands != (size_t)vb->nargs + 1)
		return cli_usage_error(a->cmd, vb->nargs == 0 ? "%s takes no "
		    "operand" : "%s takes one operand", sub);
	if (!vb->json && cli_flag(a, "--json"))
		return cli_usage_error(a->cmd, "%s has no --json", sub);
	if (!vb->start)
		for (i = 0; i < a->nargs; i++)
			if (!cli_is(&a->args[i], "--json"))
				return cli_usage_error(a->cmd, "%s is for "
				    "local start", a->args[i].opt->name);
	if ((st = local_ctx_open(&x, "local")) != 0)
		return st;
	st = vb->run(&x, a);
	local_ctx_close(&x);
	return st;
}

static const struct cli_opt local_opts[] = {
	{ "--gpus", "all|none|N|ID,...", "start: the GPUs the container "
	    "gets (default none)", 0, CLI_COMP_WORDS, "all none" },
	{ "--port", "N", "start: the port on 127.0.0.1 (default: any free)",
	    0, CLI_COMP_NONE, NULL },
	{ "--name", "NAME", "start: the container's name", 0, CLI_COMP_NONE,
	    NULL },
	{ "--timeout", "S", "start: wait up to S seconds for READY (default "
	    "600)", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_JSON,
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_local = {
	"local", "images|ps|pull REF|start REF|stop ID|all", 1, 2,
	CLI_COMP_NONE,
	"Cog models in the local Docker Engine",
	"`local images` lists the Cog images here with their Cog version; "
	"`local ps` the containers of Cog images, r8play's and others'; "
	"`local pull REF` pulls an image (progress on stderr when it is a "
	"terminal); `local start REF` creates and starts a container, waits "
	"for READY and prints its URL and id; `local stop ID|all` stops a "
	"container and removes it when r8play started it (all: every one of "
	"r8play's). `r8play run --image REF` does it all for one prediction. "
	"The Docker Engine is $DOCKER_HOST, else /var/run/docker.sock. Exit "
	"status: 0 ok, 1 failed, 2 usage, 130 interrupted.",
	local_opts, local_run
};

