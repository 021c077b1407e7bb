/* Unit tests for tui/keys.c: the binding tables, lookup through the
 * context chain, and the generated help/--list-keys text. */
#include "tui/keys.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/kb.h"
#include "tests/unit/t.h"

struct seen {
	int rows;
	int ctx_rows[CTX__COUNT];
	int bad_help;
	int dup;
	enum key_ctx last_ctx;
	enum action acts[CTX__COUNT][ACT__COUNT];
};

static void
each(enum key_ctx ctx, const char *keys, enum action act, void *arg)
{
	struct seen *s = arg;

	s->rows++;
	s->ctx_rows[ctx]++;
	if (keys[0] == '\0' || action_help(act)[0] == '\0')
		s->bad_help++;
	if (s->acts[ctx][act])
		s->dup++;
	s->acts[ctx][act] = 1;
}

int
main(void)
{
	struct seen s;
	char buf[256];
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int a;

	setlocale(LC_ALL, "C.UTF-8");
	/* names and helps: every action has both */
	T_STREQ(action_name(ACT_NONE), "none");
	T_STREQ(action_name(ACT_RUN), "run");
	T_STREQ(action_name(ACT__COUNT), "?");
	for (a = 1; a < ACT__COUNT; a++)
		T_OK(action_help((enum action)a)[0] != '\0');
	T_STREQ(keys_ctx_name(CTX_FORM), "playground");

	/* lookup: specific first, then the parents */
	T_EQ(keys_lookup(CTX_EXPLORER, '/'), ACT_FILTER);
	T_EQ(keys_lookup(CTX_FORM, '/'), ACT_NONE);
	T_EQ(keys_lookup(CTX_FORM, 'q'), ACT_QUIT);		/* global */
	T_EQ(keys_lookup(CTX_FORM, KB_CTRL('r')), ACT_RUN);	/* model */
	T_EQ(keys_lookup(CTX_COST, KB_CTRL('r')), ACT_RUN);
	T_EQ(keys_lookup(CTX_RUN, KB_CTRL('r')), ACT_RUN);
	T_EQ(keys_lookup(CTX_FORM, 'l'), ACT_INC);	/* form beats model */
	T_EQ(keys_lookup(CTX_FORM, '-'), ACT_DEC);
	T_EQ(keys_lookup(CTX_FORM, KB_FN | KEY_LEFT), ACT_DEC);
	T_EQ(keys_lookup(CTX_API, KB_FN | KEY_LEFT), ACT_FMT_PREV);
	T_EQ(keys_lookup(CTX_API, 'l'), ACT_FMT_NEXT);
	/* h backs out everywhere on the model page, as its hints say */
	{
		static const enum key_ctx mctx[] = { CTX_MODEL, CTX_FORM,
			CTX_API, CTX_EXAMPLES, CTX_COST, CTX_INFO, CTX_RUN };
		size_t i;

		for (i = 0; i < sizeof mctx / sizeof mctx[0]; i++)
			T_EQ(keys_lookup(mctx[i], 'h'), ACT_BACK);
	}
	T_EQ(keys_lookup(CTX_EXPLORER, 'j'), ACT_NEXT);
	T_EQ(keys_lookup(CTX_EXPLORER, KB_FN | KEY_DOWN), ACT_NEXT);
	T_EQ(keys_lookup(CTX_EXPLORER, '\n'), ACT_OPEN);	/* LF as CR */
	T_EQ(keys_lookup(CTX_EXPLORER, KB_FN | KEY_ENTER), ACT_OPEN);
	T_EQ(keys_lookup(CTX_EXPLORER, 033), ACT_BACK);
	T_EQ(keys_lookup(CTX_EXPLORER, '\t'), ACT_PANE);
	/* prompts and confirmations do not fall through to global keys */
	T_EQ(keys_lookup(CTX_PROMPT, 'q'), ACT_NONE);
	T_EQ(keys_lookup(CTX_CONFIRM, 'q'), ACT_NONE);
	T_EQ(keys_lookup(CTX_CONFIRM, 'y'), ACT_YES);
	T_EQ(keys_lookup(CTX_HELP, 'q'), ACT_BACK);
	T_EQ(keys_lookup(CTX_GLOBAL, 'Z'), ACT_NONE);

	/* keys_for joins every binding of an action in one context */
	T_EQ(keys_for(CTX_GLOBAL, ACT_NEXT, buf, sizeof buf), 2);
	T_STREQ(buf, "j <Down>");
	T_EQ(keys_for(CTX_MODEL, ACT_RUN, buf, sizeof buf), 1);
	T_STREQ(buf, "<C-r>");
	T_EQ(keys_for(CTX_GLOBAL, ACT_RUN, buf, sizeof buf), 0);
	T_STREQ(buf, "");
	T_EQ(keys_for(CTX_GLOBAL, ACT_NEXT, buf, 4), 1);	/* room for one */
	T_STREQ(buf, "j");

	/* the help rows: one per (context, action), all with help text */
	memset(&s, 0, sizeof s);
	keys_each(each, &s);
	T_OK(s.rows > 40);
	T_EQ(s.bad_help, 0);
	T_EQ(s.dup, 0);
	T_OK(s.ctx_rows[CTX_FORM] > 5);
	T_OK(s.acts[CTX_MODEL][ACT_RUN]);

	/* every status-line hint names a key that does what it says there */
	{
		int c, nh = 0, bad = 0;

		for (c = 0; c < CTX__COUNT; c++) {
			const enum action *h = keys_hints((enum key_ctx)c);
			int j, k;

			for (j = 0; h[j] != ACT_NONE; j++) {
				nh++;
				if (keys_hint((enum key_ctx)c, h[j], buf,
				    sizeof buf) != 0) {
					printf("no key for hint %s in %s\n",
					    action_name(h[j]),
					    keys_ctx_name((enum key_ctx)c));
					bad++;
					continue;
				}
				k = kb_parse(buf, strlen(buf));
				if (keys_lookup((enum key_ctx)c, k) != h[j]) {
					printf("hint %s %s in %s does %s\n",
					    buf, action_name(h[j]),
					    keys_ctx_name((enum key_ctx)c),
					    action_name(keys_lookup(
					    (enum key_ctx)c, k)));
					bad++;
				}
			}
			T_OK(j <= KEYS_HINTS_MAX);
		}
		T_OK(nh > 30);
		T_EQ(bad, 0);
		T_EQ(keys_hints(CTX_PROMPT)[0], ACT_NONE);
		T_EQ(keys_hint(CTX_FORM, ACT_BACK, buf, sizeof buf), 0);
		T_STREQ(buf, "h");	/* the model page's, before <Esc> */
		/* help binds q to back: quit there is the next global key */
		T_EQ(keys_hint(CTX_HELP, ACT_QUIT, buf, sizeof buf), 0);
		T_STREQ(buf, "<C-c>");
		T_EQ(keys_hint(CTX_FORM, ACT_RUN, buf, sizeof buf), 0);
		T_STREQ(buf, "<C-r>");
		T_EQ(keys_hint(CTX_EXPLORER, ACT_RUN, buf, sizeof buf), -1);
		T_STREQ(buf, "");
		T_EQ(keys_parent(CTX_FORM), CTX_MODEL);
		T_EQ(keys_parent(CTX_PROMPT), CTX_PROMPT);
	}

	/* --list-keys: a Markdown table, the pipe escaped */
	fp = open_memstream(&text, &len);
	keys_print(fp);
	fclose(fp);
	T_OK(strncmp(text, "| context | keys | action |", 27) == 0);
	T_OK(strstr(text, "| model page | `<C-r>` | run | Run the form |") !=
	    NULL);
	T_OK(strstr(text, "| explorer | `<Enter> l <Right>` | open |") != NULL);
	free(text);

	/* key names round-trip */
	{
		static const int ks[] = { 'j', KB_CTRL('r'), 033, '\r', ' ',
			'<', KB_FN | KEY_DOWN, KB_FN | KEY_F(5), KB_FN | KEY_BTAB,
			0x4f5c };
		size_t i;

		for (i = 0; i < sizeof ks / sizeof ks[0]; i++) {
			kb_name(ks[i], buf, sizeof buf);
			T_EQ(kb_parse(buf, strlen(buf)), ks[i]);
		}
		T_EQ(kb_parse("<Nope>", 6), -1);
		T_EQ(kb_parse("", 0), -1);
		T_EQ(kb_parse("ab", 2), -1);
	}
	return T_SUMMARY();
}
