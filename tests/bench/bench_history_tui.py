"""tests/bench/bench_history_tui.py (make bench-history-tui): the TUI's
history screen (R) on a history of 100,000 runs: how long opening it and
each filter take (the query times r8play reports on its status line, and
the whole r8play process for the script). Prints a table; asserts nothing
(no timed assertions in tests).

Environment: R8PLAY (binary), ROOT. BENCH_HISTORY_RUNS (default 100000).
BENCH_SUMMARY: a file to append make bench's summary lines to.
"""
import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import fakes  # noqa: E402

ROOT = fakes.ROOT
R8PLAY = os.path.join(ROOT, os.environ.get("R8PLAY", "build/default/r8play"))
RUNS = int(os.environ.get("BENCH_HISTORY_RUNS", "100000"))
MODELS = ["stability-ai/sdxl", "meta/meta-llama-3-8b-instruct",
          "openai/whisper", "black-forest-labs/flux-schnell"]
STATUSES = ["succeeded"] * 8 + ["failed", "canceled"]


def r8play(home, lines):
    script = os.path.join(home, "bench.keys")
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    dumps = os.path.join(home, "dumps")
    shutil.rmtree(dumps, ignore_errors=True)
    os.makedirs(dumps)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "LC_ALL": "C.UTF-8", "TERM": "xterm-256color", "TZ": "UTC",
           "R8PLAY_CONFIG_DIR": home}
    t0 = time.monotonic()
    subprocess.run([R8PLAY, "--script", script, "--dump-dir", dumps,
                    "--size", "120x40", "--api-base",
                    "http://127.0.0.1:9/v1"], env=env, cwd=home,
                   stdin=subprocess.DEVNULL, capture_output=True,
                   timeout=600)
    wall = (time.monotonic() - t0) * 1000
    out = {}
    for p in glob.glob(os.path.join(dumps, "*.screen")):
        with open(p, encoding="utf-8", errors="replace") as f:
            out[os.path.basename(p).split(".")[0]] = f.read()
    return wall, out


def query_ms(screen):
    m = re.search(r"\(([0-9.]+) ms\)", screen or "")
    return float(m.group(1)) if m else None


def main():
    home = tempfile.mkdtemp(prefix="r8play-bench-hist-")
    try:
        r8play(home, ["wait idle"])	# creates the history
        db = os.path.join(home, ".local/share/r8play/history.db")
        con = sqlite3.connect(db)
        t0 = time.monotonic()
        with con:
            con.executemany(
                "INSERT INTO runs (target_kind, target, remote_id, model, "
                "input, status, created_at, predict_time, output, "
                "recorded) VALUES (0, 'https://api.replicate.com/v1', ?, "
                "?, ?, ?, ?, ?, ?, ?)",
                ((("p%07d" % i), MODELS[i % len(MODELS)],
                  json.dumps({"prompt": "bench prompt %d" % i, "seed": i}),
                  STATUSES[i % len(STATUSES)],
                  "2026-01-01T00:00:%02dZ" % (i % 60), 1.5,
                  json.dumps("output text %d" % i), 1700000000 + i)
                 for i in range(RUNS)))
        con.close()
        fill = (time.monotonic() - t0) * 1000
        base, _ = r8play(home, ["wait idle"])
        cases = [
            ("open (R)", ["key R"]),
            ("filter model:", ["key R", "key /",
                               "type model:openai/whisper", "key <Enter>"]),
            ("filter status:", ["key R", "key /", "type status:canceled",
                                "key <Enter>"]),
            ("filter text (one match)", ["key R", "key /",
                                         "type bench prompt 99999",
                                         "key <Enter>"]),
            ("filter text (all match)", ["key R", "key /", "type prompt",
                                         "key <Enter>"]),
            ("scroll to the end (G)", ["key R", "key G"]),
        ]
        rows = []
        for name, keys in cases:
            wall, out = r8play(home, ["wait idle"] + keys + ["dump s"])
            rows.append((name, query_ms(out.get("s")), wall - base))
        print("history screen, %d runs (rows inserted in %.0f ms)" %
              (RUNS, fill))
        print("| %-26s | %14s | %16s |" % ("case", "query ms", "r8play +ms"))
        print("|%s|%s|%s|" % ("-" * 28, "-" * 16, "-" * 18))
        for name, q, w in rows:
            print("| %-26s | %14s | %16.1f |" % (
                name, "%.1f" % q if q is not None else "-", w))
        out = os.environ.get("BENCH_SUMMARY")
        if out:
            with open(out, "a") as f:
                for name, q, w in rows:
                    if q is not None:
                        f.write("tui history %s (%dk runs)\t%.1f\t%.1f\t"
                                "%.1f\t-\t-\t-\t-\n" % (name, RUNS // 1000,
                                                       q, q, q))
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
