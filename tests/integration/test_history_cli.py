"""tests/integration/test_history_cli.py: `r8play get`, `r8play history` and
`r8play history show` end to end against the fake Replicate API
(tests/fakes/replicate.py), with the history in a scratch R8PLAY_DATA_DIR:
a succeeded prediction fetched, its outputs saved and recorded; a failed one;
an in-flight one fetched twice (updated, never duplicated); filters, limits,
--json; the token never stored or printed; and a damaged or newer history
file reported clearly, left byte for byte, with `get` still saving.
"""
import atexit
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, R8PLAY, FIXTURES  # noqa: E402
import fakes  # noqa: E402

TOKEN = fakes.REPLICATE_TOKEN
SDXL_PNG = os.path.join(FIXTURES, "images", "sdxl-corgi-512.png")
OK_ID = "vgcm4plb7tgzlyznry5d5jkgvu"        # seeded: succeeded sdxl
OK_MODEL = "stability-ai/sdxl"
FAILED_ID = "3os2v7z63zdrpp2gcaxlfzjo3a"    # seeded: failed
ALL_OUTPUT = []


def run(args, data, cwd):
    env = dict(os.environ)
    env["REPLICATE_API_TOKEN"] = TOKEN
    env["R8PLAY_CONFIG_DIR"] = CFG
    env["R8PLAY_DATA_DIR"] = data
    p = subprocess.run([R8PLAY] + args, capture_output=True, env=env,
                       cwd=cwd, timeout=60)
    ALL_OUTPUT.append(p.stdout + p.stderr)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def same_bytes(a, b):
    try:
        with open(a, "rb") as x, open(b, "rb") as y:
            return x.read() == y.read()
    except OSError:
        return False


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def db_bytes(data):
    out = b""
    for suffix in ("", "-wal"):
        p = os.path.join(data, "history.db" + suffix)
        if os.path.exists(p):
            out += read_bytes(p)
    return out


def test_get_and_history(base):
    api = ["--api-base", base + "/v1"]
    data = os.path.join(WORK, "data")
    d = tempfile.mkdtemp(dir=WORK)

    rc, out, err = run(["history"], data, d)
    check(rc == 0 and out == "" and "no runs recorded yet" in err,
          "history: empty at first", err)
    rc, out, err = run(["history", "--json"], data, d)
    check(rc == 0 and json.loads(out or "null") == [], "history --json: []",
          out)

    # a succeeded prediction: outputs saved, run.json, recorded
    rc, out, err = run(["get", OK_ID] + api, data, d)
    folder = os.path.join(d, OK_ID)
    check(rc == 0 and out.strip() == "./%s/out-0.png" % OK_ID,
          "get: prints the saved path", out + err)
    check(same_bytes(os.path.join(folder, "out-0.png"), SDXL_PNG),
          "get: output byte-identical to what the fake served")
    check("recorded as run 1" in err, "get: says which run it is", err)
    rj = load_json(os.path.join(folder, "run.json")) or {}
    check(rj.get("id") == OK_ID and rj.get("status") == "succeeded" and
          rj.get("model") == "stability-ai/sdxl" and
          rj.get("target", {}).get("kind") == "replicate" and
          rj.get("target", {}).get("url") == base + "/v1",
          "get: run.json id, status, model, target", rj)
    check(rj.get("output") == ["./%s/out-0.png" % OK_ID] and
          rj.get("files") == ["./%s/out-0.png" % OK_ID] and
          rj.get("output_shape") == "files",
          "get: run.json output holds the local path", rj.get("output"))
    check(isinstance(rj.get("input"), dict) and rj["input"].get("prompt"),
          "get: run.json input", rj.get("input"))
    check(isinstance(rj.get("metrics"), dict) and
          rj.get("predict_time") == rj["metrics"].get("predict_time"),
          "get: run.json metrics and predict time", rj.get("metrics"))
    check(load_json(os.path.join(folder, "output.json")) ==
          ["./%s/out-0.png" % OK_ID], "get: output.json (a list of files)")
    check(not os.path.exists(os.path.join(folder, "output.txt")),
          "get: no output.txt for files alone")

    # a failed one into --output-dir
    od = os.path.join(d, "failed")
    rc, out, err = run(["get", FAILED_ID, "--output-dir", od] + api, data, d)
    rj = load_json(os.path.join(od, "run.json")) or {}
    check(rc == 0 and rj.get("status") == "failed" and rj.get("error") and
          rj.get("output") is None, "get failed: run.json status and error",
          err + json.dumps(rj)[:300])
    check("error:" in out, "get failed: error printed", out)

    # in flight: a prediction still starting, fetched again once it ended
    auth = {"Authorization": "Bearer " + TOKEN}
    _, _, body = fakes.http_request("GET", base + "/v1/models/stability-ai/"
                                    "sdxl", headers=auth)
    ver = json.loads(body or b"{}").get("latest_version", {}).get("id")
    st, _, body = fakes.http_request(
        "POST", base + "/v1/predictions",
        body=json.dumps({"version": ver,
                         "input": {"prompt": "history corgi"}}).encode(),
        headers=dict(auth, **{"Content-Type": "application/json"}))
    pid = json.loads(body or b"{}").get("id", "?")
    check(st == 201, "fake: prediction created", body[:200])
    rc, out, err = run(["get", pid] + api, data, d)
    rc, out, err = run(["history", "--json"], data, d)
    rows = json.loads(out or "[]")
    first = [r for r in rows if r.get("prediction_id") == pid]
    check(len(first) == 1 and first[0]["status"] in ("starting",
                                                      "processing"),
          "get in flight: recorded as starting/processing",
          [(r.get("prediction_id"), r.get("status")) for r in rows])
    for _ in range(120):
        _, _, body = fakes.http_request(
            "GET", base + "/v1/predictions/" + pid,
            headers={"Authorization": "Bearer " + TOKEN})
        if json.loads(body).get("status") == "succeeded":
            break
        time.sleep(0.25)
    rc, out, err = run(["get", pid] + api, data, d)
    rc, out, err = run(["history", "--json"], data, d)
    rows = json.loads(out or "[]")
    same = [r for r in rows if r.get("prediction_id") == pid]
    check(len(rows) == 3 and len(same) == 1 and
          same[0]["status"] == "succeeded" and same[0]["files"] and
          same[0]["input"] == {"prompt": "history corgi"},
          "get again: the same run updated, not duplicated",
          [(r.get("prediction_id"), r.get("status")) for r in rows])
    # newest created first: the one made now, then the two seeded ones
    # (created in 2023, August then March), whatever order they came in
    check([r["id"] for r in rows] == [3, 1, 2],
          "history: newest created first", [r["id"] for r in rows])

    # the list, filters and show
    rc, out, err = run(["history"], data, d)
    lines = out.splitlines()
    check(rc == 0 and len(lines) == 3 and OK_ID in lines[1] and
          "stability-ai/sdxl" in lines[1] and "succeeded" in lines[1] and
          "2023-08-16 18:57" in lines[1] and FAILED_ID in lines[2],
          "history: one line a run", out)
    rc, out, err = run(["history", "--status", "failed"], data, d)
    check(rc == 0 and len(out.splitlines()) == 1 and FAILED_ID in out,
          "history --status failed", out)
    rc, out, err = run(["history", "--limit", "1", "--json"], data, d)
    check(rc == 0 and len(json.loads(out or "[]")) == 1, "history --limit")
    rc, out, err = run(["history", "--model", "stability-ai/sdxl"], data, d)
    check(rc == 0 and len(out.splitlines()) == 2, "history --model", out)
    rc, out, err = run(["history", "--search", "history corgi"], data, d)
    check(rc == 0 and len(out.splitlines()) == 1 and pid in out,
          "history --search finds text in the input", out)
    rc, out, err = run(["history", "--target", "server"], data, d)
    check(rc == 0 and out == "", "history --target server: none", out)
    rc, out, err = run(["history", "--limit", "x"], data, d)
    check(rc == 2 and "usage:" in err, "history --limit x: usage", err)

    rc, out, err = run(["history", "show", "1"], data, d)
    check(rc == 0 and "prediction:   %s" % OK_ID in out and
          "status:       succeeded" in out and "input:\n  " in out and
          "output:\n  ./%s/out-0.png" % OK_ID in out,
          "history show: labelled fields", out)
    rc, out, err = run(["history", "show", FAILED_ID, "--json"], data, d)
    j = json.loads(out or "{}")
    check(rc == 0 and j.get("id") == 2 and j.get("status") == "failed" and
          j.get("output_dir") == od, "history show PREDICTION_ID --json", out)
    rc, out, err = run(["history", "show", "99"], data, d)
    check(rc == 1 and "no run 99" in err, "history show: unknown id", err)

    rc, out, err = run(["get", "nosuchprediction"] + api, data, d)
    check(rc == 1 and "nosuchprediction" in err, "get: unknown id fails",
          err)

    check(TOKEN.encode() not in db_bytes(data), "history: no token stored")
    return data


def test_refused(base, data):
    api = ["--api-base", base + "/v1"]
    d = tempfile.mkdtemp(dir=WORK)
    bad = os.path.join(WORK, "bad")
    os.makedirs(bad)
    path = os.path.join(bad, "history.db")
    with open(path, "wb") as f:
        f.write(bytes((i * 7 + 3) & 0xff for i in range(8192)))
    before = read_bytes(path)
    rc, out, err = run(["history"], bad, d)
    check(rc == 1 and "damaged" in err and "left as it is" in err,
          "damaged history: a clear message", err)
    rc, out, err = run(["get", OK_ID] + api, bad, d)
    check(rc == 0 and os.path.exists(os.path.join(d, OK_ID, "run.json")) and
          "damaged" in err, "damaged history: get still saves the run", err)
    check(read_bytes(path) == before and
          not os.path.exists(path + "-wal"),
          "damaged history: the file is untouched")

    newer = os.path.join(WORK, "newer")
    os.makedirs(newer)
    path = os.path.join(newer, "history.db")
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, future TEXT)")
    con.execute("INSERT INTO runs (future) VALUES ('kept')")
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    before = read_bytes(path)
    rc, out, err = run(["history"], newer, d)
    check(rc == 1 and "newer r8play" in err and "schema 99" in err,
          "newer history: a clear message", err)
    rc, out, err = run(["get", FAILED_ID, "--output-dir",
                        os.path.join(d, "n")] + api, newer, d)
    check(rc == 0 and "newer r8play" in err, "newer history: get goes on",
          err)
    check(read_bytes(path) == before, "newer history: the file is untouched")


def test_run_records(base):
    """`r8play run` (remote and --local) records its run: a history row
    and run.json beside the outputs; a text output saved as output.txt."""
    data = os.path.join(WORK, "data-run")
    d = tempfile.mkdtemp(dir=WORK)
    od = os.path.join(d, "outs")
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=recorded",
                        "--output-dir", od, "--api-base", base + "/v1"],
                       data, d)
    rc2, hout, herr = run(["history", "--json"], data, d)
    rows = json.loads(hout or "[]")
    check(rc == 0 and len(rows) == 1 and
          rows[0]["model"] == "stability-ai/sdxl" and
          rows[0]["status"] == "succeeded" and
          rows[0]["input"].get("prompt") == "recorded" and
          rows[0]["files"] == [os.path.join(od, "out-0.png")] and
          rows[0]["output"] == [os.path.join(od, "out-0.png")] and
          rows[0]["target"]["kind"] == "replicate",
          "run: recorded in the history", (err, hout[:500]))
    rj = load_json(os.path.join(od, "run.json")) or {}
    check(rj.get("status") == "succeeded" and
          rj.get("id") == rows[0].get("prediction_id") if rows else False,
          "run: run.json beside the outputs", rj)

    proc, cbase = fakes.start_cog("--setup-seconds", "0.1",
                                  predictor="text")
    try:
        fakes.wait_cog_health(cbase, "READY", 10)
        lo = os.path.join(d, "local")
        rc, out, err = run(["run", "--local", cbase, "-i", "prompt=hello",
                            "--output-dir", lo], data, d)
        rc2, hout, herr = run(["history", "--target", "server", "--json"],
                              data, d)
        rows = json.loads(hout or "[]")
        check(rc == 0 and len(rows) == 1 and rows[0]["status"] ==
              "succeeded" and rows[0]["target"]["url"] == cbase,
              "run --local: recorded with its server", (err, hout[:300]))
        txt = ""
        try:
            with open(os.path.join(lo, "output.txt")) as f:
                txt = f.read()
        except OSError:
            pass
        check(txt.strip() and txt.strip() in out,
              "run --local: the text output saved as output.txt",
              (txt, out))
    finally:
        fakes.stop(proc)
    check(TOKEN.encode() not in db_bytes(data), "run: no token stored")


def history_rows(data, d, *extra):
    rc, out, err = run(["history", "--json"] + list(extra), data, d)
    try:
        return json.loads(out or "[]")
    except ValueError:
        return []


def test_run_lifecycle(base):
    """A run is in the history from its creation on, updated on each state
    change (not only at its end), remote and --local; a failed --local run
    is recorded too, also when the server refused it outright."""
    d = tempfile.mkdtemp(dir=WORK)
    # remote: the fake runs 4 s; the row is there while it runs
    data = os.path.join(WORK, "data-life")
    env = dict(os.environ, REPLICATE_API_TOKEN=TOKEN, R8PLAY_CONFIG_DIR=CFG,
               R8PLAY_DATA_DIR=data)
    p = subprocess.Popen([R8PLAY, "run", "stability-ai/sdxl", "-i",
                          "prompt=lifecycle", "--output-dir",
                          os.path.join(d, "o1"), "--api-base", base + "/v1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, cwd=d)
    seen = set()
    deadline = time.time() + 60
    while p.poll() is None and time.time() < deadline:
        for r in history_rows(data, d):
            seen.add(r.get("status"))
        time.sleep(0.1)
    out, err = p.communicate(timeout=60)
    ALL_OUTPUT.append(out + err)
    rows = history_rows(data, d)
    check(p.returncode == 0 and len(rows) == 1 and
          rows[0]["status"] == "succeeded",
          "run: one row, succeeded at the end", (err[-300:], rows))
    check(seen & {"starting", "processing"},
          "run: the row exists (not yet succeeded) while the run goes on",
          seen)
    # --local: the same while the server yields tokens
    proc, cbase = fakes.start_cog("--setup-seconds", "0.1",
                                  predictor="tokens")
    try:
        fakes.wait_cog_health(cbase, "READY", 10)
        data = os.path.join(WORK, "data-life-local")
        env["R8PLAY_DATA_DIR"] = data
        p = subprocess.Popen([R8PLAY, "run", "--local", cbase, "-i",
                              "count=15", "-i", "delay=0.2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env, cwd=d)
        seen = set()
        deadline = time.time() + 60
        while p.poll() is None and time.time() < deadline:
            for r in history_rows(data, d):
                seen.add(r.get("status"))
            time.sleep(0.1)
        out, err = p.communicate(timeout=60)
        rows = history_rows(data, d)
        check(p.returncode == 0 and len(rows) == 1 and
              rows[0]["status"] == "succeeded" and
              rows[0]["target"]["url"] == cbase,
              "run --local: one row, succeeded at the end",
              (err[-300:], rows))
        check(seen & {"starting", "processing"},
              "run --local: the row exists while the run goes on", seen)
    finally:
        fakes.stop(proc)
    # --local, failed: by the model, and refused by the server
    proc, cbase = fakes.start_cog("--setup-seconds", "0.1",
                                  predictor="predict-error")
    try:
        fakes.wait_cog_health(cbase, "READY", 10)
        data = os.path.join(WORK, "data-life-fail")
        rc, out, err = run(["run", "--local", cbase, "-i", "prompt=boom",
                            "-i", "fail=true"], data, d)
        rows = history_rows(data, d)
        check(rc == 1 and len(rows) == 1 and rows[0]["status"] == "failed"
              and "went wrong" in (rows[0].get("error") or ""),
              "run --local failed: recorded with its error", (err, rows))
        rc, out, err = run(["run", "--local", cbase, "--no-schema", "-i",
                            "prompt=x", "-i", "fail=notabool"], data, d)
        rows = history_rows(data, d)
        check(rc != 0 and len(rows) == 2 and rows[0]["status"] == "failed"
              and rows[0].get("error") and
              (rows[0].get("input") or {}).get("fail") == "notabool",
              "run --local refused by the server: recorded as failed",
              (rc, err, rows[:1]))
    finally:
        fakes.stop(proc)


def test_import_order(base):
    """Runs list newest created first whatever their source: a local run,
    then an import of predictions created before it, then another local
    run: both local runs above every imported one (which keep Replicate's
    newest-first order), though the import was recorded after the first."""
    data = os.path.join(WORK, "data-order")
    d = tempfile.mkdtemp(dir=WORK)
    proc, cbase = fakes.start_cog("--setup-seconds", "0.1",
                                  predictor="text")
    try:
        fakes.wait_cog_health(cbase, "READY", 10)
        rc1, _, err1 = run(["run", "--local", cbase, "-i", "prompt=first",
                            "--output-dir", os.path.join(d, "l1")], data, d)
        rc2, out2, err2 = run(["predictions", "--import", "--api-base",
                               base + "/v1"], data, d)
        rc3, _, err3 = run(["run", "--local", cbase, "-i", "prompt=second",
                            "--output-dir", os.path.join(d, "l2")], data, d)
    finally:
        fakes.stop(proc)
    check(rc1 == 0 and rc2 == 0 and rc3 == 0 and "imported" in out2,
          "order: two local runs around an import", err1 + out2 + err2 + err3)
    rows = history_rows(data, d)
    kinds = [r["target"]["kind"] for r in rows]
    imported = [r for r in rows if r["target"]["kind"] == "replicate"]
    created = [r["created_at"] for r in imported]
    check(len(rows) >= 4 and kinds[:2] == ["server", "server"] and
          all(k == "replicate" for k in kinds[2:]) and
          [r["input"].get("prompt") for r in rows[:2]] ==
          ["second", "first"] and rows[1]["id"] < imported[0]["id"],
          "order: the local runs first, newest first, then the import",
          [(r["id"], r["target"]["kind"], r.get("created_at"))
           for r in rows])
    check(all(c is not None for c in created) and
          created == sorted(created, reverse=True),
          "order: the imported runs newest created first", created)
    rc, out, err = run(["history"], data, d)
    lines = out.splitlines()
    check(rc == 0 and len(lines) == len(rows) and
          lines[0].split()[0] == str(rows[0]["id"]) and "server" in lines[0]
          and "server" in lines[1] and "replicate" in lines[2],
          "order: `r8play history` lists the local runs first", out)
    rc, out, err = run(["history", "--model", OK_MODEL, "--json"], data, d)
    ids = [r["id"] for r in json.loads(out or "[]")]
    check(rc == 0 and ids and ids == [r["id"] for r in imported
                                      if r["model"] == OK_MODEL],
          "order: a model's runs in the same order", ids)


def main():
    global WORK, CFG
    WORK = tempfile.mkdtemp(prefix="r8play-hist.")
    CFG = tempfile.mkdtemp(prefix="r8play-cfg.")
    for d in (WORK, CFG):
        atexit.register(shutil.rmtree, d, True)
    # slow runs (4 s): the in-flight case must see one still running
    proc, base = fakes.start_replicate("--speed", "0.5", "--quiet")
    try:
        data = test_get_and_history(base)
        test_refused(base, data)
        test_run_records(base)
        test_run_lifecycle(base)
        test_import_order(base)
    finally:
        fakes.stop(proc)
    leaked = [o for o in ALL_OUTPUT if TOKEN.encode() in o]
    check(not leaked and len(ALL_OUTPUT) > 10,
          "the token appears in none of %d outputs" % len(ALL_OUTPUT))
    summary()


if __name__ == "__main__":
    main()
