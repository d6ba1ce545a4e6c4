"""Planner pages: events, one event's plan (map, zones, requirements, people, gaps), rosters."""

from __future__ import annotations

import json

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from accounts.models import AuditEntry, User
from common.csvfiles import csv_table
from common.validation import whole_number
from planner import changes, division_service, gaps, plan_service
from planner.counties import counties_of, described
from planner.models import Assignment, Event, Person, Zone
from planner.serialize import zone_feature
from planner.zone_service import zone_version
from planner.zones import ZONE_KINDS, overlaps
from web.access import roles_required
from web.doors import get_event
from web.downloads import csv_download
from web.extensions import db
from web.i18n import say
from web.mapview import zone_map

bp = Blueprint("planner", __name__)
COMMON_ROLES = ("crowd_manager", "patrol_officer", "sergeant", "emt")


@bp.get("/")
def events():
    rows = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    return render_template("planner/events.html", events=rows)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    if current_user.is_partner:  # the plan names who is where: partners get the shared view
        return redirect(url_for("maps.shared", event_id=event_id))
    row = get_event(event_id)
    shift = _selected_shift(row)
    zones = db.session.scalars(select(Zone).where(Zone.event_id == event_id).order_by(Zone.id))
    zones = zones.all()
    rows = plan_service.gap_rows(db.session, row, shift_id=shift.id) if shift else []
    coverage = gaps.zone_coverage(rows)
    suggested = _suggested(row, shift) if shift and request.args.get("suggest") else {}
    return render_template(
        "planner/event.html",
        event=row,
        shift=shift,
        zones=zones,
        zone_names={z.id: z.name for z in zones},
        kinds=ZONE_KINDS,
        map=_plan_map(zones, coverage),
        coverage=coverage,
        gaps=rows,
        roles=_roles(rows, suggested),
        required={(g.zone_id, g.role): g.required for g in rows},
        suggested=suggested,
        overlaps=_overlaps(zones),
        places=described(row.geocodes or []),
        place_kinds=_place_kinds(),
        suggested_counties=_suggested_counties(row, zones),
        assignments=_assignments(event_id, shift.id) if shift else [],
        division_notes={
            n.zone_id: n for n in division_service.notes_of(db.session, event_id, shift.id)
        }
        if shift
        else {},
        people=db.session.scalars(
            select(Person).where(Person.active.is_(True)).order_by(Person.name)
        ).all(),
        js_strings=_planner_strings(),
    )


def _place_kinds() -> dict[str, str]:
    return {
        "SAME": _("SAME county"),
        "UGC county": _("UGC county"),
        "UGC zone": _("NWS forecast zone"),
    }


def _suggested_counties(event: Event, zones: list[Zone]) -> list:
    """The counties the zones lie in whose codes the event has not declared yet."""
    declared = set(event.geocodes or [])
    found = counties_of([z.geometry for z in zones])
    return [c for c in found if not {c.same, c.ugc} <= declared]


def _planner_strings() -> dict[str, str]:
    """The zone drawing script's words (static/js/planner.js, Leaflet.draw's toolbar)."""
    return {
        "name_required": _("Give the zone a name."),
        "not_saved": _("Not saved: %(message)s"),
        "not_saved_after": _("Not saved: %(message)s (%(count)s saved before this)"),
        "draw_polygon": _("Draw a zone as a polygon"),
        "draw_rectangle": _("Draw a zone as a rectangle"),
        "cancel_drawing": _("Cancel drawing"),
        "cancel": _("Cancel"),
        "finish_drawing": _("Finish drawing"),
        "finish": _("Finish"),
        "delete_last_point": _("Delete the last point"),
        "polygon_start": _("Click to start drawing the zone."),
        "polygon_cont": _("Click to continue drawing the zone."),
        "polygon_end": _("Click the first point to close the zone."),
        "rectangle_start": _("Click and drag to draw a rectangle."),
        "shape_end": _("Release the mouse to finish drawing."),
        "edit_zones": _("Edit zones"),
        "delete_zones": _("Delete zones"),
        "no_zones": _("No zones yet"),
        "save_changes": _("Save changes"),
        "save": _("Save"),
        "cancel_changes": _("Cancel editing and discard the changes"),
        "delete_all_zones": _("Delete every zone"),
        "delete_all": _("Delete all"),
        "edit_tooltip": _("Drag the handles to reshape a zone."),
        "edit_subtext": _("Click Cancel to undo the changes."),
        "remove_tooltip": _("Click a zone to delete it."),
        "reading_columns": _("Reading the file's columns…"),
        "column_guessed": _("%(column)s (guessed)"),
        "no_name_column": _("none: Zone 1, Zone 2…"),
        "columns_found": _(
            "Zones in the file: %(zones)s (%(crs)s). Choose the column that names them."
        ),
        "columns_refused": _("This file cannot be imported: %(message)s"),
    }


def _selected_shift(event: Event):
    wanted = request.args.get("shift", type=whole_number)
    for shift in event.shifts:
        if shift.id == wanted:
            return shift
    return event.shifts[0] if event.shifts else None


def _suggested(event: Event, shift) -> dict[tuple[int, str], int]:
    return {
        (s["zone_id"], s["role"]): s["required"]
        for s in plan_service.suggest(db.session, event, [shift.id])
    }


def _roles(rows, suggested) -> list[str]:
    found = {g.role for g in rows} | {role for _, role in suggested}
    return list(COMMON_ROLES) + sorted(found - set(COMMON_ROLES))


def _plan_map(zones: list[Zone], coverage: dict):
    features = []
    for zone in zones:
        feature = zone_feature(zone)
        feature["properties"]["version"] = zone_version(zone)  # planner.js sends it back
        cov = coverage.get(zone.id)
        feature["properties"]["coverage"] = cov.status if cov else "none"
        feature["properties"]["staffing"] = (
            _("%(assigned)s of %(required)s", assigned=cov.assigned, required=cov.required)
            if cov
            else "—"
        )
        features.append(feature)
    return zone_map(features)


def _overlaps(zones: list[Zone]) -> list[tuple[Zone, Zone, float]]:
    by_id = {z.id: z for z in zones}
    return [
        (by_id[o.a], by_id[o.b], o.area_m2) for o in overlaps([(z.id, z.geometry) for z in zones])
    ]


def _assignments(event_id: int, shift_id: int) -> list[Assignment]:
    return db.session.scalars(
        select(Assignment)
        .where(Assignment.event_id == event_id, Assignment.shift_id == shift_id)
        .order_by(Assignment.zone_id, Assignment.role)
    ).all()


@bp.get("/personnel")
@roles_required("planner", "commander")  # staff names and phones: never partners
def personnel():
    return personnel_page()


def personnel_page(report=None):
    rows = db.session.scalars(select(Person).order_by(Person.name)).all()
    return render_template("planner/personnel.html", people=rows, report=report)


@bp.get("/events/<int:event_id>/changes")
@roles_required("planner", "commander")  # before/after of every write: never partners
def audit(event_id: int):
    """Who changed what in this event's plan, newest first, each said as what they did; the
    raw entries (request, answer, before and after) under each and in changes.csv."""
    event = get_event(event_id)
    rows = _audit_rows(event_id)
    said = _sentences(event_id, rows)
    return render_template(
        "planner/changes.html", event=event, entries=list(zip(rows, said, strict=True))
    )


@bp.get("/events/<int:event_id>/changes.csv")
@roles_required("planner", "commander")
def audit_csv(event_id: int):
    """The raw audit entries of the event, for auditors: nothing summarised or left out."""
    get_event(event_id)
    head = ("at", "actor", "method", "path", "status", "action", "target", "before", "after")
    rows = (
        [e.at.isoformat(), e.actor, e.method, e.path, e.status, e.action, e.target,
         json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
         json.dumps(e.after, ensure_ascii=False) if e.after is not None else ""]
        for e in _audit_rows(event_id, limit=None)
    )  # fmt: skip
    return csv_download(csv_table(head, rows), f"changes-event{event_id}.csv")


def _audit_rows(event_id: int, limit: int | None = 500) -> list[AuditEntry]:
    prefix = f"/events/{event_id}"
    query = (
        select(AuditEntry)
        .where(or_(AuditEntry.path.like(f"%{prefix}/%"), AuditEntry.path.endswith(prefix)))
        .order_by(AuditEntry.id.desc())
    )
    return list(db.session.scalars(query.limit(limit) if limit else query))


def _sentences(event_id: int, rows: list[AuditEntry]) -> list[str]:
    """Each entry as a sentence in the reader's language, naming people and zones."""
    names = dict(db.session.execute(select(User.username, User.display_name)).all())
    people = dict(db.session.execute(select(Person.id, Person.name)).all())
    zones = dict(
        db.session.execute(select(Zone.id, Zone.name).where(Zone.event_id == event_id)).all()
    )
    return [
        say(changes.sentence(changes.Entry(
            names.get(e.actor) or e.actor or _("someone"), e.action, e.target, e.before,
            e.after, e.status, people, zones)))
        for e in rows
    ]  # fmt: skip
