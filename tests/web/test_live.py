"""The /live Socket.IO protocol with Flask-SocketIO's test client and a real feed server."""

from __future__ import annotations

import pytest

from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.live import HOST, NS, fresh_alert, joined, received
from threats.models import FeedSource
from threats.polling.fetch import Fetcher
from web.extensions import socketio


@pytest.fixture
def live_world(app, feed_server):
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        feed = FeedSource(
            name="Festival desk",
            kind="cap",
            url=f"https://{HOST}/cap/now.xml",
            event_id=event.id,
            interval_s=60,
        )
        session.add(feed)
        session.commit()
        ids = event.id, feed.id
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    return ids


def poll(app, feed_id):
    with db_session(app) as session:
        token = make_token(session, "commander", "poller")
    response = app.test_client().post(
        f"/api/v1/feeds/{feed_id}/poll", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.json
    return response.json


def test_a_joining_commander_gets_a_snapshot_then_live_deltas(app, live_world, feed_server, login):
    event_id, feed_id = live_world
    sio = joined(login("commander", "cmdr"), event_id)
    [snap] = received(sio, "snapshot")
    assert snap["threats"]["rows"] == [] and len(snap["zones"]["features"]) == 2
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("LIVE-1"))
    result = poll(app, feed_id)
    assert result["ok"] and len(result["threats"]) == 1
    deltas = received(sio, "delta")
    assert [d["kind"] for d in deltas] == ["threat_created", "feed_status"]
    assert [d["seq"] for d in deltas] == [snap["seq"] + 1, snap["seq"] + 2]
    threat = deltas[0]["data"]
    assert threat["properties"]["source_id"] == "LIVE-1"
    assert threat["properties"]["zones"][0]["name"] == "north-avenue-beach"
    assert threat["properties"]["description"]


def test_a_partner_gets_the_same_deltas_without_withheld_fields(
    app, live_world, feed_server, login
):
    event_id, feed_id = live_world
    commander = joined(login("commander", "cmdr"), event_id)
    partner = joined(login("partner", "isp"), event_id)
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("LIVE-2"))
    poll(app, feed_id)
    full = received(commander, "delta")
    redacted = received(partner, "delta")
    assert [d["seq"] for d in redacted] == [d["seq"] for d in full]
    props = redacted[0]["data"]["properties"]
    for withheld in ("title", "description", "source_id", "source"):
        assert withheld not in props
    assert props["instruction"].startswith("Move away from the beach house")  # public words
    assert props["severity"] == "severe" and props["zones"]
    assert "last_error" not in redacted[1]["data"] and "url" not in redacted[1]["data"]


def test_a_client_that_was_away_gets_what_it_missed_in_order(app, live_world, feed_server, login):
    event_id, feed_id = live_world
    commander = login("commander", "cmdr")
    first = joined(commander, event_id)
    seq = received(first, "snapshot")[0]["seq"]
    first.disconnect(NS)
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("LIVE-3"))
    poll(app, feed_id)
    again = joined(commander, event_id, since=seq)
    missed = received(again, "delta")
    assert [d["seq"] for d in missed] == [seq + 1, seq + 2]
    assert missed[0]["data"]["properties"]["source_id"] == "LIVE-3"
    assert received(again, "snapshot") == []


def test_a_client_too_far_behind_gets_a_snapshot(live_world, login):
    event_id, _ = live_world
    sio = joined(login("commander", "cmdr"), event_id, since=10_000)
    assert len(received(sio, "snapshot")) == 1


def test_no_login_no_socket_and_a_token_is_enough(app, live_world):
    event_id, _ = live_world
    anonymous = socketio.test_client(app, namespace=NS)
    assert not anonymous.is_connected(NS)
    with db_session(app) as session:
        token = make_token(session, "commander", "integration")
    sio = socketio.test_client(app, namespace=NS, auth={"token": token})
    assert sio.is_connected(NS)
    ack = sio.emit("join", {"event_id": event_id, "since": None}, namespace=NS, callback=True)
    assert ack["audience"] == "full"
    bad = socketio.test_client(app, namespace=NS, auth={"token": "ew_wrong"})
    assert not bad.is_connected(NS)


def test_joining_an_unknown_event_is_refused(live_world, login):
    sio = login("commander", "cmdr").socket(NS)
    assert sio.emit("join", {"event_id": 999}, namespace=NS, callback=True)["ok"] is False
    assert sio.emit("join", "nonsense", namespace=NS, callback=True)["ok"] is False
