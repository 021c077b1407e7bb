/* Unit tests for tui/term.c: the tmux pane offset behind image placement. */
#include "tui/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/t.h"

/* Put a stand-in `tmux` printing `answer` first on PATH. */
static void
fake_tmux(const char *dir, const char *answer)
{
	char path[512], newpath[4096];
	FILE *fp;

	snprintf(path, sizeof path, "%s/tmux", dir);
	fp = fopen(path, "w");
	if (fp == NULL)
		return;
	fprintf(fp, "#!/bin/sh\nprintf '%%s\\n' '%s'\n", answer);
	fclose(fp);
	chmod(path, 0755);
	snprintf(newpath, sizeof newpath, "%s:%s", dir, getenv("PATH"));
	setenv("PATH", newpath, 1);
}

int
main(void)
{
	char dir[] = "/tmp/t_tui_term.XXXXXX";
	char *oldpath = strdup(getenv("PATH"));
	int r = -1, c = -1;

	unsetenv("TMUX");
	term_pane_offset(&r, &c);
	T_OK(r == 0 && c == 0);		/* outside tmux: no offset */

	T_OK(mkdtemp(dir) != NULL);
	setenv("TMUX", "/tmp/tmux-0/default,42,0", 1);
	fake_tmux(dir, "5 40");
	term_pane_offset(&r, &c);
	T_EQ(r, 5);
	T_EQ(c, 40);

	setenv("PATH", oldpath, 1);
	fake_tmux(dir, "garbage");
	term_pane_offset(&r, &c);
	T_OK(r == 0 && c == 0);		/* an answer we cannot read: 0,0 */

	setenv("PATH", oldpath, 1);
	fake_tmux(dir, "-3 99999");
	term_pane_offset(&r, &c);
	T_OK(r == 0 && c == 0);		/* out of range: 0,0 */

	setenv("PATH", "/nonexistent", 1);
	term_pane_offset(&r, &c);
	T_OK(r == 0 && c == 0);		/* no tmux at all */

	setenv("PATH", oldpath, 1);
	{
		char p[600];

		snprintf(p, sizeof p, "%s/tmux", dir);
		unlink(p);
		rmdir(dir);
	}
	free(oldpath);
	return T_SUMMARY();
}
