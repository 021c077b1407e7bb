"""tests/bench/bench_tui.py (make bench-tui): how responsive the TUI is.
Prints a table; asserts nothing (no timed assertions in tests).

  1. time to first frame, time until the 2.4 MB first models page (25
     recorded models with their schemas) is on screen, and peak RSS
     (VmHWM) with it loaded: r8play on a pty against the fake Replicate;
  2. key-to-update latency while two runs stream and the fake stalls:
     both runs' SSE streams stall (stall_sse) and the model page's
     requests are slowed; keys that change the screen are sent one at a
     time and the gap from the write to the first byte of the redraw is
     measured (median, p95, max over the presses);
  3. key-to-screen while a 2048x2048 PNG output is being prepared: the
     fake serves a generated 2048x2048 photo-like PNG as the output, the
     TUI draws sixel; each cycle starts a run ('r') and toggles the help
     overlay ('?') until the run's image (a DCS) is on screen, timing
     each toggle from the write to the first byte of its redraw. The
     decode and the encode run on the render worker (tui/images.c), so
     the toggles are answered while they go on.

Environment: R8PLAY (binary), ROOT. BENCH_KEYS (presses, default 60),
BENCH_IMG_CYCLES (runs of part 3, default 8).
BENCH_SUMMARY: a file to append make bench's summary lines to.
"""
import json
import os
import pty
import select
import shutil
import statistics
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import fakes  # noqa: E402

ROOT = fakes.ROOT
R8PLAY = os.path.join(ROOT, os.environ.get("R8PLAY", "build/default/r8play"))
PRESSES = int(os.environ.get("BENCH_KEYS", "60"))
IMG_CYCLES = int(os.environ.get("BENCH_IMG_CYCLES", "8"))


def spawn(args, cwd, graphics="blocks", extra_env=None):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": cwd, "LC_ALL": "C.UTF-8", "TERM": "xterm-256color",
        "TZ": "UTC", "R8PLAY_CONFIG_DIR": cwd,
        "REPLICATE_API_TOKEN": fakes.REPLICATE_TOKEN,
        "R8PLAY_GRAPHICS": graphics,
    }
    env.update(extra_env or {})
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execve(R8PLAY, [R8PLAY] + args, env)
    return pid, fd


class Reader:
    def __init__(self, fd):
        self.fd = fd
        self.buf = b""

    def read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            data = os.read(self.fd, 1 << 20)
        except OSError:
            return b""
        self.buf += data
        return data

    def until(self, marker, timeout):
        t0 = time.monotonic()
        while marker not in self.buf:
            if time.monotonic() - t0 > timeout:
                return None
            self.read(0.05)
        return time.monotonic()

    def drain(self, quiet=0.2, limit=5.0):
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit and self.read(quiet):
            pass


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def stop(pid, fd):
    try:
        os.write(fd, b"q")
        time.sleep(0.3)
        os.write(fd, b"y")
    except OSError:
        pass
    for _ in range(30):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    os.waitpid(pid, 0)


def first_frame(base, work):
    t0 = time.monotonic()
    pid, fd = spawn(["--api-base", base + "/v1"], work)
    rd = Reader(fd)
    t_frame = rd.until(b"explorer", 20)
    t_page = rd.until(b"controlnet-interior", 20)
    rd.drain()
    rss = rss_kb(pid)
    stop(pid, fd)
    return ((t_frame - t0) * 1000 if t_frame else -1,
            (t_page - t0) * 1000 if t_page else -1, rss)


def latency(base, work):
    # every stream stalls after its first events; model GETs are slow
    fakes.set_faults(base, [
        {"path": "^/v1/streams/", "kind": "stall_sse", "events": 3,
         "count": -1},
        {"path": "^/v1/models/", "method": "GET", "kind": "slow",
         "delay": 3, "count": -1},
    ])
    pid, fd = spawn(["--api-base", base + "/v1", "stability-ai/sdxl"], work)
    rd = Reader(fd)
    rd.until(b"negative_prompt", 30)	# the form (after the slow GET)
    rd.drain(0.3, 1.0)
    os.write(fd, b"\x12")		# Ctrl-R: run 1
    rd.until(b"run #1", 10)
    rd.drain(0.3, 1.0)		# spinners keep output flowing: bounded
    os.write(fd, b"r")		# run again: run 2
    rd.until(b"#2", 10)
    rd.drain(0.3, 1.0)
    gaps = []
    keys = [b"]", b"["]
    for i in range(PRESSES):
        rd.drain(0.02, 1.0)
        t = time.monotonic()
        os.write(fd, keys[i % 2])
        got = b""
        while not got and time.monotonic() - t < 5:
            got = rd.read(5)
        gaps.append((time.monotonic() - t) * 1000)
    # both runs must still be going on the server when the presses end
    st, _, body = fakes.http_request(
        "GET", base + "/v1/predictions",
        headers={"Authorization": "Bearer " + fakes.REPLICATE_TOKEN})
    both = st == 200 and \
        len([p for p in json.loads(body).get("results", [])
             if p.get("status") in ("starting", "processing")]) >= 2
    stop(pid, fd)
    fakes.reset(base)
    return gaps, both


def png_2048(path):
    """A 2048x2048 RGB PNG that compresses like a photo: smooth gradients
    with some noise (a few seconds of Python at most)."""
    w = h = 2048
    rows = []
    base = []
    for k in range(64):
        r = bytearray(3 * w)
        n = (k * 2654435761) & 0xffffffff
        for x in range(w):
            n = (n * 1103515245 + 12345) & 0x7fffffff
            d = (n >> 16) & 7
            r[3 * x] = (x // 8 + d) & 255
            r[3 * x + 1] = (x // 16 + k * 2 + d) & 255
            r[3 * x + 2] = (255 - x // 8 + d) & 255
        base.append(bytes(r))
    for y in range(h):
        sh = y // 8
        tbl = bytes((v + sh) & 255 for v in range(256))
        rows.append(b"\0" + base[y % 64].translate(tbl))
    raw = b"".join(rows)

    def chunk(t, d):
        c = t + d
        return (len(d).to_bytes(4, "big") + c +
                (zlib.crc32(c) & 0xffffffff).to_bytes(4, "big"))
    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def image_latency(base, work):
    """Key-to-screen while each run's 2048x2048 output is decoded and
    encoded: (gaps in ms, preparation windows in ms, cycles that ended
    with the image on screen)."""
    # a frozen display clock: no spinner frames, so every byte after a
    # key is that key's redraw (or the image)
    pid, fd = spawn(["--api-base", base + "/v1", "stability-ai/sdxl"], work,
                    graphics="sixel", extra_env={"R8PLAY_CLOCK": "1000"})
    rd = Reader(fd)
    rd.until(b"negative_prompt", 30)
    rd.drain(0.3, 1.0)
    gaps, windows, shown = [], [], 0
    for c in range(IMG_CYCLES):
        rd.buf = b""
        t0 = time.monotonic()
        os.write(fd, b"\x12" if c == 0 else b"r")
        # the run streams, saves its output, then the image is prepared;
        # toggle the help overlay until the image (a DCS) arrives
        done = False
        while time.monotonic() - t0 < 20 and not done:
            while rd.read(0.002):	# what came before this key
                done = done or b"\x1bP" in rd.buf
            if done:
                break
            rd.buf = b""
            t = time.monotonic()
            os.write(fd, b"?")
            got = b""
            while not got and time.monotonic() - t < 5:
                got = rd.read(5)
            gaps.append((time.monotonic() - t) * 1000)
            rd.read(0.01)
            done = b"\x1bP" in rd.buf
        if done:
            shown += 1
            windows.append((time.monotonic() - t0) * 1000)
        rd.drain(0.3, 2.0)
    stop(pid, fd)
    return gaps, windows, shown


def main():
    proc, base = fakes.start_replicate("--quiet", "--speed", "0.05")
    work = tempfile.mkdtemp(prefix="r8play-bench-")
    png = os.path.join(work, "big-2048.png")
    png_2048(png)
    iproc, ibase = fakes.start_replicate("--quiet", "--speed", "20",
                                         "--image-png", png)
    try:
        rows = []
        ff = [first_frame(base, work) for _ in range(3)]
        frame = statistics.median(x[0] for x in ff)
        page = statistics.median(x[1] for x in ff)
        rss = max(x[2] for x in ff)
        gaps, both = latency(base, work)
        igaps, iwin, ishown = image_latency(ibase, work)
        igaps = sorted(igaps)
        gaps = sorted(gaps)
        p95 = gaps[int(len(gaps) * 0.95) - 1] if gaps else -1
        rows.append(("time to first frame", "%.0f ms" % frame))
        rows.append(("time to 2.4 MB models page on screen", "%.0f ms" % page))
        rows.append(("peak RSS with the page loaded", "%.1f MiB" %
                     (rss / 1024.0)))
        rows.append(("both runs still streaming during the presses",
                     "yes" if both else "NO"))
        rows.append(("key-to-update, 2 stalled streams: median",
                     "%.1f ms" % statistics.median(gaps)))
        rows.append(("key-to-update, 2 stalled streams: p95", "%.1f ms" % p95))
        rows.append(("key-to-update, 2 stalled streams: max (%d keys)" %
                     len(gaps), "%.1f ms" % gaps[-1]))
        if igaps:
            rows.append(("key-to-screen, 2048x2048 output fetched + prepared: median",
                         "%.1f ms" % statistics.median(igaps)))
            rows.append(("key-to-screen, 2048x2048 output fetched + prepared: min",
                         "%.1f ms" % igaps[0]))
            rows.append(("key-to-screen, 2048x2048 output fetched + prepared: "
                         "keys over 16 ms", "%d" % len([g for g in igaps
                                                       if g > 16])))
            rows.append(("key-to-screen, 2048x2048 output fetched + prepared: max "
                         "(%d keys)" % len(igaps), "%.1f ms" % igaps[-1]))
        rows.append(("2048x2048 run to image on screen: median (%d/%d)" %
                     (ishown, IMG_CYCLES),
                     "%.0f ms" % statistics.median(iwin) if iwin else "-"))
        w = max(len(r[0]) for r in rows)
        print("| %-*s | %10s |" % (w, "r8play TUI (%s)" %
                                   os.path.basename(os.path.dirname(R8PLAY)),
                                   "value"))
        print("|%s|%s|" % ("-" * (w + 2), "-" * 12))
        for k, v in rows:
            print("| %-*s | %10s |" % (w, k, v))
        # make bench's summary: case, r8play med/min/max, peer med/min/max
        out = os.environ.get("BENCH_SUMMARY")
        if out:
            fr = sorted(x[0] for x in ff)
            with open(out, "a") as f:
                f.write("tui first frame\t%.1f\t%.1f\t%.1f\t-\t-\t-\t-\n"
                        % (frame, fr[0], fr[-1]))
                if gaps:
                    f.write("tui key-to-update (2 stalled streams)\t%.1f\t"
                            "%.1f\t%.1f\t16 ms frame\t16\t16\t16\n"
                            % (statistics.median(gaps), gaps[0], gaps[-1]))
                if igaps:
                    f.write("tui key-to-screen (2048x2048 being prepared)"
                            "\t%.1f\t%.1f\t%.1f\t16 ms frame\t16\t16\t16\n"
                            % (statistics.median(igaps), igaps[0],
                               igaps[-1]))
    finally:
        fakes.stop(proc)
        fakes.stop(iproc)
        shutil.rmtree(work, ignore_errors=True)	# history, outputs, png


if __name__ == "__main__":
    main()
