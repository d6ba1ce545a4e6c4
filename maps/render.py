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
WORLD_VIEW = [[-55.0, -150.0], [70.0, 160.0]]  # an event with no zones, place or basemap
NEAR = 0.01  # degrees around a typed place: a few streets each way
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


BASEMAP_STYLES = {  # the offline street layer (demo/basemap.geojson), drawn by static/js/basemap.js
    "water": {"color": "#9cc3e6", "weight": 1, "fillColor": "#cfe3f5", "fillOpacity": 1},
    "park": {"color": "#c8dfbc", "weight": 1, "fillColor": "#e2efd9", "fillOpacity": 1},
    "road": {"color": "#e8b96a", "weight": 5, "opacity": 0.9},
    "street": {"color": "#bdbdbd", "weight": 3, "opacity": 0.9},
    "other": {"color": "#999", "weight": 1},
}


def basemap_tiles(url: str, description, *, title: str = "") -> dict:
    """How static/js/map.js draws one of the app's tile files (maps.tiles.Description): its
    zooms and bounds from the file, its attribution as text (the page writes it as text)."""
    west, south, east, north = description.bounds
    return {
        "url": url,
        "attribution": description.attribution or title,
        "minZoom": description.minzoom,
        "maxZoom": description.maxzoom,
        "bounds": [[south, west], [north, east]],
        "vector": description.vector,
    }


def event_map(
    zones: dict,
    *,
    tiles_url: str | None = None,
    attribution: str = "",
    basemap: dict | None = None,
    labels: Mapping[str, str] | None = None,
    tiles: dict | None = None,
    center: tuple[float, float] | None = None,
) -> dict:
    """The map of the event's zones over the app's own tiles (`tiles`, see basemap_tiles), a
    tile server's, or an offline vector basemap (shoreline, streets and their names) when a
    command post has neither. It frames the zones, else the event's place (`center`), else
    the tiles' bounds. Names stay as they were written: escaping them here would show `&lt;`
    on the page, which writes text."""
    words = {**LABELS, **(labels or {})}
    features = sorted(
        zones["features"], key=lambda f: DRAW_ORDER.get(f["properties"].get("kind"), 9)
    )
    fields = list(TOOLTIP_FIELDS)
    if features and "staffing" in features[0]["properties"]:
        fields.append("staffing")
    if tiles is None and tiles_url:
        tiles = {"url": tiles_url, "attribution": attribution or "local tiles"}
    bounds = _bounds(features) or _around(center) or (tiles or {}).get("bounds") or WORLD_VIEW
    return {
        "center": [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        "bounds": bounds,
        "zones": {"type": "FeatureCollection", "features": features},
        "tooltip": [[field, words[field]] for field in fields],
        "styles": {kind: kind_style(kind) for kind in ZONE_COLOURS} | {"": kind_style(None)},
        "coverage": COVERAGE_COLOURS,
        "tiles": tiles,
        "basemap": None if tiles else basemap,
        "basemap_styles": BASEMAP_STYLES,
    }


def _around(center: tuple[float, float] | None) -> list[list[float]] | None:
    if center is None or center[0] is None:
        return None
    lat, lon = center
    return [[round(lat + d, 6), round(lon + d, 6)] for d in (-NEAR, NEAR)]


def _bounds(features: list[dict]) -> list[list[float]] | None:
    from shapely.geometry import shape

    xs, ys = [], []
    for f in features:
        if f["properties"].get("kind") in DRAW_ORDER:
            continue  # frame the land zones; the lake boxes would zoom the map far out
        minx, miny, maxx, maxy = shape(f["geometry"]).bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    if not xs:
        return None
    return [[min(ys), min(xs)], [max(ys), max(xs)]]
