/*
 * client/net/config.c: the `key = value` config file, its path, the 0600 rule
 * for a file holding the token, and settings from the environment.
 */
#include "client/net/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/net/client.h"

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

int
config_parse(const char *text, size_t len, const char *name,
    config_line_fn fn, void *arg, char *err, size_t errsz)
{
	char line[CONFIG_MAX_LINE], sub[CLIENT_ERR_MAX];
	size_t pos = 0;
	unsigned lineno = 0;

	if (name == NULL)
		name = "config";
	if (len > CONFIG_MAX_BYTES) {
		snprintf(err, errsz, "%s: larger than %u bytes", name,
		    CONFIG_MAX_BYTES);
		return -1;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - (text + pos)) :
		    len - pos;
		char *k, *v, *eq, *e;

		lineno++;
		if (ll >= sizeof line) {
			snprintf(err, errsz, "%s:%u: line longer than %u bytes",
			    name, lineno, CONFIG_MAX_LINE - 1);
			return -1;
		}
		memcpy(line, text + pos, ll);
		line[ll] = '\0';
		pos += ll + (nl != NULL ? 1 : 0);
		if (memchr(line, '\0', ll) != NULL) {
			snprintf(err, errsz, "%s:%u: NUL byte in line", name,
			    lineno);
			return -1;
		}
		k = line;
		while (is_blank(*k))
			k++;
		if (*k == '\0' || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (eq == NULL) {
			snprintf(err, errsz, "%s:%u: expected key = value",
			    name, lineno);
			return -1;
		}
		e = eq;
		while (e > k && is_blank(e[-1]))
			e--;
		*e = '\0';
		if (*k == '\0') {
			snprintf(err, errsz, "%s:%u: missing key before '='",
			    name, lineno);
			return -1;
		}
		v = eq + 1;
		while (is_blank(*v))
			v++;
		e = v + strlen(v);
		while (e > v && is_blank(e[-1]))
			e--;
		*e = '\0';
		/* "quoted values" keep inner spaces */
		if (e - v >= 2 && v[0] == '"' && e[-1] == '"') {
			e[-1] = '\0';
			v++;
		}
		sub[0] = '\0';
		if (fn(k, v, lineno, arg, sub, sizeof sub) != 0) {
			snprintf(err, errsz, "%s:%u: %s", name, lineno, sub);
			return -1;
		}
	}
	return 0;
}

int
config_path(char *buf, size_t n, char *err, size_t errsz)
{
	const char *d = getenv("R8PLAY_CONFIG_DIR");
	int w;

	if (d != NULL && *d != '\0')
		w = snprintf(buf, n, "%s/config", d);
	else if ((d = getenv("XDG_CONFIG_HOME")) != NULL && *d == '/')
		w = snprintf(buf, n, "%s/r8play/config", d);
	else if ((d = getenv("HOME")) != NULL && *d != '\0')
		w = snprintf(buf, n, "%s/.config/r8play/config", d);
	else {
		snprintf(err, errsz, "config: no HOME to find the config in");
		return -1;
	}
	if (w < 0 || (size_t)w >= n) {
		snprintf(err, errsz, "config: path too long");
		return -1;
	}
	return 0;
}

struct load_ctx {
	struct config *cfg;
	bool lenient;
};

static int
on_key(const char *key, const char *value, unsigned line, void *arg,
    char *err, size_t errsz)
{
	struct load_ctx *lc = arg;
	char **slot = NULL;

	(void)line;
#define X(id, f, k) if (strcmp(key, k) == 0) slot = &lc->cfg->f;
	CONFIG_KEYS(X)
#undef X
	if (slot == NULL) {
		if (lc->lenient)
			return 0;
		snprintf(err, errsz, "unknown key '%.60s'", key);
		return -1;
	}
	free(*slot);
	*slot = strdup(value);
	if (*slot == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

enum client_rc
config_load_path(const char *path, struct config *out, bool lenient,
    char *err, size_t errsz)
{
	struct load_ctx lc = { out, lenient };
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	memset(out, 0, sizeof *out);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return CLIENT_OK;	/* no file: defaults */
		snprintf(err, errsz, "config: cannot open %.200s: %s", path,
		    strerror(errno));
		return CLIENT_ECONFIG;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "config: %.200s is not a regular file",
		    path);
		close(fd);
		return CLIENT_ECONFIG;
	}
	if (st.st_size > (off_t)CONFIG_MAX_BYTES) {
		snprintf(err, errsz, "config: %.200s is larger than %u bytes",
		    path, CONFIG_MAX_BYTES);
		close(fd);
		return CLIENT_ECONFIG;
	}
	text = malloc((size_t)st.st_size + 1);
	if (text == NULL) {
		close(fd);
		snprintf(err, errsz, "config: out of memory");
		return CLIENT_ENOMEM;
	}
	while (len < (size_t)st.st_size &&
	    (n = read(fd, text + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)n;
	close(fd);
	out->path = strdup(path);
	if (config_parse(text, len, path, on_key, &lc, err, errsz) != 0) {
		free(text);
		config_done(out);
		return CLIENT_ECONFIG;
	}
	free(text);
	if (out->token != NULL && (st.st_mode & 077) != 0) {
		snprintf(err, errsz, "config: %.200s is mode %04o; a file "
		    "holding the API token must be 0600 (chmod 600 %.200s)",
		    path, (unsigned)(st.st_mode & 07777), path);
		config_done(out);
		return CLIENT_ECONFIG;
	}
	return CLIENT_OK;
}

enum client_rc
config_load(struct config *out, bool lenient, char *err, size_t errsz)
{
	char path[CONFIG_MAX_PATH];

	memset(out, 0, sizeof *out);
	if (config_path(path, sizeof path, err, errsz) != 0)
		return CLIENT_ECONFIG;
	return config_load_path(path, out, lenient, err, errsz);
}

void
config_done(struct config *cfg)
{
	if (cfg == NULL)
		return;
#define X(id, f, k) free(cfg->f);
	CONFIG_KEYS(X)
#undef X
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

const char *
config_token(const struct config *cfg)
{
	const char *t = getenv("REPLICATE_API_TOKEN");

	if (t != NULL && *t != '\0')
		return t;
	return cfg != NULL && cfg->token != NULL &&
	    *cfg->token != '\0' ? cfg->token : NULL;
}

const char *
config_api_base(const struct config *cfg)
{
	const char *b = getenv("R8PLAY_API_BASE");

	if (b != NULL && *b != '\0')
		return b;
	if (cfg != NULL && cfg->api_base != NULL &&
	    *cfg->api_base != '\0')
		return cfg->api_base;
	return CLIENT_DEFAULT_API_BASE;
}
