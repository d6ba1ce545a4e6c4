"""The first paint of an event map: a folium map of zones, with assets served locally."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

import folium

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
# Big background zones go below the rest so that the small ones stay clickable.
DRAW_ORDER = {"airspace": 0, "water": 1, "perimeter": 2}
CHICAGO = (41.913, -87.625)
# The words the map shows (tooltip fields, layer names); a page passes its own language's.
LABELS = {
    "name": "Zone",
    "kind": "Kind",
    "area_m2": "Area (m²)",
    "capacity": "Capacity",
    "staffing": "Staffing",
    "zones": "Zones",
    "basemap": "Basemap",
}


@dataclass(frozen=True)
class MapParts:
    """The pieces of a rendered folium map, to place inside a page of ours."""

    name: str
    header: str
    html: str
    script: str
    zones_layer: str = ""


COVERAGE_COLOURS = {
    "covered": "#2ca02c",
    "short": "#ff9f1a",
    "critical": "#d62728",
    "none": "#9aa5b1",
}


def zone_style(feature: dict) -> dict:
    """Outline by kind; filled by staffing coverage when the map shows it."""
    props = feature["properties"]
    colour = ZONE_COLOURS.get(props.get("kind"), "#333333")
    background = props.get("kind") in DRAW_ORDER
    fill = COVERAGE_COLOURS.get(props.get("coverage"), colour)
    return {
        "color": colour,
        "weight": 1 if background else 2,
        "fillColor": fill,
        "fillOpacity": 0.06 if background else (0.45 if "coverage" in props else 0.25),
        "dashArray": "6 4" if background else None,
    }


BASEMAP_STYLES = {
    "water": {"color": "#9cc3e6", "weight": 1, "fillColor": "#cfe3f5", "fillOpacity": 1},
    "road": {"color": "#a0a0a0", "weight": 4, "opacity": 0.8},
}


def basemap_style(feature: dict) -> dict:
    return BASEMAP_STYLES.get(feature["properties"].get("layer"), {"color": "#999", "weight": 1})


def event_map(
    zones: dict,
    *,
    static_url: str,
    tiles_url: str | None = None,
    attribution: str = "",
    basemap: dict | None = None,
    labels: Mapping[str, str] | None = None,
) -> folium.Map:
    """A map of the event's zones over local tiles, or over an offline vector basemap
    (shoreline, main roads) when a command post has no tile server."""
    words = {**LABELS, **(labels or {})}
    m = folium.Map(location=CHICAGO, zoom_start=14, tiles=None, prefer_canvas=True)
    m.default_js = [("leaflet", f"{static_url}vendor/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{static_url}vendor/leaflet/leaflet.css")]
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=attribution or "local tiles").add_to(m)
    elif basemap:
        folium.GeoJson(
            basemap,
            name=words["basemap"],
            style_function=basemap_style,
            interactive=False,
            control=False,
        ).add_to(m)
    features = sorted(
        (_escaped(f) for f in zones["features"]),
        key=lambda f: DRAW_ORDER.get(f["properties"].get("kind"), 9),
    )
    fields = [(f, words[f]) for f in ("name", "kind", "area_m2", "capacity")]
    if features and "staffing" in features[0]["properties"]:
        fields.append(("staffing", words["staffing"]))
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=words["zones"],
        style_function=zone_style,
        tooltip=folium.GeoJsonTooltip(
            fields=[f for f, _ in fields], aliases=[a for _, a in fields], localize=True
        )
        if features
        else None,
    ).add_to(m)
    m.zones_layer = layer.get_name()
    m.fit_bounds(_bounds(features))
    return m


def _escaped(feature: dict) -> dict:
    """Folium's tooltip writes properties as HTML, so text is escaped before it gets there."""
    props = {
        k: html.escape(v) if isinstance(v, str) else v for k, v in feature["properties"].items()
    }
    return {**feature, "properties": props}


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


def map_parts(m: folium.Map) -> MapParts:
    root = m.get_root()
    root.render()
    return MapParts(
        name=m.get_name(),
        header=root.header.render(),
        html=root.html.render(),
        script=root.script.render(),
        zones_layer=getattr(m, "zones_layer", ""),
    )
