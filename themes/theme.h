/*
 * themes/theme.h: colour roles and theme files. Plain C: no ncurses here;
 * widgets/style.c maps roles to colour pairs.
 */
#ifndef PG_THEMES_THEME_H
#define PG_THEMES_THEME_H

#define THEME_ROLES(X) X(NORMAL) X(TITLE) X(STATUS) X(SELECTED) X(DIM) X(KEY) \
	X(ERROR) X(COST) X(FIELD) X(FIELD_FOCUS)

enum theme_role {
#define X(r) THEME_##r,
	THEME_ROLES(X)
#undef X
	THEME__COUNT
};

/* The role's name in theme files ("normal", "field_focus"); static. */
const char *theme_role_name(enum theme_role);

#endif
