/*
 * client/net/json.h: the only way client/ parses JSON. Wraps cJSON with a depth
 * limit checked before parsing (cJSON recurses), byte offsets in errors and
 * typed getters that copy strings out, so no cJSON pointer leaves client/.
 * Strings are kept raw (control characters included): displaying them
 * safely is the TUI's job. Included by client/ sources only (needs cJSON).
 */
#ifndef PG_CLIENT_JSON_H
#define PG_CLIENT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "client/net/rc.h"

/* Deepest nesting of arrays/objects accepted anywhere. */
#define CLIENT_JSON_MAX_DEPTH	64

/*
 * Check nesting depth without parsing. Returns true when every array and
 * object nests at most max deep; otherwise false and *offset (if non-NULL)
 * is the byte where the limit was passed. Strings are skipped correctly.
 */
bool json_depth_ok(const char *buf, size_t len, unsigned max, size_t *offset);

/*
 * In buf (modified in place, same length), replace the value of every
 * member named key of an object that is itself the value of a member
 * named parent by null and spaces: the text stays valid JSON and that
 * value is never parsed (a search page's default_example outputs, ~40,000
 * floats nothing draws). Values shorter than 5 bytes are left. Returns how
 * many were blanked; stops at CLIENT_JSON_MAX_DEPTH.
 */
size_t json_blank_members(char *buf, size_t len, const char *parent,
    const char *key);

/*
 * Parse len bytes (no NUL needed). Returns a tree the caller frees with
 * cJSON_Delete(), or NULL with err set to e.g. "malformed JSON at byte 412
 * of 2048" / "JSON nested deeper than 64 at byte 70" / "empty body" and
 * *rc (if non-NULL) to CLIENT_EPARSE or CLIENT_ELIMIT.
 */
cJSON *json_parse(const char *buf, size_t len, enum client_rc *rc, char *err,
    size_t errsz);

/* Borrowed member string, or NULL when absent, null or not a string. */
const char *json_str(const cJSON *obj, const char *key);

/*
 * Copy of a member string into *dst (caller frees; NULL when absent/null).
 * Returns 0, or -1 when out of memory. A non-string scalar is not copied.
 */
int json_dup(const cJSON *obj, const char *key, char **dst);

/* Copy of a string (NULL in, NULL out); sets *oom on allocation failure. */
char *json_strdup(const char *s, bool *oom);

/* Number member, or dflt when absent or not a number. */
double json_num(const cJSON *obj, const char *key, double dflt);

/* Integer member (numbers truncated, clamped to long long), or dflt. */
long long json_int(const cJSON *obj, const char *key, long long dflt);

/* Boolean member, or dflt when absent or not a boolean. */
bool json_bool(const cJSON *obj, const char *key, bool dflt);

/*
 * Compact JSON text of a subtree (caller frees), or NULL when out of memory.
 * Only used on trees json_parse() accepted, so the depth is bounded.
 */
char *json_print(const cJSON *item);

/* Member object/array or NULL (borrowed); case-sensitive. */
const cJSON *json_obj(const cJSON *obj, const char *key);
const cJSON *json_arr(const cJSON *obj, const char *key);

/*
 * Append s to the growing buffer *buf (length *len, capacity *cap), JSON
 * string-escaped with quotes. Returns 0 or -1 when out of memory.
 */
int json_buf_quote(char **buf, size_t *len, size_t *cap, const char *s);

#endif
