/*
 * client/docker/docker_ops.c: the public operations (see docker.h): each
 * builds its request (version, images, containers, pull with registry auth,
 * create + start, stop, remove, logs) and hands it to the step machine.
 */
#include "client/docker/docker.h"
#include "client/net/client.h"
#include "client/net/http.h"
#include "client/net/json.h"
#include "client/docker/docker_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------- public ops */

unsigned
docker_version(struct docker *d, char *err, size_t errsz)
{
	struct dop *o = dk_op_begin(d, DOCKER_OP_VERSION, NULL, err, errsz);

	if (o == NULL)
		return 0;
	if (d->api[0] != '\0')
		d->api[0] = '\0';	/* asked explicitly: ask again */
	return dk_op_go(o, err, errsz);
}

unsigned
docker_images(struct docker *d, char *err, size_t errsz)
{
	struct dop *o = dk_op_begin(d, DOCKER_OP_IMAGES, NULL, err, errsz);

	return o != NULL ? dk_op_go(o, err, errsz) : 0;
}

unsigned
docker_containers(struct docker *d, char *err, size_t errsz)
{
	struct dop *o = dk_op_begin(d, DOCKER_OP_CONTAINERS, NULL, err, errsz);

	return o != NULL ? dk_op_go(o, err, errsz) : 0;
}

/* Image references go into paths unescaped (the daemon wants that), so
   they must be plain reference characters. */
static bool
plain_ref(const char *s)
{
	for (; *s != '\0'; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && strchr("._-/:@", *s) == NULL)
			return false;
	return true;
}

unsigned
docker_image_inspect(struct docker *d, const char *ref, char *err,
    size_t errsz)
{
	struct dop *o;

	if (ref == NULL || !plain_ref(ref)) {
		snprintf(err, errsz, "image inspect: bad reference");
		return 0;
	}
	o = dk_op_begin(d, DOCKER_OP_INSPECT_IMAGE, ref, err, errsz);
	return o != NULL ? dk_op_go(o, err, errsz) : 0;
}

unsigned
docker_image_remove(struct docker *d, const char *ref, char *err,
    size_t errsz)
{
	struct dop *o;

	if (ref == NULL || !plain_ref(ref)) {
		snprintf(err, errsz, "image remove: bad reference");
		return 0;
	}
	o = dk_op_begin(d, DOCKER_OP_REMOVE_IMAGE, ref, err, errsz);
	return o != NULL ? dk_op_go(o, err, errsz) : 0;
}

/* The X-Registry-Auth for repo's registry from the docker config, if any. */
static int
load_auth(struct dop *o, char *err, size_t errsz)
{
	char reg[DOCKER_MAX_REF], *buf = NULL;
	FILE *f;
	long n;
	int rc = 0;

	if (o->d->auth_path == NULL)
		return 0;
	f = fopen(o->d->auth_path, "rb");
	if (f == NULL)
		return 0;	/* no config: anonymous */
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > (1L << 20) || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errsz, "pull: cannot read %s", o->d->auth_path);
		rc = -1;
		goto out;
	}
	buf[n] = '\0';
	docker_ref_registry(o->repo, reg, sizeof reg);
	if (docker_auth_header(buf, (size_t)n, reg, o->auth, sizeof o->auth,
	    err, errsz) < 0)
		rc = -1;
out:
	if (buf != NULL) {
		memset(buf, 0, (size_t)(n > 0 ? n : 0));
		free(buf);
	}
	fclose(f);
	return rc;
}

unsigned
docker_pull(struct docker *d, const char *ref, char *err, size_t errsz)
{
	struct dop *o = dk_op_begin(d, DOCKER_OP_PULL, ref, err, errsz);

	if (o == NULL)
		return 0;
	if (docker_ref_split(ref, d->registry, o->repo, sizeof o->repo, o->tag,
	    sizeof o->tag, o->arg, sizeof o->arg, err, errsz) != CLIENT_OK ||
	    load_auth(o, err, errsz) != 0) {
		dk_dop_free(o);
		return 0;
	}
	o->pull = malloc(sizeof *o->pull);
	if (o->pull == NULL) {
		dk_dop_free(o);
		snprintf(err, errsz, "out of memory");
		return 0;
	}
	docker_pull_progress_init(o->pull);
	return dk_op_go(o, err, errsz);
}

static char *
create_body(const struct docker_start_opts *so, const char *gpus,
    const char *session)
{
	cJSON *b = cJSON_CreateObject(), *labels, *exposed, *hc, *pb, *arr,
	    *bind, *dr, *caps, *cap, *ids;
	char key[16];
	char *out = NULL;
	unsigned i;

	if (b == NULL)
		return NULL;
	snprintf(key, sizeof key, "%d/tcp", DOCKER_COG_PORT);
	if (cJSON_AddStringToObject(b, "Image", so->image) == NULL ||
	    (labels = cJSON_AddObjectToObject(b, "Labels")) == NULL ||
	    cJSON_AddStringToObject(labels, DOCKER_LABEL_MANAGED, "1") ==
	    NULL ||
	    cJSON_AddStringToObject(labels, DOCKER_LABEL_GPUS, gpus) == NULL ||
	    cJSON_AddStringToObject(labels, DOCKER_LABEL_SESSION, session) ==
	    NULL ||
	    (exposed = cJSON_AddObjectToObject(b, "ExposedPorts")) == NULL ||
	    cJSON_AddObjectToObject(exposed, key) == NULL ||
	    (hc = cJSON_AddObjectToObject(b, "HostConfig")) == NULL ||
	    (pb = cJSON_AddObjectToObject(hc, "PortBindings")) == NULL ||
	    (arr = cJSON_AddArrayToObject(pb, key)) == NULL ||
	    (bind = cJSON_CreateObject()) == NULL)
		goto out;
	cJSON_AddItemToArray(arr, bind);
	if (so->host_port > 0)
		snprintf(key, sizeof key, "%d", so->host_port);
	else
		key[0] = '\0';	/* the daemon picks a free one at start */
	if (cJSON_AddStringToObject(bind, "HostIp", "127.0.0.1") == NULL ||
	    cJSON_AddStringToObject(bind, "HostPort", key) == NULL ||
	    cJSON_AddNumberToObject(hc, "ShmSize", (double)DOCKER_SHM_SIZE) ==
	    NULL)
		goto out;
	if (so->gpus.kind != DOCKER_GPUS_NONE) {
		if ((arr = cJSON_AddArrayToObject(hc, "DeviceRequests")) ==
		    NULL || (dr = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, dr);
		if (cJSON_AddStringToObject(dr, "Driver", "") == NULL ||
		    cJSON_AddNumberToObject(dr, "Count", so->gpus.kind ==
		    DOCKER_GPUS_ALL ? -1 : so->gpus.kind == DOCKER_GPUS_COUNT ?
		    so->gpus.count : 0) == NULL)
			goto out;
		if (so->gpus.kind == DOCKER_GPUS_IDS) {
			if ((ids = cJSON_AddArrayToObject(dr, "DeviceIDs")) ==
			    NULL)
				goto out;
			for (i = 0; i < so->gpus.n_ids; i++)
				cJSON_AddItemToArray(ids,
				    cJSON_CreateString(so->gpus.ids[i]));
		}
		if ((caps = cJSON_AddArrayToObject(dr, "Capabilities")) ==
		    NULL || (cap = cJSON_CreateArray()) == NULL)
			goto out;
		cJSON_AddItemToArray(caps, cap);
		cJSON_AddItemToArray(cap, cJSON_CreateString("gpu"));
	}
	out = cJSON_PrintUnformatted(b);
out:
	cJSON_Delete(b);
	return out;
}

unsigned
docker_start(struct docker *d, const struct docker_start_opts *so,
    char *err, size_t errsz)
{
	char gpus[DOCKER_MAX_GPU_IDS * 33 + 8], name[DOCKER_MAX_ID * 3];
	struct dop *o;
	unsigned i;

	if (so == NULL || so->image == NULL || !plain_ref(so->image)) {
		snprintf(err, errsz, "start: bad image reference");
		return 0;
	}
	if (so->host_port < 0 || so->host_port > 65535) {
		snprintf(err, errsz, "start: port %d out of range",
		    so->host_port);
		return 0;
	}
	o = dk_op_begin(d, DOCKER_OP_START, so->image, err, errsz);
	if (o == NULL)
		return 0;
	snprintf(o->repo, sizeof o->repo, "%s", so->image);
	o->arg[0] = '\0';
	if (so->name != NULL && so->name[0] != '\0') {
		if (strlen(so->name) >= DOCKER_MAX_ID || http_escape(so->name,
		    name, sizeof name) != 0) {
			snprintf(err, errsz, "start: name too long");
			dk_dop_free(o);
			return 0;
		}
		snprintf(o->arg, sizeof o->arg, "/containers/create?name=%s",
		    name);
	}
	switch (so->gpus.kind) {
	case DOCKER_GPUS_ALL:
		snprintf(gpus, sizeof gpus, "all");
		break;
	case DOCKER_GPUS_COUNT:
		snprintf(gpus, sizeof gpus, "%d", so->gpus.count);
		break;
	case DOCKER_GPUS_IDS:
		gpus[0] = '\0';
		for (i = 0; i < so->gpus.n_ids && i < DOCKER_MAX_GPU_IDS; i++)
			snprintf(gpus + strlen(gpus), sizeof gpus -
			    strlen(gpus), "%s%s", i ? "," : "",
			    so->gpus.ids[i]);
		break;
	default:
		snprintf(gpus, sizeof gpus, "none");
	}
	o->body = create_body(so, gpus, d->session);
	if (o->body == NULL) {
		snprintf(err, errsz, "out of memory");
		dk_dop_free(o);
		return 0;
	}
	return dk_op_go(o, err, errsz);
}

static unsigned
container_op(struct docker *d, enum docker_op op, const char *id, char *err,
    size_t errsz, struct dop **out)
{
	struct dop *o;

	if (id == NULL || strlen(id) >= DOCKER_MAX_ID) {
		snprintf(err, errsz, "%s: bad container id",
		    docker_op_name(op));
		return 0;
	}
	o = dk_op_begin(d, op, id, err, errsz);
	if (o == NULL)
		return 0;
	*out = o;
	return 1;
}

unsigned
docker_inspect(struct docker *d, const char *id, char *err, size_t errsz)
{
	struct dop *o = NULL;

	if (!container_op(d, DOCKER_OP_INSPECT, id, err, errsz, &o))
		return 0;
	return dk_op_go(o, err, errsz);
}

unsigned
docker_stop(struct docker *d, const char *id, char *err, size_t errsz)
{
	struct dop *o = NULL;

	if (!container_op(d, DOCKER_OP_STOP, id, err, errsz, &o))
		return 0;
	/* the daemon answers once the container is down */
	return dk_op_go(o, err, errsz);
}

unsigned
docker_remove(struct docker *d, const char *id, bool force, char *err,
    size_t errsz)
{
	struct dop *o = NULL;

	if (!container_op(d, DOCKER_OP_REMOVE, id, err, errsz, &o))
		return 0;
	o->force = force;
	return dk_op_go(o, err, errsz);
}

unsigned
docker_logs(struct docker *d, const char *id, long tail, bool follow,
    char *err, size_t errsz)
{
	struct dop *o = NULL;

	if (!container_op(d, DOCKER_OP_LOGS, id, err, errsz, &o))
		return 0;
	o->tail = tail;
	o->follow = follow;
	return dk_op_go(o, err, errsz);
}
