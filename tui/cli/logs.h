/*
 * tui/cli/logs.h: printing a prediction's logs as they grow. The client
 * keeps at most a capped tail of a prediction's logs, so once they are
 * long their length stops growing while their content moves on: the
 * cursor follows content (the last bytes printed), not length, and says
 * so when lines went by unseen.
 */
#ifndef PG_TUI_CLI_LOGS_H
#define PG_TUI_CLI_LOGS_H

#include <stddef.h>
#include <stdio.h>

#define LOG_CURSOR_TAIL	128	/* bytes remembered to find our place */

struct log_cursor {
	size_t	printed;	/* length of logs when last printed */
	char	tail[LOG_CURSOR_TAIL];
	size_t	tail_len;
};

/*
 * Print to fp (sanitised) what of logs[0..len) follows what was printed
 * last time. When the place is not found (more went by than the client
 * keeps), prints "r8play CMD: ... earlier log lines were dropped" and
 * goes on from the start of what is there. Returns the bytes printed.
 */
size_t log_cursor_feed(struct log_cursor *lc, FILE *fp, const char *cmd,
    const char *logs, size_t len);

#endif
