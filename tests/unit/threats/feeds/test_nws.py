"""Unit tests for the NWS /alerts/active GeoJSON parser against the synthetic fixtures."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, shape

from tests.support.fuzzing import (
    FUZZ,
    REFUSED,
    mutated_bytes,
    only_documented_error,
    substitutions,
)
from threats.feeds.cap import Alert, parse_alert
from threats.feeds.errors import FeedFormatError
from threats.feeds.nws import parse_alerts

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())["nws"]
DOCUMENT = (FIXTURES / "nws" / "alerts-active.geojson").read_bytes()
CDT = timezone(timedelta(hours=-5))
NWS = "w-nws.webmaster@noaa.gov"
ID_ALERT = "urn:oid:2.49.0.1.840.0.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1"
ID_UPDATE = "urn:oid:2.49.0.1.840.0.5f35d70b45e31c68af30b20a3ed8440ba9c59917.001.1"
ID_BEACH = "urn:oid:2.49.0.1.840.0.08e204ef6e1225ebe359df2dc014a7e1a09bb7d8.001.1"


def cdt(hour: int, minute: int) -> datetime:
    return datetime(2026, 7, 18, hour, minute, tzinfo=CDT)


def alerts_from(doc: bytes) -> dict[str, Alert]:
    return {alert.identifier: alert for alert in parse_alerts(doc).records}


def alerts() -> dict[str, Alert]:
    return alerts_from(DOCUMENT)


def cap_alert(name: str) -> Alert:
    return parse_alert((FIXTURES / "cap" / name).read_bytes())


def zones() -> dict[str, Polygon]:
    data = json.loads((FIXTURES / "zones" / "event-zones.geojson").read_text())
    return {f["id"]: shape(f["geometry"]) for f in data["features"]}


def document_with(**properties: object) -> bytes:
    """The fixture with the SVR Alert's properties changed; a value of None deletes the key."""
    data = json.loads(DOCUMENT)
    props = data["features"][1]["properties"]
    for name, value in properties.items():
        if value is None:
            props.pop(name, None)
        else:
            props[name] = value
    return json.dumps(data).encode()


def test_features_are_keyed_on_the_bare_urn():
    found = alerts()
    assert len(found) == EXPECTED["features"] == 3
    assert set(found) == {ID_ALERT, ID_UPDATE, ID_BEACH}
    assert all(not key.startswith("http") for key in found)


@pytest.mark.parametrize(
    ("identifier", "msg_type", "sent", "expires"),
    [
        (ID_ALERT, "Alert", cdt(15, 42), cdt(16, 30)),
        (ID_UPDATE, "Update", cdt(16, 5), cdt(16, 45)),
        (ID_BEACH, "Alert", cdt(4, 12), cdt(22, 0)),
    ],
)
def test_alert_header(identifier, msg_type, sent, expires):
    alert = alerts()[identifier]
    assert (alert.msg_type, alert.sender, alert.status, alert.scope) == (
        msg_type,
        NWS,
        "Actual",
        "Public",
    )
    assert alert.sent == sent and alert.sent.utcoffset() == timedelta(hours=-5)
    assert alert.expires == expires
    assert (alert.incidents, alert.note) == ((), "")


def test_svr_alert_polygon_equals_the_cap_one():
    nws = alerts()[ID_ALERT].geometry
    cap = cap_alert("alert-01-svr-warning.xml").geometry
    assert isinstance(nws, Polygon)
    assert len(nws.exterior.coords) == EXPECTED["polygon_positions"][ID_ALERT] == 7
    assert nws.equals(cap)


def test_update_polygon_matches_cap_update_and_hits_only_north_avenue():
    nws = alerts()[ID_UPDATE].geometry
    assert len(nws.exterior.coords) == EXPECTED["polygon_positions"][ID_UPDATE] == 5
    assert nws.equals(cap_alert("alert-02-svr-update.xml").geometry)
    hits = {name for name, zone in zones().items() if nws.intersects(zone)}
    assert hits == {"north-avenue-beach"}


def test_update_references_the_original_alert():
    update, original = alerts()[ID_UPDATE], alerts()[ID_ALERT]
    assert [r.identifier for r in update.references] == EXPECTED["update_references"][ID_UPDATE]
    (reference,) = update.references
    assert reference.key == original.key == cap_alert("alert-01-svr-warning.xml").key
    assert original.references == ()


def test_svr_alert_info_matches_the_cap_info():
    nws, cap = alerts()[ID_ALERT].info, cap_alert("alert-01-svr-warning.xml").info
    for name in ("language", "categories", "event", "urgency", "severity", "certainty"):
        assert getattr(nws, name) == getattr(cap, name), name
    for name in ("headline", "description", "instruction", "effective", "onset", "expires"):
        assert getattr(nws, name) == getattr(cap, name), name
    assert nws.parameters == cap.parameters
    assert len(nws.parameters) == 13
    assert [v for k, v in nws.parameters if k == "BLOCKCHANNEL"] == ["EAS", "NWEM", "CMAS"]


def test_svr_alert_area_keeps_geocodes_and_zones():
    (area,) = alerts()[ID_ALERT].info.areas
    assert area.description == "Cook, IL"
    assert area.geocodes == (
        ("SAME", "017031"),
        ("UGC", "ILC031"),
        ("affectedZone", "https://api.weather.gov/zones/county/ILC031"),
    )


def test_null_geometry_alert_is_zone_based():
    beach = alerts()[ID_BEACH]
    assert EXPECTED["null_geometry_ids"] == [ID_BEACH]
    assert beach.geometry is None
    (area,) = beach.info.areas
    assert area.description == "Central Cook"
    assert ("UGC", "ILZ014") in area.geocodes
    assert ("affectedZone", "https://api.weather.gov/zones/forecast/ILZ014") in area.geocodes
    assert beach.info.instruction == ""
    assert (beach.info.event, beach.info.severity) == ("Beach Hazards Statement", "Moderate")
    assert beach.info.onset == cdt(10, 0)


def test_missing_optional_fields_are_empty():
    doc = document_with(
        headline=None, onset=None, parameters=None, geocode=None, affectedZones=None, scope=None
    )
    info = alerts_from(doc)[ID_ALERT].info
    assert (info.headline, info.onset, info.parameters, info.areas[0].geocodes) == (
        "",
        None,
        (),
        (),
    )
    assert alerts_from(doc)[ID_ALERT].scope == "Public"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": None}, "feature 2 has no id"),
        ({"id": ""}, "feature 2 has no id"),
        ({"sender": None}, "has no sender"),
        ({"sent": "2026-07-18T15:42:00"}, "no UTC offset"),
        ({"sent": "yesterday"}, "not an ISO 8601"),
        ({"messageType": "Bulletin"}, "messageType"),
        ({"event": 7}, "event is not a string"),
        ({"parameters": {"VTEC": [1]}}, "not an array of strings"),
        ({"references": [{"identifier": ID_ALERT, "sent": "2026-07-18T15:42:00-05:00"}]}, "sender"),
        ({"references": "x"}, "references is not an array"),
    ],
)
def test_a_bad_feature_is_refused_and_counted_and_the_others_kept(change, message):
    page = parse_alerts(document_with(**change))
    assert {a.identifier for a in page.records} == {ID_UPDATE, ID_BEACH}
    (reason,) = page.refused
    assert reason.startswith("record 2") and message in reason


@pytest.mark.parametrize(("change", "message"), [({"sent": "yesterday"}, "not an ISO 8601")])
def test_a_document_whose_only_feature_is_bad_is_refused(change, message):
    data = json.loads(document_with(**change))
    data["features"] = [data["features"][1]]
    with pytest.raises(FeedFormatError, match=message):
        parse_alerts(json.dumps(data).encode())


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [-87.6, 41.9]},
        {"type": "Polygon", "coordinates": [[[-87.6, 41.9], [-87.5, 41.9], [-87.6, 41.9]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 95], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, "0"], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": []},
        "POLYGON",
    ],
)
def test_bad_geometry_is_refused(geometry):
    data = json.loads(DOCUMENT)
    data["features"][0]["geometry"] = geometry
    page = parse_alerts(json.dumps(data).encode())
    assert len(page.records) == 2
    (reason,) = page.refused
    assert reason.startswith(f"record 1 (id {ID_UPDATE}): NWS: feature 1")


def test_self_intersecting_polygon_is_repaired():
    data = json.loads(DOCUMENT)
    bowtie = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]
    data["features"][0]["geometry"] = {"type": "Polygon", "coordinates": bowtie}
    geometry = parse_alerts(json.dumps(data).encode()).records[0].geometry
    assert isinstance(geometry, MultiPolygon) and geometry.is_valid
    assert geometry.area == pytest.approx(0.5)


def test_multipolygon_is_accepted():
    data = json.loads(DOCUMENT)
    square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    far = [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]]
    data["features"][0]["geometry"] = {"type": "MultiPolygon", "coordinates": [square, far]}
    geometry = parse_alerts(json.dumps(data).encode()).records[0].geometry
    parts = [shape({"type": "Polygon", "coordinates": rings}) for rings in (square, far)]
    assert geometry.equals(shapely.union_all(parts))


def test_utc_times_are_accepted():
    alert = alerts_from(document_with(sent="2026-07-18T20:42:00Z"))[ID_ALERT]
    assert alert.sent == datetime(2026, 7, 18, 20, 42, tzinfo=UTC)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"[]",
        b"{}",
        b'{"type": "FeatureCollection"}',
        b"\xff\xfe\x00",
        b"[" * 100_000,
        b'{"type": "FeatureCollection", "features": [1]}',
    ],
)
def test_not_a_feature_collection_is_refused(data):
    with pytest.raises(FeedFormatError, match="NWS"):
        parse_alerts(data)


def test_size_cap_is_checked_before_parsing():
    with pytest.raises(FeedFormatError, match="over the 100-byte cap"):
        parse_alerts(DOCUMENT, max_bytes=100)


# Property tests: whatever the bytes, the parser returns alerts or raises FeedFormatError.


def check(data: bytes) -> None:
    result = only_documented_error(parse_alerts, data)
    assert result is REFUSED or all(isinstance(alert, Alert) for alert in result.records)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_give_alerts_or_feed_format_error(data):
    check(data)


@FUZZ
@given(mutated_bytes(DOCUMENT))
def test_mutated_bytes_give_alerts_or_feed_format_error(data):
    check(data)


@FUZZ
@given(substitutions(json.loads(DOCUMENT)))
def test_substituted_json_gives_alerts_or_feed_format_error(document):
    check(json.dumps(document).encode())
