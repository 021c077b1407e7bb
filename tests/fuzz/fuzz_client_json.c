/*
 * tests/fuzz/fuzz_client_json.c: libFuzzer target over client/'s JSON
 * parsers. The first byte picks the parser (cJSON's fuzzer trick), the rest
 * is the body. Invariants: no crash or leak; on failure the out struct is
 * zeroed and err is one NUL-terminated line; on success counts stay
 * within their limits and every output item has a value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "client/net/http.h"
#include "client/net/json.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(const char *err, size_t n)
{
	if (memchr(err, '\0', n) == NULL || strchr(err, '\n') != NULL)
		abort();
}

static void
check_prediction(const struct prediction *p)
{
	size_t i;
	int d, t;
	double pct;

	if (p->n_outputs > PREDICTION_MAX_OUTPUTS ||
	    p->logs_len > PREDICTION_MAX_LOG_BYTES)
		abort();
	for (i = 0; i < p->n_outputs; i++)
		if (p->outputs[i].value == NULL)
			abort();
	(void)prediction_progress(p, &d, &t, &pct);
	free(prediction_join_text(p, ""));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	const char *body = (const char *)data + 1;
	size_t len;
	unsigned sel;

	if (size < 1)
		return 0;
	sel = data[0] % 8;
	len = size - 1;
	err[0] = '\0';
	switch (sel) {
	case 0: {
		struct prediction p;

		if (prediction_parse(body, len, &p, err, sizeof err) ==
		    CLIENT_OK) {
			struct prediction q;

			check_prediction(&p);
			if (prediction_copy(&q, &p) == 0)
				prediction_done(&q);
			prediction_append_logs(&p, body, len);
			check_prediction(&p);
		} else if (p.id != NULL || p.outputs != NULL)
			abort();
		prediction_done(&p);
		break;
	}
	case 1: {
		struct model_page mp;
		size_t i;

		if (replicate_model_page_parse(body, len, &mp, err,
		    sizeof err) == CLIENT_OK) {
			if (mp.n > REPLICATE_MAX_PAGE_ITEMS)
				abort();
			for (i = 0; i < mp.n; i++)
				if (mp.items[i].owner == NULL ||
				    mp.items[i].name == NULL)
					abort();
		} else if (mp.items != NULL)
			abort();
		replicate_model_page_done(&mp);
		break;
	}
	case 2: {
		struct model m;

		if (replicate_model_parse(body, len, &m, err, sizeof err) ==
		    CLIENT_OK && m.default_example != NULL)
			check_prediction(m.default_example);
		replicate_model_done(&m);
		break;
	}
	case 3: {
		struct collection col;
		struct collection_page cp;

		replicate_collection_parse(body, len, &col, err, sizeof err);
		replicate_collection_done(&col);
		replicate_collection_page_parse(body, len, &cp, err,
		    sizeof err);
		replicate_collection_page_done(&cp);
		break;
	}
	case 4: {
		struct version v;
		struct hardware_list h;
		struct account a;
		struct replicate_file f;

		replicate_version_parse(body, len, &v, err, sizeof err);
		replicate_version_done(&v);
		replicate_hardware_parse(body, len, &h, err, sizeof err);
		replicate_hardware_done(&h);
		replicate_account_parse(body, len, &a, err, sizeof err);
		replicate_account_done(&a);
		replicate_file_parse(body, len, &f, err, sizeof err);
		replicate_file_done(&f);
		break;
	}
	case 5:
		http_problem("fuzz", 400, body, len, err, sizeof err);
		break;
	case 6: {
		struct model_page mp;
		struct prediction_page pp;

		replicate_search_parse(body, len, &mp, err, sizeof err);
		replicate_model_page_done(&mp);
		replicate_prediction_page_parse(body, len, &pp, err,
		    sizeof err);
		replicate_prediction_page_done(&pp);
		{
			/* blanking keeps valid JSON valid, and the length */
			char *copy = malloc(len + 1);
			enum client_rc rc;
			cJSON *a, *b;

			if (copy == NULL)
				break;
			memcpy(copy, body, len);
			copy[len] = '\0';
			a = json_parse(body, len, &rc, err, sizeof err);
			json_blank_members(copy, len, "default_example",
			    "output");
			b = json_parse(copy, len, &rc, err, sizeof err);
			if (a != NULL && b == NULL)
				abort();
			cJSON_Delete(a);
			cJSON_Delete(b);
			free(copy);
		}
		break;
	}
	default: {
		/* a data: URI and a file name from the same bytes */
		char *s = malloc(len + 1), name[OUTPUTS_MAX_NAME + 1];
		unsigned char *out;
		size_t n;
		char *mime;

		if (s == NULL)
			return 0;
		memcpy(s, body, len);
		s[len] = '\0';
		if (outputs_data_decode(s, 1u << 20, &out, &n, &mime, err,
		    sizeof err) == CLIENT_OK) {
			free(out);
			free(mime);
		}
		outputs_safe_name(s, s, name, sizeof name);
		if (strchr(name, '/') != NULL || name[0] == '.' ||
		    name[0] == '\0' || strlen(name) > OUTPUTS_MAX_NAME)
			abort();
		free(s);
		break;
	}
	}
	check_err(err, sizeof err);
	return 0;
}
