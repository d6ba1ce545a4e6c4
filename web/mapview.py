"""The one map set-up every page with a map shares: the zones over the configured tiles or
the offline basemap, with the reader's words, as data for static/js/map.js."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _

from common.geojson import feature_collection
from maps import basemaps
from maps.render import basemap_tiles, event_map
from maps.tiles import TileReader
from planner.models import Event


@cache
def basemap(path: str | None) -> dict | None:
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else None


def map_labels() -> dict[str, str]:
    """The zone tooltip's field names (see maps.render.LABELS)."""
    return {
        "name": _("Zone"),
        "kind": _("Kind"),
        "area_m2": _("Area (m²)"),
        "capacity": _("Capacity"),
        "staffing": _("Staffing"),
    }


def basemap_folder() -> Path:
    config = current_app.config
    return Path(config["BASEMAPS_DIR"] or Path(config["INSTANCE_PATH"]) / "basemaps")


def basemap_names() -> list[str]:
    """The instance's readable basemaps, by name: what an event may choose."""
    return [b.name for b in basemaps.list_basemaps(basemap_folder()) if b.description]


def event_basemap(event: Event | None) -> tuple[basemaps.Basemap, TileReader] | None:
    """The basemap an event's maps are drawn on: its own choice, else (none, or its file is
    gone) the instance default, BASEMAP_DEFAULT; None when neither names a readable file."""
    chosen = event.basemap if event is not None else None
    for name in (chosen, current_app.config["BASEMAP_DEFAULT"]):
        found = basemaps.find(basemap_folder(), name)
        if found is not None:
            return found
    return None


def _tiles(event: Event | None, wall_token: str) -> dict | None:
    found = event_basemap(event)
    if found is None:
        return None
    chosen, reader = found
    where = {"name": chosen.name, "z": 0, "x": 0, "y": 0, "ext": chosen.ext}
    if wall_token:
        url = url_for("tiles.wall_tile", token=wall_token, **where)
    else:
        url = url_for("tiles.tile", **where)
    url = url.replace("/0/0/0.", "/{z}/{x}/{y}.")
    return basemap_tiles(url, reader.description, title=chosen.name)


def zone_map(features: list[dict], event: Event | None = None, wall_token: str = "") -> dict:
    """A page's map of these zone features, for its template to hand over as JSON: over the
    event's basemap (a wall display's link reads its tiles through its own token)."""
    config = current_app.config
    center = (event.center_lat, event.center_lon) if event is not None else None
    return event_map(
        feature_collection(features),
        tiles_url=config["MAP_TILES_URL"],
        attribution=config["MAP_TILES_ATTRIBUTION"],
        basemap=basemap(config["MAP_BASEMAP"]),
        labels=map_labels(),
        tiles=_tiles(event, wall_token),
        center=center,
    )
