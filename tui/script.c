/* tui/script.c: key scripts and screen dumps for the screen-dump tests. */
#include "tui/script.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/app.h"
#include "tui/draw.h"
#include "tui/term.h"
#include "widgets/kb.h"

enum step_kind { ST_KEY, ST_TYPE, ST_WAIT_IDLE, ST_WAIT_TEXT, ST_RESIZE,
	ST_DUMP, ST_SLEEP, ST_CLICK, ST_WHEEL, ST_DUMP_STYLE };

struct step {
	enum step_kind	 kind;
	char		*arg;		/* keys (decoded), text, name */
	int		*keys;
	size_t		 nkeys;
	int		 a, b;
	unsigned	 line;
};

struct script {
	struct step	*steps;
	size_t		 n, pc;
	char		 dir[1024];
	char		 path[1024];
	long long	 wait_since;	/* 0: not waiting */
	long long	 sleep_until;
};

/* A "key" step's names (<C-r>, j, <Esc> ...) into key codes; -1 with
 * "PATH:LINE: why" in err. */
static int
parse_keys(struct step *st, const char *s, char *err, size_t errsz,
    const char *path)
{
	const char *p = s;

	st->keys = xcalloc(strlen(s) + 1, sizeof *st->keys);
	while (*p) {
		const char *e;
		int k;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p == '<' && (e = strchr(p, '>')) != NULL && e > p + 1)
			e++;
		else {
			/* one code point */
			mbstate_t ms;
			wchar_t wc;
			size_t n;

			memset(&ms, 0, sizeof ms);
			n = mbrtowc(&wc, p, strlen(p), &ms);
			if (n == 0 || n > 4)
				n = 1;
			e = p + n;
		}
		k = kb_parse(p, (size_t)(e - p));
		if (k < 0) {
			snprintf(err, errsz, "%s:%u: unknown key '%.*s'", path,
			    st->line, (int)(e - p), p);
			return -1;
		}
		st->keys[st->nkeys++] = k;
		p = e;
	}
	return 0;
}

struct script *
script_load(const char *path, const char *dump_dir, char *err, size_t errsz)
{
	FILE *fp = fopen(path, "r");
	struct script *s;
	char line[4096];
	unsigned ln = 0;

	if (fp == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "%s", dump_dir ? dump_dir : ".");
	snprintf(s->path, sizeof s->path, "%s", path);
	s->steps = xcalloc(SCRIPT_MAX_STEPS, sizeof *s->steps);
	while (fgets(line, sizeof line, fp) != NULL) {
		struct step *st;
		char *p = line, *arg;
		size_t n = strlen(line);

		ln++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if (s->n == SCRIPT_MAX_STEPS) {
			snprintf(err, errsz, "%s:%u: too many steps", path, ln);
			goto fail;
		}
		st = &s->steps[s->n];
		st->line = ln;
		arg = strchr(p, ' ');
		if (arg != NULL)
			*arg++ = '\0';
		else
			arg = p + strlen(p);
		if (strcmp(p, "key") == 0) {
			st->kind = ST_KEY;
			if (parse_keys(st, arg, err, errsz, path) != 0)
				goto fail;
		} else if (strcmp(p, "type") == 0) {
			st->kind = ST_TYPE;
			st->arg = xstrdup(arg);
		} else if (strcmp(p, "wait") == 0 && strcmp(arg, "idle") == 0) {
			st->kind = ST_WAIT_IDLE;
		} else if (strcmp(p, "wait") == 0 &&
		    strncmp(arg, "text ", 5) == 0) {
			st->kind = ST_WAIT_TEXT;
			st->arg = xstrdup(arg + 5);
		} else if (strcmp(p, "resize") == 0 &&
		    sscanf(arg, "%d %d", &st->a, &st->b) == 2 && st->a > 0 &&
		    st->b > 0 && st->a <= 1000 && st->b <= 1000) {
			st->kind = ST_RESIZE;
		} else if (strcmp(p, "dump") == 0 && arg[0] != '\0' &&
		    strchr(arg, '/') == NULL) {
			st->kind = ST_DUMP;
			st->arg = xstrdup(arg);
		} else if (strcmp(p, "dump-style") == 0 && arg[0] != '\0' &&
		    strchr(arg, '/') == NULL) {
			st->kind = ST_DUMP_STYLE;
			st->arg = xstrdup(arg);
		} else if (strcmp(p, "click") == 0 &&
		    sscanf(arg, "%d %d", &st->a, &st->b) == 2) {
			st->kind = ST_CLICK;
		} else if (strcmp(p, "wheel") == 0 &&
		    (strcmp(arg, "up") == 0 || strcmp(arg, "down") == 0)) {
			st->kind = ST_WHEEL;
			st->a = arg[0] == 'u' ? -1 : 1;
		} else if (strcmp(p, "sleep-ms") == 0 &&
		    sscanf(arg, "%d", &st->a) == 1 && st->a >= 0) {
			st->kind = ST_SLEEP;
		} else {
			snprintf(err, errsz, "%s:%u: unknown step '%s%s%s'",
			    path, ln, p, arg[0] ? " " : "", arg);
			goto fail;
		}
		s->n++;
	}
	fclose(fp);
	return s;
fail:
	fclose(fp);
	script_free(s);
	return NULL;
}

void
script_free(struct script *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->steps[i].arg);
		free(s->steps[i].keys);
	}
	free(s->steps);
	free(s);
}

/* One row of stdscr as UTF-8, trailing blanks cut. */
static size_t
row_text(int y, char *out, size_t outsz)
{
	size_t o = 0, last = 0;
	int x, w;

	for (x = 0; x < COLS; x++) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t at;
		short pair;
		char mb[MB_LEN_MAX * (CCHARW_MAX + 1) + 1];
		size_t n;

		if (mvwin_wch(stdscr, y, x, &cc) == ERR)
			break;
		if (getcchar(&cc, wch, &at, &pair, NULL) == ERR || wch[0] == 0)
			wch[0] = L' ', wch[1] = 0;
		n = wcstombs(mb, wch, sizeof mb);
		if (n == (size_t)-1) {
			mb[0] = '?';
			n = 1;
		}
		if (o + n + 1 >= outsz)
			break;
		memcpy(out + o, mb, n);
		o += n;
		if (!(n == 1 && mb[0] == ' '))
			last = o;
		/* ncurses 6.4 returns a wide char again for its right half */
		w = wcwidth(wch[0]);
		if (w > 1)
			x += w - 1;
	}
	out[last] = '\0';
	return last;
}

int
script_dump(const char *path)
{
	FILE *fp = fopen(path, "w");
	char line[8192];
	int y;

	if (fp == NULL)
		return -1;
	for (y = 0; y < LINES; y++) {
		row_text(y, line, sizeof line);
		fprintf(fp, "%s\n", line);
	}
	return fclose(fp) == 0 ? 0 : -1;
}

/*
 * The style of every cell: the theme role's letter ('a' + role, from the
 * colour pair, which is role + 1), else R/B/U/D for reverse, bold,
 * underline, dim without colour, '.' for plain. A key line maps letters
 * to role names. Wide characters count once, as in the text dump.
 */
int
script_dump_style(const char *path)
{
	FILE *fp = fopen(path, "w");
	int x, y, r, used[THEME__COUNT] = { 0 };
	char line[1024];

	if (fp == NULL)
		return -1;
	for (y = 0; y < LINES; y++) {
		size_t o = 0, last = 0;

		for (x = 0; x < COLS && o + 1 < sizeof line; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t at;
			short pair;
			char c = '.';
			int w;

			if (mvwin_wch(stdscr, y, x, &cc) == ERR ||
			    getcchar(&cc, wch, &at, &pair, NULL) == ERR)
				break;
			if (pair > 0 && pair <= THEME__COUNT) {
				c = (char)('a' + pair - 1);
				used[pair - 1] = 1;
			} else if (at & A_REVERSE)
				c = 'R';
			else if (at & A_BOLD)
				c = 'B';
			else if (at & A_UNDERLINE)
				c = 'U';
			else if (at & A_DIM)
				c = 'D';
			line[o++] = c;
			if (c != '.')
				last = o;
			w = wcwidth(wch[0]);
			if (w > 1)
				x += w - 1;
		}
		line[last] = '\0';
		fprintf(fp, "%s\n", line);
	}
	fputs("--", fp);
	for (r = 0; r < THEME__COUNT; r++)
		if (used[r])
			fprintf(fp, " %c=%s", 'a' + r,
			    theme_role_name((enum theme_role)r));
	fputc('\n', fp);
	return fclose(fp) == 0 ? 0 : -1;
}

/* "dump-style NAME": the theme role of every cell, after a fresh frame. */
static void
dump_style(struct script *s, struct app *app, const char *name)
{
	char path[2048];

	if (app->dirty)
		draw_frame(app);
	snprintf(path, sizeof path, "%s/%s.style", s->dir, name);
	if (script_dump_style(path) != 0)
		die("dump %s: %s", path, strerror(errno));
}

/* Some row of the screen holds text ("wait text"). */
static bool
screen_has(const char *text)
{
	char line[8192];
	int y;

	for (y = 0; y < LINES; y++) {
		row_text(y, line, sizeof line);
		if (strstr(line, text) != NULL)
			return true;
	}
	return false;
}

/* "dump NAME": the screen's text into DIR/NAME.screen, after a fresh
 * frame. */
static void
dump(struct script *s, struct app *app, const char *name)
{
	char path[2048];

	if (app->dirty)
		draw_frame(app);
	snprintf(path, sizeof path, "%s/%s.screen", s->dir, name);
	if (script_dump(path) != 0)
		die("dump %s: %s", path, strerror(errno));
}

/* SCRIPT_WAIT_MS, or R8PLAY_SCRIPT_WAIT_MS (1 s to 10 min) for scripts
 * that wait on slow outside things (a real Docker daemon booting). */
static long long
wait_ms(void)
{
	const char *v = getenv("R8PLAY_SCRIPT_WAIT_MS");
	long long n = v != NULL ? atoll(v) : 0;

	return n >= 1000 && n <= 600000 ? n : SCRIPT_WAIT_MS;
}

/* A wait timed out: dump the screen as timeout-lineN, say so, exit 3. */
static int
gave_up(struct script *s, struct app *app, const struct step *st)
{
	char name[64];

	snprintf(name, sizeof name, "timeout-line%u", st->line);
	dump(s, app, name);
	fprintf(stderr, "r8play: %s:%u: wait gave up after %lld ms (screen "
	    "in %s/%s.screen)\n", s->path, st->line, wait_ms(), s->dir,
	    name);
	app->exit_code = 3;
	return 1;
}

int
script_step(struct script *s, struct app *app)
{
	long long now;
	size_t i;

	while (s->pc < s->n && !app->quit) {
		struct step *st = &s->steps[s->pc];

		now = clock_mono_ms();
		switch (st->kind) {
		case ST_KEY:
			for (i = 0; i < st->nkeys && !app->quit; i++)
				app_key(app, st->keys[i]);
			break;
		case ST_TYPE: {
			const char *p = st->arg;
			mbstate_t ms;
			wchar_t wc;
			size_t n;

			memset(&ms, 0, sizeof ms);
			while (*p && (n = mbrtowc(&wc, p, strlen(p), &ms)) > 0 &&
			    n <= 4) {
				app_key(app, (int)wc);
				p += n;
			}
			break;
		}
		case ST_WAIT_IDLE:
			if (s->wait_since == 0)
				s->wait_since = now;
			if (!app_idle(app)) {
				if (now - s->wait_since > wait_ms())
					return gave_up(s, app, st);
				return 0;
			}
			s->wait_since = 0;
			break;
		case ST_WAIT_TEXT:
			if (s->wait_since == 0)
				s->wait_since = now;
			if (app->dirty)
				draw_frame(app);
			if (!screen_has(st->arg)) {
				if (now - s->wait_since > wait_ms())
					return gave_up(s, app, st);
				return 0;
			}
			s->wait_since = 0;
			break;
		case ST_RESIZE:
			term_resize(st->b, st->a);
			app_resize(app, st->b, st->a);
			break;
		case ST_DUMP:
		case ST_DUMP_STYLE:
			/* images decode on the render worker: a dump shows
			 * them once ready, so goldens do not race it */
			if (images_pending(app) > 0) {
				if (s->wait_since == 0)
					s->wait_since = now;
				if (now - s->wait_since <= SCRIPT_WAIT_MS)
					return 0;
			}
			s->wait_since = 0;
			if (st->kind == ST_DUMP)
				dump(s, app, st->arg);
			else
				dump_style(s, app, st->arg);
			break;
		case ST_CLICK:
			if (app->dirty)
				draw_frame(app);	/* hits need the layout */
			app_mouse(app, st->b, st->a, 0);
			break;
		case ST_WHEEL:
			if (app->dirty)
				draw_frame(app);
			app_mouse(app, 0, 0, st->a);
			break;
		case ST_SLEEP:
			if (s->sleep_until == 0) {
				s->sleep_until = now + st->a;
				return 0;
			}
			if (now < s->sleep_until)
				return 0;
			s->sleep_until = 0;
			break;
		}
		s->pc++;
	}
	if (s->pc >= s->n)
		return 1;
	return 0;
}

int
script_timeout_ms(const struct script *s, const struct app *app, int timeout)
{
	const struct step *st;

	if (s->pc >= s->n)
		return 0;
	st = &s->steps[s->pc];
	if (st->kind == ST_SLEEP && s->sleep_until != 0) {
		long long d = s->sleep_until - clock_mono_ms();

		if (d < 0)
			d = 0;
		return timeout < 0 || d < timeout ? (int)d : timeout;
	}
	/* waits look again often; other steps run at once */
	if (st->kind == ST_WAIT_IDLE || st->kind == ST_WAIT_TEXT ||
	    ((st->kind == ST_DUMP || st->kind == ST_DUMP_STYLE) &&
	    images_pending(app) > 0))
		return timeout < 0 || timeout > 20 ? 20 : timeout;
	return 0;
}
