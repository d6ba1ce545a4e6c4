"""Requirements, assignments, auto-assign and gaps for one event, on a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from messages import N_
from planner import assign, gaps, staffing
from planner.models import Assignment, Event, Person, Requirement, Shift, Zone
from planner.roster import normalise_role
from validation import InputError


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


def _ids(session: Session, model, event_id: int) -> set[int]:
    return set(session.scalars(select(model.id).where(model.event_id == event_id)))


def set_requirements(session: Session, event: Event, items: list, *, replace: bool) -> int:
    """Store required head counts; `replace` first clears the event's others. All or nothing."""
    if not isinstance(items, list):
        raise InputError(N_("send a list of {zone_id, shift_id, role, required}"))
    zones, shifts = _ids(session, Zone, event.id), _ids(session, Shift, event.id)
    checked = [_requirement(item, i, zones, shifts) for i, item in enumerate(items)]
    if len({c[:3] for c in checked}) != len(checked):
        raise InputError(N_("the same zone, shift and role is listed twice"))
    if replace:
        session.execute(delete(Requirement).where(Requirement.event_id == event.id))
    existing = {
        (r.zone_id, r.shift_id, r.role): r
        for r in session.scalars(select(Requirement).where(Requirement.event_id == event.id))
    }
    for zone_id, shift_id, role, required in checked:
        row = existing.get((zone_id, shift_id, role))
        if row is None:
            session.add(
                Requirement(
                    event_id=event.id,
                    zone_id=zone_id,
                    shift_id=shift_id,
                    role=role,
                    required=required,
                )
            )
        else:
            row.required = required
    session.flush()
    return len(checked)


def _requirement(item, index: int, zones: set[int], shifts: set[int]) -> tuple:
    where = N_("item %(number)d", number=index + 1)
    if not isinstance(item, dict):
        raise InputError(N_("%(where)s: expected an object", where=where))
    zone_id, shift_id, required = item.get("zone_id"), item.get("shift_id"), item.get("required")
    role = normalise_role(str(item.get("role") or ""))
    if zone_id not in zones:
        raise InputError(
            N_("%(where)s: zone %(zone)r is not a zone of this event", where=where, zone=zone_id),
            "zone_id",
        )
    if shift_id not in shifts:
        raise InputError(
            N_(
                "%(where)s: shift %(shift)r is not a shift of this event",
                where=where,
                shift=shift_id,
            ),
            "shift_id",
        )
    if not role:
        raise InputError(N_("%(where)s: a role is required", where=where), "role")
    if isinstance(required, bool) or not isinstance(required, int) or not 0 <= required <= 100_000:
        raise InputError(
            N_("%(where)s: required must be a whole number from 0", where=where), "required"
        )
    return zone_id, shift_id, role, required


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
        _ids(session, Zone, event.id),
        assignments(session, event.id),
    )


def assign_people(session: Session, event: Event, items: list) -> list[Assignment]:
    """Assign by hand or in bulk; every hard rule is checked, and one refusal writes nothing."""
    if not isinstance(items, list) or not items:
        raise InputError(N_("send a list of {person_id, zone_id, shift_id, role}"))
    ctx = context(session, event)
    wanted = [_assignment(item, i, ctx) for i, item in enumerate(items)]
    persons = people(session, {a.person_id for a in wanted})
    placed = list(ctx.assignments)
    for i, new in enumerate(wanted):
        person = persons.get(new.person_id)
        if person is None:
            raise InputError(
                N_(
                    "item %(number)d: no active person %(person)d",
                    number=i + 1,
                    person=new.person_id,
                ),
                "person_id",
            )
        try:
            staffing.check(new, person, placed, ctx.periods, ctx.rules, ctx.tz)
        except staffing.RuleBroken as exc:
            raise InputError(
                N_("item %(number)d: %(reason)s", number=i + 1, reason=exc.reason), "rules"
            ) from exc
        placed.append(new)
    rows = [Assignment(event_id=event.id, **vars(a)) for a in wanted]
    session.add_all(rows)
    session.flush()
    return rows


def _assignment(item, index: int, ctx: Context) -> staffing.Assignment:
    where = N_("item %(number)d", number=index + 1)
    if not isinstance(item, dict):
        raise InputError(N_("%(where)s: expected an object", where=where))
    if item.get("zone_id") not in ctx.zones:
        raise InputError(
            N_(
                "%(where)s: zone %(zone)r is not in this event",
                where=where,
                zone=item.get("zone_id"),
            ),
            "zone_id",
        )
    if item.get("shift_id") not in ctx.periods:
        raise InputError(
            N_(
                "%(where)s: shift %(shift)r is not in this event",
                where=where,
                shift=item.get("shift_id"),
            ),
            "shift_id",
        )
    person_id = item.get("person_id")
    if isinstance(person_id, bool) or not isinstance(person_id, int):
        raise InputError(N_("%(where)s: person_id must be a number", where=where), "person_id")
    role = normalise_role(str(item.get("role") or ""))
    if not role:
        raise InputError(N_("%(where)s: a role is required", where=where), "role")
    return staffing.Assignment(person_id, item["zone_id"], item["shift_id"], role)


def unassign(session: Session, event: Event, ids: list) -> int:
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise InputError(N_('send {"ids": [assignment ids]}'), "ids")
    result = session.execute(
        delete(Assignment).where(Assignment.event_id == event.id, Assignment.id.in_(ids))
    )
    return result.rowcount


def auto_assign(
    session: Session, event: Event, *, apply: bool, time_limit_s: float = 5.0
) -> assign.Plan:
    """Fill the requirements with the solver; with `apply`, store the new assignments."""
    ctx = context(session, event)
    plan = assign.solve(
        people(session),
        ctx.periods,
        needs(session, event.id),
        ctx.assignments,
        ctx.rules,
        ctx.tz,
        time_limit_s=time_limit_s,
    )
    if apply:
        session.add_all(Assignment(event_id=event.id, **vars(a)) for a in plan.assignments)
        session.flush()
    return plan


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
