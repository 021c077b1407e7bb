#!/usr/bin/env python3
"""tests/integration/test_forms_replicate.py: `r8play schema OWNER/NAME`
against the fake Replicate API, and every Replicate export run for real:
curl by version and by the official-model endpoint (the fake validates the
input against the version's schema), Python and JavaScript with stub
`replicate` modules, and `r8play run` through a shell function; each must
deliver exactly the request r8play builds. Secrets and the token never
appear in an export."""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
from t import check, summary, FIXTURES  # noqa: E402
from fakes import start_replicate, stop, requests_log, REPLICATE_TOKEN  # noqa
import forms_lib as fl  # noqa: E402

TMP = tempfile.mkdtemp(prefix="test_forms_replicate.")
fl.write_tools(TMP)
WEBP = os.path.join(TMP, "corgi it's.webp")
shutil.copy(os.path.join(FIXTURES, "images", "sdxl-corgi-512.webp"), WEBP)
BIG = os.path.join(FIXTURES, "images", "sdxl-corgi-512.png")  # > 256 KiB
NASTY = "a \"corgi\" it's $HOME `id` \\ \n\u00e9\u4e2d \U0001f3a8 ;|&"

proc, base = start_replicate()
ENV = {"R8PLAY_API_BASE": base + "/v1", "REPLICATE_API_TOKEN": REPLICATE_TOKEN}


def iargs(args):
    out = []
    for a in args:
        out += ["-i", a]
    return out


def last_create():
    for r in reversed(requests_log(base)):
        if r["method"] == "POST" and r["path"].endswith("/predictions"):
            return r
    return None


try:
    # ---- schema over the network
    rc, out, err = fl.r8play("schema", "stability-ai/sdxl", "--json", env=ENV)
    check(rc == 0, "schema OWNER/NAME from the API", err)
    sj = json.loads(out) if rc == 0 else {"fields": []}
    ver = sj.get("version")
    check(len(sj["fields"]) == 19 and ver and ver.startswith("7762fd07"),
          "sdxl: 19 inputs, latest version", (len(sj["fields"]), ver))
    check(sj.get("output", {}).get("kind") == "files", "sdxl: output files")
    rc, out, err = fl.r8play(
        "schema", "stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea"
        "535525255b1aa35c5565e08b", "--json", env=ENV)
    check(rc == 0 and len(json.loads(out)["fields"]) == 17,
          "schema OWNER/NAME:VERSION gets that version", err)
    rc, out, err = fl.r8play("schema", "mattt/empty", env=ENV)
    check(rc == 1 and "no versions" in err, "a model without versions", err)
    rc, out, err = fl.r8play("schema", "nobody/none", env=ENV)
    check(rc == 1 and "404" in err and "\n" not in err.strip(),
          "an unknown model: one line with the status", err)
    rc, out, err = fl.r8play("schema", "not-a-ref", env=ENV)
    check(rc == 1 and "OWNER/NAME" in err, "a malformed reference", err)

    # ---- the table is plain text, no control bytes from the network
    rc, out, err = fl.r8play("schema", "stability-ai/sdxl", env=ENV)
    check(rc == 0 and "scheduler" in out and "\x1b" not in out,
          "the table lists the inputs")

    # ---- curl by version, run for real; the fake validates the input
    cases = [
        ("stability-ai/sdxl", "curl",
         ["prompt=" + NASTY, "seed=7", "width=768", "scheduler=DDIM",
          "guidance_scale=9.5", "apply_watermark=false", "image=@" + WEBP]),
        ("black-forest-labs/flux-schnell", "curl-model",
         ["prompt=" + NASTY, "num_outputs=2", "aspect_ratio=16:9",
          "go_fast=no"]),
        ("black-forest-labs/flux-schnell", "curl",
         ["prompt=plain", "seed=1"]),
    ]
    for ref, fmt, args in cases:
        rc, req, err = fl.r8play("schema", ref, "--request", *iargs(args),
                                 env=ENV)
        check(rc == 0, "%s: request builds" % ref, err)
        if rc != 0:
            continue
        req = json.loads(req)
        rc, line, err = fl.r8play("schema", ref, "--export", fmt,
                                  *iargs(args), env=ENV)
        check(rc == 0 and REPLICATE_TOKEN not in line and
              "$REPLICATE_API_TOKEN" in line,
              "%s %s: export with $REPLICATE_API_TOKEN only" % (ref, fmt), err)
        rc, out, err = fl.sh(line, env=ENV)
        got = last_create()
        body = json.loads(got["body"]) if got and "body" in got else None
        want = {"input": req}
        if fmt == "curl":
            want = {"version": json.loads(fl.r8play(
                "schema", ref, "--json", env=ENV)[1])["version"],
                "input": req}
        check(rc == 0 and fl.same(body, want),
              "%s %s: the API receives r8play's request" % (ref, fmt),
              "%s\n%s" % (json.dumps(body)[:300], json.dumps(want)[:300]))
        check(got and got.get("status") == 201 and got.get("auth_ok"),
              "%s %s: created (201) with the token" % (ref, fmt),
              got and got.get("status"))
        if fmt == "curl-model":
            check(got["path"] == "/v1/models/%s/predictions" % ref,
                  "curl-model uses the official-model endpoint", got["path"])
        pred = json.loads(out) if out.startswith("{") else {}
        check(pred.get("input") is not None and fl.same(pred["input"], req),
              "%s %s: the prediction echoes the input" % (ref, fmt))

    # the fake refuses what r8play refuses first
    rc, out, err = fl.r8play("schema", "stability-ai/sdxl", "--request", "-i",
                             "num_outputs=5", env=ENV)
    check(rc == 1 and "num_outputs: must be at most 4" in err,
          "an out-of-range input is refused before sending", err)
    # a file over the data: URI limit needs an upload
    rc, out, err = fl.r8play("schema", "stability-ai/sdxl", "--request", "-i",
                             "image=@" + BIG, env=ENV)
    check(rc == 1 and "needs an upload" in err,
          "a 290 KiB file is over the inline limit", err)
    rc, out, err = fl.r8play("schema", "stability-ai/sdxl", "--request",
                             "--inline", "-i", "image=@" + BIG, env=ENV)
    check(rc == 0 and json.loads(out)["image"].startswith(
        "data:image/png;base64,iVBOR"), "--inline sends it as data:")

    # ---- Python, JS and r8play exports, executed
    args = ["prompt=" + NASTY, "seed=42", "apply_watermark=false",
            "lora_scale=0.25", "image=@" + WEBP]
    req = json.loads(fl.r8play("schema", "stability-ai/sdxl", "--request",
                               *iargs(args), env=ENV)[1])
    ref = "stability-ai/sdxl:" + ver
    rc, prog, err = fl.r8play("schema", "stability-ai/sdxl", "--export",
                              "python", *iargs(args), env=ENV)
    check(rc == 0 and "replicate.run(" in prog, "python export", err)
    path = os.path.join(TMP, "run.py")
    with open(path, "w") as f:
        f.write(prog)
    rc, out, err = fl.sh("python3 run.py", cwd=TMP,
                         env={"PYTHONPATH": os.path.join(TMP, "py")})
    got = json.loads(out.splitlines()[0]) if rc == 0 and out else None
    check(got is not None and got["ref"] == ref and fl.same(got["input"], req),
          "python: replicate.run gets r8play's input", (err, out[:300]))

    rc, prog, err = fl.r8play("schema", "stability-ai/sdxl", "--export", "js",
                              *iargs(args), env=ENV)
    check(rc == 0 and "await replicate.run(" in prog, "js export", err)
    if shutil.which("node"):
        path = os.path.join(TMP, "js", "run.mjs")
        with open(path, "w") as f:
            f.write(prog)
        rc, out, err = fl.sh("node run.mjs", cwd=os.path.join(TMP, "js"))
        got = json.loads(out.splitlines()[0]) if rc == 0 and out else None
        want = dict(req)
        want["image"] = "b64:" + req["image"].split(",", 1)[1]
        check(got is not None and got["ref"] == ref and
              fl.same(got["input"], want),
              "js: replicate.run gets r8play's input", (err, out[:300]))

    rc, line, err = fl.r8play("schema", "stability-ai/sdxl", "--export",
                              "r8play", *iargs(args), env=ENV)
    check(rc == 0 and line.startswith("r8play run 'stability-ai/sdxl:"),
          "r8play export", err)
    fn = ('r8play() { [ "$1" = run ] || exit 9; shift; shift; '
          '"$R8PLAY_BIN" schema stability-ai/sdxl --request "$@"; }\n')
    rc, out, err = fl.sh(fn + line, env=dict(ENV, R8PLAY_BIN=fl.R8PLAY))
    check(rc == 0 and fl.same(json.loads(out or "null"), req),
          "r8play run -i words give the same input", (err, out[:300]))

    # ---- secrets never exported
    margs = ["input_videos=https://x.test/v.zip", "hf_token=hf_SEKRIT_123",
             "hub_model_id=me/model"]
    for fmt in ("curl", "curl-model", "curl-cog", "cog", "python", "js",
                "r8play"):
        rc, out, err = fl.r8play(
            "schema", "--file", os.path.join(
                FIXTURES, "replicate", "models", "model.list-item.lucataco__"
                "musubi-tuner.2025-01-15.json"), "--export", fmt,
            *iargs(margs), env=ENV)
        check(rc == 0 and "SEKRIT" not in out and "HF_TOKEN" in out,
              "%s export: the secret is $HF_TOKEN, never its value" % fmt,
              err or out[:200])
    rc, out, err = fl.r8play(
        "schema", "--file", os.path.join(
            FIXTURES, "replicate", "models", "model.list-item.lucataco__"
            "musubi-tuner.2025-01-15.json"), "--example", "--request")
    check(rc == 0 and "REDACTED" not in out and "RSNG-6.zip" in out,
          "--example loads default_example, not its redacted secret", err)
finally:
    stop(proc)
    shutil.rmtree(TMP, ignore_errors=True)
summary()
