/*
 * client/forms/share.h: "share as": the request a form would send, written as a
 * command or program a person can paste: curl for Replicate (by version or
 * the official-model endpoint), curl for a Cog server, `cog predict -i`,
 * Python, JavaScript and `r8play run`. Shell words are POSIX-quoted
 * (single quotes; ' as '\'') whatever the values hold: quotes, newlines,
 * $, backticks, unicode.
 *
 * Never in any export: the API token (always "$REPLICATE_API_TOKEN") and
 * secret inputs, which become an environment variable named after the
 * field (hf_token -> $HF_TOKEN; os.environ["HF_TOKEN"] in Python,
 * process.env.HF_TOKEN in JS). Local files stay local paths: @path for
 * cog/r8play, open(path, "rb") in Python, readFile(path) in JS, and in curl
 * a data: URI built by the shell ($(base64 < path | tr -d '\n')), so the
 * body the server receives equals the one r8play sends for files inlined
 * as data: URIs.
 */
#ifndef PG_CLIENT_SHARE_H
#define PG_CLIENT_SHARE_H

#include <stddef.h>

#include "client/forms/form.h"

#define SHARE_API_BASE	"https://api.replicate.com/v1"
#define SHARE_COG_URL	"http://localhost:5000"

/* X(id, name, what) */
#define SHARE_FORMAT_LIST(X)						\
	X(CURL,		"curl",		"curl, Replicate API (by version)") \
	X(CURL_MODEL,	"curl-model",	"curl, Replicate official endpoint") \
	X(CURL_COG,	"curl-cog",	"curl, a local Cog server")	\
	X(COG,		"cog",		"cog predict -i key=value")	\
	X(PYTHON,	"python",	"Python, replicate.run()")	\
	X(JS,		"js",		"JavaScript, replicate.run()")	\
	X(R8PLAY,	"r8play",	"r8play run -i key=value")

enum share_format {
#define X(id, name, what) SHARE_##id,
	SHARE_FORMAT_LIST(X)
#undef X
	SHARE__COUNT
};

struct share_target {
	const char	*model;		/* "owner/name", or NULL */
	const char	*version;	/* version id, or NULL */
	const char	*api_base;	/* NULL: SHARE_API_BASE */
	const char	*cog_url;	/* NULL: SHARE_COG_URL */
};

/*
 * Write the form's request in format fmt into *out (heap, caller frees,
 * ends with a newline). Returns 0, or -1 with err set: the form has
 * invalid inputs (same message as form_request()), a Replicate format
 * without a model, out of memory. CURL without a version uses the
 * official-model endpoint.
 */
int share_export(struct form *f, enum share_format fmt,
    const struct share_target *t, char **out, char *err, size_t errsz);

/* Format by name ("curl", "python", …), or -1. Static name of a format. */
int share_format_from_name(const char *name);
const char *share_format_name(enum share_format fmt);
const char *share_format_what(enum share_format fmt);

/* s as one POSIX shell word (heap; NULL when out of memory). */
char *share_sh_quote(const char *s);

/* Environment variable standing in for a secret field, into buf. */
const char *share_secret_var(const char *field, char *buf, size_t bufsz);

#endif
