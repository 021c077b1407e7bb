/*
 * tui/cli/session.h: what every command that talks to a server shares.
 *   - config + environment -> client: the token and api_base are read one
 *     way for every command (--api-base, else $R8PLAY_API_BASE, else the
 *     config file's api_base; $REPLICATE_API_TOKEN, else the config file's
 *     token: client/net/config.h decides the order);
 *   - the SIGINT/SIGTERM self-pipe;
 *   - "start a request and wait for it": session_wait(); while a retry
 *     waits (client_retry_wait), what is waited for and a countdown on
 *     stderr when it is a terminal, erased when the wait ends.
 * The token is never printed, not even in errors.
 */
#ifndef PG_TUI_CLI_SESSION_H
#define PG_TUI_CLI_SESSION_H

#include <stdbool.h>

#include "client/net/client.h"
#include "client/net/config.h"

struct session_opts {
	const char	*api_base;	/* --api-base; NULL: config/env */
	const char	*output_dir;	/* NULL: the config file's */
	bool		 need_token;	/* fail (with how to set one) without */
	bool		 no_token;	/* a local Cog server: never send it */
	long		 request_timeout_ms;	/* 0: the client's default */
};

struct session {
	const char	*cmd;		/* for error messages */
	struct client	*c;
	struct config	 cfg;
	/* the request being waited for, and what its event carried */
	unsigned	 waiting;
	bool		 done;
	struct client_event got;	/* payloads owned here */
	char		 err[CLIENT_ERR_MAX];
	bool		 sigint;	/* a signal came while it could not act */
	enum client_rc	 wait_rc;	/* why the last wait returned -1 */
	/* CLIENT_EV_PROGRESS events of the waited request */
	void		(*on_progress)(const struct client_event *, void *);
	void		*progress_arg;
	bool		 retry_shown;	/* a retry countdown is on stderr */
	char		 retry_said[256];	/* the wait last said (a pipe) */
};

/*
 * Load the config, build the client. Returns 0, or -1 after printing
 * `r8play CMD: why` (s is then safe to session_close()).
 */
int session_open(struct session *s, const char *cmd,
    const struct session_opts *o);
void session_close(struct session *s);

/*
 * Wait for the event of request id (already started). Returns 0 when it
 * came (s->got; ERROR when s->got.kind says so, s->err holds its message),
 * 1 when a signal arrived first (interruptible; otherwise the signal is
 * remembered in s->sigint and the wait goes on), -1 on a local failure or
 * after timeout_ms (-1: none) with s->err set.
 */
int session_wait(struct session *s, unsigned id, int timeout_ms,
    bool interruptible);
/* CLIENT_OK when the last wait ended in DONE, else the error's rc. */
enum client_rc session_rc(const struct session *s);
/* Free what the last event carried. */
void session_got_free(struct session *s);

/* SIGINT/SIGTERM write to a self-pipe; SIGPIPE ignored. 0 or -1. */
int session_signals_install(void);
void session_signals_restore(void);
int session_signal_fd(void);		/* -1 when not installed */
unsigned session_signal_count(void);	/* signals since install */
void session_signals_drain(void);

#endif
