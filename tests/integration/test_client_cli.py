"""tests/integration/test_client_cli.py: r8play's Replicate commands end to
end against the fake Replicate API (tests/fakes/replicate.py): models,
model, run, predictions, cancel, --help; outputs saved byte-identical to
what the fake served; failures, faults, Ctrl-C cancelling on the server;
the search fallback to GET /v1/search; the config file's 0600 rule; and the
API token never appearing in anything r8play prints.
"""
import atexit
import http.server
import json
import os
import signal
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, ROOT, R8PLAY, FIXTURES  # noqa: E402
import fakes  # noqa: E402

TOKEN = fakes.REPLICATE_TOKEN
SDXL_PNG = os.path.join(FIXTURES, "images", "sdxl-corgi-512.png")
ALL_OUTPUT = []     # every byte r8play printed, to grep for the token


def run(args, env_extra=None, cwd=None, timeout=60, token=TOKEN):
    env = dict(os.environ)
    env.pop("REPLICATE_API_TOKEN", None)
    if token is not None:
        env["REPLICATE_API_TOKEN"] = token
    env["R8PLAY_CONFIG_DIR"] = CFG
    env.update(env_extra or {})
    p = subprocess.run([R8PLAY] + args, capture_output=True, env=env,
                       cwd=cwd or WORK, timeout=timeout)
    ALL_OUTPUT.append(p.stdout + p.stderr)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def api(base):
    return ["--api-base", base + "/v1"]


def same_bytes(path, fixture):
    try:
        with open(path, "rb") as a, open(fixture, "rb") as b:
            return a.read() == b.read()
    except OSError:
        return False


def count(base, method, prefix):
    return sum(1 for r in fakes.requests_log(base)
               if r["method"] == method and r["path"].startswith(prefix))


def test_listing(base):
    rc, out, err = run(["models"] + api(base))
    lines = out.splitlines()
    check(rc == 0 and len(lines) == 25, "models: one page of 25", err)
    check(any(ln.startswith("fofr/latent-consistency-model") for ln in lines),
          "models: owner/name first")
    check("(more: r8play models --page http://" in err,
          "models: says where the next page is")
    rc, out, err = run(["models", "--json"] + api(base))
    try:
        page = json.loads(out)
        items = page["results"]
    except (ValueError, KeyError, TypeError):
        page, items = {}, []
    check(rc == 0 and len(items) == 25 and "latest_version" in items[0],
          "models --json: 25 objects")
    check(isinstance(page.get("next"), str) and
          page["next"].startswith("http://"),
          "models --json: the next page's URL, to page with --page", out[-200:])
    rc, out2, err = run(["models", "--json", "--page", page.get("next", "")]
                        + api(base))
    check(rc == 0 and json.loads(out2 or "{}").get("results") and
          out2 != out, "models --json --page NEXT: the following page", err)
    rc, out, err = run(["models", "--search", "llama"] + api(base))
    check(rc == 0 and "meta/meta-llama-3-8b-instruct" in out,
          "models --search llama (QUERY)", err)
    check(count(base, "QUERY", "/v1/models") >= 1, "search sent QUERY")
    rc, out, err = run(["models", "--collection", "text-to-image", "--json"]
                       + api(base))
    check(rc == 0 and len(json.loads(out or "{}").get("results", [])) == 38,
          "models --collection text-to-image: 38 models", err)
    rc, out, err = run(["models", "--collection", "no-such"] + api(base))
    check(rc == 1 and err.strip() == "r8play models: collection get no-such: The "
          "requested resource could not be found. (HTTP 404)",
          "models --collection unknown: one line", err)
    rc, out, err = run(["models", "--offline"], token=None)
    check(rc == 0 and len(out.splitlines()) == 18 and
          "stability-ai/sdxl" in out, "models --offline: the snapshot, no "
          "token needed", err)

    rc, out, err = run(["model", "stability-ai/sdxl"] + api(base))
    check(rc == 0 and "inputs:       19: prompt negative_prompt" in out and
          "version:      7762fd07" in out, "model: details and inputs", out)
    rc, out, err = run(["model", "stability-ai/sdxl", "--json"] + api(base))
    m = json.loads(out or "{}")
    check(rc == 0 and isinstance(m.get("latest_version", {})
                                 .get("openapi_schema"), dict),
          "model --json carries the OpenAPI schema")
    rc, out, err = run(["model", "mattt/empty"] + api(base))
    check(rc == 0 and "none (this model cannot be run)" in out,
          "model without versions", out)
    rc, out, err = run(["model", "nobody/none"] + api(base))
    check(rc == 1 and err.strip() == "r8play model: model get nobody/none: The "
          "requested resource could not be found. (HTTP 404)",
          "model unknown: one-line error", err)
    rc, out, err = run(["model", "justonename"] + api(base))
    check(rc == 2, "model bad ref: usage", err)

    rc, out, err = run(["predictions"] + api(base))
    check(rc == 0 and "azaq55dbukgxg6kubr4k6g3pby  succeeded" in out,
          "predictions: table", out)
    rc, out, err = run(["predictions", "--json"] + api(base))
    check(rc == 0 and any(p["id"] == "hdwst0bb05rgp0cf0p29mzk2am" and
                          p["status"] == "canceled"
                          for p in json.loads(out or "{}")["results"]),
          "predictions --json")


def test_run(base):
    d = tempfile.mkdtemp(dir=WORK)
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=a corgi",
                        "-i", "num_outputs=2"] + api(base), cwd=d)
    paths = out.split()
    check(rc == 0 and len(paths) == 2, "run sdxl: 2 paths printed", err)
    check(all(same_bytes(os.path.join(d, p), SDXL_PNG) for p in paths),
          "run sdxl: files byte-identical to what the fake served")
    pid = paths[0].split("/")[1] if paths else "?"
    check(all(p.startswith("./" + pid + "/out-") for p in paths),
          "run: default output dir is ./<prediction id>", out)
    check("100%|" in err and "r8play run: status: succeeded" in err,
          "run: logs with progress on stderr", err[-300:])
    check(count(base, "GET", "/v1/streams/") >= 1, "run followed the SSE "
          "stream")

    od = os.path.join(d, "outs")
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=x",
                        "--output-dir", od, "--json"] + api(base), cwd=d)
    j = json.loads(out or "{}")
    check(rc == 0 and j.get("status") == "succeeded" and
          len(j.get("files", [])) == 1 and
          j["files"][0] == os.path.join(od, "out-0.png") and
          same_bytes(j["files"][0], SDXL_PNG), "run --json --output-dir", out)
    # again into the same folder: never overwrites
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=x",
                        "--output-dir", od] + api(base), cwd=d)
    check(rc == 0 and out.strip() == os.path.join(od, "out-0-1.png"),
          "run: a name taken in the folder gets -1", out)

    rc, out, err = run(["run", "stability-ai/sdxl", "--wait", "10", "-i",
                        "prompt=DATAURI corgi"] + api(base), cwd=d)
    check(rc == 0 and out.strip().endswith("/output.png") and
          same_bytes(os.path.join(d, out.strip()), SDXL_PNG),
          "run --wait with a data: URI output", err)

    with open(os.path.join(FIXTURES, "replicate", "models",
                           "model.list-item.meta__meta-llama-3-8b-instruct."
                           "2025-01-15.json")) as f:
        want = "".join(json.load(f)["default_example"]["output"])
    rc, out, err = run(["run", "meta/meta-llama-3-8b-instruct", "-i",
                        "prompt=hi"] + api(base), cwd=d)
    check(rc == 0 and out == want.rstrip("\n") + "\n",
          "run an LLM (official model): the streamed text", out[:200])

    fakes.set_faults(base, [{"kind": "drop_sse", "events": 4}])
    rc, out, err = run(["run", "meta/meta-llama-3-8b-instruct", "-i",
                        "prompt=hi"] + api(base),
                       env_extra={"R8PLAY_POLL_MS": "100"}, cwd=d)
    check(rc == 0 and out == want.rstrip("\n") + "\n",
          "run: the stream drops, polling finishes it, nothing lost", err)

    fakes.reset(base)
    fakes.set_faults(base, [{"kind": "429", "path": "/v1/predictions$",
                             "method": "POST", "retry_after": 1}])
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=x"]
                       + api(base), cwd=d)
    check(rc == 0 and count(base, "POST", "/v1/predictions") == 2,
          "run: a 429 on create waits and retries once", err)
    fakes.reset(base)
    fakes.set_faults(base, [{"kind": "500", "path": "/v1/predictions$",
                             "method": "POST"}])
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=x"]
                       + api(base), cwd=d)
    check(rc == 1 and count(base, "POST", "/v1/predictions") == 1 and
          "prediction create stability-ai/sdxl: Internal server error "
          "(HTTP 500)" in err, "run: a 500 on create is not retried", err)

    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=FAIL"]
                       + api(base), cwd=d)
    check(rc == 1 and "failed: NSFW content detected" in err,
          "run: a failed prediction exits 1 with its error", err)
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "width=wide"]
                       + api(base), cwd=d)
    check(rc == 2 and "width" in err and count(base, "POST",
                                               "/v1/predictions") == 2,
          "run: an input of the wrong type never reaches the API", err)
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "bogus=1"]
                       + api(base), cwd=d)
    check(rc == 2 and "bogus" in err, "run: unknown input", err)
    rc, out, err = run(["run", "mattt/empty"] + api(base), cwd=d)
    check(rc == 1 and "has no version to run" in err, "run: no version", err)
    rc, out, err = run(["run", "stability-ai/sdxl:0000", "-i", "prompt=x"]
                       + api(base), cwd=d)
    check(rc == 1 and "version get stability-ai/sdxl:0000" in err,
          "run: unknown version", err)

    # a file input: small files go inline as data: URIs
    img = os.path.join(d, "in.png")
    with open(SDXL_PNG, "rb") as f, open(img, "wb") as g:
        g.write(f.read()[:2000])
    fakes.reset(base)
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=x", "-i",
                        "image=@" + img] + api(base), cwd=d)
    body = [r for r in fakes.requests_log(base)
            if r["method"] == "POST" and r["path"] == "/v1/predictions"]
    check(rc == 0 and body and json.loads(body[0]["body"])["input"]["image"]
          .startswith("data:image/png;base64,"), "run: -i image=@file sent "
          "as a data: URI", err)

    # a big file input goes through POST /v1/files, its URL into the input
    big = os.path.join(d, "big.png")
    with open(SDXL_PNG, "rb") as f, open(big, "wb") as g:
        g.write(f.read())
    fakes.reset(base)
    rc, out, err = run(["run", "stability-ai/sdxl", "-i", "prompt=x", "-i",
                        "image=@" + big] + api(base), cwd=d)
    log = fakes.requests_log(base)
    ups = [r for r in log if r["method"] == "POST" and r["path"] == "/v1/files"]
    body = [r for r in log
            if r["method"] == "POST" and r["path"] == "/v1/predictions"]
    image = json.loads(body[0]["body"])["input"]["image"] if body else ""
    check(rc == 0 and len(ups) == 1 and
          image.startswith(base + "/v1/files/"),
          "run: -i image=@big.png uploaded, its urls.get sent", err + image)


def test_cancel(base):
    st, _, b = fakes.http_request(
        "POST", base + "/v1/predictions",
        json.dumps({"version": "7762fd07cf82c948538e41f63f77d685e02b063e37e"
                    "496e96eefd46c929f9bdc", "input": {"prompt": "x"}}),
        {"Authorization": "Bearer " + TOKEN,
         "Content-Type": "application/json"})
    pid = json.loads(b)["id"] if st == 201 else "?"
    rc, out, err = run(["cancel", pid] + api(base))
    check(rc == 0 and out.strip() == pid + ": canceled", "cancel ID", err)
    rc, out, err = run(["cancel", "azaq55dbukgxg6kubr4k6g3pby"] + api(base))
    check(rc == 1 and "succeeded" in out and "already succeeded" in err,
          "cancel a finished prediction: exit 1, says so", err)
    rc, out, err = run(["cancel", "nope"] + api(base))
    check(rc == 1 and err.strip() == "r8play cancel: prediction cancel nope: The "
          "requested resource could not be found. (HTTP 404)",
          "cancel unknown id", err)


def test_interrupt():
    proc, base = fakes.start_replicate("--speed", "0.2", "--quiet")
    try:
        env = dict(os.environ)
        env["REPLICATE_API_TOKEN"] = TOKEN
        env["R8PLAY_CONFIG_DIR"] = CFG
        p = subprocess.Popen([R8PLAY, "run", "stability-ai/sdxl", "-i",
                              "prompt=x"] + api(base), env=env, cwd=WORK,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        pid = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and pid is None:
            for r in fakes.requests_log(base):
                if r["path"].startswith("/v1/streams/"):
                    pid = True
            time.sleep(0.1)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        ALL_OUTPUT.append(out + err)
        err = err.decode("utf-8", "replace")
        check(p.returncode == 130, "run: Ctrl-C exits 130", err)
        check("interrupted: canceling" in err and ": canceled" in err,
              "run: Ctrl-C cancels on the server first", err)
        cancels = [r for r in fakes.requests_log(base)
                   if r["method"] == "POST" and r["path"].endswith("/cancel")]
        check(len(cancels) == 1, "run: one cancel request reached the API")
    finally:
        fakes.stop(proc)


class SearchOnly(http.server.BaseHTTPRequestHandler):
    """An API without QUERY (405), with GET /v1/search (the newer spec)."""

    def log_message(self, *a):
        pass

    def do_QUERY(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        self.send_response(405)
        self.send_header("Content-Type", "application/problem+json")
        body = b'{"detail":"Method \\"QUERY\\" not allowed.","status":405}'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        body = json.dumps({"query": "banana", "models": [{"model": {
            "owner": "google", "name": "nano-banana", "description":
            "Image editing", "run_count": 7, "latest_version": {
                "id": "v", "openapi_schema": {}}}, "metadata": {}}],
            "collections": [], "pages": []}).encode()
        ok = self.path.startswith("/v1/search?query=ba%20nana")
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_search_fallback():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SearchOnly)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    try:
        base = "http://127.0.0.1:%d" % srv.server_address[1]
        rc, out, err = run(["models", "--search", "ba nana"] + api(base))
        check(rc == 0 and out.startswith("google/nano-banana"),
              "search: 405 on QUERY falls back to GET /v1/search", err + out)
    finally:
        srv.shutdown()


def test_config_and_token(base):
    path = os.path.join(CFG, "config")
    secret = "r8_cfgsecret_4242"
    with open(path, "w") as f:
        f.write("# r8play\ntoken = %s\napi_base = %s/v1\n" % (secret, base))
    os.chmod(path, 0o644)
    rc, out, err = run(["models"], token=None)
    check(rc == 1 and "mode 0644" in err and "0600" in err and
          secret not in err, "config holding a token at 0644 is refused",
          err)
    os.chmod(path, 0o600)
    rc, out, err = run(["model", "stability-ai/sdxl"], token=None)
    check(rc == 1 and "Unauthenticated" in err and secret not in err,
          "config token and api_base are used (this token is wrong: 401)",
          err)
    with open(path, "w") as f:
        f.write("token = %s\napi_base = %s/v1\n" % (TOKEN, base))
    rc, out, err = run(["model", "stability-ai/sdxl"], token=None)
    check(rc == 0 and "stability-ai/sdxl" in out, "config token works", err)
    os.remove(path)
    rc, out, err = run(["models"] + api(base), token=None)
    check(rc == 1 and "no API token" in err, "no token: says how to set it",
          err)
    rc, out, err = run(["models"] + api(base), token="r8_badbadbad_77")
    check(rc == 1 and "Unauthenticated" in err and "r8_badbadbad_77" not in
          err, "bad token: the 401's message, not the token", err)
    rc, out, err = run(["model", "stability-ai/sdxl"],
                       env_extra={"R8PLAY_API_BASE": base + "/v1"})
    check(rc == 0 and "stability-ai/sdxl" in out, "R8PLAY_API_BASE is used",
          err)
    rc, out, err = run(["models", "--api-base", "ftp://x"])
    check(rc == 1 and "http(s)" in err, "a bad API base is refused", err)


def test_help():
    for cmd in ("models", "model", "run", "predictions", "cancel"):
        rc, out, err = run([cmd, "--help"], token=None)
        check(rc == 0 and out.startswith("usage: r8play " + cmd),
              "%s --help" % cmd, err)
    rc, out, err = run(["run"], token=None)
    check(rc == 2 and err.startswith("r8play run: ") and
          "\nusage: r8play run" in err, "run: usage", err)


def main():
    global WORK, CFG
    WORK = tempfile.mkdtemp(prefix="r8play-cli.")
    CFG = tempfile.mkdtemp(prefix="r8play-cfg.")
    for d in (WORK, CFG):
        atexit.register(shutil.rmtree, d, True)
    proc, base = fakes.start_replicate("--speed", "4", "--quiet")
    try:
        test_help()
        test_listing(base)
        test_run(base)
        test_cancel(base)
        test_config_and_token(base)
    finally:
        fakes.stop(proc)
    test_search_fallback()
    test_interrupt()
    leaked = [o for o in ALL_OUTPUT if TOKEN.encode() in o or
              b"r8_cfgsecret_4242" in o]
    check(not leaked and len(ALL_OUTPUT) > 30,
          "the token appears in none of %d outputs" % len(ALL_OUTPUT))
    summary()


if __name__ == "__main__":
    main()
