"""Pure incident feed parser: any Socrata (SODA) dataset, as GeoJSON or as JSON rows, and
any ArcGIS FeatureServer query answered as GeoJSON or ArcGIS JSON; and their paging rules.

The document's shape is sniffed: a GeoJSON FeatureCollection, a JSON array of rows, or an
ArcGIS feature set ({"features": [{"attributes", "geometry"}]}). Which columns hold the id,
time, kind, description and priority comes from the feed's field map, or is guessed from
common names (`fields.guess_fields`); the page says what was guessed so people can see it.
A record without an id, place or readable time is refused and counted (`Page.refused`)
while the rest are kept: a stable id made from a record's content would change whenever
the source corrected it, and show the same incident twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from shapely.geometry import Point

from threats.feeds import fields as names
from threats.feeds import incident_values as values
from threats.feeds import jsondoc
from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Incident, Page, refusal

MAX_DOCUMENT_BYTES = 50_000_000
LABEL = "incidents"
Json = dict[str, Any]


@dataclass(frozen=True)
class Record:
    """One record whatever the document's shape: its columns, its own geometry if any."""

    props: Json
    geometry: object = None
    feature_id: object = None  # a GeoJSON Feature's own `id`, used when no column is one
    wkid: int | None = None  # an ArcGIS JSON answer's spatial reference
    problem: str = ""  # why this record cannot be read at all: it is refused, not the page


def parse_incidents(
    data: bytes,
    tz: ZoneInfo,
    field_map: Mapping[str, str] | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Page[Incident]:
    """One page of incidents; floating times are read in `tz`. `Page.guessed` holds the
    fields guessed from the page's column names, `Page.more` whether ArcGIS says more wait."""
    records, more = _records(jsondoc.load(data, max_bytes, LABEL))
    guess = names.guess_fields(r.props for r in records)
    named = names.columns(r.props for r in records)
    fields = names.resolve(names.fields_in_use(field_map, guess), named)
    incidents: list[Incident] = []
    refused: list[str] = []
    for number, record in enumerate(records, start=1):
        try:
            if record.problem:
                raise ValueError(record.problem)
            incidents.append(_incident(record, fields, tz))
        except ValueError as exc:
            refused.append(refusal(number, _id_or_none(record, fields), exc))
    return Page(incidents, refused=tuple(refused), guessed=guess, more=more)


def _records(document: object) -> tuple[list[Record], bool]:
    """The document's records and whether the source says more are waiting."""
    if isinstance(document, list):  # SODA JSON rows
        return [_row(row) for row in document], False
    if not isinstance(document, dict):
        raise FeedFormatError(f"{LABEL}: document is neither a JSON array nor an object")
    if isinstance(document.get("error"), dict):  # ArcGIS answers errors with 200 OK
        error = document["error"]
        raise FeedFormatError(f"{LABEL}: the server says {error.get('code')}: "
                              f"{error.get('message')}")  # fmt: skip
    features = document.get("features")
    if not isinstance(features, list):
        raise FeedFormatError(
            f"{LABEL}: document is not a GeoJSON FeatureCollection, JSON rows or an ArcGIS "
            "feature set"
        )
    more = _exceeded(document)
    if document.get("type") == "FeatureCollection":
        return [_geojson_record(feature) for feature in features], more
    wkid = _wkid(document.get("spatialReference"))
    return [_esri_record(feature, wkid) for feature in features], more


def _exceeded(document: Json) -> bool:
    # ArcGIS puts the flag at the top (f=json, newer f=geojson) or in `properties`.
    nested = document.get("properties")
    return document.get("exceededTransferLimit") is True or (
        isinstance(nested, dict) and nested.get("exceededTransferLimit") is True
    )


def _row(row: object) -> Record:
    return Record(row) if isinstance(row, dict) else Record({}, problem="row is not an object")


def _geojson_record(feature: object) -> Record:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return Record({}, problem="not a GeoJSON Feature")
    props = feature.get("properties")
    if props is not None and not isinstance(props, dict):
        return Record({}, problem="properties is not an object")
    return Record(props or {}, feature.get("geometry"), feature.get("id"))


def _esri_record(feature: object, wkid: int | None) -> Record:
    if not isinstance(feature, dict) or not isinstance(feature.get("attributes"), dict):
        return Record({}, problem="no attributes object")
    geometry = feature.get("geometry")
    return Record(feature["attributes"], {"esri": geometry} if geometry else None, wkid=wkid)


def _wkid(reference: object) -> int | None:
    if not isinstance(reference, dict):
        return None
    wkid = reference.get("latestWkid", reference.get("wkid"))
    if wkid is not None and (not isinstance(wkid, int) or isinstance(wkid, bool)):
        raise FeedFormatError(f"{LABEL}: spatialReference wkid is not a number: {wkid!r}")
    if wkid not in (None, 4326) and wkid not in values.WEB_MERCATOR:
        raise FeedFormatError(
            f"{LABEL}: coordinates are in EPSG:{wkid}; ask the service for outSR=4326"
        )
    return wkid


def _incident(record: Record, fields: Mapping[str, str], tz: ZoneInfo) -> Incident:
    props = record.props
    value = _get(props, fields, "id")
    source_id = values.source_id(record.feature_id if value is None else value)
    if not source_id:
        raise ValueError(f"no id (looked in {fields.get('id', 'id')!r})")
    return Incident(
        source_id=source_id,
        kind=values.text(_get(props, fields, "kind"), "kind"),
        description=values.text(_get(props, fields, "description"), "description"),
        geometry=_place(record, fields),
        occurred_at=values.timestamp(_get(props, fields, "time"), tz),
        priority=values.priority(_get(props, fields, "priority")),
        extra=_extra(props, fields, tz),
    )


def _get(props: Json, fields: Mapping[str, str], role: str) -> object:
    return props.get(fields[role]) if role in fields else None


def _id_or_none(record: Record, fields: Mapping[str, str]) -> str | None:
    value = _get(record.props, fields, "id")
    try:
        return values.source_id(record.feature_id if value is None else value) or None
    except ValueError:
        return None


def _place(record: Record, fields: Mapping[str, str]) -> Point:
    """The record's own geometry, else its location column, else latitude/longitude."""
    geometry = record.geometry
    if isinstance(geometry, dict) and "esri" in geometry:
        return values.esri_point(geometry["esri"], record.wkid)
    if geometry is not None:
        return values.geojson_point(geometry)
    point = values.place_value(_get(record.props, fields, "location"))
    if point is not None:
        return point
    lat, lon = _get(record.props, fields, "latitude"), _get(record.props, fields, "longitude")
    if lat in (None, "") and lon in (None, ""):
        raise ValueError("no position")
    return values.lon_lat(lon, lat)


def _extra(props: Json, fields: Mapping[str, str], tz: ZoneInfo) -> dict[str, object]:
    """Every other scalar column: text tidied, booleans kept, `*_on`/`*_date` times made
    aware. Socrata's own `:`-prefixed columns (`:@computed_region_*`) are left out."""
    used = {fields[role] for role in names.MAP_KEYS if role in fields}
    extra: dict[str, object] = {}
    for name, value in props.items():
        if name in used or name.startswith(":") or value is None:
            continue
        if isinstance(value, str) and _TIME_NAME.search(name):
            extra[name] = _time_or_text(value, tz, name)
        elif isinstance(value, str):
            extra[name] = " ".join(value.split())
        elif isinstance(value, bool | int | float):
            extra[name] = value
    return extra


_TIME_NAME = re.compile(r"(_on|_date|_datetime|_at)$", re.IGNORECASE)


def _time_or_text(value: str, tz: ZoneInfo, name: str) -> object:
    try:
        return values.timestamp(value, tz, name)
    except ValueError:
        return " ".join(value.split())


def next_page_url(url: str, count: int, limit: int) -> str | None:
    """The next SODA page: `$offset` advanced by `limit` after a full page, else None."""
    return _advanced(url, "$offset", limit) if _full(count, limit) else None


def next_arcgis_url(url: str, count: int, more: bool) -> str | None:
    """The next ArcGIS page: `resultOffset` advanced by the records read, while the server
    says `exceededTransferLimit`; an empty page ends it, whatever the flag says."""
    return _advanced(url, "resultOffset", count) if more and count > 0 else None


def is_arcgis(url: str) -> bool:
    return bool(re.search(r"/(Feature|Map)Server/[0-9]+/query$", urlsplit(url).path, re.I))


def _full(count: int, limit: int) -> bool:
    if limit <= 0:
        raise ValueError(f"limit must be positive, got {limit}")
    return count >= limit  # a short or empty page is the last one


def _advanced(url: str, name: str, step: int) -> str:
    """`url` with the query parameter `name` moved on by `step`, everything else kept."""
    parts = urlsplit(url)
    params = [p for p in parts.query.split("&") if p]
    found = [i for i, p in enumerate(params) if unquote(p.partition("=")[0]) == name]
    if not found:
        return urlunsplit(parts._replace(query="&".join([*params, f"{name}={step}"])))
    key, _, value = params[found[-1]].partition("=")
    if not re.fullmatch(r"[0-9]+", value):
        raise ValueError(f"{name} is not a whole number in {url!r}")
    params = [p for i, p in enumerate(params) if i not in found]
    params.insert(found[0], f"{key}={int(value) + step}")
    return urlunsplit(parts._replace(query="&".join(params)))
