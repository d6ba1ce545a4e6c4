"""Login sessions kept on the server: opened at login, found on every request and every
Socket.IO event, ended by logout, a new password, a new role or deactivation."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import cutoff_service as cutoff
from accounts.models import LoginSession, User
from accounts.security import token_hash

# The key of Flask's session that holds the login's secret. The cookie is signed, not
# encrypted: whoever copies it has the secret, which is why ending it here is what counts.
SESSION_KEY = "login"
FULL, PASSWORD_ONLY = "full", "password"
# The key a Socket.IO connection's own session (kept in the process, never a cookie) holds
# the id of the API token it connected with under; its every event checks the token again.
SOCKET_TOKEN_KEY = "live_token_id"


def open_login(session: Session, user: User, scope: str, now: datetime) -> str:
    """A new login for the user; the result is its secret, for the cookie only."""
    secret = secrets.token_urlsafe(32)
    row = LoginSession(user=user, secret_hash=token_hash(secret), scope=scope, created_at=now)
    session.add(row)
    session.flush()
    return secret


def find(session: Session, secret: object, user_id: int) -> LoginSession | None:
    """The open login of this secret for this user, while the user is active; else None."""
    if not isinstance(secret, str) or not secret:
        return None
    row = session.scalar(select(LoginSession).where(LoginSession.secret_hash == token_hash(secret)))
    if row is None or row.ended_at is not None or row.user_id != user_id:
        return None
    return row if row.user.active else None


def end(session: Session, row: LoginSession, why: str, now: datetime) -> None:
    """End one login; its sockets are cut once this commits."""
    if row.ended_at is None:
        row.ended_at, row.ended_why = now, why
    cutoff.cut_off(session, cutoff.login_room(row.id))


def end_all(session: Session, user: User, why: str, now: datetime) -> int:
    """End every open login of the user (a new password, role, or deactivation): copies
    of their cookies stop at their next request, their sockets once this commits. The
    user's API tokens are other credentials, and stay."""
    rows = session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    ).all()
    for row in rows:
        end(session, row, why, now)
    return len(rows)


def open_count(session: Session, user_id: int) -> int:
    rows = session.scalars(
        select(LoginSession.id).where(
            LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
        )
    ).all()
    return len(rows)
