"""The roles page: the managed list of roles, each with a label per language; planners add
roles and rename labels (the same service as the API: planner.roles_service)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from common.validation import InputError
from planner import roles_service
from planner.models import Role
from planner.roles import LANGUAGES
from web.access import roles_required
from web.doors import commit, refused, write
from web.extensions import db
from web.i18n import say

bp = Blueprint("roles", __name__)


def language() -> str:
    return str(get_locale() or "en").split("_")[0]


@bp.app_template_global()
def role_label(code: str) -> str:
    """A role's label in the reader's language (its code when no role has it)."""
    if "role_book" not in g:
        g.role_book = roles_service.book(db.session)
    return g.role_book.label(code, language())


@bp.get("/roles")
@roles_required("planner", "commander")
def roles():
    rows = db.session.scalars(select(Role).order_by(Role.code)).all()
    book = roles_service.book(db.session)
    order = {r.code: i for i, r in enumerate(book.sorted_by_label(language()))}
    rows = sorted(rows, key=lambda r: order[r.code])
    return render_template("planner/roles.html", roles=rows, label_languages=LANGUAGES)


def _labels() -> dict[str, str]:
    return {lang: request.form.get(f"label_{lang}", "") for lang in LANGUAGES}


@bp.post("/roles")
@roles_required("planner")
def add_role():
    data = {"code": request.form.get("code", "").strip(), "labels": _labels()}
    try:
        role = commit(roles_service.create_role(write(), data)).result
    except InputError as exc:
        return _refused(exc)
    flash(
        _("Added the role %(label)s (%(code)s).", label=role_label(role.code), code=role.code),
        "info",
    )
    return redirect(url_for("roles.roles") + f"#role-{role.code}")


@bp.post("/roles/<code>")
@roles_required("planner")
def rename_role(code: str):
    try:
        role = commit(roles_service.rename_role(write(), code, {"labels": _labels()})).result
    except InputError as exc:
        return _refused(exc)
    flash(_("Saved the labels of %(code)s.", code=role.code), "info")
    return redirect(url_for("roles.roles") + f"#role-{role.code}")


def _refused(exc: InputError):
    db.session.rollback()
    refused(exc)
    flash(_("Nothing was saved: %(reason)s", reason=say(exc)), "error")
    return redirect(url_for("roles.roles"))
