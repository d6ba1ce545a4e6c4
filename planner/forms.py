"""Planner page forms: each calls the same service as the API, then says what happened."""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from common.validation import InputError, whole_number
from planner import (
    deployment_service,
    division_service,
    event_service,
    people_service,
    zone_service,
)
from planner.models import Person, Zone
from web.access import roles_required
from web.doors import before_any_transaction, commit, get_event, refused, write
from web.extensions import db
from web.i18n import local_number, say

bp = Blueprint("plan_forms", __name__, url_prefix="/events/<int:event_id>/plan")


def _whole(written: str) -> int:
    """A form's id or count; -1 (no row's id, no count) for anything else: a sign, "1e999",
    "²", or a number past what a column holds."""
    try:
        return whole_number(written.strip())
    except ValueError:
        return -1


def _back(event_id: int, anchor: str = ""):
    shift = request.form.get("shift_id", type=whole_number)
    target = url_for("planner.event", event_id=event_id, shift=shift)
    return redirect(f"{target}#{anchor}" if anchor else target)


def _refused(exc: Exception, event_id: int, anchor: str):
    db.session.rollback()
    refused(exc)
    flash(_("Nothing was saved: %(reason)s", reason=say(exc)), "error")
    return _back(event_id, anchor)


def _requirement_items() -> list[dict]:
    """`req:<zone>:<role>` fields, as the API's {zone_id, shift_id, role, required} items."""
    shift_id = request.form.get("shift_id", type=whole_number)
    items = []
    for key, value in request.form.items():
        if key.startswith("req:") and value.strip() != "":
            _, zone_id, role = key.split(":", 2)
            item = {"zone_id": _whole(zone_id), "shift_id": shift_id, "role": role}
            items.append(item | {"required": _whole(value)})
    return items


@bp.post("/requirements")
@roles_required("planner")
def requirements(event_id: int):
    event = get_event(event_id)
    try:
        change = deployment_service.set_requirements(
            write(), event, _requirement_items(), replace=False
        )
    except InputError as exc:
        return _refused(exc, event_id, "requirements")
    count = commit(change).result
    flash(
        ngettext(
            "Saved %(num)d required head count.", "Saved %(num)d required head counts.", count
        ),
        "info",
    )
    return _back(event_id, "requirements")


@bp.post("/assign")
@roles_required("planner")
def assign(event_id: int):
    event = get_event(event_id)
    form = request.form
    items = [
        {
            "person_id": person_id,
            "zone_id": form.get("zone_id", type=whole_number),
            "shift_id": form.get("shift_id", type=whole_number),
            "role": form.get("role", ""),
        }
        for person_id in map(_whole, form.getlist("person_id"))
        if person_id > 0
    ]
    try:
        change = deployment_service.assign_people(write(), event, items)
    except InputError as exc:
        return _refused(exc, event_id, "assignments")
    rows = commit(change).result
    flash(ngettext("Assigned %(num)d person.", "Assigned %(num)d people.", len(rows)), "info")
    return _back(event_id, "assignments")


@bp.post("/divisions")
@roles_required("planner", "commander")
def division_note(event_id: int):
    """One division's communications and special instructions for the chosen period."""
    event = get_event(event_id)
    form = request.form
    data = {
        "zone_id": form.get("zone_id", type=whole_number),
        "shift_id": form.get("shift_id", type=whole_number),
        "communications": form.get("communications", ""),
        "special_instructions": form.get("special_instructions", ""),
    }
    try:
        change = division_service.set_note(write(), event, data)
    except InputError as exc:
        return _refused(exc, event_id, "divisions")
    commit(change)
    zone = db.session.get(Zone, change.result.zone_id)
    flash(_("Saved the ICS 204 notes for %(zone)s.", zone=zone.name), "info")
    return _back(event_id, "divisions")


@bp.post("/unassign")
@roles_required("planner")
def unassign(event_id: int):
    ids = [i for i in map(_whole, request.form.getlist("assignment_id")) if i > 0]
    removed = commit(deployment_service.unassign(write(), get_event(event_id), ids)).result
    flash(ngettext("Removed %(num)d assignment.", "Removed %(num)d assignments.", removed), "info")
    return _back(event_id, "assignments")


@bp.post("/auto")
@roles_required("planner")
def auto(event_id: int):
    event = get_event(event_id)
    plan = commit(deployment_service.auto_assign(write(), event, apply=True)).result
    zones = {z.id: z.name for z in event.zones}
    shifts = {s.id: s.name for s in event.shifts}
    bound = _("best found, bound %(bound)s", bound=plan.bound)
    proof = _("proven optimal") if plan.optimal else bound
    flash(
        _(
            "Auto-assign (%(method)s, %(seconds)s s, %(proof)s): new assignments: %(new)s; "
            "required places filled: %(filled)s of %(required)s.",
            method=plan.method,
            seconds=local_number(plan.seconds, digits=1),
            proof=proof,
            new=len(plan.assignments),
            filled=plan.filled,
            required=plan.required,
        ),
        "info",
    )
    for u in plan.unfilled[:20]:
        flash(
            _(
                "Unfilled: %(missing)s × %(role)s in %(zone)s, %(period)s: %(reason)s",
                missing=u.missing,
                role=u.need.role,
                zone=zones.get(u.need.zone_id),
                period=shifts.get(u.need.shift_id),
                reason=say(u.reason),
            ),
            "warning",
        )
    if len(plan.unfilled) > 20:
        more = len(plan.unfilled) - 20
        flash(_("… and %(count)s more unfilled needs (see the gaps table).", count=more), "warning")
    return _back(event_id, "gaps")


@bp.post("/zones/import")
@roles_required("planner")
def import_zones(event_id: int):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        get_event(event_id)
        flash(_("Choose a file to import."), "error")
        return _back(event_id)
    read = functools.partial(
        zone_service.read_zone_file,
        name_field=request.form.get("name_field"),
        max_area_km2=current_app.config["ZONE_MAX_AREA_KM2"],
    )
    try:
        report = before_any_transaction(read, upload.read(), upload.filename)
        change = zone_service.import_zones(write(), get_event(event_id), report)
    except InputError as exc:
        return _refused(exc, event_id, "")
    result = commit(change).result
    imported = ngettext(
        "Imported %(num)d zone from %(crs)s.",
        "Imported %(num)d zones from %(crs)s.",
        len(result.zones),
        crs=result.source_crs,
    )
    flash(imported, "info")
    if not result.report.name_guessed:
        flash(_("Named the zones from column %(column)s.", column=result.report.name_field), "info")
    for warning in result.warnings:
        flash(say(warning), "warning")
    # To the top, where the messages are: which column named the zones, what was repaired.
    return _back(event_id)


@bp.post("/rules")
@roles_required("planner")
def rules(event_id: int):
    changes = {
        "min_rest_hours": request.form.get("min_rest_hours", type=float),
        "max_hours_per_day": request.form.get("max_hours_per_day", type=float),
    }
    try:
        change = event_service.update_event(write(), get_event(event_id), changes)
    except InputError as exc:
        return _refused(exc, event_id, "rules")
    commit(change)
    flash(_("Staffing rules saved."), "info")
    return _back(event_id, "rules")


@bp.post("/geocodes")
@roles_required("planner")
def geocodes(event_id: int):
    """The place codes the event lies in, as typed or as a suggestion adds them."""
    changes = {"geocodes": request.form.get("geocodes", "")}
    try:
        change = event_service.update_event(write(), get_event(event_id), changes)
    except InputError as exc:
        return _refused(exc, event_id, "places")
    codes = commit(change).result.geocodes
    flash(ngettext("Saved %(num)d place code.", "Saved %(num)d place codes.", len(codes)), "info")
    return _back(event_id, "places")


@bp.post("/shifts")
@roles_required("planner")
def add_shift(event_id: int):
    event = get_event(event_id)
    try:
        change = event_service.create_shift(write(), event, dict(request.form))
    except InputError as exc:
        return _refused(exc, event_id, "rules")
    shift = commit(change).result
    flash(_("Added the operational period %(name)s.", name=shift.name), "info")
    return redirect(url_for("planner.event", event_id=event_id, shift=shift.id) + "#rules")


roster_bp = Blueprint("roster_forms", __name__)


@roster_bp.post("/personnel/import")
@roles_required("planner")
def import_roster():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV file to import."), "error")
        return redirect(url_for("planner.personnel"))
    try:
        roster = before_any_transaction(people_service.read_roster_file, upload.read())
        report = commit(people_service.import_roster(write(), roster)).result
    except InputError as exc:
        db.session.rollback()
        refused(exc)
        flash(_("Nothing was imported: %(reason)s", reason=say(exc)), "error")
        return redirect(url_for("planner.personnel"))
    people = db.session.scalars(select(Person).order_by(Person.name)).all()
    return render_template("planner/personnel.html", people=people, report=report)


events_bp = Blueprint("event_forms", __name__)


@events_bp.post("/events/new")
@roles_required("planner")
def add_event():
    form = dict(request.form)
    attendance = _whole(form.pop("expected_attendance", ""))
    if attendance >= 0:
        form["expected_attendance"] = attendance
    try:
        event = commit(event_service.create_event(write(), form)).result
    except InputError as exc:
        db.session.rollback()
        refused(exc)
        flash(_("The event was not created: %(reason)s", reason=say(exc)), "error")
        return redirect(url_for("planner.events"))
    flash(_("Created %(name)s. Add its zones and operational periods.", name=event.name), "info")
    return redirect(url_for("planner.event", event_id=event.id))
