/*
 * tui/dock.c: the Docker daemon's Cog images and containers as local
 * targets (tui/dock.h). The lists come at start, then again while the
 * explorer shows them and after each start or stop, merged into
 * app->locals without moving an entry. A boot is docker_start, then the
 * container's URL becomes the target's Cog server and its health is
 * polled while it starts. The container cannot reach 127.0.0.1 on the
 * host, so its Cog client's webhook listener binds the container's network
 * gateway (the host's end of the bridge, e.g. 172.17.0.1) and the webhook
 * URLs name it; where that address cannot be bound (a remote daemon), runs
 * are followed by their sync answer. A GPU the daemon refuses opens the
 * question of tui/view/dock_cpu.c.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/docker/docker.h"

void
dock_init(struct app *app)
{
	struct dock *dk = &app->dock;
	const char *host = getenv("DOCKER_HOST");
	char err[CLIENT_ERR_MAX];

	if (host == NULL || host[0] == '\0') {
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		char p[512];

		if (app->script_mode)
			return;
		snprintf(p, sizeof p, "%s/docker.sock", xdg ? xdg : "/nonexistent");
		if (access(DOCKER_DEFAULT_SOCKET, F_OK) != 0 &&
		    access(p, F_OK) != 0)
			return;
	}
	{
		struct docker_config cfg;

		memset(&cfg, 0, sizeof cfg);
		cfg.registry = dk->registry;	/* config registry */
		dk->d = docker_new(app->client, &cfg, err, sizeof err);
	}
	if (dk->d == NULL) {
		snprintf(dk->error, sizeof dk->error, "%s", err);
		return;
	}
	dk->req_images = docker_images(dk->d, err, sizeof err);
	if (dk->req_images == 0)
		snprintf(dk->error, sizeof dk->error, "%s", err);
	dk->next_list_ms = clock_mono_ms() + DOCK_REFRESH_MS;
}

void
dock_done(struct app *app)
{
	dock_pull_done(app);
	docker_free(app->dock.d);
	app->dock.d = NULL;
}

/* A local no longer listed that nothing names (no run, no page, no
 * question), to be used again; -1 when none. */
static int
free_slot(const struct app *app)
{
	size_t k, i;

	for (k = 0; k < app->nlocals; k++) {
		bool used = !app->locals[k].gone ||
		    (app->mp.active && app->mp.local && app->mp.local_idx == k) ||
		    (app->devv.d != NULL && app->devv.local_idx == k) ||
		    app->msg_local == (int)k ||
		    (app->overlay == OV_GPU_CPU && app->dock.cpu_idx == k);

		for (i = 0; i < app->nruns && !used; i++)
			used = app->runs[i].local && app->runs[i].local_idx == k;
		if (!used)
			return (int)k;
	}
	return -1;
}

/* A new local target for image ref (its labels may be NULL); NULL when
 * full. */
static struct local_target *
add_target(struct app *app, const char *ref, const char *schema,
    const char *config, const char *cog_version)
{
	struct local_target *lt;
	int k;

	if (app->nlocals < APP_MAX_LOCALS)
		lt = &app->locals[app->nlocals++];
	else if ((k = free_slot(app)) >= 0) {
		lt = &app->locals[k];
		target_local_done(lt);
	} else
		return NULL;
	memset(lt, 0, sizeof *lt);
	lt->image = xstrdup(ref);
	lt->url = xstrdup(ref);
	lt->schema = schema ? xstrdup(schema) : NULL;
	lt->cog_version = cog_version ? xstrdup(cog_version) : NULL;
	target_local_config(lt, config);
	lt->state_since_ms = clock_display_ms();
	lt->shown_state = DOCK_OFFLINE;
	return lt;
}

/* The container ct serves local idx now: its Cog client (webhooks on its
 * gateway when it has one we can bind), a health poll (STARTING is then
 * polled quickly until READY). */
static void
attach(struct app *app, size_t idx, const struct docker_container *ct,
    bool managed)
{
	struct local_target *lt = &app->locals[idx];
	struct cog_config cc;
	char err[CLIENT_ERR_MAX];
	const char *id = ct->id, *url = ct->url;

	memset(&cc, 0, sizeof cc);
	cc.base = url;
	cog_free(lt->cog);
	lt->cog = NULL;
	if (ct->gateway != NULL) {
		cc.webhooks = true;
		cc.listener.bind_addr = ct->gateway;
		lt->cog = cog_new(app->client, &cc, err, sizeof err);
	}
	if (lt->cog == NULL) {
		cc.webhooks = false;
		lt->cog = cog_new(app->client, &cc, err, sizeof err);
	}
	if (lt->cog == NULL) {
		snprintf(lt->error, sizeof lt->error, "%s", err);
		return;
	}
	free(lt->url);
	lt->url = xstrdup(url);
	snprintf(lt->container, sizeof lt->container, "%s", id);
	lt->attach_seq = app->dock.list_seq;
	lt->gone = false;
	lt->managed = managed;
	lt->error[0] = '\0';
	net_health(app, idx);
}

static void detach(struct app *app, size_t idx);

/* The Docker target of image ref without a container, or -1. */
static int
find_image(const struct app *app, const char *ref, bool free_only)
{
	size_t k;

	for (k = 0; k < app->nlocals; k++)
		if (app->locals[k].image != NULL &&
		    strcmp(app->locals[k].image, ref) == 0 &&
		    (!free_only || (app->locals[k].container[0] == '\0' &&
		    app->locals[k].req_start == 0)))
			return (int)k;
	return -1;
}

/* The repository of ref ("r8.im/a/b@sha256:x" -> "r8.im/a/b"), or "". */
static void
ref_repo(const char *ref, char *repo, size_t n)
{
	char tag[DOCKER_MAX_REF], full[DOCKER_MAX_REF], err[128];

	if (docker_ref_split(ref, NULL, repo, n, tag, sizeof tag, full,
	    sizeof full, err, sizeof err) != CLIENT_OK)
		repo[0] = '\0';
}

/* The target of the image named ref, or of one of its other names in the
 * same repository (aliases: an image pulled by digest is also listed
 * under its tag, as `docker images` lists it once), or -1. A name in
 * another repository is an entry of its own, as in `docker images`. */
static int
find_named(const struct app *app, const char *ref, char *const *aliases,
    size_t naliases)
{
	char repo[DOCKER_MAX_REF], other[DOCKER_MAX_REF];
	size_t i;
	int k = find_image(app, ref, false);

	if (k >= 0 || aliases == NULL || naliases == 0)
		return k;
	ref_repo(ref, repo, sizeof repo);
	for (i = 0; k < 0 && repo[0] != '\0' && i < naliases; i++) {
		if (aliases[i] == NULL)
			continue;
		ref_repo(aliases[i], other, sizeof other);
		if (strcmp(other, repo) == 0)
			k = find_image(app, aliases[i], false);
	}
	return k;
}

/* The images list: new ones are added, listed ones kept (their entries
 * and indexes do not move), the others go unlisted unless a container
 * or a start holds them; then the containers list. */
static void
on_images(struct app *app, struct docker_result *res)
{
	struct dock *dk = &app->dock;
	struct explorer_keep keep;
	char err[CLIENT_ERR_MAX];
	size_t i;

	explorer_keep_begin(app, &keep);
	keep.row_only = !app->dock.listed_once;	/* the first: on top */
	for (i = 0; i < app->nlocals; i++)
		app->locals[i].listed = false;
	for (i = 0; res->images != NULL && i < res->images->n; i++) {
		const struct docker_image *im = &res->images->items[i];
		struct local_target *lt;
		int k;

		if (im->ref == NULL)
			continue;
		k = find_named(app, im->ref, im->tags, im->n_tags);
		lt = k >= 0 ? &app->locals[k] : add_target(app, im->ref,
		    im->schema, im->config, im->cog_version);
		if (lt != NULL) {
			lt->listed = true;
			lt->gone = false;
		}
	}
	for (i = 0; i < app->nlocals; i++) {
		struct local_target *lt = &app->locals[i];

		if (lt->image != NULL && !lt->listed &&
		    lt->container[0] == '\0' && lt->req_start == 0)
			lt->gone = true;
	}
	dk->list_seq++;
	dk->req_containers = docker_containers(dk->d, err, sizeof err);
	if (dk->req_containers == 0)
		snprintf(dk->error, sizeof dk->error, "%s", err);
	explorer_keep_end(app, &keep);
}

/* "host:port" of a loopback URL, localhost and [::1] written 127.0.0.1
 * (one server however it was named); "" for any other host. */
static void
loopback_port(const char *url, char *buf, size_t n)
{
	const char *u = strstr(url, "://"), *colon;
	size_t hl;

	buf[0] = '\0';
	u = u != NULL ? u + 3 : url;
	hl = strcspn(u, "/?#");
	colon = memchr(u, ']', hl) != NULL ? memchr(u, ']', hl) : u;
	colon = memchr(colon, ':', hl - (size_t)(colon - u));
	if (colon == NULL)
		return;
	if ((colon - u == 9 && strncmp(u, "127.0.0.1", 9) == 0) ||
	    (colon - u == 9 && strncmp(u, "localhost", 9) == 0) ||
	    (colon - u == 5 && strncmp(u, "[::1]", 5) == 0))
		xsnprintf(buf, n, "127.0.0.1%.*s",
		    (int)(hl - (size_t)(colon - u)), colon);
}

/* Each --local URL a running container publishes is named by that
 * container's image, past its registry host (the explorer row and
 * details, the page title say it). */
static void
name_local_urls(struct app *app, const struct docker_container_list *cl)
{
	char a[160], b[160];
	size_t i, k;

	for (k = 0; k < app->nlocals; k++) {
		struct local_target *lt = &app->locals[k];

		if (lt->image != NULL || lt->url == NULL)
			continue;
		lt->served_image[0] = '\0';
		loopback_port(lt->url, a, sizeof a);
		for (i = 0; a[0] != '\0' && cl != NULL && i < cl->n; i++) {
			const struct docker_container *ct = &cl->items[i];

			if (ct->url == NULL || ct->image == NULL ||
			    ct->state == NULL ||
			    strcmp(ct->state, "running") != 0)
				continue;
			loopback_port(ct->url, b, sizeof b);
			if (strcmp(a, b) == 0) {
				const char *ref = docker_ref_path(ct->image);
				size_t l = strlen(ref);

				/* ":latest" says nothing a name needs */
				if (l > 7 && strcmp(ref + l - 7, ":latest") == 0)
					l -= 7;
				xsnprintf(lt->served_image,
				    sizeof lt->served_image, "%.*s", (int)l,
				    ref);
				break;
			}
		}
	}
}

/* The running containers: new ones attach to their image's entry (or
 * get one); a container that went away outside r8play leaves its entry
 * Offline (unlisted when its image went too). One attached while this
 * list was on its way is not in it and stays. */
static void
on_containers(struct app *app, struct docker_result *res)
{
	bool seen[APP_MAX_LOCALS] = { false };
	struct explorer_keep keep;
	size_t i, k;

	explorer_keep_begin(app, &keep);
	keep.row_only = !app->dock.listed_once;	/* the first: on top */
	name_local_urls(app, res->containers);
	for (i = 0; res->containers != NULL && i < res->containers->n; i++) {
		const struct docker_container *ct = &res->containers->items[i];
		struct local_target *lt = NULL;
		int f;

		if (ct->url == NULL || ct->state == NULL ||
		    strcmp(ct->state, "running") != 0 || ct->image == NULL ||
		    ct->id == NULL)
			continue;
		for (k = 0; k < app->nlocals && lt == NULL; k++)
			if (strcmp(app->locals[k].container, ct->id) == 0)
				lt = &app->locals[k];
		if (lt != NULL) {	/* known: attached already */
			seen[lt - app->locals] = true;
			continue;
		}
		f = find_image(app, ct->image, true);
		lt = f >= 0 ? &app->locals[f] : add_target(app, ct->image,
		    NULL, NULL, ct->cog_version);
		if (lt == NULL)
			break;
		/* another r8play's container is used, not owned: no idle
		 * stop, not in the quit question */
		attach(app, (size_t)(lt - app->locals), ct,
		    docker_container_mine(app->dock.d, ct));
		seen[lt - app->locals] = true;
	}
	for (k = 0; k < app->nlocals; k++) {
		struct local_target *lt = &app->locals[k];

		if (lt->image == NULL || lt->container[0] == '\0' || seen[k] ||
		    lt->req_stop != 0 || lt->req_start != 0 ||
		    lt->attach_seq == app->dock.list_seq)
			continue;
		detach(app, k);
		if (!lt->listed)
			lt->gone = true;
	}
	app->dock.listed_once = true;
	explorer_keep_end(app, &keep);
}

/* The container of local idx started (or not). */
static void
on_start(struct app *app, size_t idx, struct client_event *ev)
{
	struct local_target *lt = &app->locals[idx];
	struct docker_result *res = ev->data;

	lt->req_start = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		if (res != NULL && res->gpu_refused) {
			/* the client removed the half-made container; the
			 * queue waits for the answer (tui/view/dock_cpu.c) */
			snprintf(lt->error, sizeof lt->error, "this Docker "
			    "daemon cannot give the container a GPU (no NVIDIA "
			    "runtime)");
			app->dock.cpu_idx = idx;
			app->overlay = OV_GPU_CPU;
			app_error(app, "%s: no GPU here: start it on the CPU? "
			    "(y/n)", lt->image);
			return;
		} else
			client_emit_error(lt->error, sizeof lt->error,
			    ev->rc, ev->err, "start");
		app_error(app, "%s", lt->error);
		target_fail_queue(app, idx, lt->error);
		return;
	}
	if (res == NULL || res->container == NULL ||
	    res->container->url == NULL) {
		snprintf(lt->error, sizeof lt->error, "start: the container "
		    "publishes no port");
		target_fail_queue(app, idx, lt->error);
		return;
	}
	attach(app, idx, res->container, true);
	dock_log_follow(app, idx);	/* its setup logs while it boots */
	app_msg(app, "%s started: booting", lt->image);
	app_msg_about_local(app, idx);
	dock_refresh(app);
}

/* Local idx has no container any more: Offline again. */
static void
detach(struct app *app, size_t idx)
{
	struct local_target *lt = &app->locals[idx];

	dock_log_stop(app, idx);
	cog_free(lt->cog);
	lt->cog = NULL;
	cog_health_free(lt->health);
	lt->health = NULL;
	free(lt->url);
	lt->url = xstrdup(lt->image);
	lt->container[0] = '\0';
	lt->managed = false;
	lt->req_health = 0;
	lt->next_health_ms = 0;
}

/* A stop answered: remove the container; the remove answered: Offline,
 * and quit when it was the last one asked on quit. */
static void
on_stop(struct app *app, size_t idx, struct client_event *ev)
{
	struct local_target *lt = &app->locals[idx];
	struct docker_result *res = ev->data;
	struct dock *dk = &app->dock;
	char err[CLIENT_ERR_MAX];

	lt->req_stop = 0;
	if (ev->kind == CLIENT_EV_DONE && res != NULL &&
	    res->op == DOCKER_OP_STOP) {
		lt->req_stop = docker_remove(dk->d, lt->container, true, err,
		    sizeof err);
		if (lt->req_stop != 0)
			return;
	}
	if (ev->kind == CLIENT_EV_ERROR) {
		char what[DOCKER_MAX_REF + 8], msg[APP_MSG_MAX];

		snprintf(what, sizeof what, "stop %s", lt->image);
		app_error(app, "%s", client_emit_error(msg, sizeof msg, ev->rc,
		    ev->err, what));
	}
	detach(app, idx);
	if (dk->stopping > 0 && --dk->stopping == 0 && dk->quit_after)
		app->quit = true;
	dock_refresh(app);
}

bool
dock_event(struct app *app, struct client_event *ev)
{
	struct dock *dk = &app->dock;
	struct docker_result *res = ev->data;
	size_t i;

	if (ev->req != CLIENT_REQ_DOCKER || ev->id == 0)
		return false;
	if (dock_pull_event(app, ev))
		return true;	/* L's pull, a boot's logs */
	if (ev->id == dk->req_images || ev->id == dk->req_containers) {
		bool images = ev->id == dk->req_images;

		if (images)
			dk->req_images = 0;
		else
			dk->req_containers = 0;
		if (ev->kind == CLIENT_EV_ERROR)
			client_emit_error(dk->error, sizeof dk->error, ev->rc,
			    ev->err, "docker");
		else if (ev->kind == CLIENT_EV_DONE && res != NULL) {
			if (images)
				on_images(app, res);
			else
				on_containers(app, res);
		}
		app->dirty |= DIRTY_ALL;
		return true;
	}
	for (i = 0; i < app->nlocals; i++)
		if (app->locals[i].req_stop == ev->id) {
			if (ev->kind != CLIENT_EV_PROGRESS)
				on_stop(app, i, ev);
			app->dirty |= DIRTY_ALL;
			return true;
		}
	for (i = 0; i < app->nlocals; i++)
		if (app->locals[i].req_start == ev->id) {
			if (ev->kind != CLIENT_EV_PROGRESS)
				on_start(app, i, ev);
			app->dirty |= DIRTY_ALL;
			return true;
		}
	return false;
}

int
dock_boot(struct app *app, size_t idx)
{
	struct local_target *lt = &app->locals[idx];
	struct docker_start_opts o;
	char err[CLIENT_ERR_MAX];

	if (lt->req_start != 0 || lt->cog != NULL)
		return 0;
	if (app->dock.d == NULL || lt->image == NULL) {
		snprintf(lt->error, sizeof lt->error, "no Docker daemon");
		return -1;
	}
	memset(&o, 0, sizeof o);
	o.image = lt->image;
	o.gpus.kind = lt->cpu_ok ? DOCKER_GPUS_NONE : DOCKER_GPUS_ALL;
	lt->req_start = docker_start(app->dock.d, &o, err, sizeof err);
	if (lt->req_start == 0) {
		snprintf(lt->error, sizeof lt->error, "start: %.240s", err);
		return -1;
	}
	lt->error[0] = '\0';
	app_msg(app, "starting %s%s", lt->image, lt->cpu_ok ? " on the CPU" :
	    "");
	app_msg_about_local(app, idx);
	return 0;
}

/* The lifecycle word of a Cog server's /health-check answer. */
static enum dock_state
health_state(enum cog_health_state h)
{
	switch (h) {
	case COG_HEALTH_STARTING:
	case COG_HEALTH_UNKNOWN:
		return DOCK_BOOTING;
	case COG_HEALTH_BUSY:
		return DOCK_ACTIVE;
	case COG_HEALTH_READY:
	case COG_HEALTH_UNHEALTHY:
		return DOCK_IDLE;
	default:
		return DOCK_FAILED;
	}
}

enum dock_state
dock_state_of(const struct local_target *lt)
{
	if (lt->image == NULL) {	/* a Cog server given by URL */
		if (lt->health == NULL)
			return lt->error[0] ? DOCK_OFFLINE : DOCK_NONE;
		return health_state(lt->health->state);
	}
	if (lt->req_start != 0)
		return DOCK_BOOTING;
	if (lt->cog == NULL)
		return lt->error[0] ? DOCK_FAILED : DOCK_OFFLINE;
	if (lt->health == NULL)
		return DOCK_BOOTING;	/* its server does not listen yet */
	return health_state(lt->health->state);
}

const char *
dock_state_name(enum dock_state st)
{
	static const char *const names[] = { "", "OFFLINE", "BOOTING",
		"ACTIVE", "IDLE", "FAILED" };

	return (size_t)st < sizeof names / sizeof names[0] ? names[st] : "?";
}

/* Seconds as "12s", "3m", "2h". */
static void
span(long long s, char *buf, size_t n)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, n, "%llds", s);
	else if (s < 3600)
		snprintf(buf, n, "%lldm", s / 60);
	else
		snprintf(buf, n, "%lldh", s / 3600);
}

/* The idle stop's deadline of lt (display clock), or 0: none. */
static long long
idle_deadline(const struct app *app, const struct local_target *lt)
{
	if (app->dock.idle_stop_ms <= 0 || !lt->managed || lt->cog == NULL ||
	    lt->req_stop != 0 || dock_state_of(lt) != DOCK_IDLE)
		return 0;
	return lt->state_since_ms + app->dock.idle_stop_ms;
}

void
dock_state_text(const struct local_target *lt, char *buf, size_t n)
{
	char a[32];

	span((clock_display_ms() - lt->state_since_ms) / 1000, a, sizeof a);
	if (lt->req_stop != 0)
		snprintf(buf, n, "STOPPING");
	else if (dock_state_of(lt) == DOCK_NONE)
		snprintf(buf, n, "\xe2\x80\xa6");	/* not asked yet */
	else
		snprintf(buf, n, "%s %s", dock_state_name(dock_state_of(lt)),
		    a);
}

/* The text and the idle stop's countdown ("IDLE 3m, stops in 7m"). */
static void
state_text_app(const struct app *app, const struct local_target *lt,
    char *buf, size_t n)
{
	long long dl = idle_deadline(app, lt);
	char a[64], b[32];

	dock_state_text(lt, a, sizeof a);
	if (dl == 0) {
		snprintf(buf, n, "%s", a);
		return;
	}
	span((dl - clock_display_ms() + 999) / 1000, b, sizeof b);
	snprintf(buf, n, "%s, stops in %s", a, b);
}

void
dock_state_text_of(const struct app *app, size_t idx, char *buf, size_t n)
{
	state_text_app(app, &app->locals[idx], buf, n);
}

int
dock_set_idle_stop(struct app *app, const char *v, char *err, size_t errsz)
{
	char *end;
	long m;

	app->dock.idle_stop_ms = 0;
	if (v == NULL || v[0] == '\0')
		return 0;
	m = strtol(v, &end, 10);
	if (*end != '\0' || m < 0 || m > 10080) {
		snprintf(err, errsz, "config idle_stop: '%.40s' is not a number "
		    "of minutes (0 off, up to 10080)", v);
		return -1;
	}
	app->dock.idle_stop_ms = m * 60000LL;
	return 0;
}

/* Ask to stop (then remove) the container of local idx. */
static int
stop_one(struct app *app, size_t idx)
{
	struct local_target *lt = &app->locals[idx];
	char err[CLIENT_ERR_MAX];

	lt->req_stop = docker_stop(app->dock.d, lt->container, err,
	    sizeof err);
	if (lt->req_stop == 0) {
		app_error(app, "stop %s: %s", lt->image, err);
		return -1;
	}
	return 0;
}

void
dock_tick(struct app *app)
{
	long long now = clock_display_ms();
	size_t i;

	dock_log_tick(app);
	for (i = 0; i < app->nlocals; i++) {
		const struct local_target *lt = &app->locals[i];
		long long dl = idle_deadline(app, lt);

		if (dl == 0 || target_queue_len(app, i) > 0)
			continue;
		if (now >= dl && stop_one(app, i) == 0)
			app_msg(app, "%s was idle for %lld min: stopping it "
			    "(config idle_stop)", lt->image,
			    app->dock.idle_stop_ms / 60000);
		app->dirty |= DIRTY_ALL;	/* the countdown moves */
	}
	if (dock_due_ms(app) != 0 && clock_mono_ms() >= dock_due_ms(app))
		dock_refresh(app);
}

/* The explorer lists the local section: keep it fresh. */
long long
dock_due_ms(const struct app *app)
{
	const struct dock *dk = &app->dock;

	if (dk->d == NULL || app->view != VIEW_EXPLORER ||
	    dk->req_images != 0 || dk->req_containers != 0)
		return 0;
	return dk->next_list_ms;
}

void
dock_refresh(struct app *app)
{
	struct dock *dk = &app->dock;
	char err[CLIENT_ERR_MAX];

	if (dk->d == NULL)
		return;
	dk->next_list_ms = clock_mono_ms() + DOCK_REFRESH_MS;
	if (dk->req_images != 0 || dk->req_containers != 0) {
		dk->next_list_ms = 1;	/* again once these are in */
		return;
	}
	dk->req_images = docker_images(dk->d, err, sizeof err);
	if (dk->req_images == 0)
		snprintf(dk->error, sizeof dk->error, "%s", err);
}

size_t
dock_managed_running(const struct app *app)
{
	size_t i, n = 0;

	for (i = 0; i < app->nlocals; i++)
		if (app->locals[i].managed && app->locals[i].container[0])
			n++;
	return n;
}

bool
dock_ask_quit(struct app *app)
{
	if (app->dock.quit_asked || app->dock.d == NULL ||
	    dock_managed_running(app) == 0)
		return false;
	app->overlay = OV_CONTAINERS;
	app->dirty |= DIRTY_ALL;
	return true;
}

void
dock_stop_all(struct app *app, bool quit_after)
{
	struct dock *dk = &app->dock;
	size_t i;

	dk->quit_after = quit_after;
	for (i = 0; i < app->nlocals; i++) {
		struct local_target *lt = &app->locals[i];

		if (!lt->managed || lt->container[0] == '\0' ||
		    lt->req_stop != 0)
			continue;
		if (stop_one(app, i) == 0)
			dk->stopping++;
	}
	if (dk->stopping == 0 && quit_after)
		app->quit = true;
	app->dirty |= DIRTY_ALL;
}

int
dock_target_for(struct app *app, const char *ref, char *const *aliases,
    size_t naliases, const char *schema, const char *config,
    const char *cog_version)
{
	struct local_target *lt;
	int k = find_named(app, ref, aliases, naliases);

	if (k >= 0)
		return k;
	if ((lt = add_target(app, ref, schema, config, cog_version)) == NULL)
		return -1;
	explorer_refilter(app);
	return (int)(lt - app->locals);
}
