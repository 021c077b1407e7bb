/*
 * client/net/outputs_int.h: the part-file steps of client/net/outputs.c,
 * shared with its worker (client/net/outputs_worker.c). Nothing outside
 * those two files uses them.
 */
#ifndef PG_CLIENT_OUTPUTS_INT_H
#define PG_CLIENT_OUTPUTS_INT_H

#include <stddef.h>

#include "client/net/rc.h"

#define OUTPUTS_PATH_MAX	4096

/*
 * A part file in dir (created, mode 0755, when missing):
 * dir/.r8play-part-XXXXXX, mode 0600 until published, held under an
 * exclusive flock() for as long as this process writes it, so
 * outputs_clean_stale() can tell a dead writer's leftovers from a live
 * one's. The path goes into tmp. Returns the fd, or -1 with err set.
 */
int outputs_part_open(const char *dir, char *tmp, size_t tmpsz, char *err,
    size_t errsz);

/* write() all of data (EINTR retried). 0, or -1 with errno set. */
int outputs_write_all(int fd, const void *data, size_t len);

/*
 * Give the finished part file tmp (fd open) its final name in dir: name,
 * name-1, ... (link() never replaces; rename() after a check where hard
 * links are not supported). Closes fd; the part is gone afterwards, on
 * success and on failure alike. *path: the final path (caller frees).
 */
enum client_rc outputs_part_publish(int fd, const char *tmp,
    const char *dir, const char *name, char **path, char *err,
    size_t errsz);

#endif
