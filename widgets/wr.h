/* widgets/wr.h: what a widget did with a key (htop-style results). */
#ifndef PG_WIDGETS_WR_H
#define PG_WIDGETS_WR_H

enum wr {
	WR_IGNORED,	/* not for this widget: try the key tables */
	WR_HANDLED,	/* consumed; redraw the widget */
	WR_SUBMIT,	/* Enter: the value is final */
	WR_CANCEL,	/* Esc: leave, value unchanged */
	WR_COMPLETE	/* Tab: the owner may complete the value */
};

#endif
