/*
 * tests/unit/t_client_parse.c: every recorded Replicate body (and the Cog
 * prediction shapes) through client/ parsers; JSON offsets on truncated
 * input; the depth limit; statuses, logs bound, tqdm progress; problem
 * one-liners; the compiled-in snapshot.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "client/net/http.h"
#include "client/net/json.h"
#include "client/net/outputs.h"
#include "client/net/prediction.h"
#include "client/replicate/replicate.h"
#include "tests/unit/t.h"
#include "tests/unit/tfile.h"

#define FIX "tests/fixtures/replicate/"


static int
parse_pred(const char *rel, struct prediction *p)
{
	char err[256];
	size_t len;
	char *b = t_slurp(rel, &len);
	enum client_rc rc;

	if (b == NULL)
		return -1;
	rc = prediction_parse(b, len, p, err, sizeof err);
	free(b);
	if (rc != CLIENT_OK)
		printf("     %s: %s\n", rel, err);
	return rc == CLIENT_OK ? 0 : -1;
}

static void
test_predictions(void)
{
	struct prediction p;
	int done, total;
	double pct;
	char *s;

	T_OK(parse_pred(FIX "responses/prediction.get.starting.sdxl.2023-11-16."
	    "json", &p) == 0);
	T_EQ(p.status, PREDICTION_STARTING);
	T_STREQ(p.id, "azaq55dbukgxg6kubr4k6g3pby");
	T_STREQ(p.model, "stability-ai/sdxl");
	T_EQ(p.n_outputs, 0);
	T_OK(p.output_json == NULL);
	T_OK(p.url_web == NULL);	/* old shape: no urls.web */
	T_OK(!p.data_removed);		/* ... and no data_removed */
	T_OK(p.metrics.predict_time < 0);
	T_OK(!prediction_progress(&p, NULL, NULL, NULL));
	T_STREQ(p.url_get, "https://api.replicate.com/v1/predictions/"
	    "azaq55dbukgxg6kubr4k6g3pby");
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.get.processing-nologs.sdxl."
	    "2023-11-16.json", &p) == 0);
	T_EQ(p.status, PREDICTION_PROCESSING);
	T_EQ(p.logs_len, 0);
	T_OK(p.started_at != NULL);
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.get.processing-logs.sdxl."
	    "2023-11-16.json", &p) == 0);
	T_OK(prediction_progress(&p, &done, &total, &pct));
	T_EQ(done, 29);
	T_EQ(total, 50);
	T_EQ((int)pct, 58);
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.get.succeeded.sdxl.2023-11-16"
	    ".json", &p) == 0);
	T_EQ(p.status, PREDICTION_SUCCEEDED);
	T_OK(prediction_status_terminal(p.status));
	T_EQ(p.n_outputs, 1);
	T_EQ(p.outputs[0].kind, PREDICTION_OUTPUT_URL);
	T_OK(p.outputs[0].key == NULL);
	T_OK(p.metrics.predict_time > 5.52 && p.metrics.predict_time < 5.53);
	T_OK(p.metrics.total_time < 0);
	T_OK(prediction_progress(&p, &done, &total, &pct));
	T_EQ(done, 50);
	T_EQ(total, 50);
	T_OK(pct == 100);
	T_OK(p.output_json != NULL && p.output_json[0] == '[');
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.get.succeeded.sdxl.2023-08-16"
	    ".json", &p) == 0);
	T_EQ(p.status, PREDICTION_SUCCEEDED);
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.cancel.canceled.sdxl."
	    "2024-04-22.json", &p) == 0);
	T_EQ(p.status, PREDICTION_CANCELED);
	T_OK(p.logs == NULL);		/* "logs": null after a cancel */
	T_OK(p.metrics.total_time > 0.175 && p.metrics.total_time < 0.176);
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.create.official-model."
	    "llama3-8b.2024-04-22.json", &p) == 0);
	T_STREQ(p.version, "dp-a557b7387b4940df25b23f779dc534c4");
	T_STREQ(p.model, "replicate-internal/llama-3-8b-instruct-int8-triton");
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.create.official-model."
	    "llama-2-70b-chat.2023-11-27.json", &p) == 0);
	T_STREQ(p.version, "d-c6559c5791b50af57b69f4a73f8e021c");
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.create.starting.sdxl."
	    "2023-08-16.json", &p) == 0);
	T_EQ(p.status, PREDICTION_STARTING);
	prediction_done(&p);
	T_OK(parse_pred(FIX "responses/prediction.create.starting.sdxl."
	    "2024-04-22.json", &p) == 0);
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.create.starting.with-stream-"
	    "url.2023-10-29.json", &p) == 0);
	T_STREQ(p.url_stream, "https://streaming-api.svc.us.c.replicate.net/v1/"
	    "predictions/4awn473bsrztjzlx2b6ufoxkkm");
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.create.prefer-wait10."
	    "processing.llama3-8b.2024-10-04.json", &p) == 0);
	T_EQ(p.status, PREDICTION_PROCESSING);
	T_EQ(p.n_outputs, 17);
	s = prediction_join_text(&p, "");
	T_STREQ(s, "\n\nHere is a haiku about llamas:\n\nFuzzy, gentle eyes\n"
	    "Llama's soft humming fills air\nPeaceful Andean charm");
	free(s);
	T_OK(p.url_stream != NULL);
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.create.prefer-wait.processing"
	    ".sdxl-data-uri.2024-10-04.json", &p) == 0);
	T_EQ(p.status, PREDICTION_PROCESSING);
	T_EQ(p.n_outputs, 1);
	T_EQ(p.outputs[0].kind, PREDICTION_OUTPUT_DATA);
	{
		unsigned char *data = NULL;
		size_t len = 0;
		char *mime = NULL, err[128];

		T_EQ(outputs_data_decode(p.outputs[0].value, 1u << 24, &data,
		    &len, &mime, err, sizeof err), CLIENT_OK);
		T_OK(len > 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0);
		T_STREQ(mime, "image/png");
		free(data);
		free(mime);
	}
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/prediction.failed.default_example."
	    "dingman081130__jdmodel.json", &p) == 0);
	T_EQ(p.status, PREDICTION_FAILED);
	T_STREQ(p.error, "NSFW content detected. Try running it again, or try "
	    "a different prompt.");
	T_OK(!p.data_removed);
	prediction_done(&p);
	T_OK(parse_pred(FIX "responses/prediction.failed.default_example."
	    "guillaumemartinfesta__shap-e.json", &p) == 0);
	T_OK(p.data_removed);
	T_STREQ(p.input_json, "{}");
	prediction_done(&p);

	T_OK(parse_pred(FIX "responses/training.get.processing.2023-08-16.json",
	    &p) == 0);
	T_EQ(p.status, PREDICTION_PROCESSING);
	prediction_done(&p);
}

static void
test_cog_shapes(void)
{
	struct prediction p;
	char *s;

	/* a Cog sync response: id and version null, no urls */
	T_OK(parse_pred("tests/fixtures/cog/text/10-sync-stream.body", &p) ==
	    0);
	T_OK(p.id == NULL);
	T_OK(p.version == NULL);
	T_OK(p.url_get == NULL);
	T_EQ(p.status, PREDICTION_SUCCEEDED);
	T_EQ(p.n_outputs, 8);
	s = prediction_join_text(&p, "");
	T_STREQ(s, "compose the about lazy wearing fox brown dog");
	free(s);
	prediction_done(&p);

	T_OK(parse_pred("tests/fixtures/cog/image/10-sync-basic.body", &p) ==
	    0);
	T_EQ(p.n_outputs, 2);
	T_EQ(p.outputs[0].kind, PREDICTION_OUTPUT_DATA);
	T_EQ(p.outputs[1].kind, PREDICTION_OUTPUT_DATA);
	prediction_done(&p);

	T_OK(parse_pred("tests/fixtures/cog/text/20-async-stream-webhook.body",
	    &p) == 0);
	T_STREQ(p.id, "text-stream-1");
	T_EQ(p.status, PREDICTION_PROCESSING);
	T_STREQ(p.output_json, "[]");
	prediction_done(&p);
}

static int
parse_model(const char *rel, struct model *m)
{
	char err[256];
	size_t len;
	char *b = t_slurp(rel, &len);
	enum client_rc rc;

	if (b == NULL)
		return -1;
	rc = replicate_model_parse(b, len, m, err, sizeof err);
	free(b);
	if (rc != CLIENT_OK)
		printf("     %s: %s\n", rel, err);
	return rc == CLIENT_OK ? 0 : -1;
}

static void
test_models(void)
{
	struct model m;
	DIR *d;
	struct dirent *de;
	int n = 0;
	char path[512];
	const char *root = getenv("ROOT");

	T_OK(parse_model(FIX "responses/model.get.mattt__empty.2023-11-16.json",
	    &m) == 0);
	T_STREQ(m.owner, "mattt");
	T_OK(m.latest_version == NULL);
	T_OK(m.default_example == NULL);
	T_OK(m.description == NULL);
	T_EQ(m.run_count, 0);
	replicate_model_done(&m);

	T_OK(parse_model(FIX "responses/model.get.stability-ai__sdxl.2023-11-16"
	    ".json", &m) == 0);
	T_STREQ(m.name, "sdxl");
	T_OK(m.latest_version != NULL && m.latest_version->openapi_schema !=
	    NULL && strstr(m.latest_version->openapi_schema, "\"scheduler\"") !=
	    NULL);
	T_OK(m.default_example != NULL && m.default_example->status ==
	    PREDICTION_SUCCEEDED);
	T_OK(m.run_count > 0);
	replicate_model_done(&m);

	T_OK(parse_model(FIX "responses/model.get.stability-ai__sdxl.2024-10-04"
	    ".json", &m) == 0);
	T_OK(m.weights_url != NULL || m.created_at != NULL);
	replicate_model_done(&m);
	T_OK(parse_model(FIX "responses/model.get.stability-ai__sdxl.2024-04-22"
	    ".json", &m) == 0);
	T_OK(m.created_at != NULL);
	replicate_model_done(&m);
	T_OK(parse_model(FIX "responses/model.get.meta__llama-2-70b-chat."
	    "2023-10-29.json", &m) == 0);
	T_OK(strstr(m.latest_version->openapi_schema, "concatenate") != NULL);
	replicate_model_done(&m);

	/* every model object of the 2025 dump */
	snprintf(path, sizeof path, "%s/" FIX "models", root ? root : ".");
	d = opendir(path);
	T_OK(d != NULL);
	while (d != NULL && (de = readdir(d)) != NULL) {
		char rel[512];

		if (strstr(de->d_name, ".json") == NULL)
			continue;
		snprintf(rel, sizeof rel, FIX "models/%s", de->d_name);
		if (!T_OK(parse_model(rel, &m) == 0))
			continue;
		T_OK(m.latest_version != NULL && m.latest_version->id != NULL);
		T_OK(m.default_example != NULL);
		if (strcmp(m.name, "whisper") == 0) {
			size_t i;
			bool seen = false;

			for (i = 0; i < m.default_example->n_outputs; i++)
				if (m.default_example->outputs[i].key &&
				    strcmp(m.default_example->outputs[i].key,
				    "transcription") == 0)
					seen = true;
			T_OK(seen);
		}
		if (strcmp(m.name, "marker") == 0) {
			T_EQ(m.default_example->n_outputs, 2);
			T_STREQ(m.default_example->outputs[0].key, "markdown");
			T_EQ(m.default_example->outputs[0].kind,
			    PREDICTION_OUTPUT_URL);
		}
		if (strcmp(m.name, "meta-llama-3-8b-instruct") == 0)
			T_EQ(m.default_example->metrics.output_token_count, 149);
		replicate_model_done(&m);
		n++;
	}
	if (d != NULL)
		closedir(d);
	T_EQ(n, 12);
}

static void
test_pages(void)
{
	struct model_page mp;
	struct collection_page cp;
	struct collection col;
	struct version v;
	struct hardware_list hw;
	struct replicate_file f;
	char err[256];
	size_t len, i;
	char *b;
	bool all_schemas = true;

	b = t_slurp(FIX "responses/models.list.page1.2023-11-16.json", &len);
	T_EQ(replicate_model_page_parse(b, len, &mp, err, sizeof err),
	    CLIENT_OK);
	T_EQ(mp.n, 25);
	T_OK(mp.next != NULL && strstr(mp.next, "cursor=") != NULL);
	T_OK(mp.previous == NULL);
	for (i = 0; i < mp.n; i++)
		if (mp.items[i].latest_version == NULL ||
		    mp.items[i].latest_version->openapi_schema == NULL)
			all_schemas = false;
	T_OK(all_schemas);
	replicate_model_page_done(&mp);
	free(b);

	b = t_slurp(FIX "responses/models.search.QUERY-llama.2024-07-19.json",
	    &len);
	T_EQ(replicate_model_page_parse(b, len, &mp, err, sizeof err),
	    CLIENT_OK);
	T_EQ(mp.n, 25);
	T_OK(mp.next == NULL);
	replicate_model_page_done(&mp);
	free(b);

	b = t_slurp(FIX "responses/collections.list.2023-11-16.json", &len);
	T_EQ(replicate_collection_page_parse(b, len, &cp, err, sizeof err),
	    CLIENT_OK);
	T_EQ(cp.n, 19);
	T_STREQ(cp.items[0].slug, "vision-models");
	T_EQ(cp.items[0].n_models, 0);
	replicate_collection_page_done(&cp);
	free(b);

	b = t_slurp(FIX "responses/collections.get.text-to-image.2023-11-16.json",
	    &len);
	T_EQ(replicate_collection_parse(b, len, &col, err, sizeof err),
	    CLIENT_OK);
	T_STREQ(col.slug, "text-to-image");
	T_EQ(col.n_models, 38);
	replicate_collection_done(&col);
	free(b);

	b = t_slurp(FIX "responses/version.get.stability-ai__sdxl__39ed52f2."
	    "2023-08-28.json", &len);
	T_EQ(replicate_version_parse(b, len, &v, err, sizeof err), CLIENT_OK);
	T_OK(strncmp(v.id, "39ed52f2", 8) == 0);
	T_OK(v.openapi_schema != NULL && v.openapi_schema[0] == '{');
	replicate_version_done(&v);
	free(b);
	b = t_slurp(FIX "responses/version.get.stability-ai__sdxl__7762fd07."
	    "2024-10-04.json", &len);
	T_EQ(replicate_version_parse(b, len, &v, err, sizeof err), CLIENT_OK);
	T_OK(v.cog_version != NULL);
	replicate_version_done(&v);
	free(b);
	b = t_slurp(FIX "responses/version.get.meta__llama-2-70b-chat__02e509c7."
	    "2023-10-29.json", &len);
	T_EQ(replicate_version_parse(b, len, &v, err, sizeof err), CLIENT_OK);
	replicate_version_done(&v);
	free(b);

	b = t_slurp(FIX "responses/hardware.list.2023-11-02.json", &len);
	T_EQ(replicate_hardware_parse(b, len, &hw, err, sizeof err), CLIENT_OK);
	T_EQ(hw.n, 4);
	T_STREQ(hw.items[0].sku, "cpu");
	T_STREQ(hw.items[3].name, "Nvidia A40 (Large) GPU");
	replicate_hardware_done(&hw);
	free(b);

	b = t_slurp(FIX "responses/file.create.2024-08-22.json", &len);
	T_EQ(replicate_file_parse(b, len, &f, err, sizeof err), CLIENT_OK);
	T_STREQ(f.name, "test_fileo20o3wth.txt");
	T_EQ(f.size, 0);
	T_OK(f.url_get != NULL);
	replicate_file_done(&f);
	free(b);
	b = t_slurp(FIX "responses/file.get.2024-08-22.json", &len);
	T_EQ(replicate_file_parse(b, len, &f, err, sizeof err), CLIENT_OK);
	replicate_file_done(&f);
	free(b);

	/* the wrong parser for a body says so, with the shape */
	b = t_slurp(FIX "responses/hardware.list.2023-11-02.json", &len);
	T_EQ(replicate_model_page_parse(b, len, &mp, err, sizeof err),
	    CLIENT_ESHAPE);
	T_OK(strstr(err, "models page") != NULL);
	T_OK(mp.items == NULL && mp.n == 0);
	free(b);

	/* the spec's "next": "null" string is the end */
	b = strdup("{\"next\":\"null\",\"previous\":null,\"results\":[]}");
	T_EQ(replicate_collection_page_parse(b, strlen(b), &cp, err,
	    sizeof err), CLIENT_OK);
	T_OK(cp.next == NULL);
	replicate_collection_page_done(&cp);
	free(b);

	/* GET /v1/search, the spec example's shape */
	b = strdup("{\"query\":\"nano banana\",\"models\":[{\"model\":{\"owner\":"
	    "\"google\",\"name\":\"nano-banana\",\"latest_version\":{\"id\":"
	    "\"x\",\"openapi_schema\":{}}},\"metadata\":{\"score\":1.3}}],"
	    "\"collections\":[],\"pages\":[]}");
	T_EQ(replicate_search_parse(b, strlen(b), &mp, err, sizeof err),
	    CLIENT_OK);
	T_EQ(mp.n, 1);
	T_STREQ(mp.items[0].name, "nano-banana");
	T_STREQ(mp.items[0].latest_version->openapi_schema, "{}");
	replicate_model_page_done(&mp);
	free(b);
}

static void
test_json_errors(void)
{
	struct model m;
	struct prediction p;
	char err[256], deep[300];
	size_t len, cut;
	char *b;
	int i;

	b = t_slurp(FIX "responses/model.get.stability-ai__sdxl.2023-11-16.json",
	    &len);
	/* truncated anywhere: a parse error naming a byte offset */
	for (cut = 1; cut < len; cut += len / 7) {
		enum client_rc rc = replicate_model_parse(b, cut, &m, err,
		    sizeof err);

		T_EQ(rc, CLIENT_EPARSE);
		T_OK(strstr(err, "byte") != NULL);
		T_OK(m.owner == NULL);
	}
	T_EQ(replicate_model_parse(b, 40, &m, err, sizeof err), CLIENT_EPARSE);
	printf("     e.g. \"%s\"\n", err);
	T_OK(strstr(err, "of 40") != NULL);
	free(b);

	T_EQ(prediction_parse("{\"id\": 12,}", 11, &p, err, sizeof err),
	    CLIENT_EPARSE);
	T_OK(strstr(err, "byte 10") != NULL);
	T_EQ(prediction_parse("{} x", 4, &p, err, sizeof err), CLIENT_EPARSE);
	T_OK(strstr(err, "trailing data at byte 3") != NULL);
	T_EQ(prediction_parse("", 0, &p, err, sizeof err), CLIENT_EPARSE);
	T_OK(strstr(err, "empty") != NULL);
	T_EQ(prediction_parse("[1]", 3, &p, err, sizeof err), CLIENT_ESHAPE);
	T_EQ(prediction_parse("{\"id\":\"a\"}", 10, &p, err, sizeof err),
	    CLIENT_OK);
	T_EQ(p.status, PREDICTION_UNKNOWN);
	prediction_done(&p);

	/* nesting past the limit is refused before cJSON recurses */
	for (i = 0; i < 100; i++)
		deep[i] = '[';
	for (i = 100; i < 200; i++)
		deep[i] = ']';
	T_EQ(prediction_parse(deep, 200, &p, err, sizeof err), CLIENT_ELIMIT);
	T_OK(strstr(err, "nested deeper than 64 at byte 64") != NULL);
	T_OK(json_depth_ok(deep + 100 - CLIENT_JSON_MAX_DEPTH,
	    2 * CLIENT_JSON_MAX_DEPTH, CLIENT_JSON_MAX_DEPTH, NULL));
	/* brackets inside strings do not count */
	T_OK(json_depth_ok("[\"[[[[[[\\\"[[[[\"]", 17, 1, NULL));
}

static void
test_status_logs(void)
{
	struct prediction p, q;
	char *big, *json;
	size_t n = PREDICTION_MAX_LOG_BYTES + 5000, i;
	char err[128];

	T_STREQ(prediction_status_name(PREDICTION_ABORTED), "aborted");
	T_EQ(prediction_status_parse("aborted"), PREDICTION_ABORTED);
	T_EQ(prediction_status_parse("queued"), PREDICTION_UNKNOWN);
	T_EQ(prediction_status_parse(NULL), PREDICTION_UNKNOWN);
	T_OK(prediction_status_terminal(PREDICTION_UNKNOWN));
	T_OK(!prediction_status_terminal(PREDICTION_PROCESSING));

	big = malloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\0';
	json = malloc(n + 64);
	snprintf(json, n + 64, "{\"status\":\"processing\",\"logs\":\"%s\"}",
	    big);
	T_EQ(prediction_parse(json, strlen(json), &p, err, sizeof err),
	    CLIENT_OK);
	T_EQ(p.logs_len, PREDICTION_MAX_LOG_BYTES);
	T_OK(p.logs_truncated);
	T_OK(memcmp(p.logs, big + 5000, 64) == 0);	/* the tail is kept */
	T_OK(prediction_append_logs(&p, "XYZ\n", 4) == 0);
	T_EQ(p.logs_len, PREDICTION_MAX_LOG_BYTES);
	T_OK(memcmp(p.logs + p.logs_len - 4, "XYZ\n", 4) == 0);
	T_OK(prediction_append_output(&p, "tok", 3) == 0);
	T_OK(prediction_append_output(&p, "https://x/y.png", 15) == 0);
	T_EQ(p.n_outputs, 2);
	T_EQ(p.outputs[1].kind, PREDICTION_OUTPUT_URL);
	T_OK(prediction_copy(&q, &p) == 0);
	T_EQ(q.logs_len, p.logs_len);
	T_STREQ(q.outputs[0].value, "tok");
	T_STREQ(q.status_text, "processing");
	prediction_done(&q);
	prediction_done(&p);
	prediction_done(&p);	/* twice is fine */
	prediction_free(NULL);
	free(big);
	free(json);

	/* tqdm percent-only line (unknown total is skipped), \r updates */
	p.logs = strdup("x\r 10%|#  | 1/10\r 20%|##  | 2/10 [00:01<00:04]\r");
	p.logs_len = strlen(p.logs);
	{
		int d, t;
		double pc;

		T_OK(prediction_progress(&p, &d, &t, &pc));
		T_EQ(d, 2);
		T_EQ(t, 10);
		T_OK(pc == 20);
	}
	prediction_done(&p);

	/* fuzz: 400 digits before "%|" overflow strtod; that line is
	 * skipped for the one before it, never an infinite percentage */
	{
		char logs[600];
		int d, t;
		double pc;

		memset(&p, 0, sizeof p);
		strcpy(logs, " 30%|### | 3/10\n");
		memset(logs + strlen(logs), '7', 400);
		strcpy(logs + 16 + 400, "%|| 1/2\n");
		T_OK(prediction_append_logs(&p, logs, strlen(logs)) == 0);
		T_OK(prediction_progress(&p, &d, &t, &pc));
		T_OK(pc == 30);
		T_EQ(d, 3);
		T_EQ(t, 10);
		prediction_done(&p);
	}
}

static void
test_problem(void)
{
	char err[256];
	size_t len;
	char *b;

	b = t_slurp(FIX "responses/error.401.unauthenticated.2023-11-16.json",
	    &len);
	http_problem("model get a/b", 401, b, len, err, sizeof err);
	T_STREQ(err, "model get a/b: Unauthenticated: You did not pass a valid "
	    "authentication token (HTTP 401)");
	free(b);
	b = t_slurp(FIX "responses/error.404.training-invalid-destination."
	    "2023-08-16.json", &len);
	http_problem("x", 404, b, len, err, sizeof err);
	T_STREQ(err, "x: The specified training destination does not exist "
	    "(HTTP 404)");
	free(b);
	b = t_slurp("tests/fixtures/cog/image/20-422-range.body", &len);
	http_problem("cog predict", 422, b, len, err, sizeof err);
	T_STREQ(err, "cog predict: width: ensure this value is less than or "
	    "equal to 1024; guidance_scale: ensure this value is greater than "
	    "or equal to 1.0 (HTTP 422)");
	free(b);
	/* the fake's 422 detail has newlines: the message stays one line */
	b = strdup("{\"title\":\"Input validation failed\",\"detail\":\"- a: x\\n"
	    "- b: y\\n\",\"status\":422}");
	http_problem("z", 422, b, strlen(b), err, sizeof err);
	T_STREQ(err, "z: Input validation failed: - a: x - b: y (HTTP 422)");
	free(b);
	http_problem("y", 502, "<html>bad gateway</html>", 24, err, sizeof err);
	T_STREQ(err, "y: HTTP 502");
	http_problem("y", 500, "Internal Server Error", 21, err, sizeof err);
	T_STREQ(err, "y: Internal Server Error (HTTP 500)");
	http_problem("y", 503, NULL, 0, err, sizeof err);
	T_STREQ(err, "y: HTTP 503");
	T_EQ(http_status_rc(401), CLIENT_EAUTH);
	T_EQ(http_status_rc(404), CLIENT_ENOTFOUND);
	T_EQ(http_status_rc(429), CLIENT_ERATE);
	T_EQ(http_status_rc(500), CLIENT_EHTTP);
	T_EQ(http_status_rc(201), CLIENT_OK);
}

static void
test_misc(void)
{
	struct model_page mp;
	char o[64], n[64], v[80], src[512], date[32], err[256];
	char buf[64];

	T_OK(replicate_ref_split("stability-ai/sdxl", o, sizeof o, n, sizeof n,
	    v, sizeof v) == 0);
	T_STREQ(o, "stability-ai");
	T_STREQ(n, "sdxl");
	T_STREQ(v, "");
	T_OK(replicate_ref_split("a/b:39ed52f2", o, sizeof o, n, sizeof n, v,
	    sizeof v) == 0);
	T_STREQ(v, "39ed52f2");
	T_OK(replicate_ref_split("nobody", o, sizeof o, n, sizeof n, v,
	    sizeof v) != 0);
	T_OK(replicate_ref_split("/x", o, sizeof o, n, sizeof n, v,
	    sizeof v) != 0);
	T_OK(replicate_ref_split("a/b:", o, sizeof o, n, sizeof n, v,
	    sizeof v) != 0);
	T_OK(replicate_ref_split("a/b/c", o, sizeof o, n, sizeof n, v,
	    sizeof v) != 0);

	T_EQ(replicate_snapshot_models(&mp, err, sizeof err), CLIENT_OK);
	T_EQ(mp.n, 18);
	T_OK(mp.next == NULL);
	replicate_model_page_done(&mp);
	T_OK(replicate_snapshot_info(src, sizeof src, date, sizeof date) == 0);
	T_STREQ(date, "2025-01-15");
	T_OK(strstr(src, "all-the-public-replicate-models") != NULL);

	T_OK(http_escape("a b/c?d", buf, sizeof buf) == 0);
	T_STREQ(buf, "a%20b%2Fc%3Fd");
	T_OK(http_escape("0123456789", buf, 5) != 0);
	T_STREQ(client_strerror(CLIENT_EPARSE), "malformed JSON");
	T_STREQ(client_rc_name(CLIENT_ELIMIT), "ELIMIT");
	T_STREQ(client_strerror((enum client_rc)999), "unknown error");
	T_STREQ(client_req_name(CLIENT_REQ_SEARCH), "models search");
	/* client_emit_error(): the request's own words, else the code's,
	 * with what in front; cut to the buffer */
	T_STREQ(client_emit_error(buf, sizeof buf, CLIENT_ENET, "refused",
	    NULL), "refused");
	T_STREQ(client_emit_error(buf, sizeof buf, CLIENT_ENET, "", NULL),
	    "network error");
	T_STREQ(client_emit_error(buf, sizeof buf, CLIENT_ETIMEOUT, NULL,
	    "image"), "image: timed out");
	T_STREQ(client_emit_error(buf, sizeof buf, CLIENT_EHTTP, "HTTP 500",
	    ""), "HTTP 500");
	T_STREQ(client_emit_error(buf, 8, CLIENT_EHTTP, "HTTP 500",
	    "stop"), "stop: H");
}

/*
 * Bodies that list models skip their default_example outputs (never drawn
 * on a page) without losing anything else; a single model keeps them.
 */
static void
test_blank(void)
{
	char b1[] = "{\"default_example\":{\"output\":[1.5,2.5,\"a}\\\"]\"],"
	    "\"metrics\":{\"predict_time\":2}},\"output\":[1,2,3,4]}";
	char b2[] = "{\"x\":{\"output\":[1,2,3]},\"default_example\":"
	    "{\"input\":{\"output\":[9,9,9]},\"output\":\"tiny\"}}";
	char b3[] = "[{\"default_example\":{\"status\":\"x\",\"output\":"
	    "{\"a\":[[1],[2]]}}},{\"default_example\":null}]";
	size_t n = strlen(b1);

	T_EQ(json_blank_members(b1, n, "default_example", "output"), 1);
	T_EQ(strlen(b1), n);
	T_OK(strncmp(b1, "{\"default_example\":{\"output\":null ", 33) == 0);
	T_OK(strstr(b1, "\"metrics\":{\"predict_time\":2}},\"output\":"
	    "[1,2,3,4]}") != NULL);	/* the outer output is not a match */
	/* nested "output" in input and a short value stay */
	T_EQ(json_blank_members(b2, strlen(b2), "default_example", "output"),
	    1);
	T_OK(strstr(b2, "{\"output\":[9,9,9]}") != NULL);
	T_OK(strstr(b2, "\"x\":{\"output\":[1,2,3]}") != NULL);
	T_EQ(json_blank_members(b3, strlen(b3), "default_example", "output"),
	    1);
	T_OK(strstr(b3, "\"output\":null ") != NULL);
	{
		cJSON *j = cJSON_Parse(b3);

		T_OK(j != NULL);
		cJSON_Delete(j);
	}
}

/* The 1.46 MB search page: every field a page draws survives. */
static void
test_search_page(void)
{
	struct model_page mp;
	char err[256];
	size_t len, i, with_ex = 0, with_time = 0;
	char *b = t_slurp(FIX "responses/models.search.QUERY-llama.2024-07-19"
	    ".json", &len);

	if (!T_OK(b != NULL))
		return;
	T_EQ(replicate_model_page_parse(b, len, &mp, err, sizeof err),
	    CLIENT_OK);
	T_OK(mp.n > 0);
	for (i = 0; i < mp.n; i++) {
		T_OK(mp.items[i].owner != NULL && mp.items[i].name != NULL);
		if (mp.items[i].default_example != NULL) {
			with_ex++;
			T_OK(mp.items[i].default_example->output_json == NULL);
			if (mp.items[i].default_example->metrics.predict_time
			    > 0)
				with_time++;
		}
	}
	T_OK(with_ex > 0 && with_time > 0);
	replicate_model_page_done(&mp);
	free(b);
}

int
main(void)
{
	test_blank();
	test_search_page();
	test_predictions();
	test_cog_shapes();
	test_models();
	test_pages();
	test_json_errors();
	test_status_logs();
	test_problem();
	test_misc();
	return T_SUMMARY();
}
