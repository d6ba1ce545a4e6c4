"""GIS feed links: GeoJSON of live threats and zone coverage for tools that poll (ArcGIS,
QGIS) and cannot send a header, so the key is a token in the URL. Always the partner view."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from common.times import utcnow
from maps import gis, link_service
from maps.snapshot_service import picture
from planner.geoformats import GEOJSON_MIMETYPE, geojson_bytes
from web.access import roles_required
from web.doors import commit, get_event, write
from web.extensions import db

bp = Blueprint("gis", __name__)

# Revalidate on every poll: the ETag makes an unchanged layer a bodyless 304.
CACHE_CONTROL = "private, no-cache"


def _event_id(token: str) -> int:
    link = link_service.find(db.session, token, utcnow(), kind="gis")
    if link is None:
        abort(404, description="This GIS feed link is unknown, expired or revoked.")
    return link.event_id


def _layer(features: list[dict]) -> Response:
    response = Response(geojson_bytes(features), mimetype=GEOJSON_MIMETYPE)
    response.headers["Cache-Control"] = CACHE_CONTROL
    # A web map (ArcGIS Online) fetches from its own origin; no cookie is involved.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/gis/<token>/threats.geojson")
def threats(token: str):
    """The open threats of the link's event, as partners see them."""
    current = picture(db.session, _event_id(token), audience="partner")
    return _layer(current["threats"]["features"])


@bp.get("/gis/<token>/coverage.geojson")
def coverage(token: str):
    """Each zone's polygon with its staffing now: status, required, on duty, short."""
    current = picture(db.session, _event_id(token), audience="partner")
    return _layer(gis.coverage_features(current["zones"]["features"], current["staffing"]))


@bp.get("/events/<int:event_id>/gis")
@roles_required("commander")
def links(event_id: int):
    return render_template(
        "maps/gis.html",
        event=get_event(event_id),
        links=link_service.links_of(db.session, event_id, "gis"),
        now=utcnow(),
        days=link_service.LIFETIMES["gis"].days,
        new_urls=session.pop("new_gis_urls", None),
    )


@bp.post("/events/<int:event_id>/gis")
@roles_required("commander")
def new_link(event_id: int):
    label = request.form.get("label", "")
    token = commit(link_service.create(write(), get_event(event_id), label, "gis")).result
    session["new_gis_urls"] = {
        layer: url_for(f"gis.{layer}", token=token, _external=True)
        for layer in ("threats", "coverage")
    }
    return redirect(url_for("gis.links", event_id=event_id))


@bp.post("/events/<int:event_id>/gis/<int:link_id>/revoke")
@roles_required("commander")
def revoke_link(event_id: int, link_id: int):
    commit(link_service.revoke(write(), get_event(event_id), link_id, "gis"))
    flash(_("The GIS feed link is revoked; the next poll gets 404."), "info")
    return redirect(url_for("gis.links", event_id=event_id))
