"""A commander's work on threats: change a threat's status, assignee or note, and divert a
person to it; with the reads the threat views share (features, one threat's staffing)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

import shapely
from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.messages import N_, message_of
from common.validation import InputError, NotFound, is_record_id
from common.versions import check_version, version_of
from common.writes import Change, Write
from planner import duty_service, gaps
from planner.models import Assignment, CheckIn, Event, Person, Zone
from planner.plan_service import gap_rows, periods
from threats import lifecycle
from threats.activity_service import record
from threats.matching import reach_outline
from threats.models import Threat
from threats.screening.screening_service import threat_decided
from threats.serialize import threat_feature


def zone_names(session: Session, event_id: int) -> dict[int, str]:
    rows = session.execute(select(Zone.id, Zone.name).where(Zone.event_id == event_id))
    return {zone_id: name for zone_id, name in rows}


def get_threat(session: Session, event: Event, threat_id: int, *, lock: bool = False) -> Threat:
    """The event's threat; with `lock`, held until the transaction ends (as get_zone)."""
    threat = session.get(Threat, threat_id, with_for_update=lock, populate_existing=lock)
    if threat is None or threat.event_id != event.id:
        raise NotFound(f"no threat {threat_id} in event {event.id}")
    return threat


def threat_features(
    session: Session,
    event_id: int,
    statuses: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
) -> list[dict]:
    """The event's threats (of the given statuses or ids, else all) as GeoJSON Features."""
    names = zone_names(session, event_id)
    query = select(Threat).where(Threat.event_id == event_id).order_by(Threat.id)
    if statuses:
        query = query.where(Threat.status.in_(statuses))
    if ids:
        query = query.where(Threat.id.in_(ids))
    return [threat_feature(t, names) for t in session.scalars(query)]


def reach_area(threat: Threat) -> dict | None:
    """GeoJSON of the area its reach rule measured zones against (None with no distance)."""
    rule = threat.reach_rule or {}
    area = reach_outline(threat.geometry, rule.get("metres") or 0.0)
    return mapping(shapely.set_precision(area, 1e-6)) if area is not None else None


def threat_version(threat: Threat) -> str:
    """The threat's version: its ETag, and what a write names in If-Match (common.versions)."""
    return version_of(threat.updated_at)


def feature_version(feature: dict) -> str:
    """The version of the threat a feature shows (threat_feature writes updated_at whole)."""
    return version_of(datetime.fromisoformat(feature["properties"]["updated_at"]))


def update_threat(
    w: Write, event: Event, threat_id: int, request, *, seen: Collection[str] | None = None
) -> Change[dict]:
    """Acknowledge, assign (to a person or unit), resolve, dismiss or reopen; with a note.
    Checked against the lifecycle, logged (ICS 214), and told to every viewer. A change
    based on another version than the current one (`seen`) is a Conflict."""
    threat = get_threat(w.session, event, threat_id, lock=True)
    names = zone_names(w.session, event.id)
    stale = N_(
        "threat %(id)d changed after you read it: read it again, then send your change again",
        id=threat.id,
    )
    check_version(threat_version(threat), seen, stale, lambda: threat_feature(threat, names))
    before = threat_feature(threat, names)["properties"]
    try:
        outcome = lifecycle.change(
            threat.status, threat.assignee, request if isinstance(request, dict) else {}
        )
    except lifecycle.LifecycleError as exc:
        raise InputError(message_of(exc), "status") from exc
    previous = threat.status
    action = (
        outcome.status
        if outcome.status != previous
        else ("reassigned" if outcome.assignee != threat.assignee else "note")
    )
    if previous in lifecycle.CLOSED and outcome.status in lifecycle.OPEN:
        action = "reopened"
    threat.status, threat.assignee, threat.updated_at = outcome.status, outcome.assignee, w.now
    if outcome.status in ("resolved", "dismissed"):
        threat.closed_reason = f"by {w.actor}"
    elif previous in ("resolved", "dismissed"):
        threat.closed_reason = ""
    record(w.session, threat, w.actor, action, at=w.now, before=previous, note=outcome.note)
    w.session.flush()
    threat_decided(w.session, threat, w.actor, w.now)
    feature = threat_feature(threat, names)
    w.tell(event.id, "threat_updated", feature)
    target = f"threat:{threat.id}"
    return Change("threat.update", target, feature["properties"], before, feature)


def divert(w: Write, event: Event, data) -> Change[CheckIn]:
    """{person_id, threat_id}: send a person to a threat of this event, from wherever they
    are posted; their role stays the one planned for now."""
    person = duty_service.person_of(w.session, data)
    threat_id = data.get("threat_id")
    threat = w.session.get(Threat, threat_id) if is_record_id(threat_id) else None
    if threat is None or threat.event_id != event.id:
        raise InputError(N_("choose a threat of this event to divert to"), "threat_id")
    planned_zone, planned_role = duty_service.assignment_now(w.session, event, person.id, w.now)
    known = duty_service.states(w.session, event.id).get(person.id)
    row = duty_service.checkin_row(w, event, person, "divert")
    row.threat_id = threat.id
    row.role = planned_role or ""
    # Where they were sent from: the zone they were on duty in, else their post now. A
    # diverted row is never counted on duty there (planner.duty.on_duty).
    on_duty_in = known.zone_id if known and known.status == "on_duty" else None
    row.zone_id = on_duty_in or planned_zone
    return duty_service.recorded(w, event, row)


def diverted_here(session: Session, event: Event, threat_id: int) -> list[dict]:
    """The people diverted to a threat and still there (their latest state): who, of which
    agency, from which zone, since when."""
    here = [
        s
        for s in duty_service.states(session, event.id).values()
        if s.status == "diverted" and s.threat_id == threat_id
    ]
    people = {
        p.id: p
        for p in session.scalars(select(Person).where(Person.id.in_([s.person_id for s in here])))
    }
    names = zone_names(session, event.id)
    return [
        {
            "person_id": s.person_id,
            "name": people[s.person_id].name,
            "agency": people[s.person_id].agency.name,
            "role": s.role,
            "from_zone_id": s.zone_id,
            "from_zone": names.get(s.zone_id, "") if s.zone_id else "",
            "at": s.at.isoformat(),
        }
        for s in sorted(here, key=lambda s: s.at)
    ]


def staffing_now(
    session: Session, event, zone_ids: list[int], now, role_label: Callable[[str], str] = str
) -> list[dict]:
    """Per zone the threat touches: who is posted there in the shifts in force now (each
    role by its code and, for the reader, its label), and the gap there now."""
    gaps_now = [g for g in gap_rows(session, event, at=now) if g.zone_id in zone_ids]
    active = gaps.active_shift_ids(periods(session, event).values(), now)
    posted = session.scalars(
        select(Assignment).where(
            Assignment.event_id == event.id,
            Assignment.zone_id.in_(zone_ids or [-1]),
            Assignment.shift_id.in_(active or {-1}),
        )
    ).all()
    names = dict(
        session.execute(select(Zone.id, Zone.name).where(Zone.id.in_(zone_ids or [-1]))).all()
    )
    return [
        {
            "zone_id": zid,
            "zone": names.get(zid, ""),
            "required": sum(g.required for g in gaps_now if g.zone_id == zid),
            "assigned": sum(g.assigned for g in gaps_now if g.zone_id == zid),
            "short": sum(g.short for g in gaps_now if g.zone_id == zid),
            "on_duty": [
                {
                    "name": a.person.name,
                    "agency": a.person.agency.name,
                    "role": a.role,
                    "role_label": role_label(a.role),
                    "phone": a.person.phone,
                }
                for a in posted
                if a.zone_id == zid
            ],
        }
        for zid in zone_ids
    ]
