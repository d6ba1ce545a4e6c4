"""Create and read events, zones and shifts; every check happens before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from messages import N_, message_of
from planner.importing import read_zones
from planner.models import Event, Shift, Zone
from planner.zones import (
    MAX_DENSITY,
    STANDING_DENSITY,
    ZONE_KINDS,
    ZoneError,
    checked_area,
    polygon_from_geojson,
)
from threats.reach import rules_from_json, rules_to_json
from validation import InputError, aware_datetime, optional_number, text, timezone

DENSITY_KINDS = ("crowd", "vip")


def create_event(session: Session, data: dict) -> Event:
    tz = timezone(data)
    starts = aware_datetime(data, "starts_at", tz)
    ends = aware_datetime(data, "ends_at", tz)
    if ends <= starts:
        raise InputError(N_("ends_at must be after starts_at"), "ends_at")
    attendance = optional_number(data, "expected_attendance")
    event = Event(
        reach_rules=_reach_rules(data) if "reach_rules" in data else None,
        name=text(data, "name"),
        timezone=tz,
        starts_at=starts,
        ends_at=ends,
        expected_attendance=int(attendance) if attendance is not None else None,
    )
    session.add(event)
    session.flush()
    return event


EVENT_FIELDS = (
    "reach_rules",
    "name",
    "timezone",
    "starts_at",
    "ends_at",
    "expected_attendance",
    "min_rest_hours",
    "max_hours_per_day",
)


def update_event(session: Session, event: Event, changes: dict) -> Event:
    """Change an event's fields; the result is checked as a whole before it is kept."""
    if not isinstance(changes, dict) or not changes:
        raise InputError(N_("send the fields to change"))
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise InputError(N_("cannot change %(fields)s", fields=", ".join(sorted(unknown))))
    tz = timezone(changes) if "timezone" in changes else event.timezone
    starts = aware_datetime(changes, "starts_at", tz) if "starts_at" in changes else event.starts_at
    ends = aware_datetime(changes, "ends_at", tz) if "ends_at" in changes else event.ends_at
    if ends <= starts:
        raise InputError(N_("ends_at must be after starts_at"), "ends_at")
    rest = _hours(changes, "min_rest_hours", event.min_rest_hours, 0, 48)
    day = _hours(changes, "max_hours_per_day", event.max_hours_per_day, 1, 24)
    event.timezone, event.starts_at, event.ends_at = tz, starts, ends
    event.min_rest_hours, event.max_hours_per_day = rest, day
    if "name" in changes:
        event.name = text(changes, "name")
    if "reach_rules" in changes:
        event.reach_rules = _reach_rules(changes)
    if "expected_attendance" in changes:
        number = optional_number(changes, "expected_attendance")
        event.expected_attendance = None if number is None else int(number)
    session.flush()
    return event


def _reach_rules(data: dict) -> list | None:
    """How far each threat category reaches at this event: checked rules, or None for the
    defaults (storms within 8 miles reach every zone, NCTC cordons for suspicious items)."""
    if data.get("reach_rules") is None:
        return None
    try:
        return rules_to_json(rules_from_json(data["reach_rules"]))
    except ValueError as exc:
        raise InputError(message_of(exc), "reach_rules") from exc


def _hours(changes: dict, field: str, current: float, low: float, high: float) -> float:
    if field not in changes:
        return current
    value = optional_number(changes, field, minimum=low)
    if value is None or value > high:
        raise InputError(
            N_(
                "%(field)s must be between %(low)s and %(high)s hours",
                field=field,
                low=f"{low:g}",
                high=f"{high:g}",
            ),
            field,
        )
    return float(value)


def create_zone(session: Session, event: Event, feature: dict) -> Zone:
    """A zone from a GeoJSON Feature whose properties hold name, kind and density."""
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise InputError(N_("a zone is a GeoJSON Feature with properties"))
    props = feature["properties"]
    name = text(props, "name")
    kind = _kind(props)
    geometry, area = _shape(feature.get("geometry"), name)
    zone = Zone(
        event=event,
        name=name,
        kind=kind,
        geometry=geometry,
        area_m2=area,
        density=_density(props, kind),
        notes=text(props, "notes", required=False, max_len=2000),
    )
    session.add(zone)
    session.flush()
    return zone


def create_shift(session: Session, event: Event, data: dict) -> Shift:
    starts = aware_datetime(data, "starts_at", event.timezone)
    ends = aware_datetime(data, "ends_at", event.timezone)
    if ends <= starts:
        raise InputError(N_("ends_at must be after starts_at"), "ends_at")
    shift = Shift(event=event, name=text(data, "name"), starts_at=starts, ends_at=ends)
    session.add(shift)
    session.flush()
    return shift


def update_zone(session: Session, zone: Zone, changes: dict) -> Zone:
    """Change a zone's name, kind, density, notes or geometry; the area follows the shape."""
    if not isinstance(changes, dict) or not changes:
        raise InputError(N_("send the fields to change"))
    unknown = set(changes) - {"name", "kind", "density", "notes", "geometry", "properties"}
    if unknown:
        raise InputError(N_("cannot change %(fields)s", fields=", ".join(sorted(unknown))))
    fields = {**changes.get("properties", {}), **changes}
    if "name" in fields:
        zone.name = text(fields, "name")
    if "kind" in fields:
        zone.kind = _kind(fields)
    if "density" in fields:
        zone.density = _planned_density(fields)
    if "notes" in fields:
        zone.notes = text(fields, "notes", required=False, max_len=2000)
    if "geometry" in fields:
        zone.geometry, zone.area_m2 = _shape(fields["geometry"], zone.name)
    session.flush()
    return zone


def _density(props: dict, kind: str) -> float | None:
    """The planned density; standing crowds default to 2 persons/m², others to none."""
    if "density" in props:
        return _planned_density(props)
    return STANDING_DENSITY if kind in DENSITY_KINDS else None


def _planned_density(fields: dict) -> float | None:
    density = optional_number(fields, "density")
    if density is not None and density > MAX_DENSITY:
        raise InputError(
            N_("density must be at most %(max)s persons per m²", max=f"{MAX_DENSITY:g}"), "density"
        )
    return density


def _kind(fields: dict) -> str:
    kind = text(fields, "kind", max_len=32)
    if kind not in ZONE_KINDS:
        raise InputError(
            N_(
                "kind must be one of %(kinds)s, not %(kind)r",
                kinds=", ".join(ZONE_KINDS),
                kind=kind,
            ),
            "kind",
        )
    return kind


def _shape(geometry, name: str):
    try:
        label = N_("zone %(name)r", name=name)
        shape = polygon_from_geojson(geometry, label)
        return shape, checked_area(shape, label)
    except ZoneError as exc:
        raise InputError(message_of(exc), "geometry") from exc


@dataclass(frozen=True)
class ZoneImport:
    zones: list[Zone]
    warnings: list[str]
    source_crs: str


def import_zones(session: Session, event: Event, data: bytes, filename: str) -> ZoneImport:
    """Zones from a file; any refused feature refuses the whole file, so nothing is half-done."""
    try:
        report = read_zones(data, filename)
    except ZoneError as exc:
        raise InputError(message_of(exc), "file") from exc
    zones = [
        Zone(
            event=event,
            name=z.name,
            kind=z.kind,
            geometry=z.geometry,
            area_m2=z.area_m2,
            density=z.density,
            notes=z.notes,
        )
        for z in report.zones
    ]
    session.add_all(zones)
    session.flush()
    return ZoneImport(zones, report.warnings, report.source_crs)
