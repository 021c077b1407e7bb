/*
 * tests/fuzz/fuzz_client_docker_inspect.c: the Engine's JSON answers that
 * client/docker/docker_parse.c reads: the containers list, container
 * inspect (ports, labels, the network gateway), the images list and image
 * inspect. Byte 0 picks the parser; the rest is the body. Invariants: no
 * crash or leak; a gateway is an IP literal that fits DOCKER_MAX_GATEWAY;
 * a URL only with a port in 1..65535.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/docker/docker.h"
#include "client/docker/docker_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_container(const struct docker_container *ct)
{
	unsigned char a[sizeof(struct in6_addr)];

	if (ct->gateway != NULL && (strlen(ct->gateway) >= DOCKER_MAX_GATEWAY ||
	    (inet_pton(AF_INET, ct->gateway, a) != 1 &&
	    inet_pton(AF_INET6, ct->gateway, a) != 1)))
		abort();
	if ((ct->url != NULL) != (ct->host_port > 0) || ct->host_port > 65535)
		abort();
	if (ct->id == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_container_list *cl = NULL;
	struct docker_container *ct = NULL;
	struct docker_image_list *il = NULL;
	struct docker_image *im = NULL;
	const char *body = (const char *)data + 1;
	char err[256];
	size_t i, len;

	if (size < 1)
		return 0;
	len = size - 1;
	err[0] = '\0';
	switch (data[0] % 4) {
	case 0:
		if (dk_parse_containers(body, len, &cl, err, sizeof err) ==
		    CLIENT_OK)
			for (i = 0; i < cl->n; i++)
				if (cl->items[i].id != NULL)
					check_container(&cl->items[i]);
		docker_container_list_free(cl);
		break;
	case 1:
		if (dk_parse_container(body, len, &ct, err, sizeof err) ==
		    CLIENT_OK)
			check_container(ct);
		docker_container_free(ct);
		break;
	case 2:
		(void)dk_parse_images(body, len, &il, err, sizeof err);
		docker_image_list_free(il);
		break;
	default:
		(void)dk_parse_image(body, len, &im, err, sizeof err);
		docker_image_free(im);
		break;
	}
	if (memchr(err, '\0', sizeof err) == NULL)
		abort();
	return 0;
}
