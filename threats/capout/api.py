"""An event's threats as a CAP 1.2 feed (/api/v1): an Atom index and one CAP document per
message, for other CAP consumers. Any login or token reads it, partners' included, since
it holds only what partners may see; ETag and Last-Modified make an unchanged poll a 304."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, request, url_for

from maps import live_service
from threats.capout import document as capout
from web.doors import get_event
from web.extensions import db

bp = Blueprint("cap_feed", __name__, url_prefix="/api/v1")

ATOM_TYPE = "application/atom+xml"
CAP_TYPE = "application/cap+xml"


def threat_versions(event_id: int, **which) -> list[capout.Version]:
    """The event's stored threat deltas (of one threat, up to a seq) as partner copies."""
    rows = live_service.stored_deltas(db.session, event_id, capout.THREAT_DELTAS, **which)
    return capout.partner_versions(rows)


def _sender() -> str:
    return capout.sender_name(current_app.config["CAP_SENDER"])


@bp.get("/events/<int:event_id>/cap.atom")
def index(event_id: int):
    """Each threat's latest message: Alert, Update, or Cancel once resolved or dismissed."""
    event = get_event(event_id)
    sender, last = _sender(), live_service.last_delta(db.session, event_id, capout.THREAT_DELTAS)
    seq, modified = last if last else (0, None)
    etag = capout.validator(sender, event.name, event.timezone, request.url_root, seq)
    if _fresh(etag, modified):
        return _answer(Response(status=304), etag, modified)
    messages = capout.history(threat_versions(event_id), sender, event_id)
    body = capout.atom_index(
        capout.current(messages),
        title=f"{event.name}: threats (CAP 1.2)",
        self_url=url_for(".index", event_id=event_id, _external=True),
        link_for=lambda ident: url_for(
            ".alert", event_id=event_id, identifier=ident, _external=True
        ),
        author=sender,
        updated=modified or event.created_at,
        tz=ZoneInfo(event.timezone),
    )
    return _answer(Response(body, mimetype=ATOM_TYPE), etag, modified)


@bp.get("/events/<int:event_id>/cap/<identifier>.xml")
def alert(event_id: int, identifier: str):
    """One message, superseded ones included: a message never changes once sent."""
    event = get_event(event_id)
    sender = _sender()
    found = capout.parse_identifier(identifier, sender, event_id)
    if found is None:
        abort(404, description=f"no CAP message {identifier} in event {event_id}")
    threat_id, seq = found
    versions = threat_versions(event_id, subject_id=threat_id, up_to=seq)
    messages = capout.history(versions, sender, event_id)
    message = next((m for m in messages if m.identifier == identifier), None)
    if message is None:
        abort(404, description=f"no CAP message {identifier} in event {event_id}")
    etag = capout.validator(sender, identifier, event.timezone)
    if _fresh(etag, message.sent):
        return _answer(Response(status=304), etag, message.sent)
    body = capout.alert_document(message, ZoneInfo(event.timezone))
    return _answer(Response(body, mimetype=CAP_TYPE), etag, message.sent)


def _fresh(etag: str, modified: datetime | None) -> bool:
    """The client's copy is current: If-None-Match decides when sent, else If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and modified is not None and modified.replace(microsecond=0) <= since


def _answer(response: Response, etag: str, modified: datetime | None) -> Response:
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response
