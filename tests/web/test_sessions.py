"""Sessions end on the server: a cookie copied before a logout, a password change, a role
change or a deactivation opens nothing afterwards; the address a login is bound to is the
one the app trusts; a one-time password opens one session, confined and never promoted."""

from __future__ import annotations

import re

from sqlalchemy import select

from accounts.models import LoginSession
from app import create_app
from tests.factories import PASSWORD, db_session
from tests.support.live import NS
from tests.support.web import csrf_from
from web.extensions import db, socketio

NEW_PASSWORD = "lantern orbit river stone"


def copy_of(client, app):
    """Another browser holding a copy of this one's session cookie (stolen, or replayed)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def opens(client, **kw) -> bool:
    page = client.get("/", **kw)
    api = client.get("/api/v1/events", **kw)
    assert (page.status_code == 200) == (api.status_code == 200), (page, api)
    if page.status_code != 200:
        assert page.headers["Location"].startswith("/login") and api.status_code == 401
    return page.status_code == 200


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, login):
    cmdr = login("commander", "cmdr")
    thief = copy_of(cmdr.client, app)
    assert opens(thief)  # a copy works while the login is open (it is the same cookie)
    assert cmdr.client.post("/logout", data={"csrf_token": cmdr.csrf}).status_code == 302
    assert not opens(thief)
    assert not socketio.test_client(app, namespace=NS, flask_test_client=thief).is_connected(NS)
    with db_session(app) as session:
        [ended] = session.scalars(select(LoginSession)).all()
        assert ended.ended_why == "logout"


def test_logging_out_one_browser_leaves_the_others_open(app, login):
    console = login("commander", "cmdr")
    laptop = login("commander", "cmdr")
    console.client.post("/logout", data={"csrf_token": console.csrf})
    assert opens(laptop.client) and not opens(console.client)


def change_password(who, new=NEW_PASSWORD, current=PASSWORD):
    form = {"current": current, "new": new, "confirm": new, "csrf_token": who.csrf}
    return who.client.post("/account/password", data=form)


def test_a_password_change_ends_every_other_session_and_copy(app, login):
    console = login("commander", "cmdr")
    laptop = login("commander", "cmdr")
    thief = copy_of(console.client, app)
    assert change_password(console).status_code == 302
    assert opens(console.client)  # the browser that changed it gets a new login
    assert not opens(laptop.client)
    assert not opens(thief)  # the copy holds the login that was ended


def test_a_role_change_or_deactivation_ends_sessions_and_reactivation_revives_none(app, login):
    cmdr, plan = login("commander", "cmdr"), login("planner", "plan")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "set-role", "plan", "partner"]).exit_code == 0
    assert not opens(plan.client)
    assert runner.invoke(args=["users", "deactivate", "cmdr"]).exit_code == 0
    assert not opens(cmdr.client)
    assert runner.invoke(args=["users", "activate", "cmdr"]).exit_code == 0
    assert not opens(cmdr.client)
    assert opens(login("commander", "cmdr").client)


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_client_sent_x_forwarded_for_does_not_carry_a_copied_cookie(app, login):
    cmdr = login("commander", "cmdr", client=client_at(app, "198.51.100.7"))
    thief = copy_of(cmdr.client, app)
    elsewhere = {"environ_base": {"REMOTE_ADDR": "203.0.113.66"}}
    forged = {"X-Forwarded-For": "198.51.100.7"}
    assert not opens(thief, headers=forged, **elsewhere)  # no proxy is trusted by default
    assert opens(cmdr.client)


def test_behind_a_trusted_proxy_the_binding_is_the_address_the_proxy_saw(app, login):
    proxied = create_app(app.config | {"TRUSTED_PROXIES": 1})
    client = client_at(proxied, "127.0.0.1")  # the proxy's address
    seen = {"X-Forwarded-For": "198.51.100.7"}
    login("commander", "cmdr", client=client, **seen)
    assert opens(client, headers=seen)
    # a client that puts the victim's address first: the proxy appends the real one
    assert not opens(client, headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.66"})
    with proxied.app_context():
        db.engine.dispose()


def one_time_login(app, username: str, password: str):
    browser = app.test_client()
    token = csrf_from(browser.get("/login").get_data(as_text=True))
    form = {"username": username, "password": password, "csrf_token": token}
    return browser, token, browser.post("/login", data=form)


def new_user(app, name: str) -> str:
    made = app.test_cli_runner().invoke(args=["users", "create", name, "--role", "commander"])
    return re.search(r"one-time password.*: (\S+)", made.output).group(1)


def test_a_one_time_password_opens_one_session_only(app):
    password = new_user(app, "newbie")
    first, _, answer = one_time_login(app, "newbie", password)
    assert answer.headers["Location"] == "/account/password"
    second, _, again = one_time_login(app, "newbie", password)
    assert again.status_code == 401
    assert second.get("/account/password").headers["Location"].startswith("/login")
    assert first.get("/account/password").status_code == 200  # the one session it opened


def test_a_one_time_session_is_never_promoted_and_dies_when_the_password_changes(app):
    first_password = new_user(app, "newbie")
    early, _, _ = one_time_login(app, "newbie", first_password)
    assert early.get("/").headers["Location"] == "/account/password"
    reset = app.test_cli_runner().invoke(args=["users", "reset-password", "newbie"])
    second_password = re.search(r"one-time password.*: (\S+)", reset.output).group(1)
    assert early.get("/account/password").headers["Location"].startswith("/login")
    later, csrf, _ = one_time_login(app, "newbie", second_password)
    form = {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf}
    assert later.post("/account/password", data=form).status_code == 302
    assert later.get("/").status_code == 200
    assert not opens(early)  # not promoted by the change made elsewhere: ended
    assert not socketio.test_client(app, namespace=NS, flask_test_client=early).is_connected(NS)


def test_a_one_time_session_stays_on_the_password_page_until_it_changes_it(app):
    password = new_user(app, "newbie")
    browser, csrf, _ = one_time_login(app, "newbie", password)
    assert browser.get("/").headers["Location"] == "/account/password"
    assert browser.get("/api/v1/events").json["error"]["code"] == "password_change_required"
    assert "Current password" not in browser.get("/account/password").get_data(as_text=True)
    common = {"new": "password1234", "confirm": "password1234", "csrf_token": csrf}
    assert browser.post("/account/password", data=common).status_code == 400
    assert browser.get("/").headers["Location"] == "/account/password"
