/*
 * tui/view/dock_cpu.c: the question after the Docker daemon refused a
 * container a GPU ("could not select device driver ... with capabilities
 * [[gpu]]": no NVIDIA runtime). tui/dock.c opens it with the local in
 * app->dock.cpu_idx; the client has already removed the half-made
 * container and the runs queued on the target wait for the answer:
 * y starts it on the CPU (they run once it is READY), n cancels them and
 * leaves the image Offline.
 */
#include "tui/app.h"

#include <stdio.h>
#include <string.h>

#include "tui/view/look.h"
#include "widgets/paint.h"

/* The answer: boot on the CPU, or cancel what waits. */
static void
cpu_answer(struct app *app, bool yes)
{
	size_t idx = app->dock.cpu_idx, i, n = 0;
	struct local_target *lt;

	app->overlay = OV_NONE;
	app->dirty |= DIRTY_ALL;
	if (idx >= app->nlocals)
		return;
	lt = &app->locals[idx];
	lt->error[0] = '\0';
	if (yes) {
		lt->cpu_ok = true;
		if (dock_boot(app, idx) != 0) {
			app_error(app, "%s", lt->error);
			target_fail_queue(app, idx, lt->error);
		}
		return;
	}
	for (i = 0; i < app->nruns; i++) {
		struct run *r = &app->runs[i];

		if (r->local && r->local_idx == idx && r->queued && !r->done) {
			target_unqueue(app, r);
			n++;
		}
	}
	if (n > 0)
		app_msg(app, "%s not started (no GPU here): %zu queued run%s "
		    "canceled", lt->image ? lt->image : lt->url, n,
		    n == 1 ? "" : "s");
	else
		app_msg(app, "%s not started (no GPU here)",
		    lt->image ? lt->image : lt->url);
}

/* y starts it on the CPU; n or Esc cancels. */
static void
cpu_key(struct app *app, int key)
{
	enum action a = keys_lookup(CTX_CONFIRM, key);

	if (a == ACT_YES)
		cpu_answer(app, true);
	else if (a == ACT_NO || a == ACT_BACK)
		cpu_answer(app, false);
}

static void
cpu_draw(const struct app *app)
{
	size_t idx = app->dock.cpu_idx;
	const struct local_target *lt = idx < app->nlocals ?
	    &app->locals[idx] : NULL;
	int w = app->cols - 4 < 64 ? app->cols - 4 : 64;
	int y = app->rows / 2 - 4, x = (app->cols - w) / 2, r;
	size_t nq;
	char t[600];

	if (y < 1)
		y = 1;
	paint_clear(y, x, 8, w, ATTR(NORMAL));
	paint_box(y, x, 8, w, ATTR(BORDER), "no GPU", ATTR(TITLE));
	r = y + 1;
	xsnprintf(t, sizeof t, "The Docker daemon cannot give %s a GPU (no "
	    "NVIDIA runtime).", lt && lt->image ? lt->image : "the container");
	r += paint_wrap(r, x + 2, w - 4, 3, t, ATTR(WARN));
	nq = target_queue_len(app, idx);
	if (nq > 0) {	/* L starts one with nothing queued: say nothing */
		xsnprintf(t, sizeof t, "%zu run%s wait%s for it.", nq,
		    nq == 1 ? "" : "s", nq == 1 ? "s" : "");
		paint_text(r, x + 2, w - 4, t, ATTR(DIM));
	}
	paint_text(y + 5, x + 2, w - 4, "Start it on the CPU? (y/n)",
	    ATTR(TITLE));
	paint_text(y + 6, x + 2, w - 4, nq > 0 ? "y start on the CPU   n "
	    "cancel the queued runs" : "y start on the CPU   n leave it "
	    "Offline", ATTR(DIM));
}

const struct overlay_ops dock_cpu_overlay_ops = {
	.name = "gpu refused",
	.key = cpu_key,
	.draw = cpu_draw,
};
