/*
 * client/replicate/snapshot.c: the catalogue compiled into the binary for offline
 * use (client/replicate/snapshot.json, made by client/replicate/snapshot-build.py from the
 * recorded model objects; bytes generated into snapshot.inc at build).
 */
#include "client/replicate/replicate.h"

#include <stdio.h>
#include <string.h>

#include "client/net/json.h"

static const unsigned char snapshot_json[] = {
#include "client/replicate/snapshot.inc"
};

enum client_rc
replicate_snapshot_models(struct model_page *out, char *err, size_t errsz)
{
	char sub[CLIENT_ERR_MAX];
	enum client_rc rc;

	rc = replicate_model_page_parse((const char *)snapshot_json,
	    sizeof snapshot_json, out, sub, sizeof sub);
	if (rc != CLIENT_OK)
		snprintf(err, errsz, "snapshot: %s", sub);
	return rc;
}

int
replicate_snapshot_info(char *source, size_t sn, char *date, size_t dn)
{
	char jerr[96];
	cJSON *root = json_parse((const char *)snapshot_json,
	    sizeof snapshot_json, NULL, jerr, sizeof jerr);
	const char *s = json_str(root, "source"), *d = json_str(root, "date");
	int rc = s != NULL && d != NULL ? 0 : -1;

	if (sn > 0)
		snprintf(source, sn, "%s", s != NULL ? s : "");
	if (dn > 0)
		snprintf(date, dn, "%s", d != NULL ? d : "");
	cJSON_Delete(root);
	return rc;
}
