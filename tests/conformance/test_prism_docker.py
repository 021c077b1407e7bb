#!/usr/bin/env python3
"""tests/conformance/test_prism_docker.py: the fake Docker Engine API
(tests/fakes/docker.py) against moby's Engine API specs, through Prism
(@stoplight/prism-cli, pinned in tests/conformance/package-lock.json).

Prism cannot proxy a unix socket, so the fake listens on 127.0.0.1 (its
--port mode). For each spec (tests/fixtures/docker/spec/: v1.41 in front of
the default 20.10 fake, v1.44 in front of `--daemon 29`), the spec is
prepared for Prism (Prism ignores Swagger 2.0's basePath: every path gets
the /vX.YY prefix, and /version and /_ping are also served unversioned,
as the daemon does), `prism proxy --errors` runs in front of the fake, and
every request shape of docker-requests.json is replayed through it:
  - a request Prism refuses (422) must be refused only for a request drift
    listed in docker-known-drift.json (r8play writes booleans as the docker
    CLI does); its spec_form is then replayed to check the answer;
  - every violation Prism reports on the fake's answer must be listed there
    (the real daemon's recorded answers that disagree with the spec);
  - the fake's own status (its request log) is the expected one.
A deliberately wrong fake answer (POST /_fake/break) must be rejected.
Last, r8play's own commands (local images/ps/pull/start --gpus all/stop,
run --image) run against the fake, and every request they sent must have
its shape (method, path, query names) in docker-requests.json, so that the
list stays the client's. A missing node or Prism is a failure, not a skip.
"""
import json
import os
import re
import signal
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
from t import check, summary, ROOT, R8PLAY  # noqa: E402
from fakes import start_fake, stop, http_request, requests_log  # noqa: E402
import test_prism as tp  # noqa: E402  (Prism start/stop, violations)

SPECS = os.path.join(ROOT, "tests", "fixtures", "docker", "spec")
TOTAL_SECONDS = 75          # hard bound on the whole test
START_SECONDS = 40          # Prism start-up
RUNS = (("v1.41", "engine-api-v1.41.yaml", ()),
        ("v1.44", "engine-api-v1.44.yaml", ("--daemon", "29")))
REQUEST_SIDE = ("query", "path", "header", "body")


def prepare_spec(src, dst):
    """The spec as Prism can route it: basePath folded into every path."""
    with open(src) as f:
        s = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    base = s.pop("basePath", "")
    paths = {base + p: v for p, v in s["paths"].items()}
    for p in ("/version", "/_ping"):
        v = json.loads(json.dumps(s["paths"][p]))
        for op in v.values():
            if isinstance(op, dict) and "operationId" in op:
                op["operationId"] += "Unversioned"
        paths[p] = v
    s["paths"] = paths
    with open(dst, "w") as f:
        json.dump(s, f)


def wait_listening(p, url, log, what):
    end = time.monotonic() + START_SECONDS
    while time.monotonic() < end and p.poll() is None:
        try:
            http_request("GET", url + "/_ping", timeout=2)
            return True
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    check(False, "%s is listening" % what, "exit %s; output:\n%s" % (
        p.poll(), log.read().decode("utf-8", "replace")[-1500:]))
    return False


def request_side(v):
    loc = v.get("location") or [""]
    return loc[0] in REQUEST_SIDE


def known(drift, op, vs, used):
    """The violations no drift entry explains."""
    unknown = []
    for v in vs:
        hit = [e for e in drift if tp.drift_match(e, op, v)]
        if hit:
            used.add(hit[0]["id"])
        else:
            unknown.append(v)
    return unknown


def fake_status(fbase, path):
    """The status the fake answered to its last request for path."""
    for e in reversed(requests_log(fbase)):
        if e["path"] == path:
            return e.get("status")
    return None


def violations(hd, data):
    """Prism's violations; a stream Prism could not parse as one JSON
    document (a FetchError problem) counts as one, code FetchError."""
    vs = tp.violations_of(hd, data)
    try:
        b = json.loads(data)
    except ValueError:
        return vs
    if isinstance(b, dict) and b.get("type") == "FetchError":
        vs.append({"location": ["response", "body"], "code": "FetchError",
                   "message": b.get("title", "")})
    return vs


def send(base, req, path, env):
    body, headers = None, {"User-Agent": "r8play/0.1 (conformance)"}
    if "json" in req:
        body = json.dumps(req["json"]).encode()
        headers["Content-Type"] = "application/json"
    elif req["method"] == "POST":
        headers["Content-Type"] = "text/plain"
    return http_request(req["method"], base + path, body, headers,
                        timeout=20)


def replay_one(label, pbase, fbase, req, env, drift, used):
    path = tp.subst(req["path"], env)
    st, hd, data = send(pbase, req, path, env)
    vs = violations(hd, data)
    op = "%s %s" % (req["method"], req["path"].split("?")[0])
    if st == 422 or (vs and all(request_side(v) for v in vs) and
                     st >= 400 and fake_status(fbase, path) is None):
        unknown = known(drift, op, vs, used)
        check(not unknown and vs, "%s: %s: Prism refuses only known request "
              "drift" % (label, req["name"]),
              "\n     ".join([tp.fmt(v) for v in unknown] or
                             [data[:600].decode("utf-8", "replace")]))
        if "spec_form" not in req:
            return
        path = tp.subst(req["spec_form"], env)
        st, hd, data = send(pbase, req, path, env)
        vs = violations(hd, data)
    unknown = known(drift, op, vs, used)
    fst = fake_status(fbase, path)
    want = req.get("status")
    ok = fst is not None and (fst == want if want else 200 <= fst < 300) \
        and (st == fst or (st == 500 and vs))
    check(ok and not unknown, "%s: %s, no violation beyond known drift "
          "(%d, fake %s)" % (label, req["name"], st, fst),
          "\n     ".join([tp.fmt(v) for v in unknown] or
                         [data[:600].decode("utf-8", "replace")]))
    if 200 <= st < 300 and req.get("save"):
        try:
            b = json.loads(data)
            for var, k in req["save"].items():
                env[var] = b[k]
        except (ValueError, KeyError, TypeError):
            pass


def bad_answer(label, pbase, fbase, api):
    """A deliberately wrong answer of the fake must be rejected."""
    http_request("POST", fbase + "/_fake/break")
    st, hd, data = http_request("GET", pbase + "/%s/version" % api)
    vs = tp.violations_of(hd, data)
    hit = [v for v in vs if v.get("location") == ["response", "body",
                                                   "ApiVersion"]]
    check(st == 500 and hit, "%s: Prism rejects a wrong answer (ApiVersion "
          "a number)" % label, "%d %s" % (st, data[:400]))
    st, hd, data = http_request("GET", pbase + "/%s/version" % api)
    check(st == 200 and not tp.violations_of(hd, data),
          "%s: the next /version is right again" % label, "%d" % st)


def shape_of(template):
    """(method-less) path regex and query names of a request template:
    {api} is a version, any other {var} one or more path characters."""
    path, _, query = template.partition("?")
    rx = ""
    for part in re.split(r"(\{\w+\})", path):
        if part == "{api}":
            rx += r"v\d+\.\d+"
        elif part.startswith("{"):
            rx += r"[^?]+"
        else:
            rx += re.escape(part)
    names = sorted(q.split("=")[0] for q in query.split("&") if q)
    return re.compile(rx + "$"), names


def covered(spec, method, path):
    p, _, query = path.partition("?")
    names = sorted(q.split("=")[0] for q in query.split("&") if q)
    for req in spec["requests"]:
        for t in (req["path"], req.get("spec_form")):
            if t is None or req["method"] != method:
                continue
            rx, tnames = shape_of(t)
            if rx.match(p) and tnames == names:
                return True
    return False


def cli_coverage(spec, tmp):
    """r8play's commands against the fake (its started containers served
    by a fake Cog server): every request they sent is in the list."""
    cog, cbase = start_fake("cog.py", "--predictor", "image", "--speed",
                            "20", "--setup-seconds", "0", "--quiet")
    fake, fbase = start_fake("docker.py", "--port", "0", "--nvidia",
                             "--gateway", "192.0.2.1", "--host-port",
                             cbase.rsplit(":", 1)[1])
    image = "127.0.0.1:5400/acme/image-demo:latest"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
           "LC_ALL": "C.UTF-8", "R8PLAY_CONFIG_DIR": tmp,
           "DOCKER_HOST": "tcp://" + fbase.split("://", 1)[1]}
    cmds = [["local", "images"], ["local", "ps", "--json"],
            ["local", "pull", "127.0.0.1:5400/acme/conformance-pull:latest"],
            ["local", "start", image, "--gpus", "all", "--name",
             "r8conf-cli", "--json"],
            ["local", "stop", "r8conf-cli"],
            ["run", "--image", image, "-i", "prompt=x", "-i", "width=64",
             "-i", "height=64", "--output-dir", os.path.join(tmp, "out")]]
    try:
        for c in cmds:
            p = subprocess.run([R8PLAY] + c, env=env, capture_output=True,
                               timeout=30, stdin=subprocess.DEVNULL)
            check(p.returncode == 0, "r8play %s against the fake" %
                  " ".join(c[:2]), p.stderr.decode(errors="replace")[-600:])
        log = requests_log(fbase)
    finally:
        stop(fake)
        stop(cog)
    seen = sorted({(r["method"], r["path"]) for r in log})
    missing = [m + " " + p for m, p in seen if not covered(spec, m, p)]
    check(len(seen) >= 10 and not missing, "every request r8play sent (%d "
          "kinds) has its shape in docker-requests.json" % len(seen),
          "\n     ".join(missing))


def main():
    signal.signal(signal.SIGTERM, tp.on_signal)
    signal.signal(signal.SIGALRM, tp.on_signal)
    signal.alarm(TOTAL_SECONDS)
    if not check(shutil.which("node") is not None and
                 os.access(tp.PRISM, os.X_OK), "node and Prism are installed "
                 "in tests/conformance/node_modules", "run `make deps`"):
        summary()
    with open(os.path.join(HERE, "docker-requests.json")) as f:
        spec = json.load(f)
    with open(os.path.join(HERE, "docker-known-drift.json")) as f:
        drift = json.load(f)["drift"]
    check(all(e.get("id") and e.get("comment") and e.get("evidence")
              for e in drift), "every known-drift entry has an id, a "
          "comment and its evidence")
    tmp = tempfile.mkdtemp(prefix="r8play-prism-docker-")
    fakes, runs = [], []
    used = set()
    try:
        for api, name, args in RUNS:
            dst = os.path.join(tmp, name + ".json")
            prepare_spec(os.path.join(SPECS, name), dst)
            fake, fbase = start_fake("docker.py", "--port", "0", "--nvidia",
                                     *args)
            fakes.append(fake)
            log = tempfile.TemporaryFile()
            p, pbase = tp.start_prism(["proxy", "--errors", dst, fbase], log)
            runs.append((api, fbase, p, pbase, log))
        for api, fbase, p, pbase, log in runs:
            if not wait_listening(p, pbase, log, "prism proxy " + api):
                continue
            env = dict(spec["vars"], api=api)
            for req in spec["requests"]:
                try:
                    replay_one(api, pbase, fbase, req, env, drift, used)
                except OSError as e:
                    check(False, "%s: %s answers" % (api, req["name"]), e)
            bad_answer(api, pbase, fbase, api)
        for e in drift:
            if e["id"] not in used:
                print("note: known drift %r not seen this run" % e["id"])
        cli_coverage(spec, tmp)
    finally:
        tp.kill_all()
        for f in fakes:
            stop(f)
        shutil.rmtree(tmp, ignore_errors=True)
    summary()


if __name__ == "__main__":
    main()
