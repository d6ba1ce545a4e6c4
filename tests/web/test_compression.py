"""Answers are compressed as Accept-Encoding asks (web.compression), small ones are not,
and the CSRF token a compressed page carries is masked afresh every time (BREACH)."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.web import csrf_from
from web.compression import MIN_BYTES

SQUARE = [(0, 0), (0.0005, 0), (0.0005, 0.0005), (0, 0.0005), (0, 0)]


@pytest.fixture
def event_id(app):
    with db_session(app) as session:
        event = make_event(session)
        make_fixture_zones(session, event)
        session.commit()
        return event.id


def command_page(who, event_id, encoding=None):
    headers = {"Accept-Encoding": encoding} if encoding is not None else {}
    response = who.client.get(f"/events/{event_id}/command", headers=headers)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("accepted", "sent"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip;q=0, br", "br"),
        ("identity", None),
        ("", None),
        (None, None),
    ],
)
def test_the_command_page_is_compressed_as_the_browser_asks(app, login, event_id, accepted, sent):
    response = command_page(login("commander", "cmdr"), event_id, accepted)
    assert response.headers.get("Content-Encoding") == sent
    assert "Accept-Encoding" in response.headers.get("Vary", "")
    body = response.get_data()
    html = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[sent](body)
    assert b'id="event-map"' in html and b"north-avenue-beach" in html
    assert int(response.headers["Content-Length"]) == len(body)
    if sent:
        assert len(body) < len(html) / 2


def test_small_answers_go_as_they_are(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert response.json == {"ok": True} and "Content-Encoding" not in response.headers


def test_scripts_are_compressed_and_still_answer_not_modified(client):
    path = "/static/vendor/leaflet/leaflet.js"
    with client.get(path) as response:
        plain = response.get_data()
    with client.get(path, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == plain
    tag = response.headers["ETag"]
    assert tag.startswith('W/"')  # another representation of the file
    conditional = {"Accept-Encoding": "gzip", "If-None-Match": tag}
    with client.get(path, headers=conditional) as again:
        assert again.status_code == 304 and not again.get_data()


def test_api_json_is_compressed_when_large_enough(app, event_id):
    with db_session(app) as session:
        token = make_token(session, "planner", "api-planner")
    client, auth = app.test_client(), {"Authorization": f"Bearer {token}"}
    gzipped = auth | {"Accept-Encoding": "gzip"}
    small = client.get(f"/api/v1/events/{event_id}/zones", headers=gzipped)
    assert len(small.get_data()) < MIN_BYTES and "Content-Encoding" not in small.headers
    for n in range(10):  # ten more zones: the list is then worth compressing
        ring = [[-87.62 + n / 1000 + dx, 41.91 + dy] for dx, dy in SQUARE]
        geometry = {"type": "Polygon", "coordinates": [ring]}
        properties = {"name": f"Gate {n}", "kind": "gate"}
        zone = {"type": "Feature", "properties": properties, "geometry": geometry}
        answer = client.post(f"/api/v1/events/{event_id}/zones", headers=auth, json=zone)
        assert answer.status_code == 201, answer.json
    large = client.get(f"/api/v1/events/{event_id}/zones", headers=gzipped)
    assert large.headers["Content-Encoding"] == "gzip"
    plain = client.get(f"/api/v1/events/{event_id}/zones", headers=auth)
    assert gzip.decompress(large.get_data()) == plain.get_data()
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]


def test_the_csrf_token_differs_in_every_answer_and_still_works(app, login, event_id):
    who = login("commander", "cmdr")
    html = [gzip.decompress(command_page(who, event_id, "gzip").get_data()) for _ in range(2)]
    tokens = [re.search(r'data-csrf="([^"]+)"', page.decode())[1] for page in html]
    tokens.append(csrf_from(html[0].decode()))
    assert len(set(tokens)) == 3  # the same secret, never the same bytes
    for n, token in enumerate(tokens):
        form = {"csrf_token": token, "label": f"Wall {n}"}
        response = who.client.post(f"/events/{event_id}/walls", data=form)
        assert response.status_code == 302, token


def test_a_tampered_masked_token_is_refused(app, login, event_id):
    who = login("commander", "cmdr")
    html = gzip.decompress(command_page(who, event_id, "gzip").get_data()).decode()
    token = re.search(r'data-csrf="([^"]+)"', html)[1]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    for bad in (flipped, token[:-4], "m.", "m.!!!!"):
        form = {"csrf_token": bad, "label": "Wall"}
        response = who.client.post(f"/events/{event_id}/walls", data=form)
        assert response.status_code == 400, bad
