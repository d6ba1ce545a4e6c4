"""Serves the replayed demo alerts over HTTP, so the demo polls a real feed like any other."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, url_for

from common.times import utcnow
from demo import replay

bp = Blueprint("demo_feed", __name__, url_prefix="/demo/feed")


def _visible() -> list[replay.Replayed]:
    step = current_app.config["DEMO_STEP_S"]
    # Each alert lives one full round of the scenario, so every scenario shows once at a time.
    return replay.schedule(
        current_app.config["DEMO_STARTED_AT"],
        utcnow(),
        step_s=step,
        lifetime_s=step * max(1, len(replay.templates())),
        first_s=step,
    )


@bp.get("/cap.atom")
def index():
    body = replay.atom_index(
        _visible(),
        url_for("demo_feed.index", _external=True),
        lambda ident: url_for("demo_feed.alert", identifier=ident, _external=True),
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/cap/<identifier>.xml")
def alert(identifier: str):
    for item in _visible():
        if item.identifier == identifier:
            return Response(replay.render(item), mimetype="application/cap+xml")
    abort(404)
