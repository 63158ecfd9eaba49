#!/usr/bin/env python3
"""How `lathund serve` copes with oversized and idle requests: prints numbers, asserts nothing.

    Benchmarks/serve_limits.py [--lathund PATH] [--project DIR] [--sizes 8K,50K,...] [--idle N] [--wait S]

Starts `lathund serve --port 0` in PROJECT (default: the repository), waits for its first build, then:

1. for each size, `GET / HTTP/1.1` with one header of that many bytes: the time from the first byte sent to the
   status line, and the status; meanwhile a normal `GET /` is sent on another connection every 50 ms and the
   slowest of them is printed (does the big request stall other clients?);
2. the same with a request target (path) of that many bytes;
3. IDLE connections that send nothing, and one that sends half a header: the server's open file descriptors and
   how many of the connections it has closed, after WAIT seconds.

A request that gets no status line within --timeout seconds (default 20) is printed as `> 20 s`; the script then
closes it. Read the numbers with the machine's load in mind (`uptime`): they are one run.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def parse_size(text):
    text = text.strip().upper()
    scale = {"K": 1024, "M": 1024 * 1024}.get(text[-1], 1)
    return int(text.rstrip("KM")) * scale


def connect(port, timeout=None):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(timeout)
    return sock


def status_of(data):
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(match.group(1)) if match else None


def timed_request(port, request, timeout):
    """Sends `request` on a thread while reading; returns (seconds to the status line or None, status)."""
    sock = connect(port)
    started = time.monotonic()
    stop = threading.Event()

    def send():
        view = memoryview(request)
        try:
            while view and not stop.is_set():
                sent = sock.send(view[:65536])
                view = view[sent:]
        except OSError:
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sock.settimeout(0.2)
    data = b""
    seconds = None
    while time.monotonic() - started < timeout:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        if b"\r\n" in data:
            seconds = time.monotonic() - started
            break
    stop.set()
    sock.close()
    sender.join(timeout=5)
    return seconds, status_of(data)


class Prober:
    """A normal `GET /` every 50 ms on fresh connections; keeps the slowest answer and counts failures."""

    def __init__(self, port):
        self.port = port
        self.slowest = 0.0
        self.failures = 0
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                sock = connect(self.port, timeout=30)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % self.port)
                ok = status_of(sock.recv(64)) == 200
                sock.close()
            except OSError:
                ok = False
            self.slowest = max(self.slowest, time.monotonic() - started)
            self.count += 1
            self.failures += 0 if ok else 1
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=35)


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def closed_by_server(sock):
    """True when the server has closed the connection (after an answer such as 408, or without one)."""
    sock.settimeout(0)
    try:
        while True:
            chunk = sock.recv(65536)
            if chunk == b"":
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def fmt(seconds, timeout):
    if seconds is None:
        return f"> {timeout:.0f} s"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lathund", default=str(REPO / ".build" / "release" / "lathund"))
    parser.add_argument("--project", default=str(REPO))
    parser.add_argument("--sizes", default="8K,50K,100K,200K,1M")
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--idle", type=int, default=300)
    parser.add_argument("--wait", type=float, default=15)
    args = parser.parse_args()

    server = subprocess.Popen([args.lathund, "serve", "--port", "0", "--quiet"], cwd=args.project,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            sys.exit(f"serve did not start: {line!r}")
        port = int(match.group(1))
        # The preview answers only a loopback Host with its port (HostCheck).
        host = b"127.0.0.1:%d" % port
        for _ in range(600):
            try:
                sock = connect(port, timeout=5)
                sock.sendall(b"GET /_lathund/status HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % host)
                if b'"ok":true' in sock.recv(4096):
                    break
            except OSError:
                pass
            time.sleep(0.1)
        print(f"lathund: {args.lathund}; pid {server.pid}; port {port}; load {os.getloadavg()[0]:.2f}")

        print("\n| what | size | status | time to status line | slowest parallel GET / | failed parallel GETs |")
        print("| --- | --- | --- | --- | --- | --- |")
        for kind in ("header", "path"):
            for size_text in args.sizes.split(","):
                size = parse_size(size_text)
                if kind == "header":
                    request = b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nX-Big: " + b"a" * size + b"\r\n\r\n"
                else:
                    request = b"GET /" + b"a" * size + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n"
                with Prober(port) as prober:
                    seconds, status = timed_request(port, request, args.timeout)
                    time.sleep(0.2)
                print(f"| {kind} | {size_text} | {status or '-'} | {fmt(seconds, args.timeout)} | "
                      f"{fmt(prober.slowest, 30)} | {prober.failures}/{prober.count} |", flush=True)

        before = open_fds(server.pid)
        idle = [connect(port) for _ in range(args.idle)]
        partial = connect(port)
        partial.sendall(b"GET / HTTP/1.1\r\nHost: " + host + b"\r\n")
        time.sleep(1)
        during = open_fds(server.pid)
        time.sleep(max(0, args.wait - 1))
        after = open_fds(server.pid)
        closed = sum(closed_by_server(sock) for sock in idle)
        print(f"\nidle connections: {args.idle}; server fds before {before}, after 1 s {during}, "
              f"after {args.wait:.0f} s {after}; closed by the server: {closed}/{args.idle}; "
              f"half a header closed: {closed_by_server(partial)}")
        for sock in idle + [partial]:
            sock.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
