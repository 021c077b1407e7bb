/*
 * tests/unit/t_client_history_record.c: every recorded output shape
 * (client/history/record.c) classified, rendered as text and saved to a
 * run folder: the files, output.txt, output.json and run.json compared
 * field by field. Shapes: whisper's object {transcription,
 * detected_language, segments}, a Cog BaseModel {text, count, files,
 * score} with files inside, Iterator[str] with and without concatenate,
 * a list of images, null (a failed run).
 */
#include "client/history/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "client/net/outputs.h"
#include "t.h"
#include "tfile.h"

static char tmp[64];

struct fx {
	struct prediction p;
	struct schema s;
	char	*saved[16];
	size_t	 n_saved;
	char	 dir[256];
};

static int
load(struct fx *f, const char *body, const char *schema, const char *name)
{
	char err[256], *b, *sch = NULL;
	size_t len, sl = 0;

	memset(f, 0, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "%s/%s", tmp, name);
	if ((b = t_slurp(body, &len)) == NULL)
		return -1;
	if (prediction_parse(b, len, &f->p, err, sizeof err) != CLIENT_OK) {
		printf("     %s: %s\n", body, err);
		free(b);
		return -1;
	}
	free(b);
	if (schema != NULL) {
		if ((sch = t_slurp(schema, &sl)) == NULL)
			return -1;
		if (schema_parse(sch, sl, &f->s, err, sizeof err) != 0) {
			printf("     %s: %s\n", schema, err);
			free(sch);
			return -1;
		}
		free(sch);
	}
	return 0;
}

/* Save the data: outputs the way outputs_save does (output order). */
static void
save_data(struct fx *f)
{
	char err[256], nm[OUTPUTS_MAX_NAME + 1];
	size_t i;

	for (i = 0; i < f->p.n_outputs && f->n_saved < 16; i++) {
		const struct prediction_output *o = &f->p.outputs[i];
		unsigned char *data;
		size_t len;

		if (o->kind != PREDICTION_OUTPUT_DATA)
			continue;
		T_EQ(outputs_data_decode(o->value, 1 << 24, &data, &len, NULL,
		    err, sizeof err), CLIENT_OK);
		outputs_safe_name(o->value, o->key, nm, sizeof nm);
		T_EQ(outputs_write(f->dir, nm, data, len,
		    &f->saved[f->n_saved], err, sizeof err), CLIENT_OK);
		f->n_saved++;
		free(data);
	}
}

static void
fx_done(struct fx *f)
{
	size_t i;

	for (i = 0; i < f->n_saved; i++)
		free(f->saved[i]);
	prediction_done(&f->p);
	schema_done(&f->s);
}

static struct record_run
run_of(struct fx *f, const struct history_secrets *sec)
{
	struct record_run r;

	memset(&r, 0, sizeof r);
	r.p = &f->p;
	r.so = f->s.has_output ? &f->s.output : NULL;
	r.target_kind = HISTORY_TARGET_SERVER;
	r.target = "http://127.0.0.1:5000";
	r.saved = (const char *const *)f->saved;
	r.n_saved = f->n_saved;
	r.dir = f->dir;
	r.cost = -1;
	r.sec = sec;
	return r;
}

static cJSON *
read_json(const char *dir, const char *name)
{
	char p[512], *b;
	cJSON *v;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if ((b = t_slurp(p, NULL)) == NULL)
		return NULL;
	v = cJSON_Parse(b);
	free(b);
	return v;
}

static char *
read_text(const char *dir, const char *name)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if ((fp = fopen(p, "rb")) == NULL)
		return NULL;
	fclose(fp);
	return t_slurp(p, NULL);
}

static bool
exists(const char *dir, const char *name)
{
	char p[512];
	struct stat sb;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &sb) == 0;
}

static const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double
jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -999;
}

static void
rm_dir(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("     could not remove %s\n", dir);
}

static void
test_whisper(void)
{
	struct fx f;
	struct record_run r;
	struct record_files files;
	char err[256], *text;
	cJSON *out, *run, *o;

	if (!T_OK(load(&f, "tests/fixtures/outputs/whisper.prediction.json",
	    "tests/fixtures/replicate/models/"
	    "model.list-item.openai__whisper.2025-01-15.json", "whisper") == 0))
		return;
	r = run_of(&f, NULL);
	r.target_kind = HISTORY_TARGET_REPLICATE;
	r.target = "https://api.replicate.com/v1";
	r.cost = 0.0123;
	T_EQ(record_classify(f.p.output_json, r.so), RECORD_OBJECT);
	text = record_text(f.p.output_json, r.so);
	T_OK(text != NULL && strncmp(text, "segments:\n  - id: 0\n    end: "
	    "18.6\n", 30) == 0);
	T_OK(text != NULL && strstr(text, "\ntranscription:  the little "
	    "tales they tell are false") != NULL);
	T_OK(text != NULL && strstr(text, "\ndetected_language: english") !=
	    NULL);
	T_OK(text != NULL && strstr(text, "\n    tokens: [50365, 264, 707, ")
	    != NULL);
	free(text);
	T_EQ(record_save(&r, &files, err, sizeof err), 0);
	T_OK(files.text_path != NULL && files.json_path != NULL &&
	    files.run_path != NULL);
	record_files_done(&files);
	text = read_text(f.dir, "output.txt");
	T_OK(text != NULL && strstr(text, "detected_language: english\n") !=
	    NULL);
	free(text);
	out = read_json(f.dir, "output.json");
	T_STREQ(jstr(out, "detected_language"), "english");
	T_OK(jstr(out, "transcription") != NULL);
	T_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(out, "segments")), 5);
	cJSON_Delete(out);
	run = read_json(f.dir, "run.json");
	T_EQ(jnum(run, "r8play_record"), 1);
	T_STREQ(jstr(run, "id"), "4bzv3trbxdeyon73ve6itzvycq");
	T_STREQ(jstr(run, "model"), "openai/whisper");
	T_OK(jstr(run, "version") != NULL &&
	    strlen(jstr(run, "version")) == 64);
	T_STREQ(jstr(run, "status"), "succeeded");
	T_STREQ(jstr(run, "created_at"), "2023-11-08T22:18:39.366570Z");
	T_STREQ(jstr(run, "completed_at"), "2023-11-08T22:20:03.016803Z");
	T_OK(jnum(run, "cost_estimate") == 0.0123);
	T_STREQ(jstr(run, "output_shape"), "object");
	o = cJSON_GetObjectItem(run, "target");
	T_STREQ(jstr(o, "kind"), "replicate");
	T_STREQ(jstr(o, "url"), "https://api.replicate.com/v1");
	o = cJSON_GetObjectItem(run, "input");
	T_STREQ(jstr(o, "model"), "large-v3");
	T_OK(jstr(o, "audio") != NULL);
	o = cJSON_GetObjectItem(run, "output");
	T_STREQ(jstr(o, "detected_language"), "english");
	T_OK(jnum(cJSON_GetObjectItem(run, "metrics"), "predict_time") > 0);
	T_EQ(jnum(run, "predict_time"),
	    jnum(cJSON_GetObjectItem(run, "metrics"), "predict_time"));
	cJSON_Delete(run);
	fx_done(&f);
}

static void
test_basemodel(void)
{
	static const char *const fields[] = { "api_key" };
	struct history_secrets sec = { fields, 1, NULL, 0 };
	struct fx f;
	struct record_run r;
	char err[256], *text, *b;
	cJSON *out, *run, *a;

	if (!T_OK(load(&f, "tests/fixtures/cog/schema-zoo/11-all.body",
	    "tests/fixtures/cog/schema-zoo/01-openapi.pretty.json",
	    "basemodel") == 0))
		return;
	save_data(&f);
	T_EQ(f.n_saved, 2);
	r = run_of(&f, &sec);
	T_EQ(record_classify(f.p.output_json, r.so), RECORD_OBJECT);
	T_EQ(record_save(&r, NULL, err, sizeof err), 0);
	text = read_text(f.dir, "output.txt");
	{
		char want[1024];

		snprintf(want, sizeof want, "text: zoo:slow\ncount: 50\n"
		    "files:\n  - %s\n  - %s\nscore: 0.25\n", f.saved[0],
		    f.saved[1]);
		T_STREQ(text, want);
	}
	free(text);
	/* the files inside the object were saved like top-level ones */
	b = t_slurp(f.saved[0], NULL);
	T_STREQ(b, "\nenil dnoces\ngoc olleh");
	free(b);
	b = t_slurp(f.saved[1], NULL);
	T_STREQ(b, "elif dnoces");
	free(b);
	out = read_json(f.dir, "output.json");
	T_STREQ(jstr(out, "text"), "zoo:slow");
	T_EQ(jnum(out, "count"), 50);
	T_OK(jnum(out, "score") == 0.25);
	a = cJSON_GetObjectItem(out, "files");
	T_EQ(cJSON_GetArraySize(a), 2);
	T_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(a, 0)), f.saved[0]);
	T_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(a, 1)), f.saved[1]);
	cJSON_Delete(out);
	run = read_json(f.dir, "run.json");
	T_STREQ(jstr(cJSON_GetObjectItem(run, "input"), "api_key"),
	    "<secret:api_key>");
	T_STREQ(jstr(cJSON_GetObjectItem(run, "input"), "name"), "zoo");
	T_OK(cJSON_IsNull(cJSON_GetObjectItem(run, "id")));
	T_OK(cJSON_IsNull(cJSON_GetObjectItem(run, "cost_estimate")));
	T_STREQ(jstr(cJSON_GetObjectItem(run, "target"), "kind"), "server");
	T_STREQ(jstr(cJSON_GetObjectItem(run, "output"), "text"), "zoo:slow");
	T_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(run, "output"), "files"), 1)), f.saved[1]);
	T_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(run, "files")), 2);
	cJSON_Delete(run);
	fx_done(&f);
}

static void
test_streams(void)
{
	struct fx f;
	struct record_run r;
	char err[256], *text;
	cJSON *out;

	/* Iterator[str] with concatenate: joined */
	if (T_OK(load(&f, "tests/fixtures/cog/text/10-sync-stream.body",
	    "tests/fixtures/cog/text/01-openapi.pretty.json", "text") == 0)) {
		r = run_of(&f, NULL);
		T_EQ(record_classify(f.p.output_json, r.so),
		    RECORD_TEXT_STREAM);
		T_EQ(record_save(&r, NULL, err, sizeof err), 0);
		text = read_text(f.dir, "output.txt");
		T_STREQ(text, "compose the about lazy wearing fox brown dog\n");
		free(text);
		out = read_json(f.dir, "output.json");
		T_EQ(cJSON_GetArraySize(out), 8);
		T_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(out, 1)),
		    " the");
		cJSON_Delete(out);
		out = read_json(f.dir, "run.json");
		T_STREQ(jstr(out, "output_shape"), "text-stream");
		T_STREQ(jstr(cJSON_GetObjectItem(out, "input"), "prompt"),
		    "hi");
		cJSON_Delete(out);
		fx_done(&f);
	}
	/* Iterator[str] without concatenate: one item a line */
	if (T_OK(load(&f, "tests/fixtures/cog/tokens/10-sync.body",
	    "tests/fixtures/cog/tokens/01-openapi.pretty.json",
	    "tokens") == 0)) {
		r = run_of(&f, NULL);
		T_EQ(record_classify(f.p.output_json, r.so), RECORD_STRINGS);
		T_EQ(record_save(&r, NULL, err, sizeof err), 0);
		text = read_text(f.dir, "output.txt");
		T_STREQ(text, "item-0\nitem-1\nitem-2\n");
		free(text);
		out = read_json(f.dir, "output.json");
		T_EQ(cJSON_GetArraySize(out), 3);
		cJSON_Delete(out);
		fx_done(&f);
	}
	/* no schema: strings are one a line (never glued) */
	T_EQ(record_classify("[\"a\",\"b\"]", NULL), RECORD_STRINGS);
	text = record_text("[\"a\",\"b\"]", NULL);
	T_STREQ(text, "a\nb");
	free(text);
}

static void
test_images_and_null(void)
{
	struct fx f;
	struct record_run r;
	char err[256], *b;
	cJSON *out, *run;
	size_t len;

	if (T_OK(load(&f, "tests/fixtures/cog/image/10-sync-basic.body",
	    "tests/fixtures/cog/image/05-openapi.pretty.json", "image") == 0)) {
		save_data(&f);
		T_EQ(f.n_saved, 2);
		r = run_of(&f, NULL);
		T_EQ(record_classify(f.p.output_json, r.so), RECORD_FILES);
		T_EQ(record_save(&r, NULL, err, sizeof err), 0);
		T_OK(!exists(f.dir, "output.txt"));
		out = read_json(f.dir, "output.json");
		T_EQ(cJSON_GetArraySize(out), 2);
		T_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(out, 0)),
		    f.saved[0]);
		cJSON_Delete(out);
		b = t_slurp(f.saved[1], &len);
		T_OK(b != NULL && len > 8 && memcmp(b, "\x89PNG", 4) == 0);
		free(b);
		run = read_json(f.dir, "run.json");
		T_STREQ(jstr(run, "output_shape"), "files");
		T_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(run, "files")), 2);
		T_STREQ(cJSON_GetStringValue(cJSON_GetArrayItem(
		    cJSON_GetObjectItem(run, "output"), 1)), f.saved[1]);
		T_EQ(jnum(cJSON_GetObjectItem(run, "input"), "seed"), 42);
		cJSON_Delete(run);
		fx_done(&f);
	}
	if (T_OK(load(&f, "tests/fixtures/cog/predict-error/10-sync-error.body",
	    NULL, "null") == 0)) {
		r = run_of(&f, NULL);
		T_EQ(record_classify(f.p.output_json, r.so), RECORD_NULL);
		T_EQ(record_save(&r, NULL, err, sizeof err), 0);
		T_OK(!exists(f.dir, "output.txt"));
		T_OK(!exists(f.dir, "output.json"));
		run = read_json(f.dir, "run.json");
		T_OK(cJSON_IsNull(cJSON_GetObjectItem(run, "output")));
		T_STREQ(jstr(run, "status"), "failed");
		T_OK(jstr(run, "error") != NULL);
		T_STREQ(jstr(run, "output_shape"), "null");
		cJSON_Delete(run);
		fx_done(&f);
	}
}

static void
test_text_forms(void)
{
	static const struct {
		const char *json, *text;
		enum record_shape shape;
	} cases[] = {
		{ "\"hello\\nworld\"", "hello\nworld", RECORD_STRING },
		{ "42", "42", RECORD_NUMBER },
		{ "0.5", "0.5", RECORD_NUMBER },
		{ "true", "true", RECORD_BOOL },
		{ "null", "null", RECORD_NULL },
		{ "\"https://x/y.png\"", "https://x/y.png", RECORD_FILE },
		{ "[\"data:image/png;base64,AA\",\"https://a/b\"]",
		  "data:image/png;base64,AA\nhttps://a/b", RECORD_FILES },
		{ "[1,[2,3],{}]", "- 1\n- [2, 3]\n- {}", RECORD_LIST },
		{ "[[\"a\"],[]]", "- - a\n- []", RECORD_LIST },
		{ "{\"v\":[0.5,true,null]}", "v: [0.5, true, null]",
		  RECORD_OBJECT },
		{ "{\"a\":\"x\\ny\",\"b\":{\"c\":[]}}",
		  "a:\n  x\n  y\nb:\n  c: []", RECORD_OBJECT },
		{ "{}", "{}", RECORD_OBJECT },
		/* numbers: the shortest text that reads back the same */
		{ "{\"p\":0.05907342955470085,\"r\":1.412280701754386,"
		  "\"t\":[50365,980,-7,0,1e20,2.5e-7]}",
		  "p: 0.05907342955470085\nr: 1.412280701754386\n"
		  "t: [50365, 980, -7, 0, 1e+20, 2.5e-07]", RECORD_OBJECT },
		{ "-0.1", "-0.1", RECORD_NUMBER },
	};
	size_t i;
	char *t, *l;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		T_EQ(record_classify(cases[i].json, NULL), cases[i].shape);
		t = record_text(cases[i].json, NULL);
		T_STREQ(t, cases[i].text);
		free(t);
	}
	T_EQ(record_classify(NULL, NULL), RECORD_NULL);
	T_STREQ(record_shape_name(RECORD_TEXT_STREAM), "text-stream");
	{
		const char *const saved[] = { "/o/a.png", "/o/b.txt" };

		l = record_localize("{\"x\":[\"https://h/a.png\",1],"
		    "\"y\":\"data:text/plain,hi\",\"z\":\"text\"}", saved, 2);
		T_STREQ(l, "{\"x\":[\"/o/a.png\",1],\"y\":\"/o/b.txt\","
		    "\"z\":\"text\"}");
		free(l);
		/* counts that do not match leave the value as it is */
		l = record_localize("[\"https://h/a.png\"]", saved, 2);
		T_STREQ(l, "[\"https://h/a.png\"]");
		free(l);
	}
	/* deep nesting is cut, never overflows */
	{
		char deep[400];
		size_t k;

		for (k = 0; k < 150; k++)
			deep[k] = '[';
		for (k = 150; k < 300; k++)
			deep[k] = ']';
		deep[300] = '\0';
		t = record_text(deep, NULL);
		T_OK(t != NULL && strstr(t, "...") != NULL);
		free(t);
	}
}

static void
test_history_hook(void)
{
	struct history *h;
	struct history_run got;
	struct fx f;
	struct record_run r;
	char err[256];
	long long id = 0;

	T_EQ(history_open(":memory:", &h, err, sizeof err), HISTORY_OK);
	if (!T_OK(load(&f, "tests/fixtures/cog/schema-zoo/11-all.body",
	    "tests/fixtures/cog/schema-zoo/01-openapi.pretty.json",
	    "hook") == 0)) {
		history_close(h);
		return;
	}
	save_data(&f);
	r = run_of(&f, NULL);
	r.model = "local/zoo";
	T_EQ(record_history(h, &r, &id, err, sizeof err), HISTORY_OK);
	T_OK(id > 0);
	T_EQ(record_history(h, &r, &id, err, sizeof err), HISTORY_OK);
	T_EQ(history_get(h, id, &got, err, sizeof err), HISTORY_OK);
	T_STREQ(got.model, "local/zoo");
	T_STREQ(got.status, "succeeded");
	T_STREQ(got.target, "http://127.0.0.1:5000");
	T_OK(got.output_json != NULL && strstr(got.output_json, f.saved[0])
	    != NULL && strstr(got.output_json, "data:") == NULL);
	T_OK(got.saved_json != NULL && strstr(got.saved_json, f.saved[1]) !=
	    NULL);
	T_STREQ(got.metrics_json, "{\"predict_time\":0.005328}");
	T_STREQ(got.output_dir, f.dir);
	history_run_done(&got);
	T_EQ(record_history(NULL, &r, &id, err, sizeof err), HISTORY_OK);
	fx_done(&f);
	history_close(h);
}

static void
test_paths(void)
{
	char **v;
	size_t n;

	T_EQ(record_paths("[\"a/out-0.png\",3,\"\",\"b c.txt\"]", &v, &n), 0);
	T_EQ(n, 2);
	T_STREQ(v[0], "a/out-0.png");
	T_STREQ(v[1], "b c.txt");
	record_paths_free(v, n);
	T_EQ(record_paths(NULL, &v, &n), 0);
	T_OK(v == NULL && n == 0);
	T_EQ(record_paths("[]", &v, &n), 0);
	T_OK(v == NULL && n == 0);
	T_EQ(record_paths("{\"a\":1}", &v, &n), -1);
	T_EQ(record_paths("[\"x\"", &v, &n), -1);
	T_OK(v == NULL && n == 0);
}

int
main(void)
{
	strcpy(tmp, "/tmp/r8play-record-XXXXXX");
	if (mkdtemp(tmp) == NULL)
		return 1;
	test_text_forms();
	test_whisper();
	test_basemodel();
	test_streams();
	test_images_and_null();
	test_history_hook();
	test_paths();
	rm_dir(tmp);
	return T_SUMMARY();
}
