/*
 * tests/unit/t_client_fakeh.c: tests/unit/fake.h, the helper C tests use to
 * run the fake servers: start prints a loopback URL, the fake answers over
 * HTTP (plain sockets here, no client code), stop ends it, a closed stdin
 * ends it, and failures are reported, not hung on.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tests/unit/t.h"
#include "tests/unit/fake.h"

#define TOKEN "r8_fake_0123456789abcdef"

/* GET path with an optional bearer token; returns the HTTP status or -1. */
static int
http_status(const char *url, const char *path, const char *token)
{
	struct sockaddr_in sa;
	char req[512], resp[64];
	int fd, port, status = -1;
	ssize_t n;

	if (sscanf(url, "http://127.0.0.1:%d", &port) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n"
		    "%s%s%sConnection: close\r\n\r\n", path,
		    token ? "Authorization: Bearer " : "", token ? token : "",
		    token ? "\r\n" : "");
		if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
			n = read(fd, resp, sizeof resp - 1);
			if (n > 12) {
				resp[n] = '\0';
				if (sscanf(resp, "HTTP/1.1 %d", &status) != 1)
					status = -1;
			}
		}
	}
	close(fd);
	return status;
}

static int
gone(pid_t pid)
{
	return kill(pid, 0) == -1 && errno == ESRCH;
}

int
main(void)
{
	const char *const extra[] = { "--quiet", NULL };
	pid_t pid, pid2;
	char url[128], small[8];
	int i;

	T_OK(fake_start("replicate.py", extra, &pid, url, sizeof url) == 0);
	T_OK(strncmp(url, "http://127.0.0.1:", 17) == 0);
	T_EQ(http_status(url, "/v1/account", TOKEN), 200);
	T_EQ(http_status(url, "/v1/account", NULL), 401);
	T_EQ(http_status(url, "/v1/models/nobody/nothing", TOKEN), 404);
	T_EQ(fake_stop(pid), 0);
	T_OK(gone(pid));
	T_EQ(fake_stop(pid), -1);	/* already reaped */

	/* two at once, on different ports */
	T_OK(fake_start("replicate.py", extra, &pid, url, sizeof url) == 0);
	T_OK(fake_start("replicate.py", extra, &pid2, small, sizeof small)
	    == -1);			/* URL does not fit: refused, reaped */
	T_EQ(pid2, -1);
	T_OK(fake_start("nonexistent.py", NULL, &pid2, small, sizeof small)
	    == -1);
	/* closing its stdin ends the fake by itself */
	for (i = 0; i < FAKE_MAX; i++)
		if (fake_children[i].pid == pid)
			close(fake_children[i].stdin_fd);
	for (i = 0; i < 1000 && waitpid(pid, NULL, WNOHANG) != pid; i++)
		usleep(10000);	/* up to 10 s: only a hang fails */
	T_OK(i < 1000);
	for (i = 0; i < FAKE_MAX; i++)
		if (fake_children[i].pid == pid) {
			close(fake_children[i].stdout_fd);
			fake_children[i].pid = 0;
		}
	return T_SUMMARY();
}
