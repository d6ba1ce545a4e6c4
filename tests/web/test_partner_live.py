"""A partner and a commander on the same event: every kind of delta reaches both, and the
partner's copy never holds a withheld field. Check-ins, wall displays."""

from __future__ import annotations

import json

import pytest

from tests.factories import (
    db_session,
    make_event,
    make_fixture_zones,
    make_shift_now,
    make_token,
)
from tests.support.live import (
    HOST,
    NS,
    SECRET_TEXT,
    api,
    drive_every_delta_kind,
    fresh_alert,
    joined,
    received,
)
from threats.polling.fetch import Fetcher
from web.extensions import socketio

WITHHELD = {
    "title",
    "description",
    "source",
    "source_id",
    "assignee",
    "reported_by",
    "notes",
    "last_error",
    "url",
    "closed_reason",
    "name_of_person",
}


@pytest.fixture
def event_world(app, client, feed_server):
    with db_session(app) as session:
        event = make_event(session)
        zones = make_fixture_zones(session, event)
        shift = make_shift_now(session, event)
        ids = {"event": event.id, "north": zones["north-avenue-beach"].id, "shift": shift.id}
        ids["token"] = make_token(session, "commander", "api-commander")
        ids["admin"] = make_token(session, "admin", "api-admin")
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("LIVE-9"))
    return ids


def test_a_partner_never_receives_a_withheld_field_of_any_delta_kind(
    app, client, event_world, login
):
    e = event_world["event"]
    commander = joined(login("commander", "cmdr"), e)
    partner = joined(login("partner", "isp"), e)
    assert "title" not in json.dumps(received(partner, "snapshot"))
    received(commander, "snapshot")
    drive_every_delta_kind(client, event_world)
    full, redacted = received(commander, "delta"), received(partner, "delta")
    kinds = {d["kind"] for d in full}
    assert kinds >= {
        "threat_created",
        "threat_updated",
        "feed_status",
        "zone_changed",
        "staffing_changed",
    }
    assert [d["seq"] for d in redacted] == [d["seq"] for d in full]
    text = json.dumps(redacted, ensure_ascii=False)
    for secret in SECRET_TEXT:
        assert secret not in text, secret
    everything = json.dumps(full, ensure_ascii=False)
    for secret in ("CPD Bike 18", "checkpoint code 4471", "LIVE-9"):
        assert secret in everything  # the commander has it: the partner copy withholds it

    def keys(value):
        if isinstance(value, dict):
            for k, v in value.items():
                yield k
                yield from keys(v)
        elif isinstance(value, list):
            for v in value:
                yield from keys(v)

    assert not WITHHELD & set(keys([d["data"] for d in redacted]))


def test_a_check_in_colours_the_zone_and_counts_on_duty(app, client, event_world, login):
    e = event_world["event"]
    commander = joined(login("commander", "cmdr"), e)
    snap = received(commander, "snapshot")[0]
    north = str(event_world["north"])
    assert snap["staffing"]["zones"][north]["status"] == "none"
    person = drive_every_delta_kind(client, event_world)
    api(
        client,
        event_world["admin"],
        "POST",
        f"/events/{e}/requirements",
        json=[
            {
                "zone_id": event_world["north"],
                "shift_id": event_world["shift"],
                "role": "patrol_officer",
                "required": 1,
            }
        ],
    )
    api(
        client,
        event_world["token"],
        "POST",
        f"/events/{e}/checkins",
        json={"person_id": person["id"], "action": "in"},
    )
    staffing = [d for d in received(commander, "delta") if d["kind"] == "staffing_changed"]
    assert staffing[-1]["data"]["zones"][north] == {
        "status": "covered",
        "required": 1,
        "assigned": 1,
        "on_duty": 1,
        "short": 0,
    }
    gaps = api(client, event_world["token"], "GET", f"/events/{e}/gaps")["gaps"]
    [row] = [g for g in gaps if g["zone_id"] == event_world["north"]]
    assert (row["required"], row["assigned"], row["on_duty"]) == (1, 1, 1)
    api(
        client,
        event_world["token"],
        "POST",
        f"/events/{e}/checkins",
        json={"person_id": person["id"], "action": "out"},
    )
    last = [d for d in received(commander, "delta") if d["kind"] == "staffing_changed"][-1]
    assert last["data"]["zones"][north]["status"] == "critical"
    assert last["data"]["zones"][north]["on_duty"] == 0


def test_a_wall_link_shows_the_partner_view_until_revoked(app, client, event_world, login):
    e = event_world["event"]
    drive_every_delta_kind(client, event_world)  # a threat from the feed, for the wall to show
    logged_in = login("commander", "cmdr")
    commander, token = logged_in.client, logged_in.csrf
    commander.post(f"/events/{e}/walls", data={"csrf_token": token, "label": "Sheriff EOC"})
    page = commander.get(f"/events/{e}/walls").get_data(as_text=True)
    url = page.split('<code id="new-wall-url">')[1].split("</code>")[0]
    wall_token = url.rsplit("/", 1)[1]
    anonymous = app.test_client()
    shown = anonymous.get(f"/wall/{wall_token}")
    assert shown.status_code == 200
    wall = shown.get_data(as_text=True)
    # The wall: the event's name, its clock in the event's zone, the threat list to fill,
    # the partners' audience, and no control (sound, check-in) nobody at a wall could use.
    assert '<span class="event-name">Lakefront Summer Festival</span>' in wall
    assert 'id="wall-clock"' in wall and 'data-timezone="America/Chicago"' in wall
    assert 'id="threat-list"' in wall and 'data-audience="partner"' in wall
    assert 'id="mute"' not in wall and 'id="checkin"' not in wall
    screen = socketio.test_client(app, namespace=NS, auth={"wall": wall_token})
    assert screen.is_connected(NS)
    ack = screen.emit("join", {"event_id": e, "since": None}, namespace=NS, callback=True)
    assert ack["audience"] == "partner"
    [snapshot] = received(screen, "snapshot")  # the threats it shows, redacted for partners
    threats = snapshot["threats"]  # the compact table the page draws its list from
    [row] = threats["rows"]
    threat = dict(zip(threats["fields"], row, strict=True))
    assert threats["codes"]["kind"][threat["kind"]] == "Suspicious Package"
    assert threats["codes"]["status"][threat["status"]] == "assigned"
    assert "title" not in threats["fields"]
    other = screen.emit("join", {"event_id": e + 1, "since": None}, namespace=NS, callback=True)
    assert other["ok"] is False  # the link is for one event only
    with db_session(app) as session:
        from maps.models import WallLink

        [link] = session.query(WallLink).all()
        link_id = link.id
    commander.post(f"/events/{e}/walls/{link_id}/revoke", data={"csrf_token": token})
    assert anonymous.get(f"/wall/{wall_token}").status_code == 404
    assert not socketio.test_client(app, namespace=NS, auth={"wall": wall_token}).is_connected(NS)
    assert not screen.is_connected(NS)  # the open screen is cut at once, not at its next resync
