/*
 * client/project/project.h: a Cog project folder (cog.yaml + predict.py),
 * as `r8play dev DIR` serves it. Reads cog.yaml with libyaml (the only
 * module that includes <yaml.h>) into plain fields, and names the mistakes
 * Cog would stop on later: no predict entry, a predict file that is not
 * there, a predictor class the file does not define (a plain `class NAME`
 * scan, no Python parsing), a requirements file that is missing, values of
 * the wrong type. Never prints, never exits, no globals; every size bound.
 */
#ifndef PG_CLIENT_PROJECT_PROJECT_H
#define PG_CLIENT_PROJECT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#define PROJECT_FILE_MAX	(256 * 1024)	/* cog.yaml bytes */
#define PROJECT_PY_MAX		(4 * 1024 * 1024)	/* predict.py scanned */
#define PROJECT_STR_MAX		256	/* any scalar kept */
#define PROJECT_MAX_PACKAGES	256	/* per package list */
#define PROJECT_MAX_ISSUES	16
#define PROJECT_ISSUE_MAX	320
#define PROJECT_MAX_NODES	100000	/* YAML nodes in one document */
#define PROJECT_PATH_MAX	4096

/* A list of package specs ("torch==2.3.1", "libgl1"). */
struct project_list {
	char		**v;		/* owned; NUL-terminated strings */
	size_t		n;
};

struct project {
	/* build: */
	bool		gpu_set, gpu;
	char		cuda[PROJECT_STR_MAX];		/* "" unset */
	char		python_version[PROJECT_STR_MAX];
	struct project_list python_packages;
	char		python_requirements[PROJECT_STR_MAX];
	struct project_list system_packages;
	/* predict: "predict.py:Predictor" split in two */
	char		predict[PROJECT_STR_MAX];	/* as written */
	char		predict_file[PROJECT_STR_MAX];
	char		predict_class[PROJECT_STR_MAX];
	/* concurrency: max: */
	bool		concurrency_set;
	unsigned	concurrency_max;
	/* mistakes found, one line each ("predict.py has no class
	 * Predictor"); the project may still be served */
	char		issues[PROJECT_MAX_ISSUES][PROJECT_ISSUE_MAX];
	size_t		n_issues;
	size_t		n_issues_dropped;	/* past PROJECT_MAX_ISSUES */
};

/*
 * Parse cog.yaml text into *p (zeroed first; release with project_done()
 * whatever the result). Returns 0 (p->issues may name mistakes in the
 * content), or -1 with err "cog.yaml:LINE:COL: what" when the text is not
 * YAML or not a mapping, or is past the limits.
 */
int		project_parse(const char *text, size_t len, struct project *p,
		    char *err, size_t errsz);

/*
 * Read DIR/cog.yaml and parse it, then check the files it names against
 * DIR: the predict file exists and defines the class, and
 * python_requirements exists. Returns 0 (issues may be set), or -1 with
 * err (no cog.yaml, unreadable, too large, not YAML).
 */
int		project_load(const char *dir, struct project *p, char *err,
		    size_t errsz);

/*
 * cog.yaml's summary as r8play shows it, one labelled line each: the
 * CLI's `dev --check` and the TUI's Info tab (a project folder, or an
 * image's run.cog.config label) print these and write no wording of their
 * own. label is a static word ("predict", "gpu", "cuda", "python",
 * "python packages", "requirements", "system packages", "concurrency",
 * "mistake"); text is the value, cut to PROJECT_LINE_MAX - 1 bytes. Both
 * come from the file: sanitise text before it reaches a terminal.
 * Returns the lines written (at most max): the summary, then one
 * "mistake" line per issue and one for the dropped ones.
 */
#define PROJECT_LINE_MAX	512
#define PROJECT_MAX_LINES	(8 + PROJECT_MAX_ISSUES + 1)

struct project_line {
	const char	*label;		/* static */
	char		 text[PROJECT_LINE_MAX];
	bool		 mistake;
};

size_t		project_summary(const struct project *p,
		    struct project_line *lines, size_t max);

/* Release what *p owns; *p is left empty. Safe on a zeroed struct. */
void		project_done(struct project *p);

/*
 * Whether Python source defines a class NAME at the start of a line
 * (indentation allowed): "class NAME:", "class NAME(" or "class NAME "
 * followed by either. Returns true or false; reads only len bytes.
 */
bool		project_has_class(const char *src, size_t len,
		    const char *name);

#endif
