/*
 * tests/unit/t_client_project.c: client/project/project.c: every recorded
 * Cog predictor's cog.yaml (tests/fixtures/cog/predictors/) loads clean;
 * every build/predict/concurrency field; each mistake named (no predict,
 * a predict file or class that is not there, a requirements file missing,
 * wrong types, both package forms); YAML syntax errors with line:column;
 * the `class NAME` scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/project/project.h"
#include "tests/unit/t.h"

static char tmp[256];

static void
put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

static void
rm(const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	unlink(path);
}

/* Does any issue contain s? */
static bool
has_issue(const struct project *p, const char *s)
{
	for (size_t i = 0; i < p->n_issues; i++)
		if (strstr(p->issues[i], s))
			return true;
	return false;
}

static int
parse(const char *text, struct project *p, char *err, size_t errsz)
{
	return project_parse(text, strlen(text), p, err, errsz);
}

static void
test_fixtures(void)
{
	static const char *const names[] = { "image", "text", "tokens",
	    "file", "schema-zoo", "predict-error", "setup-fails", "crash",
	    "async-concurrent", "healthcheck", NULL };
	const char *root = getenv("ROOT");
	struct project p;
	char dir[1024], err[256];

	for (const char *const *n = names; *n; n++) {
		snprintf(dir, sizeof dir, "%s/tests/fixtures/cog/predictors/%s",
		    root ? root : ".", *n);
		err[0] = '\0';
		T_EQ(project_load(dir, &p, err, sizeof err), 0);
		if (err[0])
			printf("     %s: %s\n", *n, err);
		T_EQ(p.n_issues, 0);
		for (size_t i = 0; i < p.n_issues; i++)
			printf("     %s: %s\n", *n, p.issues[i]);
		T_STREQ(p.predict, "predict.py:Predictor");
		T_STREQ(p.predict_file, "predict.py");
		T_STREQ(p.predict_class, "Predictor");
		T_OK(p.gpu_set && !p.gpu);
		T_STREQ(p.python_version, "3.11");
		if (strcmp(*n, "image") == 0) {
			T_EQ(p.python_packages.n, 1);
			T_STREQ(p.python_packages.n ? p.python_packages.v[0] :
			    NULL, "pillow");
		}
		if (strcmp(*n, "async-concurrent") == 0)
			T_OK(p.concurrency_set && p.concurrency_max == 2);
		else
			T_OK(!p.concurrency_set);
		project_done(&p);
	}
}

static void
test_fields(void)
{
	struct project p;
	char err[256] = "";

	T_EQ(parse("build:\n"
	    "  gpu: true\n"
	    "  cuda: \"12.1\"\n"
	    "  python_version: '3.10'\n"
	    "  system_packages:\n"
	    "    - libgl1-mesa-glx\n"
	    "    - \"ffmpeg\"\n"
	    "  python_requirements: requirements.txt\n"
	    "  run:\n"
	    "    - echo hi\n"
	    "image: r8.im/me/model\n"
	    "predict: \"src/predict.py:MyPredictor\"\n"
	    "train: train.py:train\n"
	    "concurrency:\n"
	    "  max: 16\n", &p, err, sizeof err), 0);
	T_OK(p.gpu_set && p.gpu);
	T_STREQ(p.cuda, "12.1");
	T_STREQ(p.python_version, "3.10");
	T_EQ(p.system_packages.n, 2);
	T_STREQ(p.system_packages.v[1], "ffmpeg");
	T_STREQ(p.python_requirements, "requirements.txt");
	T_EQ(p.python_packages.n, 0);
	T_STREQ(p.predict_file, "src/predict.py");
	T_STREQ(p.predict_class, "MyPredictor");
	T_OK(p.concurrency_set && p.concurrency_max == 16);
	T_EQ(p.n_issues, 0);
	project_done(&p);
	T_EQ(p.system_packages.n, 0);
	project_done(&p);	/* twice is fine */

	/* YAML 1.1 booleans, anchors and aliases, flow style */
	T_EQ(parse("build: {gpu: yes, python_packages: &pk [torch, numpy]}\n"
	    "x: *pk\npredict: p.py:P\n", &p, err, sizeof err), 0);
	T_OK(p.gpu_set && p.gpu);
	T_EQ(p.python_packages.n, 2);
	T_STREQ(p.python_packages.v[0], "torch");
	T_EQ(p.n_issues, 0);
	project_done(&p);
	/* nulls are "not set" */
	T_EQ(parse("build:\n  gpu:\n  cuda: ~\npredict: p.py:P\n", &p, err,
	    sizeof err), 0);
	T_OK(!p.gpu_set && p.cuda[0] == '\0');
	T_EQ(p.n_issues, 0);
	project_done(&p);
}

static void
test_mistakes(void)
{
	struct project p;
	char err[256] = "";

	T_EQ(parse("build:\n  gpu: false\n", &p, err, sizeof err), 0);
	T_OK(has_issue(&p, "cog.yaml has no predict:"));
	project_done(&p);
	T_EQ(parse("predict: predict.py\n", &p, err, sizeof err), 0);
	T_OK(has_issue(&p, "predict must be \"FILE.py:CLASS\" (got "
	    "\"predict.py\")"));
	T_STREQ(p.predict_file, "");
	project_done(&p);
	T_EQ(parse("predict: [a]\n", &p, err, sizeof err), 0);
	T_OK(has_issue(&p, "predict must be a string"));
	project_done(&p);
	T_EQ(parse("build:\n  gpu: maybe\npredict: p.py:P\n", &p, err,
	    sizeof err), 0);
	T_OK(has_issue(&p, "build.gpu must be true or false (got "
	    "\"maybe\")"));
	T_OK(!p.gpu_set);
	project_done(&p);
	T_EQ(parse("build:\n  gpu: \"true\"\npredict: p.py:P\n", &p, err,
	    sizeof err), 0);
	T_OK(has_issue(&p, "build.gpu must be true or false"));
	project_done(&p);
	T_EQ(parse("build:\n  python_packages: torch\n"
	    "  system_packages:\n    - [x]\n    - ok\npredict: p.py:P\n", &p,
	    err, sizeof err), 0);
	T_OK(has_issue(&p, "build.python_packages must be a list"));
	T_OK(has_issue(&p, "build.system_packages entry 1 must be a string"));
	T_EQ(p.system_packages.n, 1);
	project_done(&p);
	T_EQ(parse("build:\n  python_packages: [torch]\n"
	    "  python_requirements: r.txt\npredict: p.py:P\n", &p, err,
	    sizeof err), 0);
	T_OK(has_issue(&p, "both set"));
	project_done(&p);
	T_EQ(parse("build:\n  gpu: false\n  cuda: '11.8'\npredict: p.py:P\n",
	    &p, err, sizeof err), 0);
	T_OK(has_issue(&p, "build.cuda is set but build.gpu is false"));
	project_done(&p);
	T_EQ(parse("build: [1]\npredict: p.py:P\nconcurrency:\n  max: 0\n",
	    &p, err, sizeof err), 0);
	T_OK(has_issue(&p, "build must be a mapping"));
	T_OK(has_issue(&p, "concurrency.max must be a whole number"));
	project_done(&p);
	T_EQ(parse("predict: p.py:P\nconcurrency: 3\n", &p, err, sizeof err),
	    0);
	T_OK(has_issue(&p, "concurrency must be a mapping"));
	project_done(&p);
	T_EQ(parse("predict: p.py:P\nconcurrency: {max: -2}\n", &p, err,
	    sizeof err), 0);
	T_OK(has_issue(&p, "concurrency.max"));
	project_done(&p);

	/* not YAML, not a mapping, empty */
	T_EQ(parse("build:\n  gpu: [true\npredict: x\n", &p, err, sizeof err),
	    -1);
	T_OK(strncmp(err, "cog.yaml:", 9) == 0);
	printf("     syntax error reads: %s\n", err);
	T_EQ(parse("build:\n\tgpu: true\n", &p, err, sizeof err), -1);
	T_OK(strncmp(err, "cog.yaml:2:", 11) == 0);
	T_EQ(parse("- a\n- b\n", &p, err, sizeof err), -1);
	T_STREQ(err, "cog.yaml:1:1: expected a mapping (build:, predict:)");
	T_EQ(parse("", &p, err, sizeof err), -1);
	T_STREQ(err, "cog.yaml is empty");
	T_EQ(parse("# only a comment\n", &p, err, sizeof err), -1);
	project_done(&p);

	/* many issues: bounded, the rest counted */
	{
		char big[8192] = "build:\n  system_packages:\n";

		for (int i = 0; i < 40; i++)
			strcat(big, "    - [x]\n");
		strcat(big, "predict: p.py:P\n");
		T_EQ(parse(big, &p, err, sizeof err), 0);
		T_EQ(p.n_issues, PROJECT_MAX_ISSUES);
		T_EQ(p.n_issues_dropped, 40 - PROJECT_MAX_ISSUES);
		project_done(&p);
	}
}

static void
test_load(void)
{
	struct project p;
	char err[512] = "";

	snprintf(tmp, sizeof tmp, "/tmp/t_client_project.XXXXXX");
	if (mkdtemp(tmp) == NULL)
		return;
	T_EQ(project_load(tmp, &p, err, sizeof err), -1);
	T_OK(strstr(err, "cog.yaml: No such file or directory") != NULL);

	put("cog.yaml", "build:\n  python_requirements: requirements.txt\n"
	    "predict: \"predict.py:Predictor\"\n");
	T_EQ(project_load(tmp, &p, err, sizeof err), 0);
	T_OK(has_issue(&p, "predict.py: file not found (predict: "
	    "\"predict.py:Predictor\")"));
	T_OK(has_issue(&p, "requirements.txt: file not found "
	    "(build.python_requirements)"));
	project_done(&p);

	put("requirements.txt", "torch\n");
	put("predict.py", "from cog import BasePredictor\n"
	    "# class Predictor: is only a comment here\n"
	    "class PredictorBase(BasePredictor):\n    pass\n");
	T_EQ(project_load(tmp, &p, err, sizeof err), 0);
	T_EQ(p.n_issues, 1);
	T_OK(has_issue(&p, "predict.py has no class Predictor (predict: "
	    "\"predict.py:Predictor\")"));
	project_done(&p);

	put("predict.py", "from cog import BasePredictor\n\n"
	    "class Predictor(BasePredictor):\n"
	    "    def predict(self) -> str:\n        return 'x'\n");
	T_EQ(project_load(tmp, &p, err, sizeof err), 0);
	T_EQ(p.n_issues, 0);
	project_done(&p);

	put("cog.yaml", "build: [\n");
	T_EQ(project_load(tmp, &p, err, sizeof err), -1);
	T_OK(strncmp(err, "cog.yaml:", 9) == 0);
	project_done(&p);

	rm("cog.yaml");
	rm("predict.py");
	rm("requirements.txt");
	rmdir(tmp);
}

static void
test_has_class(void)
{
	static const char src[] = "import x\nclass A:\n  pass\n"
	    "    class Inner (Base):\n"
	    "class\tTabbed\t:\n"
	    "classy = 1\n"
	    "class Bnot(x)\n"
	    "class C";

	T_OK(project_has_class(src, strlen(src), "A"));
	T_OK(project_has_class(src, strlen(src), "Inner"));
	T_OK(project_has_class(src, strlen(src), "Tabbed"));
	T_OK(!project_has_class(src, strlen(src), "B"));
	T_OK(project_has_class(src, strlen(src), "Bnot"));
	T_OK(!project_has_class(src, strlen(src), "C"));	/* cut off */
	T_OK(!project_has_class(src, strlen(src), "y"));
	T_OK(!project_has_class(src, strlen(src), ""));
	T_OK(!project_has_class("class A:", 7, "A"));	/* len bounds */
	T_OK(project_has_class("class A:", 8, "A"));
}

/* The summary both the CLI and the TUI print: an image's run.cog.config
 * label (cog.yaml as JSON) reads like the file; long package lists are
 * cut with "..."; a tiny max keeps to max lines. */
static void
test_summary(void)
{
	static const char label[] = "{\"build\": {\"gpu\": true, "
	    "\"cuda\": \"12.1\", \"python_version\": \"3.11\", "
	    "\"python_packages\": [\"torch==2.3.1\", \"numpy\"], "
	    "\"system_packages\": [\"libgl1\"]}, "
	    "\"predict\": \"predict.py:Predictor\", "
	    "\"concurrency\": {\"max\": 8}}";
	struct project_line l[PROJECT_MAX_LINES];
	struct project p;
	char err[256], big[8192];
	size_t n, i;

	T_EQ(project_parse(label, strlen(label), &p, err, sizeof err), 0);
	n = project_summary(&p, l, PROJECT_MAX_LINES);
	T_EQ(n, 7);
	T_STREQ(l[0].label, "predict");
	T_STREQ(l[0].text, "predict.py:Predictor");
	T_STREQ(l[1].text, "true");
	T_STREQ(l[2].label, "cuda");
	T_STREQ(l[3].text, "3.11");
	T_STREQ(l[4].label, "python packages");
	T_STREQ(l[4].text, "2: torch==2.3.1, numpy");
	T_STREQ(l[5].text, "1: libgl1");
	T_STREQ(l[6].text, "max 8");
	for (i = 0; i < n; i++)
		T_OK(!l[i].mistake);
	T_EQ(project_summary(&p, l, 2), 2);
	project_done(&p);

	/* mistakes last, in the parser's words; long lists cut */
	strcpy(big, "build:\n  gpu: maybe\n  python_packages:\n");
	for (i = 0; i < 200; i++)
		strcat(big, "    - package-with-a-long-name\n");
	T_EQ(project_parse(big, strlen(big), &p, err, sizeof err), 0);
	n = project_summary(&p, l, PROJECT_MAX_LINES);
	T_STREQ(l[0].text, "(none)");
	T_STREQ(l[1].text, "unset (false)");
	T_STREQ(l[2].text, "(Cog's default)");
	T_OK(strncmp(l[3].text, "200: package-with", 17) == 0);
	T_OK(strlen(l[3].text) < PROJECT_LINE_MAX);
	T_OK(strstr(l[3].text, " ...") != NULL);
	T_OK(n >= 6 && l[n - 1].mistake && l[n - 2].mistake);
	T_STREQ(l[n - 1].label, "mistake");
	project_done(&p);
}

int
main(void)
{
	test_fixtures();
	test_fields();
	test_mistakes();
	test_load();
	test_has_class();
	test_summary();
	return T_SUMMARY();
}
