"""Read-only links (wall displays, GIS feeds): minted, found by token, never stored in the
clear; a token opens only the kind of link it was minted for."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts import cutoff_service as cutoff
from common.times import iso
from common.validation import NotFound
from common.writes import Change, Write
from maps.models import WallLink
from planner.models import Event


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


LIFETIMES = {"wall": timedelta(days=7), "gis": timedelta(days=7)}  # unless revoked sooner


def create(w: Write, event: Event, label: str, kind: str = "wall") -> Change[str]:
    """A new link of this kind for the event; the result is its token, shown once (only
    its hash is kept)."""
    token = secrets.token_urlsafe(32)
    link = WallLink(
        event_id=event.id,
        kind=kind,
        token_hash=_digest(token),
        label=label[:200],
        created_by=w.actor,
        created_at=w.now,
        expires_at=w.now + LIFETIMES[kind],
    )
    w.session.add(link)
    w.session.flush()
    after = _json(link)
    return Change(
        f"{kind}_link.create", f"event:{event.id}:{kind}_link:{link.id}", after, None, token
    )


def _json(link: WallLink) -> dict:
    return {
        "id": link.id,
        "kind": link.kind,
        "label": link.label,
        "expires_at": iso(link.expires_at),
        "revoked_at": iso(link.revoked_at),
    }


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


def revoke(w: Write, event: Event, link_id: int, kind: str) -> Change[WallLink]:
    """Revoke one of the event's links of this kind; open screens are cut once this
    commits, in every web process (and could not join again anyway)."""
    link = w.session.get(WallLink, link_id)
    if link is None or link.event_id != event.id or link.kind != kind:
        raise NotFound(f"no {kind} link {link_id} in event {event.id}")
    before = _json(link)
    link.revoked_at = link.revoked_at or w.now
    cutoff.cut_off(w.session, cutoff.wall_room(link.id))
    target = f"event:{event.id}:{kind}_link:{link.id}"
    return Change(f"{kind}_link.revoke", target, _json(link), before, link)
