/*
 * client/docker/stream.c: the Docker streams, pure parts: the pull progress
 * stream and the multiplexed log stream. No I/O; fuzzed through
 * docker_pull_feed and docker_demux_feed. Endpoints, references and
 * credentials live in docker_ref.c.
 */
#include "client/docker/docker.h"
#include "client/docker/docker_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "client/net/json.h"

/* --------------------------------------------------------- pull stream */

void
docker_pull_progress_init(struct docker_pull_progress *p)
{
	memset(p, 0, sizeof *p);
}

void
docker_pull_progress_done(struct docker_pull_progress *p)
{
	free(p->line);
	p->line = NULL;
	p->line_len = p->line_alloc = 0;
}

/* Copy s into a fixed buffer with control characters as spaces. */
static void
copy_clean(char *dst, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < n; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' :
		    s[i];
	dst[i] = '\0';
}

static struct docker_layer *
layer_get(struct docker_pull_progress *p, const char *id)
{
	unsigned i;

	for (i = 0; i < p->n_layers; i++)
		if (strcmp(p->layers[i].id, id) == 0)
			return &p->layers[i];
	if (p->n_layers >= DOCKER_MAX_LAYERS)
		return NULL;
	copy_clean(p->layers[p->n_layers].id, sizeof p->layers[0].id, id);
	p->layers[p->n_layers].state = DOCKER_LAYER_WAITING;
	return &p->layers[p->n_layers++];
}

static void
totals(struct docker_pull_progress *p)
{
	unsigned i;

	p->bytes_done = p->bytes_total = 0;
	p->layers_done = 0;
	for (i = 0; i < p->n_layers; i++) {
		const struct docker_layer *l = &p->layers[i];

		if (l->state == DOCKER_LAYER_DONE)
			p->layers_done++;
		if (l->total == 0)
			continue;
		p->bytes_total += l->total;
		p->bytes_done += l->state >= DOCKER_LAYER_DOWNLOADED ?
		    l->total : (l->current < l->total ? l->current :
		    l->total);
	}
}

static bool
starts(const char *s, const char *pre)
{
	return strncmp(s, pre, strlen(pre)) == 0;
}

/* A layer id: short hex blob digest (12) */
static bool
layer_id(const char *id)
{
	size_t n = strlen(id), i;

	if (n < 12 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)id[i]))
			return false;
	return true;
}

static enum client_rc
pull_line(struct docker_pull_progress *p, const char *line, size_t len,
    char *err, size_t errsz)
{
	enum client_rc rc = CLIENT_OK;
	const char *status, *id, *e;
	const cJSON *pd, *ed;
	cJSON *j;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
	    line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return CLIENT_OK;
	j = json_parse(line, len, &rc, err, errsz);
	if (j == NULL)
		return rc == CLIENT_ELIMIT ? rc : CLIENT_EPARSE;
	if (!cJSON_IsObject(j)) {
		snprintf(err, errsz, "pull: unexpected line from the daemon");
		cJSON_Delete(j);
		return CLIENT_ESHAPE;
	}
	p->lines++;
	e = json_str(j, "error");
	ed = json_obj(j, "errorDetail");
	if (e == NULL && ed != NULL)
		e = json_str(ed, "message");
	if (e != NULL || ed != NULL) {
		char msg[512];

		copy_clean(msg, sizeof msg, e != NULL ? e : "unknown error");
		snprintf(err, errsz, "pull failed: %s", msg);
		cJSON_Delete(j);
		return CLIENT_EFAILED;
	}
	status = json_str(j, "status");
	id = json_str(j, "id");
	if (status == NULL) {
		cJSON_Delete(j);
		return CLIENT_OK;
	}
	if (id != NULL && layer_id(id)) {
		struct docker_layer *l = layer_get(p, id);

		pd = json_obj(j, "progressDetail");
		if (l != NULL) {
			if (starts(status, "Downloading")) {
				l->state = DOCKER_LAYER_DOWNLOADING;
				if (pd != NULL) {
					long long c = json_int(pd, "current",
					    -1), t = json_int(pd, "total", -1);

					if (c >= 0)
						l->current = (unsigned long
						    long)c;
					if (t > 0)
						l->total = (unsigned long
						    long)t;
				}
			} else if (starts(status, "Verifying") ||
			    starts(status, "Download complete"))
				l->state = DOCKER_LAYER_DOWNLOADED;
			else if (starts(status, "Extracting"))
				l->state = DOCKER_LAYER_EXTRACTING;
			else if (starts(status, "Pull complete") ||
			    starts(status, "Already exists"))
				l->state = DOCKER_LAYER_DONE;
			else if (starts(status, "Retrying")) {
				l->state = DOCKER_LAYER_WAITING;
				l->current = 0;
			}
			totals(p);
		}
		snprintf(p->status, sizeof p->status, "%.24s: ", id);
		copy_clean(p->status + strlen(p->status),
		    sizeof p->status - strlen(p->status), status);
	} else {
		copy_clean(p->status, sizeof p->status, status);
		if (starts(status, "Digest: "))
			copy_clean(p->digest, sizeof p->digest, status + 8);
		else if (starts(status, "Status: ")) {
			p->finished = true;
			p->up_to_date = strstr(status, "up to date") != NULL;
		}
	}
	cJSON_Delete(j);
	return CLIENT_OK;
}

enum client_rc
docker_pull_feed(struct docker_pull_progress *p, const char *buf, size_t len,
    char *err, size_t errsz)
{
	size_t i = 0;

	if (p->line_alloc == (size_t)-1) {
		snprintf(err, errsz, "pull: stream already failed");
		return CLIENT_EFAILED;
	}
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl != NULL ? (size_t)(nl - (buf + i)) : len - i;
		enum client_rc rc;

		if (p->line_len + n > DOCKER_MAX_LINE) {
			snprintf(err, errsz, "pull: a progress line is longer "
			    "than %u bytes", DOCKER_MAX_LINE);
			docker_pull_progress_done(p);
			p->line_alloc = (size_t)-1;
			return CLIENT_ELIMIT;
		}
		if (nl != NULL && p->line_len == 0) {
			rc = pull_line(p, buf + i, n, err, errsz);
		} else {
			if (p->line_len + n + 1 > p->line_alloc) {
				size_t na = p->line_alloc ? p->line_alloc * 2 :
				    256;
				char *t;

				while (na < p->line_len + n + 1)
					na *= 2;
				t = realloc(p->line, na);
				if (t == NULL) {
					snprintf(err, errsz, "out of memory");
					return CLIENT_ENOMEM;
				}
				p->line = t;
				p->line_alloc = na;
			}
			memcpy(p->line + p->line_len, buf + i, n);
			p->line_len += n;
			rc = CLIENT_OK;
			if (nl != NULL) {
				rc = pull_line(p, p->line, p->line_len, err,
				    errsz);
				p->line_len = 0;
			}
		}
		if (rc != CLIENT_OK) {
			docker_pull_progress_done(p);
			p->line_alloc = (size_t)-1;
			return rc;
		}
		i += n + (nl != NULL ? 1 : 0);
	}
	return CLIENT_OK;
}

/* ----------------------------------------------------------- log demux */

void
docker_demux_init(struct docker_demux *m)
{
	memset(m, 0, sizeof *m);
}

void
docker_demux_done(struct docker_demux *m)
{
	int i;

	for (i = 0; i < 3; i++) {
		free(m->acc[i]);
		m->acc[i] = NULL;
		m->acc_len[i] = 0;
	}
}

/* Append payload bytes of stream s, handing out complete lines. */
static int
demux_payload(struct docker_demux *m, int s, const char *b, size_t n,
    docker_line_fn fn, void *arg)
{
	while (n > 0) {
		const char *nl = memchr(b, '\n', n);
		size_t take = nl != NULL ? (size_t)(nl - b) : n;
		size_t room = DOCKER_MAX_LOG_LINE - m->acc_len[s];

		if (m->acc[s] == NULL) {
			m->acc[s] = malloc(DOCKER_MAX_LOG_LINE);
			if (m->acc[s] == NULL)
				return -1;
		}
		if (take > room) {
			/* cut an overlong line: hand out what fits */
			memcpy(m->acc[s] + m->acc_len[s], b, room);
			fn(s, m->acc[s], DOCKER_MAX_LOG_LINE, arg);
			m->acc_len[s] = 0;
			b += room;
			n -= room;
			continue;
		}
		memcpy(m->acc[s] + m->acc_len[s], b, take);
		m->acc_len[s] += take;
		b += take;
		n -= take;
		if (nl != NULL) {
			size_t l = m->acc_len[s];

			if (l > 0 && m->acc[s][l - 1] == '\r')
				l--;
			fn(s, m->acc[s], l, arg);
			m->acc_len[s] = 0;
			b++;
			n--;
		}
	}
	return 0;
}

static bool
header_ok(const unsigned char *h)
{
	return h[0] <= 2 && h[1] == 0 && h[2] == 0 && h[3] == 0;
}

int
docker_demux_feed(struct docker_demux *m, const char *buf, size_t len,
    docker_line_fn fn, void *arg, char *err, size_t errsz)
{
	if (m->failed) {
		snprintf(err, errsz, "logs: stream already failed");
		return -1;
	}
	if (m->mode == 2) {
		if (demux_payload(m, 1, buf, len, fn, arg) != 0)
			goto oom;
		return 0;
	}
	while (len > 0) {
		if (m->left == 0 && m->hdr_len < 8) {
			size_t t = 8 - m->hdr_len;

			if (t > len)
				t = len;
			memcpy(m->hdr + m->hdr_len, buf, t);
			m->hdr_len += t;
			buf += t;
			len -= t;
			if (m->hdr_len < 8)
				break;
			if (!header_ok(m->hdr) && m->mode == 0) {
				/* not multiplexed: a TTY container's raw
				   bytes, the "header" included */
				m->mode = 2;
				m->hdr_len = 0;
				if (demux_payload(m, 1, (const char *)m->hdr,
				    8, fn, arg) != 0 || demux_payload(m, 1,
				    buf, len, fn, arg) != 0)
					goto oom;
				return 0;
			}
			m->mode = 1;
			if (!header_ok(m->hdr)) {
				snprintf(err, errsz, "logs: malformed stream "
				    "header (stream byte %u)", m->hdr[0]);
				m->failed = true;
				return -1;
			}
			m->stream = m->hdr[0] == 2 ? 2 : 1;
			m->left = (unsigned long long)m->hdr[4] << 24 |
			    (unsigned long long)m->hdr[5] << 16 |
			    (unsigned long long)m->hdr[6] << 8 | m->hdr[7];
			m->hdr_len = m->left == 0 ? 0 : 8;
			continue;
		}
		{
			size_t t = m->left < len ? (size_t)m->left : len;

			if (demux_payload(m, m->stream, buf, t, fn, arg) != 0)
				goto oom;
			buf += t;
			len -= t;
			m->left -= t;
			if (m->left == 0)
				m->hdr_len = 0;
		}
	}
	return 0;
oom:
	snprintf(err, errsz, "out of memory");
	m->failed = true;
	return -1;
}

void
docker_demux_flush(struct docker_demux *m, docker_line_fn fn, void *arg)
{
	int s;

	if (m->mode == 0 && m->hdr_len > 0 && !m->failed) {
		/* fewer than 8 bytes in all: raw text, not a frame */
		m->mode = 2;
		(void)demux_payload(m, 1, (const char *)m->hdr, m->hdr_len,
		    fn, arg);
		m->hdr_len = 0;
	}
	for (s = 1; s <= 2; s++)
		if (m->acc[s] != NULL && m->acc_len[s] > 0) {
			fn(s, m->acc[s], m->acc_len[s], arg);
			m->acc_len[s] = 0;
		}
}

/* ------------------------------------------------------ one log line */

/* The length of a leading RFC 3339 timestamp and its space
 * ("2026-12-05T03:01:38.067154073Z "), or 0. */
static size_t
stamp_len(const char *s, size_t len)
{
	size_t i;

	if (len < 21 || !isdigit((unsigned char)s[0]) || s[4] != '-' ||
	    s[7] != '-' || s[10] != 'T')
		return 0;
	for (i = 11; i < len && i < 40 && s[i] != ' '; i++)
		;
	if (i >= len || i >= 40 || s[i - 1] != 'Z')
		return 0;
	return i + 1;
}

size_t
docker_log_text(const char *line, size_t len, char *out, size_t n)
{
	enum client_rc rc;
	const char *msg, *sev;
	char e[64];
	cJSON *j = NULL;
	size_t k;

	if (n == 0)
		return 0;
	k = stamp_len(line, len);
	line += k;
	len -= k;
	if (len > 1 && line[0] == '{' && len <= DOCKER_MAX_LOG_LINE)
		j = json_parse(line, len, &rc, e, sizeof e);
	msg = cJSON_IsObject(j) ? json_str(j, "message") : NULL;
	if (msg != NULL) {
		sev = json_str(j, "severity");
		if (sev == NULL)
			sev = json_str(j, "level");
		if (sev != NULL && strcasecmp(sev, "INFO") != 0 &&
		    strcasecmp(sev, "DEBUG") != 0 && strlen(sev) < 16)
			snprintf(out, n, "%s: %s", sev, msg);
		else
			snprintf(out, n, "%s", msg);
	} else {
		if (len >= n)
			len = n - 1;
		memcpy(out, line, len);
		out[len] = '\0';
	}
	cJSON_Delete(j);
	/* one line: what a message held on more is joined */
	for (k = 0; out[k] != '\0'; k++)
		if (out[k] == '\n' || out[k] == '\r')
			out[k] = ' ';
	return k;
}
