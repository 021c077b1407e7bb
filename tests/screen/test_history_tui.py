"""tests/screen/test_history_tui.py: the TUI's runs in the history database,
across restarts, through r8play's --script mode and the fake Replicate API.

 - a run from the playground is recorded (row, saved paths, run.json) and
   the token is nowhere in the database;
 - the next r8play lists it (R), opens it with its image from disk
   (Enter), loads its input back into the form (e), and the model's form
   comes back with the last run's values when reopened;
 - a run still in flight when r8play quit is followed again on the next
   start and its outputs are saved when it ends;
 - a damaged history file: one clear message, the file untouched, r8play
   runs on;
 - the run strip follows the selected run (run #12 does not show #1).
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
from t import check, summary, R8PLAY  # noqa: E402
import fakes  # noqa: E402


def run_script(home, lines, args, size="80x24", extra_env=None):
    """Run r8play --script in home (cwd too); returns (rc, dumps, stderr)."""
    script = os.path.join(home, "case.keys")
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    dumps = os.path.join(home, "dumps")
    shutil.rmtree(dumps, ignore_errors=True)
    os.makedirs(dumps)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "TERM": "xterm-256color",
        "R8PLAY_CLOCK": "0",
        "R8PLAY_CONFIG_DIR": os.path.join(home, "config"),
        "REPLICATE_API_TOKEN": fakes.REPLICATE_TOKEN,
    }
    env.update(extra_env or {})
    os.makedirs(env["R8PLAY_CONFIG_DIR"], exist_ok=True)
    r = subprocess.run([R8PLAY, "--script", script, "--dump-dir", dumps,
                        "--size", size] + args, env=env, cwd=home,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=120)
    out = {}
    for p in glob.glob(os.path.join(dumps, "*.screen")):
        with open(p, encoding="utf-8", errors="replace") as f:
            out[os.path.basename(p).split(".")[0]] = f.read()
    return r.returncode, out, r.stderr.decode("utf-8", "replace")


def db_rows(home):
    path = os.path.join(home, ".local/share/r8play/history.db")
    if not os.path.exists(path):
        return []
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(
            "SELECT * FROM runs ORDER BY id")]
    finally:
        con.close()


def db_text(home):
    out = b""
    for p in glob.glob(os.path.join(home, ".local/share/r8play/history.db*")):
        with open(p, "rb") as f:
            out += f.read()
    return out


def test_record_and_reopen(api):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        args = ["--api-base", api + "/v1", "stability-ai/sdxl"]
        rc, d, err = run_script(home, ["wait idle", "key <C-r>",
                                       "wait idle", "dump run"], args)
        check(rc == 0, "first r8play ran a run", err[-400:])
        rows = db_rows(home)
        check(len(rows) == 1, "one row in the history", rows)
        if not rows:
            return
        row = rows[0]
        check(row.get("model") == "stability-ai/sdxl" and
              row.get("status") == "succeeded",
              "the row: model and final status", row)
        saved = json.loads(row.get("saved") or "[]")
        check(len(saved) == 1 and saved[0].endswith("out-0.png"),
              "the row names the saved image", saved)
        check(row.get("output_dir") and os.path.exists(os.path.join(
            home, row["output_dir"], "run.json")),
            "run.json beside the saved image", row.get("output_dir"))
        check(fakes.REPLICATE_TOKEN.encode() not in db_text(home),
              "the API token is nowhere in the history file")

        rc, d, err = run_script(home, [
            "wait idle", "key R", "dump list", "key <Enter>", "wait idle",
            "dump past", "key <Esc>", "dump back", "key <Enter>",
            "wait idle", "key e", "wait idle", "dump form"], args)
        check(rc == 0, "second r8play ran", err[-400:])
        lst = d.get("list", "")
        check("history" in lst and "stability-ai/sdxl" in lst and
              "succeeded" in lst and "1 run" in lst,
              "R lists the past run", lst)
        past = d.get("past", "")
        check("run #1" in past and "saved 1 file" in past and
              "out-0.png" in past, "Enter opens it with its saved file",
              past)
        check("\u2580" in past, "its image drawn from disk", past)
        back = d.get("back", "")
        check("history" in back and "1 run" in back,
              "Esc from a run opened in the list goes back to the list",
              back)
        form = d.get("form", "")
        check("Playground" in form or "prompt" in form,
              "e shows the model's form", form)
        check("input" in form and "set" in form,
              "e says the input was loaded", form)
        rows = db_rows(home)
        check(len(rows) == 1, "opening a past run adds no row", len(rows))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_form_restored(api):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        args = ["--api-base", api + "/v1", "stability-ai/sdxl"]
        rc, d, err = run_script(home, [
            "wait idle", "key <Enter>", "key <C-u>", "type a red fox",
            "key <Enter>", "key <C-r>", "wait idle"], args)
        check(rc == 0, "a run with a typed prompt", err[-400:])
        rc, d, err = run_script(home, ["wait idle", "dump form"], args)
        form = d.get("form", "")
        check("a red fox" in form,
              "reopened later: the form has the last run's prompt", form)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_resume(api_slow):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        args = ["--api-base", api_slow + "/v1", "stability-ai/sdxl"]
        rc, d, err = run_script(home, [
            "wait idle", "key <C-r>", "wait text processing", "key q",
            "key y"], args)
        rows = db_rows(home)
        check(len(rows) == 1 and rows[0].get("status") in
              ("starting", "processing") and rows[0].get("remote_id"),
              "quit mid-run: the row is still in flight", rows)
        rc, d, err = run_script(home, ["wait idle", "dump resumed"], args)
        check(rc == 0, "the next start ran", err[-400:])
        rows = db_rows(home)
        check(len(rows) == 1 and rows[0].get("status") == "succeeded",
              "the next start followed it to its end", rows)
        saved = json.loads((rows[0].get("saved") if rows else None)
                           or "[]")
        check(len(saved) == 1 and os.path.exists(os.path.join(
            home, saved[0])), "and saved its output", rows)
        check("succeeded" in d.get("resumed", ""),
              "the resumed run is shown", d.get("resumed", ""))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_damaged(api):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        dbdir = os.path.join(home, ".local/share/r8play")
        os.makedirs(dbdir)
        junk = b"this is not a database\n" * 100
        with open(os.path.join(dbdir, "history.db"), "wb") as f:
            f.write(junk)
        args = ["--api-base", api + "/v1", "stability-ai/sdxl"]
        rc, d, err = run_script(home, [
            "dump start", "wait idle", "key <C-r>", "wait idle",
            "dump run"], args)
        check(rc == 0, "a damaged history: r8play still runs", err[-400:])
        start = d.get("start", "")
        check("history off" in start and "damaged" in start,
              "one clear message about the history", start)
        check("succeeded" in d.get("run", ""), "the run still works",
              d.get("run", ""))
        with open(os.path.join(dbdir, "history.db"), "rb") as f:
            check(f.read() == junk, "the damaged file is left untouched")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_strip(api):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        args = ["--api-base", api + "/v1", "stability-ai/sdxl"]
        steps = ["wait idle"]
        steps += ["key <C-r>", "wait idle"]
        for _ in range(11):
            steps += ["key r", "wait idle"]
        steps += ["dump twelve"]
        rc, d, err = run_script(home, steps, args)
        scr = d.get("twelve", "").splitlines()
        strip = scr[1] if len(scr) > 1 else ""
        check("#12" in strip and "#1 " not in strip,
              "run #12: the strip shows it, not #1", strip)
        rows = db_rows(home)
        check(len(rows) == 12, "twelve rows in the history", len(rows))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def seed(home, rows):
    """Create the history (one bare r8play start) and add rows: dicts of
    runs columns."""
    run_script(home, ["wait idle"], ["--api-base", "http://127.0.0.1:9/v1"])
    con = sqlite3.connect(os.path.join(home,
                                       ".local/share/r8play/history.db"))
    with con:
        for r in rows:
            cols = ", ".join(r)
            con.execute("INSERT INTO runs (%s) VALUES (%s)" % (
                cols, ", ".join("?" * len(r))), list(r.values()))
    con.close()


def test_multi_image(api):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        # the form comes back with the newest run's input: 3 outputs
        seed(home, [{"target_kind": 0, "target": api + "/v1",
                     "model": "stability-ai/sdxl", "status": "succeeded",
                     "input": json.dumps({"prompt": "three foxes",
                                          "num_outputs": 3}),
                     "created_at": "2026-01-02T03:04:05Z"}])
        args = ["--api-base", api + "/v1", "stability-ai/sdxl"]
        rc, d, err = run_script(home, [
            "wait idle", "dump form", "key <C-r>", "wait idle", "dump one",
            "key n", "dump two", "key p", "key p", "dump three",
            "key f", "dump full", "key f", "key o", "dump opened"], args)
        check(rc == 0, "a three-image run", err[-400:])
        check("three foxes" in d.get("form", ""),
              "the form restored from the history", d.get("form", ""))
        one, two = d.get("one", ""), d.get("two", "")
        check("saved 3 files" in one and "image 1/3" in one,
              "the run shows image 1/3", one)
        check("image 2/3" in two and "\u2580" in two, "n: image 2/3", two)
        check("image 3/3" in d.get("three", ""), "p wraps to 3/3",
              d.get("three", ""))
        full = d.get("full", "")
        check("f: back" in full and "predict" not in full,
              "f: the output pane fills the view", full)
        check("no display" in d.get("opened", "") and
              "out-2.png" in d.get("opened", ""),
              "o without a display: the path is copied",
              d.get("opened", ""))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_history_filter(api):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        rows = []
        for i in range(40):
            rows.append({
                "target_kind": 1 if i % 5 == 0 else 0,
                "target": "http://127.0.0.1:5000" if i % 5 == 0 else
                api + "/v1",
                "model": ["stability-ai/sdxl", "meta/llama"][i % 2],
                "status": "failed" if i % 4 == 0 else "succeeded",
                "input": json.dumps({"prompt": "row %d" % i}),
                "created_at": "2026-01-02T03:%02d:00Z" % i})
        seed(home, rows)
        args = ["--api-base", api + "/v1"]
        rc, d, err = run_script(home, [
            "wait idle", "key R", "dump all", "key /",
            "type status:failed model:meta/llama", "key <Enter>",
            "dump failed", "key /", "key <C-u>", "type row 39",
            "key <Enter>", "dump text", "key /", "key <C-u>",
            "type target:server", "key <Enter>", "dump server",
            "key / <C-u> <Enter>", "key <Space> <Space> d", "dump marked"],
            args, size="100x30")
        check(rc == 0, "the history screen ran", err[-400:])
        a = d.get("all", "")
        check("40 runs" in a, "40 runs listed", a)
        lines = [ln for ln in a.splitlines() if "row " in ln]
        check(lines and "row 39" in lines[0], "newest first", lines[:2])
        f = d.get("failed", "")
        check("10 runs match" in f or "0 runs match" in f,
              "status and model filter", f)
        # i % 4 == 0 and i % 2 == 1 never meet: none
        check("0 runs match" in f and "no run matches" in f,
              "failed llama runs: none", f)
        t = d.get("text", "")
        check("1 run match" in t and "row 39" in t, "text filter", t)
        sv = d.get("server", "")
        check("8 runs match" in sv, "target kind filter", sv)
        m = d.get("marked", "")
        # d on two marked past runs: both loaded from the database, side
        # by side in the compare view, with their input diff
        check("compare #" in m and "inputs:" in m and "differs" in m,
              "two marked runs, d compares them", m)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_local(cog):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        rc, d, err = run_script(home, [
            "wait idle", "key <Enter>", "key <C-u>", "type a text run",
            "key <Enter>", "key <C-r>", "wait idle", "dump run"],
            ["--local", cog])
        check(rc == 0, "a local text run", err[-400:])
        rows = db_rows(home)
        check(len(rows) == 1 and rows[0].get("target_kind") == 1 and
              rows[0].get("target") == cog and
              rows[0].get("status") == "succeeded",
              "recorded as a run on the server", rows)
        if rows:
            out_dir = rows[0].get("output_dir") or ""
            check(os.path.exists(os.path.join(home, out_dir, "output.txt"))
                  and os.path.exists(os.path.join(home, out_dir,
                                                  "run.json")),
                  "its text saved as output.txt with run.json", out_dir)
        run = d.get("run", "")
        check("output" in run and "\u2026" not in run.split("logs")[0],
              "the text shown, not cut", run)
        # e in the history: the run (named host:port) finds its server
        # in this session, and its input goes back into the form
        rc, d, err = run_script(home, [
            "wait idle", "key R", "wait idle", "dump list", "key e",
            "wait idle", "dump form"], ["--local", cog])
        # a Cog server sends no created_at: the row shows when the run
        # started, in the time column like every other row
        row = [ln for ln in d.get("list", "").splitlines()
               if "succeeded" in ln]
        check(len(row) == 1 and re.match(
            r"^ +1 +\d{4}-\d\d-\d\d \d\d:\d\d +succeeded ", row[0]),
            "history list: a local run's row has its time", row)
        form = d.get("form", "")
        check(rc == 0 and "not a server of this session" not in form and
              "a text run" in form and "input is in the form" in form,
              "history e: a local run's input back in its form", form)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_form_kept(api):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        args = ["--api-base", api + "/v1"]
        rc, d, err = run_script(home, [
            "wait idle", "key /", "type sdxl-mri", "key <Enter>",
            "key <Enter>", "wait idle", "key <Enter>", "key <C-u>",
            "type kept value", "key <Enter>", "key <Esc>", "wait idle",
            "dump explorer", "key <Enter>", "wait idle", "dump reopened"],
            args)
        r = d.get("reopened", "")
        check("sdxl-mri" in r and "kept value" in r,
              "leaving and reopening a model keeps its form", r)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_opener(api):
    home = tempfile.mkdtemp(prefix="r8play-hist-")
    try:
        opener = os.path.join(home, "opener.sh")
        with open(opener, "w") as f:
            f.write("#!/bin/sh\necho \"$1\" > \"$HOME/opened\"\n")
        os.chmod(opener, 0o755)
        args = ["--api-base", api + "/v1", "stability-ai/sdxl"]
        rc, d, err = run_script(home, [
            "wait idle", "key <C-r>", "wait idle", "key o", "sleep-ms 300",
            "dump opened"], args, extra_env={"DISPLAY": ":99",
                                            "OPENER": opener})
        got = ""
        for _ in range(50):
            if os.path.exists(os.path.join(home, "opened")):
                with open(os.path.join(home, "opened")) as f:
                    got = f.read()
                if got:
                    break
            time.sleep(0.1)
        check(got.strip().endswith("out-0.png"),
              "o with a display: $OPENER gets the image's path", got)
        check("opened with" in d.get("opened", ""), "and says so",
              d.get("opened", ""))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    p, api = fakes.start_replicate("--quiet", "--speed", "8")
    ps, api_slow = fakes.start_replicate("--quiet", "--speed", "0.5")
    pc, cog = fakes.start_cog("--quiet", "--speed", "8",
                              "--setup-seconds", "0.1", predictor="text")
    try:
        fakes.wait_cog_health(cog)
        test_local(cog)
        test_form_kept(api)
        test_opener(api)
        test_record_and_reopen(api)
        test_form_restored(api)
        test_damaged(api)
        test_strip(api)
        test_multi_image(api)
        test_history_filter(api)
        test_resume(api_slow)
    finally:
        fakes.stop(p)
        fakes.stop(ps)
        fakes.stop(pc)
    summary()


if __name__ == "__main__":
    main()
