/*
 * tui/draw_views.c: the explorer, the model page's tabs and the run view,
 * drawn from the state. Every index is clamped here, so any terminal size
 * at any moment draws something sensible.
 */
#include "tui/draw.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "widgets/paint.h"
#include "widgets/style.h"
#include "widgets/tw.h"

#define A(r) style_attr(THEME_##r)

struct draw_layout draw_layout;

static const char *const spinner[] = { "\xe2\xa0\x8b", "\xe2\xa0\x99",
	"\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc", "\xe2\xa0\xb4",
	"\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f" };

static const char *
spin(void)
{
	return spinner[(clock_display_ms() / 100) % 10];
}

static const char *
nz(const char *s)
{
	return s ? s : "";
}

/* Keep sel visible in a window of h rows starting at *top. */
static void
scroll_to(size_t sel, size_t *top, int h)
{
	if (h <= 0)
		return;
	if (sel < *top)
		*top = sel;
	if (sel >= *top + (size_t)h)
		*top = sel - (size_t)h + 1;
}

/*
 * A JSON object's top-level members as "key: value" lines (strings shown
 * unquoted) into a new string; anything else is returned as is. The text
 * is still sanitised when painted.
 */
static char *
json_lines(const char *j)
{
	size_t n = strlen(j), o = 0, i = 0;
	char *out = xcalloc(1, n * 2 + 8);
	int depth = 0;
	bool in_str = false, key = true;

	while (i < n && (j[i] == ' ' || j[i] == '\n'))
		i++;
	if (i >= n || j[i] != '{') {
		memcpy(out, j, n);
		return out;
	}
	for (i++; i < n; i++) {
		char c = j[i];

		if (in_str) {
			if (c == '\\' && i + 1 < n) {
				char e = j[++i];

				out[o++] = e == 'n' ? ' ' : e == 't' ? ' ' : e;
				continue;
			}
			if (c == '"') {
				in_str = false;
				if (depth > 0)
					out[o++] = c;
				continue;
			}
			out[o++] = c;
			continue;
		}
		if (c == '"') {
			in_str = true;
			if (depth > 0)
				out[o++] = c;
			continue;
		}
		if (depth == 0 && c == ':' && key) {
			out[o++] = ':';
			out[o++] = ' ';
			key = false;
			continue;
		}
		if (depth == 0 && (c == ',' || c == '}')) {
			out[o++] = '\n';
			key = true;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		if (c != ' ' || depth > 0)
			out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

/* ---- explorer */

static void
detail_pane(struct app *app, int y, int x, int h, int w)
{
	const struct explorer *ex = &app->ex;
	const struct model *m = explorer_model_at(app, ex->sel);
	char t[512], n[32];
	int r = y + 1, bottom = y + h - 1, skip = ex->detail_top;

	paint_box(y, x, h, w, ex->pane == 1 ? A(TITLE) : A(BORDER),
	    "details", A(TITLE));
	x += 2;
	w -= 4;
	if (ex->mode == EXM_COLLECTIONS) {
		const struct collection *c = ex->sel < ex->ncolls ?
		    &ex->colls[ex->sel] : NULL;

		if (c == NULL)
			return;
		paint_text(r++, x, w, nz(c->name), A(TITLE));
		paint_text(r++, x, w, nz(c->slug), A(DIM));
		r++;
		paint_wrap(r, x, w, bottom - r, nz(c->description), A(NORMAL));
		return;
	}
	if (m == NULL && ex->sel < app->nlocals) {
		const struct local_target *lt = &app->locals[ex->sel];

		paint_text(r++, x, w, "local Cog server", A(TITLE));
		paint_text(r++, x, w, lt->url, A(LINK));
		r++;
		if (lt->health != NULL) {
			snprintf(t, sizeof t, "health: %s",
			    cog_health_name(lt->health->state));
			paint_text(r++, x, w, t, lt->health->state ==
			    COG_HEALTH_READY ? A(OK) : A(WARN));
			if (lt->health->setup_logs != NULL &&
			    lt->health->state == COG_HEALTH_SETUP_FAILED)
				paint_wrap(r, x, w, bottom - r,
				    lt->health->setup_logs, A(LOG));
		} else if (lt->error[0] != '\0')
			paint_wrap(r, x, w, bottom - r, lt->error, A(ERROR));
		else
			paint_text(r, x, w, "asking /health-check\xe2\x80\xa6",
			    A(DIM));
		return;
	}
	if (m == NULL)
		return;
	/* the cover takes the lower part of the pane */
	if (ex->cover != NULL && h >= 16 && w >= 16) {
		int ih = (h - 2) / 2, iw = w;

		if (iw > ih * app->cell_h / (app->cell_w > 0 ? app->cell_w : 10))
			iw = ih * app->cell_h / (app->cell_w > 0 ?
			    app->cell_w : 10);
		draw_slot.img = ex->cover;
		draw_slot.key = ex->cover;
		draw_slot.row = y + h - 1 - ih;
		draw_slot.col = x;
		draw_slot.rows = ih;
		draw_slot.cols = iw;
		bottom = draw_slot.row - 1;
	} else if (ex->cover_error[0] != '\0' && h > 6) {
		paint_text(bottom - 1, x, w, ex->cover_error, A(DIM));
		bottom--;
	}
	/* the text scrolls with the details pane focused */
#define LINE(txt, attr) do {						\
		if (skip > 0)						\
			skip--;						\
		else if (r < bottom)					\
			paint_text(r++, x, w, (txt), (attr));		\
	} while (0)
	snprintf(t, sizeof t, "%s/%s", nz(m->owner), nz(m->name));
	LINE(t, A(TITLE));
	snprintf(t, sizeof t, "%s runs \xc2\xb7 %s%s", draw_count(m->run_count,
	    n, sizeof n), nz(m->visibility), m->is_official ? " \xc2\xb7 "
	    "official" : "");
	LINE(t, A(DIM));
	LINE("", A(NORMAL));
	if (m->description != NULL) {
		int need = paint_wrap(-1, x, w, 1000, m->description, 0);

		if (skip >= need)
			skip -= need;
		else if (r < bottom) {
			r += paint_wrap(r, x, w, bottom - r, m->description,
			    A(NORMAL));
			skip = 0;
		}
		LINE("", A(NORMAL));
	}
	if (m->latest_version != NULL && m->latest_version->id != NULL) {
		snprintf(t, sizeof t, "version %.12s  %.10s",
		    m->latest_version->id, nz(m->latest_version->created_at));
		LINE(t, A(DIM));
	}
	if (m->url != NULL)
		LINE(m->url, A(LINK));
	if (m->github_url != NULL)
		LINE(m->github_url, A(LINK));
	if (m->paper_url != NULL)
		LINE(m->paper_url, A(LINK));
#undef LINE
}

static void
explorer_row(struct app *app, size_t i, int y, int w, int name_w, int runs_w)
{
	const struct model *m = explorer_model_at(app, i);
	bool sel = i == app->ex.sel;
	attr_t base = sel ? (app->ex.pane == 0 ? A(SELECTED) : A(FIELD_FOCUS)) :
	    A(NORMAL);
	char name[300], runs[32];
	int desc_w = w - name_w - runs_w - 3;

	paint_text_pad(y, 0, w, "", base);
	if (app->ex.mode == EXM_COLLECTIONS) {
		const struct collection *c = &app->ex.colls[i];

		paint_text(y, 1, name_w, nz(c->slug), base);
		if (desc_w > 4)
			paint_text(y, name_w + runs_w + 3, desc_w,
			    nz(c->name), sel ? base : A(DIM));
		return;
	}
	if (m == NULL) {
		const struct local_target *lt = &app->locals[i];
		const char *st = lt->health ?
		    cog_health_name(lt->health->state) :
		    lt->error[0] ? "DOWN" : "?";

		snprintf(name, sizeof name, "local %s", lt->url);
		paint_text(y, 1, name_w, name, base | A_BOLD);
		paint_text_right(y, name_w + 2, runs_w, st, sel ? base :
		    lt->health && lt->health->state == COG_HEALTH_READY ?
		    A(OK) : A(WARN));
		if (desc_w > 4)
			paint_text(y, name_w + runs_w + 3, desc_w,
			    lt->error[0] ? lt->error : "local Cog server",
			    sel ? base : A(DIM));
		return;
	}
	snprintf(name, sizeof name, "%s/%s", nz(m->owner), nz(m->name));
	paint_text(y, 1, name_w, name, base);
	paint_text_right(y, name_w + 2, runs_w, draw_count(m->run_count, runs,
	    sizeof runs), sel ? base : A(COST));
	if (desc_w > 4)
		paint_text(y, name_w + runs_w + 3, desc_w, nz(m->description),
		    sel ? base : A(DIM));
}

void
draw_explorer(struct app *app, int y, int h)
{
	struct explorer *ex = &app->ex;
	size_t n = explorer_count(app), i;
	int list_w = app->cols, name_w, runs_w = 7, rows, r;
	char head[512], cnt[64];

	if (ex->snapshot && h > 6) {
		char note[512];
		int used;

		snprintf(note, sizeof note, "Offline: the catalogue snapshot "
		    "bundled with r8play (%zu models%s%s). Set "
		    "REPLICATE_API_TOKEN for the live catalogue and runs, or "
		    "use --local http://localhost:5000 for a Cog server.",
		    ex->n, ex->snap_date[0] ? ", " : "", ex->snap_date);
		used = paint_wrap(y, 1, app->cols - 2, h < 16 ? 1 :
		    app->cols < 80 ? 3 : 2, note, A(NOTICE));
		y += used;
		h -= used;
	}
	/* header: what is listed */
	switch (ex->mode) {
	case EXM_ALL:
		snprintf(head, sizeof head, "Models");
		break;
	case EXM_SEARCH:
		xsnprintf(head, sizeof head, "Search \xe2\x80\x9c%s\xe2\x80\x9d",
		    ex->query);
		break;
	case EXM_COLLECTIONS:
		snprintf(head, sizeof head, "Collections");
		break;
	case EXM_COLLECTION:
		snprintf(head, sizeof head, "Collection: %s", ex->title);
		break;
	}
	if (ex->mode == EXM_COLLECTIONS)
		snprintf(cnt, sizeof cnt, "%zu", ex->ncolls);
	else if (ex->filter[0] != '\0')
		snprintf(cnt, sizeof cnt, "%zu of %zu", ex->nvis, ex->n);
	else
		snprintf(cnt, sizeof cnt, "%zu%s", ex->n, ex->next ? "+" : "");
	{
		char line[700];

		xsnprintf(line, sizeof line, "%s \xc2\xb7 %s%s%s%s", head, cnt,
		    ex->filter[0] ? " \xc2\xb7 filter: " : "", ex->filter,
		    ex->req != 0 ? " \xc2\xb7 loading\xe2\x80\xa6" : "");
		paint_text(y, 1, app->cols - 2, line, A(HEADER));
	}
	y++;
	h--;
	if (h <= 0)
		return;
	if (app->cols >= 100) {
		list_w = app->cols * 3 / 5;
		detail_pane(app, y, list_w, h, app->cols - list_w);
	}
	name_w = list_w * 2 / 5;
	if (name_w > 40)
		name_w = 40;
	if (name_w < 12)
		name_w = list_w - runs_w - 3;
	if (list_w < 50)
		runs_w = 6;
	paint_text(y, 1, name_w, ex->mode == EXM_COLLECTIONS ? "SLUG" :
	    "MODEL", A(DIM));
	paint_text_right(y, name_w + 2, runs_w, ex->mode == EXM_COLLECTIONS ?
	    "" : "RUNS", A(DIM));
	if (list_w - name_w - runs_w - 3 > 4)
		paint_text(y, name_w + runs_w + 3, list_w - name_w - runs_w - 3,
		    ex->mode == EXM_COLLECTIONS ? "NAME" : "DESCRIPTION",
		    A(DIM));
	y++;
	h--;
	rows = h;
	draw_layout.list_y = y;
	draw_layout.list_rows = rows;
	draw_layout.list_w = list_w;
	if (n == 0) {
		const char *what = ex->req != 0 ? "loading\xe2\x80\xa6" :
		    ex->error[0] ? ex->error : ex->filter[0] ?
		    "nothing matches the filter (Esc clears it)" :
		    "no models";

		paint_wrap(y, 2, list_w - 3, rows, what, ex->error[0] &&
		    ex->req == 0 ? A(ERROR) : A(DIM));
		return;
	}
	if (ex->sel >= n)
		ex->sel = n - 1;
	scroll_to(ex->sel, &ex->top, rows);
	if (ex->top + (size_t)rows > n)
		ex->top = n > (size_t)rows ? n - (size_t)rows : 0;
	for (r = 0, i = ex->top; r < rows && i < n; r++, i++)
		explorer_row(app, i, y + r, list_w, name_w, runs_w);
	if (r < rows && ex->req != 0)
		paint_text(y + r, 2, list_w - 3, "loading more\xe2\x80\xa6",
		    A(DIM));
}

/* ---- model page */

static void
draw_tabs(struct app *app, int y)
{
	static const char *const titles[] = {
#define X(id, title) title,
		MTAB_LIST(X)
#undef X
	};
	int x = 1, i, w;
	char t[64];

	for (i = 0; i < MTAB__COUNT; i++) {
		if (app->cols < 60)
			snprintf(t, sizeof t, " %d %.4s ", i + 1, titles[i]);
		else
			snprintf(t, sizeof t, " %d %s ", i + 1, titles[i]);
		w = tw_width(t);
		if (x + w >= app->cols)
			break;
		paint_text(y, x, w, t, (enum mtab)i == app->mp.tab ?
		    A(TAB_ACTIVE) : A(TAB));
		x += w + 1;
	}
}

static const char *
kind_hint(const struct schema_field *f, char *buf, size_t n)
{
	char a[32], b[32];
	size_t o;

	o = (size_t)snprintf(buf, n, "%s%s", schema_kind_name(f->kind),
	    f->required ? ", required" : "");
	if (o < n && (f->has_min || f->has_max))
		o += (size_t)snprintf(buf + o, n - o, ", %s%s..%s%s",
		    f->min_exclusive ? "(" : "",
		    f->has_min ? schema_num_text(f->minimum, a, sizeof a) : "",
		    f->has_max ? schema_num_text(f->maximum, b, sizeof b) : "",
		    f->max_exclusive ? ")" : "");
	if (o < n && f->kind == SCHEMA_KIND_ENUM)
		o += (size_t)snprintf(buf + o, n - o, ", %zu choices",
		    f->nchoices);
	if (o < n && f->has_default)
		snprintf(buf + o, n - o, ", default %s", nz(f->default_text));
	return buf;
}

static void
draw_form(struct app *app, int y, int h)
{
	struct mpage *mp = &app->mp;
	const struct form *fm = mp->form;
	int label_w = 0, r, extra, value_w;
	size_t i, n;
	char val[512], hint[256];

	if (fm == NULL) {
		const char *what = mp->schema_error[0] ? mp->schema_error :
		    mp->error[0] ? mp->error : "loading the schema\xe2\x80\xa6";

		paint_wrap(y + 1, 2, app->cols - 4, h - 1, what,
		    mp->schema_error[0] || mp->error[0] ? A(ERROR) : A(DIM));
		return;
	}
	n = fm->nfields;
	if (n == 0) {
		paint_text(y + 1, 2, app->cols - 4, "this model takes no "
		    "inputs: Ctrl-R runs it", A(DIM));
		return;
	}
	for (i = 0; i < n; i++) {
		int w = tw_width(mp->schema.fields[i].name) + 2;

		if (w > label_w)
			label_w = w;
	}
	if (label_w > app->cols / 3)
		label_w = app->cols / 3;
	value_w = app->cols - label_w - 4;
	if (mp->focus >= n)
		mp->focus = n - 1;
	/* the focused field gets its description and message underneath */
	extra = 0;
	{
		const struct schema_field *f = &mp->schema.fields[mp->focus];

		if (f->description != NULL)
			extra += paint_wrap(-1, 0, app->cols - label_w - 4,
			    h > 12 ? 3 : 1, f->description, 0);
		extra += 1;
		if (form_error(fm, mp->focus) != NULL)
			extra++;
	}
	if (h - extra < 1)
		extra = h - 1;
	scroll_to(mp->focus, &mp->top, h - extra);
	for (r = 0, i = mp->top; r < h && i < n; i++) {
		const struct schema_field *f = &mp->schema.fields[i];
		bool foc = i == mp->focus;
		const char *err = form_error(fm, i);
		char label[160];
		attr_t va;

		snprintf(label, sizeof label, "%s%s", f->name,
		    f->required ? "*" : "");
		paint_text_pad(y + r, 0, app->cols, "", foc ? A(FIELD_FOCUS) :
		    A(NORMAL));
		paint_text(y + r, 1, label_w, label, foc ? A(FIELD_FOCUS) :
		    err ? A(ERROR) : A(KEY));
		form_display(fm, i, val, sizeof val);
		if (f->kind == SCHEMA_KIND_BOOLEAN)
			snprintf(val, sizeof val, "[%s]",
			    strcmp(form_text(fm, i), "true") == 0 ? "x" : " ");
		else if (f->kind == SCHEMA_KIND_ENUM) {
			char t[sizeof val];

			xsnprintf(t, sizeof t, "\xe2\x80\xb9 %s \xe2\x80\xba",
			    val);
			memcpy(val, t, sizeof val);
		}
		va = foc ? A(FIELD_FOCUS) : form_is_set(fm, i) ? A(FIELD) :
		    A(DIM);
		paint_text(y + r, label_w + 3, value_w, val[0] ? val :
		    (f->kind == SCHEMA_KIND_FILE ? "(no file)" : ""), va);
		r++;
		if (!foc)
			continue;
		if (f->description != NULL && r < h)
			r += paint_wrap(y + r, label_w + 3, value_w,
			    extra - 1 - (err ? 1 : 0) > 0 ?
			    extra - 1 - (err ? 1 : 0) : 1, f->description,
			    A(DIM));
		if (r < h)
			paint_text(y + r++, label_w + 3, value_w,
			    kind_hint(f, hint, sizeof hint), A(DIM));
		if (err && r < h)
			paint_text(y + r++, label_w + 3, value_w, err,
			    A(ERROR));
	}
}

static void
draw_api(struct app *app, int y, int h)
{
	struct mpage *mp = &app->mp;
	char err[1024];
	char *text;
	const char *p;
	int r = 0, skip, x = 1, i;

	for (i = 0; i < API_FORMATS; i++) {
		char t[64];
		int w;

		snprintf(t, sizeof t, " %s ", model_api_format_name(i));
		w = tw_width(t);
		if (x + w >= app->cols)
			break;
		paint_text(y, x, w, t, i == mp->api_fmt ? A(TAB_ACTIVE) :
		    A(TAB));
		x += w + 1;
	}
	r = 2;
	if (mp->form == NULL) {
		paint_text(y + r, 2, app->cols - 4, "no form yet", A(DIM));
		return;
	}
	text = model_api_text(app, mp->api_fmt, err, sizeof err);
	if (text == NULL) {
		paint_wrap(y + r, 2, app->cols - 4, h - r, err, A(ERROR));
		return;
	}
	skip = mp->api_top;
	for (p = text; *p && r < h;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char line[PAINT_LINE_MAX];

		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (skip > 0)
			skip--;
		else
			r += paint_wrap(y + r, 2, app->cols - 3, h - r, line[0] ?
			    line : " ", A(FIELD));
		p = e ? e + 1 : p + len;
	}
	free(text);
}

static void
draw_examples(struct app *app, int y, int h)
{
	struct mpage *mp = &app->mp;
	size_t n = mp->examples && mp->examples->n ? mp->examples->n :
	    (mp->model && mp->model->default_example ? 1 : 0), i;
	const struct prediction *p;
	int r = 0, list_h;
	char t[512];

	if (n == 0) {
		paint_text(y + 1, 2, app->cols - 4, mp->req_examples ?
		    "loading examples\xe2\x80\xa6" : "this model has no "
		    "examples", A(DIM));
		return;
	}
	if (mp->ex_sel >= n)
		mp->ex_sel = n - 1;
	list_h = (int)n < h / 3 ? (int)n : h / 3 > 0 ? h / 3 : 1;
	for (i = 0; i < n && r < list_h; i++) {
		bool sel = i == mp->ex_sel;
		const char *txt;

		p = model_example_at(app, i);
		if (p == NULL)
			break;
		txt = p->input_json ? p->input_json : "";
		xsnprintf(t, sizeof t, "#%zu  %-9s %s", i + 1,
		    prediction_status_name(p->status), txt);
		paint_text_pad(y + r, 1, app->cols - 2, t, sel ? A(SELECTED) :
		    A(NORMAL));
		r++;
	}
	r++;
	p = model_example_at(app, mp->ex_sel);
	if (p == NULL || r >= h)
		return;
	paint_text(y + r++, 1, app->cols - 2, "input (Enter loads it into "
	    "the form)", A(HEADER));
	if (p->input_json != NULL && r < h) {
		char *lines = json_lines(p->input_json);

		r += paint_wrap(y + r, 2, app->cols - 4, (h - r) * 2 / 3 > 0 ?
		    (h - r) * 2 / 3 : 1, lines, A(FIELD));
		free(lines);
	}
	if (r + 1 < h && p->n_outputs > 0) {
		r++;
		paint_text(y + r++, 1, app->cols - 2, "output", A(HEADER));
		for (i = 0; i < p->n_outputs && r < h; i++)
			paint_text(y + r++, 2, app->cols - 4,
			    p->outputs[i].value, A(LINK));
	}
}

static void
draw_cost(struct app *app, int y, int h)
{
	struct cost_state *cs = &app->mp.cost;
	char t[512], a[COST_FMT_MAX], b[COST_FMT_MAX], c[COST_FMT_MAX];
	const struct cost_price *tier = NULL;
	size_t i, ntier = cs->table.n, top;
	int r = 0, rows;
	static const char *const inputs[] = { "seconds per run",
		"runs in the batch", "requests per hour (deployment)",
		"min instances (deployment)" };

	if (!cs->loaded) {
		paint_text(y + 1, 2, app->cols - 4, "no price table", A(DIM));
		return;
	}
	if (cs->error[0] != '\0')
		paint_text(y + r++, 1, app->cols - 2, cs->error, A(ERROR));
	for (i = 0; i < 4 && r < h; i++) {
		bool sel = cs->sel == i;

		switch (i) {
		case 0:
			if (cs->seconds > 0) {
				char f[COST_FMT_MAX];

				xsnprintf(a, sizeof a, "%s%s%s%s",
				    cost_fmt_seconds(cs->seconds, f, sizeof f),
				    cs->seconds_src[0] ? " (" : "",
				    cs->seconds_src, cs->seconds_src[0] ? ")" :
				    "");
			} else
				snprintf(a, sizeof a, "unknown (Enter sets it)");
			break;
		case 1:
			snprintf(a, sizeof a, "%.0f", cs->runs);
			break;
		case 2:
			snprintf(a, sizeof a, "%g", cs->rph);
			break;
		default:
			snprintf(a, sizeof a, "%u", cs->min_instances);
			break;
		}
		snprintf(t, sizeof t, "%-32s %s", inputs[i], a);
		paint_text_pad(y + r, 1, app->cols - 2, t, sel ? A(SELECTED) :
		    A(FIELD));
		r++;
	}
	if (cs->sel >= 4 && cs->sel - 4 < ntier)
		tier = &cs->table.rows[cs->sel - 4];
	else
		tier = cost_table_find(&cs->table, "gpu-l40s");
	if (tier == NULL && ntier > 0)
		tier = &cs->table.rows[0];
	/* deployment and batch forecast on the chosen tier */
	if (tier != NULL && cs->seconds > 0 && r + 2 < h) {
		struct cost_deploy_in di;
		struct cost_deploy_out dout;
		struct cost_batch_in bi;
		struct cost_batch_out bo;
		char err[128];

		memset(&bi, 0, sizeof bi);
		bi.runs = (uint64_t)cs->runs;
		bi.seconds = cs->seconds;
		bi.usd_per_second = tier->usd_per_second;
		bi.concurrency = 1;
		bi.mode = COST_BILL_PUBLIC;
		if (cost_batch(&bi, &bo, err, sizeof err) == 0)
			snprintf(t, sizeof t, "batch of %.0f on %s: %s, %s of "
			    "compute", cs->runs, tier->name,
			    cost_fmt_usd(bo.total_usd, a, sizeof a),
			    cost_fmt_seconds(bo.billed_s, b, sizeof b));
		else
			snprintf(t, sizeof t, "batch: %s", err);
		paint_text(y + r++, 1, app->cols - 2, t, A(COST));
		memset(&di, 0, sizeof di);
		di.min_instances = cs->min_instances;
		di.max_instances = cs->min_instances > 5 ? cs->min_instances :
		    5;
		di.hours_per_day = 24;
		di.rph = cs->rph;
		di.seconds = cs->seconds;
		di.idle_s = 300;
		di.boot_s = 60;
		di.usd_per_second = tier->usd_per_second;
		if (cost_deploy(&di, &dout, err, sizeof err) == 0)
			snprintf(t, sizeof t, "deployment at %g req/h: %u "
			    "instance%s, %s/month (public model: %s)", cs->rph,
			    dout.instances, dout.instances == 1 ? "" : "s",
			    cost_fmt_usd(dout.monthly_usd, a, sizeof a),
			    cost_fmt_usd(dout.public_monthly_usd, c,
			    sizeof c));
		else
			snprintf(t, sizeof t, "deployment: %s", err);
		paint_text(y + r++, 1, app->cols - 2, t, A(COST));
	}
	r++;
	if (r >= h)
		return;
	snprintf(t, sizeof t, "%-26s %12s %10s %10s", "HARDWARE", "PRICE",
	    "PER RUN", "RUNS/$1");
	paint_text(y + r++, 1, app->cols - 2, t, A(HEADER));
	rows = h - r - 1;
	top = 0;
	if (cs->sel >= 4)
		scroll_to(cs->sel - 4, &top, rows);
	for (i = top; i < ntier && r < h - 1; i++) {
		const struct cost_price *pr = &cs->table.rows[i];
		struct cost_run est;
		char err[128];

		cost_fmt_price(pr->usd_per_second, a, sizeof a);
		if (cs->seconds > 0 && cost_run_estimate(pr->usd_per_second,
		    cs->seconds, &est, err, sizeof err) == 0)
			snprintf(t, sizeof t, "%-26s %12s %10s %10s", pr->name,
			    a, est.usd_text, est.runs_text);
		else
			snprintf(t, sizeof t, "%-26s %12s %10s %10s", pr->name,
			    a, "-", "-");
		paint_text_pad(y + r++, 1, app->cols - 2, t, cs->sel == i + 4 ?
		    A(SELECTED) : A(NORMAL));
	}
	cost_table_describe(&cs->table, t, sizeof t);
	paint_text(y + h - 1, 1, app->cols - 2, t, A(DIM));
}

static void
draw_info(struct app *app, int y, int h)
{
	struct mpage *mp = &app->mp;
	const struct model *m = mp->model;
	char t[1024], n[32];
	int r = 0, skip = mp->info_top;

#define LINE(txt, attr) do {						\
		if (skip > 0)						\
			skip--;						\
		else if (r < h)						\
			paint_text(y + r++, 2, app->cols - 4, (txt), (attr)); \
	} while (0)
	if (mp->local) {
		const struct local_target *lt = &app->locals[mp->local_idx];

		LINE("local Cog server", A(TITLE));
		LINE(lt->url, A(LINK));
		if (lt->health != NULL) {
			snprintf(t, sizeof t, "health: %s%s%s",
			    cog_health_name(lt->health->state),
			    lt->health->cog_version ? " \xc2\xb7 cog " : "",
			    nz(lt->health->cog_version));
			LINE(t, A(OK));
		}
		if (mp->schema.cog_version != NULL) {
			snprintf(t, sizeof t, "cog %s", mp->schema.cog_version);
			LINE(t, A(DIM));
		}
		return;
	}
	if (m == NULL) {
		LINE(mp->error[0] ? mp->error : "loading\xe2\x80\xa6",
		    mp->error[0] ? A(ERROR) : A(DIM));
		return;
	}
	snprintf(t, sizeof t, "%s/%s", nz(m->owner), nz(m->name));
	LINE(t, A(TITLE));
	snprintf(t, sizeof t, "owner %s \xc2\xb7 %s \xc2\xb7 %s runs%s",
	    nz(m->owner), nz(m->visibility), draw_count(m->run_count, n,
	    sizeof n), m->is_official ? " \xc2\xb7 official model" : "");
	LINE(t, A(DIM));
	LINE("", A(NORMAL));
	if (m->description != NULL) {
		int need = paint_wrap(-1, 0, app->cols - 4, 100,
		    m->description, 0);

		if (skip >= need)
			skip -= need;
		else if (r < h) {
			r += paint_wrap(y + r, 2, app->cols - 4, h - r,
			    m->description, A(NORMAL));
			skip = 0;
		}
		LINE("", A(NORMAL));
	}
	if (m->latest_version != NULL) {
		snprintf(t, sizeof t, "version  %s", nz(m->latest_version->id));
		LINE(t, A(FIELD));
		snprintf(t, sizeof t, "created  %s", nz(
		    m->latest_version->created_at));
		LINE(t, A(FIELD));
		if (m->latest_version->cog_version != NULL) {
			snprintf(t, sizeof t, "cog      %s",
			    m->latest_version->cog_version);
			LINE(t, A(FIELD));
		}
	}
	if (m->created_at != NULL) {
		snprintf(t, sizeof t, "model created %s", m->created_at);
		LINE(t, A(DIM));
	}
	if (mp->diff.n > 0) {
		size_t k;

		LINE("", A(NORMAL));
		xsnprintf(t, sizeof t, "changed since version %.12s:",
		    mp->diff_from);
		LINE(t, A(WARN));
		for (k = 0; k < mp->diff.n; k++)
			LINE(nz(mp->diff.changes[k].text), A(FIELD));
	}
	LINE("", A(NORMAL));
	if (m->url) {
		snprintf(t, sizeof t, "web      %s", m->url);
		LINE(t, A(LINK));
	}
	if (m->github_url) {
		snprintf(t, sizeof t, "github   %s", m->github_url);
		LINE(t, A(LINK));
	}
	if (m->paper_url) {
		snprintf(t, sizeof t, "paper    %s", m->paper_url);
		LINE(t, A(LINK));
	}
	if (m->license_url) {
		snprintf(t, sizeof t, "license  %s", m->license_url);
		LINE(t, A(LINK));
	}
	if (m->weights_url) {
		snprintf(t, sizeof t, "weights  %s", m->weights_url);
		LINE(t, A(LINK));
	}
#undef LINE
}

void
draw_model(struct app *app, int y, int h)
{
	struct mpage *mp = &app->mp;
	char t[512];

	if (mp->local) {
		const struct local_target *lt = &app->locals[mp->local_idx];

		snprintf(t, sizeof t, "%s \xc2\xb7 %s", lt->url, lt->health ?
		    cog_health_name(lt->health->state) : lt->error[0] ?
		    lt->error : "\xe2\x80\xa6");
	} else if (mp->model != NULL && mp->model->description != NULL)
		snprintf(t, sizeof t, "%s/%s \xc2\xb7 %s", mp->owner, mp->name,
		    mp->model->description);
	else
		snprintf(t, sizeof t, "%s/%s%s", mp->owner, mp->name,
		    mp->req_model ? " \xc2\xb7 loading\xe2\x80\xa6" : "");
	paint_text(y, 1, app->cols - 2, t, A(HEADER));
	if (h < 3)
		return;
	draw_tabs(app, y + 1);
	draw_layout.tabs_y = y + 1;
	y += 3;
	h -= 3;
	draw_layout.form_y = y;
	draw_layout.form_rows = h;
	switch (mp->tab) {
	case MTAB_PLAY:
		draw_form(app, y, h);
		break;
	case MTAB_API:
		draw_api(app, y, h);
		break;
	case MTAB_EXAMPLES:
		draw_examples(app, y, h);
		break;
	case MTAB_COST:
		draw_cost(app, y, h);
		break;
	case MTAB_INFO:
		draw_info(app, y, h);
		break;
	default:
		break;
	}
}

/* ---- run view */

static double
elapsed_s(const struct run *r)
{
	long long end = r->done ? r->ended_ms : clock_display_ms();

	return (double)(end - r->started_ms) / 1000.0;
}

static attr_t
status_attr(const struct run *r)
{
	if (!r->have_pred)
		return r->error[0] ? A(ERROR) : A(DIM);
	switch (r->pred.status) {
	case PREDICTION_SUCCEEDED:
		return A(OK);
	case PREDICTION_FAILED:
	case PREDICTION_ABORTED:
		return A(ERROR);
	case PREDICTION_CANCELED:
		return A(WARN);
	default:
		return A(NOTICE);
	}
}

static const char *
run_status(const struct run *r)
{
	if (!r->have_pred)
		return r->error[0] ? "failed" : "starting";
	return prediction_status_name(r->pred.status);
}

static void
draw_run_strip(struct app *app, int y)
{
	int x = 1;
	size_t i;

	for (i = 0; i < app->nruns; i++) {
		const struct run *r = &app->runs[i];
		char t[96];
		int w;

		snprintf(t, sizeof t, " #%u %s%s ", r->seq, r->done ? "" : spin(),
		    r->done ? run_status(r) : "");
		w = tw_width(t);
		if (x + w >= app->cols)
			break;
		paint_text(y, x, w, t, i == app->cur_run ? A(TAB_ACTIVE) :
		    status_attr(r));
		x += w + 1;
	}
}

/* Lines of text, the last max lines that fit (from the tail, minus top). */
static int
draw_tail(int y, int x, int w, int h, const char *text, int top, attr_t a)
{
	const char *end = text + strlen(text), *p = end;
	int lines = 0, r, want = h + top;

	if (h <= 0)
		return 0;
	while (end > text && end[-1] == '\n')
		end--;
	p = end;
	while (p > text && lines < want) {
		p--;
		if (*p == '\n' && p < end - 1)
			lines++;
		if (*p == '\r') {
			/* tqdm redraws with CR: keep only the last state */
			;
		}
	}
	if (p > text || (p == text && *p == '\n'))
		p++;
	r = 0;
	while (p < end && r < h) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		const char *cr;
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p);
		char line[PAINT_LINE_MAX];

		/* text after the last CR is what a terminal would show */
		for (cr = p + len; cr > p; cr--)
			if (cr[-1] == '\r')
				break;
		len -= (size_t)(cr - p);
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, cr, len);
		line[len] = '\0';
		paint_text(y + r++, x, w, line, a);
		p = e ? e + 1 : end;
	}
	return r;
}

void
draw_run(struct app *app, int y, int h)
{
	struct run *r;
	char t[1024], a[COST_FMT_MAX];
	int row = y, bottom = y + h, done_n, total_n;
	double pct;
	char *text = NULL;
	size_t i;

	if (app->nruns == 0) {
		paint_text(y + 1, 2, app->cols - 4, "no runs yet", A(DIM));
		return;
	}
	if (app->cur_run >= app->nruns)
		app->cur_run = app->nruns - 1;
	r = &app->runs[app->cur_run];
	draw_run_strip(app, row++);
	row++;
	snprintf(t, sizeof t, "run #%u \xc2\xb7 %s%s%s \xc2\xb7 %.1fs%s%s",
	    r->seq, r->model, r->local ? " (local)" : "", "", elapsed_s(r),
	    r->have_pred && r->pred.id ? " \xc2\xb7 " : "",
	    r->have_pred && r->pred.id ? r->pred.id : "");
	paint_text(row++, 1, app->cols - 2, t, A(HEADER));
	snprintf(t, sizeof t, "%s%s%s%s", r->done ? "" : spin(),
	    r->done ? "" : " ", run_status(r), (r->cancel_asked || r->cancel_pending) &&
	    !r->done ? " (cancel asked)" : r->streaming && !r->done ? " (streaming)" : "");
	paint_text(row++, 1, app->cols - 2, t, status_attr(r));
	if (!r->done && r->have_pred && r->pred.status == PREDICTION_STARTING &&
	    r->starting_since_ms != 0 &&
	    clock_mono_ms() - r->starting_since_ms > APP_COLD_START_MS)
		paint_text(row++, 1, app->cols - 2, "still starting: the model "
		    "is probably booting cold (this can take minutes; you are "
		    "not billed for it on public models)", A(WARN));
	if (r->error[0] != '\0' && row < bottom)
		row += paint_wrap(row, 1, app->cols - 2, 3, r->error, A(ERROR));
	if (r->have_pred && r->pred.error != NULL && row < bottom &&
	    strcmp(r->pred.error, r->error) != 0)
		row += paint_wrap(row, 1, app->cols - 2, 3, r->pred.error,
		    A(ERROR));
	/* progress from tqdm lines */
	if (r->have_pred && prediction_progress(&r->pred, &done_n, &total_n,
	    &pct) && row < bottom) {
		int bw = app->cols - 20 > 10 ? app->cols - 20 : 10;

		if (bw > 60)
			bw = 60;
		paint_bar(row, 1, bw, pct / 100.0, A(PROGRESS));
		if (total_n > 0)
			snprintf(t, sizeof t, "%3.0f%% %d/%d", pct, done_n,
			    total_n);
		else
			snprintf(t, sizeof t, "%3.0f%%", pct);
		paint_text(row++, bw + 2, app->cols - bw - 3, t, A(PROGRESS));
	}
	/* metrics and cost */
	if (r->done && r->have_pred && row < bottom &&
	    (r->pred.metrics.predict_time >= 0 || r->cost_usd >= 0)) {
		size_t o = 0;

		t[0] = '\0';
		if (r->pred.metrics.predict_time >= 0)
			o += (size_t)snprintf(t + o, sizeof t - o,
			    "predict %.2fs", r->pred.metrics.predict_time);
		if (r->cost_usd >= 0 && o < sizeof t)
			o += (size_t)snprintf(t + o, sizeof t - o,
			    " \xc2\xb7 about %s on %s",
			    cost_fmt_usd(r->cost_usd, a, sizeof a),
			    r->hardware);
		if (r->pred.metrics.output_token_count >= 0 && o < sizeof t)
			snprintf(t + o, sizeof t - o, " \xc2\xb7 %lld tokens",
			    r->pred.metrics.output_token_count);
		paint_text(row++, 1, app->cols - 2, t, A(COST));
	}
	row++;
	/* outputs: saved files, the image, streamed text */
	if (r->nsaved > 0 && row < bottom) {
		snprintf(t, sizeof t, "saved %zu file%s in %s", r->nsaved,
		    r->nsaved == 1 ? "" : "s", nz(r->saved_dir));
		paint_text(row++, 1, app->cols - 2, t, A(HEADER));
		for (i = 0; i < r->nsaved && i < 4 && row < bottom; i++)
			paint_text(row++, 2, app->cols - 3, r->saved[i],
			    A(LINK));
		if (r->nsaved > 4 && row < bottom) {
			snprintf(t, sizeof t, "\xe2\x80\xa6 and %zu more",
			    r->nsaved - 4);
			paint_text(row++, 2, app->cols - 3, t, A(DIM));
		}
	}
	if (r->save_error[0] != '\0' && row < bottom)
		row += paint_wrap(row, 1, app->cols - 2, 2, r->save_error,
		    A(ERROR));
	if (r->img_error[0] != '\0' && row < bottom)
		paint_text(row++, 1, app->cols - 2, r->img_error, A(ERROR));
	if (r->img != NULL && bottom - row >= 4) {
		int ih = (bottom - row) * 2 / 3, iw;

		/* square-ish box in cells, kept above the status line */
		iw = ih * app->cell_h / (app->cell_w > 0 ? app->cell_w : 10);
		if (iw > app->cols - 4)
			iw = app->cols - 4;
		if (ih > 0 && iw > 0) {
			draw_slot.img = r->img;
			draw_slot.key = r->img;
			draw_slot.row = row;
			draw_slot.col = 2;
			draw_slot.rows = ih;
			draw_slot.cols = iw;
			row += ih + 1;
		}
	}
	if (r->have_pred)
		text = prediction_join_text(&r->pred, "");
	if (text != NULL && text[0] != '\0' && r->nsaved == 0 &&
	    row < bottom) {
		int th = (bottom - row) / 2 > 2 ? (bottom - row) / 2 : bottom - row;

		paint_text(row++, 1, app->cols - 2, "output", A(HEADER));
		row += paint_wrap(row, 2, app->cols - 4, th, text, A(FIELD));
	}
	free(text);
	/* logs: the tail, scrollable */
	if (r->have_pred && r->pred.logs != NULL && bottom - row >= 2) {
		paint_text(row++, 1, app->cols - 2, r->pred.logs_truncated ?
		    "logs (older lines dropped)" : "logs", A(HEADER));
		draw_tail(row, 2, app->cols - 3, bottom - row, r->pred.logs,
		    r->log_top, A(LOG));
	}
}

/* ---- half blocks into ncurses cells */

void
draw_blocks(const struct app *app, const struct image_slot *s)
{
	struct cellgrid *g;
	char err[128];
	int x, y;

	g = blocks_render(s->img, s->cols, s->rows, app->cell_w, app->cell_h,
	    false, style_depth() >= STYLE_256 ? BLOCKS_256 : BLOCKS_16, err,
	    sizeof err);
	if (g == NULL)
		return;
	for (y = 0; y < g->rows && s->row + y < LINES - 1; y++)
		for (x = 0; x < g->cols && s->col + x < COLS; x++) {
			const struct cell *c = &g->cells[y * g->cols + x];
			int pair = 0;
			cchar_t cc;
			wchar_t w[2] = { 0, 0 };

			if (style_depth() != STYLE_MONO && c->fg_index >= 0)
				pair = alloc_pair(c->fg_index, c->bg_index);
			if (mbtowc(&w[0], c->utf8, strlen(c->utf8)) <= 0)
				w[0] = L' ';
			setcchar(&cc, w, A_NORMAL, 0, &pair);
			mvadd_wch(s->row + y, s->col + x, &cc);
		}
	cellgrid_free(g);
}
