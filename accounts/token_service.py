"""API tokens: minted (shown once, only their hash kept), found, listed and revoked."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from accounts import cutoff_service as cutoff
from accounts import security
from accounts.models import ApiToken, User
from common.messages import N_
from common.times import iso, utcnow
from common.validation import NotFound
from common.writes import Change, Write

TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def create_token(w: Write, user: User, name: str = "") -> Change[str]:
    """A new API token for the user; the result is the token itself, shown once."""
    token, digest = security.new_token()
    row = ApiToken(user=user, name=name, token_hash=digest)
    w.session.add(row)
    w.session.flush()
    after = {"id": row.id, "name": name}
    return Change("token.create", f"user:{user.username}", after, None, token)


def token_for(session: Session, token: str, now: datetime | None = None) -> ApiToken | None:
    """The token's row while it opens anything (not revoked, its user active); else None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == security.token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = now or utcnow()
    # To the minute is enough to see which tokens are in use, and spares a GIS tool that
    # polls every few seconds a write on every read.
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return row


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    row = token_for(session, token, now)
    return row.user if row is not None else None


def user_for_token_id(session: Session, token_id: object, user_id: int) -> User | None:
    """Checked again at every Socket.IO event of a socket that connected with a token."""
    row = session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if row is None or row.revoked_at is not None or row.user_id != user_id:
        return None
    return row.user if row.user.active else None


def all_tokens(session: Session) -> list[ApiToken]:
    """Every token, newest first, with its user: what the admin page and the CLI list."""
    query = select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def describe(row: ApiToken) -> dict:
    return {
        "id": row.id,
        "user": row.user.username,
        "name": row.name,
        "created_at": iso(row.created_at),
        "last_used_at": iso(row.last_used_at),
        "revoked_at": iso(row.revoked_at),
    }


def revoke_token(w: Write, token_id: int) -> Change[ApiToken]:
    """Revoke a token: refused from its next request, and its open sockets are cut in
    every web process once this commits."""
    row = w.session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(N_("no API token %(id)s", id=token_id))
    before = describe(row)
    row.revoked_at = row.revoked_at or w.now
    cutoff.cut_off(w.session, cutoff.token_room(row.id))
    return Change("token.revoke", f"token:{row.id}", describe(row), before, row)
