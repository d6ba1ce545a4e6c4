"""Answers compressed for the browsers that ask: br or gzip, as Accept-Encoding says.

Pages, their scripts and style sheets, and every JSON or GeoJSON answer go out compressed
when they are worth it (not under MIN_BYTES: a packet or so gains nothing). Socket.IO
compresses its own: permessage-deflate on the WebSocket, gzip on long-polling.

BREACH (a compressed answer that reflects what an attacker sends beside a secret leaks the
secret through its size) is answered where the secret is: the CSRF token is masked afresh
for every use (web.csrf), so no two answers carry the same bytes for it.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

import brotli
from flask import Flask, Response, request

MIN_BYTES = 1400  # about one packet
GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # fast enough per answer; static files are kept compressed (below)
STATIC_KEPT = 200  # static files kept compressed, per encoding: the app serves a few dozen
COMPRESSIBLE = {
    "application/atom+xml",
    "application/cap+xml",
    "application/geo+json",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "text/css",
    "text/csv",
    "text/html",
    "text/javascript",
    "text/plain",
    "text/xml",
}
_STATIC: OrderedDict[tuple, bytes] = OrderedDict()  # (path, ETag, encoding) -> body
_STATIC_LOCK = threading.Lock()


def chosen_encoding() -> str | None:
    """br or gzip, whichever the request accepts with the higher weight (br on a tie)."""
    return request.accept_encodings.best_match(["br", "gzip"])


def compressed(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def compress(response: Response) -> Response:
    """Compress the answer when the request accepts it and it is worth it; say so in Vary
    either way, so no cache hands a compressed answer to a client that cannot read it."""
    if response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers:
        return response
    response.vary.add("Accept-Encoding")
    encoding = chosen_encoding()
    if (
        encoding is None
        or request.method == "HEAD"
        or response.status_code in (204, 206, 304)
        or response.status_code < 200
        or (response.is_streamed and not response.direct_passthrough)  # a generator
    ):
        return response
    static = response.direct_passthrough  # a file (send_file): read once, kept compressed
    response.direct_passthrough = False
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    tag, _ = response.get_etag()
    if static and tag:
        body = _static(request.path, tag, encoding, body)
    else:
        body = compressed(body, encoding)
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    if tag:  # another representation: weak, as proxies that compress make it (web.doors)
        response.set_etag(tag, weak=True)
    return response


def _static(path: str, tag: str, encoding: str, body: bytes) -> bytes:
    key = (path, tag, encoding)
    with _STATIC_LOCK:
        if key in _STATIC:
            _STATIC.move_to_end(key)
            return _STATIC[key]
    packed = compressed(body, encoding)
    with _STATIC_LOCK:
        _STATIC[key] = packed
        while len(_STATIC) > STATIC_KEPT:
            _STATIC.popitem(last=False)
    return packed


def init_app(app: Flask) -> None:
    """Last of the after-request hooks (they run in reverse order of adding): what the
    others add to the answer is compressed with it."""
    app.after_request_funcs.setdefault(None, []).insert(0, compress)
