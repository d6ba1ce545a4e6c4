"""A real HTTP server on 127.0.0.1 that serves the feed fixtures as routes.json describes."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


class FeedServer:
    """Serves fixture routes by (Host, path, query); 304 on a matching validator."""

    def __init__(self, root: Path = FEEDS) -> None:
        self.root = root
        self.routes = json.loads((root / "routes.json").read_text())["routes"]
        self.extra: dict[tuple[str, str], tuple[int, dict, bytes]] = {}
        self.queued: dict[tuple[str, str], deque] = {}
        self.log: list[dict] = []
        self.gates: dict[tuple[str, str], tuple[threading.Event, threading.Event]] = {}
        self.drips: dict[tuple[str, str], tuple[bytes, float, bool]] = {}
        self.required: dict[str, tuple[str, str]] = {}
        self.offers: dict[tuple[str, str], tuple[dict[str, bytes], str]] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def rebase(self, url: str) -> tuple[str, str]:
        """Send a real feed URL to this server, keeping its host in the Host header."""
        parts = urlsplit(url)
        local = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return local, parts.netloc

    def put(self, host: str, path: str, body: bytes, status: int = 200, headers=None) -> None:
        """Serve `body` at host+path from now on (a feed whose content changes)."""
        self.extra[(host, path)] = (status, headers or {}, body)

    def queue(self, host: str, path: str, status: int, body: bytes = b"", headers=None) -> None:
        """Answer the next request for host+path with this response, once."""
        self.queued.setdefault((host, path), deque()).append((status, headers or {}, body))

    def hold(self, host: str, path: str) -> tuple[threading.Event, threading.Event]:
        """Stall requests for host+path until released: (arrived, release) events."""
        gate = self.gates[(host, path)] = (threading.Event(), threading.Event())
        return gate

    def drip(self, host: str, path: str, body: bytes, every_s: float, *, head=False) -> None:
        """Answer host+path one byte every `every_s` seconds: the body after prompt headers,
        or (head=True) the whole answer from its status line on. No read ever waits long,
        so no socket timeout trips: what a source that stalls a poller on purpose does."""
        self.drips[(host, path)] = (body, every_s, head)

    def require(self, host: str, header: str, value: str) -> None:
        """Answer 401 to every request for `host` that does not send `header: value`."""
        self.required[host] = (header, value)

    def offer(self, host: str, path: str, bodies: dict[str, bytes], default: str) -> None:
        """Answer host+path by the request's Accept, as api.weather.gov does: the body of
        the most wanted type offered, else the `default` type's (GeoJSON, there)."""
        self.offers[(host, path)] = (bodies, default)

    def requests_to(self, path: str) -> list[dict]:
        return [r for r in self.log if r["path"] == path]

    def find(self, host: str, path: str, query: str) -> dict | None:
        wanted = sorted(parse_qsl(query, keep_blank_values=True))
        for route in self.routes:
            same_query = sorted(parse_qsl(route["query"], keep_blank_values=True)) == wanted
            if route["host"] == host and route["path"] == path and same_query:
                return route
        return None

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                host = (self.headers.get("Host") or "").split(":")[0]
                path = unquote(parts.path)
                entry = {
                    "host": host,
                    "path": path,
                    "query": parts.query,
                    "headers": dict(self.headers),
                }
                entry["at"] = time.monotonic()
                server.log.append(entry)
                gate = server.gates.get((host, path))
                if gate is not None:
                    gate[0].set()
                    gate[1].wait(timeout=60)
                if (host, path) in server.drips:
                    _drip(self.wfile, *server.drips[(host, path)])
                    entry["done"] = time.monotonic()
                    return
                status, headers, body = server._answer(host, path, parts.query, self.headers)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # the poller may be killed mid-request: what some tests do on purpose
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)
                    self.wfile.flush()
                entry["done"] = time.monotonic()  # when the poller has the whole answer

        return Handler

    def _answer(self, host: str, path: str, query: str, request_headers) -> tuple:
        if host in self.required:
            header, value = self.required[host]
            if request_headers.get(header) != value:
                return 401, {"WWW-Authenticate": "Bearer"}, b"unauthorized"
        if (host, path) in self.offers:
            bodies, default = self.offers[(host, path)]
            chosen = _negotiated(request_headers.get("Accept", ""), bodies) or default
            return 200, {"Content-Type": chosen}, bodies[chosen]
        queued = self.queued.get((host, path))
        if queued:
            return queued.popleft()
        if (host, path) in self.extra:
            return self.extra[(host, path)]
        route = self.find(host, path, query)
        if route is None:
            return 404, {"Content-Type": "text/plain"}, b"no such fixture route"
        if _not_modified(route["headers"], request_headers):
            return 304, {"ETag": route["headers"].get("ETag", "")}, b""
        return route["status"], route["headers"], (self.root / route["file"]).read_bytes()


def _drip(out, body: bytes, every_s: float, head: bool) -> None:
    status = f"HTTP/1.0 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    slow = status + body if head else body
    # the fetcher gives up (the point of the test): the next write finds the pipe broken
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        if not head:
            out.write(status)
        for byte in slow:
            out.write(bytes([byte]))
            out.flush()
            time.sleep(every_s)


def _negotiated(accept: str, bodies: dict[str, bytes]) -> str | None:
    """The offered type the Accept header wants most (by q, then by its order)."""
    wanted = []
    for place, item in enumerate(accept.split(",")):
        kind, *params = (p.strip() for p in item.split(";"))
        q = next((float(p[2:]) for p in params if p.startswith("q=")), 1.0)
        wanted.append((-q, place, kind))
    ranked = [kind for minus_q, _, kind in sorted(wanted) if minus_q < 0]
    return next((kind for kind in ranked if kind in bodies), None)


def _not_modified(headers: dict, request_headers) -> bool:
    etag = headers.get("ETag")
    if etag and request_headers.get("If-None-Match") == etag:
        return True
    since, modified = request_headers.get("If-Modified-Since"), headers.get("Last-Modified")
    if since and modified:
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
        except (TypeError, ValueError):
            return False
    return False
