"""NWS alerts as api.weather.gov serves them beyond `/alerts/active`: `/alerts` over its
cursor pages (`pagination.next`), one alert as `/alerts/{id}` answers it (a single Feature),
and a `cap` feed pointed at an Atom index. A real database, the real readers and parsers, a
real local HTTP server."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_event, make_fixture_zones
from tests.support.polling import AT_1625, PACKAGE, Recorder, add_feed, threats
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed

HOSTS = ("api.weather.gov", "alerts.lakefront-festival.example")
HOST = "api.weather.gov"
SVR = "urn:oid:2.49.0.1.840.0.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1"
UPDATE = "urn:oid:2.49.0.1.840.0.5f35d70b45e31c68af30b20a3ed8440ba9c59917.001.1"


@pytest.fixture
def world(session, feed_server):
    event = make_event(session, reach_rules=[])
    zones = make_fixture_zones(session, event)
    session.commit()
    return event, zones, Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)


def active(feed_server) -> dict:
    return json.loads((feed_server.root / "nws" / "alerts-active.geojson").read_bytes())


def page(document: dict, features: list, cursor: str | None) -> bytes:
    shaped = {**document, "features": features}
    if cursor:
        shaped["pagination"] = {"next": f"https://{HOST}/alerts?area=IL&cursor={cursor}"}
    return json.dumps(shaped).encode()


def poll(session, feed, fetch):
    return poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)


def test_alerts_over_cursor_pages_are_read_until_a_page_carries_none(session, world, feed_server):
    event, zones, fetch = world
    document = active(feed_server)
    features = document["features"]
    for features_of_page, cursor in ((features[:2], "A"), (features[2:], "B"), ([], "C")):
        feed_server.queue(HOST, "/alerts", 200, page(document, features_of_page, cursor))
    feed = add_feed(session, event, url=f"https://{HOST}/alerts?area=IL", kind="nws")
    result = poll(session, feed, fetch)
    assert result.ok and result.errors == [], result.errors
    assert result.items == 3
    asked = [r["query"] for r in feed_server.requests_to("/alerts")]
    assert asked == ["area=IL", "area=IL&cursor=A", "area=IL&cursor=B"]  # C never asked
    # The original and its update (on two pages) are one threat, narrowed by the update.
    (svr,) = threats(session, event).values()
    assert svr.source_id == SVR
    assert svr.zone_ids == [zones["north-avenue-beach"].id]


def test_one_alert_as_its_own_feature_is_read(session, world, feed_server):
    event, _zones, fetch = world
    (update,) = [f for f in active(feed_server)["features"] if f["properties"]["id"] == UPDATE]
    feed_server.put(HOST, f"/alerts/{UPDATE}", json.dumps(update).encode())
    feed = add_feed(session, event, url=f"https://{HOST}/alerts/{UPDATE}", kind="nws")
    result = poll(session, feed, fetch)
    assert result.ok and result.errors == [], result.errors
    assert set(threats(session, event)) == {UPDATE}  # its original was never read here


def test_a_cap_feed_pointed_at_an_atom_index_reads_its_entries(session, world):
    event, _zones, fetch = world
    feed = add_feed(session, event, kind="cap")  # the fixtures' api.weather.gov Atom index
    result = poll(session, feed, fetch)
    assert result.ok and result.errors == [], result.errors
    assert PACKAGE in threats(session, event)
