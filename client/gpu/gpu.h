/*
 * client/gpu/gpu.h: what the NVIDIA GPUs of this machine are doing, through
 * NVML loaded at run time with dlopen("libnvidia-ml.so.1"). r8play has no
 * build dependency on the driver: without it gpu_open() fails with one clear
 * message and everything else works the same.
 *
 * The few NVML types r8play needs are declared in gpu.c from NVIDIA's
 * documented layouts (nvml.h); versioned entry points are preferred and
 * older ones used when a driver lacks them (nvmlInit_v2 -> nvmlInit,
 * nvmlDeviceGetCount_v2 -> nvmlDeviceGetCount,
 * nvmlDeviceGetComputeRunningProcesses_v3 -> _v2 -> plain).
 *
 * Sampling is synchronous and cheap (NVML answers from the driver in well
 * under a millisecond per call): the TUI may call gpu_sample() from its loop
 * once a second, or a few times a second while a local run is processing,
 * without a thread. Nothing here prints, exits or keeps globals: one
 * struct gpu per caller; messages go to a caller-owned buffer.
 */
#ifndef PG_CLIENT_GPU_GPU_H
#define PG_CLIENT_GPU_GPU_H

#include <stdbool.h>
#include <stddef.h>

/* Limits (everything bounded). */
#define GPU_LIB_DEFAULT		"libnvidia-ml.so.1"
#define GPU_MAX_DEVICES		16	/* GPUs reported per snapshot */
#define GPU_MAX_PROCS		64	/* processes kept per GPU */
#define GPU_PROC_QUERY_MAX	4096	/* process buffer never grows past */
#define GPU_NAME_MAX		96
#define GPU_UUID_MAX		96
#define GPU_DRIVER_MAX		80
#define GPU_API_MAX		160	/* "nvmlInit_v2 ..." description */
#define GPU_CONTAINER_ID_MAX	65	/* 64 hex digits + NUL */
#define GPU_CGROUP_MAX		(64 * 1024)	/* bytes of /proc/PID/cgroup */

/* One compute process on a GPU. */
struct gpu_proc {
	unsigned	pid;
	bool		vram_known;	/* false: NVML could not say */
	unsigned long long vram_bytes;
};

/*
 * One GPU at one moment. Each reading has its own _ok flag: a GPU that
 * cannot report power (many consumer boards, some VMs) says so, and the
 * reading is never shown as 0.
 */
struct gpu_dev {
	unsigned	index;
	char		name[GPU_NAME_MAX];
	char		uuid[GPU_UUID_MAX];
	bool		util_ok;
	unsigned	util_pct;	/* GPU busy, 0..100 */
	unsigned	mem_util_pct;	/* memory controller busy */
	bool		mem_ok;
	unsigned long long mem_used, mem_total;	/* bytes */
	bool		temp_ok;
	unsigned	temp_c;
	bool		power_ok;
	double		power_w;	/* draw now */
	bool		limit_ok;
	double		power_limit_w;	/* enforced limit */
	bool		procs_ok;
	size_t		n_procs;	/* kept in procs[] */
	size_t		n_procs_total;	/* reported by NVML (may exceed) */
	struct gpu_proc	procs[GPU_MAX_PROCS];
};

struct gpu_snapshot {
	size_t		n;		/* GPUs in dev[] */
	size_t		n_total;	/* GPUs NVML reported */
	char		driver[GPU_DRIVER_MAX];	/* "" when unknown */
	struct gpu_dev	dev[GPU_MAX_DEVICES];
};

struct gpu;	/* opaque: the loaded library and its entry points */

/*
 * Load NVML and initialise it. lib is a file name searched the normal way
 * (LD_LIBRARY_PATH, ld.so.cache) or a path; NULL means GPU_LIB_DEFAULT.
 * Returns a handle the caller releases with gpu_free(), or NULL with err set
 * to one line, e.g. "no NVIDIA driver: libnvidia-ml.so.1 cannot be loaded
 * (...)" or "NVML: nvmlInit failed: Driver Not Loaded".
 */
struct gpu	*gpu_open(const char *lib, char *err, size_t errsz);

/* Shut NVML down and unload it. gpu_free(NULL) is a no-op. */
void		 gpu_free(struct gpu *g);

/* Which entry points were found, e.g. "nvmlInit_v2 nvmlDeviceGetCount_v2
 * nvmlDeviceGetComputeRunningProcesses_v3". Borrowed from g. */
const char	*gpu_api(const struct gpu *g);

/*
 * Read every GPU (up to GPU_MAX_DEVICES) into *out. Returns 0, or -1 with
 * err when the GPU count itself cannot be read; a single reading that fails
 * only clears its _ok flag. The process list grows its buffer when NVML
 * answers NVML_ERROR_INSUFFICIENT_SIZE (up to GPU_PROC_QUERY_MAX).
 */
int		 gpu_sample(struct gpu *g, struct gpu_snapshot *out,
		    char *err, size_t errsz);

/*
 * Power draw of one GPU in watts, for the energy sampler (a single NVML
 * call). Returns 0 with *watts and, when vram is non-NULL, *vram (bytes
 * used; ULLONG_MAX when unknown), or -1 when power cannot be read.
 */
int		 gpu_power(struct gpu *g, unsigned index, double *watts,
		    unsigned long long *vram);

/*
 * The container a process runs in, from the text of /proc/PID/cgroup:
 * the 64-hex-digit id of a docker ("/docker/ID", "docker-ID.scope"),
 * podman ("libpod-ID") or containerd ("cri-containerd-ID") cgroup.
 * Returns 1 with id (lowercase, NUL-terminated, idsz >= 65) filled,
 * 0 when the text names no container. Never reads past len.
 */
int		 gpu_cgroup_container(const char *text, size_t len, char *id,
		    size_t idsz);

/*
 * Same for a pid: reads PROC_ROOT/PID/cgroup (proc_root NULL = "/proc";
 * at most GPU_CGROUP_MAX bytes). Returns 1 found, 0 none, -1 unreadable
 * (the process is gone or not ours).
 */
int		 gpu_pid_container(const char *proc_root, unsigned pid,
		    char *id, size_t idsz);

/*
 * Does a container id from gpu_pid_container() belong to a target's
 * container, given as docker prints it: the full 64-digit id or a prefix of
 * at least 12 hex digits (`docker ps`), any case? false for anything else.
 */
bool		 gpu_container_match(const char *id, const char *target_id);

/* "12.3 GiB" style bytes for display (binary units, one decimal). */
char		*gpu_fmt_bytes(unsigned long long b, char *buf, size_t bufsz);

#endif
