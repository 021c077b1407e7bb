/*
 * tests/unit/fake.h: start and stop a fake server (tests/fakes/<script>)
 * from a C unit test. Header-only; POSIX.
 *
 *	pid_t pid;
 *	char url[128];
 *	const char *const extra[] = { "--speed", "4", "--quiet", NULL };
 *	if (fake_start("replicate.py", extra, &pid, url, sizeof url) != 0)
 *		return 1;
 *	... talk to url (the API is under url "/v1") ...
 *	fake_stop(pid);
 *
 * fake_start() forks `python3 $ROOT/tests/fakes/<script> <extra...>` (ROOT
 * from the environment, else "."), with a pipe on the child's stdin whose
 * write end this process keeps open (close-on-exec, so programs the test
 * runs do not inherit it): the fake exits when the test dies. It reads the
 * base URL the fake prints as its first line, waiting at most
 * FAKE_START_TIMEOUT_MS. Returns 0, or -1 with a reason on stderr.
 * fake_stop() closes that pipe, sends SIGTERM, waits FAKE_STOP_TIMEOUT_MS,
 * then SIGKILLs; returns the exit status, or -1 (also for a pid that
 * fake_start() did not return, or one already stopped).
 * At most FAKE_MAX children at once.
 */
#ifndef R8_TESTS_FAKE_H
#define R8_TESTS_FAKE_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FAKE_START_TIMEOUT_MS 10000
#define FAKE_STOP_TIMEOUT_MS 3000
#define FAKE_MAX 8
#define FAKE_PATH_MAX 4096
#define FAKE_ARGS_MAX 32

struct fake_child {
	pid_t pid;
	int stdin_fd;
	int stdout_fd;
};

static struct fake_child fake_children[FAKE_MAX];

static inline long
fake_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void
fake_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl != -1)
		(void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static inline int
fake_stop(pid_t pid)
{
	int status = 0, i, mine = 0;
	long end;

	if (pid <= 0)
		return -1;
	for (i = 0; i < FAKE_MAX; i++) {
		if (fake_children[i].pid != pid)
			continue;
		close(fake_children[i].stdin_fd);
		close(fake_children[i].stdout_fd);
		fake_children[i].pid = 0;
		mine = 1;
	}
	if (!mine)		/* never signal a pid we did not start */
		return -1;
	(void)kill(pid, SIGTERM);
	end = fake_now_ms() + FAKE_STOP_TIMEOUT_MS;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r == -1 && errno != EINTR)
			return -1;
		if (fake_now_ms() >= end) {
			(void)kill(pid, SIGKILL);
			if (waitpid(pid, &status, 0) != pid)
				return -1;
			break;
		}
		usleep(10000);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static inline int
fake_start(const char *script, const char *const argv_extra[], pid_t *pid,
    char *url, size_t urlsz)
{
	char path[FAKE_PATH_MAX];
	const char *argv[FAKE_ARGS_MAX + 3];
	const char *root = getenv("ROOT");
	int in[2], out[2], slot, n = 0, i;
	size_t len = 0;
	long end;
	pid_t child;

	*pid = -1;
	if (urlsz == 0)
		return -1;
	url[0] = '\0';
	for (slot = 0; slot < FAKE_MAX && fake_children[slot].pid; slot++)
		;
	if (slot == FAKE_MAX) {
		fprintf(stderr, "fake_start: more than %d fakes\n", FAKE_MAX);
		return -1;
	}
	if (!root || !*root)
		root = ".";
	if (snprintf(path, sizeof path, "%s/tests/fakes/%s", root, script) >=
	    (int)sizeof path) {
		fprintf(stderr, "fake_start: path too long\n");
		return -1;
	}
	argv[n++] = "python3";
	argv[n++] = path;
	for (i = 0; argv_extra && argv_extra[i] && i < FAKE_ARGS_MAX; i++)
		argv[n++] = argv_extra[i];
	argv[n] = NULL;
	if (pipe(in) != 0)
		return -1;
	if (pipe(out) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	fflush(NULL);
	child = fork();
	if (child == -1) {
		fprintf(stderr, "fake_start: fork: %s\n", strerror(errno));
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (child == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(argv[0], (char *const *)(void *)argv);
		fprintf(stderr, "fake_start: exec python3: %s\n",
		    strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	fake_cloexec(in[1]);
	fake_cloexec(out[0]);
	fake_children[slot].pid = child;
	fake_children[slot].stdin_fd = in[1];
	fake_children[slot].stdout_fd = out[0];
	end = fake_now_ms() + FAKE_START_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { out[0], POLLIN, 0 };
		long left = end - fake_now_ms();
		char c;
		ssize_t r;

		if (left <= 0) {
			fprintf(stderr, "fake_start: %s printed no URL in %d ms\n",
			    script, FAKE_START_TIMEOUT_MS);
			break;
		}
		int pr = poll(&pfd, 1, (int)left);

		if (pr == -1 && errno != EINTR) {
			fprintf(stderr, "fake_start: poll: %s\n",
			    strerror(errno));
			break;
		}
		if (pr <= 0)
			continue;
		r = read(out[0], &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "fake_start: %s exited before its URL\n",
			    script);
			break;
		}
		if (c == '\n') {
			url[len] = '\0';
			if (strncmp(url, "http://", 7) != 0) {
				fprintf(stderr, "fake_start: %s: not a URL: %s\n",
				    script, url);
				break;
			}
			*pid = child;
			return 0;
		}
		if (len + 1 >= urlsz) {
			fprintf(stderr, "fake_start: URL longer than %zu\n",
			    urlsz);
			break;
		}
		url[len++] = c;
	}
	url[0] = '\0';
	fake_stop(child);
	return -1;
}

#endif
