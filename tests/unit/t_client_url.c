/*
 * tests/unit/t_client_url.c: which URLs get the API token. Dot segments
 * are resolved first (curl resolves them before sending), so a path that
 * climbs out of the API base never carries the token; a token holding a
 * control byte (a header injection) is refused at client_new.
 */
#include <stdlib.h>
#include <string.h>

#include "client/net/client.h"
#include "client/net/http.h"
#include "tests/unit/t.h"

static const char *
norm(const char *url)
{
	static char out[256];

	if (http_url_normalise(url, out, sizeof out) != 0)
		return "(error)";
	return out;
}

static void
test_normalise(void)
{
	T_STREQ(norm("https://h/v1/../../x"), "https://h/x");
	T_STREQ(norm("https://h/v1/./a/../b?q=/../#f"), "https://h/v1/b?q=/../#f");
	T_STREQ(norm("https://h/v1/a/.."), "https://h/v1/");
	T_STREQ(norm("https://h/v1/%2e%2E/x"), "https://h/x");
	T_STREQ(norm("https://h/v1/.%2e/x"), "https://h/x");
	T_STREQ(norm("https://h/v1/...x/y"), "https://h/v1/...x/y");
	T_STREQ(norm("https://h"), "https://h");
	T_STREQ(norm("https://h?a"), "https://h?a");
	T_STREQ(norm("no-scheme"), "(error)");
}

static void
test_under(void)
{
	static const char base[] = "https://api.replicate.com/v1";

	T_OK(http_url_under(base, "https://api.replicate.com/v1/models"));
	T_OK(http_url_under(base, "https://api.replicate.com/v1"));
	T_OK(http_url_under(base, "https://api.replicate.com/v1?x=1"));
	T_OK(http_url_under("https://api.replicate.com/v1/", 
	    "https://api.replicate.com/v1/models"));
	T_OK(http_url_under(base, "https://api.replicate.com/v1/a/../b"));
	/* what the hostile server's urls.get tried */
	T_OK(!http_url_under(base, "https://api.replicate.com/v1/../../x"));
	T_OK(!http_url_under(base, "https://api.replicate.com/v1/%2e%2e/x"));
	T_OK(!http_url_under(base, "https://api.replicate.com/v1/.."));
	T_OK(!http_url_under(base, "https://api.replicate.com/v10"));
	T_OK(!http_url_under(base, "https://api.replicate.com/x/v1"));
	T_OK(!http_url_under(base, "https://api.replicate.com.evil/v1/m"));
	T_OK(!http_url_under(base, "https://api.replicate.com@evil/v1/m"));
	T_OK(!http_url_under(base, "https://files.replicate.delivery/v1"));
}

static void
test_token_refused(void)
{
	static const char *const bad[] = { "r8_abc\r\nX-Evil: 1", "r8_abc\n",
	    "r8\x1b[2J", "r8\x7f" };
	struct client_config cc;
	struct client *c;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		client_config_defaults(&cc);
		cc.token = bad[i];
		err[0] = '\0';
		c = client_new(&cc, err, sizeof err);
		T_OK(c == NULL);
		client_free(c);
		T_OK(strstr(err, "API token") != NULL);
		T_OK(strstr(err, "r8") == NULL);	/* never echoed */
	}
	T_OK(strstr(err, "control character") != NULL);
	client_config_defaults(&cc);
	cc.token = "r8_fine_token";
	c = client_new(&cc, err, sizeof err);
	T_OK(c != NULL);
	client_free(c);
}

int
main(void)
{
	test_normalise();
	test_under();
	test_token_refused();
	return T_SUMMARY();
}
