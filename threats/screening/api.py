"""JSON API for badge holders and their screening against the watchlists (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user
from sqlalchemy import select

from common.messages import N_
from common.validation import InputError
from threats.models import Credential, ScreeningHit
from threats.screening import screening_service as service
from threats.screening.credentials import rows_as_csv
from threats.screening.sighting_service import check_sighting
from web.access import roles_required
from web.doors import answer, commit, created, get_event, write
from web.extensions import db
from web.i18n import say

bp = Blueprint("screening_api", __name__, url_prefix="/api/v1")


def _no_partners() -> None:
    if current_user.is_partner:
        abort(403, description="Badge holders and screening hits are withheld from partners.")


@bp.get("/events/<int:event_id>/credentials")
def list_credentials(event_id: int):
    _no_partners()
    get_event(event_id)
    rows = db.session.scalars(
        select(Credential).where(Credential.event_id == event_id).order_by(Credential.id)
    )
    return {"credentials": [service.credential_json(c) for c in rows]}


@bp.post("/events/<int:event_id>/credentials")
@roles_required("planner", "commander")
def add_credentials(event_id: int):
    """Badge holders as a JSON list of rows (the CSV's columns); screened at once."""
    body = request.get_json(silent=True)
    if not isinstance(body, list):
        raise InputError(N_("send a list of badge holders"))
    return _imported(get_event(event_id), rows_as_csv(body))


@bp.post("/events/<int:event_id>/credentials/import")
@roles_required("planner", "commander")
def import_credentials(event_id: int):
    upload = request.files.get("file")
    if upload is None:
        raise InputError(N_("send the roster as a multipart file in the field 'file'"), "file")
    return _imported(get_event(event_id), upload.read())


def _imported(event, data: bytes):
    body, status = created(service.add_credentials(write(), event, data))
    refused = [r | {"reason": say(r["reason"])} for r in body["refused"]]
    return {**body, "refused": refused}, status


@bp.get("/events/<int:event_id>/screening")
def list_hits(event_id: int):
    """Hits: badge holder, the source's own entry id, score 0-100, why, and their status."""
    _no_partners()
    get_event(event_id)
    query = select(ScreeningHit).where(ScreeningHit.event_id == event_id)
    status = request.args.get("status")
    if status:
        query = query.where(ScreeningHit.status == status)
    rows = db.session.scalars(query.order_by(ScreeningHit.score.desc()))
    return {"hits": [service.hit_json(r) for r in rows]}


@bp.post("/events/<int:event_id>/screening/run")
@roles_required("commander", "planner")
def run(event_id: int):
    """Screen again now; `{"full": true}` screens everyone against everything."""
    body = request.get_json(silent=True)
    full = isinstance(body, dict) and body.get("full") is True
    return answer(service.run_screening(write(), get_event(event_id), full=full))


@bp.post("/events/<int:event_id>/sightings")
@roles_required("commander")
def sighting(event_id: int):
    """A name and/or plate seen at a place: checked against every watchlist and lookout."""
    change = commit(check_sighting(write(), get_event(event_id), request.get_json(silent=True)))
    return change.after, 201 if change.result.threat else 200
