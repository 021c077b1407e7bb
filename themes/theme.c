/* themes/theme.c: role names, the theme file parser, the shipped themes. */
#include "themes/theme.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {
#define X(r, n) n,
	THEME_ROLES(X)
#undef X
};

/* Shipped theme files, generated from the .theme files at build time. */
static const struct builtin {
	const char	*name;
	const char	*text;
} builtins[] = {
#include "themes_builtin.inc"
};

static const char *const builtin_names[] = { "dark", "light", "mono", NULL };

static const char *const color_names[] = { "black", "red", "green", "yellow",
	"blue", "magenta", "cyan", "white" };

static const struct {
	const char	*name;
	unsigned	bit;
} attr_names[] = {
	{ "bold", THEME_ATTR_BOLD }, { "dim", THEME_ATTR_DIM },
	{ "underline", THEME_ATTR_UNDERLINE },
	{ "reverse", THEME_ATTR_REVERSE }, { "italic", THEME_ATTR_ITALIC },
	{ "blink", THEME_ATTR_BLINK }, { "none", 0 },
};

const char *
theme_role_name(enum theme_role r)
{
	return (unsigned)r < THEME__COUNT ? role_names[r] : "?";
}

static int
word_eq(const char *w, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' ||
		    tolower((unsigned char)w[i]) != tolower((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

int
theme_role_find(const char *name, size_t len)
{
	int r;

	for (r = 0; r < THEME__COUNT; r++)
		if (word_eq(name, len, role_names[r]))
			return r;
	return -1;
}

void
theme_init(struct theme *th)
{
	memset(th, 0, sizeof *th);
}

static void
seterr(char *err, size_t errsz, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (errsz == 0)
		return;
	n = snprintf(err, errsz, "%u:%u: ", line, col);
	if (n < 0 || (size_t)n >= errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	va_end(ap);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse one colour word; 0 ok, -1 bad. */
static int
parse_color(const char *w, size_t n, struct theme_color *c)
{
	size_t i;
	unsigned v = 0;

	if (word_eq(w, n, "default")) {
		c->kind = THEME_COLOR_DEFAULT;
		c->value = 0;
		return 0;
	}
	for (i = 0; i < 8; i++) {
		if (word_eq(w, n, color_names[i])) {
			c->kind = THEME_COLOR_INDEX;
			c->value = (unsigned)i;
			return 0;
		}
		if (n > 7 && word_eq(w, 7, "bright-") &&
		    word_eq(w + 7, n - 7, color_names[i])) {
			c->kind = THEME_COLOR_INDEX;
			c->value = (unsigned)i + 8;
			return 0;
		}
	}
	if (n == 7 && w[0] == '#') {
		for (i = 1; i < 7; i++) {
			if (hexval((unsigned char)w[i]) < 0)
				return -1;
			v = v << 4 | (unsigned)hexval((unsigned char)w[i]);
		}
		c->kind = THEME_COLOR_RGB;
		c->value = v;
		return 0;
	}
	if (n >= 1 && n <= 3) {
		for (i = 0; i < n; i++) {
			if (!isdigit((unsigned char)w[i]))
				return -1;
			v = v * 10 + (unsigned)(w[i] - '0');
		}
		if (v > 255)
			return -1;
		c->kind = THEME_COLOR_INDEX;
		c->value = v;
		return 0;
	}
	return -1;
}

/* Parse "bold,underline"; 0 ok, else the 1-based offset of the bad word. */
static size_t
parse_attrs(const char *w, size_t n, unsigned *attrs)
{
	size_t i = 0, j, k;
	unsigned a = 0;

	while (i < n) {
		for (j = i; j < n && w[j] != ','; j++)
			;
		for (k = 0; k < sizeof attr_names / sizeof attr_names[0]; k++)
			if (word_eq(w + i, j - i, attr_names[k].name))
				break;
		if (k == sizeof attr_names / sizeof attr_names[0])
			return i + 1;
		a |= attr_names[k].bit;
		i = j + 1;
	}
	*attrs = a;
	return 0;
}

/* One line (no newline). 0, or -1 with err set. */
static int
parse_line(const char *s, size_t n, unsigned line, struct theme *th,
    char *err, size_t errsz)
{
	const char *w[8];
	size_t wl[8], col[8], nw = 0, i = 0, j, k;
	struct theme_style st;
	int r;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n || s[i] == '#')
			break;
		if (nw == 8) {
			seterr(err, errsz, line, (unsigned)i + 1,
			    "too many words");
			return -1;
		}
		w[nw] = s + i;
		col[nw] = i + 1;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		wl[nw] = (size_t)(s + i - w[nw]);
		nw++;
	}
	if (nw == 0)
		return 0;
	if (word_eq(w[0], wl[0], "name")) {
		if (nw != 2 || wl[1] >= THEME_NAME_MAX) {
			seterr(err, errsz, line, (unsigned)col[0],
			    "'name' takes one word of at most %d bytes",
			    THEME_NAME_MAX - 1);
			return -1;
		}
		memcpy(th->name, w[1], wl[1]);
		th->name[wl[1]] = '\0';
		return 0;
	}
	if (!word_eq(w[0], wl[0], "role")) {
		seterr(err, errsz, line, (unsigned)col[0],
		    "unknown directive '%.*s' (name, role)", (int)wl[0], w[0]);
		return -1;
	}
	if (nw < 2) {
		seterr(err, errsz, line, (unsigned)(col[0] + wl[0]),
		    "'role' needs a role name");
		return -1;
	}
	r = theme_role_find(w[1], wl[1]);
	if (r < 0) {
		seterr(err, errsz, line, (unsigned)col[1],
		    "unknown role '%.*s'", (int)wl[1], w[1]);
		return -1;
	}
	st = th->role[r];
	for (k = 2; k < nw; k++) {
		const char *v;
		size_t vl;

		for (j = 0; j < wl[k] && w[k][j] != '='; j++)
			;
		if (j == wl[k]) {
			seterr(err, errsz, line, (unsigned)col[k],
			    "expected key=value, got '%.*s'", (int)wl[k], w[k]);
			return -1;
		}
		v = w[k] + j + 1;
		vl = wl[k] - j - 1;
		if (word_eq(w[k], j, "fg") || word_eq(w[k], j, "bg")) {
			struct theme_color *c = w[k][0] == 'f' ||
			    w[k][0] == 'F' ? &st.fg : &st.bg;

			if (parse_color(v, vl, c) != 0) {
				seterr(err, errsz, line,
				    (unsigned)(col[k] + j + 1),
				    "bad colour '%.*s'", (int)vl, v);
				return -1;
			}
		} else if (word_eq(w[k], j, "attrs")) {
			size_t bad = parse_attrs(v, vl, &st.attrs);

			if (bad != 0 || vl == 0) {
				seterr(err, errsz, line,
				    (unsigned)(col[k] + j + bad + (bad ? 0 : 1)),
				    "bad attribute in '%.*s'", (int)vl, v);
				return -1;
			}
		} else {
			seterr(err, errsz, line, (unsigned)col[k],
			    "unknown key '%.*s' (fg, bg, attrs)", (int)j, w[k]);
			return -1;
		}
	}
	th->role[r] = st;
	return 0;
}

int
theme_parse(const char *text, size_t len, struct theme *th, char *err,
    size_t errsz)
{
	size_t i = 0, j;
	unsigned line = 1;

	if (errsz > 0)
		err[0] = '\0';
	if (len > THEME_MAX_BYTES) {
		seterr(err, errsz, 1, 1, "theme file over %d bytes",
		    THEME_MAX_BYTES);
		return -1;
	}
	while (i < len) {
		for (j = i; j < len && text[j] != '\n'; j++)
			if (text[j] == '\0') {
				seterr(err, errsz, line, (unsigned)(j - i + 1),
				    "NUL byte");
				return -1;
			}
		if (j - i > THEME_MAX_LINE) {
			seterr(err, errsz, line, THEME_MAX_LINE + 1,
			    "line longer than %d bytes", THEME_MAX_LINE);
			return -1;
		}
		if (parse_line(text + i, j > i && text[j - 1] == '\r' ?
		    j - i - 1 : j - i, line, th, err, errsz) != 0)
			return -1;
		i = j + 1;
		line++;
	}
	return 0;
}

int
theme_builtin(const char *name, struct theme *th, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
		if (strcmp(builtins[i].name, name) != 0)
			continue;
		theme_init(th);
		if (theme_parse(builtins[i].text, strlen(builtins[i].text), th,
		    err, errsz) != 0)
			return -1;
		if (th->name[0] == '\0')
			snprintf(th->name, sizeof th->name, "%s", name);
		return 0;
	}
	snprintf(err, errsz, "unknown theme '%s' (dark, light, mono)", name);
	return -1;
}

const char *const *
theme_builtin_names(void)
{
	return builtin_names;
}

void
theme_color_str(struct theme_color c, char *out, size_t outsz)
{
	switch (c.kind) {
	case THEME_COLOR_DEFAULT:
		snprintf(out, outsz, "default");
		break;
	case THEME_COLOR_INDEX:
		snprintf(out, outsz, "%u", c.value);
		break;
	case THEME_COLOR_RGB:
		snprintf(out, outsz, "#%06x", c.value & 0xffffff);
		break;
	}
}
