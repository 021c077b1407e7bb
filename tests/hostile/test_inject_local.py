"""tests/hostile/test_inject_local.py: the surfaces of r8play that read
what a hostile server left behind or what this machine's daemons say,
scanned by the rules of test_inject.py (hostile_lib.py's scan_plain for
pipes, scan_tty for terminals, JSON escaping C0/C1 only):

  history   runs against the hostile Replicate and Cog fakes first (so the
            history database holds poisoned logs, errors, outputs and
            inputs), `get ID`, then `history`, `history show N`, `--json`,
            `--search`; the TUI's runs list, a run opened from it (logs
            and output pane), two runs marked and compared
  docker    `local images|ps|pull|start|stop` against hostile.py's docker
            mode (labels, container names and status, pull-stream lines,
            error messages, log lines); the TUI's explorer local section,
            an image's details and Info tab, the setup logs while its
            container boots (the container "serves" the hostile Cog fake),
            L's pull box on a model page
  gpu       `gpu`, `gpu --json` and the TUI's GPU panel with the fake NVML
            (tests/fakes/nvml) reporting device names, UUIDs and a driver
            version that carry escapes, C1, bidi and invalid UTF-8 in
            NVML's fixed char buffers
  files     a cog.yaml whose values carry the payload (`dev --check`,
            `schema`/`dev` on that folder), `show` on a broken image whose
            file name carries it, `dev` on a folder named with it

Checks named cli:..., tui:... as test_inject.py; `*:reached` says the
poisoned text was read and shown (else a clean scan proves nothing). A
sanitizer report in what r8play wrote (O=build/asan) fails the check too.
HOSTILE_ONLY=history,docker,gpu,files runs a part.
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_lib import (Checks, Pty, scan_plain, scan_tty,  # noqa: E402
                         start_hostile, run_piped, fakes, hostile)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import R8PLAY, ROOT, O  # noqa: E402

KNOWN = {
}

SCRATCH = tempfile.mkdtemp(prefix="r8play-hostile-local-")
T = Checks(KNOWN)
# NVML's buffers are 96 bytes (names, UUIDs) and 80 (the driver): a short
# payload that fits, no TAB/LF/NUL (the fake's config is TAB-separated).
NVML_PAYLOAD = (b"\x1b]0;HOSTILE-TITLE\x07\x1b[201~\xc2\x9b20h\x9b"
                b"\xe2\x80\xaeRLO\xff ding\x07")
NVML_LIB = os.path.join(ROOT, O, "tests", "fakes", "nvml", "full",
                        "libnvidia-ml.so.1")
# the hostile Replicate fake's API base: every r8play here talks to it,
# never to api.replicate.com (set in main)
API = {}
BAD_NAME = "\x1b]0;HOSTILE-TITLE\x07\u202ebad\u009b20h.png"


def env(extra=None):
    e = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": SCRATCH, "LC_ALL": "C.UTF-8", "TZ": "UTC",
        "TERM": "xterm-256color",
        "R8PLAY_CONFIG_DIR": os.path.join(SCRATCH, "config"),
        "REPLICATE_API_TOKEN": fakes.REPLICATE_TOKEN,
        "R8PLAY_POLL_MS": "100", "R8PLAY_RETRY_MS": "50",
        # this suite's own history: it holds only hostile runs
        "R8PLAY_DATA_DIR": os.path.join(SCRATCH, "data"),
        "R8PLAY_NVML_LIB": "/nonexistent/libnvidia-ml.so.1",
        "DOCKER_HOST": "unix:///nonexistent/docker.sock",
    }
    e.update(API)
    e.update(extra or {})
    return e


def pipe(args, cwd, timeout=90, extra=None):
    return run_piped([R8PLAY] + args, env(extra), cwd, timeout)


def on_pty(args, cwd, keys=(), rows=24, cols=80, most=60.0, extra=None):
    p = Pty([R8PLAY] + args, env(extra), cwd=cwd, rows=rows, cols=cols)
    try:
        p.settle(0.5, most=8.0)
        for k in keys:
            if isinstance(k, float):
                # read for k seconds at most (a screen with a clock is
                # never quiet)
                p.settle(min(k, 0.5), most=k)
            else:
                p.put(k)
                p.settle(0.25, most=5.0)
        p.reap(most=most)
    finally:
        p.close()
    return p.status, bytes(p.out)


def fresh_dir(name):
    return tempfile.mkdtemp(prefix=name + "-", dir=SCRATCH)


def sanitizer(b):
    """A report of the sanitizer build (BUILD=asan aborts at the first)."""
    for sig in (b"ERROR: AddressSanitizer", b"ERROR: LeakSanitizer",
                b"runtime error:"):
        i = b.find(sig)
        if i >= 0:
            return ["sanitizer: %r" % b[i:i + 300]]
    return []


def cli(label, args, pty=True, cwd=None, rcs=(0,), extra=None, json_out=None,
        reached=None, timeout=90):
    """One command through a pipe (and a pty): exits with one of rcs, the
    bytes are clean; reached: bytes that prove the poisoned text was
    read (in the pipe's output)."""
    cwd = cwd or fresh_dir("cli")
    rc, out, err = pipe(args, cwd, extra=extra, timeout=timeout)
    is_json = "--json" in args if json_out is None else json_out
    f = scan_plain(out, bidi=not is_json) + scan_plain(err) + \
        sanitizer(err)
    T.check("cli:%s:exit" % label, rc in rcs,
            "exit %d (want %s); r8play %r\n%r" % (rc, rcs, args,
                                                 (out + err)[-600:]))
    T.check("cli:%s:pipe" % label, not f,
            "exit %d; r8play %r\n%s\n%r" % (rc, args, "\n".join(f),
                                           (out + err)[-400:]))
    if reached is not None:
        T.check("cli:%s:reached" % label, reached in out + err,
                "%r not in the output of r8play %r:\n%r" % (
                    reached, args, (out + err)[-600:]))
    if pty:
        st, got = on_pty(args, cwd, extra=extra)
        f = scan_tty(got, bidi=not is_json) + sanitizer(got)
        T.check("cli:%s:pty" % label, not f,
                "r8play %r\n%s" % (args, "\n".join(f)))
    return rc, out, err


def tui(label, args, keys, extra=None, reached=(b"HOSTILE",), rows=40,
        cols=120):
    work = fresh_dir("tui")
    st, got = on_pty(args, work, keys, rows=rows, cols=cols, extra=extra)
    f = scan_tty(got) + sanitizer(got)
    T.check("tui:%s" % label, not f and len(got) > 1000,
            "r8play %r (%d bytes)\n%s" % (args, len(got), "\n".join(f)))
    missing = [r for r in reached if r not in got]
    T.check("tui:%s:reached" % label, not missing,
            "never on screen: %r (%d bytes)" % (missing, len(got)))
    return got


# ---------------------------------------------------------------- history
def history(base, cog_base):
    api = ["--api-base", base + "/v1"]
    # the runs whose records the history commands read back
    seed = [
        ("seed-image", ["run", "stability-ai/sdxl", "-i", "prompt=x"] + api,
         (0,)),
        ("seed-text", ["run", "meta/meta-llama-3-8b-instruct", "-i",
                       "prompt=hi"] + api, (0,)),
        ("seed-fail", ["run", "stability-ai/sdxl", "-i", "prompt=FAIL"] +
         api, (1,)),
        ("seed-local", ["run", "--local", cog_base, "-i", "prompt=x"], (0,)),
    ]
    for label, args, rcs in seed:
        work = fresh_dir("seed")
        rc, out, err = pipe(args + ["--output-dir", os.path.join(work, "o")],
                            work)
        T.check("history:%s" % label, rc in rcs, "exit %d: %r" % (
            rc, (out + err)[-400:]))
    # get: a recorded prediction fetched, saved and recorded (twice: pipe
    # and pty, the second records it again)
    # and the runs made above (their logs, errors, outputs poisoned)
    rc, out, err = pipe(["history", "--json", "--target", "replicate"],
                        SCRATCH)
    try:
        made = [r.get("prediction_id") for r in json.loads(out)]
    except (ValueError, AttributeError):
        made = []
    T.check("history:seeded", len(made) >= 3, "%r" % out[:300])
    gets = [("hdwst0bb05rgp0cf0p29mzk2am", (0, 1))] + [
        (p, (0, 1)) for p in made if isinstance(p, str)]
    for n, (pid, rcs) in enumerate(gets):
        work = fresh_dir("get")
        cli("get-%d" % n, ["get", pid] + api, cwd=work, rcs=rcs)
        cli("get-%d-json" % n, ["get", pid, "--json"] + api, pty=False,
            cwd=work, rcs=rcs)
    cli("history", ["history"])
    cli("history-json", ["history", "--json"], pty=False, reached=b"HOSTILE")
    cli("history-search", ["history", "--search", "x"])
    rc, out, err = pipe(["history", "--json"], SCRATCH)
    try:
        runs = json.loads(out)
    except ValueError:
        runs = []
    T.check("history:count", len(runs) >= 5, "%d runs: %r" % (len(runs),
                                                             out[:300]))
    for i in range(1, len(runs) + 1):
        _, js, _ = cli("history-show-%d-json" % i, ["history", "show",
                                                    str(i), "--json"],
                       pty=False)
        # what the server poisoned (a recorded prediction's input is not)
        cli("history-show-%d" % i, ["history", "show", str(i)],
            reached=b"HOSTILE" if b"HOSTILE" in js else None)
    # the TUI: runs list, each run opened (logs pane, output pane),
    # two marked and compared
    esc = "\x1b"
    keys = ["R", 1.0]
    for i in range(len(runs)):
        # o without a display copies the output's path (OSC 52), y the
        # output: both scanned as copies
        keys += ["\r", 1.0, "L", "j", "j", "L", "f", "f", "o", "y", esc,
                 "j"]
    # Esc from a run opened there goes back past the list: R again
    keys += ["R", 1.0, "g", " ", "j", " ", "d", 1.0, "\t", "j", "\t", esc,
             esc, "q", "y"]
    tui("history", api, keys, reached=(b"HOSTILE", b"newest first",
                                        b"inputs: "))
    # a run view's logs pane and compare right after runs (B: here and on
    # Replicate), with the hostile Cog as the local server
    tui("compare", api + ["--local", cog_base, "stability-ai/sdxl"],
        ["\r", "\x15", "x", "\r", "B", 4.0, "\t", "j", esc, esc, "R", 1.0,
         "\r", 1.0, "L", "j", "m", esc, "j", "\r", 1.0, "m", "d", 1.0, esc,
         esc, "q", "y"], reached=(b"HOSTILE", b"inputs: ", b"logs"))


# ----------------------------------------------------------------- docker
def docker(base):
    """The daemon alone: listings, pulls, errors."""
    proc, dbase = start_hostile_docker()
    dh = {"DOCKER_HOST": "tcp://" + dbase.split("://", 1)[1]}
    try:
        # the daemon does poison (else every scan passes for nothing)
        st, h, body = fakes.http_request("GET", dbase + "/v1.41/images/json")
        T.check("hostile:docker-poisons", st == 200 and
                b"\\u001b]52;c;" in body and b"\x9b20h" in body and
                hostile.EVIL_FIELD.encode() in body, "HTTP %d %r" % (
                    st, body[:200]))
        _docker(base, dh)
    finally:
        fakes.stop(proc)


def start_hostile_docker(*args):
    return fakes.start_fake(os.path.join(fakes.FAKES, "hostile.py"),
                            "docker", "--port", "0", *args, timeout=30.0)


def _docker(base, dh):
    ref = "127.0.0.1:5400/acme/image-demo:latest"
    # no GPU runtime here: the daemon's refusal (poisoned) is said
    cli("local-start-gpu-refused", ["local", "start", ref, "--gpus", "all",
                                    "--timeout", "5"], extra=dh, rcs=(1,),
        reached=b"HOSTILE")
    cli("local-images", ["local", "images"], extra=dh, reached=b"HOSTILE")
    cli("local-images-json", ["local", "images", "--json"], pty=False,
        extra=dh, reached=b"HOSTILE")
    cli("local-pull", ["local", "pull", "127.0.0.1:5400/acme/new-one"],
        extra=dh)
    cli("local-pull-fulldisk", ["local", "pull",
                                "127.0.0.1:5400/acme/fulldisk"],
        extra=dh, rcs=(1,), reached=b"HOSTILE")
    cli("local-pull-nope", ["local", "pull", "127.0.0.1:5400/acme/nope"],
        extra=dh, rcs=(1,), reached=b"HOSTILE")
    cli("local-start-missing", ["local", "start", "127.0.0.1:5400/no/such"],
        extra=dh, rcs=(1,), pty=False)
    cli("local-stop-missing", ["local", "stop", "nosuchcontainer"],
        extra=dh, rcs=(1,), pty=False)
    cli("local-ps-empty", ["local", "ps"], extra=dh, pty=False)
    # a daemon too old whose version text carries the payload
    proc, dbase = start_hostile_docker("--old-api")
    old = {"DOCKER_HOST": "tcp://" + dbase.split("://", 1)[1]}
    try:
        cli("local-images-old-api", ["local", "images"], extra=old,
            rcs=(1,), reached=b"API version")
        tui("explorer-old-api", [], [2.0, "G", 0.5, "q", "y"], extra=old)
    finally:
        fakes.stop(proc)


def docker_with_cog(base):
    """A daemon whose started containers publish a hostile Cog fake's
    port (its setup takes 12 s: the TUI shows the container's setup logs
    meanwhile): the TUI's boot, `local start`, `ps` with a container."""
    cog, cog_base = start_hostile("cog", "--setup-seconds", "12",
                                  "--speed", "8")
    port = cog_base.rsplit(":", 1)[1].strip("/")
    proc, dbase = start_hostile_docker("--nvidia", "--host-port", port)
    dh = {"DOCKER_HOST": "tcp://" + dbase.split("://", 1)[1]}
    ref = "127.0.0.1:5400/acme/image-demo:latest"
    esc = "\x1b"
    try:
        # an image booted by a run: the setup logs while it starts
        tui("docker-boot", [], ["\r", 1.5, "\r", "\x15", "hello", "\r",
                                "\x12", 3.0, "L", "j", "j", "L", 4.0,
                                esc, "5", esc, "q", "y"], extra=dh,
            reached=(b"HOSTILE", b"setup logs", b"hello"))
        rc, out, err = cli("local-start", ["local", "start", ref,
                                           "--timeout", "20"],
                           extra=dh, pty=False, rcs=(0, 1))
        cli("local-ps", ["local", "ps"], extra=dh, reached=b"HOSTILE")
        cli("local-ps-json", ["local", "ps", "--json"], extra=dh,
            pty=False, reached=b"HOSTILE")
        cli("local-stop-all", ["local", "stop", "all"], extra=dh,
            pty=False, rcs=(0, 1))
        # the explorer's local section: each image, its details and Info
        keys = [1.0]
        for i in range(3):
            keys += ["j"] * i + ["\r", 1.5, "5", 0.5, "1", esc, "g"]
        keys += ["q", "y"]
        tui("explorer-local", [], keys, extra=dh,
            reached=(b"HOSTILE", b"image-demo", b"run.cog.config label",
                     b"Prompt"))
        work = fresh_dir("run")
        cli("run-image", ["run", "--image", ref, "-i", "prompt=x",
                          "--output-dir", os.path.join(work, "o")],
            extra=dh, cwd=work, rcs=(0, 1), reached=b"HOSTILE")
    finally:
        fakes.stop(proc)
        fakes.stop(cog)
    # another client's container appears (its name and status poisoned)
    proc, dbase = start_hostile_docker("--outside", "--outside-r8play")
    dh = {"DOCKER_HOST": "tcp://" + dbase.split("://", 1)[1]}
    try:
        tui("explorer-outside", [], [1.5, "r", 1.5, "G", "\r", 1.0, "5",
                                     0.5, esc, esc, "q", "y"], extra=dh,
            reached=(b"HOSTILE", b"later-demo"))
        cli("local-ps-outside", ["local", "ps"], extra=dh,
            reached=b"HOSTILE")
    finally:
        fakes.stop(proc)
    # L's pull box on a model page: the pull stream's lines
    proc, dbase = start_hostile_docker("--nvidia", "--host-port", port,
                                       "--pull", "hold",
                                       "--stall-seconds", "4")
    dh = {"DOCKER_HOST": "tcp://" + dbase.split("://", 1)[1],
          "R8PLAY_API_BASE": base + "/v1"}
    try:
        tui("pull-box", ["--api-base", base + "/v1", "stability-ai/sdxl"],
            [1.0, "L", 3.0, esc, "q", "y"], extra=dh,
            reached=(b"HOSTILE", b"ebf2c2dcab3c:"))
    finally:
        fakes.stop(proc)
    proc, dbase = start_hostile_docker("--nvidia", "--pull", "fulldisk")
    dh = {"DOCKER_HOST": "tcp://" + dbase.split("://", 1)[1]}
    try:
        tui("pull-box-error", ["--api-base", base + "/v1",
                               "stability-ai/sdxl"],
            [1.0, "L", 3.0, esc, "q", "y"], extra=dh,
            reached=(b"HOSTILE", b"pull failed"))
    finally:
        fakes.stop(proc)


# -------------------------------------------------------------------- gpu
def nvml_config():
    p = os.path.join(SCRATCH, "nvml.tsv")
    pl = NVML_PAYLOAD
    with open(p, "wb") as f:
        f.write(b"driver\t" + pl[:60] + b"550\n")
        # the name fills NVML's 96 bytes: cut in the middle of U+202E
        name = pl * 2 + b"y" * 8 + b"\xe2\x80\xae" + b"H100"
        f.write(b"gpu\t" + name + b"\t" + b"GPU-" + pl[:40] +
                b"\t87\t41\t42949672960\t85899345920\t64\t312500\t700000\n")
        f.write(b"proc\t0\t%d\t21474836480\n" % os.getpid())
    return p


def gpu(cog_base):
    nv = {"R8PLAY_NVML_LIB": NVML_LIB, "FAKE_NVML_CONFIG": nvml_config()}
    if not os.path.exists(NVML_LIB):
        T.check("gpu:fake-nvml-built", False, "no %s (make build-tests)" %
                NVML_LIB)
        return
    cli("gpu", ["gpu"], extra=nv, reached=b"HOSTILE")
    cli("gpu-json", ["gpu", "--json"], pty=False, extra=nv,
        reached=b"HOSTILE")
    cli("gpu-watch", ["gpu", "--watch", "--count", "2", "--interval", "50"],
        extra=nv)
    cli("gpu-measure", ["gpu", "--measure", "0.2", "--interval", "50"],
        extra=nv)
    tui("gpu-panel", ["--local", cog_base], [1.0, "U", 1.0, "j", "k",
                                            "\x1b", "q", "y"], extra=nv)


# ------------------------------------------------------------------ files
COG_YAML = """build:
  gpu: true
  python_version: "{p}3.11"
  python_packages:
    - "{p}torch"
  system_packages:
    - "{p}ffmpeg"
  run:
    - "{p}echo hi"
predict: "{p}predict.py:Predictor"
image: "r8.im/{p}x"
"""


def files(cog_base):
    # cog.yaml is the user's (or a cloned repository's): its strings are
    # untrusted all the same
    pl = json.dumps(hostile.PAYLOAD.replace("@@RAW@@", "\u009b"))[1:-1]
    proj = fresh_dir("proj")
    with open(os.path.join(proj, "cog.yaml"), "w") as f:
        f.write(COG_YAML.format(p=pl))
    with open(os.path.join(proj, "predict.py"), "w") as f:
        f.write("class Predictor:\n    pass\n")
    cli("dev-check", ["dev", proj, "--check"], rcs=(0, 1),
        reached=b"HOSTILE")
    # the server's output, prefixed "| " (a predictor's prints and
    # tracebacks, tqdm's escapes); dev runs until ^C: stopped after 5 s
    say = os.path.join(proj, "say")
    with open(say, "wb") as f:
        f.write(hostile.PAYLOAD.encode().replace(b"@@RAW@@",
                                                 hostile.RAW_BYTES) +
                b"\x00NULTAIL\n")
    cli("dev-serve-output", ["dev", proj, "--serve-command",
                             "cat say; exit 3"], rcs=(124,), pty=False,
        timeout=5, reached=b"HOSTILE")
    cli("schema-dir", ["schema", proj], rcs=(0, 1, 2))
    # the TUI's --dev: its server's output (O), the project's playground
    cfgdir = fresh_dir("devcfg")
    with open(os.path.join(cfgdir, "config"), "w") as f:
        f.write("serve_command = cat say; sleep 30\n")
    os.chmod(os.path.join(cfgdir, "config"), 0o600)
    tui("dev-output", ["--dev", proj], [2.0, "O", 1.0, "G", "k", "\x1b",
                                        "q", "y"],
        extra={"R8PLAY_CONFIG_DIR": cfgdir},
        reached=(b"HOSTILE", b"server output"))
    evil_dir = os.path.join(SCRATCH, BAD_NAME.replace(".png", ""))
    os.makedirs(evil_dir, exist_ok=True)
    cli("dev-evil-dir", ["dev", evil_dir, "--check"], rcs=(1, 2))
    cli("dev-usage", ["dev", "--port", BAD_NAME], rcs=(2,))
    work = fresh_dir("show")
    with open(os.path.join(work, BAD_NAME), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\nnot really" + hostile.PAYLOAD.encode())
    cli("show-broken", ["show", BAD_NAME], cwd=work, rcs=(1,))
    cli("show-missing", ["show", "missing-" + BAD_NAME], cwd=work, rcs=(1,))


def main():
    os.makedirs(os.path.join(SCRATCH, "config"))
    proc, base = start_hostile("replicate", "--speed", "8")
    API["R8PLAY_API_BASE"] = base + "/v1"
    cog, cog_base = start_hostile("cog", "--setup-seconds", "0.1",
                                  "--speed", "8")
    only = os.environ.get("HOSTILE_ONLY",
                          "history,docker,gpu,files").split(",")
    try:
        if "docker" in only:
            docker(base)
            docker_with_cog(base)
        if "gpu" in only:
            gpu(cog_base)
        if "files" in only:
            files(cog_base)
        # last: the history then holds the container runs as well
        if "history" in only:
            history(base, cog_base)
    finally:
        fakes.stop(proc)
        fakes.stop(cog)
        shutil.rmtree(SCRATCH, ignore_errors=True)
    T.summary()


if __name__ == "__main__":
    main()
