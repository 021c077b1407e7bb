/*
 * tui/view/dev.h: the Cog dev loop in the TUI (r8play --dev DIR). The
 * project is served by client/project/dev.h (cog serve, python3 -m
 * cog.server.http or serve_command) as one more local target, whose
 * playground opens. Owns: the struct dev, the server's output (a bounded
 * tail), the dev panel (VIEW_DEV, key O: how it is served, its state, the
 * output), and the reload: after every restart, once the server answers
 * READY, the page's schema is fetched again and the form rebuilt keeping
 * every value whose field still exists (model_set_schema_text). A server
 * that exits on its own (a syntax error, a setup failure) is said on the
 * status line and in the panel; the next save restarts it.
 */
#ifndef PG_TUI_VIEW_DEV_H
#define PG_TUI_VIEW_DEV_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEV_VIEW_TAIL		(16 * 1024)	/* output bytes shown */
#define DEV_VIEW_MAX_FDS	2	/* the loop polls this many more */
#define DEV_VIEW_STATE_MAX	256

struct dev;

struct dev_view {
	struct dev	*d;		/* NULL: not --dev */
	size_t		 local_idx;	/* its app->locals[] entry */
	char		 dir[4096];	/* the project folder */
	char		 how[512];	/* "cog serve -p 8393 (...)" */
	char		 state[DEV_VIEW_STATE_MAX];	/* "serving", "exited (1)" */
	bool		 failed;	/* the server ended on its own */
	bool		 reload_pending;	/* started: reload when READY */
	unsigned	 restarts;
	uint64_t	 out_pos;	/* next byte of the output ring */
	char		 tail[DEV_VIEW_TAIL];	/* the output's last bytes */
	size_t		 tail_len;
	int		 back;		/* enum view Esc returns to */
	int		 top;		/* panel: lines up from the end */
};

struct app;

/* Serve dir and add its server as a local target; 0, or -1 with err. */
int	dev_view_init(struct app *app, const char *dir,
	    const char *serve_command, char *err, size_t errsz);
/* The descriptors tui/loop.c polls with the terminal (inotify, the
 * server's output): at most max (DEV_VIEW_MAX_FDS), 0 when not --dev.
 * Whatever they say, the next app_tick() steps the dev loop. */
size_t	dev_view_pollfds(const struct app *app, struct pollfd *fds,
	    size_t max);

/* Does dir hold a cog.yaml (r8play DIR opens its dev loop)? */
bool	dev_view_is_project(const char *dir);
/* Stop the server. */
void	dev_view_done(struct app *app);
/* Key O: the dev panel (a message when not --dev). */
void	dev_view_open(struct app *app);

#endif
