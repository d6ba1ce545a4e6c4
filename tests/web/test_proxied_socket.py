"""Behind a trusted proxy (TRUSTED_PROXIES=1) on a real server on 127.0.0.1: a browser's
socket is bound to the client address the proxy saw, as its pages are, so the live map
opens for the browser that logged in and not for a copy of its cookie elsewhere."""

from __future__ import annotations

import re
import threading

import pytest
import requests
import socketio
from werkzeug.serving import make_server

from app import create_app
from tests.factories import PASSWORD, db_session, make_user
from web.extensions import db


@pytest.fixture
def proxied(app):
    """The test app's settings with one trusted proxy in front, served on loopback."""
    behind = create_app(app.config | {"TRUSTED_PROXIES": 1})
    server = make_server("127.0.0.1", 0, behind, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield behind, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    with behind.app_context():
        db.engine.dispose()


def socket_opens(url: str, cookie: str, client_address: str) -> bool:
    client = socketio.Client(reconnection=False)
    headers = {"Cookie": cookie, "X-Forwarded-For": client_address, "User-Agent": "console"}
    try:
        client.connect(url, namespaces=["/live"], transports=["polling"], headers=headers)
    except socketio.exceptions.ConnectionError:
        return False
    client.disconnect()
    return True


def test_a_socket_behind_the_proxy_opens_from_the_login_address_only(proxied):
    app, url = proxied
    with db_session(app) as session:
        make_user(session, "commander", "cmdr")
        session.commit()
    browser = requests.Session()
    browser.headers.update({"X-Forwarded-For": "198.51.100.7", "User-Agent": "console"})
    page = browser.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"username": "cmdr", "password": PASSWORD, "csrf_token": token}
    assert browser.post(f"{url}/login", data=form, allow_redirects=False).status_code == 302
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    assert socket_opens(url, cookie, "198.51.100.7")
    assert not socket_opens(url, cookie, "203.0.113.1")
    browser.close()
