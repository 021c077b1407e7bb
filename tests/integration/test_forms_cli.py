#!/usr/bin/env python3
"""tests/integration/test_forms_cli.py: `r8play schema --file` offline: the
--json shape for every recorded schema, the table, exit statuses and
messages for documents that are not schemas, --example, --diff."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
from t import check, summary, FIXTURES  # noqa: E402
import forms_lib as fl  # noqa: E402

KEYS = ("name", "kind", "required", "default", "minimum", "maximum",
        "choices", "description")
KINDS = {"string", "text", "secret", "file", "integer", "number", "boolean",
         "enum", "array", "union", "json"}
OUT_KINDS = {"string", "file", "files", "text-stream", "iterator", "array",
             "object", "number", "integer", "boolean", "json"}

docs = sorted(glob.glob(os.path.join(FIXTURES, "cog", "*", "*openapi*.body")) +
              glob.glob(os.path.join(FIXTURES, "replicate", "models", "*.json"))
              + glob.glob(os.path.join(FIXTURES, "replicate", "responses",
                                       "version.get.*")))
for path in docs:
    name = os.path.relpath(path, FIXTURES)
    rc, out, err = fl.r8play("schema", "--file", path, "--json")
    try:
        sj = json.loads(out)
    except ValueError:
        sj = None
    check(rc == 0 and sj is not None, "%s: --json is JSON" % name, err)
    if sj is None:
        continue
    # the raw document, to compare names and order
    raw = json.load(open(path))
    if "latest_version" in raw:
        raw = raw["latest_version"]["openapi_schema"]
    elif "openapi_schema" in raw:
        raw = raw["openapi_schema"]
    props = raw["components"]["schemas"]["Input"].get("properties", {})
    order = sorted(props, key=lambda k: (props[k].get("x-order") is None,
                                         props[k].get("x-order", 0), k))
    check([f["name"] for f in sj["fields"]] == order,
          "%s: every input, in x-order" % name)
    check(all(all(k in f for k in KEYS) and f["kind"] in KINDS
              for f in sj["fields"]), "%s: each field has the keys" % name)
    check(all((f["default"] is None) == ("default" not in props[f["name"]])
              for f in sj["fields"]), "%s: defaults where the schema has them"
          % name)
    check(sj["output"]["kind"] in OUT_KINDS, "%s: output kind %s" % (
        name, sj["output"]["kind"]))

rc, out, err = fl.r8play("schema", "--file", os.path.join(
    FIXTURES, "cog", "schema-zoo", "01-openapi.body"))
check(rc == 0 and "enum<integer>" in out and "10|20|50" in out and
      "/^[a-z]+$/" in out and "(deprecated)" in out and
      "output: object {text: string" in out, "zoo table", out)

for path, msg in (
        ("replicate/responses/models.list.page1.2023-11-16.json",
         "not a schema: a list of 25 models"),
        ("replicate/responses/model.get.mattt__empty.2023-11-16.json",
         "has no versions"),
        ("replicate/responses/prediction.get.succeeded.sdxl.2023-11-16.json",
         "not a schema"),
        ("images/README.md", "malformed JSON at byte 0"),
        ("does/not/exist.json", "No such file")):
    rc, out, err = fl.r8play("schema", "--file", os.path.join(FIXTURES, path))
    check(rc == 1 and msg in err and out == "" and err.count("\n") == 1,
          "%s: exit 1, one line" % path, err)
for args in ([], ["--file"], ["a/b", "--file", "x"], ["--export", "zip",
                                                      "--file", "x"],
             ["--bogus"]):
    rc, out, err = fl.r8play("schema", *args)
    check(rc == 2, "usage error %s: exit 2" % args, err)
rc, out, err = fl.r8play("schema", "--help")
check(rc == 0 and "--export FORMAT" in out and "curl-cog" in out,
      "--help documents the options")

flux = os.path.join(FIXTURES, "replicate", "models", "model.list-item."
                    "black-forest-labs__flux-1.1-pro.2025-01-15.json")
rc, out, err = fl.r8play("schema", "--file", flux, "--example", "--request",
                         "-i", "output_quality=90")
check(rc == 0 and json.loads(out) == {
    "prompt": "black forest gateau cake spelling out the words \"FLUX 1 . 1 "
    "Pro\", tasty, food photography", "aspect_ratio": "1:1",
    "safety_tolerance": 2, "prompt_upsampling": True, "output_format": "webp",
    "output_quality": 90}, "--example then -i", out + err)
rc, out, err = fl.r8play("schema", "--file", flux, "--request", "-i",
                         "width=100", "-i", "seed=x")
check(rc == 1 and err.startswith("r8play schema: 3 invalid inputs: prompt: "
                                  "required; ") and err.count("\n") == 1 and
      "width: must be at least 256" in err and "seed: not an integer" in err,
      "field messages on stderr", err)

v1 = os.path.join(FIXTURES, "replicate", "responses",
                  "version.get.stability-ai__sdxl__39ed52f2.2023-08-28.json")
v2 = os.path.join(FIXTURES, "replicate", "responses",
                  "version.get.stability-ai__sdxl__7762fd07.2024-10-04.json")
rc, out, err = fl.r8play("schema", "--file", v1, "--diff", v2)
check(rc == 0 and out.splitlines() == [
    "replicate_weights: added (string)",
    "disable_safety_checker: added (boolean, default false)"],
    "--diff between the sdxl versions", out)
rc, out, err = fl.r8play("schema", "--file", v1, "--diff", v2, "--json")
d = json.loads(out) if rc == 0 else {"changes": []}
check([(c["change"], c["field"]) for c in d["changes"]] == [
    ("added", "replicate_weights"), ("added", "disable_safety_checker")],
    "--diff --json")
rc, out, err = fl.r8play("schema", "--file", v2, "--diff", v2)
check(rc == 0 and out == "no changes\n", "--diff with itself")
summary()
