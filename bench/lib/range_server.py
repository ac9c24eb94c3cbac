#!/usr/bin/env python3
"""A loopback file server for bench/url-probe.sh: serves a folder with or without byte ranges, throttled.

usage: range_server.py DIR PORT BYTES_PER_SECOND
  GET /ranges/NAME    honours "Range: bytes=a-b" (206, Content-Range, ETag, Accept-Ranges)
  GET /plain/NAME     ignores ranges (200 with the whole body)
  GET /stats          bytes of response bodies sent so far (as text); POST /stats/reset zeroes it
Bodies are written in 64 KB pieces paced to BYTES_PER_SECOND per connection (100 Mbit/s = 12500000).
"""
import hashlib, os, re, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT, PORT, RATE = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
SENT = [0]
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        with LOCK:
            SENT[0] = 0
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self.path == "/stats":
            body = str(SENT[0]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        m = re.fullmatch(r"/(ranges|plain)/([A-Za-z0-9._-]+)", self.path)
        if not m:
            self.send_error(404)
            return
        path = os.path.join(ROOT, m.group(2))
        size = os.path.getsize(path)
        st = os.stat(path)
        etag = '"%s"' % hashlib.sha1(f"{st.st_mtime_ns}-{size}".encode()).hexdigest()[:16]
        start, end, status = 0, size - 1, 200
        rng = self.headers.get("Range")
        if m.group(1) == "ranges" and rng:
            r = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())
            if_range = self.headers.get("If-Range")
            if r and (not if_range or if_range == etag):
                if r.group(1):
                    start = int(r.group(1))
                    end = min(int(r.group(2)), size - 1) if r.group(2) else size - 1
                else:
                    start = max(0, size - int(r.group(2)))
                if start >= size:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
        if_match = self.headers.get("If-Match")
        if if_match and if_match != etag:
            self.send_response(412)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start + 1))
        if m.group(1) == "ranges":
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", etag)
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        began = time.monotonic()
        sent = 0
        try:
            with open(path, "rb") as f:
                f.seek(start)
                left = end - start + 1
                while left > 0:
                    chunk = f.read(min(65536, left))
                    self.wfile.write(chunk)
                    left -= len(chunk)
                    sent += len(chunk)
                    with LOCK:
                        SENT[0] += len(chunk)
                    ahead = sent / RATE - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)
        except (BrokenPipeError, ConnectionResetError):
            pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
