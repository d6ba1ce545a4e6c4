"""Zones, threats and assignments of an event as GeoJSON or KML downloads (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import get_locale
from flask_login import current_user

from common.audience import threat_for_partner, zone_for_partner
from common.validation import NotFound
from planner import division_service, export_service, geoformats, roles_service
from planner.models import Shift
from threats import threat_service
from threats.lifecycle import parse_statuses
from web.access import roles_required
from web.doors import answer, get_event, query_id, write
from web.downloads import file_download
from web.extensions import db

bp = Blueprint("exports_api", __name__, url_prefix="/api/v1")

FORMATS = "<any(geojson, kml):fmt>"


def _download(features: list[dict], layer: str, fmt: str, filename: str, label=None):
    if fmt == "kml":
        body = geoformats.kml_bytes(features, layer, label)
        return file_download(body, f"{filename}.kml", geoformats.KML_MIMETYPE)
    body = geoformats.geojson_bytes(features)
    return file_download(body, f"{filename}.geojson", geoformats.GEOJSON_MIMETYPE)


@bp.get(f"/events/<int:event_id>/exports/zones.{FORMATS}")
def zones(event_id: int, fmt: str):
    """Every zone's polygon with its name, kind, area and capacity (partners: no notes)."""
    get_event(event_id)
    features = export_service.zone_features(db.session, event_id)
    if current_user.is_partner:
        features = [zone_for_partner(f) for f in features]
    return _download(features, "zones", fmt, f"zones-event{event_id}")


@bp.get(f"/events/<int:event_id>/exports/threats.{FORMATS}")
def threats(event_id: int, fmt: str):
    """The event's threats, `?status=` as in the threats API; partners get the redacted copy."""
    get_event(event_id)
    wanted = parse_statuses(request.args.get("status"))
    features = threat_service.threat_features(db.session, event_id, wanted)
    if current_user.is_partner:
        features = [threat_for_partner(f) for f in features]
    name = f"threats-event{event_id}"
    return _download(features, "threats", fmt, name, geoformats.threat_label)


@bp.get(f"/events/<int:event_id>/exports/assignments.{FORMATS}")
@roles_required("planner", "commander")  # who is where: never partners
def assignments(event_id: int, fmt: str):
    """One feature per assignment (`?shift=` one operational period): zone, person, role."""
    event = get_event(event_id)
    shift_id = query_id("shift")
    name = f"assignments-event{event_id}"
    if shift_id is not None:
        shift = db.session.get(Shift, shift_id)
        if shift is None or shift.event_id != event_id:
            raise NotFound(f"no shift {shift_id} in event {event_id}")
        name += f"-shift{shift_id}"
    book, language = roles_service.book(db.session), str(get_locale() or "en")[:2]
    features = export_service.assignment_features(
        db.session, event, shift_id, lambda code: book.label(code, language)
    )
    return _download(features, "assignments", fmt, name)


@bp.get("/events/<int:event_id>/divisions")
@roles_required("planner", "commander")  # radio channels and phones: not for partners
def division_notes(event_id: int):
    """Communications and special instructions per division and period (`?shift=` one)."""
    get_event(event_id)
    rows = division_service.notes_of(db.session, event_id, query_id("shift"))
    return {"divisions": [division_service.note_json(n) for n in rows]}


@bp.put("/events/<int:event_id>/divisions")
@roles_required("planner", "commander")
def set_division_note(event_id: int):
    """{zone_id, shift_id, communications, special_instructions}: the ICS 204's boxes 7
    and 8 for that division and period."""
    body = request.get_json(silent=True)
    return answer(division_service.set_note(write(), get_event(event_id), body))
