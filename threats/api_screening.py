"""JSON API for badge holders and their screening against the watchlists (/api/v1)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, g, request
from flask_login import current_user
from sqlalchemy import select

from accounts.auth import roles_required
from extensions import db
from i18n import say
from maps.live import publish
from messages import N_, message_of
from planner.api import created, get_event
from storage import utcnow
from threats import screening_service as service
from threats.credentials import COLUMNS, RosterFileError
from threats.models import Credential, ScreeningHit
from threats.sightings import check_sighting
from validation import InputError

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
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(r for r in body if isinstance(r, dict))
    return _import(get_event(event_id), out.getvalue().encode())


@bp.post("/events/<int:event_id>/credentials/import")
@roles_required("planner", "commander")
def import_credentials(event_id: int):
    upload = request.files.get("file")
    if upload is None:
        raise InputError(N_("send the roster as a multipart file in the field 'file'"), "file")
    return _import(get_event(event_id), upload.read())


def _import(event, data: bytes):
    now = utcnow()
    try:
        report = service.import_credentials(db.session, event, data, now)
    except RosterFileError as exc:
        raise InputError(message_of(exc), "file") from exc
    result = service.screen_event(db.session, event, now=now, publish=publish)
    refused = [r | {"reason": say(r["reason"])} for r in report.refused]
    body = {**vars(report), "refused": refused, "screening": vars(result)}
    return created(body, f"event:{event.id}:credentials")


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
    body = request.get_json(silent=True) or {}
    result = service.screen_event(
        db.session,
        get_event(event_id),
        now=utcnow(),
        publish=publish,
        full=body.get("full") is True,
    )
    g.audit_target, g.audit_after = f"event:{event_id}:screening", vars(result)
    db.session.commit()
    return vars(result)


@bp.post("/events/<int:event_id>/sightings")
@roles_required("commander")
def sighting(event_id: int):
    """A name and/or plate seen at a place: checked against every watchlist and lookout."""
    result = check_sighting(
        db.session, get_event(event_id), request.get_json(silent=True),
        actor=current_user.username, now=utcnow(), publish=publish,
    )  # fmt: skip
    hits = [{k: v for k, v in h.items() if k != "row"} for h in result.hits]
    body = {"hits": hits, "threat_id": result.threat.id if result.threat else None}
    g.audit_target, g.audit_after = f"event:{event_id}:sighting", body
    db.session.commit()
    return body, 201 if result.threat else 200
