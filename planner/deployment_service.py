"""Requirements and assignments as planners set them, by hand, in bulk or by the solver.
One refused item refuses the whole request; every write tells the live map the new
staffing picture (`staffing_changed`), so open command views never show stale counts."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, select

from common.messages import N_
from common.validation import InputError, is_record_id
from common.writes import Change, Write
from planner import assign, duty_service, roles_service, staffing
from planner.models import Assignment, Event, Person, Requirement, Shift, Zone
from planner.people_service import available_ids, unknown_role
from planner.plan_service import Context, context, ids_of, needs, people
from planner.roles import RoleBook


def set_requirements(w: Write, event: Event, items: list, *, replace: bool) -> Change[int]:
    """Store required head counts; `replace` first clears the event's others. All or nothing."""
    session = w.session
    if not isinstance(items, list):
        raise InputError(N_("send a list of {zone_id, shift_id, role, required}"))
    zones, shifts = ids_of(session, Zone, event.id), ids_of(session, Shift, event.id)
    book = roles_service.book(session)
    checked = [_requirement(item, i, zones, shifts, book) for i, item in enumerate(items)]
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
    saved = [
        dict(zip(("zone_id", "shift_id", "role", "required"), c, strict=True)) for c in checked
    ]
    after = {"replace": replace, "requirements": saved}
    return _staffed(
        w, event, "requirements.set", f"event:{event.id}:requirements", after, len(checked)
    )


def _requirement(item, index: int, zones: set[int], shifts: set[int], book: RoleBook) -> tuple:
    where = N_("item %(number)d", number=index + 1)
    if not isinstance(item, dict):
        raise InputError(N_("%(where)s: expected an object", where=where))
    zone_id, shift_id, required = item.get("zone_id"), item.get("shift_id"), item.get("required")
    if zone_id not in zones:
        raise InputError(
            N_("%(where)s: zone %(zone)r is not a zone of this event", where=where, zone=zone_id),
            "zone_id",
        )
    if shift_id not in shifts:
        raise InputError(
            N_(
                "%(where)s: operational period %(shift)r is not one of this event",
                where=where,
                shift=shift_id,
            ),
            "shift_id",
        )
    role = _role(item, where, book)
    if isinstance(required, bool) or not isinstance(required, int) or not 0 <= required <= 100_000:
        raise InputError(
            N_("%(where)s: the number required must be a whole number from 0", where=where),
            "required",
        )
    return zone_id, shift_id, role, required


def assign_people(w: Write, event: Event, items: list) -> Change[list[Assignment]]:
    """Assign by hand or in bulk; every hard rule is checked, and one refusal writes nothing."""
    session = w.session
    if not isinstance(items, list) or not items:
        raise InputError(N_("send a list of {person_id, zone_id, shift_id, role}"))
    ctx = context(session, event)
    book = roles_service.book(session)
    wanted = [_assignment(item, i, ctx, book) for i, item in enumerate(items)]
    persons = people(session, {a.person_id for a in wanted})
    available = available_ids(session, event.id)
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
        if new.person_id not in available:
            raise InputError(
                N_(
                    "item %(number)d: %(name)s is not available to this event: add them "
                    'under "People available to this event" on the event\'s page (or POST '
                    "their id to /api/v1/events/%(event)d/people) first",
                    number=i + 1,
                    name=session.get(Person, new.person_id).name,
                    event=event.id,
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
    after = {"assignments": [assignment_json(r) for r in rows]}
    return _staffed(w, event, "assignments.create", f"event:{event.id}:assignments", after, rows)


def _assignment(item, index: int, ctx: Context, book: RoleBook) -> staffing.Assignment:
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
                "%(where)s: operational period %(shift)r is not in this event",
                where=where,
                shift=item.get("shift_id"),
            ),
            "shift_id",
        )
    person_id = item.get("person_id")
    if not is_record_id(person_id):
        raise InputError(
            N_("%(where)s: name the person by their id (a whole number)", where=where), "person_id"
        )
    role = _role(item, where, book)
    return staffing.Assignment(person_id, item["zone_id"], item["shift_id"], role)


def _role(item: dict, where: str, book: RoleBook) -> str:
    """The item's role, a known role's code (or label): no other text can name one, nor
    reach an ICS form or the CSV a spreadsheet opens."""
    written = str(item.get("role") or "").strip()
    if not written:
        raise InputError(N_("%(where)s: a role is required", where=where), "role")
    role = book.find(written)
    if role is None:
        reason = unknown_role(written, book)
        raise InputError(N_("%(where)s: %(reason)s", where=where, reason=reason), "role")
    return role


def unassign(w: Write, event: Event, ids: list) -> Change[int]:
    """Remove assignments of this event by id; ids of other events are left alone."""
    if not isinstance(ids, list) or not all(is_record_id(i) for i in ids):
        raise InputError(N_('send {"ids": [assignment ids]}'), "ids")
    mine = (Assignment.event_id == event.id) & Assignment.id.in_(ids)
    gone = [assignment_json(a) for a in w.session.scalars(select(Assignment).where(mine))]
    w.session.execute(delete(Assignment).where(mine))
    target = f"event:{event.id}:assignments"
    change = _staffed(w, event, "assignments.delete", target, {"removed": len(gone)}, len(gone))
    return Change(change.action, target, change.after, {"assignments": gone}, len(gone))


def auto_assign(
    w: Write, event: Event, *, apply: bool, time_limit_s: float = 5.0
) -> Change[assign.Plan]:
    """Fill the requirements with the solver from the people available to the event; with
    `apply`, store the new assignments. Shortages are explained per shift and role."""
    session = w.session
    ctx = context(session, event)
    plan = assign.solve(
        _pool(session, event, ctx),
        ctx.periods,
        needs(session, event.id),
        ctx.assignments,
        ctx.rules,
        ctx.tz,
        time_limit_s=time_limit_s,
    )
    after = plan_json(plan, apply, explain(plan.shortages, event, roles_service.book(session)))
    target = f"event:{event.id}:assignments:auto"
    if not apply:
        return Change("assignments.propose", target, after=after, result=plan)
    session.add_all(Assignment(event_id=event.id, **vars(a)) for a in plan.assignments)
    session.flush()
    return _staffed(w, event, "assignments.auto", target, after, plan)


def _pool(session, event: Event, ctx: Context) -> dict[int, staffing.Person]:
    """The people available to the event; someone assigned there but no longer available
    keeps their assignments and holds no role for new ones."""
    available = available_ids(session, event.id)
    pool = people(session, available | {a.person_id for a in ctx.assignments})
    return {
        pid: p if pid in available else replace(p, roles=frozenset()) for pid, p in pool.items()
    }


def explain(shortages: list[assign.Shortage], event: Event, book: RoleBook) -> list[str]:
    """Each shortage as a planner reads it, with the role's label and the shift's name."""
    names = {s.id: s.name for s in event.shifts}
    return [
        N_(
            "%(role)s: %(required)d required in shift %(shift)s, %(available)d available to "
            "this event, %(assigned)d assigned; %(rest)d blocked by rest (%(min_rest)s h), "
            "%(hours)d by max hours (%(max_hours)s h), %(overlap)d by overlap; short %(short)d",
            role=book.named(s.role),
            required=s.required,
            shift=names.get(s.shift_id, str(s.shift_id)),
            available=s.available,
            assigned=s.assigned,
            rest=s.by_rest,
            min_rest=f"{event.min_rest_hours:g}",
            hours=s.by_hours,
            max_hours=f"{event.max_hours_per_day:g}",
            overlap=s.by_overlap,
            short=s.short,
        )
        for s in shortages
    ]


def plan_json(plan: assign.Plan, applied: bool, explained: list[str]) -> dict:
    """The solver's plan; its reasons stay English here (the API says them per reader)."""
    return {
        "applied": applied,
        "method": plan.method,
        "optimal": plan.optimal,
        "required": plan.required,
        "filled": plan.filled,
        "bound": plan.bound,
        "seconds": round(plan.seconds, 3),
        "assignments": [vars(a) for a in plan.assignments],
        "unfilled": [
            {**vars(u.need), "missing": u.missing, "reason": u.reason} for u in plan.unfilled
        ],
        "shortages": [
            {**vars(s), "explanation": text}
            for s, text in zip(plan.shortages, explained, strict=True)
        ],
    }


def assignment_json(a: Assignment) -> dict:
    return {
        "id": a.id,
        "person_id": a.person_id,
        "person": a.person.name,
        "agency": a.person.agency.name,
        "zone_id": a.zone_id,
        "shift_id": a.shift_id,
        "role": a.role,
    }


def _staffed(w: Write, event: Event, action: str, target: str, after, result) -> Change:
    """The change, told to the live map as the event's new staffing picture."""
    duty_service.publish_staffing(w, event)
    return Change(action, target, after=after, result=result)
