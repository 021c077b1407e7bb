/*
 * tui/cli/stream.h: a run's text output written to stdout as it arrives
 * (remote SSE, local webhooks), flushed per chunk, ending with the
 * complete value: what was written is remembered, each newer text that
 * extends it adds only its new part, and the final value completes it
 * (or, should it not extend what was written, follows on a new line in
 * full). Untrusted: written through out_payload (tui/cli/out.h); a UTF-8
 * sequence cut at a chunk's end waits for its next bytes. Internal to
 * tui/cli/.
 */
#ifndef PG_TUI_CLI_STREAM_H
#define PG_TUI_CLI_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct out_stream {
	FILE	*fp;
	bool	 raw;		/* --raw */
	char	*done;		/* the bytes written so far */
	size_t	 len;
	bool	 broken;	/* out of memory: only the final value */
	size_t	 cut_at;	/* len when out_stream_break last ended a line */
};

/* Start a stream onto fp; raw writes the bytes as they are (--raw). */
void out_stream_init(struct out_stream *st, FILE *fp, bool raw);
/* The text output as it is now (NULL: nothing yet). */
void out_stream_feed(struct out_stream *st, const char *text);
/* Before a line on stderr: end the text's open line, on a terminal only
 * (status and log lines then start at the left; a pipe gets the text as
 * it came). */
void out_stream_break(struct out_stream *st);
/* The complete value (NULL: none); ends the line. */
void out_stream_end(struct out_stream *st, const char *text);
/* Free what the stream remembers; st can be started again. */
void out_stream_done(struct out_stream *st);

#endif
