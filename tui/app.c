/*
 * tui/app.c: the state's life cycle and the dispatch of input: keys go to
 * the open overlay (prompt, chooser, help, quit confirmation) or, through
 * the key tables (tui/keys.c), to the global actions and then the current
 * view's action handler; clicks to the view's hit boxes; the update step
 * (app_layout) to the views' layouts. The views live in tui/view/ and are
 * reached only through their tables of operations (tui/view/view.h).
 */
#include "tui/app.h"

#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "client/files/files.h"
#include "render/render.h"
#include "tui/draw.h"
#include "tui/term.h"
#include "widgets/kb.h"
#include "widgets/tw.h"

/* Set the status message; it expires after 4 s unless an error (or
 * the clock is frozen for tests), then the next key clears it. */
static void
vmsg(struct app *app, bool error, const char *fmt, va_list ap)
{
	vsnprintf(app->msg, sizeof app->msg, fmt, ap);
	app->msg_error = error;
	/* with a frozen clock (tests) a message stays until the next key */
	app->msg_until_ms = error || clock_frozen() ? 0 :
	    clock_mono_ms() + 4000;
	app->msg_sticky = clock_frozen() && !error;
	app->msg_run = 0;
	app->msg_local = -1;
	app->dirty |= DIRTY_STATUS;
}

void
app_msg_about_run(struct app *app, unsigned seq)
{
	app->msg_run = seq;
}

void
app_msg_about_local(struct app *app, size_t idx)
{
	const struct local_target *lt;

	if (idx >= app->nlocals)
		return;
	lt = &app->locals[idx];
	app->msg_local = (int)idx;
	app->msg_health = lt->health ? (int)lt->health->state : -1;
	app->msg_dock = (int)dock_state_of(lt);
}

/* Update step of the status line: a message about a run that has ended
 * says how it ended; one about a server's state goes when it changes
 * ("the Cog server is STARTING" does not stay once it is READY, "started:
 * booting" once the container's server answers). */
static void
msg_follow_state(struct app *app)
{
	size_t i;

	if (app->msg[0] == '\0')
		return;
	if (app->msg_run != 0) {
		for (i = 0; i < app->nruns; i++) {
			const struct run *r = &app->runs[i];

			if (r->seq != app->msg_run || !r->done)
				continue;
			app_msg(app, "run #%u %s", r->seq, r->have_pred ?
			    prediction_status_name(r->pred.status) :
			    r->unsent_canceled ? "canceled" : "failed");
			break;
		}
	}
	if (app->msg_local >= 0 && (size_t)app->msg_local < app->nlocals) {
		const struct local_target *lt = &app->locals[app->msg_local];

		if ((lt->health ? (int)lt->health->state : -1) !=
		    app->msg_health || (int)dock_state_of(lt) != app->msg_dock) {
			app->msg[0] = '\0';
			app->msg_error = false;
			app->msg_sticky = false;
			app->msg_until_ms = 0;
			app->msg_local = -1;
			app->dirty |= DIRTY_STATUS;
		}
	}
}

void
app_msg(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(app, false, fmt, ap);
	va_end(ap);
}

void
app_error(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(app, true, fmt, ap);
	va_end(ap);
}

void
app_local_label(const struct app *app, size_t idx, char *buf, size_t n)
{
	const char *u, *p;

	if (n == 0)
		return;
	buf[0] = '\0';
	if (idx >= app->nlocals)
		return;
	if (app->locals[idx].image != NULL) {	/* a Docker image: its ref */
		xsnprintf(buf, n, "%s", app->locals[idx].image);
		return;
	}
	if (app->locals[idx].url == NULL)
		return;
	u = app->locals[idx].url;
	p = strstr(u, "://");
	if (p != NULL)
		u = p + 3;
	xsnprintf(buf, n, "%.*s", (int)strcspn(u, "/?#"), u);
}

void
app_local_title(const struct app *app, size_t idx, char *buf, size_t n)
{
	size_t l;

	app_local_label(app, idx, buf, n);
	l = strlen(buf);
	if (idx < app->nlocals && app->locals[idx].image == NULL &&
	    app->locals[idx].served_image[0] != '\0' && l + 1 < n)
		xsnprintf(buf + l, n - l, " \xc2\xb7 %s",
		    app->locals[idx].served_image);
}

/*
 * OSC 52: the terminal puts base64 text on the clipboard (works over SSH).
 * The text is often untrusted (a model's output, schema defaults): it goes
 * through the screen's sanitiser, line by line, so a paste carries no ESC,
 * BEL, C1 or bidi controls; newlines and tabs stay.
 */
void
app_copy(struct app *app, const char *text)
{
	size_t n = strlen(text), o = 0, i = 0, seg, clean;
	char *safe, *out;

	if (n > 100000) {
		app_error(app, "too long to copy (%zu bytes)", n);
		return;
	}
	safe = xcalloc(1, n * TW_EXPAND + 1);
	while (i < n) {
		seg = strcspn(text + i, "\n\t");
		o += tw_sanitize(text + i, seg, safe + o, n * TW_EXPAND + 1 - o,
		    0);
		i += seg;
		if (i < n)
			safe[o++] = text[i++];
	}
	safe[o] = '\0';
	clean = o;
	out = xcalloc(1, files_base64_len(clean) + 16);
	o = (size_t)sprintf(out, "\033]52;c;");
	o += files_base64_encode(safe, clean, out + o);
	out[o++] = '\a';
	out[o] = '\0';
	free(safe);
	free(app->osc52);
	app->osc52 = out;
	app_msg(app, "copied %zu bytes to the clipboard (OSC 52)", clean);
}

/* A theme file's path rather than a shipped theme's name. */
static bool
theme_is_path(const char *spec)
{
	size_t n = strlen(spec);

	return strchr(spec, '/') != NULL ||
	    (n > 6 && strcmp(spec + n - 6, ".theme") == 0);
}

int
app_theme_load(const char *spec, struct theme *th, char *err, size_t errsz)
{
	char msg[256], *text;
	const char *base;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (spec == NULL || spec[0] == '\0')
		spec = "dark";
	if (!theme_is_path(spec))
		return theme_builtin(spec, th, err, errsz);
	if ((fp = fopen(spec, "rb")) == NULL) {
		snprintf(err, errsz, "%s: %s", spec, strerror(errno));
		return -1;
	}
	/* one byte over the limit, so theme_parse() can say it is too big */
	text = xcalloc(1, THEME_MAX_BYTES + 2);
	len = fread(text, 1, THEME_MAX_BYTES + 1, fp);
	if (ferror(fp)) {
		snprintf(err, errsz, "%s: %s", spec, strerror(errno ? errno :
		    EIO));
		fclose(fp);
		free(text);
		return -1;
	}
	fclose(fp);
	/* roles the file leaves out keep the dark theme's styles */
	if (theme_builtin("dark", th, err, errsz) != 0) {
		free(text);
		return -1;
	}
	base = strrchr(spec, '/') ? strrchr(spec, '/') + 1 : spec;
	xsnprintf(th->name, sizeof th->name, "%.*s", (int)(strcspn(base,
	    ".") < THEME_NAME_MAX ? strcspn(base, ".") : THEME_NAME_MAX - 1),
	    base);
	rc = theme_parse(text, len, th, msg, sizeof msg);
	free(text);
	if (rc != 0) {
		snprintf(err, errsz, "%s:%s", spec, msg);
		return -1;
	}
	return 0;
}

/* What the graphics detection warns of (tmux without allow-passthrough:
 * images as blocks) goes on the status line at start, as `r8play show`
 * prints it, and stays until a key. A test script cannot ask a terminal;
 * the environment's part of the detection ($TMUX, $STY, R8PLAY_GRAPHICS)
 * still gives its note, which is what a multiplexer that passes nothing
 * through gives too. */
static void
graphics_note(struct app *app)
{
	if (app->script_mode && app->det.note[0] == '\0') {
		struct detect_result d;
		struct detect_env env;
		char err[128];

		detect_env_load(&env);
		detect_run(-1, &env, 0, &d, err, sizeof err);
		xsnprintf(app->det.note, sizeof app->det.note, "%s", d.note);
	}
	if (app->det.note[0] != '\0')
		app_error(app, "%s", app->det.note);
}

int
app_add_local(struct app *app, const char *url, char *err, size_t errsz)
{
	struct cog_config cc;
	struct local_target *lt = &app->locals[app->nlocals];

	if (app->nlocals == APP_MAX_LOCALS) {
		snprintf(err, errsz, "at most %d local servers", APP_MAX_LOCALS);
		return -1;
	}
	memset(&cc, 0, sizeof cc);
	cc.base = url;
	cc.webhooks = true;
	lt->url = xstrdup(url);
	lt->cog = cog_new(app->client, &cc, err, errsz);
	if (lt->cog == NULL) {
		/* without webhooks the run still completes (sync) */
		cc.webhooks = false;
		lt->cog = cog_new(app->client, &cc, err, errsz);
	}
	if (lt->cog == NULL) {
		free(lt->url);
		lt->url = NULL;
		return -1;
	}
	app->nlocals++;
	net_health(app, app->nlocals - 1);
	return 0;
}

int
app_init(struct app *app, const struct app_options *o, char *err,
    size_t errsz)
{
	struct client_config cfg;
	size_t i;

	memset(app, 0, sizeof *app);
	app->msg_local = -1;
	app->demo_hint = getenv("R8PLAY_DEMO") != NULL &&
	    getenv("R8PLAY_DEMO")[0] != '\0';
	app->script_mode = o->script_mode;
	app->det = o->det;
	app->pane_row = o->pane_row;
	app->pane_col = o->pane_col;
	app->cell_w = o->det.cell_w > 0 ? o->det.cell_w : FIT_DEFAULT_CELL_W;
	app->cell_h = o->det.cell_h > 0 ? o->det.cell_h : FIT_DEFAULT_CELL_H;
	app->have_token = o->token != NULL && o->token[0] != '\0';
	app->dirty = DIRTY_ALL;
	snprintf(app->output_dir, sizeof app->output_dir, "%s",
	    o->output_dir ? o->output_dir : "r8play-outputs");
	if (app_theme_load(o->theme, &app->theme, err, errsz) != 0)
		return -1;
	client_config_defaults(&cfg);
	cfg.api_base = o->api_base;
	cfg.token = app->have_token ? o->token : NULL;
	cfg.output_dir = app->output_dir;
	app->client = client_new(&cfg, err, errsz);
	if (app->client == NULL)
		return -1;
	snprintf(app->api_base, sizeof app->api_base, "%s",
	    client_api_base(app->client));
	app->rcache = render_cache_new();
	if (images_init(app, err, errsz) != 0)
		return -1;
	hist_open(app, app->have_token ? o->token : NULL);
	for (i = 0; i < o->nlocals && i < APP_MAX_LOCALS; i++)
		if (app_add_local(app, o->locals[i], err, errsz) != 0)
			return -1;
	/* --dev DIR: serve the project, its server is one more local */
	if (o->dev_dir != NULL && dev_view_init(app, o->dev_dir,
	    o->serve_command, err, errsz) != 0)
		return -1;
	if (dock_set_idle_stop(app, o->idle_stop, err, errsz) != 0)
		return -1;
	/* config registry (docker_new() prefers R8PLAY_REGISTRY) */
	xsnprintf(app->dock.registry, sizeof app->dock.registry, "%s",
	    o->registry != NULL ? o->registry : "");
	dock_init(app);	/* Cog images and containers become locals */

	gpu_view_init(app);
	/*
	 * Without a token the explorer lists the catalogue snapshot compiled
	 * in (no network); with one, the first page of GET /v1/models is
	 * asked for now and arrives through the loop.
	 */
	app->ex.snapshot = !app->have_token;
	if (app->ex.snapshot) {
		struct model_page pg;
		char e[APP_MSG_MAX];

		char src[128];

		if (replicate_snapshot_info(src, sizeof src, app->ex.snap_date,
		    sizeof app->ex.snap_date) != 0)
			app->ex.snap_date[0] = '\0';
		if (replicate_snapshot_models(&pg, e, sizeof e) == CLIENT_OK) {
			explorer_take_page(app, &pg, true);
			replicate_model_page_done(&pg);
		} else
			snprintf(app->ex.error, sizeof app->ex.error,
			    "snapshot: %.200s", e);
		explorer_refilter(app);
	} else
		explorer_load_more(app);

	if (o->open_model != NULL) {
		char owner[128], name[128], ver[128];

		if (replicate_ref_split(o->open_model, owner, sizeof owner,
		    name, sizeof name, ver, sizeof ver) != 0) {
			snprintf(err, errsz, "'%s' is not OWNER/NAME",
			    o->open_model);
			return -1;
		}
		model_open(app, owner, name);
	} else if (app->devv.d != NULL) {
		/* r8play --dev DIR: the project's playground */
		model_open_local(app, app->devv.local_idx);
	} else if (app->nlocals > 0) {
		/* r8play --local URL: straight to that server's playground
		 * (Esc shows the explorer, the server listed first) */
		model_open_local(app, 0);
	}
	graphics_note(app);
	/* Replicate runs a past session left in flight (same API) are
	 * followed again */
	hist_resume(app);
	return 0;
}

void
app_done(struct app *app)
{
	size_t i;

	runs_free_all(app);
	gpu_view_done(app);
	dev_view_done(app);
	model_close(app);
	hist_view_done(app);
	hist_close(app);
	explorer_clear(app);
	for (i = 0; i < app->nlocals; i++)
		target_local_done(&app->locals[i]);
	dock_done(app);
	app->nlocals = 0;
	client_free(app->client);
	app->client = NULL;
	images_done(app);
	render_cache_free(app->rcache);
	app->rcache = NULL;
	free(app->osc52);
	app->osc52 = NULL;
}

size_t
app_runs_in_flight(const struct app *app)
{
	size_t i, n = 0;

	for (i = 0; i < app->nruns; i++)
		if (!app->runs[i].done)
			n++;
	return n;
}

enum key_ctx
app_ctx(const struct app *app)
{
	switch (app->overlay) {
	case OV_PROMPT:
		return CTX_PROMPT;
	case OV_CONFIRM_QUIT:
	case OV_CONTAINERS:
	case OV_GPU_CPU:
		return CTX_CONFIRM;
	case OV_HELP:
		return CTX_HELP;
	case OV_PULL:
		return CTX_PULL;
	default:
		break;
	}
	return view_ops_of(app->view)->ctx(app);
}

/* q: quit at once, or ask first when runs are still in flight. */
static void
ask_quit(struct app *app)
{
	if (dock_ask_quit(app))
		return;		/* about the containers r8play started */
	if (app_runs_in_flight(app) > 0) {
		app->overlay = OV_CONFIRM_QUIT;
		app->dirty |= DIRTY_ALL;
	} else
		app->quit = true;
}

/* Esc on a screen: the run view goes back to the runs list it was opened
 * from, else to the model page (or the explorer), the model page to the
 * explorer. */
static void
go_back(struct app *app)
{
	switch (app->view) {
	case VIEW_RUN:
		if (app->runv.from_history) {
			app->runv.from_history = false;
			app->view = VIEW_HISTORY;
			break;
		}
		app->view = app->mp.active ? VIEW_MODEL : VIEW_EXPLORER;
		break;
	case VIEW_HISTORY:
		app->view = app->mp.active ? VIEW_MODEL : VIEW_EXPLORER;
		break;
	case VIEW_GPU:
		app->view = app->gpuv.back;
		break;
	case VIEW_COMPARE:
		app->view = app->cmp.back;
		break;
	case VIEW_DEV:
		app->view = app->devv.back;
		break;
	case VIEW_MODEL:
		app->view = VIEW_EXPLORER;
		break;
	case VIEW_EXPLORER:
	default:
		view_ops_of(VIEW_EXPLORER)->action(app, ACT_BACK);
		break;
	}
	app->dirty |= DIRTY_ALL;
}

void
app_key(struct app *app, int key)
{
	const struct overlay_ops *ov = view_overlay_ops_of(app->overlay);
	enum key_ctx ctx;
	enum action a;

	if (key == (KB_FN | KEY_RESIZE) || key < 0)
		return;
	if (app->msg_error || app->msg_sticky) {
		app->msg[0] = '\0';
		app->msg_error = false;
		app->msg_sticky = false;
		app->dirty |= DIRTY_STATUS;
	}
	if (ov != NULL) {
		ov->key(app, key);
		return;
	}
	ctx = app_ctx(app);
	a = keys_lookup(ctx, key);
	switch (a) {
	case ACT_NONE:
		return;
	case ACT_QUIT:
		ask_quit(app);
		return;
	case ACT_HELP:
		app->overlay = OV_HELP;
		app->help.top = -1;	/* at the section of this context */
		app->help.ctx = ctx;
		app->dirty |= DIRTY_ALL;
		return;
	case ACT_REDRAW:
		app->dirty |= DIRTY_ALL | DIRTY_IMAGE;
		app->shown.on = false;
		if (!app->script_mode)
			clearok(curscr, TRUE);
		return;
	case ACT_RUNS:
		hist_view_show(app);
		return;
	case ACT_GPU:
		gpu_view_open(app);
		return;
	case ACT_DEV_OUTPUT:
		dev_view_open(app);
		return;
	case ACT_BACK:
		if (app->view != VIEW_EXPLORER) {
			go_back(app);
			return;
		}
		break;
	default:
		break;
	}
	view_ops_of(app->view)->action(app, a);
}

void
app_mouse(struct app *app, int y, int x, int wheel)
{
	const struct view_ops *v = view_ops_of(app->view);
	int i;

	if (app->overlay != OV_NONE)
		return;
	if (wheel != 0) {
		for (i = 0; i < 3; i++)
			app_key(app, wheel < 0 ? 'k' : 'j');
		return;
	}
	if (v->mouse != NULL)
		v->mouse(app, y, x);
}

void
app_layout(struct app *app)
{
	const struct view_ops *v = view_ops_of(app->view);
	const struct overlay_ops *ov = view_overlay_ops_of(app->overlay);

	msg_follow_state(app);
	app->too_small = app->rows < APP_MIN_ROWS || app->cols < APP_MIN_COLS;
	if (app->too_small)
		return;
	/* the body: between the title bar and the status line */
	if (ov == NULL || !ov->covers_body)
		v->layout(app, 1, app->rows - 2);
	if (ov != NULL && ov->layout != NULL)
		ov->layout(app);
}

void
app_resize(struct app *app, int rows, int cols)
{
	app->rows = rows;
	app->cols = cols;
	/* indices are clamped to the new size; images must be sent again */
	app_layout(app);
	app->shown.on = false;
	app->dirty |= DIRTY_ALL | DIRTY_IMAGE;
	if (app->rcache != NULL)
		render_cache_clear(app->rcache);
}

/* Update step of the retry wait's countdown (app->wait_msg). */
static void
wait_tick(struct app *app, long long now)
{
	char why[APP_MSG_MAX - 32], msg[APP_MSG_MAX];
	long left;

	msg[0] = '\0';
	app->wait_due_ms = 0;
	if (client_retry_wait(app->client, why, sizeof why, &left)) {
		snprintf(msg, sizeof msg, "%s: waiting %lds", why,
		    (left + 999) / 1000);
		app->wait_due_ms = now + left % 1000 + 1;
	}
	if (strcmp(msg, app->wait_msg) != 0) {
		snprintf(app->wait_msg, sizeof app->wait_msg, "%s", msg);
		app->dirty |= DIRTY_STATUS;
	}
}

void
app_tick(struct app *app)
{
	long long now = clock_mono_ms();
	size_t i;
	wait_tick(app, now);

	for (i = 0; i < VIEW__COUNT; i++)
		if (view_ops_of((int)i)->tick != NULL)
			view_ops_of((int)i)->tick(app, now);
	target_tick(app, now);
	for (i = 0; i < app->nlocals; i++)
		if (app->locals[i].next_health_ms != 0 &&
		    now >= app->locals[i].next_health_ms) {
			app->locals[i].next_health_ms = 0;
			net_health(app, i);
		}
	if (app->msg_until_ms != 0 && now >= app->msg_until_ms) {
		app->msg_until_ms = 0;
		app->msg[0] = '\0';
		app->dirty |= DIRTY_STATUS;
	}
	/* elapsed times and spinners move while runs are in flight */
	if (app_runs_in_flight(app) > 0 && !clock_frozen())
		app->dirty |= DIRTY_STATUS | DIRTY_FORM;
}

/* The smaller of cur and the time until due (0: no timer). */
static int
min_due(int cur, long long due, long long now)
{
	long long d;

	if (due == 0)
		return cur;
	d = due - now;
	if (d < 0)
		d = 0;
	if (cur < 0 || d < cur)
		return (int)d;
	return cur;
}

int
app_timeout_ms(const struct app *app, int max_ms)
{
	long long now = clock_mono_ms();
	int t = max_ms;
	size_t i;

	for (i = 0; i < VIEW__COUNT; i++)
		if (view_ops_of((int)i)->due_ms != NULL)
			t = min_due(t, view_ops_of((int)i)->due_ms(app), now);
	for (i = 0; i < app->nlocals; i++)
		t = min_due(t, app->locals[i].next_health_ms, now);
	t = min_due(t, app->msg_until_ms, now);
	t = min_due(t, app->wait_due_ms, now);
	t = min_due(t, dock_due_ms(app), now);
	if (app_runs_in_flight(app) > 0 && !clock_frozen() &&
	    (t < 0 || t > 250))
		t = 250;
	return t;
}

bool
app_idle(const struct app *app)
{
	size_t i;

	if (client_pending(app->client) > 0 || app->editor_pid != 0 ||
	    images_pending(app) > 0)
		return false;
	for (i = 0; i < VIEW__COUNT; i++)
		if (view_ops_of((int)i)->busy != NULL &&
		    view_ops_of((int)i)->busy(app))
			return false;
	for (i = 0; i < app->nruns; i++)
		if (!app->runs[i].done)
			return false;
	for (i = 0; i < app->nlocals; i++)
		if (app->locals[i].req_health != 0 ||
		    (app->locals[i].health != NULL &&
		    app->locals[i].health->state == COG_HEALTH_STARTING))
			return false;
	return true;
}

void
app_child(struct app *app)
{
	int st;
	pid_t p;

	/* only the editor: other children (the --dev server) are reaped by
	 * whoever started them */
	while (app->editor_pid != 0 &&
	    (p = waitpid(app->editor_pid, &st, WNOHANG)) > 0) {
		app->editor_pid = 0;
		term_resume();
		tab_play_editor_done(app, WIFEXITED(st) && WEXITSTATUS(st) == 0);
		app->dirty |= DIRTY_ALL;
	}
}
