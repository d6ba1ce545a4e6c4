"""Zone matching on the fixture beaches and tiny hand-built squares."""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import Point, box, shape

from threats.feeds import cap
from threats.matching import ZoneIndex

FEEDS = Path(__file__).parents[2] / "fixtures" / "feeds"


def fixture_zones() -> ZoneIndex:
    collection = json.loads((FEEDS / "zones" / "event-zones.geojson").read_text())
    ids = {"north-avenue-beach": 1, "oak-street-beach": 2}
    return ZoneIndex.of([(ids[f["id"]], shape(f["geometry"])) for f in collection["features"]])


def test_each_cap_alert_hits_the_expected_beaches():
    expected = json.loads((FEEDS / "expected.json").read_text())["cap"]["alerts_by_identifier"]
    names = {1: "north-avenue-beach", 2: "oak-street-beach"}
    index = fixture_zones()
    for identifier, reading in expected.items():
        if "zones_hit" not in reading:
            continue
        alert = cap.parse_alert((FEEDS / reading["file"]).read_bytes())
        assert alert.identifier == identifier
        hits = [names[z] for z in index.match_zones(alert.geometry)]
        assert hits == reading["zones_hit"], identifier


def test_no_geometry_and_no_zones_match_nothing():
    assert fixture_zones().match_zones(None) == []
    assert ZoneIndex.of([]).match_zones(box(0, 0, 1, 1)) == []


def test_touching_counts_and_far_away_does_not():
    index = ZoneIndex.of([(10, box(0, 0, 1, 1)), (20, box(2, 0, 3, 1))])
    assert index.match_zones(box(1, 0, 2, 1)) == [10, 20]
    assert index.match_zones(Point(5, 5).buffer(0.5)) == []


def test_bulk_match_agrees_with_one_by_one():
    index = ZoneIndex.of([(10, box(0, 0, 1, 1)), (20, box(2, 0, 3, 1))])
    shapes = [Point(0.5, 0.5), Point(2.5, 0.5), Point(9, 9), box(0.5, 0, 2.5, 1)]
    assert index.match_many(shapes) == [index.match_zones(s) for s in shapes]
    assert index.match_many(shapes) == [[10], [20], [], [10, 20]]
