#!/usr/bin/env python3
"""tests/integration/test_cog_local.py: `r8play run --local URL` end to end
against the fake Cog server (tests/fakes/cog.py): waiting for setup, typed
inputs, @file as a data: URI, saved files byte-identical to the data: URIs
served, text streamed and joined, --json, --async through webhooks, 422 and
client-side validation, a failed prediction, a crash, SETUP_FAILED, Ctrl-C
canceling on the server, and the API token never reaching the server or
the output.
"""
import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, R8PLAY  # noqa: E402
from fakes import (start_cog, stop, requests_log,  # noqa: E402
                   wait_cog_health)

TOKEN = "r8_localtokenMUSTNOTLEAK0123456789"


def env():
    e = dict(os.environ)
    e["REPLICATE_API_TOKEN"] = TOKEN
    e["LC_ALL"] = "C.UTF-8"
    return e


def run(args, cwd=None, timeout=60):
    p = subprocess.run([R8PLAY, "run"] + args, capture_output=True,
                       env=env(), cwd=cwd, timeout=timeout)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def put_paths(base):
    return {r["path"] for r in requests_log(base) if r["method"] == "PUT"}


def wait_running(base, p, before, timeout=30.0):
    """Wait until r8play (process p) has PUT a prediction not among the
    paths in `before` and the server runs it (BUSY): the moment to press
    Ctrl-C, whatever the machine's load. True if it came."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and p.poll() is None:
        if put_paths(base) - before:
            return wait_cog_health(base, "BUSY",
                                   max(0.1, deadline - time.monotonic()))
        time.sleep(0.05)
    return False


def no_token(base, out, err, what):
    log = json.dumps(requests_log(base))
    check(TOKEN not in log and "uthorization" not in log,
          what + ": the token never reaches the server")
    check(TOKEN not in out and TOKEN not in err,
          what + ": the token is never printed")


def body_of(rec):
    """The JSON body of a request the fake logged."""
    if "json" in rec:
        return rec["json"]
    return json.loads(base64.b64decode(rec.get("body_b64", "")) or "{}")


def data_uri_bytes(uri):
    head, b64 = uri.split(",", 1)
    check(head.endswith(";base64"), "output is a base64 data: URI")
    return base64.b64decode(b64)


def test_image(tmp):
    proc, base = start_cog("--setup-seconds", "1", predictor="image")
    try:
        out_dir = os.path.join(tmp, "img")
        rc, out, err = run(["--local", base, "-i", "prompt=a red cat",
                            "-i", "width=64", "-i", "height=80",
                            "-i", "num_outputs=2", "-i", "seed=7",
                            "--output-dir", out_dir, "--json"])
        check(rc == 0, "image: exit 0", err)
        check("waiting for the server (STARTING)" in err,
              "image: waits while setup runs", err)
        res = json.loads(out)
        check(res["status"] == "succeeded", "image: succeeded")
        check(len(res["files"]) == 2, "image: two files saved", out[:300])
        for i, path in enumerate(res["files"]):
            check(os.path.dirname(path) == out_dir,
                  "image: file %d in --output-dir" % i, path)
            with open(path, "rb") as f:
                got = f.read()
            check(got == data_uri_bytes(res["output"][i]),
                  "image: file %d byte-identical to the data: URI" % i)
            check(got[:4] == b"\x89PNG", "image: file %d is a PNG" % i)
        reqs = [r for r in requests_log(base)
                if r["path"].startswith("/predictions")]
        put = reqs[-1]
        check(put["method"] == "PUT" and
              put["path"] == "/predictions/" + res["id"],
              "image: PUT /predictions/{client-chosen id}", put)
        body = body_of(put)
        check(body.get("id") == res["id"], "image: the body carries the id")
        check(body.get("input", {}).get("width") == 64 and
              body["input"].get("seed") == 7,
              "image: integers typed per the schema", body)
        check(body.get("webhook", "").startswith("http://127.0.0.1:"),
              "image: webhook on the loopback listener", body)
        no_token(base, out, err, "image")

        # the default folder is ./<prediction id>, paths printed on stdout
        rc, out, err = run(["--local", base, "-i", "prompt=dog",
                            "-i", "width=64", "-i", "height=64"], cwd=tmp)
        check(rc == 0, "image: default output dir exit 0", err)
        lines = out.strip().splitlines()
        check(len(lines) == 1 and lines[0].startswith("./r8p-") and
              os.path.isfile(os.path.join(tmp, lines[0])),
              "image: saved under ./<prediction id>/", out)
        check("step 5/5" in err, "image: logs go to stderr", err)

        # validated before sending, one line per field
        n_before = len(requests_log(base))
        rc, out, err = run(["--local", base, "-i", "prompt=x",
                            "-i", "width=6400", "-i", "scheduler=NOPE"])
        check(rc == 2, "image: invalid inputs exit 2", (rc, err))
        check("width" in err and "scheduler" in err,
              "image: each bad field named", err)
        check(not any(r["path"].startswith("/predictions")
                      for r in requests_log(base)[n_before:]),
              "image: nothing sent when the form says no")
        rc, out, err = run(["--local", base, "-i", "nope=1"])
        check(rc == 2 and "no input named 'nope'" in err,
              "image: unknown input refused", err)

        # the server's own 422 (schema skipped), one line per field
        rc, out, err = run(["--local", base, "--no-schema", "-i", "prompt=x",
                            "-i", "width=6400", "-i", "guidance_scale=0.5"])
        check(rc == 2, "image: server 422 exit 2", (rc, err))
        check("  - width: ensure this value is less than or equal to 1024"
              in err and "  - guidance_scale: ensure this value is greater"
              in err, "image: the 422 as one line per field", err)
        no_token(base, out, err, "image 422")
    finally:
        stop(proc)


def test_text(tmp):
    proc, base = start_cog("--setup-seconds", "0.1", predictor="text")
    try:
        for mode in ([], ["--async"]):
            rc, out, err = run(["--local", base, "-i", "prompt=hello",
                                "-i", "max_tokens=9",
                                "-i", "token_delay=0.05"] + mode)
            what = "text%s" % (" async" if mode else "")
            check(rc == 0, what + ": exit 0", err)
            text = out.rstrip("\n")
            check(len(text.split(" ")) == 9 and "\n" not in text,
                  what + ": 9 chunks joined with \"\" (concatenate)", out)
            check("generating up to 9 tokens" in err,
                  what + ": logs streamed", err)
            if mode:
                check("processing" in err,
                      what + ": status from the webhooks", err)
        # --async: webhooks arrived at our listener
        reqs = requests_log(base)
        put = [r for r in reqs if r["method"] == "PUT"][-1]
        hdr = {k.lower(): v for k, v in put["headers"].items()}
        check(hdr.get("prefer") == "respond-async",
              "text async: Prefer: respond-async, exactly", hdr)
        rc, out, err = run(["--local", base, "-i", "prompt=j",
                            "-i", "max_tokens=3", "-i", "token_delay=0",
                            "--json"])
        res = json.loads(out) if rc == 0 else {}
        check(rc == 0 and len(res.get("output", [])) == 3 and
              res.get("files") == [] and res.get("status") == "succeeded",
              "text --json: the chunk array, no files", out)
        no_token(base, out, err, "text")

        # Ctrl-C cancels the prediction on the server, then exits 130
        before = put_paths(base)
        p = subprocess.Popen([R8PLAY, "run", "--local", base,
                              "-i", "prompt=long", "-i", "max_tokens=400",
                              "-i", "token_delay=0.05"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env())
        check(wait_running(base, p, before), "ctrl-c: the run started")
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        err = err.decode("utf-8", "replace")
        check(p.returncode == 130, "ctrl-c: exit 130", (p.returncode, err))
        check("canceling" in err and "canceled" in err,
              "ctrl-c: says it canceled", err)
        reqs = requests_log(base)
        puts = [r for r in reqs if r["method"] == "PUT"]
        pid = puts[-1]["path"].rsplit("/", 1)[1]
        check(any(r["method"] == "POST" and
                  r["path"] == "/predictions/%s/cancel" % pid for r in reqs),
              "ctrl-c: POST /predictions/{id}/cancel sent", pid)

        # the same with --async: the canceled webhook ends it
        check(wait_cog_health(base, "READY", 10), "text: READY again")
        before = put_paths(base)
        p = subprocess.Popen([R8PLAY, "run", "--local", base, "--async",
                              "-i", "prompt=long", "-i", "max_tokens=400",
                              "-i", "token_delay=0.05"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env())
        check(wait_running(base, p, before), "ctrl-c --async: the run "
              "started")
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        err = err.decode("utf-8", "replace")
        check(p.returncode == 130 and "prediction canceled" in err,
              "ctrl-c --async: canceled, exit 130", (p.returncode, err))
    finally:
        stop(proc)
    proc, base = start_cog("--setup-seconds", "0.1", predictor="text")
    try:
        # --async when the server cannot reach our listener (told a
        # loopback address where nothing listens): an error naming it,
        # and the orphaned prediction is canceled on the server
        rc, out, err = run(["--local", base, "-i", "prompt=x",
                            "-i", "max_tokens=200", "-i", "token_delay=0.05",
                            "--async", "--advertise", "127.0.0.3"])
        check(rc == 1 and "no webhook reached 127.0.0.3" in err,
              "async unreachable: exit 1 naming the host", (rc, err))
        reqs = requests_log(base)
        pid = [r for r in reqs if r["method"] == "PUT"][-1]["path"]
        pid = pid.rsplit("/", 1)[1]
        check(any(r["path"] == "/predictions/%s/cancel" % pid for r in reqs),
              "async unreachable: canceled on the server", pid)

    finally:
        stop(proc)


def test_file(tmp):
    proc, base = start_cog("--setup-seconds", "0.1", predictor="file")
    try:
        src = os.path.join(tmp, "in.txt")
        with open(src, "w") as f:
            f.write("hello local cog\n")
        out_dir = os.path.join(tmp, "file")
        rc, out, err = run(["--local", base, "-i", "file=@" + src,
                            "-i", "operation=upper", "--output-dir", out_dir])
        check(rc == 0, "file: exit 0", err)
        path = out.strip()
        check(os.path.isfile(path), "file: the output path printed", out)
        with open(path, "rb") as f:
            check(f.read() == b"HELLO LOCAL COG\n",
                  "file: output saved byte for byte")
        put = [r for r in requests_log(base) if r["method"] == "PUT"][-1]
        body = body_of(put)
        check(body["input"]["file"] ==
              "data:text/plain;base64," +
              base64.b64encode(b"hello local cog\n").decode(),
              "file: @file sent as a data: URI", body["input"])
        # async without cog's --upload-url: the output is a path inside
        # the server, said so rather than taken for a file of ours
        rc, out, err = run(["--local", base, "-i", "file=@" + src,
                            "--async", "--output-dir", out_dir + "-a"])
        check(rc == 0 and "is a path inside the server" in err and
              not os.path.exists(out_dir + "-a"),
              "file async: the server-local path is flagged", (rc, err))
        rc, out, err = run(["--local", base, "-i", "file=@/nonexistent"])
        check(rc == 2 and "nonexistent" in err,
              "file: a missing @file is an error naming it", err)
    finally:
        stop(proc)


def test_failures(tmp):
    proc, base = start_cog("--setup-seconds", "0.1",
                           predictor="predict-error")
    try:
        rc, out, err = run(["--local", base, "-i", "prompt=boom",
                            "-i", "fail=true"])
        check(rc == 1, "failed: exit 1", (rc, err))
        check("prediction failed: something went wrong" in err,
              "failed: the server's error", err)
        # said once by r8play (the predictor's own traceback is its logs)
        check(err.count("prediction failed") == 1 and
              len(re.findall(r"\bfailed\b", err)) == 1,
              "failed: the error said once (issue 16, item 11)", err)
        check("Traceback" in err, "failed: the traceback in the logs", err)
        rc, out, err = run(["--local", base, "-i", "prompt=ok",
                            "-i", "fail=false"])
        check(rc == 0 and out == "OK\n", "ok: a string output printed",
              (rc, out))
    finally:
        stop(proc)
    proc, base = start_cog("--setup-seconds", "0.1",
                           "--await-explicit-shutdown", predictor="crash")
    try:
        rc, out, err = run(["--local", base, "-i", "delay=0.1"])
        check(rc == 1 and "HTTP 500" in err, "crash: 500 exit 1", (rc, err))
        rc, out, err = run(["--local", base])
        check(rc == 1 and "DEFUNCT" in err, "crash: DEFUNCT after", err)
    finally:
        stop(proc)
    proc, base = start_cog("--setup-seconds", "0.2",
                           "--await-explicit-shutdown",
                           predictor="setup-fails")
    try:
        rc, out, err = run(["--local", base, "-i", "prompt=x"])
        check(rc == 1 and "setup failed" in err and "Traceback" in err,
              "setup-fails: exit 1 with the setup logs", (rc, err[-300:]))
    finally:
        stop(proc)
    rc, out, err = run(["--local", "http://127.0.0.1:9", "-i", "a=b"])
    check(rc == 1 and "127.0.0.1" in err and "\n" == err[-1] and
          err.count("\n") == 1, "no server: one line, exit 1", err)
    rc, out, err = run(["--local"])
    check(rc == 2, "usage: --local without URL exits 2", err)
    rc, out, err = run(["--local", "http://127.0.0.1:9", "--help"])
    check(rc == 0 and "--advertise" in out, "usage: --help exits 0", err)
    rc, out, err = run(["--local", "http://127.0.0.1:9", "--bogus"])
    check(rc == 2 and "--bogus" in err, "usage: an unknown flag exits 2",
          err)
    rc, out, err = run(["--local", "ftp://x"])
    check(rc == 2, "usage: not an http URL exits 2", err)


def run_pty(args, timeout=60):
    """r8play run with stdout and stderr on one terminal (a pty), as a
    person sees it: everything it wrote, in order."""
    import pty
    import select
    master, slave = pty.openpty()
    p = subprocess.Popen([R8PLAY, "run"] + args, stdin=subprocess.DEVNULL,
                         stdout=slave, stderr=slave, env=env())
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    os.close(master)
    p.wait(10)
    return p.returncode, out.decode("utf-8", "replace").replace("\r\n", "\n")


def test_terminal_order(tmp):
    """On a terminal the streamed text, the log lines and the status lines
    share the screen: no status line is glued to the text, success is said
    once, last, with its time."""
    proc, base = start_cog("--setup-seconds", "0.1", predictor="text")
    try:
        rc, out = run_pty(["--local", base, "-i", "prompt=x",
                           "-i", "max_tokens=12", "-i", "token_delay=0.05",
                           "--output-dir", tmp])
        lines = [ln for ln in out.splitlines() if ln.strip()]
        check(rc == 0 and lines and "succeeded in" in lines[-1],
              "tty: success said last, with its time", out)
        check(out.count("succeeded") == 1, "tty: success said once", out)
        check(all(ln.startswith("r8play run:") or "r8play run:" not in ln
                  for ln in lines),
              "tty: every status line starts a line of its own", out)
    finally:
        stop(proc)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_image(tmp)
        test_text(tmp)
        test_file(tmp)
        test_failures(tmp)
        test_terminal_order(tmp)
    summary()


main()
