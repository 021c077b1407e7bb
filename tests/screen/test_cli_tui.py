"""tests/screen/test_cli_tui.py: the interactive program's command line
without a terminal: --help, --list-keys (the README's key table),
--version, bad options and themes, and the refusal to run without a tty."""
import os
import shutil
import subprocess
import sys
import tempfile

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
# --theme FILE (a '/' or .theme): parsed before the screen is taken
tmp = tempfile.mkdtemp(prefix="t_cli_tui.")
bad = os.path.join(tmp, "bad.theme")
with open(bad, "w") as f:
    f.write("name bad\n\nrole title fg=nope\n")
good = os.path.join(tmp, "sea.theme")
with open(good, "w") as f:
    f.write("role title fg=#102030 attrs=bold\n")
rc, out, err = run("--theme", bad)
check(rc == 2 and err.startswith("r8play: %s:3:" % bad) and "nope" in err
      and err.count("\n") == 1 and out == "",
      "a bad theme file: FILE:LINE:COL, exit 2, nothing drawn", err)
rc, out, err = run("--theme", os.path.join(tmp, "none.theme"))
check(rc == 2 and "none.theme: No such file or directory" in err,
      "a missing theme file is named", err)
rc, out, err = run("--theme", "gone.theme")
check(rc == 2 and "r8play: gone.theme: No such file" in err,
      "a name ending in .theme is a file, not a shipped theme", err)
cfgdir = os.path.join(tmp, "cfg")
os.mkdir(cfgdir)
with open(os.path.join(cfgdir, "config"), "w") as f:
    f.write("theme = %s\n" % bad)
rc, out, err = run(env={"R8PLAY_CONFIG_DIR": cfgdir})
check(rc == 2 and err.startswith("r8play: %s:3:" % bad),
      "config key theme takes a file too", err)
rc, out, err = run(env={"R8PLAY_THEME": bad})
check(rc == 2 and err.startswith("r8play: %s:3:" % bad),
      "R8PLAY_THEME takes a file too", err)
keys = os.path.join(tmp, "one.keys")
with open(keys, "w") as f:
    f.write("wait idle\ndump first\n")
dumps = os.path.join(tmp, "dumps")
os.mkdir(dumps)
rc, out, err = run("--theme", good, "--script", keys, "--dump-dir", dumps,
                   "--size", "80x24")
check(rc == 0 and os.path.exists(os.path.join(dumps, "first.screen")),
      "a good theme file runs", err)
with open(os.path.join(cfgdir, "config"), "w") as f:
    f.write("theme = %s\n" % good)
rc, out, err = run("--script", keys, "--dump-dir", dumps, "--size", "80x24",
                   env={"R8PLAY_CONFIG_DIR": cfgdir})
check(rc == 0, "a good theme file from the config runs", err)
shutil.rmtree(tmp)

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
