/*
 * tests/unit/t_render_wrap.c: tmux and GNU screen passthrough bytes, the
 * cursor-placement wrapper (ESC 7, CUP, blob, ESC 8; never to the last
 * line), and the blob cache (a redraw is a lookup, not an encode).
 */
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "tests/unit/render_t.h"
#include "tests/unit/t.h"

static unsigned char SIX[] = "\033Pq#0;2;0;0;0#0~~\033\\";

static void
test_tmux(void)
{
	char err[128];
	struct render_blob in = { SIX, sizeof SIX - 1, 3, 2 };
	struct render_blob out;
	static const char want[] = "\033Ptmux;\033\033Pq#0;2;0;0;0#0~~"
	    "\033\033\\\033\\";

	T_EQ(render_wrap(RENDER_PASS_TMUX, &in, &out, err, sizeof err), 0);
	T_EQ(out.len, sizeof want - 1);
	T_OK(out.len == sizeof want - 1 && memcmp(out.data, want, out.len) ==
	    0);
	T_EQ(out.cols, 3);
	T_EQ(out.rows, 2);
	render_blob_done(&out);
	T_EQ(render_wrap(RENDER_PASS_NONE, &in, &out, err, sizeof err), 0);
	T_OK(out.len == in.len && memcmp(out.data, SIX, in.len) == 0);
	render_blob_done(&out);
	render_blob_done(&out);	/* zeroed: safe twice */
	T_EQ(render_wrap(RENDER_PASS_TMUX, NULL, &out, err, sizeof err), -1);
}

static void
test_screen(void)
{
	char err[128];
	unsigned char payload[1300];
	struct render_blob in = { payload, sizeof payload, 1, 1 }, out;
	unsigned char joined[1400];
	size_t i, n = 0;
	int chunks = 0;

	/* a sixel-like payload: DCS start, body, ST at the end and inside */
	memset(payload, '~', sizeof payload);
	memcpy(payload, "\033Pq", 3);
	memcpy(payload + 700, "\033\\\033Pq", 5);
	memcpy(payload + sizeof payload - 2, "\033\\", 2);
	T_EQ(render_wrap(RENDER_PASS_SCREEN, &in, &out, err, sizeof err), 0);
	/* every piece is ESC P body ESC \ with no ST inside the body */
	for (i = 0; i < out.len; ) {
		size_t j;

		if (!T_OK(out.len - i >= 4 && memcmp(out.data + i, "\033P", 2)
		    == 0))
			break;
		for (j = i + 2; j + 1 < out.len; j++)
			if (out.data[j] == 0x1b && out.data[j + 1] == '\\')
				break;
		/* a body may end in ESC: an inner ST is cut after its ESC */
		T_OK(j - (i + 2) <= RENDER_SCREEN_CHUNK);
		memcpy(joined + n, out.data + i + 2, j - (i + 2));
		n += j - (i + 2);
		chunks++;
		i = j + 2;
	}
	T_EQ(n, sizeof payload);
	T_OK(n == sizeof payload && memcmp(joined, payload, n) == 0);
	T_OK(chunks >= 3);
	render_blob_done(&out);
}

static void
test_cup(void)
{
	char err[128];
	struct render_blob in = { SIX, sizeof SIX - 1, 3, 2 };
	struct render_blob out;

	T_EQ(render_blob_wrap_cup(&in, 2, 4, 24, &out, err, sizeof err), 0);
	T_OK(out.len == 2 + 6 + in.len + 2);
	T_OK(memcmp(out.data, "\0337\033[3;5H", 8) == 0);
	T_OK(memcmp(out.data + 8, SIX, in.len) == 0);
	T_OK(memcmp(out.data + out.len - 2, "\0338", 2) == 0);
	render_blob_done(&out);
	/* rows 21..22 of 24 is fine; 22..23 reaches the last line */
	T_EQ(render_blob_wrap_cup(&in, 21, 0, 24, &out, err, sizeof err), 0);
	render_blob_done(&out);
	T_EQ(render_blob_wrap_cup(&in, 22, 0, 24, &out, err, sizeof err), -1);
	T_OK(strstr(err, "last line") != NULL);
	T_OK(out.data == NULL);
	T_EQ(render_blob_wrap_cup(&in, -1, 0, 24, &out, err, sizeof err), -1);

	/* in tmux: the save, CUP (pane offset added) and image all wrapped */
	T_EQ(render_place(&in, 2, 4, 24, RENDER_PASS_TMUX, 10, 40, &out, err,
	    sizeof err), 0);
	{
		static const char want[] = "\033Ptmux;\033\0337\033\033[13;45H"
		    "\033\033Pq#0;2;0;0;0#0~~\033\033\\\033\0338\033\\";

		T_EQ(out.len, sizeof want - 1);
		T_OK(out.len == sizeof want - 1 && memcmp(out.data, want,
		    out.len) == 0);
	}
	render_blob_done(&out);
	/* the last-line rule uses pane rows, not the offset */
	T_EQ(render_place(&in, 22, 0, 24, RENDER_PASS_TMUX, 10, 0, &out, err,
	    sizeof err), -1);
	T_EQ(render_place(&in, 0, 0, 24, RENDER_PASS_TMUX, -1, 0, &out, err,
	    sizeof err), -1);
}

static void
test_cache(void)
{
	char err[128];
	struct render_cache *c = render_cache_new();
	struct image *img = image_new(40, 40, err, sizeof err);
	struct render_opts o = { .mode = RENDER_MODE_SIXEL, .cols = 10,
	    .rows = 5, .cell_w = 10, .cell_h = 20 };
	const struct render_blob *a, *b;
	int i;

	memset(img->rgb, 90, 40 * 40 * 3);
	a = render_cache_get(c, img, &o, err, sizeof err);
	T_OK(a != NULL && a->len > 0);
	b = render_cache_get(c, img, &o, err, sizeof err);
	T_OK(a == b);
	T_EQ(render_cache_misses(c), 1);
	/* another box is another entry */
	o.cols = 2;
	b = render_cache_get(c, img, &o, err, sizeof err);
	T_OK(b != a);
	T_EQ(render_cache_misses(c), 2);
	/* changed pixels are another entry too */
	img->rgb[5] = 1;
	b = render_cache_get(c, img, &o, err, sizeof err);
	T_EQ(render_cache_misses(c), 3);
	/* more boxes than slots: evicts, still right */
	for (i = 1; i <= RENDER_CACHE_ENTRIES + 3; i++) {
		o.rows = 100 + i;
		T_OK(render_cache_get(c, img, &o, err, sizeof err) != NULL);
	}
	T_EQ(render_cache_misses(c), 3 + RENDER_CACHE_ENTRIES + 3);
	render_cache_clear(c);
	T_OK(render_cache_get(c, img, &o, err, sizeof err) != NULL);
	T_EQ(render_cache_misses(c), 4 + RENDER_CACHE_ENTRIES + 3);
	/* a failing render is reported and not cached */
	o.mode = RENDER_MODE_NONE;
	T_OK(render_cache_get(c, img, &o, err, sizeof err) == NULL);
	T_STREQ(err, "render: graphics are off");
	render_cache_free(c);
	render_cache_free(NULL);
	image_free(img);
}

int
main(void)
{
	test_tmux();
	test_screen();
	test_cup();
	test_cache();
	return T_SUMMARY();
}
