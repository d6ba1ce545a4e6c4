"""Login throttling: too many failed logins for one account, or from one address, and
further tries are refused for a while without the password being checked.

The failures are counted from the audit log, which every process writes to, so the limit
holds across web processes without a store of its own, and survives a restart.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import AuditEntry

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
# Higher: a command post's consoles may share one address behind its NAT or proxy.
PER_ADDRESS = 30
LOGIN_ACTION = "accounts.login"
FAILED = 401


def retry_after(session: Session, username: str, address: str, now: datetime) -> int | None:
    """Seconds until another try is allowed, or None when one is allowed now."""
    limits = (
        (AuditEntry.target, username, PER_ACCOUNT),
        (AuditEntry.remote_addr, address, PER_ADDRESS),
    )
    waits = [_wait(session, column, value, limit, now) for column, value, limit in limits if value]
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None


def _wait(session: Session, column, value: str, limit: int, now: datetime) -> int | None:
    failures = session.scalars(
        select(AuditEntry.at)
        .where(
            AuditEntry.action == LOGIN_ACTION,
            AuditEntry.status == FAILED,
            column == value,
            AuditEntry.at > now - WINDOW,
        )
        .order_by(AuditEntry.at.desc())
        .limit(limit)
    ).all()
    if len(failures) < limit:
        return None
    # Free again once the oldest of the last `limit` failures leaves the window.
    return max(1, math.ceil((failures[-1] + WINDOW - now).total_seconds()))
