"""The /live Socket.IO namespace: connect with a session or token, join an event, resync."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user, login_user
from flask_socketio import ConnectionRefusedError, emit, join_room, leave_room, rooms

from accounts.services import user_for_token
from extensions import db, socketio
from maps import live
from maps.snapshot import snapshot
from planner.models import Event


def on_connect(auth=None):
    if current_user.is_authenticated:
        return True
    token = auth.get("token") if isinstance(auth, dict) else None
    user = user_for_token(db.session, token) if isinstance(token, str) else None
    if user is None:
        db.session.rollback()
        raise ConnectionRefusedError("unauthorized: log in or pass {token} as auth")
    db.session.commit()
    login_user(user)  # for this socket's own session only
    return True


def on_join(data):
    """Enter the event's room for this user's audience and catch up from `since`."""
    if not current_user.is_authenticated:
        return {"ok": False, "error": "unauthorized"}
    event_id, since = _parse_join(data)
    if event_id is None or db.session.get(Event, event_id) is None:
        return {"ok": False, "error": "no such event"}
    audience = "partner" if current_user.is_partner else "full"
    for name in rooms():
        if name.startswith("event:"):
            leave_room(name)
    # Join before reading, so nothing committed in between is missed; duplicates are
    # dropped by the client on their sequence number.
    join_room(live.room(event_id, audience))
    _catch_up(event_id, since, audience)
    db.session.rollback()
    return {"ok": True, "event_id": event_id, "audience": audience}


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


def _catch_up(event_id: int, since: int | None, audience: str) -> None:
    missed = None if since is None else live.deltas_since(db.session, event_id, since)
    if missed is None:
        emit("snapshot", snapshot(db.session, event_id, audience))
        return
    for delta in missed:
        emit("delta", delta if audience == "full" else live.partner_copy(delta))


def init_app(app: Flask) -> None:
    socketio.on_event("connect", on_connect, namespace=live.NAMESPACE)
    socketio.on_event("join", on_join, namespace=live.NAMESPACE)
    live.set_emitter(
        lambda name, data, to: socketio.emit(name, data, to=to, namespace=live.NAMESPACE)
    )
