"""What every page and API view shares: the event in the URL, the write it starts, and
answering with what the write changed (audited, then committed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, g
from flask_login import current_user

from common.times import utcnow
from common.writes import Change, Write
from maps.live_service import publish
from planner.models import Event
from web.extensions import db

T = TypeVar("T")


def get_event(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404, description=f"no event {event_id}")


def write() -> Write:
    """This request's write: the user acting now, publishing to the live map."""
    actor = current_user.username if current_user.is_authenticated else ""
    return Write(db.session, actor, utcnow(), publish)


def before_any_transaction(read: Callable[..., T], *args) -> T:
    """`read(*args)` with no database transaction open: an upload is read and checked before
    its write begins, so however long the file takes, it holds no lock (on SQLite, the write
    lock every other writer waits for). The login's own read is ended first; what it loaded
    (the user) stays loaded."""
    session = db.session()
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("a door changed rows before reading its upload")
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()  # current_user stays as it was read
        finally:
            session.expire_on_commit = expire
    return read(*args)


def audit(change: Change) -> Change:
    """Hand the change to the audit log (accounts.auth.audit writes it after the response)."""
    g.audit_action, g.audit_target = change.action, change.target
    g.audit_before, g.audit_after = change.before, change.after
    return change


def refused(reason: Exception) -> None:
    """A page write the service refused: the page answers with a redirect (302) either way,
    so the audit log keeps why, in English, beside the attempt."""
    g.audit_after = {"refused": str(reason)}


def commit(change: Change) -> Change:
    audit(change)
    db.session.commit()
    return change


def answer(change: Change, status: int = 200):
    """The API's answer to a write: the changed thing as JSON (201 for a new one)."""
    commit(change)
    return change.after, status


def created(change: Change):
    return answer(change, 201)
