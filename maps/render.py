"""The first paint of an event map, as data: the zones, how to draw them, what their tooltip
says, the tiles or the offline basemap, and the bounds to frame.

The page hands this to static/js/map.js as JSON (`<script type="application/json">`), and that
script draws it with Leaflet. No script is generated per page: the Content-Security-Policy
allows only the app's own files (web/headers.py), and names reach the browser as data, which
the page writes as text on the first paint and on every delta alike.
"""

from __future__ import annotations

from collections.abc import Mapping

ZONE_COLOURS = {
    "crowd": "#1f77b4",
    "vip": "#9467bd",
    "gate": "#ff7f0e",
    "perimeter": "#7f7f7f",
    "staging": "#8c564b",
    "medical": "#2ca02c",
    "command_post": "#17becf",
    "water": "#4a90d9",
    "airspace": "#bcbd22",
}
OTHER_COLOUR = "#333333"
# Big background zones go below the rest so that the small ones stay clickable.
DRAW_ORDER = {"airspace": 0, "water": 1, "perimeter": 2}
CHICAGO = (41.913, -87.625)
# The zone tooltip's field names; a page passes its own language's.
LABELS = {
    "name": "Zone",
    "kind": "Kind",
    "area_m2": "Area (m²)",
    "capacity": "Capacity",
    "staffing": "Staffing",
}
TOOLTIP_FIELDS = ("name", "kind", "area_m2", "capacity")

COVERAGE_COLOURS = {
    "covered": "#2ca02c",
    "short": "#ff9f1a",
    "critical": "#d62728",
    "none": "#9aa5b1",
}


def kind_style(kind: str | None) -> dict:
    """A zone's outline and plain fill by its kind (static/js/map.js fills it by coverage)."""
    background = kind in DRAW_ORDER
    return {
        "color": ZONE_COLOURS.get(kind, OTHER_COLOUR),
        "weight": 1 if background else 2,
        "fillColor": ZONE_COLOURS.get(kind, OTHER_COLOUR),
        "fillOpacity": 0.06 if background else 0.25,
        "dashArray": "6 4" if background else None,
    }


BASEMAP_STYLES = {
    "water": {"color": "#9cc3e6", "weight": 1, "fillColor": "#cfe3f5", "fillOpacity": 1},
    "road": {"color": "#a0a0a0", "weight": 4, "opacity": 0.8},
    "other": {"color": "#999", "weight": 1},
}


def event_map(
    zones: dict,
    *,
    tiles_url: str | None = None,
    attribution: str = "",
    basemap: dict | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict:
    """The map of the event's zones over local tiles, or over an offline vector basemap
    (shoreline, main roads) when a command post has no tile server. Names stay as they
    were written: escaping them here would show `&lt;` on the page, which writes text."""
    words = {**LABELS, **(labels or {})}
    features = sorted(
        zones["features"], key=lambda f: DRAW_ORDER.get(f["properties"].get("kind"), 9)
    )
    fields = list(TOOLTIP_FIELDS)
    if features and "staffing" in features[0]["properties"]:
        fields.append("staffing")
    return {
        "center": list(CHICAGO),
        "bounds": _bounds(features),
        "zones": {"type": "FeatureCollection", "features": features},
        "tooltip": [[field, words[field]] for field in fields],
        "styles": {kind: kind_style(kind) for kind in ZONE_COLOURS} | {"": kind_style(None)},
        "coverage": COVERAGE_COLOURS,
        "tiles": {"url": tiles_url, "attribution": attribution or "local tiles"}
        if tiles_url
        else None,
        "basemap": None if tiles_url else basemap,
        "basemap_styles": BASEMAP_STYLES,
    }


def _bounds(features: list[dict]) -> list[list[float]]:
    from shapely.geometry import shape

    xs, ys = [], []
    for f in features:
        if f["properties"].get("kind") in DRAW_ORDER:
            continue  # frame the land zones; the lake boxes would zoom the map far out
        minx, miny, maxx, maxy = shape(f["geometry"]).bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    if not xs:
        return [[CHICAGO[0] - 0.01, CHICAGO[1] - 0.01], [CHICAGO[0] + 0.01, CHICAGO[1] + 0.01]]
    return [[min(ys), min(xs)], [max(ys), max(xs)]]
