"""Badge holders screened against the watchlists: import, screen what changed, decide."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from threats.models import ScreeningHit, Threat

HIT_STATUS = {
    "new": "new",
    "acknowledged": "confirmed",
    "assigned": "confirmed",
    "resolved": "confirmed",
    "dismissed": "dismissed",
}


def threat_decided(session: Session, threat: Threat, actor: str, now: datetime) -> None:
    """A commander's decision on a watchlist threat is the decision on its screening hit."""
    if "watchlist" not in (threat.category or "").split(","):
        return
    hit = session.scalar(select(ScreeningHit).where(ScreeningHit.threat_id == threat.id))
    status = HIT_STATUS[threat.status]
    if hit is not None and hit.status != status:
        hit.status, hit.decided_by, hit.decided_at = status, actor, now
