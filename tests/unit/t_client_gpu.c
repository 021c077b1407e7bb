/*
 * tests/unit/t_client_gpu.c: client/gpu/gpu.c against the fake NVML
 * (tests/fakes/nvml/fake_nvml.c, built by tests/mk/gpu.mk) found through
 * LD_LIBRARY_PATH, as a real driver would be: canned GPUs and processes,
 * a GPU that cannot report power or temperature, an INSUFFICIENT_SIZE
 * first answer, an older driver without the _v2/_v3 entry points, nvmlInit
 * failing, no driver at all, and a power curve integrated by the energy
 * sampler against its known integral. Plus the cgroup -> container parser.
 *
 * The dynamic loader reads LD_LIBRARY_PATH once at start-up, so each
 * library scenario runs in a child (this binary re-executed with the
 * scenario name); the child's checks are echoed and counted here.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/gpu/energy.h"
#include "client/gpu/gpu.h"
#include "tests/unit/t.h"

#ifndef FAKE_NVML_DIR
#define FAKE_NVML_DIR "build/debug/tests/fakes/nvml"
#endif

static char tmpdir[256];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		printf("cannot write %s\n", path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* How many lines of the fake's call log read exactly name. */
static int
log_count(const char *name)
{
	char path[512], line[256];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/calls.log", tmpdir);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		n += strcmp(line, name) == 0;
	}
	fclose(f);
	return n;
}

#define H100 "gpu\tNVIDIA H100 80GB HBM3\tGPU-11111111-2222-3333-4444-" \
    "555555555555\t87\t41\t42949672960\t85899345920\t64\t312500\t700000\n"
#define T4 "gpu\tTesla T4\tGPU-aaaa\t3\t1\t1048576\t16106127360\t-\t-\t-\n"

static const char cfg_main[] =
    "# two GPUs: one reports everything, one has no power or temperature\n"
    "driver\t550.54.15\n" H100 T4
    "proc\t0\t4242\t21474836480\n"
    "proc\t0\t4243\t-\n"
    "proc\t0\t4244\t1073741824\n"
    "proc\t1\t100\t1\n" "proc\t1\t101\t2\n" "proc\t1\t102\t3\n"
    "proc\t1\t103\t4\n" "proc\t1\t104\t5\n" "proc\t1\t105\t6\n"
    "proc\t1\t106\t7\n" "proc\t1\t107\t8\n" "proc\t1\t108\t9\n"
    "proc\t1\t109\t10\n" "proc\t1\t110\t11\n" "proc\t1\t111\t12\n"
    "proc\t1\t112\t13\n" "proc\t1\t113\t14\n" "proc\t1\t114\t15\n"
    "proc\t1\t115\t16\n" "proc\t1\t116\t17\n" "proc\t1\t117\t18\n"
    "proc\t1\t118\t19\n" "proc\t1\t119\t20\n"
    "insufficient\t1\n";

static void
check_main_snapshot(const struct gpu_snapshot *s)
{
	const struct gpu_dev *a = &s->dev[0], *b = &s->dev[1];

	T_EQ(s->n, 2);
	T_EQ(s->n_total, 2);
	T_STREQ(s->driver, "550.54.15");
	T_EQ(a->index, 0);
	T_STREQ(a->name, "NVIDIA H100 80GB HBM3");
	T_STREQ(a->uuid, "GPU-11111111-2222-3333-4444-555555555555");
	T_OK(a->util_ok && a->util_pct == 87 && a->mem_util_pct == 41);
	T_OK(a->mem_ok);
	T_EQ(a->mem_used, 42949672960ULL);
	T_EQ(a->mem_total, 85899345920ULL);
	T_OK(a->temp_ok && a->temp_c == 64);
	T_OK(a->power_ok && fabs(a->power_w - 312.5) < 1e-9);
	T_OK(a->limit_ok && fabs(a->power_limit_w - 700.0) < 1e-9);
	T_OK(a->procs_ok);
	T_EQ(a->n_procs, 3);
	T_EQ(a->procs[0].pid, 4242);
	T_OK(a->procs[0].vram_known);
	T_EQ(a->procs[0].vram_bytes, 21474836480ULL);
	T_EQ(a->procs[1].pid, 4243);
	T_OK(!a->procs[1].vram_known);
	T_EQ(a->procs[2].vram_bytes, 1073741824ULL);
	/* the T4: no power, no limit, no temperature, and 20 processes
	 * (more than the buffer grown for GPU 0 holds) */
	T_EQ(b->index, 1);
	T_STREQ(b->name, "Tesla T4");
	T_OK(!b->power_ok);
	T_OK(!b->limit_ok);
	T_OK(!b->temp_ok);
	T_OK(b->procs_ok);
	T_EQ(b->n_procs, 20);
	T_EQ(b->n_procs_total, 20);
	T_EQ(b->procs[0].pid, 100);
	T_EQ(b->procs[19].pid, 119);
	T_EQ(b->procs[19].vram_bytes, 20);
}

static void
child_main(bool old)
{
	struct gpu_snapshot *s = malloc(sizeof *s);
	char err[256] = "";
	struct gpu *g = gpu_open(NULL, err, sizeof err);
	double w;
	unsigned long long vram;

	T_OK(g != NULL);
	if (g == NULL) {
		printf("     gpu_open: %s\n", err);
		free(s);
		return;
	}
	if (old) {
		T_STREQ(gpu_api(g), "nvmlInit nvmlDeviceGetCount "
		    "nvmlDeviceGetComputeRunningProcesses");
	} else {
		T_STREQ(gpu_api(g), "nvmlInit_v2 nvmlDeviceGetCount_v2 "
		    "nvmlDeviceGetComputeRunningProcesses_v3");
	}
	T_EQ(gpu_sample(g, s, err, sizeof err), 0);
	check_main_snapshot(s);
	/* GPU 0's forced INSUFFICIENT_SIZE answer grew the buffer to 16;
	 * GPU 1's 20 processes grew it again: 2 calls on each GPU */
	T_EQ(log_count(old ? "nvmlDeviceGetComputeRunningProcesses" :
	    "nvmlDeviceGetComputeRunningProcesses_v3"), 4);
	T_EQ(log_count("nvmlDeviceGetComputeRunningProcesses_v2"), 0);
	/* a second sample reuses the grown buffer: one call per GPU */
	T_EQ(gpu_sample(g, s, err, sizeof err), 0);
	check_main_snapshot(s);
	T_EQ(log_count(old ? "nvmlDeviceGetComputeRunningProcesses" :
	    "nvmlDeviceGetComputeRunningProcesses_v3"), 6);
	T_EQ(gpu_power(g, 0, &w, &vram), 0);
	T_OK(fabs(w - 312.5) < 1e-9);
	T_EQ(vram, 42949672960ULL);
	T_EQ(gpu_power(g, 1, &w, &vram), -1);	/* no power on the T4 */
	T_EQ(vram, 1048576);
	T_EQ(gpu_power(g, 7, &w, NULL), -1);	/* no such GPU */
	gpu_free(g);
	T_EQ(log_count("nvmlShutdown"), 1);
	free(s);
}

static void
child_nodriver(void)
{
	char err[256] = "";
	struct gpu *g = gpu_open(NULL, err, sizeof err);

	if (g != NULL) {
		/* a real driver is installed where this runs: it was found
		 * through ld.so.cache despite the empty LD_LIBRARY_PATH */
		printf("note: a real libnvidia-ml.so.1 is installed (%s)\n",
		    gpu_api(g));
		T_OK(gpu_api(g)[0] != '\0');
		gpu_free(g);
	} else {
		T_OK(strncmp(err, "no NVIDIA driver: libnvidia-ml.so.1 "
		    "cannot be loaded", 52) == 0);
		T_OK(strchr(err, '\n') == NULL);
	}
	err[0] = '\0';
	g = gpu_open("/nonexistent/libnvidia-ml.so.1", err, sizeof err);
	T_OK(g == NULL);
	T_OK(strncmp(err, "no NVIDIA driver: /nonexistent/", 31) == 0);
	/* the API tolerates the absent handle */
	gpu_free(NULL);
	T_STREQ(gpu_api(NULL), "");
}

static void
child_init_error(void)
{
	char err[256] = "";
	struct gpu *g = gpu_open(NULL, err, sizeof err);

	T_OK(g == NULL);
	T_STREQ(err, "NVML: nvmlInit failed: Driver Not Loaded");
	T_EQ(log_count("nvmlShutdown"), 0);
}

/*
 * The fake plays 100 W rising to 400 W over 2 s, held for 4 s, falling to
 * 100 W at 8 s, then held; its clock steps 250 ms per power read. Sampling
 * every 250 ms hits every breakpoint, so the trapezoid rule is exact:
 *   0..2 s 500 J, 2..6 s 1600 J, 6..8 s 500 J, 8..10 s 200 J = 2800 J.
 */
static const char cfg_energy[] = H100
    "power\t0\t0\t100000\n" "power\t0\t2000\t400000\n"
    "power\t0\t6000\t400000\n" "power\t0\t8000\t100000\n"
    "step\t250\n";

static void
child_energy(void)
{
	struct gpu_energy e;
	struct gpu_energy_summary sum;
	char err[256] = "";
	struct gpu *g = gpu_open(NULL, err, sizeof err);
	int i, fails = 0;

	T_OK(g != NULL);
	if (g == NULL)
		return;
	gpu_energy_init(&e);
	for (i = 0; i <= 40; i++) {
		double w;
		unsigned long long vram;

		if (gpu_power(g, 0, &w, &vram) != 0)
			fails++;
		gpu_energy_add(&e, i * 0.25, w, vram);
	}
	T_EQ(fails, 0);
	gpu_energy_summary(&e, &sum);
	T_OK(sum.energy_known);
	T_OK(fabs(sum.wh - 2800.0 / 3600.0) < 1e-9);
	T_OK(fabs(sum.avg_w - 280.0) < 1e-9);
	T_OK(fabs(sum.peak_w - 400.0) < 1e-9);
	T_OK(fabs(sum.seconds - 10.0) < 1e-12);
	T_OK(fabs(sum.coverage - 1.0) < 1e-12);
	T_OK(sum.vram_known && sum.peak_vram == 42949672960ULL);
	printf("energy: %.6f Wh (want %.6f), avg %.3f W, peak %.1f W\n",
	    sum.wh, 2800.0 / 3600.0, sum.avg_w, sum.peak_w);
	gpu_free(g);
}

/* ---- parent: runs the children ------------------------------------------ */

static void
run_child(const char *self, const char *scenario, const char *libdir,
    const char *cfg)
{
	char cfgpath[512], logpath[512], line[512];
	int fd[2], st;
	pid_t pid;
	FILE *in;

	snprintf(cfgpath, sizeof cfgpath, "%s/%s.tsv", tmpdir, scenario);
	snprintf(logpath, sizeof logpath, "%s/calls.log", tmpdir);
	write_file(cfgpath, cfg);
	unlink(logpath);
	if (pipe(fd) != 0)
		exit(1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		setenv("LD_LIBRARY_PATH", libdir, 1);
		setenv("FAKE_NVML_CONFIG", cfgpath, 1);
		setenv("FAKE_NVML_LOG", logpath, 1);
		execl(self, self, scenario, tmpdir, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	in = fdopen(fd[0], "r");
	while (fgets(line, sizeof line, in)) {
		int p, f;

		if (sscanf(line, "child: %d passed, %d failed", &p, &f) == 2) {
			t_pass += p;
			t_fail += f;
		} else
			printf("[%s] %s", scenario, line);
	}
	fclose(in);
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("FAIL child %s ended with status %d\n", scenario, st);
		t_fail++;
	}
}

static void
test_cgroup(void)
{
	static const char id[] =
	    "3f4e8b1c9a7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f";
	char out[GPU_CONTAINER_ID_MAX], text[512];

	snprintf(text, sizeof text, "12:memory:/docker/%s\n0::/\n", id);
	T_EQ(gpu_cgroup_container(text, strlen(text), out, sizeof out), 1);
	T_STREQ(out, id);
	snprintf(text, sizeof text,
	    "0::/system.slice/docker-%s.scope\n", id);
	T_EQ(gpu_cgroup_container(text, strlen(text), out, sizeof out), 1);
	T_STREQ(out, id);
	snprintf(text, sizeof text, "0::/machine.slice/libpod-%s.scope/"
	    "container\n", id);
	T_EQ(gpu_cgroup_container(text, strlen(text), out, sizeof out), 1);
	snprintf(text, sizeof text, "0::/kubepods.slice/kubepods-pod1.slice/"
	    "cri-containerd-%s.scope", id);	/* no final newline */
	T_EQ(gpu_cgroup_container(text, strlen(text), out, sizeof out), 1);
	T_STREQ(out, id);
	/* upper-case hex comes back lower-case */
	snprintf(text, sizeof text, "0::/docker/3F4E8B1C9A7D6E5F4A3B2C1D0E9F8"
	    "A7B6C5D4E3F2A1B0C9D8E7F6A5B4C3D2E1F\n");
	T_EQ(gpu_cgroup_container(text, strlen(text), out, sizeof out), 1);
	T_STREQ(out, id);
	/* not containers: a host process, a user session, a 65-digit run,
	 * a 64-digit run without a runtime marker, a truncated id */
	T_EQ(gpu_cgroup_container("0::/user.slice/user-1000.slice/"
	    "session-2.scope\n", 47, out, sizeof out), 0);
	T_EQ(gpu_cgroup_container("0::/\n", 5, out, sizeof out), 0);
	snprintf(text, sizeof text, "0::/docker/%sa\n", id);
	T_EQ(gpu_cgroup_container(text, strlen(text), out, sizeof out), 0);
	snprintf(text, sizeof text, "0::/some/%s\n", id);
	T_EQ(gpu_cgroup_container(text, strlen(text), out, sizeof out), 0);
	snprintf(text, sizeof text, "0::/docker/%s\n", id);
	T_EQ(gpu_cgroup_container(text, 50, out, sizeof out), 0);
	/* a buffer too small for an id is refused */
	T_EQ(gpu_cgroup_container(text, strlen(text), out, 64), 0);
	T_EQ(gpu_cgroup_container("", 0, out, sizeof out), 0);
}

static void
test_pid_container(void)
{
	static const char id[] =
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char dir[512], path[600], text[256], out[GPU_CONTAINER_ID_MAX];

	snprintf(dir, sizeof dir, "%s/proc", tmpdir);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/4242", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/4242/cgroup", dir);
	snprintf(text, sizeof text, "0::/system.slice/docker-%s.scope\n", id);
	write_file(path, text);
	T_EQ(gpu_pid_container(dir, 4242, out, sizeof out), 1);
	T_STREQ(out, id);
	T_EQ(gpu_pid_container(dir, 4243, out, sizeof out), -1);
	/* this process lives in no container r8play knows (or in one: any
	 * answer but "unreadable" is right) */
	T_OK(gpu_pid_container(NULL, (unsigned)getpid(), out,
	    sizeof out) >= 0);
	unlink(path);
	snprintf(path, sizeof path, "%s/4242", dir);
	rmdir(path);
	rmdir(dir);
}

static void
test_match(void)
{
	static const char id[] =
	    "3f4e8b1c9a7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f";

	T_OK(gpu_container_match(id, id));
	T_OK(gpu_container_match(id, "3f4e8b1c9a7d"));
	T_OK(gpu_container_match(id, "3F4E8B1C9A7D6E"));
	T_OK(!gpu_container_match(id, "3f4e8b1c9a7"));	/* too short */
	T_OK(!gpu_container_match(id, "3f4e8b1c9a7e"));
	T_OK(!gpu_container_match(id, "r8play-model"));	/* a name */
	T_OK(!gpu_container_match(id, ""));
	T_OK(!gpu_container_match(NULL, id));
	T_OK(!gpu_container_match("3f4e8b1c9a7d", id));	/* longer */
}

static void
test_fmt(void)
{
	char b[32];

	T_STREQ(gpu_fmt_bytes(0, b, sizeof b), "0 B");
	T_STREQ(gpu_fmt_bytes(1023, b, sizeof b), "1023 B");
	T_STREQ(gpu_fmt_bytes(1024, b, sizeof b), "1.0 KiB");
	T_STREQ(gpu_fmt_bytes(85899345920ULL, b, sizeof b), "80.0 GiB");
	T_STREQ(gpu_fmt_bytes(42949672960ULL + 536870912ULL, b, sizeof b),
	    "40.5 GiB");
	T_STREQ(gpu_fmt_bytes(1048575, b, sizeof b), "1024.0 KiB");
}

int
main(int argc, char **argv)
{
	char self[PATH_MAX], full[512], old[512], empty[512];
	ssize_t n;

	if (argc == 3) {
		snprintf(tmpdir, sizeof tmpdir, "%s", argv[2]);
		if (strcmp(argv[1], "full") == 0)
			child_main(false);
		else if (strcmp(argv[1], "old") == 0)
			child_main(true);
		else if (strcmp(argv[1], "nodriver") == 0)
			child_nodriver();
		else if (strcmp(argv[1], "init_error") == 0)
			child_init_error();
		else if (strcmp(argv[1], "energy") == 0)
			child_energy();
		printf("child: %d passed, %d failed\n", t_pass, t_fail);
		return 0;
	}
	snprintf(tmpdir, sizeof tmpdir, "/tmp/t_client_gpu.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	if (FAKE_NVML_DIR[0] == '/')
		snprintf(full, sizeof full, "%s/full", FAKE_NVML_DIR);
	else {
		char cwd[256];

		if (getcwd(cwd, sizeof cwd) == NULL)
			return 1;
		snprintf(full, sizeof full, "%s/%s/full", cwd, FAKE_NVML_DIR);
	}
	snprintf(old, sizeof old, "%.*s/old", (int)(strlen(full) - 5), full);
	snprintf(empty, sizeof empty, "%s/empty", tmpdir);
	mkdir(empty, 0700);

	test_cgroup();
	test_pid_container();
	test_fmt();
	test_match();
	run_child(self, "full", full, cfg_main);
	run_child(self, "old", old, cfg_main);
	run_child(self, "nodriver", empty, "");
	run_child(self, "init_error", full, "init_error\t9\n");
	run_child(self, "energy", full, cfg_energy);

	{
		char p[600];
		const char *names[] = { "full.tsv", "old.tsv", "nodriver.tsv",
		    "init_error.tsv", "energy.tsv", "calls.log", NULL };

		for (const char **nm = names; *nm; nm++) {
			snprintf(p, sizeof p, "%s/%s", tmpdir, *nm);
			unlink(p);
		}
		rmdir(empty);
		rmdir(tmpdir);
	}
	return T_SUMMARY();
}
