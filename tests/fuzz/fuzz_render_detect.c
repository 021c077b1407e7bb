/*
 * tests/fuzz/fuzz_render_detect.c: the terminal's replies to the detection
 * batch (render/detect.c is included to reach decide(), which runs on
 * them; nothing of the archive's copy is then pulled in). Byte 0 picks the
 * environment (tmux/screen, $TERM/$COLORTERM, R8PLAY_GRAPHICS) and a
 * TIOCGWINSZ grid; the rest is what the terminal sent, parsed whole and
 * and again as a prefix (cut where byte 1 says) and then whole.
 * Invariants: no crash; the DA1 count is at most the ESC bytes; the reply
 * fields stay non-negative and bounded (params cap at 999999); the
 * terminal name is printable ASCII and NUL-terminated; the cell size is
 * within FIT_MIN_CELL..FIT_MAX_CELL; the mode is a known one and the note
 * NUL-terminated; the prefix finds no more DA1 replies than the whole,
 * and prefix-then-whole ends with the same DA1 count and capabilities.
 */
#include "render/detect.c"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct detect_result *r)
{
	const int v[] = { r->cell16_w, r->cell16_h, r->win14_w, r->win14_h,
	    r->color_registers, r->max_w, r->max_h, r->rows, r->cols };
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] < 0 || v[i] > 999999)
			abort();
	if (memchr(r->term_name, '\0', sizeof r->term_name) == NULL)
		abort();
	for (i = 0; r->term_name[i] != '\0'; i++)
		if (r->term_name[i] < 0x20 || r->term_name[i] >= 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const graphics[] = { NULL, "sixel", "kitty",
	    "blocks", "none", "bogus", "", "SIXEL" };
	struct detect_env env;
	struct detect_result r, s;
	size_t esc = 0, i, cut, len;
	const unsigned char *buf;
	int da1, da1b;
	uint8_t e;

	if (size < 2)
		return 0;
	e = data[0];
	buf = data + 2;
	len = size - 2;
	cut = len ? data[1] % (len + 1) : 0;
	memset(&env, 0, sizeof env);
	env.tmux = (e & 1) ? "/tmp/tmux-0/default,1,0" : NULL;
	env.sty = (e & 2) ? "1.pts-0.host" : NULL;
	env.term = (e & 4) ? "xterm-256color" : "linux";
	env.colorterm = (e & 8) ? "truecolor" : NULL;
	env.graphics = graphics[(e >> 4) & 7];
	memset(&r, 0, sizeof r);
	if (e & 0x80) {
		r.cols = 80;
		r.rows = 24;
		r.xpixel = 800;
		r.ypixel = 480;
	}
	r.in_tmux = env.tmux != NULL;
	r.in_screen = !r.in_tmux && env.sty != NULL;
	s = r;
	for (i = 0; i < len; i++)
		if (buf[i] == 0x1b)
			esc++;
	da1 = detect_parse(buf, len, &r);
	if (da1 < 0 || (size_t)da1 > esc)
		abort();
	check(&r);
	r.passthrough_ok = da1 >= 2;
	decide(&r, &env);
	if (r.cell_w < FIT_MIN_CELL || r.cell_w > FIT_MAX_CELL ||
	    r.cell_h < FIT_MIN_CELL || r.cell_h > FIT_MAX_CELL ||
	    (unsigned)r.mode > RENDER_MODE_KITTY ||
	    detect_mode_name(r.mode) == NULL ||
	    memchr(r.note, '\0', sizeof r.note) == NULL)
		abort();
	/* exchange() parses its buffer again after each read: a prefix
	 * first, then the whole, ends as the whole alone */
	if (detect_parse(buf, cut, &s) > da1)
		abort();
	check(&s);
	da1b = detect_parse(buf, len, &s);
	if (da1b != da1 || s.sixel != r.sixel || s.kitty != r.kitty)
		abort();
	return 0;
}
