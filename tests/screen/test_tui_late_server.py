"""tests/screen/test_tui_late_server.py: a --local server that starts after
r8play does (issue 16, item 1: messages follow the state they describe).
r8play opens on a port where nothing listens yet: the page says OFFLINE
with the connection error; once the key script has dumped that screen the
test starts a fake Cog server on the port, and the page must turn IDLE with
its form and no trace of the old error. Nothing is timed: the waits are the
script's own (20 s limits) and the dump file's appearance."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import fakes  # noqa: E402
from t import check, summary, R8PLAY  # noqa: E402

KEYS = """wait text OFFLINE
dump down
wait text IDLE
wait idle
dump up
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    work = tempfile.mkdtemp(prefix="r8play-late-")
    server = None
    proc = None
    try:
        port = free_port()
        script = os.path.join(work, "late.keys")
        with open(script, "w") as f:
            f.write(KEYS)
        dumps = os.path.join(work, "dumps")
        os.makedirs(dumps)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "HOME": work, "LC_ALL": "C.UTF-8", "TZ": "UTC",
               "TERM": "xterm-256color",
               "R8PLAY_CONFIG_DIR": os.path.join(work, "config"),
               "R8PLAY_DATA_DIR": os.path.join(work, "data"),
               "R8PLAY_NVML_LIB": "/nonexistent/libnvidia-ml.so.1"}
        proc = subprocess.Popen(
            [R8PLAY, "--script", script, "--dump-dir", dumps, "--size",
             "100x30", "--local", "http://127.0.0.1:%d" % port],
            env=env, cwd=work, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        down = os.path.join(dumps, "down.screen")
        deadline = time.monotonic() + 60
        while not os.path.exists(down) and proc.poll() is None and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        check(os.path.exists(down), "the page says OFFLINE first")
        if os.path.exists(down):
            server = subprocess.Popen(
                [sys.executable, os.path.join(fakes.FAKES, "cog.py"),
                 "--port", str(port), "--quiet", "--setup-seconds", "0.1"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        check(proc.returncode == 0, "r8play's script ran to its end",
              err.decode("utf-8", "replace")[-600:])
        text = {}
        for name in ("down", "up"):
            p = os.path.join(dumps, name + ".screen")
            text[name] = open(p, encoding="utf-8").read() \
                if os.path.exists(p) else ""
        head = text["down"].splitlines()[1] if text["down"] else ""
        check("OFFLINE" in head and "cannot connect" in head,
              "OFFLINE with the connection error in the page's heading",
              head)
        check("IDLE" in text["up"] and "prompt" in text["up"],
              "the server answers: IDLE, and its form", text["up"])
        check("cannot connect" not in text["up"] and
              "OFFLINE" not in text["up"],
              "the old error is gone with the state it described",
              text["up"])
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        if server is not None:
            fakes.stop(server)
        if os.environ.get("T_KEEP") is None:
            shutil.rmtree(work, ignore_errors=True)


main()
summary()
