"""Login throttling, the session cookie's flags, and the security headers of every answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accounts import throttle_service as throttle
from accounts.models import AuditEntry
from accounts.services import record
from app import create_app
from common.times import utcnow
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


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(app, client):
    _users(app, "cmdr", "other")
    for _ in range(throttle.PER_ACCOUNT):
        assert _try(client, "cmdr", "guess").status_code == 401
    refused = _try(client, "cmdr", PASSWORD)
    assert refused.status_code == 429
    assert 800 < int(refused.headers["Retry-After"]) <= 900
    assert "Too many failed logins" in refused.get_data(as_text=True)
    assert _try(client, " cmdr ", PASSWORD).status_code == 429  # spaces do not reset it
    # another account, from the same address, is not locked by someone else's mistakes
    assert _try(client, "other", PASSWORD).status_code == 302


def test_failures_older_than_the_window_no_longer_count(app, client):
    _users(app, "cmdr")
    with db_session(app) as session:
        for _ in range(throttle.PER_ACCOUNT):
            old = record(session, None, method="POST", path="/login", status=401)
            old.action, old.target, old.remote_addr = "accounts.login", "cmdr", "127.0.0.1"
            old.at = utcnow() - throttle.WINDOW - timedelta(seconds=5)
        session.commit()
    assert _try(client, "cmdr", PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_stopped(app, client):
    names = [f"user{n}" for n in range(throttle.PER_ADDRESS // (throttle.PER_ACCOUNT - 1) + 2)]
    _users(app, *names)
    tries = 0
    for name in names:
        for _ in range(throttle.PER_ACCOUNT - 1):  # stays under each account's own limit
            if tries < throttle.PER_ADDRESS:
                assert _try(client, name, "guess", "10.9.8.7").status_code == 401
                tries += 1
    assert _try(client, names[-1], PASSWORD, "10.9.8.7").status_code == 429
    assert _try(client, names[-1], PASSWORD, "10.9.8.8").status_code == 302


def test_a_throttled_attempt_is_audited_but_does_not_extend_the_lock(app, client):
    _users(app, "cmdr")
    for _ in range(throttle.PER_ACCOUNT + 3):
        _try(client, "cmdr", "guess")
    with db_session(app) as session:
        statuses = session.scalars(
            select(AuditEntry.status).where(AuditEntry.target == "cmdr").order_by(AuditEntry.id)
        ).all()
    assert statuses == [401] * throttle.PER_ACCOUNT + [429] * 3


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
    for n in range(throttle.PER_ACCOUNT):
        token = csrf_from(client.get("/login").get_data(as_text=True))
        client.post(
            "/login",
            data={"username": "cmdr", "password": "guess", "csrf_token": token},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        )
    with db_session(proxied) as session:
        addresses = session.scalars(select(AuditEntry.remote_addr)).all()
    with proxied.app_context():
        db.engine.dispose()  # this second app's connections, closed now rather than by GC
    assert sorted(addresses) == [f"192.0.2.{n}" for n in range(throttle.PER_ACCOUNT)]
