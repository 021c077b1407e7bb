/*
 * tui/view/overlay.h: the overlays' state. The prompt, the field chooser
 * and the quit confirmation live in tui/view/overlay.c, the key help in
 * tui/view/help.c; each is reached through its struct overlay_ops.
 */
#ifndef PG_TUI_VIEW_OVERLAY_H
#define PG_TUI_VIEW_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/keys.h"
#include "widgets/prompt.h"

#define OVERLAY_MSG_MAX	256

/* What a prompt's text is for: who takes it when it closes. */
enum prompt_kind { PK_FILTER, PK_SEARCH, PK_FIELD, PK_PATH, PK_COST,
    PK_HISTORY };

/* The one-line prompt on the status row. */
struct prompt_view {
	struct prompt	 edit;
	enum prompt_kind kind;
	char		 label[128];
	char		 hint[OVERLAY_MSG_MAX];	/* the row above, "" none */
	bool		 selected;	/* the text is selected: a typed
					   character replaces it */
};

/* The list of an enum field's choices. */
struct chooser_view {
	size_t		 sel, top;
};

/* The key help, generated from the binding tables. */
struct help_view {
	int		 top;	/* first line shown; -1: at ctx's section */
	enum key_ctx	 ctx;	/* where help was asked from */
};

struct app;

/* Open the prompt for k with label, the text to edit and a hint. */
void overlay_prompt_open(struct app *app, enum prompt_kind k, const char *label,
    const char *text, bool secret, const char *hint);
/* Select the open prompt's whole text: the first character typed
 * replaces it (the search prompt reopened on its last query). */
void overlay_prompt_select_all(struct app *app);

#endif
