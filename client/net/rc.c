/* client/net/rc.c: names and messages of client/ return codes. */
#include "client/net/rc.h"

#include <stdio.h>

static const char *const rc_msg[] = {
#define X(id, msg) msg,
	CLIENT_RC_LIST(X)
#undef X
};

static const char *const rc_id[] = {
#define X(id, msg) #id,
	CLIENT_RC_LIST(X)
#undef X
};

const char *
client_strerror(enum client_rc rc)
{
	if ((unsigned)rc >= CLIENT_RC__COUNT)
		return "unknown error";
	return rc_msg[rc];
}

const char *
client_rc_name(enum client_rc rc)
{
	if ((unsigned)rc >= CLIENT_RC__COUNT)
		return "UNKNOWN";
	return rc_id[rc];
}

const char *
client_emit_error(char *buf, size_t n, enum client_rc rc, const char *err,
    const char *what)
{
	const char *msg = err != NULL && err[0] != '\0' ? err :
	    client_strerror(rc);

	if (n == 0)
		return buf;
	if (what != NULL && what[0] != '\0')
		snprintf(buf, n, "%s: %s", what, msg);
	else
		snprintf(buf, n, "%s", msg);
	return buf;
}
