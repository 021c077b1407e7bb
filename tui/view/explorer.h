/*
 * tui/view/explorer.h: the explorer's state (the models list, search,
 * collections, the details pane and its cover image) and what other rooms
 * ask of it. The list is drawn and driven by tui/view/explorer.c; the
 * details pane and its cover image by tui/view/explorer_details.c.
 */
#ifndef PG_TUI_VIEW_EXPLORER_H
#define PG_TUI_VIEW_EXPLORER_H

#include <stdbool.h>
#include <stddef.h>

#include "client/replicate/replicate.h"
#include "widgets/prompt.h"

#define EXPLORER_MSG_MAX	256

enum ex_mode { EXM_ALL, EXM_SEARCH, EXM_COLLECTIONS, EXM_COLLECTION };

/* Where the last layout put the list (for clicks): its first row on the
 * screen, how many rows it has and its width. */
struct explorer_hits {
	int	list_y, list_rows, list_w;
};

struct explorer {
	enum ex_mode	 mode;
	bool		 snapshot;	/* no token: the bundled catalogue */
	struct model	*rows;		/* owned */
	size_t		 n, cap;
	struct collection *colls;	/* EXM_COLLECTIONS, owned */
	size_t		 ncolls;
	char		*next;		/* next page URL or NULL */
	unsigned	 req;		/* request in flight or 0 */
	char		 error[EXPLORER_MSG_MAX];
	size_t		*vis;		/* rows passing the filter */
	size_t		 nvis;
	size_t		 sel, top;	/* over locals + visible rows */
	int		 pane;		/* 0 list, 1 details */
	int		 detail_top;
	char		 filter[PROMPT_MAX + 1];
	char		 query[PROMPT_MAX + 1];
	long long	 search_due_ms;	/* debounce deadline, 0 none */
	char		 title[128];	/* collection name */
	char		 snap_date[64];	/* of the bundled snapshot */
	size_t		 saved_sel;	/* selection before search/collection */
	/* what the list showed when the search prompt opened: Esc goes
	 * back to it */
	enum ex_mode	 pre_mode;
	char		 pre_query[PROMPT_MAX + 1];
	size_t		 pre_sel;
	bool		 restore_sel;	/* set sel = pre_sel at the next page */
	struct explorer_hits hits;	/* from the last layout */
	/* cover image of the selected model (explorer_details.c) */
	struct image	*cover;
	char		 cover_for[260];
	char		 cover_error[EXPLORER_MSG_MAX];
	unsigned	 cover_req;
	long long	 cover_due_ms;
};

struct app;
struct client_event;

/* ---- explorer.c: the list's requests */
/* The next page of models (no-op when none or one is loading). */
void explorer_load_more(struct app *app);
/* Search for ex.query (replaces the list when it answers). */
void explorer_search(struct app *app);
/* The list of collections; one collection's models. */
void explorer_load_collections(struct app *app);
void explorer_load_collection(struct app *app, const char *slug,
    const char *name);

/* ---- explorer_rows.c */
/* Rebuild the visible rows from the filter; keeps the selection in range. */
void explorer_refilter(struct app *app);
/* Rows listed: local servers first, then the visible models (or the
 * collections in EXM_COLLECTIONS). */
size_t explorer_count(const struct app *app);
/* The model at visible index i, or NULL for a local entry. */
const struct model *explorer_model_at(const struct app *app, size_t i);
/* Local rows listed (the locals not gone), and the app->locals index of
 * visible row i, or -1 when row i is not a local. */
size_t explorer_local_rows(const struct app *app);
int explorer_local_at(const struct app *app, size_t i);
/* The local section is about to change (a new list from the daemon):
 * remember what is selected; after the change, select it again by its
 * identity (the same local or model), or stay at the same row when it
 * went away. */
struct explorer_keep {
	int		 local;		/* app->locals index, or -1 */
	size_t		 model;		/* rows after the locals */
	size_t		 row;
	bool		 row_only;	/* stay at the row (the first lists) */
};
void explorer_keep_begin(const struct app *app, struct explorer_keep *k);
void explorer_keep_end(struct app *app, const struct explorer_keep *k);
/* Take pg's models (pg keeps nothing); replace: drop the rows first. */
void explorer_take_page(struct app *app, struct model_page *pg, bool replace);
/* Drop every row, collection and the cover; cancel the list request. */
void explorer_clear(struct app *app);
/* The filter or search prompt changed / was closed (ok: Enter). */
void explorer_prompt_changed(struct app *app);
void explorer_prompt_done(struct app *app, bool ok);

/* ---- explorer_details.c: the details pane and the cover image */
struct frame;
/* Paint the pane in the box at (y, x), h x w; the cover goes to fr. */
void explorer_details_draw(const struct app *app, int y, int x, int h,
    int w, struct frame *fr);
/* The selection moved: forget the cover, fetch the new one soon. */
void explorer_cover_changed(struct app *app);
/* Timer: start the fetch once the selection has settled. */
void explorer_cover_tick(struct app *app);
/* A network event: true when it was the cover's. */
bool explorer_cover_event(struct app *app, struct client_event *ev);

#endif
