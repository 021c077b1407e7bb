"""tests/lib/t.py: the harness for Python test scripts (fakes' self-tests,
integration and screen tests). Same closing line as the C harness.

    from t import check, summary
    check(status == 200, "GET /v1/models answers 200")
    summary()            # prints "N passed, N failed", exits 1 on failure
"""
import os
import sys

_passed = 0
_failed = 0

ROOT = os.environ.get("ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
O = os.environ.get("O", "build/default")
R8PLAY = os.path.join(ROOT, os.environ.get("R8PLAY", os.path.join(O, "r8play")))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def check(cond, what, detail=""):
    """Record one assertion; print it; return cond so callers can chain."""
    global _passed, _failed
    if cond:
        _passed += 1
        print("ok   " + what)
    else:
        _failed += 1
        print("FAIL " + what + (("\n     " + str(detail)) if detail else ""))
    sys.stdout.flush()
    return bool(cond)


def summary():
    print("%d passed, %d failed" % (_passed, _failed))
    sys.exit(1 if _failed else 0)
