/*
 * tui/cli/cli.c: the one argument parser of every subcommand, the option
 * look-ups, and the dispatch from main(). The tables it reads are the
 * commands' own (struct cli_cmd in tui/cli/<command>.c).
 */
#include "tui/cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cli/out.h"

const struct cli_cmd *
cli_find(const char *name)
{
	size_t i;

	for (i = 0; cli_commands[i] != NULL; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

/*
 * The option of cmd's table named by the len bytes at name (the part of
 * --opt=value before '='), or NULL.
 */
static const struct cli_opt *
opt_find(const struct cli_cmd *cmd, const char *name, size_t len)
{
	const struct cli_opt *o;

	for (o = cmd->opts; o != NULL && o->name != NULL; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* A name the command's code asks for must be in its table. */
static const struct cli_opt *
opt_known(const struct cli_args *a, const char *name)
{
	const struct cli_opt *o = opt_find(a->cmd, name, strlen(name));

	if (o == NULL) {
		fprintf(stderr, "r8play %s: internal: option %s is not in "
		    "the table\n", a->cmd->name, name);
		abort();
	}
	return o;
}

int
cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	out_err(cmd->name, "%s", msg);
	cli_print_usage(stderr, cmd);
	return CLI_USAGE;
}

/*
 * Record one option in argv order. A flag given twice counts once; every
 * value is kept (cli_value() answers the last one, -i and the like read
 * them all).
 */
static int
add_arg(const struct cli_cmd *cmd, struct cli_args *a,
    const struct cli_opt *o, const char *value)
{
	size_t i;

	if (!(o->flags & CLI_REPEAT))
		for (i = 0; i < a->nargs; i++)
			if (a->args[i].opt == o && o->arg == NULL)
				return 0;	/* a flag twice is once */
	if (a->nargs == CLI_MAX_ARGS)
		return cli_usage_error(cmd, "more than %d options",
		    CLI_MAX_ARGS);
	a->args[a->nargs].opt = o;
	a->args[a->nargs].value = value;
	a->nargs++;
	return 0;
}

/* One "--name[=value]" or "-xVALUE" at argv[*i]; returns 0 or a status. */
static int
parse_opt(const struct cli_cmd *cmd, int argc, char **argv, int *i,
    struct cli_args *a)
{
	const char *s = argv[*i], *eq = NULL, *value = NULL;
	const struct cli_opt *o;
	size_t len = strlen(s);

	if (s[1] == '-') {
		eq = strchr(s, '=');
		if (eq != NULL)
			len = (size_t)(eq - s);
		o = opt_find(cmd, s, len);
	} else {
		/* short options are two characters; "-iVALUE" glues one */
		o = opt_find(cmd, s, 2);
		if (o != NULL && len > 2) {
			if (o->arg == NULL)
				o = NULL;
			else
				value = s + 2;
		} else if (len != 2)
			o = NULL;
	}
	if (o == NULL)
		return cli_usage_error(cmd, "unknown option %.*s", (int)len, s);
	if (o->arg == NULL) {
		if (eq != NULL)
			return cli_usage_error(cmd, "%s takes no value",
			    o->name);
		return add_arg(cmd, a, o, NULL);
	}
	if (eq != NULL)
		value = eq + 1;
	else if (value == NULL) {
		if (*i + 1 >= argc)
			return cli_usage_error(cmd, "%s needs a value "
			    "(%s)", o->name, o->arg);
		value = argv[++*i];
	}
	return add_arg(cmd, a, o, value);
}

int
cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
    struct cli_args *a)
{
	bool options = true;
	int i, rc;

	memset(a, 0, sizeof *a);
	a->cmd = cmd;
	a->operands = calloc((size_t)argc + 1, sizeof *a->operands);
	if (a->operands == NULL) {
		out_err(cmd->name, "out of memory");
		return CLI_FAIL;
	}
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (options && (strcmp(s, "--help") == 0 ||
		    strcmp(s, "-h") == 0)) {
			cli_print_help(stdout, cmd);
			cli_args_done(a);
			return CLI_OK;
		}
		if (options && strcmp(s, "--") == 0) {
			options = false;
			continue;
		}
		if (options && s[0] == '-' && s[1] != '\0') {
			if ((rc = parse_opt(cmd, argc, argv, &i, a)) != 0) {
				cli_args_done(a);
				return rc;
			}
			continue;
		}
		a->operands[a->noperands++] = argv[i];
	}
	if ((int)a->noperands < cmd->min_operands ||
	    (cmd->max_operands >= 0 &&
	    (int)a->noperands > cmd->max_operands)) {
		rc = a->noperands > 0 && cmd->max_operands >= 0 &&
		    (int)a->noperands > cmd->max_operands ?
		    cli_usage_error(cmd, "unexpected '%s'",
		    a->operands[cmd->max_operands]) :
		    cli_usage_error(cmd, "%s is missing", cmd->operands);
		cli_args_done(a);
		return rc;
	}
	return -1;
}

void
cli_args_done(struct cli_args *a)
{
	free(a->operands);
	a->operands = NULL;
	a->noperands = 0;
}

bool
cli_is(const struct cli_arg *arg, const char *name)
{
	return strcmp(arg->opt->name, name) == 0;
}

bool
cli_flag(const struct cli_args *a, const char *name)
{
	return cli_count(a, name) > 0;
}

size_t
cli_count(const struct cli_args *a, const char *name)
{
	const struct cli_opt *o = opt_known(a, name);
	size_t i, n = 0;

	for (i = 0; i < a->nargs; i++)
		if (a->args[i].opt == o)
			n++;
	return n;
}

const char *
cli_value(const struct cli_args *a, const char *name)
{
	const struct cli_opt *o = opt_known(a, name);
	const char *v = NULL;
	size_t i;

	for (i = 0; i < a->nargs; i++)
		if (a->args[i].opt == o)
			v = a->args[i].value;
	return v;
}

int
cli_main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	struct cli_args *a;
	int rc;

	if (argc < 2)
		return -1;
	if (strcmp(argv[1], "--man") == 0) {
		cli_print_man(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--options") == 0) {
		cli_print_options(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--completion") == 0) {
		if (argc != 3 || cli_print_completion(stdout, argv[2]) != 0) {
			fputs("r8play: --completion bash|zsh\n", stderr);
			return CLI_USAGE;
		}
		return CLI_OK;
	}
	if ((cmd = cli_find(argv[1])) == NULL)
		return -1;
	/* the parsed form is large (CLI_MAX_ARGS): keep it off the stack */
	if ((a = malloc(sizeof *a)) == NULL) {
		out_err(cmd->name, "out of memory");
		return CLI_FAIL;
	}
	rc = cli_parse(cmd, argc - 1, argv + 1, a);
	if (rc < 0) {
		rc = cmd->run(a);
		cli_args_done(a);
	}
	free(a);
	fflush(stdout);
	return rc;
}
