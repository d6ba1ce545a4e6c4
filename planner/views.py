"""Planner pages: the list of events and one event's zones and shifts."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from extensions import db
from planner.models import Event

bp = Blueprint("planner", __name__)


@bp.get("/")
def events():
    rows = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    return render_template("planner/events.html", events=rows)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    row = db.session.get(Event, event_id) or abort(404)
    return render_template("planner/event.html", event=row)
