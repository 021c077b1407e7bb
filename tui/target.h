/*
 * tui/target.h: where a run goes. Replicate (a model by owner/name), a
 * local Cog server given by URL, and a local container are one kind of
 * thing to the rest of the TUI: a target with an identity, a health, a
 * queue of runs waiting for it and the runs made on it.
 *
 * The identity is what "run again" and the run records compare: two local
 * servers are two targets even though both are "local". The health of a
 * local target is polled while it is shown and after any failure (a server
 * that died stops showing READY; one that came up late gets its form). A
 * run sent to a busy local target waits in its queue (struct run.queued)
 * and is sent, oldest first, when the target is free again.
 *
 * The local targets' state lives in struct local_target (tui/app.h); the
 * runs in app->runs (tui/runs.c). This file owns the rules between them.
 */
#ifndef PG_TUI_TARGET_H
#define PG_TUI_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#define TARGET_REF_MAX	512

enum target_kind {
	TARGET_NONE,
	TARGET_REPLICATE,	/* ref: owner/name */
	TARGET_URL,		/* ref: the server's base URL */
	TARGET_CONTAINER	/* ref: the container id */
};

struct target_id {
	enum target_kind kind;
	char		 ref[TARGET_REF_MAX];
};

struct app;
struct run;

/* ---- identity (no app state) */
/* Set t to kind and ref (cut to TARGET_REF_MAX - 1 bytes). */
void target_id_set(struct target_id *t, enum target_kind kind,
    const char *ref);
/* The same target: same kind and same ref (URLs compare without a
 * trailing '/'). A TARGET_NONE is the same as nothing. */
bool target_id_same(const struct target_id *a, const struct target_id *b);
/* "replicate", "url", "container" ("none"). */
const char *target_kind_name(enum target_kind kind);
/* "KIND:REF" into buf (cut to n); the form run records use. */
void target_id_format(const struct target_id *t, char *buf, size_t n);

/* ---- a local target's own data */
struct local_target;
/* Its cog.yaml from an image's run.cog.config label (cog.yaml as JSON,
 * read by client/project like the file; NULL or "": none). The old one is
 * dropped; a label that cannot be read leaves lt->project_err. */
void target_local_config(struct local_target *lt, const char *json);
/* Its cog.yaml from a project folder (the --dev loop), mistakes named. */
void target_local_project(struct local_target *lt, const char *dir);
/* Release what lt owns (its client, health, strings, project). */
void target_local_done(struct local_target *lt);

/* ---- targets of the app */
/* The target of the model page (TARGET_NONE when none is open). */
void target_of_page(const struct app *app, struct target_id *t);
/* The index in app->locals of a local target (a URL, or a Docker
 * target by its image), or -1. */
int target_local_index(const struct app *app, const struct target_id *t);
/* A run of ours is out on local idx, or its health says BUSY. */
bool target_local_busy(const struct app *app, size_t idx);
/* Runs queued on local idx, and the place of r in that queue (1: next;
 * 0: r is not queued there). */
size_t target_queue_len(const struct app *app, size_t idx);
size_t target_queue_place(const struct app *app, const struct run *r);

/* Send r (r->local, r->local_idx and r->input_json set) to its server
 * now, or queue it when the server is busy. 0, or -1 with r->error set
 * and r finished. */
int target_submit_local(struct app *app, struct run *r);
/* Run again: a new run of r's input on r's own target (a local target
 * needs no page open; a Replicate one needs its page). 0 or -1 (said on
 * the status line). */
int target_run_again(struct app *app, const struct run *r);
/* Fail the runs queued on local idx with why (the target cannot run
 * them: its server died, its container did not start). */
void target_fail_queue(struct app *app, size_t idx, const char *why);
/* Cancel r while it waits in a queue (never sent): it ends canceled. */
void target_unqueue(struct app *app, struct run *r);

/* ---- events and timers */
/* A run on a local target ended: send the next queued one; a failure
 * asks for the health at once. */
void target_run_ended(struct app *app, const struct run *r);
/* Local idx answered a health poll (ok: with a health; was_ok: it had
 * one before): a server that came up late gets its page's form, the
 * queue moves on. */
void target_health_seen(struct app *app, size_t idx, bool was_ok);
/* Timers: schedule health polls of the local targets on screen (not in
 * script mode, so that test screens stay the same) and of those with runs
 * queued; app_tick() sends them when due. */
void target_tick(struct app *app, long long now);

#endif
