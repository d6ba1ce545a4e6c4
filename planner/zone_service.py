"""Zones as planners draw, change, delete and import them; each change reaches the live
map as a `zone_changed` delta in the same transaction."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from common.geojson import feature_collection
from common.messages import N_, message_of
from common.validation import InputError, NotFound, optional_number, text
from common.versions import check_version, version_of
from common.writes import Change, Write
from planner import reading
from planner.models import Event, Zone
from planner.serialize import live_zone_feature, zone_feature
from planner.zone_reports import ImportReport
from planner.zones import (
    MAX_DENSITY,
    MAX_ZONE_AREA_M2,
    STANDING_DENSITY,
    ZONE_KINDS,
    ZoneError,
    checked_area,
    polygon_from_geojson,
)

DENSITY_KINDS = ("crowd", "vip")
ZONE_FIELDS = {"name", "kind", "density", "notes", "geometry", "properties"}


def get_zone(session: Session, event: Event, zone_id: int, *, lock: bool = False) -> Zone:
    """The event's zone; with `lock`, held until the transaction ends (PostgreSQL's FOR
    UPDATE: SQLite's BEGIN IMMEDIATE already lets one writer in at a time)."""
    zone = session.get(Zone, zone_id, with_for_update=lock, populate_existing=lock)
    if zone is None or zone.event_id != event.id:
        raise NotFound(f"no zone {zone_id} in event {event.id}")
    return zone


def create_zone(
    w: Write, event: Event, feature: dict, *, max_area_km2: float = MAX_ZONE_AREA_M2 / 1e6
) -> Change[Zone]:
    """A zone from a GeoJSON Feature whose properties hold name, kind and density; at most
    `max_area_km2` (the ZONE_MAX_AREA_KM2 setting)."""
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise InputError(N_("a zone is a GeoJSON Feature with properties"))
    props = feature["properties"]
    name = text(props, "name")
    kind = _kind(props)
    geometry, area = _shape(feature.get("geometry"), name, max_area_km2)
    zone = Zone(
        event=event,
        name=name,
        kind=kind,
        geometry=geometry,
        area_m2=area,
        density=_density(props, kind),
        notes=text(props, "notes", required=False, max_len=2000, multiline=True),
    )
    w.session.add(zone)
    return _published(w, "zone.create", zone)


def zone_version(zone: Zone) -> str:
    """The zone's version: its ETag, and what a write names in If-Match (common.versions)."""
    return version_of(zone.updated_at)


def update_zone(
    w: Write,
    event: Event,
    zone_id: int,
    changes: dict,
    *,
    seen: Collection[str] | None = None,
    max_area_km2: float = MAX_ZONE_AREA_M2 / 1e6,
) -> Change[Zone]:
    """Change a zone's name, kind, density, notes or geometry; the area follows the shape.
    A write based on another version than the current one (`seen`) is a Conflict."""
    zone = get_zone(w.session, event, zone_id, lock=True)
    stale = N_(
        "zone %(id)d changed after you read it: read it again, then send your change again",
        id=zone.id,
    )
    check_version(zone_version(zone), seen, stale, lambda: zone_feature(zone))
    if not isinstance(changes, dict) or not changes:
        raise InputError(N_("send the fields to change"))
    unknown = set(changes) - ZONE_FIELDS
    if unknown:
        raise InputError(N_("cannot change %(fields)s", fields=", ".join(sorted(unknown))))
    before = zone_feature(zone)
    fields = {**(changes.get("properties") or {}), **changes}
    if "name" in fields:
        zone.name = text(fields, "name")
    if "kind" in fields:
        zone.kind = _kind(fields)
    if "density" in fields:
        zone.density = _planned_density(fields)
    if "notes" in fields:
        zone.notes = text(fields, "notes", required=False, max_len=2000, multiline=True)
    if "geometry" in fields:
        zone.geometry, zone.area_m2 = _shape(fields["geometry"], zone.name, max_area_km2)
    return _published(w, "zone.update", zone, before)


def delete_zone(w: Write, event: Event, zone_id: int) -> Change[None]:
    """Delete a zone; open command views drop it at once."""
    zone = get_zone(w.session, event, zone_id)
    before = zone_feature(zone)
    w.session.delete(zone)
    w.session.flush()
    gone = {
        "type": "Feature",
        "id": zone_id,
        "geometry": None,
        "properties": {"id": zone_id, "deleted": True},
    }
    w.tell(event.id, "zone_changed", gone)
    return Change("zone.delete", f"zone:{zone_id}", before=before)


def _published(w: Write, action: str, zone: Zone, before: dict | None = None) -> Change[Zone]:
    w.session.flush()
    after = zone_feature(zone)
    w.tell(zone.event_id, "zone_changed", live_zone_feature(zone))
    return Change(action, f"zone:{zone.id}", after=after, before=before, result=zone)


@dataclass(frozen=True)
class ZoneImport:
    zones: list[Zone]
    warnings: list[str]
    source_crs: str
    report: ImportReport  # the column that named the zones, and the others to choose from


def read_zone_file(
    data: bytes,
    filename: str,
    *,
    name_field: str | None = None,
    max_area_km2: float = MAX_ZONE_AREA_M2 / 1e6,
) -> ImportReport:
    """A zone file read and checked in a reading process of its own, within a deadline
    (planner.reading), its zones named from the `name_field` column (guessed when None or
    blank) and none larger than `max_area_km2` (the ZONE_MAX_AREA_KM2 setting). Doors call
    it before any transaction begins: a slow or hostile file then holds no lock, and on
    SQLite every other request goes on."""
    chosen = name_field.strip() if isinstance(name_field, str) else None
    try:
        return reading.read_zone_file(
            data, filename, name_field=chosen or None, max_area_m2=max_area_km2 * 1e6
        )
    except ZoneError as exc:
        raise InputError(message_of(exc), exc.field or "file") from exc


def import_zones(w: Write, event: Event, report: ImportReport) -> Change[ZoneImport]:
    """The zones of a file read by read_zone_file; it refused the whole file if any feature
    was refused, so nothing is half-done."""
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
    w.session.add_all(zones)
    w.session.flush()
    features = [zone_feature(z) for z in zones]
    for zone in zones:
        w.tell(event.id, "zone_changed", live_zone_feature(zone))
    after = {
        "zones": feature_collection(features),
        "warnings": report.warnings,
        "source_crs": report.source_crs,
        "name_field": report.name_field,
        "name_guessed": report.name_guessed,
    }
    result = ZoneImport(zones, report.warnings, report.source_crs, report)
    return Change("zone.import", f"event:{event.id}:zones", after=after, result=result)


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


def _shape(geometry, name: str, max_area_km2: float):
    try:
        label = N_("zone %(name)r", name=name)
        shape = polygon_from_geojson(geometry, label)
        return shape, checked_area(shape, label, max_area_km2 * 1e6)
    except ZoneError as exc:
        raise InputError(message_of(exc), "geometry") from exc
