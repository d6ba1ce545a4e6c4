"""Reading one incident value the way open-data portals send it: numbers as strings,
floating local times, epoch milliseconds, priorities as "P1" or "High", places as GeoJSON
Points, Socrata location objects or latitude/longitude columns. Each reader raises
ValueError with a short reason; the parser refuses that one record and keeps the rest."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from shapely.geometry import Point

# Socrata's CSV-style time, sometimes seen in JSON exports of older datasets.
_US_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")
_WORDS = {"critical": 1, "emergency": 1, "high": 1, "medium": 2, "moderate": 2, "low": 3}
MAX_ID = 200  # what a threat keeps of a source's id (and the key it is found again by)
WEB_MERCATOR = frozenset({102100, 102113, 900913, 3857})
_EARTH_RADIUS_M = 6378137.0
_PAIR = re.compile(r"\(\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*\)")


def text(value: object, name: str) -> str:
    """Text with its white space tidied; numbers as their text. Lists and objects refuse."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{name} is not text: {value!r}")
    return " ".join(str(value).split())


def source_id(value: object) -> str:
    """The record's id: text, or a whole number (ArcGIS OBJECTID, NYC unique_key)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        raise ValueError(f"id is not a whole number: {value!r}")
    found = text(value, "id")
    if len(found) > MAX_ID:
        raise ValueError(f"id is longer than {MAX_ID} characters")
    return found


def timestamp(value: object, tz: ZoneInfo, name: str = "time") -> datetime | None:
    """ISO 8601 (floating times are the feed's local time) or epoch milliseconds (ArcGIS)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} is not a time: {value!r}")
    if isinstance(value, int | float):
        return _epoch(float(value), name)
    if not isinstance(value, str):
        raise ValueError(f"{name} is not a time: {value!r}")
    stamp = value.strip()
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        if stamp.isdigit():  # epoch milliseconds sent as text
            return _epoch(float(stamp), name)
        parsed = _us_time(stamp, name)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def _epoch(number: float, name: str) -> datetime:
    # Epoch milliseconds from ArcGIS; a number too small to be milliseconds since 1973 is
    # taken as seconds, which some exports use.
    seconds = number / 1000 if abs(number) >= 1e11 else number
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"{name} is not a time: {number!r}") from exc


def _us_time(stamp: str, name: str) -> datetime:
    for layout in _US_FORMATS:
        try:
            return datetime.strptime(stamp, layout)
        except ValueError:
            continue
    raise ValueError(f"{name} is not a time: {stamp!r}")


def priority(value: object) -> int | None:
    """1, "1", "P1", "Priority 2", "High": what can be read; anything else is None, never
    a refusal, since a priority only orders incidents and does not place them."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    words = value.strip().casefold()
    if words in _WORDS:
        return _WORDS[words]
    digits = re.fullmatch(r"(?:p|priority)?\s*([0-9]{1,6})(?:\.0+)?", words)
    return int(digits.group(1)) if digits else None


def number(value: object, name: str) -> float:
    """A finite number; Socrata sends them as strings."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{name} is not a number: {value!r}")
    try:
        found = float(value)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{name} is not a number: {value!r}") from exc
    if not math.isfinite(found):
        raise ValueError(f"{name} is not finite: {value!r}")
    return found


def lon_lat(lon: object, lat: object) -> Point:
    x, y = number(lon, "longitude"), number(lat, "latitude")
    if not (-180.0 <= x <= 180.0 and -90.0 <= y <= 90.0):
        raise ValueError(f"position out of range ({lon!r}, {lat!r})")
    return Point(x, y)


def geojson_point(geometry: object) -> Point:
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        raise ValueError("geometry is not a GeoJSON Point")
    if not isinstance(coordinates, list) or len(coordinates) not in (2, 3):
        raise ValueError(f"bad Point coordinates {coordinates!r}")
    return lon_lat(coordinates[0], coordinates[1])


def place_value(value: object) -> Point | None:
    """A location column: a GeoJSON Point, or a Socrata location {latitude, longitude,
    human_address}, whose coordinates may be null while it waits to be geocoded."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and (pair := _PAIR.fullmatch(value.strip())):
        return lon_lat(pair.group(2), pair.group(1))  # "(41.92, -87.69)": CSV-style location
    if isinstance(value, str):  # a Point sent as JSON text
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"location is not a place: {value[:80]!r}") from exc
    if isinstance(value, dict) and value.get("type") == "Point":
        return geojson_point(value)
    if isinstance(value, dict) and ("latitude" in value or "longitude" in value):
        lat, lon = value.get("latitude"), value.get("longitude")
        return None if lat in (None, "") and lon in (None, "") else lon_lat(lon, lat)
    raise ValueError(f"location is not a place: {str(value)[:80]!r}")


def esri_point(geometry: object, wkid: int | None) -> Point:
    """An ArcGIS JSON point {x, y} in WGS 84, or in Web Mercator (the services' default)."""
    if not isinstance(geometry, dict):
        raise ValueError("geometry is not an ArcGIS point {x, y}")
    x, y = number(geometry.get("x"), "x"), number(geometry.get("y"), "y")
    if wkid in WEB_MERCATOR:
        lon = math.degrees(x / _EARTH_RADIUS_M)
        lat = math.degrees(2 * math.atan(math.exp(y / _EARTH_RADIUS_M)) - math.pi / 2)
        return lon_lat(lon, lat)
    return lon_lat(x, y)
