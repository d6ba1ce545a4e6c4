"""Alerts with no polygon (heat, flood watches, winter weather) polled from a real local
server into an event that declares the place codes it lies in, and into one that does not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from planner import event_service
from tests.factories import make_event, make_fixture_zones, write
from tests.support.feedserver import FEEDS
from tests.support.polling import AT_1625, Recorder, add_feed, threats
from threats.polling.fetch import Fetcher
from threats.polling.health import feed_status
from threats.polling.poll_service import poll_feed

NWS = "https://api.weather.gov/alerts/active?area=IL"
DESK = "alerts.lakefront-festival.example"
SVR = "urn:oid:2.49.0.1.840.0.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1"
BEACH = "urn:oid:2.49.0.1.840.0.08e204ef6e1225ebe359df2dc014a7e1a09bb7d8.001.1"
HEAT = "urn:oid:2.49.0.1.840.0.3d1c0a5e8f2b47c69e0d4b1a7c2f9e8d6b5a4c3e.001.1"
HEAT_CAP = (FEEDS / "cap" / "alert-05-heat-advisory-no-polygon.xml").read_text()
FLOOD_WATCH = (FEEDS / "nws" / "real-flood-watch-no-polygon.geojson").read_bytes()
BEFORE_THE_FLOOD_WATCH_EXPIRED = datetime(2019, 12, 20, 22, 0, tzinfo=UTC)


@pytest.fixture
def world(session, feed_server):
    event = make_event(session, reach_rules=[])  # the fixtures' own geometry
    zones = make_fixture_zones(session, event)
    session.commit()
    fetch = Fetcher(("api.weather.gov", DESK), "eventwatch-test", rebase=feed_server.rebase)
    return event, zones, fetch


def declare(session, event, codes):
    event_service.update_event(write(session), event, {"geocodes": codes})
    session.commit()


def poll(session, feed, fetch, now=AT_1625):
    return poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=now)


def test_with_no_codes_declared_an_alert_without_a_polygon_reaches_nothing_and_is_counted(
    session, world
):
    event, _zones, fetch = world
    feed = add_feed(session, event, url=NWS, kind="nws")
    result = poll(session, feed, fetch)
    assert set(threats(session, event)) == {SVR}  # as before: the statement has no shape
    assert result.unplaced == 1
    assert feed.unplaced_count == 1
    assert feed_status(feed, AT_1625)["unplaced_count"] == 1


def test_an_alert_naming_a_declared_zone_reaches_the_whole_event(session, world):
    event, zones, fetch = world
    declare(session, event, ["ilz014"])
    feed = add_feed(session, event, url=NWS, kind="nws")
    result = poll(session, feed, fetch)
    found = threats(session, event)
    assert set(found) == {SVR, BEACH}
    beach = found[BEACH]
    assert beach.places == ["ILZ014"]
    assert beach.zone_ids == sorted(z.id for z in zones.values())
    assert beach.geometry is None
    assert result.unplaced == 0 and feed.unplaced_count == 0


def test_a_polygon_is_matched_by_its_shape_alone_whatever_codes_it_also_carries(session, world):
    event, zones, fetch = world
    declare(session, event, ["017031", "ILC031"])  # the storm's own SAME and UGC codes
    feed = add_feed(session, event, url=NWS, kind="nws")
    poll(session, feed, fetch)
    found = threats(session, event)
    svr = found[SVR]
    assert svr.places == []
    assert svr.zone_ids == [zones["north-avenue-beach"].id]  # the update narrowed it
    assert found[BEACH].places == ["017031"]  # the statement names SAME 017031 too


def test_a_cap_alert_with_only_codes_reaches_the_event_and_its_cancel_still_chains(
    session, world, feed_server
):
    event, zones, fetch = world
    declare(session, event, ["017031"])
    feed_server.put(DESK, "/cap/heat.xml", HEAT_CAP.encode())
    feed = add_feed(session, event, url=f"https://{DESK}/cap/heat.xml", kind="cap")
    poll(session, feed, fetch)
    heat = threats(session, event)[HEAT]
    assert (heat.status, heat.places, heat.kind) == ("new", ["017031"], "Heat Advisory")
    assert heat.zone_ids == sorted(z.id for z in zones.values())
    feed_server.put(DESK, "/cap/heat.xml", _cancel_of_heat().encode())
    feed.etag = feed.last_modified = None
    session.commit()
    poll(session, feed, fetch)
    session.refresh(heat)
    assert (heat.status, heat.closed_reason) == ("resolved", "cancelled by source")
    assert len(threats(session, event)) == 1


def test_a_real_flood_watch_with_no_polygon_reaches_an_event_in_one_of_its_counties(
    session, feed_server
):
    """api.weather.gov's own answer (pynws's fixture): an Update whose originals were never
    seen, in 16 counties of Oregon and Washington; the event is in Multnomah County."""
    event = make_event(session, name="Rose Festival", timezone="America/Los_Angeles")
    declare(session, event, ["041051"])
    fetch = Fetcher(("api.weather.gov",), "eventwatch-test", rebase=feed_server.rebase)
    feed_server.put("api.weather.gov", "/alerts/active", FLOOD_WATCH)
    feed = add_feed(session, event, url="https://api.weather.gov/alerts/active?zone=ORZ004")
    feed.kind = "nws"
    session.commit()
    result = poll(session, feed, fetch, now=BEFORE_THE_FLOOD_WATCH_EXPIRED)
    assert result.ok and result.unplaced == 0
    watch = threats(session, event)["NWS-IDP-PROD-3965873-3369046"]
    assert (watch.kind, watch.places, watch.zone_ids) == ("Flood Watch", ["041051"], [])


def _cancel_of_heat() -> str:
    reference = f"w-nws.webmaster@noaa.gov,{HEAT},2026-07-18T04:10:00-05:00"
    return (
        HEAT_CAP.replace(HEAT, HEAT.replace(".001.1", ".002.1"))
        .replace("<msgType>Alert</msgType>", "<msgType>Cancel</msgType>")
        .replace("<sent>2026-07-18T04:10:00-05:00</sent>", "<sent>2026-07-18T09:00:00-05:00</sent>")
        .replace("</note>", f"</note>\n    <references>{reference}</references>")
    )
