"""Extension objects, created unbound here and bound to the app in create_app."""

from __future__ import annotations

import base64
import secrets
from hashlib import sha512

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, request, session
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf

from common.storage import Base
from threats.polling.credentials import SecretBox, secret_box
from threats.polling.fetch import Fetcher

db = SQLAlchemy(model_class=Base)
socketio = SocketIO()


def client_identifier() -> str:
    """What strong session protection binds a login to: the client's address and browser.

    Flask-Login's own takes the address from X-Forwarded-For, which any client can send,
    so a copied cookie would pass with the victim's address in that header. This takes
    `request.remote_addr`, which werkzeug's ProxyFix sets from X-Forwarded-For only for as
    many proxies as TRUSTED_PROXIES says are in front (app.py).
    """
    base = f"{request.remote_addr}|{request.headers.get('User-Agent')}"
    return sha512(base.encode("utf-8")).hexdigest()


class SessionOrTokenLoginManager(LoginManager):
    """Strong session protection, applied only to a session that holds a login, and bound
    to the address the app trusts (client_identifier).

    Flask-Login fails the check for any session without its `_id`, a login page's CSRF
    token for instance, and then never asks the request loader: an API client keeping
    cookies (requests.Session, a GIS tool) would get 401 for a valid Bearer token.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._session_identifier_generator = client_identifier

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


MASKED = "m."  # how a masked CSRF token starts


def masked_csrf_token() -> str:
    """The CSRF token as a page carries it: XORed with a fresh random pad, the pad in front,
    so that the same token is different bytes in every answer and every place in one.
    Answers are compressed (web.compression); a constant secret in a compressed page that
    also reflects what a visitor sent could be read from its size (BREACH)."""
    token = generate_csrf().encode()
    pad = secrets.token_bytes(len(token))
    mixed = bytes(a ^ b for a, b in zip(pad, token, strict=True))
    return MASKED + base64.urlsafe_b64encode(pad + mixed).decode()


def unmasked(sent: str | None) -> str | None:
    """The token a masked one carries; anything else as sent (Flask-WTF then judges it)."""
    if not sent or not sent.startswith(MASKED):
        return sent
    try:
        both = base64.urlsafe_b64decode(sent[len(MASKED) :].encode())
    except ValueError:
        return None
    half = len(both) // 2
    if not half or len(both) % 2:
        return None
    token = bytes(a ^ b for a, b in zip(both[:half], both[half:], strict=True))
    return token.decode("ascii", errors="replace")


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, with the token masked per use (masked_csrf_token)."""

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        app.jinja_env.globals["csrf_token"] = masked_csrf_token
        app.context_processor(lambda: {"csrf_token": masked_csrf_token})

    def _get_csrf_token(self) -> str | None:
        return unmasked(super()._get_csrf_token())


login_manager = SessionOrTokenLoginManager()
csrf = MaskedCSRFProtect()


def new_scheduler() -> BackgroundScheduler:
    """A scheduler whose jobs never run twice at once and whose misfires coalesce."""
    return BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )


def fetcher_for(app: Flask) -> Fetcher:
    """The app's one feed fetcher, made from its settings (allowed hosts, size, timeout)."""
    fetcher = app.extensions.get("eventwatch.fetcher")
    if fetcher is None:
        fetcher = Fetcher(
            app.config["FEED_ALLOWED_HOSTS"],
            app.config["FEED_USER_AGENT"],
            app.config["FEED_MAX_BYTES"],
            app.config["FEED_TIMEOUT_S"],
            deadline_s=app.config["FEED_DEADLINE_S"],
            secrets=feed_secrets(app),
        )
        app.extensions["eventwatch.fetcher"] = fetcher
    return fetcher


def feed_secrets(app: Flask) -> SecretBox:
    """The box that seals feed credentials: FEED_SECRETS_KEY's keys, else one derived from
    SECRET_KEY. create_app opens it first, so a bad key stops the start, naming the setting."""
    box = app.extensions.get("eventwatch.feed_secrets")
    if box is None:
        box = secret_box(app.config.get("FEED_SECRETS_KEY"), app.config["SECRET_KEY"])
        app.extensions["eventwatch.feed_secrets"] = box
    return box
