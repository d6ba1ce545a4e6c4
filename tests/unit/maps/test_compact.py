"""The snapshot's compact threat table: everything a marker needs, a fraction of the bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from shapely.geometry import Point, box

from common.audience import threat_for_partner
from maps.compact import RECENT, expand, threat_table
from threats.models import Threat
from threats.serialize import threat_feature

AT = datetime(2027, 8, 21, 15, 0, tzinfo=UTC)
ZONES = {1: "North Avenue Beach", 2: "Oak Street Beach"}


def threat(n: int, **fields) -> dict:
    row = Threat(
        id=n,
        event_id=7,
        kind="Suspicious package",
        category="Security,Safety",
        severity="severe",
        status="new",
        title=f"Bag left by the pier, report {n}",
        description="A black holdall under bench 14, no owner in sight",
        source="cap",
        source_id=f"LFS-{n:05d}",
        geometry=Point(-87.6245678 + n * 1e-5, 41.9112345),
        zone_ids=[1, 2],
        updated_at=AT + timedelta(minutes=n),
    )
    for key, value in fields.items():
        setattr(row, key, value)
    return threat_feature(row, ZONES)


def test_every_marker_field_survives_the_round_trip():
    features = [threat(1), threat(2, severity="minor", status="assigned", assignee="Bike 18")]
    [first, second] = expand(threat_table(features))
    assert first["id"] == 1 and first["severity"] == "severe" and first["status"] == "new"
    assert first["family"] == "security" and first["kind"] == "Suspicious package"
    assert (first["lon"], first["lat"]) == (-87.62456, 41.91123)  # five places: about a metre
    assert first["zones"] == [1, 2] and first["outline"] is None
    assert first["updated"] == (AT + timedelta(minutes=1)).timestamp()
    assert first["title"] == "Bag left by the pier, report 1"
    assert second["severity"] == "minor" and second["assignee"] == "Bike 18"


def test_when_each_threat_was_received_to_the_second_for_staff_and_partners():
    # First seen before the earliest change (its seconds after `base` negative), and a
    # partner's copy: first_seen is on their allow-list (the queue shows how long it waited).
    seen = AT - timedelta(hours=2, seconds=30) + timedelta(microseconds=700_000)  # :30.7
    features = [threat(1, first_seen=seen), threat_for_partner(threat(2, first_seen=AT))]
    table = threat_table(features)
    [early, partner] = expand(table)
    assert "received" in table["fields"]
    assert early["received"] == (seen - timedelta(microseconds=700_000)).timestamp()
    assert partner["received"] == AT.timestamp()
    assert expand(threat_table([threat(3)]))[0]["received"] is None  # never seen: none said


def test_only_area_threats_carry_an_outline():
    area = threat(3, geometry=box(-87.63, 41.90, -87.62, 41.91))
    [point, square] = expand(threat_table([threat(1), area]))
    assert point["outline"] is None and square["outline"]["type"] == "Polygon"
    assert square["lon"] is not None  # its marker, inside the square


def test_words_only_for_the_newest_and_never_for_a_partner():
    features = [threat(n) for n in range(RECENT + 50)]
    table = threat_table(features)
    newest = {str(n) for n in range(50, RECENT + 50)}
    assert set(table["words"]) == newest
    partner = threat_table([threat_for_partner(f) for f in features])
    assert partner["words"] == {}
    assert "Bag left" not in json.dumps(partner) and "LFS-" not in json.dumps(partner)


def test_a_watchlist_threat_keeps_its_kind_from_a_partner():
    match = threat(1, category="watchlist", kind="Wanted: Mirabel Testarova")
    [row] = expand(threat_table([threat_for_partner(match)]))
    assert row["kind"] is None and row["family"] == "watchlist"
    assert "Testarova" not in json.dumps(threat_table([threat_for_partner(match)]))


def test_ten_thousand_threats_fit_well_under_a_megabyte():
    features = [threat(n) for n in range(10_000)]
    whole = len(json.dumps(features))
    compact = len(json.dumps(threat_table(features)))
    assert compact < 700_000 and compact < whole / 8, (compact, whole)


def test_no_threats_is_an_empty_table():
    table = threat_table([])
    assert table["rows"] == [] and table["base"] is None and expand(table) == []
