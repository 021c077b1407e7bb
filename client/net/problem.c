/*
 * client/net/problem.c: HTTP statuses and error bodies into client codes
 * and one-line messages (Replicate's problem+json, FastAPI's detail
 * lists, plain text). See http.h.
 */
#include "client/net/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/json.h"

enum client_rc
http_status_rc(long status)
{
	if (status == 401 || status == 403)
		return CLIENT_EAUTH;
	if (status == 404)
		return CLIENT_ENOTFOUND;
	if (status == 429)
		return CLIENT_ERATE;
	if (status >= 400 || status < 200)
		return CLIENT_EHTTP;
	return CLIENT_OK;
}

/* pydantic's [{"loc": [...], "msg": "..."}] -> "width: msg; prompt: msg" */
static void
detail_list(const cJSON *arr, char *buf, size_t n)
{
	const cJSON *it;
	size_t o = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(it, arr) {
		const cJSON *loc = json_arr(it, "loc"), *last;
		const char *msg = json_str(it, "msg");
		char where[64] = "";
		int w;

		if (cJSON_IsString(it)) {
			msg = it->valuestring;
		} else if (loc != NULL) {
			last = cJSON_GetArrayItem(loc,
			    cJSON_GetArraySize(loc) - 1);
			if (cJSON_IsString(last))
				snprintf(where, sizeof where, "%s: ",
				    last->valuestring);
			else if (cJSON_IsNumber(last))
				snprintf(where, sizeof where, "[%d]: ",
				    last->valueint);
		}
		if (msg == NULL)
			continue;
		w = snprintf(buf + o, n - o, "%s%s%s", o > 0 ? "; " : "",
		    where, msg);
		if (w < 0 || (size_t)w >= n - o)
			return;
		o += (size_t)w;
	}
}

void
http_problem(const char *what, long status, const char *body, size_t len,
    char *err, size_t errsz)
{
	char jerr[96], detail[200], code[32];
	const char *title = NULL, *d = NULL;
	const cJSON *dl;
	cJSON *root = NULL;
	size_t i;

	snprintf(code, sizeof code, "HTTP %ld", status);
	detail[0] = '\0';
	if (body != NULL && len > 0)
		root = json_parse(body, len, NULL, jerr, sizeof jerr);
	if (cJSON_IsObject(root)) {
		title = json_str(root, "title");
		d = json_str(root, "detail");
		dl = json_arr(root, "detail");
		if (d == NULL && dl != NULL) {
			detail_list(dl, detail, sizeof detail);
			if (detail[0] != '\0')
				d = detail;
		}
	} else if (body != NULL && len > 0 && len < 160 &&
	    memchr(body, '<', len) == NULL) {
		/* short plain text ("Internal Server Error") */
		for (i = 0; i < len && i + 1 < sizeof detail &&
		    body[i] != '\n' && body[i] != '\r'; i++)
			detail[i] = body[i];
		detail[i] = '\0';
		if (detail[0] != '\0')
			d = detail;
	}
	if (title != NULL && d != NULL)
		snprintf(err, errsz, "%s: %s: %s (%s)", what, title, d, code);
	else if (d != NULL || title != NULL)
		snprintf(err, errsz, "%s: %s (%s)", what, d != NULL ? d : title,
		    code);
	else
		snprintf(err, errsz, "%s: %s", what, code);
	cJSON_Delete(root);
	/* one line: server text may hold newlines ("- width: ...\n") */
	{
		char *p, *q;

		for (p = q = err; *p != '\0'; p++) {
			char ch = *p == '\n' || *p == '\r' || *p == '\t' ?
			    ' ' : *p;

			if (ch == ' ' && (q == err || q[-1] == ' '))
				continue;
			*q++ = ch;
		}
		*q = '\0';
	}
}
