/*
 * themes/theme.h: colour roles and theme files. Plain C: no ncurses here;
 * widgets/style.c maps roles to colour pairs and degrades colours for the
 * terminal at hand.
 *
 * A theme file is text, one directive per line, '#' starts a comment:
 *	name dark
 *	role selected fg=#ffffff bg=blue attrs=bold,underline
 * Colours: default | black red green yellow blue magenta cyan white |
 * bright-black ... bright-white | 0-255 | #rrggbb. Attributes: bold dim
 * underline reverse italic blink, or none. Roles not named keep the
 * built-in fallback (default colours, no attributes).
 */
#ifndef PG_THEMES_THEME_H
#define PG_THEMES_THEME_H

#include <stddef.h>

/* X(ID, name in theme files) */
#define THEME_ROLES(X)							\
	X(NORMAL, "normal") \
	X(TITLE, "title") \
	X(STATUS, "status") \
	X(SELECTED, "selected") \
	X(DIM, "dim") \
	X(KEY, "key") \
	X(ERROR, "error") \
	X(COST, "cost") \
	X(FIELD, "field") \
	X(FIELD_FOCUS, "field_focus") \
	X(BORDER, "border") \
	X(TAB, "tab") \
	X(TAB_ACTIVE, "tab_active") \
	X(HEADER, "header") \
	X(OK, "ok") \
	X(WARN, "warn") \
	X(NOTICE, "notice") \
	X(PROGRESS, "progress") \
	X(LINK, "link") \
	X(LOG, "log")

enum theme_role {
#define X(r, n) THEME_##r,
	THEME_ROLES(X)
#undef X
	THEME__COUNT
};

/* Largest theme file theme_parse() accepts, longest line, longest name. */
#define THEME_MAX_BYTES	65536
#define THEME_MAX_LINE	512
#define THEME_NAME_MAX	32

enum theme_color_kind { THEME_COLOR_DEFAULT, THEME_COLOR_INDEX,
	THEME_COLOR_RGB };

struct theme_color {
	enum theme_color_kind	kind;
	unsigned		value;	/* 0-255, or 0xRRGGBB */
};

#define THEME_ATTR_BOLD		(1u << 0)
#define THEME_ATTR_DIM		(1u << 1)
#define THEME_ATTR_UNDERLINE	(1u << 2)
#define THEME_ATTR_REVERSE	(1u << 3)
#define THEME_ATTR_ITALIC	(1u << 4)
#define THEME_ATTR_BLINK	(1u << 5)

struct theme_style {
	struct theme_color	fg, bg;
	unsigned		attrs;	/* THEME_ATTR_* */
};

struct theme {
	char			name[THEME_NAME_MAX];
	struct theme_style	role[THEME__COUNT];
};

/* The role's name in theme files ("normal", "field_focus"); static. */
const char *theme_role_name(enum theme_role);

/* The role named (case-insensitive), or -1. */
int theme_role_find(const char *name, size_t len);

/* Every role default colours, no attributes, name "". */
void theme_init(struct theme *th);

/*
 * Parse a theme file of len bytes (not necessarily NUL-terminated) on top
 * of the roles already in *th (call theme_init() or theme_builtin() first).
 * Returns 0, or -1 with "LINE:COL: what" in err; on error *th may be
 * partly updated. Bounded by THEME_MAX_BYTES and THEME_MAX_LINE.
 */
int theme_parse(const char *text, size_t len, struct theme *th, char *err,
    size_t errsz);

/*
 * Load a shipped theme ("dark", "light", "mono") into *th. Returns 0, or
 * -1 with "unknown theme 'x' (dark, light, mono)" in err.
 */
int theme_builtin(const char *name, struct theme *th, char *err,
    size_t errsz);

/* The shipped theme names, NULL-terminated; static. */
const char *const *theme_builtin_names(void);

/* Write a colour as a theme file would ("default", "12", "#a0b0c0"). */
void theme_color_str(struct theme_color c, char *out, size_t outsz);

#endif
