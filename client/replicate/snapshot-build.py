#!/usr/bin/env python3
"""client/replicate/snapshot-build.py: rebuilds client/replicate/snapshot.json, the catalogue
r8play shows offline, from the recorded model objects in tests/fixtures.

    python3 client/replicate/snapshot-build.py > client/replicate/snapshot.json

Contents: the 12 model objects of the 2025-01-15 public-models dump
(tests/fixtures/replicate/models/, npm all-the-public-replicate-models
1.352.0, published by Replicate) and the 6 smallest models of the
recorded first page of GET /v1/models (2023-11-16, replicate-python
cassette models-list.yaml). Shaped as a models page with a header.
"""
import glob
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIX = os.path.join(ROOT, "tests", "fixtures", "replicate")
PAGE_SLICE = 6


def main():
    models = [json.load(open(f)) for f in
              sorted(glob.glob(os.path.join(FIX, "models", "*.json")))]
    seen = {(m["owner"], m["name"]) for m in models}
    page = json.load(open(os.path.join(
        FIX, "responses", "models.list.page1.2023-11-16.json")))
    extra = [m for m in page["results"] if (m["owner"], m["name"]) not in seen]
    extra.sort(key=lambda m: len(json.dumps(m)))
    out = {
        "source": "Replicate public model objects: npm "
                  "all-the-public-replicate-models 1.352.0 (12 models) and "
                  "the first page of GET /v1/models recorded by "
                  "replicate-python tests/cassettes/models-list.yaml "
                  "(%d models)" % PAGE_SLICE,
        "date": "2025-01-15",
        "next": None,
        "previous": None,
        "results": models + extra[:PAGE_SLICE],
    }
    json.dump(out, sys.stdout, separators=(",", ":"), ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
