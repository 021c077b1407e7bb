/*
 * tests/unit/t_render_kitty.c: kitty graphics chunks reassemble to the PNG,
 * the PNG decodes back to the same pixels, chunk framing and sizes, the
 * delete sequence, and kitty through render_image().
 */
#include <stdlib.h>
#include <string.h>

#include "render/kitty.h"
#include "render/render.h"
#include "tests/unit/render_t.h"
#include "tests/unit/t.h"

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/*
 * Walk ESC _G <keys> ; <payload> ESC \ chunks: checks framing, returns the
 * decoded payload (malloc'd) and counts; -1 on any framing error.
 */
static int
reassemble(const unsigned char *p, size_t len, unsigned char **out,
    size_t *outlen, int *chunks, char *first_keys, size_t fksz)
{
	size_t i = 0, o = 0;
	unsigned char *buf = malloc(len);
	int last_m = 1;

	*chunks = 0;
	while (i < len) {
		const unsigned char *semi, *end;
		size_t k, plen;
		unsigned acc = 0;
		int nacc = 0;

		if (last_m == 0 || len - i < 4 || memcmp(p + i, "\033_G", 3) != 0)
			goto bad;
		semi = memchr(p + i, ';', len - i);
		if (semi == NULL)
			goto bad;
		if (*chunks == 0 && first_keys) {
			size_t n = (size_t)(semi - (p + i + 3));

			n = n < fksz - 1 ? n : fksz - 1;
			memcpy(first_keys, p + i + 3, n);
			first_keys[n] = '\0';
		}
		/* m=1 on every chunk but the last */
		last_m = memchr(p + i, 'm', (size_t)(semi - (p + i))) &&
		    semi[-1] == '1';
		end = semi + 1;
		while (end < p + len && *end != 0x1b)
			end++;
		if (end + 1 >= p + len || end[1] != '\\')
			goto bad;
		plen = (size_t)(end - (semi + 1));
		if (plen > KITTY_CHUNK || (last_m && plen % 4 != 0))
			goto bad;
		for (k = 0; k < plen; k++) {
			int v = semi[1 + k] == '=' ? -2 : b64val(semi[1 + k]);

			if (v == -1)
				goto bad;
			if (v == -2)
				break;
			acc = acc << 6 | (unsigned)v;
			nacc += 6;
			if (nacc >= 8) {
				buf[o++] = (unsigned char)(acc >> (nacc - 8));
				nacc -= 8;
			}
		}
		(*chunks)++;
		i = (size_t)(end + 2 - p);
	}
	if (last_m != 0)
		goto bad;
	*out = buf;
	*outlen = o;
	return 0;
bad:
	free(buf);
	return -1;
}

static void
test_chunks(void)
{
	char err[256], keys[128];
	struct image *img = image_new(300, 200, err, sizeof err), *back;
	unsigned char *png, *seq, *re;
	size_t pnglen, seqlen, relen, i;
	unsigned seed = 5;
	int chunks;

	/* noise so the PNG spans several chunks */
	for (i = 0; i < 300 * 200 * 3; i++) {
		seed = seed * 1103515245u + 12345u;
		img->rgb[i] = (unsigned char)(i % 3 == 0 ? seed >> 16 : i / 900);
	}
	T_EQ(kitty_png_encode(img->rgb, 300, 200, &png, &pnglen, err,
	    sizeof err), 0);
	T_OK(pnglen > 3 * 4096);
	T_EQ(kitty_encode(png, pnglen, 42, &seq, &seqlen, err, sizeof err), 0);
	T_EQ(reassemble(seq, seqlen, &re, &relen, &chunks, keys, sizeof keys),
	    0);
	T_STREQ(keys, "a=T,f=100,i=42,q=2,C=1,m=1");
	T_EQ(chunks, (int)((pnglen + 3071) / 3072));
	T_EQ(relen, pnglen);
	T_OK(relen == pnglen && memcmp(re, png, pnglen) == 0);
	/* continuation chunks carry only m= */
	T_OK(rt_memmem(seq, seqlen, "\033_Gm=1;", 7) != NULL);
	T_OK(rt_memmem(seq, seqlen, "\033_Gm=0;", 7) != NULL);
	/* and the PNG is the picture */
	back = image_decode(re, relen, 0, err, sizeof err);
	T_OK(back != NULL);
	if (back) {
		T_EQ(back->w, 300);
		T_EQ(back->h, 200);
		T_OK(memcmp(back->rgb, img->rgb, 300 * 200 * 3) == 0);
	}
	image_free(back);
	free(re);
	free(seq);
	free(png);

	/* a tiny payload is one chunk with m=0, base64 padded */
	T_EQ(kitty_encode((const unsigned char *)"ab", 2, 0, &seq, &seqlen,
	    err, sizeof err), 0);
	T_OK(seqlen == strlen("\033_Ga=T,f=100,i=1,q=2,C=1,m=0;YWI=\033\\") &&
	    memcmp(seq, "\033_Ga=T,f=100,i=1,q=2,C=1,m=0;YWI=\033\\", seqlen)
	    == 0);
	free(seq);
	T_EQ(kitty_encode(NULL, 0, 1, &seq, &seqlen, err, sizeof err), -1);
	image_free(img);
}

static void
test_delete_and_render(void)
{
	char buf[64], err[256];
	struct image *img = image_new(64, 32, err, sizeof err);
	struct render_opts o = { .mode = RENDER_MODE_KITTY, .cols = 80,
	    .rows = 24, .cell_w = 10, .cell_h = 20, .kitty_id = 7 };
	struct render_blob b;
	unsigned char *re;
	size_t relen;
	int chunks;

	T_EQ(kitty_delete(7, buf, sizeof buf), strlen("\033_Ga=d,d=I,i=7,q=2"
	    "\033\\"));
	T_STREQ(buf, "\033_Ga=d,d=I,i=7,q=2\033\\");
	T_EQ(render_image(img, &o, &b, err, sizeof err), 0);
	T_EQ(b.cols, 7);	/* 64 px / 10 rounded up */
	T_EQ(b.rows, 2);
	T_EQ(reassemble(b.data, b.len, &re, &relen, &chunks, buf, sizeof buf),
	    0);
	T_STREQ(buf, "a=T,f=100,i=7,q=2,C=1,m=0");
	free(re);
	render_blob_done(&b);
	/* in tmux the whole thing is wrapped, ESC doubled */
	o.passthrough = RENDER_PASS_TMUX;
	T_EQ(render_image(img, &o, &b, err, sizeof err), 0);
	T_OK(b.len > 20 && memcmp(b.data, "\033Ptmux;\033\033_G", 11) == 0);
	T_OK(memcmp(b.data + b.len - 5, "\033\033\\\033\\", 5) == 0);
	render_blob_done(&b);
	image_free(img);
}

int
main(void)
{
	test_chunks();
	test_delete_and_render();
	return T_SUMMARY();
}
