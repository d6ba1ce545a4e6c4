"""Login throttling: delays that grow with failures, per address and per account, kept in
the database so that every web process enforces one limit.

Each try takes its place before its password is checked: under a row lock (SQLite's
BEGIN IMMEDIATE, PostgreSQL's FOR UPDATE) its counters are read, it is refused if one of
them says wait, and otherwise counted as a failure in advance and committed. Concurrent
tries therefore queue on the counter and cannot all be checked against one stale count.
A success then clears its account's counter.

Why delays rather than a lock-out: a lock-out per account lets any stranger who knows
`admin` shut the admin out for as long as he keeps trying. Here the per-account counter
applies only to browsers that have never logged in to that account; a browser that has
(it holds a signed device cookie for it, set at login) is counted on its own, so the
commander's consoles keep working while someone guesses from elsewhere, and a stolen
device cookie is worth only its own five tries. The address counter is generous, for a
command post's consoles behind one NAT, and grows quickly past that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from accounts.models import LoginThrottle


@dataclass(frozen=True)
class Rule:
    free: int  # failures allowed before the first wait
    first_wait: timedelta  # doubled with every failure after that
    longest_wait: timedelta
    forget_after: timedelta  # a counter without a failure for this long starts again

    def wait(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.first_wait * 2 ** (failures - self.free), self.longest_wait)


ACCOUNT = Rule(5, timedelta(seconds=30), timedelta(minutes=15), timedelta(hours=1))
DEVICE = ACCOUNT  # a known browser of the account: the same rule, its own counter
# A command post's consoles may share one address behind its NAT or proxy.
ADDRESS = Rule(30, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=1))
Key = tuple[str, Rule]


def keys_for(username: str, address: str, device: str | None) -> list[Key]:
    """The counters a try is held to: its address, and its account unless the browser is
    a known one of that account (then that browser's own)."""
    keys = [(f"device:{device}", DEVICE) if device else (f"account:{username}", ACCOUNT)]
    return keys + ([(f"address:{address}", ADDRESS)] if address else [])


def take_turn(session: Session, keys: list[Key], now: datetime) -> int | None:
    """Count this try as a failure in advance and None; or, when a counter says wait, the
    seconds to wait (and nothing counted: the caller rolls back). The caller commits
    before it checks the password, so that concurrent tries see this one."""
    waits = []
    rows = []
    for key, rule in sorted(keys, key=lambda k: k[0]):  # one order: no deadlock
        row = _locked(session, key, now)
        if now - row.last_failure_at > rule.forget_after:
            row.failures = 0
        if row.failures >= rule.free and row.next_try_at > now:
            waits.append(max(1, int((row.next_try_at - now).total_seconds() + 0.999)))
        rows.append((row, rule))
    if waits:
        return max(waits)
    for row, rule in rows:
        row.failures += 1
        row.last_failure_at = now
        row.next_try_at = now + rule.wait(row.failures)
    return None


def succeeded(session: Session, keys: list[Key], now: datetime) -> None:
    """The password was right: the account's (or device's) counter starts again, and the
    address takes back the failure counted in advance. Long-quiet counters are dropped."""
    for key, _rule in sorted(keys, key=lambda k: k[0]):
        row = _locked(session, key, now)
        if key.startswith("address:"):
            row.failures = max(0, row.failures - 1)
        else:
            row.failures, row.next_try_at = 0, now
    oldest = max(ACCOUNT.forget_after, ADDRESS.forget_after)
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - oldest))


def _locked(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The counter's row, created when missing, locked until the transaction ends."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
    session.execute(
        dialect.insert(LoginThrottle)
        .values(key=key, failures=0, last_failure_at=now, next_try_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()
