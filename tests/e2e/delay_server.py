#!/usr/bin/env python3
"""delay_server.py -- an HTTP/1.1 server on loopback that answers late.

Every request is answered after a delay: --delay seconds (default 0.1), or
the `delay` query parameter of that request (/x?delay=0.05). The answer is
200 with a small text body (--body-bytes, or the `bytes` query parameter);
connections are kept alive (HTTP/1.1, or HTTP/1.0 with keep-alive), a
request body (Content-Length or chunked) is read and dropped. GET /stats
answers at once with the counters as JSON, not counted as a request;
/stats?reset=1 also resets the counts and sets the peaks to the current
levels. Counters: requests answered, connections accepted, connections
open now and at the peak, requests in progress (received, not yet
answered) now and at the peak, the mean time a request was held (from
received to answered: the delay, plus any lateness of this server).

The port is picked by the kernel unless --port is given; it is printed on
stdout as "port N" and, with --port-file, written to that file (renamed
into place, so a reader never sees it half-written). The server ends on
SIGTERM or SIGINT, and by itself after --max-lifetime seconds (default
600), so that a test can never leave it running; at exit it writes the
counters to --stats-file if given. To hold 10,000 connections it raises
RLIMIT_NOFILE to the hard limit and listens with a deep backlog.

Standard library only (asyncio protocols, no task per connection, one
timer for all the requests at the default delay: about 40 us of CPU a
request, mostly the kernel's send). Not done: pipelined requests are answered one after the
other, each after its own delay; no TLS, no HTTP/2, no access log.
"""
import argparse
import asyncio
import collections
import json
import os
import resource
import signal
import sys
import time
from urllib.parse import parse_qs

MAX_HEAD_BYTES = 64 * 1024
CLOCK_RESOLUTION = time.get_clock_info("monotonic").resolution


class Stats:
    def __init__(self):
        self.started = time.monotonic()
        self.reset()
        self.open = 0
        self.in_progress = 0
        self.peak_open = 0
        self.peak_in_progress = 0

    def reset(self):
        self.requests = 0
        self.connections = 0
        self.stats_requests = 0
        self.bad_requests = 0
        self.held = 0.0  # seconds requests spent from received to answered
        self.peak_open = getattr(self, "open", 0)
        self.peak_in_progress = getattr(self, "in_progress", 0)

    def opened(self):
        self.connections += 1
        self.open += 1
        if self.open > self.peak_open:
            self.peak_open = self.open

    def begin(self):
        self.in_progress += 1
        if self.in_progress > self.peak_in_progress:
            self.peak_in_progress = self.in_progress

    def as_dict(self):
        return {
            "requests": self.requests,
            "connections": self.connections,
            "open_connections": self.open,
            "peak_open_connections": self.peak_open,
            "in_progress": self.in_progress,
            "peak_in_progress": self.peak_in_progress,
            "stats_requests": self.stats_requests,
            "bad_requests": self.bad_requests,
            "mean_held_s": round(self.held / self.requests, 6) if self.requests else 0,
            "uptime": round(time.monotonic() - self.started, 3),
        }


def parse_head(head):
    """(method, target, version, headers dict with lower-case names) or None."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            return None
        headers[name.strip().lower()] = value.strip()
    return parts[0], parts[1], parts[2], headers


def chunked_end(buf, start):
    """Offset just past a chunked body starting at start, or -1 if incomplete,
    -2 if malformed."""
    pos = start
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return -1
        try:
            size = int(buf[pos:eol].split(b";")[0], 16)
        except ValueError:
            return -2
        pos = eol + 2
        if size == 0:
            end = buf.find(b"\r\n\r\n", pos - 2)  # trailers, then an empty line
            return -1 if end < 0 else end + 4
        pos += size + 2
        if pos > len(buf):
            return -1


class Conn(asyncio.Protocol):
    def __init__(self, server):
        self.srv = server
        self.buf = bytearray()
        self.transport = None
        self.busy = False      # a request is waiting for its answer
        self.timer = None      # a TimerHandle, or True while in Server.fifo
        self.body = b""        # the answer of the request in progress
        self.received = 0.0    # when it was received (loop time)
        self.close_after = False

    def connection_made(self, transport):
        self.transport = transport
        self.srv.stats.opened()
        self.srv.conns.add(self)

    def connection_lost(self, exc):
        self.srv.stats.open -= 1
        self.srv.conns.discard(self)
        if self.timer:
            if self.timer is not True:
                self.timer.cancel()
            self.timer = None
            self.srv.stats.in_progress -= 1
        self.transport = None

    def data_received(self, data):
        self.buf += data
        if not self.busy:
            self.next_request()

    def fail(self):
        self.srv.stats.bad_requests += 1
        self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
        self.transport.close()

    def next_request(self):
        """Takes one whole request off the buffer, if there is one."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buf) > MAX_HEAD_BYTES:
                self.fail()
            return
        req = parse_head(bytes(self.buf[:end]))
        if req is None:
            return self.fail()
        method, target, version, headers = req
        body_end = end + 4
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body_end = chunked_end(self.buf, body_end)
            if body_end == -2:
                return self.fail()
            if body_end < 0:
                return
        else:
            try:
                body_end += int(headers.get("content-length", "0"))
            except ValueError:
                return self.fail()
            if body_end > len(self.buf):
                return
        del self.buf[:body_end]
        conn = headers.get("connection", "").lower()
        self.close_after = conn == "close" or (version == "HTTP/1.0" and conn != "keep-alive")
        self.busy = True
        self.start(method, target)

    def start(self, method, target):
        path, _, qs = target.partition("?")
        query = parse_qs(qs) if qs else {}
        if path == "/stats":
            self.srv.stats.stats_requests += 1
            body = json.dumps(self.srv.stats.as_dict()).encode() + b"\n"
            if query.get("reset") == ["1"]:
                self.srv.stats.reset()
            return self.answer(body, b"application/json", counted=False)
        try:
            delay = float(query["delay"][0]) if "delay" in query else self.srv.delay
            size = int(query["bytes"][0]) if "bytes" in query else self.srv.body_bytes
        except ValueError:
            return self.fail()
        self.body = b"" if method == "HEAD" else self.srv.body(max(0, size))
        self.srv.stats.begin()
        self.received = self.srv.loop.time()
        self.timer = self.srv.later(self, delay)

    def due(self):
        """The delay is over: the request in progress is answered."""
        self.answer(self.body, b"text/plain")

    def answer(self, body, ctype, counted=True):
        if counted:
            self.timer = None
            self.srv.stats.in_progress -= 1
            self.srv.stats.requests += 1
            self.srv.stats.held += self.srv.loop.time() - self.received
        if self.transport is None:
            return
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype + b"\r\nContent-Length: "
                + str(len(body)).encode() + b"\r\n"
                + (b"Connection: close\r\n" if self.close_after else b"") + b"\r\n")
        self.transport.write(head + body)
        self.busy = False
        if self.close_after:
            self.transport.close()
        elif self.buf:
            self.next_request()


class Server:
    def __init__(self, args):
        self.delay = args.delay
        self.body_bytes = args.body_bytes
        self.stats = Stats()
        self.conns = set()
        self.bodies = {}
        self.loop = None
        self.fifo = collections.deque()  # (deadline, conn) at the default delay
        self.fifo_timer = None

    def later(self, conn, delay):
        """Calls conn.due() after delay seconds. At the default delay the
        deadlines come in order, so they queue behind one timer instead of
        one timer each (a heap push and pop less per request)."""
        if delay != self.delay:
            return self.loop.call_later(max(0.0, delay), conn.due)
        self.fifo.append((self.loop.time() + delay, conn))
        if self.fifo_timer is None:
            self.fifo_timer = self.loop.call_at(self.fifo[0][0], self.fifo_due)
        return True

    def fifo_due(self):
        now = self.loop.time() + CLOCK_RESOLUTION  # as asyncio's own timers
        fifo = self.fifo
        while fifo and fifo[0][0] <= now:
            conn = fifo.popleft()[1]
            if conn.timer is True:  # not closed meanwhile
                conn.due()
        self.fifo_timer = self.loop.call_at(fifo[0][0], self.fifo_due) if fifo else None

    def body(self, n):
        b = self.bodies.get(n)
        if b is None:
            b = (b"delayed\n" * (n // 8 + 1))[:n]
            if len(self.bodies) < 64:
                self.bodies[n] = b
        return b


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        want = 1 << 20 if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


async def serve(args):
    srv = Server(args)
    srv.loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        srv.loop.add_signal_handler(sig, done.set)
    srv.loop.call_later(args.max_lifetime, done.set)
    server = await srv.loop.create_server(lambda: Conn(srv), args.host, args.port,
                                          backlog=args.backlog, reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    print(f"port {port}", flush=True)
    if args.port_file:
        write_atomic(args.port_file, f"{port}\n")
    await done.wait()
    server.close()
    for c in list(srv.conns):
        if c.transport:
            c.transport.abort()
    if args.stats_file:
        write_atomic(args.stats_file, json.dumps(srv.stats.as_dict()) + "\n")


def main():
    p = argparse.ArgumentParser(description="HTTP/1.1 server answering every request late")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    p.add_argument("--port", type=int, default=0, help="port (default: one the kernel picks)")
    p.add_argument("--port-file", help="write the port to this file once listening")
    p.add_argument("--stats-file", help="write the counters (JSON) to this file at exit")
    p.add_argument("--delay", type=float, default=0.1, help="seconds before each answer")
    p.add_argument("--body-bytes", type=int, default=16, help="bytes of each answer's body")
    p.add_argument("--max-lifetime", type=float, default=600, help="exit after this many seconds")
    p.add_argument("--backlog", type=int, default=16384, help="listen backlog")
    args = p.parse_args()
    if args.delay < 0 or args.max_lifetime <= 0 or args.body_bytes < 0:
        p.error("--delay and --body-bytes must be >= 0, --max-lifetime > 0")
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        p.error("--host must be a loopback address")
    raise_nofile()
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
