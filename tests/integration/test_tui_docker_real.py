#!/usr/bin/env python3
"""tests/integration/test_tui_docker_real.py: the TUI's local section against
a real Docker Engine (the test bed of tests/docker/setup): the Cog test image
is listed Offline, Enter opens its form from the label schema, Ctrl-R asks
for a GPU and the real daemon's refusal is said in words, Ctrl-R again boots
it on the CPU (the run queued while Booting) and the run succeeds once the
server is READY, its webhooks reaching r8play on the bridge gateway; the
explorer then shows it Idle with its URL. Every
container this test made is removed at the end, even on failure.

Without the test bed it prints a skip line and counts 0; on CI (CI=true) a
missing test bed is a failure.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, R8PLAY  # noqa: E402

PORT = os.environ.get("R8PLAY_TEST_REGISTRY_PORT", "5400")
IMAGE = "127.0.0.1:%s/r8play-test/cog-image:latest" % PORT
SOCK = "/var/run/docker.sock"


def sh(args, timeout=60):
    p = subprocess.run(args, capture_output=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def bed_ready():
    if shutil.which("docker") is None or not os.path.exists(SOCK):
        return "no Docker daemon socket at " + SOCK
    rc, _ = sh(["docker", "image", "inspect", IMAGE])
    if rc != 0:
        return "no test image %s (run tests/docker/setup)" % IMAGE
    return None


def managed():
    _, out = sh(["docker", "ps", "-aq", "--filter", "label=dev.r8play.managed",
                 "--filter", "ancestor=" + IMAGE])
    return set(out.split())


def script(tmp, name, keys):
    """Run r8play --script with keys; the dumps by name."""
    path = os.path.join(tmp, name + ".keys")
    with open(path, "w") as f:
        f.write("\n".join(keys) + "\n")
    dumps = os.path.join(tmp, "dumps-" + name)
    os.makedirs(dumps)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
           "LC_ALL": "C.UTF-8", "TZ": "UTC", "TERM": "xterm-256color",
           "R8PLAY_CLOCK": "0", "R8PLAY_CONFIG_DIR": os.path.join(tmp, "cfg"),
           "DOCKER_HOST": "unix://" + SOCK,
           # a container's create copies its image on vfs: slow under load
           "R8PLAY_SCRIPT_WAIT_MS": "170000"}
    os.makedirs(env["R8PLAY_CONFIG_DIR"], exist_ok=True)
    with open(os.path.join(env["R8PLAY_CONFIG_DIR"], "config"), "w") as f:
        f.write("idle_stop = 5\n")     # the countdown shows (frozen clock)
    p = subprocess.run([R8PLAY, "--script", path, "--dump-dir", dumps,
                        "--size", "240x40"], env=env, cwd=tmp,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=400)
    out = {}
    for f in os.listdir(dumps):
        if f.endswith(".screen"):
            with open(os.path.join(dumps, f), encoding="utf-8",
                      errors="replace") as fh:
                out[f[:-len(".screen")]] = fh.read()
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def run_all(tmp, before):
    rc, d, err = script(tmp, "list", ["wait idle", "dump explorer"])
    check(rc == 0, "r8play lists the local section", err)
    rows = [ln for ln in d.get("explorer", "").splitlines()
            if ln.startswith(" image ")]
    mine = [i for i, ln in enumerate(rows) if "r8play-test/cog-im" in ln]
    check(len(mine) == 1, "the Cog test image is listed", "\n".join(rows))
    if not mine:
        return
    check("OFFLINE" in rows[mine[0]] or "IDLE" in rows[mine[0]],
          "its state is shown", rows[mine[0]])
    if "IDLE" in rows[mine[0]]:
        print("skip: a container of the test image already runs")
        return
    keys = ["wait idle"] + ["key j"] * mine[0] + [
        "key <Enter>", "wait idle", "dump page",
        "key <Enter>", "key <C-u>", "type a red fox", "key <Enter>",
        "key <C-r>", "wait idle", "dump refused",
        "key <Esc>", "key <C-r>", "dump booting",
        "wait idle", "dump done",
        "key <Esc>", "key <Esc>", "dump explorer"]
    rc, d, err = script(tmp, "boot", keys)
    check(rc == 0, "r8play boots and runs the image", err)
    check("OFFLINE" in d.get("page", "") and "prompt*" in d.get("page", ""),
          "Enter: the form from the label schema, nothing started",
          d.get("page", ""))
    check("cannot give the container a GPU" in d.get("refused", ""),
          "the real daemon's GPU refusal in words", d.get("refused", ""))
    check("queued" in d.get("booting", "") and
          "booting" in d.get("booting", ""),
          "Ctrl-R again: booting on the CPU, the run queued",
          d.get("booting", ""))
    check("#2 succeeded" in d.get("done", "") and
          "output.png" in d.get("done", ""),
          "the run succeeds once the container is READY", d.get("done", ""))
    check("IDLE" in d.get("explorer", "") and
          "http://127.0.0.1:" in d.get("explorer", ""),
          "the explorer shows it Idle with its URL", d.get("explorer", ""))
    check("stops in 5m" in d.get("explorer", ""),
          "config idle_stop: the countdown of the container r8play started",
          d.get("explorer", ""))
    webhooks_reached(before)


def webhooks_reached(before):
    """The run asked the container for webhooks on its bridge gateway (not
    127.0.0.1, the container's own) and none failed to arrive: the fake
    Cog server in it logs the requests it got and any webhook it could not
    deliver. The container is the one whose prediction had this test's
    prompt (others' containers of the image may run meanwhile)."""
    _, gw = sh(["docker", "network", "inspect", "bridge", "--format",
                "{{range .IPAM.Config}}{{.Gateway}}{{end}}"])
    gw = gw.strip()
    hook, failed = "", "no container ran this test's prediction"
    for cid in sorted(managed() - before):
        _, port = sh(["docker", "port", cid, "5000/tcp"])
        try:
            url = "http://%s/_fake/requests" % port.split()[0]
            with urllib.request.urlopen(url, timeout=10) as r:
                log = json.loads(r.read())
        except (OSError, ValueError, IndexError):
            continue
        for x in log:
            if x["method"] != "PUT" or \
                    not x["path"].startswith("/predictions/"):
                continue
            body = x.get("json")
            if body is None:
                try:
                    body = json.loads(base64.b64decode(x["body_b64"]))
                except (KeyError, ValueError):
                    continue
            if (body.get("input") or {}).get("prompt") != "a red fox":
                continue
            hook = body.get("webhook") or ""
            p = subprocess.run(["docker", "logs", cid], capture_output=True,
                               timeout=60, stdin=subprocess.DEVNULL)
            failed = [ln for ln in (p.stdout + p.stderr).decode(
                "utf-8", "replace").splitlines() if "webhook" in ln and
                "failed" in ln]
    check(hook.startswith("http://%s:" % gw) and failed == [],
          "the TUI's run asked for webhooks on the bridge gateway %s and "
          "they arrived" % gw, "%s %s" % (hook, failed))


def main():
    why = bed_ready()
    if why is not None:
        if os.environ.get("CI") == "true":
            check(False, "the Docker test bed runs on CI", why)
            return summary()
        print("skip: %s" % why)
        return summary()
    before = managed()
    tmp = tempfile.mkdtemp(prefix="r8play-tui-docker-")
    try:
        run_all(tmp, before)
    finally:
        made = managed() - before
        if made:
            sh(["docker", "rm", "-f"] + sorted(made), timeout=120)
        shutil.rmtree(tmp, ignore_errors=True)
    check(not (managed() - before), "no container of this test is left")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
