/* tui/main.c: argv, locale, subcommand dispatch, then the interactive UI. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "tui/cli.h"
#include "tui/term.h"

static void
print_help(FILE *fp)
{
	fputs("r8play " R8PLAY_VERSION
	    ": a terminal playground for AI models (Replicate and Cog)\n\n"
	    "usage: r8play [--local URL] [--theme NAME] [OWNER/NAME]\n"
	    "       r8play COMMAND [ARGS]   (COMMAND --help for more)\n\n"
	    "commands:\n", fp);
#define X(n, fn, usage, summary) fprintf(fp, "  %-12s %s\n", n, summary);
	CLI_COMMANDS(X)
#undef X
	fputs("\nenvironment: REPLICATE_API_TOKEN, R8PLAY_API_BASE, "
	    "R8PLAY_GRAPHICS, NO_COLOR\n", fp);
}

static int
run_ui(void)
{
	char err[256];
	int ch;

	if (term_init(err, sizeof err) != 0) {
		fprintf(stderr, "r8play: %s\n", err);
		return 1;
	}
	for (;;) {
		erase();
		attron(A_BOLD);
		mvaddstr(0, 0, "r8play");
		attroff(A_BOLD);
		mvaddstr(LINES - 1, 0, "q quit");
		refresh();
		ch = getch();
		if (ch == 'q')
			break;
	}
	term_restore();
	return 0;
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (argc > 1) {
		if (strcmp(argv[1], "--version") == 0) {
			puts("r8play " R8PLAY_VERSION);
			return 0;
		}
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			print_help(stdout);
			return 0;
		}
#define X(n, fn, usage, summary)					\
		if (strcmp(argv[1], n) == 0)				\
			return fn(argc - 1, argv + 1);
		CLI_COMMANDS(X)
#undef X
	}
	return run_ui();
}
