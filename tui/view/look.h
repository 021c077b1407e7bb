/*
 * tui/view/look.h: small helpers every view's drawing shares: the theme
 * attribute of a role, "" for a missing string, the spinner frame.
 */
#ifndef PG_TUI_VIEW_LOOK_H
#define PG_TUI_VIEW_LOOK_H

#include "widgets/style.h"

/* The curses attribute of theme role r (NORMAL, TITLE, ERROR ...). */
#define ATTR(r) style_attr(THEME_##r)

/* s, or "" when NULL. */
static inline const char *
or_empty(const char *s)
{
	return s ? s : "";
}

/* What a set secret shows everywhere (form, prompt, API tab): a fixed
 * width, so the length of the secret is not told. The same as the masked
 * request of client/forms/form.c (FORM_REQ_MASK_SECRETS). */
#define SECRET_MASK "**********"

/* The spinner's frame for the display clock (10 frames a second). */
const char *view_spinner(void);

#endif
