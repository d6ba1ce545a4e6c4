"""The plan page's people forms: who is available to the event, picked from the shared
roster by person or agency, taken off, or imported from a roster CSV into the event."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from common.validation import InputError, whole_number
from planner import people_service, roles_service
from web.access import roles_required
from web.doors import before_any_transaction, commit, get_event, refused, write
from web.extensions import db
from web.i18n import say

bp = Blueprint("people_forms", __name__, url_prefix="/events/<int:event_id>/plan")
MAX_REFUSED_SHOWN = 12  # the report travels in the session cookie to the page


def _ids(field: str) -> list[int]:
    """The form's ids in `field`; anything that is no id is left out."""
    ids = []
    for written in request.form.getlist(field):
        try:
            ids.append(whole_number(written.strip()))
        except ValueError:
            continue
    return [i for i in ids if i > 0]


def _back(event_id: int, anchor: str = "people"):
    shift = request.form.get("shift_id", type=whole_number)
    return redirect(url_for("planner.event", event_id=event_id, shift=shift) + f"#{anchor}")


def _refused(exc: Exception, event_id: int):
    db.session.rollback()
    refused(exc)
    flash(_("Nothing was saved: %(reason)s", reason=say(exc)), "error")
    return _back(event_id)


@bp.post("/people/add")
@roles_required("planner")
def add_people(event_id: int):
    """People picked from the shared roster, or whole agencies, made available to the event."""
    data = {
        "person_ids": _ids("person_id"),
        "agency_ids": _ids("agency_id"),
    }
    try:
        change = people_service.make_available(write(), get_event(event_id), data)
    except InputError as exc:
        return _refused(exc, event_id)
    added = commit(change).result
    flash(
        ngettext(
            "%(num)d person is now available to this event.",
            "%(num)d people are now available to this event.",
            added,
        ),
        "info",
    )
    return _back(event_id)


@bp.post("/people/remove")
@roles_required("planner")
def remove_people(event_id: int):
    data = {"person_ids": _ids("person_id")}
    try:
        change = people_service.make_unavailable(write(), get_event(event_id), data)
    except InputError as exc:
        return _refused(exc, event_id)
    removed = commit(change).result
    flash(
        ngettext(
            "%(num)d person is no longer available to this event.",
            "%(num)d people are no longer available to this event.",
            removed,
        ),
        "info",
    )
    return _back(event_id)


@bp.post("/people/import")
@roles_required("planner")
def import_people(event_id: int):
    """A roster imported into the event: its people are added or updated, and available."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        get_event(event_id)
        flash(_("Choose a CSV file to import."), "error")
        return _back(event_id)
    book = roles_service.book(db.session)
    try:
        roster = before_any_transaction(people_service.read_roster_file, upload.read(), book)
        change = people_service.import_roster(write(), roster, get_event(event_id))
    except InputError as exc:
        return _refused(exc, event_id)
    report = commit(change).result
    refusals = [[r.line, say(r.reason)] for r in report.refused[:MAX_REFUSED_SHOWN]]
    session["people_report"] = {
        "event_id": event_id,
        "summary": _roster_summary(report),
        "refused": refusals,
        "more": len(report.refused) - len(refusals),
    }
    return _back(event_id, "people-report")  # the report takes the focus: the fragment too


def _roster_summary(report) -> str:
    return _(
        "Roster imported into this event: %(added)s added, %(updated)s updated, "
        "%(refused)s refused; %(available)s available to the event.",
        added=report.created,
        updated=report.updated,
        refused=len(report.refused),
        available=report.available,
    )
