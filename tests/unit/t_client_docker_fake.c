/*
 * tests/unit/t_client_docker_fake.c: client/docker/docker.c against the fake
 * Engine API (tests/fakes/docker.py) on a unix socket and on 127.0.0.1:
 * negotiation with 20.10 and with Docker 29's 1.44 floor, Cog images with
 * their label schema, a pull followed to the end, in-stream full-disk
 * error, a pull that dies mid-chunk, one that stalls, cancel, a 404 pull,
 * X-Registry-Auth from a docker config, create+start with the port read
 * back, the GPU refusal with the half-made container removed, the GPU
 * request accepted by an NVIDIA runtime, logs demuxed, stop, remove, and
 * words for a missing socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/docker/docker.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "tests/unit/fake.h"
#include "tests/unit/t.h"

struct ctx {
	unsigned id;
	bool	 done;
	enum client_rc rc;
	long	 status;
	char	 err[1024];
	struct docker_result *res;
	unsigned progress, lines[3];
	bool	 cancel_on_progress;
	struct client *c;
};

static void
on_event(struct client_event *ev, void *arg)
{
	struct ctx *x = arg;
	struct docker_result *r = ev->data;

	if (ev->id != x->id)
		return;
	if (ev->kind == CLIENT_EV_PROGRESS) {
		x->progress++;
		if (r != NULL && r->log_line != NULL && r->log_stream >= 1 &&
		    r->log_stream <= 2)
			x->lines[r->log_stream]++;
		if (x->cancel_on_progress) {
			client_cancel(x->c, x->id);
			x->done = true;
			x->rc = CLIENT_ECANCEL;
		}
		return;
	}
	x->done = true;
	x->rc = ev->rc;
	x->status = ev->http_status;
	snprintf(x->err, sizeof x->err, "%s", ev->err ? ev->err : "");
	x->res = r;
	ev->data = NULL;
}

static bool
is_done(void *arg)
{
	return ((struct ctx *)arg)->done;
}

/* Run until the op ends; returns its rc. */
static enum client_rc
wait_op(struct client *c, struct ctx *x, unsigned id)
{
	char err[256];

	x->c = c;
	x->id = id;
	if (id == 0)
		return CLIENT_EINVAL;
	if (client_run_until(c, is_done, x, on_event, x, NULL, 0, 20000, err,
	    sizeof err) != CLIENT_OK) {
		printf("# timed out: %s\n", err);
		return CLIENT_ETIMEOUT;
	}
	return x->rc;
}

static void
reset(struct ctx *x)
{
	docker_result_free(x->res);
	memset(x, 0, sizeof *x);
}

/* The fake's request log as text (GET /_fake/requests; caller frees) */
static char *
fake_requests(struct client *c, const char *host)
{
	const char *root = getenv("ROOT");
	char cmd[1024];
	FILE *p;
	char *buf;
	size_t n;

	(void)c;
	snprintf(cmd, sizeof cmd, "python3 %s/tests/fakes/docker.py "
	    "--dump-requests %s", root ? root : ".", host);
	p = popen(cmd, "r");
	if (p == NULL)
		return NULL;
	buf = calloc(1, 1 << 20);
	n = buf ? fread(buf, 1, (1 << 20) - 1, p) : 0;
	(void)n;
	pclose(p);
	return buf;
}

static struct client *
new_client(void)
{
	struct client_config cfg;
	char err[256];

	client_config_defaults(&cfg);
	cfg.api_base = "http://127.0.0.1:9/v1";
	cfg.token = "r8_FAKESECRETTOKEN0123456789";
	return client_new(&cfg, err, sizeof err);
}

static void
test_daemon_20(const char *host, const char *tmp)
{
	struct docker_config dc;
	struct docker_start_opts so;
	struct docker *d;
	struct client *c = new_client();
	struct ctx x;
	char err[512], cfgpath[512], id[128], *log;
	size_t i;
	bool found = false;
	FILE *f;

	memset(&x, 0, sizeof x);
	snprintf(cfgpath, sizeof cfgpath, "%s/config.json", tmp);
	f = fopen(cfgpath, "w");
	if (f != NULL) {
		/* base64("r8:s3cret") */
		fputs("{\"auths\":{\"r8.im\":{\"auth\":\"cjg6czNjcmV0\"}}}", f);
		fclose(f);
	}
	memset(&dc, 0, sizeof dc);
	dc.host = host;
	dc.registry = "";
	dc.docker_config = cfgpath;
	dc.pull_stall_ms = 1500;
	d = docker_new(c, &dc, err, sizeof err);
	T_OK(d != NULL);
	if (d == NULL)
		goto out;
	T_STREQ(docker_name(d), host);

	T_EQ(wait_op(c, &x, docker_version(d, err, sizeof err)), CLIENT_OK);
	T_STREQ(x.res ? x.res->api : "", "1.41");
	T_STREQ(x.res ? x.res->server : "", "20.10.24+dfsg1");
	reset(&x);

	/* Cog images, with the schema from the label */
	T_EQ(wait_op(c, &x, docker_images(d, err, sizeof err)), CLIENT_OK);
	T_OK(x.res && x.res->images && x.res->images->n >= 2);
	for (i = 0; x.res && x.res->images && i < x.res->images->n; i++) {
		const struct docker_image *im = &x.res->images->items[i];

		T_OK(im->schema != NULL || im->config != NULL);
		if (strcmp(im->ref, "127.0.0.1:5400/acme/image-demo:latest") ==
		    0) {
			found = true;
			T_OK(strstr(im->schema, "\"openapi\"") != NULL);
			T_STREQ(im->cog_version, "0.15.5");
			T_OK(strstr(im->config, "predict.py") != NULL);
		}
	}
	T_OK(found);
	reset(&x);

	T_EQ(wait_op(c, &x, docker_image_inspect(d,
	    "127.0.0.1:5400/acme/image-demo:latest", err, sizeof err)),
	    CLIENT_OK);
	T_OK(x.res && x.res->image && x.res->image->schema != NULL);
	reset(&x);
	T_EQ(wait_op(c, &x, docker_image_inspect(d, "127.0.0.1:5400/acme/nope",
	    err, sizeof err)), CLIENT_ENOTFOUND);
	T_OK(strstr(x.err, "No such image") != NULL);
	reset(&x);

	/* a pull followed to the end, with credentials for r8.im */
	T_EQ(wait_op(c, &x, docker_pull(d, "r8.im/acme/fresh:v1", err,
	    sizeof err)), CLIENT_OK);
	T_OK(x.progress >= 1);
	T_OK(x.res && x.res->pull && x.res->pull->finished);
	T_OK(x.res && x.res->pull && x.res->pull->n_layers == 3);
	reset(&x);
	log = fake_requests(c, host);
	T_OK(log != NULL && strstr(log, "fromImage=r8.im%2Facme%2Ffresh&"
	    "tag=v1") != NULL);
	T_OK(log != NULL && strstr(log, "eyJ1c2VybmFtZSI6InI4IiwicGFzc3dvcmQ"
	    "iOiJzM2NyZXQiLCJzZXJ2ZXJhZGRyZXNzIjoicjguaW0ifQ==") != NULL);
	/* the API token never goes to the daemon */
	T_OK(log != NULL && strstr(log, "FAKESECRET") == NULL);
	T_OK(log != NULL && strstr(log, "/v1.41/images/create") != NULL);
	free(log);

	/* errors inside a 200 stream */
	T_EQ(wait_op(c, &x, docker_pull(d, "acme/fulldisk", err, sizeof err)),
	    CLIENT_EFAILED);
	T_OK(strstr(x.err, "no space left on device") != NULL);
	reset(&x);
	T_EQ(wait_op(c, &x, docker_pull(d, "acme/die", err, sizeof err)),
	    CLIENT_ENET);
	T_OK(strstr(x.err, "before it finished") != NULL);
	reset(&x);
	T_EQ(wait_op(c, &x, docker_pull(d, "acme/stall", err, sizeof err)),
	    CLIENT_ETIMEOUT);
	T_OK(strstr(x.err, "stalled") != NULL);
	reset(&x);
	T_EQ(wait_op(c, &x, docker_pull(d, "acme/nope:latest", err,
	    sizeof err)), CLIENT_ENOTFOUND);
	T_OK(strstr(x.err, "manifest unknown") != NULL);
	reset(&x);
	/* cancel from the first progress event: nothing more arrives */
	x.cancel_on_progress = true;
	T_EQ(wait_op(c, &x, docker_pull(d, "acme/stall", err, sizeof err)),
	    CLIENT_ECANCEL);
	T_EQ(client_pending(c), 0);
	reset(&x);
	T_EQ(docker_pull(d, "bad ref", err, sizeof err), 0);

	/* start on CPU: the port comes back from inspect */
	memset(&so, 0, sizeof so);
	so.image = "127.0.0.1:5400/acme/image-demo:latest";
	so.name = "r8t-cpu";
	T_EQ(wait_op(c, &x, docker_start(d, &so, err, sizeof err)), CLIENT_OK);
	T_OK(x.res && x.res->container && x.res->container->host_port > 0);
	T_OK(x.res && x.res->container && x.res->container->managed);
	/* this process's session label: its own container, and no other
	 * docker handle's (another r8play) */
	T_OK(x.res && x.res->container && x.res->container->session != NULL &&
	    strlen(x.res->container->session) == DOCKER_SESSION_LEN &&
	    strspn(x.res->container->session, "0123456789abcdef") ==
	    DOCKER_SESSION_LEN);
	T_OK(x.res && x.res->container && docker_container_mine(d,
	    x.res->container));
	{
		struct docker *other = docker_new(c, &dc, err, sizeof err);

		T_OK(other != NULL);
		T_OK(other != NULL && x.res && x.res->container &&
		    !docker_container_mine(other, x.res->container));
		docker_free(other);
	}
	T_OK(x.res && x.res->container && x.res->container->url != NULL &&
	    strncmp(x.res->container->url, "http://127.0.0.1:", 17) == 0);
	T_STREQ(x.res && x.res->container ? x.res->container->state : "",
	    "running");
	/* the bridge gateway, where the container reaches our listener */
	T_STREQ(x.res && x.res->container && x.res->container->gateway ?
	    x.res->container->gateway : "", "172.17.0.1");
	snprintf(id, sizeof id, "%s", x.res && x.res->container ?
	    x.res->container->id : "");
	reset(&x);
	log = fake_requests(c, host);
	T_OK(log != NULL && strstr(log, "\\\"HostIp\\\":\\\"127.0.0.1\\\"") !=
	    NULL);
	T_OK(log != NULL && strstr(log, "\\\"ShmSize\\\":") != NULL);
	T_OK(log != NULL && strstr(log, DOCKER_LABEL_MANAGED) != NULL);
	T_OK(log != NULL && strstr(log, DOCKER_LABEL_SESSION) != NULL);
	free(log);

	/* the GPU refusal: in words, and the container is gone */
	T_EQ(docker_gpus_parse("all", &so.gpus, err, sizeof err), 0);
	so.name = "r8t-gpu";
	T_EQ(wait_op(c, &x, docker_start(d, &so, err, sizeof err)),
	    CLIENT_ECONFIG);
	T_OK(x.res && x.res->gpu_refused);
	T_OK(strstr(x.err, "could not select device driver") != NULL);
	T_OK(strstr(x.err, "--gpus none") != NULL);
	reset(&x);
	T_EQ(wait_op(c, &x, docker_inspect(d, "r8t-gpu", err, sizeof err)),
	    CLIENT_ENOTFOUND);
	reset(&x);

	/* an image that is not here */
	memset(&so, 0, sizeof so);
	so.image = "acme/absent:latest";
	T_EQ(wait_op(c, &x, docker_start(d, &so, err, sizeof err)),
	    CLIENT_ENOTFOUND);
	T_OK(strstr(x.err, "pull it first") != NULL);
	reset(&x);

	/* containers of Cog images */
	T_EQ(wait_op(c, &x, docker_containers(d, err, sizeof err)), CLIENT_OK);
	T_OK(x.res && x.res->containers && x.res->containers->n == 1);
	if (x.res && x.res->containers && x.res->containers->n == 1) {
		T_STREQ(x.res->containers->items[0].name, "r8t-cpu");
		T_OK(x.res->containers->items[0].host_port > 0);
		T_STREQ(x.res->containers->items[0].gpus, "none");
		T_STREQ(x.res->containers->items[0].gateway ?
		    x.res->containers->items[0].gateway : "", "172.17.0.1");
	}
	reset(&x);

	/* logs: the recorded multiplexed stream, split across chunks */
	T_EQ(wait_op(c, &x, docker_logs(d, id, -1, false, err, sizeof err)),
	    CLIENT_OK);
	T_OK(x.lines[1] > 0 && x.lines[2] > 0);
	reset(&x);

	/* stop twice (304 is fine), remove, remove again (404) */
	T_EQ(wait_op(c, &x, docker_stop(d, id, err, sizeof err)), CLIENT_OK);
	reset(&x);
	T_EQ(wait_op(c, &x, docker_stop(d, id, err, sizeof err)), CLIENT_OK);
	reset(&x);
	T_EQ(wait_op(c, &x, docker_remove(d, id, false, err, sizeof err)),
	    CLIENT_OK);
	reset(&x);
	T_EQ(wait_op(c, &x, docker_remove(d, id, true, err, sizeof err)),
	    CLIENT_ENOTFOUND);
	T_OK(strstr(x.err, "No such container") != NULL);
	reset(&x);
	T_EQ(client_pending(c), 0);
out:
	docker_free(d);
	client_free(c);
	unlink(cfgpath);
}

static void
test_daemon_29(const char *host)
{
	struct docker_start_opts so;
	struct docker_config dc;
	struct client *c = new_client();
	struct docker *d;
	struct ctx x;
	char err[512], *log;

	memset(&x, 0, sizeof x);
	memset(&dc, 0, sizeof dc);
	dc.host = host;
	dc.docker_config = "/nonexistent/config.json";
	d = docker_new(c, &dc, err, sizeof err);
	T_OK(d != NULL);
	if (d == NULL) {
		client_free(c);
		return;
	}
	T_EQ(wait_op(c, &x, docker_images(d, err, sizeof err)), CLIENT_OK);
	T_STREQ(x.res ? x.res->api : "", "1.44");
	reset(&x);
	/* an NVIDIA runtime takes the GPU request */
	memset(&so, 0, sizeof so);
	so.image = "127.0.0.1:5400/acme/image-demo:latest";
	so.host_port = 5290;
	T_EQ(docker_gpus_parse("0,1", &so.gpus, err, sizeof err), 0);
	T_EQ(wait_op(c, &x, docker_start(d, &so, err, sizeof err)), CLIENT_OK);
	T_EQ(x.res && x.res->container ? x.res->container->host_port : 0,
	    5290);
	T_STREQ(x.res && x.res->container ? x.res->container->gpus : "",
	    "0,1");
	if (x.res && x.res->container) {
		char id[128];

		snprintf(id, sizeof id, "%s", x.res->container->id);
		reset(&x);
		T_EQ(wait_op(c, &x, docker_remove(d, id, true, err,
		    sizeof err)), CLIENT_OK);
	}
	reset(&x);
	log = fake_requests(c, host);
	T_OK(log != NULL && strstr(log, "/v1.41/") == NULL);
	T_OK(log != NULL && strstr(log, "\\\"DeviceIDs\\\":[\\\"0\\\","
	    "\\\"1\\\"]") != NULL);
	T_OK(log != NULL && strstr(log, "\\\"Capabilities\\\":[[\\\"gpu\\\"]]")
	    != NULL);
	free(log);
	docker_free(d);
	client_free(c);
}

static void
test_no_daemon(void)
{
	struct docker_config dc;
	struct client *c = new_client();
	struct docker *d;
	char err[512];

	memset(&dc, 0, sizeof dc);
	dc.host = "unix:///nonexistent/docker.sock";
	d = docker_new(c, &dc, err, sizeof err);
	T_OK(d != NULL);
	T_EQ(docker_images(d, err, sizeof err), 0);
	T_OK(strstr(err, "no Docker daemon at unix:///nonexistent/docker.sock")
	    != NULL);
	docker_free(d);
	dc.host = "tcp://192.168.1.1:2375";
	T_OK(docker_new(c, &dc, err, sizeof err) == NULL);
	T_OK(strstr(err, "loopback") != NULL);
	client_free(c);
}

int
main(void)
{
	char tmp[] = "/tmp/r8t-docker-XXXXXX", sock[128], host[160];
	const char *extra20[] = { "--socket", sock, "--stall-seconds", "5",
	    NULL };
	const char *extra29[] = { "--port", "0", "--daemon", "29", "--nvidia",
	    NULL };
	pid_t pid;

	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(sock, sizeof sock, "%s/d.sock", tmp);
	test_no_daemon();
	if (fake_start("docker.py", extra20, &pid, host, sizeof host) == 0) {
		snprintf(host, sizeof host, "unix://%s", sock);
		test_daemon_20(host, tmp);
		fake_stop(pid);
	} else
		T_OK(!"fake docker (20.10) did not start");
	if (fake_start("docker.py", extra29, &pid, host, sizeof host) == 0) {
		char tcp[sizeof host];

		snprintf(tcp, sizeof tcp, "tcp://%.150s", host + 7);
		snprintf(host, sizeof host, "%s", tcp);
		test_daemon_29(host);
		fake_stop(pid);
	} else
		T_OK(!"fake docker (29) did not start");
	rmdir(tmp);
	return T_SUMMARY();
}
