/*
 * tests/fuzz/fuzz_client_text.c: client/'s small text parsers on untrusted
 * bytes. Byte 0 picks the parser (cJSON's fuzzer trick), the rest is the
 * input:
 *   0 config_parse (key = value lines)      1 cog_health_parse
 *   2 cog_problem (Cog error bodies)        3 cog_validation_lines (422)
 *   4 share_sh_quote + share_secret_var     5 prediction_progress (tqdm)
 * Invariants after each input: no crash or leak; err is one NUL-terminated
 * line; config keys arrive trimmed, without '=' and line numbers grow; a
 * failed health parse leaves *out zeroed; cog_problem's line holds no raw
 * control characters; validation lines stay inside the caller's buffer and
 * count; a shell-quoted word unquotes (POSIX rules) back to its input and
 * has no byte outside single quotes but \'; secret variable names are
 * [A-Z0-9_] not starting with a digit; progress is a finite percentage.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cog/cog.h"
#include "client/net/config.h"
#include "client/net/prediction.h"
#include "client/forms/share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_line(const char *err, size_t n)
{
	if (memchr(err, '\0', n) == NULL || strchr(err, '\n') != NULL)
		abort();
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

struct cfg_state {
	unsigned last;
	unsigned calls;
};

static int
cfg_line(const char *key, const char *value, unsigned line, void *arg,
    char *err, size_t errsz)
{
	struct cfg_state *st = arg;
	size_t kl = strlen(key), vl = strlen(value);

	if (kl == 0 || blank(key[0]) || blank(key[kl - 1]) ||
	    strchr(key, '=') != NULL || strchr(key, '\n') != NULL || strchr(value, '\n') != NULL ||
	    line <= st->last || kl + vl >= CONFIG_MAX_LINE)
		abort();
	st->last = line;
	st->calls++;
	if (strcmp(key, "bad") == 0) {
		snprintf(err, errsz, "no key %s", key);
		return -1;
	}
	return 0;
}

/*
 * Undo r8play's POSIX quoting: 'abc'\''def' -> abc'def, and
 * "$(printf '\033\302\233')" -> the octal bytes; -1 if malformed.
 */
static int
sh_unquote(const char *q, char *out, size_t outsz)
{
	size_t o = 0;

	while (*q != '\0') {
		if (*q == '\'') {
			for (q++; *q != '\'' && *q != '\0'; q++) {
				if (o + 1 >= outsz)
					return -1;
				out[o++] = *q;
			}
			if (*q != '\'')
				return -1;	/* unbalanced */
			q++;
		} else if (q[0] == '\\' && q[1] == '\'') {
			if (o + 1 >= outsz)
				return -1;
			out[o++] = '\'';
			q += 2;
		} else if (strncmp(q, "\"$(printf '", 11) == 0) {
			for (q += 11; q[0] == '\\' && q[1] >= '0' && q[1] <= '3' &&
			    q[2] >= '0' && q[2] <= '7' && q[3] >= '0' &&
			    q[3] <= '7'; q += 4) {
				if (o + 1 >= outsz)
					return -1;
				out[o++] = (char)((q[1] - '0') * 64 +
				    (q[2] - '0') * 8 + (q[3] - '0'));
			}
			if (strncmp(q, "')\"", 3) != 0)
				return -1;
			q += 3;
		} else
			return -1;	/* a raw byte outside quotes */
	}
	out[o] = '\0';
	return 0;
}

static void
check_quote(const char *s, size_t len)
{
	char *q = share_sh_quote(s), *back, var[64];
	size_t i;

	if (q == NULL)
		return;
	back = malloc(strlen(q) + 1);
	if (back == NULL) {
		free(q);
		return;
	}
	if (sh_unquote(q, back, strlen(q) + 1) != 0 || strcmp(back, s) != 0)
		abort();
	for (i = 0; q[i] != '\0'; i++)	/* inert: no control byte */
		if (((unsigned char)q[i] < 0x20 && q[i] != '\t' &&
		    q[i] != '\n') || q[i] == 0x7f || ((unsigned char)q[i] ==
		    0xc2 && (unsigned char)q[i + 1] >= 0x80 &&
		    (unsigned char)q[i + 1] <= 0x9f))
			abort();
	free(back);
	free(q);
	if (len == 0)
		return;
	share_secret_var(s, var, sizeof var);
	if (var[0] == '\0' || isdigit((unsigned char)var[0]))
		abort();
	for (i = 0; var[i] != '\0'; i++)
		if (!(isupper((unsigned char)var[i]) ||
		    isdigit((unsigned char)var[i]) || var[i] == '_'))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 503, 500, 422, 409, 404, 400,
	    0 };
	char err[256];
	const char *body = (const char *)data + 1;
	char *s;
	size_t len, i;
	unsigned sel;
	long status;

	if (size < 1)
		return 0;
	sel = data[0] % 6;
	status = statuses[(data[0] >> 3) % 8];
	len = size - 1;
	/* a NUL-terminated copy for the parsers that want a C string */
	s = malloc(len + 1);
	if (s == NULL)
		return 0;
	memcpy(s, body, len);
	s[len] = '\0';
	memset(err, 'x', sizeof err);
	err[sizeof err - 1] = '\0';
	switch (sel) {
	case 0: {
		struct cfg_state st = { 0, 0 };

		if (config_parse(body, len, "fuzz", cfg_line, &st, err,
		    sizeof err) != 0 && strncmp(err, "fuzz", 4) != 0)
			abort();
		break;
	}
	case 1: {
		struct cog_health h;

		if (cog_health_parse(status, body, len, &h, err,
		    sizeof err) == CLIENT_OK) {
			if ((unsigned)h.state >= COG_HEALTH__COUNT ||
			    cog_health_name(h.state) == NULL)
				abort();
			(void)cog_health_can_predict(&h);
		} else if (h.status_text != NULL || h.setup_logs != NULL ||
		    h.setup_status != NULL || h.cog_version != NULL)
			abort();
		cog_health_done(&h);
		break;
	}
	case 2:
		(void)cog_problem("fuzz", status, body, len, err, sizeof err);
		for (i = 0; err[i] != '\0'; i++)
			if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
				abort();
		break;
	case 3: {
		char buf[512];
		const char *lines[8];
		size_t n = cog_validation_lines(body, len, buf,
		    (data[0] & 0x80) ? 40 : sizeof buf, lines, 8);
		size_t cap = (data[0] & 0x80) ? 40 : sizeof buf;

		if (n > 8)
			abort();
		for (i = 0; i < n; i++)
			if (lines[i] < buf || lines[i] >= buf + cap ||
			    memchr(lines[i], '\0',
			    (size_t)(buf + cap - lines[i])) == NULL)
				abort();
		break;
	}
	case 4:
		check_quote(s, len);
		break;
	default: {
		struct prediction p;
		int d = -2, t = -2;
		double pct = -1;

		memset(&p, 0, sizeof p);
		if (prediction_append_logs(&p, body, len) == 0 &&
		    prediction_progress(&p, &d, &t, &pct)) {
			if (!isfinite(pct) || pct < 0 || d < -1 || t < -1)
				abort();
		}
		prediction_done(&p);
		break;
	}
	}
	check_line(err, sizeof err);
	free(s);
	return 0;
}
