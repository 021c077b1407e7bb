#!/usr/bin/env python3
"""tests/integration/test_cost_cli.py: `r8play cost` end to end: the tier
table, --json (parsed), batch, sweep, deployment, the user's prices file,
the model lookup against the fake Replicate API, and the error paths.
Expected figures come from tests/fixtures/replicate/PRICING.md and
hardware_prices.json, never from the binary."""
import atexit
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from t import check, summary, R8PLAY, FIXTURES  # noqa: E402
import fakes  # noqa: E402

PRICES = json.load(open(os.path.join(FIXTURES, "replicate",
                                     "hardware_prices.json")))
NEWEST = {r["sku"]: r for r in PRICES["prices"] if r["source"] == "C"}
HARDWARE = json.load(open(os.path.join(
    FIXTURES, "replicate", "responses", "hardware.list.2023-11-02.json")))
CONF = tempfile.mkdtemp(prefix="r8play-cost-")
atexit.register(shutil.rmtree, CONF, True)


def run(*args, env=None, conf=CONF):
    e = {k: v for k, v in os.environ.items()
         if k not in ("REPLICATE_API_TOKEN", "R8PLAY_API_BASE",
                      "XDG_CONFIG_HOME")}
    e["R8PLAY_CONFIG_DIR"] = conf
    e.update(env or {})
    e = {k: v for k, v in e.items() if v is not None}
    p = subprocess.run([R8PLAY, "cost"] + list(args), env=e,
                       capture_output=True, timeout=60)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def run_json(*args, **kw):
    rc, out, err = run(*(args + ("--json",)), **kw)
    try:
        return rc, json.loads(out), err
    except ValueError as ex:
        check(False, "--json output parses: %s" % " ".join(args),
              "%s\n%s%s" % (ex, out[:500], err[:500]))
        return rc, {}, err


def tier(doc, sku):
    for t in doc.get("tiers", []):
        if t.get("sku") == sku:
            return t
    return {}


def near(a, b, rel=1e-9):
    return a is not None and abs(a - b) <= rel * max(1.0, abs(b))


# ---- the table ------------------------------------------------------------
rc, out, err = run("--seconds", "2.9")
check(rc == 0, "cost --seconds 2.9 exits 0", err)
check(all(sku in out for sku in NEWEST),
      "the table lists every SKU of the newest price snapshot (%d)" %
      len(NEWEST), out)
check("2024-08..2026-03-09" in out and "replicate.com/pricing" in out,
      "the table shows the price table's date and source")
row = [l for l in out.splitlines() if l.startswith("gpu-l40s ")]
check(len(row) == 1 and "$0.0028" in row[0] and row[0].split()[-1] == "357",
      "L40S for 2.9 s: $0.0028 and 357 runs per $1 (moondream2 page)", row)
check("\x1b" not in out, "no escape bytes in the table")

# ---- --json: the model-page figures, and every price against the facts ----
for sku, secs, usd, runs in (("gpu-l40s", "2.9", "$0.0028", 357),
                             ("gpu-t4", "21.5", "$0.0048", 208),
                             ("gpu-a100-large", "25", "$0.035", 28),
                             ("gpu-l40s", "13", "$0.013", 76),
                             ("gpu-h100", "275", "$0.42", 2)):
    rc, doc, err = run_json("--seconds", secs, "--hardware", sku)
    t = tier(doc, sku)
    check(rc == 0 and t.get("per_run") == usd and
          t.get("runs_per_dollar") == runs,
          "%s for %s s: %s and %d runs per $1" % (sku, secs, usd, runs),
          t or err)

rc, doc, err = run_json("--seconds", "10")
check(rc == 0 and doc.get("prices", {}).get("date") == "2024-08..2026-03-09",
      "--json carries the price table date", doc.get("prices"))
skus = [t["sku"] for t in doc.get("tiers", [])]
check(sorted(skus) == sorted(NEWEST), "--json has one tier per SKU", skus)
bad = [t["sku"] for t in doc.get("tiers", [])
       if not near(t.get("usd_per_second"),
                   NEWEST.get(t["sku"], {}).get("usd_per_second", -1))
       or t.get("gpu_count") != NEWEST.get(t["sku"], {}).get("gpu_count")]
check(not bad, "every $/s and GPU count matches hardware_prices.json", bad)
bad = [t["sku"] for t in doc.get("tiers", [])
       if not near(t.get("per_run_usd"), 10 * t.get("usd_per_second", 0))]
check(not bad, "per-run cost = $/s x seconds on every tier", bad)
for t in doc.get("tiers", []):
    n = t.get("gpu_count", 0)
    if n > 1:
        single = [u for u in doc["tiers"] if u["gpu_count"] == 1 and
                  near(u["usd_per_second"] * n, t["usd_per_second"])]
        check(single, "%s is %d x a single-GPU price" % (t["sku"], n))

# SKUs of GET /v1/hardware (2023-11-02 recording) all have a price
for h in HARDWARE:
    rc, doc, err = run_json("--seconds", "1", "--hardware", h["sku"])
    t = tier(doc, h["sku"])
    check(rc == 0 and t.get("known") is True and t.get("name") == h["name"],
          "/v1/hardware SKU %s is priced, named %r" % (h["sku"], h["name"]),
          t or err)

# ---- unknown SKUs: "price unknown", never a number ------------------------
rc, out, err = run("--seconds", "1", "--hardware", "gpu-t4,gpu-b200")
line = [l for l in out.splitlines() if l.startswith("gpu-b200")]
check(rc == 0 and line and "price unknown" in line[0] and "$" not in line[0],
      "an unknown SKU next to a known one shows 'price unknown'", out + err)
rc, doc, err = run_json("--seconds", "1", "--hardware", "gpu-t4,gpu-b200")
t = tier(doc, "gpu-b200")
check(t.get("known") is False and "per_run_usd" not in t,
      "--json: unknown SKU has known=false and no cost", t)
rc, out, err = run("--seconds", "1", "--hardware", "gpu-b200")
check(rc == 1 and "price unknown" in err and out == "",
      "only unknown SKUs: exit 1 with 'price unknown'", (rc, out, err))
rc, out, err = run("--seconds", "1", "--hardware", "gpu-\x1b[2Jx")
check(rc == 1 and "\x1b" not in err and "gpu-^[[2Jx" in err,
      "an SKU with control characters is shown escaped", err)

# ---- batch and sweep ------------------------------------------------------
# 1000 x 2.9 s on L40S at concurrency 4: 2900 s x 0.000975 = $2.8275;
# 250 waves x 2.9 s = 725 s
rc, doc, err = run_json("--seconds", "2.9", "--hardware", "gpu-l40s",
                        "--runs", "1000", "--concurrency", "4")
b = tier(doc, "gpu-l40s").get("batch", {})
check(rc == 0 and near(b.get("total_usd"), 2.8275) and
      near(b.get("wall_seconds"), 725) and doc.get("runs") == 1000,
      "batch: 1000 runs x 2.9 s at 4 -> $2.8275, 725 s", b or err)
rc, out, err = run("--seconds", "2.9", "--hardware", "gpu-l40s", "--runs",
                   "1000", "--concurrency", "4")
check(rc == 0 and "$2.83" in out and "12 min 5 s" in out,
      "batch columns in the table", out)
# private: 4 lanes x (60 boot + 725 + 60 wall... ) = 4 x (60+725+300)
rc, doc, err = run_json("--seconds", "2.9", "--hardware", "gpu-l40s",
                        "--runs", "1000", "--concurrency", "4", "--private",
                        "--boot", "60", "--idle", "300")
b = tier(doc, "gpu-l40s").get("batch", {})
check(rc == 0 and doc.get("billing") == "private" and
      near(b.get("billed_seconds"), 4340) and near(b.get("total_usd"), 4.2315),
      "private batch bills 4 lanes x (60 + 725 + 300) s = $4.2315", b or err)
# sweep 3 x 4 x 2 = 24 runs x 2.9 s = 69.6 s x 0.000975 = $0.06786
rc, doc, err = run_json("--seconds", "2.9", "--hardware", "gpu-l40s",
                        "--sweep", "3x4x2")
b = tier(doc, "gpu-l40s").get("batch", {})
check(rc == 0 and doc.get("runs") == 24 and near(b.get("total_usd"), 0.06786),
      "sweep 3x4x2 = 24 runs -> $0.06786", (doc.get("runs"), b, err))

# ---- deployment -----------------------------------------------------------
# min=1: one L40S online 24 h = 86400 s/day x 30 x 0.000975 = $2,527.20;
# public: 120 x 8 x 10 s = 9600 s/day -> $280.80
rc, doc, err = run_json("--seconds", "10", "--hardware", "gpu-l40s",
                        "--deployment", "min=1,max=3,hours=8,rph=120,idle=300")
d = tier(doc, "gpu-l40s").get("deployment", {})
check(rc == 0 and near(d.get("monthly_usd"), 2527.2) and
      near(d.get("public_monthly_usd"), 280.8) and d.get("instances") == 1,
      "deployment min=1: $2,527.20/month vs $280.80 public", d or err)
rc, out, err = run("--seconds", "10", "--hardware", "gpu-l40s",
                   "--deployment", "min=1,max=3,hours=8,rph=120,idle=300")
check(rc == 0 and "$2,527.20" in out and "$280.80" in out,
      "deployment table in text", out)
rc, out, err = run("--seconds", "10", "--deployment", "min=1,mxa=3")
check(rc == 2 and "unknown key \"mxa\"" in err,
      "--deployment with an unknown key: usage error", err)
rc, out, err = run("--seconds", "10", "--deployment", "min=3,max=1")
check(rc == 2 and "min <= max" in err, "--deployment min > max", err)

# ---- seconds sources ------------------------------------------------------
rc, doc, err = run_json("--measured", "rtx4090=10", "--hardware",
                        "gpu-l40s,cpu")
t = tier(doc, "gpu-l40s")
check(rc == 0 and t.get("estimate") is True and
      t.get("seconds_source") == "local" and
      abs(t.get("seconds", 0) - 7.2962) < 1e-3,
      "--measured rtx4090=10 carried to L40S: ~7.30 s, an estimate", t or err)
check("per_run_usd" not in tier(doc, "cpu"),
      "no carried time for CPU (no speed figure)", tier(doc, "cpu"))
rc, out, err = run("--measured", "rtx4090=10", "--hardware", "gpu-l40s")
check(rc == 0 and "~7.3 s" in out and "estimate" in out,
      "carried figures are marked with ~ and named an estimate", out)
rc, out, err = run("--measured", "voodoo5=10")
check(rc == 2 and "no speed figure" in err, "--measured with an unknown GPU",
      err)
rc, out, err = run("--gpus")
check(rc == 0 and "rtx4090" in out and "spec" in out.lower() and
      "estimate" in out, "--gpus prints the speed table and its source", out)
rc, doc, err = run_json("--gpus")
check(rc == 0 and len(doc.get("gpus", [])) >= 9 and doc.get("date"),
      "--gpus --json", doc)

# ---- the user's prices file -----------------------------------------------
user = tempfile.mkdtemp(prefix="r8play-cost-user-")
atexit.register(shutil.rmtree, user, True)
with open(os.path.join(user, "prices"), "w") as f:
    f.write("# mine\n@date = 2026-11-30\ngpu-t4 = 0.0003\n"
            "gpu-b200\tNvidia B200 GPU\t0.0025\t1\t192\t2026-11\tinvoice\n")
rc, doc, err = run_json("--seconds", "10", "--hardware",
                        "gpu-t4,gpu-b200,gpu-l40s", conf=user)
check(rc == 0 and near(tier(doc, "gpu-t4").get("usd_per_second"), 0.0003)
      and tier(doc, "gpu-t4").get("origin") == "user",
      "R8PLAY_CONFIG_DIR/prices overrides the shipped T4 price",
      tier(doc, "gpu-t4") or err)
check(near(tier(doc, "gpu-b200").get("usd_per_second"), 0.0025),
      "the prices file adds a SKU", tier(doc, "gpu-b200"))
check(tier(doc, "gpu-l40s").get("origin") == "shipped" and
      doc.get("prices", {}).get("user_date") == "2026-11-30",
      "other rows stay shipped; the file's @date is reported", doc)
rc, out, err = run("--seconds", "10", "--hardware", "gpu-t4", conf=user)
check(rc == 0 and "gpu-t4*" in out and "your prices file" in out,
      "user rows are starred in the table", out)
xdg = tempfile.mkdtemp(prefix="r8play-cost-xdg-")
atexit.register(shutil.rmtree, xdg, True)
os.makedirs(os.path.join(xdg, "r8play"))
with open(os.path.join(xdg, "r8play", "prices"), "w") as f:
    f.write("gpu-l40s = 3.6/h\n")
rc, doc, err = run_json("--seconds", "10", "--hardware", "gpu-l40s",
                        conf=None, env={"XDG_CONFIG_HOME": xdg,
                                        "R8PLAY_CONFIG_DIR": None})
check(rc == 0 and near(tier(doc, "gpu-l40s").get("usd_per_second"), 0.001),
      "XDG_CONFIG_HOME/r8play/prices is read (3.6/h = $0.001/s)",
      tier(doc, "gpu-l40s") or err)
rc, doc, err = run_json("--seconds", "10", "--hardware", "gpu-l40s,gpu-t4",
                        conf=user, env={"XDG_CONFIG_HOME": xdg})
check(rc == 0 and near(tier(doc, "gpu-t4").get("usd_per_second"), 0.0003)
      and near(tier(doc, "gpu-l40s").get("usd_per_second"), 0.000975),
      "R8PLAY_CONFIG_DIR wins over XDG_CONFIG_HOME (one file, never both)",
      doc or err)
with open(os.path.join(user, "prices"), "w") as f:
    f.write("gpu-t4 = 0.0003\n\ngpu-l40s = cheap\n")
rc, out, err = run("--seconds", "10", conf=user)
check(rc == 1 and (os.path.join(user, "prices") + ":3: price is not a number")
      in err and out == "",
      "a malformed prices file: exit 1, PATH:LINE: what", err)

# ---- errors ---------------------------------------------------------------
for args, want in ((("--seconds", "0"), "--seconds must be"),
                   (("--seconds", "-1"), "--seconds must be"),
                   (("--seconds", "nan"), "--seconds must be"),
                   (("--seconds", "inf"), "--seconds must be"),
                   (("--seconds", "1e400"), "--seconds must be"),
                   (("--seconds", "abc"), "--seconds must be"),
                   (("--seconds", "1", "--runs", "0"), "--runs must be"),
                   (("--seconds", "1", "--runs", "99999999999999999999999"),
                    "--runs must be"),
                   (("--seconds", "1", "--runs", "1000000000001"),
                    "--runs must be"),
                   (("--seconds", "1", "--sweep", "4294967296x4294967296"),
                    "more than"),
                   (("--seconds", "1", "--sweep", "3x0"), "no values"),
                   (("--seconds", "1", "--concurrency", "0"),
                    "--concurrency must be"),
                   (("--seconds", "1", "--billing", "per-token"),
                    "--billing is"),
                   (("--seconds",), "needs a value"),
                   (("--frobnicate",), "unknown option"),
                   ((), "how long does a run take")):
    rc, out, err = run(*args)
    check(rc == 2 and want in err and out == "",
          "usage error: cost %s" % " ".join(args), (rc, out, err))
rc, out, err = run("--help")
check(rc == 0 and "--deployment" in out and "min=1,max=3" in out and
      "prices" in out, "--help documents --deployment and the prices file",
      out)
# no token: the offline catalogue snapshot compiled into the binary
rc, doc, err = run_json("stability-ai/sdxl", "--hardware", "gpu-l40s")
t = tier(doc, "gpu-l40s")
check(rc == 0 and near(t.get("seconds"), 4.981337) and
      t.get("seconds_source") == "example" and
      "snapshot" in doc.get("model_from", ""),
      "no token: sdxl's default example from the offline snapshot",
      doc or err)
rc, out, err = run("nobody/nothing")
check(rc == 1 and "REPLICATE_API_TOKEN" in err and "--seconds" in err,
      "no token, model not in the snapshot: says to give --seconds", err)

# ---- OWNER/NAME: default_example metrics from the fake API ----------------
proc, base = fakes.start_replicate("--quiet")
try:
    api = {"REPLICATE_API_TOKEN": fakes.REPLICATE_TOKEN,
           "R8PLAY_API_BASE": base + "/v1"}
    sdxl = json.load(open(os.path.join(
        FIXTURES, "replicate", "responses",
        "model.get.stability-ai__sdxl.2024-10-04.json")))
    want = sdxl["default_example"]["metrics"]["predict_time"]
    rc, doc, err = run_json("stability-ai/sdxl", "--hardware", "gpu-l40s",
                            env=api)
    t = tier(doc, "gpu-l40s")
    check(rc == 0 and near(t.get("seconds"), want) and
          t.get("seconds_source") == "example" and
          t.get("seconds_note") == "from one example" and
          near(t.get("per_run_usd"), want * 0.000975),
          "sdxl: default_example predict_time %.6f s, 'from one example'"
          % want, t or err)
    rc, out, err = run("stability-ai/sdxl", env=api)
    check(rc == 0 and "from one example" in out and "gpu-h100-8x" in out,
          "sdxl: every tier in the table", out + err)
    rc, out, err = run("nobody/nothing", env=api)
    check(rc == 1 and "nobody/nothing" in err and "404" in err,
          "an unknown model: exit 1 naming it", err)
    rc, out, err = run("mattt/empty", env=api)
    check(rc == 1 and "no default example" in err and "--seconds" in err,
          "a model without a default example asks for --seconds", err)
    rc, doc, err = run_json("stability-ai/sdxl", "--seconds", "3",
                            "--hardware", "gpu-t4", env=api)
    check(rc == 0 and tier(doc, "gpu-t4").get("seconds") == 3,
          "--seconds wins over the lookup", tier(doc, "gpu-t4"))
    # --available: the SKUs of GET /v1/hardware, each priced
    rc, doc, err = run_json("--available", "--seconds", "2", env=api)
    check(rc == 0 and [t["sku"] for t in doc.get("tiers", [])] ==
          [h["sku"] for h in HARDWARE] and
          all(t.get("known") for t in doc["tiers"]),
          "--available lists the recorded /v1/hardware SKUs, all priced",
          doc or err)
    rc, out, err = run("--available", "--hardware", "gpu-t4",
                       "--seconds", "2", env=api)
    check(rc == 2 and "exclusive" in err, "--available with --hardware", err)
finally:
    fakes.stop(proc)

# /v1/hardware listing a SKU the table lacks (a newer API than the
# recording: same shape, one more entry, one hostile name)
import http.server  # noqa: E402
import threading  # noqa: E402

NEWER = HARDWARE + [{"sku": "gpu-b200", "name": "Nvidia B200 GPU"},
                    {"sku": "gpu-x", "name": "Evil\u001b[2J GPU"}]


class Hw(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/v1/hardware" and self.headers.get(
            "Authorization") == "Bearer " + fakes.REPLICATE_TOKEN
        body = json.dumps(NEWER if ok else {"detail": "no"}).encode()
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hw)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    api = {"REPLICATE_API_TOKEN": fakes.REPLICATE_TOKEN,
           "R8PLAY_API_BASE": "http://127.0.0.1:%d/v1" % srv.server_port}
    rc, out, err = run("--available", "--seconds", "2", env=api)
    b200 = [l for l in out.splitlines() if l.startswith("gpu-b200")]
    check(rc == 0 and b200 and "price unknown" in b200[0] and
          "$" not in b200[0] and "Nvidia B200 GPU" in b200[0],
          "a /v1/hardware SKU the table lacks: 'price unknown', no number",
          out + err)
    check("\x1b" not in out and "Evil^[[2J" in out,
          "an API name with an escape byte is shown escaped", out)
    rc, doc, err = run_json("--available", "--seconds", "2", env=api)
    t = tier(doc, "gpu-b200")
    check(rc == 0 and t.get("known") is False and "per_run_usd" not in t
          and tier(doc, "gpu-t4").get("per_run") == "$0.00045",
          "--available --json: unknown SKU known=false; T4 2 s = $0.00045",
          doc or err)
finally:
    srv.shutdown()

summary()
