/*
 * tui/view/model.h: the model page's state and its tabs. The page shell
 * (tui/view/model.c) owns the model, its schema and form, the tab bar and
 * the page's requests; each tab is one file that owns its drawing and its
 * keys: tab_play.c (the form), tab_api.c, tab_examples.c, tab_cost.c,
 * tab_info.c. The shell reaches a tab through its struct tab_ops.
 */
#ifndef PG_TUI_VIEW_MODEL_H
#define PG_TUI_VIEW_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "client/cost/cost.h"
#include "client/forms/form.h"
#include "client/forms/schema.h"
#include "client/forms/schema_diff.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"
#include "tui/keys.h"
#include "tui/view/view.h"

#define MPAGE_MSG_MAX	256

/* Model page tabs, as on Replicate, in the order of the tab bar and of
 * ACT_TAB_PLAY..ACT_TAB_INFO; each one's title is in its struct tab_ops. */
enum mtab {
	MTAB_PLAY,
	MTAB_API,
	MTAB_EXAMPLES,
	MTAB_COST,
	MTAB_INFO,
	MTAB__COUNT
};

/* The cost tab's rows: the calculator inputs first, then one row per
 * hardware tier of the price table (row COST_ROW__INPUTS + i is tier i). */
enum cost_row {
	COST_ROW_SECONDS,	/* predict seconds per run */
	COST_ROW_RUNS,		/* runs in the batch */
	COST_ROW_RPH,		/* deployment: requests per hour */
	COST_ROW_MIN_INSTANCES,	/* deployment: min instances */
	COST_ROW__INPUTS
};

struct cost_state {
	struct cost_table table;
	bool		 loaded;
	char		 error[MPAGE_MSG_MAX];
	size_t		 sel;		/* enum cost_row, or a tier row */
	double		 seconds;	/* predict seconds per run */
	char		 seconds_src[64];	/* where they come from */
	double		 runs;		/* batch runs */
	double		 rph;		/* deployment: requests per hour */
	unsigned	 min_instances;
};

/* A local file uploaded (POST /v1/files) before a Replicate run. */
struct upload {
	char		*path;
	char		*url;		/* urls.get once done */
	unsigned	 req;		/* in flight, or 0 */
};

/* Where the last layout put the page (for clicks). */
struct mpage_hits {
	int		 tabs_y;	/* row of the tab bar, -1 none */
	int		 tab_x[MTAB__COUNT], tab_w[MTAB__COUNT];	/* w 0: cut */
	int		 body_y, body_rows;	/* the tab's rows */
};

struct mpage {
	bool		 active;
	bool		 local;		/* a Cog server, not Replicate */
	size_t		 local_idx;
	char		 owner[128], name[128];
	struct model	*model;		/* owned or NULL */
	unsigned	 req_model, req_examples, req_openapi;
	unsigned	 req_versions;	/* a 404 here: an official model */
	unsigned	 req_readme;
	char		*readme;	/* for the Info tab (tab_info_readme()),
					   owned, or NULL */
	char		 readme_error[MPAGE_MSG_MAX];
	/* the selected example's output image (tab_examples.c) */
	struct image	*ex_img;	/* owned or NULL */
	unsigned	 req_ex_img;
	char		 ex_img_url[512];	/* fetched or being fetched */
	char		 ex_img_error[MPAGE_MSG_MAX];
	bool		 official;	/* runs by model, not by version */
	char		 error[MPAGE_MSG_MAX];
	struct schema	 schema;
	bool		 have_schema;
	char		 schema_error[MPAGE_MSG_MAX];
	struct form	*form;
	struct schema_diff diff;	/* since the version first shown */
	char		 diff_from[80];	/* that version's id */
	size_t		 focus, top;	/* Playground: field, first shown */
	enum mtab	 tab;
	struct prediction_page *examples;	/* owned */
	size_t		 ex_sel;
	int		 info_top, api_top;
	int		 api_fmt;	/* index into the API tab's formats */
	struct cost_state cost;
	struct upload	*uploads;
	size_t		 nuploads;
	bool		 run_waiting;	/* Ctrl-R waits for uploads */
	struct mpage_hits hits;		/* from the last layout */
};

struct app;

/* One tab of the model page. Any pointer may be NULL. */
struct tab_ops {
	const char	*title;
	enum key_ctx	 ctx;
	/* Move the tab's selection or scroll by d rows (large d: to an end). */
	void		(*move_by)(struct app *app, long d);
	/* Enter / e on the tab. */
	void		(*open)(struct app *app);
	/* + / - on the tab (NULL: the Playground's focused field steps). */
	void		(*step)(struct app *app, int dir);
	void		(*layout)(struct app *app, int y, int h);
	void		(*draw)(const struct app *app, int y, int h,
			    struct frame *fr);
	void		(*mouse)(struct app *app, int y, int x);
};

/* The README's Markdown (len bytes, at most MPAGE_README_MAX read) as the
 * Info tab shows it: links written out ("text <url>", images "[image:
 * alt] <url>"), control characters dropped. Heap; never NULL. */
#define MPAGE_README_MAX	(64 * 1024)
char *tab_info_readme(const char *md, size_t len);

extern const struct tab_ops play_tab_ops, api_tab_ops, examples_tab_ops,
    cost_tab_ops, info_tab_ops;

/* ---- model.c: the page shell */
/* Open the page of OWNER/NAME (model, versions, examples requests); what
 * the explorer already has shows at once. */
void model_open(struct app *app, const char *owner, const char *name);
/* Open the page of local server idx (its OpenAPI schema). */
void model_open_local(struct app *app, size_t idx);
/* Leave the page: cancel its requests, free the model and form (the
 * price table stays loaded). */
void model_close(struct app *app);
/* Take m (owned): show it, and its schema when the version changed. */
void model_set_model(struct app *app, struct model *m);
/* A new OpenAPI schema: rebuild the form, keeping typed values; a second
 * schema (a new version) records what changed for the Info tab. */
void model_set_schema_text(struct app *app, const char *json, size_t len);
/* A bound key on the page. */
void model_action(struct app *app, enum action a);
/* Example i of the Examples tab (the listing, else the model's default
 * example as 0), or NULL; borrowed from the page. */
const struct prediction *model_example_at(const struct app *app, size_t i);

/* ---- tab_play.c: the form */
/* The field prompt (text, path) or a cost prompt was closed. */
void tab_play_prompt_done(struct app *app, bool ok);
/* Tab in the path prompt: complete the file name. */
void tab_play_prompt_complete(struct app *app);	/* tab_play_complete.c */
/* The focused field of the Playground, NULL when none. */
const struct schema_field *tab_play_focused(const struct app *app);
/* Is f an array of files (edited as a comma list)? */
bool tab_play_is_file_array(const struct schema_field *f);
/* The enum chooser was closed (ok: a choice was taken). */
void tab_play_choose_done(struct app *app, bool ok);
/* $EDITOR exited (ok: status 0): read the field back. */
void tab_play_editor_done(struct app *app, bool ok);
/* Ctrl-R: validate, upload big local files first, start the run. */
void tab_play_run_form(struct app *app);
/* Space: enums open the chooser, other kinds step. */
void tab_play_toggle(struct app *app);
/* + / -: step the focused field's number, boolean or choice. */
void tab_play_step(struct app *app, int dir);
/* The step of + and - on number field f (the hint says it): its
 * multipleOf, else 1 for an integer, else a power of ten near a
 * hundredth of its range (0..1 steps by 0.01, 1..20 by 0.1), else 0.1. */
double tab_play_step_of(const struct schema_field *f);
/* Ctrl-E: edit the focused field in $EDITOR. */
void tab_play_editor_start(struct app *app);
/* Reset the focused field / the whole form to the defaults. */
void tab_play_reset_field(struct app *app);
void tab_play_reset_form(struct app *app);

/* ---- tab_api.c: the form as commands */
#define API_FORMATS 4
/* The name of format fmt of the API tab of a local or remote model. */
const char *tab_api_format_name(bool local, int fmt);
/* The current form in format fmt (malloc'd), or NULL with err set. */
char *tab_api_text(const struct app *app, int fmt, char *err,
    size_t errsz);
/* Put the current format's text on the clipboard (OSC 52). */
void tab_api_copy(struct app *app);
/* Next / previous format (dir +1 / -1). */
void tab_api_cycle_format(struct app *app, int dir);

/* ---- tab_examples.c */
/* Load the selected example's input into the form. */
void tab_examples_load(struct app *app);
/* The Examples tab shows an example whose image is not asked for yet
 * (the next layout asks): the screen is not final. */
bool tab_examples_busy(const struct app *app);
/* The example image's download answered: true when it was ours. */
bool tab_examples_event(struct app *app, struct client_event *ev);

/* ---- tab_cost.c */
/* Load the price table once; take the seconds from the model's example. */
void tab_cost_defaults(struct app *app);
/* The cost prompt was submitted: check and take the typed value. */
void tab_cost_prompt_done(struct app *app);

#endif
