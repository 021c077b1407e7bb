/*
 * Unit tests for tui/view/: the tables of views, overlays and tabs are
 * complete, and the update step (app_layout, also run by app_resize)
 * clamps selections and scroll positions and records the hit boxes that
 * clicks read, all without drawing anything. The API tab's format names
 * depend on the page (local or not) only, never on call order.
 */
#include "tui/app.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/t.h"

/* n models "o/mI" into the explorer. */
static void
fill_explorer(struct app *app, size_t n)
{
	struct model_page pg;
	size_t i;
	char name[32];

	memset(&pg, 0, sizeof pg);
	pg.items = calloc(n, sizeof *pg.items);
	pg.n = n;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "m%zu", i);
		pg.items[i].owner = strdup("o");
		pg.items[i].name = strdup(name);
		pg.items[i].run_count = -1;
	}
	explorer_take_page(app, &pg, true);
	free(pg.items);
}

static void
test_tables(void)
{
	static const struct tab_ops *const tabs[] = { &play_tab_ops,
		&api_tab_ops, &examples_tab_ops, &cost_tab_ops,
		&info_tab_ops };
	size_t i, j;
	int v;

	for (v = 0; v < VIEW__COUNT; v++) {
		const struct view_ops *o = view_ops_of(v);

		T_OK(o != NULL && o->name != NULL);
		T_OK(o->ctx != NULL && o->action != NULL && o->event != NULL);
		T_OK(o->layout != NULL && o->draw != NULL && o->title != NULL);
	}
	T_OK(view_overlay_ops_of(OV_NONE) == NULL);
	for (v = OV_HELP; v <= OV_CHOOSE; v++) {
		const struct overlay_ops *o = view_overlay_ops_of(v);

		T_OK(o != NULL && o->key != NULL && o->draw != NULL);
	}
	T_OK(view_overlay_ops_of(OV_HELP)->covers_body);
	T_OK(view_overlay_ops_of(OV_PROMPT)->on_status_row);
	T_EQ(sizeof tabs / sizeof tabs[0], MTAB__COUNT);
	for (i = 0; i < MTAB__COUNT; i++) {
		T_OK(tabs[i]->title != NULL && tabs[i]->draw != NULL);
		for (j = 0; j < i; j++) {
			T_OK(strcmp(tabs[i]->title, tabs[j]->title) != 0);
			T_OK(tabs[i]->ctx != tabs[j]->ctx);
		}
	}
}

static void
test_explorer_layout(struct app *app)
{
	struct explorer *ex = &app->ex;

	app->view = VIEW_EXPLORER;
	fill_explorer(app, 50);
	T_EQ(explorer_count(app), 50);
	ex->sel = 49;
	app_resize(app, 24, 80);
	/* body 22 rows: the heading, the column titles, 20 list rows */
	T_EQ(ex->hits.list_y, 3);
	T_EQ(ex->hits.list_rows, 20);
	T_EQ(ex->hits.list_w, 80);
	T_EQ(ex->top, 30);
	ex->sel = 1000;
	app_layout(app);
	T_EQ(ex->sel, 49);
	ex->sel = 0;
	app_layout(app);
	T_EQ(ex->top, 0);
	/* a click on the third row selects it; off the list, nothing */
	app_mouse(app, 5, 10, 0);
	T_EQ(ex->sel, 2);
	app_mouse(app, 2, 10, 0);
	T_EQ(ex->sel, 2);
	/* a smaller terminal: the selection stays in view */
	ex->sel = 49;
	app_resize(app, 10, 80);
	T_EQ(ex->hits.list_rows, 6);
	T_EQ(ex->top, 44);
	/* wide: the details pane takes two fifths */
	app_resize(app, 24, 120);
	T_EQ(ex->hits.list_w, 72);
	explorer_clear(app);
	T_EQ(explorer_count(app), 0);
	app_layout(app);
	T_EQ(ex->sel, 0);
}

static void
test_model_tabs(struct app *app)
{
	struct mpage *mp = &app->mp;

	app->view = VIEW_MODEL;
	snprintf(mp->owner, sizeof mp->owner, "o");
	snprintf(mp->name, sizeof mp->name, "m");
	app_resize(app, 24, 80);
	T_EQ(mp->hits.tabs_y, 2);
	T_EQ(mp->hits.tab_x[0], 1);
	T_EQ(mp->hits.tab_w[0], 14);	/* " 1 Playground " */
	T_EQ(mp->hits.body_y, 4);
	T_EQ(mp->hits.body_rows, 19);
	app_mouse(app, 2, mp->hits.tab_x[MTAB_COST] + 1, 0);
	T_EQ(mp->tab, MTAB_COST);
	/* 40 columns: titles cut to 4, "5 Info" does not fit */
	app_resize(app, 12, 40);
	T_EQ(mp->hits.tab_w[0], 8);	/* " 1 Play " */
	T_EQ(mp->hits.tab_w[MTAB_INFO], 0);
	app_mouse(app, 2, 38, 0);
	T_EQ(mp->tab, MTAB_COST);
	app_mouse(app, 2, mp->hits.tab_x[MTAB_API], 0);
	T_EQ(mp->tab, MTAB_API);
	/* too small: nothing is laid out, nothing is clicked */
	app_resize(app, 5, 20);
	T_OK(app->too_small);
}

static void
test_run_and_help(struct app *app)
{
	int top;

	app->view = VIEW_RUN;
	app->nruns = 2;
	app->runv.cur = 7;
	app_resize(app, 24, 80);
	T_EQ(app->runv.cur, 1);
	/* C cancel is hinted while the shown run is in flight only */
	T_OK(run_view_ops.hint_ok != NULL);
	app->runs[1].done = false;
	T_OK(run_view_ops.hint_ok(app, ACT_CANCEL_RUN));
	app->runs[1].done = true;
	T_OK(!run_view_ops.hint_ok(app, ACT_CANCEL_RUN));
	T_OK(run_view_ops.hint_ok(app, ACT_RUN_AGAIN));
	app->runs[1].done = false;
	app->nruns = 0;

	app->overlay = OV_HELP;
	app->help.ctx = CTX_RUN;
	app->help.top = -1;
	app_layout(app);
	T_OK(app->help.top > 0);	/* at the run view's section */
	top = app->help.top;
	app->help.top = 100000;
	app_layout(app);
	T_OK(app->help.top >= top && app->help.top < 100000);
	top = app->help.top;
	app_layout(app);
	T_EQ(app->help.top, top);	/* the update step is idempotent */
	app->overlay = OV_NONE;
}

static void
test_api_names(void)
{
	/* the same answer whichever was asked first */
	T_STREQ(tab_api_format_name(true, 0), "curl-cog");
	T_STREQ(tab_api_format_name(false, 0), "curl");
	T_STREQ(tab_api_format_name(true, 0), "curl-cog");
	T_STREQ(tab_api_format_name(true, 1), "cog");
	T_STREQ(tab_api_format_name(false, API_FORMATS), "?");
}

/* + and - step by multipleOf, else 1 for integers, else a round
 * hundredth of the range, else 0.1 (issue 16, item 7). */
static void
test_step_of(void)
{
	struct schema_field f;

	memset(&f, 0, sizeof f);
	f.kind = SCHEMA_KIND_INTEGER;
	T_OK(tab_play_step_of(&f) == 1);		/* width 512 -> 513 */
	f.has_multiple_of = true;
	f.multiple_of = 64;
	T_OK(tab_play_step_of(&f) == 64);		/* -> 576 */
	memset(&f, 0, sizeof f);
	f.kind = SCHEMA_KIND_NUMBER;
	T_OK(tab_play_step_of(&f) == 0.1);		/* unbounded */
	f.has_min = f.has_max = true;
	f.minimum = 1;
	f.maximum = 20;
	T_OK(tab_play_step_of(&f) > 0.0999 && tab_play_step_of(&f) < 0.1001);
	f.minimum = 0;
	f.maximum = 1;
	T_OK(tab_play_step_of(&f) > 0.00999 && tab_play_step_of(&f) < 0.01001);
	f.has_multiple_of = true;
	f.multiple_of = 0.25;
	T_OK(tab_play_step_of(&f) == 0.25);
}

/* The README as the Info tab shows it: links and images written out,
 * control characters dropped, a link cut by a newline left alone. */
static void
test_readme_text(void)
{
	static const char md[] = "# Title\r\n\nSee [the paper](https://"
	    "arxiv.org/abs/1) and ![a cat](https://x/cat.png).\n\x1b[31m"
	    "red\tok [not\n](a link)";
	char *t = tab_info_readme(md, sizeof md - 1);

	T_STREQ(t, "# Title\n\nSee the paper <https://arxiv.org/abs/1> and "
	    "[image: a cat] <https://x/cat.png>.\n[31mred    ok [not\n](a "
	    "link)");
	free(t);
	t = tab_info_readme("", 0);
	T_STREQ(t, "");
	free(t);
}

int
main(void)
{
	struct app *app = calloc(1, sizeof *app);

	test_tables();
	test_explorer_layout(app);
	test_model_tabs(app);
	test_run_and_help(app);
	test_api_names();
	test_readme_text();
	test_step_of();
	free(app);
	return T_SUMMARY();
}
