"""tests/pty/test_pty.py: end-to-end on a real pseudo-terminal through
tests/pty/pty_harness (forkpty-style + libvterm): a resize storm, the
terminal restored after SIGTERM, SIGHUP, SIGINT, SIGSEGV and SIGABRT, and a
sixel image written at its place and cleared (a local run on the Cog fake,
with the harness answering DA1 like a VT340 xterm)."""
import os
import atexit
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, ROOT, R8PLAY, O  # noqa: E402
import fakes  # noqa: E402

HARNESS = os.path.join(ROOT, O, "tests", "pty_harness")
# every scratch directory of this test lives here and goes with it
SCRATCH = tempfile.mkdtemp(prefix="r8play-pty-")
atexit.register(shutil.rmtree, SCRATCH, True)


def env():
    e = {k: v for k, v in os.environ.items()
         if k not in ("REPLICATE_API_TOKEN", "TMUX", "STY",
                      "R8PLAY_GRAPHICS", "NO_COLOR")}
    e.update(LC_ALL="C.UTF-8", TERM="xterm-256color", TZ="UTC",
             R8PLAY_CONFIG_DIR=tempfile.mkdtemp(prefix="config-", dir=SCRATCH))
    return e


def scenario(args, what, cwd=None):
    r = subprocess.run([HARNESS] + args, env=env(), capture_output=True,
                       timeout=120, cwd=cwd)
    out = r.stdout.decode("utf-8", "replace")
    m = re.search(r"^(\d+) passed, (\d+) failed", out, re.M)
    fails = [l for l in out.splitlines() if l.startswith("FAIL")]
    check(m is not None and m.group(2) == "0" and int(m.group(1)) > 0,
          "%s (%s)" % (what, m.group(0) if m else "no summary"),
          "\n".join(fails) + "\n" + out[-2500:] +
          r.stderr.decode("utf-8", "replace")[-500:])


def main():
    if not check(os.access(HARNESS, os.X_OK), "pty_harness built"):
        summary()
    scenario(["storm", R8PLAY], "resize storm: 50 sizes, alive, final frame")
    for sig in ("TERM", "HUP", "INT", "SEGV", "ABRT"):
        scenario(["restore", sig, R8PLAY], "terminal restored after SIG" + sig)
    proc, base = fakes.start_fake("cog.py", "--quiet", "--setup-seconds",
                                  "0.1", "--speed", "8")
    try:
        work = tempfile.mkdtemp(prefix="run-", dir=SCRATCH)
        scenario(["sixel", R8PLAY, "--local", base],
                 "sixel at its place, cleared on leaving", cwd=work)
        for sig in ("SEGV", "ABRT"):
            scenario(["sixelcrash", sig, R8PLAY, "--local", base],
                     "SIG%s inside an open sixel DCS: CAN ST, then restored"
                     % sig, cwd=work)
    finally:
        fakes.stop(proc)
    summary()


if __name__ == "__main__":
    main()
