"""Open live connections of a credential that was revoked are cut once the revocation
commits: in every web process, not only the one that revoked it.

Every socket enters a room per credential it came with (its login, its API token, its
user, its wall link). A service that ends a credential names those rooms here, in its
transaction; after the commit they are handed to the cutter (maps.sockets installs it),
which disconnects every socket in them through the Socket.IO message queue. A rolled
back revocation cuts nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

_PENDING = "cutoff_pending"
Cut = Callable[[str], None]
_cutter: Cut | None = None


def user_room(user_id: int) -> str:
    return f"cred:user:{user_id}"


def login_room(login_id: int) -> str:
    return f"cred:login:{login_id}"


def token_room(token_id: int) -> str:
    return f"cred:token:{token_id}"


def wall_room(link_id: int) -> str:
    return f"cred:link:{link_id}"


def set_cutter(cut: Cut | None) -> None:
    """Install how sockets are cut (Socket.IO in the app, nothing in unit tests)."""
    global _cutter
    _cutter = cut


def cut_off(session: Session, *rooms: str) -> None:
    """Disconnect every socket in these rooms once this session's transaction commits."""
    session.info.setdefault(_PENDING, set()).update(rooms)


def _cut_pending(session: Session) -> None:
    rooms = session.info.pop(_PENDING, set())
    if _cutter is not None:
        for room in sorted(rooms):
            _cutter(room)


def _drop_pending(session: Session, *args) -> None:
    session.info.pop(_PENDING, None)


sa_event.listen(Session, "after_commit", _cut_pending)
sa_event.listen(Session, "after_rollback", _drop_pending)
