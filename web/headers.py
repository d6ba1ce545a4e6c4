"""Security headers on every response: what the page may load, and from where."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app


def _tiles_origin() -> str:
    url = current_app.config["MAP_TILES_URL"]
    if not url:
        return ""
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(response):
    tiles = _tiles_origin()
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
        f"'unsafe-inline'; img-src 'self' data: {tiles}; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), payment=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: keep it that way
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
