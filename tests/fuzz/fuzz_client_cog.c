/*
 * tests/fuzz/fuzz_client_cog.c: a local Cog server's webhook sequence.
 * Each line of the input is one payload (a prediction object, as the
 * listener hands them over, in any order); each is parsed and merged into
 * the prediction being followed with cog_merge(), then the output text is
 * built. Byte 0 bit 0 also turns the lines into `-i key=value` pairs for
 * cog_input_build() (no files: '@' is replaced). Invariants: no crash or
 * leak; cog_merge returns only CLIENT_CHANGED_* bits; once a terminal
 * payload was taken nothing changes; a non-terminal payload is taken only
 * when logs and outputs did not shrink; the id we chose stays when a
 * payload has none; a "succeeded" carrying an error ends failed; the input
 * object built is a JSON object with at most one member per pair.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "client/net/client.h"
#include "client/cog/cog.h"
#include "client/net/prediction.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES	64

static void
merge_one(struct prediction *cur, const char *line, size_t len)
{
	struct prediction upd;
	char err[256];
	enum prediction_status before = cur->status;
	size_t logs = cur->logs_len, outs = cur->n_outputs;
	bool terminal = prediction_status_terminal(cur->status) &&
	    cur->status_text != NULL;
	bool had_id = cur->id != NULL;
	int r;

	if (prediction_parse(line, len, &upd, err, sizeof err) != CLIENT_OK) {
		if (memchr(err, '\0', sizeof err) == NULL)
			abort();
		return;
	}
	r = cog_merge(cur, &upd);
	if (r > 0 && (r & ~(int)(CLIENT_CHANGED_STATUS | CLIENT_CHANGED_LOGS |
	    CLIENT_CHANGED_OUTPUT)))
		abort();
	if (terminal && (r != 0 || cur->status != before ||
	    cur->logs_len != logs || cur->n_outputs != outs))
		abort();
	if (r > 0 && !prediction_status_terminal(upd.status) &&
	    (cur->logs_len < logs || cur->n_outputs < outs))
		abort();
	if (r >= 0 && had_id && cur->id == NULL)
		abort();
	if (r > 0 && upd.status == PREDICTION_SUCCEEDED && upd.error != NULL &&
	    upd.error[0] != '\0' && cur->status == PREDICTION_SUCCEEDED)
		abort();
	prediction_done(&upd);
}

static void
inputs(char *const *lines, size_t n)
{
	const char *pairs[MAX_LINES];
	char err[256], *json = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		char *p;

		for (p = lines[i]; *p != '\0'; p++)
			if (*p == '@')
				*p = '#';
		pairs[i] = lines[i];
	}
	if (cog_input_build(pairs, n, &json, err, sizeof err) == CLIENT_OK) {
		cJSON *j = cJSON_Parse(json);

		if (!cJSON_IsObject(j) || (size_t)cJSON_GetArraySize(j) > n)
			abort();
		cJSON_Delete(j);
		free(json);
	} else if (memchr(err, '\0', sizeof err) == NULL ||
	    strchr(err, '\n') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prediction cur;
	char *lines[MAX_LINES], *text;
	size_t n = 0, at = 0, i;

	if (size < 1)
		return 0;
	memset(&cur, 0, sizeof cur);
	cur.id = strdup("r8p-fuzz");
	cur.status = PREDICTION_STARTING;
	while (at < size - 1 && n < MAX_LINES) {
		const char *s = (const char *)data + 1 + at;
		const char *nl = memchr(s, '\n', size - 1 - at);
		size_t len = nl != NULL ? (size_t)(nl - s) : size - 1 - at;

		merge_one(&cur, s, len);
		lines[n] = malloc(len + 1);
		if (lines[n] != NULL) {
			memcpy(lines[n], s, len);
			lines[n][len] = '\0';
			n++;
		}
		at += len + 1;
	}
	text = cog_output_text(&cur, NULL);
	free(text);
	if (data[0] & 1)
		inputs(lines, n);
	for (i = 0; i < n; i++)
		free(lines[i]);
	prediction_done(&cur);
	return 0;
}
