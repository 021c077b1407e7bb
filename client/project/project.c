/*
 * client/project/project.c: cog.yaml through libyaml's document API (the
 * loader keeps its own stack and never expands aliases, so a hostile file
 * costs at most its size), walked at the fixed depths Cog defines: no
 * recursion here either.
 */
#include "client/project/project.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

static void
issue(struct project *p, const char *fmt, ...)
{
	va_list ap;

	if (p->n_issues >= PROJECT_MAX_ISSUES) {
		p->n_issues_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(p->issues[p->n_issues++], PROJECT_ISSUE_MAX, fmt, ap);
	va_end(ap);
}

/* Scalar text of node, bounded copy into dst; false when not a scalar. */
static bool
scalar(const yaml_node_t *n, char *dst, size_t dstsz)
{
	size_t l;

	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return false;
	l = n->data.scalar.length;
	if (l >= dstsz)
		l = dstsz - 1;
	memcpy(dst, n->data.scalar.value, l);
	dst[l] = '\0';
	/* an embedded NUL ends the string: fine, it is bounded */
	return true;
}

static bool
scalar_is(const yaml_node_t *n, const char *s)
{
	return n != NULL && n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == strlen(s) &&
	    memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

/* The value of key in mapping m, or NULL. */
static yaml_node_t *
map_get(yaml_document_t *d, const yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *pr;

	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top;
	    pr++)
		if (scalar_is(yaml_document_get_node(d, pr->key), key))
			return yaml_document_get_node(d, pr->value);
	return NULL;
}

static bool
is_null(const yaml_node_t *n)
{
	return n == NULL || (n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (n->data.scalar.length == 0 || scalar_is(n, "null") ||
	    scalar_is(n, "~") || scalar_is(n, "Null") ||
	    scalar_is(n, "NULL")));
}

/* YAML 1.1 booleans, as Cog's parser reads them. -1 when not one. */
static int
yaml_bool(const yaml_node_t *n)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON", "y", "Y", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no",
	    "No", "NO", "off", "Off", "OFF", "n", "N", NULL };

	if (n == NULL || n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return -1;
	for (int i = 0; yes[i]; i++)
		if (scalar_is(n, yes[i]))
			return 1;
	for (int i = 0; no[i]; i++)
		if (scalar_is(n, no[i]))
			return 0;
	return -1;
}

static void
get_str(struct project *p, const yaml_node_t *n, const char *what,
    char *dst, size_t dstsz)
{
	if (is_null(n))
		return;
	if (!scalar(n, dst, dstsz))
		issue(p, "%s must be a string", what);
}

static void
get_list(struct project *p, yaml_document_t *d, const yaml_node_t *n,
    const char *what, struct project_list *out)
{
	yaml_node_item_t *it;
	size_t cnt;

	if (is_null(n))
		return;
	if (n->type != YAML_SEQUENCE_NODE) {
		issue(p, "%s must be a list", what);
		return;
	}
	cnt = (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
	if (cnt > PROJECT_MAX_PACKAGES) {
		issue(p, "%s has %zu entries; r8play reads the first %d",
		    what, cnt, PROJECT_MAX_PACKAGES);
		cnt = PROJECT_MAX_PACKAGES;
	}
	out->v = calloc(cnt ? cnt : 1, sizeof *out->v);
	if (out->v == NULL) {
		issue(p, "%s: out of memory", what);
		return;
	}
	it = n->data.sequence.items.start;
	for (size_t i = 0; i < cnt; i++, it++) {
		const yaml_node_t *e = yaml_document_get_node(d, *it);
		char buf[PROJECT_STR_MAX];

		if (!scalar(e, buf, sizeof buf) || buf[0] == '\0') {
			issue(p, "%s entry %zu must be a string", what, i + 1);
			continue;
		}
		out->v[out->n] = strdup(buf);
		if (out->v[out->n] == NULL) {
			issue(p, "%s: out of memory", what);
			return;
		}
		out->n++;
	}
}

static void
read_build(struct project *p, yaml_document_t *d, const yaml_node_t *b)
{
	const yaml_node_t *n;
	int v;

	if (is_null(b))
		return;
	if (b->type != YAML_MAPPING_NODE) {
		issue(p, "build must be a mapping (gpu:, python_version:, "
		    "...)");
		return;
	}
	n = map_get(d, b, "gpu");
	if (!is_null(n)) {
		v = yaml_bool(n);
		if (v < 0) {
			char s[64] = "";

			scalar(n, s, sizeof s);
			issue(p, "build.gpu must be true or false (got "
			    "\"%s\")", s);
		} else {
			p->gpu_set = true;
			p->gpu = v == 1;
		}
	}
	get_str(p, map_get(d, b, "cuda"), "build.cuda", p->cuda,
	    sizeof p->cuda);
	get_str(p, map_get(d, b, "python_version"), "build.python_version",
	    p->python_version, sizeof p->python_version);
	get_list(p, d, map_get(d, b, "python_packages"),
	    "build.python_packages", &p->python_packages);
	get_str(p, map_get(d, b, "python_requirements"),
	    "build.python_requirements", p->python_requirements,
	    sizeof p->python_requirements);
	get_list(p, d, map_get(d, b, "system_packages"),
	    "build.system_packages", &p->system_packages);
	if (p->python_packages.n > 0 && p->python_requirements[0])
		issue(p, "build.python_packages and build.python_requirements "
		    "are both set: Cog takes one of them");
	if (p->cuda[0] && p->gpu_set && !p->gpu)
		issue(p, "build.cuda is set but build.gpu is false");
}

static void
read_predict(struct project *p, yaml_document_t *d, const yaml_node_t *n)
{
	const char *colon;

	if (is_null(n)) {
		issue(p, "cog.yaml has no predict: (e.g. predict: "
		    "\"predict.py:Predictor\")");
		return;
	}
	if (!scalar(n, p->predict, sizeof p->predict)) {
		issue(p, "predict must be a string \"FILE.py:CLASS\"");
		return;
	}
	(void)d;
	colon = strrchr(p->predict, ':');
	if (colon == NULL || colon == p->predict || colon[1] == '\0') {
		issue(p, "predict must be \"FILE.py:CLASS\" (got \"%s\")",
		    p->predict);
		return;
	}
	snprintf(p->predict_file, sizeof p->predict_file, "%.*s",
	    (int)(colon - p->predict), p->predict);
	snprintf(p->predict_class, sizeof p->predict_class, "%s", colon + 1);
}

static void
read_concurrency(struct project *p, yaml_document_t *d,
    const yaml_node_t *c)
{
	const yaml_node_t *n;
	char s[32], *end;
	unsigned long v;

	if (is_null(c))
		return;
	if (c->type != YAML_MAPPING_NODE) {
		issue(p, "concurrency must be a mapping (max: N)");
		return;
	}
	n = map_get(d, c, "max");
	if (is_null(n))
		return;
	if (!scalar(n, s, sizeof s) || s[0] < '0' || s[0] > '9' ||
	    (errno = 0, v = strtoul(s, &end, 10), *end != '\0') ||
	    errno != 0 || v == 0 || v > 1000000) {
		issue(p, "concurrency.max must be a whole number from 1");
		return;
	}
	p->concurrency_set = true;
	p->concurrency_max = (unsigned)v;
}

int
project_parse(const char *text, size_t len, struct project *p, char *err,
    size_t errsz)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = -1;

	memset(p, 0, sizeof *p);
	if (len > PROJECT_FILE_MAX) {
		snprintf(err, errsz, "cog.yaml is larger than %d bytes",
		    PROJECT_FILE_MAX);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errsz, "cog.yaml: out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
	    len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errsz, "cog.yaml:%zu:%zu: %s%s%s",
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "not YAML",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (doc.nodes.top - doc.nodes.start > PROJECT_MAX_NODES)
		snprintf(err, errsz, "cog.yaml has more than %d YAML nodes",
		    PROJECT_MAX_NODES);
	else if (root == NULL)
		snprintf(err, errsz, "cog.yaml is empty");
	else if (root->type != YAML_MAPPING_NODE)
		snprintf(err, errsz, "cog.yaml:%zu:%zu: expected a mapping "
		    "(build:, predict:)", root->start_mark.line + 1,
		    root->start_mark.column + 1);
	else {
		read_build(p, &doc, map_get(&doc, root, "build"));
		read_predict(p, &doc, map_get(&doc, root, "predict"));
		read_concurrency(p, &doc, map_get(&doc, root, "concurrency"));
		rc = 0;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

bool
project_has_class(const char *src, size_t len, const char *name)
{
	size_t nl = strlen(name), i = 0;

	if (nl == 0)
		return false;
	while (i < len) {
		size_t j = i;

		while (j < len && (src[j] == ' ' || src[j] == '\t'))
			j++;
		if (len - j > 6 + nl && memcmp(src + j, "class", 5) == 0 &&
		    (src[j + 5] == ' ' || src[j + 5] == '\t')) {
			j += 5;
			while (j < len && (src[j] == ' ' || src[j] == '\t'))
				j++;
			if (len - j > nl && memcmp(src + j, name, nl) == 0) {
				j += nl;
				while (j < len && (src[j] == ' ' ||
				    src[j] == '\t'))
					j++;
				if (j < len && (src[j] == ':' || src[j] == '('))
					return true;
			}
		}
		while (i < len && src[i] != '\n')
			i++;
		i++;
	}
	return false;
}

/* Read at most max bytes of path into a fresh buffer. 0, or -1 with errno
 * (EFBIG when larger than max). */
static int
slurp(const char *path, size_t max, char **out, size_t *outlen)
{
	struct stat st;
	size_t len = 0;
	ssize_t r;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	buf = malloc(max + 1);
	if (buf == NULL) {
		close(fd);
		return -1;
	}
	while (len < max && (r = read(fd, buf + len, max - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			close(fd);
			return -1;
		}
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

static void
join(char *buf, size_t bufsz, const char *dir, const char *name)
{
	if (name[0] == '/')
		snprintf(buf, bufsz, "%s", name);
	else
		snprintf(buf, bufsz, "%s/%s", dir, name);
}

int
project_load(const char *dir, struct project *p, char *err, size_t errsz)
{
	char path[PROJECT_PATH_MAX], *text;
	size_t len;
	int rc;

	memset(p, 0, sizeof *p);
	join(path, sizeof path, dir, "cog.yaml");
	if (slurp(path, PROJECT_FILE_MAX, &text, &len) != 0) {
		snprintf(err, errsz, "%s: %s", path, errno == EFBIG ?
		    "larger than 256 KiB" : strerror(errno));
		return -1;
	}
	rc = project_parse(text, len, p, err, errsz);
	free(text);
	if (rc != 0)
		return -1;
	if (p->predict_file[0]) {
		join(path, sizeof path, dir, p->predict_file);
		if (slurp(path, PROJECT_PY_MAX, &text, &len) != 0)
			issue(p, "%s: %s (predict: \"%s\")", p->predict_file,
			    errno == ENOENT ? "file not found" :
			    strerror(errno), p->predict);
		else {
			if (!project_has_class(text, len, p->predict_class))
				issue(p, "%s has no class %s (predict: "
				    "\"%s\")", p->predict_file,
				    p->predict_class, p->predict);
			free(text);
		}
	}
	if (p->python_requirements[0]) {
		join(path, sizeof path, dir, p->python_requirements);
		if (access(path, R_OK) != 0)
			issue(p, "%s: file not found "
			    "(build.python_requirements)",
			    p->python_requirements);
	}
	return 0;
}

/* "N: a, b, c" with as many entries as fit in n bytes ("..." after). */
static void
list_text(const struct project_list *l, char *buf, size_t n)
{
	size_t o, i;
	int w;

	w = snprintf(buf, n, "%zu:", l->n);
	o = w < 0 ? 0 : (size_t)w;
	for (i = 0; i < l->n && o + 8 < n; i++) {
		size_t len = strlen(l->v[i]);

		if (o + len + 2 + 5 > n) {
			snprintf(buf + o, n - o, " ...");
			return;
		}
		w = snprintf(buf + o, n - o, "%s %s", i ? "," : "", l->v[i]);
		o += w < 0 ? 0 : (size_t)w;
	}
}

/* One more line into lines (nothing when k is max); the new line or NULL. */
static struct project_line *
add_line(struct project_line *lines, size_t max, size_t *k,
    const char *label, bool mistake, const char *fmt, ...)
{
	struct project_line *l;
	va_list ap;

	if (*k >= max)
		return NULL;
	l = &lines[(*k)++];
	l->label = label;
	l->mistake = mistake;
	va_start(ap, fmt);
	vsnprintf(l->text, PROJECT_LINE_MAX, fmt, ap);
	va_end(ap);
	return l;
}

size_t
project_summary(const struct project *p, struct project_line *lines,
    size_t max)
{
	struct project_line *l;
	size_t k = 0, i;

	add_line(lines, max, &k, "predict", false, "%s", p->predict[0] ?
	    p->predict : "(none)");
	add_line(lines, max, &k, "gpu", false, "%s", !p->gpu_set ?
	    "unset (false)" : p->gpu ? "true" : "false");
	if (p->cuda[0])
		add_line(lines, max, &k, "cuda", false, "%s", p->cuda);
	add_line(lines, max, &k, "python", false, "%s",
	    p->python_version[0] ? p->python_version : "(Cog's default)");
	if (p->python_packages.n && (l = add_line(lines, max, &k,
	    "python packages", false, "%s", "")) != NULL)
		list_text(&p->python_packages, l->text, sizeof l->text);
	if (p->python_requirements[0])
		add_line(lines, max, &k, "requirements", false, "%s",
		    p->python_requirements);
	if (p->system_packages.n && (l = add_line(lines, max, &k,
	    "system packages", false, "%s", "")) != NULL)
		list_text(&p->system_packages, l->text, sizeof l->text);
	if (p->concurrency_set)
		add_line(lines, max, &k, "concurrency", false, "max %u",
		    p->concurrency_max);
	for (i = 0; i < p->n_issues; i++)
		add_line(lines, max, &k, "mistake", true, "%s", p->issues[i]);
	if (p->n_issues_dropped)
		add_line(lines, max, &k, "mistake", true, "... and %zu more",
		    p->n_issues_dropped);
	return k;
}

static void
list_free(struct project_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
project_done(struct project *p)
{
	if (p == NULL)
		return;
	list_free(&p->python_packages);
	list_free(&p->system_packages);
	memset(p, 0, sizeof *p);
}
