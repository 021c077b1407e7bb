"""tests/integration/test_history_import.py: `r8play predictions --import`
end to end against the fake Replicate API (tests/fakes/replicate.py) with
pages of two, the history in scratch R8PLAY_DATA_DIRs: every page followed
and every prediction recorded (model, version, input, output, status,
times, metrics), listed by `r8play history` in Replicate's order; a second
import that adds nothing; a changed prediction updated, never duplicated;
removed data recorded as such, not as an error; a 429 and a 500 on a later
page that end the import with a clear message and keep the pages before;
Ctrl-C; --limit; a history file of schema 1 migrated with its rows; the token
never stored or printed.
"""
import atexit
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, R8PLAY  # noqa: E402
import fakes  # noqa: E402

TOKEN = fakes.REPLICATE_TOKEN
REMOVED_ID = "pkxbuuzbosr4zo3ah5lx4lgy5e"   # seeded: failed, data_removed
OK_ID = "vgcm4plb7tgzlyznry5d5jkgvu"        # seeded: succeeded sdxl
ALL_OUTPUT = []


def run(args, data, extra_env=None):
    env = dict(os.environ)
    env["REPLICATE_API_TOKEN"] = TOKEN
    env["R8PLAY_CONFIG_DIR"] = CFG
    env["R8PLAY_DATA_DIR"] = data
    env.update(extra_env or {})
    p = subprocess.run([R8PLAY] + args, capture_output=True, env=env,
                       cwd=WORK, timeout=120)
    ALL_OUTPUT.append(p.stdout + p.stderr)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def rows_of(data):
    rc, out, err = run(["history", "--json"], data)
    try:
        return json.loads(out or "[]")
    except ValueError:
        return []


def listed(base):
    """The fake's own list, newest first, every page."""
    auth = {"Authorization": "Bearer " + TOKEN}
    url, items = base + "/v1/predictions", []
    while url:
        _, _, body = fakes.http_request("GET", url, headers=auth)
        page = json.loads(body)
        items += page["results"]
        url = page.get("next")
    return items


def db_count(data):
    con = sqlite3.connect(os.path.join(data, "history.db"))
    try:
        return con.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        con.close()


def test_import(base):
    api = ["--api-base", base + "/v1"]
    data = os.path.join(WORK, "data")
    want = listed(base)
    check(len(want) == 5, "fake: five seeded predictions", len(want))

    fakes.reset(base)
    rc, out, err = run(["predictions", "--import"] + api, data)
    check(rc == 0 and out == "5 imported, 0 updated, 0 skipped (3 pages)\n"
          and err == "", "import: says what it did", out + err)
    gets = [r for r in fakes.requests_log(base)
            if r["path"] == "/v1/predictions"]
    check(len(gets) == 3 and "cursor=" not in gets[0]["query"] and
          all("cursor=" in r["query"] for r in gets[1:]),
          "import: the first page, then each `next` page",
          [r["query"] for r in gets])
    rows = rows_of(data)
    check([r["prediction_id"] for r in rows] == [p["id"] for p in want],
          "history: the imported runs, newest first as Replicate lists",
          [r.get("prediction_id") for r in rows])
    by_id = {r["prediction_id"]: r for r in rows}
    for p in want:
        r = by_id.get(p["id"], {})
        check(r.get("model") == p["model"] and
              r.get("version") == p["version"] and
              r.get("status") == p["status"] and
              r.get("input") == p["input"] and
              r.get("output") == p["output"] and
              r.get("created_at") == p["created_at"] and
              r.get("completed_at") == p.get("completed_at") and
              r.get("target", {}).get("kind") == "replicate" and
              r.get("target", {}).get("url") == base + "/v1" and
              (r.get("metrics") or {}).get("predict_time") ==
              (p.get("metrics") or {}).get("predict_time"),
              "import %s: model, version, status, input, output, times, "
              "metrics" % p["id"], (r, p))
    check(by_id.get(REMOVED_ID, {}).get("data_removed") is True and
          all("data_removed" not in r for r in rows
              if r["prediction_id"] != REMOVED_ID),
          "import: removed data recorded as such, on that run only")
    rc, out, err = run(["history", "show", REMOVED_ID], data)
    check(rc == 0 and "data:         removed by Replicate" in out,
          "history show: says the data was removed", out)
    rc, out, err = run(["history"], data)
    lines = out.splitlines()
    check(rc == 0 and len(lines) == 5 and OK_ID in lines[2] and
          "stability-ai/sdxl" in lines[2] and "succeeded" in lines[2],
          "r8play history lists the imported runs", out)

    # again: nothing new
    rc, out, err = run(["predictions", "--import", "--json"] + api, data)
    j = json.loads(out or "{}")
    check(rc == 0 and j == {"imported": 0, "updated": 0, "skipped": 5,
                            "pages": 3, "complete": True},
          "import again: adds nothing (--json counts)", out + err)
    check(db_count(data) == 5, "import again: still five rows")

    # a prediction created now: imported while it runs, updated once done
    auth = {"Authorization": "Bearer " + TOKEN,
            "Content-Type": "application/json"}
    _, _, body = fakes.http_request("GET", base + "/v1/models/stability-ai/"
                                    "sdxl", headers=auth)
    ver = json.loads(body or b"{}").get("latest_version", {}).get("id")
    st, _, body = fakes.http_request(
        "POST", base + "/v1/predictions",
        body=json.dumps({"version": ver,
                         "input": {"prompt": "imported corgi"}}).encode(),
        headers=auth)
    pid = json.loads(body or b"{}").get("id", "?")
    rc, out, err = run(["predictions", "--import"] + api, data)
    check(rc == 0 and out.startswith("1 imported, 0 updated, 5 skipped"),
          "import: a new prediction added", out + err)
    first = [r for r in rows_of(data) if r["prediction_id"] == pid]
    check(len(first) == 1 and first[0]["status"] in ("starting",
                                                      "processing"),
          "import: recorded while it runs", first)
    for _ in range(200):
        _, _, body = fakes.http_request("GET", base + "/v1/predictions/" +
                                        pid, headers=auth)
        if json.loads(body).get("status") == "succeeded":
            break
        time.sleep(0.1)
    rc, out, err = run(["predictions", "--import"] + api, data)
    check(rc == 0 and out.startswith("0 imported, 1 updated, 5 skipped"),
          "import: the ended prediction updated", out + err)
    rows = rows_of(data)
    same = [r for r in rows if r["prediction_id"] == pid]
    check(len(rows) == 6 and len(same) == 1 and
          same[0]["status"] == "succeeded" and same[0]["output"] and
          same[0]["input"] == {"prompt": "imported corgi"} and
          same[0]["completed_at"],
          "import: updated in place, never duplicated", same)
    return data


def test_faults(base):
    """A later page that fails: a clear message, exit 1, the pages before
    it recorded; a later import completes it."""
    api = ["--api-base", base + "/v1"]
    fast = {"R8PLAY_RETRY_MS": "5"}
    fakes.reset(base)
    data = os.path.join(WORK, "data-429")
    fakes.set_faults(base, [{"path": "^/v1/predictions$", "query":
                             "cursor=", "kind": "429", "count": 20,
                             "retry_after": 0}])
    rc, out, err = run(["predictions", "--import"] + api, data, fast)
    check(rc == 1 and "page 2:" in err and "429" in err and
          "pages before it" in err and
          out == "2 imported, 0 updated, 0 skipped (1 page); incomplete\n",
          "429 on page 2: says which page and why, keeps page 1",
          out + err)
    check(len(rows_of(data)) == 2, "429 on page 2: two runs kept")
    fakes.reset(base)
    rc, out, err = run(["predictions", "--import"] + api, data)
    check(rc == 0 and out.startswith("3 imported, 0 updated, 2 skipped"),
          "after the 429: a new import completes the history", out + err)

    data = os.path.join(WORK, "data-500")
    fakes.set_faults(base, [{"path": "^/v1/predictions$", "query":
                             "cursor=", "kind": "500", "count": 20}])
    rc, out, err = run(["predictions", "--import"] + api, data, fast)
    check(rc == 1 and "page 2:" in err and "500" in err and
          "incomplete" in out, "500 on page 2: a clear message, exit 1",
          out + err)
    check(len(rows_of(data)) == 2, "500 on page 2: two runs kept")
    fakes.reset(base)

    # Ctrl-C while page 2 is on its way: the pages before it recorded
    data = os.path.join(WORK, "data-int")
    fakes.set_faults(base, [{"path": "^/v1/predictions$", "query":
                             "cursor=", "kind": "slow", "delay": 30}])
    env = dict(os.environ, REPLICATE_API_TOKEN=TOKEN, R8PLAY_CONFIG_DIR=CFG,
               R8PLAY_DATA_DIR=data)
    p = subprocess.Popen([R8PLAY, "predictions", "--import"] + api,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, cwd=WORK)
    for _ in range(600):
        if any("cursor=" in r["query"] for r in fakes.requests_log(base)
               if r["path"] == "/v1/predictions") or p.poll() is not None:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    out, err = out.decode(), err.decode()
    ALL_OUTPUT.append((out + err).encode())
    check(p.returncode == 130 and "page 2: interrupted" in err and
          out.startswith("2 imported") and len(rows_of(data)) == 2,
          "Ctrl-C on page 2: exit 130, page 1 recorded",
          (p.returncode, out, err))
    fakes.reset(base)

    data = os.path.join(WORK, "data-limit")
    rc, out, err = run(["predictions", "--import", "--limit", "3"] + api,
                       data)
    rows = rows_of(data)
    check(rc == 0 and out.startswith("3 imported") and
          "stopped at --limit" in out and len(rows) == 3,
          "--limit 3: the three newest", out + err)
    rc, out, err = run(["predictions", "--import", "--limit", "0"] + api,
                       data)
    check(rc == 2 and "--limit" in err, "--limit 0: usage", err)
    rc, out, err = run(["predictions", "--limit", "3"] + api, data)
    check(rc == 2 and "--import" in err, "--limit without --import: usage",
          err)


V1_SCHEMA = (
    "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " target_kind INTEGER NOT NULL DEFAULT 0, target TEXT, remote_id TEXT,"
    " model TEXT, version TEXT, input TEXT, status TEXT, created_at TEXT,"
    " started_at TEXT, completed_at TEXT, predict_time REAL, metrics TEXT,"
    " error TEXT, output TEXT, saved TEXT, output_dir TEXT, cost REAL,"
    " recorded INTEGER NOT NULL DEFAULT 0, logs TEXT)")


def test_migration(base):
    """A history of schema 1 (before data_removed) keeps its rows and
    takes an import."""
    data = os.path.join(WORK, "data-v1")
    os.makedirs(data)
    con = sqlite3.connect(os.path.join(data, "history.db"))
    con.execute(V1_SCHEMA)
    con.execute("INSERT INTO runs (target, remote_id, model, status) "
                "VALUES ('http://x/v1', 'old1', 'me/old', 'succeeded')")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    rc, out, err = run(["predictions", "--import", "--api-base",
                        base + "/v1"], data)
    rows = rows_of(data)
    check(rc == 0 and len(rows) == 6 and rows[-1]["model"] == "me/old",
          "schema 1: migrated, its row kept, the import added", out + err)
    con = sqlite3.connect(os.path.join(data, "history.db"))
    v = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    check(v == 3, "schema 1: now version 3", v)


def main():
    global WORK, CFG
    WORK = tempfile.mkdtemp(prefix="r8play-import.")
    CFG = tempfile.mkdtemp(prefix="r8play-cfg.")
    for d in (WORK, CFG):
        atexit.register(shutil.rmtree, d, True)
    proc, base = fakes.start_replicate("--page-size", "2", "--speed", "4",
                                       "--quiet")
    try:
        data = test_import(base)
        test_faults(base)
        test_migration(base)
        check(TOKEN.encode() not in open(os.path.join(data, "history.db"),
                                         "rb").read(),
              "import: no token stored")
    finally:
        fakes.stop(proc)
    leaked = [o for o in ALL_OUTPUT if TOKEN.encode() in o]
    check(not leaked and len(ALL_OUTPUT) > 10,
          "the token appears in none of %d outputs" % len(ALL_OUTPUT))
    summary()


if __name__ == "__main__":
    main()
