/*
 * client/docker/docker_ref.c: the Docker pieces that need no socket:
 * the endpoint (DOCKER_HOST, loopback checks) and API version negotiation,
 * image references and registries, base64 and registry auth headers, and
 * the --gpus argument.
 */
#include "client/docker/docker.h"
#include "client/net/json.h"
#include "client/docker/docker_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------ endpoint */

static bool
loopback_host(const char *h, size_t n)
{
	if ((n == 9 && strncmp(h, "localhost", 9) == 0) ||
	    (n == 5 && strncmp(h, "[::1]", 5) == 0))
		return true;
	if (n >= 7 && strncmp(h, "127.", 4) == 0) {
		size_t i;

		for (i = 4; i < n; i++)
			if (!isdigit((unsigned char)h[i]) && h[i] != '.')
				return false;
		return true;
	}
	return false;
}

enum client_rc
docker_endpoint_resolve(const char *docker_host, const char *xdg_runtime_dir,
    struct docker_endpoint *out, char *err, size_t errsz)
{
	struct stat st;
	char alt[DOCKER_MAX_PATH];
	int w;

	memset(out, 0, sizeof *out);
	if (docker_host != NULL && docker_host[0] != '\0') {
		if (strncmp(docker_host, "unix://", 7) == 0) {
			const char *p = docker_host + 7;

			if (p[0] != '/' || strlen(p) >= sizeof out->socket) {
				snprintf(err, errsz, "DOCKER_HOST %.200s: "
				    "expected unix:///absolute/path",
				    docker_host);
				return CLIENT_ECONFIG;
			}
			snprintf(out->socket, sizeof out->socket, "%s", p);
			snprintf(out->base, sizeof out->base,
			    "http://localhost");
		} else if (strncmp(docker_host, "tcp://", 6) == 0) {
			const char *h = docker_host + 6, *end, *colon;
			size_t hl;

			end = h + strcspn(h, "/");
			colon = h[0] == '[' ? strstr(h, "]:") : strchr(h, ':');
			if (colon != NULL && h[0] == '[')
				colon++;
			if (colon == NULL || colon > end) {
				snprintf(err, errsz, "DOCKER_HOST %.200s: "
				    "expected tcp://127.0.0.1:PORT",
				    docker_host);
				return CLIENT_ECONFIG;
			}
			hl = (size_t)(colon - h);
			if (!loopback_host(h, hl)) {
				snprintf(err, errsz, "DOCKER_HOST %.200s: only "
				    "a loopback daemon is supported "
				    "(127.0.0.1, localhost, [::1]); for a "
				    "remote one use a unix socket",
				    docker_host);
				return CLIENT_ECONFIG;
			}
			if (*end != '\0' && strcmp(end, "/") != 0) {
				snprintf(err, errsz, "DOCKER_HOST %.200s: no "
				    "path expected", docker_host);
				return CLIENT_ECONFIG;
			}
			w = snprintf(out->base, sizeof out->base, "http://%.*s",
			    (int)(end - h), h);
			if (w < 0 || (size_t)w >= sizeof out->base) {
				snprintf(err, errsz, "DOCKER_HOST too long");
				return CLIENT_ECONFIG;
			}
		} else {
			snprintf(err, errsz, "DOCKER_HOST %.200s: only unix:// "
			    "and tcp:// on loopback are supported",
			    docker_host);
			return CLIENT_ECONFIG;
		}
		snprintf(out->name, sizeof out->name, "%s", docker_host);
		return CLIENT_OK;
	}
	snprintf(out->socket, sizeof out->socket, "%s", DOCKER_DEFAULT_SOCKET);
	if (stat(DOCKER_DEFAULT_SOCKET, &st) != 0 && xdg_runtime_dir != NULL &&
	    xdg_runtime_dir[0] == '/') {
		w = snprintf(alt, sizeof alt, "%s/docker.sock",
		    xdg_runtime_dir);
		if (w > 0 && (size_t)w < sizeof alt && stat(alt, &st) == 0)
			snprintf(out->socket, sizeof out->socket, "%s", alt);
	}
	snprintf(out->base, sizeof out->base, "http://localhost");
	snprintf(out->name, sizeof out->name, "unix://%s", out->socket);
	return CLIENT_OK;
}

/* "1.41" -> 1041; -1 when not major.minor */
static long
api_num(const char *v)
{
	char *end;
	long maj, min;

	if (v == NULL || !isdigit((unsigned char)v[0]))
		return -1;
	maj = strtol(v, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return -1;
	min = strtol(end + 1, &end, 10);
	if (*end != '\0' || maj > 1000 || min > 999)
		return -1;
	return maj * 1000 + min;
}

enum client_rc
docker_api_negotiate(const char *api_version, const char *min_api_version,
    char *out, size_t n, char *err, size_t errsz)
{
	long have = api_num(api_version), floor = api_num(min_api_version);
	long want = api_num(DOCKER_API_MAX), ours = api_num(DOCKER_API_MIN);
	long use;

	if (have < 0) {
		snprintf(err, errsz, "the Docker daemon did not say which API "
		    "version it speaks");
		return CLIENT_ESHAPE;
	}
	use = have < want ? have : want;
	if (use < ours) {
		snprintf(err, errsz, "the Docker daemon speaks API %s; r8play "
		    "needs %s or newer (Docker 20.10+)", api_version,
		    DOCKER_API_MIN);
		return CLIENT_ECONFIG;
	}
	if (floor >= 0 && use < floor) {
		snprintf(err, errsz, "the Docker daemon needs API %s or newer; "
		    "r8play speaks up to %s", min_api_version, DOCKER_API_MAX);
		return CLIENT_ECONFIG;
	}
	snprintf(out, n, "%ld.%ld", use / 1000, use % 1000);
	return CLIENT_OK;
}

/* ---------------------------------------------------------- references */

static bool
ref_char_ok(unsigned char ch)
{
	return isalnum(ch) || strchr("._-/:@+", ch) != NULL;
}

enum client_rc
docker_ref_split(const char *ref, const char *registry, char *repo,
    size_t repo_n, char *tag, size_t tag_n, char *full, size_t full_n,
    char *err, size_t errsz)
{
	char buf[DOCKER_MAX_REF];
	const char *at, *slash, *colon, *p;
	size_t rl;
	int w;

	if (ref == NULL || ref[0] == '\0') {
		snprintf(err, errsz, "empty image reference");
		return CLIENT_EINVAL;
	}
	for (p = ref; *p != '\0'; p++)
		if (!ref_char_ok((unsigned char)*p)) {
			snprintf(err, errsz, "image reference %.200s: "
			    "unexpected character", ref);
			return CLIENT_EINVAL;
		}
	if (registry != NULL && registry[0] != '\0' &&
	    strncmp(ref, DOCKER_R8_REGISTRY "/", sizeof DOCKER_R8_REGISTRY) ==
	    0)
		w = snprintf(buf, sizeof buf, "%s/%s", registry,
		    ref + sizeof DOCKER_R8_REGISTRY);
	else
		w = snprintf(buf, sizeof buf, "%s", ref);
	if (w < 0 || (size_t)w >= sizeof buf)
		goto toolong;
	at = strchr(buf, '@');
	slash = strrchr(buf, '/');
	if (at != NULL) {
		rl = (size_t)(at - buf);
		if (rl == 0 || strncmp(at + 1, "sha256:", 7) != 0 ||
		    strlen(at + 8) != 64 || strchr(at + 1, '@') != NULL) {
			snprintf(err, errsz, "image reference %.200s: a digest "
			    "is @sha256: and 64 hex digits", ref);
			return CLIENT_EINVAL;
		}
		for (p = at + 8; *p != '\0'; p++)
			if (!isxdigit((unsigned char)*p) ||
			    isupper((unsigned char)*p)) {
				snprintf(err, errsz, "image reference %.200s: "
				    "bad digest", ref);
				return CLIENT_EINVAL;
			}
		/* a "repo:tag@digest" pulls by digest alone */
		colon = NULL;
		for (p = buf; p < at; p++)
			if (*p == ':' && (slash == NULL || p > slash))
				colon = p;
		if (colon != NULL)
			rl = (size_t)(colon - buf);
		if (rl + 1 > repo_n || strlen(at + 1) + 1 > tag_n)
			goto toolong;
		memcpy(repo, buf, rl);
		repo[rl] = '\0';
		snprintf(tag, tag_n, "%s", at + 1);
		w = snprintf(full, full_n, "%s@%s", repo, tag);
	} else {
		colon = strrchr(buf, ':');
		if (colon != NULL && slash != NULL && colon < slash)
			colon = NULL;	/* host:port, no tag */
		rl = colon != NULL ? (size_t)(colon - buf) : strlen(buf);
		if (rl == 0 || (colon != NULL && colon[1] == '\0') ||
		    buf[rl - 1] == '/') {
			snprintf(err, errsz, "image reference %.200s: "
			    "malformed", ref);
			return CLIENT_EINVAL;
		}
		if (rl + 1 > repo_n)
			goto toolong;
		memcpy(repo, buf, rl);
		repo[rl] = '\0';
		snprintf(tag, tag_n, "%s", colon != NULL ? colon + 1 :
		    "latest");
		w = snprintf(full, full_n, "%s:%s", repo, tag);
	}
	if (w < 0 || (size_t)w >= full_n)
		goto toolong;
	return CLIENT_OK;
toolong:
	snprintf(err, errsz, "image reference too long (%zu bytes at most)",
	    (size_t)DOCKER_MAX_REF - 1);
	return CLIENT_EINVAL;
}

void
docker_ref_registry(const char *ref, char *out, size_t n)
{
	const char *path = docker_ref_path(ref);

	if (path == ref)
		snprintf(out, n, "docker.io");
	else
		snprintf(out, n, "%.*s", (int)(path - 1 - ref), ref);
}

/* The first component names a host when it has a '.' or a ':' or is
 * "localhost", as Docker reads references. */
const char *
docker_ref_path(const char *ref)
{
	const char *slash = strchr(ref, '/');
	size_t l;

	if (slash == NULL)
		return ref;
	l = (size_t)(slash - ref);
	if (memchr(ref, '.', l) == NULL && memchr(ref, ':', l) == NULL &&
	    !(l == 9 && strncmp(ref, "localhost", 9) == 0))
		return ref;
	return slash + 1;
}

void
docker_ref_short(const char *ref, char *out, size_t n)
{
	const char *d = strstr(ref, "@sha256:");
	size_t hex;

	if (n == 0)
		return;
	if (d != NULL) {
		hex = strspn(d + 8, "0123456789abcdefABCDEF");
		if (hex > 12 && d[8 + hex] == '\0') {
			snprintf(out, n, "%.*s\xe2\x80\xa6", (int)(d + 8 + 12 -
			    ref), ref);
			return;
		}
	}
	snprintf(out, n, "%s", ref);
}

/* ----------------------------------------------------------- base64 */

static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
b64_encode(const unsigned char *in, size_t len, char *out, size_t n)
{
	size_t i, o = 0;

	if ((len + 2) / 3 * 4 + 1 > n)
		return -1;
	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64url[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64url[v & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}

/* Decode standard base64 (padding optional); -1 on a bad character. */
static int
b64_decode(const char *in, char *out, size_t n, size_t *outlen)
{
	unsigned v = 0, bits = 0;
	size_t o = 0;

	for (; *in != '\0' && *in != '='; in++) {
		const char *p = strchr(b64std, *in);

		if (p == NULL || *in == '\0')
			return -1;
		v = (v << 6) | (unsigned)(p - b64std);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= n)
				return -1;
			out[o++] = (char)((v >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

static const cJSON *
auth_entry(const cJSON *auths, const char *registry)
{
	const cJSON *e;
	char want[300];

	e = cJSON_GetObjectItemCaseSensitive(auths, registry);
	if (e != NULL)
		return e;
	if (strcmp(registry, "docker.io") == 0)
		return cJSON_GetObjectItemCaseSensitive(auths,
		    "https://index.docker.io/v1/");
	/* "https://r8.im" and "https://r8.im/v1/" forms */
	cJSON_ArrayForEach(e, auths) {
		const char *k = e->string;

		if (k == NULL)
			continue;
		snprintf(want, sizeof want, "https://%s", registry);
		if (strncmp(k, want, strlen(want)) == 0 &&
		    (k[strlen(want)] == '\0' || k[strlen(want)] == '/'))
			return e;
	}
	return NULL;
}

int
docker_auth_header(const char *config_json, size_t len, const char *registry,
    char *out, size_t n, char *err, size_t errsz)
{
	cJSON *root, *o = NULL;
	const cJSON *auths, *e;
	const char *user, *pass, *tok, *a;
	char dec[1024], *js = NULL;
	size_t dl;
	int rc = -1;

	root = json_parse(config_json, len, NULL, err, errsz);
	if (root == NULL)
		return -1;
	auths = json_obj(root, "auths");
	e = auths != NULL ? auth_entry(auths, registry) : NULL;
	if (e == NULL || !cJSON_IsObject(e)) {
		rc = 0;
		goto out;
	}
	user = json_str(e, "username");
	pass = json_str(e, "password");
	tok = json_str(e, "identitytoken");
	a = json_str(e, "auth");
	if (a != NULL && a[0] != '\0') {
		char *colon;

		if (b64_decode(a, dec, sizeof dec, &dl) != 0 ||
		    (colon = memchr(dec, ':', dl)) == NULL) {
			snprintf(err, errsz, "docker config: auths.%.100s.auth "
			    "is not base64 of user:password", registry);
			goto out;
		}
		*colon = '\0';
		user = dec;
		pass = colon + 1;
	}
	if (user == NULL && tok == NULL) {
		rc = 0;
		goto out;
	}
	o = cJSON_CreateObject();
	if (o == NULL)
		goto oom;
	if (user != NULL && cJSON_AddStringToObject(o, "username", user) ==
	    NULL)
		goto oom;
	if (pass != NULL && cJSON_AddStringToObject(o, "password", pass) ==
	    NULL)
		goto oom;
	if (tok != NULL && cJSON_AddStringToObject(o, "identitytoken", tok) ==
	    NULL)
		goto oom;
	if (cJSON_AddStringToObject(o, "serveraddress", registry) == NULL)
		goto oom;
	js = cJSON_PrintUnformatted(o);
	if (js == NULL)
		goto oom;
	if (b64_encode((const unsigned char *)js, strlen(js), out, n) != 0) {
		snprintf(err, errsz, "docker config: credentials for %.100s "
		    "too long", registry);
		goto out;
	}
	rc = 1;
	goto out;
oom:
	snprintf(err, errsz, "out of memory");
out:
	memset(dec, 0, sizeof dec);
	if (js != NULL) {
		memset(js, 0, strlen(js));
		free(js);
	}
	cJSON_Delete(o);
	cJSON_Delete(root);
	return rc;
}

/* ---------------------------------------------------------------- gpus */

int
docker_gpus_parse(const char *s, struct docker_gpu_request *out, char *err,
    size_t errsz)
{
	const char *p;
	char *end;
	long v;

	memset(out, 0, sizeof *out);
	if (s == NULL || s[0] == '\0' || strcmp(s, "none") == 0 ||
	    strcmp(s, "0") == 0)
		return 0;
	if (strcmp(s, "all") == 0) {
		out->kind = DOCKER_GPUS_ALL;
		return 0;
	}
	v = strtol(s, &end, 10);
	if (isdigit((unsigned char)s[0]) && *end == '\0' && strchr(s, ',') ==
	    NULL && strncmp(s, "GPU-", 4) != 0 && v > 0 && v <= 64 &&
	    strlen(s) <= 2) {
		out->kind = DOCKER_GPUS_COUNT;
		out->count = (int)v;
		return 0;
	}
	/* a single "N" with N > 64 is an id; several are "0,1" or UUIDs */
	out->kind = DOCKER_GPUS_IDS;
	for (p = s; *p != '\0';) {
		size_t l = strcspn(p, ",");
		size_t i;

		if (l == 0 || l >= sizeof out->ids[0] ||
		    out->n_ids >= DOCKER_MAX_GPU_IDS) {
			snprintf(err, errsz, "--gpus %.100s: expected all, "
			    "none, a count or device ids (0,1 or GPU-uuid)",
			    s);
			memset(out, 0, sizeof *out);
			return -1;
		}
		for (i = 0; i < l; i++)
			if (!isalnum((unsigned char)p[i]) && p[i] != '-') {
				snprintf(err, errsz, "--gpus %.100s: bad "
				    "device id", s);
				memset(out, 0, sizeof *out);
				return -1;
			}
		memcpy(out->ids[out->n_ids], p, l);
		out->ids[out->n_ids++][l] = '\0';
		p += l;
		if (*p == ',')
			p++;
	}
	return 0;
}
