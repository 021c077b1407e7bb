#!/usr/bin/env python3
"""tests/conformance/test_prism.py: the client's request shapes against
Replicate's OpenAPI spec, through Prism (@stoplight/prism-cli, pinned in
tests/conformance/package-lock.json; `make deps` installs it).

(a) `prism mock --errors` on the spec prepared for Prism: every request in
    requests.json must be accepted (any 4xx is a client-shape bug; Prism's
    violations are printed).
(b) `prism proxy --errors` in front of tests/fakes/replicate.py: the same
    requests, and every violation Prism reports on the fake's answers must
    be in known-drift.json (historical drift of the real API, each entry
    explained there).
QUERY, SSE and binary uploads through the proxy are checked against the
recordings by tests/fakes/test_replicate_fake.py instead (Prism mishandles
them). A missing node, npm or Prism is a failure, not a skip.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from t import check, summary, ROOT  # noqa: E402
from fakes import (start_replicate, stop, http_request,  # noqa: E402
                   requests_log, REPLICATE_TOKEN)

SPEC = os.path.join(ROOT, "tests", "fixtures", "replicate", "openapi",
                    "replicate-openapi.2026-03-16.prism-v1.json")
PRISM = os.path.join(HERE, "node_modules", ".bin", "prism")
TOTAL_SECONDS = 85          # hard bound on the whole test
START_SECONDS = 40          # Prism start-up, each
HEADERS = {"Authorization": "Bearer " + REPLICATE_TOKEN,
           "Accept": "application/json",
           "User-Agent": "r8play/0.1 (conformance)"}

children = []               # Prism process groups to kill


def kill_all():
    for p in children:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for p in children:
        try:
            p.wait(3)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        # the group may outlive its leader
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def on_signal(signum, _frame):
    kill_all()
    print("FAIL test_prism stopped by signal %d (bound %d s)" % (
        signum, TOTAL_SECONDS))
    summary()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_prism(args, log):
    port = free_port()
    p = subprocess.Popen([PRISM] + args + ["-h", "127.0.0.1", "-p",
                                           str(port)],
                         stdout=log, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)
    children.append(p)
    return p, "http://127.0.0.1:%d" % port


def wait_listening(p, url, args, log, what):
    """Wait until the Prism started by start_prism(args, log) answers;
    returns its URL, or None after a failed check. free_port() closes the
    port before Prism binds it, so another process may take it meanwhile:
    a Prism that exits with EADDRINUSE is started again on a new port."""
    for attempt in range(3):
        end = time.monotonic() + START_SECONDS
        while time.monotonic() < end:
            if p.poll() is not None:
                break
            try:
                http_request("GET", url + "/v1/hardware", timeout=2)
                return url
            except OSError:
                time.sleep(0.2)
        log.seek(0)
        out = log.read().decode("utf-8", "replace")
        if p.poll() is None or "EADDRINUSE" not in out or attempt == 2:
            break
        print("note: %s: port %s taken, starting it again" % (what, url))
        log.seek(0)
        log.truncate()
        p, url = start_prism(args, log)
    check(False, "%s is listening" % what,
          "exit %s; output:\n%s" % (p.poll(), out[-1500:]))
    return None


def subst(s, env):
    return re.sub(r"\{(\w+)\}", lambda m: str(env.get(m.group(1),
                                                      m.group(0))), s)


def subst_obj(o, env):
    if isinstance(o, str):
        return subst(o, env)
    if isinstance(o, list):
        return [subst_obj(x, env) for x in o]
    if isinstance(o, dict):
        return {k: subst_obj(v, env) for k, v in o.items()}
    return o


def build(req, env):
    headers = dict(HEADERS)
    headers.update(req.get("headers") or {})
    body = None
    if "json" in req:
        body = json.dumps(subst_obj(req["json"], env)).encode()
        headers.setdefault("Content-Type", "application/json")
    elif "text" in req:
        body = req["text"].encode()
        headers.setdefault("Content-Type", "text/plain")
    elif "multipart" in req:
        boundary = "r8play" + uuid.uuid4().hex
        body = b""
        for part in req["multipart"]:
            disp = 'form-data; name="%s"' % part["name"]
            if "file" in part:
                with open(os.path.join(ROOT, part["file"]), "rb") as f:
                    data = f.read()
                disp += '; filename="%s"' % part.get(
                    "filename", os.path.basename(part["file"]))
            else:
                data = part["value"].encode()
            body += b"--%s\r\nContent-Disposition: %s\r\n" % (
                boundary.encode(), disp.encode())
            if part.get("type") and "file" in part:
                body += b"Content-Type: %s\r\n" % part["type"].encode()
            body += b"\r\n" + data + b"\r\n"
        body += b"--%s--\r\n" % boundary.encode()
        headers["Content-Type"] = "multipart/form-data; boundary=" + boundary
    return req["method"], subst(req["path"], env), headers, body


def violations_of(hd, data):
    """Prism's violations: the sl-violations header, or a problem body."""
    out = []
    if "sl-violations" in hd:
        try:
            out += json.loads(hd["sl-violations"])
        except ValueError:
            out.append({"location": [], "code": "?",
                        "message": hd["sl-violations"]})
    try:
        b = json.loads(data)
        if isinstance(b, dict) and isinstance(b.get("validation"), list):
            out += [v for v in b["validation"] if v not in out]
    except ValueError:
        pass
    return out


def fmt(v):
    return "%s [%s] %s" % (".".join(str(x) for x in v.get("location", [])),
                           v.get("code"), v.get("message"))


def drift_match(entry, op, v):
    loc = ".".join(str(x) for x in v.get("location", []))
    if entry.get("operation") and not re.fullmatch(entry["operation"], op):
        return False
    if entry.get("code") and entry["code"] != v.get("code"):
        return False
    if entry.get("location") and not re.fullmatch(entry["location"], loc):
        return False
    if entry.get("message") and not re.search(entry["message"],
                                              v.get("message", "")):
        return False
    return True


def replay(mode, base, reqs, env, drift, used, fake=None):
    for req in reqs:
        if mode not in req.get("modes", ("mock", "proxy")):
            continue
        method, path, headers, body = build(req, env)
        op = "%s %s" % (method, path.split("?")[0])
        try:
            st, hd, data = http_request(method, base + path, body, headers,
                                        timeout=20)
        except OSError as e:
            check(False, "%s: %s answers" % (mode, req["name"]), e)
            continue
        vs = violations_of(hd, data)
        if mode == "mock":
            check(200 <= st < 300 and not vs,
                  "mock: %s accepted (%d)" % (req["name"], st),
                  "\n     ".join([fmt(v) for v in vs] or
                                 [data[:600].decode("utf-8", "replace")]))
        else:
            unknown = []
            for v in vs:
                hit = [e for e in drift if drift_match(e, op, v)]
                if hit:
                    used.add(hit[0]["id"])
                else:
                    unknown.append(v)
            # with --errors, a response violation turns the answer into a
            # 500: the fake's own status comes from its request log
            last = requests_log(fake)[-1:] if fake else []
            fst = last[0].get("status") if last else None
            ok_status = (200 <= st < 300 or (st == 500 and vs)) and \
                fst is not None and 200 <= fst < 300 and \
                last[0]["path"] == path.split("?")[0]
            check(ok_status and not unknown,
                  "proxy: %s, no violation beyond known drift (%d, fake "
                  "%s)" % (req["name"], st, fst),
                  "\n     ".join([fmt(v) for v in unknown] or
                                 [data[:600].decode("utf-8", "replace")]))
        if 200 <= st < 300 and req.get("save"):
            try:
                b = json.loads(data)
                for var, k in req["save"].items():
                    env[var] = b[k]
            except (ValueError, KeyError, TypeError):
                pass


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(TOTAL_SECONDS)
    node = shutil.which("node")
    if not check(node is not None and shutil.which("npm") is not None,
                 "node and npm are installed",
                 "install them (make deps installs nodejs npm)"):
        summary()
    if not check(os.access(PRISM, os.X_OK), "Prism is installed in "
                 "tests/conformance/node_modules",
                 "run `make deps` (npm ci in tests/conformance)"):
        summary()
    ver = subprocess.run([PRISM, "--version"], capture_output=True,
                         text=True, timeout=30).stdout.strip()
    with open(os.path.join(HERE, "package.json")) as f:
        pinned = json.load(f)["devDependencies"]["@stoplight/prism-cli"]
    check(ver == pinned, "Prism is the pinned %s" % pinned, ver)
    with open(os.path.join(HERE, "requests.json")) as f:
        spec = json.load(f)
    with open(os.path.join(HERE, "known-drift.json")) as f:
        drift = json.load(f)["drift"]
    check(all(e.get("id") and e.get("comment") for e in drift),
          "every known-drift entry has an id and a comment")

    fake = None
    mlog, plog = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    try:
        fake, fbase = start_replicate("--speed", "4", "--quiet")
        margs = ["mock", "--errors", SPEC]
        pargs = ["proxy", "--errors", SPEC, fbase]
        mock, mbase = start_prism(margs, mlog)
        proxy, pbase = start_prism(pargs, plog)
        mbase = wait_listening(mock, mbase, margs, mlog, "prism mock")
        if mbase:
            replay("mock", mbase, spec["requests"], dict(spec["vars"]),
                   drift, set())
        pbase = wait_listening(proxy, pbase, pargs, plog, "prism proxy")
        if pbase:
            used = set()
            replay("proxy", pbase, spec["requests"], dict(spec["vars"]),
                   drift, used, fbase)
            for e in drift:
                if e["id"] not in used:
                    print("note: known drift %r not seen this run" % e["id"])
    finally:
        kill_all()
        if fake:
            stop(fake)
    summary()


if __name__ == "__main__":
    main()
