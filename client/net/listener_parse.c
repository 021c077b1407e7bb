/*
 * client/net/listener_parse.c: parsing the webhook listener's HTTP requests
 * (see listener.h): the request line, headers (token characters, names),
 * Content-Length, the end of the head, and the token in the target path.
 */
#include "client/net/listener.h"
#include "client/net/prediction.h"
#include "client/net/listener_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- request parsing (pure) ---- */

static bool
is_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~", c));
}

bool
lsn_is_token_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* Case-insensitive compare of a header name of length n with lower-case s. */
static bool
name_is(const char *p, size_t n, const char *s)
{
	size_t i;

	if (strlen(s) != n)
		return false;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)p[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != s[i])
			return false;
	}
	return true;
}

/* Find the end of the head: the index just past "\r\n\r\n" or "\n\n". */
static size_t
head_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Parse the request line [p, e) into req. */
static bool
parse_request_line(const char *p, const char *e, struct listener_request *req)
{
	const char *sp1, *sp2;
	size_t n;

	for (sp1 = p; sp1 < e && is_tchar((unsigned char)*sp1); sp1++)
		;
	n = (size_t)(sp1 - p);
	if (n == 0 || n >= sizeof req->method || sp1 >= e || *sp1 != ' ')
		return false;
	memcpy(req->method, p, n);
	req->method[n] = '\0';
	for (sp2 = sp1 + 1; sp2 < e && *sp2 > ' ' && *sp2 < 0x7f; sp2++)
		;
	n = (size_t)(sp2 - (sp1 + 1));
	if (n == 0 || n >= sizeof req->target || sp2 >= e || *sp2 != ' ')
		return false;
	memcpy(req->target, sp1 + 1, n);
	req->target[n] = '\0';
	sp2++;
	if ((size_t)(e - sp2) != 8 || memcmp(sp2, "HTTP/1.", 7) != 0 ||
	    (sp2[7] != '0' && sp2[7] != '1'))
		return false;
	return true;
}

/* Content-Length: digits only, bounded; -1 when malformed. */
static long long
parse_length(const char *v, const char *e)
{
	long long n = 0;

	if (v >= e)
		return -1;
	for (; v < e; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		if (n > (long long)1 << 40)
			return -1;
		n = n * 10 + (*v - '0');
	}
	return n;
}

enum listener_parse
listener_request_parse(const char *buf, size_t len, size_t max,
    struct listener_request *req)
{
	const char *p, *e, *end;
	size_t hl;
	bool first = true;

	memset(req, 0, sizeof *req);
	if (len == 0)
		return LISTENER_PARSE_MORE;
	hl = head_end(buf, len);
	if (hl == 0) {
		if (len > LISTENER_MAX_HEADER_BYTES || len > max)
			return LISTENER_PARSE_HEAD_BIG;
		/* junk is rejected before the head ends */
		for (p = buf; p < buf + len && *p != '\n'; p++)
			if (!is_tchar((unsigned char)*p) && *p != ' ' &&
			    *p != '\r' && (*p < 0x21 || *p > 0x7e))
				return LISTENER_PARSE_BAD;
		return LISTENER_PARSE_MORE;
	}
	if (hl > LISTENER_MAX_HEADER_BYTES || hl > max)
		return LISTENER_PARSE_HEAD_BIG;
	req->head_len = hl;
	end = buf + hl;
	for (p = buf; p < end; p = e + 1) {
		const char *colon, *v, *ve;

		e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			return LISTENER_PARSE_BAD;
		ve = e;
		if (ve > p && ve[-1] == '\r')
			ve--;
		if (first) {
			if (!parse_request_line(p, ve, req))
				return LISTENER_PARSE_BAD;
			first = false;
			continue;
		}
		if (ve == p)
			break;	/* the blank line */
		for (colon = p; colon < ve && is_tchar((unsigned char)*colon);
		    colon++)
			;
		if (colon == p || colon >= ve || *colon != ':')
			return LISTENER_PARSE_BAD;
		for (v = colon + 1; v < ve && (*v == ' ' || *v == '\t'); v++)
			;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		for (const char *q = v; q < ve; q++)
			if ((unsigned char)*q < 0x20 && *q != '\t')
				return LISTENER_PARSE_BAD;
		if (name_is(p, (size_t)(colon - p), "content-length")) {
			long long n = parse_length(v, ve);

			if (n < 0 || (req->has_length &&
			    (size_t)n != req->body_len))
				return LISTENER_PARSE_BAD;
			req->body_len = (size_t)n;
			req->has_length = true;
		} else if (name_is(p, (size_t)(colon - p),
		    "transfer-encoding")) {
			return LISTENER_PARSE_UNSUPPORTED;
		} else if (name_is(p, (size_t)(colon - p), "expect")) {
			if (ve - v == 12 && name_is(v, 12, "100-continue"))
				req->expect_continue = true;
		}
	}
	if (strcmp(req->method, "POST") == 0 && !req->has_length)
		return LISTENER_PARSE_NOLEN;
	if (req->body_len > max || hl + req->body_len > max)
		return LISTENER_PARSE_BODY_BIG;
	if (len - hl < req->body_len)
		return LISTENER_PARSE_MORE;
	return LISTENER_PARSE_DONE;
}

bool
listener_target_token(const char *target, char *tok, size_t toksz)
{
	size_t plen = strlen(LISTENER_PATH_PREFIX), n;
	const char *t;

	if (strncmp(target, LISTENER_PATH_PREFIX, plen) != 0)
		return false;
	t = target + plen;
	for (n = 0; lsn_is_token_char((unsigned char)t[n]); n++)
		;
	if (n == 0 || n > LISTENER_MAX_TOKEN || n + 1 > toksz ||
	    (t[n] != '\0' && t[n] != '?'))
		return false;
	memcpy(tok, t, n);
	tok[n] = '\0';
	return true;
}
