"""An event's plan as the core's plain values, read once per use: operational periods in
the event's zone, needs, assignments, active people, rules, and the gaps between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner import gaps, staffing
from planner.models import Assignment, Event, Person, Requirement, Shift, Zone


def rules(event: Event) -> staffing.Rules:
    return staffing.Rules(
        min_rest=timedelta(hours=event.min_rest_hours), max_hours_per_day=event.max_hours_per_day
    )


def periods(session: Session, event: Event) -> dict[int, staffing.Period]:
    """The event's shifts in its own time zone, so that a message naming one
    (staffing.describe) gives the times the planners there read on their clocks."""
    tz = ZoneInfo(event.timezone)
    shifts = session.scalars(select(Shift).where(Shift.event_id == event.id))
    return {
        s.id: staffing.Period(s.id, s.starts_at.astimezone(tz), s.ends_at.astimezone(tz))
        for s in shifts
    }


def needs(session: Session, event_id: int) -> list[staffing.Need]:
    rows = session.scalars(select(Requirement).where(Requirement.event_id == event_id))
    return [staffing.Need(r.zone_id, r.shift_id, r.role, r.required) for r in rows]


def assignments(session: Session, event_id: int) -> list[staffing.Assignment]:
    rows = session.scalars(select(Assignment).where(Assignment.event_id == event_id))
    return [staffing.Assignment(a.person_id, a.zone_id, a.shift_id, a.role) for a in rows]


def people(session: Session, ids: set[int] | None = None) -> dict[int, staffing.Person]:
    query = select(Person).where(Person.active.is_(True))
    if ids is not None:
        query = query.where(Person.id.in_(ids))
    return {
        p.id: staffing.Person(p.id, p.agency.name, frozenset(p.roles), p.unit)
        for p in session.scalars(query)
    }


def ids_of(session: Session, model, event_id: int) -> set[int]:
    return set(session.scalars(select(model.id).where(model.event_id == event_id)))


def suggest(session: Session, event: Event, shift_ids: list[int] | None = None) -> list[dict]:
    """Crowd managers per crowd zone and shift from capacity and the 1-per-250 rule."""
    zones = session.scalars(select(Zone).where(Zone.event_id == event.id)).all()
    occupancy = gaps.occupancies(
        {z.id: z.capacity for z in zones}, {z.id: z.kind for z in zones}, event.expected_attendance
    )
    shifts = sorted(periods(session, event)) if shift_ids is None else shift_ids
    return [
        {
            "zone_id": z,
            "shift_id": s,
            "role": "crowd_manager",
            "required": gaps.crowd_managers(o),
            "why": f"{o:,.0f} people expected at 1 crowd manager per {gaps.CROWD_MANAGER_RATIO}",
        }
        for s in shifts
        for z, o in sorted(occupancy.items())
    ]


@dataclass(frozen=True)
class Context:
    """What checking and planning assignments needs, loaded once."""

    event: Event
    periods: dict[int, staffing.Period]
    zones: set[int]
    assignments: list[staffing.Assignment]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.event.timezone)

    @property
    def rules(self) -> staffing.Rules:
        return rules(self.event)


def context(session: Session, event: Event) -> Context:
    return Context(
        event,
        periods(session, event),
        ids_of(session, Zone, event.id),
        assignments(session, event.id),
    )


def gap_rows(
    session: Session, event: Event, *, shift_id: int | None = None, at: datetime | None = None
) -> list[gaps.Gap]:
    """Gaps for one shift, for the shifts in force at an instant, or for every shift."""
    rows = gaps.gaps(needs(session, event.id), assignments(session, event.id))
    if shift_id is not None:
        return [r for r in rows if r.shift_id == shift_id]
    if at is not None:
        return gaps.at_instant(rows, gaps.active_shift_ids(periods(session, event).values(), at))
    return rows
