"""Open threats as one compact table, the form a joining viewer's snapshot carries them in.

As GeoJSON features, 10,000 open threats made an 8 MB snapshot, most of it text no map
draws. The map needs a marker per threat (where, how severe, what family, which status);
the queue the words of the newest few. The rest comes from GET /threats/<id> when a threat
is selected, and every later change arrives whole, as a feature in a delta.

The table is built from features already redacted for the audience, so the partner
allow-list (common.audience) stays the one place that decides what a partner sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from common.versions import version_of

FIELDS = ("id", "lon", "lat", "severity", "status", "family", "kind", "updated", "zones")
FIELDS += ("received",)  # when first seen, in whole seconds after `base`: the queue's age
CODED = ("severity", "status", "family", "kind")
# texts: the words of a CAP alert's other languages; places: those an alert with no shape
# named, when it reaches the whole event
WORDS = ("title", "assignee", "texts", "places")
RECENT = 300  # the queue lists the newest 200; the rest is slack for threats that close
PLACES = 5  # decimal places of a marker's point: about a metre


def family(category: str | None) -> str | None:
    """The first CAP category, lower case: it picks the marker's ring colour."""
    first = (category or "").split(",")[0].strip().lower()
    return first or None


def _stamp(properties: dict) -> int | None:
    """When the threat last changed, in whole milliseconds since 1970: its version, which
    the page sends back (If-Match) with a commander's change (common.versions)."""
    value = properties.get("updated_at")
    return int(version_of(datetime.fromisoformat(value))) if value else None


def _received(properties: dict, base: int) -> int | None:
    """When the threat was first seen, in whole seconds after `base` (ms since 1970, a whole
    second): negative when it was received before the earliest change in the table."""
    value = properties.get("first_seen")
    if not value:
        return None
    return int(version_of(datetime.fromisoformat(value))) // 1000 - base // 1000


class _Codes:
    """Small integers for repeated words: each distinct value is sent once."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {name: [] for name in CODED}
        self._index: dict[str, dict[str, int]] = {name: {} for name in CODED}

    def of(self, name: str, value: str | None) -> int | None:
        if value is None:
            return None
        index = self._index[name]
        if value not in index:
            index[value] = len(self.values[name])
            self.values[name].append(value)
        return index[value]


def _point(properties: dict) -> tuple[float | None, float | None]:
    point = properties.get("point")
    if not point:
        return None, None
    return round(point[0], PLACES), round(point[1], PLACES)


def _row(properties: dict, codes: _Codes, stamp: int | None, base: int) -> list:
    lon, lat = _point(properties)
    coded = {
        "severity": properties.get("severity"),
        "status": properties.get("status"),
        "family": family(properties.get("category")),
        "kind": properties.get("kind"),
    }
    return [
        properties["id"],
        lon,
        lat,
        *(codes.of(name, coded[name]) for name in CODED),
        None if stamp is None else stamp - base,
        [zone["id"] for zone in properties.get("zones", [])],
        _received(properties, base),
    ]


def _words(properties: dict) -> dict:
    return {key: properties[key] for key in WORDS if properties.get(key)}


def threat_table(features: Sequence[dict], newest: Sequence[dict] | None = None) -> dict:
    """Rows of FIELDS, coded words in `codes`, `updated` in milliseconds after `base` and
    `received` in seconds after it, and outlines only for threats that are areas. Words
    (titles) come from `newest`, whole features of the most recently changed, else from the
    RECENT newest of `features`."""
    stamps = [_stamp(f["properties"]) for f in features]
    known = [s for s in stamps if s is not None]
    base = min(known) // 1000 * 1000 if known else 0  # a whole second, as `base` says it
    codes = _Codes()
    rows = [_row(f["properties"], codes, s, base) for f, s in zip(features, stamps, strict=True)]
    outlines = {
        str(f["properties"]["id"]): f["geometry"]
        for f in features
        if f.get("geometry") and f["geometry"]["type"] != "Point"
    }
    if newest is None:
        order = sorted(range(len(features)), key=lambda i: stamps[i] or 0.0, reverse=True)
        newest = [features[i] for i in order[:RECENT]]
    words = {str(f["properties"]["id"]): w for f in newest if (w := _words(f["properties"]))}
    return {
        "fields": list(FIELDS),
        "codes": codes.values,
        "base": datetime.fromtimestamp(base // 1000, UTC).isoformat() if known else None,
        "rows": rows,
        "outlines": outlines,
        "words": words,
    }


def expand(table: dict) -> list[dict]:
    """The table back as one dict per threat, codes resolved: for tests and scripts."""
    base = datetime.fromisoformat(table["base"]).timestamp() if table["base"] else 0.0
    threats = []
    for row in table["rows"]:
        threat = dict(zip(table["fields"], row, strict=True))
        for name in CODED:
            code = threat[name]
            threat[name] = None if code is None else table["codes"][name][code]
        if threat["updated"] is not None:  # in seconds, as datetime.timestamp()
            threat["updated"] = base + threat["updated"] / 1000
        if threat["received"] is not None:
            threat["received"] = base + threat["received"]
        threat |= table["words"].get(str(threat["id"]), {})
        threat["outline"] = table["outlines"].get(str(threat["id"]))
        threats.append(threat)
    return threats
