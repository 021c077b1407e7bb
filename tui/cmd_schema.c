/* tui/cmd_schema.c: placeholder until its issue lands; replaced wholesale. */
#include "tui/cli.h"

#include <stdio.h>

int
cmd_schema(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("r8play: this command is not built yet\n", stderr);
	return 2;
}

