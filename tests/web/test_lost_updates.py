"""Two commanders (or planners) change the same threat (or zone): the second one, whose
change was based on what the first has since changed, gets 409 and the thing as it is now,
instead of silently undoing the first one's change. A read's ETag is the thing's version,
sent back in If-Match; a write without If-Match (an older client) goes through as before."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.factories import db_session, make_event, make_fixture_zones, make_token
from tests.support.live import NS, joined
from threats.models import Threat


@pytest.fixture
def desk(app):
    """A zone and a threat of one event; two planners' and two commanders' API tokens."""
    with db_session(app) as session:
        event = make_event(session)
        zone = make_fixture_zones(session, event)["north-avenue-beach"]
        threat = Threat(event_id=event.id, source="desk", source_id="D-1", kind="Lost child",
                        zone_ids=[zone.id])  # fmt: skip
        session.add(threat)
        session.commit()
        ids = {"event": event.id, "zone": zone.id, "threat": threat.id}
        for name in ("planner", "commander"):
            ids[name] = [make_token(session, name, f"{name}-{n}") for n in (1, 2)]
    return ids


def call(client, token: str, method: str, path: str, body=None, **headers):
    headers["Authorization"] = f"Bearer {token}"
    return client.open(f"/api/v1{path}", method=method, headers=headers, json=body)


@pytest.mark.parametrize(
    ("kind", "role", "first", "second"),
    [
        ("zones", "planner", {"notes": "gate 3 shut"}, {"density": 3.5}),
        ("threats", "commander", {"status": "assigned", "assignee": "Bike 18"},
         {"status": "dismissed", "note": "false alarm"}),
    ],
)  # fmt: skip
def test_the_second_of_two_changes_from_the_same_reading_gets_409_and_the_thing_now(
    client, desk, kind, role, first, second
):
    one, two = desk[role]
    path = f"/events/{desk['event']}/{kind}/{desk[kind[:-1]]}"
    read = call(client, one, "GET", path).headers["ETag"]
    assert read == call(client, two, "GET", path).headers["ETag"]  # both read the same
    done = call(client, one, "PATCH", path, first, **{"If-Match": read})
    assert done.status_code == 200 and done.headers["ETag"] != read
    stale = call(client, two, "PATCH", path, second, **{"If-Match": read})
    assert stale.status_code == 409
    error = stale.json["error"]
    assert error["code"] == "conflict" and "changed after you read it" in error["message"]
    now = call(client, two, "GET", path)
    current = error["details"]["current"]["properties"]
    assert current | first == current  # the first commander's change is in it
    assert current == {key: now.json["properties"][key] for key in current}  # as it is now
    assert stale.headers["ETag"] == done.headers["ETag"] == now.headers["ETag"]
    again = call(client, two, "PATCH", path, second, **{"If-Match": stale.headers["ETag"]})
    assert again.status_code == 200  # having looked again, the second commander may go on


@pytest.mark.parametrize("kind", ["zones", "threats"])
def test_a_write_without_if_match_goes_through_as_before(client, desk, kind):
    role = "planner" if kind == "zones" else "commander"
    path = f"/events/{desk['event']}/{kind}/{desk[kind[:-1]]}"
    change = {"notes": "gate 3"} if kind == "zones" else {"status": "acknowledged"}
    assert call(client, desk[role][0], "PATCH", path, change).status_code == 200


@pytest.mark.parametrize("header", ["*", 'W/"{etag}"', '"1", "{etag}"'])
def test_if_match_takes_a_star_a_weakened_tag_or_a_list(client, desk, header):
    """nginx's gzip weakens the ETag of an answer it compresses: W/"..." still counts."""
    path = f"/events/{desk['event']}/zones/{desk['zone']}"
    etag = call(client, desk["planner"][0], "GET", path).headers["ETag"].strip('"')
    sent = {"If-Match": header.format(etag=etag)}
    assert (
        call(client, desk["planner"][0], "PATCH", path, {"notes": "x"}, **sent).status_code == 200
    )


def test_the_version_is_stored_not_kept_in_memory(app, client, desk):
    """A fresh process (another app, the same database) gives the same ETag."""
    path = f"/events/{desk['event']}/threats/{desk['threat']}"
    done = call(client, desk["commander"][0], "PATCH", path, {"status": "acknowledged"})
    other = app.test_client()
    with db_session(app) as session:
        session.expire_all()
    assert call(other, desk["commander"][1], "GET", path).headers["ETag"] == done.headers["ETag"]


def test_the_command_page_knows_each_threats_version_from_its_snapshot(app, client, desk, login):
    """The page sends a threat's `updated` (ms since 1970, from the snapshot's table or a
    delta) as its If-Match: it must be the threat's ETag, to the millisecond."""
    path = f"/events/{desk['event']}/threats/{desk['threat']}"
    call(client, desk["commander"][0], "PATCH", path, {"status": "acknowledged"})
    sio = joined(login("commander", "commander-1"), desk["event"])
    [snapshot] = [m["args"][0] for m in sio.get_received(NS) if m["name"] == "snapshot"]
    table = snapshot["threats"]
    [row] = table["rows"]
    at = table["fields"].index("updated")
    base = int(datetime.fromisoformat(table["base"]).timestamp()) * 1000
    etag = call(client, desk["commander"][0], "GET", path).headers["ETag"]
    assert etag == f'"{base + row[at]}"'


def test_the_plan_page_knows_each_zones_version(client, desk, login):
    planner = login("planner", "planner-1")
    page = planner.client.get(f"/events/{desk['event']}").get_data(as_text=True)
    path = f"/events/{desk['event']}/zones/{desk['zone']}"
    etag = call(client, desk["planner"][0], "GET", path).headers["ETag"]
    assert f'"version": {etag}' in page
