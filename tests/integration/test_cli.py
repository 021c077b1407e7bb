"""tests/integration/test_cli.py: the command line as a whole (tui/cli/).

- `--help`, the man page and the bash/zsh completions hold every option of
  every command's table (`r8play --options` prints the tables), and the
  parser accepts each: a test that fails when one drifts;
- `make install` puts the man page and the completions under PREFIX;
- every command reads token and api_base the same way: `r8play schema` with
  a config file holding both uses both (fake Replicate API);
- one error format, `r8play COMMAND: message`;
- `models` in a pipe prints whole fields, COLUMNS on a terminal, --json
  with "next";
- `predictions` prints whole timestamps;
- --json escapes C0, DEL and C1 (raw 0x9B and U+009B) as \\u00XX; text
  output makes them visible (a hostile API served inline here);
- `run --local ... | cat` sanitises text output unless --raw;
- `run --local` keeps printing live logs past the client's 256 KiB cap;
- `run` writes text output as it streams (remote SSE, local webhooks), the
  first chunk well before the end, stdout ending with the complete value;
  --json prints the final record only.
"""
import http.server
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, ROOT, R8PLAY  # noqa: E402
import fakes  # noqa: E402

TOKEN = fakes.REPLICATE_TOKEN
WORK = tempfile.mkdtemp(prefix="r8play-cli-")
CFG = os.path.join(WORK, "cfg")
os.makedirs(CFG)


def env_of(extra=None, token=None):
    env = dict(os.environ)
    for k in ("REPLICATE_API_TOKEN", "R8PLAY_API_BASE", "COLUMNS"):
        env.pop(k, None)
    if token is not None:
        env["REPLICATE_API_TOKEN"] = token
    env["R8PLAY_CONFIG_DIR"] = CFG
    env.update(extra or {})
    return env


def run(args, extra=None, token=None, timeout=60, raw=False):
    p = subprocess.run([R8PLAY] + args, capture_output=True,
                       env=env_of(extra, token), cwd=WORK, timeout=timeout)
    if raw:
        return p.returncode, p.stdout, p.stderr
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def write_config(text):
    path = os.path.join(CFG, "config")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def clear_config():
    try:
        os.unlink(os.path.join(CFG, "config"))
    except OSError:
        pass


# ---- the documents against the tables

def test_documents():
    rc, out, err = run(["--options"])
    rows = [ln.split("\t") for ln in out.splitlines()]
    check(rc == 0 and len(rows) > 40 and all(len(r) == 3 for r in rows),
          "--options: the tables, one row per option", out[:200])
    cmds = []
    for c, _, _ in rows:
        if c not in cmds:
            cmds.append(c)
    check(set(["models", "model", "run", "predictions", "cancel", "schema",
               "show", "cost"]) <= set(cmds), "every command has a table",
          cmds)
    man = os.path.join(ROOT, os.environ.get("O", "build/default"), "man",
                       "r8play.1")
    bash = os.path.join(os.path.dirname(man), "..", "completions",
                        "r8play.bash")
    zsh = os.path.join(os.path.dirname(man), "..", "completions", "_r8play")
    docs = {}
    for name, path in (("man", man), ("bash", bash), ("zsh", zsh)):
        try:
            with open(path) as f:
                docs[name] = f.read()
        except OSError:
            docs[name] = ""
    # the built files are what the binary says now (not stale)
    check(docs["man"] == run(["--man"])[1], "build's r8play.1 is current")
    check(docs["bash"] == run(["--completion", "bash"])[1],
          "build's bash completion is current")
    check(docs["zsh"] == run(["--completion", "zsh"])[1],
          "build's zsh completion is current")
    top = run(["--help"])[1]
    helps = {c: run([c, "--help"]) for c in cmds}
    drift = []
    for c, opt, arg in rows:
        rc, h, _ = helps[c]
        label = opt if arg == "-" else opt + " " + arg
        if rc != 0 or ("  " + label) not in h or ("[" + label) not in h:
            drift.append((c, opt, "--help"))
        if (".B " + opt.replace("-", "\\-")) not in docs["man"]:
            drift.append((c, opt, "man"))
        arm = re.search(r"\n\t%s\)\n(.*?);;" % re.escape(c), docs["bash"],
                        re.S)
        if not arm or (opt + " ") not in arm.group(1):
            drift.append((c, opt, "bash"))
        arm = re.search(r"\n\t%s\)\n(.*?);;" % re.escape(c), docs["zsh"],
                        re.S)
        if not arm or ("'%s[" % opt) not in arm.group(1) and \
                ("'*%s[" % opt) not in arm.group(1):
            drift.append((c, opt, "zsh"))
        # the parser knows it: an unknown option would fail before --help
        argv = [c, opt] + ([] if arg == "-" else ["x"]) + ["--help"]
        if run(argv)[0] != 0:
            drift.append((c, opt, "parser"))
    check(drift == [], "every option of every table in --help, man, bash, "
          "zsh, and the parser accepts it", drift[:10])
    check(all(("  %s " % c) in top for c in cmds),
          "r8play --help lists every command")
    check(all(('.SS "%s"' % c) in docs["man"] for c in cmds),
          "the man page has a section per command")
    # what the issue found missing from the old usage text
    for c, opt in (("cost", "--sweep"), ("cost", "--billing"),
                   ("cost", "--boot"), ("cost", "--idle"),
                   ("cost", "--measured"), ("cost", "--gpus"),
                   ("cost", "--available"), ("models", "--page"),
                   ("models", "--offline")):
        check(opt in helps[c][1].split("\n")[0] + helps[c][1],
              "%s --help shows %s" % (c, opt))
    if shutil.which("bash"):
        p = subprocess.run(["bash", "-c", "source %s && COMP_WORDS=(r8play "
                            "cost --sw); COMP_CWORD=2; _r8play; "
                            "echo ${COMPREPLY[@]}" % bash],
                           capture_output=True, text=True)
        check(p.stdout.strip() == "--sweep", "bash completes cost --sw",
              p.stdout + p.stderr)
    if shutil.which("zsh"):
        p = subprocess.run(["zsh", "-n", zsh], capture_output=True, text=True)
        check(p.returncode == 0, "zsh completion parses", p.stderr)
    if shutil.which("man") and shutil.which("groff"):
        p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", man],
                           capture_output=True, text=True)
        check(p.returncode == 0 and "models" in p.stdout,
              "the man page renders", p.stderr[:300])


def test_install():
    dest = os.path.join(WORK, "dest")
    o = os.environ.get("O", "build/default")
    build = os.environ.get("BUILD") or os.path.basename(o.rstrip("/"))
    p = subprocess.run(["make", "-s", "--no-print-directory", "install",
                        "DESTDIR=" + dest, "PREFIX=/usr", "O=" + o,
                        "BUILD=" + build],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    want = ["usr/bin/r8play", "usr/share/man/man1/r8play.1",
            "usr/share/bash-completion/completions/r8play",
            "usr/share/zsh/site-functions/_r8play"]
    check(p.returncode == 0 and
          all(os.path.exists(os.path.join(dest, w)) for w in want),
          "make install: binary, man page, bash and zsh completions",
          p.stdout + p.stderr)


# ---- the fake Replicate API

def test_replicate(base):
    api = base + "/v1"
    # schema reads the config file's api_base and token like every command
    write_config("api_base = %s\ntoken = %s\n" % (api, TOKEN))
    fakes.reset(base)
    rc, out, err = run(["schema", "stability-ai/sdxl"])
    log = [r for r in fakes.requests_log(base)
           if r["path"] == "/v1/models/stability-ai/sdxl"]
    check(rc == 0 and "prompt" in out and log and
          all(r["auth_ok"] for r in log),
          "schema: the config file's api_base and token are used", err)
    rc, out, err = run(["model", "stability-ai/sdxl"])
    check(rc == 0 and "stability-ai/sdxl" in out,
          "model: the same config, the same way", err)
    clear_config()

    # one error format: r8play COMMAND: message
    for args in (["models", "--collection", "no-such"],
                 ["model", "nobody/none"], ["predictions", "--page",
                                            api + "/nope"],
                 ["cancel", "nope"], ["schema", "nobody/none"],
                 ["run", "nobody/none"], ["cost", "nobody/none"]):
        rc, out, err = run(args + ["--api-base", api], token=TOKEN)
        lines = err.strip().splitlines()
        check(rc == 1 and len(lines) == 1 and
              lines[0].startswith("r8play %s: " % args[0]) and
              "r8play: " not in err,
              "error format: r8play %s: message, one line" % args[0], err)
    for args in (["models", "--nope"], ["cost", "--nope"],
                 ["show", "--nope", "x"], ["schema", "--nope"],
                 ["run", "--nope"], ["cancel"]):
        rc, out, err = run(args)
        check(rc == 2 and err.startswith("r8play %s: " % args[0]) and
              "\nusage: r8play " + args[0] in err,
              "usage error format: %s" % " ".join(args), err)
    rc, out, err = run(["run", "a/b", "--no-webhooks"])
    check(rc == 2 and "--no-webhooks needs --local" in err,
          "run: a --local option without --local is a usage error", err)
    rc, out, err = run(["models"])
    check(rc == 1 and err.startswith("r8play models: no API token"),
          "no token: r8play models: ...", err)

    # models in a pipe: whole fields, tab-separated
    rc, out, err = run(["models", "--api-base", api], token=TOKEN)
    lines = out.splitlines()
    check(rc == 0 and lines and all(ln.count("\t") == 2 for ln in lines)
          and "\u2026" not in out and "..." not in out,
          "models | cat: whole fields, tab-separated, nothing cut",
          out[:300])
    rc2, js, _ = run(["models", "--json", "--api-base", api], token=TOKEN)
    page = json.loads(js or "{}")
    descs = {"%s/%s" % (m["owner"], m["name"]): m["description"] or ""
             for m in page.get("results", [])}
    whole = all(ln.split("\t")[2] == descs.get(ln.split("\t")[0], "")
                .replace("\n", " ").replace("\t", " ") for ln in lines)
    check(whole and any(len(d) > 72 for d in descs.values()),
          "models | cat: descriptions whole (some are over 72 columns)")
    check(rc2 == 0 and set(page) == {"results", "next"} and
          isinstance(page["next"], str),
          "models --json: {results, next}", js[:200])
    # on a terminal: COLUMNS respected
    for cols in (60, 120):
        out = run_pty(["models", "--api-base", api],
                      env_of({"COLUMNS": str(cols)}, TOKEN))
        rows = [ln for ln in out.split("\r\n") if ln.strip() and
                not ln.startswith("(more")]
        check(rows and all(len(ln) <= cols for ln in rows) and
              any(len(ln) > cols - 8 for ln in rows),
              "models on a terminal: fits COLUMNS=%d" % cols,
              [len(ln) for ln in rows][:5])

    # predictions: whole timestamps
    rc, out, err = run(["predictions", "--api-base", api], token=TOKEN)
    rc2, js, _ = run(["predictions", "--json", "--api-base", api],
                     token=TOKEN)
    stamps = [p["created_at"] for p in json.loads(js or "{}")
              .get("results", []) if p.get("created_at")]
    check(rc == 0 and stamps and all(s in out for s in stamps),
          "predictions: whole created_at timestamps", out[:300])
    check(set(json.loads(js or "{}")) == {"results", "next"},
          "predictions --json: {results, next}")

    # a failed run says its error once
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=FAIL",
                        "--api-base", api], token=TOKEN)
    check(rc == 1 and err.count("NSFW content detected") == 1 and
          len(re.findall(r"\bfailed\b", err)) == 1,
          "run: a failed prediction is said once, with its error",
          err[-400:])


def run_pty(args, env, timeout=30):
    """Run r8play on a pseudo-terminal; returns what it wrote."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(WORK)
        os.execve(R8PLAY, [R8PLAY] + args, env)
    out = b""
    while True:
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            break
        try:
            b = os.read(fd, 65536)
        except OSError:
            break
        if not b:
            break
        out += b
    os.waitpid(pid, 0)
    os.close(fd)
    return out.decode("utf-8", "replace")


# ---- a hostile API, served here: C0, C1, DEL, invalid UTF-8 in strings

EVIL = "x\x1b]0;pwned\x07\u009b1;31m\x9b\x7fz"   # \x9b: U+009B as well


def evil_bytes(s):
    """JSON whose strings hold raw control bytes: a raw 0x9B too."""
    return s.encode("utf-8").replace("RAW9B".encode(), b"\x9b")


class Hostile(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def model(self):
        schema = {"openapi": "3.0.2", "components": {"schemas": {
            "Input": {"type": "object", "properties": {
                "prompt": {"type": "string", "title": "RAW9B" + EVIL,
                           "description": EVIL, "default": EVIL},
                "mode": {"type": "string", "enum": [EVIL, "RAW9B"],
                         "default": "RAW9B"}}},
            "Output": {"type": "string"}}}}
        return {"owner": "evil", "name": "m" + EVIL, "description": EVIL +
                "RAW9B", "visibility": "public", "run_count": 1,
                "url": "https://x/" + EVIL,
                "latest_version": {"id": "v1", "created_at": EVIL,
                                   "openapi_schema": schema}}

    def do_GET(self):
        if self.path.startswith("/v1/models/"):
            body = json.dumps(self.model(), ensure_ascii=False)
        elif self.path.startswith("/v1/models"):
            body = json.dumps({"results": [self.model()], "next": None},
                              ensure_ascii=False)
        elif self.path.startswith("/v1/predictions"):
            body = json.dumps({"results": [{
                "id": "p" + EVIL, "model": EVIL, "version": "v",
                "status": "succeeded", "created_at": EVIL, "error": EVIL,
                "output": [EVIL + "RAW9B"], "urls": {}}], "next": None},
                ensure_ascii=False)
        else:
            self.reply(b"{}", 404)
            return
        self.reply(evil_bytes(body))


def clean(b, what):
    bad = [c for c in (b"\x1b", b"\x07", b"\x9b", b"\xc2\x9b", b"\x7f")
           if c in b]
    check(not bad, what, (bad, b[:300]))


def test_hostile():
    srv = http.server.HTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    api = ["--api-base", "http://127.0.0.1:%d/v1" % srv.server_port]
    for args in (["models"], ["model", "evil/m"], ["predictions"]):
        rc, out, err = run(args + ["--json"] + api, token=TOKEN, raw=True)
        clean(out + err, "%s --json: no raw C0/C1/DEL" % args[0])
        try:
            doc = json.loads(out.decode("utf-8"))
        except ValueError:
            doc = None
        check(rc == 0 and doc is not None and b"\\u009b" in out and
              b"\\u001b" in out and b"\\u007f" in out,
              "%s --json: valid JSON, controls as \\u00XX" % args[0],
              out[:300])
        rc, out, err = run(args + api, token=TOKEN, raw=True)
        clean(out + err, "%s: text output has no raw C0/C1/DEL" % args[0])
        check(rc == 0 and b"^[" in out, "%s: controls shown visibly"
              % args[0], out[:300])
    rc, out, err = run(["schema", "evil/m", "--json"] + api, token=TOKEN,
                       raw=True)
    clean(out + err, "schema --json: no raw C0/C1/DEL")
    rc, out, err = run(["schema", "evil/m", "--request", "-i", "prompt=a"]
                       + api, token=TOKEN, raw=True)
    clean(out + err, "schema --request: no raw C0/C1/DEL")
    for fmt in ("curl", "cog", "python", "js", "r8play", "curl-cog"):
        rc, out, err = run(["schema", "evil/m", "--export", fmt, "-i",
                            "prompt=a" + EVIL.replace("\x9b", "")] + api,
                           token=TOKEN, raw=True)
        clean(out + err, "schema --export %s: no raw C0/C1/DEL" % fmt)
    srv.shutdown()
    srv.server_close()


# ---- a Cog server, served here: text output with controls, long logs

LOG_LINES = 40000   # 440,000 bytes: past the client's 256 KiB


def log_text(n, start=0):
    return "".join("line %05d\n" % i for i in range(start, n))


class Cog(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, obj, status=200):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health-check":
            self.reply({"status": "READY", "setup": {"status": "succeeded"}})
        else:
            self.reply({"detail": "Not Found"}, 404)

    def do_PUT(self):
        n = int(self.headers.get("Content-Length") or 0)
        req = json.loads(self.rfile.read(n) or b"{}")
        pid = self.path.rsplit("/", 1)[-1]
        mode = (req.get("input") or {}).get("mode", "text")
        hook = req.get("webhook")
        if mode == "logs" and hook:
            # the logs grow past the cap between webhooks
            for upto in (20000, 30000, LOG_LINES):
                body = json.dumps({"id": pid, "status": "processing",
                                   "logs": log_text(upto), "output": None,
                                   "input": req.get("input")}).encode()
                urllib.request.urlopen(urllib.request.Request(
                    hook, data=body, method="POST",
                    headers={"Content-Type": "application/json"}),
                    timeout=10).read()
            self.reply({"id": pid, "status": "succeeded", "output": "done",
                        "logs": log_text(LOG_LINES)})
            return
        self.reply({"id": pid, "status": "succeeded", "logs": "",
                    "output": "hi \x1b[31mred\x1b[0m \u009b2J\x07 end"})


def test_local():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Cog)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % srv.server_port
    rc, out, err = run(["run", "--local", url, "--no-webhooks", "-i",
                        "mode=text"], raw=True)
    check(rc == 0 and b"hi " in out and b" end" in out, "run --local | cat: "
          "the text output", out + err)
    clean(out, "run --local | cat: no raw escape, C1 or BEL in a pipe")
    check(b"^[[31m" in out, "run --local | cat: controls shown visibly", out)
    rc, out, err = run(["run", "--local", url, "--no-webhooks", "--raw",
                        "-i", "mode=text"], raw=True)
    check(rc == 0 and b"\x1b[31m" in out, "run --local --raw: as sent", out)
    rc, out, err = run(["run", "--local", url, "-i", "mode=logs"],
                       timeout=120)
    seen = re.findall(r"^line (\d{5})$", err, re.M)
    nums = [int(s) for s in seen]
    check(rc == 0 and nums == list(range(LOG_LINES)),
          "run --local: every log line once, in order, past 256 KiB",
          (rc, len(nums), nums[-1:] if nums else None, err[-300:]))
    check("dropped" not in err, "run --local: nothing dropped when the "
          "logs were read in time")
    srv.shutdown()
    srv.server_close()


def test_local_registry():
    """r8.im references go to config registry, R8PLAY_REGISTRY winning."""
    proc, base = fakes.start_fake("docker.py", "--port", "0")
    host = "tcp://" + base.split("://", 1)[1]
    try:
        write_config("registry = 127.0.0.1:5999\n")
        env = dict(os.environ)
        env.pop("R8PLAY_REGISTRY", None)
        p = subprocess.run([R8PLAY, "local", "pull", "r8.im/acme/cfg:v1"],
                           capture_output=True, cwd=WORK, timeout=60,
                           env=dict(env, R8PLAY_CONFIG_DIR=CFG,
                                    DOCKER_HOST=host))
        rc, out = p.returncode, p.stdout.decode("utf-8", "replace")
        check(rc == 0, "local pull with config registry", out +
              p.stderr.decode("utf-8", "replace"))
        rc, out, err = run(["local", "pull", "r8.im/acme/env:v1"],
                           extra={"DOCKER_HOST": host,
                                  "R8PLAY_REGISTRY": "127.0.0.1:5998"})
        check(rc == 0, "local pull with R8PLAY_REGISTRY too", out + err)
        _, _, body = fakes.http_request("GET", base + "/_fake/requests")
        seen = [q["path"] for q in json.loads(body)
                if "/images/create" in q["path"]]
        check(any("fromImage=127.0.0.1%3A5999%2Facme%2Fcfg" in q
                  for q in seen) and
              any("fromImage=127.0.0.1%3A5998%2Facme%2Fenv" in q
                  for q in seen),
              "the daemon was asked for r8.im rewritten: config registry, "
              "R8PLAY_REGISTRY winning over it", seen)
    finally:
        write_config("")
        fakes.stop(proc)


def timed_run(args, extra=None, token=None):
    """Run r8play, reading stdout as it comes: (rc, [(seconds, bytes)],
    total seconds, stderr)."""
    import time
    p = subprocess.Popen([R8PLAY] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env_of(extra, token),
                         cwd=WORK)
    t0 = time.monotonic()
    chunks = []
    while True:
        b = os.read(p.stdout.fileno(), 65536)
        if not b:
            break
        chunks.append((time.monotonic() - t0, b))
    err = p.stderr.read().decode("utf-8", "replace")
    rc = p.wait(timeout=60)
    return rc, chunks, time.monotonic() - t0, err


def check_streamed(what, rc, chunks, total, err, final):
    out = b"".join(c for _, c in chunks).decode("utf-8", "replace")
    want = final if final.endswith("\n") else final + "\n"
    check(rc == 0 and out == want, what + ": stdout is the complete value",
          (rc, out[-200:], want[-200:], err[-300:]))
    first = chunks[0][0] if chunks else total
    print("    %s: %d chunks, first at %.2f s of %.2f s" %
          (what, len(chunks), first, total))
    check(len(chunks) >= 3 and first < total / 2,
          what + ": text written as it arrives (first chunk well before "
          "the end)", [(round(t, 2), c[:20]) for t, c in chunks[:5]])


def test_streaming(base):
    api = ["--api-base", base + "/v1"]
    model = "meta/meta-llama-3-8b-instruct"
    rc, out, err = run(["run", model, "-i", "prompt=hi", "--json"] + api,
                       token=TOKEN)
    j = {}
    try:
        j = json.loads(out)
    except ValueError:
        pass
    final = "".join(j.get("output") or [])
    check(rc == 0 and j.get("status") == "succeeded" and final and
          len(out.strip().splitlines()) == 1,
          "run --json: the final record only, one line", out[:300])
    rc, chunks, total, err = timed_run(["run", model, "-i", "prompt=hi"] +
                                       api, token=TOKEN)
    check_streamed("run (SSE)", rc, chunks, total, err, final)
    proc, cbase = fakes.start_cog("--setup-seconds", "0.1",
                                  predictor="tokens")
    try:
        fakes.wait_cog_health(cbase, "READY", 10)
        rc, chunks, total, err = timed_run(["run", "--local", cbase, "-i",
                                            "count=8", "-i", "delay=0.3"])
        final = "\n".join("item-%d" % i for i in range(8))
        check_streamed("run --local (webhooks)", rc, chunks, total, err,
                       final)
    finally:
        fakes.stop(proc)


def test_retry_countdown(base):
    """While a retry waits, a terminal's stderr says what for, with a
    countdown, erased when the wait ends; a pipe gets one plain line per
    wait (no carriage return, no escape)."""
    api = ["--api-base", base + "/v1"]
    fault = [{"path": "/v1/models/stability-ai/sdxl$", "method": "GET",
              "kind": "429", "retry_after": 2, "count": 1}]
    fakes.set_faults(base, fault)
    out = run_pty(["model", "stability-ai/sdxl"] + api,
                  env_of(token=TOKEN))
    check("rate limited" in out and "next try in" in out and
          "\r\x1b[K" in out and "sdxl" in out.split("next try in")[-1],
          "retry on a terminal: what is waited for, a countdown, erased",
          out[:400])
    fakes.set_faults(base, fault)
    rc, out, err = run(["model", "stability-ai/sdxl"] + api, token=TOKEN)
    said = [l for l in err.splitlines() if "next try in" in l]
    check(rc == 0 and len(said) == 1 and "rate limited" in said[0] and
          "\r" not in err and "\x1b" not in err,
          "retry in a pipe: one plain line per wait", err[:300])
    fakes.set_faults(base, [])


def test_demo_leaves_nothing():
    """make demo runs r8play in the checkout: what it saves there (its
    outputs, a history database) is ignored by git (issue 16, item 1)."""
    root = ROOT
    if subprocess.run(["git", "-C", root, "rev-parse"],
                      capture_output=True).returncode != 0:
        return          # not a git checkout (a release tarball)
    p = subprocess.run(["git", "-C", root, "check-ignore", "--no-index",
                        "r8play-outputs/r8p-0123/output.png",
                        "history.db", "history.db-wal"],
                       capture_output=True, text=True)
    check(p.returncode == 0 and len(p.stdout.split()) == 3,
          "git ignores the demo's outputs and history", p.stdout + p.stderr)


def test_error_prefix():
    """Every command says its errors as `r8play COMMAND: message`, each
    line of them (issue 16, item 11)."""
    rc, out, _ = run(["--help"])
    cmds = re.findall(r"^  ([a-z]+) {2,}\S", out.split("commands:")[1]
                      .split("options:")[0], re.M)
    check(len(cmds) >= 13, "the help lists the commands", cmds)
    for c in cmds:
        rc, _, err = run([c, "--no-such-option"])
        check(rc != 0 and err.startswith("r8play %s: unknown option "
                                         "--no-such-option" % c),
              "%s: an unknown option said as r8play %s: ..." % (c, c), err)
    dead = "http://127.0.0.1:1/v1"
    for args in (["models"], ["model", "a/b"], ["run", "a/b"],
                 ["predictions"], ["get", "abc"], ["cancel", "abc"],
                 ["schema", "a/b"]):
        rc, _, err = run(args + ["--api-base", dead], token=TOKEN)
        lines = [ln for ln in err.splitlines() if ln.strip()]
        check(rc != 0 and lines and all(
            ln.startswith("r8play %s: " % args[0]) for ln in lines),
              "%s, no server: every line r8play %s: ..." % (args[0],
                                                          args[0]), err)
    proc, cog = fakes.start_fake("cog.py", "--quiet")
    try:
        rc, _, err = run(["schema", "--local", cog, "--example"])
        check(rc == 1 and err == "r8play schema: no default_example in "
              "this source\n", "schema --example without one: r8play "
              "schema: ...", err)
    finally:
        fakes.stop(proc)


def main():
    proc, base = fakes.start_replicate()
    try:
        test_documents()
        test_replicate(base)
        test_hostile()
        test_local()
        test_local_registry()
        test_streaming(base)
        test_retry_countdown(base)
        test_error_prefix()
        test_demo_leaves_nothing()
        if os.environ.get("R8PLAY_TEST_INSTALL", "1") == "1":
            test_install()
    finally:
        fakes.stop(proc)
        shutil.rmtree(WORK, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
