#!/usr/bin/env python3
"""tests/fakes/docker.py: a fake Docker Engine API on a unix socket (or
127.0.0.1), shaped by the real exchanges in tests/fixtures/docker/engine/
(Docker 20.10.24, API 1.41). Python 3 standard library only.

    python3 tests/fakes/docker.py [--socket PATH | --port 0]
        [--daemon 20.10|29] [--nvidia] [--stall-seconds 30]
        [--outside [--outside-r8play]] [--also-tagged REF]
        [--gateway 172.17.0.1] [--host-port N] [--running URL]

The first stdout line is the base URL: http://127.0.0.1:PORT (DOCKER_HOST
tcp://127.0.0.1:PORT), or http://localhost with --socket (DOCKER_HOST
unix://PATH). Runs until SIGTERM/SIGINT or EOF on stdin (a pipe).

What it covers that the real daemon on a test machine cannot:
  --daemon 29    ApiVersion 1.52, MinAPIVersion 1.44: /v1.41/... is refused
                 with Docker 29's "too old" 400 (see the fixtures README)
  --nvidia       an NVIDIA runtime: DeviceRequests are accepted at start
  --gateway A    the bridge gateway running containers show (default the
                 recorded 172.17.0.1), e.g. 127.0.0.1 or an address that
                 cannot be bound here
  --host-port N  a started container publishes port N (a fake Cog server
                 the test runs there; or that server's URL) instead of a
                 new port
  --running URL  from the start a container of acme/image-demo (not
                 r8play's) runs publishing URL's port (a fake Cog server
                 the test runs there, also given to r8play with --local)
  pulls by repository name (the last path component):
    ...stall     progress lines, then silence (client must give up)
    ...die       progress lines, then the connection drops mid-chunk
    ...fulldisk  progress lines, then an in-stream "no space left" error
    ...nope      404 before any progress (manifest unknown)
    anything else: the recorded pull (32) is replayed and the image added
  --pull MODE    every pull behaves as above whatever its name (stall, die,
                 fulldisk, nope), or hold: the recorded lines but the last
                 two, one repeated after 0.3 s, then --stall-seconds of
                 silence before the end (a screen shows a pull under way)
  --outside      someone else uses the daemon: from the second images list
                 on, acme/text-demo is gone, acme/later-demo was pulled and
                 a container of acme/image-demo runs (not r8play's)
  --also-tagged REF  the first listed image also carries tag REF, listed
                 first (as after `docker tag`); a pull by digest of REF's repository
                 then resolves to that image, as the daemon does when the
                 content is the same: the digest joins its RepoDigests
  --outside-r8play  with --outside: that container was started by another
                 r8play process (r8play's managed label, another session)
Control: GET /_fake/requests (every request: method, path, headers, body,
and the status answered), POST /_fake/reset, POST /_fake/break (the next
/version answer is deliberately wrong: ApiVersion a number; for the
conformance suite's proof that Prism rejects a bad answer). `docker.py --dump-requests DOCKER_HOST` prints that log
(for tests that have no HTTP client of their own for a unix socket).
"""
import argparse
import copy
import http.server
import json
import os
import random
import re
import signal
import socket
import socketserver
import stat
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "docker", "engine")

GPU_REFUSAL = 'could not select device driver "%s" with capabilities: [[gpu]]'


def load(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


def jdump(obj):
    """JSON as the daemon writes it (compact)."""
    return json.dumps(obj, separators=(",", ":"))


def api_num(v):
    a, b = v.split(".")
    return int(a) * 1000 + int(b)


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.images = json.loads(load("20-images-list.body"))
        self.inspect_tpl = json.loads(load("24-image-inspect-cog.body"))
        self.cinspect_tpl = json.loads(load("59-inspect-running.body"))
        self.containers = {}      # id -> dict
        self.requests = []
        self.image_lists = 0
        self.broken = False       # POST /_fake/break: spoil one /version
        self.next_port = 32768 + random.randint(0, 1000)

    def find_image(self, ref):
        for im in self.images:
            if im["Id"] == ref or im["Id"].startswith("sha256:" + ref):
                return im
            if ref in (im.get("RepoTags") or []) or ref in (
                    im.get("RepoDigests") or []):
                return im
            if ":" not in ref.rsplit("/", 1)[-1] and "@" not in ref and \
                    ref + ":latest" in (im.get("RepoTags") or []):
                return im
        return None

    def run_outside(self, cid, port, labels=None):
        """A container of acme/image-demo started by another docker
        client, running, port 5000 published on 127.0.0.1:port; labels
        (a dict) added to the image's."""
        img = [im for im in self.images
               if "127.0.0.1:5400/acme/image-demo:latest" in
               (im.get("RepoTags") or [])][0]
        c = copy.deepcopy(self.cinspect_tpl)
        c.update({"Id": cid, "Name": "/someone-else", "Image": img["Id"],
                  "port": port, "created": int(time.time())})
        c["Config"]["Image"] = "127.0.0.1:5400/acme/image-demo:latest"
        c["Config"]["Labels"] = dict(img.get("Labels") or {})
        c["Config"]["Labels"].update(labels or {})
        c["State"] = {"Status": "running", "Running": True,
                      "ExitCode": 0, "Error": ""}
        c["NetworkSettings"]["Ports"] = {"5000/tcp": [
            {"HostIp": "127.0.0.1", "HostPort": str(port)}]}
        self.containers[cid] = c

    def find_container(self, key):
        for c in self.containers.values():
            if c["Id"] == key or c["Id"].startswith(key) or \
                    c["Name"] == "/" + key:
                return c
        return None


class Quiet:
    def handle_error(self, request, client_address):
        # a client that hangs up mid-stream (cancel, stall) is expected
        pass


class Server(Quiet, socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class UnixServer(Quiet, socketserver.ThreadingMixIn,
                 socketserver.UnixStreamServer):
    daemon_threads = True

    def server_bind(self):
        socketserver.UnixStreamServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Docker/20.10.24+dfsg1"
    sys_version = ""

    def log_message(self, fmt, *a):
        pass

    def address_string(self):
        return "unix"

    # ------------------------------------------------------------ helpers
    def send_response(self, code, message=None):
        entry = getattr(self, "log_entry", None)
        if entry is not None:
            entry["status"] = code
        http.server.BaseHTTPRequestHandler.send_response(self, code,
                                                         message)

    def common_headers(self):
        o = self.server.opts
        self.send_header("Api-Version", o.api)
        self.send_header("Docker-Experimental", "false")
        self.send_header("Ostype", "linux")
        self.send_header("Server", "Docker/%s (linux)" % o.version)

    def reply(self, status, obj=None, raw=None, ctype="application/json"):
        body = raw if raw is not None else (
            b"" if obj is None else (jdump(obj) + "\n").encode())
        self.send_response(status)
        self.common_headers()
        if body or status not in (204, 304):
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, msg):
        # the daemon writes plain-text errors to requests below 1.24
        v = getattr(self, "req_version", None)
        if v is not None and api_num(v) < 1024:
            return self.reply(status, raw=(msg + "\n").encode(),
                              ctype="text/plain; charset=utf-8")
        self.reply(status, {"message": msg})

    def chunk(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def start_chunked(self, ctype):
        self.send_response(200)
        self.common_headers()
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # ------------------------------------------------------------ routing
    def handle_any(self):
        st = self.server.state
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        path = u.path
        self.log_entry = None
        if not path.startswith("/_fake/"):
            self.log_entry = {
                "method": self.command, "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace")}
            with st.lock:
                st.requests.append(self.log_entry)
        if path == "/_fake/requests":
            with st.lock:
                return self.reply(200, st.requests)
        if path == "/_fake/reset":
            with st.lock:
                st.requests = []
            return self.reply(204)
        if path == "/_fake/break" and self.command == "POST":
            with st.lock:
                st.broken = True
            return self.reply(204)
        o = self.server.opts
        self.req_version = None
        m = re.match(r"^/v(\d+\.\d+)(/.*)$", path)
        if m:
            v = m.group(1)
            self.req_version = v
            path = m.group(2)
            if api_num(v) > api_num(o.api):
                return self.error(400, "client version %s is too new. "
                                  "Maximum supported API version is %s"
                                  % (v, o.api))
            if api_num(v) < api_num(o.min_api):
                return self.error(400, "client version %s is too old. "
                                  "Minimum supported API version is %s, "
                                  "please upgrade your client to a newer "
                                  "version" % (v, o.min_api))
        if path == "/_ping":
            return self.reply(200, raw=b"OK", ctype="text/plain; "
                              "charset=utf-8")
        if path == "/version" and self.command == "GET":
            v = json.loads(load("03-version-unversioned.body"))
            v["ApiVersion"] = o.api
            v["MinAPIVersion"] = o.min_api
            v["Version"] = o.version
            with st.lock:
                if st.broken:
                    st.broken = False
                    v["ApiVersion"] = api_num(o.api)
            return self.reply(200, v)
        if path == "/images/json" and self.command == "GET":
            with st.lock:
                st.image_lists += 1
                if o.outside and st.image_lists == 2:
                    self.outside_changes()
                return self.reply(200, st.images)
        if path == "/images/create" and self.command == "POST":
            return self.pull(q)
        m = re.match(r"^/images/(.+)/json$", path)
        if m and self.command == "GET":
            return self.image_inspect(m.group(1))
        m = re.match(r"^/images/(.+)$", path)
        if m and self.command == "DELETE":
            return self.image_delete(m.group(1))
        if path == "/containers/json" and self.command == "GET":
            return self.containers_list(q)
        if path == "/containers/create" and self.command == "POST":
            return self.create(q, body)
        m = re.match(r"^/containers/([^/]+)(/[a-z]+)?$", path)
        if m:
            return self.container(m.group(1), m.group(2) or "", q)
        return self.error(404, "page not found")

    do_GET = do_POST = do_DELETE = do_HEAD = do_PUT = handle_any

    # ------------------------------------------------------------- images
    def outside_changes(self):
        """--outside: what another docker client did meanwhile (the
        state lock is held)."""
        st = self.server.state
        text = [im for im in st.images
                if any("text-demo" in t for t in im.get("RepoTags") or [])]
        later = copy.deepcopy(text[0])
        later["Id"] = "sha256:%064x" % 42
        later["RepoTags"] = ["127.0.0.1:5400/acme/later-demo:latest"]
        later["RepoDigests"] = []
        for im in text:
            st.images.remove(im)
        st.images.append(later)
        st.next_port += 1
        # --outside-r8play: another r8play process started it
        st.run_outside("%064x" % 7, st.next_port, {
            "dev.r8play.managed": "1", "dev.r8play.gpus": "none",
            "dev.r8play.session": "0123456789abcdef"}
            if self.server.opts.outside_r8play else None)

    def image_inspect(self, ref):
        st = self.server.state
        with st.lock:
            im = st.find_image(ref)
            if im is None:
                return self.error(404, "No such image: %s" % ref)
            d = copy.deepcopy(st.inspect_tpl)
            d["Id"] = im["Id"]
            d["RepoTags"] = im.get("RepoTags") or []
            d["RepoDigests"] = im.get("RepoDigests") or []
            d["Config"]["Labels"] = im.get("Labels")
        return self.reply(200, d)

    def image_delete(self, ref):
        st = self.server.state
        with st.lock:
            im = st.find_image(ref)
            if im is None:
                return self.error(404, "No such image: %s" % ref)
            st.images.remove(im)
        return self.reply(200, [{"Untagged": ref}, {"Deleted": im["Id"]}])

    def pull(self, q):
        st = self.server.state
        repo = q.get("fromImage", "")
        tag = q.get("tag", "")
        last = repo.rsplit("/", 1)[-1]
        if self.server.opts.pull:
            last = self.server.opts.pull    # --pull MODE: every pull
        if last.endswith("nope"):
            return self.error(404, "manifest for %s:%s not found: manifest "
                              "unknown: manifest unknown" % (repo, tag))
        lines = [json.loads(x)["line"] for x in load(
            "32-pull-by-digest.stream.jsonl").decode().splitlines()]
        self.start_chunked("application/json")
        head = lines[:-2]           # all but Digest/Status
        if last.endswith(("stall", "die", "fulldisk")):
            head = lines[:6]
        for ln in head:
            self.chunk(ln + "\r\n")
            time.sleep(0.002)
        if last.endswith("stall"):
            time.sleep(self.server.opts.stall_seconds)
            self.close_connection = True
            return
        if last.endswith("die"):
            # half a chunk, then the connection goes away
            self.wfile.write(b"40\r\n{\"status\":\"Downl")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if last == "hold":
            # one more line once the client's progress throttle has
            # passed (its screen then shows every line above), then wait
            time.sleep(0.3)
            self.chunk(head[-1] + "\r\n")
            time.sleep(self.server.opts.stall_seconds)
        if last.endswith("fulldisk"):
            msg = ("write /var/lib/docker/tmp/GetImageBlob123: no space "
                   "left on device")
            self.chunk(jdump({"errorDetail": {"message": msg},
                                   "error": msg}) + "\r\n")
            self.end_chunked()
            return
        ref = repo + ("@" + tag if tag.startswith("sha256:") else
                      ":" + (tag or "latest"))
        with st.lock:
            known = st.find_image(ref) is not None
            same = self.server.opts.also_tagged
            if not known and same and tag.startswith("sha256:") and \
                    same.rsplit(":", 1)[0] == repo:
                im = st.find_image(same)
                im["RepoDigests"] = (im.get("RepoDigests") or []) + [ref]
                known = True
            if not known:
                im = copy.deepcopy(st.images[0])
                im["Id"] = "sha256:%064x" % random.getrandbits(256)
                if tag.startswith("sha256:"):
                    im["RepoTags"] = []
                    im["RepoDigests"] = [ref]
                else:
                    im["RepoTags"] = [ref]
                    im["RepoDigests"] = []
                st.images.append(im)
        self.chunk(jdump({"status": "Digest: sha256:%064x" % 7})
                   + "\r\n")
        self.chunk(jdump({"status": "Status: %s for %s" % (
            "Image is up to date" if known else
            "Downloaded newer image", ref)}) + "\r\n")
        self.end_chunked()

    # --------------------------------------------------------- containers
    def set_net(self, c, running):
        """The bridge network as the daemon shows it: gateway and address
        only while running (59 vs 79 and 52)."""
        ns = c["NetworkSettings"]
        ns["Gateway"] = self.server.opts.gateway if running else ""
        ns["IPAddress"] = "172.17.0.2" if running else ""
        br = ns["Networks"]["bridge"]
        br["Gateway"], br["IPAddress"] = ns["Gateway"], ns["IPAddress"]

    def summary(self, c):
        ports = []
        if c["State"]["Status"] == "running" and c["port"]:
            ports = [{"IP": "127.0.0.1", "PrivatePort": 5000,
                      "PublicPort": c["port"], "Type": "tcp"}]
        return {"Id": c["Id"], "Names": [c["Name"]],
                "Image": c["Config"]["Image"], "ImageID": c["Image"],
                "Command": "python3 -m cog.server.http",
                "Created": c["created"], "Ports": ports,
                "Labels": c["Config"]["Labels"],
                "State": c["State"]["Status"],
                "Status": "Up 1 second" if c["State"]["Status"] ==
                "running" else "Created",
                "HostConfig": {"NetworkMode": "default"},
                "NetworkSettings": {"Networks": copy.deepcopy(
                    c["NetworkSettings"]["Networks"])},
                "Mounts": []}

    def containers_list(self, q):
        st = self.server.state
        with st.lock:
            out = [self.summary(c) for c in st.containers.values()
                   if q.get("all") in ("1", "true") or
                   c["State"]["Status"] == "running"]
        return self.reply(200, out)

    def create(self, q, body):
        st = self.server.state
        try:
            spec = json.loads(body or b"{}")
        except ValueError:
            return self.error(400, "invalid JSON")
        name = q.get("name") or "fake_%d" % random.randint(1000, 9999)
        with st.lock:
            im = st.find_image(spec.get("Image", ""))
            if im is None:
                return self.error(404, "No such image: %s" %
                                  spec.get("Image"))
            if st.find_container(name):
                return self.error(409, 'Conflict. The container name "/%s" '
                                  'is already in use' % name)
            cid = "%064x" % random.getrandbits(256)
            c = copy.deepcopy(st.cinspect_tpl)
            c["Id"] = cid
            c["Name"] = "/" + name
            c["Image"] = im["Id"]
            labels = dict(im.get("Labels") or {})
            labels.update(spec.get("Labels") or {})
            c["Config"]["Image"] = spec["Image"]
            c["Config"]["Labels"] = labels
            c["HostConfig"] = spec.get("HostConfig") or {}
            c["State"] = {"Status": "created", "Running": False,
                          "ExitCode": 0, "Error": ""}
            c["NetworkSettings"]["Ports"] = {}
            self.set_net(c, False)
            c["port"] = 0
            c["created"] = int(time.time())
            st.containers[cid] = c
        return self.reply(201, {"Id": cid, "Warnings": []})

    def container(self, key, verb, q):
        st = self.server.state
        with st.lock:
            c = st.find_container(key)
        if c is None:
            return self.error(404, "No such container: %s" % key)
        cmd = self.command
        if verb == "/json" and cmd == "GET":
            with st.lock:
                d = {k: v for k, v in c.items() if k not in ("port",
                                                             "created")}
            return self.reply(200, d)
        if verb == "/start" and cmd == "POST":
            with st.lock:
                if c["State"]["Status"] == "running":
                    return self.reply(304)
                drs = c["HostConfig"].get("DeviceRequests") or []
                if drs and not self.server.opts.nvidia:
                    msg = GPU_REFUSAL % drs[0].get("Driver", "")
                    c["State"]["Error"] = msg
                    c["State"]["ExitCode"] = 128
                    return self.error(500, msg)
                b = c["HostConfig"]["PortBindings"]["5000/tcp"][0]
                port = int(b["HostPort"] or 0) or \
                    self.server.opts.host_port
                if not port:
                    st.next_port += 1
                    port = st.next_port
                c["port"] = port
                c["State"] = {"Status": "running", "Running": True,
                              "ExitCode": 0, "Error": ""}
                c["NetworkSettings"]["Ports"] = {"5000/tcp": [
                    {"HostIp": "127.0.0.1", "HostPort": str(port)}]}
                self.set_net(c, True)
            return self.reply(204)
        if verb == "/stop" and cmd == "POST":
            with st.lock:
                if c["State"]["Status"] != "running":
                    return self.reply(304)
                c["State"] = {"Status": "exited", "Running": False,
                              "ExitCode": 0, "Error": ""}
                c["NetworkSettings"]["Ports"] = {}
                self.set_net(c, False)
                c["port"] = 0
            return self.reply(204)
        if verb == "" and cmd == "DELETE":
            with st.lock:
                if c["State"]["Status"] == "running" and \
                        q.get("force") not in ("1", "true"):
                    return self.error(409, "You cannot remove a running "
                                      "container %s. Stop the container "
                                      "before attempting removal or force "
                                      "remove" % c["Id"])
                del st.containers[c["Id"]]
            return self.reply(204)
        if verb == "/logs" and cmd == "GET":
            raw = load("62-logs.body")
            ctype = None if api_num(self.server.opts.api) < 1042 else \
                "application/vnd.docker.multiplexed-stream"
            self.start_chunked(ctype)
            # frames split across chunks on purpose
            for i in range(0, len(raw), 37):
                self.chunk(raw[i:i + 37])
            if q.get("follow") in ("1", "true"):
                while c["State"]["Status"] == "running":
                    time.sleep(0.05)
            self.end_chunked()
            return
        return self.error(404, "page not found")


def dump_requests(host):
    """Print GET /_fake/requests of a running fake at host."""
    if host.startswith("unix://"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(host[7:])
    else:
        h, p = host.split("://", 1)[1].rsplit(":", 1)
        s = socket.create_connection((h, int(p)))
    s.sendall(b"GET /_fake/requests HTTP/1.0\r\nHost: localhost\r\n\r\n")
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    sys.stdout.write(data.split(b"\r\n\r\n", 1)[-1].decode())
    return 0


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    if len(argv) == 2 and argv[0] == "--dump-requests":
        return dump_requests(argv[1])
    ap = argparse.ArgumentParser(description="fake Docker Engine API")
    ap.add_argument("--socket", default=None)
    ap.add_argument("--port", type=int, default=None)
    ap.add_argument("--daemon", default="20.10", choices=("20.10", "29"))
    ap.add_argument("--nvidia", action="store_true")
    ap.add_argument("--stall-seconds", type=float, default=30)
    ap.add_argument("--pull", default=None,
                    choices=("hold", "stall", "die", "fulldisk", "nope"))
    ap.add_argument("--outside", action="store_true")
    ap.add_argument("--outside-r8play", action="store_true")
    ap.add_argument("--also-tagged", default=None)
    ap.add_argument("--gateway", default="172.17.0.1")
    ap.add_argument("--host-port", default="0")
    ap.add_argument("--running", default=None)
    o = ap.parse_args(argv)
    if o.daemon == "29":
        o.api, o.min_api, o.version = "1.52", "1.44", "29.0.0"
    else:
        o.api, o.min_api, o.version = "1.41", "1.12", "20.10.24+dfsg1"
    if o.port is not None:
        srv = Server(("127.0.0.1", o.port), Handler)
        where = "http://127.0.0.1:%d" % srv.server_address[1]
    else:
        path = o.socket or "/tmp/r8play-fake-docker-%d.sock" % os.getpid()
        if os.path.exists(path):
            os.unlink(path)
        srv = UnixServer(path, Handler)
        where = "http://localhost"
    srv.opts = o
    # --host-port N or the URL of the server there (a screen case's {cog})
    o.host_port = int(o.host_port.rstrip("/").rsplit(":", 1)[-1])
    srv.state = State()
    if o.also_tagged:
        srv.state.images[0]["RepoTags"] = \
            [o.also_tagged] + (srv.state.images[0].get("RepoTags") or [])
    if o.running:
        srv.state.run_outside("%064x" % 8,
                              int(o.running.rstrip("/").rsplit(":", 1)[1]))
    sys.stdout.write(where + "\n")
    sys.stdout.flush()

    def stop(*_):
        threading.Thread(target=srv.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        stop()
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        mode = 0
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        threading.Thread(target=watch, daemon=True).start()
    try:
        srv.serve_forever(poll_interval=0.05)
    finally:
        srv.server_close()
        if o.port is None:
            try:
                os.unlink(path)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
