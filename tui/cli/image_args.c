/*
 * tui/cli/image_args.c: the webhook choice of `run --image`
 * (tui/cli/image_args.h).
 */
#include "tui/cli/image_args.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/listener.h"
#include "tui/cli/out.h"

static void
no_webhook(void *arg, const struct listener_webhook *wh)
{
	(void)arg;
	(void)wh;
}

/* Whether r8play's webhook listener can bind gw (the container's network
 * gateway, an address of this host when the daemon is local). */
static bool
can_listen_on(const char *gw)
{
	struct listener_config lc;
	struct listener *l = NULL;
	char err[256];

	if (gw[0] == '\0')
		return false;
	memset(&lc, 0, sizeof lc);
	lc.bind_addr = gw;
	if (listener_open(&l, &lc, no_webhook, NULL, err, sizeof err) != 0)
		return false;
	listener_free(l);
	return true;
}

struct cli_args *
image_run_args(const struct cli_args *a, const char *url, const char *gw)
{
	const struct cli_opt *o, *o_local = NULL, *o_nohooks = NULL;
	const struct cli_opt *o_listen = NULL;
	struct cli_args *b;
	bool hooks_chosen = cli_flag(a, "--async") ||
	    cli_value(a, "--listen") != NULL || cli_flag(a, "--no-webhooks");

	for (o = a->cmd->opts; o->name != NULL; o++)
		if (strcmp(o->name, "--local") == 0)
			o_local = o;
		else if (strcmp(o->name, "--no-webhooks") == 0)
			o_nohooks = o;
		else if (strcmp(o->name, "--listen") == 0)
			o_listen = o;
	if (o_local == NULL || o_nohooks == NULL || o_listen == NULL ||
	    a->nargs + 2 > CLI_MAX_ARGS || (b = malloc(sizeof *b)) == NULL)
		return NULL;
	*b = *a;
	b->args[b->nargs].opt = o_local;
	b->args[b->nargs++].value = url;
	if (!hooks_chosen && can_listen_on(gw)) {
		b->args[b->nargs].opt = o_listen;
		b->args[b->nargs++].value = gw;
	} else if (!hooks_chosen) {
		out_err("run", "no webhooks: cannot listen on the "
		    "container's gateway%s%s; following the sync answer",
		    gw[0] ? " " : "", gw);
		b->args[b->nargs].opt = o_nohooks;
		b->args[b->nargs++].value = NULL;
	}
	b->operands = NULL;
	b->noperands = 0;
	return b;
}
