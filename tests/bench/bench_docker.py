#!/usr/bin/env python3
"""tests/bench/bench_docker.py: time from `r8play local start` to READY
against the real Docker Engine of the test bed (tests/docker/setup), split
into create / start / inspect (the daemon's calls) and setup (the first
READY on /health-check), over RUNS starts on CPU. Prints a table; no timed
assertions. Every container it makes is removed.

    make bench-docker            (RUNS=5 by default)
"""
import json
import os
import statistics
import subprocess
import sys
import time

R8PLAY = os.environ.get("R8PLAY", "build/debug/r8play")
REG = "127.0.0.1:" + os.environ.get("R8PLAY_TEST_REGISTRY_PORT", "5400")
IMAGE = os.environ.get("BENCH_IMAGE", REG + "/r8play-test/cog-image:latest")
RUNS = int(os.environ.get("RUNS", "5"))


def main():
    if subprocess.run(["docker", "image", "inspect", IMAGE],
                      capture_output=True).returncode != 0:
        print("bench-docker: no %s (run tests/docker/setup as root)" % IMAGE)
        return 0
    rows = []
    for i in range(RUNS):
        name = "r8bench%d-%d" % (os.getpid(), i)
        t0 = time.monotonic()
        p = subprocess.run([R8PLAY, "local", "start", IMAGE, "--gpus",
                            "none", "--name", name, "--json"],
                           capture_output=True, timeout=600)
        wall = (time.monotonic() - t0) * 1000
        try:
            if p.returncode != 0:
                print("run %d failed: %s" % (i, p.stderr.decode().strip()))
                continue
            ms = json.loads(p.stdout)["ms"]
            rows.append((ms["create"], ms["start"], ms["inspect"],
                         ms["setup"], wall))
        finally:
            subprocess.run([R8PLAY, "local", "stop", name],
                           capture_output=True, timeout=300)
            subprocess.run(["docker", "rm", "-f", name], capture_output=True)
    if not rows:
        return 1
    print("start to READY, %d runs on CPU, image %s" % (len(rows), IMAGE))
    print("%-10s %10s %10s %10s" % ("phase", "median ms", "min ms",
                                    "max ms"))
    for k, label in enumerate(("create", "start", "inspect", "setup",
                               "total")):
        col = [r[k] for r in rows]
        print("%-10s %10.0f %10.0f %10.0f" % (label, statistics.median(col),
                                              min(col), max(col)))
    out = os.environ.get("BENCH_SUMMARY")    # make bench's table
    if out:
        with open(out, "a") as f:
            for k, label in enumerate(("create", "start", "setup")):
                col = [r[(0, 1, 3)[k]] for r in rows]
                f.write("docker boot: %s (CPU, vfs)\t%.0f\t%.0f\t%.0f\t-"
                        "\t\t\t\n" % (label, statistics.median(col),
                                      min(col), max(col)))
            col = [r[4] for r in rows]
            f.write("docker boot: local start to READY (whole process)\t%.0f\t%.0f\t%.0f"
                    "\t-\t\t\t\n" % (statistics.median(col), min(col),
                                       max(col)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
