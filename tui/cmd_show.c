/*
 * tui/cmd_show.c: `r8play show FILE...`: print images to stdout like
 * img2sixel or chafa. Decoding, fitting and encoding are render/'s; this
 * file only reads files, picks the mode and box, and writes the bytes.
 */
#include "tui/cli.h"

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
#include "tui/term.h"

static const char show_help[] =
    "usage: r8play show FILE... [--cols N --rows M | --width PX [--height PX]]\n"
    "                  [--graphics sixel|kitty|blocks] [--cell WxH]\n"
    "                  [--upscale] [--bg RRGGBB]\n"
    "\n"
    "Prints each image (PNG, JPEG, GIF, BMP, WebP; - reads stdin) to stdout.\n"
    "  --cols N --rows M  fit into N x M cells (aspect kept)\n"
    "  --width/--height   fit into a box of pixels instead\n"
    "  --graphics MODE    sixel, kitty or blocks (Unicode half blocks)\n"
    "  --cell WxH         pixels per cell (default: asked of the terminal,\n"
    "                     else 10x20)\n"
    "  --upscale          grow small images to fill the box\n"
    "  --bg RRGGBB        colour behind transparent pixels (default 000000)\n"
    "\n"
    "When stdout is a terminal, r8play asks it what it can draw (sixel,\n"
    "kitty, else blocks) and fits images to its width and height less one\n"
    "line. When stdout is not a terminal it writes sixel at the image's own\n"
    "size (like img2sixel), unless --graphics or R8PLAY_GRAPHICS says\n"
    "otherwise; blocks then fit 80x24 cells. Sixel output stays under 1 MB\n"
    "(tmux drops longer sequences): larger images are shrunk until they fit.\n";

struct show_args {
	int		cols, rows, width, height, cell_w, cell_h;
	int		mode;		/* -1: detect */
	bool		upscale;
	unsigned	bg;
};

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
static void
visible(const char *s, char *out, size_t outsz)
{
	size_t k = 0;

	for (; *s && k + 5 < outsz; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			k += (size_t)snprintf(out + k, outsz - k, "\\x%02x", c);
		else
			out[k++] = (char)c;
	}
	out[k] = '\0';
}

static unsigned char *
read_file(const char *path, size_t *len, char *err, size_t errsz)
{
	size_t cap = 65536, n = 0;
	unsigned char *buf = malloc(cap), *p;
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);

	if (fd < 0 || buf == NULL) {
		snprintf(err, errsz, "%s", fd < 0 ? strerror(errno) :
		    "out of memory");
		free(buf);
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= (size_t)IMAGE_MAX_INPUT) {
				snprintf(err, errsz, "file exceeds the %ld byte "
				    "limit", (long)IMAGE_MAX_INPUT);
				goto fail;
			}
			if ((p = realloc(buf, cap * 2)) == NULL) {
				snprintf(err, errsz, "out of memory");
				goto fail;
			}
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errsz, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*len = n;
	return buf;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	free(buf);
	return NULL;
}

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

static int
show_one(const char *path, const struct render_opts *o, unsigned bg)
{
	char err[256], name[256];
	unsigned char *data;
	struct render_blob blob;
	size_t len;
	bool mapped = false;
	int rc;

	visible(path, name, sizeof name);
	if ((data = map_file(path, &len)) != NULL)
		mapped = true;
	else if ((data = read_file(path, &len, err, sizeof err)) == NULL) {
		fprintf(stderr, "r8play: %s: %s\n", name, err);
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
		fprintf(stderr, "r8play: %s: %s\n", name, err);
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
		fprintf(stderr, "r8play: writing to stdout: %s\n",
		    strerror(errno));
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
		fprintf(stderr, "r8play: %s\n", d->note);
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

int
cmd_show(int argc, char **argv)
{
	struct show_args a = { .mode = -1, .bg = IMAGE_DEFAULT_BG };
	struct render_opts o = { .kitty_id = 1 };
	struct detect_result d = { 0 };
	const char **files;
	int nfiles = 0, i, failed = 0;
	bool tty = isatty(STDOUT_FILENO);

	if ((files = calloc((size_t)argc + 1, sizeof *files)) == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] :
		    NULL;
		int bad = 0;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(show_help, stdout);
			free(files);
			return 0;
		} else if (strcmp(arg, "--cols") == 0)
			bad = parse_int(val, 1, 10000, &a.cols), i++;
		else if (strcmp(arg, "--rows") == 0)
			bad = parse_int(val, 1, 10000, &a.rows), i++;
		else if (strcmp(arg, "--width") == 0)
			bad = parse_int(val, 1, IMAGE_MAX_DIM, &a.width), i++;
		else if (strcmp(arg, "--height") == 0)
			bad = parse_int(val, 1, IMAGE_MAX_DIM, &a.height), i++;
		else if (strcmp(arg, "--graphics") == 0) {
			a.mode = detect_mode_parse(val);
			bad = a.mode < 0 || a.mode == RENDER_MODE_NONE;
			i++;
		} else if (strcmp(arg, "--cell") == 0) {
			bad = val == NULL || sscanf(val, "%dx%d", &a.cell_w,
			    &a.cell_h) != 2 || a.cell_w < FIT_MIN_CELL ||
			    a.cell_w > FIT_MAX_CELL || a.cell_h < FIT_MIN_CELL ||
			    a.cell_h > FIT_MAX_CELL;
			i++;
		} else if (strcmp(arg, "--bg") == 0) {
			char *end;

			a.bg = val ? (unsigned)strtoul(val, &end, 16) : 0;
			bad = val == NULL || *val == '\0' || *end != '\0' ||
			    a.bg > 0xffffff;
			i++;
		} else if (strcmp(arg, "--upscale") == 0)
			a.upscale = true;
		else if (arg[0] == '-' && arg[1] != '\0') {
			fprintf(stderr, "r8play: show: unknown option %s\n", arg);
			free(files);
			return cli_usage("show");
		} else
			files[nfiles++] = arg;
		if (bad) {
			fprintf(stderr, "r8play: show: bad value for %s\n", arg);
			free(files);
			return cli_usage("show");
		}
	}
	if (nfiles == 0 || ((a.cols || a.rows) && (a.width || a.height))) {
		free(files);
		return cli_usage("show");
	}

	if (a.mode < 0 && getenv("R8PLAY_GRAPHICS") != NULL) {
		a.mode = detect_mode_parse(getenv("R8PLAY_GRAPHICS"));
		if (a.mode == RENDER_MODE_NONE) {
			fputs("r8play: show: R8PLAY_GRAPHICS=none: nothing to "
			    "draw\n", stderr);
			free(files);
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
	for (i = 0; i < nfiles; i++)
		failed |= show_one(files[i], &o, a.bg);
	free(files);
	return failed ? 1 : 0;
}
