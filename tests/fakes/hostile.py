#!/usr/bin/env python3
"""tests/fakes/hostile.py: a hostile server posing as the Replicate API or a
Cog server. It is tests/fakes/replicate.py or tests/fakes/cog.py (imported,
not copied: every route, recording and control endpoint of theirs works)
with every answer poisoned on the way out:

    python3 tests/fakes/hostile.py replicate [--fault KIND] [replicate.py options]
    python3 tests/fakes/hostile.py cog       [--fault KIND] [cog.py options]
    python3 tests/fakes/hostile.py docker    [docker.py options]

Poison (every human-readable string of every JSON answer, SSE event,
webhook and text body; ids, URLs, statuses, timestamps, types and enum
values are left alone so r8play can still walk the flows):
  PAYLOAD is prepended and "\\u0000" + NUL_TAIL appended: CSI (set newline
  mode, DECALN), OSC 0 title, OSC 52 clipboard, DCS, bracketed-paste end
  ESC[201~, C1 as U+009B/U+0090/U+009C, BEL, bidi overrides U+202A-U+202E
  and U+2066-U+2069, then RAW_BYTES (raw 0x9B and invalid UTF-8) spliced
  into the JSON bytes; a NUL (\\u0000) before the tail.
  OpenAPI schemas (Cog's /openapi.json, Replicate's openapi_schema) gain
  an optional secret input named EVIL_FIELD (shell command substitution in
  its name) and a string input EVIL_DEFAULT_FIELD whose default is PAYLOAD.
  Prediction output files point at /hostile-out/<name> with the names of
  TRICK_NAMES (../ climbing, absolute, 300 characters, escapes in names).

Docker (docker.py, reached with DOCKER_HOST): image labels (the Cog
OpenAPI schema's titles, descriptions and defaults plus the two inputs
above, every run.cog.config value, run.cog.version), container names,
Status and Command text, State.Error, the daemon's version strings, every
error message, pull-stream status/progress/error lines (but the closing
Digest:/Status: ones, which name what was pulled) and the text of each
container log line; one more image is tagged DOCKER_EVIL_TAG (escapes and
a bidi override in the reference itself). No --fault; --old-api: /version
says ApiVersion "1.19" (too old for r8play) followed by the payload.

--fault KIND (output files under /hostile-out/, or every /v1 request):
  huge    Content-Length: 2147483648, then zeros at full speed until
          HUGE_SEND_CAP bytes (bounded here so a test cannot fill the
          machine), then the connection drops
  bomb    Content-Encoding: gzip, GZIP_BOMB_BYTES of zeros compressed to
          about 0.1% of that (the body itself is small); only the first
          output (TRICK_NAMES[0]), the others are the plain image
  stall   half the image, then nothing until the client goes
  drop    half the image, then the connection closes
  storm   every /v1 request: 429 with Retry-After: 86400 (Replicate only)
  dotdot  predictions' urls.get is BASE/v1/../leak/ID (Replicate only);
          requests to /leak/ are logged with whether they carried
          Authorization (never its value) and answered 404
  stall   (Cog) also: a sync PUT /predictions/ID answers half its body,
          then nothing, after the prediction finished

The first stdout line is the base URL; the process exits on stdin EOF, as
every fake here. Tests import PAYLOAD, EVIL_FIELD, TRICK_NAMES and scan()
from tests/hostile/hostile_lib.py, which reads them from this file.
"""
import gzip
import importlib.util
import io
import json
import os
import re
import select
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# What every poisoned string starts with (JSON text: json.dumps escapes it).
PAYLOAD = (
    "\x1b[20h"                      # CSI: set newline mode
    "\x1b#8"                        # DECALN: fill the screen with E
    "\x1b]0;HOSTILE-TITLE\x07"      # OSC 0: window title
    "\x1b]52;c;SE9TVElMRQ==\x07"    # OSC 52: clipboard = "HOSTILE"
    "\x1bP1$qHOSTILE\x1b\\"         # DCS (DECRQSS)
    "\x1b[201~"                     # bracketed-paste end
    "\u009b20h"                     # C1 CSI as a character
    "\u0090HOSTILE\u009c"           # C1 DCS ... ST
    "ding\x07dong"                  # BEL
    "\u202eRLO\u202c\u202aLRE\u202d\u202bRLE\u2066LRI\u2067RLI\u2068FSI\u2069"
    "@@RAW@@"                       # replaced by RAW_BYTES in the bytes sent
)
# Spliced into the serialised JSON / SSE in place of @@RAW@@: raw C1 CSI
# (0x9B, not valid UTF-8), 0xFF 0xFE, an overlong NUL, a UTF-8 surrogate.
RAW_BYTES = b"\x9b20h\xff\xfe\xc0\x80\xed\xa0\x80"
NUL_TAIL = "NULTAIL"
EVIL_FIELD = "tok$(touch pwned-subst)`touch pwned-backtick`"
EVIL_DEFAULT_FIELD = "evil_default"
TRICK_NAMES = [
    "..%2F..%2F..%2Fhostile-escape.png",
    "%2Ftmp%2Fr8play-hostile-abs.png",
    "A" * 300 + ".png",
    "%1B%5D0%3Bpwn%07%E2%80%AEgnp.png",
]
HUGE_LENGTH = 2 * 1024 ** 3
HUGE_SEND_CAP = 320 * 1024 ** 2
GZIP_BOMB_BYTES = 320 * 1024 ** 2

# Strings under these keys drive r8play (ids, routing, state machines).
STRUCTURAL = {
    "id", "version", "status", "model", "owner", "name", "created_at",
    "started_at", "completed_at", "updated_at", "expires_at", "deadline",
    "type", "format", "$ref", "enum", "required", "sku", "visibility",
    "content_type", "slug", "openapi", "etag", "checksums", "cursor",
    "next", "previous", "x-order", "x-cog-array-type", "x-cog-array-display",
    "x-cog-secret", "source", "cog_version", "loc", "models", "urls",
    "webhook", "webhook_events_filter", "allOf", "anyOf", "reason",
    "predict_time", "hardware", "cover_image_url", "github_url", "paper_url",
    "license_url", "url", "_fake", "input",
}


def poison_str(s):
    if s == "" or (s.startswith(("http://", "https://", "data:")) and
                   not any(c.isspace() for c in s)):
        return s
    return PAYLOAD + s + "\u0000" + NUL_TAIL


def add_evil_inputs(doc):
    """An OpenAPI document: add the two hostile inputs to Input."""
    try:
        inp = doc["components"]["schemas"]["Input"]
        props = inp["properties"]
    except (KeyError, TypeError):
        return
    if not isinstance(props, dict) or EVIL_FIELD in props:
        return
    props[EVIL_FIELD] = {"type": "string", "format": "password",
                         "title": "Token", "x-order": 900,
                         "x-cog-secret": True,
                         "description": "an API key"}
    props[EVIL_DEFAULT_FIELD] = {"type": "string", "title": "Evil",
                                 "x-order": 901, "default": PAYLOAD,
                                 "description": "a default with escapes"}


def poison(obj, key=None, out_url=None):
    """obj with every human-readable string poisoned (a new object)."""
    if isinstance(obj, dict):
        if "openapi" in obj and "components" in obj:
            add_evil_inputs(obj)
        r = {}
        for k, v in obj.items():
            if k in STRUCTURAL:
                r[k] = v
            elif k == "output" and out_url is not None:
                r[k] = out_url(v, lambda x: poison(x, k, out_url))
            else:
                r[k] = poison(v, k, out_url)
        return r
    if isinstance(obj, list):
        return [poison(v, key, out_url) for v in obj]
    if isinstance(obj, str):
        return poison_str(obj)
    return obj


def to_bytes(obj):
    return json.dumps(obj).encode("ascii").replace(b"@@RAW@@", RAW_BYTES)


def load_module(name):
    spec = importlib.util.spec_from_file_location(
        "fake_" + name, os.path.join(HERE, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_BOMB = {}
_BOMB_LOCK = threading.Lock()


def gzip_bomb():
    with _BOMB_LOCK:
        if "b" not in _BOMB:
            buf = io.BytesIO()
            with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as g:
                block = b"\0" * (1 << 20)
                for _ in range(GZIP_BOMB_BYTES >> 20):
                    g.write(block)
            _BOMB["b"] = buf.getvalue()
        return _BOMB["b"]


def wait_client_gone(sock):
    while True:
        r, _, _ = select.select([sock], [], [], 0.5)
        if r:
            try:
                if not sock.recv(4096):
                    return
            except OSError:
                return


def serve_output(h, fault, image, send_plain):
    """One /hostile-out/ download on handler h, with the fault."""
    try:
        if fault == "huge":
            h.send_response(200)
            h.send_header("Content-Type", "image/png")
            h.send_header("Content-Length", str(HUGE_LENGTH))
            h.end_headers()
            h.wfile.write(image)
            zero = b"\0" * (1 << 20)
            sent = len(image)
            while sent < HUGE_SEND_CAP:
                h.wfile.write(zero)
                sent += len(zero)
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
        elif fault == "bomb" and h.path.split("?")[0].endswith(
                TRICK_NAMES[0]):
            body = gzip_bomb()
            h.send_response(200)
            h.send_header("Content-Type", "image/png")
            h.send_header("Content-Encoding", "gzip")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
        elif fault in ("stall", "drop"):
            h.send_response(200)
            h.send_header("Content-Type", "image/png")
            h.send_header("Content-Length", str(len(image)))
            h.end_headers()
            h.wfile.write(image[:len(image) // 2])
            h.wfile.flush()
            h.close_connection = True
            if fault == "stall":
                wait_client_gone(h.connection)
            else:
                h.connection.shutdown(socket.SHUT_RDWR)
        else:
            send_plain(image)
    except (BrokenPipeError, ConnectionResetError, OSError):
        h.close_connection = True


# ---------------------------------------------------------------------------
def replicate_main(fault, argv):
    rep = load_module("replicate")
    H = rep.Handler
    st_holder = {}

    def out_url(v, fallback):
        base = st_holder["st"].base
        files = base + "/files/"

        def one(u, i):
            if isinstance(u, str) and u.startswith((files, base +
                                                    "/delivery/")):
                return base + "/hostile-out/" + TRICK_NAMES[i % len(
                    TRICK_NAMES)]
            return fallback(u)
        if isinstance(v, list):
            if v and all(isinstance(u, str) and u.startswith(files)
                         for u in v):
                return [one(v[0], i) for i in range(len(TRICK_NAMES))]
            return [one(u, i) for i, u in enumerate(v)]
        return one(v, 0)

    orig_send_bytes = H.send_bytes

    def send_json(self, status, obj, headers=None, ctype=None, raw=None,
                  ratelimit=True):
        st_holder["st"] = self.st
        text = raw if raw is not None else json.dumps(obj)
        obj = json.loads(self.st.rewrite(text))
        if fault == "dotdot" and isinstance(obj, dict) and \
                isinstance(obj.get("urls"), dict) and "get" in obj["urls"]:
            # urls.get climbing out of /v1 (issue 15.9): the token must
            # not follow it
            obj["urls"]["get"] = self.st.base + "/v1/../leak/" + \
                str(obj.get("id"))
        data = to_bytes(poison(obj, out_url=out_url))
        h = {}
        if ratelimit:
            h = {"ratelimit-remaining": "2999", "ratelimit-reset": "1"}
        h.update(headers or {})
        orig_send_bytes(self, status, data, ctype or "application/json", h)

    def send_bytes(self, status, data, ctype, headers=None, allow_gzip=True):
        if ctype.startswith("text/plain") and not \
                self.upath.startswith("/_fake/"):
            if isinstance(data, str):
                data = data.encode("utf-8")
            data = PAYLOAD.encode("utf-8").replace(b"@@RAW@@", RAW_BYTES) \
                + data
        orig_send_bytes(self, status, data, ctype, headers, allow_gzip)

    orig_events = rep.Prediction.events

    def events(self):
        out = []
        for eid, ev, data in orig_events(self):
            if ev in ("output", "logs"):
                if data.startswith("http"):
                    data = out_url(data, lambda x: x)
                else:
                    data = PAYLOAD.replace("@@RAW@@", "\x9b20h") + data
            elif ev == "error":
                try:
                    data = json.dumps(poison(json.loads(data)))
                except ValueError:
                    pass
            out.append((eid, ev, data))
        return out

    orig_handle = H.handle_any

    def handle_any(self, method):
        path = self.path.split("?", 1)[0]
        st_holder["st"] = self.st
        if path.startswith("/hostile-out/"):
            self.method = method
            self.fault = self.rec = None
            self.upath = path
            with self.st.lock:
                self.st.requests.append({"method": method, "path": path,
                                         "query": "", "headers": {},
                                         "auth_ok": False,
                                         "time": time.time()})
            serve_output(self, fault, self.st.images["png"],
                         lambda img: orig_send_bytes(self, 200, img,
                                                     "image/png"))
            return
        if path.startswith("/leak/"):
            with self.st.lock:
                self.st.requests.append({
                    "method": method, "path": path, "query": "",
                    "headers": {"Authorization": "present"} if
                    self.headers.get("Authorization") else {},
                    "auth_ok": False, "time": time.time()})
            orig_send_bytes(self, 404, b"Not Found\n", "text/plain")
            return
        if fault == "storm" and path.startswith("/v1/"):
            self.method = method
            self.fault = self.rec = None
            self.upath = path
            with self.st.lock:
                self.st.requests.append({"method": method, "path": path,
                                         "query": "", "headers": {},
                                         "auth_ok": True,
                                         "time": time.time()})
            body = rep.problem(429, "Request was throttled. Expected "
                               "available in 86400 seconds.")
            orig_send_bytes(self, 429, json.dumps(body).encode(),
                            "application/problem+json",
                            {"Retry-After": "86400",
                             "ratelimit-remaining": "0",
                             "ratelimit-reset": "86400"})
            return
        orig_handle(self, method)

    H.send_json = send_json
    H.send_bytes = send_bytes
    H.handle_any = handle_any
    rep.Prediction.events = events
    return rep.main(argv)


def cog_main(fault, argv):
    cog = load_module("cog")
    H = cog.Handler
    orig_send = H.send

    def send(self, status, body, ctype="application/json", headers=()):
        path = self.path.split("?", 1)[0]
        if fault == "stall" and self.command == "PUT" and \
                path.startswith("/predictions/") and status == 200:
            # the whole prediction is done (its webhooks went out): answer
            # half of it, then nothing (issue 15.7)
            data = body if isinstance(body, bytes) else body.encode()
            self.send_response_only(200)
            self.send_header("content-length", str(len(data)))
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            wait_client_gone(self.connection)
            return
        if not path.startswith("/_fake/") and ctype and body:
            if ctype.startswith("application/json"):
                try:
                    obj = json.loads(body)
                except ValueError:
                    obj = None
                if obj is not None:
                    body = to_bytes(poison(obj))
            elif ctype.startswith("text/plain"):
                if isinstance(body, str):
                    body = body.encode("utf-8")
                body = PAYLOAD.encode("utf-8").replace(b"@@RAW@@",
                                                       RAW_BYTES) + body
        orig_send(self, status, body, ctype, headers)

    orig_post = cog.WebhookSender.post

    def post(self, body, terminal):
        try:
            body = to_bytes(poison(json.loads(body)))
        except (ValueError, TypeError):
            pass
        orig_post(self, body, terminal)

    orig_dispatch = H.dispatch

    def dispatch(self, method):
        path = self.path.split("?", 1)[0]
        if path.startswith("/hostile-out/"):
            png = cog.png_encode(8, 8, [b"\x00" * 24] * 8)
            serve_output(self, fault, png,
                         lambda img: orig_send(self, 200, img, "image/png"))
            return
        orig_dispatch(self, method)

    H.send = send
    H.dispatch = dispatch
    cog.WebhookSender.post = post
    return cog.main(argv)


# ---------------------------------------------------------------------------
# The Docker Engine API (tests/fakes/docker.py). What r8play shows of it:
# image labels (the Cog OpenAPI schema, run.cog.config, the Cog version),
# container names and status text, pull-stream lines, error messages and
# container logs. Ids, refs (RepoTags/RepoDigests, but one extra image
# below), states, ports and r8play's own labels stay as they are.
DOCKER_POISON_VERSION = ("Version", "GitCommit", "GoVersion", "KernelVersion",
                         "BuildTime")
# One more Cog image whose tag itself carries the payload's sequences (a
# real daemon refuses such a name; a hostile DOCKER_HOST need not).
DOCKER_EVIL_TAG = "r8.im/zz-hostile/\x1b]0;HOSTILE-TITLE\x07\u202eevil:latest"


def poison_labels(labels):
    if not isinstance(labels, dict):
        return labels
    r = dict(labels)
    for k, v in labels.items():
        if k.startswith("dev.r8play.") or not isinstance(v, str):
            continue
        if k.endswith("openapi_schema") or k == "run.cog.config":
            try:
                doc = json.loads(v)
            except ValueError:
                r[k] = poison_str(v)
                continue
            if k == "run.cog.config":
                # read as YAML, which refuses raw control bytes and
                # invalid UTF-8 outright: C1 as a "\u009b" escape here,
                # so the values themselves reach r8play
                r[k] = json.dumps(poison_values(doc)).replace(
                    "@@RAW@@", "\\u009b")
            else:
                r[k] = json.dumps(poison(doc))
        else:
            r[k] = poison_str(v)
    return r


def poison_values(obj):
    """Every string value poisoned, whatever its key (cog.yaml's values)."""
    if isinstance(obj, dict):
        return {k: poison_values(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [poison_values(v) for v in obj]
    return poison_str(obj) if isinstance(obj, str) else obj


def poison_log_frames(raw):
    """A multiplexed log stream (8-byte headers) with each line's text
    poisoned: Cog's JSON log lines in their "message", others whole; the
    leading timestamp kept."""
    out = b""
    i = 0
    while i + 8 <= len(raw):
        kind, size = raw[i], int.from_bytes(raw[i + 4:i + 8], "big")
        text = raw[i + 8:i + 8 + size]
        i += 8 + size
        ts, sp, rest = text.partition(b" ")
        try:
            line = json.loads(rest)
            line["message"] = poison_str(str(line.get("message", "")))
            body = to_bytes(line) + b"\n"
        except ValueError:
            body = PAYLOAD.encode().replace(b"@@RAW@@", RAW_BYTES) + rest
        text = ts + sp + body
        out += bytes([kind, 0, 0, 0]) + len(text).to_bytes(4, "big") + text
    return out


def poison_pull_line(line):
    try:
        obj = json.loads(line)
    except ValueError:
        return line
    if not isinstance(obj, dict):
        return line
    st = obj.get("status")
    # the closing Digest:/Status: lines name what was pulled: kept
    if isinstance(st, str) and not st.startswith(("Digest:", "Status:")):
        obj["status"] = poison_str(st)
    for k in ("progress", "error"):
        if isinstance(obj.get(k), str):
            obj[k] = poison_str(obj[k])
    det = obj.get("errorDetail")
    if isinstance(det, dict) and isinstance(det.get("message"), str):
        det["message"] = poison_str(det["message"])
    return to_bytes(obj)


def docker_main(argv):
    old_api = "--old-api" in argv
    argv = [a for a in argv if a != "--old-api"]
    dock = load_module("docker")
    H = dock.Handler
    orig_load = dock.load

    def load(name):
        data = orig_load(name)
        if name == "62-logs.body":
            return poison_log_frames(data)
        if name == "20-images-list.body":
            images = json.loads(data)
            for im in images:
                im["Labels"] = poison_labels(im.get("Labels"))
            evil = json.loads(json.dumps(images[0]))
            evil["Id"] = "sha256:%064x" % 666
            evil["RepoTags"] = [DOCKER_EVIL_TAG]
            evil["RepoDigests"] = []
            images.append(evil)
            # @@RAW@@ stays text here: reply() splices the raw bytes
            return json.dumps(images).encode()
        return data
    dock.load = load

    orig_reply = H.reply

    def reply(self, status, obj=None, raw=None, ctype="application/json"):
        path = self.path.split("?", 1)[0]
        if raw is None and obj is not None and \
                not path.startswith("/_fake/"):
            if path.endswith("/version") and isinstance(obj, dict):
                obj = dict(obj)
                for k in DOCKER_POISON_VERSION:
                    if isinstance(obj.get(k), str):
                        obj[k] = poison_str(obj[k])
                if old_api:
                    # too old for r8play, the version text poisoned
                    obj["ApiVersion"] = "1.19" + PAYLOAD
                    obj["MinAPIVersion"] = "1.12" + PAYLOAD
            elif re.search(r"/containers/[^/]+/json$", path) and \
                    isinstance(obj, dict):
                obj = json.loads(json.dumps(obj))
                obj["Name"] = "/" + poison_str(obj.get("Name", "/x")[1:])
                if isinstance(obj.get("State"), dict) and \
                        obj["State"].get("Error"):
                    obj["State"]["Error"] = poison_str(obj["State"]["Error"])
            raw = to_bytes(obj) + b"\n"
            obj = None
        orig_reply(self, status, obj, raw, ctype)

    def error(self, status, msg):
        v = getattr(self, "req_version", None)
        if v is not None and dock.api_num(v) < 1024:
            return orig_reply(self, status, raw=PAYLOAD.encode().replace(
                b"@@RAW@@", RAW_BYTES) + (msg + "\n").encode(),
                ctype="text/plain; charset=utf-8")
        self.reply(status, {"message": poison_str(msg)})

    orig_summary = H.summary

    def summary(self, c):
        s = orig_summary(self, c)
        s["Names"] = ["/" + poison_str(n[1:]) for n in s["Names"]]
        s["Status"] = poison_str(s["Status"])
        s["Command"] = poison_str(s["Command"])
        return s

    orig_chunk = H.chunk

    def chunk(self, data):
        # pull-stream lines are whole JSON objects (one per chunk)
        b = data.encode() if isinstance(data, str) else data
        if b.startswith(b"{") and b.endswith(b"\r\n"):
            b = poison_pull_line(b[:-2]) + b"\r\n"
        orig_chunk(self, b)

    H.reply = reply
    H.error = error
    H.summary = summary
    H.chunk = chunk
    return dock.main(argv)


def main():
    argv = sys.argv[1:]
    if not argv or argv[0] not in ("replicate", "cog", "docker"):
        sys.stderr.write("usage: hostile.py replicate|cog|docker [--fault "
                         "KIND] "
                         "[options of that fake]\n")
        return 2
    which, rest = argv[0], argv[1:]
    fault = None
    if "--fault" in rest:
        i = rest.index("--fault")
        fault = rest[i + 1]
        del rest[i:i + 2]
        if fault not in ("huge", "bomb", "stall", "drop", "storm", "dotdot"):
            sys.stderr.write("hostile.py: unknown fault %r\n" % fault)
            return 2
    if which == "replicate":
        return replicate_main(fault, rest)
    if which == "docker":
        return docker_main(rest)
    return cog_main(fault, rest)


if __name__ == "__main__":
    sys.exit(main())
