/*
 * client/net/url.c: URLs of the request layer: the API-base-relative form,
 * escaping, dot-segment normalisation and the one "is this under the API
 * base" test that decides who gets the token, HOST:PORT for messages.
 * See http.h.
 */
#include "client/net/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
http_url(const struct client *c, const char *url, char *buf, size_t n)
{
	int w;

	if (url == NULL)
		return -1;
	if (url[0] == '/')
		w = snprintf(buf, n, "%s%s", c->api_base, url);
	else if (strncmp(url, "http://", 7) == 0 ||
	    strncmp(url, "https://", 8) == 0)
		w = snprintf(buf, n, "%s", url);
	else
		return -1;
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int
http_escape(const char *s, char *buf, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' ||
		    ch == '~') {
			if (o + 1 >= n)
				return -1;
			buf[o++] = (char)ch;
		} else {
			if (o + 3 >= n)
				return -1;
			buf[o++] = '%';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 15];
		}
	}
	if (o >= n)
		return -1;
	buf[o] = '\0';
	return 0;
}

/* "." or ".." (also written %2e) for the segment s[0..n). */
static int
dot_segment(const char *s, size_t n)
{
	int dots = 0;

	while (n > 0) {
		if (*s == '.') {
			s++;
			n--;
		} else if (n >= 3 && s[0] == '%' && s[1] == '2' &&
		    (s[2] == 'e' || s[2] == 'E')) {
			s += 3;
			n -= 3;
		} else
			return 0;
		if (++dots > 2)
			return 0;
	}
	return dots;
}

int
http_url_normalise(const char *url, char *out, size_t outsz)
{
	const char *auth, *path, *end;
	size_t o, segs[HTTP_MAX_URL / 2], nseg = 0;

	if (url == NULL || outsz == 0 || (auth = strstr(url, "://")) == NULL)
		return -1;
	path = auth + 3 + strcspn(auth + 3, "/?#");
	o = (size_t)(path - url);
	if (o >= outsz)
		return -1;
	memcpy(out, url, o);
	end = path + strcspn(path, "?#");
	/* RFC 3986 5.2.4 on the path, one segment ("/name") at a time */
	while (path < end) {
		const char *seg = path + 1;
		size_t n = strcspn(seg, "/?#");
		int d = dot_segment(seg, n);

		if (seg + n > end)
			n = (size_t)(end - seg);
		if (d == 2 && nseg > 0)
			o = segs[--nseg];
		if (d == 2 || d == 1) {
			if (seg + n == end) {	/* "/x/.." -> "/x/" */
				if (o + 1 >= outsz)
					return -1;
				out[o++] = '/';
				if (nseg < sizeof segs / sizeof segs[0])
					segs[nseg++] = o - 1;
			}
			path = seg + n;
			continue;
		}
		if (o + 1 + n >= outsz ||
		    nseg >= sizeof segs / sizeof segs[0])
			return -1;
		segs[nseg++] = o;
		out[o++] = '/';
		memcpy(out + o, seg, n);
		o += n;
		path = seg + n;
	}
	if (o + strlen(end) >= outsz)
		return -1;
	strcpy(out + o, end);
	return 0;
}

bool
http_url_under(const char *base, const char *url)
{
	char nb[HTTP_MAX_URL], nu[HTTP_MAX_URL];
	size_t bl;

	if (http_url_normalise(base, nb, sizeof nb) != 0 ||
	    http_url_normalise(url, nu, sizeof nu) != 0)
		return false;
	bl = strlen(nb);
	while (bl > 0 && nb[bl - 1] == '/')
		bl--;
	if (strncmp(nu, nb, bl) != 0)
		return false;
	return nu[bl] == '\0' || nu[bl] == '/' || nu[bl] == '?';
}

/* "HOST:PORT" of url (default port by scheme) into buf. */
void
http_url_host_port(const char *url, char *buf, size_t n)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;

	snprintf(buf, n, "the server");
	if (u == NULL)
		return;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK)
		snprintf(buf, n, "%.200s:%.16s", host, port);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

