"""Logins sent all at once to a real server on 127.0.0.1 (threads, real sockets, the app's
own database): the throttle cannot be raced, and a one-time password opens one session."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from accounts.models import AuditEntry
from accounts.services import create_user
from tests.factories import db_session, make_user, write
from tests.support.web import csrf_from

FREE = 5  # failures an account allows before its first wait (accounts.throttle_service)


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def browsers(url: str, count: int) -> list[tuple[requests.Session, str]]:
    """Browsers that each opened the login page: its cookie and its form token."""
    ready = []
    for _ in range(count):
        browser = requests.Session()
        page = browser.get(f"{url}/login", timeout=10)
        ready.append((browser, csrf_from(page.text)))
    return ready


def all_at_once(url: str, ready, username: str, password: str) -> list[int]:
    """Every browser posts the login form at the same instant; their answers' statuses."""
    start = threading.Barrier(len(ready))

    def attempt(browser_and_token) -> int:
        browser, token = browser_and_token
        form = {"username": username, "password": password, "csrf_token": token}
        start.wait()
        answer = browser.post(f"{url}/login", data=form, allow_redirects=False, timeout=60)
        return answer.status_code

    with ThreadPoolExecutor(len(ready)) as pool:
        statuses = sorted(pool.map(attempt, ready))
    for browser, _ in ready:
        browser.close()
    return statuses


def test_25_concurrent_wrong_passwords_get_no_more_than_5_checks(app, served):
    with db_session(app) as session:
        make_user(session, "admin", "admin")
        session.commit()
    statuses = all_at_once(served, browsers(served, 25), "admin", "guess")
    assert statuses == [401] * FREE + [429] * (25 - FREE)
    with db_session(app) as session:
        audited = session.scalars(select(AuditEntry.status).where(AuditEntry.target == "admin"))
        assert sorted(audited) == statuses


def test_a_one_time_password_sent_five_times_at_once_opens_one_session(app, served):
    with db_session(app) as session:
        password = create_user(write(session), "newbie", "commander").result.password
        session.commit()
    statuses = all_at_once(served, browsers(served, FREE), "newbie", password)
    assert statuses == [302] + [401] * (FREE - 1)
