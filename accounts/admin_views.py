"""The admin's pages for accounts: users (deactivate, reactivate, change a role) and API
tokens (list, revoke). Each write ends what it must at once: sessions, and open sockets
in every web process (accounts.cutoff_service)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from accounts import token_service, user_service
from accounts.models import ROLES, ApiToken, LoginSession, User
from accounts.services import AccountError
from common.validation import NotFound
from web.access import roles_required
from web.doors import commit, refused, write
from web.extensions import db
from web.i18n import say

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _counts(column, *where) -> dict[int, int]:
    query = select(column, func.count()).where(*where).group_by(column)
    return dict(db.session.execute(query).all())


@bp.get("/users")
@roles_required("admin")
def users():
    return render_template(
        "accounts/users.html",
        users=user_service.all_users(db.session),
        roles=ROLES,
        sessions=_counts(LoginSession.user_id, LoginSession.ended_at.is_(None)),
        tokens=_counts(ApiToken.user_id, ApiToken.revoked_at.is_(None)),
    )


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def _carry_out(use_case, *args, done: str):
    """Commit the use case, or say why it was refused; back to the users page either way."""
    try:
        commit(use_case(write(), *args))
    except (AccountError, NotFound) as exc:
        db.session.rollback()
        refused(exc)
        flash(say(exc), "error")
    else:
        flash(done, "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/<any(deactivate, activate):action>")
@roles_required("admin")
def set_active(user_id: int, action: str):
    user = _user(user_id)
    if action == "deactivate":
        done = _(
            "%(name)s is deactivated: sessions ended, live connections cut.", name=user.username
        )
        return _carry_out(user_service.deactivate, user, done=done)
    done = _("%(name)s may log in again.", name=user.username)
    return _carry_out(user_service.activate, user, done=done)


@bp.post("/users/<int:user_id>/role")
@roles_required("admin")
def set_role(user_id: int):
    user, role = _user(user_id), request.form.get("role", "")
    done = _("%(name)s has a new role and logs in again under it.", name=user.username)
    return _carry_out(user_service.set_role, user, role, done=done)


@bp.get("/tokens")
@roles_required("admin")
def tokens():
    return render_template("accounts/tokens.html", tokens=token_service.all_tokens(db.session))


@bp.post("/tokens/<int:token_id>/revoke")
@roles_required("admin")
def revoke_token(token_id: int):
    try:
        commit(token_service.revoke_token(write(), token_id))
    except NotFound as exc:
        db.session.rollback()
        refused(exc)
        flash(say(exc), "error")
    else:
        flash(_("The token is revoked; its live connections are cut."), "info")
    return redirect(url_for("admin.tokens"))
