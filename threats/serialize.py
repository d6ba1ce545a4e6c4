"""Threats as GeoJSON Features, the shape the API and the live map share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

from common.times import iso
from threats.models import Threat
from threats.places import described, whole_event


def anchor(geometry: BaseGeometry) -> Point:
    """Where a marker for a shape goes: its centre (a circle's centre, say) when that lies
    inside it, else a point that surely does."""
    centre = geometry.centroid
    return (
        centre
        if geometry.contains(centre) or geometry.geom_type == "Point"
        else geometry.representative_point()
    )


def marker_point(geometry: BaseGeometry | None) -> list[float] | None:
    """[lon, lat] of the shape's marker (its anchor), or None for no shape."""
    if geometry is None or geometry.is_empty:
        return None
    point = anchor(geometry)
    return [round(point.x, 6), round(point.y, 6)]


def threat_feature(threat: Threat, zone_names: Mapping[int, str]) -> dict:
    geometry = threat.geometry
    return {
        "type": "Feature",
        "id": threat.id,
        "geometry": mapping(geometry) if geometry is not None else None,
        "properties": {
            "id": threat.id,
            "event_id": threat.event_id,
            "kind": threat.kind,
            "category": threat.category,
            "severity": threat.severity,
            "urgency": threat.urgency,
            "certainty": threat.certainty,
            "status": threat.status,
            "closed_reason": threat.closed_reason,
            "title": threat.title,
            "description": threat.description,
            "instruction": threat.instruction,
            "language": threat.language or "",
            "texts": threat.texts or {},
            "zones": [
                {"id": zid, "name": zone_names[zid]} for zid in threat.zone_ids if zid in zone_names
            ],
            # An alert with no shape that named the event's places reaches all of it.
            "scope": "event" if threat.places else "zones",
            "places": described(threat.places or []),
            "reach": whole_event(threat.places) if threat.places else "",
            # The rule that decided its zones and how far it reached (planner.reach).
            "reach_rule": threat.reach_rule,
            "source": threat.source,
            "source_id": threat.source_id,
            "reported_by": list(threat.reported_by or []),
            "assignee": threat.assignee,
            "point": marker_point(geometry),
            "sent_at": iso(threat.sent_at),
            "expires_at": iso(threat.expires_at),
            "first_seen": iso(threat.first_seen),
            "updated_at": iso(threat.updated_at),
        },
    }


def feature_collection(features: Iterable[dict]) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}
