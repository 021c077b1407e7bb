/*
 * tests/unit/t_client_docker.c: the pure parts of client/docker/: finding
 * the daemon, API negotiation (20.10, 25, 29), references, credentials,
 * --gpus, the pull stream (recorded streams 32, 42, 43 fed in every split)
 * and the log demuxer (recorded 62 fed byte by byte).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/docker/docker.h"
#include "tests/unit/t.h"

static char *
slurp(const char *name, size_t *len)
{
	char path[512];
	const char *root = getenv("ROOT");
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/tests/fixtures/docker/engine/%s",
	    root ? root : ".", name);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	fclose(f);
	return buf;
}

static void
test_endpoint(void)
{
	struct docker_endpoint ep;
	char err[256];

	T_EQ(docker_endpoint_resolve("unix:///tmp/d.sock", NULL, &ep, err,
	    sizeof err), CLIENT_OK);
	T_STREQ(ep.socket, "/tmp/d.sock");
	T_STREQ(ep.base, "http://localhost");
	T_STREQ(ep.name, "unix:///tmp/d.sock");
	T_EQ(docker_endpoint_resolve("tcp://127.0.0.1:2375", NULL, &ep, err,
	    sizeof err), CLIENT_OK);
	T_STREQ(ep.socket, "");
	T_STREQ(ep.base, "http://127.0.0.1:2375");
	T_EQ(docker_endpoint_resolve("tcp://localhost:2375", NULL, &ep, err,
	    sizeof err), CLIENT_OK);
	T_EQ(docker_endpoint_resolve("tcp://[::1]:2375", NULL, &ep, err,
	    sizeof err), CLIENT_OK);
	T_STREQ(ep.base, "http://[::1]:2375");
	T_EQ(docker_endpoint_resolve("tcp://10.0.0.5:2375", NULL, &ep, err,
	    sizeof err), CLIENT_ECONFIG);
	T_OK(strstr(err, "loopback") != NULL);
	T_EQ(docker_endpoint_resolve("tcp://127.0.0.1.evil.com:2375", NULL,
	    &ep, err, sizeof err), CLIENT_ECONFIG);
	T_EQ(docker_endpoint_resolve("ssh://me@box", NULL, &ep, err,
	    sizeof err), CLIENT_ECONFIG);
	T_EQ(docker_endpoint_resolve("unix://relative", NULL, &ep, err,
	    sizeof err), CLIENT_ECONFIG);
	/* no DOCKER_HOST: the default socket (named even when absent) */
	T_EQ(docker_endpoint_resolve(NULL, "/nonexistent-xdg", &ep, err,
	    sizeof err), CLIENT_OK);
	T_STREQ(ep.socket, DOCKER_DEFAULT_SOCKET);
	T_EQ(docker_endpoint_resolve("", NULL, &ep, err, sizeof err),
	    CLIENT_OK);
}

static void
test_negotiate(void)
{
	char v[16], err[256];

	/* Debian's 20.10 */
	T_EQ(docker_api_negotiate("1.41", "1.12", v, sizeof v, err,
	    sizeof err), CLIENT_OK);
	T_STREQ(v, "1.41");
	/* Docker 25 */
	T_EQ(docker_api_negotiate("1.44", "1.24", v, sizeof v, err,
	    sizeof err), CLIENT_OK);
	T_STREQ(v, "1.44");
	/* Docker 29: 1.52 with a floor of 1.44 */
	T_EQ(docker_api_negotiate("1.52", "1.44", v, sizeof v, err,
	    sizeof err), CLIENT_OK);
	T_STREQ(v, "1.44");
	/* a future daemon whose floor is above what we speak */
	T_EQ(docker_api_negotiate("1.60", "1.50", v, sizeof v, err,
	    sizeof err), CLIENT_ECONFIG);
	T_OK(strstr(err, "1.50") != NULL);
	/* too old a daemon */
	T_EQ(docker_api_negotiate("1.40", "1.12", v, sizeof v, err,
	    sizeof err), CLIENT_ECONFIG);
	T_EQ(docker_api_negotiate("", "", v, sizeof v, err, sizeof err),
	    CLIENT_ESHAPE);
	T_EQ(docker_api_negotiate("1.x", NULL, v, sizeof v, err, sizeof err),
	    CLIENT_ESHAPE);
}

static void
test_refs(void)
{
	char repo[DOCKER_MAX_REF], tag[DOCKER_MAX_REF], full[DOCKER_MAX_REF];
	char err[256], reg[128];
	const char *dg = "sha256:a0e5f9b402c6ee6f183922ebec71d9a8f6e2b7f541339d6"
	    "bbc9ec0ad506b41c6";
	char ref[300];

	snprintf(ref, sizeof ref, "r8.im/acme/model@%s", dg);
	T_EQ(docker_ref_split(ref, NULL, repo, sizeof repo, tag, sizeof tag,
	    full, sizeof full, err, sizeof err), CLIENT_OK);
	T_STREQ(repo, "r8.im/acme/model");
	T_STREQ(tag, dg);
	T_STREQ(full, ref);
	/* the registry override (R8PLAY_REGISTRY) */
	T_EQ(docker_ref_split(ref, "127.0.0.1:5400", repo, sizeof repo, tag,
	    sizeof tag, full, sizeof full, err, sizeof err), CLIENT_OK);
	T_STREQ(repo, "127.0.0.1:5400/acme/model");
	/* host:port without a tag gets latest, never an empty tag */
	T_EQ(docker_ref_split("127.0.0.1:5400/acme/text-demo", NULL, repo,
	    sizeof repo, tag, sizeof tag, full, sizeof full, err, sizeof err),
	    CLIENT_OK);
	T_STREQ(repo, "127.0.0.1:5400/acme/text-demo");
	T_STREQ(tag, "latest");
	T_STREQ(full, "127.0.0.1:5400/acme/text-demo:latest");
	T_EQ(docker_ref_split("busybox:1.36", "x", repo, sizeof repo, tag,
	    sizeof tag, full, sizeof full, err, sizeof err), CLIENT_OK);
	T_STREQ(repo, "busybox");
	T_STREQ(tag, "1.36");
	/* tag and digest: the digest wins */
	snprintf(ref, sizeof ref, "acme/m:v1@%s", dg);
	T_EQ(docker_ref_split(ref, NULL, repo, sizeof repo, tag, sizeof tag,
	    full, sizeof full, err, sizeof err), CLIENT_OK);
	T_STREQ(repo, "acme/m");
	T_STREQ(tag, dg);
	/* malformed */
	T_EQ(docker_ref_split("acme/m@sha256:abc", NULL, repo, sizeof repo,
	    tag, sizeof tag, full, sizeof full, err, sizeof err),
	    CLIENT_EINVAL);
	T_EQ(docker_ref_split("", NULL, repo, sizeof repo, tag, sizeof tag,
	    full, sizeof full, err, sizeof err), CLIENT_EINVAL);
	T_EQ(docker_ref_split("a b", NULL, repo, sizeof repo, tag, sizeof tag,
	    full, sizeof full, err, sizeof err), CLIENT_EINVAL);
	T_EQ(docker_ref_split("acme/m:", NULL, repo, sizeof repo, tag,
	    sizeof tag, full, sizeof full, err, sizeof err), CLIENT_EINVAL);
	docker_ref_registry("r8.im/acme/m", reg, sizeof reg);
	T_STREQ(reg, "r8.im");
	docker_ref_registry("acme/m", reg, sizeof reg);
	T_STREQ(reg, "docker.io");
	docker_ref_registry("localhost/m", reg, sizeof reg);
	T_STREQ(reg, "localhost");
	docker_ref_registry("127.0.0.1:5400/m", reg, sizeof reg);
	T_STREQ(reg, "127.0.0.1:5400");
	T_STREQ(docker_ref_path("127.0.0.1:5400/acme/x:latest"),
	    "acme/x:latest");
	T_STREQ(docker_ref_path("localhost/m"), "m");
	T_STREQ(docker_ref_path("acme/m"), "acme/m");
	{
		char out[128];

		docker_ref_short("r8.im/a/b@sha256:7762fd07cf82c948538e41f63f"
		    "77d685e02b063e37e496e96eefd46c929f9bdc", out, sizeof out);
		T_STREQ(out, "r8.im/a/b@sha256:7762fd07cf82\xe2\x80\xa6");
		docker_ref_short("r8.im/a/b:latest", out, sizeof out);
		T_STREQ(out, "r8.im/a/b:latest");
		docker_ref_short("a@sha256:abc", out, sizeof out);
		T_STREQ(out, "a@sha256:abc");	/* short already */
		docker_ref_short("a@sha256:7762fd07cf82c948538e41f63f!", out,
		    sizeof out);	/* not a digest: as is */
		T_STREQ(out, "a@sha256:7762fd07cf82c948538e41f63f!");
		docker_ref_short("r8.im/a/b:latest", out, 6);
		T_STREQ(out, "r8.im");
	}
	T_STREQ(docker_ref_path("ubuntu"), "ubuntu");
}

static void
test_auth(void)
{
	/* "auth" is base64("r8:s3cret") */
	const char *cfg = "{\"auths\":{\"r8.im\":{\"auth\":\"cjg6czNjcmV0\"},"
	    "\"https://index.docker.io/v1/\":{\"username\":\"u\","
	    "\"password\":\"p\"},\"bad.io\":{\"auth\":\"!!\"}}}";
	char out[DOCKER_MAX_AUTH], err[256];

	T_EQ(docker_auth_header(cfg, strlen(cfg), "r8.im", out, sizeof out,
	    err, sizeof err), 1);
	/* base64url of {"username":"r8","password":"s3cret",
	   "serveraddress":"r8.im"} */
	T_STREQ(out, "eyJ1c2VybmFtZSI6InI4IiwicGFzc3dvcmQiOiJzM2NyZXQiLCJzZXJ2"
	    "ZXJhZGRyZXNzIjoicjguaW0ifQ==");
	T_EQ(docker_auth_header(cfg, strlen(cfg), "docker.io", out,
	    sizeof out, err, sizeof err), 1);
	T_EQ(docker_auth_header(cfg, strlen(cfg), "ghcr.io", out, sizeof out,
	    err, sizeof err), 0);
	T_EQ(docker_auth_header(cfg, strlen(cfg), "bad.io", out, sizeof out,
	    err, sizeof err), -1);
	T_EQ(docker_auth_header("{", 1, "r8.im", out, sizeof out, err,
	    sizeof err), -1);
	T_EQ(docker_auth_header("{}", 2, "r8.im", out, sizeof out, err,
	    sizeof err), 0);
	/* credential helpers only: anonymous */
	T_EQ(docker_auth_header("{\"credsStore\":\"desktop\"}", 24, "r8.im",
	    out, sizeof out, err, sizeof err), 0);
}

static void
test_gpus(void)
{
	struct docker_gpu_request g;
	char err[256];

	T_EQ(docker_gpus_parse("all", &g, err, sizeof err), 0);
	T_EQ(g.kind, DOCKER_GPUS_ALL);
	T_EQ(docker_gpus_parse("none", &g, err, sizeof err), 0);
	T_EQ(g.kind, DOCKER_GPUS_NONE);
	T_EQ(docker_gpus_parse(NULL, &g, err, sizeof err), 0);
	T_EQ(g.kind, DOCKER_GPUS_NONE);
	T_EQ(docker_gpus_parse("2", &g, err, sizeof err), 0);
	T_EQ(g.kind, DOCKER_GPUS_COUNT);
	T_EQ(g.count, 2);
	T_EQ(docker_gpus_parse("0,1", &g, err, sizeof err), 0);
	T_EQ(g.kind, DOCKER_GPUS_IDS);
	T_EQ(g.n_ids, 2);
	T_STREQ(g.ids[1], "1");
	T_EQ(docker_gpus_parse("GPU-3f2a1b4c", &g, err, sizeof err), 0);
	T_EQ(g.kind, DOCKER_GPUS_IDS);
	T_STREQ(g.ids[0], "GPU-3f2a1b4c");
	T_EQ(docker_gpus_parse("0,,1", &g, err, sizeof err), -1);
	T_EQ(docker_gpus_parse("a;b", &g, err, sizeof err), -1);
}

/* Feed a recorded stream in pieces of step bytes. */
static enum client_rc
feed(const char *buf, size_t len, size_t step,
    struct docker_pull_progress *p, char *err, size_t errsz)
{
	size_t i;
	enum client_rc rc = CLIENT_OK;

	docker_pull_progress_init(p);
	for (i = 0; i < len && rc == CLIENT_OK; i += step)
		rc = docker_pull_feed(p, buf + i, len - i < step ? len - i :
		    step, err, errsz);
	return rc;
}

static void
test_pull_stream(void)
{
	struct docker_pull_progress p;
	char err[512], *b;
	size_t len, steps[] = { 1, 7, 64, 100000 }, i;

	b = slurp("32-pull-by-digest.body", &len);
	T_OK(b != NULL);
	for (i = 0; b != NULL && i < sizeof steps / sizeof steps[0]; i++) {
		T_EQ(feed(b, len, steps[i], &p, err, sizeof err), CLIENT_OK);
		T_OK(p.finished);
		T_OK(!p.up_to_date);
		T_EQ(p.n_layers, 3);
		T_EQ(p.layers_done, 3);
		T_EQ(p.bytes_done, p.bytes_total);
		T_EQ(p.bytes_total, 1151);
		T_OK(strncmp(p.digest, "sha256:", 7) == 0);
		T_OK(strstr(p.status, "Downloaded newer image") != NULL);
		docker_pull_progress_done(&p);
	}
	free(b);
	b = slurp("34-pull-by-digest-at-form.body", &len);
	T_EQ(feed(b, len, 5, &p, err, sizeof err), CLIENT_OK);
	T_OK(p.finished && p.up_to_date);
	docker_pull_progress_done(&p);
	free(b);
	/* errors inside a 200 stream are errors */
	b = slurp("42-pull-instream-error-digest-mismatch.body", &len);
	T_EQ(feed(b, len, 3, &p, err, sizeof err), CLIENT_EFAILED);
	T_OK(strstr(err, "filesystem layer verification failed") != NULL);
	T_OK(!p.finished);
	/* and the parser stays failed */
	T_EQ(docker_pull_feed(&p, "{}\n", 3, err, sizeof err), CLIENT_EFAILED);
	docker_pull_progress_done(&p);
	free(b);
	b = slurp("43-pull-instream-error-retries.body", &len);
	T_EQ(feed(b, len, 4096, &p, err, sizeof err), CLIENT_EFAILED);
	T_OK(strstr(err, "received unexpected HTTP status: 500") != NULL);
	docker_pull_progress_done(&p);
	free(b);
	/* garbage and overlong lines */
	docker_pull_progress_init(&p);
	T_EQ(docker_pull_feed(&p, "not json\n", 9, err, sizeof err),
	    CLIENT_EPARSE);
	docker_pull_progress_done(&p);
	docker_pull_progress_init(&p);
	b = malloc(DOCKER_MAX_LINE + 10);
	memset(b, ' ', DOCKER_MAX_LINE + 10);
	T_EQ(docker_pull_feed(&p, b, DOCKER_MAX_LINE + 10, err, sizeof err),
	    CLIENT_ELIMIT);
	docker_pull_progress_done(&p);
	free(b);
	/* the full-disk line the daemon writes */
	docker_pull_progress_init(&p);
	{
		const char *fd = "{\"errorDetail\":{\"message\":\"write /var/"
		    "lib/docker/tmp/x: no space left on device\"},\"error\":"
		    "\"write /var/lib/docker/tmp/x: no space left on device"
		    "\"}\r\n";

		T_EQ(docker_pull_feed(&p, fd, strlen(fd), err, sizeof err),
		    CLIENT_EFAILED);
	}
	T_OK(strstr(err, "no space left on device") != NULL);
	docker_pull_progress_done(&p);
}

struct lines {
	unsigned n[3];
	char last[3][512];
	size_t longest;
};

static void
on_line(int stream, const char *line, size_t len, void *arg)
{
	struct lines *l = arg;

	if (stream < 1 || stream > 2)
		return;
	l->n[stream]++;
	if (len > l->longest)
		l->longest = len;
	snprintf(l->last[stream], sizeof l->last[stream], "%.*s", (int)len,
	    line);
}

static void
test_demux(void)
{
	struct docker_demux m;
	struct lines a, b;
	char err[256], *buf, big[8 + DOCKER_MAX_LOG_LINE + 100];
	size_t len, i;

	buf = slurp("62-logs.body", &len);
	T_OK(buf != NULL);
	if (buf == NULL)
		return;
	memset(&a, 0, sizeof a);
	docker_demux_init(&m);
	T_EQ(docker_demux_feed(&m, buf, len, on_line, &a, err, sizeof err), 0);
	docker_demux_flush(&m, on_line, &a);
	docker_demux_done(&m);
	T_OK(a.n[1] > 0);
	T_OK(a.n[2] > 0);
	/* byte by byte: the same lines */
	memset(&b, 0, sizeof b);
	docker_demux_init(&m);
	for (i = 0; i < len; i++)
		T_EQ(docker_demux_feed(&m, buf + i, 1, on_line, &b, err,
		    sizeof err), 0);
	docker_demux_flush(&m, on_line, &b);
	docker_demux_done(&m);
	T_EQ(b.n[1], a.n[1]);
	T_EQ(b.n[2], a.n[2]);
	T_STREQ(b.last[2], a.last[2]);
	free(buf);
	/* a TTY container: raw text */
	memset(&a, 0, sizeof a);
	docker_demux_init(&m);
	T_EQ(docker_demux_feed(&m, "hello world\nsecond line\n", 24, on_line,
	    &a, err, sizeof err), 0);
	docker_demux_done(&m);
	T_EQ(a.n[1], 2);
	T_STREQ(a.last[1], "second line");
	memset(&a, 0, sizeof a);
	docker_demux_init(&m);
	T_EQ(docker_demux_feed(&m, "hi", 2, on_line, &a, err, sizeof err), 0);
	docker_demux_flush(&m, on_line, &a);
	docker_demux_done(&m);
	T_STREQ(a.last[1], "hi");
	/* a bad header after a good frame */
	memset(&a, 0, sizeof a);
	docker_demux_init(&m);
	T_EQ(docker_demux_feed(&m, "\1\0\0\0\0\0\0\3ok\n\7\0\0\0\0\0\0\1x", 20,
	    on_line, &a, err, sizeof err), -1);
	T_STREQ(a.last[1], "ok");
	T_EQ(docker_demux_feed(&m, "x", 1, on_line, &a, err, sizeof err), -1);
	docker_demux_done(&m);
	/* an overlong line is cut, not buffered without bound */
	memset(&a, 0, sizeof a);
	memset(big, 'a', sizeof big);
	big[0] = 2;
	big[1] = big[2] = big[3] = 0;
	len = sizeof big - 8;
	big[4] = (char)(len >> 24);
	big[5] = (char)(len >> 16);
	big[6] = (char)(len >> 8);
	big[7] = (char)len;
	docker_demux_init(&m);
	T_EQ(docker_demux_feed(&m, big, sizeof big, on_line, &a, err,
	    sizeof err), 0);
	docker_demux_flush(&m, on_line, &a);
	docker_demux_done(&m);
	T_EQ(a.longest, DOCKER_MAX_LOG_LINE);
	T_EQ(a.n[2], 2);
}

/* What a person reads of a log line: Cog's JSON logs as their message,
 * the daemon's timestamp dropped, anything else as it is. */
static void
test_log_text(void)
{
	char out[64];
	const char *j = "{\"logger\": \"cog.server.runner\", \"timestamp\": "
	    "\"2026-12-05T03:01:38.067957Z\", \"severity\": \"INFO\", "
	    "\"message\": \"starting setup\"}";
	const char *w = "2026-12-05T03:01:38.072219875Z {\"severity\": "
	    "\"WARNING\", \"message\": \"two\\nlines\"}";
	char small[8];

	T_EQ(docker_log_text(j, strlen(j), out, sizeof out), 14);
	T_STREQ(out, "starting setup");
	docker_log_text(w, strlen(w), out, sizeof out);
	T_STREQ(out, "WARNING: two lines");
	docker_log_text("weights loaded", 14, out, sizeof out);
	T_STREQ(out, "weights loaded");
	docker_log_text("2026-12-05T03:01:41.557506036Z weights loaded", 45,
	    out, sizeof out);
	T_STREQ(out, "weights loaded");
	/* not JSON, JSON without a message, a cut buffer */
	docker_log_text("{not json", 9, out, sizeof out);
	T_STREQ(out, "{not json");
	docker_log_text("{\"a\": 1}", 8, out, sizeof out);
	T_STREQ(out, "{\"a\": 1}");
	T_EQ(docker_log_text("0123456789", 10, small, sizeof small), 7);
	T_STREQ(small, "0123456");
	T_EQ(docker_log_text("x", 1, small, 0), 0);
}

int
main(void)
{
	test_endpoint();
	test_negotiate();
	test_refs();
	test_auth();
	test_gpus();
	test_pull_stream();
	test_demux();
	test_log_text();
	return T_SUMMARY();
}
