"""Pure NWS API `/alerts/active` GeoJSON parser: bytes in, the same `cap.Alert` records out.

Each Feature becomes one `cap.Alert` with one `Info` and one `Area`, so the rest of the system
treats NWS alerts exactly like CAP documents. The key is the bare `urn:oid:` `properties.id`,
never the `@id` URL. One malformed feature is refused, named and counted (`Page.refused`) and
the others kept: a warning never goes missing because another one is malformed. A document
that is not a FeatureCollection, or whose features are all malformed, is refused whole, and
the poller keeps its last good state. Text is stripped; `description` and `instruction` keep
their line breaks, as the CAP parser does. `properties.ends` is not kept: `cap.Info` has no
field for it, and NWS repeats it in the `eventEndingTime` parameter. Geocodes (SAME, UGC, ...)
and `affectedZones` are kept as `Area.geocodes` on every alert, so a `"geometry": null` alert
still says where it applies.
"""

import math
from datetime import datetime
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from threats.feeds import jsondoc
from threats.feeds.cap import Alert, Area, Info, Reference
from threats.feeds.errors import FeedFormatError
from threats.feeds.records import Page, refusal

MAX_DOCUMENT_BYTES = 20_000_000
_STATUSES = frozenset({"Actual", "Exercise", "System", "Test", "Draft"})
_MSG_TYPES = frozenset({"Alert", "Update", "Cancel", "Ack", "Error"})
_SCOPES = frozenset({"Public", "Restricted", "Private"})

Json = dict[str, Any]


def parse_alerts(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Page[Alert]:
    """Parse an NWS alerts FeatureCollection (or the one Feature `/alerts/{id}` answers),
    refusing each malformed feature; raise FeedFormatError when it is neither, or when none
    of its features could be read. `/alerts` pages with `pagination.next`: the page says
    where the next one is while it still carries alerts."""
    collection = _load(data, max_bytes)
    if collection.get("type") == "Feature":
        collection = {"type": "FeatureCollection", "features": [collection]}
    features = collection.get("features")
    if collection.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise FeedFormatError("NWS: document is not a GeoJSON FeatureCollection with features")
    alerts, refused = [], []
    for number, feature in enumerate(features, start=1):
        try:
            alerts.append(_alert(feature, number))
        except FeedFormatError as exc:
            refused.append(refusal(number, _feature_id(feature), exc))
    if refused and not alerts:
        raise FeedFormatError(f"NWS: no feature of {len(features)} could be read: {refused[0]}")
    return Page(alerts, next_url=_next_page(collection, features), refused=tuple(refused))


def _next_page(collection: Json, features: list) -> str | None:
    """`pagination.next` of a page that carried alerts: api.weather.gov keeps offering a
    cursor after the last alert, so an empty page ends the read."""
    pagination = collection.get("pagination")
    following = pagination.get("next") if isinstance(pagination, dict) else None
    return following if features and isinstance(following, str) and following else None


def _feature_id(feature: object) -> str | None:
    props = feature.get("properties") if isinstance(feature, dict) else None
    found = props.get("id") if isinstance(props, dict) else None
    return (found.strip() or None) if isinstance(found, str) else None


def _load(data: bytes, max_bytes: int) -> Json:
    return jsondoc.load_object(data, max_bytes, "NWS")


def _alert(feature: object, number: int) -> Alert:
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise FeedFormatError(f"NWS: feature {number} is not a Feature with properties")
    props = feature["properties"]
    where = f"NWS: feature {number}"
    identifier = _token(props, "id", where)
    where = f"NWS: feature {number} ({identifier})"
    return Alert(
        identifier=identifier,
        sender=_sender(props, where),
        sent=_datetime(props, "sent", where, required=True),
        status=_enum(props, "status", _STATUSES, where),
        msg_type=_enum(props, "messageType", _MSG_TYPES, where),
        scope=_enum(props, "scope", _SCOPES, where, default="Public"),
        references=_references(props.get("references"), where),
        incidents=(),
        note="",
        infos=(_info(props, feature.get("geometry"), where),),
    )


def _info(props: Json, geometry: object, where: str) -> Info:
    category = _text(props, "category", where)
    return Info(
        language=_text(props, "language", where) or "en-US",
        categories=(category,) if category else (),
        event=_text(props, "event", where, required=True),
        urgency=_text(props, "urgency", where, required=True),
        severity=_text(props, "severity", where, required=True),
        certainty=_text(props, "certainty", where, required=True),
        headline=_text(props, "headline", where),
        description=_text(props, "description", where, collapse=False),
        instruction=_text(props, "instruction", where, collapse=False),
        effective=_datetime(props, "effective", where),
        onset=_datetime(props, "onset", where),
        expires=_datetime(props, "expires", where),
        parameters=_pairs(props.get("parameters"), f"{where} parameters"),
        areas=(
            Area(
                description=_text(props, "areaDesc", where),
                geometry=_geometry(geometry, where),
                geocodes=_geocodes(props, where),
            ),
        ),
    )


def _references(value: object, where: str) -> tuple[Reference, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FeedFormatError(f"{where}: references is not an array")
    found = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise FeedFormatError(f"{where}: reference {number} is not an object")
        at = f"{where} reference {number}"
        sent = _datetime(item, "sent", at, required=True)
        found.append(Reference(_token(item, "sender", at), _token(item, "identifier", at), sent))
    return tuple(found)


def _geocodes(props: Json, where: str) -> tuple[tuple[str, str], ...]:
    codes = _pairs(props.get("geocode"), f"{where} geocode")
    zones = _pairs({"affectedZone": props.get("affectedZones") or []}, f"{where} affectedZones")
    return codes + zones


def _pairs(value: object, where: str) -> tuple[tuple[str, str], ...]:
    """Flatten {"name": ["v1", "v2"]} into (("name", "v1"), ("name", "v2")), in order."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise FeedFormatError(f"{where} is not an object")
    pairs = []
    for name, values in value.items():
        items = [values] if isinstance(values, str) else values
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise FeedFormatError(f"{where}: {name!r} is not an array of strings")
        pairs.extend((name.strip(), v.strip()) for v in items)
    return tuple(pairs)


def _geometry(value: object, where: str) -> BaseGeometry | None:
    """GeoJSON Polygon/MultiPolygon (already lon, lat) to shapely; null means zone-based only."""
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    coordinates = value.get("coordinates") if isinstance(value, dict) else None
    if kind == "Polygon" and isinstance(coordinates, list):
        shape: BaseGeometry = _polygon(coordinates, where)
    elif kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        shape = MultiPolygon([_polygon(p, where) for p in coordinates])
    else:
        raise FeedFormatError(f"{where}: geometry is not a GeoJSON Polygon or MultiPolygon")
    return shape if shape.is_valid else _polygonal(shapely.make_valid(shape), where)


def _polygon(rings: object, where: str) -> Polygon:
    if not isinstance(rings, list) or not rings:
        raise FeedFormatError(f"{where}: polygon has no rings")
    shell, *holes = (_ring(ring, where) for ring in rings)
    return Polygon(shell, holes)


def _ring(ring: object, where: str) -> list[tuple[float, float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise FeedFormatError(f"{where}: a polygon ring needs at least 4 positions")
    positions = [_position(p, where) for p in ring]
    if positions[0] != positions[-1]:
        raise FeedFormatError(f"{where}: a polygon ring is not closed (first != last)")
    return positions


def _position(value: object, where: str) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) not in (2, 3)
        or not all(_is_number(v) for v in value)
    ):
        raise FeedFormatError(f"{where}: bad GeoJSON position {value!r}")
    lon, lat = float(value[0]), float(value[1])
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):  # a negation rejects NaN too
        raise FeedFormatError(f"{where}: position out of range {value!r}")
    return lon, lat


def _polygonal(geometry: BaseGeometry, where: str) -> Polygon | MultiPolygon:
    parts = shapely.get_parts(shapely.get_parts(geometry))
    polygons = [p for p in parts if isinstance(p, Polygon) and not p.is_empty]
    if not polygons:
        raise FeedFormatError(f"{where}: geometry encloses no area")
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _datetime(props: Json, name: str, where: str, required: bool = False) -> datetime | None:
    text = _text(props, name, where, required=required)
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise FeedFormatError(f"{where}: {name} is not an ISO 8601 date-time: {text!r}") from exc
    if value.tzinfo is None:
        raise FeedFormatError(f"{where}: {name} has no UTC offset: {text!r}")
    return value


def _enum(props: Json, name: str, allowed: frozenset[str], where: str, default: str = "") -> str:
    value = _text(props, name, where) or default
    if value not in allowed:
        raise FeedFormatError(f"{where}: {name} is {value!r}, expected one of {sorted(allowed)}")
    return value


def _token(props: Json, name: str, where: str) -> str:
    # Spaces or commas would break the CAP (sender, identifier, sent) triplets.
    value = _text(props, name, where, required=True)
    if "," in value or any(ch.isspace() for ch in value):
        raise FeedFormatError(f"{where}: {name} must not contain spaces or commas: {value!r}")
    return value


def _sender(props: Json, where: str) -> str:
    """The 2017 API named the office, spaces and all ("NWS Chicago IL"); today's gives an
    address. Either identifies the sender; a comma would still break CAP triplets."""
    value = _text(props, "sender", where, required=True)
    if "," in value:
        raise FeedFormatError(f"{where}: sender must not contain commas: {value!r}")
    return value


def _text(props: Json, name: str, where: str, required: bool = False, collapse: bool = True) -> str:
    value = props.get(name)
    if value is not None and not isinstance(value, str):
        raise FeedFormatError(f"{where}: {name} is not a string")
    text = " ".join(value.split()) if value and collapse else (value or "").strip()
    if required and not text:
        raise FeedFormatError(f"{where} has no {name}")
    return text
