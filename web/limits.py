"""Request body limits per door: MAX_CONTENT_LENGTH (MAX_UPLOAD_BYTES) for all, a larger one
where a door takes big files (a basemap). Set before the login wall reads the form for its
CSRF token, which is when the body is first parsed."""

from __future__ import annotations

from flask import Flask, current_app, request

# endpoint -> the setting that bounds its body (the file, and a megabyte for the form)
LIMITS = {"basemaps.upload": "BASEMAP_MAX_BYTES"}


def apply_limit() -> None:
    setting = LIMITS.get(request.endpoint or "")
    if setting:
        request.max_content_length = current_app.config[setting] + 1024 * 1024


def init_app(app: Flask) -> None:
    app.before_request(apply_limit)  # before accounts.auth's guard: init this first
