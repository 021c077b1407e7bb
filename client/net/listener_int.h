/*
 * client/net/listener_int.h: what listener.c and listener_parse.c share
 * and nobody else may use. The public API is listener.h.
 */
#ifndef CLIENT_NET_LISTENER_INT_H
#define CLIENT_NET_LISTENER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client/net/listener.h"
#include "client/net/prediction.h"

bool
lsn_is_token_char(int c);

#endif
