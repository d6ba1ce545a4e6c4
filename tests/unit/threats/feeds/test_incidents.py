"""Unit tests for the incident parser on our SODA GeoJSON fixture, and its paging rule."""

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, shape

from tests.support.fuzzing import (
    FUZZ,
    REFUSED,
    mutated_bytes,
    only_documented_error,
    substitutions,
)
from threats.feeds.cap import parse_alert
from threats.feeds.errors import FeedFormatError
from threats.feeds.incidents import next_page_url, parse_incidents
from threats.feeds.records import Incident

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())["incidents"]
PAGE = (FIXTURES / "incidents" / "incidents.geojson").read_bytes()
EMPTY_PAGE = (FIXTURES / "incidents" / "empty-page.geojson").read_bytes()
CHICAGO = ZoneInfo("America/Chicago")
FIRST_URL = "https://data.lakefront-city.example/resource/lfs1-inc0.geojson?$limit=1000&$offset=0"


def incidents() -> dict[str, Incident]:
    return {incident.source_id: incident for incident in parse_incidents(PAGE, CHICAGO).records}


def zones() -> dict[str, Polygon]:
    data = json.loads((FIXTURES / "zones" / "event-zones.geojson").read_text())
    return {f["id"]: shape(f["geometry"]) for f in data["features"]}


def inside(area) -> list[str]:
    return sorted(i.source_id for i in incidents().values() if area.contains(i.geometry))


def page_with(number: int = 0, geometry: object = "keep", **properties: object) -> bytes:
    """The fixture with one feature changed; a property set to None is deleted."""
    data = json.loads(PAGE)
    feature = data["features"][number]
    if geometry != "keep":
        feature["geometry"] = geometry
    for name, value in properties.items():
        if value is None:
            feature["properties"].pop(name, None)
        else:
            feature["properties"][name] = value
    return json.dumps(data).encode()


def test_twenty_incidents_with_counts_by_type():
    found = incidents()
    assert len(found) == EXPECTED["count"] == 20
    assert Counter(i.kind for i in found.values()) == EXPECTED["by_type"]
    assert Counter(i.kind for i in found.values()) == {
        "SUSPICIOUS PACKAGE": 3,
        "LOST CHILD": 4,
        "MEDICAL": 4,
        "FIGHT": 3,
        "DRONE SIGHTING": 3,
        "CROWD SURGE": 3,
    }


def test_first_incident_reads_strings_as_numbers_and_local_time():
    first = incidents()["LFS-000001"]
    assert first.kind == "SUSPICIOUS PACKAGE"
    assert first.description == "UNATTENDED BACKPACK (SYNTHETIC)"
    assert first.priority == 1
    assert first.geometry.equals(Point(-87.6262, 41.9117))
    assert first.occurred_at == datetime(2026, 7, 18, 13, 0, tzinfo=CHICAGO)
    assert first.occurred_at.utcoffset() == timedelta(hours=-5)
    assert first.extra["case_number"] == "JZ400100"
    assert first.extra["arrest"] is False
    assert first.extra["updated_on"] == datetime(2026, 7, 18, 13, 0, 30, tzinfo=CHICAGO)
    assert "latitude" not in first.extra


def test_every_incident_is_in_the_box_and_on_the_day():
    for incident in incidents().values():
        assert -87.635 <= incident.geometry.x <= -87.615
        assert 41.895 <= incident.geometry.y <= 41.925
        assert incident.occurred_at.date().isoformat() == "2026-07-18"
        assert incident.priority in (1, 2, 3)


@pytest.mark.parametrize("zone", ["north-avenue-beach", "oak-street-beach"])
def test_point_in_zone(zone):
    assert inside(zones()[zone]) == EXPECTED["in_zone"][zone]


def test_zone_property_agrees_with_geometry():
    for name, zone in zones().items():
        claimed = sorted(i.source_id for i in incidents().values() if i.extra.get("zone") == name)
        assert claimed == inside(zone)


@pytest.mark.parametrize(
    ("cap_file", "key"),
    [
        ("alert-01-svr-warning.xml", "inside_svr_alert_polygon"),
        ("alert-02-svr-update.xml", "inside_svr_update_polygon"),
        ("alert-04-circle-suspicious-package.xml", "inside_circle_0_3km"),
    ],
)
def test_inside_cap_alert_areas(cap_file, key):
    area = parse_alert((FIXTURES / "cap" / cap_file).read_bytes()).geometry
    assert inside(area) == EXPECTED[key]


def test_null_geometry_falls_back_to_latitude_longitude():
    found = parse_incidents(page_with(0, geometry=None), CHICAGO).records[0]
    assert found.geometry.equals(Point(-87.6262, 41.9117))


def test_no_geometry_and_no_coordinates_is_refused_the_rest_kept():
    page = parse_incidents(page_with(0, geometry=None, latitude=None, longitude=None), CHICAGO)
    assert page.refused == ("record 1 (id LFS-000001): no position",)
    assert len(page.records) == 19


def test_missing_optional_fields_are_empty():
    doc = page_with(0, date=None, priority=None, description=None, incident_type=None)
    found = parse_incidents(doc, CHICAGO).records[0]
    assert (found.occurred_at, found.priority, found.description, found.kind) == (
        None,
        None,
        "",
        "",
    )


def test_timestamp_with_offset_is_kept():
    found = parse_incidents(page_with(0, date="2026-07-18T18:00:00Z"), CHICAGO).records[0]
    assert found.occurred_at == datetime(2026, 7, 18, 13, 0, tzinfo=CHICAGO)


def test_floating_time_is_read_in_the_given_zone():
    found = parse_incidents(PAGE, ZoneInfo("UTC")).records[0]
    assert found.occurred_at.utcoffset() == timedelta(0)
    assert found.occurred_at.hour == 13


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"incident_id": None}, "record 3: no id"),
        ({"incident_id": " "}, "record 3: no id"),
        ({"incident_id": 3.5}, "record 3: id is not a whole number"),
        ({"incident_id": "X" * 201}, "record 3: id is longer than 200 characters"),
        ({"date": "18/07/2026"}, r"record 3 \(id LFS-000003\): time is not a time"),
        ({"description": ["x"]}, "description is not text"),
    ],
)
def test_bad_record_is_refused_and_the_rest_kept(change, message):
    page = parse_incidents(page_with(2, **change), CHICAGO)
    assert len(page.records) == 19 and len(page.refused) == 1
    assert re.search(message, page.refused[0])


@pytest.mark.parametrize(
    ("value", "read"), [("high", 1), ("P2", 2), ("1.5", None), ("urgent?", None), (3, 3)]
)
def test_a_priority_that_is_not_a_number_is_read_or_left_out_never_refused(value, read):
    page = parse_incidents(page_with(2, priority=value), CHICAGO)
    assert not page.refused and page.records[2].priority == read


def test_a_whole_number_id_is_its_text():
    assert parse_incidents(page_with(2, incident_id=3), CHICAGO).records[2].source_id == "3"


@pytest.mark.parametrize(
    ("geometry", "properties"),
    [
        ({"type": "Point", "coordinates": [-87.6, 95.0]}, {}),
        ({"type": "Point", "coordinates": [-87.6]}, {}),
        ({"type": "Point", "coordinates": ["-87.6", "x"]}, {}),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, {}),
        (None, {"latitude": "41.9"}),
        (None, {"latitude": "north", "longitude": "-87.6"}),
        (None, {"latitude": "NaN", "longitude": "-87.6"}),
        (None, {"latitude": "41.9", "longitude": "-187.6"}),
    ],
)
def test_bad_position_refuses_the_record(geometry, properties):
    data = json.loads(PAGE)
    feature = data["features"][0]
    feature["geometry"] = geometry
    feature["properties"].update({"latitude": None, "longitude": None, **properties})
    page = parse_incidents(json.dumps(data).encode(), CHICAGO)
    assert len(page.refused) == 1 and "(id LFS-000001)" in page.refused[0]
    assert len(page.records) == 19


def test_empty_page_gives_nothing_and_stops_paging():
    assert parse_incidents(EMPTY_PAGE, CHICAGO).records == []
    second = next_page_url(FIRST_URL, 1000, 1000)
    assert second.endswith("$limit=1000&$offset=1000")
    assert next_page_url(second, len(parse_incidents(EMPTY_PAGE, CHICAGO).records), 1000) is None


def test_short_page_is_the_last():
    assert next_page_url(FIRST_URL, len(incidents()), 1000) is None


def test_full_page_advances_offset_only():
    url = "https://data.example/r.geojson?$where=priority%3D%271%27&$limit=20&$offset=40&x=y"
    assert next_page_url(url, 20, 20) == (
        "https://data.example/r.geojson?$where=priority%3D%271%27&$limit=20&$offset=60&x=y"
    )


def test_first_page_without_offset_gets_one():
    url = "https://data.example/r.geojson?$limit=50"
    assert next_page_url(url, 50, 50) == "https://data.example/r.geojson?$limit=50&$offset=50"
    assert (
        next_page_url("https://d.example/r?%24offset=5", 5, 5) == "https://d.example/r?%24offset=10"
    )


@pytest.mark.parametrize(("url", "limit"), [(FIRST_URL, 0), ("https://d.example/r?$offset=x", 5)])
def test_bad_paging_arguments_are_refused(url, limit):
    with pytest.raises(ValueError):
        next_page_url(url, 5, limit)


@pytest.mark.parametrize(
    "data", [b"", b"null", b"{}", b'{"type": "Feature"}', b"\xc3\x28", b"[" * 100_000]
)
def test_not_a_feature_collection_is_refused(data):
    with pytest.raises(FeedFormatError, match="incidents"):
        parse_incidents(data, CHICAGO)


def test_size_cap_is_checked_before_parsing():
    with pytest.raises(FeedFormatError, match="over the 10-byte cap"):
        parse_incidents(PAGE, CHICAGO, max_bytes=10)


# Property tests: whatever the bytes, the parser returns a page or raises FeedFormatError.


def check(data: bytes) -> None:
    result = only_documented_error(parse_incidents, data, CHICAGO)
    assert result is REFUSED or all(isinstance(incident, Incident) for incident in result.records)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_give_incidents_or_feed_format_error(data):
    check(data)


@FUZZ
@given(mutated_bytes(PAGE))
def test_mutated_bytes_give_incidents_or_feed_format_error(data):
    check(data)


@FUZZ
@given(substitutions(json.loads(PAGE)))
def test_substituted_json_gives_incidents_or_feed_format_error(document):
    check(json.dumps(document).encode())


@FUZZ
@given(
    st.text(alphabet="abc$=&%24", max_size=30),
    st.integers(0, 2000),
    st.integers(1, 1000),
)
def test_next_page_url_advances_only_after_a_full_page(query, count, limit):
    url = f"https://d.example/r?{query}"
    try:
        following = next_page_url(url, count, limit)
    except ValueError:
        return
    assert (following is None) == (count < limit)
