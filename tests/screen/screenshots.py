"""tests/screen/screenshots.py (make screenshots): PNGs of r8play in a real
xterm (`xterm -ti vt340`, sixel on; resources from TERMINALS.md) under
Xvfb, driven with xdotool and captured with ImageMagick's import, against
the local fakes (no token, no GPU, no network):

    screenshots/explorer.png     the explorer on the fake Replicate API
    screenshots/playground.png   stability-ai/sdxl's form
    screenshots/run-image.png    a finished local run, its image inline
    screenshots/run-remote.png   a finished remote run (the fake Replicate
                                 API, official model flux-schnell): the
                                 corgi WebP output drawn inline as sixel
    screenshots/cost.png         the cost tab
    screenshots/help.png         the key help
    screenshots/demo-start.png   the demo's first screen (make demo), its hint
    screenshots/history.png      the run history (R), runs of both sessions
    screenshots/gpu.png          the GPU panel (U) on the fake NVML library
    screenshots/local-docker.png the explorer's local section: the Cog
                                 images and containers of the (fake)
                                 Docker Engine with their lifecycle
    screenshots/pull.png         L on a model page: the pull of its image

Needs: xterm xvfb xdotool imagemagick (x11-utils for xwininfo).
Every xdotool/import call is wrapped in a timeout: both hang forever once
the window is gone.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import fakes  # noqa: E402

ROOT = fakes.ROOT
R8PLAY = os.path.join(ROOT, os.environ.get("R8PLAY", "build/default/r8play"))
OUT = os.path.join(ROOT, "screenshots")
DISPLAY = ":%d" % (70 + os.getpid() % 20)
COLS, ROWS = 120, 36
NEEDS = ["xterm", "Xvfb", "xdotool", "import"]


def sh(args, timeout=15, **kw):
    return subprocess.run(args, timeout=timeout, capture_output=True, **kw)


def xenv():
    e = dict(os.environ)
    e["DISPLAY"] = DISPLAY
    return e


def find_window(proc, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            r = sh(["xdotool", "search", "--pid", str(proc.pid)], timeout=3,
                   env=xenv())
            ids = r.stdout.split()
            if ids:
                return ids[-1].decode()
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.2)
    return None


def keys(wid, *names, delay=0.3):
    # no window manager: point into the window, then type (XTEST)
    sh(["xdotool", "mousemove", "--window", wid, "50", "50"], env=xenv())
    for n in names:
        if n.startswith("text:"):
            sh(["xdotool", "type", "--delay", "20", n[5:]], env=xenv())
        else:
            sh(["xdotool", "key", n], env=xenv())
        time.sleep(delay)


def shoot(wid, name):
    path = os.path.join(OUT, name)
    r = sh(["import", "-window", wid, path], timeout=20, env=xenv())
    ok = r.returncode == 0 and os.path.exists(path)
    print("%s %s" % ("ok  " if ok else "FAIL", path))
    return ok


def xterm(cmd, workdir, extra_env):
    env = xenv()
    env.update(extra_env)
    env.update(LC_ALL="C.UTF-8", TERM="xterm-256color",
               R8PLAY_CONFIG_DIR=os.path.join(workdir, "config"))
    if "REPLICATE_API_TOKEN" not in extra_env:
        env.pop("REPLICATE_API_TOKEN", None)
    os.makedirs(env["R8PLAY_CONFIG_DIR"], exist_ok=True)
    args = ["xterm", "-ti", "vt340", "-tn", "xterm-256color",
            "-xrm", "XTerm*decTerminalID: vt340",
            "-xrm", "XTerm*numColorRegisters: 1024",
            "-xrm", "XTerm*maxGraphicSize: 2000x2000",
            "-xrm", "XTerm*sixelScrolling: true",
            "-xrm", "XTerm*allowWindowOps: true",
            "-fa", "DejaVu Sans Mono", "-fs", "10",
            "-bg", "#1c1c1c", "-fg", "#d0d0d0",
            "-geometry", "%dx%d+0+0" % (COLS, ROWS),
            "-e"] + cmd
    return subprocess.Popen(args, env=env, cwd=workdir,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def session(cmd, extra_env, steps):
    """One try, and a second when the first failed (Xvfb and xterm are
    sometimes slow to map a window)."""
    return session_once(cmd, extra_env, steps) or \
        session_once(cmd, extra_env, steps)


def session_once(cmd, extra_env, steps):
    """Run r8play in a fresh xterm; steps: list of ("keys", ...) /
    ("wait", s) / ("shot", name)."""
    work = tempfile.mkdtemp(prefix="r8play-shot-")
    proc = xterm(cmd, work, extra_env)
    ok = True
    try:
        wid = find_window(proc)
        if wid is None:
            print("FAIL no xterm window for %s" % cmd)
            return False
        time.sleep(2.0)
        for st in steps:
            if st[0] == "keys":
                keys(wid, *st[1:])
            elif st[0] == "wait":
                time.sleep(st[1])
            elif st[0] == "shot":
                ok = shoot(wid, st[1]) and ok
        keys(wid, "q", "y")
    finally:
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    return ok


def main():
    missing = [n for n in NEEDS if shutil.which(n) is None]
    if missing:
        print("screenshots: missing %s (apt-get install xterm xvfb xdotool "
              "imagemagick x11-utils)" % " ".join(missing))
        return 1
    os.makedirs(OUT, exist_ok=True)
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    rep, rep_base = fakes.start_replicate("--quiet", "--speed", "4")
    cog, cog_base = fakes.start_fake("cog.py", "--quiet", "--setup-seconds",
                                     "0.2", "--speed", "2")
    dock, dock_base = fakes.start_fake("docker.py", "--port", "0",
                                       "--pull", "hold",
                                       "--stall-seconds", "30")
    # one history for every session, so the last one lists them all
    data = tempfile.mkdtemp(prefix="r8play-shot-data-")
    ok = True
    try:
        time.sleep(1.0)
        remote = {"REPLICATE_API_TOKEN": fakes.REPLICATE_TOKEN,
                  "R8PLAY_DATA_DIR": data}
        o = os.environ.get("O", "build/default")
        gpu = {"R8PLAY_DATA_DIR": data,
               "R8PLAY_NVML_LIB": os.path.join(ROOT, o, "tests", "fakes",
                                               "nvml", "full",
                                               "libnvidia-ml.so.1"),
               "FAKE_NVML_CONFIG": os.path.join(ROOT, "tests", "fixtures",
                                                "nvml", "screen.tsv")}
        ok &= session([R8PLAY, "--local", cog_base],
                      {"R8PLAY_DEMO": "1", "R8PLAY_DATA_DIR": data},
                      [("wait", 1.5), ("shot", "demo-start.png")])
        api = ["--api-base", rep_base + "/v1"]
        ok &= session([R8PLAY] + api, remote,
                      [("keys", "j", "j", "j", "j", "j", "j"),
                       ("wait", 1), ("shot", "explorer.png")])
        ok &= session([R8PLAY] + api + ["stability-ai/sdxl"], remote,
                      [("wait", 1.5), ("keys", "j", "j", "j", "j"),
                       ("shot", "playground.png"),
                       ("keys", "4", "j", "j", "j", "j", "j", "j"),
                       ("shot", "cost.png"),
                       ("keys", "1", "question"), ("shot", "help.png")])
        ok &= session([R8PLAY] + api + ["black-forest-labs/flux-schnell"],
                      remote,
                      [("wait", 1.5), ("keys", "Return",
                                       "text:a corgi in a field",
                                       "Return", "ctrl+r"),
                       ("wait", 6), ("shot", "run-remote.png")])
        ok &= session([R8PLAY, "--local", cog_base], gpu,
                      [("wait", 1.5), ("keys", "Return",
                                       "text:a lighthouse at dusk",
                                       "Return", "ctrl+r"),
                       ("wait", 6), ("shot", "run-image.png"),
                       ("keys", "R"), ("wait", 1), ("shot", "history.png"),
                       ("keys", "Escape", "U"), ("wait", 1.5),
                       ("shot", "gpu.png")])
        docker = dict(remote)
        docker["DOCKER_HOST"] = "tcp://" + dock_base.split("://", 1)[1]
        ok &= session([R8PLAY] + api, docker,
                      [("wait", 1.5), ("keys", "j"), ("wait", 0.5),
                       ("shot", "local-docker.png")])
        ok &= session([R8PLAY] + api + ["stability-ai/sdxl"], docker,
                      [("wait", 1.5), ("keys", "L"), ("wait", 2.5),
                       ("shot", "pull.png")])
    finally:
        fakes.stop(dock)
        fakes.stop(rep)
        fakes.stop(cog)
        shutil.rmtree(data, ignore_errors=True)
        xvfb.terminate()
        xvfb.wait()
    print("screenshots: %s" % ("done" if ok else "some failed"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
