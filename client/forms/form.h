/*
 * client/forms/form.h: the values a person types into a model's input form, their
 * validation (Cog's own rules, so a request never comes back 422 for a
 * reason r8play could have said first) and the request `input` object built
 * from them. Logic only: the TUI draws it. Needs client/forms/schema.h.
 *
 * Values are kept as text, exactly as typed, with a set/unset flag per
 * field. An unset field shows its default and is NOT sent: the server
 * applies its own default. A field the user set is always sent, even when
 * the text equals the default (a seed the user chose stays in the request).
 * form_set(…, NULL) unsets. An empty text on a non-string field (number,
 * boolean, file, enum, array, json) also counts as unset, so clearing a seed
 * means "random"; on string/text/secret fields "" is a real, sent value.
 *
 * Typing (what goes into the JSON):
 *   integer  "7", "-3", "+3" -> 7 (no fraction, no exponent, int64 range)
 *   number   any strtod-finite text -> a JSON number
 *   boolean  true/false/yes/no/on/off/1/0 (any case) -> true/false
 *   enum     must equal a choice's text; sent as the choice's JSON value
 *   array    a JSON array ("[\"a\",\"b\"]"), else one item per line
 *   union    JSON text matching a branch, else a string when a string
 *            branch exists
 *   json     raw JSON text
 *   file     http(s)://…, data:… pass through; anything else (an optional
 *            leading @ is dropped) is a local path: read and sent as a data:
 *            URI when at most the data-URI limit, else handed to the upload
 *            hook, which returns a URL
 *   secret   sent as typed; never exported (see client/forms/share.h); wiped from
 *            memory by form_free()
 */
#ifndef PG_CLIENT_FORM_H
#define PG_CLIENT_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "client/forms/schema.h"

/* Limits. */
#define FORM_DATA_URI_MAX	(256u << 10)	/* Replicate: inline up to */
#define FORM_FILE_MAX		(100u << 20)	/* any local file read */
#define FORM_VALUE_MAX		(1u << 20)	/* text of one value */
#define FORM_PATTERN_MAX	512		/* longest pattern compiled */
#define FORM_MSG_MAX		192		/* one field message */

/* form_request() flags */
#define FORM_REQ_DEFAULTS	0x1u	/* also send unset fields' defaults */
#define FORM_REQ_INLINE_ALL	0x2u	/* data: URI for any size up to
					   FORM_FILE_MAX (a local Cog server) */
#define FORM_REQ_NO_FILES	0x4u	/* do not read files: local paths are
					   left as "@path" (for exports) */
#define FORM_REQ_MASK_SECRETS	0x8u	/* secrets as "**********" (Cog's own
					   echo), for showing a request */

struct form_value {
	char		*text;		/* as typed; NULL when never set */
	bool		set;
	bool		from_arg;	/* set by form_set_arg(): a repeated
					   key appends */
	char		error[FORM_MSG_MAX];	/* "" when valid */
};

struct form {
	const struct schema *schema;	/* borrowed: must outlive the form */
	size_t		nfields;	/* == schema->nfields */
	struct form_value *values;	/* one per schema field, same order */
};

/*
 * Upload hook for local files over the data-URI limit: given the field
 * name, the path and its size, return 0 and a heap URL in *url (the form
 * frees it), or -1 with err set. ctx is the caller's.
 */
typedef int (*form_upload_fn)(void *ctx, const char *field, const char *path,
    size_t size, char **url, char *err, size_t errsz);

/* A form with every field unset (showing defaults). NULL when out of
 * memory. Free with form_free(); form_free(NULL) is a no-op. */
struct form *form_new_from_schema(const struct schema *s);
void form_free(struct form *f);

/* Index of a field by name, or -1. */
int form_find(const struct form *f, const char *name);

/*
 * Set a field's text (copied; NULL unsets). Returns 0, or -1 with err set
 * ("no input named 'x'", too long, out of memory). No validation here:
 * see form_validate().
 */
int form_set(struct form *f, const char *name, const char *text, char *err,
    size_t errsz);
int form_set_index(struct form *f, size_t i, const char *text, char *err,
    size_t errsz);

/*
 * Add one item to an array field (repeated `-i files=@a -i files=@b`);
 * on a non-array field it is form_set(). Returns 0 or -1 with err set.
 */
int form_append(struct form *f, const char *name, const char *item,
    char *err, size_t errsz);

/*
 * Apply one `key=value` argument as `r8play run -i` and `r8play schema -i`
 * take it: split at the first '='; a value starting with '@' on a file or
 * file-array field is a local path; a repeated key on an array field
 * appends. No quote stripping. Returns 0 or -1 with err set.
 */
int form_set_arg(struct form *f, const char *arg, char *err, size_t errsz);

/* Unset every field / one field. */
void form_reset(struct form *f);
void form_reset_index(struct form *f, size_t i);

/*
 * The text a field shows: what was typed when set, else the default's text,
 * else "". Borrowed, valid until the next change to that field.
 */
const char *form_text(const struct form *f, size_t i);
bool form_is_set(const struct form *f, size_t i);

/* The text with secrets masked ('*' per code point), into buf. */
const char *form_display(const struct form *f, size_t i, char *buf,
    size_t bufsz);

/*
 * Check every field; fills values[i].error ("" when valid). Returns the
 * number of invalid fields. Files are only stat()ed here, not read.
 */
int form_validate(struct form *f);

/* Check one field; returns 0 valid, -1 invalid (message in values[i]). */
int form_validate_index(struct form *f, size_t i);

/* One local file a request reads (form_local_files). */
struct form_local_file {
	size_t	 field;		/* index of the field */
	size_t	 item;		/* item index in a file array, else 0 */
	char	*path;		/* as form_request() reads it: "@" dropped,
				   "~/" expanded from $HOME; owned */
	long long size;		/* bytes; -1 when not a readable file */
};

#define FORM_MAX_LOCAL_FILES	256u	/* listed per form */

/*
 * The one list of local-file values of the set fields: every file field
 * and every item of a file-array field that is neither a URL nor a data:
 * URI, with the path form_request() will read (and hand its upload hook).
 * The uploader asks here instead of re-deriving it. *out (free with
 * form_local_files_free) and *n are set; 0, or -1 with err set (out of
 * memory, an array text that does not parse).
 */
int form_local_files(const struct form *f, struct form_local_file **out,
    size_t *n, char *err, size_t errsz);
void form_local_files_free(struct form_local_file *v, size_t n);

/* The field's message after validation, or NULL when it is valid. */
const char *form_error(const struct form *f, size_t i);

/*
 * Build the request's `input` object as compact JSON text into *json (heap,
 * caller frees). Validates first: on any invalid field returns -1 with err
 * like "2 invalid inputs: width: must be at most 1024; seed: not an
 * integer". Local files become data: URIs (up to FORM_DATA_URI_MAX, or
 * FORM_FILE_MAX with FORM_REQ_INLINE_ALL) or go through upload (NULL: a
 * larger file is an error saying it needs an upload).
 */
int form_request(struct form *f, unsigned flags, form_upload_fn upload,
    void *upload_ctx, char **json, char *err, size_t errsz);

/*
 * Load an example input into the form: json is an input object, or a
 * prediction/default_example ({"input":{…}}), or a model object (its
 * default_example.input). Every key that names a field is set; secrets and
 * "[REDACTED]" values are skipped. Returns the number of fields set, or -1
 * with err set (malformed JSON with its byte offset, not an object). When
 * keys were skipped err lists them ("ignored 2 unknown inputs: a, b") and
 * the return value is still the count set.
 */
int form_load_example(struct form *f, const char *json, size_t len,
    char *err, size_t errsz);

/*
 * MIME type guessed from a file name's extension (the table in form.c);
 * "application/octet-stream" when unknown. Static string.
 */
const char *form_mime_type(const char *path);

#endif
