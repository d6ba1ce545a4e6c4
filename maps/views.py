"""The command view, the partners' shared view, and the wall display."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.auth import roles_required
from extensions import db
from maps import walls
from maps.redact import zone_for_partner
from maps.render import event_map, map_parts
from maps.strings import command_strings, map_labels
from planner.models import Event, Shift, Zone
from planner.serialize import zone_feature
from storage import utcnow
from threats.serialize import feature_collection

bp = Blueprint("maps", __name__)


@cache
def basemap(path: str | None) -> dict | None:
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else None


def live_page(event: Event, *, audience: str, wall_token: str = ""):
    """The live map page for one audience; what it may do is decided again on the server."""
    zones = db.session.scalars(select(Zone).where(Zone.event_id == event.id)).all()
    features = [zone_feature(z) for z in zones]
    if audience != "full":
        features = [zone_for_partner(f) for f in features]
    m = event_map(
        feature_collection(features),
        static_url=url_for("static", filename=""),
        tiles_url=current_app.config["MAP_TILES_URL"],
        attribution=current_app.config["MAP_TILES_ATTRIBUTION"],
        basemap=basemap(current_app.config["MAP_BASEMAP"]),
        labels=map_labels(),
    )
    shifts = db.session.scalars(
        select(Shift).where(Shift.event_id == event.id).order_by(Shift.starts_at)
    ).all()
    can_act = (
        audience == "full"
        and current_user.is_authenticated
        and current_user.role in ("admin", "commander")
    )
    return render_template(
        "maps/command.html",
        event=event,
        map=map_parts(m),
        audience=audience,
        can_act=can_act,
        shifts=shifts,
        wall_token=wall_token,
        js_strings=command_strings(),
    )


@bp.get("/events/<int:event_id>/command")
def command(event_id: int):
    if current_user.is_partner:
        return redirect(url_for("maps.shared", event_id=event_id))
    return live_page(db.session.get(Event, event_id) or abort(404), audience="full")


@bp.get("/events/<int:event_id>/shared")
def shared(event_id: int):
    """The partners' view: the same live map and threats, read-only, details withheld."""
    return live_page(db.session.get(Event, event_id) or abort(404), audience="partner")


WALL_DAYS = 7  # a wall link lives a week unless revoked sooner


@bp.get("/wall/<token>")
def wall(token: str):
    """A partner centre's screen: the shared view without a login, while the link is valid."""
    link = walls.find(db.session, token, utcnow())
    if link is None:
        abort(404, description=_("This wall display link is unknown, expired or revoked."))
    return live_page(db.session.get(Event, link.event_id), audience="partner", wall_token=token)


@bp.get("/events/<int:event_id>/walls")
@roles_required("commander")
def wall_links(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    return render_template(
        "maps/walls.html",
        event=event,
        links=walls.links_of(db.session, event_id, "wall"),
        now=utcnow(),
        new_url=session.pop("new_wall_url", None),
    )


@bp.post("/events/<int:event_id>/walls")
@roles_required("commander")
def new_wall_link(event_id: int):
    db.session.get(Event, event_id) or abort(404)
    token = walls.create(
        db.session,
        event_id,
        request.form.get("label", ""),
        current_user.username,
        utcnow(),
        timedelta(days=WALL_DAYS),
    )
    db.session.commit()
    session["new_wall_url"] = url_for("maps.wall", token=token, _external=True)
    return redirect(url_for("maps.wall_links", event_id=event_id))


@bp.post("/events/<int:event_id>/walls/<int:link_id>/revoke")
@roles_required("commander")
def revoke_wall_link(event_id: int, link_id: int):
    if not walls.revoke(db.session, event_id, link_id, "wall", utcnow()):
        abort(404)
    db.session.commit()
    flash(_("The wall display link is revoked; open screens stop at their next reconnect."), "info")
    return redirect(url_for("maps.wall_links", event_id=event_id))
