/* tui/cli.c: help text and usage lines generated from CLI_COMMANDS. */
#include "tui/cli.h"

#include <stdio.h>
#include <string.h>

int
cli_usage(const char *name)
{
#define X(n, fn, usage, summary)					\
	if (strcmp(name, n) == 0)					\
		fprintf(stderr, "usage: r8play %s\n", usage);
	CLI_COMMANDS(X)
#undef X
	return 2;
}
