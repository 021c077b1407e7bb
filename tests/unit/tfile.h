/*
 * tests/unit/tfile.h: reading fixtures in C tests and benchmarks.
 */
#ifndef PG_TESTS_TFILE_H
#define PG_TESTS_TFILE_H

#include <stdio.h>
#include <stdlib.h>

/*
 * Read the whole file at path (a relative path is taken from $ROOT when set,
 * else from the current directory). Returns a NUL-terminated buffer the
 * caller frees and, when len is not NULL, its length; NULL (with a line
 * saying why on stdout) when the file cannot be read.
 */
static inline char *
t_slurp(const char *path, size_t *len)
{
	char full[1024];
	const char *root = getenv("ROOT");
	FILE *fp = NULL;
	char *buf = NULL;
	long n;
	int w;

	if (path[0] != '/' && root != NULL && root[0] != '\0')
		w = snprintf(full, sizeof full, "%s/%s", root, path);
	else
		w = snprintf(full, sizeof full, "%s", path);
	if (w < 0 || (size_t)w >= sizeof full)
		goto fail;
	if ((fp = fopen(full, "rb")) == NULL)
		goto fail;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0)
		goto fail;
	if ((buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n)
		goto fail;
	fclose(fp);
	buf[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return buf;
fail:
	printf("cannot read %s\n", full);
	if (fp != NULL)
		fclose(fp);
	free(buf);
	return NULL;
}

#endif
