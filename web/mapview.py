"""The one map set-up every page with a map shares: the zones over the configured tiles or
the offline basemap, with the reader's words, assets served by the app itself."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _

from common.geojson import feature_collection
from maps.render import MapParts, event_map, map_parts


@cache
def basemap(path: str | None) -> dict | None:
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else None


def map_labels() -> dict[str, str]:
    """The zone tooltip's field names and the layers' names (see maps.render.LABELS)."""
    return {
        "name": _("Zone"),
        "kind": _("Kind"),
        "area_m2": _("Area (m²)"),
        "capacity": _("Capacity"),
        "staffing": _("Staffing"),
        "zones": _("Zones"),
        "basemap": _("Basemap"),
    }


def zone_map(features: list[dict]) -> MapParts:
    """A page's map of these zone features, ready for its template."""
    config = current_app.config
    m = event_map(
        feature_collection(features),
        static_url=url_for("static", filename=""),
        tiles_url=config["MAP_TILES_URL"],
        attribution=config["MAP_TILES_ATTRIBUTION"],
        basemap=basemap(config["MAP_BASEMAP"]),
        labels=map_labels(),
    )
    return map_parts(m)
