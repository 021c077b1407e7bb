/*
 * client/net/config.h: r8play's config file (~/.config/r8play/config) and the
 * settings taken from the environment. The file is `key = value` lines
 * ('#' comments, blank lines ignored); the parser is generic so the TUI can
 * read keys of its own. A file holding a token must be mode 0600 (no group
 * or other bits) or it is refused with a message saying so. The token is
 * never copied into any message.
 */
#ifndef PG_CLIENT_CONFIG_H
#define PG_CLIENT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "client/net/rc.h"

#define CONFIG_MAX_BYTES	(64u * 1024u)
#define CONFIG_MAX_LINE		4096u
#define CONFIG_MAX_PATH		4096u

/* X(id, field, key): the keys client/ knows; struct config has fields. */
#define CONFIG_KEYS(X)							\
	X(TOKEN,	token,		"token")			\
	X(API_BASE,	api_base,	"api_base")			\
	X(OUTPUT_DIR,	output_dir,	"output_dir")			\
	X(THEME,	theme,		"theme")			\
	X(LOCAL,	local,		"local")				\
	X(ELECTRICITY_PRICE, electricity_price, "electricity_price")	\
	X(GPU_HOUR_PRICE, gpu_hour_price, "gpu_hour_price")		\
	X(SERVE_COMMAND, serve_command,	"serve_command")	\
	X(IDLE_STOP,	idle_stop,	"idle_stop")				\
	X(REGISTRY,	registry,	"registry")

struct config {
#define X(id, field, key) char *field;	/* NULL when not set */
	CONFIG_KEYS(X)
#undef X
	char	*path;		/* file read, or NULL when none existed */
};

/*
 * Called for each `key = value` line (both trimmed; value may be "").
 * Return 0 to go on, or -1 after writing a message into err (the parser
 * prefixes it with "PATH:LINE: ").
 */
typedef int (*config_line_fn)(const char *key, const char *value,
    unsigned line, void *arg, char *err, size_t errsz);

/*
 * Parse config text. name prefixes messages ("config:3: expected
 * key = value"). Returns 0, or -1 with err set.
 */
int config_parse(const char *text, size_t len, const char *name,
    config_line_fn fn, void *arg, char *err, size_t errsz);

/*
 * The config file path: $R8PLAY_CONFIG_DIR/config, else
 * $XDG_CONFIG_HOME/r8play/config, else $HOME/.config/r8play/config.
 * Returns 0, or -1 with err set (no HOME, too long).
 */
int config_path(char *buf, size_t n, char *err, size_t errsz);

/*
 * Read the config file (a missing file is an empty config) into *out
 * (release with config_done()). Unknown keys are errors with their line
 * unless lenient. CLIENT_ECONFIG with err for a bad line, a token in a
 * file readable by group/others ("... is mode 0644; a file holding the
 * API token must be 0600: chmod 600 PATH"), or an unreadable file.
 */
enum client_rc config_load(struct config *out, bool lenient, char *err,
    size_t errsz);

/* Same from an explicit path and text (tests, TUI). */
enum client_rc config_load_path(const char *path, struct config *out,
    bool lenient, char *err, size_t errsz);

void config_done(struct config *cfg);

/*
 * Effective settings: token from $REPLICATE_API_TOKEN, else the file;
 * api_base from $R8PLAY_API_BASE, else the file, else the default;
 * output_dir and local from the file. Results are borrowed from cfg or
 * the environment.
 */
const char *config_token(const struct config *cfg);
const char *config_api_base(const struct config *cfg);

#endif
