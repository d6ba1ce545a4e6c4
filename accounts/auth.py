"""Who is asking: session or bearer token, the login wall, the partner write ban, the audit."""

from __future__ import annotations

from flask import Flask, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import services, session_service, token_service
from accounts.models import User
from web.access import forbidden
from web.database import commit_written
from web.errors import api_error, wants_json
from web.extensions import csrf, db, login_manager

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_ENDPOINTS = frozenset(
    {
        "accounts.login",
        "static",
        "healthz",
        "maps.wall",
        "tiles.wall_tile",  # the wall link's own token is the key, as for its page
        "gis.threats",
        "gis.coverage",
    }
)
# Doors that check a token of their own and read no session: a partner's push to one feed
# (threats.polling.push_api). No login is asked, and no CSRF token, since no cookie of
# any kind gives them authority; a browser's session pushes nothing.
OWN_TOKEN_ENDPOINTS = frozenset({"feeds_push.push"})
# The demo's replayed CAP feed is public data, like the NWS feed it imitates.
PUBLIC_BLUEPRINTS = frozenset({"demo_feed"})
# A partner may still end its own session, set its own password and language; nothing else.
PARTNER_WRITABLE = frozenset(
    {"accounts.logout", "accounts.change_password", "accounts.set_language"}
)
# A one-time password opens only the page that replaces it.
PASSWORD_CHANGE_ENDPOINTS = PARTNER_WRITABLE


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session, on every request and every Socket.IO event, while its login
    is open on the server (a copy of a cookie from before a logout opens nothing)."""
    token_id = session.get(session_service.SOCKET_TOKEN_KEY)
    if token_id is not None:  # only a socket's own session, never a cookie, holds it
        return token_service.user_for_token_id(db.session, token_id, int(user_id))
    login = session_service.find(db.session, session.get(session_service.SESSION_KEY), int(user_id))
    if login is None:
        return None
    login.user.login = login
    return login.user


@login_manager.request_loader
def load_user_from_request(req) -> User | None:
    auth = req.authorization
    if auth is None or auth.type != "bearer" or not auth.token:
        return None
    # Noting the token's use (once a minute) is a write, even within a GET.
    user = commit_written(
        db.session, lambda session: token_service.user_for_token(session, auth.token)
    )
    if user is not None:
        g.via_token = True
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return api_error(401, "unauthorized", "Log in or send a valid Bearer token.")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _password_change_first():
    if wants_json():
        return api_error(403, "password_change_required", "Choose a new password first.")
    return redirect(url_for("accounts.change_password"))


def _confined() -> bool:
    """A session opened with a one-time password reaches only the password page, and is
    never promoted: once the password is changed (here or elsewhere) it has ended."""
    if g.get("via_token"):
        return False
    return current_user.must_change_password or current_user.login.scope != session_service.FULL


def guard():
    """Every route needs a login; partners never write; session writes need a CSRF token."""
    if request.endpoint is None:
        return None  # a 404 or 405 is answered as such, and reveals nothing
    if request.endpoint in OWN_TOKEN_ENDPOINTS:
        return None  # the view checks its own token
    if request.endpoint in PUBLIC_ENDPOINTS or request.blueprint in PUBLIC_BLUEPRINTS:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        return None
    if not current_user.is_authenticated:
        return unauthorized()
    if _confined() and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return _password_change_first()
    if request.method in SAFE_METHODS:
        return None
    if current_user.is_partner and request.endpoint not in PARTNER_WRITABLE:
        return forbidden(_("Partner accounts are read-only."))
    if not g.get("via_token"):
        csrf.protect()
    return None


def audit(response):
    """Record every attempted write, whether it succeeded or not."""
    if request.method in SAFE_METHODS or request.endpoint in (None, "static"):
        return response
    user = current_user if current_user.is_authenticated else None
    db.session.rollback()  # a view that did not commit must not be committed by the audit
    services.record(
        db.session,
        user,
        method=request.method,
        path=request.path[:500],
        status=response.status_code,
        action=g.get("audit_action") or request.endpoint or "",
        target=g.get("audit_target", ""),
        before=g.get("audit_before"),
        after=g.get("audit_after"),
        remote_addr=(request.remote_addr or "")[:64],
    )
    db.session.commit()
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.before_request(guard)
    app.after_request(audit)
