/* Unit tests for themes/. */
#include "themes/theme.h"

#include "tests/unit/t.h"

int
main(void)
{
	T_STREQ(theme_role_name(THEME_NORMAL), "NORMAL");
	T_STREQ(theme_role_name(THEME_FIELD_FOCUS), "FIELD_FOCUS");
	T_STREQ(theme_role_name(THEME__COUNT), "?");
	return T_SUMMARY();
}
