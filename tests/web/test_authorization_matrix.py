"""Who may call what: every route and every /live event, walked with no login and each role.

The matrix below is read off the views (`roles_required`, the partner checks, the login
wall in accounts/auth.py). A route or /live event without an entry fails the first test,
so a new one cannot be added without saying who may call it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from accounts.models import ROLES, AuditEntry
from accounts.services import create_user
from accounts.token_service import create_token
from common.audience import FEED_FIELDS, staffing_for_partner, zone_for_partner
from maps import link_service as walls
from maps.models import WallLink
from tests.factories import (
    PASSWORD,
    db_session,
    make_event,
    make_fixture_zones,
    make_shift_now,
    make_token,
    make_user,
    write,
)
from tests.support.feedserver import FEEDS
from tests.support.live import (
    HOST,
    NS,
    SECRET_TEXT,
    api,
    drive_every_delta_kind,
    fresh_alert,
    received,
)
from tests.support.redaction import ALLOWED, NEVER_FOR_PARTNERS, WITHHELD, keys_in
from tests.support.routes import every_route
from tests.support.web import csrf_from
from threats.polling.fetch import Fetcher
from web.extensions import socketio

ANYONE = frozenset(ROLES)  # partners too: they read, and look after their own account
STAFF = ANYONE - {"partner"}
PLANNERS = frozenset({"planner", "admin"})  # admins pass every role check
COMMANDERS = frozenset({"commander", "admin"})
ADMINS = frozenset({"admin"})
PUBLIC = None  # no login at all
# A door whose key is a token of its own (a feed's push token): no login and no user's API
# token opens it, whatever the role: each is answered 401 (tests/web/test_push.py).
OWN_TOKEN = frozenset({"the door's own token"})  # no role

# (method, endpoint) -> the roles let through; everyone else gets 403, no login 401 or the
# login page. The roles are not a ladder: a commander may not edit the plan, nor a planner
# check people in.
MATRIX: dict[tuple[str, str], frozenset[str] | None] = {
    ("GET", "accounts.login"): PUBLIC,
    ("POST", "accounts.login"): PUBLIC,
    ("GET", "static"): PUBLIC,
    ("GET", "healthz"): PUBLIC,
    ("GET", "maps.wall"): PUBLIC,  # the link's own token is the key
    ("GET", "tiles.wall_tile"): PUBLIC,  # the wall link's token: its event's basemap only
    ("GET", "tiles.tile"): ANYONE,  # basemap tiles, for every map a login sees
    ("GET", "gis.threats"): PUBLIC,  # a GIS feed link's own token is the key
    ("GET", "gis.coverage"): PUBLIC,
    ("GET", "accounts.change_password"): ANYONE,
    ("POST", "accounts.change_password"): ANYONE,
    ("POST", "accounts.logout"): ANYONE,
    ("POST", "accounts.set_language"): ANYONE,  # each user's own interface language
    # pages
    ("GET", "planner.events"): ANYONE,
    ("GET", "maps.shared"): ANYONE,
    ("GET", "maps.command"): STAFF,  # a partner is sent to the shared view
    ("GET", "planner.event"): STAFF,  # a partner is sent to the shared view
    ("GET", "planner.personnel"): STAFF,
    ("GET", "planner.audit"): STAFF,
    ("GET", "planner.audit_csv"): STAFF,
    ("GET", "feeds.index"): STAFF,
    ("GET", "maps.wall_links"): COMMANDERS,
    ("POST", "maps.new_wall_link"): COMMANDERS,
    ("POST", "maps.revoke_wall_link"): COMMANDERS,
    ("GET", "gis.links"): COMMANDERS,
    ("POST", "gis.new_link"): COMMANDERS,
    ("POST", "gis.revoke_link"): COMMANDERS,
    ("POST", "event_forms.add_event"): PLANNERS,
    ("POST", "plan_forms.requirements"): PLANNERS,
    ("POST", "plan_forms.assign"): PLANNERS,
    ("POST", "plan_forms.unassign"): PLANNERS,
    ("POST", "plan_forms.auto"): PLANNERS,
    ("POST", "plan_forms.import_zones"): PLANNERS,
    ("POST", "plan_forms.geocodes"): PLANNERS,
    ("POST", "plan_forms.map_settings"): PLANNERS,
    ("POST", "plan_forms.rules"): PLANNERS,
    ("POST", "plan_forms.add_shift"): PLANNERS,
    ("POST", "plan_forms.division_note"): PLANNERS | COMMANDERS,
    ("POST", "roster_forms.import_roster"): PLANNERS,
    ("GET", "roles.roles"): STAFF,
    ("POST", "roles.add_role"): PLANNERS,
    ("POST", "roles.rename_role"): PLANNERS,
    ("POST", "people_forms.add_people"): PLANNERS,
    ("POST", "people_forms.remove_people"): PLANNERS,
    ("POST", "people_forms.import_people"): PLANNERS,
    ("POST", "feeds.create"): ADMINS,
    ("POST", "feeds.toggle"): ADMINS,
    ("POST", "feeds.credential"): ADMINS,
    ("POST", "feeds.poll"): COMMANDERS,
    ("POST", "feeds.rotate_push_token"): ADMINS,
    ("POST", "feeds.revoke_push_token"): ADMINS,
    ("POST", "feeds.set_senders"): ADMINS,
    ("GET", "admin.users"): ADMINS,
    ("POST", "admin.set_active"): ADMINS,
    ("POST", "admin.set_role"): ADMINS,
    ("GET", "admin.tokens"): ADMINS,
    ("GET", "basemaps.index"): ADMINS,
    ("POST", "basemaps.upload"): ADMINS,
    ("POST", "basemaps.remove"): ADMINS,
    ("POST", "admin.revoke_token"): ADMINS,
    # /api/v1: events, zones, shifts
    ("GET", "planner_api.list_events"): ANYONE,
    ("POST", "planner_api.create_event"): PLANNERS,
    ("GET", "planner_api.show_event"): ANYONE,
    ("PATCH", "planner_api.update_event"): PLANNERS,
    ("DELETE", "planner_api.delete_event"): ADMINS,
    ("GET", "planner_api.list_zones"): ANYONE,
    ("POST", "planner_api.create_zone"): PLANNERS,
    ("GET", "planner_api.show_zone"): ANYONE,
    ("PATCH", "planner_api.update_zone"): PLANNERS,
    ("DELETE", "planner_api.delete_zone"): PLANNERS,
    ("POST", "planner_api.import_zones"): PLANNERS,
    ("POST", "planner_api.zone_file_columns"): PLANNERS,
    ("GET", "planner_api.list_overlaps"): ANYONE,
    ("GET", "planner_api.list_shifts"): ANYONE,
    ("POST", "planner_api.create_shift"): PLANNERS,
    # /api/v1: staffing
    ("GET", "staffing_api.list_requirements"): ANYONE,
    ("POST", "staffing_api.save_requirements"): PLANNERS,
    ("PUT", "staffing_api.save_requirements"): PLANNERS,
    ("GET", "staffing_api.suggest_requirements"): ANYONE,
    ("GET", "staffing_api.list_gaps"): ANYONE,
    ("GET", "staffing_api.list_personnel"): STAFF,
    ("POST", "staffing_api.create_person"): PLANNERS,
    ("POST", "staffing_api.import_personnel"): PLANNERS,
    ("GET", "people_api.list_roles"): STAFF,
    ("POST", "people_api.create_role"): PLANNERS,
    ("PATCH", "people_api.rename_role"): PLANNERS,
    ("GET", "people_api.list_event_people"): STAFF,
    ("POST", "people_api.add_event_people"): PLANNERS,
    ("DELETE", "people_api.remove_event_people"): PLANNERS,
    ("POST", "people_api.import_event_people"): PLANNERS,
    ("GET", "staffing_api.list_assignments"): STAFF,
    ("POST", "staffing_api.create_assignments"): PLANNERS,
    ("DELETE", "staffing_api.delete_assignments"): PLANNERS,
    ("POST", "staffing_api.auto_assign"): PLANNERS,
    ("GET", "staffing_api.export"): STAFF,
    ("GET", "exports_api.zones"): ANYONE,  # partners: zone_for_partner
    ("GET", "exports_api.threats"): ANYONE,  # partners: threat_for_partner
    ("GET", "exports_api.assignments"): STAFF,
    ("GET", "exports_api.division_notes"): PLANNERS | COMMANDERS,  # radio channels, phones
    ("PUT", "exports_api.set_division_note"): PLANNERS | COMMANDERS,
    ("GET", "staffing_api.list_checkins"): STAFF,
    ("GET", "staffing_api.list_on_duty"): STAFF,
    ("POST", "staffing_api.check_in"): COMMANDERS,
    # /api/v1: threats, feeds, watchlist, screening
    ("GET", "threats_api.list_threats"): ANYONE,
    ("GET", "threats_api.show_threat"): ANYONE,
    ("PATCH", "threats_api.update_threat"): COMMANDERS,
    ("GET", "threats_api.activity_log"): STAFF,
    ("GET", "feeds_api.list_feeds"): ANYONE,
    ("POST", "feeds_api.create_feed"): ADMINS,
    ("GET", "feeds_api.show_feed"): ANYONE,
    ("PATCH", "feeds_api.update_feed"): ADMINS,
    ("POST", "feeds_api.poll"): COMMANDERS,
    ("POST", "feeds_api.rotate_push_token"): ADMINS,
    ("DELETE", "feeds_api.revoke_push_token"): ADMINS,
    ("POST", "feeds_push.push"): OWN_TOKEN,
    ("GET", "feeds_api.list_watchlist"): STAFF,
    ("GET", "screening_api.list_credentials"): STAFF,
    ("POST", "screening_api.add_credentials"): STAFF,
    ("POST", "screening_api.import_credentials"): STAFF,
    ("GET", "screening_api.list_hits"): STAFF,
    ("POST", "screening_api.run"): STAFF,
    ("POST", "screening_api.sighting"): COMMANDERS,
    # /api/v1: the CAP 1.2 feed, built from the partner copy only
    ("GET", "cap_feed.index"): ANYONE,
    ("GET", "cap_feed.alert"): ANYONE,
}
SENT_TO_SHARED = frozenset({"maps.command", "planner.event"})  # a partner's 302, not 403
LIVE_EVENTS = frozenset({"connect", "join"})  # checked by test_the_live_namespace_*

# The answers holding threat, zone or feed records, and where the records are in them.
SHAPES = {
    "planner_api.list_zones": ("zone", lambda b: [f["properties"] for f in b["features"]]),
    "planner_api.show_zone": ("zone", lambda b: [b["properties"]]),
    "threats_api.list_threats": ("threat", lambda b: [f["properties"] for f in b["features"]]),
    "threats_api.show_threat": ("threat", lambda b: [b["properties"]]),
    "feeds_api.list_feeds": ("feed", lambda b: b["feeds"]),
    "feeds_api.show_feed": ("feed", lambda b: [b]),
}
BOLO = "bolo.lakefront-city.example"
# Staff names, phones, notes, notice ids, watchlist subjects, badge holders, feed sources.
SECRETS = (*SECRET_TEXT, "Mirabel Testarova", "TESTAROVA", "FAKEWORTH", HOST, BOLO)
QUERIES = {"staffing_api.export": "?shift={shift_id}"}
# Run last, in this order: the event's deletion, then the session's own logout and login.
LAST = (
    ("DELETE", "planner_api.delete_event"),
    ("POST", "accounts.logout"),
    ("POST", "accounts.login"),
)


@dataclass
class World:
    """An event with everything a route can name; users are made as they are needed."""

    app: Flask
    values: dict[str, object]
    other_event: int
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, role: str) -> str:
        """The API token of `<role>-user`, whose password is PASSWORD."""
        if role not in self.tokens:
            with db_session(self.app) as session:
                self.tokens[role] = make_token(session, role)
        return self.tokens[role]


@pytest.fixture
def world(app, client, feed_server) -> World:
    with db_session(app) as session:
        event = make_event(session)
        other = make_event(session, name="Another festival")
        zones = make_fixture_zones(session, event)
        shift = make_shift_now(session, event)
        wall = walls.create(write(session, "setup"), event, "Sheriff EOC").result
        session.commit()
        ids = {"event": event.id, "north": zones["north-avenue-beach"].id, "shift": shift.id}
        made = World(app, {"event_id": event.id, "token": wall}, other.id)
        made.values["link_id"] = session.scalar(select(WallLink.id))
        # What the admin pages' writes act on: someone else's account and token, not the
        # walking admin's own.
        spare = make_user(session, "planner", "spare-user")
        made.values["token_id"] = create_token(write(session), spare, "spare").after["id"]
        made.values["user_id"] = spare.id
        session.commit()
    app.extensions["eventwatch.fetcher"] = Fetcher((HOST, BOLO), "test", rebase=feed_server.rebase)
    feed_server.put(HOST, "/cap/now.xml", fresh_alert("LIVE-9"))
    feed_server.put(BOLO, "/bolo.csv", (FEEDS / "lookout" / "bolo.csv").read_bytes())
    made.values |= filled_by_an_admin(client, made.token("admin"), ids)
    return made


def filled_by_an_admin(client, admin: str, ids: dict[str, int]) -> dict[str, object]:
    """Staff on duty, a threat, a watchlist with a badge holder on it, a head count; the
    ids of what the routes name. Admins pass every role check, so one token does it all."""
    e = ids["event"]
    drive_every_delta_kind(client, ids | {"token": admin, "admin": admin})
    bolo = {"kind": "csv-lookout", "url": f"https://{BOLO}/bolo.csv"}
    lookout = api(client, admin, "POST", "/feeds", json=bolo)
    api(client, admin, "POST", f"/feeds/{lookout['id']}/poll")
    badge = {"credential_id": "V-1", "full_name": "Mirabel Testarova", "organization": "Vendor"}
    api(client, admin, "POST", f"/events/{e}/credentials", json=[badge])
    need = {"zone_id": ids["north"], "shift_id": ids["shift"], "role": "patrol_officer"}
    api(client, admin, "POST", f"/events/{e}/requirements", json=[need | {"required": 2}])
    return {
        "zone_id": ids["north"],
        "shift_id": ids["shift"],
        "threat_id": api(client, admin, "GET", f"/events/{e}/threats")["features"][0]["id"],
        "feed_id": api(client, admin, "GET", "/feeds")["feeds"][0]["id"],
        "filename": "css/app.css",
    }


def test_every_route_and_live_event_has_a_matrix_entry(app):
    routes = {(method, endpoint) for method, _, endpoint in every_route(app)}
    missing, stale = routes - MATRIX.keys(), MATRIX.keys() - routes
    assert not missing, f"say in MATRIX who may call these: {sorted(missing)}"
    assert not stale, f"these MATRIX entries name no route: {sorted(stale)}"
    assert set(socketio.server.handlers[NS]) == LIVE_EVENTS


def walk(app, world: World) -> list[tuple[str, str, str]]:
    """Every route as a request to make: reads first, writes, deletions, then LAST."""
    routes = [
        (method, url + QUERIES.get(endpoint, "").format(**world.values), endpoint)
        for method, url, endpoint in every_route(app, world.values)
    ]

    def order(route):
        method, _, endpoint = route
        last = LAST.index((method, endpoint)) if (method, endpoint) in LAST else -1
        return last, method != "GET", method == "DELETE"

    return sorted(routes, key=order)


@dataclass
class Caller:
    """One role's two ways in: a browser's session for pages, a Bearer token for the API."""

    role: str | None
    browser: FlaskClient
    form: dict  # the form token, and the role's password for the login form
    api: FlaskClient
    bearer: str | None

    def send(self, route):
        method, url, _ = route
        if url.startswith("/api/"):
            headers = {"Authorization": f"Bearer {self.bearer}"} if self.bearer else {}
            body = {} if method == "GET" else {"json": {}}
            return self.api.open(url, method=method, headers=headers, **body)
        return self.browser.open(url, method=method, data=None if method == "GET" else self.form)


def caller(login, world: World, role: str | None) -> Caller:
    """The role's user (the one its API token is for) logged in with its password through
    the `login` fixture, or no one; and its API token."""
    browser = world.app.test_client()
    if role is None:
        username = "admin-user"  # what the anonymous walk logs in with, last
        csrf = csrf_from(browser.get("/login").get_data(as_text=True))
        bearer = None
    else:
        bearer = world.token(role)
        who = login(role, client=browser)
        username, csrf = who.username, who.csrf
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf}
    return Caller(role, browser, form, world.app.test_client(), bearer)


def expected(role: str | None, route) -> str | None:
    """How the matrix says this role is turned away from this route; None: let through."""
    method, url, endpoint = route
    allowed = MATRIX[(method, endpoint)]
    if allowed is OWN_TOKEN:
        return "unauthorized"
    if allowed is PUBLIC or role in allowed:
        return None
    if role is None:
        return "unauthorized" if url.startswith("/api/") else "login"
    if role == "partner" and endpoint in SENT_TO_SHARED:
        return "shared"
    return "forbidden"


def refusal(response) -> str | None:
    """How the authorization layer turned a request away; None when it let it through."""
    status, location = response.status_code, response.headers.get("Location", "")
    body = response.get_json(silent=True)
    code = body["error"]["code"] if isinstance(body, dict) and "error" in body else None
    if status == 302 and location.startswith("/login?next="):
        return "login"
    if status == 302 and location.endswith("/shared"):
        return "shared"
    if status in (401, 403):
        return code or "forbidden"
    if status == 400 and (code == "csrf" or response.text.startswith("The form expired")):
        return "csrf"
    return None


def beyond_allow_list(endpoint: str, body) -> tuple[str, set[str]]:
    """The kind of records an answer holds, and their keys that its allow-list drops."""
    if endpoint not in SHAPES:
        return "", set()
    kind, records = SHAPES[endpoint]
    return kind, set().union(*(set(r) - ALLOWED[kind] for r in records(body)))


def leaks(endpoint: str, response) -> list[str]:
    """What a partner or an anonymous screen must not read: a secret, a withheld key."""
    found = [s for s in SECRETS if s in response.text]
    body = response.get_json(silent=True) if response.is_json else None
    if body is not None:
        found += sorted(NEVER_FOR_PARTNERS & keys_in(body) | beyond_allow_list(endpoint, body)[1])
    return found


def audit_rows(app) -> dict[int, tuple]:
    with db_session(app) as session:
        return {
            e.id: (e.at, e.user_id, e.actor, e.method, e.path, e.status, e.action, e.target,
                   e.before, e.after, e.remote_addr)
            for e in session.scalars(select(AuditEntry))
        }  # fmt: skip


@pytest.mark.parametrize("role", [None, *reversed(ROLES)], ids=lambda r: r or "anonymous")
def test_every_route_answers_each_role_as_the_matrix_says(app, world, login, role):
    who = caller(login, world, role)
    audit_before = audit_rows(app)
    routes, wrong, leaked, read = walk(app, world), [], [], []
    withheld = {kind: set() for kind in WITHHELD}
    for route in routes:
        response = who.send(route)
        assert response.status_code < 500, (role, *route)
        if refusal(response) != expected(role, route):
            wrong.append((*route[:2], response.status_code, refusal(response)))
        if response.status_code < 300 and role in (None, "partner"):
            leaked += [(route[1], leak) for leak in leaks(route[2], response)]
        elif response.status_code < 300:
            read.append(response.text)
            if route[2] in SHAPES:
                kind, extra = beyond_allow_list(route[2], response.get_json())
                withheld[kind] |= extra
        response.close()
    assert wrong == [], f"{role} was not answered as MATRIX says"
    assert leaked == [], f"{role} read what common/audience.py withholds"
    audit_after = audit_rows(app)
    assert {i: audit_after.get(i) for i in audit_before} == audit_before  # none edited or gone
    assert len(audit_after) - len(audit_before) == sum(m != "GET" for m, _, _ in routes)
    if role in STAFF:  # staff read it all: the partner checks had something to find
        unplaced = {k: sorted(withheld[k] ^ WITHHELD[k]) for k in WITHHELD}
        assert withheld == WITHHELD, (
            f"place each new field in common/audience.py or tests/support/redaction.py: {unplaced}"
        )
        assert [s for s in SECRETS if not any(s in text for text in read)] == []


def joined(sio, event_id: int) -> dict:
    return sio.emit("join", {"event_id": event_id, "since": None}, namespace=NS, callback=True)


def check_snapshot(sio, audience: str) -> None:
    [snap] = received(sio, "snapshot")
    text = json.dumps(snap, ensure_ascii=False)
    words = snap["threats"]["words"]
    if audience == "full":  # the title a partner's copy withholds
        assert any(w.get("title") for w in words.values()), words
        return
    assert words == {}
    assert [s for s in SECRETS if s in text] == []
    assert not NEVER_FOR_PARTNERS & keys_in(snap)
    assert snap["staffing"] == staffing_for_partner(snap["staffing"])
    assert all(f == zone_for_partner(f) for f in snap["zones"]["features"])
    assert all(set(f) <= FEED_FIELDS for f in snap["feeds"])


def test_the_live_namespace_lets_in_whom_it_should(app, world, login):
    event_id = world.values["event_id"]
    for auth in (None, {"token": "ew_wrong"}, {"wall": "wrong"}):
        assert not socketio.test_client(app, namespace=NS, auth=auth).is_connected(NS), auth
    for role in ROLES:
        audience = "partner" if role == "partner" else "full"
        who = caller(login, world, role)
        for sio in (
            socketio.test_client(app, namespace=NS, auth={"token": who.bearer}),
            socketio.test_client(app, namespace=NS, flask_test_client=who.browser),
        ):
            assert sio.is_connected(NS), role
            assert joined(sio, event_id) == {"ok": True, "event_id": event_id, "audience": audience}
            check_snapshot(sio, audience)
            sio.disconnect(NS)
    screen = socketio.test_client(app, namespace=NS, auth={"wall": world.values["token"]})
    assert joined(screen, event_id)["audience"] == "partner"
    check_snapshot(screen, "partner")
    assert joined(screen, world.other_event)["ok"] is False  # the link is for its own event
    screen.disconnect(NS)


def test_a_one_time_password_does_not_open_the_live_namespace(app):
    with db_session(app) as session:
        password = create_user(write(session), "newbie", "commander").result.password
        session.commit()
    browser = app.test_client()
    token = csrf_from(browser.get("/login").get_data(as_text=True))
    login = {"username": "newbie", "password": password, "csrf_token": token}
    assert browser.post("/login", data=login).headers["Location"] == "/account/password"
    sio = socketio.test_client(app, namespace=NS, flask_test_client=browser)
    assert not sio.is_connected(NS)
