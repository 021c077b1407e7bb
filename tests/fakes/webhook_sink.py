#!/usr/bin/env python3
"""tests/fakes/webhook_sink.py: records every request it receives, like the
listener that captured tests/fixtures/cog/webhooks/ (same JSONL fields: t,
dt_from_first, method, path, headers, body_len, and json or body_b64).
Python 3 standard library only, 127.0.0.1 only.

    python3 tests/fakes/webhook_sink.py [--port 0] [--out FILE.jsonl]
        [--files DIR] [--status N] [--delay S] [--quiet] [--no-stdin-watch]

Prints its base URL as the first stdout line; exits on SIGTERM/SIGINT or
EOF on stdin (when stdin is a pipe).

    GET  /_requests         every recorded request, as a JSON list
    GET  /_requests?path=RX only those whose path matches the regex RX
    POST /_reset            forget them
    POST /_status           {"status": N, "count": K, "delay": S}: answer
                            the next K recorded requests with N (default:
                            forever), each after S seconds
    GET  /files/NAME        serve NAME from --files DIR (input downloads)
    GET  /uploads/NAME      what was PUT to any path ending in /NAME
    anything else           recorded; answered 200 {} (a PUT also gets
                            Location: <base>/uploads/NAME?sig=fake, as
                            the recorded upload target did)
"""
import argparse
import base64
import http.server
import json
import os
import re
import signal
import stat
import sys
import threading
import time
import urllib.parse

MAX_BODY = 64 << 20
MAX_KEEP = 100000


class Sink(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, args):
        super().__init__(("127.0.0.1", args.port), Handler)
        self.args = args
        self.lock = threading.Lock()
        self.records = []
        self.uploads = {}
        self.first = None
        self.status = args.status
        self.status_count = -1
        self.delay = args.delay
        self.out = open(args.out, "a", encoding="utf-8") if args.out else None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if not self.server.args.quiet:
            sys.stderr.write("sink: %s\n" % (fmt % args))

    def reply(self, status, body, ctype="application/json", headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = bytearray()
            while True:
                n = int(self.rfile.readline(1024).split(b";")[0] or b"0", 16)
                if n == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n",
                                                            b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(min(n, MAX_BODY))
                self.rfile.readline(16)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(n, MAX_BODY)) if n > 0 else b""

    def handle_any(self):
        srv = self.server
        u = urllib.parse.urlsplit(self.path)
        data = self.body()
        if u.path == "/_requests" and self.command == "GET":
            rx = urllib.parse.parse_qs(u.query).get("path", [None])[0]
            with srv.lock:
                recs = [r for r in srv.records
                        if rx is None or re.search(rx, r["path"])]
            return self.reply(200, json.dumps(recs))
        if u.path == "/_reset" and self.command == "POST":
            with srv.lock:
                srv.records, srv.uploads, srv.first = [], {}, None
            return self.reply(200, "{}")
        if u.path == "/_status" and self.command == "POST":
            spec = json.loads(data or b"{}")
            with srv.lock:
                srv.status = int(spec.get("status", 200))
                srv.status_count = int(spec.get("count", -1))
                srv.delay = float(spec.get("delay", 0))
            return self.reply(200, "{}")
        if self.command in ("GET", "HEAD") and u.path.startswith("/files/"):
            name = os.path.basename(urllib.parse.unquote(u.path))
            d = srv.args.files
            p = os.path.join(d, name) if d else None
            if not p or not os.path.isfile(p):
                return self.reply(404, "not found", "text/plain")
            with open(p, "rb") as f:
                return self.reply(200, f.read(), "application/octet-stream")
        if self.command in ("GET", "HEAD") and u.path.startswith("/uploads/"):
            name = os.path.basename(urllib.parse.unquote(u.path))
            with srv.lock:
                blob = srv.uploads.get(name)
            if blob is None:
                return self.reply(404, "not found", "text/plain")
            return self.reply(200, blob[1], blob[0])
        now = time.time()
        rec = {"t": now, "method": self.command, "path": self.path,
               "headers": dict(self.headers.items()), "body_len": len(data)}
        try:
            rec["json"] = json.loads(data) if data else None
        except ValueError:
            rec["body_b64"] = base64.b64encode(data[:4096]).decode()
        name = os.path.basename(urllib.parse.unquote(u.path))
        with srv.lock:
            if srv.first is None:
                srv.first = now
            rec["dt_from_first"] = round(now - srv.first, 3)
            srv.records.append(rec)
            del srv.records[:-MAX_KEEP]
            if self.command == "PUT" and name:
                srv.uploads[name] = (self.headers.get(
                    "Content-Type", "application/octet-stream"), data)
            status, delay = srv.status, srv.delay
            if srv.status_count > 0:
                srv.status_count -= 1
                if srv.status_count == 0:
                    srv.status, srv.status_count, srv.delay = 200, -1, 0.0
            if srv.out:
                srv.out.write(json.dumps(rec) + "\n")
                srv.out.flush()
        if delay > 0:
            time.sleep(delay)
        hdr = []
        if self.command == "PUT" and name and status < 300:
            host = "http://%s:%d" % srv.server_address[:2]
            hdr.append(("Location", "%s/uploads/%s?sig=fake" % (
                host, urllib.parse.quote(name))))
        self.reply(status, "{}", headers=hdr)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    ap = argparse.ArgumentParser(description="webhook/upload capture sink")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", help="append each request as a JSONL line")
    ap.add_argument("--files", help="serve this directory at /files/")
    ap.add_argument("--status", type=int, default=200,
                    help="HTTP status for recorded requests")
    ap.add_argument("--delay", type=float, default=0.0,
                    help="seconds before answering a recorded request")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--no-stdin-watch", action="store_true")
    args = ap.parse_args()
    srv = Sink(args)
    sys.stdout.write("http://127.0.0.1:%d\n" % srv.server_address[1])
    sys.stdout.flush()

    def stop(*_):
        threading.Thread(target=srv.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.no_stdin_watch:
        mode = os.fstat(0).st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            def watch():
                try:
                    while os.read(0, 4096):
                        pass
                except OSError:
                    pass
                stop()
            threading.Thread(target=watch, daemon=True).start()
    try:
        srv.serve_forever(poll_interval=0.05)
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
