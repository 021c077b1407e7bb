/*
 * tui/cli/dev.c: `r8play dev [DIR]`: read DIR's cog.yaml (client/project),
 * name its mistakes, then serve DIR (cog serve / python3 -m
 * cog.server.http / serve_command, client/project/dev.h says which) and
 * restart it when a watched file changes, printing one line per event and
 * the server's output prefixed "| ". Runs until SIGINT/SIGTERM, then stops
 * the server. --check only reads cog.yaml (exit 1 when it has mistakes).
 * serve_command comes from the config file or --serve-command.
 * cog.yaml's text, file names and the server's output are untrusted: they
 * reach the terminal only through tui/cli/out.h.
 */
#include "tui/cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
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
#include "tui/cli/out.h"

extern const struct cli_cmd cli_cmd_dev;

static volatile sig_atomic_t dev_stop;

/* SIGINT/SIGTERM while serving: stop the project and exit cleanly. */
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

/* The server's output as it is printed: where the last line ended. */
struct dev_out {
	uint64_t	pos;
	bool		line_start;
};

/*
 * config_parse's callback: takes serve_command from the config file unless
 * --serve gave one.
 */
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

/*
 * The config file's serve_command, when there is one (a missing or broken
 * file leaves the defaults: `r8play dev` needs no config).
 */
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

/* The options into *o; 0, or CLI_USAGE after the message. */
static int
read_opts(const struct cli_args *a, struct dev_opts *o)
{
	const char *v;
	uint64_t u;

	memset(o, 0, sizeof *o);
	o->dir = a->noperands > 0 ? a->operands[0] : ".";
	o->check = cli_flag(a, "--check");
	if ((v = cli_value(a, "--port")) != NULL) {
		if (cost_parse_u64(v, &u) != 0 || u == 0 || u > 65535)
			return cli_usage_error(&cli_cmd_dev, "--port needs a "
			    "number from 1 to 65535 (got \"%s\")", v);
		o->port = (unsigned)u;
	}
	if ((v = cli_value(a, "--serve-command")) != NULL) {
		if (v[0] == '\0')
			return cli_usage_error(&cli_cmd_dev, "--serve-command "
			    "needs a command");
		if (strlen(v) >= sizeof o->serve_command)
			return cli_usage_error(&cli_cmd_dev, "--serve-command "
			    "is longer than %zu bytes",
			    sizeof o->serve_command - 1);
		snprintf(o->serve_command, sizeof o->serve_command, "%s", v);
	}
	return 0;
}

/* Monotonic milliseconds, for the restart timers. */
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
	struct project_line lines[PROJECT_MAX_LINES];
	struct project p;
	char err[512];
	size_t nl;
	int n;

	if (project_load(dir, &p, err, sizeof err) != 0) {
		fputs("cog.yaml: ", stdout);
		out_flat(stdout, err);
		putchar('\n');
		project_done(&p);
		return -1;
	}
	/* the summary on one line, each mistake on its own */
	nl = project_summary(&p, lines, PROJECT_MAX_LINES);
	fputs("cog.yaml:", stdout);
	for (size_t i = 0, k = 0; i < nl; i++)
		if (!lines[i].mistake) {
			printf("%s %s ", k++ ? "," : "", lines[i].label);
			out_flat(stdout, lines[i].text);
		}
	putchar('\n');
	for (size_t i = 0; i < nl; i++)
		if (lines[i].mistake) {
			printf("%s: ", lines[i].label);
			out_flat(stdout, lines[i].text);
			putchar('\n');
		}
	n = (int)(p.n_issues + p.n_issues_dropped);
	project_done(&p);
	return n;
}

/* Print the server's new output, line by line, prefixed "| ". */
static void
show_output(const struct dev *d, struct dev_out *w)
{
	char buf[4096];
	uint64_t lost;
	size_t n, i, end;

	while ((n = dev_output_read(d, &w->pos, buf, sizeof buf, &lost)) > 0) {
		if (lost)
			printf("%s| [%llu bytes of output dropped]\n",
			    w->line_start ? "" : "\n",
			    (unsigned long long)lost);
		for (i = 0; i < n; i = end) {
			const char *nl = memchr(buf + i, '\n', n - i);

			end = nl != NULL ? (size_t)(nl - buf) + 1 : n;
			if (w->line_start)
				fputs("| ", stdout);
			out_text(stdout, buf + i, end - i);
			w->line_start = nl != NULL;
		}
	}
}

/* End the server's unfinished output line before r8play says something. */
static void
end_line(struct dev_out *w)
{
	if (!w->line_start) {
		putchar('\n');
		w->line_start = true;
	}
}

/*
 * One supervisor event on stdout: started (with the URL), a change seen,
 * restarting, exited, or a line of the server's output (sanitised).
 */
static void
show_event(struct dev *d, const struct dev_event *ev, const char *dir,
    struct dev_out *w)
{
	switch (ev->kind) {
	case DEV_EV_STARTED:
		printf("started pid %d: http://127.0.0.1:%u\n", (int)ev->pid,
		    dev_port(d));
		break;
	case DEV_EV_CHANGED:
		end_line(w);
		fputs("changed ", stdout);
		out_flat(stdout, ev->text);
		putchar('\n');
		if (strcmp(ev->text, "cog.yaml") == 0 ||
		    strstr(ev->text, ".py") != NULL)
			show_project(dir);
		break;
	case DEV_EV_RESTARTING:
		printf("restarting pid %d\n", (int)ev->pid);
		break;
	case DEV_EV_EXITED:
		show_output(d, w);
		end_line(w);
		if (ev->restart)
			printf("server stopped for the restart\n");
		else if (WIFEXITED(ev->status))
			printf("server exited (status %d); waiting for a "
			    "change\n", WEXITSTATUS(ev->status));
		else if (WIFSIGNALED(ev->status))
			printf("server stopped (signal %d)\n",
			    WTERMSIG(ev->status));
		break;
	case DEV_EV_OUTPUT:
		show_output(d, w);
		break;
	case DEV_EV_ERROR:
		fputs("error: ", stdout);
		out_flat(stdout, ev->text);
		putchar('\n');
		break;
	}
}

/* Serve until SIGINT/SIGTERM. */
static int
serve(const struct dev_opts *o)
{
	struct dev_config cfg;
	struct dev_out w = { 0, true };
	struct dev *d;
	char err[512];

	cfg = (struct dev_config){ .dir = o->dir, .port = o->port,
	    .serve_command = o->serve_command[0] ? o->serve_command : NULL };
	d = dev_new(&cfg, err, sizeof err);
	if (d == NULL) {
		out_err("dev", "%s", err);
		return CLI_FAIL;
	}
	fputs("serving with: ", stdout);
	out_flat(stdout, dev_how_text(d));
	putchar('\n');
	dev_stop = 0;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGPIPE, SIG_IGN);
	if (dev_start(d, err, sizeof err) != 0) {
		out_err("dev", "%s", err);
		dev_free(d);
		return CLI_FAIL;
	}
	while (!dev_stop) {
		struct pollfd fds[DEV_MAX_POLLFDS];
		struct dev_event ev;
		size_t n = dev_pollfds(d, fds, DEV_MAX_POLLFDS);

		(void)poll(fds, n, dev_timeout_ms(d, now_ms()));
		while (dev_step(d, now_ms(), &ev) == 1)
			show_event(d, &ev, o->dir, &w);
	}
	dev_free(d);
	end_line(&w);
	puts("stopped");
	return CLI_OK;
}

/*
 * `r8play dev DIR`: check the project (--check stops there), then serve it
 * and restart it on every change until Ctrl-C.
 */
static int
dev_run(const struct cli_args *a)
{
	struct dev_opts o;
	int issues;

	if (read_opts(a, &o) != 0)
		return CLI_USAGE;
	setvbuf(stdout, NULL, _IOLBF, 0);
	load_config(&o);
	issues = show_project(o.dir);
	if (o.check)
		return issues == 0 ? CLI_OK : CLI_FAIL;
	if (issues < 0)
		return CLI_FAIL;
	return serve(&o);
}

static const struct cli_opt dev_opts[] = {
	{ "--port", "N", "the port to serve on (1..65535; default: one "
	    "free port)", 0, CLI_COMP_NONE, NULL },
	{ "--serve-command", "CMD", "serve with this shell command (PORT is "
	    "set) when cog is not found (default: the config file's "
	    "serve_command)", 0, CLI_COMP_NONE, NULL },
	{ "--check", NULL, "only read cog.yaml and name its mistakes (exit 1 "
	    "when it has any)", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_dev = {
	"dev", "[DIR]", 0, 1, CLI_COMP_DIR,
	"serve a Cog project and restart it when its files change",
	"Reads DIR's cog.yaml (default .) and names its mistakes, then serves "
	"the project and restarts it when *.py, cog.yaml or requirements* "
	"change, printing one line per event and the server's output "
	"prefixed \"| \". Served by `cog serve` when cog is on PATH, else by "
	"`python3 -m cog.server.http` when the cog package is importable, "
	"else by serve_command (config file or --serve-command; PORT is "
	"set). Runs until ^C, then stops the server.",
	dev_opts, dev_run
};
