#!/usr/bin/env python3
"""tests/bench/bench_render.py (make bench-render): r8play show against
img2sixel and chafa -f sixels on photo-like pictures: a 1024x1024 PNG (the
corgi fixture upscaled 2x, bilinear, plus fixed grain), the same as JPEG
(quality 90) and WebP (quality 80, Replicate's default format), and a
2048x2048 PNG, each into a 640x640 box; and the 1024 PNG into an 80x24 pane
of 10x20 px cells (480x480).

Per input, first the stage table: `render_tool stages` runs the code of
`r8play show` (render_prepare) in one process and prints the median ms of
read, decode, scale, quantise, encode and write. Then the whole processes:
the tools take turns (r8play, img2sixel, chafa, r8play, ...) RUNS times, so
a busy machine slows all of them alike; per tool the median, min and max
wall time, the median CPU time (user + system, from wait4), the output
bytes and the PSNR of the sixel decoded with libsixel against the source
area-averaged to the decoded size. No assertions.

BENCH_SUMMARY (a file): one line per case is appended for make bench's
summary: case, r8play med/min/max, the faster peer's name and med/min/max.
Env: R8PLAY, RENDER_TOOL, O, RUNS (default 11).
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.chdir(ROOT)
O = os.environ.get("O", "build/default")
R8PLAY = os.environ.get("R8PLAY", O + "/r8play")
TOOL = os.environ.get("RENDER_TOOL", O + "/bench/render_tool")
RUNS = int(os.environ.get("RUNS", "11"))
WORK = O + "/bench"
SRC = "tests/fixtures/images/sdxl-corgi-512.png"


def tool(*args):
    subprocess.run([TOOL] + list(args), check=True)


def prepare():
    os.makedirs(WORK, exist_ok=True)
    f = {k: "%s/photo%s" % (WORK, k) for k in
         ("1024.png", "2048.png", "1024.jpg", "1024.webp")}
    if not os.path.exists(f["1024.png"]):
        tool("gen", SRC, f["1024.png"], "1024")
    if not os.path.exists(f["2048.png"]):
        tool("gen", SRC, f["2048.png"], "2048")
    if not os.path.exists(f["1024.jpg"]):
        tool("jpeg", f["1024.png"], f["1024.jpg"], "90")
    if not os.path.exists(f["1024.webp"]):
        tool("webp", f["1024.png"], f["1024.webp"], "80")
    return f


def run_once(cmd, out):
    with open(out, "wb") as fp:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=fp, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        wall = (time.perf_counter() - t0) * 1000
    return wall, (ru.ru_utime + ru.ru_stime) * 1000


def compare(case, ref, tools):
    """tools: [(name, cmd)], taking turns RUNS times."""
    have = [(n, c) for n, c in tools if shutil.which(c[0])]
    wall = {n: [] for n, _ in have}
    cpu = {n: [] for n, _ in have}
    outs = {n: "%s/out-%d-%d.six" % (WORK, os.getpid(), i)
            for i, (n, _) in enumerate(have)}
    for _ in range(RUNS):
        for n, c in have:
            w, u = run_once(c, outs[n])
            wall[n].append(w)
            cpu[n].append(u)
    print("  %-18s %7s %7s %7s %7s %9s %7s %9s" %
          ("tool", "median", "min", "max", "cpu", "bytes", "PSNR", "size"))
    res = {}
    for n, c in tools:
        if n not in wall:
            print("  %-18s (not installed)" % n)
            continue
        size = os.path.getsize(outs[n])
        if size == 0:
            print("  %-18s (no output: cannot read this input)" % n)
            os.unlink(outs[n])
            continue
        q = subprocess.run([TOOL, "psnr", ref, outs[n]], capture_output=True,
                           text=True).stdout.split() or ["-", "-", "-"]
        os.unlink(outs[n])
        w = wall[n]
        res[n] = (statistics.median(w), min(w), max(w))
        print("  %-18s %7.1f %7.1f %7.1f %7.1f %9d %7s %9s" %
              (n, res[n][0], res[n][1], res[n][2], statistics.median(cpu[n]),
               size, q[0], "%sx%s" % (q[1], q[2])))
    peers = [n for n in res if n != "r8play show"]
    if "r8play show" not in res or not peers:
        return
    peer = min(peers, key=lambda n: res[n][0])
    r8 = res["r8play show"]
    print("  r8play / %s (the faster peer): %.2f" % (peer, r8[0] / res[peer][0]))
    out = os.environ.get("BENCH_SUMMARY")
    if out:
        with open(out, "a") as f:
            f.write("render %s\t%.1f\t%.1f\t%.1f\t%s\t%.1f\t%.1f\t%.1f\n" %
                    ((case,) + r8 + (peer.split()[0],) + res[peer]))


def main():
    f = prepare()
    print("r8play show vs img2sixel vs chafa -f sixels: whole process, "
          "%d turns each, ms" % RUNS)
    for case, path in (("png1024", f["1024.png"]), ("jpeg1024", f["1024.jpg"]),
                       ("webp1024", f["1024.webp"]),
                       ("png2048", f["2048.png"])):
        print("\n%s: %s into a 640x640 box" % (case, path))
        st = subprocess.run([TOOL, "stages", path, "640", "640", str(RUNS)],
                            capture_output=True, text=True).stdout.strip()
        print("  stages (render_prepare, median ms): " + st)
        compare(case, path, [
            ("r8play show", [R8PLAY, "show", "--graphics", "sixel", "--width",
                             "640", "--height", "640", path]),
            ("img2sixel", ["img2sixel", "-w", "640", "-h", "640", path]),
            ("chafa -f sixels", ["chafa", "-f", "sixels", "--font-ratio",
                                 "1/1", "-s", "80x80", path])])
    path = f["1024.png"]
    print("\npane80x24: %s into 80x24 cells of 10x20 px (480x480)" % path)
    compare("pane80x24", path, [
        ("r8play show", [R8PLAY, "show", "--graphics", "sixel", "--cols", "80",
                         "--rows", "24", "--cell", "10x20", path]),
        ("img2sixel", ["img2sixel", "-w", "480", "-h", "480", path]),
        ("chafa -f sixels", ["chafa", "-f", "sixels", "--font-ratio", "1/1",
                             "-s", "60x60", path])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
