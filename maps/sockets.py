"""The /live Socket.IO namespace: connect with a session or token, join an event, resync."""

from __future__ import annotations

from flask import Flask, session
from flask_login import current_user, login_user
from flask_socketio import ConnectionRefusedError, emit, join_room, leave_room, rooms

from accounts.services import user_for_token
from common.times import utcnow
from maps import link_service
from maps import live_service as live
from maps.snapshot_service import snapshot
from planner.models import Event
from web.database import commit_written, reads_only
from web.extensions import db, socketio


def on_connect(auth=None):
    with reads_only():  # connecting only reads; noting a token's use is its own write
        return _connect(auth)


def _connect(auth):
    if current_user.is_authenticated:
        if current_user.must_change_password:  # as on HTTP: only the password page opens
            raise ConnectionRefusedError("password_change_required: choose a new password first")
        return True
    wall = auth.get("wall") if isinstance(auth, dict) else None
    if isinstance(wall, str):
        link = link_service.find(db.session, wall, utcnow())
        db.session.rollback()
        if link is None:
            raise ConnectionRefusedError("this wall display link is unknown, expired or revoked")
        session["wall_event_id"], session["wall_token"] = link.event_id, wall
        return True
    token = auth.get("token") if isinstance(auth, dict) else None
    user = None
    if isinstance(token, str):
        user = commit_written(db.session, lambda session: user_for_token(session, token))
    if user is None:
        db.session.rollback()
        raise ConnectionRefusedError("unauthorized: log in or pass {token} as auth")
    login_user(user)  # for this socket's own session only
    return True


def on_join(data):
    """Enter the event's room for this user's audience and catch up from `since`."""
    with reads_only():  # many viewers join at once, beside any write
        return _join(data)


def _join(data):
    event_id, since = _parse_join(data)
    audience = _audience(event_id)
    if audience is None:
        return {"ok": False, "error": "unauthorized"}
    if event_id is None or db.session.get(Event, event_id) is None:
        return {"ok": False, "error": "no such event"}
    for name in rooms():
        if name.startswith("event:"):
            leave_room(name)
    # Join before reading, so nothing committed in between is missed; duplicates are
    # dropped by the client on their sequence number.
    join_room(live.room(event_id, audience))
    messages = _catch_up(event_id, since, audience)
    # End the transaction before sending: a slow client, or a message queue, must never
    # hold the database open.
    db.session.rollback()
    for name, body in messages:
        emit(name, body)
    return {"ok": True, "event_id": event_id, "audience": audience}


def _audience(event_id: int | None) -> str | None:
    """full or partner for a logged-in user; partner for a wall display still valid for
    this event (checked again at every join, so a revoked link stops at its next resync)."""
    if current_user.is_authenticated:
        return "partner" if current_user.is_partner else "full"
    token, wall_event = session.get("wall_token"), session.get("wall_event_id")
    if (
        token
        and wall_event == event_id
        and link_service.find(db.session, token, utcnow()) is not None
    ):
        return "partner"
    return None


def _parse_join(data) -> tuple[int | None, int | None]:
    if not isinstance(data, dict):
        return None, None
    event_id, since = data.get("event_id"), data.get("since")
    if isinstance(event_id, str) and event_id.isdigit():
        event_id = int(event_id)
    if not isinstance(event_id, int) or isinstance(event_id, bool):
        return None, None
    if not isinstance(since, int) or isinstance(since, bool) or since < 0:
        since = None
    return event_id, since


def _catch_up(event_id: int, since: int | None, audience: str) -> list[tuple[str, dict]]:
    """What a joining client is sent: the deltas it missed, or a snapshot."""
    missed = None if since is None else live.deltas_since(db.session, event_id, since)
    if missed is None:
        return [("snapshot", snapshot(db.session, event_id, audience))]
    return [("delta", d if audience == "full" else live.partner_copy(d)) for d in missed]


def init_app(app: Flask) -> None:
    socketio.on_event("connect", on_connect, namespace=live.NAMESPACE)
    socketio.on_event("join", on_join, namespace=live.NAMESPACE)
    live.set_emitter(
        lambda name, data, to: socketio.emit(name, data, to=to, namespace=live.NAMESPACE)
    )
