"""Check people in, out, or divert them to an incident; live staffing per zone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from messages import N_
from planner import deployment, duty, gaps
from planner.models import Assignment, CheckIn, Event, Person, Zone
from threats.models import Threat
from validation import InputError, NotFound

ACTIONS = {"in": "on_duty", "out": "off_duty", "divert": "diverted"}


def states(session: Session, event_id: int) -> dict[int, duty.DutyState]:
    rows = session.scalars(
        select(CheckIn).where(CheckIn.event_id == event_id).order_by(CheckIn.at, CheckIn.id)
    )
    return duty.latest(
        duty.DutyState(c.person_id, c.status, c.zone_id, c.role, c.threat_id, c.at) for c in rows
    )


def check(session: Session, event: Event, data, actor: str, now: datetime) -> CheckIn:
    """{person_id, action: in|out|divert, zone_id?, role?, threat_id?} as one check-in row."""
    if not isinstance(data, dict) or data.get("action") not in ACTIONS:
        raise InputError(N_("send {person_id, action: in, out or divert}"), "action")
    person = session.get(
        Person, data.get("person_id") if isinstance(data.get("person_id"), int) else -1
    )
    if person is None:
        raise NotFound(f"no person {data.get('person_id')!r}")
    row = CheckIn(
        event_id=event.id,
        person_id=person.id,
        status=ACTIONS[data["action"]],
        at=now,
        by=actor[:200],
    )
    if data["action"] == "in":
        row.zone_id, row.role = _post(session, event, person, data, now)
    elif data["action"] == "divert":
        row.threat_id = _threat(session, event, data.get("threat_id"))
        row.role = _assignment_now(session, event, person.id, now)[1] or ""
    session.add(row)
    session.flush()
    return row


def _post(session, event: Event, person: Person, data: dict, now) -> tuple[int, str]:
    """Where and as what someone checks in: as given, else as planned for the shift now."""
    planned_zone, planned_role = _assignment_now(session, event, person.id, now)
    zone_id = data.get("zone_id") or planned_zone
    zone = session.get(Zone, zone_id) if isinstance(zone_id, int) else None
    if zone is None or zone.event_id != event.id:
        raise InputError(N_("say in which zone (no assignment for this person now)"), "zone_id")
    role = data.get("role") or planned_role or (person.roles[0] if person.roles else "")
    return zone.id, str(role)[:64]


def _assignment_now(session, event: Event, person_id: int, now) -> tuple[int | None, str | None]:
    active = gaps.active_shift_ids(deployment.periods(session, event).values(), now)
    row = session.scalar(
        select(Assignment).where(
            Assignment.event_id == event.id,
            Assignment.person_id == person_id,
            Assignment.shift_id.in_(active or {-1}),
        )
    )
    return (row.zone_id, row.role) if row else (None, None)


def _threat(session, event: Event, threat_id) -> int:
    threat = session.get(Threat, threat_id) if isinstance(threat_id, int) else None
    if threat is None or threat.event_id != event.id:
        raise InputError(N_("divert to a threat of this event (threat_id)"), "threat_id")
    return threat.id


def live_rows(session: Session, event: Event, now: datetime) -> list[gaps.Gap]:
    """Required and assigned for the shifts in force now, with who is on duty now."""
    rows = deployment.gap_rows(session, event, at=now)
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
