/*
 * tui/view/tab_play.c: the model page's Playground tab, the input form.
 * Owns editing of each field kind (text in place or in $EDITOR, enums from
 * a chooser, booleans toggled, numbers stepped within their bounds, files
 * through a path prompt that completes), starting a run from the form
 * (Ctrl-R, from any tab), and the form's layout, drawing and clicks.
 */
#include "tui/app.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/term.h"
#include "tui/view/look.h"
#include "widgets/paint.h"
#include "widgets/tw.h"

/* The focused field's schema, or NULL without a form. */
const struct schema_field *
tab_play_focused(const struct app *app)
{
	const struct mpage *mp = &app->mp;

	if (mp->form == NULL || mp->focus >= mp->form->nfields)
		return NULL;
	return &mp->schema.fields[mp->focus];
}

/* Set field i from text and validate it (a refused value is shown). */
static void
set_text(struct app *app, size_t i, const char *text)
{
	struct mpage *mp = &app->mp;
	char err[APP_MSG_MAX];

	if (form_set_index(mp->form, i, text, err, sizeof err) != 0) {
		app_error(app, "%s", err);
		return;
	}
	form_validate_index(mp->form, i);
	app->dirty |= DIRTY_FORM | DIRTY_STATUS;
}

double
tab_play_step_of(const struct schema_field *f)
{
	if (f->has_multiple_of && f->multiple_of > 0)
		return f->multiple_of;
	if (f->kind == SCHEMA_KIND_INTEGER)
		return 1;
	if (f->has_min && f->has_max && f->maximum > f->minimum)
		return pow(10, floor(log10((f->maximum - f->minimum) / 100) +
		    1e-9));
	return 0.1;
}

/* Step a number within its bounds; enums move to the next choice. */
static void
step(struct app *app, int dir)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = tab_play_focused(app);
	const char *cur;
	char buf[64];
	double v, d;
	size_t i;

	if (f == NULL)
		return;
	cur = form_text(mp->form, mp->focus);
	switch (f->kind) {
	case SCHEMA_KIND_BOOLEAN:
		set_text(app, mp->focus, strcmp(cur, "true") == 0 ? "false" :
		    "true");
		return;
	case SCHEMA_KIND_ENUM:
		if (f->nchoices == 0)
			return;
		for (i = 0; i < f->nchoices; i++)
			if (strcmp(f->choices[i].text, cur) == 0)
				break;
		if (i == f->nchoices)
			i = 0;
		else if (dir > 0)
			i = (i + 1) % f->nchoices;
		else
			i = (i + f->nchoices - 1) % f->nchoices;
		set_text(app, mp->focus, f->choices[i].text);
		return;
	case SCHEMA_KIND_INTEGER:
	case SCHEMA_KIND_NUMBER:
		break;
	default:
		app_msg(app, "+/- step numbers; Enter edits this field");
		return;
	}
	v = cur[0] ? strtod(cur, NULL) : (f->has_min ? f->minimum : 0);
	d = tab_play_step_of(f);
	/* onto the grid of the step, then one step */
	v = (dir > 0 ? floor(v / d + 1e-9) : ceil(v / d - 1e-9)) * d;
	v += dir * d;
	if (f->has_min && v < f->minimum)
		v = f->min_exclusive ? f->minimum + d : f->minimum;
	if (f->has_max && v > f->maximum)
		v = f->max_exclusive ? f->maximum - d : f->maximum;
	if (f->kind == SCHEMA_KIND_INTEGER)
		snprintf(buf, sizeof buf, "%lld", (long long)llround(v));
	else
		schema_num_text(round(v * 1e6) / 1e6, buf, sizeof buf);
	set_text(app, mp->focus, buf);
}

/* Open the chooser of the focused enum field at its current value. */
static void
open_chooser(struct app *app)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = tab_play_focused(app);
	const char *cur = form_text(mp->form, mp->focus);
	size_t i;

	app->chooser.sel = 0;
	for (i = 0; i < f->nchoices; i++)
		if (strcmp(f->choices[i].text, cur) == 0)
			app->chooser.sel = i;
	app->chooser.top = 0;
	app->overlay = OV_CHOOSE;
	app->dirty |= DIRTY_ALL;
}

void
tab_play_choose_done(struct app *app, bool ok)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = tab_play_focused(app);

	app->overlay = OV_NONE;
	if (ok && f != NULL && f->nchoices > 0) {
		if (app->chooser.sel >= f->nchoices)
			app->chooser.sel = f->nchoices - 1;
		set_text(app, mp->focus, f->choices[app->chooser.sel].text);
	}
	app->dirty |= DIRTY_ALL;
}

/* An array of files: the prompt edits its items as a comma list. */
bool
tab_play_is_file_array(const struct schema_field *f)
{
	return f != NULL && f->kind == SCHEMA_KIND_ARRAY &&
	    f->item_kind == SCHEMA_KIND_FILE;
}

/* A file array's text (one item a line) as the comma list the prompt
 * and the form show: "a.png, b.png". A JSON array stays as it is. */
static void
items_to_commas(const char *text, char *out, size_t n)
{
	size_t o = 0;
	const char *p;

	if (n == 0)
		return;
	for (p = text; *p != '\0' && o + 3 < n; p++) {
		if (*p == '\n') {
			if (p[1] == '\0')
				break;
			out[o++] = ',';
			out[o++] = ' ';
		} else
			out[o++] = *p;
	}
	out[o] = '\0';
}

/* The prompt's comma list back into one item a line, each trimmed;
 * empty items are dropped. Text that starts with '[' is a JSON array and
 * stays as it is. */
static void
commas_to_items(const char *text, char *out, size_t n)
{
	const char *p = text, *e, *a, *b;
	size_t o = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[' || n == 0) {
		xsnprintf(out, n, "%s", text);
		return;
	}
	out[0] = '\0';
	while (*p != '\0') {
		e = p + strcspn(p, ",\n");
		for (a = p; a < e && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = e; b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
			;
		if (b > a && o + (size_t)(b - a) + 2 < n) {
			if (o > 0)
				out[o++] = '\n';
			memcpy(out + o, a, (size_t)(b - a));
			o += (size_t)(b - a);
			out[o] = '\0';
		}
		p = *e ? e + 1 : e;
	}
}

/* Enter on a field: booleans toggle, enums choose, files ask for a
 * path (Tab completes), other kinds edit their text in the prompt. */
static void
edit_field(struct app *app)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = tab_play_focused(app);
	char label[160];

	if (f == NULL)
		return;
	switch (f->kind) {
	case SCHEMA_KIND_BOOLEAN:
		step(app, 1);
		return;
	case SCHEMA_KIND_ENUM:
		open_chooser(app);
		return;
	default:
		break;
	}
	snprintf(label, sizeof label, "%s: ", f->name);
	if (tab_play_is_file_array(f)) {
		char list[PROMPT_MAX + 1];

		items_to_commas(form_text(mp->form, mp->focus), list,
		    sizeof list);
		overlay_prompt_open(app, PK_PATH, label, list, false,
		    "paths or URLs, comma-separated (Tab completes each)");
	} else if (f->kind == SCHEMA_KIND_FILE)
		overlay_prompt_open(app, PK_PATH, label, form_text(mp->form, mp->focus),
		    false, "a local path (Tab completes) or an http(s) URL");
	else
		overlay_prompt_open(app, PK_FIELD, label, form_text(mp->form, mp->focus),
		    f->kind == SCHEMA_KIND_SECRET,
		    f->kind == SCHEMA_KIND_TEXT ? "E opens $EDITOR for long "
		    "text" : NULL);
}

void
tab_play_editor_start(struct app *app)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = tab_play_focused(app);
	const char *text, *ed;
	char tmpl[] = "/tmp/r8play-edit-XXXXXX";
	ssize_t n;
	size_t len;
	pid_t pid;
	int fd;

	if (f == NULL)
		return;
	if (f->kind == SCHEMA_KIND_SECRET) {
		app_error(app, "secrets are not written to files; Enter edits");
		return;
	}
	fd = mkstemp(tmpl);
	if (fd < 0) {
		app_error(app, "editor: %s", strerror(errno));
		return;
	}
	text = form_text(mp->form, mp->focus);
	len = strlen(text);
	n = write(fd, text, len);
	close(fd);
	if (n < 0 || (size_t)n != len) {
		unlink(tmpl);
		app_error(app, "editor: cannot write %s", tmpl);
		return;
	}
	ed = getenv("VISUAL");
	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || ed[0] == '\0')
		ed = "vi";
	term_suspend();
	pid = fork();
	if (pid < 0) {
		term_resume();
		unlink(tmpl);
		app_error(app, "editor: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGWINCH, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, tmpl,
		    (char *)NULL);
		_exit(127);
	}
	app->editor_pid = pid;
	app->editor_field = mp->focus;
	snprintf(app->editor_file, sizeof app->editor_file, "%s", tmpl);
}

void
tab_play_editor_done(struct app *app, bool ok)
{
	struct mpage *mp = &app->mp;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	fd = open(app->editor_file, O_RDONLY);
	if (ok && fd >= 0 && mp->form != NULL &&
	    app->editor_field < mp->form->nfields) {
		for (;;) {
			if (len + 4096 + 1 > cap) {
				cap = cap ? cap * 2 : 8192;
				if (cap > FORM_VALUE_MAX + 8192)
					break;
				buf = xrealloc(buf, cap);
			}
			n = read(fd, buf + len, cap - len - 1);
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		if (buf != NULL) {
			buf[len] = '\0';
			/* editors add a final newline: one is not content */
			if (len > 0 && buf[len - 1] == '\n')
				buf[--len] = '\0';
			set_text(app, app->editor_field, buf);
			app_msg(app, "%s: %zu bytes from the editor",
			    mp->schema.fields[app->editor_field].name, len);
		}
	} else if (!ok)
		app_error(app, "editor exited with an error; field unchanged");
	if (fd >= 0)
		close(fd);
	free(buf);
	unlink(app->editor_file);
	app->editor_file[0] = '\0';
}

void
tab_play_prompt_done(struct app *app, bool ok)
{
	struct mpage *mp = &app->mp;

	app->overlay = OV_NONE;
	if (!ok) {
		app->dirty |= DIRTY_ALL;
		return;
	}
	if (app->prompt.kind == PK_COST)
		tab_cost_prompt_done(app);
	else if (mp->form != NULL && mp->focus < mp->form->nfields &&
	    tab_play_is_file_array(tab_play_focused(app))) {
		char items[PROMPT_MAX + 1];

		commas_to_items(app->prompt.edit.buf, items, sizeof items);
		set_text(app, mp->focus, items);
	} else if (mp->form != NULL && mp->focus < mp->form->nfields)
		set_text(app, mp->focus, app->prompt.edit.buf);
	app->dirty |= DIRTY_ALL;
}

void
tab_play_run_form(struct app *app)
{
	struct mpage *mp = &app->mp;
	char err[1024];
	char *json = NULL;
	size_t i;

	if (mp->form == NULL) {
		app_error(app, "%s", mp->schema_error[0] ? mp->schema_error :
		    "no form yet: the schema is loading");
		return;
	}
	if (mp->local) {
		const struct local_target *lt = &app->locals[mp->local_idx];

		/* (an Offline image boots on Ctrl-R, whatever went wrong) */
		if (lt->cog != NULL && lt->health == NULL &&
		    lt->error[0] != '\0') {
			app_error(app, "%s", lt->error);
			app_msg_about_local(app, mp->local_idx);
			return;
		}
		if (lt->health != NULL && !cog_health_can_predict(lt->health) &&
		    lt->health->state != COG_HEALTH_BUSY) {
			app_error(app, "the Cog server is %s: it cannot run "
			    "predictions", cog_health_name(lt->health->state));
			app_msg_about_local(app, mp->local_idx);
			return;
		}
	}
	if (!mp->local) {
		size_t n = upload_start_needed(app);

		if (n == (size_t)-1)
			return;
		if (n > 0) {
			mp->run_waiting = true;
			app_msg(app, "uploading %zu file%s first (over %u KiB)",
			    n, n == 1 ? "" : "s", FORM_DATA_URI_MAX / 1024);
			return;
		}
	}
	if (form_request(mp->form, mp->local ? FORM_REQ_INLINE_ALL : 0,
	    mp->local ? NULL : upload_hook, app, &json, err,
	    sizeof err) != 0) {
		/* show the first invalid field */
		for (i = 0; i < mp->form->nfields; i++)
			if (form_error(mp->form, i) != NULL) {
				mp->focus = i;
				break;
			}
		mp->tab = MTAB_PLAY;
		app_error(app, "%s", err);
		app->dirty |= DIRTY_ALL;
		return;
	}
	run_start(app, json);
	free(json);
}

/* ---- drawing */

/* "integer, required, 1..50, step 1, default 4": the line under the
 * focused field, with what `r8play schema` shows (length, pattern,
 * deprecated). */
static const char *
kind_hint(const struct schema_field *f, char *buf, size_t n)
{
	char a[32], b[32];
	size_t o;

#define ROOM (o < n ? n - o : 0)
	o = (size_t)snprintf(buf, n, "%s%s%s", schema_kind_name(f->kind),
	    f->required ? ", required" : "",
	    f->deprecated ? ", deprecated" : "");
	if (f->kind == SCHEMA_KIND_ARRAY && f->item_kind == SCHEMA_KIND_FILE)
		o = (size_t)snprintf(buf, n, "files%s%s: Enter edits a comma "
		    "list, E one path or URL a line",
		    f->required ? ", required" : "",
		    f->deprecated ? ", deprecated" : "");
	if (f->has_min || f->has_max)
		o += (size_t)snprintf(buf + o, ROOM, ", %s%s..%s%s",
		    f->min_exclusive ? "(" : "",
		    f->has_min ? schema_num_text(f->minimum, a, sizeof a) : "",
		    f->has_max ? schema_num_text(f->maximum, b, sizeof b) : "",
		    f->max_exclusive ? ")" : "");
	if (f->kind == SCHEMA_KIND_INTEGER || f->kind == SCHEMA_KIND_NUMBER)
		o += (size_t)snprintf(buf + o, ROOM, ", step %s (+/-)",
		    schema_num_text(tab_play_step_of(f), a, sizeof a));
	if (f->min_length >= 0 || f->max_length >= 0) {
		b[0] = '\0';
		if (f->max_length >= 0)
			snprintf(b, sizeof b, "%lld", f->max_length);
		o += (size_t)snprintf(buf + o, ROOM, ", len %lld..%s",
		    f->min_length >= 0 ? f->min_length : 0, b);
	}
	if (f->pattern != NULL)
		o += (size_t)snprintf(buf + o, ROOM, ", /%s/", f->pattern);
	if (f->kind == SCHEMA_KIND_ENUM)
		o += (size_t)snprintf(buf + o, ROOM, ", %zu choices",
		    f->nchoices);
	if (f->has_default && f->kind == SCHEMA_KIND_SECRET)
		snprintf(buf + o, ROOM, ", has a default");
	else if (f->has_default)
		snprintf(buf + o, ROOM, ", default %s",
		    f->default_text == NULL || f->default_text[0] == '\0' ?
		    "\"\" (empty)" : f->default_text);
#undef ROOM
	return buf;
}

/* Where the form's rows go in a tab of h rows: the label column, the
 * value column, and the rows under the focused field (its description,
 * kind and error), which the scrolling keeps in view. */
struct form_geom {
	int	label_w, value_w, extra;
};

/*
 * The form's columns (labels up to a third of the screen) and the rows the
 * focused field's description and message take under it; computed from the
 * state alone so layout, drawing and clicks agree.
 */
static void
form_geom(const struct app *app, int h, struct form_geom *g)
{
	const struct mpage *mp = &app->mp;
	const struct form *fm = mp->form;
	const struct schema_field *f;
	size_t i, n = fm->nfields;

	g->label_w = 0;
	for (i = 0; i < n; i++) {
		int w = tw_width(mp->schema.fields[i].name) + 2;

		if (w > g->label_w)
			g->label_w = w;
	}
	if (g->label_w > app->cols / 3)
		g->label_w = app->cols / 3;
	g->value_w = app->cols - g->label_w - 4;
	/* the focused field gets its description and message underneath */
	g->extra = 0;
	f = &mp->schema.fields[mp->focus < n ? mp->focus : n - 1];
	if (f->description != NULL)
		g->extra += paint_wrap(-1, 0, app->cols - g->label_w - 4,
		    h > 12 ? 3 : 1, f->description, 0);
	g->extra += 1;
	if (form_error(fm, mp->focus < n ? mp->focus : n - 1) != NULL)
		g->extra++;
	if (h - g->extra < 1)
		g->extra = h - 1;
}

/* Update step: the focus in range and the focused field in view. */
static void
play_layout(struct app *app, int y, int h)
{
	struct mpage *mp = &app->mp;
	struct form_geom g;

	(void)y;
	if (mp->form == NULL || mp->form->nfields == 0)
		return;
	if (mp->focus >= mp->form->nfields)
		mp->focus = mp->form->nfields - 1;
	form_geom(app, h, &g);
	view_scroll_to(mp->focus, &mp->top, h - g.extra);
}

/* One field's row: its label and its value as the kind shows it. */
static void
draw_field(const struct app *app, size_t i, int row, const struct form_geom *g)
{
	const struct mpage *mp = &app->mp;
	const struct form *fm = mp->form;
	const struct schema_field *f = &mp->schema.fields[i];
	bool foc = i == mp->focus;
	const char *err = form_error(fm, i);
	char label[160], val[512];
	attr_t va;
	int x;

	snprintf(label, sizeof label, "%s%s", f->name, f->required ? "*" : "");
	paint_text_pad(row, 0, app->cols, "", foc ? ATTR(FIELD_FOCUS) :
	    ATTR(NORMAL));
	paint_text(row, 1, g->label_w, label, foc ? ATTR(FIELD_FOCUS) :
	    err ? ATTR(ERROR) : ATTR(KEY));
	form_display(fm, i, val, sizeof val);
	if (f->kind == SCHEMA_KIND_SECRET)
		xsnprintf(val, sizeof val, "%s", form_text(fm, i)[0] ?
		    SECRET_MASK : "");
	else if (tab_play_is_file_array(f))
		items_to_commas(form_text(fm, i), val, sizeof val);
	else if (f->kind == SCHEMA_KIND_BOOLEAN)
		snprintf(val, sizeof val, "[%s]",
		    strcmp(form_text(fm, i), "true") == 0 ? "x" : " ");
	else if (f->kind == SCHEMA_KIND_ENUM) {
		char t[sizeof val];

		xsnprintf(t, sizeof t, "\xe2\x80\xb9 %s \xe2\x80\xba", val);
		memcpy(val, t, sizeof val);
	}
	va = foc ? ATTR(FIELD_FOCUS) : form_is_set(fm, i) ? ATTR(FIELD) :
	    ATTR(DIM);
	x = paint_text(row, g->label_w + 3, g->value_w, val[0] ? val :
	    (f->kind == SCHEMA_KIND_FILE ? "(no file)" : ""), va);
	if (f->deprecated && x + 13 <= g->value_w)
		paint_text(row, g->label_w + 3 + x + 2, g->value_w - x - 2,
		    "(deprecated)", foc ? ATTR(FIELD_FOCUS) : ATTR(DIM));
}

/* The fields from mp->top; the focused one with its description,
 * kind and error underneath. */
static void
play_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct mpage *mp = &app->mp;
	const struct form *fm = mp->form;
	struct form_geom g;
	int r;
	size_t i, n;
	char hint[256];

	(void)fr;
	if (fm == NULL) {
		const char *what = mp->schema_error[0] ? mp->schema_error :
		    mp->error[0] ? mp->error : "loading the schema\xe2\x80\xa6";

		paint_wrap(y + 1, 2, app->cols - 4, h - 1, what,
		    mp->schema_error[0] || mp->error[0] ? ATTR(ERROR) :
		    ATTR(DIM));
		return;
	}
	n = fm->nfields;
	if (n == 0) {
		paint_text(y + 1, 2, app->cols - 4, "this model takes no "
		    "inputs: Ctrl-R runs it", ATTR(DIM));
		return;
	}
	form_geom(app, h, &g);
	for (r = 0, i = mp->top; r < h && i < n; i++) {
		const struct schema_field *f = &mp->schema.fields[i];
		const char *err = form_error(fm, i);

		draw_field(app, i, y + r, &g);
		r++;
		if (i != mp->focus)
			continue;
		if (f->description != NULL && r < h)
			r += paint_wrap(y + r, g.label_w + 3, g.value_w,
			    g.extra - 1 - (err ? 1 : 0) > 0 ?
			    g.extra - 1 - (err ? 1 : 0) : 1, f->description,
			    ATTR(DIM));
		if (r < h)
			paint_text(y + r++, g.label_w + 3, g.value_w,
			    kind_hint(f, hint, sizeof hint), ATTR(DIM));
		if (err && r < h)
			paint_text(y + r++, g.label_w + 3, g.value_w, err,
			    ATTR(ERROR));
	}
}

/* A click on a field focuses it; on the focused field, edits it. Rows
 * below the focused field hold its description: they do nothing. */
static void
play_mouse(struct app *app, int y, int x)
{
	struct mpage *mp = &app->mp;
	size_t f;

	(void)x;
	if (mp->form == NULL)
		return;
	f = mp->top + (size_t)(y - mp->hits.body_y);
	if (f > mp->focus || f >= mp->form->nfields)
		return;
	if (f == mp->focus)
		model_action(app, ACT_EDIT);
	else
		mp->focus = f;
	app->dirty |= DIRTY_ALL;
}

/* Up / down move the focus between fields. */
static void
play_move(struct app *app, long d)
{
	struct mpage *mp = &app->mp;
	long n = mp->form ? (long)mp->form->nfields : 0, s;

	if (n == 0)
		return;
	s = (long)mp->focus + d;
	if (s < 0)
		s = 0;
	if (s >= n)
		s = n - 1;
	mp->focus = (size_t)s;
}

void
tab_play_toggle(struct app *app)
{
	if (tab_play_focused(app) && tab_play_focused(app)->kind == SCHEMA_KIND_ENUM)
		open_chooser(app);
	else
		step(app, 1);
}

void
tab_play_step(struct app *app, int dir)
{
	step(app, dir);
}

void
tab_play_reset_field(struct app *app)
{
	struct mpage *mp = &app->mp;

	if (mp->form != NULL && mp->focus < mp->form->nfields) {
		form_reset_index(mp->form, mp->focus);
		form_validate_index(mp->form, mp->focus);
	}
}

void
tab_play_reset_form(struct app *app)
{
	struct mpage *mp = &app->mp;

	if (mp->form != NULL) {
		form_reset(mp->form);
		form_validate(mp->form);
		app_msg(app, "form reset to the defaults");
	}
}

const struct tab_ops play_tab_ops = {
	.title = "Playground",
	.ctx = CTX_FORM,
	.move_by = play_move,
	.open = edit_field,
	.layout = play_layout,
	.draw = play_draw,
	.mouse = play_mouse,
};
