/*
 * tui/cli/input.h: reading a file a command is given (`schema --file`,
 * `schema --diff`, `show FILE`), "-" meaning stdin. Internal to tui/cli/.
 */
#ifndef PG_TUI_CLI_INPUT_H
#define PG_TUI_CLI_INPUT_H

#include <stddef.h>

#define CLI_MAX_FILE	(64u << 20)	/* what any command reads at most */

/*
 * The whole of path (or stdin for "-"), NUL-terminated (the NUL is not
 * counted in *len); the caller frees it. NULL with err set ("No such file
 * or directory", "over 67108864 bytes", ...; without the path) when it
 * cannot be read or is over max bytes.
 */
char *cli_read_file(const char *path, size_t max, size_t *len, char *err,
    size_t errsz);

#endif
