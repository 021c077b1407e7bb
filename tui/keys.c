/* tui/keys.c: the default key bindings and their lookup. */
#include "tui/keys.h"

#include <curses.h>
#include <string.h>

#include "widgets/kb.h"

static const char *const action_names[] = {
	"none",
#define X(id, name, help) name,
	ACTION_LIST(X)
#undef X
};
static const char *const action_helps[] = {
	"",
#define X(id, name, help) help,
	ACTION_LIST(X)
#undef X
};

static const struct {
	const char	*name;
	enum key_ctx	parent;
} ctxs[] = {
#define X(id, name, parent) { name, CTX_##parent },
	KEY_CTX_LIST(X)
#undef X
};

#define FN(k) (KB_FN | (k))

static const struct binding {
	enum key_ctx	ctx;
	int		key;
	enum action	act;
} bindings[] = {
	{ CTX_GLOBAL, 'q', ACT_QUIT },
	{ CTX_GLOBAL, KB_CTRL('c'), ACT_QUIT },
	{ CTX_GLOBAL, '?', ACT_HELP },
	{ CTX_GLOBAL, FN(KEY_F(1)), ACT_HELP },
	{ CTX_GLOBAL, 033, ACT_BACK },
	{ CTX_GLOBAL, KB_CTRL('l'), ACT_REDRAW },
	{ CTX_GLOBAL, 'j', ACT_NEXT },
	{ CTX_GLOBAL, FN(KEY_DOWN), ACT_NEXT },
	{ CTX_GLOBAL, 'k', ACT_PREV },
	{ CTX_GLOBAL, FN(KEY_UP), ACT_PREV },
	{ CTX_GLOBAL, FN(KEY_NPAGE), ACT_PAGE_DOWN },
	{ CTX_GLOBAL, KB_CTRL('f'), ACT_PAGE_DOWN },
	{ CTX_GLOBAL, FN(KEY_PPAGE), ACT_PAGE_UP },
	{ CTX_GLOBAL, KB_CTRL('b'), ACT_PAGE_UP },
	{ CTX_GLOBAL, 'g', ACT_TOP },
	{ CTX_GLOBAL, FN(KEY_HOME), ACT_TOP },
	{ CTX_GLOBAL, 'G', ACT_BOTTOM },
	{ CTX_GLOBAL, FN(KEY_END), ACT_BOTTOM },
	{ CTX_GLOBAL, '\t', ACT_PANE },
	{ CTX_GLOBAL, FN(KEY_BTAB), ACT_PANE_PREV },
	{ CTX_GLOBAL, '\r', ACT_OPEN },
	{ CTX_GLOBAL, 'R', ACT_RUNS },
	{ CTX_GLOBAL, 'U', ACT_GPU },
	{ CTX_GLOBAL, 'O', ACT_DEV_OUTPUT },

	{ CTX_EXPLORER, '\r', ACT_OPEN },
	{ CTX_EXPLORER, 'l', ACT_OPEN },
	{ CTX_EXPLORER, FN(KEY_RIGHT), ACT_OPEN },
	{ CTX_EXPLORER, '/', ACT_FILTER },
	{ CTX_EXPLORER, 's', ACT_SEARCH },
	{ CTX_EXPLORER, 'c', ACT_COLLECTIONS },
	{ CTX_EXPLORER, 'a', ACT_ALL_MODELS },
	{ CTX_EXPLORER, 'r', ACT_RELOAD },

	{ CTX_MODEL, ']', ACT_TAB_NEXT },
	{ CTX_MODEL, '[', ACT_TAB_PREV },
	{ CTX_MODEL, '1', ACT_TAB_PLAY },
	{ CTX_MODEL, '2', ACT_TAB_API },
	{ CTX_MODEL, '3', ACT_TAB_EXAMPLES },
	{ CTX_MODEL, '4', ACT_TAB_COST },
	{ CTX_MODEL, '5', ACT_TAB_INFO },
	{ CTX_MODEL, KB_CTRL('r'), ACT_RUN },
	{ CTX_MODEL, 'h', ACT_BACK },
	{ CTX_MODEL, 'H', ACT_HIDE_HINT },

	{ CTX_FORM, '\r', ACT_EDIT },
	{ CTX_FORM, 'e', ACT_EDIT },
	{ CTX_FORM, 'E', ACT_EDITOR },
	{ CTX_FORM, ' ', ACT_TOGGLE },
	{ CTX_FORM, '+', ACT_INC },
	{ CTX_FORM, FN(KEY_RIGHT), ACT_INC },
	{ CTX_FORM, 'l', ACT_INC },
	{ CTX_FORM, '-', ACT_DEC },
	{ CTX_FORM, FN(KEY_LEFT), ACT_DEC },
	{ CTX_FORM, 'x', ACT_RESET_FIELD },
	{ CTX_FORM, 'X', ACT_RESET_FORM },

	{ CTX_API, 'y', ACT_COPY },
	{ CTX_API, 'l', ACT_FMT_NEXT },
	{ CTX_API, FN(KEY_RIGHT), ACT_FMT_NEXT },
	{ CTX_API, FN(KEY_LEFT), ACT_FMT_PREV },
	{ CTX_EXAMPLES, '\r', ACT_LOAD_EXAMPLE },
	{ CTX_COST, '+', ACT_INC },
	{ CTX_COST, FN(KEY_RIGHT), ACT_INC },
	{ CTX_COST, 'l', ACT_INC },
	{ CTX_COST, '-', ACT_DEC },
	{ CTX_COST, FN(KEY_LEFT), ACT_DEC },
	{ CTX_COST, '\r', ACT_EDIT },
	{ CTX_COST, 'e', ACT_EDIT },

	{ CTX_RUN, 'C', ACT_CANCEL_RUN },
	{ CTX_RUN, 'r', ACT_RUN_AGAIN },
	{ CTX_RUN, 'y', ACT_COPY },
	{ CTX_RUN, 'm', ACT_MARK },
	{ CTX_RUN, 'd', ACT_COMPARE },
	{ CTX_MODEL, 'B', ACT_RUN_BOTH },
	{ CTX_MODEL, 'L', ACT_RUN_LOCAL },
	{ CTX_COMPARE, '\t', ACT_PANE },
	{ CTX_RUN, 'n', ACT_IMG_NEXT },
	{ CTX_RUN, 'p', ACT_IMG_PREV },
	{ CTX_RUN, 'f', ACT_FULL },
	{ CTX_RUN, 'L', ACT_LOGS },
	{ CTX_RUN, 'o', ACT_OPEN_EXT },
	{ CTX_RUN, 'e', ACT_LOAD_INPUT },

	{ CTX_HISTORY, '\r', ACT_OPEN },
	{ CTX_HISTORY, '/', ACT_FILTER },
	{ CTX_HISTORY, 'e', ACT_LOAD_INPUT },
	{ CTX_HISTORY, ' ', ACT_MARK },
	{ CTX_HISTORY, 'd', ACT_COMPARE },
	{ CTX_HISTORY, 'r', ACT_RELOAD },

	{ CTX_PROMPT, '\r', ACT_SUBMIT },
	{ CTX_PROMPT, 033, ACT_BACK },
	{ CTX_PROMPT, '\t', ACT_COMPLETE },

	{ CTX_CONFIRM, 'y', ACT_YES },
	{ CTX_CONFIRM, 'n', ACT_NO },
	{ CTX_CONFIRM, 033, ACT_NO },

	{ CTX_PULL, 033, ACT_BACK },
	{ CTX_PULL, 'q', ACT_BACK },
	{ CTX_PULL, KB_CTRL('c'), ACT_BACK },

	{ CTX_HELP, 'q', ACT_BACK },
	{ CTX_HELP, '?', ACT_BACK },
};

/*
 * Actions worth a hint in the status line, per context. The key shown for
 * each is found by keys_hint() from the bindings above, so a hint cannot
 * name a key that does something else (t_tui_keys checks every one).
 */
static const struct {
	enum key_ctx	ctx;
	enum action	acts[KEYS_HINTS_MAX + 1];	/* ACT_NONE ends */
} hints[] = {
	{ CTX_EXPLORER, { ACT_OPEN, ACT_FILTER, ACT_SEARCH, ACT_COLLECTIONS,
	    ACT_HELP, ACT_QUIT } },
	{ CTX_FORM, { ACT_EDIT, ACT_RUN, ACT_TAB_NEXT, ACT_RESET_FORM,
	    ACT_BACK, ACT_HELP } },
	{ CTX_API, { ACT_FMT_NEXT, ACT_COPY, ACT_RUN, ACT_BACK, ACT_HELP } },
	{ CTX_EXAMPLES, { ACT_LOAD_EXAMPLE, ACT_RUN, ACT_BACK, ACT_HELP } },
	{ CTX_COST, { ACT_INC, ACT_DEC, ACT_EDIT, ACT_BACK, ACT_HELP } },
	{ CTX_INFO, { ACT_TAB_NEXT, ACT_RUN, ACT_BACK, ACT_HELP } },
	{ CTX_RUN, { ACT_CANCEL_RUN, ACT_RUN_AGAIN, ACT_TAB_NEXT, ACT_COPY,
	    ACT_BACK, ACT_HELP } },
	{ CTX_GPU, { ACT_NEXT, ACT_PREV, ACT_BACK, ACT_HELP } },
	{ CTX_COMPARE, { ACT_PANE, ACT_BACK, ACT_HELP } },
	{ CTX_DEV, { ACT_NEXT, ACT_PREV, ACT_BACK, ACT_HELP } },
	{ CTX_HISTORY, { ACT_OPEN, ACT_FILTER, ACT_LOAD_INPUT, ACT_MARK,
	    ACT_BACK, ACT_HELP } },
	{ CTX_HELP, { ACT_NEXT, ACT_PREV, ACT_BACK } },
	{ CTX_CONFIRM, { ACT_YES, ACT_NO } },
	{ CTX_PULL, { ACT_BACK } },
};

_Static_assert(sizeof action_names / sizeof action_names[0] == ACT__COUNT,
    "action names complete");
_Static_assert(sizeof ctxs / sizeof ctxs[0] == CTX__COUNT, "contexts");

const char *
action_name(enum action a)
{
	return (unsigned)a < ACT__COUNT ? action_names[a] : "?";
}

const char *
action_help(enum action a)
{
	return (unsigned)a < ACT__COUNT ? action_helps[a] : "";
}

const char *
keys_ctx_name(enum key_ctx ctx)
{
	return (unsigned)ctx < CTX__COUNT ? ctxs[ctx].name : "?";
}

/* The action key has in ctx itself (no parents), or ACT_NONE. */
static enum action
find(enum key_ctx ctx, int key)
{
	size_t i;

	for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].ctx == ctx && bindings[i].key == key)
			return bindings[i].act;
	return ACT_NONE;
}

enum action
keys_lookup(enum key_ctx ctx, int key)
{
	enum action a;
	int hops;

	if (key == '\n' || key == (KB_FN | KEY_ENTER))
		key = '\r';
	for (hops = 0; hops < CTX__COUNT; hops++) {
		a = find(ctx, key);
		if (a != ACT_NONE || ctxs[ctx].parent == ctx)
			return a;
		ctx = ctxs[ctx].parent;
	}
	return ACT_NONE;
}

enum key_ctx
keys_parent(enum key_ctx ctx)
{
	return (unsigned)ctx < CTX__COUNT ? ctxs[ctx].parent : CTX_GLOBAL;
}

const enum action *
keys_hints(enum key_ctx ctx)
{
	static const enum action none[] = { ACT_NONE };
	size_t i;

	for (i = 0; i < sizeof hints / sizeof hints[0]; i++)
		if (hints[i].ctx == ctx)
			return hints[i].acts;
	return none;
}

int
keys_hint(enum key_ctx ctx, enum action act, char *out, size_t outsz)
{
	enum key_ctx c = ctx;
	size_t i;
	int hops;

	if (outsz > 0)
		out[0] = '\0';
	/* the first binding, most specific context first, that is not
	 * shadowed by a nearer context's binding of the same key */
	for (hops = 0; hops < CTX__COUNT; hops++) {
		for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
			if (bindings[i].ctx == c && bindings[i].act == act &&
			    keys_lookup(ctx, bindings[i].key) == act) {
				kb_name(bindings[i].key, out, outsz);
				return 0;
			}
		if (ctxs[c].parent == c)
			break;
		c = ctxs[c].parent;
	}
	return -1;
}

int
keys_for(enum key_ctx ctx, enum action act, char *out, size_t outsz)
{
	char name[KB_NAME_MAX];
	size_t i, o = 0;
	int n = 0;

	if (outsz > 0)
		out[0] = '\0';
	for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
		if (bindings[i].ctx != ctx || bindings[i].act != act)
			continue;
		kb_name(bindings[i].key, name, sizeof name);
		if (o + strlen(name) + 2 >= outsz)
			break;
		o += (size_t)snprintf(out + o, outsz - o, "%s%s",
		    n ? " " : "", name);
		n++;
	}
	return n;
}

void
keys_each(void (*fn)(enum key_ctx, const char *, enum action, void *),
    void *arg)
{
	char keys[128];
	size_t i, j;
	int c;

	for (c = 0; c < CTX__COUNT; c++)
		for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
			if ((int)bindings[i].ctx != c)
				continue;
			/* first binding of this action in this context only */
			for (j = 0; j < i; j++)
				if (bindings[j].ctx == bindings[i].ctx &&
				    bindings[j].act == bindings[i].act)
					break;
			if (j < i)
				continue;
			keys_for((enum key_ctx)c, bindings[i].act, keys,
			    sizeof keys);
			fn((enum key_ctx)c, keys, bindings[i].act, arg);
		}
}

/* keys_each() callback for --list-keys: one "context keys action
 * help" line, tabs and newlines in the help escaped. */
static void
print_row(enum key_ctx ctx, const char *keys, enum action act, void *arg)
{
	FILE *fp = arg;
	char esc[256];
	size_t i, o = 0;

	/* Markdown: a literal | inside a cell must be escaped */
	for (i = 0; keys[i] && o + 3 < sizeof esc; i++) {
		if (keys[i] == '|')
			esc[o++] = '\\';
		esc[o++] = keys[i];
	}
	esc[o] = '\0';
	fprintf(fp, "| %s | `%s` | %s | %s |\n", keys_ctx_name(ctx), esc,
	    action_name(act), action_help(act));
}

void
keys_print(FILE *fp)
{
	fputs("| context | keys | action | what it does |\n"
	    "|---|---|---|---|\n", fp);
	keys_each(print_row, fp);
}
