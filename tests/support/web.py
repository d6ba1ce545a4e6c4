"""A browser's session in a test: the form token of a page, and who is logged in.

The `login` fixture (tests/web/conftest.py) makes a LoggedIn; tests that check the login
form itself (tokens, wrong passwords, one-time passwords, throttling) post it by hand
with csrf_from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient

from web.extensions import socketio


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@dataclass(frozen=True)
class LoggedIn:
    """A test client holding the session of a user logged in with the login form."""

    app: Flask
    client: FlaskClient
    csrf: str  # the login page's form token: good for every form and X-CSRFToken after
    username: str
    role: str
    user_id: int

    def socket(self, namespace: str = "/live") -> SocketIOTestClient:
        """A Socket.IO test client on this session's cookie, as the page's script connects."""
        return socketio.test_client(self.app, namespace=namespace, flask_test_client=self.client)
