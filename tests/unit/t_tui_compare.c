/*
 * Unit tests for tui/view/compare.c and tui/view/gpu.c: the input diff of
 * two runs key by key (nested values, escapes, keys on one side only,
 * malformed input, the bound on keys), the marks of the run view, and the
 * GPU parts without a driver (no strip, no energy line, no cost row).
 */
#include "tui/app.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/t.h"

static void
test_diff(void)
{
	struct compare_diff d[COMPARE_DIFF_MAX];
	size_t n;

	n = compare_input_diff("{\"prompt\": \"a red fox\", \"width\": 512, "
	    "\"tags\": [1, {\"x\": \",\"}], \"s\": \"q\\\"uote\"}",
	    "{ \"width\" : 768, \"prompt\":\"a red fox\", \"seed\": 7 }", d,
	    COMPARE_DIFF_MAX);
	T_EQ(n, 5);
	T_STREQ(d[0].key, "prompt");
	T_STREQ(d[0].a, "a red fox");
	T_OK(!d[0].differs);
	T_STREQ(d[1].key, "width");
	T_STREQ(d[1].a, "512");
	T_STREQ(d[1].b, "768");
	T_OK(d[1].differs);
	T_STREQ(d[2].key, "tags");
	T_STREQ(d[2].a, "[1, {\"x\": \",\"}]");
	T_STREQ(d[2].b, "");
	T_OK(d[2].differs);
	T_STREQ(d[3].a, "q\"uote");
	T_STREQ(d[4].key, "seed");
	T_STREQ(d[4].a, "");
	T_STREQ(d[4].b, "7");

	T_EQ(compare_input_diff("{}", "{}", d, COMPARE_DIFF_MAX), 0);
	T_EQ(compare_input_diff("[1]", "{}", d, COMPARE_DIFF_MAX), (size_t)-1);
	T_EQ(compare_input_diff("{\"a\": 1", "{}", d, COMPARE_DIFF_MAX),
	    (size_t)-1);
	T_EQ(compare_input_diff("{\"a\" 1}", "{}", d, COMPARE_DIFF_MAX),
	    (size_t)-1);
	T_EQ(compare_input_diff("{\"a\": \"x}", "{}", d, COMPARE_DIFF_MAX),
	    (size_t)-1);
	T_EQ(compare_input_diff(NULL, "{}", d, COMPARE_DIFF_MAX), (size_t)-1);
	/* bounded: keys past max are left out */
	T_EQ(compare_input_diff("{\"a\":1,\"b\":2,\"c\":3}", "{\"d\":4}", d,
	    2), 2);
}

static void
test_marks(struct app *app)
{
	size_t i;

	app->nruns = 3;
	for (i = 0; i < 3; i++)
		app->runs[i].seq = (unsigned)i + 1;
	compare_open_marked(app, 1);
	T_OK(app->msg_error);
	T_OK(app->view != VIEW_COMPARE);
	compare_mark(app, 2);
	T_OK(compare_marked(app, 2));
	compare_open_marked(app, 3);
	T_EQ(app->view, VIEW_COMPARE);
	T_EQ(app->cmp.seq[0], 2);
	T_EQ(app->cmp.seq[1], 3);
	app->view = VIEW_RUN;
	compare_mark(app, 1);
	compare_mark(app, 3);	/* a third mark replaces the older */
	T_OK(!compare_marked(app, 2));
	T_OK(compare_marked(app, 1) && compare_marked(app, 3));
	compare_mark(app, 1);	/* unmark */
	T_OK(!compare_marked(app, 1));
	compare_open(app, 3, 3);
	T_OK(app->msg_error);
	T_EQ(app->view, VIEW_RUN);
	app->nruns = 0;
}

static void
test_no_gpu(struct app *app)
{
	char buf[256];

	/* gpu_view_init() without a driver: nothing to show */
	setenv("R8PLAY_NVML_LIB", "/nonexistent/libnvidia-ml.so.1", 1);
	setenv("R8PLAY_CONFIG_DIR", "/nonexistent-r8play-config", 1);
	gpu_view_init(app);
	T_OK(app->gpuv.g == NULL);
	gpu_view_strip(app, buf, sizeof buf, 80);
	T_STREQ(buf, "");
	T_OK(!gpu_view_machine_cell(app, 5, buf, sizeof buf));
	T_STREQ(buf, "");
	app->gpuv.gpu_hour_price = 2.0;	/* a rented box: the row shows */
	T_OK(gpu_view_machine_cell(app, 3.6, buf, sizeof buf));
	T_OK(strstr(buf, "$0.002") != NULL);
	gpu_view_done(app);
}

int
main(void)
{
	struct app *app = calloc(1, sizeof *app);

	test_diff();
	test_marks(app);
	test_no_gpu(app);
	free(app);
	return T_SUMMARY();
}
