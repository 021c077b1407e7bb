/* Unit tests for themes/: role names, the theme file parser, shipped themes. */
#include "themes/theme.h"

#include <string.h>

#include "tests/unit/t.h"

static int
parse(const char *text, struct theme *th, char *err, size_t errsz)
{
	theme_init(th);
	return theme_parse(text, strlen(text), th, err, errsz);
}

int
main(void)
{
	struct theme th;
	char err[128];
	char c[16];
	const char *const *names;

	/* names */
	T_STREQ(theme_role_name(THEME_NORMAL), "normal");
	T_STREQ(theme_role_name(THEME_FIELD_FOCUS), "field_focus");
	T_STREQ(theme_role_name(THEME__COUNT), "?");
	T_EQ(theme_role_find("SELECTED", 8), THEME_SELECTED);
	T_EQ(theme_role_find("select", 6), -1);

	/* empty input, comments, blank lines */
	T_EQ(parse("", &th, err, sizeof err), 0);
	T_EQ(th.role[THEME_NORMAL].fg.kind, THEME_COLOR_DEFAULT);
	T_EQ(parse("# only a comment\n\n   \t\n", &th, err, sizeof err), 0);

	/* normal lines */
	T_EQ(parse("name test\nrole selected fg=#FFffff bg=blue "
	    "attrs=bold,underline\nrole dim fg=244 # trailing\r\n"
	    "role key fg=bright-yellow\n", &th, err, sizeof err), 0);
	T_STREQ(th.name, "test");
	T_EQ(th.role[THEME_SELECTED].fg.kind, THEME_COLOR_RGB);
	T_EQ(th.role[THEME_SELECTED].fg.value, 0xffffff);
	T_EQ(th.role[THEME_SELECTED].bg.kind, THEME_COLOR_INDEX);
	T_EQ(th.role[THEME_SELECTED].bg.value, 4);
	T_EQ(th.role[THEME_SELECTED].attrs,
	    THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE);
	T_EQ(th.role[THEME_DIM].fg.value, 244);
	T_EQ(th.role[THEME_KEY].fg.value, 11);
	T_EQ(th.role[THEME_NORMAL].fg.kind, THEME_COLOR_DEFAULT);

	/* a later line updates only what it names */
	T_EQ(parse("role title fg=red attrs=bold\nrole title bg=green\n", &th,
	    err, sizeof err), 0);
	T_EQ(th.role[THEME_TITLE].fg.value, 1);
	T_EQ(th.role[THEME_TITLE].bg.value, 2);
	T_EQ(th.role[THEME_TITLE].attrs, THEME_ATTR_BOLD);
	T_EQ(parse("role title attrs=none\n", &th, err, sizeof err), 0);
	T_EQ(th.role[THEME_TITLE].attrs, 0);

	/* errors say line:col */
	T_EQ(parse("role normal\nrole nope fg=red\n", &th, err, sizeof err), -1);
	T_STREQ(err, "2:6: unknown role 'nope'");
	T_EQ(parse("role dim fg=blu\n", &th, err, sizeof err), -1);
	T_STREQ(err, "1:13: bad colour 'blu'");
	T_EQ(parse("role dim fg=256\n", &th, err, sizeof err), -1);
	T_STREQ(err, "1:13: bad colour '256'");
	T_EQ(parse("role dim fg=#12345g\n", &th, err, sizeof err), -1);
	T_EQ(parse("role dim attrs=bold,wobbly\n", &th, err, sizeof err), -1);
	T_STREQ(err, "1:21: bad attribute in 'bold,wobbly'");
	T_EQ(parse("\n\ncolour dim\n", &th, err, sizeof err), -1);
	T_STREQ(err, "3:1: unknown directive 'colour' (name, role)");
	T_EQ(parse("role dim size=3\n", &th, err, sizeof err), -1);
	T_STREQ(err, "1:10: unknown key 'size' (fg, bg, attrs)");
	T_EQ(parse("role dim fg\n", &th, err, sizeof err), -1);
	T_EQ(parse("role\n", &th, err, sizeof err), -1);
	T_EQ(parse("name a b\n", &th, err, sizeof err), -1);
	T_EQ(theme_parse("role dim\0x", 10, &th, err, sizeof err), -1);
	T_STREQ(err, "1:9: NUL byte");
	{
		char big[THEME_MAX_LINE + 20];

		memset(big, ' ', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		T_EQ(parse(big, &th, err, sizeof err), -1);
	}
	/* tiny error buffers stay NUL-terminated */
	T_EQ(parse("role nope\n", &th, err, 4), -1);
	T_EQ(strlen(err), 3);

	/* shipped themes all parse and differ */
	names = theme_builtin_names();
	for (; *names; names++) {
		T_EQ(theme_builtin(*names, &th, err, sizeof err), 0);
		T_STREQ(th.name, *names);
	}
	T_EQ(theme_builtin("dark", &th, err, sizeof err), 0);
	T_EQ(th.role[THEME_SELECTED].bg.kind, THEME_COLOR_RGB);
	T_EQ(theme_builtin("mono", &th, err, sizeof err), 0);
	T_EQ(th.role[THEME_SELECTED].bg.kind, THEME_COLOR_DEFAULT);
	T_OK(th.role[THEME_SELECTED].attrs & THEME_ATTR_REVERSE);
	T_EQ(theme_builtin("neon", &th, err, sizeof err), -1);
	T_STREQ(err, "unknown theme 'neon' (dark, light, mono)");

	theme_color_str((struct theme_color){ THEME_COLOR_RGB, 0xa0b0c }, c,
	    sizeof c);
	T_STREQ(c, "#0a0b0c");
	theme_color_str((struct theme_color){ THEME_COLOR_INDEX, 12 }, c,
	    sizeof c);
	T_STREQ(c, "12");
	return T_SUMMARY();
}
