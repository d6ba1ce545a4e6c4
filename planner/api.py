"""JSON API for events, zones and shifts (/api/v1)."""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, request
from flask_login import current_user
from sqlalchemy import select

from common.audience import zone_for_partner
from common.geojson import feature_collection
from common.messages import N_
from common.validation import InputError
from planner import event_service, zone_service
from planner.models import Event, Shift, Zone
from planner.serialize import event_json, shift_json, zone_feature
from planner.zones import overlaps
from web.access import roles_required
from web.doors import (
    answer,
    before_any_transaction,
    commit,
    created,
    get_event,
    if_match,
    tagged,
    write,
)
from web.extensions import db
from web.i18n import say
from web.mapview import basemap_names

bp = Blueprint("planner_api", __name__, url_prefix="/api/v1")


def _body():
    return request.get_json(silent=True)


@bp.get("/events")
def list_events():
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    return {"events": [event_json(e) for e in events]}


@bp.post("/events")
@roles_required("planner")
def create_event():
    return created(event_service.create_event(write(), _body() or {}, basemaps=basemap_names()))


@bp.get("/events/<int:event_id>")
def show_event(event_id: int):
    return event_json(get_event(event_id))


@bp.patch("/events/<int:event_id>")
@roles_required("planner")
def update_event(event_id: int):
    event = get_event(event_id)
    return answer(event_service.update_event(write(), event, _body(), basemaps=basemap_names()))


@bp.delete("/events/<int:event_id>")
@roles_required("admin")
def delete_event(event_id: int):
    answer(event_service.delete_event(write(), get_event(event_id)))
    return "", 204


@bp.get("/events/<int:event_id>/zones")
def list_zones(event_id: int):
    get_event(event_id)
    zones = db.session.scalars(select(Zone).where(Zone.event_id == event_id).order_by(Zone.id))
    return feature_collection(zone_for_viewer(z) for z in zones)


def zone_for_viewer(zone: Zone) -> dict:
    """The zone as GeoJSON; a partner's copy without notes (common/audience.py)."""
    feature = zone_feature(zone)
    return zone_for_partner(feature) if current_user.is_partner else feature


@bp.post("/events/<int:event_id>/zones")
@roles_required("planner")
def create_zone(event_id: int):
    limit = current_app.config["ZONE_MAX_AREA_KM2"]
    return created(
        zone_service.create_zone(write(), get_event(event_id), _body(), max_area_km2=limit)
    )


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
    return created(event_service.create_shift(write(), get_event(event_id), _body() or {}))


@bp.get("/events/<int:event_id>/zones/<int:zone_id>")
def show_zone(event_id: int, zone_id: int):
    """The zone, with its version as the ETag (send it back in If-Match with a change)."""
    zone = zone_service.get_zone(db.session, get_event(event_id), zone_id)
    return tagged(zone_for_viewer(zone), zone_service.zone_version(zone))


@bp.patch("/events/<int:event_id>/zones/<int:zone_id>")
@roles_required("planner")
def update_zone(event_id: int, zone_id: int):
    """A change; with If-Match, only to the version named there (else 409, and the zone
    as it is now)."""
    event, seen = get_event(event_id), if_match()
    limit = current_app.config["ZONE_MAX_AREA_KM2"]
    change = zone_service.update_zone(
        write(), event, zone_id, _body(), seen=seen, max_area_km2=limit
    )
    commit(change)
    return tagged(change.after, zone_service.zone_version(change.result))


@bp.delete("/events/<int:event_id>/zones/<int:zone_id>")
@roles_required("planner")
def delete_zone(event_id: int, zone_id: int):
    answer(zone_service.delete_zone(write(), get_event(event_id), zone_id))
    return "", 204


@bp.post("/events/<int:event_id>/zones/import")
@roles_required("planner")
def import_zones(event_id: int):
    """A GeoJSON, KML, zipped Shapefile or GeoPackage file in any CRS; all or nothing. The
    zones are named from the column `name_field` names, else from one guessed: the answer
    says which, and lists every column with sample values to choose another."""
    report = _read_upload()
    change = zone_service.import_zones(write(), get_event(event_id), report)
    body, status = created(change)
    warnings = [say(w) for w in change.result.warnings]
    return {**body, "warnings": warnings, "columns": _columns(report)}, status


@bp.post("/events/<int:event_id>/zones/import/columns")
@roles_required("planner")
def zone_file_columns(event_id: int):
    """What importing the file would do, saving nothing: how many zones, the column that
    would name them and every column with sample values (the plan page's preview)."""
    get_event(event_id)
    report = _read_upload()
    return {
        "zones": len(report.zones),
        "source_crs": report.source_crs,
        "name_field": report.name_field,
        "name_guessed": report.name_guessed,
        "columns": _columns(report),
        "warnings": [say(w) for w in report.warnings],
    }


def _read_upload():
    """The multipart `file`, read and checked before any transaction (planner.reading)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InputError(N_("send the zones as a multipart file in the field 'file'"), "file")
    read = functools.partial(
        zone_service.read_zone_file,
        name_field=request.form.get("name_field"),
        max_area_km2=current_app.config["ZONE_MAX_AREA_KM2"],
    )
    return before_any_transaction(read, upload.read(), upload.filename)


def _columns(report) -> list[dict]:
    return [{"name": column, "samples": samples} for column, samples in report.columns.items()]


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
