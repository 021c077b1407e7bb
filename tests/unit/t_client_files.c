/*
 * tests/unit/t_client_files.c: what client/ writes and reads on disk: safe
 * output names, data: URI decoding, atomic de-duplicated writes, the
 * config file parser and its 0600 rule.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/net/config.h"
#include "client/net/outputs.h"
#include "tests/unit/t.h"
#include "tests/unit/tfile.h"

static char *
name_of(const char *value, const char *key)
{
	static char buf[OUTPUTS_MAX_NAME + 1];

	outputs_safe_name(value, key, buf, sizeof buf);
	return buf;
}

static void
test_names(void)
{
	char big[400], *n;
	size_t i;

	T_STREQ(name_of("https://replicate.delivery/pbxt/abc/out-0.png", NULL),
	    "out-0.png");
	T_STREQ(name_of("https://x.test/a/b/file.webp?sig=1&e=2#frag", NULL),
	    "file.webp");
	T_STREQ(name_of("https://x.test/../../etc/passwd", NULL), "passwd");
	T_STREQ(name_of("https://x.test/a%2F..%2F..%2Fevil.sh", NULL),
	    "evil.sh");
	T_STREQ(name_of("https://x.test/..", NULL), "output");
	T_STREQ(name_of("https://x.test/.bashrc", NULL), "bashrc");
	T_STREQ(name_of("https://x.test/", NULL), "output");
	T_STREQ(name_of("https://x.test", NULL), "output");
	T_STREQ(name_of("https://x.test/na me;rm -rf $(x).png", NULL),
	    "na_me_rm_-rf___x_.png");
	T_STREQ(name_of("https://x.test/%1b%5b31mred%0a.png", NULL),
	    "__31mred_.png");
	T_STREQ(name_of("https://x.test/caf%C3%A9.jpg", NULL), "caf__.jpg");
	T_STREQ(name_of("data:image/png;base64,AAAA", NULL), "output.png");
	T_STREQ(name_of("data:image/webp;base64,AAAA", "images[0]"),
	    "images.webp");
	T_STREQ(name_of("data:application/x-unknown,xx", NULL), "output");
	T_STREQ(name_of("data:,hi", "../../x"), "output");
	T_STREQ(name_of(NULL, NULL), "output");
	T_STREQ(name_of("/local/path/out.png", NULL), "out.png");
	/* long names keep their extension and the cap */
	memcpy(big, "https://x.test/", 15);
	for (i = 15; i < 300; i++)
		big[i] = 'a';
	memcpy(big + 300, ".png", 5);
	n = name_of(big, NULL);
	T_EQ(strlen(n), OUTPUTS_MAX_NAME);
	T_STREQ(n + strlen(n) - 4, ".png");
	T_STREQ(outputs_mime_ext("image/jpeg"), ".jpg");
	T_STREQ(outputs_mime_ext("audio/wav; codecs=1"), ".wav");
	T_STREQ(outputs_mime_ext("x/y"), "");
	T_STREQ(outputs_mime_ext(NULL), "");
}

static void
test_data_uri(void)
{
	unsigned char *d;
	size_t len;
	char *mime, err[128];

	T_EQ(outputs_data_decode("data:text/plain;base64,SGVsbG8sIFdvcmxkIQ==",
	    100, &d, &len, &mime, err, sizeof err), CLIENT_OK);
	T_EQ(len, 13);
	T_OK(memcmp(d, "Hello, World!", 13) == 0);
	T_STREQ(mime, "text/plain");
	free(d);
	free(mime);
	T_EQ(outputs_data_decode("data:;base64,SGk", 100, &d, &len, &mime,
	    err, sizeof err), CLIENT_OK);	/* no padding */
	T_EQ(len, 2);
	T_OK(memcmp(d, "Hi", 2) == 0);
	T_STREQ(mime, "text/plain");
	free(d);
	free(mime);
	T_EQ(outputs_data_decode("data:,Hello%2C%20World", 100, &d, &len,
	    NULL, err, sizeof err), CLIENT_OK);
	T_STREQ((char *)d, "Hello, World");
	free(d);
	T_EQ(outputs_data_decode("data:image/png;base64,AAA*AAAA", 100, &d,
	    &len, NULL, err, sizeof err), CLIENT_EPARSE);
	T_OK(strstr(err, "byte 25") != NULL);
	T_OK(d == NULL);
	T_EQ(outputs_data_decode("data:image/png;base64,QQ=A", 100, &d, &len,
	    NULL, err, sizeof err), CLIENT_EPARSE);
	T_EQ(outputs_data_decode("data:image/png;base64,QUJD", 2, &d, &len,
	    NULL, err, sizeof err), CLIENT_ELIMIT);
	T_EQ(outputs_data_decode("http://x", 2, &d, &len, NULL, err,
	    sizeof err), CLIENT_EPARSE);
	T_EQ(outputs_data_decode("data:nocomma", 2, &d, &len, NULL, err,
	    sizeof err), CLIENT_EPARSE);
}


static int
count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static void
test_write(void)
{
	char tmpl[] = "/tmp/t_client_files.XXXXXX", dir[128], err[256];
	char *p1 = NULL, *p2 = NULL, *p3 = NULL, *got;
	static const unsigned char bytes[] = { 0x89, 'P', 'N', 'G', 0, 1, 2 };
	size_t len;

	T_OK(mkdtemp(tmpl) != NULL);
	snprintf(dir, sizeof dir, "%s/sub/dir", tmpl);
	T_EQ(outputs_write(dir, "output.png", bytes, sizeof bytes, &p1, err,
	    sizeof err), CLIENT_OK);
	T_EQ(outputs_write(dir, "output.png", "x", 1, &p2, err, sizeof err),
	    CLIENT_OK);
	T_EQ(outputs_write(dir, "README", "y", 1, &p3, err, sizeof err),
	    CLIENT_OK);
	T_OK(p1 != NULL && strstr(p1, "/sub/dir/output.png") != NULL);
	T_OK(p2 != NULL && strstr(p2, "/sub/dir/output-1.png") != NULL);
	T_OK(p3 != NULL && strstr(p3, "/sub/dir/README") != NULL);
	got = t_slurp(p1, &len);
	T_EQ(len, sizeof bytes);
	T_OK(got != NULL && memcmp(got, bytes, sizeof bytes) == 0);
	free(got);
	got = t_slurp(p2, &len);
	T_OK(got != NULL && len == 1 && got[0] == 'x');
	free(got);
	T_EQ(count_entries(dir, "."), 2);	/* "." and "..": no temp left */
	free(p3);
	p3 = NULL;
	T_EQ(outputs_write(dir, "README", "z", 1, &p3, err, sizeof err),
	    CLIENT_OK);
	T_OK(p3 != NULL && strstr(p3, "README-1") != NULL);
	/* a directory that cannot be made */
	T_EQ(outputs_write("/proc/nope/x", "a", "b", 1, &got, err, sizeof err),
	    CLIENT_EIO);
	T_OK(strstr(err, "/proc/nope") != NULL);
	remove(p1);
	remove(p2);
	remove(p3);
	free(p1);
	free(p2);
	free(p3);
	rmdir(dir);
	snprintf(dir, sizeof dir, "%s/sub", tmpl);
	rmdir(dir);
	rmdir(tmpl);
}

struct seen {
	char keys[8][32];
	unsigned lines[8];
	int n;
};

static int
collect(const char *key, const char *value, unsigned line, void *arg,
    char *err, size_t errsz)
{
	struct seen *s = arg;

	if (strcmp(key, "bad") == 0) {
		snprintf(err, errsz, "no bad keys");
		return -1;
	}
	if (s->n < 8) {
		snprintf(s->keys[s->n], 32, "%s=%s", key, value);
		s->lines[s->n++] = line;
	}
	return 0;
}

static void
test_config_parse(void)
{
	struct seen s = { 0 };
	char err[256];
	const char *txt = "# r8play\n\n  theme = dark \napi_base=http://x/v1\n"
	    "output_dir = \"my outputs\"\r\nempty =\n";

	T_EQ(config_parse(txt, strlen(txt), "cfg", collect, &s, err,
	    sizeof err), 0);
	T_EQ(s.n, 4);
	T_STREQ(s.keys[0], "theme=dark");
	T_EQ(s.lines[0], 3);
	T_STREQ(s.keys[1], "api_base=http://x/v1");
	T_STREQ(s.keys[2], "output_dir=my outputs");
	T_STREQ(s.keys[3], "empty=");
	T_EQ(config_parse("a = 1\nno equals here\n", 21, "cfg", collect, &s,
	    err, sizeof err), -1);
	T_STREQ(err, "cfg:2: expected key = value");
	T_EQ(config_parse("\n\n = v\n", 7, "cfg", collect, &s, err,
	    sizeof err), -1);
	T_STREQ(err, "cfg:3: missing key before '='");
	T_EQ(config_parse("ok=1\nbad = 2\n", 12, "cfg", collect, &s, err,
	    sizeof err), -1);
	T_STREQ(err, "cfg:2: no bad keys");
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
}

static void
test_config_load(void)
{
	char tmpl[] = "/tmp/t_client_cfg.XXXXXX", path[256], err[512];
	const char *secret = "r8_secret_do_not_print_0123";
	struct config cfg;
	char text[256];

	T_OK(mkdtemp(tmpl) != NULL);
	setenv("R8PLAY_CONFIG_DIR", tmpl, 1);
	T_OK(config_path(path, sizeof path, err, sizeof err) == 0);
	T_OK(strstr(path, tmpl) == path && strstr(path, "/config") != NULL);
	/* no file: an empty config */
	T_EQ(config_load(&cfg, false, err, sizeof err), CLIENT_OK);
	T_OK(cfg.path == NULL && cfg.token == NULL);
	config_done(&cfg);

	snprintf(text, sizeof text, "token = %s\napi_base = http://h/v1\n"
	    "local = http://localhost:5001\n", secret);
	write_file(path, text, 0644);
	T_EQ(config_load(&cfg, false, err, sizeof err), CLIENT_ECONFIG);
	printf("     e.g. \"%s\"\n", err);
	T_OK(strstr(err, "0644") != NULL && strstr(err, "0600") != NULL);
	T_OK(strstr(err, "chmod 600") != NULL);
	T_OK(strstr(err, secret) == NULL);
	T_OK(cfg.token == NULL);
	chmod(path, 0640);
	T_EQ(config_load(&cfg, false, err, sizeof err), CLIENT_ECONFIG);
	chmod(path, 0600);
	T_EQ(config_load(&cfg, false, err, sizeof err), CLIENT_OK);
	T_STREQ(cfg.token, secret);
	T_STREQ(cfg.api_base, "http://h/v1");
	T_STREQ(cfg.local, "http://localhost:5001");
	unsetenv("REPLICATE_API_TOKEN");
	unsetenv("R8PLAY_API_BASE");
	T_STREQ(config_token(&cfg), secret);
	T_STREQ(config_api_base(&cfg), "http://h/v1");
	setenv("REPLICATE_API_TOKEN", "r8_env", 1);
	setenv("R8PLAY_API_BASE", "http://env/v1", 1);
	T_STREQ(config_token(&cfg), "r8_env");
	T_STREQ(config_api_base(&cfg), "http://env/v1");
	unsetenv("REPLICATE_API_TOKEN");
	unsetenv("R8PLAY_API_BASE");
	config_done(&cfg);
	T_STREQ(config_api_base(NULL), "https://api.replicate.com/v1");
	T_OK(config_token(NULL) == NULL);

	/* no token: a world-readable file is fine */
	write_file(path, "theme = light\n", 0644);
	T_EQ(config_load(&cfg, false, err, sizeof err), CLIENT_OK);
	T_STREQ(cfg.theme, "light");
	config_done(&cfg);
	/* unknown keys: errors when strict, skipped when lenient */
	write_file(path, "theme = light\nkeymap = vi\n", 0600);
	T_EQ(config_load(&cfg, false, err, sizeof err), CLIENT_ECONFIG);
	T_OK(strstr(err, ":2: unknown key 'keymap'") != NULL);
	T_EQ(config_load(&cfg, true, err, sizeof err), CLIENT_OK);
	T_STREQ(cfg.theme, "light");
	config_done(&cfg);
	config_done(&cfg);
	remove(path);

	setenv("R8PLAY_CONFIG_DIR", "", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	T_OK(config_path(path, sizeof path, err, sizeof err) == 0);
	T_STREQ(path, "/xdg/r8play/config");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/u", 1);
	T_OK(config_path(path, sizeof path, err, sizeof err) == 0);
	T_STREQ(path, "/home/u/.config/r8play/config");
	unsetenv("R8PLAY_CONFIG_DIR");
	rmdir(tmpl);
}

int
main(void)
{
	test_names();
	test_data_uri();
	test_write();
	test_config_parse();
	test_config_load();
	return T_SUMMARY();
}
