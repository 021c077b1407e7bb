/*
 * tui/view/dock_pull.c: what tui/dock_pull.c shows. OV_PULL, the pull
 * of L over the model page (the reference, the daemon's last status, a
 * bar, layers, bytes done of total, speed; Esc cancels), and the boot
 * panel of a local playground: the container's setup logs and the time
 * in state while it is Booting.
 */
#include "tui/app.h"

#include <stdio.h>
#include <string.h>

#include "client/docker/docker.h"
#include "tui/view/look.h"
#include "widgets/paint.h"

/* Bytes as "340.2 MB" / "1.2 kB" / "512 B" (decimal, as docker does). */
static void
bytes_text(unsigned long long b, char *buf, size_t n)
{
	if (b >= 1000ULL * 1000 * 1000)
		snprintf(buf, n, "%.2f GB", (double)b / 1e9);
	else if (b >= 1000ULL * 1000)
		snprintf(buf, n, "%.1f MB", (double)b / 1e6);
	else if (b >= 1000ULL)
		snprintf(buf, n, "%.1f kB", (double)b / 1e3);
	else
		snprintf(buf, n, "%llu B", b);
}

/* "3/7 layers · 120.3 MB / 340.0 MB · 12.1 MB/s" (speed once a second
 * has passed on the display clock). */
static void
counts_text(const struct dock_pull *pl, char *buf, size_t n)
{
	const struct docker_pull_progress *p = pl->prog;
	long long ms = clock_display_ms() - pl->started_ms;
	char a[32], b[32], s[48];

	if (p == NULL) {
		snprintf(buf, n, "asking the Docker daemon\xe2\x80\xa6");
		return;
	}
	bytes_text(p->bytes_done, a, sizeof a);
	bytes_text(p->bytes_total, b, sizeof b);
	s[0] = '\0';
	if (ms >= 1000 && p->bytes_done > 0) {
		char r[32];

		bytes_text((unsigned long long)((double)p->bytes_done * 1000.0 /
		    (double)ms), r, sizeof r);
		snprintf(s, sizeof s, " \xc2\xb7 %s/s", r);
	}
	snprintf(buf, n, "%u/%u layers \xc2\xb7 %s / %s%s", p->layers_done,
	    p->n_layers, a, b, s);
}

/* Done part of the pull: bytes when sizes are known, else layers. */
static double
pull_frac(const struct docker_pull_progress *p)
{
	if (p == NULL)
		return 0;
	if (p->finished)
		return 1;
	if (p->bytes_total > 0)
		return (double)p->bytes_done / (double)p->bytes_total;
	if (p->n_layers > 0)
		return (double)p->layers_done / (double)p->n_layers;
	return 0;
}

/* Back (Esc, q, Ctrl-C): cancel the pull, or close it once it failed;
 * other keys wait for it. */
static void
pull_key(struct app *app, int key)
{
	if (keys_lookup(CTX_PULL, key) == ACT_BACK)
		dock_pull_cancel(app);
}

static void
pull_draw(const struct app *app)
{
	const struct dock_pull *pl = &app->dock.pull;
	const struct docker_pull_progress *p = pl->prog;
	int rows = 8, w = app->cols - 4 < 72 ? app->cols - 4 : 72;
	int y = (app->rows - rows) / 2, x = (app->cols - w) / 2;
	char t[DOCK_REF_MAX + 64];

	if (w < 10)
		return;
	if (y < 1)
		y = 1;
	paint_clear(y, x, rows, w, ATTR(NORMAL));
	paint_box(y, x, rows, w, ATTR(BORDER), "run locally: pull",
	    ATTR(TITLE));
	paint_text(y + 1, x + 2, w - 4, pl->image, ATTR(HEADER));
	if (pl->error[0] != '\0') {
		/* the daemon's words in full, over the bar's rows */
		paint_wrap(y + 2, x + 2, w - 4, 2, pl->error, ATTR(ERROR));
		if (p != NULL) {	/* how far it got */
			counts_text(pl, t, sizeof t);
			paint_text(y + 4, x + 2, w - 4, t, ATTR(DIM));
		}
		paint_text(y + rows - 2, x + 2, w - 4, "Esc closes", ATTR(DIM));
		return;
	}
	if (pl->req_inspect != 0)
		paint_text(y + 2, x + 2, w - 4, "pulled: starting it\xe2\x80\xa6",
		    ATTR(OK));
	else
		paint_text(y + 2, x + 2, w - 4, p != NULL && p->status[0] ?
		    p->status : "pulling\xe2\x80\xa6", ATTR(NORMAL));
	paint_bar(y + 3, x + 2, w - 4, pull_frac(p), ATTR(PROGRESS));
	counts_text(pl, t, sizeof t);
	paint_text(y + 4, x + 2, w - 4, t, ATTR(NORMAL));
	if (p != NULL && p->digest[0] != '\0') {
		snprintf(t, sizeof t, "digest %s", p->digest);
		paint_text(y + 5, x + 2, w - 4, t, ATTR(DIM));
	}
	paint_text(y + rows - 2, x + 2, w - 4, "Esc cancels the pull",
	    ATTR(DIM));
}

const struct overlay_ops dock_pull_overlay_ops = {
	.name = "pull",
	.key = pull_key,
	.draw = pull_draw,
};

/* ---- the boot panel of a local playground */

int
dock_boot_panel_rows(const struct app *app, int h)
{
	const struct mpage *mp = &app->mp;
	const struct local_target *lt;
	int rows;

	if (!mp->active || !mp->local || mp->local_idx >= app->nlocals)
		return 0;
	lt = &app->locals[mp->local_idx];
	if (lt->image == NULL || dock_state_of(lt) != DOCK_BOOTING ||
	    (lt->log.req == 0 && lt->log.n == 0))
		return 0;
	rows = h / 3;
	if (rows > DOCK_BOOT_PANEL_MAX)
		rows = DOCK_BOOT_PANEL_MAX;
	return rows >= 3 ? rows : 0;
}

int
dock_boot_logs_draw(const struct app *app, size_t idx, int y, int rows)
{
	const struct local_target *lt = &app->locals[idx];
	size_t n = lt->log.n, i, first;
	char st[64], t[128];
	int r = y;

	if (rows < 1)
		return 0;
	dock_state_text(lt, st, sizeof st);
	snprintf(t, sizeof t, "\xe2\x94\x80 setup logs \xc2\xb7 %s "
	    "\xe2\x94\x80", st);
	paint_text(r++, 1, app->cols - 2, t, ATTR(TITLE));
	if (n == 0) {
		if (r < y + rows)
			paint_text(r++, 1, app->cols - 2, "waiting for the "
			    "container's logs\xe2\x80\xa6", ATTR(DIM));
		return r - y;
	}
	/* the newest lines that fit, oldest first */
	first = n > (size_t)(rows - 1) ? n - (size_t)(rows - 1) : 0;
	for (i = first; i < n && r < y + rows; i++)
		paint_text(r++, 1, app->cols - 2, dock_log_line(app, idx, i),
		    ATTR(LOG));
	return r - y;
}

void
dock_boot_panel_draw(const struct app *app, int y, int rows)
{
	paint_clear(y, 0, rows, app->cols, ATTR(NORMAL));
	dock_boot_logs_draw(app, app->mp.local_idx, y, rows);
}
