/* tui/cli/remote.c: see remote.h. */
#include "tui/cli/remote.h"

#include <string.h>

#include "tui/cli/out.h"

/* Whether the command's table has the option (run --local has no
 * --api-base, for one). */
static bool
has_opt(const struct cli_args *a, const char *name)
{
	const struct cli_opt *o;

	for (o = a->cmd->opts; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return true;
	return false;
}

int
ctx_open(struct ctx *x, const struct cli_args *a, bool need_token)
{
	struct session_opts so;

	memset(x, 0, sizeof *x);
	x->cmd = a->cmd->name;
	x->json = has_opt(a, "--json") && cli_flag(a, "--json");
	x->raw = has_opt(a, "--raw") && cli_flag(a, "--raw");
	memset(&so, 0, sizeof so);
	so.api_base = has_opt(a, "--api-base") ?
	    cli_value(a, "--api-base") : NULL;
	so.need_token = need_token;
	return session_open(&x->s, x->cmd, &so);
}

void
ctx_close(struct ctx *x)
{
	session_close(&x->s);
}

int
ctx_wait(struct ctx *x, unsigned id, bool interruptible)
{
	return session_wait(&x->s, id, -1, interruptible);
}

int
ctx_report(struct ctx *x)
{
	char msg[CLIENT_ERR_MAX];

	out_err(x->cmd, "%s", client_emit_error(msg, sizeof msg,
	    x->s.got.rc, x->s.err, NULL));
	return CLI_FAIL;
}
