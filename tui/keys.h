/*
 * tui/keys.h: key bindings per context, declared once in keys.c. Lookup
 * goes from the specific context up its parent chain to CTX_GLOBAL
 * (e.g. form -> model -> global).
 */
#ifndef PG_TUI_KEYS_H
#define PG_TUI_KEYS_H

#include <stdio.h>

#include "tui/actions.h"

/* X(ID, name, parent) */
#define KEY_CTX_LIST(X)							\
	X(GLOBAL,	"global",	GLOBAL)				\
	X(EXPLORER,	"explorer",	GLOBAL)				\
	X(MODEL,	"model page",	GLOBAL)				\
	X(FORM,		"playground",	MODEL)				\
	X(API,		"api",		MODEL)				\
	X(EXAMPLES,	"examples",	MODEL)				\
	X(COST,		"cost",		MODEL)				\
	X(INFO,		"info",		MODEL)				\
	X(RUN,		"run",		MODEL)				\
	X(GPU,		"gpu",		GLOBAL)				\
	X(COMPARE,	"compare",	GLOBAL)				\
	X(DEV,		"dev server",	GLOBAL)				\
	X(HISTORY,	"history",	GLOBAL)				\
	X(PROMPT,	"prompt",	PROMPT)				\
	X(CONFIRM,	"confirm",	CONFIRM)			\
	X(PULL,		"pull",		PULL)				\
	X(HELP,		"help",		GLOBAL)

enum key_ctx {
#define X(id, name, parent) CTX_##id,
	KEY_CTX_LIST(X)
#undef X
	CTX__COUNT
};

/* The action bound to key in ctx or a parent; ACT_NONE when unbound. */
enum action keys_lookup(enum key_ctx ctx, int key);

#define KEYS_HINTS_MAX	7	/* actions in one status-line hint */

/* Context name ("playground"); static. */
const char *keys_ctx_name(enum key_ctx ctx);

/*
 * The keys bound to act in exactly ctx, joined with " " ("j <Down>"), into
 * out. Returns the number of keys.
 */
int keys_for(enum key_ctx ctx, enum action act, char *out, size_t outsz);

/*
 * One help line per (context, action) with bindings, in table order:
 * calls fn(ctx, keys, act, arg) for each. For the help screen and
 * --list-keys.
 */
void keys_each(void (*fn)(enum key_ctx, const char *, enum action, void *),
    void *arg);

/* The context ctx falls back to (itself for a root such as CTX_PROMPT). */
enum key_ctx keys_parent(enum key_ctx ctx);

/*
 * The status-line hint of ctx: up to KEYS_HINTS_MAX actions, ended by
 * ACT_NONE (only ACT_NONE when ctx has no hint); static.
 */
const enum action *keys_hints(enum key_ctx ctx);

/*
 * The name of one key that does act when pressed in ctx (looked up from ctx
 * through its parents, never a key a nearer context binds to something
 * else) into out. 0, or -1 (out "") when no key does.
 */
int keys_hint(enum key_ctx ctx, enum action act, char *out, size_t outsz);

/* Print the bindings as a Markdown table (r8play --list-keys). */
void keys_print(FILE *fp);

#endif
