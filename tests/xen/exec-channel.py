#!/usr/bin/env python3
"""The testbed's exec channel (scripts/testbed.d/exec-agent, exec-client) without QEMU.

The agent runs on one end of a socketpair, as dom0 runs it on the virtio-serial port;
this script stands in for QEMU's chardev between the other end and a unix socket that
clients connect to one at a time, and drops what the agent writes while no client is
connected (QEMU discards it too). It can also leave on the channel what a client that
went away leaves: half a frame, either way. Every command must still end with its own
exit status. TAP. XLX_AGENT / XLX_CLIENT test other copies of the two programs.
"""
import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

SRC = os.environ.get("XENLAB_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
AGENT = os.environ.get("XLX_AGENT") or os.path.join(SRC, "scripts", "testbed.d", "exec-agent")
CLIENT = os.environ.get("XLX_CLIENT") or os.path.join(SRC, "scripts", "testbed.d", "exec-client")


def frame(kind, nonce, payload):
    return b"XLB1" + kind + nonce + struct.pack(">I", len(payload)) + payload


class Chardev(threading.Thread):
    """QEMU's side of the port: one client at a time, bytes relayed both ways."""

    def __init__(self, path, port):
        super().__init__(daemon=True)
        self.port = port
        self.greeting = b""      # sent to the next client first: what the channel still held
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lsock.bind(path)
        self.lsock.listen(8)

    def run(self):
        try:
            self.relay()
        except OSError:          # the agent is gone: the test is over
            pass

    def relay(self):
        conn = None
        while True:
            r, _, _ = select.select([self.port, conn or self.lsock], [], [])
            if self.port in r:
                data = self.port.recv(65536)
                if conn:
                    conn.sendall(data)
            if conn is None and self.lsock in r:
                conn, _ = self.lsock.accept()
                conn.sendall(self.greeting)
                self.greeting = b""
            elif conn is not None and conn in r:
                data = conn.recv(65536)
                if data:
                    self.port.sendall(data)
                else:
                    conn.close()
                    conn = None


tmp = tempfile.mkdtemp()
sock = os.path.join(tmp, "exec.sock")
ours, theirs = socket.socketpair()
log = open(os.path.join(tmp, "agent.log"), "w")
agent = subprocess.Popen(["perl", AGENT, "-"], stdin=theirs, stdout=log, stderr=log)
theirs.close()
dev = Chardev(sock, ours)
dev.start()

n = failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    failed += not cond
    print(("ok %d - " if cond else "not ok %d - ") % n + what, flush=True)


def run(*argv, stdin=None, timeout=20, env=None):
    """One `testbed exec`: (status, stdout, stderr, seconds); status None if it hung."""
    e = dict(os.environ, XLX_TIMEOUT=str(timeout), XLX_STDIN="1" if stdin is not None else "0", **(env or {}))
    t0 = time.time()
    try:
        p = subprocess.run(["perl", CLIENT, sock, *argv], input=stdin, capture_output=True, env=e,
                           timeout=timeout + 10)
        return p.returncode, p.stdout, p.stderr, time.time() - t0
    except subprocess.TimeoutExpired:
        return None, b"", b"", time.time() - t0


def gone(pidfile, within=5):
    """The command ran (it wrote its pid) and that process has exited since."""
    try:
        pid = int(open(pidfile).read())
    except (OSError, ValueError):
        return False
    os.unlink(pidfile)
    for _ in range(within * 10):
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.1)
    return False


rc, out, err, _ = run("sh", "-c", "echo out; echo err >&2; exit 3")
ok((rc, out, err) == (3, b"out\n", b"err\n"), f"stdout, stderr and exit status 3 arrive (got {rc}, {out!r}, {err!r})")
rc, *_ = run("sh", "-c", "kill -TERM $$")
ok(rc == 143, f"death by SIGTERM is status 143 (got {rc})")
bad = [k for k in range(30) if run("sh", "-c", f"exit {k}")[0] != k]
ok(not bad, f"30 commands back to back, each with its own status (wrong: {bad})")

data = os.urandom(200000) + b"XLB1X" + bytes(8) + b"\0\0\0\x01" + os.urandom(70000)
rc, out, _, _ = run("cat", stdin=data)
ok(rc == 0 and out == data, f"binary stdin, frame magic in it, comes back intact ({len(out)} of {len(data)} bytes)")
big = os.path.join(tmp, "big")
with open(big, "wb") as f:
    f.write(os.urandom(3 << 20))
rc, out, _, _ = run("cat", big)
ok(rc == 0 and out == open(big, "rb").read(), f"3 MiB of output arrive intact, then the status (got {rc}, {len(out)} bytes)")
rc, _, _, secs = run("sh", "-c", "sleep 100 & exit 5")
ok(rc == 5 and secs < 8, f"a daemon holding stdout does not hold the status back (got {rc} after {secs:.1f} s)")

# A client that died mid-frame: its command started, then half an I frame that promised
# 60000 bytes. The next command must not be taken for the rest of it.
dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
dead.connect(sock)
nonce = os.urandom(8)
dead.sendall(frame(b"C", nonce, b"cat") + frame(b"I", nonce, bytes(60000))[:1000])
time.sleep(0.5)
dead.close()
time.sleep(0.5)
rc, out, _, secs = run("sh", "-c", "echo after; exit 7", timeout=15)
ok(rc == 7 and out == b"after\n", f"half a frame from a dead client does not swallow the next command (got {rc} after {secs:.1f} s)")

# What an older command left in the channel toward the host: one of its frames cut short.
dev.greeting = frame(b"O", os.urandom(8), bytes(60000))[:200]
rc, out, _, secs = run("sh", "-c", "echo hi; exit 9", timeout=15)
ok(rc == 9 and out == b"hi\n", f"half a frame of an older command does not swallow this one's status (got {rc} after {secs:.1f} s)")
dev.greeting = frame(b"X", os.urandom(8), b"0") + frame(b"O", os.urandom(8), b"stale\n")
rc, out, *_ = run("sh", "-c", "exit 4")
ok(rc == 4 and out == b"", f"whole frames of an older command are not taken for this one's (got {rc}, {out!r})")

# Giving up kills the command in dom0 (K); the next command runs as usual.
pidfile = os.path.join(tmp, "pid")
rc, _, err, secs = run("sh", "-c", f"echo $$ > {pidfile}; exec sleep 1000", timeout=2)
ok(rc == 124 and secs < 6 and gone(pidfile), f"a client that times out exits 124 and its command is killed (got {rc} after {secs:.1f} s)")
p = subprocess.Popen(["perl", CLIENT, sock, "sh", "-c", f"echo $$ > {pidfile}; exec sleep 1000"],
                     env=dict(os.environ, XLX_TIMEOUT="30"), stderr=subprocess.DEVNULL)
for _ in range(100):
    if os.path.exists(pidfile) and os.path.getsize(pidfile):
        break
    time.sleep(0.1)
p.terminate()
try:
    rc = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
    rc = None
ok(rc == 143 and gone(pidfile), f"a client killed by SIGTERM exits 143 and its command is killed (got {rc})")
rc, *_ = run("true")
ok(rc == 0, f"the next command runs (got {rc})")

agent.kill()
print("1..%d" % n)
if failed:
    sys.stdout.write("".join("# agent: " + l for l in open(os.path.join(tmp, "agent.log"))))
subprocess.run(["rm", "-rf", tmp])
sys.exit(1 if failed else 0)
