"""A threat's partner-visible fields in CAP 1.2's words: severity as CAP states it, its
categories, a headline, and its geometry as CAP polygons and circles ("lat,lon" pairs)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from threats.lifecycle import SEVERITY_ORDER

CATEGORIES = (
    *("Geo", "Met", "Safety", "Security", "Rescue", "Fire"),
    *("Health", "Env", "Transport", "Infra", "CBRNE", "Other"),
)
OWN_CATEGORIES = {"watchlist": "Security", "incident": "Safety"}  # eventwatch's, in CAP's words
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
ALIASES = {"very likely": "Likely"}  # CAP 1.1's value
UNNAMED_EVENT = "Security alert"  # CAP needs an <event>; a watchlist threat's kind is withheld
POINT_RADIUS_KM = 0.01  # a point is sent as a 10 m circle: CAP circles need a radius above 0
HEADLINE_MAX = 160
_GEOD = Geod(ellps="WGS84")
DEFAULT_LANGUAGE = "en-US"
_LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*", re.ASCII)  # xs:language
# Everything outside XML 1.0's Char production: C0 controls but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF. Old rows and other feeds' words may hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry, so a document stays well-formed."""
    return _NOT_XML.sub("", value)


def cap_time(value: datetime, tz: ZoneInfo) -> str:
    """CAP's date-time form: the event's local offset, whole seconds, no "Z"."""
    if value.tzinfo is None:
        raise ValueError(f"CAP times need a time zone, got the naive {value!r}")
    return value.astimezone(tz).replace(microsecond=0).isoformat()


def language_tag(language: str | None) -> str:
    """The <language> of a threat's words: the source's own tag; en-US, CAP's default, for
    eventwatch's words and threats stored before the language was; "und" (BCP 47's
    undetermined) for a tag the schema would refuse. "en_GB" is taken to mean en-GB."""
    tag = (language or "").strip().replace("_", "-")
    if not tag:
        return DEFAULT_LANGUAGE
    return tag if _LANGUAGE_TAG.fullmatch(tag) else "und"


def stated_severity(severity: str, urgency: str, certainty: str) -> str:
    """The CAP severity that `threats.lifecycle.cap_severity` reads back as `severity`: it
    lowers a past or unlikely threat one step, so such a threat is stated one step higher
    (an extreme one cannot be, and reads back as severe)."""
    level = (severity or "").lower()
    if level not in SEVERITY_ORDER:
        return "Unknown"
    index = SEVERITY_ORDER.index(level)
    if index and ((urgency or "").lower() == "past" or (certainty or "").lower() == "unlikely"):
        index = min(index + 1, len(SEVERITY_ORDER) - 1)
    return SEVERITY_ORDER[index].capitalize()


def categories(category: str | None) -> list[str]:
    """CAP categories for a threat's comma-separated category; "Other" for the unknown."""
    found: list[str] = []
    for word in (w.strip().lower() for w in (category or "").split(",")):
        if not word:
            continue
        known = next((c for c in CATEGORIES if c.lower() == word), None)
        name = known or OWN_CATEGORIES.get(word, "Other")
        if name not in found:
            found.append(name)
    return found or ["Other"]


def event_name(properties: Mapping) -> str:
    return properties.get("kind") or UNNAMED_EVENT


def zone_names(properties: Mapping) -> list[str]:
    return [z["name"] for z in properties.get("zones") or [] if z.get("name")]


def headline(properties: Mapping) -> str:
    """One line from partner-visible fields alone (the threat's own title is withheld)."""
    zones = ", ".join(zone_names(properties))
    where = f" at {zones}" if zones else ""
    severity = properties.get("severity") or "unknown"
    text = f"{event_name(properties)}: {severity} threat{where}, {properties.get('status')}"
    return text[:HEADLINE_MAX]


def cap_shapes(geometry: BaseGeometry | None) -> tuple[list[str], list[str]]:
    """CAP <polygon> and <circle> texts for a (lon, lat) EPSG:4326 geometry: a polygon's
    outer ring (CAP has no holes), a point as a small circle, a line inside a circle."""
    polygons: list[str] = []
    circles: list[str] = []
    for piece in _pieces(geometry) if geometry is not None else []:
        if piece.geom_type == "Polygon":
            polygons.append(" ".join(_pair(x, y) for x, y, *_ in piece.exterior.coords))
        elif piece.geom_type == "Point":
            circles.append(f"{_pair(piece.x, piece.y)} {POINT_RADIUS_KM}")
        else:
            circles.append(_enclosing_circle(piece))
    return polygons, circles


def _pieces(geometry: BaseGeometry) -> list[BaseGeometry]:
    if geometry.is_empty:
        return []
    if hasattr(geometry, "geoms"):
        return [piece for part in geometry.geoms for piece in _pieces(part)]
    return [geometry]


def _enclosing_circle(geometry: BaseGeometry) -> str:
    """A circle around the centroid that reaches every vertex, measured on the ellipsoid,
    with 1% to spare: consumers draw a circle as a polygon inside it."""
    centre = geometry.centroid
    reach_m = max(_GEOD.inv(centre.x, centre.y, x, y)[2] for x, y, *_ in geometry.coords)
    radius_km = max(math.ceil(reach_m * 1.01) / 1000.0, POINT_RADIUS_KM)
    return f"{_pair(centre.x, centre.y)} {radius_km}"


def _pair(lon: float, lat: float) -> str:
    return f"{_degrees(lat)},{_degrees(lon)}"


def _degrees(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def choice(value: str | None, allowed: tuple[str, ...]) -> str:
    word = ALIASES.get((value or "").lower(), value or "")
    return next((a for a in allowed if a.lower() == word.lower()), "Unknown")
