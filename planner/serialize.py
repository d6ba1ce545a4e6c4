"""Events, zones and shifts as JSON (zones as GeoJSON Features); times in the event's own
zone, with their offset."""

from __future__ import annotations

from shapely.geometry import mapping

from common.times import iso
from planner.models import Event, Shift, Zone
from planner.outlines import live_outline


def event_json(event: Event) -> dict:
    return {
        "id": event.id,
        "name": event.name,
        "timezone": event.timezone,
        "starts_at": iso(event.starts_at, event.timezone),
        "ends_at": iso(event.ends_at, event.timezone),
        "expected_attendance": event.expected_attendance,
        "min_rest_hours": event.min_rest_hours,
        "max_hours_per_day": event.max_hours_per_day,
        "reach_rules": event.reach_rules,
        "geocodes": list(event.geocodes or []),
        "basemap": event.basemap,
        "center": None if event.center_lat is None else [event.center_lat, event.center_lon],
    }


def zone_feature(zone: Zone, geometry: dict | None = None) -> dict:
    """The zone as GeoJSON; `geometry` replaces its own (the live map's outline)."""
    return {
        "type": "Feature",
        "id": zone.id,
        "geometry": mapping(zone.geometry) if geometry is None else geometry,
        "properties": {
            "id": zone.id,
            "event_id": zone.event_id,
            "name": zone.name,
            "kind": zone.kind,
            "area_m2": round(zone.area_m2, 1),
            "density": zone.density,
            "capacity": zone.capacity,
            "notes": zone.notes,
        },
    }


def live_zone_feature(zone: Zone) -> dict:
    """The zone as the live map draws it, in a `zone_changed` delta: its outline simplified
    (planner.outlines); the API and exports keep the whole geometry."""
    return zone_feature(zone, mapping(live_outline(zone.geometry)))


def shift_json(shift: Shift) -> dict:
    return {
        "id": shift.id,
        "event_id": shift.event_id,
        "name": shift.name,
        "starts_at": iso(shift.starts_at, shift.event.timezone),
        "ends_at": iso(shift.ends_at, shift.event.timezone),
    }
