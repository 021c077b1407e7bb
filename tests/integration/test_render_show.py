"""tests/integration/test_render_show.py: `r8play show` end to end: sixel,
kitty and blocks on a pipe; sizes from --width/--cols/--cell; errors and
usage; and on a pty, detection: the test plays xterm (or a silent terminal,
or tmux with passthrough off) and checks what r8play chose and drew."""
import os
import re
import select
import struct
import subprocess
import sys
import time
import fcntl
import termios

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from t import check, summary, R8PLAY, FIXTURES  # noqa: E402

CORGI = os.path.join(FIXTURES, "images", "sdxl-corgi-512")
ENV = {k: v for k, v in os.environ.items()
       if k not in ("R8PLAY_GRAPHICS", "TMUX", "STY", "COLORTERM")}
ENV["TERM"] = "xterm-256color"


def show(*args, env=None):
    e = dict(ENV)
    e.update(env or {})
    p = subprocess.run([R8PLAY, "show"] + list(args), capture_output=True,
                       env=e, timeout=30)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def raster(out):
    m = re.search(rb'\x1bP0;1;0q"1;1;(\d+);(\d+)', out)
    return (int(m.group(1)), int(m.group(2))) if m else None


# ---- on a pipe: sixel at the image's own size, like img2sixel
rc, out, err = show(CORGI + ".png")
check(rc == 0 and out.startswith(b"\x1bP") and out.endswith(b"\x1b\\\n"),
      "pipe: sixel by default, framed and newline-terminated", (rc, err))
check(raster(out) == (512, 512), "pipe: natural size 512x512", raster(out))
rc, out, err = show("--width", "100", CORGI + ".webp")
check(rc == 0 and raster(out) == (100, 100), "--width 100 fits 100x100",
      raster(out))
rc, out, err = show("--cols", "10", "--rows", "5", "--cell", "10x20",
                    CORGI + ".jpg")
check(rc == 0 and raster(out) == (100, 100),
      "--cols 10 --rows 5 of 10x20 cells: 100x100", raster(out))
rc, out, err = show("--width", "64", CORGI + ".png", CORGI + ".jpg")
check(rc == 0 and out.count(b"\x1bP0;1;0q") == 2, "two files, two images")
rc, out, err = show("--width", "2000", "--upscale", CORGI + ".png")
check(rc == 0 and len(out) <= 1000001 and raster(out) == (2000, 2000),
      "--upscale grows to the box, still under 1 MB of sixel",
      (len(out), raster(out)))

# ---- blocks and kitty
rc, out, err = show("--graphics", "blocks", "--cols", "20", "--rows", "10",
                    CORGI + ".png", env={"COLORTERM": "truecolor"})
lines = out.decode().split("\n")
check(rc == 0 and len(lines) == 11 and lines[-1] == "",
      "blocks: 10 rows of text", len(lines))
check("\u2580" in lines[0] and "\x1b[38;2;" in lines[0] and
      lines[0].endswith("\x1b[0m"), "blocks: truecolor half blocks")
rc, out, err = show("--cols", "20", "--rows", "10", CORGI + ".png",
                    env={"R8PLAY_GRAPHICS": "blocks"})
check(rc == 0 and b"\x1b[38;5;" in out, "R8PLAY_GRAPHICS=blocks, 256 colours")
rc, out, err = show("--graphics", "kitty", "--width", "64", CORGI + ".png")
check(rc == 0 and out.startswith(b"\x1b_Ga=T,f=100,i=1,q=2,C=1,m=1;iVBOR")
      and b"\x1b_Gm=0;" in out, "kitty: PNG in chunks, placed at the cursor",
      out[:40])

# ---- errors and usage
bad = os.path.join(FIXTURES, "images", "README.md")
rc, out, err = show(bad)
check(rc == 1 and out == b"" and "README.md: unknown image format" in err,
      "not an image: exit 1, one clear line", err)
rc, out, err = show("/nonexistent/x.png")
check(rc == 1 and "No such file" in err, "missing file: exit 1", err)
rc, out, err = show("--width", "32", bad, CORGI + ".png")
check(rc == 1 and out.count(b"\x1bP0;1;0q") == 1,
      "a bad file does not stop the good one")
check(show()[0] == 2, "no file: usage, exit 2")
check(show("--cols", "x", CORGI + ".png")[0] == 2, "bad --cols: exit 2")
check(show("--graphics", "png", CORGI + ".png")[0] == 2, "bad mode: exit 2")
check(show("--cols", "5", "--width", "9", CORGI + ".png")[0] == 2,
      "--cols with --width: exit 2")
rc, out, err = show("--help")
check(rc == 0 and b"usage: r8play show" in out and b"not a terminal" in out,
      "--help says what happens off a terminal")

# ---- on a pty: detection
XTERM = [b"\x1bP>|XTerm(379)\x1b\\", b"\x1b[?1;0;1024S",
         b"\x1b[?2;0;600;455S", b"\x1b[6;13;6t", b"\x1b[4;455;600t",
         b"\x1b[?63;1;2;4;6;9;15;16;22;28c"]


def on_pty(args, answer, env=None, rows=35, cols=100):
    """Run r8play show on a pty; answer(queries) -> bytes to reply."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ,
                struct.pack("HHHH", rows, cols, 0, 0))
    e = dict(ENV)
    e.update(env or {})
    t0 = time.monotonic()
    p = subprocess.Popen([R8PLAY, "show"] + args, stdin=slave, stdout=slave,
                         stderr=slave, env=e, start_new_session=True)
    os.close(slave)
    got, queries, answered = b"", b"", False
    while True:
        r, _, _ = select.select([master], [], [], 5)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        got += chunk
        if not answered and b"\x1b[c" in got:
            queries = got
            answered = True
            reply = answer(queries)
            if reply:
                os.write(master, reply)
    p.wait(timeout=10)
    os.close(master)
    return p.returncode, got, queries, time.monotonic() - t0


rc, got, q, secs = on_pty([CORGI + ".png"], lambda q: b"".join(XTERM))
check(b"\x1b[16t" in q and b"\x1b[?1;1;0S" in q and q.find(b"\x1b[c") > 0,
      "pty: queries sent, DA1 last", q[:80])
check(rc == 0 and raster(got) == (442, 442),
      "pty xterm: sixel fitted to 100x34 cells of 6x13 px (442x442)",
      (rc, raster(got)))
rc, got, q, secs = on_pty([CORGI + ".png"], lambda q: None)
check(rc == 0 and "\u2580".encode() in got and b"\x1bP0;1;0q" not in got,
      "pty silent terminal: blocks", rc)
check(secs < 3, "pty silent terminal: no long wait", secs)
rc, got, q, secs = on_pty([CORGI + ".png"], lambda q: b"\x1b[?1;2c",
                          env={"TMUX": "/tmp/tmux-0/default,1,0"})
check(q.startswith(b"\x1bPtmux;\x1b\x1b[>0q"), "pty tmux: queries wrapped")
check(rc == 0 and b"allow-passthrough" in got and
      "\u2580".encode() in got, "pty tmux, passthrough off: says so, blocks")
summary()
