#!/usr/bin/env python3
"""tests/integration/test_tui_docker_real.py: the TUI's local section against
a real Docker Engine (the test bed of tests/docker/setup): the Cog test image
is listed Offline, Enter opens its form from the label schema, Ctrl-R asks
for a GPU and the real daemon's refusal is said in words with the question
"Start it on the CPU? (y/n)": n cancels the queued run and leaves no
container; y boots it on the CPU (the run queued while Booting) and the run
succeeds once the server is READY, its webhooks reaching r8play on the
bridge gateway; the explorer then shows it Idle with its
URL. Then L on a Replicate model page (the fake API told the pushed digest
as the version) pulls it through R8PLAY_REGISTRY, is refused the GPU, y
boots it with its setup logs on screen. Every container (and the image
pulled) this test made is removed at the end, even on failure.

Without the test bed it prints a skip line and counts 0; on CI (CI=true) a
missing test bed is a failure.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, R8PLAY  # noqa: E402
import fakes  # noqa: E402

PORT = os.environ.get("R8PLAY_TEST_REGISTRY_PORT", "5400")
IMAGE = "127.0.0.1:%s/r8play-test/cog-image:latest" % PORT
PULL_REPO = "r8play-test/cog-pull"     # in the registry only (setup)
# Other test runs share the daemon and IMAGE, and r8play lists their
# containers too (the explorer refreshes): this run works on an image of
# its own (IMAGE plus a label: no new layer), its own entry in the list.
MYREPO = "r8tui%d" % os.getpid()
MINE = "127.0.0.1:%s/%s/cog-image:latest" % (PORT, MYREPO)
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
    """This run's containers (any state): made of MINE by r8play."""
    _, out = sh(["docker", "ps", "-a", "--no-trunc", "--filter",
                 "label=dev.r8play.managed", "--format",
                 "{{.ID}} {{.Image}}"])
    return set(ln.split()[0] for ln in out.splitlines()
               if len(ln.split()) == 2 and ln.split()[1] == MINE)


def script(tmp, name, keys, args=(), extra_env=None):
    """Run r8play --script with keys (and args, extra_env); the dumps by
    name."""
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
    env.update(extra_env or {})
    os.makedirs(env["R8PLAY_CONFIG_DIR"], exist_ok=True)
    with open(os.path.join(env["R8PLAY_CONFIG_DIR"], "config"), "w") as f:
        f.write("idle_stop = 5\n")     # the countdown shows (frozen clock)
    p = subprocess.run([R8PLAY, "--script", path, "--dump-dir", dumps,
                        "--size", "240x40"] + list(args), env=env, cwd=tmp,
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
    # the local rows come first, each with its lifecycle word; a name too
    # long for the column is shown without its registry host
    rows = [ln for ln in d.get("explorer", "").splitlines()
            if re.match(r" \S.*\s(OFFLINE|BOOTING|ACTIVE|IDLE|FAILED) ", ln)]
    mine = [i for i, ln in enumerate(rows) if ln.startswith(
        (" image 127.0.0.1:%s/%s/" % (PORT, MYREPO), " %s/" % MYREPO))]
    check(len(mine) == 1, "the Cog test image is listed", "\n".join(rows))
    if not mine:
        return
    check("OFFLINE" in rows[mine[0]] or "IDLE" in rows[mine[0]],
          "its state is shown", rows[mine[0]])
    if "IDLE" in rows[mine[0]]:
        print("skip: a container of the test image already runs")
        return
    # the GPU refused, n: the queued run is canceled, nothing is left
    before = managed()
    keys = ["wait idle"] + ["key j"] * mine[0] + [
        "key <Enter>", "wait idle", "dump page",
        "key <Enter>", "key <C-u>", "type a red fox", "key <Enter>",
        "key <C-r>", "wait text Start it on the CPU", "dump refused",
        "key n", "wait idle", "dump canceled",
        "key <Esc>", "dump page-canceled"]
    rc, d, err = script(tmp, "cancel", keys)
    check(rc == 0, "r8play asks, n cancels", err)
    check("OFFLINE" in d.get("page", "") and "prompt*" in d.get("page", ""),
          "Enter: the form from the label schema, nothing started",
          d.get("page", ""))
    said = " ".join(d.get("refused", "").replace("\u2502", " ").split())
    check("cannot give" in said and "a GPU (no NVIDIA runtime)" in said and
          "Start it on the CPU? (y/n)" in said,
          "the real daemon's GPU refusal in words, the CPU asked",
          d.get("refused", ""))
    check("#1 canceled" in d.get("canceled", "") and
          "canceled while queued" in d.get("canceled", ""),
          "n: the queued run is canceled", d.get("canceled", ""))
    check("OFFLINE" in d.get("page-canceled", ""),
          "n: the image is Offline again", d.get("page-canceled", ""))
    check(not (managed() - before), "n: no half-made container is left",
          " ".join(sorted(managed() - before)))
    # the GPU refused again, y: booted on the CPU, the queued run runs
    keys = ["wait idle"] + ["key j"] * mine[0] + [
        "key <Enter>", "wait idle",
        "key <Enter>", "key <C-u>", "type a red fox", "key <Enter>",
        "key <C-r>", "wait text Start it on the CPU", "key y",
        "dump booting", "wait idle", "dump done",
        "key <Esc>", "key <Esc>", "dump explorer"]
    rc, d, err = script(tmp, "boot", keys)
    check(rc == 0, "r8play boots and runs the image", err)
    check("queued" in d.get("booting", "") and
          "booting" in d.get("booting", "") and
          "on the CPU" in d.get("booting", ""),
          "y: booting on the CPU, the run queued", d.get("booting", ""))
    check("#1 succeeded" in d.get("done", "") and
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


def registry_digest(repo):
    """The digest of repo:latest in the local registry, or None."""
    req = urllib.request.Request(
        "http://127.0.0.1:%s/v2/%s/manifests/latest" % (PORT, repo),
        method="HEAD", headers={"Accept": ", ".join((
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.oci.image.manifest.v1+json"))})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.headers.get("Docker-Content-Digest")
    except OSError:
        return None


def containers_of(image_id):
    """Containers r8play started from the image image_id (a container made
    from a digest reference lists its image by id)."""
    _, out = sh(["docker", "ps", "-aq", "--filter",
                 "label=dev.r8play.managed", "--filter",
                 "ancestor=" + image_id])
    return set(out.split())


def pull_case(tmp):
    """L on a Replicate model page (the fake API, told the version) pulls
    r8.im/OWNER/NAME@sha256:VERSION through R8PLAY_REGISTRY from the local
    registry, starts it (the real GPU refusal), y boots it on the CPU with
    its setup logs on screen until READY, and the run succeeds."""
    digest = registry_digest(PULL_REPO)
    check(digest is not None and digest.startswith("sha256:"),
          "the registry has %s:latest (tests/docker/setup)" % PULL_REPO,
          str(digest))
    if not digest:
        return
    ref = "127.0.0.1:%s/%s@%s" % (PORT, PULL_REPO, digest)
    had = sh(["docker", "image", "inspect", ref])[0] == 0
    _, out = sh(["docker", "ps", "-aq", "--filter",
                 "label=dev.r8play.managed"])
    before = set(out.split())
    proc, base = fakes.start_replicate(
        "--quiet", "--model", "%s@%s" % (PULL_REPO, digest[7:]))
    try:
        keys = ["wait idle", "key L", "wait text Start it on the CPU",
                "dump refused", "key y",
                "key <Enter>", "key <C-u>", "type a red fox", "key <Enter>",
                "key <C-r>", "wait text setup logs", "dump booting",
                "wait idle", "dump done"]
        rc, d, err = script(
            tmp, "pull", keys, ["--api-base", base + "/v1", PULL_REPO],
            {"REPLICATE_API_TOKEN": fakes.REPLICATE_TOKEN,
             "R8PLAY_REGISTRY": "127.0.0.1:" + PORT})
        check(rc == 0, "L pulls, starts and runs the model's image", err)
        # the page names it with the digest cut to 12 digits, as docker
        # shows image ids
        short = ref[:ref.index("@sha256:") + 8 + 12] + "\u2026"
        check(short in d.get("refused", "") and
              "cannot give the container a GPU" in d.get("refused", ""),
              "L: pulled through R8PLAY_REGISTRY by the page's version, "
              "its playground open, the real GPU refusal said",
              d.get("refused", ""))
        check("setup logs" in d.get("booting", "") and
              "BOOTING" in d.get("booting", ""),
              "y boots it on the CPU: its setup logs and time in "
              "state", d.get("booting", ""))
        check("#1 succeeded" in d.get("done", "") and
              "setup logs" not in d.get("done", ""),
              "READY: the logs panel goes, the run succeeds",
              d.get("done", ""))
    finally:
        fakes.stop(proc)
        _, image_id = sh(["docker", "image", "inspect", "--format",
                          "{{.Id}}", ref])
        image_id = image_id.strip()
        made = containers_of(image_id) - before if image_id else set()
        if made:
            sh(["docker", "rm", "-f"] + sorted(made), timeout=300)
        left = containers_of(image_id) - before if image_id else set()
        check(bool(made) and not left, "the container L started is "
              "removed", (made, left))
        if not had:
            sh(["docker", "rmi", ref], timeout=120)


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
    p = subprocess.run(["docker", "build", "-q", "-t", MINE, "-"],
                       input=("FROM %s\nLABEL dev.r8play.test-run=%s\n" % (
                           IMAGE, MYREPO)).encode(), capture_output=True,
                       timeout=300)
    check(p.returncode == 0, "an image of this run's own: " + MINE,
          p.stderr.decode("utf-8", "replace"))
    try:
        run_all(tmp, before)
        pull_case(tmp)
    finally:
        made = managed() - before
        if made:
            sh(["docker", "rm", "-f"] + sorted(made), timeout=120)
        sh(["docker", "rmi", MINE])     # IMAGE stays
        shutil.rmtree(tmp, ignore_errors=True)
    check(not (managed() - before), "no container of this test is left",
          managed() - before)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
