/*
 * client/gpu/gpu.c: NVML through dlopen. The types below are NVIDIA's
 * documented layouts from nvml.h, declared here so the build needs no CUDA
 * headers; only what r8play reads is declared.
 */
#include "client/gpu/gpu.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- NVML's ABI (nvml.h) ------------------------------------------------ */

typedef int nvml_return;		/* nvmlReturn_t */
#define NVML_SUCCESS			0
#define NVML_ERROR_INSUFFICIENT_SIZE	7
typedef struct nvml_device_st *nvml_device;	/* nvmlDevice_t */

struct nvml_memory {			/* nvmlMemory_t */
	unsigned long long total, free, used;
};

struct nvml_utilization {		/* nvmlUtilization_t */
	unsigned int gpu, memory;
};

struct nvml_process_info_v1 {		/* nvmlProcessInfo_v1_t */
	unsigned int pid;
	unsigned long long usedGpuMemory;
};

struct nvml_process_info_v2 {		/* nvmlProcessInfo_v2_t = _t for _v3 */
	unsigned int pid;
	unsigned long long usedGpuMemory;
	unsigned int gpuInstanceId;
	unsigned int computeInstanceId;
};

#define NVML_TEMPERATURE_GPU		0
#define NVML_VALUE_NOT_AVAILABLE	(~0ULL)	/* usedGpuMemory unknown */
#define NVML_DEVICE_NAME_V2_BUFFER_SIZE	96
#define NVML_DEVICE_UUID_V2_BUFFER_SIZE	96
#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80

typedef nvml_return (*nvml_void_fn)(void);
typedef const char *(*nvml_errstr_fn)(nvml_return);
typedef nvml_return (*nvml_count_fn)(unsigned int *);
typedef nvml_return (*nvml_handle_fn)(unsigned int, nvml_device *);
typedef nvml_return (*nvml_str_fn)(nvml_device, char *, unsigned int);
typedef nvml_return (*nvml_sysstr_fn)(char *, unsigned int);
typedef nvml_return (*nvml_util_fn)(nvml_device, struct nvml_utilization *);
typedef nvml_return (*nvml_mem_fn)(nvml_device, struct nvml_memory *);
typedef nvml_return (*nvml_temp_fn)(nvml_device, int, unsigned int *);
typedef nvml_return (*nvml_uint_fn)(nvml_device, unsigned int *);
typedef nvml_return (*nvml_procs_fn)(nvml_device, unsigned int *, void *);

struct gpu {
	void		*dl;
	nvml_void_fn	 shutdown;
	nvml_errstr_fn	 errstr;
	nvml_count_fn	 count;
	nvml_handle_fn	 handle;
	nvml_str_fn	 name, uuid;
	nvml_sysstr_fn	 driver;
	nvml_util_fn	 util;
	nvml_mem_fn	 mem;
	nvml_temp_fn	 temp;
	nvml_uint_fn	 power, limit;
	nvml_procs_fn	 procs;
	size_t		 proc_stride;	/* sizeof the info struct procs takes */
	unsigned char	*pbuf;		/* process buffer, grown on demand */
	unsigned	 pcap;		/* entries pbuf holds */
	char		 api[GPU_API_MAX];
};

/* dlsym's void * into a function pointer without an object-to-function
 * cast (ISO C leaves that undefined; POSIX guarantees the bytes). */
static bool
sym(void *dl, const char *name, void *fnp, size_t fnsz)
{
	void *p = dlsym(dl, name);

	if (p == NULL)
		return false;
	memcpy(fnp, &p, fnsz);
	return true;
}

/* First of names[] the library has: returns its name (for gpu_api) or
 * NULL. */
static const char *
sym_first(void *dl, const char *const *names, void *fnp, size_t fnsz)
{
	for (; *names != NULL; names++)
		if (sym(dl, *names, fnp, fnsz))
			return *names;
	return NULL;
}

static void
api_add(struct gpu *g, const char *name)
{
	size_t l = strlen(g->api);

	snprintf(g->api + l, sizeof g->api - l, "%s%s", l ? " " : "", name);
}

static const char *
nvml_strerror(const struct gpu *g, nvml_return rc, char *buf, size_t bufsz)
{
	const char *s = g->errstr ? g->errstr(rc) : NULL;

	if (s == NULL || *s == '\0') {
		snprintf(buf, bufsz, "NVML error %d", rc);
		return buf;
	}
	return s;
}

struct gpu *
gpu_open(const char *lib, char *err, size_t errsz)
{
	static const char *const init_names[] = { "nvmlInit_v2", "nvmlInit",
	    NULL };
	static const char *const count_names[] = { "nvmlDeviceGetCount_v2",
	    "nvmlDeviceGetCount", NULL };
	static const char *const handle_names[] = {
	    "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex",
	    NULL };
	static const char *const procs_names[] = {
	    "nvmlDeviceGetComputeRunningProcesses_v3",
	    "nvmlDeviceGetComputeRunningProcesses_v2",
	    "nvmlDeviceGetComputeRunningProcesses", NULL };
	struct gpu *g;
	nvml_void_fn init = NULL;
	const char *n, *dlmsg;
	char eb[64];
	nvml_return rc;
	void *dl;

	if (lib == NULL || *lib == '\0')
		lib = GPU_LIB_DEFAULT;
	dlerror();
	dl = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		dlmsg = dlerror();
		snprintf(err, errsz, "no NVIDIA driver: %s cannot be loaded "
		    "(%s)", lib, dlmsg ? dlmsg : "not found");
		return NULL;
	}
	g = calloc(1, sizeof *g);
	if (g == NULL) {
		dlclose(dl);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	g->dl = dl;
	sym(dl, "nvmlErrorString", &g->errstr, sizeof g->errstr);
	if ((n = sym_first(dl, init_names, &init, sizeof init)) == NULL ||
	    !sym(dl, "nvmlShutdown", &g->shutdown, sizeof g->shutdown)) {
		snprintf(err, errsz, "no NVIDIA driver: %s has no nvmlInit",
		    lib);
		goto fail;
	}
	api_add(g, n);
	if ((n = sym_first(dl, count_names, &g->count,
	    sizeof g->count)) == NULL) {
		snprintf(err, errsz, "NVML: %s has no nvmlDeviceGetCount",
		    lib);
		goto fail;
	}
	api_add(g, n);
	if (sym_first(dl, handle_names, &g->handle, sizeof g->handle) ==
	    NULL) {
		snprintf(err, errsz, "NVML: %s has no "
		    "nvmlDeviceGetHandleByIndex", lib);
		goto fail;
	}
	n = sym_first(dl, procs_names, &g->procs, sizeof g->procs);
	if (n != NULL) {
		api_add(g, n);
		/* the plain entry point takes v1 records; _v2/_v3 take v2 */
		g->proc_stride = strcmp(n, procs_names[2]) == 0 ?
		    sizeof(struct nvml_process_info_v1) :
		    sizeof(struct nvml_process_info_v2);
	}
	sym(dl, "nvmlDeviceGetName", &g->name, sizeof g->name);
	sym(dl, "nvmlDeviceGetUUID", &g->uuid, sizeof g->uuid);
	sym(dl, "nvmlSystemGetDriverVersion", &g->driver, sizeof g->driver);
	sym(dl, "nvmlDeviceGetUtilizationRates", &g->util, sizeof g->util);
	sym(dl, "nvmlDeviceGetMemoryInfo", &g->mem, sizeof g->mem);
	sym(dl, "nvmlDeviceGetTemperature", &g->temp, sizeof g->temp);
	sym(dl, "nvmlDeviceGetPowerUsage", &g->power, sizeof g->power);
	if (!sym(dl, "nvmlDeviceGetEnforcedPowerLimit", &g->limit,
	    sizeof g->limit))
		sym(dl, "nvmlDeviceGetPowerManagementLimit", &g->limit,
		    sizeof g->limit);
	rc = init();
	if (rc != NVML_SUCCESS) {
		snprintf(err, errsz, "NVML: nvmlInit failed: %s",
		    nvml_strerror(g, rc, eb, sizeof eb));
		g->shutdown = NULL;	/* nothing to shut down */
		goto fail;
	}
	return g;
fail:
	gpu_free(g);
	return NULL;
}

void
gpu_free(struct gpu *g)
{
	if (g == NULL)
		return;
	if (g->shutdown)
		g->shutdown();
	if (g->dl)
		dlclose(g->dl);
	free(g->pbuf);
	free(g);
}

const char *
gpu_api(const struct gpu *g)
{
	return g ? g->api : "";
}

/* NVML strings are NUL-terminated within their buffer; keep printable
 * ASCII-or-UTF-8 bytes only (a driver bug must not reach the terminal). */
static void
clean_copy(char *dst, size_t dstsz, const char *src)
{
	size_t i = 0;

	for (; *src && i + 1 < dstsz; src++) {
		unsigned char c = (unsigned char)*src;

		dst[i++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
}

/* Fill d's process list. The first call uses the buffer as it is; on
 * INSUFFICIENT_SIZE NVML says how many there are: grow (with headroom, the
 * list may grow meanwhile) and ask again, a few times at most. */
static void
read_procs(struct gpu *g, nvml_device h, struct gpu_dev *d)
{
	nvml_return rc;
	unsigned n;
	int tries;

	if (g->procs == NULL)
		return;
	if (g->pbuf == NULL) {
		g->pcap = 8;
		g->pbuf = calloc(g->pcap, g->proc_stride);
		if (g->pbuf == NULL) {
			g->pcap = 0;
			return;
		}
	}
	for (tries = 0; tries < 4; tries++) {
		n = g->pcap;
		rc = g->procs(h, &n, g->pbuf);
		if (rc == NVML_SUCCESS)
			break;
		if (rc != NVML_ERROR_INSUFFICIENT_SIZE)
			return;
		{
			unsigned want = n > g->pcap ? n : g->pcap;
			unsigned char *nb;

			want = want + want / 2 + 4;
			if (want > GPU_PROC_QUERY_MAX)
				want = GPU_PROC_QUERY_MAX;
			if (want <= g->pcap)
				return;	/* past the bound */
			nb = realloc(g->pbuf, (size_t)want * g->proc_stride);
			if (nb == NULL)
				return;
			g->pbuf = nb;
			g->pcap = want;
		}
	}
	if (rc != NVML_SUCCESS || n > g->pcap)
		return;
	d->procs_ok = true;
	d->n_procs_total = n;
	for (unsigned i = 0; i < n && d->n_procs < GPU_MAX_PROCS; i++) {
		struct gpu_proc *p = &d->procs[d->n_procs++];
		unsigned long long mem;

		if (g->proc_stride == sizeof(struct nvml_process_info_v1)) {
			struct nvml_process_info_v1 v;

			memcpy(&v, g->pbuf + (size_t)i * g->proc_stride,
			    sizeof v);
			p->pid = v.pid;
			mem = v.usedGpuMemory;
		} else {
			struct nvml_process_info_v2 v;

			memcpy(&v, g->pbuf + (size_t)i * g->proc_stride,
			    sizeof v);
			p->pid = v.pid;
			mem = v.usedGpuMemory;
		}
		p->vram_known = mem != NVML_VALUE_NOT_AVAILABLE;
		p->vram_bytes = p->vram_known ? mem : 0;
	}
}

int
gpu_sample(struct gpu *g, struct gpu_snapshot *out, char *err, size_t errsz)
{
	unsigned count = 0;
	nvml_return rc;
	char eb[64];

	memset(out, 0, sizeof *out);
	if (g == NULL) {
		snprintf(err, errsz, "no NVIDIA driver");
		return -1;
	}
	if (g->driver) {
		char v[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = "";

		if (g->driver(v, sizeof v) == NVML_SUCCESS) {
			v[sizeof v - 1] = '\0';
			clean_copy(out->driver, sizeof out->driver, v);
		}
	}
	rc = g->count(&count);
	if (rc != NVML_SUCCESS) {
		snprintf(err, errsz, "NVML: cannot count GPUs: %s",
		    nvml_strerror(g, rc, eb, sizeof eb));
		return -1;
	}
	out->n_total = count;
	for (unsigned i = 0; i < count && out->n < GPU_MAX_DEVICES; i++) {
		struct gpu_dev *d = &out->dev[out->n];
		struct nvml_utilization u;
		struct nvml_memory m;
		unsigned v;
		nvml_device h;
		char s[NVML_DEVICE_NAME_V2_BUFFER_SIZE];

		if (g->handle(i, &h) != NVML_SUCCESS)
			continue;
		out->n++;
		d->index = i;
		if (g->name && g->name(h, s, sizeof s) == NVML_SUCCESS) {
			s[sizeof s - 1] = '\0';
			clean_copy(d->name, sizeof d->name, s);
		}
		if (g->uuid && g->uuid(h, s, sizeof s) == NVML_SUCCESS) {
			s[sizeof s - 1] = '\0';
			clean_copy(d->uuid, sizeof d->uuid, s);
		}
		if (g->util && g->util(h, &u) == NVML_SUCCESS) {
			d->util_ok = true;
			d->util_pct = u.gpu > 100 ? 100 : u.gpu;
			d->mem_util_pct = u.memory > 100 ? 100 : u.memory;
		}
		if (g->mem && g->mem(h, &m) == NVML_SUCCESS) {
			d->mem_ok = true;
			d->mem_used = m.used;
			d->mem_total = m.total;
		}
		if (g->temp && g->temp(h, NVML_TEMPERATURE_GPU, &v) ==
		    NVML_SUCCESS) {
			d->temp_ok = true;
			d->temp_c = v;
		}
		if (g->power && g->power(h, &v) == NVML_SUCCESS) {
			d->power_ok = true;
			d->power_w = v / 1000.0;	/* milliwatts */
		}
		if (g->limit && g->limit(h, &v) == NVML_SUCCESS) {
			d->limit_ok = true;
			d->power_limit_w = v / 1000.0;
		}
		read_procs(g, h, d);
	}
	return 0;
}

int
gpu_power(struct gpu *g, unsigned index, double *watts,
    unsigned long long *vram)
{
	struct nvml_memory m;
	nvml_device h;
	unsigned v;

	if (vram)
		*vram = ULLONG_MAX;
	if (g == NULL || g->power == NULL ||
	    g->handle(index, &h) != NVML_SUCCESS)
		return -1;
	if (vram && g->mem && g->mem(h, &m) == NVML_SUCCESS)
		*vram = m.used;
	if (g->power(h, &v) != NVML_SUCCESS)
		return -1;
	*watts = v / 1000.0;
	return 0;
}

/* ---- containers ---------------------------------------------------------- */

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Does the path segment before position i end with one of the runtime
 * markers a container id follows? */
static bool
container_prefix(const char *t, size_t start, size_t i)
{
	static const char *const marks[] = { "/docker/", "docker-",
	    "libpod-", "cri-containerd-", "crio-", "/lxc/", NULL };

	for (const char *const *m = marks; *m; m++) {
		size_t ml = strlen(*m);

		if (i - start >= ml && memcmp(t + i - ml, *m, ml) == 0)
			return true;
	}
	return false;
}

int
gpu_cgroup_container(const char *text, size_t len, char *id, size_t idsz)
{
	size_t line = 0;

	if (idsz < GPU_CONTAINER_ID_MAX)
		return 0;
	while (line < len) {
		size_t end = line;

		while (end < len && text[end] != '\n')
			end++;
		/* a 64-hex run, after a marker, ending the segment */
		for (size_t i = line; i + 64 <= end; i++) {
			size_t j = 0;

			if (i > line && is_hex((unsigned char)text[i - 1]))
				continue;
			while (j < 64 && is_hex((unsigned char)text[i + j]))
				j++;
			if (j < 64)
				continue;
			if (i + 64 < end && text[i + 64] != '.' &&
			    text[i + 64] != '/')
				continue;
			if (!container_prefix(text, line, i))
				continue;
			for (j = 0; j < 64; j++) {
				char c = text[i + j];

				id[j] = (c >= 'A' && c <= 'F') ?
				    (char)(c - 'A' + 'a') : c;
			}
			id[64] = '\0';
			return 1;
		}
		line = end + 1;
	}
	return 0;
}

int
gpu_pid_container(const char *proc_root, unsigned pid, char *id,
    size_t idsz)
{
	char path[512], *buf;
	size_t len = 0;
	ssize_t r;
	int fd, found;

	snprintf(path, sizeof path, "%s/%u/cgroup",
	    proc_root ? proc_root : "/proc", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf = malloc(GPU_CGROUP_MAX);
	if (buf == NULL) {
		close(fd);
		return -1;
	}
	while (len < GPU_CGROUP_MAX) {
		r = read(fd, buf + len, GPU_CGROUP_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	found = gpu_cgroup_container(buf, len, id, idsz);
	free(buf);
	return found;
}

bool
gpu_container_match(const char *id, const char *target_id)
{
	size_t n = 0;

	if (id == NULL || target_id == NULL)
		return false;
	for (; target_id[n]; n++) {
		char c = target_id[n];

		if (!is_hex((unsigned char)c) || n >= 64 || id[n] == '\0')
			return false;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (c != id[n])
			return false;
	}
	return n >= 12;
}

char *
gpu_fmt_bytes(unsigned long long b, char *buf, size_t bufsz)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB",
	    "TiB" };
	unsigned long long whole = b, rem = 0;
	size_t u = 0;

	while (whole >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		rem = whole % 1024;
		whole /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, bufsz, "%llu B", b);
	else {
		/* one decimal from integers: no locale, no float rounding */
		unsigned long long tenth = (rem * 10 + 512) / 1024;

		if (tenth >= 10) {
			whole++;
			tenth = 0;
		}
		snprintf(buf, bufsz, "%llu.%llu %s", whole, tenth, units[u]);
	}
	return buf;
}
