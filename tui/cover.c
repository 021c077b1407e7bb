/*
 * tui/cover.c: the cover image of the model selected in the explorer,
 * shown in the details pane. Fetched a moment after the selection settles
 * (so scrolling fires no downloads), through outputs_save() (the client's
 * file download: URL in, file on disk out) into a per-model cache
 * directory, then decoded by render/. One cover at a time; a cached file
 * is used without a request. Only with a token: the snapshot's URLs point
 * at the real CDN.
 */
#include "tui/app.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/outputs.h"

#define COVER_SETTLE_MS	150
#define COVER_MAX_BYTES	(8u << 20)

static void
cache_dir(const struct model *m, char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char safe[300];
	size_t i;

	xsnprintf(safe, sizeof safe, "%s__%s", m->owner ? m->owner : "",
	    m->name ? m->name : "");
	for (i = 0; safe[i]; i++)
		if (!((safe[i] >= 'a' && safe[i] <= 'z') ||
		    (safe[i] >= 'A' && safe[i] <= 'Z') ||
		    (safe[i] >= '0' && safe[i] <= '9') || safe[i] == '-' ||
		    safe[i] == '_' || safe[i] == '.'))
			safe[i] = '_';
	if (xdg != NULL && xdg[0] == '/')
		xsnprintf(buf, n, "%s/r8play/covers/%s", xdg, safe);
	else
		xsnprintf(buf, n, "%s/.cache/r8play/covers/%s", home ? home :
		    "/tmp", safe);
}

static int
mkdirs(const char *path)
{
	char tmp[1200];
	size_t i;

	xsnprintf(tmp, sizeof tmp, "%s", path);
	for (i = 1; tmp[i]; i++)
		if (tmp[i] == '/') {
			tmp[i] = '\0';
			if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
				return -1;
			tmp[i] = '/';
		}
	return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static void
load_file(struct app *app, const char *path)
{
	struct explorer *ex = &app->ex;
	unsigned char *buf;
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || st.st_size <= 0 ||
	    (size_t)st.st_size > COVER_MAX_BYTES) {
		close(fd);
		return;
	}
	buf = xcalloc(1, (size_t)st.st_size);
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	image_free(ex->cover);
	ex->cover = image_decode(buf, got, IMAGE_DEFAULT_BG, ex->cover_error,
	    sizeof ex->cover_error);
	free(buf);
	app->dirty |= DIRTY_LIST | DIRTY_IMAGE;
}

/* A file already in the cache directory, into path. */
static bool
cached(const char *dir, char *path, size_t n)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			xsnprintf(path, n, "%s/%s", dir, de->d_name);
			found = true;
		}
	closedir(d);
	return found;
}

void
cover_selection_changed(struct app *app)
{
	struct explorer *ex = &app->ex;

	if (ex->cover_req != 0)
		client_cancel(app->client, ex->cover_req);
	ex->cover_req = 0;
	image_free(ex->cover);
	ex->cover = NULL;
	ex->cover_error[0] = '\0';
	ex->cover_for[0] = '\0';
	ex->cover_due_ms = app->have_token && !ex->snapshot ?
	    clock_mono_ms() + COVER_SETTLE_MS : 0;
}

void
cover_tick(struct app *app)
{
	struct explorer *ex = &app->ex;
	const struct model *m;
	struct prediction p;
	struct prediction_output o;
	char dir[1024], path[1400], err[CLIENT_ERR_MAX];

	if (ex->cover_due_ms == 0 || clock_mono_ms() < ex->cover_due_ms)
		return;
	ex->cover_due_ms = 0;
	if (app->view != VIEW_EXPLORER || app->cols < 100)
		return;
	m = explorer_model_at(app, ex->sel);
	if (m == NULL || m->cover_image_url == NULL)
		return;
	xsnprintf(ex->cover_for, sizeof ex->cover_for, "%s/%s",
	    m->owner ? m->owner : "", m->name ? m->name : "");
	cache_dir(m, dir, sizeof dir);
	if (cached(dir, path, sizeof path)) {
		load_file(app, path);
		return;
	}
	if (mkdirs(dir) != 0)
		return;
	memset(&p, 0, sizeof p);
	memset(&o, 0, sizeof o);
	o.kind = PREDICTION_OUTPUT_URL;
	o.value = m->cover_image_url;
	p.outputs = &o;
	p.n_outputs = 1;
	ex->cover_req = outputs_save(app->client, &p, dir, err, sizeof err);
	if (ex->cover_req == 0)
		xsnprintf(ex->cover_error, sizeof ex->cover_error, "%s", err);
}

bool
cover_event(struct app *app, struct client_event *ev)
{
	struct explorer *ex = &app->ex;

	if (ev->id == 0 || ev->id != ex->cover_req)
		return false;
	ex->cover_req = 0;
	if (ev->kind == CLIENT_EV_ERROR) {
		xsnprintf(ex->cover_error, sizeof ex->cover_error, "cover: %s",
		    ev->err ? ev->err : "");
		app->dirty |= DIRTY_LIST;
		return true;
	}
	if (ev->saved != NULL && ev->saved->n > 0)
		load_file(app, ev->saved->paths[0]);
	return true;
}
