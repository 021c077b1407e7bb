/* tui/cli/logs.c: see logs.h. */
#include "tui/cli/logs.h"

#include <string.h>

#include "tui/cli/out.h"

/* Last occurrence of needle in hay (memmem is a GNU extension). */
static const char *
find_last(const char *hay, size_t hl, const char *needle, size_t nl)
{
	size_t i;

	if (nl == 0 || nl > hl)
		return NULL;
	for (i = hl - nl + 1; i > 0; i--)
		if (memcmp(hay + i - 1, needle, nl) == 0)
			return hay + i - 1;
	return NULL;
}

size_t
log_cursor_feed(struct log_cursor *lc, FILE *fp, const char *cmd,
    const char *logs, size_t len)
{
	size_t from;
	const char *hit;

	if (logs == NULL || len == 0)
		return 0;
	if (lc->tail_len == 0)
		from = 0;	/* nothing printed yet */
	else if (lc->printed <= len && lc->tail_len <= lc->printed &&
	    memcmp(logs + lc->printed - lc->tail_len, lc->tail,
	    lc->tail_len) == 0)
		from = lc->printed;	/* they grew: the common case */
	else if ((hit = find_last(logs, len, lc->tail, lc->tail_len)) != NULL)
		/* the head was cut (long logs): find our place by content */
		from = (size_t)(hit - logs) + lc->tail_len;
	else if (len < lc->printed)
		return 0;	/* a stream replaying from the start: wait */
	else {
		/* our place scrolled out of what the client keeps */
		fflush(stdout);
		out_err(cmd, "(earlier log lines were dropped: the logs grew "
		    "faster than they were read)");
		from = 0;
	}
	if (from < len) {
		out_text(fp, logs + from, len - from);
		fflush(fp);
	}
	lc->printed = len;
	lc->tail_len = len < sizeof lc->tail ? len : sizeof lc->tail;
	memcpy(lc->tail, logs + len - lc->tail_len, lc->tail_len);
	return from < len ? len - from : 0;
}
