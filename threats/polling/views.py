"""The feed health page: every source's state, lag, counts and last error, with controls."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import func, select

from common.times import utcnow
from common.validation import InputError, NotFound, whole_number
from planner.models import Event
from threats.feeds.fields import MAP_KEYS
from threats.models import FEED_KINDS, PUSH_KINDS, FeedSource, WatchlistRecord
from threats.polling import feed_service
from threats.polling.health import feed_status, next_poll
from web.access import roles_required
from web.doors import commit, refused, write
from web.extensions import db, fetcher_for
from web.i18n import say

bp = Blueprint("feeds", __name__, url_prefix="/admin/feeds")


def _fetcher():
    return fetcher_for(current_app._get_current_object())


@bp.get("/")
@roles_required("planner", "commander")  # sources and their errors: never partners
def index(new_token: tuple[int, str] | None = None):
    """The sources; `new_token` (feed id, token) is a push token made just now, shown in
    this answer only: never in a redirect's flash, which a cookie would carry."""
    now = utcnow()
    feeds = db.session.scalars(select(FeedSource).order_by(FeedSource.id)).all()
    counts = dict(
        db.session.execute(
            select(WatchlistRecord.feed_id, func.count())
            .where(WatchlistRecord.removed_at.is_(None))
            .group_by(WatchlistRecord.feed_id)
        ).all()
    )
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    return render_template(
        "threats/feeds.html",
        feeds=[(f, feed_status(f, now), counts.get(f.id, 0)) for f in feeds],
        zone_of=_time_zones(feeds, events),
        next_poll=next_poll,
        kinds=FEED_KINDS,
        roles=MAP_KEYS,
        push_kinds=PUSH_KINDS,
        new_token=new_token,
        events=events,
    )


def _time_zones(feeds: list[FeedSource], events: list[Event]) -> dict[int, str]:
    """The zone each feed's times are shown in: its event's, else the one it reads times
    in, else the only event's; UTC when nothing says."""
    by_event = {e.id: e.timezone for e in events}
    only = events[0].timezone if len(events) == 1 else "UTC"
    return {f.id: by_event.get(f.event_id) or f.timezone or only for f in feeds}


def _form() -> dict:
    """The form's fields in the API's shape, so both doors make a feed the same way."""
    form = request.form
    data = {
        "name": form.get("name", ""),
        "kind": form.get("kind", ""),
        "url": form.get("url", ""),
        "interval_s": form.get("interval_s", type=whole_number),
        "event_id": form.get("event_id", type=whole_number),
        "field_map": {role: form.get(f"field_{role}", "") for role in MAP_KEYS},
        "timezone": form.get("timezone", ""),
        "push_senders": form.get("push_senders", ""),
    }
    if form.get("credential_kind", "none") != "none":
        data["credential"] = _credential_form()
    return data


def _credential_form() -> dict:
    form = request.form
    return {
        "kind": form.get("credential_kind", ""),
        "secret": form.get("credential_secret", ""),
        "user": form.get("credential_user", ""),
        "header": form.get("credential_header", ""),
    }


@bp.post("/")
@roles_required("admin")
def create():
    try:
        feed = commit(feed_service.create_feed(write(), _form(), _fetcher())).result
    except (InputError, NotFound) as exc:
        db.session.rollback()
        refused(exc)
        flash(_("The feed was not added: %(reason)s", reason=say(exc)), "error")
        return redirect(url_for("feeds.index"))
    added = _(
        "Added %(name)s; it is polled within %(seconds)s s.",
        name=feed.name,
        seconds=feed.interval_s,
    )
    flash(added, "info")
    return redirect(url_for("feeds.index"))


@bp.post("/<int:feed_id>/<any(pause, resume):action>")
@roles_required("admin")
def toggle(feed_id: int, action: str):
    change = {"enabled": action == "resume"}
    feed = commit(feed_service.update_feed(write(), feed_id, change, _fetcher())).result
    if feed.enabled:
        flash(_("%(name)s: resumed.", name=feed.name), "info")
    else:
        flash(_("%(name)s: paused.", name=feed.name), "info")
    return redirect(url_for("feeds.index"))


@bp.post("/<int:feed_id>/credential")
@roles_required("admin")
def credential(feed_id: int):
    """Replace the feed's credential with the one typed, or remove it. The form never holds
    the stored secret: an empty secret field changes nothing."""
    remove = "remove" in request.form
    if not remove and not request.form.get("credential_secret"):
        flash(_("The credential is unchanged: type its secret to replace it."), "info")
        return redirect(url_for("feeds.index"))
    if not remove and request.form.get("credential_kind", "none") == "none":
        # a secret typed under "none" is a slip, not a wish to remove the stored one
        flash(_("The credential is unchanged: choose its kind."), "error")
        return redirect(url_for("feeds.index"))
    change = {"credential": None if remove else _credential_form()}
    try:
        feed = commit(feed_service.update_feed(write(), feed_id, change, _fetcher())).result
    except InputError as exc:
        db.session.rollback()
        refused(exc)
        flash(_("The credential was not changed: %(reason)s", reason=say(exc)), "error")
        return redirect(url_for("feeds.index"))
    if remove:
        flash(_("%(name)s: credential removed.", name=feed.name), "info")
    else:
        flash(_("%(name)s: credential replaced.", name=feed.name), "info")
    return redirect(url_for("feeds.index"))


@bp.post("/<int:feed_id>/poll")
@roles_required("admin", "commander")
def poll(feed_id: int):
    base_s = current_app.config["FEED_BACKOFF_BASE_S"]
    result = commit(feed_service.poll_now(write(), feed_id, _fetcher(), base_s)).result
    if result.ok:
        polled = _(
            "Polled: %(items)s items, %(threats)s new threats",
            items=result.items,
            threats=len(result.threats),
        )
        flash(polled + ("; " + "; ".join(result.errors) if result.errors else "."), "info")
    else:
        flash(_("Poll failed: %(errors)s", errors="; ".join(result.errors)), "error")
    return redirect(url_for("feeds.index"))


@bp.post("/<int:feed_id>/push-token")
@roles_required("admin")
def rotate_push_token(feed_id: int):
    """A new push token, on this page once; the old one stops at once."""
    try:
        token = commit(feed_service.rotate_push_token(write(), feed_id)).result
    except InputError as exc:
        db.session.rollback()
        refused(exc)
        flash(_("No push token was made: %(reason)s", reason=say(exc)), "error")
        return redirect(url_for("feeds.index"))
    page = make_response(index(new_token=(feed_id, token)))
    page.headers["Cache-Control"] = "no-store"  # the token is in this page alone
    return page


@bp.post("/<int:feed_id>/push-token/revoke")
@roles_required("admin")
def revoke_push_token(feed_id: int):
    feed = commit(feed_service.revoke_push_token(write(), feed_id)).result
    flash(_("%(name)s: its push token no longer pushes.", name=feed.name), "info")
    return redirect(url_for("feeds.index"))


@bp.post("/<int:feed_id>/senders")
@roles_required("admin")
def set_senders(feed_id: int):
    """The CAP senders a push to this feed may carry, separated by spaces or commas."""
    change = {"push_senders": request.form.get("push_senders", "")}
    try:
        commit(feed_service.update_feed(write(), feed_id, change, _fetcher()))
    except InputError as exc:
        db.session.rollback()
        refused(exc)
        flash(_("The senders were not saved: %(reason)s", reason=say(exc)), "error")
        return redirect(url_for("feeds.index"))
    flash(_("Senders saved."), "info")
    return redirect(url_for("feeds.index"))
