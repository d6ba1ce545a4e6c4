"""Who may do what: the login wall, the partner write ban, CSRF, tokens and the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from accounts.models import AuditEntry
from tests.factories import PASSWORD, db_session, make_event, make_token, make_user
from tests.support.routes import every_route
from tests.support.web import csrf_from

PUBLIC = {"accounts.login", "static", "healthz", "maps.wall"}  # the wall needs its token
PUBLIC |= {"tiles.wall_tile"}  # its wall link's token is its key, as for the wall
PUBLIC |= {"gis.threats", "gis.coverage"}  # a GIS feed link's token is its key
# A feed's push token is its key: no login, and every user's token gets 401 (test_push.py).
PUBLIC |= {"feeds_push.push"}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_page_and_api_route_refuses_an_anonymous_request(app, client):
    checked = 0
    for method, url, endpoint in every_route(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url, method=method)
        assert response.status_code in (302, 400, 401), (method, url, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], (method, url)
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url)
            assert response.json["error"]["code"] == "unauthorized"
        checked += 1
    assert checked >= 15


def test_a_partner_token_cannot_write_anything(app, client):
    with db_session(app) as session:
        event_id = make_event(session).id
        session.commit()
        token = make_token(session, "partner")
    headers = {"Authorization": f"Bearer {token}"}
    writes = 0
    for method, url, endpoint in every_route(app):
        if method not in WRITES or endpoint in PUBLIC:
            continue
        if endpoint in ("accounts.logout", "accounts.change_password", "accounts.set_language"):
            continue  # a partner may end its own session, set its own password and language
        url = url.replace("/events/1", f"/events/{event_id}")
        response = client.open(url, method=method, headers=headers, json={"name": "x"})
        assert response.status_code == 403, (method, url, response.status_code)
        writes += 1
    assert writes >= 5
    assert client.get("/api/v1/events", headers=headers).status_code == 200


def test_a_planner_token_creates_an_event_and_the_write_is_audited(app, client):
    with db_session(app) as session:
        token = make_token(session, "planner", "pat")
    response = client.post(
        "/api/v1/events",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "name": "Rehearsal",
            "timezone": "America/Chicago",
            "starts_at": "2027-08-20T08:00:00",
            "ends_at": "2027-08-20T16:00:00",
        },
    )
    assert response.status_code == 201
    assert response.json["id"] and response.json["starts_at"] == "2027-08-20T08:00:00-05:00"
    with db_session(app) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.actor, entry.method, entry.path, entry.status) == (
        "pat",
        "POST",
        "/api/v1/events",
        201,
    )
    assert entry.after["name"] == "Rehearsal"


def test_bad_input_is_named_and_nothing_is_written(app, client):
    with db_session(app) as session:
        token = make_token(session, "planner")
    response = client.post(
        "/api/v1/events",
        headers={"Authorization": f"Bearer {token}"},
        json={"name": "x", "timezone": "Mars/Olympus", "starts_at": "a", "ends_at": "b"},
    )
    assert response.status_code == 400
    assert response.json["error"]["details"] == {"field": "timezone"}
    assert client.get("/api/v1/events", headers={"Authorization": f"Bearer {token}"}).json == {
        "events": []
    }


def test_an_unknown_token_is_refused(client):
    assert client.get("/api/v1/events", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_login_needs_the_form_token_and_the_right_password(app, client):
    with db_session(app) as session:
        make_user(session, "commander", "cmdr")
        session.commit()
    page = client.get("/login")
    assert client.post("/login", data={"username": "cmdr", "password": PASSWORD}).status_code == 400
    token = csrf_from(page.get_data(as_text=True))
    wrong = client.post("/login", data={"username": "cmdr", "password": "x", "csrf_token": token})
    assert wrong.status_code == 401 and b"Wrong username or password" in wrong.data
    right = client.post(
        "/login", data={"username": "cmdr", "password": PASSWORD, "csrf_token": token, "next": "/"}
    )
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_login_never_redirects_off_site(app, client, target):
    with db_session(app) as session:
        make_user(session, "commander", "cmdr")
        session.commit()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"username": "cmdr", "password": PASSWORD, "csrf_token": token, "next": target},
    )
    assert response.headers["Location"] == "/"


def test_a_session_cookie_write_without_the_csrf_header_is_refused(login):
    planner = login("planner", "plan")
    client, token = planner.client, planner.csrf
    body = {
        "name": "x",
        "timezone": "UTC",
        "starts_at": "2027-01-01T00:00:00+00:00",
        "ends_at": "2027-01-02T00:00:00+00:00",
    }
    refused = client.post("/api/v1/events", json=body)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf"
    accepted = client.post("/api/v1/events", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_cli_creates_a_user_with_a_one_time_password_and_a_token(app, client):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create", "duty", "--role", "commander"])
    assert made.exit_code == 0, made.output
    password = re.search(r"one-time password.*: (\S+)", made.output).group(1)
    assert len(password) >= 16
    minted = runner.invoke(args=["tokens", "create", "duty"])
    token = minted.output.strip().splitlines()[-1]
    assert (
        client.get("/api/v1/events", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    page = client.get("/login")
    login = client.post(
        "/login",
        data={
            "username": "duty",
            "password": password,
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
    assert login.headers["Location"] == "/account/password"


def test_a_one_time_password_opens_only_the_password_page(app, client):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create", "newbie", "--role", "planner"])
    password = re.search(r"one-time password.*: (\S+)", made.output).group(1)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "newbie", "password": password, "csrf_token": token})
    assert client.get("/").headers["Location"] == "/account/password"
    assert client.get("/api/v1/events").json["error"]["code"] == "password_change_required"
    short = client.post(
        "/account/password",
        data={"current": password, "new": "short", "confirm": "short", "csrf_token": token},
    )
    assert short.status_code == 400 and b"at least 12" in short.data
    changed = client.post(
        "/account/password",
        data={"current": password, "new": PASSWORD, "confirm": PASSWORD, "csrf_token": token},
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200


def test_a_token_works_for_a_client_that_keeps_the_cookies_of_pages_it_fetched(app, client):
    with db_session(app) as session:
        token = make_token(session, "commander")
    client.get("/login")  # a session cookie holding only a CSRF token
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/events", headers=headers).status_code == 200
    assert client.get("/api/v1/events").status_code == 401  # the cookie alone is no login
