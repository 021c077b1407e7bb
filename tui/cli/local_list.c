/*
 * tui/cli/local_list.c: `r8play local images` and `r8play local ps`.
 * Both print one row per item, as text columns or as a JSON array, through
 * one row printer: a row is a table of fields, each saying where it goes
 * (its text column, its JSON member, or both). Text from the daemon is
 * untrusted and reaches the terminal through tui/cli/out.h.
 */
#include "tui/cli/local_op.h"

#include <stdio.h>
#include <string.h>

#include "tui/cli/out.h"

#define LIST_CELL_MAX	128	/* bytes of one text cell, sanitised */

enum list_kind { LIST_STR, LIST_INT, LIST_BOOL, LIST_STRS };

/*
 * One field of a row. head/width place it in the text table (head NULL:
 * JSON only; width 0: the last column, unpadded); key places it in the
 * JSON object (NULL: text only). The text cell shows text when set, else
 * s ("-" when NULL), clipped to prec characters when prec > 0 and to cap
 * bytes when cap > 0.
 */
struct list_field {
	const char	*head;
	int		 width, prec;
	size_t		 cap;
	const char	*key;
	enum list_kind	 kind;
	const char	*s, *text;
	long long	 n;
	bool		 b;
	char *const	*strs;
	size_t		 nstrs;
};

/* The text table's header line. */
static void
list_head(const struct list_field *f, size_t n)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i].head == NULL)
			continue;
		printf("%s%-*s", sep, f[i].width, f[i].head);
		sep = " ";
	}
	putchar('\n');
}

static void
list_json_value(const struct list_field *f)
{
	size_t k;

	switch (f->kind) {
	case LIST_STR:
		out_json_str(stdout, f->s);
		break;
	case LIST_INT:
		printf("%lld", f->n);
		break;
	case LIST_BOOL:
		fputs(f->b ? "true" : "false", stdout);
		break;
	case LIST_STRS:
		fputc('[', stdout);
		for (k = 0; k < f->nstrs; k++) {
			if (k)
				fputc(',', stdout);
			out_json_str(stdout, f->strs[k]);
		}
		fputc(']', stdout);
		break;
	}
}

/* One row: a text line, or a JSON object (first: no comma before it). */
static void
list_row(const struct list_field *f, size_t n, bool json, bool first)
{
	char cell[LIST_CELL_MAX];
	const char *sep = "", *t;
	size_t i;

	if (json) {
		fputs(first ? "{" : ",{", stdout);
		for (i = 0; i < n; i++) {
			if (f[i].key == NULL)
				continue;
			printf("%s\"%s\":", sep, f[i].key);
			list_json_value(&f[i]);
			sep = ",";
		}
		fputc('}', stdout);
		return;
	}
	for (i = 0; i < n; i++) {
		if (f[i].head == NULL)
			continue;
		t = f[i].text != NULL ? f[i].text : f[i].s != NULL ? f[i].s :
		    "-";
		t = out_safe_str(t, cell, f[i].cap > 0 && f[i].cap <
		    sizeof cell ? f[i].cap : sizeof cell);
		if (f[i].prec > 0)
			printf("%s%-*.*s", sep, f[i].width, f[i].prec, t);
		else
			printf("%s%-*s", sep, f[i].width, t);
		sep = " ";
	}
	putchar('\n');
}

static void
fmt_size(long long b, char *buf, size_t n)
{
	if (b >= 1000LL * 1000 * 1000)
		snprintf(buf, n, "%.1fGB", (double)b / 1e9);
	else
		snprintf(buf, n, "%.1fMB", (double)b / 1e6);
}

/* Run one listing request; 0 with w->res, or 1/130 (said). */
static int
list_fetch(struct local_ctx *x, struct local_wait *w, bool containers)
{
	char err[CLIENT_ERR_MAX];
	unsigned id;
	int st;

	memset(w, 0, sizeof *w);
	id = containers ? docker_containers(x->d, err, sizeof err) :
	    docker_images(x->d, err, sizeof err);
	st = local_op_run(x, w, id, err, LOCAL_OP_TIMEOUT_MS);
	if (st != 0) {
		if (st == 1)
			out_err(x->cmd, "%s", w->err);
		local_wait_reset(w);
	}
	return st;
}

/*
 * An image's row (im NULL: the header). The text columns are IMAGE COG ID
 * SIZE; the JSON members id ref tags cog_version created size has_schema
 * config, in that order.
 */
static void
image_line(const struct docker_image *im, bool json, bool first)
{
	const char *h = "";
	char size[16] = "";

	if (im != NULL) {
		h = im->id && strncmp(im->id, "sha256:", 7) == 0 ?
		    im->id + 7 : im->id ? im->id : "";
		fmt_size(im->size, size, sizeof size);
	}
	const struct list_field f[] = {
		{ .key = "id", .s = im ? im->id : NULL },
		{ .head = "IMAGE", .width = 60, .cap = 128, .key = "ref",
		    .s = im ? im->ref : NULL },
		{ .key = "tags", .kind = LIST_STRS, .strs = im ? im->tags :
		    NULL, .nstrs = im ? im->n_tags : 0 },
		{ .head = "COG", .width = 8, .cap = 32, .key = "cog_version",
		    .s = im ? im->cog_version : NULL },
		{ .head = "ID", .width = 12, .prec = 12, .text = h },
		{ .key = "created", .kind = LIST_INT,
		    .n = im ? im->created : 0 },
		{ .head = "SIZE", .key = "size", .kind = LIST_INT, .text = size,
		    .n = im ? im->size : 0 },
		{ .key = "has_schema", .kind = LIST_BOOL,
		    .b = im != NULL && im->schema != NULL },
		{ .key = "config", .s = im ? im->config : NULL },
	};

	if (im == NULL)
		list_head(f, sizeof f / sizeof f[0]);
	else
		list_row(f, sizeof f / sizeof f[0], json, first);
}

/*
 * A container's row (ct NULL: the header). Text: ID NAME IMAGE STATE URL
 * OWNER; JSON: id name image state status url port r8play gpus.
 */
static void
container_line(const struct docker_container *ct, bool json, bool first)
{
	const char *owner = ct == NULL ? NULL : ct->managed ? "r8play" :
	    "other";
	const struct list_field f[] = {
		{ .head = "ID", .width = 12, .prec = 12, .key = "id",
		    .s = ct ? ct->id : NULL },
		{ .head = "NAME", .width = 24, .cap = 64, .key = "name",
		    .s = ct ? ct->name : NULL },
		{ .head = "IMAGE", .width = 40, .cap = 128, .key = "image",
		    .s = ct ? ct->image : NULL },
		{ .head = "STATE", .width = 10, .cap = 32, .key = "state",
		    .s = ct ? ct->state : NULL },
		{ .key = "status", .s = ct ? ct->status : NULL },
		{ .head = "URL", .width = 24, .cap = 40, .key = "url",
		    .s = ct ? ct->url : NULL },
		{ .key = "port", .kind = LIST_INT,
		    .n = ct ? ct->host_port : 0 },
		{ .key = "r8play", .kind = LIST_BOOL, .b = ct && ct->managed },
		{ .key = "gpus", .s = ct ? ct->gpus : NULL },
		{ .head = "OWNER", .text = owner },
	};

	if (ct == NULL)
		list_head(f, sizeof f / sizeof f[0]);
	else
		list_row(f, sizeof f / sizeof f[0], json, first);
}

int
local_images(struct local_ctx *x, bool json)
{
	struct local_wait w;
	size_t i;
	int st;

	if ((st = list_fetch(x, &w, false)) != 0)
		return st;
	if (json)
		fputc('[', stdout);
	else
		image_line(NULL, false, true);
	for (i = 0; i < w.res->images->n; i++)
		image_line(&w.res->images->items[i], json, i == 0);
	if (json)
		puts("]");
	local_wait_reset(&w);
	return 0;
}

int
local_ps(struct local_ctx *x, bool json)
{
	struct local_wait w;
	size_t i;
	int st;

	if ((st = list_fetch(x, &w, true)) != 0)
		return st;
	if (json)
		fputc('[', stdout);
	else
		container_line(NULL, false, true);
	for (i = 0; i < w.res->containers->n; i++)
		container_line(&w.res->containers->items[i], json, i == 0);
	if (json)
		puts("]");
	local_wait_reset(&w);
	return 0;
}
