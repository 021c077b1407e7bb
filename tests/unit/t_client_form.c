/*
 * tests/unit/t_client_form.c: form values, validation at every boundary
 * (inclusive and exclusive), typed request JSON, files (data: URIs, the
 * upload hook, bad schemes), -i arguments, examples.
 */
#include "t.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/forms/form.h"
#include "client/forms/schema.h"
#include "tests/unit/tfile.h"

#define FIX "tests/fixtures/"

static char tmpdir[256];


static int
schema_file(const char *path, struct schema *s)
{
	char err[256];
	size_t len = 0;
	char *buf = t_slurp(path, &len);
	int rc = buf ? schema_parse(buf, len, s, err, sizeof err) : -1;

	if (rc != 0)
		printf("FAIL %s: %s\n", path, buf ? err : "unreadable");
	free(buf);
	return rc;
}

/* The request JSON (static buffer), or "ERR: <message>". */
static const char *
req(struct form *f, unsigned flags)
{
	static char out[8192];
	char err[1024], *json = NULL;

	if (form_request(f, flags, NULL, NULL, &json, err, sizeof err) != 0) {
		snprintf(out, sizeof out, "ERR: %s", err);
		return out;
	}
	snprintf(out, sizeof out, "%s", json);
	free(json);
	return out;
}

/* Set one field and validate it: its message or "" (static). */
static const char *
check(struct form *f, const char *name, const char *text)
{
	static char out[FORM_MSG_MAX];
	char err[256];
	int i = form_find(f, name);

	if (i < 0 || form_set(f, name, text, err, sizeof err) != 0)
		return "NO FIELD";
	form_validate_index(f, (size_t)i);
	snprintf(out, sizeof out, "%s", form_error(f, (size_t)i) ?
	    form_error(f, (size_t)i) : "");
	return out;
}

static void
test_image(void)
{
	struct schema s;
	struct form *f;
	char err[256], buf[64];

	if (schema_file(FIX "cog/image/05-openapi.body", &s) != 0)
		return;
	f = form_new_from_schema(&s);
	T_OK(f != NULL && f->nfields == 11);
	T_STREQ(form_text(f, 2), "512");	/* width shows its default */
	T_OK(!form_is_set(f, 2));
	T_STREQ(req(f, 0), "ERR: 1 invalid input: prompt: required");
	T_STREQ(form_error(f, 0), "required");
	T_OK(form_error(f, 2) == NULL);
	T_EQ(form_set(f, "prompt", "a cat", err, sizeof err), 0);
	T_STREQ(req(f, 0), "{\"prompt\":\"a cat\"}");
	T_STREQ(req(f, FORM_REQ_DEFAULTS), "{\"prompt\":\"a cat\","
	    "\"negative_prompt\":\"\",\"width\":512,\"height\":512,"
	    "\"num_outputs\":1,\"scheduler\":\"K_EULER\",\"guidance_scale\":"
	    "7.5,\"num_inference_steps\":25,\"disable_safety_checker\":false}");

	/* integer: inclusive bounds, typing */
	T_STREQ(check(f, "width", "64"), "");
	T_STREQ(check(f, "width", "63"), "must be at least 64");
	T_STREQ(check(f, "width", "1024"), "");
	T_STREQ(check(f, "width", "1025"), "must be at most 1024");
	T_STREQ(check(f, "width", " 512 "), "");
	T_STREQ(check(f, "width", "+512"), "");
	T_STREQ(check(f, "width", "7.5"), "must be a whole number");
	T_STREQ(check(f, "width", "5e2"), "must be a whole number");
	T_STREQ(check(f, "width", "abc"), "not an integer");
	T_STREQ(check(f, "width", "0x200"), "not an integer");
	T_STREQ(check(f, "seed", "99999999999999999999"),
	    "integer out of range");
	T_STREQ(check(f, "seed", "-9223372036854775808"), "");
	T_STREQ(check(f, "seed", "42"), "");
	/* number */
	T_STREQ(check(f, "guidance_scale", "20"), "");
	T_STREQ(check(f, "guidance_scale", "20.0001"), "must be at most 20");
	T_STREQ(check(f, "guidance_scale", "1"), "");
	T_STREQ(check(f, "guidance_scale", "0.9999"), "must be at least 1");
	T_STREQ(check(f, "guidance_scale", "1e1"), "");
	T_STREQ(check(f, "guidance_scale", "nan"), "not a number");
	T_STREQ(check(f, "guidance_scale", "inf"), "not a number");
	T_STREQ(check(f, "guidance_scale", "1e999"), "number out of range");
	T_STREQ(check(f, "guidance_scale", "7,5"), "not a number");
	/* enum */
	T_STREQ(check(f, "scheduler", "DDIM"), "");
	T_STREQ(check(f, "scheduler", "ddim"), "not one of the choices: DDIM,"
	    " K_EULER, K_EULER_ANCESTRAL, DPMSolverMultistep, PNDM");
	/* boolean */
	T_STREQ(check(f, "disable_safety_checker", "yes"), "");
	T_STREQ(check(f, "disable_safety_checker", "maybe"),
	    "not true or false");
	T_STREQ(check(f, "disable_safety_checker", "FALSE"), "");
	/* typed JSON: "1e1" is 10, seed 42 a number, a set default sent */
	form_reset(f);
	form_set(f, "prompt", "a \"quoted\"\ncat", err, sizeof err);
	form_set(f, "seed", "42", err, sizeof err);
	form_set(f, "num_outputs", "1", err, sizeof err);	/* == default */
	form_set(f, "guidance_scale", "1e1", err, sizeof err);
	form_set(f, "disable_safety_checker", "on", err, sizeof err);
	form_set(f, "negative_prompt", "", err, sizeof err);
	T_STREQ(req(f, 0), "{\"prompt\":\"a \\\"quoted\\\"\\ncat\","
	    "\"negative_prompt\":\"\",\"num_outputs\":1,\"guidance_scale\":10,"
	    "\"seed\":42,\"disable_safety_checker\":true}");
	/* blank on a non-string field unsets it ("random seed") */
	form_set(f, "seed", "  ", err, sizeof err);
	T_OK(strstr(req(f, 0), "seed") == NULL);
	form_set(f, "seed", NULL, err, sizeof err);
	T_OK(!form_is_set(f, 8));
	/* several errors at once, each on its field */
	form_set(f, "width", "2000", err, sizeof err);
	form_set(f, "height", "x", err, sizeof err);
	T_STREQ(req(f, 0), "ERR: 2 invalid inputs: width: must be at most "
	    "1024; height: not an integer");
	T_EQ(form_validate(f), 2);
	T_STREQ(form_error(f, 3), "not an integer");
	T_EQ(form_set(f, "nope", "1", err, sizeof err), -1);
	T_OK(strncmp(err, "no input named 'nope'; inputs: prompt,", 38) == 0);
	T_STREQ(form_display(f, 0, buf, sizeof buf), "a \"quoted\"\ncat");
	form_free(f);
	form_free(NULL);
	schema_done(&s);
}

static void
test_zoo(void)
{
	struct schema s;
	struct form *f;
	char err[256], buf[64];

	if (schema_file(FIX "cog/schema-zoo/01-openapi.body", &s) != 0)
		return;
	f = form_new_from_schema(&s);
	T_STREQ(req(f, 0), "{}");
	/* pattern ^[a-z]+$ with lengths 2..12 */
	T_STREQ(check(f, "name", "abc"), "");
	T_STREQ(check(f, "name", "Abc"), "does not match the pattern "
	    "^[a-z]+$");
	T_STREQ(check(f, "name", "a"), "must be at least 2 characters (has 1)");
	T_STREQ(check(f, "name", "ab"), "");
	T_STREQ(check(f, "name", "abcdefghijkl"), "");
	T_STREQ(check(f, "name", "abcdefghijklm"),
	    "must be at most 12 characters (has 13)");
	T_STREQ(check(f, "name", "abc1"), "does not match the pattern "
	    "^[a-z]+$");
	/* int choices and Literal */
	T_STREQ(check(f, "steps", "20"), "");
	T_STREQ(check(f, "steps", "20.0"), "");
	T_STREQ(check(f, "steps", "25"), "not one of the choices: 10, 20, 50");
	T_STREQ(check(f, "mode", "slow"), "");
	T_STREQ(check(f, "mode", "SLOW"), "not one of the choices: fast, slow");
	/* float bounds 0..1 */
	T_STREQ(check(f, "ratio", "0"), "");
	T_STREQ(check(f, "ratio", "-0.0001"), "must be at least 0");
	T_STREQ(check(f, "ratio", "1"), "");
	T_STREQ(check(f, "ratio", "1.0000001"), "must be at most 1");
	/* secret: masked, sent */
	form_set(f, "api_key", "s3cr\xc3\xa9t", err, sizeof err);
	T_STREQ(form_display(f, 3, buf, sizeof buf), "******");
	form_set(f, "mode", NULL, err, sizeof err);
	form_set(f, "steps", "50", err, sizeof err);
	form_set(f, "name", "zoo", err, sizeof err);
	form_set(f, "files", "https://x.test/a.txt\nhttps://x.test/b.txt\n",
	    err, sizeof err);
	form_set(f, "ratio", "0.25", err, sizeof err);
	T_STREQ(req(f, 0), "{\"steps\":50,\"name\":\"zoo\",\"api_key\":"
	    "\"s3cr\xc3\xa9t\",\"files\":[\"https://x.test/a.txt\","
	    "\"https://x.test/b.txt\"],\"ratio\":0.25}");
	T_OK(strstr(req(f, FORM_REQ_MASK_SECRETS), "\"api_key\":\"**********\"")
	    != NULL);
	form_set(f, "files", "[\"https://x.test/a.txt\"]", err, sizeof err);
	T_OK(strstr(req(f, 0), "\"files\":[\"https://x.test/a.txt\"]") != NULL);
	T_STREQ(check(f, "files", "[\"https://x.test/a.txt\", 3"),
	    "not a valid JSON array (byte 25)");
	T_STREQ(check(f, "files", "https://ok.test/a\nftp://x/y"),
	    "item 2: 'ftp' is not a valid URL scheme: use http, https, data or"
	    " a local path");
	form_free(f);
	schema_done(&s);
}

static struct schema syn;

static struct form *
synthetic(void)
{
	static const char doc[] = "{\"components\":{\"schemas\":{\"Input\":{"
	    "\"properties\":{"
	    "\"gt0\":{\"type\":\"number\",\"minimum\":0,\"exclusiveMinimum\":"
	    "true,\"x-order\":0},"
	    "\"lt1\":{\"type\":\"number\",\"exclusiveMaximum\":1,"
	    "\"x-order\":1},"
	    "\"m8\":{\"type\":\"integer\",\"multipleOf\":8,\"x-order\":2},"
	    "\"u8\":{\"type\":\"integer\",\"format\":\"uint8\",\"x-order\":3},"
	    "\"len3\":{\"type\":\"string\",\"maxLength\":3,\"x-order\":4},"
	    "\"phone\":{\"type\":\"string\",\"pattern\":\"\\\\d{3}-\\\\d{4}\","
	    "\"x-order\":5},"
	    "\"look\":{\"type\":\"string\",\"pattern\":\"(?=a)a+\","
	    "\"x-order\":6},"
	    "\"digits\":{\"type\":\"string\",\"pattern\":\"[0-9]+\","
	    "\"x-order\":7},"
	    "\"obj\":{\"type\":\"object\",\"x-order\":8},"
	    "\"u\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"array\","
	    "\"items\":{\"type\":\"string\"}}],\"x-order\":9},"
	    "\"nums\":{\"type\":\"array\",\"items\":{\"type\":\"number\"},"
	    "\"x-order\":10},"
	    "\"ni\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"boolean\"}],"
	    "\"x-order\":11},"
	    "\"file\":{\"type\":\"string\",\"format\":\"uri\",\"x-order\":12},"
	    "\"both\":{\"type\":\"integer\",\"default\":3,\"x-order\":13},"
	    "\"lazy\":{\"type\":\"string\",\"pattern\":\"^a.*?b$\","
	    "\"x-order\":14},"
	    "\"q\":{\"type\":\"string\",\"pattern\":\"^a\\\\??$\","
	    "\"x-order\":15}},"
	    "\"required\":[\"both\"]}}}}";
	char err[256];

	if (schema_parse(doc, sizeof doc - 1, &syn, err, sizeof err) != 0) {
		printf("FAIL synthetic: %s\n", err);
		return NULL;
	}
	return form_new_from_schema(&syn);
}

static void
test_bounds(void)
{
	struct form *f = synthetic();

	if (f == NULL)
		return;
	/* required with a default: the default is sent, never a 422 */
	T_STREQ(req(f, 0), "{\"both\":3}");
	T_STREQ(check(f, "gt0", "0"), "must be greater than 0");
	T_STREQ(check(f, "gt0", "0.001"), "");
	T_STREQ(check(f, "gt0", "-1"), "must be greater than 0");
	T_STREQ(check(f, "lt1", "1"), "must be less than 1");
	T_STREQ(check(f, "lt1", "0.999"), "");
	T_STREQ(check(f, "m8", "16"), "");
	T_STREQ(check(f, "m8", "-24"), "");
	T_STREQ(check(f, "m8", "12"), "must be a multiple of 8");
	T_STREQ(check(f, "u8", "255"), "");
	T_STREQ(check(f, "u8", "256"), "must be at most 255");
	T_STREQ(check(f, "u8", "-1"), "must be at least 0");
	T_STREQ(check(f, "len3", "\xc3\xa9\xc3\xa9\xc3\xa9"), "");
	T_STREQ(check(f, "len3", "abcd"), "must be at most 3 characters "
	    "(has 4)");
	T_STREQ(check(f, "phone", "555-1234"), "");
	T_STREQ(check(f, "phone", "55-1234"), "does not match the pattern "
	    "\\d{3}-\\d{4}");
	/* lookahead: POSIX cannot say, the server checks it */
	T_STREQ(check(f, "look", "zzz"), "");
	/* pydantic 1 re.match: anchored at the start */
	T_STREQ(check(f, "digits", "12a"), "");
	T_STREQ(check(f, "digits", "a12"), "does not match the pattern [0-9]+");
	T_STREQ(check(f, "lazy", "axxb"), "");
	T_STREQ(check(f, "lazy", "axxc"), "does not match the pattern ^a.*?b$");
	T_STREQ(check(f, "q", "a?"), "");	/* \?? is an optional '?' */
	T_STREQ(check(f, "q", "a"), "");
	T_STREQ(check(f, "q", "a??"), "does not match the pattern ^a\\??$");
	T_STREQ(check(f, "obj", "{\"a\": [1, 2]}"), "");
	T_STREQ(check(f, "obj", "{\"a\": "), "not valid JSON (at byte 5)");
	T_STREQ(check(f, "obj", "{} {}"), "not valid JSON: extra text at "
	    "byte 3");
	T_STREQ(check(f, "nums", "1\n2.5\n"), "");
	T_STREQ(check(f, "nums", "1\nx"), "item 2: not a number");
	T_STREQ(check(f, "ni", "true"), "");
	T_STREQ(check(f, "ni", "7"), "");
	T_STREQ(check(f, "ni", "7.5"), "must be one of: integer, boolean");
	form_reset(f);
	form_set(f, "obj", "{\"a\": [1, 2]}", NULL, 0);
	form_set(f, "u", "hello", NULL, 0);
	form_set(f, "nums", "[1, 2.5]", NULL, 0);
	form_set(f, "ni", "7", NULL, 0);
	form_set(f, "m8", "16", NULL, 0);
	T_STREQ(req(f, 0), "{\"m8\":16,\"obj\":{\"a\":[1,2]},\"u\":\"hello\","
	    "\"nums\":[1,2.5],\"ni\":7,\"both\":3}");
	form_set(f, "u", "[\"a\",\"b\"]", NULL, 0);
	T_OK(strstr(req(f, 0), "\"u\":[\"a\",\"b\"]") != NULL);
	form_set(f, "u", "[1,2]", NULL, 0);	/* no branch: sent as text */
	T_OK(strstr(req(f, 0), "\"u\":\"[1,2]\"") != NULL);
	form_free(f);
	schema_done(&syn);
}

static int upload_calls;

static int
fake_upload(void *ctx, const char *field, const char *path, size_t size,
    char **url, char *err, size_t errsz)
{
	(void)ctx;
	(void)path;
	(void)err;
	(void)errsz;
	upload_calls++;
	if (strcmp(field, "file") != 0 || size != 300000)
		return -1;
	*url = strdup("https://uploads.test/big.bin");
	return 0;
}

static void
test_files(void)
{
	struct form *f = synthetic();
	char path[512], big[512], err[1024], *json = NULL;
	FILE *fp;
	size_t i;

	if (f == NULL)
		return;
	snprintf(path, sizeof path, "%s/hello.txt", tmpdir);
	fp = fopen(path, "wb");
	fputs("hello", fp);
	fclose(fp);
	form_set(f, "file", path, NULL, 0);
	T_STREQ(req(f, 0), "{\"file\":\"data:text/plain;base64,aGVsbG8=\","
	    "\"both\":3}");
	snprintf(err, sizeof err, "@%s", path);
	form_set(f, "file", err, NULL, 0);
	T_OK(strstr(req(f, 0), "aGVsbG8=") != NULL);
	/* left as @path for exports */
	T_OK(strstr(req(f, FORM_REQ_NO_FILES), "\"file\":\"@") != NULL);
	T_STREQ(check(f, "file", "https://example.test/a.png"), "");
	T_STREQ(check(f, "file", "data:;base64,aGk="), "");
	T_STREQ(check(f, "file", "data:text/plain"),
	    "a data: URI needs a ',' before its data");
	T_STREQ(check(f, "file", "file:///etc/passwd"), "'file' is not a "
	    "valid URL scheme: use http, https, data or a local path");
	T_STREQ(check(f, "file", "/nonexistent/x.png"), "cannot open "
	    "/nonexistent/x.png: No such file or directory");
	T_OK(strstr(check(f, "file", tmpdir), "is not a regular file") !=
	    NULL);
	T_STREQ(check(f, "file", "https://a b"), "a URL may not contain "
	    "spaces");

	/* over the data: URI limit: upload hook, or a clear error */
	snprintf(big, sizeof big, "%s/big.bin", tmpdir);
	fp = fopen(big, "wb");
	for (i = 0; i < 300000; i++)
		fputc((int)(i & 0xff), fp);
	fclose(fp);
	form_set(f, "file", big, NULL, 0);
	T_EQ(form_request(f, 0, NULL, NULL, &json, err, sizeof err), -1);
	T_OK(strstr(err, "needs an upload") != NULL);
	T_EQ(form_request(f, 0, fake_upload, NULL, &json, err, sizeof err), 0);
	T_STREQ(json, "{\"file\":\"https://uploads.test/big.bin\",\"both\":3}");
	free(json);
	T_EQ(upload_calls, 1);
	T_EQ(form_request(f, FORM_REQ_INLINE_ALL, NULL, NULL, &json, err,
	    sizeof err), 0);
	T_OK(json != NULL && strncmp(json, "{\"file\":\"data:application/"
	    "octet-stream;base64,AAECAwQF", 52) == 0);
	T_EQ(json ? strlen(json) : 0, 400000 + 57);
	free(json);
	T_STREQ(form_mime_type("a/b.PNG"), "image/png");
	T_STREQ(form_mime_type("x.tar.gz"), "application/gzip");
	T_STREQ(form_mime_type("dir.v2/noext"), "application/octet-stream");
	T_STREQ(form_mime_type("clip.mp4"), "video/mp4");
	unlink(big);
	unlink(path);
	form_free(f);
	schema_done(&syn);
}

static void
test_args(void)
{
	struct schema s;
	struct form *f;
	char err[512];

	if (schema_file(FIX "cog/schema-zoo/01-openapi.body", &s) != 0)
		return;
	f = form_new_from_schema(&s);
	T_EQ(form_set_arg(f, "name=abc=def", err, sizeof err), 0);
	T_STREQ(form_text(f, 2), "abc=def");
	T_EQ(form_set_arg(f, "files=https://x.test/1", err, sizeof err), 0);
	T_EQ(form_set_arg(f, "files=https://x.test/2", err, sizeof err), 0);
	T_STREQ(form_text(f, 4), "[\"https://x.test/1\",\"https://x.test/2\"]");
	T_EQ(form_set_arg(f, "noequals", err, sizeof err), -1);
	T_STREQ(err, "'noequals': expected key=value");
	T_EQ(form_set_arg(f, "=x", err, sizeof err), -1);
	T_EQ(form_set_arg(f, "bogus=1", err, sizeof err), -1);
	T_OK(strstr(err, "inputs: mode, steps, name") != NULL);
	/* fuzz: messages quoting what was typed stay one line */
	T_EQ(form_set_arg(f, "no\nequals\x1b", err, sizeof err), -1);
	T_STREQ(err, "'no equals?': expected key=value");
	T_EQ(form_set_arg(f, "bo\ngus=1", err, sizeof err), -1);
	T_OK(strncmp(err, "no input named 'bo gus'", 23) == 0);
	T_EQ(form_set_arg(f, "files=@/nonexistent/a\nb.png", err, sizeof err),
	    0);
	T_OK(form_validate(f) >= 1);
	T_OK(form_error(f, 4) != NULL && strchr(form_error(f, 4), '\n') == NULL);
	T_OK(strstr(form_error(f, 4), "/nonexistent/a b.png") != NULL);
	form_reset(f);
	/* a value that is a JSON array is the whole list */
	form_reset(f);
	T_EQ(form_set_arg(f, "files=[\"https://x.test/a\"]", err, sizeof err),
	    0);
	T_STREQ(req(f, 0), "{\"files\":[\"https://x.test/a\"]}");
	T_EQ(form_append(f, "files", "https://x.test/b", err, sizeof err), 0);
	T_STREQ(req(f, 0), "{\"files\":[\"https://x.test/a\","
	    "\"https://x.test/b\"]}");
	form_free(f);
	schema_done(&s);
}

static void
test_examples(void)
{
	struct schema s;
	struct form *f;
	char err[512];
	size_t len;
	char *buf;
	int n;

	if (schema_file(FIX "replicate/models/model.list-item.black-forest-"
	    "labs__flux-1.1-pro.2025-01-15.json", &s) != 0)
		return;
	f = form_new_from_schema(&s);
	T_OK(s.example_json != NULL);
	n = form_load_example(f, s.example_json, strlen(s.example_json), err,
	    sizeof err);
	T_EQ(n, 6);
	T_STREQ(err, "");
	T_STREQ(req(f, 0), "{\"prompt\":\"black forest gateau cake spelling "
	    "out the words \\\"FLUX 1 . 1 Pro\\\", tasty, food photography\","
	    "\"aspect_ratio\":\"1:1\",\"safety_tolerance\":2,"
	    "\"prompt_upsampling\":true,\"output_format\":\"webp\","
	    "\"output_quality\":80}");
	form_free(f);
	schema_done(&s);

	/* a whole model object; unknown keys reported, secrets skipped */
	buf = t_slurp(FIX "replicate/models/model.list-item.lucataco__musubi-"
	    "tuner.2025-01-15.json", &len);
	if (buf == NULL || schema_parse(buf, len, &s, err, sizeof err) != 0) {
		T_OK(0);
		free(buf);
		return;
	}
	f = form_new_from_schema(&s);
	n = form_load_example(f, buf, len, err, sizeof err);
	T_OK(n >= 9);
	T_OK(!form_is_set(f, (size_t)form_find(f, "hf_token")));
	T_STREQ(form_text(f, (size_t)form_find(f, "epochs")), "16");
	T_OK(strstr(req(f, 0), "RSNG-6.zip") != NULL);
	form_free(f);
	schema_done(&s);
	free(buf);

	if (schema_file(FIX "replicate/models/model.list-item.meta__meta-llama-"
	    "3-8b-instruct.2025-01-15.json", &s) != 0)
		return;
	f = form_new_from_schema(&s);
	n = form_load_example(f, s.example_json, strlen(s.example_json), err,
	    sizeof err);
	T_OK(n >= 3);
	T_OK(strncmp(err, "ignored ", 8) == 0 && strstr(err,
	    "system_prompt") != NULL);
	T_OK(strstr(req(f, 0), "\"top_p\":0.95") != NULL);
	T_EQ(form_load_example(f, "{\"a\":", 5, err, sizeof err), -1);
	T_STREQ(err, "example: malformed JSON at byte 4");
	T_EQ(form_load_example(f, "[1]", 3, err, sizeof err), -1);
	T_EQ(form_load_example(f, "{\"input\":{\"top_k\":7}}", 21, err,
	    sizeof err), 1);
	T_STREQ(form_text(f, (size_t)form_find(f, "top_k")), "7");
	form_free(f);
	schema_done(&s);
}

/*
 * The form lists its own local files: "~/" expanded, "@" dropped, each
 * item of a file array, URLs and data: URIs left out, unset fields too;
 * the paths are the ones form_request() hands its upload hook.
 */
static int
record_upload(void *ctx, const char *field, const char *path, size_t size,
    char **url, char *err, size_t errsz)
{
	char *seen = ctx;

	(void)field;
	(void)size;
	(void)err;
	(void)errsz;
	strcat(seen, path);
	strcat(seen, ";");
	*url = strdup("https://up.test/x");
	return 0;
}

static void
test_local_files(void)
{
	static const char doc[] =
	    "{\"openapi\":\"3.0.2\",\"components\":{\"schemas\":{"
	    "\"Input\":{\"type\":\"object\",\"properties\":{"
	    "\"image\":{\"type\":\"string\",\"format\":\"uri\","
	    "\"x-order\":0},"
	    "\"mask\":{\"type\":\"string\",\"format\":\"uri\","
	    "\"x-order\":1},"
	    "\"files\":{\"type\":\"array\",\"items\":{\"type\":"
	    "\"string\",\"format\":\"uri\"},\"x-order\":2},"
	    "\"prompt\":{\"type\":\"string\",\"x-order\":3}}},"
	    "\"Output\":{\"type\":\"string\"}}}}";
	struct form_local_file *lf = NULL;
	char err[256], big[512], small[512], want[1040], *json = NULL;
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	static char seen[4096];
	struct schema s;
	struct form *f;
	size_t n = 0;
	FILE *fp;

	if (!T_EQ(schema_parse(doc, sizeof doc - 1, &s, err, sizeof err), 0))
		return;
	setenv("HOME", tmpdir, 1);
	snprintf(big, sizeof big, "%s/big.bin", tmpdir);
	snprintf(small, sizeof small, "%s/s.png", tmpdir);
	fp = fopen(big, "wb");
	if (fp != NULL) {
		fseek(fp, (long)FORM_DATA_URI_MAX + 10, SEEK_SET);
		fputc(1, fp);
		fclose(fp);
	}
	fp = fopen(small, "wb");
	if (fp != NULL) {
		fputs("png", fp);
		fclose(fp);
	}
	f = form_new_from_schema(&s);
	T_EQ(form_local_files(f, &lf, &n, err, sizeof err), 0);
	T_EQ(n, 0);			/* nothing set */
	form_local_files_free(lf, n);
	form_set(f, "image", "~/big.bin", NULL, 0);
	form_set(f, "mask", "https://x.test/m.png", NULL, 0);
	form_set(f, "files", "data:,abc\n@~/s.png\nhttps://x.test/a\n"
	    "~/big.bin", NULL, 0);
	form_set(f, "prompt", "~/big.bin", NULL, 0);	/* not a file field */
	T_EQ(form_local_files(f, &lf, &n, err, sizeof err), 0);
	T_EQ(n, 3);
	if (n == 3) {
		T_EQ(lf[0].field, 0);
		T_STREQ(lf[0].path, big);
		T_EQ(lf[0].size, FORM_DATA_URI_MAX + 11);
		T_EQ(lf[1].field, 2);
		T_EQ(lf[1].item, 1);
		T_STREQ(lf[1].path, small);
		T_EQ(lf[1].size, 3);
		T_EQ(lf[2].item, 3);
		T_STREQ(lf[2].path, big);
	}
	form_local_files_free(lf, n);
	/* the same paths reach the upload hook */
	seen[0] = '\0';
	T_EQ(form_request(f, 0, record_upload, seen, &json, err, sizeof err),
	    0);
	snprintf(want, sizeof want, "%s;%s;", big, big);
	T_STREQ(seen, want);
	free(json);
	/* a missing file is listed with size -1 (form_request reports it) */
	form_set(f, "files", "~/nope.png", NULL, 0);
	T_EQ(form_local_files(f, &lf, &n, err, sizeof err), 0);
	T_OK(n == 2 && lf[1].size == -1);
	form_local_files_free(lf, n);
	form_free(f);
	schema_done(&s);
	unlink(big);
	unlink(small);
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
}

int
main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/t_client_form.%d", (int)getpid());
	mkdir(tmpdir, 0700);
	test_image();
	test_zoo();
	test_bounds();
	test_files();
	test_args();
	test_examples();
	test_local_files();
	rmdir(tmpdir);
	return T_SUMMARY();
}
