"""The demo's hand-drawn street layer: the lakefront's streets and places, named, where the
demo's zones are."""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import shape

from maps.render import BASEMAP_STYLES

ROOT = Path(__file__).resolve().parents[3] / "demo"


def _features(layer: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for feature in json.loads((ROOT / "basemap.geojson").read_text())["features"]:
        if feature["properties"]["layer"] == layer:
            found.setdefault(feature["properties"]["name"], []).append(feature)
    return found


def test_the_streets_named_in_the_issue_are_drawn_and_labelled():
    labels, streets = _features("label"), _features("street") | _features("road")
    for name in ("North Avenue", "Fullerton Avenue", "Oak Street", "Clark Street"):
        assert name in streets and name in labels
    assert "Lake Shore Drive (US 41)" in streets and "Lake Shore Drive" in labels
    for place in ("Oak Street Beach", "North Avenue Beach", "Lincoln Park", "Lake Michigan"):
        assert place in labels


def test_labels_sit_on_their_street_and_appear_from_a_sensible_zoom():
    labels, streets = _features("label"), _features("street")
    for name, [street] in streets.items():
        if name in labels:
            point = shape(labels[name][0]["geometry"])
            assert shape(street["geometry"]).distance(point) < 0.0003, name  # about 25 m
    for [first, *_] in labels.values():
        assert 13 <= first["properties"]["minzoom"] <= 17
        assert first["properties"]["kind"] in ("street", "place", "water")


def test_every_layer_has_a_style_and_the_layer_covers_the_demo_zones():
    layers = {
        f["properties"]["layer"]
        for f in json.loads((ROOT / "basemap.geojson").read_text())["features"]
    }
    assert layers - {"label"} <= set(BASEMAP_STYLES)
    zones = json.loads((ROOT / "zones.geojson").read_text())["features"]
    land = [
        shape(z["geometry"]) for z in zones if z["properties"]["kind"] not in ("water", "airspace")
    ]
    streets = [shape(f["geometry"]) for fs in _features("street").values() for f in fs]
    west = min(s.bounds[0] for s in streets)
    north = max(s.bounds[3] for s in streets)
    assert all(z.bounds[0] > west and z.bounds[3] < north for z in land)
