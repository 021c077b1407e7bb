/*
 * client/project/dev.c: spawn, watch, restart. The child's argv and
 * environment are built before fork(), so the child only calls
 * async-signal-safe functions (r8play may have threads: curl's resolver).
 */
#include "client/project/dev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define DEV_CHECK_MS	500	/* reap check while a server runs */

struct dev {
	char		 dir[PATH_MAX];
	unsigned	 port;
	enum dev_how	 how;
	char		 how_text[DEV_HOW_MAX];
	char		 exe[PATH_MAX];
	char		 cmd[DEV_CMD_MAX];
	char		 portstr[16];
	char		 words[4][24];	/* argv words other than cmd/port */
	char		*argv[8];
	char		**envp;		/* owned array; strings borrowed
					 * from environ except env_port */
	char		 env_port[32];
	int		 ino;		/* inotify fd */
	int		 out_fd;	/* server output, -1 none */
	pid_t		 pid;
	bool		 stopping;
	uint64_t	 kill_at;
	bool		 pending;
	uint64_t	 restart_at;
	unsigned	 debounce_ms;
	char		 last_changed[DEV_NAME_MAX];
	uint64_t	 last_changed_at;
	char		*ring;
	size_t		 ring_cap;
	uint64_t	 written;
	bool		 output_new;
	struct dev_event q[DEV_QUEUE];
	size_t		 qh, qn;
};

static void
push(struct dev *d, enum dev_event_kind kind, pid_t pid, int status,
    const char *text)
{
	struct dev_event *e;

	if (d->qn == DEV_QUEUE)
		return;		/* full: the newest is dropped */
	e = &d->q[(d->qh + d->qn++) % DEV_QUEUE];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->pid = pid;
	e->status = status;
	if (text)
		snprintf(e->text, sizeof e->text, "%s", text);
}

bool
dev_watch_match(const char *name)
{
	size_t l = strlen(name);

	if (name[0] == '.')	/* editor temporaries: .predict.py.swp */
		return false;
	return (l > 3 && strcmp(name + l - 3, ".py") == 0) ||
	    strcmp(name, "cog.yaml") == 0 ||
	    strncmp(name, "requirements", 12) == 0;
}

/* Find name in the PATH string into out; false when absent. */
static bool
which(const char *path, const char *name, char *out, size_t outsz)
{
	const char *p = path;

	if (p == NULL)
		return false;
	for (;;) {
		const char *e = strchr(p, ':');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		struct stat st;
		int w;

		if (l == 0)
			w = snprintf(out, outsz, "./%s", name);
		else
			w = snprintf(out, outsz, "%.*s/%s", (int)l, p, name);
		if (w > 0 && (size_t)w < outsz && stat(out, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return true;
		if (e == NULL)
			return false;
		p = e + 1;
	}
}

/* The environment the server gets: ours, PORT set, the API token
 * removed (a local server has no use for it). */
static int
build_env(struct dev *d)
{
	size_t n = 0, k = 0;

	while (environ[n])
		n++;
	d->envp = calloc(n + 2, sizeof *d->envp);
	if (d->envp == NULL)
		return -1;
	snprintf(d->env_port, sizeof d->env_port, "PORT=%u", d->port);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PORT=", 5) != 0 &&
		    strncmp(environ[i], "REPLICATE_API_TOKEN=", 20) != 0)
			d->envp[k++] = environ[i];
	d->envp[k++] = d->env_port;
	d->envp[k] = NULL;
	return 0;
}

/* Is the cog Python package importable by this python? Asks it without
 * importing (find_spec), output discarded. Blocks for the interpreter's
 * start-up (tens of milliseconds). */
static bool
python_has_cog(const struct dev *d, const char *python)
{
	static const char probe[] = "import importlib.util,sys;"
	    "sys.exit(0 if importlib.util.find_spec('cog') else 1)";
	char w0[] = "python3", w1[] = "-c", w2[sizeof probe];
	char *const argv[] = { w0, w1, w2, NULL };
	int st, fd;
	pid_t pid;

	memcpy(w2, probe, sizeof probe);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	pid = fork();
	if (pid == 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execve(python, argv, d->envp);
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		return false;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* argv word i, copied into d so argv needs no casts */
static char *
word(struct dev *d, int i, const char *s)
{
	snprintf(d->words[i], sizeof d->words[i], "%s", s);
	return d->words[i];
}

static unsigned
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof a;
	unsigned port = 0;
	int s;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	if (bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &al) == 0)
		port = ntohs(a.sin_port);
	close(s);
	return port;
}

struct dev *
dev_new(const struct dev_config *cfg, char *err, size_t errsz)
{
	const char *path = cfg->path ? cfg->path : getenv("PATH");
	char py[PATH_MAX];
	struct stat st;
	struct dev *d;

	if (cfg->dir == NULL || stat(cfg->dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s: not a folder",
		    cfg->dir ? cfg->dir : "(none)");
		return NULL;
	}
	d = calloc(1, sizeof *d);
	if (d == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	d->ino = d->out_fd = -1;
	snprintf(d->dir, sizeof d->dir, "%s", cfg->dir);
	d->debounce_ms = cfg->debounce_ms ? cfg->debounce_ms :
	    DEV_DEBOUNCE_DEFAULT_MS;
	d->ring_cap = cfg->ring_bytes ? cfg->ring_bytes : DEV_RING_DEFAULT;
	if (d->ring_cap > DEV_RING_MAX)
		d->ring_cap = DEV_RING_MAX;
	d->ring = malloc(d->ring_cap);
	d->port = cfg->port ? cfg->port : free_port();
	if (d->ring == NULL || d->port == 0 || build_env(d) != 0) {
		snprintf(err, errsz, d->port ? "out of memory" :
		    "no free port on 127.0.0.1");
		goto fail;
	}
	snprintf(d->portstr, sizeof d->portstr, "%u", d->port);
	if (which(path, "cog", d->exe, sizeof d->exe)) {
		d->how = DEV_HOW_COG;
		d->argv[0] = word(d, 0, "cog");
		d->argv[1] = word(d, 1, "serve");
		d->argv[2] = word(d, 2, "-p");
		d->argv[3] = d->portstr;
		snprintf(d->how_text, sizeof d->how_text, "cog serve -p %u "
		    "(cog is %.400s)", d->port, d->exe);
	} else if (which(path, "python3", py, sizeof py) &&
	    python_has_cog(d, py)) {
		d->how = DEV_HOW_PYTHON;
		snprintf(d->exe, sizeof d->exe, "%s", py);
		d->argv[0] = word(d, 0, "python3");
		d->argv[1] = word(d, 1, "-m");
		d->argv[2] = word(d, 2, "cog.server.http");
		snprintf(d->how_text, sizeof d->how_text, "python3 -m "
		    "cog.server.http with PORT=%u (no cog on PATH; the cog "
		    "Python package is importable)", d->port);
	} else if (cfg->serve_command && cfg->serve_command[0]) {
		d->how = DEV_HOW_COMMAND;
		snprintf(d->exe, sizeof d->exe, "/bin/sh");
		snprintf(d->cmd, sizeof d->cmd, "%s", cfg->serve_command);
		d->argv[0] = word(d, 0, "sh");
		d->argv[1] = word(d, 1, "-c");
		d->argv[2] = d->cmd;
		snprintf(d->how_text, sizeof d->how_text, "serve_command "
		    "`%.300s` with PORT=%u (no cog on PATH, no cog Python "
		    "package)", d->cmd, d->port);
	} else {
		snprintf(err, errsz, "cannot serve %s: no cog on PATH, no cog "
		    "Python package for python3, and no serve_command in the "
		    "config", d->dir);
		goto fail;
	}
	d->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->ino < 0 || inotify_add_watch(d->ino, d->dir, IN_CLOSE_WRITE |
	    IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE) < 0) {
		snprintf(err, errsz, "cannot watch %s: %s", d->dir,
		    strerror(errno));
		goto fail;
	}
	return d;
fail:
	dev_free(d);
	return NULL;
}

static void
drain_output(struct dev *d)
{
	char buf[4096];
	ssize_t r;

	while (d->out_fd >= 0) {
		r = read(d->out_fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return;		/* EAGAIN: later */
		if (r == 0) {
			close(d->out_fd);
			d->out_fd = -1;
			return;
		}
		for (ssize_t i = 0; i < r; i++)
			d->ring[(d->written + (uint64_t)i) % d->ring_cap] =
			    buf[i];
		d->written += (uint64_t)r;
		d->output_new = true;
	}
}

static int
spawn(struct dev *d, char *err, size_t errsz)
{
	static const char msg[] = "r8play: cannot run the server\n";
	int p[2], null;
	pid_t pid;

	if (d->out_fd >= 0) {	/* the last server's pipe: keep its tail */
		drain_output(d);
		if (d->out_fd >= 0) {
			close(d->out_fd);
			d->out_fd = -1;
		}
	}
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || pipe(p) != 0) {
		snprintf(err, errsz, "cannot start the server: %s",
		    strerror(errno));
		if (null >= 0)
			close(null);
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		if (chdir(d->dir) == 0)
			execve(d->exe, d->argv, d->envp);
		(void)!write(2, msg, sizeof msg - 1);
		_exit(127);
	}
	close(null);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		snprintf(err, errsz, "cannot start the server: %s",
		    strerror(errno));
		return -1;
	}
	setpgid(pid, pid);	/* both sides: whichever runs first */
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	d->out_fd = p[0];
	d->pid = pid;
	d->stopping = false;
	push(d, DEV_EV_STARTED, pid, 0, d->how_text);
	return 0;
}

int
dev_start(struct dev *d, char *err, size_t errsz)
{
	if (d->pid > 0)
		return 0;
	return spawn(d, err, errsz);
}

size_t
dev_pollfds(const struct dev *d, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	if (n < max && d->ino >= 0)
		fds[n++] = (struct pollfd){ .fd = d->ino, .events = POLLIN };
	if (n < max && d->out_fd >= 0)
		fds[n++] = (struct pollfd){ .fd = d->out_fd,
		    .events = POLLIN };
	return n;
}

static int
until(uint64_t at, uint64_t now)
{
	uint64_t ms = at > now ? at - now : 0;

	return ms > INT_MAX ? INT_MAX : (int)ms;
}

int
dev_timeout_ms(const struct dev *d, uint64_t now_ms)
{
	int t = -1, u;

	if (d->qn > 0)
		return 0;
	if (d->pending) {
		u = until(d->restart_at, now_ms);
		t = t < 0 || u < t ? u : t;
	}
	if (d->stopping) {
		u = until(d->kill_at, now_ms);
		t = t < 0 || u < t ? u : t;
	}
	if (d->pid > 0 && (t < 0 || t > DEV_CHECK_MS))
		t = DEV_CHECK_MS;
	return t;
}

static void
read_inotify(struct dev *d, uint64_t now)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	ssize_t r;

	for (;;) {
		r = read(d->ino, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		for (char *p = buf; p < buf + r;) {
			const struct inotify_event *ev =
			    (const struct inotify_event *)(void *)p;

			p += sizeof *ev + ev->len;
			if (ev->len == 0 || !dev_watch_match(ev->name))
				continue;
			d->pending = true;
			d->restart_at = now + d->debounce_ms;
			/* one CHANGED per file per debounce window */
			if (strcmp(d->last_changed, ev->name) == 0 &&
			    now < d->last_changed_at + d->debounce_ms)
				continue;
			snprintf(d->last_changed, sizeof d->last_changed,
			    "%s", ev->name);
			d->last_changed_at = now;
			push(d, DEV_EV_CHANGED, 0, 0, ev->name);
		}
	}
}

int
dev_step(struct dev *d, uint64_t now, struct dev_event *ev)
{
	char err[DEV_NAME_MAX];
	int st;

	if (d->ino >= 0)
		read_inotify(d, now);
	drain_output(d);
	if (d->output_new) {
		d->output_new = false;
		push(d, DEV_EV_OUTPUT, d->pid, 0, NULL);
	}
	if (d->pid > 0 && waitpid(d->pid, &st, WNOHANG) == d->pid) {
		drain_output(d);
		push(d, DEV_EV_EXITED, d->pid, st, NULL);
		if (d->qn > 0)
			d->q[(d->qh + d->qn - 1) % DEV_QUEUE].restart =
			    d->stopping;
		d->pid = 0;
		d->stopping = false;
	}
	if (d->stopping && now >= d->kill_at) {
		kill(-d->pid, SIGKILL);
		d->kill_at = now + DEV_KILL_MS;
	}
	if (d->pending && now >= d->restart_at) {
		if (d->pid > 0 && !d->stopping) {
			kill(-d->pid, SIGTERM);
			d->stopping = true;
			d->kill_at = now + DEV_KILL_MS;
			push(d, DEV_EV_RESTARTING, d->pid, 0, NULL);
		} else if (d->pid == 0) {
			d->pending = false;
			if (spawn(d, err, sizeof err) != 0)
				push(d, DEV_EV_ERROR, 0, 0, err);
		}
	}
	if (d->qn == 0)
		return 0;
	*ev = d->q[d->qh];
	d->qh = (d->qh + 1) % DEV_QUEUE;
	d->qn--;
	return 1;
}

size_t
dev_output_read(const struct dev *d, uint64_t *pos, char *buf, size_t bufsz,
    uint64_t *lost)
{
	uint64_t start = d->written > d->ring_cap ? d->written - d->ring_cap :
	    0;
	size_t n = 0;

	if (lost)
		*lost = 0;
	if (*pos < start) {
		if (lost)
			*lost = start - *pos;
		*pos = start;
	}
	if (*pos > d->written)
		*pos = d->written;
	while (*pos < d->written && n < bufsz)
		buf[n++] = d->ring[(*pos)++ % d->ring_cap];
	return n;
}

enum dev_how
dev_how(const struct dev *d)
{
	return d->how;
}

const char *
dev_how_text(const struct dev *d)
{
	return d->how_text;
}

unsigned
dev_port(const struct dev *d)
{
	return d->port;
}

pid_t
dev_pid(const struct dev *d)
{
	return d->pid;
}

void
dev_free(struct dev *d)
{
	if (d == NULL)
		return;
	if (d->pid > 0) {
		struct timespec ts = { 0, 20 * 1000000L };
		int st, i;

		kill(-d->pid, SIGTERM);
		for (i = 0; i < DEV_KILL_MS / 20; i++) {
			if (waitpid(d->pid, &st, WNOHANG) == d->pid)
				break;
			nanosleep(&ts, NULL);
		}
		if (i == DEV_KILL_MS / 20) {
			kill(-d->pid, SIGKILL);
			while (waitpid(d->pid, &st, 0) < 0 && errno == EINTR)
				;
		}
	}
	if (d->out_fd >= 0)
		close(d->out_fd);
	if (d->ino >= 0)
		close(d->ino);
	free(d->envp);
	free(d->ring);
	free(d);
}
