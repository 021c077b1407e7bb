/*
 * tui/dock_pull.c: L ("run locally") on a Replicate model page, and the
 * setup logs of a container while it boots (tui/dock.h).
 *
 * L pulls r8.im/OWNER/NAME@sha256:VERSION of the page's version (the
 * registry host rewritten by R8PLAY_REGISTRY / config registry, for
 * mirrors) while OV_PULL shows the pull stream's progress; Esc cancels
 * it. Once pulled, the image's labels give the form (the page's schema
 * when it has none), the image becomes a local target, its playground
 * opens and its container starts as on Ctrl-R (a GPU asked; a refusal is
 * said and Ctrl-R then starts it on the CPU). From the start until READY
 * the container's log stream is followed and its last lines kept for the
 * playground's boot panel.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/docker/docker.h"

/* Forget the pull (its requests are already answered or cancelled). */
static void
pull_clear(struct dock_pull *pl)
{
	free(pl->prog);
	free(pl->schema);
	memset(pl, 0, sizeof *pl);
}

/* Take the snapshot of the pull's progress from a docker result. */
static void
take_progress(struct dock_pull *pl, const struct docker_result *res)
{
	if (res == NULL || res->pull == NULL)
		return;
	if (pl->prog == NULL)
		pl->prog = xcalloc(1, sizeof *pl->prog);
	*pl->prog = *res->pull;
	pl->prog->line = NULL;	/* the client's line buffer is not ours */
	pl->prog->line_len = pl->prog->line_alloc = 0;
}

void
dock_pull_page(struct app *app)
{
	struct dock *dk = &app->dock;
	struct dock_pull *pl = &dk->pull;
	const struct mpage *mp = &app->mp;
	const struct model *m = mp->model;
	char repo[DOCK_REF_MAX], tag[128], err[CLIENT_ERR_MAX];

	if (pl->req != 0 || pl->req_inspect != 0) {
		app->overlay = OV_PULL;		/* the one in flight */
		app->dirty |= DIRTY_ALL;
		return;
	}
	if (!mp->active)
		return;
	if (mp->local) {
		app_msg(app, "L pulls a Replicate model's image: this page "
		    "runs locally already (Ctrl-R)");
		return;
	}
	if (dk->d == NULL) {
		if (dk->error[0] != '\0')
			app_error(app, "L: %s", dk->error);
		else
			app_error(app, "no Docker daemon here: L needs one "
			    "(start dockerd or set DOCKER_HOST)");
		return;
	}
	if (m == NULL || m->latest_version == NULL ||
	    m->latest_version->id == NULL || m->latest_version->id[0] == '\0') {
		app_error(app, "%s/%s has no version to pull yet", mp->owner,
		    mp->name);
		return;
	}
	pull_clear(pl);
	xsnprintf(pl->ref, sizeof pl->ref, "%s/%s/%s@sha256:%s",
	    DOCKER_R8_REGISTRY, mp->owner, mp->name, m->latest_version->id);
	if (docker_ref_split(pl->ref, docker_registry(dk->d), repo,
	    sizeof repo, tag, sizeof tag, pl->image, sizeof pl->image, err,
	    sizeof err) != CLIENT_OK) {
		app_error(app, "L: %s", err);
		pull_clear(pl);
		return;
	}
	pl->req = docker_pull(dk->d, pl->ref, err, sizeof err);
	if (pl->req == 0) {
		app_error(app, "pull: %s", err);
		pull_clear(pl);
		return;
	}
	if (m->latest_version->openapi_schema != NULL)
		pl->schema = xstrdup(m->latest_version->openapi_schema);
	pl->started_ms = clock_display_ms();
	app->overlay = OV_PULL;
	app->dirty |= DIRTY_ALL;
}

void
dock_pull_cancel(struct app *app)
{
	struct dock_pull *pl = &app->dock.pull;
	bool running = pl->req != 0 || pl->req_inspect != 0;

	if (pl->req != 0)
		client_cancel(app->client, pl->req);
	if (pl->req_inspect != 0)
		client_cancel(app->client, pl->req_inspect);
	if (running)
		app_msg(app, "pull canceled: %s", pl->image);
	pull_clear(pl);
	if (app->overlay == OV_PULL)
		app->overlay = OV_NONE;
	app->dirty |= DIRTY_ALL;
}

/* Pulled (im: the image as inspected, or NULL): the image becomes a
 * local target (its form from the image's schema label, else the page's),
 * its playground opens and its container starts. */
static void
pulled(struct app *app, const struct docker_image *im)
{
	struct dock_pull *pl = &app->dock.pull;
	struct local_target *lt;
	char image[DOCK_REF_MAX];
	const char *schema = im != NULL ? im->schema : NULL;
	int idx;

	if (schema == NULL)
		schema = pl->schema;
	idx = dock_target_for(app, pl->image, im != NULL ? im->tags : NULL,
	    im != NULL ? im->n_tags : 0, schema,
	    im != NULL ? im->config : NULL,
	    im != NULL ? im->cog_version : NULL);
	xsnprintf(image, sizeof image, "%s", pl->image);
	if (app->overlay == OV_PULL)
		app->overlay = OV_NONE;
	app->dirty |= DIRTY_ALL;
	if (idx < 0) {
		app_error(app, "pulled %s, but r8play holds %d local targets "
		    "already", image, APP_MAX_LOCALS);
		pull_clear(pl);
		return;
	}
	lt = &app->locals[idx];
	if (lt->schema == NULL && schema != NULL)
		lt->schema = xstrdup(schema);
	pull_clear(pl);
	model_open_local(app, (size_t)idx);
	if (lt->cog != NULL || lt->req_start != 0)
		return;		/* it runs already */
	if (dock_boot(app, (size_t)idx) != 0)
		app_error(app, "%s", lt->error);
}

/* An event of the pull or of its image inspect. */
static void
on_pull(struct app *app, struct client_event *ev)
{
	struct dock_pull *pl = &app->dock.pull;
	struct docker_result *res = ev->data;
	char err[CLIENT_ERR_MAX];

	if (ev->kind == CLIENT_EV_PROGRESS) {
		take_progress(pl, res);
		return;
	}
	pl->req = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		/* errors inside the 200 stream ("no space left") too */
		take_progress(pl, res);
		xsnprintf(pl->error, sizeof pl->error, "%s", ev->err ?
		    ev->err : client_strerror(ev->rc));
		app_error(app, "%s", pl->error);
		if (pl->prog == NULL || pl->prog->lines == 0) {
			/* nothing pulled (no daemon, not in the registry):
			 * the status line says it, the box goes */
			pull_clear(pl);
			if (app->overlay == OV_PULL)
				app->overlay = OV_NONE;
		}
		return;
	}
	take_progress(pl, res);
	pl->req_inspect = docker_image_inspect(app->dock.d, pl->image, err,
	    sizeof err);
	if (pl->req_inspect == 0)
		pulled(app, NULL);	/* the page's schema, then */
}

static void
on_inspect(struct app *app, struct client_event *ev)
{
	struct docker_result *res = ev->data;

	if (ev->kind == CLIENT_EV_PROGRESS)
		return;
	app->dock.pull.req_inspect = 0;
	pulled(app, ev->kind == CLIENT_EV_DONE && res != NULL ?
	    res->image : NULL);
}

/* ---- the setup logs */

static void
log_push(struct dock_log *lg, const char *line, size_t len)
{
	size_t slot;
	char *t;

	t = xcalloc(1, DOCK_LOG_WIDTH);
	docker_log_text(line, len, t, DOCK_LOG_WIDTH);
	if (lg->n < DOCK_LOG_LINES)
		slot = (lg->head + lg->n++) % DOCK_LOG_LINES;
	else {
		slot = lg->head;
		lg->head = (lg->head + 1) % DOCK_LOG_LINES;
		free(lg->lines[slot]);
	}
	lg->lines[slot] = t;
}

static void
log_free(struct dock_log *lg)
{
	size_t i;

	for (i = 0; i < DOCK_LOG_LINES; i++)
		free(lg->lines[i]);
	memset(lg, 0, sizeof *lg);
}

void
dock_log_follow(struct app *app, size_t idx)
{
	struct local_target *lt = &app->locals[idx];
	char err[CLIENT_ERR_MAX];

	dock_log_stop(app, idx);
	if (app->dock.d == NULL || lt->container[0] == '\0')
		return;
	lt->log.req = docker_logs(app->dock.d, lt->container,
	    DOCK_LOG_LINES, true, err, sizeof err);
	if (lt->log.req == 0)
		log_push(&lt->log, err, strlen(err));	/* said in the panel */
}

void
dock_log_stop(struct app *app, size_t idx)
{
	struct local_target *lt = &app->locals[idx];

	if (lt->log.req != 0)
		client_cancel(app->client, lt->log.req);
	log_free(&lt->log);
}

void
dock_log_tick(struct app *app)
{
	size_t i;

	/* READY (or serving a run): the boot is over, so is the panel */
	for (i = 0; i < app->nlocals; i++) {
		enum dock_state st = dock_state_of(&app->locals[i]);

		if ((app->locals[i].log.req != 0 || app->locals[i].log.n > 0) &&
		    (st == DOCK_IDLE || st == DOCK_ACTIVE)) {
			dock_log_stop(app, i);
			app->dirty |= DIRTY_ALL;
		}
	}
}

const char *
dock_log_line(const struct app *app, size_t idx, size_t i)
{
	const struct dock_log *lg;

	if (idx >= app->nlocals)
		return NULL;
	lg = &app->locals[idx].log;
	if (i >= lg->n)
		return NULL;
	return lg->lines[(lg->head + i) % DOCK_LOG_LINES];
}

bool
dock_pull_event(struct app *app, struct client_event *ev)
{
	struct dock_pull *pl = &app->dock.pull;
	struct docker_result *res = ev->data;
	size_t i;

	if (pl->req != 0 && ev->id == pl->req) {
		on_pull(app, ev);
		app->dirty |= DIRTY_ALL;
		return true;
	}
	if (pl->req_inspect != 0 && ev->id == pl->req_inspect) {
		on_inspect(app, ev);
		app->dirty |= DIRTY_ALL;
		return true;
	}
	for (i = 0; i < app->nlocals; i++) {
		struct dock_log *lg = &app->locals[i].log;

		if (lg->req == 0 || ev->id != lg->req)
			continue;
		if (ev->kind == CLIENT_EV_PROGRESS) {
			if (res != NULL && res->log_line != NULL)
				log_push(lg, res->log_line, res->log_len);
		} else
			lg->req = 0;	/* the container stopped: lines kept */
		app->dirty |= DIRTY_ALL;
		return true;
	}
	return false;
}

void
dock_pull_done(struct app *app)
{
	size_t i;

	dock_pull_cancel(app);
	for (i = 0; i < app->nlocals; i++)
		dock_log_stop(app, i);
}
