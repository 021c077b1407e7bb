/*
 * tests/unit/t_client_cog.c: the Cog backend's parsers on the recorded
 * exchanges (tests/fixtures/cog): every health state, the error bodies
 * (409, 422 of each kind, 500, 404, newer Cog's 503), the merge of
 * out-of-order cumulative webhooks, iterator output joined as the schema
 * says, and schema-less inputs (strings, arrays, @file data URIs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "client/net/client.h"
#include "client/cog/cog.h"
#include "client/net/prediction.h"
#include "client/forms/schema.h"
#include "tests/unit/t.h"
#include "tests/unit/tfile.h"

#define FIX "tests/fixtures/cog/"


/* Decode base64 (test's own, so it checks the encoder independently). */
static size_t
b64_decode(const char *s, unsigned char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";
	unsigned v = 0, bits = 0;
	size_t n = 0;

	for (; *s && *s != '='; s++) {
		const char *p = strchr(tab, *s);

		if (p == NULL)
			return (size_t)-1;
		v = v << 6 | (unsigned)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(v >> bits);
		}
	}
	return n;
}

static enum cog_health_state
health_of(const char *name, long status, struct cog_health *h)
{
	char path[256], err[256];
	size_t len;
	char *body;
	enum client_rc rc;

	snprintf(path, sizeof path, FIX "%s.body", name);
	body = t_slurp(path, &len);
	if (!T_OK(body != NULL))
		return COG_HEALTH__COUNT;
	rc = cog_health_parse(status, body, len, h, err, sizeof err);
	free(body);
	if (!T_EQ(rc, CLIENT_OK))
		printf("     %s\n", err);
	return h->state;
}

static void
test_health(void)
{
	struct cog_health h;
	char err[256];

	T_EQ(health_of("image/01-health-starting", 200, &h),
	    COG_HEALTH_STARTING);
	T_OK(h.setup_status == NULL);
	T_OK(!cog_health_can_predict(&h));
	cog_health_done(&h);
	T_EQ(health_of("image/03-health-ready", 200, &h), COG_HEALTH_READY);
	T_STREQ(h.setup_status, "succeeded");
	T_STREQ(h.setup_logs,
	    "loading fake weights (3.0s)...\nweights loaded\n");
	T_OK(cog_health_can_predict(&h));
	cog_health_done(&h);
	T_EQ(health_of("image/31-health-busy", 200, &h), COG_HEALTH_BUSY);
	T_OK(!cog_health_can_predict(&h));
	cog_health_done(&h);
	T_EQ(health_of("setup-fails/10-health-setup-failed", 200, &h),
	    COG_HEALTH_SETUP_FAILED);
	T_STREQ(h.setup_status, "failed");
	T_OK(h.setup_logs && strstr(h.setup_logs, "Traceback"));
	cog_health_done(&h);
	T_EQ(health_of("crash/11-health-defunct", 200, &h), COG_HEALTH_DEFUNCT);
	cog_health_done(&h);
	T_EQ(health_of("cog-0.16.12-shim/03-health-unhealthy", 200, &h),
	    COG_HEALTH_UNHEALTHY);
	T_STREQ(h.user_healthcheck_error,
	    "Healthcheck failed: user-defined healthcheck returned False");
	T_OK(cog_health_can_predict(&h));	/* predictions still run */
	cog_health_done(&h);
	T_EQ(health_of("cog-0.16.12-shim/05-health-ready-again", 200, &h),
	    COG_HEALTH_READY);
	T_OK(h.user_healthcheck_error == NULL);
	cog_health_done(&h);

	/* newest Cog: 503 while not ready, a version object */
	T_EQ(cog_health_parse(503, "{\"status\":\"STARTING\",\"version\":"
	    "{\"coglet\":\"0.22.0\",\"cog\":\"0.22.0\",\"python\":\"3.12\"}}",
	    82, &h, err, sizeof err), CLIENT_OK);
	T_EQ(h.state, COG_HEALTH_STARTING);
	T_EQ(h.http_status, 503);
	T_STREQ(h.cog_version, "0.22.0");
	cog_health_done(&h);
	T_EQ(cog_health_parse(503, "Service Unavailable", 19, &h, err,
	    sizeof err), CLIENT_OK);
	T_EQ(h.state, COG_HEALTH_STARTING);
	T_OK(!cog_health_can_predict(&h));
	cog_health_done(&h);
	T_EQ(cog_health_parse(200, "{\"status\":\"WEIRD\"}", 18, &h, err,
	    sizeof err), CLIENT_OK);
	T_EQ(h.state, COG_HEALTH_UNKNOWN);
	T_STREQ(h.status_text, "WEIRD");
	cog_health_done(&h);

	/* bad bodies: one line with the byte offset, struct zeroed */
	T_EQ(cog_health_parse(200, "{\"status\":\"REA", 14, &h, err,
	    sizeof err), CLIENT_EPARSE);
	T_OK(strstr(err, "health-check") && strstr(err, "byte"));
	T_OK(h.status_text == NULL);
	T_EQ(cog_health_parse(200, "[]", 2, &h, err, sizeof err),
	    CLIENT_ESHAPE);
	T_EQ(cog_health_parse(200, "{}", 2, &h, err, sizeof err),
	    CLIENT_ESHAPE);
	T_EQ(cog_health_parse(404, "{\"detail\":\"Not Found\"}", 22, &h, err,
	    sizeof err), CLIENT_ENOTFOUND);
	T_EQ(cog_health_parse(200, "", 0, &h, err, sizeof err), CLIENT_EPARSE);
	cog_health_free(NULL);
	T_STREQ(cog_health_name(COG_HEALTH_SETUP_FAILED), "SETUP_FAILED");
	T_STREQ(cog_health_name((enum cog_health_state)99), "UNKNOWN");
}

static enum client_rc
problem_of(const char *name, long status, char *err, size_t errsz)
{
	char path[256];
	size_t len;
	char *body;
	enum client_rc rc;

	snprintf(path, sizeof path, FIX "%s.body", name);
	body = t_slurp(path, &len);
	T_OK(body != NULL);
	rc = cog_problem("cog prediction p1", status, body, len, err, errsz);
	free(body);
	return rc;
}

static void
test_problems(void)
{
	char err[COG_MAX_MESSAGE], buf[2048];
	const char *body;
	char *fbody;
	const char *lines[16];
	size_t len, n;

	T_EQ(problem_of("image/32-predict-while-busy", 409, err, sizeof err),
	    CLIENT_EHTTP);
	T_STREQ(err, "cog prediction p1: the server is busy (Already running "
	    "a prediction); another prediction or setup is running");
	T_EQ(problem_of("image/20-422-range", 422, err, sizeof err),
	    CLIENT_EINVAL);
	T_STREQ(err, "cog prediction p1: invalid input: width: ensure this "
	    "value is less than or equal to 1024; guidance_scale: ensure this "
	    "value is greater than or equal to 1.0");
	T_EQ(problem_of("image/22-422-missing", 422, err, sizeof err),
	    CLIENT_EINVAL);
	T_STREQ(err, "cog prediction p1: invalid input: prompt: field "
	    "required");
	T_EQ(problem_of("image/24-422-bad-json", 422, err, sizeof err),
	    CLIENT_EINVAL);
	T_STREQ(err, "cog prediction p1: invalid input: [9]: Expecting "
	    "value: line 1 column 10 (char 9)");
	T_EQ(problem_of("image/44-put-id-mismatch", 422, err, sizeof err),
	    CLIENT_EINVAL);
	T_STREQ(err, "cog prediction p1: invalid input: id: prediction ID "
	    "must match the ID supplied in the URL");
	T_EQ(problem_of("crash/10-sync-crash", 500, err, sizeof err),
	    CLIENT_EHTTP);
	T_STREQ(err, "cog prediction p1: HTTP 500 (the model's worker died "
	    "or setup failed; see /health-check)");
	T_EQ(problem_of("image/33-cancel-unknown", 404, err, sizeof err),
	    CLIENT_ENOTFOUND);
	T_EQ(cog_problem("x", 503, "{\"error\":\"Setup has not finished\","
	    "\"status\":\"failed\"}", 52, err, sizeof err), CLIENT_EHTTP);
	T_STREQ(err, "x: the server is not ready (HTTP 503): Setup has not "
	    "finished");
	T_EQ(cog_problem("x", 409, "{\"error\":\"At capacity - all prediction"
	    " slots busy\",\"status\":\"failed\"}", 69, err, sizeof err),
	    CLIENT_EHTTP);
	T_OK(strstr(err, "busy (At capacity") != NULL);
	/* control characters from the server are made visible */
	T_EQ(cog_problem("x", 400, "{\"detail\":\"a\\u001b[2Jb\"}", 24, err,
	    sizeof err), CLIENT_EHTTP);
	T_STREQ(err, "x: HTTP 400: a\\x1b[2Jb");
	/* and C1, bidi overrides; other UTF-8 stays */
	{
		static const char b[] = "{\"detail\":\"\\u009b31m "
		    "\\u202eexe.png \\u2069 caf\\u00e9\"}";

		T_EQ(cog_problem("x", 400, b, sizeof b - 1, err, sizeof err),
		    CLIENT_EHTTP);
		T_STREQ(err, "x: HTTP 400: \\u009b31m \\u202eexe.png \\u2069 "
		    "caf\xc3\xa9");
	}
	T_EQ(cog_problem("x", 418, NULL, 0, err, sizeof err), CLIENT_EHTTP);
	T_STREQ(err, "x: HTTP 418");

	/* one line per field, for the command line */
	body = fbody = t_slurp(FIX "schema-zoo/20-422.body", &len);
	n = cog_validation_lines(body, len, buf, sizeof buf, lines, 16);
	T_OK(n >= 3);
	T_STREQ(lines[0], "mode: unexpected value; permitted: 'fast', "
	    "'slow'");
	T_STREQ(lines[1], "steps: value is not a valid enumeration member; "
	    "permitted: 10, 20, 50");
	T_OK(strncmp(lines[2], "name: string does not match regex", 33) == 0);
	T_EQ(cog_validation_lines(body, len, buf, sizeof buf, lines, 1), 1);
	free(fbody);
	body = fbody = t_slurp(FIX "image/23-422-type.body", &len);
	n = cog_validation_lines(body, len, buf, sizeof buf, lines, 16);
	T_EQ(n, 2);
	T_STREQ(lines[0], "width: value is not a valid integer");
	free(fbody);
	T_EQ(cog_validation_lines("{\"detail\":\"Not Found\"}", 22, buf,
	    sizeof buf, lines, 16), 1);
	T_STREQ(lines[0], "Not Found");
	T_EQ(cog_validation_lines("garbage", 7, buf, sizeof buf, lines, 16), 0);
	body = "{\"detail\":[{\"loc\":[\"body\",\"input\",\"files\",1],"
	    "\"msg\":\"bad\"}]}";
	T_EQ(cog_validation_lines(body, strlen(body), buf, sizeof buf, lines,
	    16), 1);
	T_STREQ(lines[0], "files[1]: bad");
}

/* Feed a recorded webhook file, line by line, to cog_merge. */
static int
merge_file(const char *name, struct prediction *cur, int *accepted)
{
	char path[256], *text, *line, *save = NULL;
	int n = 0;

	snprintf(path, sizeof path, FIX "webhooks/%s.jsonl", name);
	text = t_slurp(path, NULL);
	if (!T_OK(text != NULL))
		return 0;
	*accepted = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		cJSON *rec = cJSON_Parse(line);
		char *body = cJSON_PrintUnformatted(
		    cJSON_GetObjectItemCaseSensitive(rec, "json"));
		struct prediction upd;
		char err[256];

		if (T_EQ(prediction_parse(body, strlen(body), &upd, err,
		    sizeof err), CLIENT_OK)) {
			int ch = cog_merge(cur, &upd);

			T_OK(ch >= 0);
			if (ch > 0)
				(*accepted)++;
			prediction_done(&upd);
		}
		n++;
		free(body);
		cJSON_Delete(rec);
	}
	free(text);
	return n;
}

static void
test_merge(void)
{
	struct prediction cur;
	char *text;
	int acc;

	/* out of order: logs+[] first, then the empty start payload */
	memset(&cur, 0, sizeof cur);
	cur.status = PREDICTION_STARTING;
	T_EQ(merge_file("text-cancel-1", &cur, &acc), 5);
	T_EQ(acc, 4);	/* the late start is ignored */
	T_EQ(cur.status, PREDICTION_CANCELED);
	T_EQ(cur.n_outputs, 13);
	T_EQ(cur.logs_len, 28);
	prediction_done(&cur);

	/* throttled cumulative output, then succeeded */
	cur.status = PREDICTION_STARTING;
	T_EQ(merge_file("text-stream-1", &cur, &acc), 6);
	T_EQ(cur.status, PREDICTION_SUCCEEDED);
	T_EQ(cur.n_outputs, 20);
	prediction_done(&cur);

	/* a filter without completed: stays processing */
	cur.status = PREDICTION_STARTING;
	T_EQ(merge_file("text-stream-2", &cur, &acc), 2);
	T_EQ(cur.status, PREDICTION_PROCESSING);
	T_EQ(cur.n_outputs, 7);
	prediction_done(&cur);

	/* failed, then "succeeded" with the same error: the first one wins */
	cur.status = PREDICTION_STARTING;
	T_EQ(merge_file("img-upload-fail", &cur, &acc), 5);
	T_EQ(cur.status, PREDICTION_FAILED);
	T_STREQ(cur.error, "Cog: Got error trying to upload output files");
	T_EQ(acc, 3);	/* the 18-byte logs, the 85, then failed */
	prediction_done(&cur);

	/* a "succeeded" carrying an error alone counts as failed */
	{
		struct prediction upd;
		char err[128];
		const char *b = "{\"status\":\"succeeded\","
		    "\"error\":\"upload\",\"output\":null}";

		memset(&cur, 0, sizeof cur);
		T_EQ(prediction_parse(b, strlen(b), &upd, err, sizeof err),
		    CLIENT_OK);
		T_OK(cog_merge(&cur, &upd) & CLIENT_CHANGED_STATUS);
		T_EQ(cur.status, PREDICTION_FAILED);
		prediction_done(&upd);
		prediction_done(&cur);
	}

	/* the async crash webhook */
	cur.status = PREDICTION_STARTING;
	T_EQ(merge_file("crash-1", &cur, &acc), 3);
	T_EQ(cur.status, PREDICTION_FAILED);
	T_OK(strstr(cur.error, "exitcode 137") != NULL);
	prediction_done(&cur);

	/* no id in the payloads: the id we chose stays */
	memset(&cur, 0, sizeof cur);
	cur.id = strdup("r8p-chosen");
	T_EQ(merge_file("img-async-noid", &cur, &acc), 1);
	T_STREQ(cur.id, "r8p-chosen");
	T_EQ(cur.status, PREDICTION_SUCCEEDED);
	prediction_done(&cur);

	/* text joined as x-cog-array-display says */
	{
		struct schema s;
		char *doc, err[256];
		size_t len;

		cur.status = PREDICTION_STARTING;
		merge_file("tokens-1", &cur, &acc);
		doc = t_slurp(FIX "tokens/01-openapi.body", &len);
		T_EQ(schema_parse(doc, len, &s, err, sizeof err), 0);
		free(doc);
		T_OK(s.output.iterator && !s.output.concatenate);
		text = cog_output_text(&cur, &s);
		T_OK(text != NULL && strchr(text, '\n') != NULL);
		free(text);
		schema_done(&s);
		prediction_done(&cur);

		cur.status = PREDICTION_STARTING;
		merge_file("text-stream-1", &cur, &acc);
		doc = t_slurp(FIX "text/01-openapi.body", &len);
		T_EQ(schema_parse(doc, len, &s, err, sizeof err), 0);
		free(doc);
		T_OK(s.output.concatenate);
		text = cog_output_text(&cur, &s);
		{
			char *want = prediction_join_text(&cur, "");

			T_STREQ(text, want);
			T_OK(strchr(text, '\n') == NULL);
			free(want);
		}
		free(text);
		schema_done(&s);
		prediction_done(&cur);
	}
}

static void
test_sync_bodies(void)
{
	struct prediction p;
	char err[256], *body, *text;
	size_t len;

	/* HTTP 200 with status failed: the error and traceback are kept */
	body = t_slurp(FIX "predict-error/10-sync-error.body", &len);
	T_EQ(prediction_parse(body, len, &p, err, sizeof err), CLIENT_OK);
	T_EQ(p.status, PREDICTION_FAILED);
	T_OK(p.error != NULL);
	T_OK(p.logs && strstr(p.logs, "Traceback"));
	prediction_done(&p);
	free(body);
	/* a lone string output */
	body = t_slurp(FIX "predict-error/11-sync-ok.body", &len);
	T_EQ(prediction_parse(body, len, &p, err, sizeof err), CLIENT_OK);
	text = cog_output_text(&p, NULL);
	T_STREQ(text, "FINE");
	free(text);
	prediction_done(&p);
	free(body);
	/* canceled sync */
	body = t_slurp(FIX "image/53-sync-for-cancel-bg.body", &len);
	T_EQ(prediction_parse(body, len, &p, err, sizeof err), CLIENT_OK);
	T_EQ(p.status, PREDICTION_CANCELED);
	T_OK(p.output_json == NULL);
	prediction_done(&p);
	free(body);
	/* List[Path] as data URIs: decoded bytes are what was sent */
	body = t_slurp(FIX "image/10-sync-basic.body", &len);
	T_EQ(prediction_parse(body, len, &p, err, sizeof err), CLIENT_OK);
	T_EQ(p.n_outputs, 2);
	T_EQ(p.outputs[0].kind, PREDICTION_OUTPUT_DATA);
	T_OK(cog_output_text(&p, NULL) == NULL);
	prediction_done(&p);
	free(body);
}

static void
test_input(void)
{
	char *json = NULL, err[256], path[] = "/tmp/t_cog_inXXXXXX";
	char arg[64];
	const char *pairs[4];
	cJSON *root;
	int fd;

	pairs[0] = "prompt=a cat";
	pairs[1] = "width=512";
	pairs[2] = "files=a";
	pairs[3] = "files=b";
	T_EQ(cog_input_build(pairs, 4, &json, err, sizeof err), CLIENT_OK);
	T_STREQ(json, "{\"prompt\":\"a cat\",\"width\":\"512\",\"files\":"
	    "[\"a\",\"b\"]}");
	free(json);
	pairs[0] = "noequals";
	T_EQ(cog_input_build(pairs, 1, &json, err, sizeof err), CLIENT_EINVAL);
	T_OK(json == NULL && strstr(err, "noequals") != NULL);
	pairs[0] = "=x";
	T_EQ(cog_input_build(pairs, 1, &json, err, sizeof err), CLIENT_EINVAL);
	pairs[0] = "image=@/nonexistent/file.png";
	T_EQ(cog_input_build(pairs, 1, &json, err, sizeof err), CLIENT_EIO);
	T_OK(strstr(err, "input image") != NULL);
	pairs[0] = "empty=";
	T_EQ(cog_input_build(pairs, 1, &json, err, sizeof err), CLIENT_OK);
	T_STREQ(json, "{\"empty\":\"\"}");
	free(json);

	/* @file: a data URI whose bytes decode back to the file */
	fd = mkstemp(path);
	T_OK(write(fd, "hello\0world\n", 12) == 12);
	close(fd);
	snprintf(arg, sizeof arg, "doc=@%s", path);
	pairs[0] = arg;
	T_EQ(cog_input_build(pairs, 1, &json, err, sizeof err), CLIENT_OK);
	root = cJSON_Parse(json);
	{
		const char *uri = cJSON_GetObjectItem(root, "doc")->valuestring;
		unsigned char data[64];

		T_OK(strncmp(uri, "data:application/octet-stream;base64,",
		    37) == 0);
		T_EQ(b64_decode(uri + 37, data), 12);
		T_OK(memcmp(data, "hello\0world\n", 12) == 0);
	}
	cJSON_Delete(root);
	free(json);
	unlink(path);
}

int
main(void)
{
	test_health();
	test_problems();
	test_merge();
	test_sync_bodies();
	test_input();
	return T_SUMMARY();
}
