/*
 * tests/unit/t_client_download.c: outputs are streamed to part files, never
 * held in memory, against a hostile file host (tests/fakes/replicate.py
 * faults): a 2 GB Content-Length is refused before its body, a gzip bomb
 * stops at the decoded cap, a body that stalls halfway fails at the
 * low-speed limit, the per-run total holds across files. Each time peak
 * RSS (getrusage) stays bounded, nothing partial sits under a final name
 * and no part file is left; stale part files of a killed r8play go at the
 * next start while a live writer's stay. The disk work runs on the save's
 * worker thread: its failure still names the path, and a cancel mid-file
 * leaves no part. No timing assertions.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "tests/unit/fake.h"
#include "tests/unit/t.h"

#define MIB	(1024L * 1024L)
#define RSS_SLACK_KB	(8L * 1024L)	/* what a test may grow peak RSS by */

static char base[160];

struct done {
	bool	 done;
	enum client_event_kind kind;
	enum client_rc rc;
	char	 err[CLIENT_ERR_MAX];
	size_t	 nsaved;
};

static void
on_event(struct client_event *ev, void *arg)
{
	struct done *d = arg;

	if (ev->kind == CLIENT_EV_PROGRESS)
		return;
	d->done = true;
	d->kind = ev->kind;
	d->rc = ev->rc;
	snprintf(d->err, sizeof d->err, "%s", ev->err ? ev->err : "");
	d->nsaved = ev->saved != NULL ? ev->saved->n : 0;
	client_saved_free(ev->saved);
	ev->saved = NULL;
}

static bool
is_done(void *arg)
{
	return ((struct done *)arg)->done;
}

static long
peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* POST a fault to the fake (no token needed on /_fake/). */
static void
fault(const char *json)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "curl -s -o /dev/null -X POST "
	    "--data-binary '%s' %s/_fake/faults", json, base);
	if (system(cmd) != 0)
		printf("     fault not set: %s\n", json);
}

/* Clear the fake's faults. */
static void
fakes_reset(void)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "curl -s -o /dev/null -X POST "
	    "%s/_fake/reset", base);
	if (system(cmd) != 0)
		printf("     faults not cleared\n");
}

/* Files in dir: final ones into *final, part files into *parts. */
static void
count_files(const char *dir, int *final, int *parts, long *bytes)
{
	char path[1024];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	*final = *parts = 0;
	*bytes = 0;
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..")
		    == 0)
			continue;
		if (strncmp(de->d_name, OUTPUTS_PART_PREFIX,
		    strlen(OUTPUTS_PART_PREFIX)) == 0) {
			(*parts)++;
			continue;
		}
		(*final)++;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0)
			*bytes += (long)st.st_size;
	}
	closedir(d);
}

static void
rm_dir(const char *dir)
{
	char cmd[1100];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("     could not remove %s\n", dir);
}

/* Start saving outputs (paths under the fake) into dir; with wait, run
 * until the final event. The save's id (0 on failure). */
static unsigned
save_start(struct client *c, const char *const *paths, size_t n,
    const char *dir, struct done *d, bool wait)
{
	struct prediction p;
	char pid_text[] = "dl-test";
	struct prediction_output o[4];
	char urls[4][256], err[CLIENT_ERR_MAX];
	size_t i;

	memset(&p, 0, sizeof p);
	memset(d, 0, sizeof *d);
	p.id = pid_text;
	for (i = 0; i < n && i < 4; i++) {
		snprintf(urls[i], sizeof urls[i], "%s%s", base, paths[i]);
		o[i].kind = PREDICTION_OUTPUT_URL;
		o[i].value = urls[i];
		o[i].key = NULL;
	}
	p.outputs = o;
	p.n_outputs = n;
	{
		unsigned id = outputs_save(c, &p, dir, err, sizeof err);

		if (!T_OK(id != 0)) {
			printf("     %s\n", err);
			return 0;
		}
		if (!wait)
			return id;
		if (client_run_until(c, is_done, d, on_event, d, NULL, 0,
		    60000, err, sizeof err) != CLIENT_OK)
			printf("     wait: %s\n", err);
		return id;
	}
}

/* Save outputs (paths under the fake) into dir; the final event. */
static void
save(struct client *c, const char *const *paths, size_t n, const char *dir,
    struct done *d)
{
	(void)save_start(c, paths, n, dir, d, true);
}

static void
test_hostile(struct client *c, const char *dir)
{
	static const char *const one[] = { "/delivery/a/out.bin" };
	static const char *const two[] = { "/delivery/a/x.bin",
	    "/delivery/b/y.bin" };
	struct done d;
	long rss0 = peak_rss_kb(), bytes;
	int final, parts;

	/* 2 GB declared: refused at the header, nothing written */
	fault("{\"kind\":\"huge_length\",\"path\":\"/delivery/\"}");
	save(c, one, 1, dir, &d);
	T_EQ(d.kind, CLIENT_EV_ERROR);
	T_EQ(d.rc, CLIENT_ELIMIT);
	T_OK(strstr(d.err, "larger than") != NULL);
	count_files(dir, &final, &parts, &bytes);
	T_EQ(final, 0);
	T_EQ(parts, 0);

	/* a gzip bomb: 64 MiB decoded against a 16 MiB file cap */
	fault("{\"kind\":\"gzip_bomb\",\"path\":\"/delivery/\",\"mib\":64}");
	save(c, one, 1, dir, &d);
	T_EQ(d.kind, CLIENT_EV_ERROR);
	T_EQ(d.rc, CLIENT_ELIMIT);
	count_files(dir, &final, &parts, &bytes);
	T_EQ(final, 0);
	T_EQ(parts, 0);

	/* under the cap it streams to disk: 12 MiB saved, none in memory */
	fault("{\"kind\":\"gzip_bomb\",\"path\":\"/delivery/\",\"mib\":12}");
	save(c, one, 1, dir, &d);
	T_EQ(d.kind, CLIENT_EV_DONE);
	T_EQ(d.nsaved, 1);
	count_files(dir, &final, &parts, &bytes);
	T_EQ(final, 1);
	T_EQ(parts, 0);
	T_EQ(bytes, 12 * MIB);
	rm_dir(dir);

	/* two files of 12 MiB: under the file cap, over the 20 MiB run cap */
	fault("[{\"kind\":\"gzip_bomb\",\"path\":\"/delivery/a/\",\"mib\":12},"
	    "{\"kind\":\"gzip_bomb\",\"path\":\"/delivery/b/\",\"mib\":12}]");
	save(c, two, 2, dir, &d);
	T_EQ(d.kind, CLIENT_EV_ERROR);
	T_EQ(d.rc, CLIENT_ELIMIT);
	T_OK(strstr(d.err, "outputs of this run") != NULL);
	count_files(dir, &final, &parts, &bytes);
	T_OK(final <= 1);		/* the first may be complete */
	T_OK(final == 0 || bytes == 12 * MIB);
	T_EQ(parts, 0);
	rm_dir(dir);

	/* half a body, then silence: the low-speed limit ends it */
	fault("{\"kind\":\"stall_body\",\"path\":\"/delivery/\",\"count\":9,"
	    "\"bytes\":2000000,\"delay\":12}");
	save(c, one, 1, dir, &d);
	T_EQ(d.kind, CLIENT_EV_ERROR);
	count_files(dir, &final, &parts, &bytes);
	T_EQ(final, 0);
	T_EQ(parts, 0);
	rm_dir(dir);

	printf("     peak RSS grew by %ld KiB\n", peak_rss_kb() - rss0);
	T_OK(peak_rss_kb() - rss0 < RSS_SLACK_KB);
}

/*
 * The disk side runs on the save's worker thread: its failures still end
 * the save with a message naming the path, and a save cancelled while its
 * part file is being written leaves no part behind once cancel returns.
 */
static void
test_worker(struct client *c, const char *dir)
{
	static const char *const one[] = { "/delivery/a/out.bin" };
	char notdir[600], err[256];
	struct done d;
	unsigned id;
	long bytes;
	int final, parts = 0, i;

	/* the output folder is a file: the worker cannot write in it */
	snprintf(notdir, sizeof notdir, "%.500s-file", dir);
	close(open(notdir, O_CREAT | O_WRONLY, 0644));
	fault("{\"kind\":\"gzip_bomb\",\"path\":\"/delivery/\",\"mib\":4,"
	    "\"count\":1}");
	save(c, one, 1, notdir, &d);
	T_EQ(d.kind, CLIENT_EV_ERROR);
	T_EQ(d.rc, CLIENT_EIO);
	if (!T_OK(strstr(d.err, "cannot write in") != NULL))
		printf("     %s\n", d.err);
	T_OK(strstr(d.err, notdir) != NULL);
	T_EQ(d.nsaved, 0);
	unlink(notdir);
	fakes_reset();

	/* half a body, then silence: cancelled while the part is open */
	fault("{\"kind\":\"stall_body\",\"path\":\"/delivery/\",\"count\":1,"
	    "\"bytes\":2000000,\"delay\":20}");
	id = save_start(c, one, 1, dir, &d, false);
	for (i = 0; id != 0 && i < 400 && parts == 0 && !d.done; i++) {
		if (client_wait(c, NULL, 0, 25, err, sizeof err) != 0)
			break;
		client_pump(c, on_event, &d);
		count_files(dir, &final, &parts, &bytes);
	}
	T_EQ(parts, 1);
	T_OK(!d.done);
	client_cancel(c, id);
	count_files(dir, &final, &parts, &bytes);
	T_EQ(parts, 0);		/* cancel joined the worker: part gone */
	T_EQ(final, 0);
	T_EQ(client_pending(c), 0);
	rm_dir(dir);
	fakes_reset();
}

static void
test_stale(const char *dir)
{
	char a[600], b[600], live[600], sub[512], keep[600];
	int fd, lfd;

	mkdir(dir, 0755);
	snprintf(sub, sizeof sub, "%.400s/pred-1", dir);
	mkdir(sub, 0755);
	snprintf(a, sizeof a, "%s/" OUTPUTS_PART_PREFIX "dead01", dir);
	snprintf(b, sizeof b, "%s/" OUTPUTS_PART_PREFIX "dead02", sub);
	snprintf(live, sizeof live, "%s/" OUTPUTS_PART_PREFIX "live01", dir);
	snprintf(keep, sizeof keep, "%s/.name.png.AbC123", dir);
	fd = open(a, O_CREAT | O_WRONLY, 0600);
	close(fd);
	fd = open(b, O_CREAT | O_WRONLY, 0600);
	close(fd);
	fd = open(keep, O_CREAT | O_WRONLY, 0600);
	close(fd);
	lfd = open(live, O_CREAT | O_WRONLY, 0600);
	T_OK(lfd >= 0 && flock(lfd, LOCK_EX | LOCK_NB) == 0);
	T_EQ(outputs_clean_stale(dir), 2);
	T_OK(access(a, F_OK) != 0);
	T_OK(access(b, F_OK) != 0);
	T_OK(access(live, F_OK) == 0);	/* its writer is alive */
	T_OK(access(keep, F_OK) == 0);	/* not r8play's naming */
	close(lfd);
	/* client_new cleans its output folder */
	{
		struct client_config cc;
		struct client *c;
		char err[256];

		client_config_defaults(&cc);
		cc.output_dir = dir;
		c = client_new(&cc, err, sizeof err);
		T_OK(c != NULL);
		client_free(c);
	}
	T_OK(access(live, F_OK) != 0);
	rm_dir(dir);
}

int
main(void)
{
	const char *const extra[] = { "--speed", "4", "--quiet", NULL };
	struct client_config cc;
	struct client *c;
	char api[200], err[256], dir[64];
	pid_t pid;

	snprintf(dir, sizeof dir, "/tmp/t_client_download.%d", (int)getpid());
	test_stale(dir);
	if (fake_start("replicate.py", extra, &pid, base, sizeof base) != 0) {
		T_OK(!"fake started");
		return T_SUMMARY();
	}
	client_config_defaults(&cc);
	snprintf(api, sizeof api, "%s/v1", base);
	cc.api_base = api;
	cc.max_file_bytes = 16 * MIB;
	cc.max_run_bytes = 20 * MIB;
	cc.low_speed_time_s = 2;
	cc.max_retries = 1;
	cc.retry_base_ms = 50;
	c = client_new(&cc, err, sizeof err);
	if (T_OK(c != NULL)) {
		test_hostile(c, dir);
		test_worker(c, dir);
	}
	client_free(c);
	rm_dir(dir);
	fake_stop(pid);
	return T_SUMMARY();
}
