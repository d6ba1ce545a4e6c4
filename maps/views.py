"""The command view: the event map with live threat markers."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from maps.render import event_map, map_parts
from planner.models import Event, Zone
from planner.serialize import zone_feature
from threats.serialize import feature_collection

bp = Blueprint("maps", __name__)


@cache
def basemap(path: str | None) -> dict | None:
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else None


@bp.get("/events/<int:event_id>/command")
def command(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    zones = db.session.scalars(select(Zone).where(Zone.event_id == event_id)).all()
    m = event_map(
        feature_collection(zone_feature(z) for z in zones),
        static_url=url_for("static", filename=""),
        tiles_url=current_app.config["MAP_TILES_URL"],
        attribution=current_app.config["MAP_TILES_ATTRIBUTION"],
        basemap=basemap(current_app.config["MAP_BASEMAP"]),
    )
    return render_template(
        "maps/command.html",
        event=event,
        zones=zones,
        map=map_parts(m),
        read_only=current_user.is_partner,
    )
