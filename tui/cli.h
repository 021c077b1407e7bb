/*
 * tui/cli.h: r8play's subcommands, declared once. Each runs without a
 * terminal UI, prints to stdout/stderr and returns the process exit status
 * (0 ok, 1 the operation failed, 2 usage). main.c dispatches on argv[1];
 * `r8play --help` lists this table. Implementations live in tui/cmd_*.c.
 */
#ifndef PG_TUI_CLI_H
#define PG_TUI_CLI_H

/* X(name, function, usage, summary) */
#define CLI_COMMANDS(X)							\
	X("models", cmd_models,						\
	    "models [--search Q] [--collection SLUG] [--json]",		\
	    "list or search Replicate models")				\
	X("model", cmd_model, "model OWNER/NAME [--json]",		\
	    "show one model")						\
	X("run", cmd_run,						\
	    "run OWNER/NAME[:VERSION] | --local URL  -i key=value -i key=@file "\
	    "[--output-dir DIR] [--json]",				\
	    "run a prediction and save its outputs")			\
	X("predictions", cmd_predictions, "predictions [--json]",	\
	    "list your recent predictions")				\
	X("cancel", cmd_cancel, "cancel ID", "cancel a prediction")	\
	X("schema", cmd_schema,						\
	    "schema OWNER/NAME[:VERSION] | --local URL | --file PATH [--json]",\
	    "show a model's input and output schema")			\
	X("show", cmd_show,						\
	    "show FILE... [--cols N --rows M | --width PX] [--graphics MODE]",\
	    "print images to the terminal (sixel, kitty or blocks)")	\
	X("cost", cmd_cost,						\
	    "cost [OWNER/NAME] [--seconds S] [--hardware SKU] [--runs N] "	\
	    "[--concurrency C] [--private] [--deployment SPEC] [--json]",	\
	    "estimate what a run costs on every hardware tier")		\
	X("history", cmd_history, "history [--model M] [--status S] "	\
	    "[--target T] [--search TEXT] [--limit N] [--json] | history show ID "\
	    "[--json]", "list past runs, or show one in full")		\
	X("get", cmd_get, "get ID [--output-dir D] [--json]",		\
	    "fetch a Replicate prediction, save its outputs, record it")

#define X(name, fn, usage, summary) int fn(int argc, char **argv);
CLI_COMMANDS(X)
#undef X

/* Print the usage line of the named command to stderr; returns 2. */
int cli_usage(const char *name);

#endif
