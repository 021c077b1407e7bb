/*
 * Unit tests for tui/cli/: the documents made from the option tables
 * (--help, usage, man page, bash and zsh completions) hold every option of
 * every table, so none can drift; the one parser; the one JSON writer and
 * the one safe-text writer (C0, DEL, C1 raw and UTF-8, invalid bytes); the
 * log cursor that follows content, not length.
 */
#include "tui/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/logs.h"
#include "tui/cli/out.h"
#include "tests/unit/t.h"

/* What fn writes, as a string (caller frees). */
#define CAPTURE(buf, expr) do {						\
	size_t cap_len_;						\
	FILE *cap_fp_ = open_memstream(&(buf), &cap_len_);		\
	FILE *fp = cap_fp_;						\
	(void)fp;							\
	expr;								\
	fclose(cap_fp_);						\
} while (0)

/* The part of text from "\t<cmd>)\n" to the next ";;" (a case arm). */
static char *
case_arm(const char *text, const char *cmd)
{
	char head[64], *p, *end, *arm;

	snprintf(head, sizeof head, "\t%s)\n", cmd);
	p = strstr(text, head);
	if (p == NULL)
		return strdup("");
	end = strstr(p, ";;");
	arm = strndup(p, end != NULL ? (size_t)(end - p) : strlen(p));
	return arm;
}

/* "--x" as roff writes it: "\-\-x". */
static void
roff_name(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (; *s != '\0' && k + 3 < n; s++) {
		if (*s == '-')
			out[k++] = '\\';
		out[k++] = *s;
	}
	out[k] = '\0';
}

static void
test_documents(void)
{
	char *man = NULL, *bash = NULL, *zsh = NULL, *list = NULL;
	size_t i;
	int missing = 0;

	CAPTURE(man, cli_print_man(fp));
	CAPTURE(bash, T_EQ(cli_print_completion(fp, "bash"), 0));
	CAPTURE(zsh, T_EQ(cli_print_completion(fp, "zsh"), 0));
	CAPTURE(list, cli_print_commands(fp));
	T_OK(cli_print_completion(stdout, "fish") != 0);
	for (i = 0; cli_commands[i] != NULL; i++) {
		const struct cli_cmd *c = cli_commands[i];
		const struct cli_opt *o;
		char *help = NULL, *usage = NULL, *barm, *zarm, name[128];

		CAPTURE(help, cli_print_help(fp, c));
		CAPTURE(usage, cli_print_usage(fp, c));
		barm = case_arm(bash, c->name);
		zarm = case_arm(zsh, c->name);
		snprintf(name, sizeof name, ".SS \"%s\"", c->name);
		T_OK(strstr(man, name) != NULL);
		snprintf(name, sizeof name, "  %s ", c->name);
		T_OK(strstr(list, name) != NULL);
		T_OK(strstr(list, c->summary) != NULL);
		T_OK(barm[0] != '\0' && zarm[0] != '\0');
		snprintf(name, sizeof name, "usage: r8play %s", c->name);
		T_OK(strncmp(help, name, strlen(name)) == 0);
		T_OK(strstr(help, c->summary) != NULL);
		for (o = c->opts; o->name != NULL; o++) {
			char label[400], rn[160];
			int ok = 1;

			snprintf(label, sizeof label, "[%s%s%s]", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
			ok &= strstr(usage, label) != NULL;
			snprintf(label, sizeof label, "  %s%s%s", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
			ok &= strstr(help, label) != NULL;
			roff_name(o->name, rn, sizeof rn);
			snprintf(label, sizeof label, ".B %s\n", rn);
			if (o->arg != NULL)
				snprintf(label, sizeof label, ".B %s \\fI", rn);
			ok &= strstr(man, label) != NULL;
			snprintf(label, sizeof label, "%s ", o->name);
			ok &= strstr(barm, label) != NULL;
			snprintf(label, sizeof label, "'%s%s[",
			    o->flags & CLI_REPEAT ? "*" : "", o->name);
			ok &= strstr(zarm, label) != NULL;
			if (o->arg != NULL) {
				/* bash completes its value */
				snprintf(label, sizeof label, "\"%s %s\")",
				    c->name, o->name);
				ok &= strstr(bash, label) != NULL;
			}
			if (o->complete == CLI_COMP_WORDS)
				ok &= strstr(bash, o->words) != NULL &&
				    strstr(zarm, o->words) != NULL;
			if (!ok) {
				printf("     %s %s: missing from a document\n",
				    c->name, o->name);
				missing++;
			}
		}
		free(help);
		free(usage);
		free(barm);
		free(zarm);
	}
	T_EQ(missing, 0);
	free(man);
	free(bash);
	free(zsh);
	free(list);
}

/* ---- the parser, on a table of its own */

static int
t_run(const struct cli_args *a)
{
	(void)a;
	return 0;
}

static const struct cli_opt t_opts[] = {
	{ "-i", "K=V", "an input", CLI_REPEAT, CLI_COMP_NONE, NULL },
	{ "--name", "N", "a name", 0, CLI_COMP_NONE, NULL },
	{ "--flag", NULL, "a flag", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_END
};

static const struct cli_cmd t_cmd = {
	"tcmd", "A [B]", 1, 2, CLI_COMP_NONE, "a test", "about", t_opts, t_run
};

static int
parse(struct cli_args *a, int argc, const char **argv)
{
	static char buf[16][32];
	char *copy[16];
	int i;

	for (i = 0; i < argc && i < 16; i++) {
		snprintf(buf[i], sizeof buf[i], "%s", argv[i]);
		copy[i] = buf[i];
	}
	return cli_parse(&t_cmd, argc, copy, a);
}

static void
test_parser(void)
{
	static struct cli_args a;
	const char *v1[] = { "tcmd", "-i", "a=1", "op", "-ib=2", "--name=x",
	    "--name", "y", "--flag", "--flag", "--", "--op2", NULL };
	const char *v2[] = { "tcmd", "--nope", "x", NULL };
	const char *v3[] = { "tcmd", "x", "--name", NULL };
	const char *v4[] = { "tcmd", "x", "--flag=1", NULL };
	const char *v5[] = { "tcmd", NULL };
	const char *v6[] = { "tcmd", "a", "b", "c", NULL };
	const char *v7[] = { "tcmd", "-", "--help", NULL };
	const char *v8[] = { "tcmd", "x", "-j", NULL };
	size_t i, n = 0;

	T_EQ(parse(&a, 12, v1), -1);
	T_EQ(a.noperands, 2);
	T_STREQ(a.operands[0], "op");
	T_STREQ(a.operands[1], "--op2");	/* after -- */
	T_STREQ(cli_value(&a, "--name"), "y");	/* the last wins */
	T_EQ(cli_count(&a, "-i"), 2);
	T_EQ(cli_count(&a, "--flag"), 1);	/* a flag twice is once */
	T_OK(cli_flag(&a, "--flag"));
	for (i = 0; i < a.nargs; i++)
		if (cli_is(&a.args[i], "-i"))
			n += strcmp(a.args[i].value, n ? "b=2" : "a=1") == 0;
	T_EQ(n, 2);	/* -i V and -iV, in order */
	cli_args_done(&a);
	T_EQ(parse(&a, 3, v2), CLI_USAGE);
	T_EQ(parse(&a, 3, v3), CLI_USAGE);	/* --name needs a value */
	T_EQ(parse(&a, 3, v4), CLI_USAGE);	/* a flag takes none */
	T_EQ(parse(&a, 1, v5), CLI_USAGE);	/* an operand is missing */
	T_EQ(parse(&a, 4, v6), CLI_USAGE);	/* one too many */
	T_EQ(parse(&a, 3, v8), CLI_USAGE);	/* no such short option */
	fflush(stdout);
	T_EQ(parse(&a, 3, v7), CLI_OK);		/* --help: printed, done */
	T_OK(cli_find("models") != NULL &&
	    strcmp(cli_find("models")->name, "models") == 0);
	T_OK(cli_find("nope") == NULL);
}

/* ---- writers */

static char *
json(const char *s)
{
	char *b = NULL;

	CAPTURE(b, out_json_str(fp, s));
	return b;
}

static char *
json_raw(const char *s)
{
	char *b = NULL;

	CAPTURE(b, out_json_raw(fp, s));
	return b;
}

static char *
text(const char *s)
{
	char *b = NULL;

	CAPTURE(b, out_text(fp, s, strlen(s)));
	return b;
}

#define T_FREE_STREQ(got, want) do {					\
	char *g_ = (got);						\
	T_STREQ(g_, want);						\
	free(g_);							\
} while (0)

static void
test_writers(void)
{
	char *b = NULL;

	T_FREE_STREQ(json(NULL), "null");
	T_FREE_STREQ(json("a\"b\\c\n\t\r"), "\"a\\\"b\\\\c\\n\\t\\r\"");
	T_FREE_STREQ(json("\x1b[2J\x07\x7f"), "\"\\u001b[2J\\u0007\\u007f\"");
	/* C1: the raw byte and the UTF-8 form of U+009B alike */
	T_FREE_STREQ(json("x\x9b" "1;2H"), "\"x\\u009b1;2H\"");
	T_FREE_STREQ(json("x\xc2\x9b" "1;2H"), "\"x\\u009b1;2H\"");
	T_FREE_STREQ(json("\xc2\x80\xc2\x9f\xc2\xa0"), "\"\\u0080\\u009f\xc2\xa0\"");
	T_FREE_STREQ(json("caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x90\x95"),
	    "\"caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x90\x95\"");
	T_FREE_STREQ(json("bad \xff\xc3"), "\"bad \\u00ff\\u00c3\"");
	/* server JSON: strings get the same escapes, escapes stay */
	T_FREE_STREQ(json_raw("{\"a\": \"x\xc2\x9by\\\"\", \"b\": [1, null]}"),
	    "{\"a\": \"x\\u009by\\\"\", \"b\": [1, null]}");
	T_FREE_STREQ(json_raw("[\"\x1b]0;t\x07\"]"), "[\"\\u001b]0;t\\u0007\"]");
	T_FREE_STREQ(json_raw(NULL), "null");
	/* text: controls visible, newlines and tabs kept, C1 replaced */
	T_FREE_STREQ(text("a\x1b[2Jb\nc\td"), "a^[[2Jb\nc\td");
	b = text("x\x9b" "1m \xc2\x9b" "1m");
	T_OK(strchr(b, '\x9b') == NULL && strstr(b, "\xc2\x9b") == NULL);
	free(b);
	T_FREE_STREQ(text("a\r\nb"), "a\nb");
	CAPTURE(b, out_payload(fp, "\x1b[1m", 4, true));
	T_STREQ(b, "\x1b[1m");	/* --raw: as it came */
	free(b);
	CAPTURE(b, out_payload(fp, "\x1b[1m", 4, false));
	T_STREQ(b, "^[[1m");
	free(b);
	CAPTURE(b, out_flat(fp, "a\nb\x1b"));
	T_STREQ(b, "a b^[");
	free(b);
}

/* ---- the log cursor */

#define LOG_CAP		(256 * 1024)
#define LOG_LINES	40000

/* Lines from..to-1 of "line NNNNN\n", the head cut to at most LOG_CAP
 * bytes as the client keeps them. */
static char *
logs_window(int from, int to, size_t *len)
{
	size_t n = (size_t)(to - from) * 11, off = 0;
	char *s = malloc(n + 1);
	int i;

	for (i = from; i < to; i++)
		off += (size_t)sprintf(s + off, "line %05d\n", i);
	if (off > LOG_CAP) {
		memmove(s, s + off - LOG_CAP, LOG_CAP);
		off = LOG_CAP;
	}
	s[off] = '\0';
	*len = off;
	return s;
}

static void
test_log_cursor(void)
{
	struct log_cursor lc;
	char *out = NULL, *w;
	size_t len, n1, n2, n3;
	int i, ok = 1;

	memset(&lc, 0, sizeof lc);
	CAPTURE(out, {
		w = logs_window(0, 20000, &len);
		n1 = log_cursor_feed(&lc, fp, "run", w, len);
		free(w);
		/* past the cap: the length stays, the content moves */
		w = logs_window(0, 30000, &len);
		T_EQ(len, LOG_CAP);
		n2 = log_cursor_feed(&lc, fp, "run", w, len);
		free(w);
		w = logs_window(0, LOG_LINES, &len);
		T_EQ(len, LOG_CAP);
		n3 = log_cursor_feed(&lc, fp, "run", w, len);
		T_EQ(log_cursor_feed(&lc, fp, "run", w, len), 0);
		free(w);
	});
	T_EQ(n1, 20000 * 11);
	T_EQ(n2, 10000 * 11);
	T_EQ(n3, 10000 * 11);
	/* every line once, in order */
	T_EQ(strlen(out), (size_t)LOG_LINES * 11);
	for (i = 0; i < LOG_LINES && ok; i += 997) {
		char want[32];

		snprintf(want, sizeof want, "line %05d\n", i);
		ok = strncmp(out + (size_t)i * 11, want, 11) == 0;
	}
	T_OK(ok);
	free(out);
	/* more went by than the client keeps: said, then what is there */
	fflush(stderr);
	CAPTURE(out, {
		w = logs_window(0, 90000, &len);
		n1 = log_cursor_feed(&lc, fp, "run", w, len);
		free(w);
	});
	T_EQ(n1, LOG_CAP);
	T_OK(strstr(out, "line 89999\n") != NULL);
	free(out);
}

int
main(void)
{
	test_documents();
	test_parser();
	test_writers();
	test_log_cursor();
	return T_SUMMARY();
}
