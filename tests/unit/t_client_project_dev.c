/*
 * tests/unit/t_client_project_dev.c: client/project/dev.c without Cog: the
 * watch filter, the choice of how to serve (an empty PATH leaves only
 * serve_command; none at all is an error), the output ring (a tiny ring
 * keeps the tail and counts what was dropped), exit statuses, a restart
 * after a file change with the debounce, and dev_free() stopping a server
 * that ignores SIGTERM. The full loop against the fake Cog server is
 * tests/integration/test_dev_cli.py.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/project/dev.h"
#include "tests/unit/t.h"

static char tmp[256];

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Run the loop until an event of kind arrives (returned in *out) or
 * limit_ms passes (a failure guard only). */
static bool
until_event(struct dev *d, enum dev_event_kind kind, struct dev_event *out,
    int limit_ms)
{
	uint64_t end = now_ms() + (uint64_t)limit_ms;

	while (now_ms() < end) {
		struct pollfd fds[DEV_MAX_POLLFDS];
		size_t n = dev_pollfds(d, fds, DEV_MAX_POLLFDS);
		int t = dev_timeout_ms(d, now_ms());

		poll(fds, n, t < 0 || t > 200 ? 200 : t);
		while (dev_step(d, now_ms(), out) == 1)
			if (out->kind == kind)
				return true;
	}
	return false;
}

static void
test_match(void)
{
	T_OK(dev_watch_match("predict.py"));
	T_OK(dev_watch_match("cog.yaml"));
	T_OK(dev_watch_match("requirements.txt"));
	T_OK(dev_watch_match("requirements-dev.txt"));
	T_OK(!dev_watch_match(".predict.py.swp"));
	T_OK(!dev_watch_match("predict.py~"));
	T_OK(!dev_watch_match("notes.md"));
	T_OK(!dev_watch_match(".py"));
	T_OK(!dev_watch_match("cog.yaml.bak"));
}

static void
test_choose(void)
{
	struct dev_config c = { .dir = tmp, .path = "" };
	char err[512] = "";
	struct dev *d;

	d = dev_new(&c, err, sizeof err);
	T_OK(d == NULL);
	T_OK(strstr(err, "no serve_command") != NULL);
	c.dir = "/nonexistent/project";
	T_OK(dev_new(&c, err, sizeof err) == NULL);
	T_OK(strstr(err, "not a folder") != NULL);
	c.dir = tmp;
	c.serve_command = "true";
	c.port = 4321;
	d = dev_new(&c, err, sizeof err);
	T_OK(d != NULL);
	if (d == NULL)
		return;
	T_EQ(dev_how(d), DEV_HOW_COMMAND);
	T_EQ(dev_port(d), 4321);
	T_STREQ(dev_how_text(d), "serve_command `true` with PORT=4321 (no "
	    "cog on PATH, no cog Python package)");
	T_EQ(dev_pid(d), 0);
	T_EQ(dev_timeout_ms(d, now_ms()), -1);	/* nothing due */
	dev_free(d);
	dev_free(NULL);
}

static void
test_ring(void)
{
	struct dev_config c = { .dir = tmp, .path = "", .ring_bytes = 64,
	    .serve_command = "i=0; while [ $i -lt 100 ]; do echo line$i; "
	    "i=$((i+1)); done; echo \"port $PORT token "
	    "${REPLICATE_API_TOKEN:-unset}\"; exit 3" };
	struct dev_event ev;
	char err[256], buf[256];
	uint64_t pos = 0, lost = 0;
	struct dev *d;
	size_t n;

	setenv("REPLICATE_API_TOKEN", "r8_secret_not_for_servers", 1);
	d = dev_new(&c, err, sizeof err);
	unsetenv("REPLICATE_API_TOKEN");
	T_OK(d != NULL);
	if (d == NULL)
		return;
	T_EQ(dev_start(d, err, sizeof err), 0);
	T_OK(dev_step(d, now_ms(), &ev) == 1 && ev.kind == DEV_EV_STARTED);
	T_OK(ev.pid > 0);
	T_OK(until_event(d, DEV_EV_EXITED, &ev, 10000));
	T_OK(WIFEXITED(ev.status) && WEXITSTATUS(ev.status) == 3);
	T_OK(!ev.restart);
	T_EQ(dev_pid(d), 0);
	n = dev_output_read(d, &pos, buf, sizeof buf - 1, &lost);
	buf[n] = '\0';
	T_EQ(n, 64);
	T_OK(lost > 0);
	T_EQ(pos, lost + 64);
	/* the tail: the server's PORT, and no API token */
	{
		char want[64];

		snprintf(want, sizeof want, "line99\nport %u token unset\n",
		    dev_port(d));
		T_OK(n >= strlen(want) &&
		    strcmp(buf + n - strlen(want), want) == 0);
	}
	/* nothing more */
	T_EQ(dev_output_read(d, &pos, buf, sizeof buf, &lost), 0);
	T_EQ(lost, 0);
	dev_free(d);
}

static void
test_restart(void)
{
	struct dev_config c = { .dir = tmp, .path = "", .debounce_ms = 50,
	    .serve_command = "trap '' TERM; echo up; "
	    "while :; do sleep 0.05; done" };
	struct dev_event ev;
	char err[256], path[512];
	struct dev *d;
	pid_t first;
	FILE *f;

	d = dev_new(&c, err, sizeof err);
	T_OK(d != NULL);
	if (d == NULL)
		return;
	T_EQ(dev_start(d, err, sizeof err), 0);
	T_OK(until_event(d, DEV_EV_STARTED, &ev, 5000));
	first = ev.pid;
	/* an unwatched file: nothing; then a watched one */
	snprintf(path, sizeof path, "%s/notes.md", tmp);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "%s/predict.py", tmp);
	f = fopen(path, "w");
	if (f) {
		fputs("class Predictor: pass\n", f);
		fclose(f);
	}
	T_OK(until_event(d, DEV_EV_CHANGED, &ev, 5000));
	T_STREQ(ev.text, "predict.py");
	T_OK(until_event(d, DEV_EV_RESTARTING, &ev, 5000));
	T_EQ(ev.pid, first);
	/* the server ignores SIGTERM: SIGKILL follows after DEV_KILL_MS */
	T_OK(until_event(d, DEV_EV_EXITED, &ev, DEV_KILL_MS + 5000));
	T_OK(ev.restart);
	T_OK(WIFSIGNALED(ev.status) && WTERMSIG(ev.status) == 9);
	T_OK(until_event(d, DEV_EV_STARTED, &ev, 5000));
	T_OK(ev.pid != first && ev.pid > 0);
	first = ev.pid;
	/* dev_free stops a server that ignores SIGTERM, and reaps it */
	dev_free(d);
	T_OK(kill(first, 0) != 0);
	unlink(path);
	snprintf(path, sizeof path, "%s/notes.md", tmp);
	unlink(path);
}

int
main(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/t_client_project_dev.XXXXXX");
	if (mkdtemp(tmp) == NULL)
		return 1;
	test_match();
	test_choose();
	test_ring();
	test_restart();
	rmdir(tmp);
	return T_SUMMARY();
}
