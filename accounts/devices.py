"""Known browsers ("device cookies", OWASP's defence against online guessing): a browser
that logged in to an account holds a signed note of it, and its tries at that account are
counted on their own, so that a stranger's failures delay only unknown browsers.

The cookie maps user names to a random id per browser and account, signed with the app's
secret key; it is sent only to /login. Plain Python (itsdangerous, no Flask).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "eventwatch_device"
LIFETIME = timedelta(days=30)  # renewed at every login from the browser
MOST = 8  # accounts remembered per browser (a command post's shared console)
_SALT = "eventwatch.login-device"


def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def read(cookie: str | None, secret_key: str) -> dict[str, str]:
    """The accounts this browser logged in to, and its id for each; {} when the cookie is
    missing, forged, or older than LIFETIME."""
    if not cookie:
        return {}
    try:
        known = _signer(secret_key).loads(cookie, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:
        return {}
    if not isinstance(known, dict):
        return {}
    return {k: v for k, v in known.items() if isinstance(k, str) and isinstance(v, str)}


def remember(known: dict[str, str], username: str, secret_key: str) -> str:
    """The cookie's new value once `username` logged in from this browser."""
    known = dict(known)
    device = known.pop(username, None) or secrets.token_urlsafe(16)
    known = dict(list(known.items())[-(MOST - 1) :]) | {username: device}
    return _signer(secret_key).dumps(known)
