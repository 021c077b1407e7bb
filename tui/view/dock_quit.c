/*
 * tui/view/dock_quit.c: the question on quit about the containers r8play
 * started (tui/dock.c): stop them (and remove them), leave them running,
 * or stay.
 */
#include "tui/app.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "client/docker/docker.h"
#include "tui/view/look.h"
#include "widgets/kb.h"
#include "widgets/paint.h"

/* s stop, l leave, Esc / n stay; while stopping, keys wait. */
static void
dock_quit_key(struct app *app, int key)
{
	if (app->dock.stopping > 0)
		return;
	if (key == 's' || key == 'S' || key == 'y') {
		app->dock.quit_asked = true;
		dock_stop_all(app, true);
	} else if (key == 'l' || key == 'L') {
		app->dock.quit_asked = true;
		app->overlay = OV_NONE;
		if (app_runs_in_flight(app) > 0)
			app->overlay = OV_CONFIRM_QUIT;
		else
			app->quit = true;
	} else if (key == 'n' || key == 27 || key == 'q')
		app->overlay = OV_NONE;
	app->dirty |= DIRTY_ALL;
}

static void
dock_quit_draw(const struct app *app)
{
	size_t n = dock_managed_running(app), i, shown = 0;
	int rows = 5 + (int)(n < 5 ? n : 5);
	int w = app->cols - 4 < 64 ? app->cols - 4 : 64;
	int y = (app->rows - rows) / 2, x = (app->cols - w) / 2, r;
	char t[300];

	if (y < 1)
		y = 1;
	paint_clear(y, x, rows, w, ATTR(NORMAL));
	paint_box(y, x, rows, w, ATTR(BORDER), "quit", ATTR(TITLE));
	snprintf(t, sizeof t, "r8play started %zu container%s:", n,
	    n == 1 ? "" : "s");
	paint_text(y + 1, x + 2, w - 4, t, ATTR(WARN));
	r = y + 2;
	for (i = 0; i < app->nlocals && shown < 5; i++) {
		const struct local_target *lt = &app->locals[i];
		char st[96], ref[160];

		if (!lt->managed || lt->container[0] == '\0')
			continue;
		dock_state_text_of(app, i, st, sizeof st);
		docker_ref_short(lt->image, ref, sizeof ref);
		snprintf(t, sizeof t, " %s \xc2\xb7 %s", ref, st);
		paint_text(r++, x + 2, w - 4, t, ATTR(NORMAL));
		shown++;
	}
	if (app->dock.stopping > 0) {
		snprintf(t, sizeof t, "stopping %zu\xe2\x80\xa6",
		    app->dock.stopping);
		paint_text(y + rows - 2, x + 2, w - 4, t, ATTR(DIM));
	} else
		paint_text(y + rows - 2, x + 2, w - 4, "s stop them and quit   "
		    "l leave them running   Esc stay", ATTR(DIM));
}

const struct overlay_ops dock_quit_overlay_ops = {
	.name = "containers",
	.key = dock_quit_key,
	.draw = dock_quit_draw,
};
