/* tui/main.c: argv, locale, config, subcommand dispatch, then the UI. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/net/config.h"
#include "render/render.h"
#include "themes/theme.h"
#include "tui/app.h"
#include "tui/cli/cli.h"
#include "tui/keys.h"
#include "tui/loop.h"
#include "tui/script.h"
#include "tui/term.h"
#include "widgets/style.h"

/*
 * `r8play --help`: the TUI's own options, then the commands (from the
 * command tables, tui/cli/table.c).
 */
static void
print_help(FILE *fp)
{
	fputs("r8play " R8PLAY_VERSION
	    ": a terminal playground for AI models (Replicate and Cog)\n\n"
	    "usage: r8play [--local URL]... [--theme NAME|FILE] [--api-base URL]\n"
	    "              [OWNER/NAME | --dev DIR | DIR with a cog.yaml]\n"
	    "       r8play --list-keys\n"
	    "       r8play COMMAND [ARGS]   (COMMAND --help for more)\n\n"
	    "commands:\n", fp);
	cli_print_commands(fp);
	fputs("\noptions:\n"
	    "  --local URL      a local Cog server (repeatable); alone, opens "
	    "its playground\n"
	    "  --dev DIR        serve the Cog project in DIR and open its "
	    "playground\n"
	    "  --theme NAME     dark (default), light, mono, or a theme file "
	    "(a path: it\n"
	    "                   has a '/' or ends in .theme); also config key "
	    "'theme',\n"
	    "                   R8PLAY_THEME\n"
	    "  --api-base URL   Replicate API base (default "
	    CLIENT_DEFAULT_API_BASE ")\n"
	    "  --output-dir DIR where run outputs are saved (default "
	    "./r8play-outputs)\n"
	    "  --mouse          clicks select and open, the wheel scrolls\n"
	    "  --list-keys      print the key bindings as a Markdown table\n"
	    "  --man            print the man page (roff), made from the "
	    "command tables\n"
	    "  --completion SH  print the bash or zsh completion script\n"
	    "\nenvironment: REPLICATE_API_TOKEN, R8PLAY_API_BASE, "
	    "R8PLAY_GRAPHICS, R8PLAY_THEME, NO_COLOR\n", fp);
}

struct ui_args {
	struct app_options o;
	const char	*script, *dump_dir;
	bool		 mouse;
	int		 cols, rows;
};

/*
 * The TUI's arguments (everything that is not a COMMAND) into *a: options,
 * then one model or one Cog project folder (r8play DIR). Returns 0, or 2
 * with the usage error said.
 */
static int
parse_args(int argc, char **argv, struct ui_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

#define NEED() do {							\
		if (v == NULL) {					\
			fprintf(stderr, "r8play: %s needs a value\n", s); \
			return 2;					\
		}							\
		i++;							\
	} while (0)
		if (strcmp(s, "--local") == 0) {
			NEED();
			if (a->o.nlocals == APP_MAX_LOCALS) {
				fprintf(stderr, "r8play: at most %d --local\n",
				    APP_MAX_LOCALS);
				return 2;
			}
			a->o.locals[a->o.nlocals++] = v;
		} else if (strcmp(s, "--dev") == 0) {
			NEED();
			a->o.dev_dir = v;
		} else if (strcmp(s, "--theme") == 0) {
			NEED();
			a->o.theme = v;
		} else if (strcmp(s, "--api-base") == 0) {
			NEED();
			a->o.api_base = v;
		} else if (strcmp(s, "--mouse") == 0) {
			a->mouse = true;
		} else if (strcmp(s, "--output-dir") == 0) {
			NEED();
			a->o.output_dir = v;
		} else if (strcmp(s, "--script") == 0) {
			NEED();
			a->script = v;
		} else if (strcmp(s, "--dump-dir") == 0) {
			NEED();
			a->dump_dir = v;
		} else if (strcmp(s, "--size") == 0) {
			NEED();
			if (sscanf(v, "%dx%d", &a->cols, &a->rows) != 2 ||
			    a->cols < 1 || a->rows < 1 || a->cols > 1000 ||
			    a->rows > 1000) {
				fprintf(stderr, "r8play: --size WxH\n");
				return 2;
			}
		} else if (s[0] == '-') {
			fprintf(stderr, "r8play: unknown option %s (try "
			    "--help)\n", s);
			return 2;
		} else if (a->o.open_model == NULL && a->o.dev_dir == NULL &&
		    dev_view_is_project(s)) {
			a->o.dev_dir = s;	/* r8play DIR: its dev loop */
		} else if (a->o.open_model == NULL) {
			a->o.open_model = s;
		} else {
			fprintf(stderr, "r8play: one model at a time\n");
			return 2;
		}
#undef NEED
	}
	return 0;
}

/*
 * The TUI: arguments over the config file over the defaults (the token only
 * from the config or environment), the theme checked before the terminal is
 * taken, the graphics protocol asked of the terminal before ncurses owns it
 * (a --script run is headless with half-blocks), then the loop. Returns the
 * exit status; the terminal is restored on every path out.
 */
static int
run_ui(int argc, char **argv)
{
	static struct app app;
	struct ui_args a;
	struct config cfg;
	char err[1024];
	int rc;

	memset(&a, 0, sizeof a);
	rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc;
	memset(&cfg, 0, sizeof cfg);
	if (config_load(&cfg, true, err, sizeof err) != CLIENT_OK) {
		fprintf(stderr, "r8play: %s\n", err);
		return 1;
	}
	a.o.token = config_token(&cfg);
	if (a.o.api_base == NULL)
		a.o.api_base = config_api_base(&cfg);
	if (a.o.theme == NULL)
		a.o.theme = getenv("R8PLAY_THEME");
	if (a.o.theme == NULL || a.o.theme[0] == '\0')
		a.o.theme = cfg.theme;
	if (a.o.output_dir == NULL)
		a.o.output_dir = cfg.output_dir;
	a.o.serve_command = cfg.serve_command;
	a.o.idle_stop = cfg.idle_stop;
	a.o.registry = cfg.registry;
	if (a.o.nlocals == 0 && cfg.local != NULL &&
	    cfg.local[0] != '\0')
		a.o.locals[a.o.nlocals++] = cfg.local;
	{
		struct theme th;

		if (app_theme_load(a.o.theme, &th, err, sizeof err) != 0) {
			fprintf(stderr, "r8play: %s\n", err);
			config_done(&cfg);
			return 2;
		}
	}
	if (a.script != NULL && (a.dump_dir == NULL || a.cols == 0)) {
		fprintf(stderr, "r8play: --script needs --dump-dir DIR and "
		    "--size WxH\n");
		config_done(&cfg);
		return 2;
	}
	a.o.script_mode = a.script != NULL;
	if (loop_signals_init(err, sizeof err) != 0) {
		fprintf(stderr, "r8play: %s\n", err);
		config_done(&cfg);
		return 1;
	}
	/* graphics are asked of the terminal before ncurses takes it */
	if (a.script == NULL) {
		struct detect_env env;

		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, "r8play: not a terminal (try r8play "
			    "--help)\n");
			config_done(&cfg);
			return 1;
		}
		detect_env_load(&env);
		detect_run(STDOUT_FILENO, &env, 0, &a.o.det, err, sizeof err);
		if (a.o.det.passthrough != RENDER_PASS_NONE)
			term_pane_offset(&a.o.pane_row, &a.o.pane_col);
		if (term_init(err, sizeof err) != 0) {
			fprintf(stderr, "r8play: %s\n", err);
			config_done(&cfg);
			return 1;
		}
	} else {
		a.o.det.mode = RENDER_MODE_BLOCKS;
		if (term_init_headless(getenv("TERM"), a.cols, a.rows, err,
		    sizeof err) != 0) {
			fprintf(stderr, "r8play: %s\n", err);
			config_done(&cfg);
			return 1;
		}
	}
	style_init(&(struct theme){ 0 }, STYLE_MONO);
	if (app_init(&app, &a.o, err, sizeof err) != 0) {
		config_done(&cfg);
		die("%s", err);
	}
	config_done(&cfg);
	style_init(&app.theme, STYLE_TRUE);
	if (a.mouse && a.script == NULL) {
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
		    BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	if (a.script != NULL) {
		app.script = script_load(a.script, a.dump_dir, err, sizeof err);
		if (app.script == NULL) {
			app_done(&app);
			die("%s", err);
		}
	}
	rc = loop_run(&app);
	script_free(app.script);
	app.script = NULL;
	app_done(&app);
	term_restore();
	return rc;
}

int
main(int argc, char **argv)
{
	int rc;

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
		if (strcmp(argv[1], "--list-keys") == 0) {
			keys_print(stdout);
			return 0;
		}
		rc = cli_main(argc, argv);	/* a subcommand, --man, ... */
		if (rc >= 0)
			return rc;
	}
	return run_ui(argc, argv);
}
