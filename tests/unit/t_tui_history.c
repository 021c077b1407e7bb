/*
 * Unit tests for the TUI's history: the filter prompt's syntax
 * ("model:M status:S target:T words") and the output pane's wrapping by
 * display width (complete: every row counted, none cut).
 */
#include "tui/app.h"

#include <locale.h>
#include <string.h>

#include "tui/view/run_out.h"
#include "tests/unit/t.h"

static void
test_filter(void)
{
	struct history_filter f;
	char buf[HIST_FILTER_MAX * 2 + 8];

	hist_parse_filter("", buf, sizeof buf, &f);
	T_OK(f.model == NULL && f.status == NULL && f.target == NULL &&
	    f.text == NULL);
	hist_parse_filter("model:a/b  red fox status:failed", buf, sizeof buf,
	    &f);
	T_STREQ(f.model, "a/b");
	T_STREQ(f.status, "failed");
	T_OK(f.target == NULL);
	T_STREQ(f.text, "red fox");
	hist_parse_filter("target:server model: x", buf, sizeof buf, &f);
	T_STREQ(f.target, "server");
	T_OK(f.model == NULL);
	T_STREQ(f.text, "model: x");
	/* a tiny buffer: nothing overflows */
	hist_parse_filter("model:abcdefgh words", buf, 8, &f);
	T_OK(f.text == NULL || strlen(f.text) < 4);
}

static void
test_wrap(void)
{
	/* counting only (y < 0): nothing is painted */
	T_EQ(run_out_wrap(-1, 0, 10, 0, 0, "", 0, false), 0);
	T_EQ(run_out_wrap(-1, 0, 10, 0, 0, "abc", 0, false), 1);
	T_EQ(run_out_wrap(-1, 0, 10, 0, 0, "abc\n", 0, false), 1);
	T_EQ(run_out_wrap(-1, 0, 10, 0, 0, "a\nb\nc", 0, false), 3);
	T_EQ(run_out_wrap(-1, 0, 10, 0, 0, "a\n\nc", 0, false), 3);
	/* words wrap at the last space that fits */
	T_EQ(run_out_wrap(-1, 0, 12, 0, 0, "hello there world", 0, false), 2);
	T_EQ(run_out_wrap(-1, 0, 10, 0, 0, "hello there world", 0, false), 3);
	/* a word longer than the width is cut, never lost */
	T_EQ(run_out_wrap(-1, 0, 4, 0, 0, "abcdefghij", 0, false), 3);
	/* wide characters count two cells: 6 of them in 4 cells, 3 rows */
	T_EQ(run_out_wrap(-1, 0, 4, 0, 0,
	    "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
	    "\xe6\x97\xa5", 0, false), 3);
	/* one row a line when not wrapping (paths) */
	T_EQ(run_out_wrap(-1, 0, 4, 0, 0, "abcdefghij\nxy", 0, true), 2);
	/* 40 lines stay 40 rows: nothing is cut at 11 */
	{
		char t[400];
		int i;

		t[0] = '\0';
		for (i = 0; i < 40; i++)
			strcat(t, "item\n");
		T_EQ(run_out_wrap(-1, 0, 20, 0, 0, t, 0, false), 40);
	}
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");	/* display widths (wcwidth) */
	test_filter();
	test_wrap();
	return T_SUMMARY();
}
