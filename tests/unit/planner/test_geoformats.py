"""GeoJSON and KML writers: what a GIS tool reads back is what was written, areas in metres."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping, shape

from planner.geoformats import Posting, geojson_bytes, kml_bytes, posting_feature, threat_label
from planner.zones import areas_m2

# Small lakefront shapes in EPSG:4326: a square, a square with a hole, two squares as one.
BEACH = box(-87.629, 41.9085, -87.6225, 41.915)
PIER = Polygon(
    box(-87.620, 41.900, -87.616, 41.903).exterior.coords,
    [box(-87.619, 41.901, -87.617, 41.902).exterior.coords],
)
GATES = MultiPolygon([box(-87.63, 41.92, -87.629, 41.921), box(-87.628, 41.92, -87.627, 41.921)])
SHAPES = (BEACH, PIER, GATES)
NAMES = ("North Avenue Beach", "Navy Pier & <Lock> 3", "Gates Łódź 北")


def zone(zone_id: int, name: str, geometry) -> dict:
    properties = {"id": zone_id, "name": name, "kind": "crowd", "capacity": None, "notes": ""}
    return {
        "type": "Feature",
        "id": zone_id,
        "geometry": mapping(geometry),
        "properties": properties,
    }


def zones() -> list[dict]:
    return [zone(i, n, g) for i, (n, g) in enumerate(zip(NAMES, SHAPES, strict=True), start=1)]


def read_back(body: bytes, tmp_path, suffix: str) -> gpd.GeoDataFrame:
    path = tmp_path / f"layer.{suffix}"
    path.write_bytes(body)
    return gpd.read_file(path)


def test_geojson_reads_back_with_the_same_names_and_shapes(tmp_path):
    frame = read_back(geojson_bytes(zones()), tmp_path, "geojson")
    assert list(frame["name"]) == list(NAMES)
    assert all(a.equals(b) for a, b in zip(frame.geometry, SHAPES, strict=True))
    assert json.loads(geojson_bytes([]))["features"] == []


def test_kml_reads_back_with_the_same_zones_and_areas_in_metres(tmp_path):
    body = kml_bytes(zones(), "zones")
    assert body.startswith(b"<?xml") and b"<kml" in body
    frame = read_back(body, tmp_path, "kml")
    assert list(frame["Name"]) == list(NAMES)  # markup and non-Latin names survive
    written = areas_m2(list(SHAPES))
    for got, want in zip(areas_m2(list(frame.geometry)), written, strict=True):
        assert got == pytest.approx(want, rel=0.005)
    filled = areas_m2([Polygon(PIER.exterior)])[0]
    assert areas_m2([frame.geometry[1]])[0] < 0.9 * filled  # the pier's hole is kept
    assert list(frame["kind"]) == ["crowd"] * 3


def test_kml_flattens_lists_and_takes_a_label_and_mixed_or_missing_geometry(tmp_path):
    threats = [
        {
            "type": "Feature",
            "geometry": mapping(Point(-87.625, 41.912)),
            "properties": {
                "id": 7,
                "kind": "fire",
                "severity": "Severe",
                "zones": [{"id": 1, "name": "North Avenue Beach"}, {"id": 2, "name": "Oak Street"}],
                "point": [-87.625, 41.912],
            },
        },
        {"type": "Feature", "geometry": mapping(BEACH), "properties": {"id": 8, "zones": []}},
        {"type": "Feature", "geometry": None, "properties": {"id": 9, "severity": "Minor"}},
    ]
    frame = read_back(kml_bytes(threats, "threats", threat_label), tmp_path, "kml")
    assert list(frame["Name"]) == [
        "fire #7 (Severe)",
        "threat #8 (unknown)",
        "threat #9 (Minor)",
    ]
    assert frame["zones"][0] == "North Avenue Beach; Oak Street"
    assert json.loads(frame["point"][0]) == [-87.625, 41.912]
    assert frame.geometry[0].equals(Point(-87.625, 41.912)) and frame.geometry[2] is None


def test_an_empty_layer_is_still_a_kml_document():
    body = kml_bytes([], "assignments")
    assert b"<kml" in body and b"<name>assignments</name>" in body and b"Placemark" not in body


def test_an_assignment_is_the_zone_polygon_with_who_and_when_in_the_event_zone():
    posting = Posting(
        id=3,
        zone_id=1,
        zone="North Avenue Beach",
        geometry=BEACH,
        person_id=12,
        person="Ana Ruiz",
        agency="Chicago PD",
        unit="18th District",
        role="sergeant",
        shift_id=4,
        shift="Saturday show",
        starts_at=datetime(2026, 8, 15, 14, 0, tzinfo=UTC),
        ends_at=datetime(2026, 8, 15, 21, 0, tzinfo=UTC),
        role_label="Sergent",
    )
    feature = posting_feature(posting, "America/Chicago")
    assert shape(feature["geometry"]).equals(BEACH)
    props = feature["properties"]
    assert props["name"] == "Ana Ruiz (Sergent), North Avenue Beach"  # as the reader says it
    assert (props["person"], props["role"], props["role_label"], props["shift"]) == (
        "Ana Ruiz",
        "sergeant",
        "Sergent",
        "Saturday show",
    )
    assert props["starts_at"] == "2026-08-15T09:00:00-05:00"
