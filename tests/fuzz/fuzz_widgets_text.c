/*
 * tests/fuzz/fuzz_widgets_text.c: widgets/tw.c, the one place untrusted
 * text (model names, descriptions, logs) is made safe to print and
 * measured, and widgets/kb.c's key names. Byte 0 picks the columns for
 * tw_fit and whether tw_sanitize is flat; the rest is the text (its first
 * four bytes are also tried as a key for kb_name).
 * Invariants (C.UTF-8 locale): no crash; tw_decode consumes 1..4 bytes
 * within the input and gives a scalar value (no surrogate, <= U+10FFFF);
 * tw_sanitize's output is NUL-terminated, within its buffer, valid UTF-8
 * with no C0, DEL or C1 character (flat: no tab/CR/LF either; "^X" forms
 * are plain ASCII), the same when sanitised again, and as wide as the
 * input measured by tw_width_n; tw_fit never uses more than cols cells,
 * exactly cols when padding, and prints nothing unsafe; tw_skip_cols stays
 * inside the string; a key's name parses back to a key of that name.
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/kb.h"
#include "widgets/tw.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "C.utf8");
	return 0;
}

/* Valid UTF-8 with nothing a terminal would act on. */
static void
check_safe(const char *s, size_t len, int flat)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = tw_decode(s + i, len - i, &cp);

		if (n == 0 || n > 4 || i + n > len)
			abort();
		if (cp == 0xfffd && (n != 3 ||
		    memcmp(s + i, "\xef\xbf\xbd", 3) != 0))
			abort();	/* an invalid byte got through */
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			abort();
		(void)flat;
		i += n;
	}
}

static void
check_decode(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = tw_decode(s + i, len - i, &cp);

		if (n < 1 || n > 4 || n > len - i || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			abort();
		i += n;
	}
	if (tw_decode(s, 0, &(uint32_t){ 0 }) != 0)
		abort();
}

static void
check_keys(const uint8_t *p, size_t len)
{
	char name[KB_NAME_MAX + 1];
	int k, key;
	size_t i;

	k = kb_parse((const char *)p, len);
	if (k != -1) {
		char again[KB_NAME_MAX + 1];
		int k2;

		/* raw "\n" parses as LF, but its name "<Enter>" as CR: the
		 * name is what must be stable */
		memset(name, 'x', sizeof name);
		kb_name(k, name, sizeof name);
		if (memchr(name, '\0', sizeof name) == NULL)
			abort();
		k2 = kb_parse(name, strlen(name));
		if (k2 == -1)
			abort();
		kb_name(k2, again, sizeof again);
		if (strcmp(name, again) != 0)
			abort();
	}
	if (len >= 4) {
		key = (int)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)(p[3] & 0x01) << 24);
		memset(name, 'x', sizeof name);
		kb_name(key, name, sizeof name);
		if (memchr(name, '\0', sizeof name) == NULL)
			abort();
		for (i = 0; name[i] != '\0'; i++)
			if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	char *text, *out, *again, *fit;
	size_t len, n, m, osz, skip;
	int flat, cols, pad, w;

	if (size < 1)
		return 0;
	cols = data[0] & 0x3f;
	flat = (data[0] >> 6) & 1;
	pad = data[0] >> 7;
	s = (const char *)data + 1;
	len = size - 1;
	check_decode(s, len);
	check_keys(data + 1, len);
	/* NUL-terminated copy, cut at the first NUL */
	text = malloc(len + 1);
	osz = len * TW_EXPAND + 1;
	out = malloc(osz);
	again = malloc(osz * TW_EXPAND + 1);
	fit = malloc((size_t)cols * 4 + 4);
	if (text == NULL || out == NULL || again == NULL || fit == NULL)
		goto done;
	memcpy(text, s, len);
	text[len] = '\0';
	len = strlen(text);

	memset(out, 'x', osz);
	n = tw_sanitize(text, len, out, osz, flat);
	if (n >= osz || out[n] != '\0' || strlen(out) != n)
		abort();
	check_safe(out, n, flat);
	if (flat && strpbrk(out, "\t\r\n") != NULL)
		abort();
	m = tw_sanitize(out, n, again, osz * TW_EXPAND + 1, flat);
	if (m != n || memcmp(out, again, n) != 0)
		abort();	/* sanitising is idempotent */
	if (!flat && tw_width(out) != tw_width_n(text, len))
		abort();
	if (tw_width(text) != tw_width_n(text, len))
		abort();

	w = tw_fit(text, cols, fit, (size_t)cols * 4 + 4, pad);
	if (w < 0 || w > cols || (pad && w != cols) ||
	    tw_width(fit) != w)
		abort();
	check_safe(fit, strlen(fit), 1);

	skip = tw_skip_cols(text, cols);
	if (skip > len)
		abort();
done:
	free(text);
	free(out);
	free(again);
	free(fit);
	return 0;
}
