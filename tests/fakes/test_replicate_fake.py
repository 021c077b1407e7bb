#!/usr/bin/env python3
"""tests/fakes/test_replicate_fake.py: self-test of the fake Replicate API.

Every endpoint, pagination links both ways, 401, each fault kind, the whole
prediction lifecycle, SSE events, multipart upload, and that the answers keep
the field sets of the recorded bodies in tests/fixtures/replicate/. QUERY,
SSE and binary uploads are checked here against the recordings (Prism
mishandles them; tests/conformance/test_prism.py checks the rest).
"""
import base64
import gzip
import hashlib
import http.client
import json
import os
import re
import socket
import sys
import time
from urllib.parse import urlsplit

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from t import check, summary, FIXTURES  # noqa: E402
from fakes import (start_replicate, stop, http_request, requests_log,  # noqa
                   set_faults, reset, REPLICATE_TOKEN)

REC = os.path.join(FIXTURES, "replicate", "responses")
MODELS = os.path.join(FIXTURES, "replicate", "models")
IMG = os.path.join(FIXTURES, "images")
AUTH = {"Authorization": "Bearer " + REPLICATE_TOKEN}
SDXL_NEW = "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc"
SDXL_OLD = "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b"
TQDM_RE = re.compile(r"^ *\d+%\|[ \u2588-\u258f]{10}\| \d+/50 \[\d\d:\d\d<"
                     r"(\d\d:\d\d|\?), +[\d.?]+it/s\]$")


def rec(name):
    with open(os.path.join(REC, name), "rb") as f:
        return json.load(f)


def api(base, method, path, body=None, headers=None, timeout=10.0):
    h = dict(AUTH)
    h.update(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    st, hd, data = http_request(method, base + path, body, h, timeout)
    try:
        obj = json.loads(data) if data else None
    except ValueError:
        obj = None
    return st, hd, obj, data


def keys_superset(got, want, what):
    missing = sorted(set(want) - set(got or {}))
    return check(isinstance(got, dict) and not missing,
                 what + " keeps every recorded field",
                 "missing %s" % missing)


def poll(base, pid, until, timeout=10.0):
    seen, bodies = [], []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        st, _, b, _ = api(base, "GET", "/v1/predictions/" + pid)
        if st != 200:
            break
        bodies.append(b)
        if not seen or seen[-1] != b["status"]:
            seen.append(b["status"])
        if b["status"] in until:
            break
        time.sleep(0.02)
    return seen, bodies


def sse(url, headers=None, timeout=8.0, idle=None):
    """Read an SSE stream: (events [(event, id, data)], comments, how) with
    how in done | eof | timeout."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port,
                                      timeout=idle or timeout)
    h = {"Accept": "text/event-stream"}
    h.update(headers or {})
    conn.request("GET", u.path, headers=h)
    r = conn.getresponse()
    events, comments, cur, data = [], [], {}, []
    how = "eof"
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            raw = r.readline()
            if not raw:
                break
            line = raw.decode("utf-8").rstrip("\n").rstrip("\r")
            if line == "":
                if cur or data:
                    events.append((cur.get("event", "message"), cur.get("id"),
                                   "\n".join(data)))
                cur, data = {}, []
                if events and events[-1][0] == "done":
                    how = "done"
                    break
                continue
            if line.startswith(":"):
                comments.append(line)
                continue
            field, _, val = line.partition(":")
            val = val[1:] if val.startswith(" ") else val
            if field == "data":
                data.append(val)
            else:
                cur[field] = val
    except (socket.timeout, TimeoutError):
        how = "timeout"
    except (http.client.IncompleteRead, ConnectionError):
        how = "eof"
    finally:
        conn.close()
    return events, comments, how


def multipart(fields, boundary="r8playBoundary7MA4YWxk"):
    out = b""
    for name, (value, filename, ctype) in fields.items():
        out += b"--" + boundary.encode() + b"\r\n"
        disp = 'form-data; name="%s"' % name
        if filename:
            disp += '; filename="%s"' % filename
        out += ("Content-Disposition: %s\r\n" % disp).encode()
        if ctype:
            out += ("Content-Type: %s\r\n" % ctype).encode()
        out += b"\r\n" + value + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, "multipart/form-data; boundary=" + boundary


# ---------------------------------------------------------------------------

def t_auth(base):
    want = rec("error.401.unauthenticated.2023-11-16.json")
    st, hd, b, _ = api(base, "GET", "/v1/account", headers={
        "Authorization": ""})
    check(st == 401 and b == want, "no token: the recorded 401 body", b)
    check(hd.get("content-type") == "application/problem+json",
          "401 is application/problem+json", hd.get("content-type"))
    st, _, b, _ = api(base, "GET", "/v1/models", headers={
        "Authorization": "Bearer r8_wrong"})
    check(st == 401 and b == want, "wrong token: 401")
    st, _, b, _ = api(base, "GET", "/v1/account", headers={
        "Authorization": "Token " + REPLICATE_TOKEN})
    check(st == 200, "legacy 'Token' scheme accepted")
    st, _, b, _ = api(base, "GET", "/v1/account")
    check(st == 200 and b.get("type") == "organization" and
          b.get("username"), "GET /v1/account", b)
    st, _, b, _ = api(base, "GET", "/v1/hardware")
    check(st == 200 and b == rec("hardware.list.2023-11-02.json"),
          "GET /v1/hardware is the recorded list")
    st, hd, b, _ = api(base, "GET", "/v1/nope")
    check(st == 404 and b.get("status") == 404 and "detail" in b and
          hd.get("content-type") == "application/problem+json",
          "unknown path: 404 problem+json", b)
    st, hd, b, _ = api(base, "DELETE", "/v1/hardware")
    check(st == 405 and "GET" in hd.get("allow", ""), "wrong method: 405")


def t_models(base, base25):
    page1 = rec("models.list.page1.2023-11-16.json")
    st, hd, b, _ = api(base25, "GET", "/v1/models")
    check(st == 200 and len(b["results"]) == 25, "GET /v1/models: 25 a page")
    check([m["name"] for m in b["results"]] ==
          [m["name"] for m in page1["results"]],
          "first page is the recorded page, in order")
    check(all(set(m) == set(r) for m, r in zip(b["results"],
                                               page1["results"])),
          "listed models keep the recorded field sets")
    check(b["previous"] is None and b["next"] and
          b["next"].startswith(base25 + "/v1/models?cursor="),
          "next is a full URL back at the fake", b["next"])
    check("allow" in hd and "ratelimit-remaining" in hd,
          "recorded headers (allow, ratelimit-*)")
    st, _, b2, _ = api(base25, "GET", b["next"][len(base25):])
    check(st == 200 and len(b2["results"]) == 12 and b2["next"] is None,
          "second page: the 12 recorded 2025 model objects, next null")
    st, _, b3, _ = api(base25, "GET", b2["previous"][len(base25):])
    check(st == 200 and [m["name"] for m in b3["results"]] ==
          [m["name"] for m in b["results"]], "previous leads back to page 1")

    # page size 10: walk forward to the end, then back to the start
    names, url, pages = [], base + "/v1/models", 0
    while url and pages < 10:
        st, _, p, _ = api(base, "GET", url[len(base):])
        names += [m["owner"] + "/" + m["name"] for m in p["results"]]
        last, url, pages = p, p["next"], pages + 1
    check(pages == 4 and len(names) == 37 and len(set(names)) == 37,
          "forward walk: 4 pages, 37 distinct models", (pages, len(names)))
    back, url = [], last["previous"]
    while url:
        st, _, p, _ = api(base, "GET", url[len(base):])
        back.append(p["results"][0]["name"])
        url = p["previous"]
    check(len(back) == 3 and back[-1] == page1["results"][0]["name"],
          "backward walk via previous reaches page 1", back)
    st, _, p, _ = api(base, "GET", "/v1/models?sort_direction=asc")
    check(p["results"][0]["owner"] + "/" + p["results"][0]["name"] ==
          names[-1] and
          "sort_direction=asc" in (p["next"] or ""),
          "sort_direction=asc reverses and keeps the parameter in next")
    st, _, p, _ = api(base, "GET", "/v1/models?cursor=%%%")
    check(st == 400, "a bad cursor: 400")

    # one model
    want = rec("model.get.stability-ai__sdxl.2024-10-04.json")
    st, hd, m, _ = api(base, "GET", "/v1/models/stability-ai/sdxl")
    check(st == 200 and set(m) == set(want) and
          m["latest_version"]["id"] == SDXL_NEW,
          "GET model: the recorded sdxl object")
    check(m["cover_image_url"].startswith(base + "/delivery/"),
          "replicate.delivery URLs point at the fake", m["cover_image_url"])
    st, hd, data = http_request("GET", m["cover_image_url"])
    check(st == 200 and hd["content-type"] == "image/jpeg" and
          data[:2] == b"\xff\xd8", "cover image served as real JPEG bytes")
    st, _, m, _ = api(base, "GET", "/v1/models/mattt/empty")
    check(st == 200 and m["latest_version"] is None and
          m == rec("model.get.mattt__empty.2023-11-16.json"),
          "model with no version: latest_version null (recorded)")
    st, hd, m, _ = api(base, "GET", "/v1/models/nobody/nothing")
    want404 = rec("error.404.training-invalid-destination.2023-08-16.json")
    check(st == 404 and set(m) == set(want404) and m["status"] == 404 and
          hd["content-type"] == "application/problem+json",
          "unknown model: 404 in the recorded problem shape", m)
    for f in sorted(os.listdir(MODELS)):
        with open(os.path.join(MODELS, f)) as fh:
            item = json.load(fh)
        st, _, m, _ = api(base, "GET", "/v1/models/%s/%s" % (
            item["owner"], item["name"]))
        if not keys_superset(m, item, "GET model " + item["name"]):
            break
    st, hd, data = http_request("GET", base + "/v1/models/stability-ai/sdxl/"
                                "readme", headers=AUTH)
    check(st == 200 and hd["content-type"].startswith("text/plain") and
          data.startswith(b"# stability-ai/sdxl"), "readme is text/plain")

    # versions
    st, _, v, _ = api(base, "GET", "/v1/models/stability-ai/sdxl/versions")
    check(st == 200 and [x["id"] for x in v["results"]] ==
          [SDXL_NEW, SDXL_OLD] and v["next"] is None,
          "versions: both recorded sdxl versions, newest first")
    for vid, f in ((SDXL_OLD, "version.get.stability-ai__sdxl__39ed52f2."
                    "2023-08-28.json"),
                   (SDXL_NEW, "version.get.stability-ai__sdxl__7762fd07."
                    "2024-10-04.json")):
        st, _, x, _ = api(base, "GET", "/v1/models/stability-ai/sdxl/"
                          "versions/" + vid)
        check(st == 200 and x == rec(f), "GET version %s is recorded" %
              vid[:8])
    st, _, x, _ = api(base, "GET", "/v1/models/stability-ai/sdxl/versions/"
                      "00")
    check(st == 404, "unknown version: 404")
    st, _, x, _ = api(base, "GET", "/v1/models/meta/meta-llama-3-8b-instruct"
                      "/versions")
    check(st == 404, "official model: no version list (404)")

    # examples
    st, _, e, _ = api(base, "GET", "/v1/models/stability-ai/sdxl/examples")
    check(st == 200 and len(e["results"]) == 1 and
          set(e) == {"next", "previous", "results"}, "examples: paginated")
    keys_superset(e["results"][0], want["default_example"],
                  "example (default_example)")
    st, _, e, _ = api(base, "GET", "/v1/models/meta/meta-llama-3-8b-instruct"
                      "/examples")
    check(st == 200 and "urls" in e["results"][0] and
          e["results"][0]["urls"]["get"].startswith(base),
          "example built from a stripped default_example gets urls")


def t_search(base):
    want = rec("models.search.QUERY-llama.2024-07-19.json")
    st, hd, b, _ = api(base, "QUERY", "/v1/models", "llama",
                       {"Content-Type": "text/plain"})
    check(st == 200 and [m["name"] for m in b["results"]] ==
          [m["name"] for m in want["results"]] and b["next"] is None,
          "QUERY /v1/models 'llama': the recorded answer")
    check(all(set(x) == set(y) for x, y in zip(b["results"],
                                               want["results"])),
          "QUERY results keep the recorded field sets")
    check(hd.get("allow") == "GET, POST, QUERY", "QUERY: recorded allow "
          "header", hd.get("allow"))
    st, _, b, _ = api(base, "QUERY", "/v1/models", "flux",
                      {"Content-Type": "text/plain"})
    check(st == 200 and b["results"] and all(
        "flux" in (m["name"] + (m["description"] or "")).lower()
        for m in b["results"]), "QUERY 'flux' finds the flux models")
    st, _, b, _ = api(base, "QUERY", "/v1/models", "llama",
                      {"Content-Type": "application/json"})
    check(st == 415, "QUERY without text/plain: 415")
    st, _, b, _ = api(base, "GET", "/v1/search?query=language&limit=3")
    check(st == 200 and set(b) == {"query", "models", "collections",
                                   "pages"} and len(b["models"]) == 3,
          "GET /v1/search: query, models, collections, pages", b and list(b))
    m = b["models"][0]
    check(set(m) == {"model", "metadata"} and
          m["model"]["latest_version"]["openapi_schema"] == {} and
          "score" in m["metadata"], "search model entries as in the spec")
    check(any(c["slug"] == "language-models" and c["models"]
              for c in b["collections"]),
          "search collections list owner/name strings")
    st, _, b, _ = api(base, "GET", "/v1/search")
    check(st == 400 and b == {"detail": "Query parameter \"query\" is "
                                        "required"},
          "search without query: the spec's 400")
    st, _, b, _ = api(base, "GET", "/v1/search?query=x&limit=99")
    check(st == 400, "search limit above 50: 400")


def t_collections(base):
    want = rec("collections.list.2023-11-16.json")
    st, _, b, _ = api(base, "GET", "/v1/collections")
    check(st == 200 and b == want, "GET /v1/collections is recorded")
    want = rec("collections.get.text-to-image.2023-11-16.json")
    st, _, b, _ = api(base, "GET", "/v1/collections/text-to-image")
    check(st == 200 and set(b) == set(want) and len(b["models"]) == 38,
          "GET collection text-to-image: recorded (38 models)")
    st, _, b, _ = api(base, "GET", "/v1/collections/streaming-language-models")
    check(st == 200 and set(b) >= {"name", "slug", "description", "models"}
          and any(m["name"] == "meta-llama-3-8b-instruct"
                  for m in b["models"]),
          "other collections built from the recorded models")
    st, _, b, _ = api(base, "GET", "/v1/collections/official")
    check(st == 200 and len(b["models"]) == 4, "official collection")
    st, _, b, _ = api(base, "GET", "/v1/collections/no-such")
    check(st == 404 and b["status"] == 404, "unknown collection: 404")


def create(base, inp, version=SDXL_NEW, headers=None, model=None):
    if model:
        return api(base, "POST", "/v1/models/%s/predictions" % model,
                   {"input": inp}, headers)
    return api(base, "POST", "/v1/predictions",
               {"version": version, "input": inp}, headers)


def t_lifecycle(base):
    st, hd, p, _ = create(base, {"prompt": "a corgi", "seed": 7})
    check(st == 201 and p["status"] == "starting",
          "POST /v1/predictions: 201 starting", (st, p))
    keys_superset(p, rec("prediction.create.starting.sdxl.2024-04-22.json"),
                  "created prediction")
    check(hd.get("ratelimit-remaining") == "599", "create: ratelimit 599")
    check(p["urls"]["get"] == base + "/v1/predictions/" + p["id"] and
          re.fullmatch(r"[0-9a-z]{26}", p["id"]),
          "id and urls in the recorded shape", p["urls"])
    seen, bodies = poll(base, p["id"], ("succeeded", "failed"))
    seen = [p["status"]] + [s for s in seen if s != "starting"]
    check(seen == ["starting", "processing", "succeeded"],
          "status advances starting -> processing -> succeeded", seen)
    logs = [b["logs"] for b in bodies]
    check(all(logs[i + 1].startswith(logs[i]) for i in range(len(logs) - 1))
          and len(set(logs)) > 3, "logs only grow, in several steps")
    lines = bodies[-1]["logs"].splitlines()
    check(lines[:3] == ["Using seed: 7", "Prompt: a corgi", "txt2img mode"] and
          all(TQDM_RE.match(x) for x in lines[3:]) and
          lines[-1].startswith("100%|" + "\u2588" * 10 + "| 50/50"),
          "logs are tqdm progress lines as recorded", lines[-3:])
    mid = [b for b in bodies if b["status"] == "processing"]
    check(mid and "started_at" in mid[0] and mid[0]["output"] is None,
          "processing: started_at, no output yet")
    if mid:
        keys_superset(mid[-1], rec("prediction.get.processing-logs.sdxl."
                                   "2023-11-16.json"), "processing prediction")
    done = bodies[-1]
    keys_superset(done, rec("prediction.get.succeeded.sdxl.2023-11-16.json"),
                  "succeeded prediction")
    check(isinstance(done["metrics"].get("predict_time"), float) and
          done["completed_at"] >= done["started_at"],
          "succeeded: metrics.predict_time, completed_at")
    out = done["output"]
    check(isinstance(out, list) and len(out) == 1 and
          out[0] == "%s/files/%s/out-0.png" % (base, p["id"]),
          "output: one PNG URL under the fake", out)
    st, hd, data = http_request("GET", out[0])
    with open(os.path.join(IMG, "sdxl-corgi-512.png"), "rb") as f:
        png = f.read()
    check(st == 200 and hd["content-type"] == "image/png" and data == png,
          "output file: the real PNG bytes")
    st, _, data = http_request("GET", base + "/files/%s/out-9.gif" % p["id"])
    check(st == 404, "unknown output file: 404")

    # output_format and num_outputs (flux-schnell: official, webp default)
    st, _, p, _ = create(base, {"prompt": "cake", "num_outputs": 2},
                         model="black-forest-labs/flux-schnell")
    check(st == 201 and p["version"] == "hidden",
          "official model route: version 'hidden'", p and p.get("version"))
    _, bodies = poll(base, p["id"], ("succeeded",))
    out = bodies[-1]["output"]
    check(len(out) == 2 and all(u.endswith(".webp") for u in out),
          "num_outputs=2, the schema's default output_format webp", out)
    st, hd, data = http_request("GET", out[1])
    check(data[:4] == b"RIFF" and data[8:12] == b"WEBP" and
          hd["content-type"] == "image/webp", "WebP output is real WebP")
    st, _, p, _ = create(base, {"prompt": "cake", "output_format": "jpg"},
                         model="black-forest-labs/flux-schnell")
    _, bodies = poll(base, p["id"], ("succeeded",))
    st, hd, data = http_request("GET", bodies[-1]["output"][0])
    check(data[:3] == b"\xff\xd8\xff" and hd["content-type"] == "image/jpeg",
          "output_format=jpg gives a real JPEG")
    st, _, p, _ = create(base, {"prompt": "x"},
                         model="black-forest-labs/flux-1.1-pro")
    _, bodies = poll(base, p["id"], ("succeeded",))
    check(isinstance(bodies[-1]["output"], str),
          "single-URI Output schema: output is one string")

    # a designated input fails the run
    st, _, p, _ = create(base, {"prompt": "please FAIL"})
    seen, bodies = poll(base, p["id"], ("succeeded", "failed"))
    f = bodies[-1]
    want = rec("prediction.failed.default_example.dingman081130__jdmodel.json")
    check(seen[-1] == "failed" and f["error"] == want["error"] and
          f["output"] is None, "prompt with FAIL: failed, recorded error",
          (seen, f.get("error")))
    keys_superset(f, want, "failed prediction")

    # cancel
    st, _, p, _ = create(base, {"prompt": "slow"})
    st, _, c, _ = api(base, "POST", "/v1/predictions/%s/cancel" % p["id"])
    want = rec("prediction.cancel.canceled.sdxl.2024-04-22.json")
    check(st == 200 and c["status"] == "canceled", "cancel: 200 canceled")
    keys_superset(c, want, "canceled prediction")
    check(c["logs"] is None and c["output"] is None and
          "total_time" in c["metrics"],
          "canceled at once: logs null, metrics as recorded")
    time.sleep(0.6)
    st, _, g, _ = api(base, "GET", "/v1/predictions/" + p["id"])
    check(g["status"] == "canceled", "stays canceled")
    st, _, p2, _ = create(base, {"prompt": "done"})
    poll(base, p2["id"], ("succeeded",))
    st, _, c, _ = api(base, "POST", "/v1/predictions/%s/cancel" % p2["id"])
    check(st == 200 and c["status"] == "succeeded",
          "cancel after success changes nothing")
    st, _, c, _ = api(base, "POST", "/v1/predictions/nope/cancel")
    check(st == 404, "cancel unknown: 404")

    # recorded predictions are served too, with urls at the fake
    want = rec("prediction.get.succeeded.sdxl.2023-11-16.json")
    st, _, g, _ = api(base, "GET", "/v1/predictions/" + want["id"])
    check(st == 200 and set(g) == set(want) and
          g["urls"]["get"].startswith(base) and
          g["output"][0].startswith(base + "/delivery/"),
          "recorded prediction served, URLs pointing at the fake")
    st, hd, data = http_request("GET", g["output"][0])
    check(st == 200 and data == png, "recorded output URL gives the PNG")

    # errors on create
    st, _, b, _ = create(base, {"prompt": "x"}, version="0" * 64)
    check(st == 422 and b["title"] == "Invalid version or not permitted",
          "unknown version: the recorded 422", b)
    st, _, b, _ = create(base, {}, model="black-forest-labs/flux-schnell")
    check(st == 422 and b["invalid_fields"][0]["description"] ==
          "prompt is required", "missing required input: 422", b)
    st, _, b, _ = create(base, {"prompt": "x", "num_outputs": 9},
                         model="black-forest-labs/flux-schnell")
    check(st == 422 and "less than or equal" in b["detail"],
          "input above maximum: 422", b)
    st, _, b, _ = create(base, {"prompt": "x", "output_format": "gif"},
                         model="black-forest-labs/flux-schnell")
    check(st == 422 and b["invalid_fields"][0]["type"] == "enum",
          "input not in the enum: 422", b)
    st, _, b, _ = create(base, {"prompt": "x"}, model="stability-ai/sdxl")
    check(st == 404 and b["detail"] == "The requested resource could not be "
          "found.", "models route for a community model: 404", b)
    st, _, b, _ = api(base, "POST", "/v1/predictions", {"input": {}})
    check(st == 422, "no version: 422")
    st, _, b, _ = api(base, "POST", "/v1/predictions",
                      {"version": SDXL_NEW, "input": {}, "bogus": 1})
    check(st == 422, "unknown body field: 422 (additionalProperties false)")
    st, _, b, _ = api(base, "POST", "/v1/predictions", "{not json")
    check(st == 400, "malformed JSON body: 400")
    st, _, b, _ = api(base, "POST", "/v1/predictions",
                      {"version": "stability-ai/sdxl:" + SDXL_OLD,
                       "input": {"prompt": "x"}})
    check(st == 201 and b["version"] == SDXL_OLD, "owner/name:version form")
    st, _, b, _ = api(base, "POST", "/v1/predictions",
                      {"version": "meta/meta-llama-3-8b-instruct",
                       "input": {"prompt": "x"}})
    check(st == 201 and b["version"] == "dp-a557b7387b4940df25b23f779dc534c4",
          "owner/name form for an official model (recorded dp- version)")
    st, _, b, _ = create(base, {"prompt": "x"}, headers={
        "Cancel-After": "5m"})
    check(st == 201 and "deadline" in b, "Cancel-After: deadline set")
    st, _, b, _ = create(base, {"prompt": "x"}, headers={
        "Cancel-After": "2s"})
    check(st == 400, "Cancel-After under 5 s: 400")


def t_wait(base, slow):
    """slow: a fake at --speed 0.5, whose runs take 4 s (processing from
    0.6 s): a reply well before the end is told from one at the end even on
    a loaded machine."""
    want = rec("prediction.create.prefer-wait10.processing.llama3-8b."
               "2024-10-04.json")
    t0 = time.monotonic()
    st, hd, p, _ = create(slow, {"prompt": "haiku"}, headers={
        "Prefer": "wait=1"}, model="meta/meta-llama-3-8b-instruct")
    dt = time.monotonic() - t0
    check(st == 201 and p["status"] == "processing" and 0.9 < dt < 3.0,
          "Prefer: wait=1 on a 4 s run: back after ~1 s, processing",
          (st, p and p.get("status"), dt))
    check(hd.get("preference-applied") == "wait=1",
          "preference-applied echoes the Prefer header",
          hd.get("preference-applied"))
    check(isinstance(p["output"], list) and 0 < len(p["output"]) and
          all(isinstance(x, str) for x in p["output"]),
          "partial token array in output, as recorded")
    keys_superset(p, want, "Prefer: wait partial prediction")
    check(p["urls"]["stream"].startswith(slow + "/v1/streams/"),
          "urls.stream points at the fake")
    st, hd, p, _ = create(base, {"prompt": "haiku"}, headers={
        "Prefer": "wait"}, model="meta/meta-llama-3-8b-instruct")
    check(st == 201 and p["status"] == "succeeded" and
          hd.get("preference-applied") == "wait",
          "Prefer: wait on a short run returns it finished")
    check("".join(p["output"]).startswith("The number of parameters"),
          "LLM output: the model's recorded token pieces")
    check(p["metrics"].get("output_token_count") == len(p["output"]),
          "LLM metrics count output tokens")

    # file outputs: the answer comes once files exist (as recorded)
    want = rec("prediction.create.prefer-wait.processing.sdxl-data-uri."
               "2024-10-04.json")
    st, hd, p, _ = create(base, {"prompt": "corgi DATAURI"}, headers={
        "Prefer": "wait"})
    check(st == 201 and p["status"] == "processing" and
          "completed_at" not in p and "metrics" not in p,
          "Prefer: wait with file output: processing, files ready",
          p and p.get("status"))
    keys_superset(p, want, "Prefer: wait data-URI prediction")
    out = p["output"][0]
    check(out.startswith("data:image/png;base64,"), "DATAURI: data: output")
    with open(os.path.join(IMG, "sdxl-corgi-512.png"), "rb") as f:
        check(base64.b64decode(out.split(",", 1)[1]) == f.read(),
              "the data: URI holds the real PNG")
    st, _, b, _ = create(base, {"prompt": "x"}, headers={"Prefer": "wait=99"})
    check(st == 400, "Prefer: wait=99 is rejected (pattern 1..60)")


def t_list(base):
    st, _, b, _ = api(base, "GET", "/v1/predictions")
    res = b["results"]
    created = [r["created_at"] for r in res]
    check(st == 200 and created == sorted(created, reverse=True),
          "GET /v1/predictions: newest first")
    check(len(res) == 10 and b["next"] and
          b["next"].startswith(base + "/v1/predictions?cursor="),
          "page of 10 with a full next URL", len(res))
    ids = {r["id"] for r in res}
    n, url = len(res), b["next"]
    while url:
        st, _, b, _ = api(base, "GET", url[len(base):])
        ids |= {r["id"] for r in b["results"]}
        n += len(b["results"])
        url = b["next"]
    check(n == len(ids) and
          rec("prediction.cancel.canceled.sdxl.2024-04-22.json")["id"] in ids,
          "walking next lists each prediction once, recorded ones included")
    st, _, b, _ = api(base, "GET", "/v1/predictions?created_before=2024-01-01"
                      "T00:00:00Z")
    check(st == 200 and b["results"] and all(
        r["created_at"] < "2024" for r in b["results"]),
        "created_before filters")
    st, _, b, _ = api(base, "GET", "/v1/predictions?source=api")
    check(st == 400, "source other than web: 400")


def t_sse(base):
    st, _, p, _ = create(base, {"prompt": "haiku"},
                         model="meta/meta-llama-3-8b-instruct")
    evs, comments, how = sse(p["urls"]["stream"])
    outs = [e for e in evs if e[0] == "output"]
    check(how == "done" and evs[-1] == ("done", None, "{}"),
          "SSE: ends with event done, data {}", (how, evs[-1:]))
    check(comments == [": hi"], "SSE starts with the nchan ': hi' comment")
    check(outs and all(e[1] for e in outs) and
          len({e[1] for e in outs}) == len(outs),
          "every output event has a distinct id")
    st, _, g, _ = api(base, "GET", "/v1/predictions/" + p["id"])
    check("".join(e[2] for e in outs) == "".join(g["output"]),
          "output events concatenate to the final output (multi-line data "
          "joined)")
    check(any("\n" in e[2] for e in outs), "some pieces span lines")
    third = outs[2][1]
    evs2, _, how = sse(p["urls"]["stream"], {"Last-Event-ID": third})
    check(evs2[0] == outs[3] and how == "done",
          "Last-Event-ID resumes after that event")

    st, _, p, _ = create(base, {"prompt": "corgi"})
    evs, _, how = sse(p["urls"]["stream"])
    kinds = [e[0] for e in evs]
    check(how == "done" and "logs" in kinds and kinds[-2] == "output" and
          evs[-2][2].endswith("/out-0.png"),
          "image model stream: logs events, then the file URL, then done",
          kinds[-3:])
    st, _, p, _ = create(base, {"prompt": "FAIL"},
                         model="meta/meta-llama-3-8b-instruct")
    evs, _, how = sse(p["urls"]["stream"])
    check(how == "done" and evs[-2][0] == "error" and
          json.loads(evs[-2][2]).get("detail") and
          json.loads(evs[-1][2]) == {"reason": "error"},
          "failed run: error event, then done {reason: error}", evs[-2:])
    st, _, p, _ = create(base, {"prompt": "c"},
                         model="meta/meta-llama-3-8b-instruct")
    api(base, "POST", "/v1/predictions/%s/cancel" % p["id"])
    evs, _, how = sse(p["urls"]["stream"])
    check(how == "done" and json.loads(evs[-1][2]) == {"reason": "canceled"},
          "canceled run: done {reason: canceled}")
    st, _, b = http_request("GET", base + "/v1/streams/nope")
    check(st == 404, "unknown stream: 404")


def t_files(base):
    want = rec("file.create.2024-08-22.json")
    with open(os.path.join(IMG, "sdxl-corgi-512.png"), "rb") as f:
        png = f.read()
    body, ctype = multipart({
        "content": (png, "corgi.png", "image/png"),
        "type": (b"image/png", None, None),
        "metadata": (b'{"ref": 7}', None, "application/json")})
    st, hd, b, _ = api(base, "POST", "/v1/files", body,
                       {"Content-Type": ctype})
    check(st == 201, "POST /v1/files multipart: 201", (st, b))
    keys_superset(b, want, "file object")
    check(b["size"] == len(png) and b["name"] == "corgi.png" and
          b["content_type"] == "image/png" and b["metadata"] == {"ref": 7} and
          b["checksums"]["sha256"] == hashlib.sha256(png).hexdigest() and
          b["etag"] == hashlib.md5(png).hexdigest(),
          "file object describes the uploaded bytes", b)
    check(b["urls"]["get"] == base + "/v1/files/" + b["id"],
          "urls.get points at the fake")
    st, _, g, _ = api(base, "GET", "/v1/files/" + b["id"])
    check(st == 200 and g == b, "GET /v1/files/{id}")
    st, hd, data = http_request("GET", base + "/v1/files/%s/download" %
                                b["id"], headers=AUTH)
    check(st == 200 and data == png, "download gives the same bytes")
    st, _, lst, _ = api(base, "GET", "/v1/files")
    n, url = len(lst["results"]), lst["next"]
    while url:
        n += len(api(base, "GET", url[len(base):])[2]["results"])
        url = api(base, "GET", url[len(base):])[2]["next"]
    check(st == 200 and lst["results"][0]["id"] == b["id"] and n == 39,
          "GET /v1/files: newest first, then the 38 recorded ones", n)
    rid = rec("file.get.2024-08-22.json")["id"]
    st, _, g, _ = api(base, "GET", "/v1/files/" + rid)
    check(st == 200 and set(g) == set(rec("file.get.2024-08-22.json")),
          "the recorded file is served")
    st, _, _, raw = api(base, "DELETE", "/v1/files/" + b["id"])
    check(st == 204 and raw == b"", "DELETE file: 204")
    st, _, g, _ = api(base, "GET", "/v1/files/" + b["id"])
    check(st == 404, "deleted file: 404")
    body, ctype = multipart({"content": (b"x", "x.txt", "text/plain")})
    st, _, b, _ = api(base, "POST", "/v1/files", body[:-10],
                      {"Content-Type": ctype})
    check(st == 400, "malformed multipart: 400")
    st, _, b, _ = api(base, "POST", "/v1/files", b"{}",
                      {"Content-Type": "application/json"})
    check(st == 400, "non-multipart upload: 400")
    body, ctype = multipart({"type": (b"text/plain", None, None)})
    st, _, b, _ = api(base, "POST", "/v1/files", body,
                      {"Content-Type": ctype})
    check(st == 422, "upload without content: 422")
    u = urlsplit(base)
    s = socket.create_connection((u.hostname, u.port), timeout=5)
    s.sendall(b"POST /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: "
              b"Bearer " + REPLICATE_TOKEN.encode() + b"\r\nContent-Type: "
              b"multipart/form-data; boundary=b\r\nContent-Length: "
              b"200000000\r\n\r\n")
    data = b""
    while True:
        c = s.recv(65536)
        if not c:
            break
        data += c
    s.close()
    check(data.startswith(b"HTTP/1.1 413") and
          b"Files must be less than 100MB in size" in data,
          "upload over 100 MB: 413 before reading it", data[:80])
    log = requests_log(base)
    ups = [r for r in log if r["path"] == "/v1/files" and
           r["method"] == "POST"]
    check(ups and "body_b64" in ups[0] and
          base64.b64decode(ups[0]["body_b64"]).count(png[:64]) == 1,
          "binary request bodies logged as base64")


def raw_get(base, path, headers):
    """GET on a raw socket: (status line, headers, body bytes, eof_early)."""
    u = urlsplit(base)
    s = socket.create_connection((u.hostname, u.port), timeout=5)
    h = "".join("%s: %s\r\n" % kv for kv in headers.items())
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path, h)).encode())
    data = b""
    while True:
        try:
            c = s.recv(65536)
        except (ConnectionError, socket.timeout):
            break
        if not c:
            break
        data += c
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hd = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hd[k.strip().lower()] = v.strip()
    return (lines[0] if head else ""), hd, body


def t_faults(base):
    def fault(kind, path="/v1/hardware"):
        h = dict(AUTH)
        h["X-Fake-Fault"] = kind
        return http_request("GET", base + path, headers=h)

    st, hd, data = fault("429;retry_after=3")
    b = json.loads(data)
    check(st == 429 and hd.get("retry-after") == "3" and
          hd["content-type"] == "application/problem+json" and
          b["detail"] == "Request was throttled. Expected available in 3 "
          "seconds.", "429 with Retry-After and the throttle detail", b)
    st, hd, data = fault("500")
    check(st == 500 and json.loads(data)["status"] == 500, "500 problem+json")
    st, hd, data = fault("502")
    check(st == 502 and hd["content-type"] == "text/html" and
          b"502 Bad Gateway" in data, "502: a gateway's HTML page")
    st, hd, data = fault("503;retry_after=1")
    check(st == 503 and hd.get("retry-after") == "1", "503 with Retry-After")
    t0 = time.monotonic()
    st, hd, data = fault("slow;delay=0.6")
    dt = time.monotonic() - t0
    check(st == 200 and dt >= 0.6 and json.loads(data),
          "slow: first byte after the delay, then a normal answer", dt)
    line, hd, body = raw_get(base, "/v1/models/stability-ai/sdxl",
                             dict(AUTH, **{"X-Fake-Fault": "drop"}))
    n = int(hd.get("content-length", 0))
    check(line.endswith("200 OK") and 0 < len(body) < n,
          "drop: full Content-Length, connection closed mid-body",
          (len(body), n))
    try:
        fault("drop", "/v1/models/stability-ai/sdxl")
        ok = False
    except http.client.IncompleteRead:
        ok = True
    check(ok, "drop: an HTTP client sees an incomplete read")
    st, hd, data = fault("truncate", "/v1/models/stability-ai/sdxl")
    try:
        json.loads(data)
        bad = False
    except ValueError:
        bad = True
    check(st == 200 and bad and int(hd["content-length"]) == len(data),
          "truncate: honest Content-Length, JSON cut in half")
    try:
        fault("close")
        ok = False
    except (http.client.RemoteDisconnected, ConnectionError):
        ok = True
    check(ok, "close: the connection closes with no answer")

    st, _, p, _ = create(base, {"prompt": "haiku"},
                         model="meta/meta-llama-3-8b-instruct")
    t0 = time.monotonic()
    evs, _, how = sse(p["urls"]["stream"], {"X-Fake-Fault":
                                            "stall_sse;events=3"}, idle=1.0)
    check(how == "timeout" and len(evs) == 3 and
          time.monotonic() - t0 >= 1.0,
          "stall_sse: 3 events, then silence on an open connection",
          (how, len(evs)))
    evs, _, how = sse(p["urls"]["stream"], {"X-Fake-Fault":
                                            "drop_sse;events=4"})
    check(how == "eof" and len(evs) == 4 and evs[-1][0] != "done",
          "drop_sse: closed after 4 events, before done", (how, len(evs)))

    # the control endpoint
    pend = set_faults(base, [{"path": "^/v1/hardware$", "method": "GET",
                              "kind": "503", "count": 2}])
    check(len(pend) == 1 and pend[0]["count"] == 2, "POST /_fake/faults")
    st1 = api(base, "POST", "/v1/hardware")[0]
    st2 = api(base, "GET", "/v1/hardware")[0]
    st3 = api(base, "GET", "/v1/hardware")[0]
    st4 = api(base, "GET", "/v1/hardware")[0]
    check((st1, st2, st3, st4) == (405, 503, 503, 200),
          "fault applies to the next 2 matching requests only",
          (st1, st2, st3, st4))
    st, _, b = http_request("GET", base + "/_fake/faults")
    check(json.loads(b) == [], "used faults are gone")
    set_faults(base, [{"path": "/v1/streams/", "kind": "drop_sse",
                       "events": 1}, {"path": "/v1/predictions$",
                                      "method": "POST", "kind": "429",
                                      "retry_after": 2}])
    st, hd, b, _ = create(base, {"prompt": "x"},
                          model="meta/meta-llama-3-8b-instruct")
    check(st == 201, "a queued fault skips requests its path does not "
          "match", st)
    st, hd, b, _ = create(base, {"prompt": "x"})
    check(st == 429 and hd.get("retry-after") == "2", "queued 429 on POST")
    st, _, p, _ = create(base, {"prompt": "x"})
    evs, _, how = sse(p["urls"]["stream"])
    check(how == "eof" and len(evs) == 1, "queued drop_sse on the stream")
    st, _, b = http_request("POST", base + "/_fake/faults",
                            b'[{"kind": "teapot"}]')
    check(st == 400, "unknown fault kind: 400")
    st, _, b = fault("teapot")
    check(st == 400 and b"teapot" in b, "unknown fault kind in the header: "
          "400")
    st, _, p, _ = create(base, {"prompt": "x"})
    st, hd, b = http_request("GET", p["urls"]["stream"],
                             headers={"X-Fake-Fault": "503"})
    check(st == 503, "status faults apply to stream requests too")
    set_faults(base, [{"kind": "truncate", "path": "^/v1/"}])
    evs, _, how = sse(p["urls"]["stream"])
    st, hd, b = http_request("GET", base + "/v1/hardware", headers=AUTH)
    check(how == "done" and st == 200 and
          len(b) < len(json.dumps(rec("hardware.list.2023-11-02.json"))) and
          not b.rstrip().endswith(b"]"),
        "a queued truncate skips the stream and cuts the next body")


def t_log_reset(base):
    st, _, p, _ = create(base, {"prompt": "logged"})
    log = requests_log(base)
    last = [r for r in log if r["path"] == "/v1/predictions" and
            r["method"] == "POST"][-1]
    check(json.loads(last["body"])["input"]["prompt"] == "logged" and
          last["headers"].get("Authorization") == "Bearer" and
          last["auth_ok"] is True, "request log: body, Authorization "
          "reduced to its scheme, auth_ok")
    check(all(REPLICATE_TOKEN not in json.dumps(r) for r in log),
          "the token never appears in the request log")
    api(base, "GET", "/v1/account?x=1", headers={"Authorization":
                                                 "Bearer nope"})
    r = requests_log(base)[-1]
    check(r["query"] == "x=1" and r["auth_ok"] is False and
          r["status"] == 401, "query, a failed auth and the status logged")
    check(not any(r["path"].startswith("/_fake/") for r in requests_log(base)),
          "control requests are not logged")
    reset(base)
    check(requests_log(base) == [], "reset clears the log")
    st, _, _, _ = api(base, "GET", "/v1/predictions/" + p["id"])
    check(st == 404, "reset forgets created predictions")


def t_gzip(base):
    st, hd, data = http_request("GET", base + "/v1/models/stability-ai/sdxl",
                                headers=dict(AUTH, **{
                                    "Accept-Encoding": "gzip"}))
    check(st == 200 and hd.get("content-encoding") == "gzip" and
          json.loads(gzip.decompress(data))["name"] == "sdxl",
          "Accept-Encoding: gzip gets a gzip body")


def t_lifetime():
    proc, base = start_replicate("--quiet")
    proc.stdin.close()
    try:
        rc = proc.wait(3)
    except Exception:
        rc = None
    check(rc == 0, "the fake exits when its stdin closes", rc)
    stop(proc)
    proc, base = start_replicate("--quiet", "--no-stdin-watch")
    proc.stdin.close()
    time.sleep(0.3)
    alive = proc.poll() is None
    proc.terminate()
    try:
        rc = proc.wait(3)
    except Exception:
        rc = None
    check(alive and rc == 0, "--no-stdin-watch: runs on, SIGTERM stops it",
          (alive, rc))
    stop(proc)
    proc, base = start_replicate("--quiet", "--token", "r8_other")
    st, _, _, _ = api(base, "GET", "/v1/account")
    st2, _, _, _ = api(base, "GET", "/v1/account", headers={
        "Authorization": "Bearer r8_other"})
    check(st == 401 and st2 == 200, "--token sets the accepted token")
    stop(proc)
    check(re.fullmatch(r"http://127\.0\.0\.1:\d+", base), "base URL line",
          base)


def main():
    procs = []
    try:
        p1, fast = start_replicate("--speed", "4", "--page-size", "10",
                                   "--quiet")
        procs.append(p1)
        p2, real = start_replicate("--quiet")
        procs.append(p2)
        p3, slow = start_replicate("--quiet", "--speed", "0.1")
        procs.append(p3)
        p4, half = start_replicate("--quiet", "--speed", "0.5")
        procs.append(p4)
        # a 20 s run with Cancel-After: 5 (real seconds), checked at the end
        st, _, late, _ = create(slow, {"prompt": "x"}, headers={
            "Cancel-After": "5"})
        t_late = time.monotonic()
        t_auth(fast)
        t_models(fast, real)
        t_search(fast)
        t_collections(fast)
        t_lifecycle(fast)
        t_wait(fast, half)
        t_list(fast)
        t_sse(fast)
        t_files(fast)
        t_faults(fast)
        t_log_reset(fast)
        t_gzip(fast)
        t_lifetime()
        time.sleep(max(0.0, 5.3 - (time.monotonic() - t_late)))
        st, _, g, _ = api(slow, "GET", "/v1/predictions/" + late["id"])
        check(st == 200 and g["status"] == "canceled" and "deadline" in g and
              g["completed_at"] == g["deadline"],
              "Cancel-After: canceled at the deadline", g and
              (g.get("status"), g.get("deadline"), g.get("completed_at")))
    finally:
        for p in procs:
            stop(p)
    summary()


if __name__ == "__main__":
    main()
