/* tui/cmd_client.c: placeholder until its issue lands; replaced wholesale. */
#include "tui/cli.h"

#include <stdio.h>

int
cmd_models(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("r8play: this command is not built yet\n", stderr);
	return 2;
}

int
cmd_model(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("r8play: this command is not built yet\n", stderr);
	return 2;
}

int
cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("r8play: this command is not built yet\n", stderr);
	return 2;
}

int
cmd_predictions(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("r8play: this command is not built yet\n", stderr);
	return 2;
}

int
cmd_cancel(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("r8play: this command is not built yet\n", stderr);
	return 2;
}

