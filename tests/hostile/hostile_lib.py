"""tests/hostile/hostile_lib.py: what the hostile suites share.

  Checks(KNOWN)     check(name, ok, detail) with the KNOWN-failure rule:
                    a failing check named in KNOWN prints `known: NAME
                    (reason)` and does not count; a KNOWN check that passes
                    prints `fixed: NAME, remove from KNOWN` and counts as a
                    failure (the list only shrinks). summary() prints the
                    closing "N passed, N failed" line.
  scan_plain(b)     findings in bytes meant for a pipe or a file: any ESC,
                    C0 control but TAB/LF/CR, DEL, C1 (as U+0080-U+009F or
                    as a lone byte 0x80-0x9F), bidi override.
  scan_tty(b)       findings in what went to a terminal, where r8play's own
                    escape sequences are expected: only the hostile
                    server's sequences (hostile.py's PAYLOAD), C1, bidi;
                    and the text of every OSC 52 copy, by scan_plain.
  Pty               run a command on a pseudo-terminal, answering the
                    queries a sixel-capable xterm answers; keys; wait4()
                    for the child's peak RSS.
  start_hostile(kind, *args)   (proc, base) of tests/fakes/hostile.py.
  run_piped(argv, env, cwd, timeout)  (rc, stdout, stderr) of a command
                    with no terminal; rc 124 with what it wrote when it
                    runs past timeout.
"""
import base64
import errno
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "fakes"))
import fakes  # noqa: E402
import hostile  # noqa: E402  (tests/fakes/hostile.py: PAYLOAD, EVIL_FIELD)

BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
# The hostile server's own sequences (never written by r8play or ncurses).
SIGNATURES = [
    (b"\x1b[20h", "CSI 20h (set newline mode)"),
    (b"\x1b#8", "DECALN"),
    (b"\x1b]0;HOSTILE", "OSC 0 title"),
    (b"\x1b]52;c;SE9TVElMRQ", "OSC 52 clipboard"),
    (b"\x1bP1$q", "DCS"),
    (b"\x1b[201~", "bracketed-paste end"),
    (b"ding\x07", "BEL"),
    (b"\x00NULTAIL", "NUL"),
]


def _show(b, i, n=24):
    return repr(b[max(0, i - 8):i + n])


def _scan_text(b, findings):
    t = b.decode("utf-8", "surrogateescape")
    pos = 0
    for ch in t:
        c = ord(ch)
        if 0x80 <= c <= 0x9F:
            findings.append("C1 U+%04X near %r" % (c, t[max(0, pos - 8):
                                                         pos + 8]))
        elif 0xDC80 <= c <= 0xDC9F:
            findings.append("raw byte 0x%02X near %r" % (c - 0xDC00, t[
                max(0, pos - 8):pos + 8]))
        elif c in BIDI:
            findings.append("bidi U+%04X near %r" % (c, t[max(0, pos - 8):
                                                           pos + 8]))
        pos += 1


def _digest(f):
    """Findings grouped by kind: 'KIND xN, first: ...'."""
    groups = {}
    for x in f:
        k = x.split(" near ")[0].split(" at ")[0]
        k = re.sub(r"(bidi|C1) U\+[0-9A-F]{4}", r"\1", k)
        k = re.sub(r"raw byte 0x[89].", "raw C1 byte", k)
        groups.setdefault(k, []).append(x)
    return ["%s x%d, first: %s" % (k, len(v), v[0]) for k, v in
            groups.items()]


def scan_plain(b, bidi=True):
    """Findings (strings) in bytes meant for a pipe or a file. bidi=False
    for JSON, where issue 15 asks only C0/DEL/C1 to be escaped."""
    return _digest(_plain(b, bidi))


def _plain(b, bidi=True):
    f = []
    for i, c in enumerate(b):
        if (c < 0x20 and c not in (9, 10, 13)) or c == 0x7F:
            f.append("control 0x%02X at %d: %s" % (c, i, _show(b, i)))
    _scan_text(b, f)
    if not bidi:
        f = [x for x in f if not x.startswith("bidi")]
    return f


OSC52 = re.compile(rb"\x1b\]52;[a-z]*;([A-Za-z0-9+/=]*)(\x07|\x1b\\)")


def scan_tty(b, bidi=True):
    """Findings in bytes a terminal received (r8play's own escapes allowed).
    bidi=False for JSON output, as scan_plain."""
    f = []
    for sig, what in SIGNATURES:
        i = b.find(sig)
        if i >= 0:
            f.append("%s at %d: %s" % (what, i, _show(b, i)))
    # C1/bidi/lone bytes, outside r8play's own sixel (ASCII anyway)
    _scan_text(b, f)
    if not bidi:
        f = [x for x in f if not x.startswith("bidi")]
    for m in OSC52.finditer(b):
        if m.group(1).startswith(b"SE9TVElMRQ"):
            continue        # the server's own, reported above
        try:
            copied = base64.b64decode(m.group(1))
        except ValueError:
            continue
        for x in _plain(copied):
            f.append("in OSC 52 copy: " + x)
    return _digest(f)


class Checks:
    def __init__(self, known):
        self.known = dict(known)
        self.passed = self.failed = 0
        self.seen = set()

    def check(self, name, ok, detail=""):
        self.seen.add(name)
        if name in self.known:
            if ok:
                self.failed += 1
                print("FAIL fixed: %s, remove from KNOWN" % name)
            else:
                print("known: %s (%s)" % (name, self.known[name]))
                if detail and os.environ.get("T_VERBOSE") == "1":
                    print("     " + str(detail)[:600])
        elif ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            print("FAIL " + name + (("\n     " + str(detail)[:3000])
                                    if detail else ""))
        sys.stdout.flush()
        return ok

    def summary(self):
        stale = [k for k in self.known if k not in self.seen]
        for k in stale:
            print("note: KNOWN entry %s was not run" % k)
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def run_piped(argv, env, cwd, timeout=90):
    try:
        r = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        return 124, e.stdout or b"", e.stderr or b""


def start_hostile(kind, *args):
    return fakes.start_fake(os.path.join(fakes.FAKES, "hostile.py"), kind,
                            "--quiet", *args, timeout=30.0)


# ---------------------------------------------------------------------------
# A pseudo-terminal driver (xterm with sixel, 80x24 by default).
QUERIES = [
    (b"\x1b[c", b"\x1b[?63;1;2;4;6;9;15;16;22;28c"),
    (b"\x1b[0c", b"\x1b[?63;1;2;4;6;9;15;16;22;28c"),
    (b"\x1b[16t", b"\x1b[6;20;10t"),
    (b"\x1b[?1;1;0S", b"\x1b[?1;0;256S"),
    (b"\x1b[?2;1;0S", b"\x1b[?2;0;1000;1000S"),
    (b"\x1b[>0q", b"\x1bP>|XTerm(379)\x1b\\"),
]


class Pty:
    def __init__(self, argv, env, cwd=None, rows=24, cols=80):
        self.rows, self.cols = rows, cols
        self.out = bytearray()
        self.answered = 0
        self.status = None
        self.rusage = None
        pid, fd = os.forkpty()
        if pid == 0:
            try:
                import resource
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
                if cwd:
                    os.chdir(cwd)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.set_size(rows, cols)

    def set_size(self, rows, cols):
        self.rows, self.cols = rows, cols
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, cols * 10, rows * 20))

    def put(self, s):
        if isinstance(s, str):
            s = s.encode()
        try:
            os.write(self.fd, s)
        except OSError:
            pass

    def _answer(self):
        b = bytes(self.out)
        i = b.find(b"\x1b", self.answered)
        while i >= 0:
            for q, a in QUERIES:
                if b.startswith(q, i):
                    self.put(a)
            if b.startswith(b"\x1b[14t", i):
                self.put(b"\x1b[4;%d;%dt" % (self.rows * 20, self.cols * 10))
            if b.startswith(b"\x1b[18t", i):
                self.put(b"\x1b[8;%d;%dt" % (self.rows, self.cols))
            i = b.find(b"\x1b", i + 1)
        self.answered = max(self.answered, len(b) - 16)

    def pump(self, secs):
        """Read for up to secs; returns bytes read (0 at EOF)."""
        end = time.monotonic() + secs
        got = 0
        while True:
            left = end - time.monotonic()
            r, _, _ = select.select([self.fd], [], [], max(0, left))
            if not r:
                return got
            try:
                d = os.read(self.fd, 65536)
            except OSError as e:
                if e.errno == errno.EIO:
                    return got
                raise
            if not d:
                return got
            self.out += d
            got += len(d)
            self._answer()
            if left <= 0:
                return got

    def settle(self, quiet=0.4, most=8.0):
        end = time.monotonic() + most
        while time.monotonic() < end and self.pump(quiet) > 0:
            pass

    def wait_bytes(self, pred, most=20.0, chunk=1024):
        """Read chunk bytes at a time until pred(all bytes read) holds, and
        stop there: what the child writes next stays in the pty (it blocks
        once the pty is full, about 15 KB on Linux)."""
        end = time.monotonic() + most
        while time.monotonic() < end:
            if pred(bytes(self.out)):
                return True
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    d = os.read(self.fd, chunk)
                except OSError:
                    d = b""
                if not d:
                    return pred(bytes(self.out))
                self.out += d
                self._answer()
            elif self.reap(block=False):
                return pred(bytes(self.out))
        return pred(bytes(self.out))

    def reap(self, block=True, most=10.0):
        if self.status is not None:
            return True
        end = time.monotonic() + most
        while True:
            pid, st, ru = os.wait4(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status, self.rusage = st, ru
                self.pump(0.05)
                return True
            if not block or time.monotonic() > end:
                return False
            self.pump(0.05)

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self.reap(most=5.0)
        try:
            os.close(self.fd)
        except OSError:
            pass
