/*
 * tui/upload.c: local files too big to send inline (over FORM_DATA_URI_MAX)
 * for a Replicate run. form_request()'s upload hook is synchronous, so the
 * uploads (POST /v1/files, client/replicate/replicate.h) run first, without blocking
 * the loop; when the last one is done the run starts and the hook answers
 * from what was uploaded. A Cog server gets every file inline instead.
 */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The upload already made (or in flight) for path, or NULL. */
static struct upload *
find(struct app *app, const char *path)
{
	size_t i;

	for (i = 0; i < app->mp.nuploads; i++)
		if (strcmp(app->mp.uploads[i].path, path) == 0)
			return &app->mp.uploads[i];
	return NULL;
}

int
upload_hook(void *ctx, const char *field, const char *path, size_t size,
    char **url, char *err, size_t errsz)
{
	struct app *app = ctx;
	struct upload *u = find(app, path);

	(void)size;
	if (u == NULL || u->url == NULL) {
		snprintf(err, errsz, "%s: %s is not uploaded yet", field, path);
		return -1;
	}
	*url = xstrdup(u->url);
	return 0;
}

void
upload_clear(struct app *app)
{
	size_t i;

	for (i = 0; i < app->mp.nuploads; i++) {
		if (app->mp.uploads[i].req != 0)
			client_cancel(app->client, app->mp.uploads[i].req);
		free(app->mp.uploads[i].path);
		free(app->mp.uploads[i].url);
	}
	free(app->mp.uploads);
	app->mp.uploads = NULL;
	app->mp.nuploads = 0;
	app->mp.run_waiting = false;
}

/*
 * Start an upload for every local file of the form over the inline limit.
 * Which values are local files, and their paths ("~/" expanded, each item
 * of a file array), come from the form itself (form_local_files), the same
 * paths form_request() hands upload_hook().
 */
size_t
upload_start_needed(struct app *app)
{
	struct mpage *mp = &app->mp;
	struct form_local_file *lf = NULL;
	char err[CLIENT_ERR_MAX];
	size_t i, n = 0, started = 0;

	if (mp->local || mp->form == NULL)
		return 0;
	if (form_local_files(mp->form, &lf, &n, err, sizeof err) != 0) {
		app_error(app, "upload: %s", err);
		return (size_t)-1;
	}
	for (i = 0; i < n; i++) {
		const char *p = lf[i].path;
		struct upload *u;

		if (lf[i].size < 0 || (size_t)lf[i].size <= FORM_DATA_URI_MAX)
			continue;	/* inline, or form_request's error */
		u = find(app, p);
		if (u != NULL && (u->url != NULL || u->req != 0)) {
			started += u->req != 0;
			continue;
		}
		if (u == NULL) {
			mp->uploads = xrealloc(mp->uploads, (mp->nuploads + 1) *
			    sizeof *mp->uploads);
			u = &mp->uploads[mp->nuploads++];
			memset(u, 0, sizeof *u);
			u->path = xstrdup(p);
		}
		u->req = replicate_file_upload(app->client, p,
		    form_mime_type(p), err, sizeof err);
		if (u->req == 0) {
			app_error(app, "upload %s: %s", p, err);
			form_local_files_free(lf, n);
			return (size_t)-1;
		}
		started++;
	}
	form_local_files_free(lf, n);
	return started;
}

bool
upload_event(struct app *app, struct client_event *ev)
{
	struct mpage *mp = &app->mp;
	size_t i, pending = 0;
	struct upload *u = NULL;

	for (i = 0; i < mp->nuploads; i++)
		if (ev->id != 0 && mp->uploads[i].req == ev->id)
			u = &mp->uploads[i];
	if (u == NULL)
		return false;
	u->req = 0;
	if (ev->kind == CLIENT_EV_ERROR || ev->file == NULL ||
	    ev->file->url_get == NULL) {
		app_error(app, "upload %s: %s", u->path, ev->err ? ev->err :
		    "no URL in the answer");
		mp->run_waiting = false;
		return true;
	}
	u->url = xstrdup(ev->file->url_get);
	for (i = 0; i < mp->nuploads; i++)
		pending += mp->uploads[i].req != 0;
	if (pending == 0 && mp->run_waiting) {
		/* say it before the run's own messages; "N to go" would stay
		 * on the status line otherwise */
		app_msg(app, "uploaded %zu file%s", mp->nuploads,
		    mp->nuploads == 1 ? "" : "s");
		mp->run_waiting = false;
		model_action(app, ACT_RUN);
	} else if (pending > 0)
		app_msg(app, "uploading: %zu file%s to go", pending,
		    pending == 1 ? "" : "s");
	app->dirty |= DIRTY_ALL;
	return true;
}
