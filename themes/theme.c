/* themes/theme.c: role names (the parser arrives with the TUI issue). */
#include "themes/theme.h"

static const char *const role_names[] = {
#define X(r) #r,
	THEME_ROLES(X)
#undef X
};

const char *
theme_role_name(enum theme_role r)
{
	return (unsigned)r < THEME__COUNT ? role_names[r] : "?";
}
