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


def content_security_policy() -> str:
    """Only the app's own files run or style a page. No 'unsafe-inline', and no nonce either:
    no page has an inline script, style block, style attribute or event handler (the map is
    data for static/js/map.js), so markup that reaches a page by any path cannot run. Leaflet
    places its panes through the style property (CSSOM), which style-src does not govern."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: {_tiles_origin()}; connect-src 'self'; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), payment=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: keep it that way
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
