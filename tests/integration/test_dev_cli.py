#!/usr/bin/env python3
"""tests/integration/test_dev_cli.py: `r8play dev DIR`, the Cog dev loop,
end to end, served three ways: through a `cog` stand-in on PATH
(tests/fakes/dev/cog), through a stand-in cog Python package
(`python3 -m cog.server.http`, tests/fakes/dev/pycog), and through the
config's serve_command. Both stand-ins serve the folder with the fake Cog
server (tests/fakes/cog.py), its predictor named by a comment in
predict.py. Checked: cog.yaml is read and its mistakes named (--check);
the chosen way is said; editing predict.py restarts the server and the new
/openapi.json differs; a broken predict.py's error is shown and the server
stays down; fixing it brings it back; SIGTERM stops r8play and the server.
Timeouts below only bound a failure; nothing asserts on time."""
import atexit
import http.client
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from t import check, summary, R8PLAY, ROOT  # noqa: E402

STUBS = os.path.join(ROOT, "tests", "fakes", "dev")
TMP = tempfile.mkdtemp(prefix="r8play-dev-")
atexit.register(shutil.rmtree, TMP, True)
PY = shutil.which("python3") or sys.executable

COG_YAML = ('build:\n  gpu: false\n  python_version: "3.11"\n'
            'predict: "predict.py:Predictor"\n')


def predictor(name):
    return ("# fake-predictor: %s\nfrom cog import BasePredictor\n\n"
            "class Predictor(BasePredictor):\n"
            "    def predict(self) -> str:\n        return 'x'\n" % name)


def project(name):
    d = os.path.join(TMP, name)
    os.mkdir(d)
    write(d, "cog.yaml", COG_YAML)
    write(d, "predict.py", predictor("image"))
    return d


def write(d, name, text):
    # write a sibling then rename, as editors do (one IN_MOVED_TO)
    tmp = os.path.join(d, "." + name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(d, name))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def openapi(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/openapi.json")
        r = c.getresponse()
        body = r.read()
        c.close()
        return body if r.status == 200 else None
    except OSError:
        return None


def wait_openapi(port, differs_from=None, limit=30):
    end = time.time() + limit
    while time.time() < end:
        b = openapi(port)
        if b is not None and b != differs_from:
            return b
        time.sleep(0.1)
    return None


class Dev:
    def __init__(self, d, port, env, *extra):
        self.port = port
        self.lines = []
        self.q = queue.Queue()
        conf = os.path.join(TMP, "conf-%d" % port)
        os.makedirs(conf, exist_ok=True)
        self.conf = conf
        e = {k: v for k, v in os.environ.items()
             if k not in ("XDG_CONFIG_HOME", "PYTHONPATH")}
        e["R8PLAY_CONFIG_DIR"] = conf
        e.update(env)
        self.p = subprocess.Popen([R8PLAY, "dev", d, "--port", str(port)] +
                                  list(extra), env=e, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
        threading.Thread(target=self._read, daemon=True).start()
        self.seen = 0

    def _read(self):
        for raw in self.p.stdout:
            self.q.put(raw.decode("utf-8", "replace").rstrip("\n"))
        self.q.put(None)

    def wait(self, pattern, limit=30):
        """The first line from the cursor on matching pattern (the cursor
        moves past it), or None."""
        rx = re.compile(pattern)
        start = self.seen
        end = time.time() + limit
        while True:
            while self.seen < len(self.lines):
                line = self.lines[self.seen]
                self.seen += 1
                if rx.search(line):
                    return line
            left = end - time.time()
            try:
                line = self.q.get(timeout=left) if left > 0 else None
            except queue.Empty:
                line = None
            if line is None:
                self.seen = start   # not found: the cursor stays
                return None
            self.lines.append(line)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.wait("stopped", limit=2)
        return rc

    def log(self):
        return "\n".join(self.lines[-30:])


def loop(dev, d, how, serving, what):
    """The edit / break / fix cycle on a running dev loop."""
    check(dev.wait(r"^cog\.yaml: predict predict\.py:Predictor, gpu false, "
                   r"python 3\.11$") is not None, how + ": cog.yaml summary",
          dev.log())
    check(dev.wait(serving) is not None, what, dev.log())
    check(dev.wait(r"^started pid \d+: http://127\.0\.0\.1:%d$" % dev.port)
          is not None, how + ": started", dev.log())
    first = wait_openapi(dev.port)
    check(first is not None, how + ": the server answers /openapi.json",
          dev.log())
    write(d, "predict.py", predictor("text"))
    check(dev.wait(r"^changed predict\.py$") is not None,
          how + ": the change is seen", dev.log())
    check(dev.wait(r"^restarting pid \d+$") is not None,
          how + ": restarting", dev.log())
    check(dev.wait(r"^started pid") is not None, how + ": started again",
          dev.log())
    second = wait_openapi(dev.port, differs_from=first)
    check(second is not None and second != first,
          how + ": the new /openapi.json differs", dev.log())
    check(dev.wait(r"^\| fake cog: serving predict\.py:Predictor as text")
          is not None, how + ": server output shown", dev.log())
    # a syntax error: its traceback shows, the server stays down
    write(d, "predict.py", "class Predictor:\n    def predict(self:\n")
    check(dev.wait(r"^\| SyntaxError") is not None,
          how + ": the syntax error is shown", dev.log())
    check(dev.wait(r"^server exited \(status 1\); waiting for a change$")
          is not None, how + ": exit status shown", dev.log())
    # fixed: back
    write(d, "predict.py", predictor("image"))
    check(dev.wait(r"^started pid") is not None, how + ": recovers",
          dev.log())
    again = wait_openapi(dev.port)
    check(again == first, how + ": serves the fixed predictor", dev.log())
    # a file nobody watches: no restart
    with open(os.path.join(d, "notes.md"), "w") as f:
        f.write("x")
    write(d, "requirements.txt", "pillow\n")
    check(dev.wait(r"^changed requirements\.txt$") is not None,
          how + ": requirements* watched (notes.md is not)", dev.log())
    check(not any("notes.md" in x for x in dev.lines),
          how + ": notes.md ignored", dev.log())
    rc = dev.stop()
    check(rc == 0, how + ": SIGTERM ends r8play dev with 0", rc)
    check(openapi(dev.port) is None, how + ": the server is gone",
          dev.port)


# ---- --check: mistakes named
d = project("check")
rc = subprocess.run([R8PLAY, "dev", d, "--check"], capture_output=True)
check(rc.returncode == 0 and b"mistake" not in rc.stdout,
      "--check: a clean project", rc.stdout)
write(d, "cog.yaml", 'build:\n  gpu: maybe\n  python_requirements: req.txt\n'
      'predict: "predict.py:Model"\n')
rc = subprocess.run([R8PLAY, "dev", d, "--check"], capture_output=True)
out = rc.stdout.decode()
check(rc.returncode == 1, "--check: mistakes exit 1", out)
check('mistake: predict.py has no class Model (predict: '
      '"predict.py:Model")' in out, "--check: the missing class is named",
      out)
check("mistake: build.gpu must be true or false" in out,
      "--check: a wrong type is named", out)
check("mistake: req.txt: file not found" in out,
      "--check: a missing requirements file is named", out)
os.unlink(os.path.join(d, "predict.py"))
rc = subprocess.run([R8PLAY, "dev", d, "--check"], capture_output=True)
check("mistake: predict.py: file not found" in rc.stdout.decode(),
      "--check: a missing predict file is named", rc.stdout)
rc = subprocess.run([R8PLAY, "dev", os.path.join(TMP, "nope")],
                    capture_output=True)
check(rc.returncode == 1 and b"cog.yaml" in rc.stdout,
      "no cog.yaml: said, exit 1", rc.stdout + rc.stderr)

# ---- nothing to serve with
empty_bin = os.path.join(TMP, "bin-empty")
os.mkdir(empty_bin)
d = project("none")
rc = subprocess.run([R8PLAY, "dev", d], capture_output=True,
                    env=dict(os.environ, PATH=empty_bin,
                             R8PLAY_CONFIG_DIR=os.path.join(TMP, "nc")),
                    timeout=30)
check(rc.returncode == 1 and b"no serve_command" in rc.stderr,
      "no cog, no package, no serve_command: said, exit 1", rc.stderr)

# ---- 1. a cog stand-in on PATH
d = project("cli")
dev = Dev(d, free_port(), {"PATH": STUBS + ":" + os.environ["PATH"]})
loop(dev, d, "cog", r"^serving with: cog serve -p %d \(cog is %s/cog\)$" %
     (dev.port, re.escape(STUBS)),
     "cog on PATH: `cog serve -p PORT` chosen and said")

# ---- 2. the cog Python package (no cog on PATH)
py_bin = os.path.join(TMP, "bin-py")
os.mkdir(py_bin)
os.symlink(PY, os.path.join(py_bin, "python3"))
d = project("py")
dev = Dev(d, free_port(), {"PATH": py_bin,
                           "PYTHONPATH": os.path.join(STUBS, "pycog")})
loop(dev, d, "python", r"^serving with: python3 -m cog\.server\.http with "
     r"PORT=%d" % dev.port,
     "cog package importable: python3 -m cog.server.http chosen and said")

# ---- 3. serve_command from the config file (no cog anywhere)
d = project("cmd")
port = free_port()
conf = os.path.join(TMP, "conf-%d" % port)
os.makedirs(conf)
with open(os.path.join(conf, "config"), "w") as f:
    f.write("serve_command = %s %s/cog serve\n" % (PY, STUBS))
dev = Dev(d, port, {"PATH": empty_bin})
loop(dev, d, "serve_command",
     r"^serving with: serve_command `.*/cog serve` with PORT=%d" % port,
     "serve_command chosen and said")

# ---- usage errors: the one format, then the generated usage
d = project("usage")
for args in (["--port", "0"], ["--port", "x"], ["--nope"],
             ["--serve-command="], [d]):
    rc = subprocess.run([R8PLAY, "dev", d] + args, capture_output=True,
                        timeout=30)
    check(rc.returncode == 2 and rc.stderr.startswith(b"r8play dev: ") and
          b"usage: r8play dev [DIR]" in rc.stderr and rc.stdout == b"",
          "usage error: %s" % " ".join(args[:1]), rc.stderr)

# ---- the server's output is untrusted: controls are made visible
d = project("esc")
dev = Dev(d, free_port(), {"PATH": empty_bin}, "--serve-command",
          "printf '\\033[31mred\\007\\n'; exit 3")
check(dev.wait(r"^server exited \(status 3\)") is not None,
      "a server that exits: said", dev.log())
out = "\n".join(dev.lines)
check("| ^[[31mred^G" in out and "\x1b" not in out and "\x07" not in out,
      "server output: escapes shown as ^[, never sent raw", dev.log())
check(dev.stop() == 0, "SIGTERM after the server exited: 0")
summary()
