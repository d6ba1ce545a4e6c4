"""The data behind the ICS 204 and 215 forms of one operational period."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner import deployment, ics
from planner.models import Assignment, Event, Shift, Zone
from validation import NotFound


def period_label(shift: Shift, tz: str) -> str:
    zone = ZoneInfo(tz)
    start, end = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return f"{shift.name}: {start:%a %d %b %Y %H:%M} to {end:%a %d %b %H:%M %Z}"


def form_data(session: Session, event: Event, shift_id: int, form: str) -> dict:
    shift = session.get(Shift, shift_id)
    if shift is None or shift.event_id != event.id:
        raise NotFound(f"no shift {shift_id} in event {event.id}")
    zones = session.scalars(select(Zone).where(Zone.event_id == event.id).order_by(Zone.id)).all()
    gaps = deployment.gap_rows(session, event, shift_id=shift_id)
    period = period_label(shift, event.timezone)
    if form == "ics215":
        rows = ics.ics215(gaps, {z.id: z.name for z in zones})
        return {
            "shift": shift,
            "period": period,
            "rows": rows,
            "totals": ics.totals215(rows),
            "csv": ics.ics215_csv(rows),
        }
    forms = ics.ics204(
        [(z.id, z.name, z.kind, z.notes) for z in zones],
        _resources(session, event.id, shift_id),
        _required_by_zone(gaps),
        period,
    )
    return {"shift": shift, "period": period, "forms": forms, "csv": ics.ics204_csv(forms)}


def _resources(session: Session, event_id: int, shift_id: int) -> dict[int, list[ics.Resource]]:
    rows = session.scalars(
        select(Assignment).where(Assignment.event_id == event_id, Assignment.shift_id == shift_id)
    )
    out: dict[int, list[ics.Resource]] = defaultdict(list)
    for a in rows:
        p = a.person
        out[a.zone_id].append(ics.Resource(p.name, p.agency.name, p.unit, a.role, p.phone))
    return out


def _required_by_zone(gaps) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for row in gaps:
        out[row.zone_id] += row.required
    return out
