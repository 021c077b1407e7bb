/*
 * tests/fuzz/fuzz_client_project.c: cog.yaml through project_parse()
 * (libyaml's loader and r8play's walk of the document), and the same
 * bytes through the `class NAME` scan. Input is a heap copy of exactly
 * size bytes. Invariants: 0 or -1; on -1 err is one NUL-terminated line;
 * on 0 every kept string is NUL-terminated within its field, issues are
 * bounded, lists hold non-empty strings, the summary's lines are bounded;
 * project_done() leaves it empty.
 */
#include "client/project/project.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_str(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
}

static void
check_list(const struct project_list *l)
{
	if (l->n > PROJECT_MAX_PACKAGES)
		abort();
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == NULL || l->v[i][0] == '\0' ||
		    strlen(l->v[i]) >= PROJECT_STR_MAX)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	struct project p;
	char err[256];
	int rc;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	memset(err, 0x55, sizeof err);
	rc = project_parse(copy, size, &p, err, sizeof err);
	if (rc == -1) {
		check_str(err, sizeof err);
		if (strchr(err, '\n') != NULL && err[0] != '\0' &&
		    strncmp(err, "cog.yaml", 8) != 0)
			abort();
	} else if (rc == 0) {
		check_str(p.cuda, sizeof p.cuda);
		check_str(p.python_version, sizeof p.python_version);
		check_str(p.python_requirements,
		    sizeof p.python_requirements);
		check_str(p.predict, sizeof p.predict);
		check_str(p.predict_file, sizeof p.predict_file);
		check_str(p.predict_class, sizeof p.predict_class);
		if (p.n_issues > PROJECT_MAX_ISSUES)
			abort();
		for (size_t i = 0; i < p.n_issues; i++)
			check_str(p.issues[i], PROJECT_ISSUE_MAX);
		check_list(&p.python_packages);
		check_list(&p.system_packages);
		if (p.concurrency_set && p.concurrency_max == 0)
			abort();
		/* the summary both the CLI and the TUI print: bounded lines */
		{
			struct project_line l[PROJECT_MAX_LINES];
			size_t n = project_summary(&p, l, PROJECT_MAX_LINES);

			if (n > PROJECT_MAX_LINES)
				abort();
			for (size_t i = 0; i < n; i++)
				if (l[i].label == NULL ||
				    memchr(l[i].text, '\0', PROJECT_LINE_MAX) ==
				    NULL)
					abort();
		}
	} else
		abort();
	project_done(&p);
	if (p.python_packages.v != NULL || p.n_issues != 0)
		abort();
	(void)project_has_class(copy, size, "Predictor");
	(void)project_has_class(copy, size, "A");
	free(copy);
	return 0;
}
