"""Numbers that no column or JSON reader holds: NaN, Infinity, 1e999, integers past 2**31
(PostgreSQL's integer ids) or 2**63 (SQLite's), wherever a request carries a number: each
route's path, every query string, JSON bodies, the pages' forms and the /live join. None
may answer 500; an id that cannot exist is a 404. CI runs this on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import select

from maps import link_service as walls
from maps.models import WallLink
from tests.factories import db_session, make_event, make_fixture_zones, make_shift_now, make_token
from tests.factories import write as setup_write
from tests.support.live import HOST, NS, api, drive_every_delta_kind, fresh_alert
from tests.support.routes import every_route
from tests.support.web import LoggedIn
from threats.polling.fetch import Fetcher

HUGE = ("2147483648", "9223372036854775808", "99999999999999999999")
IN_QUERIES = (*HUGE, "-1", "1e999", "NaN", "Infinity", "²", "9999-12-31T23:59:59-12:00")
QUERY_NAMES = ("shift", "ids", "at", "threat", "status", "limit", "q", "list_kind", "suggest")
# Each is a 400 from the JSON reader itself, before any view looks at the body.
NOT_JSON_NUMBERS = ("NaN", "Infinity", "-Infinity", "1e999", "-1e999", "99999999999999999999")
IN_JSON = (*NOT_JSON_NUMBERS, "2147483648", "-2147483649", "9223372036854775808", "1e308")
IN_FORMS = (*HUGE, "-1", "nan", "inf", "1e999", "²", "٣", "9999-12-31T23:59:59-12:00")
ID_NAMES = ("event_id", "zone_id", "shift_id", "threat_id", "feed_id", "link_id")
SQUARE = [[-87.627, 41.911], [-87.624, 41.911], [-87.624, 41.914], [-87.627, 41.911]]


@dataclass
class World:
    app: Flask
    values: dict  # what every_route fills placeholders with
    admin: str  # an admin's API token: admins pass every role check
    browser: LoggedIn  # the same admin in a browser, for pages and forms

    def send(self, method: str, url: str, **kw):
        if url.startswith("/api/"):
            headers = {"Authorization": f"Bearer {self.admin}", **kw.pop("headers", {})}
            if method != "GET" and "data" not in kw:
                kw.setdefault("json", {})
            return self.browser.app.test_client().open(url, method=method, headers=headers, **kw)
        form = {"csrf_token": self.browser.csrf, **kw.pop("data", {})}
        return self.browser.client.open(url, method=method, data=None if method == "GET" else form)

    def status(self, method: str, url: str, **kw) -> int | str:
        """The answer's status; an exception the app let through (a 500 in production,
        raised here since the app is TESTING) as its name and message."""
        try:
            response = self.send(method, url, **kw)
        except Exception as exc:  # every such one is a finding
            return f"{type(exc).__name__}: {str(exc)[:80]}"
        response.close()  # a static file's answer holds the file open
        return response.status_code


@pytest.fixture
def world(app, client, feed_server, login) -> World:
    """An event with a zone, a shift now, staff on duty, a threat, a feed and a wall link."""
    with db_session(app) as session:
        event = make_event(session)
        zones = make_fixture_zones(session, event)
        shift = make_shift_now(session, event)
        walls.create(setup_write(session, "setup"), event, "Sheriff EOC")
        session.commit()
        ids = {"event": event.id, "north": zones["north-avenue-beach"].id, "shift": shift.id}
        values = {"event_id": event.id, "zone_id": ids["north"], "shift_id": shift.id}
        values["link_id"] = session.scalar(select(WallLink.id))
        admin = make_token(session, "admin", "api-admin")
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST,), "test", rebase=feed_server.rebase)
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("LIVE-9"))
    values["person_id"] = drive_every_delta_kind(client, ids | {"token": admin, "admin": admin})[
        "id"
    ]
    e = values["event_id"]
    values["threat_id"] = api(client, admin, "GET", f"/events/{e}/threats")["features"][0]["id"]
    values["feed_id"] = api(client, admin, "GET", "/feeds")["feeds"][0]["id"]
    values["assignment_id"] = api(client, admin, "GET", f"/events/{e}/assignments")["assignments"][
        0
    ]["id"]
    values["filename"] = "css/app.css"
    return World(app, values, admin, login("admin", "admin-user"))


def test_an_id_no_column_can_hold_is_a_404_on_every_route(world):
    answers = {}
    for name in ID_NAMES:
        for huge in HUGE:
            plain = every_route(world.app, world.values)
            for (method, url, _), (_, same, _) in zip(
                every_route(world.app, world.values | {name: huge}), plain, strict=True
            ):
                if url != same:
                    answers[(method, url)] = world.status(method, url)
    assert len(answers) > 100  # the walk reaches the routes
    assert {route: s for route, s in answers.items() if s != 404} == {}


def test_a_cap_identifier_naming_a_threat_or_message_that_cannot_exist_is_a_404(world):
    e = world.values["event_id"]
    atom = world.send("GET", f"/api/v1/events/{e}/cap.atom").get_data(as_text=True)
    identifier = re.search(r"<cap:identifier>([^<]+)</cap:identifier>", atom).group(1)
    sender, threat, seq = identifier.rsplit(".", 2)
    assert world.send("GET", f"/api/v1/events/{e}/cap/{identifier}.xml").status_code == 200
    for huge in HUGE:
        for wrong in (f"{sender}.{huge}.{seq}", f"{sender}.{threat}.{huge}"):
            assert world.send("GET", f"/api/v1/events/{e}/cap/{wrong}.xml").status_code == 404


def _reads(app: Flask, endpoint: str, name: str) -> bool:
    """Whether the view's own code names this query parameter (then it is tried alone)."""
    code = app.view_functions[endpoint].__code__
    return name in code.co_consts or any(name in str(c) for c in code.co_consts)


def test_no_query_string_number_answers_500_on_any_page_or_api_read(world):
    failures = []
    for method, url, endpoint in every_route(world.app, world.values):
        if method != "GET":
            continue
        for value in IN_QUERIES:
            every = "&".join(f"{name}={quote(value)}" for name in QUERY_NAMES)
            alone = [f"{n}={quote(value)}" for n in QUERY_NAMES if _reads(world.app, endpoint, n)]
            for query in (every, *alone):
                status = world.status("GET", f"{url}?{query}")
                if not isinstance(status, int) or status >= 500:
                    failures.append((f"{url}?{query}", status))
    assert failures == [], "\n".join(map(str, failures))


def bodies(v: dict) -> dict[tuple[str, str], object]:
    """A valid body for each API write that reads numbers from JSON."""
    e, z, s, p = v["event_id"], v["zone_id"], v["shift_id"], v["person_id"]
    polygon = {"type": "Polygon", "coordinates": [SQUARE]}
    need = {"zone_id": z, "shift_id": s, "role": "patrol_officer", "required": 2}
    return {
        ("POST", "/events"): {
            "name": "Night swim",
            "timezone": "America/Chicago",
            "starts_at": "2027-08-14T08:00:00",
            "ends_at": "2027-08-14T20:00:00",
            "expected_attendance": 1000,
        },
        ("PATCH", f"/events/{e}"): {
            "expected_attendance": 1000,
            "min_rest_hours": 8,
            "max_hours_per_day": 12,
        },
        ("POST", f"/events/{e}/zones"): {
            "type": "Feature",
            "geometry": polygon,
            "properties": {"name": "Gate 3", "kind": "crowd", "density": 2},
        },
        ("PATCH", f"/events/{e}/zones/{z}"): {"density": 2, "geometry": polygon},
        ("POST", f"/events/{e}/requirements"): [need],
        ("PUT", f"/events/{e}/requirements"): {"requirements": [need]},
        ("POST", f"/events/{e}/assignments"): [
            {"person_id": p, "zone_id": z, "shift_id": s, "role": "patrol_officer"}
        ],
        ("DELETE", f"/events/{e}/assignments"): {"ids": [v["assignment_id"]]},
        ("POST", f"/events/{e}/checkins"): {
            "person_id": p,
            "action": "divert",
            "threat_id": v["threat_id"],
        },
        ("POST", "/feeds"): {
            "kind": "cap",
            "url": f"https://{HOST}/cap/now.xml",
            "interval_s": 60,
            "event_id": e,
        },
        ("PATCH", f"/feeds/{v['feed_id']}"): {"interval_s": 60},
        ("POST", f"/events/{e}/sightings"): {
            "name": "Mirabel Testarova",
            "latitude": 41.91,
            "longitude": -87.62,
        },
    }


def numbers_in(value, path=()):
    """Paths to every number in a JSON value (a polygon's first corner only)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from numbers_in(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:1] if path[-1:] == ("coordinates",) else value):
            yield from numbers_in(item, (*path, index))


def written_with(body, path: tuple, number: str) -> str:
    """The body as JSON text with the number at `path` written as `number`, as sent."""
    copy = json.loads(json.dumps(body))
    *inner, last = path
    holder = copy
    for step in inner:
        holder = holder[step]
    holder[last] = "\x00NUMBER\x00"
    return json.dumps(copy).replace('"\\u0000NUMBER\\u0000"', number)


def test_json_numbers_beyond_what_is_stored_are_refused(world):
    """400, or 404 for an id no row can have (as for any id that names no row)."""
    failures = []
    for (method, path), body in bodies(world.values).items():
        for where in numbers_in(body):
            for number in IN_JSON:
                text = written_with(body, where, number)
                try:
                    response = world.send(
                        method, f"/api/v1{path}", data=text, content_type="application/json"
                    )
                except Exception as exc:  # a 500 in production
                    failures.append((method, path, where, number, repr(exc)[:80]))
                    continue
                refused = response.status_code in (400, 404) and "error" in response.json
                if not refused:  # nothing such is kept, and the answer says why
                    failures.append((method, path, where, number, response.status_code))
    assert failures == [], "\n".join(map(str, failures))


def test_the_json_reader_refuses_numbers_no_json_peer_reads_alike(world):
    """Refused while parsing, with the number named: not taken for a missing body."""
    path = f"/api/v1/events/{world.values['event_id']}/zones/{world.values['zone_id']}"
    for number in NOT_JSON_NUMBERS:
        text = f'{{"density": {number}}}'
        response = world.send("PATCH", path, data=text, content_type="application/json")
        assert response.status_code == 400, number
        assert number.lstrip("-")[:8] in response.json["error"]["message"], number


def forms(v: dict) -> dict[str, dict]:
    e, z, s = v["event_id"], v["zone_id"], v["shift_id"]
    return {
        f"/events/{e}/plan/requirements": {"shift_id": s, f"req:{z}:patrol_officer": "2"},
        f"/events/{e}/plan/assign": {
            "person_id": v["person_id"],
            "zone_id": z,
            "shift_id": s,
            "role": "patrol_officer",
        },
        f"/events/{e}/plan/unassign": {"assignment_id": "x", "shift_id": s},
        f"/events/{e}/plan/rules": {"min_rest_hours": "8", "max_hours_per_day": "12"},
        f"/events/{e}/plan/shifts": {
            "name": "Night",
            "starts_at": "2027-08-14T20:00:00",
            "ends_at": "2027-08-14T23:00:00",
        },
        "/events/new": {
            "name": "Night swim",
            "timezone": "America/Chicago",
            "starts_at": "2027-08-14T08:00:00",
            "ends_at": "2027-08-14T20:00:00",
            "expected_attendance": "1000",
        },
        "/admin/feeds/": {
            "kind": "cap",
            "url": f"https://{HOST}/cap/now.xml",
            "interval_s": "60",
            "event_id": e,
        },
    }


def test_no_form_number_answers_500(world):
    failures = []
    for url, fields in forms(world.values).items():
        for name in fields:
            for value in IN_FORMS:
                changed = {**fields, name: value}
                if name.startswith("req:"):  # the zone is in the field's name
                    changed = {"shift_id": fields["shift_id"], f"req:{value}:patrol_officer": "2"}
                status = world.status("POST", url, data=changed)
                if not isinstance(status, int) or status >= 500:
                    failures.append((url, name, value, status))
    assert failures == [], "\n".join(map(str, failures))


JOINS = (2**31, 2**63, 2**70, -1, float("inf"), float("nan"), "99999999999999999999", "²")


def test_a_live_join_with_such_numbers_is_refused_or_answered_not_raised(world):
    sio = world.browser.socket(NS)
    e = world.values["event_id"]
    for number in JOINS:
        ack = sio.emit("join", {"event_id": number, "since": None}, namespace=NS, callback=True)
        assert ack == {"ok": False, "error": "no such event"}, number
        ack = sio.emit("join", {"event_id": e, "since": number}, namespace=NS, callback=True)
        assert ack["ok"] is True, number
        assert [m["name"] for m in sio.get_received(NS)] == ["snapshot"], number
