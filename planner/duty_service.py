"""Who is on duty where, now: people checked in and out at the command post, and the live
staffing picture per zone that open command views colour their zones by."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.messages import N_
from common.validation import InputError, NotFound, is_record_id
from common.writes import Change, Write
from planner import duty, gaps, roles_service
from planner.models import Assignment, CheckIn, Event, Person, Zone
from planner.people_service import unknown_role
from planner.plan_service import gap_rows, periods

ACTIONS = {"in": "on_duty", "out": "off_duty", "divert": "diverted"}


def states(session: Session, event_id: int) -> dict[int, duty.DutyState]:
    rows = session.scalars(
        select(CheckIn).where(CheckIn.event_id == event_id).order_by(CheckIn.at, CheckIn.id)
    )
    return duty.latest(
        duty.DutyState(c.person_id, c.status, c.zone_id, c.role, c.threat_id, c.at) for c in rows
    )


def check_in(w: Write, event: Event, data) -> Change[CheckIn]:
    """{person_id, zone_id?, role?}: on duty where given, else where planned for now."""
    person = person_of(w.session, data)
    row = checkin_row(w, event, person, "in")
    row.zone_id, row.role = _post(w.session, event, person, data, w.now)
    return recorded(w, event, row)


def check_out(w: Write, event: Event, data) -> Change[CheckIn]:
    """{person_id}: off duty."""
    return recorded(w, event, checkin_row(w, event, person_of(w.session, data), "out"))


def person_of(session: Session, data) -> Person:
    if not isinstance(data, dict):
        raise InputError(N_("send {person_id, action: in, out or divert}"), "action")
    person_id = data.get("person_id")
    person = session.get(Person, person_id) if is_record_id(person_id) else None
    if person is None:
        raise NotFound(f"no person {person_id!r}")
    return person


def checkin_row(w: Write, event: Event, person: Person, action: str) -> CheckIn:
    status = ACTIONS[action]
    return CheckIn(
        event_id=event.id, person_id=person.id, status=status, at=w.now, by=w.actor[:200]
    )


def recorded(w: Write, event: Event, row: CheckIn) -> Change[CheckIn]:
    """Store a check-in row (in, out or a diversion) and tell the live map."""
    w.session.add(row)
    w.session.flush()
    publish_staffing(w, event)
    after = checkin_json(row)
    return Change(
        f"checkin.{row.status}", f"event:{event.id}:checkin:{row.person_id}", after, None, row
    )


def checkin_json(row: CheckIn) -> dict:
    return {
        "id": row.id,
        "person_id": row.person_id,
        "status": row.status,
        "zone_id": row.zone_id,
        "role": row.role,
        "threat_id": row.threat_id,
        "at": row.at.isoformat(),
    }


def _post(session, event: Event, person: Person, data: dict, now) -> tuple[int, str]:
    """Where and as what someone checks in: as given, else as planned for the shift now."""
    planned_zone, planned_role = assignment_now(session, event, person.id, now)
    zone_id = data.get("zone_id") or planned_zone
    zone = session.get(Zone, zone_id) if is_record_id(zone_id) else None
    if zone is None or zone.event_id != event.id:
        raise InputError(N_("say in which zone (no assignment for this person now)"), "zone_id")
    written = data.get("role")
    if written is None or written == "":
        return zone.id, planned_role or (person.roles[0] if person.roles else "")
    return zone.id, _known_role(session, written)


def _known_role(session, written) -> str:
    """A role given at check-in, by code or any label, as its code; any other text is
    refused with the nearest known role, as rosters and assignments refuse it."""
    book = roles_service.book(session)
    code = book.find(written) if isinstance(written, str) else None
    if code is None:
        raise InputError(unknown_role(str(written), book), "role")
    return code


def assignment_now(session, event: Event, person_id: int, now) -> tuple[int | None, str | None]:
    """Where and as what the person is planned in the operational periods in force now."""
    active = gaps.active_shift_ids(periods(session, event).values(), now)
    row = session.scalar(
        select(Assignment).where(
            Assignment.event_id == event.id,
            Assignment.person_id == person_id,
            Assignment.shift_id.in_(active or {-1}),
        )
    )
    return (row.zone_id, row.role) if row else (None, None)


def who_is_on_duty(session: Session, event: Event, now: datetime) -> list[dict]:
    """The people a commander can send now: on duty (checked in), diverted, or posted in the
    operational periods in force now and not yet checked in; off duty left out. On duty
    first, then diverted, then planned; by name within each."""
    known = states(session, event.id)
    active = gaps.active_shift_ids(periods(session, event).values(), now)
    posted = session.execute(
        select(Assignment.person_id, Assignment.zone_id, Assignment.role).where(
            Assignment.event_id == event.id, Assignment.shift_id.in_(active or {-1})
        )
    ).all()
    rows = {pid: ("planned", zone, role) for pid, zone, role in posted}
    for state in known.values():
        if state.status == "off_duty":
            rows.pop(state.person_id, None)
        else:
            rows[state.person_id] = (state.status, state.zone_id, state.role)
    people = session.scalars(select(Person).where(Person.id.in_(rows or [-1]))).all()
    zones = dict(session.execute(select(Zone.id, Zone.name).where(Zone.event_id == event.id)).all())
    order = {"on_duty": 0, "diverted": 1, "planned": 2}
    out = [
        {
            "person_id": p.id,
            "name": p.name,
            "agency": p.agency.name,
            "unit": p.unit,
            "role": rows[p.id][2] or "",
            "zone_id": rows[p.id][1],
            "zone": zones.get(rows[p.id][1], ""),
            "status": rows[p.id][0],
        }
        for p in people
    ]
    return sorted(out, key=lambda r: (order[r["status"]], r["name"].casefold(), r["person_id"]))


def planned_now(session: Session, event: Event, now: datetime) -> list[tuple[int, int]]:
    """(person, zone) of everyone planned in the operational periods in force now."""
    active = gaps.active_shift_ids(periods(session, event).values(), now)
    rows = session.execute(
        select(Assignment.person_id, Assignment.zone_id)
        .where(Assignment.event_id == event.id, Assignment.shift_id.in_(active or {-1}))
        .order_by(Assignment.zone_id, Assignment.person_id)
    )
    return [(person_id, zone_id) for person_id, zone_id in rows]


def on_duty_ids(session: Session, event_id: int) -> set[int]:
    """The people whose latest report at this event puts them on duty."""
    return {s.person_id for s in states(session, event_id).values() if s.status == "on_duty"}


def live_rows(session: Session, event: Event, now: datetime) -> list[gaps.Gap]:
    """Required and assigned for the shifts in force now, with who is on duty now."""
    rows = gap_rows(session, event, at=now)
    return gaps.with_on_duty(rows, duty.on_duty(states(session, event.id).values()))


def coverage(session: Session, event: Event, now: datetime) -> dict:
    """The live staffing picture per zone, as the command view colours it."""
    rows = live_rows(session, event, now)
    covered = gaps.zone_coverage(rows, live=True)
    zones = session.scalars(select(Zone.id).where(Zone.event_id == event.id)).all()
    out = {}
    for zone_id in zones:
        mine = [r for r in rows if r.zone_id == zone_id]
        cov = covered.get(zone_id)
        out[str(zone_id)] = {
            "status": cov.status if cov else "none",
            "required": sum(r.required for r in mine),
            "assigned": sum(r.assigned for r in mine),
            "on_duty": sum(r.on_duty or 0 for r in mine),
            "short": sum(r.short_now for r in mine),
        }
    return {"at": now.isoformat(), "zones": out}


def publish_staffing(w: Write, event: Event) -> None:
    """Tell open command views the event's staffing picture as it stands after this write."""
    w.tell(event.id, "staffing_changed", coverage(w.session, event, w.now))
