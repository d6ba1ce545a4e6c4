"""Incident feeds of every real shape polled from the local feed server into a real database:
each incident lands in its zone, refusals are counted, the guess is kept on the feed, the
feed's field map and time zone are honoured, and ArcGIS pages are followed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from planner.models import Zone
from tests.factories import make_event, make_fixture_zones, write
from tests.support.polling import AT_1625, Recorder, add_feed, threats
from threats.polling.feed_service import update_feed
from threats.polling.fetch import Fetcher
from threats.polling.poll_service import poll_feed

INCIDENTS = Path(__file__).parents[1] / "fixtures" / "feeds" / "incidents"
SODA = "data.lakefront-city.example"
GIS = "gis.lakefront-city.example"
ARCGIS = (
    f"https://{GIS}/arcgis/rest/services/LakefrontIncidents/FeatureServer/0/query"
    "?where=1%3D1&outFields=*&f=geojson"
)
FILES = {  # fixture: where the local server serves it
    "chicago-crimes-rows.json": "/resource/ijzp-q8t2.json",
    "nyc-311-rows.json": "/resource/erm2-nwe9.json",
    "sf-incidents-rows.json": "/resource/wg3w-h783.json",
    "held-out-rows.json": "/resource/hold-out1.json",
    "seattle-fire-911.geojson": "/resource/kzjm-xkqj.geojson",
    "held-out-arcgis.json": "/arcgis/rest/services/HeldOut/FeatureServer/0/query",
}

ID_COLUMN = {  # the column each fixture's own ids are in, which the guess must find
    "chicago-crimes-rows.json": "id",
    "nyc-311-rows.json": "unique_key",
    "sf-incidents-rows.json": "incident_id",
    "held-out-rows.json": "Event ID",
    "held-out-arcgis.json": "FID",
    "seattle-fire-911.geojson": "incident_number",
}


@pytest.fixture
def world(session, feed_server):
    event = make_event(session, reach_rules=[])
    make_fixture_zones(session, event)
    session.commit()
    for name, path in FILES.items():
        feed_server.put(SODA, path, (INCIDENTS / name).read_bytes())
    return event, Fetcher((SODA, GIS), "eventwatch-test", rebase=feed_server.rebase)


def url(name: str) -> str:
    return f"https://{SODA}{FILES[name]}?$limit=1000&$offset=0"


def placed(name: str) -> dict[str, str]:
    """Each record's id and the zone it was placed in, from the fixture itself."""
    document = json.loads((INCIDENTS / name).read_text())
    if isinstance(document, dict):
        document = [f.get("attributes") or f["properties"] for f in document["features"]]
    rows = document
    return {str(r[ID_COLUMN[name]]): r["zone"] for r in rows if r["zone"] != "outside"}


def zone_names(session) -> dict[int, str]:
    return dict(session.execute(select(Zone.id, Zone.name)).all())


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_incident_of_every_shape_lands_in_its_zone(session, world, name):
    event, fetch = world
    feed = add_feed(session, event, url=url(name), kind="incidents")
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert result.ok
    names = zone_names(session)
    found = {sid: [names[z] for z in t.zone_ids] for sid, t in threats(session, event).items()}
    assert found == {sid: [zone] for sid, zone in placed(name).items()}
    assert feed.field_guess["id"] == ID_COLUMN[name]


def test_a_record_without_a_place_is_refused_counted_and_the_guess_kept(session, world):
    event, fetch = world
    feed = add_feed(session, event, url=url("chicago-crimes-rows.json"), kind="incidents")
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert result.ok and result.items == 7
    assert result.rejected == ["record 7 (id 13570099): no position"]
    assert "1 of 7 records refused" in feed.last_error
    assert feed.field_guess == {
        "id": "id", "time": "date", "kind": "primary_type", "description": "description",
        "location": "location", "latitude": "latitude", "longitude": "longitude",
    }  # fmt: skip


def test_the_feeds_field_map_and_time_zone_are_used(session, world):
    event, fetch = world
    feed = add_feed(session, event, url=url("chicago-crimes-rows.json"), kind="incidents")
    changes = {"field_map": {"id": "case_number"}, "timezone": "UTC"}
    update_feed(write(session), feed.id, changes, fetch)
    session.commit()
    poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    found = threats(session, event)
    assert "JK340100" in found and "13570001" not in found
    assert found["JK340100"].sent_at == datetime(2026, 7, 18, 13, 5, tzinfo=ZoneInfo("UTC"))


def test_floating_times_default_to_the_events_zone(session, world):
    event, fetch = world
    feed = add_feed(session, event, url=url("chicago-crimes-rows.json"), kind="incidents")
    poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    sent = threats(session, event)["13570001"].sent_at
    assert sent == datetime(2026, 7, 18, 13, 5, tzinfo=ZoneInfo(event.timezone))


def test_arcgis_pages_are_followed_by_result_offset(session, world, feed_server):
    event, fetch = world
    feed = add_feed(session, event, url=ARCGIS, kind="geojson-incidents")
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert result.ok and result.items == 6 and not result.errors
    assert len(feed_server.requests_to(urlsplit(ARCGIS).path)) == 2  # the page at offset 4
    found = threats(session, event)
    assert len(found) == 5  # one of the six was placed outside both zones
    assert all(sid.startswith("{3F2A000") for sid in found)
    assert feed.field_guess["id"] == "GlobalID"


def test_an_unchanged_poll_makes_no_new_threats(session, world):
    event, fetch = world
    feed = add_feed(session, event, url=url("held-out-rows.json"), kind="incidents")
    poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    again = poll_feed(session, feed, fetch=fetch, publish=Recorder(),
                      now=AT_1625 + timedelta(minutes=1))  # fmt: skip
    assert again.ok and again.threats == []


def test_later_pages_are_read_by_the_first_pages_columns(session, world, feed_server):
    event, fetch = world
    first = (INCIDENTS / "arcgis-page1.geojson").read_bytes()
    second = json.loads((INCIDENTS / "arcgis-page2.geojson").read_text())
    for number, feature in enumerate(second["features"]):
        feature["properties"]["id"] = f"row-{number}"  # a column page 1 did not have
    path = urlsplit(ARCGIS).path
    feed_server.queue(GIS, path, 200, first)
    feed_server.queue(GIS, path, 200, json.dumps(second).encode())
    feed = add_feed(session, event, url=ARCGIS, kind="incidents")
    assert poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625).items == 6
    assert all(sid.startswith("{3F2A000") for sid in threats(session, event))


def test_an_arcgis_answer_served_elsewhere_is_paged_by_its_flag(session, world, feed_server):
    event, fetch = world
    for page in ("arcgis-page1.geojson", "arcgis-page2.geojson"):
        feed_server.queue(SODA, "/proxy/incidents", 200, (INCIDENTS / page).read_bytes())
    feed = add_feed(session, event, url=f"https://{SODA}/proxy/incidents?f=geojson")
    feed.kind = "incidents"
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert result.ok and result.items == 6


def test_an_arcgis_source_that_always_says_more_is_read_no_further_than_the_cap(
    session, world, feed_server
):
    """The same page, flagged exceededTransferLimit at every offset: the poll ends."""
    event, fetch = world
    page = (INCIDENTS / "arcgis-page1.geojson").read_bytes()
    feed_server.put(GIS, urlsplit(ARCGIS).path, page)
    feed = add_feed(session, event, url=ARCGIS, kind="incidents")
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert any("safety cap" in e for e in result.errors), result.errors
    assert len(threats(session, event)) <= len(json.loads(page)["features"])  # each once


def test_a_place_column_of_any_name_is_guessed_but_never_one_no_person_could_name(
    session, world, feed_server
):
    """A column of places under a name of no synonym is guessed by its values; a hostile
    source's column of 100,000 characters of markup, holding places too, never is (the
    guess is kept on the feed and sent to every viewer of the live map)."""
    event, fetch = world
    rows = json.loads((INCIDENTS / "chicago-crimes-rows.json").read_text())
    hostile = "<script>alert(1)</script>" + "x" * 100_000
    for row in rows:
        place = row.pop("location", None)
        row.pop("latitude", None), row.pop("longitude", None)
        row[hostile], row["site_of_call"] = place, place
    feed_server.put(SODA, "/resource/hostile.json", json.dumps(rows).encode())
    feed = add_feed(
        session, event, url=f"https://{SODA}/resource/hostile.json?$limit=1000", kind="incidents"
    )
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    assert feed.field_guess["location"] == "site_of_call"
    expected = placed("chicago-crimes-rows.json")
    assert result.items == 7 and len(threats(session, event)) == len(expected)


def test_an_incident_kind_longer_than_a_threat_keeps_is_clipped_not_a_failed_poll(
    session, world, feed_server
):
    event, fetch = world
    rows = json.loads((INCIDENTS / "chicago-crimes-rows.json").read_text())
    rows[0]["primary_type"] = "BATTERY " * 50  # 400 characters; a threat's kind holds 200
    feed_server.put(SODA, "/resource/long-kind.json", json.dumps(rows).encode())
    feed = add_feed(
        session, event, url=f"https://{SODA}/resource/long-kind.json?$limit=1000", kind="incidents"
    )
    result = poll_feed(session, feed, fetch=fetch, publish=Recorder(), now=AT_1625)
    session.commit()  # PostgreSQL refuses a value longer than its column here
    assert result.ok and len(threats(session, event)) == len(placed("chicago-crimes-rows.json"))
    assert max(len(t.kind) for t in threats(session, event).values()) <= 200
