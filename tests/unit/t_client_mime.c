/*
 * tests/unit/t_client_mime.c: client/files, the one MIME table, base64
 * encoder and data: URI builder/parser: both directions of the table agree,
 * the encoder matches RFC 4648's vectors and round-trips through the
 * decoder at every length modulo 3.
 */
#include <stdlib.h>
#include <string.h>

#include "client/files/files.h"
#include "client/forms/form.h"
#include "client/net/outputs.h"
#include "tests/unit/t.h"

static void
test_mime(void)
{
	T_STREQ(files_mime_type("a/b.PNG"), "image/png");
	T_STREQ(files_mime_type("voice.wav"), "audio/x-wav");
	T_STREQ(files_mime_type("x.tar.gz"), "application/gzip");
	T_STREQ(files_mime_type("dir.v2/noext"), FILES_MIME_DEFAULT);
	T_STREQ(files_mime_type(NULL), FILES_MIME_DEFAULT);
	T_STREQ(files_mime_type("scene.glb"), "model/gltf-binary");
	T_STREQ(files_mime_ext("audio/wav"), ".wav");
	T_STREQ(files_mime_ext("audio/x-wav"), ".wav");
	T_STREQ(files_mime_ext("image/jpeg; q=1"), ".jpg");
	T_STREQ(files_mime_ext("image/jpg"), ".jpg");
	T_STREQ(files_mime_ext("x/y"), "");
	T_STREQ(files_mime_ext(NULL), "");
	/* the callers that used to keep their own tables now agree */
	T_STREQ(form_mime_type("v.wav"), files_mime_type("v.wav"));
	T_STREQ(outputs_mime_ext("audio/x-wav"), ".wav");
}

static void
test_roundtrip(void)
{
	/* every extension of the table maps back to itself through its type */
	static const char *exts[] = { ".png", ".jpg", ".webp", ".gif", ".mp4",
	    ".wav", ".mp3", ".flac", ".ogg", ".txt", ".json", ".zip", ".pdf" };
	char path[32];
	size_t i;

	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		snprintf(path, sizeof path, "f%s", exts[i]);
		T_STREQ(files_mime_ext(files_mime_type(path)), exts[i]);
	}
}

static void
test_base64(void)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	char out[32];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		T_EQ(files_base64_encode(v[i].in, strlen(v[i].in), out),
		    strlen(v[i].out));
		T_STREQ(out, v[i].out);
		T_EQ(files_base64_len(strlen(v[i].in)), strlen(v[i].out));
	}
}

static void
test_data_uri(void)
{
	unsigned char bin[300], *back;
	char *uri, *mime, err[128];
	size_t n, len;

	for (n = 0; n < sizeof bin; n++)
		bin[n] = (unsigned char)(n * 37 + 11);
	for (n = 0; n < 7; n++) {	/* every length mod 3, 0 included */
		uri = files_data_uri("image/png", bin, n);
		T_OK(uri != NULL && strncmp(uri, "data:image/png;base64,",
		    22) == 0);
		T_EQ(files_data_decode(uri, 1024, &back, &len, &mime, err,
		    sizeof err), FILES_OK);
		T_EQ(len, n);
		T_OK(back != NULL && memcmp(back, bin, n) == 0);
		T_STREQ(mime, "image/png");
		free(back);
		free(mime);
		free(uri);
	}
	uri = files_data_uri(NULL, bin, sizeof bin);
	T_OK(uri != NULL && strncmp(uri, "data:" FILES_MIME_DEFAULT
	    ";base64,", 5 + strlen(FILES_MIME_DEFAULT) + 8) == 0);
	T_EQ(files_data_decode(uri, 100, &back, &len, NULL, err, sizeof err),
	    FILES_ELIMIT);
	T_OK(back == NULL);
	free(uri);
	T_EQ(files_data_decode("data:;base64,Zm9v!", 100, &back, &len, NULL,
	    err, sizeof err), FILES_EPARSE);
	T_OK(strstr(err, "bad base64") != NULL);
	T_EQ(files_data_decode("nodata", 100, &back, &len, NULL, err,
	    sizeof err), FILES_EPARSE);
	T_EQ(files_data_decode("data:,a%20b", 100, &back, &len, &mime, err,
	    sizeof err), FILES_OK);
	T_STREQ((char *)back, "a b");
	T_STREQ(mime, "text/plain");
	free(back);
	free(mime);
}

int
main(void)
{
	test_mime();
	test_roundtrip();
	test_base64();
	test_data_uri();
	return T_SUMMARY();
}
