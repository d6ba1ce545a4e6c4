"""Zones, threats and assignments as files GIS tools open: GeoJSON and KML, in EPSG:4326."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import pyogrio
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

GEOJSON_MIMETYPE = "application/geo+json"
KML_MIMETYPE = "application/vnd.google-earth.kml+xml"


@dataclass(frozen=True)
class Posting:
    """One assignment placed on the map: who, as what, in which zone, for which period."""

    id: int
    zone_id: int
    zone: str
    geometry: BaseGeometry
    person_id: int
    person: str
    agency: str
    unit: str
    role: str
    shift_id: int
    shift: str
    starts_at: datetime
    ends_at: datetime
    role_label: str = ""  # the role as the reader calls it (the code when not given)


def posting_feature(posting: Posting, tz: str) -> dict:
    """A GeoJSON Feature with the zone's polygon; times in the event's own zone."""
    zone = ZoneInfo(tz)
    return {
        "type": "Feature",
        "id": posting.id,
        "geometry": mapping(posting.geometry),
        "properties": {
            "id": posting.id,
            "name": f"{posting.person} ({posting.role_label or posting.role}), {posting.zone}",
            "zone_id": posting.zone_id,
            "zone": posting.zone,
            "person_id": posting.person_id,
            "person": posting.person,
            "agency": posting.agency,
            "unit": posting.unit,
            "role": posting.role,  # the code, for machines; the label beside it, for people
            "role_label": posting.role_label or posting.role,
            "shift_id": posting.shift_id,
            "shift": posting.shift,
            "starts_at": posting.starts_at.astimezone(zone).isoformat(),
            "ends_at": posting.ends_at.astimezone(zone).isoformat(),
        },
    }


def geojson_bytes(features: Iterable[dict]) -> bytes:
    """A FeatureCollection (RFC 7946: lon/lat on WGS 84, no CRS member) as UTF-8."""
    collection = {"type": "FeatureCollection", "features": list(features)}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def threat_label(properties: Mapping) -> str:
    """A threat's placemark name from the fields it carries (a partner's copy has fewer)."""
    what = properties.get("kind") or properties.get("category") or "threat"
    return f"{what} #{properties.get('id')} ({properties.get('severity') or 'unknown'})"


def kml_bytes(
    features: Sequence[dict], layer: str, label: Callable[[Mapping], str] | None = None
) -> bytes:
    """One KML Folder of Placemarks, named by `label(properties)` (else their `name`), with
    every other property in ExtendedData; lists and objects are flattened to text."""
    rows = [_flat(f.get("properties") or {}) for f in features]
    for row, feature in zip(rows, features, strict=True):
        row["name"] = (label or _name)(feature.get("properties") or {})
    geometries = [_geometry(f.get("geometry")) for f in features]
    frame = gpd.GeoDataFrame(rows, geometry=geometries, crs="EPSG:4326")
    if frame.empty:
        frame = gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    out = io.BytesIO()
    pyogrio.write_dataframe(
        frame, out, driver="KML", layer=layer, dataset_options={"NameField": "name"}
    )
    return out.getvalue()


def _name(properties: Mapping) -> str:
    return str(properties.get("name") or properties.get("id") or "")


def _geometry(geometry: dict | None) -> BaseGeometry | None:
    return shape(geometry) if geometry else None


def _flat(properties: Mapping) -> dict:
    return {key: _text(value) for key, value in properties.items()}


def _text(value: object) -> object:
    """Scalars as they are; a list of named things as their names; anything else as JSON."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list) and all(isinstance(v, dict) and "name" in v for v in value):
        return "; ".join(str(v["name"]) for v in value)
    return json.dumps(value, ensure_ascii=False)
