/*
 * tests/unit/t_client_share.c: POSIX shell quoting round-trips through
 * `sh -c 'printf %s ...'`; every shell export is run by sh with curl, cog
 * and r8play as functions that print their arguments, so the words they
 * receive are compared with the request r8play builds; secrets and the
 * token never appear in any export.
 */
#include "t.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "client/forms/form.h"
#include "client/forms/schema.h"
#include "client/forms/share.h"

#define FIX "tests/fixtures/"

static const char *const nasty[] = {
	"", "plain", "it's", "'", "''", "a'b'c", "\"double\"", "$HOME",
	"`id`", "$(id)", "back\\slash", "new\nline", "tab\there", "* ? [a]",
	"~user", "#hash", "semi;colon && or || pipe | amp &",
	"caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x8e\xa8", "!bang",
	"-n", "{a,b}", "end\\", "\r\n", "x=y", "'\"'\"'",
	"\x1b[201~paste", "c1 \xc2\x9b" "31m", "\xe2\x80\xae" "bidi",
	"del\x7f", "bell\a'q'\x1b",
};

/* Run a shell script; its stdout into out (NUL bytes kept). */
static size_t
run_sh(const char *script, char *out, size_t outsz)
{
	FILE *fp = popen(script, "r");
	size_t n;

	if (fp == NULL)
		return 0;
	n = fread(out, 1, outsz - 1, fp);
	out[n] = '\0';
	pclose(fp);
	return n;
}

static void
test_quote(void)
{
	char script[1024], out[1024], *q;
	size_t i, n;

	for (i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
		q = share_sh_quote(nasty[i]);
		T_OK(q != NULL);
		if (q == NULL)
			continue;
		snprintf(script, sizeof script, "printf %%s %s", q);
		n = run_sh(script, out, sizeof out);
		if (!T_OK(n == strlen(nasty[i]) &&
		    memcmp(out, nasty[i], n) == 0))
			printf("     quoted %s gave [%s]\n", q, out);
		free(q);
	}
	/* invalid UTF-8 too (JSON cannot carry it, so not in nasty[]) */
	q = share_sh_quote("\x9b\xff'\x80");
	T_OK(q != NULL && strchr(q, 0x9b) == NULL);
	snprintf(script, sizeof script, "printf %%s %s", q ? q : "");
	T_STREQ((run_sh(script, out, sizeof out), out), "\x9b\xff'\x80");
	free(q);
	q = share_sh_quote("it's");
	T_STREQ(q, "'it'\\''s'");
	free(q);
	{
		char v[64];

		T_STREQ(share_secret_var("hf_token", v, sizeof v), "HF_TOKEN");
		T_STREQ(share_secret_var("9lives-key", v, sizeof v),
		    "_9LIVES_KEY");
	}
	T_EQ(share_format_from_name("python"), SHARE_PYTHON);
	T_EQ(share_format_from_name("nope"), -1);
	T_STREQ(share_format_name(SHARE_CURL_COG), "curl-cog");
}

/* Arguments a stub received: NUL-separated, into argv (pointers into buf). */
static int
stub_args(const char *stub, const char *export_text, char *buf, size_t bufsz,
    const char **argv, int max)
{
	char *script;
	size_t n, len = strlen(export_text) + 256;
	int argc = 0;
	char *p;

	script = malloc(len);
	snprintf(script, len, "%s() { for a in \"$@\"; do printf '%%s\\0' "
	    "\"$a\"; done; }\n%s", stub, export_text);
	n = run_sh(script, buf, bufsz);
	free(script);
	for (p = buf; p < buf + n && argc < max; p += strlen(p) + 1)
		argv[argc++] = p;
	return argc;
}

static const char *
after(const char **argv, int argc, const char *flag)
{
	int i;

	for (i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return argv[i + 1];
	return NULL;
}

static char *
request(struct form *f)
{
	char err[512], *json = NULL;

	if (form_request(f, 0, NULL, NULL, &json, err, sizeof err) != 0)
		printf("     request: %s\n", err);
	return json;
}

/* The same JSON value (exports escape what cJSON leaves raw) */
static int
same_json(const char *a, const char *b)
{
	cJSON *x = a != NULL ? cJSON_Parse(a) : NULL;
	cJSON *y = b != NULL ? cJSON_Parse(b) : NULL;
	int same = x != NULL && y != NULL && cJSON_Compare(x, y, 1);

	if (!same)
		printf("     got  %s\n     want %s\n", a ? a : "(null)",
		    b ? b : "(null)");
	cJSON_Delete(x);
	cJSON_Delete(y);
	return same;
}

static void
test_curl(void)
{
	static char buf[1 << 20];
	const char *argv[64];
	struct schema s;
	struct form *f;
	struct share_target t = { "stability-ai/sdxl", "7762fd07", NULL,
	    "http://127.0.0.1:5000" };
	char err[512], *out = NULL, *json, body[8192], path[256];
	const char *d;
	size_t len, i;
	char *doc;
	FILE *fp;
	int argc;

	doc = NULL;
	fp = fopen(FIX "cog/image/05-openapi.body", "rb");
	if (fp == NULL)
		return;
	doc = malloc(1 << 16);
	len = fread(doc, 1, 1 << 16, fp);
	fclose(fp);
	if (schema_parse(doc, len, &s, err, sizeof err) != 0) {
		free(doc);
		T_OK(0);
		return;
	}
	free(doc);
	f = form_new_from_schema(&s);
	for (i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
		form_set(f, "prompt", nasty[i], NULL, 0);
		form_set(f, "negative_prompt", nasty[(i + 7) %
		    (sizeof nasty / sizeof nasty[0])], NULL, 0);
		form_set(f, "seed", "42", NULL, 0);
		json = request(f);
		T_EQ(share_export(f, SHARE_CURL_COG, &t, &out, err,
		    sizeof err), 0);
		argc = stub_args("curl", out ? out : "", buf, sizeof buf, argv,
		    64);
		T_STREQ(after(argv, argc, "-X"), "POST");
		T_STREQ(argc > 3 ? argv[3] : NULL,
		    "http://127.0.0.1:5000/predictions");
		snprintf(body, sizeof body, "{\"input\":%s}", json);
		d = after(argv, argc, "-d");
		if (!T_OK(same_json(d, body)))
			printf("     export was:\n%s\n", out);
		free(out);
		/* by version, with the token left to the shell */
		T_EQ(share_export(f, SHARE_CURL, &t, &out, err, sizeof err), 0);
		T_OK(out && strstr(out, "\"Authorization: Bearer "
		    "$REPLICATE_API_TOKEN\"") != NULL);
		setenv("REPLICATE_API_TOKEN", "r8_test_token", 1);
		argc = stub_args("curl", out ? out : "", buf, sizeof buf, argv,
		    64);
		T_STREQ(argc > 3 ? argv[3] : NULL,
		    "https://api.replicate.com/v1/predictions");
		T_STREQ(argc > 5 ? argv[5] : NULL,
		    "Authorization: Bearer r8_test_token");
		T_STREQ(argc > 7 ? argv[7] : NULL, "Prefer: wait");
		snprintf(body, sizeof body, "{\"version\":\"7762fd07\","
		    "\"input\":%s}", json);
		T_OK(same_json(after(argv, argc, "-d"), body));
		T_OK(out && strstr(out, "r8_test_token") == NULL);
		free(out);
		free(json);
	}
	/* official-model endpoint, API base override */
	t.api_base = "http://127.0.0.1:9/v1";
	T_EQ(share_export(f, SHARE_CURL_MODEL, &t, &out, err, sizeof err), 0);
	argc = stub_args("curl", out ? out : "", buf, sizeof buf, argv, 64);
	T_STREQ(argc > 3 ? argv[3] : NULL,
	    "http://127.0.0.1:9/v1/models/stability-ai/sdxl/predictions");
	T_OK(after(argv, argc, "-d") != NULL &&
	    strncmp(after(argv, argc, "-d"), "{\"input\":", 9) == 0);
	free(out);
	t.api_base = NULL;

	/* a local file: the shell makes the same data: URI r8play sends */
	snprintf(path, sizeof path, "/tmp/t_client_share.%d it's.png",
	    (int)getpid());
	fp = fopen(path, "wb");
	for (i = 0; i < 1000; i++)
		fputc((int)(i * 7 & 0xff), fp);
	fclose(fp);
	form_set(f, "image", path, NULL, 0);
	json = request(f);
	T_EQ(share_export(f, SHARE_CURL_COG, &t, &out, err, sizeof err), 0);
	T_OK(out && strstr(out, "base64 < ") != NULL);
	argc = stub_args("curl", out ? out : "", buf, sizeof buf, argv, 64);
	snprintf(body, sizeof body, "{\"input\":%s}", json ? json : "");
	T_STREQ(after(argv, argc, "-d"), body);
	T_OK(json && strstr(json, "data:image/png;base64,") != NULL);
	free(out);
	free(json);

	/* cog predict: the words cog sees */
	form_set(f, "prompt", "\"quoted\"", NULL, 0);
	T_EQ(share_export(f, SHARE_COG, &t, &out, err, sizeof err), 0);
	argc = stub_args("cog", out ? out : "", buf, sizeof buf, argv, 64);
	T_STREQ(argc > 0 ? argv[0] : NULL, "predict");
	T_STREQ(argc > 2 ? argv[2] : NULL, "prompt=\"\"quoted\"\"");
	{
		char want[512];

		snprintf(want, sizeof want, "image=@%s", path);
		T_STREQ(argc > 8 ? argv[8] : NULL, want);
		T_STREQ(argc > 6 ? argv[6] : NULL, "seed=42");
	}
	free(out);
	/* r8play run: no quote stripping there */
	T_EQ(share_export(f, SHARE_R8PLAY, &t, &out, err, sizeof err), 0);
	argc = stub_args("r8play", out ? out : "", buf, sizeof buf, argv, 64);
	T_STREQ(argc > 1 ? argv[1] : NULL, "stability-ai/sdxl:7762fd07");
	T_STREQ(argc > 3 ? argv[3] : NULL, "prompt=\"quoted\"");
	free(out);
	/* Python and JS: literals */
	form_set(f, "disable_safety_checker", "true", NULL, 0);
	T_EQ(share_export(f, SHARE_PYTHON, &t, &out, err, sizeof err), 0);
	T_OK(out && strstr(out, "replicate.run(\n    \"stability-ai/sdxl:"
	    "7762fd07\",\n    input={\n") != NULL);
	T_OK(out && strstr(out, "\"disable_safety_checker\": True,") != NULL);
	T_OK(out && strstr(out, "\"image\": open(\"/tmp/t_client_share.") !=
	    NULL);
	T_OK(out && strstr(out, "\"seed\": 42,") != NULL);
	free(out);
	T_EQ(share_export(f, SHARE_JS, &t, &out, err, sizeof err), 0);
	T_OK(out && strstr(out, "import { readFile } from "
	    "\"node:fs/promises\";") != NULL);
	T_OK(out && strstr(out, "\"disable_safety_checker\": true,") != NULL);
	T_OK(out && strstr(out, "await readFile(\"/tmp/") != NULL);
	free(out);
	unlink(path);
	form_set(f, "image", NULL, NULL, 0);
	/* invalid forms export nothing; Replicate formats need a model */
	form_set(f, "width", "9999", NULL, 0);
	T_EQ(share_export(f, SHARE_CURL_COG, &t, &out, err, sizeof err), -1);
	T_OK(out == NULL && strstr(err, "width: must be at most 1024") != NULL);
	form_set(f, "width", NULL, NULL, 0);
	{
		struct share_target none = { NULL, NULL, NULL, NULL };

		T_EQ(share_export(f, SHARE_PYTHON, &none, &out, err,
		    sizeof err), -1);
		T_EQ(share_export(f, SHARE_CURL, &none, &out, err, sizeof err),
		    -1);
		T_EQ(share_export(f, SHARE_CURL_COG, &none, &out, err,
		    sizeof err), 0);
		T_OK(out && strstr(out, "'http://localhost:5000/predictions'")
		    != NULL);
		free(out);
	}
	form_free(f);
	schema_done(&s);
}

static void
test_secrets(void)
{
	static char buf[1 << 16];
	const char *argv[64];
	struct schema s;
	struct form *f;
	struct share_target t = { "lucataco/zoo", NULL, NULL, NULL };
	char err[512], *out, *json, body[4096];
	size_t len;
	char doc[16384];
	FILE *fp;
	int k, argc;

	fp = fopen(FIX "cog/schema-zoo/01-openapi.body", "rb");
	if (fp == NULL)
		return;
	len = fread(doc, 1, sizeof doc, fp);
	fclose(fp);
	if (schema_parse(doc, len, &s, err, sizeof err) != 0)
		return;
	f = form_new_from_schema(&s);
	form_set(f, "api_key", "sekrit-value-123", NULL, 0);
	form_set(f, "name", "zoo", NULL, 0);
	form_set(f, "files", "https://x.test/a.txt\nhttps://x.test/b.txt", NULL,
	    0);
	for (k = 0; k < SHARE__COUNT; k++) {
		out = NULL;
		T_EQ(share_export(f, (enum share_format)k, &t, &out, err,
		    sizeof err), 0);
		T_OK(out != NULL && strstr(out, "sekrit") == NULL);
		T_OK(out != NULL && strstr(out, "API_KEY") != NULL);
		free(out);
	}
	/* with the variable set, the server gets the secret */
	setenv("API_KEY", "sekrit-value-123", 1);
	json = request(f);
	share_export(f, SHARE_CURL_COG, &t, &out, err, sizeof err);
	argc = stub_args("curl", out, buf, sizeof buf, argv, 64);
	snprintf(body, sizeof body, "{\"input\":%s}", json);
	T_STREQ(after(argv, argc, "-d"), body);
	free(out);
	share_export(f, SHARE_COG, &t, &out, err, sizeof err);
	argc = stub_args("cog", out, buf, sizeof buf, argv, 64);
	T_STREQ(after(argv, argc, "-i"), "name=zoo");
	T_OK(argc == 9);	/* predict + 4 x (-i, k=v): files repeated */
	T_STREQ(argc > 4 ? argv[4] : NULL, "api_key=sekrit-value-123");
	T_STREQ(argc > 6 ? argv[6] : NULL, "files=https://x.test/a.txt");
	T_STREQ(argc > 8 ? argv[8] : NULL, "files=https://x.test/b.txt");
	free(out);
	share_export(f, SHARE_PYTHON, &t, &out, err, sizeof err);
	T_OK(strstr(out, "import os\n") != NULL &&
	    strstr(out, "\"api_key\": os.environ[\"API_KEY\"],") != NULL);
	free(out);
	share_export(f, SHARE_JS, &t, &out, err, sizeof err);
	T_OK(strstr(out, "\"api_key\": process.env.API_KEY,") != NULL);
	free(out);
	free(json);
	unsetenv("API_KEY");
	form_free(f);
	schema_done(&s);
}

/* No byte of text may drive a terminal: ESC, other C0 but \t \n, DEL, C1,
 * bidi overrides. */
static int
inert(const char *text)
{
	const unsigned char *u = (const unsigned char *)text;

	for (; *u != '\0'; u++) {
		if ((*u < 0x20 && *u != '\t' && *u != '\n') || *u == 0x7f)
			return 0;
		if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			return 0;
		if (u[0] == 0xe2 && ((u[1] == 0x80 && u[2] >= 0xaa &&
		    u[2] <= 0xae) || (u[1] == 0x81 && u[2] >= 0xa6 &&
		    u[2] <= 0xa9)))
			return 0;
		if (*u >= 0x80 && *u < 0xc2)
			return 0;	/* a stray continuation or C1 byte */
	}
	return 1;
}

/*
 * A schema from a hostile server: a secret field whose name runs commands
 * if it ever leaves quotes, and a default full of escape sequences (the
 * bracketed-paste end among them). Every export, run by sh with stubs,
 * creates nothing, carries no control byte, and the stub still receives
 * the exact bytes of the default.
 */
static void
test_hostile(void)
{
	static const char doc[] =
	    "{\"openapi\":\"3.0.2\",\"components\":{\"schemas\":{\"Input\":"
	    "{\"type\":\"object\",\"properties\":{"
	    "\"tok$(touch T/x)`touch T/y`\":{\"type\":\"string\","
	    "\"format\":\"password\",\"x-cog-secret\":true,\"x-order\":0},"
	    "\"a\\\"b'c$(touch T/z)\":{\"type\":\"string\",\"x-order\":1,"
	    "\"default\":\"x\\u001b[201~\\u001b]0;pwn\\u0007\\u009b31m"
	    "\\u202eevil\\u2066\\u007fend\"}}},"
	    "\"Output\":{\"type\":\"string\"}}}}";
	static char buf[1 << 16];
	const char *argv[64];
	char dir[] = "/tmp/r8play-share-XXXXXX", err[512], *out;
	char *docx, *p, path[256];
	const char *text;
	struct share_target t = { "o/m", NULL, NULL, NULL };
	struct schema s;
	struct form *f;
	int k, argc, i;

	if (mkdtemp(dir) == NULL)
		return;
	/* T/ in the names is the scratch folder */
	docx = malloc(sizeof doc + 256);
	p = docx;
	for (i = 0; doc[i] != '\0'; i++) {
		if (doc[i] == 'T' && doc[i + 1] == '/') {
			p += sprintf(p, "%s", dir);
			continue;
		}
		*p++ = doc[i];
	}
	*p = '\0';
	if (!T_EQ(schema_parse(docx, strlen(docx), &s, err, sizeof err), 0)) {
		printf("     %s\n", err);
		free(docx);
		return;
	}
	f = form_new_from_schema(&s);
	/* the default as a value (an example loaded, or typed back) */
	snprintf(path, sizeof path, "a\"b'c$(touch %s/z)", dir);
	T_EQ(form_set(f, path, "x\x1b[201~\x1b]0;pwn\x07\xc2\x9b" "31m"
	    "\xe2\x80\xae" "evil\xe2\x81\xa6\x7f" "end", err, sizeof err), 0);
	snprintf(path, sizeof path, "tok$(touch %s/x)`touch %s/y`", dir, dir);
	T_EQ(form_set(f, path, "sekrit", err, sizeof err), 0);
	setenv("TOK_TOUCH__", "v", 1);
	for (k = 0; k < SHARE__COUNT; k++) {
		out = NULL;
		T_EQ(share_export(f, (enum share_format)k, &t, &out, err,
		    sizeof err), 0);
		if (out == NULL)
			continue;
		if (!T_OK(inert(out)))
			printf("     %s export carries a control byte\n",
			    share_format_name((enum share_format)k));
		if (k != SHARE_PYTHON && k != SHARE_JS) {
			argc = stub_args(k == SHARE_COG ? "cog" : k ==
			    SHARE_R8PLAY ? "r8play" : "curl", out, buf,
			    sizeof buf, argv, 64);
			if (!T_OK(argc > 2))
				printf("     export was:\n%s\n", out);
			if (k == SHARE_COG || k == SHARE_R8PLAY) {
				/* the default arrives byte for byte */
				text = NULL;
				for (i = 0; i + 1 < argc; i++)
					if (strncmp(argv[i + 1], "a\"b'c", 5)
					    == 0)
						text = argv[i + 1];
				T_OK(text != NULL && strstr(text, "=x\x1b[201~"
				    "\x1b]0;pwn\x07\xc2\x9b" "31m\xe2\x80\xae"
				    "evil\xe2\x81\xa6\x7f" "end") != NULL);
			}
		}
		free(out);
	}
	unsetenv("TOK_TOUCH__");
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%c", dir, "xyz"[i]);
		if (!T_OK(access(path, F_OK) != 0))
			printf("     the export ran a command: %s\n", path);
		unlink(path);
	}
	rmdir(dir);
	free(docx);
	form_free(f);
	schema_done(&s);
}

int
main(void)
{
	test_quote();
	test_hostile();
	test_curl();
	test_secrets();
	return T_SUMMARY();
}
