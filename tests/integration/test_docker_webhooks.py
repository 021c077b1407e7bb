#!/usr/bin/env python3
"""tests/integration/test_docker_webhooks.py: `r8play run --image` gets
its webhooks from the container: r8play's listener binds the container's
network gateway (read from the Engine API) and the webhook URL names it;
where that address cannot be bound, the run falls back to the sync answer.

The fake Engine API (tests/fakes/docker.py on 127.0.0.1) publishes the
started container on the port of a fake Cog server this test runs, and
reports the gateway it is given: 127.0.0.1 (bindable, and the fake Cog
server on the host reaches it), then 192.0.2.1 (TEST-NET-1, never an
address of this host). The real bridge is tested by test_docker_real.py.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, R8PLAY  # noqa: E402
from fakes import (start_cog, start_fake, stop, requests_log,  # noqa: E402
                   wait_cog_health)

IMAGE = "127.0.0.1:5400/acme/image-demo:latest"


def run_image(docker_base, outdir):
    e = dict(os.environ)
    e.pop("REPLICATE_API_TOKEN", None)
    e["LC_ALL"] = "C.UTF-8"
    e["DOCKER_HOST"] = "tcp://" + docker_base.split("://", 1)[1]
    p = subprocess.run([R8PLAY, "run", "--image", IMAGE, "-i", "prompt=x",
                        "-i", "width=64", "-i", "height=64",
                        "--output-dir", outdir], capture_output=True,
                       env=e, timeout=60, stdin=subprocess.DEVNULL)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def last_predict_body(cog_base):
    puts = [r for r in requests_log(cog_base)
            if r["method"] == "PUT" and r["path"].startswith("/predictions")]
    if not puts:
        return {}
    if "json" in puts[-1]:
        return puts[-1]["json"]
    try:
        return json.loads(base64.b64decode(puts[-1].get("body_b64", ""))
                          or "{}")
    except ValueError:
        return {}


def case(cog, cog_base, port, gateway, tmp):
    docker, dbase = start_fake("docker.py", "--port", "0", "--gateway",
                               gateway, "--host-port", port)
    try:
        rc, out, err = run_image(dbase, os.path.join(tmp, gateway))
        dlog = requests_log(dbase)
    finally:
        stop(docker)
    body = last_predict_body(cog_base)
    hook = body.get("webhook") or ""
    deleted = any(r["method"] == "DELETE" and
                  r["path"].startswith("/v1.41/containers/") for r in dlog)
    check(rc == 0 and "succeeded" in err and deleted,
          "%s: run --image succeeds and removes the container" % gateway,
          err)
    return err, hook


def main():
    tmp = tempfile.mkdtemp(prefix="r8t-dockhooks-")
    cog, cog_base = start_cog("--speed", "20", "--setup-seconds", "0",
                              "--quiet")
    try:
        check(wait_cog_health(cog_base), "the fake Cog server is READY")
        port = cog_base.rsplit(":", 1)[1]

        err, hook = case(cog, cog_base, port, "127.0.0.1", tmp)
        check(re.match(r"http://127\.0\.0\.1:\d+/webhook/", hook) is not None,
              "the webhook URL names the container's gateway", hook)
        m = re.search(r"(\d+) webhooks? received on 127\.0\.0\.1:(\d+)", err)
        check(m is not None and int(m.group(1)) >= 1 and
              hook.startswith("http://127.0.0.1:%s/" % m.group(2)),
              "the webhooks arrive at the listener on the gateway", err)

        err, hook = case(cog, cog_base, port, "192.0.2.1", tmp)
        check("no webhooks: cannot listen on the container's gateway "
              "192.0.2.1" in err, "an unbindable gateway is said in words",
              err)
        check(hook == "" and "webhooks received" not in err,
              "then no webhook is asked for: the sync answer is followed",
              hook)
    finally:
        stop(cog)
        shutil.rmtree(tmp, ignore_errors=True)
    summary()


if __name__ == "__main__":
    main()
