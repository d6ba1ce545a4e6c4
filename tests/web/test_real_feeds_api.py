"""Every real shape of issue 18, polled the way an operator would: a feed added through the
API, polled with POST .../poll, its health read back from the API. Each document must be
read as its source intends, or refused when it is hostile, and the incidents placed in their
zones. A real database, the real fetcher and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.feedserver import FEEDS
from threats.polling.fetch import Fetcher

HOST = "feeds.partner.example"


@pytest.fixture
def operator(app, client, feed_server):
    """An event on the lakefront, an admin's API token, and a fetcher that may reach HOST."""
    with db_session(app) as session:
        event = make_event(session, reach_rules=[])
        zones = {z.name: z.id for z in make_fixture_zones(session, event).values()}
        token = make_token(session, "admin", "feeds-admin")
        event_id = event.id
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    headers = {"Authorization": f"Bearer {token}"}

    def poll(kind: str, fixture: str, **fields) -> dict:
        path = f"/{fixture.replace('/', '-')}"
        feed_server.put(HOST, path, (FEEDS / fixture).read_bytes())
        data = {"kind": kind, "url": f"https://{HOST}{path}", "event_id": event_id, **fields}
        made = client.post("/api/v1/feeds", json=data, headers=headers)
        assert made.status_code == 201, made.json
        feed_id = made.json["id"]
        polled = client.post(f"/api/v1/feeds/{feed_id}/poll", headers=headers)
        assert polled.status_code == 200, polled.json
        return client.get(f"/api/v1/feeds/{feed_id}", headers=headers).json

    def threats() -> list[dict]:
        found = client.get(f"/api/v1/events/{event_id}/threats", headers=headers).json
        return found["features"] if isinstance(found, dict) else found

    return poll, threats, zones


# (kind, fixture, items, refused): real documents carry real flaws, refused one by one.
READ = [
    ("cap", "cap/real/usgs-earthquake-2010-verbatim.cap", 1, 0),
    ("cap", "cap/real/usgs-earthquake-circle-zero.cap", 1, 0),
    ("cap", "cap/real/edxl-de-1.0-fire-service.xml", 3, 1),  # a <sent> with no UTC offset
    ("cap", "cap/real/edxl-de-2.0-distribution.xml", 1, 0),
    ("cap", "cap/real/imo-two-languages.cap", 1, 0),
    ("cap", "cap/real/ipaws-alerts.xml", 2, 0),
    ("nws", "nws/real/alerts-2017-sender-spaces.geojson", 3, 1),  # sent with no UTC offset
    ("nws", "nws/real-flood-watch-no-polygon.geojson", 1, 0),
    ("ftm", "sanctions/targets.ftm.jsonl", None, 0),
]


@pytest.mark.parametrize(("kind", "fixture", "items", "refused"), READ, ids=[r[1] for r in READ])
def test_each_real_document_is_read_as_its_source_intends(operator, kind, fixture, items, refused):
    poll, _threats, _zones = operator
    feed = poll(kind, fixture)
    if refused:
        assert feed["state"] == "partial"
        assert feed["last_error"].startswith(f"{refused} of {items} records refused: record")
    else:
        assert (feed["state"], feed["last_error"]) == ("ok", None), feed["last_error"]
    assert feed["item_count"] == items if items is not None else feed["item_count"] >= 1


def test_an_inline_atom_index_is_read_without_following_links(operator):
    poll, _threats, _zones = operator
    feed = poll("cap-atom", "cap/real/naad-inline.atom")
    assert (feed["state"], feed["last_error"]) == ("ok", None), feed["last_error"]
    assert feed["item_count"] >= 1


def test_one_empty_sdn_entry_is_refused_and_counted_the_rest_read(operator):
    poll, _threats, _zones = operator
    feed = poll("ofac-xml", "sanctions/ofac/sdn-refusals.xml")
    assert feed["state"] == "partial"
    assert "1 of 4 records refused: record 2 (id 990003)" in feed["last_error"]


@pytest.mark.parametrize(
    "fixture", ["cap/malicious-billion-laughs.xml", "cap/malformed-truncated.xml"]
)
def test_a_hostile_or_broken_document_is_refused(operator, fixture):
    poll, threats, _zones = operator
    feed = poll("cap", fixture)
    assert feed["state"] in ("failing", "backing off")
    assert feed["last_error"]
    assert threats() == []


INCIDENTS = [
    "incidents/chicago-crimes-rows.json",
    "incidents/nyc-311-rows.json",
    "incidents/sf-incidents-rows.json",
    "incidents/seattle-fire-911.geojson",
    "incidents/held-out-rows.json",
    "incidents/held-out-arcgis.json",
]


@pytest.mark.parametrize("fixture", INCIDENTS)
def test_every_incident_lands_in_the_zone_its_row_names(operator, fixture):
    poll, threats, zones = operator
    feed = poll("incidents", fixture)  # no field map: the columns are guessed
    assert feed["state"] in ("ok", "partial") and feed["field_roles"], feed["last_error"]
    document = json.loads((FEEDS / fixture).read_bytes())
    rows = document if isinstance(document, list) else document["features"]
    rows = [r.get("properties") or r.get("attributes") or r for r in rows]
    named = sorted(r["zone"] for r in rows if r["zone"] in zones)
    placed = sorted(z["name"] for t in threats() for z in t["properties"]["zones"])
    assert placed == named
