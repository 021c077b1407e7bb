/* tui/cli/input.c: see input.h. */
#include "tui/cli/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INPUT_CHUNK	65536

char *
cli_read_file(const char *path, size_t max, size_t *len, char *err,
    size_t errsz)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO :
	    open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 0, n = 0;
	char *buf = NULL, *nb;

	if (fd < 0) {
		snprintf(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (n + INPUT_CHUNK + 1 > cap) {
			cap = cap ? cap * 2 : 2 * INPUT_CHUNK;
			if ((nb = realloc(buf, cap)) == NULL) {
				snprintf(err, errsz, "out of memory");
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + n, INPUT_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errsz, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			snprintf(err, errsz, "over %zu bytes", max);
			goto fail;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	free(buf);
	return NULL;
}
