#!/usr/bin/env python3
"""tests/integration/test_gpu_cli.py: `r8play gpu` end to end against the
fake NVML (tests/fakes/nvml/fake_nvml.c, built by tests/mk/gpu.mk) found
through LD_LIBRARY_PATH like a real driver: the table, --json (parsed),
an older driver without the _v2/_v3 entry points, --watch frames,
--measure (energy from a constant power draw, whose integral is exact
whatever the sampling times; prices from flags and from the config file;
a GPU whose power cannot be read), and the no-driver and failing-driver
paths (one line on stderr, exit 1). Expected Replicate prices come from
tests/fixtures/replicate/hardware_prices.json, not from the binary."""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from t import check, summary, R8PLAY, FIXTURES, ROOT, O  # noqa: E402

FAKE = os.path.join(ROOT, O, "tests", "fakes", "nvml")
TMP = tempfile.mkdtemp(prefix="r8play-gpu-")
atexit.register(shutil.rmtree, TMP, True)
PRICES = json.load(open(os.path.join(FIXTURES, "replicate",
                                     "hardware_prices.json")))
NEWEST = {r["sku"]: r for r in PRICES["prices"] if r["source"] == "C"}

GIB = 1 << 30
CFG = """driver\t550.54.15
gpu\tNVIDIA H100 80GB HBM3\tGPU-11111111-2222\t87\t41\t%d\t%d\t64\t312500\t700000
gpu\tTesla T4\tGPU-aaaa\t3\t1\t1048576\t%d\t-\t-\t-
proc\t0\t4242\t%d
proc\t0\t4243\t-
power\t0\t0\t250000
""" % (40 * GIB, 80 * GIB, 15 * GIB, 20 * GIB)


def write(name, text):
    p = os.path.join(TMP, name)
    with open(p, "w") as f:
        f.write(text)
    return p


CFG_PATH = write("nvml.tsv", CFG)
CONF = os.path.join(TMP, "conf")
os.mkdir(CONF)
EMPTY = os.path.join(TMP, "empty")
os.mkdir(EMPTY)


def run(*args, lib="full", cfg=CFG_PATH, conf=CONF, env=None):
    e = {k: v for k, v in os.environ.items()
         if k not in ("R8PLAY_NVML_LIB", "XDG_CONFIG_HOME")}
    e["LD_LIBRARY_PATH"] = os.path.join(FAKE, lib) if lib else EMPTY
    e["FAKE_NVML_CONFIG"] = cfg
    e["R8PLAY_CONFIG_DIR"] = conf
    e.update(env or {})
    p = subprocess.run([R8PLAY, "gpu"] + list(args), env=e,
                       capture_output=True, timeout=60)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def run_json(*args, **kw):
    rc, out, err = run(*(args + ("--json",)), **kw)
    try:
        return rc, json.loads(out), err
    except ValueError as ex:
        check(False, "--json parses: %s" % " ".join(args),
              "%s\n%s%s" % (ex, out[:400], err[:400]))
        return rc, {}, err


def near(a, b, rel=1e-6):
    return a is not None and abs(a - b) <= rel * max(1.0, abs(b))


# ---- the table
rc, out, err = run()
check(rc == 0 and err == "", "gpu exits 0 with the fake driver", err)
check("driver 550.54.15, 2 GPUs" in out, "driver and GPU count", out)
check("GPU 0  NVIDIA H100 80GB HBM3  GPU-11111111-2222" in out,
      "index, name, UUID", out)
check("util     87% (memory 41%)" in out, "utilisation", out)
check("memory   40.0 GiB / 80.0 GiB" in out, "memory used/total", out)
check("temp     64 C" in out, "temperature", out)
check("power    250.0 W (limit 700 W)" in out, "power and limit", out)
check("pid 4242" in out and "20.0 GiB" in out, "a process and its memory",
      out)
t4 = out[out.find("GPU 1"):]
check("power    cannot be read on this GPU" in t4,
      "a GPU without power says so (never 0 W)", t4)
check("temp     not reported" in t4, "no temperature: said so", t4)
check("no compute processes" in t4, "no processes: said so", t4)

# ---- JSON
for lib in ("full", "old"):
    rc, doc, err = run_json(lib=lib)
    check(rc == 0, "%s driver: --json exits 0" % lib, err)
    g = doc.get("gpus", [{}, {}])
    check(doc.get("driver") == "550.54.15" and doc.get("gpu_count") == 2
          and len(g) == 2, "%s driver: two GPUs" % lib, doc)
    if len(g) != 2:
        continue
    a, b = g
    check(a["name"] == "NVIDIA H100 80GB HBM3" and a["index"] == 0 and
          a["uuid"] == "GPU-11111111-2222", "%s: identity" % lib, a)
    check(a["utilization_gpu"] == 87 and a["utilization_memory"] == 41,
          "%s: utilisation" % lib, a)
    check(a["memory_used"] == 40 * GIB and a["memory_total"] == 80 * GIB,
          "%s: memory in bytes (integers)" % lib, a)
    check(a["power_w"] == 250 and a["power_limit_w"] == 700 and
          a["temperature_c"] == 64, "%s: power (curve), limit, temp" % lib,
          a)
    check(a["processes"] == [
        {"pid": 4242, "memory_used": 20 * GIB, "container": None},
        {"pid": 4243, "memory_used": None, "container": None}],
        "%s: processes; unknown memory is null" % lib, a.get("processes"))
    check(b["power_w"] is None and b["power_limit_w"] is None and
          b["temperature_c"] is None, "%s: unreadable values are null" % lib,
          b)
    check(b["processes"] == [], "%s: empty process list" % lib, b)

# ---- watch
rc, out, err = run("--watch", "--interval", "20", "--count", "3", "--json")
lines = out.splitlines()
check(rc == 0 and len(lines) == 3, "--watch --count 3: three JSON lines",
      out[:300] + err)
check(all(json.loads(x)["gpu_count"] == 2 for x in lines),
      "each watch frame parses", out[:300])
rc, out, err = run("--watch", "--interval", "20", "--count", "2")
check(rc == 0 and out.count("driver 550.54.15") == 2,
      "--watch table: two frames", out)

# ---- measure: constant 250 W on GPU 0
rc, doc, err = run_json("--measure", "0.3", "--interval", "50",
                        "--electricity-price", "0.30",
                        "--gpu-hour-price", "2")
check(rc == 0, "--measure exits 0", err)
secs = doc.get("seconds") or 0
check(0.3 <= secs < 5 and doc.get("samples", 0) >= 2,
      "--measure covers the time asked", doc)
check(near(doc.get("energy_wh"), 250 * secs / 3600),
      "energy = 250 W x measured time", doc)
check(near(doc.get("avg_power_w"), 250) and near(doc.get("peak_power_w"),
                                                 250), "average and peak",
      doc)
check(doc.get("peak_memory_used") == 40 * GIB, "peak memory", doc)
loc = doc.get("local", {})
want = 250 * secs / 3600 / 1000 * 0.30 + secs / 3600 * 2
check(near(loc.get("usd"), want), "local cost = energy + machine hour",
      loc)
tiers = {t["sku"]: t for t in doc.get("tiers", [])}
l40s = tiers.get("gpu-l40s", {})
check(near(l40s.get("usd"), NEWEST["gpu-l40s"]["usd_per_second"] * secs),
      "L40S tier: the same seconds at its price", l40s)
check(near(l40s.get("ratio"), l40s.get("usd", 0) / want),
      "ratio = Replicate / this machine", l40s)
check("cpu" not in tiers, "only GPU tiers", list(tiers))

rc, out, err = run("--measure", "0.2", "--interval", "50",
                   "--electricity-price", "0.30")
check(rc == 0 and "energy" in out and "Wh" in out and
      "average 250.0 W, peak 250.0 W" in out and "gpu-l40s" in out,
      "--measure table", out + err)

# prices from the config file
write("conf/config", "electricity_price = 0.5\ngpu_hour_price = 1\n")
rc, doc, err = run_json("--measure", "0.2", "--interval", "50")
secs = doc.get("seconds") or 0
loc = doc.get("local", {})
check(rc == 0 and near(loc.get("energy_usd"), 250 * secs / 3600 / 1000 *
                       0.5) and near(loc.get("machine_usd"), secs / 3600),
      "electricity_price and gpu_hour_price from the config file", doc)
write("conf/config", "electricity_price = lots\n")
rc, out, err = run("--measure", "0.1")
check(rc == 2 and "electricity_price" in err, "a bad price in config is "
      "named", err)
os.unlink(os.path.join(CONF, "config"))

# a GPU whose power cannot be read
rc, doc, err = run_json("--measure", "0.2", "--interval", "50", "--gpu", "1",
                        "--electricity-price", "0.3")
check(rc == 0 and doc.get("power_known") is False and
      doc.get("energy_wh") is None and doc.get("local", {}).get("usd") is None,
      "no power: energy and cost unknown (null, not 0)", doc)
check("power cannot be read" in doc.get("local", {}).get("note", ""),
      "no power: the note says so", doc)
rc, out, err = run("--measure", "0.1", "--gpu", "1")
check("power cannot be read on this GPU" in out, "no power: table says so",
      out)

# ---- no driver, failing driver, usage
rc, out, err = run(lib=None, env={
    "R8PLAY_NVML_LIB": "/nonexistent/libnvidia-ml.so.1"})
check(rc == 1 and out == "" and err.count("\n") == 1 and
      err.startswith("r8play gpu: no NVIDIA driver: "),
      "no driver: one line on stderr, exit 1", (rc, out, err))
rc, out, err = run(lib=None)
if rc == 0:
    check(True, "a real driver is installed here: the default search "
          "found it")
else:
    check(rc == 1 and err.startswith("r8play gpu: no NVIDIA driver: "
                                     "libnvidia-ml.so.1 cannot be loaded"),
          "no driver on the search path: one line, exit 1", err)
rc, out, err = run(cfg=write("bad.tsv", "init_error\t9\n"))
check(rc == 1 and err == "r8play gpu: NVML: nvmlInit failed: Driver Not "
      "Loaded\n", "nvmlInit failing: one line, exit 1", err)
for args in (["--bogus"], ["--interval", "x", "--watch"],
             ["--measure", "0"], ["--watch", "--measure", "1"],
             ["--gpu", "99", "--measure", "1"]):
    rc, out, err = run(*args)
    check(rc == 2 and "usage: r8play gpu" in err, "usage error: %s" %
          " ".join(args), (rc, err))
# driver text is untrusted (client/gpu already replaces C0 controls):
# nothing raw reaches the terminal, C1 included, and the JSON escapes it
evil = "Evil\x1b[31mGPU\u009b\x07"
ecfg = write("evil.tsv", "driver\t550\x1b]0;x\x07\n"
             "gpu\t%s\tGPU-\x1b[2J\t1\t1\t1\t2\t-\t-\t-\n" % evil)
rc, out, err = run(cfg=ecfg)
check(rc == 0 and not any(c in out for c in "\x1b\x07\u009b") and
      "GPU 0  Evil" in out and "driver 550" in out,
      "table: no raw control characters from the driver", repr(out))
rc, out, err = run("--json", cfg=ecfg)
try:
    doc = json.loads(out)
except ValueError:
    doc = {}
check(rc == 0 and not any(c in out for c in "\x1b\x07\u009b") and
      doc.get("gpus", [{}])[0].get("name", "").startswith("Evil"),
      "JSON: controls (C1 too) escaped, the document parses", repr(out))
for args in (["--count", "0", "--watch"], ["--interval=5", "--watch"]):
    rc, out, err = run(*args)
    check(rc == 2 and err.startswith("r8play gpu: " + args[0].split("=")[0]) and
          "usage: r8play gpu" in err, "range error: %s" % " ".join(args),
          (rc, err))
rc, out, err = run("--help")
check(rc == 0 and "--measure" in out, "--help", out)
summary()
