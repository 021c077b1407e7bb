/*
 * tui/cmd_dev.c: `r8play dev [DIR]`: read DIR's cog.yaml (client/project),
 * name its mistakes, then serve DIR (cog serve / python3 -m
 * cog.server.http / serve_command, client/project/dev.h says which) and
 * restart it when a watched file changes, printing one line per event and
 * the server's output prefixed "| ". Runs until SIGINT/SIGTERM, then stops
 * the server. --check only reads cog.yaml (exit 1 when it has mistakes).
 * serve_command comes from the config file or --serve-command.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/cost/cost.h"
#include "client/net/config.h"
#include "client/project/dev.h"
#include "client/project/project.h"
#include "tui/cli.h"

static volatile sig_atomic_t dev_stop;

static void
on_stop(int sig)
{
	(void)sig;
	dev_stop = 1;
}

struct dev_opts {
	const char	*dir;
	unsigned	 port;
	bool		 check;
	char		 serve_command[DEV_CMD_MAX];	/* "" none */
};

static int
config_line(const char *key, const char *value, unsigned line, void *arg,
    char *err, size_t errsz)
{
	struct dev_opts *o = arg;

	(void)line;
	(void)err;
	(void)errsz;
	if (strcmp(key, "serve_command") == 0 && o->serve_command[0] == '\0')
		snprintf(o->serve_command, sizeof o->serve_command, "%s",
		    value);
	return 0;
}

static void
load_config(struct dev_opts *o)
{
	char path[CONFIG_MAX_PATH], err[256], *buf;
	size_t len = 0;
	ssize_t r;
	int fd;

	if (config_path(path, sizeof path, err, sizeof err) != 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	buf = malloc(CONFIG_MAX_BYTES);
	if (buf != NULL) {
		while (len < CONFIG_MAX_BYTES &&
		    (r = read(fd, buf + len, CONFIG_MAX_BYTES - len)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				break;
			len += (size_t)r;
		}
		(void)config_parse(buf, len, path, config_line, o, err,
		    sizeof err);
		free(buf);
	}
	close(fd);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Print cog.yaml's summary and mistakes; returns the mistake count, or
 * -1 when it cannot be read. */
static int
show_project(const char *dir)
{
	struct project p;
	char err[512];

	if (project_load(dir, &p, err, sizeof err) != 0) {
		printf("cog.yaml: %s\n", err);
		project_done(&p);
		return -1;
	}
	printf("cog.yaml: predict %s, gpu %s%s%s, python %s",
	    p.predict[0] ? p.predict : "(none)",
	    !p.gpu_set ? "unset" : p.gpu ? "true" : "false",
	    p.cuda[0] ? ", cuda " : "", p.cuda,
	    p.python_version[0] ? p.python_version : "(default)");
	if (p.python_packages.n)
		printf(", %zu python package%s", p.python_packages.n,
		    p.python_packages.n == 1 ? "" : "s");
	if (p.python_requirements[0])
		printf(", requirements %s", p.python_requirements);
	if (p.system_packages.n)
		printf(", %zu system package%s", p.system_packages.n,
		    p.system_packages.n == 1 ? "" : "s");
	if (p.concurrency_set)
		printf(", concurrency %u", p.concurrency_max);
	putchar('\n');
	for (size_t i = 0; i < p.n_issues; i++)
		printf("mistake: %s\n", p.issues[i]);
	if (p.n_issues_dropped)
		printf("mistake: ... and %zu more\n", p.n_issues_dropped);
	{
		int n = (int)(p.n_issues + p.n_issues_dropped);

		project_done(&p);
		return n;
	}
}

/* Print the server's new output, line by line, prefixed. */
static void
show_output(const struct dev *d, uint64_t *pos, bool *at_line_start)
{
	char buf[4096];
	uint64_t lost;
	size_t n;

	while ((n = dev_output_read(d, pos, buf, sizeof buf, &lost)) > 0) {
		if (lost)
			printf("%s| [%llu bytes of output dropped]\n",
			    *at_line_start ? "" : "\n",
			    (unsigned long long)lost);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)buf[i];

			if (*at_line_start)
				fputs("| ", stdout);
			*at_line_start = c == '\n';
			/* the terminal sees no control bytes but newline
			 * and tab */
			putchar(c == '\n' || c == '\t' || c >= 0x20 ? c : '?');
		}
	}
}

int
cmd_dev(int argc, char **argv)
{
	struct dev_opts o = { .dir = "." };
	struct dev_config cfg;
	struct dev *d;
	char err[512];
	uint64_t pos = 0;
	bool line_start = true;
	int issues;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] :
		    NULL;
		uint64_t u;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs("usage: r8play dev [DIR] [--port N] "
			    "[--serve-command CMD] [--check]\n"
			    "Serve the Cog project in DIR (default .) and "
			    "restart it when *.py, cog.yaml or\n"
			    "requirements* change. Served by `cog serve` "
			    "when cog is on PATH, else by\n"
			    "`python3 -m cog.server.http` when the cog "
			    "package is importable, else by\n"
			    "serve_command (config file or "
			    "--serve-command; PORT is set).\n", stdout);
			return 0;
		} else if (strcmp(a, "--check") == 0)
			o.check = true;
		else if (strcmp(a, "--port") == 0) {
			if (v == NULL || cost_parse_u64(v, &u) != 0 ||
			    u == 0 || u > 65535) {
				fprintf(stderr, "r8play dev: --port needs "
				    "1..65535\n");
				return cli_usage("dev");
			}
			o.port = (unsigned)u;
			i++;
		} else if (strcmp(a, "--serve-command") == 0) {
			if (v == NULL || v[0] == '\0')
				return cli_usage("dev");
			snprintf(o.serve_command, sizeof o.serve_command,
			    "%s", v);
			i++;
		} else if (a[0] == '-') {
			fprintf(stderr, "r8play dev: unknown option %s\n", a);
			return cli_usage("dev");
		} else
			o.dir = a;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	load_config(&o);
	issues = show_project(o.dir);
	if (o.check)
		return issues == 0 ? 0 : 1;
	if (issues < 0)
		return 1;

	cfg = (struct dev_config){ .dir = o.dir, .port = o.port,
	    .serve_command = o.serve_command[0] ? o.serve_command : NULL };
	d = dev_new(&cfg, err, sizeof err);
	if (d == NULL) {
		fprintf(stderr, "r8play dev: %s\n", err);
		return 1;
	}
	printf("serving with: %s\n", dev_how_text(d));
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGPIPE, SIG_IGN);
	if (dev_start(d, err, sizeof err) != 0) {
		fprintf(stderr, "r8play dev: %s\n", err);
		dev_free(d);
		return 1;
	}
	while (!dev_stop) {
		struct pollfd fds[DEV_MAX_POLLFDS];
		struct dev_event ev;
		size_t n = dev_pollfds(d, fds, DEV_MAX_POLLFDS);

		(void)poll(fds, n, dev_timeout_ms(d, now_ms()));
		while (dev_step(d, now_ms(), &ev) == 1) {
			switch (ev.kind) {
			case DEV_EV_STARTED:
				printf("started pid %d: http://127.0.0.1:%u\n",
				    (int)ev.pid, dev_port(d));
				break;
			case DEV_EV_CHANGED:
				if (!line_start) {
					putchar('\n');
					line_start = true;
				}
				printf("changed %s\n", ev.text);
				if (strcmp(ev.text, "cog.yaml") == 0 ||
				    strstr(ev.text, ".py") != NULL)
					show_project(o.dir);
				break;
			case DEV_EV_RESTARTING:
				printf("restarting pid %d\n", (int)ev.pid);
				break;
			case DEV_EV_EXITED:
				show_output(d, &pos, &line_start);
				if (!line_start) {
					putchar('\n');
					line_start = true;
				}
				if (ev.restart)
					printf("server stopped for the "
					    "restart\n");
				else if (WIFEXITED(ev.status))
					printf("server exited (status %d); "
					    "waiting for a change\n",
					    WEXITSTATUS(ev.status));
				else if (WIFSIGNALED(ev.status))
					printf("server stopped (signal %d)\n",
					    WTERMSIG(ev.status));
				break;
			case DEV_EV_OUTPUT:
				show_output(d, &pos, &line_start);
				break;
			case DEV_EV_ERROR:
				printf("error: %s\n", ev.text);
				break;
			}
		}
	}
	dev_free(d);
	if (!line_start)
		putchar('\n');
	puts("stopped");
	return 0;
}
