/* Unit tests for app_theme_load() (tui/app.c): --theme NAME or a theme
 * file's path, and the FILE:LINE:COL errors it gives. */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/t.h"

static char dir[] = "/tmp/t_tui_theme.XXXXXX";

/* Write len bytes of text (0: up to its NUL) to dir/name; returns the
 * path (static buffer). */
static const char *
put(const char *name, const char *text, size_t len)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL)
		return path;
	fwrite(text, 1, len ? len : strlen(text), fp);
	fclose(fp);
	return path;
}

int
main(void)
{
	struct theme th, dark;
	char err[512], want[600];
	const char *p;
	char *big;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	T_EQ(theme_builtin("dark", &dark, err, sizeof err), 0);

	/* names: the shipped themes; NULL and "" are dark */
	T_EQ(app_theme_load("mono", &th, err, sizeof err), 0);
	T_STREQ(th.name, "mono");
	T_EQ(app_theme_load(NULL, &th, err, sizeof err), 0);
	T_STREQ(th.name, "dark");
	T_EQ(app_theme_load("", &th, err, sizeof err), 0);
	T_STREQ(th.name, "dark");
	T_EQ(app_theme_load("neon", &th, err, sizeof err), -1);
	T_STREQ(err, "unknown theme 'neon' (dark, light, mono)");

	/* a file: its roles over dark's, its name or the file's */
	p = put("sea.theme", "# mine\nrole title fg=#102030 attrs=bold\n", 0);
	T_EQ(app_theme_load(p, &th, err, sizeof err), 0);
	T_STREQ(th.name, "sea");
	T_EQ(th.role[THEME_TITLE].fg.kind, THEME_COLOR_RGB);
	T_EQ(th.role[THEME_TITLE].fg.value, 0x102030u);
	T_EQ(th.role[THEME_TITLE].attrs, THEME_ATTR_BOLD);
	T_OK(memcmp(&th.role[THEME_ERROR], &dark.role[THEME_ERROR],
	    sizeof th.role[0]) == 0);
	p = put("x", "name coral\nrole error fg=1\n", 0);
	T_EQ(app_theme_load(p, &th, err, sizeof err), 0);	/* has a '/' */
	T_STREQ(th.name, "coral");
	T_EQ(th.role[THEME_ERROR].fg.kind, THEME_COLOR_INDEX);
	T_EQ(th.role[THEME_ERROR].fg.value, 1u);
	/* a relative path ending in .theme: the shipped file itself */
	T_EQ(app_theme_load("themes/light.theme", &th, err, sizeof err), 0);
	T_STREQ(th.name, "light");
	{
		struct theme light;

		T_EQ(theme_builtin("light", &light, err, sizeof err), 0);
		T_OK(memcmp(th.role, light.role, sizeof th.role) == 0);
	}

	/* errors: the file, then the parser's LINE:COL */
	p = put("bad.theme", "name b\n\nrole title fg=nope\n", 0);
	T_EQ(app_theme_load(p, &th, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:3:", p);
	T_OK(strncmp(err, want, strlen(want)) == 0);
	T_OK(strstr(err, "nope") != NULL);
	p = put("role.theme", "role nosuchrole fg=1\n", 0);
	T_EQ(app_theme_load(p, &th, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:1:", p);
	T_OK(strncmp(err, want, strlen(want)) == 0);
	snprintf(want, sizeof want, "%s/missing.theme", dir);
	T_EQ(app_theme_load(want, &th, err, sizeof err), -1);
	T_OK(strstr(err, "missing.theme: No such file") != NULL);
	T_EQ(app_theme_load(dir, &th, err, sizeof err), -1);	/* a dir */
	T_OK(strstr(err, dir) == err && strstr(err, ": ") != NULL);
	T_EQ(app_theme_load("nowhere.theme", &th, err, sizeof err), -1);
	T_STREQ(err, "nowhere.theme: No such file or directory");

	/* bounded: one byte over THEME_MAX_BYTES is refused by the parser */
	big = malloc(THEME_MAX_BYTES + 1);
	memset(big, '#', THEME_MAX_BYTES + 1);
	{
		size_t i;

		for (i = 100; i < THEME_MAX_BYTES + 1; i += 100)
			big[i] = '\n';
	}
	p = put("big.theme", big, THEME_MAX_BYTES + 1);
	T_EQ(app_theme_load(p, &th, err, sizeof err), -1);
	T_OK(strncmp(err, p, strlen(p)) == 0);
	p = put("fits.theme", big, THEME_MAX_BYTES);
	T_EQ(app_theme_load(p, &th, err, sizeof err), 0);
	free(big);

	{
		static const char *const names[] = { "sea.theme", "x",
			"bad.theme", "role.theme", "big.theme", "fits.theme" };
		size_t i;
		char path[512];

		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			snprintf(path, sizeof path, "%s/%s", dir, names[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return T_SUMMARY();
}
