"""Which of an event's place codes an alert names: only areas with no shape count, and
alerts placed in no event are the shapeless ones that name none."""

from __future__ import annotations

from datetime import UTC, datetime

from shapely.geometry import box

from threats.feeds.cap import Alert, Area, Info
from threats.places import alert_places, unplaced, whole_event

SENT = datetime(2026, 7, 18, 9, 10, tzinfo=UTC)
BEACH = box(-87.629, 41.910, -87.6235, 41.9135)


def alert(*areas: Area, msg_type="Alert", status="Actual", identifier="A-1") -> Alert:
    info = Info("en-US", ("Met",), "Heat Advisory", "Expected", "Moderate", "Likely", "", "",
                "", None, None, None, (), tuple(areas))  # fmt: skip
    return Alert(identifier, "nws", SENT, status, msg_type, "Public", (), (), "", (info,))


def area(geometry=None, **codes) -> Area:
    return Area("somewhere", geometry, tuple((name, value) for name, value in codes.items()))


def test_an_area_with_no_shape_names_the_event_by_its_codes():
    heat = alert(area(SAME="017031", UGC="ILZ014"))
    assert alert_places(heat, ["ILC031", "ILZ014", "017031"]) == ["ILZ014", "017031"]
    assert alert_places(heat, []) == []


def test_an_area_with_a_shape_is_never_widened_by_its_codes():
    storm = alert(area(BEACH, SAME="017031", UGC="ILC031"))
    assert alert_places(storm, ["017031", "ILC031"]) == []


def test_in_a_mixed_alert_only_the_shapeless_area_counts():
    mixed = alert(area(BEACH, SAME="017043"), area(UGC="ILZ014"))
    assert alert_places(mixed, ["017043", "ILZ014"]) == ["ILZ014"]


def test_placed_nowhere_are_the_shapeless_actual_alerts_and_updates_no_event_declared():
    heat = alert(area(SAME="017031"), identifier="HEAT")
    storm = alert(area(BEACH), identifier="STORM")
    cancel = alert(area(SAME="099999"), msg_type="Cancel", identifier="CANCEL")
    drill = alert(area(SAME="099999"), status="Exercise", identifier="DRILL")
    elsewhere = alert(area(SAME="041051"), msg_type="Update", identifier="ELSEWHERE")
    everything = [heat, storm, cancel, drill, elsewhere]
    assert [a.identifier for a in unplaced(everything, [["017031"], []])] == ["ELSEWHERE"]
    assert [a.identifier for a in unplaced(everything, [])] == ["HEAT", "ELSEWHERE"]


def test_the_whole_event_sentence_names_counties_and_gives_zones_by_code():
    assert whole_event(["017031", "ILZ014"]) == (
        "whole event: Cook County, IL (SAME 017031); UGC zone ILZ014"
    )
