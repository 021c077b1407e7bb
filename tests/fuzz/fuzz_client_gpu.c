/*
 * tests/fuzz/fuzz_client_gpu.c: the /proc/PID/cgroup parser of
 * client/gpu/gpu.c (gpu_cgroup_container), fed from a heap copy of exactly
 * size bytes (ASan catches any read past len), and the energy sampler fed
 * the same bytes as (time, power, vram) samples. Invariants: the parser
 * returns 0 or 1; on 1 the id is 64 lowercase hex digits that occur
 * (case-insensitively) in the input and matches itself as a target
 * id; the energy summary is finite and its
 * coverage within 0..1.
 */
#include "client/gpu/energy.h"
#include "client/gpu/gpu.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
occurs(const char *hay, size_t len, const char *id)
{
	for (size_t i = 0; i + 64 <= len; i++)
		if (strncasecmp(hay + i, id, 64) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	char id[GPU_CONTAINER_ID_MAX];
	struct gpu_energy e;
	struct gpu_energy_summary s;
	double t = 0;
	int rc;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	memset(id, 'x', sizeof id);
	rc = gpu_cgroup_container(copy, size, id, sizeof id);
	if (rc != 0 && rc != 1)
		abort();
	if (rc == 1) {
		if (id[64] != '\0' || strlen(id) != 64)
			abort();
		for (int i = 0; i < 64; i++)
			if (!((id[i] >= '0' && id[i] <= '9') ||
			    (id[i] >= 'a' && id[i] <= 'f')))
				abort();
		if (!occurs(copy, size, id))
			abort();
		if (!gpu_container_match(id, id))
			abort();
	}
	/* the input as a target id: never a crash, never a match unless
	 * it is hex */
	if (size > 0 && size < 80 && memchr(copy, '\0', size) != NULL &&
	    gpu_container_match(id, copy)) {
		for (const char *c = copy; *c; c++)
			if (!((*c >= '0' && *c <= '9') ||
			    (*c >= 'a' && *c <= 'f') ||
			    (*c >= 'A' && *c <= 'F')))
				abort();
	}
	/* too small a buffer is always "no" */
	if (gpu_cgroup_container(copy, size, id, 64) != 0)
		abort();

	gpu_energy_init(&e);
	for (size_t i = 0; i + 3 <= size; i += 3) {
		double w = data[i + 1] == 0xff ? -1 : data[i + 1] * 4.0;

		t += (data[i] & 0x80) ? -(data[i] & 0x7f) / 10.0 :
		    data[i] / 10.0;
		gpu_energy_add(&e, t, w, data[i + 2] == 0xff ? ~0ULL :
		    data[i + 2]);
	}
	gpu_energy_summary(&e, &s);
	if (!isfinite(s.wh) || !isfinite(s.avg_w) || !isfinite(s.seconds) ||
	    s.wh < 0 || s.coverage < 0 || s.coverage > 1 + 1e-9 ||
	    (!s.power_known && s.energy_known))
		abort();
	free(copy);
	return 0;
}
