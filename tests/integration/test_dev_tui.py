#!/usr/bin/env python3
"""tests/integration/test_dev_tui.py: the Cog dev loop in the TUI,
`r8play --dev DIR` in script mode, served through the `cog` stand-in on
PATH (tests/fakes/dev/cog). The script dumps the screen at each stage and
this test edits the project between them (waiting for each dump file):
  first     the playground of the image predictor, a prompt typed in
  reloaded  predict.py now serves the text predictor: the server restarts,
            the form is rebuilt from the new schema, the prompt kept
  broken    predict.py does not compile: the error is said in place
  recovered fixed again: the next save restarts it and the form follows
  output    the dev panel (O): how it is served and the server's output,
            the traceback of the broken file included.
Then `r8play DIR` (a folder holding a cog.yaml) served through the config's
serve_command with no `cog` on PATH, and a folder that cannot be served:
one line, exit 1."""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from t import check, summary, R8PLAY, ROOT  # noqa: E402

STUBS = os.path.join(ROOT, "tests", "fakes", "dev")
TMP = tempfile.mkdtemp(prefix="r8play-devtui-")
atexit.register(shutil.rmtree, TMP, True)

COG_YAML = ('build:\n  gpu: false\n  python_version: "3.11"\n'
            'predict: "predict.py:Predictor"\n')


def predictor(name):
    return ("# fake-predictor: %s\nfrom cog import BasePredictor\n\n"
            "class Predictor(BasePredictor):\n"
            "    def predict(self) -> str:\n        return 'x'\n" % name)


def write(d, name, text):
    # a sibling renamed over, as editors save (one IN_MOVED_TO)
    tmp = os.path.join(d, "." + name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(d, name))


SCRIPT = """wait idle
key <Enter>
key <C-u>
type a red fox
key <Enter>
dump first
wait text system_prompt
wait idle
dump reloaded
wait text exited with status
dump broken
wait text reloaded the form
wait idle
dump recovered
key O
dump output
"""


def wait_file(path, proc, secs=60):
    end = time.time() + secs
    while time.time() < end:
        if os.path.exists(path):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def main():
    proj = os.path.join(TMP, "proj")
    dumps = os.path.join(TMP, "dumps")
    conf = os.path.join(TMP, "conf")
    for d in (proj, dumps, conf):
        os.mkdir(d)
    write(proj, "cog.yaml", COG_YAML)
    write(proj, "predict.py", predictor("image"))
    script = os.path.join(TMP, "dev.keys")
    with open(script, "w") as f:
        f.write(SCRIPT)
    env = {
        "PATH": STUBS + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": TMP, "LC_ALL": "C.UTF-8", "TZ": "UTC",
        "TERM": "xterm-256color", "R8PLAY_CLOCK": "0",
        "R8PLAY_CONFIG_DIR": conf,
        "R8PLAY_NVML_LIB": "/nonexistent/libnvidia-ml.so.1",
    }
    p = subprocess.Popen([R8PLAY, "--script", script, "--dump-dir", dumps,
                          "--size", "100x30", "--dev", proj], env=env,
                         cwd=TMP, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        dump = lambda n: os.path.join(dumps, n + ".screen")  # noqa: E731
        ok = wait_file(dump("first"), p)
        check(ok, "the playground of the served project")
        if ok:
            write(proj, "predict.py", predictor("text"))
        ok = ok and wait_file(dump("reloaded"), p)
        check(ok, "the form follows predict.py")
        if ok:
            write(proj, "predict.py", "def broken(:\n")
        ok = ok and wait_file(dump("broken"), p)
        check(ok, "a broken predict.py is said")
        if ok:
            write(proj, "predict.py", predictor("image"))
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    check(p.returncode == 0, "r8play exits 0",
          "exit %s: %s" % (p.returncode, err.decode(errors="replace")[-800:]))

    def text(n):
        try:
            with open(dump(n), encoding="utf-8") as f:
                return f.read()
        except OSError:
            return ""
    first, rel, broken = text("first"), text("reloaded"), text("broken")
    rec, out = text("recovered"), text("output")
    check("negative_prompt" in first and "a red fox" in first,
          "first: the image predictor's form, prompt typed", first)
    check("system_prompt" in rel and "negative_prompt" not in rel,
          "reloaded: the text predictor's fields", rel)
    check("a red fox" in rel, "reloaded: the prompt kept", rel)
    check("exited with status 1" in broken, "broken: the exit said", broken)
    check("negative_prompt" in rec and "a red fox" in rec,
          "recovered: the image form again, the prompt kept", rec)
    check("served with cog serve -p" in out and STUBS in out.replace(
        "\n", ""), "output: says how it is served", out)
    check("SyntaxError" in out or "does not compile" in out,
          "output: the broken file's error is in the server output", out)
    check("2 restarts" in out or "3 restarts" in out,
          "output: the restarts counted", out)


def served_by_command():
    proj = os.path.join(TMP, "proj2")
    dumps = os.path.join(TMP, "dumps2")
    conf = os.path.join(TMP, "conf2")
    for d in (proj, dumps, conf):
        os.mkdir(d)
    write(proj, "cog.yaml", COG_YAML)
    write(proj, "predict.py", predictor("text"))
    script = os.path.join(TMP, "dev2.keys")
    with open(script, "w") as f:
        f.write("wait idle\ndump first\nkey O\ndump output\n")
    path = os.pathsep.join(d for d in os.environ.get(
        "PATH", "/usr/bin:/bin").split(os.pathsep) if d != STUBS)
    env = {"PATH": path, "HOME": TMP, "LC_ALL": "C.UTF-8", "TZ": "UTC",
           "TERM": "xterm-256color", "R8PLAY_CLOCK": "0",
           "R8PLAY_CONFIG_DIR": conf,
           "R8PLAY_NVML_LIB": "/nonexistent/libnvidia-ml.so.1"}
    # no way to serve it yet: one line, exit 1
    r = subprocess.run([R8PLAY, "--script", script, "--dump-dir", dumps,
                        "--size", "100x30", proj], env=env, cwd=TMP,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    err = r.stderr.decode(errors="replace")
    check(r.returncode == 1 and "serve_command" in err and
          err.count("\n") == 1, "nothing to serve with: one line, exit 1",
          "exit %d: %s" % (r.returncode, err))
    with open(os.path.join(conf, "config"), "w") as f:
        f.write("serve_command = %s %s serve\n" % (
            shutil.which("python3") or sys.executable,
            os.path.join(STUBS, "cog")))
    r = subprocess.run([R8PLAY, "--script", script, "--dump-dir", dumps,
                        "--size", "100x30", proj], env=env, cwd=TMP,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    check(r.returncode == 0, "r8play DIR exits 0",
          r.stderr.decode(errors="replace")[-800:])
    first = out = ""
    try:
        with open(os.path.join(dumps, "first.screen")) as f:
            first = f.read()
        with open(os.path.join(dumps, "output.screen")) as f:
            out = f.read()
    except OSError:
        pass
    check("system_prompt" in first, "r8play DIR: its playground", first)
    check("served with serve_command" in out,
          "r8play DIR: served with the config's serve_command", out)


def info_tab():
    """The Info tab of a dev target: cog.yaml's summary and its mistakes,
    word for word what `r8play dev --check` prints (one formatter)."""
    proj = os.path.join(TMP, "proj3")
    dumps = os.path.join(TMP, "dumps3")
    conf = os.path.join(TMP, "conf3")
    for d in (proj, dumps, conf):
        os.mkdir(d)
    write(proj, "cog.yaml", 'build:\n  gpu: false\n  cuda: "12.1"\n'
          '  python_version: "3.11"\n  python_requirements: req.txt\n'
          '  system_packages: [libgl1, "ffmpeg\\e[31m"]\n'
          'predict: "predict.py:Predictor"\nconcurrency:\n  max: 4\n')
    write(proj, "predict.py", predictor("text"))
    script = os.path.join(TMP, "dev3.keys")
    with open(script, "w") as f:
        f.write("wait idle\nkey 5\ndump info\n")
    env = {
        "PATH": STUBS + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": TMP, "LC_ALL": "C.UTF-8", "TZ": "UTC",
        "TERM": "xterm-256color", "R8PLAY_CLOCK": "0",
        "R8PLAY_CONFIG_DIR": conf,
        "R8PLAY_NVML_LIB": "/nonexistent/libnvidia-ml.so.1",
    }
    r = subprocess.run([R8PLAY, "--script", script, "--dump-dir", dumps,
                        "--size", "120x40", "--dev", proj], env=env,
                       cwd=TMP, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    check(r.returncode == 0, "--dev with mistakes: r8play exits 0",
          r.stderr.decode(errors="replace")[-800:])
    try:
        with open(os.path.join(dumps, "info.screen"), encoding="utf-8") as f:
            info = f.read()
    except OSError:
        info = ""
    chk = subprocess.run([R8PLAY, "dev", "--check", proj], env=env, cwd=TMP,
                         stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=60)
    mistakes = [ln[len("mistake: "):] for ln in
                chk.stdout.decode().splitlines() if ln.startswith("mistake")]
    check(len(mistakes) == 2, "--check names two mistakes", chk.stdout)
    flat = " ".join(info.split())
    for m in mistakes:
        check("mistake " + " ".join(m.split()) in flat,
              "Info tab names the mistake as --check does: " + m, info)
    for want in ("Cog project", "cog.yaml", "predict predict.py:Predictor",
                 "gpu false", "cuda 12.1", "python 3.11",
                 "requirements req.txt", "system packages 2: libgl1, ffmpeg",
                 "concurrency max 4", "state "):
        check(want in flat, "Info tab shows " + want, info)
    check("\x1b" not in info and "ffmpeg^[[31m" in flat,
          "Info tab: the escape is shown as ^[, never written raw", info)


main()
served_by_command()
info_tab()
summary()
