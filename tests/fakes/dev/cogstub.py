"""tests/fakes/dev/cogstub.py: what the `cog` stand-in (tests/fakes/dev/cog)
and the stand-in cog Python package (tests/fakes/dev/pycog) run to serve a
Cog project folder for r8play's dev-loop tests, like `cog serve` would:

- read ./cog.yaml's `predict: "FILE:CLASS"` (a regex: stdlib only);
- compile FILE: a syntax error prints Python's traceback on stderr and
  exits 1, as a real server's setup would fail;
- FILE must define `class CLASS` (else an error, exit 1);
- serve it with the fake Cog server (tests/fakes/cog.py), whose predictor
  is named by a `# fake-predictor: NAME` comment in FILE (default image),
  so editing that comment changes /openapi.json.
Python 3 standard library only."""
import os
import re
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "..", "cog.py")


def serve(port):
    try:
        with open("cog.yaml") as f:
            conf = f.read()
    except OSError as e:
        print("cog: cannot read cog.yaml: %s" % e, file=sys.stderr)
        return 1
    m = re.search(r'^predict:\s*["\']?([^"\':\s]+):(\w+)', conf, re.M)
    if not m:
        print("cog: cog.yaml has no predict:", file=sys.stderr)
        return 1
    path, cls = m.group(1), m.group(2)
    try:
        with open(path) as f:
            src = f.read()
        compile(src, path, "exec")
    except SyntaxError:
        traceback.print_exc(limit=0)
        print("cog: setup failed: %s does not compile" % path,
              file=sys.stderr)
        return 1
    except OSError as e:
        print("cog: %s" % e, file=sys.stderr)
        return 1
    if not re.search(r"^\s*class\s+%s\s*[(:]" % re.escape(cls), src, re.M):
        print("cog: %s has no class %s" % (path, cls), file=sys.stderr)
        return 1
    m = re.search(r"#\s*fake-predictor:\s*([\w-]+)", src)
    predictor = m.group(1) if m else "image"
    print("fake cog: serving %s:%s as %s on port %s" % (path, cls, predictor,
                                                       port), flush=True)
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, FAKE, "--predictor", predictor,
                              "--port", str(port), "--setup-seconds", "0",
                              "--quiet", "--no-stdin-watch"])
    return 1
