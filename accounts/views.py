"""Login, logout and password change pages."""

from __future__ import annotations

import math
from functools import partial
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext, refresh
from flask_login import current_user, login_required, login_user, logout_user

from accounts import devices, services, session_service
from accounts import throttle_service as throttle
from common.times import utcnow
from web.doors import commit, write
from web.extensions import db
from web.i18n import LANGUAGES, say

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a same-site path after login, never another host."""
    if not target:
        return url_for("planner.events")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("planner.events")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method != "POST":
        if request.args.get("lang") in LANGUAGES:  # chosen before there is a user to save it on
            session["locale"] = request.args["lang"]
            refresh()
        return render_template("accounts/login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip()
    g.audit_target = username[:200]
    known = devices.read(request.cookies.get(devices.COOKIE), current_app.secret_key)
    keys = throttle.keys_for(g.audit_target, request.remote_addr or "", known.get(username))
    now = utcnow()
    wait = throttle.take_turn(db.session, keys, now)
    if wait is not None:
        db.session.rollback()
        return _throttled(wait)
    db.session.commit()  # this try is counted before its password is checked
    change = _log_in(username, request.form.get("password", ""))
    if change is None:
        db.session.rollback()
        flash(_("Wrong username or password."), "error")
        return render_template("accounts/login.html", next=request.form.get("next", "")), 401
    throttle.succeeded(db.session, keys, now)
    commit(change)
    return _logged_in(change, known)


def _log_in(username: str, password: str):
    user = services.authenticate(db.session, username, password)
    if user is None:
        return None
    try:
        return services.log_in(write(), user)
    except services.AccountError:  # its one-time password was spent by another login
        return None


def _logged_in(change, known: dict[str, str]):
    """Hold the new login in the session cookie, remember this browser for the account."""
    user = change.result.user
    login_user(user)
    session[session_service.SESSION_KEY] = change.result.secret
    if user.must_change_password:
        response = redirect(url_for("accounts.change_password"))
    else:
        response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie(
        devices.COOKIE,
        devices.remember(known, user.username, current_app.secret_key),
        max_age=int(devices.LIFETIME.total_seconds()),
        path=url_for("accounts.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _throttled(wait: int):
    minutes = math.ceil(wait / 60)
    message = ngettext(
        "Too many failed logins: try again in %(num)d minute.",
        "Too many failed logins: try again in %(num)d minutes.",
        minutes,
    )
    flash(message, "error")
    page = render_template("accounts/login.html", next=request.form.get("next", ""))
    return page, 429, {"Retry-After": str(wait)}


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End this login on the server too: a copy of the cookie opens nothing afterwards."""
    commit(services.log_out(write(), current_user._get_current_object(), current_user.login))
    logout_user()
    session.pop(session_service.SESSION_KEY, None)
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    login = current_user.login
    one_time = login is not None and login.scope != session_service.FULL
    page = partial(render_template, "accounts/password.html", one_time=one_time)
    if request.method != "POST":
        return page()
    if request.form.get("new") != request.form.get("confirm"):
        flash(_("The two new passwords differ."), "error")
        return page(), 400
    current, new = request.form.get("current", ""), request.form.get("new", "")
    user = current_user._get_current_object()
    try:
        change = services.change_password(write(), user, current, new, user.login)
    except services.AccountError as exc:
        db.session.rollback()
        flash(say(exc), "error")
        return page(), 400
    commit(change)
    session[session_service.SESSION_KEY] = change.result  # every other login has ended
    flash(_("Password changed."), "info")
    return redirect(url_for("planner.events"))


@bp.post("/account/language")
@login_required
def set_language():
    """Save the user's own language; it wins over the browser's from then on."""
    choice = request.form.get("locale", "")
    back = _safe_next(request.form.get("next"))
    try:
        commit(services.set_locale(write(), current_user, choice, LANGUAGES))
    except services.AccountError as exc:
        db.session.rollback()
        flash(say(exc), "error")
        return redirect(back)
    session["locale"] = choice
    refresh()
    return redirect(back)
