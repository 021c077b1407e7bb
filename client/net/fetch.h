/*
 * client/net/fetch.h: one URL into memory (cover images and the like). The
 * token goes only to URLs under the API base (the http layer decides);
 * redirects are followed only without it. Bytes beyond the caller's cap
 * stop the transfer.
 */
#ifndef PG_CLIENT_FETCH_H
#define PG_CLIENT_FETCH_H

#include <stddef.h>

#include "client/net/client.h"

#define FETCH_MAX_BYTES		(64u << 20)	/* largest cap accepted */
#define FETCH_TIMEOUT_MS	120000L		/* whole transfer */
#define FETCH_STALL_MS		30000L		/* no byte this long */

/*
 * GET url (absolute, or "/path" under the API base) into memory, at most
 * cap bytes (0 or more than FETCH_MAX_BYTES: FETCH_MAX_BYTES). Returns the
 * request id, or 0 with err set. The DONE event (req CLIENT_REQ_FETCH)
 * carries body (NUL-terminated past body_len; take it by setting it to
 * NULL, then free()) and http_status. ERROR: a non-2xx answer (EHTTP,
 * ENOTFOUND, ...), more than cap bytes (ELIMIT), transport failures.
 */
unsigned client_fetch(struct client *c, const char *url, size_t cap,
    char *err, size_t errsz);

#endif
