"""Threats as GeoJSON Features, the shape the API and the live map share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shapely.geometry import mapping

from threats.models import Threat


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def threat_feature(threat: Threat, zone_names: Mapping[int, str]) -> dict:
    geometry = threat.geometry
    point = geometry.representative_point() if geometry is not None else None
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
            "zones": [
                {"id": zid, "name": zone_names[zid]} for zid in threat.zone_ids if zid in zone_names
            ],
            "source": threat.source,
            "source_id": threat.source_id,
            "point": [round(point.x, 6), round(point.y, 6)] if point is not None else None,
            "sent_at": iso(threat.sent_at),
            "expires_at": iso(threat.expires_at),
            "first_seen": iso(threat.first_seen),
            "updated_at": iso(threat.updated_at),
        },
    }


def feature_collection(features: Iterable[dict]) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}
