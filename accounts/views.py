"""Login, logout and password change pages."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, refresh
from flask_login import current_user, login_required, login_user, logout_user

from accounts import services
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
    wait = throttle.retry_after(db.session, g.audit_target, request.remote_addr or "", utcnow())
    if wait is not None:
        db.session.rollback()
        minutes = math.ceil(wait / 60)
        message = ngettext(
            "Too many failed logins: try again in %(num)d minute.",
            "Too many failed logins: try again in %(num)d minutes.",
            minutes,
        )
        flash(message, "error")
        page = render_template("accounts/login.html", next=request.form.get("next", ""))
        return page, 429, {"Retry-After": str(wait)}
    user = services.authenticate(db.session, username, request.form.get("password", ""))
    if user is None:
        db.session.rollback()
        flash(_("Wrong username or password."), "error")
        return render_template("accounts/login.html", next=request.form.get("next", "")), 401
    db.session.commit()
    login_user(user)
    if user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    g.audit_target = current_user.username
    logout_user()
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if request.method != "POST":
        return render_template("accounts/password.html")
    if request.form.get("new") != request.form.get("confirm"):
        flash(_("The two new passwords differ."), "error")
        return render_template("accounts/password.html"), 400
    current, new = request.form.get("current", ""), request.form.get("new", "")
    try:
        change = services.change_password(write(), current_user, current, new)
    except services.AccountError as exc:
        db.session.rollback()
        flash(say(exc), "error")
        return render_template("accounts/password.html"), 400
    commit(change)
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
