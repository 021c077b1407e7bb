/*
 * tui/view/dev.c: r8play --dev DIR. client/project/dev.c serves the
 * project and restarts it when a watched file changes; this file steps it
 * on the view timer (dev_step() never blocks: it reads inotify and the
 * output pipe without waiting), keeps the tail of the server's output,
 * polls the server's health after each start and, once it is READY,
 * fetches the schema again so the playground's form follows predict.py
 * (model_set_schema_text keeps the values of fields that still exist).
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "client/project/dev.h"
#include "tui/view/look.h"
#include "widgets/paint.h"

int
dev_view_init(struct app *app, const char *dir, const char *serve_command,
    char *err, size_t errsz)
{
	struct dev_view *dv = &app->devv;
	struct dev_config dc;
	char url[64], e[512];

	memset(dv, 0, sizeof *dv);
	memset(&dc, 0, sizeof dc);
	dc.dir = dir;
	dc.serve_command = serve_command;
	dv->d = dev_new(&dc, e, sizeof e);
	if (dv->d == NULL) {
		snprintf(err, errsz, "--dev %s: %s", dir, e);
		return -1;
	}
	snprintf(dv->how, sizeof dv->how, "%s", dev_how_text(dv->d));
	snprintf(url, sizeof url, "http://127.0.0.1:%u", dev_port(dv->d));
	if (app_add_local(app, url, err, errsz) != 0) {
		dev_free(dv->d);
		dv->d = NULL;
		return -1;
	}
	dv->local_idx = app->nlocals - 1;
	snprintf(dv->dir, sizeof dv->dir, "%s", dir);
	target_local_project(&app->locals[dv->local_idx], dir);
	if (dev_start(dv->d, e, sizeof e) != 0) {
		snprintf(err, errsz, "--dev %s: %s", dir, e);
		dev_free(dv->d);
		dv->d = NULL;
		return -1;
	}
	dv->back = VIEW_MODEL;
	app_msg(app, "dev: serving %s with %s", dir, dv->how);
	return 0;
}

bool
dev_view_is_project(const char *dir)
{
	char p[4096];
	struct stat st;

	if (snprintf(p, sizeof p, "%s/cog.yaml", dir) >= (int)sizeof p)
		return false;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

void
dev_view_done(struct app *app)
{
	dev_free(app->devv.d);
	app->devv.d = NULL;
}

void
dev_view_open(struct app *app)
{
	if (app->devv.d == NULL) {
		app_msg(app, "no Cog project served: r8play --dev DIR");
		return;
	}
	if (app->view != VIEW_DEV)
		app->devv.back = app->view;
	app->view = VIEW_DEV;
	app->devv.top = 0;
	app->dirty |= DIRTY_ALL;
}

/* New output into the tail (the oldest bytes make room). */
static void
take_output(struct dev_view *dv)
{
	char buf[4096];
	size_t n;

	while ((n = dev_output_read(dv->d, &dv->out_pos, buf, sizeof buf,
	    NULL)) > 0) {
		if (n >= sizeof dv->tail)
			n = sizeof dv->tail - 1;
		if (dv->tail_len + n > sizeof dv->tail) {
			size_t drop = dv->tail_len + n - sizeof dv->tail;

			memmove(dv->tail, dv->tail + drop, dv->tail_len - drop);
			dv->tail_len -= drop;
		}
		memcpy(dv->tail + dv->tail_len, buf, n);
		dv->tail_len += n;
	}
}

/* The served page is this project's playground. */
static bool
page_is_dev(const struct app *app)
{
	return app->mp.active && app->mp.local &&
	    app->mp.local_idx == app->devv.local_idx;
}

/*
 * What the served project's supervisor (client/project/) reports: the
 * server started, exited, is restarting after a change, or wrote a line.
 * Updates the state line and the log, and resets the dev target's health so
 * the next answer (and schema) is the new server's.
 */
static void
on_dev_event(struct app *app, const struct dev_event *ev)
{
	struct dev_view *dv = &app->devv;
	struct local_target *lt = &app->locals[dv->local_idx];

	switch (ev->kind) {
	case DEV_EV_STARTED:
		/* cog.yaml again: the change may be there */
		target_local_project(lt, dv->dir);
		snprintf(dv->state, sizeof dv->state, "starting (pid %d)",
		    (int)ev->pid);
		dv->failed = false;
		dv->reload_pending = true;
		/* its health from scratch: the old answer is the old server's */
		cog_health_free(lt->health);
		lt->health = NULL;
		lt->error[0] = '\0';
		break;
	case DEV_EV_CHANGED:
		app_msg(app, "dev: %s changed: restarting", ev->text);
		break;
	case DEV_EV_RESTARTING:
		snprintf(dv->state, sizeof dv->state, "restarting");
		dv->restarts++;
		break;
	case DEV_EV_EXITED:
		if (ev->restart)
			break;
		dv->failed = true;
		dv->reload_pending = false;
		if (WIFEXITED(ev->status))
			snprintf(dv->state, sizeof dv->state, "exited with "
			    "status %d: fix the project and save to retry",
			    WEXITSTATUS(ev->status));
		else
			snprintf(dv->state, sizeof dv->state, "ended by signal "
			    "%d: save to retry", WIFSIGNALED(ev->status) ?
			    WTERMSIG(ev->status) : 0);
		snprintf(lt->error, sizeof lt->error, "the dev server %.200s",
		    dv->state);
		app_error(app, "dev: the server %s (O shows its output)",
		    dv->state);
		break;
	case DEV_EV_OUTPUT:
		take_output(dv);
		break;
	case DEV_EV_ERROR:
		snprintf(dv->state, sizeof dv->state, "%s", ev->text);
		app_error(app, "dev: %s", ev->text);
		break;
	}
	app->dirty |= DIRTY_ALL;
}

/* Started and now READY: the schema again, values kept. */
static void
maybe_reload(struct app *app, long long now)
{
	struct dev_view *dv = &app->devv;
	struct local_target *lt = &app->locals[dv->local_idx];
	char err[CLIENT_ERR_MAX];

	if (!dv->reload_pending)
		return;
	if (lt->health == NULL || lt->health->state == COG_HEALTH_STARTING ||
	    lt->health->state == COG_HEALTH_UNKNOWN) {
		/* not up yet: ask again soon (connection refused stops the
		 * health polls in net.c, STARTING is polled slowly there) */
		if (lt->req_health == 0 && (lt->next_health_ms == 0 ||
		    lt->next_health_ms > now + APP_DEV_POLL_MS))
			lt->next_health_ms = now + APP_DEV_POLL_MS;
		return;
	}
	dv->reload_pending = false;
	if (lt->health->state != COG_HEALTH_READY) {
		snprintf(dv->state, sizeof dv->state, "setup failed (%s)",
		    cog_health_name(lt->health->state));
		dv->failed = true;
		app_error(app, "dev: setup failed: %s (O shows the output)",
		    cog_health_name(lt->health->state));
		return;
	}
	snprintf(dv->state, sizeof dv->state, "serving on port %u",
	    dev_port(dv->d));
	if (!page_is_dev(app) || app->mp.req_openapi != 0)
		return;
	app->mp.req_openapi = cog_openapi_get(lt->cog, err, sizeof err);
	if (app->mp.req_openapi == 0)
		app_error(app, "dev: openapi: %s", err);
	else if (dv->restarts > 0)
		app_msg(app, "dev: reloaded the form from the new schema");
}

_Static_assert(DEV_MAX_POLLFDS <= DEV_VIEW_MAX_FDS, "dev fds fit the loop");

size_t
dev_view_pollfds(const struct app *app, struct pollfd *fds, size_t max)
{
	if (app->devv.d == NULL)
		return 0;
	return dev_pollfds(app->devv.d, fds, max);
}

/* Every loop pass (the fds woke it, or a timer): dev_step() reads what
 * is there without blocking and does what is due. */
static void
dev_tick(struct app *app, long long now)
{
	struct dev_view *dv = &app->devv;
	struct dev_event ev;
	int guard = 0;

	if (dv->d == NULL)
		return;
	while (guard++ < DEV_QUEUE * 2 &&
	    dev_step(dv->d, (uint64_t)now, &ev) == 1)
		on_dev_event(app, &ev);
	maybe_reload(app, now);
}

/* The supervisor's own timers (debounce, kill, child checks). */
static long long
dev_due_ms(const struct app *app)
{
	long long now;
	int t;

	if (app->devv.d == NULL)
		return 0;
	now = clock_mono_ms();
	t = dev_timeout_ms(app->devv.d, (uint64_t)now);
	return t < 0 ? 0 : now + t;
}

/* The screen is not final while a started server is not yet up. */
static bool
dev_busy(const struct app *app)
{
	return app->devv.d != NULL && app->devv.reload_pending;
}

/* ---- the panel */

/*
 * The dev server panel: how it is served, its state and restarts, then the
 * tail of its output scrolled by top (0: the newest lines).
 */
static void
dev_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct dev_view *dv = &app->devv;
	char t[1024];
	const char *end, *p;
	int row = y, lines, want, r;

	(void)fr;
	if (dv->d == NULL) {
		paint_text(y + 1, 2, app->cols - 4, "no Cog project served "
		    "(r8play --dev DIR)", ATTR(DIM));
		return;
	}
	snprintf(t, sizeof t, "served with %s", dv->how);
	paint_text(row++, 1, app->cols - 2, t, ATTR(HEADER));
	snprintf(t, sizeof t, "%s \xc2\xb7 %u restart%s",
	    dv->state[0] ? dv->state : "starting", dv->restarts,
	    dv->restarts == 1 ? "" : "s");
	paint_text(row++, 1, app->cols - 2, t, dv->failed ? ATTR(ERROR) :
	    ATTR(OK));
	row++;
	if (row >= y + h)
		return;
	paint_text(row++, 1, app->cols - 2, "server output", ATTR(HEADER));
	/* the last lines that fit, dv->top lines up from the end */
	end = dv->tail + dv->tail_len;
	while (end > dv->tail && end[-1] == '\n')
		end--;
	want = y + h - row + dv->top;
	for (p = end, lines = 0; p > dv->tail && lines < want; p--)
		if (p[-1] == '\n' && ++lines == want)
			break;
	for (r = 0; p < end && row < y + h; r++) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p);
		char line[PAINT_LINE_MAX];

		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		paint_text(row++, 2, app->cols - 3, line, ATTR(LOG));
		p = e ? e + 1 : end;
	}
}

/* Nothing to lay out: the log is scrolled from its end, top >= 0. */
static void
dev_layout(struct app *app, int y, int h)
{
	(void)y;
	(void)h;
	if (app->devv.top < 0)
		app->devv.top = 0;
}

/*
 * j/k scroll the output (top counts lines up from the newest), G back to
 * the end.
 */
static void
dev_action(struct app *app, enum action a)
{
	struct dev_view *dv = &app->devv;

	switch (a) {
	case ACT_PREV:
		dv->top++;
		break;
	case ACT_NEXT:
		if (dv->top > 0)
			dv->top--;
		break;
	case ACT_BOTTOM:
		dv->top = 0;
		break;
	default:
		return;
	}
	app->dirty |= DIRTY_ALL;
}

/*
 * The dev panel starts no client requests: its events come from the
 * supervisor through on_dev_event.
 */
static bool
dev_event(struct app *app, struct client_event *ev)
{
	(void)app;
	(void)ev;
	return false;
}

/* Key context of the dev panel. */
static enum key_ctx
dev_ctx(const struct app *app)
{
	(void)app;
	return CTX_DEV;
}

/* The title bar's breadcrumb. */
static void
dev_title(const struct app *app, char *buf, size_t n)
{
	(void)app;
	snprintf(buf, n, " r8play \xe2\x80\xba dev server");
}

const struct view_ops dev_view_ops = {
	.name = "dev",
	.ctx = dev_ctx,
	.action = dev_action,
	.event = dev_event,
	.layout = dev_layout,
	.draw = dev_draw,
	.title = dev_title,
	.tick = dev_tick,
	.due_ms = dev_due_ms,
	.busy = dev_busy,
};
