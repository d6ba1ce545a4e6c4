"""The data behind the exports: the ICS 204 and 215 forms of one operational period, and
the zones and assignments of an event as GeoJSON Features."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.validation import NotFound
from planner import division_service, ics, ics_pdf
from planner.geoformats import Posting, posting_feature
from planner.models import Assignment, Event, Shift, Zone
from planner.plan_service import gap_rows
from planner.serialize import zone_feature


def period_label(shift: Shift, tz: str) -> str:
    """The period's name and times in the event's zone, in English (the views pass a
    label in the reader's language: planner.strings.period_label)."""
    zone = ZoneInfo(tz)
    start, end = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return f"{shift.name}: {start:%a %d %b %Y %H:%M %Z} to {end:%a %d %b %Y %H:%M %Z}"


def form_data(
    session: Session,
    event: Event,
    shift_id: int,
    form: str,
    label: Callable[[Shift, str], str] = period_label,
) -> dict:
    shift = session.get(Shift, shift_id)
    if shift is None or shift.event_id != event.id:
        raise NotFound(f"no shift {shift_id} in event {event.id}")
    zones = session.scalars(select(Zone).where(Zone.event_id == event.id).order_by(Zone.id)).all()
    gaps = gap_rows(session, event, shift_id=shift_id)
    period = label(shift, event.timezone)
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
        division_service.for_forms(session, event.id, shift_id),
    )
    return {"shift": shift, "period": period, "forms": forms, "csv": ics.ics204_csv(forms)}


def form_pdf(
    event: Event,
    data: dict,
    form: str,
    prepared: ics.Prepared,
    say: ics_pdf.Say = ics_pdf.english,
    role: ics_pdf.RoleLabel = ics_pdf.as_coded,
) -> bytes:
    """The form that `form_data` computed, drawn as a PDF, its words said by `say` and
    its roles named by `role`."""
    if form == "ics215":
        return ics_pdf.ics215_pdf(
            event.name, data["period"], data["rows"], data["totals"], prepared, say, role
        )
    return ics_pdf.ics204_pdf(event.name, data["period"], data["forms"], prepared, say, role)


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


def zone_features(session: Session, event_id: int) -> list[dict]:
    zones = session.scalars(select(Zone).where(Zone.event_id == event_id).order_by(Zone.id))
    return [zone_feature(z) for z in zones]


def assignment_features(
    session: Session,
    event: Event,
    shift_id: int | None,
    role_label: Callable[[str], str] = ics_pdf.as_coded,
) -> list[dict]:
    """One Feature per assignment: the zone's polygon with who, as what (the role's code
    and its label by `role_label`), in which period."""
    query = (
        select(Assignment, Zone, Shift)
        .join(Zone, Assignment.zone_id == Zone.id)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(Assignment.event_id == event.id)
        .order_by(Shift.starts_at, Zone.id, Assignment.id)
    )
    if shift_id is not None:
        query = query.where(Assignment.shift_id == shift_id)
    return [
        posting_feature(_posting(a, zone, shift, role_label), event.timezone)
        for a, zone, shift in session.execute(query)
    ]


def _posting(a: Assignment, zone: Zone, shift: Shift, role_label) -> Posting:
    p = a.person
    return Posting(
        id=a.id,
        zone_id=zone.id,
        zone=zone.name,
        geometry=zone.geometry,
        person_id=p.id,
        person=p.name,
        agency=p.agency.name,
        unit=p.unit,
        role=a.role,
        shift_id=shift.id,
        shift=shift.name,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        role_label=role_label(a.role),
    )
