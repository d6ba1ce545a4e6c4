"""Two sources, one incident: same kind, close in place and time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shapely.geometry import Point

from threats.duplicates import kind_key, same_report

T = datetime(2026, 7, 18, 18, 0, tzinfo=UTC)
HOUSE = Point(-87.6262, 41.9117)  # North Avenue Beach house


def test_kinds_compare_without_case_punctuation_or_plurals():
    assert kind_key("SUSPICIOUS PACKAGE") == kind_key("Suspicious-packages") == "suspicious package"
    assert kind_key("Drone sighting") != kind_key("Suspicious package")


def test_close_in_place_and_time_is_the_same_report():
    near = Point(-87.6262, 41.9125)  # about 90 m north
    assert same_report("Suspicious package", HOUSE, T, "SUSPICIOUS PACKAGE", near, T)


def test_a_circle_is_compared_by_its_centre():
    circle = HOUSE.buffer(0.003)  # a 300 m-ish circle around the house, in degrees for brevity
    assert same_report("Suspicious package", circle, T, "Suspicious package", HOUSE, T)


def test_too_far_too_late_or_another_kind_is_not():
    far = Point(-87.6240, 41.9029)  # Oak Street Beach, about 1 km away
    assert not same_report("Suspicious package", HOUSE, T, "Suspicious package", far, T)
    later = T + timedelta(minutes=45)
    assert not same_report("Suspicious package", HOUSE, T, "Suspicious package", HOUSE, later)
    assert not same_report("Fight", HOUSE, T, "Suspicious package", HOUSE, T)
    assert not same_report("Fight", None, T, "Fight", HOUSE, T)
