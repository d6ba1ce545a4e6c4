"""The /live Socket.IO namespace: connect with a session, a token or a wall link, join an
event, resync. Every join checks the credential again, and a revoked one is cut at once
(accounts.cutoff_service, through web.live_queue in every process)."""

from __future__ import annotations

from flask import Flask, session
from flask_login import current_user, login_user
from flask_socketio import ConnectionRefusedError, emit, join_room, leave_room, rooms

from accounts import cutoff_service as cutoff
from accounts import session_service, token_service
from common.times import utcnow
from common.validation import is_record_id, whole_number
from maps import link_service
from maps import live_service as live
from maps.snapshot_service import snapshot
from planner.models import Event
from web.database import commit_written, reads_only
from web.extensions import db, socketio
from web.live_queue import disconnect_room


def on_connect(auth=None):
    with reads_only():  # connecting only reads; noting a token's use is its own write
        return _connect(auth)


def _connect(auth):
    if current_user.is_authenticated:
        login = current_user.login
        if login is None or login.scope != session_service.FULL:
            # as on HTTP: a one-time password's session opens only the password page
            raise ConnectionRefusedError("password_change_required: choose a new password first")
        join_room(cutoff.user_room(current_user.id))
        join_room(cutoff.login_room(login.id))
        return True
    wall = auth.get("wall") if isinstance(auth, dict) else None
    if isinstance(wall, str):
        return _connect_wall(wall)
    token = auth.get("token") if isinstance(auth, dict) else None
    row = None
    if isinstance(token, str):  # noting the token's use is a write of its own
        row = commit_written(db.session, lambda session: token_service.token_for(session, token))
    if row is None:
        db.session.rollback()
        raise ConnectionRefusedError("unauthorized: log in or pass {token} as auth")
    # For this socket's own session only (never a cookie); every event checks the token.
    session[session_service.SOCKET_TOKEN_KEY] = row.id
    login_user(row.user)
    join_room(cutoff.user_room(row.user_id))
    join_room(cutoff.token_room(row.id))
    return True


def _connect_wall(wall: str) -> bool:
    link = link_service.find(db.session, wall, utcnow())
    db.session.rollback()
    if link is None:
        raise ConnectionRefusedError("this wall display link is unknown, expired or revoked")
    session["wall_event_id"], session["wall_token"] = link.event_id, wall
    join_room(cutoff.wall_room(link.id))
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
    """full or partner for a logged-in user (its login or token checked again by the user
    loader, accounts.auth); partner for a wall display still valid for this event."""
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
    """(event id, last seq) of a join. Neither may be past what its column holds: such an
    event cannot exist, and such a seq asks for a snapshot, like a missing one."""
    if not isinstance(data, dict):
        return None, None
    event_id, since = data.get("event_id"), data.get("since")
    if isinstance(event_id, str):  # an id written as text, as a query string would
        try:
            event_id = whole_number(event_id)
        except ValueError:
            return None, None
    if not is_record_id(event_id):
        return None, None
    return event_id, since if is_record_id(since) or (since == 0 and type(since) is int) else None


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
    cutoff.set_cutter(lambda room: disconnect_room(socketio.server, live.NAMESPACE, room))
