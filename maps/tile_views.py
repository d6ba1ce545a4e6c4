"""Basemap tiles from the instance's tile files, to logged-in users (partners too) and to a
wall display through its link's token. Out of range, unknown or missing is a 404."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _

from common.times import utcnow
from maps import basemaps, link_service
from maps.tiles import CONTENT_TYPES, in_range
from planner.models import Event
from web.extensions import db
from web.mapview import basemap_folder, event_basemap

bp = Blueprint("tiles", __name__)
ROUTE = "/basemaps/<name>/<int:z>/<int:x>/<int:y>.<ext>"
MAX_AGE = 24 * 3600  # a basemap changes only when its file is replaced (the ETag then too)


@bp.get(ROUTE)
def tile(name: str, z: int, x: int, y: int, ext: str):
    return _answer(name, z, x, y, ext)


@bp.get("/wall/<token>" + ROUTE)
def wall_tile(token: str, name: str, z: int, x: int, y: int, ext: str):
    """A wall display's tiles: only its event's basemap, while the link is valid."""
    link = link_service.find(db.session, token, utcnow())
    if link is None:
        abort(404, description=_("This wall display link is unknown, expired or revoked."))
    drawn = event_basemap(db.session.get(Event, link.event_id))
    if drawn is None or drawn[0].name != name:
        abort(404)
    return _answer(name, z, x, y, ext)


def _answer(name: str, z: int, x: int, y: int, ext: str) -> Response:
    found = basemaps.find(basemap_folder(), name)
    if found is None or not in_range(z, x, y):
        abort(404)
    chosen, reader = found
    if ext != chosen.ext:
        abort(404)
    data = reader.tile(z, x, y)
    if data is None:
        abort(404)
    response = Response(data, mimetype=CONTENT_TYPES[ext])
    if ext == "pbf" and data[:2] == b"\x1f\x8b":  # stored gzipped, as MVT usually is
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(hashlib.blake2b(data, digest_size=12).hexdigest())
    # private: a shared cache must not hand a login's tiles to someone without one
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE}"
    return response.make_conditional(request)
