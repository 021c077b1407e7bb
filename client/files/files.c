/*
 * client/files/files.c: the MIME table, base64 and data: URIs. See files.h.
 */
#include "client/files/files.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * X(".extension", mime): the one table. Path -> type takes the first row of an
 * extension; type -> extension the first row of a type, so an alias row
 * (a second type for ".wav", a second extension for "image/jpeg") only
 * widens what is recognised. ".wav" is audio/x-wav as Cog's Python
 * mimetypes gives it; servers also send audio/wav, accepted as an alias.
 */
#define FILES_MIME_LIST(X)						\
	X(".png", "image/png")	X(".jpg", "image/jpeg")			\
	X(".jpeg", "image/jpeg")	X(".jpg", "image/jpg")			\
	X(".webp", "image/webp")	X(".gif", "image/gif")			\
	X(".bmp", "image/bmp")	X(".tif", "image/tiff")			\
	X(".tiff", "image/tiff")	X(".svg", "image/svg+xml")		\
	X(".heic", "image/heic")	X(".mp4", "video/mp4")			\
	X(".mov", "video/quicktime") X(".webm", "video/webm")		\
	X(".mkv", "video/x-matroska") X(".avi", "video/x-msvideo")	\
	X(".mp3", "audio/mpeg")	X(".wav", "audio/x-wav")			\
	X(".wav", "audio/wav")	X(".flac", "audio/flac")			\
	X(".ogg", "audio/ogg")	X(".m4a", "audio/mp4")			\
	X(".txt", "text/plain")	X(".md", "text/markdown")		\
	X(".csv", "text/csv")	X(".html", "text/html")			\
	X(".json", "application/json") X(".pdf", "application/pdf")	\
	X(".zip", "application/zip") X(".tar", "application/x-tar")	\
	X(".gz", "application/gzip") X(".glb", "model/gltf-binary")

static const struct {
	const char *ext, *mime;
} mime_table[] = {
#define X(e, m) { e, m },
	FILES_MIME_LIST(X)
#undef X
};

#define MIME_ROWS (sizeof mime_table / sizeof mime_table[0])

const char *
files_mime_type(const char *path)
{
	const char *dot, *slash;
	size_t k;

	if (path == NULL)
		return FILES_MIME_DEFAULT;
	dot = strrchr(path, '.');
	slash = strrchr(path, '/');
	if (dot == NULL || (slash != NULL && dot < slash))
		return FILES_MIME_DEFAULT;
	for (k = 0; k < MIME_ROWS; k++)
		if (strcasecmp(dot, mime_table[k].ext) == 0)
			return mime_table[k].mime;
	return FILES_MIME_DEFAULT;
}

const char *
files_mime_ext(const char *mime)
{
	size_t k, n;

	if (mime == NULL)
		return "";
	n = strcspn(mime, ";");
	while (n > 0 && (mime[n - 1] == ' ' || mime[n - 1] == '\t'))
		n--;
	for (k = 0; k < MIME_ROWS; k++)
		if (strlen(mime_table[k].mime) == n &&
		    strncasecmp(mime, mime_table[k].mime, n) == 0)
			break;
	return k < MIME_ROWS ? mime_table[k].ext : "";
}

/* ---- base64 ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
files_base64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

size_t
files_base64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *s = in;
	size_t i, at = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 |
		    s[i + 2];

		out[at++] = b64_alphabet[v >> 18 & 63];
		out[at++] = b64_alphabet[v >> 12 & 63];
		out[at++] = b64_alphabet[v >> 6 & 63];
		out[at++] = b64_alphabet[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)s[i] << 16 |
		    (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);

		out[at++] = b64_alphabet[v >> 18 & 63];
		out[at++] = b64_alphabet[v >> 12 & 63];
		out[at++] = i + 1 < n ? b64_alphabet[v >> 6 & 63] : '=';
		out[at++] = '=';
	}
	out[at] = '\0';
	return at;
}

char *
files_data_uri(const char *mime, const void *data, size_t n)
{
	size_t hl, total;
	char *out;

	if (mime == NULL)
		mime = FILES_MIME_DEFAULT;
	if (n > (SIZE_MAX - 64) / 4 * 3 - 3)
		return NULL;
	hl = strlen(mime) + sizeof "data:;base64," - 1;
	total = hl + files_base64_len(n) + 1;
	if ((out = malloc(total)) == NULL)
		return NULL;
	snprintf(out, hl + 1, "data:%s;base64,", mime);
	files_base64_encode(data, n, out + hl);
	return out;
}

/* ---- data: URI decoding ---- */

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* value + 1 of each base64 character (both alphabets), 0 for others */
static const signed char b64_value[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
	['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64, ['-'] = 63, ['_'] = 64,
};

enum files_rc
files_data_decode(const char *uri, size_t max, unsigned char **data,
    size_t *len, char **mime, char *err, size_t errsz)
{
	const char *comma, *p, *params;
	unsigned char *out;
	bool base64 = false;
	size_t ml, n, o = 0, i;
	unsigned acc = 0;
	int bits = 0, pad = 0;

	*data = NULL;
	*len = 0;
	if (mime != NULL)
		*mime = NULL;
	if (uri == NULL || strncmp(uri, "data:", 5) != 0 ||
	    (comma = strchr(uri + 5, ',')) == NULL) {
		snprintf(err, errsz, "data URI: expected data:[type][;base64],"
		    "...");
		return FILES_EPARSE;
	}
	ml = strcspn(uri + 5, ";,");
	params = uri + 5 + ml;
	for (p = params; p < comma; p++)
		if (*p == ';' && (size_t)(comma - p) >= 7 &&
		    strncmp(p, ";base64", 7) == 0 && (p + 7 == comma ||
		    p[7] == ';'))
			base64 = true;
	n = strlen(comma + 1);
	if ((base64 ? n / 4 * 3 : n) > max) {
		snprintf(err, errsz, "data URI: more than %zu bytes", max);
		return FILES_ELIMIT;
	}
	out = malloc(n + 1);
	if (out == NULL) {
		snprintf(err, errsz, "data URI: out of memory");
		return FILES_ENOMEM;
	}
	p = comma + 1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (!base64) {
			if (ch == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
			    hexval(p[i + 2]) >= 0) {
				out[o++] = (unsigned char)(hexval(p[i + 1]) *
				    16 + hexval(p[i + 2]));
				i += 2;
			} else
				out[o++] = ch;
			continue;
		}
		if (ch == '=') {
			pad++;
			continue;
		}
		if (ch == '\n' || ch == '\r' || ch == ' ')
			continue;
		if (b64_value[ch] == 0 || pad > 0) {
			free(out);
			snprintf(err, errsz, "data URI: bad base64 at byte %zu",
			    (size_t)(p - uri) + i);
			return FILES_EPARSE;
		}
		acc = (acc << 6) | (unsigned)(b64_value[ch] - 1);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (base64 && (bits >= 6 || pad > 2)) {
		free(out);
		snprintf(err, errsz, "data URI: truncated base64 at byte %zu",
		    strlen(uri));
		return FILES_EPARSE;
	}
	out[o] = '\0';
	if (mime != NULL) {
		*mime = ml > 0 ? strndup(uri + 5, ml) : strdup("text/plain");
		if (*mime == NULL) {
			free(out);
			snprintf(err, errsz, "data URI: out of memory");
			return FILES_ENOMEM;
		}
	}
	*data = out;
	*len = o;
	return FILES_OK;
}
