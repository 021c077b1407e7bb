/*
 * client/net/internal.h: struct client and struct http_request, shared by
 * client.c (the loop: multi handle, wait, pump, timers, descriptors,
 * events) and http.c (one request: easy handle, retries). Nothing outside
 * those two files reads these fields.
 */
#ifndef PG_CLIENT_INTERNAL_H
#define PG_CLIENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "client/net/client.h"
#include "client/net/http.h"

#define CLIENT_MAX_FDS	16u	/* watched by client/ modules */

enum req_state {
	REQ_RUNNING,	/* on the multi handle */
	REQ_WAITING,	/* off it, retry due at retry_at */
	REQ_DEAD	/* finished or cancelled, to be freed */
};

struct http_request {
	struct http_request *next;
	struct client *c;
	unsigned id;
	enum req_state state;
	CURL	*easy;
	struct curl_slist *hdrs;
	curl_mime *mime;
	char	 errbuf[CURL_ERROR_SIZE];
	char	*method, *url, *body;
	size_t	 body_len;
	enum http_sink sink;
	size_t	 cap;		/* response byte cap */
	bool	 idempotent, no_retry, has_auth;
	long	 stall_ms;
	http_data_fn on_data;
	http_done_fn done;
	void	*arg;
	/* response being received */
	char	*buf;
	size_t	 len, alloc;
	char	*content_type, *location;
	long	 retry_after_ms;
	bool	 over_cap, stream_abort;
	long long last_byte_ms, retry_at;
	long long first_ms;	/* first attempt started (client_now_ms) */
	size_t	 streamed;	/* 2xx body bytes handed to on_data */
	char	 wait_why[128];	/* REQ_WAITING: what the retry waits for */
	unsigned attempts;
};

struct client_timer {
	struct client_timer *next;
	unsigned id;
	long long due;
	client_timer_fn fn;
	void	*arg;
};

struct client_watch {
	int	 fd;
	short	 events, revents;
	client_fd_fn fn;
	void	*arg;
};

struct client_op {
	struct client_op *next;
	unsigned id;
	client_op_cancel_fn cancel;
	void	*arg;
};

struct client_queued {
	struct client_queued *next;
	struct client_event ev;
	char	 err[CLIENT_ERR_MAX];
};

struct client {
	CURLM	*multi;
	struct client_config cfg;	/* strings below are owned copies */
	char	*api_base, *token, *user_agent, *output_dir;
	unsigned next_id;
	unsigned long long rng;
	struct http_request *reqs;
	struct client_timer *timers;
	struct client_watch watch[CLIENT_MAX_FDS];
	unsigned n_watch;
	struct client_op *ops;
	/* during client_pump() */
	client_event_fn fn;
	void	*fn_arg;
	int	 delivered;
	bool	 in_curl;	/* inside curl_multi_perform(): queue events */
	struct client_queued *queue, **queue_tail;
};

/* http.c: called by client_pump() */
void http_on_done(struct client *c, struct http_request *r, CURLcode res);
void http_check_stalls(struct client *c, long long now);
void http_start_due(struct client *c, long long now);
void http_reap(struct client *c);
void http_free_all(struct client *c);
long long http_next_deadline(const struct client *c);
unsigned http_count(const struct client *c);

/* client.c: a retry/backoff jitter in [0, n) */
unsigned long client_rand(struct client *c, unsigned long n);

/* Remove the token from s in place (it must never leave client/). */
void client_scrub(const struct client *c, char *s);

#endif
