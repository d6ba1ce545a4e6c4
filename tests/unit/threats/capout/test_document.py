"""The CAP 1.2 feed's core: threats' partner copies in, CAP documents and an Atom index out,
read back with the project's own CAP parser and checked against the OASIS XSD."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

from common.audience import THREAT_FIELDS
from tests.support.capschema import assert_valid_cap
from threats.capout import document as capout
from threats.capout.values import (
    POINT_RADIUS_KM,
    UNNAMED_EVENT,
    cap_shapes,
    cap_time,
    categories,
    stated_severity,
)
from threats.feeds import cap
from threats.lifecycle import SEVERITY_ORDER, cap_severity
from threats.models import Threat
from threats.serialize import threat_feature

CHICAGO = ZoneInfo("America/Chicago")
T0 = datetime(2026, 7, 18, 21, 0, 0, 250_000, tzinfo=UTC)  # 16:00 CDT, with a fraction
SENDER = "ops.lakefront.example"
EVENT = 3
ZONES = {1: "north-avenue-beach", 2: "oak-street-beach"}
GEOD = Geod(ellps="WGS84")
NORTH = box(-87.629, 41.9085, -87.6225, 41.915)
# A marker per property that common/audience.py withholds from partners: none may leave.
PLANTED = {
    "title": "ZZ-TITLE-a41",
    "description": "ZZ-DESCRIPTION-b52",
    "source": "ZZ-SOURCE-d74",
    "source_id": "ZZ-SOURCE-ID-e85",
    "assignee": "ZZ-ASSIGNEE-f96",
    "closed_reason": "by zz-commander-0a7",
    "reported_by": ["ZZ-REPORTED-BY-1b8"],
    "texts": {"es": {"title": "ZZ-TEXTS-TITLE-2c9", "description": "", "instruction": ""}},
}


def make_threat(**changes) -> Threat:
    """A threat as the database holds it, with a marker in every withheld field."""
    fields = {
        "id": 7,
        "event_id": EVENT,
        "kind": "Severe Thunderstorm Warning",
        "category": "Met",
        "severity": "severe",
        "urgency": "immediate",
        "certainty": "observed",
        "status": "new",
        "geometry": NORTH,
        "zone_ids": [1],
        "sent_at": T0,
        "expires_at": T0 + timedelta(hours=1),
        "first_seen": T0,
        "updated_at": T0,
        "instruction": "Move people under cover.",  # public words, which partners read
        **PLANTED,
    }
    return Threat(**(fields | changes))


def version(seq: int, minutes: float = 0, **changes) -> tuple[int, datetime, dict]:
    """A stored threat delta: (seq, at, the whole feature), as maps.live_service keeps it."""
    at = T0 + timedelta(minutes=minutes)
    return seq, at, threat_feature(make_threat(updated_at=at, **changes), ZONES)


def messages(*rows) -> list[capout.Message]:
    return capout.history(capout.partner_versions(rows), SENDER, EVENT)


def document(message: capout.Message) -> bytes:
    body = capout.alert_document(message, CHICAGO)
    assert_valid_cap(body)
    return body


def read(message: capout.Message) -> cap.Alert:
    return cap.parse_alert(document(message))


def test_an_alert_reads_back_with_the_threats_partner_visible_fields():
    [message] = messages(version(5))
    alert = read(message)
    assert (alert.identifier, alert.sender) == (f"{SENDER}.3.7.5", SENDER)
    assert (alert.status, alert.msg_type, alert.scope, alert.references) == (
        "Actual",
        "Alert",
        "Restricted",
        (),
    )
    assert alert.sent == T0.replace(microsecond=0)
    assert alert.incidents == (f"{SENDER}.3.7",)
    info = alert.info
    assert (info.event, info.categories) == ("Severe Thunderstorm Warning", ("Met",))
    assert (info.urgency, info.severity, info.certainty) == ("Immediate", "Severe", "Observed")
    assert info.effective == T0.replace(microsecond=0)
    assert info.expires == (T0 + timedelta(hours=1)).replace(microsecond=0)
    assert info.headline == "Severe Thunderstorm Warning: severe threat at north-avenue-beach, new"
    assert dict(info.parameters) == {"eventwatch-threat": "7", "eventwatch-status": "new"}
    [area] = info.areas
    assert area.description == "north-avenue-beach"
    assert area.geometry.equals_exact(NORTH, 1e-6)


def test_times_are_in_the_events_offset_with_whole_seconds():
    assert cap_time(T0, CHICAGO) == "2026-07-18T16:00:00-05:00"
    assert cap_time(T0, ZoneInfo("UTC")) == "2026-07-18T21:00:00+00:00"
    with pytest.raises(ValueError, match="naive"):
        cap_time(T0.replace(tzinfo=None), CHICAGO)


@pytest.mark.parametrize("urgency", ["immediate", "past", "unknown"])
@pytest.mark.parametrize("certainty", ["observed", "unlikely", "unknown"])
@pytest.mark.parametrize("stated", [*SEVERITY_ORDER, "unknown"])
def test_severity_is_stated_so_that_cap_severity_reads_it_back(stated, urgency, certainty):
    severity = cap_severity(stated, urgency, certainty)  # what ingesting a source stored
    sent = stated_severity(severity, urgency, certainty)
    assert cap_severity(sent, urgency, certainty) == severity


def test_an_extreme_past_threat_cannot_be_stated_higher():
    assert stated_severity("extreme", "past", "observed") == "Extreme"
    assert stated_severity("minor", "past", "observed") == "Minor"


def test_categories_are_cap_categories():
    assert categories("Met") == ["Met"]
    assert categories("safety,SECURITY") == ["Safety", "Security"]
    assert categories("watchlist") == ["Security"]
    assert categories("incident") == ["Safety"]
    assert categories("crowd,noise") == ["Other"]
    assert categories("") == ["Other"]


def test_urgency_and_certainty_outside_cap_are_unknown():
    [message] = messages(version(1, urgency="soonish", certainty="very likely"))
    assert (read(message).info.urgency, read(message).info.certainty) == ("Unknown", "Likely")


HOLED = Polygon(NORTH.exterior.coords, [box(-87.627, 41.910, -87.625, 41.912).exterior.coords])
SHAPES = {
    "polygon with a hole": (HOLED, Polygon(HOLED.exterior)),
    "multipolygon": (
        MultiPolygon([NORTH, box(-87.6265, 41.901, -87.6215, 41.9045)]),
        MultiPolygon([NORTH, box(-87.6265, 41.901, -87.6215, 41.9045)]),
    ),
    "point": (Point(-87.6262, 41.9117), Point(-87.6262, 41.9117)),
    "line": (LineString([(-87.628, 41.909), (-87.624, 41.914)]), None),
    "collection": (GeometryCollection([Point(-87.6262, 41.9117), NORTH]), NORTH),
}


@pytest.mark.parametrize("name", SHAPES)
def test_each_kind_of_geometry_becomes_cap_polygons_or_circles(name):
    geometry, expected = SHAPES[name]
    [message] = messages(version(1, geometry=geometry))
    found = read(message).geometry
    assert found.covers(geometry.buffer(-1e-7) if geometry.area else geometry)
    if isinstance(expected, Point):
        assert found.centroid.distance(expected) < 1e-6
        reach_m = [GEOD.inv(*expected.coords[0], x, y)[2] for x, y in found.exterior.coords]
        assert POINT_RADIUS_KM * 990 < min(reach_m) <= max(reach_m) < POINT_RADIUS_KM * 1010
    elif expected is not None:
        assert found.symmetric_difference(expected).area < 1e-10


def test_a_point_is_a_small_circle_and_a_line_a_circle_around_it():
    assert cap_shapes(Point(-87.6262, 41.9117)) == ([], [f"41.9117,-87.6262 {POINT_RADIUS_KM}"])
    [circle] = cap_shapes(LineString([(-87.628, 41.909), (-87.624, 41.914)]))[1]
    centre, radius_km = circle.split()
    assert centre == "41.9115,-87.626" and 0.32 < float(radius_km) < 0.34  # half of 650 m


def test_a_threat_without_a_place_has_no_area():
    [message] = messages(version(1, geometry=None, zone_ids=[]))
    assert read(message).info.areas == ()
    [zoned] = messages(version(1, geometry=None, zone_ids=[2]))
    [area] = read(zoned).info.areas
    assert (area.description, area.geometry) == ("oak-street-beach", None)


@settings(max_examples=60, deadline=None)
@given(
    lon=st.floats(-179.0, 179.0),
    lat=st.floats(-89.0, 89.0),
    width=st.floats(1e-4, 0.5),
    height=st.floats(1e-4, 0.5),
)
def test_any_rectangle_reads_back_within_a_micro_degree(lon, lat, width, height):
    rectangle = box(lon, lat, lon + width, lat + height)
    [polygon], [] = cap_shapes(rectangle)
    assert cap.parse_polygon(polygon).equals_exact(rectangle, 1e-6)


@pytest.mark.parametrize(
    ("stored", "stated"),
    [
        ("is-IS", "is-IS"),  # the Icelandic Met Office's first block
        ("es-ES", "es-ES"),
        ("fr-CA", "fr-CA"),
        ("en_GB", "en-GB"),  # an underscore, as some feeds write it
        ("", "en-US"),  # eventwatch's own words (incidents, watchlists)
        ("not a tag!", "und"),  # the schema would refuse it: undetermined, not English
    ],
)
def test_the_info_block_states_the_language_of_the_threats_words(stored, stated):
    [message] = messages(version(1, kind="Veðurviðvörun: Vindur", language=stored))
    body = document(message)  # valid against the OASIS XSD, whatever was stored
    assert f"<language>{stated}</language>" in body.decode()
    assert read(message).info.language == stated


def test_a_delta_stored_before_threats_had_a_language_reads_as_cap_default():
    seq, at, feature = version(1)
    del feature["properties"]["language"]
    [message] = messages((seq, at, feature))
    assert read(message).info.language == "en-US"


def test_updates_and_cancels_reference_every_earlier_message():
    rows = [
        version(4, 0),
        version(6, 1, assignee="CPD Bike 18"),  # a new assignee: partners see no change
        version(9, 2, status="acknowledged"),
        version(12, 3, status="acknowledged", geometry=NORTH.buffer(-0.001)),
        version(15, 4, status="resolved"),
        version(16, 5, status="resolved", closed_reason="by someone else"),  # nothing new
        version(20, 6, status="new"),  # reopened
        version(23, 7, status="dismissed"),
    ]
    chain = messages(*rows)
    assert [(m.seq, m.msg_type) for m in chain] == [
        (4, "Alert"),
        (9, "Update"),
        (12, "Update"),
        (15, "Cancel"),
        (20, "Update"),
        (23, "Cancel"),
    ]
    alerts = [read(m) for m in chain]
    for k, alert in enumerate(alerts):
        assert [r.key for r in alert.references] == [a.key for a in alerts[:k]]
        assert alert.incidents == alerts[0].incidents
    assert len({a.identifier for a in alerts}) == len(alerts)
    assert alerts[3].note == "The threat was resolved."
    assert alerts[5].note == "The threat was dismissed."
    assert alerts[3].info.headline.endswith(", resolved")


def test_history_keeps_each_threat_apart_and_rebuilds_the_same_bytes():
    rows = [version(1), version(2, id=8, kind="Drone"), version(3, 1, status="resolved")]
    chain = messages(*rows)
    assert [(m.threat_id, m.msg_type) for m in chain] == [(7, "Alert"), (7, "Cancel"), (8, "Alert")]
    again = messages(*reversed(rows))
    assert [capout.alert_document(m, CHICAGO) for m in again] == [
        capout.alert_document(m, CHICAGO) for m in chain
    ]
    assert [m.seq for m in capout.current(chain)] == [3, 2]  # latest per threat, newest first


def test_identifiers_parse_back_only_for_their_own_sender_and_event():
    identifier = capout.identifier_for(SENDER, 3, 7, 12)
    assert identifier == "ops.lakefront.example.3.7.12"
    assert capout.parse_identifier(identifier, SENDER, 3) == (7, 12)
    assert capout.parse_identifier(identifier, SENDER, 4) is None
    assert capout.parse_identifier(identifier, "other.example", 3) is None
    for wrong in (
        "ops.lakefront.example.3.7",
        "ops.lakefront.example.3.7.x",
        "ops.lakefront.example.3.٣.1",
    ):
        assert capout.parse_identifier(wrong, SENDER, 3) is None
    assert capout.identifier_for("eventwatch@ops.example", 1, 2, 3) == "ops.example.1.2.3"


def test_the_sender_has_no_spaces_commas_or_markup():
    assert capout.sender_name("Lakefront EOC, Chicago <IL>") == "lakefront-eoc-chicago-il"
    assert capout.sender_name("eventwatch@ops.example.org") == "eventwatch@ops.example.org"
    assert capout.sender_name(" ,, ") == "eventwatch"


def atom(chain: list[capout.Message]) -> bytes:
    return capout.atom_index(
        capout.current(chain),
        title="Lakefront Summer Festival: threats (CAP 1.2)",
        self_url="https://ew.example/api/v1/events/3/cap.atom",
        link_for=lambda ident: f"https://ew.example/api/v1/events/3/cap/{ident}.xml",
        author=SENDER,
        updated=T0,
        tz=CHICAGO,
    )


def test_the_index_lists_each_threats_latest_message():
    chain = messages(version(1), version(2, id=8, kind="Drone"), version(3, 1, status="resolved"))
    entries = cap.parse_atom_index(atom(chain))
    assert [(e.msg_type, e.event) for e in entries] == [
        ("Cancel", "Severe Thunderstorm Warning"),
        ("Alert", "Drone"),
    ]
    assert entries[0].link == f"https://ew.example/api/v1/events/3/cap/{SENDER}.3.7.3.xml"
    assert entries[0].id == entries[0].link
    assert entries[0].updated == (T0 + timedelta(minutes=1)).replace(microsecond=0)
    assert entries[1].expires == (T0 + timedelta(hours=1)).replace(microsecond=0)
    assert cap.parse_atom_index(atom([])) == []


def test_the_index_has_what_atom_requires():
    text = atom(messages(version(1))).decode()
    for required in ("<id>", "<title>", "<updated>", "<author>", 'rel="self"'):
        assert required in text.split("<entry>")[0], required
    assert text.count("<entry>") == 1
    assert 'xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2"' in text


def test_no_withheld_field_reaches_a_document_or_the_index():
    props = threat_feature(make_threat(), ZONES)["properties"]
    assert set(props) - THREAT_FIELDS == set(PLANTED)  # a new withheld field gets a marker
    watchlist = {"id": 9, "category": "watchlist", "kind": "ZZ-KIND-2c9 (Interpol red)"}
    chain = messages(
        version(1),
        version(2, status="assigned"),
        version(3, status="resolved"),
        version(4, 1, **watchlist),
    )
    texts = [document(m).decode() for m in chain] + [atom(chain).decode()]
    markers = [*PLANTED.values(), *PLANTED["reported_by"], watchlist["kind"]]
    markers = [m for m in markers if isinstance(m, str)]
    assert [(m, t[:60]) for m in markers for t in texts if m in t] == []
    assert read(chain[-1]).info.event == UNNAMED_EVENT
    assert read(chain[-1]).info.categories == ("Security",)
