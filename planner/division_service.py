"""Communications and special instructions per division (zone) and operational period:
what each ICS 204 tells its crew beyond who is posted where."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.messages import N_
from common.validation import InputError, NotFound, is_record_id, text
from common.writes import Change, Write
from planner import ics
from planner.models import DivisionNote, Event, Shift, Zone

MAX_CHARS = 2000  # a box on a printed form, not a document


def notes_of(session: Session, event_id: int, shift_id: int | None = None) -> list[DivisionNote]:
    query = select(DivisionNote).where(DivisionNote.event_id == event_id)
    if shift_id is not None:
        query = query.where(DivisionNote.shift_id == shift_id)
    return list(session.scalars(query.order_by(DivisionNote.shift_id, DivisionNote.zone_id)))


def for_forms(session: Session, event_id: int, shift_id: int) -> dict[int, ics.DivisionNote]:
    """The period's notes per zone, as the ICS 204 forms take them."""
    return {
        n.zone_id: ics.DivisionNote(n.communications, n.special_instructions)
        for n in notes_of(session, event_id, shift_id)
    }


def set_note(w: Write, event: Event, data: object) -> Change[DivisionNote]:
    """{zone_id, shift_id, communications, special_instructions}: replaces what the
    division was told for that period; both empty clears it."""
    if not isinstance(data, dict):
        raise InputError(N_("expected a JSON object"))
    zone = _of_event(w.session, Zone, data.get("zone_id"), event, "zone_id")
    shift = _of_event(w.session, Shift, data.get("shift_id"), event, "shift_id")
    said = {
        field: text(data, field, required=False, max_len=MAX_CHARS, multiline=True)
        for field in ("communications", "special_instructions")
    }
    row = w.session.scalar(
        select(DivisionNote).where(
            DivisionNote.zone_id == zone.id, DivisionNote.shift_id == shift.id
        )
    )
    before = note_json(row) if row else None
    if row is None:
        row = DivisionNote(event_id=event.id, zone_id=zone.id, shift_id=shift.id)
        w.session.add(row)
    row.communications = said["communications"]
    row.special_instructions = said["special_instructions"]
    row.updated_at, row.updated_by = w.now, w.actor[:200]
    w.session.flush()
    target = f"event:{event.id}:zone:{zone.id}:shift:{shift.id}:ics204"
    return Change("division_note.update", target, note_json(row), before, row)


def _of_event(session: Session, model, value, event: Event, field: str):
    row = session.get(model, value) if is_record_id(value) else None
    if row is None or row.event_id != event.id:
        if value is None:
            raise InputError(_CHOOSE[field], field)
        raise NotFound(f"no {model.__tablename__[:-1]} {value!r} in event {event.id}")
    return row


_CHOOSE = {"zone_id": N_("choose the zone"), "shift_id": N_("choose the operational period")}


def note_json(row: DivisionNote) -> dict:
    return {
        "zone_id": row.zone_id,
        "shift_id": row.shift_id,
        "communications": row.communications,
        "special_instructions": row.special_instructions,
        "updated_at": row.updated_at.isoformat(),
        "updated_by": row.updated_by,
    }
