/*
 * tui/cli/table.c: the commands of the command line, in the order
 * `r8play --help` lists them. Each is a `const struct cli_cmd
 * cli_cmd_<name>` defined in its own file (tui/cli/<name>.c); adding a
 * command is that file plus one X(<name>) row here.
 */
#include "tui/cli/cli.h"

#include <stddef.h>

#define CLI_COMMAND_ROWS(X)						\
	X(models)							\
	X(model)							\
	X(run)								\
	X(predictions)							\
	X(history)							\
	X(get)								\
	X(cancel)							\
	X(schema)							\
	X(show)								\
	X(cost)								\
	X(local)							\
	X(gpu)								\
	X(dev)

#define X(name) extern const struct cli_cmd cli_cmd_##name;
CLI_COMMAND_ROWS(X)
#undef X

const struct cli_cmd *const cli_commands[] = {
#define X(name) &cli_cmd_##name,
	CLI_COMMAND_ROWS(X)
#undef X
	NULL
};
