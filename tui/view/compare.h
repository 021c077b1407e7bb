/*
 * tui/view/compare.h: two runs side by side (VIEW_COMPARE): time, cost,
 * outputs (images next to each other), logs, and what differs in their
 * inputs. Entry points: m marks runs in the run view and d compares the
 * two marked (or the marked one and the shown one); B on a Replicate model
 * page runs the form there and on the local server (--local) and opens the
 * comparison when both have ended.
 *
 * The drawing works on two const struct run pointers and nothing else of
 * the run list (compare_draw_pair), so runs read back from a history can
 * be shown the same way.
 */
#ifndef PG_TUI_VIEW_COMPARE_H
#define PG_TUI_VIEW_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#define COMPARE_DIFF_MAX	32	/* input keys compared */
#define COMPARE_VALUE_MAX	160	/* bytes of a value shown */
#define COMPARE_CHECK_MS	50	/* B: both ended? */

struct compare_view {
	unsigned	 mark[2];	/* run seqs marked (0: none) */
	unsigned	 seq[2];	/* the runs shown: left, right */
	bool		 waiting;	/* B: open when both have ended */
	int		 back;		/* enum view Esc returns to */
};

/* One input key and its value in each run ("" when absent). */
struct compare_diff {
	char	key[64];
	char	a[COMPARE_VALUE_MAX], b[COMPARE_VALUE_MAX];
	bool	differs;
};

struct app;
struct run;

/* m: mark or unmark run seq (a third mark replaces the older). */
void	compare_mark(struct app *app, unsigned seq);
bool	compare_marked(const struct app *app, unsigned seq);
/* d: open the two marked runs, or the marked one and shown_seq. */
void	compare_open_marked(struct app *app, unsigned shown_seq);
/* Open runs a and b (seqs) side by side. */
void	compare_open(struct app *app, unsigned a, unsigned b);
/* B: run the form on Replicate and on the first local server. */
void	compare_run_both(struct app *app);

/*
 * The inputs of two runs, JSON objects as sent, key by key (keys of a in
 * order, then keys only b has), into out (up to max). Values are the JSON
 * text, strings without their quotes, cut to COMPARE_VALUE_MAX. Returns
 * the number of keys, or (size_t)-1 when either is not a JSON object.
 */
size_t	compare_input_diff(const char *a, const char *b,
	    struct compare_diff *out, size_t max);

/* Paint runs l and r side by side in rows [y, y + h). */
void	compare_draw_pair(const struct app *app, const struct run *l,
	    const struct run *r, int y, int h);

#endif
