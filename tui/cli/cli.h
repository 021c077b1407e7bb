/*
 * tui/cli/cli.h: r8play's command line, declared once.
 *
 * Every subcommand is one `struct cli_cmd` (its name, operands, summary,
 * description and option table) defined next to its code in
 * tui/cli/<command>.c and listed once in cli_commands[] (tui/cli/table.c).
 * From these tables come the one argument parser (cli_parse), `--help`,
 * the usage lines, the man page (`r8play --man`) and the bash and zsh
 * completions (`r8play --completion bash|zsh`): none of them is written
 * by hand, so none can drift. tmux's cmd_entry + args_parse is the model.
 *
 * Adding a command: write tui/cli/<name>.c with a `const struct cli_cmd
 * cli_cmd_<name>` (its table and its run function) and add one X(<name>)
 * row to tui/cli/table.c.
 *
 * Commands print to stdout/stderr and return the exit status (CLI_OK,
 * CLI_FAIL, CLI_USAGE, CLI_INTERRUPT). Nothing here includes curses
 * (tests/lint/lint-deps).
 */
#ifndef PG_TUI_CLI_CLI_H
#define PG_TUI_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_INTERRUPT = 130 };

#define CLI_MAX_OPTS	64	/* options in one command's table */
#define CLI_MAX_ARGS	1024	/* option occurrences on one command line */

/* How a shell completes an option's value or an operand. */
enum cli_complete {
	CLI_COMP_NONE,		/* free text */
	CLI_COMP_FILE,		/* a path */
	CLI_COMP_DIR,		/* a folder */
	CLI_COMP_WORDS		/* one of cli_opt.words */
};

#define CLI_REPEAT	0x1	/* may be given more than once */
#define CLI_LOCAL	0x2	/* run: only with --local or --image (a Cog
				   server) */
#define CLI_IMAGE	0x4	/* run: only with --image (a Docker image) */

/* One option of one command: a row of its table. */
struct cli_opt {
	const char	*name;	/* "--search", "-i" */
	const char	*arg;	/* the value's placeholder, NULL for a flag */
	const char	*help;	/* one line (wrapped when printed) */
	unsigned	 flags;	/* CLI_REPEAT */
	enum cli_complete complete;
	const char	*words;	/* CLI_COMP_WORDS: space-separated choices */
};

struct cli_args;

/* One command: a row of cli_commands[]. */
struct cli_cmd {
	const char	*name;
	const char	*operands;	/* for the usage line, "" when none */
	int		 min_operands, max_operands;	/* max -1: any */
	enum cli_complete complete;	/* how operands complete */
	const char	*summary;	/* one line for `r8play --help` */
	const char	*about;		/* paragraphs for --help and the man page */
	const struct cli_opt *opts;	/* ends with a row whose name is NULL */
	int		(*run)(const struct cli_args *);
};

/* One option occurrence on the command line, in argv order. */
struct cli_arg {
	const struct cli_opt *opt;
	const char	*value;	/* NULL for a flag */
};

/* What cli_parse() made of argv; points into argv and the tables. */
struct cli_args {
	const struct cli_cmd *cmd;
	struct cli_arg	 args[CLI_MAX_ARGS];
	size_t		 nargs;
	char		**operands;
	size_t		 noperands;
};

/* The common options of the commands that talk to Replicate. */
#define CLI_OPT_JSON	{ "--json", NULL, "machine-readable output (JSON)", \
	0, CLI_COMP_NONE, NULL }
#define CLI_OPT_API_BASE { "--api-base", "URL", "Replicate API base (default " \
	"$R8PLAY_API_BASE, the config file's api_base, else " \
	"https://api.replicate.com/v1)", 0, CLI_COMP_NONE, NULL }
#define CLI_OPT_END	{ NULL, NULL, NULL, 0, CLI_COMP_NONE, NULL }

/* The commands, in the order `r8play --help` lists them; NULL-terminated. */
extern const struct cli_cmd *const cli_commands[];

/* The command called name, or NULL (r8play NAME ... that is no command is
 * the TUI's argument: a model or a folder). */
const struct cli_cmd *cli_find(const char *name);

/*
 * Run the subcommand argv[1] (argv[0] is the program). Returns its exit
 * status, or -1 when argv[1] names no command (main() then starts the UI).
 * Also answers the generated documents: `--man`, `--completion SHELL`,
 * `--options`.
 */
int cli_main(int argc, char **argv);

/*
 * The one parser: argv[0] is the command's name. Options may come in any
 * order among operands: `--name VALUE`, `--name=VALUE`, `-iVALUE`; `--`
 * ends the options; a lone `-` is an operand. Returns -1 when parsing went
 * well (a is filled), else the exit status: CLI_OK after --help was
 * printed, CLI_USAGE after an error (one line and the usage on stderr).
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
    struct cli_args *a);

/* Frees what cli_parse() allocated (the operand list). */
void cli_args_done(struct cli_args *a);

/*
 * Looking options up by name. The name must be in the command's table:
 * asking for one that is not aborts (a typo cannot silently read NULL).
 */
bool cli_flag(const struct cli_args *a, const char *name);
const char *cli_value(const struct cli_args *a, const char *name); /* last */
size_t cli_count(const struct cli_args *a, const char *name);
/* Is this occurrence the named option? (for walking a->args in order) */
bool cli_is(const struct cli_arg *arg, const char *name);

/* "r8play CMD: unknown ..." + usage lines on stderr; returns CLI_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Generated text: tui/cli/help.c. */
void cli_print_usage(FILE *fp, const struct cli_cmd *cmd);
void cli_print_help(FILE *fp, const struct cli_cmd *cmd);
void cli_print_commands(FILE *fp);	/* the list in `r8play --help` */
void cli_print_man(FILE *fp);
/* The tables as text, one "COMMAND<TAB>OPTION<TAB>ARG or -" line per
 * option (`r8play --options`: the tests compare the documents with it). */
void cli_print_options(FILE *fp);
int cli_print_completion(FILE *fp, const char *shell);

#endif
