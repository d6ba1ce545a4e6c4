"""Fixtures of the web tests: logging in through the login form, Debian's Chromium through
Playwright, and the demo server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from accounts.models import User
from tests.factories import PASSWORD, db_session, make_user
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DemoServer
from tests.support.ci import required_in_ci
from tests.support.web import LoggedIn, csrf_from


@pytest.fixture
def login(app):
    """login(role, username=None, *, client=None, **headers) -> LoggedIn

    Logs `username` (by default `<role>-user`, as tests.factories names users) in with
    PASSWORD through the login form, on `client` or a new test client, sending `headers`
    (Accept-Language, say) with the page and the form. The user is made with that role
    first, unless one of that name exists already (a token's user, or the same person on a
    second client); it must then have that role."""

    def log_in(role: str, username: str | None = None, *, client=None, **headers) -> LoggedIn:
        username = username or f"{role}-user"
        with db_session(app) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                user = make_user(session, role, username)
                session.commit()
            assert user.role == role, f"{username} is a {user.role}, not a {role}"
            user_id = user.id
        if client is None:
            client = app.test_client()
        csrf = csrf_from(client.get("/login", headers=headers).get_data(as_text=True))
        form = {"username": username, "password": PASSWORD, "csrf_token": csrf}
        answer = client.post("/login", data=form, headers=headers)
        assert (answer.status_code, answer.headers.get("Location")) == (302, "/"), answer.text
        return LoggedIn(app, client, csrf, username, role, user_id)

    return log_in


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        required_in_ci(f"Debian's chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_server(tmp_path):
    server = DemoServer(tmp_path / "instance")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
