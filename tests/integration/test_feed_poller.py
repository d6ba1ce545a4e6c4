"""Every feed kind polled from a real local server, with its failure scenarios: Retry-After,
backoff, the 403 circuit breaker, pagination stops, removals, and no duplicates ever."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.models import Zone
from tests.factories import make_event, make_fixture_zones, write
from tests.support.polling import AT_1625, PACKAGE, Recorder, add_feed, threats
from threats.models import WatchlistRecord
from threats.polling import backoff
from threats.polling.feed_service import update_feed
from threats.polling.fetch import Fetcher
from threats.polling.health import feed_state
from threats.polling.poll_service import poll_feed

HOSTS = (
    "api.weather.gov",
    "alerts.lakefront-festival.example",
    "ws-public.interpol.int",
    "api.fbi.gov",
    "data.opensanctions.org",
    "www.treasury.gov",
    "data.lakefront-city.example",
)
INDEX = "https://api.weather.gov/alerts?area=IL&zone=ILC031"
RED = "https://ws-public.interpol.int/notices/v1/red?page=1&resultPerPage=20"
INCIDENTS = "https://data.lakefront-city.example/resource/lfs1-inc0.geojson?$limit=1000&$offset=0"


@pytest.fixture
def world(session, feed_server):
    event = make_event(session, reach_rules=[])  # the fixtures' own geometry; see below
    make_fixture_zones(session, event)
    session.commit()
    return event, Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)


def poll(session, feed, fetch, now, **kwargs):
    return poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=now, **kwargs)


def entries(session, feed, removed=False):
    rows = session.scalars(select(WatchlistRecord).where(WatchlistRecord.feed_id == feed.id))
    return {r.source_id: r for r in rows if (r.removed_at is not None) == removed}


def test_a_429_is_honoured_then_the_poll_succeeds(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=INDEX)
    feed_server.queue("api.weather.gov", "/alerts", 429, headers={"Retry-After": "2"})
    first = poll(session, feed, fetch, AT_1625)
    assert not first.ok and "429" in first.errors[0]
    assert feed.next_attempt_at == AT_1625 + timedelta(seconds=2)
    assert feed_state(feed, AT_1625) == "backing off"
    asked = len(feed_server.log)
    early = poll(session, feed, fetch, AT_1625 + timedelta(seconds=1))
    assert early.skipped and len(feed_server.log) == asked  # no request before Retry-After
    later = poll(session, feed, fetch, AT_1625 + timedelta(seconds=3))
    assert later.ok and PACKAGE in threats(session, event)
    assert feed.next_attempt_at is None and feed.consecutive_failures == 0


def test_a_503_backs_off_with_jitter_and_keeps_the_last_good_data(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=INDEX)
    poll(session, feed, fetch, AT_1625)
    before = {k: t.status for k, t in threats(session, event).items()}
    feed.etag = feed.last_modified = None
    session.commit()
    for failures in (1, 2, 3):
        feed_server.queue("api.weather.gov", "/alerts", 503)
        now = feed.next_attempt_at or AT_1625
        result = poll(session, feed, fetch, now, rng=random.Random(failures))
        assert not result.ok and feed.consecutive_failures == failures
        delay = (feed.next_attempt_at - now).total_seconds()
        full = backoff.BASE_S * 2 ** (failures - 1)
        assert full / 2 <= delay <= full  # equal jitter: half fixed, half random
    assert {k: t.status for k, t in threats(session, event).items()} == before


def test_repeated_403s_open_the_circuit_until_an_admin_resumes(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=RED, kind="interpol-red")
    denied = b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD></HTML>"
    now = AT_1625
    for _ in range(backoff.BLOCKS_TO_OPEN):
        feed_server.queue("ws-public.interpol.int", "/notices/v1/red", 403, denied)
        result = poll(session, feed, fetch, now, force=True)
        assert not result.ok and "403" in result.errors[0]  # the HTML is never parsed as JSON
    assert feed_state(feed, now) == "blocked"
    assert feed.circuit_open_until == now + backoff.OPEN_FOR
    asked = len(feed_server.log)
    assert poll(session, feed, fetch, now + timedelta(minutes=30)).skipped
    assert len(feed_server.log) == asked
    update_feed(write(session), feed.id, {"enabled": False}, fetch)
    update_feed(write(session), feed.id, {"enabled": True}, fetch)  # resuming closes the circuit
    session.commit()
    assert poll(session, feed, fetch, now + timedelta(minutes=31)).ok
    assert len(entries(session, feed)) == 25


def test_a_source_down_for_several_polls_gives_each_alert_once_when_back(
    session, world, feed_server
):
    event, fetch = world
    feed = add_feed(session, event, url=INDEX)
    published, now = Recorder(), AT_1625
    for _ in range(3):
        feed_server.queue("api.weather.gov", "/alerts", 503)
        poll_feed(session, feed, fetch=fetch, publish=published, now=now, force=True)
        now += timedelta(minutes=1)
    for _ in range(2):
        poll_feed(session, feed, fetch=fetch, publish=published, now=now, force=True)
        now += timedelta(minutes=1)
    created = [
        d["data"]["properties"]["source_id"]
        for d in published.deltas
        if d["kind"] == "threat_created"
    ]
    assert sorted(created) == sorted(set(created)) and len(created) == 2
    assert len(threats(session, event)) == 2


def test_interpol_pages_are_followed_to_the_end(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=RED, kind="interpol-red")
    result = poll(session, feed, fetch, AT_1625)
    assert result.ok and result.items == 25 and result.watchlist["added"] == 25
    pages = [r for r in feed_server.log if r["path"] == "/notices/v1/red"]
    assert len(pages) == 2  # page 2 has no next link: the loop stops there
    found = entries(session, feed)
    assert found["2026/90007"].nationalities == ["FR", "LB"]
    assert found["2026/90017"].birth_dates == ["1972"]


def test_a_failed_page_keeps_every_entry_and_marks_none_removed(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=RED, kind="interpol-red")
    poll(session, feed, fetch, AT_1625)
    feed.etag = feed.last_modified = None
    session.commit()
    feed_server.queue(
        "ws-public.interpol.int",
        "/notices/v1/red",
        200,
        (feed_server.root / "interpol" / "red-page1.json").read_bytes(),
    )
    feed_server.queue("ws-public.interpol.int", "/notices/v1/red", 500)
    result = poll(session, feed, fetch, AT_1625 + timedelta(minutes=5))
    assert result.ok and result.errors and "page 2" in result.errors[0]
    assert feed_state(feed, AT_1625) == "partial"
    assert len(entries(session, feed)) == 25 and entries(session, feed, removed=True) == {}
    session.expire_all()
    seen = sorted(r.last_seen for r in entries(session, feed).values())
    assert seen == [AT_1625] * 5 + [AT_1625 + timedelta(minutes=5)] * 20  # page 1 was read


def test_a_next_link_to_another_host_is_refused(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=RED, kind="interpol-red")
    page = (feed_server.root / "interpol" / "red-page1.json").read_text()
    evil = page.replace(
        "https://ws-public.interpol.int/notices/v1/red?page=2",
        "https://evil.example/notices/v1/red?page=2",
    )
    assert evil != page
    feed_server.queue("ws-public.interpol.int", "/notices/v1/red", 200, evil.encode())
    result = poll(session, feed, fetch, AT_1625)
    assert "evil.example" in result.errors[0] and "not an allowed feed host" in result.errors[0]
    assert not any(r["host"] == "evil.example" for r in feed_server.log)
    assert len(entries(session, feed)) == 20


def test_an_entry_that_vanishes_from_a_complete_list_is_marked_removed(session, world, feed_server):
    event, fetch = world
    url = "https://data.opensanctions.org/datasets/latest/default/entities.ftm.json"
    feed = add_feed(session, event, url=url, kind="ftm")
    assert poll(session, feed, fetch, AT_1625).watchlist == {
        "added": 10,
        "changed": 0,
        "removed": 0,
    }
    lines = (feed_server.root / "sanctions" / "persons.ftm.jsonl").read_bytes().splitlines()
    feed_server.put(
        "data.opensanctions.org",
        "/datasets/latest/default/entities.ftm.json",
        b"\n".join(lines[1:]) + b"\n",
    )
    later = AT_1625 + timedelta(hours=1)
    assert poll(session, feed, fetch, later).watchlist == {"added": 0, "changed": 0, "removed": 1}
    [gone] = entries(session, feed, removed=True).values()
    assert gone.removed_at == later and gone.name  # kept, with what it said
    session.expire_all()
    assert {r.last_seen for r in entries(session, feed).values()} == {later}
    assert gone.last_seen == AT_1625
    assert len(entries(session, feed)) == 9


def test_fbi_and_ofac_lists_are_stored_with_their_own_ids(session, world):
    event, fetch = world
    fbi = add_feed(
        session, event, url="https://api.fbi.gov/wanted/v1/list?page=1", kind="fbi-wanted"
    )
    csv = add_feed(
        session, event, url="https://www.treasury.gov/ofac/downloads/sdn.csv", kind="ofac-csv"
    )
    xml = add_feed(
        session, event, url="https://www.treasury.gov/ofac/downloads/sdn.xml", kind="ofac-xml"
    )
    for feed in (fbi, csv, xml):
        assert poll(session, feed, fetch, AT_1625).ok, feed.last_error
    assert len(entries(session, fbi)) == 5
    assert (
        set(entries(session, csv)) == set(entries(session, xml)) == {"990001", "990002", "990004"}
    )


def test_incidents_inside_the_zones_become_threats_once(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=INCIDENTS, kind="geojson-incidents")
    result = poll(session, feed, fetch, AT_1625)
    assert result.ok and result.items == 20
    found = threats(session, event)
    north = {"LFS-000001", "LFS-000002", "LFS-000003", "LFS-000015", "LFS-000017", "LFS-000019"}
    oak = {"LFS-000004", "LFS-000005", "LFS-000006"}
    assert set(found) == north | oak
    feed.etag = feed.last_modified = None
    session.commit()
    assert poll(session, feed, fetch, AT_1625 + timedelta(minutes=1)).threats == []
    assert len(threats(session, event)) == 9


def test_nws_alerts_key_on_their_id_and_a_null_geometry_is_no_crash(session, world):
    event, fetch = world
    feed = add_feed(session, event, url="https://api.weather.gov/alerts/active?area=IL", kind="nws")
    result = poll(session, feed, fetch, AT_1625)
    assert result.ok and result.items == 3
    found = threats(session, event)
    svr = "urn:oid:2.49.0.1.840.0.a7e1bf2f2e160ed88b949d40ff1fcdb1b50c9932.001.1"
    assert set(found) == {svr}  # the update joined it; the zone-only statement has no shape
    north = session.scalar(select(Zone.id).where(Zone.name == "north-avenue-beach"))
    assert found[svr].zone_ids == [north]  # the update narrowed it to North Avenue Beach


def test_paused_feeds_are_not_scheduled(session, world):
    from threats.polling.jobs import sync_feed_jobs

    event, fetch = world
    feed = add_feed(session, event, url=INDEX)
    other = add_feed(session, event, url=RED, kind="interpol-red")
    update_feed(write(session), other.id, {"enabled": False}, fetch)
    session.commit()
    ids = _scheduled_ids(session, sync_feed_jobs)
    assert ids == {f"feed:{feed.id}"}


def _scheduled_ids(session, sync):
    from apscheduler.schedulers.background import BackgroundScheduler
    from flask import current_app

    scheduler = BackgroundScheduler()
    sync(current_app._get_current_object(), scheduler)
    return {job.id for job in scheduler.get_jobs()}


def test_new_notices_get_their_details_once_and_keep_them(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=RED, kind="interpol-red")
    first = poll(session, feed, fetch, AT_1625)
    details = [r for r in feed_server.log if r["path"].startswith("/notices/v1/red/")]
    # Two details are served (90011, 90005); the others are 404 and retried next time.
    assert {r["path"] for r in details} >= {
        "/notices/v1/red/2026-90011",
        "/notices/v1/red/2026-90005",
    }
    kazimir = entries(session, feed)["2026/90011"]
    assert kazimir.extra.get("detail") and kazimir.reason
    assert any("2026/90012 detail" in e for e in first.errors)
    feed.etag = feed.last_modified = None
    session.commit()
    feed_server.log.clear()
    again = poll(session, feed, fetch, AT_1625 + timedelta(hours=1))
    fetched = {r["path"] for r in feed_server.log}
    assert "/notices/v1/red/2026-90011" not in fetched  # read once, remembered
    kazimir = entries(session, feed)["2026/90011"]
    assert kazimir.extra.get("detail") and kazimir.reason  # the list page did not erase it
    assert again.watchlist["removed"] == 0


def test_one_incident_from_two_sources_is_linked_not_doubled(session, world, feed_server):
    event, fetch = world
    incidents = add_feed(session, event, url=INCIDENTS, kind="geojson-incidents")
    poll(session, incidents, fetch, AT_1625)
    before = len(threats(session, event))
    # The festival desk's CAP alert about the same bag, five minutes after the 13:00 report.
    alert = (feed_server.root / "cap" / "alert-04-circle-suspicious-package.xml").read_text()
    alert = alert.replace("2026-07-18T16:10:00-05:00", "2026-07-18T13:05:00-05:00")
    feed_server.put("alerts.lakefront-festival.example", "/cap/desk.xml", alert.encode())
    desk = add_feed(
        session, event, kind="cap", url="https://alerts.lakefront-festival.example/cap/desk.xml"
    )
    published = Recorder()
    poll_feed(session, desk, fetch=fetch, publish=published, now=AT_1625)
    found = threats(session, event)
    assert len(found) == before  # not doubled
    first = found["LFS-000001"]
    assert first.reported_by == ["NWS Cook County"]  # the desk feed's name in these tests
    assert [d["kind"] for d in published.deltas] == ["threat_updated", "feed_status"]


def test_reach_rules_are_data_per_event(session, feed_server):
    # This event widens the package cordon to 700 m and keeps the default drone rule.
    rules = [
        {"category": "suspicious package", "reach_m": 700},
        {"category": "drone", "zone_kinds": ["airspace"], "severity": "severe"},
    ]
    event = make_event(session, reach_rules=rules)
    zones = make_fixture_zones(session, event)
    session.commit()
    fetch = Fetcher(HOSTS, "eventwatch-test", rebase=feed_server.rebase)
    feed = add_feed(session, event, url=INCIDENTS, kind="geojson-incidents")
    poll(session, feed, fetch, AT_1625)
    found = threats(session, event)
    # LFS-000008 lies 624 m from Oak Street Beach: outside it, inside this event's cordon.
    assert found["LFS-000008"].zone_ids == [zones["oak-street-beach"].id]
    # A drone over a crowd zone (no airspace zone here) touches it at its own severity.
    assert found["LFS-000015"].zone_ids == [zones["north-avenue-beach"].id]
    assert found["LFS-000015"].severity == "severe"  # the incident table's own severity
    assert "LFS-000014" not in found  # over a kilometre from both
