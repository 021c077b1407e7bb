/*
 * tests/fakes/nvml/fake_nvml.c: a stand-in libnvidia-ml.so.1 for r8play's
 * tests. tests/mk/gpu.mk builds it twice into $O/tests/fakes/nvml/:
 *   full/libnvidia-ml.so.1   a current driver: nvmlInit_v2,
 *                            nvmlDeviceGetCount_v2, ..._v2/_v3 process
 *                            queries, plus the plain entry points
 *   old/libnvidia-ml.so.1    (-DFAKE_NVML_OLD) an older driver: only the
 *                            plain entry points; processes in v1 records
 * Tests put one of these directories first in LD_LIBRARY_PATH, so r8play
 * finds it through the normal library search.
 *
 * What it reports comes from the file named by $FAKE_NVML_CONFIG (read at
 * every nvmlInit), TAB-separated lines, '#' comments:
 *   driver  VERSION
 *   gpu     NAME UUID UTIL% MEMUTIL% USED_BYTES TOTAL_BYTES TEMP_C
 *           POWER_mW LIMIT_mW          ('-' for a reading not supported)
 *   proc    GPU PID VRAM_BYTES         ('-' for NVML_VALUE_NOT_AVAILABLE)
 *   power   GPU T_MS POWER_mW          power curve: linear between points,
 *                                      held after the last; replaces the
 *                                      gpu line's power once given
 *   step    MS                         virtual clock: every power read
 *                                      advances time by MS (default: the
 *                                      real monotonic time since nvmlInit)
 *   insufficient N                     the first N process queries answer
 *                                      NVML_ERROR_INSUFFICIENT_SIZE
 *   init_error CODE                    nvmlInit returns CODE
 * NAME, UUID and VERSION are bytes, any but TAB, CR, LF and NUL (the
 * hostile suite puts escapes and invalid UTF-8 there), kept in NVML's
 * fixed buffers (96 and 80 bytes with the NUL): longer ones are cut.
 * $FAKE_NVML_LOG, when set, names a file each entry point appends its name
 * to (one line per call), so tests can see which ones r8play used.
 * Test code: globals and fixed arrays are fine here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define F_GPUS	16
#define F_PROCS	512
#define F_PTS	256

typedef int nvmlReturn_t;
typedef struct fake_dev *nvmlDevice_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; }
    nvmlProcessInfo_v1_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId, computeInstanceId; } nvmlProcessInfo_v2_t;

struct fake_dev {
	char name[96], uuid[96];
	unsigned util, memutil, temp;
	unsigned long long used, total;
	long power_mw, limit_mw;	/* -1 not supported */
	int has_temp;
	double pt[F_PTS], pw[F_PTS];	/* curve: ms, mW */
	int npts;
};

struct fake_proc { unsigned gpu, pid; unsigned long long vram; };

static struct fake_dev devs[F_GPUS];
static int ndevs;
static struct fake_proc procs[F_PROCS];
static int nprocs;
static char driver[80] = "999.99-fake";
static int insufficient, init_error, inited;
static double step_ms, vclock_ms;
static struct timespec t0;

nvmlReturn_t nvmlInit(void);
nvmlReturn_t nvmlInit_v2(void);
nvmlReturn_t nvmlShutdown(void);
const char *nvmlErrorString(nvmlReturn_t);
nvmlReturn_t nvmlSystemGetDriverVersion(char *, unsigned);
nvmlReturn_t nvmlDeviceGetCount(unsigned *);
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned, nvmlDevice_t *);
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t, char *, unsigned);
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t, char *, unsigned);
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t,
    nvmlUtilization_t *);
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t, nvmlMemory_t *);
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t, int, unsigned *);
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t, unsigned *);
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t, unsigned *);
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t, unsigned *,
    nvmlProcessInfo_v1_t *);
#ifndef FAKE_NVML_OLD
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned *);
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned, nvmlDevice_t *);
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t,
    unsigned *, nvmlProcessInfo_v2_t *);
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t,
    unsigned *, nvmlProcessInfo_v2_t *);
#endif

static void
logcall(const char *name)
{
	const char *path = getenv("FAKE_NVML_LOG");
	FILE *f;

	if (path == NULL || (f = fopen(path, "a")) == NULL)
		return;
	fprintf(f, "%s\n", name);
	fclose(f);
}

/* Split line at TABs into at most max fields (in place). */
static int
split(char *line, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

static long
num(const char *s)
{
	return strcmp(s, "-") == 0 ? -1 : strtol(s, NULL, 10);
}

static void
load(void)
{
	const char *path = getenv("FAKE_NVML_CONFIG");
	char line[1024], *f[12];
	FILE *fp;
	int n;

	memset(devs, 0, sizeof devs);
	ndevs = nprocs = insufficient = init_error = 0;
	step_ms = vclock_ms = 0;
	if (path == NULL || (fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		n = split(line, f, 12);
		if (strcmp(f[0], "driver") == 0 && n >= 2)
			snprintf(driver, sizeof driver, "%s", f[1]);
		else if (strcmp(f[0], "gpu") == 0 && n >= 10 &&
		    ndevs < F_GPUS) {
			struct fake_dev *d = &devs[ndevs++];

			snprintf(d->name, sizeof d->name, "%s", f[1]);
			snprintf(d->uuid, sizeof d->uuid, "%s", f[2]);
			d->util = (unsigned)num(f[3]);
			d->memutil = (unsigned)num(f[4]);
			d->used = strtoull(f[5], NULL, 10);
			d->total = strtoull(f[6], NULL, 10);
			d->has_temp = strcmp(f[7], "-") != 0;
			d->temp = (unsigned)num(f[7]);
			d->power_mw = num(f[8]);
			d->limit_mw = num(f[9]);
		} else if (strcmp(f[0], "proc") == 0 && n >= 4 &&
		    nprocs < F_PROCS) {
			struct fake_proc *p = &procs[nprocs++];

			p->gpu = (unsigned)num(f[1]);
			p->pid = (unsigned)num(f[2]);
			p->vram = strcmp(f[3], "-") == 0 ? ~0ULL :
			    strtoull(f[3], NULL, 10);
		} else if (strcmp(f[0], "power") == 0 && n >= 4) {
			long g = num(f[1]);

			if (g >= 0 && g < F_GPUS && devs[g].npts < F_PTS) {
				devs[g].pt[devs[g].npts] = strtod(f[2], NULL);
				devs[g].pw[devs[g].npts++] =
				    strtod(f[3], NULL);
			}
		} else if (strcmp(f[0], "step") == 0 && n >= 2)
			step_ms = strtod(f[1], NULL);
		else if (strcmp(f[0], "insufficient") == 0 && n >= 2)
			insufficient = (int)num(f[1]);
		else if (strcmp(f[0], "init_error") == 0 && n >= 2)
			init_error = (int)num(f[1]);
	}
	fclose(fp);
}

static nvmlReturn_t
init(const char *name)
{
	logcall(name);
	load();
	if (init_error)
		return init_error;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	inited = 1;
	return 0;
}

nvmlReturn_t nvmlInit(void) { return init("nvmlInit"); }
#ifndef FAKE_NVML_OLD
nvmlReturn_t nvmlInit_v2(void) { return init("nvmlInit_v2"); }
#endif

nvmlReturn_t
nvmlShutdown(void)
{
	logcall("nvmlShutdown");
	inited = 0;
	return 0;
}

const char *
nvmlErrorString(nvmlReturn_t rc)
{
	switch (rc) {
	case 0: return "Success";
	case 3: return "Not Supported";
	case 7: return "Insufficient Size";
	case 9: return "Driver Not Loaded";
	default: return "Unknown Error";
	}
}

nvmlReturn_t
nvmlSystemGetDriverVersion(char *buf, unsigned len)
{
	if (!inited)
		return 1;
	snprintf(buf, len, "%s", driver);
	return 0;
}

static nvmlReturn_t
count(const char *name, unsigned *n)
{
	logcall(name);
	if (!inited)
		return 1;
	*n = (unsigned)ndevs;
	return 0;
}

nvmlReturn_t nvmlDeviceGetCount(unsigned *n)
{ return count("nvmlDeviceGetCount", n); }

static nvmlReturn_t
handle(unsigned i, nvmlDevice_t *h)
{
	if (!inited)
		return 1;
	if (i >= (unsigned)ndevs)
		return 2;
	*h = &devs[i];
	return 0;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned i, nvmlDevice_t *h)
{ return handle(i, h); }

#ifndef FAKE_NVML_OLD
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned *n)
{ return count("nvmlDeviceGetCount_v2", n); }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned i, nvmlDevice_t *h)
{ return handle(i, h); }
#endif

nvmlReturn_t
nvmlDeviceGetName(nvmlDevice_t d, char *buf, unsigned len)
{
	snprintf(buf, len, "%s", d->name);
	return 0;
}

nvmlReturn_t
nvmlDeviceGetUUID(nvmlDevice_t d, char *buf, unsigned len)
{
	snprintf(buf, len, "%s", d->uuid);
	return 0;
}

nvmlReturn_t
nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u)
{
	u->gpu = d->util;
	u->memory = d->memutil;
	return 0;
}

nvmlReturn_t
nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m)
{
	m->total = d->total;
	m->used = d->used;
	m->free = d->total - d->used;
	return 0;
}

nvmlReturn_t
nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned *t)
{
	if (sensor != 0 || !d->has_temp)
		return 3;
	*t = d->temp;
	return 0;
}

/* The power curve at time ms. */
static double
curve(const struct fake_dev *d, double ms)
{
	int i;

	if (ms <= d->pt[0])
		return d->pw[0];
	for (i = 1; i < d->npts; i++)
		if (ms <= d->pt[i]) {
			double a = (ms - d->pt[i - 1]) /
			    (d->pt[i] - d->pt[i - 1]);

			return d->pw[i - 1] + a * (d->pw[i] - d->pw[i - 1]);
		}
	return d->pw[d->npts - 1];
}

nvmlReturn_t
nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned *mw)
{
	double ms;

	logcall("nvmlDeviceGetPowerUsage");
	if (d->npts == 0) {
		if (d->power_mw < 0)
			return 3;
		*mw = (unsigned)d->power_mw;
		return 0;
	}
	if (step_ms > 0) {
		ms = vclock_ms;
		vclock_ms += step_ms;
	} else {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (double)(now.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(now.tv_nsec - t0.tv_nsec) / 1e6;
	}
	*mw = (unsigned)(curve(d, ms) + 0.5);
	return 0;
}

nvmlReturn_t
nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned *mw)
{
	if (d->limit_mw < 0)
		return 3;
	*mw = (unsigned)d->limit_mw;
	return 0;
}

/* The process query of every version: rec is the record size. */
static nvmlReturn_t
procs_query(const char *name, nvmlDevice_t d, unsigned *cnt, void *buf,
    size_t rec)
{
	unsigned gpu = (unsigned)(d - devs), n = 0, k = 0;
	int i;

	logcall(name);
	for (i = 0; i < nprocs; i++)
		n += procs[i].gpu == gpu;
	if (insufficient > 0 || *cnt < n) {
		if (insufficient > 0)
			insufficient--;
		*cnt = n + 1;	/* as if one more started meanwhile */
		return 7;
	}
	for (i = 0; i < nprocs; i++) {
		if (procs[i].gpu != gpu)
			continue;
		if (rec == sizeof(nvmlProcessInfo_v1_t)) {
			nvmlProcessInfo_v1_t *v = (nvmlProcessInfo_v1_t *)buf;

			v[k].pid = procs[i].pid;
			v[k].usedGpuMemory = procs[i].vram;
		} else {
			nvmlProcessInfo_v2_t *v = (nvmlProcessInfo_v2_t *)buf;

			v[k].pid = procs[i].pid;
			v[k].usedGpuMemory = procs[i].vram;
			v[k].gpuInstanceId = v[k].computeInstanceId =
			    0xFFFFFFFFu;
		}
		k++;
	}
	*cnt = k;
	return 0;
}

nvmlReturn_t
nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t d, unsigned *n,
    nvmlProcessInfo_v1_t *buf)
{
	return procs_query("nvmlDeviceGetComputeRunningProcesses", d, n, buf,
	    sizeof *buf);
}

#ifndef FAKE_NVML_OLD
nvmlReturn_t
nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t d, unsigned *n,
    nvmlProcessInfo_v2_t *buf)
{
	return procs_query("nvmlDeviceGetComputeRunningProcesses_v2", d, n,
	    buf, sizeof *buf);
}

nvmlReturn_t
nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned *n,
    nvmlProcessInfo_v2_t *buf)
{
	return procs_query("nvmlDeviceGetComputeRunningProcesses_v3", d, n,
	    buf, sizeof *buf);
}
#endif
