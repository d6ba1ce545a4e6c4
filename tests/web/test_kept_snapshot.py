"""The snapshot a joining viewer gets is kept per event and audience (maps.snapshot_service)
rather than built per viewer: after every kind of write the next viewer's snapshot has it,
a partner never gets a commander's copy, and a process that did not make a change sees it."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from common.times import utcnow
from common.writes import Write
from maps import snapshot_service
from maps.compact import expand
from maps.live_service import publish
from planner.models import Event, Zone
from tests.factories import (
    db_session,
    make_event,
    make_fixture_zones,
    make_shift_now,
    make_token,
)
from tests.support.live import HOST, api, fresh_alert, joined, received
from threats.ingest_service import expire_threats
from threats.models import Threat
from threats.polling.fetch import Fetcher
from threats.threat_service import update_threat
from web.extensions import db

WITHHELD = ("title", "description", "instruction", "source", "source_id", "assignee")


@pytest.fixture
def world(app, client, feed_server):
    with db_session(app) as session:
        event = make_event(session)
        zones = make_fixture_zones(session, event)
        shift = make_shift_now(session, event)
        ids = {"event": event.id, "north": zones["north-avenue-beach"].id, "shift": shift.id}
        ids["token"] = make_token(session, "commander", "api-commander")
        ids["admin"] = make_token(session, "admin", "api-admin")
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    return ids


def next_viewer(login, event_id, who=("commander", "cmdr")):
    """A new viewer's snapshot (a fresh socket, no `since`), its threats by id."""
    [snap] = received(joined(login(*who), event_id), "snapshot")
    return snap, {t["id"]: t for t in expand(snap["threats"])}


def built_afresh(app, event_id, audience="full"):
    """The threats of the snapshot built with nothing kept, as the browser reads them:
    what the kept one must equal."""
    snapshot_service._KEPT.clear()
    with db_session(app) as session:
        snap = snapshot_service.snapshot(session, event_id, audience)
    return as_read(snap)


def as_read(snap):
    return json.loads(json.dumps(expand(snap["threats"])))


def new_threat(client, ids, identifier, feed_server):
    feed_server.put(HOST, "/cap/now.xml", fresh_alert(identifier))
    feed = api(
        client,
        ids["admin"],
        "POST",
        "/feeds",
        json={"kind": "cap", "url": f"https://{HOST}/cap/now.xml", "event_id": ids["event"]},
    )
    [threat] = api(client, ids["token"], "POST", f"/feeds/{feed['id']}/poll")["threats"]
    return threat


def test_every_write_reaches_the_next_viewers_kept_snapshot(app, client, world, login, feed_server):
    e = world["event"]
    first, threats = next_viewer(login, e)  # builds and keeps the picture
    assert threats == {}

    threat = new_threat(client, world, "KEPT-1", feed_server)
    snap, threats = next_viewer(login, e)
    assert threats[threat]["status"] == "new" and snap["seq"] > first["seq"]
    assert threats[threat]["title"]  # the newest carry their words

    api(
        client,
        world["token"],
        "PATCH",
        f"/events/{e}/threats/{threat}",
        json={"status": "assigned", "assignee": "CPD Bike 18"},
    )
    snap, threats = next_viewer(login, e)
    assert threats[threat]["status"] == "assigned"
    assert threats[threat]["assignee"] == "CPD Bike 18"
    assert as_read(snap) == built_afresh(app, e)  # from the delta as from the database
    assert threats[threat]["received"] is not None  # the queue's age: when it was first seen

    api(
        client,
        world["admin"],
        "PATCH",
        f"/events/{e}/zones/{world['north']}",
        json={"name": "North Avenue Beach (closed)"},
    )
    snap, threats = next_viewer(login, e)
    names = [z["properties"]["name"] for z in snap["zones"]["features"]]
    assert "North Avenue Beach (closed)" in names and threats[threat]["status"] == "assigned"

    person = api(
        client,
        world["admin"],
        "POST",
        "/personnel",
        json={"name": "Ana Ruiz", "agency": "Chicago PD", "roles": ["patrol_officer"]},
    )
    available = {"person_ids": [person["id"]]}
    api(client, world["admin"], "POST", f"/events/{e}/people", json=available)
    assignment = {"person_id": person["id"], "zone_id": world["north"]}
    assignment |= {"shift_id": world["shift"], "role": "patrol_officer"}
    api(client, world["admin"], "POST", f"/events/{e}/assignments", json=assignment)
    checkin = {"person_id": person["id"], "action": "in"}
    api(client, world["token"], "POST", f"/events/{e}/checkins", json=checkin)
    snap, _ = next_viewer(login, e)
    assert snap["staffing"]["zones"][str(world["north"])]["on_duty"] == 1

    resolve = {"status": "resolved"}
    api(client, world["token"], "PATCH", f"/events/{e}/threats/{threat}", json=resolve)
    snap, threats = next_viewer(login, e)
    assert threat not in threats
    assert as_read(snap) == built_afresh(app, e)


def test_an_expired_threat_leaves_the_next_viewers_snapshot(app, client, world, login, feed_server):
    e = world["event"]
    threat = new_threat(client, world, "KEPT-2", feed_server)
    _, threats = next_viewer(login, e)
    assert threat in threats
    with db_session(app) as session:
        later = utcnow() + timedelta(hours=2)  # past the alert's hour
        names = dict(session.query(Zone.id, Zone.name).filter(Zone.event_id == e).all())
        closed = expire_threats(session, e, now=later, publish=publish, zone_names=names)
        assert [t.id for t in closed] == [threat]
        session.commit()
    snap, threats = next_viewer(login, e)
    assert threats == {} and expand(snap["threats"]) == []


def test_a_write_that_published_no_delta_is_still_seen(app, world, login):
    """A threat stored straight into the database (as a script might): no delta, so the
    kept snapshot cannot be brought up by replay; its check sees the difference."""
    e = world["event"]
    next_viewer(login, e)
    with db_session(app) as session:
        zone = session.get(Zone, world["north"])
        now = utcnow()
        session.add(
            Threat(
                event_id=e,
                source="script",
                source_id="KEPT-3",
                kind="Fight",
                category="incident",
                severity="moderate",
                title="Fight at the north gate",
                geometry=zone.geometry.centroid,
                zone_ids=[zone.id],
                sent_at=now,
                first_seen=now,
                updated_at=now,
            )
        )
        session.commit()
    _, threats = next_viewer(login, e)
    assert [t["title"] for t in threats.values()] == ["Fight at the north gate"]


def test_a_partner_never_gets_the_commanders_kept_snapshot(app, client, world, login, feed_server):
    e = world["event"]
    threat = new_threat(client, world, "KEPT-4", feed_server)
    api(
        client,
        world["token"],
        "PATCH",
        f"/events/{e}/threats/{threat}",
        json={"status": "assigned", "assignee": "CPD Bike 18"},
    )
    _, full = next_viewer(login, e)  # the commander's table is kept first
    assert full[threat]["assignee"] == "CPD Bike 18" and full[threat]["title"]
    for _ in range(2):  # built for the partner, then the partner's kept one
        snap, redacted = next_viewer(login, e, ("partner", "isp"))
        text = json.dumps(snap, ensure_ascii=False)
        assert "CPD Bike 18" not in text and "KEPT-4" not in text
        assert not set(WITHHELD) & set(redacted[threat])
        assert redacted[threat]["status"] == "assigned"
    _, full = next_viewer(login, e)  # and the partner's copy never reaches the commander
    assert full[threat]["assignee"] == "CPD Bike 18"


def test_a_change_made_by_another_process_reaches_this_ones_kept_snapshot(
    app, client, world, login, feed_server, database_url
):
    """Another web process is another engine on the same database, with nothing kept: it
    writes through the service, which stores the delta; this process's next viewer gets
    the change, its kept snapshot brought up from that stored delta."""
    e = world["event"]
    threat = new_threat(client, world, "KEPT-5", feed_server)
    assert next_viewer(login, e)[1][threat]["status"] == "new"  # kept here
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            w = Write(session, "other-process", utcnow(), publish)
            event = session.get(Event, e)
            update_threat(w, event, threat, {"status": "acknowledged"})
            session.commit()
    finally:
        engine.dispose()
    snap, threats = next_viewer(login, e)
    assert threats[threat]["status"] == "acknowledged"
    assert as_read(snap) == built_afresh(app, e)


def test_opening_the_page_prepares_its_snapshot(app, client, world, login, feed_server):
    """The page starts bringing its snapshot up to date while its scripts load: by the time
    the viewer joins, the kept one is current and is what the join sends."""
    e = world["event"]
    new_threat(client, world, "KEPT-6", feed_server)
    app.config["PREPARE_JOINS"] = True
    snapshot_service._KEPT.clear()
    who = login("commander", "cmdr")
    assert who.client.get(f"/events/{e}/command").status_code == 200
    with db_session(app) as session:
        seq = session.get(Event, e).live_seq
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        kept = snapshot_service._KEPT.get(db_engine(app), {}).get(e)
        if kept is not None and kept.seq == seq and "full" in kept.tables:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the page did not prepare its snapshot")
    [snap] = received(joined(who, e), "snapshot")
    assert snap["threats"] == json.loads(json.dumps(kept.tables["full"]))
    assert len(snap["threats"]["rows"]) == 1


def db_engine(app):
    with app.app_context():
        return db.engine
