"""Read-only links (wall displays, GIS feeds): minted, found by token, never stored in the
clear; a token opens only the kind of link it was minted for."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from maps.models import WallLink


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    session: Session,
    event_id: int,
    label: str,
    actor: str,
    now: datetime,
    lifetime: timedelta,
    kind: str = "wall",
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        WallLink(
            event_id=event_id,
            kind=kind,
            token_hash=_digest(token),
            label=label[:200],
            created_by=actor,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def find(session: Session, token: str, now: datetime, kind: str = "wall") -> WallLink | None:
    """The valid link of this kind for a token, or None (unknown, of another kind, expired
    and revoked look the same)."""
    if not token or len(token) > 100:
        return None
    link = session.scalar(
        select(WallLink).where(WallLink.token_hash == _digest(token), WallLink.kind == kind)
    )
    return link if link is not None and link.valid(now) else None


def links_of(session: Session, event_id: int, kind: str = "wall") -> list[WallLink]:
    """An event's links of one kind, newest first (revoked and expired ones included)."""
    return list(
        session.scalars(
            select(WallLink)
            .where(WallLink.event_id == event_id, WallLink.kind == kind)
            .order_by(WallLink.id.desc())
        )
    )


def revoke(session: Session, event_id: int, link_id: int, kind: str, now: datetime) -> bool:
    """Revoke one of the event's links of this kind; False when there is no such link."""
    link = session.get(WallLink, link_id)
    if link is None or link.event_id != event_id or link.kind != kind:
        return False
    link.revoked_at = link.revoked_at or now
    return True
