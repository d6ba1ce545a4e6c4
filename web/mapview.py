"""The one map set-up every page with a map shares: the zones over the configured tiles or
the offline basemap, with the reader's words, as data for static/js/map.js."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from common.geojson import feature_collection
from maps.render import event_map


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


def zone_map(features: list[dict]) -> dict:
    """A page's map of these zone features, for its template to hand over as JSON."""
    config = current_app.config
    return event_map(
        feature_collection(features),
        tiles_url=config["MAP_TILES_URL"],
        attribution=config["MAP_TILES_ATTRIBUTION"],
        basemap=basemap(config["MAP_BASEMAP"]),
        labels=map_labels(),
    )
