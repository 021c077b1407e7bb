/*
 * tui/view/tab_play_complete.c: Tab completion of a path in the prompt of
 * a file field of the Playground (in a file array's comma list, the item
 * the cursor is in, up to the cursor; the items after it stay as they are):
 * the candidates of the folder, their common prefix, a list when several.
 */
#include "tui/app.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* qsort() order of the completion candidates. */
static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
tab_play_prompt_complete(struct app *app)
{
	struct prompt *p = &app->prompt.edit;
	char dir[PROMPT_MAX + 1], base[PROMPT_MAX + 1], common[256];
	char hint[APP_MSG_MAX], lead[PROMPT_MAX + 1];
	char head[PROMPT_MAX + 1], tail[PROMPT_MAX + 1];
	const char *item = p->buf, *slash;
	size_t blen, nmatch = 0, ho = 0, i;
	char **names = NULL;
	struct dirent *de;
	bool common_dir = false;
	DIR *d;

	/* a file array's prompt holds a comma list: complete the item the
	 * cursor is in (what is typed of it), keep what follows the cursor */
	lead[0] = '\0';
	tail[0] = '\0';
	if (tab_play_is_file_array(tab_play_focused(app))) {
		const char *comma;

		xsnprintf(head, sizeof head, "%.*s", (int)p->cur, p->buf);
		xsnprintf(tail, sizeof tail, "%s", p->buf + p->cur);
		comma = strrchr(head, ',');
		item = comma != NULL ? comma + 1 : head;
		while (*item == ' ')
			item++;
		xsnprintf(lead, sizeof lead, "%.*s", (int)(item - head), head);
	}
	slash = strrchr(item, '/');
	if (slash != NULL) {
		size_t dl = (size_t)(slash - item) + 1;

		memcpy(dir, item, dl);
		dir[dl] = '\0';
		snprintf(base, sizeof base, "%s", slash + 1);
	} else {
		snprintf(dir, sizeof dir, "./");
		snprintf(base, sizeof base, "%s", item);
	}
	blen = strlen(base);
	d = opendir(dir);
	if (d == NULL) {
		xsnprintf(app->prompt.hint, sizeof app->prompt.hint,
		    "%s: %s", dir, strerror(errno));
		app->dirty |= DIRTY_STATUS;
		return;
	}
	common[0] = '\0';
	hint[0] = '\0';
	/* the candidates, sorted (readdir order is the filesystem's) */
	while ((de = readdir(d)) != NULL && nmatch < 4096) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_name[0] == '.' && blen == 0)
			continue;
		names = xrealloc(names, (nmatch + 1) * sizeof *names);
		names[nmatch++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, nmatch, sizeof *names, cmp_name);
	for (i = 0; i < nmatch; i++) {
		size_t k;

		if (i == 0) {
			char full[PROMPT_MAX + 300];
			struct stat st;

			xsnprintf(common, sizeof common, "%s", names[0]);
			xsnprintf(full, sizeof full, "%s%s", dir, names[0]);
			common_dir = stat(full, &st) == 0 &&
			    S_ISDIR(st.st_mode);
		} else {
			for (k = 0; common[k] && common[k] == names[i][k]; k++)
				;
			common[k] = '\0';
		}
		if (ho + strlen(names[i]) + 2 < sizeof hint)
			ho += (size_t)snprintf(hint + ho, sizeof hint - ho,
			    "%s%s", ho ? "  " : "", names[i]);
	}
	for (i = 0; i < nmatch; i++)
		free(names[i]);
	free(names);
	if (nmatch == 0) {
		xsnprintf(app->prompt.hint, sizeof app->prompt.hint,
		    "no file starts with '%s'", base);
	} else {
		char out[PROMPT_MAX + 1];
		size_t cur;

		xsnprintf(out, sizeof out, "%s%s%s%s", lead,
		    slash ? dir : "", common,
		    nmatch == 1 && common_dir ? "/" : "");
		cur = strlen(out);
		xsnprintf(out + cur, sizeof out - cur, "%s", tail);
		prompt_set(p, out, false);
		/* the cursor after the completed item (the text before it is
		 * whole code points: it fit above) */
		if (cur < p->len)
			p->cur = cur;
		if (nmatch > 1)
			snprintf(app->prompt.hint, sizeof app->prompt.hint,
			    "%s", hint);
		else
			app->prompt.hint[0] = '\0';
	}
	app->dirty |= DIRTY_STATUS;
}

