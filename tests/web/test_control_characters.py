"""Control characters in names and free text. XML 1.0 cannot carry most C0 controls, so a
zone named with one made the event's CAP feed malformed for every consumer. Names and text
are refused with them at the door (tab and line breaks only where text runs over lines),
and the CAP feed drops what XML cannot carry from anything already stored or read from
another feed, so its index and documents always parse and are valid CAP 1.2."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from common.times import utcnow
from planner.models import Event, Zone
from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.capschema import PARSER, assert_valid_cap
from tests.support.live import HOST
from threats.models import Threat
from threats.polling.fetch import Fetcher

CONTROLS = "\x01\x0b\x1f"
SQUARE = [[-87.627, 41.911], [-87.624, 41.911], [-87.624, 41.914], [-87.627, 41.911]]


@pytest.fixture
def desk(app, client):
    """An event with the two beach zones, and a planner's and a commander's API tokens."""
    with db_session(app) as session:
        event = make_event(session, reach_rules=[])
        zones = make_fixture_zones(session, event)
        ids = {"event": event.id, "oak": zones["oak-street-beach"].id}
        ids["planner"] = make_token(session, "planner", "api-planner")
        ids["commander"] = make_token(session, "commander", "api-commander")
    return ids


def call(client, token: str, method: str, path: str, body):
    headers = {"Authorization": f"Bearer {token}"}
    return client.open(f"/api/v1{path}", method=method, headers=headers, json=body)


def refused(response, field: str) -> bool:
    error = response.get_json()["error"]
    return response.status_code == 400 and error["details"] == {"field": field}


def test_a_zone_named_with_control_characters_is_refused(client, desk):
    e, oak, planner = desk["event"], desk["oak"], desk["planner"]
    zone = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
        "properties": {"name": f"Gate{CONTROLS}3", "kind": "crowd"},
    }
    assert refused(call(client, planner, "POST", f"/events/{e}/zones", zone), "name")
    renamed = {"name": f"Oak{CONTROLS}"}
    assert refused(call(client, planner, "PATCH", f"/events/{e}/zones/{oak}", renamed), "name")
    for each in CONTROLS:
        notes = {"notes": f"north{each}gate"}
        assert refused(call(client, planner, "PATCH", f"/events/{e}/zones/{oak}", notes), "notes")
    notes = {"notes": "north gate\n\tcode 4471\r\n"}  # notes run over lines
    assert call(client, planner, "PATCH", f"/events/{e}/zones/{oak}", notes).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PATCH", "/events/{e}", {"name": "Air\x01Show"}, "name"),
        ("POST", "/events/{e}/shifts", {"name": "Sat\x1fam", "starts_at": "2027-08-14T10:00:00",
                                        "ends_at": "2027-08-14T15:00:00"}, "name"),
        ("POST", "/personnel", {"name": "Ana\x0bRuiz", "agency": "CPD", "roles": ["medic"]},
         "name"),
        ("PATCH", "/events/{e}/zones/{oak}", {"name": "Oak\ud800"}, "name"),  # a lone surrogate
        ("PATCH", "/events/{e}/zones/{oak}", {"name": "Oak\nStreet"}, "name"),
    ],
)  # fmt: skip
def test_names_with_control_characters_are_refused_everywhere(client, desk, method, path, body,
                                                               field):  # fmt: skip
    path = path.format(e=desk["event"], oak=desk["oak"])
    assert refused(call(client, desk["planner"], method, path, body), field)


def test_a_commanders_note_or_assignee_with_control_characters_is_refused(app, client, desk):
    threat = plant_threat(app, desk["event"], "Suspicious package")
    path = f"/events/{desk['event']}/threats/{threat}"
    change = {"status": "assigned", "assignee": "Bike\x0118"}
    assert refused(call(client, desk["commander"], "PATCH", path, change), "assignee")
    change = {"status": "acknowledged", "note": "gate\x07"}
    assert refused(call(client, desk["commander"], "PATCH", path, change), "note")
    change = {"status": "acknowledged", "note": "gate 3\ncleared"}
    assert call(client, desk["commander"], "PATCH", path, change).status_code == 200


def plant_threat(app, event_id: int, kind: str) -> int:
    with db_session(app) as session:
        threat = Threat(event_id=event_id, source="test", source_id="T-1", kind=kind)
        session.add(threat)
        session.commit()
        return threat.id


def incident_feed(when: str) -> bytes:
    """A SODA incident page: a drone over Oak Street Beach, named with control characters."""
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-87.624, 41.903]},
        "properties": {
            "incident_id": "LFS-CTRL-1",
            "incident_type": f"DRONE{CONTROLS}SIGHTING\x02",
            "description": f"Drone{CONTROLS} low over the beach\ufffe",
            "date": when,
            "priority": "1",
        },
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def test_the_cap_feed_is_well_formed_and_valid_whatever_is_stored_or_read(
    app, client, desk, feed_server
):
    e = desk["event"]
    with db_session(app) as session:  # as rows written before names were checked would be
        session.get(Zone, desk["oak"]).name = f"Oak{CONTROLS}Street"
        session.get(Event, e).name = f"Air{CONTROLS}Show"
        session.commit()
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    now = utcnow().strftime("%Y-%m-%dT%H:%M:%S.000")
    feed_server.put(HOST, "/incidents.geojson", incident_feed(now))
    admin = make_admin_token(app)
    source = {"kind": "geojson-incidents", "url": f"https://{HOST}/incidents.geojson",
              "event_id": e}  # fmt: skip
    feed = call(client, admin, "POST", "/feeds", source).get_json()
    polled = call(client, admin, "POST", f"/feeds/{feed['id']}/poll", None).get_json()
    assert len(polled["threats"]) == 1, polled
    [threat] = polled["threats"]
    path = f"/events/{e}/threats/{threat}"
    assert call(client, desk["commander"], "PATCH", path, {"status": "resolved"}).status_code == 200

    atom = client.get(f"/api/v1/events/{e}/cap.atom", headers=bearer(desk["commander"]))
    assert atom.status_code == 200
    index = etree.fromstring(atom.get_data(), parser=PARSER)  # well-formed, or it raises
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    assert index.findtext("atom:title", namespaces=ns).startswith("AirShow")
    links = [link.get("href") for link in index.iterfind("atom:entry/atom:link", ns)]
    identifiers = re.findall(rb"<cap:identifier>([^<]+)<", atom.get_data())
    assert len(links) == 1 and identifiers
    cancel = client.get(links[0], headers=bearer(desk["commander"]))
    assert_valid_cap(cancel.get_data())
    first = re.search(rb"<references>[^,]+,([^,]+),", cancel.get_data()).group(1).decode()
    alert = client.get(f"/api/v1/events/{e}/cap/{first}.xml", headers=bearer(desk["commander"]))
    assert_valid_cap(alert.get_data())
    for document in (alert.get_data(), cancel.get_data()):
        text = document.decode()
        assert "<event>Drone Sighting</event>" in text and "<areaDesc>OakStreet<" in text


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def make_admin_token(app) -> str:
    with db_session(app) as session:
        return make_token(session, "admin", "api-admin")
