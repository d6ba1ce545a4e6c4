"""JSON API for an event's threats and their activity log (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from common.audience import threat_for_partner
from common.geojson import feature_collection
from common.messages import N_
from common.times import utcnow
from common.validation import InputError, whole_number
from planner import roles_service
from threats import activity_service, threat_service
from threats.lifecycle import parse_statuses
from threats.models import Threat
from threats.serialize import threat_feature
from web.access import roles_required
from web.doors import commit, get_event, if_match, query_id, tagged, write
from web.downloads import csv_download
from web.extensions import db

bp = Blueprint("threats_api", __name__, url_prefix="/api/v1")
MAX_IDS = 500


def _id_list(text: str | None) -> list[int] | None:
    """`?ids=3,5,8`: how the live page fetches the words of threats its snapshot left out."""
    if not text:
        return None
    parts = text.split(",")
    try:
        if len(parts) <= MAX_IDS:
            return [whole_number(p.strip()) for p in parts]
    except ValueError:
        pass
    raise InputError(
        N_("ids must be at most %(max)d threat ids, separated by commas", max=MAX_IDS), "ids"
    )


def for_viewer(feature: dict) -> dict:
    return threat_for_partner(feature) if current_user.is_partner else feature


@bp.get("/events/<int:event_id>/threats")
def list_threats(event_id: int):
    get_event(event_id)
    wanted = parse_statuses(request.args.get("status"))
    ids = _id_list(request.args.get("ids"))
    features = threat_service.threat_features(db.session, event_id, wanted, ids)
    return feature_collection(for_viewer(f) for f in features)


@bp.get("/events/<int:event_id>/threats/<int:threat_id>")
def show_threat(event_id: int, threat_id: int):
    """One threat, with who is on duty in its zones now and the staffing gap there now."""
    event = get_event(event_id)
    threat = threat_service.get_threat(db.session, event, threat_id)
    feature = threat_feature(threat, threat_service.zone_names(db.session, event_id))
    feature["properties"]["reach_outline"] = threat_service.reach_area(threat)
    version = threat_service.threat_version(threat)
    if current_user.is_partner:
        return tagged(threat_for_partner(feature), version)
    book, language = roles_service.book(db.session), str(get_locale() or "en")[:2]
    feature["properties"]["staffing_now"] = threat_service.staffing_now(
        db.session, event, threat.zone_ids, utcnow(), lambda code: book.label(code, language)
    )
    feature["properties"]["diverted"] = threat_service.diverted_here(db.session, event, threat_id)
    feature["properties"]["log"] = [
        activity_service.entry_json(e)
        for e in activity_service.entries(db.session, event_id, threat_id)
    ]
    return tagged(feature, version)


@bp.patch("/events/<int:event_id>/threats/<int:threat_id>")
@roles_required("commander")
def update_threat(event_id: int, threat_id: int):
    """Acknowledge, assign (to a person or unit), resolve, dismiss or reopen; with a note.
    With If-Match, only to the version named there (else 409, and the threat as it is now)."""
    event, body, seen = get_event(event_id), request.get_json(silent=True), if_match()
    change = commit(threat_service.update_threat(write(), event, threat_id, body, seen=seen))
    return tagged(change.result, threat_service.feature_version(change.result))


@bp.get("/events/<int:event_id>/log")
@bp.get("/events/<int:event_id>/log.<any(csv):fmt>")
def activity_log(event_id: int, fmt: str = "json"):
    """The event's activity log (ICS 214 style): JSON, or CSV to print and file."""
    event = get_event(event_id)
    if current_user.is_partner:
        abort(403, description="The activity log holds details withheld from partners.")
    rows = activity_service.entries(db.session, event_id, query_id("threat"))
    if fmt == "csv":
        titles = dict(
            db.session.execute(
                select(Threat.id, Threat.title).where(Threat.event_id == event_id)
            ).all()
        )
        body = activity_service.as_csv(rows, event.timezone, titles)
        return csv_download(body, f"activity-log-event{event_id}.csv")
    return {"log": [activity_service.entry_json(e) for e in rows]}
