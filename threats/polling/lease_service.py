"""Exactly one scheduler runs the jobs: a lease row in the database, renewed by its holder.

The lease lives in the database because that is the one thing every process shares, on
the embedded SQLite default as on PostgreSQL; Redis is optional. A holder that dies stops
renewing, and another scheduler takes over once the lease has expired. Hosts must keep
their clocks in step (NTP): expiry is compared with each process's own clock.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from common.times import utcnow
from threats.models import SchedulerLease

log = logging.getLogger(__name__)
LEASE = "scheduler"


def holder_id() -> str:
    """This process, named so an operator can find it: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def try_hold(session: Session, holder: str, now: datetime, ttl: timedelta, name=LEASE) -> bool:
    """Take the lease if it is free or expired, or renew it if ours; commit either way."""
    lease = SchedulerLease
    renewed = session.execute(
        update(lease)
        .where(lease.name == name, or_(lease.holder == holder, lease.expires_at < now))
        .values(
            acquired_at=case((lease.holder == holder, lease.acquired_at), else_=now),
            holder=holder,
            expires_at=now + ttl,
        )
    ).rowcount
    if renewed:
        session.commit()
        return True
    if session.get(lease, name) is not None:
        session.rollback()
        return False
    try:
        session.add(lease(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
        session.commit()
    except IntegrityError:  # another scheduler inserted it first
        session.rollback()
        return False
    return True


def release(session: Session, holder: str, name=LEASE) -> None:
    """Give the lease up at once on a clean stop, so a standby need not wait for expiry."""
    lease = SchedulerLease
    session.execute(delete(lease).where(lease.name == name, lease.holder == holder))
    session.commit()


class LeaseKeeper:
    """A thread that holds the lease and says when this process gains or loses it.

    It is a thread of its own, not a scheduler job, so a pool busy with hung polls can
    never starve the renewal and let a second scheduler in beside this one.
    """

    def __init__(
        self,
        sessions: Callable[[], AbstractContextManager[Session]],
        on_gain: Callable[[], None],
        on_loss: Callable[[], None],
        ttl_s: float = 30.0,
    ) -> None:
        self.sessions, self.on_gain, self.on_loss = sessions, on_gain, on_loss
        self.ttl = timedelta(seconds=ttl_s)
        self.holder = holder_id()
        self.held = False
        self._stop = threading.Event()
        self._valid_until = 0.0
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)

    def start(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def holds(self) -> bool:
        """True while the lease is ours and our last renewal has not run out locally."""
        return self.held and time.monotonic() < self._valid_until

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.ttl.total_seconds())
        if self.held:
            self._set(False)
            try:
                with self.sessions() as session:
                    release(session, self.holder)
            except SQLAlchemyError:
                log.exception("could not release the scheduler lease; it will expire")

    def _run(self) -> None:
        period = self.ttl.total_seconds() / 3
        while not self._stop.is_set():
            self._set(self._renew())
            self._stop.wait(period)

    def _renew(self) -> bool:
        started = time.monotonic()
        try:
            with self.sessions() as session:
                held = try_hold(session, self.holder, utcnow(), self.ttl)
        except SQLAlchemyError:
            log.exception("scheduler lease: the database could not be reached")
            return False
        if held:
            # Counted from before the renewal was sent, so a slow answer never stretches it.
            self._valid_until = started + self.ttl.total_seconds() * 0.9
        return held

    def _set(self, held: bool) -> None:
        if held == self.held:
            return
        self.held = held
        log.warning("scheduler %s %s the lease", self.holder, "holds" if held else "lost")
        (self.on_gain if held else self.on_loss)()
