/*
 * tui/actions.h: every user action, declared once: X(ID, name, help).
 * keys.c binds keys to these per context; the help screen, --list-keys and
 * the README key table are generated from the same tables.
 */
#ifndef PG_TUI_ACTIONS_H
#define PG_TUI_ACTIONS_H

#define ACTION_LIST(X)							\
	X(QUIT,		"quit",		"Quit (asks while runs are in flight)") \
	X(HELP,		"help",		"Show the key bindings")	\
	X(BACK,		"back",		"Back out: close, cancel, go up") \
	X(REDRAW,	"redraw",	"Repaint the whole screen")	\
	X(NEXT,		"next",		"Move to the next item")	\
	X(PREV,		"prev",		"Move to the previous item")	\
	X(PAGE_DOWN,	"page-down",	"Move one page down")		\
	X(PAGE_UP,	"page-up",	"Move one page up")		\
	X(TOP,		"top",		"Go to the first item")		\
	X(BOTTOM,	"bottom",	"Go to the last item")		\
	X(PANE,		"pane",		"Switch to the next pane")	\
	X(PANE_PREV,	"pane-prev",	"Switch to the previous pane")	\
	X(OPEN,		"open",		"Open the selected item")	\
	X(FILTER,	"filter",	"Filter the list shown (local)") \
	X(SEARCH,	"search",	"Search all models as you type") \
	X(COLLECTIONS,	"collections",	"Browse collections")		\
	X(ALL_MODELS,	"all-models",	"Back to the whole catalogue")	\
	X(RELOAD,	"reload",	"Reload from the server")	\
	X(TAB_NEXT,	"tab-next",	"Next tab")			\
	X(TAB_PREV,	"tab-prev",	"Previous tab")			\
	X(TAB_PLAY,	"tab-playground", "Playground tab (the form)")	\
	X(TAB_API,	"tab-api",	"API tab (share as commands)")	\
	X(TAB_EXAMPLES,	"tab-examples",	"Examples tab")			\
	X(TAB_COST,	"tab-cost",	"Cost tab")			\
	X(TAB_INFO,	"tab-info",	"Model info tab")		\
	X(RUN,		"run",		"Run the form")			\
	X(EDIT,		"edit",		"Edit the focused field")	\
	X(EDITOR,	"editor",	"Edit the field in $EDITOR")	\
	X(TOGGLE,	"toggle",	"Toggle a boolean / choose")	\
	X(INC,		"inc",		"Increase a number / next choice") \
	X(DEC,		"dec",		"Decrease a number / prev choice") \
	X(RESET_FIELD,	"reset-field",	"Reset the field to its default") \
	X(RESET_FORM,	"reset-form",	"Reset the whole form")		\
	X(COPY,		"copy",		"Copy to the clipboard (OSC 52)") \
	X(FMT_NEXT,	"format-next",	"Next share-as format")		\
	X(FMT_PREV,	"format-prev",	"Previous share-as format")	\
	X(LOAD_EXAMPLE,	"load-example",	"Load the example into the form") \
	X(RUNS,		"runs",		"Show the runs")		\
	X(HIDE_HINT,	"hide-hint",	"Hide the demo's first-run hint") \
	X(CANCEL_RUN,	"cancel-run",	"Cancel the run")		\
	X(RUN_AGAIN,	"run-again",	"Run again with the same input") \
	X(GPU,		"gpu",		"Show the GPU panel (NVIDIA)")	\
	X(MARK,		"mark",		"Mark the run to compare")	\
	X(COMPARE,	"compare",	"Compare two runs side by side") \
	X(RUN_BOTH,	"run-both",	"Run here and on Replicate, compare") \
	X(RUN_LOCAL,	"run-locally",	"Pull this version, start it locally (Docker)") \
	X(DEV_OUTPUT,	"dev-output",	"Show the --dev server and its output") \
	X(IMG_NEXT,	"image-next",	"Next image output of the run")	\
	X(IMG_PREV,	"image-prev",	"Previous image output of the run") \
	X(FULL,		"full-screen",	"Output pane full screen / back") \
	X(LOGS,		"logs",		"Scroll the logs / the output")	\
	X(OPEN_EXT,	"open-output",	"Open the output ($OPENER, xdg-open)") \
	X(LOAD_INPUT,	"load-input",	"Load the run's input into the form") \
	X(SUBMIT,	"submit",	"Accept the prompt")		\
	X(COMPLETE,	"complete",	"Complete the path")		\
	X(YES,		"yes",		"Answer yes")			\
	X(NO,		"no",		"Answer no")

enum action {
	ACT_NONE,
#define X(id, name, help) ACT_##id,
	ACTION_LIST(X)
#undef X
	ACT__COUNT
};

/* Name ("run") and help line of an action; static, never NULL. */
const char *action_name(enum action a);
const char *action_help(enum action a);

#endif
