#!/usr/bin/env python3
"""tests/fakes/replicate.py: a stateful fake of Replicate's HTTP API (v1).

Owns: serving the recorded Replicate bodies in tests/fixtures/replicate/ over
loopback, simulated predictions (starting -> processing -> succeeded/failed/
canceled), SSE streams, the Files API, output files (real PNG/JPEG/WebP
bytes), and test-chosen faults. Python 3 standard library only.

    python3 tests/fakes/replicate.py [--port N] [--token T] [--speed X]
                                     [--page-size N] [--no-gzip] [--quiet]
                                     [--no-stdin-watch]
                                     [--model OWNER/NAME@VERSION]...

Prints the base URL (http://127.0.0.1:PORT; the API is under /v1) as its
first stdout line, then serves until SIGTERM/SIGINT or until stdin reaches
EOF. tests/fakes/README.md documents every endpoint, the control interface
(/_fake/...) and the fault kinds.
"""
import argparse
import base64
import copy
import gzip
import hashlib
import json
import os
import re
import secrets
import select
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
import zlib
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures", "replicate")
IMAGES = os.path.join(HERE, "..", "fixtures", "images")

DEFAULT_TOKEN = "r8_fake_0123456789abcdef"
MODELS_PAGE = 25          # real GET /v1/models page size (recorded)
PREDICTIONS_PAGE = 100    # "100 records per page" (spec)
MAX_BODY = 100 * 1024 * 1024   # POST /v1/files limit (spec: 100 MB)
MAX_LOGGED_BODY = 1 << 20      # request bodies kept in /_fake/requests
RUN_SECONDS = 2.0              # one prediction at --speed 1

# Timeline of one prediction, in fractions of RUN_SECONDS.
T_START = 0.15      # starting -> processing
T_OUTPUT = 0.92     # file outputs exist (Prefer: wait returns here)
T_END = 1.0         # terminal
T_FAIL = 0.55       # a failing prediction fails here

# Recorded errors (responses/prediction.failed.default_example.*.json).
ERR_NSFW = ("NSFW content detected. Try running it again, or try a "
            "different prompt.")
ERR_PA = "Prediction interrupted; please retry (code: PA)"

# Official models: run through /v1/models/{o}/{n}/predictions, no version
# list (API.md 4.5). Version ids reported for them, as recorded.
OFFICIAL = {
    "meta/meta-llama-3-8b-instruct": "dp-a557b7387b4940df25b23f779dc534c4",
    "meta/llama-2-70b-chat": "d-c6559c5791b50af57b69f4a73f8e021c",
    "black-forest-labs/flux-schnell": "hidden",
    "black-forest-labs/flux-1.1-pro": "hidden",
}

NOT_FOUND = "The requested resource could not be found."
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
IMAGE_EXT = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
MIME = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
TQDM = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588"
DELIVERY_RE = re.compile(r"https://(?:[a-z0-9-]+\.)?replicate\.delivery/")


def load(*parts):
    with open(os.path.join(FIX, *parts), "rb") as f:
        return json.loads(f.read())


def now_iso(t=None):
    d = datetime.fromtimestamp(time.time() if t is None else t, timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id(n=26):
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(n))


def problem(status, detail, title=None, **extra):
    body = {}
    if title:
        body["title"] = title
    body["detail"] = detail
    body["status"] = status
    body.update(extra)
    return body


def tqdm_line(n, total, elapsed, rate):
    frac = n / total
    eighths = int(10 * frac * 8)
    full, rem = divmod(eighths, 8)
    bar = "\u2588" * full + (TQDM[rem] if rem and full < 10 else "")
    bar = bar.ljust(10)

    def mmss(s):
        s = int(s)
        return "%02d:%02d" % (s // 60, s % 60)

    if n == 0:
        return "  0%%|%s| 0/%d [00:00<?, ?it/s]" % (bar, total)
    remaining = (total - n) / rate if rate else 0
    return "%3.0f%%|%s| %d/%d [%s<%s, %5.2fit/s]" % (
        frac * 100, bar, n, total, mmss(elapsed), mmss(remaining), rate)


# ---------------------------------------------------------------------------
# The catalogue: models, versions, collections (all from recordings)

class Catalogue:
    def __init__(self):
        self.page1 = load("responses", "models.list.page1.2023-11-16.json")
        self.search_llama = load("responses",
                                 "models.search.QUERY-llama.2024-07-19.json")
        self.collections = load("responses", "collections.list.2023-11-16.json")
        self.t2i = load("responses", "collections.get.text-to-image.2023-11-16.json")
        self.hardware = load("responses", "hardware.list.2023-11-02.json")
        self.err401 = load("responses", "error.401.unauthenticated.2023-11-16.json")
        self.file_tpl = load("responses", "file.create.2024-08-22.json")
        self.files_list = load("responses", "files.list.2024-08-22.json")
        self.pw_llama = load("responses",
                             "prediction.create.prefer-wait10.processing."
                             "llama3-8b.2024-10-04.json")
        self.items = []
        for f in sorted(os.listdir(os.path.join(FIX, "models"))):
            if f.endswith(".json"):
                self.items.append(load("models", f))
        # GET /v1/models order: the recorded page, then the 2025 objects.
        self.listing = list(self.page1["results"])
        seen = {key(m) for m in self.listing}
        for m in self.items:
            if key(m) not in seen:
                self.listing.append(m)
                seen.add(key(m))
        # Model lookup: every model object seen, best recording wins.
        self.models = {}
        for src in (self.search_llama["results"], self.t2i["models"],
                    self.page1["results"], self.items):
            for m in src:
                self.models[key(m)] = m
        for f in ("model.get.meta__llama-2-70b-chat.2023-10-29.json",
                  "model.get.stability-ai__sdxl.2024-10-04.json",
                  "model.get.mattt__empty.2023-11-16.json"):
            m = load("responses", f)
            self.models[key(m)] = m
        # Versions: every latest_version, plus the recorded version objects.
        self.versions = {}      # id -> (model key, version object)
        for k, m in self.models.items():
            v = m.get("latest_version")
            if v and v.get("id"):
                self.versions.setdefault(v["id"], (k, v))
        for f, k in (("version.get.stability-ai__sdxl__39ed52f2.2023-08-28.json",
                      "stability-ai/sdxl"),
                     ("version.get.stability-ai__sdxl__7762fd07.2024-10-04.json",
                      "stability-ai/sdxl"),
                     ("version.get.meta__llama-2-70b-chat__02e509c7.2023-10-29.json",
                      "meta/llama-2-70b-chat")):
            v = load("responses", f)
            self.versions[v["id"]] = (k, v)

    def model_versions(self, k):
        vs = [v for (mk, v) in self.versions.values() if mk == k]
        vs.sort(key=lambda v: v.get("created_at") or "", reverse=True)
        return vs

    def collection(self, slug):
        if slug == self.t2i["slug"]:
            return self.t2i
        for c in self.collections["results"]:
            if c["slug"] == slug:
                out = dict(c)
                out["models"] = [self.models[k] for k in
                                 sorted(self.models) if in_collection(
                                     slug, self.models[k])]
                return out
        if slug == "official":
            return {"name": "Official models", "slug": "official",
                    "description": "Official models are always on, maintained,"
                                   " and have predictable pricing.",
                    "models": [self.models[k] for k in sorted(OFFICIAL)
                               if k in self.models]}
        return None

    def search(self, text):
        words = [w for w in re.split(r"\s+", text.lower()) if w]
        out = []
        for m in self.listing + [self.models[k] for k in sorted(self.models)]:
            hay = ("%s/%s %s" % (m.get("owner"), m.get("name"),
                                 m.get("description") or "")).lower()
            if words and all(w in hay for w in words) and m not in out:
                out.append(m)
        return out


def key(m):
    return "%s/%s" % (m.get("owner"), m.get("name"))


def add_model_clone(cat, spec):
    """--model OWNER/NAME@VERSION: stability-ai/sdxl's recording under
    another name, its latest version VERSION (a test that pulls
    r8.im/OWNER/NAME@sha256:VERSION from a local registry names the digest
    it pushed)."""
    ref, _, vid = spec.partition("@")
    owner, _, name = ref.partition("/")
    if not owner or not name or not vid:
        raise SystemExit("--model wants OWNER/NAME@VERSION, not %r" % spec)
    m = copy.deepcopy(cat.models["stability-ai/sdxl"])
    m["owner"], m["name"] = owner, name
    m["url"] = "https://replicate.com/%s/%s" % (owner, name)
    m["latest_version"]["id"] = vid
    cat.models[key(m)] = m
    cat.versions[vid] = (key(m), m["latest_version"])


def schema_of(v):
    s = (v or {}).get("openapi_schema") or {}
    return s.get("components", {}).get("schemas", {})


def output_kind(v, model=None):
    """'text' (token iterator), 'image' (file URLs served here) or 'static'
    (replay the model's recorded default_example output)."""
    out = schema_of(v).get("Output") or {}
    if out.get("type") == "array" and out.get("x-cog-array-type") == "iterator":
        items = out.get("items") or {}
        if items.get("type") == "string" and items.get("format") != "uri":
            return "text"
    is_uri = out.get("format") == "uri" or (
        out.get("type") == "array" and
        (out.get("items") or {}).get("format") == "uri")
    if is_uri:
        ex = (model or {}).get("default_example") or {}
        o = ex.get("output")
        first = o[0] if isinstance(o, list) and o else o
        if not isinstance(first, str):
            return "image"
        ext = first.rsplit(".", 1)[-1].lower()
        return "image" if ext in IMAGE_EXT else "static"
    return "static"


def in_collection(slug, m):
    v = m.get("latest_version")
    if not v:
        return False
    kind = output_kind(v, m)
    if slug in ("language-models", "streaming-language-models"):
        return kind == "text"
    if slug == "diffusion-models":
        return kind == "image"
    if slug == "super-resolution":
        return "esrgan" in m.get("name", "")
    return False


# ---------------------------------------------------------------------------
# Predictions

class Prediction:
    """One simulated prediction. The whole run is planned at creation as a
    list of timed entries; its state at any moment is a pure function of the
    elapsed time (and of a cancel), so GET, Prefer: wait and SSE agree."""

    def __init__(self, srv, model_key, version_id, version, model, body,
                 official_route):
        self.srv = srv
        self.id = new_id()
        self.stream_key = new_id(52)
        self.model_key = model_key
        self.version_id = version_id
        self.version = version
        self.model = model
        self.input = body.get("input") or {}
        self.webhook = body.get("webhook")
        self.webhook_filter = body.get("webhook_events_filter")
        self.t0 = time.time()
        self.m0 = time.monotonic()
        self.canceled_at = None
        self.deadline = None
        self.kind = output_kind(version, model)
        prompt = str(self.input.get("prompt", ""))
        self.fail = "FAIL" in prompt
        self.data_uri = "DATAURI" in prompt
        self.scale = RUN_SECONDS / srv.speed
        self.entries = []       # (t, kind, payload), t in seconds
        self._plan()

    # -- planning -----------------------------------------------------------
    def _plan(self):
        s = self.scale
        t_start, t_end = T_START * s, T_END * s
        if self.kind == "text":
            toks = self._tokens()
            n = max(1, len(toks))
            span = (T_OUTPUT - T_START) * s
            for i, tok in enumerate(toks):
                self.entries.append((t_start + span * (i + 1) / n, "output",
                                     tok))
        elif self.kind == "image":
            seed = self.input.get("seed", 42069)
            prompt = self.input.get("prompt", "")
            for line in ("Using seed: %s" % seed, "Prompt: %s" % prompt,
                         "txt2img mode"):
                self.entries.append((t_start, "logs", line))
            steps = 50
            marks = [0, 1] + list(range(3, steps, 2)) + [steps]
            span = (T_OUTPUT - T_START - 0.02) * s
            for n in marks:
                t = t_start + span * n / steps
                # the recorded run warms up from 1.6 to 16.8 it/s
                rate = 16.8 * (1 - 2.718 ** (-n / 6.0)) + 0.4 if n else 0
                el = n / rate if n else 0
                self.entries.append((t, "logs", tqdm_line(n, steps, el, rate)))
            for url in self._files():
                self.entries.append((T_OUTPUT * s, "output", url))
        else:
            ex = (self.model or {}).get("default_example") or {}
            self.entries.append((T_OUTPUT * s, "output",
                                 self.srv.rewrite_obj(ex.get("output"))))
        self.entries.sort(key=lambda e: e[0])
        self.t_start, self.t_end = t_start, t_end
        if self.fail:
            self.t_end = T_FAIL * s
            self.entries = [e for e in self.entries if e[0] < self.t_end]

    def _tokens(self):
        ex = (self.model or {}).get("default_example") or {}
        out = ex.get("output")
        if isinstance(out, list) and out and all(isinstance(x, str)
                                                  for x in out):
            toks = out
        else:
            toks = self.srv.cat.pw_llama["output"]
        cap = self.input.get("max_tokens")
        if isinstance(cap, int) and cap > 0:
            toks = toks[:cap]
        return list(toks)

    def _files(self):
        sch = schema_of(self.version)
        fmt = self.input.get("output_format")
        if fmt is None:
            fmt = (sch.get("Input", {}).get("properties", {})
                   .get("output_format", {}).get("default"))
        ext = IMAGE_EXT.get(str(fmt).lower(), "png")
        out = sch.get("Output") or {}
        n = 1
        if out.get("type") == "array":
            n = self.input.get("num_outputs", 1)
            n = n if isinstance(n, int) and 1 <= n <= 4 else 1
        urls = []
        for i in range(n):
            if self.data_uri:
                urls.append("data:%s;base64,%s" % (
                    MIME[ext], base64.b64encode(self.srv.images[ext]).decode()))
            else:
                urls.append("%s/files/%s/out-%d.%s" % (self.srv.base, self.id,
                                                       i, ext))
        return urls

    # -- state --------------------------------------------------------------
    def elapsed(self):
        e = time.monotonic() - self.m0
        if self.canceled_at is not None:
            e = min(e, self.canceled_at)
        return e

    def status_at(self, e):
        if self.canceled_at is not None and e >= self.canceled_at:
            return self.cancel_status
        if e < self.t_start:
            return "starting"
        if e < self.t_end:
            return "processing"
        return "failed" if self.fail else "succeeded"

    def check_deadline(self):
        if (self.deadline is not None and self.canceled_at is None and
                time.monotonic() - self.m0 >= self.deadline and
                self.deadline < self.t_end):
            self.cancel(at=self.deadline)

    def status(self):
        self.check_deadline()
        return self.status_at(self.elapsed())

    def terminal(self):
        return self.status() in ("succeeded", "failed", "canceled", "aborted")

    def cancel(self, at=None):
        with self.srv.lock:
            if self.canceled_at is not None:
                return
            e = time.monotonic() - self.m0 if at is None else at
            if e >= self.t_end:
                return
            self.cancel_status = "aborted" if (at is not None and
                                               e < self.t_start) else "canceled"
            self.canceled_at = e

    def visible(self, e):
        return [x for x in self.entries if x[0] <= e]

    def output_ready(self):
        e = self.elapsed()
        return any(x[1] == "output" for x in self.visible(e))

    def body(self):
        self.check_deadline()
        e = self.elapsed()
        st = self.status_at(e)
        seen = self.visible(e)
        logs = "".join(p + "\n" for (_, k, p) in seen if k == "logs")
        outs = [p for (_, k, p) in seen if k == "output"]
        if self.kind == "static":
            output = outs[0] if outs else None
        elif self.kind == "image" and not self._is_array():
            output = outs[0] if outs else None
        else:
            output = outs if outs else None
        base = self.srv.base
        b = {
            "id": self.id,
            "model": self.model_key,
            "version": self.version_id,
            "input": self.input,
            "logs": logs,
            "output": output,
            "data_removed": False,
            "error": None,
            "status": st,
            "created_at": now_iso(self.t0),
            "urls": {
                "cancel": "%s/v1/predictions/%s/cancel" % (base, self.id),
                "get": "%s/v1/predictions/%s" % (base, self.id),
                "stream": "%s/v1/streams/%s" % (base, self.stream_key),
            },
        }
        if self.webhook is not None:
            b["webhook"] = self.webhook
        if self.webhook_filter is not None:
            b["webhook_events_filter"] = self.webhook_filter
        if self.deadline is not None:
            b["deadline"] = now_iso(self.t0 + self.deadline)
        if st != "starting" and st != "aborted":
            b["started_at"] = now_iso(self.t0 + self.t_start)
        if st in ("succeeded", "failed", "canceled", "aborted"):
            end = self.canceled_at if st in ("canceled", "aborted") \
                else self.t_end
            b["completed_at"] = now_iso(self.t0 + end)
            b["metrics"] = {"predict_time": round(max(0.0, end - self.t_start),
                                                  6),
                            "total_time": round(end, 6)}
            if self.kind == "text":
                b["metrics"].update({
                    "input_token_count": len(str(self.input.get("prompt",
                                                                 "")).split()),
                    "output_token_count": len(outs),
                })
        if st == "failed":
            b["error"] = ERR_NSFW if self.kind == "image" else ERR_PA
            b["output"] = None
            b.setdefault("webhook", None)
        if st in ("canceled", "aborted"):
            if not logs:
                b["logs"] = None        # as recorded right after a cancel
            b["webhook_completed"] = None
        return b

    def _is_array(self):
        return (schema_of(self.version).get("Output") or {}).get("type") == \
            "array"

    # -- SSE events ------------------------------------------------------------
    def events(self):
        """(id, event, data) for everything visible now, terminal last."""
        self.check_deadline()
        e = self.elapsed()
        st = self.status_at(e)
        ev = []
        sec = int(self.t0)
        for i, (t, k, p) in enumerate(self.visible(e)):
            data = p if isinstance(p, str) else json.dumps(p)
            ev.append(("%d:%d" % (sec + int(t), i), k, data))
        if st == "failed":
            err = ERR_NSFW if self.kind == "image" else ERR_PA
            ev.append((None, "error", json.dumps({"detail": err})))
            ev.append((None, "done", json.dumps({"reason": "error"})))
        elif st in ("canceled", "aborted"):
            ev.append((None, "done", json.dumps({"reason": "canceled"})))
        elif st == "succeeded":
            ev.append((None, "done", "{}"))
        return ev


# ---------------------------------------------------------------------------
# The server

class Fault:
    def __init__(self, kind, params, path=None, method=None, count=1,
                 query=None):
        self.kind = str(kind)
        self.params = params
        self.path = re.compile(path) if path else None
        self.query = re.compile(query) if query else None
        self.method = method.upper() if method else None
        self.count = count

    def is_sse(self):
        return self.kind in ("stall_sse", "drop_sse")

    def applies(self, sse):
        """SSE kinds act on streams only; drop and truncate cut a counted
        body, so never on streams; the rest on any request."""
        if self.is_sse():
            return sse
        return not sse or self.kind not in ("drop", "truncate")

    def describe(self):
        d = {"kind": self.kind, "count": self.count}
        if self.path:
            d["path"] = self.path.pattern
        if self.query:
            d["query"] = self.query.pattern
        if self.method:
            d["method"] = self.method
        d.update(self.params)
        return d


def parse_fault_header(v):
    parts = [p.strip() for p in v.split(";") if p.strip()]
    if not parts:
        return None
    params = {}
    for p in parts[1:]:
        k, _, val = p.partition("=")
        params[k.strip()] = val.strip()
    return Fault(parts[0], params)


class FakeState:
    def __init__(self, args):
        self.token = args.token
        self.speed = args.speed if args.speed > 0 else 1.0
        self.page_size = args.page_size
        self.gzip = not args.no_gzip
        self.quiet = args.quiet
        self.lock = threading.RLock()
        self.cat = Catalogue()
        for spec in getattr(args, "model", None) or []:
            add_model_clone(self.cat, spec)
        self.images = {}
        for ext in ("png", "jpg", "webp"):
            with open(os.path.join(IMAGES, "sdxl-corgi-512." + ext), "rb") as f:
                self.images[ext] = f.read()
        if getattr(args, "image_png", None):
            with open(args.image_png, "rb") as f:
                self.images["png"] = f.read()
        self.base = ""
        self.cache = {}
        self.reset()

    def reset(self):
        with self.lock:
            self.requests = []
            self.faults = []
            self.preds = {}
            self.streams = {}
            self.files = {}
            self.seeded = {}
            for f in ("prediction.get.succeeded.sdxl.2023-08-16.json",
                      "prediction.get.succeeded.sdxl.2023-11-16.json",
                      "prediction.cancel.canceled.sdxl.2024-04-22.json",
                      "prediction.failed.default_example."
                      "dingman081130__jdmodel.json",
                      "prediction.failed.default_example."
                      "guillaumemartinfesta__shap-e.json"):
                p = load("responses", f)
                restore_stripped(p)
                self.seeded[p["id"]] = p
            # the recorded files (all empty: size 0 in the recording)
            for o in self.cat.files_list["results"]:
                self.files[o["id"]] = (o, b"")

    def rewrite(self, text):
        text = text.replace("https://api.replicate.com/", self.base + "/")
        return DELIVERY_RE.sub(self.base + "/delivery/", text)

    def rewrite_obj(self, obj):
        if obj is None:
            return None
        return json.loads(self.rewrite(json.dumps(obj)))

    def take_fault(self, method, path, sse, query=""):
        with self.lock:
            for f in self.faults:
                if not f.applies(sse):
                    continue
                if f.method and f.method != method:
                    continue
                if f.path and not f.path.search(path):
                    continue
                if f.query and not f.query.search(query):
                    continue
                if f.count > 0:
                    f.count -= 1
                if f.count == 0:
                    self.faults.remove(f)
                return f
        return None


def restore_stripped(p):
    """The npm models dump deleted default_example.logs and .urls (see
    sources.md 3); a prediction served on its own has both."""
    if "urls" not in p:
        p["urls"] = {
            "get": "https://api.replicate.com/v1/predictions/%s" % p["id"],
            "cancel": "https://api.replicate.com/v1/predictions/%s/cancel" %
            p["id"]}
    if "logs" not in p:
        p["logs"] = ""


class Reply(Exception):
    """Raised by a route to answer with (status, body[, headers, ctype])."""

    def __init__(self, status, body, headers=None, ctype=None):
        super().__init__(status)
        self.status, self.body, self.headers, self.ctype = (status, body,
                                                            headers or {},
                                                            ctype)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    st = None   # FakeState, set at start

    def version_string(self):
        return "r8play-fake-replicate/1"

    def log_message(self, fmt, *args):
        if not self.st.quiet:
            sys.stderr.write("fake-replicate: %s - %s\n" % (
                self.address_string(), fmt % args))

    # -- plumbing -------------------------------------------------------------
    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_QUERY(self):
        self.handle_any("QUERY")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_HEAD(self):
        self.handle_any("HEAD")

    def read_body(self):
        n = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
                if len(data) > MAX_BODY:
                    self.close_connection = True
                    raise Reply(413, problem(413, "Files must be less than "
                                             "100MB in size"))
            return data
        if not n:
            return b""
        n = int(n)
        if n > MAX_BODY:
            self.close_connection = True
            raise Reply(413, problem(413, "Files must be less than 100MB in "
                                     "size"))
        return self.rfile.read(n)

    def auth(self):
        h = self.headers.get("Authorization")
        if not h:
            return None, False
        scheme, _, tok = h.partition(" ")
        ok = scheme.lower() in ("bearer", "token") and tok.strip() == \
            self.st.token
        return scheme, ok

    def handle_any(self, method):
        self.method = method
        self.fault = self.rec = None
        u = urlsplit(self.path)
        self.upath, self.qs = u.path, parse_qs(u.query)
        self.uquery = u.query
        try:
            body = self.read_body()
        except Reply as r:
            self.send_json(r.status, r.body, ctype="application/problem+json")
            return
        except (ValueError, OSError):
            self.close_connection = True
            return
        self.req_body = body
        st = self.st
        if not self.upath.startswith("/_fake/"):
            scheme, ok = self.auth()
            hdrs = {}
            for k, v in self.headers.items():
                hdrs[k] = scheme if k.lower() == "authorization" else v
            rec = {"method": method, "path": self.upath, "query": u.query,
                   "headers": hdrs, "auth_ok": ok, "time": time.time()}
            b = body[:MAX_LOGGED_BODY]
            try:
                rec["body"] = b.decode("utf-8")
            except UnicodeDecodeError:
                rec["body_b64"] = base64.b64encode(b).decode()
            if len(body) > MAX_LOGGED_BODY:
                rec["body_truncated"] = len(body)
            self.rec = rec
            with st.lock:
                st.requests.append(rec)
        sse = self.upath.startswith("/v1/streams/")
        if not self.upath.startswith("/_fake/"):
            h = self.headers.get("X-Fake-Fault")
            f = parse_fault_header(h) if h else None
            if f and f.kind not in FAULT_KINDS:
                self.send_json(400, problem(400, "X-Fake-Fault: unknown kind "
                                            "%r" % f.kind),
                               ctype="application/problem+json")
                return
            if f and not f.applies(sse):
                f = None
            if f is None:
                f = st.take_fault(method, self.upath, sse, self.uquery)
            self.fault = f
            if f is not None:
                rec["fault"] = f.kind
                if self.pre_fault(f):
                    return
        try:
            self.route(method)
        except Reply as r:
            if isinstance(r.body, (bytes, str)):
                self.send_bytes(r.status, r.body, r.ctype or "text/plain",
                                r.headers)
            else:
                # the recorded 401 carries no ratelimit headers
                self.send_json(r.status, r.body, r.headers,
                               r.ctype or ("application/problem+json"
                                           if r.status >= 400 else None),
                               ratelimit=r.status != 401)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:      # a bug in the fake: say so, loudly
            traceback.print_exc()
            self.close_connection = True
            try:
                self.send_bytes(500, json.dumps(problem(
                    500, "fake-replicate bug: %r" % e)),
                    "application/problem+json")
            except OSError:
                pass

    def send_response(self, code, message=None):
        if self.rec is not None:
            self.rec["status"] = code
        super().send_response(code, message)

    def pre_fault(self, f):
        """Faults that replace the answer. True when the request is done."""
        k, p = f.kind, f.params
        if k in ("huge_length", "gzip_bomb", "stall_body"):
            return self.download_fault(k, p)
        if k == "slow":
            time.sleep(float(p.get("delay", 2)))
            return False
        if k == "close":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True
        if k == "429":
            s = int(float(p.get("retry_after", 1)))
            body = problem(429, "Request was throttled. Expected available "
                           "in %d second%s." % (s, "" if s == 1 else "s"))
            self.send_json(429, body, {"Retry-After": str(s),
                                       "ratelimit-remaining": "0",
                                       "ratelimit-reset": str(s)},
                           "application/problem+json")
            return True
        if k == "500":
            self.send_json(500, problem(500, "Internal server error"),
                           ctype="application/problem+json")
            return True
        if k in ("502", "503", "504"):
            names = {"502": "Bad Gateway", "503": "Service Unavailable",
                     "504": "Gateway Timeout"}
            html = ("<html>\r\n<head><title>%s %s</title></head>\r\n<body>\r\n"
                    "<center><h1>%s %s</h1></center>\r\n<hr><center>"
                    "cloudflare</center>\r\n</body>\r\n</html>\r\n" % (
                        k, names[k], k, names[k]))
            hdr = {}
            if "retry_after" in p:
                hdr["Retry-After"] = str(p["retry_after"])
            self.send_bytes(int(k), html.encode(), "text/html", hdr)
            return True
        return False

    BOMBS = {}

    def download_fault(self, k, p):
        """Hostile downloads: huge_length declares `length` bytes (2 GB)
        and sends 1 MiB before closing; gzip_bomb sends `mib` MiB of zeros
        (64) gzip-compressed (about 1000:1); stall_body declares `bytes`
        (1 MiB), sends half, then hangs `delay` seconds (30)."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        try:
            if k == "huge_length":
                self.send_header("Content-Length",
                                 str(int(p.get("length", 2 << 30))))
                self.end_headers()
                self.wfile.write(b"\0" * (1 << 20))
            elif k == "gzip_bomb":
                mib = int(p.get("mib", 64))
                if mib not in self.BOMBS:
                    z, mb = zlib.compressobj(1, zlib.DEFLATED, 31), b"\0" * (1 << 20)
                    self.BOMBS[mib] = b"".join(
                        [z.compress(mb) for _ in range(mib)] + [z.flush()])
                body = self.BOMBS[mib]
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                n = int(p.get("bytes", 1 << 20))
                self.send_header("Content-Length", str(n))
                self.end_headers()
                self.wfile.write(b"x" * (n // 2))
                self.wfile.flush()
                time.sleep(float(p.get("delay", 30)))
            self.wfile.flush()
        except OSError:
            pass
        return True

    def send_bytes(self, status, data, ctype, headers=None, allow_gzip=True):
        if isinstance(data, str):
            data = data.encode("utf-8")
        f = self.fault
        if f is not None and f.kind == "truncate" and data:
            cut = f.params.get("bytes")
            cut = int(cut) if cut else len(data) // 2
            data = data[:max(1, min(cut, len(data) - 1))]
        enc = None
        if (allow_gzip and self.st.gzip and len(data) > 1024 and
                "gzip" in self.headers.get("Accept-Encoding", "") and
                not ctype.startswith("image/")):
            data = gzip.compress(data, 5)
            enc = "gzip"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if enc:
            self.send_header("Content-Encoding", enc)
            self.send_header("Vary", "Accept-Encoding")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if f is not None and f.kind == "drop":
            self.send_header("Connection", "close")
        self.end_headers()
        if self.method == "HEAD":
            return
        if f is not None and f.kind == "drop":
            n = f.params.get("after")
            n = int(n) if n else len(data) // 2
            self.wfile.write(data[:min(n, max(0, len(data) - 1))])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(data)

    def send_json(self, status, obj, headers=None, ctype=None, raw=None,
                  ratelimit=True):
        text = raw if raw is not None else json.dumps(obj)
        text = self.st.rewrite(text)
        h = {}
        if ratelimit:
            h = {"ratelimit-remaining": "2999", "ratelimit-reset": "1"}
        h.update(headers or {})
        self.send_bytes(status, text, ctype or "application/json", h)

    def need_auth(self):
        scheme, ok = self.auth()
        if not ok:
            raise Reply(401, self.st.cat.err401)

    def json_body(self):
        try:
            v = json.loads(self.req_body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError) as e:
            raise Reply(400, problem(400, "Invalid JSON in request body: %s"
                                     % e, title="Bad request"))
        return v

    # -- routing --------------------------------------------------------------
    ROUTES = [
        ("GET", r"/v1/account", "account"),
        ("GET", r"/v1/hardware", "hardware"),
        ("GET", r"/v1/models", "models_list"),
        ("QUERY", r"/v1/models", "models_query"),
        ("GET", r"/v1/search", "search"),
        ("GET", r"/v1/collections", "collections_list"),
        ("GET", r"/v1/collections/([^/]+)", "collection_get"),
        ("GET", r"/v1/models/([^/]+)/([^/]+)", "model_get"),
        ("GET", r"/v1/models/([^/]+)/([^/]+)/readme", "model_readme"),
        ("GET", r"/v1/models/([^/]+)/([^/]+)/versions", "versions_list"),
        ("GET", r"/v1/models/([^/]+)/([^/]+)/versions/([^/]+)", "version_get"),
        ("GET", r"/v1/models/([^/]+)/([^/]+)/examples", "examples"),
        ("POST", r"/v1/models/([^/]+)/([^/]+)/predictions", "create_official"),
        ("POST", r"/v1/predictions", "create_version"),
        ("GET", r"/v1/predictions", "predictions_list"),
        ("GET", r"/v1/predictions/([^/]+)", "prediction_get"),
        ("POST", r"/v1/predictions/([^/]+)/cancel", "prediction_cancel"),
        ("GET", r"/v1/streams/([^/]+)", "stream"),
        ("POST", r"/v1/files", "file_create"),
        ("GET", r"/v1/files", "files_list"),
        ("GET", r"/v1/files/([^/]+)", "file_get"),
        ("DELETE", r"/v1/files/([^/]+)", "file_delete"),
        ("GET", r"/v1/files/([^/]+)/download", "file_download"),
        ("GET", r"/files/([^/]+)/([^/]+)", "output_file"),
        ("GET", r"/delivery/(.+)", "delivery"),
        ("GET", r"/_fake/requests", "fake_requests"),
        ("GET", r"/_fake/faults", "fake_faults_get"),
        ("POST", r"/_fake/faults", "fake_faults"),
        ("POST", r"/_fake/reset", "fake_reset"),
    ]
    COMPILED = [(m, re.compile(p + "/?$"), n) for (m, p, n) in ROUTES]
    NOAUTH = ("stream", "output_file", "delivery", "fake_requests",
              "fake_faults", "fake_faults_get", "fake_reset")

    def route(self, method):
        path = self.upath
        allowed = []
        for m, rx, name in self.COMPILED:
            mt = rx.match(path)
            if not mt:
                continue
            if m != method and not (method == "HEAD" and m == "GET"):
                allowed.append(m)
                continue
            if name not in self.NOAUTH:
                self.need_auth()
            getattr(self, "r_" + name)(*mt.groups())
            return
        if path.startswith("/v1/"):
            self.need_auth()
        if allowed:
            raise Reply(405, problem(405, "Method \"%s\" not allowed." %
                                     method), {"Allow": ", ".join(allowed)})
        raise Reply(404, problem(404, NOT_FOUND))

    # -- pagination -----------------------------------------------------------
    def paginate(self, items, path, page, extra=None):
        cur = self.qs.get("cursor", [""])[0]
        off = 0
        if cur:
            try:
                off = int(base64.urlsafe_b64decode(cur.encode() + b"==")
                          .decode().partition("o=")[2])
            except (ValueError, UnicodeDecodeError):
                raise Reply(400, problem(400, "Invalid cursor",
                                         title="Bad request"))
        page = self.st.page_size or page

        def link(o):
            q = dict(extra or {})
            q["cursor"] = base64.urlsafe_b64encode(
                ("o=%d" % o).encode()).decode().rstrip("=")
            return "%s%s?%s" % (self.st.base, path, urlencode(q))

        chunk = items[off:off + page]
        return {
            "next": link(off + page) if off + page < len(items) else None,
            "previous": link(max(0, off - page)) if off > 0 else None,
            "results": chunk,
        }

    # -- catalogue routes -----------------------------------------------------
    def r_account(self):
        self.send_json(200, {"type": "organization", "username": "acme",
                             "name": "Acme Corp, Inc.",
                             "github_url": "https://github.com/acme"})

    def r_hardware(self):
        self.send_json(200, self.st.cat.hardware, {"allow": "OPTIONS, GET"})

    def r_models_list(self):
        items = list(self.st.cat.listing)
        extra = {}
        sort_by = self.qs.get("sort_by", [None])[0]
        direction = self.qs.get("sort_direction", ["desc"])[0]
        if sort_by not in (None, "latest_version_created_at",
                           "model_created_at"):
            raise Reply(400, problem(400, "Invalid sort_by", title="Bad "
                                     "request"))
        if sort_by:
            extra["sort_by"] = sort_by
        if direction not in ("asc", "desc"):
            raise Reply(400, problem(400, "Invalid sort_direction",
                                     title="Bad request"))
        if direction == "asc":
            items.reverse()
            extra["sort_direction"] = "asc"
        ck = ("models", self.qs.get("cursor", [""])[0], tuple(sorted(
            extra.items())), self.st.page_size)
        raw = self.st.cache.get(ck)
        if raw is None:
            raw = json.dumps(self.paginate(items, "/v1/models", MODELS_PAGE,
                                           extra))
            self.st.cache[ck] = raw
        self.send_json(200, None, {"allow": "GET, POST, HEAD, OPTIONS"},
                       raw=raw)

    def r_models_query(self):
        text = self.req_body.decode("utf-8", "replace").strip()
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("text/plain"):
            raise Reply(415, problem(415, "Unsupported media type \"%s\" in "
                                     "request." % ctype))
        hdr = {"allow": "GET, POST, QUERY"}
        if text.lower() == "llama":
            self.send_json(200, self.st.cat.search_llama, hdr)
            return
        res = self.st.cat.search(text)[:MODELS_PAGE]
        self.send_json(200, {"next": None, "previous": None, "results": res},
                       hdr)

    def r_search(self):
        q = self.qs.get("query", [""])[0]
        if not q.strip():
            raise Reply(400, {"detail": "Query parameter \"query\" is "
                                        "required"})
        try:
            limit = int(self.qs.get("limit", ["20"])[0])
        except ValueError:
            limit = 0
        if not 1 <= limit <= 50:
            raise Reply(400, {"detail": "Query parameter \"limit\" must be "
                                        "between 1 and 50"})
        cat = self.st.cat
        models = []
        for i, m in enumerate(cat.search(q)[:limit]):
            mm = copy.deepcopy(m)
            if mm.get("latest_version"):
                mm["latest_version"]["openapi_schema"] = {}
            kind = output_kind(m.get("latest_version"), m) \
                if m.get("latest_version") else None
            tags = {"text": ["text-generation", "language-model"],
                    "image": ["text-to-image", "image-generation"]}.get(
                        kind, [])
            models.append({"model": mm, "metadata": {
                "generated_description": m.get("description"),
                "tags": tags, "score": round(2.0 / (i + 1), 4)}})
        cols = []
        words = q.lower().split()
        for c in cat.collections["results"]:
            hay = ("%s %s %s" % (c["name"], c["slug"],
                                 c["description"])).lower()
            if any(w in hay for w in words):
                full = cat.collection(c["slug"]) or {}
                cols.append({"name": c["name"], "slug": c["slug"],
                             "description": c["description"],
                             "models": [key(m) for m in
                                        full.get("models", [])]})
        pages = []
        if any(w in ("stream", "streaming", "sse") for w in words):
            pages.append({"name": "Streaming output",
                          "href": "/docs/topics/predictions/streaming"})
        self.send_json(200, {"query": q, "models": models,
                             "collections": cols, "pages": pages})

    def r_collections_list(self):
        self.send_json(200, self.st.cat.collections,
                       {"allow": "GET, HEAD, OPTIONS"})

    def r_collection_get(self, slug):
        c = self.st.cat.collection(slug)
        if c is None:
            raise Reply(404, problem(404, NOT_FOUND))
        ck = ("col", slug)
        raw = self.st.cache.get(ck)
        if raw is None:
            raw = json.dumps(c)
            self.st.cache[ck] = raw
        self.send_json(200, None, {"allow": "GET, HEAD, OPTIONS"}, raw=raw)

    def model(self, owner, name):
        m = self.st.cat.models.get("%s/%s" % (owner, name))
        if m is None:
            raise Reply(404, problem(404, NOT_FOUND))
        return m

    def r_model_get(self, owner, name):
        self.send_json(200, self.model(owner, name),
                       {"allow": "GET, HEAD, OPTIONS"})

    def r_model_readme(self, owner, name):
        m = self.model(owner, name)
        if not m.get("description"):
            raise Reply(404, problem(404, NOT_FOUND))
        text = "# %s/%s\n\n%s\n" % (owner, name, m["description"])
        self.send_bytes(200, text, "text/plain; charset=utf-8")

    def r_versions_list(self, owner, name):
        k = "%s/%s" % (owner, name)
        self.model(owner, name)
        if k in OFFICIAL:
            raise Reply(404, problem(404, "Official models don't have a list "
                                     "of versions."))
        vs = self.st.cat.model_versions(k)
        self.send_json(200, self.paginate(vs, "/v1/models/%s/versions" % k,
                                          PREDICTIONS_PAGE),
                       {"allow": "GET, HEAD, OPTIONS"})

    def r_version_get(self, owner, name, vid):
        k = "%s/%s" % (owner, name)
        self.model(owner, name)
        hit = self.st.cat.versions.get(vid)
        if hit is None or hit[0] != k:
            raise Reply(404, problem(404, NOT_FOUND))
        self.send_json(200, hit[1], {"allow": "GET, DELETE, HEAD, OPTIONS"})

    def r_examples(self, owner, name):
        m = self.model(owner, name)
        ex = m.get("default_example")
        res = []
        if ex:
            ex = copy.deepcopy(ex)
            restore_stripped(ex)
            res.append(ex)
        self.send_json(200, self.paginate(
            res, "/v1/models/%s/%s/examples" % (owner, name),
            PREDICTIONS_PAGE))

    # -- predictions ----------------------------------------------------------
    def r_create_version(self):
        body = self.json_body()
        if not isinstance(body, dict):
            raise Reply(400, problem(400, "Request body must be a JSON "
                                     "object", title="Bad request"))
        ver = body.get("version")
        if not isinstance(ver, str) or not ver:
            raise Reply(422, problem(422, "- version: version is required\n",
                                     title="Input validation failed",
                                     invalid_fields=[{
                                         "type": "required",
                                         "field": "version",
                                         "description": "version is required"
                                     }]))
        cat = self.st.cat
        vid, mk = ver, None
        if ":" in ver:
            mk, _, vid = ver.partition(":")
        elif "/" in ver:
            mk, vid = ver, None
        if vid is None:
            if mk not in OFFICIAL or mk not in cat.models:
                raise Reply(422, self.bad_version())
            self.create(mk, body, official=True)
            return
        hit = cat.versions.get(vid)
        if hit is None or (mk and hit[0] != mk):
            raise Reply(422, self.bad_version())
        self.create(hit[0], body, version=hit[1])

    def bad_version(self):
        return problem(422, "The specified version does not exist (or perhaps "
                       "you don't have permission to use it?)",
                       title="Invalid version or not permitted")

    def r_create_official(self, owner, name):
        k = "%s/%s" % (owner, name)
        self.model(owner, name)
        if k not in OFFICIAL:
            raise Reply(404, problem(404, NOT_FOUND))
        body = self.json_body()
        if not isinstance(body, dict):
            raise Reply(400, problem(400, "Request body must be a JSON "
                                     "object", title="Bad request"))
        self.create(k, body, official=True)

    def create(self, mk, body, version=None, official=False):
        st = self.st
        model = st.cat.models.get(mk)
        allowed = {"input", "webhook", "webhook_events_filter", "stream"}
        if self.upath.rstrip("/") == "/v1/predictions":
            allowed.add("version")
        extra = sorted(set(body) - allowed)
        if extra:
            raise Reply(422, problem(422, "- %s: Additional property %s is "
                                     "not allowed\n" % (extra[0], extra[0]),
                                     title="Input validation failed"))
        inp = body.get("input")
        if not isinstance(inp, dict):
            raise Reply(422, problem(422, "- input: input is required\n",
                                     title="Input validation failed",
                                     invalid_fields=[{
                                         "type": "required", "field": "input",
                                         "description": "input is required"}]))
        if version is None:
            version = (model or {}).get("latest_version")
            vid = OFFICIAL.get(mk, "hidden")
        else:
            vid = version["id"]
        errs = validate_input(inp, version)
        if errs:
            raise Reply(422, problem(
                422, "".join("- %s: %s\n" % (f, d) for (t, f, d) in errs),
                title="Input validation failed",
                invalid_fields=[{"type": t, "field": f, "description": d}
                                for (t, f, d) in errs]))
        wait = self.prefer_wait()
        p = Prediction(st, mk, vid, version, model, body, official)
        ca = self.headers.get("Cancel-After")
        if ca:
            secs = parse_duration(ca)
            if secs is None or secs < 5:
                raise Reply(400, problem(400, "Invalid Cancel-After header: "
                                         "minimum is 5s", title="Bad "
                                         "request"))
            p.deadline = float(secs)     # real seconds, not scaled
        with st.lock:
            st.preds[p.id] = p
            st.streams[p.stream_key] = p
        hdr = {"ratelimit-remaining": "599"}
        if wait is not None:
            hdr["preference-applied"] = self.headers.get("Prefer").strip()
            limit = time.monotonic() + wait
            while time.monotonic() < limit and not p.terminal():
                if p.kind != "text" and p.output_ready():
                    break
                time.sleep(0.02)
        self.send_json(201, p.body(), hdr, "application/json; charset=UTF-8")

    def prefer_wait(self):
        v = self.headers.get("Prefer")
        if not v:
            return None
        v = v.strip()
        # the spec's pattern lets 61..99 through; its text says 1..60
        mt = re.match(r"^wait(=([1-9]|[1-9][0-9]|60))?$", v)
        if not mt or int(mt.group(2) or 60) > 60:
            raise Reply(400, problem(400, "Invalid Prefer header: must be "
                                     "\"wait\" or \"wait=n\" with n between "
                                     "1 and 60", title="Bad request"))
        return int(mt.group(2)) if mt.group(2) else 60

    def all_predictions(self):
        st = self.st
        with st.lock:
            items = [p.body() for p in st.preds.values()]
            items += list(st.seeded.values())
        items.sort(key=lambda b: b.get("created_at") or "", reverse=True)
        return items

    def r_predictions_list(self):
        items = self.all_predictions()
        ca = self.qs.get("created_after", [None])[0]
        cb = self.qs.get("created_before", [None])[0]
        src = self.qs.get("source", [None])[0]
        if src not in (None, "web"):
            raise Reply(400, problem(400, "Invalid source", title="Bad "
                                     "request"))
        if src == "web":
            items = []
        if ca:
            items = [b for b in items if b["created_at"] >= ca]
        if cb:
            items = [b for b in items if b["created_at"] < cb]
        extra = {k: v[0] for k, v in self.qs.items() if k != "cursor"}
        self.send_json(200, self.paginate(items, "/v1/predictions",
                                          PREDICTIONS_PAGE, extra))

    def pred(self, pid):
        st = self.st
        with st.lock:
            p = st.preds.get(pid)
            s = st.seeded.get(pid)
        if p is None and s is None:
            raise Reply(404, problem(404, NOT_FOUND))
        return p, s

    def r_prediction_get(self, pid):
        p, s = self.pred(pid)
        self.send_json(200, p.body() if p else s)

    def r_prediction_cancel(self, pid):
        p, s = self.pred(pid)
        if p:
            p.cancel()
        self.send_json(200, p.body() if p else s)

    def r_stream(self, skey):
        st = self.st
        with st.lock:
            p = st.streams.get(skey)
        if p is None:
            raise Reply(404, problem(404, NOT_FOUND))
        f = self.fault
        limit = None
        if f is not None:
            limit = int(f.params.get("events", 2))
        last = self.headers.get("Last-Event-ID")
        sent = 0
        if last:
            for i, ev in enumerate(p.events()):
                if ev[0] == last:
                    sent = i + 1
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True

        def chunk(s):
            b = s.encode("utf-8")
            self.wfile.write(b"%x\r\n%s\r\n" % (len(b), b))
            self.wfile.flush()

        chunk(": hi\n\n")
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            evs = p.events()
            while sent < len(evs):
                eid, ev, data = evs[sent]
                sent += 1
                if limit is not None and limit <= 0:
                    if f.kind == "drop_sse":
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    self.stall()
                    return
                out = "event: %s\n" % ev
                if eid:
                    out += "id: %s\n" % eid
                out += "".join("data: %s\n" % ln for ln in data.split("\n"))
                chunk(out + "\n")
                if limit is not None:
                    limit -= 1
                if ev == "done":
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                    return
            time.sleep(0.02)

    def stall(self):
        """Keep the connection open, send nothing, until the client goes."""
        sock = self.connection
        while True:
            r, _, _ = select.select([sock], [], [], 0.5)
            if r:
                try:
                    if not sock.recv(4096):
                        return
                except OSError:
                    return

    # -- files ------------------------------------------------------------------
    def r_file_create(self):
        ctype = self.headers.get("Content-Type", "")
        mt = re.search(r'boundary="?([^";]+)"?', ctype)
        if not ctype.startswith("multipart/form-data") or not mt:
            raise Reply(400, problem(400, "Expected multipart/form-data with "
                                     "a boundary", title="Bad request"))
        parts = parse_multipart(self.req_body, mt.group(1).encode())
        if parts is None:
            raise Reply(400, problem(400, "Malformed multipart body",
                                     title="Bad request"))
        content = parts.get("content")
        if content is None:
            raise Reply(422, problem(422, "- content: content is required\n",
                                     title="Input validation failed"))
        data = content["data"]
        name = (parts.get("filename", {}).get("data", b"").decode("utf-8",
                                                                  "replace")
                or content.get("filename") or "file")
        if len(name.encode("utf-8")) > 255:
            raise Reply(422, problem(422, "- filename: must be at most 255 "
                                     "bytes\n", title="Input validation "
                                     "failed"))
        mime = (parts.get("type", {}).get("data", b"").decode("utf-8",
                                                              "replace")
                or content.get("type") or "application/octet-stream")
        meta = {}
        if "metadata" in parts:
            try:
                meta = json.loads(parts["metadata"]["data"].decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise Reply(422, problem(422, "- metadata: must be valid "
                                         "JSON\n", title="Input validation "
                                         "failed"))
        fid = base64.b64encode(str(uuid.uuid4()).encode()).decode()
        t = time.time()
        md5 = hashlib.md5(data).hexdigest()
        obj = {"id": fid, "name": name, "content_type": mime,
               "size": len(data), "etag": md5,
               "checksums": {"sha256": hashlib.sha256(data).hexdigest(),
                             "md5": md5},
               "metadata": meta,
               "created_at": now_iso(t)[:23] + "Z",
               "expires_at": now_iso(t + 86400)[:23] + "Z",
               "urls": {"get": "%s/v1/files/%s" % (self.st.base, fid)}}
        with self.st.lock:
            self.st.files[fid] = (obj, data)
        self.send_json(201, obj, ctype="application/json; charset=UTF-8")

    def file(self, fid):
        with self.st.lock:
            f = self.st.files.get(fid)
        if f is None:
            raise Reply(404, {"detail": "File not found"})
        return f

    def r_files_list(self):
        with self.st.lock:
            items = [o for (o, _) in self.st.files.values()]
        items.sort(key=lambda o: o["created_at"], reverse=True)
        self.send_json(200, self.paginate(items, "/v1/files",
                                          PREDICTIONS_PAGE),
                       ctype="application/json; charset=UTF-8")

    def r_file_get(self, fid):
        obj, _ = self.file(fid)
        self.send_json(200, obj, ctype="application/json; charset=UTF-8")

    def r_file_delete(self, fid):
        self.file(fid)
        with self.st.lock:
            self.st.files.pop(fid, None)
        self.send_bytes(204, b"", "text/plain")

    def r_file_download(self, fid):
        obj, data = self.file(fid)
        self.send_bytes(200, data, obj["content_type"], allow_gzip=False)

    def r_output_file(self, pid, fname):
        with self.st.lock:
            p = self.st.preds.get(pid)
        ext = fname.rsplit(".", 1)[-1].lower()
        if p is None or ext not in MIME or not fname.startswith("out-"):
            raise Reply(404, "Not Found\n")
        self.send_bytes(200, self.st.images[ext], MIME[ext])

    def r_delivery(self, rest):
        ext = IMAGE_EXT.get(rest.rsplit(".", 1)[-1].lower())
        if ext is None:
            raise Reply(404, "Not Found\n")
        self.send_bytes(200, self.st.images[ext], MIME[ext])

    # -- control --------------------------------------------------------------
    def r_fake_requests(self):
        with self.st.lock:
            reqs = list(self.st.requests)
        self.send_bytes(200, json.dumps(reqs), "application/json",
                        allow_gzip=False)

    def r_fake_faults_get(self):
        with self.st.lock:
            d = [f.describe() for f in self.st.faults]
        self.send_bytes(200, json.dumps(d), "application/json",
                        allow_gzip=False)

    def r_fake_faults(self):
        spec = self.json_body()
        if isinstance(spec, dict):
            spec = [spec]
        if not isinstance(spec, list):
            raise Reply(400, {"detail": "expected a JSON list of faults"})
        new = []
        for s in spec:
            if not isinstance(s, dict) or "kind" not in s:
                raise Reply(400, {"detail": "each fault needs a \"kind\""})
            s = dict(s)
            try:
                f = Fault(s.pop("kind"), {k: v for k, v in s.items() if k
                                          not in ("path", "method", "count",
                                                  "query")},
                          s.get("path"), s.get("method"),
                          int(s.get("count", 1)), s.get("query"))
            except (re.error, ValueError) as e:
                raise Reply(400, {"detail": "bad fault: %s" % e})
            if f.kind not in FAULT_KINDS:
                raise Reply(400, {"detail": "unknown fault kind %r" % f.kind})
            new.append(f)
        with self.st.lock:
            self.st.faults.extend(new)
            d = [f.describe() for f in self.st.faults]
        self.send_bytes(200, json.dumps(d), "application/json",
                        allow_gzip=False)

    def r_fake_reset(self):
        self.st.reset()
        self.send_bytes(200, b'{"ok": true}', "application/json",
                        allow_gzip=False)


FAULT_KINDS = ("429", "500", "502", "503", "504", "slow", "drop", "truncate",
               "close", "stall_sse", "drop_sse", "huge_length", "gzip_bomb",
               "stall_body")


def parse_duration(s):
    s = s.strip()
    if re.fullmatch(r"\d+", s):
        return int(s)
    mt = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", s)
    if not mt or not any(mt.groups()):
        return None
    h, m, sec = (int(x or 0) for x in mt.groups())
    return h * 3600 + m * 60 + sec


def parse_multipart(body, boundary):
    """{name: {"data": bytes, "filename": str|None, "type": str|None}}, or
    None when the body is not a well-formed multipart/form-data body."""
    delim = b"--" + boundary
    if not body.startswith(delim):
        return None
    out = {}
    for seg in body.split(delim)[1:]:
        if seg.startswith(b"--"):
            return out
        if not seg.startswith(b"\r\n"):
            return None
        head, sep, data = seg[2:].partition(b"\r\n\r\n")
        if not sep or not data.endswith(b"\r\n"):
            return None
        data = data[:-2]
        name = filename = ctype = None
        for line in head.decode("utf-8", "replace").split("\r\n"):
            k, _, v = line.partition(":")
            if k.strip().lower() == "content-disposition":
                mn = re.search(r'\bname="([^"]*)"', v)
                mf = re.search(r'\bfilename="([^"]*)"', v)
                name = mn.group(1) if mn else None
                filename = mf.group(1) if mf else None
            elif k.strip().lower() == "content-type":
                ctype = v.strip()
        if name is None:
            return None
        out[name] = {"data": data, "filename": filename, "type": ctype}
    return None


def resolve(prop, schemas):
    if "allOf" in prop and prop["allOf"] and "$ref" in prop["allOf"][0]:
        ref = prop["allOf"][0]["$ref"].rsplit("/", 1)[-1]
        merged = dict(schemas.get(ref, {}))
        merged.update({k: v for k, v in prop.items() if k != "allOf"})
        return merged
    return prop


def validate_input(inp, version):
    """[(type, field, description)] for what the version's Input rejects:
    required fields, JSON types, enums, minimum/maximum."""
    schemas = schema_of(version)
    isch = schemas.get("Input") or {}
    props = isch.get("properties") or {}
    errs = []
    for r in isch.get("required") or []:
        if r not in inp:
            errs.append(("required", "input", "%s is required" % r))
    types = {"string": str, "integer": int, "number": (int, float),
             "boolean": bool, "array": list, "object": dict}
    for name, val in inp.items():
        if name not in props:
            continue
        p = resolve(props[name], schemas)
        t = p.get("type")
        want = types.get(t)
        if want and (not isinstance(val, want) or
                     (t in ("integer", "number") and isinstance(val, bool))):
            errs.append(("invalid_type", "input.%s" % name,
                         "Invalid type. Expected: %s, given: %s" % (
                             t, type(val).__name__)))
            continue
        if "enum" in p and val not in p["enum"]:
            errs.append(("enum", "input.%s" % name,
                         "%s must be one of the following: %s" % (
                             name, ", ".join(json.dumps(e)
                                             for e in p["enum"]))))
        if isinstance(val, (int, float)) and not isinstance(val, bool):
            if "minimum" in p and val < p["minimum"]:
                errs.append(("number_gte", "input.%s" % name,
                             "Must be greater than or equal to %s" %
                             p["minimum"]))
            if "maximum" in p and val > p["maximum"]:
                errs.append(("number_lte", "input.%s" % name,
                             "Must be less than or equal to %s" %
                             p["maximum"]))
    return errs


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake Replicate HTTP API")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", default=DEFAULT_TOKEN)
    ap.add_argument("--speed", type=float, default=1.0,
                    help="time scale: 2 runs predictions twice as fast")
    ap.add_argument("--page-size", type=int, default=0,
                    help="page size of every list (default: the real ones)")
    ap.add_argument("--no-gzip", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--no-stdin-watch", action="store_true")
    ap.add_argument("--image-png", default=None,
                    help="serve this file as every PNG output (benchmarks)")
    ap.add_argument("--model", action="append", default=[],
                    metavar="OWNER/NAME@VERSION",
                    help="serve sdxl's recording also as OWNER/NAME with "
                    "latest version VERSION (repeatable)")
    args = ap.parse_args(argv)

    st = FakeState(args)
    Handler.st = st
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    st.base = "http://127.0.0.1:%d" % srv.server_address[1]

    stopping = threading.Event()

    def stop(*_):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.no_stdin_watch:
        def watch():
            try:
                while os.read(0, 4096):
                    pass
            except OSError:
                pass
            if not stopping.is_set() and not args.quiet:
                sys.stderr.write("fake-replicate: stdin closed, exiting "
                                 "(--no-stdin-watch keeps it running)\n")
            stop()
        threading.Thread(target=watch, daemon=True).start()

    sys.stdout.write(st.base + "\n")
    sys.stdout.flush()
    srv.serve_forever(poll_interval=0.1)
    srv.server_close()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
