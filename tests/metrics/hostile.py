#!/usr/bin/env python3
"""hostile.py -- three bad clients at once against logen's --metrics-listen
during a run (tests/e2e/metrics.t): one sends a malformed request, one an
endless header, one connects and says nothing. Prints one line each:

    malformed: <status line>
    endless: cut after <bytes> bytes, <status line or "no answer">
    silent: closed after <seconds> s

    hostile.py HOST PORT
"""
import socket
import sys
import threading
import time

host, port = sys.argv[1], int(sys.argv[2])
results = {}


def read_all(s, limit_s):
    s.settimeout(limit_s)
    data = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except OSError:
        pass
    return data


def status(data):
    return data.split(b"\r\n", 1)[0].decode("latin-1") if data else "no answer"


def malformed():
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b"HELLO THERE\r\n\r\n")
    results["malformed"] = status(read_all(s, 10))
    s.close()


def endless():
    s = socket.create_connection((host, port), timeout=10)
    sent, chunk, how = 0, b"GET /metrics HTTP/1.1\r\nX-Endless: " + b"a" * 4000, "not cut"
    try:
        while sent < 64 * 1024 * 1024:
            s.sendall(chunk)
            sent += len(chunk)
            chunk = b"a" * 4096
    except socket.timeout:
        how = "not cut (the server stopped reading and kept it open)"
    except OSError:
        how = "cut"
    results["endless"] = "%s after %d bytes, %s" % (how, sent, status(read_all(s, 10)))
    s.close()


def silent():
    s = socket.create_connection((host, port), timeout=30)
    t0 = time.monotonic()
    read_all(s, 30)
    results["silent"] = "closed after %.1f s" % (time.monotonic() - t0)
    s.close()


threads = [threading.Thread(target=f) for f in (malformed, endless, silent)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for k in ("malformed", "endless", "silent"):
    print("%s: %s" % (k, results.get(k, "crashed")))
