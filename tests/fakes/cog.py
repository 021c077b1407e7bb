#!/usr/bin/env python3
"""tests/fakes/cog.py: a fake Cog prediction server (the v0.15.5 Python
server, optionally v0.16.12) that answers like the recordings in
tests/fixtures/cog/ (read HTTP-API.md there). Python 3 standard library only.

    python3 tests/fakes/cog.py [--predictor image] [--port 0] [--speed 1]
        [--setup-seconds 0.5] [--cog-version 0.15.5|0.16.12]
        [--await-explicit-shutdown] [--upload-url URL] [--quiet]
        [--no-stdin-watch]

The first stdout line is the base URL (http://127.0.0.1:PORT). The server
runs until SIGTERM (ignored with --await-explicit-shutdown, like Cog),
SIGINT, POST /shutdown, or EOF on stdin (when stdin is a pipe). Exit status:
0, or 255 after a setup failure without --await-explicit-shutdown (as
recorded in setup-fails/04).

Owns: the predictor simulations (image PNGs, text/token streams, files,
errors, crash), request validation in the pydantic-1 wording, the health
state machine, sync/async/idempotent predictions, cancel, webhooks (start,
output, logs, completed; cumulative; throttled; filtered), file uploads, and
the test control endpoints under /_fake/. See tests/fakes/README-cog.md.
"""
import argparse
import ast
import base64
import binascii
import datetime
import email.utils
import hashlib
import http.client
import http.server
import json
import linecache
import math
import mimetypes
import os
import queue
import random
import re
import shutil
import signal
import socket
import stat
import struct
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "cog")
# predictors only the fake has (no recording): tests/fakes/predictors/
OWN_PREDICTORS = os.path.join(HERE, "predictors")
WHISPER_OUTPUT = os.path.join(ROOT, "tests", "fixtures", "outputs",
                              "whisper.prediction.json")

MAX_BODY = 64 << 20            # request bodies above this get 413
MAX_LOG_REQUESTS = 10000       # /_fake/requests keeps the newest N
MAX_PIXELS = 4096 * 4096       # decoded input images above this are refused
THROTTLE_INTERVAL = 0.5        # COG_THROTTLE_RESPONSE_INTERVAL default
REQUESTS_UA = "python-requests/2.28.1"

REASONS = {200: "OK", 202: "Accepted", 307: "Temporary Redirect",
           400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 413: "Request Entity Too Large",
           422: "Unprocessable Entity", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Timeout"}

WEBHOOK_EVENTS = ["start", "output", "logs", "completed"]
WORKER = "/usr/local/lib/python3.11/site-packages/cog/server/worker.py"
RUNNER = "/usr/local/lib/python3.11/site-packages/cog/server/runner.py"
FUTURES = "/usr/lib/python3.11/concurrent/futures/_base.py"

# the runner's traceback when the worker process dies (webhooks/crash-1)
CRASH_MSG = ("Prediction failed for an unknown reason. It might have run out "
             "of memory? (exitcode 137)")
CRASH_TB = (
    "Traceback (most recent call last):\n"
    "  File \"%s\", line 477, in _handle_done\n"
    "    f.result()\n"
    "  File \"%s\", line 449, in result\n"
    "    return self.__get_result()\n"
    "           ^^^^^^^^^^^^^^^^^^^\n"
    "  File \"%s\", line 401, in __get_result\n"
    "    raise self._exception\n"
    "cog.server.exceptions.FatalWorkerException: %s\n") % (
        RUNNER, FUTURES, FUTURES, CRASH_MSG)
UPLOAD_ERR = "Cog: Got error trying to upload output files"


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def jdump(obj):
    """Starlette JSONResponse encoding: compact, UTF-8, no NaN."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------- PNG -----
PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png_encode(width, height, rows, mode="RGB"):
    """Rows of raw pixel bytes -> PNG bytes (8 bit, filter 0, zlib 6)."""
    ct = {"L": 0, "RGB": 2, "LA": 4, "RGBA": 6}[mode]

    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    return (PNG_SIG +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, ct,
                                       0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def png_decode(data):
    """PNG bytes -> (width, height, mode, rows); mode L, LA, RGB or RGBA.
    Palette images become RGB. Raises ValueError for anything else."""
    if data[:8] != PNG_SIG:
        raise ValueError("not a PNG")
    pos, idat, plte, hdr = 8, [], None, None
    while pos + 8 <= len(data):
        ln, = struct.unpack(">I", data[pos:pos + 4])
        typ, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + ln]
        pos += 12 + ln
        if typ == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body[:13])
        elif typ == b"PLTE":
            plte = body
        elif typ == b"IDAT":
            idat.append(body)
        elif typ == b"IEND":
            break
    if hdr is None:
        raise ValueError("no IHDR")
    w, h, bd, ct, _, _, inter = hdr
    if inter or ct not in (0, 2, 3, 4, 6) or w * h > MAX_PIXELS or \
            not (bd == 8 or (ct in (0, 3) and bd in (1, 2, 4))):
        raise ValueError("unsupported PNG")
    chans = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ct]
    bpp = max(1, chans * bd // 8)
    stride = (w * chans * bd + 7) // 8
    raw = zlib.decompress(b"".join(idat))
    if len(raw) < h * (stride + 1):
        raise ValueError("truncated PNG")
    prev = bytearray(stride)
    out = []
    for y in range(h):
        i = y * (stride + 1)
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        elif f != 0:
            raise ValueError("bad PNG filter")
        out.append(line)
        prev = line
    if bd < 8:
        per = 8 // bd
        mask = (1 << bd) - 1
        unpacked = []
        for line in out:
            px = bytearray()
            for x in range(w):
                byte = line[x // per]
                px.append((byte >> (8 - bd * (x % per + 1))) & mask)
            unpacked.append(px)
        out = unpacked
        if ct == 0:
            out = [bytearray(v * 255 // mask for v in r) for r in out]
    if ct == 3:
        if plte is None:
            raise ValueError("no palette")
        out = [bytearray(b"".join(plte[3 * v:3 * v + 3] for v in r))
               for r in out]
        return w, h, "RGB", out
    return w, h, {0: "L", 2: "RGB", 4: "LA", 6: "RGBA"}[ct], out


def to_rgb(w, mode, rows):
    if mode == "RGB":
        return rows
    res = []
    for r in rows:
        if mode == "L":
            res.append(bytearray(b"".join(bytes((v, v, v)) for v in r)))
        elif mode == "LA":
            res.append(bytearray(b"".join(bytes((v, v, v)) for v in r[::2])))
        else:  # RGBA
            o = bytearray(w * 3)
            o[0::3], o[1::3], o[2::3] = r[0::4], r[1::4], r[2::4]
            res.append(o)
    return res


def to_gray(w, mode, rows):
    """PIL's convert("L"): L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16."""
    if mode == "L":
        return rows
    if mode == "LA":
        return [bytearray(r[0::2]) for r in rows]
    step = 3 if mode == "RGB" else 4
    return [bytearray((19595 * r[i] + 38470 * r[i + 1] + 7471 * r[i + 2] +
                       0x8000) >> 16 for i in range(0, len(r), step))
            for r in rows]


def resize_nearest(w, h, rows, nw, nh, chans=3):
    xs = [(x * w // nw) * chans for x in range(nw)]
    res = []
    for y in range(nh):
        src = rows[y * h // nh]
        o = bytearray(nw * chans)
        for i, sx in enumerate(xs):
            o[i * chans:(i + 1) * chans] = src[sx:sx + chans]
        res.append(o)
    return res


def fill_rect(rows, w, h, x0, y0, x1, y1, color):
    xa, xb = max(0, x0), min(w - 1, x1)
    if xa > xb:
        return
    span = color * (xb - xa + 1)
    for y in range(max(0, y0), min(h - 1, y1) + 1):
        rows[y][3 * xa:3 * (xb + 1)] = span


def ellipse_outline(rows, w, h, x0, y0, x1, y1, color, width):
    cx, cy = (x0 + x1 + 1) / 2.0, (y0 + y1 + 1) / 2.0
    rx, ry = (x1 - x0 + 1) / 2.0, (y1 - y0 + 1) / 2.0
    irx, iry = rx - width, ry - width
    for y in range(max(0, y0), min(h - 1, y1) + 1):
        dy = y + 0.5 - cy
        if abs(dy) > ry:
            continue
        ox = rx * math.sqrt(max(0.0, 1 - (dy / ry) ** 2))
        ix = -1.0
        if irx > 0 and iry > 0 and abs(dy) < iry:
            ix = irx * math.sqrt(max(0.0, 1 - (dy / iry) ** 2))
        spans = [(cx - ox, cx + ox)] if ix < 0 else \
            [(cx - ox, cx - ix), (cx + ix, cx + ox)]
        for a, b in spans:
            xa, xb = max(0, int(round(a))), min(w - 1, int(round(b)) - 1)
            if xa <= xb:
                rows[y][3 * xa:3 * (xb + 1)] = color * (xb - xa + 1)


def draw_image(prompt, negative_prompt, seed, i, width, height):
    """The image predictor's picture, from the same digest and the same
    random draws as predictors/image/predict.py (gradient, 3-7 shapes);
    no text, and the pixels are ours, not PIL's."""
    digest = hashlib.sha256(
        f"{prompt}|{negative_prompt}|{seed}|{i}".encode()).digest()
    rng = random.Random(digest)
    c1, c2 = tuple(digest[0:3]), tuple(digest[3:6])
    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        px = bytes(int(a + (b - a) * t) for a, b in zip(c1, c2))
        rows.append(bytearray(px * width))
    for _ in range(3 + digest[6] % 5):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1 = x0 + rng.randrange(16, width // 2 + 17)
        y1 = y0 + rng.randrange(16, height // 2 + 17)
        color = bytes((rng.randrange(256), rng.randrange(256),
                       rng.randrange(256)))
        if rng.random() < 0.5:
            ellipse_outline(rows, width, height, x0, y0, x1, y1, color, 4)
        else:
            fill_rect(rows, width, height, x0, y0, x1, y1, color)
    return rows


# ------------------------------------------------------- model plumbing -----
class Canceled(Exception):
    """Raised inside a predictor by ctx.sleep() once cancel was asked."""


class WorkerCrash(Exception):
    """The simulated worker process died (os._exit)."""


class OutFile:
    """A file a predictor returns: name (basename) and bytes."""

    def __init__(self, name, data):
        self.name, self.data = name, data

    def mime(self):
        return mimetypes.guess_type(self.name)[0] or \
            "application/octet-stream"


class Secret:
    """cog.Secret: the value is hidden when echoed."""

    def __init__(self, value):
        self._value = value

    def get_secret_value(self):
        return self._value


class FieldInfo:
    """What a predictor receives for each argument when the request had no
    "input" (cog calls predict() with no arguments): pydantic 1's FieldInfo,
    with the same repr."""
    SLOTS = ("default", "description", "ge", "le", "min_length",
             "max_length", "regex")

    def __init__(self, kw):
        self.kw = kw

    def parts(self):
        parts = []
        for k in self.SLOTS:
            if self.kw.get(k) is not None:
                parts.append("%s=%r" % (k, self.kw[k]))
        extra = {"enum": self.kw.get("choices")}
        if self.kw.get("deprecated") is not None:
            extra["deprecated"] = self.kw["deprecated"]
        parts.append("extra=%r" % (extra,))
        return parts

    def __repr__(self):
        return "FieldInfo(%s)" % ", ".join(self.parts())

    def __str__(self):      # pydantic's Representation.__str__
        return " ".join(self.parts())


WORDS = ("the quick brown fox jumps over a lazy dog while seven tiny robots "
         "compose haiku about onions wearing sunglasses in the moonlight"
         ).split()


def read_input_image(path, width, height):
    with open(path, "rb") as f:
        data = f.read()
    try:
        w, h, mode, rows = png_decode(data)
    except (ValueError, zlib.error, struct.error):
        raise OSError("cannot identify image file %r" % path)
    return resize_nearest(w, h, to_rgb(w, mode, rows), width, height)


# The simulated predictors. Lines that can raise are written as in
# tests/fixtures/cog/predictors/*/predict.py: a failure's traceback quotes
# the original file's line (see format_predict_error).
def predict_image(ctx, prompt, negative_prompt, width, height, num_outputs,
                  scheduler, guidance_scale, num_inference_steps, seed,
                  image, disable_safety_checker):
    if seed is None:
        seed = int.from_bytes(os.urandom(2), "big")
    ctx.print(f"Using seed: {seed}")
    ctx.print(f"scheduler={scheduler} steps={num_inference_steps} guidance={guidance_scale}")
    base = None
    if image is not None:
        base = read_input_image(image, width, height)
        ctx.print(f"img2img from {os.path.basename(str(image))} ({width}x{height})")
    for step in range(5):
        ctx.sleep(0.2)
        ctx.print(f"step {step + 1}/5")
    outputs = []
    for i in range(num_outputs):
        rows = draw_image(prompt, negative_prompt, seed, i, width, height)
        if base is not None:
            rows = [bytearray((a + b) >> 1 for a, b in zip(r, s))
                    for r, s in zip(base, rows)]
        if not disable_safety_checker and "nsfw" in prompt.lower():
            rows = to_rgb(width, "L", to_gray(width, "RGB", rows))
        outputs.append(OutFile(f"out-{i}.png",
                               png_encode(width, height, rows)))
    return outputs


def predict_text(ctx, prompt, system_prompt, max_tokens, temperature,
                 token_delay):
    rng = random.Random(hashlib.sha256(f"{system_prompt}|{prompt}|{temperature}".encode()).digest())
    if ctx.context:
        ctx.print(f"request context keys: {sorted(ctx.context)}")
    ctx.print(f"generating up to {max_tokens} tokens")
    for i in range(max_tokens):
        ctx.sleep(token_delay)
        word = rng.choice(WORDS)
        ctx.yield_(word if i == 0 else " " + word)
    ctx.metric("output_tokens", max_tokens)
    ctx.print("done")


def predict_tokens(ctx, count, delay):
    for i in range(count):
        ctx.sleep(delay)
        ctx.print(f"yielding item {i}")
        ctx.yield_(f"item-{i}")


def predict_error(ctx, prompt, fail):
    ctx.print(f"processing prompt {prompt!r}")
    ctx.sleep(0.3)
    if fail:
        raise ValueError(f"something went wrong while processing {prompt!r} (fake error)")
    return prompt.upper()


def predict_file(ctx, file, operation):
    name = os.path.basename(str(file))
    size = os.path.getsize(file)
    ctx.print(f"received {name} ({size} bytes)")
    with open(file, "rb") as f:
        data = f.read()
    try:
        img = png_decode(data)
    except (ValueError, zlib.error, struct.error):
        img = None
    if img is not None:
        w, h, mode, rows = img
        if operation == "flip":
            chans = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}[mode]
            rows = [b"".join(bytes(r[x * chans:(x + 1) * chans])
                             for x in range(w - 1, -1, -1)) for r in rows]
        else:
            rows, mode = to_gray(w, mode, rows), "L"
        return OutFile("result.png", png_encode(w, h, rows, mode))
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    text = text[::-1] if operation == "reverse" else text.upper()
    return OutFile("result.txt", text.encode("utf-8"))


def predict_zoo(ctx, mode, steps, name, api_key, files, note, old_flag,
                ratio):
    secret = api_key.get_secret_value() if api_key is not None else None
    ctx.print(f"mode={mode} steps={steps} name={name} secret_len={len(secret or '')} files={len(files or [])} note={note!r}")
    out = []
    for i, f in enumerate(files or []):
        with open(f, "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
        out.append(OutFile(f"zoo-{i}.txt", text[::-1].encode("utf-8")))
    return {"text": f"{name}:{mode}", "count": steps, "files": out,
            "score": ratio if note else None}


def predict_crash(ctx, delay):
    ctx.print("about to crash")
    ctx.sleep(delay)
    raise WorkerCrash(137)


def predict_setup_fails(ctx, prompt):
    return prompt


def predict_async(ctx, text, delay):
    for i, w in enumerate(text.split()):
        ctx.sleep(delay)
        ctx.print(f"word {i}")
        ctx.yield_(w if i == 0 else " " + w)


def predict_healthcheck(ctx, text):
    return text[::-1]


def predict_whisper(ctx, audio, language, translate):
    """The recorded openai/whisper output, keys as Cog sends them (unset
    Optional fields left out, translation set to None)."""
    with open(WHISPER_OUTPUT, encoding="utf-8") as f:
        out = json.load(f)["output"]
    ctx.print("Transcribe with large-v3 model.")
    ctx.sleep(0.3)
    lang = out["detected_language"] if language == "auto" else language
    ctx.print(f"Detected language: {lang.capitalize()}")
    return {"segments": out["segments"], "translation": None,
            "transcription": out["transcription"],
            "detected_language": lang}


def predict_object(ctx, prompt):
    words = prompt.split()
    ctx.print(f"counting {len(words)} words")
    ctx.sleep(0.2)
    data = "".join(w + "\n" for w in words).encode("utf-8")
    return {"text": prompt.upper(), "count": len(words),
            "files": [OutFile("words.txt", data)],
            "score": round(len(set(words)) / len(words), 3) if words
            else None}


def predict_null(ctx, text):
    ctx.print(f"got {text!r}, returning nothing")
    ctx.sleep(0.2)
    return None


def image_setup_logs(secs):
    return f"loading fake weights ({float(secs)}s)...\nweights loaded\n"


def load_setup_failed():
    with open(os.path.join(FIX, "setup-fails",
                           "10-health-setup-failed.body"), "rb") as f:
        return json.loads(f.read())["setup"]["logs"]


def derived_openapi(inp, out):
    """An openapi.json for a predictor only the fake has: the recorded Cog
    0.15.5 document of `tokens` with this model's Input and Output schemas
    (pydantic-1 key order, as Cog writes them)."""
    def build():
        with open(os.path.join(FIX, "tokens", "01-openapi.body"),
                  "rb") as f:
            doc = json.loads(f.read())
        doc["components"]["schemas"]["Input"] = {
            "title": "Input", "type": "object", "properties": inp}
        doc["components"]["schemas"]["Output"] = out
        return jdump(doc)
    return build


def path_prop(title, desc, order):
    return {"title": title, "type": "string", "description": desc,
            "format": "uri", "x-order": order}


def str_prop(title, desc, default, order):
    return {"title": title, "type": "string", "description": desc,
            "default": default, "x-order": order}


WHISPER_OPENAPI = derived_openapi({
    "audio": path_prop("Audio", "Audio file", 0),
    "language": str_prop("Language", "Language spoken in the audio, specify "
                         "'auto' for automatic language detection", "auto",
                         1),
    "translate": {"title": "Translate", "type": "boolean", "description":
                  "Translate the text to English when set to True",
                  "default": False, "x-order": 2},
}, {"title": "Output", "required": ["transcription", "detected_language"],
    "type": "object", "properties": {
        "segments": {"title": "Segments"},
        "srt_file": {"title": "Srt File", "type": "string", "format": "uri"},
        "txt_file": {"title": "Txt File", "type": "string", "format": "uri"},
        "translation": {"title": "Translation", "type": "string"},
        "transcription": {"title": "Transcription", "type": "string"},
        "detected_language": {"title": "Detected Language",
                              "type": "string"}}})

# the same Output class as schema-zoo/01-openapi.body
OBJECT_OPENAPI = derived_openapi({
    "prompt": str_prop("Prompt", "Words to count",
                       "the beetle droned in the hot june sun", 0),
}, {"title": "Output", "required": ["text", "count", "files"],
    "type": "object", "properties": {
        "text": {"title": "Text", "type": "string"},
        "count": {"title": "Count", "type": "integer"},
        "files": {"title": "Files", "type": "array",
                  "items": {"type": "string", "format": "uri"}},
        "score": {"title": "Score", "type": "number"}}})

NULL_OPENAPI = derived_openapi({
    "text": str_prop("Text", "Anything; nothing comes back", "hello", 0),
}, {"title": "Output"})

# name -> recorded openapi body (or a function making one), run function,
# setup logs (str, or callable of the setup seconds), slots, iterator
# output; the predictor's source is predictors/<name>/predict.py under
# tests/fixtures/cog/ (recorded) or tests/fakes/ (the fake's own)
PREDICTORS = {
    "image": ("image/05-openapi.body", predict_image, image_setup_logs, 1,
              False),
    "text": ("text/01-openapi.body", predict_text, "fake tokenizer ready\n",
             1, True),
    "tokens": ("tokens/01-openapi.body", predict_tokens, "", 1, True),
    "file": ("file/01-openapi.body", predict_file, "", 1, False),
    "schema-zoo": ("schema-zoo/01-openapi.body", predict_zoo, "", 1, False),
    "predict-error": ("predict-error/01-openapi.body", predict_error,
                      "setup ok\n", 1, False),
    "setup-fails": ("setup-fails/02-openapi-while-starting.body",
                    predict_setup_fails, None, 1, False),
    "crash": (None, predict_crash, "", 1, False),
    "async-concurrent": ("async-concurrent/01-openapi.body", predict_async,
                         "async setup\n", 2, True),
    "healthcheck": ("cog-0.16.12-shim/06-openapi.body", predict_healthcheck,
                    "setup done\n", 1, False),
    "whisper": (WHISPER_OPENAPI, predict_whisper, "", 1, False),
    "object": (OBJECT_OPENAPI, predict_object, "", 1, False),
    "null": (NULL_OPENAPI, predict_null, "", 1, False),
}


def crash_openapi():
    """No recording has the crash predictor's schema: build it from the
    predict-error document, whose Output (str) is the same, with crash's
    one input (delay: float = 0.5) as cog 0.15.5 renders it."""
    with open(os.path.join(FIX, "predict-error", "01-openapi.body"),
              "rb") as f:
        doc = json.loads(f.read())
    doc["components"]["schemas"]["Input"] = {
        "title": "Input", "type": "object", "properties": {"delay": {
            "title": "Delay", "type": "number",
            "description": "Seconds before dying", "default": 0.5,
            "x-order": 0}}}
    return jdump(doc)


def predict_kwargs_of(pred_dir):
    """The Input(...) keywords of each predict() argument, as Python
    literals, from the predictor's own source (for FieldInfo reprs and
    for the exact type of ge/le, e.g. limit_value 1 vs 1.0)."""
    path = os.path.join(FIX, "predictors", pred_dir, "predict.py")
    if not os.path.exists(path):
        path = os.path.join(OWN_PREDICTORS, pred_dir, "predict.py")
    with open(path, encoding="utf-8") as f:
        src = f.read()
    tree = ast.parse(src)
    consts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name):
            try:
                consts[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    res = {}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or \
                node.name != "predict":
            continue
        args = node.args.args[1:]
        defs = node.args.defaults
        for arg, d in zip(args[len(args) - len(defs):], defs):
            kw = {}
            if isinstance(d, ast.Call):
                for k in d.keywords:
                    if isinstance(k.value, ast.Name) and k.value.id in consts:
                        kw[k.arg] = consts[k.value.id]
                        continue
                    try:
                        kw[k.arg] = ast.literal_eval(k.value)
                    except ValueError:
                        pass
            res[arg.arg] = kw
    return res, src.splitlines()


# ------------------------------------------------------------ validation --
class Invalid(Exception):
    """One pydantic-1 error: msg, type and optional ctx."""

    def __init__(self, msg, typ, ctx=None):
        super().__init__(msg)
        self.msg, self.typ, self.ctx = msg, typ, ctx


class ServerError(Exception):
    """The real server would answer 500 Internal Server Error."""


def verr(loc, msg, typ, ctx=None):
    d = {"loc": list(loc), "msg": msg, "type": typ}
    if ctx is not None:
        d["ctx"] = ctx
    return d


def v_str(v):
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):   # bool too: str(True) == "True"
        return str(v)
    raise Invalid("str type expected", "type_error.str")


def v_int(v):
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str) and len(v) > 4300:
        raise Invalid("value is not a valid integer", "type_error.integer")
    try:
        return int(v)
    except (TypeError, ValueError, OverflowError):
        raise Invalid("value is not a valid integer", "type_error.integer")


def v_float(v):
    if isinstance(v, float):
        return v
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        raise Invalid("value is not a valid float", "type_error.float")


BOOL_TRUE = {1, "1", "on", "t", "true", "y", "yes"}
BOOL_FALSE = {0, "0", "off", "f", "false", "n", "no"}


def v_bool(v):
    if v is True or v is False:
        return v
    if isinstance(v, str):
        v = v.lower()
    try:
        if v in BOOL_TRUE:
            return True
        if v in BOOL_FALSE:
            return False
    except TypeError:
        pass
    raise Invalid("value could not be parsed to a boolean", "type_error.bool")


def v_dict(v):
    if isinstance(v, dict):
        return v
    if isinstance(v, list):
        try:
            return dict(v)
        except (TypeError, ValueError):
            pass
    raise Invalid("value is not a valid dict", "type_error.dict")


def v_list(v):
    if isinstance(v, list):
        return v
    raise Invalid("value is not a valid list", "type_error.list")


def lookup(values, v):
    """Enum/Literal membership the Python way (1.0 == 1, "1" != 1)."""
    try:
        return {x: x for x in values}[v]
    except (KeyError, TypeError):
        raise KeyError(v)


def v_path(v):
    if not isinstance(v, str):
        # urlparse() of a non-string raises AttributeError, which pydantic
        # does not catch: the real server answers 500
        raise ServerError("Path input is not a string")
    scheme = urllib.parse.urlparse(v).scheme
    if scheme not in ("data", "http", "https"):
        raise Invalid("'%s' is not a valid URL scheme. 'data', 'http', or "
                      "'https' is supported." % scheme, "value_error")
    return v


def size_check(v, ge, le):
    if ge is not None and not v >= ge:
        raise Invalid("ensure this value is greater than or equal to %s" % ge,
                      "value_error.number.not_ge", {"limit_value": ge})
    if le is not None and not v <= le:
        raise Invalid("ensure this value is less than or equal to %s" % le,
                      "value_error.number.not_le", {"limit_value": le})


def length_check(v, lo, hi):
    if lo is not None and len(v) < lo:
        raise Invalid("ensure this value has at least %d characters" % lo,
                      "value_error.any_str.min_length", {"limit_value": lo})
    if hi is not None and len(v) > hi:
        raise Invalid("ensure this value has at most %d characters" % hi,
                      "value_error.any_str.max_length", {"limit_value": hi})


class Field:
    """One Input property, from the served openapi.json (plus the literal
    ge/le types from predict.py)."""

    def __init__(self, name, prop, comps, required, kw):
        self.name, self.required, self.kw = name, required, kw
        self.has_default = "default" in prop
        self.default = prop.get("default")
        self.allow_none = (not required and not self.has_default) or \
            bool(prop.get("nullable"))
        self.kind, self.values, self.item = "str", None, None
        if "allOf" in prop:
            ref = prop["allOf"][0]["$ref"].rsplit("/", 1)[-1]
            self.kind, self.values = "enum", comps[ref]["enum"]
        elif "enum" in prop:
            self.kind, self.values = "literal", prop["enum"]
        else:
            self.kind = self.kind_of(prop)
            if self.kind == "array":
                self.item = self.kind_of(prop.get("items", {}))

        def limit(key, skey):
            if kw.get(key) is not None:
                return kw[key]
            lim = prop.get(skey)
            if lim is not None and self.kind == "int" and lim == int(lim):
                lim = int(lim)
            return lim
        self.ge, self.le = limit("ge", "minimum"), limit("le", "maximum")
        self.min_len = prop.get("minLength")
        self.max_len = prop.get("maxLength")
        self.pattern = prop.get("pattern")

    @staticmethod
    def kind_of(p):
        t, fmt = p.get("type"), p.get("format")
        if t == "string":
            return {"uri": "path", "password": "secret"}.get(fmt, "str")
        return {"integer": "int", "number": "float", "boolean": "bool",
                "array": "array"}.get(t, "any")

    def scalar(self, kind, v):
        """-> (echo value, value given to the predictor)."""
        if kind == "str":
            v = v_str(v)
            length_check(v, self.min_len, self.max_len)
            if self.pattern is not None and not re.match(self.pattern, v):
                raise Invalid('string does not match regex "%s"' %
                              self.pattern, "value_error.str.regex",
                              {"pattern": self.pattern})
            return v, v
        if kind == "int":
            v = v_int(v)
            size_check(v, self.ge, self.le)
            return v, v
        if kind == "float":
            v = v_float(v)
            size_check(v, self.ge, self.le)
            return v, v
        if kind == "bool":
            v = v_bool(v)
            return v, v
        if kind == "path":
            v = v_path(v)
            return v, PathIn(v)
        if kind == "secret":
            v = v_str(v)
            return "**********", Secret(v)
        return v, v

    def validate(self, v, loc, errors):
        if v is None:
            if self.allow_none:
                return None, None
            errors.append(verr(loc, "none is not an allowed value",
                               "type_error.none.not_allowed"))
            return None, None
        try:
            if self.kind == "enum":
                try:
                    v = lookup(self.values, v)
                except KeyError:
                    raise Invalid(
                        "value is not a valid enumeration member; permitted: "
                        + ", ".join(repr(x) for x in self.values),
                        "type_error.enum", {"enum_values": self.values})
                return v, v
            if self.kind == "literal":
                try:
                    v = lookup(self.values, v)
                except KeyError:
                    raise Invalid(
                        "unexpected value; permitted: " +
                        ", ".join(repr(x) for x in self.values),
                        "value_error.const",
                        {"given": v, "permitted": self.values})
                return v, v
            if self.kind == "array":
                items = v_list(v)
                echo, py = [], []
                for i, it in enumerate(items):
                    try:
                        e, p = self.scalar(self.item, it)
                        echo.append(e)
                        py.append(p)
                    except Invalid as ex:
                        errors.append(verr(loc + [i], ex.msg, ex.typ, ex.ctx))
                return echo, py
            return self.scalar(self.kind, v)
        except Invalid as ex:
            errors.append(verr(loc, ex.msg, ex.typ, ex.ctx))
            return None, None

    def fieldinfo(self):
        kw = dict(self.kw)
        kw.setdefault("default", None)
        return FieldInfo(kw)


class PathIn:
    """A Path input before download: the URL or data URI."""

    def __init__(self, url):
        self.url = url


DATETIME_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})[T ]"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:\.(?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$")


def v_datetime(v):
    """pydantic 1 parse_datetime -> isoformat() as jsonable_encoder does."""
    utc = datetime.timezone.utc
    num = None
    if isinstance(v, (int, float)):
        num = v
    elif isinstance(v, str):
        try:
            num = float(v)
        except ValueError:
            num = None
    else:
        raise Invalid("invalid type; expected datetime, string, bytes, int "
                      "or float", "type_error")
    if num is not None:
        if num > 1e20 or num < -1e20 or num != num:
            raise Invalid("invalid datetime format", "value_error.datetime")
        while abs(num) > 2e10:
            num /= 1000
        try:
            dt = datetime.datetime(1970, 1, 1, tzinfo=utc) + \
                datetime.timedelta(seconds=num)
        except OverflowError:
            raise Invalid("invalid datetime format", "value_error.datetime")
        return dt.isoformat()
    m = DATETIME_RE.match(v)
    if m is None:
        raise Invalid("invalid datetime format", "value_error.datetime")
    kw = m.groupdict()
    if kw["microsecond"]:
        kw["microsecond"] = kw["microsecond"].ljust(6, "0")
    tz = kw.pop("tzinfo")
    tzinfo = None
    if tz == "Z":
        tzinfo = utc
    elif tz is not None:
        off = 60 * int(tz[1:3]) + (int(tz[-2:]) if len(tz) > 3 else 0)
        if tz[0] == "-":
            off = -off
        try:
            tzinfo = datetime.timezone(datetime.timedelta(minutes=off))
        except ValueError:
            raise Invalid("invalid datetime format", "value_error.datetime")
    try:
        dt = datetime.datetime(tzinfo=tzinfo, **{k: int(x) for k, x in
                                                 kw.items() if x is not None})
    except ValueError:
        raise Invalid("invalid datetime format", "value_error.datetime")
    return dt.isoformat()


URL_RE = re.compile(
    r"(?:(?P<scheme>[a-z][a-z0-9+\-.]+):)?"
    r"(?://(?:(?P<user>[^:@]*)(?::(?P<password>[^@]*))?@)?"
    r"(?:(?P<ipv4>(?:\d{1,3}\.){3}\d{1,3})(?=$|[/:#?])|"
    r"(?P<ipv6>\[[A-F0-9]*:[A-F0-9:]+\])(?=$|[/:#?])|"
    r"(?P<domain>[^\s/:?#]+))?(?::(?P<port>\d+))?)?"
    r"(?P<path>/[^\s?#]*)?(?:\?(?P<query>[^\s#]*))?"
    r"(?:#(?P<fragment>[^\s#]*))?", re.IGNORECASE)


def v_anyurl(v):
    """pydantic 1 AnyUrl (min 1, max 65536 characters)."""
    v = v_str(v).strip()
    length_check(v, 1, 65536)
    m = URL_RE.match(v)
    if m is None or m.group("scheme") is None:
        raise Invalid("invalid or missing URL scheme",
                      "value_error.url.scheme")
    if not (m.group("ipv4") or m.group("ipv6") or m.group("domain")):
        raise Invalid("URL host invalid", "value_error.url.host")
    port = m.group("port")
    if port is not None and int(port) > 65535:
        raise Invalid("URL port invalid, port cannot exceed 65535",
                      "value_error.url.port")
    return v


RAW = object()   # "input" missing or null: cog skips validation


def validate_request(body, fields):
    """The request body (parsed JSON) -> (request dict, errors). request
    has input_echo, kwargs (or RAW), id, created_at, context,
    output_file_prefix, webhook, webhook_events_filter."""
    errors = []
    try:
        body = v_dict(body)
    except Invalid as ex:
        return None, [verr(["body"], ex.msg, ex.typ)]
    req = {"input_echo": {}, "kwargs": RAW}
    inp = body.get("input")
    if inp is not None:
        try:
            inp = v_dict(inp)
            echo, kwargs = {}, {}
            for f in fields:
                loc = ["body", "input", f.name]
                if f.name not in inp:
                    if f.required:
                        errors.append(verr(loc, "field required",
                                           "value_error.missing"))
                        continue
                    v = f.default if f.has_default else None
                    if f.has_default:
                        e, p = f.validate(json.loads(json.dumps(v)), loc, [])
                    else:
                        e, p = None, None
                else:
                    e, p = f.validate(inp[f.name], loc, errors)
                echo[f.name], kwargs[f.name] = e, p
            req["input_echo"], req["kwargs"] = echo, kwargs
        except Invalid as ex:
            errors.append(verr(["body", "input"], ex.msg, ex.typ))

    def opt(name, fn):
        v = body.get(name)
        if v is None:
            req[name] = None
            return
        try:
            req[name] = fn(v)
        except Invalid as ex:
            errors.append(verr(["body", name], ex.msg, ex.typ, ex.ctx))

    opt("id", v_str)
    opt("created_at", v_datetime)

    def ctx_dict(v):
        d = v_dict(v)
        out = {}
        for k, x in d.items():
            try:
                out[v_str(k)] = v_str(x)
            except Invalid as ex:
                errors.append(verr(["body", "context", k], ex.msg, ex.typ))
        return out
    opt("context", ctx_dict)
    opt("output_file_prefix", v_str)
    opt("webhook", v_anyurl)

    def events(v):
        out = []
        for i, x in enumerate(v_list(v)):
            try:
                out.append(lookup(WEBHOOK_EVENTS, x))
            except KeyError:
                errors.append(verr(
                    ["body", "webhook_events_filter", i],
                    "value is not a valid enumeration member; permitted: " +
                    ", ".join(repr(e) for e in WEBHOOK_EVENTS),
                    "type_error.enum", {"enum_values": WEBHOOK_EVENTS}))
        return out
    opt("webhook_events_filter", events)
    if not req["webhook_events_filter"]:      # None or []: the default
        req["webhook_events_filter"] = list(WEBHOOK_EVENTS)
    return req, errors


# ------------------------------------------------------------- outbound ----
def http_send(method, url, body, headers, timeout=10.0):
    """One request with headers exactly in the given order (Host first, as
    python-requests sends them). -> (status, headers dict, body)."""
    u = urllib.parse.urlsplit(url)
    cls = http.client.HTTPSConnection if u.scheme == "https" else \
        http.client.HTTPConnection
    conn = cls(u.hostname, u.port, timeout=timeout)
    try:
        path = (u.path or "/") + ("?" + u.query if u.query else "")
        conn.putrequest(method, path, skip_host=True,
                        skip_accept_encoding=True)
        conn.putheader("Host", u.netloc.rpartition("@")[2])
        for k, v in headers:
            conn.putheader(k, v)
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def requests_error(url, exc):
    """The message python-requests gives for a connection failure."""
    u = urllib.parse.urlsplit(url)
    cls = "HTTPSConnectionPool" if u.scheme == "https" else \
        "HTTPConnectionPool"
    port = u.port or (443 if u.scheme == "https" else 80)
    path = (u.path or "/") + ("?" + u.query if u.query else "")
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror \
        else str(exc)
    errno = getattr(exc, "errno", None)
    return ("%s(host='%s', port=%d): Max retries exceeded with url: %s "
            "(Caused by NewConnectionError('<urllib3.connection."
            "HTTPConnection object at 0x7f0000000000>: Failed to establish a "
            "new connection: [Errno %s] %s'))" % (cls, u.hostname, port, path,
                                                  errno, reason))


def download(url, tmpfiles):
    """A Path input -> local file path (cog downloads before predict()).
    Raises RuntimeError with the message the real server reports."""
    if url.startswith("data:"):
        head, _, data = url[5:].partition(",")
        parts = head.split(";")
        mime = parts[0] or "text/plain"
        try:
            raw = base64.b64decode(data, validate=False) if "base64" in \
                parts[1:] else urllib.parse.unquote_to_bytes(data)
        except (binascii.Error, ValueError) as e:
            raise RuntimeError(str(e))
        ext = mimetypes.guess_extension(mime) or ""
        name = "file" + ext
    else:
        name = os.path.basename(urllib.parse.unquote(
            urllib.parse.urlsplit(url).path))
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(url, timeout=30) as r:
                raw = r.read(MAX_BODY + 1)
        except urllib.error.HTTPError as e:
            kind = "Client" if e.code < 500 else "Server"
            raise RuntimeError("%d %s Error: %s for url: %s" % (
                e.code, kind, e.reason, url))
        except (urllib.error.URLError, OSError) as e:
            raise RuntimeError(requests_error(url, getattr(e, "reason", e)))
        if len(raw) > MAX_BODY:
            raise RuntimeError("input file too large")
    f = tempfile.NamedTemporaryFile(suffix=name, delete=False)
    with f:
        f.write(raw)
    tmpfiles.append(f.name)
    return f.name


# ------------------------------------------------------------ predictions --
class Prediction:
    """One prediction's state (PredictionResponse), guarded by lock."""

    def __init__(self, req, is_async):
        self.id = req["id"]
        self.input = req["input_echo"]
        self.kwargs = req["kwargs"]
        self.created_at = req["created_at"]
        self.context = req["context"] or {}
        self.webhook = req["webhook"]
        self.filter = req["webhook_events_filter"]
        self.output_file_prefix = req["output_file_prefix"]
        self.is_async = is_async
        self.output = None
        self.logs = ""
        self.error = None
        self.status = "processing"
        self.started_at = None
        self.completed_at = None
        self.metrics = None
        self.user_metrics = {}
        self.crashed = False
        self.lock = threading.RLock()
        self.cancel_ev = threading.Event()
        self.prefix_ev = threading.Event()   # first sleep reached, or done
        self.done_ev = threading.Event()
        self.t0 = None
        self.snapshot = None   # the 202 body

    def response(self):
        with self.lock:
            return json.loads(json.dumps({
                "input": self.input, "output": self.output, "id": self.id,
                "version": None, "created_at": self.created_at,
                "started_at": self.started_at,
                "completed_at": self.completed_at, "logs": self.logs,
                "error": self.error, "status": self.status,
                "metrics": self.metrics}))

    def payload(self):
        """The webhook body: .dict(exclude_unset=True)."""
        with self.lock:
            d = {"input": self.input, "output": self.output, "id": self.id,
                 "created_at": self.created_at,
                 "started_at": self.started_at}
            if self.completed_at is not None:
                d["completed_at"] = self.completed_at
            d["logs"] = self.logs
            if self.error is not None:
                d["error"] = self.error
            d["status"] = self.status
            if self.metrics is not None:
                d["metrics"] = self.metrics
            return json.dumps(d).encode("utf-8")


class WebhookSender:
    """cog's webhook caller: filtered, then throttled (a non-terminal event
    goes out only when >= interval passed since the previous send
    finished), terminal ones retried on 429/5xx. A per-prediction thread
    posts them in order, so a slow receiver never slows the model (as in
    cog, whose model runs in another process); `start` and terminal events
    are waited for. `start` is posted before the predictor runs; as in the
    recordings, the first event the predictor emits before it first sleeps
    still gets through (in cog it races the start POST), later ones wait
    for the interval."""

    def __init__(self, server, url, events, traceparent):
        self.srv, self.url, self.events = server, url, set(events)
        self.interval = server.throttle
        self.last = None
        self.start_done = None
        self.in_prefix = True
        self.trace = traceparent
        self.q = queue.Queue()
        self.start_ev = threading.Event()   # the start POST returned
        if "start" not in self.events or server.throttle_raw < 0.1:
            self.start_ev.set()
        threading.Thread(target=self.loop, daemon=True).start()

    def headers(self, body):
        h = [("user-agent", "cog-worker/%s %s" % (self.srv.cog_version,
                                                  REQUESTS_UA)),
             ("Accept-Encoding", "gzip, deflate"), ("Accept", "*/*"),
             ("Connection", "keep-alive")]
        tok = os.environ.get("WEBHOOK_AUTH_TOKEN")
        if tok:
            h.append(("authorization", "Bearer " + tok))
        h.extend(self.trace)
        h.append(("Content-Length", str(len(body))))
        h.append(("Content-Type", "application/json"))
        return h

    def post(self, body, terminal):
        tries = 13 if terminal else 1
        for n in range(tries):
            if n > 1:
                time.sleep(min(120.0, 0.1 * 2 ** (n - 1)) / self.srv.speed)
            try:
                st, _, _ = http_send("POST", self.url, body,
                                     self.headers(body))
                if not terminal or st not in (429, 500, 502, 503, 504):
                    return
            except (OSError, http.client.HTTPException) as e:
                self.srv.log("webhook %s failed: %s" % (self.url, e))
                if not terminal:
                    return

    def loop(self):
        while True:
            item = self.q.get()
            kind = item[0]
            if kind == "stop":
                return
            if kind == "prefix":
                if self.in_prefix:
                    self.in_prefix = False
                    if self.last is None and self.start_done is not None:
                        self.last = self.start_done
                continue
            _, event, body, terminal, done = item
            try:
                self.deliver(event, body, terminal)
            finally:
                if done is not None:
                    done.set()

    def throttled(self, event, terminal):
        return not terminal and event != "start" and self.last is not None \
            and time.monotonic() - self.last < self.interval

    def deliver(self, event, body, terminal):
        if self.throttled(event, terminal):
            return
        self.post(body, terminal)
        if event == "start":
            self.start_done = time.monotonic()
            self.start_ev.set()
        else:
            self.last = time.monotonic()

    def send(self, event, pred, terminal=False):
        """Queue one event; terminal ones: wait until sent."""
        if event not in self.events:
            return
        if event == "start" and self.srv.throttle_raw < 0.1:
            return
        wait = terminal
        if not wait and event != "start" and not self.in_prefix and \
                self.throttled(event, False):
            return    # would be dropped anyway: spare the snapshot
        done = threading.Event() if wait else None
        # the payload is the state right after this event, as in cog
        self.q.put(("event", event, pred.payload(), terminal, done))
        if done is not None:
            done.wait()

    def end_prefix(self):
        self.q.put(("prefix",))

    def close(self):
        self.q.put(("stop",))


class Ctx:
    """What a simulated predictor sees: print, sleep, yield, metrics."""

    def __init__(self, srv, pred, sender):
        self.srv, self.pred, self.sender = srv, pred, sender
        self.context = pred.context

    def end_prefix(self):
        """The predictor's first sleep (or its end): what an async 202
        shows is the state at this point."""
        if self.sender is not None:
            self.sender.end_prefix()
        if self.pred.snapshot is None:
            self.pred.snapshot = self.pred.response()
        self.pred.prefix_ev.set()

    def print(self, text):
        with self.pred.lock:
            self.pred.logs += "%s\n" % (text,)
        self.srv.log_model("%s" % (text,))
        if self.sender is not None:
            self.sender.send("logs", self.pred)

    def yield_(self, chunk):
        with self.pred.lock:
            if self.pred.output is None:
                self.pred.output = []
            self.pred.output.append(chunk)
        if self.sender is not None:
            self.sender.send("output", self.pred)

    def metric(self, name, value):
        with self.pred.lock:
            self.pred.user_metrics[name] = value

    def sleep(self, secs):
        self.end_prefix()
        if self.pred.cancel_ev.wait(max(0.0, float(secs)) / self.srv.speed):
            raise Canceled()


def format_predict_error(srv, exc, iterator):
    """The traceback cog appends to logs when predict() raises, lines
    de-indented, quoting the original predict.py where our simulated line
    is the same text (see predictors/*/predict.py)."""
    lines = ["Traceback (most recent call last):",
             'File "%s", line 794, in _handle_predict_error' % WORKER,
             "yield"]
    if iterator:
        lines += ['File "%s", line 656, in _predict' % WORKER,
                  "for r in result:"]
    else:
        lines += ['File "%s", line 646, in _predict' % WORKER,
                  "result = predict(**payload)", "^^^^^^^^^^^^^^^^^^"]
    for fs in traceback.extract_tb(exc.__traceback__):
        if not fs.name.startswith("predict_") or fs.filename != __file__:
            continue
        text = (fs.line or "").strip()
        lineno = 0
        for i, src in enumerate(srv.src_lines, 1):
            if src.strip() == text:
                lineno = i
                break
        lines.append('File "/src/predict.py", line %d, in predict' % lineno)
        lines.append(text)
        full = linecache.getline(fs.filename, fs.lineno).rstrip("\n")
        if fs.colno is not None and fs.end_colno is not None and \
                fs.lineno == fs.end_lineno:
            lead = len(full) - len(full.lstrip())
            if not (fs.colno <= lead and fs.end_colno >= len(full.rstrip())):
                lines.append("^" * (fs.end_colno - fs.colno))
    lines.append("%s: %s" % (type(exc).__name__, exc))
    return "\n".join(lines) + "\n"


class CogServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, args):
        super().__init__(("127.0.0.1", args.port), Handler)
        self.args = args
        self.name = args.predictor
        spec = PREDICTORS[self.name]
        if spec[0] is None:
            self.openapi = crash_openapi()
        elif callable(spec[0]):
            self.openapi = spec[0]()
        else:
            with open(os.path.join(FIX, spec[0]), "rb") as f:
                self.openapi = f.read()
        self.run_fn, setup_logs, self.slots, self.iterator = spec[1:]
        src_dir = "healthcheck" if self.name == "healthcheck" else self.name
        kw, self.src_lines = predict_kwargs_of(src_dir)
        doc = json.loads(self.openapi)
        comps = doc["components"]["schemas"]
        inp = comps["Input"]
        req = set(inp.get("required", []))
        self.fields = [Field(n, p, comps, n in req, kw.get(n, {}))
                       for n, p in inp["properties"].items()]
        if callable(setup_logs):
            setup_logs = setup_logs(args.setup_seconds)
        self.setup_logs = setup_logs
        self.cog_version = args.cog_version
        self.speed = args.speed
        self.throttle_raw = float(os.environ.get(
            "COG_THROTTLE_RESPONSE_INTERVAL", THROTTLE_INTERVAL))
        self.throttle = self.throttle_raw / self.speed
        self.lock = threading.RLock()
        self.health = "STARTING"
        self.setup = {}
        self.running = []
        self.unhealthy = False
        self.requests = []
        self.faults = []
        self.out_dirs = []     # async outputs without --upload-url
        self.exit_code = 0
        self.stopping = False

    # -- logging --
    def log(self, msg):
        if not self.args.quiet:
            sys.stderr.write(json.dumps({
                "logger": "cog.fake", "timestamp": now_iso(),
                "severity": "INFO", "message": msg}) + "\n")
            sys.stderr.flush()

    def log_model(self, text):
        if not self.args.quiet:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    # -- lifecycle --
    def run_setup(self):
        started = now_iso()
        self.log("starting setup")
        time.sleep(max(0.0, self.args.setup_seconds))
        with self.lock:
            if self.setup_logs is None:
                self.setup = {"started_at": started,
                              "completed_at": now_iso(),
                              "logs": load_setup_failed(),
                              "status": "failed"}
                self.health = "SETUP_FAILED"
            else:
                self.setup = {"started_at": started,
                              "completed_at": now_iso(),
                              "logs": self.setup_logs, "status": "succeeded"}
                self.health = "READY"
        self.log("setup %s" % self.setup["status"])
        if self.health == "SETUP_FAILED" and \
                not self.args.await_explicit_shutdown:
            time.sleep(0.1)
            self.stop(255)

    def stop(self, code=0):
        with self.lock:
            if self.stopping:
                return
            self.stopping = True
            self.exit_code = code
        self.log("stopping server")
        threading.Thread(target=self.shutdown, daemon=True).start()

    def health_body(self):
        """-> (HTTP status, body dict) for GET /health-check."""
        with self.lock:
            state = self.health
            if state == "READY" and len(self.running) >= self.slots:
                state = "BUSY"
            body = {"status": state, "setup": dict(self.setup)}
            if self.cog_version != "0.15.5":
                if state == "READY" and self.user_unhealthy():
                    body["status"] = "UNHEALTHY"
                    body["user_healthcheck_error"] = (
                        "Healthcheck failed: user-defined healthcheck "
                        "returned False")
                if state in ("STARTING", "SETUP_FAILED", "DEFUNCT"):
                    return 503, body
            return 200, body

    def user_unhealthy(self):
        """The healthcheck predictor's healthcheck(): False while
        --unhealthy-file exists (the original uses /tmp/UNHEALTHY) or
        /_fake/health says so."""
        if self.name != "healthcheck":
            return False
        f = self.args.unhealthy_file
        return self.unhealthy or bool(f and os.path.exists(f))

    # -- predictions --
    def find_running(self, pid):
        with self.lock:
            for p in self.running:
                if pid is not None and p.id == pid:
                    return p
        return None

    def begin(self, req, is_async, traceparent):
        """-> (status, body) after starting a prediction (sync: after it
        finished)."""
        with self.lock:
            if self.health == "STARTING" or len(self.running) >= self.slots:
                return 409, {"detail": "Already running a prediction"}
            if self.health != "READY":
                raise ServerError("worker is %s" % self.health)
            pred = Prediction(req, is_async)
            pred.started_at = now_iso()
            pred.t0 = time.monotonic()
            self.running.append(pred)
        self.log("starting prediction %s" % pred.id)
        sender = None
        if pred.webhook:   # sync predictions send webhooks too (runner.py)
            sender = WebhookSender(self, pred.webhook, pred.filter,
                                   traceparent)
        t = threading.Thread(target=self.run_prediction, args=(pred, sender),
                             daemon=True)
        t.start()
        if is_async:
            # cog posts `start` from the request thread: the 202 waits for
            # it (the model runs meanwhile)
            if sender is not None:
                sender.start_ev.wait(30.0)
            pred.prefix_ev.wait(5.0)
            return 202, pred.snapshot or pred.response()
        pred.done_ev.wait()
        if pred.crashed:
            raise ServerError("worker died")
        return 200, pred.response()

    def run_prediction(self, pred, sender):
        ctx = Ctx(self, pred, sender)
        tmpfiles = []
        outcome = "succeeded"
        if sender is not None:
            sender.send("start", pred)
        if self.iterator:
            with pred.lock:
                pred.output = []
        try:
            kwargs = self.prepare_inputs(pred, tmpfiles)
        except RuntimeError as e:       # download failure: before predict()
            with pred.lock:
                pred.error = str(e)
            kwargs, outcome = None, "failed"
        try:
            if kwargs is not None:
                result = self.run_fn(ctx, **kwargs)
                ctx.end_prefix()
                if pred.cancel_ev.is_set():
                    raise Canceled()
                if not self.iterator:
                    with pred.lock:
                        pred.output = result if result else None
                if not self.finish_outputs(pred):
                    outcome = "upload_failed"
        except Canceled:
            outcome = "canceled"
        except WorkerCrash:
            outcome = "crash"
        except Exception as e:          # predict() raised
            outcome = self.predict_failed(pred, e, sender)
        finally:
            for p in tmpfiles:
                try:
                    os.unlink(p)
                except OSError:
                    pass
        self.complete(pred, sender, outcome)

    def prepare_inputs(self, pred, tmpfiles):
        """Validated inputs -> predict() arguments: Path inputs downloaded
        to temp files; FieldInfo objects when the request had no input."""
        if pred.kwargs is RAW:
            return {f.name: f.fieldinfo() for f in self.fields}
        kwargs = {}
        for f in self.fields:
            v = pred.kwargs[f.name]
            if isinstance(v, PathIn):
                v = download(v.url, tmpfiles)
            elif isinstance(v, list):
                v = [download(x.url, tmpfiles) if isinstance(x, PathIn)
                     else x for x in v]
            kwargs[f.name] = v
        return kwargs

    def predict_failed(self, pred, e, sender=None):
        tb = format_predict_error(self, e, self.iterator)
        with pred.lock:
            pred.logs += tb
            pred.error = str(e)
        if sender is not None:
            sender.send("logs", pred)
        return "failed"

    def complete(self, pred, sender, outcome):
        ctx_end = Ctx(self, pred, None)
        ctx_end.end_prefix()
        if outcome == "crash":
            # the runner appends its traceback as logs (a throttled event)
            with pred.lock:
                pred.logs += CRASH_TB
            if sender is not None:
                sender.send("logs", pred)
        with pred.lock:
            if outcome != "succeeded" and pred.user_metrics:
                pred.metrics = dict(pred.user_metrics)
            pred.completed_at = now_iso()
            secs = round(time.monotonic() - pred.t0, 6)
            if outcome == "succeeded":
                pred.status = "succeeded"
                pred.metrics = dict(pred.user_metrics)
                pred.metrics["predict_time"] = secs
            elif outcome == "canceled":
                pred.status = "canceled"
                if not self.iterator:
                    pred.output = None
            elif outcome == "crash":
                pred.status = "failed"
                pred.error = CRASH_MSG
                pred.crashed = True
            elif outcome == "upload_failed":
                pred.status = "failed"
                pred.error = UPLOAD_ERR
                pred.output = None
            else:
                pred.status = "failed"
        self.log("prediction %s" % pred.status)
        if sender is not None:
            sender.send("completed", pred, terminal=True)
        if outcome == "upload_failed":
            # append_output raised -> failed(); then Done -> succeeded()
            with pred.lock:
                pred.status = "succeeded"
                pred.metrics = dict(pred.user_metrics)
                pred.metrics["predict_time"] = round(
                    time.monotonic() - pred.t0, 6)
            if sender is not None:
                sender.send("completed", pred, terminal=True)
        if sender is not None:
            sender.close()
        with self.lock:
            if pred in self.running:
                self.running.remove(pred)
            if outcome == "crash":
                self.health = "DEFUNCT"
        pred.prefix_ev.set()
        pred.done_ev.set()
        if outcome == "crash" and not self.args.await_explicit_shutdown:
            threading.Timer(0.3, self.stop, args=(0,)).start()

    def finish_outputs(self, pred):
        """Turn OutFile values into data URIs, uploads or local paths.
        False when an upload failed."""
        if pred.is_async:
            mode = "upload" if self.args.upload_url else "path"
        else:
            mode = "prefix" if pred.output_file_prefix else "data"
        failed = []

        def conv(v):
            if isinstance(v, list):
                return [conv(x) for x in v]
            if isinstance(v, dict):
                return {k: conv(x) for k, x in v.items()}
            if not isinstance(v, OutFile):
                return v
            if mode == "data":
                return "data:%s;base64,%s" % (
                    v.mime(), base64.b64encode(v.data).decode())
            if mode == "path":
                d = tempfile.mkdtemp()
                with self.lock:
                    self.out_dirs.append(d)
                p = os.path.join(d, v.name)
                with open(p, "wb") as f:
                    f.write(v.data)
                return p
            try:
                if mode == "prefix":
                    return self.upload_multipart(pred.output_file_prefix, v)
                return self.upload_put(self.args.upload_url, v, pred.id)
            except (OSError, http.client.HTTPException, RuntimeError) as e:
                self.log("upload failed: %s" % e)
                failed.append(e)
                return None
        with pred.lock:
            out = pred.output
        out = conv(out)
        if failed:
            return False
        with pred.lock:
            pred.output = out
        return True

    def upload_put(self, base, f, pid):
        """--upload-url: PUT the raw bytes; the Location (or URL) without
        its query is the output. 3 retries on 408/429/5xx and errors."""
        url = (base if base.endswith("/") else base + "/") + f.name
        hdr = [("user-agent", "cog-worker/%s %s" % (self.cog_version,
                                                    REQUESTS_UA)),
               ("Accept-Encoding", "gzip, deflate"), ("Accept", "*/*"),
               ("Connection", "keep-alive"), ("Content-Type", f.mime())]
        if pid is not None:
            hdr.append(("X-Prediction-ID", pid))
        hdr.append(("Content-Length", str(len(f.data))))
        last = None
        for n in range(4):
            if n > 1:
                time.sleep(0.1 * 2 ** (n - 1) / self.speed)
            try:
                st, h, _ = http_send("PUT", url, f.data, hdr)
            except (OSError, http.client.HTTPException) as e:
                last = e
                continue
            if st in (408, 429, 500, 502, 503, 504):
                last = RuntimeError("upload answered %d" % st)
                continue
            if st >= 400:
                raise RuntimeError("upload answered %d" % st)
            final = urllib.parse.urljoin(url, h.get("location", url))
            return urllib.parse.urlsplit(final)._replace(query="").geturl()
        raise RuntimeError(str(last))

    def upload_multipart(self, prefix, f):
        """output_file_prefix: PUT prefix+name as multipart field "file"."""
        boundary = binascii.hexlify(os.urandom(16)).decode()
        body = (("--%s\r\nContent-Disposition: form-data; name=\"file\"; "
                 "filename=\"%s\"\r\n\r\n" % (boundary, f.name)).encode() +
                f.data + ("\r\n--%s--\r\n" % boundary).encode())
        url = prefix + f.name
        hdr = [("User-Agent", REQUESTS_UA),
               ("Accept-Encoding", "gzip, deflate"), ("Accept", "*/*"),
               ("Connection", "keep-alive"),
               ("Content-Length", str(len(body))),
               ("Content-Type", "multipart/form-data; boundary=" + boundary)]
        st, _, _ = http_send("PUT", url, body, hdr)
        if st >= 400:
            raise RuntimeError("upload answered %d" % st)
        return url

    def cancel(self, pid):
        p = self.find_running(pid)
        if p is None:
            return False
        p.cancel_ev.set()
        return True


class Reply(Exception):
    def __init__(self, status, body, ctype="application/json", headers=()):
        super().__init__(status)
        self.status, self.body, self.ctype, self.headers = (
            status, body, ctype, list(headers))


REDOC = """
    <!DOCTYPE html>
    <html>
    <head>
    <title>Cog - ReDoc</title>
    <!-- needed for adaptive design -->
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <!--
    ReDoc doesn't change outer page styles
    -->
    <style>
      body {
        margin: 0;
        padding: 0;
      }
    </style>
    </head>
    <body>
    <noscript>
        ReDoc requires Javascript to function. Please enable it to browse the documentation.
    </noscript>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="https://cdn.jsdelivr.net/npm/redoc@next/bundles/redoc.standalone.js"> </script>
    </body>
    </html>
    """

FAULT_KINDS = ("500", "502", "503", "slow", "drop", "close", "truncate",
               "stall_body")


def parse_fault_header(h):
    """X-Fake-Fault: slow;delay=2 | drop | 500 | truncate;bytes=10"""
    kind, _, rest = h.partition(";")
    params = {}
    for p in rest.split(";"):
        k, _, v = p.partition("=")
        if k.strip():
            params[k.strip()] = v.strip()
    kind = kind.strip()
    if kind not in FAULT_KINDS:
        return None
    return {"kind": kind, "params": params}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "uvicorn"
    sys_version = ""

    def log_message(self, fmt, *args):
        if not self.server.args.quiet:
            sys.stderr.write("%s - %s\n" % (self.address_string(),
                                            fmt % args))

    def do_GET(self):
        self.dispatch("GET")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_OPTIONS(self):
        self.dispatch("OPTIONS")

    def read_body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            data = bytearray()
            while True:
                line = self.rfile.readline(1024)
                n = int(line.split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n",
                                                            b""):
                        pass
                    return bytes(data)
                if len(data) + n > MAX_BODY:
                    raise Reply(413, b"", "text/plain")
                data += self.rfile.read(n)
                self.rfile.readline(16)
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise Reply(413, b"", "text/plain")
        return self.rfile.read(n) if n > 0 else b""

    def send(self, status, body, ctype="application/json", headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        f = self.fault
        if f is not None and f["kind"] == "truncate" and body:
            cut = f["params"].get("bytes")
            cut = int(cut) if cut else len(body) // 2
            body = body[:max(1, min(cut, len(body) - 1))]
        self.send_response_only(status, REASONS.get(status))
        self.send_header("date", email.utils.formatdate(usegmt=True))
        self.send_header("server", "uvicorn")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("content-length", str(len(body)))
        if ctype:
            self.send_header("content-type", ctype)
        if f is not None and f["kind"] == "drop":
            self.send_header("connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if f is not None and f["kind"] == "drop":
            n = f["params"].get("after")
            n = int(n) if n else len(body) // 2
            self.wfile.write(body[:min(n, max(0, len(body) - 1))])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if f is not None and f["kind"] == "stall_body":
            # half the answer, then silence with the connection open
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            time.sleep(float(f["params"].get("delay", 30)))
            return
        self.wfile.write(body)

    def take_fault(self, method, path):
        h = self.headers.get("X-Fake-Fault")
        if h:
            return parse_fault_header(h)
        srv = self.server
        with srv.lock:
            for f in srv.faults:
                if f.get("method") and f["method"] != method:
                    continue
                if f.get("path") and not re.search(f["path"], path):
                    continue
                f["count"] -= 1
                if f["count"] <= 0:
                    srv.faults.remove(f)
                return f
        return None

    def dispatch(self, method):
        srv = self.server
        self.fault = None
        path = urllib.parse.urlsplit(self.path).path
        try:
            try:
                body = self.read_body()
            except Reply as r:
                self.close_connection = True
                raise r
            if not path.startswith("/_fake/"):
                rec = {"t": time.time(), "method": method, "path": self.path,
                       "headers": dict(self.headers.items()), "json": None}
                if body:
                    try:
                        rec["json"] = json.loads(body)
                    except ValueError:
                        rec["body_b64"] = base64.b64encode(
                            body[:4096]).decode()
                with srv.lock:
                    srv.requests.append(rec)
                    del srv.requests[:-MAX_LOG_REQUESTS]
                self.fault = self.take_fault(method, path)
                if self.fault is not None:
                    k = self.fault["kind"]
                    if k == "slow":
                        time.sleep(float(self.fault["params"].get("delay",
                                                                  2)))
                    elif k == "close":
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    elif k in ("500", "502", "503"):
                        code = int(k)
                        raise Reply(code, REASONS[code].encode(),
                                    "text/plain; charset=utf-8")
            self.route(method, path, body)
        except Reply as r:
            b = r.body if isinstance(r.body, bytes) else jdump(r.body)
            self.send(r.status, b, r.ctype, r.headers)
        except (ServerError, ValueError) as e:
            srv.log("500: %s" % e)
            self.send(500, b"Internal Server Error",
                      "text/plain; charset=utf-8")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    ROUTES = [
        ("GET", re.compile(r"/$"), "root"),
        ("GET", re.compile(r"/health-check$"), "health"),
        ("GET", re.compile(r"/openapi\.json$"), "openapi"),
        ("GET", re.compile(r"/docs$"), "docs"),
        ("GET", re.compile(r"/redoc$"), "redoc"),
        ("POST", re.compile(r"/shutdown$"), "shutdown"),
        ("POST", re.compile(r"/predictions$"), "predict"),
        ("PUT", re.compile(r"/predictions/([^/]+)$"), "predict_put"),
        ("POST", re.compile(r"/predictions/([^/]+)/cancel$"), "cancel"),
        ("GET", re.compile(r"/_fake/requests$"), "fake_requests"),
        ("POST", re.compile(r"/_fake/reset$"), "fake_reset"),
        ("GET", re.compile(r"/_fake/faults$"), "fake_faults_get"),
        ("POST", re.compile(r"/_fake/faults$"), "fake_faults"),
        ("GET", re.compile(r"/_fake/state$"), "fake_state"),
        ("POST", re.compile(r"/_fake/health$"), "fake_health"),
    ]

    def route(self, method, path, body):
        allowed = []
        for m, rx, name in self.ROUTES:
            mt = rx.match(path)
            if not mt:
                continue
            # FastAPI's routes do not add HEAD to GET (Starlette's do)
            if m != method:
                allowed.append(m)
                continue
            args = [urllib.parse.unquote(g) for g in mt.groups()]
            getattr(self, "r_" + name)(body, *args)
            return
        if allowed:
            raise Reply(405, {"detail": "Method Not Allowed"},
                        headers=[("allow", ", ".join(allowed))])
        if path.endswith("/") and len(path) > 1:
            for m, rx, name in self.ROUTES:
                if rx.match(path.rstrip("/")):
                    raise Reply(307, b"", None,
                                [("location", self.path.replace(
                                    path, path.rstrip("/"), 1))])
        raise Reply(404, {"detail": "Not Found"})

    # -- routes --
    def r_root(self, body):
        raise Reply(200, {
            "cog_version": self.server.cog_version, "docs_url": "/docs",
            "openapi_url": "/openapi.json", "shutdown_url": "/shutdown",
            "healthcheck_url": "/health-check",
            "predictions_url": "/predictions",
            "predictions_idempotent_url": "/predictions/{prediction_id}",
            "predictions_cancel_url": "/predictions/{prediction_id}/cancel"})

    def r_health(self, body):
        st, b = self.server.health_body()
        raise Reply(st, b)

    def r_openapi(self, body):
        raise Reply(200, self.server.openapi)

    def r_docs(self, body):
        with open(os.path.join(FIX, "image", "06-docs.body"), "rb") as f:
            raise Reply(200, f.read(), "text/html; charset=utf-8")

    def r_redoc(self, body):
        raise Reply(200, REDOC.encode(), "text/html; charset=utf-8")

    def r_shutdown(self, body):
        self.send(200, b"{}")
        self.wfile.flush()
        self.server.stop(0)

    def parse_json_body(self, body):
        """FastAPI 0.92's body handling -> parsed value or None (no body)."""
        if not body:
            return None
        ctype = self.headers.get("Content-Type")
        if ctype:
            mt = ctype.split(";")[0].strip().lower()
            if not (mt == "application/json" or
                    (mt.startswith("application/") and mt.endswith("+json"))):
                return body          # raw bytes: not a valid dict
        try:
            return json.loads(body)
        except json.JSONDecodeError as e:
            raise Reply(422, {"detail": [verr(
                ["body", e.pos], str(e), "value_error.jsondecode",
                {"msg": e.msg, "doc": e.doc, "pos": e.pos,
                 "lineno": e.lineno, "colno": e.colno})]})
        except ValueError:
            raise Reply(400, {"detail": "There was an error parsing the "
                                        "body"})

    def validated(self, obj):
        if isinstance(obj, bytes):
            raise Reply(422, {"detail": [verr(["body"], "value is not a "
                                              "valid dict",
                                              "type_error.dict")]})
        req, errors = validate_request(obj, self.server.fields)
        if errors:
            raise Reply(422, {"detail": errors})
        return req

    def no_body_request(self):
        """No body: cog builds PredictionRequest(input={}) outside FastAPI;
        a required input makes that raise -> 500."""
        req, errors = validate_request({"input": {}}, self.server.fields)
        if errors:
            raise ServerError("PredictionRequest(input={}) failed")
        return req

    def traceparent(self):
        return [(k, self.headers[k]) for k in ("traceparent", "tracestate")
                if self.headers.get(k)]

    def r_predict(self, body):
        obj = self.parse_json_body(body)
        req = self.no_body_request() if obj is None else self.validated(obj)
        is_async = self.headers.get("Prefer") == "respond-async"
        st, b = self.server.begin(req, is_async, self.traceparent())
        raise Reply(st, b)

    def r_predict_put(self, body, pid):
        obj = self.parse_json_body(body)
        if obj is None:
            raise Reply(422, {"detail": [verr(["body"], "field required",
                                              "value_error.missing")]})
        req = self.validated(obj)
        if req["id"] is not None and req["id"] != pid:
            raise Reply(422, {"detail": [verr(
                ["body", "id"], "prediction ID must match the ID supplied in "
                "the URL", "value_error")]})
        req["id"] = pid
        p = self.server.find_running(pid)
        if p is not None:
            raise Reply(202, p.response())
        is_async = self.headers.get("Prefer") == "respond-async"
        st, b = self.server.begin(req, is_async, self.traceparent())
        raise Reply(st, b)

    def r_cancel(self, body, pid):
        if self.server.cancel(pid):
            raise Reply(200, b"{}")
        raise Reply(404, b"{}")

    # -- control endpoints for tests --
    def control_json(self, body):
        try:
            return json.loads(body) if body else None
        except ValueError:
            raise Reply(400, {"detail": "control body is not JSON"})

    def r_fake_requests(self, body):
        with self.server.lock:
            raise Reply(200, jdump(self.server.requests))

    def r_fake_reset(self, body):
        srv = self.server
        with srv.lock:
            srv.requests = []
            srv.faults = []
            srv.unhealthy = False
        raise Reply(200, {"ok": True})

    def r_fake_faults_get(self, body):
        with self.server.lock:
            raise Reply(200, jdump(self.server.faults))

    def r_fake_faults(self, body):
        spec = self.control_json(body)
        if isinstance(spec, dict):
            spec = [spec]
        if not isinstance(spec, list):
            raise Reply(400, {"detail": "expected a JSON list of faults"})
        new = []
        for s in spec:
            if not isinstance(s, dict) or s.get("kind") not in FAULT_KINDS:
                raise Reply(400, {"detail": "each fault needs a kind in %s" %
                                  (FAULT_KINDS,)})
            params = {k: str(v) for k, v in s.items()
                      if k not in ("kind", "path", "method", "count")}
            try:
                if s.get("path"):
                    re.compile(s["path"])
                count = int(s.get("count", 1))
            except (re.error, ValueError, TypeError) as e:
                raise Reply(400, {"detail": "bad fault: %s" % e})
            new.append({"kind": s["kind"], "path": s.get("path"),
                        "method": s.get("method"), "count": count,
                        "params": params})
        with self.server.lock:
            self.server.faults.extend(new)
            raise Reply(200, jdump(self.server.faults))

    def r_fake_state(self, body):
        srv = self.server
        with srv.lock:
            raise Reply(200, {
                "predictor": srv.name, "health": srv.health,
                "running": [p.id for p in srv.running],
                "cog_version": srv.cog_version, "speed": srv.speed})

    def r_fake_health(self, body):
        spec = self.control_json(body) or {}
        if not isinstance(spec, dict):
            raise Reply(400, {"detail": "expected {\"unhealthy\": bool}"})
        with self.server.lock:
            self.server.unhealthy = bool(spec.get("unhealthy"))
        st, b = self.server.health_body()
        raise Reply(200, b)


def watch_stdin(srv):
    """Exit when stdin (a pipe or socket) reaches EOF: the test that
    started us went away."""
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return

    def run():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        srv.stop(srv.exit_code)
    threading.Thread(target=run, daemon=True).start()


def main(argv=None):
    ap = argparse.ArgumentParser(description="fake Cog prediction server")
    ap.add_argument("--predictor", default="image", choices=sorted(PREDICTORS))
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--setup-seconds", type=float, default=0.5,
                    help="STARTING lasts this long (wall clock)")
    ap.add_argument("--cog-version", default="0.15.5",
                    choices=("0.15.5", "0.16.12"))
    ap.add_argument("--speed", type=float, default=1.0,
                    help="model time runs this many times faster")
    ap.add_argument("--await-explicit-shutdown", action="store_true")
    ap.add_argument("--upload-url", default=None)
    ap.add_argument("--unhealthy-file", default=None,
                    help="healthcheck predictor: unhealthy while this exists")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--no-stdin-watch", action="store_true")
    args = ap.parse_args(argv)
    if args.speed <= 0:
        ap.error("--speed must be > 0")
    try:
        srv = CogServer(args)
    except OSError as e:
        sys.stderr.write("Port %d is already in use (%s)\n" % (args.port, e))
        return 1
    sys.stdout.write("http://127.0.0.1:%d\n" % srv.server_address[1])
    sys.stdout.flush()

    def on_term(signum, frame):
        if args.await_explicit_shutdown and signum == signal.SIGTERM:
            srv.log("SIGTERM ignored (--await-explicit-shutdown)")
            return
        srv.stop(srv.exit_code)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    if not args.no_stdin_watch:
        watch_stdin(srv)
    threading.Thread(target=srv.run_setup, daemon=True).start()
    try:
        srv.serve_forever(poll_interval=0.05)
    finally:
        srv.server_close()
        for d in srv.out_dirs:
            shutil.rmtree(d, ignore_errors=True)
    return srv.exit_code


if __name__ == "__main__":
    sys.exit(main())
