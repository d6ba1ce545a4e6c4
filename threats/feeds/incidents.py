"""Pure Socrata (SODA) GeoJSON incident parser, and the `$offset` paging rule of SODA.

SODA sends numbers as strings ("priority": "1") and floating local timestamps
("2026-07-18T13:00:00.000"), read here in the feed's time zone. The source id is
`properties.incident_id` (the event desk's own "LFS-000001"; `case_number` is the police
case and goes to `extra`). A feature without an id, or with a bad number, time or position,
refuses the whole page, naming the feature: the poller keeps its last good state rather than
silently losing an incident. The point is the feature geometry, or `latitude`/`longitude`
when the geometry is null; with neither the incident has no geometry.
"""

import math
import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from shapely.geometry import Point

from threats.feeds import jsondoc
from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Incident

MAX_DOCUMENT_BYTES = 50_000_000
# Read by name below rather than copied into `extra`.
_CONSUMED = frozenset({"incident_id", "incident_type", "description", "priority", "date"})
_COORDINATE_FIELDS = frozenset({"latitude", "longitude"})
_TIMESTAMP_FIELDS = frozenset({"updated_on"})

Json = dict[str, Any]


def parse_incidents(
    data: bytes, tz: ZoneInfo, max_bytes: int = MAX_DOCUMENT_BYTES
) -> list[Incident]:
    """Parse one page of a SODA GeoJSON FeatureCollection; floating times are read in `tz`."""
    collection = _load(data, max_bytes)
    features = collection.get("features")
    if collection.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise FeedFormatError("SODA: document is not a GeoJSON FeatureCollection with features")
    return [_incident(feature, number, tz) for number, feature in enumerate(features, start=1)]


def next_page_url(url: str, count: int, limit: int) -> str | None:
    """The next SODA page: `$offset` advanced by `limit` after a full page, else None."""
    if limit <= 0:
        raise ValueError(f"limit must be positive, got {limit}")
    if count < limit:  # a short or empty page is the last one
        return None
    parts = urlsplit(url)
    params = [p for p in parts.query.split("&") if p]
    offsets = [i for i, p in enumerate(params) if unquote(p.partition("=")[0]) == "$offset"]
    offset = 0
    if offsets:
        key, _, value = params[offsets[-1]].partition("=")
        if not re.fullmatch(r"[0-9]+", value):
            raise ValueError(f"$offset is not a whole number in {url!r}")
        offset = int(value)
        params = [p for i, p in enumerate(params) if i not in offsets]
        params.insert(offsets[0], f"{key}={offset + limit}")
    else:
        params.append(f"$offset={limit}")
    return urlunsplit(parts._replace(query="&".join(params)))


def _load(data: bytes, max_bytes: int) -> Json:
    return jsondoc.load_object(data, max_bytes, "SODA")


def _incident(feature: object, number: int, tz: ZoneInfo) -> Incident:
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise FeedFormatError(f"SODA: feature {number} is not a Feature with properties")
    props = feature["properties"]
    source_id = _text(props, "incident_id", f"SODA: feature {number}")
    if not source_id:
        raise FeedFormatError(f"SODA: feature {number} has no incident_id")
    where = f"SODA: feature {number} ({source_id})"
    return Incident(
        source_id=source_id,
        kind=_text(props, "incident_type", where),
        description=_text(props, "description", where),
        geometry=_point(feature.get("geometry"), props, where),
        occurred_at=_timestamp(props, "date", tz, where),
        priority=_priority(props.get("priority"), where),
        extra=_extra(props, tz, where),
    )


def _extra(props: Json, tz: ZoneInfo, where: str) -> dict[str, object]:
    """Every other scalar property: text cleaned, booleans kept, timestamps made aware."""
    extra: dict[str, object] = {}
    for name, value in props.items():
        if name in _CONSUMED or name in _COORDINATE_FIELDS or value is None:
            continue
        if name in _TIMESTAMP_FIELDS:
            extra[name] = _timestamp(props, name, tz, where)
        elif isinstance(value, str):
            extra[name] = " ".join(value.split())
        elif isinstance(value, bool | int | float):
            extra[name] = value
    return extra


def _point(geometry: object, props: Json, where: str) -> Point | None:
    """The feature's GeoJSON Point (lon, lat), else the latitude/longitude properties."""
    if geometry is not None:
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            raise FeedFormatError(f"{where}: geometry is not a GeoJSON Point")
        if not isinstance(coordinates, list) or len(coordinates) not in (2, 3):
            raise FeedFormatError(f"{where}: bad Point coordinates {coordinates!r}")
        return _checked_point(coordinates[0], coordinates[1], where)
    lat, lon = props.get("latitude"), props.get("longitude")
    if lat in (None, "") and lon in (None, ""):
        return None
    return _checked_point(lon, lat, where)


def _checked_point(lon: object, lat: object, where: str) -> Point:
    x, y = _number(lon, "longitude", where), _number(lat, "latitude", where)
    if not (-180.0 <= x <= 180.0 and -90.0 <= y <= 90.0):
        raise FeedFormatError(f"{where}: position out of range ({lon!r}, {lat!r})")
    return Point(x, y)


def _number(value: object, name: str, where: str) -> float:
    # SODA sends numbers as strings; plain JSON numbers are accepted too.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FeedFormatError(f"{where}: {name} is not a number: {value!r}")
    try:
        number = float(value)
    except (ValueError, OverflowError) as exc:
        raise FeedFormatError(f"{where}: {name} is not a number: {value!r}") from exc
    if not math.isfinite(number):
        raise FeedFormatError(f"{where}: {name} is not finite: {value!r}")
    return number


def _priority(value: object, where: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,9}", value.strip()):
        return int(value)
    raise FeedFormatError(f"{where}: priority is not a whole number: {value!r}")


def _timestamp(props: Json, name: str, tz: ZoneInfo, where: str) -> datetime | None:
    text = _text(props, name, where)
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise FeedFormatError(f"{where}: {name} is not an ISO 8601 timestamp: {text!r}") from exc
    # SODA floating timestamps carry no offset: they are the feed's local time.
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _text(props: Json, name: str, where: str) -> str:
    value = props.get(name)
    if value is not None and not isinstance(value, str):
        raise FeedFormatError(f"{where}: {name} is not a string")
    return " ".join(value.split()) if value else ""
