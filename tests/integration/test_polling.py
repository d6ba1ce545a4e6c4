"""The poll service on a real database, fetching from a real local HTTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from maps.models import LiveDelta
from tests.factories import make_event, make_fixture_zones
from tests.support.feedserver import FEEDS
from tests.support.polling import AT_1625, PACKAGE, Recorder, add_feed, threats
from threats.ingest_service import EventContext, expire_threats
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed

HOSTS = ("api.weather.gov", "alerts.lakefront-festival.example")
SVR = "urn:oid:2.49.0.1.840.0.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1"


@pytest.fixture
def world(session, feed_server):
    # Footprint only: these tests read the fixtures' own geometry; the reach rules
    # (8 miles for storms, cordons for packages) have tests of their own below.
    event = make_event(session, reach_rules=[])
    zones = make_fixture_zones(session, event)
    session.commit()
    fetch = Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)
    return event, zones, fetch


def test_index_poll_follows_update_and_cancel_chains(session, world):
    event, zones, fetch = world
    feed = add_feed(session, event)
    published = Recorder()
    result = poll_feed(session, feed, fetch=fetch, publish=published, now=AT_1625)
    assert result.ok and result.errors == []
    found = threats(session, event)
    assert set(found) == {SVR, PACKAGE}  # a threat keeps its first record's identifier
    open_ones = [t.source_id for t in found.values() if t.status == "new"]
    assert open_ones == [PACKAGE]
    svr = found[SVR]
    assert (svr.status, svr.closed_reason) == ("resolved", "cancelled by source")
    assert len(found) == 2  # the update and the cancel changed the one SVR threat
    package = found[PACKAGE]
    assert package.zone_ids == [zones["north-avenue-beach"].id]
    assert package.severity == "severe"
    assert published.kinds() == [
        "threat_created",
        "threat_updated",
        "threat_created",
        "threat_updated",
        "feed_status",
    ]
    assert [d["seq"] for d in published.deltas] == [1, 2, 3, 4, 5]
    assert session.scalar(select(func.count()).select_from(LiveDelta)) == 5


def test_the_update_narrows_the_zones_before_the_cancel(session, world, feed_server):
    event, _, fetch = world
    feed = add_feed(session, event)
    published = Recorder()
    poll_feed(session, feed, fetch=fetch, publish=published, now=AT_1625)
    created, updated = published.deltas[0], published.deltas[1]
    names = lambda delta: [z["name"] for z in delta["data"]["properties"]["zones"]]  # noqa: E731
    assert names(created) == ["north-avenue-beach", "oak-street-beach"]
    assert names(updated) == ["north-avenue-beach"]
    assert updated["data"]["properties"]["id"] == created["data"]["properties"]["id"]


def test_a_repeated_poll_adds_nothing(session, world, feed_server):
    event, _, fetch = world
    feed = add_feed(session, event)
    poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert feed.etag
    again = Recorder()
    result = poll_feed(session, feed, fetch=fetch, publish=again, now=AT_1625)
    assert result.not_modified
    assert again.kinds() == ["feed_status"]
    feed.etag = feed.last_modified = None  # the server sends the whole index again
    session.commit()
    third = Recorder()
    result = poll_feed(session, feed, fetch=fetch, publish=third, now=AT_1625)
    assert result.ok and not result.not_modified
    assert third.kinds() == ["feed_status"]
    assert len(threats(session, event)) == 2


@pytest.mark.parametrize(
    "path, message",
    [
        ("/alerts/fixture-billion-laughs.cap", "DTD"),
        ("/alerts/fixture-truncated.cap", "well-formed"),
    ],
)
def test_a_hostile_or_broken_document_is_refused_and_keeps_the_last_good_data(
    session, world, path, message
):
    event, _, fetch = world
    good = add_feed(session, event)
    poll_feed(session, good, fetch=fetch, publish=Recorder(), now=AT_1625)
    before = {k: t.status for k, t in threats(session, event).items()}
    bad = add_feed(session, event, url=f"https://api.weather.gov{path}", kind="cap")
    published = Recorder()
    result = poll_feed(session, bad, fetch=fetch, publish=published, now=AT_1625)
    assert not result.ok
    assert message.lower() in result.errors[0].lower()
    assert {k: t.status for k, t in threats(session, event).items()} == before
    assert bad.consecutive_failures == 1 and message.lower() in bad.last_error.lower()
    assert published.kinds() == ["feed_status"]
    assert published.deltas[0]["data"]["healthy"] is False


def test_an_entry_on_a_host_that_is_not_allowed_is_refused(session, feed_server):
    event = make_event(session)
    make_fixture_zones(session, event)
    feed = add_feed(session, event)
    fetch = Fetcher(("api.weather.gov",), "eventwatch-test", rebase=feed_server.rebase)
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert result.ok
    assert any("alerts.lakefront-festival.example" in e for e in result.errors)
    assert not any(r["host"] == "alerts.lakefront-festival.example" for r in feed_server.log)
    assert PACKAGE not in threats(session, event)
    assert feed.last_error


def test_an_original_that_arrives_after_its_update_is_not_a_second_threat(
    session, world, feed_server
):
    """Within one feed. Another feed's Update does not speak for this feed's messages
    (tests/integration/test_cap_references.py)."""
    event, _, fetch = world
    feed = add_feed(session, event, kind="cap", url="https://api.weather.gov/alerts/latest.cap")
    update = FEEDS / "cap" / "alert-02-svr-update.xml"
    feed_server.put("api.weather.gov", "/alerts/latest.cap", update.read_bytes())
    poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    original = (FEEDS / "cap" / "alert-01-svr-warning.xml").read_bytes()
    feed_server.put("api.weather.gov", "/alerts/latest.cap", original)
    published = Recorder()
    result = poll_feed(session, feed, fetch=fetch, publish=published, now=AT_1625)
    assert result.ok and result.errors == []
    assert len(threats(session, event)) == 1
    assert published.kinds() == ["feed_status"]


def test_an_unreachable_feed_records_the_error(session, world):
    event, _, fetch = world
    feed = add_feed(session, event, url="https://api.weather.gov/alerts/not-there.cap", kind="cap")
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert not result.ok and "404" in result.errors[0]
    assert feed.last_polled_at == AT_1625 and feed.last_success_at is None


def test_expired_threats_are_closed(session, world):
    event, _, fetch = world
    feed = add_feed(session, event)
    poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    later = AT_1625 + timedelta(hours=1)
    published = Recorder()
    ctx = EventContext.load(session, event)
    closed = expire_threats(
        session, event.id, now=later, publish=published, zone_names=ctx.zone_names
    )
    session.commit()
    assert [t.source_id for t in closed] == [PACKAGE]
    assert threats(session, event)[PACKAGE].closed_reason == "expired"
    assert published.kinds() == ["threat_updated"]


def test_a_threat_someone_works_stays_open_past_its_sources_expiry(session, world):
    """A lost child's alert ends at its source; the unit assigned to find the child has not
    finished: only a person closes a threat someone acknowledged or was assigned."""
    event, _, fetch = world
    feed = add_feed(session, event)
    poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    package = threats(session, event)[PACKAGE]
    package.status, package.assignee = "assigned", "CPD Bike 18"
    session.commit()
    ctx = EventContext.load(session, event)
    closed = expire_threats(
        session, event.id, now=AT_1625 + timedelta(hours=1), publish=Recorder(),
        zone_names=ctx.zone_names,
    )  # fmt: skip
    session.commit()
    assert closed == []
    assert threats(session, event)[PACKAGE].status == "assigned"


def test_fixture_files_are_served_from_the_copy_in_tests():
    assert (FEEDS / "cap" / "alert-01-svr-warning.xml").exists()


def test_under_the_default_rules_a_storm_keeps_every_zone_within_eight_miles(session, feed_server):
    event = make_event(session)  # the default reach rules
    zones = make_fixture_zones(session, event)
    feed = add_feed(session, event)
    fetch = Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)
    published = Recorder()
    poll_feed(session, feed, fetch=fetch, publish=published, now=AT_1625)
    updated = published.deltas[1]["data"]["properties"]
    # The update's smaller polygon misses Oak Street Beach, but the storm is within 8 miles.
    assert {z["name"] for z in updated["zones"]} == set(zones)
