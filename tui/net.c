/*
 * tui/net.c: the routing of network events, and the local Cog servers'
 * health polls. net_on_event() (called from client_pump() in the loop)
 * hands an event to whoever waits for its id: a health poll here, an
 * upload (tui/upload.c), then each view's event handler (tui/view/), which
 * also starts its own requests. Stale answers (a search superseded, a page
 * closed) match nobody and are dropped.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void
net_health(struct app *app, size_t idx)
{
	struct local_target *lt = &app->locals[idx];
	char err[CLIENT_ERR_MAX];

	if (lt->req_health != 0 || lt->cog == NULL)
		return;
	lt->req_health = cog_health_get(lt->cog, err, sizeof err);
	if (lt->req_health == 0)
		snprintf(lt->error, sizeof lt->error, "%s", err);
}

/* ---- events */

/* A local server's health answered: keep polling while it starts
 * or is busy. */
static void
on_health(struct app *app, size_t i, struct client_event *ev)
{
	struct local_target *lt = &app->locals[i];
	bool poll = true, was_ok = lt->health != NULL;

	lt->req_health = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		client_emit_error(lt->error, sizeof lt->error, ev->rc,
		    ev->err, NULL);
		cog_health_free(lt->health);
		lt->health = NULL;
	} else if (ev->data != NULL) {
		cog_health_free(lt->health);
		lt->health = ev->data;
		ev->data = NULL;
		lt->error[0] = '\0';
		/* settled states need no more polling unless runs go on */
		poll = lt->health->state == COG_HEALTH_STARTING ||
		    lt->health->state == COG_HEALTH_BUSY ||
		    lt->health->state == COG_HEALTH_UNKNOWN;
	}
	/* STARTING is polled quickly (and counts as busy for tests) */
	if (poll && lt->health != NULL &&
	    lt->health->state == COG_HEALTH_STARTING)
		lt->next_health_ms = clock_mono_ms() + APP_HEALTH_POLL_MS / 4;
	else if (poll && !app->script_mode)
		lt->next_health_ms = clock_mono_ms() + APP_HEALTH_POLL_MS;
	target_health_seen(app, i, was_ok);
	app->dirty |= DIRTY_ALL;
}

void
net_on_event(struct client_event *ev, void *arg)
{
	static const int order[] = { VIEW_EXPLORER, VIEW_MODEL, VIEW_RUN };
	struct app *app = arg;
	size_t i;

	for (i = 0; i < app->nlocals; i++)
		if (ev->id != 0 && ev->id == app->locals[i].req_health) {
			on_health(app, i, ev);
			return;
		}
	if (upload_event(app, ev) || dock_event(app, ev))
		return;
	/* each view knows its own requests */
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		const struct view_ops *v = view_ops_of(order[i]);

		if (v->event != NULL && v->event(app, ev))
			return;
	}
}
