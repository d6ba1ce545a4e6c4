"""JSON API for threats and feed sources (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import select

from accounts.auth import roles_required
from extensions import db
from maps.live import publish
from maps.redact import feed_for_partner, threat_for_partner
from messages import N_, message_of
from planner.api import created, get_event
from planner.models import Zone
from storage import utcnow
from threats import activity, screening_service, services
from threats.jobs import fetcher_for, poll_now
from threats.lifecycle import LifecycleError
from threats.models import FEED_KINDS, THREAT_STATUSES, FeedSource, Threat
from threats.polling import feed_status
from threats.serialize import feature_collection, threat_feature
from threats.watchlist import record_json
from validation import InputError, optional_number, text
from web import csv_download

bp = Blueprint("threats_api", __name__, url_prefix="/api/v1")


def _zone_names(event_id: int) -> dict[int, str]:
    rows = db.session.execute(select(Zone.id, Zone.name).where(Zone.event_id == event_id))
    return {zone_id: name for zone_id, name in rows}


@bp.get("/events/<int:event_id>/threats")
def list_threats(event_id: int):
    get_event(event_id)
    query = select(Threat).where(Threat.event_id == event_id).order_by(Threat.id)
    status = request.args.get("status")
    if status:
        wanted = status.split(",")
        if not set(wanted) <= set(THREAT_STATUSES):
            raise InputError(
                N_("status must be among %(statuses)s", statuses=", ".join(THREAT_STATUSES)),
                "status",
            )
        query = query.where(Threat.status.in_(wanted))
    ids = request.args.get("ids")
    if ids:
        query = query.where(Threat.id.in_(_id_list(ids)))
    names = _zone_names(event_id)
    features = (threat_feature(t, names) for t in db.session.scalars(query))
    if current_user.is_partner:
        features = (threat_for_partner(f) for f in features)
    return feature_collection(features)


MAX_IDS = 500


def _id_list(text: str) -> list[int]:
    """`?ids=3,5,8`: how the live page fetches the words of threats its snapshot left out."""
    parts = text.split(",")
    if len(parts) > MAX_IDS or not all(p.strip().isdigit() for p in parts):
        raise InputError(
            N_("ids must be at most %(max)d threat ids, separated by commas", max=MAX_IDS), "ids"
        )
    return [int(p) for p in parts]


def get_threat(event_id: int, threat_id: int) -> Threat:
    threat = db.session.get(Threat, threat_id)
    if threat is None or threat.event_id != event_id:
        abort(404, description=f"no threat {threat_id} in event {event_id}")
    return threat


@bp.get("/events/<int:event_id>/threats/<int:threat_id>")
def show_threat(event_id: int, threat_id: int):
    """One threat, with who is on duty in its zones now and the staffing gap there now."""
    threat = get_threat(event_id, threat_id)
    feature = threat_feature(threat, _zone_names(event_id))
    if current_user.is_partner:
        return threat_for_partner(feature)
    event = get_event(event_id)
    feature["properties"]["staffing_now"] = services.staffing_now(
        db.session, event, threat.zone_ids, utcnow()
    )
    feature["properties"]["log"] = [
        activity.entry_json(e) for e in activity.entries(db.session, event_id, threat_id)
    ]
    return feature


@bp.patch("/events/<int:event_id>/threats/<int:threat_id>")
@roles_required("commander")
def update_threat(event_id: int, threat_id: int):
    """Acknowledge, assign (to a person or unit), resolve, dismiss or reopen; with a note."""
    threat = get_threat(event_id, threat_id)
    names = _zone_names(event_id)
    g.audit_before = threat_feature(threat, names)["properties"]
    try:
        activity.apply(
            db.session, threat, current_user.username, request.get_json(silent=True), utcnow()
        )
    except LifecycleError as exc:
        raise InputError(message_of(exc), "status") from exc
    screening_service.threat_decided(db.session, threat, current_user.username, utcnow())
    feature = threat_feature(threat, names)
    publish(db.session, event_id, "threat_updated", feature)
    g.audit_target, g.audit_after = f"threat:{threat_id}", feature["properties"]
    db.session.commit()
    return feature


@bp.get("/events/<int:event_id>/log")
@bp.get("/events/<int:event_id>/log.<any(csv):fmt>")
def activity_log(event_id: int, fmt: str = "json"):
    """The event's activity log (ICS 214 style): JSON, or CSV to print and file."""
    event = get_event(event_id)
    if current_user.is_partner:
        abort(403, description="The activity log holds details withheld from partners.")
    rows = activity.entries(db.session, event_id, request.args.get("threat", type=int))
    if fmt == "csv":
        titles = dict(
            db.session.execute(
                select(Threat.id, Threat.title).where(Threat.event_id == event_id)
            ).all()
        )
        body = activity.as_csv(rows, event.timezone, titles)
        return csv_download(body, f"activity-log-event{event_id}.csv")
    return {"log": [activity.entry_json(e) for e in rows]}


@bp.get("/feeds")
def list_feeds():
    feeds = db.session.scalars(select(FeedSource).order_by(FeedSource.id)).all()
    return {"feeds": [_feed_for_viewer(f) for f in feeds]}


def _feed_for_viewer(feed: FeedSource) -> dict:
    """The feed's status; a partner's copy without its name, URL or errors."""
    status = feed_status(feed, utcnow())
    return feed_for_partner(status) if current_user.is_partner else status


@bp.post("/feeds")
@roles_required("admin")
def create_feed():
    data = request.get_json(silent=True) or {}
    kind = text(data, "kind", max_len=32)
    if kind not in FEED_KINDS:
        raise InputError(N_("kind must be one of %(kinds)s", kinds=", ".join(FEED_KINDS)), "kind")
    url = services.checked_url(data, fetcher_for(current_app._get_current_object()))
    interval = optional_number(data, "interval_s", minimum=10) or 300
    event_id = data.get("event_id")
    if event_id is not None:
        get_event(event_id if isinstance(event_id, int) else -1)
    feed = FeedSource(
        name=text(data, "name", required=False) or kind,
        kind=kind,
        url=url,
        interval_s=int(interval),
        enabled=data.get("enabled", True) is not False,
        event_id=event_id,
    )
    db.session.add(feed)
    db.session.flush()
    return created(feed_status(feed, utcnow()), f"feed:{feed.id}")


def get_feed(feed_id: int) -> FeedSource:
    return db.session.get(FeedSource, feed_id) or abort(404, description=f"no feed {feed_id}")


@bp.get("/feeds/<int:feed_id>")
def show_feed(feed_id: int):
    return _feed_for_viewer(get_feed(feed_id))


@bp.patch("/feeds/<int:feed_id>")
@roles_required("admin")
def update_feed(feed_id: int):
    """Pause or resume ({"enabled": false}), or change the name, URL or interval."""
    feed = get_feed(feed_id)
    g.audit_before = feed_status(feed, utcnow())
    services.update_feed(
        feed, request.get_json(silent=True), fetcher_for(current_app._get_current_object())
    )
    body = feed_status(feed, utcnow())
    g.audit_target, g.audit_after = f"feed:{feed_id}", body
    db.session.commit()
    return body


@bp.get("/watchlist")
@roles_required("planner", "commander")  # subjects' names and birth dates: never partners
def list_watchlist():
    """Watchlist entries with their aliases; `?q=` searches names, `?removed=1` adds the
    entries that vanished from their source."""
    rows = services.watchlist_rows(
        db.session,
        request.args.get("q", ""),
        request.args.get("list_kind"),
        include_removed=request.args.get("removed") == "1",
        limit=min(request.args.get("limit", 200, type=int), 1000),
    )
    return {"watchlist": [record_json(r) for r in rows]}


@bp.post("/feeds/<int:feed_id>/poll")
@roles_required("admin", "commander")
def poll(feed_id: int):
    g.audit_target = f"feed:{feed_id}"
    result = poll_now(current_app._get_current_object(), feed_id, force=True)
    if result is None:
        abort(404, description=f"no feed {feed_id}")
    feed = db.session.get(FeedSource, feed_id)
    return {
        "ok": result.ok,
        "threats": result.threats,
        "errors": result.errors,
        "feed": feed_status(feed, utcnow()),
    }
