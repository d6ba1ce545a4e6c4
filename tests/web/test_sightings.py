"""A commander reports a sighting; a lookout plate or a watchlist name puts it on the map."""

from __future__ import annotations

import pytest

from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.feedserver import FEEDS
from threats.polling.fetch import Fetcher

HOST = "bolo.lakefront-city.example"


@pytest.fixture
def lookouts(app, client, feed_server):
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        session.commit()
        event_id = event.id
        tokens = {r: make_token(session, r, r) for r in ("admin", "commander", "partner")}
    feed_server.put(HOST, "/bolo.csv", (FEEDS / "lookout" / "bolo.csv").read_bytes())
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)

    def call(method, path, role="commander", **kw):
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kw)

    feed = call(
        "POST",
        "/feeds",
        role="admin",
        json={"kind": "csv-lookout", "url": f"https://{HOST}/bolo.csv"},
    ).json
    assert call("POST", f"/feeds/{feed['id']}/poll").json["ok"]
    call.path = f"/events/{event_id}/sightings"
    return call


def test_a_plate_on_the_lookout_list_is_a_threat_where_it_was_seen(lookouts):
    seen = lookouts(
        "POST",
        lookouts.path,
        json={
            "plate": "IL 4K 772Z",
            "latitude": 41.9117,
            "longitude": -87.6262,
            "note": "parked by the beach house",
        },
    )
    assert seen.status_code == 201
    [hit] = seen.json["hits"]
    assert hit["watchlist_id"] == "BOLO-0001" and hit["score"] == 100
    threat = lookouts("GET", f"{lookouts.path.rsplit('/', 1)[0]}/threats/{seen.json['threat_id']}")
    props = threat.json["properties"]
    assert props["kind"] == "Sighting" and props["point"] == [-87.6262, 41.9117]
    assert [z["name"] for z in props["zones"]] == ["north-avenue-beach"]
    partner = lookouts(
        "GET", f"{lookouts.path.rsplit('/', 1)[0]}/threats/{seen.json['threat_id']}", role="partner"
    ).json["properties"]
    assert "title" not in partner and "description" not in partner and "kind" not in partner


def test_a_name_in_another_script_is_found_and_an_unknown_one_is_not(lookouts):
    seen = lookouts(
        "POST",
        lookouts.path,
        json={"name": "Evgeny Fiktivnov", "latitude": 41.9115, "longitude": -87.627},
    )
    assert seen.status_code == 201
    assert any(h["watchlist_id"] == "BOLO-0005" for h in seen.json["hits"])
    nobody = lookouts(
        "POST",
        lookouts.path,
        json={
            "name": "Margaret Oakhurst",
            "plate": "ZZ 0001 FK",
            "latitude": 41.9115,
            "longitude": -87.627,
        },
    )
    assert nobody.status_code == 200 and nobody.json == {"hits": [], "threat_id": None}


def test_a_sighting_needs_a_name_or_plate_and_a_place(lookouts):
    refused = lookouts("POST", lookouts.path, json={"latitude": 41.9, "longitude": -87.6})
    assert refused.status_code == 400 and "name or a plate" in refused.json["error"]["message"]
    nowhere = lookouts("POST", lookouts.path, json={"plate": "IL4K772Z"})
    assert nowhere.status_code == 400
    assert (
        lookouts(
            "POST",
            lookouts.path,
            role="partner",
            json={"plate": "IL4K772Z", "latitude": 1, "longitude": 1},
        ).status_code
        == 403
    )
