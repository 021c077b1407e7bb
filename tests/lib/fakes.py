"""tests/lib/fakes.py: start, drive and stop the fake servers (tests/fakes/)
from Python tests. Generic: any fake that prints its base URL as its first
stdout line and exits when its stdin closes works with start_fake().

    from fakes import start_replicate, stop, http_request
    proc, base = start_replicate("--speed", "4")
    status, headers, body = http_request("GET", base + "/v1/hardware",
                                         headers={"Authorization": ...})
    stop(proc)

Ownership: the caller owns the returned process and must stop() it; the
fake also exits by itself when the test process dies (its stdin closes).
"""
import http.client
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

ROOT = os.environ.get("ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
FAKES = os.path.join(ROOT, "tests", "fakes")
REPLICATE_TOKEN = "r8_fake_0123456789abcdef"


def start_fake(script, *args, timeout=10.0):
    """Spawn tests/fakes/<script> (or a path) with stdin on a pipe held by
    this process; return (proc, base_url). Raises RuntimeError, with the
    fake's stderr, when it does not print a URL within timeout seconds."""
    path = script if os.sep in script else os.path.join(FAKES, script)
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, path] + [str(a) for a in args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=err, close_fds=True)
    proc.stderr_file = err
    fd = proc.stdout.fileno()
    line = b""
    deadline = time.monotonic() + timeout
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            break
        ch = os.read(fd, 1)
        if not ch:
            break
        line += ch
    url = line.decode("utf-8", "replace").strip()
    if not url.startswith("http://"):
        stop(proc)
        raise RuntimeError("%s did not start (first line %r): %s" % (
            script, url, stderr_of(proc)[-2000:]))
    return proc, url


def start_replicate(*args, timeout=10.0):
    """The fake Replicate API (tests/fakes/replicate.py): (proc, base_url);
    the API is under base_url + "/v1"."""
    return start_fake("replicate.py", *args, timeout=timeout)


def stderr_of(proc):
    """Everything the fake wrote on stderr so far, as text."""
    f = getattr(proc, "stderr_file", None)
    if f is None:
        return ""
    f.seek(0)
    return f.read().decode("utf-8", "replace")


def stop(proc, timeout=5.0):
    """Close the fake's stdin (it exits on EOF), then SIGTERM, then SIGKILL.
    Returns its exit status."""
    if proc.poll() is None:
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout / 2)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout / 2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    for f in (proc.stdout, proc.stdin):
        try:
            if f:
                f.close()
        except OSError:
            pass
    return proc.returncode


def http_request(method, url, body=None, headers=None, timeout=10.0):
    """One request on a fresh connection: (status, headers, body bytes).
    Header names are lower-cased. Any method works (QUERY included); no
    exception for 4xx/5xx. Network errors propagate."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        path = u.path + ("?" + u.query if u.query else "")
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn.request(method, path or "/", body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def _control(method, url, obj=None):
    body = json.dumps(obj).encode() if obj is not None else None
    st, _, data = http_request(method, url, body,
                               {"Content-Type": "application/json"})
    if st != 200:
        raise RuntimeError("%s %s: %d %s" % (method, url, st, data[:200]))
    return json.loads(data)


def requests_log(base_url):
    """Every request the fake received (see tests/fakes/README.md)."""
    return _control("GET", base_url + "/_fake/requests")


def set_faults(base_url, faults):
    """Queue faults: [{"path": regex, "method": "GET", "kind": "429",
    "count": 1, ...params}]. Returns the pending list."""
    return _control("POST", base_url + "/_fake/faults", faults)


def reset(base_url):
    """Forget requests, faults, predictions and uploads."""
    return _control("POST", base_url + "/_fake/reset", {})


def start_cog(*args, predictor="image", timeout=10.0):
    """The fake Cog prediction server (tests/fakes/cog.py, see
    tests/fakes/README-cog.md): (proc, base_url). Extra args go to its CLI,
    e.g. start_cog("--speed", "5", "--setup-seconds", "0.1",
    predictor="text"). Wait for READY with wait_cog_health()."""
    return start_fake("cog.py", "--predictor", predictor, *args,
                      timeout=timeout)


def start_webhook_sink(*args, timeout=10.0):
    """The webhook/upload capture sink (tests/fakes/webhook_sink.py):
    (proc, base_url); GET base_url + "/_requests" lists what it got."""
    return start_fake("webhook_sink.py", *args, timeout=timeout)


def wait_cog_health(base_url, want="READY", timeout=10.0):
    """Poll GET /health-check until its status is want; True if seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, _, data = http_request("GET", base_url + "/health-check",
                                      timeout=2.0)
            if json.loads(data).get("status") == want:
                return True
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    return False
