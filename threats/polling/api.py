"""JSON API for feed sources and the watchlist they fill (/api/v1)."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user
from sqlalchemy import select

from common.audience import feed_for_partner
from common.times import utcnow
from common.validation import whole_number
from threats.models import FeedSource
from threats.polling import feed_service, watchlist_service
from threats.polling.health import feed_status
from web.access import roles_required
from web.doors import answer, commit, created, write
from web.extensions import db, fetcher_for

bp = Blueprint("feeds_api", __name__, url_prefix="/api/v1")


def _fetcher():
    return fetcher_for(current_app._get_current_object())


def _for_viewer(feed: FeedSource) -> dict:
    """The feed's status; a partner's copy without its name, URL or errors."""
    status = feed_status(feed, utcnow())
    return feed_for_partner(status) if current_user.is_partner else status


@bp.get("/feeds")
def list_feeds():
    feeds = db.session.scalars(select(FeedSource).order_by(FeedSource.id)).all()
    return {"feeds": [_for_viewer(f) for f in feeds]}


@bp.post("/feeds")
@roles_required("admin")
def create_feed():
    return created(feed_service.create_feed(write(), request.get_json(silent=True), _fetcher()))


@bp.get("/feeds/<int:feed_id>")
def show_feed(feed_id: int):
    return _for_viewer(feed_service.get_feed(db.session, feed_id))


@bp.patch("/feeds/<int:feed_id>")
@roles_required("admin")
def update_feed(feed_id: int):
    """Pause or resume ({"enabled": false}), or change the name, URL or interval."""
    changes = request.get_json(silent=True)
    return answer(feed_service.update_feed(write(), feed_id, changes, _fetcher()))


@bp.post("/feeds/<int:feed_id>/poll")
@roles_required("admin", "commander")
def poll(feed_id: int):
    base_s = current_app.config["FEED_BACKOFF_BASE_S"]
    return answer(feed_service.poll_now(write(), feed_id, _fetcher(), base_s))


@bp.post("/feeds/<int:feed_id>/push-token")
@roles_required("admin")
def rotate_push_token(feed_id: int):
    """A new push token for the feed, in the answer this once; the old one stops at once."""
    change = commit(feed_service.rotate_push_token(write(), feed_id))
    body = {"feed_id": feed_id, "token": change.result, "push": change.after}
    return body, 201, {"Cache-Control": "no-store"}


@bp.delete("/feeds/<int:feed_id>/push-token")
@roles_required("admin")
def revoke_push_token(feed_id: int):
    return answer(feed_service.revoke_push_token(write(), feed_id))


@bp.get("/watchlist")
@roles_required("planner", "commander")  # subjects' names and birth dates: never partners
def list_watchlist():
    """Watchlist entries with their aliases; `?q=` searches names, `?removed=1` adds the
    entries that vanished from their source."""
    rows = watchlist_service.search(
        db.session,
        request.args.get("q", ""),
        request.args.get("list_kind"),
        include_removed=request.args.get("removed") == "1",
        limit=min(request.args.get("limit", 200, type=whole_number), 1000),
    )
    return {"watchlist": [watchlist_service.record_json(r) for r in rows]}
