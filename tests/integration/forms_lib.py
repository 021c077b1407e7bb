"""tests/integration/forms_lib.py: helpers shared by test_forms_*.py:
run r8play schema, run exported shell lines for real, coerce inputs the way
pydantic/Replicate would, a fake `cog` CLI implementing `cog predict -i`
(HTTP-API.md section 12) and stub `replicate` modules for Python and JS."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from t import ROOT, R8PLAY  # noqa: E402


def r8play(*args, env=None, check_rc=None):
    """Run the binary; (rc, stdout text, stderr text)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([R8PLAY] + [str(a) for a in args], cwd=ROOT,
                       capture_output=True, env=e, timeout=120)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def sh(script, env=None, cwd=None):
    """Run a script with /bin/sh -c; (rc, stdout, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(["/bin/sh", "-c", script], capture_output=True,
                       env=e, cwd=cwd or ROOT, timeout=120)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def kinds_of(schema_json):
    """name -> (kind, type, items) from `r8play schema --json`."""
    return {f["name"]: (f["kind"], f["type"], f.get("items"))
            for f in schema_json["fields"]}


def coerce(value, kind):
    """What pydantic does to a string sent by `cog predict` (section 12)."""
    k, typ, items = kind
    if k == "array" and isinstance(value, list):
        return [coerce(v, (items, items, None)) for v in value]
    if not isinstance(value, str):
        return value
    t = typ if k == "enum" else k
    if t == "integer":
        return int(value)
    if t == "number":
        return float(value)
    if t == "boolean":
        return value.lower() in ("true", "1", "yes", "on", "t", "y")
    return value


def same(a, b):
    """Equal as JSON values, numbers compared as numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


FAKE_COG_CLI = r'''#!/usr/bin/env python3
"""fake `cog predict`: -i parsing of cog v0.15.5 (HTTP-API.md section 12),
then one sync POST /predictions to $COG_URL. Prints the response body."""
import base64, json, mimetypes, os, sys, urllib.request

def main(argv):
    if not argv or argv[0] != "predict":
        sys.exit("fake cog: only `cog predict` is implemented")
    base = os.environ["COG_URL"]
    with urllib.request.urlopen(base + "/openapi.json") as r:
        props = json.load(r)["components"]["schemas"]["Input"].get(
            "properties", {})
    pairs, i = [], 1
    while i < len(argv):
        if argv[i] != "-i" or i + 1 >= len(argv):
            sys.exit("fake cog: unexpected %r" % argv[i])
        kv = argv[i + 1]
        if "=" not in kv:
            sys.exit("fake cog: -i needs key=value")
        k, v = kv.split("=", 1)
        if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
            v = v[1:-1]
        pairs.append((k, v))
        i += 2
    def val(v):
        if v.startswith("@"):
            path = v[1:]
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as f:
                data = base64.b64encode(f.read()).decode()
            return "data:%s;base64,%s" % (mime, data)
        return v
    inp, seen = {}, {}
    for k, v in pairs:
        seen[k] = seen.get(k, 0) + 1
    for k, v in pairs:
        typ = props.get(k, {}).get("type")
        if seen[k] > 1:
            inp.setdefault(k, []).append(val(v))
        elif typ == "object":
            inp[k] = json.loads(v)
        elif typ == "array":
            try:
                parsed = json.loads(v)
            except ValueError:
                parsed = None
            inp[k] = ([val(x) if isinstance(x, str) else x for x in parsed]
                      if isinstance(parsed, list) else [val(v)])
        else:
            inp[k] = val(v)
    body = json.dumps({"input": inp, "context": {}}).encode()
    rq = urllib.request.Request(base + "/predictions", data=body,
                                headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(rq) as r:
            sys.stdout.write(r.read().decode())
    except urllib.error.HTTPError as e:
        sys.stdout.write(e.read().decode())
        sys.exit(1)

main(sys.argv[1:])
'''

STUB_PY = r'''"""stub replicate module: prints what replicate.run() was given."""
import base64, json, mimetypes

def _conv(v):
    if hasattr(v, "read"):
        data = v.read()
        mime = mimetypes.guess_type(v.name)[0] or "application/octet-stream"
        return "data:%s;base64,%s" % (mime, base64.b64encode(data).decode())
    if isinstance(v, list):
        return [_conv(x) for x in v]
    if isinstance(v, dict):
        return {k: _conv(x) for k, x in v.items()}
    return v

def run(ref, input):
    print(json.dumps({"ref": ref, "input": _conv(input)}))
    return None
'''

STUB_JS = r'''export default class Replicate {
  async run(ref, opts) {
    const conv = (v) => {
      if (v instanceof Uint8Array) return "b64:" + Buffer.from(v).toString("base64");
      if (Array.isArray(v)) return v.map(conv);
      if (v !== null && typeof v === "object") {
        const o = {};
        for (const k of Object.keys(v)) o[k] = conv(v[k]);
        return o;
      }
      return v;
    };
    console.log(JSON.stringify({ ref, input: conv(opts.input) }));
    return null;
  }
}
'''


def write_tools(tmp):
    """Create tmp/bin/cog, tmp/py/replicate.py, tmp/js/node_modules/replicate."""
    os.makedirs(os.path.join(tmp, "bin"), exist_ok=True)
    cog = os.path.join(tmp, "bin", "cog")
    with open(cog, "w") as f:
        f.write(FAKE_COG_CLI.replace("#!/usr/bin/env python3",
                                     "#!" + sys.executable, 1))
    os.chmod(cog, 0o755)
    os.makedirs(os.path.join(tmp, "py"), exist_ok=True)
    with open(os.path.join(tmp, "py", "replicate.py"), "w") as f:
        f.write(STUB_PY)
    js = os.path.join(tmp, "js", "node_modules", "replicate")
    os.makedirs(js, exist_ok=True)
    with open(os.path.join(js, "package.json"), "w") as f:
        json.dump({"name": "replicate", "version": "0.0.0", "type": "module",
                   "main": "index.js"}, f)
    with open(os.path.join(js, "index.js"), "w") as f:
        f.write(STUB_JS)
