/*
 * tests/unit/t_client_schema.c: every recorded schema (Cog predictors'
 * /openapi.json, the 12 model objects, model/version GETs, the models page,
 * the collection, the search page) parses to the expected fields; synthetic
 * documents cover $ref cycles, depth, unions, bounds forms and errors; the
 * version diff between the recorded sdxl versions.
 */
#include "t.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "client/forms/schema.h"
#include "client/forms/schema_diff.h"
#include "tests/unit/tfile.h"

#define FIX "tests/fixtures/"


static int
parse_file(const char *path, struct schema *s, char *err, size_t errsz)
{
	size_t len = 0;
	char *buf = t_slurp(path, &len);
	int rc;

	if (buf == NULL) {
		memset(s, 0, sizeof *s);
		snprintf(err, errsz, "cannot read");
		return -1;
	}
	rc = schema_parse(buf, len, s, err, errsz);
	free(buf);
	return rc;
}

static int
parse_str(const char *json, struct schema *s, char *err, size_t errsz)
{
	return schema_parse(json, strlen(json), s, err, errsz);
}

static const struct schema_field *
field(const struct schema *s, const char *name)
{
	int i = schema_find(s, name);

	if (i < 0) {
		printf("FAIL no field %s\n", name);
		return NULL;
	}
	return &s->fields[i];
}

static void
test_cog_image(void)
{
	struct schema s;
	const struct schema_field *f;
	char err[256];
	static const char *const order[] = { "prompt", "negative_prompt",
	    "width", "height", "num_outputs", "scheduler", "guidance_scale",
	    "num_inference_steps", "seed", "image", "disable_safety_checker" };
	size_t i;

	T_EQ(parse_file(FIX "cog/image/05-openapi.body", &s, err, sizeof err),
	    0);
	T_EQ(s.source, SCHEMA_SRC_OPENAPI);
	T_EQ(s.nfields, 11);
	for (i = 0; i < 11 && i < s.nfields; i++)
		T_STREQ(s.fields[i].name, order[i]);
	f = field(&s, "prompt");
	T_OK(f && f->kind == SCHEMA_KIND_TEXT && f->required &&
	    !f->has_default);
	T_STREQ(f ? f->title : NULL, "Prompt");
	T_STREQ(f ? f->description : NULL, "Input prompt");
	f = field(&s, "width");
	T_OK(f && f->kind == SCHEMA_KIND_INTEGER && f->has_min && f->has_max);
	T_OK(f && f->minimum == 64 && f->maximum == 1024 && !f->min_exclusive);
	T_STREQ(f ? f->default_json : NULL, "512");
	T_STREQ(f ? f->default_text : NULL, "512");
	T_OK(f && f->default_number == 512);
	f = field(&s, "scheduler");
	T_OK(f && f->kind == SCHEMA_KIND_ENUM &&
	    f->value_type == SCHEMA_KIND_STRING && f->nchoices == 5);
	T_STREQ(f && f->nchoices ? f->choices[0].text : NULL, "DDIM");
	T_STREQ(f && f->nchoices ? f->choices[0].json : NULL, "\"DDIM\"");
	T_STREQ(f ? f->default_text : NULL, "K_EULER");
	/* the property's description, not the component's */
	T_STREQ(f ? f->description : NULL, "Scheduler");
	f = field(&s, "guidance_scale");
	T_OK(f && f->kind == SCHEMA_KIND_NUMBER && f->minimum == 1 &&
	    f->maximum == 20 && f->default_number == 7.5);
	f = field(&s, "seed");
	T_OK(f && f->kind == SCHEMA_KIND_INTEGER && !f->required &&
	    !f->has_default && !f->nullable);
	f = field(&s, "image");
	T_OK(f && f->kind == SCHEMA_KIND_FILE && f->nullable && !f->required);
	f = field(&s, "disable_safety_checker");
	T_OK(f && f->kind == SCHEMA_KIND_BOOLEAN && f->has_default &&
	    !f->default_bool);
	f = field(&s, "negative_prompt");
	T_OK(f && f->kind == SCHEMA_KIND_TEXT && f->has_default);
	T_STREQ(f ? f->default_text : NULL, "");
	T_EQ(s.output.kind, SCHEMA_OUT_FILES);
	T_EQ(s.output.item_kind, SCHEMA_OUT_FILE);
	T_OK(!s.output.iterator);
	schema_done(&s);
}

static void
test_cog_zoo(void)
{
	struct schema s;
	const struct schema_field *f;
	char err[256];

	T_EQ(parse_file(FIX "cog/schema-zoo/01-openapi.body", &s, err,
	    sizeof err), 0);
	T_EQ(s.nfields, 8);
	f = field(&s, "mode");
	T_OK(f && f->kind == SCHEMA_KIND_ENUM && f->nchoices == 2 &&
	    f->value_type == SCHEMA_KIND_STRING);
	T_STREQ(f && f->nchoices > 1 ? f->choices[1].text : NULL, "slow");
	f = field(&s, "steps");
	T_OK(f && f->kind == SCHEMA_KIND_ENUM && f->nchoices == 3 &&
	    f->value_type == SCHEMA_KIND_INTEGER);
	T_STREQ(f && f->nchoices ? f->choices[0].json : NULL, "10");
	T_STREQ(f && f->nchoices > 2 ? f->choices[2].text : NULL, "50");
	T_STREQ(f ? f->default_json : NULL, "20");
	f = field(&s, "name");
	T_OK(f && f->kind == SCHEMA_KIND_STRING && f->min_length == 2 &&
	    f->max_length == 12);
	T_STREQ(f ? f->pattern : NULL, "^[a-z]+$");
	f = field(&s, "api_key");
	T_OK(f && f->kind == SCHEMA_KIND_SECRET && !f->required &&
	    !f->has_default);
	f = field(&s, "files");
	T_OK(f && f->kind == SCHEMA_KIND_ARRAY &&
	    f->item_kind == SCHEMA_KIND_FILE);
	f = field(&s, "note");
	T_OK(f && f->kind == SCHEMA_KIND_STRING && f->nullable);
	f = field(&s, "old_flag");
	T_OK(f && f->kind == SCHEMA_KIND_BOOLEAN && f->deprecated);
	f = field(&s, "ratio");
	T_OK(f && f->kind == SCHEMA_KIND_NUMBER && f->minimum == 0 &&
	    f->maximum == 1);
	T_EQ(s.output.kind, SCHEMA_OUT_OBJECT);
	T_EQ(s.output.nfields, 4);
	if (s.output.nfields == 4) {
		T_STREQ(s.output.fields[0].name, "text");
		T_EQ(s.output.fields[0].kind, SCHEMA_OUT_STRING);
		T_OK(s.output.fields[0].required);
		T_EQ(s.output.fields[1].kind, SCHEMA_OUT_INTEGER);
		T_EQ(s.output.fields[2].kind, SCHEMA_OUT_FILES);
		T_EQ(s.output.fields[3].kind, SCHEMA_OUT_NUMBER);
		T_OK(!s.output.fields[3].required);
	}
	schema_done(&s);
}

static void
test_cog_outputs(void)
{
	static const struct {
		const char *path;
		size_t nfields;
		enum schema_out_kind kind;
		enum schema_out_kind item;
	} cases[] = {
		{ "cog/text/01-openapi.body", 5, SCHEMA_OUT_TEXT_STREAM,
		    SCHEMA_OUT_STRING },
		{ "cog/tokens/01-openapi.body", 2, SCHEMA_OUT_ITERATOR,
		    SCHEMA_OUT_STRING },
		{ "cog/file/01-openapi.body", 2, SCHEMA_OUT_FILE,
		    SCHEMA_OUT_JSON },
		{ "cog/predict-error/01-openapi.body", 2, SCHEMA_OUT_STRING,
		    SCHEMA_OUT_JSON },
		{ "cog/async-concurrent/01-openapi.body", 2,
		    SCHEMA_OUT_TEXT_STREAM, SCHEMA_OUT_STRING },
		{ "cog/setup-fails/02-openapi-while-starting.body", 1,
		    SCHEMA_OUT_STRING, SCHEMA_OUT_JSON },
		{ "cog/cog-0.16.12-shim/06-openapi.body", 1, SCHEMA_OUT_STRING,
		    SCHEMA_OUT_JSON },
		{ "cog/cog-0.16.12-shim/10-image-openapi-0.16.12.json", 11,
		    SCHEMA_OUT_FILES, SCHEMA_OUT_FILE },
	};
	char path[256], err[256];
	struct schema s;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(path, sizeof path, FIX "%s", cases[i].path);
		T_EQ(parse_file(path, &s, err, sizeof err), 0);
		T_EQ(s.nfields, cases[i].nfields);
		T_EQ(s.output.kind, cases[i].kind);
		T_EQ(s.output.item_kind, cases[i].item);
		if (cases[i].kind == SCHEMA_OUT_TEXT_STREAM)
			T_OK(s.output.iterator && s.output.concatenate);
		if (cases[i].kind == SCHEMA_OUT_ITERATOR)
			T_OK(s.output.iterator && !s.output.concatenate);
		schema_done(&s);
	}
	/* text: max_tokens 1..4096, temperature 0..5 */
	T_EQ(parse_file(FIX "cog/text/01-openapi.body", &s, err, sizeof err),
	    0);
	T_OK(s.nfields == 5 && s.fields[2].kind == SCHEMA_KIND_INTEGER &&
	    s.fields[2].maximum == 4096 && s.fields[3].maximum == 5);
	T_OK(s.nfields == 5 && s.fields[0].required &&
	    s.fields[1].kind == SCHEMA_KIND_TEXT);
	schema_done(&s);
	T_EQ(parse_file(FIX "cog/file/01-openapi.body", &s, err, sizeof err),
	    0);
	T_OK(s.nfields == 2 && s.fields[0].kind == SCHEMA_KIND_FILE &&
	    s.fields[0].required && s.fields[1].kind == SCHEMA_KIND_ENUM &&
	    s.fields[1].nchoices == 4);
	schema_done(&s);
}

static void
test_models(void)
{
	struct schema s;
	const struct schema_field *f;
	char err[256];

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "black-forest-labs__flux-1.1-pro.2025-01-15.json", &s, err,
	    sizeof err), 0);
	T_EQ(s.source, SCHEMA_SRC_MODEL);
	T_STREQ(s.model, "black-forest-labs/flux-1.1-pro");
	T_STREQ(s.version, "badb73d13c01c716f59b538fae81023a6c0a4f3aaedd00d477"
	    "602c204c9e1232");
	T_OK(s.example_json != NULL && strstr(s.example_json,
	    "\"prompt_upsampling\":true") != NULL);
	T_EQ(s.nfields, 10);
	f = field(&s, "width");
	T_OK(f && f->kind == SCHEMA_KIND_INTEGER && f->minimum == 256 &&
	    f->maximum == 1440 && !f->has_default);
	f = field(&s, "aspect_ratio");
	T_OK(f && f->kind == SCHEMA_KIND_ENUM && f->nchoices == 10);
	T_STREQ(f && f->nchoices ? f->choices[0].text : NULL, "custom");
	f = field(&s, "image_prompt");
	T_OK(f && f->kind == SCHEMA_KIND_FILE);
	T_EQ(s.output.kind, SCHEMA_OUT_FILE);
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "lucataco__musubi-tuner.2025-01-15.json", &s, err, sizeof err), 0);
	f = field(&s, "hf_token");
	T_OK(f && f->kind == SCHEMA_KIND_SECRET && f->has_default);
	f = field(&s, "learning_rate");
	T_OK(f && f->minimum == 1e-05 && f->maximum == 1);
	f = field(&s, "input_videos");
	T_OK(f && f->kind == SCHEMA_KIND_FILE && f->required);
	T_STREQ(s.nfields ? s.fields[s.nfields - 1].name : NULL, "hf_token");
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "lucataco__video-merge.2025-01-15.json", &s, err, sizeof err), 0);
	f = field(&s, "video_files");
	T_OK(f && f->kind == SCHEMA_KIND_ARRAY &&
	    f->item_kind == SCHEMA_KIND_FILE && f->required);
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "yorickvp__jina-embeddings-v2-base-en.2025-01-15.json", &s, err,
	    sizeof err), 0);
	f = field(&s, "text");
	T_OK(f && f->kind == SCHEMA_KIND_UNION && f->nbranches == 2);
	T_OK(f && f->nbranches == 2 &&
	    f->branches[0].kind == SCHEMA_KIND_STRING &&
	    f->branches[1].kind == SCHEMA_KIND_ARRAY &&
	    f->branches[1].item_kind == SCHEMA_KIND_STRING && f->required);
	T_EQ(s.output.kind, SCHEMA_OUT_ARRAY);
	T_EQ(s.output.item_kind, SCHEMA_OUT_OBJECT);
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "openai__whisper.2025-01-15.json", &s, err, sizeof err), 0);
	f = field(&s, "language");
	T_OK(f && f->kind == SCHEMA_KIND_ENUM && f->nchoices > 100);
	T_STREQ(f && f->nchoices ? f->choices[0].text : NULL, "auto");
	f = field(&s, "patience");
	T_OK(f && f->kind == SCHEMA_KIND_NUMBER && !f->has_default);
	T_EQ(s.output.kind, SCHEMA_OUT_OBJECT);
	T_EQ(s.output.nfields, 6);
	if (s.output.nfields == 6) {
		T_STREQ(s.output.fields[0].name, "segments");
		T_EQ(s.output.fields[0].kind, SCHEMA_OUT_JSON);
		T_EQ(s.output.fields[1].kind, SCHEMA_OUT_FILE);
	}
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "cuuupid__marker.2025-01-15.json", &s, err, sizeof err), 0);
	T_EQ(s.output.kind, SCHEMA_OUT_OBJECT);	/* $ref ModelOutput */
	T_EQ(s.output.nfields, 2);
	T_OK(s.output.nfields == 2 && s.output.fields[0].kind ==
	    SCHEMA_OUT_FILE && s.output.fields[1].kind == SCHEMA_OUT_STRING);
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "firtoz__trellis.2025-01-15.json", &s, err, sizeof err), 0);
	T_EQ(s.nfields, 14);
	T_EQ(s.output.kind, SCHEMA_OUT_OBJECT);	/* $ref PredictOutput */
	f = field(&s, "mesh_simplify");
	T_OK(f && f->minimum == 0.9 && f->maximum == 0.98 &&
	    f->default_number == 0.95);
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "meta__meta-llama-3-8b-instruct.2025-01-15.json", &s, err,
	    sizeof err), 0);
	T_EQ(s.output.kind, SCHEMA_OUT_TEXT_STREAM);
	f = field(&s, "prompt_template");
	T_OK(f && f->kind == SCHEMA_KIND_TEXT);
	T_STREQ(f ? f->default_text : NULL, "{prompt}");
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "black-forest-labs__flux-schnell.2025-01-15.json", &s, err,
	    sizeof err), 0);
	f = field(&s, "megapixels");
	T_OK(f && f->kind == SCHEMA_KIND_ENUM && f->nchoices == 2);
	T_STREQ(f && f->nchoices > 1 ? f->choices[1].json : NULL, "\"0.25\"");
	T_EQ(s.output.kind, SCHEMA_OUT_FILES);
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "nightmareai__real-esrgan.2025-01-15.json", &s, err, sizeof err),
	    0);
	f = field(&s, "scale");
	T_STREQ(f ? f->default_text : NULL, "4");
	T_STREQ(f ? f->default_json : NULL, "4");
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/models/model.list-item."
	    "bytedance__sdxl-lightning-4step.2025-01-15.json", &s, err,
	    sizeof err), 0);
	f = field(&s, "scheduler");
	T_OK(f && f->nchoices == 8);
	schema_done(&s);
}

static void
test_responses(void)
{
	struct schema s;
	const struct schema_field *f;
	char err[256];

	T_EQ(parse_file(FIX "replicate/responses/model.get.mattt__empty."
	    "2023-11-16.json", &s, err, sizeof err), -1);
	T_OK(strstr(err, "no versions") != NULL);
	T_OK(s.fields == NULL && s.nfields == 0);

	T_EQ(parse_file(FIX "replicate/responses/version.get.stability-ai__"
	    "sdxl__39ed52f2.2023-08-28.json", &s, err, sizeof err), 0);
	T_EQ(s.source, SCHEMA_SRC_VERSION);
	T_EQ(s.nfields, 17);
	T_STREQ(s.cog_version, "0.8.5");
	T_OK(s.version != NULL && strncmp(s.version, "39ed52f2", 8) == 0);
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/responses/model.get.meta__llama-2-70b-"
	    "chat.2023-10-29.json", &s, err, sizeof err), 0);
	f = field(&s, "max_new_tokens");
	T_OK(f && f->has_min && !f->has_max && f->minimum == 1);
	f = field(&s, "min_new_tokens");
	T_OK(f && f->minimum == -1 && f->default_number == -1);
	T_EQ(s.output.kind, SCHEMA_OUT_TEXT_STREAM);
	schema_done(&s);

	T_EQ(parse_file(FIX "replicate/responses/models.list.page1."
	    "2023-11-16.json", &s, err, sizeof err), -1);
	T_OK(strstr(err, "list of 25 models") != NULL);
}

/* Every model of a page/collection parses; returns how many did. */
static int
each_model(const char *path, const char *key, int *nfields_total,
    struct schema *pick, const char *pick_name)
{
	size_t len = 0;
	char *buf = t_slurp(path, &len), err[256];
	cJSON *root, *m;
	int ok = 0;

	*nfields_total = 0;
	if (buf == NULL)
		return -1;
	root = cJSON_Parse(buf);
	free(buf);
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(root, key)) {
		char *one = cJSON_PrintUnformatted(m);
		struct schema s;

		if (schema_parse(one, strlen(one), &s, err, sizeof err) == 0) {
			ok++;
			*nfields_total += (int)s.nfields;
			if (pick != NULL && s.model != NULL &&
			    strcmp(s.model, pick_name) == 0) {
				*pick = s;
				memset(&s, 0, sizeof s);
			}
			schema_done(&s);
		} else
			printf("     %s: %s\n", path, err);
		free(one);
	}
	cJSON_Delete(root);
	return ok;
}

static void
test_pages(void)
{
	struct schema s;
	const struct schema_field *f;
	int total;

	memset(&s, 0, sizeof s);
	T_EQ(each_model(FIX "replicate/responses/models.list.page1.2023-11-16"
	    ".json", "results", &total, &s, "fofr/latent-consistency-model"),
	    25);
	T_OK(total > 300);
	T_EQ(s.nfields, 18);
	/* old Cog "ge"/"le" bounds */
	f = schema_find(&s, "guidance_scale") >= 0 ? field(&s,
	    "guidance_scale") : NULL;
	T_OK(f && f->has_min && f->has_max && f->minimum == 1 &&
	    f->maximum == 20);
	schema_done(&s);

	T_EQ(each_model(FIX "replicate/responses/collections.get.text-to-image"
	    ".2023-11-16.json", "models", &total, &s, "nightmareai/"
	    "disco-diffusion"), 38);
	T_EQ(s.nfields, 43);
	schema_done(&s);
	/* trimmed schema (components only) and an integer enum of strings */
	T_EQ(each_model(FIX "replicate/responses/collections.get.text-to-image"
	    ".2023-11-16.json", "models", &total, &s, "huiyegit/t2i_cl"), 38);
	T_EQ(s.nfields, 1);
	T_EQ(s.output.kind, SCHEMA_OUT_ARRAY);
	T_EQ(s.output.item_kind, SCHEMA_OUT_OBJECT);
	schema_done(&s);
	T_EQ(each_model(FIX "replicate/responses/collections.get.text-to-image"
	    ".2023-11-16.json", "models", &total, &s, "laion-ai/erlich"), 38);
	T_EQ(s.output.kind, SCHEMA_OUT_ITERATOR);	/* of file lists */
	T_EQ(s.output.item_kind, SCHEMA_OUT_FILES);
	schema_done(&s);

	T_EQ(each_model(FIX "replicate/responses/models.search.QUERY-llama."
	    "2024-07-19.json", "results", &total, &s,
	    "andreasjansson/llama-2-13b-embeddings"), 25);
	T_EQ(s.output.kind, SCHEMA_OUT_ARRAY);
	T_EQ(s.output.item_kind, SCHEMA_OUT_ARRAY);
	schema_done(&s);
}

static void
test_int_enum_strings(void)
{
	/* collection: model_size {"enum":["512","256"],"type":"integer"} */
	struct schema s;
	char err[256];
	const char *doc = "{\"components\":{\"schemas\":{\"Input\":{"
	    "\"properties\":{\"model_size\":{\"enum\":[\"512\",\"256\"],"
	    "\"type\":\"integer\",\"default\":512,\"x-order\":4}}}}}}";

	T_EQ(parse_str(doc, &s, err, sizeof err), 0);
	T_OK(s.nfields == 1 && s.fields[0].kind == SCHEMA_KIND_ENUM &&
	    s.fields[0].value_type == SCHEMA_KIND_INTEGER &&
	    s.fields[0].nchoices == 2);
	T_STREQ(s.nfields ? s.fields[0].choices[1].json : NULL, "256");
	T_STREQ(s.nfields ? s.fields[0].default_text : NULL, "512");
	schema_done(&s);
}

#define DOC(props)							\
	"{\"openapi\":\"3.0.2\",\"components\":{\"schemas\":{"		\
	"\"Input\":{\"type\":\"object\",\"properties\":{" props "}},"	\
	"\"A\":{\"$ref\":\"#/components/schemas/B\"},"			\
	"\"B\":{\"allOf\":[{\"$ref\":\"#/components/schemas/A\"}]},"	\
	"\"E\":{\"enum\":[\"x\",\"y\"],\"type\":\"string\"},"		\
	"\"Obj\":{\"type\":\"object\",\"properties\":{\"u\":{\"type\":"	\
	"\"string\",\"format\":\"uri\"}}},"				\
	"\"Output\":{\"$ref\":\"#/components/schemas/Obj\"}}}}"

static void
test_synthetic(void)
{
	struct schema s;
	const struct schema_field *f;
	char err[256], deep[4096];
	size_t i, u;

	T_EQ(parse_str(DOC(
	    "\"cyc\":{\"$ref\":\"#/components/schemas/A\",\"x-order\":0},"
	    "\"unres\":{\"$ref\":\"#/components/schemas/Nope\",\"x-order\":1},"
	    "\"opt\":{\"anyOf\":[{\"type\":\"integer\",\"minimum\":1},"
	    "{\"type\":\"null\"}],\"x-order\":2},"
	    "\"ex30\":{\"type\":\"number\",\"minimum\":0,"
	    "\"exclusiveMinimum\":true,\"maximum\":1,\"exclusiveMaximum\":true,"
	    "\"x-order\":3},"
	    "\"ex31\":{\"type\":\"number\",\"exclusiveMinimum\":0,"
	    "\"exclusiveMaximum\":10,\"multipleOf\":0.5,\"x-order\":4},"
	    "\"t31\":{\"type\":[\"string\",\"null\"],\"x-order\":5},"
	    "\"u8\":{\"type\":\"integer\",\"format\":\"uint8\",\"x-order\":6},"
	    "\"benum\":{\"type\":\"boolean\",\"enum\":[true,false],"
	    "\"x-order\":7},"
	    "\"nenum\":{\"type\":\"number\",\"enum\":[0.5,1.5],\"x-order\":8},"
	    "\"aenum\":{\"type\":\"array\",\"items\":{\"allOf\":[{\"$ref\":"
	    "\"#/components/schemas/E\"}]},\"x-order\":9},"
	    "\"obj\":{\"type\":\"object\",\"x-order\":10},"
	    "\"aobj\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},"
	    "\"x-order\":11},"
	    "\"notype\":{\"title\":\"Nothing\",\"x-order\":12},"
	    "\"zz\":{\"type\":\"string\"},"
	    "\"aa\":{\"type\":\"string\"},"
	    "\"tie_b\":{\"type\":\"string\",\"x-order\":13},"
	    "\"tie_a\":{\"type\":\"string\",\"x-order\":13},"
	    "\"const1\":{\"const\":\"only\",\"x-order\":14},"
	    "\"one\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}],"
	    "\"x-order\":15}"), &s, err, sizeof err), 0);
	T_EQ(s.nfields, 19);
	f = field(&s, "cyc");
	T_OK(f && f->kind == SCHEMA_KIND_JSON && f->note &&
	    strstr(f->note, "recursive") != NULL);
	f = field(&s, "unres");
	T_OK(f && f->kind == SCHEMA_KIND_JSON && f->note &&
	    strstr(f->note, "#/components/schemas/Nope") != NULL);
	f = field(&s, "opt");
	T_OK(f && f->kind == SCHEMA_KIND_INTEGER && f->nullable &&
	    f->has_min && f->minimum == 1);
	f = field(&s, "ex30");
	T_OK(f && f->min_exclusive && f->max_exclusive && f->minimum == 0 &&
	    f->maximum == 1);
	f = field(&s, "ex31");
	T_OK(f && f->has_min && f->min_exclusive && f->minimum == 0 &&
	    f->max_exclusive && f->maximum == 10 && f->has_multiple_of &&
	    f->multiple_of == 0.5);
	f = field(&s, "t31");
	T_OK(f && f->kind == SCHEMA_KIND_STRING && f->nullable);
	f = field(&s, "u8");
	T_OK(f && f->has_min && f->has_max && f->minimum == 0 &&
	    f->maximum == 255);
	T_STREQ(f ? f->format : NULL, "uint8");
	f = field(&s, "benum");
	T_OK(f && f->kind == SCHEMA_KIND_ENUM &&
	    f->value_type == SCHEMA_KIND_BOOLEAN && f->nchoices == 2);
	T_STREQ(f && f->nchoices ? f->choices[0].json : NULL, "true");
	f = field(&s, "nenum");
	T_OK(f && f->value_type == SCHEMA_KIND_NUMBER && f->nchoices == 2);
	T_STREQ(f && f->nchoices > 1 ? f->choices[1].text : NULL, "1.5");
	f = field(&s, "aenum");
	T_OK(f && f->kind == SCHEMA_KIND_ARRAY && f->nchoices == 2 &&
	    f->item_kind == SCHEMA_KIND_STRING);
	f = field(&s, "obj");
	T_OK(f && f->kind == SCHEMA_KIND_JSON && f->note != NULL);
	f = field(&s, "aobj");
	T_OK(f && f->kind == SCHEMA_KIND_JSON && f->note != NULL);
	f = field(&s, "notype");
	T_OK(f && f->kind == SCHEMA_KIND_JSON && f->note &&
	    strstr(f->note, "no type") != NULL);
	T_STREQ(f ? f->title : NULL, "Nothing");
	f = field(&s, "const1");
	T_OK(f && f->kind == SCHEMA_KIND_ENUM && f->nchoices == 1);
	f = field(&s, "one");
	T_OK(f && f->kind == SCHEMA_KIND_UNION && f->nbranches == 2 &&
	    f->branches[0].kind == SCHEMA_KIND_INTEGER);
	/* order: x-order, ties by name, unordered last by name */
	T_STREQ(s.nfields == 19 ? s.fields[13].name : NULL, "tie_a");
	T_STREQ(s.nfields == 19 ? s.fields[14].name : NULL, "tie_b");
	T_STREQ(s.nfields == 19 ? s.fields[17].name : NULL, "aa");
	T_STREQ(s.nfields == 19 ? s.fields[18].name : NULL, "zz");
	T_EQ(s.output.kind, SCHEMA_OUT_OBJECT);
	T_OK(s.output.nfields == 1 && s.output.fields[0].kind ==
	    SCHEMA_OUT_FILE);
	schema_done(&s);

	/* allOf nested past the depth limit: a JSON field, not a crash */
	u = (size_t)snprintf(deep, sizeof deep, "{\"components\":{\"schemas\":"
	    "{\"Input\":{\"properties\":{\"d\":");
	for (i = 0; i < 60; i++)
		u += (size_t)snprintf(deep + u, sizeof deep - u,
		    "{\"allOf\":[");
	u += (size_t)snprintf(deep + u, sizeof deep - u,
	    "{\"type\":\"integer\"}");
	for (i = 0; i < 60; i++)
		u += (size_t)snprintf(deep + u, sizeof deep - u, "]}");
	snprintf(deep + u, sizeof deep - u, "}}}}}");
	T_EQ(parse_str(deep, &s, err, sizeof err), 0);
	T_OK(s.nfields == 1 && s.fields[0].kind == SCHEMA_KIND_JSON &&
	    s.fields[0].note && strstr(s.fields[0].note, "deep") != NULL);
	schema_done(&s);

	/* an enum that turns non-scalar half way: JSON, nothing leaked */
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{"
	    "\"properties\":{\"e\":{\"enum\":[\"a\",1,{\"x\":1}]},"
	    "\"ae\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",[1]]}}}}}}}",
	    &s, err, sizeof err), 0);
	T_OK(s.nfields == 2 && s.fields[0].kind == SCHEMA_KIND_JSON &&
	    s.fields[0].nchoices == 0 && s.fields[1].kind == SCHEMA_KIND_JSON &&
	    s.fields[1].nchoices == 0);
	schema_done(&s);

	/* Input itself behind a $ref; Output absent */
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{\"$ref\":"
	    "\"#/components/schemas/R\"},\"R\":{\"required\":[\"p\"],"
	    "\"properties\":{\"p\":{\"type\":\"string\"}}}}}}", &s, err,
	    sizeof err), 0);
	T_OK(s.nfields == 1 && s.fields[0].required && !s.has_output &&
	    s.output.kind == SCHEMA_OUT_JSON);
	schema_done(&s);

	/* an Input with no properties: a form with no fields */
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{\"type\":"
	    "\"object\"}}}}", &s, err, sizeof err), 0);
	T_EQ(s.nfields, 0);
	schema_done(&s);
}

static void
test_errors(void)
{
	struct schema s;
	char err[256];

	T_EQ(schema_parse(NULL, 0, &s, err, sizeof err), -1);
	T_OK(strstr(err, "empty") != NULL);
	T_EQ(parse_str("{\"components\": {\"schemas\": ", &s, err,
	    sizeof err), -1);
	T_OK(strstr(err, "malformed JSON at byte") != NULL);
	T_EQ(parse_str("{\"a\":1} x", &s, err, sizeof err), -1);
	T_OK(strstr(err, "trailing data at byte 8") != NULL);
	T_EQ(parse_str("[1,2]", &s, err, sizeof err), -1);
	T_OK(strstr(err, "not a JSON object") != NULL);
	T_EQ(parse_str("{\"hello\":1}", &s, err, sizeof err), -1);
	T_OK(strncmp(err, "not a schema", 12) == 0);
	T_EQ(parse_str("{\"components\":{\"schemas\":{}}}", &s, err,
	    sizeof err), -1);
	T_OK(strstr(err, "components.schemas.Input") != NULL);
	T_EQ(parse_str("{\"openapi_schema\":{\"x\":1},\"id\":\"v\"}", &s, err,
	    sizeof err), -1);
	T_EQ(parse_str("{\"owner\":\"o\",\"name\":\"n\",\"latest_version\":"
	    "{\"id\":\"v\"}}", &s, err, sizeof err), -1);
	T_OK(strstr(err, "openapi_schema") != NULL);
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{"
	    "\"properties\":[1]}}}}", &s, err, sizeof err), -1);
	T_OK(s.nfields == 0 && s.fields == NULL);
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{"
	    "\"properties\":{\"a\":7}}}}}", &s, err, sizeof err), 0);
	T_OK(s.nfields == 1 && s.fields[0].kind == SCHEMA_KIND_JSON);
	schema_done(&s);
	schema_done(&s);	/* twice is fine */
	schema_free(NULL);
	T_OK(schema_new("{", 1, err, sizeof err) == NULL);
}

static void
test_many_fields(void)
{
	size_t cap = 64 * (SCHEMA_MAX_FIELDS + 2), u, i;
	char *doc = malloc(cap), err[256];
	struct schema s;

	u = (size_t)snprintf(doc, cap, "{\"components\":{\"schemas\":{\"Input\""
	    ":{\"properties\":{");
	for (i = 0; i < SCHEMA_MAX_FIELDS + 1; i++)
		u += (size_t)snprintf(doc + u, cap - u, "%s\"f%zu\":{\"type\":"
		    "\"integer\"}", i ? "," : "", i);
	snprintf(doc + u, cap - u, "}}}}}");
	T_EQ(parse_str(doc, &s, err, sizeof err), -1);
	T_OK(strstr(err, "limit") != NULL);
	free(doc);
}

static const struct schema_change *
change(const struct schema_diff *d, enum schema_change_kind k,
    const char *fieldname)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->changes[i].kind == k && ((fieldname == NULL &&
		    d->changes[i].field == NULL) || (fieldname != NULL &&
		    d->changes[i].field != NULL &&
		    strcmp(d->changes[i].field, fieldname) == 0)))
			return &d->changes[i];
	return NULL;
}

static void
test_diff(void)
{
	struct schema a, b, x, y;
	struct schema_diff d;
	const struct schema_change *c;
	char err[256];

	T_EQ(parse_file(FIX "replicate/responses/version.get.stability-ai__"
	    "sdxl__39ed52f2.2023-08-28.json", &a, err, sizeof err), 0);
	T_EQ(parse_file(FIX "replicate/responses/version.get.stability-ai__"
	    "sdxl__7762fd07.2024-10-04.json", &b, err, sizeof err), 0);
	T_EQ(schema_diff(&a, &b, &d, err, sizeof err), 2);
	c = change(&d, SCHEMA_CHANGE_ADDED, "replicate_weights");
	T_OK(c != NULL && c->after && strcmp(c->after, "string") == 0);
	c = change(&d, SCHEMA_CHANGE_ADDED, "disable_safety_checker");
	T_OK(c != NULL && strstr(c->text, "default false") != NULL);
	schema_diff_done(&d);
	/* and back: the same two, removed */
	T_EQ(schema_diff(&b, &a, &d, err, sizeof err), 2);
	T_OK(change(&d, SCHEMA_CHANGE_REMOVED, "replicate_weights") != NULL);
	schema_diff_done(&d);
	T_EQ(schema_diff(&a, &a, &d, err, sizeof err), 0);
	schema_diff_done(&d);

	/* retyped, defaults, bounds, choices, required, output */
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{"
	    "\"required\":[\"p\"],\"properties\":{"
	    "\"p\":{\"type\":\"string\"},"
	    "\"w\":{\"type\":\"integer\",\"minimum\":64,\"maximum\":1024,"
	    "\"default\":512},"
	    "\"s\":{\"enum\":[\"a\",\"b\"],\"type\":\"string\"},"
	    "\"g\":{\"type\":\"integer\"},"
	    "\"n\":{\"type\":\"string\",\"maxLength\":8}}},"
	    "\"Output\":{\"type\":\"string\"}}}}", &x, err, sizeof err), 0);
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{"
	    "\"properties\":{"
	    "\"p\":{\"type\":\"string\"},"
	    "\"w\":{\"type\":\"integer\",\"minimum\":64,\"maximum\":2048,"
	    "\"default\":1024},"
	    "\"s\":{\"enum\":[\"b\",\"c\"],\"type\":\"string\"},"
	    "\"g\":{\"type\":\"number\"},"
	    "\"n\":{\"type\":\"string\",\"minLength\":1,"
	    "\"pattern\":\"^x\"}}},"
	    "\"Output\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
	    "\"format\":\"uri\"}}}}}", &y, err, sizeof err), 0);
	T_EQ(schema_diff(&x, &y, &d, err, sizeof err), 7);
	c = change(&d, SCHEMA_CHANGE_BOUNDS, "n");
	T_STREQ(c ? c->text : NULL, "n: bounds unbounded length 0..8 -> "
	    "unbounded length 1.. pattern ^x");
	c = change(&d, SCHEMA_CHANGE_DEFAULT, "w");
	T_STREQ(c ? c->text : NULL, "w: default 512 -> 1024");
	c = change(&d, SCHEMA_CHANGE_BOUNDS, "w");
	T_STREQ(c ? c->text : NULL, "w: bounds [64, 1024] -> [64, 2048]");
	c = change(&d, SCHEMA_CHANGE_CHOICES, "s");
	T_STREQ(c ? c->text : NULL, "s: choices added c; removed a");
	c = change(&d, SCHEMA_CHANGE_RETYPED, "g");
	T_STREQ(c ? c->text : NULL, "g: type integer -> number");
	c = change(&d, SCHEMA_CHANGE_REQUIRED, "p");
	T_STREQ(c ? c->text : NULL, "p: no longer required");
	c = change(&d, SCHEMA_CHANGE_OUTPUT, NULL);
	T_STREQ(c ? c->text : NULL, "output: string -> files");
	schema_diff_done(&d);
	schema_done(&x);
	schema_done(&y);

	/* a server's field name with a line break, ESC and C1 in it: the
	 * change stays one line with the controls made visible (found by
	 * make fuzz-long: a name "a\nb" printed a fake second change) */
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{"
	    "\"properties\":{\"p\":{\"type\":\"string\"}}}}}}", &x, err,
	    sizeof err), 0);
	T_EQ(parse_str("{\"components\":{\"schemas\":{\"Input\":{"
	    "\"properties\":{\"p\":{\"type\":\"string\"},"
	    "\"x\\nwidth: removed\\u001b[2J\\u009b\":{\"type\":\"string\","
	    "\"default\":\"\\u001b]0;t\\u0007\"}}}}}}", &y, err, sizeof err), 0);
	T_EQ(schema_diff(&x, &y, &d, err, sizeof err), 1);
	c = d.n == 1 ? &d.changes[0] : NULL;
	T_STREQ(c ? c->text : NULL, "x width: removed\\x1b[2J\\u009b: added "
	    "(string, default \"\\u001b]0;t\\u0007\")");
	T_STREQ(c ? c->field : NULL, "x\nwidth: removed\x1b[2J\xc2\x9b");
	schema_diff_done(&d);
	schema_done(&x);
	schema_done(&y);
	schema_done(&a);
	schema_done(&b);
}

int
main(void)
{
	test_cog_image();
	test_cog_zoo();
	test_cog_outputs();
	test_models();
	test_responses();
	test_pages();
	test_int_enum_strings();
	test_synthetic();
	test_errors();
	test_many_fields();
	test_diff();
	return T_SUMMARY();
}
