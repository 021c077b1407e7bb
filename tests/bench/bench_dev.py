#!/usr/bin/env python3
"""tests/bench/bench_dev.py: the Cog dev loop's reload against a restart by
hand (issue 13: `cog serve` has no reload; its user stops and starts it).

  r8play reload   `r8play --dev DIR` (the TUI in script mode, served by the
                  `cog` stand-in tests/fakes/dev/cog): from the save of
                  predict.py (a rename, as editors do) to the screen whose
                  form shows the new schema's fields (the script's dump
                  after `wait text FIELD`; its file's mtime). It includes
                  r8play's debounce, the server's restart, the health poll
                  to READY and the /openapi.json fetch.
  process restart the same stand-in `cog serve -p PORT` stopped (SIGTERM,
                  wait) and started again, to READY on /health-check and
                  the new /openapi.json read: the machine's part of a
                  restart by hand, no human in it.
  container re-run with the test bed (tests/docker/setup): what `cog serve`
                  does on each start, `docker run` of the Cog image (here
                  the test image with the fake Cog server) after removing
                  the previous container, to READY. Its `docker build`
                  step is not counted (cog is not installable here).
The reloads and the process restarts alternate, round by round, so that
both see the same machine load. Median of RUNS (default 7; container
RUNS_DOCKER, default 3). Prints a
table; no timed assertions. BENCH_SUMMARY: a file to append make bench's
summary lines to.

    make bench-dev
"""
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
R8PLAY = os.path.abspath(os.environ.get("R8PLAY") or os.path.join(
    ROOT, "build", "default", "r8play"))
STUBS = os.path.join(ROOT, "tests", "fakes", "dev")
RUNS = int(os.environ.get("RUNS", "7"))
RUNS_DOCKER = int(os.environ.get("RUNS_DOCKER", "3"))
IMAGE = os.environ.get("BENCH_IMAGE", "127.0.0.1:%s/r8play-test/cog-image:"
                       "latest" % os.environ.get("R8PLAY_TEST_REGISTRY_PORT",
                                                 "5400"))
COG_YAML = ('build:\n  gpu: false\n  python_version: "3.11"\n'
            'predict: "predict.py:Predictor"\n')
# a field each predictor's form has and the other's has not
FIELD = {"image": "negative_prompt", "text": "system_prompt"}
LIMIT_S = 60                    # bounds a failure only


def predictor(name):
    return ("# fake-predictor: %s\nfrom cog import BasePredictor\n\n"
            "class Predictor(BasePredictor):\n"
            "    def predict(self) -> str:\n        return 'x'\n" % name)


def save(d, name, text):
    """Write a sibling and rename it over (one IN_MOVED_TO); the time of
    the rename, wall clock ns (compared with a dump file's mtime)."""
    tmp = os.path.join(d, "." + name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    t = time.time_ns()
    os.rename(tmp, os.path.join(d, name))
    return t


def get(port, path):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, body
    except OSError:
        return None, b""


def wait_ready(port, deadline):
    """Poll /health-check every 5 ms until READY, then read /openapi.json.
    True when both came before deadline (monotonic)."""
    while time.monotonic() < deadline:
        st, body = get(port, "/health-check")
        if st == 200:
            try:
                if json.loads(body).get("status") == "READY":
                    return get(port, "/openapi.json")[0] == 200
            except ValueError:
                pass
        time.sleep(0.005)
    return False


def wait_file(path, proc, deadline):
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    return False


def env_for(tmp):
    return {"PATH": STUBS + os.pathsep + os.environ.get("PATH", "/bin"),
            "HOME": tmp, "LC_ALL": "C.UTF-8", "TZ": "UTC",
            "TERM": "xterm-256color", "R8PLAY_CONFIG_DIR": os.path.join(
                tmp, "conf"),
            "R8PLAY_NVML_LIB": "/nonexistent/libnvidia-ml.so.1"}


class Restarter:
    """The stand-in `cog serve -p PORT` in proj, stopped and started by
    hand: one round is SIGTERM, wait, start, READY, /openapi.json."""

    def __init__(self, tmp, proj):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.proj, self.env = proj, env_for(tmp)
        self.p = self.start()
        if not wait_ready(self.port, time.monotonic() + LIMIT_S):
            raise RuntimeError("the stand-in never got READY")

    def start(self):
        return subprocess.Popen([os.path.join(STUBS, "cog"), "serve", "-p",
                                 str(self.port)], cwd=self.proj,
                                env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                                start_new_session=True)

    def round(self):
        """ms of one restart; raises RuntimeError when it fails."""
        t0 = time.monotonic()
        os.killpg(self.p.pid, signal.SIGTERM)
        self.p.wait(timeout=LIMIT_S)
        self.p = self.start()
        if not wait_ready(self.port, time.monotonic() + LIMIT_S):
            raise RuntimeError("a restart never got READY")
        return (time.monotonic() - t0) * 1000

    def close(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()


def bench_dev(tmp):
    """RUNS rounds, each r8play's reload (ms from save to the new form)
    then one restart by hand of the same stand-in (so both see the same
    machine load); (reloads, restarts, why-not or None)."""
    proj, dumps = os.path.join(tmp, "proj"), os.path.join(tmp, "dumps")
    for d in (proj, dumps, os.path.join(tmp, "conf")):
        os.makedirs(d, exist_ok=True)
    save(proj, "cog.yaml", COG_YAML)
    save(proj, "predict.py", predictor("image"))
    order = ["text" if i % 2 == 0 else "image" for i in range(RUNS)]
    lines = ["wait text " + FIELD["image"], "wait idle", "dump r0"]
    for i, name in enumerate(order):
        lines += ["wait text " + FIELD[name], "dump r%d" % (i + 1),
                  "wait idle"]
    script = os.path.join(tmp, "dev.keys")
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    e = env_for(tmp)
    e["R8PLAY_SCRIPT_WAIT_MS"] = str(LIMIT_S * 1000)
    rel, proc, hand = [], [], None
    p = subprocess.Popen([R8PLAY, "--script", script, "--dump-dir", dumps,
                          "--size", "120x50", "--dev", proj], env=e,
                         cwd=tmp, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        dump = lambda i: os.path.join(dumps, "r%d.screen" % i)  # noqa
        if not wait_file(dump(0), p, time.monotonic() + LIMIT_S):
            return rel, proc, "the first form never showed"
        hand = Restarter(tmp, proj)
        for i, name in enumerate(order):
            time.sleep(0.3)         # settle: no pending event
            t = save(proj, "predict.py", predictor(name))
            if not wait_file(dump(i + 1), p, time.monotonic() + LIMIT_S):
                return rel, proc, "reload %d never showed" % (i + 1)
            rel.append((os.stat(dump(i + 1)).st_mtime_ns - t) / 1e6)
            time.sleep(0.3)
            proc.append(hand.round())
        p.wait(timeout=LIMIT_S)
    except RuntimeError as x:
        return rel, proc, str(x)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        if hand is not None:
            hand.close()
    return rel, proc, None


def docker(*args, timeout=300):
    return subprocess.run(["docker"] + list(args), capture_output=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def bench_container():
    """docker rm -f + docker run of the Cog image, to READY."""
    if RUNS_DOCKER <= 0:
        return [], "RUNS_DOCKER=0"
    if shutil.which("docker") is None or \
            docker("image", "inspect", IMAGE, timeout=30).returncode != 0:
        return [], "no %s (run tests/docker/setup as root)" % IMAGE
    name = "r8benchdev%d" % os.getpid()
    got = []
    try:
        for i in range(RUNS_DOCKER + 1):
            t0 = time.monotonic()
            docker("rm", "-f", name)
            r = docker("run", "-d", "--name", name, "--label",
                       "dev.r8play.bench=1", "-p", "127.0.0.1::5000", IMAGE)
            if r.returncode != 0:
                return got, r.stderr.decode(errors="replace").strip()
            port = docker("port", name, "5000/tcp").stdout.decode().split(
                ":")[-1].strip()
            if not port.isdigit() or not wait_ready(
                    int(port), time.monotonic() + LIMIT_S):
                return got, "the container never got READY"
            if i > 0:               # the first run only makes one to remove
                got.append((time.monotonic() - t0) * 1000)
    finally:
        docker("rm", "-f", name)
    return got, None


def row(label, xs, why):
    if not xs:
        print("%-44s %10s %10s %10s %5s  (%s)" % (label, "-", "-", "-", 0,
                                                   why))
        return None
    m = statistics.median(xs)
    print("%-44s %10.0f %10.0f %10.0f %5d" % (label, m, min(xs), max(xs),
                                              len(xs)))
    return (m, min(xs), max(xs))


def main():
    if not os.access(R8PLAY, os.X_OK):
        print("bench-dev: no %s (make first)" % R8PLAY)
        return 1
    tmp = tempfile.mkdtemp(prefix="r8bench-dev-")
    try:
        rel, proc, why = bench_dev(tmp)
        cont, why_c = bench_container()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("Cog dev loop: save predict.py -> the new schema (ms)")
    print("%-44s %10s %10s %10s %5s" % ("case", "median", "min", "max",
                                        "runs"))
    a = row("r8play --dev reload (save -> new form)", rel, why)
    b = row("cog serve restart, process (stop+start+READY)", proc, why)
    c = row("cog serve restart, container (rm+run+READY)", cont, why_c)
    print("r8play's figure includes its %d ms debounce and a human-free "
          "restart; the restarts\nby hand exclude the person's own time "
          "and cog's docker build." % 300)
    out = os.environ.get("BENCH_SUMMARY")
    if out and a:
        with open(out, "a") as f:
            for peer, v in (("process restart", b),
                            ("container re-run", c)):
                if v:
                    f.write("dev reload vs cog serve %s\t%.0f\t%.0f\t%.0f\t"
                            "%s\t%.0f\t%.0f\t%.0f\n" % (peer, a[0], a[1],
                                                        a[2], peer, *v))
    return 0 if rel else 1


if __name__ == "__main__":
    sys.exit(main())
