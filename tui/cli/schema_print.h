/*
 * tui/cli/schema_print.h: how `r8play schema` prints a parsed schema
 * (tui/cli/schema_print.c). Internal to tui/cli/.
 */
#ifndef PG_TUI_CLI_SCHEMA_PRINT_H
#define PG_TUI_CLI_SCHEMA_PRINT_H

#include "client/forms/schema.h"

/* {"fields":[...],"output":{...}} on stdout. */
void schema_print_json(const struct schema *s);
/* One row per input, then the output kind, on stdout. */
void schema_print_table(const struct schema *s);

#endif
