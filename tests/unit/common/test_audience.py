"""What a partner room may see: the per-kind allow-lists and the partner copy of a delta."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from shapely.geometry import box

from common.audience import for_partner
from maps.live_service import partner_copy
from planner.models import Zone
from planner.serialize import zone_feature
from threats.models import FeedSource, Threat
from threats.polling.health import feed_status
from threats.serialize import threat_feature

AT = datetime(2027, 8, 21, 15, 0, tzinfo=UTC)
SQUARE = box(-87.62, 41.91, -87.619, 41.911)

THREAT_ALLOWED = {
    "id",
    "event_id",
    "kind",
    "language",
    "scope",  # the whole event, or zones
    "places",  # the place codes that put it there: a county is no secret
    "reach",
    "reach_rule",  # which rule decided its zones, how far: the event's rules, no one's name
    "category",
    "severity",
    "urgency",
    "certainty",
    "status",
    "zones",
    "point",
    "sent_at",
    "expires_at",
    "first_seen",  # when it was received
    "instruction",  # what a CAP alert tells the public to do
    "updated_at",
}
THREAT_WITHHELD = {
    "title",
    "description",
    "source",
    "source_id",
    "closed_reason",
    "assignee",
    "reported_by",
    "texts",
}


def threat(category: str = "Met") -> dict:
    """A threat Feature as the live map gets it, every property filled."""
    row = Threat(
        id=7,
        event_id=3,
        feed_id=2,
        source="NWS Chicago",
        source_id="urn:oid:2.49.0.1.840.0.abc",
        kind="Severe Thunderstorm Warning",
        language="en-US",
        category=category,
        severity="severe",
        urgency="immediate",
        certainty="observed",
        status="acknowledged",
        closed_reason="by j.doe",
        assignee="CPD Bike 18",
        reported_by=["Festival desk"],
        title="Storm over the lakefront",
        description="Hail and 60 mph gusts near the north stage.",
        instruction="Move people under cover.",
        texts={"es": {"title": "Tormenta sobre la costa", "description": "", "instruction": ""}},
        geometry=SQUARE,
        zone_ids=[11],
        reach_rule={"rule": "severe thunderstorm", "metres": 12875.0, "origin": "default rule"},
        places=["017031"],
        sent_at=AT,
        expires_at=AT,
        first_seen=AT,
        updated_at=AT,
    )
    return threat_feature(row, {11: "North stage"})


def zone() -> dict:
    row = Zone(
        id=11,
        event_id=3,
        name="North stage",
        kind="crowd",
        geometry=SQUARE,
        area_m2=9208.47,
        density=2.0,
        notes="Side door code 4411",
    )
    feature = zone_feature(row)
    feature["properties"]["capacity"] = 18416
    return feature


def feed() -> dict:
    row = FeedSource(
        id=2,
        name="NWS Chicago",
        kind="cap",
        url="https://user:secret@feeds.example.org/cap.xml",
        interval_s=300,
        enabled=True,
        event_id=3,
        consecutive_failures=1,
        item_count=4,
        last_polled_at=AT,
        last_success_at=AT,
        last_error="HTTP 401 from https://user:secret@feeds.example.org/cap.xml",
        last_error_at=AT,
    )
    return feed_status(row, AT)


def test_the_sample_threat_fills_every_property():
    props = threat()["properties"]
    assert set(props) == THREAT_ALLOWED | THREAT_WITHHELD
    assert all(value not in (None, "", []) for value in props.values())


@pytest.mark.parametrize("kind", ["threat_created", "threat_updated"])
def test_a_threat_keeps_only_the_allowed_properties_and_its_geometry(kind):
    original = threat()
    partner = for_partner(kind, original)
    assert set(partner["properties"]) == THREAT_ALLOWED
    assert partner["geometry"] == original["geometry"]
    assert partner["id"] == original["id"]
    for field in THREAT_ALLOWED:
        assert partner["properties"][field] == original["properties"][field]


@pytest.mark.parametrize("kind", ["threat_created", "threat_updated"])
def test_a_threat_loses_free_text_and_source_ids(kind):
    original = threat()
    partner = for_partner(kind, original)
    assert not THREAT_WITHHELD & set(partner["properties"])
    flat = repr(partner)
    for field in THREAT_WITHHELD:
        value = original["properties"][field]
        if isinstance(value, dict):  # texts: the words of the alert's other languages
            value = [w for words in value.values() for w in words.values() if w]
        for text in value if isinstance(value, list) else [value]:
            assert text not in flat, field


@pytest.mark.parametrize("kind", ["threat_created", "threat_updated"])
def test_a_watchlist_threat_also_loses_its_kind_and_instruction(kind):
    partner = for_partner(kind, threat(category="watchlist"))
    assert set(partner["properties"]) == THREAT_ALLOWED - {"kind", "instruction"}
    assert "Severe Thunderstorm Warning" not in repr(partner)
    assert "Move people under cover." not in repr(partner)


def test_a_partner_reads_a_cap_alerts_public_instruction_and_when_it_came():
    partner = for_partner("threat_created", threat())["properties"]
    assert partner["instruction"] == "Move people under cover."
    assert partner["first_seen"] == AT.isoformat()


def test_a_threat_with_watchlist_among_its_categories_also_loses_its_kind():
    partner = for_partner("threat_updated", threat(category="Security,watchlist"))
    assert "kind" not in partner["properties"]
    assert "instruction" not in partner["properties"]


def test_feed_status_keeps_only_health_and_no_url_or_error():
    original = feed()
    partner = for_partner("feed_status", original)
    assert set(partner) == {
        "id",
        "kind",
        "state",
        "healthy",
        "last_success_at",
        "event_id",
        "timezone",
    }
    assert partner["healthy"] is False
    assert partner["last_success_at"] == AT.isoformat()
    assert "secret" not in repr(partner)


def test_zone_changed_keeps_only_the_planning_figures_not_the_notes():
    original = zone()
    partner = for_partner("zone_changed", original)
    assert set(partner["properties"]) == {"id", "name", "kind", "area_m2", "capacity", "density"}
    assert partner["properties"]["capacity"] == 18416
    assert partner["geometry"] == original["geometry"]
    assert "Side door code" not in repr(partner)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("roster_changed", {"id": 1, "name": "Steward 12", "phone": "+1 312 555 0100"}),
        ("threat_deleted", {"id": 7, "title": "Storm over the lakefront"}),
        ("", {"id": 1}),
    ],
)
def test_an_unknown_kind_passes_no_data(kind, data):
    assert for_partner(kind, data) == {}


STAFFING = {
    "at": AT.isoformat(),
    "zones": {
        "11": {
            "status": "short",
            "required": 4,
            "assigned": 3,
            "on_duty": 2,
            "short": 2,
            "people": ["Ana Ruiz"],
        }
    },
}


def test_staffing_goes_to_partners_as_counts_only():
    partner = for_partner("staffing_changed", STAFFING)
    assert partner == {
        "at": AT.isoformat(),
        "zones": {"11": {"status": "short", "required": 4, "on_duty": 2, "short": 2}},
    }
    assert "Ana Ruiz" not in repr(partner)


EVERY_KIND = [
    ("threat_created", threat()),
    ("threat_updated", threat(category="watchlist")),
    ("feed_status", feed()),
    ("zone_changed", zone()),
    ("staffing_changed", STAFFING),
]


def delta(kind: str, data: dict) -> dict:
    return {"seq": 42, "event_id": 3, "kind": kind, "at": AT.isoformat(), "data": data}


@pytest.mark.parametrize(("kind", "data"), EVERY_KIND)
def test_partner_copy_keeps_the_envelope_and_redacts_the_data(kind, data):
    original = delta(kind, data)
    copied = partner_copy(original)
    assert {k: copied[k] for k in ("seq", "event_id", "kind", "at")} == {
        "seq": 42,
        "event_id": 3,
        "kind": kind,
        "at": AT.isoformat(),
    }
    assert copied["data"] == for_partner(kind, data)


@pytest.mark.parametrize(("kind", "data"), EVERY_KIND)
def test_partner_copy_never_changes_the_full_delta(kind, data):
    original = delta(kind, data)
    before = copy.deepcopy(original)
    partner_copy(original)
    assert original == before
    assert original["data"] is data


def test_every_delta_kind_has_its_partner_copy():
    """A new kind of delta must say what partners see of it: an unknown kind reaches them
    with no data at all, and publish refuses a kind it does not know."""
    from common.audience import REDACTORS
    from maps.live_service import KINDS, publish

    assert set(KINDS) == set(REDACTORS)
    with pytest.raises(ValueError, match="unknown delta kind"):
        publish(None, 1, "threat_deleted", {})
