"""What every page and API view shares: the event in the URL, the write it starts, and
answering with what the write changed (audited, then committed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, abort, g, make_response, request
from flask_login import current_user

from common.fields import field_words
from common.messages import N_
from common.times import utcnow
from common.validation import InputError, whole_number
from common.writes import Change, Write
from maps.live_service import publish
from planner.models import Event
from web.extensions import db

T = TypeVar("T")


def get_event(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404, description=f"no event {event_id}")


def query_id(name: str) -> int | None:
    """`?name=<id>` of an API read: None when absent; a 400 naming it when it is no id a
    database column holds (a sign, "1e999", "²", or past 2**31)."""
    written = request.args.get(name)
    if not written:
        return None
    try:
        return whole_number(written)
    except ValueError as exc:
        raise InputError(
            N_("%(field)s must be an id (a whole number)", field=field_words(name)), name
        ) from exc


def if_match() -> frozenset[str] | None:
    """The versions a write says it read (If-Match), or None when it names none: writes from
    older clients and scripts go through as before, the app's own pages always name one.
    Weak tags count too: a proxy that compresses answers (nginx's gzip) weakens the ETag."""
    tags = request.if_match
    if tags.star_tag:
        return frozenset({"*"})
    return frozenset(tags.as_set(include_weak=True)) or None


def tagged(body: dict, version: str, status: int = 200) -> Response:
    """An answer with the thing's version as its ETag, to send back in If-Match."""
    response = make_response(body, status)
    response.set_etag(version)
    return response


def write(actor: str | None = None) -> Write:
    """This request's write: the user acting now (or `actor`, for a door whose caller is no
    user: a feed's partner pushing), publishing to the live map."""
    if actor is None:
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
