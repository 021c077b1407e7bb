/*
 * tui/cli/show.c: `r8play show FILE...`: print images to stdout like
 * img2sixel or chafa. Decoding, fitting and encoding are render/'s; this
 * file only reads files, picks the mode and box, and writes the bytes.
 */
#include "tui/cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/render.h"
#include "tui/cli/input.h"
#include "tui/cli/out.h"
#include "tui/term.h"

struct show_args {
	int		cols, rows, width, height, cell_w, cell_h;
	int		mode;		/* -1: detect */
	bool		upscale;
	unsigned	bg;
};

/* A whole number in [lo, hi] into *out; 0, or -1 when s is not one. */
static int
parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	if (s == NULL)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* A file name as printable ASCII, for messages. */
/*
 * A regular file is mapped rather than read: MAP_POPULATE maps the page
 * cache in one call, with no copy and no fault per page (a tenth of the
 * time of showing a 2 MB PNG). NULL when path is not a regular file of
 * 1..IMAGE_MAX_INPUT bytes (the caller reads it instead).
 */
static unsigned char *
map_file(const char *path, size_t *len)
{
	struct stat sb;
	void *p;
	int fd;

	if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY |
	    O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
	    sb.st_size > IMAGE_MAX_INPUT) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE |
	    MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)sb.st_size;
	return p;
}

/*
 * Decode one image file (mapped when it can be, else read up to
 * IMAGE_MAX_INPUT) and write it to stdout in the chosen graphics mode. 0 or
 * 1 (said).
 */
static int
show_one(const char *path, const struct render_opts *o, unsigned bg)
{
	char err[256];
	unsigned char *data;
	struct render_blob blob;
	size_t len;
	bool mapped = false;
	int rc;

	if ((data = map_file(path, &len)) != NULL)
		mapped = true;
	else if ((data = (unsigned char *)cli_read_file(path, IMAGE_MAX_INPUT,
	    &len, err, sizeof err)) == NULL) {
		out_err("show", "%s: %s", path, err);
		return 1;
	}
	/* decoded straight to (about) the size it is drawn at */
	rc = render_prepare(data, len, bg, o, &blob, NULL, NULL, err,
	    sizeof err);
	if (mapped)
		munmap(data, len);
	else
		free(data);
	if (rc != 0) {
		out_err("show", "%s: %s", path, err);
		return 1;
	}
	rc = term_write_all(STDOUT_FILENO, blob.data, blob.len);
	/*
	 * sixel leaves the cursor on its last row, kitty (C=1) on its first;
	 * a multiplexer never saw the image, so its cursor has not moved
	 */
	if (rc == 0 && o->mode == RENDER_MODE_SIXEL &&
	    o->passthrough == RENDER_PASS_NONE)
		rc = term_write_all(STDOUT_FILENO, "\n", 1);
	else if (rc == 0 && o->mode != RENDER_MODE_BLOCKS) {
		int i;

		for (i = 0; i < blob.rows && rc == 0; i++)
			rc = term_write_all(STDOUT_FILENO, "\n", 1);
	}
	render_blob_done(&blob);
	if (rc != 0) {
		out_err("show", "writing to stdout: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* Ask the terminal behind stdout; fills o and returns its grid size. */
static void
show_detect(struct render_opts *o, struct detect_result *d)
{
	struct detect_env env;
	char err[256];
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	detect_env_load(&env);
	detect_run(fd >= 0 ? fd : STDOUT_FILENO, &env, 0, d, err, sizeof err);
	if (fd >= 0)
		close(fd);
	if (d->note[0] != '\0')
		out_err("show", "%s", d->note);
	o->mode = d->mode;
	o->passthrough = d->passthrough;
	o->depth = d->depth;
	if (d->color_registers > 0)
		o->colors = d->color_registers < 256 ? d->color_registers : 256;
	if (d->max_w > 0 && d->max_h > 0) {
		o->max_w = d->max_w;
		o->max_h = d->max_h;
	}
}

/* The options into sa; returns 0 or the usage status. */
static int
show_args_read(const struct cli_args *args, struct show_args *a)
{
	size_t i;

	for (i = 0; i < args->nargs; i++) {
		const struct cli_arg *g = &args->args[i];
		const char *val = g->value;
		int bad = 0;

		if (cli_is(g, "--cols"))
			bad = parse_int(val, 1, 10000, &a->cols);
		else if (cli_is(g, "--rows"))
			bad = parse_int(val, 1, 10000, &a->rows);
		else if (cli_is(g, "--width"))
			bad = parse_int(val, 1, IMAGE_MAX_DIM, &a->width);
		else if (cli_is(g, "--height"))
			bad = parse_int(val, 1, IMAGE_MAX_DIM, &a->height);
		else if (cli_is(g, "--graphics")) {
			a->mode = detect_mode_parse(val);
			bad = a->mode < 0 || a->mode == RENDER_MODE_NONE;
		} else if (cli_is(g, "--cell")) {
			bad = sscanf(val, "%dx%d", &a->cell_w, &a->cell_h) != 2
			    || a->cell_w < FIT_MIN_CELL ||
			    a->cell_w > FIT_MAX_CELL ||
			    a->cell_h < FIT_MIN_CELL ||
			    a->cell_h > FIT_MAX_CELL;
		} else if (cli_is(g, "--bg")) {
			char *end;

			a->bg = (unsigned)strtoul(val, &end, 16);
			bad = *val == '\0' || *end != '\0' || a->bg > 0xffffff;
		} else if (cli_is(g, "--upscale"))
			a->upscale = true;
		if (bad)
			return cli_usage_error(args->cmd, "bad value for %s",
			    g->opt->name);
	}
	if ((a->cols || a->rows) && (a->width || a->height))
		return cli_usage_error(args->cmd, "--cols/--rows or "
		    "--width/--height, not both");
	return 0;
}

/*
 * `r8play show FILE...`: the images in the terminal, the graphics mode from
 * --mode, $R8PLAY_GRAPHICS or what the terminal answers when asked.
 */
static int
show_run(const struct cli_args *args)
{
	struct show_args a = { .mode = -1, .bg = IMAGE_DEFAULT_BG };
	struct render_opts o = { .kitty_id = 1 };
	struct detect_result d = { 0 };
	size_t i;
	int failed = 0, rc;
	bool tty = isatty(STDOUT_FILENO);

	if ((rc = show_args_read(args, &a)) != 0)
		return rc;
	if (a.mode < 0 && getenv("R8PLAY_GRAPHICS") != NULL) {
		a.mode = detect_mode_parse(getenv("R8PLAY_GRAPHICS"));
		if (a.mode == RENDER_MODE_NONE) {
			out_err("show", "R8PLAY_GRAPHICS=none: nothing to "
			    "draw");
			return 1;
		}
	}
	if (tty && (a.mode < 0 || a.cell_w == 0))
		show_detect(&o, &d);
	else
		o.mode = RENDER_MODE_SIXEL;
	if (a.mode >= 0)
		o.mode = (enum render_mode)a.mode;
	if (!tty) {
		struct detect_env env;

		detect_env_load(&env);
		o.depth = blocks_depth_from_env(env.colorterm, env.term);
	}
	o.cell_w = a.cell_w ? a.cell_w : d.cell_w ? d.cell_w :
	    FIT_DEFAULT_CELL_W;
	o.cell_h = a.cell_h ? a.cell_h : d.cell_h ? d.cell_h :
	    FIT_DEFAULT_CELL_H;
	o.upscale = a.upscale;
	if (a.width || a.height) {
		/* a pixel box: no cell limit, the box as max geometry */
		o.cols = o.rows = 10000;
		o.max_w = a.width ? a.width : IMAGE_MAX_DIM;
		o.max_h = a.height ? a.height : IMAGE_MAX_DIM;
		if (a.upscale) {
			o.cols = (o.max_w + o.cell_w - 1) / o.cell_w;
			o.rows = (o.max_h + o.cell_h - 1) / o.cell_h;
		}
	} else if (a.cols || a.rows) {
		o.cols = a.cols ? a.cols : 10000;
		o.rows = a.rows ? a.rows : 10000;
	} else if (tty && d.cols > 0 && d.rows > 1) {
		o.cols = d.cols;
		o.rows = d.rows - 1;
	} else if (o.mode == RENDER_MODE_BLOCKS) {
		o.cols = 80;
		o.rows = 24;
	} else
		o.cols = o.rows = 10000;	/* the image's own size */
	for (i = 0; i < args->noperands; i++)
		failed |= show_one(args->operands[i], &o, a.bg);
	return failed ? 1 : 0;
}

static const struct cli_opt show_opts[] = {
	{ "--cols", "N", "fit into N cells wide (aspect kept)", 0,
	    CLI_COMP_NONE, NULL },
	{ "--rows", "M", "fit into M cells high", 0, CLI_COMP_NONE, NULL },
	{ "--width", "PX", "fit into a box of pixels instead", 0,
	    CLI_COMP_NONE, NULL },
	{ "--height", "PX", "the box's height in pixels", 0, CLI_COMP_NONE,
	    NULL },
	{ "--graphics", "MODE", "sixel, kitty or blocks (Unicode half "
	    "blocks)", 0, CLI_COMP_WORDS, "sixel kitty blocks" },
	{ "--cell", "WxH", "pixels per cell (default: asked of the terminal, "
	    "else 10x20)", 0, CLI_COMP_NONE, NULL },
	{ "--upscale", NULL, "grow small images to fill the box", 0,
	    CLI_COMP_NONE, NULL },
	{ "--bg", "RRGGBB", "colour behind transparent pixels (default "
	    "000000)", 0, CLI_COMP_NONE, NULL },
	CLI_OPT_END
};

const struct cli_cmd cli_cmd_show = {
	"show", "FILE...", 1, -1, CLI_COMP_FILE,
	"print images to the terminal (sixel, kitty or blocks)",
	"Prints each image (PNG, JPEG, GIF, BMP, WebP; - reads stdin) to "
	"stdout. When stdout is a terminal, r8play asks it what it can draw "
	"(sixel, kitty, else blocks) and fits images to its width and height "
	"less one line. When stdout is not a terminal it writes sixel at the "
	"image's own size (like img2sixel), unless --graphics or "
	"R8PLAY_GRAPHICS says otherwise; blocks then fit 80x24 cells. Sixel "
	"output stays under 1 MB (tmux drops longer sequences): larger "
	"images are shrunk until they fit.",
	show_opts, show_run
};
