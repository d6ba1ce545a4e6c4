"""Create and read events, zones and shifts; every check happens before anything is written."""

from __future__ import annotations

from sqlalchemy.orm import Session

from planner.models import Event, Shift, Zone
from planner.zones import ZONE_KINDS, ZoneError, checked_area, polygon_from_geojson
from validation import InputError, aware_datetime, optional_number, text, timezone


def create_event(session: Session, data: dict) -> Event:
    tz = timezone(data)
    starts = aware_datetime(data, "starts_at", tz)
    ends = aware_datetime(data, "ends_at", tz)
    if ends <= starts:
        raise InputError("ends_at must be after starts_at", "ends_at")
    attendance = optional_number(data, "expected_attendance")
    event = Event(
        name=text(data, "name"),
        timezone=tz,
        starts_at=starts,
        ends_at=ends,
        expected_attendance=int(attendance) if attendance is not None else None,
    )
    session.add(event)
    session.flush()
    return event


def create_zone(session: Session, event: Event, feature: dict) -> Zone:
    """A zone from a GeoJSON Feature whose properties hold name, kind and density."""
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise InputError("a zone is a GeoJSON Feature with properties")
    props = feature["properties"]
    name = text(props, "name")
    kind = text(props, "kind", max_len=32)
    if kind not in ZONE_KINDS:
        raise InputError(f"kind must be one of {', '.join(ZONE_KINDS)}, not {kind!r}", "kind")
    try:
        geometry = polygon_from_geojson(feature.get("geometry"), f"zone {name!r}")
        area = checked_area(geometry, f"zone {name!r}")
    except ZoneError as exc:
        raise InputError(str(exc), "geometry") from exc
    zone = Zone(
        event=event,
        name=name,
        kind=kind,
        geometry=geometry,
        area_m2=area,
        density=optional_number(props, "density"),
        notes=text(props, "notes", required=False, max_len=2000),
    )
    session.add(zone)
    session.flush()
    return zone


def create_shift(session: Session, event: Event, data: dict) -> Shift:
    starts = aware_datetime(data, "starts_at", event.timezone)
    ends = aware_datetime(data, "ends_at", event.timezone)
    if ends <= starts:
        raise InputError("ends_at must be after starts_at", "ends_at")
    shift = Shift(event=event, name=text(data, "name"), starts_at=starts, ends_at=ends)
    session.add(shift)
    session.flush()
    return shift
