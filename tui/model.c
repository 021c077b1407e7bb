/*
 * tui/model.c: the model page. Owns the schema and the form built from it
 * (client/forms/schema.h, client/forms/form.h), editing of each field kind (text in
 * place or in $EDITOR, enums from a list, booleans toggled, numbers
 * stepped within their bounds, files through a path prompt that
 * completes), the tabs, the examples and the cost calculator inputs.
 */
#include "tui/app.h"

#include <dirent.h>
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

void
model_close(struct app *app)
{
	struct mpage *mp = &app->mp;
	struct cost_state keep = mp->cost;

	upload_clear(app);
	if (mp->req_model)
		client_cancel(app->client, mp->req_model);
	if (mp->req_examples)
		client_cancel(app->client, mp->req_examples);
	if (mp->req_openapi)
		client_cancel(app->client, mp->req_openapi);
	if (mp->req_versions)
		client_cancel(app->client, mp->req_versions);
	form_free(mp->form);
	schema_diff_done(&mp->diff);
	schema_done(&mp->schema);
	replicate_model_free(mp->model);
	replicate_prediction_page_free(mp->examples);
	memset(mp, 0, sizeof *mp);
	/* the price table is the same for every model */
	mp->cost.table = keep.table;
	mp->cost.loaded = keep.loaded;
	memcpy(mp->cost.error, keep.error, sizeof mp->cost.error);
	mp->cost.runs = 100;
	mp->cost.rph = 60;
	app->shown.on = app->shown.on;	/* images are cleared when drawn */
}

static void
cost_defaults(struct app *app)
{
	struct cost_state *cs = &app->mp.cost;
	const struct model *m = app->mp.model;

	if (!cs->loaded) {
		char err[APP_MSG_MAX];

		if (cost_table_load(&cs->table, err, sizeof err) != 0)
			snprintf(cs->error, sizeof cs->error, "%s", err);
		cs->loaded = true;
	}
	if (cs->seconds <= 0 && m != NULL && m->default_example != NULL &&
	    m->default_example->metrics.predict_time > 0) {
		cs->seconds = m->default_example->metrics.predict_time;
		xsnprintf(cs->seconds_src, sizeof cs->seconds_src, "%s",
		    cost_seconds_label(COST_SECONDS_EXAMPLE));
	}
	if (cs->runs <= 0)
		cs->runs = 100;
	if (cs->rph <= 0)
		cs->rph = 60;
}

void
model_set_schema_text(struct app *app, const char *json, size_t len)
{
	struct mpage *mp = &app->mp;
	char err[APP_MSG_MAX];
	struct form *old = mp->form;
	struct schema old_schema = mp->schema;
	bool had = mp->have_schema;

	memset(&mp->schema, 0, sizeof mp->schema);
	if (schema_parse(json, len, &mp->schema, err, sizeof err) != 0) {
		mp->schema = old_schema;
		if (!had)
			xsnprintf(mp->schema_error, sizeof mp->schema_error,
			    "schema: %s", err);
		app->dirty |= DIRTY_ALL;
		return;
	}
	mp->have_schema = true;
	mp->schema_error[0] = '\0';
	mp->form = form_new_from_schema(&mp->schema);
	if (mp->form == NULL)
		die("out of memory");
	/* keep what the user typed when the schema is refreshed */
	if (old != NULL) {
		size_t i;

		for (i = 0; i < old->nfields; i++)
			if (old->values[i].set && old->values[i].text)
				form_set(mp->form, old->schema->fields[i].name,
				    old->values[i].text, err, sizeof err);
		form_free(old);
	}
	if (had) {
		/* a new version: say what changed (Info tab) */
		struct schema_diff d;
		char e[APP_MSG_MAX];

		memset(&d, 0, sizeof d);
		if (schema_diff(&old_schema, &mp->schema, &d, e, sizeof e) > 0) {
			schema_diff_done(&mp->diff);
			mp->diff = d;
			xsnprintf(mp->diff_from, sizeof mp->diff_from, "%s",
			    old_schema.version ? old_schema.version : "?");
			app_msg(app, "the model has a new version: %zu input "
			    "change%s (5 Info)", d.n, d.n == 1 ? "" : "s");
		} else
			schema_diff_done(&d);
		schema_done(&old_schema);
	}
	if (mp->focus >= mp->form->nfields)
		mp->focus = 0;
	app->dirty |= DIRTY_ALL;
}

void
model_set_model(struct app *app, struct model *m)
{
	struct mpage *mp = &app->mp;
	const char *old_ver = mp->model && mp->model->latest_version ?
	    mp->model->latest_version->id : NULL;
	bool same = old_ver != NULL && m->latest_version != NULL &&
	    m->latest_version->id != NULL &&
	    strcmp(old_ver, m->latest_version->id) == 0 && mp->have_schema;

	replicate_model_free(mp->model);
	mp->model = m;
	if (!same && m->latest_version != NULL &&
	    m->latest_version->openapi_schema != NULL)
		model_set_schema_text(app, m->latest_version->openapi_schema,
		    strlen(m->latest_version->openapi_schema));
	else if (m->latest_version == NULL && !mp->have_schema)
		snprintf(mp->schema_error, sizeof mp->schema_error,
		    "this model has no runnable version");
	cost_defaults(app);
	app->dirty |= DIRTY_ALL;
}

int
model_visible_fields(const struct app *app)
{
	return app->mp.form ? (int)app->mp.form->nfields : 0;
}

static const struct schema_field *
focused(const struct app *app)
{
	const struct mpage *mp = &app->mp;

	if (mp->form == NULL || mp->focus >= mp->form->nfields)
		return NULL;
	return &mp->schema.fields[mp->focus];
}

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

static void
open_prompt(struct app *app, enum prompt_kind k, const char *label,
    const char *text, bool secret, const char *hint)
{
	app->overlay = OV_PROMPT;
	app->prompt_kind = k;
	xsnprintf(app->prompt_label, sizeof app->prompt_label, "%s", label);
	xsnprintf(app->prompt_hint, sizeof app->prompt_hint, "%s",
	    hint ? hint : "");
	prompt_set(&app->prompt, text, secret);
	app->dirty |= DIRTY_ALL;
}

/* Step a number within its bounds; enums move to the next choice. */
static void
step(struct app *app, int dir)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = focused(app);
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
	if (f->has_multiple_of && f->multiple_of > 0)
		d = f->multiple_of;
	else if (f->kind == SCHEMA_KIND_INTEGER)
		d = 1;
	else if (f->has_min && f->has_max && f->maximum > f->minimum)
		d = (f->maximum - f->minimum) / 100;
	else
		d = 0.1;
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

static void
open_chooser(struct app *app)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = focused(app);
	const char *cur = form_text(mp->form, mp->focus);
	size_t i;

	app->choose_sel = 0;
	for (i = 0; i < f->nchoices; i++)
		if (strcmp(f->choices[i].text, cur) == 0)
			app->choose_sel = i;
	app->choose_top = 0;
	app->overlay = OV_CHOOSE;
	app->dirty |= DIRTY_ALL;
}

void
model_choose_done(struct app *app, bool ok)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = focused(app);

	app->overlay = OV_NONE;
	if (ok && f != NULL && f->nchoices > 0) {
		if (app->choose_sel >= f->nchoices)
			app->choose_sel = f->nchoices - 1;
		set_text(app, mp->focus, f->choices[app->choose_sel].text);
	}
	app->dirty |= DIRTY_ALL;
}

static void
edit_field(struct app *app)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = focused(app);
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
	if (f->kind == SCHEMA_KIND_FILE)
		open_prompt(app, PK_PATH, label, form_text(mp->form, mp->focus),
		    false, "a local path (Tab completes) or an http(s) URL");
	else
		open_prompt(app, PK_FIELD, label, form_text(mp->form, mp->focus),
		    f->kind == SCHEMA_KIND_SECRET,
		    f->kind == SCHEMA_KIND_TEXT ? "E opens $EDITOR for long "
		    "text" : NULL);
}

/* ---- $EDITOR: the loop keeps running while the child has the tty */

static void
editor_start(struct app *app)
{
	struct mpage *mp = &app->mp;
	const struct schema_field *f = focused(app);
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
model_editor_done(struct app *app, bool ok)
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

/* ---- path completion */

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
model_prompt_complete(struct app *app)
{
	struct prompt *p = &app->prompt;
	char dir[PROMPT_MAX + 1], base[PROMPT_MAX + 1], common[256];
	char hint[APP_MSG_MAX];
	const char *slash = strrchr(p->buf, '/');
	size_t blen, nmatch = 0, ho = 0, i;
	char **names = NULL;
	struct dirent *de;
	bool common_dir = false;
	DIR *d;

	if (slash != NULL) {
		size_t dl = (size_t)(slash - p->buf) + 1;

		memcpy(dir, p->buf, dl);
		dir[dl] = '\0';
		snprintf(base, sizeof base, "%s", slash + 1);
	} else {
		snprintf(dir, sizeof dir, "./");
		snprintf(base, sizeof base, "%s", p->buf);
	}
	blen = strlen(base);
	d = opendir(dir);
	if (d == NULL) {
		xsnprintf(app->prompt_hint, sizeof app->prompt_hint,
		    "%s: %s", dir, strerror(errno));
		app->dirty |= DIRTY_STATUS;
		return;
	}
	common[0] = '\0';
	hint[0] = '\0';
	/* the candidates, sorted (readdir order is the filesystem's) */
	while ((de = readdir(d)) != NULL && nmatch < 4096) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_name[0] == '.' && blen == 0)
			continue;
		names = xrealloc(names, (nmatch + 1) * sizeof *names);
		names[nmatch++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, nmatch, sizeof *names, cmp_name);
	for (i = 0; i < nmatch; i++) {
		size_t k;

		if (i == 0) {
			char full[PROMPT_MAX + 300];
			struct stat st;

			xsnprintf(common, sizeof common, "%s", names[0]);
			xsnprintf(full, sizeof full, "%s%s", dir, names[0]);
			common_dir = stat(full, &st) == 0 &&
			    S_ISDIR(st.st_mode);
		} else {
			for (k = 0; common[k] && common[k] == names[i][k]; k++)
				;
			common[k] = '\0';
		}
		if (ho + strlen(names[i]) + 2 < sizeof hint)
			ho += (size_t)snprintf(hint + ho, sizeof hint - ho,
			    "%s%s", ho ? "  " : "", names[i]);
	}
	for (i = 0; i < nmatch; i++)
		free(names[i]);
	free(names);
	if (nmatch == 0) {
		xsnprintf(app->prompt_hint, sizeof app->prompt_hint,
		    "no file starts with '%s'", base);
	} else {
		char out[PROMPT_MAX + 1];

		xsnprintf(out, sizeof out, "%s%s%s",
		    slash ? dir : "", common,
		    nmatch == 1 && common_dir ? "/" : "");
		prompt_set(p, out, false);
		if (nmatch > 1)
			snprintf(app->prompt_hint, sizeof app->prompt_hint,
			    "%s", hint);
		else
			app->prompt_hint[0] = '\0';
	}
	app->dirty |= DIRTY_STATUS;
}

/* ---- cost inputs */

#define COST_INPUTS 4

static void
cost_step(struct app *app, int dir)
{
	struct cost_state *cs = &app->mp.cost;

	switch (cs->sel) {
	case 0:
		cs->seconds = cs->seconds <= 0 ? 1 : cs->seconds *
		    (dir > 0 ? 1.25 : 0.8);
		xsnprintf(cs->seconds_src, sizeof cs->seconds_src, "%s",
		    cost_seconds_label(COST_SECONDS_TYPED));
		cs->seconds = round(cs->seconds * 100) / 100;
		if (cs->seconds < 0.01)
			cs->seconds = 0.01;
		break;
	case 1:
		cs->runs = dir > 0 ? cs->runs * 10 : cs->runs / 10;
		if (cs->runs < 1)
			cs->runs = 1;
		if (cs->runs > 1e9)
			cs->runs = 1e9;
		break;
	case 2:
		cs->rph = dir > 0 ? cs->rph * 2 : cs->rph / 2;
		if (cs->rph < 1)
			cs->rph = 1;
		if (cs->rph > 1e6)
			cs->rph = 1e6;
		break;
	case 3:
		if (dir > 0 && cs->min_instances < 100)
			cs->min_instances++;
		else if (dir < 0 && cs->min_instances > 0)
			cs->min_instances--;
		break;
	default:
		break;
	}
	app->dirty |= DIRTY_FORM;
}

static void
cost_edit(struct app *app)
{
	struct cost_state *cs = &app->mp.cost;
	static const char *const label[COST_INPUTS] = { "seconds per run: ",
		"runs in the batch: ", "requests per hour: ",
		"min instances: " };
	char cur[64];

	if (cs->sel >= COST_INPUTS)
		return;
	switch (cs->sel) {
	case 0:
		snprintf(cur, sizeof cur, "%g", cs->seconds);
		break;
	case 1:
		snprintf(cur, sizeof cur, "%.0f", cs->runs);
		break;
	case 2:
		snprintf(cur, sizeof cur, "%g", cs->rph);
		break;
	default:
		snprintf(cur, sizeof cur, "%u", cs->min_instances);
		break;
	}
	open_prompt(app, PK_COST, label[cs->sel], cur, false, NULL);
}

static void
cost_prompt_done(struct app *app)
{
	struct cost_state *cs = &app->mp.cost;
	double v;

	if (cost_parse_double(app->prompt.buf, &v) != 0 || !(v >= 0)) {
		app_error(app, "'%s' is not a number", app->prompt.buf);
		return;
	}
	switch (cs->sel) {
	case 0:
		if (v <= 0 || v > COST_MAX_SECONDS) {
			app_error(app, "seconds must be > 0 and at most %g",
			    COST_MAX_SECONDS);
			return;
		}
		cs->seconds = v;
		xsnprintf(cs->seconds_src, sizeof cs->seconds_src, "%s",
		    cost_seconds_label(COST_SECONDS_TYPED));
		break;
	case 1:
		if (v < 1 || v > 1e12) {
			app_error(app, "runs must be 1 to 1e12");
			return;
		}
		cs->runs = floor(v);
		break;
	case 2:
		if (v <= 0 || v > COST_MAX_RPH) {
			app_error(app, "requests per hour must be > 0");
			return;
		}
		cs->rph = v;
		break;
	case 3:
		if (v > COST_MAX_INSTANCES) {
			app_error(app, "at most %u instances",
			    COST_MAX_INSTANCES);
			return;
		}
		cs->min_instances = (unsigned)v;
		break;
	default:
		break;
	}
}

void
model_prompt_done(struct app *app, bool ok)
{
	struct mpage *mp = &app->mp;

	app->overlay = OV_NONE;
	if (!ok) {
		app->dirty |= DIRTY_ALL;
		return;
	}
	if (app->prompt_kind == PK_COST)
		cost_prompt_done(app);
	else if (mp->form != NULL && mp->focus < mp->form->nfields)
		set_text(app, mp->focus, app->prompt.buf);
	app->dirty |= DIRTY_ALL;
}

static void
run_form(struct app *app)
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

		if (lt->health == NULL && lt->error[0] != '\0') {
			app_error(app, "%s", lt->error);
			return;
		}
		if (lt->health != NULL && !cog_health_can_predict(lt->health) &&
		    lt->health->state != COG_HEALTH_BUSY) {
			app_error(app, "the Cog server is %s: it cannot run "
			    "predictions", cog_health_name(lt->health->state));
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
	net_run(app, json);
	free(json);
}

static void
move_focus(struct app *app, long d)
{
	struct mpage *mp = &app->mp;
	long n, s;

	switch (mp->tab) {
	case MTAB_PLAY:
		n = mp->form ? (long)mp->form->nfields : 0;
		s = (long)mp->focus + d;
		if (n == 0)
			return;
		if (s < 0)
			s = 0;
		if (s >= n)
			s = n - 1;
		mp->focus = (size_t)s;
		break;
	case MTAB_EXAMPLES:
		n = mp->examples ? (long)mp->examples->n : 0;
		if (n == 0 && mp->model && mp->model->default_example)
			n = 1;
		s = (long)mp->ex_sel + d;
		if (s < 0)
			s = 0;
		if (s >= n)
			s = n > 0 ? n - 1 : 0;
		mp->ex_sel = (size_t)s;
		break;
	case MTAB_COST:
		n = COST_INPUTS + (long)mp->cost.table.n;
		s = (long)mp->cost.sel + d;
		if (s < 0)
			s = 0;
		if (s >= n)
			s = n - 1;
		mp->cost.sel = (size_t)s;
		break;
	case MTAB_INFO:
		mp->info_top += (int)d;
		if (mp->info_top < 0)
			mp->info_top = 0;
		break;
	case MTAB_API:
		mp->api_top += (int)d;
		if (mp->api_top < 0)
			mp->api_top = 0;
		break;
	default:
		break;
	}
	app->dirty |= DIRTY_FORM;
}

const struct prediction *
model_example_at(const struct app *app, size_t i)
{
	const struct mpage *mp = &app->mp;

	if (mp->examples != NULL && mp->examples->n > 0)
		return i < mp->examples->n ? &mp->examples->items[i] : NULL;
	if (i == 0 && mp->model != NULL)
		return mp->model->default_example;
	return NULL;
}

static void
load_example(struct app *app)
{
	struct mpage *mp = &app->mp;
	const struct prediction *p = model_example_at(app, mp->ex_sel);
	char err[APP_MSG_MAX];
	int n;

	if (p == NULL || p->input_json == NULL || mp->form == NULL) {
		app_error(app, "no example to load");
		return;
	}
	form_reset(mp->form);
	n = form_load_example(mp->form, p->input_json, strlen(p->input_json),
	    err, sizeof err);
	if (n < 0) {
		app_error(app, "example: %s", err);
		return;
	}
	form_validate(mp->form);
	mp->tab = MTAB_PLAY;
	mp->focus = 0;
	if (err[0] != '\0' && n >= 0)
		app_msg(app, "example loaded: %d inputs set (%s)", n, err);
	else
		app_msg(app, "example loaded: %d inputs set", n);
	app->dirty |= DIRTY_ALL;
}

void
model_action(struct app *app, enum action a)
{
	struct mpage *mp = &app->mp;
	int page = app->rows / 2 > 1 ? app->rows / 2 : 1;

	switch (a) {
	case ACT_TAB_NEXT:
	case ACT_PANE:
		mp->tab = (enum mtab)((mp->tab + 1) % MTAB__COUNT);
		break;
	case ACT_TAB_PREV:
	case ACT_PANE_PREV:
		mp->tab = (enum mtab)((mp->tab + MTAB__COUNT - 1) %
		    MTAB__COUNT);
		break;
	case ACT_TAB_PLAY:
	case ACT_TAB_API:
	case ACT_TAB_EXAMPLES:
	case ACT_TAB_COST:
	case ACT_TAB_INFO:
		mp->tab = (enum mtab)(a - ACT_TAB_PLAY);
		break;
	case ACT_RUN:
		run_form(app);
		return;
	case ACT_NEXT:
		move_focus(app, 1);
		return;
	case ACT_PREV:
		move_focus(app, -1);
		return;
	case ACT_PAGE_DOWN:
		move_focus(app, page);
		return;
	case ACT_PAGE_UP:
		move_focus(app, -page);
		return;
	case ACT_TOP:
		move_focus(app, -100000);
		return;
	case ACT_BOTTOM:
		move_focus(app, 100000);
		return;
	case ACT_EDIT:
	case ACT_OPEN:
		if (mp->tab == MTAB_PLAY)
			edit_field(app);
		else if (mp->tab == MTAB_COST)
			cost_edit(app);
		else if (mp->tab == MTAB_EXAMPLES)
			load_example(app);
		return;
	case ACT_EDITOR:
		editor_start(app);
		return;
	case ACT_TOGGLE:
		if (focused(app) && focused(app)->kind == SCHEMA_KIND_ENUM)
			open_chooser(app);
		else
			step(app, 1);
		return;
	case ACT_INC:
	case ACT_DEC:
		if (mp->tab == MTAB_COST)
			cost_step(app, a == ACT_INC ? 1 : -1);
		else
			step(app, a == ACT_INC ? 1 : -1);
		return;
	case ACT_RESET_FIELD:
		if (mp->form != NULL && mp->focus < mp->form->nfields) {
			form_reset_index(mp->form, mp->focus);
			form_validate_index(mp->form, mp->focus);
		}
		break;
	case ACT_RESET_FORM:
		if (mp->form != NULL) {
			form_reset(mp->form);
			form_validate(mp->form);
			app_msg(app, "form reset to the defaults");
		}
		break;
	case ACT_LOAD_EXAMPLE:
		load_example(app);
		return;
	case ACT_FMT_NEXT:
	case ACT_FMT_PREV:
		mp->api_fmt = (mp->api_fmt + (a == ACT_FMT_NEXT ? 1 :
		    API_FORMATS - 1)) % API_FORMATS;
		mp->api_top = 0;
		break;
	case ACT_COPY:
		model_copy_api(app);
		return;
	default:
		return;
	}
	app->dirty |= DIRTY_ALL;
}
