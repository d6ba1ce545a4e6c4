"""A commander works a threat through its lifecycle; the log records it; partners only look."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import (
    db_session,
    make_event,
    make_fixture_zones,
    make_shift_now,
    make_token,
)
from tests.support.live import HOST, fresh_alert
from threats.polling.fetch import Fetcher


@pytest.fixture
def threat(app, client, feed_server):
    """A live suspicious-package threat over North Avenue Beach, with an officer posted."""
    with db_session(app) as session:
        event = make_event(session)
        zones = make_fixture_zones(session, event)
        shift = make_shift_now(session, event)
        tokens = {r: make_token(session, r, r) for r in ("commander", "partner", "admin")}
        event_id, north, shift_id = event.id, zones["north-avenue-beach"].id, shift.id
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("LIFE-1"))

    def call(method, path, role="commander", **kw):
        return client.open(
            f"/api/v1{path}",
            method=method,
            headers={"Authorization": f"Bearer {tokens[role]}"},
            **kw,
        )

    person = call(
        "POST",
        "/personnel",
        role="admin",
        json={
            "name": "Ana Ruiz",
            "agency": "Chicago PD",
            "roles": ["patrol_officer"],
            "phone": "312-555-0101",
        },
    ).json
    call("POST", f"/events/{event_id}/people", role="admin", json={"person_ids": [person["id"]]})
    call(
        "POST",
        f"/events/{event_id}/requirements",
        role="admin",
        json=[{"zone_id": north, "shift_id": shift_id, "role": "patrol_officer", "required": 3}],
    )
    call(
        "POST",
        f"/events/{event_id}/assignments",
        role="admin",
        json={
            "person_id": person["id"],
            "zone_id": north,
            "shift_id": shift_id,
            "role": "patrol_officer",
        },
    )
    feed = call(
        "POST",
        "/feeds",
        role="admin",
        json={"kind": "cap", "url": f"https://{HOST}/cap/now.xml", "event_id": event_id},
    ).json
    [threat_id] = call("POST", f"/feeds/{feed['id']}/poll").json["threats"]
    call.base = f"/events/{event_id}/threats/{threat_id}"
    call.event_id = event_id
    return call


def test_a_threat_shows_who_is_on_duty_and_the_gap_in_its_zones(threat):
    props = threat("GET", threat.base).json["properties"]
    [north] = [z for z in props["staffing_now"] if z["zone"] == "north-avenue-beach"]
    assert (north["required"], north["assigned"], north["short"]) == (3, 1, 2)
    assert north["on_duty"] == [
        {
            "name": "Ana Ruiz",
            "agency": "Chicago PD",
            "role": "patrol_officer",
            "role_label": "Patrol officer",  # in the reader's language
            "phone": "312-555-0101",
        }
    ]
    partner = threat("GET", threat.base, role="partner").json["properties"]
    assert "staffing_now" not in partner and "title" not in partner


def test_acknowledge_assign_resolve_each_logged_with_who_and_when(threat):
    assert (
        threat("PATCH", threat.base, json={"status": "acknowledged"}).json["properties"]["status"]
        == "acknowledged"
    )
    refused = threat("PATCH", threat.base, json={"status": "assigned"})
    assert refused.status_code == 400 and "to whom" in refused.json["error"]["message"]
    threat("PATCH", threat.base, json={"status": "assigned", "assignee": "CPD Bike 18"})
    done = threat("PATCH", threat.base, json={"status": "resolved", "note": "bag was a lunch"})
    assert done.json["properties"]["status"] == "resolved"
    assert done.json["properties"]["closed_reason"] == "by commander"
    log = threat("GET", f"/events/{threat.event_id}/log").json["log"]
    assert [(e["action"], e["actor"]) for e in log] == [
        ("created", "feed: cap"),
        ("acknowledged", "commander"),
        ("assigned", "commander"),
        ("resolved", "commander"),
    ]
    assert log[-1]["note"] == "bag was a lunch" and log[2]["assignee"] == "CPD Bike 18"
    text = threat("GET", f"/events/{threat.event_id}/log.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["action"] for r in rows] == ["created", "acknowledged", "assigned", "resolved"]
    assert rows[0]["threat"].startswith("Suspicious package")


def test_a_partner_changes_nothing_and_reads_no_log(threat):
    assert (
        threat("PATCH", threat.base, role="partner", json={"status": "dismissed"}).status_code
        == 403
    )
    assert threat("GET", f"/events/{threat.event_id}/log", role="partner").status_code == 403
    assert threat("GET", f"/events/{threat.event_id}/log.csv", role="partner").status_code == 403


def test_a_closed_threat_is_listed_and_reopened_with_its_reason(threat):
    threat("PATCH", threat.base, json={"status": "dismissed", "note": "looked like litter"})
    threats = f"/events/{threat.event_id}/threats"
    closed = threat("GET", threats, query_string={"status": "resolved,dismissed"}).json
    assert [f["properties"]["status"] for f in closed["features"]] == ["dismissed"]
    refused = threat("PATCH", threat.base, role="partner", json={"status": "acknowledged"})
    assert refused.status_code == 403
    again = threat("PATCH", threat.base, json={"status": "acknowledged", "note": "it ticks"})
    assert again.json["properties"]["status"] == "acknowledged"
    assert again.json["properties"]["closed_reason"] == ""
    log = threat("GET", f"/events/{threat.event_id}/log").json["log"]
    assert (log[-1]["action"], log[-1]["note"]) == ("reopened", "it ticks")
