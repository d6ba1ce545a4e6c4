"""Reach rules and ZoneIndex.reach on tiny zones near Chicago, placed at known distances."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point, Polygon, box

from planner.reach import (
    DEFAULT_RULES,
    FOOTPRINT,
    ReachRule,
    applied_severity,
    decided_by,
    rule_for,
    rules_from_json,
    rules_to_json,
)
from threats.matching import ZoneIndex

GEOD = Geod(ellps="WGS84")
THREAT = Point(-87.6, 41.9)  # where every test's threat is; 1 degree of longitude is ~83 km here
EAST, NORTH = 90.0, 0.0


def moved(azimuth: float, metres: float) -> tuple[float, float]:
    """The lon/lat metres away from THREAT along an azimuth, on the WGS84 ellipsoid."""
    lon, lat, _ = GEOD.fwd(THREAT.x, THREAT.y, azimuth, metres)
    return lon, lat


def zone_beyond(azimuth: float, near_m: float, side_m: float = 100.0) -> Polygon:
    """A square zone side_m across whose nearest edge is near_m metres EAST or NORTH."""
    (x0, y0), (x1, y1) = moved(azimuth, near_m), moved(azimuth, near_m + side_m)
    half_lon = moved(EAST, side_m / 2)[0] - THREAT.x
    half_lat = moved(NORTH, side_m / 2)[1] - THREAT.y
    if azimuth == EAST:
        return box(x0, THREAT.y - half_lat, x1, THREAT.y + half_lat)
    return box(THREAT.x - half_lon, y0, THREAT.x + half_lon, y1)


def test_a_suspicious_package_500_m_away_reaches_under_the_1850_ft_rule_only():
    index = ZoneIndex.of([(1, zone_beyond(EAST, 500.0)), (2, zone_beyond(NORTH, 600.0))])
    rule = rule_for(DEFAULT_RULES, "Suspicious Package")
    assert rule.reach_m == pytest.approx(1850 * 0.3048)  # 563.88 m
    assert index.reach(THREAT, rule) == [1]
    assert index.reach(THREAT, FOOTPRINT) == []


def test_reach_is_measured_in_metres_east_west_as_north_south():
    # 500 m as degrees of latitude misses the zone 450 m east; as degrees of longitude it
    # reaches the zone 550 m north. Only metres get both right at 41.9 N.
    index = ZoneIndex.of(
        [
            (1, zone_beyond(EAST, 450.0)),
            (2, zone_beyond(NORTH, 450.0)),
            (3, zone_beyond(EAST, 550.0, side_m=50.0)),
            (4, zone_beyond(NORTH, 550.0, side_m=50.0)),
        ]
    )
    assert index.reach(THREAT, ReachRule("test", reach_m=500.0)) == [1, 2]
    assert index.reach(THREAT, ReachRule("test", reach_m=560.0)) == [1, 2, 3, 4]


def test_lightning_within_8_miles_affects_every_zone_and_beyond_none():
    zones = [
        (1, zone_beyond(EAST, 10_000.0)),
        (2, zone_beyond(EAST, 12_000.0)),
        (3, zone_beyond(NORTH, 30_000.0)),
    ]
    rule = rule_for(DEFAULT_RULES, "Lightning strike")
    assert rule.all_zones and rule.within_m == pytest.approx(12_875.0)
    assert ZoneIndex.of(zones).reach(THREAT, rule) == [1, 2, 3]
    far = [(1, zone_beyond(EAST, 15_000.0)), (2, zone_beyond(NORTH, 16_000.0))]
    assert ZoneIndex.of(far).reach(THREAT, rule) == []
    storm = rule_for(DEFAULT_RULES, "Severe Thunderstorm Warning")
    assert ZoneIndex.of(zones).reach(THREAT.buffer(0.01), storm) == [1, 2, 3]


def test_a_drone_inside_airspace_hits_only_airspace_zones_and_is_severe():
    around = THREAT.buffer(0.01)
    index = ZoneIndex.of([(1, around, "crowd"), (2, around, "Airspace"), (3, around, "water")])
    rule = rule_for(DEFAULT_RULES, "UAV", category="Drone sighting")
    hits = index.reach(THREAT, rule)
    assert hits == [2]
    assert applied_severity(rule, hits, "minor") == "severe"
    elsewhere = Point(moved(EAST, 5_000.0))
    assert index.reach(elsewhere, rule) == []
    assert applied_severity(rule, [], "minor") == "minor"


def test_rule_for_takes_the_first_match_case_insensitively_else_the_footprint():
    assert rule_for(DEFAULT_RULES, "PIPE BOMB reported").reach_m == pytest.approx(365.76)
    assert rule_for(DEFAULT_RULES, "Pipe bomb in a car bomb").reach_m == pytest.approx(579.12)
    assert rule_for(DEFAULT_RULES, "Report", category="suitcase").reach_m == pytest.approx(563.88)
    assert rule_for(DEFAULT_RULES, "Crowd surge") == FOOTPRINT
    assert rule_for([], "lightning") == FOOTPRINT


def test_rules_survive_a_json_round_trip():
    rules = (*DEFAULT_RULES, ReachRule("crowd surge", reach_m=50.0, zone_kinds=("crowd", "gate")))
    assert rules_from_json(json.loads(json.dumps(rules_to_json(rules)))) == rules


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"category": "drone", "reach_m": -1}, r"rule 1 \('drone'\): field 'reach_m'"),
        ({"category": "drone", "reach_m": "far"}, r"rule 1 \('drone'\): field 'reach_m'"),
        ({"category": "drone", "within_m": True}, r"rule 1 \('drone'\): field 'within_m'"),
        ({"category": "drone", "all_zones": "yes"}, r"rule 1 \('drone'\): field 'all_zones'"),
        ({"category": "drone", "zone_kinds": "airspace"}, r"rule 1 \('drone'\): field 'zone"),
        ({"category": "drone", "severity": "awful"}, r"rule 1 \('drone'\): field 'severity'"),
        ({"category": "drone", "radius": 5}, r"rule 1 \('drone'\): unknown field 'radius'"),
        ({"category": ""}, r"rule 1: field 'category'"),
        ({"reach_m": 5}, r"rule 1: field 'category'"),
        ("drone", r"rule 1: must be an object"),
    ],
)
def test_bad_json_rules_are_refused_naming_the_item_and_field(item, message):
    with pytest.raises(ValueError, match=message):
        rules_from_json([{"category": "lightning", "all_zones": True}, item])


def test_rules_json_must_be_a_list():
    with pytest.raises(ValueError, match="must be a list"):
        rules_from_json({"category": "lightning"})


def test_zones_without_kinds_and_empty_inputs_still_work():
    index = ZoneIndex.of([(10, box(0, 0, 1, 1)), (20, box(2, 0, 3, 1), "airspace")])
    assert index.kinds == ("", "airspace")
    assert index.match_zones(box(1, 0, 2, 1)) == [10, 20]
    assert index.reach(None, FOOTPRINT) == []
    assert ZoneIndex.of([]).reach(THREAT, DEFAULT_RULES[0]) == []


def test_match_points_agrees_with_match_zones_point_by_point():
    index = ZoneIndex.of([(10, box(0, 0, 1, 1)), (20, box(0.5, 0, 3, 1)), (30, box(5, 5, 6, 6))])
    xs = np.array([0.25, 0.75, 2.0, 1.0, 9.0, -4.0])
    ys = np.array([0.5, 0.5, 0.5, 1.0, 9.0, 0.5])
    points, zone_ids = index.match_points(xs, ys)
    expected = [
        (i, z)
        for i, xy in enumerate(zip(xs, ys, strict=True))
        for z in index.match_zones(Point(xy))
    ]
    assert sorted(zip(points.tolist(), zone_ids.tolist(), strict=True)) == expected
    assert [len(a) for a in ZoneIndex.of([]).match_points(xs, ys)] == [0, 0]


def test_a_suspicious_package_is_placed_by_the_named_cordon_rule_of_1850_ft():
    rule = rule_for(DEFAULT_RULES, "Suspicious Package", "Security")
    said = decided_by(rule, "default rule")
    assert said == {
        "rule": "suspicious package",
        "metres": 563.9,  # 1850 ft, to a decimetre: the page rounds it to 564 m
        "all_zones": False,
        "zone_kinds": [],
        "origin": "default rule",
    }
    assert json.loads(json.dumps(said)) == said  # stored as JSON on the threat


def test_a_kind_no_rule_names_is_placed_by_the_alerts_own_area():
    said = decided_by(rule_for(DEFAULT_RULES, "Lost Child", "Safety"), "default rule")
    assert (said["rule"], said["metres"], said["origin"]) == ("", 0.0, "alert area")
    assert decided_by(FOOTPRINT, "event rule")["origin"] == "alert area"


def test_a_rule_for_every_zone_names_the_distance_that_brings_it_in():
    lightning = decided_by(rule_for(DEFAULT_RULES, "Lightning"), "default rule")
    assert (lightning["rule"], lightning["all_zones"], lightning["metres"]) == (
        "lightning",
        True,
        12875.0,
    )
    drone = decided_by(rule_for(DEFAULT_RULES, "Drone sighting", "Security"), "event rule")
    assert (drone["rule"], drone["zone_kinds"], drone["metres"]) == ("drone", ["airspace"], 0.0)
    assert drone["origin"] == "event rule"


def test_an_events_own_rule_is_named_by_its_category_as_written():
    rules = rules_from_json([{"category": "Abandoned bag", "reach_m": 150}])
    said = decided_by(rule_for(rules, "abandoned bag near gate 3"), "event rule")
    assert (said["rule"], said["metres"], said["origin"]) == ("Abandoned bag", 150.0, "event rule")
