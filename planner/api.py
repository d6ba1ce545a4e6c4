"""JSON API for events, zones and shifts (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, abort, g, request
from sqlalchemy import select

from accounts.auth import roles_required
from extensions import db
from planner import services
from planner.models import Event, Shift, Zone
from planner.serialize import event_json, shift_json, zone_feature
from threats.serialize import feature_collection

bp = Blueprint("planner_api", __name__, url_prefix="/api/v1")


def get_event(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404, description=f"no event {event_id}")


def created(body: dict, target: str):
    g.audit_target, g.audit_after = target, body
    db.session.commit()
    return body, 201


@bp.get("/events")
def list_events():
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    return {"events": [event_json(e) for e in events]}


@bp.post("/events")
@roles_required("planner")
def create_event():
    event = services.create_event(db.session, request.get_json(silent=True) or {})
    return created(event_json(event), f"event:{event.id}")


@bp.get("/events/<int:event_id>")
def show_event(event_id: int):
    return event_json(get_event(event_id))


@bp.get("/events/<int:event_id>/zones")
def list_zones(event_id: int):
    get_event(event_id)
    zones = db.session.scalars(select(Zone).where(Zone.event_id == event_id).order_by(Zone.id))
    return feature_collection(zone_feature(z) for z in zones)


@bp.post("/events/<int:event_id>/zones")
@roles_required("planner")
def create_zone(event_id: int):
    zone = services.create_zone(db.session, get_event(event_id), request.get_json(silent=True))
    return created(zone_feature(zone), f"zone:{zone.id}")


@bp.get("/events/<int:event_id>/shifts")
def list_shifts(event_id: int):
    get_event(event_id)
    shifts = db.session.scalars(
        select(Shift).where(Shift.event_id == event_id).order_by(Shift.starts_at)
    )
    return {"shifts": [shift_json(s) for s in shifts]}


@bp.post("/events/<int:event_id>/shifts")
@roles_required("planner")
def create_shift(event_id: int):
    shift = services.create_shift(
        db.session, get_event(event_id), request.get_json(silent=True) or {}
    )
    return created(shift_json(shift), f"shift:{shift.id}")
