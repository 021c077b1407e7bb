/*
 * client/history/record_int.h: what record.c and record_text.c share and
 * nobody else may use: the shape of one output value. The public API is record.h.
 */
#ifndef CLIENT_HISTORY_RECORD_INT_H
#define CLIENT_HISTORY_RECORD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client/history/record.h"

#include <cJSON.h>

enum record_shape
rec_shape_of(const cJSON *v, const struct schema_output *so);

#endif
