/*
 * tui/view/view.c: the tables of views and overlays, and the few helpers
 * their layouts and drawings share.
 */
#include "tui/app.h"

#include "tui/view/look.h"

static const struct view_ops *const views[VIEW__COUNT] = {
	[VIEW_EXPLORER] = &explorer_view_ops,
	[VIEW_MODEL] = &model_view_ops,
	[VIEW_RUN] = &run_view_ops,
	[VIEW_GPU] = &gpu_view_ops,
	[VIEW_COMPARE] = &compare_view_ops,
	[VIEW_DEV] = &dev_view_ops,
	[VIEW_HISTORY] = &history_view_ops,
};

static const struct overlay_ops *const overlays[] = {
	[OV_NONE] = NULL,
	[OV_HELP] = &help_overlay_ops,
	[OV_CONFIRM_QUIT] = &confirm_overlay_ops,
	[OV_PROMPT] = &prompt_overlay_ops,
	[OV_CHOOSE] = &chooser_overlay_ops,
	[OV_CONTAINERS] = &dock_quit_overlay_ops,
	[OV_PULL] = &dock_pull_overlay_ops,
	[OV_GPU_CPU] = &dock_cpu_overlay_ops,
};

const struct view_ops *
view_ops_of(int view)
{
	if (view < 0 || view >= VIEW__COUNT)
		return views[VIEW_EXPLORER];
	return views[view];
}

const struct overlay_ops *
view_overlay_ops_of(int overlay)
{
	if (overlay < 0 || (size_t)overlay >= sizeof overlays /
	    sizeof overlays[0])
		return NULL;
	return overlays[overlay];
}

void
view_scroll_to(size_t sel, size_t *top, int h)
{
	if (h <= 0)
		return;
	if (sel < *top)
		*top = sel;
	if (sel >= *top + (size_t)h)
		*top = sel - (size_t)h + 1;
}

static const char *const spinner[] = { "\xe2\xa0\x8b", "\xe2\xa0\x99",
	"\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc", "\xe2\xa0\xb4",
	"\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f" };

const char *
view_spinner(void)
{
	return spinner[(clock_display_ms() / 100) % 10];
}
