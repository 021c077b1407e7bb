/*
 * tui/view/tab_info.c: the model page's Info tab: the model's card (owner,
 * visibility, runs, description, version, links), what changed in the
 * inputs since the version first shown, or a local target's state,
 * health and cog.yaml.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/project/project.h"
#include "tui/draw.h"
#include "tui/view/look.h"
#include "widgets/paint.h"

/* Append n bytes of s to the buffer *b (used *o of *cap). */
static void
put(char **b, size_t *o, size_t *cap, const char *s, size_t n)
{
	if (*o + n + 1 > *cap) {
		*cap = (*o + n + 1) * 2;
		*b = xrealloc(*b, *cap);
	}
	memcpy(*b + *o, s, n);
	*o += n;
	(*b)[*o] = '\0';
}

char *
tab_info_readme(const char *md, size_t len)
{
	size_t o = 0, cap = 0, i = 0;
	char *b = NULL;

	put(&b, &o, &cap, "", 0);
	if (len > MPAGE_README_MAX)
		len = MPAGE_README_MAX;
	while (i < len) {
		unsigned char c = (unsigned char)md[i];
		bool img = c == '!' && i + 1 < len && md[i + 1] == '[';

		if (c == '[' || img) {
			/* [text](url) -> text <url>; ![alt](url) -> [image:
			 * alt] <url> */
			size_t t0 = i + (img ? 2 : 1), t1, u0, u1;

			t1 = t0;
			while (t1 < len && md[t1] != ']' && md[t1] != '\n')
				t1++;
			u0 = t1 + 2;
			u1 = u0;
			if (t1 + 1 < len && md[t1] == ']' && md[t1 + 1] == '(')
				while (u1 < len && md[u1] != ')' &&
				    md[u1] != '\n' && md[u1] != ' ')
					u1++;
			if (t1 + 1 < len && md[t1] == ']' &&
			    md[t1 + 1] == '(' && u1 < len && md[u1] == ')') {
				if (img)
					put(&b, &o, &cap, "[image: ", 8);
				put(&b, &o, &cap, md + t0, t1 - t0);
				put(&b, &o, &cap, img ? "] <" : " <", img ? 3 :
				    2);
				put(&b, &o, &cap, md + u0, u1 - u0);
				put(&b, &o, &cap, ">", 1);
				i = u1 + 1;
				continue;
			}
		}
		if (c == '\t')
			put(&b, &o, &cap, "    ", 4);
		else if (c == '\n' || c >= 0x20)
			put(&b, &o, &cap, md + i, 1);
		i++;
	}
	return b;
}

/* A local target's card: what it is, its state and health, its Cog
 * version and its cog.yaml summary (an image's run.cog.config label, or
 * the --dev folder's file, mistakes named: client/project words them).
 * Every value came from a server, an image or a file: paint_text()
 * sanitises it. */
static void
info_local(const struct app *app, int y, int h, int skip)
{
	const struct mpage *mp = &app->mp;
	const struct local_target *lt = &app->locals[mp->local_idx];
	struct project_line pl[PROJECT_MAX_LINES];
	bool dev = app->devv.d != NULL && app->devv.local_idx == mp->local_idx;
	char t[1024], st[96];
	size_t i, n;
	int r = 0;

#define LINE(txt, attr) do {						\
		if (skip > 0)						\
			skip--;						\
		else if (r < h)						\
			paint_text(y + r++, 2, app->cols - 4, (txt), (attr)); \
	} while (0)
	if (dev)
		xsnprintf(t, sizeof t, "Cog project %s (r8play --dev)",
		    app->devv.dir);
	else
		xsnprintf(t, sizeof t, "%s", lt->image ? "Cog image (Docker)" :
		    "local Cog server");
	LINE(t, ATTR(TITLE));
	LINE(lt->image ? lt->image : lt->url, ATTR(LINK));
	if (lt->image != NULL && lt->container[0] != '\0')
		LINE(lt->url, ATTR(LINK));
	dock_state_text_of(app, mp->local_idx, st, sizeof st);
	xsnprintf(t, sizeof t, "state    %s", st);
	LINE(t, ATTR(FIELD));
	if (lt->health != NULL) {
		snprintf(t, sizeof t, "health   %s%s%s",
		    cog_health_name(lt->health->state),
		    lt->health->cog_version ? " \xc2\xb7 cog " : "",
		    or_empty(lt->health->cog_version));
		LINE(t, ATTR(OK));
	}
	if (lt->cog_version != NULL) {
		xsnprintf(t, sizeof t, "cog      %s (run.cog.version)",
		    lt->cog_version);
		LINE(t, ATTR(FIELD));
	} else if (mp->schema.cog_version != NULL) {
		snprintf(t, sizeof t, "cog      %s", mp->schema.cog_version);
		LINE(t, ATTR(FIELD));
	}
	if (lt->project == NULL && lt->project_err[0] == '\0')
		return;
	LINE("", ATTR(NORMAL));
	LINE(dev ? "cog.yaml" : "cog.yaml (the image's run.cog.config label)",
	    ATTR(TITLE));
	if (lt->project == NULL) {
		LINE(lt->project_err, ATTR(ERROR));
		return;
	}
	n = project_summary(lt->project, pl, PROJECT_MAX_LINES);
	for (i = 0; i < n; i++) {
		xsnprintf(t, sizeof t, "%-16s %s", pl[i].label, pl[i].text);
		LINE(t, pl[i].mistake ? ATTR(ERROR) : ATTR(FIELD));
	}
	if (lt->project->n_issues == 0 && dev)
		LINE("no mistakes found", ATTR(OK));
#undef LINE
}

/* The card, scrolled by info_top; LINE() skips the scrolled-off lines. */
static void
info_draw(const struct app *app, int y, int h, struct frame *fr)
{
	const struct mpage *mp = &app->mp;
	const struct model *m = mp->model;
	char t[1024], n[32];
	int r = 0, skip = mp->info_top;

	(void)fr;
#define LINE(txt, attr) do {						\
		if (skip > 0)						\
			skip--;						\
		else if (r < h)						\
			paint_text(y + r++, 2, app->cols - 4, (txt), (attr)); \
	} while (0)
	if (mp->local) {
		info_local(app, y, h, skip);
		return;
	}
	if (m == NULL) {
		LINE(mp->error[0] ? mp->error : "loading\xe2\x80\xa6",
		    mp->error[0] ? ATTR(ERROR) : ATTR(DIM));
		return;
	}
	snprintf(t, sizeof t, "%s/%s", or_empty(m->owner), or_empty(m->name));
	LINE(t, ATTR(TITLE));
	snprintf(t, sizeof t, "owner %s \xc2\xb7 %s \xc2\xb7 %s runs%s",
	    or_empty(m->owner), or_empty(m->visibility), draw_count(m->run_count, n,
	    sizeof n), m->is_official ? " \xc2\xb7 official model" : "");
	LINE(t, ATTR(DIM));
	LINE("", ATTR(NORMAL));
	if (m->description != NULL) {
		int need = paint_wrap(-1, 0, app->cols - 4, 100,
		    m->description, 0);

		if (skip >= need)
			skip -= need;
		else if (r < h) {
			r += paint_wrap(y + r, 2, app->cols - 4, h - r,
			    m->description, ATTR(NORMAL));
			skip = 0;
		}
		LINE("", ATTR(NORMAL));
	}
	if (m->latest_version != NULL) {
		snprintf(t, sizeof t, "version  %s", or_empty(m->latest_version->id));
		LINE(t, ATTR(FIELD));
		snprintf(t, sizeof t, "created  %s", or_empty(
		    m->latest_version->created_at));
		LINE(t, ATTR(FIELD));
		if (m->latest_version->cog_version != NULL) {
			snprintf(t, sizeof t, "cog      %s",
			    m->latest_version->cog_version);
			LINE(t, ATTR(FIELD));
		}
	}
	if (m->created_at != NULL) {
		snprintf(t, sizeof t, "model created %s", m->created_at);
		LINE(t, ATTR(DIM));
	}
	if (mp->diff.n > 0) {
		size_t k;

		LINE("", ATTR(NORMAL));
		xsnprintf(t, sizeof t, "changed since version %.12s:",
		    mp->diff_from);
		LINE(t, ATTR(WARN));
		for (k = 0; k < mp->diff.n; k++)
			LINE(or_empty(mp->diff.changes[k].text), ATTR(FIELD));
	}
	LINE("", ATTR(NORMAL));
	if (m->url) {
		snprintf(t, sizeof t, "web      %s", m->url);
		LINE(t, ATTR(LINK));
	}
	if (m->github_url) {
		snprintf(t, sizeof t, "github   %s", m->github_url);
		LINE(t, ATTR(LINK));
	}
	if (m->paper_url) {
		snprintf(t, sizeof t, "paper    %s", m->paper_url);
		LINE(t, ATTR(LINK));
	}
	if (m->license_url) {
		snprintf(t, sizeof t, "license  %s", m->license_url);
		LINE(t, ATTR(LINK));
	}
	if (m->weights_url) {
		snprintf(t, sizeof t, "weights  %s", m->weights_url);
		LINE(t, ATTR(LINK));
	}
	/* the README, a paragraph (source line) at a time, wrapped */
	LINE("", ATTR(NORMAL));
	LINE("README", ATTR(TITLE));
	if (mp->readme == NULL)
		LINE(mp->readme_error[0] ? mp->readme_error :
		    "loading\xe2\x80\xa6", ATTR(DIM));
	else {
		const char *p = mp->readme;

		while (*p != '\0' && r < h) {
			size_t ln = strcspn(p, "\n");
			char line[2048];
			int need;

			xsnprintf(line, sizeof line, "%.*s", (int)ln, p);
			need = line[0] ? paint_wrap(-1, 0, app->cols - 4, 1000,
			    line, 0) : 1;
			if (skip >= need)
				skip -= need;
			else {
				r += line[0] ? paint_wrap(y + r, 2,
				    app->cols - 4, h - r, line,
				    strstr(line, " <http") ? ATTR(LINK) :
				    line[0] == '#' ? ATTR(TITLE) :
				    ATTR(NORMAL)) : 1;
				skip = 0;
			}
			p += ln + (p[ln] == '\n');
		}
	}
#undef LINE
}

/* Up / down scroll the card. */
static void
info_move(struct app *app, long d)
{
	struct mpage *mp = &app->mp;

	mp->info_top += (int)d;
	if (mp->info_top < 0)
		mp->info_top = 0;
}

const struct tab_ops info_tab_ops = {
	.title = "Info",
	.ctx = CTX_INFO,
	.move_by = info_move,
	.draw = info_draw,
};
