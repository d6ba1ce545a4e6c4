"""The live picture in the web tests: a fresh CAP alert on the fixture feed server, the
/live namespace through Flask-SocketIO's test client, and every kind of delta driven
through the API, with the words a partner's copy must never hold."""

from __future__ import annotations

from datetime import timedelta

from common.times import utcnow
from demo import replay
from tests.support.web import LoggedIn

NS = "/live"
HOST = "alerts.lakefront-festival.example"
# What drive_every_delta_kind writes, with fresh_alert("LIVE-9") on the feed, that only
# staff may read.
SECRET_TEXT = (
    "Ana Ruiz",
    "312-555-0101",
    "CPD Bike 18",
    "LIVE-9",
    "Suspicious package",
    "checkpoint code 4471",
)


def fresh_alert(identifier: str) -> bytes:
    """A suspicious-package alert over North Avenue Beach, sent now and live for an hour."""
    now = utcnow()
    item = replay.Replayed(identifier, now, now + timedelta(hours=1), replay.templates()[0])
    return replay.render(item)


def joined(who: LoggedIn, event_id, since=None):
    """A Socket.IO test client on the user's session, joined to the event."""
    sio = who.socket(NS)
    assert sio.is_connected(NS)
    ack = sio.emit("join", {"event_id": event_id, "since": since}, namespace=NS, callback=True)
    assert ack["ok"], ack
    return sio


def received(sio, name):
    return [m["args"][0] for m in sio.get_received(NS) if m["name"] == name]


def api(client, token, method, path, **kw):
    response = client.open(
        f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"}, **kw
    )
    assert response.status_code < 400, response.get_json()
    return response.get_json()


def drive_every_delta_kind(client, ids):
    """threat_created, feed_status, threat_updated, zone_changed, staffing_changed."""
    e, admin, cmd = ids["event"], ids["admin"], ids["token"]
    person = api(
        client,
        admin,
        "POST",
        "/personnel",
        json={
            "name": "Ana Ruiz",
            "agency": "Chicago PD",
            "roles": ["patrol_officer"],
            "phone": "312-555-0101",
        },
    )
    api(client, admin, "POST", f"/events/{e}/people", json={"person_ids": [person["id"]]})
    api(
        client,
        admin,
        "POST",
        f"/events/{e}/assignments",
        json={
            "person_id": person["id"],
            "zone_id": ids["north"],
            "shift_id": ids["shift"],
            "role": "patrol_officer",
        },
    )
    feed = api(
        client,
        admin,
        "POST",
        "/feeds",
        json={"kind": "cap", "url": f"https://{HOST}/cap/now.xml", "event_id": e},
    )
    [threat] = api(client, cmd, "POST", f"/feeds/{feed['id']}/poll")["threats"]
    api(
        client,
        cmd,
        "PATCH",
        f"/events/{e}/threats/{threat}",
        json={"status": "assigned", "assignee": "CPD Bike 18", "note": "checkpoint code 4471"},
    )
    api(
        client,
        admin,
        "PATCH",
        f"/events/{e}/zones/{ids['north']}",
        json={"notes": "checkpoint code 4471 at the north gate"},
    )
    api(
        client,
        cmd,
        "POST",
        f"/events/{e}/checkins",
        json={"person_id": person["id"], "action": "in"},
    )
    return person
