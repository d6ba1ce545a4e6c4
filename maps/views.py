"""The command view, the partners' shared view, and the wall display."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from common.audience import zone_for_partner
from common.times import utcnow
from maps import link_service
from maps.snapshot_service import live_zones
from maps.strings import command_strings
from planner.models import Event, Shift
from web.access import roles_required
from web.doors import commit, get_event, write
from web.extensions import db
from web.mapview import zone_map

bp = Blueprint("maps", __name__)


def live_page(
    event: Event, *, audience: str, wall_token: str = "", template: str = "maps/command.html"
):
    """The live map page for one audience; what it may do is decided again on the server."""
    features = live_zones(db.session, event.id)  # outlines, as the live updates send them
    if audience != "full":
        features = [zone_for_partner(f) for f in features]
    shifts = db.session.scalars(
        select(Shift).where(Shift.event_id == event.id).order_by(Shift.starts_at)
    ).all()
    can_act = (
        audience == "full"
        and current_user.is_authenticated
        and current_user.role in ("admin", "commander")
    )
    return render_template(
        template,
        event=event,
        map=zone_map(features),
        audience=audience,
        can_act=can_act,
        shifts=shifts,
        wall_token=wall_token,
        js_strings=command_strings(),
        clock=utcnow().astimezone(ZoneInfo(event.timezone)).strftime("%H:%M:%S"),
    )


@bp.get("/events/<int:event_id>/command")
def command(event_id: int):
    if current_user.is_partner:
        return redirect(url_for("maps.shared", event_id=event_id))
    return live_page(get_event(event_id), audience="full")


@bp.get("/events/<int:event_id>/shared")
def shared(event_id: int):
    """The partners' view: the same live map and threats, read-only, details withheld."""
    return live_page(get_event(event_id), audience="partner")


@bp.get("/wall/<token>")
def wall(token: str):
    """A partner centre's screen: the shared view without a login, while the link is valid,
    in large type with the event's clock."""
    link = link_service.find(db.session, token, utcnow())
    if link is None:
        abort(404, description=_("This wall display link is unknown, expired or revoked."))
    event = db.session.get(Event, link.event_id)
    return live_page(event, audience="partner", wall_token=token, template="maps/wall.html")


@bp.get("/events/<int:event_id>/walls")
@roles_required("commander")
def wall_links(event_id: int):
    return render_template(
        "maps/walls.html",
        event=get_event(event_id),
        links=link_service.links_of(db.session, event_id, "wall"),
        now=utcnow(),
        new_url=session.pop("new_wall_url", None),
    )


@bp.post("/events/<int:event_id>/walls")
@roles_required("commander")
def new_wall_link(event_id: int):
    label = request.form.get("label", "")
    token = commit(link_service.create(write(), get_event(event_id), label, "wall")).result
    session["new_wall_url"] = url_for("maps.wall", token=token, _external=True)
    return redirect(url_for("maps.wall_links", event_id=event_id))


@bp.post("/events/<int:event_id>/walls/<int:link_id>/revoke")
@roles_required("commander")
def revoke_wall_link(event_id: int, link_id: int):
    commit(link_service.revoke(write(), get_event(event_id), link_id, "wall"))
    flash(_("The wall display link is revoked; open screens stop at their next reconnect."), "info")
    return redirect(url_for("maps.wall_links", event_id=event_id))
