"""tests/screen/test_cli_tui.py: the interactive program's command line
without a terminal: --help, --list-keys (the README's key table),
--version, bad options and themes, and the refusal to run without a tty."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, R8PLAY  # noqa: E402


def run(*args, env=None):
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL":
         "C.UTF-8", "HOME": "/nonexistent-home", "TERM": "xterm-256color"}
    e.update(env or {})
    r = subprocess.run([R8PLAY] + list(args), env=e, capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=30)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


rc, out, err = run("--list-keys")
check(rc == 0, "--list-keys exits 0", err)
lines = out.splitlines()
check(lines[0] == "| context | keys | action | what it does |",
      "--list-keys is a Markdown table", lines[:2])
check(lines[1] == "|---|---|---|---|" and
      all(l.startswith("| ") and l.endswith(" |") and l.count(" | ") >= 3
          for l in lines[2:]), "every row is a table row")
check("| model page | `<C-r>` | run | Run the form |" in lines,
      "Ctrl-R runs from anywhere on the model page")
check(any(l.startswith("| global | `q <C-c>` | quit |") for l in lines),
      "q quits")
check(any("| `/` | filter |" in l for l in lines), "/ filters")
check(len(lines) > 50, "all bindings listed (%d rows)" % len(lines))

rc, out, err = run("--help")
check(rc == 0 and "--local URL" in out and "--theme NAME" in out and
      "NO_COLOR" in out, "--help names the options and environment")
rc, out, err = run("--version")
check(rc == 0 and out.startswith("r8play "), "--version")

rc, out, err = run("--theme", "neon")
check(rc == 2 and "unknown theme 'neon' (dark, light, mono)" in err,
      "an unknown theme is refused before the terminal is touched", err)
rc, out, err = run(env={"R8PLAY_THEME": "neon"})
check(rc == 2 and "unknown theme 'neon'" in err, "R8PLAY_THEME checked", err)
rc, out, err = run("--frobnicate")
check(rc == 2 and "unknown option --frobnicate" in err, "unknown option")
rc, out, err = run("--local")
check(rc == 2 and "--local needs a value" in err, "option without value")
rc, out, err = run("a/b", "c/d")
check(rc == 2 and "one model at a time" in err, "two models refused")
rc, out, err = run()
check(rc == 1 and "not a terminal" in err, "no tty: a clear message", err)
rc, out, err = run("--script", "/nonexistent.keys", "--dump-dir", "/tmp",
                   "--size", "80x24")
check(rc == 1 and "/nonexistent.keys" in err, "missing script named", err)
rc, out, err = run("--script", "x.keys")
check(rc == 2 and "--dump-dir" in err, "script needs a dump dir and size")
summary()
