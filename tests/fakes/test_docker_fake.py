#!/usr/bin/env python3
"""tests/fakes/test_docker_fake.py: the fake Engine API (tests/fakes/docker.py)
against the real daemon's recordings in tests/fixtures/docker/engine/: the
same status and message for a too-new and a too-old version (plain text
below 1.24), a missing image, a missing repository on pull, the GPU start
refusal; the recorded pull stream replayed line by line with \\r\\n; the
recorded log frames; Docker 29's floor; an NVIDIA runtime; the faults.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from t import check, summary, ROOT  # noqa: E402

FIX = os.path.join(ROOT, "tests", "fixtures", "docker", "engine")
FAKE = os.path.join(ROOT, "tests", "fakes", "docker.py")


class UnixConn(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=20)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(20)
        self.sock.connect(self.path)


def start(*args):
    p = subprocess.Popen([sys.executable, FAKE] + list(args),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    line = p.stdout.readline().decode().strip()
    return p, line


def req(sock, method, path, body=None):
    c = UnixConn(sock)
    hdrs = {"Content-Type": "application/json"} if body is not None else {}
    c.request(method, path, body=json.dumps(body) if body is not None
              else None, headers=hdrs)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r.getheader("Content-Type"), data


def rec(name):
    with open(os.path.join(FIX, name + ".status")) as f:
        status = int(f.read().split()[1])
    with open(os.path.join(FIX, name + ".body"), "rb") as f:
        return status, f.read()


def same(name, got_status, got_body, what):
    st, body = rec(name)
    check(got_status == st and got_body.strip() == body.strip(),
          "%s: as recorded (%s)" % (what, name),
          "%r %r" % (got_status, got_body[:200]))


def main():
    tmp = tempfile.mkdtemp(prefix="r8t-fakedocker-")
    sock = os.path.join(tmp, "d.sock")
    p, line = start("--socket", sock, "--stall-seconds", "1")
    check(line == "http://localhost", "prints its base URL", line)
    try:
        st, _, b = req(sock, "GET", "/v1.44/version")
        same("05-version-v144-too-new", st, b, "too new")
        st, ct, b = req(sock, "GET", "/v1.11/version")
        same("09-version-v111-too-old", st, b, "too old")
        check(ct.startswith("text/plain"), "too old is text/plain", ct)
        st, _, b = req(sock, "GET", "/version")
        v = json.loads(b)
        check(st == 200 and v["ApiVersion"] == "1.41" and
              v["MinAPIVersion"] == "1.12", "unversioned /version: 1.41")
        st, _, b = req(sock, "GET", "/v1.41/images/json")
        check(st == 200 and json.loads(b) == json.loads(rec(
            "20-images-list")[1]), "images list: as recorded")
        st, _, b = req(sock, "GET",
                       "/v1.41/images/127.0.0.1:5400/acme/nope:latest/json")
        check(st == 404 and b"No such image" in b, "missing image: 404")
        st, _, b = req(sock, "POST", "/v1.41/images/create?fromImage="
                       "127.0.0.1:5400/acme/nope&tag=latest")
        same("35-pull-missing-repo", st, b, "missing repository")
        # the recorded stream, \r\n line ends
        st, ct, b = req(sock, "POST", "/v1.41/images/create?fromImage="
                        "127.0.0.1:5400/acme/fresh&tag=latest")
        lines = b.split(b"\r\n")
        check(st == 200 and ct == "application/json" and lines[-1] == b""
              and b"Pull complete" in b and
              lines[-2].startswith(b'{"status":"Status: Downloaded newer'),
              "pull: the recorded stream, \\r\\n lines", b[-200:])
        st, _, b = req(sock, "POST", "/v1.41/images/create?fromImage="
                       "127.0.0.1:5400/acme/fresh&tag=latest")
        check(b"Image is up to date" in b, "pulled twice: up to date")
        st, _, b = req(sock, "POST", "/v1.41/images/create?fromImage="
                       "acme/fulldisk&tag=latest")
        last = json.loads(b.split(b"\r\n")[-2])
        check(st == 200 and "no space left on device" in last["error"] and
              last["errorDetail"]["message"] == last["error"],
              "full disk: an error line inside a 200 stream")
        try:
            st, _, b = req(sock, "POST", "/v1.41/images/create?fromImage="
                           "acme/die&tag=latest")
            died = False
        except (http.client.HTTPException, OSError):
            died = True
        check(died, "die: the connection drops mid-chunk")
        # containers: the GPU refusal as the real daemon words it
        st, _, b = req(sock, "POST", "/v1.41/containers/create?name=r8fix-1",
                       {"Image": "127.0.0.1:5400/acme/image-demo:latest",
                        "HostConfig": {"DeviceRequests": [{
                            "Driver": "", "Count": -1,
                            "Capabilities": [["gpu"]]}],
                            "PortBindings": {"5000/tcp": [{
                                "HostIp": "127.0.0.1", "HostPort": ""}]}}})
        check(st == 201, "create with DeviceRequests: 201")
        cid = json.loads(b)["Id"]
        st, _, b = req(sock, "POST", "/v1.41/containers/%s/start" % cid)
        same("51-start-gpu-driver-empty", st, b, "GPU refusal")
        st, _, b = req(sock, "GET", "/v1.41/containers/r8fix-1/json")
        d = json.loads(b)
        check(d["State"]["Status"] == "created" and
              d["State"]["ExitCode"] == 128 and "gpu" in d["State"]["Error"],
              "after the refusal: created, ExitCode 128, State.Error")
        st, _, b = req(sock, "DELETE", "/v1.41/containers/r8fix-1")
        check(st == 204, "delete the created container: 204")
        st, _, b = req(sock, "DELETE", "/v1.41/containers/r8fix-1?force=1")
        check(st == 404, "delete it again: 404 (force does not help)")
        # CPU: port read back as a string, 304s, 409
        st, _, b = req(sock, "POST", "/v1.41/containers/create?name=r8fix-2",
                       {"Image": "127.0.0.1:5400/acme/image-demo:latest",
                        "HostConfig": {"PortBindings": {"5000/tcp": [{
                            "HostIp": "127.0.0.1", "HostPort": ""}]}}})
        cid = json.loads(b)["Id"]
        check(req(sock, "POST", "/v1.41/containers/%s/start" % cid)[0] ==
              204, "start: 204")
        check(req(sock, "POST", "/v1.41/containers/%s/start" % cid)[0] ==
              304, "start again: 304")
        d = json.loads(req(sock, "GET", "/v1.41/containers/%s/json" %
                           cid)[2])
        hp = d["NetworkSettings"]["Ports"]["5000/tcp"][0]["HostPort"]
        check(isinstance(hp, str) and int(hp) > 0,
              "inspect: HostPort is a string", hp)
        st, ct, b = req(sock, "GET", "/v1.41/containers/%s/logs?stdout=1&"
                        "stderr=1" % cid)
        check(st == 200 and ct is None and b == rec("62-logs")[1],
              "logs: the recorded frames, no Content-Type on 1.41")
        check(req(sock, "DELETE", "/v1.41/containers/%s" % cid)[0] == 409,
              "delete running without force: 409")
        check(req(sock, "POST", "/v1.41/containers/%s/stop?t=5" % cid)[0]
              == 204, "stop: 204")
        check(req(sock, "POST", "/v1.41/containers/%s/stop?t=5" % cid)[0]
              == 304, "stop again: 304")
        check(req(sock, "DELETE", "/v1.41/containers/%s" % cid)[0] == 204,
              "delete: 204")
    finally:
        p.stdin.close()
        p.terminate()
        p.wait(timeout=10)
    # Docker 29 with an NVIDIA runtime
    sock = os.path.join(tmp, "d29.sock")
    p, line = start("--socket", sock, "--daemon", "29", "--nvidia")
    try:
        st, _, b = req(sock, "GET", "/v1.41/version")
        check(st == 400 and b"client version 1.41 is too old. Minimum "
              b"supported API version is 1.44" in b, "29: 1.41 is too old")
        st, _, b = req(sock, "GET", "/version")
        v = json.loads(b)
        check(v["ApiVersion"] == "1.52" and v["MinAPIVersion"] == "1.44",
              "29: ApiVersion 1.52, MinAPIVersion 1.44")
        st, _, b = req(sock, "POST", "/v1.44/containers/create",
                       {"Image": "127.0.0.1:5400/acme/image-demo:latest",
                        "HostConfig": {"DeviceRequests": [{
                            "Count": -1, "Capabilities": [["gpu"]]}],
                            "PortBindings": {"5000/tcp": [{
                                "HostIp": "127.0.0.1", "HostPort": "5290"}]}}})
        cid = json.loads(b)["Id"]
        check(req(sock, "POST", "/v1.44/containers/%s/start" % cid)[0] ==
              204, "NVIDIA runtime: the GPU request starts")
        st, ct, b = req(sock, "GET", "/v1.44/containers/%s/logs?stdout=1"
                        % cid)
        check(ct == "application/vnd.docker.multiplexed-stream",
              "logs on 1.44 say multiplexed-stream", ct)
    finally:
        p.stdin.close()
        p.terminate()
        p.wait(timeout=10)
    try:
        os.rmdir(tmp)
    except OSError:
        pass
    summary()


if __name__ == "__main__":
    main()
