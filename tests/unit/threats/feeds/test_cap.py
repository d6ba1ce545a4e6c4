"""Unit tests for the CAP 1.2 parser against the synthetic Lakefront fixtures."""

import json
import math
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, shape

from tests.support.fuzzing import FUZZ, only_documented_error
from threats.feeds import cap
from threats.feeds.cap import (
    CAP_NS,
    is_atom,
    parse_alert,
    parse_atom_index,
    parse_circle,
    parse_polygon,
)
from threats.feeds.errors import FeedFormatError

FIXTURES = Path(__file__).parents[3] / "fixtures" / "feeds"
CAP_DIR = FIXTURES / "cap"
CDT = timezone(timedelta(hours=-5))

ALERT_01 = "alert-01-svr-warning.xml"
ALERT_02 = "alert-02-svr-update.xml"
ALERT_03 = "alert-03-svr-cancel.xml"
ALERT_04 = "alert-04-circle-suspicious-package.xml"
NWS = "w-nws.webmaster@noaa.gov"
ID_01 = "urn:oid:2.49.0.1.840.0.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1"
ID_02 = "urn:oid:2.49.0.1.840.0.5f35d70b45e31c68af30b20a3ed8440ba9c59917.001.1"
ID_03 = "urn:oid:2.49.0.1.840.0.8310c75f35970f1f33facb2b3ab1feb1dad68a09.001.1"
ID_04 = "LFS-2026-0718-0007"

HEADER = {
    "identifier": "T-1",
    "sender": "test@fixtures.invalid",
    "sent": "2026-07-18T16:00:00-05:00",
    "status": "Actual",
    "msgType": "Alert",
    "scope": "Public",
}


def cdt(hour: int, minute: int) -> datetime:
    return datetime(2026, 7, 18, hour, minute, tzinfo=CDT)


def load(name: str) -> bytes:
    return (CAP_DIR / name).read_bytes()


def make_cap(body: str = "", ns: str = CAP_NS, **fields: str | None) -> bytes:
    """Build a minimal CAP document; a field set to None is left out."""
    merged = {**HEADER, **fields}
    head = "".join(f"<{k}>{v}</{k}>" for k, v in merged.items() if v is not None)
    return f'<alert xmlns="{ns}">{head}{body}</alert>'.encode()


def make_info(area: str = "", expires: str = "2026-07-18T17:00:00-05:00") -> str:
    return (
        "<info><category>Safety</category><event>Test</event><urgency>Expected</urgency>"
        f"<severity>Minor</severity><certainty>Likely</certainty><expires>{expires}</expires>"
        f"{area}</info>"
    )


def zones() -> dict[str, Polygon]:
    data = json.loads((FIXTURES / "zones" / "event-zones.geojson").read_text())
    return {f["id"]: shape(f["geometry"]) for f in data["features"]}


@pytest.mark.parametrize(
    ("name", "identifier", "msg_type", "sender", "sent", "expires"),
    [
        (ALERT_01, ID_01, "Alert", NWS, cdt(15, 42), cdt(16, 30)),
        (ALERT_02, ID_02, "Update", NWS, cdt(16, 5), cdt(16, 45)),
        (ALERT_03, ID_03, "Cancel", NWS, cdt(16, 20), cdt(16, 45)),
        (ALERT_04, ID_04, "Alert", "alerts@lakefront-festival.example", cdt(16, 10), cdt(17, 0)),
    ],
)
def test_alert_header(name, identifier, msg_type, sender, sent, expires):
    alert = parse_alert(load(name))
    assert (alert.identifier, alert.msg_type, alert.sender) == (identifier, msg_type, sender)
    assert alert.sent.utcoffset() == timedelta(hours=-5)
    assert alert.sent == sent
    assert alert.expires == expires
    assert alert.key == (sender, identifier, sent)
    assert (alert.status, alert.scope) == ("Actual", "Public")


def test_alert_01_info_fields():
    info = parse_alert(load(ALERT_01)).info
    assert info is not None
    assert (info.severity, info.urgency, info.certainty) == ("Severe", "Immediate", "Observed")
    assert (info.language, info.categories) == ("en-US", ("Met",))
    assert info.event == "Severe Thunderstorm Warning"
    assert info.onset == cdt(15, 42)
    assert info.instruction.startswith("For your protection")
    assert len(info.parameters) == 13
    assert [v for k, v in info.parameters if k == "BLOCKCHANNEL"] == ["EAS", "NWEM", "CMAS"]
    assert ("VTEC", "/O.NEW.KLOT.SV.W.0099.260718T2042Z-260718T2130Z/") in info.parameters
    assert info.parameters[0] == ("AWIPSidentifier", "SVRLOT")
    (area,) = info.areas
    assert area.description == "Cook, IL"
    assert area.geocodes == (("SAME", "017031"), ("UGC", "ILC031"))


@pytest.mark.parametrize(("name", "pairs", "distinct"), [(ALERT_01, 7, 6), (ALERT_02, 5, 4)])
def test_polygon_vertex_counts(name, pairs, distinct):
    poly = parse_alert(load(name)).geometry
    assert isinstance(poly, Polygon)
    coords = list(poly.exterior.coords)
    assert len(coords) == pairs
    assert len(set(coords)) == distinct
    assert coords[0] == coords[-1]


def test_polygon_axes_are_lon_lat():
    poly = parse_alert(load(ALERT_01)).geometry
    min_x, min_y, max_x, max_y = poly.bounds
    assert (min_x, max_x) == pytest.approx((-87.64, -87.61))
    assert (min_y, max_y) == pytest.approx((41.892, 41.925))
    assert poly.exterior.coords[0] == (-87.64, 41.925)


def test_update_polygon_is_smaller():
    assert parse_alert(load(ALERT_02)).geometry.area < parse_alert(load(ALERT_01)).geometry.area


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (ALERT_01, []),
        (ALERT_02, [(NWS, ID_01, cdt(15, 42))]),
        (ALERT_03, [(NWS, ID_01, cdt(15, 42)), (NWS, ID_02, cdt(16, 5))]),
        (ALERT_04, []),
    ],
)
def test_references(name, expected):
    assert [ref.key for ref in parse_alert(load(name)).references] == expected


def test_references_match_the_referenced_alert_keys():
    cancel = parse_alert(load(ALERT_03))
    targets = {parse_alert(load(n)).key for n in (ALERT_01, ALERT_02)}
    assert {ref.key for ref in cancel.references} == targets


def test_circle_alert():
    alert = parse_alert(load(ALERT_04))
    assert alert.incidents == ("LFS-INC-0001",)
    area = alert.info.areas[0]
    assert area.geocodes == ()
    assert alert.info.categories == ("Security",)
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32616", always_xy=True)
    circle_m = shapely.transform(area.geometry, to_utm.transform, interleaved=False)
    cx, cy = to_utm.transform(-87.6262, 41.9117)
    assert math.dist(circle_m.centroid.coords[0], (cx, cy)) < 5.0
    assert circle_m.area == pytest.approx(math.pi * 300**2, rel=0.01)


@pytest.mark.parametrize(
    ("name", "hits"),
    [
        (ALERT_01, {"north-avenue-beach", "oak-street-beach"}),
        (ALERT_02, {"north-avenue-beach"}),
        (ALERT_04, {"north-avenue-beach"}),
    ],
)
def test_zone_hits(name, hits):
    geometry = parse_alert(load(name)).geometry
    assert {zid for zid, zone in zones().items() if geometry.intersects(zone)} == hits


def test_atom_index():
    entries = parse_atom_index(load("index.atom"))
    assert [e.msg_type for e in entries] == ["Cancel", "Alert", "Update", "Alert"]
    base = "https://api.weather.gov/alerts/"
    assert [e.link for e in entries] == [
        f"{base}{ID_03}.cap",
        f"https://alerts.lakefront-festival.example/cap/{ID_04}.xml",
        f"{base}{ID_02}.cap",
        f"{base}{ID_01}.cap",
    ]
    circle = entries[1]
    assert circle.id.endswith(ID_04)
    assert (circle.event, circle.expires) == ("Suspicious Package", cdt(17, 0))
    assert circle.updated == cdt(16, 10)
    assert entries[3].title.startswith("Severe Thunderstorm Warning issued")


def test_atom_link_falls_back_to_the_only_link():
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id>'
        b'<link rel="related" href="https://a.example/x.cap"/></entry></feed>'
    )
    (entry,) = parse_atom_index(feed)
    assert entry.link == "https://a.example/x.cap"
    assert (entry.updated, entry.expires, entry.msg_type) == (None, None, "")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("index.atom", True), (ALERT_01, False), ("malicious-billion-laughs.xml", False)],
)
def test_is_atom(name, expected):
    assert is_atom(load(name)) is expected


def test_is_atom_on_garbage():
    assert is_atom(b"") is False
    assert is_atom(b"not xml at all") is False


def test_atom_parser_rejects_cap_document():
    with pytest.raises(FeedFormatError, match="Atom: root element"):
        parse_atom_index(load(ALERT_01))


@pytest.mark.parametrize("parser", [parse_alert, parse_atom_index])
def test_billion_laughs_is_refused_without_expansion(parser):
    start = time.perf_counter()
    with pytest.raises(FeedFormatError, match="forbidden"):
        parser(load("malicious-billion-laughs.xml"))
    assert time.perf_counter() - start < 1.0


def test_truncated_document_is_rejected():
    with pytest.raises(FeedFormatError, match="not well-formed XML"):
        parse_alert(load("malformed-truncated.xml"))


def test_size_cap_is_checked_before_parsing():
    with pytest.raises(FeedFormatError, match="over the 100-byte cap"):
        parse_alert(load(ALERT_01), max_bytes=100)
    with pytest.raises(FeedFormatError, match="over the 100-byte cap"):
        parse_alert(b"<" * 101, max_bytes=100)


@pytest.mark.parametrize(
    "doc",
    [
        b'<alert xmlns="urn:example:not-cap"><identifier>x</identifier></alert>',
        b"<alert><identifier>x</identifier></alert>",
        b'<feed xmlns="http://www.w3.org/2005/Atom"/>',
    ],
)
def test_non_cap_root_is_rejected(doc):
    with pytest.raises(FeedFormatError, match="root element"):
        parse_alert(doc)


@pytest.mark.parametrize("missing", list(HEADER))
def test_missing_required_element(missing):
    with pytest.raises(FeedFormatError, match=f"missing <{missing}>"):
        parse_alert(make_cap(**{missing: None}))


@pytest.mark.parametrize(
    "fields",
    [{"msgType": "Warning"}, {"status": "Real"}, {"identifier": "a,b"}, {"sender": "a b"}],
)
def test_invalid_header_values(fields):
    with pytest.raises(FeedFormatError):
        parse_alert(make_cap(**fields))


@pytest.mark.parametrize(
    "text",
    [
        "41.9,-87.6 41.9,-87.5 41.8,-87.6",
        "41.9,-87.6 41.9,-87.5 41.9,-87.6",
        "41.9,-87.6 41.9,-87.5 41.8,-87.5 41.8,-87.6 41.85,-87.6",
        "41.9,-87.6 41.9,-87.5 41.8;-87.5 41.8,-87.6 41.9,-87.6",
        "41.9,-87.6,0 41.9,-87.5 41.8,-87.5 41.8,-87.6 41.9,-87.6",
        "91,-87.6 41.9,-87.5 41.8,-87.5 91,-87.6",
        "",
    ],
)
def test_bad_polygon_is_rejected(text):
    with pytest.raises(FeedFormatError, match="<polygon>"):
        parse_polygon(text)


def test_unclosed_polygon_in_document_is_rejected():
    ring = "41.9,-87.6 41.9,-87.5 41.8,-87.5 41.8,-87.6"
    doc = make_cap(make_info(f"<area><areaDesc>x</areaDesc><polygon>{ring}</polygon></area>"))
    with pytest.raises(FeedFormatError, match="not closed"):
        parse_alert(doc)


def test_self_intersecting_polygon_is_repaired():
    bowtie = parse_polygon("0,0 1,1 0,1 1,0 0,0")
    assert isinstance(bowtie, MultiPolygon)
    assert bowtie.is_valid
    assert bowtie.area == pytest.approx(0.5)


def test_collapsed_polygon_is_rejected():
    with pytest.raises(FeedFormatError, match="no area"):
        parse_polygon("1,1 1,2 1,3 1,1")


@pytest.mark.parametrize("text", ["41.9,-87.6 -0.3", "41.9,-87.6", "41.9,-87.6 abc", "95,0 1"])
def test_bad_circle_is_rejected(text):
    with pytest.raises(FeedFormatError, match="<circle>"):
        parse_circle(text)


def test_circle_has_requested_radius_in_metres():
    circle = parse_circle("0,0 10")
    # At the equator one degree of latitude is about 110.57 km.
    assert circle.bounds[3] == pytest.approx(10 / 110.574, rel=1e-3)


def test_naive_datetime_is_rejected():
    with pytest.raises(FeedFormatError, match="no UTC offset"):
        parse_alert(make_cap(sent="2026-07-18T16:00:00"))


@pytest.mark.parametrize("sent", ["2026-07-18T21:00:00Z", "2026-07-18T21:00:00-00:00"])
def test_utc_spellings_are_tolerated(sent):
    alert = parse_alert(make_cap(sent=sent))
    assert alert.sent == datetime(2026, 7, 18, 21, tzinfo=UTC)
    assert alert.sent.utcoffset() == timedelta(0)


def test_bad_datetime_is_rejected():
    with pytest.raises(FeedFormatError, match="<expires>"):
        parse_alert(make_cap(make_info(expires="tomorrow")))


def test_cap_11_document_is_accepted():
    area = "<area><areaDesc>x</areaDesc><circle>41.9117,-87.6262 0.3</circle></area>"
    alert = parse_alert(make_cap(make_info(area), ns="urn:oasis:names:tc:emergency:cap:1.1"))
    assert alert.identifier == "T-1"
    assert alert.geometry.intersects(zones()["north-avenue-beach"])


def test_geocode_only_area_has_no_geometry():
    area = (
        "<area><areaDesc>Cook, IL</areaDesc><polygon></polygon>"
        "<geocode><valueName>UGC</valueName><value>ILZ014</value></geocode></area>"
    )
    alert = parse_alert(make_cap(make_info(area)))
    assert alert.info.areas[0].geometry is None
    assert alert.info.areas[0].geocodes == (("UGC", "ILZ014"),)
    assert alert.geometry is None


def test_multiple_infos_union_and_latest_expiry():
    polygon = "41.9,-87.6 41.9,-87.5 41.8,-87.5 41.8,-87.6 41.9,-87.6"
    first = make_info(f"<area><areaDesc>a</areaDesc><polygon>{polygon}</polygon></area>")
    circle = "<area><areaDesc>b</areaDesc><circle>41.9117,-87.6262 0.3</circle></area>"
    second = make_info(circle, expires="2026-07-18T18:00:00-05:00")
    alert = parse_alert(make_cap(first + second))
    assert alert.info is alert.infos[0]
    assert alert.expires == cdt(18, 0)
    assert alert.geometry.contains(alert.infos[0].areas[0].geometry)
    assert alert.geometry.contains(alert.infos[1].areas[0].geometry.centroid)


def test_alert_without_info():
    alert = parse_alert(make_cap())
    assert (alert.info, alert.geometry, alert.expires) == (None, None, None)
    assert (alert.references, alert.incidents, alert.note) == ((), (), "")


# Property tests: whatever bytes arrive, the parsers answer with records or FeedFormatError.


_SAMPLES = [
    (CAP_DIR / name).read_bytes()
    for name in ("alert-01-svr-warning.xml", "alert-04-circle-suspicious-package.xml", "index.atom")
]


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_give_records_or_the_documented_error(data):
    only_documented_error(cap.parse_alert, data)
    only_documented_error(cap.parse_atom_index, data)
    cap.is_atom(data)


@FUZZ
@given(st.sampled_from(_SAMPLES), st.data())
def test_mutated_fixtures_give_records_or_the_documented_error(sample, data):
    size = len(sample)
    start = data.draw(st.integers(0, size - 1))
    end = data.draw(st.integers(start, min(size, start + 40)))
    junk = data.draw(st.binary(max_size=40))
    mutated = sample[:start] + junk + sample[end:]
    only_documented_error(cap.parse_alert, mutated)
    only_documented_error(cap.parse_atom_index, mutated)
