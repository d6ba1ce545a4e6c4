"""The one way a change reaches viewers: numbered, stored deltas emitted after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common.audience import for_partner
from common.times import utcnow
from maps.models import LiveDelta
from planner.models import Event

NAMESPACE = "/live"
# Every kind of delta, and who publishes it. A partner's copy of each is cut down by
# common.audience.REDACTORS; a kind missing there reaches partners with no data.
KINDS = {
    "threat_created": "threats (ingest_service, sighting_service, screening_service)",
    "threat_updated": "threats (threat_service, ingest_service, screening_service)",
    "staffing_changed": "planner.duty_service.publish_staffing (assignments, check-ins, jobs)",
    "zone_changed": "planner.zone_service (a deleted zone: geometry null, deleted true)",
    "feed_status": "threats.polling.poll_service (after every poll of an event's feed)",
}
MAX_REPLAY = 500  # beyond this many missed deltas a snapshot is cheaper than a replay
_PENDING = "live_pending"

Emit = Callable[[str, dict, str], None]
_emitter: Emit | None = None


def room(event_id: int, audience: str) -> str:
    return f"event:{event_id}:{audience}"


def set_emitter(emit: Emit | None) -> None:
    """Install how deltas leave the process (Socket.IO in the app, nothing in unit tests)."""
    global _emitter
    _emitter = emit


def publish(session: Session, event_id: int, kind: str, payload: dict) -> dict:
    """Store a delta with the event's next sequence number; it is emitted once committed."""
    if kind not in KINDS:
        raise ValueError(f"unknown delta kind {kind!r}: add it to maps.live_service.KINDS")
    seq = session.execute(
        update(Event)
        .where(Event.id == event_id)
        .values(live_seq=Event.live_seq + 1)
        .returning(Event.live_seq)
    ).scalar_one()
    row = LiveDelta(event_id=event_id, seq=seq, kind=kind, at=utcnow(), data=payload)
    session.add(row)
    delta = as_message(row)
    session.info.setdefault(_PENDING, []).append(delta)
    return delta


def as_message(row: LiveDelta) -> dict:
    return {
        "seq": row.seq,
        "event_id": row.event_id,
        "kind": row.kind,
        "at": row.at.isoformat(),
        "data": row.data,
    }


def partner_copy(delta: dict) -> dict:
    return {**delta, "data": for_partner(delta["kind"], delta["data"])}


def _emit_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if _emitter is None:
        return
    for delta in pending:
        _emitter("delta", delta, room(delta["event_id"], "full"))
        _emitter("delta", partner_copy(delta), room(delta["event_id"], "partner"))


def _drop_pending(session: Session, *args) -> None:
    session.info.pop(_PENDING, None)


sa_event.listen(Session, "after_commit", _emit_pending)
sa_event.listen(Session, "after_rollback", _drop_pending)


def deltas_since(session: Session, event_id: int, since: int) -> list[dict] | None:
    """The stored deltas after `since`, in order, or None when a snapshot is needed."""
    last = session.scalar(select(Event.live_seq).where(Event.id == event_id)) or 0
    if since > last or last - since > MAX_REPLAY:
        return None
    rows = session.scalars(
        select(LiveDelta)
        .where(LiveDelta.event_id == event_id, LiveDelta.seq > since)
        .order_by(LiveDelta.seq)
    ).all()
    if len(rows) != last - since:
        return None  # some were pruned: the replay would have holes
    return [as_message(r) for r in rows]


def stored_deltas(
    session: Session,
    event_id: int,
    kinds: Iterable[str],
    *,
    subject_id: int | None = None,
    up_to: int | None = None,
) -> list[tuple[int, datetime, dict]]:
    """(seq, at, data) of the event's stored deltas of these kinds, in order: of one thing
    (the `id` in their data) and up to a seq when asked. What the CAP feed out is made of."""
    query = select(LiveDelta.seq, LiveDelta.at, LiveDelta.data).where(
        LiveDelta.event_id == event_id, LiveDelta.kind.in_(list(kinds))
    )
    if subject_id is not None:
        query = query.where(LiveDelta.data["id"].as_integer() == subject_id)
    if up_to is not None:
        query = query.where(LiveDelta.seq <= up_to)
    return [tuple(row) for row in session.execute(query.order_by(LiveDelta.seq))]


def last_delta(
    session: Session, event_id: int, kinds: Iterable[str]
) -> tuple[int, datetime] | None:
    """The seq and time of the event's latest delta of these kinds."""
    row = session.execute(
        select(LiveDelta.seq, LiveDelta.at)
        .where(LiveDelta.event_id == event_id, LiveDelta.kind.in_(list(kinds)))
        .order_by(LiveDelta.seq.desc())
        .limit(1)
    ).first()
    return (row.seq, row.at) if row else None
