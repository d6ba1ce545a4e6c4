"""JSON API for events, zones and shifts (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, abort, g, request
from flask_login import current_user
from sqlalchemy import select

from accounts.auth import roles_required
from extensions import db
from i18n import say
from maps.live import publish
from maps.redact import zone_for_partner
from messages import N_
from planner import services
from planner.models import Event, Shift, Zone
from planner.serialize import event_json, shift_json, zone_feature
from planner.zones import overlaps
from threats.serialize import feature_collection
from validation import InputError

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


@bp.patch("/events/<int:event_id>")
@roles_required("planner")
def update_event(event_id: int):
    event = get_event(event_id)
    g.audit_before = event_json(event)
    services.update_event(db.session, event, request.get_json(silent=True))
    body = event_json(event)
    g.audit_target, g.audit_after = f"event:{event_id}", body
    db.session.commit()
    return body


@bp.delete("/events/<int:event_id>")
@roles_required("admin")
def delete_event(event_id: int):
    event = get_event(event_id)
    g.audit_target, g.audit_before = f"event:{event_id}", event_json(event)
    db.session.delete(event)
    db.session.commit()
    return "", 204


@bp.get("/events/<int:event_id>/zones")
def list_zones(event_id: int):
    get_event(event_id)
    zones = db.session.scalars(select(Zone).where(Zone.event_id == event_id).order_by(Zone.id))
    return feature_collection(zone_for_viewer(z) for z in zones)


def zone_for_viewer(zone: Zone) -> dict:
    """The zone as GeoJSON; a partner's copy without notes (maps/redact.py)."""
    feature = zone_feature(zone)
    return zone_for_partner(feature) if current_user.is_partner else feature


@bp.post("/events/<int:event_id>/zones")
@roles_required("planner")
def create_zone(event_id: int):
    zone = services.create_zone(db.session, get_event(event_id), request.get_json(silent=True))
    return zone_saved(zone, 201)


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


def get_zone(event_id: int, zone_id: int) -> Zone:
    zone = db.session.get(Zone, zone_id)
    if zone is None or zone.event_id != event_id:
        abort(404, description=f"no zone {zone_id} in event {event_id}")
    return zone


def zone_saved(zone: Zone, status: int = 200):
    """Publish the change to the live map, in the same transaction as the change."""
    body = zone_feature(zone)
    publish(db.session, zone.event_id, "zone_changed", body)
    g.audit_target, g.audit_after = f"zone:{zone.id}", body
    db.session.commit()
    return body, status


@bp.get("/events/<int:event_id>/zones/<int:zone_id>")
def show_zone(event_id: int, zone_id: int):
    return zone_for_viewer(get_zone(event_id, zone_id))


@bp.patch("/events/<int:event_id>/zones/<int:zone_id>")
@roles_required("planner")
def update_zone(event_id: int, zone_id: int):
    zone = get_zone(event_id, zone_id)
    g.audit_before = zone_feature(zone)
    return zone_saved(services.update_zone(db.session, zone, request.get_json(silent=True)))


@bp.delete("/events/<int:event_id>/zones/<int:zone_id>")
@roles_required("planner")
def delete_zone(event_id: int, zone_id: int):
    zone = get_zone(event_id, zone_id)
    g.audit_target, g.audit_before = f"zone:{zone_id}", zone_feature(zone)
    db.session.delete(zone)
    gone = {
        "type": "Feature",
        "id": zone_id,
        "geometry": None,
        "properties": {"id": zone_id, "deleted": True},
    }
    publish(db.session, event_id, "zone_changed", gone)
    db.session.commit()
    return "", 204


@bp.post("/events/<int:event_id>/zones/import")
@roles_required("planner")
def import_zones(event_id: int):
    """A GeoJSON, KML, zipped Shapefile or GeoPackage file in any CRS; all or nothing."""
    event = get_event(event_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InputError(N_("send the zones as a multipart file in the field 'file'"), "file")
    report = services.import_zones(db.session, event, upload.read(), upload.filename)
    for zone in report.zones:
        publish(db.session, event_id, "zone_changed", zone_feature(zone))
    body = {
        "zones": feature_collection(zone_feature(z) for z in report.zones),
        "warnings": [say(w) for w in report.warnings],
        "source_crs": report.source_crs,
    }
    return created(body, f"event:{event_id}:zones:import")


@bp.get("/events/<int:event_id>/zones/overlaps")
def list_overlaps(event_id: int):
    get_event(event_id)
    zones = db.session.scalars(select(Zone).where(Zone.event_id == event_id)).all()
    names = {z.id: z.name for z in zones}
    found = overlaps([(z.id, z.geometry) for z in zones])
    return {
        "overlaps": [
            {
                "a": {"id": o.a, "name": names[o.a]},
                "b": {"id": o.b, "name": names[o.b]},
                "area_m2": round(o.area_m2, 1),
            }
            for o in found
        ]
    }
