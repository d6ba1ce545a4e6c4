"""The live link compresses what it sends as the browser offers: `python app.py` answers a
WebSocket that offers permessage-deflate with it (the snapshot then goes deflated), and one
that does not with plain frames."""

from __future__ import annotations

import base64
import os
import socket


def upgrade(url: str, offer: str | None) -> dict[str, str]:
    """The headers of the answer to a WebSocket handshake for /socket.io/."""
    host, port = url.removeprefix("http://").split(":")
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1",
        f"Host: {host}:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    if offer:
        lines.append(f"Sec-WebSocket-Extensions: {offer}")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    status, *rest = answer.split(b"\r\n\r\n")[0].decode().split("\r\n")
    assert " 101 " in status, status
    return {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in rest)}


def test_the_live_link_deflates_when_the_browser_offers_it(demo_server):
    offered = "permessage-deflate; client_max_window_bits"  # what Chromium sends
    answer = upgrade(demo_server.url, offered)
    assert answer.get("sec-websocket-extensions", "").startswith("permessage-deflate")
    plain = upgrade(demo_server.url, None)
    assert "sec-websocket-extensions" not in plain
