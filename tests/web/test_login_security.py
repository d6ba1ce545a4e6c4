"""Login throttling (delays per address and per account, a known browser apart), the
session cookie's flags, and the security headers of every answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accounts import devices
from accounts import throttle_service as throttle
from accounts.models import AuditEntry, LoginThrottle
from app import create_app
from tests.factories import PASSWORD, db_session, make_user
from tests.support.web import csrf_from
from web.extensions import db


def _try(client, username: str, password: str, address: str = "127.0.0.1"):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def _users(app, *names: str) -> None:
    with db_session(app) as session:
        for name in names:
            make_user(session, "commander", name)
        session.commit()


FREE = throttle.ACCOUNT.free


def _counter(app, key: str) -> LoginThrottle:
    with db_session(app) as session:
        row = session.get(LoginThrottle, key)
        session.expunge(row)
        return row


def _time_passes(app, key: str, elapsed: timedelta) -> None:
    """As if `elapsed` had gone by since the counter's last failure (no sleeping)."""
    with db_session(app) as session:
        row = session.get(LoginThrottle, key)
        row.last_failure_at -= elapsed
        row.next_try_at -= elapsed
        session.commit()


def test_five_wrong_passwords_delay_an_unknown_browser_even_with_the_right_one(app, client):
    _users(app, "cmdr", "other")
    for _ in range(FREE):
        assert _try(client, "cmdr", "guess").status_code == 401
    refused = _try(client, "cmdr", PASSWORD)
    assert refused.status_code == 429
    assert 25 <= int(refused.headers["Retry-After"]) <= 30
    assert "Too many failed logins" in refused.get_data(as_text=True)
    assert _try(client, " cmdr ", PASSWORD).status_code == 429  # spaces do not reset it
    # another account, from the same address, is not delayed by someone else's mistakes
    assert _try(client, "other", PASSWORD).status_code == 302


def test_the_delay_doubles_with_each_further_failure_and_a_success_ends_it(app, client):
    _users(app, "cmdr")
    for _ in range(FREE):
        _try(client, "cmdr", "guess")
    waits = []
    for _ in range(3):
        _time_passes(app, "account:cmdr", timedelta(seconds=int(waits[-1]) if waits else 30))
        assert _try(client, "cmdr", "guess").status_code == 401
        waits.append(_try(client, "cmdr", "guess").headers["Retry-After"])
    assert [int(w) for w in waits] == [60, 120, 240]
    _time_passes(app, "account:cmdr", timedelta(seconds=240))
    assert _try(client, "cmdr", PASSWORD).status_code == 302
    assert _counter(app, "account:cmdr").failures == 0


def test_a_stranger_guessing_does_not_keep_the_commanders_own_browser_out(app, client):
    _users(app, "cmdr")
    console = app.test_client()
    assert _try(console, "cmdr", PASSWORD, "10.20.0.5").status_code == 302  # before the show
    there = {"REMOTE_ADDR": "10.20.0.5"}
    page = console.get("/", environ_base=there).text
    console.post("/logout", data={"csrf_token": csrf_from(page)}, environ_base=there)
    stranger = app.test_client()
    for _ in range(FREE):
        assert _try(stranger, "cmdr", "guess", "203.0.113.9").status_code == 401
    assert _try(stranger, "cmdr", PASSWORD, "203.0.113.9").status_code == 429
    assert _try(app.test_client(), "cmdr", PASSWORD, "10.20.0.6").status_code == 429
    assert _try(console, "cmdr", PASSWORD, "10.20.0.5").status_code == 302  # known browser


def test_a_known_browsers_cookie_is_worth_its_own_five_tries_and_cannot_be_forged(app, client):
    _users(app, "cmdr")
    assert _try(client, "cmdr", PASSWORD).status_code == 302
    for _ in range(FREE):
        assert _try(client, "cmdr", "guess").status_code == 401
    assert _try(client, "cmdr", PASSWORD).status_code == 429  # a stolen cookie: delayed too
    forged = app.test_client()
    forged.set_cookie(devices.COOKIE, devices.remember({}, "cmdr", "not the key"), path="/login")
    for _ in range(FREE):
        assert _try(forged, "cmdr", "guess", "203.0.113.9").status_code == 401
    assert _try(forged, "cmdr", PASSWORD, "203.0.113.9").status_code == 429


def test_failures_are_forgotten_after_an_hour_without_one(app, client):
    _users(app, "cmdr")
    for _ in range(FREE):
        _try(client, "cmdr", "guess")
    _time_passes(app, "account:cmdr", throttle.ACCOUNT.forget_after + timedelta(seconds=1))
    for _ in range(FREE):  # a fresh allowance, not one try until the next wait
        assert _try(client, "cmdr", "guess").status_code == 401


def test_one_address_guessing_many_accounts_is_delayed(app, client):
    free = throttle.ADDRESS.free
    names = [f"user{n}" for n in range(free // (FREE - 1) + 2)]
    _users(app, *names)
    tries = 0
    for name in names:
        for _ in range(FREE - 1):  # stays under each account's own limit
            if tries < free:
                assert _try(client, name, "guess", "10.9.8.7").status_code == 401
                tries += 1
    assert _try(client, names[-1], PASSWORD, "10.9.8.7").status_code == 429
    assert _try(client, names[-1], PASSWORD, "10.9.8.8").status_code == 302


def test_a_delayed_attempt_is_audited_but_does_not_extend_the_delay(app, client):
    _users(app, "cmdr")
    for _ in range(FREE + 3):
        _try(client, "cmdr", "guess")
    with db_session(app) as session:
        statuses = session.scalars(
            select(AuditEntry.status).where(AuditEntry.target == "cmdr").order_by(AuditEntry.id)
        ).all()
    assert statuses == [401] * FREE + [429] * 3
    assert _counter(app, "account:cmdr").failures == FREE


def test_the_session_cookie_is_http_only_same_site_and_secure_when_configured(app, client):
    _users(app, "cmdr")
    app.config["SESSION_COOKIE_SECURE"] = True
    cookie = _try(client, "cmdr", PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_every_answer_carries_the_security_headers(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    for url in ("/login", "/healthz", "/api/v1/events", "/static/vendor/leaflet/leaflet.js"):
        response = client.get(url)
        headers = response.headers
        response.close()
        assert "default-src 'self'" in headers["Content-Security-Policy"], url
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert headers["Strict-Transport-Security"].startswith("max-age="), url


def test_behind_a_trusted_proxy_the_client_address_is_the_one_audited_and_throttled(
    database_url, tmp_path
):
    proxied = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "SCHEDULER": False,
            "DEMO": False,
            "TRUSTED_PROXIES": 1,
        }
    )
    client = proxied.test_client()
    _users(proxied, "cmdr")
    for n in range(FREE):
        token = csrf_from(client.get("/login").get_data(as_text=True))
        client.post(
            "/login",
            data={"username": "cmdr", "password": "guess", "csrf_token": token},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        )
    with db_session(proxied) as session:
        addresses = session.scalars(select(AuditEntry.remote_addr)).all()
        keys = set(session.scalars(select(LoginThrottle.key)))
    with proxied.app_context():
        db.engine.dispose()  # this second app's connections, closed now rather than by GC
    assert sorted(addresses) == [f"192.0.2.{n}" for n in range(FREE)]
    assert {f"address:192.0.2.{n}" for n in range(FREE)} <= keys
