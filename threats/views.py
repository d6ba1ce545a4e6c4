"""The feed health page: every source's state, lag, counts and last error, with controls."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from accounts.auth import roles_required
from extensions import db
from i18n import say
from messages import N_
from planner.models import Event
from storage import utcnow
from threats import services
from threats.jobs import fetcher_for, poll_now
from threats.models import FEED_KINDS, FeedSource, WatchlistRecord
from threats.polling import feed_status
from validation import InputError, optional_number, text

bp = Blueprint("feeds", __name__, url_prefix="/admin/feeds")


@bp.get("/")
@roles_required("planner", "commander")  # sources and their errors: never partners
def index():
    now = utcnow()
    feeds = db.session.scalars(select(FeedSource).order_by(FeedSource.id)).all()
    counts = dict(
        db.session.execute(
            select(WatchlistRecord.feed_id, func.count())
            .where(WatchlistRecord.removed_at.is_(None))
            .group_by(WatchlistRecord.feed_id)
        ).all()
    )
    return render_template(
        "threats/feeds.html",
        feeds=[(f, feed_status(f, now), counts.get(f.id, 0)) for f in feeds],
        kinds=FEED_KINDS,
        events=db.session.scalars(select(Event).order_by(Event.starts_at)).all(),
    )


@bp.post("/")
@roles_required("admin")
def create():
    form = request.form
    try:
        kind = text(form, "kind", max_len=32)
        if kind not in FEED_KINDS:
            raise InputError(
                N_("kind must be one of %(kinds)s", kinds=", ".join(FEED_KINDS)), "kind"
            )
        feed = FeedSource(
            name=text(form, "name", required=False) or kind,
            kind=kind,
            url=services.checked_url(form, fetcher_for(current_app._get_current_object())),
            interval_s=int(
                optional_number({"i": form.get("interval_s", type=int)}, "i", minimum=10) or 300
            ),
            event_id=form.get("event_id", type=int) or None,
        )
    except InputError as exc:
        flash(_("The feed was not added: %(reason)s", reason=say(exc)), "error")
        return redirect(url_for("feeds.index"))
    db.session.add(feed)
    db.session.commit()
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
    feed = db.session.get(FeedSource, feed_id)
    if feed is not None:
        fetcher = fetcher_for(current_app._get_current_object())
        services.update_feed(feed, {"enabled": action == "resume"}, fetcher)
        db.session.commit()
        if feed.enabled:
            flash(_("%(name)s: resumed.", name=feed.name), "info")
        else:
            flash(_("%(name)s: paused.", name=feed.name), "info")
    return redirect(url_for("feeds.index"))


@bp.post("/<int:feed_id>/poll")
@roles_required("admin", "commander")
def poll(feed_id: int):
    result = poll_now(current_app._get_current_object(), feed_id, force=True)
    if result is None:
        flash(_("No such feed."), "error")
    elif result.ok:
        polled = _(
            "Polled: %(items)s items, %(threats)s new threats",
            items=result.items,
            threats=len(result.threats),
        )
        flash(polled + ("; " + "; ".join(result.errors) if result.errors else "."), "info")
    else:
        flash(_("Poll failed: %(errors)s", errors="; ".join(result.errors)), "error")
    return redirect(url_for("feeds.index"))
