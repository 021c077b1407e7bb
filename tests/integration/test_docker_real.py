#!/usr/bin/env python3
"""tests/integration/test_docker_real.py: `r8play local ...` against a real
Docker Engine and a real registry on 127.0.0.1 (the test bed made by
tests/docker/setup): pull through R8PLAY_REGISTRY, Cog images with their
label schema, the real daemon's GPU refusal (and no container left), start
on CPU, READY on /health-check, a prediction through `r8play run --local`,
ps, stop and remove, a missing image, no daemon. Every container and image
it made is removed at the end, even on failure.

Without the test bed (not root, no daemon, setup not run) it prints a skip
line and counts 0; on CI (CI=true) a missing test bed is a failure.
"""
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

PORT = os.environ.get("R8PLAY_TEST_REGISTRY_PORT", "5400")
REG = "127.0.0.1:" + PORT
PULL = REG + "/r8play-test/cog-pull:latest"
TAG = "r8t%d" % os.getpid()
SOCK = "/var/run/docker.sock"


def sh(args, timeout=120, env=None):
    e = dict(os.environ)
    e.pop("REPLICATE_API_TOKEN", None)
    e["LC_ALL"] = "C.UTF-8"
    e.pop("DOCKER_HOST", None)
    if env:
        e.update(env)
    try:
        p = subprocess.run(args, capture_output=True, env=e,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as x:
        return (124, (x.stdout or b"").decode("utf-8", "replace"),
                "timed out after %ss" % timeout)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def r8(args, **kw):
    return sh([R8PLAY] + args, **kw)


def bed_ready():
    if shutil.which("docker") is None or not os.path.exists(SOCK):
        return "no Docker daemon socket at " + SOCK
    rc, _, _ = sh(["docker", "version"], timeout=20)
    if rc != 0:
        return "the Docker daemon does not answer"
    try:
        urllib.request.urlopen("http://%s/v2/r8play-test/cog-pull/tags/list"
                               % REG, timeout=5).read()
    except Exception as e:  # noqa: BLE001
        return "no test registry on %s (%s)" % (REG, e)
    return None


def ours():
    """Containers this test made: named TAG-*, or r8play's of PULL (run
    --image names none)."""
    _, a, _ = sh(["docker", "ps", "-aq", "--filter", "name=" + TAG])
    _, b, _ = sh(["docker", "ps", "-aq", "--filter",
                  "label=dev.r8play.managed", "--format",
                  "{{.ID}} {{.Image}}"])
    return set(a.split()) | {ln.split()[0] for ln in b.splitlines()
                             if ln.split()[1:] == [PULL]}


def cleanup():
    ids = list(ours())
    if ids:
        sh(["docker", "rm", "-f"] + ids)
    sh(["docker", "rmi", PULL])


def bridge_gateway():
    """The default bridge's gateway, as docker itself reports it."""
    _, out, _ = sh(["docker", "network", "inspect", "bridge", "--format",
                    "{{range .IPAM.Config}}{{.Gateway}}{{end}}"])
    return out.strip()


def health(url):
    try:
        with urllib.request.urlopen(url + "/health-check", timeout=10) as r:
            return json.loads(r.read()).get("status")
    except Exception as e:  # noqa: BLE001
        return "error: %s" % e


def main():
    why = bed_ready()
    if why is not None:
        if os.environ.get("CI") == "true":
            check(False, "the Docker test bed runs on CI", why)
            summary()
        print("skip: docker suites need the test bed (%s); run "
              "tests/docker/setup as root" % why)
        print("0 passed, 0 failed")
        return
    tmp = tempfile.mkdtemp(prefix="r8t-docker-")
    try:
        run_all(tmp)
    finally:
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    check(not ours(), "no container of this test is left")
    summary()


def run_all(tmp):
    sh(["docker", "rmi", PULL])
    # pull: r8.im references go to R8PLAY_REGISTRY
    rc, out, err = r8(["local", "pull", "r8.im/r8play-test/cog-pull:latest"],
                      env={"R8PLAY_REGISTRY": REG}, timeout=300)
    check(rc == 0 and "pulled" in out, "local pull through R8PLAY_REGISTRY",
          out + err)
    rc, out, err = r8(["local", "pull", PULL], timeout=300)
    check(rc == 0 and "up to date" in out, "a second pull is up to date",
          out + err)
    rc, out, err = r8(["local", "pull", REG + "/r8play-test/nope:latest"])
    check(rc == 1 and "not in the registry" in err,
          "a missing image: not in the registry", err)

    # images: the schema comes from the label
    rc, out, err = r8(["local", "images", "--json"])
    ims = json.loads(out) if rc == 0 else []
    mine = [i for i in ims if PULL in i.get("tags", [])]
    check(len(mine) == 1, "local images lists the pulled Cog image", out)
    if mine:
        check(mine[0]["has_schema"] and mine[0]["cog_version"] == "0.15.5",
              "with its run.cog.* labels", mine[0])
    rc, out, err = r8(["local", "images"])
    # one row per image: the same image carries the setup's other tag
    check(rc == 0 and REG + "/r8play-test/cog-" in out and "0.15.5" in out,
          "local images (table)", out + err)

    # the GPU request: the real daemon has no NVIDIA runtime
    name = TAG + "-gpu"
    rc, out, err = r8(["local", "start", PULL, "--gpus", "all", "--name",
                       name, "--json"], timeout=300)
    check(rc == 1 and "could not select device driver" in err and
          "--gpus none" in err, "--gpus all: the refusal in words", err)
    rc, out, _ = sh(["docker", "ps", "-aq", "--filter", "name=" + name])
    check(out.strip() == "", "the half-made container was removed", out)

    # on CPU: READY, then a prediction
    name = TAG + "-cpu"
    rc, out, err = r8(["local", "start", PULL, "--gpus", "none", "--name",
                       name, "--json"], timeout=400)
    info = {}
    try:
        info = json.loads(out)
    except ValueError:
        pass
    check(rc == 0 and info.get("id") and info.get("image") == PULL and
          str(info.get("url", "")).startswith("http://127.0.0.1:"),
          "local start --json prints id, url and image", out + err)
    url = info.get("url")
    if not url:
        return
    check(health(url) == "READY", "the server is READY when start returns")
    rc, out, _ = sh(["docker", "inspect", "-f",
                     '{{index .Config.Labels "dev.r8play.managed"}} '
                     '{{.HostConfig.ShmSize}}', info["id"]])
    check(out.split() == ["1", str(6 << 30)],
          "labelled as r8play's, with Cog's shm size", out)
    outdir = os.path.join(tmp, "out")
    # the container cannot reach a webhook listener on the host's loopback
    rc, out, err = r8(["run", "--local", url, "--no-webhooks",
                       "-i", "prompt=a red square",
                       "-i", "width=64", "-i", "height=64", "-i",
                       "num_inference_steps=2", "--output-dir", outdir],
                      timeout=120)
    pngs = [f for f in os.listdir(outdir)] if os.path.isdir(outdir) else []
    check(rc == 0 and any(f.endswith(".png") for f in pngs),
          "a prediction on the container", out + err)

    rc, out, err = r8(["local", "ps", "--json"])
    ps = json.loads(out) if rc == 0 else []
    me = [c for c in ps if c["id"] == info["id"]]
    check(len(me) == 1 and me[0]["r8play"] and me[0]["state"] == "running"
          and me[0]["url"] == url, "local ps shows it as r8play's", out)

    rc, out, err = r8(["local", "stop", name], timeout=120)
    check(rc == 0 and "removed" in out, "local stop removes it", out + err)
    rc, out, _ = sh(["docker", "ps", "-aq", "--filter", "name=" + name])
    check(out.strip() == "", "and it is gone", out)
    rc, out, err = r8(["local", "stop", name])
    check(rc == 1 and "No such container" in err, "stop again: no such "
          "container", err)

    # run --image: start, run, stop; with --keep the next run reuses it
    rc, out, err = r8(["run", "--image", PULL, "--keep", "-i", "prompt=x",
                       "-i", "width=64", "-i", "height=64",
                       "--output-dir", os.path.join(tmp, "o2")], timeout=300)
    check(rc == 0 and "started" in err and "kept" in err,
          "run --image --keep starts and keeps a container", err)
    # the container reaches r8play's listener on its bridge gateway: the
    # webhooks arrive (none would on 127.0.0.1, the container's own)
    gw = bridge_gateway()
    m = re.search(r"(\d+) webhooks? received on ([0-9a-f.:]+):\d+", err)
    check(m is not None and int(m.group(1)) >= 1 and m.group(2) == gw,
          "run --image: the webhooks arrive on the bridge gateway %s" % gw,
          err)
    rc, out, err = r8(["run", "--image", PULL, "-i", "prompt=y", "-i",
                       "width=64", "-i", "height=64", "--output-dir",
                       os.path.join(tmp, "o3")], timeout=300)
    check(rc == 0 and "started" not in err and
          os.path.isdir(os.path.join(tmp, "o3")),
          "run --image reuses the running container", err)
    rc, out, err = r8(["local", "ps", "--json"])
    left = [c for c in (json.loads(out) if rc == 0 else [])
            if c["image"] == PULL and c["r8play"]]
    check(len(left) == 1, "the kept container is still there", out)
    for c in left:
        rc, out, err = r8(["local", "stop", c["id"]], timeout=120)
        check(rc == 0, "local stop ID", out + err)

    rc, out, err = r8(["local", "ps"], env={
        "DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    check(rc == 1 and "no Docker daemon at unix:///nonexistent/docker.sock"
          in err, "no daemon: said in words", err)


if __name__ == "__main__":
    main()
