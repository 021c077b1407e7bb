/* Unit tests for widgets/tw.c: width, truncation (CJK), sanitising. */
#include "widgets/tw.h"

#include <locale.h>
#include <string.h>

#include "tests/unit/t.h"

static const char *
fit(const char *s, int cols, int pad)
{
	static char out[256];

	tw_fit(s, cols, out, sizeof out, pad);
	return out;
}

static const char *
san(const char *s, size_t len, int flat)
{
	static char out[256];

	tw_sanitize(s, len, out, sizeof out, flat);
	return out;
}

int
main(void)
{
	uint32_t cp;
	char small[6];

	T_OK(setlocale(LC_ALL, "C.UTF-8") != NULL);

	/* NULL and empty */
	T_EQ(tw_width(NULL), 0);
	T_EQ(tw_width(""), 0);
	T_STREQ(fit(NULL, 5, 0), "");
	T_STREQ(fit("abc", 0, 0), "");
	T_EQ(tw_decode("", 0, &cp), 0);

	/* zero-width marks (a hostile name) never crowd out the padding or
	 * the ellipsis in a buffer of the documented cols * 4 + 4 bytes
	 * (make fuzz-long: 2 cells asked, 1 given) */
	{
		char marks[128], out[2 * 4 + 4];
		size_t i;
		int w;

		for (i = 0; i < 40; i++)
			memcpy(marks + 2 * i, "\xcc\x80", 2);	/* U+0300 */
		memcpy(marks + 80, "abc", 4);
		w = tw_fit(marks, 2, out, sizeof out, 1);
		T_EQ(w, 2);
		T_EQ(tw_width(out), 2);
		T_OK(strstr(out, "\xe2\x80\xa6") != NULL);	/* cut: … */
		marks[80] = '\0';		/* marks only: padded */
		w = tw_fit(marks, 2, out, sizeof out, 1);
		T_EQ(w, 2);
		T_EQ(tw_width(out), 2);
	}

	/* decode */
	T_EQ(tw_decode("\xe4\xbd\x9c", 3, &cp), 3);
	T_EQ(cp, 0x4f5c);
	T_EQ(tw_decode("\xe4\xbd", 2, &cp), 1);		/* truncated */
	T_EQ(cp, 0xfffd);
	T_EQ(tw_decode("\xc0\xaf", 2, &cp), 1);		/* overlong */
	T_EQ(cp, 0xfffd);
	T_EQ(tw_decode("\xed\xa0\x80", 3, &cp), 1);	/* surrogate */
	T_EQ(cp, 0xfffd);
	T_EQ(tw_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	T_EQ(cp, 0x1f600);

	/* width */
	T_EQ(tw_width("hello"), 5);
	T_EQ(tw_width("作者"), 4);
	T_EQ(tw_width("e\xcc\x81"), 1);		/* combining acute */
	T_EQ(tw_width("a\x1b[31mb"), 2 + 2 + 4);	/* ^[ then "[31mb" */
	T_EQ(tw_width("\xff"), 1);

	/* fit: no cut, cut with ellipsis, CJK at the edge, pad */
	T_STREQ(fit("hello", 5, 0), "hello");
	T_STREQ(fit("hello world", 8, 0), "hello w…");
	T_EQ(tw_width(fit("hello world", 8, 0)), 8);
	T_STREQ(fit("作者作者", 8, 0), "作者作者");
	T_STREQ(fit("作者作者", 7, 0), "作者作…");
	T_STREQ(fit("作者作者", 6, 0), "作者…");	/* 作 would straddle */
	T_EQ(tw_width(fit("作者作者", 6, 0)), 5);
	T_STREQ(fit("作者作者", 6, 1), "作者… ");
	T_EQ(tw_width(fit("作者作者", 6, 1)), 6);
	T_STREQ(fit("ab", 5, 1), "ab   ");
	T_STREQ(fit("abcdef", 1, 0), "…");
	T_STREQ(fit("a\tb\nc", 10, 0), "a b c");
	T_STREQ(fit("\x1b]52;c;AAAA\x07", 8, 0), "^[]52;c…");

	/* sanitise: escapes made visible, never raw */
	T_STREQ(san("\x1b[2J", 4, 0), "^[[2J");
	T_STREQ(san("a\x7f" "b", 3, 0), "a^?b");
	T_STREQ(san("\xc2\x9b" "31m", 5, 0), "\xef\xbf\xbd" "31m");
	T_STREQ(san("x\ny", 3, 0), "x^Jy");
	T_STREQ(san("x\ny", 3, 1), "x y");
	T_STREQ(san("nul\0in", 6, 0), "nul^@in");
	T_OK(strchr(san("\x1bP q#0\x1b\\", 8, 0), 0x1b) == NULL);
	/* bidi embeddings, overrides, isolates are shown, never obeyed */
	{
		static const char *const bidi[] = { "\xe2\x80\xaa",
		    "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad",
		    "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa7",
		    "\xe2\x81\xa8", "\xe2\x81\xa9" };
		char in[16];
		size_t i;

		for (i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
			snprintf(in, sizeof in, "a%sb", bidi[i]);
			T_STREQ(san(in, strlen(in), 0), "a\xef\xbf\xbd" "b");
			T_EQ(tw_width(in), 3);
			T_STREQ(fit(in, 5, 0), "a\xef\xbf\xbd" "b");
		}
		/* a neighbour stays: U+2030 */
		T_STREQ(san("\xe2\x80\xb0", 3, 0), "\xe2\x80\xb0");
	}
	/* out of room: stops at a code point boundary, NUL-terminated */
	T_EQ(tw_sanitize("ab作", 5, small, sizeof small, 0), 5);
	T_STREQ(small, "ab作");
	T_EQ(tw_sanitize("abc作", 6, small, sizeof small, 0), 3);
	T_STREQ(small, "abc");

	/* skip */
	T_EQ(tw_skip_cols("作者ab", 2), 3);
	T_EQ(tw_skip_cols("ab", 9), 2);
	return T_SUMMARY();
}
