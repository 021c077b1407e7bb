"""python3 -m cog.server.http, stand-in: serves ./ with tests/fakes/dev/cogstub.py
on $PORT (default 5000)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", ".."))
import cogstub  # noqa: E402

if __name__ == "__main__":
    sys.exit(cogstub.serve(os.environ.get("PORT", "5000")))
