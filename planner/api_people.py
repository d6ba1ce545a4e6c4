"""JSON API for the roles people hold and the people available to each event (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import select

from common.messages import N_
from common.validation import InputError
from planner import people_service, roles_service
from planner.models import EventPerson, Person, Role
from web.access import roles_required
from web.doors import answer, before_any_transaction, created, get_event, write
from web.extensions import db
from web.i18n import say

bp = Blueprint("people_api", __name__, url_prefix="/api/v1")


def _body() -> object:
    return request.get_json(silent=True)


@bp.get("/roles")
@roles_required("planner", "commander")
def list_roles():
    rows = db.session.scalars(select(Role).order_by(Role.code))
    return {"roles": [roles_service.role_json(r) for r in rows]}


@bp.post("/roles")
@roles_required("planner")
def create_role():
    return created(roles_service.create_role(write(), _body()))


@bp.patch("/roles/<code>")
@roles_required("planner")
def rename_role(code: str):
    return answer(roles_service.rename_role(write(), code, _body()))


@bp.get("/events/<int:event_id>/people")
@roles_required("planner", "commander")  # staff names and phones: never partners
def list_event_people(event_id: int):
    get_event(event_id)
    rows = db.session.scalars(
        select(Person)
        .join(EventPerson, EventPerson.person_id == Person.id)
        .where(EventPerson.event_id == event_id)
        .order_by(Person.name, Person.id)
    )
    return {"people": [people_service.person_json(p) for p in rows]}


@bp.post("/events/<int:event_id>/people")
@roles_required("planner")
def add_event_people(event_id: int):
    """{"person_ids": [...]} and/or {"agency_ids": [...]}: they become available to the event."""
    return answer(people_service.make_available(write(), get_event(event_id), _body()))


@bp.delete("/events/<int:event_id>/people")
@roles_required("planner")
def remove_event_people(event_id: int):
    return answer(people_service.make_unavailable(write(), get_event(event_id), _body()))


@bp.post("/events/<int:event_id>/people/import")
@roles_required("planner")
def import_event_people(event_id: int):
    """A roster CSV: its people are created or updated, and made available to the event."""
    upload = request.files.get("file")
    if upload is None:
        raise InputError(N_("send the roster as a multipart file in the field 'file'"), "file")
    book = roles_service.book(db.session)
    roster = before_any_transaction(people_service.read_roster_file, upload.read(), book)
    change = people_service.import_roster(write(), roster, get_event(event_id))
    body, _status = answer(change)
    return {**body, "refused": [r | {"reason": say(r["reason"])} for r in body["refused"]]}
