/*
 * client/files/files.h: the one owner of what r8play knows about file
 * content types and their inline form: the MIME table (extension <-> type),
 * the base64 encoder and decoder, and data: URI building and parsing.
 * libc only (tests/lint/lint-deps): no curl, no cJSON, no other client/
 * module. Every other module (forms, cog, outputs, share, tui/upload) asks
 * here instead of keeping a table or an encoder of its own.
 */
#ifndef PG_CLIENT_FILES_H
#define PG_CLIENT_FILES_H

#include <stddef.h>

#define FILES_MIME_DEFAULT	"application/octet-stream"

/* Result of files_data_decode(). */
enum files_rc {
	FILES_OK = 0,
	FILES_EPARSE,		/* not a data: URI, or bad/truncated base64 */
	FILES_ELIMIT,		/* decoded bytes over the caller's max */
	FILES_ENOMEM,
};

/*
 * MIME type of a path by its extension (case-insensitive; the last dot of
 * the last path segment), FILES_MIME_DEFAULT when unknown or NULL. Static
 * text. ".wav" is "audio/x-wav", what Cog's Python mimetypes table gives.
 */
const char *files_mime_type(const char *path);

/*
 * Extension (".png") for a MIME type (parameters after ';' ignored, any
 * alias of the table accepted: "audio/wav" and "audio/x-wav" both give
 * ".wav"), "" when unknown or NULL. Static text.
 */
const char *files_mime_ext(const char *mime);

/* Characters of the base64 form of n bytes, padding included, no NUL. */
size_t files_base64_len(size_t n);

/*
 * Standard base64 (RFC 4648, '=' padded) of n bytes into out, which holds
 * files_base64_len(n) + 1 bytes; NUL-terminated. Returns the length.
 */
size_t files_base64_encode(const void *in, size_t n, char *out);

/*
 * "data:<mime>;base64,<...>" of n bytes (mime NULL: FILES_MIME_DEFAULT).
 * Caller frees; NULL when out of memory or the size overflows.
 */
char *files_data_uri(const char *mime, const void *data, size_t n);

/*
 * Decode a data: URI (";base64", standard or URL-safe alphabet, or
 * percent-encoded). On FILES_OK *data (caller frees; NUL-terminated past
 * len) and *len are set, and *mime when non-NULL (caller frees;
 * "text/plain" when the URI names none). Bytes beyond max are
 * FILES_ELIMIT; bad base64 is FILES_EPARSE with the byte offset in err.
 */
enum files_rc files_data_decode(const char *uri, size_t max,
    unsigned char **data, size_t *len, char **mime, char *err, size_t errsz);

#endif
