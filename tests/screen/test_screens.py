"""tests/screen/test_screens.py: screen-dump tests (tig style).

Each tests/screen/<case>.keys is a key script for r8play's hidden
`--script FILE --dump-dir DIR --size WxH` mode. Header comments choose what
the case needs:

    # fakes: replicate cog          start these (tests/lib/fakes.py)
    # cog-args: --predictor text    arguments for the Cog fake
    # fakes: cog cog2               a second Cog fake, {cog2}, reached as
    # cog2-args: --predictor text   localhost (the first is 127.0.0.1)
    # docker-args: --nvidia         the fake Engine API ({docker}: DOCKER_HOST;
    #                               {cog} and {replicate} are known here)
    # args: --api-base {replicate}/v1 stability-ai/sdxl
    # env: REPLICATE_API_TOKEN={token}
    # files: tests/fixtures/images/x.png   copied into the working directory
    # blobs: media/a.mp4=300000     files made in the working directory (its
    #                               HOME too): that many bytes, folders made
    # uploads: FIELD a.mp4 b.mp4    each file (by name) uploaded with POST
    #                               /v1/files before the prediction was
    #                               created, and its input's FIELD is the list
    #                               of their URLs (the fake's file objects)
    # requests: POST:^/v1/files$ POST:^/v1/predictions$=BODY_REGEX
    #                               the Replicate fake must have seen these
    # saved: r8play-outputs/*/out-0.png   files the run must have written
    # normalise: REGEX              (repeatable) masked in this case's dumps
    # expect: DUMP REGEX            (repeatable) the dump DUMP (normalised,
    #                               every size) must match REGEX (re.M);
    #                               content checked beside the golden
    # expect-not: DUMP REGEX        (repeatable) ... must not match
    # config: theme = mono; local = URL   the config file (';' ends a line)
    # faults: [{"path": "^/v1/models$", "kind": "truncate"}]   queued first
    # sizes: 80x24 200x60 40x12     (the default)
    # nvml: full tests/fixtures/nvml/screen.tsv
                                    the fake NVML (tests/fakes/nvml: full or
                                    old) answering from that file; without
                                    it no NVML library can be loaded

For every size the case runs once in a fresh process (fresh fakes, clean
environment: LC_ALL=C.UTF-8, TZ=UTC, TERM=xterm-256color, R8PLAY_CLOCK=0)
and each `dump NAME` is compared with
tests/screen/expected/<case>/<NAME>.<W>x<H>.screen (`dump-style NAME`: the
theme role of every cell, <NAME>.<W>x<H>.style). What the fakes invent
at random (prediction ids, ports, run times) is normalised first.
GOLDEN_UPDATE=1 (make golden-update) rewrites the expected files.
"""
import base64
import concurrent.futures
import difflib
import json
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, ROOT, R8PLAY, O  # noqa: E402
import fakes  # noqa: E402

HERE = os.path.join(ROOT, "tests", "screen")
EXPECTED = os.path.join(HERE, "expected")
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"
ONLY = os.environ.get("SCREEN_CASE")
DEFAULT_SIZES = ["80x24", "200x60", "40x12"]

# What differs from run to run for reasons outside r8play.
NORMALISE = [
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    # the second Cog fake (cog2) is reached as localhost; :5000 is in text
    (re.compile(r"localhost:(?!5000\b)\d+"), "localhost:PORT"),
    (re.compile(r"r8p-[0-9a-f]{6,}"), "r8p-ID"),
    (re.compile(r"\b[a-z0-9]{26}\b"), "PREDICTION_ID"),
    (re.compile(r"predict \d+\.\d+s"), "predict N.NNs"),
    (re.compile(r"about \$[0-9.,]+"), "about $N"),
    (re.compile(r"Using seed: \d+"), "Using seed: N"),
    # ids cut by a narrow screen
    (re.compile(r"r8play-outputs/(PREDICTION_ID|r8p-ID|[a-z0-9-]+…)"),
     "r8play-outputs/ID"),
    (re.compile(r"(run #\d+ · .* · )(r8p-[0-9a-f]*|[a-z0-9]{1,25})…$",
                re.M), r"\1ID…"),
]


def normalise(text):
    for rx, rep in NORMALISE:
        text = rx.sub(rep, text)
    return text


def headers(path):
    h = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#\s*([a-z0-9-]+):\s*(.*)$", line.strip())
            if m and m.group(1) in ("normalise", "expect", "expect-not"):
                h.setdefault(m.group(1), []).append(m.group(2).strip())
            elif m:
                h[m.group(1)] = m.group(2).strip()
            elif line.strip() and not line.startswith("#"):
                break
    return h


def make_blob(work, spec):
    """`# blobs: REL=BYTES`: a file of BYTES printable bytes under work."""
    rel, _, size = spec.partition("=")
    path = os.path.join(work, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    unit = (rel + " r8play screen blob\n").encode()
    with open(path, "wb") as f:
        f.write((unit * (int(size) // len(unit) + 1))[:int(size)])


def log_body(q):
    """A logged request's body as bytes (the fake keeps non-UTF-8 as b64)."""
    if "body_b64" in q:
        return base64.b64decode(q["body_b64"])
    return (q.get("body") or "").encode("utf-8")


def check_uploads(base, log, spec):
    """`# uploads: FIELD NAME...`: every NAME went up with POST /v1/files
    before the first prediction was created, and that prediction's input
    FIELD lists exactly the uploaded files' URLs, as the fake's file
    objects (GET /v1/files/ID) say. Returns [(ok, what)]."""
    field, names = spec[0], spec[1:]
    out = []
    runs = [i for i, q in enumerate(log) if q.get("method") == "POST" and
            re.search(r"/predictions$", q.get("path", ""))]
    first_run = runs[0] if runs else len(log)
    for name in names:
        tag = ('filename="%s"' % name).encode()
        ups = [i for i, q in enumerate(log) if q.get("method") == "POST" and
               q.get("path") == "/v1/files" and tag in log_body(q)]
        out.append((len(ups) == 1, "%s uploaded once" % name))
        out.append((bool(ups) and ups[0] < first_run,
                    "%s uploaded before the prediction was created" % name))
    urls = []
    if runs:
        try:
            urls = json.loads(log_body(log[runs[0]]))["input"][field]
        except (ValueError, KeyError, TypeError):
            urls = []
    out.append((isinstance(urls, list) and len(urls) == len(names),
                "the prediction's %s lists %d files" % (field, len(names))))
    got = []
    for u in urls if isinstance(urls, list) else []:
        m = re.match(re.escape(base) + r"/v1/files/([^/]+)$", str(u))
        if not m:
            continue
        st, _, data = fakes.http_request(
            "GET", u, headers={"Authorization": "Bearer " +
                               fakes.REPLICATE_TOKEN})
        if st == 200:
            got.append(json.loads(data).get("name"))
    out.append((got == names, "its URLs are the uploads of %s, in order "
                "(got %s)" % (" ".join(names), got)))
    return out


def run_case(path, size):
    name = os.path.splitext(os.path.basename(path))[0]
    h = headers(path)
    want = h.get("fakes", "").split()
    procs = []
    subst = {"token": fakes.REPLICATE_TOKEN}
    work = tempfile.mkdtemp(prefix="r8play-screen-")
    try:
        if "replicate" in want:
            p, base = fakes.start_replicate("--quiet", "--speed", "8")
            procs.append(p)
            subst["replicate"] = base
            if "faults" in h:
                fakes.set_faults(base, json.loads(h["faults"]))
        if "cog" in want:
            extra = h.get("cog-args", "").split()
            p, base = fakes.start_fake("cog.py", "--quiet",
                                       "--setup-seconds", "0.1",
                                       "--speed", "8", *extra)
            procs.append(p)
            subst["cog"] = base
        if "cog2" in want:
            # a second, different server: targets are told apart
            extra = h.get("cog2-args", "").split()
            p, base = fakes.start_fake("cog.py", "--quiet",
                                       "--setup-seconds", "0.1",
                                       "--speed", "8", *extra)
            procs.append(p)
            subst["cog2"] = base.replace("127.0.0.1", "localhost")
        if "docker" in want:
            # the fake Engine API: Cog images with their label schema
            extra = [a.format(**subst)
                     for a in h.get("docker-args", "").split()]
            p, base = fakes.start_fake("docker.py", "--port", "0", *extra)
            procs.append(p)
            subst["docker"] = "tcp://" + base.split("://", 1)[1]
        args = [a.format(**subst) for a in h.get("args", "").split()]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": work,
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "TERM": "xterm-256color",
            "R8PLAY_CLOCK": "0",
            "R8PLAY_CONFIG_DIR": os.path.join(work, "config"),
            "EDITOR": os.path.join(HERE, "fake-editor.sh"),
        }
        # the host's GPU never shows in a golden: the fake or nothing
        nvml = h.get("nvml", "").split()
        if nvml:
            env["R8PLAY_NVML_LIB"] = os.path.join(
                ROOT, O, "tests", "fakes", "nvml", nvml[0],
                "libnvidia-ml.so.1")
            env["FAKE_NVML_CONFIG"] = os.path.join(ROOT, nvml[1])
        else:
            env["R8PLAY_NVML_LIB"] = "/nonexistent/libnvidia-ml.so.1"
        for kv in h.get("env", "").split():
            k, _, v = kv.partition("=")
            env[k] = v.format(**subst)
        for f in h.get("files", "").split():
            shutil.copy(os.path.join(ROOT, f), work)
        for spec in h.get("blobs", "").split():
            make_blob(work, spec)
        dumps = os.path.join(work, "dumps")
        os.makedirs(dumps)
        os.makedirs(env["R8PLAY_CONFIG_DIR"])
        if "config" in h:
            cfg = os.path.join(env["R8PLAY_CONFIG_DIR"], "config")
            with open(cfg, "w") as f:
                f.write(h["config"].replace(";", "\n") + "\n")
            os.chmod(cfg, 0o600)
        cmd = [R8PLAY, "--script", path, "--dump-dir", dumps,
               "--size", size] + args
        r = subprocess.run(cmd, env=env, cwd=work, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=120)
        # what the fakes saw and what landed on disk, for end-to-end cases
        extra = []
        if "replicate" in subst:
            log = fakes.requests_log(subst["replicate"])
            for want_req in h.get("requests", "").split():
                method, _, rest = want_req.partition(":")
                path_rx, _, body_rx = rest.partition("=")
                hit = [q for q in log if q.get("method") == method and
                       re.search(path_rx, q.get("path", "")) and
                       (not body_rx or re.search(body_rx,
                                                 q.get("body") or ""))]
                extra.append((bool(hit), "request %s" % want_req))
            if "uploads" in h:
                extra += check_uploads(subst["replicate"], log,
                                       h["uploads"].split())
        for pattern in h.get("saved", "").split():
            files = glob.glob(os.path.join(work, pattern))
            ok = bool(files) and all(os.path.getsize(f) > 0 for f in files)
            if ok and pattern.endswith(".png"):
                with open(files[0], "rb") as fh:
                    ok = fh.read(8) == b"\x89PNG\r\n\x1a\n"
            extra.append((ok, "saved %s" % pattern))
        out = {}
        for f in sorted(glob.glob(os.path.join(dumps, "*.screen")) +
                        glob.glob(os.path.join(dumps, "*.style"))):
            with open(f, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            if f.endswith(".screen"):
                text = normalise(text)
                for rx in h.get("normalise", []):
                    text = re.sub(rx, "<timing-dependent>", text,
                                  flags=re.M)
            base, ext = os.path.splitext(os.path.basename(f))
            out[(base, ext)] = text
        for key, want_match in (("expect", True), ("expect-not", False)):
            for spec in h.get(key, []):
                dump, _, rx = spec.partition(" ")
                text = out.get((dump, ".screen"))
                hit = text is not None and \
                    re.search(rx.strip(), text, re.M) is not None
                extra.append((text is not None and hit == want_match,
                              "%s %s %s" % (key, dump, rx.strip())))
        errs = r.stderr.decode("utf-8", "replace")
        return r.returncode, out, errs, extra
    finally:
        for p in procs:
            fakes.stop(p)
        shutil.rmtree(work, ignore_errors=True)


def main():
    cases = sorted(glob.glob(os.path.join(HERE, "*.keys")))
    check(len(cases) > 0, "screen cases exist")
    jobs = []
    for path in cases:
        name = os.path.splitext(os.path.basename(path))[0]
        if ONLY and not re.search(ONLY, name):
            continue
        sizes = headers(path).get("sizes", " ".join(DEFAULT_SIZES)).split()
        jobs += [(path, name, size) for size in sizes]
    # one process per (case, size); they mostly wait, so run a few at once
    workers = int(os.environ.get("SCREEN_JOBS", "4"))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda j: run_case(j[0], j[2]), jobs))
    for (path, name, size), (rc, dumps, errs, extra) in zip(jobs, results):
        check(rc == 0, "%s@%s: r8play exits 0" % (name, size),
              "exit %d: %s" % (rc, errs[-1500:]))
        check(len(dumps) > 0, "%s@%s: dumps written" % (name, size))
        for ok, what in extra:
            check(ok, "%s@%s: %s" % (name, size, what))
        exp_dir = os.path.join(EXPECTED, name)
        for (dump, ext), text in dumps.items():
            exp = os.path.join(exp_dir, "%s.%s%s" % (dump, size, ext))
            if UPDATE:
                os.makedirs(exp_dir, exist_ok=True)
                with open(exp, "w", encoding="utf-8") as f:
                    f.write(text)
                continue
            if not os.path.exists(exp):
                check(False, "%s@%s %s: golden exists" % (name, size, dump),
                      "missing %s (make golden-update)" % exp)
                continue
            with open(exp, encoding="utf-8") as f:
                want = f.read()
            diff = "".join(difflib.unified_diff(
                want.splitlines(True), text.splitlines(True),
                "expected", "got"))
            check(text == want, "%s@%s %s%s matches" % (
                name, size, dump, "" if ext == ".screen" else ext),
                diff[-3000:])
    summary()


if __name__ == "__main__":
    main()
