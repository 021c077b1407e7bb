/*
 * client/net/outputs.h: a finished prediction's files on disk. Every file
 * output (URL or data: URI) is fetched at once (URLs expire), written to a
 * temporary file and renamed into the output directory under a safe name:
 * never a path from the server, only a sanitised basename, de-duplicated
 * (output.png, output-1.png, ...). Used by the Replicate and Cog paths.
 */
#ifndef PG_CLIENT_OUTPUTS_H
#define PG_CLIENT_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "client/net/client.h"
#include "client/net/prediction.h"
#include "client/net/rc.h"

#define OUTPUTS_MAX_NAME	96u	/* bytes of one file name */
#define OUTPUTS_MAX_FILES	1024u	/* files saved from one prediction */
#define OUTPUTS_MAX_DUP		10000	/* -N suffixes tried */
#define OUTPUTS_PART_PREFIX	".r8play-part-"	/* files being written */
#define OUTPUTS_CLEAN_MAX	4096u	/* entries a stale scan reads per dir */

/*
 * A safe file name for an output (into buf, NUL-terminated): the last path
 * segment of the URL (query and fragment dropped, %XX decoded), or for a
 * data: URI "output" plus an extension from its MIME type; then every byte
 * outside [A-Za-z0-9._-] becomes '_', leading dots are dropped, the length
 * is capped (keeping the extension) and an empty result is "output".
 * key (may be NULL) prefixes a name taken from an object output.
 */
void outputs_safe_name(const char *value, const char *key, char *buf,
    size_t n);

/* Extension (".png") for a MIME type, "" when unknown. Static text. */
const char *outputs_mime_ext(const char *mime);

/*
 * Decode a data: URI (";base64" or percent-encoded). On CLIENT_OK *data
 * (caller frees; NUL-terminated past len) and *len are set, and *mime
 * when non-NULL (caller frees; "text/plain" when the URI names none).
 * Bytes beyond max are ELIMIT; bad base64 is EPARSE with the offset.
 */
enum client_rc outputs_data_decode(const char *uri, size_t max,
    unsigned char **data, size_t *len, char **mime, char *err, size_t errsz);

/*
 * Write len bytes to dir/name atomically (dir/.r8play-part-XXXXXX then
 * link or rename),
 * choosing name-1, name-2, ... (before the extension) when taken. The path
 * written goes into *path (caller frees). Creates dir (mode 0755) when
 * missing. CLIENT_EIO with err naming the path on failure.
 */
enum client_rc outputs_write(const char *dir, const char *name,
    const void *data, size_t len, char **path, char *err, size_t errsz);

/*
 * Remove the part files (OUTPUTS_PART_PREFIX) that a killed r8play left in
 * dir (NULL: ".") and in its direct subfolders (the per-prediction
 * folders): only files no live process holds locked, so a download in
 * progress elsewhere is left alone. Returns how many were removed. Called
 * by client_new() for the configured output folder (or "."); the TUI and
 * CLI may call it for another folder they save into.
 */
unsigned outputs_clean_stale(const char *dir);

/*
 * Save every URL and data: output of p into dir (NULL: the client's
 * output_dir, else "./<prediction id>"). URLs are downloaded concurrently
 * (auth only for API-base URLs) and streamed into part files (never held
 * in memory) by the save's own worker thread (client/net/outputs_worker.h:
 * the writes, fsyncs, renames and data: decodes never run on the caller's
 * loop; at most OUTPUTS_WORKER_QUEUE_MAX bytes wait for the disk):
 * a Content-Length over max_file_bytes is refused before any
 * byte, the decoded size (gzip) is capped at max_file_bytes per file and
 * max_run_bytes for all of them, a part is removed on every failure and
 * renamed into place only when complete. The DONE event carries `saved`
 * (paths in output order). A prediction without file outputs completes with n == 0
 * and no directory created. One failed file fails the request with an
 * error naming it, after the others are written (nothing is lost).
 */
unsigned outputs_save(struct client *c, const struct prediction *p,
    const char *dir, char *err, size_t errsz);

#endif
