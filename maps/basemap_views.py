"""The admin's basemaps page: the instance's tile files, an upload, a removal."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from common.validation import InputError, NotFound
from maps import basemap_service, basemaps
from web.access import roles_required
from web.doors import commit, refused, write
from web.extensions import db
from web.i18n import say
from web.mapview import basemap_folder

bp = Blueprint("basemaps", __name__, url_prefix="/admin/basemaps")


@bp.get("")
@roles_required("admin")
def index():
    return render_template(
        "maps/basemaps.html",
        basemaps=basemaps.list_basemaps(basemap_folder()),
        default=current_app.config["BASEMAP_DEFAULT"],
        max_mb=current_app.config["BASEMAP_MAX_BYTES"] // (1024 * 1024),
    )


@bp.post("")
@roles_required("admin")
def upload():
    limit = current_app.config["BASEMAP_MAX_BYTES"]  # the body's own: web/limits.py
    upload = request.files.get("file")
    name = request.form.get("name", "").strip()
    try:
        if upload is None or not upload.filename:
            raise InputError(_("Choose a .mbtiles or .pmtiles file."), "file")
        change = basemap_service.install_basemap(
            write(), basemap_folder(), name, upload.stream, upload.filename, max_bytes=limit
        )
    except InputError as exc:
        return _refused(exc)
    found = commit(change).result
    flash(_("Basemap %(name)s is ready: an event can choose it.", name=found.name), "info")
    return redirect(url_for("basemaps.index"))


@bp.post("/<name>/remove")
@roles_required("admin")
def remove(name: str):
    try:
        commit(basemap_service.remove_basemap(write(), basemap_folder(), name))
    except NotFound as exc:
        return _refused(exc)
    flash(_("Basemap %(name)s is removed.", name=name), "info")
    return redirect(url_for("basemaps.index"))


def _refused(exc: Exception):
    db.session.rollback()
    refused(exc)
    flash(_("Nothing was saved: %(reason)s", reason=say(exc)), "error")
    return redirect(url_for("basemaps.index"))
