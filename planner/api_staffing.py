"""JSON API for requirements, personnel, assignments, gaps and ICS exports (/api/v1)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request
from flask_babel import force_locale, get_locale, gettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from common.messages import N_
from common.times import iso, utcnow
from common.validation import InputError, aware_datetime
from planner import (
    deployment_service,
    duty_service,
    ics,
    people_service,
    plan_service,
    roles_service,
    strings,
)
from planner import export_service as exports
from planner.export_roles import with_role_labels
from planner.models import Assignment, Person, Requirement
from threats import threat_service
from web.access import roles_required
from web.doors import (
    answer,
    before_any_transaction,
    commit,
    created,
    get_event,
    query_id,
    write,
)
from web.downloads import csv_download, file_download
from web.extensions import db
from web.i18n import local_datetime, say
from web.labels import label

bp = Blueprint("staffing_api", __name__, url_prefix="/api/v1")


def _body() -> object:
    return request.get_json(silent=True)


@bp.get("/events/<int:event_id>/requirements")
def list_requirements(event_id: int):
    get_event(event_id)
    rows = db.session.scalars(
        select(Requirement).where(Requirement.event_id == event_id).order_by(Requirement.id)
    )
    return {"requirements": [_requirement_json(r) for r in rows]}


def _requirement_json(r: Requirement) -> dict:
    return {
        "id": r.id,
        "zone_id": r.zone_id,
        "shift_id": r.shift_id,
        "role": r.role,
        "required": r.required,
    }


@bp.route("/events/<int:event_id>/requirements", methods=["POST", "PUT"])
@roles_required("planner")
def save_requirements(event_id: int):
    """POST adds or changes the listed counts; PUT replaces the event's whole set."""
    body = _body()
    items = body.get("requirements") if isinstance(body, dict) else body
    replace = request.method == "PUT"
    change = deployment_service.set_requirements(
        write(), get_event(event_id), items, replace=replace
    )
    commit(change)
    return {"saved": change.result}


@bp.get("/events/<int:event_id>/requirements/suggest")
def suggest_requirements(event_id: int):
    """Proposed counts, not saved: the planner accepts or changes them, then POSTs them."""
    shift = query_id("shift")
    proposals = plan_service.suggest(db.session, get_event(event_id), [shift] if shift else None)
    return {"requirements": proposals}


@bp.get("/personnel")
@roles_required("planner", "commander")  # staff names and phones: never partners
def list_personnel():
    rows = db.session.scalars(select(Person).order_by(Person.name))
    return {"personnel": [people_service.person_json(p) for p in rows]}


@bp.post("/personnel")
@roles_required("planner")
def create_person():
    book = roles_service.book(db.session)
    return created(people_service.create_person(write(), _body() or {}, book))


@bp.post("/personnel/import")
@roles_required("planner")
def import_personnel():
    upload = request.files.get("file")
    if upload is None:
        raise InputError(N_("send the roster as a multipart file in the field 'file'"), "file")
    book = roles_service.book(db.session)
    roster = before_any_transaction(people_service.read_roster_file, upload.read(), book)
    body, _status = answer(people_service.import_roster(write(), roster))
    return {**body, "refused": [r | {"reason": say(r["reason"])} for r in body["refused"]]}


@bp.get("/events/<int:event_id>/assignments")
@roles_required("planner", "commander")  # who is where: never partners
def list_assignments(event_id: int):
    get_event(event_id)
    query = select(Assignment).where(Assignment.event_id == event_id).order_by(Assignment.id)
    shift = query_id("shift")
    if shift:
        query = query.where(Assignment.shift_id == shift)
    return {
        "assignments": [deployment_service.assignment_json(a) for a in db.session.scalars(query)]
    }


@bp.post("/events/<int:event_id>/assignments")
@roles_required("planner")
def create_assignments(event_id: int):
    """One assignment (an object) or many (a list); one broken rule refuses them all."""
    body = _body()
    many = isinstance(body, list)
    change = deployment_service.assign_people(
        write(), get_event(event_id), body if many else [body]
    )
    out, _status = created(change)
    return (out if many else out["assignments"][0]), 201


@bp.delete("/events/<int:event_id>/assignments")
@roles_required("planner")
def delete_assignments(event_id: int):
    body = _body()
    ids = body.get("ids") if isinstance(body, dict) else None
    return answer(deployment_service.unassign(write(), get_event(event_id), ids))


@bp.post("/events/<int:event_id>/assignments/auto")
@roles_required("planner")
def auto_assign(event_id: int):
    """Propose a plan with the solver; it is stored unless {"apply": false}."""
    body = _body() if isinstance(_body(), dict) else {}
    apply = body.get("apply", True) is not False
    change = deployment_service.auto_assign(write(), get_event(event_id), apply=apply)
    if apply:
        commit(change)
    else:
        db.session.rollback()
    plan = change.after
    return {
        **plan,
        "unfilled": [u | {"reason": say(u["reason"])} for u in plan["unfilled"]],
        "shortages": [s | {"explanation": say(s["explanation"])} for s in plan["shortages"]],
    }


@bp.get("/events/<int:event_id>/gaps")
def list_gaps(event_id: int):
    """Required vs assigned per zone, shift and role; `?shift=` one shift, `?at=` an instant."""
    event = get_event(event_id)
    at = _instant(request.args.get("at"), event.timezone)
    shift_id = query_id("shift")
    if at is None and shift_id is None:  # now: with who is actually on duty
        now = utcnow()
        rows = duty_service.live_rows(db.session, event, now)
        return {"at": now.isoformat(), "gaps": [_gap_json(r) for r in rows]}
    rows = plan_service.gap_rows(db.session, event, shift_id=shift_id, at=at)
    return {"at": iso(at), "gaps": [_gap_json(r) for r in rows]}


def _gap_json(row) -> dict:
    return {
        "zone_id": row.zone_id,
        "shift_id": None if row.shift_id < 0 else row.shift_id,
        "role": row.role,
        "required": row.required,
        "assigned": row.assigned,
        "on_duty": row.on_duty,
        "short": row.short,
        "surplus": row.surplus,
    }


def _instant(value: str | None, tz: str) -> datetime | None:
    return aware_datetime({"at": value}, "at", tz) if value else None


@bp.get("/events/<int:event_id>/exports/<any(ics204, ics215):form>")
@bp.get("/events/<int:event_id>/exports/<any(ics204, ics215):form>.<any(csv, html, pdf):fmt>")
@roles_required("planner", "commander")  # names each resource and its contact
def export(event_id: int, form: str, fmt: str = "html"):
    """ICS 204 / 215 for one operational period (`?shift=`), as CSV, PDF or printable HTML."""
    event = get_event(event_id)
    shift_id = query_id("shift")
    if shift_id is None:
        raise InputError(N_("choose the operational period with ?shift=<id>"), "shift")
    name = f"{form}-event{event_id}-shift{shift_id}.{fmt}"
    if fmt == "pdf":  # Latin-only fonts: a language they cannot draw gets English throughout
        with force_locale(strings.pdf_language()):
            data = exports.form_data(db.session, event, shift_id, form, strings.period_label)
            prepared, role = _prepared(event), _role_label()  # labels in the PDF's language
            pdf = exports.form_pdf(event, data, form, prepared, strings.say_in_pdf, role)
        return file_download(pdf, name, "application/pdf")
    data = exports.form_data(db.session, event, shift_id, form, strings.period_label)
    if fmt == "csv":
        book, language = roles_service.book(db.session), str(get_locale() or "en")[:2]
        title = "role_label" if language == "en" else gettext("Role (label)")
        text = with_role_labels(
            strings.csv_text(form, data), form, title, lambda c: book.label(c, language)
        )
        return csv_download(text, name)
    return render_template(
        f"planner/{form}.html", event=event, form_name=form, prepared=_prepared(event), **data
    )


def _prepared(event) -> ics.Prepared:
    """The form's maker: the user asking for it, by name and role, now in the event's zone."""
    who = _(
        "%(name)s (%(role)s)", name=current_user.display_name, role=label("role", current_user.role)
    )
    return ics.Prepared(who, local_datetime(utcnow(), event.timezone, get_locale() or "en"))


@bp.get("/events/<int:event_id>/checkins")
@roles_required("planner", "commander")  # who is where: never partners
def list_checkins(event_id: int):
    """Each person's current state: on duty (where, as what), off duty, or diverted."""
    get_event(event_id)
    states = duty_service.states(db.session, event_id)
    names = {p.id: p.name for p in db.session.scalars(select(Person).where(Person.id.in_(states)))}
    label = _role_label()
    return {"checkins": [{**vars(s), "name": names.get(s.person_id), "at": s.at.isoformat(),
                          "role_label": label(s.role)} for s in states.values()]}  # fmt: skip


@bp.get("/events/<int:event_id>/duty")
@roles_required("planner", "commander")  # who is where: never partners
def list_on_duty(event_id: int):
    """Who a commander can send now: on duty, diverted, or posted now and not checked in."""
    event = get_event(event_id)
    return {"people": duty_service.who_is_on_duty(db.session, event, utcnow())}


@bp.post("/events/<int:event_id>/checkins")
@roles_required("commander")
def check_in(event_id: int):
    """A person checks in (`in`), out (`out`), or is diverted to a threat (`divert`)."""
    body = request.get_json(silent=True)
    action = body.get("action") if isinstance(body, dict) else None
    if action not in CHECKIN_ACTIONS:
        raise InputError(N_("send {person_id, action: in, out or divert}"), "action")
    answer, status = created(CHECKIN_ACTIONS[action](write(), get_event(event_id), body))
    return {**answer, "role_label": _role_label()(answer.get("role") or "")}, status


def _role_label():
    """A role code's label in the reader's language (the code itself when no role has it)."""
    book, language = roles_service.book(db.session), str(get_locale() or "en")[:2]
    return lambda code: book.label(code, language) if code else ""


CHECKIN_ACTIONS = {
    "in": duty_service.check_in,
    "out": duty_service.check_out,
    "divert": threat_service.divert,
}
