/*
 * client/net/rc.h: the return codes of every client/ function, declared once.
 * A code says what kind of failure happened; the caller-owned err buffer
 * says the rest in one line. Plain C: safe to include anywhere.
 */
#ifndef PG_CLIENT_RC_H
#define PG_CLIENT_RC_H

#include <stddef.h>

/* X(id, message) */
#define CLIENT_RC_LIST(X)						\
	X(OK,		"success")					\
	X(ENOMEM,	"out of memory")				\
	X(EINVAL,	"invalid argument")				\
	X(ENET,		"network error")				\
	X(ETIMEOUT,	"timed out")					\
	X(EHTTP,	"HTTP error status")				\
	X(EAUTH,	"authentication failed")			\
	X(ENOTFOUND,	"not found")					\
	X(ERATE,	"rate limited")					\
	X(EPARSE,	"malformed JSON")				\
	X(ESHAPE,	"unexpected JSON shape")			\
	X(ELIMIT,	"response exceeds limit")			\
	X(ECANCEL,	"cancelled")					\
	X(EIO,		"file I/O error")				\
	X(ECONFIG,	"configuration error")				\
	X(EFAILED,	"prediction failed")

enum client_rc {
#define X(id, msg) CLIENT_##id,
	CLIENT_RC_LIST(X)
#undef X
	CLIENT_RC__COUNT
};

/* Static text for a code; never NULL ("unknown error" when out of range). */
const char *client_strerror(enum client_rc rc);

/* The code's identifier without prefix ("ENET"), for logs and tests. */
const char *client_rc_name(enum client_rc rc);

/*
 * The one wording of a failed request, wherever a user sees it: the
 * command line's `r8play COMMAND: message`, a run record's "error", the
 * TUI's status line and panes. The message is err when the request said
 * why (non-NULL, non-empty), else client_strerror(rc); with what
 * (non-NULL, non-empty) in front it reads "WHAT: message". Written into
 * buf (caller-owned, always NUL-terminated when n > 0, cut to fit);
 * returns buf; err must not point into buf. Sanitising for a terminal
 * stays the caller's.
 */
const char *client_emit_error(char *buf, size_t n, enum client_rc rc,
    const char *err, const char *what);

#endif
