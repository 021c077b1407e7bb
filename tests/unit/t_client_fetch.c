/* Unit tests for client_fetch() (client/net/fetch.c) against the fake
 * Replicate server: bytes identical to the fixture, the cap enforced, the
 * token sent only under the API base, errors and cancellation. */
#include "client/net/fetch.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/net/client.h"
#include "tests/unit/fake.h"
#include "tests/unit/t.h"

#define TOKEN	"r8_fake_0123456789abcdef"

struct got {
	unsigned id;
	bool	 done;
	enum client_event_kind kind;
	enum client_rc rc;
	enum client_req req;
	long	 status;
	char	*body;
	size_t	 len;
	char	 err[CLIENT_ERR_MAX];
};

static void
on_event(struct client_event *ev, void *arg)
{
	struct got *g = arg;

	if (ev->id != g->id)
		return;
	g->done = true;
	g->kind = ev->kind;
	g->rc = ev->rc;
	g->req = ev->req;
	g->status = ev->http_status;
	g->body = ev->body;	/* taken */
	g->len = ev->body_len;
	ev->body = NULL;
	snprintf(g->err, sizeof g->err, "%s", ev->err ? ev->err : "");
}

static bool
is_done(void *arg)
{
	return ((struct got *)arg)->done;
}

/* Fetch url (cap) and wait; the result in *g (g->body: caller frees). */
static void
fetch(struct client *c, const char *url, size_t cap, struct got *g)
{
	char err[CLIENT_ERR_MAX];

	memset(g, 0, sizeof *g);
	g->id = client_fetch(c, url, cap, err, sizeof err);
	if (!T_OK(g->id != 0)) {
		printf("     client_fetch: %s\n", err);
		return;
	}
	if (client_run_until(c, is_done, g, on_event, g, NULL, 0, 15000, err,
	    sizeof err) != CLIENT_OK)
		printf("     run: %s\n", err);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
		if (fp)
			fclose(fp);
		return NULL;
	}
	rewind(fp);
	b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, fp);
	fclose(fp);
	return b;
}

int
main(void)
{
	const char *const extra[] = { "--quiet", NULL };
	const char *root = getenv("ROOT");
	char base[128], api[160], url[300], path[1024], err[CLIENT_ERR_MAX];
	struct client_config cc;
	struct client *c;
	struct got g;
	char *want, *p;
	size_t wlen = 0;
	pid_t pid;

	snprintf(path, sizeof path, "%s/tests/fixtures/images/"
	    "sdxl-corgi-512.webp", root ? root : ".");
	want = slurp(path, &wlen);
	if (!T_OK(want != NULL && wlen > 1000))
		return T_SUMMARY();
	if (fake_start("replicate.py", extra, &pid, base, sizeof base) != 0) {
		T_OK(!"fake started");
		return T_SUMMARY();
	}
	client_config_defaults(&cc);
	snprintf(api, sizeof api, "%s/v1", base);
	cc.api_base = api;
	cc.token = TOKEN;
	cc.retry_base_ms = 50;
	c = client_new(&cc, err, sizeof err);
	if (!T_OK(c != NULL)) {
		fake_stop(pid);
		return T_SUMMARY();
	}

	/* the bytes, exactly (the fake serves the fixture at /delivery/) */
	snprintf(url, sizeof url, "%s/delivery/xezq/cover.webp", base);
	fetch(c, url, 0, &g);
	T_EQ(g.kind, CLIENT_EV_DONE);
	T_EQ(g.req, CLIENT_REQ_FETCH);
	T_EQ(g.status, 200);
	T_EQ(g.len, wlen);
	T_OK(g.body != NULL && g.len == wlen &&
	    memcmp(g.body, want, wlen) == 0);
	T_OK(g.body != NULL && g.body[g.len] == '\0');
	free(g.body);

	/* exactly the size fits; one byte less is refused */
	fetch(c, url, wlen, &g);
	T_EQ(g.kind, CLIENT_EV_DONE);
	T_EQ(g.len, wlen);
	free(g.body);
	fetch(c, url, wlen - 1, &g);
	T_EQ(g.kind, CLIENT_EV_ERROR);
	T_EQ(g.rc, CLIENT_ELIMIT);
	snprintf(path, sizeof path, "fetch: more than %zu bytes", wlen - 1);
	T_STREQ(g.err, path);
	T_OK(g.body == NULL);
	fetch(c, url, 100, &g);
	T_EQ(g.rc, CLIENT_ELIMIT);

	/* a 404 is an error naming the status */
	snprintf(url, sizeof url, "%s/delivery/nothing.txt", base);
	fetch(c, url, 0, &g);
	T_EQ(g.kind, CLIENT_EV_ERROR);
	T_EQ(g.rc, CLIENT_ENOTFOUND);
	T_EQ(g.status, 404);
	T_OK(strncmp(g.err, "fetch: ", 7) == 0);
	free(g.body);

	/* "/path" is under the API base: the token goes there, only there */
	fetch(c, "/hardware", 0, &g);
	T_EQ(g.kind, CLIENT_EV_DONE);
	T_OK(g.body != NULL && strstr(g.body, "\"sku\"") != NULL);
	free(g.body);
	snprintf(url, sizeof url, "%s/_fake/requests", base);
	fetch(c, url, 0, &g);
	T_EQ(g.kind, CLIENT_EV_DONE);
	T_OK(g.body != NULL && strstr(g.body, TOKEN) == NULL);
	if (g.body != NULL) {
		/* each record: "path": ..., then its headers */
		p = strstr(g.body, "\"/delivery/xezq/cover.webp\"");
		T_OK(p != NULL);
		if (p != NULL) {
			char *next = strstr(p + 1, "\"method\"");
			char *auth = strstr(p, "Authorization");

			T_OK(auth == NULL || (next != NULL && auth > next));
		}
		p = strstr(g.body, "\"/v1/hardware\"");
		T_OK(p != NULL && strstr(p, "\"auth_ok\": true") != NULL);
	}
	free(g.body);

	/* cancelled: no event, nothing leaked (ASan) */
	snprintf(url, sizeof url, "%s/delivery/xezq/cover.webp", base);
	g.id = client_fetch(c, url, 0, err, sizeof err);
	T_OK(g.id != 0);
	client_cancel(c, g.id);
	T_EQ(client_pending(c), 0u);
	/* one left in flight is freed by client_free */
	g.id = client_fetch(c, url, 0, err, sizeof err);
	T_OK(g.id != 0);

	client_free(c);
	fake_stop(pid);
	free(want);
	return T_SUMMARY();
}
